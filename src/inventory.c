/*
 * inventory.c - the licenses one file carries (inventory.h).
 *
 * A file's leading comments are read as paragraphs: a run of line comments
 * (#, //, --, ;, %), one block comment (slash-star, its " * " margins
 * dropped), one docstring, one HTML comment.  A blank line ends a run, and
 * the first line of code ends the leading comments.  Each paragraph gives
 * its tags (@license, "License:") and its notice: the MIT text (the exact
 * classifier), a standard header of SPDX's list, or, when it speaks of a
 * license in words that are neither, "unknown" - never MIT by resemblance.
 * SPDX-License-Identifier tags count wherever they are in the first
 * INV_HEAD_MAX bytes.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "inventory.h"
#include "util.h"

#define PARAGRAPHS_MAX	16	/* leading comment paragraphs read */
#define TAG_MAX		128	/* bytes of a tag's value */

/* A growing buffer of text. */
struct buf {
	char *s;
	size_t len, cap;
	int nomem;
};

static void
buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->nomem)
		return;
	if (b->len + n + 2 > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 256;
		char *p;
		while (cap < b->len + n + 2)
			cap *= 2;
		if ((p = realloc(b->s, cap)) == NULL) {
			b->nomem = 1;
			return;
		}
		b->s = p;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

static const char *
base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s != NULL ? s + 1 : path;
}

int
inventory_is_license_name(const char *path)
{
	static const char *const names[] = { "license", "licence", "copying",
	    "notice", "unlicense" };
	/* license_check.py is code about licenses, not a license. */
	static const char *const code[] = { ".py", ".c", ".h", ".js", ".ts",
	    ".go", ".rs", ".java", ".cc", ".cpp", ".sh", ".rb", ".pl", ".php",
	    ".cs", ".swift", ".kt", ".json", ".yaml", ".yml", ".toml", ".xml",
	    ".css", ".html" };
	const char *b = base_name(path), *rest;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strncasecmp(b, names[i], strlen(names[i])) != 0)
			continue;
		rest = b + strlen(names[i]);
		if (*rest != '\0' && *rest != '.' && *rest != '-' &&
		    *rest != '_')
			continue;
		for (size_t j = 0; j < sizeof(code) / sizeof(code[0]); j++)
			if (ends_with(b, code[j]))
				return 0;
		return 1;
	}
	return 0;
}

/* The evidence form of a line: printable ASCII, spaces squeezed, cut. */
static char *
evidence(const char *s, size_t n)
{
	char out[INV_EVIDENCE_MAX + 4];
	size_t k = 0;

	while (n > 0 && isspace((unsigned char)*s))
		s++, n--;
	for (size_t i = 0; i < n && k < INV_EVIDENCE_MAX; i++) {
		unsigned char c = (unsigned char)s[i];
		if (isspace(c)) {
			if (k > 0 && out[k - 1] != ' ')
				out[k++] = ' ';
		} else {
			out[k++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
		}
	}
	while (k > 0 && out[k - 1] == ' ')
		k--;
	if (k == INV_EVIDENCE_MAX)
		memcpy(out + k - 3, "...", 3);
	out[k] = '\0';
	return strdup(out);
}

/*
 * A license as a tag wrote it, made safe to report and to pin: printable
 * ASCII but '"' ('?' for any other byte), spaces squeezed; "unknown" when
 * nothing is left, and "NONE" (SPDX's word) for "none", which the counts
 * use for files without a notice.
 */
static char *
license_name(const char *s, size_t n)
{
	char *out = malloc(n + 8), *o = out;

	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == ' ' || c == '\t') {
			if (o > out && o[-1] != ' ')
				*o++ = ' ';
		} else {
			*o++ = c > 0x20 && c < 0x7f && c != '"' ? (char)c : '?';
		}
	}
	while (o > out && o[-1] == ' ')
		o--;
	*o = '\0';
	if (o == out)
		strcpy(out, "unknown");
	else if (strcasecmp(out, "none") == 0)
		strcpy(out, "NONE");
	return out;
}

