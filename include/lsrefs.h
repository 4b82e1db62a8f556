/*
 * lsrefs.h - ref listings as the smart HTTP protocol writes them, and as a
 * bare mirror keeps them, read without libgit2.
 *
 * Pure parsing (no I/O): the fast path of an unchanged fetch (fastpath.h)
 * hands it what the server answered, and localrefs.c what it read from the
 * mirror.  Every function says no to anything it does not fully
 * understand: the caller then leaves the repo to libgit2, so a listing read
 * here is never a guess.
 *
 *  - The advertisement of GET .../info/refs?service=git-upload-pack, asked
 *    with "Git-Protocol: version=2": a protocol v2 server answers with its
 *    capabilities ("version 2", then "ls-refs" among them), a v0 server
 *    with every ref ("<oid> <name>\0<capabilities>", then "<oid> <name>",
 *    HEAD's target in the symref= capability), each after an optional
 *    "# service=git-upload-pack" line and flush.
 *  - The answer to a v2 ls-refs command: "<oid> <name>[ <attribute>...]",
 *    HEAD's target as its symref-target attribute, then a flush.
 * SHA-1 only: a sha256 repository is libgit2's.
 */
#ifndef DSM_LSREFS_H
#define DSM_LSREFS_H

#include <stddef.h>

#define LSREFS_HEX	40

/* One ref: its name and the object it names, in hex. */
struct lsref {
	char *name;
	char oid[LSREFS_HEX + 1];
};

/* Refs sorted by name (strcmp), and where HEAD points. */
struct listing {
	struct lsref *v;
	size_t n, cap;
	char *head_target;	/* "refs/heads/main", or NULL */
	int head_detached;	/* HEAD is an object id (mirror only) */
	char head_oid[LSREFS_HEX + 1];	/* ... that one */
};

void listing_free(struct listing *l);

/* Adds a ref (copies name); returns -1 when out of memory. */
int listing_add(struct listing *l, const char *name, size_t len,
    const char *hex);

/* Sorts by name; returns -1 when a name comes twice. */
int listing_sort(struct listing *l);

/* The ref named name, or NULL. */
const struct lsref *listing_find(const struct listing *l, const char *name);

/* Whether s is 40 lower-case hex digits. */
int lsrefs_is_hex(const char *s, size_t len);

/*
 * Whether the ref pattern pat (mirrors.json "refs": a name, or a prefix
 * ending in "/" and a star) is one this file understands, and whether name matches
 * it (as libgit2 matches a refspec's source: '*' takes the rest, '/'
 * included).
 */
int lsrefs_pattern_ok(const char *pat);
int lsrefs_matches(const char *pat, const char *name);

/*
 * Whether the ref name is one a mirror of these patterns (n of them) holds:
 * it matches one, and it is neither an advertisement of a peeled tag
 * ("refs/tags/v1^{}") nor in dsmirror's own namespace (MIRROR_OWN_NS),
 * whatever the patterns say.  The one rule of the fetch and the fast path.
 */
int lsrefs_mirrored(char *const *patterns, size_t n, const char *name);

enum lsrefs_adv {
	LSREFS_ERROR = -1,	/* *why says what */
	LSREFS_V0 = 0,		/* *out holds the listing */
	LSREFS_V2 = 2,		/* ask ls-refs (lsrefs_request) */
};

/* Reads the answer to the GET of info/refs (len bytes of buf). */
enum lsrefs_adv lsrefs_parse_advertisement(struct listing *out,
    const char *buf, size_t len, const char **why);

/*
 * The body of a v2 ls-refs command asking for HEAD, with symrefs, and for
 * the refs starting with each pattern's fixed part; *len its length.  NULL
 * when out of memory.
 */
char *lsrefs_request(const char *const *patterns, size_t n, size_t *len);

/* Reads the answer to an ls-refs command; 0, or -1 with *why. */
int lsrefs_parse_answer(struct listing *out, const char *buf, size_t len,
    const char **why);

#endif
