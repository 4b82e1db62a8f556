#!/usr/bin/env bash
# The harness itself (no dsmirror): the git server serves clones of the upstreams
# made by make_upstream, the stall server never answers, servers stop by PID.
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

make_upstream r1
make_upstream r2 develop
git_server_start

for r in r1 r2; do
	git clone -q --mirror "$GIT_BASE/$r.git" "$T/clone-$r.git"
	assert_refs_equal "$T/upstream/$r.git" "$T/clone-$r.git" refs/
	assert_eq "$(git -C "$T/upstream/$r.git" symbolic-ref HEAD)" \
		"$(git -C "$T/clone-$r.git" symbolic-ref HEAD)" "HEAD of clone of $r"
done
assert_eq refs/heads/develop "$(git -C "$T/upstream/r2.git" symbolic-ref HEAD)" "r2 HEAD"
for ref in refs/heads/main refs/heads/feature refs/tags/v1 refs/tags/v1-ann refs/pull/1/head; do
	git -C "$T/upstream/r1.git" rev-parse -q --verify "$ref" >/dev/null || fail "r1 lacks $ref"
done
assert_eq tag "$(git -C "$T/upstream/r1.git" cat-file -t v1-ann)" "type of v1-ann"
git_server_stop
port_open "$GIT_PORT" && fail "git server still answers after git_server_stop"
git_server_start
git ls-remote "$GIT_BASE/r1.git" >/dev/null || fail "restart on port $GIT_PORT does not serve"
git_server_stop
assert_contains "$GIT_ACCESS_LOG" "GET /r1.git/info/refs"

stall_server_start
exec 3<>"/dev/tcp/127.0.0.1/$STALL_PORT"
printf 'GET / HTTP/1.0\r\n\r\n' >&3
if read -r -t 0.5 line <&3; then fail "stall server answered: $line"; fi
exec 3>&-
assert_contains "$STALL_LOG" accepted
stall_server_stop
port_open "$STALL_PORT" && fail "stall server still answers after stall_server_stop"

make_big_upstream big 2
assert_eq 3 "$(git -C "$T/upstream/big.git" rev-list --count main^)" "commits before the big one"
