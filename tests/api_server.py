#!/usr/bin/env python3
"""A fake of the GitHub REST API over HTTPS, for dsmirror's integration tests.

    api_server.py --port-file FILE --cert CERT --key KEY --data DATA.json
                  --faults FAULTS.json --log LOG.jsonl [--name NAME] [--port N]

Listens on 127.0.0.1 only (port 0, i.e. any free one, unless --port), writes
the port to --port-file once it listens, and serves until SIGTERM. Python's
standard library only.

DATA.json (re-read on every request; write it elsewhere and rename it over):
    {"repos": {"owner/name": {
        "repo": {...},         the repository object, as GET /repos/o/n gives
        "releases": [...],     release objects, newest first
        "tags": [...],         tag objects {"name", "commit": {"sha", "url"}}
        "status": 404,         optional: every route of the repo answers this
        "message": "...",      optional: the message of that answer
        "renamed_from": ["old/name", ...],  optional: those names answer 301
        "links_by_id": true}}} optional: Link headers name /repositories/ID/...
                               as GitHub's do, instead of the request's path

Routes (GET; HEAD too, without a body; anything else is a 404):
    /repos/O/N   /repos/O/N/releases   /repos/O/N/tags   /repos/O/N/releases/latest
    /repositories/ID   and the same three below it

FAULTS.json (re-read on every request; missing or empty: no faults):
    {"faults": [{"mode": M, "path": PREFIX, "times": N, ...params}]}
The first fault whose PREFIX starts the request's path (with its query) and
that has times left applies; the counts are kept per fault index and start
again whenever the file's content changes. Modes and their params:
    status               code (default 500), message
    ratelimit            seconds (default 1): 403, retry-after (secondary limit)
    ratelimit-exhausted  reset (default 60): 403, x-ratelimit-remaining: 0
    429                  seconds (default 1): 429, retry-after
    malformed            200, the real body cut in half, a matching ETag
    huge                 mib (default 64): 200, chunked, MiB of a JSON array
    hang                 never answers (the connection stays open)
    redirect             status (default 301), location, append_path (bool)
and every mode takes "headers": {name: value} to add to its answer.

LOG.jsonl: one JSON object a line, flushed at once, for each request:
    {"time", "conn", "server", "method", "path", "host", "headers", "status",
     "fault", "peer"}
"conn" numbers the accepted connections 1, 2, ... (so requests that share a
number shared a connection); "status" is null for a hang, which is logged
before it starts. Other lines have an "event" instead of a "method":
    {"time", "conn", "server", "event": "tls-error", "error", "peer"}
        the TLS handshake failed (an OpenSSL client that refuses our
        certificate says so with an alert, during the handshake)
    {"time", "conn", "server", "event": "no-request", "peer"}
        a connection closed before any request (a GnuTLS client refuses the
        certificate after the handshake, so it shows as this)
"""

import argparse
import datetime
import email.utils
import hashlib
import http
import json
import os
import select
import signal
import ssl
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlsplit

RATE_LIMIT = int(os.environ.get("API_RATE_LIMIT", "5000"))   # the bench raises it
DOCS = "https://docs.github.com/rest"
LIST_LAST_MODIFIED = "Mon, 01 Jan 2024 00:00:00 GMT"   # lists: any fixed date
JSON_TYPE = "application/json; charset=utf-8"

# GitHub's messages for the statuses a test is likely to ask for.
MESSAGES = {
    401: "Bad credentials",
    403: "Forbidden",
    404: "Not Found",
    409: "Git Repository is empty.",
    451: "Repository access blocked",
    500: "Server Error",
    502: "Server Error",
    503: "Service Unavailable",
    504: "We couldn't respond to your request in time. Sorry about that. "
         "Please try resubmitting your request and contact us if the problem persists.",
}
SECONDARY_MESSAGE = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before "
    "you try again. If you reach out to GitHub Support for help, please include "
    "the request ID %s.")
EXHAUSTED_MESSAGE = (
    "API rate limit exceeded for %s. (But here's the good news: Authenticated "
    "requests get a higher rate limit. Check out the documentation for more details.)")


class BadFile(Exception):
    """DATA.json or FAULTS.json does not parse: a mistake of the test's."""


class Reply:
    """One answer: status, headers, body (bytes or None), the fault's mode."""

    def __init__(self, status, body=None, headers=None, fault=None):
        self.status = status
        self.body = body
        self.headers = list(headers or [])
        self.fault = fault
        self.exhausted = None   # the reset time of a used-up rate limit


