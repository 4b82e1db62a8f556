/*
 * run.c - the pipeline of a run: plan, lock, the recorded state, fetch,
 * releases, verify, warnings, record (see run.h).
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>

#include "fastpath.h"
#include "github.h"
#include "lock.h"
#include "maint.h"
#include "mirror.h"
#include "progress.h"
#include "record.h"
#include "recover.h"
#include "releases.h"
#include "run.h"
#include "state.h"
#include "util.h"
#include "verify.h"
#include "worker.h"

struct dsm_error *
run_plan(struct run *out, const char *config_path, char **names, int nnames)
{
	struct dsm_error *err;
	size_t n = 0;

	memset(out, 0, sizeof(*out));
	if ((err = config_load(&out->cfg, config_path)) != NULL)
		return err;
	for (int i = 0; i < nnames; i++) {
		char safe[128];
		if (config_find(out->cfg, names[i]) != NULL)
			continue;
		err = dsm_error_new(DSM_ERR_USAGE, "%s has no repo named \"%s\"",
		    config_path, util_sanitize(safe, sizeof(safe), names[i]));
		run_free(out);
		return err;
	}
	out->repos = calloc(out->cfg->nrepos + 1, sizeof(*out->repos));
	if (out->repos == NULL) {
		run_free(out);
		return dsm_error_new(DSM_ERR_NOMEM, "out of memory");
	}
	/* In the configuration's order, each repo once. */
	for (size_t i = 0; i < out->cfg->nrepos; i++) {
		int wanted = nnames == 0;
		for (int j = 0; j < nnames && !wanted; j++)
			wanted = strcmp(names[j], out->cfg->repos[i].name) == 0;
		if (wanted)
			out->repos[n++].spec = &out->cfg->repos[i];
	}
	out->n = n;
	return NULL;
}

void
run_free(struct run *run)
{
	if (run == NULL)
		return;
	for (size_t i = 0; run->repos != NULL && i < run->n; i++)
		repo_result_clear(&run->repos[i]);
	free(run->repos);
	for (size_t i = 0; i < run->nnotes; i++)
		free(run->notes[i]);
	free(run->notes);
	lock_release(run->lock);
	config_free(run->cfg);
	memset(run, 0, sizeof(*run));
}

static struct dsm_error *
add_note(struct run *run, const char *note)
{
	char **v = realloc(run->notes, (run->nnotes + 1) * sizeof(*v));

	if (v == NULL)
		return dsm_error_new(DSM_ERR_NOMEM, "out of memory");
	run->notes = v;
	if ((v[run->nnotes] = strdup(note)) == NULL)
		return dsm_error_new(DSM_ERR_NOMEM, "out of memory");
	run->nnotes++;
	return NULL;
}

static struct dsm_error *
read_states(struct run *run)
{
	struct dsm_error *err;

	for (size_t i = 0; i < run->n; i++) {
		struct repo_result *r = &run->repos[i];
		if ((err = state_read(run->cfg->root, r->spec->name, &r->state,
		    &r->state_note)) != NULL)
			return err;
	}
	return NULL;
}

struct display {
	struct progress *progress;
};

static void
on_progress(size_t index, const struct fetch_progress *p, void *payload)
{
	progress_update(((struct display *)payload)->progress, index, p);
}

static void
on_done(size_t index, void *payload)
{
	progress_done(((struct display *)payload)->progress, index);
}

static void
on_tick(void *payload)
{
	progress_tick(((struct display *)payload)->progress);
}

/*
 * Fetches the repos: those a ref listing shows unchanged in this process
 * (fastpath.h), the others in worker processes; with live progress if
 * asked.
 */
static struct dsm_error *
fetch_step(struct run *run, const struct run_opts *opts)
{
	struct display display = { NULL };
	struct fastpath_stats fstats = { 0 };
	struct dsm_error *err = NULL;
	size_t started = 0, left = run->n;
	char *served;

	if ((err = recover_root(run->cfg->root)) != NULL)
		return err;
	if ((served = calloc(run->n + 1, 1)) == NULL)
		return dsm_error_new(DSM_ERR_NOMEM, "out of memory");
	display.progress = progress_new(opts->progress_out, run->repos, run->n,
	    opts->progress);
	/*
	 * fsck reads every object: nothing a listing could spare it.  The
	 * tests compare the fast path's reports with the workers' own.
	 */
	if (!(opts->steps & RUN_FSCK) &&
	    getenv("DSMIRROR_TEST_NO_FASTPATH") == NULL) {
		struct fastpath_opts fopts = {
			.root = run->cfg->root,
			.cacert = opts->cacert,
			.jobs = opts->jobs < 1 ? 1 : opts->jobs,
			.timeout = opts->timeout,
			.trace = opts->trace,
			.on_done = on_done,
			.payload = &display,
			.stop = opts->stop,
		};
		/* Only an aid: without libcurl, the workers take every repo. */
		if ((err = fastpath_run(run->repos, run->n, served, &fopts,
		    &fstats)) != NULL && opts->trace != NULL)
			fprintf(opts->trace, "fast path: not taken: %s\n",
			    err->msg);
		dsm_error_free(err);
		err = NULL;
		left -= fstats.served;
	}
	struct worker_opts wopts = {
		.root = run->cfg->root,
		.cacert = opts->cacert,
		.jobs = opts->jobs,
		.timeout = opts->timeout,
		.fsck = (opts->steps & RUN_FSCK) != 0,
		.accept_url = opts->accept_url,
		.on_progress = on_progress,
		.on_done = on_done,
		.on_tick = on_tick,
		.payload = &display,
		.stop = opts->stop,
		.skip = served,
		.started = &started,
	};
	err = worker_fetch_all(run->repos, run->n, &wopts);
	if (err == NULL && opts->trace != NULL)
		fprintf(opts->trace, "workers: %zu started for %zu repos\n",
		    started, left);
	progress_finish(display.progress);
	free(served);
	return err;
}

