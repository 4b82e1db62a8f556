#!/bin/sh
# fuzz/run.sh BUILD SECONDS TARGET... - run each libFuzzer target in turn.
#
# Each target BUILD/fuzz_TARGET runs for SECONDS on its working corpus
# BUILD/corpus/TARGET, into which the seeds of tests/fuzz/TARGET are copied
# first (new inputs go there, never into tests/fuzz), with the dictionary
# fuzz/TARGET.dict when there is one.  A crash, a leak, an input slower than
# 10 s or more than 2 GiB of memory stops the run: the log is shown, the
# input is saved under BUILD/artifacts/TARGET/, and the exit status is 1.
# Otherwise one line per target: executions, corpus size, "no crash".
set -eu

[ $# -ge 3 ] || { echo "usage: $0 BUILD SECONDS TARGET..." >&2; exit 2; }
build=$1
seconds=$2
shift 2
# libFuzzer takes -max_total_time=0 as "no limit": never from make fuzz.
case $seconds in
'' | *[!0-9]* | 0) echo "$0: SECONDS must be a positive integer" >&2; exit 2 ;;
esac

for t in "$@"; do
	corpus=$build/corpus/$t
	artifacts=$build/artifacts/$t
	log=$build/$t.log
	mkdir -p "$corpus" "$artifacts"
	cp tests/fuzz/"$t"/* "$corpus"/
	dict=
	[ ! -f fuzz/"$t".dict ] || dict=-dict=fuzz/$t.dict

	# shellcheck disable=SC2086 # $dict is one word or none
	if ! ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
	    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    "$build/fuzz_$t" -max_total_time="$seconds" -timeout=10 \
	    -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix="$artifacts/" $dict "$corpus" >"$log" 2>&1; then
		tail -n 60 "$log" >&2
		echo "fuzz_$t: FAILED; log $log, input in $artifacts/" >&2
		exit 1
	fi
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	files=$(find "$corpus" -type f | wc -l)
	echo "fuzz_$t: ${execs:-?} executions, corpus $files files, no crash"
done
