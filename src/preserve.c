/*
 * preserve.c - the old tips an update would lose, kept under
 * refs/dsmirror/preserved/ (see preserve.h).
 */
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "mirror.h"
#include "mirror_int.h"
#include "preserve.h"
#include "util.h"

/* Attempts at a free preserved-ref name within one second. */
#define PRESERVE_MAX_TRIES	100

struct preserved {
	git_repository *repo;
	struct reflist tips;	/* tips kept: original name, oid; sorted */
};

int
preserve_needed(const struct preserved *kept, const char *name,
    const git_oid *old, const git_oid *new)
{
	if (new == NULL)
		return 1;		/* deleted */
	if (git_oid_equal(old, new))
		return 0;
	if (strncmp(name, "refs/heads/", 11) != 0)
		return 1;		/* a tag or other ref that moved */
	/* A branch: a fast-forward keeps the old tip reachable. */
	return git_graph_descendant_of(kept->repo, new, old) != 1;
}

struct dsm_error *
preserve_load(struct preserved **out, git_repository *repo)
{
	struct preserved *kept;
	git_reference_iterator *it;
	git_reference *ref;
	struct dsm_error *err = NULL;

	*out = NULL;
	if ((kept = calloc(1, sizeof(*kept))) == NULL)
		return dsm_error_new(DSM_ERR_NOMEM, "out of memory");
	kept->repo = repo;
	if (git_reference_iterator_glob_new(&it, repo,
	    MIRROR_PRESERVE_NS "*") < 0) {
		err = mirror_git_fail(DSM_ERR_SYSTEM,
		    "cannot list preserved refs");
		preserve_free(kept);
		return err;
	}
	while (err == NULL && git_reference_next(&ref, it) == 0) {
		const char *rest = git_reference_name(ref) +
		    strlen(MIRROR_PRESERVE_NS);
		const char *slash = strchr(rest, '/');
		const git_oid *target = git_reference_target(ref);
		if (slash != NULL && target != NULL)
			err = reflist_add(&kept->tips, slash + 1, target);
		git_reference_free(ref);
	}
	git_reference_iterator_free(it);
	if (err != NULL) {
		preserve_free(kept);
		return err;
	}
	reflist_sort(&kept->tips);
	*out = kept;
	return NULL;
}

void
preserve_free(struct preserved *kept)
{
	if (kept == NULL)
		return;
	reflist_free(&kept->tips);
	free(kept);
}

/* Whether some preserved ref already keeps oid for name. */
static int
already_preserved(const struct preserved *kept, const char *name,
    const git_oid *oid)
{
	const struct reflist *l = &kept->tips;
	const struct ref *r = reflist_find(l, name);

	if (r == NULL)
		return 0;
	/* Several may keep tips of one name: look at all of them. */
	while (r > l->v && strcmp(r[-1].name, name) == 0)
		r--;
	for (; r < l->v + l->n && strcmp(r->name, name) == 0; r++)
		if (git_oid_equal(&r->oid, oid))
			return 1;
	return 0;
}

/* Appends the kept tip to the report; takes as over. */
static struct dsm_error *
record(struct fetch_report *out, const char *name, char *as,
    const git_oid *oid)
{
	struct ref_preserved *p;

	p = realloc(out->preserved, (out->npreserved + 1) * sizeof(*p));
	if (p == NULL) {
		free(as);
		return dsm_error_new(DSM_ERR_NOMEM, "out of memory");
	}
	out->preserved = p;
	p = &out->preserved[out->npreserved];
	if ((p->ref = strdup(name)) == NULL) {
		free(as);
		return dsm_error_new(DSM_ERR_NOMEM, "out of memory");
	}
	p->as = as;
	git_oid_tostr(p->oid, sizeof(p->oid), oid);
	out->npreserved++;
	return NULL;
}

struct dsm_error *
preserve_tip(struct fetch_report *out, struct preserved *kept,
    const char *name, const git_oid *oid, time_t now)
{
	git_reference *ref;
	char stamp[17], *as = NULL;
	int rc = -1;

	if (already_preserved(kept, name, oid))
		return NULL;
	util_utc_stamp(stamp, now);
	for (int i = 0; i < PRESERVE_MAX_TRIES && rc < 0; i++) {
		free(as);
		as = i == 0 ?
		    util_printf(MIRROR_PRESERVE_NS "%s/%s", stamp, name) :
		    util_printf(MIRROR_PRESERVE_NS "%s.%d/%s", stamp, i, name);
		if (as == NULL)
			return dsm_error_new(DSM_ERR_NOMEM, "out of memory");
		/*
		 * Any failure tries the next name: a run in the same second
		 * may hold this one, or a name it conflicts with (a/b vs a).
		 */
		rc = git_reference_create(&ref, kept->repo, as, oid, 0,
		    "dsmirror: preserve old tip");
		if (rc == 0)
			git_reference_free(ref);
	}
	if (rc < 0) {
		free(as);
		return mirror_git_fail(DSM_ERR_SYSTEM,
		    "cannot preserve old tip");
	}
	return record(out, name, as, oid);
}

/* Whether some ref of the sorted all starts with prefix. */
static int
prefix_used(const struct reflist *all, const char *prefix)
{
	size_t lo = 0, hi = all->n, len = strlen(prefix);

	while (lo < hi) {	/* the first name >= prefix */
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(all->v[mid].name, prefix) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < all->n && strncmp(all->v[lo].name, prefix, len) == 0;
}

char *
preserve_folder(const struct reflist *all, time_t now)
{
	char stamp[17], *dir = NULL;

	util_utc_stamp(stamp, now);
	for (int i = 0; i < PRESERVE_MAX_TRIES; i++) {
		free(dir);
		dir = i == 0 ? util_printf(MIRROR_PRESERVE_NS "%s/", stamp) :
		    util_printf(MIRROR_PRESERVE_NS "%s.%d/", stamp, i);
		if (dir == NULL || !prefix_used(all, dir))
			return dir;
	}
	free(dir);
	return NULL;
}

struct dsm_error *
preserve_add(struct fetch_report *out, struct preserved *kept,
    const char *name, const git_oid *oid, const char *folder,
    struct reflist *batch)
{
	struct dsm_error *err;
	char *as;

	if (already_preserved(kept, name, oid))
		return NULL;
	if ((as = util_printf("%s%s", folder, name)) == NULL)
		return dsm_error_new(DSM_ERR_NOMEM, "out of memory");
	if ((err = reflist_add(batch, as, oid)) != NULL) {
		free(as);
		return err;
	}
	return record(out, name, as, oid);
}
