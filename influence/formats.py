"""Readers for the files researchers' tools export: Reddit dumps, twarc, Mastodon, Bluesky.

:func:`influence.importers.read_records` hands a file here when its content shows one of these
formats (:func:`sniff`) or when the format is given by name (``influence import --input-format``):

================ ============================================================================
``reddit``       Pushshift / Arctic Shift NDJSON: one comment or submission per line (the
                 ``RC_``/``RS_`` monthly dumps), or one API page ``{"data": [...]}`` per line
``twarc2``       twarc2 JSON Lines: one raw Twitter API v2 page per line (``data`` +
                 ``includes``), or one ``twarc2 flatten``-ed tweet per line
``twarc-csv``    CSV written by twarc-csv from twarc2 output (released and early column layouts)
``activitypub``  an ActivityPub outbox: Mastodon's ``outbox.json`` (account archive,
                 ``OrderedCollection``) or an outbox page (``OrderedCollectionPage``)
``bluesky-car``  a Bluesky repository export (CAR v1 of DAG-CBOR blocks, ``getRepo``)
================ ============================================================================

Every reader yields :class:`~influence.records.Actor`, :class:`~influence.records.Post` and
:class:`~influence.records.Interaction` records with ``reddit:``, ``twitter:``, ``mastodon:`` and
``bluesky:`` actor ids, and fills the :class:`~influence.importers.ImportReport`: items read per type
(``found``), interactions per kind (``by_kind``), references it could not resolve
(``unresolved``) and the fields it did not use (``ignored_columns``). docs/import-formats.md
says which field becomes what.

References to other posts (a Reddit comment's ``parent_id``, a tweet's replied-to tweet, a
Mastodon ``inReplyTo``) are resolved against the posts read so far in the file, the posts
already in the store (earlier files of the same import included: ``post_author``), and, for
references to posts later in the file, once more at the end of the file. Memory stays bounded:
the last :data:`RECENT_POSTS` posts are kept in memory (the store holds the rest), and at most
:data:`MAX_PENDING` forward references wait for the end of the file.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from .errors import InputDataError
from .records import Actor, Interaction, Post, actor_id

__all__ = ["NAMES", "read", "sniff"]

#: Format names, as given to ``influence import --input-format``.
NAMES = ("reddit", "twarc2", "twarc-csv", "activitypub", "bluesky-car")

#: Posts whose authors are kept in memory to resolve replies (older ones are looked up in the
#: store, which has them by then: the store writes in batches of ``WRITE_BATCH`` = 10,000).
RECENT_POSTS = 50_000
#: References to posts not seen yet that wait for the end of the file; beyond, they are counted
#: as unresolved at once.
MAX_PENDING = 200_000
#: Largest ActivityPub outbox read: it is one JSON document, parsed whole.
MAX_OUTBOX_BYTES = 512 * 2**20
#: About how many distinct field names are collected to list the unused ones (5 x this, at most).
MAX_IGNORED = 60

_DELETED = object()  # a post whose author was deleted
_PLURAL = {"reply": "replies", "quote": "quotes", "reshare": "reshares"}


# -- detection -------------------------------------------------------------------------------------


def _head(path: str, size: int = 1 << 20) -> bytes:
    if path.lower().endswith(".gz"):
        import gzip

        with gzip.open(path, "rb") as fh:
            return fh.read(size)
    with open(path, "rb") as fh:
        return fh.read(size)


def sniff(path: str) -> str | None:
    """The export format a file's content shows (one of :data:`NAMES`), or ``None``.

    Looks at the first MiB only: the first JSON line's keys, the CSV header, or an
    ActivityStreams collection type near the top of a JSON document.
    """
    try:
        head = _head(path)
    except Exception:  # unreadable or not gzip: the generic readers report it
        return None
    if len(head) > 12 and head[0] < 0x80 and b"roots" in head[1:12] and b"version" in head[:200]:
        return "bluesky-car"  # a CAR file: a varint, then the DAG-CBOR header {roots, version}
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    text = head.decode("utf-8", "replace")
    stripped = text.lstrip()
    if not stripped:
        return None
    if stripped[0] == "{":
        if re.search(r'"type"\s*:\s*"OrderedCollection(Page)?"', text) and '"orderedItems"' in text:
            return "activitypub"
        first = stripped.split("\n", 1)[0]
        try:
            obj = json.loads(first)
        except (ValueError, RecursionError):
            return None
        return _json_kind(obj) if isinstance(obj, dict) else None
    header = stripped.split("\n", 1)[0].strip("\r")
    cols = {c.strip().strip('"') for c in header.split(",")}
    if {"id", "text"} <= cols and ("author_id" in cols or "author.username" in cols) and (
            any(c.startswith(("public_metrics.", "referenced_tweets")) for c in cols)):
        return "twarc-csv"
    if {"id", "username", "public_metrics.followers_count"} <= cols and "text" not in cols:
        return "twarc-csv"  # twarc-csv users (followers, following, user lookups)
    return None


def _json_kind(obj: dict) -> str | None:
    data = obj.get("data")
    if isinstance(data, dict) and isinstance(data.get("children"), list):  # a Reddit listing
        kids = data["children"]
        return "reddit" if kids and isinstance(kids[0], dict) and kids[0].get("kind") in ("t1", "t3") else None
    if isinstance(data, list):
        first = next((d for d in data if isinstance(d, dict)), None)
        if first is not None and ("subreddit" in first or "created_utc" in first):
            return "reddit"
        if "includes" in obj or "__twarc" in obj or (first is not None and "author_id" in first):
            return "twarc2"
        return None
    if isinstance(data, dict) and ("includes" in obj or "__twarc" in obj):
        return "twarc2"  # a single-tweet lookup
    if ("subreddit" in obj or "created_utc" in obj) and ("body" in obj or "title" in obj or "parent_id" in obj):
        return "reddit"
    if "id_str" in obj and isinstance(obj.get("user"), dict):  # a Twitter API v1.1 tweet (twarc 1)
        return "twarc2"
    if "id" in obj and "text" in obj and ("author_id" in obj or "__twarc" in obj):
        return "twarc2"
    if {"data", "errors"} >= set(obj) - {"meta", "__twarc"} and "__twarc" in obj:
        return "twarc2"
    return None


# -- shared machinery ------------------------------------------------------------------------------


def _bump(d: dict, key: str, n: int = 1) -> None:
    d[key] = d.get(key, 0) + n


class _Refs:
    """Post id -> author, for the posts read so far (the last :data:`RECENT_POSTS`) and the store;
    plus the references that wait for a post later in the file."""

    def __init__(self, post_author: Callable[[str], str | None] | None, rep) -> None:
        self.recent: OrderedDict[str, Any] = OrderedDict()
        self.lookup = post_author
        self.pending: list[tuple] = []
        self.rep = rep

    def add(self, pid: str, author: Any) -> bool:
        """Remember a post; False when it was seen a moment ago (a duplicate line)."""
        if pid in self.recent:
            self.recent.move_to_end(pid)
            return False
        self.recent[pid] = author
        if len(self.recent) > RECENT_POSTS:
            self.recent.popitem(last=False)
        return True

    def author(self, pid: str) -> Any:
        """The author id, :data:`_DELETED`, or ``None`` when unknown."""
        if pid in self.recent:
            return self.recent[pid]
        if self.lookup is not None:
            return self.lookup(pid)
        return None

    def link(self, source: str, pid: str, kind: str, ts, post: str | None, what: str) -> Iterator[Interaction]:
        """``source -> author of pid`` now, or at the end of the file when pid is not known yet."""
        target = self.author(pid)
        if target is _DELETED:
            _bump(self.rep.unresolved, f"{_PLURAL[what]} to a post whose author was deleted")
        elif target is not None:
            if target != source:
                yield self.emit(Interaction(source, target, kind, ts, post))
        elif len(self.pending) < MAX_PENDING:
            self.pending.append((source, pid, kind, ts, post, what))
        else:
            _bump(self.rep.unresolved, f"{_PLURAL[what]} to a post in neither the file nor the store")

    def emit(self, rec: Interaction) -> Interaction:
        _bump(self.rep.by_kind, rec.kind.value)
        return rec

    def finish(self) -> Iterator[Interaction]:
        """The waiting references whose posts came later in the file; the rest are counted."""
        pending, self.pending = self.pending, []
        for source, pid, kind, ts, post, what in pending:
            target = self.author(pid)
            if target is _DELETED:
                _bump(self.rep.unresolved, f"{_PLURAL[what]} to a post whose author was deleted")
            elif target is None:
                _bump(self.rep.unresolved, f"{_PLURAL[what]} to a post in neither the file nor the store")
            elif target != source:
                yield self.emit(Interaction(source, target, kind, ts, post))


class _Fields:
    """Top-level field names seen, to list the unused ones in the report (bounded)."""

    def __init__(self, used: Iterable[str]) -> None:
        self.used = set(used)
        self.seen: set[str] = set()

    def see(self, obj: dict) -> None:
        if len(self.seen) < 5 * MAX_IGNORED:
            self.seen.update(k for k in obj if isinstance(k, str))

    def unused(self) -> list[str]:
        return sorted(self.seen - self.used)


def _json_lines(path: str, on_bad_row, rep, handle: Callable[[dict, int], list]) -> Iterator:
    """The importer's JSON Lines loop (:func:`influence.importers.json_lines`)."""
    from .importers import json_lines

    return json_lines(path, on_bad_row, rep, handle)


