/*
 * mirror.c - clone and update one bare mirror with libgit2.
 *
 * An update runs in this order, so that a kill at any moment leaves a usable
 * mirror and the next run finishes the work:
 *   1. list the upstream's refs (one request) and compare them with ours;
 *      equal means unchanged, and nothing more is asked of the server;
 *   2. download the missing objects (a pack, renamed into place by libgit2
 *      only when complete);
 *   3. for every ref upstream rewrote or deleted, write a preserved ref to
 *      its old tip;
 *   4. only then delete, create and move our refs, and point HEAD where
 *      upstream's HEAD points.
 */
#include <dirent.h>
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <git2.h>

#include "mirror.h"
#include "netstream.h"
#include "util.h"

/* A mirror with more refs than this is refused rather than half-handled. */
#define MIRROR_MAX_REFS		1000000
/* The name libgit2 gives a pack while it is being received. */
#define MIRROR_PARTIAL_PACK	"pack_git2_"
/* Attempts at a free preserved-ref name within one second. */
#define MIRROR_PRESERVE_TRIES	100

struct ref {
	char *name;
	git_oid oid;
};

struct reflist {
	struct ref *v;
	size_t n;
	size_t cap;
};

struct fetch {
	const struct mirror_opts *opts;
	struct fetch_report *out;
	git_repository *repo;
	git_remote *remote;
	git_refspec **specs;
	size_t nspecs;
	struct reflist upstream;	/* advertised refs we mirror */
	struct reflist local;		/* our refs in the same namespaces */
	struct reflist preserved;	/* tips kept: original name, oid */
	char *upstream_head;		/* upstream HEAD's target, or NULL */
	struct fetch_progress progress;
	double last_progress;
	int tried_agent;		/* ssh agent asked once already */
	char url[CONFIG_MAX_URL + 1];	/* without credentials, for messages */
};

static void
report_progress(struct fetch *f, enum fetch_phase phase)
{
	double now = util_now();

	if (f->opts->progress == NULL)
		return;
	if (phase == f->progress.phase &&
	    now - f->last_progress < MIRROR_PROGRESS_INTERVAL)
		return;
	f->progress.phase = phase;
	f->last_progress = now;
	f->opts->progress(&f->progress, f->opts->payload);
}

static int
on_sideband(const char *str, int len, void *payload)
{
	(void)str;
	(void)len;
	report_progress(payload, PHASE_COUNTING);
	return 0;
}

static int
on_transfer(const git_indexer_progress *stats, void *payload)
{
	struct fetch *f = payload;

	f->progress.received_objects = stats->received_objects;
	f->progress.total_objects = stats->total_objects;
	f->progress.indexed_deltas = stats->indexed_deltas;
	f->progress.total_deltas = stats->total_deltas;
	f->progress.received_bytes = stats->received_bytes;
	f->out->received_bytes = stats->received_bytes;
	f->out->received_objects = stats->received_objects;
	report_progress(f, stats->total_deltas > 0 &&
	    stats->received_objects == stats->total_objects ?
	    PHASE_RESOLVING : PHASE_RECEIVING);
	return 0;
}

/* ssh: the agent's keys, tried once; other transports: libgit2's default. */
static int
on_credentials(git_credential **out, const char *url, const char *user,
    unsigned int allowed, void *payload)
{
	struct fetch *f = payload;

	(void)url;
	if ((allowed & GIT_CREDENTIAL_SSH_KEY) && !f->tried_agent &&
	    user != NULL) {
		f->tried_agent = 1;
		return git_credential_ssh_key_from_agent(out, user);
	}
	return GIT_PASSTHROUGH;
}

