"""A local replay server for the social API crawlers, serving the real recorded responses.

``replay("mastodon")`` starts an HTTP server on 127.0.0.1, port 0, that answers the requests
recorded in ``../shared/fixtures/<platform>/index.json`` with the recorded bodies (unchanged) and
the recorded response headers: ``Link`` pagination (its absolute URLs rewritten from the recorded
host to this server), rate-limit headers and ``Date``. Recorded ``content-encoding``,
``content-length`` and ``transfer-encoding`` are never replayed: the bodies are stored decoded.

Matching a request to a recording:

- the path, with a trailing ``/`` and a ``.json`` suffix ignored (Reddit's public endpoints spell
  ``/r/x/hot`` as ``/r/x/hot.json``; the fixtures were recorded on oauth.reddit.com without it);
- the query: parameters the recording client sent with their default value (rtoot's
  ``local=FALSE``) and ``print=pretty`` are ignored; an exact match wins, else a match ignoring
  page sizes and server-side "newer than" filters (``limit``, ``hitsPerPage``, ``since_id``,
  ``numericFilters``), which the crawlers also apply on their side;
- POST form bodies (Reddit ``/api/morechildren``) by their ``children`` and ``link_id``, sent as
  a form (POST, as PRAW recorded it on the OAuth host) or as a query (GET, as Reddit documents the
  endpoint and as the crawler sends it to the public host);
- Bluesky fixtures were saved as bodies without their query: a request matches by its XRPC
  method and, where the body says what it answers for, by that parameter (``uri`` of a thread,
  likes or reposts; ``actor`` of a profile or an author feed: the account whose posts fill it).

One alias, not a recording: ``/api/v1/accounts/lookup?acct=schochastics@fosstodon.org`` answers the
recorded Account entity of that user (``fosstodon.org_account_109302436954721982.json``), which
is what the lookup endpoint returns; the recording has the account and its statuses but not the
lookup call.

Fault routes, queued per test with :meth:`Replay.fault`: a 429 with a rate-limit reset, a
malformed JSON body, any status. Every request is logged (method, path, query, headers, body).
"""

from __future__ import annotations

import json
import threading
from collections import Counter, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests

from influence.crawl.base import CrawlContext
from influence.sector import Sector

from ..conftest import SHARED  # ../shared beside the repository (or $INFLUENCE_SHARED)

FIXTURES = SHARED / "fixtures"

_DROP_HEADERS = {"content-encoding", "content-length", "transfer-encoding", "connection", "set-cookie",
                 "keep-alive", "server"}
_LOOSE_PARAMS = {"limit", "hitsPerPage", "since_id", "numericFilters"}


def fixtures_dir(platform: str) -> Path:
    path = FIXTURES / platform
    if not (path / "index.json").is_file():
        pytest.skip(f"../shared/fixtures/{platform} not found: the replay tests need the shared "
                    f"folder beside the repository")
    return path


def load(platform: str, name: str):
    """The parsed JSON of one fixture file."""
    return json.loads((fixtures_dir(platform) / name).read_text(encoding="utf-8"))


def _norm_path(path: str) -> str:
    path = path.removesuffix(".json")
    return path.rstrip("/") or "/"


def _norm_query(pairs) -> tuple:
    return tuple(sorted((k, v) for k, v in pairs if v != "FALSE" and k != "print"))


def _loose(query: tuple) -> tuple:
    return tuple((k, v) for k, v in query if k not in _LOOSE_PARAMS)


@dataclass
class Route:
    method: str
    path: str
    query: tuple | None  # None: any query (Bluesky)
    file: Path
    status: int = 200
    headers: dict = field(default_factory=dict)
    origin: str = ""
    form: dict | None = None
    key: tuple | None = None  # (param, value) that picks this route among several (Bluesky)


