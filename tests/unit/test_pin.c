/*
 * test_pin.c - pinning fingerprints (pin.h): which verdicts a person may
 * pin, and pin_write() on a temporary copy of a mirrors.json (key order
 * kept, 2-space indentation, an unchanged file not rewritten, the count of
 * changed entries, the mode and a symlinked file kept).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "pin.h"
#include "util.h"
#include "unit_util.h"

#define SHA_OLD "72359301af1a48d07b5472c9349b282bb1c1843fb6af1bdae37d5748068a4376"
#define SHA_1 "1111111111111111111111111111111111111111111111111111111111111111"
#define SHA_2 "2222222222222222222222222222222222222222222222222222222222222222"

/* Hand-written: 4-space indentation, keys in no order dsmirror chose. */
static const char config_text[] =
    "{\n"
    "    \"version\": 1,\n"
    "    \"repos\": [\n"
    "        {\n"
    "            \"url\": \"https://example.org/a.git\",\n"
    "            \"name\": \"a\",\n"
    "            \"licenses\": [\n"
    "                {\"sha256\": \"" SHA_OLD "\", \"path\": \"LICENSE\", "
    "\"spdx\": \"MIT\"},\n"
    "                {\"path\": \"MODEL\"}\n"
    "            ]\n"
    "        },\n"
    "        {\"name\": \"b\", \"url\": \"https://example.org/b.git\", "
    "\"licenses\": [{\"path\": \"LICENSE\"}]}\n"
    "    ],\n"
    "    \"root\": \"mirrors\"\n"
    "}\n";

/* The same after pinning a's two files. */
static const char pinned_text[] =
    "{\n"
    "  \"version\": 1,\n"
    "  \"repos\": [\n"
    "    {\n"
    "      \"url\": \"https://example.org/a.git\",\n"
    "      \"name\": \"a\",\n"
    "      \"licenses\": [\n"
    "        {\n"
    "          \"sha256\": \"" SHA_1 "\",\n"
    "          \"path\": \"LICENSE\",\n"
    "          \"spdx\": \"MIT\"\n"
    "        },\n"
    "        {\n"
    "          \"path\": \"MODEL\",\n"
    "          \"sha256\": \"" SHA_2 "\"\n"
    "        }\n"
    "      ]\n"
    "    },\n"
    "    {\n"
    "      \"name\": \"b\",\n"
    "      \"url\": \"https://example.org/b.git\",\n"
    "      \"licenses\": [\n"
    "        {\n"
    "          \"path\": \"LICENSE\"\n"
    "        }\n"
    "      ]\n"
    "    }\n"
    "  ],\n"
    "  \"root\": \"mirrors\"\n"
    "}\n";

