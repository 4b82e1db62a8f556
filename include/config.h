/*
 * config.h - mirrors.json: loading and validating the list of mirrors.
 *
 * The file format is version 1 as described in SPEC.md and README.md.  A
 * configuration is either wholly valid or rejected with an error that names
 * the file, the line and column, and the key path of the offending value;
 * loading never touches anything on disk besides reading the file.
 */
#ifndef DSM_CONFIG_H
#define DSM_CONFIG_H

#include <stddef.h>

#include "error.h"

#define CONFIG_VERSION		1
#define CONFIG_MAX_SIZE		(1024 * 1024)	/* bytes of mirrors.json */
#define CONFIG_MAX_REPOS	4096
#define CONFIG_MAX_NAME		100		/* bytes of a repo name */
#define CONFIG_MAX_URL		2048
#define CONFIG_MAX_LICENSES	16		/* license files per repo */
#define CONFIG_MAX_REFS		16		/* ref patterns per repo */
#define CONFIG_MAX_PATH		1024		/* a license file's path */
#define CONFIG_MAX_ACCEPTED	10000		/* accepted inventory findings */
#define CONFIG_MAX_ACCEPTED_LICENSE 1200	/* bytes of one's licenses */
#define CONFIG_DEFAULT_ROOT	"mirrors"
#define CONFIG_DEFAULT_API	"https://api.github.com"

struct license_spec {
	char *path;		/* in the tree at the tip of the branch */
	char *spdx;		/* expected license, or NULL */
	char *sha256;		/* pinned fingerprint (64 hex), or NULL */
};

/*
 * A file of the tree whose license is not the code's, accepted after a
 * person reviewed it (dsmirror pin): by path and the fingerprint of its
 * notices (inventory.h), never by commit.
 */
struct accepted_spec {
	char *path;
	char *license;		/* what was accepted ("Apache-2.0, MIT") */
	char *sha256;		/* 64 hex */
};

struct repo_spec {
	char *name;		/* letters, digits, '.', '_', '-' */
	char *url;		/* upstream */
	char *github;		/* "owner/repo", or NULL */
	char *branch;		/* branch to verify, or NULL: upstream HEAD */
	char **refs;		/* ref patterns mirrored (SPEC.md "refs") */
	size_t nrefs;
	struct license_spec *licenses;
	size_t nlicenses;
	char *code_license;	/* the license expected of the tree's files
				   ("MIT"; default: the spdx of the first
				   licenses[] entry with one), or NULL */
	int inventory;		/* the tree inventory is made (default 1) */
	struct accepted_spec *accepted;
	size_t naccepted;
};

struct config {
	char *path;		/* the file as given */
	char *root;		/* mirror root, resolved against path's folder */
	char *api;		/* GitHub REST API base URL, no trailing '/' */
	struct repo_spec *repos;
	size_t nrepos;
};

/*
 * Loads and validates the configuration at path.  On success sets *out to a
 * configuration the caller frees with config_free().  On failure returns a
 * DSM_ERR_USAGE error "FILE:LINE:COL: KEY.PATH: what is wrong" and sets *out
 * to NULL.
 */
struct dsm_error *config_load(struct config **out, const char *path);

/*
 * Like config_load(), for a text already in memory; path only names it in
 * messages and anchors a relative root.
 */
struct dsm_error *config_parse(struct config **out, const char *path,
    const char *text, size_t len);

/* Returns the repo called name, or NULL.  The result belongs to cfg. */
const struct repo_spec *config_find(const struct config *cfg,
    const char *name);

/* Frees cfg; NULL is allowed. */
void config_free(struct config *cfg);

/*
 * Why an accepted[] entry of path and license would not load (the rules
 * config_load() holds it to), or NULL when it would: pin refuses to write
 * what it could not read back.
 */
const char *config_check_accepted(const char *path, const char *license);

/* Returns whether name is a valid repo name (never a path). */
int config_name_is_valid(const char *name);

#endif
