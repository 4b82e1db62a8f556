/*
 * test_report.c - every reporter (report.h) through report_write() and
 * report_write_file(), on a small hand-built result model: text, table
 * (quiet: nothing on the stream, every problem line names its repo), json
 * (parses, "exit" is the status handed in), junit (well-formed, a failure
 * per failing check), metrics, status and status-json; a stream that
 * cannot be written is an error; the file writer is atomic.
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
#include "record.h"
#include "report.h"
#include "util.h"
#include "unit_util.h"

#define OID_A "1111111111111111111111111111111111111111"
#define OID_B "2222222222222222222222222222222222222222"
#define SHA_X "72359301af1a48d07b5472c9349b282bb1c1843fb6af1bdae37d5748068a4376"
#define NOW	((time_t)1795428900)		/* 2026-11-23T10:15:00Z */
#define STAMP	"2026-11-23T10:15:00Z"
#define OLD	((time_t)1737374400)		/* 2025-01-20T12:00:00Z */
#define OLD_STAMP "2025-01-20T12:00:00Z"

#define CONFIG "{\"version\": 1, \"repos\": [" \
	"{\"name\": \"alpha\", \"url\": \"https://example.org/a.git\", " \
	"\"github\": \"o/alpha\", \"licenses\": [{\"path\": \"LICENSE\", " \
	"\"spdx\": \"MIT\"}, {\"path\": \"MODEL\", \"sha256\": \"" SHA_X "\"}]}, " \
	"{\"name\": \"beta\", \"url\": \"https://example.org/b.git\", " \
	"\"licenses\": [{\"path\": \"LICENSE\", \"spdx\": \"MIT\"}]}, " \
	"{\"name\": \"gamma\", \"url\": \"https://example.org/c.git\", " \
	"\"github\": \"o/gamma\"}]}"

#define ESC_ERROR "cannot reach example.org: \033[31mred\033]0;owned\007"
#define NAMES { "alpha", "beta", "gamma" }

/*
 * The model of a sync: alpha all well (with a new release and a warning),
 * beta's fetch failed and its license is not MIT (stale), gamma's release
 * check failed.
 */
struct fixture {
	struct config *cfg;
	struct repo_result r[3];
	struct report_ctx ctx;
	char *out, *err;
	size_t outlen, errlen;
	FILE *outf, *errf;
	char dir[64];
};

static void
licenses(struct repo_result *r)
{
	r->licenses = calloc(r->spec->nlicenses + 1, sizeof(*r->licenses));
	assert_non_null(r->licenses);
	r->nlicenses = r->spec->nlicenses;
	r->verified = 1;
	for (size_t i = 0; i < r->nlicenses; i++) {
		r->licenses[i].spec = &r->spec->licenses[i];
		memcpy(r->licenses[i].sha256, SHA_X, sizeof(SHA_X));
	}
}

static void
build_model(struct fixture *f)
{
	struct repo_result *a = &f->r[0], *b = &f->r[1], *g = &f->r[2];
	struct license_report *l;

	a->fetch.result = FETCH_UPDATED;
	memcpy(a->fetch.head, OID_B, sizeof(OID_B));
	a->fetch.head_ref = ut_xstrdup("refs/heads/main");
	a->fetch.updated = calloc(1, sizeof(*a->fetch.updated));
	assert_non_null(a->fetch.updated);
	a->fetch.nupdated = 1;
	a->fetch.updated[0].ref = ut_xstrdup("refs/heads/main");
	memcpy(a->fetch.updated[0].old, OID_A, sizeof(OID_A));
	memcpy(a->fetch.updated[0].new, OID_B, sizeof(OID_B));
	a->fetch.seconds = 1.5;
	a->release.result = RELEASE_CHANGED;
	a->release.latest = ut_parse("{\"tag\": \"v1.0\", \"published_at\": \""
	    OLD_STAMP "\"}");
	a->release.changes = ut_parse("[{\"what\": \"release\", \"tag\": \"v1.0\", "
	    "\"message\": \"new release v1.0\"}]");
	a->release.warnings = ut_parse("[{\"what\": \"branch\", \"message\": "
	    "\"GitHub's default branch is dev\"}]");
	licenses(a);
	a->state = ut_parse("{\"version\": 1, \"fetch\": {\"last_success\": \""
	    STAMP "\"}}");

	b->fetch.result = FETCH_ERROR;
	b->fetch.error = ut_xstrdup(ESC_ERROR);
	licenses(b);
	l = &b->licenses[0];
	l->verdict = VERDICT_NOT_EXPECTED;
	l->detail = ut_xstrdup("the text is not the MIT license: <b>&\"'</b>");
	l->against = ut_xstrdup("template");
	l->change.added = calloc(1, sizeof(char *));
	l->change.removed = calloc(1, sizeof(char *));
	assert_non_null(l->change.added);
	assert_non_null(l->change.removed);
	l->change.added[0] = ut_xstrdup("non-commercial");
	l->change.nadded = 1;
	l->change.removed[0] = ut_xstrdup("sell");
	l->change.nremoved = 1;
	b->state = ut_parse("{\"version\": 1, \"fetch\": {\"last_success\": \""
	    OLD_STAMP "\", \"error\": \"x\"}}");

	g->release.result = RELEASE_ERROR;
	g->release.error = ut_xstrdup("GitHub has no repo (HTTP 404)");
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	if (ut_config_parse(&f->cfg, CONFIG) != 0)
		return -1;
	for (int i = 0; i < 3; i++)
		f->r[i].spec = &f->cfg->repos[i];
	build_model(f);
	f->outf = open_memstream(&f->out, &f->outlen);
	f->errf = open_memstream(&f->err, &f->errlen);
	if (f->outf == NULL || f->errf == NULL)
		return -1;
	f->ctx.repos = f->r;
	f->ctx.n = 3;
	f->ctx.status = result_exit_status(f->r, 3);
	f->ctx.now = NOW;
	f->ctx.err = f->errf;
	if (ut_make_temp_dir(f->dir, sizeof(f->dir), "report") != 0)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	int rc = ut_remove_dir(f->dir);

	for (int i = 0; i < 3; i++)
		repo_result_clear(&f->r[i]);
	config_free(f->cfg);
	fclose(f->outf);
	fclose(f->errf);
	free(f->out);
	free(f->err);
	free(f);
	return rc;

}

