/*
 * haves.h - what a fetch tells the server the mirror already has.
 *
 * libgit2 1.5 offers the server, as "have" lines, the commits of every ref
 * under refs/, oldest tip first, and settles on what the server
 * acknowledges of the first 20.  A mirror that keeps many old tips under
 * refs/dsmirror/ (or holds many tags) offers old commits first; they become
 * the common base and the server resends everything since them.
 *
 * During a download the repository therefore sees, in place of its refs,
 * the few that matter (HAVES_MAX at most): the tips of the refs this
 * fetch moves, then the newest of the other mirrored heads and tags.
 * All of them go out in the first batch, and the server sends what
 * git fetch would be sent.  Preserved tips are never offered.
 */
#ifndef DSM_HAVES_H
#define DSM_HAVES_H

#include <git2.h>

#include "error.h"

/* libgit2 1.5 sends its haves in batches of 20 and stops at an ACK. */
#define HAVES_MAX	20

struct reflist;

/*
 * Gives repo, until haves_restore(), a read-only refdb that holds nothing
 * but offer's refs (name and commit; sorted by reflist_sort(), names
 * unique; at most HAVES_MAX; it must outlive the view).  *saved receives
 * the refdb to put back (NULL on error).  Returns NULL, or an error (the
 * repository is then unchanged).
 */
struct dsm_error *haves_offer(git_refdb **saved, git_repository *repo,
    const struct reflist *offer);

/* Puts saved back as repo's refdb and frees it; saved may be NULL. */
void haves_restore(git_repository *repo, git_refdb *saved);

#endif
