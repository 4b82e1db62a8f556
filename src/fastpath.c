/*
 * fastpath.c - the unchanged fetch decided with one ref listing per repo,
 * in the parent, with libcurl (see fastpath.h).
 *
 * Each repo goes through: eligible (an http(s) URL, a mirror in the state a
 * finished update leaves) -> GET info/refs with "Git-Protocol: version=2"
 * -> a v2 server: POST an ls-refs command; a v0 server: its advertisement
 * is the listing -> judged: unchanged (served here) or left to a worker,
 * with the reason for -v.  Once a host has answered a GET in v2, its other
 * repos skip the GET (v2's POST is stateless); one whose POST then fails
 * goes back to the GET.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <curl/curl.h>
#include <jansson.h>

#include "fastpath.h"
#include "localrefs.h"
#include "lsrefs.h"
#include "mirror.h"
#include "recover.h"
#include "url.h"
#include "util.h"

/* A listing larger than this is left to libgit2. */
#define FAST_MAX_BODY	(64u * 1024 * 1024)
/* Requests in flight at once, all hosts together (-j per host). */
#define FAST_MAX_FLIGHT	64
#define FAST_POLL_MS	100
#define FAST_AGENT	"git/2.0 (dsmirror " DSMIRROR_VERSION ")"

enum stage {
	ST_OUT,		/* left to a worker, or served: done here */
	ST_GET,		/* the advertisement to ask for */
	ST_GETTING,
	ST_POST,	/* the ls-refs command to send */
	ST_POSTING,
};

/* What a host's first answer said of it. */
enum speaks {
	SPEAKS_UNKNOWN,		/* nobody asked yet: one GET finds out */
	SPEAKS_ASKING,		/* ... that GET is in flight */
	SPEAKS_V2,		/* ls-refs: the GET can be left out */
	SPEAKS_V0,
	SPEAKS_DOWN,		/* a request got no answer at all: its other
				   repos go to the workers at once */
};

struct host {
	char key[URL_MAX_HOST + URL_MAX_SCHEME + 16];	/* scheme://host:port */
	enum speaks speaks;
	size_t flight;		/* requests in flight */
};

struct repo {
	struct repo_result *r;
	enum stage stage;
	size_t host;		/* in fast.hosts */
	int direct;		/* the ls-refs POST sent without a GET */
	int asked_direct;	/* ... and refused: the GET first now */
	const char *proxy;	/* as libgit2 would take it, or "" */
	char *path;		/* the mirror */
	int read;		/* local and odb hold the mirror */
	char *base;		/* the URL, without a trailing '/' */
	CURL *easy;
	struct curl_slist *headers;
	char *request;		/* the ls-refs command */
	size_t request_len;
	struct util_buf body;
	int too_big;
	int v2;
	struct listing up;
	struct listing local;
	struct local_odb odb;
	const char *why;	/* left to a worker: why */
	char whybuf[320];
	double start;
};

struct fast {
	const struct fastpath_opts *opts;
	struct fastpath_stats *stats;
	CURLM *multi;
	struct repo *v;
	size_t n;
	struct host *hosts;	/* one per scheme, host and port, n at most */
	size_t nhosts;
	size_t flight;		/* requests in flight, all hosts */
	int global_proxy;	/* the user's and system's git configuration
				   may name a proxy */
	char errbuf[CURL_ERROR_SIZE];
};

