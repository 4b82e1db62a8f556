/*
 * report.h - print the result of a run.  Reporters print; they never decide
 * anything about the run (main.c chooses the exit status).
 */
#ifndef DSM_REPORT_H
#define DSM_REPORT_H

#include <stdio.h>
#include <time.h>

#include "error.h"
#include "result.h"

struct report_opts {
	int quiet;		/* only problems, on err */
	int verbose;		/* every ref update too */
	int color;		/* ANSI colours (a terminal, no NO_COLOR) */
};

/*
 * The human report: a line per repo on out (problems on err too, and only
 * them with quiet: then nothing at all goes to out).  Text from the network
 * is sanitised for the terminal.
 */
void report_text(FILE *out, FILE *err, const struct repo_result *results,
    size_t n, const struct report_opts *opts);

/*
 * The sync report: a compact aligned table on out (repo, fetch result,
 * head, latest release, license verdicts), then only the problems on err,
 * each line starting with the repo's name (with quiet: only those, and
 * nothing at all goes to out).
 */
void report_table(FILE *out, FILE *err, const struct repo_result *results,
    size_t n, const struct report_opts *opts);

/*
 * Prometheus text-format metrics (node_exporter's textfile collector),
 * written atomically to path: per repo the last successful fetch (from the
 * recorded state under root), its duration, the license verdicts, the
 * latest release's publication time; the run's exit status and time.
 */
struct dsm_error *report_metrics(const char *path, const char *root,
    const struct repo_result *results, size_t n, int status, time_t now);

/*
 * The JSON report of SPEC.md on out: {"repos": [...], "exit": status}.
 * Returns an error when out of memory or when out cannot be written.
 */
struct dsm_error *report_json(FILE *out, const struct repo_result *results,
    size_t n, int status);

/*
 * The JUnit XML report, written atomically to path: a testsuite per repo,
 * a testcase for its fetch (when it ran) and one per license file; failures
 * carry the verdict and what changed.
 */
struct dsm_error *report_junit(const char *path,
    const struct repo_result *results, size_t n);

#endif
