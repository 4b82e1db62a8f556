#!/usr/bin/env bash
# -q and success: nothing on stdout or stderr. Without a terminal (the default)
# and with --no-progress: no ANSI escape sequences, even with TERM set.
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

export TERM=xterm-256color
for r in r1 r2 r3; do make_upstream $r; done
git_server_start
write_config "$CONFIG" r1="$GIT_BASE/r1.git" r2="$GIT_BASE/r2.git" r3="$GIT_BASE/r3.git"

assert_exit 0 dsm -q fetch r1
assert_empty "$T/out"
assert_empty "$T/err"
work_commit r1
work r1 push -q origin main
assert_exit 0 dsm -q fetch r1
assert_empty "$T/out"
assert_empty "$T/err"

for run in "r2" "--no-progress r3"; do
	# shellcheck disable=SC2086 # options and names, split on purpose
	assert_exit 0 dsm fetch $run
	! grep -q $'\033' "$T/out" "$T/err" || fail "escape bytes from 'fetch $run': $(cat -v "$T/out" "$T/err")"
done
fsck_all "$ROOT"
