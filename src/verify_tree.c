/*
 * verify_tree.c - the license inventory of the tree at the verified tip,
 * read from the bare mirror's blobs (inventory.h says what one file
 * carries).
 *
 * The first inventory of a repo walks the whole tree and reads each file's
 * start (a license file whole); its results are the "inventory" section of
 * the repo's state: the commit, the notices found (each once: a tree's
 * files share their headers), and by path the files that carry one (with
 * their blob id) or were skipped; every other file carries none.  A
 * later run diffs the recorded commit's tree against the tip's and reads
 * only the blobs that changed (a renamed file's results are found by its
 * blob id).  A section from another version of the data or of this code
 * is not used.
 */
#include <stdlib.h>
#include <string.h>

#include <git2.h>
#include <jansson.h>

#include "inventory.h"
#include "license.h"
#include "util.h"
#include "verify.h"
#include "verify_int.h"

#define INV_SECTION_VERSION	2
#define INV_MAX_DEPTH		256	/* folders deeper are not read */
#define INV_MAX_PATH		4096	/* bytes of a path */

struct walk {
	git_repository *repo;
	json_t *files;		/* path -> [blob id, index into notices] */
	json_t *notices;	/* [{"licenses", "evidence", "sha256"}]: what
				   files carry, each once */
	json_t *by_sha;		/* sha256 -> its index in notices */
	json_t *skipped;	/* path -> "binary" | "minified" | ... */
	json_t *by_blob;	/* blob id -> a files entry */
	int indexed;		/* by_blob holds every files entry */
	json_int_t none;	/* files that carry no notice */
	size_t read;
	char *error;
};

static const char *const kind_names[] = {
	[INV_TEXT] = "text",
	[INV_BINARY] = "binary",
	[INV_MINIFIED] = "minified",
	[INV_LARGE] = "large",
};

static void
walk_fail(struct walk *w, const char *what, const char *path)
{
	const git_error *e = git_error_last();
	char safe[256];

	if (w->error != NULL)
		return;
	util_sanitize(safe, sizeof(safe), e != NULL && e->message != NULL ?
	    e->message : "out of memory");
	w->error = util_printf("%s %s: %s", what, path, safe);
}

/* Whether s is valid UTF-8 (what jansson takes for a key). */
static int
is_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p != '\0') {
		size_t n = *p < 0x80 ? 1 : (*p & 0xe0) == 0xc0 ? 2 :
		    (*p & 0xf0) == 0xe0 ? 3 : (*p & 0xf8) == 0xf0 ? 4 : 0;
		if (n == 0 || (n == 2 && *p < 0xc2))
			return 0;
		for (size_t k = 1; k < n; k++)
			if ((p[k] & 0xc0) != 0x80)
				return 0;
		if ((n == 3 && ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed &&
		    p[1] >= 0xa0))) || (n == 4 && ((p[0] == 0xf0 && p[1] < 0x90) ||
		    p[0] > 0xf4 || (p[0] == 0xf4 && p[1] >= 0x90))))
			return 0;
		p += n;
	}
	return 1;
}

/*
 * The path as the state and the reports hold it: itself when it is UTF-8,
 * else with each byte that is not written \xHH (git allows any bytes in a
 * name; JSON keys are UTF-8).  The caller frees it; NULL: out of memory.
 */
static char *
json_path(const char *raw)
{
	char *out, *o;

	if (is_utf8(raw))
		return strdup(raw);
	if ((out = malloc(strlen(raw) * 4 + 1)) == NULL)
		return NULL;
	o = out;
	for (const unsigned char *p = (const unsigned char *)raw; *p; p++) {
		if (*p < 0x80)
			*o++ = (char)*p;
		else
			o += sprintf(o, "\\x%02x", *p);
	}
	*o = '\0';
	return out;
}

/* The data version the recorded results hold for. */
static char *
data_version(void)
{
	return util_printf("%d/%d/%s", INV_SECTION_VERSION,
	    LICENSE_NORM_VERSION, license_data_version());
}

/*
 * Whether every recorded files entry has its shape, [blob id, an index
 * into notices]: a hand edit makes the whole record useless.
 */
