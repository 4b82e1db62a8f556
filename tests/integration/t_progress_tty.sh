#!/usr/bin/env bash
# On a terminal, fetch shows live progress lines (drawn with escape codes and
# erased before the report); without a terminal or with --no-progress, none.
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

command -v script >/dev/null || { echo "skip: no script(1)"; exit 0; }
make_big_upstream big 4
git_server_start
write_config "$CONFIG" big="$GIT_BASE/big.git"

# script(1) runs dsmirror in a real pseudo-terminal and copies what it drew.
GIT_SERVER_KBPS=2000 git_server_stop
GIT_SERVER_KBPS=2000 git_server_start
script -qfec "$DSMIRROR -c $CONFIG fetch" "$T/tty.log" >/dev/null </dev/null ||
	fail "fetch in a terminal failed: $(cat "$T/tty.log")"
grep -q 'receiving' "$T/tty.log" || fail "no progress line in the terminal: $(cat -v "$T/tty.log")"
grep -q $'\033\\[' "$T/tty.log" || fail "progress was not redrawn in place"
grep -q 'big  *cloned' "$T/tty.log" || fail "no report after the progress"

rm -rf "$ROOT/big.git"
assert_exit 0 dsm fetch
if grep -q $'\033' "$T/out" "$T/err"; then fail "escape codes without a terminal"; fi
grep -q 'receiving' "$T/out" "$T/err" && fail "progress without a terminal"
script -qfec "$DSMIRROR -c $CONFIG --no-progress fetch" "$T/tty2.log" >/dev/null </dev/null
if grep -q $'\033' "$T/tty2.log"; then fail "escape codes with --no-progress"; fi
fsck_all "$ROOT"
