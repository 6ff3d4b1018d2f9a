"""Import interactions, posts and actors from files into a sector store.

Formats (chosen from the file extension, or ``fmt=``; ``.gz`` files are read compressed):

=================== ===================================================================
``.csv``, ``.tsv``  a header row, then one record per row
``.jsonl``          JSON Lines: one JSON object per line, same field names as the CSV
``.graphml``        GraphML (networkx); ``.gexf`` GEXF; ``.gml`` GML (duplicate edges allowed)
``.edgelist``,      whitespace-separated ``source target [weight]`` per line, ``#`` comments
``.edges``, ``.txt``
=================== ===================================================================

Columns (CSV header / JSON keys)
--------------------------------
**interactions**: ``source, target, kind, timestamp`` (``kind`` may be left out when a default
kind is given; ``timestamp`` may be empty) and optionally ``weight, platform, post_id, rel``
(link qualifiers such as ``nofollow``).
**posts**: ``id, author`` and optionally ``timestamp, text, title, url, language, likes,
reshares, replies, parent, format, platform, tags`` (``;``-separated in CSV, a list in JSON).
**actors**: ``id`` and optionally ``name, url, followers, competitor, language, bio, platform``.

Which of the three a file holds is told by its columns (``source`` and ``target``:
interactions; ``author``: posts; else ``id``: actors) or given with ``record_type=``.

Actor ids that are not canonical (``42``, ``ana``) are put on the row's ``platform`` column, or
the ``platform=`` argument (default ``"import"``): ``import:42``. Canonical ids
(``mastodon:@ana@host``, ``web:example.com``) are kept as they are. See :mod:`influence.records`.

Graph files: every edge is an interaction of the edge's ``kind`` attribute, or of the default
kind (``kind=``, default ``"mention"``); its ``weight`` attribute is the interaction weight. An
undirected graph gives each edge both ways. Node ``label``/``name`` attributes become actor names.

Errors
------
A bad row raises :class:`~influence.errors.InputDataError` naming the file and its line (the CSV
header is line 1). :func:`import_file` then writes nothing; with ``skip_bad_rows=True`` it skips
and counts bad rows instead.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import InputDataError
from .records import _PLATFORM_RE, Actor, Interaction, Kind, Post, parse_actor_id

__all__ = ["import_file", "read_records", "ImportReport", "FORMATS", "RECORD_TYPES"]

FORMATS = ("csv", "tsv", "jsonl", "graphml", "gexf", "gml", "edgelist")
RECORD_TYPES = ("interactions", "posts", "actors")

_EXT = {
    ".csv": "csv", ".tsv": "tsv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl",
    ".graphml": "graphml", ".gexf": "gexf", ".gml": "gml",
    ".edgelist": "edgelist", ".edges": "edgelist", ".txt": "edgelist", ".el": "edgelist",
}

_COLUMNS = {
    "interactions": ({"source", "target"}, {"source", "target", "kind", "timestamp", "weight", "platform", "post_id",
                                            "post", "rel"}),
    "posts": ({"id", "author"}, {"id", "author", "timestamp", "text", "title", "url", "language", "likes",
                                 "reshares", "replies", "parent", "format", "platform", "tags"}),
    "actors": ({"id"}, {"id", "name", "url", "followers", "competitor", "language", "bio", "platform"}),
}


@dataclass
class ImportReport:
    """What :func:`import_file` did."""

    path: str
    format: str
    record_type: str
    rows: int = 0  #: rows (records) read, bad ones included
    skipped: int = 0  #: bad rows skipped (only with skip_bad_rows)
    new: dict[str, int] = field(default_factory=dict)  #: new actors/posts/interactions in the store
    errors: list[str] = field(default_factory=list)  #: the first bad-row messages
    ignored_columns: list[str] = field(default_factory=list)


def detect_format(path: str | os.PathLike) -> str:
    """The import format of a file from its extension (``.gz`` looked through)."""
    name = os.fspath(path).lower()
    if name.endswith(".gz"):
        name = name[:-3]
    fmt = _EXT.get(Path(name).suffix)
    if fmt is None:
        raise InputDataError(
            f"cannot tell the format from the extension; use one of {', '.join(sorted(_EXT))} "
            "or give the format explicitly",
            path=os.fspath(path),
        )
    return fmt


def _open_text(path: str) -> io.TextIOBase:
    if path.lower().endswith(".gz"):
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8-sig", newline="")
    return open(path, encoding="utf-8-sig", newline="")


def read_records(
    path: str | os.PathLike,
    *,
    fmt: str | None = None,
    record_type: str | None = None,
    platform: str = "import",
    kind: str | None = None,
    on_bad_row: Callable[[InputDataError], None] | None = None,
    report: ImportReport | None = None,
) -> Iterator[Actor | Post | Interaction]:
    """Read records from a file, lazily.

    Parameters
    ----------
    path : path-like
    fmt : str, optional
        One of :data:`FORMATS`; default from the extension.
    record_type : {"interactions", "posts", "actors"}, optional
        For CSV/JSON Lines; default from the columns.
    platform : str, default="import"
        Platform of non-canonical actor ids.
    kind : str, optional
        Default interaction kind for rows/edges that do not give one (graph files: ``"mention"``).
    on_bad_row : callable, optional
        Called with the :class:`InputDataError` of each bad row, which is then skipped. Without it,
        the first bad row raises.
    report : ImportReport, optional
        Filled in as rows are read.

    Yields
    ------
    Actor, Post or Interaction
    """
    p = os.fspath(path)
    if not os.path.exists(p):
        raise InputDataError("no such file", path=p)
    if os.path.isdir(p):
        raise InputDataError("is a folder, not a file", path=p)
    fmt = fmt or detect_format(p)
    if fmt not in FORMATS:
        raise InputDataError(f"unknown format {fmt!r} (expected one of {', '.join(FORMATS)})", path=p)
    if record_type is not None and record_type not in RECORD_TYPES:
        raise InputDataError(f"unknown record type {record_type!r} (expected one of {', '.join(RECORD_TYPES)})", path=p)
    if kind is not None:
        try:
            kind = Kind.parse(kind).value
        except ValueError as exc:
            raise InputDataError(str(exc), path=p) from None
    if not _PLATFORM_RE.match(str(platform).strip().lower()):
        raise InputDataError(f"invalid platform name {platform!r}", path=p)
    rep = report if report is not None else ImportReport(p, fmt, record_type or "")
    rep.format = fmt
    try:
        if fmt in ("csv", "tsv"):
            yield from _read_table(p, fmt, record_type, platform, kind, on_bad_row, rep)
        elif fmt == "jsonl":
            yield from _read_jsonl(p, record_type, platform, kind, on_bad_row, rep)
        elif fmt == "edgelist":
            rep.record_type = "interactions"
            yield from _read_edgelist(p, platform, kind or "mention", on_bad_row, rep)
        else:
            rep.record_type = "interactions"
            yield from _read_graph(p, fmt, platform, kind or "mention", on_bad_row, rep)
    except UnicodeDecodeError:
        raise InputDataError("not UTF-8 text", path=p) from None
    except (gzip.BadGzipFile, EOFError) as exc:
        raise InputDataError(f"bad gzip file: {exc}", path=p) from None


def import_file(store, path: str | os.PathLike, *, skip_bad_rows: bool = False, max_errors: int = 20,
                progress: Callable[[int], None] | None = None, **options: Any) -> ImportReport:
    """Import a file into a store in one transaction.

    Parameters
    ----------
    store : Store
    path : path-like
    skip_bad_rows : bool, default=False
        Skip and count bad rows instead of stopping. Without it, the first bad row raises
        :class:`InputDataError` and the store is left unchanged.
    max_errors : int, default=20
        How many bad-row messages to keep in the report.
    progress : callable, optional
        Called with the number of rows read so far, every 10,000 rows and at the end.
    **options
        Passed to :func:`read_records` (``fmt``, ``record_type``, ``platform``, ``kind``).

    Returns
    -------
    ImportReport
    """
    rep = ImportReport(os.fspath(path), options.get("fmt") or "", options.get("record_type") or "")

    def skip(err: InputDataError) -> None:
        rep.skipped += 1
        if len(rep.errors) < max_errors:
            rep.errors.append(str(err))

    records = read_records(path, on_bad_row=skip if skip_bad_rows else None, report=rep, **options)
    if progress is not None:
        records = _with_progress(records, rep, progress)
    rep.new = store.write(records)
    return rep


def _with_progress(records, rep: ImportReport, progress: Callable[[int], None]):
    last = 0
    for rec in records:
        if rep.rows - last >= 10_000:
            last = rep.rows
            progress(last)
        yield rec
    progress(rep.rows)


# -- tables ----------------------------------------------------------------------------------------


def _clean(v: Any) -> Any:
    if isinstance(v, str):
        v = v.strip()
        return v if v != "" else None
    return v


def _build(record_type: str, row: dict[str, Any], platform: str, kind: str | None):
    row = {k: _clean(v) for k, v in row.items() if k is not None}
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


def _check_columns(path: str, columns: list[str], record_type: str | None, kind: str | None,
                   rep: ImportReport) -> str:
    cols = set(columns)
    rtype = record_type or _guess_type(cols)
    if rtype is None:
        raise InputDataError(
            "cannot tell what this file holds: the header needs source,target[,kind,timestamp] "
            "(interactions), id,author (posts) or id (actors); got " + ",".join(columns),
            path=path, line=1,
        )
    required, known = _COLUMNS[rtype]
    if rtype == "interactions" and kind is None:
        required = required | {"kind"}
    missing = sorted(required - cols)
    if missing:
        raise InputDataError(f"missing column(s) {', '.join(missing)} for {rtype}", path=path, line=1)
    rep.record_type = rtype
    rep.ignored_columns = sorted(cols - known)
    return rtype


def _read_table(path, fmt, record_type, platform, kind, on_bad_row, rep) -> Iterator:
    with _open_text(path) as fh:
        reader = csv.reader(fh, delimiter="\t" if fmt == "tsv" else ",")
        try:
            header = next(reader)
        except StopIteration:
            raise InputDataError("empty file (no header row)", path=path) from None
        except csv.Error as exc:
            raise InputDataError(f"malformed CSV: {exc}", path=path, line=1) from None
        header = [h.strip() for h in header]
        rtype = _check_columns(path, header, record_type, kind, rep)
        n = len(header)
        last = reader.line_num
        while True:
            start = last + 1
            try:
                fields = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                err = InputDataError(f"malformed CSV: {exc}", path=path, line=start)
                if on_bad_row is None:
                    raise err from None
                on_bad_row(err)
                last = reader.line_num
                continue
            last = reader.line_num
            if not fields or (len(fields) == 1 and not fields[0].strip()):
                continue  # blank line
            rep.rows += 1
            try:
                if len(fields) != n:
                    raise ValueError(f"expected {n} fields as in the header, got {len(fields)}")
                rec = _build(rtype, dict(zip(header, fields)), platform, kind)
            except ValueError as exc:
                err = InputDataError(str(exc), path=path, line=start)
                if on_bad_row is None:
                    raise err from None
                on_bad_row(err)
                continue
            yield rec


def _read_jsonl(path, record_type, platform, kind, on_bad_row, rep) -> Iterator:
    rtype = record_type
    with _open_text(path) as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            rep.rows += 1
            try:
                try:
                    obj = json.loads(line.strip())
                except json.JSONDecodeError as exc:
                    raise ValueError(f"invalid JSON: {exc.msg} (column {exc.colno})") from None
                if not isinstance(obj, dict):
                    raise ValueError(f"expected a JSON object, got {type(obj).__name__}")
                if rtype is None:
                    rtype = _check_columns(path, list(obj), None, kind, rep)
                rec = _build(rtype, obj, platform, kind)
            except ValueError as exc:
                err = exc if isinstance(exc, InputDataError) else InputDataError(str(exc), path=path, line=lineno)
                if on_bad_row is None or (rtype is None):
                    raise err from None
                on_bad_row(err)
                continue
            yield rec


_WS = re.compile(r"\s+")


def _read_edgelist(path, platform, kind, on_bad_row, rep) -> Iterator:
    with _open_text(path) as fh:
        for lineno, line in enumerate(fh, 1):
            text = line.split("#", 1)[0].strip()
            if not text:
                continue
            rep.rows += 1
            parts = _WS.split(text)
            try:
                if len(parts) not in (2, 3):
                    raise ValueError(f"expected 'source target [weight]', got {len(parts)} fields")
                weight = 1.0
                if len(parts) == 3:
                    try:
                        weight = float(parts[2])
                    except ValueError:
                        raise ValueError(f"weight must be a number > 0, got {parts[2]!r}") from None
                rec = Interaction(parse_actor_id(parts[0], platform), parse_actor_id(parts[1], platform),
                                  kind, None, None, weight)
            except ValueError as exc:
                err = InputDataError(str(exc), path=path, line=lineno)
                if on_bad_row is None:
                    raise err from None
                on_bad_row(err)
                continue
            yield rec


def _read_graph(path, fmt, platform, kind, on_bad_row, rep) -> Iterator:
    import networkx as nx

    try:
        if fmt == "graphml":
            G = nx.read_graphml(path)
        elif fmt == "gexf":
            G = nx.read_gexf(path)
        else:
            G = _read_gml(path)
    except (nx.NetworkXError, ValueError, SyntaxError, KeyError, OSError) as exc:
        # xml.etree.ElementTree.ParseError is a SyntaxError
        raise InputDataError(f"cannot read {fmt.upper()}: {exc}", path=path) from None
    ids: dict[Any, str] = {}
    for node, data in G.nodes(data=True):
        try:
            aid = parse_actor_id(str(node), platform)
        except ValueError as exc:
            raise InputDataError(f"node {node!r}: {exc}", path=path) from None
        ids[node] = aid
        name = data.get("name") or data.get("label")
        followers = data.get("followers")
        try:
            yield Actor(aid, name=str(name) if name is not None and str(name) != str(node) else None,
                        followers=followers)
        except ValueError as exc:
            err = InputDataError(f"node {node!r}: {exc}", path=path)
            if on_bad_row is None:
                raise err from None
            on_bad_row(err)
    edges = G.edges(data=True)
    for i, (u, v, data) in enumerate(edges, 1):
        rep.rows += 1
        try:
            k = data.get("kind") or kind
            w = data.get("weight", 1.0)
            ts = data.get("timestamp")
            pairs = [(u, v)] if G.is_directed() or u == v else [(u, v), (v, u)]
            recs = [Interaction(ids[a], ids[b], k, ts, None, w) for a, b in pairs]
        except ValueError as exc:
            err = InputDataError(f"edge {i} ({u!r} -> {v!r}): {exc}", path=path)
            if on_bad_row is None:
                raise err from None
            on_bad_row(err)
            continue
        yield from recs


def _read_gml(path):
    import networkx as nx

    with _open_text(path) as fh:
        text = fh.read()
    try:
        return nx.parse_gml(text)
    except nx.NetworkXError as exc:
        # Files such as polblogs.gml list some edges twice without declaring a multigraph.
        if "duplicated" not in str(exc):
            raise
        patched, n = re.subn(r"graph\s*\[", "graph [\n  multigraph 1", text, count=1)
        if not n:
            raise
        return nx.parse_gml(patched)
