/*
 * main.c - dsmirror's command line: options, the command table, and the
 * exit status.  The only file that prints errors or exits.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "github.h"
#include "http.h"
#include "lock.h"
#include "mirror.h"
#include "pin.h"
#include "progress.h"
#include "record.h"
#include "report.h"
#include "result.h"
#include "status.h"
#include "util.h"
#include "verify.h"
#include "worker.h"

#ifndef DSMIRROR_VERSION
#define DSMIRROR_VERSION "unknown"
#endif

#define EXIT_USAGE		2
#define EXIT_LOCKED		4
#define DEFAULT_TIMEOUT		120
#define MAX_TIMEOUT		86400

enum progress_mode { PROGRESS_AUTO, PROGRESS_ON, PROGRESS_OFF };

struct options {
	const char *config;
	const char *cacert;	/* --cacert FILE, or NULL */
	int api_wait;		/* --api-wait SECS */
	const char *junit;	/* --junit FILE, or NULL */
	const char *metrics;	/* --metrics FILE, or NULL */
	int jobs;
	int json;
	int quiet;
	int verbose;
	enum progress_mode progress;
	int timeout;
};

struct command {
	const char *name;
	int (*run)(const struct options *opts, char **names, int nnames);
	const char *summary;
};

/* Set by the SIGINT/SIGTERM/SIGHUP handler: the signal that asks us to stop. */
static volatile sig_atomic_t stop_signal;

static int cmd_sync(const struct options *, char **, int);
static int cmd_fetch(const struct options *, char **, int);
static int cmd_releases(const struct options *, char **, int);
static int cmd_verify(const struct options *, char **, int);
static int cmd_status(const struct options *, char **, int);
static int cmd_pin(const struct options *, char **, int);

static const struct command commands[] = {
	{ "sync", cmd_sync, "fetch, then releases, then verify, in one run and "
	    "one report" },
	{ "fetch", cmd_fetch, "clone missing mirrors, update existing ones" },
	{ "releases", cmd_releases, "read release and tag metadata from the "
	    "GitHub API, record\n             what changed (API only)" },
	{ "verify", cmd_verify, "check each mirror's license files against "
	    "mirrors.json\n             (no network)" },
	{ "status", cmd_status, "each repo from the recorded state: last fetch, "
	    "head, latest\n             release, license verdicts (no network)" },
	{ "pin", cmd_pin, "record the license fingerprints into mirrors.json, "
	    "after a person\n             has reviewed a change" },
};

static const char usage_text[] =
"usage: dsmirror [OPTIONS] COMMAND [NAME...]\n"
"\n"
"Keeps bare git mirrors of the repositories listed in mirrors.json.\n"
"NAME limits the run to those repos.\n"
"\n"
"Commands:\n"
"%s"
"\n"
"Options:\n"
"  -c, --config FILE    configuration (default: $DSMIRROR_CONFIG, else\n"
"                       ./mirrors.json)\n"
"  -j, --jobs N         repos worked on in parallel (default: online CPUs,\n"
"                       at most 8)\n"
"      --json           machine-readable report on stdout (problems still\n"
"                       on stderr, as with -q)\n"
"      --junit FILE     JUnit XML report (testcases: fetch, releases, each\n"
"                       license file)\n"
"      --metrics FILE   Prometheus text-format metrics, for node_exporter's\n"
"                       textfile collector\n"
"  -q, --quiet          print only problems (for cron)\n"
"  -v, --verbose        print every ref update and API request\n"
"      --progress       live progress even when not on a terminal\n"
"      --no-progress    no live progress\n"
"      --timeout SECS   abort a transfer that makes no progress for SECS\n"
"                       seconds (default: 120)\n"
"      --cacert FILE    CA certificates for TLS, for the GitHub API and git\n"
"                       over https (default: $CURL_CA_BUNDLE, else\n"
"                       $SSL_CERT_FILE, else the system's)\n"
"      --api-wait SECS  wait at most SECS for a GitHub rate limit to reset;\n"
"                       longer, and the run stops asking (default: 60)\n"
"  -h, --help           this help\n"
"  -V, --version        print the version\n"
"\n"
"Colour only on a terminal, and never with NO_COLOR set.\n"
"\n"
"Exit status: 0 all done; 1 a license check failed (changed, missing, not\n"
"the expected license, no mirror to check); 2 usage or configuration\n"
"error, nothing touched; 3 some repo could not be fetched or its release\n"
"metadata read (the others were done); 4 another run holds the lock on\n"
"the mirror root. status exits as its recorded results say.\n"
"\n"
"Environment: GITHUB_TOKEN (or GH_TOKEN) authenticates API requests: 5000\n"
"an hour instead of 60, and only then are GitHub's 304 Not Modified answers,\n"
"which dsmirror asks for, free of the rate limit. The token goes only to\n"
"the API host and is never printed or written. The usual proxy variables\n"
"(https_proxy, no_proxy) apply.\n"
"\n"
"Old tips of rewritten or deleted branches and tags are kept under\n"
"refs/dsmirror/preserved/<UTC time>/<ref> in each mirror.\n";