/* Reads release metadata on the GitHub API, for the repos that have it. */
static struct dsm_error *
releases_step(struct run *run, const struct run_opts *opts)
{
	struct github_opts gopts = {
		.token = opts->token,
		.cacert = opts->cacert,
		.timeout = opts->timeout,
		.max_wait = opts->api_wait,
		.trace = opts->trace,
		.stop = opts->stop,
	};
	struct dsm_error *err;

	if (!run_asks_api(run))
		return NULL;
	if (opts->before_api != NULL)
		opts->before_api(opts->payload);
	if ((err = http_global_init()) != NULL)
		return err;
	err = github_check_all(run->repos, run->n, run->cfg->api, &gopts,
	    &run->api);
	run->api_asked = err == NULL;
	http_global_cleanup();
	return err;
}

/* Whether r's release check ran and succeeded. */
static int
checked(const struct repo_result *r)
{
	return r->release.result != RELEASE_SKIPPED &&
	    r->release.result != RELEASE_ERROR;
}

/*
 * Verifies every repo (all set), or only those whose release check
 * succeeded (for the warnings of releases alone).
 */
static struct dsm_error *
verify_step(struct run *run, int all)
{
	struct dsm_error *err;

	if ((err = verify_global_init()) != NULL)
		return err;
	for (size_t i = 0; i < run->n; i++) {
		struct repo_result *r = &run->repos[i];
		if (!all && !checked(r))
			continue;
		/* The tree inventory is verify's, not the warnings'. */
		if ((err = verify_repo(r, run->cfg->root, all)) != NULL)
			return err;
	}
	return NULL;
}

static int
append_warning(struct release_report *rep, const char *what, const char *msg)
{
	if (rep->warnings == NULL && (rep->warnings = json_array()) == NULL)
		return -1;
	return json_array_append_new(rep->warnings, json_pack("{s:s, s:s}",
	    "what", what, "message", msg));
}

/*
 * The warnings that compare GitHub's view of a checked repo with what the
 * mirror holds: its branch and the verdict of its first license file that
 * names an spdx (verify ran before).
 */
static struct dsm_error *
warnings_step(struct run *run)
{
	for (size_t i = 0; i < run->n; i++) {
		struct repo_result *r = &run->repos[i];
		struct releases_local local = {
			.github = r->spec->github,
			.renamed_to = r->release.renamed_to,
			.branch = r->spec->branch,
		};
		struct dsm_error *err;
		char *head = NULL;

		if (!checked(r))
			continue;
		for (size_t j = 0; j < r->nlicenses &&
		    local.main_license == NULL; j++)
			if (r->licenses[j].spec->spdx != NULL)
				local.main_license = &r->licenses[j];
		/* No mirror (yet), or HEAD names no branch: nothing to compare. */
		if (local.branch == NULL) {
			if ((err = verify_head_branch(run->cfg->root, r->spec,
			    &head)) == NULL)
				local.branch = head;
			dsm_error_free(err);
		}
		r->release.warnings = releases_warnings(r->release.repo, &local);
		free(head);
		if (r->release.warnings == NULL)
			return dsm_error_new(DSM_ERR_NOMEM, "out of memory");
	}
	return NULL;
}

int
run_asks_api(const struct run *run)
{
	for (size_t i = 0; i < run->n; i++)
		if (run->repos[i].spec->github != NULL)
			return 1;
	return 0;
}

/*
 * After the record: each state file that was set aside is a note, on
 * stderr when the fetch or verify ran (as they record every repo), else in
 * the release check's warnings.
 */
static struct dsm_error *
collect_notes(struct run *run, int steps)
{
	struct dsm_error *err;

	for (size_t i = 0; i < run->n; i++) {
		struct repo_result *r = &run->repos[i];
		if (!r->state_reset)
			continue;
		if (steps & (RUN_FETCH | RUN_VERIFY)) {
			if ((err = add_note(run, r->state_note)) != NULL)
				return err;
		} else if (append_warning(&r->release, "state",
		    r->state_note) == -1) {
			return dsm_error_new(DSM_ERR_NOMEM, "out of memory");
		}
	}
	return NULL;
}

