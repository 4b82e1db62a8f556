/*
 * state.c - the per-repo state files under <root>/.dsmirror/.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "state.h"
#include "util.h"

static char *
state_path(const char *root, const char *name, const char *suffix)
{
	return util_printf("%s/%s/%s.json%s", root, STATE_DIR, name, suffix);
}

/*
 * The state folder must be a folder, not a symlink: whoever could point
 * it elsewhere would choose where dsmirror writes.
 */
static struct dsm_error *
check_dir(const char *root)
{
	char *dir = util_printf("%s/%s", root, STATE_DIR);
	struct dsm_error *err = NULL;
	struct stat st;

	if (dir == NULL)
		return dsm_error_new(DSM_ERR_NOMEM, "out of memory");
	if (lstat(dir, &st) == 0 && !S_ISDIR(st.st_mode))
		err = dsm_error_new(DSM_ERR_SYSTEM, "%s is not a folder (a "
		    "symlink, or a file): move it away, dsmirror makes its "
		    "own", dir);
	free(dir);
	return err;
}

static json_t *
fresh(void)
{
	return json_pack("{s:i}", "version", STATE_VERSION);
}

/* Sets the unreadable file aside and returns the note that says so. */
static char *
set_aside(const char *root, const char *path, const char *why)
{
	char *aside = util_printf("%s.corrupt", path);
	struct dsm_error *err = check_dir(root);
	char *note;

	if (err == NULL && aside != NULL && rename(path, aside) == 0)
		note = util_printf("the state file %s was unreadable (%s); kept "
		    "as %s and started afresh", path, why, aside);
	else
		note = util_printf("the state file %s was unreadable (%s); "
		    "started afresh", path, why);
	free(aside);
	dsm_error_free(err);
	return note;
}

static struct dsm_error *
load(const char *root, const char *name, json_t **out, char **note,
    int repair)
{
	char *path = state_path(root, name, "");
	json_error_t jerr;
	json_t *state;
	char why[256];
	struct stat st;

	*out = NULL;
	*note = NULL;
	if (path == NULL)
		return dsm_error_new(DSM_ERR_NOMEM, "out of memory");
	if (lstat(path, &st) == -1 && errno == ENOENT) {
		free(path);
		if (!repair)
			return NULL;
		*out = fresh();
		return *out != NULL ? NULL : dsm_error_new(DSM_ERR_NOMEM,
		    "out of memory");
	}
	state = NULL;
	if (lstat(path, &st) == -1) {
		snprintf(why, sizeof(why), "%s", strerror(errno));
	} else if (!S_ISREG(st.st_mode)) {
		/* A FIFO would block the read; a symlink is not ours. */
		snprintf(why, sizeof(why), "not a regular file");
	} else if (st.st_size > STATE_MAX_SIZE) {
		snprintf(why, sizeof(why), "larger than %d MiB",
		    STATE_MAX_SIZE >> 20);
		state = NULL;
	} else {
		state = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
		if (state == NULL)
			snprintf(why, sizeof(why), "line %d, column %d: %s",
			    jerr.line, jerr.column, jerr.text);
		else if (!json_is_object(state) || json_integer_value(
		    json_object_get(state, "version")) != STATE_VERSION) {
			snprintf(why, sizeof(why), "not a version %d state",
			    STATE_VERSION);
			json_decref(state);
			state = NULL;
		}
	}
	if (state == NULL && !repair) {
		*note = util_printf("the state file %s is unreadable (%s)", path,
		    why);
		free(path);
		return NULL;
	}
	if (state == NULL) {
		*note = set_aside(root, path, why);
		state = fresh();
	}
	free(path);
	*out = state;
	return state != NULL ? NULL : dsm_error_new(DSM_ERR_NOMEM,
	    "out of memory");
}

struct dsm_error *
state_load(const char *root, const char *name, json_t **out, char **note)
{
	return load(root, name, out, note, 1);
}

struct dsm_error *
state_read(const char *root, const char *name, json_t **out, char **note)
{
	return load(root, name, out, note, 0);
}

struct dsm_error *
state_save(const char *root, const char *name, const json_t *state)
{
	char *dir = util_printf("%s/%s", root, STATE_DIR);
	char *path = state_path(root, name, "");
	struct dsm_error *err = NULL;
	char *text = NULL;

	if (dir == NULL || path == NULL || (text = json_dumps(state,
	    JSON_INDENT(2) | JSON_PRESERVE_ORDER)) == NULL)
		err = dsm_error_new(DSM_ERR_NOMEM, "out of memory");
	if (err == NULL)
		err = util_mkdir_p(dir, 0755);
	if (err == NULL)
		err = check_dir(root);
	if (err == NULL) {
		size_t len = strlen(text);
		text[len] = '\n';	/* json_dumps() left room: it is NUL */
		err = util_write_atomic_batch(path, text, len + 1, 0644);
	}
	free(text);
	free(path);
	free(dir);
	return err;
}

struct dsm_error *
state_sync(const char *root)
{
	char *dir = util_printf("%s/%s", root, STATE_DIR);
	struct dsm_error *err;

	if (dir == NULL)
		return dsm_error_new(DSM_ERR_NOMEM, "out of memory");
	err = util_fsync_dir(dir);
	free(dir);
	return err;
}