/* Runs format fmt on the memory streams; out and err are then what went. */
static void
run(struct fixture *f, enum report_format fmt)
{
	struct dsm_error *err;

	fclose(f->outf);
	fclose(f->errf);
	free(f->out);
	free(f->err);
	f->out = f->err = NULL;
	f->outf = open_memstream(&f->out, &f->outlen);
	f->errf = open_memstream(&f->err, &f->errlen);
	assert_non_null(f->outf);
	assert_non_null(f->errf);
	f->ctx.err = f->errf;
	err = report_write(fmt, f->outf, &f->ctx);
	if (err != NULL)
		fail_msg("report %d: %s", (int)fmt, err->msg);
	assert_int_equal(fflush(f->outf), 0);
	assert_int_equal(fflush(f->errf), 0);
}

static void
expect_lacks(const char *text, const char *unwanted)
{
	if (text != NULL && strstr(text, unwanted) != NULL)
		fail_msg("do not want \"%s\" in:\n%s", unwanted, text);
}

/* No byte a terminal acts on, but the newline. */
static void
expect_terminal_safe(const char *text)
{
	for (const char *p = text; p != NULL && *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 && *p != '\n')
			fail_msg("control byte 0x%02x in:\n%s", (unsigned char)*p,
			    text);
}

/* Each line of text that is not indented starts with a repo's name. */
static int
lines_name_repo(const char *text, int indented_ok, const char *sep)
{
	static const char *const names[] = NAMES;
	int n = 0;

	for (const char *p = text; p != NULL && *p != '\0'; n++) {
		const char *nl = strchr(p, '\n');
		int ok = indented_ok && *p == ' ';
		for (size_t i = 0; !ok && i < 3; i++) {
			size_t len = strlen(names[i]);
			ok = strncmp(p, names[i], len) == 0 &&
			    strncmp(p + len, sep, strlen(sep)) == 0;
		}
		if (!ok)
			fail_msg("a line that names no repo: %.*s",
			    (int)(nl != NULL ? nl - p : (long)strlen(p)), p);
		if (nl == NULL)
			fail_msg("a line without its newline: %s", p);
		p = nl + 1;
	}
	return n;
}

static int
count(const char *text, const char *what)
{
	int n = 0;

	for (const char *p = text; p != NULL && (p = strstr(p, what)) != NULL;
	    p += strlen(what))
		n++;
	return n;
}

