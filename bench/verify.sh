#!/usr/bin/env bash
# bench/verify.sh: how fast `dsmirror verify` checks the license files of its
# mirrors, and how that compares with Debian's licensee (ruby-licensee). Run by
# bench/run.sh at its end (BENCH_VERIFY=0 skips it), or alone:
#   DSMIRROR=/abs/path/dsmirror bench/verify.sh
#
# Mirrors (verify needs no network, so no server):
#   4 DeepSeek-sized  DeepSeek-V3, DeepSeek-R1, DeepSeek-VL2 and Janus made by
#                     gen_verify.py (BENCH_VERIFY_COMMITS commits on main each,
#                     side branches, tags; their real license files: MIT
#                     LICENSE or LICENSE-CODE, and LICENSE-MODEL), mirrored with
#                     `dsmirror fetch` over file://, then `dsmirror pin`ned
#   BENCH_VERIFY_SMALL small  bare repos made in place, each with an MIT LICENSE
#                     (copyright lines vary), spdx MIT, not pinned
# Timed (time.perf_counter around subprocess.run, one warm-up, then the median of
# BENCH_VERIFY_RUNS runs; every run's exit status checked):
#   dsmirror verify on the 4 mirrors                        target <= 20 ms
#   dsmirror verify --json on the 4 mirrors                 (no target)
#   dsmirror verify, V3's LICENSE-MODEL pinned to a fingerprint no commit has:
#     verdict changed after walking the whole history       (no target)
#   dsmirror verify on the small mirrors                    target <= 2 s for 1,000
#   licensee, time per license file, against dsmirror's:    target >= 20x
#     `licensee detect --no-readme --no-packages MIRROR.git` on each of the 4
#       mirrors (licensee reads bare repositories too) vs `dsmirror verify`
#     for context (no target): licensee's library in one warm Ruby process
#       (licensee_lib.rb: no Ruby start-up, no git) on the very texts of each
#       set, vs `dsmirror verify` of that set (its start-up and git reads included)
#   Without the `licensee` command the comparison is skipped and the output says
#   so (apt-get install -y ruby-licensee; BENCH_LICENSEE_INSTALL=1 runs that).
#
# Environment:
#   DSMIRROR              the binary (default: ../dsmirror next to this folder)
#   BENCH_VERIFY_RUNS     timed runs of each (default 11, at least 5)
#   BENCH_VERIFY_COMMITS  commits on main of each DeepSeek-sized repo (default 3000)
#   BENCH_VERIFY_SMALL    small mirrors (default 1000)
#   BENCH_LICENSES        folder of the real license files (default: tests/licenses,
#                         else shared/licenses beside the work tree)
#   BENCH_TMP, BENCH_KEEP=1   where the work folder goes; keep it
#   BENCH_VERIFY_RESULTS  where the summary goes (default bench/results-verify.txt)
# Exit status: 0 when every run succeeded and every target was met, 1 when a run
# failed or a verdict was wrong, 3 when only targets were missed, 2 on bad settings.
set -euo pipefail
export LC_ALL=C

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DSMIRROR=${DSMIRROR:-$(dirname "$BENCH_DIR")/dsmirror}
RUNS=${BENCH_VERIFY_RUNS:-11}
COMMITS=${BENCH_VERIFY_COMMITS:-3000}
N_SMALL=${BENCH_VERIFY_SMALL:-1000}
RESULTS=${BENCH_VERIFY_RESULTS:-$BENCH_DIR/results-verify.txt}

