#!/usr/bin/env bash
# serial: it times dsmirror; run alone, not beside another scenario
# An upstream that accepts the connection and never answers: --timeout 3 ends
# the transfer, the run exits 3 in seconds, and no mirror or temp is left.
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

stall_server_start
write_config "$CONFIG" s="$STALL_URL/s.git"
start=$(now_ms)
assert_exit 3 timeout $((30 * SLOW)) "$DSMIRROR" -c "$CONFIG" --timeout 3 --json fetch
elapsed=$(($(now_ms) - start))
[ "$elapsed" -lt $((15000 * SLOW)) ] || fail "took ${elapsed} ms with --timeout 3"
[ -s "$STALL_LOG" ] || fail "dsmirror never connected to the stall server"

assert_eq error "$(fetch_field s result)" "fetch.result"
[ ! -e "$ROOT/s.git" ] || fail "a mirror was created: $ROOT/s.git"
assert_no_tmp "$ROOT"
left=$(find "$ROOT" -mindepth 1 -maxdepth 1 ! -name '.*' ! -name 'state*' 2>/dev/null)
[ -z "$left" ] || fail "left in the root: $left"
fsck_all "$ROOT"
