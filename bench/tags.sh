#!/usr/bin/env bash
# bench/tags.sh: 10,000 tags, dsmirror against git, one run each (a first
# measurement for issue 13; not yet part of make bench, no rounds, no medians).
# An upstream on the loopback smart-HTTP server gets 10,000 lightweight tags on
# one commit: `git clone --mirror` vs dsmirror's first clone, then every tag
# moved: `git fetch` vs dsmirror's update.  DSMIRROR=/abs/dsmirror bench/tags.sh
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../tests/common.sh
. "$BENCH_DIR/../tests/common.sh"
git_server_start
make_upstream R
up=$T/upstream/R.git
c=$(git -C "$up" rev-parse main)
for i in $(seq 1 10000); do echo "create refs/tags/x$i $c"; done | git -C "$up" update-ref --stdin
git -C "$up" pack-refs --all
write_config "$CONFIG" "R=$GIT_BASE/R.git"
s=$(now_ms); git clone -q --mirror "$GIT_BASE/R.git" "$T/g.git"; e=$(now_ms); echo "git clone --mirror: $((e-s)) ms"
s=$(now_ms); dsm -q fetch; e=$(now_ms); echo "dsmirror first clone: $((e-s)) ms"
for i in $(seq 1 10000); do echo "update refs/tags/x$i $(git -C "$up" rev-parse main~1)"; done | git -C "$up" update-ref --stdin
s=$(now_ms); git -C "$T/g.git" fetch -q; e=$(now_ms); echo "git fetch, 10000 tags moved: $((e-s)) ms"
s=$(now_ms); dsm -q fetch; e=$(now_ms); echo "dsmirror, 10000 tags moved: $((e-s)) ms"
echo "loose refs after: $(find $ROOT/R.git/refs -type f | wc -l)"
