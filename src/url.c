/*
 * url.c - the URL rules of url.h: a strict parser of the authority, and
 * the loopback, allowed and same-origin rules built on it.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "url.h"

static const char bad_chars[] = "must not contain spaces or control "
    "characters";
static const char not_a_url[] = "is not a URL (scheme://host/...)";
static const char no_host[] = "has no host";
static const char bad_host[] = "has a host that is neither a name (letters, "
    "digits, '.', '-', '_') nor an IPv6 address in brackets";
static const char long_host[] = "has a host longer than 255 bytes";
static const char bad_port[] = "has a port that is not a number from 0 to "
    "65535";
static const char two_ats[] = "holds more than one '@' before the host";

static const char name_chars[] = "abcdefghijklmnopqrstuvwxyz"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_";

static int
is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static char
lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Copies n bytes of s into dst (of n + 1 bytes or more), lower-cased. */
static void
copy_lower(char *dst, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dst[i] = lower(s[i]);
	dst[n] = '\0';
}

/* The length of the scheme at the start of s, 0 when there is none. */
static size_t
scheme_len(const char *s)
{
	size_t n = 0;

	if (!is_alpha(s[0]))
		return 0;
	while (is_alpha(s[n]) || is_digit(s[n]) || s[n] == '+' ||
	    s[n] == '-' || s[n] == '.')
		n++;
	return n;
}

static int
default_port(const char *scheme)
{
	static const struct {
		const char *scheme;
		int port;
	} ports[] = {
		{ "https", 443 }, { "http", 80 }, { "ssh", 22 },
		{ "git", 9418 },
	};

	for (size_t i = 0; i < sizeof(ports) / sizeof(ports[0]); i++)
		if (strcmp(scheme, ports[i].scheme) == 0)
			return ports[i].port;
	return -1;
}

/*
 * Reads the IPv6 literal "[...]" in [s, end) into out->host in canonical
 * form; *after is set past the ']'.  Returns NULL or what is wrong.
 */
static const char *
parse_ipv6(struct url *out, const char *s, const char *end,
    const char **after)
{
	char text[INET6_ADDRSTRLEN], canon[INET6_ADDRSTRLEN];
	const char *close = memchr(s, ']', (size_t)(end - s));
	struct in6_addr addr;
	size_t n;

	if (close == NULL)
		return bad_host;
	n = (size_t)(close - s - 1);
	/* inet_pton() takes a zone id ("%25eth0") nowhere: it stays out. */
	if (n == 0 || n >= sizeof(text) ||
	    strspn(s + 1, "0123456789abcdefABCDEF:.") < n)
		return bad_host;
	memcpy(text, s + 1, n);
	text[n] = '\0';
	if (inet_pton(AF_INET6, text, &addr) != 1 ||
	    inet_ntop(AF_INET6, &addr, canon, sizeof(canon)) == NULL)
		return bad_host;
	snprintf(out->host, sizeof(out->host), "[%s]", canon);
	*after = close + 1;
	return NULL;
}

/* Reads the port after the ':' in [s, end).  Returns NULL or what is wrong. */
static const char *
parse_port(struct url *out, const char *s, const char *end)
{
	long port = 0;

	if (s == end)
		return NULL;		/* "host:" is the default port */
	for (const char *p = s; p < end; p++) {
		if (!is_digit(*p))
			return bad_port;
		port = port * 10 + (*p - '0');
		if (port > 65535)
			return bad_port;
	}
	out->port = (int)port;
	out->explicit_port = 1;
	return NULL;
}

const char *
url_parse(struct url *out, const char *s)
{
	const char *auth, *end, *at, *host, *p;
	const char *why;
	size_t n;

	memset(out, 0, sizeof(*out));
	out->port = -1;
	for (p = s; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return bad_chars;
	n = scheme_len(s);
	if (n == 0 || n > URL_MAX_SCHEME || strncmp(s + n, "://", 3) != 0)
		return not_a_url;
	copy_lower(out->scheme, s, n);

	auth = s + n + 3;
	end = auth + strcspn(auth, "/?#");
	host = auth;
	if ((at = memchr(auth, '@', (size_t)(end - auth))) != NULL) {
		/* Which '@' ends the user name is where parsers disagree. */
		if (memchr(at + 1, '@', (size_t)(end - at - 1)) != NULL)
			return two_ats;
		out->userinfo = 1;
		host = at + 1;
	}
	if (host == end || *host == ':')
		return no_host;
	if (*host == '[') {
		if ((why = parse_ipv6(out, host, end, &p)) != NULL)
			return why;
	} else {
		/* No byte that ends the authority is a name's. */
		n = strspn(host, name_chars);
		p = host + n;
		if (n > URL_MAX_HOST)
			return long_host;
		copy_lower(out->host, host, n);
	}
	if (p < end && *p != ':')
		return bad_host;
	if (p < end && (why = parse_port(out, p + 1, end)) != NULL)
		return why;
	if (!out->explicit_port)
		out->port = default_port(out->scheme);
	return NULL;
}

int
url_has_userinfo(const char *s)
{
	const char *auth = strstr(s, "://");

	if (auth == NULL)
		return 0;
	auth += 3;
	return memchr(auth, '@', strcspn(auth, "/?#")) != NULL;
}

int
url_is_loopback(const struct url *u)
{
	static const char *const hosts[] = { "127.0.0.1", "localhost",
	    "[::1]", NULL };

	for (const char *const *h = hosts; *h != NULL; h++)
		if (strcmp(u->host, *h) == 0)
			return 1;
	return 0;
}

int
url_allowed(const char *s)
{
	struct url u;

	if (url_parse(&u, s) != NULL || u.userinfo)
		return 0;
	return strcmp(u.scheme, "https") == 0 ||
	    (strcmp(u.scheme, "http") == 0 && url_is_loopback(&u));
}

/* Parses s; returns whether it is an http or https URL. */
static int
parse_web(struct url *u, const char *s)
{
	return url_parse(u, s) == NULL && (strcmp(u->scheme, "https") == 0 ||
	    strcmp(u->scheme, "http") == 0);
}

int
url_same_origin(const char *a, const char *b)
{
	struct url ua, ub;

	return parse_web(&ua, a) && parse_web(&ub, b) &&
	    strcmp(ua.scheme, ub.scheme) == 0 &&
	    strcmp(ua.host, ub.host) == 0 && ua.port == ub.port;
}
