#!/usr/bin/env bash
# Names never become paths. (1) mirrors.json: names and fields that would be
# paths, options or control characters are refused (exit 2, FILE:LINE:COLUMN
# and the key path), and nothing at all is created (t_bad_config has ../x, a/b,
# .hidden, .. and the empty name). A name that starts with '-' is an ordinary
# name: it only ever is one component of <root>/<name>.git. (2) API data: tag,
# release, branch and asset names like ../../x, a/../../b, /tmp/x or 255 bytes
# long are recorded as text in <root>/.dsmirror/<name>.json and create no other
# file; asset names with '/', over-long or control-character names and a bad
# full_name make the whole answer refused (nothing recorded). (3) A malicious
# git server advertising ref names that climb out of refs/ (refs/heads/../..)
# or end in .lock: the update fails for that repo, the mirror's refs are as
# they were, and no file appears outside the mirror; refs/dsmirror/* that it
# advertises is never taken; a symlink in place of a mirror is refused.
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

MARK=dsm-sec-pwn-$$-$RANDOM   # in every hostile name: no file may carry it

# snapshot: every path under $T but the API server's files and $T/out, $T/err.
snapshot() {
	find "$T" -mindepth 1 \( -path "$T/api-*" -o -path "$T/out" -o -path "$T/err" \) -prune \
		-o -print | sort
}
# assert_no_mark: no file named with $MARK in $T, /tmp or any folder above $T.
assert_no_mark() {
	local d=$T found
	found=$(find "$T" /tmp -maxdepth 3 -name "*$MARK*" 2>/dev/null || true)
	while [ "$d" != / ]; do
		d=$(dirname "$d")
		found+=$(find "$d" -maxdepth 1 -name "*$MARK*" 2>/dev/null || true)
	done
	[ -z "$found" ] || fail "a hostile name became a path: $found"
}

# ---- (1) mirrors.json
bad=$T/bad.json
lic='"licenses": [{"path": "LICENSE", "spdx": "MIT"}]'
top='"version": 1, "root": "mirrors", "api": "https://127.0.0.1:9"'
# refused WHAT KEYPATH REPO-JSON [TOP-JSON]: exit 2, the file, line:column and
# KEYPATH in the message, and not one file created.
refused() {
	local before
	printf '{%s, "repos": [%s]}\n' "${4:-$top}" "$3" >"$bad"
	before=$(snapshot)
	assert_exit 2 "$DSMIRROR" -c "$bad" sync
	grep -qE "bad\.json:[0-9]+:[0-9]+: " "$T/err" || fail "$1: no FILE:LINE:COLUMN in: $(cat "$T/err")"
	assert_contains "$T/err" "$2"
	assert_eq "$before" "$(snapshot)" "$1: files after the refusal"
}
url='"url": "http://127.0.0.1:9/r1.git"'
for name in . .dsmirror .tmp-r1 '/abs' 'x/../y' '..\\x' 'a\nb' 'a\tb' 'a\u001bb' 'a b' \
	'\u00e9t\u00e9' "$(printf 'x%.0s' {1..101})"; do
	refused "name $name" "repos[0].name" "{\"name\": \"$name\", $url, $lic}"
done
# NUL in a string is refused by the JSON parser itself (line and column).
printf '{%s, "repos": [{"name": "a\\u0000b", %s, %s}]}\n' "$top" "$url" "$lic" >"$bad"
before=$(snapshot)
assert_exit 2 "$DSMIRROR" -c "$bad" sync
grep -qE "bad\.json:1:[0-9]+: invalid JSON" "$T/err" || fail "NUL in a name: $(cat "$T/err")"
assert_eq "$before" "$(snapshot)" "files after a name with NUL"
for gh in ../x o/.. o/../.. 'o/r?x=1' 'o/r#f' o/r/extra 'o/r x'; do
	refused "github $gh" "repos[0].github" "{\"name\": \"r1\", $url, \"github\": \"$gh\", $lic}"
done
for br in ../x -x a/../b x.lock 'a b' 'a\nb'; do
	refused "branch $br" "repos[0].branch" "{\"name\": \"r1\", $url, \"branch\": \"$br\", $lic}"
done
for rp in refs/heads/../x 'refs/*' 'refs/dsmirror/*'; do
	refused "refs $rp" "repos[0].refs[0]" "{\"name\": \"r1\", $url, \"refs\": [\"$rp\"], $lic}"
