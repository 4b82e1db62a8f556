/*
 * preserve.h - keep the old tip of every ref an update rewinds, rewrites or
 * deletes, under refs/dsmirror/preserved/<UTC stamp>/<ref> (mirror.h's
 * MIRROR_PRESERVE_NS), which dsmirror never prunes.
 *
 * mirror.c calls it after the download and before it moves any ref (step 3
 * of an update): the objects are in place before a preserved ref names
 * them, and a tip is kept before the ref that held it moves.  Writes refs
 * with libgit2, in the worker's repository; never fetches.
 */
#ifndef DSM_PRESERVE_H
#define DSM_PRESERVE_H

#include <time.h>

#include <git2.h>

#include "error.h"
#include "result.h"

/* What a repository's preserved namespace already keeps. */
struct preserved;

/*
 * Lists what the preserved namespace of repo keeps, as (original ref name,
 * object id) pairs, into *out, so that a rerun after a kill between
 * preserving and moving does not keep the same tip twice.  repo must
 * outlive *out.  Returns NULL, or an error with *out NULL.  The caller
 * frees *out with preserve_free().
 */
struct dsm_error *preserve_load(struct preserved **out, git_repository *repo);

/* Frees kept; NULL is allowed. */
void preserve_free(struct preserved *kept);

/*
 * Returns whether moving ref name from old to new (NULL: deleting it) loses
 * history that must be kept: a deletion, a tag or other ref that moves, a
 * branch that is not fast-forwarded.  old and name are not NULL.
 */
int preserve_needed(const struct preserved *kept, const char *name,
    const git_oid *old, const git_oid *new);

/*
 * Keeps oid, the tip of ref name, under MIRROR_PRESERVE_NS<stamp of now>/
 * <name> (<stamp>.1/, .2/, ... when that name is taken), unless a
 * preserved ref listed in kept keeps it already; then appends it to
 * out->preserved (ref, as and oid; the copies belong to out).  Returns
 * NULL, or an error; a ref written before an error stays.
 */
struct dsm_error *preserve_tip(struct fetch_report *out, struct preserved *kept,
    const char *name, const git_oid *oid, time_t now);

/*
 * For an update written at once into packed-refs (mirror_int.h's
 * packed_write()): preserve_folder() returns a folder
 * MIRROR_PRESERVE_NS<stamp of now>/ (or <stamp>.1/, ...) that no ref of the
 * sorted all uses (caller frees; NULL when none or out of memory), and
 * preserve_add() is preserve_tip() that adds <folder><name> to batch
 * rather than writing it.
 */
struct reflist;
char *preserve_folder(const struct reflist *all, time_t now);
struct dsm_error *preserve_add(struct fetch_report *out,
    struct preserved *kept, const char *name, const git_oid *oid,
    const char *folder, struct reflist *batch);

#endif
