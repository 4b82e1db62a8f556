#!/usr/bin/env bash
# Upstream moves many tags at once: each old tip is preserved, and the report
# says so in one line (a count) without -v, lists every one with -v, and -q
# prints nothing (issue 13: 9,999 "kept old" lines for one tag move).
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

git_server_start
make_upstream R
up=$T/upstream/R.git
for i in $(seq 1 12); do git -C "$up" tag "m$i" main~1; done
write_config "$CONFIG" "R=$GIT_BASE/R.git"
dsm -q fetch || fail "first fetch failed"

move_tags() { for i in $(seq 1 12); do git -C "$up" tag -f "m$i" "$1" >/dev/null; done; }

move_tags main
dsm fetch >"$T/out" 2>"$T/err" || fail "fetch after the tag move failed"
assert_empty "$T/err"
assert_contains "$T/out" "kept 12 old tips under refs/dsmirror/preserved/ (-v lists them)"
assert_not_contains "$T/out" "kept old refs/tags/m"

move_tags main~1
dsm -v fetch >"$T/out" 2>"$T/err" || fail "fetch -v after the tag move failed"
# -v's lines on stderr: what the ref listings showed (fastpath.c), nothing else.
grep -v -e '^fast path: ' -e '^workers: ' "$T/err" >"$T/err.other" || true
assert_empty "$T/err.other"
[ "$(grep -c 'kept old refs/tags/m' "$T/out")" = 12 ] || fail "-v must list the 12 kept tips:
$(cat "$T/out")"

move_tags main
dsm -q fetch >"$T/out" 2>"$T/err" || fail "fetch -q after the tag move failed"
assert_empty "$T/out"
assert_empty "$T/err"
[ "$(git -C "$ROOT/R.git" for-each-ref refs/dsmirror/preserved | wc -l)" = 24 ] ||
	fail "expected 24 preserved tips (the third move finds its old tips kept)"
assert_refs_equal "$up" "$ROOT/R.git"
fsck_all "$ROOT"

# 40 more tags, written loose beside the 36 loose files the moves above left:
# past 64 (MAINT_MAX_LOOSE_REFS), the update packs them with libgit2
# (packed-refs) and reports it.
for i in $(seq 1 40); do git -C "$up" tag "p$i" main~1; done
dsm fetch --json >"$T/out" || fail "fetch of 40 new tags failed"
[ "$(json_get "repo('R')['fetch']['maintenance']['refs_packed']")" = 76 ] ||
	fail "the report does not say the refs were packed: $(cat "$T/out")"
loose=$(find "$ROOT/R.git/refs" -type f | wc -l)
[ "$loose" = 0 ] || fail "$loose loose ref files left after the update"
# All 40 moved: 80 ref writes (40 tips kept, 40 moves), past 64
# (MIRROR_BATCH_REFS): written at once into packed-refs, no loose file made,
# nothing left for maintenance; every ref reads as upstream's.
for i in $(seq 1 40); do git -C "$up" tag -f "p$i" main >/dev/null; done
dsm fetch --json >"$T/out" || fail "fetch of the 40 tag moves failed"
loose=$(find "$ROOT/R.git/refs" -type f | wc -l)
[ "$loose" = 0 ] || fail "$loose loose ref files after a batched update"
[ "$(json_get "'maintenance' in repo('R')['fetch']")" = false ] ||
	fail "maintenance ran after a batched update: $(cat "$T/out")"
[ "$(json_get "len(repo('R')['fetch']['preserved'])")" = 40 ] ||
	fail "the report does not list the 40 kept tips: $(cat "$T/out")"
assert_refs_equal "$up" "$ROOT/R.git"
[ "$(git -C "$ROOT/R.git" for-each-ref refs/dsmirror/preserved | wc -l)" = 64 ] ||
	fail "expected 64 preserved tips"
fsck_all "$ROOT"
