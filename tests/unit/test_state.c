/*
 * test_state.c - the per-repo state files (state.h) in a temporary root:
 * none, a good one, and every kind of unreadable one (truncated, binary,
 * another version, too large, a folder, a symlink, a FIFO), which
 * state_load() sets aside as .corrupt with a note while state_read()
 * changes nothing; and a batch of writes (state_batch_*) writing each file
 * whole, never through a symlinked folder, putting in place what comes
 * before a failure that ends it, removing the temporary files a killed
 * batch left, and leaving none of its own.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "state.h"
#include "util.h"
#include "unit_util.h"

#define GOOD "{\"version\": 1, \"fetch\": {\"result\": \"updated\", " \
	"\"head\": \"1111111111111111111111111111111111111111\"}, " \
	"\"releases\": {\"checked_at\": \"2026-11-23T10:15:00Z\"}}"

struct root {
	char dir[64];		/* the mirror root */
	char sdir[128];		/* its state folder */
	char file[192];		/* the state of repo "r" */
	char aside[224];	/* ... set aside */
};

static int
setup(void **state)
{
	struct root *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return -1;
	if (ut_make_temp_dir(r->dir, sizeof(r->dir), "state") != 0)
		return -1;
	snprintf(r->sdir, sizeof(r->sdir), "%s/%s", r->dir, STATE_DIR);
	snprintf(r->file, sizeof(r->file), "%s/r.json", r->sdir);
	snprintf(r->aside, sizeof(r->aside), "%s.corrupt", r->file);
	*state = r;
	return 0;
}

static int
teardown(void **state)
{
	struct root *r = *state;
	int rc = ut_remove_dir(r->dir);

	free(r);
	return rc;

}

static void
mkstatedir(const struct root *r)
{
	assert_int_equal(mkdir(r->sdir, 0755), 0);
}

static int
exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* A batch of one: state_save() as it was. */
static struct dsm_error *
save(const char *root, const char *name, const json_t *s)
{
	struct state_batch *b;
	struct dsm_error *err;

	assert_null(state_batch_new(root, &b));
	err = state_batch_add(b, name, s, NULL);
	if (err == NULL)
		err = state_batch_commit(b, NULL, NULL);
	state_batch_free(b);
	return err;
}

static void
expect_fresh(const json_t *state)
{
	assert_non_null(state);
	assert_true(json_is_object(state));
	assert_int_equal(json_object_size(state), 1);
	assert_int_equal(json_integer_value(json_object_get(state, "version")),
	    STATE_VERSION);
}

static void
test_missing(void **state)
{
	struct root *r = *state;
	json_t *st = NULL;
	char *note = (char *)"unset";

	/* No state folder at all, then an empty one. */
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 1)
			mkstatedir(r);
		assert_null(state_load(r->dir, "r", &st, &note));
		expect_fresh(st);
		assert_null(note);
		json_decref(st);
		st = (json_t *)1;
		note = (char *)"unset";
		assert_null(state_read(r->dir, "r", &st, &note));
		assert_null(st);
		assert_null(note);
	}
	/* Loading creates nothing. */
	assert_int_equal(ut_count_entries(r->sdir), 0);
}

static void
test_good(void **state)
{
	struct root *r = *state;
	json_t *st, *want = ut_parse(GOOD);
	char *note;

	mkstatedir(r);
	ut_write_bytes(r->file, GOOD, strlen(GOOD));
	assert_null(state_load(r->dir, "r", &st, &note));
	assert_null(note);
	assert_true(json_equal(st, want));
	json_decref(st);
	assert_null(state_read(r->dir, "r", &st, &note));
	assert_null(note);
	assert_true(json_equal(st, want));
	json_decref(st);
	/* Other repos' states are other files. */
	assert_null(state_read(r->dir, "other", &st, &note));
	assert_null(st);
	json_decref(want);
	assert_int_equal(ut_count_entries(r->sdir), 1);
}

/* A state file that is unreadable, made in r's place. */
struct bad_case {
	const char *what;
	const char *data;	/* the file's bytes, or NULL: see kind */
	size_t len;
	enum { B_FILE, B_DIR, B_SYMLINK, B_FIFO, B_HUGE } kind;
	const char *why;	/* part of the note */
};

#define TEXT(s) s, sizeof(s) - 1

