/*
 * license_match.c - is a normalised text the license's template?  The
 * built-in templates, titles, copyright lines and the name in a body.
 *
 * A text is the expected license when its tokens, after an optional title
 * and the copyright lines, are exactly the template's, compared in order:
 * the template's body is parts (SPDX license-list-XML markup), fixed words,
 * optional words, alternative wordings and a name, and the text must take
 * each part in one of its forms.  One word added, removed or changed
 * otherwise is a mismatch, and there is no similarity threshold.  The word
 * diff (license_diff.c) then says which words, against the template in the
 * forms the text took.  Matching never changes the normalisation
 * (license_norm.c): the fingerprints do not depend on it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "license.h"
#include "license_int.h"

#define WORD_CHECK_MAX	32		/* bytes of a word license_words has */
#define BODY_ANCHOR	3		/* tokens that say the body starts */
#define PART_WORDINGS_MAX 2		/* wordings of a template's part */
#define TEMPLATE_PARTS_MAX 32		/* parts of a template's body */
#define TEMPLATE_NAME_MAX 32		/* tokens of a name in a body */
#define RESYNC_MIN	4		/* tokens of a part to resync on */

#define REASON_TOO_LARGE "text is larger than LICENSE_MAX_SIZE (1 MiB)"
#define REASON_EMPTY	"text is empty"
#define REASON_DIFFERS	"words differ from the license's template"

/*
 * What a part of a template's body is (SPDX license-list-XML markup):
 * words that must be there, <optional> words, one of the <alt> wordings,
 * or the <alt match=".+"> of a name.
 */
enum part_kind {
	PART_FIXED,
	PART_OPTIONAL,
	PART_CHOICE,
	PART_NAME,
};

/*
 * A part of a body, as written: each wording starts with the white space
 * before it and ends without any (but the body's last line break), so
 * that the wordings taken, put end to end, are the text.  wording[0] is
 * the default: the fixed words, the optional ones, the first choice or the
 * name the template gives.
 */
struct part {
	enum part_kind kind;
	unsigned group;		/* PART_CHOICE: if not 0, the parts of one
				   group take the same wording */
	const char *wording[PART_WORDINGS_MAX + 1]; /* NULL-terminated */
};

struct template {
	const char *spdx;
	const char *const *titles;	/* normalised, longest first */
	const char *body;		/* the default wordings, end to end */
	const struct part *parts;
	size_t nparts;
};

/*
 * Words of license terms.  A "copyright line" carrying one of them is not
 * a copyright line but license text ("Copyright 2024 X, for non-commercial
 * use only"), so it must match the template like any other text.
 */
static const char *const license_words[] = {
	"academic", "agpl", "agree", "agreement", "allowed", "apache",
	"attribution", "bsd", "cannot", "charge", "clause", "commercial",
	"commercially", "commons", "condition", "conditions", "disclaim",
	"disclaimer", "distribute", "distributed", "distribution",
	"educational", "evaluation", "except", "exclusive", "exclusively",
	"fee", "fees", "forbid", "forbidden", "gpl", "grant", "granted",
	"granting", "grants", "hereby", "internal", "lgpl", "liability",
	"liable", "license", "licensed", "licensee", "licensees", "licenses",
	"licensing", "licensor", "licensors", "may", "merchantability",
	"modify", "must", "no", "non", "noncommercial", "nor", "not", "only",
	"paid", "payment", "permission", "permissions", "permit", "permits",
	"permitted", "personal", "prohibit", "prohibited", "prohibits",
	"provided", "purpose", "purposes", "redistribute", "redistribution",
	"restrict", "restricted", "restriction", "restrictions",
	"revocable", "revoke", "royalty", "sell", "shall", "should", "solely",
	"subject", "sublicense", "terminate", "termination", "terms",
	"unless", "usage", "use", "used", "uses", "using", "warranties",
	"warranty", "without", NULL
};

static const char *const mit_titles[] = {
	"the mit license ( mit )",
	"the mit license",
	"mit license ( mit )",
	"mit license",
	NULL
};

/*
 * SPDX "MIT" (license-list-XML src/MIT.xml) without its title and
 * copyright line, in parts.  mit_body is the default wordings end to end,
 * spelled with the same macros, so the two cannot drift apart.
 */
