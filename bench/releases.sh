#!/usr/bin/env bash
# bench/releases.sh: `dsmirror releases` over BENCH_RELEASES_REPOS (default 200)
# repos against the loopback HTTPS fake of the GitHub API (tests/api_server.py,
# CA made at run time), first run and conditional re-run, with the number of
# requests and connections each made (from the server's log), against the curl
# CLI asking for the same URLs. Run by bench/run.sh at its end
# (BENCH_RELEASES=0 skips it), or alone:
#   DSMIRROR=/abs/path/dsmirror bench/releases.sh
#
# Each repo has 3 releases (2 assets each) and 3 tags: 3 requests a run.
# Timed (median of BENCH_RELEASES_ROUNDS rounds, which goes first alternating):
#   dsmirror first run     no recorded state: every request unconditional
#   dsmirror re-run        nothing changed: every request If-None-Match -> 304
#   curl first run         one `curl` process, every URL (keep-alive, no parsing,
#                          no pagination logic): the transport's floor
#   curl re-run            the same with each URL's If-None-Match (`--next`)
# Targets: one TLS connection for the whole run (dsmirror asks one request at a
# time, as GitHub wants), and a re-run whose requests are all answered 304.
#
# Environment: DSMIRROR, BENCH_RELEASES_REPOS, BENCH_RELEASES_ROUNDS (default
# 5), BENCH_RELEASES_RESULTS (default bench/results-releases.txt).
# Exit status: 0 when every run succeeded and every target was met, 1 when a
# run failed, 3 when only targets were missed, 2 on bad settings.
set -euo pipefail
export LC_ALL=C

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(dirname "$BENCH_DIR")
DSMIRROR=${DSMIRROR:-$TOP/dsmirror}
REPOS=${BENCH_RELEASES_REPOS:-200}
ROUNDS=${BENCH_RELEASES_ROUNDS:-5}
RESULTS=${BENCH_RELEASES_RESULTS:-$BENCH_DIR/results-releases.txt}
[[ $REPOS =~ ^[0-9]+$ && $REPOS -ge 1 && $REPOS -le 2000 ]] || { echo "bench: BENCH_RELEASES_REPOS must be 1 to 2000" >&2; exit 2; }
[[ $ROUNDS =~ ^[0-9]+$ && $ROUNDS -ge 1 ]] || { echo "bench: BENCH_RELEASES_ROUNDS must be a number" >&2; exit 2; }
[ -x "$DSMIRROR" ] || { echo "bench: no dsmirror binary at $DSMIRROR (run make)" >&2; exit 2; }
DSMIRROR=$(cd "$(dirname "$DSMIRROR")" && pwd)/$(basename "$DSMIRROR")
command -v curl >/dev/null || { echo "bench: no curl CLI (make deps)" >&2; exit 2; }

# The test helpers start, and at exit stop by PID, the API server; they give a
# fresh folder $T (TMPDIR decides where) and a clean environment.
# shellcheck source=../tests/common.sh
. "$TOP/tests/common.sh"
export API_RATE_LIMIT=100000000   # the fake's limit, not what is measured
api_server_start

echo "bench: $REPOS repos on the fake API ($API_BASE)"
"$PYTHON" - "$TOP/tests/api_fixture.py" "$API_DATA" "$REPOS" <<-'EOF'
	import importlib.util, sys
	spec = importlib.util.spec_from_file_location("api_fixture", sys.argv[1])
	fx = importlib.util.module_from_spec(spec)
	spec.loader.exec_module(fx)
	data_file, n = sys.argv[2], int(sys.argv[3])
	data, save = fx.load(data_file), fx.save
	fx.load, fx.save = (lambda path: data), (lambda path, d: None)   # one write
	for i in range(1, n + 1):
	    sys.argv = ["api_fixture.py", data_file, "add", "bench/r%04d" % i, "--releases", "3"]
	    fx.main()
	save(data_file, data)
EOF
"$PYTHON" - "$CONFIG" "$API_BASE" "$REPOS" <<-'EOF'
	import json, sys
	path, api, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
	repos = [{"name": "r%04d" % i, "url": "https://127.0.0.1:9/r%04d.git" % i,
	          "github": "bench/r%04d" % i, "licenses": []} for i in range(1, n + 1)]
	json.dump({"version": 1, "root": "mirrors", "api": api, "repos": repos}, open(path, "w"), indent=2)
EOF

