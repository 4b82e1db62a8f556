/*
 * result.c - the run's result model, and its JSON form.
 *
 * The JSON form of a fetch report is both what --json prints and what a
 * worker process sends to its parent, so there is one encoder and one
 * decoder for it.
 */
#include <stdlib.h>
#include <string.h>

#include "result.h"

static const char *const fetch_names[] = {
	[FETCH_SKIPPED] = "skipped",
	[FETCH_CLONED] = "cloned",
	[FETCH_UPDATED] = "updated",
	[FETCH_UNCHANGED] = "unchanged",
	[FETCH_REPAIRED] = "repaired",
	[FETCH_ERROR] = "error",
};

const char *
fetch_result_name(enum fetch_result r)
{
	return fetch_names[r];
}

static json_t *
oid_or_null(const char *hex)
{
	return hex[0] != '\0' ? json_string(hex) : json_null();
}

json_t *
maint_report_to_json(const struct maint_report *m)
{
	return json_pack("{s:I, s:I, s:I}", "packs_before",
	    (json_int_t)m->packs_before, "packs_after",
	    (json_int_t)m->packs_after, "refs_packed",
	    (json_int_t)m->refs_packed);
}

void
maint_report_from_json(struct maint_report *m, const json_t *obj)
{
	m->ran = json_is_object(obj);
	m->packs_before = (size_t)json_integer_value(json_object_get(obj,
	    "packs_before"));
	m->packs_after = (size_t)json_integer_value(json_object_get(obj,
	    "packs_after"));
	m->refs_packed = (size_t)json_integer_value(json_object_get(obj,
	    "refs_packed"));
}

const char *
gc_result_name(enum gc_result r)
{
	static const char *const names[] = { "skipped", "done", "unchanged",
	    "no-mirror", "error" };

	return (size_t)r < sizeof(names) / sizeof(names[0]) ? names[r] : "?";
}

json_t *
gc_report_to_json(const struct gc_report *g)
{
	return json_pack("{s:s, s:s?, s:o, s:f}", "result",
	    gc_result_name(g->result), "error", g->error, "maintenance",
	    maint_report_to_json(&g->maint), "seconds",
	    (double)(long long)(g->seconds * 1000) / 1000);
}

const char *
fsck_result_name(enum fsck_result r)
{
	static const char *const names[] = { "skipped", "ok", "repaired",
	    "damaged", "no-mirror" };

	return (size_t)r < sizeof(names) / sizeof(names[0]) ? names[r] : "?";
}

json_t *
fsck_report_to_json(const struct fsck_report *f)
{
	return json_pack("{s:s, s:s?, s:I, s:I, s:f}", "result",
	    fsck_result_name(f->result), "detail", f->detail, "objects",
	    (json_int_t)f->objects, "packs", (json_int_t)f->packs, "seconds",
	    (double)(long long)(f->seconds * 1000) / 1000);
}

int
fsck_report_from_json(struct fsck_report *f, const json_t *obj)
{
	const char *result = json_string_value(json_object_get(obj, "result"));
	const json_t *detail = json_object_get(obj, "detail");
	int r;

	for (r = FSCK_SKIPPED; r <= FSCK_NO_MIRROR; r++)
		if (result != NULL && strcmp(result, fsck_result_name(r)) == 0)
			break;
	if (r > FSCK_NO_MIRROR || (detail != NULL && !json_is_null(detail) &&
	    !json_is_string(detail)))
		return -1;
	f->result = (enum fsck_result)r;
	if (json_is_string(detail) &&
	    (f->detail = strdup(json_string_value(detail))) == NULL)
		return -1;
	f->objects = (uint64_t)json_integer_value(json_object_get(obj,
	    "objects"));
	f->packs = (uint64_t)json_integer_value(json_object_get(obj, "packs"));
	f->seconds = json_real_value(json_object_get(obj, "seconds"));
	return 0;
}

void
fsck_report_clear(struct fsck_report *f)
{
	free(f->detail);
	memset(f, 0, sizeof(*f));
}