/* Copies url into buf without any "user:password@" part. */
static void
redact_url(char *buf, size_t size, const char *url)
{
	const char *scheme = strstr(url, "://");
	const char *at, *slash;

	if (scheme != NULL) {
		at = strchr(scheme + 3, '@');
		slash = strchr(scheme + 3, '/');
		if (at != NULL && (slash == NULL || at < slash)) {
			snprintf(buf, size, "%.*s%s", (int)(scheme + 3 - url),
			    url, at + 1);
			util_sanitize(buf, size, buf);
			return;
		}
	}
	util_sanitize(buf, size, url);
}

/* Returns an error saying what failed, with libgit2's reason. */
static struct dsm_error *
git_fail(enum dsm_error_kind kind, const char *what)
{
	const git_error *e = git_error_last();
	const char *msg = e != NULL && e->message != NULL ? e->message :
	    "unknown error";
	char safe[1024];

	util_sanitize(safe, sizeof(safe), msg);
	if (strstr(safe, "status code: 404") != NULL)
		return dsm_error_new(kind, "%s: upstream repository not found "
		    "(HTTP 404)", what);
	if (strstr(safe, "status code: 451") != NULL)
		return dsm_error_new(kind, "%s: upstream unavailable for legal "
		    "reasons (HTTP 451)", what);
	return dsm_error_new(kind, "%s: %s", what, safe);
}

static struct dsm_error *
reflist_add(struct reflist *l, const char *name, const git_oid *oid)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct ref *v;
		if (l->n >= MIRROR_MAX_REFS)
			return dsm_error_new(DSM_ERR_REMOTE,
			    "more than %d refs", MIRROR_MAX_REFS);
		v = realloc(l->v, cap * sizeof(*v));
		if (v == NULL)
			return dsm_error_new(DSM_ERR_NOMEM, "out of memory");
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n].name = strdup(name);
	if (l->v[l->n].name == NULL)
		return dsm_error_new(DSM_ERR_NOMEM, "out of memory");
	git_oid_cpy(&l->v[l->n].oid, oid);
	l->n++;
	return NULL;
}

static void
reflist_free(struct reflist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].name);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int
ref_cmp(const void *a, const void *b)
{
	return strcmp(((const struct ref *)a)->name,
	    ((const struct ref *)b)->name);
}

/* qsort() and bsearch() want a non-NULL base even for no elements. */
static void
reflist_sort(struct reflist *l)
{
	if (l->n > 1)
		qsort(l->v, l->n, sizeof(struct ref), ref_cmp);
}

static int
is_mirrored(const struct fetch *f, const char *name)
{
	size_t len = strlen(name);

	/* Peeled tags ("refs/tags/v1^{}") are advertisements, not refs. */
	if (len >= 3 && strcmp(name + len - 3, "^{}") == 0)
		return 0;
	/* Our own namespace is never mirrored, whatever the patterns say. */
	if (strncmp(name, MIRROR_OWN_NS, strlen(MIRROR_OWN_NS)) == 0)
		return 0;
	for (size_t i = 0; i < f->nspecs; i++)
		if (git_refspec_src_matches(f->specs[i], name))
			return 1;
	return 0;
}

static struct dsm_error *
parse_refspecs(struct fetch *f)
{
	const struct repo_spec *spec = f->opts->spec;

	f->specs = calloc(spec->nrefs, sizeof(*f->specs));
	if (f->specs == NULL)
		return dsm_error_new(DSM_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < spec->nrefs; i++) {
		char *s = util_printf("+%s:%s", spec->refs[i], spec->refs[i]);
		int rc = s != NULL ? git_refspec_parse(&f->specs[i], s, 1) : -1;
		free(s);
		if (rc < 0)
			return git_fail(DSM_ERR_USAGE, spec->refs[i]);
		f->nspecs++;
	}
	return NULL;
}

static void
fill_callbacks(struct fetch *f, git_remote_callbacks *cb)
{
	cb->sideband_progress = on_sideband;
	cb->transfer_progress = on_transfer;
	cb->credentials = on_credentials;
	cb->payload = f;
}

