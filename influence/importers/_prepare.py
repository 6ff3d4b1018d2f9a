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
    if mapping is not None and (fmt not in ("csv", "tsv", "jsonl", "json") or (fmt == "json" and is_json_graph(p))):
        raise InputDataError("column mappings and --mentions-from apply to CSV, TSV and JSON Lines files only",
                             path=p)
    return p, fmt, kind, rep, mapping
