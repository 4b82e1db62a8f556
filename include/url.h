/*
 * url.h - the URL rules: which URL may be asked, which host is loopback,
 * which two URLs share an origin (and so the token).
 *
 * Pure: no libcurl, no I/O.  config.c checks mirrors.json's "url" and "api"
 * with these rules, and http.c checks every request and every redirect with
 * the same ones, so an api that loads is an api that can be asked.
 *
 * The grammar, "scheme://authority[/path][?query][#fragment]", is stricter
 * than libcurl's wherever the two differ, never more lenient, so that a URL
 * passed here means the same host to libcurl:
 *  - no byte below 0x21 and no DEL anywhere (no space, no control);
 *  - scheme: a letter, then letters, digits, '+', '-' or '.', at most
 *    URL_MAX_SCHEME bytes, case-insensitive, then exactly "//";
 *  - authority: from there to the first '/', '?', '#' or the end, as
 *    [userinfo "@"] host [":" [port]], with at most one '@';
 *  - host: a name of letters, digits, '.', '-' and '_', at most
 *    URL_MAX_HOST bytes, case-insensitive ("localhost." with its trailing
 *    dot is another host; no percent-encoding, no other byte: an IDN name
 *    is written in its xn-- form); or an IPv6 address in brackets, which
 *    is compared in its canonical form ([0:0::1] is [::1]; no zone id);
 *  - port: decimal digits (leading zeros allowed) from 0 to 65535; empty
 *    or absent, the scheme's default: https 443, http 80, ssh 22,
 *    git 9418, else unknown.
 * The path, query and fragment are not looked at beyond the first rule.
 */
#ifndef DSM_URL_H
#define DSM_URL_H

#define URL_MAX_SCHEME	15
#define URL_MAX_HOST	255

/* A URL's parts as url_parse() reads them. */
struct url {
	char scheme[URL_MAX_SCHEME + 1];	/* lower case */
	char host[URL_MAX_HOST + 1];	/* lower case; IPv6 in brackets */
	int port;		/* given, else the scheme's default, or -1 */
	int explicit_port;	/* the URL gives a port */
	int userinfo;		/* a user or password, even empty ("@") */
};

/*
 * Parses s (not NULL) by the grammar above into *out.  Returns NULL, or a
 * phrase saying what is wrong, for a message ("has no host"): a static
 * string, never freed.  On failure *out is not to be used.
 */
const char *url_parse(struct url *out, const char *s);

/*
 * Returns whether the authority of s (after its first "://", up to the
 * first '/', '?', '#' or the end) holds an '@', i.e. a user name or a
 * password, even an empty one; 0 when s has no "://".  Looks no further,
 * so it also answers for what url_parse() refuses.
 */
int url_has_userinfo(const char *s);

/* Returns whether u's host is loopback: 127.0.0.1, localhost or [::1]. */
int url_is_loopback(const struct url *u);

/*
 * Returns whether s may be asked: it parses, holds no user name or
 * password, and is https, or http to a loopback host.  The rule for
 * mirrors.json's "api" and for every request and redirect of http.c.
 */
int url_allowed(const char *s);

/*
 * Returns whether a and b are http or https URLs that parse and have the
 * same scheme, host and port (the default one when not given): the URLs
 * that may receive the token of an API base.  Symmetric.
 */
int url_same_origin(const char *a, const char *b);

#endif
