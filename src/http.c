/*
 * http.c - GET requests over one reused libcurl handle, with dsmirror's
 * rules for redirects, retries, rate limits and the token (see http.h).
 * Which URL may be asked and where the token may go are url.c's rules; the
 * header values are read by http_rules.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "http.h"
#include "url.h"
#include "util.h"

#define STR_(x) #x
#define STR(x) STR_(x)

struct http {
	CURL *curl;
	struct http_opts o;
	char *auth;		/* "Authorization: Bearer ...", or NULL */
	struct http_stats stats;
	long long remaining;	/* x-ratelimit-remaining last seen, or -1 */
	long long reset;	/* x-ratelimit-reset last seen, or -1 */
	int limited;		/* stopped by the rate limit for the run */
	time_t limited_until;
	char *silent;		/* a URL of the host that did not answer, or
				   NULL: that host is not asked again */
	unsigned seed;		/* for the jitter */
	char errbuf[CURL_ERROR_SIZE];
	/* The answer being received. */
	struct util_buf body;
	int too_big;
};

struct dsm_error *
http_global_init(void)
{
	CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);

	if (rc != CURLE_OK)
		return dsm_error_new(DSM_ERR_SYSTEM, "cannot initialise "
		    "libcurl: %s", curl_easy_strerror(rc));
	return NULL;
}

void
http_global_cleanup(void)
{
	curl_global_cleanup();
}

/*
 * Writes the host of url as people name it into buf: "api.github.com", or
 * "127.0.0.1:8443" when the URL gives a port.  Returns buf.
 */
static const char *
host_label(char *buf, size_t size, const char *url)
{
	struct url u;

	if (url_parse(&u, url) != NULL)
		snprintf(buf, size, "the API host");
	else if (u.explicit_port)
		snprintf(buf, size, "%s:%d", u.host, u.port);
	else
		snprintf(buf, size, "%s", u.host);
	return buf;
}

/* ------------------------------------------------------------ the client */

static size_t
on_body(char *data, size_t size, size_t nmemb, void *payload)
{
	struct http *h = payload;
	size_t n = size * nmemb;

	/* CURLOPT_MAXFILESIZE cannot see a chunked answer coming: count. */
	if (n > HTTP_MAX_BODY - h->body.len) {
		h->too_big = 1;
		return 0;
	}
	return util_buf_append(&h->body, data, n, HTTP_MAX_BODY) == 0 ? n : 0;
}

static int
on_xfer(void *payload, curl_off_t dltotal, curl_off_t dlnow,
    curl_off_t ultotal, curl_off_t ulnow)
{
	const struct http *h = payload;

	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	return h->o.stop != NULL && *h->o.stop != 0;
}

#define SETOPT(h, opt, val) \
	(curl_easy_setopt((h)->curl, (opt), (val)) == CURLE_OK)

