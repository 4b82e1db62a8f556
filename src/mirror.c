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
 *      its old tip (preserve.c);
 *   4. only then delete, create and move our refs, and point HEAD where
 *      upstream's HEAD points;
 *   5. past maint.h's bounds (packs, loose refs), maintain the mirror,
 *      the connection closed.
 * Before an update, what a killed run left in the mirror is removed
 * (recover.c).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include <git2.h>

#include "fsck.h"
#include "haves.h"
#include "lsrefs.h"
#include "maint.h"
#include "mirror.h"
#include "mirror_int.h"
#include "netstream.h"
#include "preserve.h"
#include "recover.h"
#include "util.h"

/* A mirror with more refs than this is refused rather than half-handled. */
#define MIRROR_MAX_REFS		1000000
/*
 * An update that writes more refs than this writes them all at once into
 * packed-refs (packed.c): one fsync, not two per ref, and no loose files
 * for maintenance to pack afterwards.
 */
#define MIRROR_BATCH_REFS	64
/* Upstream and mirror tips compared for a merge base, at most, each. */
#define MIRROR_IDENTITY_PAIRS	64
/* Refs named in the report's damage; past this, a count. */
#define MIRROR_MAX_DAMAGE_LINES	10

struct fetch {
	const struct mirror_opts *opts;
	struct fetch_report *out;
	git_repository *repo;
	git_remote *remote;
	git_refspec **specs;
	size_t nspecs;
	struct reflist upstream;	/* advertised refs we mirror */
	struct reflist local;		/* our refs in the same namespaces */
	struct reflist lost;		/* ... whose tips the mirror lacks */
	int head_broken;		/* HEAD unreadable */
	struct preserved *preserved;	/* tips kept already */
	char *upstream_head;		/* upstream HEAD's target, or NULL */
	struct fetch_progress progress;
	double last_progress;
	int tried_agent;		/* ssh agent asked once already */
	int cloning;			/* into a new, unseen repository */
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

struct dsm_error *
mirror_git_fail(enum dsm_error_kind kind, const char *what)
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

struct dsm_error *
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

void
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
void
reflist_sort(struct reflist *l)
{
	if (l->n > 1)
		qsort(l->v, l->n, sizeof(struct ref), ref_cmp);
}

const struct ref *
reflist_find(const struct reflist *l, const char *name)
{
	struct ref key = { (char *)name, { { 0 } } };

	if (l->n == 0)
		return NULL;
	return bsearch(&key, l->v, l->n, sizeof(struct ref), ref_cmp);
}

/*
 * The patterns config.c lets through (a name, or a prefix and a star) mean
 * to lsrefs.c what they mean to a libgit2 refspec: one rule for the fetch
 * and the fast path.
 */
static int
is_mirrored(const struct fetch *f, const char *name)
{
	return lsrefs_mirrored(f->opts->spec->refs, f->opts->spec->nrefs,
	    name);
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
			return mirror_git_fail(DSM_ERR_USAGE, spec->refs[i]);
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
		return mirror_git_fail(DSM_ERR_REMOTE, f->url);
	fill_callbacks(f, &copts.callbacks);
	copts.proxy_opts.type = GIT_PROXY_AUTO;
	copts.follow_redirects = GIT_REMOTE_REDIRECT_INITIAL;
	report_progress(f, PHASE_CONNECTING);
	if (git_remote_connect_ext(f->remote, GIT_DIRECTION_FETCH, &copts) < 0)
		return mirror_git_fail(DSM_ERR_REMOTE, f->url);
	if (git_remote_ls(&heads, &n, f->remote) < 0)
		return mirror_git_fail(DSM_ERR_REMOTE, f->url);
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
		return mirror_git_fail(DSM_ERR_SYSTEM,
		    "cannot list the mirror's refs");
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
		return mirror_git_fail(DSM_ERR_SYSTEM,
		    "cannot list the mirror's refs");
	reflist_sort(&f->local);
	return err;
}

/* Adds what to the report's list of damage found ("; " between). */
static struct dsm_error *
add_damage(struct fetch *f, const char *what)
{
	char *all = f->out->damage == NULL ? strdup(what) :
	    util_printf("%s; %s", f->out->damage, what);

	if (all == NULL)
		return dsm_error_new(DSM_ERR_NOMEM, "out of memory");
	free(f->out->damage);
	f->out->damage = all;
	return NULL;
}

/*
 * The cheap checks of every update: each mirrored ref names an object the
 * mirror has, and HEAD can be read.  What fails is listed (f->lost,
 * f->head_broken, the report's damage); the update then fetches the lost
 * tips back from upstream, rewrites HEAD, and keeps no old tip it cannot
 * read.  Deeper damage (history below the tips) is fsck's to find.
 */
static struct dsm_error *
check_local(struct fetch *f)
{
	struct dsm_error *err = NULL;
	git_reference *head;
	git_odb *odb;
	char what[600];
	int rc;

	if (git_repository_odb(&odb, f->repo) < 0)
		return mirror_git_fail(DSM_ERR_SYSTEM, "cannot open objects");
	for (size_t i = 0; i < f->local.n && err == NULL; i++) {
		const struct ref *l = &f->local.v[i];
		if (git_odb_exists(odb, &l->oid))
			continue;
		if ((err = reflist_add(&f->lost, l->name, &l->oid)) != NULL)
			break;
		if (f->lost.n <= MIRROR_MAX_DAMAGE_LINES) {
			snprintf(what, sizeof(what), "%s names %.7s, which the "
			    "mirror lacks", l->name, git_oid_tostr_s(&l->oid));
			err = add_damage(f, what);
		}
	}
	git_odb_free(odb);
	if (err == NULL && f->lost.n > MIRROR_MAX_DAMAGE_LINES) {
		snprintf(what, sizeof(what), "and %zu more refs",
		    f->lost.n - MIRROR_MAX_DAMAGE_LINES);
		err = add_damage(f, what);
	}
	reflist_sort(&f->lost);
	if (err == NULL && (rc = git_reference_lookup(&head, f->repo,
	    "HEAD")) == 0) {
		git_reference_free(head);
	} else if (err == NULL && rc != GIT_ENOTFOUND) {
		f->head_broken = 1;
		err = add_damage(f, "HEAD was unreadable");
	}
	git_error_clear();
	return err;
}

/* After the update: every ref that was lost is gone or readable now. */
static struct dsm_error *
check_repaired(struct fetch *f)
{
	git_odb *odb;
	git_oid id;

	if (f->lost.n == 0)
		return NULL;
	if (git_repository_odb(&odb, f->repo) < 0)
		return mirror_git_fail(DSM_ERR_SYSTEM, "cannot open objects");
	for (size_t i = 0; i < f->lost.n; i++) {
		const char *name = f->lost.v[i].name;
		if (git_reference_name_to_id(&id, f->repo, name) == 0 &&
		    !git_odb_exists(odb, &id)) {
			git_odb_free(odb);
			return dsm_error_new(DSM_ERR_REMOTE, "damaged: %s names "
			    "%.12s, which the mirror lacks and upstream does not "
			    "send; restore the mirror from a backup, or move it "
			    "away and fetch it again", name, git_oid_tostr_s(&id));
		}
	}
	git_odb_free(odb);
	git_error_clear();
	return NULL;
}

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
	    reflist_find(&f->upstream, f->upstream_head) != NULL)
		return f->upstream_head;
	for (const char *const *u = usual; *u != NULL; u++)
		if (reflist_find(&f->upstream, *u) != NULL)
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

