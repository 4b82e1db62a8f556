/*
 * releases.c - validating, reducing and comparing GitHub release metadata.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "releases.h"
#include "util.h"

#define SHORT_OID 7

/* Sets *why to a formatted message and returns NULL. */
static json_t *
reject(char **why, const char *fmt, ...)
{
	va_list ap;
	char buf[512];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	*why = strdup(buf);
	return NULL;
}

/* C0 controls, DEL, and C1 controls (U+0080..U+009F in UTF-8). */
static int
has_control(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f ||
		    (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f))
			return 1;
	return 0;
}

static int
all_of(const char *s, const char *set, size_t min, size_t max)
{
	size_t n = strlen(s);

	return n >= min && n <= max && strspn(s, set) == n;
}

static const char digits[] = "0123456789";
static const char hex[] = "0123456789abcdef";

/* "2025-01-20T12:00:00Z", GitHub's only form. */
static int
is_timestamp(const char *s)
{
	static const char form[] = "dddd-dd-ddTdd:dd:ddZ";

	if (strlen(s) != sizeof(form) - 1)
		return 0;
	for (size_t i = 0; form[i] != '\0'; i++)
		if (form[i] == 'd' ? strchr(digits, s[i]) == NULL || s[i] == 0 :
		    s[i] != form[i])
			return 0;
	return 1;
}

/* A name: tags, assets, branches.  Never a path for dsmirror. */
static int
is_name(const char *s)
{
	size_t n = strlen(s);

	return n >= 1 && n <= RELEASES_MAX_NAME && !has_control(s);
}

enum kind { K_NAME, K_FILE, K_TEXT, K_TIME, K_OID, K_DIGEST, K_SPDX,
    K_FULL_NAME };

/* Checks a string against the grammar of its kind. */
static int
fits(const char *s, enum kind k)
{
	const char *colon;

	switch (k) {
	case K_NAME:
		return is_name(s);
	case K_FILE:
		return is_name(s) && strchr(s, '/') == NULL &&
		    strcmp(s, ".") != 0 && strcmp(s, "..") != 0;
	case K_TEXT:
		return strlen(s) <= RELEASES_MAX_TEXT;
	case K_TIME:
		return is_timestamp(s);
	case K_OID:
		return all_of(s, hex, 40, 40) || all_of(s, hex, 64, 64);
	case K_DIGEST:
		colon = strchr(s, ':');
		return colon != NULL && colon > s && colon - s <= 16 &&
		    strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789") ==
		    (size_t)(colon - s) && all_of(colon + 1, hex, 32, 128);
	case K_SPDX:
		return all_of(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrs"
		    "tuvwxyz0123456789.+-", 1, 64);
	case K_FULL_NAME:
		colon = strchr(s, '/');
		return colon != NULL && colon > s && strlen(s) <= 200 &&
		    strcmp(colon + 1, ".") != 0 && strcmp(colon + 1, "..") != 0 &&
		    all_of(colon + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmn"
		    "opqrstuvwxyz0123456789-_.", 1, 100) &&
		    strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvw"
		    "xyz0123456789-") == (size_t)(colon - s);
	}
	return 0;
}

static const char *const kind_text[] = {
	[K_NAME] = "is not a name (1 to 255 bytes, no control characters)",
	/* in parentheses: one string cut in two, not two (clang warns) */
	[K_FILE] = ("is not a file name (1 to 255 bytes, no '/' or control "
	    "characters)"),
	[K_TEXT] = "is longer than 1024 bytes",
	[K_TIME] = "is not a time like 2025-01-20T12:00:00Z",
	[K_OID] = "is not a commit id",
	[K_DIGEST] = "is not a digest like sha256:<hex>",
	[K_SPDX] = "is not an SPDX identifier",
	[K_FULL_NAME] = "is not of the form owner/repo",
};

/*
 * Copies api[key] into out[out_key] after checking it: a string of kind k,
 * or (when nullable) null or absent, recorded as null.  Free text has its
 * control characters replaced.  Returns -1 and sets *why on a misfit.
 */
