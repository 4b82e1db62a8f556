/*
 * test_config.c - the mirrors.json loader: every rejection names the file,
 * line, column and key path; good configurations load as written.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"
#include "url.h"

#define REPO(extra) "{\"version\": 1, \"repos\": [{\"name\": \"r\", " \
	"\"url\": \"https://example.org/r.git\"" extra "}]}"

struct bad_case {
	const char *what;
	const char *text;
	const char *expect;	/* must appear in the message */
};

static const struct bad_case bad_cases[] = {
	{ "syntax error", "{\"version\": 1,\n \"repos\": [}",
	    "m.json:2:12: invalid JSON" },
	{ "not an object", "[]", "m.json:1:1: (top level): must be an object" },
	{ "missing version", "{\"repos\": []}", "missing required key \"version\"" },
	{ "version as string", "{\"version\": \"1\", \"repos\": []}",
	    "m.json:1:13: version: must be an integer, not a string" },
	{ "version 2", "{\"version\": 2, \"repos\": []}",
	    "version: version 2 is not supported" },
	{ "unknown top key", "{\"version\": 1, \"repos\": [],\n \"rot\": 1}",
	    "m.json:2:2: rot: unknown key \"rot\"" },
	{ "missing repos", "{\"version\": 1}", "missing required key \"repos\"" },
	{ "repos object", "{\"version\": 1, \"repos\": {}}",
	    "repos: must be an array, not an object" },
	{ "repo not object", "{\"version\": 1, \"repos\": [1]}",
	    "repos[0]: must be an object, not an integer" },
	{ "unknown repo key",
	    "{\"version\": 1, \"repos\": [{\"name\": \"r\",\n"
	    "  \"urll\": \"https://x/r\"}]}",
	    "m.json:2:3: repos[0].urll: unknown key \"urll\"" },
	{ "missing url", "{\"version\": 1, \"repos\": [{\"name\": \"r\"}]}",
	    "repos[0]: missing required key \"url\"" },
	{ "url not string", REPO(", \"github\": 5"),
	    "repos[0].github: must be a string, not an integer" },
	{ "ftp url", "{\"version\": 1, \"repos\": [{\"name\": \"r\", "
	    "\"url\": \"ftp://x/r\"}]}", "repos[0].url: \"ftp://x/r\" is not "
	    "a supported URL" },
	{ "plain http off loopback", "{\"version\": 1, \"repos\": [{\"name\": "
	    "\"r\", \"url\": \"http://example.org/r\"}]}",
	    "repos[0].url: \"http://example.org/r\" uses plain http" },
	{ "relative file url", "{\"version\": 1, \"repos\": [{\"name\": \"r\", "
	    "\"url\": \"file://r\"}]}", "must be an absolute file:///path" },
	{ "name with slash", "{\"version\": 1, \"repos\": [{\"name\": \"a/b\", "
	    "\"url\": \"https://x/r\"}]}", "repos[0].name: \"a/b\" is not a "
	    "valid name" },
	{ "name dotdot", "{\"version\": 1, \"repos\": [{\"name\": \"..\", "
	    "\"url\": \"https://x/r\"}]}", "repos[0].name: \"..\" is not" },
	{ "name parent path", "{\"version\": 1, \"repos\": [{\"name\": "
	    "\"../x\", \"url\": \"https://x/r\"}]}", "\"../x\" is not a valid" },
	{ "hidden name", "{\"version\": 1, \"repos\": [{\"name\": \".h\", "
	    "\"url\": \"https://x/r\"}]}", "\".h\" is not a valid name" },
	{ "empty name", "{\"version\": 1, \"repos\": [{\"name\": \"\", "
	    "\"url\": \"https://x/r\"}]}", "\"\" is not a valid name" },
	{ "duplicate names",
	    "{\"version\": 1, \"repos\": [\n"
	    "  {\"name\": \"r\", \"url\": \"https://x/r\"},\n"
	    "  {\"name\": \"r\", \"url\": \"https://x/s\"}]}",
	    "m.json:3:12: repos[1].name: \"r\" is already the name of "
	    "repos[0]" },
	{ "duplicate key", "{\"version\": 1, \"version\": 1, \"repos\": []}",
	    "invalid JSON: duplicate object key" },
	{ "bad github", REPO(", \"github\": \"nobody\""),
	    "repos[0].github: \"nobody\" is not of the form" },
	{ "bad branch", REPO(", \"branch\": \"a..b\""),
	    "repos[0].branch: \"a..b\" is not a valid branch name" },
	{ "refs not array", REPO(", \"refs\": \"refs/heads/*\""),
	    "repos[0].refs: must be an array, not a string" },
	{ "empty refs", REPO(", \"refs\": []"),
	    "repos[0].refs: must name at least one ref pattern" },
	{ "bad ref pattern", REPO(", \"refs\": [\"heads/*\"]"),
	    "repos[0].refs[0]: \"heads/*\" is not a valid ref pattern" },
	{ "glob inside", REPO(", \"refs\": [\"refs/*/x\"]"),
	    "repos[0].refs[0]: \"refs/*/x\" may only end in" },
	{ "own namespace", REPO(", \"refs\": [\"refs/dsmirror/*\"]"),
	    "covers refs/dsmirror/, dsmirror's own namespace" },
	{ "every ref", REPO(", \"refs\": [\"refs/*\"]"),
	    "repos[0].refs[0]: \"refs/*\" covers refs/dsmirror/" },
	{ "inventory not bool", REPO(", \"inventory\": 1"),
	    "repos[0].inventory: must be true or false, not" },
	{ "code_license not string", REPO(", \"code_license\": 1"),
	    "repos[0].code_license: must be a string" },
	{ "code_license quote", REPO(", \"code_license\": \"M\\\"IT\""),
	    "repos[0].code_license: \"M\"IT\" is not a license name" },
	{ "accepted not array", REPO(", \"accepted\": {}"),
	    "repos[0].accepted: must be an array" },
	{ "accepted no sha256",
	    REPO(", \"accepted\": [{\"path\": \"a.py\", \"license\": \"X\"}]"),
	    "repos[0].accepted[0]: missing required key \"sha256\"" },
	{ "accepted bad sha256",
	    REPO(", \"accepted\": [{\"path\": \"a.py\", \"license\": \"X\", "
	    "\"sha256\": \"abc\"}]"),
	    "repos[0].accepted[0].sha256: \"abc\" is not a SHA-256" },
	{ "accepted path ..",
	    REPO(", \"accepted\": [{\"path\": \"../a.py\", \"license\": \"X\", "
	    "\"sha256\": \"" "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" "\"}]"),
	    "repos[0].accepted[0].path: \"../a.py\" is not a relative path" },
	{ "accepted unknown key",
	    REPO(", \"accepted\": [{\"path\": \"a.py\", \"licence\": \"X\"}]"),
	    "repos[0].accepted[0].licence: unknown key \"licence\"" },
	{ "licenses object", REPO(", \"licenses\": {}"),
	    "repos[0].licenses: must be an array" },
	{ "unknown license key",
	    REPO(", \"licenses\": [{\"path\": \"LICENSE\", \"sdpx\": \"MIT\"}]"),
	    "repos[0].licenses[0].sdpx: unknown key \"sdpx\"" },
	{ "license path missing", REPO(", \"licenses\": [{\"spdx\": \"MIT\"}]"),
	    "repos[0].licenses[0]: missing required key \"path\"" },
	{ "license path escapes",
	    REPO(", \"licenses\": [{\"path\": \"../LICENSE\"}]"),
	    "repos[0].licenses[0].path: \"../LICENSE\" is not a relative path" },
	{ "absolute license path",
	    REPO(", \"licenses\": [{\"path\": \"/etc/passwd\"}]"),
	    "\"/etc/passwd\" is not a relative path" },
	{ "unknown spdx",
	    REPO(", \"licenses\": [{\"path\": \"L\", \"spdx\": \"GPL-9\"}]"),
	    "repos[0].licenses[0].spdx: \"GPL-9\" is not a license dsmirror" },
	{ "bad sha256",
	    REPO(", \"licenses\": [{\"path\": \"L\", \"sha256\": \"abc\"}]"),
	    "repos[0].licenses[0].sha256: \"abc\" is not a SHA-256" },
	{ "license listed twice", REPO(", \"licenses\": [{\"path\": \"L\"}, "
	    "{\"path\": \"L\"}]"), "repos[0].licenses[1].path: \"L\" is listed "
	    "twice" },
	{ "api plain http", "{\"version\": 1, \"api\": \"http://api.x\", "
	    "\"repos\": []}", "api: \"http://api.x\" is not an https:// URL" },
	{ "api with a user", "{\"version\": 1, \"api\": \"https://u:p@api.x\", "
	    "\"repos\": []}", "api: \"https://u:p@api.x\" must not hold a user "
	    "name or password (the token comes from GITHUB_TOKEN)" },
	/* url.h's rules for the authority of git URLs and of the api. */
	{ "loopback as a user name", "{\"version\": 1, \"repos\": [{\"name\": "
	    "\"r\", \"url\": \"http://localhost:80@evil.com/r\"}]}",
	    "repos[0].url: \"http://localhost:80@evil.com/r\" uses plain http" },
	{ "loopback address as a user name", "{\"version\": 1, \"repos\": "
	    "[{\"name\": \"r\", \"url\": \"http://127.0.0.1@evil.com/r\"}]}",
	    "\"http://127.0.0.1@evil.com/r\" uses plain http" },
	{ "credentials over plain http", "{\"version\": 1, \"repos\": "
	    "[{\"name\": \"r\", \"url\": \"http://u:p@127.0.0.1/r\"}]}",
	    "\"http://u:p@127.0.0.1/r\" uses plain http" },
	{ "loopback with a trailing dot", "{\"version\": 1, \"repos\": "
	    "[{\"name\": \"r\", \"url\": \"http://localhost./r\"}]}",
	    "uses plain http" },
	{ "url port too large", "{\"version\": 1, \"repos\": [{\"name\": "
	    "\"r\", \"url\": \"https://x:99999/r\"}]}", "repos[0].url: "
	    "\"https://x:99999/r\" has a port that is not a number from 0 to "
	    "65535" },
	{ "loopback port not a number", "{\"version\": 1, \"repos\": "
	    "[{\"name\": \"r\", \"url\": \"http://127.0.0.1:x/r\"}]}",
	    "has a port that is not a number" },
	{ "url two at signs", "{\"version\": 1, \"repos\": [{\"name\": "
	    "\"r\", \"url\": \"ssh://a@b@host/r\"}]}",
	    "\"ssh://a@b@host/r\" holds more than one '@'" },
	{ "url percent-encoded host", "{\"version\": 1, \"repos\": "
	    "[{\"name\": \"r\", \"url\": \"https://%65vil.com/r\"}]}",
	    "\"https://%65vil.com/r\" has a host that is neither a name" },
	{ "ssh url without host", "{\"version\": 1, \"repos\": [{\"name\": "
	    "\"r\", \"url\": \"ssh:///r\"}]}", "\"ssh:///r\" has no host" },
	{ "api without host", "{\"version\": 1, \"api\": \"https:///x\", "
	    "\"repos\": []}", "api: \"https:///x\" has no host" },
	{ "api port not a number", "{\"version\": 1, \"api\": "
	    "\"https://api.x:44x\", \"repos\": []}", "api: \"https://api.x:44x\" "
	    "has a port that is not a number" },
	{ "api on loopback as a user name", "{\"version\": 1, \"api\": "
	    "\"http://localhost:80@evil.com\", \"repos\": []}", "api: "
	    "\"http://localhost:80@evil.com\" must not hold a user name" },
	{ "api ftp", "{\"version\": 1, \"api\": \"ftp://api.x\", "
	    "\"repos\": []}", "api: \"ftp://api.x\" is not an https:// URL" },
	{ "api loopback IPv4 shorthand", "{\"version\": 1, \"api\": "
	    "\"http://127.1\", \"repos\": []}", "api: \"http://127.1\" is not "
	    "an https:// URL" },
	{ "empty root", "{\"version\": 1, \"root\": \"\", \"repos\": []}",
	    "root: must be a non-empty path" },
	{ "control character in name", "{\"version\": 1, \"repos\": "
	    "[{\"name\": \"a\\u001b[31m\", \"url\": \"https://x/r\"}]}",
	    "\"a?[31m\" is not a valid name" },
	{ "nul in url", "{\"version\": 1, \"repos\": [{\"name\": \"r\", "
	    "\"url\": \"https://x/\\u0000r\"}]}", "m.json:1:65: invalid JSON" },
	/* fuzz_config: the key path was printed with its control characters */
	{ "control characters in a key", "{\"version\": 1, \"repos\": [], "
	    "\"\\u001b[2J\": 1}", "m.json:1:29: ?[2J: unknown key \"?[2J\"" },
	{ "control characters in a nested key", REPO(", \"\\u009b2J\": 1"),
	    "repos[0].??2J: unknown key" },
};

