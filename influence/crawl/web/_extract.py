"""The web crawler (``[[sources]] type = "web"``): blogs, media and brand sites into records.

A sector file declares it as::

    [[sources]]
    type = "web"
    name = "coffee blogs"                 # optional; default "web[<index>]"
    seeds = ["https://blog.example/", "https://news.example/coffee/"]
    max_pages = 500                       # pages per crawl, resumed runs included (default 100)
    max_depth = 3                         # link hops from a seed (default 3)
    allowed_domains = ["blog.example"]    # sites to follow (default: the seeds' sites)

Breadth-first from the seeds, following links within the allowed sites and recording, but not
following, links to other sites. Every fetch goes through the polite session
(:mod:`influence.crawl.http`); the frontier and visited set are kept in the sector store
(:mod:`influence.crawl.state`), so a killed crawl resumes where it stopped, and a re-crawl
sends ``If-None-Match`` / ``If-Modified-Since``.

Entities and records
--------------------
- A **site** is a registrable domain (``blog.example.co.uk`` -> ``web:example.co.uk``; the
  maintained Public Suffix List of :mod:`publicsuffixlist`, private section included, so
  ``ana.github.io`` stays a site of its own; blog platforms that give each blog a subdomain
  but are not on the list, such as ``wordpress.com``, keep the full host).
- An **author** with a profile URL on the page's own site is a person actor with that path
  (``web:elpais.com/autor/nuno``); otherwise the page is attributed to its site.
- Each HTML page gives a :class:`~influence.records.Post` (id: the normalised URL; title, main
  text, language, published date), ``link`` interactions from the page's site to every other
  site or social profile it links to (weight: the number of links; share buttons, navigation,
  footers and comment sections left out), for each comment a comment ``Post`` with a
  ``comment`` interaction commenter -> page author (and ``reply`` -> the parent commenter for a
  threaded reply), and :class:`~influence.records.SameAs` identity links from ``rel=me`` links,
  JSON-LD ``sameAs`` and social profile links outside the article body.
- Commenters with a website are that site's actor; commenters without one are
  ``commenter:<site>/<name>``, a name known only on that site.
- Discovered feeds (``<link rel="alternate" type="application/rss+xml">``...) are kept in the
  source's state (``feeds``), where feed sources find them.

The parsing functions (:func:`parse_page`, :func:`page_records`, :func:`normalize_url`,
:func:`site_of`, :func:`profile_actor`) are pure and work on text, without a network.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import lxml.html
from lxml import etree

from ..errors import ConfigError
from ..identity import SHARED_HOSTS, _site_of_host, profile_actor, site_actor, site_of  # noqa: F401 (re-exported)
from ..records import Actor, Interaction, Post, SameAs, actor_id, parse_timestamp
from .errors import CrawlError
from .http import HTML_TYPES, fetch
from .state import SourceState

if TYPE_CHECKING:
    import requests

    from .base import CrawlContext

__all__ = [
    "Link",
    "Comment",
    "Page",
    "parse_page",
    "page_records",
    "identity_records",
    "normalize_url",
    "site_of",
    "site_actor",
    "profile_actor",
    "crawl",
    "validate",
    "decode_html",
]

KEYS = ("type", "name", "seeds", "urls", "max_pages", "max_depth", "allowed_domains")
DEFAULT_MAX_PAGES = 100
DEFAULT_MAX_DEPTH = 3

# -- URLs and sites ---------------------------------------------------------------------------------

_TRACKING = re.compile(
    r"^(utm_[a-z_]+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|yclid|mc_cid|mc_eid|_ga|_gl|igshid|"
    r"mkt_tok|_hsenc|_hsmi|hsctatracking|ref_src|ref_url|spm|vero_id|oly_[a-z_]+|__s|s_cid|cmpid)$",
    re.IGNORECASE,
)


def normalize_url(url: str, base: str | None = None) -> str | None:
    """Canonical form of a link, or ``None`` for what is not an http(s) URL.

    Resolves ``url`` against ``base``; lower-cases scheme and host; drops the default port, the
    fragment, user info and tracking parameters (``utm_*``, ``fbclid``, ``gclid``...); an empty
    path becomes ``/``.

    Examples
    --------
    >>> normalize_url("HTTPS://Example.COM:443/a/../b?utm_source=x&id=2#top")
    'https://example.com/b?id=2'
    >>> normalize_url("/about", "http://blog.example/post/1")
    'http://blog.example/about'
    >>> normalize_url("mailto:ana@example.com") is None
    True
    """
    text = (url or "").strip()
    if not text:
        return None
    if text.startswith(("http://", "https://")) and len(text) < 2048:
        return _normalize_absolute(text)  # most links are absolute and repeat across pages
    return _normalize(text, base)


def _normalize(text: str, base: str | None) -> str | None:
    try:
        if base:
            text = urljoin(base, text)
        parts = urlsplit(text)
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https"):
            return None
        host = (parts.hostname or "").rstrip(".")
        port = parts.port
    except ValueError:
        return None
    if not host or any(c in host for c in " <>\"'{}|\\^`"):
        return None
    netloc = f"[{host}]" if ":" in host else host
    if port is not None and port != (443 if scheme == "https" else 80):
        netloc += f":{port}"
    path = parts.path or "/"
    if "/." in path:  # remove dot segments (RFC 3986 §5.2.4), as a base-less urljoin does
        path = urlsplit(urljoin("http://h/", path)).path
    if " " in path:
        path = path.replace(" ", "%20")
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        kept = [(k, v) for k, v in pairs if not _TRACKING.match(k)]
        if len(kept) != len(pairs):
            query = urlencode(kept)
    return urlunsplit((scheme, netloc, path, query, ""))


_normalize_absolute = lru_cache(maxsize=65536)(lambda text: _normalize(text, None))


_SHARE = re.compile(
    r"^https?://(?:www\.|m\.)?(?:twitter\.com/(?:intent|share|home\?)|x\.com/(?:intent|share)|"
    r"facebook\.com/(?:sharer|share|dialog)|linkedin\.com/(?:shareArticle|sharing|cws/share)|"
    r"pinterest\.[a-z.]+/pin/create|reddit\.com/submit|news\.ycombinator\.com/submitlink|"
    r"(?:api\.)?whatsapp\.com/send|wa\.me/|t\.me/share|telegram\.me/share|getpocket\.com/(?:save|edit)|"
    r"tumblr\.com/(?:share|widgets/share)|plus\.google\.com/share|mix\.com/add|buffer\.com/add|"
    r"bsky\.app/intent|flipboard\.com/bookmarklet|vk\.com/share|digg\.com/submit|"
    r"[\w.-]+/share\?|addtoany\.com|sharethis\.com)",
    re.IGNORECASE,
)


def _link_target(url: str) -> str | None:
    """The actor a link gives attention to: a social profile, else the linked site."""
    if _SHARE.match(url):
        return None
    profile = profile_actor(url)
    if profile is not None:
        return profile
    site = site_of(url)
    return actor_id("web", site) if site else None


# -- page parsing -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Link:
    """A hyperlink on a page.

    Attributes
    ----------
    url : str
        Normalised absolute URL.
    rel : tuple of str
        Its ``rel`` values, lower-cased (``nofollow``, ``sponsored``, ``ugc``, ``me``...).
    text : str
        The anchor text (trimmed, at most 200 characters).
    where : str
        ``"content"`` (the article body), ``"page"`` (elsewhere: sidebars, blogrolls...),
        ``"chrome"`` (navigation, header, footer, forms), ``"comment"`` (a comment section) or
        ``"author"`` (the author's box or h-card).
    """

    url: str
    rel: tuple[str, ...] = ()
    text: str = ""
    where: str = "page"


@dataclass(frozen=True, slots=True)
class Comment:
    """A reader's comment on a page.

    Attributes
    ----------
    id : str
        ``<page url>#<comment element id>``.
    name : str or None
        The commenter's display name.
    url : str or None
        The commenter's website, when they gave one.
    published : float or None
        UTC epoch seconds, when the markup gives a machine-readable time.
    text : str
    parent : str or None
        Id of the comment this one replies to (threaded comments).
    """

    id: str
    name: str | None = None
    url: str | None = None
    published: float | None = None
    text: str = ""
    parent: str | None = None


@dataclass(frozen=True)
class Page:
    """What :func:`parse_page` extracts from one HTML page."""

    url: str
    site: str
    title: str | None = None
    text: str = ""
    language: str | None = None
    published: float | None = None
    author_name: str | None = None
    author_url: str | None = None
    site_name: str | None = None
    links: tuple[Link, ...] = ()
    comments: tuple[Comment, ...] = ()
    has_comment_section: bool = False
    #: ``(profile URL, owner, evidence)``: owner is ``"site"`` or ``"author"``
    identities: tuple[tuple[str, str, str], ...] = ()
    feeds: tuple[str, ...] = ()
    canonical: str | None = None

    @property
    def site_id(self) -> str:
        return actor_id("web", self.site)

    @property
    def author_id(self) -> str:
        """The page's author actor: a person on the site with a profile URL, else the site."""
        if self.author_url:
            try:
                parts = urlsplit(self.author_url)
            except ValueError:
                return self.site_id
            if site_of(self.author_url) == self.site and parts.path.strip("/") and not parts.query:
                host = (parts.hostname or "").lower()
                return actor_id("web", host + parts.path)
        return self.site_id


_ENCODING_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """Decode an HTML body as declared: a byte-order mark, else the HTTP charset, else the
    ``<meta charset>``; an undeclared body is UTF-8 if it decodes as such, else Windows-1252
    (what browsers assume). A declared encoding is kept even when some bytes do not fit it:
    they become U+FFFD, the rest of the page keeps its letters. Never raises.

    >>> decode_html("café".encode("latin-1"), "text/html; charset=ISO-8859-1")
    'café'
    >>> decode_html(b"<meta charset='utf-8'>caf\\xc3\\xa9")
    "<meta charset='utf-8'>café"
    >>> decode_html(b"<meta charset='utf-8'>Luc\\xc3\\xada \\xff")  # one bad byte
    "<meta charset='utf-8'>Lucía \ufffd"
    """
    declared: list[str] = []
    if body.startswith(b"\xef\xbb\xbf"):
        declared.append("utf-8-sig")
    if content_type and "charset=" in content_type.lower():
        declared.append(content_type.lower().split("charset=", 1)[1].split(";")[0].strip(" \"'"))
    m = _ENCODING_RE.search(body[:4096])
    if m:
        declared.append(m.group(1).decode("ascii", "replace").lower())
    for enc in declared:
        if enc in ("iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii"):
            enc = "cp1252"  # the WHATWG encoding standard maps these labels to windows-1252
        try:
            return body.decode(enc, errors="replace")
        except LookupError:  # an encoding Python does not know: try the next declaration
            continue
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body.decode("cp1252", errors="replace")


_WS = re.compile(r"\s+")
_BYLINE_PREFIX = re.compile(r"^(?:(?:view |see )?(?:all |more )?(?:posts|articles|entries) (?:by|from)|by|por|von|par|de)\s+",
                            re.IGNORECASE)
_CHROME_TAGS = {"nav", "header", "footer", "form"}
_COMMENT_ID = re.compile(r"^(?:div-)?comment-(\d+)$")
_ARTICLE_TYPES = {"article", "blogposting", "newsarticle", "reportagenewsarticle", "techarticle",
                  "scholarlyarticle", "socialmediaposting", "liveblogposting", "analysisnewsarticle",
                  "opinionnewsarticle", "reviewnewsarticle", "webpage", "posting", "report"}
_FEED_TYPES = {"application/rss+xml", "application/atom+xml", "application/feed+json",
               "application/json+feed", "application/rdf+xml"}


def _text(el: Any, limit: int | None = None) -> str:
    text = _WS.sub(" ", el.text_content() if hasattr(el, "text_content") else str(el)).strip()
    return text[:limit] if limit else text


def _class_has(name: str) -> str:
    return f'contains(concat(" ", normalize-space(@class), " "), " {name} ")'


def _lang(value: str | None) -> str | None:
    if not value:
        return None
    code = re.split(r"[-_]", value.strip().lower(), maxsplit=1)[0]
    return code if re.fullmatch(r"[a-z]{2,3}", code) else None


def _ts(value: Any) -> float | None:
    if not value or not isinstance(value, (str, int, float)):
        return None
    try:
        return parse_timestamp(str(value).strip())
    except ValueError:
        pass
    import email.utils

    try:
        dt = email.utils.parsedate_to_datetime(str(value))
    except (TypeError, ValueError, IndexError):
        return None
    return parse_timestamp(dt) if dt else None


_WANTED_CLASSES = frozenset({
    "h-entry", "p-author", "e-content", "entry-content", "post-content", "article-content", "article-body",
    "post-body", "byline", "author-name", "author-box", "author-bio", "about-author", "comments-area",
    "commentlist", "comment-list", "published", "entry-date",
})


class _Index:
    """One pass over the tree, collecting what the extractors look for (a dozen ``//*[...]``
    XPath scans cost three times as much on typical pages)."""

    __slots__ = ("cls", "comments", "ids", "itemprop", "rel", "anchors", "meta", "tags")

    def __init__(self, doc: Any):
        cls: dict[str, list] = {}
        itemprop: dict[str, list] = {}
        rel: dict[str, list] = {}
        tags: dict[str, list] = {}
        self.comments: list = []
        self.ids: dict[str, Any] = {}
        self.anchors: list = []
        self.meta: dict[str, str] = {}
        for el in doc.iter():
            tag = el.tag
            if not isinstance(tag, str):
                continue  # comments, processing instructions
            get = el.get
            c = get("class")
            if c:
                for tok in c.split():
                    if tok in _WANTED_CLASSES:
                        cls.setdefault(tok, []).append(el)
            i = get("id")
            if i:
                if i.startswith(("comment-", "div-comment-")):
                    self.comments.append(el)
                elif i in ("comments", "respond", "content"):
                    self.ids.setdefault(i, el)
            ip = get("itemprop")
            if ip:
                for tok in ip.split():
                    itemprop.setdefault(tok, []).append(el)
            if tag == "a":
                if get("href"):
                    self.anchors.append(el)
                r = get("rel")
                if r:
                    for tok in r.lower().split():
                        rel.setdefault(tok, []).append(el)
            elif tag == "meta":
                key = get("name") or get("property") or get("itemprop") or get("http-equiv")
                content = get("content")
                if key and content and content.strip():
                    self.meta.setdefault(key.strip().lower(), content.strip())
            elif tag in ("link", "article", "main", "time", "title", "base", "script") or get("role") == "main":
                tags.setdefault("main" if get("role") == "main" else tag, []).append(el)
                if tag == "link":
                    r = get("rel")
                    if r:
                        for tok in r.lower().split():
                            rel.setdefault(tok, []).append(el)
        self.cls, self.itemprop, self.rel, self.tags = cls, itemprop, rel, tags

    def first_class(self, *names: str) -> Any:
        for n in names:
            found = self.cls.get(n)
            if found:
                return found[0]
        return None


def _jsonld_objects(doc: Any, scripts: list | None = None) -> list[dict]:
    out: list[dict] = []

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for n in node:
                walk(n)
        elif isinstance(node, dict):
            out.append(node)
            graph = node.get("@graph")
            if graph is not None:
                walk(graph)

    if scripts is None:
        scripts = doc.xpath("//script")
    for script in scripts:
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        raw = script.text or ""
        try:
            walk(json.loads(raw, strict=False))
        except ValueError:
            continue
    return out


def _types(obj: dict) -> set[str]:
    t = obj.get("@type")
    if isinstance(t, str):
        t = [t]
    return {str(x).rsplit("/", 1)[-1].lower() for x in t or () if isinstance(x, str)}


def _first_str(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("@id") or value.get("url")
    return value.strip() if isinstance(value, str) and value.strip() else None


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


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
    html = _XML_DECL.sub("", html, count=1)  # lxml refuses str input with an encoding declaration
    page_url = normalize_url(url) or url
    try:
        doc = lxml.html.document_fromstring(html or "<html></html>")
    except (etree.ParserError, ValueError):
        doc = lxml.html.document_fromstring("<html></html>")
    idx = _Index(doc)
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
    objs = _jsonld_objects(doc, idx.tags.get("script", []))
    by_id = {o["@id"]: o for o in objs if isinstance(o.get("@id"), str)}

    def resolve(node: Any) -> Any:
        if isinstance(node, dict) and set(node) <= {"@id", "name"} and node.get("@id") in by_id:
            merged = dict(by_id[node["@id"]])
            if "name" in node:
                merged.setdefault("name", node["name"])
            return merged
        return node

    article = next((o for o in objs if _types(o) & (_ARTICLE_TYPES - {"webpage"}) and
                    (o.get("author") or o.get("datePublished"))), None)
    if article is None:
        article = next((o for o in objs if "webpage" in _types(o) and o.get("datePublished")), None)
    ld_author_name = ld_author_url = None
    identities: list[tuple[str, str, str]] = []
    ld_comments: list[dict] = []
    title = None
    published = None
    if article is not None:
        title = article.get("headline") if isinstance(article.get("headline"), str) else None
        published = _ts(article.get("datePublished"))
        for author in _as_list(article.get("author"))[:1]:
            author = resolve(author)
            if isinstance(author, str):
                ld_author_name = author.strip() or None
            elif isinstance(author, dict):
                name = author.get("name")
                ld_author_name = name.strip() if isinstance(name, str) and name.strip() else None
                ld_author_url = _first_str(author.get("url"))
                for same in _as_list(author.get("sameAs")):
                    if isinstance(same, str):
                        identities.append((same, "author", "json-ld sameAs"))
                        if ld_author_url is None and site_of(same) == site_of(page_url):
                            ld_author_url = same  # the author's page on this site
        ld_comments = [c for c in _as_list(article.get("comment")) if isinstance(c, dict)]
    for o in objs:  # the site's own profiles: Organization / WebSite publisher sameAs
        if _types(o) & {"organization", "newsmediaorganization", "corporation", "website"}:
            for same in _as_list(o.get("sameAs")):
                if isinstance(same, str):
                    identities.append((same, "site", "json-ld sameAs"))

    # -- h-entry
    hentry = idx.first_class("h-entry")
    h_author_name = h_author_url = None
    if hentry is not None:
        cards = hentry.xpath(f".//*[{_class_has('p-author')}]")
        if cards:
            card = cards[0]
            names = card.xpath(f".//*[{_class_has('p-name')}]")
            h_author_name = _text(names[0] if names else card, 200) or None
            hrefs = card.xpath(f"./@href | .//*[{_class_has('u-url')}]/@href | .//a/@href")
            h_author_url = hrefs[0] if hrefs else None
        if title is None:
            pn = hentry.xpath(f".//*[{_class_has('p-name')}]")
            if pn and not pn[0].xpath(f"ancestor::*[{_class_has('p-author')}]"):
                title = _text(pn[0], 500) or None
        if published is None:
            dp = hentry.xpath(f".//*[{_class_has('dt-published')}]")
            if dp:
                published = _ts(dp[0].get("datetime") or dp[0].get("title") or _text(dp[0]))

    # -- rel=author and meta
    rel_author = idx.rel.get("author", [])
    ra_name = ra_url = None
    for el in rel_author:
        href = el.get("href")
        if href and not href.startswith("#"):
            ra_url = href
            ra_name = _text(el, 200) or None
            break
    meta_author = meta("author", "article:author", "dc.creator", "DC.creator", "parsely-author",
                       "sailthru.author")
    byline_name = None
    if not (ld_author_name or h_author_name or ra_name or meta_author):
        by = idx.first_class("byline", "author-name")
        if by is None and idx.itemprop.get("author"):
            by = idx.itemprop["author"][0]
        if by is not None:
            byline_name = _text(by, 200) or None

    author_name = ld_author_name or h_author_name or ra_name
    author_url = ld_author_url or h_author_url or ra_url
    if meta_author:
        if re.match(r"https?://", meta_author):
            author_url = author_url or meta_author
        else:
            author_name = author_name or meta_author
    author_name = _BYLINE_PREFIX.sub("", author_name or byline_name or "").strip() or None
    if author_url:
        author_url = normalize_url(author_url, base)

    # -- title, date, language, site name
    if title is None:
        title = meta("og:title", "twitter:title")
    if title is None:
        t = idx.tags.get("title")
        title = _text(t[0], 500) if t else None
    title = _WS.sub(" ", title).strip() if title else None
    if published is None:
        published = _ts(meta("article:published_time", "datePublished", "date", "dc.date", "DC.date",
                             "DC.date.issued", "pubdate", "publish-date", "og:published_time"))
    if published is None:
        candidates = [e.get("datetime") or e.get("content") for e in idx.itemprop.get("datePublished", ())]
        candidates += [e.get("datetime") for e in idx.cls.get("published", []) + idx.cls.get("entry-date", [])
                       if e.tag == "time"]
        published = next((ts for ts in map(_ts, candidates) if ts is not None), None)
    language = _lang(doc.get("lang") or doc.get("xml:lang") or meta("og:locale", "language", "content-language"))
    site_name = meta("og:site_name", "application-name")

    canonical = [e.get("href") for e in idx.rel.get("canonical", ()) if e.tag == "link" and e.get("href")]
    canonical_url = normalize_url(canonical[0], base) if canonical else None

    # -- feeds
    feeds: list[str] = []
    for link in idx.rel.get("alternate", ()):
        if link.tag == "link" and link.get("href") and \
                (link.get("type") or "").split(";")[0].strip().lower() in _FEED_TYPES:
            f = normalize_url(link.get("href"), base)
            if f and f not in feeds:
                feeds.append(f)

    # -- regions: content body, comment items, chrome
    content = None
    if hentry is not None:
        ec = hentry.xpath(f".//*[{_class_has('e-content')}]")
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
    comment_items = _comment_items(idx.comments)
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
            if node.tag in _CHROME_TAGS:
                where = "chrome"
            node = node.getparent()
        text = _text(a, 200)
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
        elif link.where in ("author", "chrome", "page") and profile_actor(link.url) and not _SHARE.match(link.url):
            identities.append((link.url, owner, "profile link"))
    best: dict[tuple[str, str], str] = {}
    for u, owner, ev in identities:
        nu = normalize_url(u, base)
        if not nu:
            continue
        known = best.get((nu, owner))
        if known is None or _EVIDENCE_RANK[ev] < _EVIDENCE_RANK[known]:
            best[(nu, owner)] = ev  # keep the strongest evidence for each profile
    ident = [(u, owner, ev) for (u, owner), ev in best.items()]

    # -- comments
    comments = [_parse_comment(el, page_url, base, comment_nodes) for el in comment_items]
    comments = [c for c in comments if c is not None]
    if not comments:
        comments = _hentry_comments(hentry, page_url, base) + _jsonld_comments(ld_comments, page_url, base)

    # -- main text (scripts and styles out)
    text = ""
    region = content if content is not None else (doc.body if doc.find("body") is not None else doc)
    if region is not None:
        for bad in region.xpath(".//script | .//style | .//noscript | .//template"):
            bad.drop_tree()
        text = _text(region)[:200_000]

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


def _comment_items(candidates: list) -> list:
    """WordPress-style comment elements (id ``comment-<n>`` or ``div-comment-<n>``), one per
    comment number, the outermost one kept."""
    by_num: dict[str, Any] = {}
    for el in candidates:
        m = _COMMENT_ID.match(el.get("id", ""))
        if not m or el.tag in ("a", "span", "p", "time", "form", "textarea", "input"):
            continue
        num = m.group(1)
        if num not in by_num:
            by_num[num] = el
    return list(by_num.values())


_AUTHOR_XP = (
    f'.//*[{_class_has("fn")}]',
    f'.//*[{_class_has("comment-author")}]',
    f'.//*[{_class_has("epoch-author-link")}]',
    f'.//*[{_class_has("p-author")}]',
    './/*[@itemprop="author"]',
    f'.//*[{_class_has("comment-author-name")}]',
    f'.//*[{_class_has("author")}]',
    ".//cite",
)
_COMMENT_TEXT_XP = (
    f'.//*[{_class_has("comment-content")}]',
    f'.//*[{_class_has("comment-text")}]',
    f'.//*[{_class_has("commenttext")}]',
    f'.//*[{_class_has("contenttext")}]',
    f'.//*[{_class_has("epoch-comment-content")}]',
    f'.//*[{_class_has("e-content")}]',
    './/*[@itemprop="text"]',
)


def _own(el: Any, found: list, items: set) -> list:
    """Keep the matches that belong to ``el`` itself, not to a nested reply."""
    out = []
    for f in found:
        node = f.getparent()
        while node is not None and node is not el:
            if node in items:
                break
            node = node.getparent()
        if node is el:
            out.append(f)
    return out


def _parse_comment(el: Any, page_url: str, base: str, items: set) -> Comment | None:
    name = url = None
    for xp in _AUTHOR_XP:
        found = _own(el, el.xpath(xp), items)
        if found:
            author_el = found[0]
            name = _text(author_el, 200) or None
            hrefs = [author_el.get("href")] if author_el.tag == "a" else []
            hrefs += author_el.xpath(".//a/@href")
            for h in hrefs:
                nu = normalize_url(h, base) if h else None
                host = urlsplit(nu).hostname or "" if nu else ""
                if nu and "." in host and "gravatar.com" not in host and \
                        urlsplit(nu).path.rstrip("/") != urlsplit(page_url).path.rstrip("/"):
                    url = nu
                    break
            break
    if name:
        name = re.sub(r"\s+(says|dijo|dice|sagt|schreibt|a dit|écrit|wrote)\s*:?$", "", name, flags=re.IGNORECASE)
        name = name.strip(" :") or None
    if name is None and url is None:
        return None
    text_el = None
    for xp in _COMMENT_TEXT_XP:
        found = _own(el, el.xpath(xp), items)
        if found:
            text_el = found[0]
            break
    if text_el is not None:
        text = _text(text_el, 20_000)
    else:
        text = " ".join(_text(p) for p in _own(el, el.xpath(".//p"), items))[:20_000]
    times = _own(el, el.xpath(".//time[@datetime]"), items)
    published = _ts(times[0].get("datetime")) if times else None
    num = _COMMENT_ID.match(el.get("id", "")).group(1)
    parent = None
    node = el.getparent()
    while node is not None:
        if node in items:
            parent = f"{page_url}#comment-{_COMMENT_ID.match(node.get('id', '')).group(1)}"
            break
        node = node.getparent()
    return Comment(id=f"{page_url}#comment-{num}", name=name, url=url, published=published, text=text,
                   parent=parent)


def _hentry_comments(hentry: Any, page_url: str, base: str) -> list[Comment]:
    if hentry is None:
        return []
    out = []
    for i, c in enumerate(hentry.xpath(f".//*[{_class_has('p-comment')} or {_class_has('u-comment')}]"), 1):
        if not c.xpath(f"self::*[{_class_has('h-cite')} or {_class_has('h-entry')}]"):
            continue
        card = c.xpath(f".//*[{_class_has('p-author')}]")
        name = url = None
        if card:
            names = card[0].xpath(f".//*[{_class_has('p-name')}]")
            name = _text(names[0] if names else card[0], 200) or None
            hrefs = card[0].xpath(f"./@href | .//*[{_class_has('u-url')}]/@href | .//a/@href")
            url = normalize_url(hrefs[0], base) if hrefs else None
        if not (name or url):
            continue
        dp = c.xpath(f".//*[{_class_has('dt-published')}]")
        published = _ts(dp[0].get("datetime") or _text(dp[0])) if dp else None
        body = c.xpath(f".//*[{_class_has('e-content')} or {_class_has('p-content')}]")
        out.append(Comment(id=f"{page_url}#h-comment-{i}", name=name, url=url, published=published,
                           text=_text(body[0], 20_000) if body else ""))
    return out


def _jsonld_comments(items: list[dict], page_url: str, base: str) -> list[Comment]:
    out = []
    for i, c in enumerate(items, 1):
        author = c.get("author") or c.get("creator")
        if isinstance(author, list):
            author = author[0] if author else None
        name = url = None
        if isinstance(author, dict):
            name = author.get("name") if isinstance(author.get("name"), str) else None
            url = normalize_url(_first_str(author.get("url")) or "", base)
        elif isinstance(author, str):
            name = author
        if not (name or url):
            continue
        text = c.get("text") if isinstance(c.get("text"), str) else ""
        out.append(Comment(id=f"{page_url}#ld-comment-{i}", name=name, url=url,
                           published=_ts(c.get("dateCreated") or c.get("datePublished")),
                           text=_WS.sub(" ", text).strip()))
    return out


# -- records ----------------------------------------------------------------------------------------


def commenter_actor(comment: Comment, page_site: str) -> str:
    """The actor of a commenter: their website's site, else ``commenter:<page site>/<name>``.

    >>> commenter_actor(Comment("u#c1", "Ana", "https://ana.example/"), "blog.example")
    'web:ana.example'
    >>> commenter_actor(Comment("u#c2", "Ramón  Pérez"), "cubadebate.cu")
    'commenter:cubadebate.cu/Ramón Pérez'
    """
    if comment.url:
        return _link_target(comment.url) or site_actor(comment.url)
    name = _WS.sub(" ", comment.name or "anonymous").strip()
    return actor_id("commenter", f"{page_site}/{name}")


def identity_records(page: Page) -> list[SameAs]:
    """:class:`~influence.records.SameAs` links between the page's site or author and the
    profiles it declares as its own (rel=me, JSON-LD sameAs, profile links outside the body).

    >>> page = Page("https://ana.example/", "ana.example",
    ...             identities=(("https://mastodon.social/@ana", "site", "rel=me"),))
    >>> identity_records(page)
    [SameAs(a='web:ana.example', b='mastodon:@ana@mastodon.social', evidence='rel=me')]
    """
    out: dict[tuple[str, str], SameAs] = {}
    for url, owner, evidence in page.identities:
        me = page.author_id if owner == "author" else page.site_id
        other = profile_actor(url)
        if other is None:
            if evidence != "rel=me" and not evidence.startswith("json-ld"):
                continue
            other = site_actor(url)
        if other == me or not other or other == "web:":
            continue
        link = SameAs(me, other, evidence)
        known = out.get(link.pair)
        if known is None or _EVIDENCE_RANK.get(evidence, 9) < _EVIDENCE_RANK.get(known.evidence, 9):
            out[link.pair] = link  # keep the strongest evidence: rel=me, then sameAs, then a link
    return list(out.values())


_EVIDENCE_RANK = {"rel=me": 0, "json-ld sameAs": 1, "profile link": 2}


#: rel values kept on link interactions (paid, user-generated or unendorsed links)
_LINK_QUALIFIERS = frozenset({"nofollow", "sponsored", "ugc"})


def page_records(page: Page, *, competitors: dict[str, str] | None = None) -> list:
    """The records of a parsed page (see the module docstring).

    Parameters
    ----------
    page : Page
    competitors : dict, optional
        ``{actor id: competitor name}`` (:meth:`Sector.competitor_map`), to mark competitor sites.

    Returns
    -------
    list of Actor, Post, Interaction and SameAs

    Examples
    --------
    >>> page = parse_page('<html><body><article><a href="https://b.example/">b</a> '
    ...                   '<a href="https://b.example/2">b2</a></article></body></html>',
    ...                   "https://a.example/post")
    >>> [r for r in page_records(page) if type(r).__name__ == "Interaction"]
    [Interaction(source='web:a.example', target='web:b.example', kind=<Kind.LINK: 'link'>, timestamp=None, post='https://a.example/post', weight=2.0, rel=None)]
    """
    competitors = competitors or {}
    site = page.site_id
    author = page.author_id
    parts = urlsplit(page.url)
    root = f"{parts.scheme}://{parts.netloc}/"
    records: list = [Actor(site, name=page.site_name, url=root, competitor=competitors.get(site),
                           language=page.language)]
    if author != site:
        records.append(Actor(author, name=page.author_name, url=page.author_url,
                             competitor=competitors.get(author), language=page.language))
    elif page.author_name and not page.site_name and page.author_name != site.split(":", 1)[1]:
        # a personal site signed by one name: that name is the site's
        records[0] = Actor(site, name=page.author_name, url=root, competitor=competitors.get(site),
                           language=page.language)
    records.append(Post(
        id=page.url, author=author, timestamp=page.published, text=page.text, title=page.title,
        url=page.url, language=page.language,
        replies=len(page.comments) if page.has_comment_section else None, format="text",
    ))
    counts: Counter = Counter()
    quals: dict[str, set] = {}
    for link in page.links:
        if link.where in ("comment", "chrome") or "me" in link.rel:
            continue
        target = _link_target(link.url)
        if target is None or target in (site, author):
            continue
        counts[target] += 1
        quals.setdefault(target, set()).update(r for r in link.rel if r in _LINK_QUALIFIERS)
    for target in sorted(counts):
        records.append(Interaction(site, target, "link", page.published, page.url, counts[target],
                                   " ".join(sorted(quals[target])) or None))
    commenters: dict[str, str] = {}
    for c in page.comments:
        who = commenter_actor(c, page.site)
        commenters[c.id] = who
        records.append(Actor(who, name=c.name, url=c.url))
        records.append(Post(id=c.id, author=who, timestamp=c.published, text=c.text,
                            parent=c.parent or page.url, url=c.id, format="text"))
        if who not in (author, site):  # the blog's own people answering are not attention
            records.append(Interaction(who, author, "comment", c.published, c.id))
        parent_author = commenters.get(c.parent) if c.parent else None
        if parent_author and parent_author != who:
            records.append(Interaction(who, parent_author, "reply", c.published, c.id))
    records.extend(identity_records(page))
    return records


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
    from ..config import _show

    for key in source:
        if key not in KEYS:
            raise ConfigError(f"unknown key {where}.{key} (known: {', '.join(KEYS)})", key=f"{where}.{key}")
    seeds_raw = source.get("seeds", source.get("urls"))
    if isinstance(seeds_raw, str):
        seeds_raw = [seeds_raw]
    if not isinstance(seeds_raw, list) or not seeds_raw:
        raise ConfigError(f"{where}.seeds must be a non-empty list of http(s) URLs, got {_show(seeds_raw)}",
                          key=f"{where}.seeds")
    seeds = []
    for j, s in enumerate(seeds_raw):
        n = normalize_url(s) if isinstance(s, str) else None
        if n is None:
            raise ConfigError(f"{where}.seeds[{j}] must be an http(s) URL, got {_show(s)}", key=f"{where}.seeds")
        if urlsplit(n).username or "@" in urlsplit(s).netloc:
            raise ConfigError(f"{where}.seeds[{j}] must not hold credentials", key=f"{where}.seeds")
        seeds.append(n)
    ints = {}
    for key, default in (("max_pages", DEFAULT_MAX_PAGES), ("max_depth", DEFAULT_MAX_DEPTH)):
        v = source.get(key, default)
        lo = 1 if key == "max_pages" else 0
        if isinstance(v, bool) or not isinstance(v, int) or v < lo:
            raise ConfigError(f"{where}.{key} must be a whole number >= {lo}, got {_show(v)}", key=f"{where}.{key}")
        ints[key] = v
    allowed_raw = source.get("allowed_domains")
    if allowed_raw is None:
        allowed = frozenset(site_of(s) for s in seeds)
    else:
        if isinstance(allowed_raw, str):
            allowed_raw = [allowed_raw]
        if not isinstance(allowed_raw, list) or not all(isinstance(d, str) and d.strip() for d in allowed_raw):
            raise ConfigError(f"{where}.allowed_domains must be a list of domain names, got {_show(allowed_raw)}",
                              key=f"{where}.allowed_domains")
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

