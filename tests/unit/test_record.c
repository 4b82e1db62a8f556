/*
 * test_record.c - what a run records (record.h) in a temporary root: which
 * sections are written for fetched, release-checked and verified repos,
 * what a failed fetch keeps, that a repo with nothing to record is left
 * alone, what a failed state write becomes; the recorded sections read
 * back as dsmirror writes them (well-formed, wrongly typed, hostile); the
 * model status builds from them; the recorded times.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "record.h"
#include "state.h"
#include "util.h"
#include "unit_util.h"

#define OID_A "1111111111111111111111111111111111111111"
#define OID_B "2222222222222222222222222222222222222222"
#define SHA_X "72359301af1a48d07b5472c9349b282bb1c1843fb6af1bdae37d5748068a4376"
#define SHA_Y "0000000000000000000000000000000000000000000000000000000000000001"
#define NOW	((time_t)1795428900)
#define STAMP	"2026-11-23T10:15:00Z"
#define OLD	"2025-01-20T12:00:00Z"
#define RECORD_FAILED	"cannot record the release state: "

#define CONFIG "{\"version\": 1, \"repos\": [" \
	"{\"name\": \"a\", \"url\": \"https://example.org/a.git\", " \
	"\"github\": \"o/a\", \"licenses\": [{\"path\": \"LICENSE\", " \
	"\"spdx\": \"MIT\"}, {\"path\": \"MODEL\", \"sha256\": \"" SHA_X "\"}]}, " \
	"{\"name\": \"b\", \"url\": \"https://example.org/b.git\", " \
	"\"licenses\": [{\"path\": \"LICENSE\", \"spdx\": \"MIT\"}]}, " \
	"{\"name\": \"c\", \"url\": \"https://example.org/c.git\", " \
	"\"github\": \"o/c\"}]}"

struct fixture {
	char root[64];
	char sdir[96];
	struct config *cfg;
	struct repo_result r[3];	/* a, b, c */
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	if (ut_make_temp_dir(f->root, sizeof(f->root), "record") != 0)
		return -1;
	snprintf(f->sdir, sizeof(f->sdir), "%s/%s", f->root, STATE_DIR);
	if (ut_config_parse(&f->cfg, CONFIG) != 0)
		return -1;
	for (int i = 0; i < 3; i++)
		f->r[i].spec = &f->cfg->repos[i];
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	int rc = ut_remove_dir(f->root);

	for (int i = 0; i < 3; i++)
		repo_result_clear(&f->r[i]);
	config_free(f->cfg);
	free(f);
	return rc;
}

static char *
state_file(const struct fixture *f, const char *name)
{
	char *p = util_printf("%s/%s.json", f->sdir, name);

	assert_non_null(p);
	return p;
}

static void
write_state(const struct fixture *f, const char *name, const char *text)
{
	char *p = state_file(f, name);

	mkdir(f->sdir, 0755);
	ut_write_file(p, text);
	free(p);

}

static const char *
str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

static void
expect_str(const json_t *obj, const char *key, const char *want)
{
	const char *got = str(obj, key);

	if (got == NULL || strcmp(got, want) != 0)
		fail_msg("%s is \"%s\", want \"%s\"", key, got != NULL ? got :
		    "(not a string)", want);
}

static void
expect_null(const json_t *obj, const char *key)
{
	if (!json_is_null(json_object_get(obj, key)))
		fail_msg("%s is not null", key);
}

/* Sets a license report of r: spec i, a verdict, a fingerprint. */
static void
set_license(struct repo_result *r, size_t i, enum license_verdict v,
    const char *sha, const char *detail)
{
	if (r->licenses == NULL) {
		r->licenses = calloc(r->spec->nlicenses + 1,
		    sizeof(*r->licenses));
		assert_non_null(r->licenses);
		r->nlicenses = r->spec->nlicenses;
		for (size_t j = 0; j < r->nlicenses; j++)
			r->licenses[j].spec = &r->spec->licenses[j];
		r->verified = 1;
	}
	r->licenses[i].verdict = v;
	snprintf(r->licenses[i].sha256, sizeof(r->licenses[i].sha256), "%s",
	    sha);
	if (detail != NULL)
		assert_non_null(r->licenses[i].detail = strdup(detail));
}

static void
set_fetch(struct repo_result *r, enum fetch_result res, const char *head,
    const char *error)
{
	r->fetch.result = res;
	snprintf(r->fetch.head, sizeof(r->fetch.head), "%s", head);
	if (head[0] != '\0')
		assert_non_null(r->fetch.head_ref = strdup("refs/heads/main"));
	if (error != NULL)
		assert_non_null(r->fetch.error = strdup(error));
	r->fetch.seconds = 1.5;
}

