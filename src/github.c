/*
 * github.c - the release check of each repo over the GitHub REST API.
 *
 * The recorded "releases" section of a repo's state (docs/state.md) holds
 * what was read and, under "requests", each URL asked with the ETag and
 * Last-Modified of its answer; for a page of a list also which slice of
 * the recorded list it gave, so that a 304 can give it again.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "github.h"
#include "releases.h"
#include "util.h"

#ifndef DSMIRROR_VERSION
#define DSMIRROR_VERSION "unknown"
#endif

#define PER_PAGE 100

struct check {
	struct http *http;
	const char *api;
	const json_t *old;	/* the recorded section, or NULL */
	json_t *requests;	/* the new section's "requests" */
	struct release_report *rep;
};

const char *
github_token_from_env(void)
{
	const char *t = getenv("GITHUB_TOKEN");

	if (t == NULL || *t == '\0')
		t = getenv("GH_TOKEN");
	return t != NULL && *t != '\0' ? t : NULL;
}

/* Sets the report's error (the check failed) unless one is set. */
static void
fail(struct check *c, char *msg)
{
	if (c->rep->error == NULL)
		c->rep->error = msg != NULL ? msg : strdup("out of memory");
	else
		free(msg);
}

/* GitHub's own words from an error answer, sanitised, or "". */
static void
api_message(char *buf, size_t size, const struct http_response *r)
{
	json_t *body = r->body != NULL ? json_loadb(r->body, r->len, 0, NULL) :
	    NULL;
	const char *msg = json_string_value(json_object_get(body, "message"));

	buf[0] = '\0';
	if (msg != NULL) {
		char safe[256];
		snprintf(buf, size, ": %s", util_sanitize(safe, sizeof(safe),
		    msg));
	}
	json_decref(body);
}

/* The report's error for an answer that is not the data asked for. */
static void
status_error(struct check *c, const char *what, const struct http_response *r)
{
	char msg[300];
	long s = r->status;

	api_message(msg, sizeof(msg), r);
	if (s == 404)
		fail(c, util_printf("GitHub has no %s (HTTP 404%s): deleted, or "
		    "private and not visible to the token", what, msg));
	else if (s == 451)
		fail(c, util_printf("GitHub blocks the %s for legal reasons (HTTP "
		    "451%s); the mirror and the recorded state are kept as "
		    "they were", what, msg));
	else if (s == 401)
		fail(c, util_printf("GitHub refused the token for the %s (HTTP "
		    "401%s)", what, msg));
	else if (s >= 500)
		fail(c, util_printf("GitHub failed on the %s (HTTP %ld%s), after "
		    "%d attempts", what, s, msg, HTTP_MAX_RETRIES + 1));
	else
		fail(c, util_printf("unexpected answer for the %s: HTTP %ld%s",
		    what, s, msg));
}

/* Whether s is a header value to keep: printable ASCII, at most max bytes. */
static int
plain_header(const char *s, size_t max)
{
	size_t n;

	if (s == NULL)
		return 0;
	n = strlen(s);
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return 0;
	return n > 0 && n <= max;
}

/*
 * GETs url, conditionally when entry (the recorded request) has a
 * validator.  Records the answer's validators in c->requests[url] and
 * returns that entry, or NULL having set the report's error.
 */
static json_t *
get(struct check *c, const char *url, const json_t *entry,
    struct http_response *r)
{
	const char *etag = json_string_value(json_object_get(entry, "etag"));
	const char *lm = json_string_value(json_object_get(entry,
	    "last_modified"));
	struct dsm_error *err;
	json_t *rec;

	/* The state file is text on disk: what goes into a header is plain. */
	if (!plain_header(etag, 256))
		etag = NULL;
	if (!plain_header(lm, 64))
		lm = NULL;
	if (etag == NULL && lm == NULL)
		entry = NULL;

