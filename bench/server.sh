# shellcheck shell=bash
# bench/server.sh: sourced by the benchmarks. bench_server_start DIR starts
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
	# shellcheck disable=SC2034 # for the caller
	BASE=http://127.0.0.1:$PORT
}