/* The state is written as results[i].state says. */
static void
expect_written(const struct fixture *f, const struct repo_result *r)
{
	json_t *d = ut_state_on_disk(f->root, r->spec->name);

	if (d == NULL)
		fail_msg("no state file for %s", r->spec->name);
	assert_true(json_equal(d, r->state));
	assert_int_equal(json_integer_value(json_object_get(d, "version")),
	    STATE_VERSION);
	json_decref(d);
}

static void
test_fetched(void **state)
{
	static const enum fetch_result ok[] = { FETCH_CLONED, FETCH_UPDATED,
	    FETCH_UNCHANGED };
	struct fixture *f = *state;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct repo_result *r = &f->r[0];
		const json_t *sec;

		repo_result_clear(r);
		set_fetch(r, ok[i], OID_A, NULL);
		assert_null(record_run(f->root, r, 1, 1, NOW));
		expect_written(f, r);
		sec = json_object_get(r->state, "fetch");
		expect_str(sec, "last_attempt", STAMP);
		expect_str(sec, "last_success", STAMP);
		expect_str(sec, "result", fetch_result_name(ok[i]));
		expect_str(sec, "head", OID_A);
		expect_str(sec, "head_ref", "refs/heads/main");
		expect_null(sec, "error");
		assert_true(json_number_value(json_object_get(sec, "seconds")) ==
		    1.5);
		/* Only the fetch ran: no other section, even with verify. */
		assert_null(json_object_get(r->state, "releases"));
		assert_null(json_object_get(r->state, "verify"));
		/* What dsmirror writes reads back as it wrote it. */
		json_t *back = record_fetch_section(sec, NULL);
		assert_non_null(back);
		assert_true(json_equal(back, sec));
		json_decref(back);
	}
	/* The other repos had nothing to record. */
	assert_null(ut_state_on_disk(f->root, "b"));
	assert_null(f->r[1].state);
}

static void
test_failed_fetch(void **state)
{
	struct fixture *f = *state;
	struct repo_result *r = &f->r[0];
	const json_t *sec;
	json_t *old_rel;

	/* An old state: the last success, its head, a release section. */
	write_state(f, "a", "{\"version\": 1, \"fetch\": {\"last_attempt\": \""
	    OLD "\", \"last_success\": \"" OLD "\", \"result\": \"updated\", "
	    "\"head\": \"" OID_B "\", \"head_ref\": \"refs/heads/old\", "
	    "\"error\": null, \"seconds\": 3}, \"releases\": {\"checked_at\": \""
	    OLD "\"}, \"mine\": [1, 2]}");
	assert_null(state_load(f->root, "a", &r->state, &r->state_note));
	old_rel = json_deep_copy(json_object_get(r->state, "releases"));
	set_fetch(r, FETCH_ERROR, "", "cannot reach example.org: timed out");
	set_license(r, 0, VERDICT_OK, SHA_X, NULL);
	set_license(r, 1, VERDICT_OK, SHA_X, NULL);

	assert_null(record_run(f->root, f->r, 3, 1, NOW));
	expect_written(f, r);
	sec = json_object_get(r->state, "fetch");
	expect_str(sec, "last_attempt", STAMP);
	expect_str(sec, "last_success", OLD);		/* kept */
	expect_str(sec, "head", OID_B);			/* kept */
	expect_str(sec, "head_ref", "refs/heads/old");	/* kept */
	expect_str(sec, "result", "error");
	expect_str(sec, "error", "cannot reach example.org: timed out");
	/* Verified on the mirror as it was: stale. */
	assert_true(json_is_true(json_object_get(json_object_get(r->state,
	    "verify"), "stale")));
	/* The other sections, and what is not ours, are left as they were. */
	assert_true(json_equal(json_object_get(r->state, "releases"),
	    old_rel));
	assert_non_null(json_object_get(r->state, "mine"));
	json_decref(old_rel);

	/* A later success replaces all of it, and clears the error. */
	fetch_report_clear(&r->fetch);
	set_fetch(r, FETCH_UPDATED, OID_A, NULL);
	assert_null(record_run(f->root, r, 1, 1, NOW + 60));
	sec = json_object_get(r->state, "fetch");
	expect_str(sec, "last_success", "2026-11-23T10:16:00Z");
	expect_str(sec, "head", OID_A);
	expect_null(sec, "error");
	assert_true(json_is_false(json_object_get(json_object_get(r->state,
	    "verify"), "stale")));
	expect_written(f, r);

	/* A first fetch that fails has no success to keep. */
	r = &f->r[1];
	set_fetch(r, FETCH_ERROR, "", "no such repo");
	assert_null(record_run(f->root, r, 1, 0, NOW));
	sec = json_object_get(r->state, "fetch");
	expect_null(sec, "last_success");
	expect_null(sec, "head");
	expect_null(sec, "head_ref");
	expect_str(sec, "error", "no such repo");
	expect_written(f, r);

	/* Hand-edited old values of another type are not kept. */
	r = &f->r[2];
	write_state(f, "c", "{\"version\": 1, \"fetch\": {\"last_success\": 5, "
	    "\"head\": [\"" OID_A "\"], \"head_ref\": {}}}");
	assert_null(state_load(f->root, "c", &r->state, &r->state_note));
	set_fetch(r, FETCH_ERROR, "", "x");
	assert_null(record_run(f->root, r, 1, 0, NOW));
	sec = json_object_get(r->state, "fetch");
	expect_null(sec, "last_success");
	expect_null(sec, "head");
	expect_null(sec, "head_ref");
}

