"""Import interactions, posts and actors from files into a sector store.

Formats (chosen from the file extension, or ``fmt=``; ``.gz`` files are read compressed):

=================== ===================================================================
``.csv``, ``.tsv``  a header row, then one record per row
``.jsonl``          JSON Lines: one JSON object per line, same field names as the CSV
``.json``           JSON Lines, or one node-link graph document (``influence export --format
                    json``, networkx ``node_link_data``, d3), told apart by the first line
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
and counts bad rows instead. Whatever a row raises (deep JSON nesting, a parser's ``TypeError``)
becomes such an error; so does any exception of a graph file's parser, for the whole file.

Limits
------
Text files are read a line at a time, at most :data:`MAX_LINE_BYTES` (16 MiB) per line; a longer
line is a bad row. A CSV record may span at most :data:`MAX_RECORD_LINES` lines; a malformed one
(an unclosed quote, say) is reported on its first line and reading goes on at the next line.
Records reach the store in batches (:meth:`~influence.store.Store.write`), so memory stays
bounded. See docs/safety.md.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import math
import os
import re
import zlib
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from itertools import repeat
from pathlib import Path
from typing import Any

from .errors import InputDataError
from .records import (
    KINDS,
    PLATFORM_RE,
    TIMESTAMP_MAX,
    TIMESTAMP_MIN,
    WEIGHT_MAX,
    Actor,
    Interaction,
    Kind,
    Post,
    check_id,
    clean_text,
    parse_actor_id,
)

__all__ = ["import_file", "read_records", "mentions_in", "ImportReport", "FORMATS", "RECORD_TYPES"]

FORMATS = ("csv", "tsv", "jsonl", "json", "graphml", "gexf", "gml", "edgelist",
           "reddit", "twarc2", "twarc-csv", "activitypub", "bluesky-car")  # from 8 on: influence.formats
RECORD_TYPES = ("interactions", "posts", "actors")

#: Largest line (and largest CSV record, all its lines together) read from a file, in bytes:
#: 16 MiB. A longer line is a line-numbered error, so one huge line cannot exhaust memory.
MAX_LINE_BYTES = 16 * 2**20
#: Most physical lines one CSV record may span (a quoted value may hold line breaks). A record
#: whose quote is still open after this many lines, or at the end of the file, is malformed: it is
#: reported on the line it starts on and reading goes on at the next line.
MAX_RECORD_LINES = 100

_EXT = {
    ".csv": "csv", ".tsv": "tsv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json",
    ".graphml": "graphml", ".gexf": "gexf", ".gml": "gml",
    ".edgelist": "edgelist", ".edges": "edgelist", ".txt": "edgelist", ".el": "edgelist",
    ".car": "bluesky-car",
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
    derived: dict[str, int] = field(default_factory=dict)  #: interactions derived (mentions from text)
    # export formats (influence.formats) only:
    found: dict[str, int] = field(default_factory=dict)  #: items read per type (tweets, comments...)
    by_kind: dict[str, int] = field(default_factory=dict)  #: interactions made, per kind
    unresolved: dict[str, int] = field(default_factory=dict)  #: references left out, per reason


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


def open_text(path: str) -> io.TextIOBase:
    if path.lower().endswith(".gz"):
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8-sig", newline="")
    return open(path, encoding="utf-8-sig", newline="")


def open_binary(path: str):
    return gzip.open(path, "rb") if path.lower().endswith(".gz") else open(path, "rb")


_LINE_ENDS = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


def text_lines(fh, path: str, start: int = 0, bom: bool = True) -> Iterator[tuple[int, str | InputDataError, int]]:
    """The physical lines of a binary file: ``(line number, text or error, size in bytes)``.

    A line ends at ``\n``, ``\r\n`` or a lone ``\r`` (as Python's universal newlines) and keeps
    its line end. At most :data:`MAX_LINE_BYTES` + 1 bytes are read per line, so memory stays
    bounded whatever the file holds: a longer line, or one that is not UTF-8, comes as an
    :class:`InputDataError` naming its line number instead of its text (the reader then goes on
    at the next line). A byte-order mark opening the file is dropped (``bom``). Lines are numbered
    from ``start + 1``.
    """
    lineno = start
    first = bom
    while True:
        chunk = fh.readline(MAX_LINE_BYTES + 1)
        if not chunk:
            return
        if first:
            first = False
            if chunk.startswith(b"\xef\xbb\xbf"):
                chunk = chunk[3:]
        if len(chunk) > MAX_LINE_BYTES:
            lineno += 1
            while not chunk.endswith(b"\n"):  # skip the rest of the line, a chunk at a time
                chunk = fh.readline(MAX_LINE_BYTES + 1)
                if not chunk:
                    break
            yield lineno, InputDataError(
                f"line longer than {MAX_LINE_BYTES:,} bytes (the limit, MAX_LINE_BYTES)",
                path=path, line=lineno,
            ), 0
            continue
        try:
            text = chunk.decode("utf-8")
        except UnicodeDecodeError as exc:
            lineno += 1
            yield lineno, InputDataError(
                f"not UTF-8 text (byte 0x{chunk[exc.start]:02x} at byte {exc.start + 1} of the line)",
                path=path, line=lineno,
            ), 0
            continue
        if "\r" in text and "\r" in (text[:-2] if text.endswith("\r\n") else text[:-1]):
            # a lone CR ends a line too (classic Mac files), as in Python's universal newlines
            for piece in _LINE_ENDS.findall(text):
                lineno += 1
                yield lineno, piece, len(piece.encode("utf-8"))
            continue
        lineno += 1
        yield lineno, text, len(chunk)


def read_records(
    path: str | os.PathLike,
    *,
    fmt: str | None = None,
    record_type: str | None = None,
    platform: str = "import",
    kind: str | None = None,
    on_bad_row: Callable[[InputDataError], None] | None = None,
    report: ImportReport | None = None,
    columns: Mapping[str, str] | None = None,
    mentions_from: str | None = None,
    post_author: Callable[[str], str | None] | None = None,
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
    columns : mapping of field -> file column, optional
        CSV/JSON Lines only: read ``field`` (one of the documented column names, e.g.
        ``"author"``) from the file's column ``columns[field]`` (e.g. ``"user_screen_name"``), for
        files written by other tools. A named column missing from the file is an error.
    mentions_from : str, optional
        Posts only: the field (after ``columns``) whose text holds ``@handles``; each distinct
        handle other than the author's becomes a ``mention`` from the post's author, with the
        post's time and id (:func:`mentions_in` gives the handle rules per platform).
    post_author : callable, optional
        Export formats (:mod:`influence.formats`, told from the content when neither ``fmt``
        nor ``record_type`` nor a mapping is given): post id -> author id of posts already
        stored, to resolve replies to them (:func:`import_file` passes the store's).

    Yields
    ------
    Actor, Post or Interaction
    """
    p, fmt, kind, rep, mapping = _prepare(path, fmt, record_type, platform, kind, report, columns,
                                          mentions_from)
    try:
        if fmt in FORMATS[8:]:
            from . import formats as _formats

            if mapping is not None or record_type is not None:
                raise InputDataError(f"--type, --map and --mentions-from do not apply to {fmt} files", path=p)
            yield from _formats.read(p, fmt, on_bad_row=on_bad_row, report=rep, post_author=post_author)
        elif fmt in ("csv", "tsv"):
            yield from _mentions(_read_table(p, fmt, record_type, platform, kind, on_bad_row, rep, mapping),
                                 mentions_from, platform, rep)
        elif fmt == "jsonl" or (fmt == "json" and not _is_json_graph(p)):
            rep.format = "jsonl"
            yield from _mentions(_read_jsonl(p, record_type, platform, kind, on_bad_row, rep, mapping),
                                 mentions_from, platform, rep)
        elif fmt == "edgelist":
            rep.record_type = "interactions"
            yield from _read_edgelist(p, platform, kind or "mention", on_bad_row, rep)
        else:
            rep.record_type = "interactions"
            yield from _read_graph(p, fmt, platform, kind or "mention", on_bad_row, rep)
    except UnicodeDecodeError:
        raise InputDataError("not UTF-8 text", path=p) from None
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        raise InputDataError(f"bad gzip file: {exc}", path=p) from None
    except OSError as exc:  # unreadable: permissions, I/O error
        raise InputDataError(f"cannot read the file: {exc.strerror or exc}", path=p) from None


def _prepare(path, fmt, record_type, platform, kind, report, columns, mentions_from):
    """The checks :func:`read_records` makes before reading: ``(path, format, kind, report,
    mapping)``, or an :class:`InputDataError`."""
    p = os.fspath(path)
    if not os.path.exists(p):
        raise InputDataError("no such file", path=p)
    if os.path.isdir(p):
        raise InputDataError("is a folder, not a file", path=p)
    if fmt is None and record_type is None and columns is None and mentions_from is None:
        from . import formats as _formats

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
    mapping = _mapping(columns, mentions_from, p)
    if mapping is not None and (fmt not in ("csv", "tsv", "jsonl", "json") or (fmt == "json" and _is_json_graph(p))):
        raise InputDataError("column mappings and --mentions-from apply to CSV, TSV and JSON Lines files only",
                             path=p)
    return p, fmt, kind, rep, mapping


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

    options.setdefault("post_author", getattr(store, "post_author", None))
    on_bad_row = skip if skip_bad_rows else None
    if hasattr(store, "write_interaction_columns"):
        batches = _interaction_columns(path, on_bad_row, rep, **options)
        if batches is not None:  # a CSV/TSV of interactions: the columnar path
            if progress is not None:
                batches = _with_progress(batches, rep, progress)
            rep.new = store.write_interaction_columns(batches)
            return rep
    records = read_records(path, on_bad_row=on_bad_row, report=rep, **options)
    if progress is not None:
        records = _with_progress(records, rep, progress)
    rep.new = store.write(records)
    return rep


def _with_progress(items, rep: ImportReport, progress: Callable[[int], None]):
    """``items`` (records, or column batches) passed through, calling ``progress(rows read)``
    whenever 10,000 more rows have been read, and once at the end."""
    last = 0
    for item in items:
        if rep.rows - last >= 10_000:
            last = rep.rows
            progress(last)
        yield item
    progress(rep.rows)


# -- tables ----------------------------------------------------------------------------------------


def _clean(v: Any) -> Any:
    if isinstance(v, str):
        v = v.strip()
        return v if v != "" else None
    return v


def _build(record_type: str, row: dict[str, Any], platform: str, kind: str | None):
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


def _check_columns(path: str, columns: list[str], record_type: str | None, kind: str | None,
                   rep: ImportReport, line: int = 1) -> str:
    cols = set(columns)
    rtype = record_type or _guess_type(cols)
    if rtype is None:
        raise InputDataError(
            "cannot tell what this file holds: the header needs source,target[,kind,timestamp] "
            "(interactions), id,author (posts) or id (actors); got " + ",".join(columns),
            path=path, line=line,
        )
    required, known = _COLUMNS[rtype]
    if rtype == "interactions" and kind is None:
        required = required | {"kind"}
    missing = sorted(required - cols)
    if missing:
        raise InputDataError(f"missing column(s) {', '.join(missing)} for {rtype}", path=path, line=line)
    rep.record_type = rtype
    rep.ignored_columns = sorted(cols - known)
    return rtype


def bad_row(exc: BaseException, path: str, line: int | None, where: str = "") -> InputDataError:
    """The :class:`InputDataError` for a row that raised ``exc``.

    Our own errors keep their message; anything else a parser or a record raised (a
    ``RecursionError`` from deep nesting, a ``TypeError``...) becomes a line-numbered error too,
    so one strange row never ends an import with a traceback.
    """
    if isinstance(exc, InputDataError):
        return exc
    if isinstance(exc, RecursionError):
        msg = "nested too deeply"
    elif isinstance(exc, ValueError):
        msg = str(exc)
    else:
        msg = f"cannot read this row ({type(exc).__name__}: {exc})"
    return InputDataError(where + msg, path=path, line=line)


def refuse(err: InputDataError, on_bad_row) -> None:
    """Skip a bad row (``on_bad_row``) or stop the import with it."""
    if on_bad_row is None:
        raise err
    on_bad_row(err)


class CsvRecords:
    """CSV records with their first line numbers, resynchronising after a malformed record.

    A quoted value may span lines, but a record may span at most :data:`MAX_RECORD_LINES`
    lines and :data:`MAX_LINE_BYTES` bytes. A record that breaks a rule of the format (its quote
    still open at that cap or at the end of the file, a wrong number of fields once it spans
    several lines, a ``csv.Error``) is reported on the line it starts on, and reading goes on at
    the **next physical line**, so a stray quote costs one row, not the rest of the file.
    """

    def __init__(self, lines: Iterator, path: str, delimiter: str) -> None:
        self._lines = lines
        self._path = path
        self._delimiter = delimiter
        self._pending: deque = deque()  # lines given back after a malformed record
        self._record: list = []  # the lines of the record being read
        self._size = 0
        self._eof = False
        self._reader = None
        self.fields: int | None = None  # expected number of fields, once the header is read

    def _feed(self) -> Iterator[str]:
        while True:
            item = self._pending.popleft() if self._pending else next(self._lines, None)
            if item is None:
                self._eof = True
                return
            _, text, size = item
            full = self._record and (
                len(self._record) >= MAX_RECORD_LINES or self._size + size > MAX_LINE_BYTES
            )
            if full or isinstance(text, InputDataError):
                self._pending.appendleft(item)
                raise _Resync(bool(full))
            self._record.append(item)
            self._size += size
            yield text

    def _new_reader(self) -> None:
        self._reader = csv.reader(self._feed(), delimiter=self._delimiter)

    def __iter__(self):
        return self

    def __next__(self) -> tuple[int, list[str] | InputDataError]:
        """``(line, fields)`` of the next record, or ``(line, error)`` for a malformed one."""
        if self._reader is None:
            self._new_reader()
        self._record, self._size, self._eof = [], 0, False
        reason = None
        try:
            fields = next(self._reader)  # StopIteration at the end of the file
        except _Resync as exc:
            if not self._record:
                return self._bad_line()
            if exc.args[0]:  # the record reached the cap
                reason = (f"a quoted value still open after {len(self._record)} lines (a record "
                          f"may span at most {MAX_RECORD_LINES} lines and {MAX_LINE_BYTES:,} bytes)")
            else:
                reason = f"a quoted value runs into line {self._pending[0][0]}, which cannot be read"
        except csv.Error as exc:
            reason = f"malformed CSV: {exc}"
        else:
            if self._eof:  # the reader asked for more lines: a quote was open at the end
                reason = "a quoted value is still open at the end of the file"
            elif (len(self._record) > 1 and self.fields is not None and fields
                  and len(fields) != self.fields):
                reason = (f"expected {self.fields} fields as in the header, got {len(fields)} "
                          f"(on {len(self._record)} lines, joined by a quoted value)")
        if reason is None:
            return self._record[0][0], fields
        start = self._record[0][0]
        self._pending.extendleft(reversed(self._record[1:]))  # go on at the next physical line
        self._new_reader()
        return start, InputDataError(reason, path=self._path, line=start)

    def _bad_line(self) -> tuple[int, InputDataError]:
        lineno, err, _ = self._pending.popleft()
        self._new_reader()
        return lineno, err


class _Resync(Exception):
    """Raised inside the CSV reader's line feed: stop this record here."""


def _read_table(path, fmt, record_type, platform, kind, on_bad_row, rep, mapping=None) -> Iterator:
    if csv.field_size_limit() < MAX_LINE_BYTES:
        csv.field_size_limit(MAX_LINE_BYTES)  # a field may be as long as a line (default 128 KiB)
    with open_binary(path) as fh:
        records = CsvRecords(text_lines(fh, path), path, "\t" if fmt == "tsv" else ",")
        try:
            line, header = next(records)
        except StopIteration:
            raise InputDataError("empty file (no header row)", path=path) from None
        if isinstance(header, InputDataError):
            raise header
        header = [h.strip() for h in header]
        if mapping is not None:
            header = _map_header(header, mapping, path, line)
        rtype = _check_columns(path, header, record_type, kind, rep, line)
        n = records.fields = len(header)
        for start, fields in records:
            if isinstance(fields, InputDataError):
                rep.rows += 1
                refuse(fields, on_bad_row)
                continue
            if not fields or (len(fields) == 1 and not fields[0].strip()):
                continue  # blank line
            rep.rows += 1
            try:
                if len(fields) != n:
                    raise ValueError(f"expected {n} fields as in the header, got {len(fields)}")
                rec = _build(rtype, dict(zip(header, fields)), platform, kind)
            except MemoryError:
                raise
            except Exception as exc:
                refuse(bad_row(exc, path, start), on_bad_row)
                continue
            yield rec


def json_loads(text: str | bytes) -> Any:
    """``json.loads`` whose every failure is a ``ValueError`` with a message for the user (bad
    JSON with its position, nesting too deep, an integer of more than 4,300 digits)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno} column {exc.colno}" if exc.lineno > 1 else f"column {exc.colno}"
        raise ValueError(f"invalid JSON: {exc.msg} ({where})") from None
    except RecursionError:
        raise ValueError("invalid JSON: nested too deeply") from None
    except ValueError as exc:  # Python refuses integers of more than 4300 digits
        too_long = "digits" in str(exc)
        raise ValueError("invalid JSON: " + ("a number with too many digits" if too_long
                                             else str(exc))) from None


def json_lines(path: str, on_bad_row, rep, handle: Callable[[dict, int], Any]) -> Iterator:
    """Each JSON object of a JSON Lines file given to ``handle(obj, lineno)``, whose records
    (an iterable) are yielded. A line that is not a JSON object, or whose ``handle`` raises, is a
    line-numbered :class:`InputDataError` (skipped with ``on_bad_row``, else raised)."""
    with open_binary(path) as fh:
        for lineno, line, _ in text_lines(fh, path):
            if isinstance(line, InputDataError):
                rep.rows += 1
                refuse(line, on_bad_row)
                continue
            if not line.strip():
                continue
            rep.rows += 1
            try:
                obj = json_loads(line)
                if not isinstance(obj, dict):
                    raise ValueError(f"expected a JSON object, got {type(obj).__name__}")
                recs = handle(obj, lineno)
            except MemoryError:
                raise
            except Exception as exc:
                refuse(bad_row(exc, path, lineno), on_bad_row)
                continue
            yield from recs


def _read_jsonl(path, record_type, platform, kind, on_bad_row, rep, mapping=None) -> Iterator:
    rtype = record_type

    def handle(obj: dict, lineno: int) -> tuple:
        nonlocal rtype
        if mapping is not None:
            keys = _map_header(list(obj), mapping, path, lineno)
            obj = dict(zip(keys, obj.values()))
        if rtype is None:
            # the first good object tells what the file holds; a bad first row is a bad row
            rtype = _check_columns(path, list(obj), None, kind, rep, lineno)
        return (_build(rtype, obj, platform, kind),)

    yield from json_lines(path, on_bad_row, rep, handle)


_WS = re.compile(r"\s+")

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


def _mapping(columns, mentions_from, path) -> dict[str, str] | None:
    """``{file column: field}`` from ``columns`` (field -> file column), checked."""
    if not columns and mentions_from is None:
        return None
    known = set().union(*(k for _r, k in _COLUMNS.values()))
    inverse: dict[str, str] = {}
    for field_name, column in (columns or {}).items():
        if field_name not in known:
            raise InputDataError(f"--map {field_name}={column}: unknown field {field_name!r} (known: "
                                 f"{', '.join(sorted(known))})", path=path)
        if column in inverse:
            raise InputDataError(f"--map: column {column!r} is mapped twice", path=path)
        inverse[column] = field_name
    return inverse


def _map_header(header: list[str], inverse: dict[str, str], path, line) -> list[str]:
    missing = [c for c in inverse if c not in header]
    if missing:
        raise InputDataError(f"--map: no column {', '.join(repr(c) for c in missing)} in this file "
                             f"(columns: {', '.join(header)})", path=path, line=line)
    mapped = set(inverse.values())
    # a file column that has a field's name but is not mapped gives way to the mapped one
    return [inverse[h] if h in inverse else (f"{h} (unmapped)" if h in mapped else h) for h in header]


def _mentions(records: Iterator, field_name: str | None, platform: str, rep) -> Iterator:
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


def _read_edgelist(path, platform, kind, on_bad_row, rep) -> Iterator:
    with open_binary(path) as fh:
        for lineno, line, _ in text_lines(fh, path):
            if isinstance(line, InputDataError):
                rep.rows += 1
                refuse(line, on_bad_row)
                continue
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
            except MemoryError:
                raise
            except Exception as exc:
                refuse(bad_row(exc, path, lineno), on_bad_row)
                continue
            yield rec


def _is_json_graph(path: str) -> bool:
    """Whether a ``.json`` file is one JSON document holding a node-link graph (``influence export
    --format json``, networkx ``node_link_data``, d3) rather than JSON Lines: its first line does
    not parse on its own (a pretty-printed document), or parses to an object with ``nodes``."""
    with open_binary(path) as fh:
        first = fh.readline(MAX_LINE_BYTES + 1)
    try:
        obj = json.loads(first)
    except (ValueError, RecursionError):
        return first.lstrip()[:1] in (b"{", b"[")
    return isinstance(obj, dict) and "nodes" in obj


def _read_node_link(path: str):
    import networkx as nx

    if os.path.getsize(path) > MAX_JSON_GRAPH_BYTES:
        raise InputDataError(f"cannot read JSON: a JSON graph document over {MAX_JSON_GRAPH_BYTES >> 20} MiB "
                             f"is read whole; export it as GraphML or an edge list instead", path=path)
    with open_text(path) as fh:
        data = json.load(fh)
    if not isinstance(data, dict) or not isinstance(data.get("nodes"), list):
        raise ValueError("a JSON document must be a node-link graph (an object with 'nodes' and 'edges' or "
                         "'links'); for records use JSON Lines, one object per line")
    edges = "edges" if "edges" in data else "links"
    return nx.node_link_graph(data, edges=edges)


#: Largest JSON graph document read (it is parsed whole, unlike JSON Lines).
MAX_JSON_GRAPH_BYTES = 1 << 30


def _read_graph(path, fmt, platform, kind, on_bad_row, rep) -> Iterator:
    import networkx as nx

    try:
        if fmt == "graphml":
            G = nx.read_graphml(path)
        elif fmt == "gexf":
            G = nx.read_gexf(path)
        elif fmt == "json":
            G = _read_node_link(path)
        else:
            G = _read_gml(path)
    except MemoryError:
        raise
    except RecursionError:
        raise InputDataError(f"cannot read {fmt.upper()}: nested too deeply", path=path) from None
    except UnicodeDecodeError:
        raise InputDataError(f"cannot read {fmt.upper()}: not UTF-8 text", path=path) from None
    except Exception as exc:
        # networkx and the XML parser raise many types (NetworkXError, ParseError, KeyError,
        # TypeError, IndexError...) for a broken file: any of them means the file cannot be read
        raise InputDataError(f"cannot read {fmt.upper()}: {_short(exc)}", path=path) from None
    ids: dict[Any, str] = {}
    for node, data in G.nodes(data=True):
        try:
            aid = parse_actor_id(str(node), platform)
            name = data.get("name") or data.get("label")
            actor = Actor(aid, name=str(name) if name is not None and str(name) != str(node) else None,
                          followers=data.get("followers"))
        except MemoryError:
            raise
        except Exception as exc:
            refuse(bad_row(exc, path, None, f"node {_short_repr(node)}: "), on_bad_row)
            continue
        ids[node] = aid
        yield actor
    edges = G.edges(data=True)
    for i, (u, v, data) in enumerate(edges, 1):
        rep.rows += 1
        try:
            for end in (u, v):
                if end not in ids:
                    raise ValueError(f"node {_short_repr(end)} was refused")
            ts = data.get("timestamp")
            pairs = [(u, v)] if G.is_directed() or u == v else [(u, v), (v, u)]
            counts = _kind_counts(data)
            if counts:  # an influence export: its per-kind counts, not its kind-weighted weight
                recs = [Interaction(ids[a], ids[b], k, ts, None, n) for a, b in pairs for k, n in counts]
            else:
                k = data.get("kind") or kind
                w = data.get("weight", 1.0)
                recs = [Interaction(ids[a], ids[b], k, ts, None, w) for a, b in pairs]
        except MemoryError:
            raise
        except Exception as exc:
            where = f"edge {i} ({_short_repr(u)} -> {_short_repr(v)}): "
            refuse(bad_row(exc, path, None, where), on_bad_row)
            continue
        yield from recs


def _kind_counts(data: dict) -> list[tuple[str, float]]:
    """``(kind, count)`` of an exported edge's ``n_<kind>`` attributes (graphs written by
    ``influence export``), without a ``kind`` attribute; ``[]`` for any other edge."""
    if "kind" in data:
        return []
    out = []
    for key, value in data.items():
        if key.startswith("n_") and key[2:] in KINDS and isinstance(value, (int, float)) and value > 0:
            out.append((key[2:], float(value)))
    return sorted(out)


def _short(exc: BaseException) -> str:
    msg = str(exc)
    if msg in ("", "None"):  # networkx raises some errors without a message
        msg = f"{type(exc).__name__} (the file is not valid)"
    return msg if len(msg) <= 300 else msg[:300] + "..."


def _short_repr(v: Any) -> str:
    r = repr(v)
    return r if len(r) <= 80 else r[:80] + "..."


def _read_gml(path):
    import networkx as nx

    with open_text(path) as fh:
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


# -- the columnar path: CSV/TSV files of interactions -------------------------------------------
#
# import_file reads a plain CSV/TSV of interactions a block of lines at a time into columns and
# writes them with Store.write_interaction_columns: no record object per row. Every value gets the
# checks Interaction makes (most of them once per distinct value: actor ids, kinds); a row that
# fails one, or that the block's cheap checks cannot vouch for, is read again by the per-record
# code (_build), which gives the same line-numbered error or the same record. Anything unusual in
# the file (a quote, a lone carriage return, a NUL, bytes that are not UTF-8, a very long line)
# hands the rest of the file, from that block on, to the per-record reader (CsvRecords).

#: Bytes read per block by the columnar path (then completed to the end of its last line).
_BLOCK_BYTES = 1 << 21
#: A block whose last line is longer than this goes to the per-record reader (it checks the
#: MAX_LINE_BYTES limit).
_FAST_LINE_BYTES = 1 << 20
#: Platforms whose handles actor_id normalises (lower case, prefixes); others are kept as given.
_NORMALISED = frozenset({"web", "mastodon", "bluesky", "twitter", "reddit"})
#: Most distinct actor values whose canonical id the columnar path keeps (then it starts again).
_MAX_CACHED_IDS = 1_000_000
#: What str.strip() may remove from an ASCII text, line ends aside.
_SPACE = re.compile("[ \t\x0b\x0c\x1c-\x1f]")


def _interaction_columns(path, on_bad_row, rep: ImportReport, *, fmt=None, record_type=None, platform="import",
                         kind=None, columns=None, mentions_from=None, post_author=None):
    """Batches of interaction columns for :meth:`Store.write_interaction_columns`, or ``None``
    when the file is not a CSV/TSV of interactions with a plain header (read it record by record)."""
    del post_author  # export formats only
    p, fmt, kind, rep, mapping = _prepare(path, fmt, record_type, platform, kind, rep, columns, mentions_from)
    if fmt not in ("csv", "tsv") or mentions_from is not None:
        return None
    delim = "\t" if fmt == "tsv" else ","
    try:
        fh = open_binary(p)
        first = fh.readline(MAX_LINE_BYTES + 1)
    except (OSError, EOFError, zlib.error):
        return None  # the per-record reader reports it
    first = first[3:] if first.startswith(b"\xef\xbb\xbf") else first
    try:
        text = first.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if (text is None or not text.endswith("\n") or '"' in text or "\x00" in text or not text.strip()
            or "\r" in text[:-2]):
        fh.close()
        return None
    header = [h.strip() for h in text.rstrip("\r\n").split(delim)]
    try:
        if mapping is not None:
            header = _map_header(header, mapping, p, 1)
        rtype = _check_columns(p, header, record_type, kind, rep, 1)
    except BaseException:
        fh.close()
        raise
    if rtype != "interactions":
        fh.close()
        return None
    return _ColumnReader(fh, p, header, delim, platform, kind, on_bad_row, rep).batches()


class _ColumnReader:
    """Reads the rows of an interactions CSV/TSV after its header as column batches."""

    def __init__(self, fh, path: str, header: list[str], delim: str, platform: str, kind: str | None,
                 on_bad_row, rep: ImportReport) -> None:
        self.fh, self.path, self.header, self.delim = fh, path, header, delim
        self.platform, self.kind, self.on_bad_row, self.rep = platform, kind, on_bad_row, rep
        self.at = {name: i for i, name in enumerate(header)}  # the last of equal names, as dict(zip())
        self.ids: dict = {}  # raw value (or (raw, platform)) -> canonical id, "" when refused
        self.kinds: dict[str, str] = {}
        self.rels: dict[str, str | None] = {}
        self.trusted = True  # false once the columns disagreed with the per-record code

    def batches(self) -> Iterator[tuple]:
        p = self.path
        try:
            with self.fh:
                yield from self._batches()
        except UnicodeDecodeError:
            raise InputDataError("not UTF-8 text", path=p) from None
        except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
            raise InputDataError(f"bad gzip file: {exc}", path=p) from None
        except OSError as exc:
            raise InputDataError(f"cannot read the file: {exc.strerror or exc}", path=p) from None

    def _batches(self) -> Iterator[tuple]:
        fh, lineno = self.fh, 1
        while True:
            block = fh.read(_BLOCK_BYTES)
            if not block:
                return
            if not block.endswith(b"\n"):
                block += fh.readline(MAX_LINE_BYTES + 1)
            unusual = (b'"' in block or b"\x00" in block
                       or (b"\r" in block and block.count(b"\r") != block.count(b"\r\n"))
                       or len(block) - block.rfind(b"\n", 0, len(block) - 1) > _FAST_LINE_BYTES)
            text = None
            if not unusual:
                try:
                    text = block.decode("utf-8")
                except UnicodeDecodeError:
                    pass
            if text is None or not self.trusted:
                yield from self._records_from(block, lineno)
                return
            if "\r" in text:
                text = text.replace("\r\n", "\n")
            lines = text.split("\n")
            if lines[-1] == "":
                lines.pop()
            batch = self._block(text, lines, lineno + 1)
            lineno += len(lines)
            if batch is not None:
                yield batch

    # -- one block ---------------------------------------------------------------------------

    def _block(self, text: str, lines: list[str], first: int) -> tuple | None:
        n, delim, rep = len(self.header), self.delim, self.rep
        counts = list(map(str.count, lines, repeat(delim, len(lines))))
        special: list[int] = []  # lines read again by the per-record code, by index in ``lines``
        if counts.count(n - 1) == len(lines):
            good = None
            rows = lines
        else:
            good = [j for j, c in enumerate(counts) if c == n - 1]
            special = [j for j, c in enumerate(counts) if c != n - 1 and lines[j].strip()]
            rows = [lines[j] for j in good]
        rep.rows += len(rows) + len(special)
        k = len(rows)
        flat = delim.join(rows).split(delim) if k else []
        at = self.at

        # str.strip on every value, unless the block holds no character it could remove
        strip = not text.isascii() or _SPACE.search(text) is not None

        def column(name: str) -> list[str] | None:
            i = at.get(name)
            if i is None:
                return None
            return list(map(str.strip, flat[i::n])) if strip else flat[i::n]

        bad: set[int] = set()
        plats = column("platform")
        src = self._canonical(column("source"), plats, bad)
        dst = self._canonical(column("target"), plats, bad)
        kinds = column("kind")
        kinds = self._kinds(kinds, bad) if kinds is not None else [self.kind] * k
        ts = column("timestamp")
        ts = _timestamps(ts, bad) if ts is not None else [None] * k
        weight = column("weight")
        if weight is not None:
            weight = _weights(weight, bad)
        post = _posts(column("post_id"), column("post"), bad)
        rel = column("rel")
        if rel is not None:
            rel = self._rels(rel)
        cols = [src, dst, kinds, ts, post, weight, rel]
        index = good if good is not None else range(k)
        # The first row of every block is read by the per-record code too, which is the
        # reference: the columns must give the same values (and whatever that code raises on
        # the row is its line-numbered error). Should they ever differ, the rest of the file is
        # read record by record.
        sample = None
        if k and 0 not in bad:
            sample = tuple(None if c is None else c[0] for c in cols)
            bad.add(0)
        if not bad and not special:
            return tuple(cols) if k else None
        # rows the checks could not vouch for, in line order: the per-record code decides
        redo = sorted([index[j] for j in bad] + special)
        got: dict[int, Interaction | None] = {j: self._row(lines[j], first + j) for j in redo}
        if sample is not None and got[index[0]] is not None:
            rec = got[index[0]]
            values = (rec.source, rec.target, rec.kind.value, rec.timestamp, rec.post, rec.weight, rec.rel)
            if sample != tuple(v if c is not None else None for v, c in zip(values, cols)):
                self.trusted = False
        out: list[list] = [[] for _ in cols]
        pos = {index[j]: j for j in range(k)}
        for j in sorted(set(pos) | set(got)):
            if j in got:
                rec = got[j]
                if rec is None:
                    continue
                values = (rec.source, rec.target, rec.kind.value, rec.timestamp, rec.post, rec.weight, rec.rel)
            elif not self.trusted:
                rec = self._row(lines[j], first + j)
                if rec is None:
                    continue
                values = (rec.source, rec.target, rec.kind.value, rec.timestamp, rec.post, rec.weight, rec.rel)
            else:
                r = pos[j]
                values = tuple(None if c is None else c[r] for c in cols)
            for c, v in zip(out, values):
                c.append(v)
        src, dst, kinds, ts, post, weight, rel = out
        if not src:
            return None
        if not self.trusted:  # every value from records
            return tuple(out)
        return (src, dst, kinds, ts, post if any(v is not None for v in post) else None,
                weight if cols[5] is not None else None, rel if cols[6] is not None else None)

    def _row(self, line: str, lineno: int) -> Interaction | None:
        """One row through the per-record code: its Interaction, or None when refused (skipped)."""
        fields = line.split(self.delim)
        n = len(self.header)
        try:
            if len(fields) != n:
                raise ValueError(f"expected {n} fields as in the header, got {len(fields)}")
            return _build("interactions", dict(zip(self.header, fields)), self.platform, self.kind)
        except MemoryError:
            raise
        except Exception as exc:
            refuse(bad_row(exc, self.path, lineno), self.on_bad_row)
            return None

    def _canonical(self, raws: list[str], plats: list[str] | None, bad: set[int]) -> list[str]:
        """Canonical actor ids of a column (as parse_actor_id and Interaction make and check
        them); rows whose value is refused go to ``bad``."""
        ids = self.ids
        if len(ids) > _MAX_CACHED_IDS:  # memory stays bounded: start again
            ids.clear()
        keys = raws if plats is None else list(zip(raws, plats))
        # one dict lookup per value: with a million actors each is a cache miss, the cost here
        out = list(map(ids.get, keys))
        if None in out:
            missing = {keys[j] for j, v in enumerate(out) if v is None}
            if plats is None:
                self._new_ids(missing)
            else:
                for key in missing:
                    ids[key] = self._actor(key[0], key[1] or self.platform)
            out = [ids[keys[j]] if v is None else v for j, v in enumerate(out)]
        if "" in out:
            bad.update(j for j, v in enumerate(out) if not v)
        return out

    def _new_ids(self, raws: set[str]) -> None:
        ids, plat = self.ids, self.platform
        lp = plat.strip().lower()
        if lp not in _NORMALISED and PLATFORM_RE.match(lp):
            # what actor_id makes of a plain handle on such a platform: "platform:handle"
            simple = [r for r in raws if r and ":" not in r and r != "@"]
            try:
                check_id(" ".join(simple))  # no control character in any (a space is not one)
            except ValueError:
                pass
            else:
                prefix = lp + ":"
                ids.update(zip(simple, [prefix + r for r in simple]))
                raws = raws.difference(simple)
        for raw in raws:
            ids[raw] = self._actor(raw, plat)

    @staticmethod
    def _actor(raw: str, plat: str) -> str:
        """parse_actor_id and Interaction's check of one value; "" when refused."""
        if not raw:
            return ""
        try:
            return check_id(parse_actor_id(raw, plat), "actor id")
        except ValueError:
            return ""

    def _kinds(self, raws: list[str], bad: set[int]) -> list[str]:
        cache = self.kinds
        if len(cache) > 10_000:  # bad values, all different: memory stays bounded
            cache.clear()
        for raw in set(raws).difference(cache):
            try:
                cache[raw] = Kind.parse(raw).value if raw else (self.kind or "")
            except ValueError:
                cache[raw] = ""
        out = list(map(cache.__getitem__, raws))
        if "" in out:
            bad.update(j for j, v in enumerate(out) if not v)
        return out

    def _rels(self, raws: list[str]) -> list[str | None]:
        cache = self.rels
        if len(cache) > 100_000:
            cache.clear()
        out = []
        for raw in raws:
            if raw not in cache:
                rel = clean_text(raw) if raw else None
                cache[raw] = " ".join(sorted(set(rel.lower().split()))) or None if rel else None
            out.append(cache[raw])
        return out

    def _records_from(self, block: bytes, lineno: int) -> Iterator[tuple]:
        """The rest of the file, from ``block`` on, through the per-record reader, as batches."""
        records = CsvRecords(text_lines(_Prefixed(block, self.fh), self.path, lineno, bom=False),
                             self.path, self.delim)
        records.fields = n = len(self.header)
        batch: list[Interaction] = []
        for start, fields in records:
            if isinstance(fields, InputDataError):
                self.rep.rows += 1
                refuse(fields, self.on_bad_row)
                continue
            if not fields or (len(fields) == 1 and not fields[0].strip()):
                continue
            self.rep.rows += 1
            try:
                if len(fields) != n:
                    raise ValueError(f"expected {n} fields as in the header, got {len(fields)}")
                batch.append(_build("interactions", dict(zip(self.header, fields)), self.platform, self.kind))
            except MemoryError:
                raise
            except Exception as exc:
                refuse(bad_row(exc, self.path, start), self.on_bad_row)
            if len(batch) >= 10_000:
                yield _columns_of(batch)
                batch = []
        if batch:
            yield _columns_of(batch)


