"""The SQLite store's fingerprint (influence/store/_fingerprint.py, ``fingerprint_sqlite``) hashes the
interactions without having SQLite sort them: the digest must stay exactly that of hashing the
rows of FINGERPRINT_QUERIES as SQLite returns them (the PostgreSQL store computes it that way),
for every content: non-ASCII and mixed-case ids, NULL and non-NULL times and posts, rows that
share all but one key field, odd stored types, gaps in the row numbers, dangling ends."""

from __future__ import annotations

import os
import random
import sqlite3

import pytest

from influence._storage import FINGERPRINT_QUERIES, hash_rows
from influence.records import Actor, Interaction, Kind, Post, SameAs
from influence.store import Store
from influence.store import _fingerprint as _sqlite

IDS = ["x:Zoë", "x:zoe", "x:Zoe", "x:ä", "x:a", "x:A", "x:😀", "x:z", "y:a", "x:a b", "x:'q'",
       'x:"dq"', "x:back\\slash", "x:ß", "x:ａ", "x:\u00e9", "x:e\u0301", "x:\ufb01", "x:\U0001f600x"]


def _reference(conn: sqlite3.Connection) -> str:
    """The fingerprint as the queries give it, SQLite sorting the interactions."""
    return hash_rows(conn.execute(q) for q in FINGERPRINT_QUERIES)


def _check(store: Store, *, fast: bool = True) -> str:
    conn = store._conn
    expected = _reference(conn)
    assert _sqlite.fingerprint_sqlite(conn) == expected
    # the fast path really ran (or really did not, where it must not)
    chunks = _sqlite._interaction_chunks(conn, *_heads(conn))
    assert (chunks is not None) == fast
    store.set_meta("fingerprint", "")  # no cached value
    assert store.fingerprint() == expected
    return expected


def _heads(conn):
    import numpy as np

    rows = conn.execute("SELECT num, id FROM actors ORDER BY id").fetchall()
    texts = [f"({r[1]!r}, ".encode("utf-8") for r in rows]
    return (np.array([r[0] for r in rows], np.int64), bytearray(b"".join(texts)),
            np.array([len(t) for t in texts], np.int64))


def _tricky_records():
    yield from (Actor(i, name=f"n{k}", followers=k) for k, i in enumerate(IDS[:8]))
    yield Post("x:p1", "x:Zoë", 1.5, "text\nwith a newline", tags=("a", "ü"))
    yield Post("x:p0", "x:😀")
    yield SameAs("x:zoe", "x:Zoë", "rel=me")
    yield SameAs("x:a", "y:a")
    kinds = list(Kind)
    for k, (a, b) in enumerate((a, b) for a in IDS for b in IDS if a != b):
        if (k * 7) % 5 == 0:
            continue
        kind = kinds[k % len(kinds)]
        yield Interaction(a, b, kind)  # ts and post NULL
        if k % 2:
            yield Interaction(a, b, kind, 1_700_000_000.0 + k)
            yield Interaction(a, b, kind, 1_700_000_000.25 + k, post=f"x:p{k % 3}", weight=2.5)
            yield Interaction(a, b, kind, None, post="x:Pé", rel="nofollow")
            yield Interaction(a, b, kinds[(k + 1) % len(kinds)], -5.0)
        if k % 3 == 0:
            yield Interaction(a, b, kind, 0.0)
            yield Interaction(a, b, kind, 1e-300, post="x:p0")


@pytest.fixture
def tricky(tmp_path):
    with Store(tmp_path / "t.db") as store:
        for i in sorted(IDS, reverse=True):  # actor numbers in no relation to the ids' order
            store.write([Actor(i)])
        store.write(_tricky_records())
        yield store


def test_tricky_content(tricky):
    assert tricky._conn.execute("SELECT count(*) FROM interactions").fetchone()[0] > 1000
    _check(tricky)


def test_read_only_store_same_digest_and_untouched(tricky, tmp_path):
    expected = _check(tricky)
    tricky.close()
    path = tmp_path / "t.db"
    assert sorted(os.listdir(tmp_path)) == ["t.db"]  # a WAL store, its writer gone
    before = (path.read_bytes(), os.stat(path).st_mtime_ns, sorted(os.listdir(tmp_path)))
    with Store(path, readonly=True) as ro:
        assert ro.fingerprint() == expected
    assert (path.read_bytes(), os.stat(path).st_mtime_ns, sorted(os.listdir(tmp_path))) == before


