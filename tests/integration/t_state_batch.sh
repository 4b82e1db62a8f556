#!/usr/bin/env bash
# A run's state files are written together (state.h): every temporary file,
# then one syncfs() for them all, the renames, one fsync of the folder. A
# fetch of 30 repos makes 2 sync calls on the state folder's files, not 31
# (an fsync per file and one of the folder; counted with strace, where it can
# trace). Killed (-9) at each moment of the batch, every state file is whole
# JSON, the old one or the new one; the next run finishes and leaves no
# temporary file, nor one that an earlier kill left. (Under valgrind, where
# each run takes seconds, with 6 repos: the count needs strace anyway.)
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

make_upstream r
up=$T/upstream/r.git S=$ROOT/.dsmirror
pairs=() N=30
[ "$SLOW" = 1 ] || N=6
for i in $(seq -w 1 "$N"); do pairs+=("r$i=file://$up"); done
write_config "$CONFIG" "${pairs[@]}"
dsm -q fetch || fail "first fetch failed"
[ "$(find "$S" -name '*.json' | wc -l)" = "$N" ] || fail "expected $N state files"

# temps: the temporary files of a batch in the state folder.
temps() { find "$S" -name '*.json.tmp-??????' | wc -l; }

# (1) The sync calls on the state folder and its files, by path (strace -y).
if ! command -v strace >/dev/null; then
	echo "not counted: strace is not installed"
elif ! strace -f -qq -o /dev/null true 2>/dev/null; then
	echo "not counted: strace cannot trace here (no ptrace)"
elif ! native; then
	echo "not counted: dsmirror runs under a wrapper"
else
	# (LeakSanitizer cannot run under ptrace, as in t_refs_fsync.)
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		strace -f -qq -y -e trace=fsync,fdatasync,syncfs -o "$T/strace" \
		"$DSMIRROR" -c "$CONFIG" -q fetch || fail "the traced fetch failed"
	n=$(awk -v s="<$S" '$2 ~ /^(fsync|fdatasync|syncfs)\(/ &&
		(index($2, s "/") || index($2, s ">")) { c++ } END { print c + 0 }' "$T/strace")
	all=$(grep -cE '^[0-9]+ +(fsync|fdatasync|syncfs)\(' "$T/strace" || true)
	echo "sync calls on the state files of 30 repos: $n (the whole run: $all)"
	[ "$n" -le 3 ] || fail "$n sync calls on the state files of 30 repos:
$(grep -F "<$S" "$T/strace" | head -40)"
	[ "$(temps)" = 0 ] || fail "temporary files left by the traced fetch"
fi

# A temporary file a killed run left (as the old one-by-one writes could
# too) is removed by the next run that writes the state, under its lock.
echo '{"version": 1, "fetch": {' >"$S/r01.json.tmp-AbC123"
echo '{"version": 1}' >"$S/gone.json.tmp-000000"
dsm -q fetch || fail "the fetch after a stale temporary file failed"
[ "$(temps)" = 0 ] || fail "stale temporary files kept: $(find "$S" -name '*.tmp-*')"

# classify HEAD: each state file is JSON of version 1, and either the same
# bytes as in $T/old (old) or one recording fetch.head HEAD (new); prints
# "old=N,new=M", or fails naming the file that is neither.
classify() {
	"$PYTHON" - "$S" "$T/old" "$1" <<-'EOF' || fail "a state file is neither old nor new"
		import json, os, sys
		state, old, head = sys.argv[1:]
		n = {"old": 0, "new": 0}
		for name in sorted(os.listdir(old)):
		    raw = open(os.path.join(state, name), "rb").read()
		    s = json.loads(raw)
		    assert s["version"] == 1, name
		    if raw == open(os.path.join(old, name), "rb").read():
		        n["old"] += 1
		    elif s["fetch"]["head"] == head:
		        n["new"] += 1
		    else:
		        sys.exit("%s: neither the old file nor the new one" % name)
		print("old=%d,new=%d" % (n["old"], n["new"]))
	EOF
}

# (2) Killed at each point of the batch: before any rename, after the first of
# N, after the last (before the folder's fsync). Each line: the point, the
# state files old and new after the kill, the temporary files left.
while read -r point want left <&3; do
	work_commit r README "for $point"
	work r push -q origin main
	head=$(upstream_head r)
	rm -rf "$T/old" && cp -a "$S" "$T/old"
	find "$T/old" -type f ! -name '*.json' -delete
	assert_exit 137 env DSMIRROR_TEST_KILL="$point" "$DSMIRROR" -c "$CONFIG" -q fetch
	assert_eq "$want" "$(classify "$head")" "state files after a kill at $point"
	assert_eq "$left" "$(temps)" "temporary files after a kill at $point"
	echo "killed at $point: $want, $left temporary files"

	dsm -q fetch || fail "the fetch after a kill at $point failed"
	assert_eq "old=0,new=$N" "$(classify "$head")" "state files after the rerun"
	assert_eq 0 "$(temps)" "temporary files after the rerun"
	[ -z "$(find "$S" -name '*.corrupt')" ] || fail "a state file was set aside"
done 3<<-EOF
	state-temps-written old=$N,new=0 $N
	state-half-renamed old=$((N - 1)),new=1 $((N - 1))
	state-renamed old=0,new=$N 0
EOF
dsm status >/dev/null || fail "status failed"
fsck_all "$ROOT"
