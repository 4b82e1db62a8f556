/*
 * test_license.c - the license classifier: every text of the corpus in
 * tests/licenses gets its verdict (ok-* is MIT, bad-* is not), verdicts say
 * what changed, the SPDX template's optional parts and alternatives match
 * and nothing else does, fingerprints stay put (the pins of mirrors.json
 * too), word diffs are in order, and no input, however hostile, crashes it
 * or lets a changed word through.
 *
 * Run from the top of the source tree (make unit), where tests/licenses is.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>
#include <openssl/evp.h>

#include "license.h"

#define CORPUS_DIR	"tests/licenses"
#define CORPUS_MIN	40		/* texts the corpus must hold */
#define FILE_MAX	(4 * 1024 * 1024)
#define FUZZ_ROUNDS	300
#define FUZZ_MAX_LEN	(16 * 1024)
#define MUTATIONS	300
#define BIG_LEN		(2 * 1024 * 1024)

#define MIT_TITLE	"MIT License\n\n"
#define MIT_DEEPSEEK	"Copyright (c) 2023 DeepSeek\n\n"
#define MIT_NAME	"THE AUTHORS OR COPYRIGHT HOLDERS" /* the name slot */
#define MIT_NEXT	"this permission notice (including the next paragraph) shall"
#define MIT_NO_NEXT	"this permission notice shall"
#define MIT_FILES	"this software and associated documentation files"
#define NAME_32		"A B C D E F G H I J K L M N O P Q R S T U V W X Y Z " \
			"A B C D E F"	/* TEMPLATE_NAME_MAX tokens */
#define VARIANT_EDITS	5
#define PINS_MAX	16
#define PINS_FILE	"mirrors.json"
#define SHARED_DIR	"../shared/licenses"
#define HOLDER_NEW	"Copyright (c) 2025 Someone Else\n"
#define FP_SAME_A	"A \"b\"  c\n"
#define FP_SAME_B	"\xef\xbb\xbf  a\r\n\xe2\x80\x9c" "B\xe2\x80\x9d\tC"
#define DIFF_SAME_OLD	"Licence: \"X\""
#define DIFF_SAME_NEW	"LICENSE:\r\n \xe2\x80\x9c" "x\xe2\x80\x9d"

/* Fingerprints of LICENSE_NORM_VERSION 1: a change here breaks every pin. */
#define FP_MIT_DEEPSEEK	\
	"c22160053d4d4955c5fc8a35dad61f05aa8bce6beb80defe250262026819c7e9"
#define FP_MODEL	\
	"72359301af1a48d07b5472c9349b282bb1c1843fb6af1bdae37d5748068a4376"
#define FP_EMPTY	\
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

/*
 * Returns the file's bytes in a buffer of exactly *len bytes (no NUL), so
 * that a read past the end is caught by the sanitizers.
 */
static char *
slurp(const char *path, size_t *len)
{
	FILE *f;
	char *buf, *exact;
	size_t n;

	if ((f = fopen(path, "rb")) == NULL)
		fail_msg("cannot open %s (run from the top of the tree)", path);
	buf = malloc(FILE_MAX);
	assert_non_null(buf);
	n = fread(buf, 1, FILE_MAX, f);
	fclose(f);
	exact = malloc(n > 0 ? n : 1);
	assert_non_null(exact);
	memcpy(exact, buf, n);
	free(buf);
	*len = n;
	return exact;
}

static char *
corpus_file(const char *name, size_t *len)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", CORPUS_DIR, name);
	return slurp(path, len);
}

/* Returns a new string: a then b. */
static char *
concat(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	char *s = malloc(na + nb + 1);

	assert_non_null(s);
	memcpy(s, a, na);
	memcpy(s + na, b, nb + 1);
	return s;
}

/* The canonical MIT text with a title and DeepSeek's copyright line. */
static char *
mit_text(void)
{
	char *head = concat(MIT_TITLE, MIT_DEEPSEEK), *s;

	s = concat(head, license_template("MIT"));
	free(head);
	return s;
}

static int
classify_str(const char *text)
{
	struct license_result r;
	int matches;

	assert_int_equal(license_classify(&r, "MIT", text, strlen(text)), 0);
	matches = r.matches;
	license_result_free(&r);
	return matches;
}

static int
has_phrase(char *const *list, size_t n, const char *want, int exact)
{
	for (size_t k = 0; k < n; k++)
		if (exact ? strcmp(list[k], want) == 0 :
		    strstr(list[k], want) != NULL)
			return 1;
	return 0;
}

static void
print_change(const struct license_change *c)
{
	for (size_t k = 0; k < c->nremoved; k++)
		print_message("    - \"%s\"\n", c->removed[k]);
	for (size_t k = 0; k < c->nadded; k++)
		print_message("    + \"%s\"\n", c->added[k]);
}

