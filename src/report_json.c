/*
 * report_json.c - the --json report.
 */
#include <jansson.h>

#include "report.h"

static json_t *
repo_json(const struct repo_result *r)
{
	json_t *licenses = json_array();

	for (size_t i = 0; licenses != NULL && i < r->nlicenses; i++) {
		if (json_array_append_new(licenses,
		    license_report_to_json(&r->licenses[i])) == -1) {
			json_decref(licenses);
			return NULL;
		}
	}
	/* stale: verified on the mirror as it was, since the fetch failed. */
	return json_pack("{s:s, s:o, s:o, s:o, s:b, s:o*, s:o*, s:o*}",
	    "name", r->spec->name,
	    "fetch", fetch_report_to_json(&r->fetch),
	    "release", release_report_to_json(&r->release),
	    "licenses", licenses,
	    "stale", result_is_stale(r),
	    "gc", r->gc.result != GC_SKIPPED ? gc_report_to_json(&r->gc) :
	    NULL,
	    "fsck", r->fsck.result != FSCK_SKIPPED ?
	    fsck_report_to_json(&r->fsck) : NULL,
	    "inventory", r->inventory.ran ?
	    inventory_report_to_json(&r->inventory) : NULL);
}

static int
dump_to_file(const char *buf, size_t size, void *data)
{
	return fwrite(buf, 1, size, data) == size ? 0 : -1;
}

struct dsm_error *
report_json(FILE *out, const struct report_ctx *ctx)
{
	json_t *top, *repos;
	int rc;

	repos = json_array();
	for (size_t i = 0; repos != NULL && i < ctx->n; i++) {
		if (json_array_append_new(repos, repo_json(&ctx->repos[i])) ==
		    -1) {
			json_decref(repos);
			repos = NULL;
		}
	}
	top = repos != NULL ? json_pack("{s:o, s:i}", "repos", repos, "exit",
	    ctx->status) : NULL;
	if (top == NULL)
		return dsm_error_new(DSM_ERR_NOMEM, "out of memory");
	rc = json_dump_callback(top, dump_to_file, out,
	    JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
	json_decref(top);
	if (rc == -1 || fputc('\n', out) == EOF || fflush(out) == EOF)
		return dsm_error_new(DSM_ERR_SYSTEM, "cannot write the report");
	return NULL;
}