static void
test_text(void **state)
{
	struct fixture *f = *state;

	run(f, REPORT_TEXT);
	ut_expect_contains(f->out, "alpha  updated    main 1111111 -> 2222222");
	ut_expect_contains(f->out, "alpha  release changed    latest v1.0 ("
	    OLD_STAMP ")");
	ut_expect_contains(f->out, "new release v1.0");
	ut_expect_contains(f->out, "warning: GitHub's default branch is dev");
	ut_expect_contains(f->out, "alpha  LICENSE  ok");
	ut_expect_contains(f->out, "sha256 72359301af1a48d0\n");
	expect_lacks(f->out, "beta");
	expect_lacks(f->out, "gamma");
	/* The problems, on err, sanitised. */
	ut_expect_contains(f->err, "beta: fetch failed: cannot reach example.org: "
	    "?[31mred?]0;owned?\n");
	ut_expect_contains(f->err, "gamma: release check failed: GitHub has no "
	    "repo (HTTP 404)\n");
	ut_expect_contains(f->err, "beta   LICENSE  not-expected  MIT   the text "
	    "is not the MIT license");
	ut_expect_contains(f->err, "+ \"non-commercial\"");
	ut_expect_contains(f->err, "- \"sell\"");
	expect_terminal_safe(f->out);
	expect_terminal_safe(f->err);
	lines_name_repo(f->err, 1, "");

	/* verbose: every ref update too. */
	f->ctx.verbose = 1;
	run(f, REPORT_TEXT);
	ut_expect_contains(f->out, "refs/heads/main 1111111 -> 2222222");

	/* quiet: nothing on the stream, the same problems on err. */
	f->ctx.quiet = 1;
	run(f, REPORT_TEXT);
	assert_int_equal(f->outlen, 0);
	ut_expect_contains(f->err, "beta: fetch failed");
	ut_expect_contains(f->err, "gamma: release check failed");
	ut_expect_contains(f->err, "beta   LICENSE  not-expected");
	expect_lacks(f->err, "alpha");
}

static void
test_table(void **state)
{
	struct fixture *f = *state;

	run(f, REPORT_TABLE);
	assert_true(strncmp(f->out, "REPO   FETCH      HEAD     RELEASE", 34) ==
	    0);
	assert_int_equal(count(f->out, "\n"), 4);	/* a header, 3 rows */
	ut_expect_contains(f->out, "\nalpha  updated    2222222  v1.0 (changed)");
	ut_expect_contains(f->out, "  ok\n");
	ut_expect_contains(f->out, "\nbeta   error      -        -");
	ut_expect_contains(f->out, "LICENSE not-expected (stale)\n");
	ut_expect_contains(f->out, "\ngamma  skipped    -        error");
	expect_lacks(f->out, "\033");		/* no colour unless asked */
	expect_terminal_safe(f->out);
	/* Every problem line names its repo: cron mails them. */
	assert_int_equal(lines_name_repo(f->err, 0, ": "), 6);
	ut_expect_contains(f->err, "beta: fetch failed: cannot reach example.org: "
	    "?[31mred?]0;owned?\n");
	ut_expect_contains(f->err, "beta: LICENSE: not-expected: the text is not "
	    "the MIT license: <b>&\"'</b> (the mirror as it was");
	ut_expect_contains(f->err, "beta:   + \"non-commercial\"\n");
	ut_expect_contains(f->err, "beta:   - \"sell\"\n");
	ut_expect_contains(f->err, "gamma: release check failed: GitHub has no "
	    "repo (HTTP 404)\n");
	ut_expect_contains(f->err, "alpha: warning: GitHub's default branch is "
	    "dev\n");
	expect_terminal_safe(f->err);

	f->ctx.color = 1;
	run(f, REPORT_TABLE);
	ut_expect_contains(f->out, "\033[31merror\033[0m");
	ut_expect_contains(f->out, "\033[32mok\033[0m");
	expect_lacks(f->err, "\033");

	/* quiet: nothing at all on the stream; warnings are not problems. */
	f->ctx.quiet = 1;
	run(f, REPORT_TABLE);
	assert_int_equal(f->outlen, 0);
	assert_int_equal(lines_name_repo(f->err, 0, ": "), 5);
	expect_lacks(f->err, "warning");
	expect_lacks(f->err, "alpha");

	/* A clean run: quiet says nothing anywhere. */
	f->ctx.n = 1;
	f->r[0].release.warnings = (json_decref(f->r[0].release.warnings),
	    NULL);
	run(f, REPORT_TABLE);
	assert_int_equal(f->outlen, 0);
	assert_int_equal(f->errlen, 0);
}

