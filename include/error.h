/*
 * error.h - the one error type of dsmirror.
 *
 * Every fallible function returns a struct dsm_error pointer: NULL means
 * success.  An error carries a kind (which decides the exit status in
 * main.c) and a human message.  The caller owns a returned error and frees
 * it with dsm_error_free(); it never prints it below main.c.
 */
#ifndef DSM_ERROR_H
#define DSM_ERROR_H

enum dsm_error_kind {
	DSM_ERR_USAGE,		/* bad options or configuration: exit 2 */
	DSM_ERR_REMOTE,		/* a repo could not be fetched or read: exit 3 */
	DSM_ERR_LOCKED,		/* another run holds the lock: exit 4 */
	DSM_ERR_SYSTEM,		/* local I/O or library failure */
	DSM_ERR_NOMEM,		/* out of memory */
};

struct dsm_error {
	enum dsm_error_kind kind;
	const char *msg;	/* belongs to the error */
};

/*
 * Returns a new error with a printf-style message.  Never returns NULL: when
 * memory runs out it returns a static out-of-memory error, which
 * dsm_error_free() knows not to free.
 */
struct dsm_error *dsm_error_new(enum dsm_error_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Like dsm_error_new(), with strerror(errnum) appended after ": ". */
struct dsm_error *dsm_error_errno(enum dsm_error_kind kind, int errnum,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Frees err; NULL is allowed. */
void dsm_error_free(struct dsm_error *err);

#endif