static void
test_rejects(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct config *cfg = (struct config *)1;
		struct dsm_error *err;

		err = config_parse(&cfg, "m.json", c->text, strlen(c->text));
		if (err == NULL)
			fail_msg("%s: accepted", c->what);
		assert_null(cfg);
		assert_int_equal(err->kind, DSM_ERR_USAGE);
		if (strstr(err->msg, c->expect) == NULL)
			fail_msg("%s: message \"%s\" lacks \"%s\"", c->what,
			    err->msg, c->expect);
		dsm_error_free(err);
	}
}

/*
 * A long value is cut on a character boundary (fuzz_config): the message
 * was cut by vsnprintf() in the middle of a 3-byte character.
 */
static void
test_long_message(void **state)
{
	static const char euro[] = "\xe2\x82\xac";
	char text[4096], *p = text;
	struct config *cfg = NULL;
	struct dsm_error *err;
	size_t len;

	(void)state;
	p += snprintf(p, sizeof(text), "{\"version\": 1, \"repos\": "
	    "[{\"name\": \"r\", \"url\": \"ftp://");
	for (int i = 0; i < 600; i++)
		p += snprintf(p, sizeof(text) - (size_t)(p - text), "%s", euro);
	snprintf(p, sizeof(text) - (size_t)(p - text), "\"}]}");
	err = config_parse(&cfg, "m.json", text, strlen(text));
	assert_non_null(err);
	assert_non_null(strstr(err->msg, "repos[0].url: \"ftp://"));
	len = strlen(err->msg);
	/* whole characters: the message ends with a whole euro sign */
	assert_true(len > 3);
	assert_memory_equal(err->msg + len - 3, euro, 3);
	dsm_error_free(err);
}