static int
files_ok(const struct walk *w)
{
	const char *path;
	json_t *e;

	json_object_foreach(w->files, path, e) {
		json_t *ix = json_array_get(e, 1);
		if (json_array_size(e) != 2 ||
		    json_string_value(json_array_get(e, 0)) == NULL ||
		    !json_is_integer(ix) || json_integer_value(ix) < 0 ||
		    (size_t)json_integer_value(ix) >= json_array_size(w->notices))
			return 0;
	}
	return 1;
}

/*
 * The index key of a blob at path: its id and what of the path the scan
 * looks at (a copy named LICENSE, or x.min.js, scans otherwise).
 */
static void
blob_key(char key[GIT_OID_HEXSZ + 4], const char *hex, const char *path)
{
	snprintf(key, GIT_OID_HEXSZ + 4, "%.*s:%d", GIT_OID_HEXSZ, hex,
	    inventory_path_class(path));
}

/* Indexes the files entries by blob key (checked: files_ok()). */
static int
index_blobs(struct walk *w)
{
	char key[GIT_OID_HEXSZ + 4];
	const char *path;
	json_t *e;

	json_object_foreach(w->files, path, e) {
		blob_key(key, json_string_value(json_array_get(e, 0)), path);
		if (json_object_set(w->by_blob, key, e) == -1)
			return -1;
	}
	w->indexed = 1;
	return 0;
}

/* Indexes the notices by fingerprint; 0, or -1 when one is malformed. */
static int
index_notices(struct walk *w)
{
	size_t i;
	json_t *n;

	json_array_foreach(w->notices, i, n) {
		const char *sha = json_string_value(json_object_get(n, "sha256"));
		if (sha == NULL || !json_is_array(json_object_get(n,
		    "licenses")) || !json_is_array(json_object_get(n,
		    "evidence")) || json_object_set_new(w->by_sha, sha,
		    json_integer((json_int_t)i)) == -1)
			return -1;
	}
	return 0;
}

/* The index of f's notices in w->notices, added when new; -1: no memory. */
static json_int_t
notice_index(struct walk *w, const struct inv_file *f)
{
	json_t *hit = json_object_get(w->by_sha, f->sha256), *lics, *ev, *n;
	json_int_t i = (json_int_t)json_array_size(w->notices);

	if (hit != NULL)
		return json_integer_value(hit);
	lics = json_array();
	ev = json_array();
	for (size_t k = 0; k < f->n; k++) {
		/* Both are printable ASCII (inventory.h): never refused. */
		if (json_array_append_new(lics, json_string(
		    f->notices[k].license)) == -1 || json_array_append_new(ev,
		    json_string(f->notices[k].evidence)) == -1) {
			json_decref(lics);
			json_decref(ev);
			return -1;
		}
	}
	n = json_pack("{s:o, s:o, s:s}", "licenses", lics, "evidence", ev,
	    "sha256", f->sha256);
	if (n == NULL || json_array_append_new(w->notices, n) == -1 ||
	    json_object_set_new(w->by_sha, f->sha256, json_integer(i)) == -1)
		return -1;
	return i;
}

/*
 * Reads and scans one blob: raw, its path in the tree (what the scan looks
 * at), recorded as path (json_path()).
 */