struct have {
	const struct ref *ref;
	git_oid commit;
	git_time_t time;
	int moves;		/* this fetch moves the ref */
};

/* Moved refs first, then newest first; by name for equal times. */
static int
have_cmp(const void *a, const void *b)
{
	const struct have *x = a, *y = b;

	if (x->moves != y->moves)
		return y->moves - x->moves;
	if (x->time != y->time)
		return x->time < y->time ? 1 : -1;
	return strcmp(x->ref->name, y->ref->name);
}

/*
 * Fills offer (see haves.h) with our tips of the refs this fetch moves,
 * then the newest other mirrored tips, HAVES_MAX distinct commits at most.
 */
static struct dsm_error *
pick_haves(struct fetch *f, struct reflist *offer)
{
	struct have *v;
	struct dsm_error *err = NULL;
	size_t n = 0;

	if (f->local.n <= HAVES_MAX) {
		/* Not a tip the mirror lacks: the server would not send it. */
		for (size_t i = 0; i < f->local.n && err == NULL; i++)
			if (reflist_find(&f->lost, f->local.v[i].name) == NULL)
				err = reflist_add(offer, f->local.v[i].name,
				    &f->local.v[i].oid);
		return err;
	}
	if ((v = calloc(f->local.n, sizeof(*v))) == NULL)
		return dsm_error_new(DSM_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < f->local.n; i++) {
		const struct ref *l = &f->local.v[i];
		const struct ref *u = reflist_find(&f->upstream, l->name);
		git_object *obj, *commit;

		/* What is not a readable commit is no have. */
		if (git_object_lookup(&obj, f->repo, &l->oid,
		    GIT_OBJECT_ANY) < 0)
			continue;
		if (git_object_peel(&commit, obj, GIT_OBJECT_COMMIT) == 0) {
			v[n].ref = l;
			git_oid_cpy(&v[n].commit, git_object_id(commit));
			v[n].time = git_commit_time((git_commit *)commit);
			v[n].moves = u != NULL && !git_oid_equal(&u->oid,
			    &l->oid);
			n++;
			git_object_free(commit);
		}
		git_object_free(obj);
	}
	git_error_clear();
	if (n > 1)
		qsort(v, n, sizeof(*v), have_cmp);
	for (size_t i = 0; i < n && offer->n < HAVES_MAX && err == NULL;
	    i++) {
		int dup = 0;
		for (size_t j = 0; j < offer->n && !dup; j++)
			dup = git_oid_equal(&offer->v[j].oid, &v[i].commit);
		if (!dup)
			err = reflist_add(offer, v[i].ref->name, &v[i].commit);
	}
	free(v);
	reflist_sort(offer);
	return err;
}

