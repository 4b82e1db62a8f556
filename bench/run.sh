#!/usr/bin/env bash
# bench/run.sh: dsmirror against plain git, on upstreams served over loopback
# smart HTTP (lighttpd + `git http-backend`). `make bench` runs it as
#   DSMIRROR=/abs/path/dsmirror bench/run.sh
#
# Scenarios, each for a set of BENCH_MEDIUM medium repos (a few MB, ~475 commits,
# 4 branches, 10 tags) and a set of BENCH_SMALL small repos (a few commits):
#   first fetch  dsmirror fetch into an empty root (default jobs)
#                vs git clone --bare + git fetch of heads and tags, xargs -P2
#                   (the issue's baseline)
#                and git clone --bare alone, xargs -P2 (it already brings every
#                   head and tag: the same mirror with one fetch instead of two)
#   no-op fetch  dsmirror fetch again, nothing changed upstream
#                vs git fetch --prune of heads and tags, xargs -P2
# Every round runs each scenario with every tool back to back, the order
# reversed every other round; the table gives the median of the rounds. Peak RSS
# is /usr/bin/time's %M: the largest RSS of any single process of the run
# (dsmirror forks a worker per job, which live for the run; that is the largest
# of them or the parent).
# Then bench/verify.sh (see there) times `dsmirror verify` on 4 DeepSeek-sized
# and 1,000 small mirrors and compares it with Debian's licensee; its summary is
# appended to the results.
# Every run's exit status is checked, its mirrors' heads and tags compared with
# upstream's and, after a first fetch, checked by `git fsck --connectivity-only`
# (untimed); a failed run is reported and not counted as a time.
#
# Environment:
#   DSMIRROR         the binary (default: ../dsmirror next to this folder)
#   BENCH_ROUNDS     rounds (default 5)
#   BENCH_SMALL      small repos (default 200)
#   BENCH_MEDIUM     medium repos (default 3)
#   BENCH_CLONE_ONLY=0  skip the "git clone --bare alone" baseline
#   BENCH_TIMEOUT    seconds after which one timed run is killed (default 600)
#   BENCH_TMP        where the work folder goes (default $TMPDIR or /tmp)
#   BENCH_KEEP=1     keep the work folder
#   BENCH_RESULTS    where the summary is written (default bench/results.txt)
#   BENCH_VERIFY=0   skip bench/verify.sh (its own settings: BENCH_VERIFY_*)
#   BENCH_RELEASES=0 skip bench/releases.sh (its own settings: BENCH_RELEASES_*)
#   BENCH_LONGRUN=0  skip bench/longrun.sh (its own settings: BENCH_LONGRUN_*)
#   BENCH_TAGS=0     skip bench/tags.sh (its own settings: BENCH_TAGS_*)
#   BENCH_FSCK=0     skip bench/fsck.sh (its own settings: BENCH_FSCK_*)
#   BENCH_INVENTORY=0  skip bench/inventory.sh (its own settings: BENCH_INV_*)
#   BENCH_NOOP=0     skip bench/noop.sh (its own settings: BENCH_NOOP_*)
# Exit status: 0 when every run succeeded (targets missed or not), 1 when a run
# failed or a mirror was wrong, 2 on bad settings.
set -euo pipefail
export LC_ALL=C

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DSMIRROR=${DSMIRROR:-$(dirname "$BENCH_DIR")/dsmirror}
ROUNDS=${BENCH_ROUNDS:-5}
N_SMALL=${BENCH_SMALL:-200}
N_MEDIUM=${BENCH_MEDIUM:-3}
CLONE_ONLY=${BENCH_CLONE_ONLY:-1}
RUN_TIMEOUT=${BENCH_TIMEOUT:-600}
RESULTS=${BENCH_RESULTS:-$BENCH_DIR/results.txt}

die() { echo "bench: $*" >&2; exit 2; }
for v in ROUNDS N_SMALL N_MEDIUM RUN_TIMEOUT; do
	[[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a number, not '${!v}'"
done
[ "$ROUNDS" -ge 1 ] || die "BENCH_ROUNDS must be at least 1"
[ $((N_SMALL + N_MEDIUM)) -ge 1 ] || die "no repos to fetch"
if [ "$N_SMALL" -gt 999 ] || [ "$N_MEDIUM" -gt 99 ]; then die "at most 999 small and 99 medium repos"; fi
[ -x "$DSMIRROR" ] || die "no dsmirror binary at $DSMIRROR (run make)"
DSMIRROR=$(cd "$(dirname "$DSMIRROR")" && pwd)/$(basename "$DSMIRROR")
case $CLONE_ONLY in
0 | 1) ;;
*) die "BENCH_CLONE_ONLY must be 0 or 1" ;;
esac
for tool in git lighttpd python3 timeout; do
	command -v "$tool" >/dev/null || die "$tool is needed"
