/*
 * test_releases.c - GitHub release metadata as dsmirror records it: what
 * the API may send and what is refused, the latest release, what changed
 * between two checks, and the warnings.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "releases.h"
#include "unit_util.h"

#define SHA_A "1111111111111111111111111111111111111111"
#define SHA_B "2222222222222222222222222222222222222222"
#define DIGEST "sha256:" \
    "72359301af1a48d07b5472c9349b282bb1c1843fb6af1bdae37d5748068a4376"

/* A GitHub release object, with one asset. */
static json_t *
api_release(const char *tag, const char *created, int draft, int pre,
    long long size)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:b, s:b, s:s, s:[{s:s, s:I, "
	    "s:s, s:s, s:s}], s:s}", "tag_name", tag, "name", tag,
	    "created_at", created, "published_at", created, "draft", draft,
	    "prerelease", pre, "target_commitish", "main", "assets", "name",
	    "model.bin", "size", (json_int_t)size, "digest", DIGEST,
	    "updated_at", created, "browser_download_url",
	    "https://github.com/x/y/releases/download/v1/model.bin",
	    "url", "https://api.github.com/x");
}

static json_t *
reduce(json_t *api)
{
	char *why = NULL;
	json_t *r = releases_reduce_release(api, "releases[0]", &why);

	if (r == NULL)
		fail_msg("refused: %s", why);
	json_decref(api);
	return r;
}

/* Expects api to be refused with a message that contains want. */
static void
expect_refused(json_t *api, const char *want)
{
	char *why = NULL;
	json_t *r = releases_reduce_release(api, "releases[0]", &why);

	assert_null(r);
	assert_non_null(why);
	if (strstr(why, want) == NULL)
		fail_msg("\"%s\" does not say \"%s\"", why, want);
	free(why);
	json_decref(api);
}

static void
test_reduce_release(void **state)
{
	json_t *r;

	(void)state;
	r = reduce(api_release("v1.0", "2025-01-20T12:00:00Z", 0, 0, 42));
	assert_string_equal(json_string_value(json_object_get(r, "tag")),
	    "v1.0");
	assert_string_equal(json_string_value(json_object_get(r, "target")),
	    "main");
	const json_t *a = json_array_get(json_object_get(r, "assets"), 0);
	assert_int_equal(json_integer_value(json_object_get(a, "size")), 42);
	assert_string_equal(json_string_value(json_object_get(a, "digest")),
	    DIGEST);
	/* Only what is recorded: no URLs. */
	assert_null(json_object_get(a, "browser_download_url"));
	assert_null(json_object_get(r, "url"));
	json_decref(r);

	/* A draft has no published_at; an asset may have no digest. */
	json_t *d = api_release("v2", "2025-01-20T12:00:00Z", 1, 0, 1);
	json_object_set_new(d, "published_at", json_null());
	json_object_del(json_array_get(json_object_get(d, "assets"), 0),
	    "digest");
	r = reduce(d);
	assert_true(json_is_null(json_object_get(r, "published_at")));
	json_decref(r);

	/* A title's control characters are replaced, not passed on. */
	d = api_release("v3", "2025-01-20T12:00:00Z", 0, 0, 1);
	json_object_set_new(d, "name", json_string("bad\x1b[31mtitle\r"));
	r = reduce(d);
	assert_string_equal(json_string_value(json_object_get(r, "name")),
	    "bad?[31mtitle?");
	json_decref(r);
}