static struct dsm_error *
download(struct fetch *f)
{
	git_fetch_options fopts;
	git_strarray specs = { NULL, 0 };
	struct dsm_error *err = NULL;
	struct reflist offer = { NULL, 0, 0 };
	git_refdb *saved;
	int missing = 0;

	git_fetch_options_init(&fopts, GIT_FETCH_OPTIONS_VERSION);

	/* Nothing to ask for when every wanted object is already here. */
	for (size_t i = 0; i < f->upstream.n && !missing; i++) {
		git_odb *odb;
		if (git_repository_odb(&odb, f->repo) < 0)
			return mirror_git_fail(DSM_ERR_SYSTEM,
			    "cannot open objects");
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
	/* The haves: the tips that matter, never the old ones we keep. */
	if ((err = pick_haves(f, &offer)) == NULL &&
	    (err = haves_offer(&saved, f->repo, &offer)) == NULL) {
		if (git_remote_download(f->remote, &specs, &fopts) < 0)
			err = mirror_git_fail(DSM_ERR_REMOTE, f->url);
		haves_restore(f->repo, saved);
	}
	reflist_free(&offer);
	free(specs.strings);
	return err;
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
		return mirror_git_fail(DSM_ERR_SYSTEM, what);
	}
	return note_update(f, name, old, new);
}

/*
 * Step 4 of a clone: every upstream ref written at once into packed-refs,
 * as git clone does (packed.c), not as thousands of loose files.
 */
static struct dsm_error *
clone_refs(struct fetch *f)
{
	struct dsm_error *err;

	if ((err = packed_write(f->repo, &f->upstream)) != NULL)
		return err;
	for (size_t i = 0; i < f->upstream.n; i++)
		if (i == 0 || strcmp(f->upstream.v[i].name,
		    f->upstream.v[i - 1].name) != 0)
			if ((err = note_update(f, f->upstream.v[i].name, NULL,
			    &f->upstream.v[i].oid)) != NULL)
				return err;
	return NULL;
}

