/*
 * verify_int.h - what verify.c and verify_tree.c share.  Private to
 * src/verify*.c; the module's contract is include/verify.h.
 */
#ifndef DSM_VERIFY_INT_H
#define DSM_VERIFY_INT_H

#include <git2.h>

#include "error.h"
#include "result.h"

/* What the person is told to do about a damaged mirror. */
#define VERIFY_DAMAGED_HINT	"the mirror is damaged, not upstream: run " \
	"dsmirror fsck to repair it from upstream (or restore it from a " \
	"backup)"

/*
 * Makes r->inventory of the tree at tip (verify_tree.c): the recorded
 * "inventory" section of r->state is used when it fits, and the new one is
 * left in r->inventory.section.  A tree that cannot be read whole is the
 * report's error; returns an error only when out of memory.
 */
struct dsm_error *verify_inventory(struct repo_result *r,
    git_repository *repo, const git_commit *tip);

#endif
