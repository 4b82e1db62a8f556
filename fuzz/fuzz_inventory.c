/*
 * fuzz_inventory.c - the notices of one file (inventory.h) and SPDX
 * expressions, on arbitrary bytes.
 *
 * The input's first byte picks the path the bytes are scanned as (a source
 * file of one comment style, a license file, a minified script); the rest
 * is the file.  Checked, from inventory.h:
 *  - the scan never fails but for memory, and never reads past the length
 *    (ASan sees that: the bytes are copied into a buffer of exactly that
 *    size);
 *  - at most INV_NOTICES_MAX notices, each with a license and an evidence
 *    line of printable ASCII within INV_EVIDENCE_MAX bytes;
 *  - a fingerprint (64 hex) exactly when there is a notice of a scanned
 *    text file (a license file read in part has none);
 *  - a file skipped (binary, minified, large) has no notice;
 *  - scanning the same bytes twice gives the same notices and fingerprint;
 *  - inventory_allows() ends on any expression, and "X" allows X.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "inventory.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const paths[] = {
	"a.py", "src/a.c", "a.js", "a.lua", "a.html", "LICENSE", "sub/COPYING",
	"x.min.js", "a.el", "a.tex",
};

static void
check_file(const struct inv_file *f)
{
	CHECK(f->n <= INV_NOTICES_MAX, "too many notices");
	if (f->kind != INV_TEXT)
		CHECK(f->n == 0, "a skipped file with notices");
	for (size_t i = 0; i < f->n; i++) {
		const char *e = f->notices[i].evidence;
		CHECK(f->notices[i].license != NULL &&
		    f->notices[i].license[0] != '\0', "a notice without license");
		CHECK(e != NULL && strlen(e) <= INV_EVIDENCE_MAX,
		    "evidence too long");
		for (; *e != '\0'; e++)
			CHECK(*e >= 0x20 && *e < 0x7f, "evidence not printable");
	}
	if (f->sha256[0] != '\0')
		CHECK(strlen(f->sha256) == LICENSE_SHA256_HEX &&
		    strspn(f->sha256, "0123456789abcdef") == LICENSE_SHA256_HEX,
		    "a fingerprint not 64 hex");
	if (!f->license_file && f->kind == INV_TEXT)
		CHECK((f->sha256[0] != '\0') == (f->n > 0),
		    "fingerprint without notice, or notice without one");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct inv_file a, b;
	const char *path;
	char *text, *expr;
	size_t len;

	if (size == 0)
		return 0;
	path = paths[data[0] % (sizeof(paths) / sizeof(paths[0]))];
	len = size - 1;
	CHECK((text = malloc(len + 1)) != NULL, "malloc");
	memcpy(text, data + 1, len);
	if (inventory_scan(&a, path, text, len, len) == 0) {
		check_file(&a);
		if (inventory_scan(&b, path, text, len, len) == 0) {
			CHECK(a.n == b.n && strcmp(a.sha256, b.sha256) == 0,
			    "two scans differ");
			for (size_t i = 0; i < a.n; i++)
				CHECK(strcmp(a.notices[i].license,
				    b.notices[i].license) == 0 &&
				    strcmp(a.notices[i].evidence,
				    b.notices[i].evidence) == 0,
				    "two scans differ");
			inventory_file_free(&b);
		}
		inventory_file_free(&a);
	}
	/* Read in part: a license file is not classified. */
	if (len > 1 && inventory_scan(&a, path, text, len / 2, len) == 0) {
		check_file(&a);
		inventory_file_free(&a);
	}
	/* The same bytes as an SPDX expression. */
	CHECK((expr = malloc(len + 1)) != NULL, "malloc");
	memcpy(expr, data + 1, len);
	expr[len] = '\0';
	(void)inventory_allows(expr, "MIT");
	if (strchr(expr, ' ') == NULL && strchr(expr, '(') == NULL &&
	    strchr(expr, ')') == NULL && strlen(expr) > 0 &&
	    strlen(expr) == len && strspn(expr, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.+") == len &&
	    strcmp(expr, "AND") != 0 && strcmp(expr, "OR") != 0 &&
	    strcmp(expr, "WITH") != 0 && strcasecmp(expr, "and") != 0 &&
	    strcasecmp(expr, "or") != 0 && strcasecmp(expr, "with") != 0)
		CHECK(inventory_allows(expr, expr), "X does not allow X");
	free(expr);
	free(text);
	return 0;
}
