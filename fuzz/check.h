/*
 * check.h - what the fuzz targets assert about the code under test.
 *
 * A failed check prints what was expected and aborts, which libFuzzer
 * reports as a crash and saves the input that caused it.
 */
#ifndef DSM_FUZZ_CHECK_H
#define DSM_FUZZ_CHECK_H

#include <stddef.h>

/* Aborts with "fuzz check failed: FILE:LINE: what" unless cond holds. */
#define CHECK(cond, what) \
	((cond) ? (void)0 : check_failed(__FILE__, __LINE__, (what)))

void check_failed(const char *file, int line, const char *what)
    __attribute__((noreturn));

/* Returns whether s (n bytes) is valid UTF-8 (no overlongs, surrogates). */
int check_utf8(const char *s, size_t n);

/*
 * Returns whether s (n bytes) holds a control character as util_sanitize()
 * means it: C0, DEL, or C1 (U+0080 to U+009F) in UTF-8.
 */
int check_has_control(const char *s, size_t n);

/*
 * Copies data (size bytes) into a NUL-terminated buffer, which it returns
 * (the caller frees it), and points field[0..*n) at its NUL-separated
 * fields: up to max of them, the last holding the rest.
 */
char *check_split_fields(const unsigned char *data, size_t size,
    char **field, size_t max, size_t *n);

#endif