static int
copy_string(json_t *out, const char *out_key, const json_t *api,
    const char *key, enum kind k, int nullable, const char *where,
    char **why)
{
	const json_t *v = json_object_get(api, key);
	const char *s = json_string_value(v);
	json_t *copy;

	if (v == NULL || json_is_null(v)) {
		if (!nullable) {
			reject(why, "%s%s%s: missing", where, *where ? "." : "",
			    key);
			return -1;
		}
		return json_object_set_new(out, out_key, json_null());
	}
	if (s == NULL) {
		reject(why, "%s%s%s: is not a string", where, *where ? "." : "",
		    key);
		return -1;
	}
	if (k == K_TEXT && strlen(s) <= RELEASES_MAX_TEXT) {
		char *clean = malloc(strlen(s) + 2);
		if (clean == NULL)
			return -1;
		util_sanitize(clean, strlen(s) + 2, s);
		copy = json_string(clean);
		free(clean);
		return json_object_set_new(out, out_key, copy);
	}
	if (!fits(s, k)) {
		reject(why, "%s%s%s: %s", where, *where ? "." : "", key,
		    kind_text[k]);
		return -1;
	}
	return json_object_set_new(out, out_key, json_string(s));
}

static int
copy_bool(json_t *out, const char *out_key, const json_t *api,
    const char *key, const char *where, char **why)
{
	const json_t *v = json_object_get(api, key);

	if (v == NULL || json_is_null(v))
		return json_object_set_new(out, out_key, json_false());
	if (!json_is_boolean(v)) {
		reject(why, "%s%s%s: is not true or false", where,
		    *where ? "." : "", key);
		return -1;
	}
	return json_object_set_new(out, out_key, json_boolean(
	    json_is_true(v)));
}

/* Returns -1 having set *why when api is not an object. */
static int
need_object(const json_t *api, const char *where, char **why)
{
	if (json_is_object(api))
		return 0;
	reject(why, "%s: is not an object", *where ? where : "the answer");
	return -1;
}

json_t *
releases_reduce_repo(const json_t *api, char **why)
{
	json_t *out = json_object();
	const json_t *lic;

	*why = NULL;
	if (out == NULL)
		return NULL;
	if (need_object(api, "", why) == -1 ||
	    copy_string(out, "full_name", api, "full_name", K_FULL_NAME, 0,
	    "", why) == -1 ||
	    copy_string(out, "default_branch", api, "default_branch", K_NAME,
	    1, "", why) == -1 ||
	    copy_bool(out, "archived", api, "archived", "", why) == -1 ||
	    copy_string(out, "pushed_at", api, "pushed_at", K_TIME, 1, "",
	    why) == -1)
		goto fail;
	lic = json_object_get(api, "license");
	if (lic != NULL && !json_is_null(lic) && !json_is_object(lic)) {
		reject(why, "license: is not an object");
		goto fail;
	}
	if (json_is_object(lic) ? copy_string(out, "spdx_id", lic, "spdx_id",
	    K_SPDX, 1, "license", why) == -1 : json_object_set_new(out,
	    "spdx_id", json_null()) == -1)
		goto fail;
	return out;
fail:
	json_decref(out);
	return NULL;
}

static json_t *
reduce_asset(const json_t *api, const char *where, char **why)
{
	json_t *out = json_object();
	const json_t *size = json_object_get(api, "size");

	if (out == NULL)
		return NULL;
	if (need_object(api, where, why) == -1 ||
	    copy_string(out, "name", api, "name", K_FILE, 0, where, why) == -1)
		goto fail;
	if (!json_is_integer(size) || json_integer_value(size) < 0) {
		reject(why, "%s.size: is not a size in bytes", where);
		goto fail;
	}
	if (json_object_set_new(out, "size", json_integer(
	    json_integer_value(size))) == -1 ||
	    copy_string(out, "digest", api, "digest", K_DIGEST, 1, where,
	    why) == -1 ||
	    copy_string(out, "updated_at", api, "updated_at", K_TIME, 1,
	    where, why) == -1)
		goto fail;
	return out;
fail:
	json_decref(out);
	return NULL;
}