static void
test_json(void **state)
{
	struct fixture *f = *state;
	static const char *const names[] = NAMES;
	const json_t *repos, *r;
	json_t *top;

	for (int status = 0; status < 4; status++) {
		/* The exit status is handed in, never decided here. */
		f->ctx.status = status;
		run(f, REPORT_JSON);
		assert_int_equal(f->errlen, 0);
		top = ut_parse(f->out);
		assert_int_equal(json_integer_value(json_object_get(top,
		    "exit")), status);
		repos = json_object_get(top, "repos");
		assert_int_equal(json_array_size(repos), 3);
		for (size_t i = 0; i < 3; i++)
			assert_string_equal(json_string_value(json_object_get(
			    json_array_get(repos, i), "name")), names[i]);
		r = json_array_get(repos, 0);
		assert_true(json_is_false(json_object_get(r, "stale")));
		assert_string_equal(json_string_value(json_object_get(
		    json_object_get(r, "fetch"), "result")), "updated");
		assert_string_equal(json_string_value(json_object_get(
		    json_object_get(r, "release"), "latest_tag")), "v1.0");
		assert_int_equal(json_array_size(json_object_get(r,
		    "licenses")), 2);
		r = json_array_get(repos, 1);
		assert_true(json_is_true(json_object_get(r, "stale")));
		assert_string_equal(json_string_value(json_object_get(
		    json_object_get(r, "fetch"), "error")), ESC_ERROR);
		assert_string_equal(json_string_value(json_object_get(
		    json_array_get(json_object_get(r, "licenses"), 0),
		    "verdict")), "not-expected");
		r = json_array_get(repos, 2);
		assert_true(json_is_false(json_object_get(r, "stale")));
		assert_string_equal(json_string_value(json_object_get(
		    json_object_get(r, "release"), "result")), "error");
		assert_int_equal(json_array_size(json_object_get(r,
		    "licenses")), 0);
		json_decref(top);
		/* The raw escape is JSON-escaped, never raw. */
		expect_terminal_safe(f->out);
	}
	/* No repos: still an object with an empty list. */
	f->ctx.n = 0;
	run(f, REPORT_JSON);
	top = ut_parse(f->out);
	assert_int_equal(json_array_size(json_object_get(top, "repos")), 0);
	json_decref(top);
}

/*
 * A small XML checker: one root element, balanced tags, quoted
 * attributes, only the five entities, no control bytes, well-formed
 * UTF-8.  Returns the number of elements named want, or -1 with *why.
 */
static int
is_entity(const char *p)
{
	static const char *const entities[] = { "&amp;", "&lt;", "&gt;",
	    "&quot;", "&apos;" };

	for (size_t i = 0; i < sizeof(entities) / sizeof(entities[0]); i++)
		if (strncmp(p, entities[i], strlen(entities[i])) == 0)
			return 1;
	return 0;
}

#define LETTERS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_"

static int
xml_scan(const char *x, const char *want, const char **why)
{
	char stack[16][64];
	int depth = 0, roots = 0, found = 0;
	const char *p = x;
	size_t n;

	if (strncmp(p, "<?xml ", 6) == 0) {
		if ((p = strstr(p, "?>")) == NULL)
			return *why = "unclosed declaration", -1;
		p += 2;
	}
	while (*p != '\0') {
		unsigned char c = (unsigned char)*p;
		if (c == '<' && p[1] == '/') {
			n = strcspn(p + 2, ">");
			if (depth == 0 || strlen(stack[depth - 1]) != n ||
			    strncmp(stack[depth - 1], p + 2, n) != 0)
				return *why = "unbalanced tags", -1;
			depth--;
			p += 2 + n + (p[2 + n] == '>');
			continue;
		}
		if (c == '<') {
			n = strspn(p + 1, LETTERS);
			if (n == 0 || n >= sizeof(stack[0]) || depth == 16)
				return *why = "bad tag", -1;
			if (depth == 0 && roots++ > 0)
				return *why = "a second root", -1;
			memcpy(stack[depth], p + 1, n);
			stack[depth][n] = '\0';
			found += strcmp(stack[depth], want) == 0;
			p += 1 + n;
			for (;;) {
				p += strspn(p, " \n\t");
				if (*p == '>') {
					depth++;
					p++;
					break;
				}
				if (p[0] == '/' && p[1] == '>') {
					p += 2;
					break;
				}
				n = strspn(p, LETTERS);
				if (n == 0 || p[n] != '=' || p[n + 1] != '"')
					return *why = "bad attribute", -1;
				for (p += n + 2; *p != '"'; p++)
					if (*p == '\0' || *p == '<' ||
					    (*p == '&' && !is_entity(p)) ||
					    (unsigned char)*p < 0x20)
						return *why = "bad attribute "
						    "value", -1;
				p++;
			}
			continue;
		}
		if (c == '&' && !is_entity(p))
			return *why = "bad entity", -1;
		if (c < 0x20 && c != '\n' && c != '\t' && c != '\r')
			return *why = "a control byte", -1;
		if (depth == 0 && c != '\n')
			return *why = "text outside the root", -1;
		if (c >= 0x80) {
			int len = c >= 0xf5 ? 0 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 :
			    c >= 0xc2 ? 2 : 0;
			for (int i = 1; i < len; i++)
				if (((unsigned char)p[i] & 0xc0) != 0x80)
					len = 0;
			if (len == 0)
				return *why = "bad UTF-8", -1;
			p += len;
			continue;
		}
		p++;
	}
	if (depth != 0 || roots != 1)
		return *why = "elements left open, or no root", -1;
	return found;
}

static int
xml_check(const char *x, const char *want)
{
	const char *why = NULL;
	int n = xml_scan(x, want, &why);

	if (n < 0)
		fail_msg("not well-formed XML (%s):\n%s", why, x);
	return n;
}

