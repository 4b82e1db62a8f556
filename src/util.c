/*
 * util.c - strings, paths, time and file helpers.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
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

/*
 * Writes data to a new temporary file beside path, of mode mode, and sets
 * *tmp to its name; fsyncs it when sync is set.  On failure nothing is
 * left behind.
 */
static struct dsm_error *
write_temp(const char *path, const void *data, size_t len, unsigned mode,
    int sync, char **tmp)
{
	struct dsm_error *err = NULL;
	const char *p = data;
	int fd;

	*tmp = util_printf("%s.tmp-XXXXXX", path);
	if (*tmp == NULL)
		return dsm_error_new(DSM_ERR_NOMEM, "out of memory");
	fd = mkostemp(*tmp, O_CLOEXEC);
	if (fd == -1) {
		err = dsm_error_errno(DSM_ERR_SYSTEM, errno, "cannot create %s",
		    *tmp);
		free(*tmp);
		*tmp = NULL;
		return err;
	}
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			err = dsm_error_errno(DSM_ERR_SYSTEM, errno,
			    "cannot write %s", *tmp);
			goto done;
		}
		p += n;
		len -= (size_t)n;
	}
	if (fchmod(fd, mode) == -1 || (sync && fsync(fd) == -1)) {
		err = dsm_error_errno(DSM_ERR_SYSTEM, errno, "cannot sync %s",
		    *tmp);
		goto done;
	}
	if (close(fd) == -1)
		err = dsm_error_errno(DSM_ERR_SYSTEM, errno, "cannot write %s",
		    *tmp);
	fd = -1;
done:
	if (fd != -1)
		close(fd);
	if (err != NULL) {
		unlink(*tmp);
		free(*tmp);
		*tmp = NULL;
	}
	return err;
}

struct dsm_error *
util_write_atomic(const char *path, const void *data, size_t len,
    unsigned mode)
{
	struct dsm_error *err;
	char *tmp, *dir;

	if ((err = write_temp(path, data, len, mode, 1, &tmp)) != NULL)
		return err;
	if (rename(tmp, path) == -1) {
		err = dsm_error_errno(DSM_ERR_SYSTEM, errno,
		    "cannot rename %s to %s", tmp, path);
		unlink(tmp);
		free(tmp);
		return err;
	}
	free(tmp);
	dir = dir_of(path);
	err = dir != NULL ? util_fsync_dir(dir) :
	    dsm_error_new(DSM_ERR_NOMEM, "out of memory");
	free(dir);
	return err;
}

struct dsm_error *
util_write_temp(const char *path, const void *data, size_t len,
    unsigned mode, char **tmp)
{
	return write_temp(path, data, len, mode, 0, tmp);
}

int
util_buf_append(struct util_buf *b, const void *data, size_t n, size_t max)
{
	if (n > max || b->len > max - n)
		return -1;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap != 0 ? b->cap : 16384;
		char *p;
		while (cap < b->len + n + 1)
			cap *= 2;
		if ((p = realloc(b->data, cap)) == NULL)
			return -1;
		b->data = p;
		b->cap = cap;
	}
	memcpy(b->data + b->len, data, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

double
util_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
util_kill_point(const char *name)
{
	const char *want = getenv("DSMIRROR_TEST_KILL");
	size_t n = strlen(name);

	if (want == NULL || strncmp(want, name, n) != 0)
		return;
	if (want[n] == '\0')
		raise(SIGKILL);
	/* Held here until a signal the test sends to the run ends it. */
	if (strcmp(want + n, ":pause") == 0) {
		fprintf(stderr, "dsmirror-test: paused at %s\n", name);
		fflush(stderr);
		for (;;)
			pause();
	}
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

/*
 * Length of the well-formed UTF-8 character at s (RFC 3629: no overlong
 * forms, no surrogates, nothing past U+10FFFF), or 0 when it is not one.
 */
static size_t
utf8_char_len(const unsigned char *s)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

char *
util_sanitize(char *dst, size_t dstsize, const char *src)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t o = 0;

	while (*s != '\0') {
		size_t len = utf8_char_len(s);
		/* C0 controls, DEL, C1 controls (U+0080..U+009F), bad bytes. */
		int bad = len == 0 || (len == 1 && (*s < 0x20 || *s == 0x7f)) ||
		    (len == 2 && s[0] == 0xc2 && s[1] <= 0x9f);
		size_t out = bad ? (len == 2 ? 2 : 1) : len;

		/* Cut short: never in the middle of a character. */
		if (o + out + 1 > dstsize)
			break;
		if (bad)
			memset(dst + o, '?', out);
		else
			memcpy(dst + o, s, len);
		o += out;
		s += len == 0 ? 1 : len;
	}
	if (dstsize > 0)
		dst[o] = '\0';
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
