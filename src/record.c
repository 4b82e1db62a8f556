/*
 * record.c - what a run records in each repo's state: the only writer of
 * state files.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "state.h"
#include "util.h"

static json_t *
str_or_null(const char *s)
{
	return s != NULL && *s != '\0' ? json_string(s) : json_null();
}

/* A new reference to the string old[key], or null. */
static json_t *
keep(const json_t *old, const char *key)
{
	json_t *v = json_object_get(old, key);

	return json_is_string(v) ? json_incref(v) : json_null();
}

enum { T_STR = 1, T_NULL = 2, T_NUM = 4, T_BOOL = 8 };

struct field {
	const char *key;
	int types;
};

static int
has_type(const json_t *v, int types)
{
	return ((types & T_STR) && json_is_string(v)) ||
	    ((types & T_NULL) && json_is_null(v)) ||
	    ((types & T_NUM) && json_is_number(v)) ||
	    ((types & T_BOOL) && json_is_boolean(v));
}

/*
 * Copies the keys of fields from obj into out; a key that is missing is
 * left out, one of another type makes the whole thing malformed (-1).
 */
static int
pick(json_t *out, const json_t *obj, const struct field *fields)
{
	for (const struct field *f = fields; f->key != NULL; f++) {
		json_t *v = json_object_get(obj, f->key);
		if (v == NULL)
			continue;
		if (!has_type(v, f->types) ||
		    json_object_set(out, f->key, v) == -1)
			return -1;
	}
	return 0;
}

/* 40 (SHA-1) or 64 (SHA-256) lowercase hex digits. */
static int
is_object_id(const char *s)
{
	size_t n = strspn(s, "0123456789abcdef");

	return s[n] == '\0' && (n == 40 || n == 64);
}

json_t *
record_fetch_section(const json_t *sec, const char **why)
{
	static const struct field fields[] = {
		{ "last_attempt", T_STR | T_NULL },
		{ "last_success", T_STR | T_NULL },
		{ "result", T_STR },
		{ "head", T_STR | T_NULL },
		{ "head_ref", T_STR | T_NULL },
		{ "error", T_STR | T_NULL },
		{ "seconds", T_NUM },
		{ "url", T_STR | T_NULL },
		{ NULL, 0 },
	};
	json_t *out = json_object();
	const char *head = json_string_value(json_object_get(sec, "head"));

	if (out == NULL || !json_is_object(sec) || pick(out, sec, fields) ||
	    (head != NULL && !is_object_id(head))) {
		if (why != NULL)
			*why = "its fetch section is malformed";
		json_decref(out);
		return NULL;
	}
	return out;
}

json_t *
record_verify_section(const json_t *sec, const char **why)
{
	static const struct field fields[] = {
		{ "checked_at", T_STR },
		{ "stale", T_BOOL },
		{ "tree_findings", T_NUM },
		{ "tree_error", T_STR | T_NULL },
		{ NULL, 0 },
	};
	static const struct field lic_fields[] = {
		{ "path", T_STR },
		{ "verdict", T_STR },
		{ "sha256", T_STR | T_NULL },
		{ "detail", T_STR | T_NULL },
		{ NULL, 0 },
	};
	json_t *out = json_object(), *list = json_array(), *v;
	const json_t *lics = json_object_get(sec, "licenses");
	size_t i;
	int bad = out == NULL || list == NULL || !json_is_object(sec) ||
	    pick(out, sec, fields) || !json_is_array(lics);

	json_array_foreach(lics, i, v) {
		json_t *lic = json_object();
		if (bad || lic == NULL || !json_is_object(v) ||
		    pick(lic, v, lic_fields) ||
		    !json_is_string(json_object_get(lic, "path")) ||
		    !json_is_string(json_object_get(lic, "verdict")) ||
		    json_array_append_new(list, lic) == -1) {
			json_decref(lic);
			bad = 1;
			break;
		}
	}
	if (bad || json_object_set_new(out, "licenses", list) == -1) {
		if (why != NULL)
			*why = "its verify section is malformed";
		json_decref(out);
		if (bad)
			json_decref(list);
		return NULL;
	}
	return out;
}

