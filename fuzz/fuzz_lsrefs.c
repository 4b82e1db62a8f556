/*
 * fuzz_lsrefs.c - the ref listings of lsrefs.c on arbitrary bytes: the
 * answer to GET info/refs (v0 advertisement or v2 capabilities) and the
 * answer to an ls-refs command.
 *
 * Checked, from lsrefs.h: a listing read is sorted by name with no name
 * twice, each name non-empty and free of spaces and NULs, each id 40
 * lower-case hex digits, HEAD (when named) a ref under refs/; and it reads
 * back: written again as an ls-refs answer, it parses to the same refs and
 * HEAD.  A refusal always says why.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "lsrefs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_listing(const struct listing *l)
{
	for (size_t i = 0; i < l->n; i++) {
		const char *name = l->v[i].name;
		CHECK(*name != '\0', "an empty ref name");
		CHECK(strchr(name, ' ') == NULL, "a space in a ref name");
		CHECK(lsrefs_is_hex(l->v[i].oid, strlen(l->v[i].oid)),
		    "an id that is not 40 hex digits");
		CHECK(i == 0 || strcmp(l->v[i - 1].name, name) < 0,
		    "refs not sorted, or one twice");
	}
	CHECK(l->head_target == NULL || strncmp(l->head_target, "refs/", 5) ==
	    0, "HEAD names no ref under refs/");
}

/* Writes l as an ls-refs answer and checks that it reads back the same. */
static void
check_reads_back(const struct listing *l)
{
	size_t cap = 128 + (l->head_target ? strlen(l->head_target) : 0), len = 0;
	struct listing again;
	const char *why = NULL;
	char *buf;

	for (size_t i = 0; i < l->n; i++)
		cap += strlen(l->v[i].name) + 48;
	if ((buf = malloc(cap)) == NULL)
		return;
	if (l->head_target != NULL && l->n > 0) {
		int n = snprintf(buf + len + 4, cap - len - 4,
		    "%s HEAD symref-target:%s\n", l->v[0].oid, l->head_target);
		char hex[8];
		snprintf(hex, sizeof(hex), "%04x", (unsigned)(n + 4) & 0xffff);
		memcpy(buf + len, hex, 4);
		len += (size_t)n + 4;
	}
	for (size_t i = 0; i < l->n; i++) {
		int n = snprintf(buf + len + 4, cap - len - 4, "%s %s\n",
		    l->v[i].oid, l->v[i].name);
		char hex[8];
		if (n + 4 > 65520) {
			free(buf);
			return;		/* too long for one pkt-line */
		}
		snprintf(hex, sizeof(hex), "%04x", (unsigned)(n + 4) & 0xffff);
		memcpy(buf + len, hex, 4);
		len += (size_t)n + 4;
	}
	memcpy(buf + len, "0000", 4);
	len += 4;
	CHECK(lsrefs_parse_answer(&again, buf, len, &why) == 0,
	    "a listing that does not read back");
	CHECK(again.n == l->n, "a listing that reads back other refs");
	for (size_t i = 0; i < l->n; i++)
		CHECK(strcmp(again.v[i].name, l->v[i].name) == 0 &&
		    strcmp(again.v[i].oid, l->v[i].oid) == 0,
		    "a listing that reads back other refs");
	if (l->n > 0)
		CHECK((again.head_target == NULL) == (l->head_target == NULL) &&
		    (l->head_target == NULL || strcmp(again.head_target,
		    l->head_target) == 0), "HEAD does not read back");
	listing_free(&again);
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data, *why = NULL;
	struct listing l;
	enum lsrefs_adv adv;

	adv = lsrefs_parse_advertisement(&l, buf, size, &why);
	CHECK(adv != LSREFS_ERROR || why != NULL, "a refusal without a reason");
	if (adv == LSREFS_V0) {
		check_listing(&l);
		check_reads_back(&l);
	}
	CHECK(adv != LSREFS_V2 || l.n == 0, "refs from a v2 capability list");
	listing_free(&l);

	why = NULL;
	if (lsrefs_parse_answer(&l, buf, size, &why) == 0) {
		check_listing(&l);
		check_reads_back(&l);
	} else {
		CHECK(why != NULL, "a refusal without a reason");
	}
	listing_free(&l);
	return 0;
}
