"""The SQLite store's fingerprint without SQLite sorting the interactions:
:func:`fingerprint_sqlite`, the digest of ``hash_rows`` over ``FINGERPRINT_QUERIES``
(influence/_storage.py), byte for byte."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from itertools import chain
from operator import itemgetter

from ._schema import INTERACTION_KEY

__all__ = ["fingerprint_sqlite"]


# -- the fingerprint ----------------------------------------------------------------------------
#
# The rows of FINGERPRINT_QUERIES hashed as hash_rows (influence/_storage.py) hashes them, the
# same bytes as the PostgreSQL store. As written, the interactions query has SQLite sort every row
# by the text ids of both ends, spilling sort runs to temporary files (5M rows: 24 s of its 40 s
# of CPU). _interaction_chunks makes the same bytes from plain scans instead: the rows' reprs in
# table order, then numpy puts them in the query's order, found from the actors' order by id and
# the rows' order in the interactions_key index (by src, dst, kind, ts, post), both read from
# SQLite, so every comparison is still SQLite's own. That unique index is the query's sort key
# with actor numbers for ids (one number per id): no two rows tie, the order is fully determined.
_KEY_INDEX_SQL = f"CREATE UNIQUE INDEX interactions_key ON interactions({INTERACTION_KEY})"
_FP_CHUNK = 10_000


def fingerprint_sqlite(conn: sqlite3.Connection) -> str:
    """``hash_rows(conn.execute(q) for q in FINGERPRINT_QUERIES)``, read in one snapshot."""
    import hashlib

    import numpy as np

    from .._storage import FINGERPRINT_QUERIES, hash_rows

    actors = FINGERPRINT_QUERIES[0].replace(" FROM actors ", ", num FROM actors ", 1)
    own = not conn.in_transaction
    if own:
        conn.execute("BEGIN")  # one snapshot for all the queries (a read transaction)
    try:
        if actors == FINGERPRINT_QUERIES[0]:  # pragma: no cover - the actors' query changed
            return hash_rows(conn.execute(q) for q in FINGERPRINT_QUERIES)
        h = hashlib.sha256()  # hash_rows: per table a separator, per row its repr and "\n"
        h.update(b"\x1e")
        # the actors, with their numbers (in id order: a.id and b.id order as their positions
        # here), and "('id', " of each: how an interaction's repr starts
        heads, nums, head_lens, row = bytearray(), [], [], itemgetter(slice(0, -1))
        cur = conn.execute(actors)
        while rows := cur.fetchmany(_FP_CHUNK):
            h.update(("\n".join(map(repr, map(row, rows))) + "\n").encode("utf-8"))
            nums.append(np.fromiter(map(itemgetter(-1), rows), np.int64, len(rows)))
            texts = [f"({r[0]!r}, " for r in rows]
            data = "".join(texts).encode("utf-8")
            lens = map(len, texts) if len(data) == sum(map(len, texts)) else map(len, map(str.encode, texts))
            head_lens.append(np.fromiter(lens, np.int64, len(rows)))
            heads += data
        interactions = _interaction_chunks(conn, np.concatenate(nums or [np.zeros(0, np.int64)]),
                                           heads, np.concatenate(head_lens or [np.zeros(0, np.int64)]))
        del nums, heads
        for i, q in enumerate(FINGERPRINT_QUERIES[1:], 1):
            h.update(b"\x1e")
            if i == 2 and interactions is not None:
                for chunk in interactions:
                    h.update(chunk)
                continue
            cur = conn.execute(q)
            while rows := cur.fetchmany(_FP_CHUNK):
                h.update(("\n".join(map(repr, rows)) + "\n").encode("utf-8"))
        return h.hexdigest()
    finally:
        if own and conn.in_transaction:
            conn.execute("COMMIT")


def _interaction_chunks(conn: sqlite3.Connection, nums, buf: bytearray, head_len) -> Iterator[bytes] | None:
    """The bytes hash_rows hashes for the rows of the interactions query, or None when the store
    lacks the interactions_key index or has a src or dst that is not an integer. ``nums``: the
    actor numbers in id order; ``buf``: "('id', " of each, ``head_len`` bytes each."""
    row = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'index' "
                       "AND name = 'interactions_key' AND tbl_name = 'interactions'").fetchone()
    if row is None or " ".join((row[0] or "").split()) != _KEY_INDEX_SQL:
        return None
    n, lo, hi = conn.execute("SELECT (SELECT count(*) FROM interactions), (SELECT min(rowid) FROM "
                             "interactions), (SELECT max(rowid) FROM interactions)").fetchone()
    if not n:
        return iter(())
    import numpy as np

    # the rows in the index's order: rowid, src, dst (a src or dst that is no integer: see the
    # docstring)
    rowids, src, dst = [], [], []
    cur = conn.execute(f"SELECT rowid, src, dst FROM interactions INDEXED BY interactions_key WHERE "
                       f"typeof(src) = 'integer' AND typeof(dst) = 'integer' ORDER BY {INTERACTION_KEY}")
    while rows := cur.fetchmany(_FP_CHUNK):
        rowids.append(np.fromiter(map(itemgetter(0), rows), np.int64, len(rows)))
        src.append(np.fromiter(map(itemgetter(1), rows), np.int64, len(rows)))
        dst.append(np.fromiter(map(itemgetter(2), rows), np.int64, len(rows)))
    if sum(map(len, rowids)) != n:
        return None
    rowids = np.concatenate(rowids)
    position = _locate(nums)
    ps, found = position(np.concatenate(src))
    pd, found_dst = position(np.concatenate(dst))
    found &= found_dst
    del src, dst, found_dst
    # in table order, into buf after the heads: the repr of (kind, ts, post, weight, rel) of
    # each row, one a line
    lines = len(buf)
    cur = conn.execute("SELECT kind, ts, post, weight, rel FROM interactions ORDER BY rowid")
    while rows := cur.fetchmany(_FP_CHUNK):
        buf += ("\n".join(map(repr, rows)) + "\n").encode("utf-8")
    # no repr holds a newline (repr escapes it; no UTF-8 sequence has its byte): lines split rows
    arr = np.frombuffer(buf, np.uint8)
    ends = np.flatnonzero(arr[lines:] == 10) + lines  # each line's "\n"
    line_start = np.concatenate(([lines], ends[:-1] + 1)) + 1  # after its "("
    line_len = ends + 1 - line_start  # with its "\n"
    if len(ends) != n:
        return None  # pragma: no cover - the table changed while read (not in one snapshot?)
    if hi - lo + 1 == n:
        line = rowids - lo
    else:  # rowids with gaps: where each is in the table's order
        line = _locate(_int_column(conn, "SELECT rowid FROM interactions ORDER BY rowid"))(rowids)[0]
    del rowids, ends
    # the query's order: by a.id, b.id, then as the index (kind, ts, post; no two rows tie); a
    # row with an end that is no actor left out, as the query's join leaves it out
    order = np.argsort(ps * max(len(head_len), 1) + pd, kind="stable")
    order = order[found[order]]
    ps, pd, line = ps[order], pd[order], line[order]
    del order, found
    line_start, line_len = line_start[line], line_len[line]
    del line
    return _gather(arr, np.cumsum(head_len) - head_len, head_len, ps, pd, line_start, line_len)


def _int_column(conn: sqlite3.Connection, sql: str):
    """The integers of a one-column query, as a numpy array."""
    import numpy as np

    cur, parts = conn.execute(sql), [np.zeros(0, np.int64)]
    while rows := cur.fetchmany(_FP_CHUNK):
        parts.append(np.fromiter(chain.from_iterable(rows), np.int64, len(rows)))
    return np.concatenate(parts)


def _locate(values):
    """For distinct integers, a function giving where each of some integers is among them and
    whether it is there at all (by a table when the values are dense, else by a search)."""
    import numpy as np

    n, lo = len(values), int(values.min()) if len(values) else 0
    if n and int(values.max()) - lo < 2 * n + 1024:
        table = np.full(int(values.max()) - lo + 1, -1, np.int64)
        table[values - lo] = np.arange(n)

        def dense(x):
            inside = (x >= lo) & (x < lo + len(table))
            at = table[np.where(inside, x - lo, 0)]
            return np.maximum(at, 0), inside & (at >= 0)
        return dense
    order = np.argsort(values, kind="stable")
    ordered = np.append(values[order], 0)  # a last slot, for the values past the end

    def search(x):
        at = np.searchsorted(ordered[:-1], x)
        found = (ordered[at] == x) & (at < n)
        return np.where(found, order[np.minimum(at, max(n - 1, 0))] if n else 0, 0), found
    return search


def _gather(arr, head_start, head_len, ps, pd, line_start, line_len) -> Iterator[bytes]:
    """The rows' reprs, _FP_CHUNK rows at a time, from ``arr``: "('id', " of the source (the
    head at position ``ps``), "'id', " of the target (that at ``pd`` less its "("), the line."""
    import numpy as np

    for k in range(0, len(ps), _FP_CHUNK):
        a, b = ps[k:k + _FP_CHUNK], pd[k:k + _FP_CHUNK]
        start = np.column_stack((head_start[a], head_start[b] + 1, line_start[k:k + _FP_CHUNK])).ravel()
        length = np.column_stack((head_len[a], head_len[b] - 1, line_len[k:k + _FP_CHUNK])).ravel()
        end = np.cumsum(length)
        at = np.repeat(start - (end - length), length)
        at += np.arange(int(end[-1]))
        yield arr[at].tobytes()
