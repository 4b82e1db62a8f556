#!/usr/bin/env bash
# The command line: usage errors (unknown option or command, no command, a NAME
# not in the config, a bad -j, --timeout or --api-wait, an unreadable --cacert) exit 2 without touching anything;
# --version says "dsmirror <version>"; --help names each command.
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

write_config "$CONFIG" r1=http://127.0.0.1:9/r1.git

assert_exit 2 dsm --no-such-option fetch
assert_exit 2 dsm frobnicate
assert_exit 2 dsm
assert_exit 2 dsm fetch NOSUCHNAME
assert_contains "$T/err" NOSUCHNAME
assert_exit 2 dsm -j 0 fetch
assert_exit 2 dsm -j abc fetch
assert_exit 2 dsm --timeout abc fetch
assert_exit 2 dsm --api-wait -1 releases
assert_exit 2 dsm --api-wait 1x releases
assert_exit 2 dsm --cacert "$T/missing.pem" releases
assert_contains "$T/err" "missing.pem"
assert_exit 2 dsm releases NOSUCHNAME
[ ! -e "$ROOT" ] || fail "a usage error created the root"

for opt in --version -V; do
	assert_exit 0 "$DSMIRROR" "$opt"
	grep -qE '^dsmirror [0-9]+\.[0-9]+' "$T/out" || fail "$opt printed: $(cat "$T/out")"
done
assert_exit 0 "$DSMIRROR" --help
# Every command of SPEC.md.
for cmd in sync fetch releases verify status pin; do
	grep -qw -- "$cmd" "$T/out" || fail "--help does not mention $cmd: $(cat "$T/out")"
done
