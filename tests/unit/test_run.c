/*
 * test_run.c - the pipeline of run.c without main.c: the plan (which
 * repos, in what order, an unknown name refused), run_execute() verifying
 * bare repositories this test makes with libgit2 (the verdicts, what is
 * recorded, the lock released, a held lock refused, a stop honoured),
 * run_verify() writing nothing, and run_read_state() giving the exit
 * status the records say.  No fetch runs: nothing leaves the machine.
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
#include <git2.h>

#include "license.h"
#include "lock.h"
#include "record.h"
#include "run.h"
#include "state.h"
#include "util.h"
#include "unit_util.h"

#define MIT_FILE "tests/licenses/ok-deepseek-r1-LICENSE.txt"

struct fixture {
	char dir[64];		/* holds mirrors.json and the root */
	char config[96];
	char root[96];
	char *mit;		/* the MIT text of MIT_FILE */
	size_t mitlen;
	char mit_sha[LICENSE_SHA256_HEX + 1];
	volatile sig_atomic_t stop;
	struct run_opts opts;
	struct run run;
};

/*
 * one: the MIT license; two: the same, pinned; three: no mirror, no
 * license files; four: a GitHub repo (the releases step is not run here).
 */
static void
write_config(struct fixture *f)
{
	char *text = util_printf("{\n  \"version\": 1,\n  \"root\": \"mirrors\",\n"
	    "  \"repos\": [\n"
	    "    {\"name\": \"one\", \"url\": \"file:///nonexistent/one.git\", "
	    "\"licenses\": [{\"path\": \"LICENSE\", \"spdx\": \"MIT\"}]},\n"
	    "    {\"name\": \"two\", \"url\": \"file:///nonexistent/two.git\", "
	    "\"licenses\": [{\"path\": \"LICENSE\", \"spdx\": \"MIT\", "
	    "\"sha256\": \"%s\"}]},\n"
	    "    {\"name\": \"three\", \"url\": \"https://example.org/3.git\"},\n"
	    "    {\"name\": \"four\", \"url\": \"https://example.org/4.git\", "
	    "\"github\": \"o/four\", \"licenses\": [{\"path\": \"LICENSE\"}]}\n"
	    "  ]\n}\n", f->mit_sha);

	assert_non_null(text);
	ut_write_file(f->config, text);
	free(text);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	if (ut_make_temp_dir(f->dir, sizeof(f->dir), "run") != 0)
		return -1;
	snprintf(f->config, sizeof(f->config), "%s/mirrors.json", f->dir);
	snprintf(f->root, sizeof(f->root), "%s/mirrors", f->dir);
	if ((f->mit = ut_read_file(MIT_FILE, &f->mitlen)) == NULL) {
		fprintf(stderr, "cannot read %s (run from the top folder)\n",
		    MIT_FILE);
		return -1;
	}
	if (license_fingerprint(f->mit_sha, f->mit, f->mitlen) != 0)
		return -1;
	write_config(f);
	f->opts.steps = RUN_VERIFY;
	f->opts.jobs = 1;
	f->opts.timeout = 5;
	f->opts.progress_out = stderr;
	f->opts.stop = &f->stop;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	int rc = ut_remove_dir(f->dir);

	run_free(&f->run);
	free(f->mit);
	free(f);
	return rc;

}

static void
check_git(int rc, const char *what)
{
	if (rc < 0) {
		const git_error *e = git_error_last();
		fail_msg("%s: %s", what, e != NULL ? e->message : "?");
	}
}

/*
 * Commits a LICENSE holding text on refs/heads/main of the bare repository
 * <root>/<name>.git (made when missing), with HEAD naming main.  Writes
 * the commit's id into id (41 bytes) when not NULL.
 */
