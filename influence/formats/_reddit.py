"""Reddit: Pushshift / Arctic Shift NDJSON (comments, submissions, API pages, listings)."""

from __future__ import annotations

import re
from typing import Any

from ..records import Actor, Interaction, Post, actor_id
from ._common import DELETED, Fields, Refs, as_int, bump

_REDDIT_DELETED = ("[deleted]", "[removed]")
_REDDIT_HOSTS = ("reddit.com", "redd.it", "redditmedia.com", "redditstatic.com", "reddituploads.com")
_REDDIT_MENTION = re.compile(r"(?<![\w/])/?u/([A-Za-z0-9_-]{3,20})\b")
REDDIT_USED = ("id", "name", "author", "created_utc", "created", "title", "selftext", "body", "url", "permalink",
                "score", "num_comments", "subreddit", "parent_id", "is_self", "post_hint", "is_video",
                "crosspost_parent", "crosspost_parent_list")


def _reddit_author(name: Any) -> str | None:
    if not isinstance(name, str) or not name.strip() or name.strip() in _REDDIT_DELETED:
        return None
    return actor_id("reddit", name.strip())


def reddit_line(obj: dict, refs: Refs, rep, fields: Fields) -> list:
    data = obj.get("data")
    if isinstance(data, list):  # an API page (Pushshift / Arctic Shift search)
        items = data
    elif isinstance(data, dict) and isinstance(data.get("children"), list):  # a reddit.com Listing
        items = [c.get("data") if isinstance(c, dict) else c for c in data["children"]]
    elif isinstance(data, dict) and obj.get("kind") in ("t1", "t3"):
        items = [data]
    else:
        items = [obj]
    out: list = []
    for item in items:
        if not isinstance(item, dict):
            raise ValueError(f"expected a comment or submission object, got {type(item).__name__}")
        fields.see(item)
        out.extend(_reddit_item(item, refs, rep))
    return out


def _base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if not n:
            return out


def _parent_name(parent: Any, link: Any) -> str | None:
    """A comment's parent fullname (``t1_...``/``t3_...``). Some Pushshift API versions give
    ``parent_id``/``link_id`` as base-10 integers: the parent is the submission when they are equal."""
    if isinstance(parent, str) and parent.strip():
        return parent.strip()
    if isinstance(parent, int) and not isinstance(parent, bool) and parent >= 0:
        link_num = link if isinstance(link, int) else (int(link[3:], 36) if isinstance(link, str)
                                                         and link.startswith("t3_") and link[3:].isalnum() else None)
        return ("t3_" if parent == link_num else "t1_") + _base36(parent)
    return None


def _reddit_item(d: dict, refs: Refs, rep) -> list:
    comment = "parent_id" in d or "body" in d
    if not comment and "title" not in d and "selftext" not in d:
        raise ValueError("neither a Reddit comment (body, parent_id) nor a submission (title)")
    prefix = "t1_" if comment else "t3_"
    name = d.get("name") if isinstance(d.get("name"), str) and d["name"].startswith(prefix) else None
    if name is None:
        if d.get("id") in (None, ""):
            raise ValueError("missing value for id")
        name = prefix + str(d["id"]).removeprefix(prefix)
    pid = "reddit:" + name
    bump(rep.found, "comments" if comment else "submissions")
    author = _reddit_author(d.get("author"))
    if author is None:
        refs.add(pid, DELETED)
        bump(rep.unresolved, ("comments" if comment else "submissions") + " by a deleted or missing author "
              "(not imported)")
        return []
    ts = d.get("created_utc")
    if ts is None:
        ts = d.get("created")
    sub = d.get("subreddit")
    tags = (f"r/{sub}",) if isinstance(sub, str) and sub else ()
    permalink = d.get("permalink")
    link = f"https://www.reddit.com{permalink}" if isinstance(permalink, str) and permalink.startswith("/") else None
    out: list = [Actor(author, url=f"https://www.reddit.com/user/{d['author'].strip()}")]
    fresh = refs.add(pid, author)
    if comment:
        body = d.get("body") if isinstance(d.get("body"), str) else ""
        parent = _parent_name(d.get("parent_id"), d.get("link_id"))
        out.append(Post(pid, author, ts, text="" if body in _REDDIT_DELETED else body, url=link,
                        likes=as_int(d.get("score")), parent=f"reddit:{parent}" if parent else None,
                        format="text", tags=tags))
        bump(rep.found, "posts")
        if not fresh:
            return out
        if parent:
            out.extend(refs.link(author, f"reddit:{parent}", "reply", ts, pid, "reply"))
        text = body
    else:
        selftext = d.get("selftext") if isinstance(d.get("selftext"), str) else ""
        is_self = bool(d.get("is_self")) or not d.get("url")
        url = d.get("url") if isinstance(d.get("url"), str) else None
        fmt = "text" if is_self else ("video" if d.get("is_video") else
                                      "image" if d.get("post_hint") == "image" else "link")
        out.append(Post(pid, author, ts, text="" if selftext in _REDDIT_DELETED else selftext,
                        title=d.get("title") if isinstance(d.get("title"), str) else None,
                        url=link or url, likes=as_int(d.get("score")), replies=as_int(d.get("num_comments")),
                        format=fmt, tags=tags))
        bump(rep.found, "posts")
        if not fresh:
            return out
        if not is_self and url and "://" in url:
            from ..crawl.api import web_actor

            try:
                from urllib.parse import urlsplit

                host = (urlsplit(url).hostname or "").lower()
            except ValueError:
                host = ""
            if host and not any(host == h or host.endswith("." + h) for h in _REDDIT_HOSTS):
                site = web_actor(url)
                if site:
                    out.append(refs.emit(Interaction(author, site, "link", ts, pid)))
        cross = d.get("crosspost_parent")
        if isinstance(cross, str) and cross.startswith("t3_"):  # a crosspost reshares its original
            originals = d.get("crosspost_parent_list")
            first = originals[0] if isinstance(originals, list) and originals and isinstance(originals[0], dict) else {}
            target = _reddit_author(first.get("author"))
            if target is not None:
                if target != author:
                    out.append(refs.emit(Interaction(author, target, "reshare", ts, pid)))
            else:
                out.extend(refs.link(author, f"reddit:{cross}", "reshare", ts, pid, "reshare"))
        text = selftext
    for handle in dict.fromkeys(m.group(1).lower() for m in _REDDIT_MENTION.finditer(text or "")):
        target = actor_id("reddit", handle)
        if target != author:
            out.append(refs.emit(Interaction(author, target, "mention", ts, pid)))
    return out
