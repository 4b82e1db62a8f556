/*
 * util.h - small helpers shared by every module: strings, paths, time and
 * files.  Nothing here knows about git, HTTP or mirrors.json.
 */
#ifndef DSM_UTIL_H
#define DSM_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "error.h"

/* Returns a newly allocated formatted string, or NULL when out of memory. */
char *util_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A growing buffer, kept NUL-terminated (its data may hold NULs too). */
struct util_buf {
	char *data;
	size_t len, cap;
};

/*
 * Appends n bytes to b unless that would make it longer than max bytes.
 * Returns 0, or -1 (too long, or out of memory: b as it was).
 */
int util_buf_append(struct util_buf *b, const void *data, size_t n,
    size_t max);


/* Returns "a/b" (no doubled slash), or NULL when out of memory. */
char *util_path_join(const char *a, const char *b);

/* Creates path and its missing parents with the given mode (like mkdir -p). */
struct dsm_error *util_mkdir_p(const char *path, unsigned mode);

/* Removes path and everything below it, never following symbolic links. */
struct dsm_error *util_remove_tree(const char *path);

/* fsync()s a directory so that a rename or a new entry in it is durable. */
struct dsm_error *util_fsync_dir(const char *path);

/* fsync()s every file and folder below path, and path itself. */
struct dsm_error *util_fsync_tree(const char *path);

/*
 * Writes len bytes of data to path atomically: a temporary file in the same
 * directory, fsync, rename, fsync of the directory.  A reader sees either the
 * old file or the new one, never a part.  mode is that of a new file.
 */
struct dsm_error *util_write_atomic(const char *path, const void *data,
    size_t len, unsigned mode);

/*
 * The first half of util_write_atomic(), for a batch of files made durable
 * together (state.h): writes len bytes of data to a new temporary file
 * beside path (path.tmp-XXXXXX, of mode mode), neither fsynced nor renamed,
 * and sets *tmp to its name (caller frees; and renames or unlinks the
 * file).  On failure *tmp is NULL and nothing is left behind.
 */
struct dsm_error *util_write_temp(const char *path, const void *data,
    size_t len, unsigned mode, char **tmp);

/* Seconds on the monotonic clock, for durations and timeouts. */
double util_now(void);

/*
 * For the crash tests: kills this process (SIGKILL, as kill -9 would) when
 * the environment's DSMIRROR_TEST_KILL names this point.  A point marks a
 * moment between two writes that a crash must survive (maint.c lists its
 * own); without the variable it does nothing.  "<point>:pause" instead
 * holds the process at that point until a signal ends it, so that a test
 * can interrupt the run (SIGTERM to dsmirror) at that exact moment.
 */
void util_kill_point(const char *name);

/* Writes t as "20261123T101500Z" (UTC) into buf, which must hold 17 bytes. */
void util_utc_stamp(char buf[17], time_t t);

/* Writes t as "2026-11-23T10:15:00Z" (UTC) into buf, which holds 21 bytes. */
void util_iso_time(char buf[21], time_t t);

/*
 * Copies src into dst (of size dstsize, at least 1) replacing every control
 * character (C0, DEL, C1) and every byte that is not part of well-formed
 * UTF-8 by '?', so that text from a server or a file can be shown on a
 * terminal; a text too long is cut between characters.  Returns dst.
 */
char *util_sanitize(char *dst, size_t dstsize, const char *src);

/* Formats a byte count as "12.3 MiB" into buf of size bufsize. Returns buf. */
char *util_human_bytes(char *buf, size_t bufsize, double bytes);

#endif