static void
commit_license(const struct fixture *f, const char *name, const char *text,
    size_t len, char *id)
{
	git_repository *repo;
	git_treebuilder *tb;
	git_signature *sig;
	git_commit *parent = NULL;
	git_object *obj;
	git_tree *tree;
	git_oid blob, tree_id, commit;
	char *path = util_printf("%s/%s.git", f->root, name);
	const git_commit *parents[1];

	assert_non_null(path);
	check_git(git_repository_init(&repo, path, 1), "init");
	check_git(git_blob_create_from_buffer(&blob, repo, text, len), "blob");
	check_git(git_treebuilder_new(&tb, repo, NULL), "treebuilder");
	check_git(git_treebuilder_insert(NULL, tb, "LICENSE", &blob,
	    GIT_FILEMODE_BLOB), "insert");
	check_git(git_treebuilder_write(&tree_id, tb), "tree");
	git_treebuilder_free(tb);
	check_git(git_tree_lookup(&tree, repo, &tree_id), "tree lookup");
	check_git(git_signature_new(&sig, "Upstream", "up@example.org",
	    1700000000, 0), "signature");
	if (git_revparse_single(&obj, repo, "refs/heads/main^{commit}") == 0)
		parent = (git_commit *)obj;
	parents[0] = parent;
	check_git(git_commit_create(&commit, repo, "refs/heads/main", sig, sig,
	    NULL, "license\n", tree, parent != NULL ? 1 : 0, parents),
	    "commit");
	check_git(git_repository_set_head(repo, "refs/heads/main"), "HEAD");
	if (id != NULL)
		git_oid_tostr(id, GIT_OID_HEXSZ + 1, &commit);
	git_commit_free(parent);
	git_signature_free(sig);
	git_tree_free(tree);
	git_repository_free(repo);
	free(path);
}

static void
plan(struct fixture *f, const char *const *names, int n)
{
	struct dsm_error *err;

	run_free(&f->run);
	err = run_plan(&f->run, f->config, (char **)names, n);
	if (err != NULL)
		fail_msg("run_plan: %s", err->msg);
}

static void
execute(struct fixture *f)
{
	struct dsm_error *err = run_execute(&f->run, &f->opts);

	if (err != NULL)
		fail_msg("run_execute: %s", err->msg);
}

static const char *
recorded_verdict(const json_t *state, size_t i)
{
	return json_string_value(json_object_get(json_array_get(
	    json_object_get(json_object_get(state, "verify"), "licenses"), i),
	    "verdict"));
}

static void
test_plan(void **state)
{
	static const char *const some[] = { "three", "one", "three" };
	static const char *const unknown[] = { "one", "nope" };
	static const char *const hostile[] = { "\033]0;owned\007" };
	struct fixture *f = *state;
	struct dsm_error *err;
	char *root;

	/* Every repo, in the configuration's order. */
	plan(f, NULL, 0);
	assert_int_equal(f->run.n, 4);
	assert_string_equal(f->run.repos[0].spec->name, "one");
	assert_string_equal(f->run.repos[1].spec->name, "two");
	assert_string_equal(f->run.repos[2].spec->name, "three");
	assert_string_equal(f->run.repos[3].spec->name, "four");
	/* The root is the config file's folder's "mirrors". */
	root = realpath(f->root, NULL);
	assert_null(root);	/* not made by planning */
	assert_non_null(strstr(f->run.cfg->root, "mirrors"));
	assert_int_equal(strncmp(f->run.cfg->root, f->dir, strlen(f->dir)), 0);
	assert_true(run_asks_api(&f->run));
	for (size_t i = 0; i < f->run.n; i++) {
		assert_null(f->run.repos[i].state);
		assert_int_equal(f->run.repos[i].fetch.result, FETCH_SKIPPED);
		assert_int_equal(f->run.repos[i].verified, 0);
	}

	/* Named ones: in the configuration's order, each once. */
	plan(f, some, 3);
	assert_int_equal(f->run.n, 2);
	assert_string_equal(f->run.repos[0].spec->name, "one");
	assert_string_equal(f->run.repos[1].spec->name, "three");
	assert_false(run_asks_api(&f->run));

	/* An unknown name: a usage error naming the file; nothing planned. */
	run_free(&f->run);
	err = run_plan(&f->run, f->config, (char **)unknown, 2);
	assert_non_null(err);
	assert_int_equal(err->kind, DSM_ERR_USAGE);
	assert_non_null(strstr(err->msg, f->config));
	assert_non_null(strstr(err->msg, "\"nope\""));
	dsm_error_free(err);
	assert_null(f->run.cfg);
	assert_null(f->run.repos);
	assert_int_equal(f->run.n, 0);

	/* ... with what a terminal would act on replaced. */
	err = run_plan(&f->run, f->config, (char **)hostile, 1);
	assert_non_null(err);
	assert_null(strchr(err->msg, '\033'));
	assert_null(strchr(err->msg, '\007'));
	dsm_error_free(err);

	/* No configuration at all. */
	char *missing = util_printf("%s/none.json", f->dir);
	err = run_plan(&f->run, missing, NULL, 0);
	assert_non_null(err);
	assert_non_null(strstr(err->msg, missing));
	dsm_error_free(err);
	assert_null(f->run.cfg);
	free(missing);

	run_free(&f->run);
	run_free(&f->run);	/* twice, and NULL, are fine */
	run_free(NULL);
}

