#!/usr/bin/env bash
# sync -v prints every ref update and every old tip kept, beneath its table, as
# fetch -v does (the man page promises "every ref update"); without -v the
# table alone; -q nothing (issue 14).
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

make_upstream r
up=$T/upstream/r.git
git_server_start
write_config "$CONFIG" r="$GIT_BASE/r.git"
assert_exit 0 dsm -q sync
old=$(git -C "$up" rev-parse main)
git -C "$up" update-ref refs/heads/main "$(upstream_commit r main~1 "rewritten")"
new=$(git -C "$up" rev-parse main)
git -C "$up" update-ref refs/tags/v1 main

assert_exit 0 dsm -v sync
assert_contains "$T/out" "REPO"
assert_contains "$T/out" "r:"
assert_contains "$T/out" "kept old refs/heads/main ${old:0:7} as refs/dsmirror/preserved/"
assert_contains "$T/out" "kept old refs/tags/v1"
assert_contains "$T/out" "refs/heads/main ${old:0:7} -> ${new:0:7}"

git -C "$up" update-ref refs/heads/main "$(upstream_commit r main "more")"
assert_exit 0 dsm sync
assert_contains "$T/out" "REPO"
assert_not_contains "$T/out" "refs/heads/main"
git -C "$up" update-ref refs/heads/main "$(upstream_commit r main~1 "again")"
assert_exit 0 dsm -q -v sync
assert_empty "$T/out"
assert_refs_equal "$up" "$ROOT/r.git"
fsck_all "$ROOT"