#define MIT_GRANT							\
    "Permission is hereby granted, free of charge, to any person obtaining " \
    "a copy of"
#define MIT_FILES	" this software and associated documentation files"
#define MIT_FILE	" this source file"
#define MIT_DEFINE	" (the \""
#define MIT_SW_DEF	"Software"	/* right after the quote */
#define MIT_MAT_DEF	"Materials"
#define MIT_SW		" Software"
#define MIT_MAT		" Materials"
#define MIT_DEAL	"\"), to deal in the"
#define MIT_LIMIT	" without restriction, including without limitation"
#define MIT_ON		" on"
#define MIT_RIGHTS							\
    " the rights to use, copy, modify, merge, publish, distribute, "	\
    "sublicense, and/or sell copies of the"
#define MIT_PERMIT	", and to permit persons to whom the"
#define MIT_NOTICE							\
    " is furnished to do so, subject to the following conditions:\n"	\
    "\n"								\
    "The above copyright notice and this permission notice"
#define MIT_NEXT	" (including the next paragraph)"
#define MIT_INCLUDED							\
    " shall be included in all copies or substantial portions of the"
#define MIT_THE		".\n\nTHE"
#define MIT_SW_IS	" SOFTWARE IS"
#define MIT_MAT_ARE	" MATERIALS ARE"
#define MIT_WARRANTY							\
    " PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR "	\
    "IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF "		\
    "MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND "		\
    "NONINFRINGEMENT. IN NO EVENT SHALL"
#define MIT_HOLDERS	" THE AUTHORS OR COPYRIGHT HOLDERS"
#define MIT_LIABLE							\
    " BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN " \
    "ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN " \
    "CONNECTION WITH THE"
#define MIT_USE		" OR THE USE OR OTHER DEALINGS IN THE"
#define MIT_SW_UP	" SOFTWARE"
#define MIT_MAT_UP	" MATERIALS"
#define MIT_END		".\n"

#define MIT_TERM	1	/* group: "Software" or "Materials" throughout */

static const char mit_body[] =
    MIT_GRANT MIT_FILES MIT_DEFINE MIT_SW_DEF MIT_DEAL MIT_SW MIT_LIMIT
    MIT_RIGHTS MIT_SW MIT_PERMIT MIT_SW MIT_NOTICE MIT_INCLUDED MIT_SW
    MIT_THE MIT_SW_IS MIT_WARRANTY MIT_HOLDERS MIT_LIABLE MIT_SW_UP
    MIT_USE MIT_SW_UP MIT_END;

static const struct part mit_parts[] = {
	{ PART_FIXED, 0, { MIT_GRANT } },
	{ PART_CHOICE, 0, { MIT_FILES, MIT_FILE } },
	{ PART_FIXED, 0, { MIT_DEFINE } },
	{ PART_CHOICE, MIT_TERM, { MIT_SW_DEF, MIT_MAT_DEF } },
	{ PART_FIXED, 0, { MIT_DEAL } },
	{ PART_CHOICE, MIT_TERM, { MIT_SW, MIT_MAT } },
	{ PART_FIXED, 0, { MIT_LIMIT } },
	{ PART_OPTIONAL, 0, { MIT_ON } },
	{ PART_FIXED, 0, { MIT_RIGHTS } },
	{ PART_CHOICE, MIT_TERM, { MIT_SW, MIT_MAT } },
	{ PART_FIXED, 0, { MIT_PERMIT } },
	{ PART_CHOICE, MIT_TERM, { MIT_SW, MIT_MAT } },
	{ PART_FIXED, 0, { MIT_NOTICE } },
	{ PART_OPTIONAL, 0, { MIT_NEXT } },
	{ PART_FIXED, 0, { MIT_INCLUDED } },
	{ PART_CHOICE, MIT_TERM, { MIT_SW, MIT_MAT } },
	{ PART_FIXED, 0, { MIT_THE } },
	{ PART_CHOICE, MIT_TERM, { MIT_SW_IS, MIT_MAT_ARE } },
	{ PART_FIXED, 0, { MIT_WARRANTY } },
	{ PART_NAME, 0, { MIT_HOLDERS } },
	{ PART_FIXED, 0, { MIT_LIABLE } },
	{ PART_CHOICE, MIT_TERM, { MIT_SW_UP, MIT_MAT_UP } },
	{ PART_FIXED, 0, { MIT_USE } },
	{ PART_CHOICE, MIT_TERM, { MIT_SW_UP, MIT_MAT_UP } },
	{ PART_FIXED, 0, { MIT_END } },
};