static void
test_releases(void **state)
{
	struct fixture *f = *state;
	struct repo_result *r = &f->r[2];
	json_t *sec = ut_parse("{\"checked_at\": \"" STAMP "\", \"latest\": "
	    "{\"tag\": \"v1\"}, \"etag\": \"W/\\\"abc\\\"\"}");

	write_state(f, "c", "{\"version\": 1, \"fetch\": {\"result\": "
	    "\"updated\", \"head\": \"" OID_B "\"}, \"releases\": {\"old\": 1}}");
	assert_null(state_load(f->root, "c", &r->state, &r->state_note));
	r->release.result = RELEASE_CHANGED;
	r->release.section = json_incref(sec);
	assert_null(record_run(f->root, f->r, 3, 0, NOW));
	expect_written(f, r);
	/* The new section replaces the old; the fetch section is kept. */
	assert_true(json_equal(json_object_get(r->state, "releases"), sec));
	expect_str(json_object_get(r->state, "fetch"), "head", OID_B);
	assert_null(json_object_get(r->state, "verify"));
	assert_int_equal(r->release.result, RELEASE_CHANGED);
	assert_null(ut_state_on_disk(f->root, "a"));
	json_decref(sec);

	/* A check that failed records its failure alone. */
	r = &f->r[0];
	release_report_fail(&r->release, strdup("HTTP 500"));
	assert_null(record_run(f->root, r, 1, 0, NOW));
	expect_written(f, r);
	assert_null(json_object_get(r->state, "releases"));
	expect_str(json_object_get(r->state, "release_check"), "error",
	    "HTTP 500");

	/* One interrupted by a signal records nothing at all. */
	r = &f->r[1];
	release_report_fail(&r->release, strdup("not asked: stopped"));
	r->release.interrupted = 1;
	assert_null(record_run(f->root, r, 1, 0, NOW));
	assert_null(ut_state_on_disk(f->root, "b"));
	assert_null(r->state);
}

/* Runs a release check of r that failed with error (NULL: succeeded). */
static void
check_at(struct fixture *f, struct repo_result *r, const char *stamp,
    const char *error)
{
	release_report_clear(&r->release);
	snprintf(r->release.checked_at, sizeof(r->release.checked_at), "%s",
	    stamp);
	if (error != NULL) {
		release_report_fail(&r->release, strdup(error));
	} else {
		r->release.result = RELEASE_UNCHANGED;
		r->release.section = ut_parse("{\"checked_at\": \"x\"}");
		assert_true(json_object_set_new(r->release.section,
		    "checked_at", json_string(stamp)) == 0);
	}
	assert_null(record_run(f->root, r, 1, 0, NOW));
	expect_written(f, r);
}

