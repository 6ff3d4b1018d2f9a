"""ActivityPub outboxes (Mastodon's ``outbox.json`` and outbox pages)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

from ..errors import InputDataError
from ..records import Actor, Interaction, Post, actor_id
from ._common import Fields, Refs, as_int, bump

#: Largest ActivityPub outbox read: it is one JSON document, parsed whole.
MAX_OUTBOX_BYTES = 512 * 2**20


AP_USED = ("@context", "id", "type", "totalItems", "orderedItems", "first", "next", "prev", "partOf",
            "actor", "object", "published", "to", "cc", "attributedTo", "inReplyTo", "content", "contentMap",
            "summary", "name", "url", "tag", "likes", "shares", "replies", "sensitive")
_AP_CREATE = ("Note", "Article", "Question", "Page", "Event", "Image", "Video", "Audio")
_AP_USER = re.compile(r"^https?://([^/\s]+)/(?:users/|@)([\w.-]+)(?:/(?:statuses/)?(\w+))?/?$")
_PUBLIC = ("https://www.w3.org/ns/activitystreams#Public", "as:Public", "Public")


def _loads(text: str | bytes) -> Any:
    from ..importers import json_loads

    return json_loads(text)


def _ap_id(v: Any) -> str | None:
    if isinstance(v, dict):
        v = v.get("id") or v.get("href")
    if isinstance(v, list):
        v = next((x for x in (_ap_id(y) for y in v) if x), None)
    return v if isinstance(v, str) and v.strip() else None


def _ap_actor(uri: str | None) -> str | None:
    """``mastodon:@user@host`` of a profile or status URI (``https://host/users/user``,
    ``https://host/@user``, ``https://host/users/user/statuses/1``), else ``None``."""
    m = _AP_USER.match(uri or "")
    if not m:
        return None
    try:
        return actor_id("mastodon", f"{m.group(2)}@{m.group(1).split(':')[0]}")
    except ValueError:
        return None


def read_outbox(path: str, on_bad_row, rep, refs: Refs, fields: Fields) -> Iterator:
    from ..importers import bad_row, open_text, refuse

    if os.path.getsize(path) > MAX_OUTBOX_BYTES:
        raise InputDataError(f"an outbox over {MAX_OUTBOX_BYTES >> 20} MiB is read whole; split it into pages",
                             path=path)
    with open_text(path) as fh:
        text = fh.read(MAX_OUTBOX_BYTES + 1)  # characters: a compressed file is bounded too
    if len(text) > MAX_OUTBOX_BYTES:
        raise InputDataError(f"an outbox over {MAX_OUTBOX_BYTES >> 20} MiB is read whole; split it into pages",
                             path=path)
    try:
        doc = _loads(text)
    except ValueError as exc:
        raise InputDataError(str(exc), path=path) from None
    if not isinstance(doc, dict):
        raise InputDataError("an ActivityPub outbox is a JSON object (OrderedCollection)", path=path)
    fields.see(doc)
    items = doc.get("orderedItems")
    if items is None and isinstance(doc.get("first"), dict):
        items = doc["first"].get("orderedItems")
    if not isinstance(items, list):
        raise InputDataError("no orderedItems list: not an ActivityPub outbox (OrderedCollection or page)",
                             path=path)
    for i, act in enumerate(items, 1):
        rep.rows += 1
        if isinstance(act, str):  # likes.json, bookmarks.json: URIs of posts, no actor named
            bump(rep.unresolved, "items that are only a post URI (likes.json or bookmarks.json name no actor)")
            continue
        try:
            if not isinstance(act, dict):
                raise ValueError(f"expected an activity object, got {type(act).__name__}")
            fields.see(act)
            recs = _activity(act, refs, rep, fields)
        except MemoryError:
            raise
        except Exception as exc:
            refuse(bad_row(exc, path, None, f"orderedItems item {i}: "), on_bad_row)
            continue
        yield from recs


def _activity(act: dict, refs: Refs, rep, fields: Fields) -> list:
    typ = act.get("type")
    bump(rep.found, f"{typ} activities" if isinstance(typ, str) else "activities without a type")
    actor_uri = _ap_id(act.get("actor"))
    actor = _ap_actor(actor_uri)
    ts = act.get("published")
    if typ == "Announce":
        obj = act.get("object")
        uri = _ap_id(obj)
        if actor is None or uri is None:
            raise ValueError("an Announce needs an actor and an object")
        target = _ap_actor(_ap_id(obj.get("attributedTo"))) if isinstance(obj, dict) else None
        target = target or _ap_actor(uri)
        if target is None:
            known = refs.author(uri)
            target = known if isinstance(known, str) else None
        if target is None:  # Mastodon cc's the boosted status's author
            others = [c for c in (act.get("cc") or []) if isinstance(c, str) and c not in _PUBLIC
                      and not c.endswith("/followers") and c != actor_uri]
            target = _ap_actor(others[0]) if len(others) == 1 else None
        out: list = [Actor(actor, url=actor_uri)]
        if target is None:
            bump(rep.unresolved, "reshares of a post whose author is unknown")
        elif target != actor:
            out.append(refs.emit(Interaction(actor, target, "reshare", ts, uri)))
        return out
    if typ != "Create":
        bump(rep.unresolved, f"{typ} activities (not imported)")
        return []
    obj = act.get("object")
    if not isinstance(obj, dict):
        bump(rep.unresolved, "Create activities whose object is not embedded (not imported)")
        return []
    fields.see(obj)
    audience = [a for key in ("to", "cc") for x in (obj.get(key), act.get(key))
                for a in (x if isinstance(x, list) else [x])]
    if not any(a in _PUBLIC for a in audience):
        bump(rep.unresolved, "followers-only or direct posts (not public: not imported)")
        return []
    if obj.get("type") not in _AP_CREATE:
        bump(rep.unresolved, f"Create activities of a {obj.get('type')} (not imported)")
        return []
    from ..crawl.api import html_links, html_to_text, profile_actor

    author_uri = _ap_id(obj.get("attributedTo")) or actor_uri
    author = _ap_actor(author_uri) or actor
    pid = _ap_id(obj.get("id"))
    if author is None or pid is None:
        raise ValueError("a Create needs an object id and an author (attributedTo or actor)")
    ts = obj.get("published") or ts
    content_map = obj.get("contentMap") if isinstance(obj.get("contentMap"), dict) else {}
    tags = obj.get("tag")
    tags = tags if isinstance(tags, list) else [tags] if isinstance(tags, dict) else []
    parent = _ap_id(obj.get("inReplyTo"))
    url = obj.get("url")
    url = _ap_id(url) if not isinstance(url, str) else url

    def total(key: str) -> int | None:
        v = obj.get(key)
        return as_int(v.get("totalItems")) if isinstance(v, dict) else None

    out = [Actor(author, url=author_uri), Post(
        pid, author, ts, text=html_to_text(obj.get("content") if isinstance(obj.get("content"), str) else None),
        title=obj.get("summary") or obj.get("name") if isinstance(obj.get("summary") or obj.get("name"), str) else None,
        url=url, language=next(iter(content_map), None), likes=total("likes"), reshares=total("shares"),
        replies=total("replies"), parent=parent,
        tags=tuple(str(t["name"]).lstrip("#") for t in tags
                   if isinstance(t, dict) and t.get("type") == "Hashtag" and t.get("name")))]
    bump(rep.found, "posts")
    if not refs.add(pid, author):
        return out
    reply_target = None
    if parent:
        reply_target = _ap_actor(parent)
        if reply_target is None:
            out.extend(refs.link(author, parent, "reply", ts, pid, "reply"))
        elif reply_target != author:
            out.append(refs.emit(Interaction(author, reply_target, "reply", ts, pid)))
    mentioned = set()
    for t in tags:
        if not isinstance(t, dict) or t.get("type") != "Mention":
            continue
        href = t.get("href") if isinstance(t.get("href"), str) else None
        mentioned.add(href)
        name = str(t.get("name") or "").lstrip("@")
        target = None
        if "@" in name:
            try:
                target = actor_id("mastodon", name)
            except ValueError:
                target = None
        target = target or _ap_actor(href)
        if target is None:
            bump(rep.unresolved, "mentions of an unknown account")
        elif target not in (author, reply_target):
            out.append(refs.emit(Interaction(author, target, "mention", ts, pid)))
    from ..crawl.api import web_actor

    seen = set()
    for href, rel, cls in html_links(obj.get("content") if isinstance(obj.get("content"), str) else None):
        if "mention" in cls or "hashtag" in cls or "tag" in rel.split() or href in mentioned:
            continue
        if profile_actor(href):
            continue
        site = web_actor(href)
        if site and site not in seen:
            seen.add(site)
            out.append(refs.emit(Interaction(author, site, "link", ts, pid)))
    return out
