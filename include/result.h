/*
 * result.h - the result of a run, as data.
 *
 * Workers fill one struct repo_result per repo; reporters (report_*.c) print
 * them; main.c derives the exit status from them.  Nothing here prints.
 */
#ifndef DSM_RESULT_H
#define DSM_RESULT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "config.h"
#include "license.h"

#define OID_HEX 40

enum fetch_result {
	FETCH_SKIPPED,		/* not asked for in this run */
	FETCH_CLONED,
	FETCH_UPDATED,
	FETCH_UNCHANGED,
	FETCH_REPAIRED,		/* damage found and mended from upstream */
	FETCH_ERROR,
};

/* A ref the fetch created, moved or deleted.  old/new are "" for none. */
struct ref_update {
	char *ref;
	char old[OID_HEX + 1];
	char new[OID_HEX + 1];
};

/* An old tip kept reachable under refs/dsmirror/preserved/. */
struct ref_preserved {
	char *ref;		/* the ref upstream rewrote or deleted */
	char *as;		/* the ref that now keeps its old tip */
	char oid[OID_HEX + 1];
};

/* What maintenance (maint.h) did to a mirror; reported when it ran. */
struct maint_report {
	int ran;		/* it packed refs or consolidated packs */
	size_t packs_before;
	size_t packs_after;
	size_t refs_packed;	/* loose ref files packed into packed-refs */
};

struct fetch_report {
	enum fetch_result result;
	char head[OID_HEX + 1];	/* commit at the mirror's HEAD, or "" */
	char *head_ref;		/* e.g. "refs/heads/main", or NULL */
	char *error;		/* why the fetch failed, or NULL */
	char *damage;		/* what was found damaged (repaired), or NULL */
	char *url;		/* the upstream followed, without credentials
				   (set when the fetch succeeded), or NULL */
	char *note;		/* the url changed: what dsmirror made of it,
				   or NULL */
	struct ref_update *updated;
	size_t nupdated;
	struct ref_preserved *preserved;
	size_t npreserved;
	uint64_t received_bytes;
	uint64_t received_objects;
	double seconds;
	struct maint_report maint;	/* after the fetch (maint.h) */
};

enum gc_result {
	GC_SKIPPED,	/* not asked for */
	GC_DONE,	/* packs consolidated or refs packed */
	GC_UNCHANGED,	/* one pack already, no loose ref */
	GC_NO_MIRROR,	/* nothing to do: not cloned yet */
	GC_ERROR,
};

/* dsmirror gc of one mirror. */
struct gc_report {
	enum gc_result result;
	struct maint_report maint;
	char *error;		/* why it failed, or NULL */
	double seconds;
};

enum fsck_result {
	FSCK_SKIPPED,	/* not asked for */
	FSCK_OK,	/* every object whole, nothing to repair */
	FSCK_REPAIRED,	/* damage found and mended (from upstream, or from
			   what the damaged packs still held) */
	FSCK_DAMAGED,	/* still damaged after trying */
	FSCK_NO_MIRROR,	/* not cloned yet: nothing to check */
};

/* dsmirror fsck of one mirror. */
struct fsck_report {
	enum fsck_result result;
	char *detail;		/* what was found, repaired or still damaged,
				   and what to do ("; " between), or NULL */
	uint64_t objects;	/* objects read (the last check) */
	uint64_t packs;		/* packs whose checksums were checked */
	double seconds;
};

/*
 * A file of the tree whose license is not the code's (or unknown): its
 * notices and whether mirrors.json accepts them.
 */
struct inv_finding {
	char *path;
	char *license;		/* its licenses, ", " between ("MIT, GPL-3.0") */
	char *evidence;		/* the lines that say so, "; " between */
	char sha256[65];	/* fingerprint of its notices */
	int accepted;		/* mirrors.json accepts it as it is */
};

