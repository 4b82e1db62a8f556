#!/usr/bin/env python3
"""gen_verify.py DIR LICDIR COMMITS SMALL: the repositories of the verify benchmark.

DIR/upstream/NAME.git  the four DeepSeek repositories, "DeepSeek-sized": COMMITS
                       commits on main each (edits to ~60 source and doc files, a
                       tag every 150 commits, two side branches), their license
                       files the real ones of LICDIR, as upstream has them:
                         DeepSeek-V3   LICENSE-CODE (MIT), LICENSE-MODEL
                         DeepSeek-R1   LICENSE (MIT)
                         DeepSeek-VL2  LICENSE-CODE (MIT), LICENSE-MODEL
                         Janus         LICENSE-CODE (MIT), LICENSE-MODEL
                       committed with the first commit; LICENSE-MODEL of V3 and
                       VL2 is rewritten once, at 40% of the history, without its
                       trailing spaces (Janus's copy: same text, same fingerprint).
                       verify.sh mirrors them with `dsmirror fetch` over file://.
DIR/small/mirrors/sNNNN.git
                       SMALL bare repositories made in place as mirrors: 2 to 4
                       commits on main, tag v1, an MIT LICENSE whose copyright
                       line (year, holders) varies, one of the real MIT files in
                       every tenth.
DIR/big.json, DIR/small/mirrors.json
                       the dsmirror configurations (licenses as the repo has them).

History is written by one `git fast-import` per repository; every byte comes
from a fixed seed. Prints nothing but errors.
"""
import json
import os
import random
import shutil
import subprocess
import sys

from fastimport import Stream, text
from concurrent.futures import ThreadPoolExecutor

WORDS = ("model expert router gate kernel tensor shard checkpoint config batch "
         "epoch loss attention layer token weight inference training moe mla fp8 "
         "the a of to and in for with on by from is are be this that it as").split()

BIG = [  # name, {path: fixture file name}
    ("DeepSeek-V3", {"LICENSE-CODE": "MIT-DeepSeek-R1-LICENSE.txt",
                     "LICENSE-MODEL": "DeepSeek-Model-V3-LICENSE-MODEL.txt"}),
    ("DeepSeek-R1", {"LICENSE": "MIT-DeepSeek-R1-LICENSE.txt"}),
    ("DeepSeek-VL2", {"LICENSE-CODE": "MIT-Janus-LICENSE-CODE.txt",
                      "LICENSE-MODEL": "DeepSeek-Model-V3-LICENSE-MODEL.txt"}),
    ("Janus", {"LICENSE-CODE": "MIT-Janus-LICENSE-CODE.txt",
               "LICENSE-MODEL": "DeepSeek-Model-Janus-LICENSE-MODEL.txt"}),
]
MODEL_REWRITE = "DeepSeek-Model-Janus-LICENSE-MODEL.txt"

HOLDERS = ["DeepSeek", "Hangzhou DeepSeek Artificial Intelligence Co., Ltd.",
           "The Bench Authors", "Zhang Wei", "Li Na", "Example Labs"]


def edit(rng, lines):
    for _ in range(rng.randint(1, 4)):
        i = rng.randrange(len(lines))
        if rng.random() < 0.5:
            lines[i] = text(rng, WORDS, 1)[0]
        else:
            lines[i:i] = text(rng, WORDS, rng.randint(1, 5))


