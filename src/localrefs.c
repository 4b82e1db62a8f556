/*
 * localrefs.c - a bare mirror's refs and objects, read without libgit2
 * (see localrefs.h).
 *
 * What git and libgit2 write, and nothing more: loose refs are "<hex>\n"
 * (or "ref: <name>\n"), packed-refs is "<hex> <name>" lines with "^<hex>"
 * peel lines and a "# pack-refs with:" header, a pack index is version 2
 * ("\377tOc", 2, 256 fan-out counts, then the sorted ids).  A loose ref
 * hides the packed one of its name.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "localrefs.h"
#include "maint.h"
#include "util.h"

/* Deeper folders under refs/ than maintenance looks into: libgit2's. */
#define LOCAL_MAX_DEPTH		32
#define LOCAL_MAX_HEAD		4096

/* A version 2 index: header, fan-out, one trailing pair of checksums. */
#define IDX_MIN			(8 + 1024 + 40)

struct pack_index {
	const unsigned char *map;
	size_t size;
	uint32_t n;
};

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/* The reading of one mirror. */
struct reader {
	const char *path;
	struct listing *refs;
	struct local_odb *odb;
	struct listing loose;		/* direct loose refs, to merge */
	size_t loose_files;		/* regular files under refs/ */
	char *why;
	size_t size;
};

static const char *
no(struct reader *rd, const char *fmt, const char *what)
{
	snprintf(rd->why, rd->size, fmt, what);
	return rd->why;
}

/* Reads a small file whole (NUL-terminated); NULL when it cannot. */
static char *
slurp(const char *path, size_t max, size_t *len)
{
	struct stat st;
	char *buf;
	ssize_t n;
	int fd;

	/* O_NONBLOCK: a FIFO in a file's place must not hold the run. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW |
	    O_NONBLOCK)) == -1)
		return NULL;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    (size_t)st.st_size > max ||
	    (buf = malloc((size_t)st.st_size + 1)) == NULL) {
		close(fd);
		return NULL;
	}
	*len = 0;
	while (*len < (size_t)st.st_size && (n = read(fd, buf + *len,
	    (size_t)st.st_size - *len)) > 0)
		*len += (size_t)n;
	close(fd);
	if (*len != (size_t)st.st_size) {
		free(buf);
		return NULL;
	}
	buf[*len] = '\0';
	return buf;
}

static int
exists(const char *dir, const char *name)
{
	char *p = util_path_join(dir, name);
	struct stat st;
	int yes = p == NULL || lstat(p, &st) == 0;	/* no memory: "yes" */

	free(p);
	return yes;
}

/* A component of a loose ref's name that git and libgit2 both take. */
static int
name_ok(const char *s)
{
	size_t len = strlen(s);

	if (len == 0 || s[0] == '.' || strstr(s, "..") != NULL ||
	    (len >= 5 && strcmp(s + len - 5, ".lock") == 0) ||
	    strcmp(s, "@") == 0 || strstr(s, "@{") != NULL)
		return 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x21 || *p == 0x7f || strchr("~^:?*[\\", *p) != NULL)
			return 0;
	return 1;
}

static const char *
read_head(struct reader *rd)
{
	char *p = util_path_join(rd->path, "HEAD"), *text;
	size_t len;

	if (p == NULL)
		return no(rd, "%s", "out of memory");
	text = slurp(p, LOCAL_MAX_HEAD, &len);
	free(p);
	if (text == NULL)
		return no(rd, "%s", "HEAD cannot be read");
	if (len > 5 && strncmp(text, "ref: ", 5) == 0 && text[len - 1] ==
	    '\n' && strncmp(text + 5, "refs/heads/", 11) == 0 &&
	    memchr(text + 5, ' ', len - 6) == NULL) {
		rd->refs->head_target = strndup(text + 5, len - 6);
		free(text);
		return rd->refs->head_target != NULL ? NULL :
		    no(rd, "%s", "out of memory");
	}
	free(text);
	return no(rd, "%s", "HEAD is not a branch");
}

