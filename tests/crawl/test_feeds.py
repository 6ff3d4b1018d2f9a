"""The feed crawler on the real fixture feeds (expected values read from the raw XML/JSON with
regular expressions, ElementTree and json), and fetched over a local server with conditional GETs;
feed history: real WordPress feeds served as pages 1, 2, 3 of one feed (``?paged=N``, then a 404)
and real Atom feeds with a hand-added ``rel="next"`` / ``rel="prev-archive"`` link."""

from __future__ import annotations

import html as htmllib
import json
import re
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
from .crawl_server import Reply

from influence.crawl.base import CrawlContext
from influence.crawl.errors import CrawlError
from influence.crawl.feeds import crawl as feed_crawl
from influence.crawl.feeds import feed_records, fix_mojibake, parse_feed, validate
from influence.crawl.http import HttpConfig, make_session
from influence.crawl.state import SourceState
from influence.crawl.web import normalize_url
from influence.errors import ConfigError
from influence.records import Interaction, Post
from influence.sector import Competitor, Sector
from influence.store import Store


def raw(fixtures_dir, name) -> bytes:
    return (fixtures_dir / "feeds" / name).read_bytes()


def _cdata(text: str) -> str:
    text = text.strip()
    if text.startswith("<![CDATA["):
        text = text[9:-3]
    return htmllib.unescape(text).strip()


@pytest.mark.parametrize("name, tag", [
    ("techcrunch_rss2.xml", "<item>"), ("tenderlovemaking_blog.xml", "<item>"), ("medium_content_encoded.rss", "<item>"),
    ("reddit_rss.rss", "<item>"), ("rss_with_comments.xml", "<item>"), ("20minutos_es_rss1.xml", "<item "),
    ("pauldix_blog_atom.xml", "<entry>"), ("intertwingly_samruby_atom.xml", "<entry>"), ("heise_de_atom.atom", "<entry>"),
    ("google_alerts_atom.xml", "<entry>"), ("youtube_channel_atom.xml", "<entry>"), ("uol_noticias_pt.rss", "<item>"),
    ("contentwind_influencer_marketing_de.xml", "<item>"), ("trendingtopics_at_de.xml", "<item>"),
    ("substack_heated_rss2.xml", "<item>"), ("ghost_blog_rss2.xml", "<item>"), ("thoughtbot_giantrobots_blog.xml", "<entry>"),
])
def test_every_item_becomes_a_post(fixtures_dir, name, tag):
    data = raw(fixtures_dir, name)
    expected = data.count(tag.encode())
    feed = parse_feed(data, f"https://feeds.example/{name}",
                      content_type="application/rss+xml; charset=ISO-8859-1" if name.startswith("uol") else None)
    assert len(feed.entries) == expected > 0
    posts = [r for r in feed_records(feed) if isinstance(r, Post)]
    assert len({p.id for p in posts}) == expected


def test_rss_authors_dates_comments_and_links(fixtures_dir):
    data = raw(fixtures_dir, "techcrunch_rss2.xml").decode("utf-8")
    items = data.split("<item>")[1:]
    creators = [_cdata(re.search(r"<dc:creator>(.*?)</dc:creator>", it, re.S).group(1)) for it in items]
    counts = [int(re.search(r"<slash:comments>(\d+)</slash:comments>", it).group(1)) for it in items]
    cats = [[_cdata(c) for c in re.findall(r"<category>(.*?)</category>", it, re.S)] for it in items]
    feed = parse_feed(data.encode(), "http://techcrunch.com/feed/")
    assert [e.author_name for e in feed.entries] == creators
    assert [e.comments for e in feed.entries] == counts
    assert [list(e.categories) for e in feed.entries] == cats
    first = items[0]
    encoded = _cdata(re.search(r"<content:encoded>(.*?)</content:encoded>", first, re.S).group(1))
    hrefs = {h for h in re.findall(r'href="(https?://[^"]+)"', encoded)}
    from influence.crawl.web import normalize_url

    assert set(feed.entries[0].links) == {normalize_url(htmllib.unescape(h)) for h in hrefs}
    from email.utils import parsedate_to_datetime

    pub = re.search(r"<pubDate>(.*?)</pubDate>", first).group(1)
    assert feed.entries[0].published == parsedate_to_datetime(pub).timestamp()
    links = [r for r in feed_records(feed) if isinstance(r, Interaction)]
    assert links and all(r.source == "web:techcrunch.com" and r.kind.value == "link" for r in links)
    assert "web:techcrunch.com" not in {r.target for r in links}


