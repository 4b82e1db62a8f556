/*
 * haves.c - the refs a download's negotiation sees (see haves.h).
 *
 * A refdb backend that holds a fixed list of refs: lookups and iteration
 * answer from the list, and every write is refused (a download writes
 * objects, never refs).
 */
#include <stdlib.h>
#include <string.h>

#include <git2.h>
#include <git2/sys/refdb_backend.h>
#include <git2/sys/refs.h>
#include <git2/sys/repository.h>

#include "haves.h"
#include "mirror_int.h"

struct view {
	git_refdb_backend parent;
	const struct reflist *offer;
};

struct view_iter {
	git_reference_iterator parent;
	const struct reflist *offer;
	size_t next;
};

static int
not_found(const char *name)
{
	git_error_set(GIT_ERROR_REFERENCE, "reference '%s' not found", name);
	return GIT_ENOTFOUND;
}

static int
view_exists(int *exists, git_refdb_backend *backend, const char *name)
{
	struct view *v = (struct view *)backend;

	*exists = reflist_find(v->offer, name) != NULL;
	return 0;
}

static int
view_lookup(git_reference **out, git_refdb_backend *backend,
    const char *name)
{
	struct view *v = (struct view *)backend;
	const struct ref *r = reflist_find(v->offer, name);

	if (r == NULL)
		return not_found(name);
	if ((*out = git_reference__alloc(r->name, &r->oid, NULL)) == NULL)
		return -1;
	return 0;
}

/* The glob is the negotiation's (every ref under refs/): all we hold. */
static int
iter_next(git_reference **out, git_reference_iterator *it)
{
	struct view_iter *vi = (struct view_iter *)it;
	const struct ref *r;

	if (vi->next == vi->offer->n)
		return GIT_ITEROVER;
	r = &vi->offer->v[vi->next++];
	if ((*out = git_reference__alloc(r->name, &r->oid, NULL)) == NULL)
		return -1;
	return 0;
}

static int
iter_next_name(const char **out, git_reference_iterator *it)
{
	struct view_iter *vi = (struct view_iter *)it;

	if (vi->next == vi->offer->n)
		return GIT_ITEROVER;
	*out = vi->offer->v[vi->next++].name;
	return 0;
}

static void
iter_free(git_reference_iterator *it)
{
	free(it);
}

static int
view_iterator(git_reference_iterator **out, git_refdb_backend *backend,
    const char *glob)
{
	struct view *v = (struct view *)backend;
	struct view_iter *vi;

	(void)glob;
	if ((vi = calloc(1, sizeof(*vi))) == NULL) {
		git_error_set_oom();
		return -1;
	}
	vi->offer = v->offer;
	vi->parent.next = iter_next;
	vi->parent.next_name = iter_next_name;
	vi->parent.free = iter_free;
	*out = &vi->parent;
	return 0;
}

static int
refuse(void)
{
	git_error_set_str(GIT_ERROR_REFERENCE,
	    "dsmirror: refs are read-only during a download");
	return -1;
}

static int
view_write(git_refdb_backend *backend, const git_reference *ref, int force,
    const git_signature *who, const char *message, const git_oid *old,
    const char *old_target)
{
	(void)backend, (void)ref, (void)force, (void)who, (void)message;
	(void)old, (void)old_target;
	return refuse();
}

static int
view_rename(git_reference **out, git_refdb_backend *backend,
    const char *old_name, const char *new_name, int force,
    const git_signature *who, const char *message)
{
	(void)out, (void)backend, (void)old_name, (void)new_name, (void)force;
	(void)who, (void)message;
	return refuse();
}

static int
view_del(git_refdb_backend *backend, const char *name, const git_oid *old,
    const char *old_target)
{
	(void)backend, (void)name, (void)old, (void)old_target;
	return refuse();
}

static int
view_compress(git_refdb_backend *backend)
{
	(void)backend;
	return refuse();
}

static int
view_has_log(git_refdb_backend *backend, const char *name)
{
	(void)backend, (void)name;
	return 0;
}

static int
view_ensure_log(git_refdb_backend *backend, const char *name)
{
	(void)backend, (void)name;
	return refuse();
}

static int
view_reflog_read(git_reflog **out, git_refdb_backend *backend,
    const char *name)
{
	(void)out, (void)backend;
	return not_found(name);
}

static int
view_reflog_write(git_refdb_backend *backend, git_reflog *reflog)
{
	(void)backend, (void)reflog;
	return refuse();
}

static int
view_reflog_rename(git_refdb_backend *backend, const char *old_name,
    const char *new_name)
{
	(void)backend, (void)old_name, (void)new_name;
	return refuse();
}

static int
view_reflog_delete(git_refdb_backend *backend, const char *name)
{
	(void)backend, (void)name;
	return refuse();
}

static void
view_free(git_refdb_backend *backend)
{
	free(backend);
}

struct dsm_error *
haves_offer(git_refdb **saved, git_repository *repo,
    const struct reflist *offer)
{
	struct view *v;
	git_refdb *db = NULL;

	*saved = NULL;
	if ((v = calloc(1, sizeof(*v))) == NULL)
		return dsm_error_new(DSM_ERR_NOMEM, "out of memory");
	if (git_refdb_init_backend(&v->parent, GIT_REFDB_BACKEND_VERSION) < 0) {
		free(v);
		return mirror_git_fail(DSM_ERR_SYSTEM, "cannot make the haves");
	}
	v->offer = offer;
	v->parent.exists = view_exists;
	v->parent.lookup = view_lookup;
	v->parent.iterator = view_iterator;
	v->parent.write = view_write;
	v->parent.rename = view_rename;
	v->parent.del = view_del;
	v->parent.compress = view_compress;
	v->parent.has_log = view_has_log;
	v->parent.ensure_log = view_ensure_log;
	v->parent.free = view_free;
	v->parent.reflog_read = view_reflog_read;
	v->parent.reflog_write = view_reflog_write;
	v->parent.reflog_rename = view_reflog_rename;
	v->parent.reflog_delete = view_reflog_delete;
	if (git_refdb_new(&db, repo) < 0 ||
	    git_refdb_set_backend(db, &v->parent) < 0) {
		git_refdb_free(db);
		free(v);
		return mirror_git_fail(DSM_ERR_SYSTEM, "cannot make the haves");
	}
	/* From here on db owns v. */
	if (git_repository_refdb(saved, repo) < 0 ||
	    git_repository_set_refdb(repo, db) < 0) {
		git_refdb_free(*saved);
		*saved = NULL;
		git_refdb_free(db);
		return mirror_git_fail(DSM_ERR_SYSTEM, "cannot make the haves");
	}
	git_refdb_free(db);	/* the repository holds it now */
	return NULL;
}

void
haves_restore(git_repository *repo, git_refdb *saved)
{
	if (saved == NULL)
		return;
	git_repository_set_refdb(repo, saved);
	git_refdb_free(saved);
}
