"""The sector store: one SQLite database per sector.

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
(:class:`_InteractionLoader`): actors numbered as they are met, a new store's interaction indexes
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
"""

from __future__ import annotations

import json
import os
import sqlite3
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import ConfigError, SchemaVersionError, StoreBusyError, StoreError
from .records import (
    TIMESTAMP_MAX,
    TIMESTAMP_MIN,
    Actor,
    Interaction,
    Post,
    SameAs,
    StoredDataWarning,
)

__all__ = ["Store", "SCHEMA_VERSION", "is_store_file", "busy_timeout", "DEFAULT_BUSY_TIMEOUT", "open_store",
           "copy_store", "is_store_url", "mask_url", "NO_TS"]

#: Seconds a writer waits for another process's write transaction before giving up
#: (``INFLUENCE_BUSY_TIMEOUT`` overrides it).
DEFAULT_BUSY_TIMEOUT = 60.0

# One try at the write lock: short, so a waiting writer notices Ctrl-C between tries.
_LOCK_TRY_MS = 200

_SQLITE_MAGIC = b"SQLite format 3\x00"

#: Records :meth:`Store.write` holds in memory before it hands them to SQLite (inside the same
#: transaction): a million-actor import holds 10,000 at a time, not a million.
WRITE_BATCH = 10_000

#: Page cache of a write transaction, in KiB (``PRAGMA cache_size``): 64 MiB.
_BULK_CACHE_KIB = 65_536

_UPSERT_ACTOR = """
    INSERT INTO actors(id, platform, name, url, followers, competitor, language, bio)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT(id) DO UPDATE SET
        name = coalesce(excluded.name, name),
        url = coalesce(excluded.url, url),
        followers = coalesce(excluded.followers, followers),
        competitor = coalesce(excluded.competitor, competitor),
        language = coalesce(excluded.language, language),
        bio = coalesce(excluded.bio, bio)
"""

_UPSERT_POST = """
    INSERT INTO posts(id, author, ts, text, title, url, language, likes, reshares,
                      replies, parent, format, tags)
    VALUES (?, (SELECT num FROM actors WHERE id = ?), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT(id) DO UPDATE SET
        author = excluded.author,
        ts = coalesce(excluded.ts, ts),
        text = CASE WHEN excluded.text != '' THEN excluded.text ELSE text END,
        title = coalesce(excluded.title, title),
        url = coalesce(excluded.url, url),
        language = coalesce(excluded.language, language),
        likes = coalesce(excluded.likes, likes),
        reshares = coalesce(excluded.reshares, reshares),
        replies = coalesce(excluded.replies, replies),
        parent = coalesce(excluded.parent, parent),
        format = coalesce(excluded.format, format),
        tags = coalesce(excluded.tags, tags)
"""

# Unknown timestamps are NULL in the table; the unique key folds them to this sentinel because SQL
# NULLs are all distinct in a UNIQUE index, which would make every timeless row "new".
NO_TS = -1.0e300

# Stored timestamps outside the accepted range (records.TIMESTAMP_MIN/MAX), written by versions
# that did not check it, are read as unknown (NULL) with a StoredDataWarning; see docs/safety.md.
_TS_OK = f"(ts >= {TIMESTAMP_MIN!r} AND ts < {TIMESTAMP_MAX!r})"


def _ts_ok(ts: float | None) -> bool:
    return ts is None or TIMESTAMP_MIN <= ts < TIMESTAMP_MAX


def _script(conn: sqlite3.Connection, sql: str) -> None:
    # Not executescript(): it COMMITs first, which would break the migration's transaction.
    for statement in sql.split(";"):
        if statement.strip():
            conn.execute(statement)