static const struct bad_case bad_cases[] = {
	{ "truncated", TEXT("{\"version\": 1, \"fetch\": {\"res"), B_FILE,
	    "line 1" },
	{ "empty", TEXT(""), B_FILE, "line 1, column 0" },
	{ "binary", TEXT("\x7f" "ELF\x02\x01\x01\0\0\0\xff\xfe"), B_FILE,
	    "line 1, column 1" },
	{ "NUL inside", TEXT("{\"version\": 1}\0{}"), B_FILE,
	    "line 1, column 15" },
	{ "version 2", TEXT("{\"version\": 2}"), B_FILE, "not a version 1" },
	{ "version as a string", TEXT("{\"version\": \"1\"}"), B_FILE,
	    "not a version 1" },
	{ "no version", TEXT("{\"fetch\": {}}"), B_FILE, "not a version 1" },
	{ "an array", TEXT("[{\"version\": 1}]"), B_FILE, "not a version 1" },
	{ "a number", TEXT("1"), B_FILE, "line 1, column 1" },
	{ "invalid UTF-8", TEXT("{\"version\": 1, \"a\": \"\xff\"}"), B_FILE,
	    "line 1" },
	{ "duplicate keys", TEXT("{\"version\": 1, \"version\": 1}"), B_FILE,
	    "duplicate" },
	{ "a folder", NULL, 0, B_DIR, "not a regular file" },
	{ "a symlink to a good file", NULL, 0, B_SYMLINK,
	    "not a regular file" },
	{ "a FIFO", NULL, 0, B_FIFO, "not a regular file" },
	{ "larger than the limit", NULL, 0, B_HUGE, "larger than" },
};

/* Makes bc in r's place; target is then a symlink's target, or "". */
static void
make_bad(const struct root *r, const struct bad_case *bc, char *target,
    size_t size)
{
	int fd;

	target[0] = '\0';
	switch (bc->kind) {
	case B_FILE:
		ut_write_bytes(r->file, bc->data, bc->len);
		break;
	case B_DIR:
		/* A folder holding a file, to see it moved whole. */
		assert_int_equal(mkdir(r->file, 0755), 0);
		snprintf(target, size, "%s/inside", r->file);
		ut_write_bytes(target, "x", 1);
		target[0] = '\0';
		break;
	case B_SYMLINK:
		snprintf(target, size, "%s/elsewhere.json", r->dir);
		ut_write_bytes(target, GOOD, strlen(GOOD));
		assert_int_equal(symlink(target, r->file), 0);
		break;
	case B_FIFO:
		assert_int_equal(mkfifo(r->file, 0644), 0);
		break;
	case B_HUGE:
		/* Sparse: no disk, and must not be read at all. */
		fd = open(r->file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		assert_true(fd >= 0);
		assert_int_equal(write(fd, "{", 1), 1);
		assert_int_equal(ftruncate(fd, (off_t)STATE_MAX_SIZE + 1), 0);
		close(fd);
		break;
	}
}

static void
test_unreadable(void **state)
{
	struct root *r = *state;

	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *bc = &bad_cases[i];
		char target[256], *note, *before, *after;
		struct stat st0, st1;
		size_t blen = 0, alen = 0;
		json_t *st;

		assert_null(util_remove_tree(r->sdir));
		mkstatedir(r);
		make_bad(r, bc, target, sizeof(target));
		assert_int_equal(lstat(r->file, &st0), 0);
		before = bc->kind == B_FILE ? ut_read_file(r->file, &blen) : NULL;

		/* state_read: a note, nothing on disk changed. */
		st = (json_t *)1;
		note = NULL;
		assert_null(state_read(r->dir, "r", &st, &note));
		if (st != NULL)
			fail_msg("%s: state_read read it", bc->what);
		if (note == NULL)
			fail_msg("%s: state_read gave no note", bc->what);
		ut_expect_contains(note, r->file);
		ut_expect_contains(note, bc->why);
		free(note);
		assert_int_equal(lstat(r->file, &st1), 0);
		assert_true(st0.st_ino == st1.st_ino);
		assert_false(exists(r->aside));
		if (before != NULL) {
			after = ut_read_file(r->file, &alen);
			assert_int_equal(alen, blen);
			assert_memory_equal(before, after, blen);
			free(after);
		}

		/* state_load: set aside, a fresh state, a note saying so. */
		note = NULL;
		assert_null(state_load(r->dir, "r", &st, &note));
		expect_fresh(st);
		json_decref(st);
		if (note == NULL)
			fail_msg("%s: state_load gave no note", bc->what);
		ut_expect_contains(note, r->file);
		ut_expect_contains(note, bc->why);
		ut_expect_contains(note, r->aside);
		free(note);
		assert_false(exists(r->file));
		assert_int_equal(lstat(r->aside, &st1), 0);
		/* The very same file was moved (not copied, not followed). */
		assert_true(st0.st_ino == st1.st_ino);
		assert_true((st0.st_mode & S_IFMT) == (st1.st_mode & S_IFMT));
		if (before != NULL) {
			after = ut_read_file(r->aside, &alen);
			assert_int_equal(alen, blen);
			assert_memory_equal(before, after, blen);
			free(after);
		}
		if (bc->kind == B_SYMLINK) {
			/* The link's target is nobody's business here. */
			after = ut_read_file(target, &alen);
			assert_string_equal(after, GOOD);
			free(after);
		}
		free(before);
		/* Afterwards the repo starts afresh. */
		assert_null(state_read(r->dir, "r", &st, &note));
		assert_null(st);
		assert_null(note);
	}
}

