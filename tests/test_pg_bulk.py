"""PostgreSQL's first-import path (issue 19): interaction columns COPYed straight into an empty
``interactions`` table, new actors numbered by the writer under a lock on ``actors``, the
indexes built after, duplicates of the call merged when the unique index finds some.

Every test compares with SQLite's store for the same input (its fingerprint and the counts a
write returns), with ``BULK_ROWS`` lowered so that small inputs take the path.
"""

from __future__ import annotations

import threading
import time

import pytest

from influence._storage import open_store
from influence.records import Actor, Interaction
from influence.store import Store
from influence.store._postgres import PgStore
from tests import _pg


@pytest.fixture
def bulk_calls(monkeypatch):
    """Small inputs take the first-import path; the list records each call of it."""
    monkeypatch.setattr(PgStore, "BULK_ROWS", 2)
    calls = []
    real = PgStore._bulk_load

    def spy(self, *args):
        calls.append(self)
        return real(self, *args)

    monkeypatch.setattr(PgStore, "_bulk_load", spy)
    return calls


def _index_names(store) -> set[str]:
    return {r[0] for r in store._pg.execute(
        "SELECT indexname FROM pg_indexes WHERE tablename = 'interactions' AND schemaname = current_schema()")}


# Duplicates inside one batch and across batches, with NULL timestamps and posts in the key, weights
# whose sum depends on the order, rel on some rows only. The first batch goes as binary COPY (rows
# grouped by kind and by a timestamp given or not), the others as text (a post or rel column).
_DUP_BATCHES = [
    (["x:a", "x:c", "x:a", "x:b", "x:a"], ["x:b", "x:a", "x:b", "x:c", "x:b"],
     ["mention", "like", "mention", "reply", "mention"], [1.6e9, 1.7e9, 1.6e9, None, 1.6e9], None,
     [0.1, 2.5, 0.2, 1.0, 0.7], None),
    (["x:a", "x:b", "x:d", "x:a"], ["x:b", "x:c", "x:a", "x:b"], ["mention", "reply", "mention", "mention"],
     [1.6e9, None, 1.6e9, 1.6e9], ["p1", None, None, None], [0.3, 4.0, 1.0, 0.7], ["ugc", "sponsored", None, "nofollow"]),
    (["x:c"], ["x:a"], ["like"], [1.7e9], None, None, ["ugc"]),
    ([], [], [], [], None, None, None),
    (["x:d", "x:a"], ["x:a", "x:d"], ["mention", "reply"], [1.6e9, None], None, None, None),  # binary again
]


@pytest.mark.parametrize("sum_duplicates", [True, False])
def test_first_import_with_duplicates_equals_sqlite(pg_store, bulk_calls, sum_duplicates):
    lite = Store(":memory:")
    got = pg_store.write_interaction_columns(iter(_DUP_BATCHES), sum_duplicates=sum_duplicates)
    assert bulk_calls == [pg_store]
    assert got == lite.write_interaction_columns(iter(_DUP_BATCHES), sum_duplicates=sum_duplicates)
    assert got == {"actors": 4, "posts": 0, "interactions": 6}
    assert pg_store.fingerprint() == lite.fingerprint()
    weights = {(i.source, i.target, i.kind.value, i.timestamp, i.post): (i.weight, i.rel)
               for i in pg_store.interactions()}
    if sum_duplicates:  # summed in the order written, the largest rel
        # in the order written (0.1, 0.2, 0.7 in one batch, with other kinds between), not reversed
        assert weights[("x:a", "x:b", "mention", 1.6e9, None)] == (((0.1 + 0.2) + 0.7) + 0.7, "nofollow")
        assert ((0.7 + 0.2) + 0.1) + 0.7 != ((0.1 + 0.2) + 0.7) + 0.7
        assert weights[("x:c", "x:a", "like", 1.7e9, None)] == (2.5 + 1.0, "ugc")
        assert weights[("x:d", "x:a", "mention", 1.6e9, None)] == (2.0, None)
    else:  # the last row's weight and rel
        assert weights[("x:a", "x:b", "mention", 1.6e9, None)] == (0.7, "nofollow")
        assert weights[("x:b", "x:c", "reply", None, None)] == (4.0, "sponsored")
    assert _index_names(pg_store) == {"interactions_key", "interactions_dst"}
    # the same import again changes nothing (it takes the staging path: the table is not empty)
    fp = pg_store.fingerprint()
    again = pg_store.write_interaction_columns(iter(_DUP_BATCHES), sum_duplicates=sum_duplicates)
    assert again == {"actors": 0, "posts": 0, "interactions": 0}
    assert len(bulk_calls) == 1
    assert pg_store.fingerprint() == fp


