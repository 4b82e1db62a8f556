#!/usr/bin/env bash
# serial: it times dsmirror; run alone, not beside another scenario
# dsmirror releases when the API misbehaves: a 500 once is retried; a
# secondary rate limit (403 with retry-after) and a 429 are waited out when
# short; an exhausted rate limit with a long reset stops all further asking
# (exit 3, said clearly, never hammered); malformed JSON, a 64 MiB answer
# and a server that never answers are per-repo errors within bounds; and a
# failed check leaves the recorded state as it was.
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

export GITHUB_TOKEN=ghp_faults_token
api_server_start
api_fixture deepseek-ai/DeepSeek-V3 --releases 2 --base "$API_BASE"
api_fixture deepseek-ai/DeepSeek-R1 --releases 1 --base "$API_BASE"
releases_config "$CONFIG" DeepSeek-V3=deepseek-ai/DeepSeek-V3 DeepSeek-R1=deepseek-ai/DeepSeek-R1
V3=/repos/deepseek-ai/DeepSeek-V3
state=$ROOT/.dsmirror/DeepSeek-V3.json
run() { dsm --cacert "$CA_PEM" --json -v --timeout 2 "$@" releases; }

# 500 once, then success: retried after a backoff, exit 0.
api_faults '{"faults": [{"mode": "status", "code": 500, "path": "'$V3'", "times": 1}]}'
assert_exit 0 run
assert_eq changed "$(json_get "repo('DeepSeek-V3')['release']['result']")" "after one 500"
assert_contains "$T/err" "-> 500"
assert_contains "$T/err" "1 retry"
state_kept "$state" >"$T/state.before"

# 500 every time: a bounded number of attempts, then an error (exit 3); the
# other repo is still checked.
: >"$API_LOG"
api_faults '{"faults": [{"mode": "status", "code": 502, "path": "'$V3'"}]}'
assert_exit 3 run
assert_eq error "$(json_get "repo('DeepSeek-V3')['release']['result']")" "after 502s"
assert_contains "$T/out" "GitHub failed on the repository deepseek-ai/DeepSeek-V3 (HTTP 502"
assert_eq 4 "$(api_log_count "r['path'] == '$V3'")" "attempts on a 502"
assert_eq unchanged "$(json_get "repo('DeepSeek-R1')['release']['result']")" "the other repo"
assert_eq "$(cat "$T/state.before")" "$(state_kept "$state")" "the recorded state but release_check, after a failed check"
# The failure itself is recorded apart, and status shows it with its age.
assert_contains_str "$(state_get "$state" "s['release_check']['error']")" "(HTTP 502"
assert_eq "$(state_get "$state" "s['release_check']['last_attempt']")" \
	"$(state_get "$state" "s['release_check']['failing_since']")" "failing_since of a first failure"
assert_eq "$(state_get "$state" "s['releases']['checked_at']")" \
	"$(state_get "$state" "s['release_check']['last_success']")" "last_success of the check"
assert_exit 0 dsm status
assert_contains "$T/out" "DeepSeek-V3  not mirrored yet (run dsmirror sync); release v2.0; release check FAILED "
assert_contains "$T/out" "last release check error: GitHub failed on the repository deepseek-ai/DeepSeek-V3 (HTTP 502"
assert_exit 0 dsm status --json
assert_contains_str "$(json_get "repo('DeepSeek-V3')['release']['error']")" "(HTTP 502"
assert_eq null "$(json_get "repo('DeepSeek-R1')['release']['error']")" "the error of a check that succeeded, in status"

# Secondary rate limit: 403 with retry-after 1, waited out.
: >"$API_LOG"
api_faults '{"faults": [{"mode": "ratelimit", "seconds": 1, "path": "'$V3'", "times": 1}]}'
assert_exit 0 run
assert_eq 2 "$(api_log_count "r['path'] == '$V3'")" "requests around a retry-after"
assert_eq unchanged "$(json_get "repo('DeepSeek-V3')['release']['result']")" "after a 403 retry-after"
# 429 with retry-after 1, the same.
api_faults '{"faults": [{"mode": "429", "seconds": 1, "path": "'$V3'", "times": 1}]}'
assert_exit 0 run
assert_eq unchanged "$(json_get "repo('DeepSeek-V3')['release']['result']")" "after a 429"
state_kept "$state" >"$T/state.before"   # a successful check records its time

