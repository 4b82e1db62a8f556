#!/usr/bin/env bash
# serial: it times dsmirror; run alone, not beside another scenario
# An API host that accepts connections and never answers costs one --timeout
# per run, not one per request: after the first request that received nothing
# in --timeout seconds, no other repo asks that host ("not asked: HOST did not
# answer within N s"), exit 3, and the whole step takes about one timeout.
# Over https (the TLS handshake never completes) and plain http to loopback
# (the request is sent, no answer comes). A 5xx still gets its bounded
# retries (t_releases_faults).
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

export GITHUB_TOKEN=ghp_dead_api_token
stall_server_start
names=(DeepSeek-V3 DeepSeek-R1 DeepSeek-VL2 Janus)
pairs=()
for n in "${names[@]}"; do pairs+=("$n=deepseek-ai/$n"); done

for scheme in https http; do
	: >"$STALL_LOG"
	API_BASE=$scheme://127.0.0.1:$STALL_PORT releases_config "$CONFIG" "${pairs[@]}"
	start=$(now_ms)
	assert_exit 3 dsm --json --timeout 2 releases
	took=$(($(now_ms) - start))
	[ "$took" -lt $((6000 * SLOW)) ] ||
		fail "$scheme: a silent API host held the releases step for $took ms (--timeout 2, 4 repos)"
	conns=$(grep -c '^accepted' "$STALL_LOG" || true)
	[ "$conns" -ge 1 ] && [ "$conns" -le 2 ] ||
		fail "$scheme: $conns connections to the silent host, expected 1 or 2"
	assert_eq error "$(json_get "repo('DeepSeek-V3')['release']['result']")" "$scheme: the first repo"
	assert_contains "$T/out" "no answer for 2 s (--timeout)"
	for n in DeepSeek-R1 DeepSeek-VL2 Janus; do
		assert_eq error "$(json_get "repo('$n')['release']['result']")" "$scheme: $n after a silent host"
		assert_eq "not asked: 127.0.0.1:$STALL_PORT did not answer within 2 s" \
			"$(json_get "repo('$n')['release']['error']")" "$scheme: the error of $n"
	done
	assert_eq 3 "$(json_get "j['exit']")" "$scheme: the exit in the JSON report"
	state=$ROOT/.dsmirror/Janus.json
	assert_eq '["release_check", "version"]' "$(state_get "$state" "sorted(s)")" "$scheme: the state of a repo never asked"
	assert_eq "not asked: 127.0.0.1:$STALL_PORT did not answer within 2 s" \
		"$(state_get "$state" "s['release_check']['error']")" "$scheme: the recorded error of a repo never asked"
	echo "$scheme: $took ms, $conns connection(s)"
done

# The text report says the same on stderr, one line per repo.
assert_exit 3 dsm -q --timeout 1 releases
assert_contains "$T/err" "Janus: release check failed: not asked: 127.0.0.1:$STALL_PORT did not answer within 1 s"
stall_server_stop
