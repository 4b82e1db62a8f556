#!/usr/bin/env bash
# File modes and the token. Under umask 022: nothing dsmirror writes is group
# or world writable; mirrors and the lock are readable by all, as the umask
# says; state files are 0644. Under umask 077: the root, the state folder and
# every mirror are private to the owner (700/600/400); the state files are
# still 0644, inside the 0700 state folder, so nobody else reaches them (as
# root: user nobody can read nothing). --junit and --metrics files are 0644
# whatever the umask. The token (GITHUB_TOKEN) is in no file under the
# scenario's folder (only in the fake API's own request log), in no output
# (-v, --json, the table, status), and in no dsmirror process's command line.
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

TOKEN=ghp_security_perms_$RANDOM$RANDOM$RANDOM
export GITHUB_TOKEN=$TOKEN
sync_fixture

# mode_of PATH: the octal mode of PATH.
mode_of() { stat -c %a "$1"; }

sync_with_umask() {
	rm -rf "$ROOT" "$T/junit.xml" "$T/metrics.prom"
	(
		umask "$1"
		"$DSMIRROR" -c "$CONFIG" --cacert "$CA_PEM" -v --json --junit "$T/junit.xml" \
			--metrics "$T/metrics.prom" sync >"$T/sync-$1.out" 2>"$T/sync-$1.err"
	) || fail "sync under umask $1 failed: $(cat "$T/sync-$1.out" "$T/sync-$1.err")"
	# an update too, which writes refs into existing mirrors
	work_commit r2
	work r2 push -q origin main
	(umask "$1"; "$DSMIRROR" -c "$CONFIG" --cacert "$CA_PEM" -q sync >"$T/update-$1.out" 2>"$T/update-$1.err") ||
		fail "update under umask $1 failed: $(cat "$T/update-$1.out" "$T/update-$1.err")"
}

# ---- umask 022
sync_with_umask 022
writable=$(find "$ROOT" "$T/junit.xml" "$T/metrics.prom" ! -type l -perm /022)
[ -z "$writable" ] || fail "group or world writable under umask 022: $writable"
assert_eq 755 "$(mode_of "$ROOT")" "root under umask 022"
assert_eq 755 "$(mode_of "$ROOT/.dsmirror")" "state folder under umask 022"
assert_eq 644 "$(mode_of "$ROOT/.dsmirror/r1.json")" "state file under umask 022"
assert_eq 600 "$(mode_of "$ROOT/.dsmirror.lock")" "lock file under umask 022 (whoever can open it can lock it)"
assert_eq 755 "$(mode_of "$ROOT/r1.git")" "mirror under umask 022"
assert_eq 644 "$(mode_of "$ROOT/r1.git/config")" "mirror config under umask 022"
assert_eq 644 "$(mode_of "$T/junit.xml")" "JUnit report under umask 022"
assert_eq 644 "$(mode_of "$T/metrics.prom")" "metrics under umask 022"
readable=$(find "$ROOT" -type f ! -perm -044 ! -name .dsmirror.lock)
[ -z "$readable" ] || fail "not readable by group and others under umask 022: $readable"