static void
test_verify_ok(void **state)
{
	static const char *const one[] = { "one" };
	struct fixture *f = *state;
	struct repo_result *r;
	struct dsm_error *err;
	struct lock *lock;
	time_t t0 = time(NULL), at;
	json_t *disk;

	commit_license(f, "one", f->mit, f->mitlen, NULL);
	plan(f, one, 1);
	execute(f);
	r = &f->run.repos[0];
	assert_int_equal(r->fetch.result, FETCH_SKIPPED);
	assert_int_equal(r->release.result, RELEASE_SKIPPED);
	assert_true(r->verified);
	assert_int_equal(r->nlicenses, 1);
	if (r->licenses[0].verdict != VERDICT_OK)
		fail_msg("verdict %s: %s", license_verdict_name(
		    r->licenses[0].verdict), r->licenses[0].detail);
	assert_string_equal(r->licenses[0].sha256, f->mit_sha);
	assert_int_equal(strlen(r->licenses[0].blob), 40);
	assert_int_equal(result_exit_status(f->run.repos, f->run.n), 0);
	assert_int_equal(f->run.nnotes, 0);

	/* Recorded: the verify section, and only it; the model holds it. */
	disk = ut_state_on_disk(f->root, "one");
	assert_non_null(disk);
	assert_true(json_equal(disk, r->state));
	assert_null(json_object_get(disk, "fetch"));
	assert_null(json_object_get(disk, "releases"));
	assert_string_equal(recorded_verdict(disk, 0), "ok");
	const json_t *ver = json_object_get(disk, "verify");
	assert_true(json_is_false(json_object_get(ver, "stale")));
	assert_string_equal(json_string_value(json_object_get(json_array_get(
	    json_object_get(ver, "licenses"), 0), "sha256")), f->mit_sha);
	at = record_parse_time(json_string_value(json_object_get(ver,
	    "checked_at")));
	assert_true(at >= t0 && at <= time(NULL));
	json_decref(disk);
	/* Only the planned repo was touched. */
	assert_null(ut_state_on_disk(f->root, "two"));

	/*
	 * The lock is held while the run lives (its reports are written
	 * under it), and released with it: then taken by someone else, then
	 * again by a run.
	 */
	err = lock_acquire(&lock, f->root);
	assert_non_null(err);
	assert_int_equal(err->kind, DSM_ERR_LOCKED);
	dsm_error_free(err);
	run_free(&f->run);
	assert_null(lock_acquire(&lock, f->root));
	lock_release(lock);
	plan(f, one, 1);
	execute(f);
	assert_int_equal(f->run.repos[0].licenses[0].verdict, VERDICT_OK);
	/* The second run started from the first one's record. */
	assert_non_null(json_object_get(f->run.repos[0].state, "verify"));
}

static void
test_verify_all(void **state)
{
	struct fixture *f = *state;
	const struct repo_result *r;

	commit_license(f, "one", f->mit, f->mitlen, NULL);
	commit_license(f, "two", f->mit, f->mitlen, NULL);
	plan(f, NULL, 0);
	execute(f);
	r = f->run.repos;
	assert_int_equal(r[0].licenses[0].verdict, VERDICT_OK);
	assert_int_equal(r[1].licenses[0].verdict, VERDICT_OK);	/* the pin */
	assert_true(r[2].verified);
	assert_int_equal(r[2].nlicenses, 0);
	assert_int_equal(r[3].licenses[0].verdict, VERDICT_NO_MIRROR);
	assert_non_null(strstr(r[3].licenses[0].detail, "no mirror"));
	assert_int_equal(result_exit_status(f->run.repos, f->run.n), 1);
	/* Every repo verified is recorded, the failure too. */
	for (size_t i = 0; i < f->run.n; i++) {
		json_t *disk = ut_state_on_disk(f->root, r[i].spec->name);
		if (disk == NULL)
			fail_msg("%s not recorded", r[i].spec->name);
		json_decref(disk);
	}
	json_t *disk = ut_state_on_disk(f->root, "four");
	assert_string_equal(recorded_verdict(disk, 0), "no-mirror");
	json_decref(disk);
}

