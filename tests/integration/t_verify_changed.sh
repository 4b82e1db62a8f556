#!/usr/bin/env bash
# A pinned presence-only file (DeepSeek-V3's LICENSE-MODEL, no spdx): upstream
# strips its trailing spaces (Janus's copy of the same text): same fingerprint,
# still ok. Then a word changes ("irrevocable" -> "revocable" in the copyright
# grant): verdict changed, exit 1, and the change lists the removed and added
# words against the newest commit carrying the pinned text (the trailing-space
# one). An unpinned presence-only file with the same word change stays ok.
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

now=$(date +%s)   # commits a second apart or more, in order (see t_verify_restriction)
for r in v3 janus; do
	at_time $((now - 30)) make_upstream $r
	at_time $((now - 20)) work_files $r "model license" LICENSE-MODEL="$(license_file model-v3)"
done
git_server_start
write_config_json "$CONFIG" '[repo("v3", lic("LICENSE-MODEL")), repo("janus", lic("LICENSE-MODEL"))]'
assert_exit 0 dsm fetch
assert_exit 0 dsm --json verify
assert_all_verdicts ok
pin=$(lic_field v3 LICENSE-MODEL sha256)
set_pin "$CONFIG" v3 LICENSE-MODEL "$pin"

# Trailing spaces and the final newline only.
for r in v3 janus; do
	at_time $((now - 10)) work_files $r "LICENSE-MODEL: no trailing spaces" LICENSE-MODEL="$(license_file model-janus)"
done
cmp -s "$(license_file model-v3)" "$(license_file model-janus)" && fail "the two model fixtures are the same bytes"
assert_exit 0 dsm fetch
assert_exit 0 dsm --json verify
assert_all_verdicts ok
assert_eq "$pin" "$(lic_field v3 LICENSE-MODEL sha256)" "fingerprint after a trailing-space-only change"
assert_eq "$(git -C "$T/upstream/v3.git" rev-parse main:LICENSE-MODEL)" "$(lic_field v3 LICENSE-MODEL blob)" "blob"
accepted=$(upstream_head v3)   # the newest commit whose text has the pinned fingerprint

# One word.
for r in v3 janus; do
	sed -i '/Grant of Copyright License/s/royalty-free, irrevocable/royalty-free, revocable/' "$T/work/$r/LICENSE-MODEL"
	grep -q 'royalty-free, revocable' "$T/work/$r/LICENSE-MODEL" || fail "the fixture has no 'irrevocable' to change"
	at_time "$now" work_publish $r "LICENSE-MODEL: revocable"
done
assert_exit 0 dsm fetch

assert_exit 1 dsm --json verify
assert_eq 1 "$(json_get 'j["exit"]')" "json exit"
assert_eq changed "$(lic_field v3 LICENSE-MODEL verdict)" "v3 LICENSE-MODEL verdict"
assert_eq null "$(lic_field v3 LICENSE-MODEL spdx)" "v3 LICENSE-MODEL spdx"
assert_eq "$pin" "$(lic_field v3 LICENSE-MODEL pinned)" "v3 LICENSE-MODEL pinned"
[ "$(lic_field v3 LICENSE-MODEL sha256)" != "$pin" ] || fail "a changed word kept the fingerprint"
assert_eq "$accepted" "$(json_get 'lic("v3", "LICENSE-MODEL")["change"]["against"]')" "change.against"
change=$(json_get 'lic("v3", "LICENSE-MODEL")["change"]')
has_word() {   # has_word added|removed WORD: a phrase of the change has WORD
	json_get "any(__import__('re').search(r'(^|\\W)$2(\\W|$)', p) for p in lic('v3', 'LICENSE-MODEL')['change']['$1'])"
}
assert_eq true "$(has_word added revocable)" "revocable in change.added $change"
assert_eq true "$(has_word removed irrevocable)" "irrevocable in change.removed $change"
assert_eq false "$(has_word added irrevocable)" "irrevocable (still in section 3) in change.added $change"
assert_eq false "$(has_word removed revocable)" "revocable in change.removed $change"
assert_eq ok "$(lic_field janus LICENSE-MODEL verdict)" "unpinned presence-only janus LICENSE-MODEL verdict"

assert_exit 1 dsm verify
assert_contains "$T/err" v3
assert_contains "$T/err" LICENSE-MODEL
assert_contains "$T/err" changed
grep -qE '^ *\+ "(.*\W)?revocable(\W.*)?"$' "$T/err" || fail "no '+ \"revocable\"' line on stderr: $(cat "$T/err")"
grep -qE '^ *- "(.*\W)?irrevocable(\W.*)?"$' "$T/err" || fail "no '- \"irrevocable\"' line on stderr: $(cat "$T/err")"
assert_not_contains "$T/err" janus
fsck_all "$ROOT"
