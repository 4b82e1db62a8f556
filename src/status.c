/*
 * status.c - the recorded state of each repo, for people and machines.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mirror.h"
#include "record.h"
#include "state.h"
#include "status.h"
#include "util.h"

const char *
status_age(char *buf, size_t size, time_t then, time_t now)
{
	long long d = (long long)(now - then);

	if (d < 0)
		snprintf(buf, size, "in the future");
	else if (d < 60)
		snprintf(buf, size, "%lld s ago", d);
	else if (d < 3600)
		snprintf(buf, size, "%lld min ago", d / 60);
	else if (d < 2 * 86400)
		snprintf(buf, size, "%lld h ago", d / 3600);
	else
		snprintf(buf, size, "%lld d ago", d / 86400);
	return buf;
}

/* Adds "<key>_age_seconds" next to a recorded time key of obj. */
static void
add_age(json_t *obj, const char *key, time_t now)
{
	time_t t = record_parse_time(json_string_value(json_object_get(obj,
	    key)));
	char name[64];

	if (t < 0)
		return;
	snprintf(name, sizeof(name), "%s_age_seconds", key);
	json_object_set_new(obj, name, json_integer((json_int_t)(now - t)));
}

/* The status object of one repo; *bad gets 1 or 3 for recorded problems. */
static json_t *
repo_status(const char *root, const struct repo_result *r, time_t now,
    int *bad)
{
	json_t *state = NULL, *out, *fetch, *rel, *ver;
	char *note = NULL, *path;
	struct dsm_error *err;
	struct stat st;
	int mirrored;

	if ((path = mirror_path(root, r->spec->name)) == NULL)
		return NULL;
	mirrored = stat(path, &st) == 0;
	free(path);
	err = state_read(root, r->spec->name, &state, &note);
	if (err != NULL) {
		dsm_error_free(err);
		return NULL;
	}
	/* Only what dsmirror writes, of its type: the file may be edited. */
	const char *why = NULL;
	fetch = json_object_get(state, "fetch") == NULL ? NULL :
	    record_fetch_section(json_object_get(state, "fetch"), &why);
	ver = json_object_get(state, "verify") == NULL ? NULL :
	    record_verify_section(json_object_get(state, "verify"), &why);
	if (why != NULL && note == NULL)
		note = util_printf("the state file of %s is unreadable in part "
		    "(%s); the next run rewrites it", r->spec->name, why);
	fetch = fetch != NULL ? fetch : json_null();
	ver = ver != NULL ? ver : json_null();
	rel = json_null();
	if (json_is_object(json_object_get(state, "releases"))) {
		const json_t *s = json_object_get(state, "releases");
		const json_t *at = json_object_get(s, "checked_at");
		const json_t *latest = json_object_get(s, "latest");
		const json_t *repo = json_object_get(s, "repo");
		rel = json_pack("{s:O?, s:O?, s:O?}", "checked_at",
		    json_is_string(at) ? at : NULL, "latest_tag",
		    json_is_string(latest) ? latest : NULL, "repo",
		    json_is_object(repo) ? repo : NULL);
	}
	add_age(fetch, "last_attempt", now);
	add_age(fetch, "last_success", now);
	add_age(rel, "checked_at", now);
	add_age(ver, "checked_at", now);
	if (json_is_string(json_object_get(fetch, "error")) && *bad == 0)
		*bad = 3;
	json_t *v;
	size_t i;
	json_array_foreach(json_object_get(ver, "licenses"), i, v)
		if (strcmp(json_string_value(json_object_get(v, "verdict")) ?
		    json_string_value(json_object_get(v, "verdict")) : "", "ok"))
			*bad = 1;
	out = json_pack("{s:s, s:b, s:o, s:o, s:o, s:s?}", "name", r->spec->name,
	    "mirrored", mirrored, "fetch", fetch, "release", rel, "verify", ver,
	    "note", note);
	free(note);
	json_decref(state);
	return out;
}