static void
test_release_check(void **state)
{
	struct fixture *f = *state;
	struct repo_result *r = &f->r[2];
	json_t *c;

	/* A state from before release_check: the last good record counts. */
	write_state(f, "c", "{\"version\": 1, \"releases\": {\"checked_at\": "
	    "\"" OLD "\", \"latest\": \"v1\"}}");
	assert_null(state_load(f->root, "c", &r->state, &r->state_note));
	check_at(f, r, "2026-11-20T10:00:00Z", "HTTP 502");
	c = json_object_get(r->state, "release_check");
	expect_str(c, "last_attempt", "2026-11-20T10:00:00Z");
	expect_str(c, "last_success", OLD);
	expect_str(c, "error", "HTTP 502");
	expect_str(c, "failing_since", "2026-11-20T10:00:00Z");
	/* The record of the last good check is untouched. */
	expect_str(json_object_get(r->state, "releases"), "checked_at", OLD);

	/* Failing again: since the first failure, with the new error. */
	check_at(f, r, "2026-11-21T10:00:00Z", "rate limit");
	c = json_object_get(r->state, "release_check");
	expect_str(c, "last_attempt", "2026-11-21T10:00:00Z");
	expect_str(c, "error", "rate limit");
	expect_str(c, "failing_since", "2026-11-20T10:00:00Z");
	expect_str(c, "last_success", OLD);

	/* A success clears it; the next failure counts afresh. */
	check_at(f, r, "2026-11-22T10:00:00Z", NULL);
	c = json_object_get(r->state, "release_check");
	expect_str(c, "last_success", "2026-11-22T10:00:00Z");
	expect_null(c, "error");
	expect_null(c, "failing_since");
	expect_str(json_object_get(r->state, "releases"), "checked_at",
	    "2026-11-22T10:00:00Z");
	check_at(f, r, "2026-11-23T10:00:00Z", "HTTP 404");
	c = json_object_get(r->state, "release_check");
	expect_str(c, "failing_since", "2026-11-23T10:00:00Z");
	expect_str(c, "last_success", "2026-11-22T10:00:00Z");
	/* What it wrote reads back as a section. */
	c = record_release_check_section(c, NULL);
	assert_non_null(c);
	json_decref(c);
}

static void
test_verified(void **state)
{
	struct fixture *f = *state;
	struct repo_result *r = &f->r[0];
	const json_t *sec, *l;

	set_license(r, 0, VERDICT_OK, SHA_Y, NULL);
	set_license(r, 1, VERDICT_CHANGED, SHA_Y, "fingerprint 000000000000... "
	    "differs from the pin 72359301af1a...");

	/* Without verify (fetch, releases), verdicts are not recorded. */
	assert_null(record_run(f->root, f->r, 3, 0, NOW));
	assert_null(r->state);
	assert_false(access(f->sdir, F_OK) == 0);

	assert_null(record_run(f->root, f->r, 3, 1, NOW));
	expect_written(f, r);
	assert_null(json_object_get(r->state, "fetch"));
	assert_null(json_object_get(r->state, "releases"));
	sec = json_object_get(r->state, "verify");
	expect_str(sec, "checked_at", STAMP);
	assert_true(json_is_false(json_object_get(sec, "stale")));
	assert_int_equal(json_array_size(json_object_get(sec, "licenses")), 2);
	l = json_array_get(json_object_get(sec, "licenses"), 0);
	expect_str(l, "path", "LICENSE");
	expect_str(l, "verdict", "ok");
	expect_str(l, "sha256", SHA_Y);
	expect_null(l, "detail");
	l = json_array_get(json_object_get(sec, "licenses"), 1);
	expect_str(l, "path", "MODEL");
	expect_str(l, "verdict", "changed");
	assert_non_null(strstr(str(l, "detail"), "differs from the pin"));
	/* It reads back as it was written. */
	json_t *back = record_verify_section(sec, NULL);
	assert_non_null(back);
	assert_true(json_equal(back, sec));
	json_decref(back);

	/* A verified repo with no license files records an empty list. */
	r = &f->r[2];
	r->verified = 1;
	assert_null(record_run(f->root, r, 1, 1, NOW));
	sec = json_object_get(r->state, "verify");
	assert_true(json_is_array(json_object_get(sec, "licenses")));
	assert_int_equal(json_array_size(json_object_get(sec, "licenses")), 0);
	expect_written(f, r);

	/* No fingerprint (a missing file) is null, not "". */
	r = &f->r[1];
	set_license(r, 0, VERDICT_MISSING, "", "no file LICENSE at the tip");
	assert_null(record_run(f->root, r, 1, 1, NOW));
	l = json_array_get(json_object_get(json_object_get(r->state, "verify"),
	    "licenses"), 0);
	expect_null(l, "sha256");
	expect_str(l, "verdict", "missing");
}

static void
test_nothing_to_record(void **state)
{
	struct fixture *f = *state;
	char *path;
	struct stat st0, st1;

	/* Nothing ran: no folder is even made. */
	assert_null(record_run(f->root, f->r, 3, 1, NOW));
	assert_false(access(f->sdir, F_OK) == 0);
	for (int i = 0; i < 3; i++)
		assert_null(f->r[i].state);
	assert_null(record_run(f->root, NULL, 0, 1, NOW));
	assert_false(access(f->sdir, F_OK) == 0);

	/* An existing state of a repo with nothing new is not rewritten. */
	write_state(f, "b", "{\"version\": 1, \"fetch\": {\"result\": "
	    "\"updated\"}}");
	path = state_file(f, "b");
	assert_int_equal(stat(path, &st0), 0);
	assert_null(state_load(f->root, "b", &f->r[1].state,
	    &f->r[1].state_note));
	set_fetch(&f->r[0], FETCH_UNCHANGED, OID_A, NULL);
	assert_null(record_run(f->root, f->r, 3, 1, NOW));
	assert_int_equal(stat(path, &st1), 0);
	assert_true(st0.st_ino == st1.st_ino);
	assert_true(st0.st_mtim.tv_sec == st1.st_mtim.tv_sec &&
	    st0.st_mtim.tv_nsec == st1.st_mtim.tv_nsec);
	assert_null(ut_state_on_disk(f->root, "c"));
	free(path);
}

