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
#include "pin.h"
#include "report.h"
#include "result.h"
#include "run.h"
#include "util.h"
#include "worker.h"

#ifndef DSMIRROR_VERSION
#define DSMIRROR_VERSION "unknown"
#endif

#define EXIT_USAGE		2
#define EXIT_FAILED		3
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
	int accept_url;		/* --accept-url */
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
static int cmd_gc(const struct options *, char **, int);
static int cmd_fsck(const struct options *, char **, int);

static const struct command commands[] = {
	{ "sync", cmd_sync, "fetch, then releases, then verify, in one run and "
	    "one report" },
	{ "fetch", cmd_fetch, "clone missing mirrors, update existing ones" },
	{ "releases", cmd_releases, "read release and tag metadata from the "
	    "GitHub API, record\n             what changed (API only)" },
	{ "verify", cmd_verify, "check each mirror's license files against "
	    "mirrors.json, and every\n             file of the tree for the "
	    "license it carries (no network)" },
	{ "status", cmd_status, "each repo from the recorded state: last fetch, "
	    "head, latest\n             release, license verdicts (no network)" },
	{ "pin", cmd_pin, "record the license fingerprints, and accept the "
	    "tree's findings,\n             into mirrors.json, after a person "
	    "has reviewed a change" },
	{ "gc", cmd_gc, "consolidate each mirror's packs into one and pack its "
	    "refs,\n             keeping every object a ref reaches (no "
	    "network)" },
	{ "fsck", cmd_fsck, "read every object of each mirror, preserved "
	    "tips included, and\n             repair from upstream what is "
	    "missing or corrupt" },
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
"  -v, --verbose        print every ref update and API request, and what\n"
"                       the ref listings showed (fast path, workers)\n"
"      --progress       live progress even when not on a terminal\n"
"      --no-progress    no live progress\n"
"      --timeout SECS   abort a transfer that makes no progress for SECS\n"
"                       seconds (default: 120)\n"
"      --cacert FILE    CA certificates for TLS, for the GitHub API and git\n"
"                       over https (default: $CURL_CA_BUNDLE, else\n"
"                       $SSL_CERT_FILE, else the system's)\n"
"      --accept-url     follow the NAMEd repos' new url in mirrors.json even\n"
"                       when the new upstream shares no commit with the\n"
"                       mirror (the old refs are preserved); needs NAME\n"
"      --api-wait SECS  wait at most SECS for a GitHub rate limit to reset;\n"
"                       longer, and the run stops asking (default: 60)\n"
"  -h, --help           this help\n"
"  -V, --version        print the version\n"
"\n"
"Colour only on a terminal, and never with NO_COLOR set.\n"
"\n"
"Exit status: 0 all done; 1 a license check failed (changed, missing, not\n"
"the expected license, damaged, no mirror to check); 2 usage or\n"
"configuration error, nothing touched; 3 some repo could not be fetched,\n"
"maintained (gc), repaired (fsck) or its release metadata read (the\n"
"others were done); 4\n"
"another run holds the lock on the mirror root. status exits as its\n"
"recorded results say.\n"
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

/*
 * The exit status of each kind of error (SPEC.md): a run that cannot go on
 * for a local reason (a write failed, memory ran out) did not do its work,
 * as when a repo could not be fetched.
 */
static const int error_status[] = {
	[DSM_ERR_USAGE] = EXIT_USAGE,
	[DSM_ERR_REMOTE] = EXIT_FAILED,
	[DSM_ERR_LOCKED] = EXIT_LOCKED,
	[DSM_ERR_SYSTEM] = EXIT_FAILED,
	[DSM_ERR_NOMEM] = EXIT_FAILED,
};

/* Prints err as "dsmirror: message" and returns its exit status. */
static int
fail(struct dsm_error *err)
{
	int status = error_status[err->kind];

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

/* Colour: on a terminal, unless NO_COLOR (https://no-color.org) is set. */
static int
use_color(void)
{
	const char *no = getenv("NO_COLOR");

	return isatty(STDOUT_FILENO) && (no == NULL || *no == '\0') &&
	    getenv("TERM") != NULL && strcmp(getenv("TERM"), "dumb") != 0;
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

/* The exit status of a finished run: an interrupted run says so. */
static int
run_status(const struct run *run)
{
	return stop_signal != 0 ? 128 + stop_signal :
	    result_exit_status(run->repos, run->n);
}

/*
 * Prints the run's reports: the table for sync, the line report for the
 * rest, or the JSON (with the problems still on stderr, as -q prints them:
 * cron mails stderr); then the --junit and --metrics files.  Returns the
 * exit status.
 */
static int
report(const struct options *opts, const struct run *run, int table)
{
	struct report_ctx ctx = {
		.repos = run->repos,
		.n = run->n,
		.status = run_status(run),
		.now = time(NULL),
		.quiet = opts->quiet,
		.verbose = opts->verbose,
		.color = use_color(),
		.err = stderr,
	};
	enum report_format human = table ? REPORT_TABLE : REPORT_TEXT;
	int status = ctx.status;
	struct dsm_error *err;

	if (opts->json) {
		if ((err = report_write(REPORT_JSON, stdout, &ctx)) != NULL)
			status = fail(err);
		ctx.quiet = 1;
		ctx.verbose = 0;
	}
	if ((err = report_write(human, stdout, &ctx)) != NULL)
		status = fail(err);
	if (opts->junit != NULL && (err = report_write_file(REPORT_JUNIT,
	    opts->junit, &ctx)) != NULL)
		status = fail(err);
	if (opts->metrics != NULL && (err = report_write_file(REPORT_METRICS,
	    opts->metrics, &ctx)) != NULL)
		status = fail(err);
	return status;
}

/* The run's warnings (a state file set aside), on stderr even with -q. */
static void
print_notes(const struct run *run)
{
	char buf[1024];	/* a note quotes a file: no raw bytes */

	for (size_t i = 0; i < run->nnotes; i++)
		fprintf(stderr, "dsmirror: warning: %s\n", util_sanitize(buf,
		    sizeof(buf), run->notes[i]));
}

static void
warn_no_token(void *payload)
{
	(void)payload;
	fprintf(stderr, "dsmirror: no GITHUB_TOKEN or GH_TOKEN: API requests "
	    "are unauthenticated (60 an hour, and even 304 answers count)\n");
}

/*
 * fetch, releases and sync: the steps asked for, under the root's lock,
 * then one report.  A repo whose fetch failed is still verified, on what
 * its mirror already holds.
 */
static int
run_steps(const struct options *opts, char **names, int nnames, int steps)
{
	const char *token = github_token_from_env();
	struct run_opts ropts = {
		.steps = steps,
		.cacert = ca_bundle(opts),
		.token = token,
		.jobs = opts->jobs,
		.timeout = opts->timeout,
		.api_wait = opts->api_wait,
		.accept_url = opts->accept_url,
		.progress = opts->progress == PROGRESS_ON || (opts->progress ==
		    PROGRESS_AUTO && !opts->quiet && isatty(STDOUT_FILENO) &&
		    isatty(STDERR_FILENO)),
		.progress_out = stderr,
		.trace = opts->verbose ? stderr : NULL,
		.stop = &stop_signal,
	};
	struct dsm_error *err;
	struct run run;
	int status;

	if (opts->accept_url && nnames == 0)
		return usage_error("%s", "--accept-url wants the NAME of each "
		    "repo whose new url to accept");
	if ((err = run_plan(&run, opts->config, names, nnames)) != NULL)
		return fail(err);
	/* A bad token is a usage error, found before anything is touched. */
	if ((steps & RUN_RELEASES) && token != NULL &&
	    !http_token_is_valid(token)) {
		run_free(&run);
		return usage_error("%s", "the token in GITHUB_TOKEN/GH_TOKEN is "
		    "too long or holds spaces or control characters");
	}
	if (token == NULL && !opts->quiet)
		ropts.before_api = warn_no_token;
	/* Workers are stopped cleanly; verify and pin just die. */
	catch_signals();
	err = run_execute(&run, &ropts);
	print_notes(&run);
	if (run.api_asked && opts->verbose)
		fprintf(stderr, "api: %lu requests (%lu answered 304 Not "
		    "Modified), %lu connection%s, %lu retr%s, %.1f s waited\n",
		    run.api.requests, run.api.not_modified, run.api.connections,
		    run.api.connections == 1 ? "" : "s", run.api.retries,
		    run.api.retries == 1 ? "y" : "ies", run.api.waited);
	if (err != NULL) {
		status = fail(err);
	} else {
		status = report(opts, &run, steps == RUN_SYNC);
		if (stop_signal != 0)
			fprintf(stderr, "dsmirror: interrupted by signal %d; every "
			    "mirror is as it was or complete\n",
			    (int)stop_signal);
	}
	run_free(&run);
	return status;
}

static int
cmd_sync(const struct options *opts, char **names, int nnames)
{
	return run_steps(opts, names, nnames, RUN_SYNC);
}

static int
cmd_fetch(const struct options *opts, char **names, int nnames)
{
	return run_steps(opts, names, nnames, RUN_FETCH);
}

static int
cmd_fsck(const struct options *opts, char **names, int nnames)
{
	return run_steps(opts, names, nnames, RUN_FSCK);
}

static int
cmd_releases(const struct options *opts, char **names, int nnames)
{
	return run_steps(opts, names, nnames, RUN_RELEASES);
}

static int
cmd_verify(const struct options *opts, char **names, int nnames)
{
	struct dsm_error *err;
	struct run run;
	int status;

	if ((err = run_plan(&run, opts->config, names, nnames)) != NULL)
		return fail(err);
	if ((err = run_verify(&run)) != NULL)
		status = fail(err);
	else
		status = report(opts, &run, 0);
	run_free(&run);
	return status;
}

/* gc: every mirror consolidated, under the root's lock, in this process. */
static int
cmd_gc(const struct options *opts, char **names, int nnames)
{
	struct dsm_error *err;
	struct run run;
	int status;

	if ((err = run_plan(&run, opts->config, names, nnames)) != NULL)
		return fail(err);
	catch_signals();
	if ((err = run_gc(&run, &stop_signal)) != NULL)
		status = fail(err);
	else
		status = report(opts, &run, 0);
	if (stop_signal != 0)
		fprintf(stderr, "dsmirror: interrupted by signal %d; every "
		    "mirror is whole\n", (int)stop_signal);
	run_free(&run);
	return status;
}

static int
cmd_status(const struct options *opts, char **names, int nnames)
{
	struct report_ctx ctx = { .now = time(NULL), .err = stderr };
	struct dsm_error *err;
	struct run run;
	int status;

	if ((err = run_plan(&run, opts->config, names, nnames)) != NULL)
		return fail(err);
	if ((err = run_read_state(&run)) != NULL ||
	    (err = run_note_orphans(&run)) != NULL) {
		status = fail(err);
	} else {
		print_notes(&run);
		ctx.repos = run.repos;
		ctx.n = run.n;
		ctx.status = status = result_exit_status(run.repos, run.n);
		if ((err = report_write(opts->json ? REPORT_STATUS_JSON :
		    REPORT_STATUS, stdout, &ctx)) != NULL)
			status = fail(err);
	}
	run_free(&run);
	return status;
}

/* Prints why each file that may not be pinned may not; returns how many. */
static size_t
pin_refusals(const struct run *run)
{
	char name[128], path[256], detail[512];
	size_t refused = 0;

	for (size_t i = 0; i < run->n; i++) {
		const struct repo_result *r = &run->repos[i];
		for (size_t j = 0; j < r->nlicenses; j++) {
			const struct license_report *l = &r->licenses[j];
			if (pin_allowed(l))
				continue;
			fprintf(stderr, "%s: %s: %s: %s\n",
			    util_sanitize(name, sizeof(name), r->spec->name),
			    util_sanitize(path, sizeof(path), l->spec->path),
			    license_verdict_name(l->verdict),
			    util_sanitize(detail, sizeof(detail),
			    l->detail != NULL ? l->detail : ""));
			refused++;
		}
		for (size_t j = 0; j < r->inventory.nfindings; j++) {
			const struct inv_finding *f = &r->inventory.findings[j];
			const char *why = config_check_accepted(f->path,
			    f->license);
			if (why == NULL)
				continue;
			fprintf(stderr, "%s: %s: cannot be accepted: %s; "
			    "rename the file upstream, or set \"inventory\": "
			    "false\n", util_sanitize(name, sizeof(name),
			    r->spec->name), util_sanitize(path, sizeof(path),
			    f->path), why);
			refused++;
		}
		if (r->inventory.error != NULL) {
			fprintf(stderr, "%s: inventory: %s\n",
			    util_sanitize(name, sizeof(name), r->spec->name),
			    util_sanitize(detail, sizeof(detail),
			    r->inventory.error));
			refused++;
		}
	}
	return refused;
}

static int
cmd_pin(const struct options *opts, char **names, int nnames)
{
	struct dsm_error *err;
	struct run run;
	size_t changed = 0;
	int status = 0;

	if ((err = run_plan(&run, opts->config, names, nnames)) != NULL)
		return fail(err);
	if ((err = run_verify(&run)) != NULL) {
		status = fail(err);
	} else if (pin_refusals(&run) > 0) {
		fprintf(stderr, "dsmirror: nothing pinned: fix or review the "
		    "files above first\n");
		status = 1;
	} else if ((err = pin_write(run.cfg->path, run.repos, run.n,
	    opts->quiet ? NULL : stdout, &changed)) != NULL) {
		status = fail(err);
	} else if (changed == 0 && !opts->quiet) {
		printf("%s: every fingerprint was already pinned\n",
		    run.cfg->path);
	}
	run_free(&run);
	return status;
}

int
main(int argc, char **argv)
{
	enum { OPT_JSON = 256, OPT_JUNIT, OPT_PROGRESS, OPT_NO_PROGRESS,
	    OPT_TIMEOUT, OPT_CACERT, OPT_API_WAIT, OPT_METRICS,
	    OPT_ACCEPT_URL };
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
		{ "accept-url", no_argument, NULL, OPT_ACCEPT_URL },
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
		case OPT_ACCEPT_URL:
			opts.accept_url = 1;
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
	if (opts.accept_url && strcmp(argv[optind], "fetch") != 0 &&
	    strcmp(argv[optind], "sync") != 0)
		return usage_error("%s", "--accept-url is for fetch and sync");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[optind], commands[i].name) != 0)
			continue;
		return commands[i].run(&opts, argv + optind + 1,
		    argc - optind - 1);
	}
	return usage_error("unknown command \"%s\"", argv[optind]);
}
