/*
 * maint.c - consolidate a mirror's packs and pack its refs (maint.h).
 *
 * Consolidation, in the order that keeps every object readable:
 *   1. list the packs to replace (every pack-*.pack with its .idx and
 *      without a .keep);
 *   2. build one pack of everything reachable from every ref and HEAD
 *      (libgit2's packbuilder: tags, then the history of every commit a
 *      ref reaches, then whatever trees and blobs refs name directly);
 *   3. write it with libgit2's indexer, which fsyncs the pack, its index
 *      and the folder before it renames them into place;
 *   4. only then remove the listed packs, index first (a pack without
 *      its index is invisible to git and libgit2 alike).
 * Anything unreadable (a ref to a missing object) stops it before step 4:
 * a damaged mirror loses nothing to maintenance.
 *
 * The crash tests kill it (util_kill_point) at maint-refs-packed,
 * maint-pack-written, maint-pack-removing (an old pack's index removed, not
 * yet the pack) and maint-packs-removed.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "maint.h"
#include "recover.h"
#include "util.h"

/* Folders below refs/ looked into when counting loose refs. */
#define MAINT_MAX_REF_DEPTH	32
/* Of a pack, the files git or libgit2 may keep beside it, index first. */
static const char *const pack_exts[] = { ".idx", ".pack", ".rev", ".bitmap",
    ".mtimes", ".promisor" };

struct tick {
	maint_tick_cb fn;
	void *payload;
};

/* A list of pack names without their extension ("pack-<hex>"). */
struct packs {
	char **v;
	size_t n;
};

static struct dsm_error *
fail(const char *what)
{
	const git_error *e = git_error_last();

	return dsm_error_new(DSM_ERR_SYSTEM, "%s: %s", what,
	    e != NULL && e->message != NULL ? e->message : "unknown error");
}

static void
tick(const struct tick *t)
{
	if (t->fn != NULL)
		t->fn(t->payload);
}

static int
on_pack(int stage, uint32_t current, uint32_t total, void *payload)
{
	(void)stage;
	(void)current;
	(void)total;
	tick(payload);
	return 0;
}

static int
on_index(const git_indexer_progress *stats, void *payload)
{
	(void)stats;
	tick(payload);
	return 0;
}

/* A walk of the folders below refs/ (count_files, prune_dirs). */
struct walk {
	size_t files;	/* regular files seen */
	size_t limit;	/* stop looking past this many */
	int prune;	/* remove the folders left empty, but the top ones */
};

static void
walk(const char *dir, int depth, struct walk *w)
{
	struct dirent *e;
	DIR *d;

	if (depth > MAINT_MAX_REF_DEPTH || (d = opendir(dir)) == NULL)
		return;
	while (w->files <= w->limit && (e = readdir(d)) != NULL) {
		char *sub;
		struct stat st;
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if ((sub = util_path_join(dir, e->d_name)) == NULL)
			break;
		if (lstat(sub, &st) == -1) {
			;	/* gone meanwhile */
		} else if (S_ISDIR(st.st_mode)) {
			walk(sub, depth + 1, w);
			if (w->prune && depth > 0)
				rmdir(sub);	/* fails, as it should, if used */
		} else if (S_ISREG(st.st_mode)) {
			w->files++;
		}
		free(sub);
	}
	closedir(d);
}

/* Counts the regular files below dir, up to limit (then stops looking). */
static size_t
count_files(const char *dir, size_t limit)
{
	struct walk w = { 0, limit, 0 };

	walk(dir, 0, &w);
	return w.files;
}

/*
 * Removes the folders below dir left empty by packing, deepest first, but
 * the top ones (refs/heads, refs/tags, ...): a year of preserved tips would
 * otherwise leave thousands that every listing of the refs walks.
 */
static void
prune_dirs(const char *dir)
{
	struct walk w = { 0, (size_t)-1, 1 };

	walk(dir, 0, &w);
}

static int
has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n > m && strcmp(s + n - m, suffix) == 0;
}

/* Whether packdir holds base + ext. */
static int
pack_has(const char *packdir, const char *base, const char *ext)
{
	char *p = util_printf("%s/%s%s", packdir, base, ext);
	struct stat st;
	int yes = p != NULL && stat(p, &st) == 0;

	free(p);
	return yes;
}

