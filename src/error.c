/*
 * error.c - creating and freeing dsmirror's errors.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

/* The message limit keeps an error printable on one terminal screen. */
#define ERROR_MAX_MSG 4096

static struct dsm_error error_nomem = { DSM_ERR_NOMEM, "out of memory" };

static struct dsm_error *
error_vnew(enum dsm_error_kind kind, int errnum, const char *fmt, va_list ap)
{
	char buf[ERROR_MAX_MSG];
	struct dsm_error *err;
	size_t len;
	int n;

	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	if (n < 0)
		buf[0] = '\0';
	len = strlen(buf);
	if (errnum != 0)
		snprintf(buf + len, sizeof(buf) - len, ": %s", strerror(errnum));
	len = strlen(buf);

	/* One allocation: the message follows the struct. */
	err = malloc(sizeof(*err) + len + 1);
	if (err == NULL)
		return &error_nomem;
	err->kind = kind;
	err->msg = memcpy(err + 1, buf, len + 1);
	return err;
}

struct dsm_error *
dsm_error_new(enum dsm_error_kind kind, const char *fmt, ...)
{
	struct dsm_error *err;
	va_list ap;

	va_start(ap, fmt);
	err = error_vnew(kind, 0, fmt, ap);
	va_end(ap);
	return err;
}

struct dsm_error *
dsm_error_errno(enum dsm_error_kind kind, int errnum, const char *fmt, ...)
{
	struct dsm_error *err;
	va_list ap;

	va_start(ap, fmt);
	err = error_vnew(kind, errnum, fmt, ap);
	va_end(ap);
	return err;
}

void
dsm_error_free(struct dsm_error *err)
{
	if (err != NULL && err != &error_nomem)
		free(err);
}
