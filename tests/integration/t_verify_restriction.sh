#!/usr/bin/env bash
# A pinned MIT LICENSE gains a restriction upstream ("for non-commercial research
# purposes only"): after the fetch, verify exits 1; stderr names the repo, the
# file and the added words; --json says not-expected, and its change is against
# the commit of the pinned text (the newest one carrying it: here a later commit
# that left LICENSE alone) with those words added and none removed. An
# untouched repo stays ok. Last, the same in a repo whose commits were all made
# in one second (a script, a rebase): "newest" is then by ancestry, not by a
# time that ties with older commits carrying the same text.
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

restriction="for non-commercial research purposes only"
now=$(date +%s)
restrict() {   # restrict NAME: commit and push the restriction in NAME's LICENSE
	sed -i "s/in the Software without restriction,/in the Software $restriction, without restriction,/" \
		"$T/work/$1/LICENSE"
	grep -q "$restriction" "$T/work/$1/LICENSE" || fail "the fixture has no 'without restriction' to restrict"
	work_publish "$1" "LICENSE: research use only"
}
upstream_history() {   # upstream_history NAME T1 T2 T3: make_upstream NAME at time T1,
	# DeepSeek-R1's LICENSE committed at T2, a README commit at T3
	at_time "$2" make_upstream "$1"
	at_time "$3" work_files "$1" "DeepSeek-R1's LICENSE" LICENSE="$(license_file mit-r1)"
	at_time "$4" work_commit "$1" README "a later commit, LICENSE untouched"
	work "$1" push -q origin main
}
upstream_history r1 $((now - 30)) $((now - 20)) $((now - 10))   # each step newer
upstream_history r2 $((now - 30)) $((now - 20)) $((now - 10))
upstream_history same "$now" "$now" "$now"   # every commit in one second
git_server_start
write_config_json "$CONFIG" '[repo("r1", lic("LICENSE", "MIT")), repo("r2", lic("LICENSE", "MIT")),
	repo("same", lic("LICENSE", "MIT"))]'
assert_exit 0 dsm fetch
assert_exit 0 dsm pin
assert_exit 0 dsm verify
pinned_commit=$(upstream_head r1)   # the newest commit whose LICENSE is the pinned text
same_pinned_commit=$(upstream_head same)
pin=$("$PYTHON" -c 'import json, sys; print(json.load(open(sys.argv[1]))["repos"][0]["licenses"][0]["sha256"])' "$CONFIG")

at_time $((now + 10)) restrict r1
at_time "$now" restrict same
assert_exit 0 dsm fetch

assert_exit 1 dsm verify r1 r2
assert_contains "$T/err" r1
assert_contains "$T/err" LICENSE
assert_contains "$T/err" not-expected
grep -qiE "^ *\+ \".*$restriction.*\"$" "$T/err" || fail "no '+ \"...$restriction...\"' line on stderr:
$(cat "$T/err")"
assert_not_contains "$T/err" r2
grep -qE '^r2 +LICENSE +ok' "$T/out" || fail "no 'r2 LICENSE ok' line in: $(cat "$T/out")"

assert_exit 1 dsm --json verify
assert_eq 1 "$(json_get 'j["exit"]')" "json exit"
assert_eq not-expected "$(lic_field r1 LICENSE verdict)" "r1 LICENSE verdict"
assert_eq MIT "$(lic_field r1 LICENSE spdx)" "r1 LICENSE spdx"
assert_eq "$pin" "$(lic_field r1 LICENSE pinned)" "r1 LICENSE pinned"
[ "$(lic_field r1 LICENSE sha256)" != "$pin" ] || fail "the restricted text has the pinned fingerprint"
assert_eq "$pinned_commit" "$(json_get 'lic("r1", "LICENSE")["change"]["against"]')" "change.against"
assert_eq true "$(json_get "any('$restriction' in p.lower() for p in lic('r1', 'LICENSE')['change']['added'])")" \
	"'$restriction' in change.added $(json_get 'lic("r1", "LICENSE")["change"]')"
assert_eq "[]" "$(json_get 'lic("r1", "LICENSE")["change"]["removed"]')" "change.removed"
assert_eq ok "$(lic_field r2 LICENSE verdict)" "r2 LICENSE verdict"

# Commits of one second: the newest by ancestry is the README commit, not the
# first commit of make_upstream (whose MIT text has the pinned fingerprint too).
assert_eq not-expected "$(lic_field same LICENSE verdict)" "same LICENSE verdict"
assert_eq "$same_pinned_commit" "$(json_get 'lic("same", "LICENSE")["change"]["against"]')" \
	"change.against in a history made in one second ($(git -C "$T/upstream/same.git" log --format='%h %s' main | tr '\n' ';'))"
fsck_all "$ROOT"
