#!/usr/bin/env bash
# serial: it times dsmirror (--timeout 3); run alone, not beside another scenario
# Workers live for the run: one process per -j slot, fed one repo after
# another, what a repo leaves in the process reset before the next:
#  - -j1 fetches five repos in one worker, -j2 in two (-v says how many);
#  - one worker clones a repo of one server, then one of another server: the
#    redirect check (every connection of a fetch goes to its first host) is
#    reset between the two, so the second is no "redirect to another host";
#  - a worker that dies in the middle of a repo, or is killed while it stalls
#    (--timeout), is reported for its repo and replaced for the next ones; an
#    upstream that stalls a mirror's listing costs the fast path --timeout,
#    then the worker --timeout, and the repo reports it;
#  - the CA bundle is parsed once per worker: --cacert naming the file libgit2
#    loads anyway is not loaded again, another is loaded once for three
#    repos, none for file:// URLs;
#    and a failed clone (which turns libgit2's fsync off for its temporary
#    folder) leaves fsync on for the next repo (with strace, where it can
#    trace).
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

# second_server_start: another git server over $T/upstream, on a port of its
# own. Sets SECOND_PID and SECOND_BASE.
second_server_start() {
	local port
	port=$(free_port)
	git_server_spawn second "$port"
	SECOND_PID=$SPAWNED
	SECOND_BASE=http://127.0.0.1:$port
	wait_until 10 grep -q 'server started' "$T/second-error.log" ||
		fail "the second lighttpd did not start"
}

# push_new NAME...: a new commit on each upstream's main.
push_new() {
	local r
	for r in "$@"; do
		work_commit "$r"
		work "$r" push -q origin main
	done
}

for r in a b c d e; do make_upstream "$r"; done
git_server_start
second_server_start

# Five first clones: one worker with -j1.
write_config "$CONFIG" a="$GIT_BASE/a.git" b="$SECOND_BASE/b.git" c="$GIT_BASE/c.git" \
	d="$SECOND_BASE/d.git" e="$GIT_BASE/e.git"
assert_exit 0 dsm -v -j1 --json fetch
assert_contains "$T/err" "workers: 1 started for 5 repos"
for r in a b c d e; do
	assert_eq cloned "$(fetch_field "$r" result)" "$r fetch.result"
	assert_refs_equal "$T/upstream/$r.git" "$ROOT/$r.git"
done
assert_not_contains "$T/out" "redirect"

# Five updates: two workers with -j2, each taking one repo after another.
push_new a b c d e
assert_exit 0 dsm -v -j2 --json fetch
assert_contains "$T/err" "workers: 2 started for 5 repos"
for r in a b c d e; do
	assert_eq updated "$(fetch_field "$r" result)" "$r fetch.result"
	assert_refs_equal "$T/upstream/$r.git" "$ROOT/$r.git"
done

# A worker that dies in the middle of a repo (here at a kill point each update
# passes) is reported for that repo, and a new one takes the next repo.
push_new a b c
write_config "$CONFIG" a="$GIT_BASE/a.git" b="$SECOND_BASE/b.git" c="$GIT_BASE/c.git"
assert_exit 3 env DSMIRROR_TEST_KILL=maint-refs-packed "$DSMIRROR" -c "$CONFIG" -v -j1 --json fetch
for r in a b c; do
	assert_eq error "$(fetch_field "$r" result)" "$r fetch.result, its worker killed"
	assert_eq "worker killed by signal 9" "$(fetch_field "$r" error)" "$r fetch.error"
done
assert_contains "$T/err" "workers: 3 started for 3 repos"
assert_exit 0 dsm -v -j1 --json fetch
for r in a b c; do assert_refs_equal "$T/upstream/$r.git" "$ROOT/$r.git"; done

# A worker gone before it said a word of its repo (it died idle, as the repo
# was handed to it): the repo goes to another worker, once. Here every worker
# dies so: each repo is tried twice, then reported.
push_new a b c
assert_exit 3 env DSMIRROR_TEST_KILL=worker-repo-taken "$DSMIRROR" -c "$CONFIG" -v -j1 --json fetch
for r in a b c; do
	assert_eq "worker killed by signal 9" "$(fetch_field "$r" error)" "$r fetch.error"
