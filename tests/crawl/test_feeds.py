"""The feed crawler on the real fixture feeds (expected values read from the raw XML/JSON with
regular expressions and json), and fetched over a local server with conditional GETs."""

from __future__ import annotations

import html as htmllib
import json
import re

import pytest
from .crawl_server import Reply

from influence.crawl.base import CrawlContext
from influence.crawl.errors import CrawlError
from influence.crawl.feeds import crawl as feed_crawl
from influence.crawl.feeds import feed_records, fix_mojibake, parse_feed, validate
from influence.crawl.http import HttpConfig, make_session
from influence.crawl.state import SourceState
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
