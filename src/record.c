/*
 * record.c - the fetch and verify sections of each repo's state.
 */
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "state.h"
#include "util.h"

/* Loads, lets update() change the state of r, saves. */
static struct dsm_error *
update_state(const char *root, const struct repo_result *r,
    int (*update)(json_t *, const struct repo_result *, const char *),
    const char *now)
{
	struct dsm_error *err;
	json_t *state;
	char *note;

	if ((err = state_load(root, r->spec->name, &state, &note)) != NULL)
		return err;
	free(note);	/* a corrupt record was set aside: start afresh */
	if (update(state, r, now) == -1)
		err = dsm_error_new(DSM_ERR_NOMEM, "out of memory");
	else
		err = state_save(root, r->spec->name, state);
	json_decref(state);
	return err;
}

static json_t *
str_or_null(const char *s)
{
	return s != NULL && *s != '\0' ? json_string(s) : json_null();
}

/* A new reference to old[key], or null. */
static json_t *
keep(const json_t *old, const char *key)
{
	json_t *v = json_object_get(old, key);

	return v != NULL ? json_incref(v) : json_null();
}

static int
update_fetch(json_t *state, const struct repo_result *r, const char *now)
{
	const struct fetch_report *f = &r->fetch;
	const json_t *old = json_object_get(state, "fetch");
	int ok = f->result != FETCH_ERROR;
	json_t *sec;

	/* A failed fetch keeps what the last success recorded. */
	sec = json_pack("{s:s, s:o, s:s, s:o, s:o, s:o, s:f}",
	    "last_attempt", now,
	    "last_success", ok ? json_string(now) : keep(old, "last_success"),
	    "result", fetch_result_name(f->result),
	    "head", ok ? str_or_null(f->head) : keep(old, "head"),
	    "head_ref", ok ? str_or_null(f->head_ref) : keep(old, "head_ref"),
	    "error", ok ? json_null() : str_or_null(f->error),
	    "seconds", (double)(long long)(f->seconds * 1000) / 1000);
	return sec != NULL ? json_object_set_new(state, "fetch", sec) : -1;
}

static int
update_verify(json_t *state, const struct repo_result *r, const char *now)
{
	json_t *list = json_array(), *sec;

	for (size_t i = 0; list != NULL && i < r->nlicenses; i++) {
		const struct license_report *l = &r->licenses[i];
		if (json_array_append_new(list, json_pack("{s:s, s:s, s:o, s:o}",
		    "path", l->spec->path, "verdict",
		    license_verdict_name(l->verdict), "sha256",
		    str_or_null(l->sha256), "detail", str_or_null(l->detail))) ==
		    -1) {
			json_decref(list);
			return -1;
		}
	}
	sec = list != NULL ? json_pack("{s:s, s:b, s:o}", "checked_at", now,
	    "stale", r->fetch.result == FETCH_ERROR, "licenses", list) : NULL;
	return sec != NULL ? json_object_set_new(state, "verify", sec) : -1;
}

static struct dsm_error *
record_each(const char *root, const struct repo_result *results, size_t n,
    time_t now, int verify)
{
	struct dsm_error *err = NULL;
	char stamp[21];
	int saved = 0;

	util_iso_time(stamp, now);
	for (size_t i = 0; i < n && err == NULL; i++) {
		const struct repo_result *r = &results[i];
		if (verify ? !r->verified : r->fetch.result == FETCH_SKIPPED)
			continue;
		err = update_state(root, r, verify ? update_verify :
		    update_fetch, stamp);
		saved = 1;
	}
	if (err == NULL && saved)
		err = state_sync(root);
	return err;
}

struct dsm_error *
record_fetch(const char *root, const struct repo_result *results, size_t n,
    time_t now)
{
	return record_each(root, results, n, now, 0);
}

struct dsm_error *
record_verify(const char *root, const struct repo_result *results, size_t n,
    time_t now)
{
	return record_each(root, results, n, now, 1);
}

time_t
record_parse_time(const char *s)
{
	struct tm tm;
	const char *end;

	if (s == NULL)
		return -1;
	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (end == NULL || *end != '\0')
		return -1;
	return timegm(&tm);
}
