#!/usr/bin/env bash
# check-logs.sh DIR: the verdict of `make check-valgrind` on the valgrind logs
# in DIR (tests/valgrind/dsmirror writes one per process). Prints every log
# that reports a problem and exits 1 if there is one, or if there is no log at
# all (then the wrapper never ran). A log reports a problem when
#   - its ERROR SUMMARY counts errors: memory errors and definite leaks
#     (the others are not counted: --errors-for-leak-kinds=definite);
#   - it has no ERROR SUMMARY (a process killed with SIGKILL, which some
#     scenarios do on purpose, ends without one) yet shows a stack trace:
#     an error reported before the kill;
#   - the process died of a crash signal (SEGV, BUS, ILL, FPE, ABRT).
set -uo pipefail
dir=${1:?usage: check-logs.sh DIR}
shopt -s nullglob
logs=("$dir"/vg.*.log)
[ ${#logs[@]} -gt 0 ] || { echo "check-valgrind: no valgrind log in $dir" >&2; exit 1; }

bad=()
for log in "${logs[@]}"; do
	if grep -q '== ERROR SUMMARY: ' "$log"; then
		grep -q '== ERROR SUMMARY: 0 errors' "$log" || { bad+=("$log"); continue; }
	elif grep -qE '^==[0-9]+==    at 0x' "$log"; then
		bad+=("$log")
		continue
	fi
	if grep -qE '== Process terminating with default action of signal [0-9]+ \(SIG(SEGV|BUS|ILL|FPE|ABRT)\)' "$log"; then
		bad+=("$log")
	fi
done

for log in "${bad[@]}"; do
	printf '\n===== %s\n' "$log"
	cat "$log"
done
if [ ${#bad[@]} -gt 0 ]; then
	printf '\ncheck-valgrind: %d of %d valgrind logs report errors or definite leaks (above)\n' \
		${#bad[@]} ${#logs[@]}
	exit 1
fi
echo "check-valgrind: ${#logs[@]} valgrind logs, no errors, no definite leaks"
