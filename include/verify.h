/*
 * verify.h - check each mirror's license files against mirrors.json.
 *
 * Reads the files' blobs at the tip of the mirrored branch straight from the
 * bare repository (no checkout, no network) and classifies them with
 * license.h.  Reading only: safe while another run fetches.
 */
#ifndef DSM_VERIFY_H
#define DSM_VERIFY_H

#include "error.h"
#include "result.h"

/* Commits searched for the last accepted text of a changed file. */
#define VERIFY_MAX_HISTORY	20000

/* Initialises libgit2 for reading mirrors in this process. */
struct dsm_error *verify_global_init(void);

/*
 * Verifies every licenses[] entry of r->spec in its mirror under root and
 * fills r->licenses (freed by repo_result_clear_licenses()); with tree, and
 * unless the repo's "inventory" is false, also r->inventory, the licenses
 * of every file of the tree (verify_tree.c).  Problems with a file or a
 * mirror are verdicts, not errors; returns an error only when out of
 * memory.  Call verify_global_init() first.
 */
struct dsm_error *verify_repo(struct repo_result *r, const char *root,
    int tree);

/*
 * Sets *out to the branch the mirror's HEAD names ("main"), which the
 * caller frees; returns an error when there is no mirror or HEAD names no
 * branch.  Needs verify_global_init().
 */
struct dsm_error *verify_head_branch(const char *root,
    const struct repo_spec *spec, char **out);

#endif
