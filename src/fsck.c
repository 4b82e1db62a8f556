/*
 * fsck.c - read every object of a mirror, and repair what is damaged
 * (fsck.h).
 *
 * The crash tests kill a repair (util_kill_point) at fsck-salvaged (a
 * damaged pack's readable objects written, the pack not yet moved),
 * fsck-set-aside (the damaged files moved, nothing fetched yet) and
 * fsck-refetched (upstream's objects in, HEAD and refs not yet mended).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <git2.h>
#include <git2/sys/odb_backend.h>
#include <openssl/evp.h>

#include "fsck.h"
#include "recover.h"
#include "util.h"

/* Problems named one by one in the detail; past this, a count. */
#define FSCK_MAX_LINES		8
/* Unreadable objects remembered, to find the packs that hold them. */
#define FSCK_MAX_BAD		4096
/* Objects read between two signs of life to the worker's parent. */
#define FSCK_TICK_EVERY		4096
#define FSCK_READ_SIZE		(1 << 20)
#define SHA1_LEN		20

/* A set of object ids: open addressing, the id's first bytes as hash. */
struct oidset {
	git_oid *v;
	unsigned char *used;
	size_t cap, n;
};

struct pending {
	git_oid id;
	git_object_t type;
};

struct scan {
	git_repository *repo;
	git_odb *odb;
	const struct mirror_opts *opts;
	struct oidset seen;
	struct pending *stack;
	size_t nstack, capstack;
	git_oid bad[FSCK_MAX_BAD];	/* unreadable, not missing */
	size_t nbad;
	size_t missing, corrupt;	/* objects */
	size_t lines, more;		/* problems named, and not named */
	char *detail;
	char **bad_packs;		/* pack-<hex>, checksum or index bad */
	size_t nbad_packs;
	int head_broken;
	uint64_t objects, packs;
	const char *ref;		/* whose history is being read */
};

static int
oidset_grow(struct oidset *s)
{
	struct oidset bigger = { 0 };

	bigger.cap = s->cap ? s->cap * 2 : 4096;
	bigger.v = malloc(bigger.cap * sizeof(*bigger.v));
	bigger.used = calloc(bigger.cap, 1);
	if (bigger.v == NULL || bigger.used == NULL) {
		free(bigger.v);
		free(bigger.used);
		return -1;
	}
	for (size_t i = 0; i < s->cap; i++) {
		if (!s->used[i])
			continue;
		size_t h;
		memcpy(&h, s->v[i].id, sizeof(h));
		for (h &= bigger.cap - 1; bigger.used[h];
		    h = (h + 1) & (bigger.cap - 1))
			;
		bigger.v[h] = s->v[i];
		bigger.used[h] = 1;
	}
	bigger.n = s->n;
	free(s->v);
	free(s->used);
	*s = bigger;
	return 0;
}

/* Adds id; returns 1 when it was new, 0 when there already, -1 no memory. */
static int
oidset_add(struct oidset *s, const git_oid *id)
{
	size_t h;

	if ((s->n + 1) * 2 > s->cap && oidset_grow(s) == -1)
		return -1;
	memcpy(&h, id->id, sizeof(h));
	for (h &= s->cap - 1; s->used[h]; h = (h + 1) & (s->cap - 1))
		if (git_oid_equal(&s->v[h], id))
			return 0;
	s->v[h] = *id;
	s->used[h] = 1;
	s->n++;
	return 1;
}

static void
oidset_free(struct oidset *s)
{
	free(s->v);
	free(s->used);
	memset(s, 0, sizeof(*s));
}

static struct dsm_error *
nomem(void)
{
	return dsm_error_new(DSM_ERR_NOMEM, "out of memory");
}