static struct dsm_error *
list_upstream(struct fetch *f)
{
	git_remote_connect_options copts;
	git_remote_create_options ropts;
	const git_remote_head **heads;
	struct dsm_error *err;
	size_t n;

	git_remote_connect_options_init(&copts,
	    GIT_REMOTE_CONNECT_OPTIONS_VERSION);
	git_remote_create_options_init(&ropts,
	    GIT_REMOTE_CREATE_OPTIONS_VERSION);

	/*
	 * Anonymous, and the URL as mirrors.json says: no url.*.insteadOf
	 * of a git configuration may send the fetch elsewhere.
	 */
	ropts.repository = f->repo;
	ropts.flags = GIT_REMOTE_CREATE_SKIP_INSTEADOF |
	    GIT_REMOTE_CREATE_SKIP_DEFAULT_FETCHSPEC;
	if (git_remote_create_with_opts(&f->remote, f->opts->spec->url,
	    &ropts) < 0)
		return git_fail(DSM_ERR_REMOTE, f->url);
	fill_callbacks(f, &copts.callbacks);
	copts.proxy_opts.type = GIT_PROXY_AUTO;
	copts.follow_redirects = GIT_REMOTE_REDIRECT_INITIAL;
	report_progress(f, PHASE_CONNECTING);
	if (git_remote_connect_ext(f->remote, GIT_DIRECTION_FETCH, &copts) < 0)
		return git_fail(DSM_ERR_REMOTE, f->url);
	if (git_remote_ls(&heads, &n, f->remote) < 0)
		return git_fail(DSM_ERR_REMOTE, f->url);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(heads[i]->name, "HEAD") == 0) {
			if (heads[i]->symref_target != NULL &&
			    (f->upstream_head = strdup(heads[i]->symref_target))
			    == NULL)
				return dsm_error_new(DSM_ERR_NOMEM,
				    "out of memory");
			continue;
		}
		if (!is_mirrored(f, heads[i]->name))
			continue;
		if ((err = reflist_add(&f->upstream, heads[i]->name,
		    &heads[i]->oid)) != NULL)
			return err;
	}
	reflist_sort(&f->upstream);
	return NULL;
}

static struct dsm_error *
list_local(struct fetch *f)
{
	git_reference_iterator *it;
	git_reference *ref;
	struct dsm_error *err = NULL;
	int rc;

	if (git_reference_iterator_new(&it, f->repo) < 0)
		return git_fail(DSM_ERR_SYSTEM, "cannot list the mirror's refs");
	while ((rc = git_reference_next(&ref, it)) == 0) {
		const char *name = git_reference_name(ref);
		if (git_reference_type(ref) == GIT_REFERENCE_DIRECT &&
		    is_mirrored(f, name))
			err = reflist_add(&f->local, name,
			    git_reference_target(ref));
		git_reference_free(ref);
		if (err != NULL)
			break;
	}
	git_reference_iterator_free(it);
	if (err == NULL && rc != GIT_ITEROVER)
		return git_fail(DSM_ERR_SYSTEM, "cannot list the mirror's refs");
	reflist_sort(&f->local);
	return err;
}

static const struct ref *find_ref(const struct reflist *l, const char *name);

/*
 * The ref HEAD should name: the configured branch, else upstream's HEAD;
 * when upstream's HEAD names nothing we mirror, its main or master, else
 * its first branch.  NULL: leave HEAD alone (nothing to point it to).
 */
static const char *
wanted_head(const struct fetch *f, char *buf, size_t size)
{
	static const char *const usual[] = { "refs/heads/main",
	    "refs/heads/master", NULL };

	if (f->opts->spec->branch != NULL) {
		snprintf(buf, size, "refs/heads/%s", f->opts->spec->branch);
		return buf;
	}
	if (f->upstream_head != NULL &&
	    find_ref(&f->upstream, f->upstream_head) != NULL)
		return f->upstream_head;
	for (const char *const *u = usual; *u != NULL; u++)
		if (find_ref(&f->upstream, *u) != NULL)
			return *u;
	for (size_t i = 0; i < f->upstream.n; i++)
		if (strncmp(f->upstream.v[i].name, "refs/heads/", 11) == 0)
			return f->upstream.v[i].name;
	return NULL;
}

