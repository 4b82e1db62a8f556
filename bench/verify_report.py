#!/usr/bin/env python3
"""verify_report.py TIMES.JSONL LIB.JSONL|- KEY=VALUE...: the verify benchmark's
tables, from the lines timecmd.py wrote (one per scenario) and verify.sh's
{"set": "big"|"small", "result": <licensee_lib.rb's line>} lines ("-" when
licensee is not there). KEY=VALUE: files_big (license files of
the four mirrors), small (number of small mirrors), commits, licensee (why the
comparison is missing, or empty).
Exit status 1 when a target is missed (the table says which). The comparisons
with licensee's library are context, without a target: it runs warm, without
Ruby's start-up and without reading git, which the dsmirror figures include.
"""
import json
import statistics
import sys

TARGET_BIG_MS = 20.0       # verify, four DeepSeek-sized mirrors, median
TARGET_SMALL_MS = 2000.0   # verify, 1,000 small mirrors, median
TARGET_SPEEDUP = 20.0      # licensee's time per file / dsmirror's


def main():
    runs = {}
    for line in open(sys.argv[1]):
        r = json.loads(line)
        runs[r["name"]] = r
    lib = []
    if sys.argv[2] != "-":
        lib = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
    kv = dict(a.split("=", 1) for a in sys.argv[3:])
    files_big, small, commits = int(kv["files_big"]), int(kv["small"]), kv["commits"]
    missed = False

    def med(name):
        r = runs.get(name)
        if r is None or not r["ok"] or not r["times"]:
            return None
        return statistics.median(r["times"]) * 1000

    def stat(name, f):
        r = runs.get(name)
        return f(r["times"]) * 1000 if r and r["ok"] and r["times"] else None

    def fmt(v, width=9, prec=1):
        return ("%*.*f" % (width, prec, v)) if v is not None else "%*s" % (width, "failed")

    n = max((len(r["times"]) for r in runs.values()), default=0)
    print()
    print("median wall time over %d runs (after a warm-up), ms" % n)
    print("%-66s %9s %9s %9s  %-10s %s" % ("scenario", "median", "min", "max", "target", "verdict"))
    rows = [
        ("verify-big", "verify, 4 DeepSeek-sized mirrors (%d files, %s commits each)" % (files_big, commits),
         TARGET_BIG_MS),
        ("verify-big-json", "verify --json, the same", None),
        ("verify-big-walk", "verify, the same, one pin found in no commit (walks history)", None),
        ("verify-small", "verify, %d small mirrors (%d MIT files)" % (small, small), TARGET_SMALL_MS),
    ]
    for name, label, target in rows:
        if name not in runs:
            continue
        m = med(name)
        verdict = ""
        if target is not None:
            verdict = "PASS" if m is not None and m <= target else "MISS"
            missed |= verdict == "MISS"
        print("%-66s %s %s %s  %-10s %s" % (label, fmt(m), fmt(stat(name, min)), fmt(stat(name, max)),
                                           ("<= %g" % target) if target else "-", verdict))
        if not runs[name]["ok"]:
            print("    failed: %s" % runs[name]["error"])

    print()
    print("time per license file, ms (ratio = licensee / dsmirror; target: dsmirror >= %gx faster)"
          % TARGET_SPEEDUP)
    if kv.get("licensee"):
        print("licensee: %s" % kv["licensee"])
        return 1 if missed else 0
    print("%-66s %9s %9s %8s  %-10s %s" % ("comparison", "dsmirror", "licensee", "ratio", "target", "verdict"))
    big, sm = med("verify-big"), med("verify-small")
    cli = [med(k) for k in runs if k.startswith("licensee-cli-")]
    libs = {l["set"]: l["result"] for l in lib}
    rows = []   # label, second line, dsmirror ms per file, licensee ms per file, target?
    if cli and None not in cli and big is not None:
        rows.append(("`licensee detect MIRROR.git` on each of the 4 mirrors, summed,",
                     "  vs `dsmirror verify` of the 4; both / %d files" % files_big,
                     big / files_big, sum(cli) / files_big, True))
    if "big" in libs and big is not None:
        rows.append(("context: licensee library, warm, on the %d texts of the 4 mirrors"
                     % libs["big"]["files"], "  vs `dsmirror verify` of the 4, per file",
                     big / files_big, libs["big"]["seconds_per_file"] * 1000, False))
    if "small" in libs and sm is not None:
        rows.append(("context: licensee library, warm, on the %d small mirrors' texts"
                     % libs["small"]["files"], "  vs `dsmirror verify` of the %d, per file" % small,
                     sm / small, libs["small"]["seconds_per_file"] * 1000, False))
    for label, label2, ds, li, has_target in rows:
        ratio = li / ds
        verdict = "(no target)"
        if has_target:
            verdict = "PASS" if ratio >= TARGET_SPEEDUP else "MISS"
            missed |= verdict == "MISS"
        print("%-66s %s %s %7.1fx  %-10s %s" % (label, fmt(ds, 9, 3), fmt(li, 9, 3), ratio,
                                                 ">= %gx" % TARGET_SPEEDUP if has_target else "-", verdict))
        print(label2)
    for k in sorted(runs):
        if k.startswith("licensee-cli-"):
            print("  licensee detect %-14s %8.1f ms (median)" % (k[len("licensee-cli-"):], med(k) or 0))
    for set_, r in sorted(libs.items()):
        print("  licensee library, %-5s set: %d files x %d rounds, %.3f ms per file; licensee says %s"
              % (set_, r["files"], r["rounds"], r["seconds_per_file"] * 1000,
                 ", ".join("%s %d" % kv for kv in sorted(r["spdx"].items()))))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
