/*
 * unit_util.h - helpers the cmocka unit suites share: temporary folders,
 * whole files, test JSON and configurations.  Each one fails the running
 * test (cmocka) where its contract says so.
 */
#ifndef DSM_UNIT_UTIL_H
#define DSM_UNIT_UTIL_H

#include <stddef.h>

#include <jansson.h>

struct config;

/* Makes /tmp/dsm-test-<name>-XXXXXX into dir (size bytes); 0, or -1. */
int ut_make_temp_dir(char *dir, size_t size, const char *name);

/* Removes the tree at path; 0, or -1 (the error freed) when it cannot. */
int ut_remove_dir(const char *path);

/* Writes len bytes of data as the whole of path; fails the test if not. */
void ut_write_bytes(const char *path, const void *data, size_t len);

/* Writes the string text as the whole of path; fails the test if not. */
void ut_write_file(const char *path, const char *text);

/* path's bytes, NUL-ended (count in *len if len), or NULL if not opened. */
char *ut_read_file(const char *path, size_t *len);

/* The text of path, NUL-terminated; fails the test when it cannot be read. */
char *ut_slurp(const char *path);

/* A copy of s; fails the test when out of memory. */
char *ut_xstrdup(const char *s);

/* The JSON value of text; fails the test (saying why) when it is not JSON. */
json_t *ut_parse(const char *text);

/* Fails the test unless text is not NULL and holds want. */
void ut_expect_contains(const char *text, const char *want);

/* The entries of dir besides . and ..; fails the test on a *.tmp entry. */
int ut_count_entries(const char *dir);

/* The state file of repo name below the mirror root as on disk, or NULL. */
json_t *ut_state_on_disk(const char *root, const char *name);

/* Parses config text (named m.json) into *cfg; 0, or -1 said on stderr. */
int ut_config_parse(struct config **cfg, const char *text);

/* Loads the config file path into *cfg; 0, or -1 said on stderr. */
int ut_config_load(struct config **cfg, const char *path);

#endif
