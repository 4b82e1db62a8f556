/*
 * test_url.c - the URL rules of url.c: what the parser reads and refuses,
 * which URLs may be asked, which hosts are loopback, which URLs share an
 * origin (and so may receive the token).  Good, bad and hostile inputs side
 * by side; each rule has a case that must fail.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "url.h"

#define API "https://api.github.com"
#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------ url_parse */

struct parse_case {
	const char *url;
	const char *scheme;	/* NULL: must be refused */
	const char *host;
	int port;
	int explicit_port;
	int userinfo;
};

static const struct parse_case parse_cases[] = {
	/* Scheme and host are case-insensitive, kept in lower case. */
	{ "https://api.github.com", "https", "api.github.com", 443, 0, 0 },
	{ "HTTPS://API.GitHub.COM/x", "https", "api.github.com", 443, 0, 0 },
	{ "hTtP://LocalHost/", "http", "localhost", 80, 0, 0 },
	{ "ssh://git@host/d.git", "ssh", "host", 22, 0, 1 },
	{ "git://host/d.git", "git", "host", 9418, 0, 0 },
	{ "svn+ssh://host/x", "svn+ssh", "host", -1, 0, 0 },
	/* Ports: explicit, leading zeros, empty means the default. */
	{ "https://h:8443/x", "https", "h", 8443, 1, 0 },
	{ "https://h:443/x", "https", "h", 443, 1, 0 },
	{ "https://h:0443", "https", "h", 443, 1, 0 },
	{ "https://h:00000000000000000443/", "https", "h", 443, 1, 0 },
	{ "https://h:/x", "https", "h", 443, 0, 0 },
	{ "https://h:", "https", "h", 443, 0, 0 },
	{ "https://h:0", "https", "h", 0, 1, 0 },
	{ "https://h:65535", "https", "h", 65535, 1, 0 },
	/* The authority ends at '/', '?' or '#', whatever follows. */
	{ "https://h?x@evil", "https", "h", 443, 0, 0 },
	{ "https://h#@evil/", "https", "h", 443, 0, 0 },
	{ "https://h/@evil", "https", "h", 443, 0, 0 },
	{ "https://evil.com?@api.github.com/", "https", "evil.com", 443, 0, 0 },
	/* Userinfo: any '@' before the host, even an empty one. */
	{ "https://u:p@h/x", "https", "h", 443, 0, 1 },
	{ "https://u@h", "https", "h", 443, 0, 1 },
	{ "https://:p@h", "https", "h", 443, 0, 1 },
	{ "https://@h", "https", "h", 443, 0, 1 },
	{ "https://api.github.com@evil.com/", "https", "evil.com", 443, 0, 1 },
	{ "https://api.github.com\\@evil.com/", "https", "evil.com", 443, 0,
	    1 },
	{ "https://[::1]@h/", "https", "h", 443, 0, 1 },
	{ "ssh://-oProxyCommand=x@127.0.0.1:22/r", "ssh", "127.0.0.1", 22, 1,
	    1 },
	/* Names: letters, digits, '.', '-', '_'; a trailing dot is kept. */
	{ "https://a_b-c.d/", "https", "a_b-c.d", 443, 0, 0 },
	{ "http://localhost./", "http", "localhost.", 80, 0, 0 },
	{ "https://xn--nxasmq6b.com/", "https", "xn--nxasmq6b.com", 443, 0, 0 },
	{ "https://127.1/", "https", "127.1", 443, 0, 0 },
	/* IPv6 in brackets, canonical and lower case. */
	{ "http://[::1]/", "http", "[::1]", 80, 0, 0 },
	{ "http://[::1]:9/x", "http", "[::1]", 9, 1, 0 },
	{ "http://[0:0:0:0:0:0:0:1]/", "http", "[::1]", 80, 0, 0 },
	{ "http://[0000::0001]/", "http", "[::1]", 80, 0, 0 },
	{ "https://[ABCD:0::1]/", "https", "[abcd::1]", 443, 0, 0 },
	{ "https://[::ffff:127.0.0.1]/", "https", "[::ffff:127.0.0.1]", 443, 0,
	    0 },
	{ "https://[::]:/", "https", "[::]", 443, 0, 0 },
	/* Bytes above 0x7f are fine outside the authority. */
	{ "https://h/\xc3\xa9?q=\xc3\xa9#\xc3\xa9", "https", "h", 443, 0, 0 },

	/* Refused: no scheme, or not followed by exactly "//". */
	{ "", NULL, NULL, 0, 0, 0 },
	{ "not a url", NULL, NULL, 0, 0, 0 },
	{ "api.github.com/x", NULL, NULL, 0, 0, 0 },
	{ "//api.github.com/x", NULL, NULL, 0, 0, 0 },
	{ "https:api.github.com", NULL, NULL, 0, 0, 0 },
	{ "https:/api.github.com/x", NULL, NULL, 0, 0, 0 },
	{ "https:\\\\api.github.com\\x", NULL, NULL, 0, 0, 0 },
	{ "1http://h/", NULL, NULL, 0, 0, 0 },
	{ "-http://h/", NULL, NULL, 0, 0, 0 },
	{ "ht%74p://h/", NULL, NULL, 0, 0, 0 },
	{ "abcdefghijklmnop://h/", NULL, NULL, 0, 0, 0 },	/* 16 bytes */
	/* Refused: spaces and control characters, anywhere. */
	{ "https://a b/", NULL, NULL, 0, 0, 0 },
	{ "https://h/a b", NULL, NULL, 0, 0, 0 },
	{ "https://h/?a b", NULL, NULL, 0, 0, 0 },
	{ "https://h/\t", NULL, NULL, 0, 0, 0 },
	{ "https://h/\r\nX-Evil: 1", NULL, NULL, 0, 0, 0 },
	{ "https://h\x7f/", NULL, NULL, 0, 0, 0 },
	{ " https://h/", NULL, NULL, 0, 0, 0 },
	/* Refused: no host. */
	{ "https://", NULL, NULL, 0, 0, 0 },
	{ "https:///x", NULL, NULL, 0, 0, 0 },
	{ "https:///api.github.com/x", NULL, NULL, 0, 0, 0 },
	{ "https://:443/x", NULL, NULL, 0, 0, 0 },
	{ "https://u@/x", NULL, NULL, 0, 0, 0 },
	{ "https://u@:443/x", NULL, NULL, 0, 0, 0 },
	{ "file:///etc/passwd", NULL, NULL, 0, 0, 0 },
	/* Refused: two '@' (parsers disagree on which one ends the user). */
	{ "https://a@b@api.github.com/x", NULL, NULL, 0, 0, 0 },
	{ "https://u:p@ss@h/", NULL, NULL, 0, 0, 0 },
	/* Refused: a host that is not a name or [IPv6]. */
	{ "https://%61pi.github.com/x", NULL, NULL, 0, 0, 0 },
	{ "https://api%2egithub.com/x", NULL, NULL, 0, 0, 0 },
	{ "https://api.github%00.com/x", NULL, NULL, 0, 0, 0 },
	{ "https://api.github.com\\x", NULL, NULL, 0, 0, 0 },
	{ "https://api.github.com;x/y", NULL, NULL, 0, 0, 0 },
	{ "https://\xc3\xbcnicode.com/", NULL, NULL, 0, 0, 0 },
	{ "https://a~b/", NULL, NULL, 0, 0, 0 },
	{ "https://a|b/", NULL, NULL, 0, 0, 0 },
	{ "https://a*b/", NULL, NULL, 0, 0, 0 },
	{ "https://a!b/", NULL, NULL, 0, 0, 0 },
	{ "https://h[::1]/", NULL, NULL, 0, 0, 0 },
	{ "http://[::1/x", NULL, NULL, 0, 0, 0 },
	{ "http://[::1]x/", NULL, NULL, 0, 0, 0 },
	{ "http://[::1]]/", NULL, NULL, 0, 0, 0 },
	{ "http://[]/", NULL, NULL, 0, 0, 0 },
	{ "http://[:]/", NULL, NULL, 0, 0, 0 },
	{ "http://[1::2::3]/", NULL, NULL, 0, 0, 0 },
	{ "http://[12345::1]/", NULL, NULL, 0, 0, 0 },
	{ "http://[g::1]/", NULL, NULL, 0, 0, 0 },
	{ "http://[127.0.0.1]/", NULL, NULL, 0, 0, 0 },
	{ "http://[v1.x]/", NULL, NULL, 0, 0, 0 },
	{ "http://[::1%25eth0]/", NULL, NULL, 0, 0, 0 },
	{ "http://[::1%eth0]/", NULL, NULL, 0, 0, 0 },
	{ "http://[0000:0000:0000:0000:0000:0000:0000:0000:1]/", NULL, NULL, 0,
	    0, 0 },
	/* Refused: a port that is not 0 to 65535 in decimal digits. */
	{ "https://h:65536/", NULL, NULL, 0, 0, 0 },
	{ "https://h:99999999999999999999/", NULL, NULL, 0, 0, 0 },
	{ "https://h:-1/", NULL, NULL, 0, 0, 0 },
	{ "https://h:+1/", NULL, NULL, 0, 0, 0 },
	{ "https://h:0x1bb/", NULL, NULL, 0, 0, 0 },
	{ "https://h:1a/", NULL, NULL, 0, 0, 0 },
	{ "https://h:443:443/", NULL, NULL, 0, 0, 0 },
	{ "https://h::443/", NULL, NULL, 0, 0, 0 },
	{ "http://[::1]:65536/", NULL, NULL, 0, 0, 0 },
	{ "http://[::1]:x/", NULL, NULL, 0, 0, 0 },
};