/* Adds one problem to the detail ("; " between), or counts it. */
static struct dsm_error *
note(struct scan *s, const char *what)
{
	char *all;

	if (s->lines >= FSCK_MAX_LINES) {
		s->more++;
		return NULL;
	}
	all = s->detail == NULL ? strdup(what) :
	    util_printf("%s; %s", s->detail, what);
	if (all == NULL)
		return nomem();
	free(s->detail);
	s->detail = all;
	s->lines++;
	return NULL;
}

static void
tick(struct scan *s)
{
	struct fetch_progress p = { .phase = PHASE_CHECKING };

	p.received_objects = (unsigned)s->objects;
	if (s->opts->progress != NULL)
		s->opts->progress(&p, s->opts->payload);
}

static struct dsm_error *
push(struct scan *s, const git_oid *id, git_object_t type)
{
	int added = oidset_add(&s->seen, id);

	if (added == -1)
		return nomem();
	if (added == 0)
		return NULL;
	if (s->nstack == s->capstack) {
		size_t cap = s->capstack ? s->capstack * 2 : 1024;
		struct pending *v = realloc(s->stack, cap * sizeof(*v));
		if (v == NULL)
			return nomem();
		s->stack = v;
		s->capstack = cap;
	}
	s->stack[s->nstack].id = *id;
	s->stack[s->nstack++].type = type;
	return NULL;
}

static const char *
type_name(git_object_t type)
{
	return type == GIT_OBJECT_ANY ? "object" : git_object_type2string(type);
}

/* An object that could not be read: missing, or there and corrupt. */
static struct dsm_error *
unreadable(struct scan *s, const git_oid *id, git_object_t type, int rc)
{
	const git_error *e = git_error_last();
	char what[600];

	if (rc == GIT_ENOTFOUND) {
		s->missing++;
		snprintf(what, sizeof(what), "%s: %s %.12s is missing", s->ref,
		    type_name(type), git_oid_tostr_s(id));
	} else {
		s->corrupt++;
		if (s->nbad < FSCK_MAX_BAD)
			s->bad[s->nbad++] = *id;
		snprintf(what, sizeof(what), "%s: %s %.12s is corrupt (%s)",
		    s->ref, type_name(type), git_oid_tostr_s(id),
		    e != NULL && e->message != NULL ? e->message : "unreadable");
	}
	git_error_clear();
	return note(s, what);
}

/* Reads one object and queues what it names. */
static struct dsm_error *
read_one(struct scan *s, const struct pending *p)
{
	struct dsm_error *err = NULL;
	git_object *obj;
	git_odb_object *raw;
	int rc;

	if (++s->objects % FSCK_TICK_EVERY == 0)
		tick(s);
	/* A blob names nothing: its bytes are read, and their id checked. */
	if (p->type == GIT_OBJECT_BLOB) {
		if ((rc = git_odb_read(&raw, s->odb, &p->id)) < 0)
			return unreadable(s, &p->id, p->type, rc);
		git_odb_object_free(raw);
		return NULL;
	}
	if ((rc = git_object_lookup(&obj, s->repo, &p->id, p->type)) < 0)
		return unreadable(s, &p->id, p->type, rc);
	switch (git_object_type(obj)) {
	case GIT_OBJECT_COMMIT: {
		const git_commit *c = (const git_commit *)obj;
		err = push(s, git_commit_tree_id(c), GIT_OBJECT_TREE);
		for (unsigned i = 0; err == NULL &&
		    i < git_commit_parentcount(c); i++)
			err = push(s, git_commit_parent_id(c, i),
			    GIT_OBJECT_COMMIT);
		break;
	}
	case GIT_OBJECT_TREE: {
		const git_tree *t = (const git_tree *)obj;
		for (size_t i = 0; err == NULL && i < git_tree_entrycount(t);
		    i++) {
			const git_tree_entry *e = git_tree_entry_byindex(t, i);
			git_object_t type = git_tree_entry_type(e);
			/* A submodule's commit lives in another repository. */
			if (type == GIT_OBJECT_BLOB || type == GIT_OBJECT_TREE)
				err = push(s, git_tree_entry_id(e), type);
		}
		break;
	}
	case GIT_OBJECT_TAG:
		err = push(s, git_tag_target_id((const git_tag *)obj),
		    git_tag_target_type((const git_tag *)obj));
		break;
	default:
		break;
	}
	git_object_free(obj);
	return err;
}

