"""Reading a file's records (:func:`read_records`) and importing it into a store
(:func:`import_file`): the format chosen, then the reader of that format."""

from __future__ import annotations

import gzip
import os
import zlib
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from .._columns import plain_columns
from ..errors import InputDataError
from ..records import Actor, Interaction, Post
from ._columnar import interaction_columns
from ._graphs import is_json_graph, read_edgelist, read_graph
from ._mapping import with_mentions
from ._prepare import FORMATS, prepare
from ._report import ImportReport, with_progress
from ._tables import read_jsonl, read_table


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
    p, fmt, kind, rep, mapping = prepare(path, fmt, record_type, platform, kind, report, columns,
                                          mentions_from)
    try:
        if fmt in FORMATS[8:]:
            from .. import formats as _formats

            if mapping is not None or record_type is not None:
                raise InputDataError(f"--type, --map and --mentions-from do not apply to {fmt} files", path=p)
            yield from _formats.read(p, fmt, on_bad_row=on_bad_row, report=rep, post_author=post_author)
        elif fmt in ("csv", "tsv"):
            yield from with_mentions(read_table(p, fmt, record_type, platform, kind, on_bad_row, rep, mapping),
                                 mentions_from, platform, rep)
        elif fmt == "jsonl" or (fmt == "json" and not is_json_graph(p)):
            rep.format = "jsonl"
            yield from with_mentions(read_jsonl(p, record_type, platform, kind, on_bad_row, rep, mapping),
                                 mentions_from, platform, rep)
        elif fmt == "edgelist":
            rep.record_type = "interactions"
            yield from read_edgelist(p, platform, kind or "mention", on_bad_row, rep)
        else:
            rep.record_type = "interactions"
            yield from read_graph(p, fmt, platform, kind or "mention", on_bad_row, rep)
    except UnicodeDecodeError:
        raise InputDataError("not UTF-8 text", path=p) from None
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        raise InputDataError(f"bad gzip file: {exc}", path=p) from None
    except OSError as exc:  # unreadable: permissions, I/O error
        raise InputDataError(f"cannot read the file: {exc.strerror or exc}", path=p) from None


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
        batches = interaction_columns(path, on_bad_row, rep, **options)
        if batches is not None:  # a CSV/TSV of interactions: the columnar path
            if not getattr(store, "takes_coded_ids", False):  # ids as lists of canonical ids
                batches = map(plain_columns, batches)
            if progress is not None:
                batches = with_progress(batches, rep, progress)
            rep.new = store.write_interaction_columns(batches)
            return rep
    records = read_records(path, on_bad_row=on_bad_row, report=rep, **options)
    if progress is not None:
        records = with_progress(records, rep, progress)
    rep.new = store.write(records)
    return rep
