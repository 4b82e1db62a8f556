/*
 * license_spdx.c - which license of SPDX's list a text is, or whose
 * standard header it carries, by SPDX's own templates (data/spdx-
 * licenses.json, compiled in by spdx_data.c).
 *
 * Each template is a list of pieces: fixed text, and the places where the
 * text may vary (SPDX's <alt>, <optional>, title, copyright and bullet
 * markup), each with the room it leaves (tools/spdx_data.py: twice its
 * default wording and some).  A text carries a template when every fixed
 * piece of at least PIECE_MIN tokens is there, word for word after
 * normalisation (license_norm.c), in order, with no more between two of
 * them than the variable parts there leave room for (GAP_SLACK more).  A
 * license file is the template when, moreover, what comes before its first
 * piece and after its last fits the room there (EDGE_SLACK more: a title,
 * more copyright lines).  Shorter pieces ("Copyright (C)") are not
 * required; their tokens count as room.  A word added, removed or changed inside a piece is a
 * mismatch: there is no similarity threshold.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "license.h"
#include "license_int.h"

#define PIECE_MIN	4	/* tokens of a piece a text must have */
#define GAP_SLACK	8	/* tokens more than a variable part's room */
#define EDGE_SLACK	40	/* tokens more before and after a license file's
				   text (more copyright lines, a title) */

extern const char dsm_spdx_json[];

struct pieces {
	struct norm *p;		/* the required pieces, normalised */
	size_t *room;		/* tokens the text may have before each */
	size_t n;
	size_t tail;		/* ... and after the last */
};

struct spdx_license {
	char *id;
	struct pieces text, header;
	int has_header;
};

static struct {
	int state;		/* 0: not loaded, 1: loaded, -1: failed */
	struct spdx_license *lic;
	size_t n;
	char *version;
} db;

static int
load_pieces(struct pieces *out, const json_t *list)
{
	size_t i, room = 0;
	const json_t *v;

	out->p = calloc(json_array_size(list) + 1, sizeof(*out->p));
	out->room = calloc(json_array_size(list) + 1, sizeof(*out->room));
	if (out->p == NULL || out->room == NULL)
		return -1;
	json_array_foreach(list, i, v) {
		const char *s = json_string_value(v);
		struct norm *nm = &out->p[out->n];
		if (json_is_integer(v) && json_integer_value(v) > 0)
			room += (size_t)json_integer_value(v);
		if (s == NULL)
			continue;
		if (lic_normalise(nm, s, strlen(s)) == -1)
			return -1;
		if (nm->ntok < PIECE_MIN) {
			room += nm->ntok;
			lic_norm_free(nm);
			continue;
		}
		out->room[out->n++] = room;
		room = 0;
	}
	out->tail = room;
	return 0;
}

/* Loads the compiled-in data once; returns 0, or -1 (out of memory). */
static int
load(void)
{
	json_t *root, *list, *v;
	size_t i;

	if (db.state != 0)
		return db.state == 1 ? 0 : -1;
	db.state = -1;
	root = json_loads(dsm_spdx_json, 0, NULL);
	list = json_object_get(root, "licenses");
	if (root == NULL || (db.lic = calloc(json_array_size(list) + 1,
	    sizeof(*db.lic))) == NULL) {
		json_decref(root);
		return -1;
	}
	db.version = strdup(json_string_value(json_object_get(root,
	    "version")) != NULL ? json_string_value(json_object_get(root,
	    "version")) : "?");
	json_array_foreach(list, i, v) {
		struct spdx_license *l = &db.lic[db.n];
		const char *id = json_string_value(json_object_get(v, "id"));
		if (id == NULL || (l->id = strdup(id)) == NULL ||
		    load_pieces(&l->text, json_object_get(v, "text")) == -1 ||
		    load_pieces(&l->header, json_object_get(v, "header")) ==
		    -1) {
			json_decref(root);
			return -1;
		}
		l->has_header = json_is_array(json_object_get(v, "header")) &&
		    l->header.n > 0;
		db.n++;
	}
	json_decref(root);
	db.state = db.version != NULL ? 1 : -1;
	return db.state == 1 ? 0 : -1;
}

/*
 * The length of a list marker at token k of nm, "(1)", "(a)", "iv)", "7."
 * or "2.1", or
 * 0: license_norm.c drops one that starts a line, so the same marker may
 * be in one text and not in the other.
 */
static size_t
marker_at(const struct norm *nm, size_t k)
{
	size_t i = k, punct = 0;

	if (i < nm->ntok && tok_is(nm, i, "("))
		i++, punct++;
	if (i >= nm->ntok || nm->tok[i].kind != T_WORD || nm->tok[i].len > 3)
		return 0;
	i++;
	/* "2.1", "4.a": numbered sections cut at a line start. */
	while (i + 1 < nm->ntok && tok_is(nm, i, ".") &&
	    nm->tok[i + 1].kind == T_WORD && nm->tok[i + 1].len <= 3 &&
	    nm->tok[i + 1].glued)
		i += 2, punct++;
	if (i < nm->ntok && (tok_is(nm, i, ")") || tok_is(nm, i, ".")))
		i++, punct++;
	return punct > 0 ? i - k : 0;
}