def _v1(conn: sqlite3.Connection) -> None:
    _script(
        conn,
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
        CREATE TABLE actors (
            num        INTEGER PRIMARY KEY,
            id         TEXT NOT NULL UNIQUE,
            platform   TEXT NOT NULL,
            name       TEXT,
            url        TEXT,
            followers  INTEGER,
            competitor TEXT,
            language   TEXT,
            bio        TEXT
        );
        CREATE TABLE posts (
            id        TEXT PRIMARY KEY,
            author    INTEGER NOT NULL REFERENCES actors(num),
            ts        REAL,
            text      TEXT NOT NULL DEFAULT '',
            title     TEXT,
            url       TEXT,
            language  TEXT,
            likes     INTEGER,
            reshares  INTEGER,
            replies   INTEGER,
            parent    TEXT,
            format    TEXT
        );
        CREATE INDEX posts_author ON posts(author);
        CREATE TABLE interactions (
            src    INTEGER NOT NULL REFERENCES actors(num),
            dst    INTEGER NOT NULL REFERENCES actors(num),
            kind   TEXT NOT NULL,
            ts     REAL,
            post   TEXT,
            weight REAL NOT NULL DEFAULT 1.0
        );
        CREATE UNIQUE INDEX interactions_key
            ON interactions(src, dst, kind, ifnull(ts, -1.0e300), ifnull(post, ''));
        CREATE INDEX interactions_dst ON interactions(dst);
        CREATE TABLE crawl_state (
            source  TEXT NOT NULL,
            key     TEXT NOT NULL,
            value   TEXT,
            PRIMARY KEY (source, key)
        );
        """
    )


def _v2_identity(conn: sqlite3.Connection) -> None:
    _script(
        conn,
        """
        CREATE TABLE identity_links (
            a        INTEGER NOT NULL REFERENCES actors(num),
            b        INTEGER NOT NULL REFERENCES actors(num),
            evidence TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (a, b)
        )
        """,
    )


def _v3_crawl(conn: sqlite3.Connection) -> None:
    # The web crawler's frontier (queued URLs, in breadth-first order by seq), the URLs it has
    # visited, and per page the HTTP validators (ETag, Last-Modified) plus the links to follow,
    # so a re-crawl that gets 304 Not Modified still knows where to go next.
    _script(
        conn,
        """
        CREATE TABLE crawl_frontier (
            source TEXT NOT NULL,
            url    TEXT NOT NULL,
            depth  INTEGER NOT NULL,
            seq    INTEGER NOT NULL,
            PRIMARY KEY (source, url)
        );
        CREATE INDEX crawl_frontier_order ON crawl_frontier(source, seq);
        CREATE TABLE crawl_visited (
            source  TEXT NOT NULL,
            url     TEXT NOT NULL,
            status  TEXT,
            fetched REAL,
            PRIMARY KEY (source, url)
        );
        CREATE TABLE crawl_http (
            source        TEXT NOT NULL,
            url           TEXT NOT NULL,
            etag          TEXT,
            last_modified TEXT,
            links         TEXT,
            PRIMARY KEY (source, url)
        )
        """,
    )


def _v4_attributes(conn: sqlite3.Connection) -> None:
    # link qualifiers (rel=nofollow/sponsored/ugc) and post tags/categories
    conn.execute("ALTER TABLE interactions ADD COLUMN rel TEXT")
    conn.execute("ALTER TABLE posts ADD COLUMN tags TEXT")


#: Migrations, in order. ``_MIGRATIONS[i]`` takes a store from version ``i`` to ``i + 1``.
_MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_v1, _v2_identity, _v3_crawl, _v4_attributes]

#: The schema version this code writes.
SCHEMA_VERSION = len(_MIGRATIONS)


def _fold(text: str) -> str:
    """Lower-case and strip accents (``Café`` -> ``cafe``) for keyword matching."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def busy_timeout() -> float:
    """Seconds a writer waits for the write lock: ``INFLUENCE_BUSY_TIMEOUT`` or 60.

    >>> busy_timeout()
    60.0
    """
    text = os.environ.get("INFLUENCE_BUSY_TIMEOUT", "").strip()
    if not text:
        return DEFAULT_BUSY_TIMEOUT
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value < float("inf"):
        raise ConfigError(f"INFLUENCE_BUSY_TIMEOUT must be a number of seconds >= 0, got {text!r}")
    return value


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (5, 6)  # SQLITE_BUSY, SQLITE_LOCKED (named in Python 3.11+)
    return "locked" in str(exc) or "busy" in str(exc)  # Python 3.10: no error code


def open_store(spec: str | os.PathLike, *, readonly: bool = False):
    """A SQLite store, or a PostgreSQL one for a ``postgresql://`` URL: see
    :func:`influence._storage.open_store`."""
    from ._storage import open_store as _open

    return _open(spec, readonly=readonly)


def copy_store(src, dst, *, log=None) -> dict[str, int]:
    """Copy every record and the crawl state of one store into another, empty one (either back
    end): see :func:`influence._storage.copy_store`."""
    from ._storage import copy_store as _copy

    return _copy(src, dst, log=log)


def is_store_url(spec) -> bool:
    """True for a ``postgresql://`` (or ``postgres://``) store URL."""
    from ._storage import is_store_url as _is_url

    return _is_url(spec)


def mask_url(text) -> str:
    """``text`` with the password of any store URL in it replaced by ``***``."""
    from ._storage import mask_url as _mask

    return _mask(text)


def is_store_file(path: str | os.PathLike) -> bool:
    """True if ``path`` is an existing SQLite database file."""
    try:
        with open(path, "rb") as fh:
            return fh.read(16) == _SQLITE_MAGIC
    except OSError:
        return False


def _records_of_columns(batches: Iterable[tuple]) -> Iterator[Interaction]:
    for src, dst, kind, ts, post, weight, rel in batches:
        n = len(src)
        for i in range(n):
            yield Interaction(src[i], dst[i], kind[i], ts[i], None if post is None else post[i],
                              1.0 if weight is None else weight[i], None if rel is None else rel[i])


# The interactions' unique key, as in the schema's interactions_key index.
_KEY = "src, dst, kind, ifnull(ts, -1.0e300), ifnull(post, '')"


class _InteractionLoader:
    """Writes the interactions of one write transaction, in bulk.

    Actors are numbered as they are first met (a dict id -> number spares a lookup per row). With
    no interaction in the store when the transaction starts, rows go straight into the
    ``interactions`` table with its indexes dropped; the indexes are built again at the end, by
    one sort each instead of a random B-tree insertion per row (an inserted row never conflicts
    then, except with the call's own duplicates, merged before the unique index is built).
    Otherwise rows go to a temporary table, merged into ``interactions`` at the end with one
    ``INSERT ... ON CONFLICT`` in key order.

    Duplicates within the call (same key): weights summed in the order given, capped at 1e12
    (``sum_duplicates``), or the last row kept; ``rel`` is the largest non-null of them. A row
    that already was in the store is replaced: its weight becomes the call's, its ``rel`` the
    call's when it gives one. So writing the same rows again changes nothing.
    """

    #: Most actor ids kept in the id -> number dict (then it starts again, asking SQLite).
    MAX_CACHED_ACTORS = 1_000_000

    def __init__(self, conn: sqlite3.Connection, sum_duplicates: bool) -> None:
        self.conn = conn
        self.sum_duplicates = sum_duplicates
        self.new: dict[str, int] = {}
        self.num: dict[str, int] = {}
        # with no actor in the store yet, an id the dict does not know is new
        self.all_known = conn.execute("SELECT NOT EXISTS (SELECT 1 FROM actors)").fetchone()[0] == 1
        self.table: str | None = None  # where rows go; chosen at the first rows
        self.indexes: list[tuple[str, str]] = []
        self._insert: dict[tuple, str] = {}

    # -- actors --------------------------------------------------------------------------------

    def actor_nums(self, ids: list[str]) -> list[int]:
        """The actor numbers of ``ids`` (canonical ids), inserting bare rows for new actors."""
        num = self.num
        out = list(map(num.get, ids))  # one lookup per id: with a million actors, each a cache miss
        if None in out:
            missing = {ids[j] for j, v in enumerate(out) if v is None}
            if len(num) + len(missing) > self.MAX_CACHED_ACTORS:
                num.clear()
                self.all_known = False
                missing = set(ids)
            self._add_actors(sorted(missing))
            out = [num[ids[j]] if v is None else v for j, v in enumerate(out)]
        return out

    def _add_actors(self, ids: list[str]) -> None:
        conn, num = self.conn, self.num
        if not self.all_known:
            for i in range(0, len(ids), 500):
                part = ids[i:i + 500]
                num.update(conn.execute(
                    f"SELECT id, num FROM actors WHERE id IN ({','.join('?' * len(part))})", part))
            ids = [a for a in ids if a not in num]
        if not ids:
            return
        # numbered as SQLite would (the largest number + 1, in order); explicit numbers spare
        # reading them back
        first = (conn.execute("SELECT max(num) FROM actors").fetchone()[0] or 0) + 1
        rows = [(first + i, a, a.partition(":")[0] if ":" in a else "") for i, a in enumerate(ids)]
        conn.executemany("INSERT INTO actors(num, id, platform) VALUES (?, ?, ?)", rows)
        num.update(zip(ids, range(first, first + len(ids))))

    # -- interactions --------------------------------------------------------------------------

    def add(self, src: list[str], dst: list[str], kind: list[str], ts: list, post: list | None,
            weight: list | None, rel: list | None) -> None:
        """Write one batch of interaction columns (see :meth:`Store.write_interaction_columns`)."""
        if not src:
            return
        if self.table is None:
            self._start()
        cols = ["src", "dst", "kind", "ts"]
        values = [self.actor_nums(src), self.actor_nums(dst), kind, ts]
        for name, col in (("post", post), ("weight", weight), ("rel", rel)):
            if col is not None:
                cols.append(name)
                values.append(col)
        key = tuple(cols)
        sql = self._insert.get(key)
        if sql is None:
            sql = self._insert[key] = (f"INSERT INTO {self.table}({', '.join(cols)}) "
                                       f"VALUES ({', '.join('?' * len(cols))})")
        self.conn.executemany(sql, zip(*values))

    def _start(self) -> None:
        conn = self.conn
        if conn.execute("SELECT NOT EXISTS (SELECT 1 FROM interactions)").fetchone()[0]:
            self._drop_indexes()
            self.table = "interactions"
        else:
            self._create_stage()
            self.table = "temp._bulk_interactions"

    def _drop_indexes(self) -> None:
        # kept as written in the schema, to be created again the same way in finish()
        self.indexes = self.conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'interactions' "
            "AND sql IS NOT NULL ORDER BY name DESC"  # interactions_key (unique) first
        ).fetchall()
        for name, _sql in self.indexes:
            self.conn.execute(f'DROP INDEX "{name}"')

    def _create_stage(self) -> None:
        self.conn.execute(
            "CREATE TEMP TABLE IF NOT EXISTS _bulk_interactions (src INTEGER NOT NULL, dst INTEGER NOT NULL, "
            "kind TEXT NOT NULL, ts REAL, post TEXT, weight REAL NOT NULL DEFAULT 1.0, rel TEXT)"
        )
        self.conn.execute("DELETE FROM temp._bulk_interactions")

    def finish(self) -> None:
        """Merge the call's duplicates and build the indexes (new store) or merge the staged rows."""
        if self.table is None:
            return
        conn = self.conn
        if self.table == "interactions":
            for name, sql in self.indexes:
                self._create_index(sql, "interactions")
            return
        self._create_index(f"CREATE UNIQUE INDEX temp._bulk_key ON _bulk_interactions({_KEY})",
                           "temp._bulk_interactions")
        # "WHERE true" is required: without it SQLite parses ON CONFLICT as a join constraint.
        conn.execute(
            f"""
            INSERT INTO interactions(src, dst, kind, ts, post, weight, rel)
            SELECT src, dst, kind, ts, post, weight, rel FROM temp._bulk_interactions
            WHERE true ORDER BY {_KEY}
            ON CONFLICT({_KEY}) DO UPDATE SET weight = excluded.weight, rel = coalesce(excluded.rel, rel)
            """
        )
        conn.execute("DROP TABLE temp._bulk_interactions")

    def _create_index(self, sql: str, table: str) -> None:
        """Create an index; a unique one that finds duplicates first merges them."""
        try:
            self.conn.execute(sql)
        except sqlite3.IntegrityError:
            self._merge_duplicates(table)
            self.conn.execute(sql)

    def _merge_duplicates(self, table: str) -> None:
        """Rows of ``table`` with the same key become one: the first (by rowid, that is in the
        order written) with the summed weight (or the last row's weight and rel, when
        ``sum_duplicates`` is false) and the largest non-null ``rel``; the others are deleted."""
        conn = self.conn
        rows = conn.execute(
            f"""
            SELECT rowid, {_KEY}, weight, rel FROM {table}
            WHERE ({_KEY}) IN (SELECT {_KEY} FROM {table} GROUP BY {_KEY} HAVING count(*) > 1)
            ORDER BY rowid
            """
        )
        import array

        groups: dict[tuple, list] = {}
        gone = array.array("q")
        for rowid, s, d, k, t, p, w, r in rows:
            g = groups.get((s, d, k, t, p))
            if g is None:
                groups[(s, d, k, t, p)] = [rowid, w, r]
                continue
            gone.append(rowid)
            if self.sum_duplicates:
                g[1] = min(g[1] + w, 1e12)
                if r is not None and (g[2] is None or r > g[2]):
                    g[2] = r
            else:
                g[1], g[2] = w, r
        conn.executemany(f"UPDATE {table} SET weight = ?, rel = ? WHERE rowid = ?",
                         ((w, r, rowid) for rowid, w, r in groups.values()))
        conn.executemany(f"DELETE FROM {table} WHERE rowid = ?", ((x,) for x in gone))


