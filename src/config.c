/*
 * config.c - load and validate mirrors.json (version 1).
 *
 * jansson parses the text (and rejects duplicate keys); this file walks the
 * result against the schema below.  Each check names the key path of what it
 * rejects, and jsonpos finds that value's line and column in the text.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "config.h"
#include "jsonpos.h"
#include "license.h"
#include "url.h"
#include "util.h"

#define CONFIG_MAX_DEPTH 8

/* Where the validator is in the document, for messages. */
struct ctx {
	const char *file;
	const char *text;
	size_t len;
	struct jsonpos_seg path[CONFIG_MAX_DEPTH];
	size_t depth;
};

static const char *const top_keys[] = { "version", "root", "api", "repos",
    NULL };
static const char *const repo_keys[] = { "name", "url", "github", "branch",
    "refs", "licenses", "code_license", "inventory", "accepted", NULL };
static const char *const accepted_keys[] = { "path", "license", "sha256",
    NULL };
static const char *const license_keys[] = { "path", "spdx", "sha256", NULL };


static const char *const default_refs[] = { "refs/heads/*", "refs/tags/*" };

static void
push_key(struct ctx *c, const char *key)
{
	c->path[c->depth].key = key;
	c->path[c->depth].index = 0;
	c->depth++;
}

static void
push_index(struct ctx *c, size_t index)
{
	c->path[c->depth].key = NULL;
	c->path[c->depth].index = index;
	c->depth++;
}

static void
pop(struct ctx *c)
{
	c->depth--;
}

/* Writes the path as "repos[2].licenses[0].spdx" into buf. */
static void
path_string(const struct ctx *c, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < c->depth && used < size; i++) {
		int n;
		if (c->path[i].key != NULL)
			n = snprintf(buf + used, size - used, "%s%s",
			    used > 0 ? "." : "", c->path[i].key);
		else
			n = snprintf(buf + used, size - used, "[%zu]",
			    c->path[i].index);
		if (n < 0)
			break;
		used += (size_t)n;
	}
	if (c->depth == 0)
		snprintf(buf, size, "(top level)");
}

/* Returns a usage error "FILE:LINE:COL: PATH: message" for the current path. */
static struct dsm_error *
fail(const struct ctx *c, int at_key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static struct dsm_error *
fail(const struct ctx *c, int at_key, const char *fmt, ...)
{
	char raw[2048], where[256], safe[1024];
	int line, col;
	va_list ap;

	/*
	 * The key path holds the file's own keys, so it is sanitised like the
	 * message.  Both are written into raw, larger than their sanitised
	 * copies, so that util_sanitize() is what cuts a long one: never in
	 * the middle of a character.
	 */
	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	util_sanitize(safe, sizeof(safe), raw);
	path_string(c, raw, sizeof(raw));
	util_sanitize(where, sizeof(where), raw);
	if (jsonpos_find(c->text, c->len, c->path, c->depth, at_key, &line,
	    &col) == 0)
		return dsm_error_new(DSM_ERR_USAGE, "%s:%d:%d: %s: %s", c->file,
		    line, col, where, safe);
	return dsm_error_new(DSM_ERR_USAGE, "%s: %s: %s", c->file, where, safe);
}

static const char *
type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:	return "an object";
	case JSON_ARRAY:	return "an array";
	case JSON_STRING:	return "a string";
	case JSON_INTEGER:	return "an integer";
	case JSON_REAL:		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:	return "a boolean";
	case JSON_NULL:		return "null";
	}
	return "a value";
}

static int
in_list(const char *const *list, const char *s)
{
	for (; *list != NULL; list++)
		if (strcmp(*list, s) == 0)
			return 1;
	return 0;
}

