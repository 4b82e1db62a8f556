#!/usr/bin/env bash
# fsck killed (-9) at each moment between the writes of a repair (fsck.c's
# kill points: the salvaged pack written, the damaged files set aside,
# upstream's objects brought in) leaves nothing half-done: the refs as they
# were, every preserved tip kept, and the next fsck finishes the repair -
# git fsck --strict clean, refs = upstream, nothing left in the root
# (issue 14). Then the same moments with the run stopped by SIGTERM, SIGINT
# and SIGHUP instead.
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

make_upstream r
up=$T/upstream/r.git m=$ROOT/r.git
write_config "$CONFIG" r="file://$up"
assert_exit 0 dsm -q fetch
git -C "$up" update-ref refs/heads/feature "$(upstream_commit r main~1 "rewritten")"
git -C "$up" update-ref refs/heads/main "$(upstream_commit r main "newest")"
assert_exit 0 dsm -q fetch
all_refs() { git -C "$m" for-each-ref --format='%(objectname) %(refname)'; }
fsck_field() { json_get "repo('$1')['fsck'].get('$2')"; }

# damage: every object in one pack, one byte flipped in its largest blob
# (one upstream still has).
damage() {
	local pack line
	git -C "$m" repack -qad
	pack=$(ls "$m"/objects/pack/pack-*.pack)
	chmod u+w "$pack"
	line=$(git verify-pack -v "${pack%.pack}.idx" |
		awk '$2 == "blob" && NF == 5 { if ($4 > max) { max = $4; l = $0 } } END { print l }')
	set -- $line
	printf '\377' | dd of="$pack" bs=1 seek=$(($5 + $4 / 2)) conv=notrunc status=none
}

for point in fsck-salvaged fsck-set-aside fsck-refetched; do
	damage
	before=$(all_refs)
	assert_exit 3 env DSMIRROR_TEST_KILL=$point "$DSMIRROR" -c "$CONFIG" fsck
	assert_contains "$T/err" "worker killed by signal 9"
	[ "$(all_refs)" = "$before" ] || fail "$point: the kill changed the refs"
	assert_exit 0 dsm --json fsck
	case $(fsck_field r result) in repaired | ok) ;;
	*) fail "$point: the fsck after the kill: $(fsck_field r result)" ;; esac
	assert_fsck "$m"
	assert_refs_equal "$up" "$m"
	[ "$(all_refs)" = "$before" ] || fail "$point: the rerun changed the refs"
	git -C "$m" for-each-ref --format='%(objectname)' refs/dsmirror/preserved |
		git -C "$m" rev-list --objects --stdin >/dev/null ||
		fail "$point: a preserved tip's history was lost"
	left=$(find "$ROOT" -maxdepth 1 -name '.tmp-*'; find "$m/objects/pack" -name 'pack_git2_*' -o -name '*.lock')
	[ -z "$left" ] || fail "$point: left behind: $left"
	assert_exit 0 dsm --json fsck
	assert_eq ok "$(fsck_field r result)" "the second fsck after $point"
done

# The same moments, the run stopped by a signal (a service stopped, a CI job
# cancelled, the terminal closed): the worker held at the point, the run
# told to stop. Exit 128 + the signal, the refs as they were, nothing left,
# and the next fsck finishes the repair.
sigs=(TERM INT HUP) nums=(15 2 1) i=0
for point in fsck-salvaged fsck-set-aside fsck-refetched; do
	sig=${sigs[i]} num=${nums[i]}
	i=$((i + 1))
	damage
	before=$(all_refs)
	spawn env DSMIRROR_TEST_KILL=$point:pause "$DSMIRROR" -c "$CONFIG" --json fsck >"$T/out" 2>"$T/err"
	run=$SPAWNED
	wait_until 30 grep -q "paused at $point" "$T/err" || fail "$point: the repair never reached the point"
	kill -"$sig" "$run"
	wait_until 10 gone "$run" || fail "SIG$sig at $point: the run did not stop within 10 s"
	rc=0
	wait "$run" || rc=$?
	assert_eq $((128 + num)) "$rc" "exit status after SIG$sig at $point"
	assert_contains "$T/err" "interrupted by signal $num"
	assert_eq $((128 + num)) "$(json_get "j['exit']")" "the exit in the JSON report after SIG$sig"
	[ "$(all_refs)" = "$before" ] || fail "SIG$sig at $point: the refs changed"
	left=$(find "$ROOT" -maxdepth 1 -name '.tmp-*'; find "$m/objects/pack" -name 'pack_git2_*' -o -name '*.lock')
	[ -z "$left" ] || fail "SIG$sig at $point: left behind: $left"
	# The lock was released: this run would otherwise wait or fail.
	assert_exit 0 dsm --json fsck
	case $(fsck_field r result) in repaired | ok) ;;
	*) fail "SIG$sig at $point: the fsck after: $(fsck_field r result)" ;; esac
	assert_fsck "$m"
	assert_refs_equal "$up" "$m"
	[ "$(all_refs)" = "$before" ] || fail "SIG$sig at $point: the rerun changed the refs"
done
