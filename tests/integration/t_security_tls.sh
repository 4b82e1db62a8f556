#!/usr/bin/env bash
# TLS of git over https (libgit2, mbedTLS on Debian) against lighttpd with TLS
# serving git http-backend, with certificates of the scenario's own CA:
# without that CA (the system's store, or another CA given by --cacert or
# SSL_CERT_FILE) the certificate is refused: exit 3, a certificate error, no
# mirror, no temporary clone, an existing mirror untouched, and the server
# never gets a request. With --cacert, CURL_CA_BUNDLE or SSL_CERT_FILE naming
# the CA, the fetch works. A certificate of the right CA for another name is
# refused (host name checked), and so is an https URL with an IP address
# (mbedTLS 2.28 matches DNS names only). The API side (libcurl): a
# certificate of the right CA for another name is refused before any request
# (t_releases_tls covers an unknown CA and the bundle's sources).
# TLS_PORT_* and TLS_PID_* are set by tls_git_start (printf -v):
# shellcheck disable=SC2154
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

[ -e /usr/lib/lighttpd/mod_openssl.so ] || skip "lighttpd's mod_openssl is not installed (lighttpd-mod-openssl)"

make_ca
# A certificate signed by the test CA, for a name that is not the server's.
cat >"$T/ca/wrongname.cnf" <<-'EOF'
	[v3]
	basicConstraints = critical,CA:FALSE
	keyUsage = critical,digitalSignature
	extendedKeyUsage = serverAuth
	subjectAltName = DNS:wrong.invalid
EOF
out=$(openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$T/ca/wrongname.key" 2>&1 &&
	openssl req -new -config "$T/ca/openssl.cnf" -key "$T/ca/wrongname.key" -subj /CN=wrong.invalid \
		-out "$T/ca/wrongname.csr" 2>&1 &&
	openssl x509 -req -in "$T/ca/wrongname.csr" -CA "$CA_PEM" -CAkey "$T/ca/ca.key" \
		-set_serial 0x5ec0de -days 2 -sha256 -extfile "$T/ca/wrongname.cnf" -extensions v3 \
		-out "$T/ca/wrongname.pem" 2>&1) || fail "openssl: $out"

# tls_git_start NAME CERT: lighttpd with TLS ($T/ca/CERT.pem) serving git
# http-backend over $T/upstream on 127.0.0.1. Sets TLS_PID_NAME and
# TLS_PORT_NAME; its access log, $T/tls-NAME-access.log, is written out when it
# stops.
tls_git_start() {
	local name=$1 cert=$2 port conf=$T/tls-$1.conf
	port=$(free_port)
	mkdir -p "$T/www"
	cat >"$conf" <<-EOF
		server.document-root = "$T/www"
		server.bind = "127.0.0.1"
		server.port = $port
		server.errorlog = "$T/tls-$name-error.log"
		server.modules = ( "mod_openssl", "mod_alias", "mod_setenv", "mod_cgi", "mod_accesslog" )
		accesslog.filename = "$T/tls-$name-access.log"
		ssl.engine = "enable"
		ssl.pemfile = "$T/ca/$cert.pem"
		ssl.privkey = "$T/ca/$cert.key"
		alias.url = ( "/" => "$(git --exec-path)/git-http-backend/" )
		cgi.assign = ( "" => "" )
		setenv.set-environment = ( "GIT_PROJECT_ROOT" => "$T/upstream",
		                           "GIT_HTTP_EXPORT_ALL" => "1" )
	EOF
	: >"$T/tls-$name-error.log"
	spawn lighttpd -D -f "$conf" </dev/null
	printf -v "TLS_PID_$name" %s "$SPAWNED"
	printf -v "TLS_PORT_$name" %s "$port"
	wait_until 10 grep -q 'server started' "$T/tls-$name-error.log" ||
		fail "lighttpd with TLS ($name) did not start: $(cat "$T/tls-$name-error.log")"
}