def _loads(text: str | bytes) -> Any:
    from .importers import json_loads

    return json_loads(text)


def _int(v: Any) -> int | None:
    """A count from JSON or a CSV cell (``None`` when absent or not a number)."""
    if v is None or isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return int(v) if math.isfinite(v) and abs(v) < 2**63 else None
    try:
        f = float(str(v).strip())
    except ValueError:
        return None
    return int(f) if math.isfinite(f) and abs(f) < 2**63 else None


def read(path: str, fmt: str, *, on_bad_row=None, report, post_author=None) -> Iterator:
    """Records of a file in export format ``fmt`` (one of :data:`NAMES`)."""
    rep = report
    rep.format = fmt
    rep.record_type = {"activitypub": "items", "twarc-csv": "rows", "bluesky-car": "records"}.get(fmt, "lines")
    refs = _Refs(post_author, rep)
    if fmt == "reddit":
        fields = _Fields(_REDDIT_USED)
        yield from _json_lines(path, on_bad_row, rep, lambda obj, _n: _reddit_line(obj, refs, rep, fields))
    elif fmt == "twarc2":
        fields = _Fields(_TWARC_USED)
        yield from _json_lines(path, on_bad_row, rep, lambda obj, _n: _twarc_line(obj, refs, rep, fields))
    elif fmt == "twarc-csv":
        fields = _Fields(_CSV_USED)
        yield from _twarc_csv(path, on_bad_row, rep, refs, fields)
    elif fmt == "activitypub":
        fields = _Fields(_AP_USED)
        yield from _outbox(path, on_bad_row, rep, refs, fields)
    elif fmt == "bluesky-car":
        fields = _Fields(_BSKY_USED)
        yield from _car(path, on_bad_row, rep, refs, fields)
    else:
        raise InputDataError(f"unknown export format {fmt!r} (expected one of {', '.join(NAMES)})", path=path)
    yield from refs.finish()
    rep.ignored_columns = fields.unused()


# -- Reddit: Pushshift / Arctic Shift --------------------------------------------------------------

_REDDIT_DELETED = ("[deleted]", "[removed]")
_REDDIT_HOSTS = ("reddit.com", "redd.it", "redditmedia.com", "redditstatic.com", "reddituploads.com")
_REDDIT_MENTION = re.compile(r"(?<![\w/])/?u/([A-Za-z0-9_-]{3,20})\b")
_REDDIT_USED = ("id", "name", "author", "created_utc", "created", "title", "selftext", "body", "url", "permalink",
                "score", "num_comments", "subreddit", "parent_id", "is_self", "post_hint", "is_video",
                "crosspost_parent", "crosspost_parent_list")


