#!/usr/bin/env bash
# Damage to the mirror is not a change upstream (issue 14): a license blob, the
# tree that holds it or the tip commit that the mirror cannot read, and a HEAD
# turned to garbage, give the verdict "damaged" (exit 1), never "missing" or
# "no-mirror", with a message that blames the mirror and says what to do (fsck,
# which then repairs it). A file
# upstream really removed stays "missing".
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

make_upstream r
write_config_json "$CONFIG" "[repo('r', lic('LICENSE', 'MIT'), lic('NOTICE'), url='file://$T/upstream/r.git')]"
assert_exit 0 dsm -q fetch
m=$ROOT/r.git
cp -a "$m" "$T/good.git"

# flip OID: one byte of the object's packed data flipped, in the middle of it.
flip() {
	local idx pack line off size
	idx=$(ls "$m"/objects/pack/pack-*.idx)
	pack=${idx%.idx}.pack
	line=$(git verify-pack -v "$idx" | grep "^$1 ")
	size=$(echo "$line" | awk '{ print $4 }')
	off=$(echo "$line" | awk '{ print $5 }')
	off=$((off + size / 2))
	chmod u+w "$pack"
	printf "$(printf '\\%03o' $((($(od -An -tu1 -j "$off" -N1 "$pack") + 1) % 256)))" |
		dd of="$pack" bs=1 seek="$off" conv=notrunc status=none
}
restore() { rm -rf "$m" && cp -a "$T/good.git" "$m"; }
# damaged WHAT: verify exits 1, LICENSE damaged with the mirror blamed.
damaged() {
	assert_exit 1 dsm verify
	assert_contains "$T/err" "damaged"
	assert_exit 1 dsm --json verify
	assert_eq damaged "$(lic_field r LICENSE verdict)" "LICENSE verdict, $1"
	detail=$(lic_field r LICENSE detail)
	case $detail in *"the mirror is damaged, not upstream"*"dsmirror fsck"*) ;;
	*) fail "$1: the detail does not blame the mirror: $detail" ;; esac
}

assert_exit 1 dsm --json verify   # NOTICE is not in the upstream
assert_eq ok "$(lic_field r LICENSE verdict)" "LICENSE before the damage"
assert_eq missing "$(lic_field r NOTICE verdict)" "NOTICE, which upstream never had"

flip "$(git -C "$m" rev-parse HEAD:LICENSE)"
damaged "its blob corrupt"
assert_eq missing "$(lic_field r NOTICE verdict)" "NOTICE beside a corrupt LICENSE"
restore

flip "$(git -C "$m" rev-parse 'HEAD^{tree}')"
damaged "the tree corrupt"
restore

flip "$(git -C "$m" rev-parse HEAD)"
damaged "the tip commit corrupt"
assert_eq damaged "$(lic_field r NOTICE verdict)" "NOTICE when the tip commit is corrupt"
restore

echo "garbage" >"$m/HEAD"
damaged "HEAD garbage"
restore

assert_exit 1 dsm --json verify
assert_eq ok "$(lic_field r LICENSE verdict)" "LICENSE after the restore"

# What the message says to do works: fsck repairs the blob from upstream.
flip "$(git -C "$m" rev-parse HEAD:LICENSE)"
damaged "its blob corrupt, before fsck"
assert_exit 0 dsm fsck
assert_contains "$T/out" "fsck repaired"
assert_exit 1 dsm --json verify
assert_eq ok "$(lic_field r LICENSE verdict)" "LICENSE after fsck"