def _columns_of(recs: list[Interaction]) -> tuple:
    return ([r.source for r in recs], [r.target for r in recs], [r.kind.value for r in recs],
            [r.timestamp for r in recs], [r.post for r in recs], [r.weight for r in recs], [r.rel for r in recs])


class _Prefixed:
    """``readline`` over some bytes already read, then the rest of a file."""

    def __init__(self, head: bytes, fh) -> None:
        self.head = io.BytesIO(head)
        self.fh = fh

    def readline(self, limit: int = -1) -> bytes:
        line = self.head.readline(limit)
        if line.endswith(b"\n") or (limit >= 0 and len(line) >= limit):
            return line
        return line + self.fh.readline(limit - len(line) if limit >= 0 else -1)


def _timestamp(text: str) -> float | None:
    """parse_timestamp for a stripped text (ValueError or any other error when refused)."""
    if not text:
        return None
    try:
        x = float(text)
    except ValueError:
        iso = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
        dt = datetime.fromisoformat(iso)
        if dt.tzinfo is None:
            dt = dt.replace(tzinfo=timezone.utc)
        t = dt.timestamp()
    else:
        if not math.isfinite(x):
            raise ValueError(text)
        t = x / 1000.0 if abs(x) > 1e11 else x
    if not TIMESTAMP_MIN <= t < TIMESTAMP_MAX:
        raise ValueError(text)
    return t


