/*
 * lock.c - the mirror root's lock.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lock.h"
#include "recover.h"
#include "util.h"

struct lock {
	int fd;
};

/*
 * When the lock file, else the root, belongs to another user (a first run
 * with sudo, say) and that is why it could not be opened: who owns it and
 * what to do, as for a mirror (recover.h).  Else NULL.
 */
static struct dsm_error *
not_ours(const char *path, const char *root, int err)
{
	struct stat st;

	if (err != EACCES && err != EPERM)
		return NULL;
	if (lstat(path, &st) == 0 && st.st_uid != geteuid())
		return recover_check_owner(path, &st);
	if (stat(root, &st) == 0 && st.st_uid != geteuid())
		return recover_check_owner(root, &st);
	return NULL;
}

struct dsm_error *
lock_acquire(struct lock **out, const char *root)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	struct dsm_error *err = NULL;
	char *path, pid[32];
	int fd, n;

	*out = NULL;
	path = util_path_join(root, LOCK_FILE);
	if (path == NULL)
		return dsm_error_new(DSM_ERR_NOMEM, "out of memory");
	/*
	 * 0600: anyone who can open the file can lock it, and so block every
	 * run.  A file left by an older version is made private too.
	 */
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd == -1) {
		int saved = errno;
		if ((err = not_ours(path, root, saved)) == NULL)
			err = dsm_error_errno(DSM_ERR_SYSTEM, saved,
			    "cannot open %s", path);
		goto done;
	}
	if (fchmod(fd, 0600) == -1) {
		int saved = errno;
		if ((err = not_ours(path, root, saved)) != NULL)
			goto done;
		errno = saved;
		err = dsm_error_errno(DSM_ERR_SYSTEM, errno, "cannot make %s "
		    "private", path);
		goto done;
	}
	if (fcntl(fd, F_SETLK, &fl) == -1) {
		if (errno != EACCES && errno != EAGAIN) {
			err = dsm_error_errno(DSM_ERR_SYSTEM, errno,
			    "cannot lock %s", path);
			goto done;
		}
		fl.l_type = F_WRLCK;
		if (fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK)
			err = dsm_error_new(DSM_ERR_LOCKED, "another dsmirror "
			    "run (PID %ld) holds the lock on %s", (long)fl.l_pid,
			    root);
		else
			err = dsm_error_new(DSM_ERR_LOCKED, "another dsmirror "
			    "run holds the lock on %s", root);
		goto done;
	}
	/*
	 * The fcntl lock dies with this process, before the kernel stops
	 * its workers; an flock() on the same open file, which the workers
	 * inherit, lasts until the last of them is gone.
	 */
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		err = errno == EWOULDBLOCK ? dsm_error_new(DSM_ERR_LOCKED,
		    "another process holds the lock on %s (workers of a "
		    "stopped dsmirror run, or a program such as flock(1)); "
		    "try again in a moment", root) :
		    dsm_error_errno(DSM_ERR_SYSTEM,
		    errno, "cannot lock %s", path);
		goto done;
	}
	/* For people looking at the file; the lock itself is the truth. */
	n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) == -1 || pwrite(fd, pid, (size_t)n, 0) != n) {
		err = dsm_error_errno(DSM_ERR_SYSTEM, errno, "cannot write %s",
		    path);
		goto done;
	}
	*out = malloc(sizeof(**out));
	if (*out == NULL) {
		err = dsm_error_new(DSM_ERR_NOMEM, "out of memory");
		goto done;
	}
	(*out)->fd = fd;
done:
	if (err != NULL && fd != -1)
		close(fd);
	free(path);
	return err;
}

void
lock_release(struct lock *lock)
{
	if (lock == NULL)
		return;
	close(lock->fd);
	free(lock);
}