static void
test_parse(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(parse_cases); i++) {
		const struct parse_case *c = &parse_cases[i];
		struct url u;
		const char *why = url_parse(&u, c->url);

		if (c->scheme == NULL) {
			if (why == NULL)
				fail_msg("\"%s\": accepted", c->url);
			continue;
		}
		if (why != NULL)
			fail_msg("\"%s\": refused: %s", c->url, why);
		assert_string_equal(u.scheme, c->scheme);
		assert_string_equal(u.host, c->host);
		if (u.port != c->port || u.explicit_port != c->explicit_port ||
		    u.userinfo != c->userinfo)
			fail_msg("\"%s\": port %d explicit %d userinfo %d",
			    c->url, u.port, u.explicit_port, u.userinfo);
	}
}

/* Each refusal says why, in words a config message can end with. */
static void
test_parse_reasons(void **state)
{
	static const struct {
		const char *url, *why;
	} cases[] = {
		{ "https://h/a b", "must not contain spaces or control" },
		{ "h/x", "is not a URL" },
		{ "https:///x.git", "has no host" },
		{ "https://a@b@h/", "more than one '@'" },
		{ "https://%61pi.github.com/", "has a host that is neither" },
		{ "http://[::1%25lo]/", "has a host that is neither" },
		{ "https://h:65536/", "has a port that is not a number from 0 "
		    "to 65535" },
	};
	struct url u;

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		const char *why = url_parse(&u, cases[i].url);
		if (why == NULL || strstr(why, cases[i].why) == NULL)
			fail_msg("\"%s\": %s", cases[i].url, why != NULL ? why :
			    "accepted");
	}
}