static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Returns whether s (n bytes) is valid UTF-8 without control characters. */
static int
printable_utf8(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t k = 0, len, j;
	uint32_t cp;

	while (k < n) {
		if (p[k] < 0x80) {
			if (p[k] < 0x20 || p[k] == 0x7f)
				return 0;
			k++;
			continue;
		}
		if (p[k] >= 0xc2 && p[k] <= 0xdf)
			len = 2, cp = p[k] & 0x1f;
		else if (p[k] >= 0xe0 && p[k] <= 0xef)
			len = 3, cp = p[k] & 0x0f;
		else if (p[k] >= 0xf0 && p[k] <= 0xf4)
			len = 4, cp = p[k] & 0x07;
		else
			return 0;
		if (k + len > n)
			return 0;
		for (j = 1; j < len; j++) {
			if ((p[k + j] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (p[k + j] & 0x3f);
		}
		if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ||
		    (cp >= 0x80 && cp <= 0x9f))
			return 0;
		k += len;
	}
	return 1;
}

/* Runs every entry point on text; none may fail or crash. */
static void
hammer(const char *text, size_t len)
{
	struct license_result r;
	struct license_change c;
	char fp[LICENSE_SHA256_HEX + 1], *norm;
	size_t nlen;

	assert_int_equal(license_classify(&r, "MIT", text, len), 0);
	assert_int_equal(license_fingerprint(fp, text, len), 0);
	assert_string_equal(fp, r.sha256);
	assert_int_equal(license_normalise(&norm, &nlen, text, len), 0);
	assert_int_equal(strlen(norm), nlen);
	assert_true(printable_utf8(norm, nlen));
	for (size_t k = 0; k < r.change.nadded; k++)
		assert_true(strlen(r.change.added[k]) <= LICENSE_MAX_PHRASE);
	free(norm);
	license_result_free(&r);
	assert_int_equal(license_diff(&c, text, len, "MIT", 3), 0);
	license_change_free(&c);
}

/*
 * The corpus: one text per file, named by what it must be.
 */

static void
test_corpus(void **state)
{
	DIR *d;
	struct dirent *e;
	size_t nok = 0, nbad = 0, wrong = 0, len;
	char *text;
	struct license_result r;
	int want = 0;

	(void)state;
	if ((d = opendir(CORPUS_DIR)) == NULL)
		fail_msg("cannot open %s (run from the top of the tree)",
		    CORPUS_DIR);
	while ((e = readdir(d)) != NULL) {
		size_t nl = strlen(e->d_name);

		if (e->d_name[0] == '.' || strcmp(e->d_name, "README.md") == 0)
			continue;
		if (nl < 4 || strcmp(e->d_name + nl - 4, ".txt") != 0)
			fail_msg("%s: corpus files are ok-*.txt or bad-*.txt",
			    e->d_name);
		if (strncmp(e->d_name, "ok-", 3) == 0)
			want = 1;
		else if (strncmp(e->d_name, "bad-", 4) == 0)
			want = 0;
		else
			fail_msg("%s: corpus files are ok-*.txt or bad-*.txt",
			    e->d_name);
		text = corpus_file(e->d_name, &len);
		assert_int_equal(license_classify(&r, "MIT", text, len), 0);
		if (r.matches != want) {
			print_error("%s: expected %s, got %s (%s)\n", e->d_name,
			    want ? "MIT" : "not MIT",
			    r.matches ? "MIT" : "not MIT",
			    r.reason != NULL ? r.reason : "");
			print_change(&r.change);
			wrong++;
		}
		if (r.matches) {
			assert_null(r.reason);
			assert_int_equal(r.change.nadded, 0);
			assert_int_equal(r.change.nremoved, 0);
		} else {
			assert_non_null(r.reason);
			assert_true(r.change.nadded + r.change.nremoved > 0);
		}
		assert_int_equal(strlen(r.sha256), LICENSE_SHA256_HEX);
		if (want)
			nok++;
		else
			nbad++;
		license_result_free(&r);
		free(text);
	}
	closedir(d);
	assert_int_equal(wrong, 0);
	assert_true(nok + nbad >= CORPUS_MIN);
	assert_true(nok > 0 && nbad > 0);
}

/*
 * What a not-expected verdict reports.
 */

struct change_case {
	const char *file;
	const char *added;	/* a phrase that must be added, or NULL */
	const char *removed;	/* a phrase that must be removed, or NULL */
	int exact;		/* the phrases are whole, not parts */
};

static const struct change_case change_cases[] = {
	{ "bad-noncommercial.txt", "non-commercial research purposes only",
	    NULL, 0 },
	{ "bad-not-granted.txt", "not", NULL, 1 },
	{ "bad-word-changed.txt", "company", "person", 1 },
	{ "bad-word-inserted-natural.txt", "natural", NULL, 1 },
	{ "bad-sublicense-removed.txt", NULL, "sublicense,", 1 },
	{ "bad-express-or-implied-changed.txt", "statutory", "implied", 1 },
	{ "bad-free-of-change.txt", "change", "charge", 1 },
	{ "bad-cyrillic-o-in-software.txt", "s\xd0\xbe" "ftware", "software",
	    1 },
	{ "bad-copyright-line-noncommercial.txt",
	    "for non-commercial use only", NULL, 0 },
	{ "bad-copyright-line-continued-restriction.txt",
	    "research use only; no commercial use.", NULL, 1 },
	{ "bad-warranty-removed.txt", NULL, "without warranty of any kind",
	    0 },
	{ "bad-conditions-removed.txt", NULL,
	    "above copyright notice and this permission notice", 0 },
	{ "bad-mit-plus-apache-notice.txt", "apache license, version 2.0",
	    NULL, 0 },
	{ "bad-mit-commons-clause.txt", "the right to sell the software",
	    NULL, 0 },
	{ "bad-mit-0.txt", NULL, "subject to the following conditions", 0 },
	{ "bad-x11.txt", "except as contained in this notice", NULL, 0 },
	{ "bad-excluding-next-paragraph.txt",
	    "(excluding the next paragraph)", NULL, 1 },
	{ "bad-next-paragraph-no-parentheses.txt",
	    "including the next paragraph", NULL, 1 },
	{ "bad-limitation-upon.txt", "upon", NULL, 1 },
	{ "bad-liability-name-terms.txt", ", except for commercial use,",
	    "or copyright holders", 1 },
	{ "bad-liability-name-lookalike.txt", "n\xd0\xben-commercial", NULL,
	    0 },
	{ "bad-liability-name-empty.txt", NULL,
	    "the authors or copyright holders", 1 },
	{ "bad-materials-mixed.txt", "materials", "software", 1 },
	{ "bad-materials-is.txt", "is", "are", 1 },
};

static void
test_change_reported(void **state)
{
	struct license_result r;
	size_t k, len;
	char *text;

	(void)state;
	for (k = 0; k < sizeof(change_cases) / sizeof(change_cases[0]); k++) {
		const struct change_case *c = &change_cases[k];

		text = corpus_file(c->file, &len);
		assert_int_equal(license_classify(&r, "MIT", text, len), 0);
		assert_false(r.matches);
		if ((c->added != NULL && !has_phrase(r.change.added,
		    r.change.nadded, c->added, c->exact)) ||
		    (c->removed != NULL && !has_phrase(r.change.removed,
		    r.change.nremoved, c->removed, c->exact))) {
			print_change(&r.change);
			fail_msg("%s: expected + \"%s\" - \"%s\"", c->file,
			    c->added ? c->added : "", c->removed ?
			    c->removed : "");
		}
		license_result_free(&r);
		free(text);
	}
}

/* The "not" of "Permission is not hereby granted" is the one change. */
static void
test_word_inserted_exactly(void **state)
{
	struct license_result r;
	size_t len;
	char *text = corpus_file("bad-not-granted.txt", &len);

	(void)state;
	assert_int_equal(license_classify(&r, "MIT", text, len), 0);
	assert_int_equal(r.change.nadded, 1);
	assert_string_equal(r.change.added[0], "not");
	assert_int_equal(r.change.nremoved, 0);
	assert_false(r.change.truncated);
	license_result_free(&r);
	free(text);
}

/*
 * No change to a word of the body gets through: every word deleted,
 * preceded by "not", with a letter changed, or with a Cyrillic look-alike.
 * The name of the liability sentence is free, like a copyright line: a
 * word of it may be deleted or changed, but "not" is a license word.
 */
static void
test_no_changed_word_passes(void **state)
{
	const char *body = license_template("MIT");
	const char *name = strstr(body, MIT_NAME);
	char *head = concat(MIT_TITLE, MIT_DEEPSEEK), *text;
	size_t hl = strlen(head), bl = strlen(body), i, j, words = 0;
	size_t name0, name1;
	int in_name;

	(void)state;
	assert_non_null(name);
	name0 = (size_t)(name - body);
	name1 = name0 + strlen(MIT_NAME);
	text = malloc(hl + bl + 16);
	assert_non_null(text);
	for (i = 0; i < bl; i = j) {
		int letter = (body[i] | 0x20) >= 'a' && (body[i] | 0x20) <= 'z';

		for (j = i + 1; letter && j < bl && ((body[j] | 0x20) >= 'a' &&
		    (body[j] | 0x20) <= 'z'); j++)
			;
		if (!letter)
			continue;
		words++;
		in_name = i >= name0 && i < name1;
		/* deleted */
		memcpy(text, head, hl);
		memcpy(text + hl, body, i);
		memcpy(text + hl + i, body + j, bl - j + 1);
		if (classify_str(text) != in_name)
			fail_msg("deleting word at %zu: %s", i, in_name ?
			    "a name without it fails" : "passes");
		/* "not" before it */
		memcpy(text + hl + i, "not ", 4);
		memcpy(text + hl + i + 4, body + i, bl - i + 1);
		if (classify_str(text))
			fail_msg("\"not\" at %zu passes", i);
		/* one letter changed */
		memcpy(text + hl, body, bl + 1);
		text[hl + i] = (char)(body[i] == 'z' ? 'y' : body[i] + 1);
		if (classify_str(text) != in_name)
			fail_msg("letter changed at %zu: %s", i, in_name ?
			    "another name fails" : "passes");
		/* a Cyrillic "о" for the first "o" */
		for (size_t k = i; k < j; k++) {
			if (body[k] != 'o')
				continue;
			memcpy(text + hl, body, k);
			memcpy(text + hl + k, "\xd0\xbe", 2);
			memcpy(text + hl + k + 2, body + k + 1, bl - k);
			if (classify_str(text))
				fail_msg("Cyrillic o at %zu passes", k);
			break;
		}
	}
	assert_true(words > 150);
	/* and the text itself passes, so the failures above are the words' */
	memcpy(text + hl, body, bl + 1);
	assert_true(classify_str(text));
	free(text);
	free(head);
}

/*
 * The template's optional parts and alternatives (SPDX license-list-XML
 * MIT.xml).
 */

struct variant_case {
	const char *what;
	const char *edit[VARIANT_EDITS][2]; /* from, to: every occurrence,
				   in order, in the canonical text */
	int ok;
	const char *added;	/* when !ok: the only phrase added, or NULL */
	const char *removed;	/* the only phrase removed, or NULL */
};

static const struct variant_case variant_cases[] = {
	/* optional parts, present or absent */
	{ "(including the next paragraph)", { { MIT_NO_NEXT, MIT_NEXT } }, 1,
	    NULL, NULL },
	{ "limitation on", { { "limitation the", "limitation on the" } }, 1,
	    NULL, NULL },
	{ "both optional parts", { { MIT_NO_NEXT, MIT_NEXT },
	    { "limitation the", "limitation on the" } }, 1, NULL, NULL },
	{ "both, no title", { { MIT_TITLE, "" }, { MIT_NO_NEXT, MIT_NEXT },
	    { "limitation the", "limitation on the" } }, 1, NULL, NULL },
	{ "both, the SPDX title", { { MIT_TITLE, "The MIT License (MIT)\n" },
	    { MIT_NO_NEXT, MIT_NEXT },
	    { "limitation the", "limitation on the" } }, 1, NULL, NULL },
	/* alternatives */
	{ "this source file", { { MIT_FILES, "this source file" } }, 1, NULL,
	    NULL },
	{ "Materials", { { "SOFTWARE IS", "MATERIALS ARE" },
	    { "SOFTWARE", "MATERIALS" }, { "Software", "Materials" } }, 1,
	    NULL, NULL },
	{ "every variant at once", { { MIT_FILES, "this source file" },
	    { "SOFTWARE IS", "MATERIALS ARE" }, { "SOFTWARE", "MATERIALS" },
	    { "Software", "Materials" }, { MIT_NO_NEXT, MIT_NEXT } }, 1, NULL,
	    NULL },
	{ "name DEEPSEEK", { { MIT_NAME, "DEEPSEEK" } }, 1, NULL, NULL },
	{ "name of a company", { { MIT_NAME,
	    "DEEPSEEK, INC. OR ITS CONTRIBUTORS" } }, 1, NULL, NULL },
	{ "name THE COPYRIGHT HOLDER", { { MIT_NAME,
	    "THE COPYRIGHT HOLDER" } }, 1, NULL, NULL },
	{ "name of TEMPLATE_NAME_MAX tokens", { { MIT_NAME, NAME_32 } }, 1,
	    NULL, NULL },
	/* replaced optional words are changes, named */
	{ "(excluding the next paragraph)", { { MIT_NO_NEXT,
	    "this permission notice (excluding the next paragraph) shall" } },
	    0, "(excluding the next paragraph)", NULL },
	{ "(including the next paragraphs)", { { MIT_NO_NEXT,
	    "this permission notice (including the next paragraphs) shall" } },
	    0, "(including the next paragraphs)", NULL },
	{ "optional phrase elsewhere", { { "sell copies",
	    "sell (including the next paragraph) copies" } }, 0,
	    "(including the next paragraph)", NULL },
	{ "limitation upon", { { "limitation the", "limitation upon the" } },
	    0, "upon", NULL },
	{ "on elsewhere", { { "rights to use", "rights on to use" } }, 0,
	    "on", NULL },
	/* alternatives are whole and consistent */
	{ "this source files", { { MIT_FILES, "this source files" } }, 0,
	    "source", "software and associated documentation" },
	{ "Materials defined, Software used", { { "to deal in the Software",
	    "to deal in the Materials" } }, 0, "materials", "software" },
	{ "MATERIALS IS", { { "SOFTWARE IS", "MATERIALS IS" },
	    { "SOFTWARE", "MATERIALS" }, { "Software", "Materials" } }, 0,
	    "is", "are" },
	{ "SOFTWARE IS among Materials", { { "Software", "Materials" },
	    { "THE SOFTWARE OR", "THE MATERIALS OR" },
	    { "IN THE SOFTWARE.", "IN THE MATERIALS." } }, 0, "software is",
	    "materials are" },
	/* the name: a name, never terms */
	{ "name with terms", { { MIT_NAME,
	    "THE AUTHORS, EXCEPT FOR COMMERCIAL USE," } }, 0,
	    ", except for commercial use,", "or copyright holders" },
	{ "name with a look-alike license word", { { MIT_NAME,
	    "THE AUTHORS, N\xd0\x9eT FOR RESALE" } }, 0,
	    ", n\xd0\xbet for resale", "or copyright holders" },
	{ "name with a bidi control", { { MIT_NAME,
	    "THE \xe2\x80\xae" "SROHTUA" } }, 0, "\xef\xbf\xbd" "srohtua",
	    "authors or copyright holders" },
	{ "no name", { { "SHALL " MIT_NAME " BE", "SHALL BE" } }, 0, NULL,
	    "the authors or copyright holders" },
	{ "name longer than TEMPLATE_NAME_MAX", { { MIT_NAME,
	    NAME_32 " G" } }, 0, "a b c d e f g h i j k l m n o p q r s t u v "
	    "w x y z a b c d e f g", "the authors or copyright holders" },
	/* a change beside allowed variants is reported alone */
	{ "a name and a change", { { MIT_NAME, "DEEPSEEK" },
	    { "free of charge", "free of change" } }, 0, "change", "charge" },
	{ "Materials and a change", { { "SOFTWARE IS", "MATERIALS ARE" },
	    { "SOFTWARE", "MATERIALS" }, { "Software", "Materials" },
	    { "free of charge", "free of change" } }, 0, "change", "charge" },
	{ "both optional parts and a change", { { MIT_NO_NEXT, MIT_NEXT },
	    { "limitation the", "limitation on the" },
	    { "DEALINGS", "USES" } }, 0, "uses", "dealings" },
};

/* Returns a new string: s with every from replaced by to. */
static char *
replace_all(const char *s, const char *from, const char *to)
{
	size_t fl = strlen(from), tl = strlen(to), n = 0, len;
	const char *p;
	char *out, *o;

	for (p = s; (p = strstr(p, from)) != NULL; p += fl)
		n++;
	len = strlen(s) + n * tl;
	out = malloc(len + 1);
	assert_non_null(out);
	for (o = out; (p = strstr(s, from)) != NULL; s = p + fl) {
		memcpy(o, s, (size_t)(p - s));
		o += p - s;
		memcpy(o, to, tl);
		o += tl;
	}
	memcpy(o, s, strlen(s) + 1);
	return out;
}

static int
phrases_are(char *const *list, size_t n, const char *want)
{
	return want == NULL ? n == 0 : n == 1 && strcmp(list[0], want) == 0;
}

static void
test_template_variants(void **state)
{
	struct license_result r;
	char *text, *next;
	size_t k, e;

	(void)state;
	for (k = 0; k < sizeof(variant_cases) / sizeof(variant_cases[0]);
	    k++) {
		const struct variant_case *c = &variant_cases[k];

		text = mit_text();
		for (e = 0; e < VARIANT_EDITS && c->edit[e][0] != NULL; e++) {
			if (strstr(text, c->edit[e][0]) == NULL)
				fail_msg("%s: no \"%s\" to edit", c->what,
				    c->edit[e][0]);
			next = replace_all(text, c->edit[e][0], c->edit[e][1]);
			free(text);
			text = next;
		}
		assert_int_equal(license_classify(&r, "MIT", text,
		    strlen(text)), 0);
		if (r.matches != c->ok || (!c->ok &&
		    (!phrases_are(r.change.added, r.change.nadded, c->added) ||
		    !phrases_are(r.change.removed, r.change.nremoved,
		    c->removed)))) {
			print_change(&r.change);
			fail_msg("%s: expected %s + \"%s\" - \"%s\"", c->what,
			    c->ok ? "MIT" : "not MIT",
			    c->added != NULL ? c->added : "",
			    c->removed != NULL ? c->removed : "");
		}
		license_result_free(&r);
		free(text);
	}
}

/*
 * Copyright lines: the only free part.
 */

struct copyright_case {
	const char *lines;	/* between the title and the body */
	int ok;
};

static const struct copyright_case copyright_cases[] = {
	{ "Copyright (c) 2023 DeepSeek\n", 1 },
	{ "", 1 },
	{ "Copyright 2024 Microsoft Research\n", 1 },
	{ "Copyright (C) 2019-2024 Jane Doe <jane@example.org>\n"
	    "Copyright (C) 2020 John Roe\n", 1 },
	{ "Copyright 2024 Example Inc.\nAll rights reserved.\n", 1 },
	{ "Copyright 2024 Example Inc.\n\nAll rights reserved.\n", 1 },
	{ "2012 Copyright, John Doe. All rights reserved.\n", 1 },
	{ "(c) 2012 John Doe.\n", 1 },
	{ "\xc2\xa9 2012 John Doe.\n", 1 },
	{ "Copyright 2024 The Authors,\n  Alice and Bob\n", 1 },
	{ "Copyright 2024 X, for non-commercial use only\n", 0 },
	{ "Copyright 2024 X. Not for commercial use.\n", 0 },
	{ "Copyright 2024 X, may be used freely\n", 0 },
	{ "Copyright 2024 X\nLicensed under the GPL\n", 0 },
	{ "Copyright 2024 X\nResearch purposes only\n", 0 },
	{ "Copyright 2024 X, n\xd0\xbet for sale\n", 0 },
	{ "Copyright 2024 X, com-mer-cial use prohibited\n", 0 },
	{ "Copyright 2024 X \xe2\x80\xae" "ylno esu\n", 0 },	/* bidi */
	{ "Copyright 2024 X \xe2\x80\x8f\n", 0 },
	{ "Copyright 2024 X\n\nHello world\n", 0 },
	{ "Copyright 2024 X\nHello world\n", 0 },
	{ "Copyright 2024 X\nSee COPYING for details.\n", 0 },
	{ "Copyright 2024 X and\nY. Not for sale.\n", 0 },
	{ "Copyright 2024 Alice &\n  Bob\n", 1 },
	{ "Hello world\n", 0 },
	{ "This software is for personal use.\n", 0 },
};

static void
test_copyright_lines(void **state)
{
	size_t k;
	char *head, *text;

	(void)state;
	for (k = 0; k < sizeof(copyright_cases) / sizeof(copyright_cases[0]);
	    k++) {
		head = concat(MIT_TITLE, copyright_cases[k].lines);
		text = concat(head, license_template("MIT"));
		if (classify_str(text) != copyright_cases[k].ok)
			fail_msg("copyright lines \"%s\": expected %s",
			    copyright_cases[k].lines,
			    copyright_cases[k].ok ? "MIT" : "not MIT");
		free(text);
		free(head);
	}
}

/*
 * Normalisation, step by step (docs/license-normalisation.md).
 */

struct norm_case {
	const char *in;
	size_t len;		/* of in, which may hold NULs */
	const char *out;
};

#define N(in, out)	{ in, sizeof(in) - 1, out }

static const struct norm_case norm_cases[] = {
	N("",
	    ""),
	N("  \n\t\r\n ",
	    ""),
	N("Hello,  World\r\n",
	    "hello , world"),
	N("one\ntwo\r\nthree\rfour\x0b" "five\x0csix",
	    "one two three four five six"),
	N("\xe2\x80\x9c" "AS IS\xe2\x80\x9d 'x' `y` ``z''",
	    "\" as is \" \" x \" \" y \" \" z \""),
	N("\xc2\xab" "a\xc2\xbb \xe2\x80\x98" "b\xe2\x80\x99",
	    "\" a \" \" b \""),
	N("don\xe2\x80\x99t licensor's",
	    "don't licensor's"),
	N("a-b a\xe2\x80\x94" "b a \xe2\x80\x93 b a--b a\xe2\x88\x92" "b",
	    "a - b a - b a - b a - b a - b"),
	N("Licence licences LICENCED sub-licence sublicence",
	    "license licenses licensed sublicense sublicense"),
	N("sub license sub-licensed",
	    "sublicense sublicensed"),
	N("noncommercial non-commercial",
	    "non - commercial non - commercial"),
	N("per cent organisation whilst judgement",
	    "percent organization while judgment"),
	N("\xc2\xa9 2024 X",
	    "copyright 2024 x"),
	N("Copyright (c) 2024 X",
	    "copyright 2024 x"),
	N("(C) Copyright \xc2\xa9 2024",
	    "copyright 2024"),
	N("copyright\ncopyright",
	    "copyright copyright"),
	N("copyright owners",
	    "copyright holders"),
	N("https://example.org http: x",
	    "http : / / example . org http : x"),
	N("# MIT License\n## Title",
	    "mit license title"),
	N("/*\n * one\n * two\n */",
	    "one two"),
	N("// one\n# two\n> three\n%% four",
	    "one two three four"),
	N("- one\n* two\n+ three\n\xe2\x80\xa2 four",
	    "one two three four"),
	N("1. one\n2) two\n1.2 three\na. four\nB) five\niv. six",
	    "one two three four five six"),
	N("(a) one\n(1) two\n[ii] three",
	    "one two three"),
	N("(c) 2024 X\n(d) item",
	    "copyright 2024 x item"),
	N("2023 X\n-x\n#x",
	    "2023 x - x # x"),
	N("one\n---\n***\n= = =\n_____\ntwo",
	    "one two"),
	N("one --- two ... three",
	    "one two three"),
	N("a:: b",
	    "a : : b"),
	N("\xef\xbb\xbfsoft\xe2\x80\x8bware\xc2\xa0x\xe2\x80\x83y\xc2\xad" "z",
	    "software x yz"),
	N("a\0b",
	    "a \xef\xbf\xbd b"),
	N("a\xff" "b",
	    "a \xef\xbf\xbd b"),
	N("\xe2\x80\xae" "x",
	    "\xef\xbf\xbd x"),
	N("\xc3\x9c" "BER \xce\x91\xce\x92 \xd0\x90\xd0\x91 \xd0\x81",
	    "\xc3\xbc" "ber \xce\xb1\xce\xb2 \xd0\xb0\xd0\xb1 \xd1\x91"),
	N("s\xd0\xbe" "ftware",
	    "s\xd0\xbe" "ftware"),
	N("\xe6\xb7\xb1\xe5\xba\xa6\xe6\xb1\x82\xe7\xb4\xa2",
	    "\xe6\xb7\xb1\xe5\xba\xa6\xe6\xb1\x82\xe7\xb4\xa2"),
};

static void
test_normalise(void **state)
{
	size_t k, len, nlen;
	char *norm;

	(void)state;
	for (k = 0; k < sizeof(norm_cases) / sizeof(norm_cases[0]); k++) {
		const char *in = norm_cases[k].in;

		len = norm_cases[k].len;
		assert_int_equal(license_normalise(&norm, &nlen, in, len), 0);
		if (strcmp(norm, norm_cases[k].out) != 0)
			fail_msg("normalise \"%s\": got \"%s\", want \"%s\"",
			    in, norm, norm_cases[k].out);
		assert_int_equal(nlen, strlen(norm));
		free(norm);
	}
}

/* SPDX's list of equivalent words: each pair normalises the same. */
static const char *const equivalent_words[][2] = {
	{ "acknowledgement", "acknowledgment" }, { "analog", "analogue" },
	{ "analyze", "analyse" }, { "artifact", "artefact" },
	{ "authorization", "authorisation" }, { "authorized", "authorised" },
	{ "caliber", "calibre" }, { "canceled", "cancelled" },
	{ "capitalizations", "capitalisations" }, { "catalog", "catalogue" },
	{ "categorize", "categorise" }, { "center", "centre" },
	{ "copyright holder", "copyright owner" },
	{ "emphasized", "emphasised" }, { "favor", "favour" },
	{ "favorite", "favourite" }, { "fulfill", "fulfil" },
	{ "fulfillment", "fulfilment" }, { "initialize", "initialise" },
	{ "judgement", "judgment" }, { "labeling", "labelling" },
	{ "labor", "labour" }, { "license", "licence" },
	{ "maximize", "maximise" }, { "modeled", "modelled" },
	{ "modeling", "modelling" }, { "noncommercial", "non-commercial" },
	{ "offense", "offence" }, { "optimize", "optimise" },
	{ "organization", "organisation" }, { "organize", "organise" },
	{ "percent", "per cent" }, { "practice", "practise" },
	{ "program", "programme" }, { "realize", "realise" },
	{ "recognize", "recognise" }, { "signaling", "signalling" },
	{ "sublicense", "sub-license" }, { "sub-license", "sub license" },
	{ "sublicense", "sub license" }, { "utilization", "utilisation" },
	{ "while", "whilst" }, { "wilfull", "wilful" },
};

static void
test_equivalent_words(void **state)
{
	char fa[LICENSE_SHA256_HEX + 1], fb[LICENSE_SHA256_HEX + 1];
	size_t k;

	(void)state;
	for (k = 0; k < sizeof(equivalent_words) / sizeof(equivalent_words[0]);
	    k++) {
		const char *a = equivalent_words[k][0];
		const char *b = equivalent_words[k][1];

		assert_int_equal(license_fingerprint(fa, a, strlen(a)), 0);
		assert_int_equal(license_fingerprint(fb, b, strlen(b)), 0);
		if (strcmp(fa, fb) != 0)
			fail_msg("\"%s\" and \"%s\" differ", a, b);
	}
}

/*
 * Fingerprints.
 */

static void
sha256_hex(char out[LICENSE_SHA256_HEX + 1], const void *data, size_t len)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen;

	assert_int_equal(EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL),
	    1);
	for (unsigned int k = 0; k < mdlen; k++)
		snprintf(out + 2 * k, 3, "%02x", md[k]);
}

