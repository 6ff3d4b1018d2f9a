"""The web crawler: URL and site rules, page extraction on the real fixture pages (expected values
computed independently from the HTML with regular expressions and the Public Suffix List), and
breadth-first crawls against local servers."""

from __future__ import annotations

import html as htmllib
import json
import re
from collections import Counter

import pytest
from .crawl_server import Reply
from publicsuffixlist import PublicSuffixList

from influence.crawl.base import CrawlContext
from influence.crawl.http import HttpConfig, make_session
from influence.crawl.state import SourceState
from influence.crawl.web import crawl as web_crawl
from influence.crawl.web import (
    normalize_url,
    page_records,
    parse_page,
    profile_actor,
    site_of,
    validate,
)
from influence.errors import ConfigError
from influence.records import Actor, Interaction, Post, SameAs
from influence.sector import Sector
from influence.store import Store

PSL = PublicSuffixList()


def domain(url: str) -> str:
    host = re.match(r"https?://([^/:?#]+)", url).group(1).lower()
    host = host[4:] if host.startswith("www.") else host
    if host.endswith(".wordpress.com"):  # documented: blog platforms off the list keep the host
        return host
    return PSL.privatesuffix(host) or host


def load(fixtures_dir, web_index, name):
    raw = (fixtures_dir / "web" / name).read_bytes()
    return raw, web_index[name]


# -- URLs, sites, profiles ----------------------------------------------------------------------------


@pytest.mark.parametrize("given, expected", [
    ("HTTP://WWW.Example.COM:80/a/./b/../c?utm_medium=x&fbclid=1&q=2#frag", "http://www.example.com/a/c?q=2"),
    ("https://example.com", "https://example.com/"),
    ("https://example.com:8443/x", "https://example.com:8443/x"),
    ("https://user:pw@example.com/x", "https://example.com/x"),
    ("javascript:void(0)", None), ("mailto:a@b.example", None), ("", None),
    ("#top", "http://base.example/dir/page"),  # a fragment link is the page itself
])
def test_normalize_url(given, expected):
    assert normalize_url(given, "http://base.example/dir/page" if given.startswith("#") else None) == expected


def test_normalize_relative_and_dedupe_forms():
    base = "https://blog.example/2024/post/"
    forms = ["../post/", "https://blog.example/2024/post/#comments", "/2024/post/?utm_source=tw",
             "HTTPS://BLOG.EXAMPLE:443/2024/post/"]
    assert {normalize_url(f, base) for f in forms} == {"https://blog.example/2024/post/"}


@pytest.mark.parametrize("url, site", [
    ("https://www.bbc.co.uk/news", "bbc.co.uk"), ("https://en.blog.wordpress.com/x", "en.blog.wordpress.com"),
    ("https://ana.github.io/", "ana.github.io"), ("https://ana.blogspot.com/", "ana.blogspot.com"),
    ("http://[::1]:8000/", "::1"), ("https://news.elpais.com/", "elpais.com"),
])
def test_site_of(url, site):
    assert site_of(url) == site


@pytest.mark.parametrize("url, actor", [
    ("https://mastodon.social/@Gargron", "mastodon:@gargron@mastodon.social"),
    ("https://bsky.app/profile/jay.bsky.team", "bluesky:jay.bsky.team"),
    ("https://twitter.com/lemire", "twitter:lemire"), ("https://x.com/Lemire/status/123", "twitter:lemire"),
    ("https://www.linkedin.com/in/dlemire/", "linkedin:in/dlemire"),
    ("https://news.ycombinator.com/user?id=pg", "hackernews:pg"),
    ("https://www.youtube.com/@GoogleDevelopers", "youtube:@googledevelopers"),
    ("https://github.com/lemire", "github:lemire"), ("https://github.com/lemire/simdjson", None),
    ("https://twitter.com/intent/tweet?url=x", None), ("https://www.facebook.com/sharer.php?u=x", None),
    ("https://medium.com/@ana", "medium:@ana"), ("https://example.com/about", None),
])
def test_profile_actor(url, actor):
    assert profile_actor(url) == actor


# -- extraction on the fixture pages -------------------------------------------------------------------


