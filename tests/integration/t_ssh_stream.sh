#!/usr/bin/env bash
# ssh goes through dsmirror's own TCP stream (src/netstream.c), whose layout
# libgit2's ssh transport relies on: the client's SSH banner must reach the
# server on that socket. (No sshd here: the server only speaks the banner,
# so the fetch then fails, exit 3, and nothing is created.)
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

spawn "$PYTHON" -c '
import os, socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(4)
with open(sys.argv[1] + ".new", "w") as f:
    f.write("%d\n" % s.getsockname()[1])
os.rename(sys.argv[1] + ".new", sys.argv[1])
while True:
    c = s.accept()[0]
    c.sendall(b"SSH-2.0-OpenSSH_9.2 dsmirror-test\r\n")
    c.settimeout(5)
    try:
        line = c.recv(256).split(b"\r\n")[0]
    except OSError:
        line = b"(nothing)"
    with open(sys.argv[2], "ab") as log:
        log.write(line + b"\n")
    c.close()
' "$T/ssh.port" "$T/ssh.log" </dev/null
wait_until 10 test -s "$T/ssh.port" || fail "banner server did not start"
read -r port <"$T/ssh.port"
write_config "$CONFIG" r1="ssh://git@127.0.0.1:$port/r1.git"

assert_exit 3 dsm --timeout 10 fetch
wait_until 10 test -s "$T/ssh.log" || fail "dsmirror never reached the ssh server"
grep -q '^SSH-2.0-' "$T/ssh.log" ||
	fail "the client's SSH banner did not arrive on the socket: $(cat "$T/ssh.log")"
[ ! -e "$ROOT/r1.git" ] || fail "a failed ssh fetch created the mirror"