/* The ref writes steps 3 and 4 of an update make, about (2 per move). */
static size_t
count_writes(const struct fetch *f)
{
	size_t n = 0;

	for (size_t i = 0; i < f->local.n; i++)
		if (reflist_find(&f->upstream, f->local.v[i].name) == NULL)
			n += 2;
	for (size_t i = 0; i < f->upstream.n; i++) {
		const struct ref *l = reflist_find(&f->local,
		    f->upstream.v[i].name);
		if (l == NULL)
			n++;
		else if (!git_oid_equal(&l->oid, &f->upstream.v[i].oid))
			n += 2;
	}
	return n;
}

/* The entry of name in the sorted all, which still points at old. */
static struct dsm_error *
expect(struct ref **out, struct reflist *all, const char *name,
    const git_oid *old)
{
	*out = (struct ref *)reflist_find(all, name);
	if ((old == NULL && *out == NULL) ||
	    (old != NULL && *out != NULL && git_oid_equal(&(*out)->oid, old)))
		return NULL;
	return dsm_error_new(DSM_ERR_SYSTEM, "%s changed while dsmirror "
	    "updated it", name);
}

/*
 * Steps 3 and 4 of a large update, in one write (packed.c): the tips to
 * keep and the refs to delete, create and move, all at once.
 */
