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
size=$(du -sm "$ROOT" | cut -f1)

add_big_commit big 60
spawn "$DSMIRROR" -c "$CONFIG" fetch >"$T/bg.out" 2>&1
run=$SPAWNED
received() { [ "$(du -sm "$ROOT" | cut -f1)" -ge $((size + 5)) ]; }
wait_until 30 received || fail "fetch did not receive 5 MB in 30 s: $(cat "$T/bg.out")"
kill -9 "$run"
wait "$run" || true

assert_fsck "$m"
refs_now=$(refs "$m")
[ "$refs_now" = "$old_refs" ] || [ "$refs_now" = "$(refs "$up")" ] ||
	fail "mirror refs after the kill are neither the old nor the new ones:
$refs_now"
assert_exit 0 dsm fetch
assert_refs_equal "$up" "$m"
assert_no_tmp "$ROOT"
fsck_all "$ROOT"