def _wp_comments(raw: str) -> list[tuple[str | None, str]]:
    """(commenter URL, name) for each WordPress ``li#comment-N``, by regular expressions."""
    out = []
    for item in re.split(r'<li[^>]*\bid="comment-\d+"', raw)[1:]:
        m = re.search(r'class="(?:fn|comment-author)"[^>]*>\s*(?:<img[^>]*>\s*)?'
                      r'(?:<a href=["\']([^"\']+)["\'][^>]*>)?\s*([^<]+?)\s*<', item)
        if m is None:
            m2 = re.search(r"<cite>\s*<strong>([^<]+)", item)
            out.append((None, htmllib.unescape(m2.group(1)).strip()))
        else:
            out.append((m.group(1), htmllib.unescape(m.group(2)).strip()))
    return out


@pytest.mark.parametrize("name", ["en_blog_lemire_me_with_comments.html", "en_blog_thenervousbreakdown_comments.html",
                                  "en_blog_wordpress_com_with_comments.html", "es_news_cubadebate_comments.html"])
def test_comment_authors_match_the_markup(fixtures_dir, web_index, name):
    raw, url = load(fixtures_dir, web_index, name)
    text = raw.decode("utf-8")
    expected = _wp_comments(text)
    page = parse_page(raw, url)
    assert len(page.comments) == len(expected) > 0
    for comment, (href, who) in zip(page.comments, expected):
        assert comment.name == re.sub(r"\s+", " ", who)
        if href and "." in href.split("//")[-1].split("/")[0]:
            assert comment.url == normalize_url(href)
        elif href is None:
            assert comment.url is None
    # records: one comment interaction per commenter who is not the blog itself, to the page author
    records = page_records(page)
    comments = [r for r in records if isinstance(r, Interaction) and r.kind.value == "comment"]
    expected_sources = []
    for href, who in expected:
        host_ok = href and "." in href.split("//")[-1].split("/")[0]
        src = f"web:{domain(href)}" if host_ok and not profile_actor(href) else (
            profile_actor(href) if host_ok else f"commenter:{site_of(url)}/{re.sub(r'[ ]+', ' ', who)}")
        if src not in (page.author_id, page.site_id):
            expected_sources.append(src)
    assert Counter(r.source for r in comments) == Counter(expected_sources)
    assert {r.target for r in comments} <= {page.author_id}
    posts = {r.id: r for r in records if isinstance(r, Post)}
    assert posts[page.url].replies == len(expected)
    assert all(posts[c.id].parent in posts for c in page.comments)


def test_threaded_replies_on_lemire(fixtures_dir, web_index):
    raw, url = load(fixtures_dir, web_index, "en_blog_lemire_me_with_comments.html")
    text = raw.decode("utf-8")
    depth2 = re.findall(r'<li id="comment-(\d+)" class="[^"]*depth-2', text)
    page = parse_page(raw, url)
    replies = [c for c in page.comments if c.parent]
    assert sorted(c.id.rsplit("-", 1)[1] for c in replies) == sorted(depth2) and len(depth2) == 2
    records = page_records(page)
    reply_edges = [r for r in records if isinstance(r, Interaction) and r.kind.value == "reply"]
    # Daniel Lemire (lemire.me) answers degski (example.com) and wmu (no site)
    assert {(r.source, r.target) for r in reply_edges} == {
        ("web:lemire.me", "web:example.com"), ("web:lemire.me", "commenter:lemire.me/wmu")}


def test_outbound_sites_of_the_article_body(fixtures_dir, web_index):
    """The sites linked from lemire's article body (regex slice of div.entry-content) are link
    targets of the page's site, and links in the comment section are not."""
    raw, url = load(fixtures_dir, web_index, "en_blog_lemire_me_with_comments.html")
    text = raw.decode("utf-8")
    body = text[text.index('<div class="entry-content">'):text.index('<footer class="entry-footer">')]
    body_sites = {domain(h) for h in re.findall(r'href=["\'](https?://[^"\']+)', body)} - {"lemire.me"}
    comments = text[text.index('<div id="comments"'):]
    comment_only = {domain(h) for h in re.findall(r'href=["\'](https?://[^"\']+)', comments)} - {"lemire.me"}
    page = parse_page(raw, url)
    content_sites = {domain(link.url) for link in page.links if link.where == "content"} - {"lemire.me"}
    assert content_sites == body_sites == {"github.com"}
    targets = {r.target for r in page_records(page) if isinstance(r, Interaction) and r.kind.value == "link"}
    assert "web:github.com" in targets
    assert "example.com" in comment_only and "web:example.com" not in targets
    assert all(r.source == "web:lemire.me" for r in page_records(page)
               if isinstance(r, Interaction) and r.kind.value == "link")


