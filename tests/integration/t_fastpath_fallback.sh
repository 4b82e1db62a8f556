#!/usr/bin/env bash
# Whatever the fast path does not plainly know goes to a worker, and the result
# is the one the workers alone give (DSMIRROR_TEST_NO_FASTPATH=1): each case is
# run on a copy of the same root twice, once each way, and the exit status,
# the fetch reports, the mirrors' refs and HEADs must agree. One repo per case,
# beside one that stays unchanged (served by the fast path every time):
#   moved     upstream has a new commit             -> updated
#   head      upstream's HEAD names another branch  -> HEAD moved
#   lock      a ref's .lock file left in the mirror -> removed, unchanged
#   symref    a symbolic ref in the mirror          -> unchanged
#   gone      upstream answers 404                  -> error
#   redirect  upstream's URL answers a redirect     -> followed by libgit2
#   junk      a 200 that is no ref listing          -> error
#   file      a file:// URL                         -> unchanged
#   noidx     a pack of the mirror lost its index   -> repaired
#   packs     more packs than maintenance allows    -> consolidated
#   url       mirrors.json's URL changed            -> followed, with a note
#   trunc     a pack of the mirror cut short        -> as libgit2 finds it
#   format    a repository format version 2         -> as libgit2 finds it
# and one that does not go to a worker, though the fast path asks twice:
#   v0        a v0-only repo on a host whose first repo spoke v2: its
#             ls-refs POST alone fails, then the GET (as git asks) is its
#             v0 advertisement                       -> unchanged
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

