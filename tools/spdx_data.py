#!/usr/bin/env python3
"""spdx_data.py CHECKOUT [OUT]: derive data/spdx-licenses.json from a checkout
of SPDX's license-list-XML (https://github.com/spdx/license-list-XML).

For each license dsmirror's tree inventory knows (LICENSES below, in the
order a notice is tried against them), the license's full text and its
standardLicenseHeader, each as a list of pieces: a string is text that must
be there (as SPDX's matching guidelines normalise it), a number is a place
where the template lets the text vary (an <alt>, an <optional> part, the
title, copyright lines, bullets) and how many tokens may stand there. Nothing is typed in by hand: rerun this on a newer
checkout to update the data, and name that checkout's version.
"""
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

NS = "{http://www.spdx.org/license}"
# More specific first: "-or-later" before "-only", whose texts it contains.
LICENSES = [
    "Apache-2.0", "MPL-2.0",
    "AGPL-3.0-or-later", "AGPL-3.0-only",
    "LGPL-3.0-or-later", "LGPL-3.0-only",
    "LGPL-2.1-or-later", "LGPL-2.1-only",
    "GPL-3.0-or-later", "GPL-3.0-only",
    "GPL-2.0-or-later", "GPL-2.0-only",
    "BSD-3-Clause", "BSD-2-Clause", "ISC", "0BSD", "Zlib", "BSL-1.0",
    "Unlicense", "CC0-1.0", "MIT",
]
VARIABLE = {"alt", "optional", "copyrightText", "titleText", "bullet"}


def tokens(text):
    """About how many tokens license_norm.c makes of text."""
    return len(re.findall(r"\w+|[^\w\s]", text or ""))


def pieces(elem):
    """The text of elem as a list: strings (fixed text) and integers (a
    variable part: at most that many tokens of the text may stand there)."""
    out = []

    def add(text):
        text = re.sub(r"\s+", " ", text or "")
        if not text.strip():
            if out and isinstance(out[-1], str):
                out[-1] += " "
            return
        if out and isinstance(out[-1], str):
            out[-1] += text
        else:
            out.append(text)

    def variable(c, tag):
        # Room for the default wording, twice over, and some slack; more
        # for the parts that hold names, titles and copyright lines.
        n = tokens("".join(c.itertext()))
        room = 2 * n + 10
        if tag in ("copyrightText", "titleText") or c.get("match") == ".+":
            room += 40
        if out and isinstance(out[-1], int):
            out[-1] += room
        else:
            out.append(room)

    def walk(e):
        add(e.text)
        for c in e:
            tag = c.tag[len(NS):] if c.tag.startswith(NS) else c.tag
            if tag in VARIABLE:
                variable(c, tag)
            elif tag not in ("crossRefs", "notes", "standardLicenseHeader"):
                add(" ")
                walk(c)
                add(" ")
            add(c.tail)

    walk(elem)
    return [p.strip() if isinstance(p, str) else p for p in out
            if not isinstance(p, str) or p.strip()]


def main():
    src = sys.argv[1]
    out = sys.argv[2] if len(sys.argv) > 2 else "data/spdx-licenses.json"
    commit = subprocess.run(["git", "-C", src, "rev-parse", "HEAD"],
                            capture_output=True, text=True).stdout.strip()
    describe = subprocess.run(["git", "-C", src, "describe", "--tags"],
                              capture_output=True, text=True).stdout.strip()
    show = (lambda p: subprocess.run(["git", "-C", src, "show", "HEAD:" + p],
                                     capture_output=True, check=True).stdout)
    data = {
        "source": "https://github.com/spdx/license-list-XML",
        "version": describe,
        "commit": commit,
        "generated_by": "tools/spdx_data.py",
        "licenses": [],
    }
    for lid in LICENSES:
        root = ET.fromstring(show("src/%s.xml" % lid))
        lic = root.find(NS + "license")
        text = lic.find(NS + "text")
        header = lic.find(".//" + NS + "standardLicenseHeader")
        data["licenses"].append({
            "id": lid,
            "name": lic.get("name"),
            "text": pieces(text),
            "header": pieces(header) if header is not None else None,
        })
    with open(out, "w") as f:
        json.dump(data, f, indent=1, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