# ---- umask 077
sync_with_umask 077
assert_eq 700 "$(mode_of "$ROOT")" "root under umask 077"
assert_eq 700 "$(mode_of "$ROOT/.dsmirror")" "state folder under umask 077"
assert_eq 600 "$(mode_of "$ROOT/.dsmirror.lock")" "lock file under umask 077"
assert_eq 700 "$(mode_of "$ROOT/r1.git")" "mirror under umask 077"
# The one exception: state files are 0644 whatever the umask (src/state.c),
# reachable only through the 0700 state folder.
open_to_others=$(find "$ROOT" ! -type l -perm /077 ! -path "$ROOT/.dsmirror/*.json")
[ -z "$open_to_others" ] || fail "open to group or others under umask 077: $open_to_others"
for f in "$ROOT"/.dsmirror/*.json; do assert_eq 644 "$(mode_of "$f")" "$f under umask 077"; done
assert_eq 644 "$(mode_of "$T/junit.xml")" "JUnit report under umask 077"
assert_eq 644 "$(mode_of "$T/metrics.prom")" "metrics under umask 077"
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	chmod 711 "$T"   # let nobody walk to the root, as if it were /srv/dsmirror
	# ... and to $T: the runner's temp folders are private.
	d=$T
	while d=$(dirname "$d") && [ "$d" != / ]; do
		[ "$(( 0$(mode_of "$d") & 1 ))" = 1 ] || chmod o+x "$d"
	done
	nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
	echo visible >"$T/visible"
	nobody cat "$T/visible" >/dev/null || fail "user nobody cannot reach $T: the checks below would prove nothing"
	! nobody ls "$ROOT" >/dev/null 2>&1 || fail "user nobody can list the root under umask 077"
	! nobody cat "$ROOT/.dsmirror/r1.json" >/dev/null 2>&1 || fail "user nobody can read a state file"
	! nobody cat "$ROOT/r1.git/config" >/dev/null 2>&1 || fail "user nobody can read a mirror"
	chmod 700 "$T"
	# Under 022, where others can read the mirrors, they still cannot take
	# the lock (and so block every run); a lock file made 0644 by an older
	# version is made private again by the next run.
	chmod 755 "$T" "$ROOT" "$ROOT/.dsmirror"
	chmod 644 "$ROOT/.dsmirror.lock"
	(umask 022; "$DSMIRROR" -c "$CONFIG" -q fetch) || fail "fetch with a 0644 lock file failed"
	assert_eq 600 "$(mode_of "$ROOT/.dsmirror.lock")" "a 0644 lock file after a run"
	! nobody flock -n -s "$ROOT/.dsmirror.lock" true 2>/dev/null ||
		fail "user nobody can lock the root"
	nobody cat "$ROOT/.dsmirror/r1.json" >/dev/null || fail "user nobody cannot reach the root: the lock check proves nothing"
	chmod 700 "$T" "$ROOT" "$ROOT/.dsmirror"
fi

# ---- the token
# Every output of the runs above, status, and every file under $T.
assert_exit 0 dsm status
assert_contains "$T/out" "r1    fetched"
cp "$T/out" "$T/status.out"
assert_exit 0 dsm status --json
[ -s "$T/sync-022.err" ] || fail "sync -v printed no request to check"
leaks=$(grep -rlF --exclude=log.jsonl -- "$TOKEN" "$T" || true)
[ -z "$leaks" ] || fail "the token is written in: $leaks"
# ... while the API did receive it (so it was in use).
[ "$(api_log_count "r['headers'].get('authorization') == 'Bearer $TOKEN'")" -gt 0 ] ||
	fail "the API never received the token"

# Command lines, while a run is in the middle of a fetch (a server that never
# answers keeps its worker waiting).
stall_server_start
write_config "$T/stall.json" stalled="$STALL_URL/stalled.git"
spawn "$DSMIRROR" -c "$T/stall.json" --timeout 5 fetch
run=$SPAWNED
children() { pgrep -P "$run" || true; }
has_children() { [ -n "$(children)" ]; }
wait_until 10 has_children || fail "no worker started"
wait_until 10 grep -q accepted "$STALL_LOG" || fail "the worker never connected"
checked=0
for pid in "$run" $(children); do
	tr '\0' ' ' </proc/"$pid"/cmdline >"$T/cmdline.$pid" 2>/dev/null || continue
	grep -q dsmirror "$T/cmdline.$pid" || fail "pid $pid is not dsmirror: $(cat "$T/cmdline.$pid")"
	assert_not_contains "$T/cmdline.$pid" "$TOKEN"
	checked=$((checked + 1))
done
[ "$checked" -ge 2 ] || fail "read the command line of $checked processes, not the run and its worker"
stop "$run"
fsck_all "$ROOT"
