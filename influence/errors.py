"""Exceptions raised by :mod:`influence`.

Our exception hierarchy::

    InfluenceError                  root: catch this to catch everything we raise on purpose
    ├── ConfigError (ValueError)    a bad parameter or configuration value
    │   └── SectorFileError         a sector TOML file that is missing, unreadable or invalid
    ├── InputDataError (ValueError) a malformed input file or row (carries the line number)
    ├── StoreError                  the sector store cannot be opened or written
    │   ├── SchemaVersionError      the store was written by a newer version of influence
    │   └── StoreBusyError          another process kept the store's write lock past the wait
    └── EmptyGraphError             nothing to rank: the graph has no nodes

The CLI maps ``ConfigError``, ``InputDataError``, ``StoreError`` (a missing, wrong or too new
store) and ``EmptyGraphError`` (the user's input) to exit code 2 with one line on stderr; other
``InfluenceError``\\ s exit 1.
"""

from __future__ import annotations

__all__ = [
    "InfluenceError",
    "ConfigError",
    "SectorFileError",
    "InputDataError",
    "StoreError",
    "SchemaVersionError",
    "StoreBusyError",
    "EmptyGraphError",
]


class InfluenceError(Exception):
    """Base class of every exception raised on purpose by influence."""


class ConfigError(InfluenceError, ValueError):
    """A configuration value is invalid; the message names the key.

    Attributes
    ----------
    key : str or None
        The dotted key at fault (``"pagerank.alpha"``), when there is one.
    """

    def __init__(self, message: str, *, key: str | None = None):
        super().__init__(message)
        self.key = key


class SectorFileError(ConfigError):
    """A sector file is missing, unreadable, or holds an invalid value.

    The message starts with the file name, e.g.
    ``sector.toml: ranking.measures.pagerank must be a number >= 0, got "high"``.
    """


class InputDataError(InfluenceError, ValueError):
    """A row or file given to import is malformed.

    Attributes
    ----------
    path : str or None
        The file being read.
    line : int or None
        1-based line number in that file (the header is line 1 of a CSV).
    """

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None):
        self.path = path
        self.line = line
        where = ""
        if path is not None:
            where = f"{path}:"
            if line is not None:
                where += f" line {line}:"
            where += " "
        elif line is not None:
            where = f"line {line}: "
        super().__init__(f"{where}{message}")
        self.reason = message


class StoreError(InfluenceError):
    """The sector store cannot be opened, read or written."""


class SchemaVersionError(StoreError):
    """The store's schema is newer than this version of influence understands."""


class StoreBusyError(StoreError):
    """Another process held the store's write lock for longer than this writer would wait
    (``INFLUENCE_BUSY_TIMEOUT`` seconds, see :mod:`influence.store`)."""


class EmptyGraphError(InfluenceError, ValueError):
    """The graph to rank has no nodes (an empty sector, or filters removed everything)."""
