/*
 * verify.c - license verdicts, read straight from the bare mirrors.
 *
 * For each license file: find it at the tip of the branch (the configured
 * one, else the mirror's HEAD), classify it when an spdx is expected,
 * compare its fingerprint with the pin when there is one.  For a failure,
 * say what changed: against the most recent commit whose version of the
 * file has the pinned fingerprint, else against the license's template.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <git2.h>

#include "license.h"
#include "mirror.h"
#include "util.h"
#include "verify.h"
#include "verify_int.h"

struct text {
	git_blob *blob;
	const void *data;
	size_t len;
};

static char *
git_message(const char *what)
{
	const git_error *e = git_error_last();
	char safe[512];

	util_sanitize(safe, sizeof(safe), e != NULL && e->message != NULL ?
	    e->message : "unknown error");
	return util_printf("%s: %s", what, safe);
}

/*
 * Finds the commit at the tip of the verified branch: 0, GIT_ENOTFOUND when
 * there is no such branch (or HEAD is unborn: an empty mirror), or
 * VERIFY_DAMAGED when the ref cannot be read or names an object the
 * mirror cannot read (*why then says which, for the caller to free).
 */
#define VERIFY_DAMAGED	(-1000)
static int
tip_commit(git_commit **out, git_repository *repo, const struct repo_spec *s,
    char **why)
{
	char *name = s->branch != NULL ?
	    util_printf("refs/heads/%s", s->branch) : strdup("HEAD");
	git_object *obj;
	git_oid id;
	int rc;

	*why = NULL;
	if (name == NULL)
		return -1;
	rc = git_reference_name_to_id(&id, repo, name);
	if (rc == GIT_ENOTFOUND) {
		free(name);
		return rc;
	}
	if (rc < 0) {
		*why = git_message(name);
		free(name);
		return VERIFY_DAMAGED;
	}
	obj = NULL;
	rc = git_object_lookup(&obj, repo, &id, GIT_OBJECT_ANY);
	if (rc == 0)
		rc = git_object_peel((git_object **)out, obj, GIT_OBJECT_COMMIT);
	git_object_free(obj);
	if (rc < 0) {
		char what[300];
		snprintf(what, sizeof(what), "cannot read the tip commit %.12s "
		    "of %s", git_oid_tostr_s(&id), name);
		*why = git_message(what);
		free(name);
		return VERIFY_DAMAGED;
	}
	free(name);
	return 0;
}

/*
 * Whether libgit2's last error is the path's absence from a tree (a file
 * upstream does not have), not an object the mirror cannot read.
 */
static int
path_absent(int rc)
{
	const git_error *e = git_error_last();

	return rc == GIT_ENOTFOUND && e != NULL && e->klass == GIT_ERROR_TREE;
}

/*
 * Reads path in commit's tree: 0, GIT_ENOTFOUND (no such file), or
 * VERIFY_DAMAGED (the tree or the blob cannot be read).
 */
static int
read_file(struct text *t, git_repository *repo, const git_commit *commit,
    const char *path, git_oid *blob_id)
{
	git_tree_entry *entry;
	git_object_t type;
	git_tree *tree;
	git_odb *odb;
	size_t size;
	int rc;

	memset(t, 0, sizeof(*t));
	if (git_commit_tree(&tree, commit) < 0)
		return VERIFY_DAMAGED;
	rc = git_tree_entry_bypath(&entry, tree, path);
	git_tree_free(tree);
	if (rc < 0)
		return path_absent(rc) ? GIT_ENOTFOUND : VERIFY_DAMAGED;
	/* A folder or a submodule at that path is not a license file. */
	if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB) {
		git_tree_entry_free(entry);
		return GIT_ENOTFOUND;
	}
	git_oid_cpy(blob_id, git_tree_entry_id(entry));
	git_tree_entry_free(entry);
	/*
	 * A blob too large to be a license is not read at all (upstream
	 * chooses its size): t->data stays NULL, t->len says how large.
	 */
	if ((rc = git_repository_odb(&odb, repo)) < 0)
		return rc;
	rc = git_odb_read_header(&size, &type, odb, blob_id);
	git_odb_free(odb);
	if (rc < 0)
		return VERIFY_DAMAGED;
	if (size > LICENSE_MAX_SIZE) {
		t->len = size;
		return 0;
	}
	/* libgit2 checks the object's hash as it reads it (strict). */
	if (git_blob_lookup(&t->blob, repo, blob_id) < 0)
		return VERIFY_DAMAGED;
	t->data = git_blob_rawcontent(t->blob);
	t->len = (size_t)git_blob_rawsize(t->blob);
	return 0;
}

/*
 * Finds the most recent commit from the tip whose version of path has the
 * fingerprint pin, and diffs that text against now.  Returns 1 when found
 * (l->against and l->change set), 0 when not, -1 when out of memory.
 */