/* Whether name (len bytes) is the name of a repo of the configuration. */
static int
configured(const struct config *cfg, const char *name, size_t len)
{
	for (size_t i = 0; i < cfg->nrepos; i++)
		if (strlen(cfg->repos[i].name) == len &&
		    strncmp(cfg->repos[i].name, name, len) == 0)
			return 1;
	return 0;
}

/*
 * Adds a note for each entry of dir ending in suffix whose name is no repo
 * of the configuration; what says what it is ("mirror", "state file").
 */
static struct dsm_error *
note_orphans(struct run *run, const char *dir, const char *suffix,
    const char *what)
{
	struct dsm_error *err = NULL;
	size_t sl = strlen(suffix);
	struct dirent *e;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		return NULL;
	while (err == NULL && (e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		char safe[300], *note;
		if (len <= sl || e->d_name[0] == '.' ||
		    strcmp(e->d_name + len - sl, suffix) != 0 ||
		    configured(run->cfg, e->d_name, len - sl))
			continue;
		util_sanitize(safe, sizeof(safe), e->d_name);
		note = util_printf("%s/%s: a %s that no repo of %s names any "
		    "more: kept (dsmirror never deletes it); add the repo back, "
		    "or remove it by hand", dir, safe, what, run->cfg->path);
		if (note == NULL)
			err = dsm_error_new(DSM_ERR_NOMEM, "out of memory");
		else
			err = add_note(run, note);
		free(note);
	}
	closedir(d);
	return err;
}

struct dsm_error *
run_note_orphans(struct run *run)
{
	struct dsm_error *err;
	char *state = util_path_join(run->cfg->root, STATE_DIR);

	if (state == NULL)
		return dsm_error_new(DSM_ERR_NOMEM, "out of memory");
	if ((err = note_orphans(run, run->cfg->root, ".git", "mirror")) ==
	    NULL)
		err = note_orphans(run, state, ".json", "state file");
	free(state);
	return err;
}

struct dsm_error *
run_execute(struct run *run, const struct run_opts *opts)
{
	int steps = opts->steps, verified = 0;
	struct dsm_error *err;

	if ((err = util_mkdir_p(run->cfg->root, 0755)) != NULL ||
	    (err = lock_acquire(&run->lock, run->cfg->root)) != NULL)
		return err;
	if ((err = read_states(run)) == NULL && (steps & (RUN_FETCH | RUN_FSCK)))
		err = fetch_step(run, opts);
	if (err == NULL && (steps & RUN_RELEASES) && *opts->stop == 0)
		err = releases_step(run, opts);
	if (err == NULL && (steps & RUN_VERIFY) && *opts->stop == 0) {
		err = verify_step(run, 1);
		verified = 1;
	} else if (err == NULL && (steps & RUN_RELEASES)) {
		/* The warnings compare GitHub with the local verdicts. */
		err = verify_step(run, 0);
	}
	if (err == NULL)
		err = record_run(run->cfg->root, run->repos, run->n, verified,
		    time(NULL));
	/* After the record, which may still fail a check. */
	if (err == NULL && (steps & RUN_RELEASES))
		err = warnings_step(run);
	/* Verdicts read only for the warnings are not this run's report. */
	for (size_t i = 0; err == NULL && !verified && i < run->n; i++)
		repo_result_clear_licenses(&run->repos[i]);
	if (err == NULL)
		err = collect_notes(run, steps);
	if (err == NULL && (steps & RUN_FETCH))
		err = run_note_orphans(run);
	return err;
}

struct dsm_error *
run_gc(struct run *run, volatile sig_atomic_t *stop)
{
	struct dsm_error *err;

	if ((err = util_mkdir_p(run->cfg->root, 0755)) != NULL ||
	    (err = lock_acquire(&run->lock, run->cfg->root)) != NULL ||
	    (err = recover_root(run->cfg->root)) != NULL)
		return err;
	for (size_t i = 0; i < run->n && *stop == 0; i++) {
		struct repo_result *r = &run->repos[i];
		char *path = mirror_path(run->cfg->root, r->spec->name);
		double start = util_now();
		if (path == NULL)
			return dsm_error_new(DSM_ERR_NOMEM, "out of memory");
		if ((err = maint_gc(path, &r->gc)) != NULL) {
			r->gc.result = GC_ERROR;
			r->gc.error = strdup(err->msg);
			dsm_error_free(err);
		}
		r->gc.seconds = util_now() - start;
		free(path);
	}
	return NULL;
}

struct dsm_error *
run_verify(struct run *run)
{
	struct dsm_error *err;

	if ((err = read_states(run)) != NULL)
		return err;
	return verify_step(run, 1);
}

struct dsm_error *
run_read_state(struct run *run)
{
	struct dsm_error *err;

	if ((err = read_states(run)) != NULL)
		return err;
	for (size_t i = 0; i < run->n; i++) {
		struct repo_result *r = &run->repos[i];
		char *path = mirror_path(run->cfg->root, r->spec->name);
		struct stat st;
		if (path == NULL || record_to_result(r) == -1) {
			free(path);
			return dsm_error_new(DSM_ERR_NOMEM, "out of memory");
		}
		r->mirrored = stat(path, &st) == 0;
		free(path);
	}
	return NULL;
}