/* Makes the state folder a symlink, so that every state write fails. */
static char *
break_state_dir(const struct fixture *f)
{
	char *elsewhere = util_printf("%s/elsewhere", f->root);

	assert_non_null(elsewhere);
	assert_int_equal(mkdir(elsewhere, 0755), 0);
	assert_int_equal(symlink("elsewhere", f->sdir), 0);
	return elsewhere;
}

static int
is_empty_dir(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n == 0;
}

static void
test_write_failure(void **state)
{
	struct fixture *f = *state;
	char *elsewhere = break_state_dir(f);
	struct dsm_error *err;
	struct repo_result *c = &f->r[2];

	/* A release check alone: that check's failure, not the run's. */
	c->release.result = RELEASE_CHANGED;
	c->release.section = ut_parse("{\"checked_at\": \"" STAMP "\"}");
	assert_null(record_run(f->root, f->r, 3, 1, NOW));
	assert_int_equal(c->release.result, RELEASE_ERROR);
	assert_null(c->release.section);
	assert_non_null(c->release.error);
	assert_true(strncmp(c->release.error, RECORD_FAILED,
	    strlen(RECORD_FAILED)) == 0);
	assert_non_null(strstr(c->release.error, f->sdir));
	assert_true(is_empty_dir(elsewhere));
	/* ... and the run's exit status says so. */
	assert_int_equal(result_exit_status(f->r, 3), 3);

	/* With a fetch, the write failure is the run's error. */
	release_report_clear(&c->release);
	c->release.result = RELEASE_UNCHANGED;
	c->release.section = ut_parse("{\"checked_at\": \"" STAMP "\"}");
	set_fetch(&f->r[0], FETCH_UPDATED, OID_A, NULL);
	err = record_run(f->root, f->r, 3, 0, NOW);
	assert_non_null(err);
	assert_non_null(strstr(err->msg, f->sdir));
	dsm_error_free(err);
	assert_true(is_empty_dir(elsewhere));

	/* With a verification, too. */
	fetch_report_clear(&f->r[0].fetch);
	set_license(&f->r[1], 0, VERDICT_OK, SHA_Y, NULL);
	err = record_run(f->root, &f->r[1], 1, 1, NOW);
	assert_non_null(err);
	dsm_error_free(err);
	assert_true(is_empty_dir(elsewhere));
	free(elsewhere);
}

/* A recorded section and whether it reads back as dsmirror wrote it. */
struct section_case {
	const char *what;
	const char *json;
	int ok;
	const char *want;	/* the section read back, when ok */
};

static const struct section_case fetch_cases[] = {
	{ "as written", "{\"last_attempt\": \"" STAMP "\", \"last_success\": \""
	    OLD "\", \"result\": \"error\", \"head\": \"" OID_A "\", "
	    "\"head_ref\": \"refs/heads/main\", \"error\": \"x\", "
	    "\"seconds\": 1.5}", 1, NULL },
	{ "nulls", "{\"last_attempt\": null, \"last_success\": null, "
	    "\"head\": null, \"head_ref\": null, \"error\": null}", 1, NULL },
	{ "empty", "{}", 1, NULL },
	{ "integer seconds", "{\"seconds\": 3}", 1, NULL },
	{ "SHA-256 head", "{\"head\": \"" SHA_X "\"}", 1, NULL },
	{ "unknown keys dropped", "{\"result\": \"updated\", \"evil\": "
	    "\"\\u001b]0;x\\u0007\", \"version\": 9}", 1,
	    "{\"result\": \"updated\"}" },
	{ "not an object", "[]", 0, NULL },
	{ "a string", "\"fetch\"", 0, NULL },
	{ "null", "null", 0, NULL },
	{ "result a number", "{\"result\": 1}", 0, NULL },
	{ "result null", "{\"result\": null}", 0, NULL },
	{ "seconds a string", "{\"seconds\": \"1.5\"}", 0, NULL },
	{ "seconds null", "{\"seconds\": null}", 0, NULL },
	{ "last_success a number", "{\"last_success\": 1795428900}", 0, NULL },
	{ "last_attempt an object", "{\"last_attempt\": {}}", 0, NULL },
	{ "error a boolean", "{\"error\": false}", 0, NULL },
	{ "head_ref an array", "{\"head_ref\": [\"refs/heads/main\"]}", 0,
	    NULL },
	{ "head short", "{\"head\": \"1111\"}", 0, NULL },
	{ "head uppercase", "{\"head\": "
	    "\"ABCDEF1111111111111111111111111111111111\"}", 0, NULL },
	{ "head 41 digits", "{\"head\": \"" OID_A "1\"}", 0, NULL },
	{ "head with an escape", "{\"head\": \"\\u001b[2J"
	    "111111111111111111111111111111111111\"}", 0, NULL },
	{ "head empty", "{\"head\": \"\"}", 0, NULL },
	{ "head a number", "{\"head\": 1111}", 0, NULL },
};

