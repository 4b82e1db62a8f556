/*
 * test_inventory.c - the licenses one file carries (inventory.h): the four
 * DeepSeek trees' header lines (tests/trees, from the real repositories),
 * each comment style, SPDX tags and expressions, standard headers of other
 * licenses, near-misses of MIT, whole license files (Debian's
 * /usr/share/common-licenses), what is skipped, hostile bytes, and the
 * fingerprints pins are keyed by.
 *
 * Run from the top of the source tree (make unit), where tests/trees is.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "inventory.h"
#include "unit_util.h"

#define TREES	"tests/trees"

static const char MIT_BODY[] =
    "Permission is hereby granted, free of charge, to any person obtaining a copy\n"
    "of this software and associated documentation files (the \"Software\"), to deal\n"
    "in the Software without restriction, including without limitation the rights\n"
    "to use, copy, modify, merge, publish, distribute, sublicense, and/or sell\n"
    "copies of the Software, and to permit persons to whom the Software is\n"
    "furnished to do so, subject to the following conditions:\n"
    "\n"
    "The above copyright notice and this permission notice shall be included in all\n"
    "copies or substantial portions of the Software.\n"
    "\n"
    "THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR\n"
    "IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,\n"
    "FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE\n"
    "AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER\n"
    "LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,\n"
    "OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE\n"
    "SOFTWARE.\n";

static const char GPL3_HEADER[] =
    "Copyright (C) 2024 Someone\n"
    "\n"
    "This program is free software: you can redistribute it and/or modify\n"
    "it under the terms of the GNU General Public License as published by\n"
    "the Free Software Foundation, either version 3 of the License, or\n"
    "(at your option) any later version.\n"
    "\n"
    "This program is distributed in the hope that it will be useful,\n"
    "but WITHOUT ANY WARRANTY; without even the implied warranty of\n"
    "MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the\n"
    "GNU General Public License for more details.\n"
    "\n"
    "You should have received a copy of the GNU General Public License\n"
    "along with this program.  If not, see <https://www.gnu.org/licenses/>.\n";

/* text with each line behind prefix ("" lines get bare, trimmed prefix). */
static char *
commented(const char *text, const char *first, const char *prefix,
    const char *last)
{
	size_t cap = strlen(text) * 2 + strlen(first) + strlen(last) + 1024;
	char *out = calloc(1, cap), *o = out;
	const char *s = text;

	assert_non_null(out);
	o += sprintf(o, "%s", first);
	while (*s != '\0') {
		const char *nl = strchr(s, '\n');
		size_t n = nl != NULL ? (size_t)(nl - s) : strlen(s);
		if (n == 0) {
			size_t p = strlen(prefix);
			while (p > 0 && prefix[p - 1] == ' ')
				p--;
			o += sprintf(o, "%.*s\n", (int)p, prefix);
		} else {
			o += sprintf(o, "%s%.*s\n", prefix, (int)n, s);
		}
		s += n + (nl != NULL);
	}
	sprintf(o, "%s", last);
	return out;
}

/* Scans text as path; the caller frees *f. */
static void
scan(struct inv_file *f, const char *path, const char *text)
{
	assert_int_equal(inventory_scan(f, path, text, strlen(text),
	    strlen(text)), 0);
}

/* f's licenses, in order, joined by ", " ("" for none). */
static const char *
licenses(const struct inv_file *f)
{
	static char buf[512];

	buf[0] = '\0';
	for (size_t i = 0; i < f->n; i++)
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s",
		    i ? ", " : "", f->notices[i].license);
	return buf;
}

static void
expect(const char *path, const char *text, const char *want)
{
	struct inv_file f;

	scan(&f, path, text);
	if (strcmp(licenses(&f), want) != 0)
		fail_msg("%s: \"%s\", want \"%s\"", path, licenses(&f), want);
	assert_int_equal(f.kind, INV_TEXT);
	assert_int_equal(f.sha256[0] != '\0', f.n > 0);
	inventory_file_free(&f);
}

static char *
with_copyright(const char *body)
{
	char *s = malloc(strlen(body) + 64);

	assert_non_null(s);
	sprintf(s, "Copyright (c) 2023-2024 DeepSeek.\n\n%s", body);
	return s;
}

