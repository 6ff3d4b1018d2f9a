"""Bluesky repository exports: a CAR v1 file of DAG-CBOR blocks (``getRepo``), its Merkle search
tree walked to its records."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

from ..errors import InputDataError
from ..records import Actor, Interaction, Post, actor_id
from ._common import Fields, Refs, bump
from ._dagcbor import cbor, cid_at, varint

#: Largest CAR file read (it is memory-mapped, with an index of its blocks in memory).
MAX_CAR_BYTES = 4 * 2**30


BSKY_USED = ("$type", "text", "createdAt", "reply", "embed", "facets", "entities", "langs", "subject",
              "displayName", "description")


def _did_of(uri: Any) -> str | None:
    if not isinstance(uri, str) or not uri.startswith("at://"):
        return None
    repo = uri[5:].split("/", 1)[0]
    return repo if repo.startswith("did:") else None


def read_car(path: str, on_bad_row, rep, refs: Refs, fields: Fields) -> Iterator:
    import mmap

    from ..importers import bad_row, refuse

    size = os.path.getsize(path)
    if size > MAX_CAR_BYTES:
        raise InputDataError(f"a CAR file over {MAX_CAR_BYTES >> 30} GiB is not read", path=path)
    if size == 0:
        raise InputDataError("empty file", path=path)
    with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as buf:
        try:
            n, i = varint(buf, 0)
            header, _ = cbor(buf[i:i + n], 0)
            i += n
            roots = header.get("roots") if isinstance(header, dict) else None
            if not roots or header.get("version") != 1:
                raise ValueError("not a CAR v1 file (header without roots or version 1)")
            index: dict[bytes, tuple[int, int]] = {}
            while i < len(buf):
                n, j = varint(buf, i)
                cid, k = cid_at(buf, j)
                index[cid] = (k, j + n)
                i = j + n
            if i != len(buf):
                raise ValueError("truncated CAR file")

            def block(cid: bytes) -> Any:
                if cid not in index:
                    return None
                a, b = index[cid]
                return cbor(buf[a:b], 0)[0]

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
        bump(rep.found, "repositories")
        for key, cid in entries:
            rep.rows += 1
            collection, _, rkey = key.partition("/")
            try:
                rec = block(cid)
                if rec is None:
                    bump(rep.unresolved, "records whose block is not in the file")
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


def _bsky_record(did: str, me: str, collection: str, rkey: str, rec: dict, refs: Refs, rep) -> list:
    bump(rep.found, f"{collection} records")
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
            bump(rep.unresolved, f"{collection} records without an at:// subject")
            return []
        kind = "like" if collection.endswith("like") else "reshare"
        return [refs.emit(Interaction(me, target, kind, ts, subject["uri"]))] if target != me else []
    if collection == "app.bsky.graph.follow":
        subject = rec.get("subject")
        if not isinstance(subject, str) or not subject.startswith("did:"):
            bump(rep.unresolved, "follows without a did subject")
            return []
        target = actor_id("bluesky", subject)
        return [refs.emit(Interaction(me, target, "follow", ts))] if target != me else []
    if collection != "app.bsky.feed.post":
        bump(rep.unresolved, f"{collection} records (not imported)")
        return []
    from ..crawl.api import web_actor

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
    bump(rep.found, "posts")
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
