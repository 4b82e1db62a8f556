#!/usr/bin/env bash
# bench/noop.sh: the hourly no-op, `dsmirror fetch` when nothing changed
# upstream, against git and against the least a client must do to learn that
# nothing changed. Run by bench/run.sh (BENCH_NOOP=0 skips it), or alone:
#   DSMIRROR=/abs/path/dsmirror bench/noop.sh
#
# Upstreams, served over loopback smart HTTP by lighttpd + `git http-backend`
# (protocol v2 enabled: lighttpd passes the Git-Protocol header as
# HTTP_GIT_PROTOCOL, which git http-backend honours; checked at start with
# GIT_TRACE_PACKET=1 git ls-remote), in two sets:
#   4 DeepSeek-sized  m01..m04 from gen_repos.py (a few MB, ~475 commits, 4
#                     branches, 10 tags), each also carrying GitHub-like
#                     refs/pull/N/head refs (400, 150, 100 and 60 of them, on
#                     commits of the history; packed), which mirrors.json's
#                     default refs (refs/heads/*, refs/tags/*) leave out: a v0
#                     listing sends them, a v2 ls-refs with ref-prefix does not
#   BENCH_NOOP_SMALL small  s001.. from gen_repos.py (a few commits each)
# After an untimed first fetch and an untimed warm-up no-op of each client,
# every round times, back to back (the order reversed every other round):
#   dsmirror  dsmirror -c mirrors.json --no-progress -q fetch (default jobs)
#   git       in each `git clone --bare` + `fetch` mirror, xargs -P2:
#             git -C DIR fetch -q --prune origin '+refs/heads/*:refs/heads/*' '+refs/tags/*:refs/tags/*'
#             (bench/run.sh's no-op baseline)
#   curl      the minimal client: ONE `curl --parallel --parallel-max 2` over a
#             config file asking, for each repo, what a v2 client asks to list
#             the mirrored refs: GET /info/refs?service=git-upload-pack and
#             POST /git-upload-pack (command=ls-refs, symrefs, ref-prefix HEAD,
#             refs/heads/, refs/tags/), both with `Git-Protocol: version=2`,
#             answers to /dev/null (checked once, untimed: the POST answers
#             list exactly upstream's heads and tags)
# and measures for each run: wall time; client CPU (user+sys of the client and
# every process it waited for: bash's `times` before and after); server CPU
# (lighttpd's utime+stime+cutime+cstime from /proc/PID/stat, so its own and
# that of every CGI it reaped, http-backend and upload-pack; after the run the
# script waits until lighttpd has reaped them all); peak RSS of the largest
# single process of the run (/usr/bin/time %M, as bench/run.sh). The table
# gives medians over the rounds (peak RSS: the largest of the rounds).
# Every dsmirror and git run's exit status is checked and its mirrors' refs
# compared with upstream's heads and tags (no other ref but refs/dsmirror/*
# allowed), untimed; a failed run is reported and not counted.
# Targets (wall time): the 4 DeepSeek-sized <= 0.3x git and <= 1.5x curl; the
# small ones <= 0.5x git; dsmirror's peak RSS <= 64 MB in both sets.
#
# Environment:
#   DSMIRROR            the binary (default: ../dsmirror next to this folder)
#   BENCH_NOOP_ROUNDS   rounds (default 7)
#   BENCH_NOOP_SMALL    small repos (default 200; 0 leaves that set out)
#   BENCH_TIMEOUT       seconds after which one timed run is killed (default 600)
#   BENCH_TMP           where the work folder goes (default $TMPDIR or /tmp)
#   BENCH_KEEP=1        keep the work folder
#   BENCH_NOOP_RESULTS  where the summary is written (default: stdout only)
# Exit status: 0 every run succeeded and every target was met, 1 a run failed
# (wins over 3), 3 only targets were missed, 2 bad settings.
set -euo pipefail
export LC_ALL=C

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DSMIRROR=${DSMIRROR:-$(dirname "$BENCH_DIR")/dsmirror}
ROUNDS=${BENCH_NOOP_ROUNDS:-7}
N_SMALL=${BENCH_NOOP_SMALL:-200}
RUN_TIMEOUT=${BENCH_TIMEOUT:-600}
RESULTS=${BENCH_NOOP_RESULTS:-}
PULLS=(400 150 100 60)   # refs/pull/N/head refs of m01..m04
# The ref-prefix lines of mirrors.json's default refs ("refs/heads/*",
# "refs/tags/*": default_refs in src/config.c), what a v2 client sends.
PREFIXES=(refs/heads/ refs/tags/)