def _reddit_author(name: Any) -> str | None:
    if not isinstance(name, str) or not name.strip() or name.strip() in _REDDIT_DELETED:
        return None
    return actor_id("reddit", name.strip())


def _reddit_line(obj: dict, refs: _Refs, rep, fields: _Fields) -> list:
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


def _reddit_item(d: dict, refs: _Refs, rep) -> list:
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
    _bump(rep.found, "comments" if comment else "submissions")
    author = _reddit_author(d.get("author"))
    if author is None:
        refs.add(pid, _DELETED)
        _bump(rep.unresolved, ("comments" if comment else "submissions") + " by a deleted or missing author "
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
                        likes=_int(d.get("score")), parent=f"reddit:{parent}" if parent else None,
                        format="text", tags=tags))
        _bump(rep.found, "posts")
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
                        url=link or url, likes=_int(d.get("score")), replies=_int(d.get("num_comments")),
                        format=fmt, tags=tags))
        _bump(rep.found, "posts")
        if not fresh:
            return out
        if not is_self and url and "://" in url:
            from .crawl.api import web_actor

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


# -- Twitter: twarc2 JSON Lines (raw pages and flattened tweets) and twarc-csv -----------------------

_TWARC_USED = ("data", "includes", "meta", "errors", "__twarc", "id", "text", "author_id", "author",
               "note_tweet", "username", "name", "description",
               # API v1.1
               "id_str", "user", "full_text", "extended_tweet", "retweeted_status", "quoted_status",
               "quoted_status_id_str", "in_reply_to_status_id_str", "in_reply_to_user_id_str",
               "in_reply_to_screen_name", "favorite_count", "retweet_count", "reply_count",
               "created_at", "lang", "public_metrics", "referenced_tweets", "in_reply_to_user_id",
               "in_reply_to_user", "entities")
_TWITTER_HOSTS = ("twitter.com", "x.com", "t.co")
_RT = re.compile(r"^RT @(\w{1,15}):")


def _user_actor(u: dict) -> Actor | None:
    name = u.get("username")
    if not isinstance(name, str) or not name.strip():
        return None
    pm = u.get("public_metrics") if isinstance(u.get("public_metrics"), dict) else {}
    return Actor(actor_id("twitter", name), name=u.get("name") if isinstance(u.get("name"), str) else None,
                 url=f"https://twitter.com/{name.strip()}", followers=_int(pm.get("followers_count")),
                 bio=u.get("description") if isinstance(u.get("description"), str) and u.get("description") else None)


def _twarc_line(obj: dict, refs: _Refs, rep, fields: _Fields) -> list:
    fields.see(obj)
    data = obj.get("data")
    if "data" in obj or "includes" in obj or ("errors" in obj and "id" not in obj):
        tweets = data if isinstance(data, list) else [data] if isinstance(data, dict) else []
        inc = obj.get("includes") if isinstance(obj.get("includes"), dict) else {}
        users = {str(u["id"]): u for u in inc.get("users") or () if isinstance(u, dict) and "id" in u}
        known = {str(t["id"]): t for t in inc.get("tweets") or () if isinstance(t, dict) and "id" in t}
        _bump(rep.found, "pages")
        out: list = []
        for u in users.values():
            a = _user_actor(u)
            if a is not None:
                out.append(a)
        for t in tweets:
            if isinstance(t, dict):
                fields.see(t)
                if _is_user(t):  # a page of users (followers, following, user lookups)
                    _bump(rep.found, "users")
                    a = _user_actor(t)
                    if a is not None:
                        out.append(a)
                    continue
                out.extend(_tweet(t, users, known, refs, rep))
        return out
    if _is_user(obj):  # a flattened user
        _bump(rep.found, "users")
        a = _user_actor(obj)
        return [a] if a is not None else []
    if "id_str" in obj and isinstance(obj.get("user"), dict):  # API v1.1 (twarc 1, Hydrator)
        _bump(rep.found, "v1.1 tweets")
        t, users, known = _v1_tweet(obj)
        out = [a for a in (_user_actor(u) for u in users.values()) if a is not None]
        out.extend(_tweet(t, users, known, refs, rep))
        return out
    if "id" in obj and ("text" in obj or "author_id" in obj):  # a flattened tweet
        users: dict[str, dict] = {}
        known: dict[str, dict] = {}

        def user(u: Any) -> None:
            if isinstance(u, dict) and "id" in u and "username" in u:
                users.setdefault(str(u["id"]), u)

        user(obj.get("author"))
        user(obj.get("in_reply_to_user"))
        for m in (obj.get("entities") or {}).get("mentions") or () if isinstance(obj.get("entities"), dict) else ():
            user(m)
        for r in obj.get("referenced_tweets") or ():
            if isinstance(r, dict) and "id" in r:
                user(r.get("author"))
                known[str(r["id"])] = r
        out = [a for a in (_user_actor(u) for u in users.values()) if a is not None]
        out.extend(_tweet(obj, users, known, refs, rep))
        return out
    raise ValueError("neither a twarc2 API page (data, includes) nor a flattened tweet (id, text, author_id)")


def _v1_user(u: Any, users: dict) -> str | None:
    """Record a v1.1 user object in ``users`` (v2 shape); its id."""
    if not isinstance(u, dict) or not isinstance(u.get("screen_name"), str):
        return None
    uid = str(u.get("id_str") or u.get("id") or "@" + u["screen_name"])
    users[uid] = {"id": uid, "username": u["screen_name"], "name": u.get("name"),
                  "description": u.get("description"),
                  "public_metrics": {"followers_count": u.get("followers_count")}}
    return uid