static int
add_notice(struct inv_file *f, const char *license, size_t lic_len,
    const char *line, size_t line_len)
{
	struct inv_notice *n;
	char *name = license_name(license, lic_len);

	if (name == NULL)
		return -1;
	/* The same license twice from one file is one notice. */
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->notices[i].license, name) == 0) {
			free(name);
			return 0;
		}
	if (f->n == INV_NOTICES_MAX) {
		f->more = 1;
		free(name);
		return 0;
	}
	n = &f->notices[f->n];
	n->license = name;
	if ((n->evidence = evidence(line, line_len)) == NULL) {
		free(n->license);
		n->license = NULL;
		return -1;
	}
	f->n++;
	return 0;
}

/* Finds the case-insensitive word w in s[0, n); returns its offset or -1. */
static long
find_ci(const char *s, size_t n, const char *w)
{
	size_t m = strlen(w);
	int lo = tolower((unsigned char)w[0]), up = toupper((unsigned char)w[0]);

	/* The first letter by itself first: this runs on every line. */
	for (size_t i = 0; i + m <= n; i++) {
		int c = (unsigned char)s[i];
		if ((c == lo || c == up) && strncasecmp(s + i, w, m) == 0)
			return (long)i;
	}
	return -1;
}

/*
 * The value of a tag on a line: after "SPDX-License-Identifier:",
 * "@license" or a leading "License:", up to a comment's end; NULL when the
 * line has none of them.
 */
static const char *
tag_value(const char *line, size_t n, int spdx_only, size_t *vlen)
{
	static const char *const tags[] = { "SPDX-License-Identifier:",
	    "@license", "License:" };
	const char *v = NULL, *end;

	for (size_t t = 0; t < 3 && v == NULL; t++) {
		long at;
		if (spdx_only && t > 0)
			break;
		if ((at = find_ci(line, n, tags[t])) < 0)
			continue;
		/* "License:" counts only at the start of a header line. */
		if (t == 2) {
			for (long i = 0; i < at; i++)
				if (!isspace((unsigned char)line[i]))
					at = -1;
			if (at < 0 || strncmp(line + at, "License:", 8) != 0)
				continue;
		}
		v = line + at + strlen(tags[t]);
	}
	if (v == NULL)
		return NULL;
	end = line + n;
	while (v < end && isspace((unsigned char)*v))
		v++;
	for (const char *p = v; p + 1 < end; p++)
		if ((p[0] == '*' && p[1] == '/') || (p[0] == '-' && p[1] == '-' &&
		    p + 2 < end && p[2] == '>')) {
			end = p;
			break;
		}
	while (end > v && isspace((unsigned char)end[-1]))
		end--;
	if (end == v)
		return NULL;
	*vlen = (size_t)(end - v) > TAG_MAX ? TAG_MAX : (size_t)(end - v);
	return v;
}

/* Lines a comment holds for tools, not people: not part of a notice. */
static int
is_pragma(const char *s, size_t n)
{
	static const char *const marks[] = { "-*-", "coding:", "coding=",
	    "vim:", "pylint:", "noqa", "eslint", "@ts-", "type: ignore",
	    "prettier-ignore", "clang-format" };

	for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
		if (find_ci(s, n, marks[i]) >= 0)
			return 1;
	return 0;
}

/*
 * What a text came to, remembered: a tree's files share their header
 * (every Python file of Janus carries the same MIT notice), and each
 * classification or fingerprint normalises the text.  Direct-mapped by an
 * FNV-1a hash of the text, checked against the text itself.
 */
#define MEMO_SLOTS	64

struct memo {
	char *text;
	size_t len;
	const char *id;		/* classification: the license, or NULL */
	unsigned line;
	int weak;		/* "unknown" only for speaking of a license:
				   none when the paragraph has a tag */
	char sha256[LICENSE_SHA256_HEX + 1]; /* fingerprint */
};

static struct memo memo_classify[MEMO_SLOTS], memo_print[MEMO_SLOTS];

static struct memo *
memo_slot(struct memo *table, const char *text, size_t len, int *hit)
{
	uint64_t h = 1469598103934665603ULL;
	struct memo *m;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)text[i]) * 1099511628211ULL;
	m = &table[h % MEMO_SLOTS];
	*hit = m->text != NULL && m->len == len && memcmp(m->text, text,
	    len) == 0;
	return m;
}

/* Remembers text in slot m (which then owns a copy); out of memory: not. */
static void
memo_keep(struct memo *m, const char *text, size_t len)
{
	free(m->text);
	m->text = malloc(len + 1);
	if (m->text != NULL)
		memcpy(m->text, text, len);
	m->len = len;
}