done
assert_contains "$T/err" "workers: 6 started for 3 repos"

# Workers that cannot start (fork refused, as under a process limit:
# DSMIRROR_TEST_SPAWN_LIMIT): with one of two, it fetches every repo; with
# none, each repo that needed one fails with the reason, and the repo the fast
# path found unchanged is still recorded.
push_new a b c
write_config "$CONFIG" a="$GIT_BASE/a.git" b="$SECOND_BASE/b.git" c="$GIT_BASE/c.git" \
	d="$SECOND_BASE/d.git"
DSMIRROR_TEST_SPAWN_LIMIT=1 assert_exit 0 dsm -v -j2 --json fetch
assert_contains "$T/err" "workers: 1 started for 3 repos"
for r in a b c; do assert_eq updated "$(fetch_field "$r" result)" "$r fetch.result, one worker"; done
push_new a b
d_was=$(state_get "$ROOT/.dsmirror/d.json" "s['fetch']['last_attempt']")
sleep 1
DSMIRROR_TEST_SPAWN_LIMIT=0 assert_exit 3 dsm -v -j2 --json fetch
assert_contains "$T/err" "workers: 0 started for 2 repos"
for r in a b; do
	assert_eq error "$(fetch_field "$r" result)" "$r fetch.result, no worker"
	assert_contains_str "$(fetch_field "$r" error)" "cannot start a worker"
done
assert_eq unchanged "$(fetch_field d result)" "d fetch.result, served by the fast path"
[ "$(state_get "$ROOT/.dsmirror/d.json" "s['fetch']['last_attempt']")" != "$d_was" ] ||
	fail "the run that could start no worker recorded nothing"
assert_exit 0 dsm -q fetch

# A worker that stalls is killed and replaced: the repos after it are fetched.
stall_server_start
rm -rf "$ROOT"
write_config "$CONFIG" s="$STALL_URL/s.git" a="$GIT_BASE/a.git" b="$SECOND_BASE/b.git"
# (--timeout 3, or more where dsmirror runs slower: the clones after it must
# not time out.)
assert_exit 3 timeout $((60 * SLOW)) "$DSMIRROR" -c "$CONFIG" -v -j1 --timeout $((3 * SLOW)) --json fetch
assert_eq error "$(fetch_field s result)" "s fetch.result"
assert_contains_str "$(fetch_field s error)" "no progress for $((3 * SLOW)) s"
assert_eq cloned "$(fetch_field a result)" "a fetch.result"
assert_eq cloned "$(fetch_field b result)" "b fetch.result"
assert_contains "$T/err" "workers: 2 started for 3 repos"
assert_no_tmp "$ROOT"

# A mirror whose upstream now stalls: the fast path's listing gives up after
# --timeout, and the worker's after another: the repo reports the timeout,
# the mirror is as it was, the run ends in about twice --timeout.
rm -rf "$ROOT"
write_config "$CONFIG" s="$GIT_BASE/a.git"
dsm -q fetch || fail "the clone of a failed"
before=$(refs "$ROOT/s.git" refs/)
write_config "$CONFIG" s="$STALL_URL/s.git"
"$PYTHON" - "$ROOT/.dsmirror/s.json" "$STALL_URL/s.git" <<-'EOF'
	import json, sys
	s = json.load(open(sys.argv[1]))
	s["fetch"]["url"] = sys.argv[2]
	json.dump(s, open(sys.argv[1], "w"))
EOF
start=$(now_ms)
# (Only the stalled upstream is asked: a short --timeout even under
# valgrind, where a worker slow to start says nothing for as long and is
# stopped as stalled too, with the same words.)
assert_exit 3 timeout $((60 * SLOW)) "$DSMIRROR" -c "$CONFIG" -v -j1 --timeout 2 --json fetch
elapsed=$(($(now_ms) - start))
assert_contains "$T/err" "fast path: s: to a worker: "
assert_contains_str "$(fetch_field s error)" "no progress for 2 s"
[ "$elapsed" -lt $((12000 * SLOW)) ] || fail "a stalled upstream took ${elapsed} ms with --timeout 2"
assert_eq "$before" "$(refs "$ROOT/s.git" refs/)" "the mirror's refs after a stalled upstream"

