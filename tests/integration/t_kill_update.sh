#!/usr/bin/env bash
# A run killed (-9) in the middle of an update leaves the mirror as it was or as
# it is after (complete either way); the next run finishes the update.
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

up=$T/upstream/big.git m=$ROOT/big.git
make_upstream big
GIT_SERVER_KBPS=20000 git_server_start   # 60 MB take 3 s: time to kill
write_config "$CONFIG" big="$GIT_BASE/big.git"
assert_exit 0 dsm fetch
old_refs=$(refs "$m")
size=$(du_mb "$ROOT")

add_big_commit big 60
spawn "$DSMIRROR" -c "$CONFIG" fetch >"$T/bg.out" 2>&1
run=$SPAWNED
received() { [ "$(du_mb "$ROOT")" -ge $((size + 5)) ]; }
wait_until 30 received || fail "fetch did not receive 5 MB in 30 s: $(cat "$T/bg.out")"
! gone "$run" || fail "the fetch ended before the kill: $(cat "$T/bg.out")"
kill9 "$run"
echo "killed during the fetch; packs: $(find "$m/objects/pack" -type f -printf '%f %s; ')"

assert_fsck "$m"
refs_now=$(refs "$m")
[ "$refs_now" = "$old_refs" ] || [ "$refs_now" = "$(refs "$up")" ] ||
	fail "mirror refs after the kill are neither the old nor the new ones:
$refs_now"
assert_exit 0 dsm fetch
assert_refs_equal "$up" "$m"
assert_no_tmp "$ROOT"
partial=$(find "$m/objects/pack" -name 'pack_git2_*')
[ -z "$partial" ] || fail "the partial pack of the killed run is still there: $partial"
fsck_all "$ROOT"
