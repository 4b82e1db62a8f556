#!/usr/bin/env bash
# The tree inventory (issue 15) on trees shaped like DeepSeek-VL2 and Janus,
# with their real header lines (tests/trees): VL2's Apache-2.0 file and its
# MIT + GPL-3.0 script are findings (verify exit 1, verdict not-expected),
# Janus' 22 MIT headers pass; pin accepts the findings (printed, atomic) and
# verify passes with them listed as accepted. Upstream then adds a GPL
# header in a subfolder (exit 1 naming it; pin -> 0), a near-miss MIT header
# (a restriction added: not-expected), changes an accepted file's header
# (not accepted any more), adds MIT and notice-less files (pass). sync
# records the inventory and the next run reads only what changed. JUnit has
# a testcase per finding, the metrics a gauge per license.
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

for repo in DeepSeek-VL2 Janus; do
	git init -q -b main "$T/work/$repo"
	"$PYTHON" "$TESTS_DIR/make_tree.py" "$repo" "$T/work/$repo"
	work "$repo" add -A
	work "$repo" commit -q -m "the tree of $repo"
	git clone -q --bare "$T/work/$repo" "$T/upstream/$repo.git"
	work "$repo" remote add origin "$T/upstream/$repo.git"
done
cat >"$CONFIG" <<-EOF
	{"version": 1, "root": "mirrors", "repos": [
	  {"name": "DeepSeek-VL2", "url": "file://$T/upstream/DeepSeek-VL2.git",
	   "licenses": [{"path": "LICENSE-CODE", "spdx": "MIT"}, {"path": "LICENSE-MODEL"}]},
	  {"name": "Janus", "url": "file://$T/upstream/Janus.git",
	   "licenses": [{"path": "LICENSE-CODE", "spdx": "MIT"}, {"path": "LICENSE-MODEL"}]}
	]}
EOF
inv() { json_get "repo('$1')['inventory']$2"; }
finding() { json_get "next(f for f in repo('$1')['inventory']['findings'] if f['path'] == '$2')$3"; }
push() { work "$1" add -A && work "$1" commit -q -m "$2" && work "$1" push -q origin main; }

assert_exit 0 dsm -q fetch
assert_exit 1 dsm --json --junit "$T/junit.xml" --metrics "$T/metrics.prom" verify
assert_eq MIT "$(inv DeepSeek-VL2 "['expected']")" "the expected license (LICENSE-CODE's spdx)"
assert_eq 1 "$(inv DeepSeek-VL2 "['counts']['Apache-2.0']")" "VL2's Apache-2.0 files"
assert_eq 1 "$(inv DeepSeek-VL2 "['counts']['GPL-3.0']")" "VL2's GPL-3.0 files"
assert_eq 2 "$(inv DeepSeek-VL2 "['findings'].__len__()")" "VL2's findings"
assert_eq Apache-2.0 "$(finding DeepSeek-VL2 deepseek_vl2/models/modeling_deepseek.py "['license']")" "modeling_deepseek.py"
assert_eq not-expected "$(finding DeepSeek-VL2 deepseek_vl2/models/modeling_deepseek.py "['verdict']")" "its verdict"
assert_contains_str "$(finding DeepSeek-VL2 deepseek_vl2/models/modeling_deepseek.py "['evidence']")" "Licensed under the Apache License, Version 2.0"
assert_eq "MIT, GPL-3.0" "$(finding DeepSeek-VL2 deepseek_vl2/serve/assets/Kelpy-Codos.js "['license']")" "Kelpy-Codos.js: both notices"
assert_contains_str "$(finding DeepSeek-VL2 deepseek_vl2/serve/assets/Kelpy-Codos.js "['evidence']")" "@license GPL-3.0"
assert_eq 64 "$(finding DeepSeek-VL2 deepseek_vl2/serve/assets/Kelpy-Codos.js "['sha256'].__len__()")" "a finding's fingerprint"
assert_eq 23 "$(inv Janus "['counts']['MIT']")" "Janus' MIT files (22 headers and LICENSE-CODE)"
assert_eq "[]" "$(inv Janus "['findings']")" "Janus' findings"
assert_eq 0 "$(inv Janus "['skipped']['minified']")" "minified files"
[ "$(inv DeepSeek-VL2 "['skipped']['binary']")" -gt 0 ] || fail "VL2's images not counted as binary"
assert_contains "$T/junit.xml" 'name="inventory deepseek_vl2/models/modeling_deepseek.py"'
assert_contains "$T/junit.xml" '<failure type="not-expected"'
xmllint --noout "$T/junit.xml" || fail "the JUnit report is not XML"
assert_contains "$T/metrics.prom" 'dsmirror_inventory_files{repo="DeepSeek-VL2",license="Apache-2.0"} 1'
assert_contains "$T/metrics.prom" 'dsmirror_inventory_files{repo="Janus",license="MIT"} 23'
assert_contains "$T/metrics.prom" 'dsmirror_inventory_ok{repo="DeepSeek-VL2"} 0'
# The text report: counts, then each finding on stderr.
assert_exit 1 dsm verify
assert_contains "$T/out" "DeepSeek-VL2  inventory  FAILED  MIT 16,"
assert_contains "$T/err" "DeepSeek-VL2  inventory  not-expected  deepseek_vl2/models/modeling_deepseek.py: Apache-2.0"
assert_contains "$T/err" "dsmirror pin DeepSeek-VL2 accepts them"
assert_exit 0 dsm verify Janus

