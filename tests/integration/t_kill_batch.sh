#!/usr/bin/env bash
# A large update (past 64 ref writes) goes into packed-refs in one write: old
# tips kept and refs moved at the same moment. Killed (-9) before that write
# the mirror is as it was; killed after it, before the loose files it
# supersedes are gone, the refs with a loose file read their old value, every
# one whole and every old tip kept; either way the next run finishes, keeping
# no tip twice (issue 13).
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

make_upstream r
up=$T/upstream/r.git m=$ROOT/r.git
write_config "$CONFIG" r="file://$up"
a=$(git -C "$up" rev-parse main~1) b=$(git -C "$up" rev-parse main)
seq -f "create refs/tags/t%03g $a" 1 100 | git -C "$up" update-ref --stdin
dsm -q fetch || fail "first fetch failed"
# 30 tags moved: 60 ref writes, loose files (libgit2's own).
seq -f "update refs/tags/t%03g $b" 1 30 | git -C "$up" update-ref --stdin
dsm -q fetch || fail "fetch of 30 moves failed"
[ "$(find "$m/refs/tags" -type f | wc -l)" = 30 ] || fail "expected 30 loose tags"
before=$(git -C "$m" for-each-ref --format='%(objectname) %(refname)')

# All 100 tags moved (t001-t030 back to a, the rest to b): 200 writes, batched.
seq -f "update refs/tags/t%03g $a" 1 30 | git -C "$up" update-ref --stdin
seq -f "update refs/tags/t%03g $b" 31 100 | git -C "$up" update-ref --stdin

assert_exit 3 env DSMIRROR_TEST_KILL=packed-refs-locked "$DSMIRROR" -c "$CONFIG" fetch
assert_contains "$T/err" "worker killed by signal 9"
[ "$(git -C "$m" for-each-ref --format='%(objectname) %(refname)')" = "$before" ] ||
	fail "killed before packed-refs was renamed, the refs changed"
[ ! -e "$m/packed-refs.lock" ] || fail "the lock of the killed write is still there"
assert_fsck "$m"

assert_exit 3 env DSMIRROR_TEST_KILL=packed-refs-written "$DSMIRROR" -c "$CONFIG" fetch
assert_fsck "$m"
for i in $(seq -f %03g 1 100); do
	got=$(git -C "$m" rev-parse "refs/tags/t$i")
	# t001-t030: the old value of their loose file; the rest: the new one.
	[ "$got" = "$b" ] || fail "t$i reads $got after the kill, expected $b"
done
# Every tip the tags held before the update is kept by a ref.
kept=$(git -C "$m" for-each-ref --format='%(objectname) %(refname)' refs/dsmirror/preserved)
[ "$(echo "$kept" | grep -c "^$a .*/refs/tags/t")" -ge 70 ] ||
	fail "the old tips of t031-t100 are not all kept: $kept"

assert_exit 0 dsm fetch
assert_refs_equal "$up" "$m"
# The rerun's 30 moves (60 writes) are libgit2's loose files again.
[ "$(find "$m/refs" -type f | wc -l)" -le 64 ] || fail "too many loose refs left"
# Each moved tag's old tip kept once: 30 by the first update, 100 by this one.
[ "$(git -C "$m" for-each-ref refs/dsmirror/preserved | wc -l)" = 130 ] ||
	fail "expected 130 preserved tips, found $(git -C "$m" for-each-ref refs/dsmirror/preserved | wc -l)"
fsck_all "$ROOT"
