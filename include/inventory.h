/*
 * inventory.h - the licenses one file of a tree carries: a license file's
 * whole text, SPDX-License-Identifier tags, and the notices in its leading
 * comments.
 *
 * Pure: bytes in, notices out (license.h classifies the texts).  Any bytes
 * are accepted (invalid UTF-8, NULs, no line end) and nothing past the
 * given length is read.  The tree walk, the expected license and the pins
 * are verify's (verify_tree.c).
 */
#ifndef DSM_INVENTORY_H
#define DSM_INVENTORY_H

#include <stddef.h>

#include "license.h"

#define INV_HEAD_MAX	8192		/* bytes of a file's start read for its
					   notices */
#define INV_FILE_MAX	(1024 * 1024)	/* larger files are skipped */
#define INV_NOTICES_MAX	8		/* notices kept per file */
#define INV_EVIDENCE_MAX 160		/* bytes of an evidence line */
#define INV_MINIFIED_LINE 1000		/* a first line this long: minified */

enum inv_kind {
	INV_TEXT,		/* read: notices[] says what it carries */
	INV_BINARY,		/* a NUL in its first INV_HEAD_MAX bytes */
	INV_MINIFIED,		/* *.min.js, *.min.css, or a first line of
				   INV_MINIFIED_LINE bytes or more */
	INV_LARGE,		/* larger than INV_FILE_MAX */
};

struct inv_notice {
	char *license;		/* an SPDX id or expression ("MIT",
				   "Apache-2.0", "MIT OR Apache-2.0"), a
				   tag's value as written, or "unknown" */
	char *evidence;		/* the line that says so, printable, at most
				   INV_EVIDENCE_MAX bytes */
};

struct inv_file {
	enum inv_kind kind;
	int license_file;	/* named LICENSE*, LICENCE*, COPYING*,
				   NOTICE*, UNLICENSE* (any case, any
				   folder) */
	struct inv_notice notices[INV_NOTICES_MAX];
	size_t n;
	int more;		/* notices past INV_NOTICES_MAX were left out */
	char sha256[LICENSE_SHA256_HEX + 1]; /* fingerprint of what the
				   notices are made of (normalised), "" when
				   there is none: the key of a pin */
};

/* Whether path's last component names a license file (see above). */
int inventory_is_license_name(const char *path);

/*
 * What of path inventory_scan() looks at (a license file's name, a
 * minified script's): two paths of one class scan the same bytes the same.
 */
int inventory_path_class(const char *path);

/*
 * Scans one file: path (for its name) and its first len bytes, of size in
 * all (len < size: only the start was read; a license file needs all of
 * it, up to INV_FILE_MAX).  Fills *out, which the caller frees with
 * inventory_file_free().  Returns 0, or -1 when out of memory (then *out
 * owns nothing).
 */
int inventory_scan(struct inv_file *out, const char *path, const void *data,
    size_t len, size_t size);

void inventory_file_free(struct inv_file *f);

/*
 * Frees what inventory_scan() remembers of the texts it classified (their
 * verdicts and fingerprints, reused for the next file with the same
 * notice).  Optional: for leak checkers.
 */
void inventory_forget(void);

/*
 * Whether the SPDX license expression expr lets the code be used under
 * license id: id itself, an OR with a side that allows it, an AND whose
 * every side does; parentheses nest; "X WITH exception" is X's only when X
 * is.  Anything it cannot parse does not allow it.
 */
int inventory_allows(const char *expr, const char *id);

#endif
