/*
 * license_diff.c - the words added to and removed from a normalised text
 * against another: an LCS over the tokens, cleaned up into phrases.
 *
 * license_diff() compares two texts; license_classify() (license_match.c)
 * compares a text that is not the license with the template in the
 * wordings the text took, through lic_diff_tokens().
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "license.h"
#include "license_int.h"

#define ELLIPSIS	"..."

#define BIT_SET(v, k)	((v)[(k) / 8] |= (unsigned char)(1u << ((k) % 8)))
#define BIT_GET(v, k)	(((v)[(k) / 8] >> ((k) % 8)) & 1)

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
int
lic_diff_tokens(struct license_change *c, const struct norm *a, size_t a0,
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
license_diff(struct license_change *out, const void *old_text,
    size_t old_len, const void *new_text, size_t new_len)
{
	struct norm a, b;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	memset(&b, 0, sizeof(b));
	if (old_len > LICENSE_MAX_SIZE || new_len > LICENSE_MAX_SIZE ||
	    lic_normalise(&a, old_text, old_len) == -1)
		return -1;
	if (lic_normalise(&b, new_text, new_len) == 0)
		rc = lic_diff_tokens(out, &a, 0, a.ntok, &b, 0, b.ntok);
	lic_norm_free(&a);
	lic_norm_free(&b);
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
