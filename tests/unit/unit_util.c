/*
 * unit_util.c - helpers the cmocka unit suites share (unit_util.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>

#include <cmocka.h>

#include "config.h"
#include "state.h"
#include "util.h"
#include "unit_util.h"

int
ut_make_temp_dir(char *dir, size_t size, const char *name)
{
	int n = snprintf(dir, size, "/tmp/dsm-test-%s-XXXXXX", name);

	if (n < 0 || (size_t)n >= size)
		return -1;
	return mkdtemp(dir) == NULL ? -1 : 0;
}

int
ut_remove_dir(const char *path)
{
	struct dsm_error *err = util_remove_tree(path);
	int rc = err == NULL ? 0 : -1;

	dsm_error_free(err);
	return rc;
}

void
ut_write_bytes(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

void
ut_write_file(const char *path, const char *text)
{
	ut_write_bytes(path, text, strlen(text));
}

char *
ut_read_file(const char *path, size_t *len)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = fopen(path, "rb"), *m;
	int c;

	if (f == NULL)
		return NULL;
	m = open_memstream(&buf, &n);
	assert_non_null(m);
	while ((c = fgetc(f)) != EOF)
		fputc(c, m);
	fclose(f);
	assert_int_equal(fclose(m), 0);
	if (len != NULL)
		*len = n;
	return buf;
}

char *
ut_slurp(const char *path)
{
	char *text = ut_read_file(path, NULL);

	assert_non_null(text);
	return text;
}

char *
ut_xstrdup(const char *s)
{
	char *d = strdup(s);

	assert_non_null(d);
	return d;
}

json_t *
ut_parse(const char *text)
{
	json_error_t e;
	json_t *v = json_loads(text, 0, &e);

	if (v == NULL)
		fail_msg("bad test JSON: %s: %s", e.text, text);
	return v;
}

void
ut_expect_contains(const char *text, const char *want)
{
	if (text == NULL || strstr(text, want) == NULL)
		fail_msg("want \"%s\" in:\n%s", want, text != NULL ? text :
		    "(nothing)");
}

int
ut_count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (strstr(e->d_name, ".tmp") != NULL)
			fail_msg("temporary file left: %s/%s", dir, e->d_name);
		n++;
	}
	closedir(d);
	return n;
}

json_t *
ut_state_on_disk(const char *root, const char *name)
{
	char *p = util_printf("%s/%s/%s.json", root, STATE_DIR, name);
	json_t *v;

	assert_non_null(p);
	v = json_load_file(p, 0, NULL);
	free(p);
	return v;
}

/* 0 when err is NULL; else says err on stderr, frees it and gives -1. */
static int
config_said(struct dsm_error *err)
{
	if (err == NULL)
		return 0;
	fprintf(stderr, "%s\n", err->msg);
	dsm_error_free(err);
	return -1;
}

int
ut_config_parse(struct config **cfg, const char *text)
{
	return config_said(config_parse(cfg, "m.json", text, strlen(text)));
}

int
ut_config_load(struct config **cfg, const char *path)
{
	return config_said(config_load(cfg, path));
}
