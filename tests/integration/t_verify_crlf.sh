#!/usr/bin/env bash
# Line endings and line breaks do not matter: upstream rewrites its MIT LICENSE
# with CRLF line endings only, then reflows it (50 columns, still CRLF). After
# each fetch, verify exits 0 and the file is ok, with the fingerprint it had
# before, both for a pinned entry (the pin still matches) and an unpinned one.
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

for r in pinned unpinned; do
	make_upstream $r
	work_files $r "DeepSeek-R1's LICENSE" LICENSE="$(license_file mit-r1)"
done
git_server_start
write_config_json "$CONFIG" '[repo("pinned", lic("LICENSE", "MIT")), repo("unpinned", lic("LICENSE", "MIT"))]'
assert_exit 0 dsm fetch
assert_exit 0 dsm --json verify
assert_all_verdicts ok
sha=$(lic_field pinned LICENSE sha256)
set_pin "$CONFIG" pinned LICENSE "$sha"

# check_ok WHAT: fetch, then every file is ok with the original fingerprint and
# the pinned repo's blob is upstream's new one.
check_ok() {
	assert_exit 0 dsm fetch
	assert_exit 0 dsm --json verify
	assert_all_verdicts ok
	for r in pinned unpinned; do
		assert_eq "$sha" "$(lic_field $r LICENSE sha256)" "$r LICENSE fingerprint after $1"
		assert_eq "$(git -C "$T/upstream/$r.git" rev-parse main:LICENSE)" \
			"$(lic_field $r LICENSE blob)" "$r LICENSE blob after $1"
	done
	assert_exit 0 dsm verify
	assert_empty "$T/err"
}

for r in pinned unpinned; do
	sed -i 's/$/\r/' "$T/work/$r/LICENSE"
	work_publish $r "LICENSE: CRLF line endings"
done
[ "$(grep -c $'\r$' "$T/work/pinned/LICENSE")" -ge 20 ] || fail "LICENSE is not CRLF"
check_ok "CRLF only"

for r in pinned unpinned; do
	tr -d '\r' <"$(license_file mit-r1)" | fmt -w 50 | sed 's/$/\r/' >"$T/work/$r/LICENSE"
	work_publish $r "LICENSE: reflowed to 50 columns"
done
[ "$(awk '{ if (length > n) n = length } END { print n }' "$T/work/pinned/LICENSE")" -le 51 ] ||
	fail "LICENSE was not reflowed"
check_ok "reflow"
fsck_all "$ROOT"
