#!/usr/bin/env bash
# The cheap checks of every fetch (issue 14): a mirror whose newest pack was
# deleted, whose ref names an object that does not exist, or whose HEAD is
# garbage is never "unchanged" with exit 0. fetch finds it, fetches the lost
# objects back from upstream, rewrites HEAD, and says "repaired" with what it
# found; the mirror is then whole (git fsck --strict), its refs upstream's,
# every preserved ref kept.
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

make_upstream r
up=$T/upstream/r.git m=$ROOT/r.git
git_server_start
write_config "$CONFIG" r="$GIT_BASE/r.git"
assert_exit 0 dsm -q fetch
# An update (its own pack) that also keeps an old tip.
git -C "$up" update-ref refs/heads/feature "$(upstream_commit r main~1 "rewritten")"
git -C "$up" update-ref refs/heads/main "$(upstream_commit r main "newest")"
assert_exit 0 dsm -q fetch
preserved=$(git -C "$m" for-each-ref refs/dsmirror/preserved)
[ -n "$preserved" ] || fail "nothing preserved"

repaired() {   # repaired WHAT TEXT: fetch says repaired, naming TEXT; all whole
	assert_exit 0 dsm --json fetch
	assert_eq repaired "$(fetch_field r result)" "fetch.result, $1"
	case $(fetch_field r damage) in *"$2"*) ;;
	*) fail "$1: the damage does not name '$2': $(fetch_field r damage)" ;; esac
	assert_fsck "$m"
	assert_refs_equal "$up" "$m"
	[ "$(git -C "$m" for-each-ref refs/dsmirror/preserved)" = "$preserved" ] ||
		fail "$1: the preserved refs changed"
	assert_exit 0 dsm --json fetch
	assert_eq unchanged "$(fetch_field r result)" "the fetch after the repair, $1"
}

# The newest pack deleted: main's tip and what came with it are gone.
newest=$(ls -t "$m"/objects/pack/pack-*.pack | head -1)
rm -f "$newest" "${newest%.pack}.idx"
git -C "$m" cat-file -e refs/heads/main 2>/dev/null && fail "main's tip is still there"
repaired "the newest pack deleted" "refs/heads/main names"

# Every object in one pack, then its index deleted: the pack is indexed again
# (not removed as a killed maintenance's debris, which would lose the
# preserved tips upstream no longer has).
git -C "$m" repack -qad
p=$(ls "$m"/objects/pack/pack-*.pack)
rm -f "${p%.pack}.idx"
repaired "the index deleted" "had no index: indexed again"
git -C "$m" for-each-ref --format='%(objectname)' refs/dsmirror/preserved |
	git -C "$m" rev-list --objects --stdin >/dev/null ||
	fail "a preserved tip's history was lost with the index"

# A ref naming an object that does not exist.
echo 0123456789abcdef0123456789abcdef01234567 >"$m/refs/heads/feature"
repaired "feature at a missing id" "refs/heads/feature names 0123456"

# HEAD garbage.
echo "garbage" >"$m/HEAD"
repaired "HEAD garbage" "HEAD was unreadable"
[ "$(git -C "$m" symbolic-ref HEAD)" = refs/heads/main ] || fail "HEAD was not rewritten"

# The text report says it too.
echo "garbage" >"$m/HEAD"
assert_exit 0 dsm fetch
assert_contains "$T/out" "repaired"
assert_contains "$T/out" "damage found and repaired from upstream: HEAD was unreadable"
fsck_all "$ROOT"
