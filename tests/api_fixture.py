#!/usr/bin/env python3
"""Make and change the repositories that tests/api_server.py serves.

    api_fixture.py DATA.json add  OWNER/NAME [options]   add or replace a repo
    api_fixture.py DATA.json edit OWNER/NAME [options]   change one
    api_fixture.py DATA.json get  OWNER/NAME [PYEXPR]    print it, or PYEXPR of it

DATA.json is the server's data file; it is created as {"repos": {}} if missing
and always written whole to a temp file renamed over it, so that the server,
which re-reads it on every request, never sees half of it.

Everything made is deterministic: the same commands give the same file. Names:
    releases   v1.0 (oldest) ... vN.0 (newest), listed newest first; release i
               is published on 2024-01-01 + i days
    assets     NAME-TAG.tar.gz, NAME-TAG.zip, then NAME-TAG-3.bin ... (--assets)
    tags       one per published release (v1.0 ... ), or --tags N of them
Timestamps that an edit sets are an hour after the latest one in the entry.

add options:
    --releases N (default 0)   --assets N per release (default 2)   --tags N
    --license SPDX|NOASSERTION|none (default MIT)  --archived  --default-branch B
    --draft-latest  --prerelease-latest  --status CODE  --message TEXT
    --renamed-from OLD/NAME (repeatable)  --links-by-id  --id N
    --base URL (of the API, for the "url" fields; default https://api.github.com)
    --html-base URL (default https://github.com)  --clone-url URL
edit options (applied in this order, whatever the command line's):
    --rename NEW/NAME          the old name goes to renamed_from (GitHub: 301)
    --add-release TAG          a new newest release (with --draft, --prerelease,
                               --assets N); published, it gets its tag too
    --publish TAG              a draft becomes a published release (and a tag)
    --remove-release TAG
    --add-tag TAG SHA  --move-tag TAG SHA  --remove-tag TAG
    --add-asset TAG ASSET  --touch-asset TAG ASSET  --remove-asset TAG ASSET
                               touch: new size (+1), digest and updated_at
    --license SPDX|none  --archived  --unarchived  --default-branch B
    --status CODE|none  --message TEXT  --clone-url URL
    --push                     pushed_at moves on (a push of commits)
    --exec CODE                python run last, with entry, repo, releases,
                               tags, release(TAG), asset(TAG, NAME), tag(NAME)
pushed_at (and updated_at) move on, as on GitHub, when refs change: --push,
a published --add-release or --publish (they make a tag), and the tag edits;
updated_at alone with --rename, --license, --(un)archived, --default-branch.
"""

import argparse
import datetime
import hashlib
import json
import os
import sys

BASE_TIME = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
FIRST_REPO_ID = 900000001

LICENSES = {   # GitHub's license objects, by SPDX id
    "MIT": ("mit", "MIT License", "MDc6TGljZW5zZTEz"),
    "Apache-2.0": ("apache-2.0", "Apache License 2.0", "MDc6TGljZW5zZTI="),
    "BSD-3-Clause": ("bsd-3-clause", 'BSD 3-Clause "New" or "Revised" License',
                     "MDc6TGljZW5zZTU="),
    "GPL-3.0": ("gpl-3.0", "GNU General Public License v3.0", "MDc6TGljZW5zZTk="),
}


def hexdigest(*parts, n=64):
    return hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest()[:n]


def iso(when):
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def license_obj(spdx, base):
    if spdx.lower() == "none":
        return None
    if spdx in ("NOASSERTION", "other"):   # GitHub's "a license it can't name"
        return {"key": "other", "name": "Other", "spdx_id": "NOASSERTION",
                "url": None, "node_id": "MDc6TGljZW5zZTA="}
    key, name, node = LICENSES.get(spdx, (spdx.lower(), spdx, "MDc6TGljZW5zZ" + hexdigest(spdx, n=4)))
    return {"key": key, "name": name, "spdx_id": spdx,
            "url": "%s/licenses/%s" % (base, key), "node_id": node}


