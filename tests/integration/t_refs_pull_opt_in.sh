#!/usr/bin/env bash
# A repo whose "refs" lists refs/pull/* gets them mirrored too; the no-op's
# ref listing asks for them (ref-prefix refs/pull/) and sees a new one.
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

make_upstream r1
git_server_start
cat >"$CONFIG" <<JSON
{
  "version": 1,
  "root": "mirrors",
  "api": "https://127.0.0.1:9",
  "repos": [
    {"name": "r1", "url": "$GIT_BASE/r1.git",
     "refs": ["refs/heads/*", "refs/tags/*", "refs/pull/*"],
     "licenses": [{"path": "LICENSE", "spdx": "MIT"}]}
  ]
}
JSON

assert_exit 0 dsm fetch
assert_refs_equal "$T/upstream/r1.git" "$ROOT/r1.git"
assert_refs_equal "$T/upstream/r1.git" "$ROOT/r1.git" refs/pull
assert_eq "$(git -C "$T/upstream/r1.git" rev-parse refs/pull/1/head)" \
	"$(git -C "$ROOT/r1.git" rev-parse -q --verify refs/pull/1/head || true)" "refs/pull/1/head"

assert_exit 0 dsm -v --json fetch
assert_contains "$T/err" "fast path: r1: unchanged (protocol v2, "
git -C "$T/upstream/r1.git" update-ref refs/pull/2/head refs/heads/feature
assert_exit 0 dsm -v --json fetch
assert_contains "$T/err" "fast path: r1: to a worker: refs differ"
assert_eq updated "$(fetch_field r1 result)" "fetch.result after a new pull ref"
assert_refs_equal "$T/upstream/r1.git" "$ROOT/r1.git" refs/pull
fsck_all "$ROOT"
