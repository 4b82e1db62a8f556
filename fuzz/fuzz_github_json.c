/*
 * fuzz_github_json.c - GitHub API answers through releases.c, the way
 * github.c uses it.
 *
 * The input is one or two JSON texts separated by a NUL byte (which JSON
 * text never holds): "now", then optionally "old".
 *
 * Each is read as github.c reads it: now with json_loadb(..., 0, ...) like
 * an API answer, old with JSON_REJECT_DUPLICATES like the state file.  A
 * text becomes a "releases" section (docs/state.md) in one of two ways:
 *
 *  - reduced, as from API answers: the repository object through
 *    releases_reduce_repo(), each item of the release and tag pages
 *    through releases_reduce_release() and releases_reduce_tag().  The
 *    pages are the text's "releases" and "tags" arrays when it is an object
 *    with them (the shape of tests/api_fixture.py's entries), else the text
 *    itself when it is an array, else [the text];
 *  - as recorded, when the text is a section that passes github.c's
 *    releases_recorded_is_sane(): a 304 answer re-uses recorded
 *    items as they are, hand-edited or not.
 *
 * Then, as check_repo() does: releases_latest(), releases_diff() both ways,
 * from nothing and from itself (no change, when names are unique), and
 * releases_warnings() with each verdict.
 * Every result must be one jansson can write to the state file, and no
 * message may hold a control character: they reach terminals and reports.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "check.h"
#include "releases.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef json_t *(*reducer)(const json_t *, const char *, char **);

/* Checks that v can be written as the state file is (state.c). */
static void
check_writable(const json_t *v)
{
	char *text = json_dumps(v, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

	CHECK(text != NULL, "the result can be written as JSON");
	free(text);
}

/* A refusal: a message naming the field, never the API's own bytes. */
static void
check_refusal(char *why)
{
	CHECK(why != NULL, "a refusal says why (NULL only when out of memory)");
	CHECK(!check_has_control(why, strlen(why)), "why is printable");
	free(why);
}

/* Reduces each item of an API page into list, as take_page() does. */
static void
reduce_page(json_t *list, const json_t *page, const char *key,
    reducer reduce)
{
	const json_t *v;
	char where[64], *why;
	json_t *item;
	size_t i;

	json_array_foreach(page, i, v) {
		snprintf(where, sizeof(where), "%s[%zu]", key,
		    json_array_size(list));
		why = (char *)1;
		if ((item = reduce(v, where, &why)) == NULL) {
			check_refusal(why);
			continue;
		}
		CHECK(why == NULL, "*why is NULL when the item fits");
		check_writable(item);
		json_array_append_new(list, item);
	}
}

/* The release or tag page that doc stands for (see the top). */
static json_t *
page_of(const json_t *doc, const char *key)
{
	if (json_is_array(json_object_get(doc, key)))
		return json_incref(json_object_get(doc, key));
	if (json_is_array(doc))
		return json_incref((json_t *)doc);
	return json_pack("[O]", doc);
}

/* A section reduced from doc, read as API answers. */
static json_t *
reduce_section(const json_t *doc)
{
	const json_t *api = json_is_object(json_object_get(doc, "repo")) ?
	    json_object_get(doc, "repo") : doc;
	json_t *section, *repo, *page;
	char *why = (char *)1;

	section = json_pack("{s:[], s:[]}", "releases", "tags");
	CHECK(section != NULL, "json_pack");
	if ((repo = releases_reduce_repo(api, &why)) == NULL) {
		check_refusal(why);
		repo = json_pack("{s:s}", "full_name", "deepseek-ai/Janus");
	} else
		CHECK(why == NULL, "*why is NULL when the repo fits");
	json_object_set_new(section, "repo", repo);
	page = page_of(doc, "releases");
	reduce_page(json_object_get(section, "releases"), page, "releases",
	    releases_reduce_release);
	json_decref(page);
	page = page_of(doc, "tags");
	reduce_page(json_object_get(section, "tags"), page, "tags",
	    releases_reduce_tag);
	json_decref(page);
	check_writable(section);
	CHECK(releases_recorded_is_sane(section), "a reduced section passes "
	    "the check of a recorded one");
	return section;
}

/* The section that doc stands for: as recorded when sane, else reduced. */
static json_t *
section_of(json_t *doc)
{
	json_t *reduced = reduce_section(doc);

	if (!releases_recorded_is_sane(doc))
		return reduced;
	json_decref(reduced);
	return json_incref(doc);
}

/* The latest release: not a draft or pre-release, none created later. */
static void
check_latest(const json_t *releases)
{
	const json_t *best = releases_latest(releases), *r;
	const char *when, *best_when;
	size_t i, found = 0;

	if (best == NULL) {
		json_array_foreach(releases, i, r)
			CHECK(json_is_true(json_object_get(r, "draft")) ||
			    json_is_true(json_object_get(r, "prerelease")),
			    "no latest only when all are drafts or "
			    "pre-releases");
		return;
	}
	CHECK(!json_is_true(json_object_get(best, "draft")) &&
	    !json_is_true(json_object_get(best, "prerelease")),
	    "the latest release is published");
	best_when = json_string_value(json_object_get(best, "created_at"));
	json_array_foreach(releases, i, r) {
		found |= r == best;
		when = json_string_value(json_object_get(r, "created_at"));
		if (when == NULL || json_is_true(json_object_get(r, "draft")) ||
		    json_is_true(json_object_get(r, "prerelease")))
			continue;
		CHECK(best_when != NULL && strcmp(when, best_when) <= 0,
		    "none is created after the latest");
	}
	CHECK(found, "the latest belongs to the list");
}

/* A list of {"what", "message", ...}, as changes and warnings are. */
static void
check_messages(const json_t *list, size_t max)
{
	const json_t *v;
	const char *msg;
	size_t i;

	CHECK(json_is_array(list), "a list, not NULL: NULL is out of memory");
	CHECK(json_array_size(list) <= max, "the list is bounded");
	json_array_foreach(list, i, v) {
		msg = json_string_value(json_object_get(v, "message"));
		CHECK(json_string_value(json_object_get(v, "what")) != NULL &&
		    msg != NULL, "each item has a what and a message");
		CHECK(!check_has_control(msg, strlen(msg)),
		    "messages have no control characters");
	}
	check_writable(list);
}

static void
check_diff(const json_t *old, const json_t *now)
{
	json_t *d = releases_diff(old, now);

	check_messages(d, RELEASES_MAX_CHANGES + 1);
	if (old == NULL)
		CHECK(json_array_size(d) == 1, "a first check is one change");
	json_decref(d);
}

/* The string at key of the i-th item of list, or NULL. */
static const char *
name_at(const json_t *list, size_t i, const char *key)
{
	return json_string_value(json_object_get(json_array_get(list, i), key));
}

/* Whether the items of list have different strings at key. */
static int
unique(const json_t *list, const char *key)
{
	size_t n = json_array_size(list);

	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (strcmp(name_at(list, i, key),
			    name_at(list, j, key)) == 0)
				return 0;
	return 1;
}

/*
 * Nothing changed, nothing said: a section against itself has no change,
 * when what the diff matches by name is named once (a section passes
 * releases_recorded_is_sane(), so the names are strings).
 */
static void
check_no_change(const json_t *section)
{
	const json_t *releases = json_object_get(section, "releases"), *r;
	json_t *d;
	size_t i;

	if (!unique(releases, "tag") ||
	    !unique(json_object_get(section, "tags"), "name"))
		return;
	json_array_foreach(releases, i, r)
		if (!unique(json_object_get(r, "assets"), "name"))
			return;
	d = releases_diff(section, section);
	CHECK(json_array_size(d) == 0, "a section has no change from itself");
	json_decref(d);
}

/* releases_warnings() on repo, with every local verdict and none. */
static void
check_warnings(const json_t *repo)
{
	static const struct license_spec spec = { "LICENSE", "MIT", NULL };
	const char *full = json_string_value(json_object_get(repo,
	    "full_name"));
	struct license_report lic = { .spec = &spec };
	struct releases_local local = {
		.github = "deepseek-ai/DeepSeek-V3",
		.renamed_to = full,	/* as after a 301 */
		.branch = "main",
	};
	json_t *w;

	for (int v = VERDICT_OK; v <= VERDICT_NO_MIRROR + 1; v++) {
		lic.verdict = (enum license_verdict)v;
		local.main_license = v <= VERDICT_NO_MIRROR ? &lic : NULL;
		local.branch = v % 2 ? "main" : NULL;
		w = releases_warnings(repo, &local);
		check_messages(w, 4);
		json_decref(w);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, '\0', size);
	size_t now_len = nul != NULL ? (size_t)(nul - data) : size;
	json_t *now_doc, *old_doc = NULL, *now, *old = NULL;

	now_doc = json_loadb((const char *)data, now_len, 0, NULL);
	if (now_doc == NULL)
		return 0;
	if (nul != NULL)
		old_doc = json_loadb((const char *)nul + 1, size - now_len - 1,
		    JSON_REJECT_DUPLICATES, NULL);
	now = section_of(now_doc);
	if (old_doc != NULL)
		old = section_of(old_doc);

	check_latest(json_object_get(now, "releases"));
	check_diff(NULL, now);
	check_diff(now, now);
	check_no_change(now);
	if (old != NULL) {
		check_diff(old, now);
		check_diff(now, old);
		check_no_change(old);
		check_warnings(json_object_get(old, "repo"));
	}
	check_warnings(json_object_get(now, "repo"));

	json_decref(now);
	json_decref(old);
	json_decref(now_doc);
	json_decref(old_doc);
	return 0;
}
