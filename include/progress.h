/*
 * progress.h - live progress on a terminal: one line per repo at work.
 *
 * The lines are redrawn in place on the given stream (a terminal), at most
 * ten times a second, and erased by progress_finish() before the report is
 * printed.  A disabled display prints nothing at all.
 */
#ifndef DSM_PROGRESS_H
#define DSM_PROGRESS_H

#include <stdio.h>

#include "mirror.h"
#include "result.h"

struct progress;

/*
 * Returns a display for the repos of results (n of them), drawing on out
 * when enabled; NULL when out of memory, which callers treat as disabled.
 * results must outlive the display.
 */
struct progress *progress_new(FILE *out, const struct repo_result *results,
    size_t n, int enabled);

/* Records repo index's latest progress; drawn at the next tick. */
void progress_update(struct progress *pr, size_t index,
    const struct fetch_progress *p);

/* Removes repo index's line: its work is done. */
void progress_done(struct progress *pr, size_t index);

/* Redraws when something changed and the last drawing is old enough. */
void progress_tick(struct progress *pr);

/* Erases the display and frees it; NULL is allowed. */
void progress_finish(struct progress *pr);

#endif