struct dsm_error *
http_new(struct http **out, const struct http_opts *opts)
{
	struct http *h;

	*out = NULL;
	if (opts->token != NULL && !http_token_is_valid(opts->token))
		return dsm_error_new(DSM_ERR_USAGE, "the GitHub token in "
		    "GITHUB_TOKEN/GH_TOKEN is empty, too long or holds "
		    "spaces or control characters");
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return dsm_error_new(DSM_ERR_NOMEM, "out of memory");
	h->o = *opts;
	h->remaining = h->reset = -1;
	h->seed = (unsigned)time(NULL) ^ (unsigned)getpid();
	if (opts->token != NULL &&
	    (h->auth = util_printf("Authorization: Bearer %s", opts->token))
	    == NULL) {
		free(h);
		return dsm_error_new(DSM_ERR_NOMEM, "out of memory");
	}
	h->curl = curl_easy_init();
	/*
	 * Redirects are followed in http_get(), which decides where the
	 * token goes; curl itself follows none.
	 */
	if (h->curl == NULL ||
	    !SETOPT(h, CURLOPT_ERRORBUFFER, h->errbuf) ||
	    !SETOPT(h, CURLOPT_NOSIGNAL, 1L) ||
	    !SETOPT(h, CURLOPT_PROTOCOLS_STR, "https,http") ||
	    !SETOPT(h, CURLOPT_FOLLOWLOCATION, 0L) ||
	    !SETOPT(h, CURLOPT_MAXREDIRS, 0L) ||
	    !SETOPT(h, CURLOPT_SSL_VERIFYPEER, 1L) ||
	    !SETOPT(h, CURLOPT_SSL_VERIFYHOST, 2L) ||
	    !SETOPT(h, CURLOPT_USERAGENT, opts->user_agent) ||
	    !SETOPT(h, CURLOPT_ACCEPT_ENCODING, "") ||
	    !SETOPT(h, CURLOPT_CONNECTTIMEOUT, opts->timeout) ||
	    !SETOPT(h, CURLOPT_LOW_SPEED_LIMIT, 1L) ||
	    !SETOPT(h, CURLOPT_LOW_SPEED_TIME, opts->timeout) ||
	    !SETOPT(h, CURLOPT_TCP_KEEPALIVE, 1L) ||
	    !SETOPT(h, CURLOPT_WRITEFUNCTION, on_body) ||
	    !SETOPT(h, CURLOPT_WRITEDATA, h) ||
	    !SETOPT(h, CURLOPT_NOPROGRESS, 0L) ||
	    !SETOPT(h, CURLOPT_XFERINFOFUNCTION, on_xfer) ||
	    !SETOPT(h, CURLOPT_XFERINFODATA, h) ||
	    (opts->cacert != NULL &&
	    !SETOPT(h, CURLOPT_CAINFO, opts->cacert))) {
		http_free(h);
		return dsm_error_new(DSM_ERR_SYSTEM, "cannot set up libcurl");
	}
	*out = h;
	return NULL;
}

void
http_free(struct http *h)
{
	if (h == NULL)
		return;
	if (h->curl != NULL)
		curl_easy_cleanup(h->curl);
	if (h->auth != NULL) {
		explicit_bzero(h->auth, strlen(h->auth));
		free(h->auth);
	}
	free(h->body.data);
	free(h->silent);
	free(h);
}

void
http_response_clear(struct http_response *r)
{
	free(r->url);
	free(r->body);
	free(r->etag);
	free(r->last_modified);
	free(r->link);
	memset(r, 0, sizeof(*r));
}

void
http_get_stats(const struct http *h, struct http_stats *out)
{
	*out = h->stats;
}

int
http_rate_limited(const struct http *h, time_t *until)
{
	*until = h->limited_until;
	return h->limited;
}

/* Returns a copy of the value of header name in the last answer, or NULL. */
static char *
header(struct http *h, const char *name)
{
	struct curl_header *hd;

	if (curl_easy_header(h->curl, name, 0, CURLH_HEADER, -1, &hd) !=
	    CURLHE_OK)
		return NULL;
	return strdup(hd->value);
}

static long long
header_count(struct http *h, const char *name)
{
	char *v = header(h, name);
	long long n = http_parse_count(v);

	free(v);
	return n;
}

/* Sleeps for seconds, waking early when asked to stop. */
static void
pause_for(struct http *h, double seconds)
{
	double end = util_now() + seconds;

	h->stats.waited += seconds;
	while (util_now() < end && !(h->o.stop != NULL && *h->o.stop)) {
		double left = end - util_now();
		struct timespec ts = { 0, 100 * 1000 * 1000 };
		if (left < 0.1 && left > 0)
			ts.tv_nsec = (long)(left * 1e9);
		nanosleep(&ts, NULL);
	}
}

/* Exponential backoff with jitter: a delay in [d/2, d), d doubling. */
static double
backoff(struct http *h, int attempt)
{
	double base = h->o.backoff > 0 ? h->o.backoff : 0.5;
	double d = base * (double)(1u << attempt);

	return d / 2 + d / 2 * ((double)rand_r(&h->seed) / RAND_MAX);
}

static int
retryable(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return 1;
	default:
		return 0;
	}
}

static struct dsm_error *
stop_for_rate_limit(struct http *h, long wait, const char *url)
{
	char when[32] = "";
	char safe[512];
	time_t until = time(NULL) + wait;
	struct tm tm;

	h->limited = 1;
	h->limited_until = until;
	if (gmtime_r(&until, &tm) != NULL)
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	/* Short waits that keep coming back also end the asking. */
	return dsm_error_new(DSM_ERR_REMOTE, "GitHub API rate limit: %s "
	    "asks to wait %ld s (until %s), %s; no more API requests in this "
	    "run%s", util_sanitize(safe, sizeof(safe), url), wait, when,
	    wait > h->o.max_wait ? "longer than --api-wait allows" :
	    "again after " STR(HTTP_MAX_RATE_WAITS) " waits",
	    h->auth == NULL ? " (set GITHUB_TOKEN for a higher limit)" : "");
}

