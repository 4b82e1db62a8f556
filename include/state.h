/*
 * state.h - what dsmirror records about each repo between runs.
 *
 * One JSON file per repo, <root>/.dsmirror/<name>.json (format in
 * docs/state.md), written atomically, a run's files together (below): a
 * reader sees the old file or the new one.  Each command replaces only its own section ("releases", ...).  The
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
 * A run's state writes, made durable together (record.c writes each state
 * once per run through one batch).  Every file is replaced whole: a reader,
 * or a run killed at any moment, sees the old file or the new one, never a
 * part.  The new states go into temporary files beside their files
 * (<name>.json.tmp-XXXXXX), then one syncfs() of the state folder's
 * filesystem makes them durable (an fsync of each when it fails, or for a
 * single file), each is renamed over its file, and the folder is fsynced:
 * two sync calls for the run, not one per file.  The crash tests kill a
 * commit (util_kill_point) at state-temps-written (no file renamed yet),
 * state-half-renamed (the first of several renamed) and state-renamed
 * (all renamed, the folder not yet fsynced).
 */
struct state_batch;

/*
 * Starts a batch in root, whose lock (lock.h) the caller holds: first
 * removes the temporary files a batch killed before its renames left in
 * the state folder.  Returns an error only when out of memory.
 */
struct dsm_error *state_batch_new(const char *root, struct state_batch **out);

/*
 * Writes the state of repo name into a temporary file of the batch,
 * unsynced: nothing is replaced before state_batch_commit().  The folder is
 * made if missing, never written through a symlink.  cookie is handed to
 * the commit's fail().
 */
struct dsm_error *state_batch_add(struct state_batch *b, const char *name,
    const json_t *state, void *cookie);

/*
 * What a commit does with a file that cannot be made durable or renamed
 * (err, which it takes over; the file keeps its old content): NULL to carry
 * on without it, or the error that ends the commit there.
 */
typedef struct dsm_error *state_fail_fn(void *arg, void *cookie,
    struct dsm_error *err);

/*
 * Makes the files of the batch durable and puts each in place, in the
 * order they were added, then fsyncs the folder.  A failure that fail()
 * returns (any failure, when fail is NULL) ends the commit there: the
 * files before it are in place and durable, that one and those after it
 * keep their old content.  Returns that error, or that of the fsync of the
 * folder.  No temporary file is left.
 */
struct dsm_error *state_batch_commit(struct state_batch *b,
    state_fail_fn *fail, void *arg);

/* Frees b (NULL allowed), removing the temporary files not renamed. */
void state_batch_free(struct state_batch *b);

#endif
