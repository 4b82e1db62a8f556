/*
 * recover.h - clean up after a killed run: the stale ref locks and partial
 * packs a killed worker leaves in a mirror, the temporary clones it leaves
 * in the root; and the owner check before a mirror is written.
 *
 * No libgit2 here: the parent, which forks the workers, calls these too.
 * Every function that removes something must be called while holding the
 * root's lock (lock.h), when no worker writes there: dsmirror is the only
 * writer of its mirrors, so what a lock names is then stale.
 */
#ifndef DSM_RECOVER_H
#define DSM_RECOVER_H

#include <sys/stat.h>

#include "error.h"

/*
 * Returns NULL when the running user owns the mirror at path (st is its
 * lstat()), else a DSM_ERR_REMOTE error naming both users and what to do.
 * fetch writes only into a mirror of its own user.
 */
struct dsm_error *recover_check_owner(const char *path, const struct stat *st);

/*
 * Removes the locks (HEAD.lock, packed-refs.lock, config.lock, every
 * *.lock file under refs and objects/pack) and the partial packs
 * (objects/pack/pack_git2_*, an index without its pack or a pack without
 * its index, never one with a .keep) a killed write or maintenance may
 * leave in the git repository at path.  Call only on what
 * is known to be a repository (libgit2 opened it); errors are ignored, as
 * what stays behind fails the update that needs it, with a message.
 */
void recover_repo(const char *path);

/*
 * recover_repo() on the mirror of name in root, when it looks like a git
 * repository (HEAD, objects/pack and refs; a symlink or a stray folder of
 * that name is left alone).  For the parent, once a worker killed in the
 * middle of an update is gone.
 */
void recover_mirror(const char *root, const char *name);

/*
 * Removes the temporary clone folders (mirror.h's MIRROR_TMP_PREFIX) that
 * killed runs left in root, without following symbolic links.  Returns
 * NULL, or the first error (the root unreadable, a folder not removed).
 */
struct dsm_error *recover_root(const char *root);

#endif
