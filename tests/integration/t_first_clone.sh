#!/usr/bin/env bash
# fetch clones each repo into the bare mirror <root>/<name>.git: same heads and
# tags as upstream, no refs/pull/*, the same HEAD (main, or develop), usable by
# `git clone`; --json says "cloned" and gives the head commit.
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

make_upstream r1
make_upstream r2 develop
git_server_start
write_config "$CONFIG" r1="$GIT_BASE/r1.git" r2="$GIT_BASE/r2.git"

assert_exit 0 dsm --json fetch
assert_eq 0 "$(json_get 'j["exit"]')" "json exit"
[ ! -e "$HOME/mirrors" ] || fail "root made relative to the working folder, not the config's"
for r in r1 r2; do
	up=$T/upstream/$r.git m=$ROOT/$r.git
	assert_eq true "$(git -C "$m" rev-parse --is-bare-repository)" "$r mirror is bare"
	assert_refs_equal "$up" "$m"
	assert_eq "" "$(refs "$m" refs/pull)" "refs/pull/* in the $r mirror"
	assert_eq "$(git -C "$up" symbolic-ref HEAD)" "$(git -C "$m" symbolic-ref HEAD)" "$r mirror HEAD"
	assert_eq cloned "$(fetch_field $r result)" "$r fetch.result"
	assert_eq "$(git -C "$up" rev-parse HEAD)" "$(fetch_field $r head)" "$r fetch.head"
	git clone -q "$m" "$T/checkout-$r"
	assert_eq "$(git -C "$up" rev-parse HEAD)" "$(git -C "$T/checkout-$r" rev-parse HEAD)" \
		"HEAD of a clone of the $r mirror"
done
fsck_all "$ROOT"