static const struct section_case verify_cases[] = {
	{ "as written", "{\"checked_at\": \"" STAMP "\", \"stale\": false, "
	    "\"licenses\": [{\"path\": \"LICENSE\", \"verdict\": \"ok\", "
	    "\"sha256\": \"" SHA_X "\", \"detail\": null}, {\"path\": \"M\", "
	    "\"verdict\": \"changed\", \"sha256\": null, \"detail\": \"d\"}]}",
	    1, NULL },
	{ "no files", "{\"licenses\": []}", 1, NULL },
	{ "unknown keys dropped", "{\"stale\": true, \"x\": 1, \"licenses\": "
	    "[{\"path\": \"L\", \"verdict\": \"ok\", \"y\": 2}]}", 1,
	    "{\"stale\": true, \"licenses\": [{\"path\": \"L\", "
	    "\"verdict\": \"ok\"}]}" },
	{ "an unknown verdict is a string", "{\"licenses\": [{\"path\": \"L\", "
	    "\"verdict\": \"great\"}]}", 1, NULL },
	{ "not an object", "[]", 0, NULL },
	{ "null", "null", 0, NULL },
	{ "no licenses", "{\"checked_at\": \"" STAMP "\"}", 0, NULL },
	{ "licenses an object", "{\"licenses\": {}}", 0, NULL },
	{ "licenses null", "{\"licenses\": null}", 0, NULL },
	{ "checked_at a number", "{\"checked_at\": 1, \"licenses\": []}", 0,
	    NULL },
	{ "checked_at null", "{\"checked_at\": null, \"licenses\": []}", 0,
	    NULL },
	{ "stale a string", "{\"stale\": \"yes\", \"licenses\": []}", 0, NULL },
	{ "stale a number", "{\"stale\": 1, \"licenses\": []}", 0, NULL },
	{ "a file not an object", "{\"licenses\": [\"LICENSE\"]}", 0, NULL },
	{ "a file without a path", "{\"licenses\": [{\"verdict\": \"ok\"}]}",
	    0, NULL },
	{ "a file without a verdict", "{\"licenses\": [{\"path\": \"L\"}]}", 0,
	    NULL },
	{ "a path a number", "{\"licenses\": [{\"path\": 1, \"verdict\": "
	    "\"ok\"}]}", 0, NULL },
	{ "a verdict null", "{\"licenses\": [{\"path\": \"L\", \"verdict\": "
	    "null}]}", 0, NULL },
	{ "a sha256 a number", "{\"licenses\": [{\"path\": \"L\", \"verdict\": "
	    "\"ok\", \"sha256\": 7}]}", 0, NULL },
	{ "a detail an array", "{\"licenses\": [{\"path\": \"L\", \"verdict\": "
	    "\"ok\", \"detail\": []}]}", 0, NULL },
	{ "the second file bad", "{\"licenses\": [{\"path\": \"L\", "
	    "\"verdict\": \"ok\"}, {\"path\": \"M\", \"verdict\": 0}]}", 0,
	    NULL },
};

static void
run_section_cases(const struct section_case *cases, size_t n,
    json_t *(*fn)(const json_t *, const char **), const char *why_want)
{
	for (size_t i = 0; i < n; i++) {
		const struct section_case *c = &cases[i];
		json_t *in = json_loads(c->json, JSON_DECODE_ANY, NULL), *out;
		const char *why = NULL;

		if (in == NULL)
			fail_msg("%s: bad test JSON", c->what);
		out = fn(in, &why);
		if (c->ok && out == NULL)
			fail_msg("%s: refused (%s)", c->what, why);
		if (!c->ok && out != NULL)
			fail_msg("%s: accepted", c->what);
		if (c->ok) {
			json_t *want = ut_parse(c->want != NULL ? c->want :
			    c->json);
			if (!json_equal(out, want))
				fail_msg("%s: not read back as written",
				    c->what);
			json_decref(want);
			assert_null(why);
		} else {
			assert_non_null(why);
			assert_string_equal(why, why_want);
			/* why may be NULL. */
			assert_null(fn(in, NULL));
		}
		json_decref(out);
		json_decref(in);
	}
	assert_null(fn(NULL, NULL));
}