/* Reads one loose ref file; name is its full name. */
static const char *
read_loose(struct reader *rd, const char *file, const char *name)
{
	size_t len;
	char *text = slurp(file, 1024, &len);
	const char *why = NULL;

	rd->loose_files++;
	if (text == NULL)
		return no(rd, "%s cannot be read", name);
	if (len == 41 && text[40] == '\n' && lsrefs_is_hex(text, 40)) {
		if (listing_add(&rd->loose, name, strlen(name), text) == -1)
			why = no(rd, "%s", "out of memory");
	} else if (len > 5 && strncmp(text, "ref: ", 5) == 0) {
		why = no(rd, "%s is a symbolic ref", name);
	} else {
		why = no(rd, "%s is not a ref file as git writes it", name);
	}
	free(text);
	return why;
}

static const char *
walk_refs(struct reader *rd, const char *dir, const char *prefix, int depth)
{
	const char *why = NULL;
	struct dirent *e;
	DIR *d;

	if (depth > LOCAL_MAX_DEPTH)
		return no(rd, "%s: folders nested too deep", prefix);
	if ((d = opendir(dir)) == NULL)
		return no(rd, "%s cannot be read", prefix);
	while (why == NULL && (e = readdir(d)) != NULL) {
		char *file, *name;
		struct stat st;
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (!name_ok(e->d_name)) {
			why = no(rd, "%s holds a name that is no ref's (a lock, "
			    "or debris)", prefix);
			break;
		}
		file = util_path_join(dir, e->d_name);
		name = util_printf("%s/%s", prefix, e->d_name);
		if (file == NULL || name == NULL)
			why = no(rd, "%s", "out of memory");
		else if (lstat(file, &st) == -1)
			why = no(rd, "%s cannot be read", name);
		else if (S_ISDIR(st.st_mode))
			why = walk_refs(rd, file, name, depth + 1);
		else if (S_ISREG(st.st_mode))
			why = read_loose(rd, file, name);
		else
			why = no(rd, "%s is not a regular file", name);
		free(file);
		free(name);
	}
	closedir(d);
	if (why == NULL && rd->loose_files > MAINT_MAX_LOOSE_REFS)
		why = no(rd, "%s", "loose refs to pack (maintenance)");
	return why;
}

/* Reads packed-refs, if any, into rd->refs (the loose ones not yet in). */
static const char *
read_packed(struct reader *rd)
{
	char *p = util_path_join(rd->path, "packed-refs"), *text, *line, *nl;
	size_t len;
	struct stat st;

	if (p == NULL)
		return no(rd, "%s", "out of memory");
	if (lstat(p, &st) == -1 && errno == ENOENT) {
		free(p);
		return NULL;
	}
	text = slurp(p, (size_t)1 << 30, &len);
	free(p);
	if (text == NULL)
		return no(rd, "%s", "packed-refs cannot be read");
	for (line = text; *line != '\0'; line = nl + 1) {
		if ((nl = strchr(line, '\n')) == NULL) {
			free(text);
			return no(rd, "%s", "packed-refs does not end with a "
			    "newline");
		}
		*nl = '\0';
		if (line == text && strncmp(line, "# pack-refs with:", 17) == 0)
			continue;
		if (line[0] == '^' && lsrefs_is_hex(line + 1, strlen(line + 1)))
			continue;
		if (strlen(line) < 47 || line[40] != ' ' ||
		    !lsrefs_is_hex(line, 40) || strncmp(line + 41, "refs/", 5) ||
		    strchr(line + 41, ' ') != NULL) {
			free(text);
			return no(rd, "%s", "packed-refs has a line git does not "
			    "write");
		}
		if (listing_find(&rd->loose, line + 41) != NULL)
			continue;
		if (listing_add(rd->refs, line + 41, strlen(line + 41),
		    line) == -1) {
			free(text);
			return no(rd, "%s", "out of memory");
		}
	}
	free(text);
	return NULL;
}

