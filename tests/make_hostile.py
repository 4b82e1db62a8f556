#!/usr/bin/env python3
"""make_hostile.py GITDIR SIZE_MB DEPTH: write into the bare repository
GITDIR, as loose objects, a commit on refs/heads/main whose tree holds
  big.txt       SIZE_MB MiB of text (one line of "# MIT" and then spaces)
  deep/         a chain of DEPTH folders "d", a file "f.py" at its end
  bad-utf8.py   a license comment in invalid UTF-8
  nul.c         a header comment, then NULs
  LICENSE       the MIT text in UTF-16 (a license file that is binary)
  notags.js     a 64 KiB single line (minified)
Written straight as objects: git's own tools would take minutes for the
chain."""
import hashlib
import os
import sys
import zlib


def put(gitdir, kind, body):
    data = b"%s %d\x00" % (kind, len(body)) + body
    oid = hashlib.sha1(data).hexdigest()
    path = os.path.join(gitdir, "objects", oid[:2], oid[2:])
    if not os.path.exists(path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(zlib.compress(data, 1))
    return oid


def tree(gitdir, entries):
    body = b""
    for mode, name, oid in sorted(entries, key=lambda e: e[1] +
                                  (b"/" if e[0] == b"40000" else b"")):
        body += mode + b" " + name + b"\x00" + bytes.fromhex(oid)
    return put(gitdir, b"tree", body)


def main():
    gitdir, size_mb, depth = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    blob = lambda b: put(gitdir, b"blob", b)
    big = blob(b"# MIT\n" + b" " * (size_mb * 1024 * 1024))
    leaf = tree(gitdir, [(b"100644", b"f.py", blob(b"# SPDX-License-Identifier: GPL-2.0-only\n"))])
    for _ in range(depth):
        leaf = tree(gitdir, [(b"40000", b"d", leaf)])
    mit = ("MIT License\n\nCopyright (c) 2023 DeepSeek\n\n"
           "Permission is hereby granted, free of charge, to any person\n")
    top = tree(gitdir, [
        (b"100644", b"big.txt", big),
        (b"40000", b"deep", leaf),
        (b"100644", b"bad-utf8.py", blob(b"# Licensed \xff\xfe\xc0\x80 under \xed\xa0\x80 terms\nx = 1\n")),
        (b"100644", b"nul.c", blob(b"/* Licensed under GPL */\n" + b"\x00" * 4096)),
        (b"100644", b"LICENSE", blob(mit.encode("utf-16"))),
        (b"100644", b"notags.js", blob(b"var a=1;" * 8192)),
    ])
    commit = put(gitdir, b"commit", b"tree %s\nauthor t <t@t> 0 +0000\n"
                 b"committer t <t@t> 0 +0000\n\nhostile\n" % top.encode())
    with open(os.path.join(gitdir, "refs", "heads", "main"), "w") as f:
        f.write(commit + "\n")


if __name__ == "__main__":
    main()