/* Reads the history of every ref, and HEAD. */
static struct dsm_error *
read_refs(struct scan *s)
{
	git_reference_iterator *it;
	git_reference *ref;
	struct dsm_error *err = NULL;
	int rc;

	if ((rc = git_reference_lookup(&ref, s->repo, "HEAD")) == 0) {
		git_reference_free(ref);
	} else if (rc != GIT_ENOTFOUND) {
		s->head_broken = 1;
		if ((err = note(s, "HEAD is unreadable")) != NULL)
			return err;
	}
	git_error_clear();
	if (git_reference_iterator_new(&it, s->repo) < 0)
		return dsm_error_new(DSM_ERR_SYSTEM, "cannot list the refs: %s",
		    git_error_last()->message);
	while (err == NULL && (rc = git_reference_next(&ref, it)) == 0) {
		if (git_reference_type(ref) == GIT_REFERENCE_DIRECT) {
			s->ref = git_reference_name(ref);
			err = push(s, git_reference_target(ref), GIT_OBJECT_ANY);
			while (err == NULL && s->nstack > 0) {
				struct pending p = s->stack[--s->nstack];
				err = read_one(s, &p);
			}
			s->ref = NULL;
		}
		git_reference_free(ref);
	}
	git_reference_iterator_free(it);
	if (err == NULL && rc != GIT_ITEROVER) {
		char what[600];
		snprintf(what, sizeof(what), "a ref is unreadable (%s)",
		    git_error_last() != NULL ? git_error_last()->message : "?");
		err = note(s, what);
		s->head_broken = 1;	/* a fetch rewrites what it can */
	}
	git_error_clear();
	return err;
}

/* SHA-1 of the first len bytes of fd into out; -1 on a read error. */
static int
sha1_of(int fd, off_t len, unsigned char out[SHA1_LEN], struct scan *s)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char *buf = malloc(FSCK_READ_SIZE);
	int rc = -1;

	if (ctx != NULL && buf != NULL &&
	    EVP_DigestInit_ex(ctx, EVP_sha1(), NULL) == 1) {
		off_t done = 0;
		while (done < len) {
			size_t want = len - done < FSCK_READ_SIZE ?
			    (size_t)(len - done) : FSCK_READ_SIZE;
			ssize_t n = pread(fd, buf, want, done);
			if (n <= 0 || EVP_DigestUpdate(ctx, buf, (size_t)n) != 1)
				break;
			done += n;
			tick(s);
		}
		if (done == len && EVP_DigestFinal_ex(ctx, out, NULL) == 1)
			rc = 0;
	}
	free(buf);
	EVP_MD_CTX_free(ctx);
	return rc;
}

/*
 * Whether the file at path is whole: its last 20 bytes are the SHA-1 of
 * the rest.  Copies those 20 bytes to trailer (the pack's name and id).
 * before: when not NULL, gets the 20 bytes before the trailer (where an
 * index keeps its pack's checksum).
 */
static int
file_whole(const char *path, unsigned char trailer[SHA1_LEN],
    unsigned char before[SHA1_LEN], struct scan *s)
{
	unsigned char sum[SHA1_LEN];
	struct stat st;
	int fd, ok = 0;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	if (fstat(fd, &st) == 0 && st.st_size >= 12 + 2 * SHA1_LEN &&
	    pread(fd, trailer, SHA1_LEN, st.st_size - SHA1_LEN) == SHA1_LEN &&
	    (before == NULL || pread(fd, before, SHA1_LEN, st.st_size -
	    2 * SHA1_LEN) == SHA1_LEN) &&
	    sha1_of(fd, st.st_size - SHA1_LEN, sum, s) == 0)
		ok = memcmp(sum, trailer, SHA1_LEN) == 0;
	close(fd);
	return ok;
}

