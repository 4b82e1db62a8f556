#!/usr/bin/env bash
# run-integration.sh [NAME...]: run the integration scenarios tests/integration/t_*.sh
# (or only those named: t_lock, t_lock.sh or lock), each in its own bash.
# Prints ok/skip/FAIL and the time of each, then the log of each failure; exits 1
# if any failed. DSMIRROR=path selects the binary (default: ./dsmirror); a
# scenario still running after SCENARIO_TIMEOUT seconds (default 120) fails.
# JOBS=N runs N scenarios at a time (default: the number of CPUs); a scenario
# whose script has a line "# serial" (it measures time or counts syscalls)
# runs after the others, alone.
set -uo pipefail
export LC_ALL=C

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export DSMIRROR=${DSMIRROR:-$(dirname "$here")/dsmirror}
[ -x "$DSMIRROR" ] || echo "warning: no dsmirror binary at $DSMIRROR (run make)" >&2

scenarios=()
if [ $# -eq 0 ]; then
	scenarios=("$here"/integration/t_*.sh)
else
	for name in "$@"; do
		name=${name%.sh}
		name=t_${name#t_}
		[ -f "$here/integration/$name.sh" ] || { echo "no scenario $name" >&2; exit 2; }
		scenarios+=("$here/integration/$name.sh")
	done
fi

# Each scenario's temp folder goes under $run, so that what it leaves behind
# (files, or processes whose command line names them) can be found and shown.
run=$(mktemp -d "${TMPDIR:-/tmp}/dsmirror-run.XXXXXX")
if [ -n "${KEEP_TMP:-}" ]; then echo "temp folders kept in $run"; else trap 'rm -rf "$run"' EXIT; fi
# run_one SCRIPT: run one scenario; its status line goes to $run/NAME.status.
run_one() {
	local script=$1 name log rc start end leaked status
	name=$(basename "$script" .sh)
	log=$run/$name.log
	mkdir "$run/$name"
	start=${EPOCHREALTIME/[.,]/}
	TMPDIR=$run/$name timeout -k 5 "${SCENARIO_TIMEOUT:-120}" bash "$script" >"$log" 2>&1
	rc=$?
	[ $rc -ne 124 ] || echo "FAIL: timed out after ${SCENARIO_TIMEOUT:-120} s" >>"$log"
	end=${EPOCHREALTIME/[.,]/}
	if leaked=$(pgrep -f -- "$run/$name/"); then
		echo "FAIL: processes left running (now killed):" >>"$log"
		ps -o pid=,args= -p "${leaked//$'\n'/,}" >>"$log"
		for pid in $leaked; do kill -9 "$pid" 2>/dev/null; done
		rc=1
	fi
	if [ -z "${KEEP_TMP:-}" ] && [ -n "$(ls -A "$run/$name")" ]; then
		echo "FAIL: temp files left: $(ls -A "$run/$name")" >>"$log"
		rc=1
	fi
	status=ok
	[ $rc -eq 0 ] && grep -q '^skip:' "$log" && status=skip
	[ $rc -eq 0 ] || status=FAIL
	printf '%-4s %-26s %5d.%01ds\n' "$status" "$name" \
		$(((end - start) / 1000000)) $(((end - start) / 100000 % 10)) | tee "$run/$name.status"
}

jobs=${JOBS:-$(nproc 2>/dev/null || echo 1)}
[ "$jobs" -ge 1 ] 2>/dev/null || jobs=1
parallel=() serial=()
for script in "${scenarios[@]}"; do
	if grep -q '^# serial' "$script"; then serial+=("$script"); else parallel+=("$script"); fi
done
running=0
for script in "${parallel[@]}"; do
	if [ "$running" -ge "$jobs" ]; then wait -n; running=$((running - 1)); fi
	run_one "$script" &
	running=$((running + 1))
done
wait
for script in "${serial[@]}"; do run_one "$script"; done

failed=()
for script in "${scenarios[@]}"; do
	name=$(basename "$script" .sh)
	grep -q '^FAIL' "$run/$name.status" 2>/dev/null && failed+=("$name")
	[ -e "$run/$name.status" ] || failed+=("$name")
done

for name in "${failed[@]}"; do
	printf '\n===== %s =====\n' "$name"
	cat "$run/$name.log"
done
[ ${#failed[@]} -eq 0 ] || { printf '\n%d of %d failed: %s\n' ${#failed[@]} ${#scenarios[@]} "${failed[*]}"; exit 1; }
printf '\nall %d passed\n' ${#scenarios[@]}
