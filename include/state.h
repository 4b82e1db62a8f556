/*
 * state.h - what dsmirror records about each repo between runs.
 *
 * One JSON file per repo, <root>/.dsmirror/<name>.json (format in
 * docs/state.md), written atomically: a reader sees the old file or the new
 * one.  Each command replaces only its own section ("releases", ...).  The
 * state is a record, not a mirror: a file that cannot be read is set aside
 * as <name>.json.corrupt and started afresh, with a note saying so.
 */
#ifndef DSM_STATE_H
#define DSM_STATE_H

#include <jansson.h>

#include "error.h"

#define STATE_VERSION	1
#define STATE_DIR	".dsmirror"
#define STATE_MAX_SIZE	(64 * 1024 * 1024)

/*
 * Loads the state of repo name into *out (a new object; {"version": 1}
 * when there is none).  When the file was unreadable, sets *note to a
 * message for the report (caller frees), else to NULL.  Returns an error
 * only when out of memory or when the folder cannot be read at all.
 */
struct dsm_error *state_load(const char *root, const char *name, json_t **out,
    char **note);

/*
 * Reads the state of repo name without changing anything on disk (for
 * status): *out is NULL when there is none, and *note says why when the
 * file is unreadable.
 */
struct dsm_error *state_read(const char *root, const char *name, json_t **out,
    char **note);

/*
 * Writes the state of repo name atomically.  The rename becomes durable
 * with state_sync(), which a run calls once after its saves.
 */
struct dsm_error *state_save(const char *root, const char *name,
    const json_t *state);

/* fsyncs the state folder: every state_save() before it is durable. */
struct dsm_error *state_sync(const char *root);

#endif
