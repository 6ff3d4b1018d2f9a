"""What an import did (:class:`ImportReport`), and its progress while it runs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


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


def with_progress(items, rep: ImportReport, progress: Callable[[int], None]):
    """``items`` (records, or column batches) passed through, calling ``progress(rows read)``
    whenever 10,000 more rows have been read, and once at the end."""
    last = 0
    for item in items:
        if rep.rows - last >= 10_000:
            last = rep.rows
            progress(last)
        yield item
    progress(rep.rows)
