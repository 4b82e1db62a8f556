#!/usr/bin/env bash
# sync on a terminal (script(1) gives it a real pseudo-terminal): live
# progress while fetching, then the table, in colour; NO_COLOR turns the
# colour off; without a terminal, no escape code at all.
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

command -v script >/dev/null || { echo "skip: no script(1)"; exit 0; }
export GITHUB_TOKEN=ghp_tty_token TERM=xterm
make_big_upstream big 4
git_server_start
api_server_start
api_fixture deepseek-ai/big --releases 1
releases_config "$CONFIG" big=deepseek-ai/big
GIT_SERVER_KBPS=2000 git_server_stop
GIT_SERVER_KBPS=2000 git_server_start

script -qfec "$DSMIRROR -c $CONFIG --cacert $CA_PEM sync" "$T/tty.log" >/dev/null </dev/null ||
	fail "sync in a terminal failed: $(cat -v "$T/tty.log")"
grep -q 'receiving' "$T/tty.log" || fail "no progress line in the terminal: $(cat -v "$T/tty.log")"
grep -q 'REPO  FETCH' "$T/tty.log" || fail "no table after the progress: $(cat -v "$T/tty.log")"
grep -q 'big  *cloned  *[0-9a-f]\{7\}' "$T/tty.log" || fail "no row for big: $(cat -v "$T/tty.log")"
grep -q $'\033\\[32mok\033\\[0m' "$T/tty.log" || fail "the verdict is not green on a terminal: $(cat -v "$T/tty.log")"
grep -q $'\033\\[33mv1.0 (changed)\033\\[0m' "$T/tty.log" || fail "a changed release is not yellow: $(cat -v "$T/tty.log")"

# NO_COLOR: the table without colour (progress still redraws in place).
NO_COLOR=1 script -qfec "$DSMIRROR -c $CONFIG --cacert $CA_PEM --no-progress sync" "$T/tty2.log" >/dev/null </dev/null ||
	fail "sync with NO_COLOR failed: $(cat -v "$T/tty2.log")"
grep -q 'big  *unchanged' "$T/tty2.log" || fail "no table with NO_COLOR: $(cat -v "$T/tty2.log")"
if grep -q $'\033' "$T/tty2.log"; then fail "escape codes with NO_COLOR and --no-progress: $(cat -v "$T/tty2.log")"; fi

# No terminal: no escape codes, no progress.
assert_exit 0 dsm --cacert "$CA_PEM" sync
if grep -q $'\033' "$T/out" "$T/err"; then fail "escape codes without a terminal"; fi
if grep -q 'receiving' "$T/out" "$T/err"; then fail "progress without a terminal"; fi
assert_contains "$T/out" "big   unchanged"
fsck_all "$ROOT"
