#!/usr/bin/env bash
# An update bringing 2,000 new tags makes a handful of fsyncs, not two per ref
# (issue 13: 20,002 fsyncs for 10,000 tags): past 64 ref writes they all go
# into packed-refs at once. Counted with strace, where it can trace.
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

command -v strace >/dev/null || skip "strace is not installed"
strace -f -qq -o /dev/null true 2>/dev/null || skip "strace cannot trace here (no ptrace)"
native || skip "dsmirror runs under a wrapper"

git_server_start
make_upstream r
up=$T/upstream/r.git m=$ROOT/r.git
write_config "$CONFIG" r="$GIT_BASE/r.git"
dsm -q fetch || fail "first fetch failed"
git -C "$up" update-ref refs/heads/main "$(upstream_commit r main "tagged")"
seq -f "create refs/tags/n%04g refs/heads/main" 1 2000 | sed "s|refs/heads/main$|$(git -C "$up" rev-parse main)|" |
	git -C "$up" update-ref --stdin
# (LeakSanitizer cannot run under ptrace: the SANITIZE=1 build's leak check
# is left to the other scenarios.)
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
	strace -f -qq -c -e trace=fsync,fdatasync,syncfs,sync_file_range -o "$T/strace" \
	"$DSMIRROR" -c "$CONFIG" -q fetch || fail "the fetch of 2,000 tags failed"
n=$(awk '$NF ~ /^(fsync|fdatasync|syncfs|sync_file_range)$/ { s += $4 } END { print s + 0 }' "$T/strace")
echo "fsyncs for 2,000 new tags: $n"
[ "$n" -le 100 ] || fail "$n fsyncs for 2,000 new tags: $(cat "$T/strace")"
assert_refs_equal "$up" "$m"
[ "$(find "$m/refs" -type f | wc -l)" = 0 ] || fail "loose ref files were written"
fsck_all "$ROOT"