def big(seed, licenses, licdir, commits):
    rng = random.Random(seed)
    s = Stream(step=1800)
    files = {"inference/mod%02d.py" % i: text(rng, WORDS, rng.randint(40, 160)) for i in range(40)}
    files.update({"docs/page%02d.md" % i: text(rng, WORDS, rng.randint(20, 80)) for i in range(16)})
    files["README.md"] = text(rng, WORDS, 120)
    render = lambda p: "\n".join(files[p]) + "\n"
    first = {p: render(p) for p in files}
    for path, fixture in licenses.items():
        first[path] = open(os.path.join(licdir, fixture), "rb").read()
    main = s.commit("refs/heads/main", "Initial commit\n", first)
    forks = {}
    for n in range(1, commits):
        changes = {}
        for p in rng.sample(sorted(files), rng.randint(1, 3)):
            edit(rng, files[p])
            changes[p] = render(p)
        if n == int(commits * 0.4) and licenses.get("LICENSE-MODEL") != MODEL_REWRITE \
                and "LICENSE-MODEL" in licenses:
            changes["LICENSE-MODEL"] = open(os.path.join(licdir, MODEL_REWRITE), "rb").read()
        main = s.commit("refs/heads/main", "Update %s\n" % ", ".join(sorted(changes)), changes)
        if n % 150 == 0:
            tag = "v%d.%d" % (n // 1500 + 1, n // 150 % 10)
            s.tag(tag, main, "release %s\n" % tag)
        if n in (commits // 2, commits * 3 // 4):
            forks[n] = main
    for ref, at in (("refs/heads/dev", commits // 2), ("refs/heads/feature/fp8", commits * 3 // 4)):
        tip = forks[at]
        for k in range(30):
            p = rng.choice(sorted(files))
            edit(rng, files[p])
            tip = s.commit(ref, "%s %d\n" % (ref, k), {p: render(p)}, parent=tip if k == 0 else None)
    return s.bytes()


def mit_variant(rng, n, licdir, mit_texts):
    if n % 10 == 0:
        return mit_texts[n // 10 % len(mit_texts)]
    body = mit_texts[0].decode().split("\n", 3)[3]  # after title, blank, copyright
    holders = ", ".join(rng.sample(HOLDERS, rng.randint(1, 2)))
    years = str(rng.randint(2015, 2025))
    if rng.random() < 0.3:
        years += "-2025"
    title = rng.choice(["MIT License\n\n", "The MIT License (MIT)\n\n", ""])
    return ("%sCopyright (c) %s %s\n%s" % (title, years, holders, body)).encode()


def small(seed, licdir, mit_texts):
    rng = random.Random(seed)
    s = Stream(step=1800)
    readme = text(rng, WORDS, rng.randint(5, 30))
    tip = s.commit("refs/heads/main", "init\n", {
        "LICENSE": mit_variant(rng, seed, licdir, mit_texts),
        "README.md": "\n".join(readme) + "\n"})
    s.tag("v1", tip, "release v1\n")
    for k in range(rng.randint(1, 3)):
        edit(rng, readme)
        tip = s.commit("refs/heads/main", "docs %d\n" % k, {"README.md": "\n".join(readme) + "\n"})
    return s.bytes()


def fast_import(path, template, stream):
    shutil.copytree(template, path)
    # unpackLimit=0: a pack, as a fetched mirror has, even for a few objects.
    subprocess.run(["git", "-C", path, "-c", "fastimport.unpackLimit=0", "fast-import", "--quiet"],
                   input=stream, check=True)


def main():
    out, licdir, commits, nsmall = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    template = os.path.join(out, "template.git")
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", template], check=True)
    for hook in os.listdir(os.path.join(template, "hooks")):
        os.unlink(os.path.join(template, "hooks", hook))
    os.makedirs(os.path.join(out, "upstream"))
    os.makedirs(os.path.join(out, "small", "mirrors"))
    mit_texts = [open(os.path.join(licdir, f), "rb").read()
                 for f in ("MIT-DeepSeek-R1-LICENSE.txt", "MIT-Janus-LICENSE-CODE.txt")]
    jobs = []
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        for i, (name, licenses) in enumerate(BIG):
            jobs.append(pool.submit(fast_import, os.path.join(out, "upstream", name + ".git"), template,
                                    big(100 + i, licenses, licdir, commits)))
        for n in range(1, nsmall + 1):
            jobs.append(pool.submit(fast_import, os.path.join(out, "small", "mirrors", "s%04d.git" % n),
                                    template, small(n, licdir, mit_texts)))
        for j in jobs:
            j.result()
    shutil.rmtree(template)

    def lic_entries(licenses):
        return [dict(path=p, **({"spdx": "MIT"} if f.startswith("MIT") else {})) for p, f in licenses.items()]
    conf = {"version": 1, "root": "mirrors", "repos": [
        {"name": name, "url": "file://%s/upstream/%s.git" % (os.path.abspath(out), name),
         "licenses": lic_entries(licenses)} for name, licenses in BIG]}
    with open(os.path.join(out, "big.json"), "w") as f:
        f.write(json.dumps(conf, indent=2) + "\n")
    conf = {"version": 1, "root": "mirrors", "repos": [
        {"name": "s%04d" % n, "url": "file://%s/small/mirrors/s%04d.git" % (os.path.abspath(out), n),
         "licenses": [{"path": "LICENSE", "spdx": "MIT"}]} for n in range(1, nsmall + 1)]}
    with open(os.path.join(out, "small", "mirrors.json"), "w") as f:
        f.write(json.dumps(conf, indent=2) + "\n")


if __name__ == "__main__":
    main()
