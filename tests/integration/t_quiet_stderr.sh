#!/usr/bin/env bash
# cron mails what a job prints on stderr: with -q, with --json, and with any
# mix of -q, --json, --junit and --metrics, a failing run names each repo and
# its problem on stderr (the license verdict and the words that changed, a
# failed fetch), while the JSON goes to stdout; with -q a clean run prints
# nothing at all. For sync (the table's problem lines) and verify, fetch and
# releases (the line report's).
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

sync_fixture
export GITHUB_TOKEN=ghp_quiet_token
run() { dsm --cacert "$CA_PEM" "$@"; }

# combos: every subset of the four options, as argument strings.
combos=()
for q in '' -q; do
	for j in '' --json; do
		for u in '' "--junit $T/junit.xml"; do
			for m in '' "--metrics $T/metrics.prom"; do
				combos+=("$q $j $u $m")
			done
		done
	done
done

# Under valgrind (SLOW > 1) the memory checks need not see every mix: each
# option alone, none and all of them. make check runs all 16.
if [ "$SLOW" != 1 ]; then
	combos=("" -q --json "--junit $T/junit.xml" "--metrics $T/metrics.prom"
		"-q --json --junit $T/junit.xml --metrics $T/metrics.prom")
fi

assert_exit 0 run sync
for c in "${combos[@]}"; do
	case $c in -q*) ;; *) continue ;; esac
	# shellcheck disable=SC2086 # options, split on purpose
	assert_exit 0 run $c sync
	assert_empty "$T/err"
	case $c in *--json*) json_get "j['exit']" >/dev/null ;; *) assert_empty "$T/out" ;; esac
done
echo "clean: ${#combos[@]} combinations, -q ones silent on stderr"

# r1's license gains a restriction; r2's upstream is gone.
work_commit r1 LICENSE "$(mit_license | sed 's/without restriction/with restrictions/')"
work r1 push -q origin main
assert_exit 1 run sync
mv "$T/upstream/r2.git" "$T/r2.gone"
for cmd in sync fetch verify; do
	for c in "${combos[@]}"; do
		expected=1
		[ "$cmd" = fetch ] && expected=3
		# shellcheck disable=SC2086 # options, split on purpose
		assert_exit $expected run $c $cmd
		# The table's problem line (sync) or the line report's (verify).
		[ "$cmd" = fetch ] || grep -qE '^r1(: | +)LICENSE(: | +)not-expected' "$T/err" ||
			fail "$cmd $c: no line naming r1, LICENSE and its verdict on stderr: $(cat "$T/err")"
		[ "$cmd" = fetch ] || assert_contains "$T/err" "with restrictions"
		[ "$cmd" = verify ] || assert_contains "$T/err" "r2: fetch failed:"
		case $c in
		*--json*) assert_eq $expected "$(json_get "j['exit']")" "$cmd $c: the JSON report's exit"
			assert_not_contains "$T/out" "fetch failed" ;;
		esac
	done
	echo "$cmd: failing, ${#combos[@]} combinations name the problems on stderr"
done

# An API error, the same way.
api_faults '{"faults": [{"mode": "status", "code": 404, "path": "/repos/deepseek-ai/r1"}]}'
for c in "${combos[@]}"; do
	# shellcheck disable=SC2086 # options, split on purpose
	assert_exit 3 run $c releases
	assert_contains "$T/err" "r1: release check failed:"
done
echo "releases: failing, ${#combos[@]} combinations name the problem on stderr"