static struct dsm_error *
add_bad_pack(struct scan *s, const char *name, size_t len, const char *why)
{
	char **v = realloc(s->bad_packs, (s->nbad_packs + 1) * sizeof(*v));
	char what[600];

	if (v == NULL)
		return nomem();
	s->bad_packs = v;
	if ((v[s->nbad_packs] = strndup(name, len)) == NULL)
		return nomem();
	s->nbad_packs++;
	snprintf(what, sizeof(what), "objects/pack/%s.pack %s",
	    v[s->nbad_packs - 1], why);
	return note(s, what);
}

static int
is_bad_pack(const struct scan *s, const char *name, size_t len)
{
	for (size_t i = 0; i < s->nbad_packs; i++)
		if (strlen(s->bad_packs[i]) == len &&
		    strncmp(s->bad_packs[i], name, len) == 0)
			return 1;
	return 0;
}

/* Checks the trailer of every pack and of its index. */
static struct dsm_error *
check_packs(struct scan *s, const char *packdir)
{
	struct dsm_error *err = NULL;
	struct dirent *e;
	DIR *dir;

	if ((dir = opendir(packdir)) == NULL)
		return errno == ENOENT ? NULL : dsm_error_errno(DSM_ERR_SYSTEM,
		    errno, "cannot read %s", packdir);
	while (err == NULL && (e = readdir(dir)) != NULL) {
		size_t len = strlen(e->d_name);
		unsigned char pack_sum[SHA1_LEN], idx_sum[SHA1_LEN];
		unsigned char idx_pack[SHA1_LEN];
		char *pack, *idx;
		struct stat st;

		if (strncmp(e->d_name, "pack-", 5) != 0 || len <= 5 ||
		    strcmp(e->d_name + len - 5, ".pack") != 0)
			continue;
		len -= 5;
		pack = util_printf("%s/%.*s.pack", packdir, (int)len, e->d_name);
		idx = util_printf("%s/%.*s.idx", packdir, (int)len, e->d_name);
		if (pack == NULL || idx == NULL)
			err = nomem();
		else if (stat(idx, &st) == -1)
			err = add_bad_pack(s, e->d_name, len, "has no index");
		else if (s->packs++, !file_whole(pack, pack_sum, NULL, s))
			err = add_bad_pack(s, e->d_name, len, "fails its "
			    "checksum (truncated or altered)");
		else if (!file_whole(idx, idx_sum, idx_pack, s) ||
		    memcmp(idx_pack, pack_sum, SHA1_LEN) != 0)
			err = add_bad_pack(s, e->d_name, len, "has a damaged "
			    "index");
		free(pack);
		free(idx);
	}
	closedir(dir);
	return err;
}

/* Marks bad each good pack that holds an object that could not be read. */
static struct dsm_error *
find_bad_packs(struct scan *s, const char *packdir)
{
	struct dsm_error *err = NULL;
	struct dirent *e;
	DIR *dir;

	if (s->nbad == 0 || (dir = opendir(packdir)) == NULL)
		return NULL;
	while (err == NULL && (e = readdir(dir)) != NULL) {
		size_t len = strlen(e->d_name);
		git_odb_backend *b;
		git_odb *odb;
		char *idx;
		int holds = 0;

		if (strncmp(e->d_name, "pack-", 5) != 0 || len <= 4 ||
		    strcmp(e->d_name + len - 4, ".idx") != 0 ||
		    is_bad_pack(s, e->d_name, len - 4))
			continue;
		if ((idx = util_path_join(packdir, e->d_name)) == NULL)
			return nomem();
		if (git_odb_new(&odb) == 0) {
			if (git_odb_backend_one_pack(&b, idx) == 0 &&
			    git_odb_add_backend(odb, b, 1) < 0)
				b->free(b);
			for (size_t i = 0; i < s->nbad && !holds; i++)
				holds = git_odb_exists(odb, &s->bad[i]);
			git_odb_free(odb);
		}
		git_error_clear();
		free(idx);
		if (holds)
			err = add_bad_pack(s, e->d_name, len - 4, "holds a "
			    "corrupt object");
	}
	closedir(dir);
	return err;
}

