/*
 * recover.c - what a killed run leaves behind, removed under the root's
 * lock; and whose a mirror is (see recover.h).  No libgit2.
 */
#include <dirent.h>
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mirror.h"
#include "recover.h"
#include "util.h"

/* The name libgit2 gives a pack while it is being received. */
#define RECOVER_PARTIAL_PACK	"pack_git2_"

struct dsm_error *
recover_check_owner(const char *path, const struct stat *st)
{
	struct passwd *pw;
	char owner[64], me[64];
	uid_t uid = geteuid();

	if (st->st_uid == uid)
		return NULL;
	pw = getpwuid(st->st_uid);
	snprintf(owner, sizeof(owner), "%s", pw != NULL ? pw->pw_name : "?");
	pw = getpwuid(uid);
	snprintf(me, sizeof(me), "%s", pw != NULL ? pw->pw_name : "?");
	return dsm_error_new(DSM_ERR_REMOTE, "%s is owned by %s (uid %u), but "
	    "dsmirror runs as %s (uid %u): run dsmirror as %s, or give the "
	    "mirror root to %s with chown -R", path, owner,
	    (unsigned)st->st_uid, me, (unsigned)uid, owner, me);
}

/* Removes the lock files a killed libgit2 write may leave under dir. */
static void
remove_stale_locks(const char *dir, int depth)
{
	DIR *d;
	struct dirent *de;

	if (depth > 32 || (d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		char *p = util_path_join(dir, de->d_name);
		if (p == NULL)
			break;
		struct stat st;
		int isdir = de->d_type == DT_DIR || (de->d_type == DT_UNKNOWN &&
		    lstat(p, &st) == 0 && S_ISDIR(st.st_mode));
		if (isdir)
			remove_stale_locks(p, depth + 1);
		else if (len > 5 && strcmp(de->d_name + len - 5, ".lock") == 0)
			unlink(p);
		free(p);
	}
	closedir(d);
}

/* Whether dir holds name with its extension ext replaced by other. */
static int
sibling_exists(const char *dir, const char *name, size_t stem,
    const char *other)
{
	char *p = util_printf("%s/%.*s%s", dir, (int)stem, name, other);
	struct stat st;
	int yes = p == NULL || stat(p, &st) == 0;	/* no memory: keep */

	free(p);
	return yes;
}

/*
 * What a killed write leaves in objects/pack, which nothing would ever
 * remove (git gc does not know these names):
 *  - pack_git2_XXXXXX: a pack libgit2 was receiving or writing (it renames
 *    it only when whole);
 *  - *.lock: an index libgit2 was writing;
 *  - pack-*.idx without its .pack: the indexer was killed between renaming
 *    the index and the pack (the pack is the pack_git2_ file above);
 *  - pack-*.pack without its .idx: maintenance (maint.c) was killed while
 *    removing a pack it had consolidated, index first.
 * A pack with a .keep is never touched.
 */
static void
remove_partial_packs(const char *path)
{
	struct dirent *de;
	char *dir;
	DIR *d;

	if ((dir = util_path_join(path, "objects/pack")) == NULL)
		return;
	if ((d = opendir(dir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			const char *n = de->d_name;
			size_t len = strlen(n);
			int stale = strncmp(n, RECOVER_PARTIAL_PACK,
			    strlen(RECOVER_PARTIAL_PACK)) == 0 ||
			    (len > 5 && strcmp(n + len - 5, ".lock") == 0);
			if (!stale && strncmp(n, "pack-", 5) == 0 && len > 4 &&
			    !sibling_exists(dir, n, len - 4, ".keep")) {
				if (strcmp(n + len - 4, ".idx") == 0)
					stale = !sibling_exists(dir, n,
					    len - 4, ".pack");
				else if (len > 5 &&
				    strcmp(n + len - 5, ".pack") == 0)
					stale = !sibling_exists(dir, n,
					    len - 5, ".idx");
			}
			if (!stale)
				continue;
			char *p = util_path_join(dir, n);
			if (p != NULL)
				unlink(p);
			free(p);
		}
		closedir(d);
	}
	free(dir);
}

/*
 * A killed run may leave lock files behind, which would block every later
 * update of those refs.  The root lock guarantees no other dsmirror writes
 * this mirror now, and dsmirror is the only writer of its mirrors.
 */
void
recover_repo(const char *path)
{
	static const char *const files[] = { "HEAD.lock", "packed-refs.lock",
	    "config.lock", NULL };
	char *p;

	for (const char *const *f = files; *f != NULL; f++) {
		if ((p = util_path_join(path, *f)) != NULL)
			unlink(p);
		free(p);
	}
	if ((p = util_path_join(path, "refs")) != NULL)
		remove_stale_locks(p, 0);
	free(p);
	remove_partial_packs(path);
}

/* A folder git would take for a repository: HEAD, objects and refs. */
static int
looks_like_git_dir(const char *path)
{
	static const char *const parts[] = { "HEAD", "objects/pack", "refs",
	    NULL };
	struct stat st;
	int ok = 1;

	for (const char *const *part = parts; ok && *part != NULL; part++) {
		char *p = util_path_join(path, *part);
		ok = p != NULL && lstat(p, &st) == 0 &&
		    (strcmp(*part, "HEAD") == 0 ? S_ISREG(st.st_mode) :
		    S_ISDIR(st.st_mode));
		free(p);
	}
	return ok;
}

void
recover_mirror(const char *root, const char *name)
{
	char *path = mirror_path(root, name);
	struct stat st;

	/* Without libgit2 (the caller may fork workers): a cheap look. */
	if (path != NULL && lstat(path, &st) == 0 && S_ISDIR(st.st_mode) &&
	    looks_like_git_dir(path))
		recover_repo(path);
	free(path);
}

struct dsm_error *
recover_root(const char *root)
{
	struct dsm_error *err = NULL;
	struct dirent *de;
	DIR *d;

	d = opendir(root);
	if (d == NULL)
		return dsm_error_errno(DSM_ERR_SYSTEM, errno, "cannot read %s",
		    root);
	while (err == NULL && (de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, MIRROR_TMP_PREFIX,
		    strlen(MIRROR_TMP_PREFIX)) != 0)
			continue;
		char *p = util_path_join(root, de->d_name);
		err = p != NULL ? util_remove_tree(p) :
		    dsm_error_new(DSM_ERR_NOMEM, "out of memory");
		free(p);
	}
	closedir(d);
	return err;
}