class Fixture:
    """URLs and ids of one repository entry."""

    def __init__(self, entry, base, html):
        self.entry = entry
        self.base, self.html = base, html

    @property
    def repo(self):
        return self.entry["repo"]

    @property
    def full(self):
        return self.repo["full_name"]

    def user(self, login):
        return {"login": login, "id": int(hexdigest("user", login, n=7), 16),
                "node_id": "MDQ6VXNlcj" + hexdigest("user", login, n=6),
                "type": "Organization" if login == self.repo["owner"]["login"] else "User",
                "url": "%s/users/%s" % (self.base, login),
                "html_url": "%s/%s" % (self.html, login), "site_admin": False}

    def asset(self, tag, name, asset_id, when):
        kind = ("application/gzip" if name.endswith(".gz") else
                "application/zip" if name.endswith(".zip") else "application/octet-stream")
        return {"url": "%s/repos/%s/releases/assets/%d" % (self.base, self.full, asset_id),
                "id": asset_id, "node_id": "RA_kwDO" + hexdigest("asset", asset_id, n=12),
                "name": name, "label": "", "uploader": self.user("release-bot"),
                "content_type": kind, "state": "uploaded",
                "size": 1000 + int(hexdigest(self.full, tag, name, n=6), 16) % 10 ** 6,
                "digest": "sha256:" + hexdigest("digest", self.full, tag, name),
                "download_count": 0, "created_at": iso(when), "updated_at": iso(when),
                "browser_download_url": "%s/%s/releases/download/%s/%s" % (
                    self.html, self.full, tag, name)}

    def release(self, tag, rel_id, when, n_assets, draft=False, prerelease=False):
        name = self.repo["name"]
        names = ["%s-%s.tar.gz" % (name, tag), "%s-%s.zip" % (name, tag)]
        names += ["%s-%s-%d.bin" % (name, tag, k) for k in range(3, n_assets + 1)]
        return {"url": "%s/repos/%s/releases/%d" % (self.base, self.full, rel_id),
                "assets_url": "%s/repos/%s/releases/%d/assets" % (self.base, self.full, rel_id),
                "upload_url": "https://uploads.github.com/repos/%s/releases/%d/assets{?name,label}"
                              % (self.full, rel_id),
                "html_url": "%s/%s/releases/tag/%s" % (self.html, self.full, tag),
                "id": rel_id, "author": self.user("release-bot"),
                "node_id": "RE_kwDO" + hexdigest("release", rel_id, n=12),
                "tag_name": tag, "target_commitish": self.repo["default_branch"],
                "name": "%s %s" % (name, tag), "draft": draft, "prerelease": prerelease,
                "created_at": iso(when),
                # GitHub: a draft has no published_at
                "published_at": None if draft else iso(when + datetime.timedelta(minutes=10)),
                "assets": [self.asset(tag, a, rel_id * 100 + k, when + datetime.timedelta(minutes=5))
                           for k, a in enumerate(names[:n_assets], 1)],
                "tarball_url": "%s/repos/%s/tarball/%s" % (self.base, self.full, tag),
                "zipball_url": "%s/repos/%s/zipball/%s" % (self.base, self.full, tag),
                "body": "Release notes of %s." % tag}

    def tag(self, tag, sha=None):
        sha = sha or hexdigest("commit", self.full, tag, n=40)
        return {"name": tag,
                "zipball_url": "%s/repos/%s/zipball/refs/tags/%s" % (self.base, self.full, tag),
                "tarball_url": "%s/repos/%s/tarball/refs/tags/%s" % (self.base, self.full, tag),
                "commit": {"sha": sha, "url": "%s/repos/%s/commits/%s" % (self.base, self.full, sha)},
                "node_id": "REF_kwDO" + hexdigest("tag", self.full, tag, n=12)}

    def set_repo(self, owner, name, repo_id, branch, archived, spdx, clone_url):
        full = "%s/%s" % (owner, name)
        b = "%s/repos/%s" % (self.base, full)
        self.entry["repo"] = {
            "id": repo_id, "node_id": "R_kgDO" + hexdigest("repo", repo_id, n=8),
            "name": name, "full_name": full, "private": False,
            "owner": {"login": owner}, "html_url": "%s/%s" % (self.html, full),
            "description": "%s, a test repository" % name, "fork": False, "url": b,
            "releases_url": b + "/releases{/id}", "tags_url": b + "/tags",
            "created_at": iso(BASE_TIME), "updated_at": iso(BASE_TIME),
            "pushed_at": iso(BASE_TIME),
            "git_url": "git://github.com/%s.git" % full, "ssh_url": "git@github.com:%s.git" % full,
            "clone_url": clone_url or "%s/%s.git" % (self.html, full),
            "homepage": None, "size": 1024, "stargazers_count": 0, "watchers_count": 0,
            "language": "Python", "has_issues": True, "has_downloads": True,
            "forks_count": 0, "archived": archived, "disabled": False,
            "open_issues_count": 0, "license": license_obj(spdx, self.base),
            "allow_forking": True, "is_template": False, "topics": [],
            "visibility": "public", "forks": 0, "open_issues": 0, "watchers": 0,
            "default_branch": branch}
        self.entry["repo"]["owner"] = self.user(owner)