_Static_assert(sizeof(mit_parts) / sizeof(mit_parts[0]) <= TEMPLATE_PARTS_MAX,
    "TEMPLATE_PARTS_MAX");

static const struct template templates[] = {
	{ "MIT", mit_titles, mit_body, mit_parts,
	    sizeof(mit_parts) / sizeof(mit_parts[0]) },
};

/*
 * Look-alikes.
 */

/*
 * For the copyright-line check only: the Latin letter cp looks like
 * (Cyrillic and Greek look-alikes, accented and fullwidth letters, "0"),
 * so that "nоt" with a Cyrillic "о" is still caught there.
 */
static uint32_t
lookalike(uint32_t cp)
{
	switch (cp) {
	case 0x430: case 0x3b1:			return 'a';
	case 0x441: case 0x3f2: case 0xe7:	return 'c';
	case 0x501:				return 'd';
	case 0x435: case 0x3b5:			return 'e';
	case 0x4bb:				return 'h';
	case 0x456: case 0x3b9: case 0x131:	return 'i';
	case 0x458:				return 'j';
	case 0x43a: case 0x3ba:			return 'k';
	case 0x4cf:				return 'l';
	case 0x43c:				return 'm';
	case 0xf1:				return 'n';
	case 0x43e: case 0x3bf: case '0':	return 'o';
	case 0x440: case 0x3c1:			return 'p';
	case 0x51b:				return 'q';
	case 0x455:				return 's';
	case 0x3c4:				return 't';
	case 0x3c5:				return 'u';
	case 0x3bd:				return 'v';
	case 0x51d:				return 'w';
	case 0x445: case 0x3c7:			return 'x';
	case 0x443: case 0x3b3: case 0xfd: case 0xff: return 'y';
	}
	if (cp >= 0xe0 && cp <= 0xe5)
		return 'a';
	if (cp >= 0xe8 && cp <= 0xeb)
		return 'e';
	if (cp >= 0xec && cp <= 0xef)
		return 'i';
	if ((cp >= 0xf2 && cp <= 0xf6) || cp == 0xf8)
		return 'o';
	if (cp >= 0xf9 && cp <= 0xfc)
		return 'u';
	if (cp >= 0xff41 && cp <= 0xff5a)
		return 'a' + (cp - 0xff41);
	if (cp >= 0xff21 && cp <= 0xff3a)
		return 'a' + (cp - 0xff21);
	return cp;
}

/*
 * Templates: title, copyright lines, body.
 */

static const struct template *
find_template(const char *spdx)
{
	size_t k;

	if (spdx == NULL)
		return NULL;
	for (k = 0; k < sizeof(templates) / sizeof(templates[0]); k++)
		if (strcmp(templates[k].spdx, spdx) == 0)
			return &templates[k];
	return NULL;
}

/*
 * A template's body normalised, for one call: the tokens of every wording
 * of every part, wording w of part p being tokens [from, to) of nm.
 */
struct tpl {
	const struct template *t;
	struct norm nm;
	uint32_t from[TEMPLATE_PARTS_MAX][PART_WORDINGS_MAX];
	uint32_t to[TEMPLATE_PARTS_MAX][PART_WORDINGS_MAX];
};

/*
 * Normalises the wordings of t's parts into *tp, each as if it went on
 * from the part before, mid-line (the tail rules, "sub" "license" and the
 * like, see only the wording before in nm, so no wording starts with a
 * word they join to the one before).  Returns 0, or -1 when out of memory
 * (then *tp owns nothing).
 */