static void
test_refused(void **state)
{
	json_t *d;

	(void)state;
	d = api_release("v1\x1b]0;owned\x07", "2025-01-20T12:00:00Z", 0, 0, 1);
	expect_refused(d, "releases[0].tag_name: is not a name");
	d = api_release("v1\xc2\x9b" "2J", "2025-01-20T12:00:00Z", 0, 0, 1);
	expect_refused(d, "tag_name");
	d = api_release("", "2025-01-20T12:00:00Z", 0, 0, 1);
	expect_refused(d, "tag_name");
	d = api_release("v1", "yesterday", 0, 0, 1);
	expect_refused(d, "releases[0].created_at: is not a time");
	d = api_release("v1", "2025-01-20T12:00:00Z", 0, 0, -1);
	expect_refused(d, "releases[0].assets[0].size");
	d = api_release("v1", "2025-01-20T12:00:00Z", 0, 0, 1);
	json_object_set_new(json_array_get(json_object_get(d, "assets"), 0),
	    "name", json_string("../../etc/passwd"));
	expect_refused(d, "releases[0].assets[0].name: is not a file name");
	d = api_release("v1", "2025-01-20T12:00:00Z", 0, 0, 1);
	json_object_set_new(json_array_get(json_object_get(d, "assets"), 0),
	    "digest", json_string("sha256:../x"));
	expect_refused(d, "digest");
	d = api_release("v1", "2025-01-20T12:00:00Z", 0, 0, 1);
	json_object_set_new(d, "draft", json_string("yes"));
	expect_refused(d, "releases[0].draft: is not true or false");
	d = api_release("v1", "2025-01-20T12:00:00Z", 0, 0, 1);
	json_object_set_new(d, "assets", json_object());
	expect_refused(d, "releases[0].assets: is not a list");
	expect_refused(json_string("v1"), "releases[0]: is not an object");
	d = api_release("v1", "2025-01-20T12:00:00Z", 0, 0, 1);
	json_object_del(d, "tag_name");
	expect_refused(d, "tag_name: missing");
}

static void
test_reduce_repo_and_tag(void **state)
{
	char *why = NULL;
	json_t *api, *r;

	(void)state;
	api = ut_parse("{\"id\": 1, \"full_name\": \"deepseek-ai/DeepSeek-V3\", "
	    "\"default_branch\": \"main\", \"archived\": false, \"pushed_at\": "
	    "\"2025-01-20T12:00:00Z\", \"license\": {\"key\": \"mit\", "
	    "\"spdx_id\": \"MIT\"}, \"owner\": {\"login\": \"deepseek-ai\"}}");
	r = releases_reduce_repo(api, &why);
	assert_non_null(r);
	assert_string_equal(json_string_value(json_object_get(r, "spdx_id")),
	    "MIT");
	assert_null(json_object_get(r, "owner"));
	json_decref(r);
	json_object_set_new(api, "license", json_null());
	r = releases_reduce_repo(api, &why);
	assert_true(json_is_null(json_object_get(r, "spdx_id")));
	json_decref(r);
	json_object_set_new(api, "full_name", json_string("../../x"));
	assert_null(releases_reduce_repo(api, &why));
	assert_non_null(strstr(why, "full_name"));
	free(why);
	json_decref(api);
	assert_null(releases_reduce_repo(json_null(), &why));
	free(why);

	api = ut_parse("{\"name\": \"v1.0\", \"commit\": {\"sha\": \"" SHA_A
	    "\", \"url\": \"x\"}, \"zipball_url\": \"x\"}");
	r = releases_reduce_tag(api, "tags[0]", &why);
	assert_non_null(r);
	assert_string_equal(json_string_value(json_object_get(r, "commit")),
	    SHA_A);
	json_decref(r);
	json_object_set_new(json_object_get(api, "commit"), "sha",
	    json_string("HEAD"));
	assert_null(releases_reduce_tag(api, "tags[0]", &why));
	assert_string_equal(why, "tags[0].commit.sha: is not a commit id");
	free(why);
	json_decref(api);
}

static void
test_latest(void **state)
{
	json_t *list = json_array();

	(void)state;
	assert_null(releases_latest(list));
	json_array_append_new(list, reduce(api_release("v3-draft",
	    "2025-03-01T00:00:00Z", 1, 0, 1)));
	json_array_append_new(list, reduce(api_release("v3-rc1",
	    "2025-02-01T00:00:00Z", 0, 1, 1)));
	assert_null(releases_latest(list));
	json_array_append_new(list, reduce(api_release("v1",
	    "2025-01-01T00:00:00Z", 0, 0, 1)));
	json_array_append_new(list, reduce(api_release("v2",
	    "2025-01-15T00:00:00Z", 0, 0, 1)));
	assert_string_equal(json_string_value(json_object_get(
	    releases_latest(list), "tag")), "v2");
	json_decref(list);
}

/* A recorded "releases" section with the given releases and tags. */
static json_t *
section(json_t *releases, const char *tags_json)
{
	return json_pack("{s:o, s:o}", "releases", releases, "tags",
	    ut_parse(tags_json));
}

static json_t *
one_release(const char *tag, const char *created, long long size)
{
	return json_pack("[o]", reduce(api_release(tag, created, 0, 0, size)));
}

