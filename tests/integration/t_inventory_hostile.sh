#!/usr/bin/env bash
# The inventory on a hostile tree (issue 15): a 100 MiB blob (20 MiB under
# valgrind), a chain of 10,000 folders, invalid UTF-8, NULs, a license file
# in UTF-16, a 64 KiB one-line script. verify ends (no crash, no error of
# the run), bounded: the big blob is skipped as large without being read,
# the chain is cut at the depth bound and counted, the rest classified or
# skipped as binary or minified; the same under ASan (make check
# SANITIZE=1) and valgrind.
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

mb=100
[ "$SLOW" -eq 1 ] || mb=20
up=$T/upstream/h.git
git init -q --bare -b main "$up"
"$PYTHON" "$TESTS_DIR/make_hostile.py" "$up" "$mb" 10000
write_config "$CONFIG" h="file://$up"
assert_exit 0 dsm -q fetch
rc=0
dsm --json verify >"$T/out" 2>"$T/err" || rc=$?
[ "$rc" = 1 ] || fail "verify of the hostile tree: exit $rc: $(head -c 2000 "$T/err")"
inv() { json_get "repo('h')['inventory']$1"; }
assert_eq null "$(inv "['error']")" "the inventory's error"
assert_eq 1 "$(inv "['skipped']['large']")" "files skipped as large (the big blob)"
assert_eq 1 "$(inv "['skipped']['deep']")" "folders past the depth bound"
assert_eq 2 "$(inv "['skipped']['binary']")" "binary files (NULs, UTF-16)"
assert_eq 1 "$(inv "['skipped']['minified']")" "minified files"
assert_eq unknown "$(json_get "next(f['license'] for f in repo('h')['inventory']['findings'] if f['path'] == 'bad-utf8.py')")" \
	"the license comment in invalid UTF-8"
# Its evidence is printable ASCII.
json_get "next(f['evidence'] for f in repo('h')['inventory']['findings'] if f['path'] == 'bad-utf8.py')" | LC_ALL=C grep -q '^[ -~]*$' ||
	fail "evidence not printable"
# The LICENSE listed in mirrors.json is verified on its own (not MIT: UTF-16).
assert_eq not-expected "$(lic_field h LICENSE verdict)" "a UTF-16 license file"
