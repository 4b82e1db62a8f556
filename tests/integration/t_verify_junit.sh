#!/usr/bin/env bash
# verify --junit FILE, for CI: well-formed XML (xmllint --noout, also with a
# license path full of XML metacharacters), a <testsuite> per repo, a <testcase>
# per license file (and none for fetch, which did not run), tests/failures counts
# that add up; all passing when every file is ok; when some are not, a <failure>
# in exactly those testcases, carrying the verdict (not-expected with the added
# words; no-mirror) and the exit status 1.
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

command -v xmllint >/dev/null || fail "xmllint is needed (apt-get install libxml2-utils)"
export ODD='NOTICE & <terms> "v2" '\''final'\''.txt'   # a path for XML to escape
make_upstream r1
work_files r1 "DeepSeek-R1's LICENSE" LICENSE="$(license_file mit-r1)"
make_upstream v3
work_files v3 "code and model licenses" LICENSE= LICENSE-CODE="$(license_file mit-janus)" \
	LICENSE-MODEL="$(license_file model-v3)" "$ODD=$(license_file model-janus)"
make_upstream ghost
git_server_start
write_config_json "$CONFIG" '[repo("r1", lic("LICENSE", "MIT")),
	repo("v3", lic("LICENSE-CODE", "MIT"), lic("LICENSE-MODEL"), lic(os.environ["ODD"])),
	repo("ghost", lic("LICENSE", "MIT"))]'
assert_exit 0 dsm fetch r1 v3

# junit_check FILE EXPECTED: FILE is the JUnit report of EXPECTED, a python dict
# {repo: [(path, None for a pass or the verdict of its <failure>, words in it)]}
# where ODD is $ODD.
junit_check() {
	xmllint --noout "$1" 2>"$T/xmllint.err" || fail "xmllint rejects $1: $(cat "$T/xmllint.err")
$(head -c 3000 "$1")"
	"$PYTHON" - "$1" "$2" >"$T/junit.err" 2>&1 <<-'EOF' || fail "JUnit report $(cat "$T/junit.err")
$(head -c 3000 "$1")"
		import os, sys
		import xml.etree.ElementTree as ET
		ODD = os.environ["ODD"]
		root = ET.parse(sys.argv[1]).getroot()
		expected = eval(sys.argv[2])
		problems = []
		def check(ok, what):
		    if not ok:
		        problems.append(what)
		check(root.tag == "testsuites", "root is <%s>, not <testsuites>" % root.tag)
		suites = root.findall("testsuite")
		names = [s.get("name") for s in suites]
		check(names == list(expected), "testsuites %r, expected %r" % (names, list(expected)))
		for s in suites:
		    want = expected.get(s.get("name"), [])
		    cases = s.findall("testcase")
		    paths = [c.get("name") for c in cases]
		    check(paths == [w[0] for w in want], "%s: testcases %r, expected %r"
		          % (s.get("name"), paths, [w[0] for w in want]))
		    nfail = 0
		    for c in cases:
		        w = next((w for w in want if w[0] == c.get("name")), None)
		        if w is None:
		            continue
		        fails = c.findall("failure") + c.findall("error")
		        nfail += len(fails)
		        where = "%s %s" % (s.get("name"), c.get("name"))
		        if w[1] is None:
		            check(not fails, "%s: unexpected <%s>" % (where, fails and fails[0].tag))
		            continue
		        check(len(fails) == 1, "%s: %d failures, expected 1" % (where, len(fails)))
		        if not fails:
		            continue
		        f = fails[0]
		        everything = " ".join([f.get("type") or "", f.get("message") or "", f.text or ""])
		        check(w[1] in everything, "%s: verdict %s not in the failure %r" % (where, w[1], everything))
		        for word in w[2]:
		            check(word in everything.lower(), "%s: %r not in the failure %r" % (where, word, everything))
		    check(s.get("tests") == str(len(cases)), "%s: tests=%s for %d testcases"
		          % (s.get("name"), s.get("tests"), len(cases)))
		    check(s.get("failures") == str(nfail), "%s: failures=%s for %d failures"
		          % (s.get("name"), s.get("failures"), nfail))
		if problems:
		    print("\n".join(problems))
		    sys.exit(1)
	EOF
}

all_ok="{'r1': [('LICENSE', None, [])],
	'v3': [('LICENSE-CODE', None, []), ('LICENSE-MODEL', None, []), (ODD, None, [])]}"
assert_exit 0 dsm verify --junit "$T/ok.xml" r1 v3
assert_empty "$T/err"
junit_check "$T/ok.xml" "$all_ok"

# Failing: r1's LICENSE restricted (not-expected), ghost never fetched (no-mirror).
sed -i 's/in the Software without restriction,/in the Software for non-commercial research purposes only, without restriction,/' \
	"$T/work/r1/LICENSE"
work_publish r1 "LICENSE: research use only"
assert_exit 0 dsm fetch r1
assert_exit 1 dsm verify --junit "$T/fail.xml"
junit_check "$T/fail.xml" "{'r1': [('LICENSE', 'not-expected', ['non-commercial research purposes only'])],
	'v3': [('LICENSE-CODE', None, []), ('LICENSE-MODEL', None, []), (ODD, None, [])],
	'ghost': [('LICENSE', 'no-mirror', [])]}"
# --json and --junit together: both reports, the same verdicts.
assert_exit 1 dsm --json verify --junit "$T/both.xml"
assert_eq not-expected "$(lic_field r1 LICENSE verdict)" "r1 LICENSE verdict in --json next to --junit"
cmp -s "$T/fail.xml" "$T/both.xml" || fail "--junit with --json differs: $(diff "$T/fail.xml" "$T/both.xml")"
fsck_all "$ROOT"