/* Host length: 255 bytes fit, 256 do not. */
static void
test_parse_long_host(void **state)
{
	char url[400];
	struct url u;

	(void)state;
	snprintf(url, sizeof(url), "https://%0255d/x", 0);
	assert_null(url_parse(&u, url));
	assert_int_equal(strlen(u.host), URL_MAX_HOST);
	snprintf(url, sizeof(url), "https://%0256d/x", 0);
	assert_non_null(url_parse(&u, url));
	assert_false(url_allowed(url));
	assert_false(url_same_origin(url, url));
}

/* ---------------------------------------------------- url_has_userinfo */

static void
test_has_userinfo(void **state)
{
	static const struct {
		const char *url;
		int userinfo;
	} cases[] = {
		{ "https://u:p@h/", 1 },
		{ "https://u@h", 1 },
		{ "https://@h", 1 },
		{ "https://a@b@h/", 1 },	/* unparsable, still said */
		{ "https://u:p@h:bad/", 1 },
		{ "ftp://u@h/", 1 },
		{ "https://h/", 0 },
		{ "https://h/a@b", 0 },
		{ "https://h?a@b", 0 },
		{ "https://h#a@b", 0 },
		{ "u@h:path", 0 },	/* no "://", no URL's userinfo */
		{ "", 0 },
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++)
		if (url_has_userinfo(cases[i].url) != cases[i].userinfo)
			fail_msg("\"%s\"", cases[i].url);
}