# Three mirrors on that host: the first listing's silence sends the two others
# to the workers at once, not after --timeout each.
for r in t u; do
	cp -a "$ROOT/s.git" "$ROOT/$r.git"
	sed "s|/s.git\"|/$r.git\"|" "$ROOT/.dsmirror/s.json" >"$ROOT/.dsmirror/$r.json"
done
write_config "$CONFIG" s="$STALL_URL/s.git" t="$STALL_URL/t.git" u="$STALL_URL/u.git"
assert_exit 3 timeout $((90 * SLOW)) "$DSMIRROR" -c "$CONFIG" -v -j3 --timeout 2 --json fetch
for r in t u; do
	assert_contains "$T/err" "fast path: $r: to a worker: its host did not answer another listing"
done
assert_eq 1 "$(grep -c 'fast path: .*: to a worker: Timeout' "$T/err")" "listings that waited out --timeout"
stall_server_stop

# The CA bundle: once per worker at most, never for http URLs alone.
ca=/etc/ssl/certs/ca-certificates.crt
if [ -f "$ca" ] && command -v strace >/dev/null && strace -f -qq -o /dev/null true 2>/dev/null && native; then
	rm -rf "$ROOT"
	write_config "$CONFIG" a="$GIT_BASE/a.git" c="$GIT_BASE/c.git" e="$GIT_BASE/e.git"
	cp "$ca" "$T/other-ca.pem"
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		strace -f -qq -e trace=openat -o "$T/strace" \
		"$DSMIRROR" -c "$CONFIG" -j1 --cacert "$ca" -q fetch || fail "the fetch under strace failed"
	n=$(grep -c "ca-certificates.crt" "$T/strace" || true)
	assert_eq 1 "$n" "loads of the system's bundle by one worker, --cacert naming it"
	rm -rf "$ROOT"
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		strace -f -qq -e trace=openat -o "$T/strace" \
		"$DSMIRROR" -c "$CONFIG" -j1 --cacert "$T/other-ca.pem" -q fetch || fail "the fetch under strace failed"
	assert_eq 1 "$(grep -c "other-ca.pem" "$T/strace" || true)" "loads of another --cacert by one worker for three repos"
	# No URL that could lead to TLS (file://): no bundle read at all.
	rm -rf "$ROOT"
	write_config "$CONFIG" a="file://$T/upstream/a.git" c="file://$T/upstream/c.git"
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		strace -f -qq -e trace=openat -o "$T/strace" \
		"$DSMIRROR" -c "$CONFIG" -j1 --cacert "$T/other-ca.pem" -q fetch || fail "the fetch under strace failed"
	assert_eq 0 "$(grep -c "other-ca.pem" "$T/strace" || true)" "loads of --cacert for file:// URLs"
	rm -rf "$ROOT"
	write_config "$CONFIG" a="$GIT_BASE/a.git"
	dsm -q fetch || fail "the clone of a failed"

	# A clone that fails (the upstream is not there) turns libgit2's fsync off
	# for its temporary folder; the next repo of the same worker, an update,
	# has it on again: its pack and refs are fsynced.
	work_commit a
	work a push -q origin main
	write_config "$CONFIG" x="$GIT_BASE/nothing-here.git" a="$GIT_BASE/a.git"
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		strace -f -qq -y -e trace=fsync,fdatasync -o "$T/strace" \
		"$DSMIRROR" -c "$CONFIG" -j1 -q fetch && fail "the fetch of a missing upstream succeeded"
	n=$(grep -c "a\.git/" "$T/strace" || true)
	[ "$n" -ge 1 ] || fail "the update after a failed clone made no fsync in a.git: $(cat "$T/strace")"
	assert_refs_equal "$T/upstream/a.git" "$ROOT/a.git"
fi
git_server_stop
stop "$SECOND_PID"
fsck_all "$ROOT"