static struct config *
parse_ok(const char *path, const char *text)
{
	struct config *cfg = NULL;
	struct dsm_error *err = config_parse(&cfg, path, text, strlen(text));

	if (err != NULL)
		fail_msg("rejected: %s", err->msg);
	assert_non_null(cfg);
	return cfg;
}

static void
test_full_repo(void **state)
{
	struct config *cfg;
	const struct repo_spec *r;

	(void)state;
	cfg = parse_ok("/srv/dsm/mirrors.json",
	    "{\"version\": 1, \"root\": \"m\", \"api\": \"https://ghe.example/api/v3/\","
	    " \"repos\": [{\"name\": \"DeepSeek-V3\","
	    " \"url\": \"https://github.com/deepseek-ai/DeepSeek-V3.git\","
	    " \"github\": \"deepseek-ai/DeepSeek-V3\", \"branch\": \"main\","
	    " \"refs\": [\"refs/heads/*\", \"refs/pull/*\"],"
	    " \"licenses\": [{\"path\": \"LICENSE-CODE\", \"spdx\": \"MIT\"},"
	    " {\"path\": \"LICENSE-MODEL\", \"sha256\": "
	    "\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"}]}"
	    "]}");
	assert_string_equal(cfg->root, "/srv/dsm/m");
	assert_string_equal(cfg->api, "https://ghe.example/api/v3");
	assert_int_equal(cfg->nrepos, 1);
	r = config_find(cfg, "DeepSeek-V3");
	assert_non_null(r);
	assert_null(config_find(cfg, "DeepSeek-R1"));
	assert_string_equal(r->github, "deepseek-ai/DeepSeek-V3");
	assert_string_equal(r->branch, "main");
	assert_int_equal(r->nrefs, 2);
	assert_string_equal(r->refs[1], "refs/pull/*");
	assert_int_equal(r->nlicenses, 2);
	assert_string_equal(r->licenses[0].spdx, "MIT");
	assert_null(r->licenses[0].sha256);
	assert_null(r->licenses[1].spdx);
	assert_int_equal(strlen(r->licenses[1].sha256), 64);
	config_free(cfg);
}