	if (json_object_get(c->requests, url) != NULL) {
		fail(c, util_printf("the API's pagination comes back to a page "
		    "already read"));
		return NULL;
	}
	c->rep->requests++;
	if ((err = http_get(c->http, url, etag, lm, r)) != NULL) {
		fail(c, strdup(err->msg));
		dsm_error_free(err);
		return NULL;
	}
	if (r->status == 304)
		c->rep->not_modified++;
	if (r->status == 304 && entry == NULL) {
		fail(c, util_printf("GitHub answered 304 Not Modified to a "
		    "request that was not conditional"));
		http_response_clear(r);
		return NULL;
	}
	/* Validators are header text: kept only when they are plain. */
	if (!plain_header(r->etag, 256)) {
		free(r->etag);
		r->etag = NULL;
	}
	if (!plain_header(r->last_modified, 64)) {
		free(r->last_modified);
		r->last_modified = NULL;
	}
	rec = json_pack("{s:s?, s:s?}", "etag", r->status == 304 ? etag :
	    r->etag, "last_modified", r->status == 304 ? lm :
	    r->last_modified);
	if (rec == NULL || json_object_set_new(c->requests, url, rec) == -1) {
		fail(c, NULL);
		http_response_clear(r);
		return NULL;
	}
	return rec;
}

/* Parses the JSON body of a 200 answer, or sets the report's error. */
static json_t *
parse_body(struct check *c, const char *what, const struct http_response *r)
{
	json_error_t jerr;
	json_t *v;

	v = r->body != NULL ? json_loadb(r->body, r->len, 0, &jerr) : NULL;
	if (v == NULL)
		fail(c, util_printf("GitHub's answer for the %s is not JSON (%s)",
		    what, r->body != NULL ? jerr.text : "empty"));
	return v;
}

/* Reads the repository into section["repo"]; returns the canonical name. */
static const char *
read_repo(struct check *c, json_t *section, const char *github)
{
	const json_t *old_entry = NULL, *old_repo = NULL;
	struct http_response r;
	json_t *api, *repo = NULL;
	char *url, *why, what[300];
	const char *full;

	if ((url = util_printf("%s/repos/%s", c->api, github)) == NULL) {
		fail(c, NULL);
		return NULL;
	}
	snprintf(what, sizeof(what), "repository %s", github);
	old_repo = json_object_get(c->old, "repo");
	if (old_repo != NULL)
		old_entry = json_object_get(json_object_get(c->old, "requests"),
		    url);
	if (get(c, url, old_entry, &r) == NULL) {
		free(url);
		return NULL;
	}
	free(url);
	if (r.status == 304) {
		repo = json_deep_copy(old_repo);
		if (repo == NULL)
			fail(c, NULL);
	} else if (r.status == 200 && (api = parse_body(c, what, &r)) != NULL) {
		if ((repo = releases_reduce_repo(api, &why)) == NULL)
			fail(c, util_printf("GitHub's answer for the %s: %s", what,
			    why != NULL ? why : "out of memory"));
		free(why);
		json_decref(api);
	} else if (r.status != 200) {
		status_error(c, what, &r);
	}
	if (repo == NULL || json_object_set_new(section, "repo", repo) == -1) {
		http_response_clear(&r);
		return NULL;
	}
	full = json_string_value(json_object_get(repo, "full_name"));
	if (r.redirects > 0 && r.permanent && strcasecmp(full, github) != 0 &&
	    (c->rep->renamed_to = strdup(full)) == NULL)
		fail(c, NULL);
	http_response_clear(&r);
	return c->rep->error == NULL ? full : NULL;
}

typedef json_t *(*reducer)(const json_t *, const char *, char **);

/*
 * Returns the recorded request entry for url when it can stand for a 304:
 * it has a validator and its slice of the recorded list is there.
 */
static const json_t *
reusable_page(const struct check *c, const char *url, const char *key)
{
	const json_t *e = json_object_get(json_object_get(c->old, "requests"),
	    url);
	json_int_t first = json_integer_value(json_object_get(e, "first"));
	json_int_t count = json_integer_value(json_object_get(e, "count"));
	size_t have = json_array_size(json_object_get(c->old, key));

	if (e == NULL || (!plain_header(json_string_value(json_object_get(e,
	    "etag")), 256) && !plain_header(json_string_value(json_object_get(e,
	    "last_modified")), 64)) ||
	    !json_is_integer(json_object_get(e, "first")) ||
	    !json_is_integer(json_object_get(e, "count")) || first < 0 ||
	    count < 0 || (size_t)first > have || (size_t)count > have -
	    (size_t)first)
		return NULL;
	return e;
}

