#!/usr/bin/env bash
# A repo gone from GitHub (404) is told apart from one without releases; a
# repo blocked for legal reasons (451) is an error that leaves the mirror and
# the recorded state as they were. And the warnings: archived, a default
# branch other than the mirror's, GitHub's license detection disagreeing
# with the verdict on the main license file.
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

export GITHUB_TOKEN=ghp_gone_token
make_upstream r1
git_server_start
api_server_start
api_fixture deepseek-ai/r1 --releases 2 --base "$API_BASE"
api_fixture deepseek-ai/empty --base "$API_BASE"
releases_config "$CONFIG" r1=deepseek-ai/r1 empty=deepseek-ai/empty
assert_exit 0 dsm fetch r1
assert_exit 0 dsm --cacert "$CA_PEM" --json releases
assert_eq none "$(json_get "repo('empty')['release']['result']")" "a repo without releases"
assert_eq "[]" "$(json_get "repo('r1')['release']['warnings']")" "warnings when all agree"
mirror_before=$(refs "$ROOT/r1.git" refs/)
state_kept "$ROOT/.dsmirror/r1.json" >"$T/state.before"

# 451: an error, everything kept.
api_fixture_edit deepseek-ai/r1 --status 451 --message "Repository access blocked"
assert_exit 3 dsm --cacert "$CA_PEM" --json --junit "$T/junit.xml" releases
assert_eq error "$(json_get "repo('r1')['release']['result']")" "release.result on 451"
xmllint --noout "$T/junit.xml" || fail "the JUnit report is not XML"
assert_contains "$T/junit.xml" '<testcase classname="dsmirror.r1" name="releases">'
assert_contains "$T/junit.xml" '<failure type="releases" message="GitHub blocks the repository deepseek-ai/r1'
assert_contains "$T/junit.xml" '<testsuite name="empty" tests="1" failures="0"'
assert_contains "$T/out" "GitHub blocks the repository deepseek-ai/r1 for legal reasons (HTTP 451: Repository access blocked)"
assert_eq "$(cat "$T/state.before")" "$(state_kept "$ROOT/.dsmirror/r1.json")" "the recorded state but release_check, after a 451"
assert_contains_str "$(state_get "$ROOT/.dsmirror/r1.json" "s['release_check']['error']")" "(HTTP 451"
assert_eq "$mirror_before" "$(refs "$ROOT/r1.git" refs/)" "mirror refs after a 451"
assert_eq none "$(json_get "repo('empty')['release']['result']")" "the other repo after a 451"

# 404: gone (or private), not "no release".
api_fixture_edit deepseek-ai/r1 --status 404 --message "Not Found"
assert_exit 3 dsm --cacert "$CA_PEM" releases
assert_contains "$T/err" "r1: release check failed: GitHub has no repository deepseek-ai/r1 (HTTP 404: Not Found)"
assert_eq "$(cat "$T/state.before")" "$(state_kept "$ROOT/.dsmirror/r1.json")" "the recorded state but release_check, after a 404"
assert_contains_str "$(state_get "$ROOT/.dsmirror/r1.json" "s['release_check']['error']")" "(HTTP 404"

# Archived, another default branch, and GitHub seeing Apache-2.0 where the
# mirror's LICENSE verifies as MIT: three warnings, exit still 0.
api_fixture_edit deepseek-ai/r1 --status none --archived --default-branch develop --license Apache-2.0
assert_exit 0 dsm --cacert "$CA_PEM" --json releases
assert_eq '["archived", "default-branch", "license"]' "$(json_get "[w['what'] for w in repo('r1')['release']['warnings']]")" "warnings"
assert_contains "$T/out" "GitHub's default branch is develop, the mirror's is main"
assert_contains "$T/out" "GitHub detects Apache-2.0 for the repository; dsmirror verified LICENSE as MIT"
assert_exit 0 dsm --cacert "$CA_PEM" releases
assert_contains "$T/out" "warning: GitHub marks deepseek-ai/r1 as archived"

# A corrupt state file is set aside and rebuilt, with a note.
printf '{"version": 1, "releases": {' >"$ROOT/.dsmirror/r1.json"
assert_exit 0 dsm --cacert "$CA_PEM" --json releases
assert_contains "$T/out" "was unreadable"
[ -f "$ROOT/.dsmirror/r1.json.corrupt" ] || fail "the corrupt state was not kept aside"
"$PYTHON" -c 'import json,sys; json.load(open(sys.argv[1]))' "$ROOT/.dsmirror/r1.json" ||
	fail "the rebuilt state is not JSON"
fsck_all "$ROOT"

# GitHub's message in a 404 cut to length stays valid UTF-8: --json parses.
api_fixture_edit deepseek-ai/r1 --status 404 --message "$(printf 'é%.0s' $(seq 200))"
assert_exit 3 dsm --cacert "$CA_PEM" --json releases
assert_eq error "$(json_get "repo('r1')['release']['result']")" "release.result, long non-ASCII message"
api_fixture_edit deepseek-ai/r1 --status none

# A state file edited by hand: its ETags never become extra headers.
assert_exit 0 dsm --cacert "$CA_PEM" releases
"$PYTHON" - "$ROOT/.dsmirror/r1.json" <<-'PY'
	import json, sys
	s = json.load(open(sys.argv[1]))
	for rec in s["releases"]["requests"].values():
	    rec["etag"] = rec["etag"] + "\r\nX-Injected: yes"
	json.dump(s, open(sys.argv[1], "w"))
PY
: >"$API_LOG"
assert_exit 0 dsm --cacert "$CA_PEM" releases
assert_eq 0 "$(api_log_count '"x-injected" in r["headers"]')" "headers injected from the state file"

# The state cannot be written: the check is an error (exit 3), not "changed".
rm -rf "$ROOT/.dsmirror"
: >"$ROOT/.dsmirror"
api_fixture_edit deepseek-ai/r1 --add-release v9.0
assert_exit 3 dsm --cacert "$CA_PEM" --json releases
assert_eq error "$(json_get "repo('r1')['release']['result']")" "release.result when the state cannot be written"
assert_contains "$T/out" "cannot record the release state"
rm -f "$ROOT/.dsmirror"
