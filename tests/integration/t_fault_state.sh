#!/usr/bin/env bash
# A state file truncated, corrupted or replaced by hand never crashes dsmirror
# and never costs a mirror: status reports it (and touches nothing), the next
# sync sets the unreadable file aside as <name>.json.corrupt, says so, and
# writes a fresh one; a file of the right syntax but the wrong shape is never
# shown as data, and rewritten. A symlink is never followed.
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

make_upstream r1
make_upstream r2
git_server_start
write_config "$CONFIG" r1="$GIT_BASE/r1.git" r2="$GIT_BASE/r2.git"
assert_exit 0 dsm sync
state=$ROOT/.dsmirror/r1.json
cp "$ROOT/.dsmirror/r2.json" "$T/r2.json"
echo "outside the root" >"$T/outside.txt"
recorded_head() { "$PYTHON" -c 'import json, sys; print(json.load(open(sys.argv[1]))["fetch"]["head"])' "$1"; }

# corrupt KIND: replace r1's state file by a broken one of that kind.
corrupt() {
	rm -rf "$state" "$state.corrupt"
	case $1 in
	empty) : >"$state" ;;
	truncated) head -c 100 "$T/r2.json" >"$state" ;;
	binary) head -c 3000 /dev/urandom >"$state" ;;
	nul) printf '{"version": 1, "fetch": {"head": "ab\0cd"}}' >"$state" ;;
	array) echo '[]' >"$state" ;;
	version) echo '{"version": 99}' >"$state" ;;
	directory) mkdir "$state" && touch "$state/x" ;;
	symlink) ln -s "$T/outside.txt" "$state" ;;
	fifo) mkfifo "$state" ;;
	shape) echo '{"version": 1, "fetch": "yesterday", "verify": [1, 2]}' >"$state" ;;
	escapes) printf '%s\n' '{"version": 1, "fetch": {"head": "\u001b[2J\u001b[31m", "result": "x"},' \
	               '"verify": {"checked_at": "x", "licenses": [{"path": "LICENSE", "verdict": "\u001b]0;pwned\u0007"}]}}' >"$state" ;;
	types) echo '{"version": 1, "fetch": {"last_success": 12, "error": 5, "head": []},
	              "verify": {"checked_at": "x", "licenses": [{"path": 1}]},
	              "releases": {"latest": {"x": 1}, "checked_at": []}}' >"$state" ;;
	esac
}

for kind in empty truncated binary nul array version directory symlink fifo shape types escapes; do
	corrupt "$kind"
	before=$(tree_digest "$ROOT")

	# status reads, reports, and writes nothing.
	rc=0
	dsm status >"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" = 0 ] || [ "$kind" = escapes ] || fail "$kind: status exited $rc"
	assert_contains "$T/out" "note: the state file"
	assert_contains "$T/out" "unreadable"
	! grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$T/out" "$T/err" || fail "$kind: status printed control characters: $(cat -v "$T/out")"
	dsm status --json >"$T/out" 2>"$T/err" || true
	"$PYTHON" - "$T/out" <<-'EOF' || fail "$kind: status --json shows what is not of its type"
		import json, sys
		r1 = next(r for r in json.load(open(sys.argv[1]))["repos"] if r["name"] == "r1")
		f, v, rel = r1["fetch"], r1["verify"], r1["release"]
		assert f is None or all(isinstance(f.get(k), (str, type(None))) for k in
		                        ("last_attempt", "last_success", "head", "head_ref", "error")), f
		assert v is None or all(isinstance(l["verdict"], str) for l in v["licenses"]), v
		assert rel is None or all(isinstance(rel.get(k), (str, type(None))) for k in
		                          ("checked_at", "latest_tag")), rel
		assert "unreadable" in r1["note"], r1
	EOF
	assert_eq "$before" "$(tree_digest "$ROOT")" "$kind: the root after status"

	# sync starts r1's state afresh and says so; r2 and the mirrors are kept.
	assert_exit 0 dsm sync
	case $kind in
	shape | types | escapes) [ ! -e "$state.corrupt" ] || fail "$kind: a readable file was set aside" ;;
	*)
		assert_contains "$T/err" "warning: the state file $state was unreadable"
		[ -e "$state.corrupt" ] || [ -L "$state.corrupt" ] ||
			fail "$kind: the unreadable state was not kept aside: $(ls -a "$ROOT/.dsmirror")"
		;;
	esac
	[ -f "$state" ] && [ ! -L "$state" ] || fail "$kind: no fresh state file"
	"$PYTHON" - "$state" <<-'EOF' || fail "$kind: the rewritten state is not well-formed: $(cat "$state")"
		import json, sys
		s = json.load(open(sys.argv[1]))
		assert s["version"] == 1
		assert s["fetch"]["result"] == "unchanged" and isinstance(s["fetch"]["head"], str), s
		assert [l["verdict"] for l in s["verify"]["licenses"]] == ["ok"], s
	EOF
	assert_eq "outside the root" "$(cat "$T/outside.txt")" "$kind: the symlink's target"
	assert_refs_equal "$T/upstream/r1.git" "$ROOT/r1.git"
	assert_eq "$(recorded_head "$T/r2.json")" "$(recorded_head "$ROOT/.dsmirror/r2.json")" \
		"$kind: r2's recorded head"
	echo "$kind: reported by status, set aside and rebuilt by sync"
done

# The state folder itself replaced by a symlink: never written through.
mkdir "$T/elsewhere"
mv "$ROOT/.dsmirror" "$T/state-folder"
ln -s "$T/elsewhere" "$ROOT/.dsmirror"
for cmd in fetch sync; do
	assert_exit 3 dsm "$cmd"
	assert_contains "$T/err" "$ROOT/.dsmirror is not a folder (a symlink, or a file): move it away"
done
[ -z "$(ls -A "$T/elsewhere")" ] || fail "dsmirror wrote through the symlinked state folder: $(ls -A "$T/elsewhere")"
rm "$ROOT/.dsmirror"
mv "$T/state-folder" "$ROOT/.dsmirror"
assert_exit 0 dsm sync
fsck_all "$ROOT"
