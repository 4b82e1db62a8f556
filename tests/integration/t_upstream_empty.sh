#!/usr/bin/env bash
# An upstream that suddenly advertises no branch or tag (emptied, or the URL
# now names an empty repository) is called out, exit 3, not reported
# "updated": the mirror keeps every ref as it was (issue 14). Once upstream has
# refs again, the next run updates as usual.
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

make_upstream r
up=$T/upstream/r.git m=$ROOT/r.git
git_server_start
write_config "$CONFIG" r="$GIT_BASE/r.git"
assert_exit 0 dsm -q fetch
before=$(git -C "$m" for-each-ref --format='%(objectname) %(refname)')
mv "$up" "$T/kept.git"
git init -q --bare "$up"

assert_exit 3 dsm --json fetch
assert_eq error "$(fetch_field r result)" "fetch.result of an emptied upstream"
assert_exit 3 dsm fetch
assert_contains "$T/err" "r: fetch failed: $GIT_BASE/r.git advertises no branch or tag, where the mirror has"
assert_contains "$T/err" "check the URL in mirrors.json"
[ "$(git -C "$m" for-each-ref --format='%(objectname) %(refname)')" = "$before" ] ||
	fail "the mirror's refs changed"

rm -rf "$up"
mv "$T/kept.git" "$up"
assert_exit 0 dsm -q fetch
assert_refs_equal "$up" "$m"
fsck_all "$ROOT"