/* Rejects any key of obj not in allowed: typos must not pass silently. */
static struct dsm_error *
check_keys(struct ctx *c, json_t *obj, const char *const *allowed)
{
	const char *key;
	json_t *value;

	json_object_foreach(obj, key, value) {
		if (in_list(allowed, key))
			continue;
		char list[256] = "";
		size_t used = 0;
		for (const char *const *a = allowed; *a != NULL; a++) {
			int n = snprintf(list + used, sizeof(list) - used,
			    "%s%s", used > 0 ? ", " : "", *a);
			if (n < 0 || (size_t)n >= sizeof(list) - used)
				break;
			used += (size_t)n;
		}
		push_key(c, key);
		struct dsm_error *err = fail(c, 1,
		    "unknown key \"%s\" (known keys here: %s)", key, list);
		pop(c);
		return err;
	}
	return NULL;
}

/*
 * Reads the string at key of obj into *out (a copy, or NULL when absent and
 * not required).  check, when given, returns NULL for a good value or a
 * phrase saying what is wrong with it.
 */
static struct dsm_error *
get_string(struct ctx *c, json_t *obj, const char *key, int required,
    size_t maxlen, const char *(*check)(const char *), char **out)
{
	struct dsm_error *err = NULL;
	json_t *v = json_object_get(obj, key);
	const char *s, *why;

	*out = NULL;
	if (v == NULL) {
		if (required)
			return fail(c, 0, "missing required key \"%s\"", key);
		return NULL;
	}
	push_key(c, key);
	if (!json_is_string(v)) {
		err = fail(c, 0, "must be a string, not %s", type_name(v));
		goto done;
	}
	s = json_string_value(v);	/* jansson refuses NUL in strings */
	if (strlen(s) > maxlen) {
		err = fail(c, 0, "is longer than %zu bytes", maxlen);
		goto done;
	}
	if (check != NULL && (why = check(s)) != NULL) {
		err = fail(c, 0, "\"%s\" %s", s, why);
		goto done;
	}
	*out = strdup(s);
	if (*out == NULL)
		err = dsm_error_new(DSM_ERR_NOMEM, "out of memory");
done:
	pop(c);
	return err;
}

