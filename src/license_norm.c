/*
 * license_norm.c - license texts normalised (SPDX License Matching
 * Guidelines) and their fingerprints.
 *
 * A text becomes a sequence of tokens: words, punctuation marks and the
 * copyright sign, each in a canonical form.  The normalised text is those
 * tokens joined by single spaces; its SHA-256 is the fingerprint.
 * docs/license-normalisation.md describes every step: keep it in step with
 * this file and bump LICENSE_NORM_VERSION whenever a step changes, since
 * pinned fingerprints depend on them.  Matching (license_match.c) and the
 * word diff (license_diff.c) read the tokens made here; nothing they do
 * changes a normalised text or a fingerprint.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "license.h"
#include "license_int.h"

#define CP_INVALID	0xffffffffu	/* what a bad UTF-8 byte decodes to */
#define CP_END		0xfffffffeu	/* what peeking past the text gives */
#define SEPARATOR_MIN	3		/* marks that make a separator */
#define ROMAN_MAX	4		/* letters of a roman list number */
#define SPELLING_MIN	6		/* bytes of the shortest misspelling */
#define SHA256_LEN	32
#define NORM_MIN_TEXT	256
#define NORM_MIN_TOKENS	64
#define REPLACEMENT	"\xef\xbf\xbd"	/* U+FFFD, for bad bytes */

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
 * Characters.
 */

/*
 * Decodes the UTF-8 sequence at p (n > 0 bytes) into *cp and returns its
 * length.  A bad, overlong, surrogate or cut sequence is one byte long and
 * decodes to CP_INVALID.
 */
size_t
lic_utf8_decode(const unsigned char *p, size_t n, uint32_t *cp)
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
 * The normalised text.
 */

void
lic_norm_free(struct norm *nm)
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
	*next = at + lic_utf8_decode(lx->p + at, lx->n - at, &cp);
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
int
lic_norm_init(struct norm *nm, size_t len)
{
	memset(nm, 0, sizeof(*nm));
	/* room for a typical text at once: about a token per 5 bytes */
	if (text_room(nm, len + len / 2 + NORM_MIN_TEXT) == -1 ||
	    (nm->tok = malloc((len / 5 + NORM_MIN_TOKENS) *
	    sizeof(*nm->tok))) == NULL) {
		lic_norm_free(nm);
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
void
lic_lex_into(struct norm *nm, const void *text, size_t len, uint32_t line,
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
int
lic_normalise(struct norm *nm, const void *text, size_t len)
{
	if (lic_norm_init(nm, len) == -1)
		return -1;
	lic_lex_into(nm, text, len, 0, 0);
	if (nm->nomem) {
		lic_norm_free(nm);
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

/* Writes the fingerprint of nm into out.  Returns 0 or -1. */
int
lic_digest(char out[LICENSE_SHA256_HEX + 1], const struct norm *nm)
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

/* Appends tokens [k0, k1) of src to dst, spacing and all. */
void
lic_copy_tokens(struct norm *dst, const struct norm *src, size_t k0,
    size_t k1)
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
 * The interface.
 */

int
license_fingerprint(char out[LICENSE_SHA256_HEX + 1], const void *text,
    size_t len)
{
	struct norm nm;
	int rc;

	out[0] = '\0';
	if (len > LICENSE_MAX_SIZE || lic_normalise(&nm, text, len) == -1)
		return -1;
	rc = lic_digest(out, &nm);
	lic_norm_free(&nm);
	return rc;
}

int
license_normalise(char **out, size_t *outlen, const void *text, size_t len)
{
	struct norm nm;

	*out = NULL;
	*outlen = 0;
	if (len > LICENSE_MAX_SIZE || lic_normalise(&nm, text, len) == -1)
		return -1;
	if (nm.len == 0 && text_room(&nm, 1) == -1) {
		lic_norm_free(&nm);
		return -1;
	}
	*outlen = norm_length(&nm);
	nm.text[*outlen] = '\0';	/* over the last space */
	*out = nm.text;
	free(nm.tok);
	return 0;
}
