/*
 * report_table.c - the sync report for people: one aligned row per repo,
 * then the problems, each on a line of its own that names the repo (cron
 * mails those lines; -q prints only them).
 */
#include <string.h>

#include "report.h"
#include "util.h"

#define SHORT_OID	7
#define RED		"\033[31m"
#define GREEN		"\033[32m"
#define YELLOW		"\033[33m"
#define RESET		"\033[0m"

/* Prints a cell padded to width, coloured when asked. */
static void
cell(FILE *f, const struct report_ctx *o, const char *color, int width,
    const char *text)
{
	if (o->color && color != NULL)
		fprintf(f, "%s%s%s%*s", color, text, RESET,
		    width - (int)strlen(text) > 0 ? width - (int)strlen(text) :
		    0, "");
	else
		fprintf(f, "%-*s", width, text);
}

static const char *
release_text(char *buf, size_t size, const struct release_report *rel)
{
	const char *tag = json_string_value(json_object_get(rel->latest, "tag"));
	char safe[64];

	switch (rel->result) {
	case RELEASE_SKIPPED:
		return "-";
	case RELEASE_ERROR:
		return "error";
	case RELEASE_NONE:
		return "none";
	default:
		snprintf(buf, size, "%s%s", tag != NULL ? util_sanitize(safe,
		    sizeof(safe), tag) : "none", rel->result == RELEASE_CHANGED ?
		    " (changed)" : "");
		return buf;
	}
}

/* "ok" when every file is, else each file's verdict, "path: verdict". */
static int
licenses_ok(const struct repo_result *r)
{
	for (size_t i = 0; i < r->nlicenses; i++)
		if (r->licenses[i].verdict != VERDICT_OK)
			return 0;
	return 1;
}

static void
row(FILE *out, const struct repo_result *r, int width,
    const struct report_ctx *o)
{
	char name[128], rel[96], head[SHORT_OID + 1] = "-";
	int ferr = r->fetch.result == FETCH_ERROR;

	util_sanitize(name, sizeof(name), r->spec->name);
	if (r->fetch.head[0] != '\0')
		snprintf(head, sizeof(head), "%.*s", SHORT_OID, r->fetch.head);
	fprintf(out, "%-*s  ", width, name);
	cell(out, o, ferr ? RED : NULL, 9, fetch_result_name(r->fetch.result));
	fprintf(out, "  %-7s  ", head);
	cell(out, o, r->release.result == RELEASE_ERROR ? RED :
	    r->release.result == RELEASE_CHANGED ? YELLOW : NULL, 24,
	    release_text(rel, sizeof(rel), &r->release));
	fputs("  ", out);
	if (!r->verified || r->nlicenses == 0) {
		fputs("-", out);
	} else if (licenses_ok(r)) {
		cell(out, o, GREEN, 0, "ok");
	} else {
		for (size_t i = 0; i < r->nlicenses; i++) {
			const struct license_report *l = &r->licenses[i];
			char path[128];
			fprintf(out, "%s%s ", i ? ", " : "", util_sanitize(path,
			    sizeof(path), l->spec->path));
			cell(out, o, l->verdict == VERDICT_OK ? GREEN : RED, 0,
			    license_verdict_name(l->verdict));
		}
	}
	/* The tree inventory: "tree ok", or how many files fail it. */
	if (r->verified && r->inventory.ran) {
		char n[48];
		size_t bad = 0;
		for (size_t i = 0; i < r->inventory.nfindings; i++)
			bad += !r->inventory.findings[i].accepted;
		fputs("; tree ", out);
		if (!inventory_failed(&r->inventory)) {
			cell(out, o, GREEN, 0, "ok");
		} else {
			snprintf(n, sizeof(n), r->inventory.error != NULL ?
			    "damaged" : "%zu not-expected", bad);
			cell(out, o, RED, 0, n);
		}
	}
	if (result_is_stale(r))
		fputs(" (stale)", out);
	fputc('\n', out);
}

