/*
 * fsck.h - read every object of a mirror, and repair what is damaged.
 *
 * The check reads each object that any ref reaches (HEAD, branches, tags
 * and every preserved tip), through libgit2 with its hash check on, so a
 * flipped bit, a lost pack or a truncated one is found; and it verifies
 * each pack's and index's SHA-1 trailer, so damage to objects no ref
 * reaches is found too.
 *
 * A repair, in this order, so that a kill at any moment loses nothing:
 *   1. each damaged pack's readable objects are written into a new pack
 *      (complete and fsynced before anything moves);
 *   2. the damaged pack, and any unreadable loose object, is moved into
 *      <mirror>/dsmirror-damaged/<UTC stamp>/ (never deleted by dsmirror:
 *      a person may still want what it held);
 *   3. every object upstream's refs reach is downloaded afresh into a new
 *      pack (mirror_refetch());
 *   4. a fetch (mirror_fetch()) rewrites HEAD and the refs whose tips were
 *      lost, as every update does;
 *   5. the check runs again: what upstream no longer has (an old preserved
 *      tip's history, say) leaves the mirror damaged, and says so.
 */
#ifndef DSM_FSCK_H
#define DSM_FSCK_H

#include "error.h"
#include "mirror.h"
#include "result.h"

/* Where a repair keeps what it moved out of the mirror. */
#define FSCK_DAMAGED_DIR	"dsmirror-damaged"

/*
 * Checks, and repairs when damaged, the mirror of opts->spec; runs in a
 * worker, after mirror_global_init().  Fills *out (result ok, repaired,
 * damaged or no-mirror) and, when the repair fetched, *fetch (zeroed by
 * the caller; a fetch that failed is result error with its message).
 * Returns NULL, or an error that stops the check (out of memory, the
 * mirror unreadable).
 */
struct dsm_error *mirror_fsck(struct fsck_report *out,
    struct fetch_report *fetch, const struct mirror_opts *opts);

/*
 * Indexes again each pack of the mirror at path that has lost its index
 * (libgit2's indexer: the index is written, fsynced, beside the pack); a
 * pack that cannot be indexed is moved into FSCK_DAMAGED_DIR.  Before
 * recover_repo(), which would remove such a pack as maintenance's debris.
 * Sets *detail to what it did (caller frees), or NULL when nothing.
 */
struct dsm_error *fsck_reindex(const char *path, char **detail);

#endif
