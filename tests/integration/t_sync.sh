#!/usr/bin/env bash
# dsmirror sync end to end over the loopback git and API servers, with status
# after each step: from nothing; a no-op; -q silent when all is well; an
# upstream license change (exit 1, JUnit failure, metrics gauge 0); an
# upstream outage (exit 3, mirror untouched, the license verified on what
# the mirror holds and marked stale, status showing the error and the age of
# the last success). --json matches the mirrors on disk.
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

export GITHUB_TOKEN=ghp_sync_token
sync_fixture
sync() { dsm --cacert "$CA_PEM" "$@" sync; }

# Before anything: status says so, and touches nothing.
assert_exit 0 dsm status
assert_contains "$T/out" "r1    not mirrored yet"
[ ! -e "$ROOT" ] || fail "status created the root"

# From nothing: the table, exit 0; the JSON matches the mirrors on disk.
assert_exit 0 sync
assert_contains "$T/out" "REPO  FETCH      HEAD     RELEASE                   LICENSES"
assert_contains "$T/out" "r1    cloned     $(git -C "$T/upstream/r1.git" rev-parse --short=7 HEAD)  v2.0 (changed)            ok"
assert_contains "$T/out" "r2    cloned"
assert_empty "$T/err"
if grep -q $'\033' "$T/out" "$T/err"; then fail "escape codes without a terminal"; fi
assert_exit 0 dsm status
grep -qE "^r1    fetched $(secs_re '[01]') s ago, head $(git -C "$T/upstream/r1.git" rev-parse --short=7 HEAD) main; release v2\.0; licenses ok" "$T/out" ||
	fail "status after a sync: $(cat "$T/out")"

# A no-op sync, as JSON: every field matches what is on disk.
assert_exit 0 sync --json
for r in r1 r2; do
	assert_eq unchanged "$(fetch_field $r result)" "$r fetch.result, no-op"
	assert_eq "$(git -C "$ROOT/$r.git" rev-parse HEAD)" "$(fetch_field $r head)" "$r fetch.head vs the mirror"
	assert_eq ok "$(json_get "lic('$r', 'LICENSE')['verdict']")" "$r LICENSE verdict"
	assert_eq "$(git -C "$ROOT/$r.git" rev-parse HEAD:LICENSE)" "$(json_get "lic('$r', 'LICENSE')['blob']")" "$r LICENSE blob vs the mirror"
done
assert_eq unchanged "$(json_get "repo('r1')['release']['result']")" "r1 release, no-op"
assert_eq v2.0 "$(json_get "repo('r1')['release']['latest_tag']")" "r1 latest_tag"
assert_eq none "$(json_get "repo('r2')['release']['result']")" "r2 release"
assert_eq false "$(json_get "repo('r1')['stale']")" "stale"
assert_eq 0 "$(json_get "j['exit']")" "exit in the report"

# Cron: -q prints nothing when all is well.
assert_exit 0 sync -q
assert_empty "$T/out"
assert_empty "$T/err"

# Upstream changes its license: exit 1, a JUnit failure, the metrics gauge 0,
# and -q says so in lines that start with the repo's name.
work_commit r1 LICENSE "$(mit_license | sed 's/without restriction/with restrictions/')"
work r1 push -q origin main
assert_exit 1 sync -q --junit "$T/junit.xml" --metrics "$T/metrics.prom"
assert_empty "$T/out"
assert_contains "$T/err" "r1: LICENSE: not-expected:"
if grep -v '^r1: ' "$T/err"; then fail "a -q line does not start with the repo's name"; fi
xmllint --noout "$T/junit.xml" || fail "the JUnit report is not XML"
assert_contains "$T/junit.xml" '<testsuite name="r1" tests="3" failures="1"'
assert_contains "$T/junit.xml" '<failure type="not-expected"'
assert_contains "$T/metrics.prom" 'dsmirror_license_ok{repo="r1",path="LICENSE",verdict="not-expected"} 0'
assert_contains "$T/metrics.prom" 'dsmirror_license_ok{repo="r2",path="LICENSE",verdict="ok"} 1'
assert_contains "$T/metrics.prom" 'dsmirror_run_exit_status 1'
assert_contains "$T/metrics.prom" 'dsmirror_latest_release_timestamp_seconds{repo="r1"} 1704'
assert_contains "$T/metrics.prom" '# TYPE dsmirror_last_success_timestamp_seconds gauge'
assert_exit 1 dsm status
assert_contains "$T/out" "licenses FAILED"
assert_contains "$T/out" "LICENSE: not-expected"
# Put it back.
work r1 revert --no-edit HEAD >/dev/null
work r1 push -q origin main
assert_exit 0 sync -q

# An upstream outage: exit 3, the mirror untouched and still verified (stale),
# status shows the error and when the last success was.
before=$(refs "$ROOT/r1.git" refs/)
git_server_stop
sleep 1
assert_exit 3 sync --json --metrics "$T/metrics.prom"
assert_eq error "$(fetch_field r1 result)" "r1 fetch.result in an outage"
assert_eq ok "$(json_get "lic('r1', 'LICENSE')['verdict']")" "r1 verdict in an outage"
assert_eq true "$(json_get "repo('r1')['stale']")" "stale in an outage"
assert_eq "$before" "$(refs "$ROOT/r1.git" refs/)" "mirror refs after an outage"
assert_contains "$T/metrics.prom" 'dsmirror_fetch_ok{repo="r1"} 0'
assert_contains "$T/metrics.prom" 'dsmirror_run_exit_status 3'
grep -q '^dsmirror_last_success_timestamp_seconds{repo="r1"} [0-9]' "$T/metrics.prom" ||
	fail "no last success in the metrics after an outage"
assert_exit 3 sync -q
assert_empty "$T/out"
assert_contains "$T/err" "r1: fetch failed:"
assert_exit 3 dsm status
grep -qE "^r1    fetch FAILED $(secs_re '[0-9]') s ago, last success $(secs_re '[1-9]') s ago, head [0-9a-f]{7} main" "$T/out" ||
	fail "status after an outage: $(cat "$T/out")"
assert_contains "$T/out" "last error: $GIT_BASE/r1.git: cannot connect"
assert_exit 3 dsm status --json
assert_eq True "$(json_get "str(repo('r1')['fetch']['last_success_age_seconds'] >= 1)")" "age of the last success"
assert_eq 1 "$(json_get "1 if repo('r1')['fetch']['error'] else 0")" "recorded error"
fsck_all "$ROOT"