static void
scan_named(struct walk *w, const char *raw, const char *path,
    const git_oid *id, int added)
{
	char hex[GIT_OID_HEXSZ + 1], key[GIT_OID_HEXSZ + 4];
	git_odb *odb = NULL;
	git_blob *blob = NULL;
	git_object_t type;
	size_t size = 0, len;
	struct inv_file f;
	json_t *hit;

	git_oid_tostr(hex, sizeof(hex), id);
	/*
	 * The same content elsewhere (a rename, a copy): its results.  Only
	 * a file that appears needs the index built for it.
	 */
	if (added && !w->indexed && index_blobs(w) == -1) {
		walk_fail(w, "out of memory at", path);
		return;
	}
	blob_key(key, hex, raw);
	if ((hit = json_object_get(w->by_blob, key)) != NULL) {
		if (json_object_set(w->files, path, hit) == -1)
			walk_fail(w, "cannot record", path);
		return;
	}
	if (git_repository_odb(&odb, w->repo) < 0 ||
	    git_odb_read_header(&size, &type, odb, id) < 0) {
		git_odb_free(odb);
		walk_fail(w, "cannot read", path);
		return;
	}
	git_odb_free(odb);
	if (size > INV_FILE_MAX) {
		json_object_set_new(w->skipped, path, json_string("large"));
		return;
	}
	if (git_blob_lookup(&blob, w->repo, id) < 0) {
		walk_fail(w, "cannot read", path);
		return;
	}
	w->read++;
	len = (size_t)git_blob_rawsize(blob);
	if (inventory_scan(&f, raw, git_blob_rawcontent(blob),
	    inventory_is_license_name(raw) || len < INV_HEAD_MAX ? len :
	    INV_HEAD_MAX, len) == -1) {
		git_blob_free(blob);
		walk_fail(w, "out of memory at", path);
		return;
	}
	git_blob_free(blob);
	if (f.kind != INV_TEXT) {
		json_object_set_new(w->skipped, path,
		    json_string(kind_names[f.kind]));
	} else if (f.n == 0) {
		w->none++;
	} else {
		json_int_t i = notice_index(w, &f);
		json_t *e = i >= 0 ? json_pack("[s, I]", hex, i) : NULL;
		if (e == NULL || json_object_set(w->files, path, e) == -1 ||
		    json_object_set(w->by_blob, key, e) == -1)
			walk_fail(w, "out of memory at", path);
		json_decref(e);
	}
	inventory_file_free(&f);
}

/* Reads and scans one blob at raw (a regular file of the tree). */
static void
scan_blob(struct walk *w, const char *raw, const git_oid *id, int added)
{
	char *path = json_path(raw);

	if (path == NULL) {
		walk_fail(w, "out of memory at", "a path");
		return;
	}
	scan_named(w, raw, path, id, added);
	free(path);
}
static int
is_file(git_filemode_t mode)
{
	return mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE;
}

/* A frame of the walk: a tree, its path, the next entry. */
struct frame {
	git_tree *tree;
	char *prefix;		/* "" or "dir/sub/" */
	size_t next;
};

/* Walks the whole tree, without recursion, at most INV_MAX_DEPTH deep. */
static void
walk_tree(struct walk *w, git_tree *root)
{
	struct frame stack[INV_MAX_DEPTH + 1];
	size_t depth = 0;

	stack[0].tree = root;
	stack[0].prefix = strdup("");
	stack[0].next = 0;
	if (stack[0].prefix == NULL) {
		walk_fail(w, "out of memory at", "/");
		return;
	}
	for (;;) {
		struct frame *fr = &stack[depth];
		const git_tree_entry *e;
		char *path;

		if (fr->next >= git_tree_entrycount(fr->tree) ||
		    w->error != NULL) {
			free(fr->prefix);
			if (depth == 0)
				break;
			git_tree_free(fr->tree);
			depth--;
			continue;
		}
		e = git_tree_entry_byindex(fr->tree, fr->next++);
		path = util_printf("%s%s", fr->prefix, git_tree_entry_name(e));
		if (path == NULL) {
			walk_fail(w, "out of memory at", fr->prefix);
			continue;
		}
		if (strlen(path) > INV_MAX_PATH || (git_tree_entry_type(e) ==
		    GIT_OBJECT_TREE && depth + 1 > INV_MAX_DEPTH)) {
			/* Too deep, or too long a name: counted, not read. */
			char *key = json_path(path);
			if (key == NULL || json_object_set_new(w->skipped, key,
			    json_string("deep")) == -1)
				walk_fail(w, "out of memory at", fr->prefix);
			free(key);
			free(path);
			continue;
		}
		if (git_tree_entry_type(e) == GIT_OBJECT_TREE) {
			git_tree *sub;
			if (git_tree_lookup(&sub, w->repo,
			    git_tree_entry_id(e)) < 0) {
				walk_fail(w, "cannot read the folder", path);
			} else {
				depth++;
				stack[depth].tree = sub;
				stack[depth].prefix = util_printf("%s/", path);
				stack[depth].next = 0;
				if (stack[depth].prefix == NULL) {
					git_tree_free(sub);
					depth--;
					walk_fail(w, "out of memory at", path);
				}
			}
		} else if (is_file(git_tree_entry_filemode(e))) {
			scan_blob(w, path, git_tree_entry_id(e), 1);
		}
		free(path);
	}
}

static int
path_depth(const char *path)
{
	int d = 0;

	for (; *path != '\0'; path++)
		d += *path == '/';
	return d;
}

