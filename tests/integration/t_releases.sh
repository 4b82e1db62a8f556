#!/usr/bin/env bash
# dsmirror releases against the loopback HTTPS API: the headers GitHub asks
# for, the token only to the API host and nowhere on disk or in any output,
# every page of a paginated list, what changed reported per kind, and a
# second run with nothing new that makes only conditional requests, all
# answered 304, over one connection.
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

TOKEN=ghp_test0123456789abcdefTOKEN
api_server_start
api_fixture deepseek-ai/DeepSeek-V3 --releases 150 --base "$API_BASE"
api_fixture deepseek-ai/Janus --base "$API_BASE"   # no release, no tag
releases_config "$CONFIG" DeepSeek-V3=deepseek-ai/DeepSeek-V3 Janus=deepseek-ai/Janus

# First run: everything is new.
GITHUB_TOKEN=$TOKEN assert_exit 0 dsm --cacert "$CA_PEM" --json releases
assert_eq changed "$(json_get "repo('DeepSeek-V3')['release']['result']")" "V3 release.result"
assert_eq v150.0 "$(json_get "repo('DeepSeek-V3')['release']['latest_tag']")" "V3 latest_tag"
assert_eq first-check "$(json_get "repo('DeepSeek-V3')['release']['changes'][0]['what']")" "V3 first change"
assert_contains "$T/out" "150 releases, 150 tags recorded"
assert_eq none "$(json_get "repo('Janus')['release']['result']")" "Janus release.result (no release yet)"
assert_eq None "$(json_get "str(repo('Janus')['release']['latest_tag'])")" "Janus latest_tag"
assert_eq 0 "$(json_get "j['exit']")" "exit in the report"
state=$ROOT/.dsmirror/DeepSeek-V3.json
[ -f "$state" ] || fail "no state file $state"
assert_eq 150 "$("$PYTHON" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["releases"]["releases"]))' "$state")" "releases recorded"

# The headers of every request: V3 has 150 releases and 150 tags, two pages
# each (5 requests), Janus 3.
assert_eq 8 "$(api_log_count)" "requests of the first run"
assert_eq 8 "$(api_log_count 'r["headers"].get("user-agent") == "dsmirror/0.1.0" and r["headers"].get("accept") == "application/vnd.github+json" and r["headers"].get("x-github-api-version") == "2022-11-28"')" "requests with GitHub's headers"
assert_eq 8 "$(api_log_count "r['headers'].get('authorization') == 'Bearer $TOKEN'")" "requests with the token"
assert_eq 1 "$(api_log_count 'r["path"] == "/repos/deepseek-ai/DeepSeek-V3/releases?per_page=100&page=2"')" "second page of releases asked"
assert_eq 0 "$(api_log_count 'r["path"].endswith("/releases/latest")')" "requests to /releases/latest"
assert_eq 1 "$(api_log_get 'len(set(r["conn"] for r in log))')" "connections opened"

# Second run, nothing changed upstream: only conditional requests, all 304.
: >"$API_LOG"
GITHUB_TOKEN=$TOKEN assert_exit 0 dsm --cacert "$CA_PEM" --json -v releases
assert_eq unchanged "$(json_get "repo('DeepSeek-V3')['release']['result']")" "V3 release.result, second run"
assert_eq none "$(json_get "repo('Janus')['release']['result']")" "Janus release.result, second run"
assert_eq 8 "$(api_log_count)" "requests of the second run"
assert_eq 8 "$(api_log_count 'r["headers"].get("if-none-match", "").startswith("W/") and r["status"] == 304')" "conditional requests answered 304"
assert_eq 1 "$(api_log_get 'len(set(r["conn"] for r in log))')" "connections opened, second run"
assert_contains "$T/err" "api: 8 requests (8 answered 304 Not Modified), 1 connection"
assert_eq 8 "$(json_get "sum(r['release']['not_modified'] for r in j['repos'])")" "not_modified in the report"

# Upstream changes, each kind reported.
sha=$(printf 'moved' | sha1sum | cut -c1-40)
api_fixture_edit deepseek-ai/DeepSeek-V3 --add-release v151.0 --move-tag v3.0 "$sha" \
	--touch-asset v7.0 DeepSeek-V3-v7.0.zip --add-asset v8.0 weights.safetensors
GITHUB_TOKEN=$TOKEN assert_exit 0 dsm --cacert "$CA_PEM" releases
assert_contains "$T/out" "DeepSeek-V3  release changed    latest v151.0"
assert_contains "$T/out" "new release v151.0"
assert_contains "$T/out" "tag v3.0 moved"
assert_contains "$T/out" "release v7.0 assets: changed DeepSeek-V3-v7.0.zip"
assert_contains "$T/out" "release v8.0 assets: added weights.safetensors"
assert_contains "$T/out" "latest release is now v151.0, was v150.0"
assert_contains "$T/out" "Janus        release none       no release"

# The token: in no output, in no file under root.
for f in "$T/out" "$T/err"; do assert_not_contains "$f" "$TOKEN"; done
if grep -rlF -- "$TOKEN" "$ROOT"; then fail "the token was written under $ROOT"; fi

# Without a token: a warning, once; no Authorization header is sent.
: >"$API_LOG"
assert_exit 0 dsm --cacert "$CA_PEM" releases
assert_eq 1 "$(grep -c 'no GITHUB_TOKEN or GH_TOKEN' "$T/err")" "unauthenticated warnings"
assert_eq 0 "$(api_log_count '"authorization" in r["headers"]')" "requests with a token"
# GH_TOKEN is the fallback; -q silences the warning.
: >"$API_LOG"
GH_TOKEN=$TOKEN assert_exit 0 dsm --cacert "$CA_PEM" -q releases
assert_empty "$T/out"
assert_empty "$T/err"
assert_eq 8 "$(api_log_count "r['headers'].get('authorization') == 'Bearer $TOKEN'")" "requests with GH_TOKEN"

# A repo without "github" is skipped, and asks nothing.
: >"$API_LOG"
write_config_json "$CONFIG" "[repo('plain', lic('LICENSE', 'MIT'))]"
assert_exit 0 dsm --json releases
assert_eq skipped "$(json_get "repo('plain')['release']['result']")" "release.result without github"
assert_eq 0 "$(api_log_count)" "requests for a repo without github"
