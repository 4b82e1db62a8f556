#!/usr/bin/env python3
"""A CGI in front of `git http-backend` that spoils the packs it sends.

Run by lighttpd in place of git-http-backend (see GIT_SERVER_CGI in
common.sh), with the path of git's exec dir in GIT_EXEC_DIR and a mode file
in CORRUPT_MODE_FILE.  It passes every request through, unchanged, unless the
mode file says otherwise for the answer to an upload-pack POST (the pack):

  flip      one byte in the middle of the pack's data is inverted; the pkt-line
            framing stays intact, so only the pack's own checks can notice
  trailer   one byte of the pack's trailing SHA-1 checksum is inverted
  cut       the answer stops half-way through the pack
"""
import os
import subprocess
import sys


def pack_positions(body):
    """Where the pack's bytes are in body: the data of side-band 1 pkt-lines."""
    at, where = 0, []
    while at + 4 <= len(body):
        size = int(body[at:at + 4], 16)
        if size < 4:                     # flush, delim or end of response
            at += 4
            continue
        if body[at + 4:at + 5] == b"\x01":
            where.extend(range(at + 5, at + size))
        at += size
    return where


def spoil(body, mode):
    where = pack_positions(body)
    if len(where) < 32:
        return body
    if mode == "cut":
        return body[:where[len(where) // 2]]
    at = where[len(where) // 2] if mode == "flip" else where[-10]
    return body[:at] + bytes([body[at] ^ 0xFF]) + body[at + 1:]


def main():
    backend = os.path.join(os.environ["GIT_EXEC_DIR"], "git-http-backend")
    request = sys.stdin.buffer.read()
    out = subprocess.run([backend], input=request, stdout=subprocess.PIPE,
                         check=False).stdout
    try:
        with open(os.environ["CORRUPT_MODE_FILE"]) as f:
            mode = f.read().strip()
    except FileNotFoundError:
        mode = ""
    if (mode and os.environ.get("REQUEST_METHOD") == "POST"
            and os.environ.get("PATH_INFO", "").endswith("/git-upload-pack")):
        head, sep, body = out.partition(b"\r\n\r\n")
        out = head + sep + spoil(body, mode)
    sys.stdout.buffer.write(out)


if __name__ == "__main__":
    main()
