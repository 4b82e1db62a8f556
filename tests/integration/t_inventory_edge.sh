#!/usr/bin/env bash
# The inventory's edge cases (issue 15; each found by a review and failing
# before its fix): a file name that is not UTF-8 (a finding, not "damaged");
# a copy of a GPL script as *.min.js (skipped as minified, not the GPL
# finding of its blob); a rename whose new path sorts after the old (found
# by blob id, not read again); a change deep past the walk's bound (a whole
# walk, the same counts as one); a tag with a tab and quotes (pin writes an
# entry mirrors.json loads again).
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

w=$T/work/e
git init -q -b main "$w"
git clone -q --bare "$w" "$T/upstream/e.git" 2>/dev/null
work e remote add origin "$T/upstream/e.git"
mit_license >"$w/LICENSE"
gpl() {
	printf '// Copyright (C) 2024 Someone\n//\n'
	printf '// This program is free software: you can redistribute it and/or modify\n'
	printf '// it under the terms of the GNU General Public License as published by\n'
	printf '// the Free Software Foundation, either version 3 of the License, or\n'
	printf '// (at your option) any later version.\n//\n'
	printf '// This program is distributed in the hope that it will be useful,\n'
	printf '// but WITHOUT ANY WARRANTY; without even the implied warranty of\n'
	printf '// MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the\n'
	printf '// GNU General Public License for more details.\n//\n'
	printf '// You should have received a copy of the GNU General Public License\n'
	printf '// along with this program.  If not, see <https://www.gnu.org/licenses/>.\n'
	printf 'var x = 1;\n'
}
gpl >"$w/a.js"
gpl >"$w/$(printf 'caf\351.js')"
printf '# License: Foo\t(see "NOTES")\nx = 1\n' >"$w/tab.py"
deep=$w
for _ in $(seq 300); do deep=$deep/d; done
mkdir -p "$deep"
printf 'x = 1\n' >"$deep/f.py"
push() { work e add -A && work e commit -q -m "$1" && work e push -q origin main; }
push "the tree"
write_config "$CONFIG" e="file://$T/upstream/e.git"
inv() { json_get "repo('e')['inventory']$1"; }
paths() { json_get "sorted(f['path'] for f in repo('e')['inventory']['findings'])"; }

assert_exit 0 dsm -q fetch
assert_exit 1 dsm --json sync
assert_eq null "$(inv "['error']")" "a name that is not UTF-8 is no damage"
assert_eq '["a.js", "caf\\xe9.js", "tab.py"]' "$(paths)" "the findings"
assert_eq "Foo (see ?NOTES?)" "$(json_get "next(f['license'] for f in repo('e')['inventory']['findings'] if f['path'] == 'tab.py')")" \
	"a tag with a tab and quotes"
assert_eq 1 "$(inv "['skipped']['deep']")" "the folder past the bound"
# pin writes what mirrors.json loads again.
assert_exit 0 dsm -q pin
assert_exit 0 dsm --json sync
assert_eq 3 "$(json_get "len([f for f in repo('e')['inventory']['findings'] if f['accepted']])")" "accepted findings"

# A copy of the GPL script named *.min.js, and a rename of a.js to z.js.
cp "$w/a.js" "$w/b.min.js"
git -C "$w" mv a.js z.js
push "a minified copy, a rename"
assert_exit 0 dsm -q fetch
assert_exit 1 dsm --json sync
assert_eq true "$(inv "['incremental']")" "after a rename"
assert_eq 1 "$(inv "['read']")" "blobs read: the minified copy only (the rename found by blob id)"
assert_eq 1 "$(inv "['skipped']['minified']")" "the *.min.js copy"
assert_eq '["caf\\xe9.js", "tab.py", "z.js"]' "$(paths)" "the findings after the rename"
assert_exit 0 dsm -q pin

# A change past the depth bound: a whole walk, and the counts of one.
printf 'x = 2\n' >"$deep/f.py"
push "deep"
assert_exit 0 dsm --json sync
assert_eq false "$(inv "['incremental']")" "a change past the bound"
assert_eq 1 "$(inv "['skipped']['deep']")" "the deep folder, once"
rm -rf "$w/d"
push "no deep folder"
assert_exit 0 dsm --json sync
assert_eq 0 "$(inv "['skipped']['deep']")" "the deep folder gone"
counts=$(inv "['counts']")
rm "$ROOT/.dsmirror/e.json"
assert_exit 0 dsm --json verify
assert_eq "$counts" "$(inv "['counts']")" "counts of the incremental runs and of a whole walk"