static int
diff_against_pin(struct license_report *l, git_repository *repo,
    const git_commit *tip, const struct text *now)
{
	const char *pin = l->spec->sha256;
	git_oid id, blob_id, last_blob;
	git_revwalk *walk;
	int found = 0, have_last = 0;

	if (git_revwalk_new(&walk, repo) < 0)
		return 0;
	/* Children before parents, whatever their dates say. */
	git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);
	git_revwalk_push(walk, git_commit_id(tip));
	for (int n = 0; !found && n < VERIFY_MAX_HISTORY &&
	    git_revwalk_next(&id, walk) == 0; n++) {
		git_commit *c;
		struct text t;
		char sha[65];

		if (git_commit_lookup(&c, repo, &id) < 0)
			continue;
		if (read_file(&t, repo, c, l->spec->path, &blob_id) < 0) {
			git_commit_free(c);
			continue;
		}
		/* Most commits leave the file alone: skip unchanged blobs. */
		if ((!have_last || !git_oid_equal(&blob_id, &last_blob)) &&
		    t.data != NULL &&
		    license_fingerprint(sha, t.data, t.len) == 0 &&
		    strcmp(sha, pin) == 0) {
			found = license_diff(&l->change, t.data, t.len,
			    now->data, now->len) == 0 ? 1 : -1;
			if (found == 1)
				l->against = strdup(git_oid_tostr_s(&id));
			if (found == 1 && l->against == NULL)
				found = -1;
		}
		git_oid_cpy(&last_blob, &blob_id);
		have_last = 1;
		git_blob_free(t.blob);
		git_commit_free(c);
	}
	git_revwalk_free(walk);
	return found;
}

static struct dsm_error *
verify_file(struct license_report *l, git_repository *repo,
    const git_commit *tip)
{
	struct license_result res = { 0 };
	struct text t;
	git_oid blob_id;
	int rc, found;

	rc = read_file(&t, repo, tip, l->spec->path, &blob_id);
	if (rc == GIT_ENOTFOUND) {
		l->verdict = VERDICT_MISSING;
		l->detail = util_printf("no file %s at the tip of the branch",
		    l->spec->path);
		return NULL;
	}
	if (rc == VERIFY_DAMAGED) {
		char *msg = git_message(l->spec->path);
		l->verdict = VERDICT_DAMAGED;
		l->detail = msg != NULL ? util_printf("cannot read %s; %s",
		    msg, VERIFY_DAMAGED_HINT) : NULL;
		free(msg);
		return NULL;
	}
	if (rc < 0) {
		l->verdict = VERDICT_MISSING;
		l->detail = git_message("cannot read the file");
		return NULL;
	}
	git_oid_tostr(l->blob, sizeof(l->blob), &blob_id);
	if (t.len > LICENSE_MAX_SIZE) {
		/* No license is this long; no fingerprint either. */
		if (l->spec->spdx != NULL || l->spec->sha256 != NULL)
			l->verdict = l->spec->spdx != NULL ?
			    VERDICT_NOT_EXPECTED : VERDICT_CHANGED;
		l->detail = util_printf("the file is larger than %d bytes",
		    LICENSE_MAX_SIZE);
		git_blob_free(t.blob);
		return NULL;
	}
	if (l->spec->spdx != NULL) {
		if (license_classify(&res, l->spec->spdx, t.data, t.len) < 0)
			goto nomem;
		memcpy(l->sha256, res.sha256, sizeof(l->sha256));
		if (!res.matches) {
			l->verdict = VERDICT_NOT_EXPECTED;
			l->detail = util_printf("the text is not the %s license%s%s",
			    l->spec->spdx, res.reason != NULL ? ": " : "",
			    res.reason != NULL ? res.reason : "");
		}
	} else if (license_fingerprint(l->sha256, t.data, t.len) < 0) {
		goto nomem;
	}
	if (l->verdict == VERDICT_OK && l->spec->sha256 != NULL &&
	    strcmp(l->sha256, l->spec->sha256) != 0) {
		l->verdict = VERDICT_CHANGED;
		l->detail = util_printf("fingerprint %.12s... differs from the "
		    "pin %.12s...", l->sha256, l->spec->sha256);
	}
	if (l->verdict != VERDICT_OK) {
		found = l->spec->sha256 != NULL ?
		    diff_against_pin(l, repo, tip, &t) : 0;
		if (found < 0)
			goto nomem;
		if (found == 0 && l->verdict == VERDICT_NOT_EXPECTED) {
			/* No accepted text in history: against the template. */
			l->change = res.change;
			memset(&res.change, 0, sizeof(res.change));
			if ((l->against = strdup("template")) == NULL)
				goto nomem;
		}
	}
	license_result_free(&res);
	git_blob_free(t.blob);
	return NULL;
nomem:
	license_result_free(&res);
	git_blob_free(t.blob);
	return dsm_error_new(DSM_ERR_NOMEM, "out of memory");
}

