/*
 * test_result.c - the result model (result.h): the exit status it
 * describes, staleness, the name column, the verdict names, the fetch
 * report's JSON form both ways (also the form of the worker pipe), and a
 * failed release check.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "result.h"
#include "unit_util.h"


#define OID_A "1111111111111111111111111111111111111111"
#define OID_B "2222222222222222222222222222222222222222"
#define OID_C "3333333333333333333333333333333333333333"

#define MAX_REPOS	3
#define MAX_FILES	3

static struct license_spec lic_spec = { "LICENSE", "MIT", NULL };

/* A repo of a table case: its fetch, its release check, its verdicts. */
struct repo_case {
	enum fetch_result fetch;
	enum release_result release;
	int nverdicts;
	enum license_verdict verdicts[MAX_FILES];
};

struct status_case {
	const char *what;
	int nrepos;
	struct repo_case repos[MAX_REPOS];
	int want;
};

#define OK_REPO { FETCH_UPDATED, RELEASE_UNCHANGED, 1, { VERDICT_OK } }

static const struct status_case status_cases[] = {
	{ "no repos", 0, { OK_REPO }, 0 },
	{ "one repo, all well", 1, { OK_REPO }, 0 },
	{ "everything skipped", 1, { { FETCH_SKIPPED, RELEASE_SKIPPED, 0,
	    { VERDICT_OK } } }, 0 },
	{ "cloned, no release", 1, { { FETCH_CLONED, RELEASE_NONE, 1,
	    { VERDICT_OK } } }, 0 },
	{ "unchanged, release changed", 1, { { FETCH_UNCHANGED,
	    RELEASE_CHANGED, 2, { VERDICT_OK, VERDICT_OK } } }, 0 },
	{ "fetch error", 1, { { FETCH_ERROR, RELEASE_SKIPPED, 0,
	    { VERDICT_OK } } }, 3 },
	{ "fetch error, licenses ok", 1, { { FETCH_ERROR, RELEASE_UNCHANGED, 1,
	    { VERDICT_OK } } }, 3 },
	{ "release error", 1, { { FETCH_SKIPPED, RELEASE_ERROR, 0,
	    { VERDICT_OK } } }, 3 },
	{ "release error after a good repo", 2, { OK_REPO, { FETCH_UPDATED,
	    RELEASE_ERROR, 1, { VERDICT_OK } } }, 3 },
	{ "verdict changed", 1, { { FETCH_SKIPPED, RELEASE_SKIPPED, 1,
	    { VERDICT_CHANGED } } }, 1 },
	{ "verdict not-expected", 1, { { FETCH_SKIPPED, RELEASE_SKIPPED, 1,
	    { VERDICT_NOT_EXPECTED } } }, 1 },
	{ "verdict missing", 1, { { FETCH_SKIPPED, RELEASE_SKIPPED, 1,
	    { VERDICT_MISSING } } }, 1 },
	{ "verdict no-mirror", 1, { { FETCH_SKIPPED, RELEASE_SKIPPED, 1,
	    { VERDICT_NO_MIRROR } } }, 1 },
	{ "second file fails", 1, { { FETCH_UPDATED, RELEASE_UNCHANGED, 3,
	    { VERDICT_OK, VERDICT_OK, VERDICT_MISSING } } }, 1 },
	{ "1 wins over 3 in one repo", 1, { { FETCH_ERROR, RELEASE_ERROR, 1,
	    { VERDICT_NOT_EXPECTED } } }, 1 },
	{ "1 wins over a later 3", 2, { { FETCH_UPDATED, RELEASE_UNCHANGED, 1,
	    { VERDICT_CHANGED } }, { FETCH_ERROR, RELEASE_SKIPPED, 0,
	    { VERDICT_OK } } }, 1 },
	{ "1 wins over an earlier 3", 3, { { FETCH_ERROR, RELEASE_SKIPPED, 0,
	    { VERDICT_OK } }, { FETCH_SKIPPED, RELEASE_ERROR, 0,
	    { VERDICT_OK } }, { FETCH_UPDATED, RELEASE_UNCHANGED, 1,
	    { VERDICT_NO_MIRROR } } }, 1 },
};