done
PYTHON=$(python3 -c 'import sys; print(sys.executable)')   # skip shims (pyenv)
# shellcheck source=lib.sh
. "$BENCH_DIR/lib.sh"
bench_setup dsmirror-bench

now_us() { echo "${EPOCHREALTIME/[.,]/}"; }
us_to_s() { printf '%d.%06d' $(($1 / 1000000)) $(($1 % 1000000)); }
say() { printf '%s\n' "$*"; }

# ---------------------------------------------------------------- upstreams

say "== dsmirror benchmark: $N_MEDIUM medium + $N_SMALL small repos, $ROUNDS rounds"
t=$(now_us)
"$PYTHON" "$BENCH_DIR/gen_repos.py" "$W/upstream" "$N_MEDIUM" "$N_SMALL"
say "upstreams made in $(us_to_s $(($(now_us) - t))) s"

# ---------------------------------------------------------------- server

bench_server_start "$W"

# ---------------------------------------------------------------- the two sets

# For each set: the names, dsmirror's config, git's argument lists, and the
# upstream refs every mirror must end up with.
SETS=()
[ "$N_MEDIUM" -gt 0 ] && SETS+=(medium)
[ "$N_SMALL" -gt 0 ] && SETS+=(small)
names() {
	if [ "$1" = medium ]; then seq -f 'm%02g' 1 "$N_MEDIUM"; else seq -f 's%03g' 1 "$N_SMALL"; fi
}
for set in "${SETS[@]}"; do
	mapfile -t list < <(names "$set")
	mkdir -p "$W/ds-$set"
	write_config "$W/ds-$set/mirrors.json" "${list[@]}"
	for tool in git gitc; do
		for name in "${list[@]}"; do
			printf '%s/%s.git %s/%s-%s/%s.git\n' "$BASE" "$name" "$W" "$tool" "$set" "$name"
		done >"$W/$tool-$set.clone-args"
	done
	for name in "${list[@]}"; do
		printf '%s/git-%s/%s.git\n' "$W" "$set" "$name"
	done >"$W/git-$set.fetch-args"
	refs_of "$W/upstream" "${list[@]}" >"$W/$set.expected-refs"
done

# What git runs, one repo per command, two at a time (xargs -P2): tool "git"
# is the issue's baseline, tool "gitc" the clone alone (first fetch only).
HEADS_TAGS="'+refs/heads/*:refs/heads/*' '+refs/tags/*:refs/tags/*'"
declare -A CLONE_SH=(
	[git]="git clone -q --bare \"\$1\" \"\$2\" && git -C \"\$2\" fetch -q origin $HEADS_TAGS"
	[gitc]="git clone -q --bare \"\$1\" \"\$2\""
)
GIT_FETCH_SH="git -C \"\$1\" fetch -q --prune origin $HEADS_TAGS"

# ---------------------------------------------------------------- timed runs

FAILED=0
declare -A RUN_OK   # "set tool" -> 1 when this round's first fetch succeeded

# [T_IN=FILE] timed LOG CMD...: run CMD (stdin FILE, default /dev/null), stdout
# and stderr in LOG.out and LOG.err; sets T_US (wall time), T_RSS (kB, largest
# single process) and T_RC.
timed() {
	local log=$1 t0 t1
	shift
	sync   # the previous run's writeback is not charged to this one
	T_RC=0
	t0=$(now_us)
	timeout -k 10 "$RUN_TIMEOUT" "${TIME[@]}" "$log.rss" "$@" \
		>"$log.out" 2>"$log.err" <"${T_IN:-/dev/null}" || T_RC=$?
	t1=$(now_us)
	T_US=$((t1 - t0))
	T_RSS=$(tail -n 1 "$log.rss" 2>/dev/null || true)
	[[ $T_RSS =~ ^[0-9]+$ ]] || T_RSS=0
}

# check_mirrors TOOL SET [full]: the mirrors' heads and tags are upstream's;
# with "full", every object they reach is there too.
check_mirrors() {
	local dir=$W/$1-$2 list name
	[ "$1" = ds ] && dir=$W/ds-$2/mirrors
	mapfile -t list < <(names "$2")
	diff -u "$W/$2.expected-refs" <(refs_of "$dir" "${list[@]}" 2>&1) >"$W/log/diff" 2>&1 || return 1
	[ "${3:-}" = full ] || return 0
	for name in "${list[@]}"; do
		git -C "$dir/$name.git" fsck --connectivity-only --no-progress >"$W/log/diff" 2>&1 ||
			{ sed -i "1i fsck of $dir/$name.git:" "$W/log/diff"; return 1; }
	done
}