static int
head_is(const struct fetch *f, const char *target)
{
	git_reference *head;
	int same;

	if (target == NULL)
		return 1;
	if (git_reference_lookup(&head, f->repo, "HEAD") < 0)
		return 0;
	same = git_reference_type(head) == GIT_REFERENCE_SYMBOLIC &&
	    strcmp(git_reference_symbolic_target(head), target) == 0;
	git_reference_free(head);
	return same;
}

static int
refs_equal(const struct reflist *a, const struct reflist *b)
{
	if (a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i].name, b->v[i].name) != 0 ||
		    !git_oid_equal(&a->v[i].oid, &b->v[i].oid))
			return 0;
	return 1;
}

static struct dsm_error *
download(struct fetch *f)
{
	git_fetch_options fopts;
	git_strarray specs = { NULL, 0 };
	struct dsm_error *err = NULL;
	int missing = 0;

	git_fetch_options_init(&fopts, GIT_FETCH_OPTIONS_VERSION);

	/* Nothing to ask for when every wanted object is already here. */
	for (size_t i = 0; i < f->upstream.n && !missing; i++) {
		git_odb *odb;
		if (git_repository_odb(&odb, f->repo) < 0)
			return git_fail(DSM_ERR_SYSTEM, "cannot open objects");
		missing = !git_odb_exists(odb, &f->upstream.v[i].oid);
		git_odb_free(odb);
	}
	if (!missing)
		return NULL;

	specs.strings = calloc(f->nspecs, sizeof(char *));
	if (specs.strings == NULL)
		return dsm_error_new(DSM_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < f->nspecs; i++)
		specs.strings[i] = (char *)git_refspec_string(f->specs[i]);
	specs.count = f->nspecs;
	fill_callbacks(f, &fopts.callbacks);
	fopts.prune = GIT_FETCH_NO_PRUNE;
	fopts.update_fetchhead = 0;
	fopts.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
	fopts.proxy_opts.type = GIT_PROXY_AUTO;
	fopts.follow_redirects = GIT_REMOTE_REDIRECT_INITIAL;
	if (git_remote_download(f->remote, &specs, &fopts) < 0)
		err = git_fail(DSM_ERR_REMOTE, f->url);
	free(specs.strings);
	return err;
}

static const struct ref *
find_ref(const struct reflist *l, const char *name)
{
	struct ref key = { (char *)name, { { 0 } } };

	if (l->n == 0)
		return NULL;
	return bsearch(&key, l->v, l->n, sizeof(struct ref), ref_cmp);
}

/* Whether the move from old to new loses history that we must keep. */
static int
needs_preserving(struct fetch *f, const char *name, const git_oid *old,
    const git_oid *new)
{
	if (new == NULL)
		return 1;		/* deleted */
	if (git_oid_equal(old, new))
		return 0;
	if (strncmp(name, "refs/heads/", 11) != 0)
		return 1;		/* a tag or other ref that moved */
	/* A branch: a fast-forward keeps the old tip reachable. */
	return git_graph_descendant_of(f->repo, new, old) != 1;
}

/*
 * Loads, once per update, what the preserved namespace already keeps: as
 * (original ref name, oid) pairs, so that a rerun after a kill between
 * preserving and moving does not preserve the same tip twice.
 */