/* Expects the i-th change of list to be what, with message containing m. */
static void
expect_change(const json_t *list, size_t i, const char *what, const char *m)
{
	const json_t *c = json_array_get(list, i);
	const char *msg = json_string_value(json_object_get(c, "message"));

	if (c == NULL)
		fail_msg("no change %zu (want %s)", i, what);
	assert_string_equal(json_string_value(json_object_get(c, "what")),
	    what);
	if (strstr(msg, m) == NULL)
		fail_msg("\"%s\" does not say \"%s\"", msg, m);
}

static void
test_diff(void **state)
{
	const char *tags1 = "[{\"name\": \"v1\", \"commit\": \"" SHA_A "\"}]";
	const char *tags2 = "[{\"name\": \"v1\", \"commit\": \"" SHA_B "\"}, "
	    "{\"name\": \"v2\", \"commit\": \"" SHA_A "\"}]";
	json_t *old, *now, *d;

	(void)state;
	old = section(one_release("v1", "2025-01-01T00:00:00Z", 10), tags1);
	d = releases_diff(NULL, old);
	assert_int_equal(json_array_size(d), 1);
	expect_change(d, 0, "first-check", "1 release, 1 tag recorded");
	json_decref(d);

	/* Nothing changed: nothing said. */
	now = section(one_release("v1", "2025-01-01T00:00:00Z", 10), tags1);
	d = releases_diff(old, now);
	assert_int_equal(json_array_size(d), 0);
	json_decref(d);
	json_decref(now);

	/*
	 * Nor when a hand-edited state lacks a field that a 304 carries over
	 * (fuzz_github_json: every run said "name, published_at, draft,
	 * prerelease, target changed").
	 */
	now = ut_parse("{\"releases\": [{\"tag\": \"v1\", \"assets\": []}], "
	    "\"tags\": []}");
	d = releases_diff(now, now);
	assert_int_equal(json_array_size(d), 0);
	json_decref(d);
	json_decref(now);

	/* An asset replaced with another of a different size. */
	now = section(one_release("v1", "2025-01-01T00:00:00Z", 11), tags1);
	d = releases_diff(old, now);
	assert_int_equal(json_array_size(d), 1);
	expect_change(d, 0, "assets-changed", "release v1 assets: changed "
	    "model.bin");
	json_decref(d);
	json_decref(now);

	/* A new release, a moved tag, a new tag. */
	now = section(one_release("v1", "2025-01-01T00:00:00Z", 10), tags2);
	json_array_insert_new(json_object_get(now, "releases"), 0,
	    reduce(api_release("v2", "2025-02-01T00:00:00Z", 0, 0, 5)));
	d = releases_diff(old, now);
	assert_int_equal(json_array_size(d), 4);
	expect_change(d, 0, "release-added", "new release v2");
	expect_change(d, 1, "tag-moved", "tag v1 moved 1111111 -> 2222222");
	expect_change(d, 2, "tag-added", "new tag v2 at 1111111");
	expect_change(d, 3, "latest-changed", "latest release is now v2, was "
	    "v1");
	json_decref(d);

	/* And back: a release and a tag removed, an asset added. */
	json_t *a = json_pack("{s:s, s:i, s:n, s:n}", "name", "extra.txt",
	    "size", 1, "digest", "updated_at");
	json_array_append_new(json_object_get(json_array_get(json_object_get(
	    old, "releases"), 0), "assets"), a);
	d = releases_diff(now, old);
	expect_change(d, 0, "assets-changed", "added extra.txt");
	expect_change(d, 1, "release-removed", "release v2 removed");
	expect_change(d, 2, "tag-moved", "tag v1 moved");
	expect_change(d, 3, "tag-removed", "tag v2 removed (was 1111111)");
	json_decref(d);
	json_decref(now);
	json_decref(old);
}

static void
test_diff_bounded(void **state)
{
	json_t *old = section(json_array(), "[]");
	json_t *now = section(json_array(), "[]");
	json_t *d;
	char name[32];

	(void)state;
	for (int i = 0; i < 250; i++) {
		snprintf(name, sizeof(name), "t%d", i);
		json_array_append_new(json_object_get(now, "tags"),
		    json_pack("{s:s, s:s}", "name", name, "commit", SHA_A));
	}
	d = releases_diff(old, now);
	assert_int_equal(json_array_size(d), RELEASES_MAX_CHANGES + 1);
	expect_change(d, RELEASES_MAX_CHANGES, "more", "and 150 more changes");
	json_decref(d);
	json_decref(old);
	json_decref(now);
}