def _timestamps(raws: list[str], bad: set[int]) -> list[float | None]:
    """A timestamp column as parse_timestamp reads it; refused rows go to ``bad``."""
    import numpy as np

    try:
        x = np.array(list(map(float, raws)), dtype=np.float64)
    except ValueError:  # an empty value, an ISO 8601 time, or a bad one: one at a time
        out: list[float | None] = []
        for j, v in enumerate(raws):
            try:
                out.append(_timestamp(v))
            except Exception:
                out.append(None)
                bad.add(j)
        return out
    # numbers: epoch seconds, milliseconds above 1e11, as parse_timestamp
    with np.errstate(invalid="ignore", over="ignore"):
        t = np.where(np.abs(x) > 1e11, x / 1000.0, x)
        ok = (t >= TIMESTAMP_MIN) & (t < TIMESTAMP_MAX)  # NaN and infinities are not
    if not ok.all():
        bad.update(np.flatnonzero(~ok).tolist())
    return t.tolist()


def _weights(raws: list[str], bad: set[int]) -> list[float]:
    out: list[float] = []
    for j, v in enumerate(raws):
        try:
            w = float(v) if v else 1.0
        except ValueError:
            w = 1.0
            bad.add(j)
        if not 0 < w <= WEIGHT_MAX:  # NaN fails too
            bad.add(j)
        out.append(w)
    return out


def _posts(post_id: list[str] | None, post: list[str] | None, bad: set[int]) -> list[str | None] | None:
    """The ``post_id`` column, else ``post`` (as ``row.get("post_id") or row.get("post")``)."""
    if post_id is None and post is None:
        return None
    if post_id is not None and post is not None:
        out = [a or b or None for a, b in zip(post_id, post)]
    else:
        out = [v or None for v in (post_id if post_id is not None else post)]
    for j, v in enumerate(out):
        if v:
            try:
                check_id(v)
            except ValueError:
                bad.add(j)
    return out