def to_json(obj):
    # GitHub pretty-prints its JSON with two spaces, without a final newline.
    return json.dumps(obj, indent=2, ensure_ascii=False).encode("utf-8")


def error_body(status, message=None, documentation_url=DOCS, **more):
    """A GitHub-shaped error body: message, documentation_url, status."""
    if message is None:
        message = MESSAGES.get(status)
    if message is None:
        try:
            message = http.HTTPStatus(status).phrase
        except ValueError:
            message = "Error"
    obj = {"message": message, "documentation_url": documentation_url}
    obj.update(more)
    obj["status"] = str(status)   # GitHub's error bodies carry it as a string
    return to_json(obj)


def http_date(iso):
    """'2024-01-02T03:04:05Z' as an HTTP date; the fixed list date if unparsable."""
    try:
        when = datetime.datetime.fromisoformat(str(iso).replace("Z", "+00:00"))
        return email.utils.format_datetime(when.astimezone(datetime.timezone.utc),
                                           usegmt=True)
    except ValueError:
        return LIST_LAST_MODIFIED


def etag_of(body):
    return 'W/"%s"' % hashlib.sha256(body).hexdigest()


def etag_matches(if_none_match, etag):
    """If-None-Match holds ETAG exactly, in a list "a, b", or is "*"."""
    for candidate in if_none_match.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate == etag:
            return True
    return False


class Faults:
    """FAULTS.json, re-read on each request, and how often each fault applied."""

    def __init__(self, path):
        self.path = path
        self.lock = threading.Lock()
        self.text = None
        self.faults = []
        self.counts = []

    def pick(self, path):
        """The fault that applies to a request of PATH (with its query), or None."""
        try:
            with open(self.path, encoding="utf-8") as f:
                text = f.read()
        except FileNotFoundError:
            text = ""
        with self.lock:
            if text != self.text:
                try:
                    faults = json.loads(text).get("faults", []) if text.strip() else []
                except (ValueError, AttributeError) as e:
                    raise BadFile("bad faults file %s: %s" % (self.path, e))
                self.text, self.faults, self.counts = text, faults, [0] * len(faults)
            for i, fault in enumerate(self.faults):
                if not path.startswith(fault.get("path", "")):
                    continue
                times = fault.get("times")
                if times is not None and self.counts[i] >= times:
                    continue
                self.counts[i] += 1
                return fault
        return None


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, args):
        self.args = args
        self.name = args.name
        self.faults = Faults(args.faults)
        self.lock = threading.Lock()
        self.conns = last_conn(args.log)   # a restart goes on with the numbers
        self.remaining = RATE_LIMIT
        self.reset = int(time.time()) + 3600
        self.local = threading.local()
        self.log_file = open(args.log, "a", encoding="utf-8")
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.load_cert_chain(args.cert, args.key)
        self.ctx.set_alpn_protocols(["http/1.1"])   # no h2 here
        super().__init__(("127.0.0.1", args.port), Handler)

    def log(self, record):
        line = json.dumps(record, ensure_ascii=False) + "\n"
        with self.lock:
            if not self.log_file.closed:
                self.log_file.write(line)
                self.log_file.flush()

    def rate_headers(self, counted):
        """x-ratelimit-* of an answer; COUNTED answers use one request up."""
        with self.lock:
            if counted and self.remaining > 0:
                self.remaining -= 1
            remaining = self.remaining
        return [("x-ratelimit-limit", str(RATE_LIMIT)),
                ("x-ratelimit-remaining", str(remaining)),
                ("x-ratelimit-reset", str(self.reset)),
                ("x-ratelimit-used", str(RATE_LIMIT - remaining)),
                ("x-ratelimit-resource", "core")]

    def load_data(self):
        """The data file's repos, parsed again only when the file changed
        (tests replace it by a rename: a new inode or mtime)."""
        try:
            st = os.stat(self.args.data)
            key = (st.st_ino, st.st_mtime_ns, st.st_size)
            cached = getattr(self, "data_cache", None)
            if cached is not None and cached[0] == key:
                return cached[1]
            with open(self.args.data, encoding="utf-8") as f:
                data = json.load(f)
            repos = data.get("repos", {})
            self.data_cache = (key, repos)
            return repos
        except (OSError, ValueError, AttributeError) as e:
            raise BadFile("bad data file %s: %s" % (self.args.data, e))

    # Each connection gets its number, then its TLS handshake, in its own
    # thread: a client that never says hello holds up nobody else.
    def finish_request(self, sock, addr):
        with self.lock:
            self.conns += 1
            conn = self.conns
        peer = "%s:%d" % addr[:2]
        try:
            sock.settimeout(10)
            tls = self.ctx.wrap_socket(sock, server_side=True)
        except (OSError, ValueError) as e:   # ssl.SSLError is an OSError
            self.log({"time": time.time(), "conn": conn, "server": self.name,
                      "event": "tls-error", "error": str(e), "peer": peer})
            return
        try:
            tls.settimeout(None)
            self.local.conn, self.local.peer = conn, peer
            if Handler(tls, addr, self).requests == 0:
                # e.g. a GnuTLS client, which checks our certificate after
                # the handshake and then hangs up without a word
                self.log({"time": time.time(), "conn": conn, "server": self.name,
                          "event": "no-request", "peer": peer})
        except OSError:
            pass   # the client went away
        finally:
            tls.close()

    def handle_error(self, request, client_address):
        exc = sys.exc_info()[1]
        if not isinstance(exc, OSError):
            super().handle_error(request, client_address)


