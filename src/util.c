/*
 * util.c - strings, paths, time and file helpers.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

/* Deep trees are walked with at most this many open directories. */
#define UTIL_NFTW_FDS 32

char *
util_printf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	s = malloc((size_t)n + 1);
	if (s == NULL)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

char *
util_path_join(const char *a, const char *b)
{
	size_t alen = strlen(a);

	if (alen > 0 && a[alen - 1] == '/')
		return util_printf("%s%s", a, b);
	return util_printf("%s/%s", a, b);
}

struct dsm_error *
util_mkdir_p(const char *path, unsigned mode)
{
	char *copy, *p;
	struct dsm_error *err = NULL;

	copy = strdup(path);
	if (copy == NULL)
		return dsm_error_new(DSM_ERR_NOMEM, "out of memory");
	for (p = copy + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;
		*p = '\0';
		if (mkdir(copy, mode) == -1 && errno != EEXIST) {
			err = dsm_error_errno(DSM_ERR_SYSTEM, errno,
			    "cannot create %s", copy);
			break;
		}
		*p = c;
		if (c == '\0')
			break;
	}
	free(copy);
	return err;
}

static int
remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		return rmdir(path) == -1 && errno != ENOENT ? -1 : 0;
	return unlink(path) == -1 && errno != ENOENT ? -1 : 0;
}

struct dsm_error *
util_remove_tree(const char *path)
{
	if (nftw(path, remove_one, UTIL_NFTW_FDS, FTW_DEPTH | FTW_PHYS) == -1
	    && errno != ENOENT)
		return dsm_error_errno(DSM_ERR_SYSTEM, errno,
		    "cannot remove %s", path);
	return NULL;
}

struct dsm_error *
util_fsync_dir(const char *path)
{
	int fd;

	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1)
		return dsm_error_errno(DSM_ERR_SYSTEM, errno, "cannot open %s",
		    path);
	if (fsync(fd) == -1 && errno != EINVAL) {
		int saved = errno;
		close(fd);
		return dsm_error_errno(DSM_ERR_SYSTEM, saved, "cannot sync %s",
		    path);
	}
	close(fd);
	return NULL;
}

static char *
dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	return strndup(path, (size_t)(slash - path));
}

static struct dsm_error *
write_atomic(const char *path, const void *data, size_t len, unsigned mode,
    int sync_dir)
{
	struct dsm_error *err = NULL;
	const char *p = data;
	char *tmp, *dir = NULL;
	int fd;

	tmp = util_printf("%s.tmp-XXXXXX", path);
	if (tmp == NULL)
		return dsm_error_new(DSM_ERR_NOMEM, "out of memory");
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd == -1) {
		err = dsm_error_errno(DSM_ERR_SYSTEM, errno, "cannot create %s",
		    tmp);
		free(tmp);
		return err;
	}
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			err = dsm_error_errno(DSM_ERR_SYSTEM, errno,
			    "cannot write %s", tmp);
			goto done;
		}
		p += n;
		len -= (size_t)n;
	}
	if (fchmod(fd, mode) == -1 || fsync(fd) == -1) {
		err = dsm_error_errno(DSM_ERR_SYSTEM, errno, "cannot sync %s",
		    tmp);
		goto done;
	}
	if (close(fd) == -1) {
		fd = -1;
		err = dsm_error_errno(DSM_ERR_SYSTEM, errno, "cannot write %s",
		    tmp);
		goto done;
	}
	fd = -1;
	if (rename(tmp, path) == -1) {
		err = dsm_error_errno(DSM_ERR_SYSTEM, errno,
		    "cannot rename %s to %s", tmp, path);
		goto done;
	}
	if (!sync_dir)
		goto done;
	dir = dir_of(path);
	err = dir != NULL ? util_fsync_dir(dir) :
	    dsm_error_new(DSM_ERR_NOMEM, "out of memory");
done:
	if (fd != -1)
		close(fd);
	if (err != NULL)
		unlink(tmp);
	free(dir);
	free(tmp);
	return err;
}

struct dsm_error *
util_write_atomic(const char *path, const void *data, size_t len,
    unsigned mode)
{
	return write_atomic(path, data, len, mode, 1);
}

struct dsm_error *
util_write_atomic_batch(const char *path, const void *data, size_t len,
    unsigned mode)
{
	return write_atomic(path, data, len, mode, 0);
}

double
util_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
util_utc_stamp(char buf[17], time_t t)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, 17, "%Y%m%dT%H%M%SZ", &tm);
}

void
util_iso_time(char buf[21], time_t t)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

char *
util_sanitize(char *dst, size_t dstsize, const char *src)
{
	size_t i;

	for (i = 0; i + 1 < dstsize && src[i] != '\0'; i++) {
		unsigned char c = (unsigned char)src[i];
		unsigned char next = (unsigned char)src[i + 1];

		/* C0 controls, DEL, and C1 controls (U+0080..U+009F). */
		if (c == 0xc2 && next >= 0x80 && next <= 0x9f && i + 2 < dstsize) {
			dst[i++] = '?';
			dst[i] = '?';
			continue;
		}
		dst[i] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	/* Cut short: never in the middle of a UTF-8 character. */
	if (src[i] != '\0') {
		size_t end = i;
		while (end > 0 && ((unsigned char)dst[end - 1] & 0xc0) == 0x80)
			end--;
		if (end > 0 && (unsigned char)dst[end - 1] >= 0xc0) {
			size_t len = (unsigned char)dst[end - 1] >= 0xf0 ? 4 :
			    (unsigned char)dst[end - 1] >= 0xe0 ? 3 : 2;
			if (i - (end - 1) < len)
				i = end - 1;
		}
	}
	dst[i] = '\0';
	return dst;
}

char *
util_human_bytes(char *buf, size_t bufsize, double bytes)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	size_t u = 0;

	while (bytes >= 1024 && u + 1 < sizeof(units) / sizeof(units[0])) {
		bytes /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, bufsize, "%.0f %s", bytes, units[u]);
	else
		snprintf(buf, bufsize, "%.1f %s", bytes, units[u]);
	return buf;
}

static int
sync_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	int fd;

	(void)ftw;
	if (flag != FTW_F && flag != FTW_DP)
		return 0;
	if (!S_ISREG(st->st_mode) && !S_ISDIR(st->st_mode))
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd == -1)
		return -1;
	if (fsync(fd) == -1 && errno != EINVAL) {
		int saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	close(fd);
	return 0;
}

struct dsm_error *
util_fsync_tree(const char *path)
{
	if (nftw(path, sync_one, UTIL_NFTW_FDS, FTW_DEPTH | FTW_PHYS) == -1)
		return dsm_error_errno(DSM_ERR_SYSTEM, errno, "cannot sync %s",
		    path);
	return NULL;
}