static void
trace(const struct fast *fp, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
trace(const struct fast *fp, const char *fmt, ...)
{
	va_list ap;

	if (fp->opts->trace == NULL)
		return;
	va_start(ap, fmt);
	fputs("fast path: ", fp->opts->trace);
	vfprintf(fp->opts->trace, fmt, ap);
	fputc('\n', fp->opts->trace);
	va_end(ap);
}

/*
 * What q holds of its mirror and its listing, no longer needed (its handle
 * is off the multi handle, which keeps the connections).
 */
static void
forget(struct repo *q)
{
	if (q->easy != NULL)
		curl_easy_cleanup(q->easy);
	q->easy = NULL;
	curl_slist_free_all(q->headers);
	q->headers = NULL;
	listing_free(&q->up);
	localrefs_free(&q->local, &q->odb);
	free(q->body.data);
	memset(&q->body, 0, sizeof(q->body));
}

/* Leaves q to a worker, saying why. */
static void
leave(struct fast *fp, struct repo *q, const char *why)
{
	char safe[320];

	if (why != q->whybuf)
		snprintf(q->whybuf, sizeof(q->whybuf), "%s", why);
	q->why = q->whybuf;
	q->stage = ST_OUT;
	trace(fp, "%s: to a worker: %s", q->r->spec->name,
	    util_sanitize(safe, sizeof(safe), q->whybuf));
	forget(q);
}

/* Files included deeper than this: treated as naming a proxy. */
#define FAST_MAX_INCLUDE	8

/*
 * Whether the git configuration file at path, or one it includes
 * ([include] and [includeIf] path = ...), may name a proxy: any line that
 * says "proxy" anywhere.  A crude look, on the safe side: a repo whose
 * configuration mentions one goes to a worker, which asks libgit2.
 */
static int
config_names_proxy(const char *path, const char *home, int depth)
{
	char line[4096];
	int yes = 0, including = 0;
	FILE *f;

	if (path == NULL || (f = fopen(path, "r")) == NULL)
		return 0;
	if (depth > FAST_MAX_INCLUDE) {
		fclose(f);
		return 1;
	}
	while (!yes && fgets(line, sizeof(line), f) != NULL) {
		char *p = line + strspn(line, " \t"), *v, *file = NULL;
		size_t len = strlen(line);
		/* A line too long to read whole, or a proxy: look no further. */
		if ((len == sizeof(line) - 1 && line[len - 1] != '\n') ||
		    strcasestr(p, "proxy") != NULL) {
			yes = 1;
			break;
		}
		if (*p == '[') {
			including = strncasecmp(p, "[include", 8) == 0;
			/* "[include] path = x": the rest of the line too. */
			if ((p = strchr(p, ']')) == NULL)
				continue;
			p += 1 + strspn(p + 1, " \t");
		}
		if (!including || strncasecmp(p, "path", 4) != 0 ||
		    (v = strchr(p, '=')) == NULL)
			continue;
		v += 1 + strspn(v + 1, " \t\"");
		len = strcspn(v, "\"\r\n");
		while (len > 0 && (v[len - 1] == ' ' || v[len - 1] == '\t'))
			len--;
		v[len] = '\0';
		if (*v == '~' && (home == NULL || v[1] != '/')) {
			yes = 1;	/* another user's home, or none known */
			break;
		} else if (*v == '~')
			file = util_printf("%s/%s", home, v + 2);
		else if (*v == '/')
			file = strdup(v);
		else {
			/* Relative: to the folder of the file that includes. */
			const char *slash = strrchr(path, '/');
			file = slash != NULL ? util_printf("%.*s/%s",
			    (int)(slash - path), path, v) : util_printf("./%s", v);
		}
		/* An include not followed (no memory) counts as a proxy. */
		yes = file == NULL || config_names_proxy(file, home, depth + 1);
		free(file);
	}
	fclose(f);
	return yes;
}

/* Whether the user's or the system's git configuration may name a proxy. */
static int
global_proxy(void)
{
	const char *home = getenv("HOME"), *xdg = getenv("XDG_CONFIG_HOME");
	char *files[3] = { NULL };
	int yes = 0;

	files[0] = strdup("/etc/gitconfig");
	files[1] = home != NULL ? util_path_join(home, ".gitconfig") : NULL;
	files[2] = xdg != NULL && *xdg != '\0' ? util_path_join(xdg,
	    "git/config") : home != NULL ? util_path_join(home,
	    ".config/git/config") : NULL;
	for (size_t i = 0; i < 3 && !yes; i++)
		yes = config_names_proxy(files[i], home, 0);
	for (size_t i = 0; i < 3; i++)
		free(files[i]);
	return yes;
}

/*
 * Whether the mirror's own configuration is one libgit2 opens as it always
 * did (format version 0 or 1, no extension) and names no proxy.
 */
static const char *
mirror_config(const char *mirror)
{
	char *path = util_path_join(mirror, "config"), line[4096];
	const char *why = NULL;
	FILE *f;

	if (path == NULL)
		return "out of memory";
	if (config_names_proxy(path, getenv("HOME"), 0))
		why = "a git configuration may name a proxy";
	else if ((f = fopen(path, "r")) == NULL)
		why = "the mirror's config cannot be read";
	else {
		while (why == NULL && fgets(line, sizeof(line), f) != NULL) {
			const char *p = line + strspn(line, " \t"), *v;
			long version = 0;
			if (strncasecmp(p, "repositoryformatversion", 23) == 0)
				version = (v = strchr(p, '=')) != NULL ?
				    strtol(v + 1, NULL, 10) : -1;
			if (strncasecmp(p, "[extensions", 11) == 0 ||
			    (version != 0 && version != 1))
				why = "a repository format libgit2 is to judge";
		}
		fclose(f);
	}
	free(path);
	return why;
}

/*
 * The proxy libgit2 1.5's GIT_PROXY_AUTO takes from the environment for an
 * https URL, into *proxy ("" for none): https_proxy, else HTTPS_PROXY.
 * Returns -1 where libcurl could not be made to do the same: a no_proxy
 * list beside it (the two match hosts by their own rules), a variable set
 * but empty beside one that is not (which wins is libgit2's detail), and
 * any http_proxy or HTTP_PROXY for an http URL (libgit2 1.5 connects
 * directly there, as t_fastpath found, which is not to be relied on).
 */
static int
env_proxy(const char *scheme, const char **proxy)
{
	const char *lower = getenv("https_proxy"), *upper = getenv("HTTPS_PROXY");
	const char *no = getenv("no_proxy") != NULL ? getenv("no_proxy") :
	    getenv("NO_PROXY");

	*proxy = "";
	if (strcmp(scheme, "https") != 0) {
		lower = getenv("http_proxy");
		upper = getenv("HTTP_PROXY");
		return (lower != NULL && *lower != '\0') ||
		    (upper != NULL && *upper != '\0') ? -1 : 0;
	}
	if (lower != NULL && *lower == '\0' && upper != NULL && *upper != '\0')
		return -1;
	if (lower != NULL && *lower != '\0')
		*proxy = lower;
	else if (upper != NULL && *upper != '\0')
		*proxy = upper;
	if (**proxy != '\0' && no != NULL && *no != '\0')
		return -1;
	return 0;
}

/* Whether q can be listed here; reads its mirror.  Else leaves it. */
static void
prepare(struct fast *fp, struct repo *q)
{
	const struct repo_spec *spec = q->r->spec;
	char *path = mirror_path(fp->opts->root, spec->name);
	struct dsm_error *err;
	struct url u;
	struct stat st;
	size_t len;

	q->start = util_now();
	if (path == NULL) {
		leave(fp, q, "out of memory");
		return;
	}
	if (url_parse(&u, spec->url) != NULL || (strcmp(u.scheme, "http") != 0
	    && strcmp(u.scheme, "https") != 0) || u.userinfo ||
	    strpbrk(spec->url, "?#") != NULL) {
		leave(fp, q, "not an http(s) URL");
		goto done;
	}
	/* mbedTLS (libgit2) matches DNS names only; OpenSSL would take it. */
	if (strcmp(u.scheme, "https") == 0 && (u.host[0] == '[' ||
	    strspn(u.host, "0123456789.") == strlen(u.host))) {
		leave(fp, q, "an https URL with an IP address");
		goto done;
	}
	for (size_t i = 0; i < spec->nrefs; i++)
		if (!lsrefs_pattern_ok(spec->refs[i])) {
			leave(fp, q, "a refs pattern the fast path does not "
			    "read");
			goto done;
		}
	if (lstat(path, &st) == -1 || !S_ISDIR(st.st_mode)) {
		leave(fp, q, "no mirror yet");
		goto done;
	}
	if ((err = recover_check_owner(path, &st)) != NULL) {
		dsm_error_free(err);
		leave(fp, q, "the mirror has another owner");
		goto done;
	}
	/* Known before any request: the mirror's identity is a worker's. */
	const char *was = json_string_value(json_object_get(json_object_get(
	    q->r->state, "fetch"), "url"));
	if (was != NULL && strcmp(was, spec->url) != 0) {
		leave(fp, q, "the url changed");
		goto done;
	}
	if (fp->global_proxy) {
		leave(fp, q, "a git configuration may name a proxy");
		goto done;
	}
	char key[sizeof(fp->hosts[0].key)];
	snprintf(key, sizeof(key), "%s://%s:%d", u.scheme, u.host, u.port);
	for (q->host = 0; q->host < fp->nhosts &&
	    strcmp(fp->hosts[q->host].key, key) != 0; q->host++)
		;
	if (q->host == fp->nhosts)
		memcpy(fp->hosts[fp->nhosts++].key, key, sizeof(key));
	if (env_proxy(u.scheme, &q->proxy) == -1) {
		leave(fp, q, "proxy variables libcurl would read otherwise");
		goto done;
	}
	len = strlen(spec->url);
	if (len > 0 && spec->url[len - 1] == '/')
		len--;
	if ((q->base = strndup(spec->url, len)) == NULL) {
		leave(fp, q, "out of memory");
		goto done;
	}
	q->path = path;
	path = NULL;
	q->stage = ST_GET;
done:
	free(path);
}

/*
 * Reads q's mirror, just before its first request (what is read stays
 * only while the repo is asked).  Returns 0, or -1 with q left to a worker.
 */
static int
read_mirror(struct fast *fp, struct repo *q)
{
	const char *why;

	if (q->read)
		return 0;
	if ((why = mirror_config(q->path)) != NULL) {
		leave(fp, q, why);
		return -1;
	}
	if (localrefs_read(q->path, &q->local, &q->odb, q->whybuf,
	    sizeof(q->whybuf)) != NULL) {
		leave(fp, q, q->whybuf);
		return -1;
	}
	q->read = 1;
	return 0;
}

static size_t
on_body(char *data, size_t size, size_t nmemb, void *payload)
{
	struct repo *q = payload;
	size_t n = size * nmemb;

	if (util_buf_append(&q->body, data, n, FAST_MAX_BODY) == 0)
		return n;
	q->too_big = q->body.len + n > FAST_MAX_BODY;
	return 0;
}

/* Starts q's next request on the multi handle. */
static int
start(struct fast *fp, struct repo *q)
{
	const struct fastpath_opts *o = fp->opts;
	int post = q->stage == ST_POST;
	char *url = util_printf("%s/%s", q->base, post ? "git-upload-pack" :
	    "info/refs?service=git-upload-pack");
	CURL *e;
	int ok;

	if (url == NULL)
		return -1;
	if (q->easy == NULL && (q->easy = curl_easy_init()) == NULL) {
		free(url);
		return -1;
	}
	e = q->easy;
	curl_slist_free_all(q->headers);
	q->headers = curl_slist_append(NULL, "Git-Protocol: version=2");
	if (post && q->headers != NULL) {
		q->headers = curl_slist_append(q->headers, "Content-Type: "
		    "application/x-git-upload-pack-request");
		if (q->headers != NULL)
			q->headers = curl_slist_append(q->headers, "Accept: "
			    "application/x-git-upload-pack-result");
	}
	q->body.len = 0;
	q->too_big = 0;
	ok = q->headers != NULL &&
	    curl_easy_setopt(e, CURLOPT_URL, url) == CURLE_OK &&
	    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https") ==
	    CURLE_OK &&
	    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L) == CURLE_OK &&
	    curl_easy_setopt(e, CURLOPT_HTTPHEADER, q->headers) == CURLE_OK &&
	    curl_easy_setopt(e, CURLOPT_USERAGENT, FAST_AGENT) == CURLE_OK &&
	    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
	    curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L) == CURLE_OK &&
	    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, (long)o->timeout) ==
	    CURLE_OK &&
	    curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L) == CURLE_OK &&
	    curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, (long)o->timeout) ==
	    CURLE_OK &&
	    curl_easy_setopt(e, CURLOPT_PROXY, q->proxy) == CURLE_OK &&
	    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body) == CURLE_OK &&
	    curl_easy_setopt(e, CURLOPT_WRITEDATA, q) == CURLE_OK &&
	    curl_easy_setopt(e, CURLOPT_PRIVATE, q) == CURLE_OK &&
	    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, fp->errbuf) == CURLE_OK &&
	    (o->cacert == NULL || curl_easy_setopt(e, CURLOPT_CAINFO,
	    o->cacert) == CURLE_OK);
	if (ok && post)
		ok = curl_easy_setopt(e, CURLOPT_POSTFIELDS, q->request) ==
		    CURLE_OK && curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE,
		    (long)q->request_len) == CURLE_OK;
	else if (ok)	/* the handle may have sent a POST before */
		ok = curl_easy_setopt(e, CURLOPT_HTTPGET, 1L) == CURLE_OK;
	free(url);
	if (!ok || curl_multi_add_handle(fp->multi, e) != CURLM_OK)
		return -1;
	q->stage = post ? ST_POSTING : ST_GETTING;
	fp->hosts[q->host].flight++;
	fp->flight++;
	fp->stats->requests++;
	return 0;
}

