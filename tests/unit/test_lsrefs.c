/*
 * test_lsrefs.c - the ref listings of lsrefs.c (v0 advertisement, v2
 * capabilities, ls-refs answers, the request) and the mirror as
 * localrefs.c reads it.  Every refusal has its case: a listing read wrong
 * would make the fast path call a changed repo unchanged.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "localrefs.h"
#include "lsrefs.h"
#include "maint.h"
#include "util.h"

#define A "1111111111111111111111111111111111111111"
#define B "2222222222222222222222222222222222222222"
#define C "3333333333333333333333333333333333333333"
#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Appends s as one pkt-line (s as given, no "\n" added) to buf. */
static void
pkt(char *buf, size_t *len, const char *s, size_t n)
{
	char hex[8];

	snprintf(hex, sizeof(hex), "%04x", (unsigned)(n + 4) & 0xffff);
	memcpy(buf + *len, hex, 4);
	memcpy(buf + *len + 4, s, n);
	*len += n + 4;
}

static void
pkts(char *buf, size_t *len, const char *s)
{
	pkt(buf, len, s, strlen(s));
}

static void
flush(char *buf, size_t *len)
{
	memcpy(buf + *len, "0000", 4);
	*len += 4;
}

static void
test_v0(void **unused)
{
	static const char first[] = A " HEAD\0multi_ack symref=HEAD:refs/heads"
	    "/main agent=git/2.39\n";
	struct listing l;
	char buf[4096];
	const char *why = NULL;
	size_t len = 0;

	(void)unused;
	pkts(buf, &len, "# service=git-upload-pack\n");
	flush(buf, &len);
	pkt(buf, &len, first, sizeof(first) - 1);
	pkts(buf, &len, B " refs/tags/v1\n");
	pkts(buf, &len, C " refs/tags/v1^{}\n");
	pkts(buf, &len, A " refs/heads/main\n");
	pkts(buf, &len, C " refs/pull/1/head\n");
	flush(buf, &len);
	assert_int_equal(lsrefs_parse_advertisement(&l, buf, len, &why),
	    LSREFS_V0);
	assert_string_equal(l.head_target, "refs/heads/main");
	assert_int_equal(l.n, 4);	/* HEAD is not a ref of the list */
	assert_string_equal(l.v[0].name, "refs/heads/main");
	assert_string_equal(l.v[0].oid, A);
	assert_string_equal(l.v[3].name, "refs/tags/v1^{}");
	assert_non_null(listing_find(&l, "refs/pull/1/head"));
	listing_free(&l);

	/* HEAD's target with a NUL or a control byte in it: refused. */
	static const char nul[] = A " HEAD\0symref=HEAD:refs/\0\1ads/main\n";
	len = 0;
	pkt(buf, &len, nul, sizeof(nul) - 1);
	flush(buf, &len);
	assert_int_equal(lsrefs_parse_advertisement(&l, buf, len, &why),
	    LSREFS_ERROR);
	listing_free(&l);

	/* Without the service line (some servers), and an empty repo. */
	len = 0;
	static const char empty[] = "0000000000000000000000000000000000000000 "
	    "capabilities^{}\0agent=x\n";
	pkt(buf, &len, empty, sizeof(empty) - 1);
	flush(buf, &len);
	assert_int_equal(lsrefs_parse_advertisement(&l, buf, len, &why),
	    LSREFS_V0);
	assert_int_equal(l.n, 0);
	assert_null(l.head_target);
	listing_free(&l);
}