@pytest.mark.parametrize("name", ["es_news_cubadebate_comments.html", "en_blog_github_blog_jsonld_blogposting.html",
                                  "de_marketing_doschu_solopreneur_linkedin.html", "en_blog_flowfx_h-entry.html"])
def test_link_targets_are_linked_sites(fixtures_dir, web_index, name):
    """Every link target is a site (or a profile on a site) that the raw HTML links to, and the
    weights add up to the number of such links kept."""
    raw, url = load(fixtures_dir, web_index, name)
    linked = {domain(htmllib.unescape(h)) for h in re.findall(r'href=["\'](https?://[^"\']+)', raw.decode("utf-8", "replace"))}
    page = parse_page(raw, url)
    links = [r for r in page_records(page) if isinstance(r, Interaction) and r.kind.value == "link"]
    platform_domains = {"twitter": "twitter.com", "github": "github.com", "facebook": "facebook.com",
                        "instagram": "instagram.com", "linkedin": "linkedin.com", "youtube": "youtube.com"}
    for r in links:
        platform, handle = r.target.split(":", 1)
        dom = handle if platform == "web" else platform_domains.get(platform)
        assert dom in linked or (platform == "twitter" and "x.com" in linked), r.target
        assert r.post == page.url and r.weight >= 1
    assert len({r.target for r in links}) == len(links)  # aggregated per target


def test_jsonld_author_date_and_title(fixtures_dir, web_index):
    raw, url = load(fixtures_dir, web_index, "es_news_elpais_ciencia.html")
    text = raw.decode("utf-8")
    blocks = [json.loads(b, strict=False) for b in
              re.findall(r'<script type="application/ld\+json">(.*?)</script>', text, re.S)]
    article = next(b for b in blocks if isinstance(b, dict) and b.get("author"))
    page = parse_page(raw, url)
    assert page.author_name == article["author"][0]["name"] == "Nuño Domínguez"
    assert page.title == article["headline"]
    from datetime import datetime

    assert page.published == datetime.fromisoformat(article["datePublished"]).timestamp()
    assert page.language == "es"
    # the author's own page on the site (from sameAs) makes a person actor
    assert page.author_id.startswith("web:elpais.com/")


def test_hentry_author_and_date(fixtures_dir, web_index):
    raw, url = load(fixtures_dir, web_index, "en_blog_flowfx_h-entry.html")
    text = raw.decode("utf-8")
    dt = re.search(r'<time class="[^"]*\bdt-published\b[^"]*" datetime="([^"]+)"', text).group(1)
    from influence.records import parse_timestamp

    page = parse_page(raw, url)
    assert page.published == parse_timestamp(dt) == parse_timestamp("2020-01-16T18:20:33+01:00")
    assert page.author_name == re.search(r'<meta name="author" content="([^"]+)"', text).group(1)


def test_rel_me_and_profile_links_become_identity_links(fixtures_dir, web_index):
    raw, url = load(fixtures_dir, web_index, "de_marketing_doschu_solopreneur_linkedin.html")
    text = raw.decode("utf-8")
    rel_me = set(re.findall(r'<a[^>]*href="([^"]+)"[^>]*rel="[^"]*\bme\b', text)
                 + re.findall(r'<a[^>]*rel="[^"]*\bme\b[^"]*"[^>]*href="([^"]+)"', text))
    assert rel_me
    page = parse_page(raw, url)
    links = [r for r in page_records(page) if isinstance(r, SameAs)]
    by_evidence = {ev: {r.b if r.a == "web:doschu.com" else r.a for r in links if r.evidence == ev}
                   for ev in ("rel=me",)}
    expected = {profile_actor(u) or f"web:{domain(u)}" for u in rel_me} - {"web:doschu.com"}
    assert by_evidence["rel=me"] == expected
    assert "facebook:doschucom" in expected and "instagram:doschu" in expected
    assert all("web:doschu.com" in (r.a, r.b) for r in links)