done
for lp in ../LICENSE /etc/passwd a/../../b 'a\nb'; do
	refused "license path $lp" "repos[0].licenses[0].path" \
		"{\"name\": \"r1\", $url, \"licenses\": [{\"path\": \"$lp\"}]}"
done
# URLs that git would hand to a program (ext::, fd::), options, plain http
# off loopback, no host.
for u in 'ext::sh -c touch% /tmp/x' 'ext::touch' 'fd::3' '-oProxyCommand=x' \
	'--upload-pack=touch' 'file://relative/x.git' 'http://example.com/x.git' 'https:///x.git'; do
	refused "url $u" "repos[0].url" "{\"name\": \"r1\", \"url\": \"$u\", $lic}"
done
for api in http://example.com file:///etc 'https://x y'; do
	refused "api $api" "api" "{\"name\": \"r1\", $url, $lic}" \
		"\"version\": 1, \"root\": \"mirrors\", \"api\": \"$api\""
done

# ---- (2) API data
api_server_start
api_fixture deepseek-ai/paths --releases 2
api_fixture_edit deepseek-ai/paths --exec "
r = releases[0]
r['tag_name'] = '../../../../$MARK-tag'
r['name'] = '../../../../$MARK-title'
r['target_commitish'] = '../../../../$MARK-target'
r['assets'][0]['name'] = '..$MARK-asset'
releases[1]['tag_name'] = '/tmp/$MARK-abs'
tags[0]['name'] = 'a/../../../../$MARK-tagname'
tags[1]['name'] = 'x' * 254 + 'y'
repo['default_branch'] = '../../../../$MARK-branch'
"
api_fixture deepseek-ai/bad-asset --releases 1
api_fixture_edit deepseek-ai/bad-asset --exec "releases[0]['assets'][0]['name'] = '../../$MARK-asset'"
api_fixture deepseek-ai/bad-long --releases 1
api_fixture_edit deepseek-ai/bad-long --exec "releases[0]['tag_name'] = 'y' * 256"
api_fixture deepseek-ai/bad-ctl --releases 1
api_fixture_edit deepseek-ai/bad-ctl --exec "releases[0]['tag_name'] = 'v1\n../$MARK'"
api_fixture deepseek-ai/bad-full --releases 1
api_fixture_edit deepseek-ai/bad-full --exec "repo['full_name'] = '../../$MARK'"
releases_config "$CONFIG" paths=deepseek-ai/paths bad-asset=deepseek-ai/bad-asset \
	bad-long=deepseek-ai/bad-long bad-ctl=deepseek-ai/bad-ctl bad-full=deepseek-ai/bad-full
before=$(snapshot)
assert_exit 3 dsm --cacert "$CA_PEM" --json releases
assert_eq changed "$(json_get "repo('paths')['release']['result']")" "paths: release.result"
for r in bad-asset bad-long bad-ctl bad-full; do
	assert_eq error "$(json_get "repo('$r')['release']['result']")" "$r: release.result"
done
assert_eq "" "$(comm -23 <(echo "$before") <(snapshot))" "files gone after releases"
# A refused answer records only the failure (release_check), none of its data.
assert_eq "$ROOT $ROOT/.dsmirror $ROOT/.dsmirror.lock $ROOT/.dsmirror/bad-asset.json $ROOT/.dsmirror/bad-ctl.json $ROOT/.dsmirror/bad-full.json $ROOT/.dsmirror/bad-long.json $ROOT/.dsmirror/paths.json" \
	"$(comm -13 <(echo "$before") <(snapshot) | tr '\n' ' ' | sed 's/ $//')" "files made by releases"
for r in bad-asset bad-long bad-ctl bad-full; do
	assert_eq '["release_check", "version"]' "$(state_get "$ROOT/.dsmirror/$r.json" "sorted(s)")" "$r: the state of a refused answer"
done
assert_no_mark
# The names are in the state, as text.
"$PYTHON" - "$ROOT/.dsmirror/paths.json" "$MARK" <<-'EOF' || fail "the hostile names are not recorded as text"
	import json, sys
	s, mark = json.load(open(sys.argv[1]))["releases"], sys.argv[2]
	assert s["releases"][0]["tag"] == "../../../../%s-tag" % mark, s["releases"][0]
	assert s["releases"][1]["tag"] == "/tmp/%s-abs" % mark
	assert s["releases"][0]["assets"][0]["name"] == "..%s-asset" % mark
	assert s["tags"][0]["name"] == "a/../../../../%s-tagname" % mark
	assert s["repo"]["default_branch"] == "../../../../%s-branch" % mark
