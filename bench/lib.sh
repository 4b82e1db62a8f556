# shellcheck shell=bash
# bench/lib.sh: sourced by bench/run.sh and bench/noop.sh: bench_setup,
# bench_server_start, refs_of, write_config.
#
# bench_setup NAME: TIME (the peak-RSS wrapper), W (a work folder
# dsmirror-bench-NAME.XXXXXX, removed at exit unless BENCH_KEEP=1; the git
# server started by bench_server_start stopped then too), every client kept
# away from the user's configuration, credentials and proxies, and the
# current folder W. Uses PYTHON and BENCH_DIR of the caller.
# shellcheck disable=SC2034 # TIME, W and SERVER_PID are the caller's
bench_setup() {
	if [ -x /usr/bin/time ]; then
		TIME=(/usr/bin/time -f %M -o)
	else   # same figure (ru_maxrss of the waited-for children, in kB) from python
		TIME=("$PYTHON" "$BENCH_DIR/maxrss.py")
	fi
	W=$(mktemp -d "${BENCH_TMP:-${TMPDIR:-/tmp}}/$1.XXXXXX")
	SERVER_PID=
	trap bench_cleanup EXIT
	trap 'exit 130' INT TERM
	export HOME=$W/home GIT_CONFIG_NOSYSTEM=1 GIT_TERMINAL_PROMPT=0
	unset DSMIRROR_CONFIG GITHUB_TOKEN GH_TOKEN http_proxy https_proxy HTTP_PROXY \
		HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY GIT_DIR GIT_PROTOCOL CURL_HOME
	mkdir -p "$HOME" "$W/log"
	cd "$W" || exit 2
}

bench_cleanup() {
	if [ -n "$SERVER_PID" ]; then
		kill "$SERVER_PID" 2>/dev/null || true
		wait "$SERVER_PID" 2>/dev/null || true
	fi
	cd /
	if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "bench: kept $W" >&2; else rm -rf "$W"; fi
}

# bench_server_start DIR starts
# lighttpd + `git http-backend` on 127.0.0.1 serving DIR/upstream (its files
# in DIR), and sets SERVER_PID, PORT and BASE; the caller stops it by PID.
# Uses PYTHON and die() of the caller.
bench_server_start() {
	local w=$1
	PORT=$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	cat >"$w/lighttpd.conf" <<-CONF
		server.document-root = "$w/upstream"
		server.bind = "127.0.0.1"
		server.port = $PORT
		server.errorlog = "$w/lighttpd-error.log"
		server.upload-dirs = ( "$w" )
		server.stream-response-body = 1
		server.modules = ( "mod_alias", "mod_setenv", "mod_cgi" )
		alias.url = ( "/" => "$(git --exec-path)/git-http-backend/" )
		cgi.assign = ( "" => "" )
		setenv.set-environment = ( "GIT_PROJECT_ROOT" => "$w/upstream",
		                           "GIT_HTTP_EXPORT_ALL" => "1" )
	CONF
	lighttpd -D -f "$w/lighttpd.conf" </dev/null &
	SERVER_PID=$!
	for _ in {1..200}; do
		(exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
		kill -0 "$SERVER_PID" 2>/dev/null || break
		sleep 0.05
	done
	(exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null ||
		die "lighttpd did not start on port $PORT: $(cat "$w/lighttpd-error.log" 2>/dev/null)"
	BASE=http://127.0.0.1:$PORT
}

# refs_of DIR NAME...: "NAME oid refname" for the heads and tags of
# DIR/NAME.git.
refs_of() {
	local dir=$1 name
	shift
	for name in "$@"; do
		git -C "$dir/$name.git" for-each-ref --format="$name %(objectname) %(refname)" \
			refs/heads refs/tags
	done
}

# write_config FILE NAME...: a mirrors.json of the repos NAME... of the
# server bench_server_start started.
write_config() {
	local file=$1 sep='' name
	shift
	{
		printf '{"version": 1, "root": "mirrors", "repos": ['
		for name in "$@"; do
			printf '%s\n  {"name": "%s", "url": "%s/%s.git"}' "$sep" "$name" "$BASE" "$name"
			sep=,
		done
		printf '\n]}\n'
	} >"$file"
}
