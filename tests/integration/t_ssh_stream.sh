#!/usr/bin/env bash
# ssh goes through dsmirror's own TCP stream (src/netstream.c), whose layout
# libgit2's ssh transport relies on: the client's SSH banner must reach the
# server on that socket. (No sshd here: the server only speaks the banner,
# so the fetch then fails, exit 3, and nothing is created.)
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

stall_server_start "SSH-2.0-OpenSSH_9.2 dsmirror-test"
write_config "$CONFIG" r1="ssh://git@127.0.0.1:$STALL_PORT/r1.git"

assert_exit 3 dsm --timeout $((2 * SLOW)) fetch
wait_until 10 grep -q '^said ' "$STALL_LOG" || fail "dsmirror never reached the ssh server"
grep -q '^said SSH-2.0-' "$STALL_LOG" ||
	fail "the client's SSH banner did not arrive on the socket: $(cat "$STALL_LOG")"
[ ! -e "$ROOT/r1.git" ] || fail "a failed ssh fetch created the mirror"
