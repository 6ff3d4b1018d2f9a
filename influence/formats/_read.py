"""One reader per export format, chosen by name (:func:`read`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from ..errors import InputDataError
from ._activitypub import AP_USED, read_outbox
from ._bluesky import BSKY_USED, read_car
from ._common import Fields, Refs
from ._reddit import REDDIT_USED, reddit_line
from ._twitter import CSV_USED, TWARC_USED, read_twarc_csv, twarc_line

#: Format names, as given to ``influence import --input-format``.
NAMES = ("reddit", "twarc2", "twarc-csv", "activitypub", "bluesky-car")


def _json_lines(path: str, on_bad_row, rep, handle: Callable[[dict, int], list]) -> Iterator:
    """The importer's JSON Lines loop (:func:`influence.importers.json_lines`)."""
    from ..importers import json_lines

    return json_lines(path, on_bad_row, rep, handle)


def read(path: str, fmt: str, *, on_bad_row=None, report, post_author=None) -> Iterator:
    """Records of a file in export format ``fmt`` (one of :data:`NAMES`)."""
    rep = report
    rep.format = fmt
    rep.record_type = {"activitypub": "items", "twarc-csv": "rows", "bluesky-car": "records"}.get(fmt, "lines")
    refs = Refs(post_author, rep)
    if fmt == "reddit":
        fields = Fields(REDDIT_USED)
        yield from _json_lines(path, on_bad_row, rep, lambda obj, _n: reddit_line(obj, refs, rep, fields))
    elif fmt == "twarc2":
        fields = Fields(TWARC_USED)
        yield from _json_lines(path, on_bad_row, rep, lambda obj, _n: twarc_line(obj, refs, rep, fields))
    elif fmt == "twarc-csv":
        fields = Fields(CSV_USED)
        yield from read_twarc_csv(path, on_bad_row, rep, refs, fields)
    elif fmt == "activitypub":
        fields = Fields(AP_USED)
        yield from read_outbox(path, on_bad_row, rep, refs, fields)
    elif fmt == "bluesky-car":
        fields = Fields(BSKY_USED)
        yield from read_car(path, on_bad_row, rep, refs, fields)
    else:
        raise InputDataError(f"unknown export format {fmt!r} (expected one of {', '.join(NAMES)})", path=path)
    yield from refs.finish()
    rep.ignored_columns = fields.unused()