def test_odd_stored_values(tricky):
    """Values the records never give, written straight into the tables: the digest follows what
    SQLite returns and how it orders (integers kept as REAL by the column, text and blobs in
    REAL and TEXT columns, characters that repr escapes, the key's sentinels themselves)."""
    conn = tricky._conn
    num = dict(conn.execute("SELECT id, num FROM actors"))
    a, b, c = num["x:Zoë"], num["x:zoe"], num["x:😀"]
    rows = [(a, b, "like", 5, None, 3, None), (a, b, "like", -0.0, "x:p", 1.0, None),
            (a, b, "like", "text ts", None, 1.0, None), (a, b, "like", b"\x00\xff", None, 1.0, None),
            (a, b, "like", -1.0e300, "x:q", 1.0, None), (a, b, "like", 7.0, "", 1.0, None),
            (a, b, "like", 7.0, b"blob", 1.0, None), (a, b, "it's \\ \"q\"\n", 1.0, None, 1.0, "a\nb"),
            (a, b, "Like", 1.0, None, 1.0, None), (a, b, "likeé", 1.0, None, 1.0, None),
            (a, b, "like", 1e16, None, 1.0, None), (a, b, "like", 0.1 + 0.2, None, 1e-7, None),
            (c, a, "😀", 2.0, "x:\t", 1.0, None), (c, a, "", 2.0, None, 1.0, "")]
    with tricky.transaction() as tx:
        tx.executemany("INSERT INTO interactions(src, dst, kind, ts, post, weight, rel) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        # ids the records refuse: a newline, a blob, a number (the TEXT column makes it text)
        odd = [tx.execute("INSERT INTO actors(id, platform) VALUES (?, 'x') RETURNING num", (i,)).fetchone()[0]
               for i in ("x:new\nline", b"x:blob\xff", 123, "x:\x00")]
        tx.executemany("INSERT INTO interactions(src, dst, kind) VALUES (?, ?, 'like')",
                       [(s, d) for s in odd + [a] for d in odd + [c] if s != d])
    _check(tricky)


def test_gaps_dangling_ends_and_sparse_numbers(tricky):
    conn = tricky._conn
    with tricky.transaction() as tx:
        tx.execute("DELETE FROM interactions WHERE rowid % 3 = 0")  # row numbers with gaps
    _check(tricky)
    conn.execute("PRAGMA foreign_keys = OFF")
    with tricky.transaction() as tx:
        # an actor with a far number (no dense table of numbers), and ends that are no actor
        tx.execute("INSERT INTO actors(num, id, platform) VALUES (1000000000000, 'x:far', 'x')")
        tx.execute("INSERT INTO interactions(src, dst, kind) VALUES (1000000000000, 1, 'like')")
        tx.execute("INSERT INTO interactions(src, dst, kind) VALUES (1, 1000000000000, 'like')")
        tx.execute("INSERT INTO interactions(src, dst, kind) VALUES (424242, 1, 'like')")
        tx.execute("INSERT INTO interactions(src, dst, kind) VALUES (1, -3, 'like')")
    _check(tricky)


def test_falls_back_to_the_query(tricky):
    conn = tricky._conn
    conn.execute("PRAGMA foreign_keys = OFF")
    with tricky.transaction() as tx:  # a src that is text: the fast path cannot read it as a number
        tx.execute("INSERT INTO interactions(src, dst, kind) VALUES ('one', 1, 'like')")
    _check(tricky, fast=False)
    with tricky.transaction() as tx:
        tx.execute("DELETE FROM interactions WHERE typeof(src) = 'text'")
        tx.execute("DROP INDEX interactions_key")  # no unique key: ties are possible
    _check(tricky, fast=False)


def test_empty_stores(tmp_path):
    with Store(":memory:") as store:
        _check(store)
        store.write([Actor("x:only")])
        _check(store)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_stores(tmp_path, seed):
    rnd = random.Random(seed)
    alphabet = "aAbBzZéÉëßä😀ｚ _'\"\\"
    ids = sorted({f"{rnd.choice('xy')}:{''.join(rnd.choices(alphabet, k=rnd.randint(1, 4)))}"
                  for _ in range(300)})
    kinds = list(Kind)

    def records():
        for _ in range(4000):
            ts = rnd.choice([None, float(rnd.randint(0, 5)), rnd.uniform(-2e9, 4e9), 4e9])
            post = rnd.choice([None, None, "x:p1", "x:P1", "x:pé", f"x:p{rnd.randint(0, 9)}"])
            yield Interaction(rnd.choice(ids), rnd.choice(ids), rnd.choice(kinds[:3]), ts, post,
                              rnd.choice([1.0, 0.5, 3.0]), rnd.choice([None, "ugc"]))
        for _ in range(30):
            yield SameAs(rnd.choice(ids), rnd.choice(ids)) if rnd.random() < 0.5 else \
                Post(f"x:p{rnd.randint(0, 99)}", rnd.choice(ids), rnd.choice([None, 1.0]))

    with Store(tmp_path / "r.db") as store:
        recs = [r for r in records() if not (isinstance(r, SameAs) and r.a == r.b)]
        for k in range(0, len(recs), 500):  # several writes: actors numbered as first met
            store.write(recs[k:k + 500])
        _check(store)
        with store.transaction() as tx:
            tx.execute("DELETE FROM interactions WHERE rowid IN "
                       "(SELECT rowid FROM interactions ORDER BY random() LIMIT 100)")
        _check(store)


def test_the_check_sees_a_wrong_order(tricky, monkeypatch):
    """The tests above can fail: ordering the interactions by actor number instead of id, or
    ignoring the index's order within one pair of actors, changes the digest."""
    expected = _reference(tricky._conn)
    real = _sqlite._interaction_chunks

    def by_number(conn, nums, buf, head_len):
        import numpy as np

        return real(conn, np.sort(nums), buf, head_len)

    monkeypatch.setattr(_sqlite, "_interaction_chunks", by_number)
    assert _sqlite.fingerprint_sqlite(tricky._conn) != expected
    monkeypatch.setattr(_sqlite, "_interaction_chunks", real)
    monkeypatch.setattr(_sqlite, "INTERACTION_KEY", "src, dst, kind DESC, ifnull(ts, -1.0e300), ifnull(post, '')")
    assert _sqlite.fingerprint_sqlite(tricky._conn) != expected
