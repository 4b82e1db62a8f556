#!/usr/bin/env bash
# Redirects: a repo renamed on GitHub (301 to /repositories/ID) is followed
# and reported with its new name; a 301 to another host is followed without
# the token, which only the API host ever receives.
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

TOKEN=ghp_redirect_token_42
export GITHUB_TOKEN=$TOKEN
api_server_start
api_server_start other
api_fixture deepseek-ai/DeepSeek-V3 --releases 1 --base "$API_BASE"
api_fixture deepseek-ai/Janus --releases 1 --base "$API_BASE"
releases_config "$CONFIG" DeepSeek-V3=deepseek-ai/DeepSeek-V3 Janus=deepseek-ai/Janus
assert_exit 0 dsm --cacert "$CA_PEM" releases

# Renamed upstream: GitHub answers 301 on the old name.
api_fixture_edit deepseek-ai/Janus --rename deepseek-ai/Janus-Pro
assert_exit 0 dsm --cacert "$CA_PEM" --json releases
assert_eq deepseek-ai/Janus-Pro "$(json_get "repo('Janus')['release']['renamed_to']")" "renamed_to"
assert_eq renamed "$(json_get "repo('Janus')['release']['warnings'][0]['what']")" "the warning"
assert_contains "$T/out" "deepseek-ai/Janus moved to deepseek-ai/Janus-Pro: update"
assert_eq 1 "$(api_log_count 'r["path"] == "/repos/deepseek-ai/Janus" and r["status"] == 301')" "the 301 seen"
assert_eq 1 "$(api_log_count 'r["path"].startswith("/repositories/")')" "the redirect followed"
assert_eq 0 "$(api_log_count "r['headers'].get('authorization') != 'Bearer $TOKEN'")" "API requests without the token"
assert_eq 1 "$(api_log_count 'r["path"] == "/repos/deepseek-ai/Janus-Pro/releases?per_page=100"')" "lists read under the new name"

# A redirect to another host (and port): followed, without the token.
: >"$API_LOG"
api_fixture other deepseek-ai/DeepSeek-V3 --releases 1 --base "$OTHER_BASE"
api_faults '{"faults": [{"mode": "redirect", "status": 301, "path": "/repos/deepseek-ai/DeepSeek-V3", "location": "https://localhost:'"$OTHER_PORT"'", "append_path": true}]}'
assert_exit 0 dsm --cacert "$CA_PEM" --json -v releases
[ "$(api_log_count other)" -ge 1 ] || fail "the other host was never asked"
assert_eq 0 "$(api_log_count other '"authorization" in r["headers"]')" "requests to the other host with a token"
[ "$(api_log_count "r['headers'].get('authorization') == 'Bearer $TOKEN'")" -ge 1 ] ||
	fail "the API host did not get the token"
if grep -rlF -- "$TOKEN" "$ROOT" "$T/out" "$T/err"; then fail "the token was written or printed"; fi

# A redirect to plain http on another host is refused.
api_faults '{"faults": [{"mode": "redirect", "status": 302, "path": "/repos/deepseek-ai/DeepSeek-V3", "location": "http://example.invalid/x"}]}'
assert_exit 3 dsm --cacert "$CA_PEM" --json releases
assert_contains "$T/out" "http://example.invalid/x: refused: only https URLs"

# Nor to plain http on loopback (a port of this machine) once on https; nor
# to a URL with a user and password, which are never printed.
stall_server_start
api_faults '{"faults": [{"mode": "redirect", "status": 302, "path": "/repos/deepseek-ai/DeepSeek-V3", "location": "http://127.0.0.1:'"$STALL_PORT"'/x"}]}'
assert_exit 3 dsm --cacert "$CA_PEM" --json releases
assert_contains "$T/out" "http://127.0.0.1:$STALL_PORT/x: refused: a redirect from https to plain http"
[ ! -s "$STALL_LOG" ] || fail "the loopback port was connected to: $(cat "$STALL_LOG")"
api_faults '{"faults": [{"mode": "redirect", "status": 302, "path": "/repos/deepseek-ai/DeepSeek-V3", "location": "https://someone:s3cr3t-pw@localhost:'"$OTHER_PORT"'/x"}]}'
assert_exit 3 dsm --cacert "$CA_PEM" --json releases
assert_contains "$T/out" "https://***@localhost:$OTHER_PORT/x: refused: only https URLs (or http to loopback), with no user or password, are asked"
assert_not_contains "$T/out" "s3cr3t-pw"
assert_not_contains "$T/err" "s3cr3t-pw"

# A redirect loop ends after 5.
api_faults '{"faults": [{"mode": "redirect", "status": 302, "path": "/repos/deepseek-ai/DeepSeek-V3", "location": "'"$API_BASE"'/repos/deepseek-ai/DeepSeek-V3"}]}'
: >"$API_LOG"
assert_exit 3 dsm --cacert "$CA_PEM" --json releases
assert_contains "$T/out" "too many redirects"
assert_eq 6 "$(api_log_count 'r["path"] == "/repos/deepseek-ai/DeepSeek-V3"')" "requests in a redirect loop"