static void
test_verify_changed(void **state)
{
	static const char *const names[] = { "one", "two" };
	struct fixture *f = *state;
	const struct license_report *l;
	char accepted[GIT_OID_HEXSZ + 1];
	char *changed;
	json_t *disk;

	/* Upstream adds a restriction after a good text. */
	commit_license(f, "one", f->mit, f->mitlen, NULL);
	commit_license(f, "two", f->mit, f->mitlen, accepted);
	changed = util_printf("%.*s\nThe Software may be used for "
	    "non-commercial purposes only.\n", (int)f->mitlen, f->mit);
	assert_non_null(changed);
	commit_license(f, "one", changed, strlen(changed), NULL);
	commit_license(f, "two", changed, strlen(changed), NULL);
	free(changed);
	plan(f, names, 2);
	execute(f);

	/* Without a pin: against the license's template. */
	l = &f->run.repos[0].licenses[0];
	assert_int_equal(l->verdict, VERDICT_NOT_EXPECTED);
	assert_non_null(strstr(l->detail, "not the MIT license"));
	assert_string_equal(l->against, "template");
	assert_true(l->change.nadded > 0);
	assert_true(strcmp(l->sha256, f->mit_sha) != 0);
	/* With one: against the last commit that had the pinned text. */
	l = &f->run.repos[1].licenses[0];
	assert_int_equal(l->verdict, VERDICT_NOT_EXPECTED);
	assert_string_equal(l->against, accepted);
	assert_true(l->change.nadded > 0);
	assert_int_equal(result_exit_status(f->run.repos, f->run.n), 1);

	disk = ut_state_on_disk(f->root, "one");
	assert_string_equal(recorded_verdict(disk, 0), "not-expected");
	json_decref(disk);

	/* HEAD naming a branch that does not exist: nothing to verify. */
	git_repository *repo;
	char *path = util_printf("%s/one.git", f->root);
	assert_non_null(path);
	check_git(git_repository_open(&repo, path), "open");
	check_git(git_repository_set_head(repo, "refs/heads/none"), "HEAD");
	git_repository_free(repo);
	free(path);
	plan(f, names, 1);
	execute(f);
	assert_int_equal(f->run.repos[0].licenses[0].verdict, VERDICT_NO_MIRROR);
	assert_non_null(strstr(f->run.repos[0].licenses[0].detail,
	    "HEAD names no commit"));
}

/* The names in dir, sorted, each followed by ' '; "" when there is no dir. */
static char *
listing(const char *dir)
{
	struct dirent **list = NULL;
	char *out = NULL;
	size_t n = 0;
	FILE *m = open_memstream(&out, &n);
	int count = scandir(dir, &list, NULL, alphasort);

	assert_non_null(m);
	for (int i = 0; i < count; i++) {
		if (strcmp(list[i]->d_name, ".") != 0 &&
		    strcmp(list[i]->d_name, "..") != 0)
			fprintf(m, "%s ", list[i]->d_name);
		free(list[i]);
	}
	free(list);
	assert_int_equal(fclose(m), 0);
	return out;
}