static int
update_fetch(json_t *state, const struct repo_result *r, const char *now)
{
	const struct fetch_report *f = &r->fetch;
	const json_t *old = json_object_get(state, "fetch");
	int ok = f->result != FETCH_ERROR;
	json_t *sec;

	/* A failed fetch keeps what the last success recorded. */
	sec = json_pack("{s:s, s:o, s:s, s:o, s:o, s:o, s:f, s:o}",
	    "last_attempt", now,
	    "last_success", ok ? json_string(now) : keep(old, "last_success"),
	    "result", fetch_result_name(f->result),
	    "head", ok ? str_or_null(f->head) : keep(old, "head"),
	    "head_ref", ok ? str_or_null(f->head_ref) : keep(old, "head_ref"),
	    "error", ok ? json_null() : str_or_null(f->error),
	    "seconds", (double)(long long)(f->seconds * 1000) / 1000,
	    /* The upstream the mirror follows (identity: mirror.h). */
	    "url", ok && f->url != NULL ? json_string(f->url) :
	    keep(old, "url"));
	return sec != NULL ? json_object_set_new(state, "fetch", sec) : -1;
}

json_t *
record_release_check_section(const json_t *sec, const char **why)
{
	static const struct field fields[] = {
		{ "last_attempt", T_STR },
		{ "last_success", T_STR | T_NULL },
		{ "error", T_STR | T_NULL },
		{ "failing_since", T_STR | T_NULL },
		{ NULL, 0 },
	};
	json_t *out = json_object();

	if (out == NULL || !json_is_object(sec) || pick(out, sec, fields) ||
	    !json_is_string(json_object_get(out, "last_attempt"))) {
		if (why != NULL)
			*why = "its release_check section is malformed";
		json_decref(out);
		return NULL;
	}
	return out;
}

/*
 * The outcome of the release check, kept apart from the "releases" record
 * that only a whole successful check replaces: when it fails, since when.
 */
static int
update_release_check(json_t *state, const struct repo_result *r,
    const char *now)
{
	json_t *old = record_release_check_section(json_object_get(state,
	    "release_check"), NULL);
	const json_t *rel = json_object_get(state, "releases");
	int ok = r->release.result != RELEASE_ERROR;
	json_t *since, *last, *sec;

	/* The time the check began, as the "releases" record has it. */
	if (r->release.checked_at[0] != '\0')
		now = r->release.checked_at;

	if (ok) {
		since = json_null();
		last = json_string(now);
	} else {
		/* The first failure after a success starts the count. */
		since = old != NULL && json_is_string(json_object_get(old,
		    "error")) ? keep(old, "failing_since") : json_null();
		if (json_is_null(since)) {
			json_decref(since);
			since = json_string(now);
		}
		/* States from before this section: the last good record. */
		last = old != NULL ? keep(old, "last_success") :
		    keep(rel, "checked_at");
	}
	sec = json_pack("{s:s, s:o, s:o, s:o}", "last_attempt", now,
	    "last_success", last, "error", ok ? json_null() :
	    str_or_null(r->release.error), "failing_since", since);
	json_decref(old);
	return sec != NULL ? json_object_set_new(state, "release_check", sec) :
	    -1;
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
	    "stale", result_is_stale(r), "licenses", list) : NULL;
	/* The tree inventory's verdict, for status: files not accepted. */
	if (sec != NULL && r->inventory.ran) {
		json_int_t bad = 0;
		for (size_t i = 0; i < r->inventory.nfindings; i++)
			bad += !r->inventory.findings[i].accepted;
		if (json_object_set_new(sec, "tree_findings",
		    json_integer(bad)) == -1 || json_object_set_new(sec,
		    "tree_error", str_or_null(r->inventory.error)) == -1) {
			json_decref(sec);
			return -1;
		}
	}
	return sec != NULL ? json_object_set_new(state, "verify", sec) : -1;
}

/*
 * The state of r that could not be written (err).  A release check alone
 * that cannot be recorded is that check's failure, not the run's: it would
 * be "changed" again next time (a failed check keeps its own error).
 * Returns NULL then, else err, which ends the recording.
 */
static struct dsm_error *
save_failed(void *arg, void *cookie, struct dsm_error *err)
{
	struct repo_result *r = cookie;
	int verify = *(const int *)arg;

	if (err == NULL || r->fetch.result != FETCH_SKIPPED ||
	    (verify && r->verified))
		return err;
	if (r->release.section != NULL)
		release_report_fail(&r->release, util_printf("cannot record "
		    "the release state: %s", err->msg));
	dsm_error_free(err);
	return NULL;
}

