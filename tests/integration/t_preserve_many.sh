#!/usr/bin/env bash
# Upstream moves 1,500 tags at once: one fetch, with a short --timeout, keeps
# every old tip (the worker's heartbeat holds off the watchdog, and looking
# up what is already preserved does not grow with the namespace), and a
# rerun preserves nothing twice.
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

n=1500
make_upstream r1
up=$T/upstream/r1.git
first=$(git -C "$up" rev-parse main~1) second=$(git -C "$up" rev-parse main)
seq -f "create refs/tags/t%04g $first" 1 $n | git -C "$up" update-ref --stdin
git_server_start
write_config "$CONFIG" r1="$GIT_BASE/r1.git"
assert_exit 0 dsm fetch

seq -f "update refs/tags/t%04g $second" 1 $n | git -C "$up" update-ref --stdin
assert_exit 0 dsm --timeout 3 fetch
assert_refs_equal "$up" "$ROOT/r1.git"
kept=$(git -C "$ROOT/r1.git" for-each-ref refs/dsmirror/preserved | wc -l)
assert_eq "$n" "$kept" "preserved refs after moving $n tags"
assert_exit 0 dsm fetch
assert_eq "$n" "$(git -C "$ROOT/r1.git" for-each-ref refs/dsmirror/preserved | wc -l)" \
	"preserved refs after a rerun"
fsck_all "$ROOT"
