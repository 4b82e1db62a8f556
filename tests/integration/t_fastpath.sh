#!/usr/bin/env bash
# The hourly no-op served by the fast path: one ref listing per repo, in the
# parent, no libgit2, no worker. Against git http-backend with protocol v2 (the
# host's first repo as git asks: the GET of the capabilities, then an ls-refs
# POST asking only for HEAD, refs/heads/ and refs/tags/; the other repos of
# that host, the POST alone) and with v0 only (the GET's advertisement is the
# listing: no POST at all). The server's access log shows that no request came
# from libgit2 (its User-Agent), that -j1 reused one kept-alive connection for
# every repo (one client port), and that -j2 used at most two. The reports are
# the very reports the workers make for the same no-op
# (DSMIRROR_TEST_NO_FASTPATH=1), and the mirrors and their states are as a
# worker would leave them. Under strace: no process forked, and libgit2's
# start-up (the CA bundle mbedTLS reads) never happened.
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

# log_barrier: every request dsmirror made is in the access log once this
# request of our own is (lighttpd logs a request after its client may have
# left), then the server stops, which writes the log out.
log_barrier() {
	exec 3<>"/dev/tcp/127.0.0.1/$GIT_PORT"
	printf 'GET /log-barrier HTTP/1.0\r\n\r\n' >&3
	cat <&3 >/dev/null
	exec 3<&-
	git_server_stop
	grep -q 'GET /log-barrier' "$GIT_ACCESS_LOG" ||
		fail "the access log never showed the barrier request"
	grep -v 'GET /log-barrier' "$GIT_ACCESS_LOG" >"$T/access" || true
}

# fresh_log [V0]: the server restarted on its port with an empty access log.
fresh_log() {
	git_server_stop
	: >"$GIT_ACCESS_LOG"
	GIT_SERVER_V0=${1:-} git_server_start
}

# fetches FILE: each repo's fetch report without its seconds, one per line.
fetches() {
	"$PYTHON" - "$1" <<-'EOF'
		import json, sys
		for r in json.load(open(sys.argv[1]))["repos"]:
		    f = dict(r["fetch"]); f.pop("seconds", None)
		    print(r["name"], json.dumps(f, sort_keys=True))
	EOF
}