die() { echo "bench: $*" >&2; exit 2; }
for v in RUNS COMMITS N_SMALL; do
	[[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a number, not '${!v}'"
done
[ "$RUNS" -ge 5 ] || die "BENCH_VERIFY_RUNS must be at least 5"
[ "$COMMITS" -ge 10 ] || die "BENCH_VERIFY_COMMITS must be at least 10"
if [ "$N_SMALL" -lt 1 ] || [ "$N_SMALL" -gt 9999 ]; then die "BENCH_VERIFY_SMALL must be 1 to 9999"; fi
[ -x "$DSMIRROR" ] || die "no dsmirror binary at $DSMIRROR (run make)"
DSMIRROR=$(cd "$(dirname "$DSMIRROR")" && pwd)/$(basename "$DSMIRROR")
for tool in git python3; do
	command -v "$tool" >/dev/null || die "$tool is needed"
done
PYTHON=$(python3 -c 'import sys; print(sys.executable)')

# The real license files, under the names gen_verify.py uses.
src_tests=$(dirname "$BENCH_DIR")/tests/licenses
src_shared=$(dirname "$(dirname "$BENCH_DIR")")/shared/licenses
declare -A FIXTURES=(
	[MIT-DeepSeek-R1-LICENSE.txt]=ok-deepseek-r1-LICENSE.txt
	[MIT-Janus-LICENSE-CODE.txt]=ok-janus-LICENSE-CODE.txt
	[DeepSeek-Model-V3-LICENSE-MODEL.txt]=bad-deepseek-v3-LICENSE-MODEL.txt
	[DeepSeek-Model-Janus-LICENSE-MODEL.txt]=bad-deepseek-janus-LICENSE-MODEL.txt
)

W=$(mktemp -d "${BENCH_TMP:-${TMPDIR:-/tmp}}/dsmirror-bench-verify.XXXXXX")
cleanup() {
	cd /
	if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "bench: kept $W" >&2; else rm -rf "$W"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
export HOME=$W/home GIT_CONFIG_NOSYSTEM=1 GIT_TERMINAL_PROMPT=0
unset DSMIRROR_CONFIG GITHUB_TOKEN GH_TOKEN GIT_DIR
mkdir -p "$HOME" "$W/licenses"
cd "$W"

for name in "${!FIXTURES[@]}"; do
	for f in ${BENCH_LICENSES:+"$BENCH_LICENSES/$name" "$BENCH_LICENSES/${FIXTURES[$name]}"} \
		"$src_tests/${FIXTURES[$name]}" "$src_shared/$name"; do
		[ -f "$f" ] && { cp "$f" "$W/licenses/$name"; break; }
	done
	[ -f "$W/licenses/$name" ] || die "no license file $name (or ${FIXTURES[$name]}); set BENCH_LICENSES"
done

now_us() { echo "${EPOCHREALTIME/[.,]/}"; }
us_to_s() { printf '%d.%06d' $(($1 / 1000000)) $(($1 % 1000000)); }
say() { printf '%s\n' "$*"; }
FAILED=0

say "== dsmirror verify benchmark: 4 DeepSeek-sized mirrors ($COMMITS commits each) + $N_SMALL small, $RUNS runs"
t=$(now_us)
"$PYTHON" "$BENCH_DIR/gen_verify.py" "$W" "$W/licenses" "$COMMITS" "$N_SMALL"
say "repositories made in $(us_to_s $(($(now_us) - t))) s"
t=$(now_us)
"$DSMIRROR" -c "$W/big.json" --no-progress -q fetch || die "dsmirror fetch of the DeepSeek-sized upstreams failed"
say "4 mirrors fetched (file://) in $(us_to_s $(($(now_us) - t))) s"
t=$(now_us)
"$DSMIRROR" -c "$W/big.json" -q pin || die "dsmirror pin failed"
say "pinned in $(us_to_s $(($(now_us) - t))) s"

# Every verdict must be what the scenario says before anything is timed.
# check_verdicts CONFIG WANT: WANT is a python expression over `v`, the list of
# (repo, path, verdict); prints the verdicts that make it false.
check_verdicts() {
	"$DSMIRROR" -c "$1" --json verify >"$W/check.json" 2>"$W/check.err" || true
	"$PYTHON" - "$W/check.json" "$2" <<-'EOF' || { FAILED=1; return 1; }
		import json, sys
		j = json.load(open(sys.argv[1]))
		v = [(r["name"], l["path"], l["verdict"]) for r in j["repos"] for l in r["licenses"]]
		if not eval(sys.argv[2]):
		    bad = [x for x in v if x[2] != "ok"][:10]
		    print("bench: verdicts not as expected (%s): %s" % (sys.argv[2], bad), file=sys.stderr)
		    sys.exit(1)
	EOF
}
FILES_BIG=$("$PYTHON" -c 'import json, sys; print(sum(len(r["licenses"]) for r in json.load(open(sys.argv[1]))["repos"]))' "$W/big.json")
check_verdicts "$W/big.json" 'len(v) == '"$FILES_BIG"' and all(x[2] == "ok" for x in v)' || true
"$PYTHON" - "$W/big.json" "$W/walk.json" <<'EOF'
import json, sys
conf = json.load(open(sys.argv[1]))
lic = next(l for r in conf["repos"] if r["name"] == "DeepSeek-V3" for l in r["licenses"] if l["path"] == "LICENSE-MODEL")
lic["sha256"] = "0" * 64   # a fingerprint that no version of the file has
open(sys.argv[2], "w").write(json.dumps(conf, indent=2) + "\n")
EOF
check_verdicts "$W/walk.json" '[x for x in v if x[2] != "ok"] == [("DeepSeek-V3", "LICENSE-MODEL", "changed")]' || true
check_verdicts "$W/small/mirrors.json" 'len(v) == '"$N_SMALL"' and all(x[2] == "ok" for x in v)' || true

# ---------------------------------------------------------------- timed runs

: >"$W/times.jsonl"
timed() {   # timed NAME RC CMD...
	local name=$1 rc=$2
	shift 2
	say "  $name"
	"$PYTHON" "$BENCH_DIR/timecmd.py" "$name" "$RUNS" "$rc" "$W/times.jsonl" -- "$@" || FAILED=1
}
say "timed runs:"
timed verify-big 0 "$DSMIRROR" -c "$W/big.json" verify
timed verify-big-json 0 "$DSMIRROR" -c "$W/big.json" --json verify
timed verify-big-walk 1 "$DSMIRROR" -c "$W/walk.json" verify
timed verify-small 0 "$DSMIRROR" -c "$W/small/mirrors.json" verify

LICENSEE_WHY=
if ! command -v licensee >/dev/null && [ "${BENCH_LICENSEE_INSTALL:-0}" = 1 ]; then
	say "installing ruby-licensee"
	DEBIAN_FRONTEND=noninteractive apt-get install -y ruby-licensee >"$W/apt.log" 2>&1 ||
		say "apt-get install -y ruby-licensee failed: $(tail -n 3 "$W/apt.log")"
fi
LIB=-
if ! command -v licensee >/dev/null; then
	LICENSEE_WHY="not installed (Debian: apt-get install -y ruby-licensee, or BENCH_LICENSEE_INSTALL=1): comparison skipped"
	say "licensee: $LICENSEE_WHY"
else
	for m in "$W"/mirrors/*.git; do
		timed "licensee-cli-$(basename "$m" .git)" 0 licensee detect --no-readme --no-packages "$m"
	done
	# The library on the very texts each dsmirror run checks, taken out of the
	# mirrors (at the tip, as verify reads them).
	mkdir -p "$W/texts/big" "$W/texts/small"
	"$PYTHON" - "$W/big.json" "$W/small/mirrors.json" "$W/texts" <<-'EOF'
		import json, os, subprocess, sys
		for conf_path, set_ in ((sys.argv[1], "big"), (sys.argv[2], "small")):
		    conf = json.load(open(conf_path))
		    root = os.path.join(os.path.dirname(conf_path), conf["root"])
		    with open(os.path.join(sys.argv[3], set_ + ".list"), "w") as listing:
		        for r in conf["repos"]:
		            for l in r["licenses"]:
		                out = os.path.join(sys.argv[3], set_, r["name"] + "--" + l["path"])
		                with open(out, "wb") as f:
		                    subprocess.run(["git", "-C", os.path.join(root, r["name"] + ".git"),
		                                    "cat-file", "blob", "HEAD:" + l["path"]], stdout=f, check=True)
		                listing.write(out + "\n")
	EOF
	: >"$W/lib.jsonl"
	for set in big small; do
		say "  licensee library (licensee_lib.rb) on the $set set's texts"
		if ruby "$BENCH_DIR/licensee_lib.rb" 2.0 "$W/texts/$set.list" >"$W/lib.$set" 2>"$W/lib.err"; then
			printf '{"set": "%s", "result": %s}\n' "$set" "$(cat "$W/lib.$set")" >>"$W/lib.jsonl"
		else
			say "licensee_lib.rb failed: $(tail -n 5 "$W/lib.err")"
			FAILED=1
		fi
	done
	LIB=$W/lib.jsonl
fi

# ---------------------------------------------------------------- report

pack_mb() {
	find "$@" -name '*.pack' -printf '%s\n' | awk '{ n += $1 } END { printf "%.1f", n / 1048576 }'
}
TARGETS=0
{
	echo "dsmirror verify benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, $(uname -sr)"
	echo "dsmirror $("$DSMIRROR" --version 2>&1 | head -n 1 | sed 's/^dsmirror //'), libgit2 $(pkg-config --modversion libgit2 2>/dev/null || echo '?')$(
		command -v licensee >/dev/null && echo ", licensee $(licensee version 2>/dev/null) ($(ruby --version | cut -d' ' -f1-2))")"
	echo "mirrors: 4 DeepSeek-sized ($COMMITS commits on main + 60 on side branches each, $(pack_mb "$W"/mirrors/*.git) MB of packs," \
		"$FILES_BIG license files: real MIT + DeepSeek model licenses, pinned);"
	echo "         $N_SMALL small (2-4 commits, MIT LICENSE with varied copyright lines, $(pack_mb "$W"/small/mirrors) MB of packs)"
	echo "timing: python3 time.perf_counter around subprocess.run, stdout and stderr captured"
	"$PYTHON" "$BENCH_DIR/verify_report.py" "$W/times.jsonl" "$LIB" files_big="$FILES_BIG" \
		small="$N_SMALL" commits="$COMMITS" licensee="$LICENSEE_WHY"
} | tee "$RESULTS" || TARGETS=1   # (pipefail) verify_report.py exits 1 on a missed target

[ "$FAILED" = 0 ] || { echo "bench: some runs failed or verdicts were wrong (see above)" >&2; exit 1; }
[ "$TARGETS" = 0 ] || { echo "bench: some targets were missed (see above)" >&2; exit 3; }
