/*
 * license_int.h - what license_norm.c, license_match.c and license_diff.c
 * share: the normalised text and its tokens.
 *
 * Private to src/license_*.c: nothing else includes it.  The module's
 * contract is include/license.h.
 */
#ifndef DSM_LICENSE_INT_H
#define DSM_LICENSE_INT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "license.h"

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
	int nomem;		/* out of memory: text and tok stop growing */
};

/* Returns whether token k (< nm->ntok) is the string s. */
static inline int
tok_is(const struct norm *nm, size_t k, const char *s)
{
	const char *w = nm->text + nm->tok[k].off;

	return w[0] == s[0] && nm->tok[k].len == strlen(s) &&
	    memcmp(w, s, nm->tok[k].len) == 0;
}

/*
 * Returns whether token i of a and token j of b are the same.  Inline
 * here, not in license_norm.c: the word diff calls it for every pair of
 * tokens it compares.
 */
static inline int
tok_eq(const struct norm *a, size_t i, const struct norm *b, size_t j)
{
	const struct tok *x = &a->tok[i], *y = &b->tok[j];

	return x->hash == y->hash && x->len == y->len &&
	    memcmp(a->text + x->off, b->text + y->off, x->len) == 0;
}

/*
 * license_norm.c
 */

/*
 * Decodes the UTF-8 sequence at p (n > 0 bytes) into *cp and returns its
 * length (1 to 4).  A bad, overlong, surrogate or cut sequence is one byte
 * long and decodes to a value above 0x10ffff.
 */
size_t lic_utf8_decode(const unsigned char *p, size_t n, uint32_t *cp);

/*
 * Normalises text (len bytes, NULL when len is 0) into *nm, which it
 * initialises; the caller frees it with lic_norm_free().  Returns 0, or -1
 * when out of memory (then *nm owns nothing).  The caller checks len
 * against LICENSE_MAX_SIZE.
 */
int lic_normalise(struct norm *nm, const void *text, size_t len);

/*
 * Gets *nm ready (zeroed, empty) for a text of about len bytes; the caller
 * frees it with lic_norm_free().  Returns 0, or -1 when out of memory
 * (then *nm owns nothing).
 */
int lic_norm_init(struct norm *nm, size_t len);

/* Frees what nm owns and zeroes it.  nm is not NULL. */
void lic_norm_free(struct norm *nm);

/*
 * Appends the tokens of text (len bytes, NULL when len is 0) to nm, its
 * lines numbered from line.  With midline, the text goes on where the last
 * one stopped: mid-line and glued to it, unless its own white space says
 * otherwise.  Out of memory sets nm->nomem.
 */
void lic_lex_into(struct norm *nm, const void *text, size_t len,
    uint32_t line, int midline);

/*
 * Appends tokens [k0, k1) of src to dst, spacing and all.  Out of memory
 * sets dst->nomem.
 */
void lic_copy_tokens(struct norm *dst, const struct norm *src, size_t k0,
    size_t k1);

/*
 * Writes the SHA-256 of nm's normalised text (without its last space) in
 * lowercase hex into out.  Returns 0, or -1 when the digest fails.
 */
int lic_digest(char out[LICENSE_SHA256_HEX + 1], const struct norm *nm);

/*
 * license_diff.c
 */

/*
 * Appends to c the phrases removed from tokens [a0, a1) of a and added in
 * tokens [b0, b1) of b, in order (struct license_change in license.h says
 * what a phrase is and its limits).  c keeps what it held; on failure it
 * may hold part of the phrases, and the caller frees it with
 * license_change_free() either way.  Returns 0, or -1 when out of memory.
 */
int lic_diff_tokens(struct license_change *c, const struct norm *a,
    size_t a0, size_t a1, const struct norm *b, size_t b0, size_t b1);

#endif