EOF
# Again (conditional, 304s), and status reading it all back: nothing new.
before=$(snapshot)
assert_exit 3 dsm --cacert "$CA_PEM" releases
assert_exit 0 dsm status
assert_exit 0 dsm status --json
assert_eq "$before" "$(snapshot)" "files after a second run and status"
assert_no_mark

# ---- (3) ref names from a malicious git server
make_upstream r1
git_server_start
write_config "$CONFIG" r1="$GIT_BASE/r1.git" -x="$GIT_BASE/r1.git"
assert_exit 0 dsm fetch
[ -d "$ROOT/-x.git" ] || fail "the repo named -x is not at <root>/-x.git"
# A smart-HTTP server that advertises the refs in $T/advertised (one "OID NAME"
# a line), HEAD first, and serves nothing else.
spawn "$PYTHON" -c '
import http.server, os, sys
def pkt(s):
    b = s.encode()
    return b"%04x" % (len(b) + 4) + b
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        refs = [l.split(" ", 1) for l in open(sys.argv[1]).read().splitlines() if l]
        body = pkt("# service=git-upload-pack\n") + b"0000"
        body += pkt("%s HEAD\0side-band-64k ofs-delta symref=HEAD:refs/heads/main\n" % refs[0][0])
        body += b"".join(pkt("%s %s\n" % (oid, name)) for oid, name in refs) + b"0000"
        self.send_response(200)
        self.send_header("Content-Type", "application/x-git-upload-pack-advertisement")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
with open(sys.argv[2] + ".new", "w") as f:
    f.write("%d\n" % s.server_address[1])
os.rename(sys.argv[2] + ".new", sys.argv[2])
s.serve_forever()
' "$T/advertised" "$T/evil.port" </dev/null
wait_until 10 test -s "$T/evil.port" || fail "the fake git server did not start"
write_config "$CONFIG" r1="http://127.0.0.1:$(cat "$T/evil.port")/r1.git"
good=$(refs "$ROOT/r1.git" refs/heads refs/tags)
all=$(refs "$ROOT/r1.git" refs/)
oid=$(git -C "$ROOT/r1.git" rev-parse main)
for evil in "refs/heads/../../../../$MARK-1" "refs/tags/v1/../../../../../$MARK-2" \
	"refs/heads/../../../../../../../../../../../../../../tmp/$MARK-3" \
	"refs/heads/$MARK-4.lock" "refs/heads/.$MARK-5" "refs/tags/$MARK-6/../../../../../x"; do
	printf '%s\n%s %s\n' "$good" "$oid" "$evil" >"$T/advertised"
	before=$(snapshot)
	assert_exit 3 dsm fetch
	grep -qF "is not valid" "$T/out" "$T/err" || fail "$evil: no \"is not valid\" in: $(cat "$T/out" "$T/err")"
	assert_eq "$all" "$(refs "$ROOT/r1.git" refs/)" "the mirror's refs after $evil"
	assert_eq "$before" "$(snapshot)" "files after $evil"
	assert_no_mark
done
# dsmirror's own namespace is never taken from upstream.
printf '%s\n%s %s\n' "$good" "$oid" "refs/dsmirror/preserved/19700101T000000Z/refs/heads/$MARK" >"$T/advertised"
assert_exit 0 dsm --json fetch
assert_eq unchanged "$(fetch_field r1 result)" "fetch.result with refs/dsmirror/ advertised"
assert_eq "$all" "$(refs "$ROOT/r1.git" refs/)" "the mirror's refs with refs/dsmirror/ advertised"
# A symlink where a mirror should be is not followed (nor written through).
mv "$ROOT/r1.git" "$T/r1-real.git"
ln -s "$T/r1-real.git" "$ROOT/r1.git"
before=$(tree_digest "$T/r1-real.git")
assert_exit 3 dsm fetch
grep -qF "exists but is not a directory" "$T/out" "$T/err" || fail "a symlinked mirror: $(cat "$T/out" "$T/err")"
assert_eq "$before" "$(tree_digest "$T/r1-real.git")" "the symlink's target"
rm "$ROOT/r1.git"
mv "$T/r1-real.git" "$ROOT/r1.git"
fsck_all "$ROOT"