void
inventory_forget(void)
{
	for (size_t i = 0; i < MEMO_SLOTS; i++) {
		free(memo_classify[i].text);
		free(memo_print[i].text);
	}
	memset(memo_classify, 0, sizeof(memo_classify));
	memset(memo_print, 0, sizeof(memo_print));
}

struct scan {
	struct inv_file *f;
	struct buf para;	/* the paragraph's text, margins dropped */
	struct buf print;	/* what the fingerprint is of */
	int nomem;
};

/* The notice of one paragraph's text (its tags are taken already). */
static void
classify_paragraph(struct scan *sc, int tagged)
{
	const char *t = sc->para.s, *id = NULL;
	size_t n = sc->para.len;
	struct license_result mit;
	unsigned line = 0;
	int weak = 0;
	long at;

	if (n == 0 || sc->nomem)
		return;
	/* Only a paragraph that speaks of a license or a grant. */
	if (find_ci(t, n, "licen") < 0 && find_ci(t, n, "permission") < 0 &&
	    find_ci(t, n, "public domain") < 0)
		return;
	int hit;
	struct memo *m = memo_slot(memo_classify, t, n, &hit);
	if (hit) {
		if (m->weak && tagged)
			return;	/* the tag says it */
		id = m->id;
		line = m->line;
		goto found;
	}
	if (license_classify(&mit, "MIT", t, n) == -1) {
		sc->nomem = 1;
		return;
	}
	if (mit.matches) {
		id = "MIT";
		at = find_ci(t, n, "permission is hereby granted");
		line = 0;
		for (long i = 0; i < at; i++)
			line += t[i] == '\n';
	} else if (license_identify_header(&id, &line, t, n) == -1) {
		sc->nomem = 1;
	}
	if (id == NULL && !sc->nomem) {
		/*
		 * A notice that is none of the known ones: unknown, even
		 * when it starts as MIT does (a restriction added).
		 */
		const char *why = license_mentions("MIT", t, n) ?
		    "MIT's words with a change" : NULL;
		if (tagged && why == NULL) {
			license_result_free(&mit);
			return;
		}
		weak = why == NULL;
		id = "unknown";
		at = why != NULL ? find_ci(t, n, "permission") :
		    find_ci(t, n, "licen");
		if (at < 0)
			at = 0;
		line = 0;
		for (long i = 0; i < at; i++)
			line += t[i] == '\n';
	}
	license_result_free(&mit);
	if (sc->nomem)
		return;
	memo_keep(m, t, n);
	m->id = id;
	m->line = line;
	m->weak = weak;
found:
	if (id != NULL) {
		const char *s = t, *e;
		for (unsigned l = 0; l < line && (s = memchr(s, '\n',
		    (size_t)(t + n - s))) != NULL; l++)
			s++;
		if (s == NULL)
			s = t;
		e = memchr(s, '\n', (size_t)(t + n - s));
		if (add_notice(sc->f, id, strlen(id), s, e != NULL ?
		    (size_t)(e - s) : (size_t)(t + n - s)) == -1)
			sc->nomem = 1;
		buf_add(&sc->print, id, strlen(id));
		buf_add(&sc->print, "\n", 1);
		buf_add(&sc->print, t, n);
		buf_add(&sc->print, "\n", 1);
	}
}

/* Ends the paragraph being read. */
static void
end_paragraph(struct scan *sc, int *tagged, int *count)
{
	if (sc->para.len > 0) {
		classify_paragraph(sc, *tagged);
		(*count)++;
	}
	sc->para.len = 0;
	if (sc->para.s != NULL)
		sc->para.s[0] = '\0';
	sc->nomem |= sc->para.nomem;
	*tagged = 0;
}

/* Takes one line of a paragraph (margins dropped): its tags, its text. */
static void
take_line(struct scan *sc, const char *s, size_t n, int *tagged)
{
	const char *v;
	size_t vlen;

	while (n > 0 && (s[n - 1] == '\r' || isspace((unsigned char)s[n - 1])))
		n--;
	if ((v = tag_value(s, n, 0, &vlen)) != NULL) {
		/* SPDX tags are taken by the scan of every line. */
		if (find_ci(s, n, "SPDX-License-Identifier:") < 0) {
			if (add_notice(sc->f, v, vlen, s, n) == -1)
				sc->nomem = 1;
			buf_add(&sc->print, s, n);
			buf_add(&sc->print, "\n", 1);
		}
		*tagged = 1;
		return;
	}
	if (is_pragma(s, n))
		return;
	buf_add(&sc->para, s, n);
	buf_add(&sc->para, "\n", 1);
}