static void
test_v0_refused(void **unused)
{
	static const char sha256[] = A " HEAD\0object-format=sha256\n";
	static const char nocaps[] = A " HEAD\n";
	struct listing l;
	char buf[4096];
	const char *why;
	size_t len;

	(void)unused;
	/* A second ref listed twice, a short line, no flush, trailing bytes,
	 * a sha256 repo, no capabilities, an upper-case id. */
	const char *bad[] = { "twice", "short", "noflush", "trailing",
	    "sha256", "nocaps", "upper", "garbage" };
	for (size_t i = 0; i < N(bad); i++) {
		len = 0;
		if (strcmp(bad[i], "sha256") == 0)
			pkt(buf, &len, sha256, sizeof(sha256) - 1);
		else if (strcmp(bad[i], "nocaps") == 0)
			pkt(buf, &len, nocaps, sizeof(nocaps) - 1);
		else {
			static const char first[] = A " HEAD\0agent=x\n";
			pkt(buf, &len, first, sizeof(first) - 1);
		}
		if (strcmp(bad[i], "twice") == 0) {
			pkts(buf, &len, A " refs/heads/a\n");
			pkts(buf, &len, B " refs/heads/a\n");
		} else if (strcmp(bad[i], "short") == 0) {
			pkts(buf, &len, A "\n");
		} else if (strcmp(bad[i], "upper") == 0) {
			pkts(buf, &len, "ABCDEF1111111111111111111111111111111111"
			    " refs/heads/a\n");
		} else if (strcmp(bad[i], "garbage") == 0) {
			memcpy(buf + len, "zzzz", 4);
			len += 4;
		}
		if (strcmp(bad[i], "noflush") != 0 &&
		    strcmp(bad[i], "garbage") != 0)
			flush(buf, &len);
		if (strcmp(bad[i], "trailing") == 0)
			pkts(buf, &len, B " refs/heads/late\n");
		why = NULL;
		if (lsrefs_parse_advertisement(&l, buf, len, &why) !=
		    LSREFS_ERROR)
			fail_msg("case %s: accepted", bad[i]);
		assert_non_null(why);
		listing_free(&l);
	}
}

static void
test_v2(void **unused)
{
	struct listing l;
	char buf[4096];
	const char *why = NULL;
	size_t len = 0;

	(void)unused;
	pkts(buf, &len, "version 2\n");
	pkts(buf, &len, "agent=git/2.39.5\n");
	pkts(buf, &len, "ls-refs=unborn\n");
	pkts(buf, &len, "fetch=shallow wait-for-done\n");
	pkts(buf, &len, "object-format=sha1\n");
	flush(buf, &len);
	assert_int_equal(lsrefs_parse_advertisement(&l, buf, len, &why),
	    LSREFS_V2);
	listing_free(&l);

	/* No ls-refs, or another hash: refused. */
	len = 0;
	pkts(buf, &len, "version 2\n");
	pkts(buf, &len, "fetch\n");
	flush(buf, &len);
	assert_int_equal(lsrefs_parse_advertisement(&l, buf, len, &why),
	    LSREFS_ERROR);
	listing_free(&l);
	len = 0;
	pkts(buf, &len, "version 2\n");
	pkts(buf, &len, "ls-refs\n");
	pkts(buf, &len, "object-format=sha256\n");
	flush(buf, &len);
	assert_int_equal(lsrefs_parse_advertisement(&l, buf, len, &why),
	    LSREFS_ERROR);
	listing_free(&l);
}

static void
test_answer(void **unused)
{
	struct listing l;
	char buf[4096];
	const char *why = NULL;
	size_t len = 0;

	(void)unused;
	pkts(buf, &len, A " HEAD symref-target:refs/heads/trunk\n");
	pkts(buf, &len, A " refs/heads/trunk\n");
	pkts(buf, &len, B " refs/tags/v1 peeled:" C "\n");
	flush(buf, &len);
	assert_int_equal(lsrefs_parse_answer(&l, buf, len, &why), 0);
	assert_string_equal(l.head_target, "refs/heads/trunk");
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[1].name, "refs/tags/v1");
	assert_string_equal(l.v[1].oid, B);
	listing_free(&l);

	/* Empty: a flush alone is a repo with none of the refs asked. */
	len = 0;
	flush(buf, &len);
	assert_int_equal(lsrefs_parse_answer(&l, buf, len, &why), 0);
	assert_int_equal(l.n, 0);
	listing_free(&l);

	/* Cut short, an error packet, a bad id. */
	const char *bad[] = { A " refs/heads/a\n", "ERR upload-pack: no\n",
	    "g" B " refs/heads/a\n" };
	for (size_t i = 0; i < N(bad); i++) {
		len = 0;
		pkts(buf, &len, bad[i]);
		if (i > 0)
			flush(buf, &len);
		assert_int_equal(lsrefs_parse_answer(&l, buf, len, &why), -1);
		listing_free(&l);
	}
}