static void
test_xml_checker(void **state)
{
	static const char *const bad[] = {
		"<a><b></a></b>", "<a>", "<a></a><b></b>", "<a x=1></a>",
		"<a>&nbsp;</a>", "<a>\001</a>", "<a>\xff</a>", "<a x=\"<\"></a>",
		"text<a></a>", "<a>\xc3</a>", "<a x=\"&\"></a>", "",
		"<a></b>", "<a/><a/>",
	};
	const char *why;

	(void)state;
	/* The checker refuses what it must, or its passes prove nothing. */
	assert_int_equal(xml_check("<?xml version=\"1.0\"?>\n<a x=\"&amp;\">"
	    "<b/><b>&lt;\xc3\xa9</b>\n</a>\n", "b"), 2);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (xml_scan(bad[i], "a", &why) != -1)
			fail_msg("the XML checker took: %s", bad[i]);
}

static void
test_junit(void **state)
{
	struct fixture *f = *state;
	const char *suite;

	run(f, REPORT_JUNIT);
	assert_int_equal(f->errlen, 0);
	assert_int_equal(xml_check(f->out, "testsuite"), 3);
	/* alpha: fetch, releases, 2 files; beta: fetch, 1 file; gamma: releases */
	assert_int_equal(xml_check(f->out, "testcase"), 4 + 2 + 1);
	assert_int_equal(xml_check(f->out, "failure"), 3);
	ut_expect_contains(f->out, "<testsuite name=\"alpha\" tests=\"4\" "
	    "failures=\"0\"");
	ut_expect_contains(f->out, "<testsuite name=\"beta\" tests=\"2\" "
	    "failures=\"2\"");
	ut_expect_contains(f->out, "<testsuite name=\"gamma\" tests=\"1\" "
	    "failures=\"1\"");
	/* A failure per failing license, under that file's testcase. */
	suite = strstr(f->out, "<testsuite name=\"beta\"");
	assert_non_null(suite);
	ut_expect_contains(suite, "<testcase classname=\"dsmirror.beta\" "
	    "name=\"LICENSE\">\n      <failure type=\"not-expected\" "
	    "message=\"not-expected: the text is not the MIT license: "
	    "&lt;b&gt;&amp;&quot;&apos;&lt;/b&gt;\">");
	ut_expect_contains(suite, "changes against template:\n+ \"non-commercial\"\n"
	    "- \"sell\"\n</failure>");
	ut_expect_contains(f->out, "<failure type=\"fetch\" message=\"cannot "
	    "reach example.org: ?[31mred?]0;owned?\">");
	ut_expect_contains(f->out, "<failure type=\"releases\"");
	ut_expect_contains(f->out, "warning: GitHub&apos;s default branch is dev");

	/* Every license of alpha failing: one failure each. */
	f->r[0].licenses[0].verdict = VERDICT_MISSING;
	f->r[0].licenses[1].verdict = VERDICT_CHANGED;
	run(f, REPORT_JUNIT);
	assert_int_equal(xml_check(f->out, "failure"), 5);
	ut_expect_contains(f->out, "<testsuite name=\"alpha\" tests=\"4\" "
	    "failures=\"2\"");

	/* No repos: an empty, well-formed list. */
	f->ctx.n = 0;
	run(f, REPORT_JUNIT);
	assert_int_equal(xml_check(f->out, "testsuite"), 0);
}

/* Each sample line is NAME{LABELS} VALUE or NAME VALUE, with a # TYPE. */
static void
expect_prometheus(const char *text)
{
	for (const char *p = text; *p != '\0';) {
		const char *nl = strchr(p, '\n');
		char name[128];
		size_t n;

		assert_non_null(nl);
		if (*p == '#') {
			p = nl + 1;
			continue;
		}
		n = strspn(p, "abcdefghijklmnopqrstuvwxyz_");
		assert_true(n > 0 && n < sizeof(name));
		memcpy(name, p, n);
		name[n] = '\0';
		char *type = util_printf("# TYPE %s gauge\n", name);
		ut_expect_contains(text, type);
		free(type);
		if (p[n] == '{') {
			const char *close = strstr(p + n, "\"} ");
			assert_true(close != NULL && close < nl);
			n = (size_t)(close - p) + 2;
		}
		assert_int_equal(p[n], ' ');
		char *end;
		strtod(p + n + 1, &end);
		assert_ptr_equal(end, nl);
		p = nl + 1;
	}
}

