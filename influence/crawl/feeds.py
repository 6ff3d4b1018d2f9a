"""The feed crawler (``[[sources]] type = "feed"``): RSS, Atom and JSON Feed into records.

A sector file declares it as::

    [[sources]]
    type = "feed"
    name = "competitor feeds"            # optional; default "feed[<index>]"
    urls = ["https://blog.example/feed.xml", "https://news.example/atom.xml"]
    competitors = true                   # also the [[competitors]] feeds (default true)
    discovered = true                    # also feeds the web sources found on competitor sites
                                         # (default true)
    history = 0                          # older pages to read per feed (default 0: page 1 only)

RSS 0.9x/1.0/2.0 and Atom are parsed by :mod:`feedparser` (with the HTTP ``Content-Type`` charset,
so a Latin-1 feed without an XML declaration reads right); JSON Feed 1.x by :func:`parse_json_feed`.
Each item becomes a :class:`~influence.records.Post` (author, date, title, text, comment count
from ``slash:comments`` or Atom ``thr:count``), with ``link`` interactions from the feed's site
to every other site or social profile its content links to. Feeds are fetched with
``If-None-Match`` / ``If-Modified-Since`` from the previous crawl; a ``304`` costs nothing.

Item categories become the post's ``tags``.

Feed history: a feed holds only its latest 10-20 items. With ``history = N`` up to ``N`` older pages
of each feed are read: the RFC 5005 ``<atom:link rel="next">`` (else ``rel="prev-archive"``) or
JSON Feed ``next_url`` when it is on the feed's own site, else, for a WordPress feed (generator
``wordpress.org``), the feed URL with ``?paged=2``, ``3``... A history page that answers ``404`` or
``410`` ends the history (counted as ``history end``, not as an error); a page without entries ends
it too. The newest entry date seen is kept per feed in the source's state (key ``history
newest``): the first crawl reads up to ``N`` older pages, later crawls follow the next page only
while the page just read holds nothing but entries newer than that date (a gap longer than one
page is filled; a normal re-crawl reads page 1 only). Raising ``history`` later reads the deeper
pages once more.
"""

from __future__ import annotations

import calendar
import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import lxml.html
from lxml import etree

from ..errors import ConfigError
from ..records import Actor, Interaction, Post, actor_id, parse_timestamp
from ..validation import check_bool, check_whole
from .errors import CrawlError
from .http import FEED_TYPES, fetch
from .state import SourceState
from .web import check_urls, link_target, normalize_url, profile_actor, site_of

if TYPE_CHECKING:
    from .base import CrawlContext

__all__ = ["Entry", "Feed", "parse_feed", "parse_json_feed", "feed_records", "fix_mojibake", "crawl", "validate"]

KEYS = ("type", "name", "urls", "competitors", "discovered", "history")

#: Source state keys of feed history. ``history newest``: ``{feed URL: {"date": newest entry date
#: seen (epoch seconds or null), "history": the largest N read with}}``; ``history since``: that map
#: as it was when the crawl started (what this crawl compares with, kept for ``--resume``);
#: ``history pages``: ``{history page URL: feed URL}`` of the pages this crawl queued.
_NEWEST, _SINCE, _PAGES = "history newest", "history since", "history pages"


@dataclass(frozen=True)
class Entry:
    """One feed item.

    Attributes
    ----------
    id : str
        The item's link (normalised), else its guid.
    url : str or None
    title : str or None
    text : str
        Plain text of the content (or summary).
    published : float or None
        UTC epoch seconds (published, else updated).
    author_name, author_url : str or None
    categories : tuple of str
    links : tuple of str
        Normalised absolute links found in the content.
    comments : int or None
        Comment count (``slash:comments``, Atom ``thr:count``, JSON Feed has none).
    comments_url : str or None
    """

    id: str
    url: str | None = None
    title: str | None = None
    text: str = ""
    published: float | None = None
    author_name: str | None = None
    author_url: str | None = None
    categories: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    comments: int | None = None
    comments_url: str | None = None


