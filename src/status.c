/*
 * status.c - the recorded state of each repo, for people and machines.
 */
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "report.h"
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

/* The status object of one repo, from its recorded state; NULL: no memory. */
static json_t *
repo_status(const struct repo_result *r, time_t now)
{
	const json_t *state = r->state;
	json_t *out, *fetch, *rel, *ver, *check;
	char *note = r->state_note != NULL ? strdup(r->state_note) : NULL;

	if (r->state_note != NULL && note == NULL)
		return NULL;
	/* Only what dsmirror writes, of its type: the file may be edited. */
	const char *why = NULL;
	fetch = json_object_get(state, "fetch") == NULL ? NULL :
	    record_fetch_section(json_object_get(state, "fetch"), &why);
	ver = json_object_get(state, "verify") == NULL ? NULL :
	    record_verify_section(json_object_get(state, "verify"), &why);
	check = json_object_get(state, "release_check") == NULL ? NULL :
	    record_release_check_section(json_object_get(state,
	    "release_check"), &why);
	if (why != NULL && note == NULL)
		note = util_printf("the state file of %s is unreadable in part "
		    "(%s); the next run rewrites it", r->spec->name, why);
	fetch = fetch != NULL ? fetch : json_null();
	ver = ver != NULL ? ver : json_null();
	rel = NULL;
	if (json_is_object(json_object_get(state, "releases")) ||
	    check != NULL) {
		const json_t *s = json_object_get(state, "releases");
		const json_t *at = json_object_get(s, "checked_at");
		const json_t *latest = json_object_get(s, "latest");
		const json_t *repo = json_object_get(s, "repo");
		rel = json_pack("{s:O?, s:O?, s:O?}", "checked_at",
		    json_is_string(at) ? at : NULL, "latest_tag",
		    json_is_string(latest) ? latest : NULL, "repo",
		    json_is_object(repo) ? repo : NULL);
		/* How the last check went: a failure, and since when. */
		if (rel != NULL && check != NULL)
			json_object_update(rel, check);
	}
	json_decref(check);
	rel = rel != NULL ? rel : json_null();
	add_age(rel, "last_attempt", now);
	add_age(rel, "failing_since", now);
	add_age(fetch, "last_attempt", now);
	add_age(fetch, "last_success", now);
	add_age(rel, "checked_at", now);
	add_age(ver, "checked_at", now);
	out = json_pack("{s:s, s:b, s:o, s:o, s:o, s:s?}", "name", r->spec->name,
	    "mirrored", r->mirrored, "fetch", fetch, "release", rel, "verify",
	    ver, "note", note);
	free(note);
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
		fputs("not mirrored yet (run dsmirror sync)", out);
	} else if (json_is_object(f)) {
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
	if (json_is_object(rel) && str(rel, "checked_at") != NULL)
		fprintf(out, "; release %s", str(rel, "latest_tag") != NULL ?
		    util_sanitize(buf2, sizeof(buf2), str(rel, "latest_tag")) :
		    "none");
	if (str(rel, "error") != NULL)
		fprintf(out, "; release check FAILED %s, failing since %s",
		    status_age(age, sizeof(age), record_parse_time(str(rel,
		    "last_attempt")), now), status_age(age2, sizeof(age2),
		    record_parse_time(str(rel, "failing_since") != NULL ?
		    str(rel, "failing_since") : str(rel, "last_attempt")),
		    now));
	if (json_is_object(ver)) {
		int all = 1;
		json_array_foreach(json_object_get(ver, "licenses"), i, v)
			all &= str(v, "verdict") != NULL &&
			    strcmp(str(v, "verdict"), "ok") == 0;
		fprintf(out, "; licenses %s%s", all ? "ok" : "FAILED",
		    json_is_true(json_object_get(ver, "stale")) ? " (stale)" :
		    "");
		if (str(ver, "tree_error") != NULL)
			fputs("; tree DAMAGED", out);
		else if (json_integer_value(json_object_get(ver,
		    "tree_findings")) > 0)
			fprintf(out, "; tree FAILED (%lld file(s) not expected)",
			    (long long)json_integer_value(json_object_get(ver,
			    "tree_findings")));
		else if (json_is_integer(json_object_get(ver, "tree_findings")))
			fputs("; tree ok", out);
	}
	fputc('\n', out);
	if (str(f, "error") != NULL)
		fprintf(out, "%-*s  last error: %s\n", width, "", util_sanitize(buf,
		    sizeof(buf), str(f, "error")));
	if (str(rel, "error") != NULL)
		fprintf(out, "%-*s  last release check error: %s\n", width, "",
		    util_sanitize(buf, sizeof(buf), str(rel, "error")));
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

/* The status objects of ctx's repos, or NULL when out of memory. */
static json_t *
status_list(const struct report_ctx *ctx)
{
	json_t *repos = json_array();

	for (size_t i = 0; repos != NULL && i < ctx->n; i++) {
		if (json_array_append_new(repos, repo_status(&ctx->repos[i],
		    ctx->now)) == -1) {
			json_decref(repos);
			return NULL;
		}
	}
	return repos;
}

struct dsm_error *
report_status(FILE *out, const struct report_ctx *ctx)
{
	json_t *repos = status_list(ctx);
	int width = result_name_width(ctx->repos, ctx->n, 4);
	const json_t *v;
	size_t i;

	if (repos == NULL)
		return dsm_error_new(DSM_ERR_NOMEM, "out of memory");
	json_array_foreach(repos, i, v)
		print_repo(out, v, width, ctx->now);
	json_decref(repos);
	return NULL;
}

struct dsm_error *
report_status_json(FILE *out, const struct report_ctx *ctx)
{
	json_t *repos = status_list(ctx), *top;
	int rc;

	top = repos != NULL ? json_pack("{s:o, s:i}", "repos", repos, "exit",
	    ctx->status) : NULL;
	if (top == NULL)
		return dsm_error_new(DSM_ERR_NOMEM, "out of memory");
	rc = json_dumpf(top, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(top);
	if (rc == -1 || fputc('\n', out) == EOF)
		return dsm_error_new(DSM_ERR_SYSTEM, "cannot write the report");
	return NULL;
}