static void
set_all(struct repo_result *r, enum license_verdict v, const char *why)
{
	for (size_t i = 0; i < r->nlicenses; i++) {
		r->licenses[i].verdict = v;
		r->licenses[i].detail = why != NULL ? strdup(why) : NULL;
	}
}

static void
no_mirror(struct repo_result *r, const char *why)
{
	set_all(r, VERDICT_NO_MIRROR, why);
}

struct dsm_error *
verify_global_init(void)
{
	if (git_libgit2_init() < 0)
		return dsm_error_new(DSM_ERR_SYSTEM, "cannot initialise libgit2");
	/*
	 * CI may verify mirrors that a cron job's service account owns.
	 * verify only reads, and libgit2 runs nothing a repository's config
	 * names, so another owner is no risk here (fetch refuses it).
	 */
	if (git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, 0) < 0 ||
	    git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 1) < 0)
		return dsm_error_new(DSM_ERR_SYSTEM, "cannot set libgit2 options");
	return NULL;
}

struct dsm_error *
verify_repo(struct repo_result *r, const char *root, int tree)
{
	const struct repo_spec *spec = r->spec;
	struct dsm_error *err = NULL;
	git_repository *repo = NULL;
	git_commit *tip = NULL;
	struct stat st;
	char *path, *why;
	int rc;

	r->licenses = calloc(spec->nlicenses + 1, sizeof(*r->licenses));
	if (r->licenses == NULL)
		return dsm_error_new(DSM_ERR_NOMEM, "out of memory");
	r->nlicenses = spec->nlicenses;
	r->verified = 1;
	for (size_t i = 0; i < spec->nlicenses; i++)
		r->licenses[i].spec = &spec->licenses[i];

	if ((path = mirror_path(root, spec->name)) == NULL)
		return dsm_error_new(DSM_ERR_NOMEM, "out of memory");
	if (stat(path, &st) == -1) {
		why = util_printf("no mirror at %s (run dsmirror fetch)", path);
		no_mirror(r, why);
		free(why);
		goto done;
	}
	if (git_repository_open_ext(&repo, path,
	    GIT_REPOSITORY_OPEN_NO_SEARCH | GIT_REPOSITORY_OPEN_BARE, NULL) < 0) {
		why = git_message("cannot open the mirror");
		no_mirror(r, why);
		free(why);
		goto done;
	}
	if ((rc = tip_commit(&tip, repo, spec, &why)) == VERIFY_DAMAGED) {
		char *msg = why != NULL ? util_printf("%s; %s", why,
		    VERIFY_DAMAGED_HINT) : NULL;
		set_all(r, VERDICT_DAMAGED, msg);
		free(msg);
		free(why);
		goto done;
	}
	if (rc < 0) {
		why = spec->branch != NULL ?
		    util_printf("the mirror has no branch %s", spec->branch) :
		    util_printf("the mirror's HEAD names no commit");
		no_mirror(r, why);
		free(why);
		goto done;
	}
	for (size_t i = 0; i < spec->nlicenses && err == NULL; i++)
		err = verify_file(&r->licenses[i], repo, tip);
	if (err == NULL && tree && spec->inventory)
		err = verify_inventory(r, repo, tip);
done:
	git_commit_free(tip);
	git_repository_free(repo);
	free(path);
	return err;
}

struct dsm_error *
verify_head_branch(const char *root, const struct repo_spec *spec,
    char **out)
{
	git_repository *repo = NULL;
	git_reference *head = NULL;
	const char *target;
	char *path;

	*out = NULL;
	if ((path = mirror_path(root, spec->name)) == NULL)
		return dsm_error_new(DSM_ERR_NOMEM, "out of memory");
	if (git_repository_open_ext(&repo, path,
	    GIT_REPOSITORY_OPEN_NO_SEARCH | GIT_REPOSITORY_OPEN_BARE, NULL) < 0 ||
	    git_reference_lookup(&head, repo, "HEAD") < 0 ||
	    (target = git_reference_symbolic_target(head)) == NULL ||
	    strncmp(target, "refs/heads/", 11) != 0) {
		git_reference_free(head);
		git_repository_free(repo);
		free(path);
		return dsm_error_new(DSM_ERR_SYSTEM, "no mirror, or its HEAD "
		    "names no branch");
	}
	*out = strdup(target + 11);
	git_reference_free(head);
	git_repository_free(repo);
	free(path);
	return *out != NULL ? NULL : dsm_error_new(DSM_ERR_NOMEM,
	    "out of memory");
}
