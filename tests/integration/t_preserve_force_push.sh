#!/usr/bin/env bash
# Nothing once mirrored is lost: when upstream rewrites main, deletes a branch,
# moves a tag or deletes one, the mirror follows upstream and keeps each old tip
# under refs/dsmirror/preserved/<UTC YYYYMMDDTHHMMSSZ>/<ref>. Fast-forwards and
# repeated fetches preserve nothing new; later fetches never drop preserved refs.
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

up=$T/upstream/r1.git m=$ROOT/r1.git
preserved() { refs "$m" refs/dsmirror/preserved; }
make_upstream r1
git_server_start
write_config "$CONFIG" r1="$GIT_BASE/r1.git"
assert_exit 0 dsm fetch

work_commit r1
work r1 push -q origin main
assert_exit 0 dsm fetch
assert_eq "" "$(preserved)" "preserved refs after a fast-forward"

declare -A old
for ref in refs/heads/main refs/heads/feature refs/tags/v1 refs/tags/v1-ann; do
	old[$ref]=$(git -C "$up" rev-parse "$ref")
done
work r1 checkout -q --orphan rewritten
work_commit r1 README "a history of its own"
work r1 tag -f v1 >/dev/null
work r1 push -q -f origin rewritten:main v1
work r1 push -q origin :feature :refs/tags/v1-ann
before=$(date -u +%Y%m%dT%H%M%SZ)
assert_exit 0 dsm --json fetch
after=$(date -u +%Y%m%dT%H%M%SZ)

assert_eq updated "$(fetch_field r1 result)" "fetch.result"
assert_refs_equal "$up" "$m"
for ref in "${!old[@]}"; do
	p=$(preserved | cut -d' ' -f2 | grep -xE "refs/dsmirror/preserved/[0-9]{8}T[0-9]{6}Z/$ref" || true)
	[[ -n $p && $(wc -l <<<"$p") = 1 ]] ||
		fail "expected one refs/dsmirror/preserved/<YYYYMMDDTHHMMSSZ>/$ref, preserved refs are:
$(preserved)"
	stamp=${p#refs/dsmirror/preserved/}
	stamp=${stamp%%/*}
	[[ ! $stamp < $before && ! $stamp > $after ]] || fail "$p: time not within the run ($before..$after)"
	git -C "$m" rev-list --objects "$p" | grep "^${old[$ref]}" >/dev/null ||
		fail "old tip ${old[$ref]} of $ref not reachable from $p"
	assert_eq "{\"as\": \"$p\", \"oid\": \"${old[$ref]}\"}" \
		"$(json_get "next({'as': p['as'], 'oid': p['oid']} for p in repo('r1')['fetch']['preserved'] if p['ref'] == '$ref')")" \
		"fetch.preserved entry of $ref"
done
kept=$(preserved)

assert_exit 0 dsm fetch
assert_eq "$kept" "$(preserved)" "preserved refs after a fetch with nothing new"
work_commit r1
work r1 push -q -f origin rewritten:main
assert_exit 0 dsm fetch
assert_refs_equal "$up" "$m"
assert_eq "$kept" "$(preserved)" "preserved refs after a later fast-forward"
fsck_all "$ROOT"
