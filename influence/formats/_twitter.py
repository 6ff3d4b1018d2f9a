"""Twitter: twarc2 JSON Lines (raw API v2 pages, flattened tweets, API v1.1 tweets) and the CSV
files twarc-csv writes."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

from ..errors import InputDataError
from ..records import Actor, Interaction, Post, actor_id
from ._common import Fields, Refs, as_int, bump

TWARC_USED = ("data", "includes", "meta", "errors", "__twarc", "id", "text", "author_id", "author",
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
                 url=f"https://twitter.com/{name.strip()}", followers=as_int(pm.get("followers_count")),
                 bio=u.get("description") if isinstance(u.get("description"), str) and u.get("description") else None)


def twarc_line(obj: dict, refs: Refs, rep, fields: Fields) -> list:
    fields.see(obj)
    data = obj.get("data")
    if "data" in obj or "includes" in obj or ("errors" in obj and "id" not in obj):
        tweets = data if isinstance(data, list) else [data] if isinstance(data, dict) else []
        inc = obj.get("includes") if isinstance(obj.get("includes"), dict) else {}
        users = {str(u["id"]): u for u in inc.get("users") or () if isinstance(u, dict) and "id" in u}
        known = {str(t["id"]): t for t in inc.get("tweets") or () if isinstance(t, dict) and "id" in t}
        bump(rep.found, "pages")
        out: list = []
        for u in users.values():
            a = _user_actor(u)
            if a is not None:
                out.append(a)
        for t in tweets:
            if isinstance(t, dict):
                fields.see(t)
                if _is_user(t):  # a page of users (followers, following, user lookups)
                    bump(rep.found, "users")
                    a = _user_actor(t)
                    if a is not None:
                        out.append(a)
                    continue
                out.extend(_tweet(t, users, known, refs, rep))
        return out
    if _is_user(obj):  # a flattened user
        bump(rep.found, "users")
        a = _user_actor(obj)
        return [a] if a is not None else []
    if "id_str" in obj and isinstance(obj.get("user"), dict):  # API v1.1 (twarc 1, Hydrator)
        bump(rep.found, "v1.1 tweets")
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


def _tweet(t: dict, users: dict, known: dict, refs: Refs, rep) -> list:
    """Records of one tweet: the post and its reshare/quote/reply/mention/link interactions."""
    if t.get("id") in (None, ""):
        raise ValueError("a tweet without an id")
    bump(rep.found, "tweets")
    tid = str(t["id"])
    pid = f"twitter:{tid}"
    name = _username(t.get("author_id"), users)
    if name is None and isinstance(t.get("author"), dict):
        name = t["author"].get("username") if isinstance(t["author"].get("username"), str) else None
    if not name:
        bump(rep.unresolved, "tweets whose author is not in the file (not imported)")
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
        likes=None if retweet else as_int(pm.get("like_count")),
        reshares=None if retweet else as_int(pm.get("retweet_count")),
        replies=None if retweet else as_int(pm.get("reply_count")),
        parent=f"twitter:{replied}" if replied else None, tags=tags)]
    bump(rep.found, "posts")
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
            bump(rep.unresolved, "replies to a user who is not in the file")
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


def _links(author: str, urls: Iterable, ts, pid: str, refs: Refs) -> list:
    from urllib.parse import urlsplit

    from ..crawl.api import web_actor

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
CSV_USED = ("id", "author_id", "username", "name", "description", "public_metrics.followers_count", "text", "created_at", "lang", "conversation_id",
             "referenced_tweets.replied_to.id", "referenced_tweets.retweeted.id", "referenced_tweets.quoted.id",
             "in_reply_to_user_id", "in_reply_to_username", "retweeted_user_id", "retweeted_username",
             "quoted_user_id", "quoted_username", "public_metrics.reply_count", "public_metrics.retweet_count",
             "public_metrics.like_count", "entities.hashtags", "entities.mentions", "entities.urls",
             "author.id", "author.username", "author.name", "author.description",
             "author.public_metrics.followers_count", "referenced_tweets", "type")


#: The early (March 2021) twarc-csv layout writes its free-text columns as JSON string literals
#: (``"Nobody: \n\nLiterally nobody"``, quotes and escapes included; the shared sample shows it
#: for these three, and not for ``author.name`` or ``geo.name``).
_EARLY_JSON_TEXT = ("text", "author.description", "author.location")


def _early_layout(header: list[str]) -> bool:
    """The early twarc-csv layout: ``type`` and ``referenced_tweets`` (a JSON list) columns,
    none of the released ``referenced_tweets.<type>.id`` ones."""
    return {"type", "referenced_tweets"} <= set(header) and not any(
        h.startswith("referenced_tweets.") for h in header)


def _json_string(v: str) -> str:
    r"""``v`` decoded when it is a JSON string literal (``"can\u2019t"`` -> ``can’t``), else ``v``.

    >>> _json_string('"Nobody: \\n\\ncan\\u2019t"')
    'Nobody: \n\ncan’t'
    >>> _json_string('plain "quoted" text'), _json_string('"unbalanced')
    ('plain "quoted" text', '"unbalanced')
    """
    s = v.strip()
    if len(s) >= 2 and s[0] == s[-1] == '"':
        try:
            out = json.loads(s)
        except (ValueError, RecursionError):
            return v
        if isinstance(out, str):
            return out
    return v


def _json_text_columns(header: list[str], row: dict[str, str]) -> tuple[str, ...]:
    """The columns of ``row`` to decode with :func:`_json_string`: the early layout's free text,
    or every column when the row's ``id`` is itself a JSON string (twarc-csv's
    ``--json-encode-text``/``--json-encode-all`` write every string cell that way)."""
    if (row.get("id") or "").strip().startswith('"'):
        return tuple(header)
    return _EARLY_JSON_TEXT if _early_layout(header) else ()


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


def read_twarc_csv(path: str, on_bad_row, rep, refs: Refs, fields: Fields) -> Iterator:
    import csv

    from ..importers import MAX_LINE_BYTES, CsvRecords, bad_row, open_binary, refuse, text_lines

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
                for k in _json_text_columns(header, row):
                    if row.get(k):
                        row[k] = _json_string(row[k])
                if user_rows:
                    bump(rep.found, "users")
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
