"""Connecting to PostgreSQL (psycopg 3, masked errors), :class:`PgConn`, the ``sqlite3``-like
adapter through which the PostgreSQL store runs the SQLite store's read SQL, and the ``COPY``
stream and binary rows of a first import (:class:`CopyStream`, :func:`copy_binary_interactions`)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from contextlib import ExitStack

from .._storage import check_url, mask_url, scrub
from ..errors import StoreError

__all__ = ["BINARY_HEADER", "BINARY_TRAILER", "CopyStream", "PgConn", "connect", "copy_binary_interactions", "first_line",
           "psycopg_module"]

_MISSING = "PostgreSQL stores need psycopg 3: pip install 'influence[postgres]'"


def psycopg_module():
    try:
        import psycopg
    except ImportError:
        raise StoreError(_MISSING) from None
    return psycopg


def connect(url: str, *, autocommit: bool = True, readonly: bool = False):
    """A psycopg connection to ``url``; a :class:`StoreError` with the password masked on failure."""
    psycopg = psycopg_module()
    check_url(url)
    try:
        conn = psycopg.connect(url, autocommit=autocommit, connect_timeout=_connect_timeout(),
                               application_name="influence")
    except psycopg.Error as exc:
        raise StoreError(f"{mask_url(url)}: cannot connect: {first_line(scrub(str(exc), url))}") from None
    except ValueError as exc:  # libpq could not parse the URL
        raise StoreError(f"{mask_url(url)}: not a valid PostgreSQL URL: {scrub(str(exc), url)}") from None
    if readonly:
        conn.execute("SET default_transaction_read_only = on")
    # the staging joins and GROUP BY of a write batch sort in memory rather than on disk
    conn.execute("SET work_mem = '64MB'")
    return conn


def _connect_timeout() -> int:
    # libpq waits forever by default on an unreachable host; PGCONNECT_TIMEOUT still wins
    return int(os.environ.get("PGCONNECT_TIMEOUT", "10") or 10)


def first_line(text: str) -> str:
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    # libpq puts the useful part last ("FATAL:  password authentication failed for user ...")
    fatal = [ln for ln in lines if "FATAL" in ln or ln.startswith("ERROR")]
    return re.sub(r"\s+", " ", (fatal or lines or ["unknown error"])[0])


class PgConn:
    """The part of ``sqlite3.Connection`` that :class:`~influence.store.Store`'s read methods use,
    over a psycopg connection: ``execute`` with ``?`` placeholders returns a cursor."""

    def __init__(self, pg):
        self.pg = pg

    def execute(self, sql: str, params: Iterable = ()):
        params = list(params)
        if params:
            sql = sql.replace("%", "%%").replace("?", "%s")
        sql = sql.replace("ifnull(", "coalesce(")
        return self.pg.execute(sql, params or None)

    def executemany(self, sql: str, seq):
        sql = sql.replace("%", "%%").replace("?", "%s").replace("ifnull(", "coalesce(")
        with self.pg.cursor() as cur:
            cur.executemany(sql, list(seq))

    @property
    def in_transaction(self) -> bool:
        return self.pg.info.transaction_status != 0  # psycopg.pq.TransactionStatus.IDLE

    def close(self) -> None:
        self.pg.close()


#: The header and trailer of a binary ``COPY`` (signature, flags, header extension; end marker).
BINARY_HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)
BINARY_TRAILER = b"\xff\xff"


def copy_binary_interactions(src: list[int], dst: list[int], kind, ts, weight):
    """Interaction rows ``(src, dst, kind, ts[, weight])`` as binary-``COPY`` tuples, laid out
    by numpy (no Python object per field), or ``None`` when a column does not fit (a ``None``
    weight, a kind that is empty). Rows are grouped by kind and by a timestamp given or not
    (one fixed layout each), keeping their order within a group: rows with the same key are in
    the same group, so duplicates stay in the order written."""
    import numpy as np

    n = len(src)
    if weight is not None and None in weight:
        return None
    null_ts = None in ts
    kinds = list(dict.fromkeys(kind))
    if "" in kinds:
        return None
    code = None
    if len(kinds) > 1:
        index = {k: j for j, k in enumerate(kinds)}
        code = np.fromiter(map(index.__getitem__, kind), dtype=np.int64, count=n)
    if null_ts:
        missing = np.fromiter((t is None for t in ts), dtype=bool, count=n)
        code = (np.zeros(n, np.int64) if code is None else code) * 2 + missing
        ts = [0.0 if t is None else t for t in ts]
    src_a = np.array(src, dtype=np.int64)
    dst_a = np.array(dst, dtype=np.int64)
    ts_a = np.array(ts, dtype=np.float64)
    w_a = None if weight is None else np.array(weight, dtype=np.float64)
    if code is None:
        groups = [(kinds[0], False, slice(None))]
    else:
        _, first = np.unique(code, return_index=True)
        groups = []
        for g in code[np.sort(first)]:
            k, null = (int(g) // 2, bool(g % 2)) if null_ts else (int(g), False)
            groups.append((kinds[k], null, np.flatnonzero(code == g)))
    parts = []
    for k, null, rows in groups:
        kb = k.encode()
        fields = [("c", ">i2"), ("l1", ">i4"), ("src", ">i8"), ("l2", ">i4"), ("dst", ">i8"),
                  ("l3", ">i4"), ("kind", f"S{len(kb)}"), ("l4", ">i4")]
        if not null:
            fields.append(("ts", ">f8"))
        if w_a is not None:
            fields += [("l5", ">i4"), ("w", ">f8")]
        s = src_a[rows]
        out = np.empty(len(s), dtype=np.dtype(fields))
        out["c"] = 4 if w_a is None else 5
        out["l1"] = out["l2"] = 8
        out["src"] = s
        out["dst"] = dst_a[rows]
        out["l3"] = len(kb)
        out["kind"] = kb
        out["l4"] = -1 if null else 8
        if not null:
            out["ts"] = ts_a[rows]
        if w_a is not None:
            out["l5"] = 8
            out["w"] = w_a[rows]
        parts.append(out.tobytes())
    return b"".join(parts)


class CopyStream:
    """A ``COPY ... FROM STDIN`` kept open across writes, so that the server reads one batch
    while the next is formatted; closed before any other statement (and reopened after), or
    when the next write names other columns."""

    def __init__(self, pg):
        self._pg = pg
        self._sql = None
        self._stack = None
        self._copy = None

    def write(self, sql: str, data: str | bytes) -> None:
        """Send ``data`` to ``COPY`` statement ``sql`` (rows of its format: ``bytes`` for
        ``FORMAT BINARY``, whose header and trailer this adds)."""
        if sql != self._sql:
            self.close()
        if self._copy is None:
            self._stack = ExitStack()
            cur = self._stack.enter_context(self._pg.cursor())
            self._copy = self._stack.enter_context(cur.copy(sql))
            self._sql = sql
            if sql.endswith("(FORMAT BINARY)"):
                self._copy.write(BINARY_HEADER)
        self._copy.write(data)

    def close(self, exc: BaseException | None = None) -> None:
        if self._copy is not None:
            if exc is None and self._sql.endswith("(FORMAT BINARY)"):
                self._copy.write(BINARY_TRAILER)
            stack, self._stack, self._copy, self._sql = self._stack, None, None, None
            if exc is None:
                stack.close()
            else:  # the COPY fails with the error
                stack.__exit__(type(exc), exc, exc.__traceback__)