def latest_time(obj):
    """The latest *_at timestamp anywhere in OBJ (BASE_TIME if none)."""
    found = [BASE_TIME]

    def walk(o):
        if isinstance(o, dict):
            for k, v in o.items():
                if k.endswith("_at") and isinstance(v, str):
                    try:
                        found.append(parse_iso(v))
                    except ValueError:
                        pass
                else:
                    walk(v)
        elif isinstance(o, list):
            for v in o:
                walk(v)
    walk(obj)
    return max(found)


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        return {"repos": {}}


def save(path, data):
    tmp = "%s.tmp%d" % (path, os.getpid())
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=1)
        f.write("\n")
    os.replace(tmp, path)


def find_key(repos, name):
    return next((k for k in repos if k.lower() == name.lower()), None)


def cmd_add(data, a):
    repos = data.setdefault("repos", {})
    owner, name = a.repo.split("/", 1)
    key = find_key(repos, a.repo)
    old = repos.pop(key) if key else None
    if a.id is not None:
        repo_id = a.id
    elif old is not None:   # the same repository, replaced: it keeps its id
        repo_id = old["repo"]["id"]
    else:
        repo_id = max([FIRST_REPO_ID - 1] + [e.get("repo", {}).get("id", 0)
                                            for e in repos.values()]) + 1
    entry = {}
    fx = Fixture(entry, a.base, a.html_base)
    fx.set_repo(owner, name, repo_id, a.default_branch, a.archived, a.license, a.clone_url)
    releases = []
    for i in range(1, a.releases + 1):
        newest = i == a.releases
        releases.insert(0, fx.release("v%d.0" % i, repo_id * 10000 + i,
                                      BASE_TIME + datetime.timedelta(days=i), a.assets,
                                      draft=newest and a.draft_latest,
                                      prerelease=newest and a.prerelease_latest))
    entry["releases"] = releases
    n_tags = a.tags if a.tags is not None else sum(not r["draft"] for r in releases)
    entry["tags"] = [fx.tag("v%d.0" % i) for i in range(n_tags, 0, -1)]
    pushed = latest_time(entry) + datetime.timedelta(hours=1)
    entry["repo"]["pushed_at"] = entry["repo"]["updated_at"] = iso(pushed)
    if a.status is not None:
        entry["status"] = a.status
    if a.message is not None:
        entry["message"] = a.message
    if a.renamed_from:
        entry["renamed_from"] = a.renamed_from
    if a.links_by_id:
        entry["links_by_id"] = True
    repos[a.repo] = entry


