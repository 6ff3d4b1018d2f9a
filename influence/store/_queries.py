"""The store's read queries for the graph builder and the analyses: interactions as numpy arrays
(no Python object per row), actor numbers and ids, identity pairs, actor attributes, post
statistics, last activity and time range. Mixed into :class:`~influence.store.Store`; the
PostgreSQL store reuses this SQL through its ``?`` adapter and replaces what it says differently."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

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
        object per row survives, so millions of interactions fit in little memory.

        Rows come in the order of the interactions' key (source, target, kind, time, post), so sums
        over them do not depend on the order records were written in. A stored time outside the
        accepted range is NaN (unknown), with a :class:`~influence.records.StoredDataWarning`.
        """
        import numpy as np

        from ..records import KINDS

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
        if undated_as_nan(ts):
            self._warn_out_of_range("interactions")
        return (data[:, 0].astype(np.int64), data[:, 1].astype(np.int64), data[:, 2].astype(np.int64),
                ts, data[:, 4].copy())

    def _key_order(self, data):
        """The order of the interactions' key (source, target, kind name, time, post) over rows
        ``(src, dst, kind code, ts or NO_TS, weight, rowid)``: as ``ORDER BY`` the key would
        give. Rows equal on all but the post (rare) are ordered by their posts, read by rowid."""
        import numpy as np

        from ..records import KINDS

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
