"""The graph builder's read of a SQLite store (issue 17 goal 4b): the interactions as columns of
``group_concat`` text and the actors as JSON arrays give exactly what the straightforward queries
give, one row at a time, on awkward data; and ``build_arrays`` gives the same arrays as with every
fast path replaced by its reference."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from influence.records import KINDS, Actor, Interaction, SameAs, StoredDataWarning
from influence.store import Store

#: times: unknown, whole, dyadic and decimal fractions, small and negative ones, the edges of the
#: accepted range, and (written below with SQL, as an older version could) values outside it
TIMES = (None, 1.7e9, 1.7e9 + 0.25, 1.7e9 + 0.123, 1_600_000_000.000_001, 1.0, 0.1, 1e-7, 0.0,
         -2_000_000_000.3, -2208988800.0, 4102444799.999, 3.5, -3.75, 4.0, 4.5, -4.0, -4.25, 2.0 ** -30,
         -1.0, 1_700_000_001.0)
WEIGHTS = (1.0, 2.0, 3.0, 0.5, 0.1, 1e12, 7.25, 1 / 3)


def _awkward(store: Store) -> Store:
    actors = [Actor("import:a", name="A, the first", followers=3),
              Actor("mastodon:@b@social.example", name='quote " and \\ backslash'),
              Actor("web:c.example", name="Café ☕ 𝄞", followers=2 ** 53, language="fr", competitor="Rival"),
              Actor("bluesky:d.example", name="", followers=0, competitor=""),
              Actor("import:e", name="line\nbreak\ttab")]
    ids = [a.id for a in actors] + ["import:f", "import:g"]
    recs: list = list(actors)
    i = 0
    for s in ids:
        for d in ids[::-1]:
            if s == d and i % 3:
                continue
            for kind in KINDS[i % len(KINDS)], KINDS[(i * 5 + 1) % len(KINDS)]:
                ts = TIMES[i % len(TIMES)]
                recs.append(Interaction(s, d, kind, ts, None, weight=WEIGHTS[i % len(WEIGHTS)]))
                # the same key but the post: ordered by post (NULL as '')
                if i % 4 == 0:
                    for post in ("p2", "p10", "p1"):
                        recs.append(Interaction(s, d, kind, ts, post, weight=WEIGHTS[(i + len(post)) % len(WEIGHTS)]))
                i += 1
    recs.append(SameAs("import:f", "import:g", "test"))
    recs.append(SameAs("import:a", "bluesky:d.example", "test"))  # apart: their rows are not adjacent
    store.write(recs[: len(recs) // 2])
    store.write(recs[len(recs) // 2:])  # merged after the first rows: the table is not in key order
    conn = store._conn
    # values today's checks refuse, as an older version wrote them: read as unknown (with a warning)
    conn.execute("UPDATE interactions SET ts = 5e9 WHERE rowid % 17 = 1")
    conn.execute("UPDATE interactions SET ts = -1e12 WHERE rowid % 17 = 2")
    conn.execute("UPDATE interactions SET ts = 4294967296.0 WHERE rowid % 17 = 3")
    conn.execute("UPDATE interactions SET ts = 1e300 WHERE rowid % 17 = 4")
    conn.execute("DELETE FROM interactions WHERE rowid % 13 = 5")  # gaps in the rowids
    return store


@pytest.fixture
def awkward():
    with Store(":memory:") as s:
        yield _awkward(s)


def _reference(store: Store, *, kinds=None, since=None, until=None, platforms=None):
    """interaction_arrays the straightforward way: ORDER BY the key, one tuple per row."""
    where, params = store._filters(kinds, since, until, platforms)
    sql = "SELECT i.src, i.dst, i.kind, i.ts, i.weight FROM interactions i"
    if platforms is not None:
        sql += " JOIN actors a ON a.num = i.src"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY i.src, i.dst, i.kind, ifnull(i.ts, -1.0e300), ifnull(i.post, '')"
    rows = store._conn.execute(sql, params).fetchall()
    ts = [math.nan if t is None or not (-2208988800.0 <= t < 4102444800.0) else t for _, _, _, t, _ in rows]
    return (np.array([r[0] for r in rows], dtype=np.int64), np.array([r[1] for r in rows], dtype=np.int64),
            np.array([KINDS.index(r[2]) for r in rows], dtype=np.int64), np.array(ts, dtype=np.float64),
            np.array([r[4] for r in rows], dtype=np.float64))


def _same(got, expected) -> None:
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        assert g.dtype == e.dtype and g.shape == e.shape
        if g.dtype.kind == "f":  # bit for bit, NaN where NaN
            assert np.array_equal(np.isnan(g), np.isnan(e))
            assert g[~np.isnan(g)].tobytes() == e[~np.isnan(e)].tobytes()
        else:
            assert np.array_equal(g, e)


FILTERS = [{}, {"kinds": ["like", "reply", "mention"]}, {"since": 1.0}, {"until": 1.7e9 + 0.2},
           {"since": -2_000_000_001.0, "until": 1.7e9 + 0.123}, {"platforms": ["import", "web"]},
           {"kinds": ["link", "quote", "comment", "follow", "reshare"], "platforms": ["mastodon", "import"],
            "since": 0.0}, {"kinds": []}, {"platforms": ["nowhere"]}]


@pytest.mark.parametrize("options", FILTERS)
@pytest.mark.parametrize("chunk", [200_000, 7])
def test_interaction_arrays_equal_the_row_by_row_query(awkward, options, chunk):
    expected = _reference(awkward, **options)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = awkward.interaction_arrays(**options, chunk=chunk)
    _same(got, expected)
    out_of_range = awkward._conn.execute(
        "SELECT count(*) FROM interactions WHERE NOT (ts >= -2208988800.0 AND ts < 4102444800.0)").fetchone()[0]
    if not options and out_of_range:
        assert any(issubclass(w.category, StoredDataWarning) for w in caught)


def test_the_text_read_is_used_and_reads_the_odd_values_exactly(awkward):
    """The text read carries the awkward store itself (it does not give up for the reference),
    rows whose time or weight it cannot carry as an integer are read again exactly, and its
    columns equal the row-by-row read's, row for row."""
    where, params = awkward._filters(None, None, None, None)
    fast = awkward._interaction_columns(where, params, False, 11)
    rows = awkward._interaction_rows(where, params, False, 11)
    assert fast is not None
    fast = (*fast[:5], fast[5]())  # the rowids: read when needed
    by_rowid = np.argsort(fast[5]), np.argsort(rows[5])
    for f, r in zip(fast, rows):
        f, r = f[by_rowid[0]], r[by_rowid[1]]
        assert f.tobytes() == r.astype(f.dtype).tobytes()
    ts, w = fast[3], fast[4]
    assert np.isin([0.1, 1e-7, 1e300, 1.7e9 + 0.123], ts).all()  # read again, or scaled exactly
    assert (w != np.floor(w)).any() and (ts == -1.0e300).any()  # fractional weights, unknown times


