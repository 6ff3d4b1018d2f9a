"""A local test site served on 127.0.0.1 from a thread: ``/p/<i>`` pages that link to each other.

Used by tests/test_crawl_workers.py and benchmarks/crawl_workers.py (which imports it from the
repository, ``from tests.site_server import Site``): one site, so the benchmark measures the
crawl the tests check.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Site:
    """``/p/<i>`` for i < n: each page links to its ten children ``10 i + 1 .. 10 i + 10``, to
    the home page and to one of seven outside sites; anything else (robots.txt too) is 404.
    Records every request's path and arrival time (``time.time()``).

    Use it as a context manager: the server runs from ``__enter__`` to ``__exit__``.
    """

    def __init__(self, n: int):
        self.n = n
        self._hits: list[tuple[str, float]] = []
        self._lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def log_message(self, *args):
                pass

            def do_GET(self):
                now = time.time()
                with site._lock:
                    site._hits.append((self.path, now))
                body, status = site.page(self.path)
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8" if status == 200 else "text/plain")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def page(self, path: str) -> tuple[str, int]:
        """The body and status the site answers ``path`` with."""
        if not path.startswith("/p/") or not path[3:].isdigit() or int(path[3:]) >= self.n:
            return "not found", 404
        i = int(path[3:])
        links = [f"/p/{c}" for c in range(10 * i + 1, min(10 * i + 11, self.n))] + ["/p/0"]
        anchors = " ".join(f'<a href="{u}">page {u}</a>' for u in links)
        return (f"<html lang='en'><head><title>Page {i}</title></head><body><article><h1>Page {i}</h1>"
                f"<p>Text of page {i} about coffee.</p>{anchors} "
                f"<a href='https://site{i % 7}.example/'>a friend</a></article></body></html>"), 200

    def requests(self, clear: bool = False) -> list[tuple[str, float]]:
        """Every request so far as ``(path, arrival time)`` (a copy); ``clear`` forgets them."""
        with self._lock:
            out = list(self._hits)
            if clear:
                self._hits.clear()
        return out

    def pages_fetched(self) -> Counter:
        """How many times each page was requested."""
        return Counter(p for p, _ in self.requests() if p.startswith("/p/"))

    def __enter__(self) -> Site:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
