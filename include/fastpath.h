/*
 * fastpath.h - the unchanged fetch, decided in the parent with one ref
 * listing per repo and no libgit2.
 *
 * Before any worker starts, the refs of every http(s) repo are listed with
 * libcurl's multi interface: connections kept alive and shared per host
 * (HTTP/2 streams on one connection where the server speaks it), at most
 * opts->jobs requests in flight per host.  Protocol v2 ls-refs asks only
 * for HEAD and the configured patterns; a v0 server's full advertisement
 * is read instead.  The listing is compared with the mirror as
 * localrefs.h reads it, and a repo whose refs, HEAD and objects are exactly
 * what an unchanged update would leave is reported "unchanged" here.
 *
 * Everything else - a mirror not cloned yet or not in the plain state a
 * finished update leaves, a pattern or URL this does not understand, any
 * answer but a 200 with a listing read whole, a redirect, a proxy named
 * by a git configuration, a changed URL, a difference - is left to the
 * workers exactly as before: correctness never depends on this path.
 */
#ifndef DSM_FASTPATH_H
#define DSM_FASTPATH_H

#include <signal.h>
#include <stddef.h>
#include <stdio.h>

#include "error.h"
#include "result.h"

struct fastpath_opts {
	const char *root;		/* exists, and is locked by us */
	const char *cacert;		/* CA bundle for TLS, or NULL */
	int jobs;			/* requests in flight per host, >= 1 */
	int timeout;			/* seconds a transfer may make no
					   progress */
	FILE *trace;			/* a line per repo and a summary (-v),
					   or NULL */
	/* Called when results[index].fetch is final. */
	void (*on_done)(size_t index, void *payload);
	void *payload;
	volatile sig_atomic_t *stop;	/* non-zero: give up, start nothing */
};

/* What the fast path did, for -v and the tests. */
struct fastpath_stats {
	size_t asked;		/* repos whose refs were listed */
	size_t served;		/* ... found unchanged: no worker needed */
	size_t requests;	/* HTTP requests made */
	long connections;	/* connections opened for them */
};

/*
 * Lists and compares every repo of results[0..n) it can; sets served[i]
 * and fills results[i].fetch for each found unchanged.  Returns an error
 * only when libcurl cannot be used at all (then nothing is served).
 */
struct dsm_error *fastpath_run(struct repo_result *results, size_t n,
    char *served, const struct fastpath_opts *opts,
    struct fastpath_stats *stats);

#endif