def _bluesky_key(nsid: str, body: dict) -> tuple | None:
    """(param, accepted values) naming what a body-only Bluesky recording answers for."""
    if nsid == "app.bsky.feed.getPostThread":
        return ("uri", {body["thread"]["post"]["uri"]})
    if nsid in ("app.bsky.feed.getLikes", "app.bsky.feed.getRepostedBy"):
        return ("uri", {body["uri"]})
    if nsid == "app.bsky.actor.getProfile":
        return ("actor", {body["did"], body["handle"]})
    if nsid == "app.bsky.feed.getAuthorFeed":
        # the feed of the account whose posts and reposts fill it
        authors = Counter(it["post"]["author"]["did"] for it in body["feed"] if "reason" not in it)
        did = authors.most_common(1)[0][0]
        handle = next(it["post"]["author"]["handle"] for it in body["feed"] if it["post"]["author"]["did"] == did)
        return ("actor", {did, handle})
    if nsid in ("app.bsky.graph.getFollows", "app.bsky.graph.getFollowers"):
        subject = body.get("subject") or {}
        return ("actor", {subject.get("did", ""), subject.get("handle", "")})
    return None


_ROUTES: dict[str, list[Route]] = {}


def routes(platform: str) -> list[Route]:
    if platform in _ROUTES:
        return _ROUTES[platform]
    folder = fixtures_dir(platform)
    index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    out = []
    for entry in index["fixtures"]:
        request = entry.get("request")
        if not request:
            continue  # whole cassettes, kept for reference
        method, _, url = request.partition(" ")
        headers = {k.lower(): v for k, v in (entry.get("response_headers") or {}).items()
                   if k.lower() not in _DROP_HEADERS}
        file = folder / entry["file"]
        if platform == "bluesky":
            nsid = url.split("/xrpc/", 1)[1].split("?", 1)[0]
            body = json.loads(file.read_text(encoding="utf-8"))
            out.append(Route(method, "/xrpc/" + nsid, None, file, 200, headers, "",
                             key=_bluesky_key(nsid, body)))
            continue
        parts = urlsplit(url.split(" ", 1)[0])
        form = None
        if entry.get("request_body"):
            form = dict(parse_qsl(entry["request_body"]))
        out.append(Route(method, _norm_path(parts.path), _norm_query(parse_qsl(parts.query)), file,
                         int(entry.get("status") or 200), headers, f"{parts.scheme}://{parts.netloc}",
                         form))
    if platform == "mastodon":
        acct = next(r for r in out if r.file.name == "fosstodon.org_account_109302436954721982.json")
        out.append(Route("GET", "/api/v1/accounts/lookup", (("acct", "schochastics@fosstodon.org"),),
                         acct.file, 200, dict(acct.headers), acct.origin))
    _ROUTES[platform] = out
    return out


