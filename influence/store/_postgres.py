"""The sector store in PostgreSQL: the same methods as :class:`influence.store.Store`, for sectors
that outgrow one SQLite file and for crawl workers on several machines sharing one sector.

Open it with :func:`influence.store.open_store` (or a sector file's ``store =
"postgresql://..."``, or ``INFLUENCE_STORE``). Needs psycopg 3: ``pip install 'influence[postgres]'``.

One database (or one schema, through the URL's ``options=-csearch_path=NAME``) holds one sector.
The tables are SQLite's, with text columns ``COLLATE "C"`` so ordering is by code point in both back
ends (the fingerprint is the same for the same records), plus what shared crawling needs: a lease
on frontier entries (``claimed_by``, ``lease_until``), one politeness row per host
(``crawl_hosts``) and the workers' progress (``crawl_workers``). See docs/scale-out.md.

Reads reuse :class:`~influence.store.Store`'s SQL (a thin adapter turns ``?`` into ``%s``); writes
and the bulk paths are PostgreSQL's own: records go to temporary staging tables with ``COPY`` and
into the tables with one ``INSERT ... ON CONFLICT`` per table and batch (a first import of
interactions: straight into the emptied table, under a lock, see :meth:`PgStore._bulk_start`);
the graph builder's arrays come back packed by the database into fixed-width binary, one
``bytea`` per million rows, parsed by numpy without a Python object per row.

Guarantees are :class:`~influence.store.Store`'s (idempotent, transactional, versioned), with any
number of concurrent writers: PostgreSQL's row locks replace SQLite's one write lock, and the
number of new rows a write reports is counted with ``RETURNING``, not from before/after counts.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import chain, repeat

from .._columns import plain_columns
from .._storage import FINGERPRINT_QUERIES, RowBatch, hash_rows, mask_url, scrub
from ..errors import SchemaVersionError, StoreError
from ..records import Actor, Interaction, Post, SameAs
from ._pg_connection import (
    CopyStream,
    PgConn,
    connect,
    copy_binary_interactions,
    first_line,
    psycopg_module,
)
from ._pg_crawl import SharedCrawl
from ._pg_schema import COLLATE_C, MIGRATIONS, PG_SCHEMA_VERSION
from ._queries import undated_as_nan
from ._schema import ACTOR_MERGE, INTERACTION_MERGE, LINK_MERGE, NO_TS, POST_MERGE
from ._sqlite import Store, write_batch

__all__ = ["PgStore"]

#: Types of the staging tables' columns that are not text (binary COPY needs them).
_STAGE_TYPES = {"ord": "int8", "followers": "int8", "likes": "int8", "reshares": "int8", "replies": "int8",
                "ts": "float8", "weight": "float8"}

_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_strings(values, n: int):
    """A column of strings (``None`` for NULL; the whole column ``None``: NULL on all ``n`` rows)
    as fields of a text-format ``COPY``, escaped where needed."""
    if values is None:
        return repeat("\\N", n)
    if None in values:
        return ["\\N" if v is None else v.translate(_COPY_ESCAPES) for v in values]
    text = "".join(values)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        return [v.translate(_COPY_ESCAPES) for v in values]
    return values


def copy_numbers(values, n: int, default: str = "\\N"):
    """A column of numbers (``None`` for NULL; the whole column ``None``: ``default`` on all
    ``n`` rows) as fields of a text-format ``COPY``: ``str`` of a float is its shortest exact
    form, which the database reads back to the same float."""
    if values is None:
        return repeat(default, n)
    if None in values:
        return ["\\N" if v is None else str(v) for v in values]
    return map(str, values)


class PgStore(SharedCrawl, Store):
    """A sector's store in a PostgreSQL database; see the module docstring.

    Parameters
    ----------
    url : str
        ``postgresql://USER@HOST[:PORT]/DBNAME`` (any libpq URL; the password from
        ``PGPASSWORD`` or ``~/.pgpass``). ``path`` is this URL with the password masked.
    readonly : bool, default=False
        Never write: an empty database is refused, nothing is created or migrated.

    Raises
    ------
    StoreError
        psycopg is missing, the server cannot be reached, the login is refused, the database
        holds other tables but no influence store, or it is empty and ``readonly``.
    SchemaVersionError
        The database was written by a newer influence.
    """

    def __init__(self, url: str, *, readonly: bool = False):
        self._url = url
        self.path = mask_url(url)
        self.readonly = readonly
        self._own_sidecars = False
        self._busy_timeout = 0.0
        self.created = False
        self._pg = connect(url, readonly=readonly)
        self._conn = PgConn(self._pg)
        try:
            self._migrate(readonly)
        except BaseException:
            self._pg.close()
            raise

    # -- lifecycle ---------------------------------------------------------------------------------

    def _version(self) -> int | None:
        # pg_tables, not to_regclass: to_regclass answers from the session's catalog cache, which
        # can keep "no such table" after another process committed it (a crawl worker started at
        # the same moment), until the session next takes a lock; a query on the catalog sees
        # every committed table
        if not self._pg.execute("SELECT EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = current_schema() "
                                "AND tablename = 'influence_schema')").fetchone()[0]:
            return None
        row = self._pg.execute("SELECT max(version) FROM influence_schema").fetchone()
        return int(row[0] or 0)

    def _tables(self) -> int:
        return self._pg.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()").fetchone()[0]

    def _migrate(self, readonly: bool) -> None:
        psycopg = psycopg_module()
        self.migrated_from = None
        try:
            version, others = self._version(), 0
            if version is None:
                others = self._tables()
                if others:
                    # another process (a crawl worker started at the same time) may have
                    # committed the new store between the two queries (its tables and
                    # influence_schema arrive in one transaction); it holds the lock below until
                    # its commit is announced, so the version read again under the lock tells
                    self._pg.execute("SELECT pg_advisory_lock(7261530019)")
                    try:
                        version = self._version()
                    finally:
                        self._pg.execute("SELECT pg_advisory_unlock(7261530019)")
            if version is not None and version > PG_SCHEMA_VERSION:
                raise SchemaVersionError(
                    f"{self.path}: store schema version {version} is newer than this influence "
                    f"understands ({PG_SCHEMA_VERSION}); upgrade influence")
            if version == PG_SCHEMA_VERSION:
                return
            if version is None:
                # the count read before the version, not a new one: a store committed since then
                # by a worker started at the same moment is not "another program's tables"; the
                # creation below, under the lock, finds it and leaves it as it is
                if others:
                    raise StoreError(f"{self.path}: a PostgreSQL database with {others} tables, but "
                                     "not an influence store (use an empty database or schema)")
                if readonly:
                    raise StoreError(f"{self.path}: an empty database, not an influence store yet; "
                                     "import or crawl data into it first")
            elif readonly:
                raise StoreError(f"{self.path}: store schema version {version} was written by an older "
                                 f"influence; `influence migrate` upgrades it to {PG_SCHEMA_VERSION}")
            # one migrating process at a time (crawl workers starting together); taken before the
            # transaction, whose first statement then sees what the previous holder created
            self._pg.execute("SELECT pg_advisory_lock(7261530019)")
            try:
                self._create_or_migrate()
            finally:
                self._pg.execute("SELECT pg_advisory_unlock(7261530019)")
        except psycopg.Error as exc:
            raise StoreError(f"{self.path}: {first_line(scrub(str(exc), self._url))}") from None

    def _create_or_migrate(self) -> None:
        with self._pg.transaction():
            version = self._version()
            if version is None:
                self._pg.execute("CREATE TABLE influence_schema (version integer NOT NULL)")
                self._pg.execute("INSERT INTO influence_schema VALUES (0)")
                version = 0
                self.created = True
            for step in range(version, PG_SCHEMA_VERSION):
                MIGRATIONS[step](self._pg)
            if version < PG_SCHEMA_VERSION:
                self._pg.execute("UPDATE influence_schema SET version = %s", (PG_SCHEMA_VERSION,))
                if version > 0:
                    self._pg.execute("DELETE FROM meta WHERE key = 'fingerprint'")
                    self.migrated_from = version

    @property
    def schema_version(self) -> int:
        return self._version() or 0

    @property
    def url(self) -> str:
        """The URL as given (may hold a password: never show it; ``path`` is the masked one)."""
        return self._url

    def close(self) -> None:
        self._pg.close()

    def _close_quietly(self) -> None:
        try:
            self._pg.close()
        except Exception:  # pragma: no cover
            pass

    def __repr__(self) -> str:
        return f"PgStore({self.path!r})"

    @contextmanager
    def transaction(self) -> Iterator[PgConn]:
        """Run a block in one transaction (rolled back on error)."""
        with self._pg.transaction():
            yield self._conn

    # -- writing -----------------------------------------------------------------------------------

    def _stage_tables(self) -> None:
        # created once per connection; emptied with DELETE (a TRUNCATE per crawl page cost more
        # than the page's rows)
        self._writes = getattr(self, "_writes", 0) + 1
        if getattr(self, "_staged", False) and self._writes % 1000:
            self._pg.execute("DELETE FROM _s_actor; DELETE FROM _s_post; DELETE FROM _s_int; DELETE FROM _s_link")
            return
        self._pg.execute(f"""
            CREATE TEMP TABLE IF NOT EXISTS _s_actor (ord bigint, id text {COLLATE_C}, platform text {COLLATE_C},
                name text {COLLATE_C}, url text {COLLATE_C}, followers bigint, competitor text {COLLATE_C},
                language text {COLLATE_C}, bio text {COLLATE_C});
            CREATE TEMP TABLE IF NOT EXISTS _s_post (ord bigint, id text {COLLATE_C}, author text {COLLATE_C},
                ts double precision, text text {COLLATE_C}, title text {COLLATE_C}, url text {COLLATE_C},
                language text {COLLATE_C}, likes bigint, reshares bigint, replies bigint,
                parent text {COLLATE_C}, format text {COLLATE_C}, tags text {COLLATE_C});
            CREATE TEMP TABLE IF NOT EXISTS _s_int (src bigint, dst bigint, kind text {COLLATE_C},
                ts double precision, post text {COLLATE_C}, weight double precision, rel text {COLLATE_C});
            CREATE TEMP TABLE IF NOT EXISTS _s_link (a text {COLLATE_C}, b text {COLLATE_C}, evidence text {COLLATE_C});
            TRUNCATE _s_actor, _s_post, _s_int, _s_link
        """)
        self._staged = True

    def _copy(self, table: str, columns: str, rows: Iterable[tuple]) -> None:
        # binary COPY: 0.69 s against 1.14 s in text for 300,000 interaction rows
        types = [_STAGE_TYPES.get(c.strip(), "text") for c in columns.split(",")]
        with self._pg.cursor() as cur, cur.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(types)
            for row in rows:
                copy.write_row(row)

    def _count(self, sql: str) -> int:
        return self._pg.execute(f"WITH w AS ({sql} RETURNING (xmax = 0) AS new) "
                                "SELECT count(*) FILTER (WHERE new) FROM w").fetchone()[0]

    def _flush(self, batch: RowBatch, new: dict[str, int]) -> None:
        # the order of store.py's flush: described actors (in the order given, so actor numbers
        # follow the same order as in SQLite), bare ones, posts, then interactions to the stage
        if batch.actors:
            self._pg.execute("DELETE FROM _s_actor")
            self._copy("_s_actor", "ord, id, platform, name, url, followers, competitor, language, bio",
                       ((i, *row) for i, row in enumerate(batch.actors.values())))
            new["actors"] += self._count(f"""
                INSERT INTO actors(id, platform, name, url, followers, competitor, language, bio)
                SELECT id, platform, name, url, followers, competitor, language, bio
                FROM _s_actor ORDER BY ord
                ON CONFLICT (id) DO UPDATE SET {ACTOR_MERGE}""")
        if batch.bare:
            self._add_bare(batch, new)
        if batch.posts:
            self._pg.execute("DELETE FROM _s_post")
            self._copy("_s_post", "ord, id, author, ts, text, title, url, language, likes, reshares, "
                       "replies, parent, format, tags",
                       ((i, *row) for i, row in enumerate(batch.posts.values())))
            new["posts"] += self._count(f"""
                INSERT INTO posts(id, author, ts, text, title, url, language, likes, reshares,
                                  replies, parent, format, tags)
                SELECT s.id, a.num, s.ts, s.text, s.title, s.url, s.language, s.likes, s.reshares,
                       s.replies, s.parent, s.format, s.tags
                FROM _s_post s JOIN actors a ON a.id = s.author ORDER BY s.ord
                ON CONFLICT (id) DO UPDATE SET {POST_MERGE}""")
        if batch.sum_duplicates and batch.interactions:
            self._copy_interactions(*zip(*batch.interactions))
        batch.clear_rows()

    #: Most actor ids a write keeps with their numbers (then it starts again, asking the database).
    MAX_CACHED_ACTORS = 1_000_000

    def _add_bare(self, batch: RowBatch, new: dict[str, int]) -> None:
        """Insert the batch's referenced actors that do not exist yet (numbered in id order, as in
        SQLite) and learn the numbers of all of them. Only ids this write has not met yet go to
        the database: an import sends each actor once, not once per batch it appears in."""
        nums = self._actor_nums
        if len(nums) + len(batch.bare) > self.MAX_CACHED_ACTORS:
            nums.clear()
        rows = batch.bare_rows(known=nums)
        if not rows:
            return
        self._pg.execute("DELETE FROM _s_actor")
        self._copy("_s_actor", "ord, id, platform", ((i, a, p) for i, (a, p) in enumerate(rows)))
        # DO NOTHING returns the inserted rows only: the new actors, with their numbers
        added = self._pg.execute("""
            INSERT INTO actors(id, platform) SELECT s.id, s.platform FROM _s_actor s
            WHERE NOT EXISTS (SELECT 1 FROM actors a WHERE a.id = s.id) ORDER BY s.ord
            ON CONFLICT (id) DO NOTHING RETURNING id, num""").fetchall()
        new["actors"] += len(added)
        nums.update(added)
        if len(added) < len(rows):  # the others existed already
            self._actor_num_list([a for a, _ in rows])

    def _actor_num_list(self, ids) -> list[int]:
        """The numbers of existing actors ``ids`` (from this write's cache, else the database)."""
        nums = self._actor_nums
        try:
            return list(map(nums.__getitem__, ids))
        except KeyError:  # forgotten when the cache was full
            missing = list({a for a in ids if a not in nums})
            nums.update(self._pg.execute("SELECT id, num FROM actors WHERE id = ANY(%s)", (missing,)))
            return [nums[a] for a in ids]

    def _copy_interactions(self, src, dst, kind, ts, post, weight, rel) -> None:
        """Stage interaction columns, their actors already written, with one text-format ``COPY``:
        the rows are formatted by joining strings, not by one ``write_row`` call per row (which
        was most of an import's Python time), and carry actor numbers, so the merge into the
        table needs no join on actor ids."""
        n = len(src)
        fields = (map(str, self._actor_num_list(src)), map(str, self._actor_num_list(dst)),
                  copy_strings(kind, n), copy_numbers(ts, n), copy_strings(post, n),
                  copy_numbers(weight, n, "1.0"), copy_strings(rel, n))
        block = "\n".join(map("\t".join, zip(*fields)))
        with self._pg.cursor() as cur, \
                cur.copy("COPY _s_int (src, dst, kind, ts, post, weight, rel) FROM STDIN") as copy:
            copy.write(block + "\n")

    def write(self, records: Iterable[Actor | Post | Interaction | SameAs], *,
              sum_duplicates: bool = True, _after=None) -> dict[str, int]:
        """Upsert records in one transaction; see :meth:`influence.store.Store.write`."""
        psycopg = psycopg_module()
        try:
            return self._write(self._fill(records), sum_duplicates, _after)
        except (psycopg.errors.DeadlockDetected, psycopg.errors.SerializationFailure) as exc:
            raise StoreError(f"{self.path}: {first_line(scrub(str(exc), self._url))}; try again") from None

    def _fill(self, records):
        batch_size = write_batch()

        def fill(batch: RowBatch, new: dict[str, int]) -> None:
            for rec in records:
                batch.add(rec)
                if len(batch) >= batch_size:
                    self._flush(batch, new)

        return fill

    def write_interaction_columns(self, batches: Iterable[tuple], *, sum_duplicates: bool = True) -> dict[str, int]:
        """Write interactions given as columns in one transaction, the bulk path of file imports
        (see :meth:`influence.store.Store.write_interaction_columns`): the columns go to the
        staging table with ``COPY``, without a record object per row; a first import of at least
        :data:`BULK_ROWS` rows into an empty table goes straight into it (:meth:`_bulk_load`)."""

        def fill(batch: RowBatch, new: dict[str, int]) -> None:
            rest = map(plain_columns, batches)
            head, rows = [], 0
            for cols in rest:  # enough rows for the first-import path?
                head.append(cols)
                rows += len(cols[0])
                if rows >= self.BULK_ROWS:
                    break
            if rows and rows >= self.BULK_ROWS and self._bulk_start():
                new["interactions"] = self._bulk_load(chain(head, rest), sum_duplicates, new)
                return
            for src, dst, kind, ts, post, weight, rel in chain(head, rest):
                n = len(src)
                if not n:
                    continue
                batch.bare.update(src)
                batch.bare.update(dst)
                self._flush(batch, new)  # their actors first
                if sum_duplicates:
                    self._copy_interactions(src, dst, kind, ts, post, weight, rel)
                else:
                    batch.interactions.extend(zip(
                        src, dst, kind, ts, repeat(None, n) if post is None else post,
                        repeat(1.0, n) if weight is None else weight, repeat(None, n) if rel is None else rel))

        return self._write(fill, sum_duplicates, None)

    # -- a first import: COPY straight into the table --------------------------------------------

    def _bulk_start(self) -> bool:
        """Prepare a first import: with the interactions table empty (checked again under its
        lock), lock it and the actors, drop the table's indexes and empty it; False otherwise.

        The actors are locked first (``SHARE ROW EXCLUSIVE``: readers go on, other writers wait
        for this transaction), in the order every write takes the two tables, so a writer
        between the two locks finishes first instead of deadlocking. Under that lock the actors
        this write does not know are the ones in the table, so it numbers new ones itself. The
        ``TRUNCATE`` of the empty table gives it a new file, which ``COPY`` fills in the order
        written without the free space map: duplicates of the call merge in that order.

        The first look is at the table's size (a table never written, or emptied by this path's
        rolled-back attempt, has no page): ``pg_relation_size`` lets go of the table at once,
        where a ``SELECT`` would keep a lock on it to the end of the transaction, and two
        importers each keeping one would deadlock, each waiting for the other to let go."""
        pg = self._pg
        if not self._no_interaction_page():
            return False
        pg.execute("LOCK TABLE actors IN SHARE ROW EXCLUSIVE MODE")
        pg.execute("LOCK TABLE interactions IN ACCESS EXCLUSIVE MODE")
        if not pg.execute("SELECT NOT EXISTS (SELECT 1 FROM interactions)").fetchone()[0]:
            return False
        self._bulk_indexes = pg.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'interactions' "
            "AND schemaname = current_schema() ORDER BY indexdef NOT LIKE 'CREATE UNIQUE%'").fetchall()
        for name, _ in self._bulk_indexes:
            pg.execute(f'DROP INDEX "{name}"')
        pg.execute("TRUNCATE interactions")
        # a lost commit (server crash right after it) is an import to run again, which is idempotent
        pg.execute("SET LOCAL synchronous_commit = off")
        return True

    def _no_interaction_page(self) -> bool:
        return self._pg.execute("SELECT pg_relation_size('interactions') = 0").fetchone()[0]

    def _bulk_load(self, batches: Iterable[tuple], sum_duplicates: bool, new: dict[str, int]) -> int:
        """COPY interaction columns into the empty ``interactions`` table prepared by
        :meth:`_bulk_start`, in one stream when every actor is known, numbering new actors here
        (in id order per batch, as :meth:`_add_bare`) and copying them to ``actors`` after; then
        build the indexes, merging the call's duplicates if the unique one finds some. Returns
        the rows in the table."""
        pg = self._pg
        seq = pg.execute("SELECT pg_get_serial_sequence('actors', 'num')").fetchone()[0]
        first, all_known = pg.execute(
            f"SELECT greatest(coalesce((SELECT max(num) FROM actors), 0) + 1, "
            f"CASE WHEN is_called THEN last_value + 1 ELSE last_value END), "
            f"NOT EXISTS (SELECT 1 FROM actors) FROM {seq}").fetchone()
        num = first
        nums: dict[str, int] = {}  # actor id -> number
        get = nums.get
        fresh: list[tuple[int, str]] = []  # new actors not copied yet
        stream = CopyStream(pg)
        rows = 0
        try:
            for src, dst, kind, ts, post, weight, rel in batches:
                n = len(src)
                if not n:
                    continue
                s, d = list(map(get, src)), list(map(get, dst))
                if None in s or None in d:
                    ids = {a for a, v in zip(src, s) if v is None}
                    ids.update(a for a, v in zip(dst, d) if v is None)
                    if len(nums) + len(ids) > self.MAX_CACHED_ACTORS:  # start again, asking the database
                        stream.close()
                        self._copy_actors(fresh)
                        nums.clear()
                        all_known = False
                        ids = set(src)
                        ids.update(dst)
                    if not all_known:
                        stream.close()
                        nums.update(pg.execute("SELECT id, num FROM actors WHERE id = ANY(%s)", (list(ids),)))
                        ids = [a for a in ids if a not in nums]
                    for a in sorted(ids):
                        nums[a] = num
                        fresh.append((num, a))
                        num += 1
                    s = [nums[a] if v is None else v for a, v in zip(src, s)]
                    d = [nums[a] if v is None else v for a, v in zip(dst, d)]
                block = None
                if post is None and rel is None:
                    block = copy_binary_interactions(s, d, kind, ts, weight)
                if block is not None:
                    stream.write(f"COPY interactions (src, dst, kind, ts{'' if weight is None else ', weight'}) "
                                 "FROM STDIN (FORMAT BINARY)", block)
                else:
                    cols = ["src", "dst", "kind", "ts"]
                    fields = [map(str, s), map(str, d), copy_strings(kind, n), copy_numbers(ts, n)]
                    for name, col, text in (("post", post, copy_strings), ("weight", weight, copy_numbers),
                                            ("rel", rel, copy_strings)):
                        if col is not None:
                            cols.append(name)
                            fields.append(text(col, n))
                    stream.write(f"COPY interactions ({', '.join(cols)}) FROM STDIN",
                                 "\n".join(map("\t".join, zip(*fields))) + "\n")
                rows += n
        except BaseException as exc:
            stream.close(exc)
            raise
        stream.close()
        self._copy_actors(fresh)
        new["actors"] += num - first
        if num > first:
            pg.execute("SELECT setval(%s, %s)", (seq, num - 1))
        return rows - self._bulk_indexes_build(sum_duplicates)

    def _copy_actors(self, fresh: list[tuple[int, str]]) -> None:
        """COPY new actors, numbered by :meth:`_bulk_load`, into ``actors``."""
        if not fresh:
            return
        fresh.sort(key=lambda r: r[1])  # in id order, the id index grows at its end: 25% faster
        ids = copy_strings([a for _, a in fresh], len(fresh))
        platforms = copy_strings([a.partition(":")[0] if ":" in a else "" for _, a in fresh], len(fresh))
        block = "\n".join(map("\t".join, zip(map(str, (k for k, _ in fresh)), ids, platforms)))
        with self._pg.cursor() as cur, cur.copy("COPY actors (num, id, platform) FROM STDIN") as copy:
            copy.write(block + "\n")
        fresh.clear()

    def _bulk_indexes_build(self, sum_duplicates: bool) -> int:
        """Build the indexes :meth:`_bulk_start` dropped, the unique one first; when it finds
        duplicate keys, merge them (:meth:`_bulk_merge_duplicates`) and build it again. Returns
        the rows the merge deleted."""
        psycopg = psycopg_module()
        pg = self._pg
        gone = 0
        for _, sql in self._bulk_indexes:
            if not sql.startswith("CREATE UNIQUE"):
                pg.execute(sql)
                continue
            try:
                with pg.transaction():  # a savepoint
                    pg.execute(sql)
            except psycopg.errors.UniqueViolation:
                gone = self._bulk_merge_duplicates(sum_duplicates)
                pg.execute(sql)
        return gone

    def _bulk_merge_duplicates(self, sum_duplicates: bool) -> int:
        """Rows with the same key become one, as SQLite's loader merges them: the first written
        (``ctid`` order is the order written, see :meth:`_bulk_start`) with the weights summed
        in that order and capped at 1e12 and the largest ``rel`` (or, without
        ``sum_duplicates``, the last row's weight and ``rel``); the others are deleted. Returns
        the rows deleted."""
        pg = self._pg
        if sum_duplicates:
            weight, rel = "least(sum(weight ORDER BY ctid), 1e12)", "max(rel)"
        else:
            weight, rel = "(array_agg(weight ORDER BY ctid DESC))[1]", "(array_agg(rel ORDER BY ctid DESC))[1]"
        pg.execute(f"""
            CREATE TEMP TABLE _s_dup ON COMMIT DROP AS
            SELECT array_agg(ctid ORDER BY ctid) AS tids, {weight} AS weight, {rel} AS rel
            FROM interactions GROUP BY src, dst, kind, coalesce(ts, -1.0e300), coalesce(post, '')
            HAVING count(*) > 1""")
        gone = pg.execute("DELETE FROM interactions WHERE ctid = ANY(ARRAY(SELECT unnest(tids[2:]) FROM _s_dup))").rowcount
        pg.execute("UPDATE interactions i SET weight = d.weight, rel = d.rel FROM _s_dup d WHERE i.ctid = d.tids[1]")
        pg.execute("DROP TABLE _s_dup")
        return gone

    def _write(self, fill, sum_duplicates: bool, _after) -> dict[str, int]:
        psycopg = psycopg_module()
        new = {"actors": 0, "posts": 0, "interactions": 0}
        links_new = 0
        try:
            with self._pg.transaction():
                self._stage_tables()
                self._actor_nums: dict[str, int] = {}  # this write's: valid inside its transaction
                batch = RowBatch(sum_duplicates)
                fill(batch, new)
                self._flush(batch, new)
                if batch.links:
                    links = sorted(batch.links.items())
                    self._copy("_s_link", "a, b, evidence", ((a, b, ev) for (a, b), ev in links))
                    links_new = self._count(f"""
                        INSERT INTO identity_links(a, b, evidence)
                        SELECT x.num, y.num, s.evidence FROM _s_link s
                        JOIN actors x ON x.id = s.a JOIN actors y ON y.id = s.b ORDER BY x.num, y.num
                        ON CONFLICT (a, b) DO UPDATE SET {LINK_MERGE}""")
                if not sum_duplicates and batch.interactions:
                    self._copy_interactions(*zip(*batch.last_interactions()))
                new["interactions"] += self._merge_interactions()
                self._pg.execute("DELETE FROM _s_int")
                if _after is not None:
                    _after()
                self._pg.execute(
                    "INSERT INTO meta(key, value) VALUES ('generation', '1') ON CONFLICT (key) "
                    "DO UPDATE SET value = (meta.value::bigint + 1)::text")
                has_links = links_new or self._pg.execute(
                    "SELECT EXISTS (SELECT 1 FROM identity_links)").fetchone()[0]
        except BaseException as exc:
            self._staged = False  # a rolled-back transaction took the staging tables with it
            if isinstance(exc, psycopg.errors.ReadOnlySqlTransaction):
                raise StoreError(f"{self.path}: the store is open read-only") from None
            retry = (psycopg.errors.DeadlockDetected, psycopg.errors.SerializationFailure)
            if isinstance(exc, psycopg.OperationalError) and not isinstance(exc, retry):
                raise StoreError(f"{self.path}: {first_line(scrub(str(exc), self._url))}") from None
            raise
        if has_links:
            new["identity_links"] = links_new
        return new

    #: Staged interactions from which a write into an empty table drops and rebuilds its indexes.
    BULK_ROWS = 50_000

    def _merge_interactions(self) -> int:
        """Move the staged interactions into the table (duplicates summed); return the new rows."""
        select = """
            SELECT src, dst, kind, ts, post, least(sum(weight), 1e12), max(rel) FROM _s_int
            GROUP BY src, dst, kind, ts, post ORDER BY src, dst, kind, ts, post"""
        pg = self._pg
        bulk = pg.execute(f"SELECT count(*) >= {self.BULK_ROWS} FROM (SELECT 1 FROM _s_int "
                          f"LIMIT {self.BULK_ROWS}) t").fetchone()[0]
        if bulk and self._no_interaction_page():  # no lock kept: see _bulk_start
            # a first import: no row can conflict, so insert without the indexes and build them
            # after, one sort each (3.5x faster than 300,000 index insertions); the table lock
            # makes concurrent writers wait, and the emptiness is checked again under it
            pg.execute("LOCK TABLE interactions IN ACCESS EXCLUSIVE MODE")
            if not pg.execute("SELECT EXISTS (SELECT 1 FROM interactions)").fetchone()[0]:
                indexes = pg.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = "
                                     "'interactions' AND schemaname = current_schema()").fetchall()
                for name, _ in indexes:
                    pg.execute(f'DROP INDEX "{name}"')
                n = pg.execute(f"INSERT INTO interactions(src, dst, kind, ts, post, weight, rel) {select}").rowcount
                for _, sql in indexes:
                    pg.execute(sql)
                return n
        return self._count(f"""
            INSERT INTO interactions(src, dst, kind, ts, post, weight, rel) {select}
            ON CONFLICT (src, dst, kind, coalesce(ts, -1.0e300), coalesce(post, ''))
            DO UPDATE SET {INTERACTION_MERGE}""")

    # -- reading (what store.py's SQL cannot say the same way in PostgreSQL) -------------------------

    def counts(self) -> dict[str, int]:
        a, p, i, links = self._pg.execute(
            "SELECT (SELECT count(*) FROM actors), (SELECT count(*) FROM posts), "
            "(SELECT count(*) FROM interactions), (SELECT count(*) FROM identity_links)").fetchone()
        out = {"actors": a, "posts": p, "interactions": i}
        if links:
            out["identity_links"] = links
        return out

    def post_stats(self, *, since=None, until=None, keywords=()):
        # PostgreSQL wants every selected column grouped: group by the author's id, not its number
        return self._with_grouped(lambda: Store.post_stats(self, since=since, until=until, keywords=keywords))

    def last_activity(self) -> dict[str, float]:
        return self._with_grouped(lambda: Store.last_activity(self))

    def _with_grouped(self, fn):
        real = self._conn

        class _Grouped(PgConn):
            def execute(self, sql, params=()):
                sql = sql.replace("GROUP BY p.author", "GROUP BY p.author, a.id")
                sql = sql.replace("GROUP BY t.num", "GROUP BY t.num, a.id")
                return PgConn.execute(self, sql, params)

        self._conn = _Grouped(self._pg)
        try:
            return fn()
        finally:
            self._conn = real

    #: Rows per ``bytea`` the database sends for :meth:`interaction_arrays` (40 bytes a row).
    ARRAY_CHUNK = 1_000_000

    def interaction_arrays(self, *, kinds=None, since=None, until=None, platforms=None, chunk: int = 200_000):
        """See :meth:`influence.store.Store.interaction_arrays`. The database packs the rows into
        fixed-width binary (``int8send``/``float8send``), one ``bytea`` per
        :data:`ARRAY_CHUNK` rows, which numpy reads in place: no Python object per row (a binary
        ``COPY`` would hand over one message, so one Python object, per row)."""
        import numpy as np

        from ..records import KINDS

        where, params = self._filters(kinds, since, until, platforms)
        code = "CASE i.kind " + " ".join(f"WHEN '{k}' THEN {j}" for j, k in enumerate(KINDS)) + " END"
        inner = (f"SELECT row_number() OVER (ORDER BY i.src, i.dst, i.kind, coalesce(i.ts, -1.0e300), "
                 f"coalesce(i.post, '')) AS rn, int8send(i.src) || int8send(i.dst) || "
                 f"int8send(({code})::bigint) || float8send(coalesce(i.ts, {NO_TS!r})::float8) || "
                 f"float8send(i.weight::float8) AS rec FROM interactions i")
        if platforms is not None:
            inner += " JOIN actors a ON a.num = i.src"
        if where:
            inner += " WHERE " + " AND ".join(where)
        sql = (f"SELECT string_agg(rec, ''::bytea ORDER BY rn) FROM ({inner}) t "
               f"GROUP BY (rn - 1) / {int(self.ARRAY_CHUNK)} ORDER BY (rn - 1) / {int(self.ARRAY_CHUNK)}")
        with self._pg.cursor(binary=True) as cur:
            cur.execute(sql.replace("?", "%s"), params or None)
            raw = b"".join(bytes(r[0]) for r in cur)
        row = np.dtype([("src", ">i8"), ("dst", ">i8"), ("kind", ">i8"), ("ts", ">f8"), ("w", ">f8")])
        data = np.frombuffer(raw, dtype=row)
        src = data["src"].astype(np.int64)
        dst = data["dst"].astype(np.int64)
        kind = data["kind"].astype(np.int64)
        ts = data["ts"].astype(np.float64)
        weight = data["w"].astype(np.float64)
        del data, raw
        if undated_as_nan(ts):
            self._warn_out_of_range("interactions")
        return src, dst, kind, ts, weight

    def fingerprint(self) -> str:
        """See :meth:`influence.store.Store.fingerprint`: the same digest for the same records.
        Read in one snapshot (``REPEATABLE READ``), so concurrent writers cannot tear it."""
        psycopg = psycopg_module()
        with self._pg.transaction():
            self._pg.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            gen = self.get_meta("generation", "0")
            cached = self.get_meta("fingerprint")
            if cached and cached.startswith(gen + ":"):
                return cached.split(":", 1)[1]

            def rows(sql: str):
                with self._pg.cursor(name=f"fp_{os.getpid()}") as cur:
                    cur.itersize = 20_000
                    cur.execute(sql)
                    yield from cur

            digest = hash_rows(rows(q) for q in FINGERPRINT_QUERIES)
        if not self.readonly:
            try:
                self.set_meta("fingerprint", f"{gen}:{digest}")
            except psycopg.Error:  # pragma: no cover - a read-only login: do not cache
                pass
        return digest
