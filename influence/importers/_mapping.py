"""Files written by other tools: their columns mapped to ours (``--map``, ``columns=``) and
mentions read from a post's text (``--mentions-from``, :func:`mentions_in`)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..errors import InputDataError
from ..records import Interaction, Post, parse_actor_id
from ._schema import COLUMNS

#: ``@handle`` rules per platform (:func:`mentions_in`); other platforms use ``generic``.
_HANDLES = {
    # Twitter/X: 1-15 letters, digits or underscores, not inside an e-mail address or a word
    "twitter": re.compile(r"(?<![\w@.])@(\w{1,15})(?![\w@])"),
    # Mastodon: @user@domain (a bare @user is local to an instance we do not know)
    "mastodon": re.compile(r"(?<![\w@])@(\w+@[\w-]+(?:\.[\w-]+)+)"),
    # Bluesky: @handle.domain
    "bluesky": re.compile(r"(?<![\w@])@([a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)+)"),
    "generic": re.compile(r"(?<![\w@.])@(\w+)"),
}


def mentions_in(text: str | None, platform: str) -> list[str]:
    """The distinct ``@handles`` in a text, in order, by the platform's handle rules.

    >>> mentions_in("@JetBlue what @dhepburn said. Mail me at a@b.com @jetblue", "twitter")
    ['JetBlue', 'dhepburn']
    >>> mentions_in("hola @ana@cafe.social y @luis", "mastodon")
    ['ana@cafe.social']
    """
    if not text:
        return []
    rule = _HANDLES.get(platform, _HANDLES["generic"])
    seen: dict[str, str] = {}
    for h in rule.findall(text):
        seen.setdefault(h.lower(), h)
    return list(seen.values())


def column_mapping(columns, mentions_from, path) -> dict[str, str] | None:
    """``{file column: field}`` from ``columns`` (field -> file column), checked."""
    if not columns and mentions_from is None:
        return None
    known = set().union(*(k for _r, k in COLUMNS.values()))
    inverse: dict[str, str] = {}
    for field_name, column in (columns or {}).items():
        if field_name not in known:
            raise InputDataError(f"--map {field_name}={column}: unknown field {field_name!r} (known: "
                                 f"{', '.join(sorted(known))})", path=path)
        if column in inverse:
            raise InputDataError(f"--map: column {column!r} is mapped twice", path=path)
        inverse[column] = field_name
    return inverse


def map_header(header: list[str], inverse: dict[str, str], path, line) -> list[str]:
    missing = [c for c in inverse if c not in header]
    if missing:
        raise InputDataError(f"--map: no column {', '.join(repr(c) for c in missing)} in this file "
                             f"(columns: {', '.join(header)})", path=path, line=line)
    mapped = set(inverse.values())
    # a file column that has a field's name but is not mapped gives way to the mapped one
    return [inverse[h] if h in inverse else (f"{h} (unmapped)" if h in mapped else h) for h in header]


def with_mentions(records: Iterator, field_name: str | None, platform: str, rep) -> Iterator:
    """Pass ``records`` through, adding after each post a mention per ``@handle`` in its
    ``field_name`` text (see :func:`read_records`)."""
    if field_name is None:
        yield from records
        return
    if field_name not in ("text", "title"):
        raise InputDataError(f"--mentions-from {field_name}: mentions are read from a post's text or title",
                             path=rep.path)
    done: set[str] = set()  # a post listed twice (same id) gives its mentions once
    for rec in records:
        yield rec
        if isinstance(rec, Post):
            if rec.id in done:
                continue
            done.add(rec.id)
            plat = rec.author.split(":", 1)[0] if ":" in rec.author else platform
            for handle in mentions_in(getattr(rec, field_name), plat):
                target = parse_actor_id(handle, plat)
                if target != rec.author:
                    rep.derived["mention"] = rep.derived.get("mention", 0) + 1
                    yield Interaction(rec.author, target, "mention", rec.timestamp, rec.id)
        elif rep.record_type and rep.record_type != "posts":
            raise InputDataError(f"--mentions-from applies to posts; this file holds {rep.record_type}",
                                 path=rep.path)