static void
usage(FILE *out)
{
	char list[1024] = "";
	size_t used = 0;

	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		int n = snprintf(list + used, sizeof(list) - used,
		    "  %-10s %s\n", commands[i].name, commands[i].summary);
		if (n > 0)
			used += (size_t)n;
	}
	fprintf(out, usage_text, list);
}

static int
usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "dsmirror: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'dsmirror --help'.\n");
	return EXIT_USAGE;
}

/* Prints err as "dsmirror: message" and returns its exit status. */
static int
fail(struct dsm_error *err)
{
	int status;

	switch (err->kind) {
	case DSM_ERR_USAGE:
		status = EXIT_USAGE;
		break;
	case DSM_ERR_LOCKED:
		status = EXIT_LOCKED;
		break;
	default:
		status = 3;
		break;
	}
	fprintf(stderr, "dsmirror: %s\n", err->msg);
	dsm_error_free(err);
	return status;
}

static int
parse_int(const char *s, int min, int max, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
		return -1;
	*out = (int)v;
	return 0;
}

static void
on_signal(int sig)
{
	stop_signal = sig;
}

static void
catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);	/* the terminal closed */
	signal(SIGPIPE, SIG_IGN);
	/*
	 * A file size limit (ulimit -f, systemd's LimitFSIZE) then fails the
	 * write with EFBIG, which is reported, rather than killing the run.
	 */
	signal(SIGXFSZ, SIG_IGN);
}

/*
 * Loads the configuration and picks the repos the run works on: all of them,
 * or those named.  Fills *out_results (caller frees) and *out_n.
 */
