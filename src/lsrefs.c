/*
 * lsrefs.c - ref listings of the smart HTTP protocol, v0 and v2 (see
 * lsrefs.h).  pkt-lines: four hex digits giving the length, the four
 * included, then the payload; "0000" is a flush, "0001" a delimiter.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsrefs.h"
#include "mirror.h"

#define PKT_MAX		65520	/* the protocol's largest pkt-line */

void
listing_free(struct listing *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].name);
	free(l->v);
	free(l->head_target);
	memset(l, 0, sizeof(*l));
}

int
listing_add(struct listing *l, const char *name, size_t len, const char *hex)
{
	if (l->n == l->cap) {
		size_t cap = l->cap != 0 ? l->cap * 2 : 64;
		struct lsref *v = realloc(l->v, cap * sizeof(*v));
		if (v == NULL)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	if ((l->v[l->n].name = strndup(name, len)) == NULL)
		return -1;
	memcpy(l->v[l->n].oid, hex, LSREFS_HEX);
	l->v[l->n].oid[LSREFS_HEX] = '\0';
	l->n++;
	return 0;
}

static int
ref_cmp(const void *a, const void *b)
{
	return strcmp(((const struct lsref *)a)->name,
	    ((const struct lsref *)b)->name);
}

int
listing_sort(struct listing *l)
{
	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), ref_cmp);
	for (size_t i = 1; i < l->n; i++)
		if (strcmp(l->v[i - 1].name, l->v[i].name) == 0)
			return -1;
	return 0;
}

const struct lsref *
listing_find(const struct listing *l, const char *name)
{
	struct lsref key = { (char *)name, "" };

	if (l->n == 0)
		return NULL;
	return bsearch(&key, l->v, l->n, sizeof(*l->v), ref_cmp);
}

int
lsrefs_is_hex(const char *s, size_t len)
{
	if (len != LSREFS_HEX)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' &&
		    s[i] <= 'f')))
			return 0;
	return 1;
}

int
lsrefs_pattern_ok(const char *pat)
{
	const char *star = strchr(pat, '*');

	if (strncmp(pat, "refs/", 5) != 0 || strpbrk(pat, "?[\\") != NULL)
		return 0;
	return star == NULL || (star[1] == '\0' && star[-1] == '/');
}

int
lsrefs_matches(const char *pat, const char *name)
{
	size_t len = strlen(pat);

	if (len > 0 && pat[len - 1] == '*')
		return strncmp(pat, name, len - 1) == 0 && name[len - 1] != '\0';
	return strcmp(pat, name) == 0;
}

int
lsrefs_mirrored(char *const *patterns, size_t n, const char *name)
{
	size_t len = strlen(name);

	if (len >= 3 && strcmp(name + len - 3, "^{}") == 0)
		return 0;
	if (strncmp(name, MIRROR_OWN_NS, strlen(MIRROR_OWN_NS)) == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (lsrefs_matches(patterns[i], name))
			return 1;
	return 0;
}

/* The reader of a buffer of pkt-lines. */
struct pkt {
	const char *p, *end;
};

enum pkt_kind { PKT_BAD = -1, PKT_FLUSH, PKT_DELIM, PKT_DATA };

/* Reads the next pkt-line; a data line's payload, less its "\n", in *s. */
static enum pkt_kind
pkt_next(struct pkt *r, const char **s, size_t *len)
{
	unsigned n = 0;

	if (r->end - r->p < 4)
		return PKT_BAD;
	for (int i = 0; i < 4; i++) {
		char c = r->p[i];
		n <<= 4;
		if (c >= '0' && c <= '9')
			n |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			n |= (unsigned)(c - 'a' + 10);
		else
			return PKT_BAD;
	}
	if (n == 0 || n == 1) {
		r->p += 4;
		return n == 0 ? PKT_FLUSH : PKT_DELIM;
	}
	if (n < 5 || n > PKT_MAX || (size_t)(r->end - r->p) < n)
		return PKT_BAD;
	*s = r->p + 4;
	*len = n - 4;
	r->p += n;
	if ((*s)[*len - 1] == '\n')
		(*len)--;
	return PKT_DATA;
}

/* Skips "# service=git-upload-pack" and its flush, if they are there. */
static int
skip_service(struct pkt *r)
{
	static const char svc[] = "# service=git-upload-pack";
	struct pkt save = *r;
	const char *s;
	size_t len;

	if (pkt_next(r, &s, &len) != PKT_DATA)
		return -1;
	if (len != sizeof(svc) - 1 || memcmp(s, svc, len) != 0) {
		*r = save;
		return 0;
	}
	return pkt_next(r, &s, &len) == PKT_FLUSH ? 0 : -1;
}

/* Sets l->head_target to what follows prefix in [s, s + len), up to end. */
static int
set_head(struct listing *l, const char *s, size_t len)
{
	if (len <= 5 || strncmp(s, "refs/", 5) != 0 || l->head_target != NULL)
		return -1;
	/* No NUL, space or control byte: a name as a listing writes it. */
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x21 || s[i] == 0x7f)
			return -1;
	return (l->head_target = strndup(s, len)) != NULL ? 0 : -1;
}

