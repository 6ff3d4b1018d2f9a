"""Local HTTP servers for the crawler tests (127.0.0.1, port 0; never the network).

``LocalServer`` is a threaded ``http.server`` whose routes are plain Python: a :class:`Reply`
(status, headers, body, and faults: a delay before answering, a byte-at-a-time drip, a truncated
body) or a callable ``handler(request) -> Reply``. It records every request it gets.

The fixture pages of ../shared/fixtures/web and feeds are served by ``fixture_server`` at
``/web/<file>`` and ``/feeds/<file>``, byte for byte, with the content type of their kind.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from ..conftest import SHARED  # ../shared beside the repository (or $INFLUENCE_SHARED)

FIXTURES = SHARED / "fixtures"


@dataclass
class Reply:
    status: int = 200
    body: bytes | str = b""
    headers: dict = field(default_factory=dict)
    content_type: str | None = "text/html; charset=utf-8"
    delay: float = 0.0  # seconds before the status line
    drip: float = 0.0  # seconds between body bytes (slow responses)
    truncate: int | None = None  # send only this many body bytes (Content-Length says more)
    repeat: int = 1  # the body is sent this many times (large bodies without building them)
    length: bool = True  # send Content-Length; False: the body ends when the connection closes


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # keep-alive without 40 ms delayed-ACK stalls
    server: _Server

    def log_message(self, *args) -> None:  # keep test output clean
        pass

    def do_GET(self) -> None:
        self._serve()

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def _serve(self, head: bool = False) -> None:
        owner = self.server.owner
        path = self.path
        owner.record(self)
        route = owner.route(path)
        reply = route(self) if callable(route) else route
        if reply is None:
            reply = Reply(404, b"not found", content_type="text/plain")
        body = reply.body.encode("utf-8") if isinstance(reply.body, str) else reply.body
        if reply.delay:
            time.sleep(reply.delay)
        try:
            self.send_response(reply.status)
            if reply.content_type:
                self.send_header("Content-Type", reply.content_type)
            for k, v in reply.headers.items():
                self.send_header(k, v)
            if reply.length:
                self.send_header("Content-Length", str(len(body) * reply.repeat))
            else:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            if head:
                return
            if reply.truncate is not None:
                self.wfile.write(body[: reply.truncate])
                self.wfile.flush()
                self.close_connection = True
                return
            if reply.drip:
                for i in range(len(body)):
                    self.wfile.write(body[i : i + 1])
                    self.wfile.flush()
                    time.sleep(reply.drip)
                return
            for _ in range(reply.repeat):
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    owner: LocalServer


class LocalServer:
    """A threaded HTTP server on 127.0.0.1 with an ephemeral port."""

    def __init__(self, routes: dict | Callable | None = None, host: str = "127.0.0.1"):
        self.routes: dict = dict(routes or {}) if not callable(routes) else {}
        self.fallback: Callable | None = routes if callable(routes) else None
        self.httpd = _Server((host, 0), _Handler)
        self.httpd.owner = self
        self.host = host
        self.port = self.httpd.server_address[1]
        self.hits: Counter = Counter()
        self.requests: list[tuple[float, str, dict]] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02},
                                        daemon=True)

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"

    def url(self, path: str = "/") -> str:
        return self.base + path

    def record(self, handler: BaseHTTPRequestHandler) -> None:
        with self._lock:
            self.hits[handler.path] += 1
            self.requests.append((time.monotonic(), handler.path, dict(handler.headers)))

    def route(self, path: str):
        if path in self.routes:
            return self.routes[path]
        bare = path.split("?", 1)[0]
        if bare in self.routes:
            return self.routes[bare]
        return self.fallback

    def __enter__(self) -> LocalServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _need_fixtures() -> Path:
    if not (FIXTURES / "web").is_dir():
        pytest.skip("../shared/fixtures not found: crawler fixture tests need the shared folder beside the repository")
    return FIXTURES


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return _need_fixtures()


@pytest.fixture(scope="session")
def web_index(fixtures_dir) -> dict[str, str]:
    """``{file name: original URL}`` of the web fixtures (from their index.json)."""
    data = json.loads((fixtures_dir / "web" / "index.json").read_text(encoding="utf-8"))
    out = {}
    for item in data["fixtures"]:
        url = item["request"].split()[1]
        if url.startswith("//"):
            url = "https:" + url
        out[item["file"]] = url
    return out


FEED_TYPES = {".xml": "application/xml", ".rss": "application/rss+xml", ".atom": "application/atom+xml",
              ".json": "application/feed+json"}


def fixture_routes(fixtures_dir: Path) -> dict[str, Reply]:
    routes = {"/robots.txt": Reply(200, "User-agent: *\nDisallow: /private/\n", content_type="text/plain")}
    for f in sorted((fixtures_dir / "web").glob("*.html")):
        routes[f"/web/{f.name}"] = Reply(200, f.read_bytes(), content_type="text/html")
    for f in sorted((fixtures_dir / "feeds").iterdir()):
        if f.name == "index.json":
            continue
        ctype = FEED_TYPES.get(f.suffix, "application/xml")
        if f.name == "uol_noticias_pt.rss":  # Latin-1 bytes, no XML declaration: the header says so
            ctype += "; charset=ISO-8859-1"
        routes[f"/feeds/{f.name}"] = Reply(200, f.read_bytes(), content_type=ctype)
    return routes


def _key(url: str) -> str:
    """host/path of a URL, without scheme, www. and trailing slash: how the proxy finds a page."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    host = host[4:] if host.startswith("www.") else host
    return host + parts.path.rstrip("/") + (f"?{parts.query}" if parts.query else "")


def proxy_routes(fixtures_dir: Path, index: dict[str, str]) -> Callable:
    """A handler that serves the web fixtures at their ORIGINAL URLs to a client that uses this
    server as its HTTP proxy (``GET http://lemire.me/blog/... HTTP/1.1``), so crawled pages keep
    their real sites. Every host's robots.txt is a 404 (everything allowed)."""
    pages = {_key(url): (fixtures_dir / "web" / name).read_bytes() for name, url in index.items()}

    def handler(request) -> Reply:
        if not request.path.startswith("http://"):
            return Reply(400, "proxy only", content_type="text/plain")
        key = _key(request.path)
        if key.endswith("/robots.txt"):
            return Reply(404, "", content_type="text/plain")
        body = pages.get(key)
        return Reply(200, body, content_type="text/html") if body is not None else None

    return handler


@pytest.fixture
def fixture_proxy(fixtures_dir, web_index):
    """A LocalServer acting as the HTTP proxy in front of the fixture pages' original sites."""
    with LocalServer(proxy_routes(fixtures_dir, web_index)) as srv:
        yield srv


@pytest.fixture
def fixture_server(fixtures_dir):
    with LocalServer(fixture_routes(fixtures_dir)) as srv:
        yield srv


@pytest.fixture
def serve():
    """``serve(routes)`` starts a LocalServer for the test (closed at teardown)."""
    started: list[LocalServer] = []

    def start(routes=None, host="127.0.0.1") -> LocalServer:
        srv = LocalServer(routes, host=host).__enter__()
        started.append(srv)
        return srv

    yield start
    for srv in started:
        srv.__exit__(None, None, None)