json_t *
fetch_report_to_json(const struct fetch_report *f)
{
	json_t *obj, *updated, *preserved;

	obj = json_object();
	updated = json_array();
	preserved = json_array();
	if (obj == NULL || updated == NULL || preserved == NULL)
		goto fail;
	for (size_t i = 0; i < f->nupdated; i++) {
		const struct ref_update *u = &f->updated[i];
		if (json_array_append_new(updated, json_pack("{s:s, s:o, s:o}",
		    "ref", u->ref, "old", oid_or_null(u->old),
		    "new", oid_or_null(u->new))) == -1)
			goto fail;
	}
	for (size_t i = 0; i < f->npreserved; i++) {
		const struct ref_preserved *p = &f->preserved[i];
		if (json_array_append_new(preserved, json_pack("{s:s, s:s, s:s}",
		    "ref", p->ref, "as", p->as, "oid", p->oid)) == -1)
			goto fail;
	}
	if (json_object_set_new(obj, "result",
	    json_string(fetch_result_name(f->result))) == -1 ||
	    json_object_set_new(obj, "head", oid_or_null(f->head)) == -1 ||
	    json_object_set_new(obj, "head_ref", f->head_ref != NULL ?
	    json_string(f->head_ref) : json_null()) == -1 ||
	    json_object_set_new(obj, "error", f->error != NULL ?
	    json_string(f->error) : json_null()) == -1 ||
	    json_object_set_new(obj, "damage", f->damage != NULL ?
	    json_string(f->damage) : json_null()) == -1 ||
	    json_object_set_new(obj, "url", f->url != NULL ?
	    json_string(f->url) : json_null()) == -1 ||
	    json_object_set_new(obj, "note", f->note != NULL ?
	    json_string(f->note) : json_null()) == -1 ||
	    json_object_set_new(obj, "updated", updated) == -1 ||
	    json_object_set_new(obj, "preserved", preserved) == -1 ||
	    json_object_set_new(obj, "received_bytes",
	    json_integer((json_int_t)f->received_bytes)) == -1 ||
	    json_object_set_new(obj, "received_objects",
	    json_integer((json_int_t)f->received_objects)) == -1 ||
	    json_object_set_new(obj, "seconds", json_real((double)(long long)(f->seconds * 1000) / 1000)) == -1 ||
	    (f->maint.ran && json_object_set_new(obj, "maintenance",
	    maint_report_to_json(&f->maint)) == -1)) {
		/* json_object_set_new() took the arrays, or freed them. */
		json_decref(obj);
		return NULL;
	}
	return obj;
fail:
	json_decref(obj);
	json_decref(updated);
	json_decref(preserved);
	return NULL;
}

/* Copies a 40-hex string or null from obj[key] into out. */
static int
get_oid(char out[OID_HEX + 1], const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);
	const char *s;

	out[0] = '\0';
	if (v == NULL || json_is_null(v))
		return 0;
	s = json_string_value(v);
	if (s == NULL || strlen(s) != OID_HEX ||
	    strspn(s, "0123456789abcdef") != OID_HEX)
		return -1;
	memcpy(out, s, OID_HEX + 1);
	return 0;
}

static int
get_str(char **out, const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return -1;
	*out = strdup(json_string_value(v));
	return *out != NULL ? 0 : -1;
}

int
fetch_report_from_json(struct fetch_report *f, const json_t *obj)
{
	const json_t *arr, *v;
	const char *result;
	size_t i;
	int found = 0;

	result = json_string_value(json_object_get(obj, "result"));
	for (i = 0; result != NULL && i < sizeof(fetch_names) /
	    sizeof(fetch_names[0]); i++) {
		if (strcmp(result, fetch_names[i]) == 0) {
			f->result = (enum fetch_result)i;
			found = 1;
		}
	}
	if (!found || get_oid(f->head, obj, "head") == -1 ||
	    get_str(&f->head_ref, obj, "head_ref") == -1 ||
	    get_str(&f->error, obj, "error") == -1 ||
	    get_str(&f->damage, obj, "damage") == -1 ||
	    get_str(&f->url, obj, "url") == -1 ||
	    get_str(&f->note, obj, "note") == -1)
		return -1;
	f->received_bytes = (uint64_t)json_integer_value(
	    json_object_get(obj, "received_bytes"));
	f->received_objects = (uint64_t)json_integer_value(
	    json_object_get(obj, "received_objects"));
	f->seconds = json_real_value(json_object_get(obj, "seconds"));
	maint_report_from_json(&f->maint, json_object_get(obj, "maintenance"));

	arr = json_object_get(obj, "updated");
	if (json_array_size(arr) > 0) {
		f->updated = calloc(json_array_size(arr), sizeof(*f->updated));
		if (f->updated == NULL)
			return -1;
	}
	json_array_foreach(arr, i, v) {
		struct ref_update *u = &f->updated[i];
		f->nupdated = i + 1;
		if (get_str(&u->ref, v, "ref") == -1 || u->ref == NULL ||
		    get_oid(u->old, v, "old") == -1 ||
		    get_oid(u->new, v, "new") == -1)
			return -1;
	}
	arr = json_object_get(obj, "preserved");
	if (json_array_size(arr) > 0) {
		f->preserved = calloc(json_array_size(arr),
		    sizeof(*f->preserved));
		if (f->preserved == NULL)
			return -1;
	}
	json_array_foreach(arr, i, v) {
		struct ref_preserved *p = &f->preserved[i];
		f->npreserved = i + 1;
		if (get_str(&p->ref, v, "ref") == -1 || p->ref == NULL ||
		    get_str(&p->as, v, "as") == -1 || p->as == NULL ||
		    get_oid(p->oid, v, "oid") == -1)
			return -1;
	}
	return 0;
}

