#!/usr/bin/env bash
# A run killed (-9) in the middle of a clone leaves no mirror or a complete one;
# the next run finishes the clone and cleans up the temp.
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

make_big_upstream big 60
GIT_SERVER_KBPS=20000 git_server_start   # 60 MB take 3 s: time to kill
write_config "$CONFIG" big="$GIT_BASE/big.git"

spawn "$DSMIRROR" -c "$CONFIG" fetch >"$T/bg.out" 2>&1
run=$SPAWNED
received() { [ "$(du_mb "$ROOT")" -ge 5 ]; }
wait_until 30 received || fail "fetch did not receive 5 MB in 30 s: $(cat "$T/bg.out")"
! gone "$run" || fail "the fetch ended before the kill: $(cat "$T/bg.out")"
kill9 "$run"
echo "killed during the fetch; root holds: $(find "$ROOT" -mindepth 1 -maxdepth 1 -printf '%f ')"

if [ -e "$ROOT/big.git" ]; then
	assert_fsck "$ROOT/big.git"
	assert_refs_equal "$T/upstream/big.git" "$ROOT/big.git"
fi
assert_exit 0 dsm fetch
assert_refs_equal "$T/upstream/big.git" "$ROOT/big.git"
assert_no_tmp "$ROOT"
fsck_all "$ROOT"