static int
has_control(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

int
config_name_is_valid(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len > CONFIG_MAX_NAME || name[0] == '.')
		return 0;
	return strspn(name, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == len;
}

static const char *
check_name(const char *s)
{
	if (config_name_is_valid(s))
		return NULL;
	return "is not a valid name (1 to 100 letters, digits, '.', '_' or "
	    "'-', not starting with '.'; a name is never a path)";
}

/*
 * A git URL.  libgit2 picks its transport by the scheme as written, in
 * lower case; the authority follows url.h's rules, and plain http is
 * allowed as url_allowed() allows it: to loopback, without credentials.
 */
static const char *
check_url(const char *s)
{
	struct url u;
	const char *why;

	if (has_control(s) || strchr(s, ' ') != NULL)
		return "must not contain spaces or control characters";
	if (strncmp(s, "https://", 8) == 0 || strncmp(s, "ssh://", 6) == 0 ||
	    strncmp(s, "git://", 6) == 0)
		return url_parse(&u, s);
	if (strncmp(s, "file://", 7) == 0)
		return s[7] == '/' ? NULL : "must be an absolute file:///path";
	if (strncmp(s, "http://", 7) == 0) {
		if ((why = url_parse(&u, s)) != NULL)
			return why;
		return url_allowed(s) ? NULL : "uses plain http, which "
		    "dsmirror allows only for loopback test servers: use https";
	}
	/* The scp-like ssh form, user@host:path. */
	const char *colon = strchr(s, ':');
	const char *at = strchr(s, '@');
	const char *slash = strchr(s, '/');
	if (colon != NULL && at != NULL && at < colon && at > s &&
	    colon > at + 1 && (slash == NULL || slash > colon) &&
	    colon[1] != '\0')
		return NULL;
	return "is not a supported URL (https://, ssh://, git://, file://, "
	    "user@host:path, or http:// to a loopback address)";
}

/* The API base: exactly what http.c will ask (url_allowed()). */
static const char *
check_api(const char *s)
{
	static const char not_https[] = "is not an https:// URL (plain http "
	    "only to loopback)";
	struct url u;
	const char *why;

	if (has_control(s) || strchr(s, ' ') != NULL)
		return "must not contain spaces or control characters";
	/* The token goes in a header, from the environment; never a URL. */
	if (url_has_userinfo(s))
		return "must not hold a user name or password (the token comes "
		    "from GITHUB_TOKEN)";
	if (strncasecmp(s, "https://", 8) != 0 &&
	    strncasecmp(s, "http://", 7) != 0)
		return not_https;
	if ((why = url_parse(&u, s)) != NULL)
		return why;
	return url_allowed(s) ? NULL : not_https;
}

static const char *
check_github(const char *s)
{
	const char *slash = strchr(s, '/');
	static const char owner_chars[] = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-";
	static const char repo_chars[] = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.";

	if (slash == NULL || slash == s ||
	    strspn(s, owner_chars) != (size_t)(slash - s) ||
	    slash[1] == '\0' || strspn(slash + 1, repo_chars) !=
	    strlen(slash + 1) || strcmp(slash + 1, ".") == 0 ||
	    strcmp(slash + 1, "..") == 0)
		return "is not of the form \"owner/repo\"";
	return NULL;
}

/* git's rules for a ref name (git-check-ref-format), minus the '*'. */
static int
refname_ok(const char *s, int allow_glob)
{
	const char *comp = s;

	if (*s == '\0' || *s == '/' || has_control(s) ||
	    strpbrk(s, " ~^:?[\\") != NULL || strstr(s, "..") != NULL ||
	    strstr(s, "//") != NULL || strstr(s, "@{") != NULL ||
	    strcmp(s, "@") == 0)
		return 0;
	if (!allow_glob && strchr(s, '*') != NULL)
		return 0;
	for (const char *p = s; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		size_t n = (size_t)(p - comp);
		if (n == 0 || comp[0] == '.' ||
		    (n >= 5 && strncmp(p - 5, ".lock", 5) == 0))
			return 0;
		if (*p == '\0')
			break;
		comp = p + 1;
	}
	return 1;
}

static const char *
check_branch(const char *s)
{
	if (*s == '-' || strncmp(s, "refs/", 5) == 0 || !refname_ok(s, 0))
		return "is not a valid branch name (give it without refs/heads/)";
	return NULL;
}

static const char *
check_refpattern(const char *s)
{
	const char *star = strchr(s, '*');

	if (strncmp(s, "refs/", 5) != 0 || !refname_ok(s, 1))
		return "is not a valid ref pattern (e.g. \"refs/heads/*\")";
	if (star != NULL && (star[1] != '\0' || star[-1] != '/'))
		return "may only end in \"/*\"";
	/* "refs/" "*" would cover refs/dsmirror/ too. */
	if (strncmp(s, "refs/dsmirror/", 14) == 0 || strcmp(s, "refs/*") == 0 ||
	    strcmp(s, "refs/dsmirror") == 0)
		return "covers refs/dsmirror/, dsmirror's own namespace, which "
		    "is never mirrored";
	return NULL;
}

static const char *
check_license_path(const char *s)
{
	const char *comp = s;

	if (*s == '\0' || *s == '/' || has_control(s))
		return "is not a relative path in the repository";
	for (const char *p = s; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		size_t n = (size_t)(p - comp);
		if (n == 0 || (n == 1 && comp[0] == '.') ||
		    (n == 2 && comp[0] == '.' && comp[1] == '.'))
			return "is not a relative path in the repository "
			    "(no empty, '.' or '..' parts)";
		if (*p == '\0')
			break;
		comp = p + 1;
	}
	return NULL;
}

static const char *
check_spdx(const char *s)
{
	/* Anything the classifier does not know would never verify. */
	if (license_known(s))
		return NULL;
	return "is not a license dsmirror can verify (known: MIT)";
}

static const char *
check_sha256(const char *s)
{
	if (strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64)
		return NULL;
	return "is not a SHA-256 fingerprint (64 lowercase hex digits)";
}

static struct dsm_error *
load_license(struct ctx *c, json_t *obj, struct license_spec *lic)
{
	struct dsm_error *err;

	if (!json_is_object(obj))
		return fail(c, 0, "must be an object, not %s", type_name(obj));
	if ((err = check_keys(c, obj, license_keys)) != NULL ||
	    (err = get_string(c, obj, "path", 1, CONFIG_MAX_PATH,
	    check_license_path, &lic->path)) != NULL ||
	    (err = get_string(c, obj, "spdx", 0, 64, check_spdx,
	    &lic->spdx)) != NULL ||
	    (err = get_string(c, obj, "sha256", 0, 64, check_sha256,
	    &lic->sha256)) != NULL)
		return err;
	return NULL;
}

/* An SPDX id, or a license as a tag wrote it: printable, no quotes. */
static const char *
check_license_name(const char *s)
{
	for (const char *p = s; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f ||
		    *p == '"')
			return "is not a license name (printable ASCII, e.g. "
			    "\"MIT\")";
	return NULL;
}

const char *
config_check_accepted(const char *path, const char *license)
{
	const char *why;

	if (strlen(path) > CONFIG_MAX_PATH)
		return "its path is longer than mirrors.json takes";
	if ((why = check_license_path(path)) != NULL)
		return why;
	if (strlen(license) > CONFIG_MAX_ACCEPTED_LICENSE)
		return "its licenses are longer than mirrors.json takes";
	return check_license_name(license);
}

static struct dsm_error *
load_accepted(struct ctx *c, json_t *obj, struct accepted_spec *a)
{
	struct dsm_error *err;

	if (!json_is_object(obj))
		return fail(c, 0, "must be an object, not %s", type_name(obj));
	if ((err = check_keys(c, obj, accepted_keys)) != NULL ||
	    (err = get_string(c, obj, "path", 1, CONFIG_MAX_PATH,
	    check_license_path, &a->path)) != NULL ||
	    (err = get_string(c, obj, "license", 1, CONFIG_MAX_ACCEPTED_LICENSE,
	    check_license_name, &a->license)) != NULL ||
	    (err = get_string(c, obj, "sha256", 1, 64, check_sha256,
	    &a->sha256)) != NULL)
		return err;
	return NULL;
}

/* Reads the array at key: checks it and sets *out_array and *out_n. */
static struct dsm_error *
get_array(struct ctx *c, json_t *obj, const char *key, size_t max,
    json_t **out_array)
{
	json_t *v = json_object_get(obj, key);
	struct dsm_error *err = NULL;

	*out_array = NULL;
	if (v == NULL)
		return NULL;
	push_key(c, key);
	if (!json_is_array(v))
		err = fail(c, 0, "must be an array, not %s", type_name(v));
	else if (json_array_size(v) > max)
		err = fail(c, 0, "has more than %zu entries", max);
	else
		*out_array = v;
	pop(c);
	return err;
}

static struct dsm_error *
load_refs(struct ctx *c, json_t *obj, struct repo_spec *repo)
{
	struct dsm_error *err;
	json_t *arr, *v;
	size_t i;

	if ((err = get_array(c, obj, "refs", CONFIG_MAX_REFS, &arr)) != NULL)
		return err;
	repo->nrefs = arr != NULL ? json_array_size(arr) :
	    sizeof(default_refs) / sizeof(default_refs[0]);
	if (arr != NULL && repo->nrefs == 0) {
		push_key(c, "refs");
		err = fail(c, 0, "must name at least one ref pattern");
		pop(c);
		return err;
	}
	repo->refs = calloc(repo->nrefs, sizeof(*repo->refs));
	if (repo->refs == NULL)
		return dsm_error_new(DSM_ERR_NOMEM, "out of memory");
	if (arr == NULL) {
		for (i = 0; i < repo->nrefs; i++)
			if ((repo->refs[i] = strdup(default_refs[i])) == NULL)
				return dsm_error_new(DSM_ERR_NOMEM,
				    "out of memory");
		return NULL;
	}
	push_key(c, "refs");
	json_array_foreach(arr, i, v) {
		push_index(c, i);
		const char *why = NULL;
		if (!json_is_string(v))
			err = fail(c, 0, "must be a string, not %s",
			    type_name(v));
		else if ((why = check_refpattern(json_string_value(v))) != NULL)
			err = fail(c, 0, "\"%s\" %s", json_string_value(v), why);
		else if ((repo->refs[i] = strdup(json_string_value(v))) == NULL)
			err = dsm_error_new(DSM_ERR_NOMEM, "out of memory");
		pop(c);
		if (err != NULL)
			break;
	}
	pop(c);
	return err;
}

static struct dsm_error *
load_inventory(struct ctx *c, json_t *obj, struct repo_spec *repo)
{
	struct dsm_error *err;
	json_t *arr, *v = json_object_get(obj, "inventory");
	size_t i;

	repo->inventory = 1;
	if (v != NULL) {
		push_key(c, "inventory");
		err = json_is_boolean(v) ? NULL : fail(c, 0, "must be true or "
		    "false, not %s", type_name(v));
		pop(c);
		if (err != NULL)
			return err;
		repo->inventory = json_is_true(v);
	}
	if ((err = get_string(c, obj, "code_license", 0, 64,
	    check_license_name, &repo->code_license)) != NULL ||
	    (err = get_array(c, obj, "accepted", CONFIG_MAX_ACCEPTED, &arr)) !=
	    NULL)
		return err;
	if (repo->code_license == NULL)
		for (i = 0; i < repo->nlicenses; i++)
			if (repo->licenses[i].spdx != NULL) {
				if ((repo->code_license = strdup(
				    repo->licenses[i].spdx)) == NULL)
					return dsm_error_new(DSM_ERR_NOMEM,
					    "out of memory");
				break;
			}
	if (arr == NULL)
		return NULL;
	repo->accepted = calloc(json_array_size(arr) + 1,
	    sizeof(*repo->accepted));
	if (repo->accepted == NULL)
		return dsm_error_new(DSM_ERR_NOMEM, "out of memory");
	push_key(c, "accepted");
	json_array_foreach(arr, i, v) {
		push_index(c, i);
		repo->naccepted = i + 1;
		err = load_accepted(c, v, &repo->accepted[i]);
		pop(c);
		if (err != NULL)
			break;
	}
	pop(c);
	return err;
}

static struct dsm_error *
load_repo(struct ctx *c, json_t *obj, struct repo_spec *repo)
{
	struct dsm_error *err;
	json_t *arr, *v;
	size_t i;

	if (!json_is_object(obj))
		return fail(c, 0, "must be an object, not %s", type_name(obj));
	if ((err = check_keys(c, obj, repo_keys)) != NULL ||
	    (err = get_string(c, obj, "name", 1, CONFIG_MAX_NAME, check_name,
	    &repo->name)) != NULL ||
	    (err = get_string(c, obj, "url", 1, CONFIG_MAX_URL, check_url,
	    &repo->url)) != NULL ||
	    (err = get_string(c, obj, "github", 0, 200, check_github,
	    &repo->github)) != NULL ||
	    (err = get_string(c, obj, "branch", 0, 255, check_branch,
	    &repo->branch)) != NULL ||
	    (err = load_refs(c, obj, repo)) != NULL ||
	    (err = get_array(c, obj, "licenses", CONFIG_MAX_LICENSES, &arr))
	    != NULL)
		return err;
	if (arr == NULL)
		return load_inventory(c, obj, repo);
	repo->licenses = calloc(json_array_size(arr) + 1,
	    sizeof(*repo->licenses));
	if (repo->licenses == NULL)
		return dsm_error_new(DSM_ERR_NOMEM, "out of memory");
	push_key(c, "licenses");
	json_array_foreach(arr, i, v) {
		push_index(c, i);
		repo->nlicenses = i + 1;
		err = load_license(c, v, &repo->licenses[i]);
		for (size_t j = 0; err == NULL && j < i; j++) {
			if (strcmp(repo->licenses[j].path,
			    repo->licenses[i].path) == 0) {
				push_key(c, "path");
				err = fail(c, 0, "\"%s\" is listed twice",
				    repo->licenses[i].path);
				pop(c);
			}
		}
		pop(c);
		if (err != NULL)
			break;
	}
	pop(c);
	return err != NULL ? err : load_inventory(c, obj, repo);
}

static struct dsm_error *
load_top(struct ctx *c, json_t *top, struct config *cfg)
{
	struct dsm_error *err;
	json_t *v, *repos;
	char *root = NULL;
	size_t i;

	if (!json_is_object(top))
		return fail(c, 0, "must be an object, not %s", type_name(top));
	if ((err = check_keys(c, top, top_keys)) != NULL)
		return err;

	v = json_object_get(top, "version");
	if (v == NULL)
		return fail(c, 0, "missing required key \"version\" (use %d)",
		    CONFIG_VERSION);
	push_key(c, "version");
	if (!json_is_integer(v))
		err = fail(c, 0, "must be an integer, not %s", type_name(v));
	else if (json_integer_value(v) != CONFIG_VERSION)
		err = fail(c, 0, "version %lld is not supported (this dsmirror "
		    "reads version %d)", (long long)json_integer_value(v),
		    CONFIG_VERSION);
	pop(c);
	if (err != NULL)
		return err;

	if ((err = get_string(c, top, "root", 0, 4096, NULL, &root)) != NULL)
		return err;
	if (root != NULL && (*root == '\0' || has_control(root))) {
		free(root);
		push_key(c, "root");
		err = fail(c, 0, "must be a non-empty path");
		pop(c);
		return err;
	}
	if ((err = get_string(c, top, "api", 0, CONFIG_MAX_URL, check_api,
	    &cfg->api)) != NULL) {
		free(root);
		return err;
	}
	if (cfg->api == NULL)
		cfg->api = strdup(CONFIG_DEFAULT_API);
	else {
		/* Every '/' at the end: check_api() leaves a host before. */
		size_t n = strlen(cfg->api);
		while (n > 0 && cfg->api[n - 1] == '/')
			cfg->api[--n] = '\0';
	}

	/* A relative root belongs to the config file, not to the cwd. */
	const char *r = root != NULL ? root : CONFIG_DEFAULT_ROOT;
	if (r[0] == '/') {
		cfg->root = strdup(r);
	} else {
		const char *slash = strrchr(cfg->path, '/');
		if (slash == NULL)
			cfg->root = strdup(r);
		else {
			char *dir = strndup(cfg->path,
			    (size_t)(slash - cfg->path) + 1);
			cfg->root = dir != NULL ? util_path_join(dir, r) : NULL;
			free(dir);
		}
	}
	free(root);
	if (cfg->root == NULL || cfg->api == NULL)
		return dsm_error_new(DSM_ERR_NOMEM, "out of memory");

	repos = json_object_get(top, "repos");
	if (repos == NULL)
		return fail(c, 0, "missing required key \"repos\"");
	if ((err = get_array(c, top, "repos", CONFIG_MAX_REPOS, &repos)) != NULL)
		return err;
	cfg->repos = calloc(json_array_size(repos) + 1, sizeof(*cfg->repos));
	if (cfg->repos == NULL)
		return dsm_error_new(DSM_ERR_NOMEM, "out of memory");
	push_key(c, "repos");
	json_array_foreach(repos, i, v) {
		push_index(c, i);
		cfg->nrepos = i + 1;
		err = load_repo(c, v, &cfg->repos[i]);
		for (size_t j = 0; err == NULL && j < i; j++) {
			if (strcmp(cfg->repos[j].name, cfg->repos[i].name) != 0)
				continue;
			push_key(c, "name");
			err = fail(c, 0, "\"%s\" is already the name of "
			    "repos[%zu]", cfg->repos[i].name, j);
			pop(c);
		}
		pop(c);
		if (err != NULL)
			break;
	}
	pop(c);
	return err;
}

struct dsm_error *
config_parse(struct config **out, const char *path, const char *text,
    size_t len)
{
	struct ctx c = { .file = path, .text = text, .len = len };
	struct dsm_error *err = NULL;
	struct config *cfg;
	json_error_t jerr;
	json_t *top;

	*out = NULL;
	top = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (top == NULL) {
		char safe[sizeof(jerr.text)];
		return dsm_error_new(DSM_ERR_USAGE, "%s:%d:%d: invalid JSON: %s",
		    path, jerr.line, jerr.column,
		    util_sanitize(safe, sizeof(safe), jerr.text));
	}
	cfg = calloc(1, sizeof(*cfg));
	if (cfg == NULL || (cfg->path = strdup(path)) == NULL) {
		free(cfg);
		json_decref(top);
		return dsm_error_new(DSM_ERR_NOMEM, "out of memory");
	}
	err = load_top(&c, top, cfg);
	json_decref(top);
	if (err != NULL) {
		config_free(cfg);
		return err;
	}
	*out = cfg;
	return NULL;
}

struct dsm_error *
config_load(struct config **out, const char *path)
{
	struct dsm_error *err = NULL;
	char *text = NULL;
	struct stat st;
	ssize_t n;
	size_t len = 0;
	int fd;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return dsm_error_errno(DSM_ERR_USAGE, errno, "cannot read %s",
		    path);
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		err = dsm_error_new(DSM_ERR_USAGE, "%s: not a regular file",
		    path);
		goto done;
	}
	if (st.st_size > CONFIG_MAX_SIZE) {
		err = dsm_error_new(DSM_ERR_USAGE, "%s: larger than %d bytes",
		    path, CONFIG_MAX_SIZE);
		goto done;
	}
	/* Read up to one byte past the limit: the file may grow meanwhile. */
	text = malloc(CONFIG_MAX_SIZE + 1);
	if (text == NULL) {
		err = dsm_error_new(DSM_ERR_NOMEM, "out of memory");
		goto done;
	}
	while (len <= CONFIG_MAX_SIZE &&
	    (n = read(fd, text + len, CONFIG_MAX_SIZE + 1 - len)) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			err = dsm_error_errno(DSM_ERR_USAGE, errno,
			    "cannot read %s", path);
			goto done;
		}
		len += (size_t)n;
	}
	if (len > CONFIG_MAX_SIZE) {
		err = dsm_error_new(DSM_ERR_USAGE, "%s: larger than %d bytes",
		    path, CONFIG_MAX_SIZE);
		goto done;
	}
	err = config_parse(out, path, text, len);
done:
	free(text);
	close(fd);
	return err;
}

const struct repo_spec *
config_find(const struct config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->nrepos; i++)
		if (strcmp(cfg->repos[i].name, name) == 0)
			return &cfg->repos[i];
	return NULL;
}

void
config_free(struct config *cfg)
{
	if (cfg == NULL)
		return;
	for (size_t i = 0; i < cfg->nrepos; i++) {
		struct repo_spec *r = &cfg->repos[i];
		free(r->name);
		free(r->url);
		free(r->github);
		free(r->branch);
		for (size_t j = 0; j < r->nrefs && r->refs != NULL; j++)
			free(r->refs[j]);
		free(r->refs);
		for (size_t j = 0; j < r->nlicenses; j++) {
			free(r->licenses[j].path);
			free(r->licenses[j].spdx);
			free(r->licenses[j].sha256);
		}
		free(r->licenses);
		for (size_t j = 0; j < r->naccepted; j++) {
			free(r->accepted[j].path);
			free(r->accepted[j].license);
			free(r->accepted[j].sha256);
		}
		free(r->accepted);
		free(r->code_license);
	}
	free(cfg->repos);
	free(cfg->path);
	free(cfg->root);
	free(cfg->api);
	free(cfg);
}