/* Reads a v0 capability list (NUL-terminated part of a line). */
static int
v0_capabilities(struct listing *l, const char *s, size_t len,
    const char **why)
{
	const char *end = s + len;

	while (s < end) {
		const char *sp = memchr(s, ' ', (size_t)(end - s));
		size_t n = sp != NULL ? (size_t)(sp - s) : (size_t)(end - s);
		if (n > 14 && strncmp(s, "object-format=", 14) == 0 &&
		    !(n == 18 && strncmp(s + 14, "sha1", 4) == 0)) {
			*why = "not a SHA-1 repository";
			return -1;
		}
		if (n > 12 && strncmp(s, "symref=HEAD:", 12) == 0 &&
		    set_head(l, s + 12, n - 12) == -1) {
			*why = "a malformed symref capability";
			return -1;
		}
		s += n + 1;
	}
	return 0;
}

static enum lsrefs_adv
parse_v0(struct listing *out, struct pkt *r, const char **why)
{
	int first = 1;
	const char *s;
	size_t len;
	enum pkt_kind k;

	while ((k = pkt_next(r, &s, &len)) == PKT_DATA) {
		const char *nul = first ? memchr(s, '\0', len) : NULL;
		size_t linelen = nul != NULL ? (size_t)(nul - s) : len;
		if (first && nul == NULL) {
			*why = "no capabilities on the first ref";
			return LSREFS_ERROR;
		}
		if (memchr(s, '\0', linelen) != NULL || linelen < 42 ||
		    s[40] != ' ' || !lsrefs_is_hex(s, 40)) {
			*why = "a malformed ref line";
			return LSREFS_ERROR;
		}
		if (nul != NULL && v0_capabilities(out, nul + 1,
		    len - linelen - 1, why) == -1)
			return LSREFS_ERROR;
		const char *name = s + 41;
		size_t nlen = linelen - 41;
		if (first && nlen == 15 && memcmp(name, "capabilities^{}", 15) ==
		    0) {
			first = 0;
			continue;	/* an empty repository */
		}
		first = 0;
		if (memchr(name, ' ', nlen) != NULL) {
			*why = "a malformed ref line";
			return LSREFS_ERROR;
		}
		if (nlen == 4 && memcmp(name, "HEAD", 4) == 0)
			continue;
		if (listing_add(out, name, nlen, s) == -1) {
			*why = "out of memory";
			return LSREFS_ERROR;
		}
	}
	if (k != PKT_FLUSH || r->p != r->end) {
		*why = "a listing that does not end with a flush";
		return LSREFS_ERROR;
	}
	if (listing_sort(out) == -1) {
		*why = "a ref listed twice";
		return LSREFS_ERROR;
	}
	return LSREFS_V0;
}

enum lsrefs_adv
lsrefs_parse_advertisement(struct listing *out, const char *buf, size_t len,
    const char **why)
{
	struct pkt r = { buf, buf + len };
	struct pkt save;
	const char *s;
	size_t n;
	int lsrefs = 0;
	enum pkt_kind k;

	memset(out, 0, sizeof(*out));
	if (skip_service(&r) == -1) {
		*why = "not a smart HTTP advertisement";
		return LSREFS_ERROR;
	}
	save = r;
	if (pkt_next(&r, &s, &n) != PKT_DATA) {
		/* A v0 repository with no ref at all sends a bare flush. */
		*why = "an empty advertisement";
		return LSREFS_ERROR;
	}
	if (!(n == 9 && memcmp(s, "version 2", 9) == 0)) {
		r = save;
		return parse_v0(out, &r, why);
	}
	while ((k = pkt_next(&r, &s, &n)) == PKT_DATA) {
		if (n == 7 && memcmp(s, "ls-refs", 7) == 0)
			lsrefs = 1;
		else if (n > 8 && memcmp(s, "ls-refs=", 8) == 0)
			lsrefs = 1;
		else if (n > 14 && memcmp(s, "object-format=", 14) == 0 &&
		    !(n == 18 && memcmp(s + 14, "sha1", 4) == 0)) {
			*why = "not a SHA-1 repository";
			return LSREFS_ERROR;
		}
	}
	if (k != PKT_FLUSH || r.p != r.end || !lsrefs) {
		*why = k != PKT_FLUSH || r.p != r.end ? "a malformed v2 "
		    "capability advertisement" : "a v2 server without ls-refs";
		return LSREFS_ERROR;
	}
	return LSREFS_V2;
}

