/*
 * report.h - print the result of a run.  Reporters print; they never decide
 * anything about the run (main.c chooses the exit status, which they are
 * handed).
 *
 * Every format is one function fn(FILE *, const struct report_ctx *) in the
 * table of report.c; report_write() prints one on a stream, and
 * report_write_file() writes one to a file atomically (temporary file,
 * fsync, rename), which is how --junit and --metrics are written.  A
 * reporter that cannot write returns an error; nothing is lost silently.
 */
#ifndef DSM_REPORT_H
#define DSM_REPORT_H

#include <stdio.h>
#include <time.h>

#include "error.h"
#include "result.h"

enum report_format {
	REPORT_TEXT,		/* a line per repo, details beneath */
	REPORT_TABLE,		/* sync's aligned table */
	REPORT_JSON,		/* SPEC.md's --json object */
	REPORT_JUNIT,		/* JUnit XML */
	REPORT_METRICS,		/* Prometheus text format */
	REPORT_STATUS,		/* status from the recorded state */
	REPORT_STATUS_JSON,	/* ... as JSON */
};

struct report_ctx {
	const struct repo_result *repos;	/* the result model */
	size_t n;
	int status;		/* the run's exit status */
	time_t now;		/* the run's end, for ages and metrics */
	int quiet;		/* text, table: only problems, on err; then
				   nothing at all goes to the stream */
	int verbose;		/* text: every ref update too */
	int color;		/* table: ANSI colours */
	FILE *err;		/* text, table: the problem lines (no other
				   format writes or checks it) */
};

/*
 * Prints the report of format f on out (and, for text and table, the
 * problem lines on ctx->err).  Text from the network is sanitised for the
 * terminal.  Returns an error when a stream cannot be written or out of
 * memory.
 */
struct dsm_error *report_write(enum report_format f, FILE *out,
    const struct report_ctx *ctx);

/*
 * Writes the report of format f to the file at path, atomically, mode 0644.
 * Returns an error naming path when it cannot be written.
 */
struct dsm_error *report_write_file(enum report_format f, const char *path,
    const struct report_ctx *ctx);

/*
 * The lines beneath a repo's fetch line in the text report, indented by
 * width + 2: each old tip kept (past 10 a count, unless ctx->verbose) and,
 * with ctx->verbose, what maintenance did and every ref update.  The sync
 * table prints them with -v too.
 */
void report_fetch_details(FILE *out, const struct repo_result *r, int width,
    const struct report_ctx *ctx);

/* The formats, for report.c's table; call them through report_write(). */
struct dsm_error *report_text(FILE *out, const struct report_ctx *ctx);
struct dsm_error *report_table(FILE *out, const struct report_ctx *ctx);
struct dsm_error *report_json(FILE *out, const struct report_ctx *ctx);
struct dsm_error *report_junit(FILE *out, const struct report_ctx *ctx);
struct dsm_error *report_metrics(FILE *out, const struct report_ctx *ctx);
struct dsm_error *report_status(FILE *out, const struct report_ctx *ctx);
struct dsm_error *report_status_json(FILE *out,
    const struct report_ctx *ctx);

/* Findings of a tree's inventory the text report prints (but -v: all). */
#define REPORT_MAX_FINDINGS	20

/*
 * Writes an inventory's counts ({"MIT": 15, "none": 38}) as "MIT 15,
 * Apache-2.0 1, none 38" into buf: the largest first, none last.
 */
void report_inventory_counts(char *buf, size_t size, const json_t *counts);

#endif
