"""Crawl throughput against a local server of generated blog pages.

Prints pages per second fetched, parsed and stored by the web crawler at concurrency 1, 4 and 16,
with the crawler's CPU time per page, next to the parse-only rate (the target: parsing is never
the bottleneck of a polite crawl, at least 100 pages/s per core on typical blog pages).

The pages are made from the demo sector (:func:`influence.datasets.make_sector`): WordPress-like
blog posts with a header and navigation, inline CSS and scripts, JSON-LD, an article of the
blog's posts with links to other blogs, a blogroll, a comment thread and a footer (about 60 KB,
the size of the blog pages in ../shared/fixtures/web). The server runs in its own process so the
crawler's CPU time is its own; politeness delays are off (``delay = 0``), robots.txt is on.

    python benchmarks/crawl_local.py [--pages 600] [--concurrency 1 4 16]
"""

from __future__ import annotations

import argparse
import html
import json
import multiprocessing as mp
import os
import random
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

CSS = "".join(f".c{i}{{margin:{i % 7}px;padding:{i % 5}px;color:#{i * 2654435761 % 0xFFFFFF:06x}}}\n" for i in range(400))
JS = "".join(f"window.__d{i}=function(a){{return a*{i}+{i % 13};}};\n" for i in range(300))


def make_pages(n: int, seed: int = 0) -> dict[str, bytes]:
    """``{path: html bytes}`` for n blog pages built from the demo sector's posts and actors."""
    from influence.datasets import make_sector

    demo = make_sector(seed=seed)
    rng = random.Random(seed)
    texts = [p.text for p in demo.posts if p.text] or ["Café de especialidad."]
    blogs = sorted({a.url for a in demo.actors if a.url and a.id.startswith("web:")}) or ["https://blog.example/"]
    people = [(a.name or a.id, a.url) for a in demo.actors][:500]
    pages: dict[str, bytes] = {}
    for i in range(n):
        title = html.escape(rng.choice(texts)[:70])
        paras = "".join(f"<p>{html.escape(' '.join(rng.sample(texts, 4)))} "
                        f"<a href='{rng.choice(blogs)}post-{rng.randrange(999)}'>ver</a></p>" for _ in range(8))
        internal = "".join(f"<li><a href='/p{(i * 7 + k) % n}'>Entrada {k}</a></li>" for k in (1, 2, 3))
        nav = "".join(f"<li><a href='/p{k}?utm_source=nav'>Sección {k}</a></li>" for k in range(12))
        roll = "".join(f"<li><a href='{b}'>{html.escape(b)}</a></li>" for b in rng.sample(blogs, min(10, len(blogs))))
        comments = "".join(
            f"<li id='comment-{i * 100 + c}' class='comment depth-1'><article class='comment-body'>"
            f"<div class='comment-author vcard'><b class='fn'>"
            + (f"<a href='{html.escape(url)}' rel='external nofollow ugc' class='url'>{html.escape(name)}</a>"
               if url else html.escape(name))
            + f"</b></div><div class='comment-metadata'><time datetime='2025-0{1 + c % 9}-1{c % 9}T10:00:00+00:00'>"
            f"hace {c} días</time></div><div class='comment-content'><p>{html.escape(rng.choice(texts))}</p></div>"
            f"</article></li>"
            for c, (name, url) in enumerate(rng.sample(people, rng.randrange(0, 9))))
        ld = json.dumps({"@context": "https://schema.org", "@type": "BlogPosting", "headline": title,
                         "datePublished": f"2025-0{1 + i % 9}-0{1 + i % 9}T08:00:00Z",
                         "author": {"@type": "Person", "name": "Autora", "url": f"/author/a{i % 5}/"}})
        body = f"""<!DOCTYPE html><html lang="es"><head><meta charset="utf-8"><title>{title}</title>
<meta property="og:site_name" content="Blog de café"><meta property="og:title" content="{title}">
<link rel="alternate" type="application/rss+xml" href="/feed/"><style>{CSS}</style>
<script type="application/ld+json">{ld}</script><script>{JS}</script></head><body>
<header><nav><ul>{nav}</ul></nav></header><main><article class="post h-entry"><h1 class="entry-title">{title}</h1>
<div class="entry-content">{paras}<ul>{internal}</ul></div></article>
<aside><h2>Blogroll</h2><ul>{roll}</ul></aside>
<div id="comments" class="comments-area"><ol class="comment-list">{comments}</ol></div></main>
<footer><a href="https://wordpress.org/">WordPress</a> <a rel="me" href="https://mastodon.social/@cafe{i % 9}">Mastodon</a></footer>
</body></html>"""
        pages[f"/p{i}"] = body.encode("utf-8")
    pages["/robots.txt"] = b"User-agent: *\nAllow: /\n"
    return pages