enum style { S_NONE, S_LINE, S_BLOCK, S_DOC, S_HTML };

/* Whether s (after a '#') is a C preprocessor directive, not a comment. */
static int
is_directive(const char *s, size_t n)
{
	static const char *const words[] = { "include", "define", "undef",
	    "if", "ifdef", "ifndef", "elif", "else", "endif", "pragma",
	    "import", "error", "warning", "line" };
	size_t i = 0, w;

	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	for (w = i; w < n && s[w] >= 'a' && s[w] <= 'z'; w++)
		;
	if (w == i || (w < n && (isalnum((unsigned char)s[w]) || s[w] == '_')))
		return 0;
	for (size_t k = 0; k < sizeof(words) / sizeof(words[0]); k++)
		if (strlen(words[k]) == w - i && memcmp(s + i, words[k],
		    w - i) == 0)
			return 1;
	return 0;
}

/* The comment marker a line starts with, and the text after it. */
static enum style
line_start(const char *s, size_t n, size_t *skip, const char **close)
{
	size_t i = 0;

	*close = NULL;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i + 1 < n && s[i] == '/' && s[i + 1] == '*') {
		i += 2;
		/* "/" "**" margins, but not the star of a closing star-slash. */
		while (i < n && (s[i] == '!' || (s[i] == '*' && !(i + 1 < n &&
		    s[i + 1] == '/'))))
			i++;
		*skip = i;
		*close = "*/";
		return S_BLOCK;
	}
	if (i + 3 < n && memcmp(s + i, "<!--", 4) == 0) {
		*skip = i + 4;
		*close = "-->";
		return S_HTML;
	}
	if (i < n && (s[i] == 'r' || s[i] == 'u' || s[i] == 'b') && i + 3 < n &&
	    (memcmp(s + i + 1, "\"\"\"", 3) == 0 || memcmp(s + i + 1, "'''",
	    3) == 0))
		i++;
	if (i + 2 < n && (memcmp(s + i, "\"\"\"", 3) == 0 ||
	    memcmp(s + i, "'''", 3) == 0)) {
		*close = s[i] == '"' ? "\"\"\"" : "'''";
		*skip = i + 3;
		return S_DOC;
	}
	if (i + 1 < n && ((s[i] == '/' && s[i + 1] == '/') || (s[i] == '-' &&
	    s[i + 1] == '-'))) {
		char c = s[i];
		while (i < n && (s[i] == c || s[i] == '!'))
			i++;
		*skip = i;
		return S_LINE;
	}
	if (i < n && s[i] == '#' && is_directive(s + i + 1, n - i - 1))
		return S_NONE;	/* #include, #define, ...: code */
	if (i < n && (s[i] == '#' || s[i] == ';' || s[i] == '%')) {
		char c = s[i];
		while (i < n && s[i] == c)
			i++;
		if (c == '#' && i < n && s[i] == '\'')
			i++;	/* R's roxygen */
		*skip = i;
		return S_LINE;
	}
	return S_NONE;
}

/* Finds the marker close in s[from, n); its offset, or -1. */
static long
find_close(const char *s, size_t from, size_t n, const char *close)
{
	size_t m = strlen(close);

	for (size_t i = from; i + m <= n; i++)
		if (memcmp(s + i, close, m) == 0)
			return (long)i;
	return -1;
}

/* Drops a block comment line's margin: spaces, then one '*'. */
static size_t
block_margin(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i < n && s[i] == '*' && !(i + 1 < n && s[i + 1] == '/'))
		i++;
	return i;
}