# A retry-after longer than --api-wait: stop asking, for every repo (exit 3).
: >"$API_LOG"
api_faults '{"faults": [{"mode": "ratelimit", "seconds": 30, "path": "'$V3'"}]}'
assert_exit 3 run --api-wait 5
assert_contains "$T/out" "GitHub API rate limit"
assert_contains "$T/out" "asks to wait 30 s"
assert_contains "$T/out" "not asked: the GitHub API rate limit is exhausted for this run"
assert_eq 1 "$(api_log_count)" "requests once the limit said wait 30 s"

# The primary limit exhausted (remaining 0, reset in an hour): one request,
# then nothing more in this run.
: >"$API_LOG"
api_faults '{"faults": [{"mode": "ratelimit-exhausted", "reset": 3600}]}'
assert_exit 3 run
assert_eq 1 "$(api_log_count)" "requests once the rate limit is exhausted"
assert_eq error "$(json_get "repo('DeepSeek-R1')['release']['result']")" "the repo after an exhausted limit"
assert_eq "$(cat "$T/state.before")" "$(state_kept "$state")" "the recorded state but release_check, after a rate limit"
# A check failing for days: the first failure is kept as failing_since.
"$PYTHON" - "$state" <<-'EOF'
	import json, sys
	s = json.load(open(sys.argv[1]))
	s["release_check"]["failing_since"] = "2026-01-01T00:00:00Z"
	json.dump(s, open(sys.argv[1], "w"))
EOF
state_kept "$state" >"$T/state.before"

# Malformed JSON: an error naming the repo, the state kept.
api_faults '{"faults": [{"mode": "malformed", "path": "'$V3'/releases"}]}'
assert_exit 3 run
assert_contains "$T/out" "GitHub's answer for the releases of deepseek-ai/DeepSeek-V3 is not JSON"
assert_eq "$(cat "$T/state.before")" "$(state_kept "$state")" "the recorded state but release_check, after a malformed answer"

# A 64 MiB chunked answer: refused at 16 MiB, not read to its end.
api_faults '{"faults": [{"mode": "huge", "path": "'$V3'/tags"}]}'
assert_exit 3 run
assert_contains "$T/out" "the answer is larger than 16 MiB; refused"

# A server that accepts and never answers: one --timeout, then that host is
# not asked again in this run (t_releases_dead_api has the rest).
: >"$API_LOG"
api_faults '{"faults": [{"mode": "hang", "path": "'$V3'"}]}'
start=$(now_ms)
assert_exit 3 dsm --cacert "$CA_PEM" --json --timeout 1 releases
took=$(( $(now_ms) - start ))
assert_contains "$T/out" "no answer for 1 s (--timeout)"
assert_eq error "$(json_get "repo('DeepSeek-R1')['release']['result']")" "the repo after a hung one"
assert_contains "$T/out" "not asked: 127.0.0.1:$API_PORT did not answer within 1 s"
assert_eq 1 "$(api_log_count)" "requests to a host that never answered"
[ "$took" -lt $((3000 * SLOW)) ] || fail "a hung API server held the run for $took ms"

assert_eq "$(cat "$T/state.before")" "$(state_kept "$state")" "the recorded state but release_check, after the faults"
assert_eq 2026-01-01T00:00:00Z "$(state_get "$state" "s['release_check']['failing_since']")" "failing_since after more failures"
assert_exit 0 dsm status
grep -qE '^DeepSeek-V3 .*; release check FAILED [0-9]+ s ago, failing since [0-9]+ d ago$' "$T/out" ||
	fail "status does not show a check failing for days: $(cat "$T/out")"
assert_contains "$T/out" "last release check error: not asked: 127.0.0.1:$API_PORT did not answer"
api_faults_clear
assert_exit 0 run
assert_eq null "$(state_get "$state" "s['release_check']['error']")" "the error after a check that succeeded"
assert_eq null "$(state_get "$state" "s['release_check']['failing_since']")" "failing_since after a success"
assert_exit 0 dsm status
assert_not_contains "$T/out" "release check FAILED"
