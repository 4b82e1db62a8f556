#!/usr/bin/env bash
# verify on mirrors carrying the real DeepSeek license files (DeepSeek-R1's MIT
# LICENSE; Janus's MIT LICENSE-CODE and V3's LICENSE-MODEL, presence-only, then
# pinned): exit 0, one "ok" line per file on stdout and nothing on stderr; --json
# gives each file's verdict ok, its spdx, a 64-hex sha256 and its blob id; NAME
# limits the check to that repo; and all of it works with the git server stopped
# (verify needs no network) without touching the mirrors.
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

make_upstream r1
work_files r1 "DeepSeek-R1's LICENSE" LICENSE="$(license_file mit-r1)"
make_upstream v3
work_files v3 "code and model licenses" LICENSE= \
	LICENSE-CODE="$(license_file mit-janus)" LICENSE-MODEL="$(license_file model-v3)"
git_server_start
write_config_json "$CONFIG" '[repo("r1", lic("LICENSE", "MIT")),
	repo("v3", lic("LICENSE-CODE", "MIT"), lic("LICENSE-MODEL"))]'
assert_exit 0 dsm fetch
files=("r1 LICENSE" "v3 LICENSE-CODE" "v3 LICENSE-MODEL")

# The human report: a line per file, naming repo, file and verdict, and
# one per repo for the tree's inventory.
assert_exit 0 dsm verify
assert_empty "$T/err"
assert_eq $((${#files[@]} + 2)) "$(grep -c . "$T/out")" "lines of the human report"
for r in r1 v3; do
	grep -qE "^$r +inventory +ok +MIT " "$T/out" || fail "no '$r inventory ok' line in: $(cat "$T/out")"
done
for f in "${files[@]}"; do
	read -r r p <<<"$f"; set -- "$r" "$p"
	grep -qE "^$1 +$2 +ok( |$)" "$T/out" || fail "no '$1 $2 ok' line in: $(cat "$T/out")"
done

assert_exit 0 dsm --json verify
assert_eq 0 "$(json_get 'j["exit"]')" "json exit"
assert_all_verdicts ok
for f in "${files[@]}"; do
	read -r r p <<<"$f"; set -- "$r" "$p"
	assert_eq "$(git -C "$T/upstream/$1.git" rev-parse "main:$2")" "$(lic_field "$1" "$2" blob)" "$1 $2 blob"
	[[ $(lic_field "$1" "$2" sha256) =~ ^[0-9a-f]{64}$ ]] || fail "$1 $2 sha256: '$(lic_field "$1" "$2" sha256)'"
	assert_eq null "$(lic_field "$1" "$2" change)" "$1 $2 change"
done
assert_eq MIT "$(lic_field r1 LICENSE spdx)" "r1 LICENSE spdx"
assert_eq null "$(lic_field v3 LICENSE-MODEL spdx)" "v3 LICENSE-MODEL spdx"
# R1's and Janus's MIT files differ only by the final newline: one fingerprint.
assert_eq "$(lic_field r1 LICENSE sha256)" "$(lic_field v3 LICENSE-CODE sha256)" \
	"fingerprints of DeepSeek-R1's and Janus's MIT texts"

# Pinning the model license by hand with the reported fingerprint keeps it ok.
model_sha=$(lic_field v3 LICENSE-MODEL sha256)
set_pin "$CONFIG" v3 LICENSE-MODEL "$model_sha"
assert_exit 0 dsm --json verify
assert_all_verdicts ok
assert_eq "$model_sha" "$(lic_field v3 LICENSE-MODEL pinned)" "v3 LICENSE-MODEL pinned"
cp "$T/out" "$T/online.json"

# No network: the same report with the server stopped; NAME limits the run.
git_server_stop
port_open "$GIT_PORT" && fail "git server still answers"
before=$(refs "$ROOT/r1.git" refs/; refs "$ROOT/v3.git" refs/)
assert_exit 0 dsm --json verify
# (but how long the inventory took)
untimed() { sed 's/"seconds": [0-9.e-]*/"seconds": -/' "$1"; }
[ "$(untimed "$T/online.json")" = "$(untimed "$T/out")" ] || fail "verify without network differs:
$(diff "$T/online.json" "$T/out" | head -20)"
assert_exit 0 dsm verify
assert_empty "$T/err"
assert_exit 0 dsm --json verify v3
assert_eq '["v3"]' "$(json_get '[r["name"] for r in j["repos"]]')" "repos verified by 'verify v3'"
assert_all_verdicts ok
assert_eq "$before" "$(refs "$ROOT/r1.git" refs/; refs "$ROOT/v3.git" refs/)" "mirror refs after verify"
fsck_all "$ROOT"