static void
test_fingerprints(void **state)
{
	char a[LICENSE_SHA256_HEX + 1], b[LICENSE_SHA256_HEX + 1];
	char h[LICENSE_SHA256_HEX + 1], *ta, *tb, *norm;
	size_t la, lb, nlen;

	(void)state;
	assert_int_equal(LICENSE_NORM_VERSION, 1);

	/* the two MIT files differ by a final newline: one fingerprint */
	ta = corpus_file("ok-deepseek-r1-LICENSE.txt", &la);
	tb = corpus_file("ok-janus-LICENSE-CODE.txt", &lb);
	assert_int_not_equal(la, lb);
	assert_int_equal(license_fingerprint(a, ta, la), 0);
	assert_int_equal(license_fingerprint(b, tb, lb), 0);
	assert_string_equal(a, b);
	assert_string_equal(a, FP_MIT_DEEPSEEK);
	/* the fingerprint is the SHA-256 of the normalised text */
	assert_int_equal(license_normalise(&norm, &nlen, ta, la), 0);
	sha256_hex(h, norm, nlen);
	assert_string_equal(a, h);
	free(norm);
	free(ta);
	free(tb);

	/* the two model licenses differ by trailing spaces: one too */
	ta = corpus_file("bad-deepseek-v3-LICENSE-MODEL.txt", &la);
	tb = corpus_file("bad-deepseek-janus-LICENSE-MODEL.txt", &lb);
	assert_int_not_equal(la, lb);
	assert_int_equal(license_fingerprint(a, ta, la), 0);
	assert_int_equal(license_fingerprint(b, tb, lb), 0);
	assert_string_equal(a, b);
	assert_string_equal(a, FP_MODEL);
	free(ta);
	free(tb);

	/* a new holder is a new fingerprint, though both are MIT */
	ta = mit_text();
	tb = concat("MIT License\n\nCopyright (c) 2023 DeepSeek AI\n\n",
	    license_template("MIT"));
	assert_true(classify_str(ta));
	assert_true(classify_str(tb));
	assert_int_equal(license_fingerprint(a, ta, strlen(ta)), 0);
	assert_int_equal(license_fingerprint(b, tb, strlen(tb)), 0);
	assert_string_not_equal(a, b);
	free(tb);
	/* so is a new year */
	tb = concat("MIT License\n\nCopyright (c) 2024 DeepSeek\n\n",
	    license_template("MIT"));
	assert_int_equal(license_fingerprint(b, tb, strlen(tb)), 0);
	assert_string_not_equal(a, b);
	free(tb);
	free(ta);

	/* what normalises away does not change it */
	assert_int_equal(license_fingerprint(a, FP_SAME_A, strlen(FP_SAME_A)),
	    0);
	assert_int_equal(license_fingerprint(b, FP_SAME_B, strlen(FP_SAME_B)),
	    0);
	assert_string_equal(a, b);

	assert_int_equal(license_fingerprint(a, NULL, 0), 0);
	assert_string_equal(a, FP_EMPTY);
}