def test_discovered_feeds(fixtures_dir, web_index):
    raw, url = load(fixtures_dir, web_index, "en_blog_wordpress_tavern_comments.html")
    text = raw.decode("utf-8")
    found = re.findall(r'<link[^>]+type="application/(?:rss|atom)\+xml"[^>]*href="([^"]+)"', text)
    found += re.findall(r'<link[^>]+href="([^"]+)"[^>]*type="application/(?:rss|atom)\+xml"', text)
    page = parse_page(raw, url)
    assert set(page.feeds) == {normalize_url(htmllib.unescape(f)) for f in found} and len(page.feeds) >= 2


def test_every_fixture_parses_into_valid_records(fixtures_dir, web_index):
    for name, url in web_index.items():
        page = parse_page((fixtures_dir / "web" / name).read_bytes(), url)
        records = page_records(page)
        assert records[0] == Actor(page.site_id, name=records[0].name, url=records[0].url,
                                   language=page.language)
        assert sum(isinstance(r, Post) and r.id == page.url for r in records) == 1
        assert page.title, name


def test_encodings_are_handled():
    latin = "<html><head><meta charset='iso-8859-1'><title>Café</title></head><body>ñandú</body></html>"
    page = parse_page(latin.encode("latin-1"), "http://x.example/")
    assert page.title == "Café" and "ñandú" in page.text
    broken = b"<html><head><meta charset='utf-8'><title>bad \xff\xfe bytes</title></head></html>"
    assert parse_page(broken, "http://x.example/").title.startswith("bad")
    xhtml = '<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml"><head><title>X</title></head></html>'
    assert parse_page(xhtml, "http://x.example/").title == "X"


# -- source validation --------------------------------------------------------------------------------


@pytest.mark.parametrize("source, key", [
    ({"type": "web"}, "sources[0].seeds"), ({"type": "web", "seeds": ["ftp://x"]}, "sources[0].seeds"),
    ({"type": "web", "seeds": ["http://x.example"], "max_pages": 0}, "sources[0].max_pages"),
    ({"type": "web", "seeds": ["http://x.example"], "depth": 2}, "sources[0].depth"),
])
def test_validate_names_the_key(source, key):
    with pytest.raises(ConfigError) as info:
        validate(source, "sources[0]")
    assert key in str(info.value)


# -- crawling a local site ---------------------------------------------------------------------------


def _site(n: int, port_hint: str = "") -> dict:
    """n pages in a ring plus a hub; each links to the next two, to an external site and with
    tracking parameters and fragments (deduplicated)."""
    routes = {"/robots.txt": Reply(200, "User-agent: *\nDisallow: /secret\n", content_type="text/plain")}
    for i in range(n):
        links = [f"/p{(i + 1) % n}?utm_source=ring#top", f"/p{(i + 2) % n}", "/secret",
                 "https://external.example/ref", "http://localhost:1/not-followed"]
        body = "".join(f'<a href="{u}">l</a>' for u in links)
        routes[f"/p{i}"] = Reply(200, f"<html lang='en'><title>P{i}</title><article>{body}</article></html>",
                                 headers={"ETag": f'"p{i}"'})
    return routes


def _ctx(store, name="web[0]", max_pages=None, **cfg):
    session = make_session(HttpConfig(delay=0, retries=0, max_concurrency=cfg.pop("workers", 3), **cfg),
                           allow_private_addresses=True)
    sector = Sector("t", store=store)
    return CrawlContext(session=session, sector=sector, state=SourceState(store, name), name=name, max_pages=max_pages)


