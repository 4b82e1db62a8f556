#!/usr/bin/env bash
# Each bad mirrors.json: exit 2, a message naming the file and where (line:column
# or key path), and nothing touched (the root is not created).
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

bad=$T/bad.json
where='(:[0-9]+:[0-9]+|line [0-9]+)'
repo='"url": "http://127.0.0.1:9/r1.git", "licenses": [{"path": "LICENSE", "spdx": "MIT"}]'
top='"version": 1, "root": "mirrors", "api": "https://127.0.0.1:9"'

# bad_config WHAT WHERE JSON: WHERE is a key path the message may give instead of a line.
bad_config() {
	printf '%s\n' "$3" >"$bad"
	assert_exit 2 "$DSMIRROR" -c "$bad" fetch
	assert_contains "$T/err" bad.json
	grep -qE "$where" "$T/err" || grep -qF -- "$2" "$T/err" ||
		fail "$1: the message gives neither line:column nor '$2': $(cat "$T/err")"
	[ ! -e "$T/mirrors" ] || fail "$1: the root was created"
}

printf '{\n  "version": 1,\n  "root": "mirrors"\n  "repos": []\n}\n' >"$bad"
assert_exit 2 "$DSMIRROR" -c "$bad" fetch
grep -qE '(bad.json:4:[0-9]+|line 4)' "$T/err" || fail "syntax error on line 4, message: $(cat "$T/err")"

bad_config "unknown top-level key" extra "{$top, \"extra\": 1, \"repos\": [{\"name\": \"r1\", $repo}]}"
bad_config "unknown repo key" "repos[0].urll" "{$top, \"repos\": [{\"name\": \"r1\", \"urll\": \"x\", $repo}]}"
bad_config "unknown license key" "repos[0].licenses[0].spdxx" \
	"{$top, \"repos\": [{\"name\": \"r1\", \"url\": \"http://127.0.0.1:9/r1.git\", \"licenses\": [{\"path\": \"LICENSE\", \"spdxx\": \"MIT\"}]}]}"
bad_config "version as a string" version "{\"version\": \"1\", \"root\": \"mirrors\", \"api\": \"https://127.0.0.1:9\", \"repos\": [{\"name\": \"r1\", $repo}]}"
bad_config "version 2" version "{\"version\": 2, \"root\": \"mirrors\", \"api\": \"https://127.0.0.1:9\", \"repos\": [{\"name\": \"r1\", $repo}]}"
bad_config "missing url" "repos[0].url" "{$top, \"repos\": [{\"name\": \"r1\", \"licenses\": []}]}"
bad_config "duplicate names" "repos[1].name" "{$top, \"repos\": [{\"name\": \"r1\", $repo}, {\"name\": \"r1\", $repo}]}"
for name in ../x a/b .hidden .. ""; do
	bad_config "name '$name'" "repos[0].name" "{$top, \"repos\": [{\"name\": \"$name\", $repo}]}"
done
bad_config "ftp url" "repos[0].url" "{$top, \"repos\": [{\"name\": \"r1\", \"url\": \"ftp://127.0.0.1/r1.git\", \"licenses\": []}]}"
bad_config "repos an object" repos "{$top, \"repos\": {}}"

assert_exit 2 "$DSMIRROR" -c "$T/missing.json" fetch
assert_contains "$T/err" missing.json
[ ! -e "$T/mirrors" ] || fail "the root was created"
