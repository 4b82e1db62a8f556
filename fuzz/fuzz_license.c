/*
 * fuzz_license.c - the license normaliser, classifier, fingerprints and
 * word diffs on arbitrary bytes.
 *
 * Checked, from license.h and docs/license-normalisation.md:
 *  - the normalised text is valid UTF-8 without control characters, its
 *    tokens joined by single spaces (step 7);
 *  - the fingerprint is the SHA-256 of the normalised text, and classify
 *    reports the same one;
 *  - a verdict is consistent: a match has no reason and no change, a
 *    mismatch has a reason; phrases are within their limits and valid UTF-8;
 *  - CR LF and LF are one line break alike, and ASCII case does not matter
 *    (step 2), so neither changes the fingerprint or the verdict;
 *  - a text diffed against itself has no change.
 *
 * Normalising is not idempotent, by design, and is not checked: the
 * normalised text is one line, so "=\n=\n=" normalises to "= = =", a
 * separator line, which normalises to ""; "--x" gives "- x", whose "-" is
 * then a list marker.  Only the first normalisation is specified.
 *
 * The input is one text; when it holds a form feed, the bytes before the
 * first one are also diffed against the bytes after it (license_diff()'s
 * "old" and "new").
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "check.h"
#include "license.h"

#define SHORT_TEXT 2048	/* bytes: see check_same() */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
sha256_hex(char out[LICENSE_SHA256_HEX + 1], const void *data, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	CHECK(EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) == 1 &&
	    mdlen == 32, "EVP_Digest");
	for (unsigned int k = 0; k < mdlen; k++) {
		out[2 * k] = hex[md[k] >> 4];
		out[2 * k + 1] = hex[md[k] & 0x0f];
	}
	out[LICENSE_SHA256_HEX] = '\0';
}

/* Normalises text and checks the form of the result; returns it. */
static char *
normalise(const void *text, size_t len, size_t *outlen)
{
	char *norm = (char *)1;

	CHECK(license_normalise(&norm, outlen, text, len) == 0,
	    "license_normalise() takes any text up to LICENSE_MAX_SIZE");
	CHECK(norm != NULL && strlen(norm) == *outlen, "*outlen is its length");
	CHECK(check_utf8(norm, *outlen), "the normalised text is UTF-8");
	CHECK(!check_has_control(norm, *outlen),
	    "the normalised text has no control characters");
	CHECK(*outlen == 0 || (norm[0] != ' ' && norm[*outlen - 1] != ' ' &&
	    strstr(norm, "  ") == NULL), "tokens joined by single spaces");
	return norm;
}

static void
check_phrases(char **list, size_t n)
{
	CHECK(n <= LICENSE_MAX_PHRASES, "at most LICENSE_MAX_PHRASES phrases");
	for (size_t k = 0; k < n; k++) {
		size_t len = strlen(list[k]);

		CHECK(len > 0 && len <= LICENSE_MAX_PHRASE,
		    "a phrase is 1 to LICENSE_MAX_PHRASE bytes");
		CHECK(check_utf8(list[k], len), "a phrase is valid UTF-8");
	}
}

static void
check_change(const struct license_change *c)
{
	check_phrases(c->added, c->nadded);
	check_phrases(c->removed, c->nremoved);
}

/* Classifies text as MIT; checks the verdict's consistency. */
static void
classify(struct license_result *r, const void *text, size_t len,
    const char *fp)
{
	CHECK(license_classify(r, "MIT", text, len) == 0,
	    "license_classify() takes any text");
	CHECK(strcmp(r->sha256, fp) == 0, "classify gives the fingerprint");
	if (r->matches)
		CHECK(r->reason == NULL && r->change.nadded == 0 &&
		    r->change.nremoved == 0,
		    "a match has no reason and no change");
	else
		CHECK(r->reason != NULL, "a mismatch says why");
	check_change(&r->change);
}

/* A copy of text with every LF not after a CR made CR LF. */
static char *
to_crlf(const uint8_t *text, size_t len, size_t *outlen)
{
	char *out = malloc(2 * len + 1);
	size_t n = 0;

	CHECK(out != NULL, "malloc");
	for (size_t k = 0; k < len; k++) {
		if (text[k] == '\n' && (k == 0 || text[k - 1] != '\r'))
			out[n++] = '\r';
		out[n++] = (char)text[k];
	}
	*outlen = n;
	return out;
}

/* A copy of text with ASCII letters in uppercase. */
static char *
to_upper(const uint8_t *text, size_t len)
{
	char *out = malloc(len + 1);

	CHECK(out != NULL, "malloc");
	for (size_t k = 0; k < len; k++)
		out[k] = (char)(text[k] >= 'a' && text[k] <= 'z' ?
		    text[k] - 0x20 : text[k]);
	return out;
}

/*
 * Checks that variant, a text equivalent to the input, gives the same
 * fingerprint and verdict.  A text that is not MIT costs a word diff
 * against the template, the slowest step here: its verdict is checked on
 * short texts only, so that the fuzzer spends its time on many inputs.
 */
static void
check_same(const char *variant, size_t len, const char *fp, int matches,
    const char *what)
{
	struct license_result r;
	char vfp[LICENSE_SHA256_HEX + 1];

	CHECK(license_fingerprint(vfp, variant, len) == 0, "fingerprint");
	CHECK(strcmp(vfp, fp) == 0, what);
	if (!matches && len > SHORT_TEXT)
		return;
	classify(&r, variant, len, vfp);
	CHECK(r.matches == matches, what);
	license_result_free(&r);
}

static void
diff(const void *a, size_t alen, const void *b, size_t blen)
{
	struct license_change c;

	CHECK(license_diff(&c, a, alen, b, blen) == 0,
	    "license_diff() takes any texts");
	check_change(&c);
	license_change_free(&c);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char fp[LICENSE_SHA256_HEX + 1], want[LICENSE_SHA256_HEX + 1];
	struct license_result r;
	struct license_change c;
	const uint8_t *ff;
	char *norm, *variant;
	size_t nlen, vlen;

	if (size > LICENSE_MAX_SIZE)
		return 0;
	norm = normalise(data, size, &nlen);
	CHECK(license_fingerprint(fp, data, size) == 0,
	    "license_fingerprint() takes any text");
	sha256_hex(want, norm, nlen);
	CHECK(strcmp(fp, want) == 0,
	    "the fingerprint is the SHA-256 of the normalised text");
	free(norm);

	classify(&r, data, size, fp);
	variant = to_crlf(data, size, &vlen);
	if (vlen <= LICENSE_MAX_SIZE)
		check_same(variant, vlen, fp, r.matches,
		    "CR LF is one line break");
	free(variant);
	variant = to_upper(data, size);
	check_same(variant, size, fp, r.matches, "case does not matter");
	free(variant);
	license_result_free(&r);

	/* An unknown license is refused, and *out owns nothing. */
	CHECK(license_classify(&r, "GPL-3.0", data, size) == -1 &&
	    r.change.added == NULL && r.reason == NULL, "unknown spdx");

	CHECK(license_diff(&c, data, size, data, size) == 0 &&
	    c.nadded == 0 && c.nremoved == 0 && !c.truncated,
	    "a text is its own diff");
	license_change_free(&c);
	if ((ff = memchr(data, '\f', size)) != NULL)
		diff(data, (size_t)(ff - data), ff + 1,
		    size - (size_t)(ff - data) - 1);
	return 0;
}
