/*
 * packed.c - many ref updates at once, as one packed-refs file (mirror_int.h).
 *
 * libgit2 writes a ref as a loose file (a lock file, a write, an fsync, a
 * rename, an fsync of the folder) and has no call that writes many refs
 * into packed-refs; git clone and git pack-refs write packed-refs whole.
 * This does what they do, in git's format (gitrepository-layout(5)) and
 * under git's lock (packed-refs.lock, created exclusively):
 *   1. every direct ref, changes applied, sorted by name, each annotated
 *      tag followed by "^" and what it peels to;
 *   2. fsync, rename over packed-refs, fsync of the folder: the one moment
 *      all the changes (preserved tips and moves alike) take effect;
 *   3. the loose files of those refs removed (a loose file wins over
 *      packed-refs; killed here, some refs read their old value, each
 *      still whole, and the next update moves them again).
 * Symbolic refs stay loose files, untouched.  The crash tests kill it
 * (util_kill_point) at packed-refs-locked (written, not renamed) and
 * packed-refs-written (renamed, the loose files still there).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mirror_int.h"
#include "util.h"

struct dsm_error *
packed_read(git_repository *repo, struct reflist *all)
{
	struct dsm_error *err = NULL;
	git_reference_iterator *it;
	git_reference *ref;
	int rc;

	if (git_reference_iterator_new(&it, repo) < 0)
		return mirror_git_fail(DSM_ERR_SYSTEM, "cannot list refs");
	while (err == NULL && (rc = git_reference_next(&ref, it)) == 0) {
		if (git_reference_type(ref) == GIT_REFERENCE_DIRECT)
			err = reflist_add(all, git_reference_name(ref),
			    git_reference_target(ref));
		git_reference_free(ref);
	}
	git_reference_iterator_free(it);
	if (err == NULL && rc != GIT_ITEROVER)
		err = mirror_git_fail(DSM_ERR_SYSTEM, "cannot list refs");
	reflist_sort(all);
	return err;
}

/* Writes the lines of all (step 1 above) on out. */
static struct dsm_error *
write_lines(git_repository *repo, FILE *out, const struct reflist *all)
{
	char hex[GIT_OID_HEXSZ + 1];
	git_odb *odb;

	if (git_repository_odb(&odb, repo) < 0)
		return mirror_git_fail(DSM_ERR_SYSTEM, "cannot open objects");
	fputs("# pack-refs with: peeled fully-peeled sorted \n", out);
	for (size_t i = 0; i < all->n; i++) {
		const struct ref *r = &all->v[i];
		git_object_t type;
		git_object *tag, *peeled;
		size_t len;
		if (git_oid_is_zero(&r->oid) ||
		    (i > 0 && strcmp(r->name, all->v[i - 1].name) == 0))
			continue;	/* deleted, or twice */
		if (git_odb_read_header(&len, &type, odb, &r->oid) < 0)
			goto fail;
		fprintf(out, "%s %s\n", git_oid_tostr(hex, sizeof(hex),
		    &r->oid), r->name);
		if (type != GIT_OBJECT_TAG)
			continue;
		if (git_object_lookup(&tag, repo, &r->oid, GIT_OBJECT_TAG) < 0)
			goto fail;
		if (git_tag_peel(&peeled, (git_tag *)tag) < 0) {
			git_object_free(tag);
			goto fail;
		}
		fprintf(out, "^%s\n", git_oid_tostr(hex, sizeof(hex),
		    git_object_id(peeled)));
		git_object_free(peeled);
		git_object_free(tag);
		continue;
fail:
		git_odb_free(odb);
		return mirror_git_fail(DSM_ERR_REMOTE, r->name);
	}
	git_odb_free(odb);
	return NULL;
}

/*
 * Removes the loose file of ref name, then its folders left empty, up to
 * refs/<kind>/ (refs/heads and refs/tags stay).
 */
static void
remove_loose(const char *gitdir, const char *name)
{
	char *path = util_path_join(gitdir, name), *slash;
	const char *kind = strncmp(name, "refs/", 5) == 0 ?
	    strchr(name + 5, '/') : NULL;
	struct stat st;

	if (path == NULL)
		return;
	if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) && unlink(path) == 0 &&
	    kind != NULL) {
		size_t stop = strlen(path) - strlen(name) + (size_t)(kind - name);
		while ((slash = strrchr(path, '/')) != NULL &&
		    (size_t)(slash - path) > stop) {
			*slash = '\0';
			if (rmdir(path) == -1)
				break;
		}
	}
	free(path);
}

struct dsm_error *
packed_write(git_repository *repo, const struct reflist *all)
{
	const char *gitdir = git_repository_path(repo);
	char *lock = util_path_join(gitdir, "packed-refs.lock");
	char *path = util_path_join(gitdir, "packed-refs");
	struct dsm_error *err = NULL;
	FILE *out = NULL;
	int fd = -1;

	if (lock == NULL || path == NULL) {
		err = dsm_error_new(DSM_ERR_NOMEM, "out of memory");
		goto done;
	}
	if ((fd = open(lock, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0644)) == -1 || (out = fdopen(fd, "w")) == NULL) {
		err = dsm_error_errno(DSM_ERR_SYSTEM, errno, "cannot create %s",
		    lock);
		if (fd != -1) {
			close(fd);
			unlink(lock);
		}
		goto done;
	}
	if ((err = write_lines(repo, out, all)) == NULL &&
	    (fflush(out) == EOF || ferror(out) || fsync(fd) == -1))
		err = dsm_error_errno(DSM_ERR_SYSTEM, errno, "cannot write %s",
		    lock);
	if (fclose(out) == EOF && err == NULL)
		err = dsm_error_errno(DSM_ERR_SYSTEM, errno, "cannot write %s",
		    lock);
	if (err == NULL)
		util_kill_point("packed-refs-locked");
	if (err == NULL && rename(lock, path) == -1)
		err = dsm_error_errno(DSM_ERR_SYSTEM, errno, "cannot rename %s",
		    lock);
	if (err != NULL) {
		unlink(lock);
		goto done;
	}
	if ((err = util_fsync_dir(gitdir)) != NULL)
		goto done;
	util_kill_point("packed-refs-written");
	for (size_t i = 0; i < all->n; i++)
		remove_loose(gitdir, all->v[i].name);
done:
	free(lock);
	free(path);
	return err;
}