void
fetch_report_clear(struct fetch_report *f)
{
	for (size_t i = 0; i < f->nupdated; i++)
		free(f->updated[i].ref);
	for (size_t i = 0; i < f->npreserved; i++) {
		free(f->preserved[i].ref);
		free(f->preserved[i].as);
	}
	free(f->updated);
	free(f->preserved);
	free(f->head_ref);
	free(f->error);
	free(f->damage);
	free(f->url);
	free(f->note);
	memset(f, 0, sizeof(*f));
}

static const char *const release_names[] = {
	[RELEASE_SKIPPED] = "skipped",
	[RELEASE_CHANGED] = "changed",
	[RELEASE_UNCHANGED] = "unchanged",
	[RELEASE_NONE] = "none",
	[RELEASE_ERROR] = "error",
};

const char *
release_result_name(enum release_result r)
{
	return release_names[r];
}

/* A new reference to v, or JSON null for NULL. */
static json_t *
or_null(json_t *v)
{
	return v != NULL ? json_incref(v) : json_null();
}

json_t *
release_report_to_json(const struct release_report *r)
{
	const json_t *tag = json_object_get(r->latest, "tag");

	return json_pack("{s:s, s:O, s:o, s:o, s:o, s:o, s:s?, s:s?, s:s?, "
	    "s:I, s:I}",
	    "result", release_result_name(r->result),
	    "latest_tag", tag != NULL ? tag : json_null(),
	    "latest", or_null(r->latest),
	    "repo", or_null(r->repo),
	    "changes", r->changes != NULL ? json_incref(r->changes) :
	    json_array(),
	    "warnings", r->warnings != NULL ? json_incref(r->warnings) :
	    json_array(),
	    "renamed_to", r->renamed_to,
	    "error", r->error,
	    "checked_at", r->checked_at[0] != '\0' ? r->checked_at : NULL,
	    "requests", (json_int_t)r->requests,
	    "not_modified", (json_int_t)r->not_modified);
}

void
release_report_clear(struct release_report *r)
{
	json_decref(r->latest);
	json_decref(r->repo);
	json_decref(r->changes);
	json_decref(r->warnings);
	json_decref(r->section);
	free(r->renamed_to);
	free(r->error);
	memset(r, 0, sizeof(*r));
}

void
release_report_fail(struct release_report *r, char *msg)
{
	json_decref(r->section);
	r->section = NULL;
	r->result = RELEASE_ERROR;
	free(r->error);
	r->error = msg != NULL ? msg : strdup("out of memory");
}

static const char *const verdict_names[] = {
	[VERDICT_OK] = "ok",
	[VERDICT_CHANGED] = "changed",
	[VERDICT_NOT_EXPECTED] = "not-expected",
	[VERDICT_MISSING] = "missing",
	[VERDICT_NO_MIRROR] = "no-mirror",
	[VERDICT_DAMAGED] = "damaged",
};

const char *
license_verdict_name(enum license_verdict v)
{
	return verdict_names[v];
}

int
license_verdict_from_name(const char *name)
{
	for (size_t i = 0; name != NULL &&
	    i < sizeof(verdict_names) / sizeof(verdict_names[0]); i++)
		if (strcmp(verdict_names[i], name) == 0)
			return (int)i;
	return -1;
}

static json_t *
string_or_null(const char *s)
{
	return s != NULL && s[0] != '\0' ? json_string(s) : json_null();
}

static json_t *
phrases(char **v, size_t n)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr != NULL && i < n; i++)
		if (json_array_append_new(arr, json_string(v[i])) == -1) {
			json_decref(arr);
			return NULL;
		}
	return arr;
}