/*
 * The pins shipped in mirrors.json: every "sha256" there is the
 * fingerprint of a model license of the corpus, so a change to the
 * normalisation or the matching that would break them fails here first.
 */

static const char *const model_fixtures[] = {
	"bad-deepseek-v3-LICENSE-MODEL.txt",
	"bad-deepseek-janus-LICENSE-MODEL.txt",
};

/* The same bytes in ../shared/licenses, when it is there (file, copy). */
static const char *const shared_copies[][2] = {
	{ "bad-deepseek-v3-LICENSE-MODEL.txt",
	    "DeepSeek-Model-V3-LICENSE-MODEL.txt" },
	{ "bad-deepseek-v3-LICENSE-MODEL.txt",
	    "DeepSeek-Model-VL2-LICENSE-MODEL.txt" },
	{ "bad-deepseek-janus-LICENSE-MODEL.txt",
	    "DeepSeek-Model-Janus-LICENSE-MODEL.txt" },
	{ "ok-deepseek-r1-LICENSE.txt", "MIT-DeepSeek-R1-LICENSE.txt" },
	{ "ok-janus-LICENSE-CODE.txt", "MIT-Janus-LICENSE-CODE.txt" },
};

/*
 * Reads the "sha256" pins of the license files of a mirrors.json text (len
 * bytes) into pins (not those of accepted[], which are the fingerprints of
 * a file's notices); returns how many.
 */