json_t *
releases_reduce_release(const json_t *api, const char *where, char **why)
{
	json_t *out = json_object(), *assets = json_array();
	const json_t *list, *v;
	char at[128];
	size_t i;

	*why = NULL;
	if (out == NULL || assets == NULL ||
	    json_object_set_new(out, "tag", json_null()) == -1)
		goto fail;
	if (need_object(api, where, why) == -1 ||
	    copy_string(out, "tag", api, "tag_name", K_NAME, 0, where,
	    why) == -1 ||
	    copy_string(out, "name", api, "name", K_TEXT, 1, where, why) == -1 ||
	    copy_string(out, "created_at", api, "created_at", K_TIME, 1, where,
	    why) == -1 ||
	    copy_string(out, "published_at", api, "published_at", K_TIME, 1,
	    where, why) == -1 ||
	    copy_bool(out, "draft", api, "draft", where, why) == -1 ||
	    copy_bool(out, "prerelease", api, "prerelease", where, why) == -1 ||
	    copy_string(out, "target", api, "target_commitish", K_NAME, 1,
	    where, why) == -1)
		goto fail;
	list = json_object_get(api, "assets");
	if (list != NULL && !json_is_array(list)) {
		reject(why, "%s.assets: is not a list", where);
		goto fail;
	}
	json_array_foreach(list, i, v) {
		snprintf(at, sizeof(at), "%s.assets[%zu]", where, i);
		if (json_array_append_new(assets, reduce_asset(v, at, why)) ==
		    -1)
			goto fail;
	}
	if (json_object_set_new(out, "assets", assets) == -1) {
		json_decref(out);
		return NULL;
	}
	return out;
fail:
	json_decref(out);
	json_decref(assets);
	return NULL;
}

json_t *
releases_reduce_tag(const json_t *api, const char *where, char **why)
{
	json_t *out = json_object();
	const json_t *commit = json_object_get(api, "commit");
	char at[128];

	*why = NULL;
	if (out == NULL)
		return NULL;
	snprintf(at, sizeof(at), "%s.commit", where);
	if (need_object(api, where, why) == -1 ||
	    copy_string(out, "name", api, "name", K_NAME, 0, where, why) == -1 ||
	    need_object(commit, at, why) == -1 ||
	    copy_string(out, "commit", commit, "sha", K_OID, 0, at, why) ==
	    -1) {
		json_decref(out);
		return NULL;
	}
	return out;
}

/*
 * The precision that prints the short form of a commit id: SHORT_OID
 * bytes, but whole characters.  A hand-edited state may hold any text
 * there, and json_pack() refuses a message that is not valid UTF-8.
 */
static int
short_oid(const char *oid)
{
	size_t n = strnlen(oid, SHORT_OID);

	while (n > 0 && ((unsigned char)oid[n] & 0xc0) == 0x80)
		n--;
	return (int)n;
}

static const char *
str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

int
releases_recorded_is_sane(const json_t *old)
{
	const json_t *v, *a;
	size_t i, j;

	if (!json_is_object(json_object_get(old, "repo")) ||
	    json_string_value(json_object_get(json_object_get(old, "repo"),
	    "full_name")) == NULL ||
	    !json_is_array(json_object_get(old, "releases")) ||
	    !json_is_array(json_object_get(old, "tags")))
		return 0;
	json_array_foreach(json_object_get(old, "releases"), i, v) {
		if (json_string_value(json_object_get(v, "tag")) == NULL ||
		    !json_is_array(json_object_get(v, "assets")))
			return 0;
		json_array_foreach(json_object_get(v, "assets"), j, a)
			if (json_string_value(json_object_get(a, "name")) == NULL)
				return 0;
	}
	json_array_foreach(json_object_get(old, "tags"), i, v)
		if (json_string_value(json_object_get(v, "name")) == NULL ||
		    json_string_value(json_object_get(v, "commit")) == NULL)
			return 0;
	return 1;
}

const json_t *
releases_latest(const json_t *releases)
{
	const json_t *best = NULL, *r;
	size_t i;

	json_array_foreach(releases, i, r) {
		const char *when = str(r, "created_at");
		if (json_is_true(json_object_get(r, "draft")) ||
		    json_is_true(json_object_get(r, "prerelease")))
			continue;
		if (best == NULL || (when != NULL &&
		    (str(best, "created_at") == NULL ||
		    strcmp(when, str(best, "created_at")) > 0)))
			best = r;
	}
	return best;
}

