#!/usr/bin/env bash
# The harness itself (no dsmirror): the fake GitHub API of tests/api_server.py,
# driven with the curl CLI, answers as promised: objects with ETags and rate
# limits, 304s, pagination, renames, blocked repos, every fault mode, its own
# CA only, kept-alive connections, and a log that shows all of it.
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

command -v curl >/dev/null || skip "no curl CLI"

# get URL [CURL-ARGS...]: GET URL; its headers in $T/h, its body in $T/b;
# prints the status.
get() {
	local url=$1
	shift
	rm -f "$T/h" "$T/b"   # curl leaves them be when nothing comes
	curl -sS --cacert "$CA_PEM" -H 'Accept: application/vnd.github+json' \
		-D "$T/h" -o "$T/b" -w '%{http_code}' "$@" "$url"
}

# hdr NAME: the value of the answer's header NAME (any case), or nothing.
hdr() { tr -d '\r' <"$T/h" | sed -n "s/^$1: //Ip" | tail -n 1; }

# body PYEXPR: PYEXPR of the answer's JSON body `j` (a str as is, else JSON).
body() {
	"$PYTHON" -c 'import json, sys
j = json.load(open(sys.argv[1]))
v = eval(sys.argv[2])
print(v if isinstance(v, str) else json.dumps(v))' "$T/b" "$1"
}

make_ca
api_server_start
B=$API_BASE
api_fixture deepseek-ai/DeepSeek-R1 --releases 3
api_fixture deepseek-ai/Big --releases 150 --tags 0 --assets 1
api_fixture deepseek-ai/Janus --releases 2 --renamed-from deepseek-ai/Janus-Old
api_fixture deepseek-ai/Drafts --releases 2 --draft-latest --license none
api_fixture deepseek-ai/Pre --releases 1 --prerelease-latest
api_fixture deepseek-ai/Empty --license NOASSERTION
api_fixture deepseek-ai/Gone --status 404
api_fixture deepseek-ai/Blocked --status 451
R1_ID=$(api_fixture_get deepseek-ai/DeepSeek-R1 'repo["id"]')
JANUS_ID=$(api_fixture_get deepseek-ai/Janus 'repo["id"]')

