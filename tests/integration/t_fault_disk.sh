#!/usr/bin/env bash
# The disk fills up: during a first clone, during an update, and when the
# state is written. Each failure is an error that names the repo and the cause
# (exit 3); the other repos are mirrored; nothing is half-written (no temp
# clone, no partial pack, the old state file kept) and nothing mirrored is lost;
# once there is room again, the next run completes. Then the mirror root made
# read-only: fetch says why it cannot work, verify and status still work.
#
# As root with mount rights, the root is a small tmpfs in a mount namespace of
# the scenario's own (gone when it ends): a real ENOSPC. Otherwise a file size
# limit (ulimit -f) makes the writes of packs fail instead (EFBIG).
if [ "$(id -u)" = 0 ] && [ -z "${DSM_MOUNT_NS:-}" ] &&
	unshare -m --propagation private true 2>/dev/null; then
	DSM_MOUNT_NS=1 exec unshare -m --propagation private bash "$0" "$@"
fi
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

make_upstream small
make_upstream big
add_big_commit big 8
git_server_start
write_config "$CONFIG" small="$GIT_BASE/small.git" big="$GIT_BASE/big.git"
mkdir -p "$ROOT"
if [ -n "${DSM_MOUNT_NS:-}" ] && mount -t tmpfs -o size=4m,mode=0755 dsmirror-test "$ROOT"; then
	full=ENOSPC cause="No space left on device"
	trap 'umount -l "$ROOT"; cleanup' EXIT
	run() { dsm "$@"; }
else
	full=EFBIG cause="File too large"
	run() { (ulimit -f 4096 && exec "$DSMIRROR" -c "$CONFIG" "$@"); }
fi
echo "disk full as $full"

# A first clone that does not fit: big fails, small is mirrored.
assert_exit 3 run fetch
assert_contains "$T/err" "big: fetch failed: $GIT_BASE/big.git: "
assert_contains "$T/err" "$cause"
assert_contains "$T/out" "small  cloned"
[ ! -e "$ROOT/big.git" ] || fail "a partial clone of big is in place"
assert_no_tmp "$ROOT"
assert_refs_equal "$T/upstream/small.git" "$ROOT/small.git"
fsck_all "$ROOT"

# An update that does not fit: the mirror stays as it was, no partial pack.
add_big_commit small 8
digest=$(tree_digest "$ROOT/small.git")
assert_exit 3 run fetch small
assert_contains "$T/err" "small: fetch failed: $GIT_BASE/small.git: "
assert_contains "$T/err" "$cause"
assert_eq "$digest" "$(tree_digest "$ROOT/small.git")" "the mirror after an update that did not fit"
fsck_all "$ROOT"

if [ "$full" = ENOSPC ]; then
	# Not a byte left: the state cannot be written. The old one is kept, no
	# temporary state file is left, and the message names the file.
	cp "$ROOT/.dsmirror/small.json" "$T/state.before"
	git -C "$T/upstream/small.git" update-ref refs/heads/main main~1   # nothing to fetch but a rewind
	dd if=/dev/zero of="$ROOT/fill" bs=64k 2>/dev/null || true
	dd if=/dev/zero of="$ROOT/fill2" bs=1 2>/dev/null || true
	assert_exit 3 run sync small
	assert_contains "$T/err" "cannot write $ROOT/.dsmirror/small.json"
	assert_contains "$T/err" "No space left on device"
	cmp -s "$T/state.before" "$ROOT/.dsmirror/small.json" || fail "the state file changed on a full disk"
	[ -z "$(find "$ROOT/.dsmirror" -name '*.tmp*')" ] || fail "temporary state files left: $(ls -a "$ROOT/.dsmirror")"
	assert_no_tmp "$ROOT"
	fsck_all "$ROOT"
	git -C "$T/upstream/small.git" update-ref refs/heads/main "$(git -C "$ROOT/small.git" rev-parse main)"
	rm -f "$ROOT/fill" "$ROOT/fill2"
	mount -o remount,size=64m "$ROOT"
	run() { dsm "$@"; }
else
	run() { dsm "$@"; }
fi

# Room again: everything completes.
assert_exit 0 run fetch
assert_refs_equal "$T/upstream/small.git" "$ROOT/small.git"
assert_refs_equal "$T/upstream/big.git" "$ROOT/big.git"
fsck_all "$ROOT"

# The mirror root read-only: fetch refuses at once and says why (exit 3),
# touching nothing; verify and status, which only read, still work.
digest=$(tree_digest "$ROOT")
if [ -n "${DSM_MOUNT_NS:-}" ] && mount -o remount,ro "$ROOT"; then
	readonly_cause="Read-only file system"
elif [ "$(id -u)" != 0 ]; then
	chmod -R a-w "$ROOT"
	trap 'chmod -R u+w "$ROOT"; cleanup' EXIT
	readonly_cause="Permission denied"
else
	echo "note: root without mount rights: the read-only root is not tried"
	exit 0
fi
for cmd in fetch sync releases; do
	assert_exit 3 dsm "$cmd"
	assert_contains "$T/err" "cannot open $ROOT/.dsmirror.lock: $readonly_cause"
done
assert_exit 0 dsm verify
assert_contains "$T/out" "small  LICENSE  ok"
assert_exit 0 dsm status
assert_eq "$digest" "$(tree_digest "$ROOT")" "the read-only root"
