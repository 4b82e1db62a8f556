/*
 * license.c - license texts: normalisation (SPDX License Matching
 * Guidelines), built-in templates, fingerprints and word diffs.
 *
 * A text becomes a sequence of tokens: words, punctuation marks and the
 * copyright sign, each in a canonical form.  The normalised text is those
 * tokens joined by single spaces; its SHA-256 is the fingerprint.
 * docs/license-normalisation.md describes every step: keep it in step with
 * this file and bump LICENSE_NORM_VERSION whenever a step changes, since
 * pinned fingerprints depend on them.
 *
 * A text is the expected license when its tokens, after an optional title
 * and the copyright lines, are exactly the template's, compared in order:
 * the template's body is parts (SPDX license-list-XML markup), fixed words,
 * optional words, alternative wordings and a name, and the text must take
 * each part in one of its forms.  One word added, removed or changed
 * otherwise is a mismatch, and there is no similarity threshold.  An LCS
 * over the tokens then says which words, against the template in the
 * forms the text took.  Matching never changes the normalisation: the
 * fingerprints do not depend on it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "license.h"

#define CP_INVALID	0xffffffffu	/* what a bad UTF-8 byte decodes to */
#define CP_END		0xfffffffeu	/* what peeking past the text gives */
#define SEPARATOR_MIN	3		/* marks that make a separator */
#define ROMAN_MAX	4		/* letters of a roman list number */
#define WORD_CHECK_MAX	32		/* bytes of a word license_words has */
#define BODY_ANCHOR	3		/* tokens that say the body starts */
#define PART_WORDINGS_MAX 2		/* wordings of a template's part */
#define TEMPLATE_PARTS_MAX 32		/* parts of a template's body */
#define TEMPLATE_NAME_MAX 32		/* tokens of a name in a body */
#define RESYNC_MIN	4		/* tokens of a part to resync on */
#define SPELLING_MIN	6		/* bytes of the shortest misspelling */
#define SHA256_LEN	32
#define NORM_MIN_TEXT	256
#define NORM_MIN_TOKENS	64
#define ELLIPSIS	"..."
#define REPLACEMENT	"\xef\xbf\xbd"	/* U+FFFD, for bad bytes */

#define BIT_SET(v, k)	((v)[(k) / 8] |= (unsigned char)(1u << ((k) % 8)))
#define BIT_GET(v, k)	(((v)[(k) / 8] >> ((k) % 8)) & 1)

#define REASON_TOO_LARGE "text is larger than LICENSE_MAX_SIZE (1 MiB)"
#define REASON_EMPTY	"text is empty"
#define REASON_DIFFERS	"words differ from the license's template"

/* What a character is to the tokeniser. */
enum cclass {
	C_WORD,		/* letters, digits and characters not listed below */
	C_SPACE,
	C_NEWLINE,
	C_IGNORE,	/* invisible: removed as if absent */
	C_QUOTE,
	C_DASH,
	C_PUNCT,
	C_COPYRIGHT,	/* U+00A9 */
	C_BAD,		/* bad UTF-8, control and bidi characters */
};

enum tkind {
	T_WORD,
	T_PUNCT,
	T_COPYRIGHT,
	T_BAD,
};

struct tok {
	uint32_t off;		/* of its text in norm.text */
	uint32_t len;
	uint32_t hash;		/* FNV-1a of its text */
	uint32_t line;		/* source line, from 0 */
	unsigned char kind;	/* enum tkind */
	unsigned char glued;	/* no white space before it in the source */
};

/* A normalised text: the tokens, each followed by one space. */
struct norm {
	char *text;
	size_t len, cap;
	struct tok *tok;
	size_t ntok, captok;
	int nomem;
};

struct lexer {
	struct norm *nm;
	const unsigned char *p;
	size_t n;
	size_t i;		/* next byte */
	uint32_t line;
	int glued;		/* no white space since the last token */
	int linestart;		/* nothing visible yet on this line */
	size_t line_tok;	/* first token of this line */
	size_t line_vis;	/* visible characters on this line */
	int line_wordy;		/* a word, sign or bad character on it */
};

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
 * that the wordings taken, put end to end, are the text.  wording[0] is the default: the fixed words, the
 * optional ones, the first choice or the name the template gives.
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

struct spelling {
	const char *from;
	size_t fromlen;
	const char *to;
	size_t tolen;
};

#define SP(a, b) { a, sizeof(a) - 1, b, sizeof(b) - 1 }

/*
 * The SPDX equivalent words list (spdx.org/licenses/equivalentwords.txt)
 * mapped onto one spelling, sorted by from for find_spelling().
 * "licence", "sub-license", "sub license", "noncommercial", "per cent" and
 * "copyright owner" are rules in spell_word() and tail_rules().
 */