/* The license inventory of the tree at the verified tip. */
struct inventory_report {
	int ran;		/* made (verify ran on a readable tip) */
	char *expected;		/* the code's license, or NULL: none set */
	char *error;		/* why the tree could not be read whole, or NULL */
	json_t *counts;		/* {"MIT": 22, "Apache-2.0": 1, "none": 6} */
	struct inv_finding *findings;
	size_t nfindings;
	size_t files;		/* files of the tree */
	size_t binary, minified, large, deep; /* skipped */
	size_t read;		/* blobs read by this run (the rest: cache) */
	int incremental;	/* from the last inventoried commit's results */
	double seconds;
	json_t *section;	/* the "inventory" state section to record, or
				   NULL */
};

/* Whether r's inventory has a finding mirrors.json does not accept. */
int inventory_failed(const struct inventory_report *r);

/* Returns the inventory as {"expected", "counts", "findings": [...], ...}. */
json_t *inventory_report_to_json(const struct inventory_report *r);

/* Frees what r owns and zeroes it. */
void inventory_report_clear(struct inventory_report *r);

enum license_verdict {
	VERDICT_OK,
	VERDICT_CHANGED,	/* fingerprint differs from the pin */
	VERDICT_NOT_EXPECTED,	/* the text is not the license named by spdx */
	VERDICT_MISSING,	/* no such file at the tip of the branch */
	VERDICT_NO_MIRROR,	/* no mirror to check (not cloned, unreadable) */
	VERDICT_DAMAGED,	/* the mirror cannot read the tip commit, the
				   tree or the blob: its fault, not upstream's */
};

struct license_report {
	const struct license_spec *spec;	/* belongs to the config */
	enum license_verdict verdict;
	char sha256[65];	/* fingerprint of the text, or "" */
	char blob[OID_HEX + 1];	/* the file's blob id, or "" */
	char *detail;		/* why it is not ok, or NULL */
	char *against;		/* what the change is against: a commit id
				   (last accepted text) or "template" */
	struct license_change change;
};

enum release_result {
	RELEASE_SKIPPED,	/* not asked for, or no "github" */
	RELEASE_CHANGED,	/* something changed since the last check */
	RELEASE_UNCHANGED,
	RELEASE_NONE,		/* the repo has no release (yet) */
	RELEASE_ERROR,
};

/* The release check of a repo; the JSON values are releases.h's forms. */
struct release_report {
	enum release_result result;
	json_t *latest;		/* the latest release, or NULL */
	json_t *repo;		/* GitHub's view of the repo, or NULL */
	json_t *changes;	/* [{"what", "tag", "message", ...}], or NULL */
	json_t *warnings;	/* [{"what", "message"}], or NULL */
	char *renamed_to;	/* owner/repo after a permanent redirect */
	char *error;		/* why the check failed, or NULL */
	char checked_at[21];	/* "2026-11-23T10:15:00Z" of this check */
	unsigned long requests;		/* HTTP requests made for it */
	unsigned long not_modified;	/* ... answered 304 */
	json_t *section;	/* the "releases" section to record (owned), or
				   NULL: nothing to record (the check failed) */
	int interrupted;	/* the check failed because the run was asked
				   to stop: not a failure of the API */
};

struct repo_result {
	const struct repo_spec *spec;	/* belongs to the config */
	json_t *state;			/* the recorded state (state.h), read
					   once at the start of the run and,
					   after it records, what it wrote; or
					   NULL (none, or unreadable) */
	char *state_note;		/* why the state file was unreadable, or
					   NULL */
	int state_reset;		/* the unreadable file was set aside and
					   the state started afresh (the note
					   says so) */
	int mirrored;			/* status: the mirror exists */
	int unlisted_failures;		/* status: recorded verdicts, not ok,
					   of files mirrors.json no longer
					   lists */
	struct fetch_report fetch;
	struct release_report release;
	struct gc_report gc;
	struct fsck_report fsck;
	struct inventory_report inventory;
	int verified;			/* licenses[] is filled */
	struct license_report *licenses;
	size_t nlicenses;
};

/* Returns the JSON name of r ("cloned", ...). */
const char *fetch_result_name(enum fetch_result r);

