"""The PostgreSQL store's old import path: the code is in :mod:`influence.store` (its private
modules ``_postgres``, ``_pg_schema``, ``_pg_connection`` and ``_pg_crawl``); these names stay
importable from here."""

from .store import PG_SCHEMA_VERSION, PgStore, worker_name
from .store import pg_connect as connect

__all__ = ["PG_SCHEMA_VERSION", "PgStore", "connect", "worker_name"]
