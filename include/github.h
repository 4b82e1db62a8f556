/*
 * github.h - the release check: each repo's GitHub metadata read over the
 * REST API (http.h), compared with the recorded "releases" section of its
 * state (handed in by the run, in repo_result.state), and reported in its
 * struct release_report, with the new section to record.
 *
 * Per repo with a "github" field, in this order: the repository (so that a
 * 404 on it, gone, is told apart from no release), then every page of its
 * releases and of its tags.  Every request is conditional on the recorded
 * ETag; a 304 reuses the recorded data.  The latest release is derived
 * from the release list (GitHub's /releases/latest answers 404 without an
 * ETag when there is none).  A failed check hands no section back, so the
 * recorded state stays as it was.  Requests are made one at a time, over one
 * connection.  Nothing here reads or writes files.
 */
#ifndef DSM_GITHUB_H
#define DSM_GITHUB_H

#include <signal.h>
#include <stdio.h>

#include "config.h"
#include "error.h"
#include "http.h"
#include "result.h"

#define GITHUB_MAX_PAGES	1000	/* of 100 items (100,000), per list */

struct github_opts {
	const char *token;	/* or NULL: unauthenticated */
	const char *cacert;	/* CA bundle, or NULL: the system store */
	long timeout;		/* seconds without progress */
	long max_wait;		/* longest rate-limit wait, seconds */
	double backoff;		/* first retry delay, seconds (0: default) */
	FILE *trace;		/* a line per request (-v), or NULL */
	volatile sig_atomic_t *stop;
};

/*
 * Checks the release metadata of each of the n repos on the API at api
 * (those without a "github" stay skipped), against the section recorded in
 * results[i].state.  Fills results[i].release (with .section, the new
 * section to record, on success) and *stats.  A repo's failure is in its
 * report; the returned error is for what stops the whole step (libcurl
 * cannot be set up).
 */
struct dsm_error *github_check_all(struct repo_result *results, size_t n,
    const char *api, const struct github_opts *opts,
    struct http_stats *stats);

/* The GitHub token from the environment (GITHUB_TOKEN, else GH_TOKEN). */
const char *github_token_from_env(void);

#endif