# record SCENARIO SET TOOL ROUND POSITION LOG: check the run just timed and
# append it to results.tsv; print a line about it.
record() {
	local scenario=$1 set=$2 tool=$3 round=$4 pos=$5 log=$6 status=ok why=''
	if [ "$T_RC" != 0 ]; then
		status=fail why="exit $T_RC"
		[ "$T_RC" = 124 ] && why="killed after $RUN_TIMEOUT s"
	elif ! check_mirrors "$tool" "$set" "$([ "$scenario" = first ] && echo full)"; then
		status=fail why="mirrors differ from upstream"
	fi
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$scenario" "$set" "$tool" "$round" "$pos" \
		"$(us_to_s "$T_US")" "$T_RSS" "$status" >>"$W/results.tsv"
	printf '  round %d  %-5s %-6s  %-9s %8.3f s  %7.1f MB  %s\n' "$round" "${scenario/noop/no-op}" "$set" \
		"$(tool_name "$tool")" "$(us_to_s "$T_US")" "$(awk "BEGIN{print $T_RSS/1024}")" "$status${why:+: $why}"
	if [ "$status" != ok ]; then
		FAILED=1
		{ tail -n 15 "$log.err"; head -n 30 "$W/log/diff" 2>/dev/null; } | sed 's/^/      | /'
		return 1
	fi
}
tool_name() {
	case $1 in ds) echo dsmirror ;; git) echo git ;; gitc) echo git-clone ;; esac
}

first_fetch() {   # first_fetch SET TOOL ROUND POSITION
	local set=$1 tool=$2 log=$W/log/first-$1-$2-$3
	RUN_OK["$set $tool"]=0
	if [ "$tool" = ds ]; then
		find "$W/ds-$set" -mindepth 1 -maxdepth 1 ! -name mirrors.json -exec rm -rf {} +
		timed "$log" "$DSMIRROR" -c "$W/ds-$set/mirrors.json" --no-progress -q fetch
	else
		rm -rf "${W:?}/$tool-$set"
		mkdir "$W/$tool-$set"
		T_IN=$W/$tool-$set.clone-args timed "$log" xargs -P2 -n2 sh -c "${CLONE_SH[$tool]}" sh
	fi
	record first "$set" "$tool" "$3" "$4" "$log" && RUN_OK["$set $tool"]=1
	return 0
}

noop_fetch() {   # noop_fetch SET TOOL ROUND POSITION
	local set=$1 tool=$2 log=$W/log/noop-$1-$2-$3
	if [ "${RUN_OK["$set $tool"]}" != 1 ]; then
		printf '  round %d  no-op %-6s  %-9s skipped: the first fetch failed\n' "$3" "$set" "$(tool_name "$tool")"
		return 0
	fi
	if [ "$tool" = ds ]; then
		timed "$log" "$DSMIRROR" -c "$W/ds-$set/mirrors.json" --no-progress -q fetch
	else
		T_IN=$W/git-$set.fetch-args timed "$log" xargs -P2 -n1 sh -c "$GIT_FETCH_SH" sh
	fi
	record noop "$set" "$tool" "$3" "$4" "$log" || true
}

# ---------------------------------------------------------------- run

# A warm-up (not timed): page cache, dynamic linker, a first check that both
# tools work here at all.
warm=$(names "${SETS[-1]}" | head -n 1)
mkdir -p "$W/warm/git"
write_config "$W/warm/mirrors.json" "$warm"
"$DSMIRROR" -c "$W/warm/mirrors.json" --no-progress -q fetch >"$W/log/warm.out" 2>&1 ||
	{ cat "$W/log/warm.out"; die "dsmirror failed on the warm-up fetch of $BASE/$warm.git"; }
git clone -q --bare "$BASE/$warm.git" "$W/warm/git/$warm.git" ||
	die "git clone failed on the warm-up fetch of $BASE/$warm.git"
rm -rf "$W/warm"