/* The leading comments of head, paragraph by paragraph. */
static void
scan_comments(struct scan *sc, const char *head, size_t len)
{
	enum style in = S_NONE;
	const char *close = NULL;
	int tagged = 0, count = 0;
	size_t pos = 0;

	while (pos < len && count < PARAGRAPHS_MAX && !sc->nomem) {
		const char *s = head + pos, *nl = memchr(s, '\n', len - pos);
		size_t n = nl != NULL ? (size_t)(nl - s) : len - pos, skip = 0;
		long end;

		pos += n + (nl != NULL);
		if (in == S_BLOCK || in == S_DOC || in == S_HTML) {
			size_t from = in == S_BLOCK ? block_margin(s, n) : 0;
			end = find_close(s, from, n, close);
			take_line(sc, s + from, (end >= 0 ? (size_t)end : n) -
			    from, &tagged);
			if (end >= 0) {
				in = S_NONE;
				end_paragraph(sc, &tagged, &count);
			}
			continue;
		}
		if (pos - n - (nl != NULL) == 0 && n >= 2 && s[0] == '#' &&
		    s[1] == '!')
			continue;	/* #! */
		size_t blank = 0;
		while (blank < n && isspace((unsigned char)s[blank]))
			blank++;
		if (blank == n) {
			if (in == S_LINE) {
				in = S_NONE;
				end_paragraph(sc, &tagged, &count);
			}
			continue;
		}
		enum style st = line_start(s, n, &skip, &close);
		if (st == S_NONE)
			break;	/* code: the leading comments are over */
		if (st == S_LINE) {
			in = S_LINE;
			take_line(sc, s + skip, n - skip, &tagged);
			continue;
		}
		if (in == S_LINE)
			end_paragraph(sc, &tagged, &count);
		end = find_close(s, skip, n, close);
		take_line(sc, s + skip, (end >= 0 ? (size_t)end : n) - skip,
		    &tagged);
		if (end >= 0) {
			end_paragraph(sc, &tagged, &count);
			/* Code after a comment closed on its line ends them. */
			size_t after = (size_t)end + strlen(close);
			while (after < n && isspace((unsigned char)s[after]))
				after++;
			if (after < n)
				break;
			in = S_NONE;
		} else {
			in = st;
		}
	}
	end_paragraph(sc, &tagged, &count);
}

/* SPDX-License-Identifier tags, on any line of head. */
static void
scan_spdx_tags(struct scan *sc, const char *head, size_t len)
{
	size_t pos = 0;

	while (pos < len && !sc->nomem) {
		const char *s = head + pos, *nl = memchr(s, '\n', len - pos), *v;
		size_t n = nl != NULL ? (size_t)(nl - s) : len - pos, vlen;

		pos += n + (nl != NULL);
		if ((v = tag_value(s, n, 1, &vlen)) == NULL)
			continue;
		if (add_notice(sc->f, v, vlen, s, n) == -1)
			sc->nomem = 1;
		buf_add(&sc->print, v, vlen);
		buf_add(&sc->print, "\n", 1);
	}
}

int
inventory_path_class(const char *path)
{
	return inventory_is_license_name(path) | (ends_with(path, ".min.js") ||
	    ends_with(path, ".min.css") || ends_with(path, ".min.mjs")) << 1 |
	    (ends_with(path, ".js") || ends_with(path, ".css") ||
	    ends_with(path, ".mjs")) << 2;
}

static int
is_minified(const char *path, const char *head, size_t len)
{
	const char *nl;

	if (ends_with(path, ".min.js") || ends_with(path, ".min.css") ||
	    ends_with(path, ".min.mjs"))
		return 1;
	if (!ends_with(path, ".js") && !ends_with(path, ".css") &&
	    !ends_with(path, ".mjs"))
		return 0;
	nl = memchr(head, '\n', len);
	return (nl != NULL ? (size_t)(nl - head) : len) >= INV_MINIFIED_LINE;
}