static void
scan_free(struct scan *s)
{
	oidset_free(&s->seen);
	free(s->stack);
	free(s->detail);
	for (size_t i = 0; i < s->nbad_packs; i++)
		free(s->bad_packs[i]);
	free(s->bad_packs);
	git_odb_free(s->odb);
	git_repository_free(s->repo);
	memset(s, 0, sizeof(*s));
}

static int
damaged(const struct scan *s)
{
	return s->missing > 0 || s->corrupt > 0 || s->nbad_packs > 0 ||
	    s->head_broken;
}

/* One whole check of the mirror at path into *s (zeroed). */
static struct dsm_error *
scan(struct scan *s, const char *path, const struct mirror_opts *opts)
{
	struct dsm_error *err;
	char *packdir;

	s->opts = opts;
	if (git_repository_open_bare(&s->repo, path) < 0 ||
	    git_repository_odb(&s->odb, s->repo) < 0)
		return dsm_error_new(DSM_ERR_SYSTEM, "cannot open %s: %s", path,
		    git_error_last()->message);
	if ((packdir = util_path_join(path, "objects/pack")) == NULL)
		return nomem();
	tick(s);
	if ((err = check_packs(s, packdir)) == NULL &&
	    (err = read_refs(s)) == NULL)
		err = find_bad_packs(s, packdir);
	free(packdir);
	if (err == NULL && s->more > 0) {
		char what[64];
		size_t more = s->more;
		snprintf(what, sizeof(what), "and %zu more", more);
		s->lines = 0;
		err = note(s, what);
	}
	return err;
}

struct idlist {
	git_oid *v;
	size_t n, cap;
};

static int
collect(const git_oid *id, void *payload)
{
	struct idlist *l = payload;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 1024;
		git_oid *v = realloc(l->v, cap * sizeof(*v));
		if (v == NULL)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = *id;
	return 0;
}

/*
 * Writes the objects the pack named name still reads whole into a new
 * pack in packdir (written by libgit2's indexer, fsynced, renamed into
 * place).  Sets *kept to how many.
 */
static struct dsm_error *
salvage(struct scan *s, const char *packdir, const char *name, size_t *kept)
{
	struct dsm_error *err = NULL;
	git_repository *repo = NULL;
	git_packbuilder *pb = NULL;
	git_odb_backend *b;
	git_odb *odb = NULL;
	struct idlist ids = { 0 };
	char *idx = util_printf("%s/%s.idx", packdir, name);

	*kept = 0;
	if (idx == NULL)
		return nomem();
	/* A pack without its index cannot be read: nothing to keep. */
	if (access(idx, F_OK) == 0 && git_odb_new(&odb) == 0 &&
	    git_odb_backend_one_pack(&b, idx) == 0) {
		if (git_odb_add_backend(odb, b, 1) < 0)
			b->free(b);
		else if (git_repository_wrap_odb(&repo, odb) == 0 &&
		    git_packbuilder_new(&pb, repo) == 0)
			git_packbuilder_set_threads(pb, 1);
	}
	git_error_clear();
	if (pb != NULL && git_odb_foreach(odb, collect, &ids) < 0 &&
	    ids.n == 0)
		git_error_clear();
	for (size_t i = 0; pb != NULL && i < ids.n && err == NULL; i++) {
		git_odb_object *raw;
		if (git_odb_read(&raw, odb, &ids.v[i]) < 0) {
			git_error_clear();
			continue;
		}
		git_odb_object_free(raw);
		if (git_packbuilder_insert(pb, &ids.v[i], NULL) < 0)
			err = dsm_error_new(DSM_ERR_SYSTEM, "cannot keep what "
			    "%s holds: %s", name, git_error_last()->message);
		else
			(*kept)++;
		if (i % FSCK_TICK_EVERY == 0)
			tick(s);
	}
	if (err == NULL && *kept > 0 &&
	    git_packbuilder_write(pb, packdir, 0, NULL, NULL) < 0)
		err = dsm_error_new(DSM_ERR_SYSTEM, "cannot write what %s still "
		    "holds: %s", name, git_error_last()->message);
	free(ids.v);
	git_packbuilder_free(pb);
	git_repository_free(repo);
	git_odb_free(odb);
	free(idx);
	return err;
}

