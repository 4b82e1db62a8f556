#!/usr/bin/env bash
# Maintenance killed (-9) at every moment between its writes, and at moments
# picked by the clock, leaves a mirror git fsck --strict accepts with every ref
# as it was, which git can clone; the next run finishes the work and leaves
# nothing behind. A git clone from the mirror while dsmirror consolidates its
# packs never misses an object (issue 13).
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

make_upstream r
up=$T/upstream/r.git m=$ROOT/r.git
write_config "$CONFIG" r="file://$up"
dsm -q fetch || fail "first fetch failed"
# Under valgrind (DSMIRROR_SLOW > 1) less of everything: the same moments.
per=3 mb=4 delays="0.05 0.15 0.3 0.6" rounds=4
# The clock's kills and the clones, about timing, not memory, run natively only.
[ "$SLOW" -le 1 ] || { per=2 mb=1 delays='' rounds=0; }
add_big_commit r "$mb"
dsm -q fetch || fail "fetch of $mb MB failed"

u=0
updates() {   # updates N: N updates, a pack each, feature force-pushed in each
	for _ in $(seq 1 "$1"); do
		u=$((u + 1))
		git -C "$up" update-ref refs/heads/main "$(upstream_commit r main "c$u")"
		git -C "$up" update-ref refs/heads/feature "$(upstream_commit r main~1 "f$u")"
		dsm -q fetch || fail "update $u failed"
	done
}
packs() { find "$m/objects/pack" -name 'pack-*.pack' | wc -l; }
all_refs() { git -C "$m" for-each-ref --format='%(objectname) %(refname)'; }
# whole WHEN: what a kill may leave, and what it must not.
whole() {
	assert_fsck "$m"
	[ "$(all_refs)" = "$before" ] || fail "$1: the refs changed:
$(diff <(echo "$before") <(all_refs))"
	rm -rf "$T/clone.git"
	git clone -q --bare --no-local "$m" "$T/clone.git" 2>"$T/clone.err" ||
		fail "$1: git clone of the mirror failed: $(cat "$T/clone.err")"
}
# finished: the rerun's work done, no leftover.
finished() {
	[ "$(packs)" = 1 ] || fail "$1: $(packs) packs after the rerun"
	left=$(find "$m/objects/pack" "$m/refs" -name 'pack_git2_*' -o -name '*.lock')
	[ -z "$left" ] || fail "$1: left behind: $left"
	for idx in "$m"/objects/pack/*.idx; do
		[ -f "${idx%.idx}.pack" ] || fail "$1: an index without its pack: $idx"
	done
	assert_fsck "$m"
	[ "$(all_refs)" = "$before" ] || fail "$1: the rerun changed the refs"
}

# Each moment between two writes of gc (maint.c's kill points).
for point in maint-refs-packed maint-pack-written maint-pack-removing maint-packs-removed; do
	updates "$per"
	before=$(all_refs)
	assert_exit 137 env DSMIRROR_TEST_KILL=$point "$DSMIRROR" -c "$CONFIG" gc
	whole "killed at $point"
	case $point in maint-pack-*)
		[ "$(packs)" -ge 2 ] || fail "$point: the old packs went before the kill"
	esac
	assert_exit 0 dsm gc
	finished "after $point"
done

# The same in a fetch's own maintenance, past 16 packs: the worker is killed
# after the new pack is written; the next run, with nothing to fetch, finishes.
# 15 more packs, each of one object the mirror has (git pack-objects: quicker
# than 15 updates), then an update.
for c in $(git -C "$m" rev-list --objects --all | head -15 | cut -d' ' -f1); do
	echo "$c" | git -C "$m" pack-objects -q "$m/objects/pack/pack" >/dev/null
done
before=$(all_refs)
[ "$(packs)" = 16 ] || fail "expected 16 packs before the fetch's maintenance"
git -C "$up" update-ref refs/heads/main "$(upstream_commit r main "last")"
assert_exit 3 env DSMIRROR_TEST_KILL=maint-pack-removing "$DSMIRROR" -c "$CONFIG" fetch
assert_contains "$T/err" "r: fetch failed: worker killed by signal 9"
before=$(all_refs)
assert_refs_equal "$up" "$m"
whole "a fetch killed in its maintenance"
assert_exit 0 dsm -q fetch
finished "the fetch after"

# Killed by the clock, wherever gc is then.
for delay in $delays; do
	updates "$per"
	before=$(all_refs)
	spawn "$DSMIRROR" -c "$CONFIG" gc
	sleep "$delay"
	kill9 "$SPAWNED"
	whole "killed after $delay s"
	assert_exit 0 dsm gc
	finished "after a kill at $delay s"
done

[ "$rounds" -gt 0 ] || { fsck_all "$ROOT"; exit 0; }

# Clones from the mirror, one after another, while gc consolidates its packs.
: >"$T/clone.failed"
(
	k=0
	while [ ! -e "$T/clones.stop" ]; do
		k=$((k + 1))
		rm -rf "$T/c.git"
		if git clone -q --bare --no-local "$m" "$T/c.git" 2>"$T/c.err" &&
			git -C "$T/c.git" fsck --no-progress 2>>"$T/c.err"; then
			echo ok >>"$T/clones.ok"
		else
			cat "$T/c.err" >>"$T/clone.failed"
		fi
	done
) &
cloner=$!
for round in $(seq 1 "$rounds"); do
	updates "$per"
	dsm -q gc || fail "gc $round with clones running failed"
done
touch "$T/clones.stop"
wait "$cloner"
[ ! -s "$T/clone.failed" ] || fail "a clone during maintenance failed: $(head -c 2000 "$T/clone.failed")"
[ "$(wc -l <"$T/clones.ok")" -ge 2 ] || fail "too few clones ran during maintenance"
assert_refs_equal "$up" "$m"
fsck_all "$ROOT"
