"""CSV/TSV and JSON Lines files of records, read a record at a time."""

from __future__ import annotations

import csv
from collections.abc import Iterator

from ..errors import InputDataError
from ._lines import MAX_LINE_BYTES, CsvRecords, bad_row, json_lines, open_binary, refuse, text_lines
from ._mapping import map_header
from ._schema import build_record, check_columns


def read_table(path, fmt, record_type, platform, kind, on_bad_row, rep, mapping=None) -> Iterator:
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
            header = map_header(header, mapping, path, line)
        rtype = check_columns(path, header, record_type, kind, rep, line)
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
                rec = build_record(rtype, dict(zip(header, fields)), platform, kind)
            except MemoryError:
                raise
            except Exception as exc:
                refuse(bad_row(exc, path, start), on_bad_row)
                continue
            yield rec


def read_jsonl(path, record_type, platform, kind, on_bad_row, rep, mapping=None) -> Iterator:
    rtype = record_type

    def handle(obj: dict, lineno: int) -> tuple:
        nonlocal rtype
        if mapping is not None:
            keys = map_header(list(obj), mapping, path, lineno)
            obj = dict(zip(keys, obj.values()))
        if rtype is None:
            # the first good object tells what the file holds; a bad first row is a bad row
            rtype = check_columns(path, list(obj), None, kind, rep, lineno)
        return (build_record(rtype, obj, platform, kind),)

    yield from json_lines(path, on_bad_row, rep, handle)
