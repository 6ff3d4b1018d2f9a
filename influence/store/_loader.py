"""The bulk loader of SQLite writes: every interaction a write transaction writes goes through
:class:`InteractionLoader` (actors numbered as met, a new store's indexes built after the load)."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Iterator
from itertools import compress, repeat
from operator import is_

from .._arrays import unique_sorted
from .._columns import CodedIds, plain_columns
from ..records import Interaction
from ._schema import INTERACTION_KEY, INTERACTION_MERGE

__all__ = ["SORT_CACHE_KIB", "InteractionLoader", "records_of_columns"]

#: Page cache while an index is built (``PRAGMA cache_size``, negative: KiB): SQLite's default.
SORT_CACHE_KIB = -2000


def records_of_columns(batches: Iterable[tuple]) -> Iterator[Interaction]:
    """The :class:`~influence.records.Interaction` records that interaction columns describe
    (see :meth:`influence.store.Store.write_interaction_columns`)."""
    for src, dst, kind, ts, post, weight, rel in map(plain_columns, batches):
        n = len(src)
        for i in range(n):
            yield Interaction(src[i], dst[i], kind[i], ts[i], None if post is None else post[i],
                              1.0 if weight is None else weight[i], None if rel is None else rel[i])


class InteractionLoader:
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
        self._vocab = None  # the IdVocabulary of the last coded column, and its codes' numbers
        self._code_nums = None

    # -- actors --------------------------------------------------------------------------------

    def actor_nums(self, ids: list[str]) -> list[int]:
        """The actor numbers of ``ids`` (canonical ids), inserting bare rows for new actors."""
        num = self.num
        out = list(map(num.get, ids))  # one lookup per id: with a million actors, each a cache miss
        if None in out:
            missing = set(compress(ids, map(is_, out, repeat(None))))  # C-level passes, no Python step per id
            if len(num) + len(missing) > self.MAX_CACHED_ACTORS:
                num.clear()
                self.all_known = False
                missing = set(ids)
            self._add_actors(sorted(missing))
            out = list(map(num.__getitem__, ids))
        return out

    def column_nums(self, col) -> list[int]:
        """The actor numbers of a column of ids: a list of canonical ids, or a
        :class:`~influence._columns.CodedIds` (each code of its vocabulary looked up once, the
        column mapped with one numpy ``take``)."""
        if not isinstance(col, CodedIds):
            return self.actor_nums(col)
        import numpy as np

        vocab, codes = col.vocab, col.codes
        if vocab is not self._vocab:
            self._vocab, self._code_nums = vocab, np.zeros(0, dtype=np.int64)
        if len(self._code_nums) < len(vocab.ids):  # -1: not looked up yet
            grow = np.full(len(vocab.ids) - len(self._code_nums), -1, dtype=np.int64)
            self._code_nums = np.concatenate([self._code_nums, grow])
        nums = self._code_nums[codes]
        if nums.size and nums.min() < 0:
            # only the ids the rows use become actors (a vocabulary also holds refused rows' ids)
            new = unique_sorted(codes[nums < 0])
            self._code_nums[new] = self.actor_nums(list(map(vocab.ids.__getitem__, new.tolist())))
            nums = self._code_nums[codes]
        return nums.tolist()

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
        values = [self.column_nums(src), self.column_nums(dst), kind, ts]
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
        self._create_index(f"CREATE UNIQUE INDEX temp._bulk_key ON _bulk_interactions({INTERACTION_KEY})",
                           "temp._bulk_interactions")
        # "WHERE true" is required: without it SQLite parses ON CONFLICT as a join constraint.
        conn.execute(
            f"""
            INSERT INTO interactions(src, dst, kind, ts, post, weight, rel)
            SELECT src, dst, kind, ts, post, weight, rel FROM temp._bulk_interactions
            WHERE true ORDER BY {INTERACTION_KEY}
            ON CONFLICT({INTERACTION_KEY}) DO UPDATE SET {INTERACTION_MERGE}
            """
        )
        conn.execute("DROP TABLE temp._bulk_interactions")

    def _create_index(self, sql: str, table: str) -> None:
        """Create an index; a unique one that finds duplicates first merges them.

        SQLite builds an index by an external merge sort whose sorted runs are as large as the
        page cache: the bulk transaction's 64 MiB cache made runs too big for the CPU's caches,
        and the two index builds of 5,000,000 rows took 17 s; with SQLite's default 2 MiB and
        its sorter's worker threads (``PRAGMA threads``) they take 5-6 s
        (``python benchmarks/import_scale.py``)."""
        conn = self.conn
        cache = conn.execute("PRAGMA cache_size").fetchone()[0]
        conn.execute(f"PRAGMA cache_size = {SORT_CACHE_KIB}")
        conn.execute(f"PRAGMA threads = {min(4, os.cpu_count() or 1)}")
        try:
            try:
                conn.execute(sql)
            except sqlite3.IntegrityError:
                self._merge_duplicates(table)
                conn.execute(sql)
        finally:
            conn.execute("PRAGMA threads = 0")
            conn.execute(f"PRAGMA cache_size = {int(cache)}")

    def _merge_duplicates(self, table: str) -> None:
        """Rows of ``table`` with the same key become one: the first (by rowid, that is in the
        order written) with the summed weight (or the last row's weight and rel, when
        ``sum_duplicates`` is false) and the largest non-null ``rel``; the others are deleted."""
        conn = self.conn
        rows = conn.execute(
            f"""
            SELECT rowid, {INTERACTION_KEY}, weight, rel FROM {table}
            WHERE ({INTERACTION_KEY}) IN
                (SELECT {INTERACTION_KEY} FROM {table} GROUP BY {INTERACTION_KEY} HAVING count(*) > 1)
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
