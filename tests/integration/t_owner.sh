#!/usr/bin/env bash
# A mirror owned by another user is not written to (as root, files we made
# would break it for its owner): exit 3, a message saying who owns it, the
# mirror left as it was.
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

[ "$(id -u)" = 0 ] || skip "needs root to give the mirror to another user"
make_upstream r1
git_server_start
write_config "$CONFIG" r1="$GIT_BASE/r1.git"
assert_exit 0 dsm fetch
chown -R nobody "$ROOT/r1.git"
work_commit r1
work r1 push -q origin main
before=$(tree_digest "$ROOT/r1.git")

assert_exit 3 dsm fetch
grep -q 'owned by' "$T/out" "$T/err" || fail "no 'owned by' in the output: $(cat "$T/out" "$T/err")"
assert_eq "$before" "$(tree_digest "$ROOT/r1.git")" "the mirror owned by nobody"
chown -R root "$ROOT/r1.git"   # so that git lets fsck in
fsck_all "$ROOT"