static struct dsm_error *
apply_refs_packed(struct fetch *f, time_t now)
{
	struct reflist all = { 0 }, added = { 0 };
	struct dsm_error *err;
	struct ref *r;
	char *folder = NULL;

	if ((err = packed_read(f->repo, &all)) != NULL)
		goto done;
	if ((folder = preserve_folder(&all, now)) == NULL) {
		err = dsm_error_new(DSM_ERR_SYSTEM, "no free name under %s",
		    MIRROR_PRESERVE_NS);
		goto done;
	}
	for (size_t i = 0; err == NULL && i < f->local.n; i++) {
		const struct ref *l = &f->local.v[i];
		const struct ref *u = reflist_find(&f->upstream, l->name);
		report_progress(f, PHASE_UPDATING);
		/* A tip the mirror lacks cannot be kept: it is lost. */
		if (reflist_find(&f->lost, l->name) == NULL &&
		    preserve_needed(f->preserved, l->name, &l->oid,
		    u != NULL ? &u->oid : NULL))
			err = preserve_add(f->out, f->preserved, l->name,
			    &l->oid, folder, &added);
	}
	for (size_t i = 0; err == NULL && i < f->local.n; i++) {
		const struct ref *l = &f->local.v[i];
		if (reflist_find(&f->upstream, l->name) != NULL)
			continue;
		if ((err = expect(&r, &all, l->name, &l->oid)) == NULL) {
			memset(&r->oid, 0, sizeof(r->oid));	/* deleted */
			err = note_update(f, l->name, &l->oid, NULL);
		}
	}
	for (size_t i = 0; err == NULL && i < f->upstream.n; i++) {
		const struct ref *u = &f->upstream.v[i];
		const struct ref *l = reflist_find(&f->local, u->name);
		report_progress(f, PHASE_UPDATING);
		if (l != NULL && git_oid_equal(&l->oid, &u->oid))
			continue;
		if ((err = expect(&r, &all, u->name,
		    l != NULL ? &l->oid : NULL)) != NULL)
			break;
		if (l != NULL)
			r->oid = u->oid;
		else
			err = reflist_add(&added, u->name, &u->oid);
		if (err == NULL)
			err = note_update(f, u->name, l != NULL ? &l->oid : NULL,
			    &u->oid);
	}
	for (size_t i = 0; err == NULL && i < added.n; i++)
		err = reflist_add(&all, added.v[i].name, &added.v[i].oid);
	if (err != NULL)
		goto done;
	reflist_sort(&all);
	report_progress(f, PHASE_UPDATING);
	err = packed_write(f->repo, &all);
done:
	free(folder);
	reflist_free(&all);
	reflist_free(&added);
	return err;
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
	if (f->cloning)
		return clone_refs(f);
	if ((err = preserve_load(&f->preserved, f->repo)) != NULL)
		return err;
	if (count_writes(f) > MIRROR_BATCH_REFS)
		return apply_refs_packed(f, now);
	/*
	 * report_progress() in each loop is the worker's heartbeat: the
	 * watchdog must not take thousands of ref updates for a stall.
	 */
	for (size_t i = 0; i < f->local.n; i++) {
		const struct ref *l = &f->local.v[i];
		const struct ref *u = reflist_find(&f->upstream, l->name);
		report_progress(f, PHASE_UPDATING);
		/* A tip the mirror lacks cannot be kept: it is lost. */
		if (reflist_find(&f->lost, l->name) == NULL &&
		    preserve_needed(f->preserved, l->name, &l->oid,
		    u != NULL ? &u->oid : NULL) &&
		    (err = preserve_tip(f->out, f->preserved, l->name, &l->oid,
		    now)) != NULL)
			return err;
	}
	for (size_t i = 0; i < f->local.n; i++) {
		const struct ref *l = &f->local.v[i];
		report_progress(f, PHASE_UPDATING);
		if (reflist_find(&f->upstream, l->name) == NULL &&
		    (err = write_ref(f, l->name, &l->oid, NULL)) != NULL)
			return err;
	}
	for (size_t i = 0; i < f->upstream.n; i++) {
		const struct ref *u = &f->upstream.v[i];
		const struct ref *l = reflist_find(&f->local, u->name);
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
	/*
	 * libgit2 will not replace a HEAD it cannot read: written whole here
	 * (temporary file, fsync, rename), so that HEAD is never missing.
	 */
	if (f->head_broken) {
		char *path = util_path_join(git_repository_path(f->repo), "HEAD");
		char *text = util_printf("ref: %s\n", target);
		struct dsm_error *err = path == NULL || text == NULL ?
		    dsm_error_new(DSM_ERR_NOMEM, "out of memory") :
		    util_write_atomic(path, text, strlen(text), 0644);
		free(path);
		free(text);
		return err;
	}
	if (git_reference_symbolic_create(&ref, f->repo, "HEAD", target, 1,
	    "dsmirror: follow upstream HEAD") < 0)
		return mirror_git_fail(DSM_ERR_SYSTEM, "cannot set HEAD");
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

/* Whether the commit the object id names can be read, peeled. */
static int
peel_commit(git_repository *repo, const git_oid *id, git_oid *out)
{
	git_object *obj, *commit;
	int rc = -1;

	if (git_object_lookup(&obj, repo, id, GIT_OBJECT_ANY) == 0) {
		if (git_object_peel(&commit, obj, GIT_OBJECT_COMMIT) == 0) {
			git_oid_cpy(out, git_object_id(commit));
			git_object_free(commit);
			rc = 0;
		}
		git_object_free(obj);
	}
	git_error_clear();
	return rc;
}

/*
 * Whether the upstream listed shares a commit with the mirror's refs: one
 * of its tips and one of ours have a merge base, its objects downloaded
 * first (refs untouched).  Objects alone prove nothing: a refused run
 * leaves the other upstream's objects behind, unreferenced, until
 * maintenance drops them.
 */
static struct dsm_error *
shares_history(struct fetch *f, int *shares)
{
	struct dsm_error *err;

	*shares = 0;
	if (f->upstream.n == 0)
		return NULL;
	/* Objects only, into the mirror: no ref moves before the verdict. */
	if ((err = download(f)) != NULL)
		return err;
	for (size_t i = 0; i < f->upstream.n && i < MIRROR_IDENTITY_PAIRS &&
	    !*shares; i++) {
		git_oid u, l, base;
		if (peel_commit(f->repo, &f->upstream.v[i].oid, &u) < 0)
			continue;
		for (size_t j = 0, tried = 0; j < f->local.n &&
		    tried < MIRROR_IDENTITY_PAIRS && !*shares; j++) {
			if (peel_commit(f->repo, &f->local.v[j].oid, &l) < 0)
				continue;
			tried++;
			*shares = git_oid_equal(&u, &l) ||
			    git_merge_base(&base, f->repo, &u, &l) == 0;
		}
	}
	git_error_clear();
	return NULL;
}

/*
 * The mirror keeps its identity: when mirrors.json's URL is not the one
 * the state recorded, the new upstream must share history with the mirror
 * (a repo that moved), else the update is refused and every ref kept (a
 * URL pasted from another repo), unless --accept-url.
 */
static struct dsm_error *
check_identity(struct fetch *f)
{
	const char *was = f->opts->recorded_url;
	struct dsm_error *err;
	int shares;

	if (was == NULL || strcmp(was, f->url) == 0 || f->local.n == 0)
		return NULL;
	if ((err = shares_history(f, &shares)) != NULL)
		return err;
	if (!shares && !f->opts->accept_url)
		return dsm_error_new(DSM_ERR_REMOTE, "the url changed from %s to "
		    "%s, and the new upstream shares no commit with the "
		    "mirror: refused, every ref kept. A slip: put the old url "
		    "back in mirrors.json. A repo that really moved to other "
		    "history: dsmirror fetch --accept-url %s (the old refs are "
		    "then preserved, as for a force-push)", was, f->url,
		    f->opts->spec->name);
	f->out->note = util_printf("the url changed from %s to %s; %s", was,
	    f->url, shares ? "the new upstream has the mirror's history: "
	    "following it" : "accepted with --accept-url, though it shares "
	    "no commit with the mirror: the old refs are preserved");
	return f->out->note != NULL ? NULL :
	    dsm_error_new(DSM_ERR_NOMEM, "out of memory");
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
	if (!f->cloning && (err = check_identity(f)) != NULL)
		return err;
	/*
	 * Every ref gone at once is an upstream emptied or a URL that now
	 * names another, empty repository: called out, the mirror kept.
	 */
	if (f->upstream.n == 0 && f->local.n > 0)
		return dsm_error_new(DSM_ERR_REMOTE, "%s advertises no branch "
		    "or tag, where the mirror has %zu refs: upstream was "
		    "emptied, or the URL names another repository; the mirror "
		    "is kept as it was (check the URL in mirrors.json)", f->url,
		    f->local.n);
	if (f->opts->spec->branch != NULL && reflist_find(&f->upstream,
	    wanted_head(f, buf, sizeof(buf))) == NULL)
		return dsm_error_new(DSM_ERR_REMOTE, "%s: upstream has no "
		    "branch \"%s\" (or \"refs\" does not mirror it)", f->url,
		    f->opts->spec->branch);
	if (!f->cloning && (err = check_local(f)) != NULL)
		return err;
	if (f->lost.n == 0 && !f->head_broken &&
	    refs_equal(&f->upstream, &f->local) &&
	    head_is(f, wanted_head(f, buf, sizeof(buf))))
		return NULL;
	*changed = 1;
	if ((err = download(f)) != NULL ||
	    (err = apply_refs(f)) != NULL ||
	    (err = set_head(f)) != NULL ||
	    (err = check_repaired(f)) != NULL)
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
	reflist_free(&f->lost);
	preserve_free(f->preserved);
	free(f->upstream_head);
	if (f->remote != NULL) {
		git_remote_disconnect(f->remote);
		git_remote_free(f->remote);
	}
	git_repository_free(f->repo);
}

static void
on_maint_tick(void *payload)
{
	report_progress(payload, PHASE_MAINTAINING);
}

static struct dsm_error *
update(struct fetch *f, const char *path)
{
	struct dsm_error *err;
	char *reindexed;
	int changed;

	if (git_repository_open_ext(&f->repo, path,
	    GIT_REPOSITORY_OPEN_NO_SEARCH | GIT_REPOSITORY_OPEN_BARE, NULL) < 0
	    || !git_repository_is_bare(f->repo))
		return dsm_error_new(DSM_ERR_REMOTE, "%s exists but is not a bare "
		    "git repository; move it away so that dsmirror can clone "
		    "the mirror", path);
	/*
	 * Only in what is a mirror: never in a stray folder of that name.  A
	 * pack that lost its index is indexed again first (recover would take
	 * it for maintenance's debris), and that is damage repaired.
	 */
	/* Local work, which says nothing while it lasts: no --timeout. */
	report_progress(f, PHASE_CHECKING);
	if ((err = fsck_reindex(path, &reindexed)) != NULL)
		return err;
	if (reindexed != NULL) {
		err = add_damage(f, reindexed);
		free(reindexed);
		if (err != NULL)
			return err;
	}
	recover_repo(path);
	if ((err = sync_refs(f, &changed)) != NULL)
		return err;
	/* Local work from here: the server need not wait for it. */
	if (f->remote != NULL)
		git_remote_disconnect(f->remote);
	/*
	 * Past its bounds, even after an unchanged run: the run that went
	 * past them may have been killed before its maintenance was done.
	 */
	report_progress(f, PHASE_MAINTAINING);
	if ((err = maint_run(f->repo, MAINT_AUTO, on_maint_tick, f,
	    &f->out->maint)) != NULL)
		return err;
	if ((f->out->url = strdup(f->url)) == NULL)
		return dsm_error_new(DSM_ERR_NOMEM, "out of memory");
	f->out->result = f->out->damage != NULL ? FETCH_REPAIRED :
	    changed ? FETCH_UPDATED : FETCH_UNCHANGED;
	return read_head(f);
}

/* Creates <root>/.tmp-<name>.XXXXXX (recover.h removes what a kill left). */
static struct dsm_error *
make_tmp(const struct mirror_opts *opts, char **out)
{
	struct dsm_error *err;

	*out = util_printf("%s/" MIRROR_TMP_PREFIX "%s.XXXXXX", opts->root,
	    opts->spec->name);
	if (*out == NULL)
		return dsm_error_new(DSM_ERR_NOMEM, "out of memory");
	if (mkdtemp(*out) == NULL) {
		err = dsm_error_errno(DSM_ERR_SYSTEM, errno, "cannot create %s",
		    *out);
		free(*out);
		*out = NULL;
		return err;
	}
	return NULL;
}

static struct dsm_error *
clone(struct fetch *f, const char *path)
{
	git_repository_init_options iopts;
	struct dsm_error *err = NULL;
	char *tmp;
	int changed;

	git_repository_init_options_init(&iopts,
	    GIT_REPOSITORY_INIT_OPTIONS_VERSION);

	if ((err = make_tmp(f->opts, &tmp)) != NULL)
		return err;
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
		err = mirror_git_fail(DSM_ERR_SYSTEM,
		    "cannot create the mirror");
		goto done;
	}
	f->cloning = 1;
	if ((err = sync_refs(f, &changed)) != NULL)
		goto done;
	report_progress(f, PHASE_MAINTAINING);
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
		err = mirror_git_fail(DSM_ERR_SYSTEM, path);
		goto done;
	}
	f->out->result = FETCH_CLONED;
	if ((f->out->url = strdup(f->url)) == NULL) {
		err = dsm_error_new(DSM_ERR_NOMEM, "out of memory");
		goto done;
	}
	err = read_head(f);
done:
	if (err != NULL) {
		struct dsm_error *rmerr = util_remove_tree(tmp);
		dsm_error_free(rmerr);
	}
	free(tmp);
	return err;
}