def _v1_time(v: Any) -> Any:
    """v1.1 ``created_at`` (``Wed Oct 10 20:19:24 +0000 2018``) as ISO 8601; other values as given."""
    if isinstance(v, str) and len(v) == 30 and v[3] == " ":
        from datetime import datetime

        try:
            return datetime.strptime(v, "%a %b %d %H:%M:%S %z %Y").isoformat()
        except ValueError:
            return v
    return v


def _v1_tweet(o: dict) -> tuple[dict, dict, dict]:
    """A Twitter API v1.1 tweet as a v2 tweet dict, with the users and referenced tweets it names."""
    users: dict[str, dict] = {}
    known: dict[str, dict] = {}
    author = _v1_user(o.get("user"), users)
    refs = []
    for key, typ in (("retweeted_status", "retweeted"), ("quoted_status", "quoted")):
        sub = o.get(key)
        if isinstance(sub, dict) and sub.get("id_str"):
            refs.append({"type": typ, "id": str(sub["id_str"])})
            known[str(sub["id_str"])] = {"author_id": _v1_user(sub.get("user"), users)}
    if not any(r["type"] == "quoted" for r in refs) and o.get("quoted_status_id_str"):
        refs.append({"type": "quoted", "id": str(o["quoted_status_id_str"])})
    reply_uid = o.get("in_reply_to_user_id_str") or (str(o["in_reply_to_user_id"]) if o.get("in_reply_to_user_id") else None)
    if reply_uid and isinstance(o.get("in_reply_to_screen_name"), str):
        users.setdefault(reply_uid, {"id": reply_uid, "username": o["in_reply_to_screen_name"]})
    if o.get("in_reply_to_status_id_str"):
        refs.append({"type": "replied_to", "id": str(o["in_reply_to_status_id_str"])})
    ext = o.get("extended_tweet") if isinstance(o.get("extended_tweet"), dict) else {}
    ent = ext.get("entities") if isinstance(ext.get("entities"), dict) else o.get("entities")
    ent = ent if isinstance(ent, dict) else {}
    text = ext.get("full_text") or o.get("full_text") or o.get("text") or ""
    urls = []
    for u in ent.get("urls") or ():
        if isinstance(u, dict):
            unwound = u.get("unwound") if isinstance(u.get("unwound"), dict) else {}
            urls.append({"unwound_url": unwound.get("url"), "expanded_url": u.get("expanded_url"), "url": u.get("url")})
    t = {"id": str(o["id_str"]), "author_id": author, "text": text, "created_at": _v1_time(o.get("created_at")),
         "lang": o.get("lang"), "referenced_tweets": refs, "in_reply_to_user_id": reply_uid,
         "public_metrics": {"like_count": o.get("favorite_count"), "retweet_count": o.get("retweet_count"),
                            "reply_count": o.get("reply_count")},
         "entities": {"mentions": [{"username": m.get("screen_name")} for m in ent.get("user_mentions") or ()
                                   if isinstance(m, dict)],
                      "urls": urls,
                      "hashtags": [{"tag": h.get("text")} for h in ent.get("hashtags") or () if isinstance(h, dict)]}}
    return t, users, known


def _is_user(obj: dict) -> bool:
    return "username" in obj and "text" not in obj and "author_id" not in obj


def _username(uid: Any, users: dict) -> str | None:
    u = users.get(str(uid)) if uid is not None else None
    name = u.get("username") if isinstance(u, dict) else None
    return name if isinstance(name, str) and name.strip() else None


def _tweet(t: dict, users: dict, known: dict, refs: _Refs, rep) -> list:
    """Records of one tweet: the post and its reshare/quote/reply/mention/link interactions."""
    if t.get("id") in (None, ""):
        raise ValueError("a tweet without an id")
    _bump(rep.found, "tweets")
    tid = str(t["id"])
    pid = f"twitter:{tid}"
    name = _username(t.get("author_id"), users)
    if name is None and isinstance(t.get("author"), dict):
        name = t["author"].get("username") if isinstance(t["author"].get("username"), str) else None
    if not name:
        _bump(rep.unresolved, "tweets whose author is not in the file (not imported)")
        return []
    author = actor_id("twitter", name)
    ts = t.get("created_at")
    ref_list = [r for r in t.get("referenced_tweets") or () if isinstance(r, dict) and r.get("id") is not None]
    types = {r.get("type") for r in ref_list}
    retweet = "retweeted" in types
    pm = t.get("public_metrics") if isinstance(t.get("public_metrics"), dict) else {}
    ent = t.get("entities") if isinstance(t.get("entities"), dict) else {}
    replied = next((str(r["id"]) for r in ref_list if r.get("type") == "replied_to"), None)
    note = t.get("note_tweet") if isinstance(t.get("note_tweet"), dict) else {}
    if isinstance(note.get("entities"), dict):
        ent = note["entities"]  # a long tweet: its full text's entities
    tags = tuple(dict.fromkeys(h.get("tag") for h in ent.get("hashtags") or ()
                               if isinstance(h, dict) and isinstance(h.get("tag"), str)))
    text = note.get("text") if isinstance(note.get("text"), str) else t.get("text")
    out: list = [Post(
        pid, author, ts, text=text if isinstance(text, str) else "",
        url=f"https://twitter.com/{name}/status/{tid}",
        language=t.get("lang") if isinstance(t.get("lang"), str) and t.get("lang") != "und" else None,
        # a retweet's public_metrics are the retweeted tweet's: they are not this post's
        likes=None if retweet else _int(pm.get("like_count")),
        reshares=None if retweet else _int(pm.get("retweet_count")),
        replies=None if retweet else _int(pm.get("reply_count")),
        parent=f"twitter:{replied}" if replied else None, tags=tags)]
    _bump(rep.found, "posts")
    if not refs.add(pid, author):
        return out  # the same tweet a moment ago (pages overlap): its interactions are in already
    reply_target = None
    kinds = {"retweeted": "reshare", "quoted": "quote", "replied_to": "reply"}
    for r in ref_list:
        kind = kinds.get(r.get("type"))
        if kind is None:
            continue
        rid = str(r["id"])
        target_name = None
        if kind == "reply":
            target_name = _username(t.get("in_reply_to_user_id"), users)
        ref = known.get(rid)
        if target_name is None and isinstance(ref, dict):
            target_name = _username(ref.get("author_id"), users)
            if target_name is None and isinstance(ref.get("author"), dict):
                target_name = ref["author"].get("username")
        if target_name is None and kind == "reshare":
            m = _RT.match(t.get("text") or "")
            target_name = m.group(1) if m else None
        if target_name:
            target = actor_id("twitter", target_name)
            if kind == "reply":
                reply_target = target
            if target != author:
                out.append(refs.emit(Interaction(author, target, kind, ts, pid)))
        else:
            out.extend(refs.link(author, f"twitter:{rid}", kind, ts, pid, kind))
    if replied is None and t.get("in_reply_to_user_id") is not None:
        target_name = _username(t.get("in_reply_to_user_id"), users)
        if target_name:
            reply_target = actor_id("twitter", target_name)
            if reply_target != author:
                out.append(refs.emit(Interaction(author, reply_target, "reply", ts, pid)))
        else:
            _bump(rep.unresolved, "replies to a user who is not in the file")
    if retweet:
        return out  # a retweet's mentions and links are the retweeted tweet's
    for m in ent.get("mentions") or ():
        mname = m.get("username") if isinstance(m, dict) else m if isinstance(m, str) else None
        if not isinstance(mname, str) or not mname.strip("@ "):
            continue
        target = actor_id("twitter", mname)
        if target not in (author, reply_target):
            out.append(refs.emit(Interaction(author, target, "mention", ts, pid)))
    out.extend(_links(author, ent.get("urls") or (), ts, pid, refs))
    return out