static void
packs_free(struct packs *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/*
 * Lists the packs of packdir: all of them counted in *total, those with an
 * index and without a .keep in *out (unless out is NULL).
 */
static struct dsm_error *
list_packs(const char *packdir, size_t *total, struct packs *out)
{
	struct dirent *e;
	DIR *d;

	*total = 0;
	if ((d = opendir(packdir)) == NULL)
		return errno == ENOENT ? NULL : dsm_error_errno(DSM_ERR_SYSTEM,
		    errno, "cannot read %s", packdir);
	while ((e = readdir(d)) != NULL) {
		char *base, **v;
		if (strncmp(e->d_name, "pack-", 5) != 0 ||
		    !has_suffix(e->d_name, ".pack"))
			continue;
		++*total;
		if (out == NULL)
			continue;
		base = strndup(e->d_name, strlen(e->d_name) - 5);
		if (base == NULL || !pack_has(packdir, base, ".idx") ||
		    pack_has(packdir, base, ".keep")) {
			free(base);
			if (base == NULL)
				goto nomem;
			continue;
		}
		if ((v = realloc(out->v, (out->n + 1) * sizeof(*v))) == NULL) {
			free(base);
			goto nomem;
		}
		out->v = v;
		out->v[out->n++] = base;
	}
	closedir(d);
	return NULL;
nomem:
	closedir(d);
	return dsm_error_new(DSM_ERR_NOMEM, "out of memory");
}

/* Adds the object a ref points to, and what it reaches, to the new pack. */
static struct dsm_error *
add_tip(git_repository *repo, git_packbuilder *pb, git_revwalk *walk,
    const git_oid *id, const char *name)
{
	git_object *obj, *next;
	int rc = 0;

	if (git_object_lookup(&obj, repo, id, GIT_OBJECT_ANY) < 0)
		goto fail;
	while (git_object_type(obj) == GIT_OBJECT_TAG) {
		if (git_packbuilder_insert(pb, git_object_id(obj), NULL) < 0 ||
		    git_tag_target(&next, (git_tag *)obj) < 0) {
			git_object_free(obj);
			goto fail;
		}
		git_object_free(obj);
		obj = next;
	}
	if (git_object_type(obj) == GIT_OBJECT_COMMIT)
		rc = git_revwalk_push(walk, git_object_id(obj));
	else
		rc = git_packbuilder_insert_recur(pb, git_object_id(obj), NULL);
	git_object_free(obj);
	if (rc == 0)
		return NULL;
fail:
	{
		char what[512];
		snprintf(what, sizeof(what), "damaged: cannot consolidate "
		    "packs (left as they were): %s names an object the mirror "
		    "cannot read", name);
		return fail(what);
	}
}

/* Adds every ref's tip, and HEAD's, to pb and walk. */
static struct dsm_error *
add_tips(git_repository *repo, git_packbuilder *pb, git_revwalk *walk,
    const struct tick *t)
{
	struct dsm_error *err = NULL;
	git_reference_iterator *it;
	git_reference *ref;
	git_oid head;
	int rc;

	if (git_reference_iterator_new(&it, repo) < 0)
		return fail("cannot consolidate packs: cannot list refs");
	while (err == NULL && (rc = git_reference_next(&ref, it)) == 0) {
		if (git_reference_type(ref) == GIT_REFERENCE_DIRECT)
			err = add_tip(repo, pb, walk, git_reference_target(ref),
			    git_reference_name(ref));
		git_reference_free(ref);
		tick(t);
	}
	git_reference_iterator_free(it);
	if (err == NULL && rc != GIT_ITEROVER)
		err = fail("cannot consolidate packs: cannot list refs");
	/* A detached HEAD reaches what no ref may. */
	if (err == NULL && git_reference_name_to_id(&head, repo, "HEAD") == 0)
		err = add_tip(repo, pb, walk, &head, "HEAD");
	return err;
}

/* Removes the pack base of packdir, its index first. */
static struct dsm_error *
remove_pack(const char *packdir, const char *base)
{
	for (size_t i = 0; i < sizeof(pack_exts) / sizeof(pack_exts[0]); i++) {
		char *p = util_printf("%s/%s%s", packdir, base, pack_exts[i]);
		if (p == NULL)
			return dsm_error_new(DSM_ERR_NOMEM, "out of memory");
		if (unlink(p) == -1 && errno != ENOENT) {
			struct dsm_error *err = dsm_error_errno(DSM_ERR_SYSTEM,
			    errno, "cannot remove %s", p);
			free(p);
			return err;
		}
		free(p);
		if (i == 0)	/* its index gone, the pack still there */
			util_kill_point("maint-pack-removing");
	}
	return NULL;
}

/* Steps 2 to 4 of the comment at the top, for the packs in old. */
static struct dsm_error *
consolidate(git_repository *repo, const char *packdir,
    const struct packs *old, struct tick *t)
{
	struct dsm_error *err = NULL;
	git_packbuilder *pb = NULL;
	git_revwalk *walk = NULL;
	git_odb *odb;
	char *fresh = NULL;

	if (git_packbuilder_new(&pb, repo) < 0 ||
	    git_revwalk_new(&walk, repo) < 0) {
		err = fail("cannot consolidate packs");
		goto done;
	}
	git_packbuilder_set_threads(pb, 0);	/* as many as there are CPUs */
	git_packbuilder_set_callbacks(pb, on_pack, t);
	if ((err = add_tips(repo, pb, walk, t)) != NULL)
		goto done;
	if (git_packbuilder_insert_walk(pb, walk) < 0 ||
	    git_packbuilder_write(pb, packdir, 0, on_index, t) < 0) {
		err = fail("cannot consolidate packs");
		goto done;
	}
	if ((fresh = util_printf("pack-%s", git_packbuilder_name(pb))) ==
	    NULL) {
		err = dsm_error_new(DSM_ERR_NOMEM, "out of memory");
		goto done;
	}
	/* The new pack is whole and on disk: the old ones may go. */
	util_kill_point("maint-pack-written");
	for (size_t i = 0; err == NULL && i < old->n; i++)
		if (strcmp(old->v[i], fresh) != 0)
			err = remove_pack(packdir, old->v[i]);
	util_kill_point("maint-packs-removed");
	if (err == NULL)
		err = util_fsync_dir(packdir);
	if (git_repository_odb(&odb, repo) == 0) {
		git_odb_refresh(odb);
		git_odb_free(odb);
	}
done:
	free(fresh);
	git_revwalk_free(walk);
	git_packbuilder_free(pb);
	return err;
}

static struct dsm_error *
pack_refs(git_repository *repo, const char *refsdir, enum maint_mode mode,
    struct maint_report *out)
{
	size_t limit = mode == MAINT_FULL ? 0 : MAINT_MAX_LOOSE_REFS, loose;
	git_refdb *refdb = NULL;

	if ((loose = count_files(refsdir, limit)) <= limit)
		return NULL;
	loose = count_files(refsdir, (size_t)-1 / 2);  /* for the report */
	if (git_repository_refdb(&refdb, repo) < 0 ||
	    git_refdb_compress(refdb) < 0) {
		git_refdb_free(refdb);
		return fail("cannot pack refs");
	}
	git_refdb_free(refdb);
	prune_dirs(refsdir);
	out->refs_packed = loose - count_files(refsdir, (size_t)-1 / 2);
	out->ran = out->ran || out->refs_packed > 0;
	return NULL;
}

struct dsm_error *
maint_run(git_repository *repo, enum maint_mode mode, maint_tick_cb fn,
    void *payload, struct maint_report *out)
{
	struct tick t = { fn, payload };
	const char *gitdir = git_repository_path(repo);
	char *packdir = util_path_join(gitdir, "objects/pack");
	char *refsdir = util_path_join(gitdir, "refs");
	struct packs old = { NULL, 0 };
	size_t limit = mode == MAINT_FULL ? 1 : MAINT_MAX_PACKS;
	struct dsm_error *err;

	memset(out, 0, sizeof(*out));
	if (packdir == NULL || refsdir == NULL) {
		err = dsm_error_new(DSM_ERR_NOMEM, "out of memory");
		goto done;
	}
	if ((err = list_packs(packdir, &out->packs_before, NULL)) != NULL)
		goto done;
	out->packs_after = out->packs_before;
	/* Refs first: the walk below then reads one file, not thousands. */
	if ((err = pack_refs(repo, refsdir, mode, out)) != NULL)
		goto done;
	util_kill_point("maint-refs-packed");
	tick(&t);
	if (out->packs_before <= limit)
		goto done;
	if ((err = list_packs(packdir, &out->packs_before, &old)) != NULL)
		goto done;
	if (old.n > 1 && (err = consolidate(repo, packdir, &old, &t)) == NULL)
		out->ran = 1;
	if (err == NULL)
		err = list_packs(packdir, &out->packs_after, NULL);
done:
	packs_free(&old);
	free(packdir);
	free(refsdir);
	return err;
}

struct dsm_error *
maint_gc(const char *path, struct gc_report *out)
{
	git_repository *repo = NULL;
	struct dsm_error *err = NULL;
	struct stat st;

	if (lstat(path, &st) == -1) {
		if (errno != ENOENT)
			return dsm_error_errno(DSM_ERR_SYSTEM, errno,
			    "cannot stat %s", path);
		out->result = GC_NO_MIRROR;
		return NULL;
	}
	if (!S_ISDIR(st.st_mode))
		return dsm_error_new(DSM_ERR_REMOTE, "%s exists but is not a "
		    "directory; move it away", path);
	if ((err = recover_check_owner(path, &st)) != NULL)
		return err;
	if (git_libgit2_init() < 0)
		return fail("cannot initialise libgit2");
	/* The new pack reaches the disk before an old one is removed. */
	if (git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1) < 0) {
		err = fail("cannot enable fsync");
	} else if (git_repository_open_ext(&repo, path,
	    GIT_REPOSITORY_OPEN_NO_SEARCH | GIT_REPOSITORY_OPEN_BARE, NULL) < 0
	    || !git_repository_is_bare(repo)) {
		err = dsm_error_new(DSM_ERR_REMOTE, "%s exists but is not a bare "
		    "git repository", path);
	} else {
		recover_repo(path);
		if ((err = maint_run(repo, MAINT_FULL, NULL, NULL,
		    &out->maint)) == NULL)
			out->result = out->maint.ran ? GC_DONE : GC_UNCHANGED;
	}
	git_repository_free(repo);
	git_libgit2_shutdown();
	return err;
}
