#!/usr/bin/env bash
# dsmirror never runs a program: no shell, no git, no ssh, no helper. Under
# `strace -f` (workers included), the only execve of a whole sync (clone and
# update of two mirrors over the loopback git server, releases from the fake
# API, verify), of verify, status and pin, and of fetches from ssh upstreams
# (libssh2, in process) is the one that started dsmirror itself. This holds
# with a git configuration (~/.gitconfig, and each mirror's config) that names
# every program git itself would run: fsmonitor, sshCommand, a credential
# helper, hooks, and URLs that would inject ssh options into an ssh command.
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

command -v strace >/dev/null || skip "strace is not installed"
strace -f -qq -o /dev/null true 2>/dev/null || skip "strace cannot trace here (no ptrace)"
# Under check-valgrind, DSMIRROR is a wrapper script that runs valgrind.
native || skip "DSMIRROR is not the dsmirror binary itself (a wrapper runs it)"

export GITHUB_TOKEN=ghp_security_exec_token
sync_fixture

# Everything git would run from its configuration; each leaves a file behind.
# dsmirror gets a HOME of its own: the scenario's git commands must not see it.
DSM_HOME=$T/dsm-home
mkdir -p "$DSM_HOME" "$T/hooks"
for hook in pre-receive post-receive post-update reference-transaction \
	post-checkout post-merge pre-auto-gc post-index-change fsmonitor-watchman; do
	printf '#!/bin/sh\ntouch "%s/ran-hook-%s"\n' "$T" "$hook" >"$T/hooks/$hook"
	chmod +x "$T/hooks/$hook"
done
hostile_config() {
	git config --file "$1" core.fsmonitor "$T/hooks/fsmonitor-watchman"
	git config --file "$1" core.hooksPath "$T/hooks"
	git config --file "$1" core.sshCommand "touch $T/ran-sshcommand; false"
	git config --file "$1" core.askPass "$T/hooks/post-update"
	git config --file "$1" credential.helper "!touch $T/ran-credential-helper"
	git config --file "$1" gc.auto 1
	git config --file "$1" uploadpack.packObjectsHook "touch $T/ran-pack-objects-hook"
}
hostile_config "$DSM_HOME/.gitconfig"

# traced CODE ARGS...: dsmirror ARGS under strace (workers included), exit
# CODE; then its only execve must be the one that started it, and its forks
# (assert_forks checks that the workers were traced too).
traced() {
	local code=$1 execs
	shift
	# LeakSanitizer cannot run under ptrace: off for an ASan build (the other
	# scenarios check leaks).
	HOME=$DSM_HOME ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		assert_exit "$code" strace -f -qq -e signal=none \
		-e trace=execve,execveat,fork,vfork,clone,clone3 -o "$T/trace" \
		"$DSMIRROR" "$@"
	execs=$(grep -E '^[0-9]+ +execve(at)?\(' "$T/trace" || true)
	[ -n "$execs" ] || fail "strace saw no execve at all: $(head -c 2000 "$T/trace")"
	[ "$(printf '%s\n' "$execs" | wc -l)" = 1 ] || fail "dsmirror $* ran programs:
$execs"
	case $execs in
	*"execve(\"$DSMIRROR\""*) ;;
	*) fail "the one execve is not dsmirror's own: $execs" ;;
	esac
}
assert_forks() {
	local n
	n=$(grep -E '^[0-9]+ +(fork|vfork|clone|clone3)\(' "$T/trace" | grep -vc CLONE_THREAD || true)
	[ "$n" -ge "$1" ] || fail "expected at least $1 worker processes traced, saw $n"
}
assert_nothing_ran() {
	local ran
	ran=$(find "$T" -maxdepth 1 -name 'ran-*')
	[ -z "$ran" ] || fail "a configured program ran: $ran"
}

# A whole sync from nothing: two clones, releases, verify.
traced 0 -c "$CONFIG" --cacert "$CA_PEM" sync
assert_contains "$T/out" "r1    cloned"
assert_contains "$T/out" "r2    cloned"
assert_forks 2
assert_nothing_ran

# An update, with the hostile configuration in the mirrors themselves too
# (git would run reference-transaction and post-update hooks here).
for r in r1 r2; do hostile_config "$ROOT/$r.git/config"; done
work_commit r1
work r1 push -q origin main
traced 0 -c "$CONFIG" --cacert "$CA_PEM" sync
assert_contains "$T/out" "r1    updated"
# r1's worker; r2, unchanged, was listed by the parent (the fast path): no
# process for it, and nothing run either.
assert_contains "$T/out" "r2    unchanged"
assert_forks 1
assert_nothing_ran

# Reading and writing commands without the network.
traced 0 -c "$CONFIG" verify
traced 0 -c "$CONFIG" status
traced 0 -c "$CONFIG" pin
assert_nothing_ran

# ssh upstreams: libgit2 speaks ssh with libssh2, in process. A server that
# greets as sshd (then says nothing), and URLs that an `ssh` command line
# would take for options (git's CVE-2017-1000117 kind): no program runs, and
# each repo is an error.
stall_server_start "SSH-2.0-OpenSSH_9.2 dsmirror-test"
write_config "$T/ssh.json" \
	s1="ssh://git@127.0.0.1:$STALL_PORT/r1.git" \
	s2="ssh://-oProxyCommand=touch@127.0.0.1:$STALL_PORT/r1.git" \
	s3="-oProxyCommand=touch@127.0.0.1:r1.git"
traced 3 -c "$T/ssh.json" --timeout 2 fetch
grep -q '^said SSH-2.0-' "$STALL_LOG" || fail "the ssh client never spoke to the server: $(cat "$STALL_LOG")"
assert_forks 3
assert_nothing_ran
[ ! -e "$T/mirrors/s1.git" ] || fail "a failed ssh fetch created a mirror"
fsck_all "$ROOT"
