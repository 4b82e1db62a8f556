#!/usr/bin/env bash
# dsmirror fsck (issue 14): reads every object every ref reaches (preserved
# tips included) and checks each pack's checksum. Whole: "ok", exit 0. Each
# damage of the issue's table - a byte flipped inside a packed object, the
# newest pack deleted, the base pack truncated, its index deleted, HEAD
# garbage, a ref at a missing id - ends "repaired" (exit 0): git fsck --strict
# clean, refs = upstream, the preserved refs intact, what was damaged kept in
# dsmirror-damaged/. Damage upstream cannot mend (a preserved tip's history
# lost) is "damaged", exit 3, on stderr with what to do.
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

make_upstream r
up=$T/upstream/r.git m=$ROOT/r.git
git_server_start
write_config "$CONFIG" r="$GIT_BASE/r.git" other="$GIT_BASE/other.git"
fsck_field() { json_get "repo('$1')['fsck'].get('$2')"; }

# repaired WHAT TEXT: fsck finds TEXT, repairs, and the mirror is whole.
repaired() {
	assert_exit 0 dsm --json fsck
	assert_eq repaired "$(fsck_field r result)" "fsck.result, $1"
	case $(fsck_field r detail) in *"$2"*) ;;
	*) fail "$1: the detail does not name '$2': $(fsck_field r detail)" ;; esac
	assert_fsck "$m"
	assert_refs_equal "$up" "$m"
	[ "$(git -C "$m" for-each-ref --format='%(objectname) %(refname)' refs/dsmirror/preserved)" = "$preserved" ] ||
		fail "$1: the preserved refs changed"
	git -C "$m" for-each-ref --format='%(objectname)' refs/dsmirror/preserved |
		git -C "$m" rev-list --objects --stdin >/dev/null ||
		fail "$1: a preserved tip's history is unreadable"
	assert_exit 0 dsm --json fsck
	assert_eq ok "$(fsck_field r result)" "the fsck after the repair, $1"
}

# flip PACK: one byte inside the deflated data of the largest whole (not
# delta) object of PACK.
flip() {
	local pack=$1 line
	line=$(git verify-pack -v "${pack%.pack}.idx" |
		awk '$2 == "blob" || $2 == "commit" || $2 == "tree" { if (NF == 5 && $4 > max) { max = $4; l = $0 } } END { print l }')
	[ -n "$line" ] || fail "no whole object in $pack"
	set -- $line
	python3 - "$pack" $(($5 + $4 - 6)) <<'EOF'
import sys
with open(sys.argv[1], 'r+b') as f:
    f.seek(int(sys.argv[2])); b = f.read(1); f.seek(int(sys.argv[2]))
    f.write(bytes([b[0] ^ 0x55]))
EOF
}

assert_exit 0 dsm -q fetch r
preserved=
# The only pack truncated to half (history upstream still has: all of it
# comes back).
p=$(ls "$m"/objects/pack/pack-*.pack)
chmod u+w "$p"
truncate -s $(($(stat -c %s "$p") / 2)) "$p"
repaired "the pack truncated" "fails its checksum"
# No mirror yet: nothing to check, not a failure.
assert_exit 0 dsm --json fsck other
assert_eq no-mirror "$(fsck_field other result)" "fsck of a repo not cloned"
write_config "$CONFIG" r="$GIT_BASE/r.git"
# An update (its own pack) that also keeps an old tip.
git -C "$up" update-ref refs/heads/feature "$(upstream_commit r main~1 "rewritten")"
git -C "$up" update-ref refs/heads/main "$(upstream_commit r main "newest")"
assert_exit 0 dsm -q fetch
preserved=$(git -C "$m" for-each-ref --format='%(objectname) %(refname)' refs/dsmirror/preserved)
[ -n "$preserved" ] || fail "nothing preserved"
[ "$(ls "$m"/objects/pack/pack-*.pack | wc -l)" -ge 2 ] || fail "want two packs"

# Whole: ok, every object counted, -q silent.
assert_exit 0 dsm --json fsck
assert_eq ok "$(fsck_field r result)" "fsck of a whole mirror"
objects=$(fsck_field r objects)
[ "$objects" -ge "$(git -C "$m" rev-list --all --objects | wc -l)" ] ||
	fail "fsck read $objects objects, fewer than the mirror's"
assert_exit 0 dsm -q fsck
assert_empty "$T/out"
assert_exit 0 dsm fsck
assert_contains "$T/out" "fsck ok"

base=$(ls -tr "$m"/objects/pack/pack-*.pack | head -1)
chmod u+w "$base"
flip "$base"
git -C "$m" fsck --no-progress >/dev/null 2>&1 && fail "the flipped byte went unnoticed by git fsck"
repaired "a byte flipped in the base pack" "fails its checksum"
ls "$m"/dsmirror-damaged/*/"$(basename "$base")" >/dev/null ||
	fail "the damaged pack was not kept in dsmirror-damaged/"

# The newest pack deleted.
newest=$(ls -t "$m"/objects/pack/pack-*.pack | head -1)
rm -f "$newest" "${newest%.pack}.idx"
repaired "the newest pack deleted" "is missing"

# A pack's index deleted: indexed again, nothing fetched needed.
git -C "$m" repack -qad
p=$(ls "$m"/objects/pack/pack-*.pack)
rm -f "${p%.pack}.idx"
repaired "an index deleted" "had no index: indexed again"

# HEAD garbage, and a ref at a missing id.
echo garbage >"$m/HEAD"
repaired "HEAD garbage" "HEAD is unreadable"
echo 0123456789abcdef0123456789abcdef01234567 >"$m/refs/heads/feature"
repaired "a ref at a missing id" "refs/heads/feature: object 0123456789ab is missing"

# What upstream no longer has: a preserved tip's own commit, lost.
git -C "$m" repack -qad
tip=$(git -C "$m" for-each-ref --format='%(objectname)' refs/dsmirror/preserved | head -1)
git -C "$m" cat-file commit "$tip" >/dev/null || fail "no preserved commit"
git -C "$up" merge-base --is-ancestor "$tip" refs/heads/main 2>/dev/null &&
	fail "the preserved tip is still upstream's"
# Unpack every object but that commit into loose files, then drop the pack.
p=$(ls "$m"/objects/pack/pack-*.pack)
mv "$p" "$T/keep.pack"
rm -f "${p%.pack}".*
git -C "$m" unpack-objects -q <"$T/keep.pack"
rm -f "$m/objects/${tip:0:2}/${tip:2}"
assert_exit 3 dsm fsck
assert_contains "$T/err" "damaged"
assert_contains "$T/err" "${tip:0:12} is missing"
assert_contains "$T/err" "restore the mirror from a backup"
assert_exit 3 dsm --json fsck
assert_eq damaged "$(fsck_field r result)" "fsck of what upstream cannot mend"
assert_refs_equal "$up" "$m"
[ "$(git -C "$m" for-each-ref --format='%(objectname) %(refname)' refs/dsmirror/preserved)" = "$preserved" ] ||
	fail "a damaged preserved ref was touched"