/*
 * Before a request: when the last answer said no request is left, wait for
 * the reset if that is short, else stop.
 */
static struct dsm_error *
before_request(struct http *h, const char *url)
{
	long long now = (long long)time(NULL);

	char host[300];

	if (h->limited)
		return dsm_error_new(DSM_ERR_REMOTE, "not asked: the GitHub "
		    "API rate limit is exhausted for this run");
	if (h->silent != NULL && url_same_origin(url, h->silent))
		return dsm_error_new(DSM_ERR_REMOTE, "not asked: %s did not "
		    "answer within %ld s", host_label(host, sizeof(host), url),
		    h->o.timeout);
	if (h->o.stop != NULL && *h->o.stop)
		return dsm_error_new(DSM_ERR_REMOTE, "not asked: stopped");
	if (h->remaining != 0 || h->reset < 0 || h->reset < now)
		return NULL;
	if (h->reset - now + 1 > h->o.max_wait)
		return stop_for_rate_limit(h, (long)(h->reset - now + 1), url);
	pause_for(h, (double)(h->reset - now + 1));
	h->remaining = -1;
	return NULL;
}

/*
 * Returns how long a rate-limited answer asks us to wait, in seconds, or
 * -1 when the answer is not about the rate limit.  GitHub's rules: obey
 * retry-after; with x-ratelimit-remaining 0, wait for x-ratelimit-reset;
 * a secondary limit without either means at least a minute.
 */
static long
rate_limit_wait(struct http *h, long status)
{
	long long after = header_count(h, "retry-after");
	long long now = (long long)time(NULL);

	if (status != 403 && status != 429)
		return -1;
	if (after >= 0)
		return (long)(after < 86400 ? after : 86400);
	if (h->remaining == 0 && h->reset >= 0)
		return h->reset > now ? (long)(h->reset - now + 1) : 1;
	return status == 429 ? 60 : -1;
}

static struct curl_slist *
request_headers(struct http *h, const char *url, const char *etag,
    const char *last_modified)
{
	struct curl_slist *list = NULL, *l;
	char *cond = NULL;
	int ok;

	ok = (l = curl_slist_append(list, "Accept: application/vnd.github+json"))
	    != NULL;
	list = ok ? l : list;
	ok = ok && (l = curl_slist_append(list,
	    "X-GitHub-Api-Version: 2022-11-28")) != NULL;
	list = ok ? l : list;
	if (ok && etag != NULL) {
		ok = (cond = util_printf("If-None-Match: %s", etag)) != NULL &&
		    (l = curl_slist_append(list, cond)) != NULL;
		list = ok ? l : list;
		free(cond);
	} else if (ok && last_modified != NULL) {
		ok = (cond = util_printf("If-Modified-Since: %s",
		    last_modified)) != NULL &&
		    (l = curl_slist_append(list, cond)) != NULL;
		list = ok ? l : list;
		free(cond);
	}
	/* The token goes to the API's origin and nowhere else. */
	if (ok && h->auth != NULL && url_same_origin(url, h->o.origin)) {
		ok = (l = curl_slist_append(list, h->auth)) != NULL;
		list = ok ? l : list;
	}
	if (!ok) {
		curl_slist_free_all(list);
		return NULL;
	}
	return list;
}

/* Frees a header list, wiping the token's copy first. */
static void
free_headers(struct curl_slist *list)
{
	for (struct curl_slist *l = list; l != NULL; l = l->next)
		explicit_bzero(l->data, strlen(l->data));
	curl_slist_free_all(list);
}

