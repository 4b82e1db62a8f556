/*
 * mirror.h - clone and update one bare mirror with libgit2.
 *
 * This is the only module that fetches with libgit2.  It runs inside a
 * worker process (worker.c): one repository object per process, never
 * shared.  It keeps two promises of SPEC.md:
 *  - never half-written: a clone is built in <root>/.tmp-<name>.XXXXXX and
 *    renamed into place when complete; an update writes objects before the
 *    refs that point to them, so a kill at any moment leaves a usable mirror
 *    (and recover.h removes what the kill left behind);
 *  - nothing lost: before a ref is rewound, rewritten or deleted, its old tip
 *    is kept under refs/dsmirror/preserved/<UTC stamp>/<ref>, which dsmirror
 *    never prunes (preserve.h).
 */
#ifndef DSM_MIRROR_H
#define DSM_MIRROR_H

#include <stdint.h>

#include "config.h"
#include "error.h"
#include "result.h"

#define MIRROR_OWN_NS		"refs/dsmirror/"
#define MIRROR_PRESERVE_NS	"refs/dsmirror/preserved/"
#define MIRROR_TMP_PREFIX	".tmp-"

enum fetch_phase {
	PHASE_CONNECTING,
	PHASE_COUNTING,		/* the server prepares the pack */
	PHASE_RECEIVING,
	PHASE_RESOLVING,
	PHASE_UPDATING,		/* writing refs */
	PHASE_MAINTAINING,	/* packing refs and packs: local work, the
				   network done (no --timeout) */
	PHASE_CHECKING,		/* fsck reading every object (local work,
				   received_objects: how many so far) */
};

struct fetch_progress {
	enum fetch_phase phase;
	unsigned received_objects;
	unsigned total_objects;
	unsigned indexed_deltas;
	unsigned total_deltas;
	uint64_t received_bytes;
};

/* Called at most every MIRROR_PROGRESS_INTERVAL s, and on each new phase. */
typedef void (*mirror_progress_cb)(const struct fetch_progress *p,
    void *payload);

#define MIRROR_PROGRESS_INTERVAL 0.1

struct mirror_opts {
	const char *root;		/* the mirror root; must exist */
	const struct repo_spec *spec;
	mirror_progress_cb progress;	/* may be NULL */
	void *payload;
	/*
	 * The upstream URL the state recorded for this mirror (without
	 * credentials), or NULL.  When the configured URL differs and the new
	 * upstream shares no commit with the mirror, the update is refused,
	 * every ref kept, unless accept_url.
	 */
	const char *recorded_url;
	int accept_url;
};

/* Returns "<root>/<name>.git" (caller frees), or NULL when out of memory. */
char *mirror_path(const char *root, const char *name);

/*
 * Initialises libgit2 for fetching in this process: network streams whose
 * connects, reads and writes wait at most timeout seconds (netstream.h).
 * Returns NULL or an error.  Call once per process, before
 * mirror_repo_init(), and never in a process that will fork workers (its
 * TLS random state would be the children's too).
 */
struct dsm_error *mirror_global_init(int timeout);

/* libgit2 reads this CA bundle when it starts (Debian's build). */
#define MIRROR_DEFAULT_CA	"/etc/ssl/certs/ca-certificates.crt"

/*
 * Readies the process for the next repo, whose upstream is url: forgets
 * what the repo before left in process-wide state (the first host of the
 * redirect check, the fsync option a clone turns off), and makes TLS trust
 * the CA certificates in the file cacert (NULL: the system's).  The bundle
 * is parsed once per process, and only for an http(s) URL; not at all
 * when it is the file libgit2 loaded when it started.
 */
struct dsm_error *mirror_repo_init(const char *url, const char *cacert);

/*
 * Clones the mirror of opts->spec when it does not exist, else updates it.
 * Fills *out (zeroed by the caller, who releases what it gets with
 * fetch_report_clear()): result cloned/updated/unchanged, head, the refs
 * updated and preserved.  Returns NULL, or the error with out->result not
 * set: the mirror is then usable, its refs not yet moved as they were.
 */
struct dsm_error *mirror_fetch(struct fetch_report *out,
    const struct mirror_opts *opts);

/*
 * Downloads afresh, with no haves, every object the upstream's mirrored
 * refs reach, into a temporary repository in opts->root, and moves the
 * pack it got into the mirror at path (whose refs it leaves alone): what
 * fsck repairs history below the tips with, which a fetch cannot (libgit2
 * asks only for tips the mirror lacks).  Sets *received_bytes.
 */
struct dsm_error *mirror_refetch(const struct mirror_opts *opts,
    const char *path, uint64_t *received_bytes);

#endif