static void
test_run_verify_writes_nothing(void **state)
{
	static const char *const one[] = { "one", "two" };
	struct fixture *f = *state;
	char *before, *after, *sdir, *good, *bad, *text;
	struct stat st0, st1;
	json_t *want;

	commit_license(f, "one", f->mit, f->mitlen, NULL);
	before = listing(f->root);
	assert_string_equal(before, "one.git ");
	plan(f, one, 2);
	assert_null(run_verify(&f->run));
	assert_int_equal(f->run.repos[0].licenses[0].verdict, VERDICT_OK);
	assert_int_equal(f->run.repos[1].licenses[0].verdict,
	    VERDICT_NO_MIRROR);
	assert_null(f->run.repos[0].state);
	/* No lock, no state folder, nothing. */
	after = listing(f->root);
	assert_string_equal(before, after);
	free(before);
	free(after);

	/* Recorded states are read for the reports, never changed. */
	sdir = util_printf("%s/%s", f->root, STATE_DIR);
	good = util_printf("%s/one.json", sdir);
	bad = util_printf("%s/two.json", sdir);
	assert_int_equal(mkdir(sdir, 0755), 0);
	ut_write_file(good, "{\"version\": 1, \"fetch\": {\"last_success\": "
	    "\"2026-11-23T10:15:00Z\"}}");
	ut_write_file(bad, "{\"version\": 1, \"fetch\": ");
	assert_int_equal(stat(good, &st0), 0);
	before = listing(sdir);
	plan(f, one, 2);
	assert_null(run_verify(&f->run));
	want = json_load_file(good, 0, NULL);
	assert_true(json_equal(f->run.repos[0].state, want));
	json_decref(want);
	assert_null(f->run.repos[1].state);
	assert_non_null(f->run.repos[1].state_note);
	assert_non_null(strstr(f->run.repos[1].state_note, bad));
	after = listing(sdir);
	assert_string_equal(before, after);	/* nothing set aside */
	free(before);
	free(after);
	assert_int_equal(stat(good, &st1), 0);
	assert_true(st0.st_ino == st1.st_ino &&
	    st0.st_mtim.tv_nsec == st1.st_mtim.tv_nsec);
	text = ut_read_file(bad, NULL);
	assert_string_equal(text, "{\"version\": 1, \"fetch\": ");
	free(text);
	before = listing(f->root);
	assert_string_equal(before, ".dsmirror one.git ");
	free(before);
	free(sdir);
	free(good);
	free(bad);
}

static void
test_read_state(void **state)
{
	static const char *const one[] = { "one" };
	static const char *const three[] = { "three" };
	struct fixture *f = *state;
	char *sdir, *path;
	struct repo_result *r;

	/* Nothing recorded: nothing to say; no mirror either. */
	plan(f, NULL, 0);
	assert_null(run_read_state(&f->run));
	for (size_t i = 0; i < f->run.n; i++) {
		assert_null(f->run.repos[i].state);
		assert_false(f->run.repos[i].mirrored);
	}
	assert_int_equal(result_exit_status(f->run.repos, f->run.n), 0);
	assert_int_equal(access(f->root, F_OK), -1);	/* nothing made */

	/* A verification that failed, as run_execute records it: 1. */
	commit_license(f, "one", "not a license\n", 14, NULL);
	plan(f, one, 1);
	execute(f);
	plan(f, one, 1);
	assert_null(run_read_state(&f->run));
	r = &f->run.repos[0];
	assert_true(r->mirrored);
	assert_non_null(r->state);
	assert_true(r->verified);
	assert_int_equal(r->nlicenses, 1);
	assert_int_equal(r->licenses[0].verdict, VERDICT_NOT_EXPECTED);
	assert_int_equal(result_exit_status(f->run.repos, f->run.n), 1);

	/* A failed fetch recorded: 3. */
	sdir = util_printf("%s/%s", f->root, STATE_DIR);
	path = util_printf("%s/three.json", sdir);
	ut_write_file(path, "{\"version\": 1, \"fetch\": {\"last_attempt\": "
	    "\"2026-11-23T10:15:00Z\", \"last_success\": null, \"result\": "
	    "\"error\", \"head\": null, \"head_ref\": null, \"error\": "
	    "\"timed out\", \"seconds\": 5.0}}");
	plan(f, three, 1);
	assert_null(run_read_state(&f->run));
	r = &f->run.repos[0];
	assert_int_equal(r->fetch.result, FETCH_ERROR);
	assert_string_equal(r->fetch.error, "timed out");
	assert_false(r->mirrored);
	assert_int_equal(result_exit_status(f->run.repos, f->run.n), 3);

	/* Both: 1 wins. */
	plan(f, NULL, 0);
	assert_null(run_read_state(&f->run));
	assert_int_equal(result_exit_status(f->run.repos, f->run.n), 1);

	/* All well recorded: 0. */
	ut_write_file(path, "{\"version\": 1, \"fetch\": {\"result\": \"updated\", "
	    "\"error\": null}}");
	plan(f, three, 1);
	assert_null(run_read_state(&f->run));
	assert_int_equal(f->run.repos[0].fetch.result, FETCH_UNCHANGED);
	assert_int_equal(result_exit_status(f->run.repos, f->run.n), 0);

	/* An unreadable record: a note, and the file left where it is. */
	ut_write_file(path, "\001\002garbage");
	plan(f, three, 1);
	assert_null(run_read_state(&f->run));
	assert_null(f->run.repos[0].state);
	assert_non_null(f->run.repos[0].state_note);
	assert_int_equal(result_exit_status(f->run.repos, f->run.n), 0);
	assert_int_equal(access(path, F_OK), 0);
	free(path);
	path = util_printf("%s/three.json.corrupt", sdir);
	assert_int_equal(access(path, F_OK), -1);
	free(path);
	free(sdir);
}

