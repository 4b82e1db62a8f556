#!/usr/bin/env bash
# serial: it times dsmirror; run alone, not beside another scenario
# SIGTERM, SIGINT and SIGHUP in the middle of a sync stop it cleanly: the run exits
# 128+N soon after, says so, leaves no temporary clone, no partial pack and no
# worker behind, releases the lock, and every mirror is as it was (fsck
# clean); the next run completes the work. The same while the releases step
# waits on an API server that never answers.
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

make_upstream upd
make_upstream new
add_big_commit new 8
GIT_SERVER_KBPS=1000 git_server_start   # 8 MB take 8 s: time to interrupt
api_server_start
api_fixture owner/upd --releases 1 --base "$API_BASE"
api_fixture owner/new --releases 1 --base "$API_BASE"
releases_config "$CONFIG" upd=owner/upd new=owner/new
export GITHUB_TOKEN=ghp_signal_token
run_args=("$DSMIRROR" -c "$CONFIG" --cacert "$CA_PEM" -j 2)

# upd is mirrored and then grows by 8 MB: an update to interrupt, next to a
# first clone of new.
assert_exit 0 dsm fetch upd
add_big_commit upd 8
old_refs=$(refs "$ROOT/upd.git")
cp "$ROOT/.dsmirror/upd.json" "$T/upd-state.before"

# workers_of PID: the worker processes of the run PID (none once it is gone).
workers_of() { pgrep -P "$1" || true; }

receiving() {
	[ -n "$(find "$ROOT" -maxdepth 1 -name '.tmp-new.*')" ] &&
		[ -n "$(find "$ROOT/upd.git/objects/pack" -name 'pack_git2_*' -size +100k)" ]
}

for sig in TERM INT HUP; do
	spawn "${run_args[@]}" sync
	run=$SPAWNED
	sleep 0.2   # bash starts it with INT ignored until the exec, as in any background job
	wait_until 30 receiving || fail "SIG$sig: no clone and update in flight after 30 s: $(ls -a "$ROOT")"
	workers=$(workers_of "$run")
	[ -n "$workers" ] || fail "SIG$sig: no worker processes seen"
	kill -s "$sig" "$run"
	wait_until 10 gone "$run" || fail "SIG$sig: the run did not stop within 10 s"
	rc=0
	wait "$run" || rc=$?
	assert_eq $((128 + $(kill -l "$sig"))) "$rc" "exit status after SIG$sig"
	for w in $workers; do gone "$w" || [ ! -e "/proc/$w" ] || fail "SIG$sig: worker $w outlived the run"; done
	assert_no_tmp "$ROOT"
	partial=$(find "$ROOT/upd.git/objects/pack" -name 'pack_git2_*')
	[ -z "$partial" ] || fail "SIG$sig: the interrupted update left a partial pack: $partial"
	assert_eq "$old_refs" "$(refs "$ROOT/upd.git")" "refs of the interrupted update"
	[ ! -e "$ROOT/new.git" ] || fail "SIG$sig: an interrupted clone is in place"
	fsck_all "$ROOT"
	"$PYTHON" -m json.tool "$ROOT/.dsmirror/upd.json" >/dev/null ||
		fail "SIG$sig: the state file is not JSON after the interruption"
	echo "SIG$sig: stopped with $rc, clean"
done

# The message of an interrupted run, and its report, in a run we watch.
spawn "${run_args[@]}" sync --json --metrics "$T/metrics.prom" >"$T/out" 2>"$T/err"
run=$SPAWNED
sleep 0.2
wait_until 30 receiving || fail "no clone and update in flight after 30 s"
kill -TERM "$run"
wait "$run" || true
assert_contains "$T/err" "interrupted by signal 15; every mirror is as it was or complete"
assert_eq 143 "$(json_get "j['exit']")" "the exit in the JSON report"
assert_eq interrupted "$(json_get "repo('new')['fetch']['error']")" "the fetch error of new"
assert_contains "$T/metrics.prom" "dsmirror_run_exit_status 143"
assert_no_tmp "$ROOT"

# The lock was released: the next run completes both.
assert_exit 0 "${run_args[@]}" --timeout 60 sync
assert_refs_equal "$T/upstream/upd.git" "$ROOT/upd.git"
assert_refs_equal "$T/upstream/new.git" "$ROOT/new.git"
fsck_all "$ROOT"

# Interrupted while the releases step waits on an API that never answers:
# it stops at once, not after --timeout, and records nothing of that step.
cp "$ROOT/.dsmirror/new.json" "$T/new-state.before"
api_faults '{"faults": [{"mode": "hang"}]}'
: >"$API_LOG"
spawn "${run_args[@]}" --timeout 60 --api-wait 0 releases
run=$SPAWNED
sleep 0.2
wait_until 20 test -s "$API_LOG" || fail "no request reached the API server"
start=$(now_ms)
kill -INT "$run"
wait_until 10 gone "$run" || fail "the run did not stop within 10 s of SIGINT"
rc=0
wait "$run" || rc=$?
assert_eq 130 "$rc" "exit status after SIGINT in the releases step"
echo "releases step stopped $(($(now_ms) - start)) ms after SIGINT"
cmp -s "$T/new-state.before" "$ROOT/.dsmirror/new.json" ||
	fail "the interrupted releases step changed the state of new"
api_faults_clear
assert_exit 0 "${run_args[@]}" releases
