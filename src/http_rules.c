/*
 * http_rules.c - the pure half of http.h: header values (the Link header's
 * next page, rate-limit counts), the token's form, and the origin the token
 * may go to.  No libcurl and no I/O, so that the unit tests and the fuzzers
 * reach these rules without the client.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http.h"
#include "url.h"

long long
http_parse_count(const char *value)
{
	size_t n;

	if (value == NULL)
		return -1;
	while (*value == ' ' || *value == '\t')
		value++;
	n = strspn(value, "0123456789");
	if (n == 0 || n > 18 || value[n + strspn(value + n, " \t")] != '\0')
		return -1;
	return strtoll(value, NULL, 10);
}

static const char *
skip_space(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* Returns whether the rel value [v, v+n) has "next" among its words. */
static int
rel_has_next(const char *v, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t start, len;
		while (i < n && (v[i] == ' ' || v[i] == '\t'))
			i++;
		start = i;
		while (i < n && v[i] != ' ' && v[i] != '\t')
			i++;
		len = i - start;
		if (len == 4 && strncasecmp(v + start, "next", 4) == 0)
			return 1;
	}
	return 0;
}

/*
 * RFC 8288: link-value = "<" URI-Reference ">" *( ";" link-param ), the
 * values separated by commas; a param is token [ "=" ( token /
 * quoted-string ) ].
 */
int
http_link_next(const char *value, char **out)
{
	const char *s = value;

	*out = NULL;
	for (;;) {
		const char *url, *end;
		size_t urllen;
		int next = 0;

		s = skip_space(s);
		while (*s == ',')
			s = skip_space(s + 1);
		if (*s == '\0')
			return 0;
		if (*s != '<' || (end = strchr(s + 1, '>')) == NULL)
			goto malformed;
		url = s + 1;
		urllen = (size_t)(end - url);
		s = skip_space(end + 1);
		while (*s == ';') {
			const char *name = skip_space(s + 1), *val;
			size_t namelen = strcspn(name, "=;, \t"), vallen = 0;
			if (namelen == 0)
				goto malformed;
			s = skip_space(name + namelen);
			val = s;
			if (*s == '=') {
				s = skip_space(s + 1);
				if (*s == '"') {
					const char *q = strchr(s + 1, '"');
					if (q == NULL)
						goto malformed;
					val = s + 1;
					vallen = (size_t)(q - val);
					s = q + 1;
				} else {
					val = s;
					vallen = strcspn(s, ";, \t");
					s += vallen;
				}
			}
			if (namelen == 3 && strncasecmp(name, "rel", 3) == 0 &&
			    rel_has_next(val, vallen))
				next = 1;
			s = skip_space(s);
		}
		if (*s != ',' && *s != '\0')
			goto malformed;
		if (next && *out == NULL) {
			if (urllen == 0)
				goto malformed;
			if ((*out = strndup(url, urllen)) == NULL)
				goto malformed;
		}
	}
malformed:
	/* The next link may come before a malformed value: no half answer. */
	free(*out);
	*out = NULL;
	return -1;
}

int
http_token_is_valid(const char *t)
{
	size_t n = strlen(t);

	if (n == 0 || n > HTTP_MAX_TOKEN)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (t[i] <= ' ' || t[i] >= 0x7f)
			return 0;
	return 1;
}

int
http_same_origin(const char *a, const char *b)
{
	return url_same_origin(a, b);
}
