#!/usr/bin/env bash
# A mirror root, or its lock file, made by another user (one `sudo dsmirror
# sync` before the service user's first run) is met with who owns it and what
# to do, as a mirror of another owner is, not a bare "Permission denied"; and
# nothing is touched (issue 14).
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

[ "$(id -u)" = 0 ] || skip "needs root to run dsmirror as another user"
native || skip "dsmirror runs under a wrapper (the copy nobody runs must be the binary)"
command -v setpriv >/dev/null || skip "no setpriv"
# (HOME too: libgit2 reads $HOME/.gitconfig, and root's is not nobody's to read.)
as_nobody() { HOME=/nonexistent setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
as_nobody true 2>/dev/null || skip "cannot switch to nobody here"
# Everything nobody must read, in a folder it can enter.
d=$(mktemp -d /tmp/dsmirror-owner.XXXXXX)
trap 'rm -rf "$d"; cleanup' EXIT
chmod 755 "$d"
cp "$DSMIRROR" "$d/dsmirror"
chmod 755 "$d/dsmirror"
make_upstream r
git_server_start
write_config "$d/mirrors.json" r="$GIT_BASE/r.git"
chmod 644 "$d/mirrors.json"

# A first run as root makes the root and its lock (0600).
"$d/dsmirror" -c "$d/mirrors.json" -q fetch || fail "the run as root failed"
before=$(tree_digest "$d/mirrors")

assert_exit 3 as_nobody "$d/dsmirror" -c "$d/mirrors.json" fetch
assert_contains "$T/err" "$d/mirrors/.dsmirror.lock is owned by root (uid 0), but dsmirror runs as nobody"
assert_contains "$T/err" "chown -R"
assert_not_contains "$T/err" "Permission denied"
assert_eq "$before" "$(tree_digest "$d/mirrors")" "the root after the refused run"

# The root alone (made by `sudo mkdir`, say), no lock file yet.
rm "$d/mirrors/.dsmirror.lock"
assert_exit 3 as_nobody "$d/dsmirror" -c "$d/mirrors.json" fetch
assert_contains "$T/err" "$d/mirrors is owned by root (uid 0), but dsmirror runs as nobody"
[ ! -e "$d/mirrors/.dsmirror.lock" ] || fail "a lock file was made"

# Given to the service user as the message says, it runs.
chown -R nobody "$d/mirrors"
assert_exit 0 as_nobody "$d/dsmirror" -c "$d/mirrors.json" -q fetch