/* Appends the items of one 200 page to list. */
static int
take_page(struct check *c, json_t *list, const char *key, reducer reduce,
    const struct http_response *r, const char *what)
{
	json_t *page = parse_body(c, what, r), *item;
	const json_t *v;
	char where[64], *why;
	size_t i;

	if (page == NULL)
		return -1;
	if (!json_is_array(page)) {
		fail(c, util_printf("GitHub's answer for the %s is not a list",
		    what));
		json_decref(page);
		return -1;
	}
	json_array_foreach(page, i, v) {
		snprintf(where, sizeof(where), "%s[%zu]", key,
		    json_array_size(list));
		if ((item = reduce(v, where, &why)) == NULL ||
		    json_array_append_new(list, item) == -1) {
			fail(c, util_printf("GitHub's answer for the %s: %s", what,
			    why != NULL ? why : "out of memory"));
			free(why);
			json_decref(page);
			return -1;
		}
	}
	json_decref(page);
	return 0;
}

/* Reads every page of a list (key "releases" or "tags") into section. */
static int
read_list(struct check *c, json_t *section, const char *full,
    const char *key, reducer reduce)
{
	json_t *list = json_array(), *rec;
	char *url, *next = NULL, what[300];
	int pages = 0, rc = -1;

	snprintf(what, sizeof(what), "%s of %s", key, full);
	url = util_printf("%s/repos/%s/%s?per_page=%d", c->api, full, key,
	    PER_PAGE);
	if (list == NULL || url == NULL ||
	    json_object_set(section, key, list) == -1) {
		fail(c, NULL);
		goto out;
	}
	while (url != NULL) {
		const json_t *entry = reusable_page(c, url, key);
		size_t first = json_array_size(list);
		struct http_response r;
		const char *nx;

		if (++pages > GITHUB_MAX_PAGES) {
			fail(c, util_printf("the %s run past %d pages", what,
			    GITHUB_MAX_PAGES));
			goto out;
		}
		if ((rec = get(c, url, entry, &r)) == NULL)
			goto out;
		if (r.status == 304) {
			json_int_t f = json_integer_value(json_object_get(entry,
			    "first"));
			json_int_t n = json_integer_value(json_object_get(entry,
			    "count"));
			const json_t *old = json_object_get(c->old, key);
			for (json_int_t i = f; i < f + n; i++)
				json_array_append(list, json_array_get(old,
				    (size_t)i));
			nx = json_string_value(json_object_get(entry, "next"));
			next = nx != NULL ? strdup(nx) : NULL;
			if (nx != NULL && next == NULL) {
				fail(c, NULL);
				http_response_clear(&r);
				goto out;
			}
		} else if (r.status != 200) {
			status_error(c, what, &r);
			http_response_clear(&r);
			goto out;
		} else if (take_page(c, list, key, reduce, &r, what) == -1 ||
		    (r.link != NULL && http_link_next(r.link, &next) == -1)) {
			fail(c, util_printf("GitHub's answer for the %s has a "
			    "malformed Link header", what));
			http_response_clear(&r);
			goto out;
		}
		http_response_clear(&r);
		if (next != NULL && !http_same_origin(next, c->api)) {
			fail(c, util_printf("the next page of the %s is not on the "
			    "API host; not followed", what));
			goto out;
		}
		if (json_object_set_new(rec, "next", next != NULL ?
		    json_string(next) : json_null()) == -1 ||
		    json_object_set_new(rec, "first", json_integer(
		    (json_int_t)first)) == -1 ||
		    json_object_set_new(rec, "count", json_integer(
		    (json_int_t)(json_array_size(list) - first))) == -1) {
			fail(c, NULL);
			goto out;
		}
		free(url);
		url = next;
		next = NULL;
	}
	rc = 0;
out:
	free(url);
	free(next);
	json_decref(list);
	return rc;
}

