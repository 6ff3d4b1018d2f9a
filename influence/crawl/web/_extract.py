"""parse_page: a page's text, metadata, links, feeds and identity evidence."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import lxml.html
from lxml import etree

from ...identity import SHARED_HOSTS, profile_actor, site_actor, site_of, site_of_host  # noqa: F401 (re-exported)

if TYPE_CHECKING:

    pass
from ._comments import comment_elements, hentry_comments, jsonld_comments, parse_comment
from ._html import (
    ARTICLE_TYPES,
    BYLINE_PREFIX,
    CHROME_TAGS,
    FEED_TYPES,
    WHITESPACE,
    XML_DECL,
    ElementIndex,
    Link,
    Page,
    as_list,
    decode_html,
    element_text,
    first_string,
    has_class_xpath,
    jsonld_objects,
    jsonld_types,
    language_tag,
    to_timestamp,
)
from ._records import EVIDENCE_RANK
from ._urls import SHARE, normalize_url


def parse_page(html: str | bytes, url: str, *, content_type: str | None = None) -> Page:
    """Extract a page's metadata, links, comments, identities and feeds.

    Parameters
    ----------
    html : str or bytes
        The page (bytes are decoded with :func:`decode_html`).
    url : str
        Its URL (relative links resolve against it, or against ``<base href>``).
    content_type : str, optional
        The ``Content-Type`` header, for its charset.

    Returns
    -------
    Page

    Notes
    -----
    Author, in order: schema.org JSON-LD (``author`` of the Article/BlogPosting, following
    ``@id`` references), the h-entry's ``p-author h-card``, ``rel=author`` links,
    ``<meta name="author">`` / ``article:author``, then common byline classes. Date: JSON-LD
    ``datePublished``, ``article:published_time``, h-entry ``dt-published``,
    ``itemprop=datePublished``, ``<meta name="date">``. Comments: WordPress markup (elements
    with ids ``comment-<n>``: ``li.comment``, ``.comment-author``/``.fn``, ``a.url``,
    ``time[datetime]``), h-entry ``p-comment h-cite`` and JSON-LD ``comment``.

    Examples
    --------
    >>> page = parse_page('''<html lang="en"><head><title>Hi</title>
    ... <meta name="author" content="Ana"></head><body><article>
    ... <p>See <a href="https://other.example/x?utm_source=feed">this</a>.</p></article>
    ... <a rel="me" href="https://mastodon.social/@ana">me</a></body></html>''',
    ...                   "https://ana.example/post")
    >>> page.title, page.language, page.author_name
    ('Hi', 'en', 'Ana')
    >>> [(link.url, link.where) for link in page.links]
    [('https://other.example/x', 'content'), ('https://mastodon.social/@ana', 'page')]
    >>> page.identities
    (('https://mastodon.social/@ana', 'site', 'rel=me'),)
    """
    if isinstance(html, bytes):
        html = decode_html(html, content_type)
    html = XML_DECL.sub("", html, count=1)  # lxml refuses str input with an encoding declaration
    page_url = normalize_url(url) or url
    try:
        doc = lxml.html.document_fromstring(html or "<html></html>")
    except (etree.ParserError, ValueError):
        doc = lxml.html.document_fromstring("<html></html>")
    idx = ElementIndex(doc)
    base_href = [b.get("href") for b in idx.tags.get("base", ()) if b.get("href")]
    base = normalize_url(base_href[0], page_url) if base_href else page_url
    base = base or page_url

    def meta(*names: str) -> str | None:
        for n in names:
            v = idx.meta.get(n.lower())
            if v:
                return v
        return None

    # -- JSON-LD
    objs = jsonld_objects(doc, idx.tags.get("script", []))
    by_id = {o["@id"]: o for o in objs if isinstance(o.get("@id"), str)}

    def resolve(node: Any) -> Any:
        if isinstance(node, dict) and set(node) <= {"@id", "name"} and node.get("@id") in by_id:
            merged = dict(by_id[node["@id"]])
            if "name" in node:
                merged.setdefault("name", node["name"])
            return merged
        return node

    article = next((o for o in objs if jsonld_types(o) & (ARTICLE_TYPES - {"webpage"}) and
                    (o.get("author") or o.get("datePublished"))), None)
    if article is None:
        article = next((o for o in objs if "webpage" in jsonld_types(o) and o.get("datePublished")), None)
    ld_author_name = ld_author_url = None
    identities: list[tuple[str, str, str]] = []
    ld_comments: list[dict] = []
    title = None
    published = None
    if article is not None:
        title = article.get("headline") if isinstance(article.get("headline"), str) else None
        published = to_timestamp(article.get("datePublished"))
        for author in as_list(article.get("author"))[:1]:
            author = resolve(author)
            if isinstance(author, str):
                ld_author_name = author.strip() or None
            elif isinstance(author, dict):
                name = author.get("name")
                ld_author_name = name.strip() if isinstance(name, str) and name.strip() else None
                ld_author_url = first_string(author.get("url"))
                for same in as_list(author.get("sameAs")):
                    if isinstance(same, str):
                        identities.append((same, "author", "json-ld sameAs"))
                        if ld_author_url is None and site_of(same) == site_of(page_url):
                            ld_author_url = same  # the author's page on this site
        ld_comments = [c for c in as_list(article.get("comment")) if isinstance(c, dict)]
    for o in objs:  # the site's own profiles: Organization / WebSite publisher sameAs
        if jsonld_types(o) & {"organization", "newsmediaorganization", "corporation", "website"}:
            for same in as_list(o.get("sameAs")):
                if isinstance(same, str):
                    identities.append((same, "site", "json-ld sameAs"))

    # -- h-entry
    hentry = idx.first_class("h-entry")
    h_author_name = h_author_url = None
    if hentry is not None:
        cards = hentry.xpath(f".//*[{has_class_xpath('p-author')}]")
        if cards:
            card = cards[0]
            names = card.xpath(f".//*[{has_class_xpath('p-name')}]")
            h_author_name = element_text(names[0] if names else card, 200) or None
            hrefs = card.xpath(f"./@href | .//*[{has_class_xpath('u-url')}]/@href | .//a/@href")
            h_author_url = hrefs[0] if hrefs else None
        if title is None:
            pn = hentry.xpath(f".//*[{has_class_xpath('p-name')}]")
            if pn and not pn[0].xpath(f"ancestor::*[{has_class_xpath('p-author')}]"):
                title = element_text(pn[0], 500) or None
        if published is None:
            dp = hentry.xpath(f".//*[{has_class_xpath('dt-published')}]")
            if dp:
                published = to_timestamp(dp[0].get("datetime") or dp[0].get("title") or element_text(dp[0]))

    # -- rel=author and meta
    rel_author = idx.rel.get("author", [])
    ra_name = ra_url = None
    for el in rel_author:
        href = el.get("href")
        if href and not href.startswith("#"):
            ra_url = href
            ra_name = element_text(el, 200) or None
            break
    meta_author = meta("author", "article:author", "dc.creator", "DC.creator", "parsely-author",
                       "sailthru.author")
    byline_name = None
    if not (ld_author_name or h_author_name or ra_name or meta_author):
        by = idx.first_class("byline", "author-name")
        if by is None and idx.itemprop.get("author"):
            by = idx.itemprop["author"][0]
        if by is not None:
            byline_name = element_text(by, 200) or None

    author_name = ld_author_name or h_author_name or ra_name
    author_url = ld_author_url or h_author_url or ra_url
    if meta_author:
        if re.match(r"https?://", meta_author):
            author_url = author_url or meta_author
        else:
            author_name = author_name or meta_author
    author_name = BYLINE_PREFIX.sub("", author_name or byline_name or "").strip() or None
    if author_url:
        author_url = normalize_url(author_url, base)

    # -- title, date, language, site name
    if title is None:
        title = meta("og:title", "twitter:title")
    if title is None:
        t = idx.tags.get("title")
        title = element_text(t[0], 500) if t else None
    title = WHITESPACE.sub(" ", title).strip() if title else None
    if published is None:
        published = to_timestamp(meta("article:published_time", "datePublished", "date", "dc.date", "DC.date",
                             "DC.date.issued", "pubdate", "publish-date", "og:published_time"))
    if published is None:
        candidates = [e.get("datetime") or e.get("content") for e in idx.itemprop.get("datePublished", ())]
        candidates += [e.get("datetime") for e in idx.cls.get("published", []) + idx.cls.get("entry-date", [])
                       if e.tag == "time"]
        published = next((ts for ts in map(to_timestamp, candidates) if ts is not None), None)
    language = language_tag(doc.get("lang") or doc.get("xml:lang") or meta("og:locale", "language", "content-language"))
    site_name = meta("og:site_name", "application-name")

    canonical = [e.get("href") for e in idx.rel.get("canonical", ()) if e.tag == "link" and e.get("href")]
    canonical_url = normalize_url(canonical[0], base) if canonical else None

    # -- feeds
    feeds: list[str] = []
    for link in idx.rel.get("alternate", ()):
        if link.tag == "link" and link.get("href") and \
                (link.get("type") or "").split(";")[0].strip().lower() in FEED_TYPES:
            f = normalize_url(link.get("href"), base)
            if f and f not in feeds:
                feeds.append(f)

    # -- regions: content body, comment items, chrome
    content = None
    if hentry is not None:
        ec = hentry.xpath(f".//*[{has_class_xpath('e-content')}]")
        content = ec[0] if ec else None
    if content is None:
        content = (idx.itemprop.get("articleBody") or [None])[0]
    if content is None:
        content = idx.first_class("e-content", "entry-content", "post-content", "article-content",
                                  "article-body", "post-body")
    if content is None:
        for tag in ("article", "main"):
            if idx.tags.get(tag):
                content = idx.tags[tag][0]
                break
    if content is None:
        content = idx.ids.get("content")
    comment_items = comment_elements(idx.comments)
    comment_nodes = set(comment_items)
    comment_section = [idx.ids[i] for i in ("comments", "respond") if i in idx.ids]
    comment_section += idx.cls.get("comments-area", []) + idx.cls.get("commentlist", []) + idx.cls.get("comment-list", [])
    in_comments = set(comment_section) | comment_nodes
    author_boxes = set(idx.cls.get("p-author", []) + idx.cls.get("author-box", []) + idx.cls.get("author-bio", [])
                       + idx.cls.get("about-author", []))

    # -- links: classify each <a href> by the region it sits in (one walk up per link)
    links: list[Link] = []
    for a in idx.anchors:
        href = normalize_url(a.get("href"), base)
        if href is None:
            continue
        rel = tuple(a.get("rel", "").lower().split())
        where = "page"
        node = a
        while node is not None:
            if node in in_comments:
                where = "comment"
                break
            if node in author_boxes:
                where = "author"
                break
            if node is content:
                # a header or footer inside the article (tags, share buttons) stays chrome
                where = "content" if where == "page" else where
                break
            if node.tag in CHROME_TAGS:
                where = "chrome"
            node = node.getparent()
        text = element_text(a, 200)
        links.append(Link(href, rel, text, where))
    for el in idx.rel.get("me", ()):  # <link rel="me"> in the head
        if el.tag == "link" and el.get("href"):
            href = normalize_url(el.get("href"), base)
            if href:
                links.append(Link(href, tuple(el.get("rel", "").lower().split()), "", "page"))

    # -- identities: rel=me anywhere but comments; profile links in the author box or page chrome
    for link in links:
        if link.where == "comment":
            continue
        owner = "author" if link.where == "author" else "site"
        if "me" in link.rel:
            identities.append((link.url, owner, "rel=me"))
        elif link.where in ("author", "chrome", "page") and profile_actor(link.url) and not SHARE.match(link.url):
            identities.append((link.url, owner, "profile link"))
    best: dict[tuple[str, str], str] = {}
    for u, owner, ev in identities:
        nu = normalize_url(u, base)
        if not nu:
            continue
        known = best.get((nu, owner))
        if known is None or EVIDENCE_RANK[ev] < EVIDENCE_RANK[known]:
            best[(nu, owner)] = ev  # keep the strongest evidence for each profile
    ident = [(u, owner, ev) for (u, owner), ev in best.items()]

    # -- comments
    comments = [parse_comment(el, page_url, base, comment_nodes) for el in comment_items]
    comments = [c for c in comments if c is not None]
    if not comments:
        comments = hentry_comments(hentry, page_url, base) + jsonld_comments(ld_comments, page_url, base)

    # -- main text (scripts and styles out)
    text = ""
    region = content if content is not None else (doc.body if doc.find("body") is not None else doc)
    if region is not None:
        for bad in region.xpath(".//script | .//style | .//noscript | .//template"):
            bad.drop_tree()
        text = element_text(region)[:200_000]

    return Page(
        url=page_url,
        site=site_of(page_url),
        title=title,
        text=text,
        language=language,
        published=published,
        author_name=author_name,
        author_url=author_url,
        site_name=site_name,
        links=tuple(links),
        comments=tuple(comments),
        has_comment_section=bool(comment_section or comment_items),
        identities=tuple(ident),
        feeds=tuple(feeds),
        canonical=canonical_url,
    )
