#!/usr/bin/env python3
"""report.py RESULTS.TSV ROUNDS: the benchmark's summary table, from the lines
run.sh appends for each timed run:
    scenario  set  tool  round  position  seconds  max_rss_kB  ok|fail
(scenario: first|noop; set: medium|small; tool: ds (dsmirror), git (the issue's
baseline: clone --bare + fetch; fetch --prune for the no-op) or gitc (clone
--bare alone, first fetch only); position: 1 = ran first in that round). A failed
run is shown but never counted as a time.
"""
import statistics
import sys

RATIO_TARGET = 1.0   # dsmirror median / git median, for every scenario
RSS_TARGET_MB = 64   # dsmirror's peak RSS, for the small (200-repo) set

SCENARIOS = [("first", "first fetch"), ("noop", "no-op fetch")]
TOOLS = [("ds", "dsmirror"), ("git", "git"), ("gitc", "git-clone")]


def main():
    path, rounds = sys.argv[1], int(sys.argv[2])
    runs = {}
    repos = {}
    for line in open(path):
        scen, set_, tool, rnd, pos, sec, rss, status = line.rstrip("\n").split("\t")
        runs.setdefault((scen, set_, tool), []).append(
            dict(round=int(rnd), pos=int(pos), sec=float(sec), rss=int(rss), ok=status == "ok"))
    sets = [s for s in ("medium", "small") if any(k[1] == s for k in runs)]
    counts = dict(a.split("=") for a in sys.argv[3:])  # optional medium=3 small=200

    def label(scen, set_, suffix=""):
        n = counts.get(set_)
        return "%s, %s%s%s" % (dict(SCENARIOS)[scen], (n + " ") if n else "", set_, suffix)

    def baselines(scen, set_):
        """(git tool, row suffix) pairs that dsmirror is compared with."""
        if scen == "first" and (scen, set_, "gitc") in runs:
            return [("git", " (git: clone+fetch)"), ("gitc", " (git: clone only)")]
        return [("git", "")]

    def good(key):
        return [r for r in runs.get(key, []) if r["ok"]]

    def failures(key):
        """How many of the rounds did not give a time (failed or skipped)."""
        return rounds - len(good(key))

    width = max(len(label(s, t, b[1])) for s, _ in SCENARIOS for t in sets
                for b in baselines(s, t)) + 2
    print()
    print("median wall time over %d rounds, s (ratio = dsmirror / git)" % rounds)
    print("%-*s %10s %10s %7s  %-9s %s" % (width, "scenario", "dsmirror", "git", "ratio", "target", "verdict"))
    for scen, _ in SCENARIOS:
        for set_ in sets:
            for git_tool, suffix in baselines(scen, set_):
                ds, git = good((scen, set_, "ds")), good((scen, set_, git_tool))
                md = statistics.median(r["sec"] for r in ds) if ds else None
                mg = statistics.median(r["sec"] for r in git) if git else None
                ratio = md / mg if md is not None and mg else None
                if failures((scen, set_, "ds")):
                    verdict = "FAIL (%d of %d dsmirror runs failed)" % (failures((scen, set_, "ds")), rounds)
                elif failures((scen, set_, git_tool)):
                    verdict = "n/a (%d of %d git runs failed)" % (failures((scen, set_, git_tool)), rounds)
                else:
                    verdict = "PASS" if ratio <= RATIO_TARGET else "MISS"
                print("%-*s %10s %10s %7s  %-9s %s" % (
                    width, label(scen, set_, suffix),
                    "%.3f" % md if md is not None else "-", "%.3f" % mg if mg is not None else "-",
                    "%.2f" % ratio if ratio is not None else "-", "<= %.1f" % RATIO_TARGET, verdict))

    print()
    print("peak RSS, MB (largest single process of the run, max over rounds; for dsmirror")
    print("the parent or one of the worker processes it forks per repo; for git any of its processes;")
    print("git's first fetch is clone+fetch)")
    print("%-*s %10s %10s %7s  %-9s %s" % (width, "scenario", "dsmirror", "git", "", "target", "verdict"))
    for scen, _ in SCENARIOS:
        for set_ in sets:
            ds, git = good((scen, set_, "ds")), good((scen, set_, "git"))
            pd = max(r["rss"] for r in ds) / 1024 if ds else None
            pg = max(r["rss"] for r in git) / 1024 if git else None
            target = verdict = ""
            if set_ == "small":
                target = "<= %d" % RSS_TARGET_MB
                if failures((scen, set_, "ds")):
                    verdict = "FAIL (dsmirror runs failed)"
                else:
                    verdict = "PASS" if pd <= RSS_TARGET_MB else "MISS"
            print("%-*s %10s %10s %7s  %-9s %s" % (
                width, label(scen, set_), "%.1f" % pd if pd is not None else "-",
                "%.1f" % pg if pg is not None else "-", "", target, verdict))

    print()
    narrow = max(len(label(s, t)) for s, _ in SCENARIOS for t in sets) + 1
    print("every round, s (* = ran first; odd rounds dsmirror first, even rounds last; ! = failed, not counted)")
    for scen, _ in SCENARIOS:
        for set_ in sets:
            for tool, name in TOOLS:
                if (scen, set_, tool) not in runs and tool == "gitc":
                    continue
                cells = []
                by_round = {r["round"]: r for r in runs.get((scen, set_, tool), [])}
                for rnd in range(1, rounds + 1):
                    r = by_round.get(rnd)
                    if r is None:
                        cells.append("%8s" % "skipped")
                    else:
                        cells.append("%7.3f%s" % (r["sec"], "!" if not r["ok"] else "*" if r["pos"] == 1 else " "))
                print("%-*s %-9s %s" % (narrow, label(scen, set_), name, " ".join(cells)))


if __name__ == "__main__":
    main()