/* The file at raw leaves the inventory (deleted, or about to change). */
static void
forget(struct walk *w, const char *raw, git_filemode_t mode)
{
	char *path = json_path(raw);

	if (path == NULL) {
		walk_fail(w, "out of memory at", "a path");
		return;
	}
	if (json_object_get(w->files, path) != NULL)
		json_object_del(w->files, path);
	else if (json_object_get(w->skipped, path) != NULL)
		json_object_del(w->skipped, path);
	else if (is_file(mode) && w->none > 0)
		w->none--;
	free(path);
}

/* Whether a diff's path is one the whole walk does not read one by one. */
static int
out_of_bounds(const char *path)
{
	return path_depth(path) >= INV_MAX_DEPTH || strlen(path) > INV_MAX_PATH;
}

/*
 * Brings the recorded results from old_tree up to tree: only the paths
 * that differ.  Returns 0, or -1 when the diff cannot be made or names a
 * path past the walk's bounds, which the whole walk counts by folder (the
 * caller then walks the whole tree).
 */
static int
walk_diff(struct walk *w, git_tree *old_tree, git_tree *tree)
{
	git_diff_options opts;
	git_diff *diff;
	size_t n;
	int added = 0;

	if (git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION) < 0)
		return -1;
	opts.flags = GIT_DIFF_SKIP_BINARY_CHECK;
	if (git_diff_tree_to_tree(&diff, w->repo, old_tree, tree, &opts) < 0)
		return -1;
	n = git_diff_num_deltas(diff);
	for (size_t i = 0; i < n; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		if (out_of_bounds(d->old_file.path) ||
		    out_of_bounds(d->new_file.path)) {
			git_diff_free(diff);
			return -1;
		}
		added |= d->status == GIT_DELTA_ADDED;
	}
	/* Before any file goes: a rename's new path may sort after its old. */
	if (added && !w->indexed && index_blobs(w) == -1)
		walk_fail(w, "out of memory at", "the index");
	for (size_t i = 0; i < n && w->error == NULL; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		if (d->status != GIT_DELTA_ADDED)
			forget(w, d->old_file.path, d->old_file.mode);
		if (d->status != GIT_DELTA_DELETED &&
		    is_file(d->new_file.mode))
			scan_blob(w, d->new_file.path, &d->new_file.id,
			    d->status == GIT_DELTA_ADDED);
	}
	git_diff_free(diff);
	return 0;
}

/* Whether the accepted entries of spec take this finding as it is. */
static int
is_accepted(const struct repo_spec *spec, const char *path,
    const char *sha256)
{
	for (size_t i = 0; i < spec->naccepted; i++)
		if (strcmp(spec->accepted[i].path, path) == 0 &&
		    strcmp(spec->accepted[i].sha256, sha256) == 0)
			return 1;
	return 0;
}

static int
listed(const struct repo_spec *spec, const char *path)
{
	for (size_t i = 0; i < spec->nlicenses; i++)
		if (strcmp(spec->licenses[i].path, path) == 0)
			return 1;
	return 0;
}

static char *
join(const json_t *list, const char *sep)
{
	size_t i, n = 1;
	const json_t *v;
	char *out;

	json_array_foreach(list, i, v)
		n += strlen(json_string_value(v) != NULL ?
		    json_string_value(v) : "") + strlen(sep);
	if ((out = calloc(1, n)) == NULL)
		return NULL;
	json_array_foreach(list, i, v) {
		if (i > 0)
			strcat(out, sep);
		strcat(out, json_string_value(v) != NULL ?
		    json_string_value(v) : "");
	}
	return out;
}

/* Adds a finding for path, with notice n, to rep; -1 when out of memory. */
static int
add_finding(struct inventory_report *rep, const struct repo_spec *spec,
    const char *path, const json_t *n, size_t *cap)
{
	struct inv_finding *f;
	const char *sha = json_string_value(json_object_get(n, "sha256"));

	if (rep->nfindings == *cap) {
		struct inv_finding *p;
		*cap = *cap ? *cap * 2 : 8;
		if ((p = realloc(rep->findings, *cap * sizeof(*p))) == NULL)
			return -1;
		rep->findings = p;
	}
	f = &rep->findings[rep->nfindings];
	memset(f, 0, sizeof(*f));
	snprintf(f->sha256, sizeof(f->sha256), "%s", sha != NULL ? sha : "");
	f->path = strdup(path);
	f->license = join(json_object_get(n, "licenses"), ", ");
	f->evidence = join(json_object_get(n, "evidence"), "; ");
	rep->nfindings++;
	if (f->path == NULL || f->license == NULL || f->evidence == NULL)
		return -1;
	f->accepted = is_accepted(spec, path, f->sha256);
	return 0;
}

