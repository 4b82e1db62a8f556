#!/usr/bin/env bash
# bench/fsck.sh: `dsmirror fsck` against `git fsck` on the same mirrors, run
# back to back in each round (the order swapped every other round), medians.
# dsmirror fsck reads every object every ref reaches and checks each pack's
# checksum; `git fsck` (its defaults: every object in every pack verified, and
# connectivity) is the baseline the issue names, run on one repo after
# another. dsmirror runs as the weekly timer runs it (default jobs: a worker
# per CPU) and with -j1 (one repo at a time, as git).
#
# Environment:
#   DSMIRROR               the binary (default: ../dsmirror next to this folder)
#   BENCH_FSCK_UPSTREAMS   bare repositories to mirror (file:// URLs) and check,
#                          space-separated; default: 4 DeepSeek-sized repos made
#                          by gen_repos.py (a few MB, ~475 commits each)
#   BENCH_FSCK_ROUNDS      rounds (default 7)
#   BENCH_TMP              where the work folder goes (default $TMPDIR or /tmp)
#   BENCH_FSCK_RESULTS     where the summary is written (default: stdout only)
# Exit status: 0 when the target (not slower than git) is met, 3 when missed,
# 1 when a run failed.
set -euo pipefail
export LC_ALL=C

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DSMIRROR=${DSMIRROR:-$(dirname "$BENCH_DIR")/dsmirror}
ROUNDS=${BENCH_FSCK_ROUNDS:-7}
PYTHON=${PYTHON:-python3}
W=$(mktemp -d "${BENCH_TMP:-${TMPDIR:-/tmp}}/dsmirror-bench-fsck.XXXXXX")
trap 'rm -rf "$W"' EXIT

upstreams=()
if [ -n "${BENCH_FSCK_UPSTREAMS:-}" ]; then
	read -ra upstreams <<<"$BENCH_FSCK_UPSTREAMS"
else
	"$PYTHON" "$BENCH_DIR/gen_repos.py" "$W/upstream" 4 0 >/dev/null
	upstreams=("$W"/upstream/m*.git)
fi
{
	printf '{"version": 1, "root": "mirrors", "repos": ['
	sep=
	for u in "${upstreams[@]}"; do
		name=$(basename "$u" .git)
		[ "$name" != repo ] || name=$(basename "$(dirname "$u")")
		name=${name//+/-}
		printf '%s{"name": "%s", "url": "file://%s", "licenses": []}' "$sep" "$name" "$u"
		sep=", "
	done
	printf ']}\n'
} >"$W/mirrors.json"
"$DSMIRROR" -c "$W/mirrors.json" -q fetch || { echo "bench: the first fetch failed" >&2; exit 1; }

objects=0
for m in "$W"/mirrors/*.git; do
	objects=$((objects + $(git -C "$m" rev-list --all --objects | wc -l)))
done
gitfsck() { for m in "$W"/mirrors/*.git; do git -C "$m" fsck --no-progress >/dev/null 2>&1 || return 1; done; }
export -f gitfsck
export W
: >"$W/times.jsonl"
for ((r = 0; r < ROUNDS; r++)); do
	if ((r % 2 == 0)); then order=(dsm dsm1 git); else order=(git dsm1 dsm); fi
	for who in "${order[@]}"; do
		case $who in
		dsm) "$PYTHON" "$BENCH_DIR/timecmd.py" dsm 1 0 "$W/times.jsonl" -- \
			"$DSMIRROR" -c "$W/mirrors.json" -q fsck ;;
		dsm1) "$PYTHON" "$BENCH_DIR/timecmd.py" dsm1 1 0 "$W/times.jsonl" -- \
			"$DSMIRROR" -c "$W/mirrors.json" -j1 -q fsck ;;
		git) "$PYTHON" "$BENCH_DIR/timecmd.py" git 1 0 "$W/times.jsonl" -- \
			bash -c gitfsck ;;
		esac || exit 1
	done
done
summary=$("$PYTHON" - "$W/times.jsonl" "${#upstreams[@]}" "$objects" <<'PY'
import json, statistics, sys
t = {"dsm": [], "dsm1": [], "git": []}
for line in open(sys.argv[1]):
    d = json.loads(line)
    t[d["name"]] += d["times"]
dsm, git = statistics.median(t["dsm"]), statistics.median(t["git"])
dsm1 = statistics.median(t["dsm1"])
print("fsck of %s mirrors (%s objects), median of %d rounds:" % (sys.argv[2], sys.argv[3], len(t["dsm"])))
print("  dsmirror fsck       %.3f s  %.2fx git (default jobs: what the weekly timer runs)" % (dsm, dsm / git))
print("  dsmirror fsck -j1   %.3f s  %.2fx git (one repo at a time, as git)" % (dsm1, dsm1 / git))
print("  git fsck, each repo %.3f s" % git)
print("  target: not slower than git (default jobs): %s" % ("met" if dsm <= git else "MISSED"))
PY
)
printf '%s\n' "$summary"
[ -z "${BENCH_FSCK_RESULTS:-}" ] || printf '%s\n' "$summary" >"$BENCH_FSCK_RESULTS"
case $summary in *MISSED*) exit 3 ;; esac