def test_first_import_without_duplicates_numbers_actors_like_the_staging_path(pg_url, bulk_calls, monkeypatch):
    """Actor numbers: consecutive from the store's sequence, in id order per batch, as the
    staging path numbers them; later writes continue after them."""
    batches = [(["x:b", "x:a"], ["x:c", "x:b"], ["mention"] * 2, [1.0, 2.0], None, None, None),
               (["x:e", "x:d"], ["x:a", "x:c"], ["reply"] * 2, [3.0, None], None, None, None)]
    nums = {}
    for path in ("bulk", "staging"):
        url, drop = _pg.fresh_url()
        try:
            with open_store(url) as s:
                if path == "staging":
                    monkeypatch.setattr(PgStore, "BULK_ROWS", 10**9)
                s.write([Actor("x:z")])  # a number taken before the import
                assert s.write_interaction_columns(iter(batches))["interactions"] == 4
                s.write([Interaction("x:f", "x:a", "like")])  # the sequence goes on after the import
                nums[path] = dict(s._pg.execute("SELECT id, num FROM actors").fetchall())
        finally:
            drop()
    assert len(bulk_calls) == 1
    assert nums["bulk"] == nums["staging"]
    assert nums["bulk"] == {"x:z": 1, "x:a": 2, "x:b": 3, "x:c": 4, "x:d": 5, "x:e": 6, "x:f": 7}


def test_first_import_with_known_actors_and_a_full_cache(pg_store, bulk_calls, monkeypatch):
    """Actors in the store before the import are looked up; when the write's id cache is full
    (lowered to 3) its new actors are copied and it starts again from the database."""
    monkeypatch.setattr(PgStore, "MAX_CACHED_ACTORS", 3)
    before = [Actor("x:old", name="Old"), Actor("x:b", followers=5)]
    batches = [(["x:a", "x:old"], ["x:b", "x:c"], ["mention"] * 2, [1.0, 2.0], None, None, None),
               (["x:d", "x:e", "x:a"], ["x:old", "x:f", "x:c"], ["reply"] * 3, [1.0, None, 2.0], None, None, None),
               (["x:a", "x:g"], ["x:b", "x:old"], ["mention"] * 2, [1.0, 5.0], None, [2.0, 1.0], None)]
    lite = Store(":memory:")
    for s in (pg_store, lite):
        s.write(before)
    got = pg_store.write_interaction_columns(iter(batches))
    assert bulk_calls == [pg_store]
    assert got == lite.write_interaction_columns(iter(batches))
    assert pg_store.fingerprint() == lite.fingerprint()
    nums = [r[0] for r in pg_store._pg.execute("SELECT num FROM actors ORDER BY num")]
    assert nums == list(range(1, 9))


def test_failed_first_import_leaves_the_store_as_it_was(pg_store, bulk_calls):
    """An error while the rows stream in rolls everything back: no row, the indexes are there,
    and the next import works."""
    good = (["x:a", "x:b"], ["x:b", "x:c"], ["mention"] * 2, [1.0, 2.0], None, None, None)

    def failing():
        yield good
        yield good
        raise RuntimeError("broken input")

    fp = pg_store.fingerprint()
    with pytest.raises(RuntimeError, match="broken input"):
        pg_store.write_interaction_columns(failing())
    assert pg_store.counts() == {"actors": 0, "posts": 0, "interactions": 0}
    assert _index_names(pg_store) == {"interactions_key", "interactions_dst"}
    assert pg_store.fingerprint() == fp
    assert pg_store.write_interaction_columns(iter([good]))["interactions"] == 2
    assert len(bulk_calls) == 2
    lite = Store(":memory:")
    lite.write_interaction_columns(iter([good]))
    assert pg_store.fingerprint() == lite.fingerprint()