static void
test_request(void **unused)
{
	const char *pats[] = { "refs/heads/*", "refs/tags/*", "refs/meta/x" };
	static const char want[] = "0014command=ls-refs\n0001000csymrefs\n"
	    "0014ref-prefix HEAD\n001bref-prefix refs/heads/\n"
	    "001aref-prefix refs/tags/\n001bref-prefix refs/meta/x\n0000";
	size_t len;
	char *req = lsrefs_request(pats, N(pats), &len);

	(void)unused;
	assert_non_null(req);
	assert_int_equal(len, sizeof(want) - 1);
	assert_memory_equal(req, want, len);
	free(req);
}

static void
test_patterns(void **unused)
{
	(void)unused;
	assert_true(lsrefs_pattern_ok("refs/heads/*"));
	assert_true(lsrefs_pattern_ok("refs/meta/config"));
	assert_false(lsrefs_pattern_ok("refs/heads/v?"));
	assert_false(lsrefs_pattern_ok("refs/heads/[ab]"));
	assert_false(lsrefs_pattern_ok("refs/*/x"));
	assert_false(lsrefs_pattern_ok("heads/*"));
	assert_true(lsrefs_matches("refs/heads/*", "refs/heads/a/b"));
	assert_false(lsrefs_matches("refs/heads/*", "refs/heads/"));
	assert_false(lsrefs_matches("refs/heads/*", "refs/headsx"));
	assert_true(lsrefs_matches("refs/meta/x", "refs/meta/x"));
	assert_false(lsrefs_matches("refs/meta/x", "refs/meta/xy"));
}

/* ------------------------------------------------------------ localrefs */

static char dir[64];

static void
put(const char *rel, const char *text)
{
	char *p = util_path_join(dir, rel), *slash;

	assert_non_null(p);
	for (slash = strchr(p + strlen(dir) + 1, '/'); slash != NULL;
	    slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(p, 0755);
		*slash = '/';
	}
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	free(p);
}

/*
 * A pack index (version 2) listing ids, sorted, and a pack to go with it:
 * its header counts them and its trailing checksum is the one the index
 * records (the objects themselves are not there: nothing here reads them).
 */
static void
put_index(const char *stem, const unsigned char (*ids)[20], size_t n)
{
	static const unsigned char sum[20] = "pack-checksum-here!";
	unsigned char head[12] = { 'P', 'A', 'C', 'K', 0, 0, 0, 2, 0, 0, 0,
	    (unsigned char)n };
	char rel[128];
	uint32_t fan[256] = { 0 };

	for (size_t i = 0; i < n; i++)
		for (int b = ids[i][0]; b < 256; b++)
			fan[b]++;
	snprintf(rel, sizeof(rel), "%s/objects", dir);
	mkdir(rel, 0755);
	snprintf(rel, sizeof(rel), "%s/objects/pack", dir);
	mkdir(rel, 0755);
	snprintf(rel, sizeof(rel), "%s/objects/pack/%s.pack", dir, stem);
	FILE *f = fopen(rel, "w");
	assert_non_null(f);
	fwrite(head, 1, sizeof(head), f);
	fwrite(sum, 1, 20, f);
	fclose(f);
	snprintf(rel, sizeof(rel), "%s/objects/pack/%s.idx", dir, stem);
	f = fopen(rel, "w");
	assert_non_null(f);
	fwrite("\377tOc\0\0\0\2", 1, 8, f);
	for (int b = 0; b < 256; b++) {
		unsigned char be[4] = { (unsigned char)(fan[b] >> 24),
		    (unsigned char)(fan[b] >> 16), (unsigned char)(fan[b] >> 8),
		    (unsigned char)fan[b] };
		fwrite(be, 1, 4, f);
	}
	fwrite(ids, 20, n, f);
	for (size_t i = 0; i < n * 8; i++)	/* CRCs and offsets */
		fputc(0, f);
	fwrite(sum, 1, 20, f);
	for (int i = 0; i < 20; i++)		/* the index's own checksum */
		fputc(0, f);
	fclose(f);
}

