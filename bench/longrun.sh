#!/usr/bin/env bash
# bench/longrun.sh: years of hourly runs, shortened. One upstream on the
# loopback smart-HTTP server gets BENCH_LONGRUN_CYCLES cycles of a small commit
# (a force-push every 25th, a tag every 10th, the tag v1 moved every 40th);
# after each, `dsmirror -q fetch` updates its mirror and `git fetch --prune`
# updates a `git clone --mirror` of the same upstream (git's auto gc on).
# Side by side: bytes the server sent each tool for one update (lighttpd's
# access log, by user agent), disk size, packs, loose refs, and the time of a
# no-op of each at the start and at the end. The answer's bytes include
# protocol text: libgit2 asks for progress messages and is sent an ACK line
# per have (20 at most), git fetch -q neither; the pack itself is compared too.
#   DSMIRROR=/abs/dsmirror bench/longrun.sh   (make bench runs it)
# Environment: BENCH_LONGRUN_CYCLES (default 300), BENCH_LONGRUN_RESULTS (the
# summary file; default: stdout only).
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CYCLES=${BENCH_LONGRUN_CYCLES:-300}
[[ $CYCLES =~ ^[0-9]+$ ]] && [ "$CYCLES" -ge 50 ] || { echo "BENCH_LONGRUN_CYCLES: a number >= 50" >&2; exit 2; }
# shellcheck source=../tests/common.sh
. "$BENCH_DIR/../tests/common.sh"

git_server_start
make_upstream R
up=$T/upstream/R.git
write_config "$CONFIG" "R=$GIT_BASE/R.git"
dsm -q fetch
git clone -q --mirror "$GIT_BASE/R.git" "$T/git-mirror.git"
git -C "$T/git-mirror.git" config fetch.prune true

# last_bytes dsmirror|git: bytes of the last upload-pack answer to that client
# (libgit2 says "git/2.0 (libgit2 ...)" in its user agent, git "git/2.39.5").
last_bytes() {
	local sel=-v
	[ "$1" != dsmirror ] || sel=
	grep 'POST /R.git/git-upload-pack' "$GIT_ACCESS_LOG" | grep $sel libgit2 | tail -1 |
		awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^[0-9][0-9][0-9]$/ && $(i+1) ~ /^[0-9]+$/) { print $(i+1); exit } }'
}
noop_ms() {   # noop_ms dsmirror|git
	local s e
	s=$(now_ms)
	if [ "$1" = dsmirror ]; then dsm -q fetch; else git -C "$T/git-mirror.git" fetch -q; fi
	e=$(now_ms)
	echo $((e - s))
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
loose_refs() { find "$1/refs" -type f | wc -l; }
packs() { find "$1/objects/pack" -name '*.pack' | wc -l; }

start_d=$( (for _ in 1 2 3 4 5; do noop_ms dsmirror; done) | median)
start_g=$( (for _ in 1 2 3 4 5; do noop_ms git; done) | median)
stamp=1700000000
: >"$T/bytes"
for i in $(seq 1 "$CYCLES"); do
	stamp=$((stamp + 3600))
	export GIT_COMMITTER_DATE="$stamp +0000" GIT_AUTHOR_DATE="$stamp +0000"
	if [ $((i % 25)) = 0 ]; then parent=main~1; else parent=main; fi
	git -C "$up" update-ref refs/heads/main "$(upstream_commit R "$parent" "cycle $i")"
	[ $((i % 10)) != 0 ] || git -C "$up" tag "t$i" main
	[ $((i % 40)) != 0 ] || git -C "$up" tag -f v1 main >/dev/null
	dsm -q fetch --json >"$T/out"
	git -C "$T/git-mirror.git" fetch -q
	git_server_stop   # flushes the access log
	git_server_start
	echo "$i $(last_bytes dsmirror) $(last_bytes git) $(fetch_field R received_bytes)" >>"$T/bytes"
done
end_d=$( (for _ in 1 2 3 4 5; do noop_ms dsmirror; done) | median)
end_g=$( (for _ in 1 2 3 4 5; do noop_ms git; done) | median)
first_d=$(head -20 "$T/bytes" | awk '{ print $2 }' | median)
first_g=$(head -20 "$T/bytes" | awk '{ print $3 }' | median)
last_d=$(tail -20 "$T/bytes" | awk '{ print $2 }' | median)
last_g=$(tail -20 "$T/bytes" | awk '{ print $3 }' | median)
first_p=$(head -20 "$T/bytes" | awk '{ print $4 }' | median)
last_p=$(tail -20 "$T/bytes" | awk '{ print $4 }' | median)
m=$ROOT/R.git g=$T/git-mirror.git
git -C "$m" fsck --strict --no-progress >/dev/null 2>&1 || { echo "longrun: fsck of the dsmirror mirror failed" >&2; exit 1; }
{
	echo "long run: $CYCLES hourly cycles (force-push every 25th, tag every 10th, tag move every 40th)"
	printf '%-34s %12s %12s\n' "" dsmirror "git mirror"
	echo "(bytes: the server's answer to the fetch's last request, from lighttpd's log;"
	echo " pack: what libgit2 counts as received, dsmirror's received_bytes)"
	printf '%-34s %12s %12s\n' "bytes per update, cycles 1-20" "$first_d" "$first_g"
	printf '%-34s %12s %12s\n' "bytes per update, last 20 cycles" "$last_d" "$last_g"
	printf '%-34s %12s %12s\n' "pack bytes, cycles 1-20" "$first_p" -
	printf '%-34s %12s %12s\n' "pack bytes, last 20 cycles" "$last_p" -
	printf '%-34s %12s %12s\n' "disk (kB)" "$(du -sk "$m" | cut -f1)" "$(du -sk "$g" | cut -f1)"
	printf '%-34s %12s %12s\n' "packs" "$(packs "$m")" "$(packs "$g")"
	printf '%-34s %12s %12s\n' "loose ref files" "$(loose_refs "$m")" "$(loose_refs "$g")"
	printf '%-34s %12s %12s\n' "preserved tips" "$(git -C "$m" for-each-ref refs/dsmirror | wc -l)" -
	printf '%-34s %12s %12s\n' "no-op ms, at the start (median 5)" "$start_d" "$start_g"
	printf '%-34s %12s %12s\n' "no-op ms, at the end (median 5)" "$end_d" "$end_g"
} | tee "${BENCH_LONGRUN_RESULTS:-/dev/null}"
