#!/usr/bin/env python3
"""gen_repos.py DIR MEDIUM SMALL: make the benchmark's upstream repositories.

DIR/mNN.git   MEDIUM repos of a few MB: ~400 commits of edits to 40 text files,
              a random (incompressible) 96-320 kB blob added or replaced every 25
              commits, branches main, dev, release/1.x and feature/search, tags
              v0.1.. every 40 commits on main (odd ones annotated), v1.0-rc on
              release/1.x.
DIR/sNNN.git  SMALL repos of a few kB: 3 to 6 commits on main, tag v1, and in
              every third one a branch "dev" with one more commit.

History is written with one `git fast-import` per repository (no `git commit`
spawns), kept as one pack as a server would hold it (the medium ones repacked
with deltas). Every
byte is derived from a fixed seed, so every run serves the same repositories.
Runs two repositories at a time.
"""
import os
import random
import subprocess
import sys

from fastimport import Stream, text
from concurrent.futures import ThreadPoolExecutor

WORDS = ("mirror fetch clone object tree blob commit tag branch remote pack index "
         "delta ref head origin upstream license model weight token layer attention "
         "expert router gate kernel tensor shard checkpoint config batch epoch loss "
         "the a of to and in for with on by from is are be this that it as").split()



def edit(rng, lines):
    """Change, insert or delete a few lines of a text file (a list of lines)."""
    for _ in range(rng.randint(1, 6)):
        i = rng.randrange(len(lines))
        op = rng.random()
        if op < 0.5:
            lines[i] = text(rng, WORDS, 1)[0]
        elif op < 0.85 or len(lines) < 50:
            lines[i:i] = text(rng, WORDS, rng.randint(1, 8))
        else:
            del lines[i]


def medium(seed, commits=400):
    rng = random.Random(seed)
    s = Stream(step=3600)
    files = {"src/mod%02d.py" % i: text(rng, WORDS, rng.randint(80, 250)) for i in range(28)}
    files.update({"docs/page%02d.md" % i: text(rng, WORDS, rng.randint(40, 150)) for i in range(12)})
    render = lambda path: "\n".join(files[path]) + "\n"

    first = dict((p, render(p)) for p in files)
    first["LICENSE"] = "MIT License\n\nCopyright (c) 2024 Bench\n"
    main = s.commit("refs/heads/main", "initial import\n", first)
    forks = {}
    tag_no = 0
    for n in range(1, commits):
        changes = {}
        for path in rng.sample(sorted(files), rng.randint(1, 3)):
            edit(rng, files[path])
            changes[path] = render(path)
        if n % 25 == 0:  # a binary asset: new, or a new version of an old one
            changes["assets/blob%02d.bin" % rng.randint(0, n // 25)] = \
                rng.randbytes(rng.randint(96, 320) * 1024)
        main = s.commit("refs/heads/main", "change %d\n\nedit %s\n" % (n, ", ".join(changes)), changes)
        if n % 40 == 0:
            tag_no += 1
            name = "v0.%d" % tag_no
            s.tag(name, main, "release %s\n" % name if tag_no % 2 else None)
        if n in (int(commits * 0.5), int(commits * 0.7), int(commits * 0.85)):
            forks[n] = main
    # Side branches, from points on main (their own edits to copies of the files).
    base = dict((p, list(l)) for p, l in files.items())
    for ref, at, count in (("release/1.x", int(commits * 0.5), 20),
                           ("dev", int(commits * 0.85), 40),
                           ("feature/search", int(commits * 0.7), 15)):
        tip = forks[at]
        for k in range(count):
            path = rng.choice(sorted(base))
            edit(rng, base[path])
            tip = s.commit("refs/heads/" + ref, "%s work %d\n" % (ref, k),
                           {path: "\n".join(base[path]) + "\n"}, parent=tip if k == 0 else None)
        if ref == "release/1.x":
            s.tag("v1.0-rc", tip, "release candidate\n")
    return s.bytes()


def small(seed):
    rng = random.Random(seed)
    s = Stream(step=3600)
    readme = text(rng, WORDS, rng.randint(5, 30))
    main = s.commit("refs/heads/main", "initial\n", {
        "README.md": "\n".join(readme) + "\n",
        "LICENSE": "MIT License\n\nCopyright (c) 2024 Bench\n",
        "src/main.c": "int main(void) { return %d; }\n" % rng.randint(0, 99)})
    for n in range(rng.randint(2, 5)):
        edit(rng, readme)
        main = s.commit("refs/heads/main", "update %d\n" % n,
                        {"README.md": "\n".join(readme) + "\n"})
    s.tag("v1", main)
    if seed % 3 == 0:
        s.commit("refs/heads/dev", "dev work\n", {"DEV.md": "wip\n"}, parent=main)
    return s.bytes()


def make(path, stream, repack):
    env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1")
    run = lambda *a, **k: subprocess.run(a, check=True, env=env, **k)
    run("git", "init", "-q", "--bare", "--template=", "-b", "main", path)
    run("git", "-C", path, "-c", "fastimport.unpackLimit=0", "fast-import", "--quiet", input=stream)
    if repack:
        run("git", "-C", path, "repack", "-adq")
    # Let `git http-backend` serve it without GIT_HTTP_EXPORT_ALL too.
    open(os.path.join(path, "git-daemon-export-ok"), "w").close()


def main():
    out, n_medium, n_small = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    os.makedirs(out, exist_ok=True)
    jobs = [(os.path.join(out, "m%02d.git" % i), lambda i=i: medium(1000 + i), True)
            for i in range(1, n_medium + 1)]
    jobs += [(os.path.join(out, "s%03d.git" % i), lambda i=i: small(i), False)
             for i in range(1, n_small + 1)]
    with ThreadPoolExecutor(2) as pool:
        for f in [pool.submit(lambda j=j: make(j[0], j[1](), j[2])) for j in jobs]:
            f.result()


if __name__ == "__main__":
    main()