class Store:
    """A sector's SQLite store.

    Parameters
    ----------
    path : str or path-like
        Database file (created if missing, with its parent folder) or ``":memory:"``.
    readonly : bool, default=False
        Open an existing file read-only (never creates or migrates it).

    Raises
    ------
    StoreError
        If the file is not a SQLite database or cannot be opened.
    SchemaVersionError
        If the store was written by a newer version of influence.
    """

    def __init__(self, path: str | os.PathLike = ":memory:", *, readonly: bool = False):
        self.path = str(path)
        self.readonly = readonly
        self._busy_timeout = busy_timeout()
        self._own_sidecars = False
        memory = self.path == ":memory:"
        if not memory:
            p = Path(self.path)
            if p.exists() and p.stat().st_size > 0 and not is_store_file(p):
                raise StoreError(f"{self.path}: not a SQLite database (is it the right file?)")
            if readonly and not p.exists():
                raise StoreError(f"{self.path}: no such store")
            if readonly and p.stat().st_size == 0:
                raise StoreError(f"{self.path}: an empty file, not an influence store")
            if not readonly:
                p.parent.mkdir(parents=True, exist_ok=True)
            # SQLite creates -wal/-shm for a read-only reader of a WAL store; close() removes
            # them again when they were not there before (see the module docstring)
            self._own_sidecars = readonly and not any(
                os.path.exists(self.path + s) for s in ("-wal", "-shm"))
        try:
            if readonly:
                uri = Path(self.path).resolve().as_uri() + "?mode=ro"
                self._conn = sqlite3.connect(uri, uri=True, isolation_level=None,
                                             timeout=self._busy_timeout)
            else:
                self._conn = sqlite3.connect(self.path, isolation_level=None, timeout=self._busy_timeout)
            self._conn.execute("PRAGMA foreign_keys = ON")
            if not memory and not readonly:
                self._conn.execute("PRAGMA journal_mode = WAL")
                self._conn.execute("PRAGMA synchronous = NORMAL")
            self._migrate(readonly)
        except sqlite3.OperationalError as exc:
            if _is_busy(exc):
                self._close_quietly()
                raise self._busy() from None
            self._close_quietly()
            raise StoreError(f"{self.path}: cannot open store: {exc}") from exc
        except sqlite3.DatabaseError as exc:
            self._close_quietly()
            raise StoreError(f"{self.path}: cannot open store: {exc}") from exc
        except BaseException:
            self._close_quietly()
            raise

    def _busy(self) -> StoreBusyError:
        name = os.path.basename(self.path)
        return StoreBusyError(
            f"{name} is busy: another influence process is writing; try again "
            f"(waited {self._busy_timeout:g} s; INFLUENCE_BUSY_TIMEOUT sets the wait)"
        )

    # -- lifecycle -------------------------------------------------------------------------------

    def _migrate(self, readonly: bool) -> None:
        version = self._conn.execute("PRAGMA user_version").fetchone()[0]
        #: the schema version this open upgraded the store from (None: no migration)
        self.migrated_from: int | None = None
        if version > SCHEMA_VERSION:
            raise SchemaVersionError(
                f"{self.path}: store schema version {version} is newer than this influence "
                f"understands ({SCHEMA_VERSION}); upgrade influence"
            )
        if version == SCHEMA_VERSION:
            return
        if readonly:
            has_tables = self._conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if version == 0:
                raise StoreError(f"{self.path}: " + ("a SQLite database, but not an influence store"
                                                      if has_tables else "an empty influence store"))
            raise StoreError(
                f"{self.path}: store schema version {version} was written by an older influence; "
                f"`influence migrate {self.path}` upgrades it to {SCHEMA_VERSION} "
                "(read commands never write to the store)"
            )
        with self.transaction() as conn:
            for step in range(version, SCHEMA_VERSION):
                _MIGRATIONS[step](conn)
            if version > 0:  # a migration may change what the fingerprint covers
                conn.execute("DELETE FROM meta WHERE key = 'fingerprint'")
            # PRAGMA does not take parameters; the value is our own integer.
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        if version > 0:
            self.migrated_from = version

    @property
    def schema_version(self) -> int:
        return self._conn.execute("PRAGMA user_version").fetchone()[0]

    def close(self) -> None:
        """Close the connection (the store object is unusable afterwards)."""
        self._conn.close()
        if self._own_sidecars:
            self._own_sidecars = False
            self._remove_sidecars()

    def _close_quietly(self) -> None:
        conn = getattr(self, "_conn", None)
        if conn is not None:
            try:
                self.close()
            except sqlite3.Error:  # pragma: no cover - closing after a failed open
                pass

    def _remove_sidecars(self) -> None:
        # A read-only reader cannot remove the -wal/-shm SQLite made for it. A plain connection
        # that reads the schema and closes does, when it is the store's last connection and the
        # WAL is empty (so nothing is checkpointed: the store file is not touched); otherwise
        # SQLite keeps them and the store's next writer removes them.
        wal = self.path + "-wal"
        try:
            if os.path.getsize(wal) != 0:
                return
        except OSError:
            return
        try:
            conn = sqlite3.connect(self.path, isolation_level=None, timeout=0)
            try:
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            finally:
                conn.close()
        except sqlite3.Error:
            pass

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self.path!r})"

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Run a block in one transaction (``BEGIN IMMEDIATE`` ... ``COMMIT``, rollback on error).

        The write lock is taken up front: while another process writes, this waits its turn for
        up to :func:`busy_timeout` seconds (trying every 0.2 s, so Ctrl-C is not held up), then
        raises :class:`~influence.errors.StoreBusyError`. Nothing of the block has run then.
        """
        conn = self._conn
        self._begin_immediate()
        try:
            yield conn
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        else:
            try:
                conn.execute("COMMIT")
            except sqlite3.OperationalError as exc:  # a busy COMMIT (rollback journals): give up
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                if _is_busy(exc):
                    raise self._busy() from None
                raise

    def _begin_immediate(self) -> None:
        import time

        conn = self._conn
        deadline = time.monotonic() + self._busy_timeout
        conn.execute(f"PRAGMA busy_timeout = {_LOCK_TRY_MS}")
        try:
            while True:
                try:
                    conn.execute("BEGIN IMMEDIATE")
                    return
                except sqlite3.OperationalError as exc:
                    if not _is_busy(exc):
                        raise
                    if time.monotonic() >= deadline:
                        raise self._busy() from None
                    time.sleep(0.01)  # lets Python run a pending Ctrl-C handler between tries
        finally:
            conn.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout * 1000)}")

    # -- writing ---------------------------------------------------------------------------------

    def write(self, records: Iterable[Actor | Post | Interaction | SameAs], *,
              sum_duplicates: bool = True) -> dict[str, int]:
        """Upsert records in one transaction.

        Parameters
        ----------
        records : iterable of Actor, Post, Interaction or SameAs
            Consumed lazily inside the transaction and written in batches of
            :data:`WRITE_BATCH` records, so memory does not grow with their number. If iterating
            raises (for instance an :class:`~influence.errors.InputDataError` from a file
            reader), nothing is written.
        sum_duplicates : bool, default=True
            Interactions with the same key within this call: True sums their weights, added in
            the order given (a file that lists an edge three times means weight 3); False keeps
            the last one, as crawlers want, since seeing the same event twice is not two events.

        Returns
        -------
        dict
            How many actors, posts and interactions are **new** (rows that did not exist before).

        Notes
        -----
        Actors: a later write fills in fields that are ``None`` and updates those it gives
        (``followers`` changes over time). Posts: likewise, so a re-crawl refreshes the metrics.
        Actors referenced by posts or interactions but never described get a bare row.
        Interactions go through the same bulk loader as :meth:`write_interaction_columns`.
        """
        with self._bulk_transaction(sum_duplicates) as loader:
            conn = self._conn
            actors: list[tuple] = []
            posts: list[Post] = []
            stage: list[tuple] = []
            bare: set[str] = set()
            links: dict[tuple[str, str], str] = {}

            def flush() -> None:
                # Records go to SQLite in batches, in the order given, so memory stays bounded
                # whatever the number of records; the transaction still makes them all or nothing.
                # Order: every actor referenced gets its row (bare, numbered by the loader), then
                # described actors fill in their fields, then posts (their authors exist by then),
                # then interactions go to the loader.
                loader.actor_nums(sorted(bare.union(a[0] for a in actors)))
                bare.clear()
                conn.executemany(_UPSERT_ACTOR, actors)
                actors.clear()
                conn.executemany(
                    _UPSERT_POST,
                    (
                        (p.id, p.author, p.timestamp, p.text, p.title, p.url, p.language, p.likes,
                         p.reshares, p.replies, p.parent, p.format,
                         json.dumps(list(p.tags), ensure_ascii=False) if p.tags else None)
                        for p in posts
                    ),
                )
                posts.clear()
                if stage:
                    src, dst, kind, ts, post, weight, rel = (list(c) for c in zip(*stage))
                    loader.add(src, dst, kind, ts, post, weight, rel)
                    stage.clear()

            for rec in records:
                if isinstance(rec, Interaction):
                    stage.append(
                        (rec.source, rec.target, rec.kind.value, rec.timestamp, rec.post, rec.weight, rec.rel)
                    )
                    bare.add(rec.source)
                    bare.add(rec.target)
                elif isinstance(rec, Post):
                    posts.append(rec)
                    bare.add(rec.author)
                elif isinstance(rec, SameAs):
                    links[rec.pair] = rec.evidence
                    bare.update(rec.pair)
                elif isinstance(rec, Actor):
                    actors.append(
                        (rec.id, rec.platform, rec.name, rec.url, rec.followers, rec.competitor,
                         rec.language, rec.bio)
                    )
                else:
                    raise TypeError(
                        f"cannot store {type(rec).__name__}: expected Actor, Post, Interaction or SameAs"
                    )
                if len(actors) + len(posts) + len(bare) + len(stage) >= WRITE_BATCH:
                    flush()
            flush()
            conn.executemany(
                """
                INSERT INTO identity_links(a, b, evidence)
                VALUES ((SELECT num FROM actors WHERE id = ?), (SELECT num FROM actors WHERE id = ?), ?)
                ON CONFLICT(a, b) DO UPDATE SET
                    evidence = CASE WHEN excluded.evidence != '' THEN excluded.evidence ELSE evidence END
                """,
                ((a, b, ev) for (a, b), ev in links.items()),
            )
        return loader.new

    def write_interaction_columns(self, batches: Iterable[tuple], *, sum_duplicates: bool = True) -> dict[str, int]:
        """Write interactions given as columns, in one transaction: the bulk path of file imports.

        Same result as :meth:`write` of the :class:`~influence.records.Interaction` records the
        columns describe, without a record object per row.

        Parameters
        ----------
        batches : iterable of tuples
            ``(source, target, kind, timestamp, post, weight, rel)``, each a list of one value per
            interaction (canonical actor ids, kind names, epoch seconds or ``None``...), except
            that ``post``, ``weight`` and ``rel`` may be ``None`` for "``None`` on every row"
            (weight: 1.0). Prior validation is assumed: the values must be what the
            corresponding ``Interaction`` records hold. Consumed lazily inside the transaction.
        sum_duplicates : bool, default=True
            As for :meth:`write`.

        Returns
        -------
        dict
            New actors, posts (0) and interactions, as :meth:`write` returns.
        """
        if type(self).write is not Store.write:  # a back end with its own write (PostgreSQL)
            return self.write(_records_of_columns(batches), sum_duplicates=sum_duplicates)
        with self._bulk_transaction(sum_duplicates) as loader:
            for src, dst, kind, ts, post, weight, rel in batches:
                loader.add(src, dst, kind, ts, post, weight, rel)
        return loader.new

    @contextmanager
    def _bulk_transaction(self, sum_duplicates: bool) -> Iterator[_InteractionLoader]:
        """One write transaction with an :class:`_InteractionLoader`; afterwards ``loader.new``
        holds the new rows (counted under the write lock, so other processes' writes are not
        included).

        Foreign-key checks are off for this transaction (``PRAGMA foreign_keys`` cannot change
        inside one): every row it writes takes its actor numbers from the actors table in the
        same transaction (:meth:`_InteractionLoader.actor_nums`, the post and identity-link
        statements' ``SELECT num``), so the per-row lookups would check what is already true,
        and they were half of a bulk load's SQLite time. ``PRAGMA foreign_key_check`` stays
        empty (tests check it).
        """
        conn = self._conn
        conn.execute("PRAGMA foreign_keys = OFF")
        cache = conn.execute("PRAGMA cache_size").fetchone()[0]
        # a larger page cache for this transaction: the index builds sort in it (SQLite's
        # default, 2 MB, makes them spill to temporary files)
        conn.execute(f"PRAGMA cache_size = {-_BULK_CACHE_KIB}")
        try:
            with self.transaction() as conn:
                before = self.counts()
                loader = _InteractionLoader(conn, sum_duplicates)
                yield loader
                loader.finish()
                conn.execute(
                    "INSERT INTO meta(key, value) VALUES ('generation', '1') ON CONFLICT(key) "
                    "DO UPDATE SET value = CAST(value AS INTEGER) + 1"
                )
                after = self.counts()
                loader.new = {k: after[k] - before.get(k, 0) for k in after}
        finally:
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute(f"PRAGMA cache_size = {int(cache)}")

    def set_meta(self, key: str, value: str) -> None:
        """Set a metadata value (sector name, creator version...)."""
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def get_meta(self, key: str, default: str | None = None) -> str | None:
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return default if row is None else row[0]

    # -- reading ---------------------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        """Row counts: ``{"actors": ..., "posts": ..., "interactions": ...}`` and, when there are
        any, ``"identity_links"``."""
        c = self._conn
        out = {
            "actors": c.execute("SELECT count(*) FROM actors").fetchone()[0],
            "posts": c.execute("SELECT count(*) FROM posts").fetchone()[0],
            "interactions": c.execute("SELECT count(*) FROM interactions").fetchone()[0],
        }
        links = c.execute("SELECT count(*) FROM identity_links").fetchone()[0]
        if links:
            out["identity_links"] = links
        return out

    def post_author(self, post_id: str) -> str | None:
        """The actor id of a stored post's author, or ``None`` when no such post is stored (file
        imports resolve replies with it, inside their own transaction)."""
        row = self._conn.execute(
            "SELECT a.id FROM posts p JOIN actors a ON a.num = p.author WHERE p.id = ?", (post_id,)
        ).fetchone()
        return None if row is None else row[0]

    def identity_links(self) -> Iterator[SameAs]:
        """All identity links, ordered."""
        for a, b, ev in self._conn.execute(
            """SELECT x.id, y.id, l.evidence FROM identity_links l
               JOIN actors x ON x.num = l.a JOIN actors y ON y.num = l.b ORDER BY x.id, y.id"""
        ):
            yield SameAs(a, b, ev)

    def actors(self) -> Iterator[Actor]:
        """All actors, ordered by id."""
        for row in self._conn.execute(
            "SELECT id, name, url, followers, competitor, language, bio FROM actors ORDER BY id"
        ):
            yield Actor(*row)

    def posts(self) -> Iterator[Post]:
        """All posts, ordered by id. A stored time outside the accepted range is read as unknown
        (``None``), with a :class:`~influence.records.StoredDataWarning`."""
        warned = False
        for row in self._conn.execute(
            """SELECT p.id, a.id, p.ts, p.text, p.title, p.url, p.language, p.likes, p.reshares,
                      p.replies, p.parent, p.format, p.tags
               FROM posts p JOIN actors a ON a.num = p.author ORDER BY p.id"""
        ):
            if not _ts_ok(row[2]):
                if not warned:
                    warned = self._warn_out_of_range("posts")
                row = row[:2] + (None,) + row[3:]
            yield Post(*row[:-1], tags=tuple(json.loads(row[-1])) if row[-1] else ())

    def out_of_range_timestamps(self) -> dict[str, int]:
        """How many posts and interactions hold a timestamp outside the accepted range
        (1900-01-01 to 2100-01-01, see :data:`influence.records.TIMESTAMP_MIN`). Only stores
        written by versions that did not check the range have any; reads treat them as unknown.

        >>> Store(":memory:").out_of_range_timestamps()
        {'posts': 0, 'interactions': 0}
        """
        sql = "SELECT count(*) FROM {} WHERE ts IS NOT NULL AND NOT " + _TS_OK
        return {t: self._conn.execute(sql.format(t)).fetchone()[0] for t in ("posts", "interactions")}

    def _warn_out_of_range(self, table: str) -> bool:
        import warnings

        n = self.out_of_range_timestamps()[table]
        warnings.warn(f"{n} {table} in {self.path} have a timestamp outside 1900-01-01 to 2100-01-01 "
                      "(stored by an older version): read as undated", StoredDataWarning, stacklevel=3)
        return True

    def interactions(
        self,
        *,
        kinds: Iterable[str] | None = None,
        since: float | None = None,
        until: float | None = None,
        platforms: Iterable[str] | None = None,
    ) -> Iterator[Interaction]:
        """Interactions, optionally filtered, in a stable order.

        Parameters
        ----------
        kinds : iterable of str, optional
            Keep only these kinds.
        since, until : float, optional
            Keep interactions with ``since <= timestamp < until`` (UTC epoch seconds).
            Interactions with an unknown timestamp are dropped when either bound is given.
        platforms : iterable of str, optional
            Keep interactions whose source actor is on one of these platforms.
        """
        sql, params = self._interaction_query(kinds, since, until, platforms)
        warned = False
        for src, dst, kind, ts, post, weight, rel in self._conn.execute(sql, params):
            if not _ts_ok(ts):
                warned = warned or self._warn_out_of_range("interactions")
                ts = None
            yield Interaction(src, dst, kind, ts, post, weight, rel)

    def interaction_rows(
        self,
        *,
        kinds: Iterable[str] | None = None,
        since: float | None = None,
        until: float | None = None,
        platforms: Iterable[str] | None = None,
    ) -> Iterator[tuple[str, str, str, float | None, float]]:
        """Like :meth:`interactions` but yields plain ``(source, target, kind, ts, weight)`` tuples.

        This is the fast path the graph builder uses (no record validation per row).
        """
        sql, params = self._interaction_query(kinds, since, until, platforms)
        warned = False
        for src, dst, kind, ts, _post, weight, _rel in self._conn.execute(sql, params):
            if not _ts_ok(ts):
                warned = warned or self._warn_out_of_range("interactions")
                ts = None
            yield src, dst, kind, ts, weight

    def interaction_arrays(
        self,
        *,
        kinds: Iterable[str] | None = None,
        since: float | None = None,
        until: float | None = None,
        platforms: Iterable[str] | None = None,
        chunk: int = 200_000,
    ):
        """Interactions as numpy arrays ``(src, dst, kind, ts, weight)``: actor numbers (see
        :meth:`actor_ids`), kind codes (indices into :data:`influence.records.KINDS`), epoch
        seconds (NaN when unknown) and weights. The fast path of the graph builder: no Python
        object per row survives, so millions of interactions fit in little memory.

        Rows come in the order of the interactions' key (source, target, kind, time, post), so sums
        over them do not depend on the order records were written in. A stored time outside the
        accepted range is NaN (unknown), with a :class:`~influence.records.StoredDataWarning`.
        """
        import numpy as np

        from .records import KINDS

        where, params = self._filters(kinds, since, until, platforms)
        code = "CASE i.kind " + " ".join(f"WHEN '{k}' THEN {j}" for j, k in enumerate(KINDS)) + " END"
        sql = f"SELECT i.src, i.dst, {code}, ifnull(i.ts, {NO_TS}), i.weight, i.rowid FROM interactions i"
        if platforms is not None:
            sql += " JOIN actors a ON a.num = i.src"
        if where:
            sql += " WHERE " + " AND ".join(where)
        # read in the table's order (sequential) and put in key order here: an ORDER BY walks the
        # key index and fetches each row from wherever it was written
        cur = self._conn.execute(sql, params)
        parts = []
        while True:
            rows = cur.fetchmany(chunk)
            if not rows:
                break
            parts.append(np.array(rows, dtype=np.float64))
        data = np.concatenate(parts) if parts else np.zeros((0, 6))
        data = data[self._key_order(data)]
        ts = data[:, 3].copy()
        unknown = ts <= NO_TS / 2
        bad = ~unknown & ~((ts >= TIMESTAMP_MIN) & (ts < TIMESTAMP_MAX))
        ts[unknown | bad] = np.nan
        if bad.any():
            self._warn_out_of_range("interactions")
        return (data[:, 0].astype(np.int64), data[:, 1].astype(np.int64), data[:, 2].astype(np.int64),
                ts, data[:, 4].copy())

    def _key_order(self, data):
        """The order of the interactions' key (source, target, kind name, time, post) over rows
        ``(src, dst, kind code, ts or NO_TS, weight, rowid)``: as ``ORDER BY`` the key would
        give. Rows equal on all but the post (rare) are ordered by their posts, read by rowid."""
        import numpy as np

        from .records import KINDS

        by_name = np.argsort(np.argsort(np.array(KINDS)))  # kind code -> rank of its name
        codes = data[:, 2]
        known = ~np.isnan(codes)
        rank = np.full(len(data), -1.0)
        rank[known] = by_name[codes[known].astype(np.int64)]
        order = np.lexsort((data[:, 3], rank, data[:, 1], data[:, 0]))
        if len(order) < 2:
            return order
        key = np.column_stack([data[order, 0], data[order, 1], rank[order], data[order, 3]])
        tie = np.all(key[1:] == key[:-1], axis=1)
        if not tie.any():
            return order
        # runs of rows with the same key but their post: order each run by ifnull(post, '')
        starts = np.flatnonzero(tie & ~np.concatenate([[False], tie[:-1]]))
        in_run = np.zeros(len(order), dtype=bool)
        in_run[1:] |= tie
        in_run[:-1] |= tie
        rowids = data[order[in_run], 5].astype(np.int64).tolist()
        post: dict[int, str] = {}
        for i in range(0, len(rowids), 500):
            part = rowids[i:i + 500]
            post.update(self._conn.execute(
                f"SELECT rowid, ifnull(post, '') FROM interactions WHERE rowid IN ({','.join('?' * len(part))})",
                part))
        order = order.copy()
        for start in starts.tolist():
            end = start + 1
            while end < len(tie) and tie[end]:
                end += 1
            run = order[start:end + 1]
            order[start:end + 1] = sorted(run.tolist(), key=lambda r: post[int(data[r, 5])])
        return order

    def actor_ids(self, nums) -> list[str]:
        """Actor ids for actor numbers (as given by :meth:`interaction_arrays`)."""
        nums = [int(x) for x in nums]
        if not nums:
            return []
        lookup: dict[int, str] = {}
        wanted = set(nums)
        if len(wanted) > 5000:
            for num, aid in self._conn.execute("SELECT num, id FROM actors"):
                if num in wanted:
                    lookup[num] = aid
        else:
            q = ",".join("?" * len(wanted))
            lookup = dict(self._conn.execute(f"SELECT num, id FROM actors WHERE num IN ({q})", list(wanted)))
        return [lookup[x] for x in nums]

    def identity_pairs(self) -> list[tuple[int, int]]:
        """Identity links as actor-number pairs (see :meth:`identity_links` for ids)."""
        return list(self._conn.execute("SELECT a, b FROM identity_links ORDER BY a, b"))

    def _filters(self, kinds, since, until, platforms) -> tuple[list[str], list]:
        where, params = [], []
        if kinds is not None:
            kinds = list(kinds)
            where.append(f"i.kind IN ({','.join('?' * len(kinds))})")
            params += kinds
        if since is not None:
            where.append("i.ts >= ?")
            params.append(float(since))
        if until is not None:
            where.append("i.ts < ?")
            params.append(float(until))
        if since is not None or until is not None:
            where.append(_TS_OK.replace("ts", "i.ts"))
        if platforms is not None:
            platforms = list(platforms)
            where.append(f"a.platform IN ({','.join('?' * len(platforms))})")
            params += platforms
        return where, params

    def _interaction_query(self, kinds, since, until, platforms) -> tuple[str, list]:
        where, params = self._filters(kinds, since, until, platforms)
        sql = (
            "SELECT a.id, b.id, i.kind, i.ts, i.post, i.weight, i.rel FROM interactions i "
            "JOIN actors a ON a.num = i.src JOIN actors b ON b.num = i.dst"
        )
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY i.src, i.dst, i.kind, ifnull(i.ts, -1.0e300), ifnull(i.post, '')"
        return sql, params

    def actor_attributes(
        self, ids: Iterable[str] | None = None
    ) -> dict[str, tuple[str | None, str, int | None, str | None, str | None]]:
        """``{id: (name, platform, followers, competitor, language)}`` for the given actors
        (default: all)."""
        rows = self._conn.execute(
            "SELECT id, name, platform, followers, competitor, language FROM actors"
        )
        wanted = set(ids) if ids is not None else None
        return {
            r[0]: (r[1], r[2], r[3], r[4], r[5]) for r in rows if wanted is None or r[0] in wanted
        }

    def post_stats(
        self,
        *,
        since: float | None = None,
        until: float | None = None,
        keywords: Iterable[str] = (),
    ) -> dict[str, tuple[int, int | None, int | None, int | None, int]]:
        """Per author: ``(posts, likes, reshares, replies, keyword_posts)`` over the posts in the
        time window (posts of unknown time count only without a window). A metric is ``None``
        when none of the author's posts reports it. ``keyword_posts`` counts posts whose title or
        text contains one of ``keywords`` (case- and accent-insensitive)."""
        where, params = [], []
        if since is not None:
            where.append("p.ts >= ?")
            params.append(float(since))
        if until is not None:
            where.append("p.ts < ?")
            params.append(float(until))
        if where:
            where.append(_TS_OK.replace("ts", "p.ts"))
        cond = (" WHERE " + " AND ".join(where)) if where else ""
        out: dict[str, list] = {}
        for aid, n, likes, reshares, replies in self._conn.execute(
            "SELECT a.id, count(*), sum(p.likes), sum(p.reshares), sum(p.replies) FROM posts p "
            f"JOIN actors a ON a.num = p.author{cond} GROUP BY p.author",
            params,
        ):
            out[aid] = [n, likes, reshares, replies, 0]
        words = [_fold(k) for k in keywords if k and k.strip()]
        if words:
            for aid, title, text in self._conn.execute(
                f"SELECT a.id, p.title, p.text FROM posts p JOIN actors a ON a.num = p.author{cond}", params
            ):
                body = _fold(f"{title or ''} {text or ''}")
                if any(w in body for w in words):
                    out[aid][4] += 1
        return {k: tuple(v) for k, v in out.items()}

    def last_activity(self) -> dict[str, float]:
        """``{actor id: latest timestamp}`` of each actor's own dated activity: the posts it wrote
        and the interactions it is the source of (attention it gave). Actors with no dated activity
        are absent. One SQL aggregate, so it scales with the store, not with Python objects."""
        rows = self._conn.execute(
            f"""
            SELECT a.id, max(t.ts) FROM (
                SELECT author AS num, max(ts) AS ts FROM posts WHERE {_TS_OK} GROUP BY author
                UNION ALL
                SELECT src AS num, max(ts) AS ts FROM interactions WHERE {_TS_OK} GROUP BY src
            ) AS t JOIN actors AS a ON a.num = t.num
            GROUP BY t.num
            """
        )
        return {aid: float(ts) for aid, ts in rows}

    def time_range(self) -> tuple[float | None, float | None]:
        """Earliest and latest known interaction timestamp (``(None, None)`` when there is none);
        stored times outside the accepted range are left out."""
        sql = f"SELECT min(ts), max(ts) FROM interactions WHERE {_TS_OK}"
        return tuple(self._conn.execute(sql).fetchone())

    def fingerprint(self) -> str:
        """SHA-256 of the store's contents (actors, posts, interactions), independent of row order.

        Two stores with the same records have the same fingerprint, so a result's manifest can
        say which data it was computed from. Cached per write generation.
        """
        gen = self.get_meta("generation", "0")
        cached = self.get_meta("fingerprint")
        if cached and cached.startswith(gen + ":"):
            return cached.split(":", 1)[1]
        # the queries and the hashing are shared with the PostgreSQL store (influence/_storage.py)
        from ._storage import FINGERPRINT_QUERIES, hash_rows

        digest = hash_rows(self._conn.execute(q) for q in FINGERPRINT_QUERIES)
        if self.readonly:  # a read-only store is never written, not even this cache
            return digest
        try:
            self.set_meta("fingerprint", f"{gen}:{digest}")
        except (sqlite3.OperationalError, StoreBusyError):  # read-only file or busy: do not cache
            pass
        return digest

    # -- crawl state -------------------------------------------------------------------------------
    # Used by influence.crawl (state.SourceState and the runner). A source's key/value state lives
    # in crawl_state; the web crawler's frontier, visited set and HTTP validators in crawl_*.

    def crawl_state(self, source: str) -> dict:
        """``{key: JSON text}`` of one source's key/value state."""
        return dict(self._conn.execute("SELECT key, value FROM crawl_state WHERE source = ?", (source,)))

    def crawl_state_all(self, key: str) -> dict[str, str]:
        """``{source: JSON text}`` of one key over every source (e.g. feeds discovered by web sources)."""
        return dict(self._conn.execute("SELECT source, value FROM crawl_state WHERE key = ?", (key,)))

    def crawl_frontier(self, source: str) -> list[tuple[str, int, int]]:
        """The queued URLs of a source as ``(url, depth, seq)``, in the order they were queued."""
        return self._conn.execute(
            "SELECT url, depth, seq FROM crawl_frontier WHERE source = ? ORDER BY seq", (source,)
        ).fetchall()

    def crawl_visited(self, source: str) -> dict[str, str]:
        """``{url: status}`` of the URLs a source has visited."""
        return dict(self._conn.execute("SELECT url, status FROM crawl_visited WHERE source = ?", (source,)))

    def crawl_validators(self, source: str, url: str) -> tuple[str | None, str | None, str | None]:
        """``(etag, last_modified, links JSON)`` saved for a URL, or ``(None, None, None)``."""
        row = self._conn.execute(
            "SELECT etag, last_modified, links FROM crawl_http WHERE source = ? AND url = ?", (source, url)
        ).fetchone()
        return tuple(row) if row else (None, None, None)

    def crawl_sources(self) -> dict[str, tuple[int, int]]:
        """``{source: (queued, visited)}`` for every source with a frontier or visited URLs."""
        out: dict[str, list[int]] = {}
        for src, n in self._conn.execute("SELECT source, count(*) FROM crawl_frontier GROUP BY source"):
            out.setdefault(src, [0, 0])[0] = n
        for src, n in self._conn.execute("SELECT source, count(*) FROM crawl_visited GROUP BY source"):
            out.setdefault(src, [0, 0])[1] = n
        return {k: (v[0], v[1]) for k, v in sorted(out.items())}

    def crawl_runs(self) -> dict[str, tuple[str | None, str | None]]:
        """``{source: (first, last)}``: when each source was first and last crawled (ISO 8601, UTC).

        Written by :func:`influence.crawl.runner.run_crawl` at the end of every source's run.
        """
        out: dict[str, list[str | None]] = {}
        for src, key, value in self._conn.execute(
            "SELECT source, key, value FROM crawl_state WHERE key IN ('run.first', 'run.last')"
        ):
            out.setdefault(src, [None, None])[0 if key == "run.first" else 1] = json.loads(value)
        return {k: (v[0], v[1]) for k, v in sorted(out.items())}

    def reset_crawl(self, source: str) -> None:
        """Forget a source's frontier and visited set (a fresh crawl); state and validators stay,
        so the fresh crawl sends conditional requests."""
        with self.transaction() as conn:
            conn.execute("DELETE FROM crawl_frontier WHERE source = ?", (source,))
            conn.execute("DELETE FROM crawl_visited WHERE source = ?", (source,))

    def write_crawl_batch(
        self,
        records: Iterable[Actor | Post | Interaction | SameAs],
        *,
        source: str,
        state: dict[str, str | None] | None = None,
        push: Iterable[tuple[str, int, int]] = (),
        done: Iterable[tuple[str, str, float]] = (),
        validators: Iterable[tuple[str, str | None, str | None, str | None]] = (),
    ) -> dict[str, int]:
        """Write records and a source's crawl state changes in **one** transaction.

        Parameters
        ----------
        records : iterable of records
            As for :meth:`write`.
        source : str
            The source's name.
        state : dict, optional
            ``{key: JSON text}`` to set (``None`` deletes the key).
        push : iterable of (url, depth, seq)
            URLs added to the frontier.
        done : iterable of (url, status, fetched)
            URLs visited: removed from the frontier, added to the visited set.
        validators : iterable of (url, etag, last_modified, links JSON)

        Returns
        -------
        dict
            New rows, as :meth:`write` returns.
        """
        state = dict(state or {})
        push, done, validators = list(push), list(done), list(validators)

        def with_state():
            yield from records
            # write() consumes the records inside its transaction (documented there): these
            # statements run in that same transaction, so the state is durable with the records.
            conn = self._conn
            if not conn.in_transaction:  # pragma: no cover - guards a change to write()
                raise StoreError("write_crawl_batch: write() no longer consumes records in its transaction")
            conn.executemany(
                "INSERT INTO crawl_state(source, key, value) VALUES (?, ?, ?) "
                "ON CONFLICT(source, key) DO UPDATE SET value = excluded.value",
                [(source, k, v) for k, v in state.items() if v is not None],
            )
            conn.executemany(
                "DELETE FROM crawl_state WHERE source = ? AND key = ?",
                [(source, k) for k, v in state.items() if v is None],
            )
            conn.executemany(
                "INSERT OR IGNORE INTO crawl_frontier(source, url, depth, seq) VALUES (?, ?, ?, ?)",
                [(source, u, d, s) for u, d, s in push],
            )
            conn.executemany("DELETE FROM crawl_frontier WHERE source = ? AND url = ?",
                             [(source, u) for u, _, _ in done])
            conn.executemany(
                "INSERT INTO crawl_visited(source, url, status, fetched) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(source, url) DO UPDATE SET status = excluded.status, fetched = excluded.fetched",
                [(source, u, st, t) for u, st, t in done],
            )
            conn.executemany(
                "INSERT INTO crawl_http(source, url, etag, last_modified, links) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT(source, url) DO UPDATE SET etag = excluded.etag, "
                "last_modified = excluded.last_modified, links = excluded.links",
                [(source, u, e, lm, ln) for u, e, lm, ln in validators],
            )

        # a crawler that sees the same event twice in a batch (a page fetched again after a
        # resume) has seen one event: keep one, whatever the batching
        return self.write(with_state(), sum_duplicates=False)
