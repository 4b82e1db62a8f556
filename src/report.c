/*
 * report.c - the one dispatcher of reports: a table of formats, and the
 * atomic writer of the file outputs.
 */
#include <stdlib.h>

#include "report.h"
#include "util.h"

typedef struct dsm_error *(*report_fn)(FILE *, const struct report_ctx *);

static const struct {
	enum report_format format;
	const char *name;
	report_fn fn;
} formats[] = {
	{ REPORT_TEXT, "text", report_text },
	{ REPORT_TABLE, "table", report_table },
	{ REPORT_JSON, "json", report_json },
	{ REPORT_JUNIT, "junit", report_junit },
	{ REPORT_METRICS, "metrics", report_metrics },
	{ REPORT_STATUS, "status", report_status },
	{ REPORT_STATUS_JSON, "status-json", report_status_json },
};

static report_fn
lookup(enum report_format f)
{
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (formats[i].format == f)
			return formats[i].fn;
	return NULL;
}

struct dsm_error *
report_write(enum report_format f, FILE *out, const struct report_ctx *ctx)
{
	report_fn fn = lookup(f);
	struct dsm_error *err;

	if (fn == NULL)
		return dsm_error_new(DSM_ERR_SYSTEM, "no report format %d",
		    (int)f);
	if ((err = fn(out, ctx)) != NULL)
		return err;
	if (fflush(out) == EOF || ferror(out) || (ctx->err != NULL &&
	    (fflush(ctx->err) == EOF || ferror(ctx->err))))
		return dsm_error_new(DSM_ERR_SYSTEM, "cannot write the report");
	return NULL;
}

struct dsm_error *
report_write_file(enum report_format f, const char *path,
    const struct report_ctx *ctx)
{
	report_fn fn = lookup(f);
	struct dsm_error *err;
	char *buf = NULL;
	size_t len = 0;
	FILE *mem;

	if (fn == NULL)
		return dsm_error_new(DSM_ERR_SYSTEM, "no report format %d",
		    (int)f);
	if ((mem = open_memstream(&buf, &len)) == NULL)
		return dsm_error_new(DSM_ERR_NOMEM, "out of memory");
	err = fn(mem, ctx);
	if (fclose(mem) == EOF && err == NULL)
		err = dsm_error_new(DSM_ERR_NOMEM, "out of memory");
	if (err == NULL)
		err = util_write_atomic(path, buf, len, 0644);
	free(buf);
	return err;
}
