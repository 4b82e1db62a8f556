#!/usr/bin/env bash
# When one upstream disappears the run exits 3, reports that repo as "error"
# with a reason, still updates the other, and leaves the broken mirror byte for
# byte as it was.
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

make_upstream r1
make_upstream r2
git_server_start
write_config "$CONFIG" r1="$GIT_BASE/r1.git" r2="$GIT_BASE/r2.git"
assert_exit 0 dsm fetch

work_commit r2
work r2 push -q origin main
before=$(tree_digest "$ROOT/r1.git")
rm -rf "$T/upstream/r1.git"
assert_exit 3 dsm --json fetch

assert_eq 3 "$(json_get 'j["exit"]')" "json exit"
assert_eq error "$(fetch_field r1 result)" "r1 fetch.result"
error=$(fetch_field r1 error)
[[ -n $error && $error != null ]] || fail "r1 fetch.error is empty"
assert_eq updated "$(fetch_field r2 result)" "r2 fetch.result"
assert_refs_equal "$T/upstream/r2.git" "$ROOT/r2.git"
assert_eq "$before" "$(tree_digest "$ROOT/r1.git")" "r1 mirror files (owner mode type path, sha256)"
fsck_all "$ROOT"