export GITHUB_TOKEN=bench-token
"$PYTHON" - "$DSMIRROR" "$CONFIG" "$CA_PEM" "$API_LOG" "$ROOT" "$REPOS" "$ROUNDS" "$RESULTS" <<-'EOF'
	import json, os, shutil, statistics, subprocess, sys, time
	dsm, config, ca, log, root, n, rounds, results = sys.argv[1:9]
	n, rounds = int(n), int(rounds)

	def log_lines():
	    with open(log) as f:
	        return [json.loads(l) for l in f if l.strip() and '"event"' not in l]

	def run(name, cmd, check_status):
	    open(log, "w").close()
	    t0 = time.perf_counter()
	    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True)
	    t = time.perf_counter() - t0
	    if p.returncode != 0:
	        sys.exit("bench: %s failed (exit %d): %s" % (name, p.returncode, p.stderr.decode()[-800:]))
	    time.sleep(0.05)   # the server logs before it answers; all are in
	    reqs = log_lines()
	    bad = [r for r in reqs if r["status"] != check_status]
	    if bad:
	        sys.exit("bench: %s: %d answers were not %d, e.g. %s" % (name, len(bad), check_status, bad[0]))
	    return t, len(reqs), len({r["conn"] for r in reqs})

	dsm_cmd = [dsm, "-c", config, "--cacert", ca, "-q", "releases"]
	state = os.path.join(root, ".dsmirror")

	def dsm_first():
	    shutil.rmtree(state, ignore_errors=True)
	    return run("dsmirror first run", dsm_cmd, 200)

	def dsm_rerun():
	    return run("dsmirror re-run", dsm_cmd, 304)

	# The URLs dsmirror asked, and their ETags: the same work for curl.
	dsm_first()
	urls = []
	for i in range(1, n + 1):
	    with open(os.path.join(state, "r%04d.json" % i)) as f:
	        urls += list(json.load(f)["releases"]["requests"].items())
	hdrs = ["-H", "Accept: application/vnd.github+json", "-H", "X-GitHub-Api-Version: 2022-11-28",
	        "-H", "Authorization: Bearer bench-token"]
	def curl_cmd(conditional):
	    cmd = ["curl", "-sS"]
	    for k, (u, rec) in enumerate(urls):
	        if k:
	            cmd.append("--next")
	        cmd += ["--cacert", ca, "-o", "/dev/null"] + hdrs
	        if conditional:
	            cmd += ["-H", "If-None-Match: " + rec["etag"]]
	        cmd.append(u)
	    return cmd
	curl_first = lambda: run("curl first run", curl_cmd(False), 200)
	curl_rerun = lambda: run("curl re-run", curl_cmd(True), 304)

	got = {k: [] for k in ("dsm1", "dsm2", "curl1", "curl2")}
	for r in range(rounds):
	    pairs = [("dsm1", dsm_first), ("curl1", curl_first)]
	    pairs2 = [("dsm2", dsm_rerun), ("curl2", curl_rerun)]
	    if r % 2:
	        pairs.reverse()
	        pairs2.reverse()
	    for key, f in pairs:
	        got[key].append(f())
	    dsm_first()   # state for the re-runs
	    for key, f in pairs2:
	        got[key].append(f())

	def med(key):
	    return statistics.median(t for t, _, _ in got[key])
	def counts(key):
	    return got[key][-1][1], got[key][-1][2]
	rows = [("first run (no state)", "dsm1", "curl1"), ("re-run, nothing changed", "dsm2", "curl2")]
	out = ["releases: %d repos, 3 API requests each, loopback HTTPS (tests/api_server.py), median of %d" % (n, rounds),
	       "| run | dsmirror | requests | connections | curl CLI, one process | ratio |",
	       "|---|---|---|---|---|---|"]
	for label, d, c in rows:
	    rq, cn = counts(d)
	    out.append("| %s | %.3f s | %d (%s) | %d | %.3f s | %.2f |" % (
	        label, med(d), rq, "all 304" if d == "dsm2" else "all 200", cn, med(c), med(d) / med(c)))
	missed = []
	for d in ("dsm1", "dsm2"):
	    if any(cn != 1 for _, _, cn in got[d]):
	        missed.append("%s opened more than one connection" % d)
	    if any(rq != 3 * n for _, rq, _ in got[d]):
	        missed.append("%s did not make exactly %d requests" % (d, 3 * n))
	out.append("targets: one TLS connection per run, re-run all 304: %s" % ("met" if not missed else "MISSED: " + "; ".join(missed)))
	text = "\n".join(out)
	print(text)
	with open(results, "w") as f:
	    f.write(text + "\n")
	sys.exit(3 if missed else 0)
EOF
