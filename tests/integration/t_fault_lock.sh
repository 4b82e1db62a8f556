#!/usr/bin/env bash
# The root's lock held by a live process that is not a dsmirror run: by an
# fcntl lock (as a dsmirror run holds it) or by flock(1) (as a dsmirror run's
# surviving workers do). fetch, releases and sync refuse at once (exit 4) with
# a message that says who holds it, touching nothing; verify and status, which
# only read, work; a lock file that is a symlink is refused, never followed.
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

make_upstream r1
git_server_start
write_config "$CONFIG" r1="$GIT_BASE/r1.git"
assert_exit 0 dsm sync
work_commit r1 README "not to be fetched while locked"
work r1 push -q origin main
lock=$ROOT/.dsmirror.lock

# refused: every command that writes gives up at once, touching nothing.
refused() {
	local digest cmd
	digest=$(tree_digest "$ROOT")
	for cmd in fetch releases sync; do
		assert_exit 4 dsm "$cmd"
		assert_contains "$T/err" "$1"
	done
	assert_eq "$digest" "$(tree_digest "$ROOT")" "the root after refused runs"
	assert_exit 0 dsm verify
	assert_contains "$T/out" "r1  LICENSE  ok"
	assert_exit 0 dsm status
}

# An fcntl lock, held by a process that is not dsmirror.
spawn "$PYTHON" -c '
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR)
fcntl.lockf(fd, fcntl.LOCK_EX)
open(sys.argv[2], "w").close()
time.sleep(120)' "$lock" "$T/locked" </dev/null
holder=$SPAWNED
wait_until 10 test -e "$T/locked" || fail "the locking process did not start"
refused "another dsmirror run (PID $holder) holds the lock on $ROOT"
stop "$holder"

# flock(1), as a run's workers hold it.
rm -f "$T/locked"
spawn flock "$lock" sh -c ": >'$T/locked'; exec sleep 120" </dev/null
holder=$SPAWNED
wait_until 10 test -e "$T/locked" || fail "flock did not take the lock"
refused "another process holds the lock on $ROOT (workers of a stopped dsmirror run, or a program such as flock(1)); try again in a moment"
pkill -P "$holder" sleep 2>/dev/null || true
stop "$holder"

# The holder gone, the next run works.
assert_exit 0 dsm fetch
assert_refs_equal "$T/upstream/r1.git" "$ROOT/r1.git"

# A lock file that is a symlink is not followed.
echo "not a lock" >"$T/target"
rm "$lock"
ln -s "$T/target" "$lock"
assert_exit 3 dsm fetch
assert_contains "$T/err" "cannot open $lock"
assert_eq "not a lock" "$(cat "$T/target")" "the symlink's target"
fsck_all "$ROOT"
