#!/usr/bin/env bash
# pin on a config without fingerprints (4-space indented, keys in an unusual
# order): exit 0, a "NAME PATH: pinned sha256 X (was Y)" line per file, each
# license entry gains the sha256 verify reports, and the file is the same data
# with the same key order at 2-space indentation (and keeps its mode); verify
# then passes. pin again: says nothing changed, file byte-identical. Refusals
# (exit 1, file byte-identical): a file with spdx MIT that is no longer MIT
# (even when another repo's change could be pinned), a repo never fetched, a
# missing file. A changed presence-only file is re-pinned, "(was OLD)".
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

make_upstream r1
work_files r1 "DeepSeek-R1's LICENSE" LICENSE="$(license_file mit-r1)"
make_upstream v3
work_files v3 "code and model licenses" LICENSE= \
	LICENSE-CODE="$(license_file mit-janus)" LICENSE-MODEL="$(license_file model-v3)"
make_upstream ghost
git_server_start
"$PYTHON" - "$CONFIG" "$GIT_BASE" <<'PY'
import json, sys
conf = {"version": 1, "api": "https://127.0.0.1:9", "root": "mirrors", "repos": [
    {"url": sys.argv[2] + "/r1.git", "name": "r1", "github": "deepseek-ai/DeepSeek-R1",
     "licenses": [{"spdx": "MIT", "path": "LICENSE"}]},
    {"name": "v3", "licenses": [{"spdx": "MIT", "path": "LICENSE-CODE"}, {"path": "LICENSE-MODEL"}],
     "url": sys.argv[2] + "/v3.git", "refs": ["refs/heads/*", "refs/tags/*"], "branch": "main"},
    {"name": "ghost", "url": sys.argv[2] + "/ghost.git", "licenses": [{"path": "LICENSE", "spdx": "MIT"}]}]}
open(sys.argv[1], "w").write(json.dumps(conf, indent=4) + "\n")
PY
chmod 640 "$CONFIG"
assert_exit 0 dsm fetch r1 v3
assert_exit 0 dsm --json verify r1 v3
cp "$T/out" "$T/verify.json"

# expected_config: the config as it was, with each verified file's sha256 from
# $T/verify.json set (appended to its entry, or replaced), at 2-space indentation.
expected_config() {
	"$PYTHON" - "$T/config.orig" "$T/verify.json" <<-'PY'
		import json, sys
		conf = json.load(open(sys.argv[1]))
		report = json.load(open(sys.argv[2]))
		for r in report["repos"]:
		    entry = next(e for e in conf["repos"] if e["name"] == r["name"])
		    for l in r["licenses"]:
		        next(e for e in entry["licenses"] if e["path"] == l["path"])["sha256"] = l["sha256"]
		sys.stdout.write(json.dumps(conf, indent=2, ensure_ascii=False) + "\n")
	PY
}
sha_of() { "$PYTHON" -c 'import json, sys; print(next(l["sha256"] for r in json.load(open(sys.argv[1]))["repos"] if r["name"] == sys.argv[2] for l in r["licenses"] if l["path"] == sys.argv[3]))' "$T/verify.json" "$1" "$2"; }
assert_config() {   # assert_config WHAT: $CONFIG is expected_config
	expected_config >"$T/config.want"
	cmp -s "$T/config.want" "$CONFIG" || fail "$1: mirrors.json is not the expected 2-space JSON:
$(diff -u "$T/config.want" "$CONFIG" | head -40)"
	assert_eq 640 "$(stat -c %a "$CONFIG")" "$1: mode of mirrors.json"
}
cp "$CONFIG" "$T/config.orig"

# First pin.
assert_exit 0 dsm pin r1 v3
assert_eq 3 "$(grep -c . "$T/out")" "lines printed by pin: $(cat "$T/out")"
for f in "r1 LICENSE" "v3 LICENSE-CODE" "v3 LICENSE-MODEL"; do
	read -r r p <<<"$f"; set -- "$r" "$p"
	grep -qE "^$1 $2: pinned sha256 $(sha_of "$1" "$2") \(was .*\)$" "$T/out" ||
		fail "no '$1 $2: pinned sha256 $(sha_of "$1" "$2") (was ...)' line in: $(cat "$T/out")"