# ---- the repository object: 200, ETag, caching and rate-limit headers
assert_eq 200 "$(get "$B/repos/deepseek-ai/DeepSeek-R1")" "status of the repo"
assert_eq deepseek-ai/DeepSeek-R1 "$(body 'j["full_name"]')" "full_name"
assert_eq MIT "$(body 'j["license"]["spdx_id"]')" "license"
etag=$(hdr etag)
[[ $etag =~ ^W/\"[0-9a-f]{64}\"$ ]] || fail "ETag: '$etag'"
assert_eq "$(sha256sum <"$T/b" | cut -c1-64)" "${etag:3:64}" "ETag is the body's sha256"
assert_eq 'Thu, 04 Jan 2024 01:10:00 GMT' "$(hdr last-modified)" "Last-Modified (pushed_at)"
assert_eq 'private, max-age=60, s-maxage=60' "$(hdr cache-control)" "Cache-Control"
assert_eq 'application/json; charset=utf-8' "$(hdr content-type)" "Content-Type"
assert_eq 5000 "$(hdr x-ratelimit-limit)" "x-ratelimit-limit"
assert_eq 4999 "$(hdr x-ratelimit-remaining)" "x-ratelimit-remaining"
assert_eq 1 "$(hdr x-ratelimit-used)" "x-ratelimit-used"
assert_eq core "$(hdr x-ratelimit-resource)" "x-ratelimit-resource"
reset=$(hdr x-ratelimit-reset)
[ "$reset" -gt "$(($(date +%s) + 3500))" ] || fail "x-ratelimit-reset $reset is not an hour away"
# any case of the name, as on GitHub
assert_eq 200 "$(get "$B/repos/DEEPSEEK-AI/deepseek-r1")" "status with another case"
assert_eq "$etag" "$(hdr etag)" "ETag with another case"
assert_eq 200 "$(get "$B/repositories/$R1_ID")" "status by id"
assert_eq deepseek-ai/DeepSeek-R1 "$(body 'j["full_name"]')" "full_name by id"

# ---- If-None-Match: 304 without a body, not counted; a list and * match too
assert_eq 304 "$(get "$B/repos/deepseek-ai/DeepSeek-R1" -H "If-None-Match: $etag")" "conditional GET"
assert_empty "$T/b"
assert_eq "$etag" "$(hdr etag)" "ETag of the 304"
assert_eq 4997 "$(hdr x-ratelimit-remaining)" "x-ratelimit-remaining after a 304"
assert_eq 304 "$(get "$B/repos/deepseek-ai/DeepSeek-R1" -H "If-None-Match: W/\"0\", $etag")" "ETag in a list"
assert_eq 304 "$(get "$B/repos/deepseek-ai/DeepSeek-R1" -H "If-None-Match: *")" "If-None-Match: *"
assert_eq 200 "$(get "$B/repos/deepseek-ai/DeepSeek-R1" -H 'If-None-Match: W/"0"')" "another ETag"

# ---- releases, tags, latest
assert_eq 200 "$(get "$B/repos/deepseek-ai/DeepSeek-R1/releases")" "releases"
assert_eq '["v3.0", "v2.0", "v1.0"]' "$(body '[r["tag_name"] for r in j]')" "releases, newest first"
assert_eq '' "$(hdr link)" "Link of a single page"
[[ $(body 'j[0]["assets"][0]["digest"]') =~ ^sha256:[0-9a-f]{64}$ ]] || fail "asset digest"
assert_eq 200 "$(get "$B/repos/deepseek-ai/DeepSeek-R1/tags")" "tags"
assert_eq '["v3.0", "v2.0", "v1.0"]' "$(body '[t["name"] for t in j]')" "tags"
[[ $(body 'j[0]["commit"]["sha"]') =~ ^[0-9a-f]{40}$ ]] || fail "tag commit sha"
assert_eq 200 "$(get "$B/repositories/$R1_ID/tags")" "tags by id"
assert_eq 200 "$(get "$B/repos/deepseek-ai/DeepSeek-R1/releases/latest")" "latest"
assert_eq v3.0 "$(body 'j["tag_name"]')" "latest release"
assert_eq 200 "$(get "$B/repos/deepseek-ai/Drafts/releases/latest")" "latest under a draft"
assert_eq v1.0 "$(body 'j["tag_name"]')" "latest skips the draft"
assert_eq null "$(get "$B/repos/deepseek-ai/Drafts" >/dev/null; body 'j["license"]')" "no license"
assert_eq 404 "$(get "$B/repos/deepseek-ai/Pre/releases/latest")" "latest of only a prerelease"
assert_eq '' "$(hdr etag)" "ETag of the latest's 404"
assert_eq 'Not Found' "$(body 'j["message"]')" "message of the latest's 404"
assert_eq 200 "$(get "$B/repos/deepseek-ai/Empty/releases")" "no releases"
assert_eq '[]' "$(body 'j')" "empty list"
assert_eq NOASSERTION "$(get "$B/repos/deepseek-ai/Empty" >/dev/null; body 'j["license"]["spdx_id"]')" "other license"

# ---- pagination: 150 releases
assert_eq 200 "$(get "$B/repos/deepseek-ai/Big/releases?per_page=100")" "page 1"
assert_eq 100 "$(body 'len(j)')" "releases on page 1"
assert_eq "<$B/repos/deepseek-ai/Big/releases?per_page=100&page=2>; rel=\"next\", <$B/repos/deepseek-ai/Big/releases?per_page=100&page=2>; rel=\"last\"" \
	"$(hdr link)" "Link of page 1"
assert_eq 200 "$(get "$B/repos/deepseek-ai/Big/releases?per_page=100&page=2")" "page 2"
assert_eq 50 "$(body 'len(j)')" "releases on page 2"
assert_eq v50.0 "$(body 'j[0]["tag_name"]')" "first release of page 2"
assert_eq "<$B/repos/deepseek-ai/Big/releases?per_page=100&page=1>; rel=\"prev\", <$B/repos/deepseek-ai/Big/releases?per_page=100&page=1>; rel=\"first\"" \
	"$(hdr link)" "Link of page 2"
assert_eq 200 "$(get "$B/repos/deepseek-ai/Big/releases?page=3")" "default per_page"
assert_eq 30 "$(body 'len(j)')" "default per_page"
assert_contains <(hdr link) "page=5>; rel=\"last\""
assert_contains <(hdr link) "page=2>; rel=\"prev\""
assert_eq 200 "$(get "$B/repos/deepseek-ai/Big/releases?per_page=1000")" "per_page 1000"
assert_eq 100 "$(body 'len(j)')" "per_page is at most 100"
assert_eq 200 "$(get "$B/repos/deepseek-ai/Big/releases?per_page=100&page=3")" "past the end"
assert_eq '[]' "$(body 'j')" "past the end"

api_fixture deepseek-ai/ById --releases 3 --links-by-id
BYID_ID=$(api_fixture_get deepseek-ai/ById 'repo["id"]')
assert_eq 200 "$(get "$B/repos/deepseek-ai/ById/tags?per_page=2")" "links by id"
assert_contains <(hdr link) "<$B/repositories/$BYID_ID/tags?per_page=2&page=2>; rel=\"next\""

# ---- renamed: 301 to /repositories/ID, route and query kept
assert_eq 301 "$(get "$B/repos/deepseek-ai/janus-old/releases?per_page=1")" "renamed"
assert_eq "$B/repositories/$JANUS_ID/releases?per_page=1" "$(hdr location)" "Location"
assert_eq 'Moved Permanently' "$(body 'j["message"]')" "message of the 301"
assert_eq "$B/repositories/$JANUS_ID/releases?per_page=1" "$(body 'j["url"]')" "url of the 301"
assert_eq 200 "$(get "$B/repos/deepseek-ai/Janus-Old/releases?per_page=1" -L)" "followed"
assert_eq v2.0 "$(body 'j[0]["tag_name"]')" "release after the 301"
assert_contains <(hdr link) "<$B/repositories/$JANUS_ID/releases?per_page=1&page=2>; rel=\"next\""

# ---- gone and blocked repos; unknown routes; other methods
assert_eq 404 "$(get "$B/repos/deepseek-ai/Gone/releases")" "a 404 repo"
assert_eq 'Not Found' "$(body 'j["message"]')" "message of a 404"
assert_eq 451 "$(get "$B/repos/deepseek-ai/Blocked")" "a 451 repo"
assert_eq 'Repository access blocked' "$(body 'j["message"]')" "message of a 451"
assert_eq 404 "$(get "$B/repos/deepseek-ai/Nope")" "unknown repo"
assert_eq 404 "$(get "$B/repos/deepseek-ai/DeepSeek-R1/issues")" "unknown route"
assert_eq 404 "$(get "$B/repos/deepseek-ai/DeepSeek-R1" -X POST -d '{}')" "a POST"

# ---- the data file is re-read: a new release changes the list and its ETag
get "$B/repos/deepseek-ai/DeepSeek-R1/releases" >/dev/null
old=$(hdr etag)
cp "$API_DATA" "$T/data-before.json"
api_fixture_edit deepseek-ai/DeepSeek-R1 --add-release v4.0 --touch-asset v1.0 DeepSeek-R1-v1.0.zip
assert_eq 200 "$(get "$B/repos/deepseek-ai/DeepSeek-R1/releases" -H "If-None-Match: $old")" "changed list"
assert_eq v4.0 "$(body 'j[0]["tag_name"]')" "the new release"
[ "$(hdr etag)" != "$old" ] || fail "the ETag did not change with the list"
assert_eq 2 "$(body 'len(j[0]["assets"])')" "assets of the new release"
# ... and the old data back (api_data_set, from a file, from stdin): the same
# list, the same ETag
api_data_set "$T/data-before.json"
assert_eq 304 "$(get "$B/repos/deepseek-ai/DeepSeek-R1/releases" -H "If-None-Match: $old")" "old data back"
api_fixture_edit deepseek-ai/DeepSeek-R1 --add-release v5.0 --draft
assert_eq 200 "$(get "$B/repos/deepseek-ai/DeepSeek-R1/releases" -H "If-None-Match: $old")" "a draft added"
assert_eq true "$(body 'j[0]["draft"]')" "the draft"
api_data_set api - <"$T/data-before.json"
assert_eq 304 "$(get "$B/repos/deepseek-ai/DeepSeek-R1/releases" -H "If-None-Match: $old")" "old data from stdin"

# ---- faults
# status, times 1: a 500 once, then the real answer
api_faults '{"faults": [{"mode": "status", "code": 500, "times": 1, "path": "/repos/deepseek-ai/DeepSeek-R1"}]}'
assert_eq 200 "$(get "$B/repos/deepseek-ai/Janus")" "a path the fault does not match"
assert_eq 500 "$(get "$B/repos/deepseek-ai/DeepSeek-R1/tags")" "status fault"
assert_eq 'Server Error' "$(body 'j["message"]')" "message of the 500"
assert_eq 200 "$(get "$B/repos/deepseek-ai/DeepSeek-R1/tags")" "after times 1"
# rewritten (even the same faults again), the counts start again
api_faults '{"faults": [{"mode": "status", "code": 502, "times": 2}]}'
assert_eq 502 "$(get "$B/repos/deepseek-ai/DeepSeek-R1")" "502 once"
assert_eq 502 "$(get "$B/repos/deepseek-ai/DeepSeek-R1")" "502 twice"
assert_eq 200 "$(get "$B/repos/deepseek-ai/DeepSeek-R1")" "after times 2"

api_faults '{"faults": [{"mode": "ratelimit", "seconds": 3}]}'
assert_eq 403 "$(get "$B/repos/deepseek-ai/DeepSeek-R1")" "secondary rate limit"
assert_eq 3 "$(hdr retry-after)" "retry-after of a secondary limit"
assert_contains "$T/b" "secondary rate limit"

api_faults '{"faults": [{"mode": "ratelimit-exhausted", "reset": 120}]}'
assert_eq 403 "$(get "$B/repos/deepseek-ai/DeepSeek-R1")" "rate limit exhausted"
assert_eq 0 "$(hdr x-ratelimit-remaining)" "x-ratelimit-remaining when exhausted"
assert_eq '' "$(hdr retry-after)" "retry-after when exhausted"
reset=$(hdr x-ratelimit-reset) now=$(date +%s)
((reset >= now + 110 && reset <= now + 121)) || fail "x-ratelimit-reset $reset is not 120 s away"
assert_contains "$T/b" "API rate limit exceeded"

api_faults '{"faults": [{"mode": "429", "seconds": 2}]}'
assert_eq 429 "$(get "$B/repos/deepseek-ai/DeepSeek-R1")" "429"
assert_eq 2 "$(hdr retry-after)" "retry-after of the 429"

api_faults '{"faults": [{"mode": "malformed"}]}'
assert_eq 200 "$(get "$B/repos/deepseek-ai/DeepSeek-R1/releases")" "malformed"
"$PYTHON" -c 'import json, sys; json.load(open(sys.argv[1]))' "$T/b" 2>/dev/null &&
	fail "the malformed body is valid JSON"
assert_eq "$(sha256sum <"$T/b" | cut -c1-64)" "$(hdr etag | cut -c4-67)" "ETag of the malformed body"

api_faults '{"faults": [{"mode": "redirect", "location": "https://127.0.0.1:9", "append_path": true, "status": 302}]}'
assert_eq 302 "$(get "$B/repos/deepseek-ai/DeepSeek-R1?x=1")" "redirect fault"
assert_eq "https://127.0.0.1:9/repos/deepseek-ai/DeepSeek-R1?x=1" "$(hdr location)" "Location of the redirect"

api_faults '{"faults": [{"mode": "huge"}]}'
size=$(curl -sS --cacert "$CA_PEM" -o /dev/null -w '%{size_download}' "$B/repos/deepseek-ai/DeepSeek-R1/releases")
[ "$size" -gt $((64 * 1024 * 1024)) ] || fail "huge gave $size bytes"
# a client that gives up early: the server goes on serving
api_faults '{"faults": [{"mode": "huge", "mib": 1024, "times": 1}]}'
{ curl -sS --cacert "$CA_PEM" "$B/repos/deepseek-ai/DeepSeek-R1/releases" 2>/dev/null |
	head -c 1000000 >/dev/null; } || true
assert_eq 200 "$(get "$B/repos/deepseek-ai/DeepSeek-R1")" "after a huge answer cut short"

# hang: curl gives up; meanwhile other connections are served
api_faults '{"faults": [{"mode": "hang", "path": "/repos/deepseek-ai/DeepSeek-R1/tags"}]}'
start=$(now_ms)
curl -sS --cacert "$CA_PEM" --max-time 2 -o /dev/null "$B/repos/deepseek-ai/DeepSeek-R1/tags" 2>/dev/null &
hang=$!
hang_logged() { [ "$(api_log_count 'r["fault"] == "hang"')" = 1 ]; }
wait_until 5 hang_logged || fail "the hang was not logged"
assert_eq 200 "$(get "$B/repos/deepseek-ai/DeepSeek-R1")" "a request during a hang"
rc=0
wait "$hang" || rc=$?
assert_eq 28 "$rc" "exit status of curl --max-time 2 on a hang"
[ $(($(now_ms) - start)) -ge 1900 ] || fail "the hang ended before curl's time"
assert_eq null "$(api_log_get '[r for r in log if r["fault"] == "hang"][0]["status"]')" "status of a hang"
api_faults_clear api

# ---- the certificate: not of $CA_PEM's, refused, and the server lives on
api_server_start other other-server
rc=0
curl -sS --cacert "$CA_PEM" -o /dev/null "$OTHER_BASE/repos/deepseek-ai/DeepSeek-R1" 2>"$T/err" || rc=$?
assert_eq 60 "$rc" "curl's exit status on the other server's certificate"
tls_error_logged() { [ "$(api_log_get other 'len(events)')" = 1 ]; }
wait_until 5 tls_error_logged || fail "no tls-error logged"
assert_eq tls-error "$(api_log_get other 'events[0]["event"]')" "event"
api_fixture other deepseek-ai/Other --releases 1
assert_eq 200 "$(curl -sS --cacert "$OTHER_CA_PEM" -o /dev/null -w '%{http_code}' \
	"$OTHER_BASE/repos/deepseek-ai/Other")" "the other server with its own CA"
assert_eq "$OTHER_BASE/repos/deepseek-ai/Other" "$(api_fixture_get other deepseek-ai/Other 'repo["url"]')" \
	"URLs of a fixture name its server"
assert_eq 1 "$(api_log_count other)" "requests to the other server"
assert_eq 0 "$(api_log_count other 'r["status"] != 200')" "requests to the other server not answered 200"
api_server_stop other

# ---- connections: one curl, two URLs, one connection; another curl, another
n=$(api_log_count)
curl -sS --cacert "$CA_PEM" -o /dev/null -o /dev/null "$B/repos/deepseek-ai/DeepSeek-R1" \
	"$B/repos/deepseek-ai/DeepSeek-R1/tags"
curl -sS --cacert "$CA_PEM" -o /dev/null "$B/repos/deepseek-ai/Janus" -H 'Authorization: Bearer t0ken'
assert_eq 3 "$(($(api_log_count) - n))" "requests logged"
c=$(api_log_get '[r["conn"] for r in log[-3:]]')
"$PYTHON" -c 'import json, sys; c = json.loads(sys.argv[1]); sys.exit(not (c[0] == c[1] != c[2]))' "$c" ||
	fail "connections of the last three requests: $c (want a, a, b)"
assert_eq '"Bearer t0ken"' "$(api_log_get 'json.dumps(log[-1]["headers"]["authorization"])')" "logged header"
assert_eq '["conn", "fault", "headers", "host", "method", "path", "peer", "server", "status", "time"]' \
	"$(api_log_get 'sorted(log[-1])')" "fields of a log record"
assert_eq "api GET /repos/deepseek-ai/Janus 127.0.0.1:$API_PORT 200" \
	"$(api_log_get '" ".join(str(log[-1][k]) for k in ("server", "method", "path", "host", "status"))')" "log record"

# ---- a restart keeps the port; SIGTERM ends it at once
api_server_stop
gone "$API_PID" || fail "the API server outlived api_server_stop"
port_open "$API_PORT" && fail "the API server still answers after api_server_stop"
port=$API_PORT
api_server_start
assert_eq "$port" "$API_PORT" "port after a restart"
assert_eq 200 "$(get "$B/repos/deepseek-ai/Janus")" "after a restart"
[ "$(api_log_get 'log[-1]["conn"]')" -gt "$(api_log_get 'log[-2]["conn"]')" ] ||
	fail "conn numbers started again after a restart"
api_server_stop
