#!/usr/bin/env bash
# The shipped mirrors.json, pointed at local upstreams that carry the real
# DeepSeek license files: before a fetch every file is no-mirror; after it,
# verify passes with the model-license pins it ships (V3's and Janus' files
# differ only by trailing spaces: one fingerprint) and VL2's two accepted
# inventory findings (its Apache-2.0 file and its MIT + GPL-3.0 script, in
# a tree shaped like the real one); pin then records only the code
# licenses, and verify still passes.
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

lic=$TESTS_DIR/licenses
mit_r1=$lic/ok-deepseek-r1-LICENSE.txt mit_janus=$lic/ok-janus-LICENSE-CODE.txt
model_v3=$lic/bad-deepseek-v3-LICENSE-MODEL.txt
model_janus=$lic/bad-deepseek-janus-LICENSE-MODEL.txt
for f in "$mit_r1" "$mit_janus" "$model_v3" "$model_janus"; do
	[ -f "$f" ] || fail "real license file missing under $lic"
done

# upstream NAME FILE=SOURCE...: a repository whose main holds those files.
upstream() {
	local name=$1 pair
	shift
	git init -q -b main "$T/work/$name"
	for pair in "$@"; do cp "${pair#*=}" "$T/work/$name/${pair%%=*}"; done
	work "$name" add -A
	work "$name" commit -q -m licenses
	git clone -q --bare "$T/work/$name" "$T/upstream/$name.git"
}
upstream DeepSeek-V3 LICENSE-CODE="$mit_r1" LICENSE-MODEL="$model_v3"
upstream DeepSeek-R1 LICENSE="$mit_r1"
# VL2 and Janus: their whole trees, with the real header lines.
for name in DeepSeek-VL2 Janus; do
	git init -q -b main "$T/work/$name"
	"$PYTHON" "$TESTS_DIR/make_tree.py" "$name" "$T/work/$name"
	cp "$mit_janus" "$T/work/$name/LICENSE-CODE"
	work "$name" add -A
	work "$name" commit -q -m tree
	git clone -q --bare "$T/work/$name" "$T/upstream/$name.git"
done
cp "$model_janus" "$T/work/Janus/LICENSE-MODEL"
work Janus commit -q -am "Janus' model license"
git -C "$T/upstream/Janus.git" fetch -q "$T/work/Janus" main:main
git_server_start

"$PYTHON" - "$TESTS_DIR/../mirrors.json" "$CONFIG" "$GIT_BASE" <<'PY'
import json, sys
cfg = json.load(open(sys.argv[1]))
for r in cfg["repos"]:
    r["url"] = "%s/%s.git" % (sys.argv[3], r["name"])
open(sys.argv[2], "w").write(json.dumps(cfg, indent=2) + "\n")
PY
assert_exit 1 dsm --json verify
[ "$(json_get "sorted({l['verdict'] for r in j['repos'] for l in r['licenses']})")" = '["no-mirror"]' ] ||
	fail "before a fetch, verdicts should all be no-mirror: $(cat "$T/out")"

assert_exit 0 dsm fetch
assert_exit 0 dsm verify
assert_exit 0 dsm --json verify
assert_eq '["accepted", "accepted"]' "$(json_get "[f['verdict'] for f in repo('DeepSeek-VL2')['inventory']['findings']]")" \
	"VL2's findings with the shipped mirrors.json"
assert_eq 22 "$(json_get "repo('Janus')['inventory']['counts']['MIT'] - 1")" "Janus' MIT headers"
assert_exit 0 dsm pin
grep -q 'LICENSE-MODEL' "$T/out" && [ "$(grep -c LICENSE-MODEL "$T/out")" = 1 ] ||
	fail "pin should pin only VL2's model license, the shipped ones match: $(cat "$T/out")"
assert_exit 0 dsm --json verify
[ "$(json_get "len({l['sha256'] for r in j['repos'] for l in r['licenses'] if l['path'] == 'LICENSE-MODEL'})")" = 1 ] ||
	fail "the model licenses should share one fingerprint: $(cat "$T/out")"
fsck_all "$ROOT"
