/*
 * fuzz_url.c - the URL rules of url.c on arbitrary bytes: url_parse(),
 * url_has_userinfo(), url_is_loopback(), url_allowed(), url_same_origin().
 *
 * The input is split at NUL bytes into URLs (a C string holds none); each
 * goes through every function, and each with the next (the last with the
 * first) through url_same_origin().  Checked, from url.h:
 *  - a parsed URL is within the grammar: no space or control byte in the
 *    input, which starts with its scheme and "://"; scheme and host in
 *    lower case and within their limits, the host a name of [a-z0-9._-]
 *    or an IPv6 address in brackets; the port 0 to 65535, else the
 *    scheme's default or -1; userinfo as url_has_userinfo() says;
 *  - what url_parse() reads does not depend on ASCII case, and reads back:
 *    "scheme://host:port/" parses to the same parts, without userinfo;
 *  - url_allowed() is the rule restated: parsed, no userinfo, https or
 *    http to 127.0.0.1, localhost or [::1];
 *  - url_same_origin() is symmetric, true exactly when both parse as http
 *    or https with equal scheme, host and port, and a URL is of the same
 *    origin as its own read-back.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check.h"
#include "url.h"

#define MAX_FIELDS 8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
is_web(const struct url *u)
{
	return strcmp(u->scheme, "https") == 0 ||
	    strcmp(u->scheme, "http") == 0;
}

static int
same_parts(const struct url *a, const struct url *b)
{
	return strcmp(a->scheme, b->scheme) == 0 &&
	    strcmp(a->host, b->host) == 0 && a->port == b->port;
}

static void
check_grammar(const char *s, const struct url *u)
{
	size_t n = strlen(u->scheme), h = strlen(u->host);

	for (const char *p = s; *p != '\0'; p++)
		CHECK((unsigned char)*p > ' ' && *p != 0x7f,
		    "no space or control byte in a parsed URL");
	CHECK(n >= 1 && n <= URL_MAX_SCHEME && u->scheme[0] >= 'a' &&
	    u->scheme[0] <= 'z' && strspn(u->scheme,
	    "abcdefghijklmnopqrstuvwxyz0123456789+-.") == n,
	    "the scheme is a lower-case scheme");
	CHECK(strncasecmp(s, u->scheme, n) == 0 &&
	    strncmp(s + n, "://", 3) == 0, "the URL starts with scheme://");
	CHECK(h >= 1 && h <= URL_MAX_HOST, "a host of 1 to URL_MAX_HOST bytes");
	if (u->host[0] == '[')
		CHECK(h >= 4 && u->host[h - 1] == ']' && strspn(u->host + 1,
		    "0123456789abcdef:.") == h - 2,
		    "an IPv6 host is lower-case hex, ':' and '.' in brackets");
	else
		CHECK(strspn(u->host, "abcdefghijklmnopqrstuvwxyz0123456789._-")
		    == h, "a host name is lower-case letters, digits, ._-");
	if (u->explicit_port)
		CHECK(u->port >= 0 && u->port <= 65535, "a port is 0 to 65535");
	else
		CHECK(u->port == -1 || u->port == 443 || u->port == 80 ||
		    u->port == 22 || u->port == 9418, "a default port");
	CHECK(u->userinfo == url_has_userinfo(s),
	    "userinfo as url_has_userinfo() says");
}

/* ASCII case changes nothing that url_parse() reads. */
static void
check_case(const char *s, const struct url *u)
{
	size_t n = strlen(s);
	char *up = malloc(n + 1);
	struct url v;

	CHECK(up != NULL, "malloc");
	for (size_t i = 0; i <= n; i++)
		up[i] = s[i] >= 'a' && s[i] <= 'z' ? (char)(s[i] - 32) : s[i];
	CHECK(url_parse(&v, up) == NULL && same_parts(u, &v) &&
	    v.userinfo == u->userinfo, "upper case parses the same");
	CHECK(url_allowed(up) == url_allowed(s),
	    "upper case is allowed the same");
	free(up);
}

/* "scheme://host:port/" parses back to the same parts. */
static void
check_read_back(const char *s, const struct url *u)
{
	char again[URL_MAX_SCHEME + URL_MAX_HOST + 16];
	struct url v;

	if (u->port >= 0)
		snprintf(again, sizeof(again), "%s://%s:%d/", u->scheme,
		    u->host, u->port);
	else
		snprintf(again, sizeof(again), "%s://%s/", u->scheme, u->host);
	CHECK(url_parse(&v, again) == NULL && same_parts(u, &v) &&
	    !v.userinfo, "the parts read back");
	CHECK(url_same_origin(s, again) == is_web(u),
	    "an http(s) URL is of the origin of its parts");
}

static void
check_one(const char *s)
{
	struct url u;
	const char *why = url_parse(&u, s);
	int allowed = url_allowed(s);

	if (why != NULL) {
		CHECK(why[0] != '\0', "a refusal says why");
		CHECK(!allowed, "an unparsable URL is not allowed");
		CHECK(!url_same_origin(s, s),
		    "an unparsable URL has no origin");
		return;
	}
	check_grammar(s, &u);
	check_case(s, &u);
	check_read_back(s, &u);
	CHECK(allowed == (!u.userinfo && (strcmp(u.scheme, "https") == 0 ||
	    (strcmp(u.scheme, "http") == 0 && (strcmp(u.host, "127.0.0.1") ==
	    0 || strcmp(u.host, "localhost") == 0 ||
	    strcmp(u.host, "[::1]") == 0)))), "url_allowed() is the rule");
	CHECK(url_is_loopback(&u) == (strcmp(u.host, "127.0.0.1") == 0 ||
	    strcmp(u.host, "localhost") == 0 || strcmp(u.host, "[::1]") == 0),
	    "loopback is three hosts");
	CHECK(url_same_origin(s, s) == is_web(&u),
	    "an http(s) URL is of its own origin");
}

static void
check_pair(const char *a, const char *b)
{
	struct url ua, ub;
	int same = url_same_origin(a, b);

	CHECK(same == url_same_origin(b, a), "same origin is symmetric");
	CHECK(same == (url_parse(&ua, a) == NULL && url_parse(&ub, b) == NULL &&
	    is_web(&ua) && is_web(&ub) && same_parts(&ua, &ub)),
	    "same origin is same scheme, host and port");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *field[MAX_FIELDS], *copy;
	size_t nfields;

	copy = check_split_fields(data, size, field, MAX_FIELDS, &nfields);
	for (size_t i = 0; i < nfields; i++) {
		check_one(field[i]);
		check_pair(field[i], field[(i + 1) % nfields]);
	}
	free(copy);
	return 0;
}