static void
test_comment_styles(void **state)
{
	char *mit = with_copyright(MIT_BODY);
	struct {
		const char *path, *first, *prefix, *last;
	} styles[] = {
		{ "a.py", "", "# ", "\nimport os\n" },
		{ "a.py", "#!/usr/bin/env python3\n# -*- coding: utf-8 -*-\n",
		    "# ", "import os\n" },
		{ "a.c", "/*\n", " * ", " */\n#include <stdio.h>\n" },
		{ "a.js", "/**\n", " * ", " */\n\n'use strict';\n" },
		{ "a.go", "", "// ", "\npackage main\n" },
		{ "a.lua", "", "-- ", "local x = 1\n" },
		{ "a.el", "", ";; ", "(provide 'a)\n" },
		{ "a.tex", "", "% ", "\\documentclass{article}\n" },
		{ "a.py", "\"\"\"\n", "", "\"\"\"\nimport os\n" },
		{ "a.py", "r'''", "", "'''\n" },
		{ "a.html", "<!--\n", "  ", "-->\n<html></html>\n" },
		{ "a.c", "/* ", "", "*/ int x;\n" },
		{ "a.R", "", "#' ", "f <- function() 1\n" },
		{ "a.css", "/*\n", "", "*/\nbody {}\n" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(styles) / sizeof(styles[0]); i++) {
		char *text = commented(mit, styles[i].first, styles[i].prefix,
		    styles[i].last);
		struct inv_file f;
		scan(&f, styles[i].path, text);
		if (strcmp(licenses(&f), "MIT") != 0)
			fail_msg("style %zu (%s): \"%s\"\n%s", i, styles[i].path,
			    licenses(&f), text);
		assert_string_equal(f.notices[0].evidence, "Permission is "
		    "hereby granted, free of charge, to any person obtaining "
		    "a copy");
		inventory_file_free(&f);
		free(text);
	}
	free(mit);
}

static void
test_other_headers(void **state)
{
	char *gpl = commented(GPL3_HEADER, "", "# ", "\nimport os\n");
	char *gplc = commented(GPL3_HEADER, "/*\n", " * ", " */\nint x;\n");
	char *apache = ut_read_file(TREES "/DeepSeek-VL2/head/deepseek_vl2/"
	    "models/modeling_deepseek.py", NULL);
	struct inv_file f;

	(void)state;
	expect("sub/dir/a.py", gpl, "GPL-3.0-or-later");
	expect("a.c", gplc, "GPL-3.0-or-later");
	scan(&f, "x.py", apache);
	assert_string_equal(licenses(&f), "Apache-2.0");
	assert_string_equal(f.notices[0].evidence, "Licensed under the Apache "
	    "License, Version 2.0 (the \"License\");");
	inventory_file_free(&f);
	/* MPL's one-paragraph header. */
	expect("a.js", "/* This Source Code Form is subject to the terms of "
	    "the Mozilla Public\n * License, v. 2.0. If a copy of the MPL was "
	    "not distributed with this\n * file, You can obtain one at "
	    "https://mozilla.org/MPL/2.0/. */\nvar x;\n", "MPL-2.0");
	free(gpl);
	free(gplc);
	free(apache);
}

static void
test_tags(void **state)
{
	struct inv_file f;

	(void)state;
	expect("a.c", "// SPDX-License-Identifier: MIT\nint x;\n", "MIT");
	expect("a.c", "/* SPDX-License-Identifier: GPL-2.0-only */\nint x;\n",
	    "GPL-2.0-only");
	expect("a.py", "#!/bin/sh\n# SPDX-License-Identifier: MIT OR "
	    "Apache-2.0\n", "MIT OR Apache-2.0");
	expect("a.html", "<!-- SPDX-License-Identifier: CC0-1.0 -->\n",
	    "CC0-1.0");
	/* Anywhere in the first bytes, not only in the leading comments. */
	expect("a.c", "#include <x.h>\n\n// SPDX-License-Identifier: "
	    "BSD-3-Clause\n", "BSD-3-Clause");
	/* Other conventions of the leading block. */
	expect("a.user.js", "// ==UserScript==\n// @name x\n// @license "
	    "GPL-3.0\n// ==/UserScript==\n", "GPL-3.0");
	expect("PKG-INFO", "# Metadata-Version: 2.1\n# License: BSD\n", "BSD");
	/* The same tag twice is one notice. */
	scan(&f, "a.c", "// SPDX-License-Identifier: MIT\n// SPDX-License-"
	    "Identifier: MIT\n");
	assert_int_equal(f.n, 1);
	inventory_file_free(&f);
	/* A word that is not a tag. */
	expect("a.c", "// this file has no licence tag here: none\nint x;\n",
	    "unknown");
	expect("a.c", "// just a comment\nint x;\n", "");
}

static void
test_expressions(void **state)
{
	static const struct {
		const char *expr;
		int mit;
	} cases[] = {
		{ "MIT", 1 }, { " MIT ", 1 }, { "Apache-2.0", 0 },
		{ "MIT OR Apache-2.0", 1 }, { "Apache-2.0 OR MIT", 1 },
		{ "MIT AND Apache-2.0", 0 }, { "MIT AND MIT", 1 },
		{ "(MIT OR GPL-2.0-only) AND MIT", 1 },
		{ "(MIT OR GPL-2.0-only) AND Apache-2.0", 0 },
		{ "MIT WITH Some-exception", 0 },
		{ "GPL-2.0-only WITH Classpath-exception-2.0 OR MIT", 1 },
		{ "mit", 1 }, { "MIT or Apache-2.0", 0 },
		{ "Apache-2.0 OR mit", 1 }, { "MIT and MIT", 0 },
		{ "AND", 0 }, { "OR", 0 }, { "WITH", 0 }, { "MIT OR OR", 0 },
		{ "MIT OR", 0 }, { "OR MIT", 0 }, { "(MIT", 0 },
		{ "MIT)", 0 }, { "", 0 }, { "MIT garbage", 0 },
		{ "((((((((((((((((((((((((((((((((((((MIT))))))))))))))))))))"
		  "))))))))))))))))", 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (inventory_allows(cases[i].expr, "MIT") != cases[i].mit)
			fail_msg("\"%s\": %d", cases[i].expr, !cases[i].mit);
	assert_false(inventory_allows(NULL, "MIT"));
}

static void
test_near_misses(void **state)
{
	char *body = with_copyright(MIT_BODY), *text, *mod;
	struct inv_file f;

	(void)state;
	/* A restriction added after the MIT text. */
	mod = malloc(strlen(body) + 128);
	assert_non_null(mod);
	sprintf(mod, "%s\nThe Software shall not be used for military "
	    "purposes.\n", body);
	text = commented(mod, "", "# ", "import os\n");
	scan(&f, "a.py", text);
	assert_string_equal(licenses(&f), "unknown");
	inventory_file_free(&f);
	free(text);
	/* A word changed inside. */
	strcpy(mod, body);
	memcpy(strstr(mod, "without restriction"), "with    restriction", 19);
	text = commented(mod, "/*\n", " * ", " */\n");
	expect("a.c", text, "unknown");
	free(text);
	/* GPL's header with "version 3" changed to "version 2": not GPL-3.0. */
	strcpy(mod, GPL3_HEADER);
	strstr(mod, "version 3")[8] = '2';
	text = commented(mod, "", "# ", "\n");
	expect("a.py", text, "unknown");
	free(text);
	free(mod);
	free(body);
}

static void
test_license_files(void **state)
{
	static const struct {
		const char *file, *as, *want;
	} cases[] = {
		{ "/usr/share/common-licenses/Apache-2.0", "LICENSE",
		    "Apache-2.0" },
		{ "/usr/share/common-licenses/GPL-3", "COPYING",
		    "GPL-3.0-only" },
		{ "/usr/share/common-licenses/GPL-2", "sub/COPYING.txt",
		    "GPL-2.0-only" },
		{ "/usr/share/common-licenses/LGPL-2.1", "COPYING.LESSER",
		    "LGPL-2.1-only" },
		{ "/usr/share/common-licenses/MPL-2.0", "licence.md",
		    "MPL-2.0" },
		{ "/usr/share/common-licenses/CC0-1.0", "LICENSE", "CC0-1.0" },
		{ "/usr/share/common-licenses/BSD", "License.bsd",
		    "BSD-3-Clause" },
		{ "tests/licenses/ok-deepseek-r1-LICENSE.txt", "LICENSE", "MIT" },
		{ "tests/licenses/ok-janus-LICENSE-CODE.txt",
		    "a/b/c/LICENSE-CODE", "MIT" },
	};
	struct inv_file f;
	size_t len;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *text = ut_read_file(cases[i].file, &len);
		if (text == NULL) {
			fail_msg("cannot read %s", cases[i].file);
			continue;
		}
		assert_int_equal(inventory_scan(&f, cases[i].as, text, len,
		    len), 0);
		assert_true(f.license_file);
		if (strcmp(licenses(&f), cases[i].want) != 0)
			fail_msg("%s as %s: \"%s\"", cases[i].file, cases[i].as,
			    licenses(&f));
		inventory_file_free(&f);
		/* Only a part read: not classified as a whole. */
		assert_int_equal(inventory_scan(&f, cases[i].as, text, len / 2,
		    len), 0);
		assert_string_equal(licenses(&f), "unknown");
		inventory_file_free(&f);
		free(text);
	}
	/* A text of no list: unknown, with its first line as evidence. */
	scan(&f, "LICENSE-MODEL", "DEEPSEEK LICENSE AGREEMENT\n\nVersion 1.0\n");
	assert_string_equal(licenses(&f), "unknown");
	assert_string_equal(f.notices[0].evidence, "DEEPSEEK LICENSE AGREEMENT");
	inventory_file_free(&f);
	assert_true(inventory_is_license_name("a/LICENSE"));
	assert_true(inventory_is_license_name("Copying"));
	assert_true(inventory_is_license_name("x/NOTICE.txt"));
	assert_true(inventory_is_license_name("UNLICENSE"));
	assert_true(inventory_is_license_name("Licence-MIT"));
	assert_true(inventory_is_license_name("LICENSE-CODE"));
	assert_true(inventory_is_license_name("COPYING.LESSER"));
	assert_false(inventory_is_license_name("license/main.c"));
	assert_false(inventory_is_license_name("src/licensing.c"));
	assert_false(inventory_is_license_name("tools/license_check.py"));
	assert_false(inventory_is_license_name("licenses.json"));
	assert_false(inventory_is_license_name("README"));
}

static void
test_skipped(void **state)
{
	static char big[INV_HEAD_MAX * 2];
	struct inv_file f;

	(void)state;
	assert_int_equal(inventory_scan(&f, "a.bin", "PK\0\3", 4, 4), 0);
	assert_int_equal(f.kind, INV_BINARY);
	assert_int_equal(f.n, 0);
	inventory_file_free(&f);
	assert_int_equal(inventory_scan(&f, "a.py", "# MIT", 5,
	    INV_FILE_MAX + 1), 0);
	assert_int_equal(f.kind, INV_LARGE);
	inventory_file_free(&f);
	scan(&f, "js/jquery.min.js", "/*! SPDX-License-Identifier: MIT */");
	assert_int_equal(f.kind, INV_MINIFIED);
	inventory_file_free(&f);
	memset(big, 'x', sizeof(big) - 1);
	scan(&f, "bundle.js", big);
	assert_int_equal(f.kind, INV_MINIFIED);
	inventory_file_free(&f);
	/* A long line in a Python file is only a long line. */
	scan(&f, "data.py", big);
	assert_int_equal(f.kind, INV_TEXT);
	inventory_file_free(&f);
	/* A NUL past the first INV_HEAD_MAX bytes is not looked for. */
	memset(big, '\n', sizeof(big));
	big[sizeof(big) - 2] = '\0';
	assert_int_equal(inventory_scan(&f, "a.txt", big, sizeof(big),
	    sizeof(big)), 0);
	assert_int_equal(f.kind, INV_TEXT);
	inventory_file_free(&f);
}

static void
test_hostile(void **state)
{
	static char buf[INV_HEAD_MAX + 64];
	static const char *const texts[] = {
		"/* never closed\n * Licensed under \xff\xfe\xc0\x80 terms\n",
		"\"\"\"", "#", "/*", "/**/", "<!--", "r'''", "\n\n\n",
		"// SPDX-License-Identifier:", "// SPDX-License-Identifier: \n",
		"# @license", "# License:", "#!", "\xef\xbb\xbf# SPDX-License-"
		"Identifier: MIT\n",
	};
	struct inv_file f;

	(void)state;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		scan(&f, "x.c", texts[i]);
		inventory_file_free(&f);
	}
	/* Not NUL-terminated: nothing past len is read (ASan's view). */
	for (size_t len = 0; len < 40; len++) {
		char *p = malloc(len + 1);
		assert_non_null(p);
		memcpy(p, "// SPDX-License-Identifier: MIT OR X\n/*", len);
		assert_int_equal(inventory_scan(&f, "x.c", p, len, len), 0);
		inventory_file_free(&f);
		free(p);
	}
	/* Paragraph after paragraph of license words: bounded. */
	for (size_t i = 0; i + 20 < sizeof(buf); i += 20)
		memcpy(buf + i, "# license words\n\n\n\n", 20);
	assert_int_equal(inventory_scan(&f, "x.py", buf, sizeof(buf),
	    sizeof(buf)), 0);
	assert_true(f.n <= INV_NOTICES_MAX);
	inventory_file_free(&f);
	/* Many distinct tags: at most INV_NOTICES_MAX, and said so. */
	buf[0] = '\0';
	for (int i = 0; i < 20; i++)
		sprintf(buf + strlen(buf), "// SPDX-License-Identifier: L-%d\n",
		    i);
	scan(&f, "x.c", buf);
	assert_int_equal(f.n, INV_NOTICES_MAX);
	assert_true(f.more);
	inventory_file_free(&f);
	/* A tag's value and evidence are bounded and printable. */
	memset(buf, 'A', sizeof(buf));
	memcpy(buf, "// @license \x01\x1b[31m", 19);
	buf[sizeof(buf) - 1] = '\0';
	scan(&f, "x.c", buf);
	assert_int_equal(f.n, 1);
	assert_true(strlen(f.notices[0].evidence) <= INV_EVIDENCE_MAX);
	for (const char *p = f.notices[0].evidence; *p; p++)
		assert_true(*p >= 0x20 && *p < 0x7f);
	inventory_file_free(&f);
}

/* The trees of the four repos: what their files carry. */
static void
test_real_trees(void **state)
{
	static const struct {
		const char *repo;
		int mit, other;
	} repos[] = {
		{ "DeepSeek-R1", 0, 0 }, { "DeepSeek-V3", 0, 0 },
		{ "DeepSeek-VL2", 15, 2 }, { "Janus", 22, 0 },
	};
	char cmd[256];

	(void)state;
	for (size_t r = 0; r < sizeof(repos) / sizeof(repos[0]); r++) {
		char line[1024];
		int mit = 0, other = 0;
		FILE *p;
		snprintf(cmd, sizeof(cmd), "cd " TREES "/%s/head && find . "
		    "-type f | sort", repos[r].repo);
		assert_non_null(p = popen(cmd, "r"));
		while (fgets(line, sizeof(line), p) != NULL) {
			char path[1200];
			struct inv_file f;
			size_t len;
			char *text;
			line[strcspn(line, "\n")] = '\0';
			snprintf(path, sizeof(path), TREES "/%s/head/%s",
			    repos[r].repo, line + 2);
			assert_non_null(text = ut_read_file(path, &len));
			assert_int_equal(inventory_scan(&f, line + 2, text, len,
			    len), 0);
			for (size_t i = 0; i < f.n; i++) {
				if (strcmp(f.notices[i].license, "MIT") == 0)
					mit++;
				else
					other++;
			}
			if (strcmp(line, "./deepseek_vl2/models/"
			    "modeling_deepseek.py") == 0)
				assert_string_equal(licenses(&f), "Apache-2.0");
			if (strcmp(line, "./deepseek_vl2/serve/assets/"
			    "Kelpy-Codos.js") == 0) {
				assert_string_equal(licenses(&f),
				    "MIT, GPL-3.0");
				assert_string_equal(f.notices[1].evidence,
				    "@license GPL-3.0");
			}
			inventory_file_free(&f);
			free(text);
		}
		pclose(p);
		if (mit != repos[r].mit || other != repos[r].other)
			fail_msg("%s: %d MIT, %d other; want %d, %d",
			    repos[r].repo, mit, other, repos[r].mit,
			    repos[r].other);
	}
}

static void
test_fingerprints(void **state)
{
	char *mit = with_copyright(MIT_BODY);
	char *a = commented(mit, "", "# ", "\nimport os\n");
	char *b = commented(mit, "", "# ", "\nimport sys\nx = 1\n");
	char *c = commented(mit, "", "#    ", "\nimport os\n");
	char *d;
	struct inv_file fa, fb, fc, fd;

	(void)state;
	mit[10] = '5';	/* another year */
	d = commented(mit, "", "# ", "\nimport os\n");
	scan(&fa, "a.py", a);
	scan(&fb, "a.py", b);
	scan(&fc, "a.py", c);
	scan(&fd, "a.py", d);
	/* The code below the notice, or its margins, do not change it. */
	assert_string_equal(fa.sha256, fb.sha256);
	assert_string_equal(fa.sha256, fc.sha256);
	/* The notice's words do. */
	assert_string_not_equal(fa.sha256, fd.sha256);
	assert_int_equal(strlen(fa.sha256), LICENSE_SHA256_HEX);
	inventory_file_free(&fa);
	inventory_file_free(&fb);
	inventory_file_free(&fc);
	inventory_file_free(&fd);
	free(a);
	free(b);
	free(c);
	free(d);
	free(mit);
	assert_non_null(license_data_version());
	assert_string_not_equal(license_data_version(), "unavailable");
}

/* What the review of the first version found (each failed then). */
static void
test_review_cases(void **state)
{
	char *mit = with_copyright(MIT_BODY);
	char *c = commented(mit, "/*\n", " * ", " */\n#include \"license.h\"\n"
	    "#define LICENSE_H 1\n");
	struct inv_file f;

	(void)state;
	/* A tag in invalid UTF-8 is still a license, printable. */
	scan(&f, "a.py", "# SPDX-License-Identifier: GPL-3.0-only \xe9\n");
	assert_int_equal(f.n, 1);
	assert_string_equal(f.notices[0].license, "GPL-3.0-only ?");
	inventory_file_free(&f);
	/* A tag's tab or quote never reaches mirrors.json as such. */
	scan(&f, "a.py", "# License: Foo\t(see \"NOTES\")\n");
	assert_string_equal(f.notices[0].license, "Foo (see ?NOTES?)");
	inventory_file_free(&f);
	/* "none" is SPDX's NONE, not the count of files without notice. */
	scan(&f, "a.py", "# SPDX-License-Identifier: none\n");
	assert_string_equal(f.notices[0].license, "NONE");
	inventory_file_free(&f);
	/* The preprocessor is code, not a comment. */
	expect("a.c", c, "MIT");
	expect("a.h", "#ifndef A_H\n#define A_H /* the license */\n", "");
	/* A banner's closing star-slash closes it. */
	expect("a.c", "/****/\nint license_count;\n/* licensed */\n", "");
	expect("a.c", "/**/\nint x; // license\n", "");
	/* The memo: a tagged paragraph after an untagged one of its words. */
	inventory_forget();
	expect("a.py", "# This file's license is below.\nx = 1\n", "unknown");
	expect("b.py", "# This file's license is below.\n# SPDX-License-"
	    "Identifier: MIT\nx = 1\n", "MIT");
	inventory_forget();
	expect("b.py", "# This file's license is below.\n# SPDX-License-"
	    "Identifier: MIT\nx = 1\n", "MIT");
	expect("a.py", "# This file's license is below.\nx = 1\n", "unknown");
	/* Path classes: a copy under another kind of name scans otherwise. */
	assert_int_not_equal(inventory_path_class("a.js"),
	    inventory_path_class("a.min.js"));
	assert_int_not_equal(inventory_path_class("x/COPYING"),
	    inventory_path_class("x/copy.txt"));
	assert_int_equal(inventory_path_class("a.py"),
	    inventory_path_class("b/c.py"));
	free(c);
	free(mit);
	inventory_forget();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_comment_styles),
		cmocka_unit_test(test_other_headers),
		cmocka_unit_test(test_tags),
		cmocka_unit_test(test_expressions),
		cmocka_unit_test(test_near_misses),
		cmocka_unit_test(test_license_files),
		cmocka_unit_test(test_skipped),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_real_trees),
		cmocka_unit_test(test_fingerprints),
		cmocka_unit_test(test_review_cases),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
