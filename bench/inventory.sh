#!/usr/bin/env bash
# bench/inventory.sh: the tree inventory of `dsmirror verify` (issue 15).
#   the four DeepSeek repos: trees shaped like the real ones with their real
#     header lines (tests/make_tree.py), each mirrored; the inventory of each,
#     cold (no recorded state): its own time (inventory.seconds of --json)
#     summed over the four                                target <= 50 ms
#   a generated tree of BENCH_INV_FILES files (default 50,000; gen_tree.py):
#     cold                                                target <= 5 s
#     after a one-commit update of one file (sync, incremental)
#                                                         target <= 100 ms
#   against Debian's licensecheck -r on a checkout of the same tree: the four
#     repos, and a generated tree of BENCH_INV_LC_FILES files (default 1,000;
#     licensecheck takes 20-40 ms a file), whole `dsmirror verify` runs (process
#     start included) against whole licensecheck runs     target >= 50x
#     (without licensecheck: skipped, and said; apt-get install licensecheck)
# Medians of BENCH_INV_ROUNDS rounds (default 5), the two tools back to back.
# Exit status: 0 targets met, 3 one missed, 1 a run failed.
set -euo pipefail
export LC_ALL=C

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TESTS=$(dirname "$BENCH_DIR")/tests
DSMIRROR=${DSMIRROR:-$(dirname "$BENCH_DIR")/dsmirror}
ROUNDS=${BENCH_INV_ROUNDS:-5}
NFILES=${BENCH_INV_FILES:-50000}
LCFILES=${BENCH_INV_LC_FILES:-1000}
PYTHON=${PYTHON:-python3}
W=$(mktemp -d "${BENCH_TMP:-${TMPDIR:-/tmp}}/dsmirror-bench-inv.XXXXXX")
trap 'rm -rf "$W"' EXIT
missed=0

now_ms() { echo $(($(date +%s%N) / 1000000)); }
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
commit_tree() {   # commit_tree DIR: a repository of DIR's files, and a bare clone
	git -C "$1" init -q -b main
	git -C "$1" add -A
	git -C "$1" -c user.name=b -c user.email=b@b commit -q -m tree
	git clone -q --bare "$1" "$1.git"
}
config() {   # config FILE NAME=DIR...
	local f=$1 sep=
	shift
	{
		printf '{"version": 1, "root": "mirrors", "repos": ['
		for p in "$@"; do
			printf '%s{"name": "%s", "url": "file://%s.git", "licenses": [{"path": "LICENSE-CODE", "spdx": "MIT"}, {"path": "LICENSE-MODEL"}], "code_license": "MIT"}' \
				"$sep" "${p%%=*}" "${p#*=}"
			sep=,
		done
		printf ']}\n'
	} >"$f"
}
inv_ms() {   # inv_ms JSON NAME: inventory.seconds of repo NAME in ms
	"$PYTHON" -c 'import json, sys
j = json.load(open(sys.argv[1]))
r = next(r for r in j["repos"] if r["name"] == sys.argv[2])
print(round(r["inventory"]["seconds"] * 1000, 1))' "$1" "$2"
}
verify_json() {   # verify_json CONFIG OUT [NAME]: dsmirror verify --json, cold
	rm -rf "$(dirname "$1")/mirrors/.dsmirror"
	local rc=0
	"$DSMIRROR" -c "$1" --json verify "${@:3}" >"$2" 2>/dev/null || rc=$?
	[ "$rc" -le 1 ] || { echo "bench: dsmirror verify failed ($rc)" >&2; exit 1; }
}

# ---- the four repos
mkdir -p "$W/four"
pairs=()
for repo in DeepSeek-R1 DeepSeek-V3 DeepSeek-VL2 Janus; do
	mkdir -p "$W/four/$repo"
	"$PYTHON" "$TESTS/make_tree.py" "$repo" "$W/four/$repo"
	[ -e "$W/four/$repo/LICENSE-CODE" ] || cp "$TESTS/licenses/ok-janus-LICENSE-CODE.txt" "$W/four/$repo/LICENSE-CODE"
	commit_tree "$W/four/$repo"
	pairs+=("$repo=$W/four/$repo")
done
config "$W/four/mirrors.json" "${pairs[@]}"
"$DSMIRROR" -c "$W/four/mirrors.json" -q fetch
have_lc=1
command -v licensecheck >/dev/null || have_lc=0
: >"$W/four.inv"; : >"$W/four.dsm"; : >"$W/four.lc"
for ((r = 0; r < ROUNDS; r++)); do
	t0=$(now_ms)
	verify_json "$W/four/mirrors.json" "$W/four.json"
	t1=$(now_ms)
	echo $((t1 - t0)) >>"$W/four.dsm"
	sum=0
	for repo in DeepSeek-R1 DeepSeek-V3 DeepSeek-VL2 Janus; do
		sum=$("$PYTHON" -c "print($sum + $(inv_ms "$W/four.json" "$repo"))")
	done
	echo "$sum" >>"$W/four.inv"
	if [ "$have_lc" = 1 ]; then
		t0=$(now_ms)
		for repo in DeepSeek-R1 DeepSeek-V3 DeepSeek-VL2 Janus; do
			licensecheck -r "$W/four/$repo" >/dev/null
		done
		echo $(($(now_ms) - t0)) >>"$W/four.lc"
	fi
