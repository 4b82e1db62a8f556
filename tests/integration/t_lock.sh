#!/usr/bin/env bash
# serial: it times dsmirror; run alone, not beside another scenario
# While a run holds the lock on the root, another run exits 4 at once, names
# the holder's PID and touches nothing. A lock left by a killed run (-9) does not
# block the next run.
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

stall_server_start
make_upstream r1
git_server_start
write_config "$CONFIG" stall="$STALL_URL/stall.git" r1="$GIT_BASE/r1.git"

spawn "$DSMIRROR" -c "$CONFIG" --timeout 20 fetch stall >"$T/bg.out" 2>&1
holder=$SPAWNED
# It connects (so it holds the lock) and waits for an answer that never comes.
wait_until 10 test -s "$STALL_LOG" || fail "the first run did not connect: $(cat "$T/bg.out")"
[ -e "$ROOT/.dsmirror.lock" ] || fail "no $ROOT/.dsmirror.lock while a run works"
lock=$(tree_digest "$ROOT/.dsmirror.lock")
start=$(now_ms)
assert_exit 4 dsm fetch r1
elapsed=$(($(now_ms) - start))
[ "$elapsed" -lt $((3000 * SLOW)) ] || fail "the second run took ${elapsed} ms to give up"
assert_contains "$T/err" "PID $holder"
assert_eq "$lock" "$(tree_digest "$ROOT/.dsmirror.lock")" "the lock file after the refused run"
[ -z "$(find "$ROOT" -maxdepth 1 -name '*r1*')" ] || fail "the refused run touched r1: $(ls -A "$ROOT")"
! gone "$holder" || fail "the holder ended early: $(cat "$T/bg.out")"

kill9 "$holder"
assert_exit 0 dsm fetch r1
assert_refs_equal "$T/upstream/r1.git" "$ROOT/r1.git"
fsck_all "$ROOT"
