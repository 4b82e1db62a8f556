#!/usr/bin/env bash
# bench/tags.sh: many refs, dsmirror against git (issue 13). Run by
# bench/run.sh (BENCH_TAGS=0 skips it), or alone:
#   DSMIRROR=/abs/path/dsmirror bench/tags.sh
#
# One upstream on the loopback smart-HTTP server with BENCH_TAGS_N (default
# 10,000) lightweight tags. Each round, back to back, the order of the two
# tools reversed every other round (median of BENCH_TAGS_ROUNDS, default 3):
#   first clone   git clone --mirror             vs dsmirror fetch (empty root)
#   add N/2 tags  git fetch of the git mirror    vs dsmirror fetch
#   move N/2 tags the same (dsmirror also keeps every old tip, as it must)
# then, untimed, the fsyncs of one more "add" under strace -f -c (when strace
# can trace here), and the release check at that scale: one repo on the HTTPS
# fake of the GitHub API with N releases and N tags, the first run (no state)
# against the all-304 re-run.
# Targets: clone <= 1.5x git, add <= 1.5x git and <= 100 fsyncs, move <= 3x
# git, releases re-run <= 1.5x the first run.
# Every run's exit status is checked and the mirror's refs compared with
# upstream's after each step.
# Environment: DSMIRROR, BENCH_TAGS_N, BENCH_TAGS_ROUNDS, BENCH_TAGS_RESULTS
# (default bench/results-tags.txt).
# Exit status: 0 every run succeeded and every target was met, 1 a run
# failed, 3 only targets were missed, 2 bad settings.
set -euo pipefail
export LC_ALL=C

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(dirname "$BENCH_DIR")
DSMIRROR=${DSMIRROR:-$TOP/dsmirror}
N=${BENCH_TAGS_N:-10000}
ROUNDS=${BENCH_TAGS_ROUNDS:-3}
RESULTS=${BENCH_TAGS_RESULTS:-$BENCH_DIR/results-tags.txt}
[[ $N =~ ^[0-9]+$ && $N -ge 2 && $N -le 200000 ]] || { echo "bench: BENCH_TAGS_N must be 2 to 200000" >&2; exit 2; }
[[ $ROUNDS =~ ^[0-9]+$ && $ROUNDS -ge 1 ]] || { echo "bench: BENCH_TAGS_ROUNDS must be a number" >&2; exit 2; }
[ -x "$DSMIRROR" ] || { echo "bench: no dsmirror binary at $DSMIRROR (run make)" >&2; exit 2; }
DSMIRROR=$(cd "$(dirname "$DSMIRROR")" && pwd)/$(basename "$DSMIRROR")

# The test helpers start (and at exit stop, by PID) the servers, and give a
# fresh folder $T and a clean environment.
# shellcheck source=../tests/common.sh
. "$TOP/tests/common.sh"
git_server_start
make_upstream R
up=$T/upstream/R.git g=$T/g.git m=$ROOT/R.git
a=$(git -C "$up" rev-parse main~1) b=$(git -C "$up" rev-parse main)
seq -f "create refs/tags/x%05g $a" 1 "$N" | git -C "$up" update-ref --stdin
git -C "$up" pack-refs --all
write_config "$CONFIG" "R=$GIT_BASE/R.git"
half=$((N / 2))

