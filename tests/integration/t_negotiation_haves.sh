#!/usr/bin/env bash
# A one-commit update downloads that commit (3 objects: commit, tree, blob),
# however many tags and preserved refs the mirror holds. libgit2 1.5 offers the
# oldest ref tips first and settles on the first 20 the server acknowledges;
# with 20 tags and preserved tips that base was old and the server resent
# every commit since it (issue 13). dsmirror now offers the tips that matter.
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

git_server_start
make_upstream R
write_config "$CONFIG" "R=$GIT_BASE/R.git"
up=$T/upstream/R.git

stamp=1700000000
step() {   # step PARENT LABEL: main moves to a new commit an hour later
	stamp=$((stamp + 3600))
	GIT_COMMITTER_DATE="$stamp +0000" GIT_AUTHOR_DATE="$stamp +0000" \
		git -C "$up" update-ref refs/heads/main "$(upstream_commit R "$1" "$2")"
}

dsm -q fetch || fail "first fetch failed"
# 45 hourly cycles: a commit on main each (every third one a force-push, whose
# old tip dsmirror preserves) and a tag on each. Every update must download
# only its new commit.
# Under valgrind (DSMIRROR_SLOW > 1), 32 cycles: still past the 29th, where
# the old code first received more.
cycles=45
[ "$SLOW" -le 1 ] || cycles=32
for i in $(seq 1 "$cycles"); do
	if [ $((i % 3)) = 0 ]; then step main~1 "rewritten $i"; else step main "cycle $i"; fi
	git -C "$up" tag "t$i" main
	dsm fetch --json >"$T/out" || fail "cycle $i: fetch failed"
	got=$(fetch_field R received_objects)
	[ "$got" -le 3 ] || fail "cycle $i: a one-commit update received $got objects, not 3"
done
[ "$(git -C "$ROOT/R.git" for-each-ref refs/dsmirror/preserved | wc -l)" -ge $((cycles / 3)) ] ||
	fail "expected $((cycles / 3)) preserved tips"
assert_refs_equal "$up" "$ROOT/R.git"
fsck_all "$ROOT"