static void
test_defaults(void **state)
{
	struct config *cfg;

	(void)state;
	cfg = parse_ok("mirrors.json", "{\"version\": 1, \"repos\": ["
	    "{\"name\": \"a\", \"url\": \"git@github.com:o/a.git\"},"
	    "{\"name\": \"b\", \"url\": \"http://127.0.0.1:8080/b.git\"},"
	    "{\"name\": \"c\", \"url\": \"file:///srv/c.git\"},"
	    "{\"name\": \"d_1.x-y\", \"url\": \"ssh://git@host/d.git\"}]}");
	assert_string_equal(cfg->root, "mirrors");
	assert_string_equal(cfg->api, "https://api.github.com");
	assert_int_equal(cfg->nrepos, 4);
	assert_int_equal(cfg->repos[0].nrefs, 2);
	assert_string_equal(cfg->repos[0].refs[0], "refs/heads/*");
	assert_string_equal(cfg->repos[0].refs[1], "refs/tags/*");
	assert_null(cfg->repos[0].github);
	assert_int_equal(cfg->repos[0].nlicenses, 0);
	/* The inventory: on, no code license without a license file. */
	assert_true(cfg->repos[0].inventory);
	assert_null(cfg->repos[0].code_license);
	assert_int_equal(cfg->repos[0].naccepted, 0);
	config_free(cfg);

	/* code_license: the first spdx, or as given; accepted[] read. */
	cfg = parse_ok("m.json", "{\"version\": 1, \"repos\": ["
	    "{\"name\": \"a\", \"url\": \"file:///a.git\", \"licenses\": ["
	    "{\"path\": \"LICENSE-MODEL\"}, {\"path\": \"LICENSE-CODE\", "
	    "\"spdx\": \"MIT\"}]},"
	    "{\"name\": \"b\", \"url\": \"file:///b.git\", \"code_license\": "
	    "\"Apache-2.0\", \"inventory\": false, \"accepted\": [{\"path\": "
	    "\"x/y.py\", \"license\": \"MIT, GPL-3.0\", \"sha256\": \""
	    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	    "\"}]}]}");
	assert_string_equal(cfg->repos[0].code_license, "MIT");
	assert_string_equal(cfg->repos[1].code_license, "Apache-2.0");
	assert_false(cfg->repos[1].inventory);
	assert_int_equal(cfg->repos[1].naccepted, 1);
	assert_string_equal(cfg->repos[1].accepted[0].path, "x/y.py");
	assert_string_equal(cfg->repos[1].accepted[0].license, "MIT, GPL-3.0");
	config_free(cfg);

	cfg = parse_ok("conf/m.json", "{\"version\": 1, \"root\": \"/abs\", "
	    "\"repos\": []}");
	assert_string_equal(cfg->root, "/abs");
	config_free(cfg);
	cfg = parse_ok("conf/m.json", "{\"version\": 1, \"repos\": []}");
	assert_string_equal(cfg->root, "conf/mirrors");
	config_free(cfg);
	/* fuzz_config: "//" at the end left one '/', against config.h */
	cfg = parse_ok("m.json", "{\"version\": 1, \"api\": "
	    "\"https://api.github.com//\", \"repos\": []}");
	assert_string_equal(cfg->api, "https://api.github.com");
	config_free(cfg);
	cfg = parse_ok("m.json", "{\"version\": 1, \"api\": "
	    "\"http://localhost/\", \"repos\": []}");
	assert_string_equal(cfg->api, "http://localhost");
	config_free(cfg);
}

