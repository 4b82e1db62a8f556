/*
 * report_junit.c - the --junit FILE report: JUnit XML as GitLab and Jenkins
 * read it.  One testsuite per repo; a testcase for the fetch and one for
 * the release check when they ran, and one per license file.  Written
 * atomically by report_write_file().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "util.h"

/* Writes s as XML character data: escaped, and without what XML forbids. */
static void
xml_text(FILE *f, const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		switch (c) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&apos;", f); break;
		default:
			if (c < 0x20 && c != '\t' && c != '\n')
				fputc('?', f);
			else
				fputc(c, f);
		}
	}
}

static void
change_text(FILE *f, const struct license_report *l)
{
	if (l->detail != NULL) {
		xml_text(f, l->detail);
		fputc('\n', f);
	}
	if (l->against == NULL)
		return;
	fputs("changes against ", f);
	xml_text(f, l->against);
	fputs(":\n", f);
	for (size_t i = 0; i < l->change.nadded; i++) {
		fputs("+ \"", f);
		xml_text(f, l->change.added[i]);
		fputs("\"\n", f);
	}
	for (size_t i = 0; i < l->change.nremoved; i++) {
		fputs("- \"", f);
		xml_text(f, l->change.removed[i]);
		fputs("\"\n", f);
	}
}

static void
testcase_open(FILE *f, const char *repo, const char *name)
{
	fputs("    <testcase classname=\"dsmirror.", f);
	xml_text(f, repo);
	fputs("\" name=\"", f);
	xml_text(f, name);
	fputs("\">\n", f);
}

static void
failure(FILE *f, const char *type, const char *message)
{
	fputs("      <failure type=\"", f);
	xml_text(f, type);
	fputs("\" message=\"", f);
	xml_text(f, message);
	fputs("\">", f);
}

/* The release check: a failure when it failed; what changed as output. */
static void
release_case(FILE *f, const struct repo_result *r)
{
	const struct release_report *rel = &r->release;
	const json_t *lists[] = { rel->changes, rel->warnings }, *v;
	size_t i;

	testcase_open(f, r->spec->name, "releases");
	if (rel->result == RELEASE_ERROR) {
		failure(f, "releases", rel->error);
		xml_text(f, rel->error);
		fputs("</failure>\n", f);
	}
	if (json_array_size(rel->changes) + json_array_size(rel->warnings) >
	    0) {
		fputs("      <system-out>", f);
		for (int l = 0; l < 2; l++) {
			json_array_foreach(lists[l], i, v) {
				fputs(l == 1 ? "warning: " : "", f);
				xml_text(f, json_string_value(json_object_get(v,
				    "message")));
				fputc('\n', f);
			}
		}
		fputs("</system-out>\n", f);
	}
	fputs("    </testcase>\n", f);
}

static void
suite(FILE *f, const struct repo_result *r)
{
	const struct fetch_report *fr = &r->fetch;
	size_t tests = r->nlicenses, failures = 0;
	int fetched = fr->result != FETCH_SKIPPED;
	int released = r->release.result != RELEASE_SKIPPED;

	tests += fetched + released;
	failures += fr->result == FETCH_ERROR;
	failures += r->release.result == RELEASE_ERROR;
	for (size_t i = 0; i < r->nlicenses; i++)
		failures += r->licenses[i].verdict != VERDICT_OK;
	/* The inventory: a testcase per finding (and one if unreadable). */
	tests += r->inventory.nfindings + (r->inventory.error != NULL);
	failures += r->inventory.error != NULL;
	for (size_t i = 0; i < r->inventory.nfindings; i++)
		failures += !r->inventory.findings[i].accepted;
	fputs("  <testsuite name=\"", f);
	xml_text(f, r->spec->name);
	fprintf(f, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\">\n", tests,
	    failures);
	if (fetched) {
		testcase_open(f, r->spec->name, "fetch");
		if (fr->result == FETCH_ERROR) {
			failure(f, "fetch", fr->error);
			xml_text(f, fr->error);
			fputs("</failure>\n", f);
		}
		fputs("    </testcase>\n", f);
	}
	if (released)
		release_case(f, r);
	for (size_t i = 0; i < r->nlicenses; i++) {
		const struct license_report *l = &r->licenses[i];
		testcase_open(f, r->spec->name, l->spec->path);
		if (l->verdict != VERDICT_OK) {
			char msg[600];
			snprintf(msg, sizeof(msg), "%s: %s",
			    license_verdict_name(l->verdict),
			    l->detail != NULL ? l->detail : "");
			failure(f, license_verdict_name(l->verdict), msg);
			change_text(f, l);
			fputs("</failure>\n", f);
		}
		fputs("    </testcase>\n", f);
	}
	if (r->inventory.error != NULL) {
		testcase_open(f, r->spec->name, "inventory");
		failure(f, "damaged", r->inventory.error);
		fputs("</failure>\n", f);
		fputs("    </testcase>\n", f);
	}
	for (size_t i = 0; i < r->inventory.nfindings; i++) {
		const struct inv_finding *fi = &r->inventory.findings[i];
		char name[1100], msg[1400];
		snprintf(name, sizeof(name), "inventory %s", fi->path);
		testcase_open(f, r->spec->name, name);
		snprintf(msg, sizeof(msg), "%s: %s is under %s, not %s (%s)",
		    fi->accepted ? "accepted" : "not-expected", fi->path,
		    fi->license, r->inventory.expected, fi->evidence);
		if (!fi->accepted) {
			failure(f, "not-expected", msg);
			xml_text(f, msg);
			fputs("\nReview it, then dsmirror pin accepts it.\n"
			    "</failure>\n", f);
		} else {
			fputs("      <system-out>", f);
			xml_text(f, msg);
			fputs("</system-out>\n", f);
		}
		fputs("    </testcase>\n", f);
	}
	fputs("  </testsuite>\n", f);
}

struct dsm_error *
report_junit(FILE *f, const struct report_ctx *ctx)
{
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites "
	    "name=\"dsmirror\">\n", f);
	for (size_t i = 0; i < ctx->n; i++)
		suite(f, &ctx->repos[i]);
	fputs("</testsuites>\n", f);
	return ferror(f) ? dsm_error_new(DSM_ERR_SYSTEM, "cannot write the "
	    "JUnit report") : NULL;
}