static int
tpl_build(struct tpl *tp, const struct template *t)
{
	const char *w;
	size_t p, k;
	uint32_t line = 0;

	tp->t = t;
	if (lic_norm_init(&tp->nm, strlen(t->body) * 2) == -1)
		return -1;
	for (p = 0; p < t->nparts; p++) {
		for (k = 0; (w = t->parts[p].wording[k]) != NULL; k++) {
			tp->from[p][k] = (uint32_t)tp->nm.ntok;
			lic_lex_into(&tp->nm, w, strlen(w), line, p > 0);
			tp->to[p][k] = (uint32_t)tp->nm.ntok;
			/* lines of its own: no sign merges into the one before */
			if (tp->nm.ntok > 0)
				line = tp->nm.tok[tp->nm.ntok - 1].line + 1;
		}
	}
	if (tp->nm.nomem) {
		lic_norm_free(&tp->nm);
		return -1;
	}
	return 0;
}

/*
 * Returns how many tokens from k spell the space-separated words (at most
 * max of them), or 0.
 */
static size_t
match_words(const struct norm *nm, size_t k, const char *words, size_t max)
{
	const char *w = words, *sp;
	size_t n = 0, wl;

	while (*w != '\0' && n < max) {
		sp = strchr(w, ' ');
		wl = sp != NULL ? (size_t)(sp - w) : strlen(w);
		if (k + n >= nm->ntok || nm->tok[k + n].len != wl ||
		    memcmp(nm->text + nm->tok[k + n].off, w, wl) != 0)
			return 0;
		n++;
		w += wl;
		if (*w == ' ')
			w++;
	}
	return n;
}

/* Returns how many tokens from k are one of t's titles, or 0. */
static size_t
skip_title(const struct norm *nm, size_t k, const struct template *t)
{
	const char *const *title;
	size_t n;

	for (title = t->titles; *title != NULL; title++)
		if ((n = match_words(nm, k, *title, SIZE_MAX)) > 0)
			return n;
	return 0;
}

/* Returns whether the template's body starts at token k. */
static int
body_starts(const struct norm *nm, size_t k, const struct tpl *tp)
{
	size_t n = tp->to[0][0] - tp->from[0][0], i;

	if (n > BODY_ANCHOR)
		n = BODY_ANCHOR;
	if (n == 0 || k + n > nm->ntok)
		return 0;
	for (i = 0; i < n; i++)
		if (!tok_eq(nm, k + i, &tp->nm, tp->from[0][0] + i))
			return 0;
	return 1;
}

/*
 * Returns whether the word s (n bytes, normalised) is in license_words,
 * seen through lookalike() and without an "'s" ending.
 */
static int
is_license_word(const char *s, size_t n)
{
	char buf[WORD_CHECK_MAX];
	size_t k = 0, len = 0, w, i;
	uint32_t cp;

	while (k < n) {
		w = lic_utf8_decode((const unsigned char *)s + k, n - k, &cp);
		k += w;
		if (cp == '\'')
			break;
		cp = lookalike(cp);
		if (cp >= 0x80 || len == sizeof(buf))
			return 0;
		buf[len++] = (char)cp;
	}
	for (i = 0; license_words[i] != NULL; i++)
		if (strlen(license_words[i]) == len &&
		    memcmp(license_words[i], buf, len) == 0)
			return 1;
	return 0;
}

/*
 * Returns whether tokens [k, end) carry a license word, alone or as part
 * of a hyphenated word ("com-mercial").
 */
static int
has_license_word(const struct norm *nm, size_t k, size_t end)
{
	char joined[WORD_CHECK_MAX];
	size_t jl = 0, pieces = 0, i;
	const struct tok *t;

	for (i = k; i < end; i++) {
		t = &nm->tok[i];
		if (t->kind != T_WORD) {
			if (!(t->glued && tok_is(nm, i, "-")))
				jl = pieces = 0;
			continue;
		}
		if (is_license_word(nm->text + t->off, t->len))
			return 1;
		if (!(pieces > 0 && t->glued && nm->tok[i - 1].glued))
			jl = pieces = 0;
		if (jl + t->len > sizeof(joined)) {
			jl = pieces = 0;
			continue;
		}
		memcpy(joined + jl, nm->text + t->off, t->len);
		jl += t->len;
		if (++pieces > 1 && is_license_word(joined, jl))
			return 1;
	}
	return 0;
}

