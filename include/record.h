/*
 * record.h - what a run records in each repo's state (state.h) for the
 * next run and for `dsmirror status`: the "fetch" section after a fetch,
 * the "verify" section after a verification under the lock (sync).
 *
 *   fetch:  {"last_attempt", "last_success" (UTC times or null), "result",
 *            "head", "head_ref" (of the last success), "error" (of the last
 *            attempt, or null), "seconds"}
 *   verify: {"checked_at", "stale" (the fetch before it failed),
 *            "licenses": [{"path", "verdict", "sha256", "detail"}]}
 */
#ifndef DSM_RECORD_H
#define DSM_RECORD_H

#include <stddef.h>
#include <time.h>

#include <jansson.h>

#include "error.h"
#include "result.h"

/* Records the fetch of each repo that was fetched, at time now. */
struct dsm_error *record_fetch(const char *root,
    const struct repo_result *results, size_t n, time_t now);

/* Records the verdicts of each verified repo, at time now. */
struct dsm_error *record_verify(const char *root,
    const struct repo_result *results, size_t n, time_t now);

/*
 * The recorded fetch or verify section as dsmirror writes it: a new object
 * with only the keys above, each of its type (a hand-edited file may hold
 * anything).  NULL when sec is not an object or is malformed; then *why, if
 * not NULL, says what is wrong.
 */
json_t *record_fetch_section(const json_t *sec, const char **why);
json_t *record_verify_section(const json_t *sec, const char **why);

/* Parses "2026-11-23T10:15:00Z"; returns -1 when it is not that. */
time_t record_parse_time(const char *s);

#endif
