#!/usr/bin/env bash
# Years of hourly runs, kept short: 200 cycles (20 under valgrind) of a commit
# on main, every third one a force-push (its old tip preserved), a tag on each
# and the tag v1 moved every 40th, each fetched over the loopback server.
# After every update: it downloaded only its new commit (3 objects: commit,
# tree, blob), however many tags and preserved tips there are (libgit2 1.5
# offered the oldest ref tips first and settled on the first 20 the server
# acknowledged: past 20 refs the server resent every commit since then); the
# mirror holds at most 16 packs (MAINT_MAX_PACKS) and 64 loose ref files
# (MAINT_MAX_LOOSE_REFS), and the folders packing empties do not pile up
# under refs/. At the end every preserved tip reaches its history
# and git fsck --strict is clean (issue 13).
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

git_server_start
make_upstream R
write_config "$CONFIG" "R=$GIT_BASE/R.git"
up=$T/upstream/R.git m=$ROOT/R.git

stamp=1700000000
step() {   # step PARENT LABEL: main moves to a new commit an hour later
	stamp=$((stamp + 3600))
	GIT_COMMITTER_DATE="$stamp +0000" GIT_AUTHOR_DATE="$stamp +0000" \
		git -C "$up" update-ref refs/heads/main "$(upstream_commit R "$1" "$2")"
}

dsm -q fetch || fail "first fetch failed"
cycles=200
[ "$SLOW" -le 1 ] || cycles=20   # valgrind: past one consolidation (17 packs)
consolidated=0 packed=0
for i in $(seq 1 "$cycles"); do
	if [ $((i % 3)) = 0 ]; then step main~1 "rewritten $i"; else step main "cycle $i"; fi
	git -C "$up" tag "t$i" main
	[ $((i % 40)) != 0 ] || git -C "$up" tag -f v1 main >/dev/null
	dsm fetch --json >"$T/out" || fail "cycle $i: fetch failed"
	# The report's three numbers, without a python per cycle.
	out=$(<"$T/out") got=x after=0 refs_packed=0
	[[ $out =~ \"received_objects\":\ ([0-9]+) ]] && got=${BASH_REMATCH[1]}
	[[ $out =~ \"packs_after\":\ ([0-9]+) ]] && after=${BASH_REMATCH[1]}
	[[ $out =~ \"refs_packed\":\ ([0-9]+) ]] && refs_packed=${BASH_REMATCH[1]}
	[ "$got" != x ] || fail "cycle $i: no received_objects in the report: $out"
	[ "$got" -le 3 ] || fail "cycle $i: a one-commit update received $got objects, not 3"
	packs=$(find "$m/objects/pack" -name 'pack-*.pack' | wc -l)
	[ "$packs" -le 16 ] || fail "cycle $i: $packs packs, more than the bound of 16"
	loose=$(find "$m/refs" -type f | wc -l)
	[ "$loose" -le 64 ] || fail "cycle $i: $loose loose ref files, more than 64"
	dirs=$(find "$m/refs" -mindepth 2 -type d | wc -l)
	[ "$dirs" -le 96 ] || fail "cycle $i: $dirs folders under refs/ (packing leaves them empty)"
	[ "$after" != 1 ] || consolidated=$((consolidated + 1))
	[ "$refs_packed" = 0 ] || packed=$((packed + 1))
done
[ "$consolidated" -ge $((cycles / 17)) ] ||
	fail "packs consolidated $consolidated times in $cycles cycles"
# (20 cycles leave fewer than 64 loose refs: nothing to pack under valgrind.)
[ "$cycles" -lt 100 ] || [ "$packed" -ge 1 ] || fail "loose refs never packed in $cycles cycles"
preserved=$(git -C "$m" for-each-ref --format='%(objectname)' refs/dsmirror/preserved)
[ "$(echo "$preserved" | wc -l)" -ge $((cycles / 3)) ] ||
	fail "expected $((cycles / 3)) preserved tips"
for oid in $preserved; do
	git -C "$m" rev-list --objects "$oid" >/dev/null || fail "preserved tip $oid lost its history"
done
assert_refs_equal "$up" "$m"
fsck_all "$ROOT"
