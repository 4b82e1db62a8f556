/*
 * state.c - the per-repo state files under <root>/.dsmirror/.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

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
check_dir_path(const char *dir)
{
	struct stat st;

	if (lstat(dir, &st) == 0 && !S_ISDIR(st.st_mode))
		return dsm_error_new(DSM_ERR_SYSTEM, "%s is not a folder (a "
		    "symlink, or a file): move it away, dsmirror makes its "
		    "own", dir);
	return NULL;
}

static struct dsm_error *
check_dir(const char *root)
{
	char *dir = util_printf("%s/%s", root, STATE_DIR);
	struct dsm_error *err;

	if (dir == NULL)
		return dsm_error_new(DSM_ERR_NOMEM, "out of memory");
	err = check_dir_path(dir);
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

/*
 * A run's state writes (record.c), made durable together: each new state
 * goes first into a temporary file beside its file, unsynced; the commit
 * then makes them all durable with one syncfs(), renames each over its
 * file, and fsyncs the folder once.  Two sync calls for the run where an
 * fsync per file cost a journal commit each, and the same promise: a
 * rename only ever puts a durable, whole file in place.
 */
struct state_entry {
	char	*path;		/* <name>.json */
	char	*tmp;		/* its new content; NULL once renamed or gone */
	void	*cookie;
};

struct state_batch {
	char			*dir;
	int			 fd;	/* the state folder, or -1 */
	struct state_entry	*v;
	size_t			 n, cap;
};

/* A name mkostemp() makes of "<name>.json.tmp-XXXXXX" (util.h). */
static int
is_temp_name(const char *n)
{
	static const char suffix[] = ".json.tmp-";
	size_t len = strlen(n), sl = sizeof(suffix) - 1;

	return len > sl + 6 && strncmp(n + len - 6 - sl, suffix, sl) == 0 &&
	    strspn(n + len - 6, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
	    "qrstuvwxyz0123456789") == 6;
}

/*
 * The temporary files of a batch that a kill interrupted: never renamed,
 * so never anyone's state.  The caller's root lock means no other run is
 * writing its own now.
 */
static void
remove_temps(int fd)
{
	struct dirent *de;
	DIR *d;

	if ((fd = dup(fd)) == -1 || (d = fdopendir(fd)) == NULL) {
		if (fd != -1)
			close(fd);
		return;
	}
	while ((de = readdir(d)) != NULL)
		if (is_temp_name(de->d_name))
			unlinkat(dirfd(d), de->d_name, 0);
	closedir(d);
}

static int
open_dir(const char *dir)
{
	return open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

struct dsm_error *
state_batch_new(const char *root, struct state_batch **out)
{
	struct state_batch *b = calloc(1, sizeof(*b));

	*out = NULL;
	if (b == NULL || (b->dir = util_printf("%s/%s", root,
	    STATE_DIR)) == NULL) {
		free(b);
		return dsm_error_new(DSM_ERR_NOMEM, "out of memory");
	}
	/*
	 * Opened before any write: syncfs() reports the write errors of
	 * the filesystem since the folder was opened (Linux 5.8 and later).
	 * A folder not there yet, or not a folder, is state_batch_add()'s
	 * to make, or to refuse with a message.
	 */
	b->fd = open_dir(b->dir);
	if (b->fd != -1)
		remove_temps(b->fd);
	*out = b;
	return NULL;
}

struct dsm_error *
state_batch_add(struct state_batch *b, const char *name, const json_t *state,
    void *cookie)
{
	struct state_entry *e;
	struct dsm_error *err = NULL;
	char *text = NULL, *tmp;

	if (b->fd == -1 && ((err = util_mkdir_p(b->dir, 0755)) != NULL ||
	    (err = check_dir_path(b->dir)) != NULL))
		return err;
	if (b->fd == -1 && (b->fd = open_dir(b->dir)) == -1)
		return dsm_error_errno(DSM_ERR_SYSTEM, errno, "cannot open %s",
		    b->dir);
	if (b->n == b->cap) {
		size_t cap = b->cap != 0 ? b->cap * 2 : 16;
		e = reallocarray(b->v, cap, sizeof(*b->v));
		if (e == NULL)
			return dsm_error_new(DSM_ERR_NOMEM, "out of memory");
		b->v = e;
		b->cap = cap;
	}
	e = &b->v[b->n];
	if ((e->path = util_printf("%s/%s.json", b->dir, name)) == NULL ||
	    (text = json_dumps(state, JSON_INDENT(2) |
	    JSON_PRESERVE_ORDER)) == NULL) {
		free(e->path);
		return dsm_error_new(DSM_ERR_NOMEM, "out of memory");
	}
	size_t len = strlen(text);
	text[len] = '\n';	/* json_dumps() left room: it is NUL */
	err = util_write_temp(e->path, text, len + 1, 0644, &tmp);
	free(text);
	if (err != NULL) {
		free(e->path);
		return err;
	}
	e->tmp = tmp;
	e->cookie = cookie;
	b->n++;
	return NULL;
}

/* e will not be renamed: its temporary file goes. */
static void
drop(struct state_entry *e)
{
	if (e->tmp != NULL)
		unlink(e->tmp);
	free(e->tmp);
	e->tmp = NULL;
}

static int
fsync_path(const char *path)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC), rc;

	if (fd == -1)
		return -1;
	rc = fsync(fd);
	if (rc == -1) {
		int saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return close(fd);
}

