# shellcheck shell=bash disable=SC2034  # it sets variables for the scenarios
# tests/common.sh: sourced by every scenario in tests/integration/.
#
# Gives each scenario a fresh folder $T (removed on exit), loopback servers that
# are started and stopped by PID, upstream repositories to mirror, and assertions
# that say what was expected and what was seen.
#
#   $T/upstream/NAME.git   bare upstream, served as $GIT_BASE/NAME.git
#   $T/work/NAME           a clone of it, to commit and push from
#   $CONFIG                $T/mirrors.json, whose root is $ROOT ($T/mirrors)
#
# Set KEEP_TMP=1 to keep $T after the scenario for a post-mortem.

set -euo pipefail
export LC_ALL=C

TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DSMIRROR=${DSMIRROR:-$(dirname "$TESTS_DIR")/dsmirror}
case $DSMIRROR in */* | .*) DSMIRROR=$(realpath "$DSMIRROR") ;; esac   # we cd away
T=$(mktemp -d "${TMPDIR:-/tmp}/dsmirror-test.XXXXXX")
CONFIG=$T/mirrors.json
ROOT=$T/mirrors
PIDS=()   # every background process this scenario started: servers, runs
PYTHON=$(python3 -c 'import sys; print(sys.executable)')   # skip shims (pyenv)
# DSMIRROR_SLOW=N: dsmirror runs up to N times slower than natively (make
# check-valgrind runs it under valgrind). Waits, and limits on how long
# dsmirror may take, are multiplied by SLOW; see also secs_re.
SLOW=${DSMIRROR_SLOW:-1}

# Keep git and dsmirror away from the user's configuration, token and proxies.
export HOME=$T/home GIT_CONFIG_NOSYSTEM=1 GIT_TERMINAL_PROMPT=0
export GIT_AUTHOR_NAME=Test GIT_AUTHOR_EMAIL=test@example.invalid
export GIT_COMMITTER_NAME=Test GIT_COMMITTER_EMAIL=test@example.invalid
unset DSMIRROR_CONFIG GITHUB_TOKEN GH_TOKEN http_proxy https_proxy HTTP_PROXY \
	HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY CURL_CA_BUNDLE SSL_CERT_FILE \
	SSL_CERT_DIR
mkdir -p "$HOME" "$T/upstream" "$T/work"
cd "$HOME"   # not the config's folder: `root` must be relative to the config

cleanup() {
	local pid
	[ "$BASHPID" = "$$" ] || return 0   # a child killed before its exec
	for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
	for pid in "${PIDS[@]}"; do
		for _ in {1..100}; do gone "$pid" && break; sleep 0.05; done
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	cd /
	if [ "${KEEP_TMP:-0}" = 1 ]; then echo "kept $T" >&2; else rm -rf "$T"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- reporting

# fail MESSAGE...: print where the scenario failed and what went wrong; exit 1.
fail() {
	local i=1
	while [ "${BASH_SOURCE[i]:-}" = "${BASH_SOURCE[0]}" ]; do i=$((i + 1)); done
	echo "FAIL ${BASH_SOURCE[i]:-?}:${BASH_LINENO[i - 1]}: $*" >&2
	exit 1
}

# skip REASON: the scenario does not apply here; it passes.
skip() {
	echo "skip: $*"
	exit 0
}

# ---------------------------------------------------------------- processes

# now_ms: wall clock in milliseconds.
now_ms() {
	local t=${EPOCHREALTIME/[.,]/}
	echo $((t / 1000))
}

# wait_until SECONDS CMD...: poll CMD every 50 ms; return 1 when SECONDS (times
# SLOW) pass first.
wait_until() {
	local deadline=$(($(now_ms) + $1 * 1000 * SLOW))
	shift
	until "$@"; do
		[ "$(now_ms)" -lt "$deadline" ] || return 1
		sleep 0.05
	done
}

# native: DSMIRROR is the dsmirror binary itself, not a wrapper (such as the
# one of make check-valgrind), so what the kernel measures of the process (its
# peak RSS, say) is dsmirror's own.
native() { [ "$(head -c 4 "$DSMIRROR" | od -An -c | tr -d ' ')" = '177ELF' ]; }

# secs_re ERE: the regex of a number of seconds that dsmirror prints ("N s
# ago"): ERE itself when SLOW is 1, else any number (the age then depends on
# how slow the run was).
secs_re() { if [ "$SLOW" = 1 ]; then echo "$1"; else echo '[0-9]+'; fi; }

# gone PID: the process has exited (a zombie counts as gone).
gone() {
	local state=Z
	{ read -r _ _ state _ </proc/"$1"/stat; } 2>/dev/null || true
	[ "$state" = Z ]
}

# spawn CMD...: start CMD in the background (its PID in SPAWNED) and stop it
# (SIGTERM, then SIGKILL after 5 s) when the scenario exits.
spawn() {
	(
		trap - EXIT INT TERM
		exec "$@"
	) &
	SPAWNED=$!
	PIDS+=("$SPAWNED")
}

# stop PID: kill PID with SIGTERM and wait for it (it may be gone already).
stop() {
	kill "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

# kill9 PID: kill PID with SIGKILL, as a crash or an OOM kill would, and reap it.
kill9() {
	kill -9 "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

# port_open PORT: something accepts connections on 127.0.0.1:PORT.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# free_port: a TCP port of 127.0.0.1 that nobody listens on (right now).
free_port() {
	"$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# git_server_start: lighttpd on 127.0.0.1 serving `git http-backend` over
# $T/upstream, so $T/upstream/foo.git is $GIT_BASE/foo.git. Sets GIT_PID,
# GIT_PORT, GIT_BASE and GIT_ACCESS_LOG (flushed when the server stops).
# A restart after git_server_stop keeps the port, so URLs stay valid.
# GIT_SERVER_KBPS=N caps each connection at N kB/s, to make a big transfer
# last long enough to be interrupted. GIT_SERVER_CGI=PROGRAM serves through
# PROGRAM instead of git-http-backend (corrupt_backend_start uses it).
# GIT_SERVER_V0=1 makes the server speak protocol v0 only, whatever the client
# asks; GIT_SERVER_CONF adds lines to lighttpd's configuration. The access log
# ends each line with the client's port (one port: one connection), the
# Git-Protocol header it sent and its Authorization header, if any.
git_server_start() {
	local port=${GIT_PORT:-$(free_port)}

	GIT_ACCESS_LOG=$T/lighttpd-access.log
	git_server_spawn lighttpd "$port"
	GIT_PID=$SPAWNED
	GIT_PORT=$port
	GIT_BASE=http://127.0.0.1:$port
	# "server started" is logged once the port is bound: it is our server that
	# answers there, not one that took the port since (a restart, or another run).
	wait_until 10 git_server_started || fail "lighttpd did not start in 10 s"
	! gone "$GIT_PID" || fail "lighttpd exited (is port $port taken?)"
}

# git_server_spawn NAME PORT: lighttpd serving git http-backend over
# $T/upstream on PORT (as git_server_start describes), configured by
# $T/NAME.conf, logging to $T/NAME-error.log and $T/NAME-access.log; its PID
# in SPAWNED. The caller waits for "server started" in the error log.
git_server_spawn() {
	local name=$1 port=$2 v0=
	[ -z "${GIT_SERVER_V0:-}" ] || v0='"GIT_PROTOCOL" => "version=0",'
	mkdir -p "$T/www"
	cat >"$T/$name.conf" <<-EOF
		server.document-root = "$T/www"
		server.bind = "127.0.0.1"
		server.port = $port
		server.errorlog = "$T/$name-error.log"
		server.upload-dirs = ( "$T" )
		server.stream-response-body = 1
		server.modules = ( "mod_alias", "mod_setenv", "mod_cgi", "mod_accesslog" )
		accesslog.filename = "$T/$name-access.log"
		accesslog.format = "%h %V %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\" port=%{remote}p proto=\"%{Git-Protocol}i\" auth=\"%{Authorization}i\""
		alias.url = ( "/" => "${GIT_SERVER_CGI:-$(git --exec-path)/git-http-backend}/" )
		cgi.assign = ( "" => "" )
		setenv.set-environment = ( "GIT_PROJECT_ROOT" => "$T/upstream",
		                           $v0
		                           "GIT_HTTP_EXPORT_ALL" => "1" )
		connection.kbytes-per-second = ${GIT_SERVER_KBPS:-0}
		${GIT_SERVER_CONF:-}
	EOF
	: >"$T/$name-error.log"
	spawn lighttpd -D -f "$T/$name.conf" </dev/null
}

git_server_started() { grep -q 'server started' "$T/lighttpd-error.log" || gone "$GIT_PID"; }

git_server_stop() { stop "$GIT_PID"; }

# corrupt_backend_start: git_server_start, with tests/corrupt_backend.py in
# front of git-http-backend; corrupt_mode MODE (flip, trailer, cut, or nothing)
# says how it spoils the packs it sends from now on.
corrupt_backend_start() {
	cat >"$T/corrupt-backend" <<-EOF
		#!/bin/sh
		GIT_EXEC_DIR='$(git --exec-path)' CORRUPT_MODE_FILE='$T/corrupt.mode' \
		    exec '$PYTHON' '$TESTS_DIR/corrupt_backend.py'
	EOF
	chmod +x "$T/corrupt-backend"
	GIT_SERVER_CGI=$T/corrupt-backend git_server_start
}

corrupt_mode() { printf '%s\n' "${1:-}" >"$T/corrupt.mode"; }

# stall_server_start [BANNER]: a listener on 127.0.0.1 that accepts connections
# and never answers; it adds a line to $STALL_LOG for each connection. With
# BANNER, it first sends BANNER and CRLF (an SSH server's greeting, say) and
# logs "said LINE", the first line the client sends back. Sets STALL_PID,
# STALL_PORT, STALL_URL and STALL_LOG.
stall_server_start() {
	spawn "$PYTHON" -c '
import os, socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(64)
with open(sys.argv[1] + ".new", "w") as f:
    f.write("%d\n" % s.getsockname()[1])
os.rename(sys.argv[1] + ".new", sys.argv[1])
banner = sys.argv[3].encode()
held = []
while True:
    c = s.accept()[0]
    held.append(c)
    line = "accepted %s:%d\n" % c.getpeername()
    if banner:
        c.sendall(banner + b"\r\n")
        c.settimeout(5)
        try:
            said = c.recv(256).split(b"\r\n")[0].decode("ascii", "replace")
        except OSError:
            said = "(nothing)"
        line += "said %s\n" % said
    with open(sys.argv[2], "a") as log:
        log.write(line)
' "$T/stall.port" "$T/stall.log" "${1:-}" </dev/null
	STALL_PID=$SPAWNED
	wait_until 10 test -s "$T/stall.port" || fail "stall server did not start"
	read -r STALL_PORT <"$T/stall.port"
	STALL_URL=http://127.0.0.1:$STALL_PORT
	STALL_LOG=$T/stall.log
}

stall_server_stop() { stop "$STALL_PID"; }

# ---------------------------------------------------------------- upstreams

# work NAME GIT-ARGS...: run git in the work clone of upstream NAME.
work() {
	local name=$1
	shift
	git -C "$T/work/$name" "$@"
}

# work_commit NAME [FILE [CONTENT]]: commit a change to FILE in the work clone.
work_commit() {
	local name=$1 file=${2:-file} content=${3:-"change $RANDOM$RANDOM"}
	printf '%s\n' "$content" >"$T/work/$name/$file"
	work "$name" add "$file"
	work "$name" commit -q -m "change $file"
}

# make_upstream NAME [HEAD]: bare repo $T/upstream/NAME.git with a few commits on
# main (LICENSE is the MIT text), a branch feature, tags v1 (lightweight) and
# v1-ann (annotated), and refs/pull/1/head on a commit of its own. Its HEAD is
# main, or HEAD (a branch made from main with one more commit).
make_upstream() {
	local name=$1 head=${2:-main} push=(main feature v1 v1-ann pr:refs/pull/1/head)
	git init -q --bare -b main "$T/upstream/$name.git"
	git clone -q "$T/upstream/$name.git" "$T/work/$name" 2>/dev/null
	work "$name" checkout -q -b main
	work_commit "$name" LICENSE "$(mit_license)"
	work_commit "$name" README "one"
	work "$name" tag v1
	work_commit "$name" README "two"
	work "$name" tag -a v1-ann -m "release v1"
	work "$name" checkout -q -b feature
	work_commit "$name" feature.txt
	work "$name" checkout -q -b pr main
	work_commit "$name" pr.txt
	work "$name" checkout -q main
	if [ "$head" != main ]; then
		work "$name" checkout -q -b "$head"
		work_commit "$name" "$head.txt"
		push+=("$head")
	fi
	work "$name" push -q origin "${push[@]}"
	git -C "$T/upstream/$name.git" symbolic-ref HEAD "refs/heads/$head"
	work "$name" checkout -q main
}

# add_big_commit NAME MB: a commit on the upstream's main adding MB megabytes of
# random data, made in the bare repo itself (quicker than a push; the work
# clone does not see it). Objects are stored, not deflated: quicker too.
add_big_commit() {
	local up=$T/upstream/$1.git blob tree commit
	git -C "$up" config core.compression 0
	blob=$(head -c "$(($2 * 1024 * 1024))" /dev/urandom | git -C "$up" hash-object -w --stdin)
	tree=$({
		git -C "$up" ls-tree main
		printf '100644 blob %s\tbig-%s.bin\n' "$blob" "$RANDOM"
	} | git -C "$up" mktree)
	commit=$(git -C "$up" commit-tree "$tree" -p main -m "add $2 MB")
	git -C "$up" update-ref refs/heads/main "$commit"
}

# upstream_commit NAME PARENT LABEL: prints a new commit, made in the bare
# upstream itself, on PARENT with c.txt holding LABEL (no ref moves).
upstream_commit() {
	local up=$T/upstream/$1.git blob tree
	blob=$(printf '%s\n' "$3" | git -C "$up" hash-object -w --stdin)
	tree=$({
		git -C "$up" ls-tree "$2" | grep -v '	c\.txt$' || true
		printf '100644 blob %s\tc.txt\n' "$blob"
	} | git -C "$up" mktree)
	git -C "$up" commit-tree "$tree" -p "$2" -m "$3"
}

# make_big_upstream NAME MB: make_upstream NAME, then add_big_commit NAME MB.
make_big_upstream() {
	make_upstream "$1"
	add_big_commit "$1" "$2"
}

mit_license() {
	cat <<-'EOF'
		MIT License

		Copyright (c) 2023 DeepSeek

		Permission is hereby granted, free of charge, to any person obtaining a copy
		of this software and associated documentation files (the "Software"), to deal
		in the Software without restriction, including without limitation the rights
		to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
		copies of the Software, and to permit persons to whom the Software is
		furnished to do so, subject to the following conditions:

		The above copyright notice and this permission notice shall be included in all
		copies or substantial portions of the Software.

		THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
		IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
		FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
		AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
		LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
		OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
		SOFTWARE.
	EOF
}

# ---------------------------------------------------------------- dsmirror

# write_config FILE NAME=URL...: a version 1 mirrors.json, root "mirrors".
write_config() {
	local file=$1 sep='' pair
	shift
	{
		printf '{\n  "version": 1,\n  "root": "mirrors",\n'
		printf '  "api": "https://127.0.0.1:9",\n  "repos": ['
		for pair in "$@"; do
			printf '%s\n    {"name": "%s", "url": "%s",' "$sep" "${pair%%=*}" "${pair#*=}"
			printf ' "licenses": [{"path": "LICENSE", "spdx": "MIT"}]}'
			sep=,
		done
		printf '\n  ]\n}\n'
	} >"$file"
}

# dsm ARGS...: dsmirror on $CONFIG.
dsm() { "$DSMIRROR" -c "$CONFIG" "$@"; }

# state_kept STATE_FILE: the state file's sections but release_check (which
# every release check rewrites, failed or not), one canonical JSON line: a
# failed check must leave this as it was.
state_kept() {
	"$PYTHON" - "$1" <<-'EOF'
		import json, sys
		s = json.load(open(sys.argv[1]))
		s.pop("release_check", None)
		print(json.dumps(s, sort_keys=True))
	EOF
}

# state_get STATE_FILE EXPR: EXPR evaluated with s = the state file's JSON.
state_get() {
	"$PYTHON" - "$1" "$2" <<-'EOF'
		import json, sys
		s = json.load(open(sys.argv[1]))
		v = eval(sys.argv[2])
		print(v if isinstance(v, str) else json.dumps(v))
	EOF
}

# json_get PYEXPR: evaluate PYEXPR on the --json report in $T/out, where `j` is
# the report, repo(NAME) a repo's entry and lic(NAME, PATH) the entry of one of
# its license files; strings print as is, others as JSON.
json_get() {
	"$PYTHON" - "$T/out" "$1" <<-'EOF'
		import json, sys
		j = json.load(open(sys.argv[1]))
		def repo(name):
		    return next(r for r in j["repos"] if r["name"] == name)
		def lic(name, path):
		    return next(l for l in repo(name)["licenses"] if l["path"] == path)
		v = eval(sys.argv[2])
		print(v if isinstance(v, str) else json.dumps(v))
	EOF
}

# fetch_field NAME KEY: the repo NAME's fetch.KEY in the --json report (null if absent).
fetch_field() { json_get "repo('$1')['fetch'].get('$2')"; }

# ---------------------------------------------------------------- assertions

# assert_exit EXPECTED CMD...: run CMD (stdout in $T/out, stderr in $T/err);
# its exit status must be EXPECTED. Sets RC.
assert_exit() {
	local expected=$1
	shift
	RC=0
	"$@" >"$T/out" 2>"$T/err" </dev/null || RC=$?
	[ "$RC" = "$expected" ] || fail "expected exit $expected, got $RC from: $*
--- stdout:
$(head -c 3000 "$T/out")
--- stderr:
$(head -c 3000 "$T/err")"
}

# assert_eq EXPECTED ACTUAL WHAT
assert_eq() {
	[ "$1" = "$2" ] || fail "$3: expected '$1', got '$2'"
}

# assert_contains FILE TEXT: FILE contains TEXT (a fixed string).
assert_contains() {
	grep -qF -- "$2" "$1" || fail "expected '$2' in $(basename "$1"), which holds:
$(head -c 3000 "$1")"
}

# assert_contains_str STRING TEXT: STRING contains TEXT.
assert_contains_str() {
	case $1 in *"$2"*) ;; *) fail "expected '$2' in '$1'" ;; esac
}

# assert_not_contains FILE TEXT
assert_not_contains() {
	! grep -qF -- "$2" "$1" || fail "did not expect '$2' in $(basename "$1"), which holds:
$(head -c 3000 "$1")"
}

# assert_empty FILE
assert_empty() {
	[ ! -s "$1" ] || fail "expected $(basename "$1") to be empty, it holds:
$(head -c 3000 "$1")"
}

# refs GITDIR [PATTERN...]: "oid refname" lines, sorted (default: heads and tags).
refs() {
	local dir=$1
	shift
	[ $# -gt 0 ] || set -- refs/heads refs/tags
	git -C "$dir" for-each-ref --format='%(objectname) %(refname)' "$@"
}

# assert_refs_equal UPSTREAM_GIT MIRROR_GIT [PATTERN...]: same refs, same objects.
assert_refs_equal() {
	local want got
	want=$(refs "$1" "${@:3}")
	got=$(refs "$2" "${@:3}")
	[ "$want" = "$got" ] || fail "refs of $2 differ from upstream $1:
$(diff <(echo "$want") <(echo "$got") | sed -n '2,40p')"
}

# assert_fsck GITDIR: the repository is complete and well-formed.
assert_fsck() {
	local out
	out=$(git -C "$1" fsck --strict --no-progress 2>&1) || fail "fsck of $1 failed:
$out"
}

# fsck_all ROOT: assert_fsck every *.git under ROOT.
fsck_all() {
	local m
	[ -d "$1" ] || return 0
	while IFS= read -r m; do
		assert_fsck "$m"
	done < <(find "$1" -name '*.git' -type d -prune)
}

# tree_digest DIR: owner, mode, name and content of everything under DIR.
tree_digest() {
	find "$1" -printf '%u:%g %m %y %p\n' | sort
	find "$1" -type f -print0 | sort -z | xargs -0 -r sha256sum
}

# du_mb PATH: disk usage of PATH in megabytes (0 when missing).
du_mb() {
	local mb
	mb=$(du -sm "$1" 2>/dev/null | cut -f1) || true
	echo "${mb:-0}"
}

# assert_no_tmp ROOT: no clone temp folder (.tmp-*) left in ROOT.
assert_no_tmp() {
	local left
	left=$(find "$1" -maxdepth 1 -name '.tmp-*' 2>/dev/null)
	[ -z "$left" ] || fail "temp left in $1: $left"
}

# ---------------------------------------------------------------- licenses

# lic_field NAME PATH KEY: licenses[].KEY of file PATH of repo NAME in the
# --json report in $T/out (null if absent).
lic_field() { json_get "lic('$1', '$2').get('$3')"; }

# license_file KIND: the path of a real license text of the DeepSeek repos, from
# tests/licenses/ (else shared/licenses/ beside the work tree). KIND is
#   mit-r1       DeepSeek-R1's LICENSE (MIT)
#   mit-janus    Janus's LICENSE-CODE (MIT)
#   model-v3     DeepSeek-V3's LICENSE-MODEL (DeepSeek License Agreement 1.0)
#   model-janus  Janus's LICENSE-MODEL: the same text as model-v3 without its
#                trailing spaces and with a final newline
license_file() {
	local f
	case $1 in
	mit-r1) set -- ok-deepseek-r1-LICENSE.txt MIT-DeepSeek-R1-LICENSE.txt ;;
	mit-janus) set -- ok-janus-LICENSE-CODE.txt MIT-Janus-LICENSE-CODE.txt ;;
	model-v3) set -- bad-deepseek-v3-LICENSE-MODEL.txt DeepSeek-Model-V3-LICENSE-MODEL.txt ;;
	model-janus) set -- bad-deepseek-janus-LICENSE-MODEL.txt DeepSeek-Model-Janus-LICENSE-MODEL.txt ;;
	*) fail "license_file: no fixture kind '$1'" ;;
	esac
	for f in "$TESTS_DIR/licenses/$1" "$(dirname "$(dirname "$TESTS_DIR")")/shared/licenses/$2"; do
		[ -f "$f" ] && { echo "$f"; return 0; }
	done
	fail "license_file: neither tests/licenses/$1 nor shared/licenses/$2 exists"
}

# work_publish NAME MESSAGE: commit everything changed in the work clone of NAME
# (on main) and push it to the upstream. Prints nothing; the new commit id is
# $(upstream_head NAME).
work_publish() {
	work "$1" add -A
	work "$1" commit -q -m "$2"
	work "$1" push -q origin main
}

# work_files NAME MESSAGE DEST=SRC...: in the work clone of NAME, copy each file
# SRC to DEST byte for byte (an empty SRC removes DEST), then work_publish.
work_files() {
	local name=$1 msg=$2 pair dest src
	shift 2
	for pair in "$@"; do
		dest=${pair%%=*} src=${pair#*=}
		if [ -z "$src" ]; then
			work "$name" rm -q -- "$dest"
		else
			mkdir -p "$(dirname "$T/work/$name/$dest")"
			cp -- "$src" "$T/work/$name/$dest"
		fi
	done
	work_publish "$name" "$msg"
}

# at_time EPOCH CMD...: run CMD (a function too) with git's author and committer
# dates at EPOCH seconds: commits of a known order, or of one same second as a
# script or a rebase makes them.
at_time() {
	local when="@$1 +0000"
	shift
	GIT_AUTHOR_DATE=$when GIT_COMMITTER_DATE=$when "$@"
}

# upstream_head NAME [REV]: the commit id of REV (default main) upstream.
upstream_head() { git -C "$T/upstream/$1.git" rev-parse "${2:-main}^{commit}"; }

# write_config_json FILE REPOS: a version 1 mirrors.json (root "mirrors", api
# $API_BASE when set, else write_config's; 2-space indentation) whose "repos" is the python expression
# REPOS, in which
#   repo(NAME, LIC..., **more)       {"name": NAME, "url": "$GIT_BASE/NAME.git",
#                                     "licenses": [LIC...], **more}
#   lic(PATH, spdx=None, sha256=None) {"path": PATH} and the keys given
# e.g. '[repo("r1", lic("LICENSE", "MIT")), repo("v3", lic("LICENSE-MODEL"), branch="x")]'
write_config_json() {
	API_BASE=${API_BASE:-} GIT_BASE=${GIT_BASE:-http://127.0.0.1:9} "$PYTHON" - "$1" "$2" <<-'EOF'
		import json, os, sys
		def lic(path, spdx=None, sha256=None):
		    d = {"path": path}
		    if spdx is not None:
		        d["spdx"] = spdx
		    if sha256 is not None:
		        d["sha256"] = sha256
		    return d
		def repo(name, *lics, **more):
		    d = {"name": name, "url": "%s/%s.git" % (os.environ["GIT_BASE"], name)}
		    d.update(more)
		    d["licenses"] = list(lics)
		    return d
		conf = {"version": 1, "root": "mirrors",
		        "api": os.environ.get("API_BASE") or "https://127.0.0.1:9",
		        "repos": eval(sys.argv[2])}
		with open(sys.argv[1], "w") as f:
		    f.write(json.dumps(conf, indent=2) + "\n")
	EOF
}

# sync_fixture: upstreams r1 and r2 served by git_server_start, the fake API
# (api_server_start) knowing them as deepseek-ai/r1 (2 releases) and
# deepseek-ai/r2, and $CONFIG mirroring both with their release checks.
sync_fixture() {
	make_upstream r1
	make_upstream r2
	git_server_start
	api_server_start
	api_fixture deepseek-ai/r1 --releases 2
	api_fixture deepseek-ai/r2
	releases_config "$CONFIG" r1=deepseek-ai/r1 r2=deepseek-ai/r2
}

# releases_config FILE NAME=OWNER/REPO...: a mirrors.json whose api is $API_BASE,
# with repo NAME (upstream $GIT_BASE/NAME.git) checked as OWNER/REPO on GitHub
# and LICENSE expected to be MIT.
releases_config() {
	local file=$1 list='' pair
	shift
	for pair in "$@"; do
		list+="repo('${pair%%=*}', lic('LICENSE', 'MIT'), github='${pair#*=}'),"
	done
	write_config_json "$file" "[$list]"
}

# set_pin FILE NAME PATH [SHA256]: set the pin of license file PATH of repo NAME
# in the mirrors.json FILE to SHA256 (none given: remove it), by hand, as a
# person would; the rest of the file keeps its content and key order.
set_pin() {
	"$PYTHON" - "$@" <<-'EOF'
		import json, sys
		file, name, path = sys.argv[1:4]
		with open(file) as f:
		    conf = json.load(f)
		r = next(r for r in conf["repos"] if r["name"] == name)
		l = next(l for l in r["licenses"] if l["path"] == path)
		if len(sys.argv) > 4:
		    l["sha256"] = sys.argv[4]
		else:
		    l.pop("sha256", None)
		with open(file, "w") as f:
		    f.write(json.dumps(conf, indent=2) + "\n")
	EOF
}

# assert_all_verdicts VERDICT: every license file of every repo in the --json
# report in $T/out has that verdict.
assert_all_verdicts() {
	local bad
	bad=$(json_get "[(r['name'], l['path'], l['verdict']) for r in j['repos'] for l in r['licenses'] if l['verdict'] != '$1']")
	assert_eq "[]" "$bad" "license files whose verdict is not $1"
}

# ---------------------------------------------------------------- GitHub API test server
#
# A fake GitHub REST API over HTTPS on 127.0.0.1 (tests/api_server.py; its
# docstring tells the data, faults and log formats), with its own test CA.
#
#   make_ca                       $T/ca/: ca.pem ca.key (the test CA), server.pem
#                                 server.key (127.0.0.1 and localhost, signed by
#                                 it), and an unrelated CA other-ca.pem with its
#                                 other-server.pem other-server.key. Sets CA_PEM
#                                 and OTHER_CA_PEM. Called by api_server_start.
#   api_server_start [NAME [CERT]]  start server NAME (default api) with
#                                 $T/ca/CERT.pem (default server; other-server
#                                 for a certificate that $CA_PEM does not sign).
#                                 Sets, with P the NAME upper-cased (api: API,
#                                 other: OTHER, my-api: MY_API):
#                                   P_PID P_PORT P_BASE (https://127.0.0.1:PORT)
#                                   P_DIR ($T/api-NAME) P_DATA (P_DIR/data.json,
#                                   made {"repos": {}} if missing) P_FAULTS
#                                   (P_DIR/faults.json) P_LOG (P_DIR/log.jsonl)
#                                 A restart of NAME keeps its port, data, faults
#                                 and log (its conn numbers go on).
#   api_server_stop [NAME]        SIGTERM and wait.
#   api_faults [NAME] JSON        set the faults (checked to be JSON), e.g.
#                                 api_faults '{"faults": [{"mode": "status", "code": 502, "times": 1}]}'
#   api_faults_clear [NAME]       no faults (their counts start again).
#   api_data_set [NAME] FILE|-    replace the data file by FILE (- : stdin).
#   api_fixture [NAME] OWNER/REPO [OPTION...]   add or replace a repository
#   api_fixture_edit [NAME] OWNER/REPO [OPTION...]   change it
#   api_fixture_get [NAME] OWNER/REPO [PYEXPR]  print it (or PYEXPR of it)
#                                 (tests/api_fixture.py add/edit/get: its
#                                 docstring lists the options; URLs in the
#                                 objects use P_BASE once the server runs)
#   api_log_get [NAME] PYEXPR     print PYEXPR (a str as is, else JSON) where
#                                 log is the list of request records of the log
#                                 and events the other records (tls-error,
#                                 no-request)
#   api_log_count [NAME] [PYEXPR] how many request records r satisfy PYEXPR
#                                 (default: all), e.g. 'r["fault"] == "hang"'
# In all of these NAME is told apart by its having no "/" (api_fixture*), or by
# the number of arguments (the others; api_log_count's one argument is a NAME
# if a server NAME was started, else a PYEXPR).
# Requests are logged before they are answered, so a request that a client has
# seen answered is in the log already.

# make_ca: see above. Quick (EC P-256) and made once per scenario.
make_ca() {
	local ca=$T/ca
	CA_PEM=$ca/ca.pem
	OTHER_CA_PEM=$ca/other-ca.pem
	[ -s "$ca/other-server.pem" ] && return 0
	mkdir -p "$ca"
	# Extensions that OpenSSL, GnuTLS and mbedTLS all want of a CA and of a
	# server certificate; our own config, so the system's does not matter.
	cat >"$ca/openssl.cnf" <<-'EOF2'
		[req]
		distinguished_name = dn
		prompt = no
		[dn]
		CN = unused
		[v3_ca]
		basicConstraints = critical,CA:TRUE
		keyUsage = critical,keyCertSign,cRLSign
		subjectKeyIdentifier = hash
		authorityKeyIdentifier = keyid:always
		[v3_server]
		basicConstraints = critical,CA:FALSE
		keyUsage = critical,digitalSignature
		extendedKeyUsage = serverAuth
		subjectAltName = IP:127.0.0.1,DNS:localhost
		subjectKeyIdentifier = hash
		authorityKeyIdentifier = keyid,issuer
	EOF2
	api_ca_pair "$ca" ca ''
	api_ca_pair "$ca" server ca
	api_ca_pair "$ca" other-ca ''
	api_ca_pair "$ca" other-server other-ca
	rm -f "$ca"/*.csr
}

# api_ca_pair DIR NAME [ISSUER]: DIR/NAME.key and DIR/NAME.pem, a CA
# certificate (self-signed) when ISSUER is empty, else a server certificate
# signed by ISSUER.
api_ca_pair() {
	local dir=$1 name=$2 issuer=${3:-} out
	out=$(
		openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
			-out "$dir/$name.key" 2>&1 &&
			if [ -z "$issuer" ]; then
				openssl req -new -x509 -config "$dir/openssl.cnf" -extensions v3_ca \
					-key "$dir/$name.key" -subj "/CN=dsmirror test $name" -days 2 \
					-sha256 -out "$dir/$name.pem" 2>&1
			else
				openssl req -new -config "$dir/openssl.cnf" -key "$dir/$name.key" \
					-subj "/CN=127.0.0.1" -out "$dir/$name.csr" 2>&1 &&
					openssl x509 -req -in "$dir/$name.csr" -CA "$dir/$issuer.pem" \
						-CAkey "$dir/$issuer.key" -set_serial "0x$(od -An -tx1 -N8 /dev/urandom | tr -d ' \n')" \
						-days 2 -sha256 -extfile "$dir/openssl.cnf" -extensions v3_server \
						-out "$dir/$name.pem" 2>&1
			fi
	) || fail "make_ca: openssl failed for $name: $out"
}

# api_var_prefix NAME: the prefix of the variables of server NAME (API for api).
api_var_prefix() {
	local p=${1^^}
	echo "${p//[^A-Z0-9_]/_}"
}

# api_server_start [NAME [CERT]]: see above.
# shellcheck disable=SC2120 # the scenarios pass them; this file alone does not
api_server_start() {
	local name=${1:-api} cert=${2:-server} p dir pid port old_port port_arg=()
	p=$(api_var_prefix "$name")
	dir=$T/api-$name
	make_ca
	mkdir -p "$dir"
	[ -e "$dir/data.json" ] || printf '{"repos": {}}\n' >"$dir/data.json"
	old_port=${p}_PORT
	[ -z "${!old_port:-}" ] || port_arg=(--port "${!old_port}")   # a restart
	rm -f "$dir/port"
	spawn "$PYTHON" "$TESTS_DIR/api_server.py" --port-file "$dir/port" \
		--cert "$T/ca/$cert.pem" --key "$T/ca/$cert.key" --data "$dir/data.json" \
		--faults "$dir/faults.json" --log "$dir/log.jsonl" --name "$name" \
		"${port_arg[@]}" </dev/null
	pid=$SPAWNED
	wait_until 10 api_server_up "$dir/port" "$pid" || fail "API server $name did not start in 10 s"
	! gone "$pid" || fail "API server $name exited (its error is above)"
	read -r port <"$dir/port"
	printf -v "${p}_PID" %s "$pid"
	printf -v "${p}_PORT" %s "$port"
	printf -v "${p}_BASE" %s "https://127.0.0.1:$port"
	printf -v "${p}_DIR" %s "$dir"
	printf -v "${p}_DATA" %s "$dir/data.json"
	printf -v "${p}_FAULTS" %s "$dir/faults.json"
	printf -v "${p}_LOG" %s "$dir/log.jsonl"
}

api_server_up() { [ -s "$1" ] || gone "$2"; }

# api_server_stop [NAME]
api_server_stop() {
	local pid
	pid=$(api_var_prefix "${1:-api}")_PID
	[ -n "${!pid:-}" ] || fail "api_server_stop: no API server ${1:-api} was started"
	stop "${!pid}"
}

# api_faults [NAME] JSON
api_faults() {
	[ $# -ge 2 ] || set -- api "$@"
	local file=$T/api-$1/faults.json
	mkdir -p "$T/api-$1"
	printf '%s\n' "$2" >"$file.tmp"
	"$PYTHON" -c 'import json, sys; json.load(open(sys.argv[1]))' "$file.tmp" 2>/dev/null ||
		fail "api_faults: not JSON: $2"
	mv -f "$file.tmp" "$file"
}

# api_faults_clear [NAME]
api_faults_clear() { api_faults "${1:-api}" '{"faults": []}'; }

# api_data_set [NAME] FILE|-
api_data_set() {
	[ $# -ge 2 ] || set -- api "$@"
	local file=$T/api-$1/data.json
	mkdir -p "$T/api-$1"
	if [ "$2" = - ]; then cat >"$file.tmp"; else cat -- "$2" >"$file.tmp"; fi
	mv -f "$file.tmp" "$file"
}

# api_fixture_run CMD [NAME] OWNER/REPO ARGS...: tests/api_fixture.py CMD on the
# data of server NAME (default api).
api_fixture_run() {
	local cmd=$1 name=api base
	shift
	case ${1:-} in */* | '') ;; *) name=$1; shift ;; esac
	base=$(api_var_prefix "$name")_BASE
	mkdir -p "$T/api-$name"
	if [ "$cmd" = get ]; then
		"$PYTHON" "$TESTS_DIR/api_fixture.py" "$T/api-$name/data.json" get "$@"
	else
		"$PYTHON" "$TESTS_DIR/api_fixture.py" "$T/api-$name/data.json" "$cmd" \
			"$1" --base "${!base:-https://api.github.com}" "${@:2}"
	fi
}

