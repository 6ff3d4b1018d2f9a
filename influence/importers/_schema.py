"""From a row's fields to a record: the documented columns of interactions, posts and actors,
what a file holds told from its header, and one :class:`~influence.records.Actor`,
:class:`~influence.records.Post` or :class:`~influence.records.Interaction` per row."""

from __future__ import annotations

from typing import Any

from ..errors import InputDataError
from ..records import Actor, Interaction, Post, parse_actor_id
from ._report import ImportReport

COLUMNS = {
    "interactions": ({"source", "target"}, {"source", "target", "kind", "timestamp", "weight", "platform", "post_id",
                                            "post", "rel"}),
    "posts": ({"id", "author"}, {"id", "author", "timestamp", "text", "title", "url", "language", "likes",
                                 "reshares", "replies", "parent", "format", "platform", "tags"}),
    "actors": ({"id"}, {"id", "name", "url", "followers", "competitor", "language", "bio", "platform"}),
}


def _clean(v: Any) -> Any:
    if isinstance(v, str):
        v = v.strip()
        return v if v != "" else None
    return v


def build_record(record_type: str, row: dict[str, Any], platform: str, kind: str | None):
    row = {k: _clean(v) for k, v in row.items() if k is not None}
    for k, v in row.items():
        if isinstance(v, (dict, list)) and not (k == "tags" and isinstance(v, list)):
            what = "object" if isinstance(v, dict) else "array"
            raise ValueError(f"{k} must be a string or a number, got a JSON {what}")
    plat = row.get("platform") or platform
    if record_type == "interactions":
        for col in ("source", "target"):
            if row.get(col) is None:
                raise ValueError(f"missing value for {col}")
        k = row.get("kind") or kind
        if k is None:
            raise ValueError("missing value for kind (or give a default kind)")
        weight = row.get("weight")
        if isinstance(weight, str):
            try:
                weight = float(weight)
            except ValueError:
                raise ValueError(f"weight must be a number > 0, got {weight!r}") from None
        return Interaction(
            parse_actor_id(str(row["source"]), plat),
            parse_actor_id(str(row["target"]), plat),
            k,
            row.get("timestamp"),
            _str(row.get("post_id") or row.get("post")),
            1.0 if weight is None else weight,
            _str(row.get("rel")),
        )
    if record_type == "posts":
        for col in ("id", "author"):
            if row.get(col) is None:
                raise ValueError(f"missing value for {col}")
        return Post(
            id=str(row["id"]),
            author=parse_actor_id(str(row["author"]), plat),
            timestamp=row.get("timestamp"),
            text=str(row.get("text") or ""),
            title=_str(row.get("title")),
            url=_str(row.get("url")),
            language=_str(row.get("language")),
            likes=row.get("likes"),
            reshares=row.get("reshares"),
            replies=row.get("replies"),
            parent=_str(row.get("parent")),
            format=_str(row.get("format")),
            tags=_tags(row.get("tags")),
        )
    if row.get("id") is None:
        raise ValueError("missing value for id")
    return Actor(
        id=parse_actor_id(str(row["id"]), plat),
        name=_str(row.get("name")),
        url=_str(row.get("url")),
        followers=row.get("followers"),
        competitor=_str(row.get("competitor")),
        language=_str(row.get("language")),
        bio=_str(row.get("bio")),
    )


def _tags(v: Any) -> tuple[str, ...]:
    """Tags from a CSV cell (``a;b;c``) or a JSON list."""
    if v is None:
        return ()
    if isinstance(v, (list, tuple)):
        return tuple(str(x).strip() for x in v if str(x).strip())
    return tuple(t.strip() for t in str(v).split(";") if t.strip())


def _str(v: Any) -> str | None:
    return None if v is None else str(v)


def _guess_type(columns: set[str]) -> str | None:
    if {"source", "target"} <= columns:
        return "interactions"
    if {"id", "author"} <= columns:
        return "posts"
    if "id" in columns:
        return "actors"
    return None


def check_columns(path: str, columns: list[str], record_type: str | None, kind: str | None,
                   rep: ImportReport, line: int = 1) -> str:
    cols = set(columns)
    rtype = record_type or _guess_type(cols)
    if rtype is None:
        raise InputDataError(
            "cannot tell what this file holds: the header needs source,target[,kind,timestamp] "
            "(interactions), id,author (posts) or id (actors); got " + ",".join(columns),
            path=path, line=line,
        )
    required, known = COLUMNS[rtype]
    if rtype == "interactions" and kind is None:
        required = required | {"kind"}
    missing = sorted(required - cols)
    if missing:
        raise InputDataError(f"missing column(s) {', '.join(missing)} for {rtype}", path=path, line=line)
    rep.record_type = rtype
    rep.ignored_columns = sorted(cols - known)
    return rtype