static struct dsm_error *
plan(struct config **out_cfg, struct repo_result **out_results, size_t *out_n,
    const struct options *opts, char **names, int nnames)
{
	struct repo_result *results;
	struct config *cfg;
	struct dsm_error *err;
	size_t n = 0;

	*out_results = NULL;
	if ((err = config_load(&cfg, opts->config)) != NULL)
		return err;
	results = calloc(cfg->nrepos + 1, sizeof(*results));
	if (results == NULL) {
		config_free(cfg);
		return dsm_error_new(DSM_ERR_NOMEM, "out of memory");
	}
	for (int i = 0; i < nnames; i++) {
		if (config_find(cfg, names[i]) != NULL)
			continue;
		char safe[128];
		err = dsm_error_new(DSM_ERR_USAGE, "%s has no repo named \"%s\"",
		    opts->config, util_sanitize(safe, sizeof(safe), names[i]));
		free(results);
		config_free(cfg);
		return err;
	}
	/* In the configuration's order, each repo once. */
	for (size_t i = 0; i < cfg->nrepos; i++) {
		int wanted = nnames == 0;
		for (int j = 0; j < nnames && !wanted; j++)
			wanted = strcmp(names[j], cfg->repos[i].name) == 0;
		if (wanted)
			results[n++].spec = &cfg->repos[i];
	}
	*out_cfg = cfg;
	*out_results = results;
	*out_n = n;
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

/* Colour: on a terminal, unless NO_COLOR (https://no-color.org) is set. */
static int
use_color(void)
{
	const char *no = getenv("NO_COLOR");

	return isatty(STDOUT_FILENO) && (no == NULL || *no == '\0') &&
	    getenv("TERM") != NULL && strcmp(getenv("TERM"), "dumb") != 0;
}

/*
 * Prints the run's reports (the table for sync, else the line report);
 * returns the exit status.  root is for --metrics.
 */
static int
report_run(const struct options *opts, const struct repo_result *results,
    size_t n, int table, const char *root)
{
	/* An interrupted run says so in every report, as its exit status. */
	int status = stop_signal != 0 ? 128 + stop_signal :
	    result_exit_status(results, n);
	struct dsm_error *err;

	struct report_opts ropts = { opts->quiet, opts->verbose, use_color() };

	/*
	 * With --json the problems still go to stderr, as -q prints them: cron
	 * mails stderr, and stdout is the JSON.
	 */
	if (opts->json) {
		if ((err = report_json(stdout, results, n, status)) != NULL)
			status = fail(err);
		ropts.quiet = 1;
		ropts.verbose = 0;
	}
	if (table)
		report_table(stdout, stderr, results, n, &ropts);
	else
		report_text(stdout, stderr, results, n, &ropts);
	if (opts->junit != NULL &&
	    (err = report_junit(opts->junit, results, n)) != NULL)
		status = fail(err);
	if (opts->metrics != NULL && (err = report_metrics(opts->metrics,
	    root, results, n, status, time(NULL))) != NULL)
		status = fail(err);
	return status;
}

static int
report(const struct options *opts, const struct repo_result *results,
    size_t n, const char *root)
{
	return report_run(opts, results, n, 0, root);
}

static void
free_results(struct repo_result *results, size_t n)
{
	for (size_t i = 0; results != NULL && i < n; i++) {
		fetch_report_clear(&results[i].fetch);
		release_report_clear(&results[i].release);
		repo_result_clear_licenses(&results[i]);
	}
	free(results);
}


/* The CA bundle: --cacert, else curl's and OpenSSL's variables. */
static const char *
ca_bundle(const struct options *opts)
{
	const char *env[] = { "CURL_CA_BUNDLE", "SSL_CERT_FILE" };

	if (opts->cacert != NULL)
		return opts->cacert;
	for (size_t i = 0; i < sizeof(env) / sizeof(env[0]); i++)
		if (getenv(env[i]) != NULL && *getenv(env[i]) != '\0')
			return getenv(env[i]);
	return NULL;
}

/* Checks release metadata on the GitHub API; the caller holds the lock. */
static struct dsm_error *
check_releases(const struct options *opts, struct repo_result *results,
    size_t n, const struct config *cfg)
{
	struct github_opts gopts = {
		.token = github_token_from_env(),
		.cacert = ca_bundle(opts),
		.timeout = opts->timeout,
		.max_wait = opts->api_wait,
		.trace = opts->verbose ? stderr : NULL,
		.stop = &stop_signal,
	};
	struct http_stats stats;
	struct dsm_error *err;
	size_t asked = 0;

	for (size_t i = 0; i < n; i++)
		asked += results[i].spec->github != NULL;
	if (asked == 0)
		return NULL;
	if (gopts.token == NULL && !opts->quiet)
		fprintf(stderr, "dsmirror: no GITHUB_TOKEN or GH_TOKEN: API "
		    "requests are unauthenticated (60 an hour, and even 304 "
		    "answers count)\n");
	if ((err = http_global_init()) != NULL ||
	    (err = verify_global_init()) != NULL)
		return err;
	err = github_check_all(results, n, cfg, &gopts, &stats);
	if (err == NULL && opts->verbose)
		fprintf(stderr, "api: %lu requests (%lu answered 304 Not "
		    "Modified), %lu connection%s, %lu retr%s, %.1f s waited\n",
		    stats.requests, stats.not_modified, stats.connections,
		    stats.connections == 1 ? "" : "s", stats.retries,
		    stats.retries == 1 ? "y" : "ies", stats.waited);
	http_global_cleanup();
	return err;
}


/* Verifies the license files of every planned repo, in this process. */
static struct dsm_error *
verify_all(struct repo_result *results, size_t n, const char *root)
{
	struct dsm_error *err;

	if ((err = verify_global_init()) != NULL)
		return err;
	for (size_t i = 0; i < n; i++)
		if ((err = verify_repo(&results[i], root)) != NULL)
			return err;
	return NULL;
}

/*
 * Fetches the repos in worker processes, with live progress on a terminal,
 * and records each fetch.  The caller holds the root's lock.
 */
static struct dsm_error *
fetch_all(const struct options *opts, const struct config *cfg,
    struct repo_result *results, size_t n)
{
	struct display display = { NULL };
	struct dsm_error *err;
	int show;

	if ((err = mirror_cleanup_root(cfg->root)) != NULL)
		return err;
	show = opts->progress == PROGRESS_ON || (opts->progress ==
	    PROGRESS_AUTO && !opts->quiet && isatty(STDOUT_FILENO) &&
	    isatty(STDERR_FILENO));
	display.progress = progress_new(stderr, results, n, show);
	struct worker_opts wopts = {
		.root = cfg->root,
		.cacert = ca_bundle(opts),
		.jobs = opts->jobs,
		.timeout = opts->timeout,
		.on_progress = on_progress,
		.on_done = on_done,
		.on_tick = on_tick,
		.payload = &display,
		.stop = &stop_signal,
	};
	err = worker_fetch_all(results, n, &wopts);
	progress_finish(display.progress);
	if (err == NULL)
		err = record_fetch(cfg->root, results, n, time(NULL));
	return err;
}

enum { DO_FETCH = 1, DO_RELEASES = 2, DO_VERIFY = 4,
    DO_SYNC = DO_FETCH | DO_RELEASES | DO_VERIFY };

/*
 * fetch, releases and sync: under the root's lock, the steps asked for in
 * SPEC.md's order, then one report.  A repo whose fetch failed is still
 * verified, on what its mirror already holds.
 */
static int
run_locked(const struct options *opts, char **names, int nnames, int steps)
{
	struct repo_result *results = NULL;
	struct config *cfg = NULL;
	struct lock *lock = NULL;
	struct dsm_error *err;
	size_t n = 0;
	int status;

	if ((err = plan(&cfg, &results, &n, opts, names, nnames)) != NULL)
		return fail(err);
	/* A bad token is a usage error, found before anything is touched. */
	if ((steps & DO_RELEASES) && github_token_from_env() != NULL &&
	    !http_token_is_valid(github_token_from_env())) {
		free_results(results, n);
		config_free(cfg);
		return usage_error("%s", "the token in GITHUB_TOKEN/GH_TOKEN is "
		    "too long or holds spaces or control characters");
	}
	/* Workers are stopped cleanly; verify and pin just die. */
	catch_signals();
	if ((err = util_mkdir_p(cfg->root, 0755)) == NULL &&
	    (err = lock_acquire(&lock, cfg->root)) == NULL &&
	    (steps & DO_FETCH))
		err = fetch_all(opts, cfg, results, n);
	if (err == NULL && (steps & DO_RELEASES) && stop_signal == 0)
		err = check_releases(opts, results, n, cfg);
	if (err == NULL && (steps & DO_VERIFY) && stop_signal == 0 &&
	    (err = verify_all(results, n, cfg->root)) == NULL)
		err = record_verify(cfg->root, results, n, time(NULL));
	if (err != NULL) {
		status = fail(err);
	} else {
		status = report_run(opts, results, n, steps == DO_SYNC,
		    cfg->root);
		if (stop_signal != 0)
			fprintf(stderr, "dsmirror: interrupted by signal %d; every "
			    "mirror is as it was or complete\n",
			    (int)stop_signal);
	}
	lock_release(lock);
	free_results(results, n);
	config_free(cfg);
	return status;
}

static int
cmd_sync(const struct options *opts, char **names, int nnames)
{
	return run_locked(opts, names, nnames, DO_SYNC);
}

static int
cmd_fetch(const struct options *opts, char **names, int nnames)
{
	return run_locked(opts, names, nnames, DO_FETCH);
}

static int
cmd_releases(const struct options *opts, char **names, int nnames)
{
	return run_locked(opts, names, nnames, DO_RELEASES);
}

static int
cmd_status(const struct options *opts, char **names, int nnames)
{
	struct repo_result *results = NULL;
	struct config *cfg = NULL;
	struct dsm_error *err;
	size_t n = 0;
	int status;

	if ((err = plan(&cfg, &results, &n, opts, names, nnames)) != NULL)
		return fail(err);
	if ((err = status_print(stdout, cfg->root, results, n, opts->json,
	    time(NULL), &status)) != NULL)
		status = fail(err);
	free_results(results, n);
	config_free(cfg);
	return status;
}

static int
cmd_verify(const struct options *opts, char **names, int nnames)
{
	struct repo_result *results = NULL;
	struct config *cfg = NULL;
	struct dsm_error *err;
	size_t n = 0;
	int status;

	if ((err = plan(&cfg, &results, &n, opts, names, nnames)) != NULL)
		return fail(err);
	if ((err = verify_all(results, n, cfg->root)) != NULL)
		status = fail(err);
	else
		status = report(opts, results, n, cfg->root);
	free_results(results, n);
	config_free(cfg);
	return status;
}

/*
 * Pins only what a person can stand behind: every file present, and every
 * file with an spdx still that license.  A changed fingerprint is what pin
 * is for.
 */
static int
pin_refusals(const struct repo_result *results, size_t n)
{
	char name[128], path[256], detail[512];
	int refused = 0;

	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < results[i].nlicenses; j++) {
			const struct license_report *l = &results[i].licenses[j];
			/* No fingerprint (too large to be a license): no pin. */
			if ((l->verdict == VERDICT_OK ||
			    l->verdict == VERDICT_CHANGED) && (l->sha256[0] !=
			    '\0' || l->spec->sha256 == NULL))
				continue;
			fprintf(stderr, "%s: %s: %s: %s\n",
			    util_sanitize(name, sizeof(name),
			    results[i].spec->name),
			    util_sanitize(path, sizeof(path), l->spec->path),
			    license_verdict_name(l->verdict),
			    util_sanitize(detail, sizeof(detail),
			    l->detail != NULL ? l->detail : ""));
			refused = 1;
		}
	}
	return refused;
}