/* ------------------------------------------------------ url_is_loopback */

static void
test_loopback(void **state)
{
	static const struct {
		const char *url;
		int loopback;
	} cases[] = {
		{ "http://127.0.0.1/", 1 },
		{ "http://127.0.0.1:8080/x", 1 },
		{ "http://localhost/", 1 },
		{ "http://LOCALHOST:1/", 1 },
		{ "http://[::1]/", 1 },
		{ "http://[0:0:0:0:0:0:0:1]:9/", 1 },
		{ "http://u@localhost/", 1 },	/* the host only */
		{ "http://127.0.0.1.evil.com/", 0 },
		{ "http://localhost.evil.com/", 0 },
		{ "http://evil.com/127.0.0.1", 0 },
		{ "http://localhost:80@evil.com/", 0 },
		{ "http://127.0.0.1@evil.com/", 0 },
		{ "http://[::1]@evil.com/", 0 },
		{ "http://localhost./", 0 },
		{ "http://127.0.0.1./", 0 },
		{ "http://127.0.0.2/", 0 },
		{ "http://127.1/", 0 },
		{ "http://2130706433/", 0 },
		{ "http://0x7f000001/", 0 },
		{ "http://[::ffff:127.0.0.1]/", 0 },
		{ "http://[::2]/", 0 },
		{ "http://0.0.0.0/", 0 },
	};
	struct url u;

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		if (url_parse(&u, cases[i].url) != NULL)
			fail_msg("\"%s\": refused", cases[i].url);
		if (url_is_loopback(&u) != cases[i].loopback)
			fail_msg("\"%s\"", cases[i].url);
	}
}

/* ---------------------------------------------------------- url_allowed */

static void
test_allowed(void **state)
{
	static const struct {
		const char *url;
		int allowed;
	} cases[] = {
		{ API "/repos/a/b", 1 },
		{ "https://ghe.example.com/api/v3/x", 1 },
		{ "HTTPS://API.GITHUB.COM/x", 1 },
		{ "https://h:8443/x?page=2#f", 1 },
		{ "https://127.0.0.1:8443", 1 },
		{ "https://[2001:db8::1]/x", 1 },
		{ "http://127.0.0.1:8080/x", 1 },
		{ "http://localhost/x", 1 },
		{ "HTTP://LocalHost/x", 1 },
		{ "http://[::1]:9/x", 1 },
		{ "http://[0:0:0:0:0:0:0:1]/x", 1 },
		/* Plain http off loopback. */
		{ "http://api.github.com/x", 0 },
		{ "http://127.0.0.1.evil.com/x", 0 },
		{ "http://localhost.evil.com/x", 0 },
		{ "http://localhost./x", 0 },
		{ "http://127.1/x", 0 },
		{ "http://0x7f000001/x", 0 },
		{ "http://[::ffff:127.0.0.1]/x", 0 },
		{ "http://[::1%25lo]/x", 0 },
		{ "http://localhost:80@evil.com/x", 0 },
		/* Other schemes. */
		{ "ftp://127.0.0.1/x", 0 },
		{ "file:///etc/passwd", 0 },
		{ "ws://localhost/x", 0 },
		{ "gopher://127.0.0.1/x", 0 },
		{ "httpx://h/", 0 },
		/* Credentials, even empty ones. */
		{ "https://user:pw@api.github.com/x", 0 },
		{ "https://longusername@api.github.com/x", 0 },
		{ "https://:password@api.github.com/x", 0 },
		{ "https://@api.github.com/x", 0 },
		{ "https://:@api.github.com/x", 0 },
		{ "http://u:p@127.0.0.1/x", 0 },
		{ "https://api.github.com@evil.com/x", 0 },
		/* Malformed. */
		{ "https:/api.github.com/x", 0 },
		{ "https:///api.github.com/x", 0 },
		{ "https://%61pi.github.com/x", 0 },
		{ "https://h:65536/", 0 },
		{ "https://h/a b", 0 },
		{ "https://h/\r\nX: y", 0 },
		{ "not a url", 0 },
		{ "", 0 },
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++)
		if (url_allowed(cases[i].url) != cases[i].allowed)
			fail_msg("\"%s\": %s", cases[i].url, cases[i].allowed ?
			    "refused" : "allowed");
}

