"""The web source: validate() a [[sources]] table, then crawl() it breadth-first through the polite
session, resumably.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lxml import etree

from ...errors import ConfigError
from ...identity import SHARED_HOSTS, profile_actor, site_actor, site_of, site_of_host  # noqa: F401 (re-exported)
from ...validation import check_whole, invalid
from ..errors import CrawlError
from ..http import HTML_TYPES, fetch
from ..state import SourceState

if TYPE_CHECKING:
    import requests

    from ..base import CrawlContext
from ._extract import parse_page
from ._records import page_records
from ._urls import check_urls, normalize_url

KEYS = ("type", "name", "seeds", "urls", "max_pages", "max_depth", "allowed_domains")
DEFAULT_MAX_PAGES = 100
DEFAULT_MAX_DEPTH = 3


# -- the source -------------------------------------------------------------------------------------


@dataclass
class _Plan:
    seeds: list[str]
    max_pages: int
    max_depth: int
    allowed: frozenset[str]

    def allows(self, url: str) -> bool:
        return site_of(url) in self.allowed


def validate(source: dict, where: str = "source") -> _Plan:
    """Check a ``type = "web"`` source table; return the crawl plan.

    Raises
    ------
    ConfigError
        Naming ``<where>.<key>``, e.g. ``sources[0].max_pages must be a whole number >= 1``.
    """
    for key in source:
        if key not in KEYS:
            raise ConfigError(f"unknown key {where}.{key} (known: {', '.join(KEYS)})", key=f"{where}.{key}")
    seeds = check_urls(source.get("seeds", source.get("urls")), "seeds", where,
                       what="a non-empty list of http(s) URLs", required=True)
    ints = {}
    for key, default in (("max_pages", DEFAULT_MAX_PAGES), ("max_depth", DEFAULT_MAX_DEPTH)):
        ints[key] = check_whole(f"{where}.{key}", source.get(key, default), 1 if key == "max_pages" else 0)
    allowed_raw = source.get("allowed_domains")
    if allowed_raw is None:
        allowed = frozenset(site_of(s) for s in seeds)
    else:
        if isinstance(allowed_raw, str):
            allowed_raw = [allowed_raw]
        if not isinstance(allowed_raw, list) or not all(isinstance(d, str) and d.strip() for d in allowed_raw):
            raise invalid(f"{where}.allowed_domains", "a list of domain names", allowed_raw)
        allowed = frozenset(site_of(d.strip()) for d in allowed_raw)
    return _Plan(seeds, ints["max_pages"], ints["max_depth"], allowed)


@dataclass
class _Result:
    url: str
    depth: int
    status: str
    records: list = field(default_factory=list)
    follow: list[str] = field(default_factory=list)
    feeds: tuple[str, ...] = ()
    final_url: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    error: CrawlError | None = None
    fetched: bool = False


def _visit(session: requests.Session, url: str, depth: int, plan: _Plan,
           validators: tuple[str | None, str | None, list[str] | None],
           competitors: dict[str, str]) -> _Result:
    """Fetch and parse one page (runs in a worker thread; never raises for a page's faults)."""
    etag, modified, old_links = validators
    headers = {}
    if old_links is not None:  # conditional only when we still know where the page leads
        if etag:
            headers["If-None-Match"] = etag
        if modified:
            headers["If-Modified-Since"] = modified
    try:
        resp = fetch(session, url, accept=HTML_TYPES, headers=headers, ok_statuses=(304,))
    except CrawlError as exc:
        return _Result(url, depth, exc.cause, error=exc, fetched=not exc.cause.startswith(("robots", "blocked")))
    if resp.status_code == 304:
        return _Result(url, depth, "304", follow=list(old_links or ()), fetched=True, etag=etag,
                       last_modified=modified)
    final = normalize_url(resp.url or url) or url
    try:
        page = parse_page(resp.content, final, content_type=resp.headers.get("Content-Type"))
        records = page_records(page, competitors=competitors)
    except (ValueError, etree.LxmlError) as exc:
        err = CrawlError(f"cannot parse page: {exc}", url=url, cause="parse error")
        return _Result(url, depth, "parse error", error=err, fetched=True)
    follow = []
    seen = set()
    for link in page.links:
        if link.url not in seen and link.where != "comment" and plan.allows(link.url):
            seen.add(link.url)
            follow.append(link.url)
    return _Result(url, depth, str(resp.status_code), records, follow, page.feeds, final,
                   resp.headers.get("ETag"), resp.headers.get("Last-Modified"), fetched=True)


def crawl(source: dict, ctx: CrawlContext) -> Iterator:
    """Crawl a ``type = "web"`` source; yield its records (see the module docstring).

    Budgets: ``source["max_pages"]`` bounds the pages of one crawl (a resumed crawl counts those
    visited before); ``ctx.max_pages`` bounds the pages fetched in this run
    (``influence crawl --max-pages``).
    Fetches run on ``config.max_concurrency`` worker threads of the session (one when the
    session is not a :class:`~influence.crawl.http.PoliteSession`).
    """
    plan = validate(source, ctx.name or "source")
    state = ctx.state if isinstance(ctx.state, SourceState) else SourceState(None, ctx.name or "web")
    frontier = state.frontier
    if len(frontier) == 0 and frontier.visited == 0:
        for seed in plan.seeds:
            frontier.push(seed, 0)
    competitors = ctx.sector.competitor_map() if ctx.sector is not None else {}
    config = getattr(ctx.session, "config", None)
    workers = config.max_concurrency if config is not None else 1
    run_budget = ctx.max_pages if ctx.max_pages is not None else float("inf")
    feeds: list[str] = list(state.get("feeds", []) or [])
    feed_set = set(feeds)
    submitted = 0
    in_flight: dict[Future, tuple[str, int]] = {}
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="influence-web")
    try:
        while True:
            while (len(in_flight) < workers and submitted < run_budget
                   and frontier.visited + len(in_flight) < plan.max_pages):
                item = frontier.pop()
                if item is None:
                    break
                url, depth = item
                fut = pool.submit(_visit, ctx.session, url, depth, plan, state.validators(url), competitors)
                in_flight[fut] = item
                submitted += 1
            ctx.events["queue"] = len(frontier) + len(in_flight)
            if not in_flight:
                break
            done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            for fut in sorted(done, key=lambda f: in_flight[f]):
                url, depth = in_flight.pop(fut)
                res: _Result = fut.result()
                if res.fetched:
                    ctx.count("pages")
                if res.error is not None:
                    ctx.error(res.error.cause, url, res.error.reason)
                elif res.status == "304":
                    ctx.count("not modified")
                if res.final_url and res.final_url != url:
                    # redirected: another URL of a page we have (or will have) is not crawled twice
                    if res.final_url in frontier or not plan.allows(res.final_url):
                        res.records, res.follow = [], []
                        res.status = "redirect"
                    else:
                        frontier.claim(res.final_url)
                        frontier.done(res.final_url, res.status, count=False)
                yield from res.records
                for link in res.follow:
                    if depth + 1 <= plan.max_depth:
                        frontier.push(link, depth + 1)
                new_feeds = [f for f in res.feeds if f not in feed_set]
                if new_feeds:
                    feeds.extend(new_feeds)
                    feed_set.update(new_feeds)
                    ctx.count("feeds", len(new_feeds))
                    state.set("feeds", feeds)
                if res.fetched and res.error is None and res.status != "redirect" and (res.etag or res.last_modified):
                    state.set_validators(url, res.etag, res.last_modified, res.follow)
                frontier.done(url, res.status, count=res.fetched)
            ctx.events["queue"] = len(frontier) + len(in_flight)
    finally:
        # a closed generator (Ctrl-C, budget) leaves running fetches to finish on their own
        pool.shutdown(wait=False, cancel_futures=True)