def _links(author: str, urls: Iterable, ts, pid: str, refs: _Refs) -> list:
    from urllib.parse import urlsplit

    from .crawl.api import web_actor

    out, seen = [], set()
    for u in urls:
        if isinstance(u, dict):
            if u.get("media_key"):
                continue
            href = u.get("unwound_url") or u.get("expanded_url") or u.get("url")
        else:
            href = u
        if not isinstance(href, str) or "://" not in href:
            continue
        try:
            host = (urlsplit(href).hostname or "").lower()
        except ValueError:
            continue
        if any(host == h or host.endswith("." + h) for h in _TWITTER_HOSTS):
            continue  # quoted tweets, photos, videos: not a link out
        site = web_actor(href)
        if site and site not in seen:
            seen.add(site)
            out.append(refs.emit(Interaction(author, site, "link", ts, pid)))
    return out


# twarc-csv: the released column layout (dataframe_converter.DEFAULT_TWEET_COLUMNS) and the early one
_CSV_USED = ("id", "author_id", "username", "name", "description", "public_metrics.followers_count", "text", "created_at", "lang", "conversation_id",
             "referenced_tweets.replied_to.id", "referenced_tweets.retweeted.id", "referenced_tweets.quoted.id",
             "in_reply_to_user_id", "in_reply_to_username", "retweeted_user_id", "retweeted_username",
             "quoted_user_id", "quoted_username", "public_metrics.reply_count", "public_metrics.retweet_count",
             "public_metrics.like_count", "entities.hashtags", "entities.mentions", "entities.urls",
             "author.id", "author.username", "author.name", "author.description",
             "author.public_metrics.followers_count", "referenced_tweets", "type")


def _cell_json(v: str | None) -> Any:
    """A twarc-csv cell that holds a JSON list or object (``["@a", "@b"]``), or the text."""
    if v is None:
        return None
    s = v.strip()
    if s[:1] in ("[", "{"):
        try:
            return json.loads(s)
        except (ValueError, RecursionError):
            return s
    return s or None


def _csv_tweet(row: dict[str, str]) -> tuple[dict, dict, dict]:
    """A twarc-csv row as a v2 tweet dict, with the users and referenced tweets it names."""
    def g(k: str) -> str | None:
        v = row.get(k)
        return v.strip() if isinstance(v, str) and v.strip() else None

    if g("id") is None:
        raise ValueError("missing value for id")
    users: dict[str, dict] = {}

    def user(uid: str | None, username: str | None, **extra) -> None:
        if username:
            users[uid or f"@{username}"] = {"username": username.lstrip("@"), **extra}

    author_id = g("author_id") or g("author.id") or (f"@{g('author.username')}" if g("author.username") else None)
    user(author_id, g("author.username"), name=g("author.name"), description=g("author.description"),
         public_metrics={"followers_count": g("author.public_metrics.followers_count")})
    user(g("in_reply_to_user_id"), g("in_reply_to_username"))
    user(g("retweeted_user_id"), g("retweeted_username"))
    user(g("quoted_user_id"), g("quoted_username"))
    refs = []
    for typ in ("replied_to", "retweeted", "quoted"):
        if g(f"referenced_tweets.{typ}.id"):
            refs.append({"type": typ, "id": g(f"referenced_tweets.{typ}.id")})
    early = _cell_json(row.get("referenced_tweets"))
    if isinstance(early, list):  # early layout: a JSON list of {type, id}
        refs.extend(r for r in early if isinstance(r, dict) and r.get("id"))
    elif isinstance(early, dict):  # {"replied_to": {"id": ...}}
        refs.extend({"type": k, "id": v.get("id")} for k, v in early.items() if isinstance(v, dict) and v.get("id"))
    known = {}
    for r, uid in ((x, {"replied_to": g("in_reply_to_user_id"), "retweeted": g("retweeted_user_id"),
                        "quoted": g("quoted_user_id")}.get(x.get("type"))) for x in refs):
        if uid and uid in users:
            known[str(r["id"])] = {"author_id": uid}
    ents = {}
    for key in ("mentions", "urls", "hashtags"):
        v = _cell_json(row.get(f"entities.{key}"))
        if isinstance(v, list):
            if key == "hashtags":
                v = [{"tag": h.lstrip("#")} if isinstance(h, str) else h for h in v]
            ents[key] = v
    t = {"id": g("id"), "author_id": author_id, "text": row.get("text") or "", "created_at": g("created_at"),
         "lang": g("lang"), "referenced_tweets": refs, "entities": ents,
         "in_reply_to_user_id": g("in_reply_to_user_id"),
         "public_metrics": {k: g(f"public_metrics.{k}") for k in ("like_count", "retweet_count", "reply_count")}}
    return t, users, known