@pytest.mark.parametrize("other", ["import", "write"])
def test_concurrent_writer_waits_for_a_first_import(pg_url, bulk_calls, other):
    """A writer starting while a first import streams in waits for it (the locks), then writes
    through the staging path; the store ends as SQLite after the two writes in that order."""
    first = [(["x:a", "x:b"], ["x:b", "x:c"], ["mention"] * 2, [1.0, 2.0], None, None, None),
             (["x:c", "x:a"], ["x:a", "x:b"], ["mention"] * 2, [3.0, 1.0], None, [2.0, 1.5], None)]
    second = [(["x:a", "x:d"], ["x:b", "x:a"], ["mention"] * 2, [1.0, 4.0], None, [5.0, 1.0], None)]
    locked, go = threading.Event(), threading.Event()

    def slow():
        yield first[0]
        locked.set()  # the import holds its locks from here: _bulk_start ran on the first batch
        assert go.wait(30)
        yield first[1]

    a, b = open_store(pg_url), open_store(pg_url)
    done, errors = [], []

    def run(store, fn):
        try:
            fn(store)
            done.append(store)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    if other == "import":
        def second_write(s):
            return s.write_interaction_columns(iter(second))
    else:
        def second_write(s):
            return s.write(Interaction(*row[:4], weight=row[5]) for row in zip(*second[0][:4], [None] * 2,
                                                                                 second[0][5]))
    ta = threading.Thread(target=run, args=(a, lambda s: s.write_interaction_columns(slow())))
    tb = threading.Thread(target=run, args=(b, second_write))
    ta.start()
    try:
        assert locked.wait(30)
        tb.start()
        time.sleep(0.5)
        assert tb.is_alive() and not done  # b waits for a's locks
        go.set()
        ta.join(30)
        tb.join(30)
        assert not errors and done == [a, b]
        assert bulk_calls == [a]
        lite = Store(":memory:")
        lite.write_interaction_columns(iter(first))
        second_write(lite)
        assert a.fingerprint() == lite.fingerprint()
        assert _index_names(a) == {"interactions_key", "interactions_dst"}
    finally:
        go.set()
        for t in (ta, tb):
            if t.is_alive() or t.ident is not None:
                t.join(30)
        a.close()
        b.close()


@pytest.mark.parametrize("how", ["columns", "records"])
def test_two_first_imports_that_both_saw_an_empty_table(pg_url, bulk_calls, monkeypatch, how):
    """Two imports both find the table empty before either takes its locks: the first to lock
    goes on, the other waits, finds rows under its own locks and merges them with ON CONFLICT
    (no deadlock: the first look holds no lock on the table). Columns take the first-import
    path; records (``write``) the staging path's own index drop and rebuild."""
    barrier = threading.Barrier(2, timeout=30)
    real = PgStore._no_interaction_page

    def both_look_first(self):  # each writer's first look waits for the other's
        empty = real(self)
        if not getattr(self, "_looked", False):
            self._looked = True
            barrier.wait()
        return empty

    monkeypatch.setattr(PgStore, "_no_interaction_page", both_look_first)
    # records: no actor in common, else the second writer already waits for the first one's
    # new actors (a row lock) before it looks at the table
    other = ["x:b", "x:a", "x:c", "x:d"] if how == "columns" else ["y:b", "y:a", "y:c", "y:d"]
    data = [[(["x:a", "x:b"], ["x:b", "x:c"], ["mention"] * 2, [1.0, 2.0], None, None, None)],
            [(other[:2], other[2:], ["mention"] * 2, [2.0, 3.0], None, [2.0, 1.0], None)]]
    stores = [open_store(pg_url), open_store(pg_url)]
    errors, order = [], []

    def records(batches):
        for src, dst, kind, ts, _post, weight, _rel in batches:
            for j in range(len(src)):
                yield Interaction(src[j], dst[j], kind[j], ts[j], weight=1.0 if weight is None else weight[j])

    def write(store, batches):
        if how == "columns":
            return store.write_interaction_columns(iter(batches))
        return store.write(records(batches))

    def run(i):
        try:
            write(stores[i], data[i])
            order.append(i)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in (0, 1)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert not errors and sorted(order) == [0, 1]
        assert len(bulk_calls) == (1 if how == "columns" else 0)  # the other one: the stage
        lite = Store(":memory:")
        for i in order:
            write(lite, data[i])
        assert stores[0].fingerprint() == lite.fingerprint()
    finally:
        for s in stores:
            s.close()


def test_small_import_keeps_the_staging_path(pg_store, monkeypatch):
    """Below BULK_ROWS rows a write into an empty table takes no lock and copies to the stage."""
    monkeypatch.setattr(PgStore, "_bulk_start", lambda self: pytest.fail("bulk path taken"))
    cols = (["x:a"], ["x:b"], ["mention"], [1.0], None, None, None)
    assert pg_store.write_interaction_columns(iter([cols]))["interactions"] == 1