static void
test_exit_status(void **state)
{
	(void)state;
	for (size_t c = 0; c < sizeof(status_cases) / sizeof(status_cases[0]);
	    c++) {
		const struct status_case *sc = &status_cases[c];
		struct license_report files[MAX_REPOS][MAX_FILES];
		struct repo_result repos[MAX_REPOS];
		struct repo_spec spec = { .name = "r" };

		memset(repos, 0, sizeof(repos));
		memset(files, 0, sizeof(files));
		for (int i = 0; i < sc->nrepos; i++) {
			repos[i].spec = &spec;
			repos[i].fetch.result = sc->repos[i].fetch;
			repos[i].release.result = sc->repos[i].release;
			repos[i].verified = sc->repos[i].nverdicts > 0;
			repos[i].licenses = files[i];
			repos[i].nlicenses = (size_t)sc->repos[i].nverdicts;
			for (int j = 0; j < sc->repos[i].nverdicts; j++) {
				files[i][j].spec = &lic_spec;
				files[i][j].verdict = sc->repos[i].verdicts[j];
			}
		}
		int got = result_exit_status(sc->nrepos > 0 ? repos : NULL,
		    (size_t)sc->nrepos);
		if (got != sc->want)
			fail_msg("%s: exit status %d, want %d", sc->what, got,
			    sc->want);
	}
}

static void
test_is_stale(void **state)
{
	static const struct {
		int verified;
		enum fetch_result fetch;
		int want;
	} cases[] = {
		{ 1, FETCH_ERROR, 1 },
		{ 0, FETCH_ERROR, 0 },	/* no verdict to be stale */
		{ 1, FETCH_SKIPPED, 0 },
		{ 1, FETCH_CLONED, 0 },
		{ 1, FETCH_UPDATED, 0 },
		{ 1, FETCH_UNCHANGED, 0 },
		{ 0, FETCH_UPDATED, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct repo_result r = { .verified = cases[i].verified };
		r.fetch.result = cases[i].fetch;
		if (result_is_stale(&r) != cases[i].want)
			fail_msg("case %zu: stale %d, want %d", i,
			    result_is_stale(&r), cases[i].want);
	}
}

static void
test_name_width(void **state)
{
	char n40[RESULT_MAX_NAME_WIDTH + 1], n41[RESULT_MAX_NAME_WIDTH + 2];
	struct repo_spec specs[4] = { { .name = "a" }, { .name = "abcdef" },
	    { .name = n40 }, { .name = n41 } };
	struct repo_result r[4];

	(void)state;
	memset(n40, 'x', sizeof(n40) - 1);
	n40[sizeof(n40) - 1] = '\0';
	memset(n41, 'y', sizeof(n41) - 1);
	n41[sizeof(n41) - 1] = '\0';
	memset(r, 0, sizeof(r));
	for (int i = 0; i < 4; i++)
		r[i].spec = &specs[i];

	assert_int_equal(result_name_width(NULL, 0, 0), 0);
	assert_int_equal(result_name_width(NULL, 0, 4), 4);
	assert_int_equal(result_name_width(r, 1, 0), 1);
	assert_int_equal(result_name_width(r, 1, 4), 4);	/* min wins */
	assert_int_equal(result_name_width(r, 2, 4), 6);
	assert_int_equal(result_name_width(r, 2, 10), 10);
	/* Exactly the limit counts; one more is ignored, not clamped. */
	assert_int_equal(result_name_width(r, 3, 4), RESULT_MAX_NAME_WIDTH);
	assert_int_equal(result_name_width(&r[3], 1, 4), 4);
	assert_int_equal(result_name_width(&r[1], 3, 0), RESULT_MAX_NAME_WIDTH);
	specs[2].name = "abc";
	assert_int_equal(result_name_width(r, 4, 0), 6);
}

static void
test_verdict_names(void **state)
{
	static const struct {
		enum license_verdict v;
		const char *name;
	} names[] = {
		{ VERDICT_OK, "ok" },
		{ VERDICT_CHANGED, "changed" },
		{ VERDICT_NOT_EXPECTED, "not-expected" },
		{ VERDICT_MISSING, "missing" },
		{ VERDICT_NO_MIRROR, "no-mirror" },
	};
	static const char *const unknown[] = { "", "OK", "Ok", "ok ", " ok",
	    "not_expected", "notexpected", "no-mirror\n", "stale", "okay" };

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		assert_string_equal(license_verdict_name(names[i].v),
		    names[i].name);
		assert_int_equal(license_verdict_from_name(names[i].name),
		    (int)names[i].v);
		assert_int_equal(license_verdict_from_name(
		    license_verdict_name(names[i].v)), (int)names[i].v);
	}
	for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++)
		if (license_verdict_from_name(unknown[i]) != -1)
			fail_msg("\"%s\" taken for a verdict", unknown[i]);
	assert_int_equal(license_verdict_from_name(NULL), -1);
}