def _twarc_csv(path: str, on_bad_row, rep, refs: _Refs, fields: _Fields) -> Iterator:
    import csv

    from .importers import MAX_LINE_BYTES, CsvRecords, bad_row, open_binary, refuse, text_lines

    if csv.field_size_limit() < MAX_LINE_BYTES:
        csv.field_size_limit(MAX_LINE_BYTES)
    with open_binary(path) as fh:
        records = CsvRecords(text_lines(fh, path), path, ",")
        try:
            _, header = next(records)
        except StopIteration:
            raise InputDataError("empty file (no header row)", path=path) from None
        if isinstance(header, InputDataError):
            raise header
        header = [h.strip() for h in header]
        user_rows = "text" not in header and {"id", "username"} <= set(header)
        if not user_rows and ("id" not in header or "text" not in header
                              or not ({"author_id", "author.username"} & set(header))):
            raise InputDataError("not a twarc-csv file: the header needs id, text and author_id or "
                                 "author.username (tweets), or id and username (users)", path=path, line=1)
        fields.seen.update(header)
        records.fields = len(header)
        for start, cells in records:
            if isinstance(cells, InputDataError):
                rep.rows += 1
                refuse(cells, on_bad_row)
                continue
            if not cells or (len(cells) == 1 and not cells[0].strip()):
                continue
            rep.rows += 1
            try:
                if len(cells) != len(header):
                    raise ValueError(f"expected {len(header)} fields as in the header, got {len(cells)}")
                row = dict(zip(header, cells))
                if user_rows:
                    _bump(rep.found, "users")
                    a = _user_actor({"username": row.get("username"), "name": row.get("name") or None,
                                     "description": row.get("description") or None,
                                     "public_metrics": {"followers_count": row.get("public_metrics.followers_count")}})
                    recs = [a] if a is not None else []
                else:
                    t, users, known = _csv_tweet(row)
                    recs = [a for a in (_user_actor(u) for u in users.values()) if a is not None]
                    recs.extend(_tweet(t, users, known, refs, rep))
            except MemoryError:
                raise
            except Exception as exc:
                refuse(bad_row(exc, path, start), on_bad_row)
                continue
            yield from recs


# -- ActivityPub outbox (Mastodon) -----------------------------------------------------------------

_AP_USED = ("@context", "id", "type", "totalItems", "orderedItems", "first", "next", "prev", "partOf",
            "actor", "object", "published", "to", "cc", "attributedTo", "inReplyTo", "content", "contentMap",
            "summary", "name", "url", "tag", "likes", "shares", "replies", "sensitive")
_AP_CREATE = ("Note", "Article", "Question", "Page", "Event", "Image", "Video", "Audio")
_AP_USER = re.compile(r"^https?://([^/\s]+)/(?:users/|@)([\w.-]+)(?:/(?:statuses/)?(\w+))?/?$")
_PUBLIC = ("https://www.w3.org/ns/activitystreams#Public", "as:Public", "Public")


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


def _outbox(path: str, on_bad_row, rep, refs: _Refs, fields: _Fields) -> Iterator:
    from .importers import bad_row, open_text, refuse

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
            _bump(rep.unresolved, "items that are only a post URI (likes.json or bookmarks.json name no actor)")
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


def _activity(act: dict, refs: _Refs, rep, fields: _Fields) -> list:
    typ = act.get("type")
    _bump(rep.found, f"{typ} activities" if isinstance(typ, str) else "activities without a type")
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
            _bump(rep.unresolved, "reshares of a post whose author is unknown")
        elif target != actor:
            out.append(refs.emit(Interaction(actor, target, "reshare", ts, uri)))
        return out
    if typ != "Create":
        _bump(rep.unresolved, f"{typ} activities (not imported)")
        return []
    obj = act.get("object")
    if not isinstance(obj, dict):
        _bump(rep.unresolved, "Create activities whose object is not embedded (not imported)")
        return []
    fields.see(obj)
    audience = [a for key in ("to", "cc") for x in (obj.get(key), act.get(key))
                for a in (x if isinstance(x, list) else [x])]
    if not any(a in _PUBLIC for a in audience):
        _bump(rep.unresolved, "followers-only or direct posts (not public: not imported)")
        return []
    if obj.get("type") not in _AP_CREATE:
        _bump(rep.unresolved, f"Create activities of a {obj.get('type')} (not imported)")
        return []
    from .crawl.api import html_links, html_to_text, profile_actor

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
        return _int(v.get("totalItems")) if isinstance(v, dict) else None

    out = [Actor(author, url=author_uri), Post(
        pid, author, ts, text=html_to_text(obj.get("content") if isinstance(obj.get("content"), str) else None),
        title=obj.get("summary") or obj.get("name") if isinstance(obj.get("summary") or obj.get("name"), str) else None,
        url=url, language=next(iter(content_map), None), likes=total("likes"), reshares=total("shares"),
        replies=total("replies"), parent=parent,
        tags=tuple(str(t["name"]).lstrip("#") for t in tags
                   if isinstance(t, dict) and t.get("type") == "Hashtag" and t.get("name")))]
    _bump(rep.found, "posts")
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
            _bump(rep.unresolved, "mentions of an unknown account")
        elif target not in (author, reply_target):
            out.append(refs.emit(Interaction(author, target, "mention", ts, pid)))
    from .crawl.api import web_actor

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


# -- Bluesky repository export (CAR v1 of DAG-CBOR blocks) -----------------------------------------

#: Largest CAR file read (it is memory-mapped, with an index of its blocks in memory).
MAX_CAR_BYTES = 4 * 2**30


