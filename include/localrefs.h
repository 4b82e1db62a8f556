/*
 * localrefs.h - what a bare mirror holds, read without libgit2: its refs
 * (loose files over packed-refs), HEAD, whether an object is there (loose,
 * or in a pack's index), and whether anything would make an update do more
 * than compare (a lock, a partial pack, maintenance due).
 *
 * For the fast path of an unchanged fetch (fastpath.h): whatever is not
 * plainly the state a finished dsmirror update leaves is reported, with a
 * reason, and the repo goes to a libgit2 worker.
 */
#ifndef DSM_LOCALREFS_H
#define DSM_LOCALREFS_H

#include <stddef.h>

#include "lsrefs.h"

struct pack_index;

/* The packs and loose objects of a mirror, for localrefs_has(). */
struct local_odb {
	char *objects;			/* <mirror>/objects */
	struct pack_index *packs;
	size_t npacks;
};

/*
 * Reads the mirror at path into *refs (every direct ref under refs/, sorted)
 * and *odb.  Returns NULL when the mirror is in a state the fast path
 * knows; else a reason (written into why) for the worker's -v line, and
 * both are then empty.  Free both with localrefs_free() either way.
 */
const char *localrefs_read(const char *path, struct listing *refs,
    struct local_odb *odb, char *why, size_t size);

/* Whether the object hex (40 digits) is in the mirror. */
int localrefs_has(const struct local_odb *odb, const char *hex);

void localrefs_free(struct listing *refs, struct local_odb *odb);

#endif