done
four_inv=$(median <"$W/four.inv")
four_dsm=$(median <"$W/four.dsm")

# ---- the generated tree
mkdir -p "$W/big/tree"
"$PYTHON" "$BENCH_DIR/gen_tree.py" "$W/big/tree" "$NFILES"
cp "$TESTS/licenses/ok-janus-LICENSE-CODE.txt" "$W/big/tree/LICENSE-CODE"
commit_tree "$W/big/tree"
config "$W/big/mirrors.json" "big=$W/big/tree"
"$DSMIRROR" -c "$W/big/mirrors.json" -q fetch
: >"$W/big.cold"; : >"$W/big.upd"
for ((r = 0; r < ROUNDS; r++)); do
	verify_json "$W/big/mirrors.json" "$W/big.json"
	inv_ms "$W/big.json" big >>"$W/big.cold"
	# The incremental run: sync records, one file changes, sync again.
	"$DSMIRROR" -c "$W/big/mirrors.json" -q sync >/dev/null 2>&1 || true
	f=$(cd "$W/big/tree" && git ls-files '*.py' | sed -n "$((r * 7 + 3))p")
	printf 'value_extra = %d\n' "$r" >>"$W/big/tree/$f"
	git -C "$W/big/tree" -c user.name=b -c user.email=b@b commit -q -am "one file"
	git -C "$W/big/tree.git" fetch -q "$W/big/tree" main:main
	rc=0
	"$DSMIRROR" -c "$W/big/mirrors.json" --json sync >"$W/big.upd.json" 2>/dev/null || rc=$?
	[ "$rc" -le 1 ] || { echo "bench: dsmirror sync failed ($rc)" >&2; exit 1; }
	inv_ms "$W/big.upd.json" big >>"$W/big.upd"
	"$PYTHON" -c 'import json, sys
r = json.load(open(sys.argv[1]))["repos"][0]["inventory"]
assert r["incremental"] and r["read"] == 1, r["read"]' "$W/big.upd.json" ||
		{ echo "bench: the update was not incremental" >&2; exit 1; }
done
big_cold=$(median <"$W/big.cold")
big_upd=$(median <"$W/big.upd")
counts=$("$PYTHON" -c 'import json, sys; print(json.load(open(sys.argv[1]))["repos"][0]["inventory"]["counts"])' "$W/big.json")

# ---- against licensecheck, on a tree it can read in a bearable time
lc_line="licensecheck: not installed (apt-get install licensecheck): comparison skipped"
if [ "$have_lc" = 1 ]; then
	mkdir -p "$W/lc/tree"
	"$PYTHON" "$BENCH_DIR/gen_tree.py" "$W/lc/tree" "$LCFILES"
	cp "$TESTS/licenses/ok-janus-LICENSE-CODE.txt" "$W/lc/tree/LICENSE-CODE"
	commit_tree "$W/lc/tree"
	config "$W/lc/mirrors.json" "lc=$W/lc/tree"
	"$DSMIRROR" -c "$W/lc/mirrors.json" -q fetch
	: >"$W/lc.dsm"; : >"$W/lc.lc"
	for ((r = 0; r < ROUNDS && r < 3; r++)); do
		t0=$(now_ms)
		verify_json "$W/lc/mirrors.json" "$W/lc.json"
		echo $(($(now_ms) - t0)) >>"$W/lc.dsm"
		t0=$(now_ms)
		licensecheck -r "$W/lc/tree" >/dev/null
		echo $(($(now_ms) - t0)) >>"$W/lc.lc"
	done
	four_lc=$(median <"$W/four.lc")
	lc_dsm=$(median <"$W/lc.dsm")
	lc_lc=$(median <"$W/lc.lc")
	r4=$("$PYTHON" -c "print(round($four_lc / max($four_dsm, 1), 1))")
	rg=$("$PYTHON" -c "print(round($lc_lc / max($lc_dsm, 1), 1))")
	lc_line=$(printf 'licensecheck -r on a checkout: the four repos %d ms vs dsmirror verify %d ms (%sx); %d generated files %d ms vs %d ms (%sx); target >= 50x' \
		"$four_lc" "$four_dsm" "$r4" "$LCFILES" "$lc_lc" "$lc_dsm" "$rg")
	"$PYTHON" -c "import sys; sys.exit(0 if min($r4, $rg) >= 50 else 1)" || missed=1
fi

{
	echo "== tree inventory (bench/inventory.sh, medians of $ROUNDS rounds)"
	printf 'the four repos, cold: %s ms of inventory in all (dsmirror verify %d ms, whole run); target <= 50 ms\n' "$four_inv" "$four_dsm"
	printf '%d generated files, cold: %s ms; target <= 5000 ms (%s)\n' "$NFILES" "$big_cold" "$counts"
	printf '%d generated files, a one-commit update (1 blob read): %s ms; target <= 100 ms\n' "$NFILES" "$big_upd"
	echo "$lc_line"
} | tee "${BENCH_INV_RESULTS:-/dev/null}"
"$PYTHON" -c "import sys; sys.exit(0 if $four_inv <= 50 and $big_cold <= 5000 and $big_upd <= 100 else 1)" || missed=1
[ "$missed" = 0 ] || exit 3