static void
test_metrics(void **state)
{
	struct fixture *f = *state;

	run(f, REPORT_METRICS);
	assert_int_equal(f->errlen, 0);
	expect_prometheus(f->out);
	ut_expect_contains(f->out, "\ndsmirror_run_exit_status 1\n");
	ut_expect_contains(f->out, "\ndsmirror_run_timestamp_seconds 1795428900\n");
	/* The last success, from the state (this run's or an older one). */
	ut_expect_contains(f->out, "\ndsmirror_last_success_timestamp_seconds"
	    "{repo=\"alpha\"} 1795428900\n");
	ut_expect_contains(f->out, "\ndsmirror_last_success_timestamp_seconds"
	    "{repo=\"beta\"} 1737374400\n");
	expect_lacks(f->out, "dsmirror_last_success_timestamp_seconds"
	    "{repo=\"gamma\"}");
	ut_expect_contains(f->out, "\ndsmirror_fetch_ok{repo=\"alpha\"} 1\n");
	ut_expect_contains(f->out, "\ndsmirror_fetch_ok{repo=\"beta\"} 0\n");
	expect_lacks(f->out, "dsmirror_fetch_ok{repo=\"gamma\"}");
	ut_expect_contains(f->out, "\ndsmirror_fetch_duration_seconds"
	    "{repo=\"alpha\"} 1.5\n");
	ut_expect_contains(f->out, "\ndsmirror_license_ok{repo=\"alpha\","
	    "path=\"MODEL\",verdict=\"ok\"} 1\n");
	ut_expect_contains(f->out, "\ndsmirror_license_ok{repo=\"beta\","
	    "path=\"LICENSE\",verdict=\"not-expected\"} 0\n");
	ut_expect_contains(f->out, "\ndsmirror_release_check_ok{repo=\"alpha\"} 1\n");
	ut_expect_contains(f->out, "\ndsmirror_release_check_ok{repo=\"gamma\"} 0\n");
	expect_lacks(f->out, "dsmirror_release_check_ok{repo=\"beta\"}");
	ut_expect_contains(f->out, "\ndsmirror_latest_release_timestamp_seconds"
	    "{repo=\"alpha\"} 1737374400\n");

	/* A recorded time that is not one is no sample; the status is. */
	json_object_set_new(json_object_get(f->r[0].state, "fetch"),
	    "last_success", json_string("yesterday"));
	json_decref(f->r[1].state);
	f->r[1].state = NULL;
	f->ctx.status = 3;
	run(f, REPORT_METRICS);
	expect_prometheus(f->out);
	expect_lacks(f->out, "dsmirror_last_success_timestamp_seconds{");
	ut_expect_contains(f->out, "\ndsmirror_run_exit_status 3\n");
}

/* A license path may hold what XML and Prometheus labels must escape. */
#define ODD_PATH "docs/a\"b\\c<&>\xc3\xa9.txt"
#define ODD_CONFIG "{\"version\": 1, \"repos\": [{\"name\": \"q\", " \
	"\"url\": \"https://example.org/q.git\", \"licenses\": [{\"path\": " \
	"\"docs/a\\\"b\\\\c<&>\xc3\xa9.txt\"}]}]}"

static void
test_odd_path(void **state)
{
	struct fixture *f = *state;
	struct config *cfg;
	struct repo_result q = { 0 };
	struct license_report l = { 0 };

	assert_null(config_parse(&cfg, "m.json", ODD_CONFIG,
	    strlen(ODD_CONFIG)));
	assert_string_equal(cfg->repos[0].licenses[0].path, ODD_PATH);
	q.spec = &cfg->repos[0];
	q.verified = 1;
	q.licenses = &l;
	q.nlicenses = 1;
	l.spec = &q.spec->licenses[0];
	l.verdict = VERDICT_MISSING;
	f->ctx.repos = &q;
	f->ctx.n = 1;

	run(f, REPORT_METRICS);
	expect_prometheus(f->out);
	ut_expect_contains(f->out, "\ndsmirror_license_ok{repo=\"q\",path=\"docs/"
	    "a\\\"b\\\\c<&>\xc3\xa9.txt\",verdict=\"missing\"} 0\n");
	run(f, REPORT_JUNIT);
	assert_int_equal(xml_check(f->out, "failure"), 1);
	ut_expect_contains(f->out, "name=\"docs/a&quot;b\\c&lt;&amp;&gt;\xc3\xa9"
	    ".txt\"");
	run(f, REPORT_TABLE);
	ut_expect_contains(f->err, "q: " ODD_PATH ": missing: \n");
	run(f, REPORT_JSON);
	json_t *top = ut_parse(f->out);
	assert_string_equal(json_string_value(json_object_get(json_array_get(
	    json_object_get(json_array_get(json_object_get(top, "repos"), 0),
	    "licenses"), 0), "path")), ODD_PATH);
	json_decref(top);
	config_free(cfg);
}

