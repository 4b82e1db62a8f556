/*
 * worker.c - the pool of fetch worker processes.
 *
 * The child writes one JSON object per line to its pipe:
 *   {"progress": [phase, received, total, deltas done, deltas, bytes]}
 *   {"fetch": <fetch report, as result.c encodes it>}
 *   {"fetch": ..., "fsck": <fsck report>}	(fsck: mirror_fsck())
 * The parent multiplexes the pipes with poll(), counts every line as a sign
 * of life, and kills a child that stays silent for longer than the timeout
 * while it talks to the network (not once it reports PHASE_MAINTAINING:
 * packing is local work that libgit2 does without a word).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "fsck.h"
#include "mirror.h"
#include "recover.h"
#include "util.h"
#include "worker.h"

#define WORKER_TICK_MS		100
#define WORKER_READ_SIZE	65536

/* No repo: an idle worker waiting for one. */
#define NO_REPO		((size_t)-1)

struct slot {
	pid_t pid;
	int fd;			/* what the worker writes */
	int cmd;		/* where the parent writes the repos to do */
	size_t index;		/* the repo it is on, or NO_REPO */
	double last_heard;
	int timed_out;
	int local;		/* maintaining: not watched for silence */
	int got_result;
	int heard;		/* said something of its repo */
	char *buf;
	size_t len;
	size_t cap;
};

struct pool {
	struct repo_result *results;
	size_t n;
	const struct worker_opts *opts;
	struct slot slots[WORKER_MAX_JOBS];
	size_t active;		/* processes alive */
	size_t started;		/* processes started in the run */
	size_t next;		/* the next repo of results[] to fetch */
	size_t *again;		/* repos to give to another worker */
	size_t nagain;
	char *retried;		/* ... once each at most */
};

/* Writes all of buf to fd; returns -1 when the parent is gone. */
static int
write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static void
send_line(int fd, json_t *msg)
{
	char *s;

	if (msg == NULL)
		return;
	s = json_dumps(msg, JSON_COMPACT);
	json_decref(msg);
	if (s == NULL)
		return;
	if (write_all(fd, s, strlen(s)) == -1 || write_all(fd, "\n", 1) == -1)
		_exit(1);
	free(s);
}

static void
child_progress(const struct fetch_progress *p, void *payload)
{
	int fd = *(int *)payload;

	send_line(fd, json_pack("{s:[i,I,I,I,I,I]}", "progress", (int)p->phase,
	    (json_int_t)p->received_objects, (json_int_t)p->total_objects,
	    (json_int_t)p->indexed_deltas, (json_int_t)p->total_deltas,
	    (json_int_t)p->received_bytes));
}

/* Fetches (or checks) one repo in the worker and sends its result. */
static void
child_repo(int fd, const struct worker_opts *opts,
    const struct repo_result *r)
{
	const json_t *rec = json_object_get(json_object_get(r->state, "fetch"),
	    "url");
	struct mirror_opts mopts = { opts->root, r->spec, child_progress, &fd,
	    json_string_value(rec), opts->accept_url };
	struct fetch_report rep = { 0 };
	struct fsck_report frep = { 0 };
	struct dsm_error *err;

	/* Before a word of the repo: the parent gives it to another worker. */
	util_kill_point("worker-repo-taken");
	/* What the repo before may have left in the process's state. */
	err = mirror_repo_init(r->spec->url, opts->cacert);
	if (err == NULL && opts->fsck) {
		if ((err = mirror_fsck(&frep, &rep, &mopts)) != NULL) {
			fsck_report_clear(&frep);
			frep.result = FSCK_DAMAGED;
			frep.detail = strdup(err->msg);
			dsm_error_free(err);
			err = NULL;
		}
		send_line(fd, json_pack("{s:o, s:o}", "fetch",
		    fetch_report_to_json(&rep), "fsck",
		    fsck_report_to_json(&frep)));
		fetch_report_clear(&rep);
		fsck_report_clear(&frep);
		return;
	}
	if (err == NULL)
		err = mirror_fetch(&rep, &mopts);
	if (err != NULL) {
		fetch_report_clear(&rep);
		rep.result = FETCH_ERROR;
		rep.error = strdup(err->msg);
		dsm_error_free(err);
	}
	send_line(fd, json_pack("{s:o}", "fetch", fetch_report_to_json(&rep)));
	fetch_report_clear(&rep);
}