/*
 * e failed with err: its temporary file goes, and fail() says whether
 * that ends the commit (it returns the error) or not (NULL).
 */
static struct dsm_error *
failed(struct state_entry *e, struct dsm_error *err, state_fail_fn *fail,
    void *arg)
{
	drop(e);
	return fail != NULL ? fail(arg, e->cookie, err) : err;
}

/*
 * Whether syncfs() reports the write errors of the files it flushes: from
 * Linux 5.8 on.  Before, it returns 0 whatever happened, and each file is
 * fsynced instead.
 */
static int
syncfs_reports(void)
{
	struct utsname u;
	unsigned major = 0, minor = 0;

	if (uname(&u) == -1 || sscanf(u.release, "%u.%u", &major, &minor) != 2)
		return 0;
	return major > 5 || (major == 5 && minor >= 8);
}

struct dsm_error *
state_batch_commit(struct state_batch *b, state_fail_fn *fail, void *arg)
{
	struct dsm_error *err = NULL;
	size_t end = b->n, renamed = 0;

	if (b->n == 0)
		return NULL;
	util_kill_point("state-temps-written");
	/*
	 * One file: its own fsync, rather than flushing the whole
	 * filesystem for it.  When syncfs() fails (a write error anywhere
	 * on the filesystem counts), each file's fsync says which.
	 */
	if (b->n == 1 || !syncfs_reports() || syncfs(b->fd) == -1) {
		for (size_t i = 0; i < end; i++) {
			if (fsync_path(b->v[i].tmp) == 0)
				continue;
			err = failed(&b->v[i], dsm_error_errno(DSM_ERR_SYSTEM,
			    errno, "cannot sync %s", b->v[i].tmp), fail, arg);
			if (err != NULL)
				end = i;
		}
	}
	/*
	 * In order, as they were added: a failure that ends the commit ends
	 * it there, and comes before any failure of a file after it.
	 */
	for (size_t i = 0; i < end; i++) {
		struct state_entry *e = &b->v[i];
		struct dsm_error *rerr;
		if (e->tmp == NULL)
			continue;
		if (rename(e->tmp, e->path) == -1) {
			rerr = failed(e, dsm_error_errno(DSM_ERR_SYSTEM, errno,
			    "cannot rename %s to %s", e->tmp, e->path), fail,
			    arg);
			if (rerr == NULL)
				continue;
			dsm_error_free(err);
			err = rerr;
			break;
		}
		free(e->tmp);
		e->tmp = NULL;
		if (++renamed == 1 && b->n > 1)
			util_kill_point("state-half-renamed");
	}
	for (size_t i = 0; i < b->n; i++)
		drop(&b->v[i]);
	/* What was renamed is made durable, even when a failure ended it. */
	if (renamed > 0) {
		util_kill_point("state-renamed");
		struct dsm_error *serr = NULL;
		if (fsync(b->fd) == -1 && errno != EINVAL)
			serr = dsm_error_errno(DSM_ERR_SYSTEM, errno,
			    "cannot sync %s", b->dir);
		if (err == NULL)
			err = serr;
		else
			dsm_error_free(serr);
	}
	return err;
}

void
state_batch_free(struct state_batch *b)
{
	if (b == NULL)
		return;
	for (size_t i = 0; i < b->n; i++) {
		drop(&b->v[i]);
		free(b->v[i].path);
	}
	if (b->fd != -1)
		close(b->fd);
	free(b->v);
	free(b->dir);
	free(b);
}