/*
 * The counts and findings of the report, from the recorded results; the
 * notices no file carries any more are dropped from w->notices.
 */
static int
summarise(struct inventory_report *rep, const struct repo_spec *spec,
    struct walk *w)
{
	size_t nn = json_array_size(w->notices), i, cap = 0, used = 0;
	size_t *uses = calloc(nn + 1, sizeof(*uses));
	char *fine = calloc(nn + 1, 1);
	const char *path;
	json_t *e, *v, *n;
	int rc = -1;

	rep->counts = json_object();
	if (rep->counts == NULL || uses == NULL || fine == NULL)
		goto out;
	/* Each notice once: is it the code's license? */
	json_array_foreach(w->notices, i, n) {
		size_t k;
		/* No license at all is no proof of the expected one. */
		fine[i] = rep->expected != NULL &&
		    json_array_size(json_object_get(n, "licenses")) > 0;
		json_array_foreach(json_object_get(n, "licenses"), k, v)
			if (rep->expected == NULL || json_string_value(v) ==
			    NULL || !inventory_allows(json_string_value(v),
			    rep->expected))
				fine[i] = 0;
	}
	rep->files = (size_t)w->none;
	json_object_foreach(w->skipped, path, v) {
		const char *k = json_string_value(v);
		if (k == NULL)
			continue;
		rep->binary += strcmp(k, "binary") == 0;
		rep->minified += strcmp(k, "minified") == 0;
		rep->large += strcmp(k, "large") == 0;
		rep->deep += strcmp(k, "deep") == 0;
		rep->files += strcmp(k, "deep") != 0;
	}
	json_object_foreach(w->files, path, e) {
		size_t ix = (size_t)json_integer_value(json_array_get(e, 1));
		rep->files++;
		uses[ix]++;
		/* licenses[] files have their own check and pins. */
		if (fine[ix] || rep->expected == NULL || listed(spec, path))
			continue;
		if (add_finding(rep, spec, path, json_array_get(w->notices, ix),
		    &cap) == -1)
			goto out;
	}
	json_array_foreach(w->notices, i, n) {
		size_t k;
		used += uses[i] > 0;
		json_array_foreach(json_object_get(n, "licenses"), k, v) {
			const char *l = json_string_value(v);
			if (l != NULL && uses[i] > 0)
				json_object_set_new(rep->counts, l, json_integer(
				    json_integer_value(json_object_get(
				    rep->counts, l)) + (json_int_t)uses[i]));
		}
	}
	json_object_set_new(rep->counts, "none", json_integer(w->none));
	/* Notices nothing carries any more: out, the indexes renumbered. */
	if (used < nn) {
		json_t *kept = json_array();
		size_t *to = calloc(nn + 1, sizeof(*to));
		if (kept == NULL || to == NULL) {
			json_decref(kept);
			free(to);
			goto out;
		}
		json_array_foreach(w->notices, i, n)
			if (uses[i] > 0) {
				to[i] = json_array_size(kept);
				json_array_append(kept, n);
			}
		json_object_foreach(w->files, path, e) {
			size_t ix = (size_t)json_integer_value(json_array_get(e,
			    1));
			/* A new entry: two paths may share one. */
			json_object_set_new(w->files, path, json_pack("[O, I]",
			    json_array_get(e, 0), (json_int_t)to[ix]));
		}
		free(to);
		json_decref(w->notices);
		w->notices = kept;
	}
	rc = 0;
out:
	free(uses);
	free(fine);
	return rc;
}