api_fixture() { api_fixture_run add "$@"; }
api_fixture_edit() { api_fixture_run edit "$@"; }
api_fixture_get() { api_fixture_run get "$@"; }

# api_log_get [NAME] PYEXPR: see above.
api_log_get() {
	[ $# -ge 2 ] || set -- api "$@"
	"$PYTHON" - "$T/api-$1/log.jsonl" "$2" <<-'EOF2'
		import json, sys
		log, events = [], []
		try:
		    with open(sys.argv[1]) as f:
		        for line in f:
		            if line.endswith("\n"):   # a line being written is not yet a record
		                r = json.loads(line)
		                (events if "event" in r else log).append(r)
		except FileNotFoundError:
		    pass
		v = eval(sys.argv[2])
		print(v if isinstance(v, str) else json.dumps(v))
	EOF2
}

# api_log_count [NAME] [PYEXPR]: see above.
api_log_count() {
	case $# in
	0) set -- api True ;;
	1)   # NAME (a server started here) or PYEXPR
		if [[ $1 =~ ^[A-Za-z0-9_-]+$ && -d $T/api-$1 ]]; then
			set -- "$1" True
		else
			set -- api "$1"
		fi
		;;
	esac
	api_log_get "$1" "sum(1 for r in log if ($2))"
}