static struct dsm_error *
load_preserved(struct fetch *f)
{
	git_reference_iterator *it;
	git_reference *ref;
	struct dsm_error *err = NULL;

	if (git_reference_iterator_glob_new(&it, f->repo,
	    MIRROR_PRESERVE_NS "*") < 0)
		return git_fail(DSM_ERR_SYSTEM, "cannot list preserved refs");
	while (err == NULL && git_reference_next(&ref, it) == 0) {
		const char *rest = git_reference_name(ref) +
		    strlen(MIRROR_PRESERVE_NS);
		const char *slash = strchr(rest, '/');
		const git_oid *target = git_reference_target(ref);
		if (slash != NULL && target != NULL)
			err = reflist_add(&f->preserved, slash + 1, target);
		git_reference_free(ref);
	}
	git_reference_iterator_free(it);
	reflist_sort(&f->preserved);
	return err;
}

/* Whether some preserved ref already keeps oid for name. */
static int
already_preserved(const struct fetch *f, const char *name, const git_oid *oid)
{
	const struct ref *r = find_ref(&f->preserved, name);

	if (r == NULL)
		return 0;
	/* Several may keep tips of one name: look at all of them. */
	while (r > f->preserved.v && strcmp(r[-1].name, name) == 0)
		r--;
	for (; r < f->preserved.v + f->preserved.n &&
	    strcmp(r->name, name) == 0; r++)
		if (git_oid_equal(&r->oid, oid))
			return 1;
	return 0;
}