def test_breadth_first_crawl_dedupes_obeys_robots_and_stays_on_site(serve):
    srv = serve(_site(8))
    store = Store(":memory:")
    ctx = _ctx(store)
    records = list(web_crawl({"type": "web", "seeds": [srv.url("/p0")], "max_depth": 10}, ctx))
    ctx.state.commit(records)
    assert {p for p in srv.hits if p.startswith("/p")} == {f"/p{i}" for i in range(8)}
    assert all(srv.hits[f"/p{i}"] == 1 for i in range(8))  # utm/fragment variants fetched once
    assert srv.hits["/secret"] == 0 and ctx.errors["robots"] == 1
    posts = [r for r in records if isinstance(r, Post)]
    assert sorted(p.title for p in posts) == [f"P{i}" for i in range(8)]
    ext = [r for r in records if isinstance(r, Interaction) and r.target == "web:external.example"]
    assert len(ext) == 8 and all(r.source == "web:127.0.0.1" for r in ext)
    assert "web:localhost" in {r.target for r in records if isinstance(r, Interaction)}  # recorded...
    assert ctx.events["pages"] == 8  # ...not followed; the robots-refused URL is not fetched
    assert set(store.crawl_visited("web[0]")) >= {srv.url(f"/p{i}") for i in range(8)}
    assert store.crawl_frontier("web[0]") == []


def test_depth_and_page_budgets(serve):
    srv = serve(_site(10))
    ctx = _ctx(Store(":memory:"), workers=1)
    list(web_crawl({"type": "web", "seeds": [srv.url("/p0")], "max_depth": 1}, ctx))
    assert {p for p in srv.hits if p.startswith("/p")} == {"/p0", "/p1", "/p2"}
    srv2 = serve(_site(10))
    ctx2 = _ctx(Store(":memory:"), workers=2)
    list(web_crawl({"type": "web", "seeds": [srv2.url("/p0")], "max_depth": 20, "max_pages": 4}, ctx2))
    assert sum(v for p, v in srv2.hits.items() if p.startswith("/p")) == 4


def test_recrawl_is_conditional_and_still_follows_links(serve):
    etags_seen = []

    def page(i, n=5):
        def handler(request):
            if request.headers.get("If-None-Match") == f'"p{i}"':
                etags_seen.append(i)
                return Reply(304, b"", headers={"ETag": f'"p{i}"'}, content_type=None)
            return _site(n)[f"/p{i}"]
        return handler

    srv = serve({f"/p{i}": page(i) for i in range(5)})
    store = Store(":memory:")
    source = {"type": "web", "seeds": [srv.url("/p0")], "max_depth": 10}
    ctx = _ctx(store)
    ctx.state.commit(list(web_crawl(source, ctx)))
    first = store.counts()
    ctx2 = _ctx(store)
    ctx2.state = SourceState(store, "web[0]", fresh=True)
    again = list(web_crawl(source, ctx2))
    ctx2.state.commit(again)
    assert sorted(etags_seen) == [0, 1, 2, 3, 4]  # every page answered 304 ...
    assert ctx2.events["not modified"] == 5 and again == []  # ... and was not parsed again
    assert store.counts() == first


def test_fixture_pages_over_http(fixture_server, fixtures_dir):
    """An index on the local server linking every fixture page: each page's Post and its
    comment records arrive through the real HTTP stack."""
    names = sorted(p.name for p in (fixtures_dir / "web").glob("*.html"))
    links = "".join(f'<a href="/web/{n}">{n}</a>' for n in names)
    fixture_server.routes["/"] = Reply(200, f"<html><body><main>{links}</main></body></html>")
    ctx = _ctx(Store(":memory:"), workers=4)
    records = list(web_crawl({"type": "web", "seeds": [fixture_server.url("/")], "max_depth": 1}, ctx))
    posts = {r.id for r in records if isinstance(r, Post)}
    assert {fixture_server.url(f"/web/{n}") for n in names} <= posts
    assert ctx.errors == Counter() and ctx.events["pages"] == len(names) + 1
    comments = [r for r in records if isinstance(r, Interaction) and r.kind.value == "comment"]
    assert len(comments) >= 40


def test_link_qualifiers_are_stored_on_link_interactions():
    """rel=nofollow/sponsored/ugc of outbound links end up on the link interaction (issue 5)."""
    from influence.crawl.web import page_records, parse_page

    html = ('<html><body><article><a rel="sponsored nofollow" href="https://ad.example/x">ad</a>'
            '<a href="https://friend.example/">friend</a></article></body></html>')
    recs = [r for r in page_records(parse_page(html, "https://a.example/post"))
            if type(r).__name__ == "Interaction"]
    assert {(r.target, r.rel) for r in recs} == {("web:ad.example", "nofollow sponsored"),
                                                ("web:friend.example", None)}