/* Appends payload as one pkt-line ("\n" added) to *buf at *len. */
static void
put_pkt(char *buf, size_t *len, const char *payload)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = strlen(payload) + 5;	/* <= PKT_MAX: the caller's bound */

	for (int i = 0; i < 4; i++)
		buf[*len + (size_t)i] = hex[(n >> (12 - 4 * i)) & 0xf];
	memcpy(buf + *len + 4, payload, n - 5);
	buf[*len + n - 1] = '\n';
	*len += n;
}

char *
lsrefs_request(const char *const *patterns, size_t n, size_t *len)
{
	size_t cap = 64 + 4;	/* the fixed lines, a delimiter, a flush */
	char *buf, line[PKT_MAX];

	for (size_t i = 0; i < n; i++)
		cap += strlen(patterns[i]) + 16;
	if ((buf = malloc(cap)) == NULL)
		return NULL;
	*len = 0;
	put_pkt(buf, len, "command=ls-refs");
	memcpy(buf + *len, "0001", 4);
	*len += 4;
	put_pkt(buf, len, "symrefs");
	put_pkt(buf, len, "ref-prefix HEAD");
	for (size_t i = 0; i < n; i++) {
		size_t plen = strlen(patterns[i]);
		if (plen > 0 && patterns[i][plen - 1] == '*')
			plen--;
		snprintf(line, sizeof(line), "ref-prefix %.*s", (int)plen,
		    patterns[i]);
		put_pkt(buf, len, line);
	}
	memcpy(buf + *len, "0000", 4);
	*len += 4;
	return buf;
}

int
lsrefs_parse_answer(struct listing *out, const char *buf, size_t len,
    const char **why)
{
	struct pkt r = { buf, buf + len };
	const char *s;
	size_t n;
	enum pkt_kind k;

	memset(out, 0, sizeof(*out));
	while ((k = pkt_next(&r, &s, &n)) == PKT_DATA) {
		const char *end = s + n, *name, *sp;
		if (n < 42 || s[40] != ' ' || !lsrefs_is_hex(s, 40) ||
		    memchr(s, '\0', n) != NULL) {
			*why = "a malformed ls-refs line";
			return -1;
		}
		name = s + 41;
		sp = memchr(name, ' ', (size_t)(end - name));
		size_t nlen = sp != NULL ? (size_t)(sp - name) :
		    (size_t)(end - name);
		int head = nlen == 4 && memcmp(name, "HEAD", 4) == 0;
		/* Attributes: symref-target:<ref> (HEAD's), peeled:<oid>. */
		for (const char *a = sp; a != NULL && a < end; ) {
			const char *next = memchr(a + 1, ' ',
			    (size_t)(end - a - 1));
			size_t alen = (size_t)((next != NULL ? next : end) - a -
			    1);
			if (head && alen > 14 &&
			    memcmp(a + 1, "symref-target:", 14) == 0 &&
			    set_head(out, a + 15, alen - 14) == -1) {
				*why = "a malformed symref-target";
				return -1;
			}
			a = next;
		}
		if (nlen == 0) {
			*why = "a malformed ls-refs line";
			return -1;
		}
		if (head)
			continue;
		if (listing_add(out, name, nlen, s) == -1) {
			*why = "out of memory";
			return -1;
		}
	}
	if (k != PKT_FLUSH || r.p != r.end) {
		*why = "an ls-refs answer that does not end with a flush";
		return -1;
	}
	if (listing_sort(out) == -1) {
		*why = "a ref listed twice";
		return -1;
	}
	return 0;
}