/*
 * Checks one repo against the recorded section (r->state's "releases"):
 * fills r->release, and on success hands the section to record back in
 * r->release.section.
 */
static void
check_repo(struct http *http, struct repo_result *r, const char *api)
{
	struct release_report *rep = &r->release;
	struct check c = { http, api, NULL, NULL, rep };
	json_t *section = NULL;
	const json_t *old;
	const char *full;

	util_iso_time(rep->checked_at, time(NULL));
	/*
	 * A record made for another GitHub repo is no use for this one, nor
	 * one edited by hand into another shape.
	 */
	old = json_object_get(r->state, "releases");
	if (old != NULL && json_is_object(old) && json_string_value(
	    json_object_get(old, "github")) != NULL && strcmp(
	    json_string_value(json_object_get(old, "github")),
	    r->spec->github) == 0 && releases_recorded_is_sane(old))
		c.old = old;
	section = json_pack("{s:s, s:s}", "checked_at", rep->checked_at,
	    "github", r->spec->github);
	c.requests = json_object();
	if (section == NULL || c.requests == NULL) {
		fail(&c, NULL);
	} else if ((full = read_repo(&c, section, r->spec->github)) != NULL &&
	    read_list(&c, section, full, "releases",
	    releases_reduce_release) == 0)
		read_list(&c, section, full, "tags", releases_reduce_tag);

	if (rep->error == NULL) {
		const json_t *latest = releases_latest(json_object_get(section,
		    "releases"));
		rep->repo = json_incref(json_object_get(section, "repo"));
		rep->latest = latest != NULL ? json_deep_copy(latest) : NULL;
		rep->changes = releases_diff(c.old, section);
		if (json_object_set_new(section, "latest", latest != NULL ?
		    json_string(json_string_value(json_object_get(latest,
		    "tag"))) : json_null()) == -1 ||
		    json_object_set(section, "requests", c.requests) == -1 ||
		    rep->changes == NULL)
			fail(&c, NULL);
	}
	rep->result = RELEASE_UNCHANGED;
	if (rep->error != NULL)
		rep->result = RELEASE_ERROR;
	else if (json_array_size(json_object_get(section, "releases")) == 0)
		rep->result = RELEASE_NONE;
	/* A repo without releases is "none" unless its tags changed. */
	if (rep->error == NULL && json_array_size(rep->changes) > 0 &&
	    (rep->result ==
	    RELEASE_UNCHANGED || strcmp(json_string_value(json_object_get(
	    json_array_get(rep->changes, 0), "what")), "first-check") != 0))
		rep->result = RELEASE_CHANGED;
	if (rep->error == NULL)
		rep->section = json_incref(section);
	json_decref(c.requests);
	json_decref(section);
}

struct dsm_error *
github_check_all(struct repo_result *results, size_t n, const char *api,
    const struct github_opts *opts, struct http_stats *stats)
{
	char agent[64];
	struct http_opts ho = {
		.origin = api,
		.token = opts->token,
		.cacert = opts->cacert,
		.user_agent = agent,
		.timeout = opts->timeout,
		.max_wait = opts->max_wait,
		.backoff = opts->backoff,
		.trace = opts->trace,
		.stop = opts->stop,
	};
	struct dsm_error *err;
	struct http *http;

	memset(stats, 0, sizeof(*stats));
	snprintf(agent, sizeof(agent), "dsmirror/%s", DSMIRROR_VERSION);
	if ((err = http_new(&http, &ho)) != NULL)
		return err;
	for (size_t i = 0; i < n; i++) {
		if (results[i].spec->github == NULL)
			continue;
		release_report_clear(&results[i].release);
		check_repo(http, &results[i], api);
		results[i].release.interrupted = results[i].release.result ==
		    RELEASE_ERROR && opts->stop != NULL && *opts->stop != 0;
	}
	http_get_stats(http, stats);
	http_free(http);
	return NULL;
}