done
assert_config "first pin"
assert_exit 0 dsm --json verify r1 v3
assert_all_verdicts ok
assert_eq "$(sha_of v3 LICENSE-MODEL)" "$(lic_field v3 LICENSE-MODEL pinned)" "v3 LICENSE-MODEL pinned"

# Again: nothing to change, nothing written.
cp "$CONFIG" "$T/config.orig"   # from now on, the pinned file is the reference
before=$(sha256sum <"$CONFIG")
assert_exit 0 dsm pin r1 v3
assert_not_contains "$T/out" "pinned sha256"
grep -qiE 'already|nothing|unchanged|no change' "$T/out" || fail "pin again does not say nothing changed: $(cat "$T/out")"
assert_eq "$before" "$(sha256sum <"$CONFIG")" "sha256sum of mirrors.json after pinning again"

# r1's LICENSE is no longer MIT, v3's model license changed a word: nothing pinned.
sed -i 's/in the Software without restriction,/in the Software for non-commercial research purposes only, without restriction,/' \
	"$T/work/r1/LICENSE"
work_publish r1 "LICENSE: research use only"
sed -i '/Grant of Copyright License/s/royalty-free, irrevocable/royalty-free, revocable/' "$T/work/v3/LICENSE-MODEL"
work_publish v3 "LICENSE-MODEL: revocable"
assert_exit 0 dsm fetch r1 v3
assert_exit 1 dsm pin r1 v3
assert_eq "$before" "$(sha256sum <"$CONFIG")" "sha256sum of mirrors.json after a refused pin"
grep -qE 'r1.*LICENSE.*not-expected' "$T/err" || fail "the refusal does not name r1 LICENSE not-expected: $(cat "$T/err")"
assert_not_contains "$T/out" "pinned sha256"
assert_exit 1 dsm pin
assert_eq "$before" "$(sha256sum <"$CONFIG")" "sha256sum of mirrors.json after a refused pin of all"

# v3 alone: its reviewed change is pinned; the old fingerprint is named.
old=$(sha_of v3 LICENSE-MODEL)
assert_exit 1 dsm --json verify v3
assert_eq changed "$(lic_field v3 LICENSE-MODEL verdict)" "v3 LICENSE-MODEL verdict before the re-pin"
cp "$T/out" "$T/verify.json"
assert_exit 0 dsm pin v3
repin_said=$(cat "$T/out") repin_want="v3 LICENSE-MODEL: pinned sha256 $(sha_of v3 LICENSE-MODEL) (was $old)"
assert_config "re-pin of v3"
assert_exit 0 dsm verify v3
before=$(sha256sum <"$CONFIG")

# No mirror, a missing file: refused.
assert_exit 1 dsm pin ghost
grep -qE 'ghost.*LICENSE.*no-mirror' "$T/err" || fail "the refusal does not name ghost LICENSE no-mirror: $(cat "$T/err")"
assert_eq "$before" "$(sha256sum <"$CONFIG")" "sha256sum of mirrors.json after pin ghost"
work v3 rm -q LICENSE-CODE
work_publish v3 "no LICENSE-CODE"
assert_exit 0 dsm fetch v3
assert_exit 1 dsm pin v3
grep -qE 'v3.*LICENSE-CODE.*missing' "$T/err" || fail "the refusal does not name v3 LICENSE-CODE missing: $(cat "$T/err")"
assert_eq "$before" "$(sha256sum <"$CONFIG")" "sha256sum of mirrors.json after a pin with a missing file"
fsck_all "$ROOT"
# Checked last, so that a wrong line does not hide the checks above.
assert_eq "$repin_want" "$repin_said" "what the re-pin of v3 said"
