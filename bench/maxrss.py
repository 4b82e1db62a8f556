#!/usr/bin/env python3
"""maxrss.py OUTFILE CMD...: run CMD; write to OUTFILE the largest RSS, in kB, of
any single process among CMD and the descendants it waited for (what
`/usr/bin/time -f %M -o OUTFILE CMD...` writes). Used when /usr/bin/time is
missing. Exits with CMD's status."""
import resource
import subprocess
import sys

rc = subprocess.call(sys.argv[2:])
with open(sys.argv[1], "w") as f:
    f.write("%d\n" % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(rc if rc >= 0 else 128 - rc)