/* One request and its answer: curl's result code; the answer in h. */
static CURLcode
perform(struct http *h, const char *url, const char *etag,
    const char *last_modified, long *status)
{
	struct curl_slist *headers;
	long connects = 0;
	CURLcode rc;

	headers = request_headers(h, url, etag, last_modified);
	if (headers == NULL)
		return CURLE_OUT_OF_MEMORY;
	h->body.len = 0;
	h->too_big = 0;
	h->errbuf[0] = '\0';
	*status = 0;
	if (curl_easy_setopt(h->curl, CURLOPT_URL, url) != CURLE_OK ||
	    curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, headers) !=
	    CURLE_OK) {
		free_headers(headers);
		return CURLE_OUT_OF_MEMORY;
	}
	rc = curl_easy_perform(h->curl);
	curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, NULL);
	free_headers(headers);
	curl_easy_getinfo(h->curl, CURLINFO_NUM_CONNECTS, &connects);
	h->stats.connections += (unsigned long)connects;
	if (rc == CURLE_OK) {
		curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, status);
		h->stats.requests++;
		if (*status == 304)
			h->stats.not_modified++;
		long long v = header_count(h, "x-ratelimit-remaining");
		if (v >= 0) {
			h->remaining = v;
			h->reset = header_count(h, "x-ratelimit-reset");
		}
	}
	return rc;
}

/*
 * Whether a failed transfer timed out with nothing received at all: the
 * host accepted the connection (or not even that) and never answered.
 */
static int
went_silent(struct http *h, CURLcode rc)
{
	long header_bytes = 0;

	if (rc != CURLE_OPERATION_TIMEDOUT || h->body.len > 0)
		return 0;
	curl_easy_getinfo(h->curl, CURLINFO_HEADER_SIZE, &header_bytes);
	return header_bytes == 0;
}

static struct dsm_error *
silent_error(struct http *h, const char *url)
{
	char safe[512], host[300];

	return dsm_error_new(DSM_ERR_REMOTE, "%s: no answer for %ld s "
	    "(--timeout); %s is not asked again in this run",
	    util_sanitize(safe, sizeof(safe), url), h->o.timeout,
	    host_label(host, sizeof(host), url));
}

static struct dsm_error *
transfer_error(struct http *h, CURLcode rc, const char *url)
{
	char safe[512], why[CURL_ERROR_SIZE];

	util_sanitize(safe, sizeof(safe), url);
	if (h->too_big)
		return dsm_error_new(DSM_ERR_REMOTE, "%s: the answer is larger "
		    "than %d MiB; refused", safe, HTTP_MAX_BODY >> 20);
	if (rc == CURLE_ABORTED_BY_CALLBACK)
		return dsm_error_new(DSM_ERR_REMOTE, "%s: stopped", safe);
	if (rc == CURLE_OPERATION_TIMEDOUT)
		return dsm_error_new(DSM_ERR_REMOTE, "%s: no answer for %ld s "
		    "(--timeout)", safe, h->o.timeout);
	util_sanitize(why, sizeof(why), h->errbuf[0] != '\0' ? h->errbuf :
	    curl_easy_strerror(rc));
	return dsm_error_new(DSM_ERR_REMOTE, "%s: %s", safe, why);
}

static void
trace(struct http *h, const char *url, long status, CURLcode rc,
    double seconds)
{
	char safe[512];

	if (h->o.trace == NULL)
		return;
	util_sanitize(safe, sizeof(safe), url);
	if (rc == CURLE_OK)
		fprintf(h->o.trace, "api: GET %s -> %ld (%.3f s)\n", safe,
		    status, seconds);
	else
		fprintf(h->o.trace, "api: GET %s -> %s (%.3f s)\n", safe,
		    curl_easy_strerror(rc), seconds);
}

static int
is_redirect(long status)
{
	return status == 301 || status == 302 || status == 303 ||
	    status == 307 || status == 308;
}

/* Fills r from the answer held in h. */
static struct dsm_error *
take_answer(struct http *h, const char *url, long status,
    struct http_response *r)
{
	r->status = status;
	if ((r->url = strdup(url)) == NULL)
		return dsm_error_new(DSM_ERR_NOMEM, "out of memory");
	if (status != 304 && h->body.len > 0) {
		r->body = h->body.data;
		r->len = h->body.len;
		memset(&h->body, 0, sizeof(h->body));
	}
	r->etag = header(h, "etag");
	r->last_modified = header(h, "last-modified");
	r->link = header(h, "link");
	return NULL;
}