def _serve(pages: dict[str, bytes], port_queue) -> None:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # else headers and body wait on delayed ACKs (~40 ms a page)

        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:
            body = pages.get(self.path.split("?", 1)[0])
            status = 200 if body is not None else 404
            body = body if body is not None else b"not found"
            self.send_response(status)
            self.send_header("Content-Type", "text/plain" if self.path == "/robots.txt" else "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        request_queue_size = 128

    httpd = Server(("127.0.0.1", 0), Handler)
    port_queue.put(httpd.server_address[1])
    httpd.serve_forever()


def crawl_once(base: str, n: int, concurrency: int) -> tuple[int, float, float, int]:
    """One breadth-first crawl of the site; returns (pages, wall s, crawler CPU s, records)."""
    from influence.crawl.base import CrawlContext
    from influence.crawl.http import HttpConfig, make_session
    from influence.crawl.state import SourceState
    from influence.crawl.web import crawl
    from influence.sector import Sector
    from influence.store import Store

    store = Store(":memory:")
    config = HttpConfig(delay=0, max_concurrency=concurrency, per_host_concurrency=concurrency, retries=0)
    session = make_session(config, allow_private_addresses=True)
    state = SourceState(store, "bench")
    ctx = CrawlContext(session=session, sector=Sector("bench", store=store), state=state, name="bench")
    source = {"type": "web", "seeds": [base + "/p0"], "max_pages": n, "max_depth": 1000}
    t0, c0 = time.perf_counter(), time.process_time()
    batch: list = []
    records = 0
    for rec in crawl(source, ctx):
        batch.append(rec)
        if len(batch) >= 500:
            state.commit(batch)
            records += len(batch)
            batch = []
    state.commit(batch)
    records += len(batch)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    session.close()
    assert not ctx.errors, ctx.errors
    return ctx.events["pages"], wall, cpu, records


def parse_rate(bodies: list[bytes], url: str = "https://blog.example/post") -> float:
    """Pages per CPU second for parse_page + page_records alone (no network, no store)."""
    from influence.crawl.web import page_records, parse_page

    page_records(parse_page(bodies[0], url))  # warm up: the Public Suffix List loads once
    c0 = time.process_time()
    for body in bodies:
        page_records(parse_page(body, url))
    return len(bodies) / (time.process_time() - c0)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=600)
    ap.add_argument("--concurrency", type=int, nargs="+", default=[1, 4, 16])
    args = ap.parse_args(argv)

    pages = make_pages(args.pages)
    sizes = [len(v) for k, v in pages.items() if k.startswith("/p")]
    print(f"influence web crawl benchmark: {args.pages} generated blog pages "
          f"(mean {sum(sizes) / len(sizes) / 1024:.0f} KiB), local server in its own process, "
          f"{os.cpu_count()} cores, Python {sys.version.split()[0]}")
    bodies = [pages[f"/p{i}"] for i in range(args.pages)]
    rate = parse_rate(bodies)
    print(f"parse only (parse_page + page_records): {rate:,.0f} pages/s per core "
          f"({1000 / rate:.1f} ms CPU per page)   target >= 100 pages/s per core")
    fixtures = Path(__file__).resolve().parents[1].parent / "shared" / "fixtures" / "web"
    if fixtures.is_dir():
        real = [p.read_bytes() for p in sorted(fixtures.glob("*.html"))]
        frate = parse_rate(real * 3)
        print(f"parse only, the {len(real)} real pages of ../shared/fixtures/web "
              f"(mean {sum(map(len, real)) / len(real) / 1024:.0f} KiB): {frate:,.0f} pages/s per core "
              f"({1000 / frate:.1f} ms CPU per page)")

    ctx = mp.get_context("fork" if sys.platform != "win32" else "spawn")
    q = ctx.Queue()
    server = ctx.Process(target=_serve, args=(pages, q), daemon=True)
    server.start()
    try:
        base = f"http://127.0.0.1:{q.get(timeout=30)}"
        print(f"{'concurrency':>11} {'pages':>6} {'wall s':>7} {'pages/s':>8} {'CPU ms/page':>12} {'records':>8}")
        for c in args.concurrency:
            n, wall, cpu, records = crawl_once(base, args.pages, c)
            print(f"{c:>11} {n:>6} {wall:>7.2f} {n / wall:>8.1f} {1000 * cpu / n:>12.2f} {records:>8}")
    finally:
        server.terminate()
        server.join()
    print("(fetch + parse + store; CPU is the crawler process's, all threads; with 2 cores the server's "
          "Python threads compete for the same CPUs at high concurrency)")


if __name__ == "__main__":
    main()
