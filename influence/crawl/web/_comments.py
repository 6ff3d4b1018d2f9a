"""Comments on a page: WordPress/hentry markup and JSON-LD comments."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ...identity import SHARED_HOSTS, profile_actor, site_actor, site_of, site_of_host  # noqa: F401 (re-exported)

if TYPE_CHECKING:

    pass
from ._html import (
    COMMENT_ID,
    WHITESPACE,
    Comment,
    element_text,
    first_string,
    has_class_xpath,
    to_timestamp,
)
from ._urls import normalize_url


def comment_elements(candidates: list) -> list:
    """WordPress-style comment elements (id ``comment-<n>`` or ``div-comment-<n>``), one per
    comment number, the outermost one kept."""
    by_num: dict[str, Any] = {}
    for el in candidates:
        m = COMMENT_ID.match(el.get("id", ""))
        if not m or el.tag in ("a", "span", "p", "time", "form", "textarea", "input"):
            continue
        num = m.group(1)
        if num not in by_num:
            by_num[num] = el
    return list(by_num.values())


_AUTHOR_XP = (
    f'.//*[{has_class_xpath("fn")}]',
    f'.//*[{has_class_xpath("comment-author")}]',
    f'.//*[{has_class_xpath("epoch-author-link")}]',
    f'.//*[{has_class_xpath("p-author")}]',
    './/*[@itemprop="author"]',
    f'.//*[{has_class_xpath("comment-author-name")}]',
    f'.//*[{has_class_xpath("author")}]',
    ".//cite",
)
_COMMENT_TEXT_XP = (
    f'.//*[{has_class_xpath("comment-content")}]',
    f'.//*[{has_class_xpath("comment-text")}]',
    f'.//*[{has_class_xpath("commenttext")}]',
    f'.//*[{has_class_xpath("contenttext")}]',
    f'.//*[{has_class_xpath("epoch-comment-content")}]',
    f'.//*[{has_class_xpath("e-content")}]',
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


def parse_comment(el: Any, page_url: str, base: str, items: set) -> Comment | None:
    name = url = None
    for xp in _AUTHOR_XP:
        found = _own(el, el.xpath(xp), items)
        if found:
            author_el = found[0]
            name = element_text(author_el, 200) or None
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
        text = element_text(text_el, 20_000)
    else:
        text = " ".join(element_text(p) for p in _own(el, el.xpath(".//p"), items))[:20_000]
    times = _own(el, el.xpath(".//time[@datetime]"), items)
    published = to_timestamp(times[0].get("datetime")) if times else None
    num = COMMENT_ID.match(el.get("id", "")).group(1)
    parent = None
    node = el.getparent()
    while node is not None:
        if node in items:
            parent = f"{page_url}#comment-{COMMENT_ID.match(node.get('id', '')).group(1)}"
            break
        node = node.getparent()
    return Comment(id=f"{page_url}#comment-{num}", name=name, url=url, published=published, text=text,
                   parent=parent)


def hentry_comments(hentry: Any, page_url: str, base: str) -> list[Comment]:
    if hentry is None:
        return []
    out = []
    for i, c in enumerate(hentry.xpath(f".//*[{has_class_xpath('p-comment')} or {has_class_xpath('u-comment')}]"), 1):
        if not c.xpath(f"self::*[{has_class_xpath('h-cite')} or {has_class_xpath('h-entry')}]"):
            continue
        card = c.xpath(f".//*[{has_class_xpath('p-author')}]")
        name = url = None
        if card:
            names = card[0].xpath(f".//*[{has_class_xpath('p-name')}]")
            name = element_text(names[0] if names else card[0], 200) or None
            hrefs = card[0].xpath(f"./@href | .//*[{has_class_xpath('u-url')}]/@href | .//a/@href")
            url = normalize_url(hrefs[0], base) if hrefs else None
        if not (name or url):
            continue
        dp = c.xpath(f".//*[{has_class_xpath('dt-published')}]")
        published = to_timestamp(dp[0].get("datetime") or element_text(dp[0])) if dp else None
        body = c.xpath(f".//*[{has_class_xpath('e-content')} or {has_class_xpath('p-content')}]")
        out.append(Comment(id=f"{page_url}#h-comment-{i}", name=name, url=url, published=published,
                           text=element_text(body[0], 20_000) if body else ""))
    return out


def jsonld_comments(items: list[dict], page_url: str, base: str) -> list[Comment]:
    out = []
    for i, c in enumerate(items, 1):
        author = c.get("author") or c.get("creator")
        if isinstance(author, list):
            author = author[0] if author else None
        name = url = None
        if isinstance(author, dict):
            name = author.get("name") if isinstance(author.get("name"), str) else None
            url = normalize_url(first_string(author.get("url")) or "", base)
        elif isinstance(author, str):
            name = author
        if not (name or url):
            continue
        text = c.get("text") if isinstance(c.get("text"), str) else ""
        out.append(Comment(id=f"{page_url}#ld-comment-{i}", name=name, url=url,
                           published=to_timestamp(c.get("dateCreated") or c.get("datePublished")),
                           text=WHITESPACE.sub(" ", text).strip()))
    return out
