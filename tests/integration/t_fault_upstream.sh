#!/usr/bin/env bash
# An upstream that misbehaves cannot damage a mirror: a pack with a flipped
# byte, a wrong checksum or cut short is refused, by a clone (nothing put in
# place, no temp left) and by an update (refs and objects as they were, no
# partial pack), with a message naming the repo; and a server that redirects
# the git URL to another host is not followed.
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

make_upstream r1
corrupt_backend_start
write_config "$CONFIG" r1="$GIT_BASE/r1.git"

# A first clone of a corrupt pack.
for mode in flip trailer cut; do
	corrupt_mode "$mode"
	assert_exit 3 dsm fetch
	assert_contains "$T/err" "r1: fetch failed: $GIT_BASE/r1.git: "
	[ ! -e "$ROOT/r1.git" ] || fail "$mode: a mirror was put in place from a corrupt pack"
	assert_no_tmp "$ROOT"
	echo "clone, $mode: $(cat "$T/err")"
done

# An update that receives a corrupt pack.
corrupt_mode
assert_exit 0 dsm fetch
digest=$(tree_digest "$ROOT/r1.git")
add_big_commit r1 1
for mode in flip trailer cut; do
	corrupt_mode "$mode"
	assert_exit 3 dsm fetch
	assert_contains "$T/err" "r1: fetch failed: $GIT_BASE/r1.git: "
	assert_eq "$digest" "$(tree_digest "$ROOT/r1.git")" "$mode: the mirror after a corrupt pack"
	assert_fsck "$ROOT/r1.git"
	echo "update, $mode: $(cat "$T/err")"
done
corrupt_mode
assert_exit 0 dsm fetch
assert_refs_equal "$T/upstream/r1.git" "$ROOT/r1.git"

# A redirect of the git URL to another host (a name for the same address,
# or another port) is refused; the mirror it would update stays as it was.
redir_port=$(free_port)
cat >"$T/redirect.conf" <<-EOF
	server.document-root = "$T/www"
	server.bind = "127.0.0.1"
	server.port = $redir_port
	server.errorlog = "$T/redirect-error.log"
	server.modules = ( "mod_redirect" )
	url.redirect = ( "^/name/(.*)\$" => "http://localhost:$GIT_PORT/\$1",
	                 "^/port/(.*)\$" => "$GIT_BASE/\$1" )
	url.redirect-code = 301
EOF
: >"$T/redirect-error.log"
spawn lighttpd -D -f "$T/redirect.conf" </dev/null
wait_until 10 grep -q 'server started' "$T/redirect-error.log" || fail "the redirecting lighttpd did not start"
# git itself follows them: the redirects work.
git ls-remote "http://127.0.0.1:$redir_port/name/r1.git" >/dev/null ||
	fail "git does not follow the redirect to localhost"

write_config "$CONFIG" r2="http://127.0.0.1:$redir_port/name/r1.git" \
	r3="http://127.0.0.1:$redir_port/port/r1.git"
assert_exit 3 dsm fetch
assert_contains "$T/err" "r2: fetch failed: http://127.0.0.1:$redir_port/name/r1.git: the server redirected to another host (localhost port $GIT_PORT, not 127.0.0.1 port $redir_port); dsmirror does not follow it"
assert_contains "$T/err" "r3: fetch failed: http://127.0.0.1:$redir_port/port/r1.git: the server redirected to another host (127.0.0.1 port $GIT_PORT, not 127.0.0.1 port $redir_port)"
[ ! -e "$ROOT/r2.git" ] && [ ! -e "$ROOT/r3.git" ] || fail "a redirected clone was put in place"
assert_no_tmp "$ROOT"

# The existing mirror r1, its URL now redirected elsewhere: kept as it was.
digest=$(tree_digest "$ROOT/r1.git")
add_big_commit r1 1   # not to be fetched
write_config "$CONFIG" r1="http://127.0.0.1:$redir_port/name/r1.git"
assert_exit 3 dsm fetch
assert_contains "$T/err" "the server redirected to another host"
assert_eq "$digest" "$(tree_digest "$ROOT/r1.git")" "the mirror whose URL redirects elsewhere"
fsck_all "$ROOT"

# A git configuration cannot send a fetch elsewhere either: url.*.insteadOf
# (in ~/.gitconfig or the mirror's own config) is not applied to the URL of
# mirrors.json.
write_config "$CONFIG" r1="$GIT_BASE/r1.git"
git config --global "url.http://127.0.0.1:9/.insteadOf" "$GIT_BASE/"
git -C "$ROOT/r1.git" config "url.http://127.0.0.1:9/.insteadOf" "$GIT_BASE/"
assert_exit 0 dsm fetch
assert_refs_equal "$T/upstream/r1.git" "$ROOT/r1.git"
git config --global --remove-section "url.http://127.0.0.1:9/"
git -C "$ROOT/r1.git" config --remove-section "url.http://127.0.0.1:9/"
fsck_all "$ROOT"