def test_atom_thread_counts(fixtures_dir):
    data = raw(fixtures_dir, "intertwingly_samruby_atom.xml").decode("utf-8")
    entries = data.split("<entry>")[1:]
    expected = []
    for e in entries:
        m = re.search(r'<link rel="replies"[^>]*thr:count="(\d+)"', e)
        expected.append(int(m.group(1)) if m else None)
    feed = parse_feed(data.encode(), "http://intertwingly.net/blog/index.atom")
    assert [e.comments for e in feed.entries] == expected
    assert feed.site == "intertwingly.net" and all(e.author_name == "Sam Ruby" for e in feed.entries)


def test_latin1_feed_without_declaration_reads_with_the_http_charset(fixtures_dir):
    data = raw(fixtures_dir, "uol_noticias_pt.rss")
    titles = [htmllib.unescape(t).strip() for t in re.findall(r"<item>\s*<title>(.*?)</title>", data.decode("latin-1"), re.S)]
    feed = parse_feed(data, "http://rss.uol.com.br/feed/noticias.xml",
                      content_type="application/rss+xml; charset=ISO-8859-1")
    assert [e.title for e in feed.entries] == [re.sub(r"\s+", " ", _cdata(t)) for t in titles]
    assert any(ch in "".join(titles) for ch in "áéíóúãç")


def test_double_encoded_utf8_is_repaired(fixtures_dir):
    data = raw(fixtures_dir, "20minutos_es_rss1.xml").decode("utf-8")
    titles = [_cdata(t) for t in re.findall(r"<item [^>]*>\s*<title>(.*?)</title>", data, re.S)]
    assert any("Ã" in t for t in titles)  # the fixture really is double-encoded
    feed = parse_feed(data.encode(), "https://www.20minutos.es/rss/")
    repaired = [e.title for e in feed.entries]
    assert not any("Ã" in t for t in repaired)
    assert repaired == [t.encode("cp1252", "ignore").decode("utf-8", "ignore") if "Ã" in t else t for t in titles]
    assert fix_mojibake("Según") == "Según"


def test_json_feed(fixtures_dir):
    data = raw(fixtures_dir, "jsonfeed_v1.json")
    doc = json.loads(data)
    feed = parse_feed(data, "https://inessential.com/feed.json")
    assert len(feed.entries) == len(doc["items"]) and feed.format == "json1"
    first = doc["items"][0]
    assert feed.entries[0].id == first["url"] and feed.entries[0].title == first.get("title")
    hrefs = set(re.findall(r'href="(https?://[^"]+)"', first.get("content_html", "")))
    from influence.crawl.web import normalize_url

    assert set(feed.entries[0].links) == {normalize_url(htmllib.unescape(h)) for h in hrefs}
    assert feed.entries[0].author_name == doc["author"]["name"]


def test_google_alerts_items_belong_to_the_linked_sites(fixtures_dir):
    feed = parse_feed(raw(fixtures_dir, "google_alerts_atom.xml"), "https://www.google.com/alerts/feeds/1/2")
    posts = [r for r in feed_records(feed) if isinstance(r, Post)]
    assert all("google.com/url" not in p.id for p in posts)  # the wrapped URL is unwrapped
    assert len({p.author for p in posts}) > 5


def test_not_a_feed():
    with pytest.raises(CrawlError) as info:
        parse_feed(b"<html><body>hello</body></html>", "https://x.example/")
    assert info.value.cause == "not a feed"
    with pytest.raises(CrawlError):
        parse_feed(b'{"no": "items"}', "https://x.example/feed.json")


def test_validate():
    assert validate({"type": "feed", "urls": ["https://a.example/feed"]}, "sources[1]") == ["https://a.example/feed"]
    with pytest.raises(ConfigError, match=r"sources\[1\]\.urls\[0\]"):
        validate({"type": "feed", "urls": ["nope"]}, "sources[1]")
    with pytest.raises(ConfigError, match=r"sources\[1\]\.discovered"):
        validate({"type": "feed", "discovered": "yes"}, "sources[1]")


