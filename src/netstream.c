/*
 * netstream.c - libgit2's standard stream: TCP with timeouts, no Nagle.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <git2.h>
#include <git2/sys/stream.h>

#include "netstream.h"

/*
 * Must have the layout of libgit2 1.5's git_socket_stream (parent, host,
 * port, socket): its ssh transport takes the socket out of a standard
 * stream that way to hand it to libssh2.
 */
struct netstream {
	git_stream parent;
	char *host;
	char *port;
	int s;
};

/*
 * The registration API takes no payload, so the timeout of the process's
 * streams lives here; it is set once, before any stream exists.
 */
static int stream_timeout = 120;

/*
 * The host and port of the first connection of the repo being fetched
 * (netstream_reset() forgets them between repos).  Every later connection
 * of that fetch must go there too: one that
 * does not follows a redirect to another host, which dsmirror refuses (a
 * mirror's source is the URL in mirrors.json, not wherever the server
 * points).  Behind a proxy every connection goes to the proxy, so the
 * check then sees nothing to refuse.
 */
static char *first_host, *first_port;

static int
net_fail(const char *fmt, const char *host, const char *detail)
{
	char msg[512];

	snprintf(msg, sizeof(msg), fmt, host, detail);
	git_error_set_str(GIT_ERROR_NET, msg);
	return -1;
}

/* Connects s to ai within the timeout; returns 0 or an errno value. */
static int
connect_within(int s, const struct addrinfo *ai)
{
	struct pollfd pfd = { .fd = s, .events = POLLOUT };
	int flags = fcntl(s, F_GETFL), err = 0, rc;
	socklen_t len = sizeof(err);

	if (flags == -1 || fcntl(s, F_SETFL, flags | O_NONBLOCK) == -1)
		return errno;
	if (connect(s, ai->ai_addr, ai->ai_addrlen) == -1) {
		if (errno != EINPROGRESS)
			return errno;
		do
			rc = poll(&pfd, 1, stream_timeout * 1000);
		while (rc == -1 && errno == EINTR);
		if (rc == 0)
			return ETIMEDOUT;
		if (rc == -1)
			return errno;
		if (getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
			return errno;
		if (err != 0)
			return err;
	}
	return fcntl(s, F_SETFL, flags) == -1 ? errno : 0;
}

static int
check_same_host(const struct netstream *st)
{
	char msg[768];

	if (first_host == NULL) {
		first_host = strdup(st->host);
		first_port = strdup(st->port);
		if (first_host == NULL || first_port == NULL) {
			git_error_set_oom();
			return -1;
		}
		return 0;
	}
	if (strcasecmp(st->host, first_host) == 0 &&
	    strcmp(st->port, first_port) == 0)
		return 0;
	snprintf(msg, sizeof(msg), "the server redirected to another host "
	    "(%.200s port %.20s, not %.200s port %.20s); dsmirror does not "
	    "follow it: if the repository has moved, put its new URL in "
	    "mirrors.json", st->host, st->port, first_host, first_port);
	git_error_set_str(GIT_ERROR_NET, msg);
	return -1;
}

static int
ns_connect(git_stream *stream)
{
	struct netstream *st = (struct netstream *)stream;
	struct addrinfo hints = { .ai_family = AF_UNSPEC,
	    .ai_socktype = SOCK_STREAM }, *res, *ai;
	struct timeval tv = { .tv_sec = stream_timeout };
	int rc, one = 1, last = 0;

	if ((rc = check_same_host(st)) != 0)
		return rc;
	rc = getaddrinfo(st->host, st->port, &hints, &res);
	if (rc != 0)
		return net_fail("cannot resolve %s: %s", st->host,
		    gai_strerror(rc));
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		st->s = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		    ai->ai_protocol);
		if (st->s == -1) {
			last = errno;
			continue;
		}
		if ((last = connect_within(st->s, ai)) == 0)
			break;
		close(st->s);
		st->s = -1;
	}
	freeaddrinfo(res);
	if (st->s == -1)
		return net_fail("cannot connect to %s: %s", st->host,
		    strerror(last));
	/* Both are best effort: a socket without them still works. */
	setsockopt(st->s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(st->s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(st->s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	return 0;
}

static ssize_t
ns_read(git_stream *stream, void *data, size_t len)
{
	struct netstream *st = (struct netstream *)stream;
	ssize_t n;

	do
		n = recv(st->s, data, len, 0);
	while (n == -1 && errno == EINTR);
	if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
		char secs[32];
		snprintf(secs, sizeof(secs), "%d", stream_timeout);
		return net_fail("%s sent nothing for %s s", st->host, secs);
	}
	if (n == -1)
		return net_fail("cannot read from %s: %s", st->host,
		    strerror(errno));
	return n;
}

static ssize_t
ns_write(git_stream *stream, const char *data, size_t len, int flags)
{
	struct netstream *st = (struct netstream *)stream;
	size_t done = 0;

	(void)flags;
	while (done < len) {
		ssize_t n = send(st->s, data + done, len - done, MSG_NOSIGNAL);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return net_fail("cannot write to %s: %s", st->host,
			    strerror(errno));
		done += (size_t)n;
	}
	return (ssize_t)done;
}

static int
ns_close(git_stream *stream)
{
	struct netstream *st = (struct netstream *)stream;

	if (st->s != -1 && close(st->s) == -1)
		return net_fail("cannot close the connection to %s: %s",
		    st->host, strerror(errno));
	st->s = -1;
	return 0;
}

static void
ns_free(git_stream *stream)
{
	struct netstream *st = (struct netstream *)stream;

	if (st->s != -1)
		close(st->s);
	free(st->host);
	free(st->port);
	free(st);
}

static int
ns_new(git_stream **out, const char *host, const char *port)
{
	struct netstream *st = calloc(1, sizeof(*st));

	if (st == NULL || (st->host = strdup(host)) == NULL ||
	    (st->port = strdup(port != NULL ? port : "80")) == NULL) {
		if (st != NULL)
			free(st->host);
		free(st);
		git_error_set_oom();
		return -1;
	}
	st->s = -1;
	st->parent.version = GIT_STREAM_VERSION;
	st->parent.connect = ns_connect;
	st->parent.read = ns_read;
	st->parent.write = ns_write;
	st->parent.close = ns_close;
	st->parent.free = ns_free;
	*out = &st->parent;
	return 0;
}

struct dsm_error *
netstream_register(int timeout)
{
	git_stream_registration reg = { GIT_STREAM_VERSION, ns_new, NULL };

	stream_timeout = timeout > 0 ? timeout : stream_timeout;
	if (git_stream_register(GIT_STREAM_STANDARD, &reg) < 0)
		return dsm_error_new(DSM_ERR_SYSTEM,
		    "cannot register the network stream");
	return NULL;
}

void
netstream_reset(void)
{
	free(first_host);
	free(first_port);
	first_host = first_port = NULL;
}