static void
test_fetch_section(void **state)
{
	(void)state;
	run_section_cases(fetch_cases, sizeof(fetch_cases) /
	    sizeof(fetch_cases[0]), record_fetch_section,
	    "its fetch section is malformed");
}

static void
test_verify_section(void **state)
{
	(void)state;
	run_section_cases(verify_cases, sizeof(verify_cases) /
	    sizeof(verify_cases[0]), record_verify_section,
	    "its verify section is malformed");
}

static const struct section_case check_cases[] = {
	{ "a failure", "{\"last_attempt\": \"" STAMP "\", \"last_success\": "
	    "null, \"error\": \"HTTP 502\", \"failing_since\": \"" OLD "\"}",
	    1, NULL },
	{ "unknown keys dropped", "{\"last_attempt\": \"" STAMP "\", \"x\": 1}",
	    1, "{\"last_attempt\": \"" STAMP "\"}" },
	{ "no last_attempt", "{\"error\": \"HTTP 502\"}", 0, NULL },
	{ "an error of another type", "{\"last_attempt\": \"" STAMP "\", "
	    "\"error\": 502}", 0, NULL },
	{ "failing_since a number", "{\"last_attempt\": \"" STAMP "\", "
	    "\"failing_since\": 1}", 0, NULL },
	{ "not an object", "[]", 0, NULL },
};

static void
test_release_check_section(void **state)
{
	(void)state;
	run_section_cases(check_cases, sizeof(check_cases) /
	    sizeof(check_cases[0]), record_release_check_section,
	    "its release_check section is malformed");
}

/* What status makes of a recorded state, as result_exit_status() sees. */
struct to_result_case {
	const char *what;
	int repo;		/* a or b */
	const char *state;	/* NULL: none */
	enum fetch_result fetch;
	const char *error;
	const char *head;
	int verified;
	size_t nlicenses;
	enum license_verdict verdicts[2];
	int exit;
};

static const struct to_result_case to_result_cases[] = {
	{ "no state", 0, NULL, FETCH_SKIPPED, NULL, "", 0, 0, { 0 }, 0 },
	{ "a fresh state", 0, "{\"version\": 1}", FETCH_SKIPPED, NULL, "", 0,
	    0, { 0 }, 0 },
	{ "fetched, all ok", 0, "{\"version\": 1, \"fetch\": {\"result\": "
	    "\"updated\", \"head\": \"" OID_A "\", \"error\": null}, "
	    "\"verify\": {\"licenses\": [{\"path\": \"LICENSE\", \"verdict\": "
	    "\"ok\"}, {\"path\": \"MODEL\", \"verdict\": \"ok\"}]}}",
	    FETCH_UNCHANGED, NULL, OID_A, 1, 2, { VERDICT_OK, VERDICT_OK }, 0 },
	{ "the last fetch failed", 0, "{\"version\": 1, \"fetch\": {\"result\": "
	    "\"error\", \"head\": \"" OID_B "\", \"error\": \"timed out\"}}",
	    FETCH_ERROR, "timed out", OID_B, 0, 0, { 0 }, 3 },
	{ "a license failed", 0, "{\"version\": 1, \"verify\": {\"licenses\": "
	    "[{\"path\": \"MODEL\", \"verdict\": \"changed\"}]}}",
	    FETCH_SKIPPED, NULL, "", 1, 1, { VERDICT_CHANGED }, 1 },
	{ "both: 1 wins", 0, "{\"version\": 1, \"fetch\": {\"error\": \"x\"}, "
	    "\"verify\": {\"licenses\": [{\"path\": \"LICENSE\", \"verdict\": "
	    "\"missing\"}]}}", FETCH_ERROR, "x", "", 1, 1, { VERDICT_MISSING },
	    1 },
	{ "an unknown verdict fails", 1, "{\"version\": 1, \"verify\": "
	    "{\"licenses\": [{\"path\": \"LICENSE\", \"verdict\": \"fine\"}]}}",
	    FETCH_SKIPPED, NULL, "", 1, 1, { VERDICT_NOT_EXPECTED }, 1 },
	/* Its recorded failure still counts for the exit status. */
	{ "a file no longer listed", 1, "{\"version\": 1, \"verify\": "
	    "{\"licenses\": [{\"path\": \"GONE\", \"verdict\": \"missing\"}, "
	    "{\"path\": \"LICENSE\", \"verdict\": \"ok\"}]}}", FETCH_SKIPPED,
	    NULL, "", 1, 1, { VERDICT_OK }, 1 },
	{ "a file no longer listed, ok", 1, "{\"version\": 1, \"verify\": "
	    "{\"licenses\": [{\"path\": \"GONE\", \"verdict\": \"ok\"}, "
	    "{\"path\": \"LICENSE\", \"verdict\": \"ok\"}]}}", FETCH_SKIPPED,
	    NULL, "", 1, 1, { VERDICT_OK }, 0 },
	{ "a malformed fetch section does not count", 0, "{\"version\": 1, "
	    "\"fetch\": {\"error\": 5}}", FETCH_SKIPPED, NULL, "", 0, 0, { 0 },
	    0 },
	{ "a hostile head does not count", 0, "{\"version\": 1, "
	    "\"fetch\": {\"error\": \"x\", \"head\": \"\\u001b[2J\"}}",
	    FETCH_SKIPPED, NULL, "", 0, 0, { 0 }, 0 },
	{ "a malformed verify section does not count", 0, "{\"version\": 1, "
	    "\"verify\": {\"licenses\": [{\"path\": \"LICENSE\", "
	    "\"verdict\": 1}]}}", FETCH_SKIPPED, NULL, "", 0, 0, { 0 }, 0 },
	{ "sections of another type", 0, "{\"version\": 1, \"fetch\": [], "
	    "\"verify\": \"ok\"}", FETCH_SKIPPED, NULL, "", 0, 0, { 0 }, 0 },
};