json_t *
license_report_to_json(const struct license_report *l)
{
	json_t *change = json_null();

	if (l->against != NULL)
		change = json_pack("{s:s, s:o, s:o}", "against", l->against,
		    "added", phrases(l->change.added, l->change.nadded),
		    "removed", phrases(l->change.removed, l->change.nremoved));
	return json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o}",
	    "path", l->spec->path,
	    "verdict", license_verdict_name(l->verdict),
	    "spdx", string_or_null(l->spec->spdx),
	    "sha256", string_or_null(l->sha256),
	    "pinned", string_or_null(l->spec->sha256),
	    "blob", string_or_null(l->blob),
	    "detail", string_or_null(l->detail),
	    "change", change);
}

int
inventory_failed(const struct inventory_report *r)
{
	if (r->error != NULL)
		return 1;
	for (size_t i = 0; i < r->nfindings; i++)
		if (!r->findings[i].accepted)
			return 1;
	return 0;
}

json_t *
inventory_report_to_json(const struct inventory_report *r)
{
	json_t *list = json_array(), *out;

	for (size_t i = 0; list != NULL && i < r->nfindings; i++) {
		const struct inv_finding *f = &r->findings[i];
		if (json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s, "
		    "s:s, s:b}", "path", f->path, "license", f->license,
		    "evidence", f->evidence, "sha256", f->sha256, "verdict",
		    f->accepted ? "accepted" : "not-expected", "accepted",
		    f->accepted)) == -1) {
			json_decref(list);
			return NULL;
		}
	}
	if (list == NULL)
		return NULL;
	out = json_pack("{s:s?, s:O?, s:o, s:I, s:{s:I, s:I, s:I, s:I}, s:I, "
	    "s:b, s:f, s:s?}", "expected", r->expected, "counts", r->counts,
	    "findings", list, "files", (json_int_t)r->files, "skipped",
	    "binary", (json_int_t)r->binary, "minified",
	    (json_int_t)r->minified, "large", (json_int_t)r->large, "deep",
	    (json_int_t)r->deep, "read", (json_int_t)r->read, "incremental",
	    r->incremental, "seconds",
	    (double)(long long)(r->seconds * 1000) / 1000, "error", r->error);
	return out;
}

void
inventory_report_clear(struct inventory_report *r)
{
	for (size_t i = 0; i < r->nfindings; i++) {
		free(r->findings[i].path);
		free(r->findings[i].license);
		free(r->findings[i].evidence);
	}
	free(r->findings);
	free(r->expected);
	free(r->error);
	json_decref(r->counts);
	json_decref(r->section);
	memset(r, 0, sizeof(*r));
}

void
repo_result_clear_licenses(struct repo_result *r)
{
	for (size_t i = 0; i < r->nlicenses; i++) {
		free(r->licenses[i].detail);
		free(r->licenses[i].against);
		license_change_free(&r->licenses[i].change);
	}
	free(r->licenses);
	r->licenses = NULL;
	r->nlicenses = 0;
	r->verified = 0;
	inventory_report_clear(&r->inventory);
}

void
repo_result_clear(struct repo_result *r)
{
	const struct repo_spec *spec = r->spec;

	fetch_report_clear(&r->fetch);
	release_report_clear(&r->release);
	free(r->gc.error);
	fsck_report_clear(&r->fsck);
	repo_result_clear_licenses(r);
	json_decref(r->state);
	free(r->state_note);
	memset(r, 0, sizeof(*r));
	r->spec = spec;
}

int
result_is_stale(const struct repo_result *r)
{
	return r->verified && r->fetch.result == FETCH_ERROR;
}

int
result_name_width(const struct repo_result *results, size_t n, int min)
{
	int width = min;

	for (size_t i = 0; i < n; i++) {
		int w = (int)strlen(results[i].spec->name);
		if (w > width && w <= RESULT_MAX_NAME_WIDTH)
			width = w;
	}
	return width;
}

int
result_exit_status(const struct repo_result *results, size_t n)
{
	int status = 0;

	/* A license failure (1) wins over a fetch failure (3). */
	for (size_t i = 0; i < n; i++) {
		if ((results[i].fetch.result == FETCH_ERROR ||
		    results[i].release.result == RELEASE_ERROR ||
		    results[i].gc.result == GC_ERROR ||
		    results[i].fsck.result == FSCK_DAMAGED) && status == 0)
			status = 3;
		for (size_t j = 0; j < results[i].nlicenses; j++)
			if (results[i].licenses[j].verdict != VERDICT_OK)
				status = 1;
		if (results[i].unlisted_failures > 0 ||
		    inventory_failed(&results[i].inventory))
			status = 1;
	}
	return status;
}