int
inventory_scan(struct inv_file *out, const char *path, const void *data,
    size_t len, size_t size)
{
	struct scan sc;
	const char *text = data;
	size_t head = len < INV_HEAD_MAX ? len : INV_HEAD_MAX;

	memset(out, 0, sizeof(*out));
	memset(&sc, 0, sizeof(sc));
	sc.f = out;
	out->license_file = inventory_is_license_name(path);
	if (size > INV_FILE_MAX) {
		out->kind = INV_LARGE;
		return 0;
	}
	if (head > 0 && memchr(text, '\0', head) != NULL) {
		out->kind = INV_BINARY;
		return 0;
	}
	if (!out->license_file && is_minified(path, text, head)) {
		out->kind = INV_MINIFIED;
		return 0;
	}
	if (out->license_file) {
		const char *id = NULL, *s = text, *e;
		/* Only a whole text can be a license's (and pinned). */
		if (len == size && (license_identify(&id, text, len) == -1 ||
		    license_fingerprint(out->sha256, text, len) == -1))
			goto nomem;
		/* The first line with words is its evidence. */
		while (s < text + len && isspace((unsigned char)*s))
			s++;
		e = memchr(s, '\n', (size_t)(text + len - s));
		if (add_notice(out, id != NULL ? id : "unknown", strlen(id !=
		    NULL ? id : "unknown"), s, e != NULL ? (size_t)(e - s) :
		    (size_t)(text + len - s)) == -1)
			goto nomem;
		return 0;
	}
	scan_spdx_tags(&sc, text, head);
	scan_comments(&sc, text, head);
	if (sc.nomem || sc.print.nomem || sc.para.nomem)
		goto nomem;
	if (out->n > 0) {
		int hit;
		struct memo *m = memo_slot(memo_print, sc.print.s,
		    sc.print.len, &hit);
		if (!hit) {
			char sha[LICENSE_SHA256_HEX + 1];
			if (license_fingerprint(sha, sc.print.s,
			    sc.print.len) == -1)
				goto nomem;
			memo_keep(m, sc.print.s, sc.print.len);
			memcpy(m->sha256, sha, sizeof(sha));
		}
		memcpy(out->sha256, m->sha256, sizeof(out->sha256));
	}
	free(sc.para.s);
	free(sc.print.s);
	return 0;
nomem:
	free(sc.para.s);
	free(sc.print.s);
	inventory_file_free(out);
	return -1;
}

void
inventory_file_free(struct inv_file *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->notices[i].license);
		free(f->notices[i].evidence);
	}
	memset(f, 0, sizeof(*f));
}

/*
 * SPDX expressions: a recursive descent over "or := and (OR and)*",
 * "and := with (AND with)*", "with := atom [WITH id]", "atom := id | ( or )".
 */
struct expr {
	const char *p;
	const char *id;
	int bad;
	int depth;
};

static void
skip_space(struct expr *x)
{
	while (*x->p == ' ' || *x->p == '\t')
		x->p++;
}

/* The next word: its length, 0 for none. */
static size_t
word(struct expr *x)
{
	size_t n = 0;

	skip_space(x);
	while (x->p[n] != '\0' && (isalnum((unsigned char)x->p[n]) ||
	    x->p[n] == '-' || x->p[n] == '.' || x->p[n] == '+' ||
	    x->p[n] == ':'))
		n++;
	return n;
}

static int
keyword(struct expr *x, const char *kw)
{
	size_t n = word(x);

	if (n == strlen(kw) && strncmp(x->p, kw, n) == 0) {
		x->p += n;
		return 1;
	}
	return 0;
}

static int parse_or(struct expr *x);

static int
parse_with(struct expr *x)
{
	int ok;
	size_t n;

	skip_space(x);
	if (*x->p == '(') {
		x->p++;
		if (++x->depth > 32) {
			x->bad = 1;
			return 0;
		}
		ok = parse_or(x);
		x->depth--;
		skip_space(x);
		if (*x->p != ')')
			x->bad = 1;
		else
			x->p++;
	} else {
		n = word(x);
		/* An operator where an id belongs. */
		if (n == 0 || (n == 3 && strncmp(x->p, "AND", 3) == 0) ||
		    (n == 2 && strncmp(x->p, "OR", 2) == 0) || (n == 4 &&
		    strncmp(x->p, "WITH", 4) == 0)) {
			x->bad = 1;
			return 0;
		}
		/* SPDX ids are case-insensitive, the operators are not. */
		ok = n == strlen(x->id) && strncasecmp(x->p, x->id, n) == 0;
		x->p += n;
	}
	if (keyword(x, "WITH")) {
		/* An exception changes the terms: not the license alone. */
		if (word(x) == 0)
			x->bad = 1;
		x->p += word(x);
		ok = 0;
	}
	return ok;
}

static int
parse_and(struct expr *x)
{
	int ok = parse_with(x);

	while (!x->bad && keyword(x, "AND"))
		ok = parse_with(x) && ok;
	return ok;
}

static int
parse_or(struct expr *x)
{
	int ok = parse_and(x);

	while (!x->bad && keyword(x, "OR"))
		ok = parse_and(x) || ok;
	return ok;
}

int
inventory_allows(const char *expr, const char *id)
{
	struct expr x = { expr, id, 0, 0 };
	int ok;

	if (expr == NULL || id == NULL)
		return 0;
	ok = parse_or(&x);
	skip_space(&x);
	return ok && !x.bad && *x.p == '\0';
}