/* Moves the packs libgit2 wrote in the folder from into the folder to. */
static struct dsm_error *
move_packs(const char *from, const char *to, size_t *moved)
{
	/* The index last: a pack counts from the moment its index is there. */
	static const char *const exts[] = { ".pack", ".rev", ".idx" };
	struct dsm_error *err = NULL;
	struct dirent *e;
	DIR *dir;

	*moved = 0;
	for (size_t x = 0; x < sizeof(exts) / sizeof(exts[0]) && err == NULL;
	    x++) {
		if ((dir = opendir(from)) == NULL)
			return dsm_error_errno(DSM_ERR_SYSTEM, errno,
			    "cannot read %s", from);
		while (err == NULL && (e = readdir(dir)) != NULL) {
			size_t len = strlen(e->d_name), xl = strlen(exts[x]);
			char *a, *b;
			if (strncmp(e->d_name, "pack-", 5) != 0 || len <= xl ||
			    strcmp(e->d_name + len - xl, exts[x]) != 0)
				continue;
			a = util_path_join(from, e->d_name);
			b = util_path_join(to, e->d_name);
			if (a == NULL || b == NULL)
				err = dsm_error_new(DSM_ERR_NOMEM,
				    "out of memory");
			else if (rename(a, b) == -1)
				err = dsm_error_errno(DSM_ERR_SYSTEM, errno,
				    "cannot rename %s to %s", a, b);
			else if (x == 0)
				(*moved)++;
			free(a);
			free(b);
		}
		closedir(dir);
	}
	if (err == NULL)
		err = util_fsync_dir(to);
	return err;
}