/* The model of `dsmirror status`: states as record.c writes them. */
static void
status_model(struct fixture *f)
{
	for (int i = 0; i < 3; i++) {
		const struct repo_spec *spec = f->r[i].spec;
		repo_result_clear(&f->r[i]);
		f->r[i].spec = spec;
	}
	f->r[0].mirrored = 1;
	f->r[0].state = ut_parse("{\"version\": 1, \"fetch\": {\"last_attempt\": "
	    "\"2026-11-23T09:15:00Z\", \"last_success\": \"2026-11-23T09:15:00Z\", "
	    "\"result\": \"updated\", \"head\": \"" OID_B "\", \"head_ref\": "
	    "\"refs/heads/main\", \"error\": null, \"seconds\": 1.5}, "
	    "\"releases\": {\"checked_at\": \"2026-11-23T10:14:00Z\", "
	    "\"latest\": \"v1.0\"}, \"verify\": {\"checked_at\": \""
	    STAMP "\", \"stale\": false, \"licenses\": [{\"path\": \"LICENSE\", "
	    "\"verdict\": \"ok\", \"sha256\": \"" SHA_X "\", \"detail\": null}]}}");
	f->r[1].mirrored = 1;
	f->r[1].state = ut_parse("{\"version\": 1, \"fetch\": {\"last_attempt\": \""
	    STAMP "\", \"last_success\": \"" OLD_STAMP "\", \"result\": "
	    "\"error\", \"head\": \"" OID_A "\", \"error\": \"timed out "
	    "\\u001b[2J\"}, \"verify\": {\"checked_at\": \"" STAMP "\", "
	    "\"stale\": true, \"licenses\": [{\"path\": \"LICENSE\", "
	    "\"verdict\": \"not-expected\", \"detail\": \"not MIT\"}]}}");
	f->r[1].state_note = ut_xstrdup("the state file x was unreadable (y); "
	    "kept as x.corrupt and started afresh");
	/* gamma: hand-edited, with an escape where the head goes. */
	f->r[2].mirrored = 1;
	f->r[2].state = ut_parse("{\"version\": 1, \"fetch\": {\"head\": "
	    "\"\\u001b]0;owned\\u0007\", \"result\": \"updated\"}}");
	for (int i = 0; i < 3; i++)
		assert_int_equal(record_to_result(&f->r[i]), 0);
	f->ctx.status = result_exit_status(f->r, 3);
	assert_int_equal(f->ctx.status, 1);
}

static void
test_status(void **state)
{
	struct fixture *f = *state;

	status_model(f);
	run(f, REPORT_STATUS);
	expect_terminal_safe(f->out);
	ut_expect_contains(f->out, "alpha  fetched 1 h ago, head 2222222 main; "
	    "release v1.0; licenses ok\n");
	ut_expect_contains(f->out, "beta   fetch FAILED 0 s ago, last success "
	    "671 d ago, head 1111111 ; licenses FAILED (stale)\n");
	ut_expect_contains(f->out, "last error: timed out ?[2J\n");
	ut_expect_contains(f->out, "LICENSE: not-expected: not MIT\n");
	ut_expect_contains(f->out, "note: the state file x was unreadable");
	ut_expect_contains(f->out, "gamma  no fetch recorded\n");
	ut_expect_contains(f->out, "note: the state file of gamma is unreadable "
	    "in part (its fetch section is malformed)");
	expect_lacks(f->out, "owned");

	/* Not mirrored, nothing recorded. */
	json_decref(f->r[2].state);
	f->r[2].state = NULL;
	f->r[2].mirrored = 0;
	run(f, REPORT_STATUS);
	ut_expect_contains(f->out, "gamma  not mirrored yet (run dsmirror sync)\n");
}

static void
test_status_json(void **state)
{
	struct fixture *f = *state;
	const json_t *repos, *r;
	json_t *top;

	status_model(f);
	run(f, REPORT_STATUS_JSON);
	top = ut_parse(f->out);
	assert_int_equal(json_integer_value(json_object_get(top, "exit")), 1);
	repos = json_object_get(top, "repos");
	assert_int_equal(json_array_size(repos), 3);
	r = json_array_get(repos, 0);
	assert_string_equal(json_string_value(json_object_get(r, "name")),
	    "alpha");
	assert_true(json_is_true(json_object_get(r, "mirrored")));
	assert_int_equal(json_integer_value(json_object_get(json_object_get(r,
	    "fetch"), "last_success_age_seconds")), 3600);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(r,
	    "release"), "checked_at_age_seconds")), 60);
	assert_string_equal(json_string_value(json_object_get(json_object_get(
	    r, "release"), "latest_tag")), "v1.0");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(r,
	    "verify"), "checked_at_age_seconds")), 0);
	assert_true(json_is_null(json_object_get(r, "note")));
	r = json_array_get(repos, 1);
	assert_string_equal(json_string_value(json_object_get(json_object_get(
	    r, "fetch"), "error")), "timed out \033[2J");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(r,
	    "fetch"), "last_success_age_seconds")), NOW - OLD);
	assert_true(json_is_true(json_object_get(json_object_get(r, "verify"),
	    "stale")));
	assert_non_null(json_string_value(json_object_get(r, "note")));
	/* Only well-typed sections: gamma's hostile head is not passed on. */
	r = json_array_get(repos, 2);
	assert_true(json_is_null(json_object_get(r, "fetch")));
	assert_true(json_is_null(json_object_get(r, "release")));
	assert_non_null(strstr(json_string_value(json_object_get(r, "note")),
	    "unreadable in part"));
	json_decref(top);
	expect_terminal_safe(f->out);

	f->ctx.status = 3;
	run(f, REPORT_STATUS_JSON);
	top = ut_parse(f->out);
	assert_int_equal(json_integer_value(json_object_get(top, "exit")), 3);
	json_decref(top);
}