die() { echo "bench: $*" >&2; exit 2; }
for v in ROUNDS N_SMALL RUN_TIMEOUT; do
	[[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a number, not '${!v}'"
done
[ "$ROUNDS" -ge 1 ] || die "BENCH_NOOP_ROUNDS must be at least 1"
[ "$N_SMALL" -le 999 ] || die "at most 999 small repos"
[ -x "$DSMIRROR" ] || die "no dsmirror binary at $DSMIRROR (run make)"
DSMIRROR=$(cd "$(dirname "$DSMIRROR")" && pwd)/$(basename "$DSMIRROR")
for tool in git lighttpd python3 timeout curl getconf; do
	command -v "$tool" >/dev/null || die "$tool is needed"
done
PYTHON=$(python3 -c 'import sys; print(sys.executable)')   # skip shims (pyenv)
# shellcheck source=lib.sh
. "$BENCH_DIR/lib.sh"
CLK_TCK=$(getconf CLK_TCK)
bench_setup dsmirror-bench-noop
mkdir -p "$W/check"

now_us() { echo "${EPOCHREALTIME/[.,]/}"; }
us_to_s() { printf '%d.%06d' $(($1 / 1000000)) $(($1 % 1000000)); }
say() { printf '%s\n' "$*"; }

# ---------------------------------------------------------------- upstreams

say "== no-op benchmark: 4 DeepSeek-sized + $N_SMALL small repos, $ROUNDS rounds"
t=$(now_us)
"$PYTHON" "$BENCH_DIR/gen_repos.py" "$W/upstream" 4 "$N_SMALL"
for i in 1 2 3 4; do
	up=$W/upstream/m0$i.git
	git -C "$up" rev-list --all >"$W/commits"
	awk -v n="${PULLS[i - 1]}" '{ c[NR] = $1 }
		END { for (k = 1; k <= n; k++) printf "create refs/pull/%d/head %s\n", k, c[(k * 7) % NR + 1] }' \
		"$W/commits" | git -C "$up" update-ref --stdin
	git -C "$up" pack-refs --all
done
rm -f "$W/commits"
say "upstreams made in $(us_to_s $(($(now_us) - t))) s"

# ---------------------------------------------------------------- server

bench_server_start "$W"
# Protocol v2 end to end: git asks for it with the Git-Protocol header, which
# reaches git http-backend as HTTP_GIT_PROTOCOL.
GIT_TRACE_PACKET=1 git ls-remote "$BASE/m01.git" 2>"$W/log/ls-remote.trace" >/dev/null ||
	{ echo "bench: git ls-remote $BASE/m01.git failed" >&2; exit 1; }
grep -q 'git< version 2$' "$W/log/ls-remote.trace" ||
	{ echo "bench: the server does not speak protocol v2 (GIT_TRACE_PACKET of git ls-remote):" >&2
	  head -n 5 "$W/log/ls-remote.trace" >&2; exit 1; }

# ---------------------------------------------------------------- the two sets

SETS=(ds4)
[ "$N_SMALL" -gt 0 ] && SETS+=(small)
names() {
	if [ "$1" = ds4 ]; then printf 'm%02d\n' 1 2 3 4; else seq -f 's%03g' 1 "$N_SMALL"; fi
}
# mirror_refs DIR NAME...: refs_of (lib.sh) for every ref of a mirror but refs/dsmirror/*
# (so that a pull ref mirrored by mistake shows too)
mirror_refs() {
	local dir=$1 name
	shift
	for name in "$@"; do
		git -C "$dir/$name.git" for-each-ref --format="$name %(objectname) %(refname)" |
			grep -v '^[^ ]* [^ ]* refs/dsmirror/' || true
	done
}
# The ls-refs request body: pkt-lines (4 hex digits of length, the length
# counting themselves), a delimiter (0001) before the arguments, a flush (0000).
pkt() { printf '%04x%s' $((${#1} + 4)) "$1"; }
{
	pkt $'command=ls-refs\n'
	pkt $'object-format=sha1\n'
	printf 0001
	pkt $'symrefs\n'
	pkt $'ref-prefix HEAD\n'
	for p in "${PREFIXES[@]}"; do pkt "ref-prefix $p"$'\n'; done
	printf 0000
} >"$W/ls-refs.body"
# curl_config SET OUTDIR|-: curl's config file for one set: for each repo the
# v2 GET and the ls-refs POST, answers to OUTDIR/NAME.get and .post, or to
# /dev/null with "-".
curl_config() {
	local name get=/dev/null post=/dev/null sep=
	while read -r name; do
		[ "$2" = - ] || get=$2/$name.get post=$2/$name.post
		printf '%s' "$sep"
		sep=$'next\n'
		cat <<-EOF
			url = "$BASE/$name.git/info/refs?service=git-upload-pack"
			header = "Git-Protocol: version=2"
			fail
			output = "$get"
			next
			url = "$BASE/$name.git/git-upload-pack"
			header = "Git-Protocol: version=2"
			header = "Content-Type: application/x-git-upload-pack-request"
			header = "Accept: application/x-git-upload-pack-result"
			data-binary = "@$W/ls-refs.body"
			fail
			output = "$post"
		EOF
	done < <(names "$1")
}
CURL=(curl --no-progress-meter --parallel --parallel-max 2)
for set in "${SETS[@]}"; do
	mapfile -t list < <(names "$set")
	mkdir -p "$W/ds-$set" "$W/check/$set"
	write_config "$W/ds-$set/mirrors.json" "${list[@]}"
	for name in "${list[@]}"; do
		printf '%s/%s.git %s/git-%s/%s.git\n' "$BASE" "$name" "$W" "$set" "$name"
	done >"$W/git-$set.clone-args"
	for name in "${list[@]}"; do
		printf '%s/git-%s/%s.git\n' "$W" "$set" "$name"
	done >"$W/git-$set.fetch-args"
	refs_of "$W/upstream" "${list[@]}" >"$W/$set.expected-refs"
	curl_config "$set" - >"$W/curl-$set.cfg"
	curl_config "$set" "$W/check/$set" >"$W/curl-$set.check.cfg"
done

# What git runs, one repo per command, two at a time: bench/run.sh's baseline.
HEADS_TAGS="'+refs/heads/*:refs/heads/*' '+refs/tags/*:refs/tags/*'"
GIT_CLONE_SH="git clone -q --bare \"\$1\" \"\$2\" && git -C \"\$2\" fetch -q origin $HEADS_TAGS"
GIT_FETCH_SH="git -C \"\$1\" fetch -q --prune origin $HEADS_TAGS"

# ---------------------------------------------------------------- measuring

# server_ticks: S_TICKS = lighttpd's utime + stime + cutime + cstime (fields
# 14-17 of /proc/PID/stat, clock ticks): its own CPU and that of every CGI it
# has reaped. No fork (nothing else may be charged to the client's window).
server_ticks() {
	local stat f
	read -r stat 2>/dev/null <"/proc/$SERVER_PID/stat" || { S_TICKS=0; return 0; }   # gone: the runs fail
	stat=${stat##*) }   # field 3 on
	read -ra f <<<"$stat"
	S_TICKS=$((f[11] + f[12] + f[13] + f[14]))
}
# server_idle: wait (5 s at most) until lighttpd has reaped every CGI it
# started, so that their CPU is in its cutime and cstime.
server_idle() {
	local kids i file=/proc/$SERVER_PID/task/$SERVER_PID/children
	if [ ! -r "$file" ]; then sleep 0.2; return 0; fi
	for ((i = 0; i < 500; i++)); do
		kids=
		read -r kids <"$file" || true
		[ -n "$kids" ] || return 0
		sleep 0.01
	done
}
# children_us FILE: user+sys of the reaped children, from the output of `times`
# (second line: "XmY.YYYs XmY.YYYs").
children_us() {
	local u s m sec total=0
	{ read -r _; read -r u s; } <"$1"
	for v in "$u" "$s"; do
		m=${v%%m*} sec=${v#*m}
		sec=${sec%s}
		total=$((total + m * 60000000 + 10#${sec%.*} * 1000000 + 10#${sec#*.} * 1000))
	done
	echo "$total"
}

# [T_IN=FILE] measure LOG CMD...: run CMD (stdin FILE, default /dev/null),
# stdout and stderr in LOG.out and LOG.err; sets T_RC, T_US (wall), T_CPU
# (client user+sys, µs), T_SRV (server CPU, ticks) and T_RSS (kB, largest
# single process).
measure() {
	local log=$1 t0 t1 s0
	shift
	sync   # the previous run's writeback is not charged to this one
	server_idle
	server_ticks
	s0=$S_TICKS
	T_RC=0
	times >"$log.times0"
	t0=${EPOCHREALTIME/[.,]/}
	timeout -k 10 "$RUN_TIMEOUT" "${TIME[@]}" "$log.rss" "$@" \
		>"$log.out" 2>"$log.err" <"${T_IN:-/dev/null}" || T_RC=$?
	t1=${EPOCHREALTIME/[.,]/}
	times >"$log.times1"
	server_idle
	server_ticks
	T_US=$((t1 - t0))
	T_SRV=$((S_TICKS - s0))
	T_CPU=$(($(children_us "$log.times1") - $(children_us "$log.times0")))
	T_RSS=$(tail -n 1 "$log.rss" 2>/dev/null || true)
	[[ $T_RSS =~ ^[0-9]+$ ]] || T_RSS=0
}

# check_mirrors TOOL SET: the mirrors hold upstream's heads and tags, and no
# other ref but dsmirror's own.
check_mirrors() {
	local dir=$W/$1-$2 list
	[ "$1" = ds ] && dir=$W/ds-$2/mirrors
	mapfile -t list < <(names "$2")
	diff -u "$W/$2.expected-refs" <(mirror_refs "$dir" "${list[@]}" 2>&1) >"$W/log/diff" 2>&1
}

# check_curl SET: the answers of the check config: each GET a v2 capability
# advertisement, each POST exactly upstream's heads and tags (and HEAD).
check_curl() {
	"$PYTHON" - "$W/check/$1" "$W/$1.expected-refs" <<-'EOF' >"$W/log/diff" 2>&1
		import os, sys
		folder, expected = sys.argv[1], sys.argv[2]
		def pkts(data):
		    i = 0
		    while i < len(data):
		        n = int(data[i:i + 4], 16)
		        if n < 4:
		            yield None
		            i += 4
		            continue
		        yield data[i + 4:i + n].decode().rstrip("\n")
		        i += n
		want = {}
		for line in open(expected):
		    name, oid, ref = line.split()
		    want.setdefault(name, set()).add("%s %s" % (oid, ref))
		bad = []
		for name in sorted(want):
		    get = open(os.path.join(folder, name + ".get"), "rb").read()
		    if list(pkts(get))[:1] != ["version 2"]:
		        bad.append("%s: the GET answer is not protocol v2: %r" % (name, get[:60]))
		    got, head = set(), None
		    for p in pkts(open(os.path.join(folder, name + ".post"), "rb").read()):
		        if p is None:
		            break
		        if p.split(" ")[1] == "HEAD":
		            head = p
		        else:
		            got.add(p)
		    if got != want[name]:
		        bad.append("%s: ls-refs listed %d refs, upstream has %d heads and tags; missing %s, extra %s"
		                   % (name, len(got), len(want[name]), sorted(want[name] - got)[:3],
		                      sorted(got - want[name])[:3]))
		    if head is None or "symref-target:refs/heads/" not in head:
		        bad.append("%s: no HEAD symref in the ls-refs answer (%r)" % (name, head))
		print("\n".join(bad))
		sys.exit(1 if bad else 0)
	EOF
}

tool_name() {
	case $1 in ds) echo dsmirror ;; git) echo git ;; curl) echo curl ;; esac
}
set_name() {
	if [ "$1" = ds4 ]; then echo "4 DeepSeek"; else echo "$N_SMALL small"; fi
}

FAILED=0
declare -A READY   # "set tool" -> 1 once the first fetch (and the check) passed

# run_tool SET TOOL LOG: the no-op of TOOL on SET, measured; T_WHY says what
# was wrong ("" when it went well).
run_tool() {
	local set=$1 tool=$2 log=$3
	case $tool in
	ds) measure "$log" "$DSMIRROR" -c "$W/ds-$set/mirrors.json" --no-progress -q fetch ;;
	git) T_IN=$W/git-$set.fetch-args measure "$log" xargs -P2 -n1 sh -c "$GIT_FETCH_SH" sh ;;
	curl) measure "$log" "${CURL[@]}" -K "$W/curl-$set.cfg" ;;
	esac
	T_WHY=
	if [ "$T_RC" != 0 ]; then
		T_WHY="exit $T_RC"
		[ "$T_RC" = 124 ] && T_WHY="killed after $RUN_TIMEOUT s"
	elif [ "$tool" != curl ] && ! check_mirrors "$tool" "$set"; then
		T_WHY="mirrors differ from upstream"
	fi
	[ -z "$T_WHY" ] || { { tail -n 15 "$log.err"; head -n 30 "$W/log/diff"; } | sed 's/^/      | /'; }
}

# ---------------------------------------------------------------- first fetch

say "dsmirror: $("$DSMIRROR" --version 2>&1 | head -n 1)  ($DSMIRROR)"
say "git: $(git --version)   $(curl --version | head -n 1 | cut -d' ' -f1-2)   lighttpd: $(lighttpd -v 2>&1 | head -n 1)"
say "upstream: $BASE (lighttpd + git http-backend, protocol v2)"
for set in "${SETS[@]}"; do
	# Untimed: the first fetch of dsmirror and git, the check of curl's answers.
	if "$DSMIRROR" -c "$W/ds-$set/mirrors.json" --no-progress -q fetch >"$W/log/first-ds-$set.out" 2>&1 &&
		check_mirrors ds "$set"; then
		READY["$set ds"]=1
	else
		say "  $(set_name "$set"): the first dsmirror fetch failed"
		{ tail -n 15 "$W/log/first-ds-$set.out"; head -n 30 "$W/log/diff"; } | sed 's/^/      | /'
		FAILED=1
	fi
	mkdir -p "$W/git-$set"
	if xargs -P2 -n2 sh -c "$GIT_CLONE_SH" sh <"$W/git-$set.clone-args" >"$W/log/first-git-$set.out" 2>&1 &&
		check_mirrors git "$set"; then
		READY["$set git"]=1
	else
		say "  $(set_name "$set"): the first git mirror failed"
		{ tail -n 15 "$W/log/first-git-$set.out"; head -n 30 "$W/log/diff"; } | sed 's/^/      | /'
		FAILED=1
	fi
	if "${CURL[@]}" -K "$W/curl-$set.check.cfg" >"$W/log/check-curl-$set.out" 2>&1 && check_curl "$set"; then
		READY["$set curl"]=1
	else
		say "  $(set_name "$set"): curl's ref listing is not upstream's"
		{ tail -n 15 "$W/log/check-curl-$set.out"; head -n 30 "$W/log/diff"; } | sed 's/^/      | /'
		FAILED=1
	fi
	# A warm-up no-op of each (untimed, checked as the timed ones).
	for tool in ds git curl; do
		[ "${READY["$set $tool"]:-0}" = 1 ] || continue
		run_tool "$set" "$tool" "$W/log/warm-$set-$tool"
		if [ -n "$T_WHY" ]; then
			say "  $(set_name "$set"): the warm-up no-op of $(tool_name "$tool") failed: $T_WHY"
			READY["$set $tool"]=0 FAILED=1
		fi
	done
done

# What the server sends for the listing: v0 (the whole advertisement, what
# libgit2 1.5 asks for) and v2 (the ls-refs answer), summed over a set.
listing_bytes() {   # listing_bytes SET v0|v2
	local name total=0 n
	while read -r name; do
		if [ "$2" = v0 ]; then
			n=$(curl -sS --fail "$BASE/$name.git/info/refs?service=git-upload-pack" | wc -c)
		else
			n=$(cat "$W/check/$1/$name.post" 2>/dev/null | wc -c)
		fi
		total=$((total + n))
	done < <(names "$1")
	echo "$total"
}

# What the wrappers of every timed run (timeout, /usr/bin/time, bash's fork)
# cost by themselves: `true` measured the same way, median of 5. Included in
# every figure, not subtracted; the summary says how much it is.
for i in 1 2 3 4 5; do
	measure "$W/log/true-$i" true
	echo "$T_US $T_CPU"
done >"$W/wrapper"
WRAP_US=$(sort -n -k1,1 "$W/wrapper" | awk 'NR == 3 { print $1 }')
WRAP_CPU=$(sort -n -k2,2 "$W/wrapper" | awk 'NR == 3 { print $2 }')

# ---------------------------------------------------------------- rounds

: >"$W/results.tsv"
start=$(now_us)
for ((round = 1; round <= ROUNDS; round++)); do
	say "-- round $round of $ROUNDS"
	order=(ds git curl)
	((round % 2 == 1)) || order=(curl git ds)
	for set in "${SETS[@]}"; do
		pos=1
		for tool in "${order[@]}"; do
			if [ "${READY["$set $tool"]:-0}" != 1 ]; then
				printf '  round %d  %-10s %-8s  skipped: its first fetch failed\n' "$round" \
					"$(set_name "$set")" "$(tool_name "$tool")"
				continue
			fi
			run_tool "$set" "$tool" "$W/log/noop-$set-$tool-$round"
			status=ok
			[ -z "$T_WHY" ] || { status=fail FAILED=1; }
			printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$set" "$tool" "$round" "$pos" \
				"$T_US" "$T_CPU" "$T_SRV" "$T_RSS" "$status" >>"$W/results.tsv"
			printf '  round %d  %-10s %-8s %8.3f s  client CPU %6.3f s  server CPU %6.2f s  %6.1f MB  %s\n' \
				"$round" "$(set_name "$set")" "$(tool_name "$tool")" "$(us_to_s "$T_US")" \
				"$(us_to_s "$T_CPU")" "$(awk "BEGIN { print $T_SRV / $CLK_TCK }")" \
				"$(awk "BEGIN { print $T_RSS / 1024 }")" "$status${T_WHY:+: $T_WHY}"
			pos=$((pos + 1))
		done
	done
done
say "timed rounds took $(us_to_s $(($(now_us) - start))) s"
say ""

# ---------------------------------------------------------------- report

{
	echo "no-op fetch (nothing changed upstream): dsmirror, git and a minimal curl client, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs"
	echo "dsmirror $("$DSMIRROR" --version 2>&1 | head -n 1 | sed 's/^dsmirror //'), $(git --version), $(curl --version | head -n 1 | cut -d' ' -f1-2); lighttpd + git http-backend on 127.0.0.1, protocol v2"
	for set in "${SETS[@]}"; do
		n=$(names "$set" | wc -l)
		refs=$(wc -l <"$W/$set.expected-refs")
		pulls=
		[ "$set" != ds4 ] || pulls=", plus $(IFS=/; echo "${PULLS[*]}") refs/pull/N/head (not mirrored)"
		echo "$(set_name "$set"): $n repos, $refs heads and tags in all${pulls}; listing: v0 $(listing_bytes "$set" v0) bytes, v2 ls-refs $(listing_bytes "$set" v2) bytes"
	done
	echo "dsmirror: dsmirror -c mirrors.json --no-progress -q fetch (default jobs)"
	show=${GIT_FETCH_SH//\"\$1\"/DIR}
	echo "git:      xargs -P2, one per mirror: $show"
	echo "curl:     ${CURL[*]} -K FILE (per repo: GET info/refs + POST ls-refs, symrefs, ref-prefix HEAD ${PREFIXES[*]}, Git-Protocol: version=2)"
	echo "every run under timeout and ${TIME[0]}; those alone (a run of true): $((WRAP_US / 1000)).$((WRAP_US / 100 % 10)) ms wall, $((WRAP_CPU / 1000)).$((WRAP_CPU / 100 % 10)) ms client CPU, included in every figure below"
} >"$W/summary.head"
set +e
"$PYTHON" - "$W/results.tsv" "$ROUNDS" "$CLK_TCK" "$N_SMALL" >"$W/summary.body" <<-'EOF'
	import statistics, sys
	path, rounds, tck, n_small = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
	runs = {}
	for line in open(path):
	    set_, tool, rnd, pos, us, cpu, srv, rss, status = line.rstrip("\n").split("\t")
	    runs.setdefault((set_, tool), []).append(dict(
	        wall=int(us) / 1e6, cpu=int(cpu) / 1e6, srv=int(srv) / tck, rss=int(rss) / 1024,
	        ok=status == "ok", first=pos == "1"))
	SETS = [("ds4", "4 DeepSeek"), ("small", "%s small" % n_small)]
	SETS = [s for s in SETS if s[0] == "ds4" or n_small != "0"]
	TOOLS = ["ds", "git", "curl"]
	def good(set_, tool):
	    return [r for r in runs.get((set_, tool), []) if r["ok"]]
	def value(set_, tool, key):
	    g = good(set_, tool)
	    if not g:
	        return None
	    return max(r[key] for r in g) if key == "rss" else statistics.median(r[key] for r in g)
	def ratio(a, b):
	    return a / b if a is not None and b else None
	def cell(v, unit):
	    if v is None:
	        return "-"
	    return "%.1f MB" % v if unit == "MB" else "%.3f s" % v
	def x(r):
	    return "-" if r is None else "%.2fx" % r
	out = ["", "median of %d rounds (peak RSS: largest single process, max of the rounds);"
	       " client CPU: user+sys of the client and its children; server CPU: lighttpd and its CGIs,"
	       " in clock ticks of 1/%d s" % (rounds, tck),
	       "| set | measure | dsmirror | git -P2 | curl | dsmirror/git | curl/git | dsmirror/curl |",
	       "|---|---|---|---|---|---|---|---|"]
	for set_, label in SETS:
	    for key, name, unit in (("wall", "wall time", "s"), ("cpu", "client CPU", "s"),
	                            ("srv", "server CPU", "s"), ("rss", "peak RSS", "MB")):
	        d, g, c = (value(set_, t, key) for t in TOOLS)
	        out.append("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
	            label, name, cell(d, unit), cell(g, unit), cell(c, unit),
	            x(ratio(d, g)), x(ratio(c, g)), x(ratio(d, c))))
	failed = ["%s %s: %d of %d runs failed or skipped" % (label, t, rounds - len(good(s, t)), rounds)
	          for s, label in SETS for t in TOOLS if len(good(s, t)) < rounds]
	missed, rows = [], []
	def target(what, v, limit, unit):
	    if v is None:
	        verdict = "n/a (runs failed)"
	        missed.append(what + ": no figure")
	    elif v <= limit:
	        verdict = "met"
	    else:
	        verdict = "MISSED"
	        missed.append("%s %s > %s" % (what, ("%.2fx" % v) if unit == "x" else "%.1f MB" % v,
	                                      ("%.1fx" % limit) if unit == "x" else "%d MB" % limit))
	    shown = "-" if v is None else ("%.2fx" % v if unit == "x" else "%.1f MB" % v)
	    rows.append("| %s | %s | <= %s | %s |" % (what, shown,
	                ("%.1fx" % limit) if unit == "x" else "%d MB" % limit, verdict))
	for set_, label in SETS:
	    d, g, c = (value(set_, t, "wall") for t in TOOLS)
	    if set_ == "ds4":
	        target("%s: dsmirror / git, wall" % label, ratio(d, g), 0.3, "x")
	        target("%s: dsmirror / curl, wall" % label, ratio(d, c), 1.5, "x")
	    else:
	        target("%s: dsmirror / git -P2, wall" % label, ratio(d, g), 0.5, "x")
	for set_, label in SETS:
	    target("%s: dsmirror peak RSS" % label, value(set_, "ds", "rss"), 64, "MB")
	out += ["", "| target | measured | target | verdict |", "|---|---|---|---|"] + rows
	out.append("")
	out.append("every round, wall s (* = ran first; ! = failed, not counted):")
	for set_, label in SETS:
	    for t in TOOLS:
	        cells = []
	        for r in runs.get((set_, t), []):
	            cells.append("%.3f%s" % (r["wall"], "!" if not r["ok"] else "*" if r["first"] else ""))
	        out.append("  %-10s %-8s %s" % (label, {"ds": "dsmirror"}.get(t, t), " ".join(cells) or "-"))
	if failed:
	    out.append("runs: " + "; ".join(failed))
	out.append("targets: %s" % ("met" if not missed else "MISSED: " + "; ".join(missed)))
	print("\n".join(out))
	sys.exit(3 if missed else 0)
EOF
rc=$?
set -e
summary=$(cat "$W/summary.head" "$W/summary.body")
printf '%s\n' "$summary"
[ -z "$RESULTS" ] || printf '%s\n' "$summary" >"$RESULTS"
if [ "$FAILED" != 0 ] || { [ "$rc" != 0 ] && [ "$rc" != 3 ]; }; then
	echo "bench: some runs failed (see above)" >&2
	exit 1
fi
[ "$rc" = 0 ] || exit 3
