#!/usr/bin/env python3
"""timecmd.py NAME RUNS RC OUT -- CMD...: time CMD, RUNS times after one untimed
warm-up, with time.perf_counter around subprocess.run (stdout and stderr
captured); append one JSON line to OUT:
    {"name": NAME, "times": [seconds...], "ok": true|false, "error": "..."}
A run whose exit status is not RC is a failure: the line says so (ok false,
error with the status and the end of stderr) and no time is kept for it.
Exit status 1 when any run failed.
"""
import json
import subprocess
import sys
import time


def main():
    name, runs, rc, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    assert sys.argv[5] == "--"
    cmd = sys.argv[6:]
    times, error = [], None
    for i in range(runs + 1):
        t0 = time.perf_counter()
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True)
        t = time.perf_counter() - t0
        if p.returncode != rc:
            error = "exit %d (expected %d): %s" % (p.returncode, rc,
                                                   p.stderr.decode(errors="replace")[-600:])
            break
        if i > 0:
            times.append(t)
    with open(out, "a") as f:
        f.write(json.dumps({"name": name, "times": times, "ok": error is None, "error": error}) + "\n")
    if error:
        print("bench: %s: %s" % (name, error), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
