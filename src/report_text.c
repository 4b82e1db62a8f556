/*
 * report_text.c - the human report: one line per repo, details beneath.
 */
#include <string.h>

#include "mirror.h"
#include "report.h"
#include "util.h"

#define SHORT_OID 7
/* Past this many preserved tips, a text report without -v gives a count. */
#define REPORT_MAX_KEPT_LINES 10

/* The part of a ref name people say: "main" for "refs/heads/main". */
static const char *
short_ref(const char *ref)
{
	if (ref == NULL)
		return "";
	if (strncmp(ref, "refs/heads/", 11) == 0)
		return ref + 11;
	return ref;
}

static const struct ref_update *
find_update(const struct fetch_report *f, const char *ref)
{
	for (size_t i = 0; ref != NULL && i < f->nupdated; i++)
		if (strcmp(f->updated[i].ref, ref) == 0)
			return &f->updated[i];
	return NULL;
}

/* "17 packs -> 1, 80 loose refs packed" after lead, on a line of its own. */
static void
print_maint(FILE *out, int width, const char *lead,
    const struct maint_report *m)
{
	fprintf(out, "%*s%s%zu pack%s -> %zu, %zu loose ref%s packed\n",
	    width, "", lead, m->packs_before, m->packs_before == 1 ? "" : "s",
	    m->packs_after, m->refs_packed, m->refs_packed == 1 ? "" : "s");
}

static void
print_gc(FILE *out, const struct repo_result *r, int width)
{
	const struct gc_report *g = &r->gc;
	char name[128];

	util_sanitize(name, sizeof(name), r->spec->name);
	fprintf(out, "%-*s  %-9s  ", width, name, gc_result_name(g->result));
	if (g->result == GC_NO_MIRROR)
		fprintf(out, "not cloned yet: nothing to do\n");
	else if (g->result == GC_UNCHANGED)
		fprintf(out, "%zu pack%s, no loose ref\n", g->maint.packs_after,
		    g->maint.packs_after == 1 ? "" : "s");
	else
		fprintf(out, "%zu pack%s -> %zu, %zu loose ref%s packed in "
		    "%.1f s\n", g->maint.packs_before,
		    g->maint.packs_before == 1 ? "" : "s", g->maint.packs_after,
		    g->maint.refs_packed, g->maint.refs_packed == 1 ? "" : "s",
		    g->seconds);
}

static void
print_fsck(FILE *out, const struct repo_result *r, int width)
{
	const struct fsck_report *k = &r->fsck;
	char name[128], detail[2048];

	util_sanitize(name, sizeof(name), r->spec->name);
	util_sanitize(detail, sizeof(detail), k->detail != NULL ? k->detail :
	    "");
	fprintf(out, "%-*s  fsck %-9s  ", width, name, fsck_result_name(k->result));
	if (k->result == FSCK_NO_MIRROR)
		fprintf(out, "not cloned yet: nothing to check\n");
	else if (k->result == FSCK_OK)
		fprintf(out, "%llu objects, %llu pack%s whole in %.1f s\n",
		    (unsigned long long)k->objects,
		    (unsigned long long)k->packs, k->packs == 1 ? "" : "s",
		    k->seconds);
	else if (k->result == FSCK_REPAIRED)
		fprintf(out, "%llu objects whole after the repair of: %s\n",
		    (unsigned long long)k->objects, detail);
	else
		fprintf(out, "damaged: %s\n", detail);
}