static int
cmd_pin(const struct options *opts, char **names, int nnames)
{
	struct repo_result *results = NULL;
	struct config *cfg = NULL;
	struct dsm_error *err;
	size_t n = 0, changed = 0;
	int status = 0;

	if ((err = plan(&cfg, &results, &n, opts, names, nnames)) != NULL)
		return fail(err);
	if ((err = verify_all(results, n, cfg->root)) != NULL) {
		status = fail(err);
	} else if (pin_refusals(results, n)) {
		fprintf(stderr, "dsmirror: nothing pinned: fix or review the "
		    "files above first\n");
		status = 1;
	} else if ((err = pin_write(cfg->path, results, n,
	    opts->quiet ? NULL : stdout, &changed)) != NULL) {
		status = fail(err);
	} else if (changed == 0 && !opts->quiet) {
		printf("%s: every fingerprint was already pinned\n",
		    cfg->path);
	}
	free_results(results, n);
	config_free(cfg);
	return status;
}

int
main(int argc, char **argv)
{
	enum { OPT_JSON = 256, OPT_JUNIT, OPT_PROGRESS, OPT_NO_PROGRESS,
	    OPT_TIMEOUT, OPT_CACERT, OPT_API_WAIT, OPT_METRICS };
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "junit", required_argument, NULL, OPT_JUNIT },
		{ "metrics", required_argument, NULL, OPT_METRICS },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "progress", no_argument, NULL, OPT_PROGRESS },
		{ "no-progress", no_argument, NULL, OPT_NO_PROGRESS },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "cacert", required_argument, NULL, OPT_CACERT },
		{ "api-wait", required_argument, NULL, OPT_API_WAIT },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct options opts = {
		.config = getenv("DSMIRROR_CONFIG"),
		.jobs = worker_default_jobs(),
		.timeout = DEFAULT_TIMEOUT,
		.api_wait = HTTP_DEFAULT_MAX_WAIT,
	};
	int c;

	if (opts.config == NULL || opts.config[0] == '\0')
		opts.config = "mirrors.json";
	opterr = 0;
	/*
	 * Options may come before or after the command ("dsmirror sync
	 * --json"); a NAME that starts with '-' goes after "--".
	 */
	while ((c = getopt_long(argc, argv, "c:j:qvhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			opts.config = optarg;
			break;
		case 'j':
			if (parse_int(optarg, 1, WORKER_MAX_JOBS, &opts.jobs))
				return usage_error("-j wants a number of jobs "
				    "from 1 to 64, not \"%s\"", optarg);
			break;
		case OPT_JSON:
			opts.json = 1;
			break;
		case OPT_JUNIT:
			opts.junit = optarg;
			break;
		case OPT_METRICS:
			opts.metrics = optarg;
			break;
		case 'q':
			opts.quiet = 1;
			break;
		case 'v':
			opts.verbose = 1;
			break;
		case OPT_PROGRESS:
			opts.progress = PROGRESS_ON;
			break;
		case OPT_NO_PROGRESS:
			opts.progress = PROGRESS_OFF;
			break;
		case OPT_TIMEOUT:
			if (parse_int(optarg, 1, MAX_TIMEOUT, &opts.timeout))
				return usage_error("--timeout wants seconds from "
				    "1 to 86400, not \"%s\"", optarg);
			break;
		case OPT_CACERT:
			opts.cacert = optarg;
			break;
		case OPT_API_WAIT:
			if (parse_int(optarg, 0, MAX_TIMEOUT, &opts.api_wait))
				return usage_error("--api-wait wants seconds "
				    "from 0 to 86400, not \"%s\"", optarg);
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("dsmirror %s\n", DSMIRROR_VERSION);
			return 0;
		default:
			return usage_error("unknown option, or an option "
			    "without its value: %s", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return usage_error("%s", "no command given");
	if (opts.cacert != NULL && access(opts.cacert, R_OK) != 0)
		return usage_error("--cacert: cannot read \"%s\"", opts.cacert);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[optind], commands[i].name) != 0)
			continue;
		return commands[i].run(&opts, argv + optind + 1,
		    argc - optind - 1);
	}
	return usage_error("unknown command \"%s\"", argv[optind]);
}