/*
 * 20,000 tags on each side (the diff indexes both lists), in another order:
 * one moved, one removed, one added, and nothing else reported.
 */
static void
test_diff_many(void **state)
{
	json_t *old = section(json_array(), "[]");
	json_t *now = section(json_array(), "[]");
	json_t *ot = json_object_get(old, "tags"), *nt = json_object_get(now,
	    "tags");
	json_t *d;
	char name[32];

	(void)state;
	for (int i = 0; i < 20000; i++) {
		snprintf(name, sizeof(name), "t%d", i);
		json_array_append_new(ot, json_pack("{s:s, s:s}", "name", name,
		    "commit", SHA_A));
	}
	for (int i = 20000; i > 0; i--) {	/* t1 .. t20000, reversed */
		snprintf(name, sizeof(name), "t%d", i);
		json_array_append_new(nt, json_pack("{s:s, s:s}", "name", name,
		    "commit", i == 777 ? SHA_B : SHA_A));
	}
	d = releases_diff(old, now);
	assert_int_equal(json_array_size(d), 3);
	expect_change(d, 0, "tag-added", "new tag t20000 at ");
	expect_change(d, 1, "tag-moved", "tag t777 moved ");
	expect_change(d, 2, "tag-removed", "tag t0 removed ");
	json_decref(d);
	json_decref(old);
	json_decref(now);
}

/* A string of n euro signs (3 bytes each) after prefix; caller frees. */
static char *
euros(const char *prefix, int n)
{
	size_t len = strlen(prefix);
	char *s = malloc(len + 3 * (size_t)n + 1);

	assert_non_null(s);
	memcpy(s, prefix, len);
	for (int i = 0; i < n; i++)
		memcpy(s + len + 3 * (size_t)i, "\xe2\x82\xac", 3);
	s[len + 3 * (size_t)n] = '\0';
	return s;
}

/*
 * Messages are valid UTF-8 whatever the texts they quote (fuzz_github_json):
 * else json_pack() refuses them and the whole diff is lost, as if out of
 * memory.  A short commit id of a hand-edited state cut a 4-byte character,
 * and a long message was cut by vsnprintf() in the middle of one.
 */
static void
test_diff_whole_characters(void **state)
{
	json_t *old, *now, *d, *rel_old, *rel_now;
	char *tag, *a1, *a2, *a3;

	(void)state;
	old = section(json_array(), "[{\"name\": \"v1\", \"commit\": "
	    "\"bd30\xf0\x9f\x91\x8a\"}, {\"name\": \"v2\", \"commit\": "
	    "\"bd30\xf0\x9f\x91\x8a\"}]");
	now = section(json_array(), "[{\"name\": \"v1\", \"commit\": \""
	    SHA_A "\"}]");
	d = releases_diff(old, now);
	assert_non_null(d);
	expect_change(d, 0, "tag-moved", "tag v1 moved bd30 -> 1111111");
	expect_change(d, 1, "tag-removed", "tag v2 removed (was bd30)");
	json_decref(d);
	json_decref(old);
	json_decref(now);

	/* a 255-byte tag; an asset added, one removed, one changed */
	tag = euros("", 85);
	a1 = euros("a", 84);
	a2 = euros("b", 84);
	a3 = euros("c", 84);
	rel_old = reduce(api_release(tag, "2025-01-20T12:00:00Z", 0, 0, 1));
	rel_now = json_deep_copy(rel_old);
	json_object_set_new(rel_old, "assets", json_pack("[{s:s, s:i}, "
	    "{s:s, s:i}]", "name", a2, "size", 1, "name", a3, "size", 1));
	json_object_set_new(rel_now, "assets", json_pack("[{s:s, s:i}, "
	    "{s:s, s:i}]", "name", a1, "size", 1, "name", a3, "size", 2));
	old = section(json_pack("[o]", rel_old), "[]");
	now = section(json_pack("[o]", rel_now), "[]");
	d = releases_diff(old, now);
	assert_non_null(d);
	expect_change(d, 0, "assets-changed", "; changed c\xe2\x82\xac");
	json_decref(d);
	json_decref(old);
	json_decref(now);
	free(tag);
	free(a1);
	free(a2);
	free(a3);
}

static json_t *
warnings(const char *repo_json, const char *branch,
    enum license_verdict verdict)
{
	static struct license_spec spec = { "LICENSE", "MIT", NULL };
	struct license_report l = { .spec = &spec, .verdict = verdict };
	struct releases_local local = { "o/r", NULL, branch, &l };
	json_t *repo = ut_parse(repo_json);
	json_t *w = releases_warnings(repo, &local);