static void
print_fetch(FILE *out, const struct repo_result *r, int width,
    const struct report_ctx *opts)
{
	const struct fetch_report *f = &r->fetch;
	const struct ref_update *hu = find_update(f, f->head_ref);
	char name[128], ref[512], bytes[32];

	util_sanitize(name, sizeof(name), r->spec->name);
	util_sanitize(ref, sizeof(ref), short_ref(f->head_ref));
	fprintf(out, "%-*s  %-9s", width, name, fetch_result_name(f->result));
	if (f->head[0] == '\0')
		fprintf(out, "  (empty)");
	else if (hu != NULL && hu->old[0] != '\0')
		fprintf(out, "  %s %.*s -> %.*s", ref, SHORT_OID, hu->old,
		    SHORT_OID, f->head);
	else
		fprintf(out, "  %s %.*s", ref, SHORT_OID, f->head);
	if (f->result == FETCH_CLONED)
		fprintf(out, ", %zu refs, %s in %.1f s", f->nupdated,
		    util_human_bytes(bytes, sizeof(bytes),
		    (double)f->received_bytes), f->seconds);
	else if (f->result == FETCH_UPDATED || f->result == FETCH_REPAIRED)
		fprintf(out, ", %zu ref%s updated, %zu preserved", f->nupdated,
		    f->nupdated == 1 ? "" : "s", f->npreserved);
	fputc('\n', out);
	if (f->damage != NULL) {
		char damage[1024];
		fprintf(out, "%*s  damage found and repaired from upstream: %s\n",
		    width, "", util_sanitize(damage, sizeof(damage), f->damage));
	}
	report_fetch_details(out, r, width, opts);
}

void
report_fetch_details(FILE *out, const struct repo_result *r, int width,
    const struct report_ctx *opts)
{
	const struct fetch_report *f = &r->fetch;
	char ref[512], as[512];

	if (opts->verbose && f->maint.ran)
		print_maint(out, width, "  maintenance: ", &f->maint);
	/* A large tag move is a count, not a page of lines (-v lists them). */
	if (!opts->verbose && f->npreserved > REPORT_MAX_KEPT_LINES) {
		fprintf(out, "%*s  kept %zu old tips under %s (-v lists them)\n",
		    width, "", f->npreserved, MIRROR_PRESERVE_NS);
		return;
	}
	for (size_t i = 0; i < f->npreserved; i++) {
		util_sanitize(ref, sizeof(ref), f->preserved[i].ref);
		util_sanitize(as, sizeof(as), f->preserved[i].as);
		fprintf(out, "%*s  kept old %s %.*s as %s\n", width, "", ref,
		    SHORT_OID, f->preserved[i].oid, as);
	}
	if (!opts->verbose || f->result == FETCH_CLONED)
		return;
	for (size_t i = 0; i < f->nupdated; i++) {
		const struct ref_update *u = &f->updated[i];
		util_sanitize(ref, sizeof(ref), u->ref);
		fprintf(out, "%*s  %s %.*s -> %.*s\n", width, "", ref,
		    u->old[0] ? SHORT_OID : 5, u->old[0] ? u->old : "(new)",
		    u->new[0] ? SHORT_OID : 9, u->new[0] ? u->new : "(deleted)");
	}
}

static void
print_release(FILE *out, const struct repo_result *r, int width)
{
	const struct release_report *rel = &r->release;
	const char *tag = json_string_value(json_object_get(rel->latest, "tag"));
	const char *when = json_string_value(json_object_get(rel->latest,
	    "published_at"));
	char name[128], buf[1024], buf2[64];
	const json_t *v;
	size_t i;

	util_sanitize(name, sizeof(name), r->spec->name);
	fprintf(out, "%-*s  release %-9s", width, name,
	    release_result_name(rel->result));
	if (tag != NULL)
		fprintf(out, "  latest %s%s%s%s", util_sanitize(buf, sizeof(buf),
		    tag), when != NULL ? " (" : "", when != NULL ?
		    util_sanitize(buf2, sizeof(buf2), when) : "",
		    when != NULL ? ")" : "");
	else
		fprintf(out, "  no release");
	fputc('\n', out);
	json_array_foreach(rel->changes, i, v)
		fprintf(out, "%*s  %s\n", width, "", util_sanitize(buf,
		    sizeof(buf), json_string_value(json_object_get(v,
		    "message"))));
	json_array_foreach(rel->warnings, i, v)
		fprintf(out, "%*s  warning: %s\n", width, "", util_sanitize(buf,
		    sizeof(buf), json_string_value(json_object_get(v,
		    "message"))));
}