static const char *
map_index(struct reader *rd, const char *file)
{
	struct local_odb *odb = rd->odb;
	struct pack_index *pi, *v;
	struct stat st;
	void *map;
	int fd;

	if ((fd = open(file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW |
	    O_NONBLOCK)) == -1 || fstat(fd, &st) == -1 ||
	    !S_ISREG(st.st_mode)) {
		if (fd != -1)
			close(fd);
		return no(rd, "%s", "a pack index cannot be read");
	}
	map = st.st_size > 0 ? mmap(NULL, (size_t)st.st_size, PROT_READ,
	    MAP_PRIVATE, fd, 0) : MAP_FAILED;
	close(fd);
	if (map == MAP_FAILED)
		return no(rd, "%s", "a pack index cannot be read");
	if ((v = realloc(odb->packs, (odb->npacks + 1) * sizeof(*v))) == NULL) {
		munmap(map, (size_t)st.st_size);
		return no(rd, "%s", "out of memory");
	}
	odb->packs = v;
	pi = &v[odb->npacks++];
	pi->map = map;
	pi->size = (size_t)st.st_size;
	const unsigned char *m = pi->map;
	if (pi->size < IDX_MIN || memcmp(m, "\377tOc\0\0\0\2", 8) != 0)
		return no(rd, "%s", "a pack index that is not version 2");
	pi->n = be32(m + 8 + 1020);
	/*
	 * Ids, CRCs and offsets (28 bytes each), 8 per large offset, the two
	 * checksums; and counts that never go down.
	 */
	if ((pi->size - IDX_MIN) / 28 < pi->n ||
	    (pi->size - IDX_MIN - (size_t)pi->n * 28) % 8 != 0)
		return no(rd, "%s", "a pack index of the wrong size");
	for (int b = 1; b < 256; b++)
		if (be32(m + 8 + 4 * b) < be32(m + 8 + 4 * (b - 1)))
			return no(rd, "%s", "a pack index out of order");
	return NULL;
}

/*
 * What libgit2 checks before it takes an object of a pack for there: the
 * pack's header ("PACK", version 2 or 3, the index's count) and its
 * trailing checksum, the one its index records.
 */
static const char *
check_pack(struct reader *rd, const char *file, const struct pack_index *pi)
{
	unsigned char head[12], tail[20];
	struct stat st;
	int fd, ok;

	if ((fd = open(file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW |
	    O_NONBLOCK)) == -1)
		return no(rd, "%s", "a pack cannot be read");
	ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_size >= 12 + 20 &&
	    pread(fd, head, sizeof(head), 0) == (ssize_t)sizeof(head) &&
	    pread(fd, tail, sizeof(tail), st.st_size - 20) ==
	    (ssize_t)sizeof(tail);
	close(fd);
	if (!ok || memcmp(head, "PACK", 4) != 0 ||
	    (be32(head + 4) != 2 && be32(head + 4) != 3) ||
	    be32(head + 8) != pi->n ||
	    memcmp(tail, pi->map + pi->size - 40, 20) != 0)
		return no(rd, "%s", "a pack that does not match its index");
	return NULL;
}

/*
 * The pack folder holds packs and their indexes (and what git puts beside
 * them), nothing a killed write left, and not more packs than maintenance
 * lets be.
 */
static const char *
read_packs(struct reader *rd)
{
	static const char *const sibling[] = { ".rev", ".keep", ".bitmap",
	    ".promisor", ".mtimes", NULL };
	char *dir = util_printf("%s/pack", rd->odb->objects);
	const char *why = NULL;
	size_t packs = 0;
	struct dirent *e;
	DIR *d;

	if (dir == NULL)
		return no(rd, "%s", "out of memory");
	if ((d = opendir(dir)) == NULL) {
		free(dir);
		return no(rd, "%s", "objects/pack cannot be read");
	}
	while (why == NULL && (e = readdir(d)) != NULL) {
		const char *n = e->d_name, *dot = strrchr(n, '.');
		char *file, *stem;
		int known = 0;
		if (strcmp(n, ".") == 0 || strcmp(n, "..") == 0 ||
		    strcmp(n, "multi-pack-index") == 0)
			continue;
		if (strncmp(n, "pack-", 5) != 0 || dot == NULL) {
			why = no(rd, "objects/pack/%s: not a pack (a partial "
			    "write?)", n);
			break;
		}
		if ((stem = strndup(n, (size_t)(dot - n))) == NULL) {
			why = no(rd, "%s", "out of memory");
			break;
		}
		char other[300];
		if (strcmp(dot, ".pack") == 0) {
			packs++;
			snprintf(other, sizeof(other), "%s.idx", stem);
			if (!exists(dir, other))
				why = no(rd, "objects/pack/%s has no index", n);
			known = 1;
		} else if (strcmp(dot, ".idx") == 0) {
			snprintf(other, sizeof(other), "%s.pack", stem);
			if (!exists(dir, other))
				why = no(rd, "objects/pack/%s has no pack", n);
			else if ((file = util_path_join(dir, n)) == NULL)
				why = no(rd, "%s", "out of memory");
			else {
				why = map_index(rd, file);
				free(file);
				file = util_printf("%s/%s", dir, other);
				if (why == NULL && file == NULL)
					why = no(rd, "%s", "out of memory");
				else if (why == NULL)
					why = check_pack(rd, file, &rd->odb->
					    packs[rd->odb->npacks - 1]);
				free(file);
			}
			known = 1;
		}
		for (const char *const *s = sibling; !known && *s; s++)
			known = strcmp(dot, *s) == 0;
		if (why == NULL && !known)
			why = no(rd, "objects/pack/%s: not a pack (a partial "
			    "write?)", n);
		free(stem);
	}
	closedir(d);
	free(dir);
	if (why == NULL && packs > MAINT_MAX_PACKS)
		why = no(rd, "%s", "packs to consolidate (maintenance)");
	return why;
}