def last_conn(log):
    """The highest "conn" in LOG so far (0 if none)."""
    n = 0
    try:
        with open(log, encoding="utf-8") as f:
            for line in f:
                try:
                    n = max(n, int(json.loads(line).get("conn") or 0))
                except (ValueError, AttributeError, TypeError):
                    pass
    except FileNotFoundError:
        pass
    return n


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"   # keep-alive: every answer has a length
    server_version = "GitHub.com"
    sys_version = ""
    timeout = 60                    # an idle keep-alive connection is closed
    disable_nagle_algorithm = True

    requests = 0   # answered on this connection so far

    def do_GET(self):
        self.requests += 1
        self.serve()

    do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_GET

    def log_request(self, code="-", size="-"):
        pass   # LOG.jsonl says it all

    def version_string(self):
        return self.server_version

    # ------------------------------------------------------------ a request

    def serve(self):
        self.received = time.time()
        length = self.headers.get("Content-Length")
        if length:   # a body we do not want, read so the next request parses
            self.rfile.read(int(length))
        elif self.headers.get("Transfer-Encoding"):
            self.close_connection = True
        url = urlsplit(self.path)
        self.req_path, self.query = url.path, url.query
        self.host = self.headers.get("Host") or "127.0.0.1:%d" % self.server.server_port
        try:
            fault = self.server.faults.pick(self.path)
            if fault is None:
                self.send(self.route())
            else:
                self.apply_fault(fault)
        except BadFile as e:
            print("api_server: %s" % e, file=sys.stderr, flush=True)
            self.send(Reply(500, error_body(500, "api_server: %s" % e)))

    def route(self):
        """The answer of the fake API to the request, faults aside."""
        if self.command not in ("GET", "HEAD"):
            return Reply(404, error_body(404))
        repos = self.server.load_data()
        parts = self.req_path.split("/")[1:]
        entry = None
        if len(parts) >= 3 and parts[0] == "repos":
            name, rest = "%s/%s" % (parts[1], parts[2]), parts[3:]
            entry = find_repo(repos, name)
            if entry is None:
                old = find_renamed(repos, name)
                if old is not None:
                    return self.moved(old, rest)
        elif len(parts) >= 2 and parts[0] == "repositories" and parts[1].isdigit():
            rest = parts[2:]
            entry = next((e for e in repos.values()
                          if str(e.get("repo", {}).get("id")) == parts[1]), None)
        if entry is None:
            return Reply(404, error_body(404))
        if entry.get("status"):
            return self.repo_status(entry)

        sub = "/".join(rest)
        repo = entry.get("repo", {})
        if sub == "":
            return self.ok(to_json(repo), http_date(repo.get("pushed_at")))
        if sub in ("releases", "tags"):
            if entry.get("links_by_id"):
                link_path = "/repositories/%s/%s" % (repo.get("id"), sub)
            else:
                link_path = self.req_path
            return self.page(entry.get(sub, []), link_path)
        if sub == "releases/latest":
            # GitHub: the newest release that is neither a draft nor a
            # prerelease; none is a 404 (without an ETag, like every error).
            for rel in entry.get("releases", []):
                if not rel.get("draft") and not rel.get("prerelease"):
                    return self.ok(to_json(rel), http_date(rel.get("published_at")))
            return Reply(404, error_body(
                404, documentation_url=DOCS + "/releases/releases#get-the-latest-release"))
        return Reply(404, error_body(404))

    def repo_status(self, entry):
        status = int(entry["status"])
        more = {}
        if status == 451:   # what GitHub says of a repository taken down
            more["block"] = {"reason": "dmca", "created_at": "2024-01-01T00:00:00Z",
                             "html_url": "https://github.com/github/dmca/blob/master/2024/01/2024-01-01-test.md"}
        return Reply(status, error_body(status, entry.get("message"), **more))

    def moved(self, entry, rest):
        # GitHub answers a renamed (or transferred) repository's old name with
        # a 301 to the same route under /repositories/ID, query kept.
        url = "https://%s/repositories/%s" % (self.host, entry["repo"]["id"])
        if rest:
            url += "/" + "/".join(rest)
        if self.query:
            url += "?" + self.query
        body = to_json({"message": "Moved Permanently", "url": url,
                        "documentation_url": "https://docs.github.com/v3/#http-redirects"})
        return Reply(301, body, [("Location", url)])

    def page(self, items, link_path):
        """A page of ITEMS as GitHub paginates: per_page (default 30, at most
        100) and page (default 1), and a Link header unless all fit one page."""
        params = parse_qsl(self.query, keep_blank_values=True)
        per_page = clamp(get_int(params, "per_page", 30), 30, 100)
        page = max(1, get_int(params, "page", 1))
        chunk = items[(page - 1) * per_page:page * per_page]
        last = max(1, -(-len(items) // per_page))
        headers = []
        if last > 1:
            others = [(k, v) for k, v in params if k not in ("per_page", "page")]

            def url(n):
                q = urlencode(others + [("per_page", per_page), ("page", n)])
                return "https://%s%s?%s" % (self.host, link_path, q)
            links = []   # in GitHub's order: prev, next, last, first
            if page > 1:
                links.append('<%s>; rel="prev"' % url(page - 1))
            if page < last:
                links.append('<%s>; rel="next"' % url(page + 1))
                links.append('<%s>; rel="last"' % url(last))
            if page > 1:
                links.append('<%s>; rel="first"' % url(1))
            headers.append(("Link", ", ".join(links)))
        return self.ok(to_json(chunk), LIST_LAST_MODIFIED, headers)

    def ok(self, body, last_modified, headers=()):
        """A 200 with GitHub's caching headers, or a 304 if If-None-Match holds
        its ETag (a 304 does not count against the rate limit)."""
        etag = etag_of(body)
        cache = [("ETag", etag), ("Last-Modified", last_modified),
                 ("Cache-Control", "private, max-age=60, s-maxage=60"),
                 ("Vary", "Accept, Authorization, Cookie")]
        inm = self.headers.get("If-None-Match")
        if inm is not None and etag_matches(inm, etag):
            return Reply(304, None, cache)
        return Reply(200, body, cache + list(headers))

    # ------------------------------------------------------------ faults

    def apply_fault(self, fault):
        mode = fault.get("mode")
        extra = list(fault.get("headers", {}).items())
        if mode == "status":
            code = int(fault.get("code", 500))
            reply = Reply(code, error_body(code, fault.get("message")))
        elif mode == "ratelimit":   # a secondary rate limit
            reply = Reply(403, error_body(
                403, SECONDARY_MESSAGE % self.request_id(),
                "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"
                "#about-secondary-rate-limits"),
                [("retry-after", str(fault.get("seconds", 1)))])
        elif mode == "ratelimit-exhausted":   # the primary limit used up
            reply = Reply(403, error_body(
                403, EXHAUSTED_MESSAGE % self.client_address[0],
                "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"
                "#about-rate-limits"))
            reply.exhausted = int(time.time()) + int(fault.get("reset", 60))
        elif mode == "429":
            reply = Reply(429, error_body(
                429, SECONDARY_MESSAGE % self.request_id(),
                "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"
                "#about-secondary-rate-limits"),
                [("retry-after", str(fault.get("seconds", 1)))])
        elif mode == "malformed":
            real = self.route().body or b'{"message": "Not Found"}'
            body = real[:len(real) // 2]
            reply = Reply(200, body, [("ETag", etag_of(body)),
                                      ("Cache-Control", "private, max-age=60, s-maxage=60")])
        elif mode == "redirect":
            location = fault.get("location", "")
            if fault.get("append_path"):
                location += self.path
            code = int(fault.get("status", 301))
            reply = Reply(code, to_json({"message": http.HTTPStatus(code).phrase,
                                         "url": location,
                                         "documentation_url": DOCS}),
                          [("Location", location)])
        elif mode == "huge":
            return self.huge(fault, extra)
        elif mode == "hang":
            return self.hang()
        else:
            raise BadFile("unknown fault mode %r" % (mode,))
        reply.fault = mode
        reply.headers += extra
        self.send(reply)

    def huge(self, fault, extra):
        """200, chunked, MIB MiB of '[{"a":1},{"a":1},...]'; quiet if the
        client hangs up first."""
        self.log_request_line(200, "huge")
        self.send_response(200)
        for k, v in self.common_headers(True) + [("Content-Type", JSON_TYPE),
                                                  ("Transfer-Encoding", "chunked")] + extra:
            self.send_header(k, v)
        self.end_headers()
        if self.command == "HEAD":
            return
        piece = b'{"a":1},' * 8192   # 64 KiB
        frame = b"%x\r\n%s\r\n" % (len(piece), piece)
        try:
            self.wfile.write(b"1\r\n[\r\n")
            for _ in range(int(float(fault.get("mib", 64)) * 16)):
                self.wfile.write(frame)
            self.wfile.write(b'8\r\n{"a":1}]\r\n0\r\n\r\n')
        except OSError:
            self.close_connection = True

    def hang(self):
        """Never answer: wait until the client closes the connection (or the
        server stops), without holding up other connections."""
        self.log_request_line(None, "hang")
        self.close_connection = True
        sock = self.connection
        while True:
            try:
                ready = select.select([sock], [], [], 0.5)[0]
                if ready and not sock.recv(65536):
                    return
            except ssl.SSLWantReadError:
                continue
            except (OSError, ValueError):
                return

    # ------------------------------------------------------------ sending

    def request_id(self):
        if not hasattr(self, "_request_id"):
            self._request_id = uuid.uuid4().hex[:8].upper() + ":" + uuid.uuid4().hex[:8].upper()
        return self._request_id

    def common_headers(self, counted, exhausted=None):
        headers = [("X-GitHub-Api-Version-Selected", "2022-11-28"),
                   ("X-GitHub-Media-Type", "github.v3; format=json"),
                   ("X-GitHub-Request-Id", self.request_id())]
        rate = self.server.rate_headers(counted)
        if exhausted is not None:
            rate = [("x-ratelimit-limit", str(RATE_LIMIT)),
                    ("x-ratelimit-remaining", "0"),
                    ("x-ratelimit-reset", str(exhausted)),
                    ("x-ratelimit-used", str(RATE_LIMIT)),
                    ("x-ratelimit-resource", "core")]
        return headers + rate

    def log_request_line(self, status, fault):
        headers = {}
        for k, v in self.headers.items():
            k = k.lower()
            headers[k] = headers[k] + ", " + v if k in headers else v
        self.server.log({"time": self.received, "conn": self.server.local.conn,
                         "server": self.server.name, "method": self.command,
                         "path": self.path, "host": self.headers.get("Host"),
                         "headers": headers, "status": status, "fault": fault,
                         "peer": self.server.local.peer})

    def send(self, reply):
        self.log_request_line(reply.status, reply.fault)
        self.send_response(reply.status)
        headers = self.common_headers(reply.status != 304, reply.exhausted)
        if reply.body is not None:
            headers += [("Content-Type", JSON_TYPE), ("Content-Length", str(len(reply.body)))]
        for k, v in headers + reply.headers:
            self.send_header(k, v)
        self.end_headers()
        if reply.body is not None and self.command != "HEAD":
            self.wfile.write(reply.body)


def find_repo(repos, name):
    """The entry of owner/name, whatever its case (as GitHub looks it up)."""
    name = name.lower()
    return next((e for k, e in repos.items() if k.lower() == name), None)


def find_renamed(repos, name):
    """The entry that was once called owner/name, or None."""
    name = name.lower()
    return next((e for e in repos.values()
                 if name in (o.lower() for o in e.get("renamed_from", []))), None)


def get_int(params, key, default):
    for k, v in params:
        if k == key:
            try:
                return int(v)
            except ValueError:
                return default
    return default


def clamp(n, default, top):
    """GitHub takes per_page below 1 as the default and above TOP as TOP."""
    return default if n < 1 else min(n, top)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--port-file", required=True)
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--data", required=True)
    p.add_argument("--faults", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--name", default="api")
    p.add_argument("--port", type=int, default=0,
                   help="port of 127.0.0.1 to bind (default 0: any free one)")
    args = p.parse_args()

    server = Server(args)

    def stop(signum, frame):
        with server.lock:
            server.log_file.close()
        os._exit(0)   # daemon threads (hung or streaming) end with us
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % server.server_port)
    os.rename(tmp, args.port_file)
    server.serve_forever(poll_interval=0.5)


if __name__ == "__main__":
    main()