/* Reads the next repo index from cmd; returns -1 at end of file. */
static int
next_repo(int cmd, size_t n, size_t *index)
{
	char line[32];
	size_t len = 0;

	while (len < sizeof(line) - 1) {
		ssize_t k = read(cmd, line + len, 1);
		if (k == -1 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		if (line[len] == '\n')
			break;
		len++;
	}
	line[len] = '\0';
	char *end;
	unsigned long long v = strtoull(line, &end, 10);
	if (len == 0 || *end != '\0' || v >= n)
		return -1;
	*index = (size_t)v;
	return 0;
}

/*
 * A worker: one libgit2 initialisation, then each repo the parent names
 * on cmd (its index, a line), until the parent closes cmd.
 */
static void __attribute__((noreturn))
child_main(int fd, int cmd, pid_t parent, const struct worker_opts *opts,
    const struct repo_result *results, size_t n)
{
	struct dsm_error *err;
	size_t index;

	/* A worker never outlives the run that started it. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(1);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGPIPE, SIG_IGN);

	err = mirror_global_init((int)opts->timeout);
	while (next_repo(cmd, n, &index) == 0) {
		if (err != NULL) {
			struct fetch_report rep = { .result = FETCH_ERROR };
			rep.error = strdup(err->msg);
			send_line(fd, json_pack("{s:o}", "fetch",
			    fetch_report_to_json(&rep)));
			fetch_report_clear(&rep);
			continue;
		}
		child_repo(fd, opts, &results[index]);
	}
	/* _exit: the parent's stdio buffers are not ours to flush. */
	_exit(0);
}

/* Starts the worker of slot, idle until it is given a repo. */
static struct dsm_error *
spawn(struct pool *pool, struct slot *slot)
{
	pid_t parent = getpid();
	int fds[2], cmd[2];

	if (pipe2(fds, O_CLOEXEC) == -1)
		return dsm_error_errno(DSM_ERR_SYSTEM, errno, "cannot create "
		    "a pipe for a worker");
	if (pipe2(cmd, O_CLOEXEC) == -1) {
		close(fds[0]);
		close(fds[1]);
		return dsm_error_errno(DSM_ERR_SYSTEM, errno, "cannot create "
		    "a pipe for a worker");
	}
	fflush(NULL);
	/* The tests' process limit: workers past this many cannot start. */
	const char *limit = getenv("DSMIRROR_TEST_SPAWN_LIMIT");
	if (limit != NULL && pool->started >= strtoul(limit, NULL, 10)) {
		errno = EAGAIN;
		slot->pid = -1;
	} else {
		slot->pid = fork();
	}
	if (slot->pid == -1) {
		close(fds[0]);
		close(fds[1]);
		close(cmd[0]);
		close(cmd[1]);
		return dsm_error_errno(DSM_ERR_SYSTEM, errno, "cannot start "
		    "a worker");
	}
	if (slot->pid == 0) {
		close(fds[0]);
		close(cmd[1]);
		/* The others' pipes: a worker must see its own end of file. */
		for (size_t i = 0; i < WORKER_MAX_JOBS; i++) {
			if (&pool->slots[i] == slot || pool->slots[i].pid <= 0)
				continue;
			if (pool->slots[i].fd >= 0)
				close(pool->slots[i].fd);
			if (pool->slots[i].cmd >= 0)
				close(pool->slots[i].cmd);
		}
		child_main(fds[1], cmd[0], parent, pool->opts, pool->results,
		    pool->n);
	}
	close(fds[1]);
	close(cmd[0]);
	slot->fd = fds[0];
	slot->cmd = cmd[1];
	slot->index = NO_REPO;
	slot->len = 0;
	pool->active++;
	pool->started++;
	return NULL;
}

/* Gives the idle worker of slot the repo results[index]. */
static int
assign(struct pool *pool, struct slot *slot, size_t index)
{
	char line[32];
	int len = snprintf(line, sizeof(line), "%zu\n", index);

	slot->index = index;
	slot->last_heard = util_now();
	slot->timed_out = 0;
	slot->local = 0;
	slot->got_result = 0;
	slot->heard = 0;
	(void)pool;
	/* A worker gone meanwhile: its end of file tells, reap() decides. */
	return write_all(slot->cmd, line, (size_t)len);
}

static void
set_error(struct fetch_report *f, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
set_error(struct fetch_report *f, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fetch_report_clear(f);
	f->result = FETCH_ERROR;
	f->error = strdup(msg);
}

static void
handle_line(struct pool *pool, struct slot *slot, const char *line,
    size_t len)
{
	const struct worker_opts *opts = pool->opts;
	struct repo_result *r;
	json_error_t jerr;
	json_t *msg, *v;

	/* Between two repos a worker has nothing to say. */
	if (slot->index == NO_REPO)
		return;
	r = &pool->results[slot->index];
	msg = json_loadb(line, len, 0, &jerr);
	if (msg == NULL)
		return;
	if ((v = json_object_get(msg, "progress")) != NULL) {
		struct fetch_progress p = {
			.phase = (enum fetch_phase)json_integer_value(
			    json_array_get(v, 0)),
			.received_objects = (unsigned)json_integer_value(
			    json_array_get(v, 1)),
			.total_objects = (unsigned)json_integer_value(
			    json_array_get(v, 2)),
			.indexed_deltas = (unsigned)json_integer_value(
			    json_array_get(v, 3)),
			.total_deltas = (unsigned)json_integer_value(
			    json_array_get(v, 4)),
			.received_bytes = (uint64_t)json_integer_value(
			    json_array_get(v, 5)),
		};
		/* Local work, the network done: --timeout is for transfers. */
		slot->local = p.phase == PHASE_MAINTAINING ||
		    p.phase == PHASE_CHECKING;
		if (opts->on_progress != NULL)
			opts->on_progress(slot->index, &p, opts->payload);
	} else if ((v = json_object_get(msg, "fetch")) != NULL) {
		fetch_report_clear(&r->fetch);
		if (fetch_report_from_json(&r->fetch, v) == -1)
			set_error(&r->fetch, "worker sent a malformed report");
		fsck_report_clear(&r->fsck);
		if ((v = json_object_get(msg, "fsck")) != NULL &&
		    fsck_report_from_json(&r->fsck, v) == -1)
			set_error(&r->fetch, "worker sent a malformed report");
		slot->got_result = 1;
		/* The repo is done; the worker waits for the next one. */
		if (opts->on_done != NULL)
			opts->on_done(slot->index, opts->payload);
		slot->index = NO_REPO;
	}
	json_decref(msg);
}

/* Reads what the child wrote; returns 0 at end of file. */
static int
drain(struct pool *pool, struct slot *slot)
{
	ssize_t n;
	char *nl;

	if (slot->cap - slot->len < WORKER_READ_SIZE) {
		size_t cap = slot->cap ? slot->cap * 2 : 2 * WORKER_READ_SIZE;
		char *buf;
		if (cap > WORKER_MAX_MESSAGE + WORKER_READ_SIZE ||
		    (buf = realloc(slot->buf, cap)) == NULL)
			return 0;	/* treated as a worker failure */
		slot->buf = buf;
		slot->cap = cap;
	}
	n = read(slot->fd, slot->buf + slot->len, slot->cap - slot->len);
	if (n == -1)
		return errno == EINTR || errno == EAGAIN ? 1 : 0;
	if (n == 0)
		return 0;
	slot->len += (size_t)n;
	slot->last_heard = util_now();
	slot->heard = slot->heard || slot->index != NO_REPO;
	while ((nl = memchr(slot->buf, '\n', slot->len)) != NULL) {
		size_t linelen = (size_t)(nl - slot->buf);
		handle_line(pool, slot, slot->buf, linelen);
		memmove(slot->buf, nl + 1, slot->len - linelen - 1);
		slot->len -= linelen + 1;
	}
	return 1;
}

static int
stopping(const struct pool *pool)
{
	return pool->opts->stop != NULL && *pool->opts->stop;
}

/* The worker of slot has ended (or is to end): reports its repo, if any. */
static void
reap(struct pool *pool, struct slot *slot)
{
	size_t index = slot->index;
	int status = 0;

	close(slot->fd);
	slot->fd = -1;
	if (slot->cmd >= 0)
		close(slot->cmd);
	slot->cmd = -1;
	/* In the middle of a repo, the worker has no business going on. */
	if (index != NO_REPO)
		kill(slot->pid, SIGKILL);
	while (waitpid(slot->pid, &status, 0) == -1 && errno == EINTR)
		;
	slot->pid = 0;
	slot->index = NO_REPO;
	pool->active--;
	if (index == NO_REPO)
		return;
	/*
	 * Gone before it said a word of the repo (it died idle, just as the
	 * repo was handed to it): the repo goes to another worker, once.
	 */
	/* Stopped, silent too long, or dead: clean up after it now. */
	recover_mirror(pool->opts->root, pool->results[index].spec->name);
	if (!slot->heard && !slot->timed_out && !stopping(pool) &&
	    !pool->retried[index]) {
		pool->retried[index] = 1;
		pool->again[pool->nagain++] = index;
		return;
	}
	struct fetch_report *f = &pool->results[index].fetch;
	if (slot->timed_out)
		set_error(f, "no progress for %.0f s: transfer aborted "
		    "(--timeout)", pool->opts->timeout);
	else if (stopping(pool))
		set_error(f, "interrupted");
	else if (WIFSIGNALED(status))
		set_error(f, "worker killed by signal %d", WTERMSIG(status));
	else
		set_error(f, "worker exited with status %d and no result",
		    WEXITSTATUS(status));
	if (pool->opts->on_done != NULL)
		pool->opts->on_done(index, pool->opts->payload);
}

/* Waits for output or silence; kills the silent and the interrupted. */
static void
wait_round(struct pool *pool)
{
	struct pollfd pfd[WORKER_MAX_JOBS];
	struct slot *who[WORKER_MAX_JOBS];
	double now = util_now(), wait = WORKER_TICK_MS / 1000.0;
	size_t n = 0;

	for (size_t i = 0; i < WORKER_MAX_JOBS; i++) {
		struct slot *s = &pool->slots[i];
		if (s->pid <= 0)
			continue;
		if (s->index != NO_REPO) {
			double left = s->local ? wait :
			    s->last_heard + pool->opts->timeout - now;
			if (!s->timed_out && (left <= 0 || stopping(pool))) {
				s->timed_out = !stopping(pool);
				kill(s->pid, SIGKILL);
			}
			if (left > 0 && left < wait)
				wait = left;
		}
		pfd[n].fd = s->fd;
		pfd[n].events = POLLIN;
		who[n++] = s;
	}
	if (poll(pfd, n, (int)(wait * 1000) + 1) <= 0)
		return;
	for (size_t i = 0; i < n; i++)
		if (pfd[i].revents != 0 && !drain(pool, who[i]))
			reap(pool, who[i]);
}

/* The next repo to fetch from next on (not served already), or n. */
static size_t
next_todo(const struct pool *pool, size_t next)
{
	const char *skip = pool->opts->skip;

	while (next < pool->n && skip != NULL && skip[next])
		next++;
	return next;
}

/* Whether a repo is waiting for a worker. */
static int
waiting(const struct pool *pool)
{
	return pool->nagain > 0 || pool->next < pool->n;
}

/* The repo to give to a worker now. */
static size_t
take(struct pool *pool)
{
	size_t index;

	if (pool->nagain > 0)
		return pool->again[--pool->nagain];
	index = pool->next;
	pool->next = next_todo(pool, pool->next + 1);
	return index;
}

struct dsm_error *
worker_fetch_all(struct repo_result *results, size_t n,
    const struct worker_opts *opts)
{
	struct pool pool = { .results = results, .n = n, .opts = opts };
	struct dsm_error *err = NULL;	/* a worker that could not start */
	int jobs = opts->jobs < 1 ? 1 : opts->jobs > WORKER_MAX_JOBS ?
	    WORKER_MAX_JOBS : opts->jobs;

	for (size_t i = 0; i < WORKER_MAX_JOBS; i++)
		pool.slots[i].fd = pool.slots[i].cmd = -1;
	pool.next = next_todo(&pool, 0);
	if ((pool.again = calloc(n + 1, sizeof(*pool.again))) == NULL ||
	    (pool.retried = calloc(n + 1, 1)) == NULL) {
		free(pool.again);
		return dsm_error_new(DSM_ERR_NOMEM, "out of memory");
	}
	/*
	 * A worker that cannot be started (fork: EAGAIN under a process
	 * limit) leaves its slot empty; the others go on, and what remains
	 * when none is left fails with that error, repo by repo.
	 */
	while (pool.active > 0 || (waiting(&pool) && !stopping(&pool) &&
	    err == NULL)) {
		for (int i = 0; i < jobs; i++) {
			struct slot *s = &pool.slots[i];
			if (s->pid > 0 && s->index != NO_REPO)
				continue;
			if (!waiting(&pool) || stopping(&pool)) {
				/* Nothing more to do: an idle worker ends. */
				if (s->pid > 0 && s->cmd >= 0) {
					close(s->cmd);
					s->cmd = -1;
				}
				continue;
			}
			if (s->pid <= 0 && s->cmd < 0 && err == NULL &&
			    (err = spawn(&pool, s)) != NULL)
				continue;
			if (s->pid > 0 && s->cmd >= 0)
				assign(&pool, s, take(&pool));
		}
		if (err != NULL && pool.active == 0)
			break;
		wait_round(&pool);
		if (opts->on_tick != NULL)
			opts->on_tick(opts->payload);
	}
	for (size_t i = 0; i < WORKER_MAX_JOBS; i++)
		free(pool.slots[i].buf);
	if (opts->started != NULL)
		*opts->started = pool.started;
	/* Repos never started (interrupted, or no process): say so. */
	while (waiting(&pool)) {
		size_t i = take(&pool);
		set_error(&results[i].fetch, "%s", err != NULL ? err->msg :
		    "interrupted");
		if (opts->on_done != NULL)
			opts->on_done(i, opts->payload);
	}
	free(pool.again);
	free(pool.retried);
	dsm_error_free(err);
	/* Killed workers may leave temporary clones; no worker runs now. */
	return recover_root(opts->root);
}

int
worker_default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > 8 ? 8 : (int)n;
}