/* Moves path into the folder dir (made when needed), under its name. */
static struct dsm_error *
set_aside(const char *path, const char *dir, const char *name)
{
	struct dsm_error *err;
	char *to;

	if ((err = util_mkdir_p(dir, 0755)) != NULL)
		return err;
	if ((to = util_path_join(dir, name)) == NULL)
		return nomem();
	if (rename(path, to) == -1 && errno != ENOENT)
		err = dsm_error_errno(DSM_ERR_SYSTEM, errno, "cannot move %s to "
		    "%s", path, to);
	free(to);
	return err;
}

/* The loose file of id, or NULL when it has none. */
static char *
loose_path(const char *path, const git_oid *id)
{
	const char *hex = git_oid_tostr_s(id);
	char *p = util_printf("%s/objects/%.2s/%s", path, hex, hex + 2);

	if (p != NULL && access(p, F_OK) != 0) {
		free(p);
		return NULL;
	}
	return p;
}

/*
 * Steps 1 and 2 of a repair (fsck.h): what the damaged packs still read
 * kept in new packs, then they and the corrupt loose objects moved into
 * <path>/dsmirror-damaged/<stamp>/.  Sets *aside to that folder's name
 * (caller frees), or NULL when nothing was moved.
 */
static struct dsm_error *
quarantine(struct scan *s, const char *path, char **aside)
{
	static const char *const exts[] = { ".idx", ".pack", ".rev",
	    ".bitmap", ".keep" };
	struct dsm_error *err = NULL;
	char stamp[17], *dir, *packdir, *objdir;

	*aside = NULL;
	util_utc_stamp(stamp, time(NULL));
	dir = util_printf("%s/" FSCK_DAMAGED_DIR "/%s", path, stamp);
	packdir = util_path_join(path, "objects/pack");
	objdir = util_path_join(path, "objects");
	if (dir == NULL || packdir == NULL || objdir == NULL)
		err = nomem();
	for (size_t i = 0; err == NULL && i < s->nbad_packs; i++) {
		size_t kept;
		if ((err = salvage(s, packdir, s->bad_packs[i], &kept)) != NULL)
			break;
		util_kill_point("fsck-salvaged");
		/* The index first: a pack is gone once its index is. */
		for (size_t x = 0; err == NULL && x < sizeof(exts) /
		    sizeof(exts[0]); x++) {
			char *name = util_printf("%s%s", s->bad_packs[i],
			    exts[x]);
			char *from = name != NULL ? util_path_join(packdir,
			    name) : NULL;
			if (from == NULL)
				err = nomem();
			else if (access(from, F_OK) == 0)
				err = set_aside(from, dir, name);
			free(from);
			free(name);
		}
	}
	for (size_t i = 0; err == NULL && i < s->nbad; i++) {
		char *loose = loose_path(path, &s->bad[i]);
		if (loose != NULL)
			err = set_aside(loose, dir, git_oid_tostr_s(&s->bad[i]));
		free(loose);
	}
	if (err == NULL && access(dir, F_OK) == 0) {
		if ((err = util_fsync_dir(dir)) == NULL &&
		    (err = util_fsync_dir(packdir)) == NULL)
			*aside = util_printf(FSCK_DAMAGED_DIR "/%s", stamp);
	}
	free(dir);
	free(packdir);
	free(objdir);
	return err;
}

