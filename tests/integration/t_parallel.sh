#!/usr/bin/env bash
# Six repos fetched three at a time are all cloned, each equal to its upstream.
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

pairs=()
for i in 1 2 3 4 5 6; do
	make_upstream r$i
	pairs+=("r$i=http://127.0.0.1:PORT/r$i.git")
done
git_server_start
write_config "$CONFIG" "${pairs[@]/PORT/$GIT_PORT}"

assert_exit 0 dsm -j 3 --json fetch
for i in 1 2 3 4 5 6; do
	assert_eq cloned "$(fetch_field r$i result)" "r$i fetch.result"
	assert_refs_equal "$T/upstream/r$i.git" "$ROOT/r$i.git"
done
fsck_all "$ROOT"