say "dsmirror: $("$DSMIRROR" --version 2>&1 | head -n 1)  ($DSMIRROR)"
say "git: $(git --version)   libgit2: $(pkg-config --modversion libgit2 2>/dev/null || echo '?')"
say "upstream: $BASE (lighttpd + git http-backend)"
: >"$W/results.tsv"
start=$(now_us)
for ((round = 1; round <= ROUNDS; round++)); do
	say "-- round $round of $ROUNDS"
	first=(ds git) noop=(ds git)
	[ "$CLONE_ONLY" = 0 ] || first+=(gitc)
	if ((round % 2 == 0)); then   # every other round in the reverse order
		for ((i = ${#first[@]} - 1; i >= 0; i--)); do first+=("${first[i]}"); done
		first=("${first[@]:${#first[@]}/2}") noop=(git ds)
	fi
	for set in "${SETS[@]}"; do
		pos=1
		for tool in "${first[@]}"; do first_fetch "$set" "$tool" "$round" $((pos++)); done
		pos=1
		for tool in "${noop[@]}"; do noop_fetch "$set" "$tool" "$round" $((pos++)); done
	done
done
say "timed rounds took $(us_to_s $(($(now_us) - start))) s"
say ""

# ---------------------------------------------------------------- report

pack_size() {   # total size of a set's upstream packs
	names "$1" | sed "s|^|$W/upstream/|; s|$|.git/objects/pack|" |
		xargs -I{} find {} -name '*.pack' -printf '%s\n' |
		awk '{ n += $1 } END { if (n >= 1048576) printf "%.1f MB", n / 1048576; else printf "%.0f kB", n / 1024 }'
}
{
	echo "dsmirror benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, $(uname -sr)"
	echo "dsmirror $("$DSMIRROR" --version 2>&1 | head -n 1 | sed 's/^dsmirror //'), libgit2 $(pkg-config --modversion libgit2 2>/dev/null || echo '?'), $(git --version)"
	for set in "${SETS[@]}"; do
		n=$(names "$set" | wc -l)
		echo "upstream $set: $n repos, $(pack_size "$set") of packs in all"
	done
	echo "served by lighttpd + git http-backend on 127.0.0.1 (git speaks protocol v2, libgit2 v0)"
	echo "dsmirror: dsmirror -c mirrors.json --no-progress -q fetch   (default jobs: $(nproc) CPUs, at most 8)"
	echo "git, one command per repo, xargs -P2:"
	show=${CLONE_SH[git]//\"\$1\"/URL}
	echo "  first fetch (git):       ${show//\"\$2\"/DIR}"
	show=${CLONE_SH[gitc]//\"\$1\"/URL}
	[ "$CLONE_ONLY" = 0 ] || echo "  first fetch (git-clone): ${show//\"\$2\"/DIR}"
	show=${GIT_FETCH_SH//\"\$1\"/DIR}
	echo "  no-op fetch (git):       $show"
	"$PYTHON" "$BENCH_DIR/report.py" "$W/results.tsv" "$ROUNDS" medium="$N_MEDIUM" small="$N_SMALL"
} | tee "$RESULTS"

# ---------------------------------------------------------------- the others

# sub_bench SWITCH SCRIPT RESULTS_VAR [quiet]: unless $SWITCH is 0, runs
# bench/SCRIPT (its work folder under $W, its summary into the file its
# RESULTS_VAR names, its own output hidden when quiet) and appends that
# summary to $RESULTS. Exit 3 of a script means only targets were missed.
sub_bench() {
	local switch=$1 script=$2 var=$3 quiet=${4:-} rc=0 out=$W/results-${2%.sh}.txt
	[ "${!switch:-1}" = 1 ] || return 0
	say ""
	if [ -n "$quiet" ]; then
		env DSMIRROR="$DSMIRROR" BENCH_TMP="$W" TMPDIR="$W" "$var=$out" \
			"$BENCH_DIR/$script" >/dev/null || rc=$?
	else
		env DSMIRROR="$DSMIRROR" BENCH_TMP="$W" TMPDIR="$W" "$var=$out" \
			"$BENCH_DIR/$script" || rc=$?
	fi
	if [ -s "$out" ]; then
		{ echo; cat "$out"; } >>"$RESULTS"
	else
		echo "bench: $script wrote no summary (exit $rc)" >&2
	fi
	[ "$rc" = 0 ] || [ "$rc" = 3 ] || FAILED=1
}

# verify.sh: dsmirror verify on mirrors made locally, and Debian's licensee.
sub_bench BENCH_VERIFY verify.sh BENCH_VERIFY_RESULTS
# fsck.sh: dsmirror fsck against git fsck on 4 DeepSeek-sized mirrors.
sub_bench BENCH_FSCK fsck.sh BENCH_FSCK_RESULTS
# inventory.sh: the tree inventory on the four repos' trees and a generated
# 50,000-file tree, against licensecheck.
sub_bench BENCH_INVENTORY inventory.sh BENCH_INV_RESULTS
# releases.sh: dsmirror releases over 200 repos on the loopback API fake.
sub_bench BENCH_RELEASES releases.sh BENCH_RELEASES_RESULTS
# longrun.sh: hundreds of hourly cycles, beside a git mirror of the same upstream.
sub_bench BENCH_LONGRUN longrun.sh BENCH_LONGRUN_RESULTS quiet
# tags.sh: 10,000 tags, dsmirror against git.
sub_bench BENCH_TAGS tags.sh BENCH_TAGS_RESULTS quiet
# noop.sh: the hourly no-op, against git and one curl asking for the same refs.
sub_bench BENCH_NOOP noop.sh BENCH_NOOP_RESULTS

[ "$FAILED" = 0 ] || { echo "bench: some runs failed (see above)" >&2; exit 1; }