static struct dsm_error *
preserve(struct fetch *f, const char *name, const git_oid *oid, time_t now)
{
	struct fetch_report *out = f->out;
	struct ref_preserved *p;
	git_reference *ref;
	char stamp[17], *as = NULL;
	int rc = -1;

	if (already_preserved(f, name, oid))
		return NULL;
	util_utc_stamp(stamp, now);
	for (int i = 0; i < MIRROR_PRESERVE_TRIES && rc < 0; i++) {
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
		rc = git_reference_create(&ref, f->repo, as, oid, 0,
		    "dsmirror: preserve old tip");
		if (rc == 0)
			git_reference_free(ref);
	}
	if (rc < 0) {
		free(as);
		return git_fail(DSM_ERR_SYSTEM, "cannot preserve old tip");
	}
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

static struct dsm_error *
note_update(struct fetch *f, const char *name, const git_oid *old,
    const git_oid *new)
{
	struct fetch_report *out = f->out;
	struct ref_update *u;

	u = realloc(out->updated, (out->nupdated + 1) * sizeof(*u));
	if (u == NULL)
		return dsm_error_new(DSM_ERR_NOMEM, "out of memory");
	out->updated = u;
	u = &out->updated[out->nupdated];
	memset(u, 0, sizeof(*u));
	if ((u->ref = strdup(name)) == NULL)
		return dsm_error_new(DSM_ERR_NOMEM, "out of memory");
	if (old != NULL)
		git_oid_tostr(u->old, sizeof(u->old), old);
	if (new != NULL)
		git_oid_tostr(u->new, sizeof(u->new), new);
	out->nupdated++;
	return NULL;
}

static struct dsm_error *
write_ref(struct fetch *f, const char *name, const git_oid *old,
    const git_oid *new)
{
	git_reference *ref;
	int rc;

	if (new == NULL) {
		rc = git_reference_lookup(&ref, f->repo, name);
		if (rc == 0) {
			rc = git_reference_delete(ref);
			git_reference_free(ref);
		}
	} else if (old == NULL) {
		rc = git_reference_create(&ref, f->repo, name, new, 1,
		    "dsmirror: fetch");
		if (rc == 0)
			git_reference_free(ref);
	} else {
		/* Compare and swap: move it only from the tip we looked at. */
		rc = git_reference_create_matching(&ref, f->repo, name, new, 1,
		    old, "dsmirror: fetch");
		if (rc == 0)
			git_reference_free(ref);
	}
	if (rc < 0 && rc != GIT_ENOTFOUND) {
		char what[512];
		snprintf(what, sizeof(what), "cannot update %s", name);
		return git_fail(DSM_ERR_SYSTEM, what);
	}
	return note_update(f, name, old, new);
}

/*
 * Steps 3 and 4: preserve every old tip that would become unreachable, then
 * delete, then create and move refs (deleting first frees names that a new
 * ref may need, e.g. refs/heads/a replaced by refs/heads/a/b).
 */
static struct dsm_error *
apply_refs(struct fetch *f)
{
	struct dsm_error *err;
	time_t now = time(NULL);

	report_progress(f, PHASE_UPDATING);
	if ((err = load_preserved(f)) != NULL)
		return err;
	/*
	 * report_progress() in each loop is the worker's heartbeat: the
	 * watchdog must not take thousands of ref updates for a stall.
	 */
	for (size_t i = 0; i < f->local.n; i++) {
		const struct ref *l = &f->local.v[i];
		const struct ref *u = find_ref(&f->upstream, l->name);
		report_progress(f, PHASE_UPDATING);
		if (needs_preserving(f, l->name, &l->oid,
		    u != NULL ? &u->oid : NULL) &&
		    (err = preserve(f, l->name, &l->oid, now)) != NULL)
			return err;
	}
	for (size_t i = 0; i < f->local.n; i++) {
		const struct ref *l = &f->local.v[i];
		report_progress(f, PHASE_UPDATING);
		if (find_ref(&f->upstream, l->name) == NULL &&
		    (err = write_ref(f, l->name, &l->oid, NULL)) != NULL)
			return err;
	}
	for (size_t i = 0; i < f->upstream.n; i++) {
		const struct ref *u = &f->upstream.v[i];
		const struct ref *l = find_ref(&f->local, u->name);
		report_progress(f, PHASE_UPDATING);
		if (l != NULL && git_oid_equal(&l->oid, &u->oid))
			continue;
		if ((err = write_ref(f, u->name, l != NULL ? &l->oid : NULL,
		    &u->oid)) != NULL)
			return err;
	}
	return NULL;
}

static struct dsm_error *
set_head(struct fetch *f)
{
	char buf[300];
	const char *target = wanted_head(f, buf, sizeof(buf));
	git_reference *ref;

	if (target == NULL || head_is(f, target))
		return NULL;
	if (git_reference_symbolic_create(&ref, f->repo, "HEAD", target, 1,
	    "dsmirror: follow upstream HEAD") < 0)
		return git_fail(DSM_ERR_SYSTEM, "cannot set HEAD");
	git_reference_free(ref);
	return NULL;
}

/* Records HEAD's name and commit in the report ("" for an empty mirror). */
static struct dsm_error *
read_head(struct fetch *f)
{
	git_reference *head;
	git_object *commit;

	if (git_reference_lookup(&head, f->repo, "HEAD") == 0) {
		if (git_reference_type(head) == GIT_REFERENCE_SYMBOLIC &&
		    (f->out->head_ref = strdup(
		    git_reference_symbolic_target(head))) == NULL) {
			git_reference_free(head);
			return dsm_error_new(DSM_ERR_NOMEM, "out of memory");
		}
		git_reference_free(head);
	}
	if (git_revparse_single(&commit, f->repo, "HEAD^{commit}") == 0) {
		git_oid_tostr(f->out->head, sizeof(f->out->head),
		    git_object_id(commit));
		git_object_free(commit);
	}
	return NULL;
}

/* Steps 1-4 on an open repository.  Sets *changed. */
static struct dsm_error *
sync_refs(struct fetch *f, int *changed)
{
	struct dsm_error *err;
	char buf[300];

	*changed = 0;
	if ((err = parse_refspecs(f)) != NULL ||
	    (err = list_local(f)) != NULL ||
	    (err = list_upstream(f)) != NULL)
		return err;
	if (f->opts->spec->branch != NULL &&
	    find_ref(&f->upstream, wanted_head(f, buf, sizeof(buf))) == NULL)
		return dsm_error_new(DSM_ERR_REMOTE, "%s: upstream has no "
		    "branch \"%s\" (or \"refs\" does not mirror it)", f->url,
		    f->opts->spec->branch);
	if (refs_equal(&f->upstream, &f->local) &&
	    head_is(f, wanted_head(f, buf, sizeof(buf))))
		return NULL;
	*changed = 1;
	if ((err = download(f)) != NULL ||
	    (err = apply_refs(f)) != NULL ||
	    (err = set_head(f)) != NULL)
		return err;
	return NULL;
}

static void
fetch_free(struct fetch *f)
{
	for (size_t i = 0; i < f->nspecs; i++)
		git_refspec_free(f->specs[i]);
	free(f->specs);
	reflist_free(&f->upstream);
	reflist_free(&f->local);
	reflist_free(&f->preserved);
	free(f->upstream_head);
	if (f->remote != NULL) {
		git_remote_disconnect(f->remote);
		git_remote_free(f->remote);
	}
	git_repository_free(f->repo);
}

static struct dsm_error *
check_owner(const char *path, const struct stat *st)
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

/*
 * libgit2 receives a pack into objects/pack/pack_git2_XXXXXX and renames it
 * only when it is whole; a killed transfer leaves the partial file, which
 * nothing would ever remove (git gc does not know the name).
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
			if (strncmp(de->d_name, MIRROR_PARTIAL_PACK,
			    strlen(MIRROR_PARTIAL_PACK)) != 0)
				continue;
			char *p = util_path_join(dir, de->d_name);
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
static void
recover(const char *path)
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

static struct dsm_error *
update(struct fetch *f, const char *path)
{
	struct dsm_error *err;
	int changed;

	if (git_repository_open_ext(&f->repo, path,
	    GIT_REPOSITORY_OPEN_NO_SEARCH | GIT_REPOSITORY_OPEN_BARE, NULL) < 0
	    || !git_repository_is_bare(f->repo))
		return dsm_error_new(DSM_ERR_REMOTE, "%s exists but is not a bare "
		    "git repository; move it away so that dsmirror can clone "
		    "the mirror", path);
	/* Only in what is a mirror: never in a stray folder of that name. */
	recover(path);
	if ((err = sync_refs(f, &changed)) != NULL)
		return err;
	f->out->result = changed ? FETCH_UPDATED : FETCH_UNCHANGED;
	return read_head(f);
}