static const struct spelling spellings[] = {
	SP("acknowledgement", "acknowledgment"),
	SP("analogue", "analog"),
	SP("analyse", "analyze"),
	SP("artefact", "artifact"),
	SP("authorisation", "authorization"),
	SP("authorised", "authorized"),
	SP("calibre", "caliber"),
	SP("cancelled", "canceled"),
	SP("capitalisations", "capitalizations"),
	SP("catalogue", "catalog"),
	SP("categorise", "categorize"),
	SP("centre", "center"),
	SP("emphasised", "emphasized"),
	SP("favour", "favor"),
	SP("favourite", "favorite"),
	SP("fulfil", "fulfill"),
	SP("fulfilment", "fulfillment"),
	SP("initialise", "initialize"),
	SP("judgement", "judgment"),
	SP("labelling", "labeling"),
	SP("labour", "labor"),
	SP("maximise", "maximize"),
	SP("modelled", "modeled"),
	SP("modelling", "modeling"),
	SP("offence", "offense"),
	SP("optimise", "optimize"),
	SP("organisation", "organization"),
	SP("organise", "organize"),
	SP("practise", "practice"),
	SP("programme", "program"),
	SP("realise", "realize"),
	SP("recognise", "recognize"),
	SP("signalling", "signaling"),
	SP("utilisation", "utilization"),
	SP("whilst", "while"),
	SP("wilfull", "wilful"),
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
 * Characters.
 */

/*
 * Decodes the UTF-8 sequence at p (n > 0 bytes) into *cp and returns its
 * length.  A bad, overlong, surrogate or cut sequence is one byte long and
 * decodes to CP_INVALID.
 */
static size_t
utf8_decode(const unsigned char *p, size_t n, uint32_t *cp)
{
	uint32_t c;
	size_t len, i;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		len = 2;
		c = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		len = 3;
		c = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		len = 4;
		c = p[0] & 0x07;
	} else
		goto bad;
	if (n < len)
		goto bad;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			goto bad;
		c = (c << 6) | (p[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		goto bad;
	*cp = c;
	return len;
bad:
	*cp = CP_INVALID;
	return 1;
}

/* Writes cp (a valid code point) as UTF-8 into buf; returns its length. */
static size_t
utf8_encode(uint32_t cp, char buf[4])
{
	if (cp < 0x80) {
		buf[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		buf[0] = (char)(0xc0 | (cp >> 6));
		buf[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		buf[0] = (char)(0xe0 | (cp >> 12));
		buf[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		buf[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	buf[0] = (char)(0xf0 | (cp >> 18));
	buf[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	buf[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	buf[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

static int
ascii_alnum(unsigned c)
{
	return (c >= '0' && c <= '9') ||
	    ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

static enum cclass
classify_ascii(unsigned c)
{
	if (ascii_alnum(c))
		return C_WORD;
	if (c == ' ' || c == '\t')
		return C_SPACE;
	if (c == '\n' || c == '\r' || c == '\v' || c == '\f')
		return C_NEWLINE;
	if (c < 0x20 || c == 0x7f)
		return C_BAD;
	if (c == '"' || c == '\'' || c == '`')
		return C_QUOTE;
	if (c == '-')
		return C_DASH;
	return C_PUNCT;
}

/* classify() for characters beyond ASCII, and CP_INVALID. */
static enum cclass
classify_wide(uint32_t cp)
{
	switch (cp) {
	case 0x85: case 0x2028: case 0x2029:
		return C_NEWLINE;
	case 0xa0: case 0x1680: case 0x202f: case 0x205f: case 0x3000:
		return C_SPACE;
	case 0xad: case 0x180e: case 0x200b: case 0x200c: case 0x200d:
	case 0x2060: case 0xfeff:
		return C_IGNORE;
	case 0x61c: case 0x200e: case 0x200f: case 0xfffd:
		return C_BAD;
	case 0xa9:
		return C_COPYRIGHT;
	case 0xab: case 0xb4: case 0xbb: case 0x2039: case 0x203a:
	case 0xff02: case 0xff07:
		return C_QUOTE;
	case 0x2212: case 0x2e3a: case 0x2e3b: case 0xfe58: case 0xfe63:
	case 0xff0d:
		return C_DASH;
	case 0xd7: case 0xf7:
		return C_PUNCT;
	}
	if (cp <= 0x9f || cp == CP_INVALID || (cp & 0xfffe) == 0xfffe)
		return C_BAD;
	if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
		return C_BAD;
	if ((cp >= 0x2061 && cp <= 0x2064) || (cp >= 0xfe00 && cp <= 0xfe0f))
		return C_IGNORE;
	if (cp >= 0x2000 && cp <= 0x200a)
		return C_SPACE;
	if (cp >= 0x2010 && cp <= 0x2015)
		return C_DASH;
	if ((cp >= 0x2018 && cp <= 0x201f) || (cp >= 0x2032 && cp <= 0x2037) ||
	    (cp >= 0x301d && cp <= 0x301f))
		return C_QUOTE;
	if ((cp >= 0xa1 && cp <= 0xbf) || (cp >= 0x2000 && cp <= 0x2bff) ||
	    (cp >= 0x3001 && cp <= 0x303f) || (cp >= 0xfe50 && cp <= 0xfe6f) ||
	    (cp >= 0xff01 && cp <= 0xff0f) || (cp >= 0xff1a && cp <= 0xff20) ||
	    (cp >= 0xff3b && cp <= 0xff40) || (cp >= 0xff5b && cp <= 0xff65))
		return C_PUNCT;
	return C_WORD;
}

static inline enum cclass
classify(uint32_t cp)
{
	return cp < 0x80 ? classify_ascii(cp) : classify_wide(cp);
}

/*
 * Returns the lowercase of cp: ASCII, Latin-1, Latin Extended-A, Greek and
 * Cyrillic capitals; anything else as it is.
 */
static uint32_t
fold(uint32_t cp)
{
	if (cp < 0x80)
		return cp >= 'A' && cp <= 'Z' ? cp + 0x20 : cp;
	if (cp >= 0xc0 && cp <= 0xde && cp != 0xd7)
		return cp + 0x20;
	if (cp == 0x130)
		return 'i';
	if ((cp >= 0x100 && cp <= 0x137) || (cp >= 0x14a && cp <= 0x177))
		return cp | 1;
	if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17e))
		return cp & 1 ? cp + 1 : cp;
	if (cp == 0x178)
		return 0xff;
	if (cp >= 0x391 && cp <= 0x3a9 && cp != 0x3a2)
		return cp + 0x20;
	if (cp >= 0x410 && cp <= 0x42f)
		return cp + 0x20;
	if (cp >= 0x400 && cp <= 0x40f)
		return cp + 0x50;
	return cp;
}

/* Returns whether cp marks a list item at the start of a line. */
static int
is_bullet(uint32_t cp)
{
	switch (cp) {
	case '*': case '+': case 0xb7: case 0x2022: case 0x2023: case 0x2027:
	case 0x2043: case 0x2219: case 0x25a0: case 0x25a1: case 0x25aa:
	case 0x25ab: case 0x25b8: case 0x25ba: case 0x25cb: case 0x25cf:
	case 0x25e6: case 0x30fb:
		return 1;
	}
	return cp != CP_END && classify(cp) == C_DASH;
}

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
 * The normalised text.
 */

static void
norm_free(struct norm *nm)
{
	free(nm->text);
	free(nm->tok);
	memset(nm, 0, sizeof(*nm));
}

/* text_room() when the text must grow. */
static int
text_grow(struct norm *nm, size_t need)
{
	size_t cap;
	char *p;

	if (nm->nomem)
		return -1;
	cap = nm->cap > 0 ? nm->cap : NORM_MIN_TEXT;
	while (cap - nm->len < need) {
		if (cap > UINT32_MAX / 2)
			goto nomem;
		cap *= 2;
	}
	if ((p = realloc(nm->text, cap)) == NULL)
		goto nomem;
	nm->text = p;
	nm->cap = cap;
	return 0;
nomem:
	nm->nomem = 1;
	return -1;
}

/* Makes room for need more bytes of text.  Returns 0, or -1 (nomem). */
static inline int
text_room(struct norm *nm, size_t need)
{
	if (nm->cap - nm->len >= need && !nm->nomem)
		return 0;
	return text_grow(nm, need);
}

static void
put(struct norm *nm, const void *s, size_t n)
{
	if (text_room(nm, n) == -1)
		return;
	memcpy(nm->text + nm->len, s, n);
	nm->len += n;
}

static void
put_lower(struct norm *nm, const unsigned char *s, size_t n)
{
	char *d;
	size_t k;

	if (text_room(nm, n) == -1)
		return;
	d = nm->text + nm->len;	/* a local: stores through char * alias nm */
	for (k = 0; k < n; k++)
		d[k] = (char)(s[k] >= 'A' && s[k] <= 'Z' ? s[k] + 0x20 : s[k]);
	nm->len += n;
}

static void
put_cp(struct norm *nm, uint32_t cp)
{
	char buf[4];

	put(nm, buf, utf8_encode(cp, buf));
}

static uint32_t
fnv1a(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	size_t k;

	for (k = 0; k < n; k++) {
		h ^= (unsigned char)s[k];
		h *= 16777619u;
	}
	return h;
}

/* Records the text from off to the end as a token and appends its space. */
static void
push_tok(struct norm *nm, size_t off, enum tkind kind, int glued,
    uint32_t line)
{
	struct tok *t;
	size_t cap;

	if (nm->nomem)
		return;
	if (nm->ntok == nm->captok) {
		cap = nm->captok > 0 ? nm->captok * 2 : NORM_MIN_TOKENS;
		if (cap > UINT32_MAX / 2 ||
		    (t = realloc(nm->tok, cap * sizeof(*t))) == NULL) {
			nm->nomem = 1;
			return;
		}
		nm->tok = t;
		nm->captok = cap;
	}
	t = &nm->tok[nm->ntok++];
	t->off = (uint32_t)off;
	t->len = (uint32_t)(nm->len - off);
	t->hash = fnv1a(nm->text + off, t->len);
	t->line = line;
	t->kind = (unsigned char)kind;
	t->glued = (unsigned char)(glued != 0);
	put(nm, " ", 1);
}

/* Returns whether token k is the string s. */
static int
tok_is(const struct norm *nm, size_t k, const char *s)
{
	const char *w = nm->text + nm->tok[k].off;

	return w[0] == s[0] && nm->tok[k].len == strlen(s) &&
	    memcmp(w, s, nm->tok[k].len) == 0;
}

/* Returns whether token i of a and token j of b are the same. */
static int
tok_eq(const struct norm *a, size_t i, const struct norm *b, size_t j)
{
	const struct tok *x = &a->tok[i], *y = &b->tok[j];

	return x->hash == y->hash && x->len == y->len &&
	    memcmp(a->text + x->off, b->text + y->off, x->len) == 0;
}

/* Replaces tokens k to the end by the one token s. */
static void
retoken(struct norm *nm, size_t k, const char *s, enum tkind kind)
{
	struct tok t = nm->tok[k];

	nm->len = t.off;
	nm->ntok = k;
	put(nm, s, strlen(s));
	push_tok(nm, t.off, kind, t.glued, t.line);
}

/*
 * Rewrites the last tokens after a new one: "sub-license" and
 * "sub license" to "sublicense" (and "sub-licensed" to "sublicensed"),
 * "per cent" to "percent", "copyright owner(s)" to "copyright holder(s)",
 * "https:" to "http:".
 */
static void
tail_rules(struct norm *nm)
{
	size_t k = nm->ntok - 1, s;
	struct tok t = nm->tok[k], sub;
	char first = nm->text[t.off];

	if (first != 'l' && first != 'c' && first != 'o' && first != ':')
		return;
	if (t.kind == T_WORD && t.len >= 6 && first == 'l' &&
	    memcmp(nm->text + t.off, "licens", 6) == 0) {
		s = k;
		if (s >= 1 && tok_is(nm, s - 1, "-"))
			s--;
		if (s >= 1 && tok_is(nm, s - 1, "sub")) {
			sub = nm->tok[s - 1];
			memmove(nm->text + sub.off + 3, nm->text + t.off,
			    t.len);
			nm->len = sub.off + 3 + t.len;
			nm->ntok = s - 1;
			push_tok(nm, sub.off, T_WORD, sub.glued, sub.line);
		}
		return;
	}
	if (k < 1)
		return;
	if (tok_is(nm, k, "cent") && tok_is(nm, k - 1, "per"))
		retoken(nm, k - 1, "percent", T_WORD);
	else if (nm->tok[k - 1].kind == T_COPYRIGHT && tok_is(nm, k, "owner"))
		retoken(nm, k, "holder", T_WORD);
	else if (nm->tok[k - 1].kind == T_COPYRIGHT && tok_is(nm, k, "owners"))
		retoken(nm, k, "holders", T_WORD);
	else if (t.glued && tok_is(nm, k, ":") && tok_is(nm, k - 1, "https")) {
		retoken(nm, k - 1, "http", T_WORD);
		put(nm, ":", 1);
		push_tok(nm, nm->len - 1, T_PUNCT, t.glued, t.line);
	}
}

/* Returns the spelling whose from is the word w (n bytes), or NULL. */
static const struct spelling *
find_spelling(const char *w, size_t n)
{
	size_t lo = 0, hi = sizeof(spellings) / sizeof(spellings[0]), mid;
	const struct spelling *sp;
	int r;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		sp = &spellings[mid];
		r = (unsigned char)w[0] - (unsigned char)sp->from[0];
		if (r == 0)
			r = memcmp(w, sp->from, n < sp->fromlen ? n :
			    sp->fromlen);
		if (r == 0)
			r = (n > sp->fromlen) - (n < sp->fromlen);
		if (r == 0)
			return sp;
		if (r < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/*
 * Respells the word from off to the end of the text in place: "licence"
 * and its forms to "license", the equivalent words to one spelling.
 * Returns T_COPYRIGHT for "copyright", else T_WORD.
 */
static enum tkind
spell_word(struct norm *nm, size_t off)
{
	const struct spelling *sp;
	char *w = nm->text + off;
	size_t n = nm->len - off;

	if (w[0] == 'l' && n >= 6 && memcmp(w, "licenc", 6) == 0)
		w[5] = 's';
	else if (w[0] == 's' && n >= 9 && memcmp(w, "sublicenc", 9) == 0)
		w[8] = 's';
	else if (w[0] == 'c' && n == 9 && memcmp(w, "copyright", 9) == 0)
		return T_COPYRIGHT;
	if (n >= SPELLING_MIN && (sp = find_spelling(w, n)) != NULL) {
		nm->len = off;
		put(nm, sp->to, sp->tolen);
	}
	return T_WORD;
}

/*
 * The text from off to the end is a token of the given kind: respells it,
 * collapses copyright signs, records it and applies the tail rules.
 */
static void
tok_end(struct lexer *lx, size_t off, enum tkind kind)
{
	struct norm *nm = lx->nm;
	int glued = lx->glued;

	lx->glued = 1;
	if (nm->nomem)
		return;
	if (kind == T_WORD) {
		kind = spell_word(nm, off);
		if (nm->len - off == 13 &&
		    memcmp(nm->text + off, "noncommercial", 13) == 0) {
			/* SPDX: "noncommercial" is "non-commercial" */
			nm->len = off;
			put(nm, "non", 3);
			push_tok(nm, off, T_WORD, glued, lx->line);
			put(nm, "-", 1);
			push_tok(nm, nm->len - 1, T_PUNCT, 1, lx->line);
			off = nm->len;
			put(nm, "commercial", 10);
			push_tok(nm, off, T_WORD, 1, lx->line);
			return;
		}
	}
	if (kind == T_COPYRIGHT) {
		nm->len = off;
		/* "Copyright (c)", "(C) Copyright" on a line: one sign */
		if (nm->ntok > 0 &&
		    nm->tok[nm->ntok - 1].kind == T_COPYRIGHT &&
		    nm->tok[nm->ntok - 1].line == lx->line)
			return;
		put(nm, "copyright", 9);
	}
	push_tok(nm, off, kind, glued, lx->line);
	if (!nm->nomem)
		tail_rules(nm);
}

static void
emit(struct lexer *lx, enum tkind kind, const char *s, size_t n)
{
	size_t off = lx->nm->len;

	put(lx->nm, s, n);
	tok_end(lx, off, kind);
}

/*
 * The tokeniser.
 */

/* Returns the character at byte at, or CP_END; *next is the byte after. */
static inline uint32_t
decode(const struct lexer *lx, size_t at, size_t *next)
{
	uint32_t cp;

	if (at >= lx->n) {
		*next = at;
		return CP_END;
	}
	if (lx->p[at] < 0x80) {
		*next = at + 1;
		return lx->p[at];
	}
	*next = at + utf8_decode(lx->p + at, lx->n - at, &cp);
	return cp;
}

/* Like decode(), skipping invisible characters. */
static uint32_t
peek(const struct lexer *lx, size_t at, size_t *next)
{
	uint32_t cp;

	for (;;) {
		cp = decode(lx, at, next);
		if (cp == CP_END || classify(cp) != C_IGNORE)
			return cp;
		at = *next;
	}
}

/* Returns whether white space, a line break or the end comes at byte at. */
static int
gap_at(const struct lexer *lx, size_t at)
{
	size_t next;
	uint32_t cp = peek(lx, at, &next);
	enum cclass c;

	if (cp == CP_END)
		return 1;
	c = classify(cp);
	return c == C_SPACE || c == C_NEWLINE;
}

/* Returns the byte after the blanks (not line breaks) from at. */
static size_t
skip_blanks(const struct lexer *lx, size_t at)
{
	size_t next;
	uint32_t cp;
	enum cclass c;

	for (;;) {
		cp = decode(lx, at, &next);
		if (cp == CP_END)
			return at;
		c = classify(cp);
		if (c != C_SPACE && c != C_IGNORE)
			return at;
		at = next;
	}
}

/* Returns how many visible characters lie between bytes a and b. */
static size_t
count_visible(const struct lexer *lx, size_t a, size_t b)
{
	size_t n = 0, next;

	while (a < b) {
		if (classify(decode(lx, a, &next)) != C_IGNORE)
			n++;
		a = next;
	}
	return n;
}

/*
 * Returns the end of the comment indicator or markdown mark at byte at
 * when white space or the end of the line follows it; else 0.  The marks
 * are runs of "#", ">", "%" or "*", and "//", slash-star, star-slash,
 * ";;", "<!--" and "-->".
 */
static size_t
comment_mark(const struct lexer *lx, size_t at)
{
	static const char *const marks[] = { "<!--", "-->", "//", "/*",
	    "*/", ";;", NULL };
	const unsigned char *p = lx->p + at;
	size_t left = lx->n - at, k, m, i;

	if (left == 0)
		return 0;
	if (p[0] == '#' || p[0] == '>' || p[0] == '%' || p[0] == '*') {
		for (k = 1; k < left && p[k] == p[0]; k++)
			;
		if (!(p[0] == '*' && k < left && p[k] == '/'))
			return gap_at(lx, at + k) ? at + k : 0;
	}
	for (i = 0; marks[i] != NULL; i++) {
		m = strlen(marks[i]);
		if (left < m || memcmp(p, marks[i], m) != 0)
			continue;
		for (k = m; k < left && p[k] == p[m - 1]; k++)
			;
		return gap_at(lx, at + k) ? at + k : 0;
	}
	return 0;
}

static int
ascii_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int
ascii_letter(unsigned char c)
{
	return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

static int
roman_letter(unsigned char c)
{
	c |= 0x20;
	return c == 'i' || c == 'v' || c == 'x';
}

/*
 * Returns the end of the list marker at byte at ("-", "*", "1.", "1)",
 * "1.2", "a.", "b)", "iv.", "(1)", "(a)", "[ii]"), when white space or the
 * end of the line follows it; else 0.  "(c)" is the copyright sign, not a
 * marker.
 */
static size_t
list_marker(const struct lexer *lx, size_t at)
{
	const unsigned char *p = lx->p + at;
	size_t left = lx->n - at, k = 0, r, next, next2;
	uint32_t cp;
	int open = 0, digits = 0, inner = 0;

	cp = peek(lx, at, &next);
	if (is_bullet(cp)) {
		if (classify(cp) == C_DASH) {
			cp = peek(lx, next, &next2);
			if (cp != CP_END && classify(cp) == C_DASH)
				next = next2;
		}
		return gap_at(lx, next) ? next : 0;
	}
	if (left > 0 && (p[0] == '(' || p[0] == '[')) {
		open = 1;
		k = 1;
	}
	if (k < left && ascii_digit(p[k])) {
		digits = 1;
		while (k < left && ascii_digit(p[k]))
			k++;
		while (k + 1 < left && p[k] == '.' && ascii_digit(p[k + 1])) {
			inner = 1;
			for (k++; k < left && ascii_digit(p[k]); k++)
				;
		}
	} else if (k < left && ascii_letter(p[k])) {
		for (r = 0; k + r < left && ascii_letter(p[k + r]); r++)
			if (!roman_letter(p[k + r]) && r > 0)
				return 0;
		if (r > 1 && (r > ROMAN_MAX || !roman_letter(p[k])))
			return 0;
		if (open && r == 1 && (p[k] | 0x20) == 'c' && p[0] == '(')
			return 0;
		k += r;
	} else
		return 0;
	if (open) {
		if (k >= left || (p[k] != ')' && p[k] != ']'))
			return 0;
		k++;
	} else if (k < left && (p[k] == '.' || p[k] == ')'))
		k++;
	else if (!(digits && inner))
		return 0;
	return gap_at(lx, at + k) ? at + k : 0;
}

/*
 * At the first visible character of a line, skips comment indicators and
 * markdown marks, then one list marker.  Returns whether it skipped any.
 */
static int
strip_prefixes(struct lexer *lx)
{
	size_t end;
	int any = 0;

	while ((end = comment_mark(lx, lx->i)) != 0) {
		lx->line_vis += count_visible(lx, lx->i, end);
		lx->i = skip_blanks(lx, end);
		any = 1;
	}
	if ((end = list_marker(lx, lx->i)) != 0) {
		lx->line_vis += count_visible(lx, lx->i, end);
		lx->i = skip_blanks(lx, end);
		any = 1;
	}
	if (any)
		lx->glued = 0;
	return any;
}

/* Ends the current line: a line of nothing but marks is a separator. */
static void
end_line(struct lexer *lx)
{
	struct norm *nm = lx->nm;

	if (!lx->line_wordy && lx->line_vis >= SEPARATOR_MIN &&
	    nm->ntok > lx->line_tok) {
		nm->len = nm->tok[lx->line_tok].off;
		nm->ntok = lx->line_tok;
	}
	lx->line++;
	lx->linestart = 1;
	lx->glued = 0;
	lx->line_tok = nm->ntok;
	lx->line_vis = 0;
	lx->line_wordy = 0;
}

/* A word: letters and digits, lowercased, with apostrophes inside it. */
static void
lex_word(struct lexer *lx)
{
	struct norm *nm = lx->nm;
	size_t off = nm->len, start, next, next2;
	uint32_t cp, after;
	enum cclass c;

	lx->line_wordy = 1;
	for (;;) {
		start = lx->i;
		while (lx->i < lx->n && ascii_alnum(lx->p[lx->i]))
			lx->i++;
		if (lx->i > start)
			put_lower(nm, lx->p + start, lx->i - start);
		cp = decode(lx, lx->i, &next);
		if (cp == CP_END)
			break;
		c = classify(cp);
		if (c == C_WORD) {
			put_cp(nm, fold(cp));
		} else if (c == C_QUOTE) {
			after = peek(lx, next, &next2);
			if (after == CP_END || classify(after) != C_WORD)
				break;
			put(nm, "'", 1);
		} else if (c != C_IGNORE)
			break;
		lx->i = next;
	}
	tok_end(lx, off, T_WORD);
}

/*
 * A punctuation mark at lx->i: a run of SEPARATOR_MIN or more of the same
 * mark is a separator and vanishes; a run of dashes or quotes is one dash
 * or one quote; other marks are one token each.
 */
static void
lex_punct(struct lexer *lx, uint32_t cp, enum cclass c)
{
	size_t at = lx->i, next, run = 0;
	uint32_t q;
	char buf[4];

	for (;;) {
		q = peek(lx, at, &next);
		if (q == CP_END)
			break;
		if (c == C_PUNCT ? q != cp : classify(q) != c)
			break;
		run++;
		at = next;
	}
	if (run >= SEPARATOR_MIN || c != C_PUNCT) {
		lx->line_vis += run;
		lx->i = at;
		if (run >= SEPARATOR_MIN)
			return;
		emit(lx, T_PUNCT, c == C_DASH ? "-" : "\"", 1);
		return;
	}
	lx->line_vis++;
	decode(lx, lx->i, &next);
	lx->i = next;
	emit(lx, T_PUNCT, buf, utf8_encode(cp, buf));
}

/* Returns the byte after "(c)" or "(C)" at byte at, or 0. */
static size_t
paren_c(const struct lexer *lx, size_t at)
{
	size_t next;
	uint32_t cp;

	cp = peek(lx, at, &next);
	if (cp != '(')
		return 0;
	cp = peek(lx, next, &next);
	if (cp != 'c' && cp != 'C')
		return 0;
	cp = peek(lx, next, &next);
	return cp == ')' ? next : 0;
}

static void
lex(struct lexer *lx)
{
	size_t next;
	uint32_t cp;
	enum cclass c;

	while (lx->i < lx->n && !lx->nm->nomem) {
		cp = decode(lx, lx->i, &next);
		c = classify(cp);
		if (c == C_IGNORE) {
			lx->i = next;
			continue;
		}
		if (c == C_SPACE) {
			lx->glued = 0;
			lx->i = next;
			continue;
		}
		if (c == C_NEWLINE) {
			if (cp == '\r' && next < lx->n && lx->p[next] == '\n')
				next++;
			end_line(lx);
			lx->i = next;
			continue;
		}
		if (lx->linestart) {
			lx->linestart = 0;
			if (strip_prefixes(lx))
				continue;
		}
		switch (c) {
		case C_WORD:
			lex_word(lx);
			break;
		case C_COPYRIGHT:
			lx->line_wordy = 1;
			lx->i = next;
			emit(lx, T_COPYRIGHT, "copyright", 9);
			break;
		case C_BAD:
			lx->line_wordy = 1;
			lx->i = next;
			emit(lx, T_BAD, REPLACEMENT, sizeof(REPLACEMENT) - 1);
			break;
		default:
			if (cp == '(' && (next = paren_c(lx, lx->i)) != 0) {
				lx->line_wordy = 1;
				lx->i = next;
				emit(lx, T_COPYRIGHT, "copyright", 9);
			} else
				lex_punct(lx, cp, c);
			break;
		}
	}
	end_line(lx);
}

/*
 * Gets *nm (zeroed) ready for a text of about len bytes.  Returns 0, or -1
 * (then *nm owns nothing).
 */
static int
norm_init(struct norm *nm, size_t len)
{
	memset(nm, 0, sizeof(*nm));
	/* room for a typical text at once: about a token per 5 bytes */
	if (text_room(nm, len + len / 2 + NORM_MIN_TEXT) == -1 ||
	    (nm->tok = malloc((len / 5 + NORM_MIN_TOKENS) *
	    sizeof(*nm->tok))) == NULL) {
		norm_free(nm);
		return -1;
	}
	nm->captok = len / 5 + NORM_MIN_TOKENS;
	return 0;
}

/*
 * Appends the tokens of text to nm, its lines numbered from line.  A text
 * that goes on where the last one stopped (midline) starts mid-line and
 * glued to it: its own white space says otherwise.  Out of memory sets
 * nm->nomem.
 */
static void
lex_into(struct norm *nm, const void *text, size_t len, uint32_t line,
    int midline)
{
	struct lexer lx;

	memset(&lx, 0, sizeof(lx));
	lx.nm = nm;
	lx.p = text;
	lx.n = text != NULL ? len : 0;
	lx.line = line;
	lx.line_tok = nm->ntok;
	lx.linestart = !midline;
	lx.glued = midline;
	lex(&lx);
}

/* Normalises text into *nm (which it initialises).  Returns 0 or -1. */
static int
normalise(struct norm *nm, const void *text, size_t len)
{
	if (norm_init(nm, len) == -1)
		return -1;
	lex_into(nm, text, len, 0, 0);
	if (nm->nomem) {
		norm_free(nm);
		return -1;
	}
	return 0;
}

/* Returns the length of the normalised text (without the last space). */
static size_t
norm_length(const struct norm *nm)
{
	return nm->len > 0 ? nm->len - 1 : 0;
}

static int
digest(char out[LICENSE_SHA256_HEX + 1], const struct norm *nm)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, k;

	if (EVP_Digest(nm->text != NULL ? nm->text : "", norm_length(nm), md,
	    &mdlen, EVP_sha256(), NULL) != 1 || mdlen != SHA256_LEN)
		return -1;
	for (k = 0; k < SHA256_LEN; k++) {
		out[2 * k] = hex[md[k] >> 4];
		out[2 * k + 1] = hex[md[k] & 0x0f];
	}
	out[LICENSE_SHA256_HEX] = '\0';
	return 0;
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
	if (norm_init(&tp->nm, strlen(t->body) * 2) == -1)
		return -1;
	for (p = 0; p < t->nparts; p++) {
		for (k = 0; (w = t->parts[p].wording[k]) != NULL; k++) {
			tp->from[p][k] = (uint32_t)tp->nm.ntok;
			lex_into(&tp->nm, w, strlen(w), line, p > 0);
			tp->to[p][k] = (uint32_t)tp->nm.ntok;
			/* lines of its own: no sign merges into the one before */
			if (tp->nm.ntok > 0)
				line = tp->nm.tok[tp->nm.ntok - 1].line + 1;
		}
	}
	if (tp->nm.nomem) {
		norm_free(&tp->nm);
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
		w = utf8_decode((const unsigned char *)s + k, n - k, &cp);
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

/* Appends tokens [k0, k1) of src to dst, spacing and all. */
static void
copy_tokens(struct norm *dst, const struct norm *src, size_t k0, size_t k1)
{
	const struct tok *t;
	size_t off;

	for (; k0 < k1 && !dst->nomem; k0++) {
		t = &src->tok[k0];
		off = dst->len;
		put(dst, src->text + t->off, t->len);
		push_tok(dst, off, (enum tkind)t->kind, t->glued, t->line);
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

	if (norm_init(ref, tp->nm.len) == -1)
		return -1;
	for (p = 0; p < tp->t->nparts; p++) {
		pt = &tp->t->parts[p];
		if (pt->kind == PART_OPTIONAL) {
			if (fit->matched[p] && fit->pick[p])
				copy_tokens(ref, &tp->nm, tp->from[p][0],
				    tp->to[p][0]);
			continue;
		}
		if (pt->kind == PART_NAME && fit->matched[p]) {
			copy_tokens(ref, nm, fit->name_from, fit->name_to);
			continue;
		}
		if (fit->matched[p])
			w = fit->pick[p];
		else if ((w = group_pick(tp, fit, p, tp->t->nparts)) == -1)
			w = 0;
		copy_tokens(ref, &tp->nm, tp->from[p][w], tp->to[p][w]);
	}
	if (ref->nomem) {
		norm_free(ref);
		return -1;
	}
	return 0;
}

/*
 * Diffs.
 */

/*
 * Appends tokens [k0, k1) of nm to the phrase list (*list, *n), with the
 * spacing of the source, cut at LICENSE_MAX_PHRASE bytes.  Returns 0 or -1.
 */
static int
add_phrase(char ***list, size_t *n, int *truncated, const struct norm *nm,
    size_t k0, size_t k1)
{
	const size_t limit = LICENSE_MAX_PHRASE - (sizeof(ELLIPSIS) - 1);
	const struct tok *t;
	size_t total = 0, used = 0, sep, k, cut;
	char *s, **l;

	if (k0 >= k1)
		return 0;
	if (*n >= LICENSE_MAX_PHRASES) {
		*truncated = 1;
		return 0;
	}
	for (k = k0; k < k1 && total <= LICENSE_MAX_PHRASE; k++)
		total += nm->tok[k].len + (k > k0 && !nm->tok[k].glued);
	if ((s = malloc((total < LICENSE_MAX_PHRASE ? total :
	    LICENSE_MAX_PHRASE) + 1)) == NULL)
		return -1;
	for (k = k0; k < k1; k++) {
		t = &nm->tok[k];
		sep = k > k0 && !t->glued;
		if (total > LICENSE_MAX_PHRASE && used + sep + t->len > limit) {
			if (used == 0) {
				/* one huge token: keep whole characters */
				cut = limit;
				while (cut > 0 && ((unsigned char)
				    nm->text[t->off + cut] & 0xc0) == 0x80)
					cut--;
				memcpy(s, nm->text + t->off, cut);
				used = cut;
			}
			memcpy(s + used, ELLIPSIS, sizeof(ELLIPSIS) - 1);
			used += sizeof(ELLIPSIS) - 1;
			*truncated = 1;
			break;
		}
		if (sep)
			s[used++] = ' ';
		memcpy(s + used, nm->text + t->off, t->len);
		used += t->len;
	}
	s[used] = '\0';
	if ((l = realloc(*list, (*n + 1) * sizeof(*l))) == NULL) {
		free(s);
		return -1;
	}
	l[(*n)++] = s;
	*list = l;
	return 0;
}

/* Records that a[a0, a1) became b[b0, b1).  Returns 0 or -1. */
static int
add_hunk(struct license_change *c, const struct norm *a, size_t a0,
    size_t a1, const struct norm *b, size_t b0, size_t b1)
{
	if (add_phrase(&c->removed, &c->nremoved, &c->truncated, a, a0,
	    a1) == -1)
		return -1;
	return add_phrase(&c->added, &c->nadded, &c->truncated, b, b0, b1);
}

/* a[a..a+n) is b[b..b+n) */
struct run {
	size_t a, b, n;
};

/*
 * Drops short common runs between changes, like the semantic cleanup of
 * diff-match-patch: a run no longer than the change on each side of it
 * becomes part of one removed and one added phrase, so that a replaced
 * paragraph reads as one phrase each way, not as words between scattered
 * "the"s and "of"s.  an and bn are the lengths of the two sides.  Returns
 * the number of runs left.
 */
static size_t
cleanup_runs(struct run *r, size_t nr, size_t an, size_t bn)
{
	size_t k, pa, pb, na, nb, before, after;
	int changed = 1;

	while (changed) {
		changed = 0;
		k = 0;
		while (k < nr) {
			pa = k > 0 ? r[k - 1].a + r[k - 1].n : 0;
			pb = k > 0 ? r[k - 1].b + r[k - 1].n : 0;
			na = k + 1 < nr ? r[k + 1].a : an;
			nb = k + 1 < nr ? r[k + 1].b : bn;
			before = r[k].a - pa > r[k].b - pb ? r[k].a - pa :
			    r[k].b - pb;
			after = na - r[k].a - r[k].n > nb - r[k].b - r[k].n ?
			    na - r[k].a - r[k].n : nb - r[k].b - r[k].n;
			if (before > 0 && after > 0 && r[k].n <= before &&
			    r[k].n <= after) {
				memmove(&r[k], &r[k + 1],
				    (nr - k - 1) * sizeof(*r));
				nr--;
				changed = 1;
			} else
				k++;
		}
	}
	return nr;
}

/*
 * Finds the common runs of a[0, an) and b[0, bn) (offsets a0 and b0 in
 * the texts): a longest common subsequence of the tokens, in order, by
 * dynamic programming over an * bn <= LICENSE_DIFF_MAX_CELLS token pairs.
 * Sets *out (free() it) and *nout.  Returns 0 or -1.
 */
static int
common_runs(struct run **out, size_t *nout, const struct norm *a, size_t a0,
    size_t an, const struct norm *b, size_t b0, size_t bn)
{
	uint32_t *cur, *nxt, *swap;
	unsigned char *del;
	struct run *r;
	size_t i, j, nr = 0;
	int rc = -1;

	*out = NULL;
	*nout = 0;
	cur = calloc(bn + 1, sizeof(*cur));
	nxt = calloc(bn + 1, sizeof(*nxt));
	del = calloc((an * bn + 7) / 8, 1);
	r = calloc((an < bn ? an : bn) + 1, sizeof(*r));
	if (cur == NULL || nxt == NULL || del == NULL || r == NULL)
		goto done;
	/* nxt[j]: LCS of a[i+1..] and b[j..]; del: better drop a[i] first */
	for (i = an; i-- > 0;) {
		cur[bn] = 0;
		for (j = bn; j-- > 0;) {
			if (tok_eq(a, a0 + i, b, b0 + j))
				cur[j] = nxt[j + 1] + 1;
			else if (nxt[j] >= cur[j + 1]) {
				cur[j] = nxt[j];
				BIT_SET(del, i * bn + j);
			} else
				cur[j] = cur[j + 1];
		}
		swap = cur;
		cur = nxt;
		nxt = swap;
	}
	i = j = 0;
	while (i < an && j < bn) {
		if (tok_eq(a, a0 + i, b, b0 + j)) {
			if (nr > 0 && r[nr - 1].a + r[nr - 1].n == i &&
			    r[nr - 1].b + r[nr - 1].n == j)
				r[nr - 1].n++;
			else {
				r[nr].a = i;
				r[nr].b = j;
				r[nr++].n = 1;
			}
			i++;
			j++;
		} else if (BIT_GET(del, i * bn + j))
			i++;
		else
			j++;
	}
	*out = r;
	*nout = cleanup_runs(r, nr, an, bn);
	r = NULL;
	rc = 0;
done:
	free(cur);
	free(nxt);
	free(del);
	free(r);
	return rc;
}

/*
 * Appends to c the words removed from a[a0, a1) and added in b[b0, b1),
 * in order.  The common beginning and end are set aside first; when what
 * is left is more than LICENSE_DIFF_MAX_CELLS token pairs, it is reported
 * whole, as one removed and one added phrase.  Returns 0 or -1.
 */
static int
diff_tokens(struct license_change *c, const struct norm *a, size_t a0,
    size_t a1, const struct norm *b, size_t b0, size_t b1)
{
	struct run *r;
	size_t an, bn, nr, k, ea, eb;

	while (a0 < a1 && b0 < b1 && tok_eq(a, a0, b, b0)) {
		a0++;
		b0++;
	}
	while (a1 > a0 && b1 > b0 && tok_eq(a, a1 - 1, b, b1 - 1)) {
		a1--;
		b1--;
	}
	an = a1 - a0;
	bn = b1 - b0;
	if (an == 0 || bn == 0)
		return add_hunk(c, a, a0, a1, b, b0, b1);
	if (an > LICENSE_DIFF_MAX_CELLS / bn) {
		c->truncated = 1;
		return add_hunk(c, a, a0, a1, b, b0, b1);
	}
	if (common_runs(&r, &nr, a, a0, an, b, b0, bn) == -1)
		return -1;
	ea = eb = 0;	/* end of the previous run */
	for (k = 0; k <= nr; k++) {
		if (add_hunk(c, a, a0 + ea, a0 + (k < nr ? r[k].a : an),
		    b, b0 + eb, b0 + (k < nr ? r[k].b : bn)) == -1) {
			free(r);
			return -1;
		}
		if (k < nr) {
			ea = r[k].a + r[k].n;
			eb = r[k].b + r[k].n;
		}
	}
	free(r);
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
	if (normalise(&doc, text, len) == -1 ||
	    digest(out->sha256, &doc) == -1 || tpl_build(&tp, t) == -1)
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
		rc = diff_tokens(&out->change, &ref, 0, ref.ntok, &doc, k,
		    doc.ntok);
done:
	norm_free(&doc);
	norm_free(&ref);
	norm_free(&tp.nm);
	if (rc == -1)
		license_result_free(out);
	return rc;
}

int
license_fingerprint(char out[LICENSE_SHA256_HEX + 1], const void *text,
    size_t len)
{
	struct norm nm;
	int rc;

	out[0] = '\0';
	if (len > LICENSE_MAX_SIZE || normalise(&nm, text, len) == -1)
		return -1;
	rc = digest(out, &nm);
	norm_free(&nm);
	return rc;
}

int
license_normalise(char **out, size_t *outlen, const void *text, size_t len)
{
	struct norm nm;

	*out = NULL;
	*outlen = 0;
	if (len > LICENSE_MAX_SIZE || normalise(&nm, text, len) == -1)
		return -1;
	if (nm.len == 0 && text_room(&nm, 1) == -1) {
		norm_free(&nm);
		return -1;
	}
	*outlen = norm_length(&nm);
	nm.text[*outlen] = '\0';	/* over the last space */
	*out = nm.text;
	free(nm.tok);
	return 0;
}

int
license_diff(struct license_change *out, const void *old_text,
    size_t old_len, const void *new_text, size_t new_len)
{
	struct norm a, b;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	memset(&b, 0, sizeof(b));
	if (old_len > LICENSE_MAX_SIZE || new_len > LICENSE_MAX_SIZE ||
	    normalise(&a, old_text, old_len) == -1)
		return -1;
	if (normalise(&b, new_text, new_len) == 0)
		rc = diff_tokens(out, &a, 0, a.ntok, &b, 0, b.ntok);
	norm_free(&a);
	norm_free(&b);
	if (rc == -1)
		license_change_free(out);
	return rc;
}

void
license_change_free(struct license_change *c)
{
	size_t k;

	if (c == NULL)
		return;
	for (k = 0; k < c->nadded; k++)
		free(c->added[k]);
	for (k = 0; k < c->nremoved; k++)
		free(c->removed[k]);
	free(c->added);
	free(c->removed);
	memset(c, 0, sizeof(*c));
}

void
license_result_free(struct license_result *r)
{
	if (r == NULL)
		return;
	license_change_free(&r->change);
	memset(r, 0, sizeof(*r));
}