static const char *
str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static void
print_repo(FILE *out, const json_t *s, int width, time_t now)
{
	const json_t *f = json_object_get(s, "fetch");
	const json_t *rel = json_object_get(s, "release");
	const json_t *ver = json_object_get(s, "verify");
	char name[128], age[32], age2[32], buf[1024], buf2[256], verdict[32];
	const json_t *v;
	size_t i;

	util_sanitize(name, sizeof(name), str(s, "name"));
	fprintf(out, "%-*s  ", width, name);
	if (!json_is_true(json_object_get(s, "mirrored")) &&
	    !json_is_object(f)) {
		fputs("not mirrored yet (run dsmirror sync)\n", out);
		return;
	}
	if (json_is_object(f)) {
		time_t ok = record_parse_time(str(f, "last_success"));
		time_t at = record_parse_time(str(f, "last_attempt"));
		if (str(f, "error") != NULL)
			fprintf(out, "fetch FAILED %s, last success %s",
			    status_age(age, sizeof(age), at, now), ok >= 0 ?
			    status_age(age2, sizeof(age2), ok, now) : "never");
		else
			fprintf(out, "fetched %s", status_age(age, sizeof(age),
			    at, now));
		if (str(f, "head") != NULL) {
			const char *ref = str(f, "head_ref") != NULL ?
			    str(f, "head_ref") : "";
			if (strncmp(ref, "refs/heads/", 11) == 0)
				ref += 11;
			fprintf(out, ", head %.7s %s", util_sanitize(buf,
			    sizeof(buf), str(f, "head")),
			    util_sanitize(buf2, sizeof(buf2), ref));
		}
	} else {
		fputs("no fetch recorded", out);
	}
	if (json_is_object(rel))
		fprintf(out, "; release %s", str(rel, "latest_tag") != NULL ?
		    util_sanitize(buf2, sizeof(buf2), str(rel, "latest_tag")) :
		    "none");
	if (json_is_object(ver)) {
		int all = 1;
		json_array_foreach(json_object_get(ver, "licenses"), i, v)
			all &= str(v, "verdict") != NULL &&
			    strcmp(str(v, "verdict"), "ok") == 0;
		fprintf(out, "; licenses %s%s", all ? "ok" : "FAILED",
		    json_is_true(json_object_get(ver, "stale")) ? " (stale)" :
		    "");
	}
	fputc('\n', out);
	if (str(f, "error") != NULL)
		fprintf(out, "%-*s  last error: %s\n", width, "", util_sanitize(buf,
		    sizeof(buf), str(f, "error")));
	json_array_foreach(json_object_get(ver, "licenses"), i, v) {
		if (str(v, "verdict") != NULL && strcmp(str(v, "verdict"), "ok"))
			fprintf(out, "%-*s  %s: %s: %s\n", width, "",
			    util_sanitize(buf2, sizeof(buf2), str(v, "path")),
			    util_sanitize(verdict, sizeof(verdict),
			    str(v, "verdict")),
			    util_sanitize(buf, sizeof(buf), str(v, "detail") ?
			    str(v, "detail") : ""));
	}
	if (str(s, "note") != NULL)
		fprintf(out, "%-*s  note: %s\n", width, "", util_sanitize(buf,
		    sizeof(buf), str(s, "note")));
}

struct dsm_error *
status_print(FILE *out, const char *root, const struct repo_result *results,
    size_t n, int json, time_t now, int *status)
{
	json_t *repos = json_array(), *top;
	const json_t *v;
	int width = 4, rc;
	size_t i;

	*status = 0;
	for (i = 0; repos != NULL && i < n; i++) {
		json_t *s = repo_status(root, &results[i], now, status);
		int w = (int)strlen(results[i].spec->name);
		if (s == NULL || json_array_append_new(repos, s) == -1) {
			json_decref(repos);
			return dsm_error_new(DSM_ERR_NOMEM, "out of memory");
		}
		if (w > width && w <= 40)
			width = w;
	}
	if (repos == NULL)
		return dsm_error_new(DSM_ERR_NOMEM, "out of memory");
	if (json) {
		top = json_pack("{s:o, s:i}", "repos", repos, "exit", *status);
		rc = top != NULL ? json_dumpf(top, out, JSON_INDENT(2) |
		    JSON_PRESERVE_ORDER) : -1;
		json_decref(top);
		if (rc == -1 || fputc('\n', out) == EOF)
			return dsm_error_new(DSM_ERR_SYSTEM, "cannot write the "
			    "report");
	} else {
		json_array_foreach(repos, i, v)
			print_repo(out, v, width, now);
		json_decref(repos);
	}
	return fflush(out) == EOF ? dsm_error_new(DSM_ERR_SYSTEM, "cannot "
	    "write the report") : NULL;
}
