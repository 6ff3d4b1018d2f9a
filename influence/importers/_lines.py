"""Reading text files a bounded line at a time: lines, CSV records and JSON Lines objects with
their line numbers, and the line-numbered error of a bad row.

Every reader of :mod:`influence.importers` and :mod:`influence.formats` reads through these, so the
limits (:data:`MAX_LINE_BYTES`, :data:`MAX_RECORD_LINES`) are enforced in one place (docs/safety.md).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any

from ..errors import InputDataError

#: Largest line (and largest CSV record, all its lines together) read from a file, in bytes:
#: 16 MiB. A longer line is a line-numbered error, so one huge line cannot exhaust memory.
MAX_LINE_BYTES = 16 * 2**20
#: Most physical lines one CSV record may span (a quoted value may hold line breaks). A record
#: whose quote is still open after this many lines, or at the end of the file, is malformed: it is
#: reported on the line it starts on and reading goes on at the next line.
MAX_RECORD_LINES = 100


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
