#!/usr/bin/env bash
# The man page is well-formed and in sync with --help (every command and
# option of one is in the other), make install puts both in place, and the
# examples/ files parse: the systemd units (systemd-analyze verify), the CI
# YAML files, and the crontab line.
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

top=$(dirname "$TESTS_DIR")
man=$top/dsmirror.1
"$DSMIRROR" --help >"$T/help"

if command -v groff >/dev/null; then
	groff -man -ww -z "$man" 2>"$T/groff.err" || fail "groff failed on dsmirror.1"
	assert_empty "$T/groff.err"
fi
opts=$(grep -oE -- '--[a-z][a-z-]*' "$T/help" | sort -u)
[ -n "$opts" ] || fail "no options in --help"
for o in $opts; do
	grep -qF -- "$(printf '%s' "$o" | sed 's/-/\\-/g')" "$man" || fail "dsmirror.1 lacks $o"
done
for o in $(grep -oE -- '\\-\\-[a-z][a-z\\-]*' "$man" | sed 's/\\-/-/g' | sort -u); do
	grep -qF -- "$o" "$T/help" || fail "--help lacks $o, which dsmirror.1 has"
done
for cmd in $(sed -n '/^Commands:/,/^$/p' "$T/help" | grep -E '^  [a-z]+ ' | awk '{print $1}'); do
	grep -q "^\.B $cmd\$" "$man" || fail "dsmirror.1 lacks the command $cmd"
done

# A copy newer than every object, so that make installs it as it is (and
# never relinks the binary under test).
mkdir -p "$T/bin"
cp "$DSMIRROR" "$T/bin/dsmirror"
touch "$T/bin/dsmirror"
make -s -C "$top" install DESTDIR="$T/dest" PREFIX=/usr BIN="$T/bin/dsmirror" >/dev/null ||
	fail "make install failed"
[ -x "$T/dest/usr/bin/dsmirror" ] || fail "make install put no binary"
[ -f "$T/dest/usr/share/man/man1/dsmirror.1" ] || fail "make install put no man page"

ex=$top/examples
if command -v systemd-analyze >/dev/null; then
	mkdir -p "$T/units"
	for u in dsmirror.service dsmirror.timer dsmirror-gc.service dsmirror-gc.timer \
		dsmirror-fsck.service dsmirror-fsck.timer; do
		sed "s|/usr/local/bin/dsmirror|$DSMIRROR|" "$ex/$u" >"$T/units/$u"
	done
	# Only the units' own problems count, not this machine's (no systemd
	# running in a container, no dsmirror user).
	systemd-analyze verify --man=no "$T/units/dsmirror.timer" "$T/units/dsmirror.service" \
		"$T/units/dsmirror-gc.timer" "$T/units/dsmirror-gc.service" \
		"$T/units/dsmirror-fsck.timer" "$T/units/dsmirror-fsck.service" \
		>"$T/sa.out" 2>&1 || true
	if grep -E 'dsmirror(-gc|-fsck)?\.(service|timer):[0-9]+:' "$T/sa.out"; then
		fail "systemd-analyze finds problems in the units: $(cat "$T/sa.out")"
	fi
	grep -q '^ExecStart=/usr/local/bin/dsmirror -q sync' "$ex/dsmirror.service" ||
		fail "the service does not run dsmirror -q sync"
	grep -q '^Unit=\|^OnCalendar=' "$ex/dsmirror.timer" || fail "the timer has no schedule"
	grep -q '^ExecStart=/usr/local/bin/dsmirror -q gc$' "$ex/dsmirror-gc.service" ||
		fail "the gc service does not run dsmirror -q gc"
	grep -q '^ExecStart=/usr/local/bin/dsmirror -q fsck$' "$ex/dsmirror-fsck.service" ||
		fail "the fsck service does not run dsmirror -q fsck"
	grep -q '^OnCalendar=' "$ex/dsmirror-fsck.timer" || fail "the fsck timer has no schedule"
fi
"$PYTHON" - "$ex/github-actions.yml" "$ex/gitlab-ci.yml" <<-'PY' || fail "a CI example does not parse"
	import sys, yaml
	gh = yaml.safe_load(open(sys.argv[1]))
	steps = gh["jobs"]["verify"]["steps"]
	assert any("dsmirror" in s.get("run", "") and "verify --junit" in s["run"] for s in steps), steps
	gl = yaml.safe_load(open(sys.argv[2]))
	job = gl["licenses"]
	assert any("verify --junit report.xml" in c for c in job["script"]), job
	assert job["artifacts"]["reports"]["junit"] == "report.xml"
PY
line=$(grep -vE '^(#|$|[A-Z_]+=)' "$ex/crontab")
[ "$(printf '%s\n' "$line" | wc -l)" = 1 ] || fail "the crontab holds more than one job: $line"
printf '%s\n' "$line" | grep -qE '^([0-9*,/-]+ ){5}.*dsmirror -q sync' ||
	fail "not a crontab line running dsmirror -q sync: $line"