/*
 * The api loads exactly when http.c would ask it: both are url_allowed().
 * Before url.c, "HTTPS://" was refused here and "https://x:bad" or
 * "http://localhost:80@evil" loaded, to be refused at every request.
 */
static void
test_api_is_what_http_asks(void **state)
{
	static const char *const apis[] = { "https://api.github.com",
	    "HTTPS://API.GitHub.com", "https://ghe.example/api/v3",
	    "https://127.0.0.1:9", "https://[::1]:8443", "http://127.0.0.1:9",
	    "http://localhost", "http://[::1]:1", "http://[0:0::1]",
	    "http://api.x", "http://127.1", "http://localhost.",
	    "http://localhost:80@evil.com", "https://u:p@api.x",
	    "https://@api.x", "https://x:bad", "https://x:65536",
	    "https:///x", "https:/x", "https://%61pi.x", "https://a@b@c",
	    "ftp://x", "file:///etc", "x", "" };
	char text[512];

	(void)state;
	for (size_t i = 0; i < sizeof(apis) / sizeof(apis[0]); i++) {
		struct config *cfg = NULL;
		struct dsm_error *err;

		snprintf(text, sizeof(text), "{\"version\": 1, \"api\": "
		    "\"%s\", \"repos\": []}", apis[i]);
		err = config_parse(&cfg, "m.json", text, strlen(text));
		if ((err == NULL) != url_allowed(apis[i]))
			fail_msg("\"%s\": %s by config, %s by url_allowed",
			    apis[i], err == NULL ? "loaded" : err->msg,
			    url_allowed(apis[i]) ? "allowed" : "refused");
		dsm_error_free(err);
		config_free(cfg);
	}
}