static struct dsm_error *
clone(struct fetch *f, const char *path)
{
	git_repository_init_options iopts;
	struct dsm_error *err = NULL;
	git_refdb *refdb = NULL;
	char *tmp;
	int changed;

	git_repository_init_options_init(&iopts,
	    GIT_REPOSITORY_INIT_OPTIONS_VERSION);

	tmp = util_printf("%s/" MIRROR_TMP_PREFIX "%s.XXXXXX", f->opts->root,
	    f->opts->spec->name);
	if (tmp == NULL)
		return dsm_error_new(DSM_ERR_NOMEM, "out of memory");
	if (mkdtemp(tmp) == NULL) {
		err = dsm_error_errno(DSM_ERR_SYSTEM, errno, "cannot create %s",
		    tmp);
		free(tmp);
		return err;
	}
	/* mkdtemp() makes it private; a mirror is as readable as umask says. */
	mode_t mask = umask(0);
	umask(mask);
	if (chmod(tmp, 0777 & ~mask) == -1) {
		err = dsm_error_errno(DSM_ERR_SYSTEM, errno, "cannot chmod %s",
		    tmp);
		goto done;
	}
	/*
	 * Nobody sees the temporary clone: rather than have libgit2 fsync
	 * each ref and folder as it writes them, sync the whole once, before
	 * the rename that makes it visible.  (This worker fetches only this
	 * repo, so the process-wide option is ours to change.)
	 */
	git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 0);
	iopts.flags = GIT_REPOSITORY_INIT_BARE | GIT_REPOSITORY_INIT_NO_REINIT;
	if (git_repository_init_ext(&f->repo, tmp, &iopts) < 0) {
		err = git_fail(DSM_ERR_SYSTEM, "cannot create the mirror");
		goto done;
	}
	if ((err = sync_refs(f, &changed)) != NULL)
		goto done;
	/* Packed refs, as git clone writes them: one file, not thousands. */
	if (git_repository_refdb(&refdb, f->repo) < 0 ||
	    git_refdb_compress(refdb) < 0) {
		err = git_fail(DSM_ERR_SYSTEM, "cannot pack refs");
		goto done;
	}
	if ((err = util_fsync_tree(tmp)) != NULL)
		goto done;
	git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1);
	/* The one step that makes the mirror appear, whole. */
	if (rename(tmp, path) == -1) {
		err = dsm_error_errno(DSM_ERR_SYSTEM, errno,
		    "cannot rename %s to %s", tmp, path);
		goto done;
	}
	if ((err = util_fsync_dir(f->opts->root)) != NULL)
		goto done;
	git_repository_free(f->repo);
	f->repo = NULL;
	if (git_repository_open_bare(&f->repo, path) < 0) {
		err = git_fail(DSM_ERR_SYSTEM, path);
		goto done;
	}
	f->out->result = FETCH_CLONED;
	err = read_head(f);