struct dsm_error *
record_run(const char *root, struct repo_result *results, size_t n,
    int verify, time_t now)
{
	struct state_batch *batch;
	struct dsm_error *err, *cerr;
	char stamp[21];

	util_iso_time(stamp, now);
	if ((err = state_batch_new(root, &batch)) != NULL)
		return err;
	for (size_t i = 0; i < n && err == NULL; i++) {
		struct repo_result *r = &results[i];
		int fetched = r->fetch.result != FETCH_SKIPPED;
		int checked = r->release.section != NULL;
		/* An interrupted check is not the API's failure. */
		int asked = r->release.result != RELEASE_SKIPPED &&
		    !r->release.interrupted;
		int verified = verify && r->verified;

		if (!fetched && !asked && !verified)
			continue;
		/*
		 * No state, or an unreadable one: now that it is rewritten,
		 * the unreadable file is set aside, and the note says so.
		 */
		if (r->state == NULL) {
			char *note = NULL;
			if ((err = state_load(root, r->spec->name, &r->state,
			    &note)) != NULL)
				break;
			if (note != NULL) {
				free(r->state_note);
				r->state_note = note;
				r->state_reset = 1;
			}
		}
		if ((fetched && update_fetch(r->state, r, stamp) == -1) ||
		    (checked && json_object_set(r->state, "releases",
		    r->release.section) == -1) ||
		    (asked && update_release_check(r->state, r, stamp) == -1) ||
		    (verified && update_verify(r->state, r, stamp) == -1) ||
		    (verified && r->inventory.section != NULL &&
		    json_object_set(r->state, "inventory",
		    r->inventory.section) == -1)) {
			err = dsm_error_new(DSM_ERR_NOMEM, "out of memory");
			break;
		}
		err = save_failed(&verify, r, state_batch_add(batch,
		    r->spec->name, r->state, r));
	}
	/*
	 * What was written before a failure that ends the recording is
	 * still put in place, as when each state was renamed as it was
	 * written; a failure of the commit is judged like that of a write.
	 */
	cerr = state_batch_commit(batch, save_failed, &verify);
	state_batch_free(batch);
	if (err == NULL)
		return cerr;
	dsm_error_free(cerr);
	return err;
}

int
record_to_result(struct repo_result *r)
{
	const char *why = NULL;
	json_t *fetch = NULL, *ver = NULL, *v;
	const char *error, *head;
	size_t i;
	int rc = -1;

	if (json_object_get(r->state, "fetch") != NULL)
		fetch = record_fetch_section(json_object_get(r->state, "fetch"),
		    &why);
	if (json_object_get(r->state, "verify") != NULL)
		ver = record_verify_section(json_object_get(r->state, "verify"),
		    &why);
	if (fetch != NULL) {
		error = json_string_value(json_object_get(fetch, "error"));
		head = json_string_value(json_object_get(fetch, "head"));
		r->fetch.result = error != NULL ? FETCH_ERROR : FETCH_UNCHANGED;
		if (error != NULL && (r->fetch.error = strdup(error)) == NULL)
			goto out;
		if (head != NULL && strlen(head) <= OID_HEX)
			memcpy(r->fetch.head, head, strlen(head) + 1);
	}
	if (ver != NULL) {
		const json_t *list = json_object_get(ver, "licenses");
		r->licenses = calloc(json_array_size(list) + 1,
		    sizeof(*r->licenses));
		if (r->licenses == NULL)
			goto out;
		r->verified = 1;
		/* A tree inventory that failed counts as a license failure. */
		r->unlisted_failures += json_integer_value(json_object_get(ver,
		    "tree_findings")) > 0 || json_is_string(json_object_get(ver,
		    "tree_error"));
		/*
		 * A file mirrors.json no longer lists has no spec to report
		 * under, but a failure recorded for it still counts.
		 */
		json_array_foreach(list, i, v) {
			const char *path = json_string_value(json_object_get(v,
			    "path"));
			const char *name = json_string_value(json_object_get(v,
			    "verdict"));
			struct license_report *l = &r->licenses[r->nlicenses];
			int verdict = license_verdict_from_name(name);
			for (size_t j = 0; j < r->spec->nlicenses; j++)
				if (strcmp(r->spec->licenses[j].path, path) == 0)
					l->spec = &r->spec->licenses[j];
			if (l->spec == NULL) {
				r->unlisted_failures += name == NULL ||
				    strcmp(name, "ok") != 0;
				continue;
			}
			l->verdict = verdict >= 0 ? (enum license_verdict)verdict :
			    VERDICT_NOT_EXPECTED;
			r->nlicenses++;
		}
	}
	rc = 0;
out:
	json_decref(fetch);
	json_decref(ver);
	return rc;
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