def test_crawl_with_conditional_get_and_discovered_feeds(serve, fixtures_dir):
    body = raw(fixtures_dir, "pauldix_blog_atom.xml")
    seen = []

    def feed(request):
        seen.append(request.headers.get("If-None-Match"))
        if request.headers.get("If-None-Match") == '"v1"':
            return Reply(304, b"", content_type=None, headers={"ETag": '"v1"'})
        return Reply(200, body, content_type="application/atom+xml", headers={"ETag": '"v1"'})

    srv = serve({"/feed.xml": feed, "/found.xml": Reply(200, raw(fixtures_dir, "ghost_blog_rss2.xml"),
                                                        content_type="application/rss+xml")})
    store = Store(":memory:")
    # a web source found /found.xml on the competitor's site (127.0.0.1 here)
    web_state = SourceState(store, "web[0]")
    web_state.set("feeds", [srv.url("/found.xml"), "https://elsewhere.example/feed"])
    web_state.commit()
    sector = Sector("t", store=store, competitors=(Competitor("Us", domains=("127.0.0.1",)),))
    session = make_session(HttpConfig(delay=0, retries=0), allow_private_addresses=True)
    source = {"type": "feed", "urls": [srv.url("/feed.xml")]}

    def run():
        ctx = CrawlContext(session=session, sector=sector, state=SourceState(store, "feed[1]", fresh=True), name="feed[1]")
        records = list(feed_crawl(source, ctx))
        ctx.state.commit(records)
        return ctx, records

    ctx, records = run()
    assert ctx.events["pages"] == 2 and ctx.errors == {}  # elsewhere.example is not a competitor's
    posts = {r.id for r in records if isinstance(r, Post)}
    assert len(posts) == body.count(b"<entry>") + 1
    ctx2, again = run()
    assert seen == [None, '"v1"'] and ctx2.events["not modified"] == 1
    assert not [r for r in again if isinstance(r, Post) and r.id in posts and "pauldix" in r.id]


# -- feed history: RFC 5005 paged feeds and WordPress ?paged=N ----------------------------------------------

ATOM = "{http://www.w3.org/2005/Atom}"
#: real recorded WordPress feeds (generator wordpress.org), served as pages 1, 2, 3 of one feed URL
WP_PAGES = ("trendingtopics_at_de.xml", "contentwind_influencer_marketing_de.xml", "tenderlovemaking_blog.xml")


def rss_items(data: bytes) -> list[tuple[str, float]]:
    """(normalised link, pubDate epoch) of every <item>, read with ElementTree."""
    root = ET.fromstring(data.lstrip())
    return [(normalize_url(i.findtext("link").strip()), parsedate_to_datetime(i.findtext("pubDate")).timestamp())
            for i in root.iter("item")]


def atom_ids(data: bytes, base: str) -> set[str]:
    """The alternate link (resolved against ``base``, where the feed was served) of every Atom <entry>."""
    out = set()
    for e in ET.fromstring(data.lstrip()).iter(f"{ATOM}entry"):
        alt = [lk.get("href") for lk in e.findall(f"{ATOM}link") if lk.get("rel", "alternate") == "alternate"]
        out.add(normalize_url(urljoin(base, alt[0])) if alt else e.findtext(f"{ATOM}id").strip())
    return out


def with_feed_link(data: bytes, rel: str, href: str) -> bytes:
    """An Atom feed with a feed-level <link rel=... href=...> added before its first entry."""
    i = data.index(b"<entry>")
    return data[:i] + f'<link rel="{rel}" href="{href}"/>\n  '.encode() + data[i:]


def paged(bodies: list):
    """A route serving ``bodies[n - 1]`` at ``?paged=n`` (page 1 without it), then 404 as WordPress does."""
    def handler(request) -> Reply:
        n = int(parse_qs(urlsplit(request.path).query).get("paged", ["1"])[0])
        if 1 <= n <= len(bodies):
            return Reply(200, bodies[n - 1], content_type="application/rss+xml; charset=UTF-8")
        return Reply(404, b"<html>Page not found</html>", content_type="text/html")
    return handler


def feed_paths(srv) -> list[str]:
    return [path for _, path, _ in srv.requests if path != "/robots.txt"]


@pytest.fixture
def session():
    s = make_session(HttpConfig(delay=0, retries=0), allow_private_addresses=True)
    yield s
    s.close()


def run_feed(source, session, store=None, *, fresh=True, max_pages=None):
    state = SourceState(store, "feed[0]", fresh=fresh)
    ctx = CrawlContext(session=session, sector=Sector("t", store=store), state=state, name="feed[0]",
                       max_pages=max_pages)
    records = list(feed_crawl(source, ctx))
    new = state.commit(records)
    return ctx, records, new


def post_ids(records) -> set[str]:
    return {r.id for r in records if isinstance(r, Post)}