/* What changed in a failed license file, indented under its line. */
static void
print_change(FILE *f, const struct license_report *l, int width)
{
	char buf[LICENSE_MAX_PHRASE + 8];

	if (l->against == NULL)
		return;
	if (strcmp(l->against, "template") == 0)
		fprintf(f, "%*s  against the license's template:\n", width, "");
	else
		fprintf(f, "%*s  against the last accepted text (commit "
		    "%.12s):\n", width, "", l->against);
	for (size_t i = 0; i < l->change.nadded; i++)
		fprintf(f, "%*s    + \"%s\"\n", width, "", util_sanitize(buf,
		    sizeof(buf), l->change.added[i]));
	for (size_t i = 0; i < l->change.nremoved; i++)
		fprintf(f, "%*s    - \"%s\"\n", width, "", util_sanitize(buf,
		    sizeof(buf), l->change.removed[i]));
	if (l->change.truncated)
		fprintf(f, "%*s    (more changes not shown)\n", width, "");
}

static void
print_licenses(FILE *out, FILE *err, const struct repo_result *r, int width,
    const struct report_ctx *opts)
{
	char name[128], path[256], detail[512];
	int pw = 0;

	for (size_t i = 0; i < r->nlicenses; i++) {
		int w = (int)strlen(r->licenses[i].spec->path);
		if (w > pw && w <= RESULT_MAX_NAME_WIDTH)
			pw = w;
	}
	util_sanitize(name, sizeof(name), r->spec->name);
	for (size_t i = 0; i < r->nlicenses; i++) {
		const struct license_report *l = &r->licenses[i];
		int ok = l->verdict == VERDICT_OK;
		FILE *f = ok ? out : err;

		if (ok && opts->quiet)
			continue;
		util_sanitize(path, sizeof(path), l->spec->path);
		util_sanitize(detail, sizeof(detail), l->detail != NULL ?
		    l->detail : "");
		fprintf(f, "%-*s  %-*s  %-12s  %-4s  ", width, name, pw, path,
		    license_verdict_name(l->verdict),
		    l->spec->spdx != NULL ? l->spec->spdx : "-");
		if (ok)
			fprintf(f, "sha256 %.16s\n", l->sha256);
		else
			fprintf(f, "%s\n", detail);
		if (!ok)
			print_change(f, l, width);
	}
}

/* "MIT 15, Apache-2.0 1, none 38": the counts, the largest first. */
void
report_inventory_counts(char *buf, size_t size, const json_t *counts)
{
	const char *key, *best;
	json_t *v, *left = json_deep_copy(counts);
	size_t len = 0;
	char name[160];

	buf[0] = '\0';
	while (left != NULL && json_object_size(left) > 0) {
		json_int_t max = -1;
		best = NULL;
		json_object_foreach(left, key, v)
			if (json_integer_value(v) > max &&
			    (strcmp(key, "none") != 0 || json_object_size(left) ==
			    1)) {
				max = json_integer_value(v);
				best = key;
			}
		if (best == NULL)
			break;
		util_sanitize(name, sizeof(name), best);
		if (len < size)
			len += (size_t)snprintf(buf + len, size - len, "%s%s %lld",
			    len > 0 ? ", " : "", name, (long long)max);
		json_object_del(left, best);
	}
	json_decref(left);
}

