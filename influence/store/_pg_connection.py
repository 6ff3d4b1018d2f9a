"""Connecting to PostgreSQL (psycopg 3, masked errors) and :class:`PgConn`, the ``sqlite3``-like
adapter through which the PostgreSQL store runs the SQLite store's read SQL."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable

from .._storage import check_url, mask_url, scrub
from ..errors import StoreError

__all__ = ["PgConn", "connect", "first_line", "psycopg_module"]

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