static void
test_result_names(void **state)
{
	(void)state;
	assert_string_equal(fetch_result_name(FETCH_SKIPPED), "skipped");
	assert_string_equal(fetch_result_name(FETCH_CLONED), "cloned");
	assert_string_equal(fetch_result_name(FETCH_UPDATED), "updated");
	assert_string_equal(fetch_result_name(FETCH_UNCHANGED), "unchanged");
	assert_string_equal(fetch_result_name(FETCH_REPAIRED), "repaired");
	assert_string_equal(fetch_result_name(FETCH_ERROR), "error");
	assert_string_equal(release_result_name(RELEASE_SKIPPED), "skipped");
	assert_string_equal(release_result_name(RELEASE_CHANGED), "changed");
	assert_string_equal(release_result_name(RELEASE_UNCHANGED),
	    "unchanged");
	assert_string_equal(release_result_name(RELEASE_NONE), "none");
	assert_string_equal(release_result_name(RELEASE_ERROR), "error");
	assert_string_equal(gc_result_name(GC_SKIPPED), "skipped");
	assert_string_equal(gc_result_name(GC_DONE), "done");
	assert_string_equal(gc_result_name(GC_UNCHANGED), "unchanged");
	assert_string_equal(gc_result_name(GC_NO_MIRROR), "no-mirror");
	assert_string_equal(gc_result_name(GC_ERROR), "error");
}

/* A fetch report with every field set: a new, a moved, a deleted ref. */
static void
full_report(struct fetch_report *f)
{
	memset(f, 0, sizeof(*f));
	f->result = FETCH_UPDATED;
	memcpy(f->head, OID_B, OID_HEX + 1);
	f->head_ref = ut_xstrdup("refs/heads/main");
	f->updated = calloc(3, sizeof(*f->updated));
	assert_non_null(f->updated);
	f->nupdated = 3;
	f->updated[0].ref = ut_xstrdup("refs/heads/main");
	memcpy(f->updated[0].old, OID_A, OID_HEX + 1);
	memcpy(f->updated[0].new, OID_B, OID_HEX + 1);
	f->updated[1].ref = ut_xstrdup("refs/tags/v1");	/* new */
	memcpy(f->updated[1].new, OID_C, OID_HEX + 1);
	f->updated[2].ref = ut_xstrdup("refs/heads/gone");	/* deleted */
	memcpy(f->updated[2].old, OID_C, OID_HEX + 1);
	f->preserved = calloc(1, sizeof(*f->preserved));
	assert_non_null(f->preserved);
	f->npreserved = 1;
	f->preserved[0].ref = ut_xstrdup("refs/heads/main");
	f->preserved[0].as = ut_xstrdup("refs/dsmirror/preserved/20261123T101500Z/"
	    "heads/main");
	memcpy(f->preserved[0].oid, OID_A, OID_HEX + 1);
	f->received_bytes = (uint64_t)1 << 40;
	f->received_objects = 123456;
	f->seconds = 2.5;
}

