/*
 * run.h - one run of dsmirror, as data flows through it:
 *
 *   config_load -> run_plan (which repos, in what order)
 *     -> run_execute, under the root's lock: each repo's recorded state
 *        read once -> fetch (worker.h, in parallel) -> releases (github.h)
 *        -> verify (verify.h) -> record (record.h, each state written
 *        once) -> warnings (releases.h, from the verdicts)
 *     -> the result model (result.h), which main.c hands to the reporters
 *        (report.h) and turns into the exit status.
 *
 * Nothing here prints, but the live progress of the fetch (on
 * opts->progress_out) and the API trace of -v (on opts->trace).  Nothing
 * here exits or chooses the exit status.
 */
#ifndef DSM_RUN_H
#define DSM_RUN_H

#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "config.h"
#include "error.h"
#include "http.h"
#include "lock.h"
#include "result.h"

/* The steps of a run, in the order they run (SPEC.md). */
enum run_step {
	RUN_FETCH = 1,
	RUN_RELEASES = 2,
	RUN_VERIFY = 4,
	RUN_SYNC = RUN_FETCH | RUN_RELEASES | RUN_VERIFY,
	RUN_FSCK = 8,		/* each mirror checked, repaired when damaged
				   (fsck.h), in the fetch workers */
};

struct run_opts {
	int steps;		/* enum run_step bits */
	const char *cacert;	/* CA bundle for TLS, or NULL */
	const char *token;	/* GitHub token, or NULL */
	int jobs;		/* fetches at once, >= 1 */
	int timeout;		/* seconds a transfer may make no progress */
	int api_wait;		/* longest rate-limit wait, seconds */
	int accept_url;		/* mirror_opts.accept_url for every repo */
	int progress;		/* live fetch progress on progress_out */
	FILE *progress_out;	/* stderr */
	FILE *trace;		/* a line per API request (-v), or NULL */
	volatile sig_atomic_t *stop;	/* non-zero: stop cleanly, start
					   nothing more */
	/* Called just before the first API request of the run, or NULL. */
	void (*before_api)(void *payload);
	void *payload;
};

/* A planned run and, once it ran, its result model. */
struct run {
	struct config *cfg;
	struct repo_result *repos;	/* the repos of the run, in the
					   configuration's order */
	size_t n;
	int api_asked;			/* the releases step made requests */
	struct http_stats api;		/* ... and these are its figures */
	char **notes;			/* warnings for stderr: a state file
					   set aside by a fetch or verify run,
					   the note naming it (releases alone
					   puts it in the release warnings) */
	size_t nnotes;
	struct lock *lock;		/* held from run_execute to run_free */
};

/*
 * Loads the configuration at config_path and plans the run: every repo, or
 * those of names (nnames of them, each once, in the configuration's order).
 * Fills *out, which the caller frees with run_free().  A name that is not
 * in the configuration is a DSM_ERR_USAGE error, and *out is then empty.
 */
struct dsm_error *run_plan(struct run *out, const char *config_path,
    char **names, int nnames);

/*
 * Runs opts->steps on the planned repos under the lock of the mirror root
 * (made when missing; the lock is held until run_free(), so that the
 * reports are written under it too), and records the outcome in each
 * repo's state.  A repo's own failures are in its result (a release check
 * that could not be recorded among them); the returned error is for what
 * stops the run: the lock is held by another run, the root cannot be made
 * or read, no worker or libcurl can be started, a state cannot be read or
 * written, out of memory.  When *opts->stop becomes non-zero the run
 * starts no further step and records what was done.
 */
struct dsm_error *run_execute(struct run *run, const struct run_opts *opts);

/*
 * Adds to run->notes one line for each mirror (<root>/<name>.git) and state
 * file that no repo of the configuration names any more: listed every run,
 * never deleted.  (run_execute() does it for fetch and sync.)
 */
struct dsm_error *run_note_orphans(struct run *run);

/*
 * dsmirror gc: under the root's lock, in this process, each planned
 * repo's mirror maintained in full (maint.h), its outcome in repos[i].gc;
 * stops before the next repo once *stop is non-zero.  Returns an error
 * only for what stops the run (the lock held, the root unusable, out of
 * memory); a mirror that could not be maintained is a gc error in its
 * result.
 */
struct dsm_error *run_gc(struct run *run, volatile sig_atomic_t *stop);

/*
 * Verifies the planned repos' license files in this process, with no lock
 * and nothing written (verify, pin).  The recorded states are read, for
 * the reports (last success), never changed.
 */
struct dsm_error *run_verify(struct run *run);

/*
 * Reads each planned repo's recorded state into the model without changing
 * anything on disk (status): repos[i].state (NULL when none), its note, and
 * the recorded fetch result and license verdicts, so that
 * result_exit_status() says what the records say.
 */
struct dsm_error *run_read_state(struct run *run);

/* Returns whether a planned repo has a "github" for the releases step. */
int run_asks_api(const struct run *run);

/* Frees what run owns and zeroes it; NULL is allowed. */
void run_free(struct run *run);

#endif
