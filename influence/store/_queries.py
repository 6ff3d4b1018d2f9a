"""The store's read queries for the graph builder and the analyses: interactions as numpy arrays
(no Python object per row), actor numbers and ids, identity pairs, actor attributes, post
statistics, last activity and time range. Mixed into :class:`~influence.store.Store`; the
PostgreSQL store reuses this SQL through its ``?`` adapter and replaces what it says differently."""

from __future__ import annotations

import sqlite3
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from ..records import TIMESTAMP_MAX, TIMESTAMP_MIN
from ._schema import NO_TS, TS_OK

__all__ = ["GraphQueries", "undated_as_nan"]


def _fold(text: str) -> str:
    """Lower-case and strip accents (``Café`` -> ``cafe``) for keyword matching."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))



def undated_as_nan(ts):
    """Turn the unknown times (stored as :data:`NO_TS`) and the ones outside the accepted range of
    a float array into NaN, in place; return whether there were any of the latter."""
    import numpy as np

    unknown = ts <= NO_TS / 2
    bad = ~unknown & ~((ts >= TIMESTAMP_MIN) & (ts < TIMESTAMP_MAX))
    ts[unknown | bad] = np.nan
    return bool(bad.any())


def _time_window(column: str, since: float | None, until: float | None) -> tuple[list[str], list]:
    """SQL conditions and parameters for ``since <= column < until`` (either bound optional); with
    a bound, times outside the accepted range are left out."""
    where, params = [], []
    if since is not None:
        where.append(f"{column} >= ?")
        params.append(float(since))
    if until is not None:
        where.append(f"{column} < ?")
        params.append(float(until))
    if where:
        where.append(TS_OK.replace("ts", column))
    return where, params


#: The text read's codes (see ``GraphQueries._interaction_columns``): a time scaled by 2**30 is an
#: exact integer of magnitude below 2**62, so these two never stand for a value.
_TS_SCALE = 2 ** 30
_NULL = 2 ** 62
_FLAGGED = -(2 ** 62)
_UNKNOWN = -1


def _exact(column: str, scale: int, bound: float, null: int = _NULL) -> str:
    """SQL for ``column * scale`` as an integer when that is exact and ``column`` a number of
    magnitude below ``bound`` (text and blobs compare above every number), ``NULL`` as ``null``,
    anything else as :data:`_FLAGGED`."""
    x = f"{column} * {float(scale)!r}" if scale != 1 else column
    return (f"CASE WHEN {column} IS NULL THEN {null} WHEN {column} < {bound!r} AND {column} > {-bound!r} "
            f"AND {x} = CAST({x} AS INTEGER) THEN CAST({x} AS INTEGER) ELSE {_FLAGGED} END")


def _kind_codes(text: str, count: int):
    """The codes (indices into :data:`~influence.records.KINDS`) of ``count`` kind names joined
    by commas, matched whole in numpy (each name's first 8 bytes as one integer, its length
    checked); ``None`` when one is not a kind."""
    import numpy as np

    from ..records import KINDS

    data = text.encode("utf-8") + bytes(8)
    raw = np.frombuffer(data, dtype=np.uint8)
    ends = np.flatnonzero(raw == ord(","))
    if len(ends) != count - 1:
        return None
    starts = np.concatenate([[0], ends + 1])
    lengths = np.concatenate([ends, [len(raw) - 8]]) - starts
    if (lengths > 8).any() or (lengths < 1).any():
        return None
    # the 8 bytes from every offset, as one little-endian integer each (unaligned reads)
    window = np.ndarray((len(raw) - 7,), dtype="<u8", buffer=data, strides=(1,))
    keep = np.array([(1 << (8 * k)) - 1 for k in range(8)] + [2 ** 64 - 1], dtype=np.uint64)
    keys = window[starts] & keep[lengths]
    known = np.array([int.from_bytes(k.encode().ljust(8, b"\0"), "little") for k in KINDS], dtype=np.uint64)
    size = np.array([len(k.encode()) for k in KINDS])
    by_key = np.argsort(known)
    at = np.minimum(np.searchsorted(known[by_key], keys), len(known) - 1)
    if (known[by_key][at] != keys).any() or (size[by_key][at] != lengths).any():  # "like\0" is no "like"
        return None
    return by_key[at].astype(np.int64)


class GraphQueries:
    """The read queries of :class:`~influence.store.Store` that feed the graph builder (needs
    ``self._conn`` and ``self._warn_out_of_range``)."""

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
        object per row, so millions of interactions fit in little memory.

        Rows come in the order of the interactions' key (source, target, kind, time, post), so sums
        over them do not depend on the order records were written in. A stored time outside the
        accepted range is NaN (unknown), with a :class:`~influence.records.StoredDataWarning`.
        """
        import numpy as np

        where, params = self._filters(kinds, since, until, platforms)
        with self._snapshot():
            cols = self._interaction_columns(where, params, platforms is not None, chunk)
            if cols is None:  # a value the text read does not carry exactly: one tuple per row
                cols = self._interaction_rows(where, params, platforms is not None, chunk)
            src, dst, code, ts, w, rowid = cols
            order = self._key_order(src, dst, code, ts, rowid)
        ts = ts[order]
        if undated_as_nan(ts):
            self._warn_out_of_range("interactions")
        return src[order], dst[order], code[order].astype(np.int64), ts, w[order]

    @contextmanager
    def _snapshot(self) -> Iterator[None]:
        """One read transaction around several queries of a SQLite store (unless one is open),
        so they see the same rows while another process writes."""
        conn = self._conn
        if not isinstance(conn, sqlite3.Connection) or conn.in_transaction:
            yield
            return
        conn.execute("BEGIN")
        try:
            yield
        finally:
            if conn.in_transaction:
                conn.execute("COMMIT")

    def _interaction_sql(self, columns: str, where: list, joined: bool) -> str:
        sql = f"SELECT {columns} FROM interactions i"
        if joined:  # CROSS JOIN: interactions stay the outer loop, read in rowid ranges
            sql += " CROSS JOIN actors a ON a.num = i.src"
        return sql + (" WHERE " + " AND ".join(where) if where else "")

    def _interaction_rows(self, where, params, joined, chunk):
        """The columns ``(src, dst, kind code, ts or NO_TS, weight, rowid)`` one ``sqlite3`` tuple
        per row (the reference the text read falls back to; a kind code is NaN when unknown)."""
        import numpy as np

        from ..records import KINDS

        code = "CASE i.kind " + " ".join(f"WHEN '{k}' THEN {j}" for j, k in enumerate(KINDS)) + " END"
        cur = self._conn.execute(self._interaction_sql(
            f"i.src, i.dst, {code}, ifnull(i.ts, {NO_TS}), i.weight, i.rowid", where, joined),
            params)
        parts = []
        while True:
            rows = cur.fetchmany(chunk)
            if not rows:
                break
            parts.append(np.array(rows, dtype=np.float64))
        data = np.concatenate(parts) if parts else np.zeros((0, 6))
        return (data[:, 0].astype(np.int64), data[:, 1].astype(np.int64), data[:, 2].copy(), data[:, 3].copy(),
                data[:, 4].copy(), data[:, 5].astype(np.int64))

    def _interaction_columns(self, where, params, joined, chunk):
        """The columns of :meth:`_interaction_rows` without a Python object per row: per range of
        ``chunk`` rowids, SQLite joins each column into one string (``group_concat``), which numpy
        parses in C. Kinds go as their names (matched to :data:`~influence.records.KINDS` in
        numpy), times and weights as exact integers: ``ts * 2**30`` (exact for every time of
        magnitude below 2**32 with at most 30 fraction bits, so for every double from 1970-02-18
        on) and whole weights below 2**53; any other value is flagged, and the flagged rows are
        read as tuples. The rowids (last column) are a function, read only when needed. ``None``
        when a kind is not one of KINDS or a column is not the type the schema says."""
        import warnings

        import numpy as np

        if not isinstance(self._conn, sqlite3.Connection):  # group_concat and CROSS JOIN are SQLite's
            return None
        lo, hi, total = self._conn.execute("SELECT min(rowid), max(rowid), count(*) FROM interactions").fetchone()
        if total and hi - lo >= 4 * total + chunk:  # rowids far apart: ranges of them would be mostly empty
            return None
        weight = f"CASE WHEN i.weight = 1.0 THEN 1 ELSE {_exact('i.weight', 1, 2.0 ** 53, null=_FLAGGED)} END"
        where = ["i.rowid BETWEEN ? AND ?", *where]
        sql = self._interaction_sql(
            f"count(*), group_concat(i.src), group_concat(i.dst), group_concat(i.kind), "
            f"group_concat({_exact('i.ts', _TS_SCALE, 2.0 ** 32)}), group_concat({weight})", where, joined)
        parts, ranges = [], []
        for start in range(lo or 0, (hi or -1) + 1, chunk):
            count, src, dst, kind, *texts = self._conn.execute(sql, [start, start + chunk - 1, *params]).fetchone()
            if not count:
                continue
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("error")
                    cols = [np.fromstring(t, dtype=np.int64, sep=",") for t in (src, dst, *texts)]
            except (ValueError, TypeError, DeprecationWarning):
                return None
            codes = _kind_codes(kind, count)
            if codes is None or any(len(c) != count for c in cols):
                return None
            parts.append((cols[0], cols[1], codes, cols[2], cols[3]))
            ranges.append((start, count))
        if not parts:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, empty, np.zeros(0), np.zeros(0), lambda: empty
        src, dst, code, tsx, wx = (np.concatenate(c) for c in zip(*parts))
        ts = tsx.astype(np.float64) / _TS_SCALE  # exact: a power of two
        ts[tsx == _NULL] = NO_TS
        w = wx.astype(np.float64)
        read = self._interaction_sql("count(*), group_concat(i.rowid)", where, joined)

        def rowids():
            out = []
            for start, count in ranges:  # the same scans, in the same order, in the same snapshot
                n, text = self._conn.execute(read, [start, start + chunk - 1, *params]).fetchone()
                if n != count:
                    raise RuntimeError("the interactions changed while they were read")
                out.append(np.fromstring(text, dtype=np.int64, sep=","))
            return np.concatenate(out)

        odd = np.flatnonzero((tsx == _FLAGGED) | (wx == _FLAGGED))
        rowid = rowids() if len(odd) else None
        for i in range(0, len(odd), 500):
            part = odd[i:i + 500]
            exact = dict((r, (t, v)) for r, t, v in self._conn.execute(
                f"SELECT rowid, ifnull(ts, {NO_TS}), weight FROM interactions "
                f"WHERE rowid IN ({','.join('?' * len(part))})", rowid[part].tolist()))
            values = np.array([exact[r] for r in rowid[part].tolist()], dtype=np.float64)
            ts[part], w[part] = values[:, 0], values[:, 1]
        return src, dst, code, ts, w, (lambda: rowid) if rowid is not None else rowids

    def _key_order(self, src, dst, code, ts, rowid):
        """The order of the interactions' key (source, target, kind name, time, post) over the
        columns ``(src, dst, kind code, ts or NO_TS, rowid)``: as ``ORDER BY`` the key would give
        (a NaN code, an unknown kind, first). Source, target and kind packed in one integer when
        they fit: a stable sort of it, then by time within runs of equal keys. Rows equal on all
        but the post (rare) are ordered by their posts, read by rowid (``rowid`` may be a
        function that reads them)."""
        import numpy as np

        from ..records import KINDS

        by_name = np.argsort(np.argsort(np.array(KINDS)))  # kind code -> rank of its name
        n = len(src)
        if code.dtype.kind == "f":
            known = ~np.isnan(code)
            rank = np.full(n, -1, dtype=np.int64)
            rank[known] = by_name[code[known].astype(np.int64)]
        else:
            rank = by_name[code]
        if n < 2:
            return np.arange(n)
        if src.min() >= 0 and dst.min() >= 0 and src.max() < 2 ** 29 and dst.max() < 2 ** 30:
            packed = (src << 34) | (dst << 4) | (rank + 1)
            order = np.argsort(packed, kind="stable")
            same = packed[order[1:]] == packed[order[:-1]]
            if same.any():  # runs of one source, target and kind: by time, then as read
                pos = np.flatnonzero(np.concatenate([same, [False]]) | np.concatenate([[False], same]))
                sub = np.sort(order[pos])
                order[pos] = sub[np.lexsort((ts[sub], packed[sub]))]
        else:
            order = np.lexsort((ts, rank, dst, src))
            same = ((src[order[1:]] == src[order[:-1]]) & (dst[order[1:]] == dst[order[:-1]])
                    & (rank[order[1:]] == rank[order[:-1]]))
        tie = same & (ts[order[1:]] == ts[order[:-1]])
        if not tie.any():
            return order
        # runs of rows with the same key but their post: order each run by ifnull(post, '')
        starts = np.flatnonzero(tie & ~np.concatenate([[False], tie[:-1]]))
        in_run = np.zeros(len(order), dtype=bool)
        in_run[1:] |= tie
        in_run[:-1] |= tie
        if callable(rowid):
            rowid = rowid()
        rowids = rowid[order[in_run]].tolist()
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
            order[start:end + 1] = sorted(run.tolist(), key=lambda r: post[int(rowid[r])])
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

    def actor_columns(self, nums) -> tuple[list[str], list[list]]:
        """For actor numbers (a sorted array of distinct ones, as :meth:`interaction_arrays`
        gives them): their ids, and their ``(name, platform, followers, competitor, language)``
        as five columns (the values of :meth:`actor_attributes`), in the order of ``nums``.
        ``KeyError`` for a number no actor has. SQLite hands each column over as one JSON array
        (no Python object per row on the way); other stores read rows."""
        import json

        import numpy as np

        names = ("num", "id", "name", "platform", "followers", "competitor", "language")
        cols = None
        if isinstance(self._conn, sqlite3.Connection):
            # JSON carries integers and text exactly; a real where the schema says integer (written
            # by an older version) or a blob (json_group_array refuses it) goes through the rows
            try:
                count, *texts = self._conn.execute(
                    "SELECT count(*), " + ", ".join(f"json_group_array({c})" for c in names) + " FROM actors"
                ).fetchone()
            except sqlite3.OperationalError:
                texts = None
            if texts is not None:
                cols = [json.loads(t) for t in texts] if count else [[] for _ in names]
                if float in set(map(type, cols[4])) or float in set(map(type, cols[0])):
                    cols = None
        if cols is None:
            rows = self._conn.execute(f"SELECT {', '.join(names)} FROM actors").fetchall()
            cols = [list(c) for c in zip(*rows)] if rows else [[] for _ in names]
        have = np.array(cols[0], dtype=np.int64)
        by_num = np.arange(len(have)) if (have[1:] > have[:-1]).all() else np.argsort(have, kind="stable")
        wanted = np.asarray(nums, dtype=np.int64)
        at = np.searchsorted(have, wanted, sorter=by_num)
        found = at < len(have)
        found[found] = have[by_num[at[found]]] == wanted[found]
        if not found.all():
            raise KeyError(int(wanted[~found][0]))
        pos = by_num[at].tolist()
        return [cols[1][p] for p in pos], [[col[p] for p in pos] for col in cols[2:]]

    def identity_pairs(self) -> list[tuple[int, int]]:
        """Identity links as actor-number pairs (see :meth:`identity_links` for ids)."""
        return list(self._conn.execute("SELECT a, b FROM identity_links ORDER BY a, b"))

    def _filters(self, kinds, since, until, platforms) -> tuple[list[str], list]:
        where, params = [], []
        if kinds is not None:
            kinds = list(kinds)
            where.append(f"i.kind IN ({','.join('?' * len(kinds))})")
            params += kinds
        window, values = _time_window("i.ts", since, until)
        where += window
        params += values
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

    def actor_urls(self, ids: Iterable[str]) -> dict[str, str]:
        """``{id: url}`` of the given actors that have a URL (500 ids per query, so a report's
        shortlist reads 20 rows, not every actor of the store)."""
        ids = list(dict.fromkeys(ids))
        out: dict[str, str] = {}
        for i in range(0, len(ids), 500):
            part = ids[i:i + 500]
            out.update(self._conn.execute(
                f"SELECT id, url FROM actors WHERE url IS NOT NULL AND url != '' "
                f"AND id IN ({','.join('?' * len(part))})", part))
        return out

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
        where, params = _time_window("p.ts", since, until)
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
                SELECT author AS num, max(ts) AS ts FROM posts WHERE {TS_OK} GROUP BY author
                UNION ALL
                SELECT src AS num, max(ts) AS ts FROM interactions WHERE {TS_OK} GROUP BY src
            ) AS t JOIN actors AS a ON a.num = t.num
            GROUP BY t.num
            """
        )
        return {aid: float(ts) for aid, ts in rows}

    def time_range(self) -> tuple[float | None, float | None]:
        """Earliest and latest known interaction timestamp (``(None, None)`` when there is none);
        stored times outside the accepted range are left out."""
        sql = f"SELECT min(ts), max(ts) FROM interactions WHERE {TS_OK}"
        return tuple(self._conn.execute(sql).fetchone())