static void
print_inventory(FILE *out, FILE *err, const struct repo_result *r, int width,
    const struct report_ctx *ctx)
{
	const struct inventory_report *inv = &r->inventory;
	char name[128], buf[1024], path[512], ev[512];
	size_t accepted = 0, skipped = inv->binary + inv->minified + inv->large +
	    inv->deep;

	util_sanitize(name, sizeof(name), r->spec->name);
	if (inv->error != NULL) {
		util_sanitize(buf, sizeof(buf), inv->error);
		fprintf(err, "%-*s  inventory  damaged  %s\n", width, name, buf);
		return;
	}
	for (size_t i = 0, shown = 0; i < inv->nfindings; i++) {
		const struct inv_finding *f = &inv->findings[i];
		accepted += f->accepted;
		if (f->accepted && !ctx->verbose)
			continue;
		/* A tree full of them: the first few (--json has all). */
		if (++shown > REPORT_MAX_FINDINGS && !ctx->verbose)
			continue;
		util_sanitize(path, sizeof(path), f->path);
		util_sanitize(ev, sizeof(ev), f->evidence);
		util_sanitize(buf, sizeof(buf), f->license);
		fprintf(f->accepted ? out : err, "%-*s  inventory  %s  %s: %s "
		    "(%s)\n", width, name, f->accepted ? "accepted" :
		    "not-expected", path, buf, ev);
	}
	if (inv->nfindings - accepted > REPORT_MAX_FINDINGS && !ctx->verbose)
		fprintf(err, "%-*s  inventory  ... and %zu more (-v or --json "
		    "lists every one)\n", width, name, inv->nfindings - accepted -
		    REPORT_MAX_FINDINGS);
	if (accepted < inv->nfindings)
		fprintf(err, "%-*s  inventory  %zu file(s) under a license other "
		    "than %s: review them, then dsmirror pin %s accepts them\n",
		    width, name, inv->nfindings - accepted, inv->expected, name);
	if (ctx->quiet)
		return;
	report_inventory_counts(buf, sizeof(buf), inv->counts);
	fprintf(out, "%-*s  inventory  %s  %s; %zu file(s)", width, name,
	    accepted < inv->nfindings ? "FAILED" : "ok", buf, inv->files);
	if (accepted > 0)
		fprintf(out, ", %zu accepted", accepted);
	if (skipped > 0)
		fprintf(out, ", %zu skipped (binary %zu, minified %zu, large %zu, "
		    "too deep %zu)", skipped, inv->binary, inv->minified,
		    inv->large, inv->deep);
	fputc('\n', out);
}

struct dsm_error *
report_text(FILE *out, const struct report_ctx *ctx)
{
	const struct repo_result *results = ctx->repos;
	int width = result_name_width(results, ctx->n, 0);
	char name[128], msg[1024];
	FILE *err = ctx->err;

	for (size_t i = 0; i < ctx->n; i++) {
		const struct repo_result *r = &results[i];
		/* The url changed: news even for cron, once. */
		if (r->fetch.note != NULL) {
			util_sanitize(name, sizeof(name), r->spec->name);
			util_sanitize(msg, sizeof(msg), r->fetch.note);
			fprintf(err, "%s: note: %s\n", name, msg);
		}
		if (r->fetch.result == FETCH_ERROR) {
			util_sanitize(name, sizeof(name), r->spec->name);
			util_sanitize(msg, sizeof(msg), r->fetch.error != NULL ?
			    r->fetch.error : "unknown error");
			fprintf(err, "%s: fetch failed: %s\n", name, msg);
		} else if (!ctx->quiet && r->fetch.result != FETCH_SKIPPED) {
			print_fetch(out, r, width, ctx);
		}
		if (r->release.result == RELEASE_ERROR) {
			util_sanitize(name, sizeof(name), r->spec->name);
			util_sanitize(msg, sizeof(msg), r->release.error != NULL ?
			    r->release.error : "unknown error");
			fprintf(err, "%s: release check failed: %s\n", name, msg);
		} else if (!ctx->quiet && r->release.result != RELEASE_SKIPPED) {
			print_release(out, r, width);
		}
		if (r->gc.result == GC_ERROR) {
			util_sanitize(name, sizeof(name), r->spec->name);
			util_sanitize(msg, sizeof(msg), r->gc.error != NULL ?
			    r->gc.error : "unknown error");
			fprintf(err, "%s: gc failed: %s\n", name, msg);
		} else if (!ctx->quiet && r->gc.result != GC_SKIPPED) {
			print_gc(out, r, width);
		}
		/* Damage repaired is news for cron too: stderr with -q. */
		if (r->fsck.result == FSCK_DAMAGED || (ctx->quiet &&
		    r->fsck.result == FSCK_REPAIRED))
			print_fsck(err, r, width);
		else if (r->fsck.result != FSCK_SKIPPED && !ctx->quiet)
			print_fsck(out, r, width);
		if (r->verified)
			print_licenses(out, err, r, width, ctx);
		if (r->verified && r->inventory.ran)
			print_inventory(out, err, r, width, ctx);
	}
	return NULL;
}