static size_t
read_pins(char pins[][LICENSE_SHA256_HEX + 1], const char *text, size_t len)
{
	json_t *top = json_loadb(text, len, 0, NULL), *repo, *lic;
	size_t n = 0, i, j;

	assert_non_null(top);
	json_array_foreach(json_object_get(top, "repos"), i, repo)
		json_array_foreach(json_object_get(repo, "licenses"), j, lic) {
			const char *sha = json_string_value(json_object_get(lic,
			    "sha256"));
			if (sha == NULL)
				continue;
			assert_int_equal(strlen(sha), LICENSE_SHA256_HEX);
			assert_true(n < PINS_MAX);
			memcpy(pins[n], sha, LICENSE_SHA256_HEX + 1);
			n++;
		}
	json_decref(top);
	return n;
}

static void
test_shipped_pins(void **state)
{
	char pins[PINS_MAX][LICENSE_SHA256_HEX + 1];
	char fp[sizeof(model_fixtures) / sizeof(model_fixtures[0])]
	    [LICENSE_SHA256_HEX + 1];
	char path[512], *text, *copy;
	size_t npins, len, clen, k, m;
	FILE *f;

	(void)state;
	text = slurp(PINS_FILE, &len);
	npins = read_pins(pins, text, len);
	free(text);
	assert_true(npins > 0);
	for (m = 0; m < sizeof(model_fixtures) / sizeof(model_fixtures[0]);
	    m++) {
		text = corpus_file(model_fixtures[m], &len);
		assert_int_equal(license_fingerprint(fp[m], text, len), 0);
		assert_string_equal(fp[m], FP_MODEL);
		free(text);
	}
	/* every pin verifies against a model license, and both are pinned */
	for (k = 0; k < npins; k++) {
		for (m = 0; m < sizeof(fp) / sizeof(fp[0]); m++)
			if (strcmp(pins[k], fp[m]) == 0)
				break;
		if (m == sizeof(fp) / sizeof(fp[0]))
			fail_msg("%s pins %s, the fingerprint of no model "
			    "license", PINS_FILE, pins[k]);
	}
	for (m = 0; m < sizeof(fp) / sizeof(fp[0]); m++) {
		for (k = 0; k < npins && strcmp(pins[k], fp[m]) != 0; k++)
			;
		assert_true(k < npins);
	}
	/* the fixtures are the shipped files, byte for byte */
	for (k = 0; k < sizeof(shared_copies) / sizeof(shared_copies[0]);
	    k++) {
		snprintf(path, sizeof(path), "%s/%s", SHARED_DIR,
		    shared_copies[k][1]);
		if ((f = fopen(path, "rb")) == NULL) {
			print_message("    (no %s: not compared)\n", path);
			continue;
		}
		fclose(f);
		copy = slurp(path, &clen);
		text = corpus_file(shared_copies[k][0], &len);
		if (len != clen || memcmp(text, copy, len) != 0)
			fail_msg("%s differs from %s", shared_copies[k][0],
			    path);
		free(text);
		free(copy);
	}
}

