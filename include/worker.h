/*
 * worker.h - fetch many mirrors at once, in worker processes.
 *
 * Up to opts->jobs child processes live for the run, each initialising
 * libgit2 once; the parent hands each an index of results[] at a time over
 * a pipe, and the child runs mirror_fetch() (or mirror_fsck()) for that
 * repo and reports progress and its result over another.  Processes, not
 * threads:
 *  - a stalled transfer is stopped for real: libgit2 1.5 has no timeout and
 *    calls no callback while a read blocks, so the parent kills a worker
 *    that has reported nothing for opts->timeout seconds (a kill is safe at
 *    any moment, see mirror.h);
 *  - libgit2 state is never shared: one repository object per process;
 *  - a crash in one repo's fetch cannot take the others down: a worker
 *    killed or dead is reported for its repo, and a new one takes its
 *    slot for the next repo.
 */
#ifndef DSM_WORKER_H
#define DSM_WORKER_H

#include <signal.h>
#include <stddef.h>

#include "error.h"
#include "mirror.h"
#include "result.h"

#define WORKER_MAX_JOBS		64
#define WORKER_MAX_MESSAGE	(64 * 1024 * 1024)	/* one report line */

struct worker_opts {
	const char *root;		/* exists, and is locked by us */
	int jobs;			/* processes at once, >= 1 */
	double timeout;			/* seconds without progress, > 0 */
	const char *cacert;		/* CA bundle for TLS, or NULL */
	int accept_url;			/* mirror_opts.accept_url, for every repo
					   of the run */
	int fsck;			/* each worker runs mirror_fsck() (fsck.h)
					   and fills results[i].fsck too */
	/* Called with each progress report of repo results[index]. */
	void (*on_progress)(size_t index, const struct fetch_progress *p,
	    void *payload);
	/* Called when results[index].fetch is final. */
	void (*on_done)(size_t index, void *payload);
	/* Called about ten times a second while workers run. */
	void (*on_tick)(void *payload);
	void *payload;
	/* When it becomes non-zero, workers are stopped and no more start. */
	volatile sig_atomic_t *stop;
	const char *skip;		/* skip[i] non-zero: results[i].fetch is
					   final already (fastpath.h); or NULL */
	size_t *started;		/* set to the worker processes started,
					   or NULL */
};

/*
 * Fetches the repo of each results[i].spec and fills results[i].fetch; a
 * repo that fails gets result FETCH_ERROR and its error message.  Callbacks
 * may be NULL.  A worker that cannot be started leaves its slot to the
 * others; the repos left when none can be started fail with that error.
 * Returns an error only when the run itself cannot go on (no memory, the
 * root unreadable afterwards); the results are then incomplete.
 */
struct dsm_error *worker_fetch_all(struct repo_result *results, size_t n,
    const struct worker_opts *opts);

/* Returns the default number of jobs: online CPUs, at least 1, at most 8. */
int worker_default_jobs(void);

#endif