/* Returns the element of list whose key equals value, or NULL. */
static const json_t *
find(const json_t *list, const char *key, const char *value)
{
	const json_t *v;
	size_t i;

	json_array_foreach(list, i, v)
		if (str(v, key) != NULL && strcmp(str(v, key), value) == 0)
			return v;
	return NULL;
}

/*
 * Returns a new object from each value of key to the first element of list
 * that has it (borrowed by the object), or NULL when out of memory: the
 * diff looks every entry up once, in O(1), not by a scan of the list.
 */
static json_t *
index_by(const json_t *list, const char *key)
{
	json_t *index = json_object();
	const json_t *v;
	size_t i;

	if (index == NULL)
		return NULL;
	json_array_foreach(list, i, v) {
		const char *k = str(v, key);
		if (k != NULL && json_object_get(index, k) == NULL &&
		    json_object_set(index, k, (json_t *)v) == -1) {
			json_decref(index);
			return NULL;
		}
	}
	return index;
}

/* The element index_by() gave for value, or NULL. */
static const json_t *
lookup(const json_t *index, const char *value)
{
	return value != NULL ? json_object_get(index, value) : NULL;
}

struct changes {
	json_t *list;
	size_t more;		/* not listed, past RELEASES_MAX_CHANGES */
	int nomem;
};