/*
 * Returns m as {"packs_before", "packs_after", "refs_packed"}, or NULL when
 * out of memory; maint_report_from_json() reads it back (NULL or not an
 * object: maintenance did not run).
 */
json_t *maint_report_to_json(const struct maint_report *m);
void maint_report_from_json(struct maint_report *m, const json_t *obj);

/*
 * Returns the fetch report as the JSON object of SPEC.md ("result", "head",
 * "error", plus "head_ref", "updated", "preserved", "received_bytes",
 * "seconds"), or NULL when out of memory.  The caller owns the reference.
 */
json_t *fetch_report_to_json(const struct fetch_report *f);

/*
 * Reads an object made by fetch_report_to_json() back into *f (which the
 * caller has zeroed).  Returns 0, or -1 when the object is malformed;
 * either way *f must then be released with fetch_report_clear().
 */
int fetch_report_from_json(struct fetch_report *f, const json_t *obj);

/* Frees what f owns and zeroes it.  NULL is not allowed. */
void fetch_report_clear(struct fetch_report *f);

/* Returns the JSON name of r ("done", ...). */
const char *gc_result_name(enum gc_result r);

/*
 * Returns the gc report as {"result", "error", "maintenance", "seconds"},
 * or NULL when out of memory.  The caller owns the reference.
 */
json_t *gc_report_to_json(const struct gc_report *g);

/* Returns the JSON name of r ("ok", "repaired", ...). */
const char *fsck_result_name(enum fsck_result r);

/*
 * Returns the fsck report as {"result", "detail", "objects", "packs",
 * "seconds"}, or NULL when out of memory; fsck_report_from_json() reads it
 * back into *f (zeroed; released with fsck_report_clear()): 0, or -1 when
 * malformed.
 */
json_t *fsck_report_to_json(const struct fsck_report *f);
int fsck_report_from_json(struct fsck_report *f, const json_t *obj);
void fsck_report_clear(struct fsck_report *f);

/* Returns the JSON name of r ("changed", ...). */
const char *release_result_name(enum release_result r);

/*
 * Returns the release report as the JSON object of SPEC.md ("result",
 * "latest_tag", plus "latest", "repo", "changes", "warnings",
 * "renamed_to", "error", "checked_at", "requests", "not_modified"), or
 * NULL when out of memory.  The caller owns the reference.
 */
json_t *release_report_to_json(const struct release_report *r);

/* Frees what r owns and zeroes it. */
void release_report_clear(struct release_report *r);

/*
 * Marks the check of r failed with msg (taken over; NULL: out of memory):
 * result error, nothing to record.
 */
void release_report_fail(struct release_report *r, char *msg);

/* Returns the JSON name of v ("ok", "not-expected", ...). */
const char *license_verdict_name(enum license_verdict v);

/* Returns the verdict named name, or -1 when no verdict has that name. */
int license_verdict_from_name(const char *name);

/*
 * Returns the JSON object of one license file ("path", "verdict", "spdx",
 * "sha256", plus "pinned", "blob", "detail", "change"), or NULL when out of
 * memory.  The caller owns the reference.
 */
json_t *license_report_to_json(const struct license_report *l);

/* Frees what the repo's license reports own; NULL-safe fields. */
void repo_result_clear_licenses(struct repo_result *r);

/* Frees what r owns (its reports and state) and zeroes it, keeping spec. */
void repo_result_clear(struct repo_result *r);

/*
 * Returns whether r's license verdicts are stale: verified on the mirror as
 * it was, because this run's fetch of it failed.
 */
int result_is_stale(const struct repo_result *r);

/*
 * Returns the width of the name column for results: the longest name, at
 * least min, ignoring names longer than RESULT_MAX_NAME_WIDTH.
 */
#define RESULT_MAX_NAME_WIDTH	40
int result_name_width(const struct repo_result *results, size_t n, int min);

/*
 * Returns the process exit status that results describe (SPEC.md): 1 when
 * a license is not ok (unlisted_failures count too), else 3 when a fetch or
 * a release check failed, else 0.
 */
int result_exit_status(const struct repo_result *results, size_t n);

#endif