def test_parse_feed_next_and_generator(fixtures_dir):
    samruby = raw(fixtures_dir, "intertwingly_samruby_atom.xml")
    url = "http://intertwingly.net/blog/index.atom"
    assert parse_feed(samruby, url).next is None  # the real feed has self, hub, alternate and license links only
    assert parse_feed(with_feed_link(samruby, "next", "index.atom?page=2"), url).next == \
        "http://intertwingly.net/blog/index.atom?page=2"
    archived = with_feed_link(samruby, "prev-archive", "/blog/2012.atom")
    assert parse_feed(archived, url).next == "http://intertwingly.net/blog/2012.atom"
    both = with_feed_link(archived, "next", "https://intertwingly.net/blog/p2.atom")
    assert parse_feed(both, url).next == "https://intertwingly.net/blog/p2.atom"  # next wins over prev-archive
    # RFC 5005 in RSS 2.0: an atom:link in the channel
    wp = raw(fixtures_dir, "trendingtopics_at_de.xml").replace(b"<atom:link ", b'<atom:link rel="next" href="?paged=2"/><atom:link ', 1)
    assert parse_feed(wp, "https://www.trendingtopics.at/feed/").next == "https://www.trendingtopics.at/feed/?paged=2"
    # a plain RSS feed (an atom:link rel="search" but no paging link) has none
    tc = parse_feed(raw(fixtures_dir, "techcrunch_rss2.xml"), "http://techcrunch.com/feed/")
    assert tc.next is None and tc.generator == "http://wordpress.com/"
    for name in WP_PAGES:
        gen = re.search(rb"<generator>(.*?)</generator>", raw(fixtures_dir, name)).group(1).decode()
        assert parse_feed(raw(fixtures_dir, name), "https://blog.example/feed/").generator == gen
        assert "wordpress.org" in gen
    pauldix = parse_feed(raw(fixtures_dir, "pauldix_blog_atom.xml"), "http://feeds.feedburner.com/PaulDixExplainsNothing")
    assert pauldix.generator == "TypePad http://www.typepad.com/"


def test_json_feed_next_url(fixtures_dir):
    doc = json.loads(raw(fixtures_dir, "jsonfeed_v1.json"))
    assert parse_feed(json.dumps(doc), "https://inessential.com/feed.json").next is None
    doc["next_url"] = "feed.json?page=2"
    feed = parse_feed(json.dumps(doc), "https://inessential.com/feed.json")
    assert feed.next == "https://inessential.com/feed.json?page=2" and feed.generator is None
    assert len(feed.entries) == len(doc["items"])


def test_validate_history():
    assert validate({"type": "feed", "history": 0}) == [] == validate({"type": "feed", "history": 12})
    for bad in (-1, True, "3", 2.5):
        with pytest.raises(ConfigError, match=r"sources\[1\]\.history must be a whole number >= 0") as info:
            validate({"type": "feed", "history": bad}, "sources[1]")
        assert info.value.key == "sources[1].history"


def test_wordpress_history_reads_every_page_until_the_404(serve, fixtures_dir, session):
    bodies = [raw(fixtures_dir, n) for n in WP_PAGES]
    expected = {link for b in bodies for link, _ in rss_items(b)}
    assert len(expected) == sum(b.count(b"<item>") for b in bodies) == 21
    srv = serve({"/feed/": paged(bodies)})
    store = Store(":memory:")
    ctx, records, new = run_feed({"type": "feed", "urls": [srv.url("/feed/")], "history": 5}, session, store)
    assert feed_paths(srv) == ["/feed/", "/feed/?paged=2", "/feed/?paged=3", "/feed/?paged=4"]
    assert ctx.events["history end"] == 1 and ctx.events["history pages"] == 2 and ctx.events["pages"] == 4
    assert ctx.errors == {} and ctx.events["errors"] == 0
    assert post_ids(records) == expected and new["posts"] == 21
    newest = SourceState(store, "feed[0]").get("history newest")
    assert newest == {srv.url("/feed/"): {"date": max(d for b in bodies for _, d in rss_items(b)), "history": 5}}


def test_history_1_reads_one_older_page(serve, fixtures_dir, session):
    bodies = [raw(fixtures_dir, n) for n in WP_PAGES]
    srv = serve({"/feed/": paged(bodies)})
    ctx, records, _ = run_feed({"type": "feed", "urls": [srv.url("/feed/")], "history": 1}, session)
    assert feed_paths(srv) == ["/feed/", "/feed/?paged=2"]
    assert post_ids(records) == {link for b in bodies[:2] for link, _ in rss_items(b)}
    assert ctx.events["history end"] == 0 and ctx.errors == {}


