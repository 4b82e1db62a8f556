#!/usr/bin/env python3
"""make_tree.py REPO OUT: write into folder OUT a work tree shaped like the
real repository REPO (tests/trees/REPO/TREE.tsv): every path, with the
real header lines where tests/trees/REPO/head/ has them (the files that
mention a license), the real license texts of tests/licenses for the
top-level LICENSE files, NUL-carrying bytes for images and other binaries,
and one line of code for the rest."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
BINARY = (".png", ".jpg", ".jpeg", ".gif", ".pdf", ".ico", ".webp", ".mp4",
          ".bin", ".pt", ".safetensors", ".whl", ".zip", ".gz", ".svg.gz")
LICENSES = {
    "LICENSE": "ok-deepseek-r1-LICENSE.txt",
    "LICENSE-CODE": "ok-janus-LICENSE-CODE.txt",
    "LICENSE-MODEL": "bad-deepseek-v3-LICENSE-MODEL.txt",
}


def main():
    repo, out = sys.argv[1], sys.argv[2]
    base = os.path.join(HERE, "trees", repo)
    with open(os.path.join(base, "TREE.tsv")) as f:
        rows = [line.rstrip("\n").split("\t") for line in f if line.strip()]
    for mode, _blob, _size, path in rows:
        if mode == "160000":
            continue            # a submodule: no file
        dest = os.path.join(out, path)
        os.makedirs(os.path.dirname(dest) or out, exist_ok=True)
        head = os.path.join(base, "head", path)
        if os.path.exists(head):
            data = open(head, "rb").read()
        elif path in LICENSES:
            data = open(os.path.join(HERE, "licenses", LICENSES[path]),
                        "rb").read()
        elif path.lower().endswith(BINARY):
            data = b"\x89BIN\x00\x01\x02" + path.encode()
        elif path.endswith(".py"):
            data = ("# %s\nx = 1\n" % path).encode()
        else:
            data = ("# %s\n" % path).encode()
        with open(dest, "wb") as f:
            f.write(data)
        if mode == "100755":
            os.chmod(dest, 0o755)


if __name__ == "__main__":
    main()
