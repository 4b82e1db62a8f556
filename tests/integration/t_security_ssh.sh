#!/usr/bin/env bash
# ssh upstreams: the server's host key is checked against ~/.ssh/known_hosts
# (libgit2 1.5.1 does it when, as in dsmirror, no certificate_check callback
# is set). Against a real sshd on 127.0.0.1: a host key that known_hosts does
# not list, or lists as another key, is refused ("invalid or unknown remote
# ssh hostkey", exit 3, no mirror); the key listed passes that check, and the
# fetch goes on to authentication (ssh-agent only: none here, so it fails
# there). Skipped without sshd (package openssh-server; SSHD=PATH picks one).
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

SSHD=${SSHD:-$(command -v sshd || echo /usr/sbin/sshd)}
[ -x "$SSHD" ] || skip "no sshd (install openssh-server, or set SSHD)"

# As root, sshd wants its privilege separation user and folder; as nobody it
# runs alone, but cannot walk to $T (0700, below the runner's 0700 folder):
# its files then go to a folder of their own in /tmp, removed at exit.
as_sshd_user=()
dir=$T/sshd
if [ "$(id -u)" = 0 ]; then
	command -v setpriv >/dev/null || skip "no setpriv to run sshd as nobody"
	as_sshd_user=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
	dir=$(mktemp -d /tmp/dsmirror-sshd.XXXXXX)
	trap 'rm -rf "$dir"; cleanup' EXIT
	chmod 755 "$dir"
fi
mkdir -p "$dir"
ssh-keygen -q -t ed25519 -N '' -C '' -f "$dir/host_key"
ssh-keygen -q -t ed25519 -N '' -C '' -f "$T/other_key"
[ "$(id -u)" != 0 ] || chown nobody "$dir/host_key"
port=$(free_port)
printf '%s\n' "Port $port" "ListenAddress 127.0.0.1" "HostKey $dir/host_key" "PidFile none" \
	"UsePAM no" "StrictModes no" "PasswordAuthentication no" "KbdInteractiveAuthentication no" \
	>"$dir/config"
: >"$T/sshd.log"
spawn "${as_sshd_user[@]}" "$SSHD" -D -e -f "$dir/config" 2>"$T/sshd.log"
wait_until 10 grep -q 'Server listening' "$T/sshd.log" || fail "sshd did not start: $(cat "$T/sshd.log")"

write_config "$CONFIG" r1="ssh://git@127.0.0.1:$port/r1.git"
unset SSH_AUTH_SOCK
known() { mkdir -p "$HOME/.ssh" && echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$1")" >"$HOME/.ssh/known_hosts"; }

# No known_hosts at all, then a known_hosts with another key for this host.
assert_exit 3 dsm fetch
grep -qF 'invalid or unknown remote ssh hostkey' "$T/out" "$T/err" || fail "unknown host key: $(cat "$T/out" "$T/err")"
known "$T/other_key.pub"
assert_exit 3 dsm fetch
grep -qF 'invalid or unknown remote ssh hostkey' "$T/out" "$T/err" || fail "wrong host key: $(cat "$T/out" "$T/err")"
[ ! -e "$ROOT/r1.git" ] || fail "a refused host created the mirror"
assert_no_tmp "$ROOT"

# The right key: past the host key check, to authentication.
known "$dir/host_key.pub"
assert_exit 3 dsm fetch
! grep -qF 'hostkey' "$T/out" "$T/err" || fail "the known host key was refused: $(cat "$T/out" "$T/err")"
grep -qiE 'auth' "$T/out" "$T/err" || fail "expected an authentication error: $(cat "$T/out" "$T/err")"
[ ! -e "$ROOT/r1.git" ] || fail "an unauthenticated fetch created the mirror"
