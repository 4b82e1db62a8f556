/*
 * lock.h - one dsmirror run at a time per mirror root.
 *
 * The lock is a POSIX record lock (fcntl) on <root>/.dsmirror.lock.  The
 * kernel drops it when the holder dies, however it dies, so a killed run
 * never blocks the next one; and F_GETLK names the holder's PID.  An
 * flock() on the same file, inherited by the worker processes, keeps the
 * root locked until the last worker of a killed run is gone too.
 */
#ifndef DSM_LOCK_H
#define DSM_LOCK_H

#include "error.h"

#define LOCK_FILE ".dsmirror.lock"

struct lock;

/*
 * Takes the lock of root (which must exist) without waiting.  On success sets
 * *out; release it with lock_release().  When another process holds it,
 * returns a DSM_ERR_LOCKED error naming that process's PID.
 */
struct dsm_error *lock_acquire(struct lock **out, const char *root);

/* Releases and frees the lock; NULL is allowed. */
void lock_release(struct lock *lock);

#endif
