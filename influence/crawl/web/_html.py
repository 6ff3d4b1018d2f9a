"""Pages as parsed: Link, Comment, Page; decoding; the lxml helpers the extractors share."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ...identity import SHARED_HOSTS, profile_actor, site_actor, site_of, site_of_host  # noqa: F401 (re-exported)
from ...records import actor_id, parse_timestamp

if TYPE_CHECKING:

    pass



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
XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)


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


WHITESPACE = re.compile(r"\s+")
BYLINE_PREFIX = re.compile(r"^(?:(?:view |see )?(?:all |more )?(?:posts|articles|entries) (?:by|from)|by|por|von|par|de)\s+",
                            re.IGNORECASE)
CHROME_TAGS = {"nav", "header", "footer", "form"}
COMMENT_ID = re.compile(r"^(?:div-)?comment-(\d+)$")
ARTICLE_TYPES = {"article", "blogposting", "newsarticle", "reportagenewsarticle", "techarticle",
                  "scholarlyarticle", "socialmediaposting", "liveblogposting", "analysisnewsarticle",
                  "opinionnewsarticle", "reviewnewsarticle", "webpage", "posting", "report"}
FEED_TYPES = {"application/rss+xml", "application/atom+xml", "application/feed+json",
               "application/json+feed", "application/rdf+xml"}


def element_text(el: Any, limit: int | None = None) -> str:
    text = WHITESPACE.sub(" ", el.text_content() if hasattr(el, "text_content") else str(el)).strip()
    return text[:limit] if limit else text


def has_class_xpath(name: str) -> str:
    return f'contains(concat(" ", normalize-space(@class), " "), " {name} ")'


def language_tag(value: str | None) -> str | None:
    if not value:
        return None
    code = re.split(r"[-_]", value.strip().lower(), maxsplit=1)[0]
    return code if re.fullmatch(r"[a-z]{2,3}", code) else None


def to_timestamp(value: Any) -> float | None:
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


class ElementIndex:
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


def jsonld_objects(doc: Any, scripts: list | None = None) -> list[dict]:
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


def jsonld_types(obj: dict) -> set[str]:
    t = obj.get("@type")
    if isinstance(t, str):
        t = [t]
    return {str(x).rsplit("/", 1)[-1].lower() for x in t or () if isinstance(x, str)}


def first_string(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("@id") or value.get("url")
    return value.strip() if isinstance(value, str) and value.strip() else None


def as_list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