_BSKY_USED = ("$type", "text", "createdAt", "reply", "embed", "facets", "entities", "langs", "subject",
              "displayName", "description")


class _CID(bytes):
    """A content identifier (the binary CID of a DAG-CBOR link, tag 42)."""


def _varint(buf, i: int) -> tuple[int, int]:
    shift = value = 0
    while True:
        if i >= len(buf) or shift > 63:
            raise ValueError("truncated or overlong varint")
        b = buf[i]
        i += 1
        value |= (b & 0x7F) << shift
        if not b & 0x80:
            return value, i
        shift += 7


def _cbor(buf, i: int) -> tuple[Any, int]:
    """One DAG-CBOR item at ``buf[i:]`` (definite lengths only, tag 42 = CID): ``(value, next i)``."""
    import struct

    ib = buf[i]
    i += 1
    major, info = ib >> 5, ib & 31
    if info < 24:
        val = info
    elif info in (24, 25, 26, 27):
        n = 1 << (info - 24)
        if i + n > len(buf):
            raise ValueError("truncated CBOR")
        val = int.from_bytes(buf[i:i + n], "big")
        i += n
    else:
        raise ValueError("not DAG-CBOR (indefinite length or reserved value)")
    if major == 0:
        return val, i
    if major == 1:
        return -1 - val, i
    if major in (2, 3):
        if i + val > len(buf):
            raise ValueError("truncated CBOR string")
        raw = bytes(buf[i:i + val])
        return (raw if major == 2 else raw.decode("utf-8")), i + val
    if major == 4:
        items = []
        for _ in range(val):
            x, i = _cbor(buf, i)
            items.append(x)
        return items, i
    if major == 5:
        d = {}
        for _ in range(val):
            k, i = _cbor(buf, i)
            v, i = _cbor(buf, i)
            if not isinstance(k, str):
                raise ValueError("DAG-CBOR map keys are strings")
            d[k] = v
        return d, i
    if major == 6:
        x, i = _cbor(buf, i)
        return (_CID(x[1:]) if val == 42 and isinstance(x, bytes) else x), i
    if info == 20:
        return False, i
    if info == 21:
        return True, i
    if info in (22, 23):
        return None, i
    if info in (25, 26, 27):
        fmt = {25: ">e", 26: ">f", 27: ">d"}[info]
        return struct.unpack(fmt, val.to_bytes(1 << (info - 24), "big"))[0], i
    raise ValueError("unknown CBOR simple value")


def _cid_at(buf, i: int) -> tuple[bytes, int]:
    """The binary CID at the start of a CAR section: ``(cid, next i)``."""
    if buf[i] == 0x12 and buf[i + 1] == 0x20:  # CIDv0: a bare sha2-256 multihash
        return bytes(buf[i:i + 34]), i + 34
    start = i
    _, i = _varint(buf, i)  # version
    _, i = _varint(buf, i)  # codec
    _, i = _varint(buf, i)  # multihash code
    n, i = _varint(buf, i)  # digest length
    return bytes(buf[start:i + n]), i + n


def _did_of(uri: Any) -> str | None:
    if not isinstance(uri, str) or not uri.startswith("at://"):
        return None
    repo = uri[5:].split("/", 1)[0]
    return repo if repo.startswith("did:") else None


def _car(path: str, on_bad_row, rep, refs: _Refs, fields: _Fields) -> Iterator:
    import mmap

    from .importers import bad_row, refuse

    size = os.path.getsize(path)
    if size > MAX_CAR_BYTES:
        raise InputDataError(f"a CAR file over {MAX_CAR_BYTES >> 30} GiB is not read", path=path)
    if size == 0:
        raise InputDataError("empty file", path=path)
    with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as buf:
        try:
            n, i = _varint(buf, 0)
            header, _ = _cbor(buf[i:i + n], 0)
            i += n
            roots = header.get("roots") if isinstance(header, dict) else None
            if not roots or header.get("version") != 1:
                raise ValueError("not a CAR v1 file (header without roots or version 1)")
            index: dict[bytes, tuple[int, int]] = {}
            while i < len(buf):
                n, j = _varint(buf, i)
                cid, k = _cid_at(buf, j)
                index[cid] = (k, j + n)
                i = j + n
            if i != len(buf):
                raise ValueError("truncated CAR file")

            def block(cid: bytes) -> Any:
                if cid not in index:
                    return None
                a, b = index[cid]
                return _cbor(buf[a:b], 0)[0]

            commit = block(roots[0])
            if not isinstance(commit, dict) or not isinstance(commit.get("did"), str):
                raise ValueError("the root block is not a repository commit (did, data)")
            did = commit["did"]
            me = actor_id("bluesky", did)
            entries = _mst(block, commit.get("data"))
        except InputDataError:
            raise
        except (ValueError, IndexError, KeyError, TypeError, RecursionError, UnicodeDecodeError) as exc:
            raise InputDataError(f"cannot read the CAR file: {_msg(exc)}", path=path) from None
        _bump(rep.found, "repositories")
        for key, cid in entries:
            rep.rows += 1
            collection, _, rkey = key.partition("/")
            try:
                rec = block(cid)
                if rec is None:
                    _bump(rep.unresolved, "records whose block is not in the file")
                    continue
                if not isinstance(rec, dict):
                    raise ValueError("a record is a map")
                fields.see(rec)
                recs = _bsky_record(did, me, collection, rkey, rec, refs, rep)
            except MemoryError:
                raise
            except Exception as exc:
                refuse(bad_row(exc, path, None, f"record {key}: "), on_bad_row)
                continue
            yield from recs


def _msg(exc: BaseException) -> str:
    return "nested too deeply" if isinstance(exc, RecursionError) else str(exc) or type(exc).__name__