/* Adds a change {"what", "tag", "message", extra...}; takes extra. */
static void
add(struct changes *c, const char *what, const char *tag, json_t *extra,
    const char *fmt, ...)
{
	/* msg is the larger: util_sanitize() cuts, between characters, so
	   that the message stays UTF-8 (json_pack() refuses it else) */
	char msg[2048], safe[1024];
	json_t *ch;
	va_list ap;

	if (json_array_size(c->list) >= RELEASES_MAX_CHANGES) {
		c->more++;
		json_decref(extra);
		return;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ch = json_pack("{s:s, s:s?, s:s}", "what", what, "tag", tag, "message",
	    util_sanitize(safe, sizeof(safe), msg));
	if (ch == NULL || (extra != NULL && json_object_update(ch, extra) ==
	    -1) || json_array_append_new(c->list, ch) == -1)
		c->nomem = 1;
	json_decref(extra);
}

/* Names of the elements of a that are not in b (by key), as "a, b". */
static json_t *
names_missing(const json_t *a, const json_t *b, const char *key)
{
	json_t *out = json_array();
	const json_t *v;
	size_t i;

	json_array_foreach(a, i, v)
		if (find(b, key, str(v, key)) == NULL)
			json_array_append_new(out, json_string(str(v, key)));
	return out;
}

/* Joins an array of strings with ", " into buf. */
static const char *
join(char *buf, size_t size, const json_t *names)
{
	const json_t *v;
	size_t i, used = 0;

	buf[0] = '\0';
	json_array_foreach(names, i, v) {
		int n = snprintf(buf + used, size - used, "%s%s", i ? ", " : "",
		    json_string_value(v));
		if (n < 0 || (size_t)n >= size - used) {
			buf[used] = '\0';	/* whole names only: valid UTF-8 */
			break;
		}
		used += (size_t)n;
	}
	return buf;
}

static void
diff_assets(struct changes *c, const char *tag, const json_t *old,
    const json_t *now)
{
	json_t *added, *removed, *modified = json_array();
	const json_t *a;
	char b1[256], b2[256], b3[256], msg[900];
	size_t i, used = 0;

	added = names_missing(json_object_get(now, "assets"),
	    json_object_get(old, "assets"), "name");
	removed = names_missing(json_object_get(old, "assets"),
	    json_object_get(now, "assets"), "name");
	json_array_foreach(json_object_get(now, "assets"), i, a) {
		const json_t *was = find(json_object_get(old, "assets"), "name",
		    str(a, "name"));
		if (was != NULL && !json_equal(was, a))
			json_array_append_new(modified,
			    json_string(str(a, "name")));
	}
	if (added == NULL || removed == NULL || modified == NULL) {
		c->nomem = 1;
	} else if (json_array_size(added) + json_array_size(removed) +
	    json_array_size(modified) > 0) {
		msg[0] = '\0';
		if (json_array_size(added) > 0)
			used += (size_t)snprintf(msg + used, sizeof(msg) - used,
			    "added %s", join(b1, sizeof(b1), added));
		if (json_array_size(removed) > 0 && used < sizeof(msg))
			used += (size_t)snprintf(msg + used, sizeof(msg) - used,
			    "%sremoved %s", used ? "; " : "",
			    join(b2, sizeof(b2), removed));
		if (json_array_size(modified) > 0 && used < sizeof(msg))
			snprintf(msg + used, sizeof(msg) - used, "%schanged %s",
			    used ? "; " : "", join(b3, sizeof(b3), modified));
		add(c, "assets-changed", tag, json_pack("{s:O, s:O, s:O}",
		    "added", added, "removed", removed, "modified", modified),
		    "release %s assets: %s", tag, msg);
	}
	json_decref(added);
	json_decref(removed);
	json_decref(modified);
}

/* The fields of a release other than its assets that an edit can change. */
static const char *const release_fields[] = { "name", "published_at",
    "draft", "prerelease", "target", NULL };

static void
diff_releases(struct changes *c, const json_t *old, const json_t *now)
{
	json_t *oldi = index_by(old, "tag"), *nowi = index_by(now, "tag");
	const json_t *r;
	size_t i;

	if (oldi == NULL || nowi == NULL) {
		c->nomem = 1;
		goto done;
	}
	json_array_foreach(now, i, r) {
		const char *tag = str(r, "tag");
		const json_t *was = lookup(oldi, tag);
		char fields[256] = "";
		size_t used = 0;

		if (was == NULL) {
			add(c, "release-added", tag, NULL, "new release %s%s",
			    tag, json_is_true(json_object_get(r, "draft")) ?
			    " (draft)" : json_is_true(json_object_get(r,
			    "prerelease")) ? " (pre-release)" : "");
			continue;
		}
		for (const char *const *f = release_fields; *f != NULL; f++) {
			const json_t *a = json_object_get(was, *f);
			const json_t *b = json_object_get(r, *f);
			/*
			 * json_equal() has two absent fields differ; a
			 * hand-edited state may lack one, and a 304 keeps it.
			 */
			if ((a == NULL && b == NULL) || json_equal(a, b))
				continue;
			used += (size_t)snprintf(fields + used, sizeof(fields) -
			    used, "%s%s", used ? ", " : "", *f);
		}
		if (used > 0)
			add(c, "release-edited", tag, NULL, "release %s: %s "
			    "changed", tag, fields);
		diff_assets(c, tag, was, r);
	}
	json_array_foreach(old, i, r)
		if (lookup(nowi, str(r, "tag")) == NULL)
			add(c, "release-removed", str(r, "tag"), NULL,
			    "release %s removed", str(r, "tag"));
done:
	json_decref(oldi);
	json_decref(nowi);
}

static void
diff_tags(struct changes *c, const json_t *old, const json_t *now)
{
	json_t *oldi = index_by(old, "name"), *nowi = index_by(now, "name");
	const json_t *t;
	size_t i;

	if (oldi == NULL || nowi == NULL) {
		c->nomem = 1;
		goto done;
	}
	json_array_foreach(now, i, t) {
		const char *name = str(t, "name"), *oid = str(t, "commit");
		const json_t *was = lookup(oldi, name);
		if (was == NULL)
			add(c, "tag-added", name, json_pack("{s:s}", "commit",
			    oid), "new tag %s at %.*s", name, short_oid(oid),
			    oid);
		else if (strcmp(str(was, "commit"), oid) != 0)
			add(c, "tag-moved", name, json_pack("{s:s, s:s}", "old",
			    str(was, "commit"), "new", oid), "tag %s moved "
			    "%.*s -> %.*s", name, short_oid(str(was, "commit")),
			    str(was, "commit"), short_oid(oid), oid);
	}
	json_array_foreach(old, i, t)
		if (lookup(nowi, str(t, "name")) == NULL)
			add(c, "tag-removed", str(t, "name"), json_pack("{s:s}",
			    "commit", str(t, "commit")), "tag %s removed (was "
			    "%.*s)", str(t, "name"),
			    short_oid(str(t, "commit")), str(t, "commit"));
done:
	json_decref(oldi);
	json_decref(nowi);
}

json_t *
releases_diff(const json_t *old, const json_t *now)
{
	struct changes c = { json_array(), 0, 0 };
	const json_t *ol, *nl;

	if (c.list == NULL)
		return NULL;
	if (old == NULL || json_object_get(old, "releases") == NULL) {
		add(&c, "first-check", NULL, NULL, "first check: %zu release%s, "
		    "%zu tag%s recorded",
		    json_array_size(json_object_get(now, "releases")),
		    json_array_size(json_object_get(now, "releases")) == 1 ?
		    "" : "s", json_array_size(json_object_get(now, "tags")),
		    json_array_size(json_object_get(now, "tags")) == 1 ?
		    "" : "s");
	} else {
		diff_releases(&c, json_object_get(old, "releases"),
		    json_object_get(now, "releases"));
		diff_tags(&c, json_object_get(old, "tags"),
		    json_object_get(now, "tags"));
		ol = releases_latest(json_object_get(old, "releases"));
		nl = releases_latest(json_object_get(now, "releases"));
		if (nl != NULL && (ol == NULL || strcmp(str(ol, "tag"),
		    str(nl, "tag")) != 0))
			add(&c, "latest-changed", str(nl, "tag"), NULL,
			    "latest release is now %s%s%s", str(nl, "tag"),
			    ol != NULL ? ", was " : "",
			    ol != NULL ? str(ol, "tag") : "");
	}
	if (c.more > 0 && !c.nomem) {
		char msg[64];
		snprintf(msg, sizeof(msg), "and %zu more changes", c.more);
		if (json_array_append_new(c.list, json_pack("{s:s, s:n, s:s, "
		    "s:I}", "what", "more", "tag", "message", msg, "count",
		    (json_int_t)c.more)) == -1)
			c.nomem = 1;
	}
	if (c.nomem) {
		json_decref(c.list);
		return NULL;
	}
	return c.list;
}

static int
warn(json_t *list, const char *what, const char *fmt, ...)
{
	char msg[2048], safe[1024];	/* as in add() */
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return json_array_append_new(list, json_pack("{s:s, s:s}", "what",
	    what, "message", util_sanitize(safe, sizeof(safe), msg)));
}

json_t *
releases_warnings(const json_t *repo, const struct releases_local *l)
{
	json_t *list = json_array();
	const char *branch = str(repo, "default_branch");
	const char *spdx = str(repo, "spdx_id");
	const struct license_report *main = l->main_license;
	int rc = 0;

	if (list == NULL)
		return NULL;
	if (json_is_true(json_object_get(repo, "archived")))
		rc |= warn(list, "archived", "GitHub marks %s as archived "
		    "(read-only): it will get no more changes", l->github);
	if (l->renamed_to != NULL)
		rc |= warn(list, "renamed", "%s moved to %s: update \"github\" "
		    "(and \"url\") in mirrors.json", l->github, l->renamed_to);
	if (branch != NULL && l->branch != NULL && strcmp(branch, l->branch))
		rc |= warn(list, "default-branch", "GitHub's default branch is "
		    "%s, the mirror's is %s", branch, l->branch);
	/* NOASSERTION and null are not an opinion: nothing to disagree with. */
	if (main != NULL && main->spec->spdx != NULL && spdx != NULL &&
	    strcmp(spdx, "NOASSERTION") != 0 &&
	    main->verdict != VERDICT_NO_MIRROR &&
	    main->verdict != VERDICT_DAMAGED) {
		int same = strcasecmp(spdx, main->spec->spdx) == 0;
		if (main->verdict == VERDICT_OK && !same)
			rc |= warn(list, "license", "GitHub detects %s for the "
			    "repository; dsmirror verified %s as %s", spdx,
			    main->spec->path, main->spec->spdx);
		else if (main->verdict != VERDICT_OK && same)
			rc |= warn(list, "license", "GitHub still detects %s, "
			    "but %s is %s here", spdx, main->spec->path,
			    license_verdict_name(main->verdict));
	}
	if (rc != 0) {
		json_decref(list);
		return NULL;
	}
	return list;
}