@dataclass(frozen=True)
class Feed:
    """A parsed feed: its own metadata and its entries.

    ``next`` is the URL of the next (older) page of the feed: RFC 5005 ``<atom:link rel="next">``,
    else ``rel="prev-archive"``, or JSON Feed ``next_url`` (absolute). ``generator`` is the
    software that wrote the feed, name and URI (``https://wordpress.org/?v=6.4``, ``TypePad
    http://www.typepad.com/``); JSON Feed has none.
    """

    url: str
    site: str
    title: str | None = None
    link: str | None = None
    language: str | None = None
    author_name: str | None = None
    entries: tuple[Entry, ...] = ()
    format: str = ""
    bozo: str | None = None  #: what feedparser found wrong, when it recovered from a broken feed
    next: str | None = None
    generator: str | None = None


_WS = re.compile(r"\s+")
_MOJIBAKE = re.compile("[\u00c2\u00c3][\u0080-\u00bf]")


def fix_mojibake(text: str) -> str:
    """Undo UTF-8 text that was decoded as Latin-1 / Windows-1252 (``informaciÃ³n``).

    >>> fix_mojibake("informaciÃ³n")
    'información'
    >>> fix_mojibake("café")
    'café'
    """
    if not text or not _MOJIBAKE.search(text):
        return text
    for enc in ("cp1252", "latin-1"):
        try:
            return text.encode(enc).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
    return text


def _html_text_and_links(html: str, base: str | None) -> tuple[str, tuple[str, ...]]:
    html = (html or "").strip()
    if not html:
        return "", ()
    if "<" not in html:
        return _WS.sub(" ", html).strip(), ()
    try:
        frag = lxml.html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        return _WS.sub(" ", re.sub(r"<[^>]+>", " ", html)).strip(), ()
    links = []
    for a in frag.iter("a"):
        u = normalize_url(a.get("href") or "", base)
        if u and u not in links:
            links.append(u)
    return _WS.sub(" ", frag.text_content()).strip(), tuple(links)


def _unwrap(url: str | None) -> str | None:
    """Google Alerts and similar wrap the real link: ``https://www.google.com/url?...&url=REAL``."""
    if not url:
        return url
    parts = urlsplit(url)
    if parts.hostname and parts.hostname.endswith("google.com") and parts.path == "/url":
        q = dict(parse_qsl(parts.query))
        return q.get("url") or q.get("q") or url
    return url


def _int(value: Any) -> int | None:
    try:
        n = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return n if n >= 0 else None


def _struct_ts(st: Any) -> float | None:
    if not st:
        return None
    try:
        return float(calendar.timegm(st))
    except (TypeError, ValueError, OverflowError):
        return None


def _lang(value: str | None) -> str | None:
    if not value:
        return None
    code = re.split(r"[-_]", value.strip().lower(), maxsplit=1)[0]
    return code if re.fullmatch(r"[a-z]{2,3}", code) else None


def _next_link(links: Any, base: str) -> str | None:
    """The RFC 5005 ``next`` link among a feed's links, else its ``prev-archive`` link."""
    found: dict[str, str] = {}
    for lk in links or ():
        rel = str(lk.get("rel") or "").strip().lower()
        href = lk.get("href")
        if rel in ("next", "prev-archive") and rel not in found and isinstance(href, str):
            n = normalize_url(href, base)
            if n:
                found[rel] = n
    return found.get("next") or found.get("prev-archive")


