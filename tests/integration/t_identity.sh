#!/usr/bin/env bash
# A mirror keeps its identity (issue 14). Its upstream url is recorded in its
# state; when mirrors.json's url changes to an upstream that shares no commit
# with the mirror (DeepSeek-V3's url pasted from Janus), the repo is refused,
# exit 3, both urls named, every ref untouched, run after run, until a person
# says --accept-url NAME. A repo that moved and serves the same history (its
# tips known, or new tips on top of known history) is followed, with a note.
# Two configs sharing a root, one name, different urls, no longer flip the
# mirror back and forth. Mirrors and state files that no repo of the config
# names are listed by fetch, sync and status (-q included), never deleted.
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

make_upstream v3
# Another date: not even the first commit (LICENSE alone) is the same.
GIT_AUTHOR_DATE="2001-01-01T00:00:00Z" GIT_COMMITTER_DATE="2001-01-01T00:00:00Z" \
	make_upstream janus
git_server_start
m=$ROOT/DeepSeek-V3.git
all_refs() { git -C "$m" for-each-ref --format='%(objectname) %(refname)'; }
recorded_url() { "$PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["fetch"].get("url"))' "$ROOT/.dsmirror/DeepSeek-V3.json"; }

write_config "$CONFIG" DeepSeek-V3="$GIT_BASE/v3.git"
assert_exit 0 dsm -q fetch
assert_eq "$GIT_BASE/v3.git" "$(recorded_url)" "the url in the state"
before=$(all_refs)

# The copy-paste slip: refused, both urls named, nothing moved; again next run.
write_config "$CONFIG" DeepSeek-V3="$GIT_BASE/janus.git"
for run in 1 2; do
	assert_exit 3 dsm -q fetch
	assert_contains "$T/err" "DeepSeek-V3: fetch failed: the url changed from $GIT_BASE/v3.git to $GIT_BASE/janus.git"
	assert_contains "$T/err" "shares no commit with the mirror: refused, every ref kept"
	assert_contains "$T/err" "--accept-url DeepSeek-V3"
	[ "$(all_refs)" = "$before" ] || fail "run $run: the refused url moved refs"
	assert_eq "$GIT_BASE/v3.git" "$(recorded_url)" "the url in the state after refusal $run"
done
assert_exit 3 dsm sync
assert_contains "$T/err" "shares no commit with the mirror"
[ "$(all_refs)" = "$before" ] || fail "sync with the refused url moved refs"
assert_fsck "$m"

# Two configs on one root, one name, two urls: the second is refused, the
# first goes on unchanged - no flip-flop.
cp "$CONFIG" "$T/b.json"
write_config "$CONFIG" DeepSeek-V3="$GIT_BASE/v3.git"
assert_exit 0 dsm --json fetch
assert_eq unchanged "$(fetch_field DeepSeek-V3 result)" "the first config after the second's refusal"
assert_exit 3 "$DSMIRROR" -c "$T/b.json" -q fetch
[ "$(all_refs)" = "$before" ] || fail "the second config moved refs"

# A repo that moved, same history: its tips known (a plain copy with one more
# commit), then only new tips on top of known history (every ref rewritten
# forward, the tags gone).
cp -a "$T/upstream/v3.git" "$T/upstream/v3-moved.git"
mv_up=$T/upstream/v3-moved.git
git -C "$mv_up" update-ref refs/heads/main "$(upstream_commit v3-moved main "moved")"
write_config "$CONFIG" DeepSeek-V3="$GIT_BASE/v3-moved.git"
assert_exit 0 dsm --json fetch
assert_eq updated "$(fetch_field DeepSeek-V3 result)" "the moved repo"
assert_contains "$T/err" "DeepSeek-V3: note: the url changed from $GIT_BASE/v3.git to $GIT_BASE/v3-moved.git; the new upstream has the mirror's history: following it"
assert_refs_equal "$mv_up" "$m"
assert_eq "$GIT_BASE/v3-moved.git" "$(recorded_url)" "the url after the move"
assert_exit 0 dsm -q fetch
assert_empty "$T/err"

cp -a "$mv_up" "$T/upstream/v3-again.git"
again=$T/upstream/v3-again.git
git -C "$again" update-ref refs/heads/main "$(upstream_commit v3-again main "again")"
git -C "$again" update-ref refs/heads/feature "$(upstream_commit v3-again feature "again")"
for t in $(git -C "$again" for-each-ref --format='%(refname)' refs/tags); do
	git -C "$again" update-ref -d "$t"
done
write_config "$CONFIG" DeepSeek-V3="$GIT_BASE/v3-again.git"
assert_exit 0 dsm -q fetch
assert_contains "$T/err" "the new upstream has the mirror's history: following it"
assert_refs_equal "$again" "$m"
assert_fsck "$m"

# The override: --accept-url wants names; with one, the other history is
# followed and the old refs preserved.
before=$(all_refs)
write_config "$CONFIG" DeepSeek-V3="$GIT_BASE/janus.git"
assert_exit 2 dsm --accept-url fetch
assert_contains "$T/err" "--accept-url"
assert_exit 2 dsm --accept-url verify DeepSeek-V3
[ "$(all_refs)" = "$before" ] || fail "a refused --accept-url moved refs"
old_main=$(git -C "$m" rev-parse refs/heads/main)
assert_exit 0 dsm --accept-url fetch DeepSeek-V3
assert_contains "$T/err" "accepted with --accept-url"
assert_refs_equal "$T/upstream/janus.git" "$m"
git -C "$m" for-each-ref --format='%(objectname)' refs/dsmirror/preserved | grep -qx "$old_main" ||
	fail "the old main was not preserved"
assert_eq "$GIT_BASE/janus.git" "$(recorded_url)" "the url after --accept-url"
assert_fsck "$m"

# Orphans: the config renamed the repo; the old mirror and its state are
# listed by fetch, sync and status, -q included, and stay.
write_config "$CONFIG" Janus="$GIT_BASE/janus.git"
for cmd in "-q fetch" "-q sync" "status" "-q --json sync"; do
	# shellcheck disable=SC2086
	dsm $cmd >"$T/out" 2>"$T/err" || true
	assert_contains "$T/err" "$ROOT/DeepSeek-V3.git: a mirror that no repo of $CONFIG names any more: kept"
	assert_contains "$T/err" "$ROOT/.dsmirror/DeepSeek-V3.json: a state file that no repo of $CONFIG names any more"
done
[ -d "$m" ] && [ -f "$ROOT/.dsmirror/DeepSeek-V3.json" ] || fail "an orphan was deleted"
assert_fsck "$m"
fsck_all "$ROOT"
