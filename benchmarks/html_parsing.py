"""HTML parsing: lxml (what the web crawler uses) against BeautifulSoup with the lxml parser.

Usage::

    python benchmarks/html_parsing.py            # the real pages of ../shared/fixtures/web
    python benchmarks/html_parsing.py --repeat 20

Issue 15 asked for beautifulsoup4 (with the lxml parser) as the crawlers' HTML parsing interface
unless it costs more than 2x in pages/s. This measures the same extraction both ways on the real
recorded pages of ``../shared/fixtures/web`` (PROVENANCE.md there), one core, in one run:

- ``lxml``: ``lxml.html.document_fromstring``, then the title, every ``<meta>`` name/property and
  content, every ``<a href>`` with its text and ``rel``, every ``<link rel>``, the JSON-LD scripts and
  the visible text (what ``influence.crawl.web.parse_page`` reads from a page);
- ``bs4 + lxml``: ``BeautifulSoup(html, "lxml")`` and the same items through its API
  (``find_all``, ``get_text``);
- ``influence parse_page + page_records``: the crawler's whole extraction (records included), for
  scale.

It prints pages/s and milliseconds per page for each, and the bs4/lxml cost ratio. BeautifulSoup
is a benchmark-only dependency here (``pip install -e '.[bench]'``).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import lxml.html

FIXTURES = Path(__file__).resolve().parents[1].parent / "shared" / "fixtures" / "web"


def with_lxml(html: str) -> int:
    doc = lxml.html.document_fromstring(html.encode("utf-8"))
    items = [doc.findtext(".//title") or ""]
    items += [(m.get("name") or m.get("property"), m.get("content")) for m in doc.iter("meta")]
    items += [(a.get("href"), a.text_content(), a.get("rel")) for a in doc.iter("a") if a.get("href")]
    items += [(link.get("rel"), link.get("href")) for link in doc.iter("link") if link.get("rel")]
    items += [s.text for s in doc.iter("script") if s.get("type") == "application/ld+json"]
    for bad in doc.iter("script", "style"):
        bad.text = ""
    items.append(doc.text_content())
    return len(items)


def with_bs4(html: str) -> int:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "lxml")
    title = soup.find("title")
    items = [title.get_text() if title else ""]
    items += [(m.get("name") or m.get("property"), m.get("content")) for m in soup.find_all("meta")]
    items += [(a.get("href"), a.get_text(), a.get("rel")) for a in soup.find_all("a", href=True)]
    items += [(link.get("rel"), link.get("href")) for link in soup.find_all("link", rel=True)]
    items += [s.string for s in soup.find_all("script", type="application/ld+json")]
    for bad in soup(["script", "style"]):
        bad.decompose()
    items.append(soup.get_text())
    return len(items)


def with_influence(html: str, url: str) -> int:
    from influence.crawl.web import page_records, parse_page

    return len(page_records(parse_page(html, url)))


def timed(fn, pages, repeat: int) -> float:
    """CPU seconds per page, best of ``repeat`` passes over every page."""
    best = float("inf")
    for _ in range(repeat):
        t = time.process_time()
        for name, html in pages:
            fn(name, html)
        best = min(best, time.process_time() - t)
    return best / len(pages)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=5, help="passes over the pages; the best one counts")
    args = ap.parse_args()
    files = sorted(FIXTURES.glob("*.html"))
    if not files:
        raise SystemExit(f"no pages in {FIXTURES}: this benchmark reads ../shared/fixtures/web")
    pages = [(f.name, f.read_text(encoding="utf-8", errors="replace")) for f in files]
    mean_kib = sum(len(h.encode()) for _, h in pages) / len(pages) / 1024
    print(f"# {len(pages)} real pages of ../shared/fixtures/web, mean {mean_kib:.0f} KiB, "
          f"best of {args.repeat} passes, CPU time, one core")
    rows = [
        ("lxml (the crawler's parser)", timed(lambda n, h: with_lxml(h), pages, args.repeat)),
        ("bs4 + lxml parser", timed(lambda n, h: with_bs4(h), pages, args.repeat)),
        ("influence parse_page + page_records", timed(
            lambda n, h: with_influence(h, f"https://example.org/{n}"), pages, args.repeat)),
    ]
    print("| parser | ms per page | pages/s per core |")
    print("|---|---:|---:|")
    for name, sec in rows:
        print(f"| {name} | {sec * 1000:.2f} | {1 / sec:,.0f} |")
    print(f"\nbs4 costs {rows[1][1] / rows[0][1]:.1f}x lxml for the same items (issue 15's limit: 2x)")


if __name__ == "__main__":
    main()
