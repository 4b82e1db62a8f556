/*
 * fuzz_config.c - the mirrors.json loader on arbitrary bytes.
 *
 * Each input is a mirrors.json text.  It is parsed twice: from memory with
 * config_parse(), and from a file with config_load() (a memfd reached
 * through /proc/self/fd), and the two must agree.  What config.h promises
 * is checked: on failure *out is NULL and the message is
 * "FILE:...: what is wrong", one printable line (main.c prints it as it
 * is); on success every string is within its grammar and everything the
 * configuration owns is freed by config_free() (LeakSanitizer checks).
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check.h"
#include "config.h"
#include "license.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The file config_load() reads: a memfd, so no disk is touched. */
static int memfd = -1;
static char memfd_path[64];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	memfd = memfd_create("mirrors.json", MFD_CLOEXEC);
	CHECK(memfd != -1, "memfd_create");
	snprintf(memfd_path, sizeof(memfd_path), "/proc/self/fd/%d", memfd);
	return 0;
}

/*
 * Whether s (or NULL) is free of C0 controls and DEL, as config.c checks
 * values.  C1 controls may be in a value (git allows such a file name);
 * they are replaced where a value is printed, and in messages (below).
 */
static int
no_control(const char *s)
{
	if (s == NULL)
		return 1;
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

/* What a loaded configuration must look like. */
static void
check_config(const struct config *cfg)
{
	size_t api_len = strlen(cfg->api);

	CHECK(strcmp(cfg->path, memfd_path) == 0, "path kept as given");
	CHECK(cfg->root != NULL && cfg->root[0] != '\0' &&
	    no_control(cfg->root), "root is a path");
	CHECK(api_len > 0 && cfg->api[api_len - 1] != '/' &&
	    no_control(cfg->api), "api has no trailing '/' (config.h)");
	CHECK(cfg->nrepos <= CONFIG_MAX_REPOS, "CONFIG_MAX_REPOS");
	for (size_t i = 0; i < cfg->nrepos; i++) {
		const struct repo_spec *r = &cfg->repos[i];

		CHECK(config_name_is_valid(r->name), "names are valid");
		CHECK(config_find(cfg, r->name) == r, "names are unique");
		CHECK(r->url != NULL && no_control(r->url) &&
		    no_control(r->github) && no_control(r->branch),
		    "url, github and branch are plain");
		CHECK(r->nrefs >= 1 && r->nrefs <= CONFIG_MAX_REFS,
		    "1 to CONFIG_MAX_REFS ref patterns");
		for (size_t j = 0; j < r->nrefs; j++)
			CHECK(r->refs[j] != NULL &&
			    strncmp(r->refs[j], "refs/", 5) == 0 &&
			    strncmp(r->refs[j], "refs/dsmirror/", 14) != 0 &&
			    no_control(r->refs[j]), "ref patterns under refs/");
		CHECK(r->nlicenses <= CONFIG_MAX_LICENSES,
		    "CONFIG_MAX_LICENSES");
		for (size_t j = 0; j < r->nlicenses; j++) {
			const struct license_spec *l = &r->licenses[j];

			CHECK(l->path != NULL && l->path[0] != '/' &&
			    no_control(l->path), "license paths are relative");
			CHECK(l->spdx == NULL || license_known(l->spdx),
			    "spdx is a license dsmirror knows");
			CHECK(l->sha256 == NULL || (strlen(l->sha256) == 64 &&
			    strspn(l->sha256, "0123456789abcdef") == 64),
			    "sha256 is 64 lowercase hex digits");
		}
	}
}

/* What a rejection must look like: one printable line naming the file. */
static void
check_error(const struct dsm_error *err)
{
	size_t n = strlen(memfd_path), len = strlen(err->msg);

	CHECK(err->kind == DSM_ERR_USAGE, "a bad file is a usage error");
	CHECK(strncmp(err->msg, memfd_path, n) == 0 && err->msg[n] == ':',
	    "the message starts with FILE:");
	CHECK(!check_has_control(err->msg, len),
	    "no control characters in a message (main.c prints it as is)");
	/* Also jansson's, which quotes a bad token's bytes: util_sanitize(). */
	CHECK(check_utf8(err->msg, len), "the message is valid UTF-8");
}

/* config_load() on the same bytes, through the memfd. */
static struct dsm_error *
load_from_file(struct config **out, const uint8_t *data, size_t size)
{
	CHECK(ftruncate(memfd, 0) == 0, "ftruncate");
	CHECK(size == 0 || pwrite(memfd, data, size, 0) == (ssize_t)size,
	    "pwrite");
	return config_load(out, memfd_path);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config *cfg = (struct config *)1, *loaded = (struct config *)1;
	struct dsm_error *err, *lerr;

	/* config_load() refuses a larger file before parsing it. */
	if (size > CONFIG_MAX_SIZE)
		return 0;
	err = config_parse(&cfg, memfd_path, (const char *)data, size);
	lerr = load_from_file(&loaded, data, size);
	if (err != NULL) {
		CHECK(cfg == NULL, "*out is NULL on failure");
		check_error(err);
		CHECK(lerr != NULL && loaded == NULL &&
		    strcmp(err->msg, lerr->msg) == 0,
		    "config_load() agrees with config_parse()");
	} else {
		CHECK(cfg != NULL, "*out is set on success");
		check_config(cfg);
		CHECK(lerr == NULL && loaded != NULL &&
		    loaded->nrepos == cfg->nrepos &&
		    strcmp(loaded->root, cfg->root) == 0,
		    "config_load() agrees with config_parse()");
	}
	dsm_error_free(err);
	dsm_error_free(lerr);
	config_free(cfg);
	config_free(loaded);
	return 0;
}