static const enum report_format all_formats[] = { REPORT_TEXT, REPORT_TABLE,
    REPORT_JSON, REPORT_JUNIT, REPORT_METRICS, REPORT_STATUS,
    REPORT_STATUS_JSON };
#define NFORMATS (sizeof(all_formats) / sizeof(all_formats[0]))

static void
test_unwritable_stream(void **state)
{
	struct fixture *f = *state;

	for (size_t i = 0; i < NFORMATS; i++) {
		FILE *full = fopen("/dev/full", "w");
		struct dsm_error *err;

		assert_non_null(full);
		err = report_write(all_formats[i], full, &f->ctx);
		if (err == NULL)
			fail_msg("format %d: no error on /dev/full",
			    (int)all_formats[i]);
		dsm_error_free(err);
		fclose(full);
	}
	/* quiet: nothing for the stream, the problems lost on err. */
	for (int fmt = REPORT_TEXT; fmt <= REPORT_TABLE; fmt++) {
		FILE *full = fopen("/dev/full", "w");
		struct dsm_error *err;

		assert_non_null(full);
		f->ctx.quiet = 1;
		f->ctx.err = full;
		err = report_write((enum report_format)fmt, f->outf, &f->ctx);
		if (err == NULL)
			fail_msg("format %d: no error for a full err stream",
			    fmt);
		dsm_error_free(err);
		fclose(full);
		f->ctx.err = f->errf;
	}
	/* A format that does not exist. */
	struct dsm_error *err = report_write((enum report_format)99, f->outf,
	    &f->ctx);
	assert_non_null(err);
	dsm_error_free(err);
}

static void
test_write_file(void **state)
{
	struct fixture *f = *state;
	char path[128], *text;
	struct stat st0, st1;
	struct dsm_error *err;
	mode_t old;

	snprintf(path, sizeof(path), "%s/report.out", f->dir);
	for (size_t i = 0; i < NFORMATS; i++) {
		if (all_formats[i] == REPORT_TEXT ||
		    all_formats[i] == REPORT_TABLE)
			continue;	/* they also write to err */
		/* 0644 whatever the umask: node_exporter reads it. */
		old = umask(077);
		err = report_write_file(all_formats[i], path, &f->ctx);
		umask(old);
		if (err != NULL)
			fail_msg("format %d: %s", (int)all_formats[i], err->msg);
		assert_int_equal(stat(path, &st0), 0);
		assert_int_equal(st0.st_mode & 07777, 0644);
		/* The same bytes as on a stream. */
		run(f, all_formats[i]);
		text = ut_slurp(path);
		assert_string_equal(text, f->out);
		free(text);
		assert_int_equal(ut_count_entries(f->dir), 1);
	}
	/* Replaced by a rename, not rewritten in place: a new file. */
	assert_int_equal(stat(path, &st0), 0);
	assert_null(report_write_file(REPORT_METRICS, path, &f->ctx));
	assert_int_equal(stat(path, &st1), 0);
	assert_true(st0.st_ino != st1.st_ino);
	assert_int_equal(ut_count_entries(f->dir), 1);

	/* A folder that does not exist: an error naming the path. */
	snprintf(path, sizeof(path), "%s/none/report.xml", f->dir);
	err = report_write_file(REPORT_JUNIT, path, &f->ctx);
	assert_non_null(err);
	ut_expect_contains(err->msg, path);
	dsm_error_free(err);
	assert_int_equal(ut_count_entries(f->dir), 1);

	/* A format that does not exist writes nothing. */
	snprintf(path, sizeof(path), "%s/other", f->dir);
	err = report_write_file((enum report_format)99, path, &f->ctx);
	assert_non_null(err);
	dsm_error_free(err);
	assert_int_equal(access(path, F_OK), -1);
}

int
main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_text),
		T(test_table),
		T(test_json),
		cmocka_unit_test(test_xml_checker),
		T(test_junit),
		T(test_metrics),
		T(test_odd_path),
		T(test_status),
		T(test_status_json),
		T(test_unwritable_stream),
		T(test_write_file),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