def test_an_unknown_kind_or_a_text_time_goes_through_the_rows(awkward):
    """Values the text read cannot carry make it give up (``None``), and interaction_arrays then
    gives what the row-by-row read gives."""
    where, params = awkward._filters(None, None, None, None)
    awkward._conn.execute("UPDATE interactions SET ts = 'soon' WHERE rowid = 7")
    with pytest.raises(ValueError):  # as the row-by-row read: a text time is no number
        awkward.interaction_arrays()
    awkward._conn.execute("UPDATE interactions SET ts = NULL WHERE rowid = 7")
    assert awkward._interaction_columns(where, params, False, 100) is not None
    for kind in ("poke", "like\0", "mentions", "", "like,reply"):
        awkward._conn.execute("UPDATE interactions SET kind = ? WHERE rowid = 9", [kind])
        assert awkward._interaction_columns(where, params, False, 100) is None, kind


def test_actor_columns_equal_actor_attributes(awkward):
    nums = np.array(sorted(n for (n,) in awkward._conn.execute("SELECT num FROM actors")), dtype=np.int64)
    ids, cols = awkward.actor_columns(nums)
    attrs = awkward.actor_attributes()
    assert ids == awkward.actor_ids(nums)
    assert list(zip(*cols)) == [attrs[a] for a in ids]
    assert [type(x) for x in cols[2]] == [type(attrs[a][2]) for a in ids]
    # a real where the schema says integer (an older version): read through the rows, as is
    awkward._conn.execute("UPDATE actors SET followers = 2.5 WHERE id = 'import:a'")
    ids, cols = awkward.actor_columns(nums[::2])
    assert list(zip(*cols)) == [awkward.actor_attributes()[a] for a in ids]
    assert 2.5 in cols[2] or awkward.actor_ids(nums[::2]).count("import:a") == 0
    awkward._conn.execute("UPDATE actors SET followers = 3, name = x'00ff' WHERE id = 'import:a'")  # a blob
    ids, cols = awkward.actor_columns(nums)
    assert list(zip(*cols)) == [awkward.actor_attributes()[a] for a in ids] and b"\x00\xff" in cols[0]
    with pytest.raises(KeyError):
        awkward.actor_columns(np.array([nums[-1] + 1]))


