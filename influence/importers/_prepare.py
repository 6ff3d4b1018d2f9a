"""The formats and record types, the format told from a file's name, and the checks made before
a file is read."""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import InputDataError
from ..records import PLATFORM_RE, Kind
from ._graphs import is_json_graph
from ._mapping import column_mapping
from ._report import ImportReport

FORMATS = ("csv", "tsv", "jsonl", "json", "graphml", "gexf", "gml", "edgelist",
           "reddit", "twarc2", "twarc-csv", "activitypub", "bluesky-car")  # from 8 on: influence.formats
RECORD_TYPES = ("interactions", "posts", "actors")

_EXT = {
    ".csv": "csv", ".tsv": "tsv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json",
    ".graphml": "graphml", ".gexf": "gexf", ".gml": "gml",
    ".edgelist": "edgelist", ".edges": "edgelist", ".txt": "edgelist", ".el": "edgelist",
    ".car": "bluesky-car",
}


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


def _is_empty(path: str, size: int = 1 << 16) -> bool:
    """Whether the file holds nothing but white space (``.gz``: once decompressed)."""
    try:
        if path.lower().endswith(".gz"):
            import gzip

            with gzip.open(path, "rb") as fh:
                head = fh.read(size)
        else:
            with open(path, "rb") as fh:
                head = fh.read(size)
    except (OSError, EOFError, ValueError):  # unreadable or not gzip: the reader reports it
        return False
    return len(head) < size and not head.strip()


#: Longest part of a file's first line an error quotes (the rest is cut, ``...``).
QUOTE_CHARS = 80


def shorten(text: str, limit: int = QUOTE_CHARS) -> str:
    """``text`` cut to ``limit`` characters, ``...`` marking the cut.

    >>> shorten("source,target,kind")
    'source,target,kind'
    >>> shorten('{"id": "t1_abc", "body": "a long comment"}', 20)
    '{"id": "t1_abc", ...'
    """
    return text if len(text) <= limit else text[:limit - 4].rstrip() + " ..."


def _header(path: str, delim: str) -> list[str] | None:
    """The column names of a CSV/TSV file's first line, or ``None`` when it cannot be read here
    (unreadable, too long, a quoted value open at its end): the reader reports those."""
    import csv

    from ._lines import MAX_LINE_BYTES, open_binary

    try:
        with open_binary(path) as fh:
            first = fh.readline(MAX_LINE_BYTES).decode("utf-8-sig")
    except (OSError, EOFError, ValueError):
        return None
    if len(first) >= MAX_LINE_BYTES or first.count('"') % 2:
        return None
    try:
        return [h.strip() for h in next(csv.reader([first], delimiter=delim), [])]
    except csv.Error:
        return None


def _case_mapping(header: list[str], mapping: dict[str, str] | None,
                  rtype: str) -> dict[str, str] | None:
    """``mapping`` (``{file column: field}``, or None) plus the header's columns that name a field
    of ``rtype`` in other letter case (Gephi writes ``Source,Target,Kind``, ``Weight``):
    ``Source`` is read as ``source`` unless the header also has ``source`` or ``--map`` gives
    that field a column."""
    from ._schema import COLUMNS

    known = COLUMNS[rtype][1]
    taken = set(header) | set((mapping or {}).values())
    extra = {}
    for h in header:
        field = h.lower()
        if h != field and field in known and field not in taken and h not in (mapping or {}):
            extra[h] = field
            taken.add(field)
    return {**mapping, **extra} if mapping and extra else (extra or mapping)


def _read_header(path: str, fmt: str, record_type: str | None, kind: str | None, rep,
                 mapping: dict[str, str] | None) -> dict[str, str] | None:
    """A CSV/TSV file's header checked before reading: ``mapping`` with its columns in other
    letter case (:func:`_case_mapping`); a header that shows no record type is refused here, its
    line quoted short (a JSON Lines file read as CSV is one long "column")."""
    from ._schema import COLUMNS, check_columns

    header = _header(path, "\t" if fmt == "tsv" else ",")
    if header is None:
        return mapping
    folded = {h.lower() for h in header} | set((mapping or {}).values())
    rtype = record_type or next((t for t, (required, _k) in COLUMNS.items() if required <= folded), None)
    if rtype is None and mapping is None:  # (a --map naming no column of the file: map_header says so)
        check_columns(path, [shorten(",".join(header))], None, kind, rep, 1)  # raises
    return _case_mapping(header, mapping, rtype) if rtype in COLUMNS else mapping


def prepare(path, fmt, record_type, platform, kind, report, columns, mentions_from):
    """The checks :func:`read_records` makes before reading: ``(path, format, kind, report,
    mapping)``, or an :class:`InputDataError`."""
    p = os.fspath(path)
    if not os.path.exists(p):
        raise InputDataError("no such file", path=p)
    if os.path.isdir(p):
        raise InputDataError("is a folder, not a file", path=p)
    if fmt is None and record_type is None and columns is None and mentions_from is None:
        from .. import formats as _formats

        fmt = _formats.sniff(p)
    fmt = fmt or detect_format(p)
    if fmt not in FORMATS:
        raise InputDataError(f"unknown format {fmt!r} (expected one of {', '.join(FORMATS)})", path=p)
    if _is_empty(p):
        raise InputDataError("empty file, nothing imported", path=p)
    if record_type is not None and record_type not in RECORD_TYPES:
        raise InputDataError(f"unknown record type {record_type!r} (expected one of {', '.join(RECORD_TYPES)})", path=p)
    if kind is not None:
        try:
            kind = Kind.parse(kind).value
        except ValueError as exc:
            raise InputDataError(str(exc), path=p) from None
    if not PLATFORM_RE.match(str(platform).strip().lower()):
        raise InputDataError(f"invalid platform name {platform!r}", path=p)
    rep = report if report is not None else ImportReport(p, fmt, record_type or "")
    rep.format = fmt
    mapping = column_mapping(columns, mentions_from, p)
    if fmt in ("csv", "tsv"):
        mapping = _read_header(p, fmt, record_type, kind, rep, mapping)
    if mapping is not None and (fmt not in ("csv", "tsv", "jsonl", "json") or (fmt == "json" and is_json_graph(p))):
        raise InputDataError("column mappings and --mentions-from apply to CSV, TSV and JSON Lines files only",
                             path=p)
    return p, fmt, kind, rep, mapping
