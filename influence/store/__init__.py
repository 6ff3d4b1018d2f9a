"""The sector store: one SQLite database per sector, or a PostgreSQL database.

The store is the only mutable state of influence. Crawlers and importers append to it through
idempotent upserts; the analysis only reads it.

Guarantees
----------
- **Idempotent.** Writing the same records twice changes no counts. Actors are keyed by their id,
  posts by their id, interactions by ``(source, target, kind, timestamp, post)``.
- **Transactional.** Each :meth:`Store.write` call is one transaction: a process killed in the
  middle leaves the store as it was before the call, and re-running the call completes it.
- **Versioned.** The schema version is kept in ``PRAGMA user_version``; opening an older store
  migrates it forward (in a transaction), opening a newer one raises
  :class:`~influence.errors.SchemaVersionError`.

File databases use WAL journaling, so readers never block the writer. Writes are bulk loads
(``InteractionLoader``): actors numbered as they are met, a new store's interaction indexes
built after the load, foreign-key checks off inside the write transaction only (every actor
number written comes from the actors table in that transaction); durability is unchanged (WAL,
``synchronous = NORMAL``).

Concurrency
-----------
One process writes at a time. A write transaction takes the write lock up front
(``BEGIN IMMEDIATE``), before it reads any of its records, so a writer that has to wait loses
nothing: it waits for its turn, retrying for up to ``INFLUENCE_BUSY_TIMEOUT`` seconds (default
:data:`DEFAULT_BUSY_TIMEOUT`), then raises :class:`~influence.errors.StoreBusyError`
("store.db is busy: another influence process is writing; try again"). The wait is a loop of
short tries, so Ctrl-C stops it at once.

A store opened ``readonly`` never writes: no schema migration, no cached fingerprint, and the
``-wal``/``-shm`` companions SQLite creates for a read-only reader are removed again on
:meth:`Store.close` when this process created them (and no other process has the store open).

Within one :meth:`Store.write` call, interactions with the same key are *one* interaction whose
weight is the sum of the rows' weights, added in the order given (a file that lists the same
unweighted edge three times means weight 3). Across calls, a later write of the same key *replaces* the weight, so importing the same
file again leaves the store unchanged.

Examples
--------
>>> from influence.records import Interaction
>>> store = Store(":memory:")
>>> store.write([Interaction("web:a.example", "web:b.example", "link")])
{'actors': 2, 'posts': 0, 'interactions': 1}
>>> store.write([Interaction("web:a.example", "web:b.example", "link")])  # again: no change
{'actors': 0, 'posts': 0, 'interactions': 0}
>>> store.counts()
{'actors': 2, 'posts': 0, 'interactions': 1}

Layout
------
A package whose private modules each hold one concern, their public names re-exported here:
``_schema`` (SQLite schema, migrations, timestamp conventions, the merge rules of both back
ends' upserts), ``_loader`` (the bulk interaction loader), ``_sqlite`` (:class:`Store`:
opening, transactions, writes, record reads, fingerprint), ``_queries`` (array queries for the
graph builder), ``_crawl`` (crawl state and frontier), ``_copy`` (:func:`copy_store`), and the
PostgreSQL back end: ``_postgres`` (:class:`PgStore`), ``_pg_schema``, ``_pg_connection``,
``_pg_crawl`` (shared crawling).
``influence._storage`` holds what both back ends share outside the package (:func:`open_store`,
URLs, record batches, the fingerprint's queries).
"""

from __future__ import annotations

#: Records :meth:`Store.write` holds in memory before it hands them to SQLite (inside the same
#: transaction): a million-actor import holds 10,000 at a time, not a million. Read at each
#: write, so setting ``influence.store.WRITE_BATCH`` takes effect (tests make it small).
WRITE_BATCH = 10_000

from .._storage import is_store_url, mask_url, open_store
from ._copy import copy_store
from ._pg_connection import connect as pg_connect
from ._pg_crawl import worker_name
from ._pg_schema import PG_SCHEMA_VERSION
from ._postgres import PgStore
from ._schema import MIGRATIONS as _MIGRATIONS  # noqa: F401 - its old name (tests/test_store.py)
from ._schema import NO_TS, SCHEMA_VERSION
from ._sqlite import DEFAULT_BUSY_TIMEOUT, Store, busy_timeout, is_store_file

__all__ = ["DEFAULT_BUSY_TIMEOUT", "NO_TS", "PG_SCHEMA_VERSION", "SCHEMA_VERSION", "WRITE_BATCH", "PgStore",
           "Store", "busy_timeout", "copy_store", "is_store_file", "is_store_url", "mask_url", "open_store",
           "pg_connect", "worker_name"]
