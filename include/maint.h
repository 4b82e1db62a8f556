/*
 * maint.h - keep a mirror small and fast after years of updates: its packs
 * consolidated into one, its loose refs packed into packed-refs, with
 * libgit2 alone (no git gc).
 *
 * Crash-safe in the order of its steps: the new pack is written whole and
 * fsynced (libgit2's indexer, with fsync on) and renamed into place before
 * any old pack is removed; packed-refs is written whole and renamed before
 * any loose ref it holds is removed.  A kill at any moment leaves every
 * object and ref readable, at worst in two places; recover.h removes the
 * leftovers and the next run finishes.  A reader of the mirror (git clone
 * from it) finds every object: the new pack is in place first, and an old
 * pack it has open stays readable until it closes it.
 *
 * The caller holds the root's lock (lock.h): dsmirror is the only writer.
 */
#ifndef DSM_MAINT_H
#define DSM_MAINT_H

#include <stddef.h>

#include <git2.h>

#include "error.h"
#include "result.h"

/*
 * After an update, more packs than this are consolidated into one (git's
 * own gc.autoPackLimit is 50; each pack is one more index every object
 * lookup tries, and an hourly update adds one).
 */
#define MAINT_MAX_PACKS		16
/*
 * After an update, more loose ref files than this are packed into
 * packed-refs (each is a file and a 4 KB block; git's gc packs them all).
 */
#define MAINT_MAX_LOOSE_REFS	64

enum maint_mode {
	MAINT_AUTO,	/* after an update: only past the bounds above */
	MAINT_FULL,	/* dsmirror gc: every pack into one, every loose ref */
};

/* Called often while maintenance works, e.g. for a worker's heartbeat. */
typedef void (*maint_tick_cb)(void *payload);

/*
 * Maintains the bare repository repo as mode says and fills *out: the packs
 * before and after, the loose refs packed, and out->ran when it changed
 * anything.  The packs consolidated are those without a .keep file; the
 * new pack holds every object reachable from any ref (preserved tips
 * included) and from HEAD.  Returns NULL, or an error (then the mirror is
 * as it was, or consolidated in part: still whole).
 */
struct dsm_error *maint_run(git_repository *repo, enum maint_mode mode,
    maint_tick_cb tick, void *payload, struct maint_report *out);

/*
 * dsmirror gc of the mirror at path (no network): what a killed run left
 * removed (recover.h), then maint_run() with MAINT_FULL, in this process
 * (it initialises libgit2 for itself).  Fills out->result (done, unchanged,
 * or no-mirror when path does not exist) and out->maint.  Returns NULL, or
 * why the mirror could not be maintained.
 */
struct dsm_error *maint_gc(const char *path, struct gc_report *out);

#endif