def _build(store, **options):
    from influence.graph import build_arrays

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return build_arrays(store, **options)


@pytest.mark.parametrize("options", [{}, {"merge_identities": False}, {"weights": "counts", "half_life_days": 30},
                                     {"kinds": ["reply", "like"], "platforms": ["import", "web", "bluesky"]},
                                     {"since": 1.0, "until": 1.7e9 + 1, "keywords": ["x"]}])
def test_build_arrays_equal_the_reference_paths(awkward, options, monkeypatch):
    """build_arrays with the text read, the JSON actor columns, the mask of actor numbers and the
    run-wise edge aggregation gives the arrays it gives with each replaced by its reference."""
    from influence import graph as graph_module

    fast = _build(awkward, **options)
    monkeypatch.setattr(Store, "_interaction_columns", lambda self, *a: None)
    monkeypatch.setattr(Store, "actor_columns", lambda self, nums: (self.actor_ids(nums), None))
    monkeypatch.setattr(graph_module, "_distinct", lambda s, d: np.unique(np.concatenate([s, d])))
    monkeypatch.setattr(graph_module, "_node_index", lambda nums, rank_of, s, d: (
        rank_of[np.searchsorted(nums, s)], rank_of[np.searchsorted(nums, d)]))
    monkeypatch.setattr(graph_module, "_unique_inverse", lambda key, adjacent: np.unique(key, return_inverse=True))
    reference = _build(awkward, **options)
    assert fast.nodes == reference.nodes and fast.kinds == reference.kinds
    assert fast.node_attrs == reference.node_attrs and fast.graph_attrs == reference.graph_attrs
    for name in ("src", "dst", "weight", "count", "kind_counts"):
        a, b = getattr(fast, name), getattr(reference, name)
        assert a.dtype == b.dtype and a.tobytes() == b.tobytes(), name
    assert len(fast.nodes) > 3 and len(fast.src) > 10


@pytest.mark.parametrize("adjacent", [True, False])
def test_unique_inverse_equals_numpy_unique_whatever_the_order(adjacent):
    """The run-wise ``np.unique`` gives numpy's answer on keys in runs and on keys that are not
    (where it must notice a key in two runs)."""
    from influence.graph import _unique_inverse

    rng = np.random.default_rng(1)
    for keys in (np.sort(rng.integers(0, 50, 300)), rng.integers(0, 50, 300), np.array([3, 3, 1, 3]),
                 np.array([5]), np.array([], dtype=np.int64)):
        got, expected = _unique_inverse(keys, adjacent), np.unique(keys, return_inverse=True)
        assert got[0].tolist() == expected[0].tolist() and got[1].tolist() == expected[1].tolist()


def test_kind_codes_match_whole_names_only():
    from influence.store._queries import _kind_codes

    rng = np.random.default_rng(2)
    codes = rng.integers(0, len(KINDS), 1000)
    assert _kind_codes(",".join(KINDS[c] for c in codes), 1000).tolist() == codes.tolist()
    assert _kind_codes("like", 1).tolist() == [KINDS.index("like")]
    for bad in ("lik", "likes", "réply", "Like", "like ", " like", "like\0", "commentary", "follow,"):
        assert _kind_codes(f"reply,{bad},like", 3) is None, bad
    assert _kind_codes("reply,like", 3) is None and _kind_codes("reply,like", 1) is None
