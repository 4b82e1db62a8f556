/*
 * pin.c - write fingerprints into mirrors.json, atomically.
 *
 * The file is read again with jansson (which keeps the order of keys), the
 * "sha256" of each license entry is set, and the whole is written back.  The
 * configuration was validated before, so its shape is known.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "config.h"
#include "pin.h"
#include "util.h"

int
pin_allowed(const struct license_report *l)
{
	/* No fingerprint (too large to be a license): no pin. */
	return (l->verdict == VERDICT_OK || l->verdict == VERDICT_CHANGED) &&
	    (l->sha256[0] != '\0' || l->spec->sha256 == NULL);
}

static const struct repo_result *
find_result(const struct repo_result *results, size_t n, const char *name)
{
	for (size_t i = 0; name != NULL && i < n; i++)
		if (strcmp(results[i].spec->name, name) == 0)
			return &results[i];
	return NULL;
}

static const struct license_report *
find_license(const struct repo_result *r, const char *path)
{
	for (size_t i = 0; path != NULL && i < r->nlicenses; i++)
		if (strcmp(r->licenses[i].spec->path, path) == 0)
			return &r->licenses[i];
	return NULL;
}

/* Sets the pins of one repo object; counts and prints what changed. */
static int
pin_repo(json_t *repo, const struct repo_result *r, FILE *out,
    size_t *changed)
{
	json_t *lic;
	size_t i;

	json_array_foreach(json_object_get(repo, "licenses"), i, lic) {
		const char *path = json_string_value(json_object_get(lic,
		    "path"));
		const char *old = json_string_value(json_object_get(lic,
		    "sha256"));
		const struct license_report *l = find_license(r, path);
		if (l == NULL || l->sha256[0] == '\0' ||
		    (old != NULL && strcmp(old, l->sha256) == 0))
			continue;
		/* Print first: setting the key frees the old string. */
		if (out != NULL)
			fprintf(out, "%s %s: pinned sha256 %s (was %s)\n",
			    r->spec->name, path, l->sha256,
			    old != NULL ? old : "none");
		if (json_object_set_new(lic, "sha256",
		    json_string(l->sha256)) == -1)
			return -1;
		(*changed)++;
	}
	return 0;
}

/*
 * Sets the repo's "accepted" to the inventory's findings as they are now
 * (a finding gone from the tree is no longer accepted); prints each new or
 * changed one.
 */
static int
pin_inventory(json_t *repo, const struct repo_result *r, FILE *out,
    size_t *changed)
{
	const struct inventory_report *inv = &r->inventory;
	json_t *list, *old = json_object_get(repo, "accepted");
	size_t before = json_array_size(old);

	if (!inv->ran || inv->error != NULL)
		return 0;
	if ((list = json_array()) == NULL)
		return -1;
	for (size_t i = 0; i < inv->nfindings; i++) {
		const struct inv_finding *f = &inv->findings[i];
		if (json_array_append_new(list, json_pack("{s:s, s:s, s:s}",
		    "path", f->path, "license", f->license, "sha256",
		    f->sha256)) == -1) {
			json_decref(list);
			return -1;
		}
		if (f->accepted)
			continue;
		if (out != NULL) {
			char path[512], lic[256], ev[512];
			fprintf(out, "%s %s: accepted %s (sha256 %s): %s\n",
			    r->spec->name, util_sanitize(path, sizeof(path),
			    f->path), util_sanitize(lic, sizeof(lic),
			    f->license), f->sha256, util_sanitize(ev,
			    sizeof(ev), f->evidence));
		}
		(*changed)++;
	}
	/* Entries that no finding matches any more go, and are said. */
	size_t kept = 0;
	for (size_t i = 0; i < inv->nfindings; i++)
		kept += inv->findings[i].accepted;
	if (before > kept) {
		if (out != NULL)
			fprintf(out, "%s: %zu accepted entr%s no longer match the "
			    "tree, removed\n", r->spec->name, before - kept,
			    before - kept == 1 ? "y" : "ies");
		(*changed)++;
	}
	if (json_array_size(list) == 0 && old == NULL) {
		json_decref(list);
		return 0;
	}
	return json_object_set_new(repo, "accepted", list);
}

struct dsm_error *
pin_write(const char *path, const struct repo_result *results, size_t n,
    FILE *out, size_t *changed)
{
	struct dsm_error *err = NULL;
	char real[PATH_MAX], *text = NULL;
	json_error_t jerr;
	struct stat st;
	json_t *top, *repo;
	size_t i;

	*changed = 0;
	/* Replace the file itself, not a symbolic link pointing to it. */
	if (realpath(path, real) == NULL || stat(real, &st) == -1)
		return dsm_error_errno(DSM_ERR_SYSTEM, errno, "cannot read %s",
		    path);
	top = json_load_file(real, JSON_REJECT_DUPLICATES, &jerr);
	if (top == NULL)
		return dsm_error_new(DSM_ERR_USAGE, "%s:%d:%d: %s", path,
		    jerr.line, jerr.column, jerr.text);
	json_array_foreach(json_object_get(top, "repos"), i, repo) {
		const struct repo_result *r = find_result(results, n,
		    json_string_value(json_object_get(repo, "name")));
		if (r != NULL && r->verified &&
		    (pin_repo(repo, r, out, changed) == -1 ||
		    pin_inventory(repo, r, out, changed) == -1)) {
			err = dsm_error_new(DSM_ERR_NOMEM, "out of memory");
			goto done;
		}
	}
	if (*changed == 0)
		goto done;
	text = json_dumps(top, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	char *withnl = text != NULL ? util_printf("%s\n", text) : NULL;
	if (withnl == NULL)
		err = dsm_error_new(DSM_ERR_NOMEM, "out of memory");
	else
		err = util_write_atomic(real, withnl, strlen(withnl),
		    st.st_mode & 07777);
	free(withnl);
done:
	free(text);
	json_decref(top);
	return err;
}
