/*
 * record.h - what a run records in each repo's state (state.h) for the
 * next run and for `dsmirror status`: the "fetch" section after a fetch,
 * the "releases" section a release check handed back (github.h), the
 * "verify" section after a verification under the lock (sync).  The only
 * module that writes state files (through state.h): once per repo per run,
 * and an unreadable file is set aside only then.
 *
 *   fetch:  {"last_attempt", "last_success" (UTC times or null), "result",
 *            "head", "head_ref" (of the last success), "error" (of the last
 *            attempt, or null), "seconds"}
 *   release_check: below
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

/*
 * Records what this run did to each of the n repos, at time now, into its
 * state (results[i].state, read at the start of the run; when NULL, loaded
 * afresh with state_load(), which sets an unreadable file aside: then
 * results[i].state_note says so and state_reset is set):
 * the fetch when it ran, the releases section when a check handed one back,
 * the verdicts when verify is set and the repo was verified.  A repo with
 * none of these is left alone; each other state is saved once, atomically,
 * all of them through one batch (state.h): written, made durable together,
 * then renamed into place.  results[i].state then holds
 * what was recorded, or what could not be written.  A failed write of a
 * repo only release-checked is that check's failure (reported as its
 * error); any other failed write stops the recording and is returned, as
 * is running out of memory.
 */
struct dsm_error *record_run(const char *root, struct repo_result *results,
    size_t n, int verify, time_t now);

/*
 * The recorded fetch or verify section as dsmirror writes it: a new object
 * with only the keys above, each of its type (a hand-edited file may hold
 * anything).  NULL when sec is not an object or is malformed; then *why, if
 * not NULL, says what is wrong.
 */
json_t *record_fetch_section(const json_t *sec, const char **why);
json_t *record_verify_section(const json_t *sec, const char **why);

/*
 * The same for the "release_check" section: {"last_attempt", "last_success"
 * (of the check, or null), "error" (of the last attempt, or null),
 * "failing_since" (the first failure since the last success, or null)}.
 * Written by every release check that got an answer or failed to (an
 * interrupted one records nothing), apart from "releases", which only a
 * whole successful check replaces.
 */
json_t *record_release_check_section(const json_t *sec, const char **why);

/*
 * Fills r's model from its recorded state (r->state, NULL allowed), for
 * status: the fetch result (an error, or unchanged) with its error and
 * head, and the license verdicts of the files mirrors.json still lists
 * (a failure recorded for another file counts in r->unlisted_failures).
 * Only well-typed sections count (a hand-edited file may hold anything).
 * Returns 0, or -1 when out of memory.
 */
int record_to_result(struct repo_result *r);

/* Parses "2026-11-23T10:15:00Z"; returns -1 when it is not that. */
time_t record_parse_time(const char *s);

#endif
