"""Which export format a file's content shows (:func:`sniff`)."""

from __future__ import annotations

import json
import re


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
