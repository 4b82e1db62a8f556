/*
 * report.c - the one dispatcher of reports: a table of formats, and the
 * atomic writer of the file outputs.
 */
#include <stdlib.h>

#include "report.h"
#include "util.h"

typedef struct dsm_error *(*report_fn)(FILE *, const struct report_ctx *);

/* Each format, and whether it also writes the problem lines on ctx->err. */
static const struct format {
	enum report_format format;
	report_fn fn;
	int uses_err;
} formats[] = {
	{ REPORT_TEXT, report_text, 1 },
	{ REPORT_TABLE, report_table, 1 },
	{ REPORT_JSON, report_json, 0 },
	{ REPORT_JUNIT, report_junit, 0 },
	{ REPORT_METRICS, report_metrics, 0 },
	{ REPORT_STATUS, report_status, 0 },
	{ REPORT_STATUS_JSON, report_status_json, 0 },
};

static const struct format *
lookup(enum report_format f)
{
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (formats[i].format == f)
			return &formats[i];
	return NULL;
}

struct dsm_error *
report_write(enum report_format f, FILE *out, const struct report_ctx *ctx)
{
	const struct format *fmt = lookup(f);
	FILE *err_out = fmt != NULL && fmt->uses_err ? ctx->err : NULL;
	struct dsm_error *err;

	if (fmt == NULL)
		return dsm_error_new(DSM_ERR_SYSTEM, "no report format %d",
		    (int)f);
	/* Only what this report writes decides whether it was written. */
	clearerr(out);
	if (err_out != NULL)
		clearerr(err_out);
	if ((err = fmt->fn(out, ctx)) != NULL)
		return err;
	if (fflush(out) == EOF || ferror(out) || (err_out != NULL &&
	    (fflush(err_out) == EOF || ferror(err_out))))
		return dsm_error_new(DSM_ERR_SYSTEM, "cannot write the report");
	return NULL;
}

struct dsm_error *
report_write_file(enum report_format f, const char *path,
    const struct report_ctx *ctx)
{
	const struct format *fmt = lookup(f);
	struct dsm_error *err;
	char *buf = NULL;
	size_t len = 0;
	FILE *mem;

	if (fmt == NULL)
		return dsm_error_new(DSM_ERR_SYSTEM, "no report format %d",
		    (int)f);
	if ((mem = open_memstream(&buf, &len)) == NULL)
		return dsm_error_new(DSM_ERR_NOMEM, "out of memory");
	err = fmt->fn(mem, ctx);
	if (fclose(mem) == EOF && err == NULL)
		err = dsm_error_new(DSM_ERR_NOMEM, "out of memory");
	if (err == NULL)
		err = util_write_atomic(path, buf, len, 0644);
	free(buf);
	return err;
}
