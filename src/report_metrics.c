/*
 * report_metrics.c - --metrics FILE: Prometheus text format for
 * node_exporter's textfile collector, which wants the file replaced
 * atomically (it may read at any moment).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "report.h"
#include "util.h"

/* Writes a label value: backslash, double quote and newline escaped. */
static void
label(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\' || *s == '"')
			fputc('\\', f);
		if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

static void
head(FILE *f, const char *name, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

static void
repo_sample(FILE *f, const char *metric, const struct repo_result *r,
    double value)
{
	fprintf(f, "%s{repo=\"", metric);
	label(f, r->spec->name);
	fprintf(f, "\"} %.15g\n", value);
}

/*
 * The last successful fetch of r, from its state (as this run recorded it,
 * or as it was recorded before), or -1.
 */
static double
last_success(const struct repo_result *r)
{
	return (double)record_parse_time(json_string_value(json_object_get(
	    json_object_get(r->state, "fetch"), "last_success")));
}

struct dsm_error *
report_metrics(FILE *f, const struct report_ctx *ctx)
{
	const struct repo_result *results = ctx->repos;
	size_t n = ctx->n;
	head(f, "dsmirror_last_success_timestamp_seconds", "Unix time of the "
	    "repo's last successful fetch.");
	for (size_t i = 0; i < n; i++) {
		double t = last_success(&results[i]);
		if (t >= 0)
			repo_sample(f, "dsmirror_last_success_timestamp_seconds",
			    &results[i], t);
	}
	head(f, "dsmirror_fetch_ok", "1 when this run's fetch of the repo "
	    "succeeded, 0 when it failed.");
	for (size_t i = 0; i < n; i++)
		if (results[i].fetch.result != FETCH_SKIPPED)
			repo_sample(f, "dsmirror_fetch_ok", &results[i],
			    results[i].fetch.result != FETCH_ERROR);
	head(f, "dsmirror_fetch_duration_seconds", "Seconds this run's fetch "
	    "of the repo took.");
	for (size_t i = 0; i < n; i++)
		if (results[i].fetch.result != FETCH_SKIPPED)
			repo_sample(f, "dsmirror_fetch_duration_seconds",
			    &results[i], results[i].fetch.seconds);
	head(f, "dsmirror_license_ok", "1 when the license file passed "
	    "verification, 0 when not (the verdict label says why).");
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < results[i].nlicenses; j++) {
			const struct license_report *l = &results[i].licenses[j];
			fputs("dsmirror_license_ok{repo=\"", f);
			label(f, results[i].spec->name);
			fputs("\",path=\"", f);
			label(f, l->spec->path);
			fprintf(f, "\",verdict=\"%s\"} %d\n",
			    license_verdict_name(l->verdict),
			    l->verdict == VERDICT_OK);
		}
	}
	head(f, "dsmirror_inventory_files", "Files of the tree at the verified "
	    "tip by the license they carry (\"none\": no notice).");
	for (size_t i = 0; i < n; i++) {
		const char *lic;
		json_t *v;
		if (!results[i].inventory.ran)
			continue;
		json_object_foreach(results[i].inventory.counts, lic, v) {
			fputs("dsmirror_inventory_files{repo=\"", f);
			label(f, results[i].spec->name);
			fputs("\",license=\"", f);
			label(f, lic);
			fprintf(f, "\"} %lld\n", (long long)json_integer_value(v));
		}
	}
	head(f, "dsmirror_inventory_ok", "1 when every file of the tree is "
	    "under the code's license or accepted, 0 when not.");
	for (size_t i = 0; i < n; i++)
		if (results[i].inventory.ran)
			repo_sample(f, "dsmirror_inventory_ok", &results[i],
			    !inventory_failed(&results[i].inventory));
	head(f, "dsmirror_release_check_ok", "1 when this run read the repo's "
	    "release metadata, 0 when that failed.");
	for (size_t i = 0; i < n; i++)
		if (results[i].release.result != RELEASE_SKIPPED)
			repo_sample(f, "dsmirror_release_check_ok", &results[i],
			    results[i].release.result != RELEASE_ERROR);
	head(f, "dsmirror_latest_release_timestamp_seconds", "Unix time the "
	    "repo's latest release was published.");
	for (size_t i = 0; i < n; i++) {
		time_t t = record_parse_time(json_string_value(json_object_get(
		    results[i].release.latest, "published_at")));
		if (t >= 0)
			repo_sample(f, "dsmirror_latest_release_timestamp_seconds",
			    &results[i], (double)t);
	}
	head(f, "dsmirror_run_exit_status", "Exit status of the last dsmirror "
	    "run (0 all well, 1 license, 3 fetch or API).");
	fprintf(f, "dsmirror_run_exit_status %d\n", ctx->status);
	head(f, "dsmirror_run_timestamp_seconds", "Unix time the last dsmirror "
	    "run ended.");
	fprintf(f, "dsmirror_run_timestamp_seconds %lld\n",
	    (long long)ctx->now);
	return ferror(f) ? dsm_error_new(DSM_ERR_SYSTEM, "cannot write the "
	    "metrics") : NULL;
}