def test_without_history_only_page_1_is_read(serve, fixtures_dir, session):
    bodies = [raw(fixtures_dir, n) for n in WP_PAGES]
    srv = serve({"/feed/": paged(bodies)})
    store = Store(":memory:")
    _, records, _ = run_feed({"type": "feed", "urls": [srv.url("/feed/")]}, session, store)
    assert feed_paths(srv) == ["/feed/"]
    assert post_ids(records) == {link for link, _ in rss_items(bodies[0])}
    assert SourceState(store, "feed[0]").get("history newest") is None  # nothing kept without history


def test_history_resumes_from_the_frontier_within_the_budget(serve, fixtures_dir, session):
    bodies = [raw(fixtures_dir, n) for n in WP_PAGES]
    srv = serve({"/feed/": paged(bodies)})
    store = Store(":memory:")
    source = {"type": "feed", "urls": [srv.url("/feed/")], "history": 5}
    ctx, first, _ = run_feed(source, session, store, max_pages=2)
    assert feed_paths(srv) == ["/feed/", "/feed/?paged=2"] and ctx.events["queue"] == 1  # paged=3 is queued
    ctx, rest, _ = run_feed(source, session, store, fresh=False)  # --resume
    assert feed_paths(srv)[2:] == ["/feed/?paged=3", "/feed/?paged=4"] and ctx.events["history end"] == 1
    assert post_ids(first) | post_ids(rest) == {link for b in bodies for link, _ in rss_items(b)}


def test_atom_next_and_prev_archive_links_are_followed(serve, fixtures_dir, session):
    # real Atom fixtures with one hand-added feed-level link each (relative hrefs)
    p1 = with_feed_link(raw(fixtures_dir, "intertwingly_samruby_atom.xml"), "next", "/atom/2")
    p2 = with_feed_link(raw(fixtures_dir, "pauldix_blog_atom.xml"), "prev-archive", "3")
    srv = serve({"/atom": Reply(200, p1, content_type="application/atom+xml"),
                 "/atom/2": Reply(200, p2, content_type="application/atom+xml"),
                 "/atom/3": Reply(410, b"gone", content_type="text/plain")})
    ctx, records, _ = run_feed({"type": "feed", "urls": [srv.url("/atom")], "history": 5}, session)
    assert feed_paths(srv) == ["/atom", "/atom/2", "/atom/3"]
    assert ctx.events["history end"] == 1 and ctx.errors == {}
    assert post_ids(records) == atom_ids(p1, srv.url("/atom")) | atom_ids(p2, srv.url("/atom/2"))
    assert len(post_ids(records)) == p1.count(b"<entry>") + p2.count(b"<entry>") == 25


def test_a_next_link_on_another_site_is_not_followed(serve, fixtures_dir, session):
    srv = serve()
    p1 = with_feed_link(raw(fixtures_dir, "intertwingly_samruby_atom.xml"), "next", f"http://localhost:{srv.port}/atom/2")
    srv.routes.update({"/atom": Reply(200, p1, content_type="application/atom+xml"),
                       "/atom/2": Reply(200, raw(fixtures_dir, "pauldix_blog_atom.xml"),
                                        content_type="application/atom+xml")})
    ctx, records, _ = run_feed({"type": "feed", "urls": [srv.url("/atom")], "history": 5}, session)
    assert feed_paths(srv) == ["/atom"] and ctx.errors == {}
    assert post_ids(records) == atom_ids(p1, srv.url("/atom"))
    # a WordPress feed whose next link leaves the site falls back to its own ?paged=N
    wp = raw(fixtures_dir, "trendingtopics_at_de.xml").replace(
        b"<atom:link ", f'<atom:link rel="next" href="http://localhost:{srv.port}/x"/><atom:link '.encode(), 1)
    srv.routes["/feed/"] = paged([wp])
    ctx, _, _ = run_feed({"type": "feed", "urls": [srv.url("/feed/")], "history": 5}, session)
    assert feed_paths(srv)[1:] == ["/feed/", "/feed/?paged=2"] and ctx.events["history end"] == 1