def _mst(block, root) -> list[tuple[str, bytes]]:
    """``(key, record cid)`` of a Merkle search tree, in key order (iterative walk)."""
    out: list[tuple[str, bytes]] = []
    stack: list = [("node", root)]
    seen = set()
    while stack:
        what, item = stack.pop()
        if what == "leaf":
            out.append(item)
            continue
        if item is None:
            continue
        if item in seen:
            raise ValueError("the search tree has a cycle")
        seen.add(item)
        node = block(item)
        if not isinstance(node, dict) or not isinstance(node.get("e"), list):
            raise ValueError("a search-tree node is missing or malformed")
        todo: list = [("node", node.get("l"))]
        prev = b""
        for e in node["e"]:
            key = prev[:e["p"]] + e["k"]
            prev = key
            todo.append(("leaf", (key.decode("utf-8"), e["v"])))
            todo.append(("node", e.get("t")))
        stack.extend(reversed(todo))
    return out


def _bsky_record(did: str, me: str, collection: str, rkey: str, rec: dict, refs: _Refs, rep) -> list:
    _bump(rep.found, f"{collection} records")
    ts = rec.get("createdAt")

    def target_of(uri: Any) -> str | None:
        d = _did_of(uri)
        return actor_id("bluesky", d) if d else None

    if collection == "app.bsky.actor.profile":
        return [Actor(me, name=rec.get("displayName") if isinstance(rec.get("displayName"), str) else None,
                      url=f"https://bsky.app/profile/{did}",
                      bio=rec.get("description") if isinstance(rec.get("description"), str) and rec.get("description") else None)]
    if collection in ("app.bsky.feed.like", "app.bsky.feed.repost"):
        subject = rec.get("subject") if isinstance(rec.get("subject"), dict) else {}
        target = target_of(subject.get("uri"))
        if target is None:
            _bump(rep.unresolved, f"{collection} records without an at:// subject")
            return []
        kind = "like" if collection.endswith("like") else "reshare"
        return [refs.emit(Interaction(me, target, kind, ts, subject["uri"]))] if target != me else []
    if collection == "app.bsky.graph.follow":
        subject = rec.get("subject")
        if not isinstance(subject, str) or not subject.startswith("did:"):
            _bump(rep.unresolved, "follows without a did subject")
            return []
        target = actor_id("bluesky", subject)
        return [refs.emit(Interaction(me, target, "follow", ts))] if target != me else []
    if collection != "app.bsky.feed.post":
        _bump(rep.unresolved, f"{collection} records (not imported)")
        return []
    from .crawl.api import web_actor

    uri = f"at://{did}/{collection}/{rkey}"
    reply = rec.get("reply") if isinstance(rec.get("reply"), dict) else {}
    parent = (reply.get("parent") or {}).get("uri") if isinstance(reply.get("parent"), dict) else None
    langs = rec.get("langs") if isinstance(rec.get("langs"), list) else []
    text = rec.get("text") if isinstance(rec.get("text"), str) else ""
    tags = []
    out: list = []
    links: list[str] = []
    mentions: list[str] = []
    for facet in rec.get("facets") or ():
        for feat in (facet.get("features") or ()) if isinstance(facet, dict) else ():
            if not isinstance(feat, dict):
                continue
            ftype = feat.get("$type")
            if ftype == "app.bsky.richtext.facet#mention" and isinstance(feat.get("did"), str):
                mentions.append(actor_id("bluesky", feat["did"]))
            elif ftype == "app.bsky.richtext.facet#link" and isinstance(feat.get("uri"), str):
                links.append(feat["uri"])
            elif ftype == "app.bsky.richtext.facet#tag" and isinstance(feat.get("tag"), str):
                tags.append(feat["tag"])
    for ent in rec.get("entities") or ():  # the 2023 lexicon, before facets
        if isinstance(ent, dict) and isinstance(ent.get("value"), str):
            if ent.get("type") == "mention" and ent["value"].startswith("did:"):
                mentions.append(actor_id("bluesky", ent["value"]))
            elif ent.get("type") == "link":
                links.append(ent["value"])
    embed = rec.get("embed") if isinstance(rec.get("embed"), dict) else {}
    etype = str(embed.get("$type", ""))
    media = embed.get("media") if etype == "app.bsky.embed.recordWithMedia" and isinstance(embed.get("media"), dict) else embed
    mtype = str(media.get("$type", ""))
    fmt = "image" if mtype == "app.bsky.embed.images" else "video" if mtype == "app.bsky.embed.video" else "text"
    quoted = None
    if etype == "app.bsky.embed.record":
        quoted = (embed.get("record") or {}).get("uri") if isinstance(embed.get("record"), dict) else None
    elif etype == "app.bsky.embed.recordWithMedia":
        inner = embed.get("record") if isinstance(embed.get("record"), dict) else {}
        quoted = (inner.get("record") or {}).get("uri") if isinstance(inner.get("record"), dict) else None
    elif (etype == "app.bsky.embed.external" and isinstance(embed.get("external"), dict)
          and isinstance(embed["external"].get("uri"), str)):
        links.append(embed["external"]["uri"])
    out.append(Post(uri, me, ts, text=text, url=f"https://bsky.app/profile/{did}/post/{rkey}",
                    language=langs[0] if langs and isinstance(langs[0], str) else None,
                    parent=parent if isinstance(parent, str) else None, format=fmt, tags=tuple(dict.fromkeys(tags))))
    _bump(rep.found, "posts")
    reply_target = target_of(parent)
    if reply_target is not None and reply_target != me:
        out.append(refs.emit(Interaction(me, reply_target, "reply", ts, uri)))
    quote_target = target_of(quoted) if isinstance(quoted, str) and "/app.bsky.feed.post/" in quoted else None
    if quote_target is not None and quote_target != me:
        out.append(refs.emit(Interaction(me, quote_target, "quote", ts, uri)))
    for target in dict.fromkeys(mentions):
        if target not in (me, reply_target):
            out.append(refs.emit(Interaction(me, target, "mention", ts, uri)))
    sites = dict.fromkeys(s for s in (web_actor(u) for u in links) if s)
    for site in sites:
        out.append(refs.emit(Interaction(me, site, "link", ts, uri)))
    return out