/* Appends what to *detail ("; " between). */
static struct dsm_error *
append(char **detail, const char *what)
{
	char *all = *detail == NULL ? strdup(what) :
	    util_printf("%s; %s", *detail, what);

	if (all == NULL)
		return nomem();
	free(*detail);
	*detail = all;
	return NULL;
}

/* Indexes the pack at pack (an index of it written beside it). */
static int
index_pack(const char *packdir, const char *pack)
{
	git_indexer_options iopts;
	git_indexer_progress stats;
	git_indexer *ix;
	char *buf = malloc(FSCK_READ_SIZE);
	ssize_t n = 0;
	int fd, rc = -1;

	git_indexer_options_init(&iopts, GIT_INDEXER_OPTIONS_VERSION);
	if (buf == NULL || (fd = open(pack, O_RDONLY | O_CLOEXEC)) == -1) {
		free(buf);
		return -1;
	}
	if (git_indexer_new(&ix, packdir, 0, NULL, &iopts) == 0) {
		while ((n = read(fd, buf, FSCK_READ_SIZE)) > 0)
			if (git_indexer_append(ix, buf, (size_t)n, &stats) < 0)
				break;
		if (n == 0 && git_indexer_commit(ix, &stats) == 0)
			rc = 0;
		git_indexer_free(ix);
	}
	git_error_clear();
	close(fd);
	free(buf);
	return rc;
}