# pin accepts them after review: printed, written atomically, verify passes
# and still lists them.
assert_exit 0 dsm pin DeepSeek-VL2
assert_contains "$T/out" "DeepSeek-VL2 deepseek_vl2/models/modeling_deepseek.py: accepted Apache-2.0 (sha256 "
assert_contains "$T/out" "DeepSeek-VL2 deepseek_vl2/serve/assets/Kelpy-Codos.js: accepted MIT, GPL-3.0"
assert_eq 2 "$("$PYTHON" -c "import json,sys; print(len(json.load(open(sys.argv[1]))['repos'][0]['accepted']))" "$CONFIG")" "accepted entries in mirrors.json"
assert_exit 0 dsm --json verify
assert_eq accepted "$(finding DeepSeek-VL2 deepseek_vl2/models/modeling_deepseek.py "['verdict']")" "a pinned finding"
assert_exit 0 dsm -v verify
assert_contains "$T/out" "DeepSeek-VL2  inventory  accepted  deepseek_vl2/models/modeling_deepseek.py: Apache-2.0"
assert_exit 0 dsm -q pin
assert_exit 0 dsm pin
assert_contains "$T/out" "every fingerprint was already pinned"

# Upstream adds a GPL-3.0 header in a subfolder: exit 1 naming the path.
# (VL2 alone from here on, but where Janus is the point: valgrind's time.)
mkdir -p "$T/work/DeepSeek-VL2/third_party/gplcode"
{
	printf '/*\n * Copyright (C) 2024 Someone\n *\n'
	printf ' * This program is free software: you can redistribute it and/or modify\n'
	printf ' * it under the terms of the GNU General Public License as published by\n'
	printf ' * the Free Software Foundation, either version 3 of the License, or\n'
	printf ' * (at your option) any later version.\n *\n'
	printf ' * This program is distributed in the hope that it will be useful,\n'
	printf ' * but WITHOUT ANY WARRANTY; without even the implied warranty of\n'
	printf ' * MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the\n'
	printf ' * GNU General Public License for more details.\n *\n'
	printf ' * You should have received a copy of the GNU General Public License\n'
	printf ' * along with this program.  If not, see <https://www.gnu.org/licenses/>.\n */\n'
	printf '#include <stdio.h>\n'
} >"$T/work/DeepSeek-VL2/third_party/gplcode/util.c"
push DeepSeek-VL2 "a GPL file"
assert_exit 0 dsm -q fetch DeepSeek-VL2
assert_exit 1 dsm --json verify DeepSeek-VL2
assert_eq GPL-3.0-or-later "$(finding DeepSeek-VL2 third_party/gplcode/util.c "['license']")" "the GPL file"
assert_eq not-expected "$(finding DeepSeek-VL2 third_party/gplcode/util.c "['verdict']")" "the GPL file's verdict"
assert_exit 1 dsm verify DeepSeek-VL2
assert_contains "$T/err" "not-expected  third_party/gplcode/util.c: GPL-3.0-or-later"
assert_exit 0 dsm -q pin DeepSeek-VL2
assert_exit 0 dsm verify DeepSeek-VL2

# New files under MIT, or with no notice, pass; a near-miss MIT header (a
# restriction added) does not.
cp "$T/work/Janus/janus/models/projector.py" "$T/work/DeepSeek-VL2/new_mit.py"
printf 'print("no notice")\n' >"$T/work/DeepSeek-VL2/plain.py"
push DeepSeek-VL2 "new files"
assert_exit 0 dsm -q fetch DeepSeek-VL2
assert_exit 0 dsm verify DeepSeek-VL2
{
	sed -n '/^# Copyright/,/^# CONNECTION WITH/p' "$T/work/Janus/janus/models/projector.py"
	printf '# The Software may not be used for military purposes.\n\nimport os\n'
} >"$T/work/DeepSeek-VL2/nearmiss.py"
push DeepSeek-VL2 "a near miss"
assert_exit 0 dsm -q fetch DeepSeek-VL2
assert_exit 1 dsm --json verify DeepSeek-VL2
assert_eq unknown "$(finding DeepSeek-VL2 nearmiss.py "['license']")" "a near-miss MIT header"
assert_eq not-expected "$(finding DeepSeek-VL2 nearmiss.py "['verdict']")" "its verdict"
git -C "$T/work/DeepSeek-VL2" rm -q nearmiss.py
push DeepSeek-VL2 "no near miss"