class Helpers(dict):
    """The names that --exec and get's PYEXPR see."""

    def __init__(self, entry):
        super().__init__(entry=entry, repo=entry["repo"],
                         releases=entry.setdefault("releases", []),
                         tags=entry.setdefault("tags", []),
                         release=lambda t: find(entry["releases"], "tag_name", t, "release"),
                         tag=lambda t: find(entry["tags"], "name", t, "tag"),
                         asset=lambda t, n: find(find(entry["releases"], "tag_name", t,
                                                      "release")["assets"], "name", n, "asset"))


def find(items, key, value, what):
    for item in items:
        if item[key] == value:
            return item
    sys.exit("api_fixture: no %s %s" % (what, value))


def cmd_edit(data, a):
    repos = data.get("repos", {})
    key = find_key(repos, a.repo)
    if key is None:
        sys.exit("api_fixture: no repo %s in the data file" % a.repo)
    entry = repos[key]
    h = Helpers(entry)
    base = a.base or entry["repo"]["url"].rsplit("/repos/", 1)[0]
    html = entry["repo"]["html_url"].rsplit("/", 2)[0]
    fx = Fixture(entry, base, html)
    releases, tags = h["releases"], h["tags"]
    step = datetime.timedelta(hours=1)

    def later():
        return latest_time(entry) + step

    if a.rename:
        owner, name = a.rename.split("/", 1)
        del repos[key]
        entry.setdefault("renamed_from", []).append(entry["repo"]["full_name"])
        r = entry["repo"]
        r.update(name=name, full_name=a.rename, html_url="%s/%s" % (html, a.rename),
                 url="%s/repos/%s" % (base, a.rename), owner=fx.user(owner))
        key = a.rename
        repos[key] = entry
    pushed = a.push   # git refs changed: pushed_at moves on
    for t in a.add_release:
        rel_id = max([entry["repo"]["id"] * 10000] + [r["id"] for r in releases]) + 1
        rel = fx.release(t, rel_id, later(), a.assets, draft=a.draft, prerelease=a.prerelease)
        releases.insert(0, rel)
        if not a.draft and not any(x["name"] == t for x in tags):
            tags.insert(0, fx.tag(t))
            pushed = True
    for t in a.publish:
        rel = h["release"](t)
        rel["draft"] = False
        rel["published_at"] = iso(later())
        if not any(x["name"] == t for x in tags):
            tags.insert(0, fx.tag(t))
            pushed = True
    for t in a.remove_release:
        releases.remove(h["release"](t))
    for t, sha in a.add_tag:
        tags.insert(0, fx.tag(t, sha))
        pushed = True
    for t, sha in a.move_tag:
        tag = h["tag"](t)
        tag["commit"] = fx.tag(t, sha)["commit"]
        pushed = True
    for t in a.remove_tag:
        tags.remove(h["tag"](t))
        pushed = True
    for t, name in a.add_asset:
        rel = h["release"](t)
        asset_id = max([rel["id"] * 100] + [x["id"] for x in rel["assets"]]) + 1
        rel["assets"].append(fx.asset(t, name, asset_id, later()))
    for t, name in a.touch_asset:
        asset = h["asset"](t, name)
        asset.update(size=asset["size"] + 1,
                     digest="sha256:" + hexdigest("touched", asset["digest"]),
                     updated_at=iso(later()))
    for t, name in a.remove_asset:
        rel = h["release"](t)
        rel["assets"].remove(h["asset"](t, name))
    r = entry["repo"]
    if a.license is not None:
        r["license"] = license_obj(a.license, base)
    if a.archived is not None:
        r["archived"] = a.archived
    if a.default_branch is not None:
        r["default_branch"] = a.default_branch
    if a.clone_url is not None:
        r["clone_url"] = a.clone_url
    if a.status is not None:
        if a.status == "none":
            entry.pop("status", None)
        else:
            entry["status"] = int(a.status)
    if a.message is not None:
        entry["message"] = a.message
    if pushed:
        r["pushed_at"] = r["updated_at"] = iso(later())
    elif a.rename or a.license is not None or a.archived is not None or a.default_branch:
        r["updated_at"] = iso(later())
    if a.exec:
        exec(a.exec, {}, h)