# states: every state file's fetch section without its times.
states() {
	local f
	for f in "$ROOT"/.dsmirror/*.json; do
		state_get "$f" "{k: v for k, v in s['fetch'].items() if not k.startswith('last') and k != 'seconds'}"
	done
}

make_upstream r1
make_upstream r2 trunk
make_upstream r3
git_server_start
write_config "$CONFIG" r1="$GIT_BASE/r1.git" r2="$GIT_BASE/r2.git" r3="$GIT_BASE/r3.git"
assert_exit 0 dsm fetch
# The reference: the same no-op, done by the workers with libgit2.
DSMIRROR_TEST_NO_FASTPATH=1 assert_exit 0 dsm -v --json fetch
fetches "$T/out" >"$T/worker.fetches"
states >"$T/worker.states"
assert_contains "$T/err" "workers: 2 started for 3 repos"
refs_before=$(for r in r1 r2 r3; do refs "$ROOT/$r.git" refs/; done)

# Protocol v2, one job: one connection for the six requests.
fresh_log
assert_exit 0 dsm -v -j1 --json fetch
log_barrier
assert_contains "$T/err" "fast path: r1: unchanged (protocol v2, capabilities, ls-refs)"
for r in r2 r3; do
	assert_contains "$T/err" "fast path: $r: unchanged (protocol v2, ls-refs alone)"
done
assert_contains "$T/err" "fast path: 3 of 3 repos unchanged by their listing alone, 4 requests over 1 connections"
assert_contains "$T/err" "workers: 0 started for 0 repos"
fetches "$T/out" >"$T/fast.fetches"
assert_eq "$(cat "$T/worker.fetches")" "$(cat "$T/fast.fetches")" "the fast path's reports"
assert_eq "$(cat "$T/worker.states")" "$(states)" "the states the fast path recorded"
assert_eq unchanged "$(fetch_field r2 result)" "r2 fetch.result"
assert_eq refs/heads/trunk "$(fetch_field r2 head_ref)" "r2 fetch.head_ref"
assert_eq "$refs_before" "$(for r in r1 r2 r3; do refs "$ROOT/$r.git" refs/; done)" "mirror refs"
assert_eq 1 "$(grep -c '"GET /r1.git/info/refs?service=git-upload-pack' "$T/access")" "GETs"
assert_eq 3 "$(grep -c '"POST /r[123].git/git-upload-pack' "$T/access")" "ls-refs POSTs"
assert_eq 4 "$(grep -c '"git/2.0 (dsmirror ' "$T/access")" "requests of the fast path"
assert_not_contains "$T/access" "libgit2"
assert_eq 4 "$(grep -c 'proto="version=2"' "$T/access")" "requests asking for v2"
ports=$(sed -n 's/.* port=\([0-9]*\) .*/\1/p' "$T/access" | sort -u)
assert_eq 1 "$(printf '%s\n' "$ports" | wc -l)" "client ports (connections) with -j1: $ports"

# No libgit2 at all in that no-op, seen from inside (strace, where it can
# trace): no process forked, and the CA bundle that libgit2's start-up
# (mbedTLS) reads never opened.
ca=/etc/ssl/certs/ca-certificates.crt
if [ -f "$ca" ] && command -v strace >/dev/null && strace -f -qq -o /dev/null true 2>/dev/null && native; then
	fresh_log
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		strace -f -qq -e trace=openat,fork,vfork,clone,clone3 -o "$T/strace" \
		"$DSMIRROR" -c "$CONFIG" -q fetch || fail "the traced no-op failed"
	assert_eq 0 "$(grep -E '(fork|clone3?)\(' "$T/strace" | grep -vc CLONE_THREAD || true)" "processes forked by a no-op"
	assert_not_contains "$T/strace" "ca-certificates.crt"
	DSMIRROR_TEST_NO_FASTPATH=1 ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		strace -f -qq -e trace=openat -o "$T/strace" \
		"$DSMIRROR" -c "$CONFIG" -q fetch || fail "the traced no-op failed"
	assert_contains "$T/strace" "ca-certificates.crt"   # the check can see libgit2
fi

# Two jobs: two connections at most.
fresh_log
assert_exit 0 dsm -v -j2 --json fetch
log_barrier
assert_contains "$T/err" "3 of 3 repos unchanged"
n=$(sed -n 's/.* port=\([0-9]*\) .*/\1/p' "$T/access" | sort -u | wc -l)
[ "$n" -ge 1 ] && [ "$n" -le 2 ] || fail "$n connections with -j2"

# A v0-only server: the advertisement alone, no POST, the same reports.
fresh_log 1
assert_exit 0 dsm -v -j1 --json fetch
log_barrier
for r in r1 r2 r3; do
	assert_contains "$T/err" "fast path: $r: unchanged (protocol v0, full advertisement)"
done
assert_contains "$T/err" "3 requests over 1 connections"
assert_contains "$T/err" "workers: 0 started for 0 repos"
fetches "$T/out" >"$T/fast.fetches"
assert_eq "$(cat "$T/worker.fetches")" "$(cat "$T/fast.fetches")" "the fast path's reports (v0)"
assert_eq 3 "$(grep -c '"GET /r[123].git/info/refs' "$T/access")" "GETs (v0)"
assert_not_contains "$T/access" "POST"
assert_not_contains "$T/access" "libgit2"

# sync: the fast path serves its fetch step too; a GitHub token in the
# environment goes to no git host.
fresh_log
GITHUB_TOKEN=ghp_fastpath_secret_token assert_exit 0 dsm -v sync
log_barrier
assert_contains "$T/err" "3 of 3 repos unchanged"
assert_not_contains "$T/access" "ghp_fastpath_secret_token"
assert_contains "$T/access" 'auth="-"'
assert_not_contains "$T/err" "ghp_fastpath_secret_token"

# Proxies: for http URLs libgit2 1.5 connects directly whatever http_proxy
# says (found here), which is not for the fast path to copy: with a proxy
# variable set for http, the repos go to the workers, which do as libgit2
# does. (https, where libgit2 takes https_proxy: t_security_tls.) A git
# configuration naming a proxy also leaves its repo to a worker.
git_server_start
dead=$(free_port)
http_proxy=http://127.0.0.1:$dead assert_exit 0 dsm -v -j1 fetch
assert_contains "$T/err" "fast path: r1: to a worker: proxy variables libcurl would read otherwise"
assert_contains "$T/err" "workers: 1 started for 3 repos"
HTTP_PROXY=http://127.0.0.1:$dead assert_exit 0 dsm -v -j1 fetch
assert_contains "$T/err" "fast path: r1: to a worker: proxy variables libcurl would read otherwise"
# (libgit2 1.5 ignores it for the anonymous remote dsmirror fetches with:
# the worker's fetch succeeds; the fast path does not guess.)
git config --file "$ROOT/r2.git/config" http.proxy "http://127.0.0.1:$dead"
assert_exit 0 dsm -v -j1 --json fetch
assert_contains "$T/err" "fast path: r2: to a worker: a git configuration may name a proxy"
assert_eq unchanged "$(fetch_field r2 result)" "r2, its proxy in its config"
assert_contains "$T/err" "fast path: r1: unchanged"
git config --file "$ROOT/r2.git/config" --unset http.proxy
# Included files are read too: one without a proxy changes nothing, one
# with a proxy sends every repo to a worker.
printf '[include]\n\tpath = more.config\n' >"$HOME/.gitconfig"
printf '[user]\n\tname = someone\n' >"$HOME/more.config"
assert_exit 0 dsm -v -j1 fetch
assert_contains "$T/err" "3 of 3 repos unchanged"
printf '[http]\n\tproxy = http://127.0.0.1:%s\n' "$dead" >"$HOME/more.config"
assert_exit 0 dsm -v -j1 fetch
assert_contains "$T/err" "fast path: r1: to a worker: a git configuration may name a proxy"
printf '[include] path = more.config\n' >"$HOME/.gitconfig"
assert_exit 0 dsm -v -j1 fetch
assert_contains "$T/err" "fast path: r1: to a worker: a git configuration may name a proxy"
printf '[include]\n\tpath = ~nobody/more.config\n' >"$HOME/.gitconfig"
assert_exit 0 dsm -v -j1 fetch
assert_contains "$T/err" "fast path: r1: to a worker: a git configuration may name a proxy"
rm "$HOME/.gitconfig" "$HOME/more.config"
git_server_stop
fsck_all "$ROOT"