/*
 * Returns whether tokens [k, end), which stand where a name goes (a
 * copyright line, the name in a template's body), hold something other
 * than a name: a license word (has_license_word()) or a bad character,
 * which may be a bidi control that shows the words in another order.
 * A name is never a place for terms.
 */
static int
holds_terms(const struct norm *nm, size_t k, size_t end)
{
	size_t i;

	for (i = k; i < end; i++)
		if (nm->tok[i].kind == T_BAD)
			return 1;
	return has_license_word(nm, k, end);
}

/*
 * Returns whether the line ending before token end goes on below: its
 * last token is ",", "and" or "&" (a list of holders, wrapped).
 */
static int
goes_on(const struct norm *nm, size_t end)
{
	return end > 0 && (tok_is(nm, end - 1, ",") ||
	    tok_is(nm, end - 1, "and") || tok_is(nm, end - 1, "&"));
}

/*
 * Returns the end of the copyright lines from token k: lines with a
 * copyright sign, a line right below one that goes on (goes_on()), and
 * "All rights reserved." lines, none holding terms (holds_terms()).  The
 * lines end where the template's body starts, even within a line.
 */
static size_t
skip_copyright(const struct norm *nm, size_t k, const struct tpl *tp)
{
	uint32_t line, prev = 0;
	size_t j;
	int have = 0, sign, rights, more;

	while (k < nm->ntok && !body_starts(nm, k, tp)) {
		line = nm->tok[k].line;
		sign = 0;
		for (j = k; j < nm->ntok && nm->tok[j].line == line; j++) {
			if (j > k && body_starts(nm, j, tp))
				break;
			if (nm->tok[j].kind == T_COPYRIGHT)
				sign = 1;
		}
		more = have && line == prev + 1 && goes_on(nm, k);
		rights = have && match_words(nm, k, "all rights reserved",
		    SIZE_MAX) > 0 &&
		    (j - k == 3 || (j - k == 4 && tok_is(nm, k + 3, ".")));
		if ((!sign && !more && !rights) || holds_terms(nm, k, j))
			break;
		have = 1;
		prev = line;
		k = j;
	}
	return k;
}

/* Returns the first token of the body in nm: after title and copyright. */
static size_t
skip_variable(const struct norm *nm, const struct tpl *tp)
{
	size_t k, n;

	k = n = skip_title(nm, 0, tp->t);
	k = skip_copyright(nm, k, tp);
	if (n == 0)
		k += skip_title(nm, k, tp->t);	/* the title below the notice */
	return k;
}

/*
 * The body: parts matched in order.
 */

/*
 * How a text's body matches a template's parts.  A match fits every part;
 * a text that does not match fits some: from the start up to where it
 * differs, and then from where the template goes on (fit_resync()).
 */
struct fit {
	size_t parts;		/* the parts up to here are decided */
	size_t end;		/* the token after them */
	unsigned char matched[TEMPLATE_PARTS_MAX]; /* part found in the text */
	unsigned char pick[TEMPLATE_PARTS_MAX]; /* of a matched part: the
				   wording taken; for PART_OPTIONAL 1 if present */
	size_t name_from, name_to; /* the text's name, for PART_NAME */
};

/*
 * Returns how many tokens from k of nm are wording w of part p (a wording
 * has at least one), or 0.
 */
static size_t
wording_at(const struct tpl *tp, size_t p, size_t w, const struct norm *nm,
    size_t k)
{
	size_t n = tp->to[p][w] - tp->from[p][w], i;

	if (k + n > nm->ntok)
		return 0;
	for (i = 0; i < n; i++)
		if (!tok_eq(nm, k + i, &tp->nm, tp->from[p][w] + i))
			return 0;
	return n;
}

/*
 * Returns the wording that the matched parts of p's group before part
 * upto took, or -1 when p has no group or none of them is matched.
 */
