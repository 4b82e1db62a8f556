/*
 * check.c - the fuzz targets' assertions (see check.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

void
check_failed(const char *file, int line, const char *what)
{
	fprintf(stderr, "fuzz check failed: %s:%d: %s\n", file, line, what);
	abort();
}

int
check_utf8(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, len, k;
	unsigned long cp;

	while (i < n) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if (p[i] >= 0xc2 && p[i] <= 0xdf) {
			len = 2;
			cp = p[i] & 0x1f;
		} else if (p[i] >= 0xe0 && p[i] <= 0xef) {
			len = 3;
			cp = p[i] & 0x0f;
		} else if (p[i] >= 0xf0 && p[i] <= 0xf4) {
			len = 4;
			cp = p[i] & 0x07;
		} else
			return 0;
		if (n - i < len)
			return 0;
		for (k = 1; k < len; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (p[i + k] & 0x3f);
		}
		if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += len;
	}
	return 1;
}

int
check_has_control(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0; i < n; i++)
		if (p[i] < 0x20 || p[i] == 0x7f || (p[i] == 0xc2 &&
		    i + 1 < n && p[i + 1] >= 0x80 && p[i + 1] <= 0x9f))
			return 1;
	return 0;
}

char *
check_split_fields(const unsigned char *data, size_t size, char **field,
    size_t max, size_t *n)
{
	char *copy = malloc(size + 1);
	size_t at = 0;

	CHECK(copy != NULL, "malloc");
	memcpy(copy, data, size);
	copy[size] = '\0';
	*n = 0;
	while (*n < max) {
		field[(*n)++] = copy + at;
		at += strlen(copy + at) + 1;
		if (at > size)
			break;
	}
	return copy;
}