ms() {   # ms CMD...: runs CMD, prints its milliseconds; a failure ends the bench
	local s
	s=$(now_ms)
	"$@" >/dev/null 2>"$T/ms.err" </dev/null || {
		echo "bench: $* failed: $(head -c 800 "$T/ms.err")" >&2
		exit 1
	}
	echo $(($(now_ms) - s))
}
same() {   # same WHAT: both mirrors hold upstream's heads and tags
	local want
	want=$(refs "$up")
	[ "$(refs "$g")" = "$want" ] || { echo "bench: $1: the git mirror differs from upstream" >&2; exit 1; }
	[ "$(refs "$m")" = "$want" ] || { echo "bench: $1: dsmirror's mirror differs from upstream" >&2; exit 1; }
}
pair() {   # pair ROUND KEY GIT-CMD -- DSM-CMD: both timed, order by round
	local round=$1 key=$2 gcmd=() dcmd=()
	shift 2
	while [ "$1" != -- ]; do gcmd+=("$1"); shift; done
	shift
	dcmd=("$@")
	if [ $((round % 2)) = 1 ]; then
		echo "$(ms "${gcmd[@]}")" >>"$T/$key.git"
		echo "$(ms "${dcmd[@]}")" >>"$T/$key.dsm"
	else
		echo "$(ms "${dcmd[@]}")" >>"$T/$key.dsm"
		echo "$(ms "${gcmd[@]}")" >>"$T/$key.git"
	fi
}
median() { sort -n "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
add_tags() { seq -f "create refs/tags/y%05g $1" 1 "$half" | git -C "$up" update-ref --stdin; }
move_tags() { seq -f "update refs/tags/y%05g $1" 1 "$half" | git -C "$up" update-ref --stdin; }
drop_tags() { git -C "$up" for-each-ref --format='delete %(refname)' 'refs/tags/y*' | git -C "$up" update-ref --stdin; }

for round in $(seq 1 "$ROUNDS"); do
	rm -rf "$g" "$ROOT"
	drop_tags
	pair "$round" clone git clone -q --mirror "$GIT_BASE/R.git" "$g" -- "$DSMIRROR" -c "$CONFIG" -q fetch
	same "first clone"
	add_tags "$b"
	pair "$round" add git -C "$g" fetch -q -- "$DSMIRROR" -c "$CONFIG" -q fetch
	same "add $half tags"
	move_tags "$a"
	pair "$round" move git -C "$g" fetch -q -- "$DSMIRROR" -c "$CONFIG" -q fetch
	same "move $half tags"
	echo "bench: tags round $round of $ROUNDS done" >&2
done

# fsyncs of one more "add", untimed.
fs_git=- fs_dsm=-
count_fsyncs() {
	strace -f -qq -c -e trace=fsync,fdatasync,syncfs,sync_file_range -o "$T/strace" "$@" \
		>/dev/null 2>&1 </dev/null || { echo "bench: $* failed under strace" >&2; exit 1; }
	awk '$NF ~ /^(fsync|fdatasync|syncfs|sync_file_range)$/ { s += $4 } END { print s + 0 }' "$T/strace"
}
if command -v strace >/dev/null && strace -f -qq -o /dev/null true 2>/dev/null; then
	drop_tags
	rm -rf "$g" "$ROOT"
	git clone -q --mirror "$GIT_BASE/R.git" "$g"
	"$DSMIRROR" -c "$CONFIG" -q fetch
	add_tags "$b"
	fs_git=$(count_fsyncs git -C "$g" fetch -q)
	fs_dsm=$(count_fsyncs "$DSMIRROR" -c "$CONFIG" -q fetch)
	same "add under strace"
fi
git_server_stop

# The release check of one repo with N releases and N tags.
export API_RATE_LIMIT=100000000
api_server_start
"$PYTHON" "$TOP/tests/api_fixture.py" "$API_DATA" add bench/R --releases "$N" --assets 0
"$PYTHON" - "$CONFIG" "$API_BASE" <<-'EOF'
	import json, sys
	json.dump({"version": 1, "root": "mirrors", "api": sys.argv[2],
	           "repos": [{"name": "R", "url": "https://127.0.0.1:9/R.git",
	                      "github": "bench/R", "licenses": []}]}, open(sys.argv[1], "w"))
EOF
export GITHUB_TOKEN=bench-token
rel=("$DSMIRROR" -c "$CONFIG" --cacert "$CA_PEM" -q releases)
answers() {   # answers: "N M": requests in the API log, and those answered 304
	"$PYTHON" -c 'import json, sys
rs = [json.loads(l) for l in open(sys.argv[1]) if l.strip() and "\"event\"" not in l]
print(len(rs), sum(1 for r in rs if r.get("status") == 304))' "$API_LOG"
}
for round in $(seq 1 "$ROUNDS"); do
	rm -rf "$ROOT/.dsmirror"
	ms "${rel[@]}" >>"$T/rel1"
	: >"$API_LOG"
	ms "${rel[@]}" >>"$T/rel2"
	sleep 0.1   # the server logs before it answers
	read -r asked answered_304 < <(answers)
	[ "$asked" -gt 0 ] && [ "$asked" = "$answered_304" ] ||
		{ echo "bench: the releases re-run made $asked requests, $answered_304 answered 304" >&2; exit 1; }
done
api_server_stop

"$PYTHON" - "$T" "$N" "$half" "$ROUNDS" "$fs_git" "$fs_dsm" "$RESULTS" "$asked" <<-'EOF'
	import statistics, sys
	t, n, half, rounds, fs_git, fs_dsm, results, asked = sys.argv[1:9]
	def med(name):
	    return statistics.median(int(l) for l in open("%s/%s" % (t, name)) if l.strip())
	rows, missed = [], []
	for key, label, target in (("clone", "first clone, %s tags" % n, 1.5),
	                           ("add", "update adding %s tags" % half, 1.5),
	                           ("move", "update moving %s tags" % half, 3.0)):
	    d, g = med(key + ".dsm"), med(key + ".git")
	    ratio = d / g if g else float("inf")
	    if ratio > target:
	        missed.append("%s %.2fx > %.1fx" % (key, ratio, target))
	    rows.append("| %s | %d ms | %d ms | %.2fx | <= %.1fx |" % (label, d, g, ratio, target))
	if fs_dsm != "-":
	    rows.append("| fsyncs of the update adding %s tags | %s | %s | | <= 100 |" % (half, fs_dsm, fs_git))
	    if int(fs_dsm) > 100:
	        missed.append("%s fsyncs > 100" % fs_dsm)
	r1, r2 = med("rel1"), med("rel2")
	rows.append("| releases, %s releases and tags (%s requests): first run / all-304 re-run | %d ms / %d ms | | %.2fx | <= 1.5x |" % (n, asked, r1, r2, r2 / r1))
	if r2 > 1.5 * r1:
	    missed.append("releases re-run %.2fx > 1.5x" % (r2 / r1))
	out = ["tags: one upstream over loopback smart HTTP, median of %s rounds" % rounds,
	       "| scenario | dsmirror | git | ratio | target |", "|---|---|---|---|---|"] + rows
	out.append("targets: %s" % ("met" if not missed else "MISSED: " + "; ".join(missed)))
	text = "\n".join(out)
	print(text)
	open(results, "w").write(text + "\n")
	sys.exit(3 if missed else 0)
EOF
