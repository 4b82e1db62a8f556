/*
 * releases.h - GitHub release and tag metadata as dsmirror records it: the
 * API's answers validated and reduced to what is recorded, the latest
 * release, what changed between two checks, and the warnings worth a
 * person's attention.  Pure: no network, no files.
 *
 * API data is untrusted.  Identifiers (tag and asset names, commit ids,
 * digests, dates) must fit their grammar or the answer is refused with the
 * JSON path of the offending field; free text (release titles) has its
 * control characters replaced.  Nothing from the API ever becomes a path.
 *
 * The recorded forms (see docs/state.md):
 *   repo:    {"full_name", "default_branch", "archived", "pushed_at",
 *             "spdx_id"}
 *   release: {"tag", "name", "created_at", "published_at", "draft",
 *             "prerelease", "target", "assets": [asset...]}
 *   asset:   {"name", "size", "digest", "updated_at"}
 *   tag:     {"name", "commit"}
 */
#ifndef DSM_RELEASES_H
#define DSM_RELEASES_H

#include <jansson.h>

#include "result.h"

#define RELEASES_MAX_NAME	255	/* a tag, asset or branch name */
#define RELEASES_MAX_TEXT	1024	/* a release title */
#define RELEASES_MAX_CHANGES	100	/* listed per repo; the rest counted */

/*
 * Each returns the reduced form of an API object, or NULL and a message
 * "field: what is wrong" in *why (caller frees) when it does not fit.
 * where prefixes the field in the message, e.g. "releases[3]".
 */
json_t *releases_reduce_repo(const json_t *api, char **why);
json_t *releases_reduce_release(const json_t *api, const char *where,
    char **why);
json_t *releases_reduce_tag(const json_t *api, const char *where, char **why);

/*
 * Returns the latest release of a list of reduced releases, as GitHub
 * defines it (the most recently created that is neither a draft nor a
 * pre-release), or NULL.  The result belongs to the list.
 */
const json_t *releases_latest(const json_t *releases);

/*
 * Whether a recorded "releases" section (from the state file, maybe
 * edited by hand) has every field that releases_diff() and a 304's reuse
 * read, each of its type.
 */
int releases_recorded_is_sane(const json_t *old);

/*
 * Returns what changed from the recorded state old (NULL: none yet) to
 * now, as an array of {"what", "tag", "message", ...} (see README), or
 * NULL when out of memory.  Both are "releases" sections of the state.
 */
json_t *releases_diff(const json_t *old, const json_t *now);

/* What the local side knows, for releases_warnings(). */
struct releases_local {
	const char *github;		/* owner/repo in mirrors.json */
	const char *renamed_to;		/* full_name after a 301, or NULL */
	const char *branch;		/* the mirrored branch, or NULL */
	const struct license_report *main_license;	/* or NULL */
};

/*
 * Returns the warnings about repo (its reduced form) as an array of
 * {"what", "message"}: archived, renamed, default-branch, license; or NULL
 * when out of memory.
 */
json_t *releases_warnings(const json_t *repo, const struct releases_local *l);

#endif