static int
group_pick(const struct tpl *tp, const struct fit *fit, size_t p,
    size_t upto)
{
	const struct part *parts = tp->t->parts;
	size_t q;

	if (parts[p].kind != PART_CHOICE || parts[p].group == 0)
		return -1;
	for (q = 0; q < upto; q++)
		if (fit->matched[q] && parts[q].kind == PART_CHOICE &&
		    parts[q].group == parts[p].group)
			return fit->pick[q];
	return -1;
}

/*
 * Returns whether parts p... of the template are tokens k... of nm, to
 * its end, given what cur says of the parts before p; then cur holds the
 * whole fit.  Tries every wording, and every length of a name, in turn.
 * best keeps the fit that got furthest into nm (for the change report),
 * counting a name only once the fixed words after it matched too: a name
 * that swallowed a changed word would hide it.  The search stays short
 * because the wordings of a part differ in their first words and a name
 * cannot hold the words after it ("liable" is a license word).
 */
static int
fit_parts(const struct tpl *tp, const struct norm *nm, size_t p, size_t k,
    struct fit *cur, struct fit *best)
{
	const struct part *pt = &tp->t->parts[p];
	size_t w, n, j;
	int g;

	if ((p == 0 || tp->t->parts[p - 1].kind != PART_NAME) &&
	    (k > best->end || (k == best->end && p > best->parts))) {
		*best = *cur;
		best->parts = p;
		best->end = k;
	}
	if (p == tp->t->nparts)
		return k == nm->ntok;
	cur->matched[p] = 1;
	cur->pick[p] = 0;
	switch (pt->kind) {
	case PART_FIXED:
		n = wording_at(tp, p, 0, nm, k);
		return n > 0 && fit_parts(tp, nm, p + 1, k + n, cur, best);
	case PART_OPTIONAL:
		cur->pick[p] = 1;
		n = wording_at(tp, p, 0, nm, k);
		if (n > 0 && fit_parts(tp, nm, p + 1, k + n, cur, best))
			return 1;
		cur->pick[p] = 0;
		return fit_parts(tp, nm, p + 1, k, cur, best);
	case PART_CHOICE:
		/* what the parts from p on say is of tries that failed */
		g = group_pick(tp, cur, p, p);
		for (w = 0; w < PART_WORDINGS_MAX && pt->wording[w] != NULL;
		    w++) {
			if (g != -1 && (size_t)g != w)
				continue;
			cur->pick[p] = (unsigned char)w;
			n = wording_at(tp, p, w, nm, k);
			if (n > 0 && fit_parts(tp, nm, p + 1, k + n, cur, best))
				return 1;
		}
		return 0;
	case PART_NAME:
		/* holds_terms() of a longer run is never false again */
		for (j = k + 1; j <= nm->ntok && j - k <= TEMPLATE_NAME_MAX &&
		    !holds_terms(nm, k, j); j++) {
			cur->name_from = k;
			cur->name_to = j;
			if (fit_parts(tp, nm, p + 1, j, cur, best))
				return 1;
		}
		return 0;
	}
	return 0;
}

/*
 * Finds where the template goes on in nm after a fit that stopped short
 * at part p, token k: the first fixed part from p on, of RESYNC_MIN
 * tokens or more, found at or after k.  Sets *part and *at and returns 1,
 * or returns 0.
 */
static int
next_anchor(const struct tpl *tp, const struct norm *nm, size_t p, size_t k,
    size_t *part, size_t *at)
{
	size_t f, j;

	for (f = p; f < tp->t->nparts; f++) {
		if (tp->t->parts[f].kind != PART_FIXED ||
		    tp->to[f][0] - tp->from[f][0] < RESYNC_MIN)
			continue;
		for (j = k; j < nm->ntok; j++)
			if (wording_at(tp, f, 0, nm, j) > 0) {
				*part = f;
				*at = j;
				return 1;
			}
	}
	return 0;
}

/* Forgets what fit says of parts p... (left there by tries that failed). */
static void
fit_cut(struct fit *fit, size_t p)
{
	memset(fit->matched + p, 0, TEMPLATE_PARTS_MAX - p);
}

/*
 * Goes on with best, the furthest fit of a text that does not match: from
 * each next anchor (next_anchor()) the parts are fitted again, as far as
 * they go, and so on.  The parts skipped stay unmatched.  So the wordings
 * and the name the text takes after a change are known, and the report of
 * the change does not list them as changes too.
 */
