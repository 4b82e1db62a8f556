/*
 * fuzz_http_headers.c - the pure rules of http.h (http_rules.c) on
 * arbitrary header values and URLs: http_link_next(), http_parse_count(),
 * http_token_is_valid() and http_same_origin(), and url.h's url_allowed(),
 * which http.c applies to a next page as to every request.  No libcurl is
 * linked.
 *
 * The input is split at NUL bytes into fields (a header value never holds
 * one).  Every field goes through each one-argument function; the first
 * two fields, and a Link header's next URL with the first field, go
 * through http_same_origin() as read_list() in github.c compares a next
 * page with the API base.  Checked: http.h's contracts, and the rules
 * restated simply (a count is decimal digits, a token printable ASCII).
 * fuzz_url checks the URL rules themselves.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check.h"
#include "http.h"
#include "url.h"

#define MAX_FIELDS 8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_link(const char *value, const char *api)
{
	char *next = (char *)1;
	int rc = http_link_next(value, &next);

	CHECK(rc == 0 || rc == -1, "0 or -1");
	if (rc == -1) {
		/* http.h: -1 gives nothing to free */
		CHECK(next == NULL, "*out is NULL when the value is malformed");
		return;
	}
	if (next != NULL) {
		CHECK(next[0] != '\0' && strchr(next, '>') == NULL,
		    "the next URL is what was between < and >");
		CHECK(strstr(value, next) != NULL, "the URL is from the value");
		(void)url_allowed(next);
		CHECK(http_same_origin(next, api) ==
		    http_same_origin(api, next), "same origin is symmetric");
	}
	free(next);
}

static void
check_count(const char *value)
{
	long long n = http_parse_count(value);
	const char *p = value + strspn(value, " \t");
	size_t digits = strspn(p, "0123456789");
	char again[32];

	if (n == -1)
		return;
	CHECK(n >= 0 && digits > 0 && digits <= 18 &&
	    p[digits + strspn(p + digits, " \t")] == '\0',
	    "a count is 1 to 18 digits between blanks");
	snprintf(again, sizeof(again), "%lld", n);
	CHECK(http_parse_count(again) == n, "a count reads back");
}

static void
check_token(const char *t)
{
	size_t n = strlen(t), k;

	for (k = 0; k < n && t[k] > ' ' && t[k] < 0x7f; k++)
		;
	CHECK(http_token_is_valid(t) == (n >= 1 && n <= HTTP_MAX_TOKEN &&
	    k == n), "a token is 1 to HTTP_MAX_TOKEN printable bytes");
}

static void
check_url(const char *url)
{
	int ok = url_allowed(url);

	CHECK(ok == 0 || ok == 1, "0 or 1");
	if (ok)
		CHECK(strncasecmp(url, "http", 4) == 0,
		    "an allowed URL is http or https");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *field[MAX_FIELDS], *copy;
	size_t nfields;

	copy = check_split_fields(data, size, field, MAX_FIELDS, &nfields);
	for (size_t i = 0; i < nfields; i++) {
		const char *api = field[i + 1 < nfields ? i + 1 : 0];

		check_link(field[i], api);
		check_count(field[i]);
		check_token(field[i]);
		check_url(field[i]);
		CHECK(http_same_origin(field[i], api) == http_same_origin(api,
		    field[i]), "same origin is symmetric");
	}
	free(copy);
	return 0;
}
