/*
 * http.h - HTTPS GET requests for the GitHub API, over libcurl.
 *
 * The only module that uses libcurl.  One struct http holds one curl handle
 * that every request reuses, so the connection to the API host is kept
 * alive; requests are made one at a time.  The policy that makes dsmirror a
 * polite and safe API client lives here:
 *
 *  - TLS is always verified (the system store, or a CA bundle);
 *  - only https, and plain http to loopback test servers, with no user or
 *    password in the URL (url.h's url_allowed(), for every request and
 *    every redirect), and once on https never plain http;
 *  - redirects are followed here, not by curl: at most HTTP_MAX_REDIRECTS,
 *    and the token goes only to the origin (scheme, host, port) of the API
 *    base, never to another host a redirect names;
 *  - 5xx answers and network errors are retried with exponential backoff
 *    and jitter, at most HTTP_MAX_RETRIES times;
 *  - a rate-limited answer (403/429 with retry-after, or an exhausted
 *    x-ratelimit-remaining) is waited out when the wait is at most
 *    max_wait seconds; otherwise no further request is made in this run;
 *  - an answer body over HTTP_MAX_BODY bytes is refused.
 *
 * Nothing here prints the token, and no message built here contains it.
 */
#ifndef DSM_HTTP_H
#define DSM_HTTP_H

#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "error.h"

#define HTTP_MAX_BODY		(16 * 1024 * 1024)
#define HTTP_MAX_REDIRECTS	5
#define HTTP_MAX_RETRIES	3	/* after the first attempt */
#define HTTP_MAX_RATE_WAITS	3	/* rate-limit waits per request */
#define HTTP_MAX_TOKEN		1024
#define HTTP_DEFAULT_MAX_WAIT	60	/* seconds */

struct http;

struct http_opts {
	const char *origin;	/* URL whose origin may receive the token */
	const char *token;	/* bearer token, or NULL */
	const char *cacert;	/* CA bundle, or NULL for the system store */
	const char *user_agent;
	long timeout;		/* connect timeout, and the most seconds a
				   transfer may go without receiving a byte */
	long max_wait;		/* longest rate-limit wait, in seconds */
	double backoff;		/* first retry delay in seconds (0: 0.5) */
	FILE *trace;		/* one line per request, or NULL */
	volatile sig_atomic_t *stop;	/* non-zero: abort, make no more */
};

struct http_response {
	long status;		/* 200, 304, 404, ... */
	char *url;		/* the URL that answered (after redirects) */
	int redirects;		/* how many were followed */
	int permanent;		/* ... all of them 301 or 308 */
	char *body;		/* NUL-terminated, or NULL (a 304) */
	size_t len;
	char *etag;		/* header values, or NULL */
	char *last_modified;
	char *link;
};

struct http_stats {
	unsigned long requests;		/* HTTP requests answered */
	unsigned long not_modified;	/* ... of them 304 */
	unsigned long connections;	/* connections opened */
	unsigned long retries;		/* attempts repeated after 5xx or
					   network errors */
	double waited;			/* seconds spent in rate-limit and
					   backoff waits */
};

/* curl_global_init(); call once, before any thread starts. */
struct dsm_error *http_global_init(void);
void http_global_cleanup(void);

/* Makes a client; opts' strings must outlive it. */
struct dsm_error *http_new(struct http **out, const struct http_opts *opts);

/* Frees h and wipes the token from its memory; NULL is allowed. */
void http_free(struct http *h);

/*
 * GETs url.  etag and last_modified (either may be NULL) make the request
 * conditional.  Any final answer fills *r (which the caller releases with
 * http_response_clear()), whatever its status: the caller decides what a
 * 404 means.  Returns a DSM_ERR_REMOTE error when no answer came (network,
 * TLS, timeout, too big, too many redirects, rate limit exhausted, stopped)
 * and *r is then empty.
 */
struct dsm_error *http_get(struct http *h, const char *url, const char *etag,
    const char *last_modified, struct http_response *r);

void http_response_clear(struct http_response *r);

/* What the client has done so far. */
void http_get_stats(const struct http *h, struct http_stats *out);

/*
 * Returns whether the rate limit stopped the client for the rest of the
 * run, and then sets *until to when GitHub resets it (0 if unknown).
 */
int http_rate_limited(const struct http *h, time_t *until);

/*
 * -- the pure rules, in http_rules.c (no libcurl): for the unit tests and
 * the fuzzers too.  Which URLs are asked is url.h's url_allowed(). --
 */

/*
 * Finds the rel="next" target in the value of a Link header and sets *out
 * to a copy of it (caller frees), or to NULL when there is none.  Returns
 * 0, or -1 with *out NULL when the value is malformed (anywhere, even after
 * the next link) or out of memory.
 */
int http_link_next(const char *value, char **out);

/*
 * Parses a header value that must be a non-negative decimal integer (as
 * x-ratelimit-remaining, x-ratelimit-reset and retry-after are); returns
 * it, or -1 when value is NULL or anything else.
 */
long long http_parse_count(const char *value);

/* Returns whether a token is safe to send: 1 to 1024 printable bytes. */
int http_token_is_valid(const char *token);

/*
 * Returns whether two URLs have the same scheme, host and port: whether a
 * URL may receive the token of the API base.  url.h's url_same_origin(),
 * under the name github.c calls it by.
 */
int http_same_origin(const char *a, const char *b);

#endif