# mirrors_digest: owner, mode, name and content of every mirror.
mirrors_digest() {
	local d
	for d in "$ROOT"/*.git; do [ ! -e "$d" ] || tree_digest "$d"; done
}

# refused ARGS...: ARGS (a dsmirror fetch) fails on the certificate; no mirror
# appears, none changes, no temporary clone is left.
refused() {
	local before
	before=$(mirrors_digest)
	assert_exit 3 "$@"
	grep -qF certificate "$T/out" "$T/err" ||
		fail "no certificate error from $*: $(cat "$T/out" "$T/err")"
	assert_eq "$before" "$(mirrors_digest)" "mirrors after a refused certificate"
	assert_no_tmp "$ROOT"
}

make_upstream r1
tls_git_start good server
tls_git_start wrongname wrongname
tls_git_start other other-server
write_config "$CONFIG" r1="https://localhost:$TLS_PORT_good/r1.git"

# Not vouched for: the system's store, another CA by option or environment.
refused dsm fetch
[ ! -e "$ROOT/r1.git" ] || fail "a refused clone created the mirror"
refused dsm --cacert "$OTHER_CA_PEM" fetch
SSL_CERT_FILE=$OTHER_CA_PEM refused dsm fetch
CURL_CA_BUNDLE=$OTHER_CA_PEM refused dsm fetch
[ ! -e "$ROOT/r1.git" ] || fail "a refused clone created the mirror"

# The test CA, by each of the three ways: the mirror is made, then updated.
assert_exit 0 dsm --cacert "$CA_PEM" --json fetch
assert_eq cloned "$(fetch_field r1 result)" "clone with --cacert"
assert_refs_equal "$T/upstream/r1.git" "$ROOT/r1.git"
work_commit r1
work r1 push -q origin main
CURL_CA_BUNDLE=$CA_PEM assert_exit 0 dsm --json fetch
assert_eq updated "$(fetch_field r1 result)" "update with CURL_CA_BUNDLE"
SSL_CERT_FILE=$CA_PEM assert_exit 0 dsm -v --json fetch
assert_eq unchanged "$(fetch_field r1 result)" "no-op with SSL_CERT_FILE"
# That no-op was the fast path's (libcurl), over TLS with the same CA.
assert_contains "$T/err" "fast path: r1: unchanged"
assert_exit 0 dsm -v --cacert "$CA_PEM" fetch
assert_contains "$T/err" "fast path: r1: unchanged"
# Without the CA, the fast path's listing fails too: the worker refuses.
assert_exit 3 dsm -v fetch
assert_contains "$T/err" "fast path: r1: to a worker: "
assert_contains "$T/err" "workers: 1 started for 1 repos"
grep -qF certificate "$T/out" "$T/err" || fail "no certificate error: $(cat "$T/out" "$T/err")"
# Two repos on one https host, two jobs: the listings share one TLS
# connection (HTTP/2 streams, as on github.com).
make_upstream r2
write_config "$CONFIG" r1="https://localhost:$TLS_PORT_good/r1.git" r2="https://localhost:$TLS_PORT_good/r2.git"
assert_exit 0 dsm --cacert "$CA_PEM" fetch
assert_exit 0 dsm -v -j2 --cacert "$CA_PEM" fetch
assert_contains "$T/err" "2 of 2 repos unchanged by their listing alone, 3 requests over 1 connections"
write_config "$CONFIG" r1="https://localhost:$TLS_PORT_good/r1.git"
rm -rf "$ROOT/r2.git" "$ROOT/.dsmirror/r2.json"
# https_proxy, which libgit2 takes for https: the listing goes through it too
# (a proxy that never answers: the fast path gives up after --timeout, the
# worker too; both connected to it, neither went around it). With no_proxy
# beside it, which the two read differently, the repo goes to the worker.
stall_server_start
https_proxy=http://127.0.0.1:$STALL_PORT assert_exit 3 dsm -v --cacert "$CA_PEM" --timeout 2 fetch
assert_contains "$T/err" "fast path: r1: to a worker: "
assert_eq 2 "$(grep -c '^accepted' "$STALL_LOG")" "connections to the proxy (the listing's, the worker's)"
https_proxy=http://127.0.0.1:$STALL_PORT no_proxy=example.invalid assert_exit 3 dsm -v --cacert "$CA_PEM" --timeout 2 fetch
assert_contains "$T/err" "fast path: r1: to a worker: proxy variables libcurl would read otherwise"
assert_eq 3 "$(grep -c '^accepted' "$STALL_LOG")" "connections to the proxy (the worker's)"
stall_server_stop

# An existing mirror is not touched when the certificate is refused.
work_commit r1
work r1 push -q origin main
refused dsm fetch
refused dsm --cacert "$OTHER_CA_PEM" fetch

# The right CA, the wrong name: refused. An IP address: mbedTLS 2.28 matches
# only DNS names, so the certificate (IP:127.0.0.1 among its names) is refused.
write_config "$CONFIG" r1="https://localhost:$TLS_PORT_wrongname/r1.git"
refused dsm --cacert "$CA_PEM" fetch
write_config "$CONFIG" r1="https://127.0.0.1:$TLS_PORT_good/r1.git"
refused dsm --cacert "$CA_PEM" fetch
# Another CA's certificate while --cacert names ours.
write_config "$CONFIG" r1="https://localhost:$TLS_PORT_other/r1.git"
refused dsm --cacert "$CA_PEM" fetch

# The servers whose certificates were refused never got a request.
stop "$TLS_PID_wrongname"
stop "$TLS_PID_other"
assert_empty "$T/tls-wrongname-access.log"
assert_empty "$T/tls-other-access.log"

# The API (libcurl): the right CA, the wrong name: refused before a request.
export GITHUB_TOKEN=ghp_security_tls_token
api_server_start wrong wrongname
api_fixture wrong deepseek-ai/r1 --releases 1 --base "$WRONG_BASE"
API_BASE=$WRONG_BASE releases_config "$CONFIG" r1=deepseek-ai/r1
assert_exit 3 dsm --cacert "$CA_PEM" --json releases
assert_eq error "$(json_get "repo('r1')['release']['result']")" "release.result, wrong name"
assert_contains "$T/out" "certificate"
assert_eq 0 "$(api_log_count wrong True)" "requests that reached the wrongly named API server"
fsck_all "$ROOT"