static void
expect_same(const struct fetch_report *a, const struct fetch_report *b)
{
	assert_int_equal(a->result, b->result);
	assert_string_equal(a->head, b->head);
	if (a->head_ref == NULL || b->head_ref == NULL)
		assert_ptr_equal(a->head_ref, b->head_ref);
	else
		assert_string_equal(a->head_ref, b->head_ref);
	if (a->error == NULL || b->error == NULL)
		assert_ptr_equal(a->error, b->error);
	else
		assert_string_equal(a->error, b->error);
	if (a->damage == NULL || b->damage == NULL)
		assert_ptr_equal(a->damage, b->damage);
	else
		assert_string_equal(a->damage, b->damage);
	assert_int_equal(a->nupdated, b->nupdated);
	for (size_t i = 0; i < a->nupdated; i++) {
		assert_string_equal(a->updated[i].ref, b->updated[i].ref);
		assert_string_equal(a->updated[i].old, b->updated[i].old);
		assert_string_equal(a->updated[i].new, b->updated[i].new);
	}
	assert_int_equal(a->npreserved, b->npreserved);
	for (size_t i = 0; i < a->npreserved; i++) {
		assert_string_equal(a->preserved[i].ref, b->preserved[i].ref);
		assert_string_equal(a->preserved[i].as, b->preserved[i].as);
		assert_string_equal(a->preserved[i].oid, b->preserved[i].oid);
	}
	assert_true(a->received_bytes == b->received_bytes);
	assert_true(a->received_objects == b->received_objects);
	assert_true(a->seconds == b->seconds);
	assert_int_equal(a->maint.ran, b->maint.ran);
	assert_int_equal(a->maint.packs_before, b->maint.packs_before);
	assert_int_equal(a->maint.packs_after, b->maint.packs_after);
	assert_int_equal(a->maint.refs_packed, b->maint.refs_packed);
}

/* to_json, then from_json of the text the pipe carries, must be identity. */
static void
round_trip(const struct fetch_report *f)
{
	struct fetch_report back;
	json_t *obj = fetch_report_to_json(f), *again;
	char *text;

	assert_non_null(obj);
	text = json_dumps(obj, JSON_COMPACT);
	assert_non_null(text);
	again = json_loads(text, 0, NULL);
	assert_non_null(again);
	memset(&back, 0, sizeof(back));
	assert_int_equal(fetch_report_from_json(&back, again), 0);
	expect_same(f, &back);
	fetch_report_clear(&back);
	json_decref(again);
	json_decref(obj);
	free(text);
}