/*
 * Word diffs.
 */

static void
test_diff(void **state)
{
	struct license_change c;
	const char *old = "The quick brown fox jumps over the lazy dog.";
	const char *new = "The slow brown fox jumps high over the lazy "
	    "dog, for research purposes only.";

	(void)state;
	assert_int_equal(license_diff(&c, old, strlen(old), new, strlen(new)),
	    0);
	assert_int_equal(c.nremoved, 1);
	assert_string_equal(c.removed[0], "quick");
	assert_int_equal(c.nadded, 3);
	assert_string_equal(c.added[0], "slow");
	assert_string_equal(c.added[1], "high");
	assert_string_equal(c.added[2], ", for research purposes only");
	assert_false(c.truncated);
	license_change_free(&c);
	assert_null(c.added);
	assert_int_equal(c.nadded, 0);

	/* the same text, normalised: nothing */
	assert_int_equal(license_diff(&c, DIFF_SAME_OLD, strlen(DIFF_SAME_OLD),
	    DIFF_SAME_NEW, strlen(DIFF_SAME_NEW)), 0);
	assert_int_equal(c.nadded + c.nremoved, 0);
	license_change_free(&c);

	/* from nothing: all added, in one phrase */
	assert_int_equal(license_diff(&c, "", 0, old, strlen(old)), 0);
	assert_int_equal(c.nadded, 1);
	assert_int_equal(c.nremoved, 0);
	assert_string_equal(c.added[0],
	    "the quick brown fox jumps over the lazy dog.");
	license_change_free(&c);

	/* a holder changed, against the last accepted text */
	assert_int_equal(license_diff(&c, MIT_DEEPSEEK, strlen(MIT_DEEPSEEK),
	    HOLDER_NEW, strlen(HOLDER_NEW)), 0);
	assert_int_equal(c.nremoved, 1);
	assert_string_equal(c.removed[0], "2023 deepseek");
	assert_int_equal(c.nadded, 1);
	assert_string_equal(c.added[0], "2025 someone else");
	license_change_free(&c);

	license_change_free(NULL);
}

