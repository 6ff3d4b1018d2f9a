"""The SQLite store, :class:`Store`: opening, migrating, transactions and the write lock,
writes (through the bulk loader), record reads and the fingerprint. The graph queries and the
crawl state are mixed in from ``_queries`` and ``_crawl``; see the package docstring for the
guarantees."""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import ConfigError, SchemaVersionError, StoreBusyError, StoreError
from ..records import Actor, Interaction, Post, SameAs, StoredDataWarning
from ._crawl import CrawlState
from ._fingerprint import fingerprint_sqlite
from ._loader import InteractionLoader, records_of_columns
from ._queries import GraphQueries
from ._schema import ACTOR_MERGE, LINK_MERGE, MIGRATIONS, POST_MERGE, SCHEMA_VERSION, TS_OK, ts_ok

__all__ = ["DEFAULT_BUSY_TIMEOUT", "Store", "busy_timeout", "is_store_file", "write_batch"]

#: Seconds a writer waits for another process's write transaction before giving up
#: (``INFLUENCE_BUSY_TIMEOUT`` overrides it).
DEFAULT_BUSY_TIMEOUT = 60.0

# One try at the write lock: short, so a waiting writer notices Ctrl-C between tries.
_LOCK_TRY_MS = 200

_SQLITE_MAGIC = b"SQLite format 3\x00"

#: Page cache of a write transaction, in KiB (``PRAGMA cache_size``): 64 MiB.
_BULK_CACHE_KIB = 65_536

_UPSERT_ACTOR = f"""
    INSERT INTO actors(id, platform, name, url, followers, competitor, language, bio)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT(id) DO UPDATE SET {ACTOR_MERGE}
"""

_UPSERT_POST = f"""
    INSERT INTO posts(id, author, ts, text, title, url, language, likes, reshares,
                      replies, parent, format, tags)
    VALUES (?, (SELECT num FROM actors WHERE id = ?), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT(id) DO UPDATE SET {POST_MERGE}
"""


def write_batch() -> int:
    """Records a write holds in memory before handing them to the database: the package's
    :data:`influence.store.WRITE_BATCH`, read at each write so that setting it takes effect."""
    return sys.modules[__package__].WRITE_BATCH


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



def is_store_file(path: str | os.PathLike) -> bool:
    """True if ``path`` is an existing SQLite database file."""
    try:
        with open(path, "rb") as fh:
            return fh.read(16) == _SQLITE_MAGIC
    except OSError:
        return False


class Store(GraphQueries, CrawlState):
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
            if p.is_dir():
                raise StoreError(f"{self.path}: is a folder, not a store file (give the path of a "
                                 "file, e.g. store = \"sector.db\")")
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
                MIGRATIONS[step](conn)
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
        batch_size = write_batch()
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
                if len(actors) + len(posts) + len(bare) + len(stage) >= batch_size:
                    flush()
            flush()
            conn.executemany(
                f"""
                INSERT INTO identity_links(a, b, evidence)
                VALUES ((SELECT num FROM actors WHERE id = ?), (SELECT num FROM actors WHERE id = ?), ?)
                ON CONFLICT(a, b) DO UPDATE SET {LINK_MERGE}
                """,
                ((a, b, ev) for (a, b), ev in links.items()),
            )
        return loader.new

    #: write_interaction_columns accepts source and target columns as CodedIds.
    takes_coded_ids = True

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
            Source and target may also come as ``influence._columns.CodedIds`` (codes into a
            vocabulary of canonical ids), the importer's internal form for stores whose
            ``takes_coded_ids`` is true.
        sum_duplicates : bool, default=True
            As for :meth:`write`.

        Returns
        -------
        dict
            New actors, posts (0) and interactions, as :meth:`write` returns.
        """
        if type(self).write is not Store.write:  # a back end with its own write (PostgreSQL)
            return self.write(records_of_columns(batches), sum_duplicates=sum_duplicates)
        with self._bulk_transaction(sum_duplicates) as loader:
            for src, dst, kind, ts, post, weight, rel in batches:
                loader.add(src, dst, kind, ts, post, weight, rel)
        return loader.new

    @contextmanager
    def _bulk_transaction(self, sum_duplicates: bool) -> Iterator[InteractionLoader]:
        """One write transaction with an :class:`InteractionLoader`; afterwards ``loader.new``
        holds the new rows (counted under the write lock, so other processes' writes are not
        included).

        Foreign-key checks are off for this transaction (``PRAGMA foreign_keys`` cannot change
        inside one): every row it writes takes its actor numbers from the actors table in the
        same transaction (:meth:`InteractionLoader.actor_nums`, the post and identity-link
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
                loader = InteractionLoader(conn, sum_duplicates)
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
        with self.transaction():
            self._put_meta(key, value)

    def _put_meta(self, key: str, value: str) -> None:
        # in the open transaction; both back ends run this SQL
        self._conn.execute(
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
            if not ts_ok(row[2]):
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
        sql = "SELECT count(*) FROM {} WHERE ts IS NOT NULL AND NOT " + TS_OK
        return {t: self._conn.execute(sql.format(t)).fetchone()[0] for t in ("posts", "interactions")}

    def _warn_out_of_range(self, table: str, stacklevel: int = 3) -> bool:
        import warnings

        n = self.out_of_range_timestamps()[table]
        warnings.warn(f"{n} {table} in {self.path} have a timestamp outside 1900-01-01 to 2100-01-01 "
                      "(stored by an older version): read as undated", StoredDataWarning, stacklevel=stacklevel)
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
        for row in self._interaction_tuples(kinds, since, until, platforms):
            yield Interaction(*row)

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
        for src, dst, kind, ts, _post, weight, _rel in self._interaction_tuples(kinds, since, until, platforms):
            yield src, dst, kind, ts, weight

    def _interaction_tuples(self, kinds, since, until, platforms) -> Iterator[tuple]:
        # the rows of interactions(): a stored time outside the accepted range read as None
        sql, params = self._interaction_query(kinds, since, until, platforms)
        warned = False
        for src, dst, kind, ts, post, weight, rel in self._conn.execute(sql, params):
            if not ts_ok(ts):
                # the warning points at the caller of interactions() / interaction_rows()
                warned = warned or self._warn_out_of_range("interactions", stacklevel=4)
                ts = None
            yield src, dst, kind, ts, post, weight, rel

    def fingerprint(self) -> str:
        """SHA-256 of the store's contents (actors, posts, interactions), independent of row order.

        Two stores with the same records have the same fingerprint, so a result's manifest can
        say which data it was computed from. Cached per write generation.
        """
        gen = self.get_meta("generation", "0")
        cached = self.get_meta("fingerprint")
        if cached and cached.startswith(gen + ":"):
            return cached.split(":", 1)[1]
        digest = fingerprint_sqlite(self._conn)  # influence/store/_fingerprint.py
        if self.readonly:  # a read-only store is never written, not even this cache
            return digest
        try:
            self.set_meta("fingerprint", f"{gen}:{digest}")
        except (sqlite3.OperationalError, StoreBusyError):  # read-only file or busy: do not cache
            pass
        return digest