static void
test_fetch_json_round_trip(void **state)
{
	struct fetch_report f;
	json_t *obj, *u;

	(void)state;
	full_report(&f);
	obj = fetch_report_to_json(&f);
	assert_non_null(obj);
	assert_string_equal(json_string_value(json_object_get(obj, "result")),
	    "updated");
	assert_string_equal(json_string_value(json_object_get(obj, "head")),
	    OID_B);
	assert_true(json_is_null(json_object_get(obj, "error")));
	u = json_array_get(json_object_get(obj, "updated"), 1);
	assert_true(json_is_null(json_object_get(u, "old")));	/* new ref */
	u = json_array_get(json_object_get(obj, "updated"), 2);
	assert_true(json_is_null(json_object_get(u, "new")));	/* deleted */
	assert_int_equal(json_integer_value(json_object_get(obj,
	    "received_bytes")), (json_int_t)1 << 40);
	json_decref(obj);
	round_trip(&f);
	fetch_report_clear(&f);
	/* fetch_report_clear() zeroes. */
	assert_null(f.updated);
	assert_int_equal(f.nupdated, 0);
	assert_int_equal(f.head[0], '\0');

	/* Every result, and the empty report of a failure. */
	for (int r = FETCH_SKIPPED; r <= FETCH_ERROR; r++) {
		memset(&f, 0, sizeof(f));
		f.result = (enum fetch_result)r;
		if (r == FETCH_ERROR)
			f.error = ut_xstrdup("cannot reach \"host\": timed out");
		round_trip(&f);
		obj = fetch_report_to_json(&f);
		assert_true(json_is_null(json_object_get(obj, "head")));
		assert_true(json_is_null(json_object_get(obj, "head_ref")));
		assert_int_equal(json_array_size(json_object_get(obj,
		    "updated")), 0);
		json_decref(obj);
		fetch_report_clear(&f);
	}

	/* What a repair found travels over the pipe too. */
	memset(&f, 0, sizeof(f));
	f.result = FETCH_REPAIRED;
	f.damage = ut_xstrdup("HEAD was unreadable");
	round_trip(&f);
	fetch_report_clear(&f);
	assert_null(f.damage);

	/* Maintenance: reported (and carried over the pipe) only when it ran. */
	memset(&f, 0, sizeof(f));
	f.result = FETCH_UPDATED;
	obj = fetch_report_to_json(&f);
	assert_null(json_object_get(obj, "maintenance"));
	json_decref(obj);
	round_trip(&f);
	f.maint = (struct maint_report){ 1, 17, 1, 140 };
	obj = fetch_report_to_json(&f);
	u = json_object_get(obj, "maintenance");
	assert_int_equal(json_integer_value(json_object_get(u, "packs_before")),
	    17);
	assert_int_equal(json_integer_value(json_object_get(u, "packs_after")),
	    1);
	assert_int_equal(json_integer_value(json_object_get(u, "refs_packed")),
	    140);
	json_decref(obj);
	round_trip(&f);

	/* seconds are kept to the millisecond. */
	memset(&f, 0, sizeof(f));
	f.seconds = 1.23456;
	obj = fetch_report_to_json(&f);
	assert_true(json_real_value(json_object_get(obj, "seconds")) == 1.234);
	json_decref(obj);
}

/* gc's JSON entry, and a failed gc's exit status (3, as a failed fetch). */
static void
test_gc_report(void **state)
{
	struct repo_result r;
	json_t *obj;

	(void)state;
	memset(&r, 0, sizeof(r));
	r.gc.result = GC_DONE;
	r.gc.maint = (struct maint_report){ 1, 12, 1, 80 };
	r.gc.seconds = 0.4567;
	obj = gc_report_to_json(&r.gc);
	assert_string_equal(json_string_value(json_object_get(obj, "result")),
	    "done");
	assert_true(json_is_null(json_object_get(obj, "error")));
	assert_int_equal(json_integer_value(json_object_get(json_object_get(obj,
	    "maintenance"), "packs_before")), 12);
	assert_true(json_real_value(json_object_get(obj, "seconds")) == 0.456);
	json_decref(obj);
	assert_int_equal(result_exit_status(&r, 1), 0);
	r.gc.result = GC_NO_MIRROR;
	assert_int_equal(result_exit_status(&r, 1), 0);
	r.gc.result = GC_ERROR;
	r.gc.error = ut_xstrdup("cannot pack refs: disk full");
	obj = gc_report_to_json(&r.gc);
	assert_string_equal(json_string_value(json_object_get(obj, "error")),
	    "cannot pack refs: disk full");
	json_decref(obj);
	assert_int_equal(result_exit_status(&r, 1), 3);
	repo_result_clear(&r);
	assert_null(r.gc.error);
}