def parse_feed(data: bytes | str, url: str, *, content_type: str | None = None) -> Feed:
    """Parse an RSS, Atom or JSON feed.

    Parameters
    ----------
    data : bytes or str
        The feed document.
    url : str
        Where it was fetched from (relative links resolve against it).
    content_type : str, optional
        The HTTP ``Content-Type``, whose charset wins over the document's own guess.

    Returns
    -------
    Feed

    Raises
    ------
    CrawlError
        ``cause="not a feed"`` when the document is neither a feed nor JSON Feed.

    Examples
    --------
    >>> feed = parse_feed(b'''<rss version="2.0"><channel><title>Blog</title>
    ... <link>https://blog.example/</link><item><title>Hello</title>
    ... <link>https://blog.example/hello?utm_source=rss</link><dc:creator
    ... xmlns:dc="http://purl.org/dc/elements/1.1/">Ana</dc:creator>
    ... <pubDate>Wed, 01 May 2024 10:00:00 +0000</pubDate><category>coffee</category>
    ... <description>See &lt;a href="https://other.example/"&gt;this&lt;/a&gt;</description>
    ... </item></channel></rss>''', "https://blog.example/feed.xml")
    >>> e = feed.entries[0]
    >>> e.id, e.author_name, e.published, e.categories, e.links
    ('https://blog.example/hello', 'Ana', 1714557600.0, ('coffee',), ('https://other.example/',))

    An RFC 5005 paged feed gives the URL of its next page:

    >>> parse_feed(b'''<feed xmlns="http://www.w3.org/2005/Atom"><title>B</title>
    ... <link rel="next" href="/atom?page=2"/><entry><id>tag:b,1</id><title>x</title></entry>
    ... </feed>''', "https://b.example/atom").next
    'https://b.example/atom?page=2'
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    head = raw[:512].lstrip()
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    if head.startswith(b"{"):
        return parse_json_feed(raw, url)
    import feedparser

    headers = {"content-type": content_type} if content_type else {}
    headers["content-location"] = url
    parsed = feedparser.parse(raw, response_headers=headers)
    if not parsed.get("version") and not parsed.entries:
        reason = str(parsed.get("bozo_exception") or "no feed elements")
        raise CrawlError(f"not a feed ({reason[:120]})", url=url, cause="not a feed")
    meta = parsed.feed
    link = normalize_url(meta.get("link") or "", url)
    site = site_of(link or url)
    feed_author = (meta.get("author_detail") or {}).get("name") or meta.get("author")
    entries = []
    for item in parsed.entries:
        item_link = normalize_url(_unwrap(item.get("link")) or "", link or url)
        ident = item_link or (item.get("id") or "").strip()
        if not ident:
            continue
        content = ""
        if item.get("content"):
            content = " ".join(c.get("value", "") for c in item.content)
        if not content:
            content = item.get("summary", "")
        text, links = _html_text_and_links(content, item_link or link or url)
        detail = item.get("author_detail") or {}
        author_name = detail.get("name") or item.get("author") or None
        author_url = normalize_url(detail.get("href") or "", url) if detail.get("href") else None
        comments = _int(item.get("slash_comments"))
        comments_url = item.get("comments")
        for lk in item.get("links", ()):
            if lk.get("rel") == "replies":
                comments_url = comments_url or lk.get("href")
                if comments is None:  # RFC 4685 thr:count (feedparser keeps the prefix)
                    comments = _int(lk.get("thr:count", lk.get("thr_count")))
        if comments is None:
            comments = _int(item.get("thr_total"))
        title = fix_mojibake(_WS.sub(" ", item.get("title", "")).strip()) or None
        text = fix_mojibake(text)
        entries.append(Entry(
            id=ident,
            url=item_link,
            title=title,
            text=text,
            # dict.get: FeedParserDict.get("updated_parsed") maps keys with a DeprecationWarning
            published=_struct_ts(dict.get(item, "published_parsed") or dict.get(item, "updated_parsed")),
            author_name=(author_name or feed_author or None),
            author_url=author_url,
            categories=tuple(t.get("term") for t in item.get("tags", ()) if t.get("term")),
            links=links,
            comments=comments,
            comments_url=normalize_url(comments_url, url) if comments_url else None,
        ))
    bozo = str(parsed.get("bozo_exception")) if parsed.get("bozo") else None
    gen = meta.get("generator_detail") or {}
    parts = (meta.get("generator") or gen.get("name"), gen.get("href"))  # name (RSS: often a URL), Atom uri
    generator = " ".join(dict.fromkeys(g.strip() for g in parts if isinstance(g, str) and g.strip())) or None
    return Feed(url=normalize_url(url) or url, site=site, title=meta.get("title"), link=link,
                language=_lang(meta.get("language")), author_name=feed_author, entries=tuple(entries),
                format=parsed.get("version", ""), bozo=bozo, next=_next_link(meta.get("links"), url),
                generator=generator)


def parse_json_feed(data: bytes | str, url: str) -> Feed:
    """Parse a JSON Feed (https://jsonfeed.org, versions 1 and 1.1).

    >>> feed = parse_json_feed('{"version": "https://jsonfeed.org/version/1.1", "title": "B", '
    ...     '"home_page_url": "https://b.example/", "items": [{"id": "1", "url": "https://b.example/1",'
    ...     ' "content_html": "<p>hi <a href=\\'https://c.example/\\'>c</a></p>", "tags": ["x"],'
    ...     ' "date_published": "2024-05-01T10:00:00Z", "authors": [{"name": "Bea"}]}]}',
    ...     "https://b.example/feed.json")
    >>> feed.entries[0].author_name, feed.entries[0].links, feed.format
    ('Bea', ('https://c.example/',), 'json1.1')
    """
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise CrawlError(f"malformed JSON feed: {exc}", url=url, cause="not a feed") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("items"), list):
        raise CrawlError("not a JSON Feed (no items)", url=url, cause="not a feed")
    home = normalize_url(doc.get("home_page_url") or "", url) if isinstance(doc.get("home_page_url"), str) else None

    def author_of(obj: dict) -> tuple[str | None, str | None]:
        authors = obj.get("authors") or ([obj["author"]] if isinstance(obj.get("author"), dict) else [])
        for a in authors:
            if isinstance(a, dict):
                name = a.get("name") if isinstance(a.get("name"), str) else None
                u = normalize_url(a.get("url"), url) if isinstance(a.get("url"), str) else None
                return name, u
        return None, None

    feed_author, _ = author_of(doc)
    entries = []
    for item in doc["items"]:
        if not isinstance(item, dict):
            continue
        link = normalize_url(item.get("url") or "", home or url) if isinstance(item.get("url"), str) else None
        ident = link or str(item.get("id") or "").strip()
        if not ident:
            continue
        html = item.get("content_html") or ""
        if html and isinstance(html, str):
            text, links = _html_text_and_links(html, link or home or url)
        else:
            text, links = _WS.sub(" ", str(item.get("content_text") or item.get("summary") or "")).strip(), ()
        name, aurl = author_of(item)
        try:
            published = parse_timestamp(item.get("date_published") or item.get("date_modified"))
        except ValueError:
            published = None
        entries.append(Entry(
            id=ident, url=link, title=(item.get("title") or None) if isinstance(item.get("title"), str) else None,
            text=text, published=published, author_name=name or feed_author, author_url=aurl,
            categories=tuple(t for t in item.get("tags", []) if isinstance(t, str)), links=links,
        ))
    version = str(doc.get("version", ""))
    fmt = "json" + (version.rsplit("/", 1)[-1] if "jsonfeed.org" in version else "")
    next_url = normalize_url(doc["next_url"], url) if isinstance(doc.get("next_url"), str) else None
    return Feed(url=normalize_url(url) or url, site=site_of(home or url),
                title=doc.get("title") if isinstance(doc.get("title"), str) else None, link=home,
                language=_lang(doc.get("language")) if isinstance(doc.get("language"), str) else None,
                author_name=feed_author, entries=tuple(entries), format=fmt, next=next_url)


def _entry_author(entry: Entry, feed: Feed) -> str:
    if entry.url and not entry.author_name and not entry.author_url and site_of(entry.url) != feed.site:
        # aggregators (Google Alerts, Hacker News, Reddit link feeds): the item is the linked page
        return actor_id("web", site_of(entry.url))
    if entry.author_url:
        profile = profile_actor(entry.author_url)
        if profile:
            return profile
        parts = urlsplit(entry.author_url)
        if site_of(entry.author_url) == feed.site and parts.path.strip("/") and not parts.query:
            return actor_id("web", (parts.hostname or "") + parts.path)
    return actor_id("web", feed.site)


def feed_records(feed: Feed, *, competitors: dict[str, str] | None = None) -> list:
    """The records of a parsed feed: the site actor, one Post per entry, and ``link``
    interactions from the feed's site to the other sites and profiles its entries link to.

    >>> feed = parse_feed(b'<rss version="2.0"><channel><link>https://a.example/</link><item>'
    ...     b'<link>https://a.example/1</link><description>&lt;a href="https://b.example/x"&gt;'
    ...     b'b&lt;/a&gt;</description></item></channel></rss>', "https://a.example/rss")
    >>> [type(r).__name__ for r in feed_records(feed)]
    ['Actor', 'Post', 'Interaction']
    """
    competitors = competitors or {}
    site = actor_id("web", feed.site)
    records: list = [Actor(site, name=feed.title, url=feed.link, competitor=competitors.get(site),
                           language=feed.language)]
    authors: set[str] = set()
    for e in feed.entries:
        author = _entry_author(e, feed)
        if author != site and author not in authors:
            authors.add(author)
            records.append(Actor(author, name=e.author_name, url=e.author_url, competitor=competitors.get(author)))
        records.append(Post(id=e.id, author=author, timestamp=e.published, text=e.text, title=e.title,
                            url=e.url, language=feed.language, replies=e.comments, format="text",
                            tags=tuple(dict.fromkeys(e.categories))))
        counts: Counter = Counter()
        for link in e.links:
            target = link_target(link)
            if target is not None and target not in (site, author):
                counts[target] += 1
        for target in sorted(counts):
            records.append(Interaction(site, target, "link", e.published, e.id, counts[target]))
    return records


def validate(source: dict, where: str = "source") -> list[str]:
    """Check a ``type = "feed"`` source table; return its URLs (normalised).

    The keys are ``type``, ``name``, ``urls`` (a list of http(s) feed URLs), ``competitors`` and
    ``discovered`` (true or false) and ``history`` (a whole number >= 0: older pages to read per
    feed; see the module docstring).

    Raises
    ------
    ConfigError
        Naming ``<where>.<key>``.

    Examples
    --------
    >>> validate({"type": "feed", "urls": ["https://blog.example/feed/"], "history": 3})
    ['https://blog.example/feed/']
    >>> validate({"type": "feed", "history": -1}, "sources[2]")
    Traceback (most recent call last):
    ...
    influence.errors.ConfigError: sources[2].history must be a whole number >= 0, got -1
    """
    for key in source:
        if key not in KEYS:
            raise ConfigError(f"unknown key {where}.{key} (known: {', '.join(KEYS)})", key=f"{where}.{key}")
    urls = check_urls(source.get("urls", []), "urls", where, what="a list of feed URLs")
    for key in ("competitors", "discovered"):
        check_bool(f"{where}.{key}", source.get(key, True))
    check_whole(f"{where}.history", source.get("history", 0), 0)
    return urls


def _feed_urls(source: dict, ctx: CrawlContext, urls: list[str]) -> list[str]:
    out = list(urls)
    sector = ctx.sector
    if sector is None:
        return list(dict.fromkeys(out))
    if source.get("competitors", True):
        for comp in sector.competitors:
            out += [u for u in (normalize_url(f) for f in comp.feeds) if u]
    if source.get("discovered", True) and sector.store is not None:
        domains = {site_of(d) for comp in sector.competitors for d in comp.domains}
        for text in sector.store.crawl_state_all("feeds").values():
            try:
                found = json.loads(text)
            except ValueError:
                continue
            out += [u for u in found if isinstance(u, str) and site_of(u) in domains]
    return list(dict.fromkeys(out))


def _paged(url: str, page: int) -> str:
    """``url`` with ``paged=<page>`` in its query (WordPress's own feed paging).

    >>> _paged("https://blog.example/feed/", 2)
    'https://blog.example/feed/?paged=2'
    >>> _paged("https://blog.example/feed/?cat=3&paged=2", 3)
    'https://blog.example/feed/?cat=3&paged=3'
    """
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "paged"]
    query.append(("paged", str(page)))
    return normalize_url(urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))) or url


def _next_page(feed: Feed, url: str, final: str, depth: int) -> str | None:
    """The URL of the page after ``feed`` (fetched as ``url``, page ``depth + 1``), or ``None``."""
    if feed.next and site_of(feed.next) in (site_of(url), site_of(final)):
        return feed.next
    if feed.generator and "wordpress.org" in feed.generator.lower():
        return _paged(final, depth + 2)
    return None


def _all_newer(feed: Feed, since: dict) -> bool:
    """True when every entry of ``feed`` is dated after ``since["date"]`` (an undated entry is not)."""
    date = since.get("date")
    return all(e.published is not None and (date is None or e.published > date) for e in feed.entries)


def crawl(source: dict, ctx: CrawlContext) -> Iterator:
    """Fetch every feed of a ``type = "feed"`` source and yield its records.

    Feeds already fetched in an interrupted run are skipped on resume (their URLs are kept in
    the state as done until the source finishes). With ``history = N``, older pages of each feed
    are queued behind page 1 of every feed, at depth = page number - 1 (see the module docstring).
    """
    urls = _feed_urls(source, ctx, validate(source, ctx.name or "source"))
    history = source.get("history", 0)
    state = ctx.state if isinstance(ctx.state, SourceState) else SourceState(None, ctx.name or "feed")
    frontier = state.frontier
    newest: dict = state.get(_NEWEST, {}) if history else {}
    if len(frontier) == 0 and frontier.visited == 0:
        for u in urls:
            frontier.push(u, 0)
        if history:  # what this crawl compares with; kept as it is now until the crawl ends
            state.set(_SINCE, {u: v for u, v in newest.items() if v.get("history", 0) >= history} or None)
            state.set(_PAGES, None)
    since: dict = state.get(_SINCE, {}) if history else {}
    pages: dict = state.get(_PAGES, {}) if history else {}
    competitors = ctx.sector.competitor_map() if ctx.sector is not None else {}
    budget = ctx.max_pages if ctx.max_pages is not None else float("inf")
    fetched = 0
    while fetched < budget:
        item = frontier.pop()
        if item is None:
            break
        url, depth = item
        ctx.events["queue"] = len(frontier)
        feed_url = pages.get(url, url) if depth else url
        base = since.get(feed_url)
        headers = {}
        if not history or base is not None:  # a first history read must not stop at a 304
            etag, modified, _links = state.validators(url)
            if etag:
                headers["If-None-Match"] = etag
            if modified:
                headers["If-Modified-Since"] = modified
        fetched += 1
        try:
            resp = fetch(ctx.session, url, accept=FEED_TYPES, headers=headers, ok_statuses=(304,))
        except CrawlError as exc:
            ctx.count("pages")
            if depth and getattr(exc, "status", None) in (404, 410):  # past the last page
                ctx.count("history end")
            else:
                ctx.error(exc.cause, url, exc.reason)
            frontier.done(url, exc.cause)
            continue
        ctx.count("pages")
        if resp.status_code == 304:
            ctx.count("not modified")
            frontier.done(url, "304")
            continue
        try:
            feed = parse_feed(resp.content, resp.url or url, content_type=resp.headers.get("Content-Type"))
        except CrawlError as exc:
            ctx.error(exc.cause, url, exc.reason)
            frontier.done(url, exc.cause)
            continue
        if feed.bozo and not feed.entries:
            ctx.error("malformed feed", url, feed.bozo[:200])
        ctx.count("feeds")
        if depth:
            ctx.count("history pages")
        yield from feed_records(feed, competitors=competitors)
        if resp.headers.get("ETag") or resp.headers.get("Last-Modified"):
            state.set_validators(url, resp.headers.get("ETag"), resp.headers.get("Last-Modified"))
        if history:
            dates = [e.published for e in feed.entries if e.published is not None]
            old = newest.get(feed_url) or {}
            top = max([d for d in (old.get("date"), *dates) if d is not None], default=None)
            newest[feed_url] = {"date": top, "history": max(history, old.get("history", 0))}
            state.set(_NEWEST, newest)
            if depth < history and feed.entries and (base is None or _all_newer(feed, base)):
                nxt = _next_page(feed, url, resp.url or url, depth)
                if nxt and frontier.push(nxt, depth + 1):
                    pages[nxt] = feed_url
                    state.set(_PAGES, pages)
        frontier.done(url, str(resp.status_code))
    ctx.events["queue"] = len(frontier)