static void
test_to_result(void **state)
{
	struct fixture *f = *state;

	for (size_t i = 0; i < sizeof(to_result_cases) /
	    sizeof(to_result_cases[0]); i++) {
		const struct to_result_case *c = &to_result_cases[i];
		struct repo_result r = { .spec = &f->cfg->repos[c->repo] };

		r.state = c->state != NULL ? ut_parse(c->state) : NULL;
		if (record_to_result(&r) != 0)
			fail_msg("%s: failed", c->what);
		if (r.fetch.result != c->fetch)
			fail_msg("%s: fetch %s, want %s", c->what,
			    fetch_result_name(r.fetch.result),
			    fetch_result_name(c->fetch));
		if (c->error == NULL)
			assert_null(r.fetch.error);
		else
			assert_string_equal(r.fetch.error, c->error);
		assert_string_equal(r.fetch.head, c->head);
		assert_int_equal(r.verified, c->verified);
		if (r.nlicenses != c->nlicenses)
			fail_msg("%s: %zu files, want %zu", c->what, r.nlicenses,
			    c->nlicenses);
		for (size_t j = 0; j < c->nlicenses; j++) {
			assert_non_null(r.licenses[j].spec);
			if (r.licenses[j].verdict != c->verdicts[j])
				fail_msg("%s: file %zu is %s", c->what, j,
				    license_verdict_name(r.licenses[j].verdict));
		}
		if (result_exit_status(&r, 1) != c->exit)
			fail_msg("%s: exit %d, want %d", c->what,
			    result_exit_status(&r, 1), c->exit);
		repo_result_clear(&r);
	}
}

static void
test_parse_time(void **state)
{
	static const struct {
		const char *s;
		time_t want;
	} good[] = {
		{ STAMP, NOW },
		{ OLD, 1737374400 },
		{ "1970-01-01T00:00:00Z", 0 },
		{ "2024-02-29T23:59:59Z", 1709251199 },
	};
	static const char *const bad[] = { "", "yesterday", STAMP " ",
	    "2026-11-23T10:15:00", "2026-11-23T10:15:00+01:00",
	    "2026-11-23 10:15:00Z", "2026-11-23T10:15:00Zjunk", "2026-11-23",
	    "10:15:00Z", "2026-13-23T10:15:00Z", "2026-11-23T25:15:00Z",
	    "2026-11-23T10:15:00z" };
	char buf[21];

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		if (record_parse_time(good[i].s) != good[i].want)
			fail_msg("\"%s\": %lld, want %lld", good[i].s,
			    (long long)record_parse_time(good[i].s),
			    (long long)good[i].want);
		/* The inverse of what record_run() writes. */
		util_iso_time(buf, good[i].want);
		assert_string_equal(buf, good[i].s);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (record_parse_time(bad[i]) != -1)
			fail_msg("\"%s\" taken for a time", bad[i]);
	assert_int_equal(record_parse_time(NULL), -1);
}

int
main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_fetched),
		T(test_failed_fetch),
		T(test_releases),
		T(test_release_check),
		T(test_verified),
		T(test_nothing_to_record),
		T(test_write_failure),
		T(test_fetch_section),
		T(test_verify_section),
		T(test_release_check_section),
		T(test_to_result),
		T(test_parse_time),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
