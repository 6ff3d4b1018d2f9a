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

from .._package import forward_settings
from ._mapping import mentions_in
from ._prepare import FORMATS, RECORD_TYPES
from ._read import import_file, read_records
from ._report import ImportReport

# Also importable from here, as when the package was one module: the limits, the line readers
# influence.formats reads through, and what tests replace (_BLOCK_BYTES, _build).
from ._columnar import BLOCK_BYTES as _BLOCK_BYTES  # noqa: F401
from ._graphs import MAX_JSON_GRAPH_BYTES  # noqa: F401
from ._lines import (  # noqa: F401
    MAX_LINE_BYTES,
    MAX_RECORD_LINES,
    CsvRecords,
    bad_row,
    json_lines,
    json_loads,
    open_binary,
    open_text,
    refuse,
    text_lines,
)
from ._prepare import detect_format  # noqa: F401
from ._schema import build_record as _build  # noqa: F401

__all__ = ["import_file", "read_records", "mentions_in", "ImportReport", "FORMATS", "RECORD_TYPES"]

# Setting one of these on the package (a limit, or what tests replace) still sets it in every
# module of the package that uses it, as when the package was one module (influence._package).
forward_settings(__name__, {
    "MAX_LINE_BYTES": "MAX_LINE_BYTES",
    "MAX_RECORD_LINES": "MAX_RECORD_LINES",
    "MAX_JSON_GRAPH_BYTES": "MAX_JSON_GRAPH_BYTES",
    "_BLOCK_BYTES": "BLOCK_BYTES",
    "_build": "build_record",
})