# An accepted file whose header changes is not accepted any more.
sed -i 's/Version 2.0 (the "License");/Version 2.0 (the "License"), with an extra term;/' \
	"$T/work/DeepSeek-VL2/deepseek_vl2/models/modeling_deepseek.py"
push DeepSeek-VL2 "a header changed"
assert_exit 0 dsm -q fetch DeepSeek-VL2
assert_exit 1 dsm --json verify DeepSeek-VL2
assert_eq not-expected "$(finding DeepSeek-VL2 deepseek_vl2/models/modeling_deepseek.py "['verdict']")" "a changed accepted file"
git -C "$T/work/DeepSeek-VL2" revert --no-edit HEAD >/dev/null
work DeepSeek-VL2 push -q origin main

# sync records the inventory; the next run reads only the changed blobs.
assert_exit 0 dsm -q sync
assert_exit 0 dsm status
assert_contains "$T/out" "licenses ok; tree ok"
printf '# SPDX-License-Identifier: MIT\nx = 2\n' >"$T/work/DeepSeek-VL2/tagged.py"
printf '# changed\n' >>"$T/work/DeepSeek-VL2/plain.py"
push DeepSeek-VL2 "two files"
assert_exit 0 dsm --json sync
assert_eq true "$(inv DeepSeek-VL2 "['incremental']")" "the inventory after one commit"
assert_eq 2 "$(inv DeepSeek-VL2 "['read']")" "blobs read after one commit of two files"
assert_eq 0 "$(inv Janus "['read']")" "blobs read of Janus, unchanged"
# The state lists each notice once, and only those a file still carries.
state=$ROOT/.dsmirror/DeepSeek-VL2.json
notices_used="len(s['inventory']['notices']) == len({f[1] for f in s['inventory']['files'].values()})"
assert_eq true "$(state_get "$state" "$notices_used")" "notices recorded, each used"
n_before=$(state_get "$state" "len(s['inventory']['notices'])")
git -C "$T/work/DeepSeek-VL2" rm -q tagged.py
push DeepSeek-VL2 "the tagged file gone"
assert_exit 0 dsm -q sync
assert_eq true "$(state_get "$state" "$notices_used")" "notices after a file went"
assert_eq $((n_before - 1)) "$(state_get "$state" "len(s['inventory']['notices'])")" "notices once the only file with one went"
# ... and gives what a whole walk gives.
assert_exit 0 dsm --json verify DeepSeek-VL2
full=$(inv DeepSeek-VL2 "['counts']")
rm "$ROOT/.dsmirror/DeepSeek-VL2.json"
assert_exit 0 dsm --json verify DeepSeek-VL2
assert_eq false "$(inv DeepSeek-VL2 "['incremental']")" "without a recorded inventory"
assert_eq "$full" "$(inv DeepSeek-VL2 "['counts']")" "counts of a whole walk and of the incremental one"

# A recorded inventory edited by hand (an index past the notices, an entry
# of another shape) is not used: a whole walk, the same counts.
assert_exit 0 dsm -q sync
"$PYTHON" - "$state" <<-'PY'
	import json, sys
	s = json.load(open(sys.argv[1]))
	files = s["inventory"]["files"]
	paths = sorted(files)
	files[paths[0]] = [files[paths[0]][0], 99999]
	files[paths[1]] = {"blob": "x"}
	json.dump(s, open(sys.argv[1], "w"))
PY
assert_exit 0 dsm --json verify DeepSeek-VL2
assert_eq false "$(inv DeepSeek-VL2 "['incremental']")" "a hand-edited inventory"
assert_eq "$full" "$(inv DeepSeek-VL2 "['counts']")" "counts after a hand-edited inventory"

# "inventory": false leaves it out; "code_license" names another license.
"$PYTHON" - "$CONFIG" <<-'PY'
	import json, sys
	c = json.load(open(sys.argv[1]))
	c["repos"][1]["inventory"] = False
	c["repos"][0]["code_license"] = "Apache-2.0"
	json.dump(c, open(sys.argv[1], "w"), indent=2)
PY
assert_exit 1 dsm --json verify
assert_eq null "$(json_get "repo('Janus').get('inventory')")" "Janus without an inventory"
assert_eq Apache-2.0 "$(inv DeepSeek-VL2 "['expected']")" "code_license"
# status tells a failing tree from a passing one (exit 1).
assert_exit 1 dsm -q sync DeepSeek-VL2
assert_exit 1 dsm status DeepSeek-VL2
assert_contains "$T/out" "; tree FAILED ("
fsck_all "$ROOT"