struct dsm_error *
fsck_reindex(const char *path, char **detail)
{
	struct dsm_error *err = NULL;
	char *packdir = util_path_join(path, "objects/pack"), *dir = NULL;
	struct dirent *e;
	DIR *d;

	*detail = NULL;
	if (packdir == NULL)
		return nomem();
	if ((d = opendir(packdir)) == NULL) {
		free(packdir);
		return NULL;
	}
	while (err == NULL && (e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		char *pack, *idx, what[600];
		if (strncmp(e->d_name, "pack-", 5) != 0 || len <= 5 ||
		    strcmp(e->d_name + len - 5, ".pack") != 0)
			continue;
		pack = util_path_join(packdir, e->d_name);
		idx = util_printf("%s/%.*s.idx", packdir, (int)len - 5,
		    e->d_name);
		if (pack == NULL || idx == NULL) {
			err = nomem();
		} else if (access(idx, F_OK) != 0) {
			if (index_pack(packdir, pack) == 0 &&
			    access(idx, F_OK) == 0) {
				snprintf(what, sizeof(what), "objects/pack/%s "
				    "had no index: indexed again", e->d_name);
			} else {
				/* Unreadable as it is: kept, out of the way. */
				char stamp[17];
				util_utc_stamp(stamp, time(NULL));
				free(dir);
				dir = util_printf("%s/" FSCK_DAMAGED_DIR "/%s",
				    path, stamp);
				err = dir == NULL ? nomem() :
				    set_aside(pack, dir, e->d_name);
				snprintf(what, sizeof(what), "objects/pack/%s "
				    "had no index and cannot be indexed: moved "
				    "to " FSCK_DAMAGED_DIR "/%s", e->d_name,
				    stamp);
			}
			if (err == NULL)
				err = append(detail, what);
		}
		free(pack);
		free(idx);
	}
	closedir(d);
	if (err == NULL && *detail != NULL)
		err = util_fsync_dir(packdir);
	free(dir);
	free(packdir);
	return err;
}

/* The repair (fsck.h, steps 1-4) of the mirror s found damaged. */
static struct dsm_error *
repair(struct scan *s, const char *path, struct fetch_report *fetch,
    const struct mirror_opts *opts, char **detail)
{
	struct dsm_error *err, *ferr;
	uint64_t bytes = 0;
	char *aside, what[600];

	git_odb_free(s->odb);
	git_repository_free(s->repo);
	s->odb = NULL;
	s->repo = NULL;
	if ((err = quarantine(s, path, &aside)) != NULL)
		return err;
	util_kill_point("fsck-set-aside");
	if (aside != NULL) {
		snprintf(what, sizeof(what), "the damaged files were moved to "
		    "%s", aside);
		free(aside);
		if ((err = append(detail, what)) != NULL)
			return err;
	}
	/* What below the tips was lost comes back from upstream. */
	if (s->missing > 0 || s->corrupt > 0 || s->nbad_packs > 0) {
		ferr = mirror_refetch(opts, path, &bytes);
		if (ferr != NULL) {
			fetch->result = FETCH_ERROR;
			fetch->error = strdup(ferr->msg);
			snprintf(what, sizeof(what), "upstream could not be "
			    "asked for the lost objects: %s", ferr->msg);
			dsm_error_free(ferr);
			return append(detail, what);
		}
	}
	util_kill_point("fsck-refetched");
	/* HEAD and the refs to lost tips: as every update mends them. */
	if ((ferr = mirror_fetch(fetch, opts)) != NULL) {
		fetch_report_clear(fetch);
		fetch->result = FETCH_ERROR;
		fetch->error = strdup(ferr->msg);
		dsm_error_free(ferr);
	}
	fetch->received_bytes += bytes;
	return NULL;
}

struct dsm_error *
mirror_fsck(struct fsck_report *out, struct fetch_report *fetch,
    const struct mirror_opts *opts)
{
	struct scan s = { 0 };
	struct dsm_error *err;
	double start = util_now();
	char *path = mirror_path(opts->root, opts->spec->name), *found = NULL;
	struct stat st;

	if (path == NULL)
		return nomem();
	if (lstat(path, &st) == -1) {
		free(path);
		if (errno != ENOENT)
			return dsm_error_errno(DSM_ERR_SYSTEM, errno, "cannot "
			    "stat the mirror");
		out->result = FSCK_NO_MIRROR;
		return NULL;
	}
	if (!S_ISDIR(st.st_mode)) {
		free(path);
		return dsm_error_new(DSM_ERR_REMOTE, "the mirror is not a "
		    "directory; move it away");
	}
	if ((err = recover_check_owner(path, &st)) != NULL) {
		free(path);
		return err;
	}
	/* A pack whose index was lost is indexed, not removed as debris. */
	if ((err = fsck_reindex(path, &found)) != NULL) {
		free(path);
		return err;
	}
	recover_repo(path);
	err = scan(&s, path, opts);
	out->packs = s.packs;
	if (err == NULL && !damaged(&s) && found != NULL) {
		out->result = FSCK_REPAIRED;
		out->detail = found;
		found = NULL;
	} else if (err == NULL && !damaged(&s)) {
		out->result = FSCK_OK;
	} else if (err == NULL) {
		if (found == NULL) {
			found = s.detail;
		} else if (s.detail != NULL) {
			char *both = util_printf("%s; %s", found, s.detail);
			free(found);
			if ((found = both) == NULL)
				err = nomem();
		}
		s.detail = NULL;
		if (err == NULL)
			err = repair(&s, path, fetch, opts, &found);
		scan_free(&s);
		/* What the repair could not mend, the check finds again. */
		if (err == NULL && (err = scan(&s, path, opts)) == NULL) {
			out->result = damaged(&s) ? FSCK_DAMAGED : FSCK_REPAIRED;
			if (out->result == FSCK_DAMAGED) {
				char *still = util_printf("found: %s; still "
				    "damaged after the repair: %s; upstream no "
				    "longer has it: restore the mirror from a "
				    "backup, or move it away and run dsmirror "
				    "fetch to clone it again", found,
				    s.detail != NULL ? s.detail : "?");
				free(found);
				found = still;
			}
		}
		out->detail = found;
		found = NULL;
	}
	out->objects = s.objects;
	out->seconds = util_now() - start;
	scan_free(&s);
	free(found);
	free(path);
	return err;
}