/* The recorded section, if it is one this code wrote for this data. */
static const json_t *
usable_section(const json_t *sec, const char *version)
{
	if (!json_is_object(sec) || !json_is_string(json_object_get(sec,
	    "data")) || strcmp(json_string_value(json_object_get(sec, "data")),
	    version) != 0 || !json_is_string(json_object_get(sec, "commit")) ||
	    !json_is_object(json_object_get(sec, "files")) ||
	    !json_is_array(json_object_get(sec, "notices")) ||
	    !json_is_object(json_object_get(sec, "skipped")) ||
	    !json_is_integer(json_object_get(sec, "none")) ||
	    json_integer_value(json_object_get(sec, "none")) < 0)
		return NULL;
	return sec;
}

struct dsm_error *
verify_inventory(struct repo_result *r, git_repository *repo,
    const git_commit *tip)
{
	struct inventory_report *rep = &r->inventory;
	const struct repo_spec *spec = r->spec;
	char *version = data_version(), hex[GIT_OID_HEXSZ + 1];
	const json_t *old = NULL;
	struct walk w;
	git_tree *tree = NULL, *old_tree = NULL;
	git_commit *old_commit = NULL;
	git_oid old_id;
	double start = util_now();
	struct dsm_error *err = NULL;

	memset(&w, 0, sizeof(w));
	w.repo = repo;
	rep->ran = 1;
	if (version == NULL || (spec->code_license != NULL &&
	    (rep->expected = strdup(spec->code_license)) == NULL))
		goto nomem;
	git_oid_tostr(hex, sizeof(hex), git_commit_id(tip));
	if (git_commit_tree(&tree, tip) < 0) {
		walk_fail(&w, "cannot read the tree of", hex);
		goto out;
	}
	old = usable_section(json_object_get(r->state, "inventory"), version);
	if (old != NULL && git_oid_fromstr(&old_id, json_string_value(
	    json_object_get(old, "commit"))) == 0 &&
	    git_commit_lookup(&old_commit, repo, &old_id) == 0 &&
	    git_commit_tree(&old_tree, old_commit) == 0) {
		/*
		 * The recorded results are brought up to date in place (no
		 * copy of a 50,000-file section): the state holds them until
		 * the new section replaces them, and loses them on failure.
		 */
		w.files = json_incref(json_object_get(old, "files"));
		w.skipped = json_incref(json_object_get(old, "skipped"));
		w.notices = json_incref(json_object_get(old, "notices"));
		w.none = json_integer_value(json_object_get(old, "none"));
		w.by_blob = json_object();
		w.by_sha = json_object();
		if (w.by_blob == NULL || w.by_sha == NULL)
			goto nomem;
		rep->incremental = index_notices(&w) == 0 && files_ok(&w) &&
		    walk_diff(&w, old_tree, tree) == 0;
		if (!rep->incremental || w.error != NULL)
			json_object_del(r->state, "inventory");
	}
	if (!rep->incremental) {
		json_decref(w.files);
		json_decref(w.skipped);
		json_decref(w.by_blob);
		json_decref(w.notices);
		json_decref(w.by_sha);
		w.files = json_object();
		w.skipped = json_object();
		w.by_blob = json_object();
		w.notices = json_array();
		w.by_sha = json_object();
		w.none = 0;
		w.read = 0;
		w.indexed = 1;	/* an empty index is the whole index */
		if (w.files == NULL || w.skipped == NULL || w.by_blob == NULL ||
		    w.notices == NULL || w.by_sha == NULL)
			goto nomem;
		walk_tree(&w, tree);
	}
out:
	rep->read = w.read;
	if (w.error != NULL) {
		json_object_del(r->state, "inventory");
		rep->error = util_printf("%s; %s", w.error, VERIFY_DAMAGED_HINT);
	} else if (summarise(rep, spec, &w) == -1 ||
	    (rep->section = json_pack("{s:s, s:s, s:I, s:O, s:O, s:O}", "data",
	    version, "commit", hex, "none", w.none, "notices", w.notices,
	    "files", w.files, "skipped", w.skipped)) == NULL) {
		goto nomem;
	}
	rep->seconds = util_now() - start;
	goto done;
nomem:
	err = dsm_error_new(DSM_ERR_NOMEM, "out of memory");
done:
	json_decref(w.files);
	json_decref(w.skipped);
	json_decref(w.by_blob);
	json_decref(w.notices);
	json_decref(w.by_sha);
	free(w.error);
	free(version);
	git_tree_free(tree);
	git_tree_free(old_tree);
	git_commit_free(old_commit);
	return err;
}