	json_decref(repo);
	return w;
}

static void
test_warnings(void **state)
{
	json_t *w;

	(void)state;
	w = warnings("{\"default_branch\": \"main\", \"archived\": false, "
	    "\"spdx_id\": \"MIT\"}", "main", VERDICT_OK);
	assert_int_equal(json_array_size(w), 0);
	json_decref(w);
	w = warnings("{\"default_branch\": \"dev\", \"archived\": true, "
	    "\"spdx_id\": \"Apache-2.0\"}", "main", VERDICT_OK);
	assert_int_equal(json_array_size(w), 3);
	expect_change(w, 0, "archived", "archived");
	expect_change(w, 1, "default-branch", "GitHub's default branch is "
	    "dev, the mirror's is main");
	expect_change(w, 2, "license", "GitHub detects Apache-2.0 for the "
	    "repository; dsmirror verified LICENSE as MIT");
	json_decref(w);
	w = warnings("{\"spdx_id\": \"MIT\"}", NULL, VERDICT_NOT_EXPECTED);
	assert_int_equal(json_array_size(w), 1);
	expect_change(w, 0, "license", "GitHub still detects MIT, but "
	    "LICENSE is not-expected here");
	json_decref(w);
	/* NOASSERTION, null, or no mirror: nothing to disagree about. */
	w = warnings("{\"spdx_id\": \"NOASSERTION\"}", NULL, VERDICT_OK);
	assert_int_equal(json_array_size(w), 0);
	json_decref(w);
	w = warnings("{\"spdx_id\": null}", NULL, VERDICT_CHANGED);
	assert_int_equal(json_array_size(w), 0);
	json_decref(w);
	w = warnings("{\"spdx_id\": \"Apache-2.0\"}", NULL, VERDICT_NO_MIRROR);
	assert_int_equal(json_array_size(w), 0);
	json_decref(w);

	/* A long default branch of a hand-edited state: cut, not lost. */
	char *branch = euros("x", 400);
	json_t *repo = json_pack("{s:s}", "default_branch", branch);
	struct releases_local local = { "o/r", NULL, "main", NULL };
	w = releases_warnings(repo, &local);
	assert_non_null(w);
	expect_change(w, 0, "default-branch", "GitHub's default branch is "
	    "x\xe2\x82\xac");
	json_decref(w);
	json_decref(repo);
	free(branch);
}

/* A recorded section, maybe edited by hand, is used only whole. */
static void
test_recorded_is_sane(void **state)
{
	static const char *const bad[] = {
		"{}",
		"{\"repo\": {}, \"releases\": [], \"tags\": []}",
		"{\"repo\": {\"full_name\": \"o/r\"}, \"releases\": {}, "
		    "\"tags\": []}",
		"{\"repo\": {\"full_name\": \"o/r\"}, \"releases\": [{\"tag\": "
		    "1, \"assets\": []}], \"tags\": []}",
		"{\"repo\": {\"full_name\": \"o/r\"}, \"releases\": [{\"tag\": "
		    "\"v1\", \"assets\": [{\"name\": null}]}], \"tags\": []}",
		"{\"repo\": {\"full_name\": \"o/r\"}, \"releases\": [], "
		    "\"tags\": [{\"name\": \"v1\"}]}",
	};
	json_t *ok = json_loads("{\"repo\": {\"full_name\": \"o/r\"}, "
	    "\"releases\": [{\"tag\": \"v1\", \"assets\": [{\"name\": "
	    "\"a.bin\"}]}], \"tags\": [{\"name\": \"v1\", \"commit\": "
	    "\"abc\"}]}", 0, NULL);

	(void)state;
	assert_non_null(ok);
	assert_true(releases_recorded_is_sane(ok));
	json_decref(ok);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_t *v = json_loads(bad[i], 0, NULL);
		assert_non_null(v);
		assert_false(releases_recorded_is_sane(v));
		json_decref(v);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reduce_release),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_reduce_repo_and_tag),
		cmocka_unit_test(test_latest),
		cmocka_unit_test(test_diff),
		cmocka_unit_test(test_diff_bounded),
		cmocka_unit_test(test_diff_whole_characters),
		cmocka_unit_test(test_diff_many),
		cmocka_unit_test(test_warnings),
		cmocka_unit_test(test_recorded_is_sane),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