/* ------------------------------------------------------ url_same_origin */

static void
test_same_origin(void **state)
{
	static const struct {
		const char *a, *b;
		int same;
	} cases[] = {
		{ API, API "/repos/a/b?page=2", 1 },
		{ API, "https://API.GitHub.com:443/x", 1 },
		{ API, "HTTPS://api.github.com:0443", 1 },
		{ API, "https://api.github.com:/x", 1 },
		{ API, API "#frag", 1 },
		{ "http://127.0.0.1:8080", "http://127.0.0.1:8080/x", 1 },
		{ "http://localhost", "http://LOCALHOST:80/", 1 },
		{ "https://[::1]:1", "https://[0::1]:1/x", 1 },
		/* The origin is scheme, host, port: userinfo is no part. */
		{ API, "https://u@api.github.com/x", 1 },
		{ API, "https://api.github.com:8443/x", 0 },
		{ API, "http://api.github.com/x", 0 },
		{ API, "http://api.github.com:443/x", 0 },
		{ API, "https://api.github.com.evil/x", 0 },
		{ API, "https://api.github.com./x", 0 },
		{ API, "https://evil.com/api.github.com", 0 },
		{ API, "https://evil.com?@api.github.com", 0 },
		{ API, "https://evil.com#@api.github.com", 0 },
		{ API, "https://api.github.com@evil.com/", 0 },
		{ API, "https://api.github.com\\@evil.com/", 0 },
		{ API, "https://%61pi.github.com/", 0 },
		{ API, "https:/api.github.com/", 0 },
		{ API, "https:///api.github.com/", 0 },
		{ API, "https://a@b@api.github.com/", 0 },
		{ "https://127.0.0.1:1", "https://localhost:1/", 0 },
		{ "https://127.0.0.1:1", "https://127.1:1/", 0 },
		{ "https://[::1]:1", "https://[::2]:1/", 0 },
		{ API, "garbage", 0 },
		{ API, "", 0 },
		{ "", "", 0 },
		/* Only http and https have an origin here. */
		{ "ftp://127.0.0.1/", "ftp://127.0.0.1/", 0 },
		{ "ssh://h/", "ssh://h/", 0 },
		{ "file:///x", "file:///x", 0 },
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		const char *a = cases[i].a, *b = cases[i].b;
		if (url_same_origin(a, b) != cases[i].same ||
		    url_same_origin(b, a) != cases[i].same)
			fail_msg("\"%s\" and \"%s\": %s", a, b, cases[i].same ?
			    "not the same origin" : "the same origin");
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_reasons),
		cmocka_unit_test(test_parse_long_host),
		cmocka_unit_test(test_has_userinfo),
		cmocka_unit_test(test_loopback),
		cmocka_unit_test(test_allowed),
		cmocka_unit_test(test_same_origin),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
