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
assert_empty "$T/err"
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

# 40 more tags (packed by that fetch, past 64 loose refs), then all moved: 40
# moved tags and 40 preserved tips written loose, past 64: the update packs them
# (libgit2's packed-refs) and reports it; every ref still reads the same.
for i in $(seq 1 40); do git -C "$up" tag "p$i" main~1; done
dsm -q fetch || fail "fetch of 40 new tags failed"
for i in $(seq 1 40); do git -C "$up" tag -f "p$i" main >/dev/null; done
dsm fetch --json >"$T/out" || fail "fetch of the 40 tag moves failed"
loose=$(find "$ROOT/R.git/refs" -type f | wc -l)
[ "$loose" -le 64 ] || fail "$loose loose ref files left after the update"
[ "$(json_get "repo('R')['fetch']['maintenance']['refs_packed']")" = 80 ] ||
	fail "the report does not say the refs were packed: $(cat "$T/out")"
assert_refs_equal "$up" "$ROOT/R.git"
[ "$(git -C "$ROOT/R.git" for-each-ref refs/dsmirror/preserved | wc -l)" = 64 ] ||
	fail "expected 64 preserved tips"
fsck_all "$ROOT"