static int
setup_repo(void **unused)
{
	(void)unused;
	snprintf(dir, sizeof(dir), "/tmp/test_lsrefs.XXXXXX");
	assert_non_null(mkdtemp(dir));
	put("HEAD", "ref: refs/heads/main\n");
	put("config", "[core]\n\tbare = true\n");
	put("refs/heads/main", A "\n");
	put("refs/tags/v1", B "\n");
	put("packed-refs", "# pack-refs with: peeled fully-peeled sorted \n"
	    C " refs/heads/old\n^" A "\n" A " refs/tags/v1\n");
	static const unsigned char ids[2][20] = {
	    { 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
	      0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11 },
	    { 0x33, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33,
	      0x33, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33 } };
	put_index("pack-aaaa", ids, 2);
	put("objects/22/22222222222222222222222222222222222222", "x");
	return 0;
}

static int
teardown_repo(void **unused)
{
	(void)unused;
	dsm_error_free(util_remove_tree(dir));
	return 0;
}

static void
test_local(void **unused)
{
	struct listing refs;
	struct local_odb odb;
	char why[256];

	(void)unused;
	assert_null(localrefs_read(dir, &refs, &odb, why, sizeof(why)));
	assert_string_equal(refs.head_target, "refs/heads/main");
	assert_int_equal(refs.n, 3);
	/* The loose v1 hides the packed one. */
	assert_string_equal(listing_find(&refs, "refs/tags/v1")->oid, B);
	assert_string_equal(listing_find(&refs, "refs/heads/old")->oid, C);
	assert_true(localrefs_has(&odb, A));	/* packed */
	assert_true(localrefs_has(&odb, B));	/* loose */
	assert_true(localrefs_has(&odb, C));
	assert_false(localrefs_has(&odb,
	    "4444444444444444444444444444444444444444"));
	assert_false(localrefs_has(&odb,
	    "1111111111111111111111111111111111111112"));
	localrefs_free(&refs, &odb);
}