class Replay:
    """A running replay server. ``url`` is its base (``http://127.0.0.1:PORT``)."""

    def __init__(self, platforms: list[str]):
        self.routes = [r for p in platforms for r in routes(p)]
        self.faults: dict[tuple[str, str], deque] = {}
        self.log: list[dict] = []
        self._lock = threading.Lock()
        replay = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out at once (no 40 ms delayed ACK)

            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                replay._handle(self, "GET")

            def do_POST(self):
                replay._handle(self, "POST")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def fault(self, method: str, path: str, status: int, headers: dict | None = None,
              body: bytes = b"", times: int = 1) -> None:
        """Answer the next ``times`` requests to ``path`` with this response instead."""
        with self._lock:
            q = self.faults.setdefault((method, _norm_path(path)), deque())
            for _ in range(times):
                q.append((status, dict(headers or {}), body))

    def answers(self, method: str, url: str) -> bool:
        """True when a recording answers this request (faults aside)."""
        parts = urlsplit(url)
        query = _norm_query(parse_qsl(parts.query, keep_blank_values=True))
        return self._match(method, _norm_path(parts.path), query, {}) is not None

    def requests_to(self, path: str) -> list[dict]:
        return [e for e in self.log if e["path"] == _norm_path(path)]

    # -- serving -----------------------------------------------------------------------------

    def _match(self, method: str, path: str, query: tuple, form: dict) -> Route | None:
        # a recorded form POST also answers the same parameters sent as a GET query
        cands = [r for r in self.routes if r.path == path and (r.method == method or r.form is not None)]
        if not cands:
            return None
        if any(r.form is not None for r in cands):
            given = form or dict(query)
            for r in cands:
                if r.form and set(r.form.get("children", "").split(",")) == set(
                        given.get("children", "").split(",")) and r.form.get("link_id") == given.get("link_id"):
                    return r
            return None
        wild = [r for r in cands if r.query is None]
        if wild:
            params = dict(query)
            for r in wild:
                if r.key is None or params.get(r.key[0]) in r.key[1]:
                    return r
            return None
        for r in cands:
            if r.query == query:
                return r
        for r in cands:
            if _loose(r.query) == _loose(query):
                return r
        return None

    def _handle(self, h: BaseHTTPRequestHandler, method: str) -> None:
        parts = urlsplit(h.path)
        path = _norm_path(parts.path)
        query = _norm_query(parse_qsl(parts.query, keep_blank_values=True))
        length = int(h.headers.get("content-length") or 0)
        body = h.rfile.read(length) if length else b""
        form = dict(parse_qsl(body.decode("utf-8", "replace"))) if body else {}
        with self._lock:
            self.log.append({"method": method, "path": path, "query": dict(query),
                             "headers": dict(h.headers), "form": form})
            q = self.faults.get((method, path))
            fault = q.popleft() if q else None
        if fault is not None:
            status, headers, payload = fault
            headers.setdefault("content-type", "application/json; charset=utf-8")
            return self._send(h, status, headers, payload)
        route = self._match(method, path, query, form)
        if route is None:
            return self._send(h, 404, {"content-type": "application/json"},
                              b'{"error":"not recorded"}')
        headers = dict(route.headers)
        headers.setdefault("content-type", "application/json; charset=utf-8")
        if "link" in headers and route.origin:
            headers["link"] = headers["link"].replace(route.origin, self.url)
        self._send(h, route.status, headers, route.file.read_bytes())

    @staticmethod
    def _send(h: BaseHTTPRequestHandler, status: int, headers: dict, body: bytes) -> None:
        h.send_response_only(status)
        for k, v in headers.items():
            h.send_header(k, v)
        h.send_header("content-length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)


@pytest.fixture
def replay():
    """``replay(platform, ...)`` starts a replay server for those fixture folders."""
    servers = []

    def start(*platforms: str) -> Replay:
        for p in platforms:
            fixtures_dir(p)
        s = Replay(list(platforms))
        servers.append(s)
        return s

    yield start
    for s in servers:
        s.close()


class DictState:
    """The runner's per-source state, in a dict."""

    def __init__(self, data: dict | None = None):
        self.data = data if data is not None else {}

    def get(self, key, default=None):
        value = self.data.get(key, default)
        # round-trip through JSON like the store does, so sources cannot keep live references
        return json.loads(json.dumps(value)) if value is not None else value

    def set(self, key, value):
        self.data[key] = json.loads(json.dumps(value))


class FakeClock:
    """``sleep`` advances ``now``; every wait is recorded."""

    def __init__(self, start: float = 1_800_000_000.0):
        self.now = start
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def fake_clock():
    return FakeClock()


def make_ctx(state: DictState | None = None, *, keywords=(), competitors=(), **kw) -> CrawlContext:
    """A CrawlContext on a plain requests.Session with a dict-backed state."""
    sector = Sector(name="test", keywords=tuple(keywords), competitors=tuple(competitors),
                    allow_private_addresses=True)
    return CrawlContext(session=requests.Session(), sector=sector, state=state or DictState(), **kw)


@pytest.fixture
def ctx_factory():
    made = []

    def make(*args, **kw):
        c = make_ctx(*args, **kw)
        made.append(c)
        return c

    yield make
    for c in made:
        c.session.close()


@pytest.fixture
def fx():
    """``fx(platform, file)``: the parsed JSON of a fixture file (skips when ../shared is absent)."""
    return load