static void
test_names(void **state)
{
	static const char *const good[] = { "a", "DeepSeek-V3", "x.y_z-1",
	    "a..b", NULL };
	static const char *const bad[] = { "", ".", "..", ".git", "a/b", "/a",
	    "a b", "a\\b", "é", NULL };

	(void)state;
	for (const char *const *n = good; *n != NULL; n++)
		assert_true(config_name_is_valid(*n));
	for (const char *const *n = bad; *n != NULL; n++)
		assert_false(config_name_is_valid(*n));
}

static void
test_load_file(void **state)
{
	struct config *cfg = NULL;
	struct dsm_error *err;

	(void)state;
	err = config_load(&cfg, "/nonexistent/mirrors.json");
	assert_non_null(err);
	assert_int_equal(err->kind, DSM_ERR_USAGE);
	assert_non_null(strstr(err->msg, "/nonexistent/mirrors.json"));
	dsm_error_free(err);
	err = config_load(&cfg, "/");
	assert_non_null(err);
	assert_non_null(strstr(err->msg, "not a regular file"));
	dsm_error_free(err);
	/* The shipped default list loads. */
	err = config_load(&cfg, "mirrors.json");
	if (err != NULL)
		fail_msg("%s", err->msg);
	assert_int_equal(cfg->nrepos, 4);
	config_free(cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_long_message),
		cmocka_unit_test(test_full_repo),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_api_is_what_http_asks),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_load_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