static void
problems(FILE *err, const struct repo_result *r)
{
	char name[128], msg[1024], path[256], buf[LICENSE_MAX_PHRASE + 8];
	const json_t *v;
	size_t i;

	util_sanitize(name, sizeof(name), r->spec->name);
	if (r->fetch.note != NULL)
		fprintf(err, "%s: note: %s\n", name, util_sanitize(msg,
		    sizeof(msg), r->fetch.note));
	if (r->fetch.result == FETCH_ERROR)
		fprintf(err, "%s: fetch failed: %s\n", name, util_sanitize(msg,
		    sizeof(msg), r->fetch.error != NULL ? r->fetch.error :
		    "unknown error"));
	if (r->release.result == RELEASE_ERROR)
		fprintf(err, "%s: release check failed: %s\n", name,
		    util_sanitize(msg, sizeof(msg), r->release.error != NULL ?
		    r->release.error : "unknown error"));
	for (size_t j = 0; j < r->nlicenses; j++) {
		const struct license_report *l = &r->licenses[j];
		if (l->verdict == VERDICT_OK)
			continue;
		fprintf(err, "%s: %s: %s: %s%s\n", name, util_sanitize(path,
		    sizeof(path), l->spec->path),
		    license_verdict_name(l->verdict), util_sanitize(msg,
		    sizeof(msg), l->detail != NULL ? l->detail : ""),
		    result_is_stale(r) ? " (the mirror as it was: "
		    "the fetch failed, so this may be stale)" : "");
		for (i = 0; i < l->change.nadded; i++)
			fprintf(err, "%s:   + \"%s\"\n", name, util_sanitize(buf,
			    sizeof(buf), l->change.added[i]));
		for (i = 0; i < l->change.nremoved; i++)
			fprintf(err, "%s:   - \"%s\"\n", name, util_sanitize(buf,
			    sizeof(buf), l->change.removed[i]));
	}
	if (r->verified && r->inventory.error != NULL)
		fprintf(err, "%s: inventory: damaged: %s\n", name,
		    util_sanitize(msg, sizeof(msg), r->inventory.error));
	for (size_t j = 0, shown = 0; r->verified && j <
	    r->inventory.nfindings; j++) {
		const struct inv_finding *f = &r->inventory.findings[j];
		if (f->accepted || ++shown > REPORT_MAX_FINDINGS)
			continue;
		fprintf(err, "%s: %s: not-expected: %s", name, util_sanitize(path,
		    sizeof(path), f->path), util_sanitize(msg, sizeof(msg),
		    f->license));
		fprintf(err, " (%s); review it, then dsmirror pin accepts it\n",
		    util_sanitize(msg, sizeof(msg), f->evidence));
	}
	json_array_foreach(r->release.warnings, i, v)
		fprintf(err, "%s: warning: %s\n", name, util_sanitize(msg,
		    sizeof(msg), json_string_value(json_object_get(v,
		    "message"))));
}

/* Whether r has anything for the problems section. */
static int
has_problem(const struct repo_result *r, int quiet)
{
	return r->fetch.result == FETCH_ERROR ||
	    r->release.result == RELEASE_ERROR || (r->verified &&
	    (!licenses_ok(r) || inventory_failed(&r->inventory))) || (!quiet &&
	    json_array_size(r->release.warnings) > 0);
}

struct dsm_error *
report_table(FILE *out, const struct report_ctx *ctx)
{
	const struct repo_result *results = ctx->repos;
	int width = result_name_width(results, ctx->n, 4);

	if (!ctx->quiet) {
		fprintf(out, "%-*s  %-9s  %-7s  %-24s  %s\n", width, "REPO",
		    "FETCH", "HEAD", "RELEASE", "LICENSES");
		for (size_t i = 0; i < ctx->n; i++)
			row(out, &results[i], width, ctx);
		/* -v: every tip kept and ref moved, as fetch prints them. */
		for (size_t i = 0; ctx->verbose && i < ctx->n; i++) {
			const struct fetch_report *f = &results[i].fetch;
			char name[128];
			if (f->result == FETCH_CLONED || (f->nupdated == 0 &&
			    f->npreserved == 0 && !f->maint.ran))
				continue;	/* a clone lists no refs */
			fprintf(out, "%s:\n", util_sanitize(name, sizeof(name),
			    results[i].spec->name));
			report_fetch_details(out, &results[i], 0, ctx);
		}
		fflush(out);
	}
	for (size_t i = 0; i < ctx->n; i++) {
		if (!has_problem(&results[i], ctx->quiet))
			continue;
		/* Warnings alone are not problems: -q leaves them out. */
		if (ctx->quiet && results[i].fetch.result != FETCH_ERROR &&
		    results[i].release.result != RELEASE_ERROR &&
		    licenses_ok(&results[i]) &&
		    !inventory_failed(&results[i].inventory))
			continue;
		problems(ctx->err, &results[i]);
	}
	return NULL;
}