static void
test_locked(void **state)
{
	static const char *const one[] = { "one" };
	struct fixture *f = *state;
	static const char *const three[] = { "three" };
	struct dsm_error *err;
	struct lock *lock;
	struct stat st;

	/* The root is made when missing, and the lock taken in it. */
	plan(f, three, 1);
	execute(f);
	assert_int_equal(stat(f->root, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	char *lockfile = util_path_join(f->root, LOCK_FILE);
	assert_int_equal(access(lockfile, F_OK), 0);
	free(lockfile);

	commit_license(f, "one", f->mit, f->mitlen, NULL);
	run_free(&f->run);	/* the run above holds the lock until then */
	assert_null(lock_acquire(&lock, f->root));
	plan(f, one, 1);
	err = run_execute(&f->run, &f->opts);
	assert_non_null(err);
	assert_int_equal(err->kind, DSM_ERR_LOCKED);
	assert_non_null(strstr(err->msg, f->root));
	dsm_error_free(err);
	/* Nothing ran, nothing was recorded. */
	assert_false(f->run.repos[0].verified);
	assert_null(ut_state_on_disk(f->root, "one"));
	lock_release(lock);

	plan(f, one, 1);
	execute(f);
	assert_int_equal(f->run.repos[0].licenses[0].verdict, VERDICT_OK);
}

static void
test_stop_and_notes(void **state)
{
	static const char *const one[] = { "one" };
	struct fixture *f = *state;
	char *sdir, *path, *aside;

	/* Stopped before the first step: nothing verified, nothing written. */
	commit_license(f, "one", f->mit, f->mitlen, NULL);
	f->stop = 1;
	plan(f, one, 1);
	execute(f);
	assert_false(f->run.repos[0].verified);
	assert_null(ut_state_on_disk(f->root, "one"));
	f->stop = 0;

	/* A state file set aside is a note for stderr naming the file. */
	sdir = util_printf("%s/%s", f->root, STATE_DIR);
	path = util_printf("%s/one.json", sdir);
	aside = util_printf("%s.corrupt", path);
	assert_int_equal(mkdir(sdir, 0755), 0);
	ut_write_file(path, "{\"version\": 7}");
	plan(f, one, 1);
	execute(f);
	assert_int_equal(f->run.nnotes, 1);
	assert_non_null(strstr(f->run.notes[0], path));
	assert_non_null(strstr(f->run.notes[0], aside));
	assert_int_equal(access(aside, F_OK), 0);
	/* ... and the run recorded a fresh state in its place. */
	json_t *disk = ut_state_on_disk(f->root, "one");
	assert_string_equal(recorded_verdict(disk, 0), "ok");
	json_decref(disk);
	free(aside);
	free(path);
	free(sdir);

	/* Releases alone on repos without "github": no request, no verdict. */
	static const char *const no_api[] = { "one", "three" };
	f->opts.steps = RUN_RELEASES;
	plan(f, no_api, 2);
	execute(f);
	assert_false(f->run.api_asked);
	for (size_t i = 0; i < f->run.n; i++) {
		assert_false(f->run.repos[i].verified);
		assert_int_equal(f->run.repos[i].nlicenses, 0);
		assert_int_equal(f->run.repos[i].release.result,
		    RELEASE_SKIPPED);
	}
	assert_null(ut_state_on_disk(f->root, "three"));
}

int
main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_plan),
		T(test_verify_ok),
		T(test_verify_all),
		T(test_verify_changed),
		T(test_run_verify_writes_nothing),
		T(test_read_state),
		T(test_locked),
		T(test_stop_and_notes),
	};
#undef T
	int rc;

	git_libgit2_init();
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	git_libgit2_shutdown();
	return rc;
}
