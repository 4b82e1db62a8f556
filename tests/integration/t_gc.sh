#!/usr/bin/env bash
# dsmirror gc: every pack of a mirror (but one with a .keep) consolidated into
# one holding every object a ref reaches, preserved tips included, and every
# loose ref packed; the refs read the same before and after, git fsck --strict
# agrees, a rerun has nothing to do, -q says nothing, a mirror not cloned yet
# is no error, and a damaged mirror loses nothing (issue 13).
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

make_upstream r
up=$T/upstream/r.git m=$ROOT/r.git
write_config "$CONFIG" r="file://$up" s="file://$T/upstream/s.git"
dsm -q fetch r || fail "first fetch failed"

# Ten updates (six under valgrind), a pack each: commits on main, feature
# force-pushed every third (its old tip preserved), v1 moved every fourth.
n_up=10
[ "$SLOW" -le 1 ] || n_up=6
for i in $(seq 1 "$n_up"); do
	git -C "$up" update-ref refs/heads/main "$(upstream_commit r main "c$i")"
	[ $((i % 3)) != 0 ] ||
		git -C "$up" update-ref refs/heads/feature "$(upstream_commit r main~1 "f$i")"
	[ $((i % 4)) != 0 ] || git -C "$up" update-ref refs/tags/v1 main~1
	dsm -q fetch r || fail "update $i failed"
done
packs() { find "$m/objects/pack" -name 'pack-*.pack' | wc -l; }
loose() { find "$m/refs" -type f | wc -l; }
[ "$(packs)" -ge "$n_up" ] || fail "expected a pack per update, found $(packs)"
preserved=$(git -C "$m" for-each-ref --format='%(objectname)' refs/dsmirror/preserved)
[ "$(echo "$preserved" | wc -l)" -ge 3 ] || fail "expected preserved tips: $preserved"
all_refs() { git -C "$m" for-each-ref --format='%(objectname) %(refname)'; }
before=$(all_refs)
# A pack someone marked to keep stays as it is.
kept=$(find "$m/objects/pack" -name 'pack-*.pack' | head -1)
touch "${kept%.pack}.keep"
n=$(packs) nloose=$(loose)

dsm gc r >"$T/out" 2>"$T/err" || fail "gc failed: $(cat "$T/out" "$T/err")"
assert_empty "$T/err"
grep -Eq "^r +done +$n packs -> 2, $nloose loose refs? packed in [0-9.]+ s$" "$T/out" ||
	fail "gc's line is not as expected ($n packs, $nloose loose refs): $(cat "$T/out")"
[ "$(packs)" = 2 ] || fail "expected the new pack and the kept one, found $(packs)"
[ -f "$kept" ] || fail "the pack with a .keep was removed"
[ "$(loose)" = 0 ] || fail "$(loose) loose refs left after gc"
[ "$(all_refs)" = "$before" ] || fail "gc changed the refs"
for oid in $preserved; do
	git -C "$m" rev-list --objects "$oid" >/dev/null ||
		fail "preserved tip $oid lost its history"
done
assert_fsck "$m"
assert_refs_equal "$up" "$m"

# Nothing more to do: unchanged, in the text and the JSON.
dsm --json gc r >"$T/out" || fail "second gc failed"
[ "$(json_get "repo('r')['gc']['result']")" = unchanged ] ||
	fail "a second gc did something: $(cat "$T/out")"
[ "$(json_get "repo('r')['gc']['maintenance']['packs_after']")" = 2 ] ||
	fail "JSON packs_after: $(cat "$T/out")"
assert_exit 0 dsm -q gc r
assert_empty "$T/out"
assert_empty "$T/err"

# A mirror not cloned yet: nothing to do, no error.
dsm gc s >"$T/out" 2>"$T/err" || fail "gc of a repo not cloned failed"
assert_contains "$T/out" "not cloned yet: nothing to do"
[ ! -e "$ROOT/s.git" ] || fail "gc created a mirror"

# Damaged: a ref to an object the mirror lacks. gc fails (exit 3), naming the
# object, and removes no pack.
rm "${kept%.pack}.keep"
dsm -q fetch r || fail "fetch before the damage failed"
git -C "$up" update-ref refs/heads/main "$(upstream_commit r main "more")"
dsm -q fetch r || fail "fetch before the damage failed"
echo 0123456789012345678901234567890123456789 >"$m/refs/heads/broken"
ls "$m/objects/pack" >"$T/packs.before"
assert_exit 3 dsm gc r
assert_contains "$T/err" "r: gc failed: cannot pack refs: object not found"
ls "$m/objects/pack" >"$T/packs.after"
cmp -s "$T/packs.before" "$T/packs.after" || fail "a failed gc changed the packs:
$(diff "$T/packs.before" "$T/packs.after")"
git -C "$m" update-ref -d refs/heads/broken
# The same for a packed preserved ref: consolidation names it, says damaged,
# and removes no pack.
assert_exit 0 dsm gc r
# (after the header: the oldest name of packed-refs, which stays sorted)
sed -i '1a 0123456789012345678901234567890123456789 refs/dsmirror/preserved/19700101T000000Z/refs/heads/gone' \
	"$m/packed-refs"
git -C "$up" update-ref refs/heads/main "$(upstream_commit r main "after")"
dsm -q fetch r || fail "fetch before the second damage failed"
ls "$m/objects/pack" >"$T/packs.before"
assert_exit 3 dsm gc r
assert_contains "$T/err" "r: gc failed: damaged: cannot consolidate packs (left as they were): refs/dsmirror/preserved/19700101T000000Z/refs/heads/gone names an object the mirror cannot read"
ls "$m/objects/pack" >"$T/packs.after"
cmp -s "$T/packs.before" "$T/packs.after" || fail "a failed consolidation changed the packs"
sed -i '/19700101T000000Z/d' "$m/packed-refs"
assert_exit 0 dsm gc r
[ "$(packs)" = 1 ] || fail "expected one pack, found $(packs)"
assert_fsck "$m"
assert_refs_equal "$up" "$m"
