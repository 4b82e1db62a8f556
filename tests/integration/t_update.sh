#!/usr/bin/env bash
# A new commit and a new tag upstream: "updated", refs equal upstream, the new
# head reported, and fetch.updated lists each ref with its old and new id.
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

make_upstream r1
git_server_start
write_config "$CONFIG" r1="$GIT_BASE/r1.git"
assert_exit 0 dsm fetch
old=$(git -C "$T/upstream/r1.git" rev-parse main)

work_commit r1
work r1 tag v2
work r1 push -q origin main v2
new=$(git -C "$T/upstream/r1.git" rev-parse main)
assert_exit 0 dsm --json fetch

assert_eq updated "$(fetch_field r1 result)" "fetch.result"
assert_eq "$new" "$(fetch_field r1 head)" "fetch.head"
assert_refs_equal "$T/upstream/r1.git" "$ROOT/r1.git"
assert_eq "[\"$old\", \"$new\"]" \
	"$(json_get '[[u["old"], u["new"]] for u in repo("r1")["fetch"]["updated"] if u["ref"] == "refs/heads/main"][0]')" \
	"old and new of refs/heads/main in fetch.updated"
assert_eq "[null, \"$new\"]" \
	"$(json_get '[[u["old"], u["new"]] for u in repo("r1")["fetch"]["updated"] if u["ref"] == "refs/tags/v2"][0]')" \
	"old and new of refs/tags/v2 in fetch.updated"
fsck_all "$ROOT"