/* Objects a worker (or anything writing to the pipe) must not get past. */
static const char *const bad_fetch_json[] = {
	"{}",
	"[]",
	"{\"result\": \"fetched\"}",
	"{\"result\": \"UPDATED\"}",
	"{\"result\": 1}",
	"{\"result\": null}",
	"{\"result\": \"updated\", \"head\": \"abc\"}",
	"{\"result\": \"updated\", \"head\": \"" OID_A "0\"}",
	"{\"result\": \"updated\", \"head\": "
	    "\"ABCDEF1111111111111111111111111111111111\"}",
	"{\"result\": \"updated\", \"head\": "
	    "\"g111111111111111111111111111111111111111\"}",
	"{\"result\": \"updated\", \"head\": 5}",
	"{\"result\": \"updated\", \"head_ref\": true}",
	"{\"result\": \"error\", \"error\": {}}",
	"{\"result\": \"updated\", \"updated\": [{\"old\": null, "
	    "\"new\": null}]}",
	"{\"result\": \"updated\", \"updated\": [{\"ref\": \"refs/heads/a\", "
	    "\"old\": \"xyz\", \"new\": null}]}",
	"{\"result\": \"updated\", \"updated\": [{\"ref\": 7}]}",
	"{\"result\": \"updated\", \"updated\": [{\"ref\": \"refs/heads/a\"}, "
	    "{\"ref\": \"refs/heads/b\", \"new\": \"" OID_A "\\u001b\"}]}",
	"{\"result\": \"updated\", \"preserved\": [{\"ref\": \"refs/heads/a\", "
	    "\"oid\": \"" OID_A "\"}]}",
	"{\"result\": \"updated\", \"preserved\": [{\"as\": \"x\", "
	    "\"oid\": \"" OID_A "\"}]}",
	"{\"result\": \"updated\", \"preserved\": [{\"ref\": \"a\", "
	    "\"as\": \"b\", \"oid\": \"nope\"}]}",
};

static void
test_fetch_json_refused(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_fetch_json) /
	    sizeof(bad_fetch_json[0]); i++) {
		json_error_t e;
		json_t *obj = json_loads(bad_fetch_json[i], 0, &e);
		struct fetch_report f;

		if (obj == NULL)
			fail_msg("bad test JSON %zu: %s", i, e.text);
		memset(&f, 0, sizeof(f));
		if (fetch_report_from_json(&f, obj) != -1)
			fail_msg("accepted: %s", bad_fetch_json[i]);
		/* What was read so far is released without a leak. */
		fetch_report_clear(&f);
		json_decref(obj);
	}
}

static void
test_release_fail(void **state)
{
	struct release_report r;
	json_t *obj;

	(void)state;
	memset(&r, 0, sizeof(r));
	r.result = RELEASE_CHANGED;
	r.section = json_pack("{s:s}", "checked_at", "2026-11-23T10:15:00Z");
	r.latest = json_pack("{s:s}", "tag", "v1");
	assert_non_null(r.section);
	release_report_fail(&r, ut_xstrdup("cannot record the release state"));
	assert_int_equal(r.result, RELEASE_ERROR);
	assert_null(r.section);		/* nothing to record */
	assert_string_equal(r.error, "cannot record the release state");
	assert_non_null(r.latest);	/* what was read stays for the report */

	/* A second failure replaces the message (the old one is freed). */
	release_report_fail(&r, ut_xstrdup("second"));
	assert_string_equal(r.error, "second");
	/* NULL is out of memory, and still a failure with a message. */
	release_report_fail(&r, NULL);
	assert_int_equal(r.result, RELEASE_ERROR);
	assert_string_equal(r.error, "out of memory");

	obj = release_report_to_json(&r);
	assert_non_null(obj);
	assert_string_equal(json_string_value(json_object_get(obj, "result")),
	    "error");
	assert_string_equal(json_string_value(json_object_get(obj, "error")),
	    "out of memory");
	assert_string_equal(json_string_value(json_object_get(obj,
	    "latest_tag")), "v1");
	json_decref(obj);

	release_report_clear(&r);
	assert_null(r.error);
	assert_null(r.latest);
	assert_int_equal(r.result, RELEASE_SKIPPED);

	/* On a report with nothing set. */
	release_report_fail(&r, ut_xstrdup("HTTP 500"));
	assert_int_equal(r.result, RELEASE_ERROR);
	assert_null(r.section);
	release_report_clear(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exit_status),
		cmocka_unit_test(test_is_stale),
		cmocka_unit_test(test_name_width),
		cmocka_unit_test(test_verdict_names),
		cmocka_unit_test(test_result_names),
		cmocka_unit_test(test_fetch_json_round_trip),
		cmocka_unit_test(test_gc_report),
		cmocka_unit_test(test_fetch_json_refused),
		cmocka_unit_test(test_release_fail),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
