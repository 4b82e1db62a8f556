/*
 * mirror_int.h - what mirror.c and preserve.c share: a sorted list of refs
 * (name and object id) and libgit2's last error as a dsmirror error.
 *
 * Private to src/mirror.c, src/preserve.c, src/haves.c and src/packed.c
 * (mirror.c defines the reflist and mirror_git_fail):
 * nothing else includes it.  The contracts are include/mirror.h and
 * include/preserve.h.
 */
#ifndef DSM_MIRROR_INT_H
#define DSM_MIRROR_INT_H

#include <stddef.h>

#include <git2.h>

#include "error.h"

struct ref {
	char *name;
	git_oid oid;
};

/* Refs in the order reflist_sort() leaves them: by name, as strcmp(). */
struct reflist {
	struct ref *v;
	size_t n;
	size_t cap;
};

/*
 * Appends a copy of name with oid to l (zeroed at first).  Returns NULL, or
 * an error: out of memory, or a mirror with more refs than dsmirror takes.
 */
struct dsm_error *reflist_add(struct reflist *l, const char *name,
    const git_oid *oid);

/* Frees what l holds and zeroes it. */
void reflist_free(struct reflist *l);

/* Sorts l by name, for reflist_find(). */
void reflist_sort(struct reflist *l);

/*
 * Returns an entry of the sorted l named name, or NULL.  Of several of that
 * name it may be any: the others are next to it.  Owned by l.
 */
const struct ref *reflist_find(const struct reflist *l, const char *name);

/*
 * packed.c: many refs written at once into packed-refs (see there).
 * packed_read() adds every direct ref of repo, loose or packed, to *all
 * (zeroed at first) and sorts it.  packed_write() makes the sorted all the
 * repository's direct refs, an entry with a zero oid deleted: packed-refs
 * written whole, fsynced and renamed, then the loose files of all's names
 * removed.  Both return NULL or an error (packed_write: before the rename,
 * nothing changed).
 */
struct dsm_error *packed_read(git_repository *repo, struct reflist *all);
struct dsm_error *packed_write(git_repository *repo,
    const struct reflist *all);

/*
 * Returns an error of kind saying "what: " and libgit2's last message
 * (sanitised; an HTTP 404 or 451 of the upstream in words).
 */
struct dsm_error *mirror_git_fail(enum dsm_error_kind kind, const char *what);

#endif