done:
	git_refdb_free(refdb);
	if (err != NULL) {
		struct dsm_error *rmerr = util_remove_tree(tmp);
		dsm_error_free(rmerr);
	}
	free(tmp);
	return err;
}

char *
mirror_path(const char *root, const char *name)
{
	return util_printf("%s/%s.git", root, name);
}

struct dsm_error *
mirror_global_init(int timeout, const char *cacert)
{
	struct dsm_error *err;

	if (git_libgit2_init() < 0)
		return git_fail(DSM_ERR_SYSTEM, "cannot initialise libgit2");
	if ((err = netstream_register(timeout)) != NULL)
		return err;
	/* Objects, packs and refs reach the disk before they are used. */
	if (git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1) < 0)
		return git_fail(DSM_ERR_SYSTEM, "cannot enable fsync");
	/* Replaces the system's CAs, as curl's CAINFO does for the API. */
	if (cacert != NULL &&
	    git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, cacert, NULL) < 0)
		return git_fail(DSM_ERR_SYSTEM, cacert);
	return NULL;
}

struct dsm_error *
mirror_fetch(struct fetch_report *out, const struct mirror_opts *opts)
{
	struct fetch f = { .opts = opts, .out = out };
	struct dsm_error *err;
	double start = util_now();
	struct stat st;
	char *path;

	redact_url(f.url, sizeof(f.url), opts->spec->url);
	f.progress.phase = PHASE_CONNECTING;
	path = mirror_path(opts->root, opts->spec->name);
	if (path == NULL)
		return dsm_error_new(DSM_ERR_NOMEM, "out of memory");
	if (lstat(path, &st) == 0) {
		if (!S_ISDIR(st.st_mode))
			err = dsm_error_new(DSM_ERR_REMOTE, "%s exists but is not "
			    "a directory; move it away", path);
		else if ((err = check_owner(path, &st)) == NULL)
			err = update(&f, path);
	} else if (errno == ENOENT) {
		err = clone(&f, path);
	} else {
		err = dsm_error_errno(DSM_ERR_SYSTEM, errno, "cannot stat %s",
		    path);
	}
	out->seconds = util_now() - start;
	fetch_free(&f);
	free(path);
	return err;
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
mirror_recover(const char *root, const char *name)
{
	char *path = mirror_path(root, name);
	struct stat st;

	/* Without libgit2 (the caller may fork workers): a cheap look. */
	if (path != NULL && lstat(path, &st) == 0 && S_ISDIR(st.st_mode) &&
	    looks_like_git_dir(path))
		recover(path);
	free(path);
}

struct dsm_error *
mirror_cleanup_root(const char *root)
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