static void
test_allowed(void **state)
{
	static const struct {
		enum license_verdict verdict;
		int sha;	/* a fingerprint was read */
		int pin;	/* mirrors.json had a pin */
		int want;
	} cases[] = {
		{ VERDICT_OK, 1, 0, 1 },
		{ VERDICT_OK, 1, 1, 1 },
		{ VERDICT_OK, 0, 0, 1 },	/* nothing to lose */
		{ VERDICT_OK, 0, 1, 0 },	/* would drop the pin */
		{ VERDICT_CHANGED, 1, 1, 1 },	/* what pin is for */
		{ VERDICT_CHANGED, 1, 0, 1 },
		{ VERDICT_CHANGED, 0, 1, 0 },	/* too large: no fingerprint */
		{ VERDICT_CHANGED, 0, 0, 1 },
		{ VERDICT_NOT_EXPECTED, 1, 0, 0 },
		{ VERDICT_NOT_EXPECTED, 1, 1, 0 },
		{ VERDICT_NOT_EXPECTED, 0, 0, 0 },
		{ VERDICT_NOT_EXPECTED, 0, 1, 0 },
		{ VERDICT_MISSING, 0, 0, 0 },
		{ VERDICT_MISSING, 0, 1, 0 },
		{ VERDICT_MISSING, 1, 0, 0 },
		{ VERDICT_NO_MIRROR, 0, 0, 0 },
		{ VERDICT_NO_MIRROR, 0, 1, 0 },
		{ VERDICT_NO_MIRROR, 1, 1, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct license_spec spec = { "LICENSE", "MIT",
		    cases[i].pin ? (char *)SHA_OLD : NULL };
		struct license_report l = { .spec = &spec,
		    .verdict = cases[i].verdict };
		if (cases[i].sha)
			memcpy(l.sha256, SHA_1, sizeof(l.sha256));
		if (pin_allowed(&l) != cases[i].want)
			fail_msg("%s, fingerprint %d, pin %d: allowed %d, want %d",
			    license_verdict_name(cases[i].verdict), cases[i].sha,
			    cases[i].pin, pin_allowed(&l), cases[i].want);
	}
}

struct fixture {
	char dir[64];
	char path[96];
	struct config *cfg;
	struct repo_result r[2];	/* a, b */
	struct license_report lic[2][2];
	char *out;
	size_t outlen;
	FILE *outf;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	if (ut_make_temp_dir(f->dir, sizeof(f->dir), "pin") != 0)
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/mirrors.json", f->dir);
	ut_write_file(f->path, config_text);
	if (ut_config_load(&f->cfg, f->path) != 0)
		return -1;
	/* a verified: LICENSE changed, MODEL read for the first time. */
	for (size_t i = 0; i < 2; i++) {
		struct repo_result *r = &f->r[i];
		r->spec = &f->cfg->repos[i];
		r->licenses = f->lic[i];
		r->nlicenses = r->spec->nlicenses;
		for (size_t j = 0; j < r->nlicenses; j++)
			f->lic[i][j].spec = &r->spec->licenses[j];
	}
	f->r[0].verified = 1;
	f->lic[0][0].verdict = VERDICT_CHANGED;
	memcpy(f->lic[0][0].sha256, SHA_1, sizeof(SHA_1));
	memcpy(f->lic[0][1].sha256, SHA_2, sizeof(SHA_2));
	/* b not verified in this run: its fingerprint must not be used. */
	memcpy(f->lic[1][0].sha256, SHA_1, sizeof(SHA_1));
	f->outf = open_memstream(&f->out, &f->outlen);
	if (f->outf == NULL)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	int rc = ut_remove_dir(f->dir);

	fclose(f->outf);
	free(f->out);
	config_free(f->cfg);
	free(f);
	return rc;
}

/* Fails when the folder holds more than n entries or a temporary file. */
static void
expect_entries(const char *dir, int n)
{
	assert_int_equal(ut_count_entries(dir), n);

}

static const char *
printed(struct fixture *f)
{
	assert_int_equal(fflush(f->outf), 0);
	return f->out != NULL ? f->out : "";
}

static void
test_write(void **state)
{
	struct fixture *f = *state;
	size_t changed = 99;
	char *text;

	assert_null(pin_write(f->path, f->r, 2, f->outf, &changed));
	assert_int_equal(changed, 2);
	text = ut_slurp(f->path);
	assert_string_equal(text, pinned_text);
	free(text);
	assert_string_equal(printed(f),
	    "a LICENSE: pinned sha256 " SHA_1 " (was " SHA_OLD ")\n"
	    "a MODEL: pinned sha256 " SHA_2 " (was none)\n");
	expect_entries(f->dir, 1);

	/* The file written is a valid configuration with the new pins. */
	struct config *cfg;
	assert_null(config_load(&cfg, f->path));
	assert_string_equal(cfg->repos[0].licenses[0].sha256, SHA_1);
	assert_string_equal(cfg->repos[0].licenses[1].sha256, SHA_2);
	assert_null(cfg->repos[1].licenses[0].sha256);
	config_free(cfg);
}

static void
test_unchanged(void **state)
{
	struct fixture *f = *state;
	struct stat st0, st1;
	size_t changed = 99;
	char *text;

	/* The fingerprints read are the pins: nothing changes. */
	memcpy(f->lic[0][0].sha256, SHA_OLD, sizeof(SHA_OLD));
	f->lic[0][1].sha256[0] = '\0';	/* no fingerprint: not pinned */
	assert_int_equal(stat(f->path, &st0), 0);
	assert_null(pin_write(f->path, f->r, 2, f->outf, &changed));
	assert_int_equal(changed, 0);
	assert_string_equal(printed(f), "");
	/* Not rewritten: the same file, still in its own layout. */
	assert_int_equal(stat(f->path, &st1), 0);
	assert_true(st0.st_ino == st1.st_ino);
	assert_true(st0.st_mtim.tv_sec == st1.st_mtim.tv_sec &&
	    st0.st_mtim.tv_nsec == st1.st_mtim.tv_nsec);
	text = ut_slurp(f->path);
	assert_string_equal(text, config_text);
	free(text);

	/* Nothing verified, or no results at all: nothing changes either. */
	memcpy(f->lic[0][0].sha256, SHA_1, sizeof(SHA_1));
	f->r[0].verified = 0;
	assert_null(pin_write(f->path, f->r, 2, NULL, &changed));
	assert_int_equal(changed, 0);
	assert_null(pin_write(f->path, NULL, 0, NULL, &changed));
	assert_int_equal(changed, 0);
	assert_int_equal(stat(f->path, &st1), 0);
	assert_true(st0.st_ino == st1.st_ino);

	/* A second pin of the same fingerprints changes nothing. */
	f->r[0].verified = 1;
	memcpy(f->lic[0][1].sha256, SHA_2, sizeof(SHA_2));
	assert_null(pin_write(f->path, f->r, 2, NULL, &changed));
	assert_int_equal(changed, 2);
	assert_int_equal(stat(f->path, &st0), 0);
	assert_null(pin_write(f->path, f->r, 2, f->outf, &changed));
	assert_int_equal(changed, 0);
	assert_int_equal(stat(f->path, &st1), 0);
	assert_true(st0.st_ino == st1.st_ino);
	assert_string_equal(printed(f), "");
	expect_entries(f->dir, 1);
}

static void
test_only_some(void **state)
{
	struct fixture *f = *state;
	size_t changed = 0;
	char *text;

	/* Only the repos given: b verified alone pins b alone. */
	f->r[1].verified = 1;
	assert_null(pin_write(f->path, &f->r[1], 1, NULL, &changed));
	assert_int_equal(changed, 1);
	text = ut_slurp(f->path);
	assert_non_null(strstr(text, "\"sha256\": \"" SHA_OLD "\""));
	assert_null(strstr(text, SHA_2));
	free(text);
	struct config *cfg;
	assert_null(config_load(&cfg, f->path));
	assert_string_equal(cfg->repos[1].licenses[0].sha256, SHA_1);
	assert_string_equal(cfg->repos[0].licenses[0].sha256, SHA_OLD);
	assert_null(cfg->repos[0].licenses[1].sha256);
	config_free(cfg);
}

static void
test_mode_and_symlink(void **state)
{
	struct fixture *f = *state;
	char real[128], *text;
	struct stat st;
	size_t changed;

	/* The file's mode is kept. */
	assert_int_equal(chmod(f->path, 0600), 0);
	assert_null(pin_write(f->path, f->r, 2, NULL, &changed));
	assert_int_equal(changed, 2);
	assert_int_equal(stat(f->path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);

	/* A symlinked mirrors.json: the target is replaced, the link kept. */
	snprintf(real, sizeof(real), "%s/real.json", f->dir);
	assert_int_equal(rename(f->path, real), 0);
	ut_write_file(real, config_text);
	assert_int_equal(symlink("real.json", f->path), 0);
	assert_null(pin_write(f->path, f->r, 2, NULL, &changed));
	assert_int_equal(changed, 2);
	assert_int_equal(lstat(f->path, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	text = ut_slurp(real);
	assert_string_equal(text, pinned_text);
	free(text);
	expect_entries(f->dir, 2);
}

static void
test_errors(void **state)
{
	struct fixture *f = *state;
	struct dsm_error *err;
	char path[128];
	size_t changed = 99;

	/* No such file: an error naming it. */
	snprintf(path, sizeof(path), "%s/none.json", f->dir);
	err = pin_write(path, f->r, 2, NULL, &changed);
	assert_non_null(err);
	assert_int_equal(err->kind, DSM_ERR_SYSTEM);
	assert_non_null(strstr(err->msg, path));
	assert_int_equal(changed, 0);
	dsm_error_free(err);

	/* Edited into invalid JSON since it was loaded: FILE:LINE:COL. */
	ut_write_file(f->path, "{\"version\": 1,\n \"repos\": [}\n");
	err = pin_write(f->path, f->r, 2, f->outf, &changed);
	assert_non_null(err);
	assert_int_equal(err->kind, DSM_ERR_USAGE);
	snprintf(path, sizeof(path), "%s:2:", f->path);
	assert_non_null(strstr(err->msg, path));
	dsm_error_free(err);
	assert_string_equal(printed(f), "");

	/* Duplicate keys are refused as when loading. */
	ut_write_file(f->path, "{\"version\": 1, \"version\": 1, \"repos\": []}");
	err = pin_write(f->path, f->r, 2, NULL, &changed);
	assert_non_null(err);
	dsm_error_free(err);
	expect_entries(f->dir, 1);
}

int
main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_allowed),
		T(test_write),
		T(test_unchanged),
		T(test_only_some),
		T(test_mode_and_symlink),
		T(test_errors),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