static void
test_save(void **state)
{
	struct root *r = *state;
	json_t *s = ut_parse(GOOD), *back;
	char *text, *note;
	struct stat st;
	size_t len;

	/* The folder is made; 2-space indentation, key order, a newline. */
	assert_null(save(r->dir, "r", s));
	text = ut_read_file(r->file, &len);
	assert_non_null(text);
	assert_true(len > 2 && text[len - 1] == '\n' && text[len - 2] == '}');
	assert_true(strncmp(text, "{\n  \"version\": 1,\n  \"fetch\": {\n    "
	    "\"result\"", 43) == 0);
	assert_true(strstr(text, "\"fetch\"") < strstr(text, "\"releases\""));
	free(text);
	assert_int_equal(stat(r->file, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_int_equal(ut_count_entries(r->sdir), 1);

	/* What is saved is what loads. */
	assert_null(state_load(r->dir, "r", &back, &note));
	assert_null(note);
	assert_true(json_equal(back, s));
	json_decref(back);

	/* A second save replaces the file whole: no temporary files left. */
	json_object_set_new(s, "verify", json_pack("{s:b, s:[]}", "stale", 0,
	    "licenses"));
	for (int i = 0; i < 5; i++)
		assert_null(save(r->dir, "r", s));
	assert_null(save(r->dir, "other", s));
	assert_int_equal(ut_count_entries(r->sdir), 2);
	assert_null(state_read(r->dir, "r", &back, &note));
	assert_true(json_equal(back, s));
	json_decref(back);
	json_decref(s);
}

static void
test_save_refused(void **state)
{
	struct root *r = *state;
	char elsewhere[128], path[256];
	struct dsm_error *err;
	json_t *s = ut_parse(GOOD);

	/* A symlinked state folder is never written through. */
	snprintf(elsewhere, sizeof(elsewhere), "%s/elsewhere", r->dir);
	assert_int_equal(mkdir(elsewhere, 0755), 0);
	assert_int_equal(symlink("elsewhere", r->sdir), 0);
	err = save(r->dir, "r", s);
	assert_non_null(err);
	ut_expect_contains(err->msg, r->sdir);
	dsm_error_free(err);
	assert_int_equal(ut_count_entries(elsewhere), 0);

	/* Nor set aside through: the note says it started afresh. */
	snprintf(path, sizeof(path), "%s/r.json", elsewhere);
	ut_write_bytes(path, TEXT("garbage"));
	json_t *st;
	char *note;
	assert_null(state_load(r->dir, "r", &st, &note));
	expect_fresh(st);
	json_decref(st);
	assert_non_null(note);
	ut_expect_contains(note, "started afresh");
	free(note);
	assert_int_equal(ut_count_entries(elsewhere), 1);
	assert_true(exists(path));

	/* A file in the folder's place. */
	assert_int_equal(unlink(r->sdir), 0);
	ut_write_bytes(r->sdir, TEXT("not a folder"));
	err = save(r->dir, "r", s);
	assert_non_null(err);
	dsm_error_free(err);
	json_decref(s);
}

/* The version of state file name on disk ("a", "b", ...), or NULL. */
static char *
label(const struct root *r, const char *name)
{
	json_t *s = ut_state_on_disk(r->dir, name);
	char *v = s != NULL ? ut_xstrdup(json_string_value(json_object_get(s,
	    "label"))) : NULL;

	json_decref(s);
	return v;
}

static void
expect_label(const struct root *r, const char *name, const char *want)
{
	char *got = label(r, name);

	if (want == NULL)
		assert_null(got);
	else
		assert_string_equal(got, want);
	free(got);
}

/* Entries of dir; *temps: those a batch makes (".json.tmp-" and 6 more). */
static int
entries(const char *dir, int *temps)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	*temps = 0;
	while ((e = readdir(d)) != NULL) {
		const char *t = strstr(e->d_name, ".json.tmp-");
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		n++;
		*temps += t != NULL && strlen(t) == 16 &&
		    strchr(t + 10, '.') == NULL;
	}
	closedir(d);
	return n;
}

static void
expect_entries(const struct root *r, int want, int want_temps)
{
	int temps;

	assert_int_equal(entries(r->sdir, &temps), want);
	assert_int_equal(temps, want_temps);
}

static struct dsm_error *
carry_on(void *arg, void *cookie, struct dsm_error *err)
{
	(*(int *)arg)++;
	assert_string_equal(cookie, "two");
	dsm_error_free(err);
	return NULL;
}

static void
test_batch(void **state)
{
	struct root *r = *state;
	static const char *const stale[] = { "r.json.tmp-AbC123",
	    "gone.json.tmp-000000", NULL };
	static const char *const kept[] = { "x.json", "x.json.corrupt",
	    "a.json.tmp-b.json", "a.json.tmp-12345", "a.json.tmp-1234567",
	    "a.tmp-123456", NULL };
	json_t *s = ut_parse("{\"version\": 1, \"label\": \"old\"}");
	struct state_batch *b;
	struct dsm_error *err;
	char path[256];
	int calls = 0;

	/* What a killed batch left goes, and nothing else. */
	mkstatedir(r);
	for (const char *const *n = stale; *n != NULL; n++) {
		snprintf(path, sizeof(path), "%s/%s", r->sdir, *n);
		ut_write_file(path, "{\"version\": 1, \"label\": \"half");
	}
	for (const char *const *n = kept; *n != NULL; n++) {
		snprintf(path, sizeof(path), "%s/%s", r->sdir, *n);
		ut_write_file(path, "{}");
	}
	assert_null(state_batch_new(r->dir, &b));
	expect_entries(r, 6, 0);
	for (const char *const *n = kept; *n != NULL; n++) {
		snprintf(path, sizeof(path), "%s/%s", r->sdir, *n);
		assert_true(exists(path));
	}

	/* Nothing is in place before the commit; then all of it is. */
	for (const char *const *n = (const char *const []){ "one", "two",
	    "three", NULL }; *n != NULL; n++) {
		json_object_set_new(s, "label", json_string(*n));
		assert_null(state_batch_add(b, *n, s, NULL));
	}
	expect_entries(r, 9, 3);
	expect_label(r, "one", NULL);
	assert_null(state_batch_commit(b, NULL, NULL));
	state_batch_free(b);
	expect_entries(r, 9, 0);
	expect_label(r, "one", "one");
	expect_label(r, "two", "two");
	expect_label(r, "three", "three");

	/*
	 * A file that cannot be renamed (a folder in its place): it ends
	 * the commit there, what came before it is in place, what comes
	 * after it is as it was; no temporary file stays.
	 */
	snprintf(path, sizeof(path), "%s/two.json", r->sdir);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_null(state_batch_new(r->dir, &b));
	for (const char *const *n = (const char *const []){ "one", "two",
	    "three", NULL }; *n != NULL; n++) {
		json_object_set_new(s, "label", json_string("new"));
		assert_null(state_batch_add(b, *n, s, (void *)*n));
	}
	err = state_batch_commit(b, NULL, NULL);
	assert_non_null(err);
	ut_expect_contains(err->msg, "two.json");
	dsm_error_free(err);
	state_batch_free(b);
	expect_label(r, "one", "new");
	expect_label(r, "three", "three");
	expect_entries(r, 9, 0);

	/* Unless fail() takes the failure as that file's own. */
	assert_null(state_batch_new(r->dir, &b));
	for (const char *const *n = (const char *const []){ "one", "two",
	    "three", NULL }; *n != NULL; n++) {
		json_object_set_new(s, "label", json_string("newer"));
		assert_null(state_batch_add(b, *n, s, (void *)*n));
	}
	assert_null(state_batch_commit(b, carry_on, &calls));
	assert_int_equal(calls, 1);
	state_batch_free(b);
	expect_label(r, "one", "newer");
	expect_label(r, "three", "newer");
	expect_entries(r, 9, 0);

	/* A batch freed uncommitted leaves the files as they were. */
	assert_null(state_batch_new(r->dir, &b));
	assert_null(state_batch_add(b, "one", s, NULL));
	state_batch_free(b);
	expect_label(r, "one", "newer");
	expect_entries(r, 9, 0);
	json_decref(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_good, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unreadable, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_save, setup, teardown),
		cmocka_unit_test_setup_teardown(test_save_refused, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_batch, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
