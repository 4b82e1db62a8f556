/*
 * license.h - is a license text the expected license?  Normalisation,
 * fingerprints and word diffs of license texts.
 *
 * Pure: bytes in, verdict out.  Nothing here reads files, talks to git or
 * keeps state between calls.  Every function takes a text as (bytes,
 * length), accepts any bytes (invalid UTF-8, NULs, control characters) and
 * never reads past the length; a NULL text is allowed when the length is 0.
 *
 * The normalisation follows the SPDX License Matching Guidelines and is
 * described step by step in docs/license-normalisation.md.  Fingerprints are
 * of normalised text, so LICENSE_NORM_VERSION changes whenever the
 * normalisation does: a pin is only meaningful with its version.
 */
#ifndef DSM_LICENSE_H
#define DSM_LICENSE_H

#include <stddef.h>

#define LICENSE_NORM_VERSION	1
#define LICENSE_MAX_SIZE	(1024 * 1024)	/* larger texts are refused */
#define LICENSE_SHA256_HEX	64		/* hex digits of a SHA-256 */
#define LICENSE_MAX_PHRASE	1024		/* bytes of a reported phrase */
#define LICENSE_MAX_PHRASES	64		/* phrases of each kind */
#define LICENSE_DIFF_MAX_CELLS	(16 * 1024 * 1024) /* token pairs compared */

/*
 * Words added to or removed from a text, against a reference, in order.
 * Each phrase is a run of consecutive added (or removed) tokens in their
 * normalised form, with the spacing of the text they come from, e.g.
 * "non-commercial research purposes only".  A phrase longer than
 * LICENSE_MAX_PHRASE bytes is cut and ends in "..."; at most
 * LICENSE_MAX_PHRASES of each kind are kept.  truncated says that one of
 * these happened, or that the texts were too different to compare word by
 * word (more than LICENSE_DIFF_MAX_CELLS token pairs once their common
 * beginning and end are set aside), in which case the whole differing
 * middle is reported as one removed and one added phrase.
 */
struct license_change {
	char **added;		/* phrases, each NUL-terminated */
	size_t nadded;
	char **removed;
	size_t nremoved;
	int truncated;
};

struct license_result {
	int matches;		/* 1: the text is the expected license */
	char sha256[LICENSE_SHA256_HEX + 1]; /* fingerprint, or "" for a
				   text larger than LICENSE_MAX_SIZE */
	const char *reason;	/* why it does not match (static), or NULL */
	struct license_change change; /* against the template, in the
				   wordings the text took, when !matches;
				   empty when matches */
};

/* Returns whether dsmirror knows the license spdx ("MIT").  NULL: 0. */
int license_known(const char *spdx);

/*
 * Returns the reference text of spdx built into dsmirror: the license
 * without its optional title and its copyright lines (the variable part),
 * in its default wordings (for MIT: no optional words, "Software", "THE
 * AUTHORS OR COPYRIGHT HOLDERS"), or NULL when spdx is unknown.  The text
 * is static.
 */
const char *license_template(const char *spdx);

/*
 * Classifies text (len bytes) against the license spdx: out->matches is 1
 * when the normalised text is the license's template apart from its
 * variable and optional parts and in one of its alternative wordings (for
 * MIT: a title, copyright lines, "(including the next paragraph)",
 * "limitation on", "this source file", "Materials" throughout and a name
 * in "IN NO EVENT SHALL <name> BE LIABLE" that carries no license terms;
 * docs/license-normalisation.md).  A text larger than LICENSE_MAX_SIZE
 * does not match.  Fills *out, which the caller frees with
 * license_result_free().  Returns 0, or -1 when out of memory or spdx is
 * unknown (then *out is zeroed and owns nothing).
 */
int license_classify(struct license_result *out, const char *spdx,
    const void *text, size_t len);

/*
 * Writes the fingerprint of text, the SHA-256 of its normalised form in
 * lowercase hex, into out.  Works for any text (a model license with no
 * SPDX identifier too).  Returns 0, or -1 when out of memory or len is
 * larger than LICENSE_MAX_SIZE.
 */
int license_fingerprint(char out[LICENSE_SHA256_HEX + 1], const void *text,
    size_t len);

/*
 * Sets *out to the normalised form of text (NUL-terminated, *outlen bytes
 * before the NUL): the exact bytes a fingerprint is the SHA-256 of, so that
 * a pin can be checked by hand.  The caller frees *out with free().
 * Returns 0, or -1 when out of memory or len is larger than
 * LICENSE_MAX_SIZE (then *out is NULL).
 */
int license_normalise(char **out, size_t *outlen, const void *text,
    size_t len);

/*
 * Fills *out with the words added and removed going from old_text to
 * new_text, both normalised the same way, copyright lines included (for
 * reports of "what changed against the last accepted text").  The caller
 * frees *out with license_change_free().  Returns 0, or -1 when out of
 * memory or a text is larger than LICENSE_MAX_SIZE (then *out is zeroed).
 */
int license_diff(struct license_change *out, const void *old_text,
    size_t old_len, const void *new_text, size_t new_len);

/*
 * SPDX's license list, compiled in (data/spdx-licenses.json, derived from
 * spdx/license-list-XML by tools/spdx_data.py; license_spdx.c says how a
 * text is matched).  license_data_version() names the list's version.
 *
 * license_identify() sets *id to the license a whole license file is: MIT
 * by license_classify(), the others by SPDX's templates of their full
 * texts ("-only" for the GNU licenses, whose texts do not say "or later");
 * NULL when it is none of them.  license_identify_header() sets *id to the
 * license whose standard header (standardLicenseHeader) text carries, and
 * *line (if not NULL) to the line, from 0, where that header begins; NULL
 * when none.  license_mentions() says whether text carries the opening
 * words of license id's full text ("Permission is hereby granted, free of
 * charge, ..." for MIT), whatever follows them.  The first two return 0,
 * or -1 when out of memory; texts larger than LICENSE_MAX_SIZE are none.
 */
const char *license_data_version(void);
int license_identify(const char **id, const void *text, size_t len);
int license_identify_header(const char **id, unsigned *line,
    const void *text, size_t len);
int license_mentions(const char *id, const void *text, size_t len);

/* Frees what c owns and zeroes it.  NULL is allowed. */
void license_change_free(struct license_change *c);

/* Frees what r owns and zeroes it.  NULL is allowed. */
void license_result_free(struct license_result *r);

#endif