static void
fit_resync(const struct tpl *tp, const struct norm *nm, struct fit *best)
{
	struct fit cur;
	size_t f, j;

	fit_cut(best, best->parts);
	while (best->parts < tp->t->nparts &&
	    next_anchor(tp, nm, best->parts, best->end, &f, &j)) {
		cur = *best;
		best->parts = f;
		best->end = j;
		/* the anchor matches: best gets past it */
		(void)fit_parts(tp, nm, f, j, &cur, best);
		fit_cut(best, best->parts);
	}
}

/*
 * Builds into *ref (which it initialises) the template's body in the
 * wordings fit found in the text nm, with nm's name when fit found it.  A
 * part fit did not find takes the wording its group took, or else the
 * default (without the optional words, with the template's name).  This
 * is what a text that does not match is compared with: it differs from it
 * by the words that made it fail, not by the wordings the template
 * allows.  Returns 0 or -1.
 */
static int
ref_build(struct norm *ref, const struct tpl *tp, const struct fit *fit,
    const struct norm *nm)
{
	const struct part *pt;
	size_t p;
	int w;

	if (lic_norm_init(ref, tp->nm.len) == -1)
		return -1;
	for (p = 0; p < tp->t->nparts; p++) {
		pt = &tp->t->parts[p];
		if (pt->kind == PART_OPTIONAL) {
			if (fit->matched[p] && fit->pick[p])
				lic_copy_tokens(ref, &tp->nm, tp->from[p][0],
				    tp->to[p][0]);
			continue;
		}
		if (pt->kind == PART_NAME && fit->matched[p]) {
			lic_copy_tokens(ref, nm, fit->name_from, fit->name_to);
			continue;
		}
		if (fit->matched[p])
			w = fit->pick[p];
		else if ((w = group_pick(tp, fit, p, tp->t->nparts)) == -1)
			w = 0;
		lic_copy_tokens(ref, &tp->nm, tp->from[p][w], tp->to[p][w]);
	}
	if (ref->nomem) {
		lic_norm_free(ref);
		return -1;
	}
	return 0;
}

/*
 * The interface.
 */

int
license_known(const char *spdx)
{
	return find_template(spdx) != NULL;
}

const char *
license_template(const char *spdx)
{
	const struct template *t = find_template(spdx);

	return t != NULL ? t->body : NULL;
}

int
license_classify(struct license_result *out, const char *spdx,
    const void *text, size_t len)
{
	const struct template *t;
	struct norm doc, ref;
	struct tpl tp;
	struct fit cur, best;
	size_t k;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	memset(&doc, 0, sizeof(doc));
	memset(&ref, 0, sizeof(ref));
	memset(&tp, 0, sizeof(tp));
	if ((t = find_template(spdx)) == NULL)
		return -1;
	if (len > LICENSE_MAX_SIZE) {
		out->reason = REASON_TOO_LARGE;
		return 0;
	}
	if (lic_normalise(&doc, text, len) == -1 ||
	    lic_digest(out->sha256, &doc) == -1 || tpl_build(&tp, t) == -1)
		goto done;
	k = skip_variable(&doc, &tp);
	memset(&cur, 0, sizeof(cur));
	memset(&best, 0, sizeof(best));
	best.end = k;
	if (fit_parts(&tp, &doc, 0, k, &cur, &best)) {
		out->matches = 1;
		rc = 0;
		goto done;
	}
	out->reason = doc.ntok == 0 ? REASON_EMPTY : REASON_DIFFERS;
	fit_resync(&tp, &doc, &best);
	if (ref_build(&ref, &tp, &best, &doc) == 0)
		rc = lic_diff_tokens(&out->change, &ref, 0, ref.ntok, &doc, k,
		    doc.ntok);
done:
	lic_norm_free(&doc);
	lic_norm_free(&ref);
	lic_norm_free(&tp.nm);
	if (rc == -1)
		license_result_free(out);
	return rc;
}

void
license_result_free(struct license_result *r)
{
	if (r == NULL)
		return;
	license_change_free(&r->change);
	memset(r, 0, sizeof(*r));
}
