#!/usr/bin/env bash
# A license file that is not at the tip of the mirrored branch is "missing": one
# renamed upstream (git mv LICENSE-CODE LICENSE) and one deleted (LICENSE-MODEL);
# a file deleted on the configured `branch` only, while HEAD still has it. A repo
# of the config that was never fetched is "no-mirror" (and verify does not make
# its mirror). Each makes verify exit 1 and is named on stderr.
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

make_upstream v3
work_files v3 "code and model licenses" LICENSE= \
	LICENSE-CODE="$(license_file mit-janus)" LICENSE-MODEL="$(license_file model-v3)"
make_upstream br
work br checkout -q -b release
work br rm -q LICENSE
work br commit -q -m "release without LICENSE"
work br push -q origin release
make_upstream ghost
git_server_start
write_config_json "$CONFIG" '[repo("v3", lic("LICENSE-CODE", "MIT"), lic("LICENSE-MODEL")),
	repo("br", lic("LICENSE", "MIT"), branch="release"),
	repo("ghost", lic("LICENSE", "MIT"))]'
assert_exit 0 dsm fetch v3 br
assert_exit 0 dsm --json verify v3
assert_all_verdicts ok
git -C "$ROOT/br.git" cat-file -e main:LICENSE || fail "the mirror's main lacks LICENSE"

work v3 mv LICENSE-CODE LICENSE
work v3 rm -q LICENSE-MODEL
work_publish v3 "one LICENSE file"
assert_exit 0 dsm fetch v3 br

assert_exit 1 dsm --json verify
assert_eq 1 "$(json_get 'j["exit"]')" "json exit"
assert_eq missing "$(lic_field v3 LICENSE-CODE verdict)" "v3 LICENSE-CODE (renamed) verdict"
assert_eq missing "$(lic_field v3 LICENSE-MODEL verdict)" "v3 LICENSE-MODEL (deleted) verdict"
assert_eq missing "$(lic_field br LICENSE verdict)" "br LICENSE (deleted on branch release) verdict"
assert_eq no-mirror "$(lic_field ghost LICENSE verdict)" "ghost LICENSE (never fetched) verdict"
[ ! -e "$ROOT/ghost.git" ] || fail "verify made a mirror for ghost"

assert_exit 1 dsm verify
for want in "v3.*LICENSE-CODE.*missing" "v3.*LICENSE-MODEL.*missing" "br.*LICENSE.*missing" \
	"ghost.*LICENSE.*no-mirror"; do
	grep -qE "$want" "$T/err" || fail "no line matching '$want' on stderr:
$(cat "$T/err")"
done

# Each failure alone fails the run.
assert_exit 1 dsm --json verify ghost
assert_eq '["no-mirror"]' "$(json_get '[l["verdict"] for r in j["repos"] for l in r["licenses"]]')" "verify ghost"
assert_exit 1 dsm --json verify br
assert_eq '["missing"]' "$(json_get '[l["verdict"] for r in j["repos"] for l in r["licenses"]]')" "verify br"
[ ! -e "$ROOT/ghost.git" ] || fail "verify made a mirror for ghost"
fsck_all "$ROOT"

# A LICENSE of 64 MB (upstream chooses its size) is refused without being
# read: not-expected, "larger than", and verify stays small in memory.
up=$T/upstream/br.git
blob=$(head -c $((64 * 1024 * 1024)) /dev/zero | git -C "$up" hash-object -w --stdin)
tree=$({ git -C "$up" ls-tree main | grep -v '	LICENSE$'; printf '100644 blob %s\tLICENSE\n' "$blob"; } | git -C "$up" mktree)
git -C "$up" update-ref refs/heads/release "$(git -C "$up" commit-tree "$tree" -p main -m "a huge LICENSE")"
assert_exit 0 dsm fetch br
max_mb=32
native || max_mb=100000   # no bound: the RSS would be mostly valgrind's own
assert_exit 1 "$PYTHON" -c '
import resource, subprocess, sys
rc = subprocess.call(sys.argv[1:])
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
print("peak RSS %d MB" % peak, file=sys.stderr)
sys.exit(rc if peak < '"$max_mb"' else 99)' "$DSMIRROR" -c "$CONFIG" --json verify br
assert_eq '["not-expected"]' "$(json_get '[l["verdict"] for r in j["repos"] for l in r["licenses"]]')" "verify of a 64 MB LICENSE"
assert_contains "$T/out" "the file is larger than 1048576 bytes"
fsck_all "$ROOT"