def with_new_item(data: bytes, link: str, date: str) -> bytes:
    """An RSS feed with one more item in front: a copy of its first item with a new link, guid and date."""
    text = data.decode("utf-8")
    first = re.search(r"<item>.*?</item>", text, re.DOTALL).group(0)
    item = re.sub(r"<link>.*?</link>", f"<link>{link}</link>", first, count=1)
    item = re.sub(r"<guid[^>]*>.*?</guid>", f'<guid isPermaLink="true">{link}</guid>', item, count=1)
    item = re.sub(r"<pubDate>.*?</pubDate>", f"<pubDate>{date}</pubDate>", item, count=1)
    return text.replace(first, item + "\n" + first, 1).encode("utf-8")


def test_incremental_history_fills_a_gap_but_not_a_normal_recrawl(serve, fixtures_dir, session):
    tender = raw(fixtures_dir, "tenderlovemaking_blog.xml")  # items of Jun-Dec 2008
    newer = raw(fixtures_dir, "trendingtopics_at_de.xml")  # items of Dec 2016 - Jan 2017
    assert max(d for _, d in rss_items(tender)) < min(d for _, d in rss_items(newer))
    bodies = [tender]
    srv = serve({"/feed/": paged(bodies)})
    store = Store(":memory:")
    source = {"type": "feed", "urls": [srv.url("/feed/")], "history": 5}

    ctx, records, _ = run_feed(source, session, store)  # first crawl: up to 5 older pages
    assert feed_paths(srv) == ["/feed/", "/feed/?paged=2"] and ctx.events["history end"] == 1
    assert post_ids(records) == {link for link, _ in rss_items(tender)}

    # page 1 now has one new entry above the ones already stored: a normal re-crawl, page 1 only
    new_link = "http://tenderlovemaking.com/2009/01/05/a-new-post/"
    page1 = with_new_item(tender, new_link, "Mon, 05 Jan 2009 10:00:00 +0000")
    bodies[:] = [page1, tender]
    srv.requests.clear()
    ctx, records, new = run_feed(source, session, store)
    assert feed_paths(srv) == ["/feed/"] and new["posts"] == 1 and new_link in post_ids(records)

    # page 1 holds only entries newer than the newest stored one: the gap goes on on page 2,
    # which holds stored entries, so the crawl stops there although a page 3 exists
    bodies[:] = [newer, page1, raw(fixtures_dir, "contentwind_influencer_marketing_de.xml")]
    srv.requests.clear()
    ctx, records, new = run_feed(source, session, store)
    assert feed_paths(srv) == ["/feed/", "/feed/?paged=2"] and ctx.errors == {}
    assert new["posts"] == len(rss_items(newer)) == 10
    assert SourceState(store, "feed[0]").get("history newest")[srv.url("/feed/")]["date"] == \
        max(d for _, d in rss_items(newer))


def test_turning_history_on_or_up_reads_back_even_when_page_1_is_not_modified(serve, fixtures_dir, session):
    bodies = [raw(fixtures_dir, n) for n in WP_PAGES]
    plain = paged(bodies)

    def with_etag(request) -> Reply:  # every page has an ETag; a matching If-None-Match gets a 304
        reply = plain(request)
        tag = f'"{request.path}"'
        if reply.status == 200 and request.headers.get("If-None-Match") == tag:
            return Reply(304, b"", content_type=None, headers={"ETag": tag})
        reply.headers = {"ETag": tag}
        return reply

    srv = serve({"/feed/": with_etag})
    store = Store(":memory:")
    url = srv.url("/feed/")

    def crawl_with(**keys):
        srv.requests.clear()
        ctx, _, _ = run_feed({"type": "feed", "urls": [url], **keys}, session, store)
        return [(path, headers.get("If-None-Match")) for _, path, headers in srv.requests if path != "/robots.txt"], ctx

    assert crawl_with()[0] == [("/feed/", None)]
    assert crawl_with()[0] == [("/feed/", '"/feed/"')]  # conditional, as before
    # history switched on: page 1 unchanged, but it is read again (no 304) to find the older pages
    assert crawl_with(history=1)[0] == [("/feed/", None), ("/feed/?paged=2", None)]
    reqs, ctx = crawl_with(history=1)  # a normal re-crawl: a 304, nothing else
    assert reqs == [("/feed/", '"/feed/"')] and ctx.events["not modified"] == 1
    reqs, ctx = crawl_with(history=5)  # history raised: the deeper pages are read once
    assert [p for p, _ in reqs] == ["/feed/", "/feed/?paged=2", "/feed/?paged=3", "/feed/?paged=4"]
    assert all(tag is None for _, tag in reqs) and ctx.events["history end"] == 1
    assert crawl_with(history=5)[0] == [("/feed/", '"/feed/"')]
