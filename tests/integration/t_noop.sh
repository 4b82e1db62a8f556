#!/usr/bin/env bash
# A second fetch with nothing new upstream: "unchanged", exit 0, no ref moves,
# and only the refs are asked for: by the fast path, the v2 capabilities and
# one ls-refs POST (t_fastpath has the details); by a worker (the fast path
# off), the advertisement alone, no git-upload-pack POST.
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

make_upstream r1
git_server_start
write_config "$CONFIG" r1="$GIT_BASE/r1.git"
assert_exit 0 dsm fetch
before=$(refs "$ROOT/r1.git" refs/)

# noop_fetch: the no-op fetch, its requests in the access log.
noop_fetch() {
	git_server_stop   # flushes the access log
	: >"$GIT_ACCESS_LOG"
	git_server_start   # same port
	assert_exit 0 dsm --json fetch
	# lighttpd logs a request after its client may have left: a last request of
	# our own, once logged, means every request of dsmirror's is in the log.
	exec 3<>"/dev/tcp/127.0.0.1/$GIT_PORT"
	printf 'GET /log-barrier HTTP/1.0\r\n\r\n' >&3
	cat <&3 >/dev/null
	exec 3<&-
	wait_until 10 grep -q 'GET /log-barrier' "$GIT_ACCESS_LOG" ||
		fail "the access log never showed the barrier request"
	git_server_stop
}

noop_fetch

assert_eq unchanged "$(fetch_field r1 result)" "fetch.result"
assert_eq "$(git -C "$T/upstream/r1.git" rev-parse HEAD)" "$(fetch_field r1 head)" "fetch.head"
assert_eq "$before" "$(refs "$ROOT/r1.git" refs/)" "mirror refs after a no-op fetch"
assert_contains "$GIT_ACCESS_LOG" "GET /r1.git/info/refs?service=git-upload-pack"
assert_eq 1 "$(grep -c 'POST /r1.git/git-upload-pack' "$GIT_ACCESS_LOG")" "ls-refs POSTs"
assert_not_contains "$GIT_ACCESS_LOG" "libgit2"

git_server_start
DSMIRROR_TEST_NO_FASTPATH=1 noop_fetch
assert_eq unchanged "$(fetch_field r1 result)" "fetch.result, by a worker"
assert_contains "$GIT_ACCESS_LOG" "GET /r1.git/info/refs?service=git-upload-pack"
assert_contains "$GIT_ACCESS_LOG" "libgit2"
assert_not_contains "$GIT_ACCESS_LOG" "POST"
fsck_all "$ROOT"