const char *
localrefs_read(const char *path, struct listing *refs, struct local_odb *odb,
    char *why, size_t size)
{
	static const char *const locks[] = { "HEAD.lock", "packed-refs.lock",
	    "config.lock", "objects/info/alternates", "commondir", NULL };
	struct reader rd = { path, refs, odb, { 0 }, 0, why, size };
	const char *no_reason = NULL;
	char *refsdir;

	memset(refs, 0, sizeof(*refs));
	memset(odb, 0, sizeof(*odb));
	for (const char *const *l = locks; *l != NULL && no_reason == NULL; l++)
		if (exists(path, *l))
			no_reason = no(&rd, "%s is there", *l);
	if (no_reason == NULL)
		no_reason = read_head(&rd);
	if (no_reason == NULL && (odb->objects = util_path_join(path,
	    "objects")) == NULL)
		no_reason = no(&rd, "%s", "out of memory");
	if (no_reason == NULL)
		no_reason = read_packs(&rd);
	if (no_reason == NULL) {
		if ((refsdir = util_path_join(path, "refs")) == NULL)
			no_reason = no(&rd, "%s", "out of memory");
		else
			no_reason = walk_refs(&rd, refsdir, "refs", 1);
		free(refsdir);
	}
	if (no_reason == NULL && listing_sort(&rd.loose) == -1)
		no_reason = no(&rd, "%s", "a ref listed twice");
	if (no_reason == NULL)
		no_reason = read_packed(&rd);
	for (size_t i = 0; no_reason == NULL && i < rd.loose.n; i++)
		if (listing_add(refs, rd.loose.v[i].name,
		    strlen(rd.loose.v[i].name), rd.loose.v[i].oid) == -1)
			no_reason = no(&rd, "%s", "out of memory");
	if (no_reason == NULL && listing_sort(refs) == -1)
		no_reason = no(&rd, "%s", "packed-refs lists a ref twice");
	listing_free(&rd.loose);
	if (no_reason != NULL)
		localrefs_free(refs, odb);
	return no_reason;
}

static int
hexval(char c)
{
	return c <= '9' ? c - '0' : c - 'a' + 10;
}

static int
in_index(const struct pack_index *pi, const unsigned char id[20])
{
	const unsigned char *fan = pi->map + 8, *ids = pi->map + 8 + 1024;
	uint32_t lo = id[0] > 0 ? be32(fan + (id[0] - 1) * 4) : 0;
	uint32_t hi = be32(fan + id[0] * 4);

	if (hi > pi->n || lo > hi)
		return 0;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = memcmp(ids + (size_t)mid * 20, id, 20);
		if (c == 0)
			return 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

int
localrefs_has(const struct local_odb *odb, const char *hex)
{
	unsigned char id[20];
	struct stat st;
	char *loose;
	int yes;

	if (!lsrefs_is_hex(hex, strlen(hex)))
		return 0;
	for (int i = 0; i < 20; i++)
		id[i] = (unsigned char)(hexval(hex[2 * i]) << 4 |
		    hexval(hex[2 * i + 1]));
	for (size_t i = 0; i < odb->npacks; i++)
		if (in_index(&odb->packs[i], id))
			return 1;
	if ((loose = util_printf("%s/%.2s/%s", odb->objects, hex, hex + 2)) ==
	    NULL)
		return 0;
	yes = stat(loose, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0;
	free(loose);
	return yes;
}

void
localrefs_free(struct listing *refs, struct local_odb *odb)
{
	listing_free(refs);
	for (size_t i = 0; i < odb->npacks; i++)
		munmap((void *)odb->packs[i].map, odb->packs[i].size);
	free(odb->packs);
	free(odb->objects);
	memset(odb, 0, sizeof(*odb));
}
