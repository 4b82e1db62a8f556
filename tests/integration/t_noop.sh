#!/usr/bin/env bash
# A second fetch with nothing new upstream: "unchanged", exit 0, no ref moves,
# and only the ref advertisement is asked for (no git-upload-pack POST).
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

make_upstream r1
git_server_start
write_config "$CONFIG" r1="$GIT_BASE/r1.git"
assert_exit 0 dsm fetch
before=$(refs "$ROOT/r1.git" refs/)

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

assert_eq unchanged "$(fetch_field r1 result)" "fetch.result"
assert_eq "$(git -C "$T/upstream/r1.git" rev-parse HEAD)" "$(fetch_field r1 head)" "fetch.head"
assert_eq "$before" "$(refs "$ROOT/r1.git" refs/)" "mirror refs after a no-op fetch"
assert_contains "$GIT_ACCESS_LOG" "GET /r1.git/info/refs?service=git-upload-pack"
assert_not_contains "$GIT_ACCESS_LOG" "POST"
fsck_all "$ROOT"