/*
 * Whether piece p is at token k of doc, list markers aside; *end is then
 * the token after it.
 */
static int
piece_at(const struct norm *doc, size_t k, const struct norm *p, size_t *end)
{
	size_t j = 0, m;

	while (j < p->ntok) {
		if (k < doc->ntok && tok_eq(doc, k, p, j)) {
			k++, j++;
		} else if ((m = marker_at(doc, k)) > 0) {
			k += m;
		} else if (k < doc->ntok && tok_is(doc, k, "*")) {
			k++;	/* a box drawn around a section */
		} else if ((m = marker_at(p, j)) > 0) {
			j += m;
		} else {
			return 0;
		}
	}
	*end = k;
	return 1;
}

/*
 * Whether pieces [i, n) follow in doc from token k, each within its room
 * of the one before; *end is then the token after the last.
 */
static int
follow(const struct norm *doc, size_t k, const struct pieces *ps, size_t i,
    size_t *end)
{
	for (; i < ps->n; i++) {
		size_t lim = k + ps->room[i] + GAP_SLACK, at, e = 0;
		for (at = k; at <= lim && at < doc->ntok; at++)
			if (piece_at(doc, at, &ps->p[i], &e))
				break;
		if (at > lim || at >= doc->ntok)
			return 0;
		k = e;
	}
	*end = k;
	return 1;
}

/*
 * Finds ps in doc: 1 and the token range [*start, *end) when found, the
 * first piece anywhere (whole: within the room before it, and the end
 * within the room after the last).
 */
static int
find(const struct norm *doc, const struct pieces *ps, int whole,
    size_t *start, size_t *end)
{
	size_t lim = whole ? ps->room[0] + EDGE_SLACK : doc->ntok;

	if (ps->n == 0)
		return 0;
	for (size_t k = 0, e; k <= lim && k < doc->ntok; k++) {
		if (!piece_at(doc, k, &ps->p[0], &e))
			continue;
		if (follow(doc, e, ps, 1, end) &&
		    (!whole || doc->ntok - *end <= ps->tail + EDGE_SLACK)) {
			*start = k;
			return 1;
		}
	}
	return 0;
}

const char *
license_data_version(void)
{
	return load() == 0 ? db.version : "unavailable";
}

int
license_identify(const char **id, const void *text, size_t len)
{
	struct license_result mit;
	struct norm doc;
	size_t s, e;

	*id = NULL;
	if (len > LICENSE_MAX_SIZE)
		return 0;
	if (license_classify(&mit, "MIT", text, len) == -1)
		return -1;
	if (mit.matches)
		*id = "MIT";
	license_result_free(&mit);
	if (*id != NULL)
		return 0;
	if (load() == -1 || lic_normalise(&doc, text, len) == -1)
		return -1;
	for (size_t i = 0; i < db.n && *id == NULL; i++) {
		size_t n = strlen(db.lic[i].id);
		/* The texts say nothing of "or later": -only names them. */
		if (n > 9 && strcmp(db.lic[i].id + n - 9, "-or-later") == 0)
			continue;
		if (strcmp(db.lic[i].id, "MIT") != 0 &&
		    find(&doc, &db.lic[i].text, 1, &s, &e))
			*id = db.lic[i].id;
	}
	lic_norm_free(&doc);
	return 0;
}

int
license_identify_header(const char **id, unsigned *line, const void *text,
    size_t len)
{
	struct norm doc;
	size_t s, e;

	*id = NULL;
	if (len > LICENSE_MAX_SIZE)
		return 0;
	if (load() == -1 || lic_normalise(&doc, text, len) == -1)
		return -1;
	for (size_t i = 0; i < db.n && *id == NULL; i++) {
		if (db.lic[i].has_header &&
		    find(&doc, &db.lic[i].header, 0, &s, &e)) {
			*id = db.lic[i].id;
			if (line != NULL)
				*line = doc.tok[s].line;
		}
	}
	lic_norm_free(&doc);
	return 0;
}

int
license_mentions(const char *id, const void *text, size_t len)
{
	struct norm doc;
	size_t s, e;
	int found = 0;

	if (len > LICENSE_MAX_SIZE || load() == -1 ||
	    lic_normalise(&doc, text, len) == -1)
		return 0;
	for (size_t i = 0; i < db.n && !found; i++)
		if (strcmp(db.lic[i].id, id) == 0) {
			struct pieces first = { db.lic[i].text.p,
			    db.lic[i].text.room, db.lic[i].text.n > 0 ? 1 : 0,
			    0 };
			found = find(&doc, &first, 0, &s, &e);
		}
	lic_norm_free(&doc);
	return found;
}