struct dsm_error *
mirror_refetch(const struct mirror_opts *opts, const char *path,
    uint64_t *received_bytes)
{
	struct fetch_report scratch = { 0 };
	struct fetch f = { .opts = opts, .out = &scratch };
	struct dsm_error *err = NULL, *rmerr;
	char *tmp, *from = NULL, *to = NULL;
	size_t moved;

	redact_url(f.url, sizeof(f.url), opts->spec->url);
	if ((err = make_tmp(opts, &tmp)) != NULL)
		return err;
	/* An empty repository: every object the refs reach is wanted. */
	if (git_repository_init(&f.repo, tmp, 1) < 0)
		err = mirror_git_fail(DSM_ERR_SYSTEM, "cannot create a folder "
		    "to fetch into");
	if (err == NULL && (err = parse_refspecs(&f)) == NULL &&
	    (err = list_upstream(&f)) == NULL) {
		if (f.upstream.n == 0)
			err = dsm_error_new(DSM_ERR_REMOTE, "%s advertises no "
			    "branch or tag to repair the mirror from", f.url);
		else
			err = download(&f);
	}
	if (err == NULL && f.remote != NULL)
		git_remote_disconnect(f.remote);
	if (err == NULL && ((from = util_path_join(tmp, "objects/pack")) ==
	    NULL || (to = util_path_join(path, "objects/pack")) == NULL))
		err = dsm_error_new(DSM_ERR_NOMEM, "out of memory");
	if (err == NULL)
		err = move_packs(from, to, &moved);
	*received_bytes = f.progress.received_bytes;
	fetch_free(&f);
	fetch_report_clear(&scratch);
	rmerr = util_remove_tree(tmp);
	if (err == NULL)
		err = rmerr;
	else
		dsm_error_free(rmerr);
	free(from);
	free(to);
	free(tmp);
	return err;
}

