/*
 * netstream.h - the TCP streams libgit2 uses, with timeouts and no Nagle.
 *
 * libgit2 1.5 opens plain sockets with no timeout and with Nagle's
 * algorithm on.  A smart-HTTP POST is written as two small sends (headers,
 * then body), so every fetch that negotiates waits out the server's delayed
 * ACK, about 40 ms; and a server that stops answering blocks a read forever.
 * Registered as libgit2's standard stream, this module connects with a
 * timeout, sets TCP_NODELAY, and gives every read and write a timeout.
 * TLS (libgit2's own, over this stream) and ssh use it too.
 *
 * All connections of a process must go to the host and port of its first
 * one: a worker fetches one repository, and a server that redirects it to
 * another host is refused with a message that says so.
 */
#ifndef DSM_NETSTREAM_H
#define DSM_NETSTREAM_H

#include "error.h"

/*
 * Makes libgit2 use these streams in this process; timeout is the seconds
 * a connect, read or write may wait.  Call after git_libgit2_init().
 */
struct dsm_error *netstream_register(int timeout);

/*
 * Forgets the host of the first connection, which every later one must
 * match (a redirect to another host is refused): call between two repos
 * fetched by one process.
 */
void netstream_reset(void);

#endif