/* Texts too different to compare word by word are reported whole. */
static void
test_diff_bounded(void **state)
{
	struct license_change c;
	size_t n = 6000, k;
	char *a = malloc(2 * n), *b = malloc(2 * n);

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	for (k = 0; k < n; k++) {
		a[2 * k] = (char)('a' + k % 13);
		b[2 * k] = (char)('n' + k % 13);
		a[2 * k + 1] = b[2 * k + 1] = ' ';
	}
	assert_int_equal(license_diff(&c, a, 2 * n, b, 2 * n), 0);
	/* 6000 * 6000 token pairs > LICENSE_DIFF_MAX_CELLS */
	assert_true(c.truncated);
	assert_int_equal(c.nadded, 1);
	assert_int_equal(c.nremoved, 1);
	assert_true(strlen(c.added[0]) <= LICENSE_MAX_PHRASE);
	assert_string_equal(c.added[0] + strlen(c.added[0]) - 3, "...");
	license_change_free(&c);
	free(a);
	free(b);
}

/*
 * The interface's edges.
 */

static void
test_known(void **state)
{
	struct license_result r;
	char *text = mit_text();

	(void)state;
	assert_true(license_known("MIT"));
	assert_false(license_known("Apache-2.0"));
	assert_false(license_known(""));
	assert_false(license_known(NULL));
	assert_non_null(license_template("MIT"));
	assert_null(license_template("GPL-3.0-only"));
	/* the built-in text is MIT, title and copyright line or not */
	assert_true(classify_str(license_template("MIT")));
	assert_true(classify_str(text));
	assert_int_equal(license_classify(&r, "Apache-2.0", text,
	    strlen(text)), -1);
	assert_false(r.matches);
	assert_null(r.reason);
	license_result_free(&r);
	license_result_free(NULL);
	free(text);
}

