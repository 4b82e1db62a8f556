/*
 * test_util.c - util_sanitize(), which stands between every text from a
 * server or a hand-edited file and the terminal.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util.h"

static void
expect_sanitized(const char *src, size_t size, const char *want)
{
	char buf[64];

	assert_true(size <= sizeof(buf));
	memset(buf, 'X', sizeof(buf));
	assert_ptr_equal(util_sanitize(buf, size, src), buf);
	assert_string_equal(buf, want);
}

static void
test_controls(void **state)
{
	(void)state;
	expect_sanitized("plain text", 64, "plain text");
	expect_sanitized("a\033[2Jb\tc\nd\x7f", 64, "a?[2Jb?c?d?");
	/* C1 controls: U+009B is a CSI on some terminals. */
	expect_sanitized("x\xc2\x9b" "2J", 64, "x??2J");
	/* Other non-ASCII text is kept. */
	expect_sanitized("caf\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x91\x8a", 64,
	    "caf\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x91\x8a");
}

static void
test_bad_utf8(void **state)
{
	(void)state;
	/* A lone continuation byte, a lead byte cut short, invalid bytes. */
	expect_sanitized("a\x80z", 64, "a?z");
	expect_sanitized("a\xc3", 64, "a?");
	expect_sanitized("a\xe2\x80z", 64, "a??z");
	expect_sanitized("\xff\xfe", 64, "??");
	/* Overlong forms, a surrogate, past U+10FFFF. */
	expect_sanitized("\xc0\xaf", 64, "??");
	expect_sanitized("\xe0\x80\xaf", 64, "???");
	expect_sanitized("\xed\xa0\x80", 64, "???");
	expect_sanitized("\xf4\x90\x80\x80", 64, "????");
}

static void
test_cut_between_characters(void **state)
{
	(void)state;
	expect_sanitized("abcdef", 4, "abc");
	/* "é" takes 2 bytes: with room for 1 it is left out, not halved. */
	expect_sanitized("ab\xc3\xa9", 4, "ab");
	expect_sanitized("\xf0\x9f\x91\x8a", 4, "");
	expect_sanitized("\xf0\x9f\x91\x8a", 5, "\xf0\x9f\x91\x8a");
	/* A C1 control becomes "??" or nothing, never one "?". */
	expect_sanitized("a\xc2\x9b", 3, "a");
	expect_sanitized("anything", 1, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_controls),
		cmocka_unit_test(test_bad_utf8),
		cmocka_unit_test(test_cut_between_characters),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