def cmd_get(data, a):
    key = find_key(data.get("repos", {}), a.repo)
    if key is None:
        sys.exit("api_fixture: no repo %s in the data file" % a.repo)
    entry = data["repos"][key]
    v = eval(a.expr, {}, Helpers(entry)) if a.expr else entry
    print(v if isinstance(v, str) else json.dumps(v, indent=1))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("data")
    sub = p.add_subparsers(dest="cmd", required=True)

    add = sub.add_parser("add")
    add.set_defaults(func=cmd_add)
    add.add_argument("repo", metavar="OWNER/NAME")
    add.add_argument("--releases", type=int, default=0)
    add.add_argument("--assets", type=int, default=2)
    add.add_argument("--tags", type=int)
    add.add_argument("--license", default="MIT")
    add.add_argument("--archived", action="store_true")
    add.add_argument("--default-branch", default="main")
    add.add_argument("--draft-latest", action="store_true")
    add.add_argument("--prerelease-latest", action="store_true")
    add.add_argument("--status", type=int)
    add.add_argument("--message")
    add.add_argument("--renamed-from", action="append", default=[])
    add.add_argument("--links-by-id", action="store_true")
    add.add_argument("--id", type=int)
    add.add_argument("--base", default="https://api.github.com")
    add.add_argument("--html-base", default="https://github.com")
    add.add_argument("--clone-url")

    edit = sub.add_parser("edit")
    edit.set_defaults(func=cmd_edit)
    edit.add_argument("repo", metavar="OWNER/NAME")
    edit.add_argument("--rename", metavar="NEW/NAME")
    edit.add_argument("--add-release", action="append", default=[], metavar="TAG")
    edit.add_argument("--draft", action="store_true")
    edit.add_argument("--prerelease", action="store_true")
    edit.add_argument("--assets", type=int, default=2)
    edit.add_argument("--publish", action="append", default=[], metavar="TAG")
    edit.add_argument("--remove-release", action="append", default=[], metavar="TAG")
    edit.add_argument("--add-tag", nargs=2, action="append", default=[], metavar=("TAG", "SHA"))
    edit.add_argument("--move-tag", nargs=2, action="append", default=[], metavar=("TAG", "SHA"))
    edit.add_argument("--remove-tag", action="append", default=[], metavar="TAG")
    edit.add_argument("--add-asset", nargs=2, action="append", default=[], metavar=("TAG", "ASSET"))
    edit.add_argument("--touch-asset", nargs=2, action="append", default=[], metavar=("TAG", "ASSET"))
    edit.add_argument("--remove-asset", nargs=2, action="append", default=[], metavar=("TAG", "ASSET"))
    edit.add_argument("--license")
    edit.add_argument("--archived", action="store_const", const=True)
    edit.add_argument("--unarchived", dest="archived", action="store_const", const=False)
    edit.add_argument("--default-branch")
    edit.add_argument("--status", metavar="CODE|none")
    edit.add_argument("--message")
    edit.add_argument("--clone-url")
    edit.add_argument("--push", action="store_true")
    edit.add_argument("--exec", metavar="CODE")
    edit.add_argument("--base", help="API base of new URLs (default: the repo's)")

    get = sub.add_parser("get")
    get.set_defaults(func=cmd_get)
    get.add_argument("repo", metavar="OWNER/NAME")
    get.add_argument("expr", nargs="?", metavar="PYEXPR")

    a = p.parse_args()
    data = load(a.data)
    a.func(data, a)
    if a.cmd != "get":
        save(a.data, data)


if __name__ == "__main__":
    main()