/* Each state that is not the plain one an update leaves is refused. */
static void
test_local_refused(void **unused)
{
	struct { const char *rel, *text; } cases[] = {
		{ "HEAD.lock", "" },
		{ "packed-refs.lock", "" },
		{ "refs/heads/main.lock", "" },
		{ "refs/heads/sym", "ref: refs/heads/main\n" },
		{ "refs/heads/torn", "11111\n" },
		{ "objects/pack/pack_git2_abc", "" },
		{ "objects/pack/pack-bbbb.pack", "PACK" },
		{ "objects/info/alternates", "/elsewhere\n" },
		{ "packed-refs", "what is this\n" },
	};
	struct listing refs;
	struct local_odb odb;
	char why[256], *p, *keep = NULL;

	(void)unused;
	for (size_t i = 0; i < N(cases); i++) {
		p = util_path_join(dir, cases[i].rel);
		if (strcmp(cases[i].rel, "packed-refs") == 0) {
			size_t len;
			FILE *f = fopen(p, "r");
			keep = calloc(1, 4096);
			len = fread(keep, 1, 4095, f);
			keep[len] = '\0';
			fclose(f);
		}
		put(cases[i].rel, cases[i].text);
		if (localrefs_read(dir, &refs, &odb, why, sizeof(why)) == NULL)
			fail_msg("%s: not refused", cases[i].rel);
		localrefs_free(&refs, &odb);
		if (keep != NULL) {
			put(cases[i].rel, keep);
			free(keep);
			keep = NULL;
		} else {
			unlink(p);
		}
		free(p);
		assert_null(localrefs_read(dir, &refs, &odb, why, sizeof(why)));
		localrefs_free(&refs, &odb);
	}
	/* A pack cut short, or another pack's: not the index's pack. */
	char *pack = util_path_join(dir, "objects/pack/pack-aaaa.pack");
	assert_non_null(pack);
	assert_int_equal(truncate(pack, 31), 0);
	assert_non_null(localrefs_read(dir, &refs, &odb, why, sizeof(why)));
	assert_non_null(strstr(why, "does not match its index"));
	localrefs_free(&refs, &odb);
	FILE *f = fopen(pack, "r+");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	fputc('!', f);
	fclose(f);
	assert_non_null(localrefs_read(dir, &refs, &odb, why, sizeof(why)));
	localrefs_free(&refs, &odb);
	/* An index cut short, whatever it says it holds. */
	static const unsigned char ids[2][20] = {
	    { 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
	      0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11 },
	    { 0x33, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33,
	      0x33, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33 } };
	put_index("pack-aaaa", ids, 2);
	assert_null(localrefs_read(dir, &refs, &odb, why, sizeof(why)));
	localrefs_free(&refs, &odb);
	char *idx = util_path_join(dir, "objects/pack/pack-aaaa.idx");
	assert_non_null(idx);
	for (off_t cut = 1040; cut <= 1100; cut += 12) {
		assert_int_equal(truncate(idx, cut), 0);
		if (localrefs_read(dir, &refs, &odb, why, sizeof(why)) == NULL)
			fail_msg("an index of %lld bytes was taken", (long long)cut);
		localrefs_free(&refs, &odb);
	}
	put_index("pack-aaaa", ids, 2);
	free(pack);
	free(idx);

	/* A FIFO in packed-refs' place: refused at once, never waited on. */
	char *packed = util_path_join(dir, "packed-refs"), *kept = NULL;
	assert_non_null(packed);
	assert_int_equal(rename(packed, (kept = util_printf("%s.kept",
	    packed))), 0);
	assert_int_equal(mkfifo(packed, 0644), 0);
	assert_non_null(localrefs_read(dir, &refs, &odb, why, sizeof(why)));
	localrefs_free(&refs, &odb);
	unlink(packed);
	assert_int_equal(rename(kept, packed), 0);
	free(kept);
	free(packed);

	/* A detached HEAD, and maintenance due. */
	put("HEAD", A "\n");
	assert_non_null(localrefs_read(dir, &refs, &odb, why, sizeof(why)));
	localrefs_free(&refs, &odb);
	put("HEAD", "ref: refs/heads/main\n");
	for (int i = 0; i <= MAINT_MAX_LOOSE_REFS; i++) {
		char rel[64];
		snprintf(rel, sizeof(rel), "refs/tags/t%d", i);
		put(rel, A "\n");
	}
	assert_non_null(localrefs_read(dir, &refs, &odb, why, sizeof(why)));
	assert_non_null(strstr(why, "maintenance"));
	localrefs_free(&refs, &odb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v0),
		cmocka_unit_test(test_v0_refused),
		cmocka_unit_test(test_v2),
		cmocka_unit_test(test_answer),
		cmocka_unit_test(test_request),
		cmocka_unit_test(test_patterns),
		cmocka_unit_test_setup_teardown(test_local, setup_repo,
		    teardown_repo),
		cmocka_unit_test_setup_teardown(test_local_refused, setup_repo,
		    teardown_repo),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