# A CGI that answers junk for the junk repo's listing (the GET and an ls-refs
# POST) while $T/junk.mode says so, and passes everything else to git
# http-backend.
cat >"$T/junk-backend" <<-EOF
	#!/bin/sh
	if [ -e '$T/junk.mode' ] && [ "\$PATH_INFO" = /junk.git/info/refs ]; then
		printf 'Content-Type: application/x-git-upload-pack-advertisement\r\n\r\n'
		printf 'this is not a ref listing\n'
		exit 0
	fi
	if [ -e '$T/junk.mode' ] && [ "\$PATH_INFO" = /junk.git/git-upload-pack ]; then
		cat >/dev/null
		printf 'Content-Type: application/x-git-upload-pack-result\r\n\r\n'
		printf 'this is no ls-refs answer\n'
		exit 0
	fi
	# The v0 repo's server side speaks v0 whatever the client asks.
	case \$PATH_INFO in /v0.git/*) unset HTTP_GIT_PROTOCOL; export GIT_PROTOCOL=version=0 ;; esac
	exec '$(git --exec-path)/git-http-backend'
EOF
chmod +x "$T/junk-backend"

cases=(moved head lock symref gone redirect junk file noidx packs url trunc format v0)
for c in keep "${cases[@]}"; do make_upstream "$c"; done
cp -a "$T/upstream/url.git" "$T/upstream/url-moved.git"
GIT_SERVER_CGI=$T/junk-backend GIT_SERVER_CONF='server.modules += ( "mod_redirect" )
url.redirect = ( "^/moved/(.*)$" => "/$1" )' git_server_start

# config DIR [URL_OF_url]: DIR/mirrors.json for every case.
config() {
	local pairs=() c url
	for c in keep "${cases[@]}"; do
		case $c in
		redirect) url=$GIT_BASE/moved/redirect.git ;;
		file) url=file://$T/upstream/file.git ;;
		url) url=${2:-$GIT_BASE/url.git} ;;
		*) url=$GIT_BASE/$c.git ;;
		esac
		pairs+=("$c=$url")
	done
	mkdir -p "$1"
	write_config "$1/mirrors.json" "${pairs[@]}"
}

# fetches FILE ROOT: each repo's fetch report, the root's path left out, and
# what varies from one run to the next (seconds; the bytes of the server's
# progress messages).
fetches() {
	"$PYTHON" - "$1" "$2" <<-'EOF'
		import json, sys
		for r in json.load(open(sys.argv[1]))["repos"]:
		    f = dict(r["fetch"]); f.pop("seconds", None); f.pop("received_bytes", None)
		    print(r["name"], json.dumps(f, sort_keys=True).replace(sys.argv[2], "ROOT"))
	EOF
}

# mirrors DIR: each mirror's refs and HEAD.
mirrors() {
	local c
	for c in keep "${cases[@]}"; do
		echo "$c: $(git -C "$1/mirrors/$c.git" symbolic-ref HEAD 2>&1)"
		refs "$1/mirrors/$c.git" refs/ 2>&1 || true
	done
}

config "$T/a"
assert_exit 0 "$DSMIRROR" -c "$T/a/mirrors.json" fetch

# What each case does to the upstream or to the mirror.
work_commit moved
work moved push -q origin main
git -C "$T/upstream/head.git" symbolic-ref HEAD refs/heads/feature
: >"$T/a/mirrors/lock.git/refs/heads/main.lock"
git -C "$T/a/mirrors/symref.git" symbolic-ref refs/heads/alias refs/heads/main
mv "$T/upstream/gone.git" "$T/gone.git"
: >"$T/junk.mode"
pack=$(ls "$T/a/mirrors/noidx.git/objects/pack/"*.idx)
rm "$pack"
p=$(ls "$T/a/mirrors/packs.git/objects/pack/"*.pack)
for i in $(seq 10 26); do
	cp "$p" "${p%/*}/pack-00000000000000000000000000000000000000$i.pack"
	cp "${p%.pack}.idx" "${p%/*}/pack-00000000000000000000000000000000000000$i.idx"
done
config "$T/a" "$GIT_BASE/url-moved.git"
p=$(ls "$T/a/mirrors/trunc.git/objects/pack/"*.pack)
truncate -s 100 "$p"
git config --file "$T/a/mirrors/format.git/config" core.repositoryformatversion 2

rm -rf "$T/b"
cp -a "$T/a" "$T/b"
rca=0 rcb=0
"$DSMIRROR" -c "$T/a/mirrors.json" -v -j1 --json fetch >"$T/out" 2>"$T/err" || rca=$?
DSMIRROR_TEST_NO_FASTPATH=1 "$DSMIRROR" -c "$T/b/mirrors.json" -j1 --json fetch \
	>"$T/out.b" 2>"$T/err.b" || rcb=$?
assert_eq 3 "$rca" "exit status with the fast path"
assert_eq "$rcb" "$rca" "exit status with the fast path and without"
assert_eq "$(fetches "$T/out.b" "$T/b/mirrors")" "$(fetches "$T/out" "$T/a/mirrors")" "fetch reports"
assert_eq "$(mirrors "$T/b")" "$(mirrors "$T/a")" "mirrors after the run"

# Each case reached a worker, for its own reason; keep did not.
reason() {
	grep -qF -- "fast path: $1: to a worker: " "$T/err" && grep "fast path: $1: to a worker: " "$T/err" | grep -qF -- "$2" ||
		fail "$1 did not go to a worker for \"$2\": $(grep "fast path: $1:" "$T/err")"
}
reason moved "refs differ"
reason head "HEAD to move"
reason lock "refs/heads holds a name that is no ref's"
reason symref "refs/heads/alias is a symbolic ref"
reason gone "an answer other than 200"
reason redirect "a redirect"
reason junk "not a smart HTTP advertisement"
reason file "not an http(s) URL"
reason noidx "has no index"
reason packs "packs to consolidate (maintenance)"
reason url "the url changed"
reason trunc "a pack that does not match its index"
reason format "a repository format libgit2 is to judge"
assert_contains "$T/err" "fast path: keep: unchanged (protocol v2, capabilities, ls-refs)"
assert_contains "$T/err" "fast path: v0: unchanged (protocol v0, full advertisement)"
assert_contains "$T/err" "fast path: 2 of 15 repos unchanged"
assert_contains "$T/err" "workers: 1 started for 13 repos"

# And what the workers made of them.
assert_eq updated "$(fetch_field moved result)" "moved"
assert_eq updated "$(fetch_field head result)" "head"
assert_eq refs/heads/feature "$(fetch_field head head_ref)" "head: head_ref"
assert_eq unchanged "$(fetch_field lock result)" "lock"
[ ! -e "$T/a/mirrors/lock.git/refs/heads/main.lock" ] || fail "the lock file is still there"
assert_eq unchanged "$(fetch_field symref result)" "symref"
assert_eq error "$(fetch_field gone result)" "gone"
assert_eq unchanged "$(fetch_field redirect result)" "redirect"
assert_eq error "$(fetch_field junk result)" "junk"
assert_eq unchanged "$(fetch_field file result)" "file"
assert_eq repaired "$(fetch_field noidx result)" "noidx"
assert_eq unchanged "$(fetch_field packs result)" "packs"
assert_eq 18 "$(json_get "repo('packs')['fetch']['maintenance']['packs_before']")" "packs: before"
assert_eq unchanged "$(fetch_field url result)" "url"
assert_contains_str "$(fetch_field url note)" "the url changed"

# The next run, gone and junk mended: only what stays odd (file, redirect,
# symref) goes to a worker again; trunc was fetched whole again, or not.
mv "$T/gone.git" "$T/upstream/gone.git"
rm "$T/junk.mode"
git config --file "$T/a/mirrors/format.git/config" core.repositoryformatversion 0
rca=0
"$DSMIRROR" -c "$T/a/mirrors.json" -v -j1 --json fetch >"$T/out" 2>"$T/err" || rca=$?
reason file "not an http(s) URL"
reason redirect "a redirect"
reason symref "refs/heads/alias is a symbolic ref"
for c in keep moved head lock gone junk noidx packs url format v0; do
	assert_contains "$T/err" "fast path: $c: unchanged"
done
git_server_stop
fsck_all "$T/a/mirrors"