/* Whether the answer is a 200 of the content type a smart server sends. */
static const char *
check_answer(struct repo *q, CURLcode rc, const char *type)
{
	long code = 0;
	char *ct = NULL;

	if (rc != CURLE_OK)
		return q->too_big ? "a listing too large to read here" :
		    curl_easy_strerror(rc);
	curl_easy_getinfo(q->easy, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_getinfo(q->easy, CURLINFO_CONTENT_TYPE, &ct);
	if (code >= 300 && code < 400)
		return "a redirect";
	if (code != 200)
		return "an answer other than 200";
	if (ct == NULL || strncasecmp(ct, type, strlen(type)) != 0)
		return "not a smart HTTP answer";
	return NULL;
}

/* The ref HEAD should name, as mirror.c's wanted_head(); NULL: any. */
static const char *
wanted_head(const struct repo_spec *spec, const struct listing *up,
    char *buf, size_t size)
{
	static const char *const usual[] = { "refs/heads/main",
	    "refs/heads/master", NULL };

	if (spec->branch != NULL) {
		snprintf(buf, size, "refs/heads/%s", spec->branch);
		return buf;
	}
	if (up->head_target != NULL && listing_find(up, up->head_target))
		return up->head_target;
	for (const char *const *u = usual; *u != NULL; u++)
		if (listing_find(up, *u) != NULL)
			return *u;
	for (size_t i = 0; i < up->n; i++)
		if (strncmp(up->v[i].name, "refs/heads/", 11) == 0)
			return up->v[i].name;
	return NULL;
}

/* Keeps the refs of l that spec mirrors. */
static void
keep_mirrored(const struct repo_spec *spec, struct listing *l)
{
	size_t k = 0;

	for (size_t i = 0; i < l->n; i++) {
		if (lsrefs_mirrored(spec->refs, spec->nrefs, l->v[i].name))
			l->v[k++] = l->v[i];
		else
			free(l->v[i].name);
	}
	l->n = k;
}

/*
 * Whether the update would find nothing to do: the checks of mirror.c's
 * sync_refs() and update(), in its order.  Returns NULL and fills the
 * report, or the reason to leave it to a worker.
 */
static const char *
judge(struct repo *q)
{
	const struct repo_spec *spec = q->r->spec;
	json_t *fetch = json_object_get(q->r->state, "fetch");
	const char *head_was = json_string_value(json_object_get(fetch,
	    "head"));
	const char *target = q->local.head_target, *want;
	const struct lsref *h;
	struct fetch_report *out = &q->r->fetch;
	char buf[300], head[LSREFS_HEX + 1] = "";

	/* The whole listing first: HEAD's ref needs no pattern. */
	h = target != NULL ? listing_find(&q->local, target) : NULL;
	if (h != NULL)
		memcpy(head, h->oid, sizeof(head));
	keep_mirrored(spec, &q->up);
	keep_mirrored(spec, &q->local);
	if (q->up.n == 0)
		return "upstream lists no branch or tag";
	want = wanted_head(spec, &q->up, buf, sizeof(buf));
	if (spec->branch != NULL && listing_find(&q->up, want) == NULL)
		return "upstream lacks the configured branch";
	if (q->up.n != q->local.n)
		return "refs differ";
	for (size_t i = 0; i < q->up.n; i++)
		if (strcmp(q->up.v[i].name, q->local.v[i].name) != 0 ||
		    strcmp(q->up.v[i].oid, q->local.v[i].oid) != 0)
			return "refs differ";
	for (size_t i = 0; i < q->local.n; i++)
		if (!localrefs_has(&q->odb, q->local.v[i].oid))
			return "a ref names an object not found here";
	if (want != NULL && strcmp(want, target) != 0)
		return "HEAD to move";
	/* HEAD^{commit}: the commit the last update read there, or libgit2. */
	if (head[0] != '\0' && (head_was == NULL || strcmp(head_was, head) != 0 ||
	    !localrefs_has(&q->odb, head)))
		return "HEAD's commit to be read";
	fetch_report_clear(out);
	out->result = FETCH_UNCHANGED;
	memcpy(out->head, head, sizeof(out->head));
	if ((out->head_ref = strdup(target)) == NULL ||
	    (out->url = strdup(spec->url)) == NULL)
		return "out of memory";
	return NULL;
}

/* q's request is answered: the next request, or the verdict. */
static void
finish(struct fast *fp, struct repo *q, CURLcode rc)
{
	const char *why;
	long connects = 0;

	struct host *h = &fp->hosts[q->host];

	curl_multi_remove_handle(fp->multi, q->easy);
	h->flight--;
	fp->flight--;
	/*
	 * No answer at all (no connection, no TLS, a timeout): the host's
	 * other repos would each wait as long, one after another.
	 */
	long code = 0;
	curl_easy_getinfo(q->easy, CURLINFO_RESPONSE_CODE, &code);
	if (rc != CURLE_OK && code == 0 && !q->too_big)
		h->speaks = SPEAKS_DOWN;
	if (curl_easy_getinfo(q->easy, CURLINFO_NUM_CONNECTS, &connects) ==
	    CURLE_OK)
		fp->stats->connections += connects;
	if (q->stage == ST_GETTING) {
		enum lsrefs_adv adv = LSREFS_ERROR;
		if ((why = check_answer(q, rc,
		    "application/x-git-upload-pack-advertisement")) == NULL)
			adv = lsrefs_parse_advertisement(&q->up, q->body.data,
			    q->body.len, &why);
		/* The host's first answer tells what the others may skip. */
		if (h->speaks == SPEAKS_ASKING)
			h->speaks = adv == LSREFS_V2 ? SPEAKS_V2 :
			    adv == LSREFS_V0 ? SPEAKS_V0 : SPEAKS_UNKNOWN;
		if (adv == LSREFS_ERROR) {
			leave(fp, q, why);
			return;
		}
		fp->stats->asked++;
		if (adv == LSREFS_V2) {
			q->v2 = 1;
			q->stage = ST_POST;
			return;
		}
	} else {
		/*
		 * An empty answer to a POST sent on the host's word alone may
		 * be a v0 repo's: its own GET tells.
		 */
		if ((why = check_answer(q, rc,
		    "application/x-git-upload-pack-result")) != NULL ||
		    lsrefs_parse_answer(&q->up, q->body.data, q->body.len,
		    &why) == -1 ||
		    (q->direct && q->up.n == 0)) {
			listing_free(&q->up);
			/* Sent on the host's word alone: ask as git does. */
			if (q->direct) {
				q->direct = q->v2 = 0;
				q->asked_direct = 1;
				q->stage = ST_GET;
				return;
			}
			leave(fp, q, why);
			return;
		}
		if (q->direct)
			fp->stats->asked++;
	}
	if ((why = judge(q)) != NULL) {
		leave(fp, q, why);
		return;
	}
	q->r->fetch.seconds = util_now() - q->start;
	q->stage = ST_OUT;
	forget(q);
	fp->stats->served++;
	trace(fp, "%s: unchanged (protocol v%d, %s)", q->r->spec->name,
	    q->v2 ? 2 : 0, q->direct ? "ls-refs alone" : q->v2 ?
	    "capabilities, ls-refs" : "full advertisement");
}

/*
 * Starts q's next request if its host has room: a GET, unless the host
 * said it speaks v2 (then the ls-refs POST alone); while the host's first
 * GET is out, the others wait for its answer.
 */
static void
next_request(struct fast *fp, struct repo *q)
{
	struct host *h = &fp->hosts[q->host];

	if (h->speaks == SPEAKS_DOWN) {
		leave(fp, q, "its host did not answer another listing");
		return;
	}
	if (h->flight >= (size_t)fp->opts->jobs ||
	    fp->flight >= FAST_MAX_FLIGHT)
		return;
	if (q->stage == ST_GET && h->speaks == SPEAKS_ASKING)
		return;
	if (read_mirror(fp, q) == -1)
		return;
	if (q->stage == ST_GET && h->speaks == SPEAKS_V2 && !q->asked_direct) {
		q->v2 = q->direct = 1;
		q->stage = ST_POST;
	} else if (q->stage == ST_GET && h->speaks == SPEAKS_UNKNOWN) {
		h->speaks = SPEAKS_ASKING;
	}
	if (q->stage == ST_POST && q->request == NULL &&
	    (q->request = lsrefs_request((const char *const *)q->r->spec->refs,
	    q->r->spec->nrefs, &q->request_len)) == NULL) {
		leave(fp, q, "out of memory");
		return;
	}
	if (start(fp, q) == -1) {
		if (q->stage == ST_GET && h->speaks == SPEAKS_ASKING)
			h->speaks = SPEAKS_UNKNOWN;
		leave(fp, q, "the request cannot be made");
	}
}

static int
stopping(const struct fast *fp)
{
	return fp->opts->stop != NULL && *fp->opts->stop;
}

/* Runs the requests until every repo is served or left to a worker. */
static void
drive(struct fast *fp)
{
	int running = 1;

	while (!stopping(fp)) {
		size_t busy = 0;
		CURLMsg *m;
		int left;

		for (size_t i = 0; i < fp->n; i++) {
			struct repo *q = &fp->v[i];
			if (q->stage == ST_GET || q->stage == ST_POST)
				next_request(fp, q);
			busy += q->stage != ST_OUT;
		}
		if (busy == 0)
			break;
		if (curl_multi_perform(fp->multi, &running) != CURLM_OK)
			break;
		size_t done = 0;
		while ((m = curl_multi_info_read(fp->multi, &left)) != NULL) {
			char *q = NULL;
			if (m->msg != CURLMSG_DONE || curl_easy_getinfo(
			    m->easy_handle, CURLINFO_PRIVATE, &q) != CURLE_OK ||
			    q == NULL)
				continue;
			finish(fp, (struct repo *)(void *)q, m->data.result);
			done++;
		}
		/* An answer may let the next request start: no wait then. */
		if (done == 0 && curl_multi_poll(fp->multi, NULL, 0,
		    FAST_POLL_MS, NULL) != CURLM_OK)
			break;
	}
	/* Stopped, or libcurl failed: what is still asked goes to workers. */
	for (size_t i = 0; i < fp->n; i++) {
		struct repo *q = &fp->v[i];
		if (q->stage == ST_GETTING || q->stage == ST_POSTING)
			curl_multi_remove_handle(fp->multi, q->easy);
		if (q->stage != ST_OUT)
			leave(fp, q, stopping(fp) ? "interrupted" :
			    "libcurl failed");
	}
}

struct dsm_error *
fastpath_run(struct repo_result *results, size_t n, char *served,
    const struct fastpath_opts *opts, struct fastpath_stats *stats)
{
	struct fast fp = { .opts = opts, .stats = stats, .n = n };
	CURLcode rc;

	memset(stats, 0, sizeof(*stats));
	if (n == 0)
		return NULL;
	if ((rc = curl_global_init(CURL_GLOBAL_DEFAULT)) != CURLE_OK)
		return dsm_error_new(DSM_ERR_SYSTEM, "cannot initialise "
		    "libcurl: %s", curl_easy_strerror(rc));
	if ((fp.v = calloc(n, sizeof(*fp.v))) == NULL ||
	    (fp.hosts = calloc(n, sizeof(*fp.hosts))) == NULL ||
	    (fp.multi = curl_multi_init()) == NULL) {
		free(fp.v);
		free(fp.hosts);
		curl_global_cleanup();
		return dsm_error_new(DSM_ERR_NOMEM, "out of memory");
	}
	curl_multi_setopt(fp.multi, CURLMOPT_MAX_HOST_CONNECTIONS,
	    (long)opts->jobs);
	fp.global_proxy = global_proxy();
	for (size_t i = 0; i < n; i++) {
		fp.v[i].r = &results[i];
		if (stopping(&fp))
			leave(&fp, &fp.v[i], "interrupted");
		else
			prepare(&fp, &fp.v[i]);
	}
	drive(&fp);
	for (size_t i = 0; i < n; i++) {
		struct repo *q = &fp.v[i];
		served[i] = q->why == NULL;
		if (served[i] && opts->on_done != NULL)
			opts->on_done(i, opts->payload);
		free(q->base);
		free(q->path);
		free(q->request);
		forget(q);
	}
	trace(&fp, "%zu of %zu repos unchanged by their listing alone, %zu "
	    "requests over %ld connections", stats->served, n,
	    stats->requests, stats->connections);
	curl_multi_cleanup(fp.multi);
	curl_global_cleanup();
	free(fp.v);
	free(fp.hosts);
	return NULL;
}