static void
test_sizes(void **state)
{
	struct license_result r;
	struct license_change c;
	char fp[LICENSE_SHA256_HEX + 1], *big, *norm;
	size_t nlen, k;

	(void)state;
	big = malloc(BIG_LEN);
	assert_non_null(big);
	for (k = 0; k < BIG_LEN; k++)
		big[k] = "Permission is hereby granted. "[k % 30];

	/* larger than LICENSE_MAX_SIZE: refused, never read */
	assert_int_equal(license_classify(&r, "MIT", big, BIG_LEN), 0);
	assert_false(r.matches);
	assert_non_null(r.reason);
	assert_string_equal(r.sha256, "");
	license_result_free(&r);
	assert_int_equal(license_classify(&r, "MIT", big,
	    LICENSE_MAX_SIZE + 1), 0);
	assert_false(r.matches);
	assert_string_equal(r.sha256, "");
	license_result_free(&r);
	assert_int_equal(license_fingerprint(fp, big, BIG_LEN), -1);
	assert_int_equal(license_normalise(&norm, &nlen, big, BIG_LEN), -1);
	assert_null(norm);
	assert_int_equal(license_diff(&c, big, BIG_LEN, "x", 1), -1);
	assert_int_equal(license_diff(&c, "x", 1, big, BIG_LEN), -1);

	/* LICENSE_MAX_SIZE exactly: classified like any text */
	assert_int_equal(license_classify(&r, "MIT", big, LICENSE_MAX_SIZE),
	    0);
	assert_false(r.matches);
	assert_int_equal(strlen(r.sha256), LICENSE_SHA256_HEX);
	assert_true(r.change.nadded > 0);
	for (k = 0; k < r.change.nadded; k++)
		assert_true(strlen(r.change.added[k]) <= LICENSE_MAX_PHRASE);
	assert_true(r.change.nadded <= LICENSE_MAX_PHRASES);
	license_result_free(&r);

	/* one word of a mebibyte */
	memset(big, 'a', LICENSE_MAX_SIZE);
	hammer(big, LICENSE_MAX_SIZE);
	assert_int_equal(license_classify(&r, "MIT", big, LICENSE_MAX_SIZE),
	    0);
	assert_true(r.change.truncated);
	assert_int_equal(r.change.nadded, 1);
	assert_int_equal(strlen(r.change.added[0]), LICENSE_MAX_PHRASE);
	license_result_free(&r);
	/* a mebibyte of marks, of "(c)", of list markers, of bad bytes */
	for (k = 0; k < LICENSE_MAX_SIZE; k++)
		big[k] = ".,;:\"'-("[k % 8];
	hammer(big, LICENSE_MAX_SIZE);
	for (k = 0; k < LICENSE_MAX_SIZE; k++)
		big[k] = "(c)"[k % 3];
	hammer(big, LICENSE_MAX_SIZE);
	for (k = 0; k < LICENSE_MAX_SIZE; k++)
		big[k] = "1.\n"[k % 3];
	hammer(big, LICENSE_MAX_SIZE);
	for (k = 0; k < LICENSE_MAX_SIZE; k++)
		big[k] = (char)(0x80 + k % 64);
	hammer(big, LICENSE_MAX_SIZE);
	free(big);
}

/* Any bytes: random, invalid UTF-8, NULs, cut sequences at the end. */
static void
test_hostile_bytes(void **state)
{
	static const char *const nasty[] = {
		"\xe2\x80", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
		"\xf0\x9f", "\xef\xbf\xbe", "(c", "(", "sub-", "1.", "#", "*",
		"\xe2\x80\x8b", "don\xe2\x80\x99", "a'", "-", "---", "\r",
		"copyright", "https", "https:", "per", "(\xe2\x80\x8b" "c",
	};
	static const char alphabet[] = " \n\t.,(c)-\"'aeiouxyz#*1"
	    "\xe2\x80\x9d\xc2\xa9\xe2\x80\x8b";
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	size_t k, len, i;
	char *buf, *mit, *one;

	(void)state;
	for (k = 0; k < sizeof(nasty) / sizeof(nasty[0]); k++) {
		len = strlen(nasty[k]);
		one = malloc(len);
		assert_non_null(one);
		memcpy(one, nasty[k], len);	/* exactly len bytes */
		hammer(one, len);
		free(one);
	}
	one = calloc(1, 4096);
	assert_non_null(one);
	hammer(one, 4096);			/* NULs */
	free(one);

	buf = malloc(FUZZ_MAX_LEN);
	assert_non_null(buf);
	for (k = 0; k < FUZZ_ROUNDS; k++) {
		len = rnd(&seed) % FUZZ_MAX_LEN;
		for (i = 0; i < len; i++) {
			uint64_t r = rnd(&seed);

			/* mostly text-like bytes, some of anything */
			if (r % 4 == 0)
				buf[i] = (char)(r >> 8);
			else
				buf[i] = alphabet[(r >> 8) %
				    (sizeof(alphabet) - 1)];
		}
		hammer(buf, len);
	}
	free(buf);

	/* the MIT text with random bytes flipped, inserted or deleted */
	mit = mit_text();
	len = strlen(mit);
	buf = malloc(len + 8);
	assert_non_null(buf);
	for (k = 0; k < MUTATIONS; k++) {
		size_t at = rnd(&seed) % len, n = len;
		uint64_t r = rnd(&seed);

		memcpy(buf, mit, len);
		switch (r % 3) {
		case 0:
			buf[at] = (char)(r >> 8);
			break;
		case 1:
			memmove(buf + at + 1, buf + at, len - at);
			buf[at] = (char)(r >> 8);
			n++;
			break;
		default:
			memmove(buf + at, buf + at + 1, len - at - 1);
			n--;
			break;
		}
		hammer(buf, n);
	}
	free(buf);
	free(mit);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corpus),
		cmocka_unit_test(test_change_reported),
		cmocka_unit_test(test_word_inserted_exactly),
		cmocka_unit_test(test_no_changed_word_passes),
		cmocka_unit_test(test_template_variants),
		cmocka_unit_test(test_copyright_lines),
		cmocka_unit_test(test_normalise),
		cmocka_unit_test(test_equivalent_words),
		cmocka_unit_test(test_fingerprints),
		cmocka_unit_test(test_shipped_pins),
		cmocka_unit_test(test_diff),
		cmocka_unit_test(test_diff_bounded),
		cmocka_unit_test(test_known),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_hostile_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