/* url for a message: sanitised, any user and password left out. */
static const char *
redact(char *buf, size_t size, const char *url)
{
	const char *authority = strstr(url, "://");
	size_t len = authority != NULL ? strcspn(authority + 3, "/?#") : 0;
	const char *at = authority != NULL ?
	    memrchr(authority + 3, '@', len) : NULL;
	char *tmp;

	if (at == NULL)
		return util_sanitize(buf, size, url);
	tmp = util_printf("%.*s***%s", (int)(authority + 3 - url), url, at);
	util_sanitize(buf, size, tmp != NULL ? tmp : "(a URL)");
	free(tmp);
	return buf;
}

struct dsm_error *
http_get(struct http *h, const char *url, const char *etag,
    const char *last_modified, struct http_response *r)
{
	struct dsm_error *err = NULL;
	char *where, *next = NULL;
	int retries = 0, waits = 0;
	char safe[512];

	memset(r, 0, sizeof(*r));
	r->permanent = 1;
	if ((where = strdup(url)) == NULL)
		return dsm_error_new(DSM_ERR_NOMEM, "out of memory");
	/* What starts over TLS stays there, whatever a redirect says. */
	int tls = strncasecmp(url, "https://", 8) == 0;
	for (;;) {
		long status, wait;
		CURLcode rc;
		double t0;

		if (!url_allowed(where)) {
			err = dsm_error_new(DSM_ERR_REMOTE, "%s: refused: only "
			    "https URLs (or http to loopback), with no user or "
			    "password, are asked", redact(safe, sizeof(safe),
			    where));
			break;
		}
		if (tls && strncasecmp(where, "https://", 8) != 0) {
			err = dsm_error_new(DSM_ERR_REMOTE, "%s: refused: a "
			    "redirect from https to plain http",
			    util_sanitize(safe, sizeof(safe), where));
			break;
		}
		if ((err = before_request(h, where)) != NULL)
			break;
		t0 = util_now();
		rc = perform(h, where, etag, last_modified, &status);
		trace(h, where, status, rc, util_now() - t0);
		if (rc != CURLE_OK && went_silent(h, rc)) {
			/*
			 * A host that says nothing for --timeout seconds is
			 * not asked again in this run: one timeout per run,
			 * not one per request and retry.
			 */
			if ((h->silent = strdup(where)) == NULL)
				err = dsm_error_new(DSM_ERR_NOMEM,
				    "out of memory");
			else
				err = silent_error(h, where);
			break;
		}
		if (rc != CURLE_OK) {
			if (retryable(rc) && retries < HTTP_MAX_RETRIES &&
			    !(h->o.stop != NULL && *h->o.stop)) {
				pause_for(h, backoff(h, retries++));
				h->stats.retries++;
				continue;
			}
			err = transfer_error(h, rc, where);
			break;
		}
		if (status >= 500 && retries < HTTP_MAX_RETRIES) {
			pause_for(h, backoff(h, retries++));
			h->stats.retries++;
			continue;
		}
		if ((wait = rate_limit_wait(h, status)) >= 0) {
			if (wait > h->o.max_wait || waits >= HTTP_MAX_RATE_WAITS) {
				err = stop_for_rate_limit(h, wait, where);
				break;
			}
			waits++;
			pause_for(h, (double)wait);
			continue;
		}
		if (is_redirect(status)) {
			const char *to = NULL;
			curl_easy_getinfo(h->curl, CURLINFO_REDIRECT_URL, &to);
			if (to == NULL || r->redirects >= HTTP_MAX_REDIRECTS) {
				err = dsm_error_new(DSM_ERR_REMOTE, "%s: %s",
				    util_sanitize(safe, sizeof(safe), where),
				    to == NULL ? "a redirect without a "
				    "Location" : "too many redirects");
				break;
			}
			if ((next = strdup(to)) == NULL) {
				err = dsm_error_new(DSM_ERR_NOMEM,
				    "out of memory");
				break;
			}
			r->redirects++;
			r->permanent &= status == 301 || status == 308;
			free(where);
			where = next;
			next = NULL;
			continue;
		}
		err = take_answer(h, where, status, r);
		break;
	}
	free(where);
	if (err != NULL)
		http_response_clear(r);
	return err;
}