char *
mirror_path(const char *root, const char *name)
{
	return util_printf("%s/%s.git", root, name);
}

struct dsm_error *
mirror_global_init(int timeout)
{
	struct dsm_error *err;

	if (git_libgit2_init() < 0)
		return mirror_git_fail(DSM_ERR_SYSTEM,
		    "cannot initialise libgit2");
	if ((err = netstream_register(timeout)) != NULL)
		return err;
	/*
	 * Every object read is checked against its id (a flipped bit is
	 * damage found, never history believed).
	 */
	if (git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 1) < 0)
		return mirror_git_fail(DSM_ERR_SYSTEM, "cannot set libgit2 "
		    "options");
	return NULL;
}

/* Whether the files a and b are one file. */
static int
same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	return stat(a, &sa) == 0 && stat(b, &sb) == 0 &&
	    sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

struct dsm_error *
mirror_repo_init(const char *url, const char *cacert)
{
	static char *loaded;	/* the bundle set already, or NULL */

	git_error_clear();
	netstream_reset();
	/* Objects, packs and refs reach the disk before they are used. */
	if (git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1) < 0)
		return mirror_git_fail(DSM_ERR_SYSTEM, "cannot set libgit2 "
		    "options");
	/*
	 * Replaces the system's CAs, as curl's CAINFO does for the API.  The
	 * parse of a bundle (mbedTLS, every certificate) costs more than a
	 * no-op update: done once, and only when TLS may be spoken (an http
	 * URL may be redirected to https on its host, or through a proxy).
	 */
	if (cacert == NULL || (strncasecmp(url, "https://", 8) != 0 &&
	    strncasecmp(url, "http://", 7) != 0) ||
	    (loaded != NULL && strcmp(loaded, cacert) == 0) ||
	    (loaded == NULL && same_file(cacert, MIRROR_DEFAULT_CA)))
		return NULL;
	if (git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, cacert, NULL) < 0)
		return mirror_git_fail(DSM_ERR_SYSTEM, cacert);
	free(loaded);
	if ((loaded = strdup(cacert)) == NULL)
		return dsm_error_new(DSM_ERR_NOMEM, "out of memory");
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
		else if ((err = recover_check_owner(path, &st)) == NULL)
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
