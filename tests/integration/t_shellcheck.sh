#!/usr/bin/env bash
# The test and benchmark scripts pass shellcheck at warning level: a quote
# left open in a scenario once turned a dozen of its assertions into one
# string argument, and the scenario passed without checking them
# (t_releases_gone, found in issue 14). shellcheck is one of `make deps`'s
# packages.
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

command -v shellcheck >/dev/null || fail "shellcheck is not installed (make deps installs it)"
top=$(dirname "$TESTS_DIR")
cd "$top" || fail "no source tree at $top"
# A second each (every scenario sources common.sh): on every CPU.
printf '%s\0' tests/integration/*.sh tests/*.sh bench/*.sh .ci/run |
	xargs -0 -n 8 -P "$(nproc)" shellcheck -x -S warning >"$T/out" 2>&1 ||
	fail "shellcheck warnings:
$(head -c 3000 "$T/out")"

# It would have caught that quote: a copy with one reopened fails.
sed "s/failures=\"0\"'\$/failures=\"0\"/" tests/integration/t_releases_gone.sh >"$T/t_open_quote.sh"
cmp -s "$T/t_open_quote.sh" tests/integration/t_releases_gone.sh && fail "the quote was not reopened"
! shellcheck -x -S warning "$T/t_open_quote.sh" >/dev/null 2>&1 ||
	fail "shellcheck did not see a quote left open"
