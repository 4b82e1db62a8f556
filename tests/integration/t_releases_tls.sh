#!/usr/bin/env bash
# TLS is always verified: a server whose certificate the CA bundle does not
# vouch for is refused before any request (and so before the token) goes
# out; the bundle comes from --cacert, else CURL_CA_BUNDLE or SSL_CERT_FILE;
# an unreadable --cacert is a usage error that touches nothing.
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

export GITHUB_TOKEN=ghp_tls_token_9
api_server_start wrong other-server   # signed by an unrelated CA
api_fixture wrong deepseek-ai/DeepSeek-R1 --releases 1 --base "$WRONG_BASE"
API_BASE=$WRONG_BASE releases_config "$CONFIG" DeepSeek-R1=deepseek-ai/DeepSeek-R1

assert_exit 3 dsm --cacert "$CA_PEM" --json releases
assert_eq error "$(json_get "repo('DeepSeek-R1')['release']['result']")" "release.result with a wrong certificate"
assert_contains "$T/out" "certificate"
assert_eq 0 "$(api_log_count wrong 'True')" "requests that reached the wrong server"
# Nothing of GitHub's is recorded, only the failure (for status).
state=$ROOT/.dsmirror/DeepSeek-R1.json
assert_eq '["release_check", "version"]' "$(state_get "$state" "sorted(s)")" "the state after a refused check"
assert_contains_str "$(state_get "$state" "s['release_check']['error']")" "certificate"
# Not even with the environment's bundle, or the system's.
SSL_CERT_FILE=$CA_PEM assert_exit 3 dsm --json releases
assert_exit 3 dsm --json releases
assert_eq 0 "$(api_log_count wrong 'True')" "requests that reached the wrong server"

# The right server: --cacert, CURL_CA_BUNDLE and SSL_CERT_FILE all work, and
# the system store alone (which does not know the test CA) does not.
api_server_start
api_fixture deepseek-ai/DeepSeek-R1 --releases 1 --base "$API_BASE"
releases_config "$CONFIG" DeepSeek-R1=deepseek-ai/DeepSeek-R1
assert_exit 3 dsm --json releases
assert_contains "$T/out" "certificate"
assert_exit 0 dsm --cacert "$CA_PEM" --json releases
CURL_CA_BUNDLE=$CA_PEM assert_exit 0 dsm --json releases
SSL_CERT_FILE=$CA_PEM assert_exit 0 dsm --json releases
assert_eq unchanged "$(json_get "repo('DeepSeek-R1')['release']['result']")" "with SSL_CERT_FILE"

# An --cacert that cannot be read: exit 2, nothing asked.
: >"$API_LOG"
assert_exit 2 dsm --cacert "$T/no-such-ca.pem" releases
assert_contains "$T/err" "--cacert: cannot read"
assert_eq 0 "$(api_log_count)" "requests with an unreadable --cacert"
