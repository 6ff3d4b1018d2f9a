import sqlite3
import subprocess
import sys
import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from influence.errors import SchemaVersionError, StoreError
from influence.records import KINDS, Actor, Interaction, Post
from influence.store import SCHEMA_VERSION, Store


def test_write_is_idempotent(store, small_records):
    first = store.write(small_records)
    assert first == {"actors": 5, "posts": 1, "interactions": 8}
    before = store.counts()
    again = store.write(small_records)
    assert again == {"actors": 0, "posts": 0, "interactions": 0}
    assert store.counts() == before
    # same weights after re-import (replaced, not added)
    w = {(i.source, i.target, i.kind): i.weight for i in store.interactions()}
    assert set(w.values()) == {1.0}


def test_duplicates_within_one_write_are_summed(store):
    rec = Interaction("import:a", "import:b", "mention")
    store.write([rec, rec, rec])
    (only,) = list(store.interactions())
    assert only.weight == 3.0
    store.write([rec, rec, rec])  # re-import: replaced by the same sum, not 6
    (only,) = list(store.interactions())
    assert only.weight == 3.0


def test_unknown_timestamp_and_post_are_part_of_the_key(store):
    store.write([
        Interaction("import:a", "import:b", "reply", None, None),
        Interaction("import:a", "import:b", "reply", "2024-01-01", None),
        Interaction("import:a", "import:b", "reply", "2024-01-01", "p1"),
        Interaction("import:a", "import:b", "like", None, None),
    ])
    assert store.counts()["interactions"] == 4


def test_actor_upsert_merges_fields(store):
    store.write([Interaction("import:a", "import:b", "mention")])
    assert {a.id: a.name for a in store.actors()} == {"import:a": None, "import:b": None}
    store.write([Actor("import:a", name="Ana", followers=10)])
    store.write([Actor("import:a", followers=20, bio="barista")])
    (a,) = [x for x in store.actors() if x.id == "import:a"]
    assert (a.name, a.followers, a.bio) == ("Ana", 20, "barista")


def test_post_upsert_refreshes_metrics(store):
    store.write([Post("p1", "import:a", "2024-01-01", "hola", likes=1)])
    store.write([Post("p1", "import:a", None, "", likes=5, replies=2)])
    (p,) = list(store.posts())
    assert (p.text, p.likes, p.replies, p.timestamp is not None) == ("hola", 5, 2, True)


def test_failed_iteration_writes_nothing(tmp_path, small_records):
    s = Store(tmp_path / "s.db")
    s.write(small_records[:3])
    before = s.counts()

    def bad():
        yield Interaction("import:x", "import:y", "like")
        raise ValueError("boom at row 2")

    with pytest.raises(ValueError, match="boom"):
        s.write(bad())
    assert s.counts() == before
    s.close()


def test_killed_mid_import_leaves_store_consistent(tmp_path):
    """A process killed (SIGKILL) inside a write leaves the store as before; a rerun completes it."""
    db = tmp_path / "k.db"
    script = textwrap.dedent(f"""
        import os, signal
        from influence.store import Store
        from influence.records import Interaction
        s = Store({str(db)!r})
        s.write([Interaction("import:seed", "import:x", "like")])
        def recs(kill):
            for i in range(120_000):
                if kill and i == 90_000:
                    os.kill(os.getpid(), signal.SIGKILL)
                yield Interaction(f"import:{{i}}", f"import:{{i + 1}}", "mention")
        import sys
        s.write(recs(sys.argv[1] == "kill"))
    """)
    proc = subprocess.run([sys.executable, "-c", script, "kill"], capture_output=True)
    assert proc.returncode != 0  # really killed
    s = Store(db)
    assert s.counts()["interactions"] == 1  # the half-done write left nothing
    assert s._conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    s.close()
    proc = subprocess.run([sys.executable, "-c", script, "rerun"], capture_output=True)
    assert proc.returncode == 0, proc.stderr
    s = Store(db)
    assert s.counts()["interactions"] == 120_001
    s.close()


def test_wal_mode_and_schema_version(tmp_path):
    s = Store(tmp_path / "w.db")
    assert s._conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert s.schema_version == SCHEMA_VERSION
    s.close()


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "future.db"
    Store(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(SchemaVersionError, match="newer"):
        Store(path)


def test_migration_from_empty_database(tmp_path):
    path = tmp_path / "old.db"
    sqlite3.connect(path).close()  # an empty SQLite file: version 0
    s = Store(path)
    assert s.schema_version == SCHEMA_VERSION and s.counts()["actors"] == 0
    s.close()


def test_not_a_database(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("hello")
    with pytest.raises(StoreError, match="not a SQLite database"):
        Store(path)


@pytest.mark.parametrize("readonly", [False, True])
def test_a_folder_is_not_a_store(tmp_path, readonly):
    folder = tmp_path / "outdir"
    folder.mkdir()
    with pytest.raises(StoreError, match="outdir: is a folder, not a store file"):
        Store(folder, readonly=readonly)
    assert list(folder.iterdir()) == []  # nothing written into it


def test_a_folder_as_the_sector_store_exits_2(tmp_path):
    from click.testing import CliRunner

    from influence_cli import cli

    (tmp_path / "outdir").mkdir()
    (tmp_path / "s.toml").write_text('name = "s"\nstore = "outdir"\n')
    r = CliRunner().invoke(cli, ["rank", str(tmp_path / "s.toml")])
    assert r.exit_code == 2, r.output
    assert "is a folder, not a store file" in r.output and "Traceback" not in r.output


def test_readonly_store(tmp_path, small_records):
    path = tmp_path / "r.db"
    with Store(path) as s:
        s.write(small_records)
    with Store(path, readonly=True) as r:
        assert r.counts()["interactions"] == 8
        with pytest.raises(sqlite3.OperationalError):
            r.write([Interaction("import:a", "import:b", "like")])
    with pytest.raises(StoreError, match="no such store"):
        Store(tmp_path / "missing.db", readonly=True)


def test_fingerprint_depends_on_content_not_order(small_records):
    a, b = Store(), Store()
    a.write(small_records)
    b.write(list(reversed(small_records)))
    assert a.fingerprint() == b.fingerprint()
    b.write([Interaction("import:z", "import:y", "like")])
    assert a.fingerprint() != b.fingerprint()


def test_interaction_filters(store, small_records):
    store.write(small_records)
    from influence.records import parse_timestamp

    assert {i.kind.value for i in store.interactions(kinds=["reply", "like"])} == {"reply", "like"}
    since = parse_timestamp("2026-01-07")
    got = list(store.interactions(since=since))
    assert got and all(i.timestamp >= since for i in got)  # unknown times dropped with a bound
    assert list(store.interactions(platforms=["web"])) == []


ids = st.sampled_from([f"import:{c}" for c in "abcdef"])
interactions = st.builds(
    Interaction, ids, ids, st.sampled_from(KINDS),
    st.one_of(st.none(), st.integers(1_600_000_000, 1_800_000_000).map(float)),
    st.one_of(st.none(), st.sampled_from(["p1", "p2"])),
    st.integers(1, 5).map(float),
)


@settings(max_examples=50, deadline=None)
@given(st.lists(interactions, max_size=30))
def test_interactions_round_trip(recs):
    s = Store()
    s.write(recs)
    expected: dict = {}
    for r in recs:
        key = (r.source, r.target, r.kind, r.timestamp, r.post)
        expected[key] = expected.get(key, 0.0) + r.weight
    got = {(i.source, i.target, i.kind, i.timestamp, i.post): i.weight for i in s.interactions()}
    assert got == expected
    s.write(recs)
    assert s.counts()["interactions"] == len(expected)


def test_migration_from_version_1_keeps_data(tmp_path):
    """A store written by schema version 1 is migrated forward with its data intact."""
    from influence.records import SameAs
    from influence.store import _MIGRATIONS

    path = tmp_path / "v1.db"
    conn = sqlite3.connect(path, isolation_level=None)
    _MIGRATIONS[0](conn)
    conn.execute("PRAGMA user_version = 1")
    conn.execute("INSERT INTO actors(id, platform) VALUES ('import:a', 'import'), ('import:b', 'import')")
    conn.execute("INSERT INTO interactions(src, dst, kind, weight) VALUES (1, 2, 'like', 1.0)")
    conn.execute("INSERT INTO meta(key, value) VALUES ('fingerprint', '0:stale-digest')")  # a v1 cache
    conn.close()
    s = Store(path)
    assert s.schema_version == SCHEMA_VERSION >= 2
    assert s.counts() == {"actors": 2, "posts": 0, "interactions": 1}
    s.write([SameAs("import:a", "import:b", "test")])
    fresh = Store()
    fresh.write([Interaction("import:a", "import:b", "like"), SameAs("import:a", "import:b", "test")])
    assert s.fingerprint() == fresh.fingerprint()  # no stale cached digest from before the migration
    assert [(x.a, x.b, x.evidence) for x in s.identity_links()] == [("import:a", "import:b", "test")]
    s.close()


def test_same_as_validation():
    from influence.records import SameAs

    with pytest.raises(ValueError, match="itself"):
        SameAs("import:a", "import:a")
    with pytest.raises(ValueError, match="platform:handle"):
        SameAs("a", "import:b")


def test_duplicates_replaced_when_not_summing(store):
    """Crawlers write with sum_duplicates=False: the same event seen twice is one event."""
    rec = Interaction("import:a", "import:b", "reshare", "2024-01-01", "p1")
    store.write([rec, rec], sum_duplicates=False)
    store.write([rec], sum_duplicates=False)
    (only,) = list(store.interactions())
    assert only.weight == 1.0


def test_interaction_arrays_come_in_key_order_whatever_the_write_order():
    """interaction_arrays reads the table in its own order and sorts by the key (source, target,
    kind name, time, post) itself: the same rows, in the order ORDER BY the key gives."""
    import random

    import numpy as np

    from influence.records import KINDS

    recs = []
    for a in ("import:b", "import:a", "import:c"):
        for b in ("import:a", "import:c", "import:b"):
            for kind in ("reply", "like", "mention", "link"):
                for ts in (None, 1.7e9, 1.6e9):
                    for post in (None, "p2", "p1", "p10"):
                        recs.append(Interaction(a, b, kind, ts, post, weight=random.Random(len(recs)).randint(1, 9)))
    random.Random(0).shuffle(recs)
    with Store(":memory:") as s:
        s.write(recs[:100])
        s.write(recs[100:])  # a second write: rows merged after the first ones
        src, dst, kind, ts, w = s.interaction_arrays()
        expected = s._conn.execute(
            "SELECT src, dst, kind, ts, weight FROM interactions "
            "ORDER BY src, dst, kind, ifnull(ts, -1.0e300), ifnull(post, '')").fetchall()
        got = [(int(a), int(b), KINDS[int(k)], None if np.isnan(t) else float(t), float(x))
               for a, b, k, t, x in zip(src, dst, kind, ts, w)]
        assert got == [tuple(r) for r in expected]
        assert len(got) == len(recs)
        src, dst, kind, ts, w = s.interaction_arrays(kinds=["like"], since=1.65e9)
        assert set(kind.tolist()) == {KINDS.index("like")} and (ts >= 1.65e9).all() and len(ts) == 9 * 4


@pytest.mark.parametrize("first", [[], [Interaction("import:z", "import:y", "like")]])
def test_duplicates_summed_in_the_order_given_or_last_kept(first):
    """Within one write, weights of one key add up in the order given (so a store that already
    holds interactions, merged through a temporary table, gets the same bits as a new one, and
    writing again changes nothing); crawls keep the last row."""
    rows = [Interaction("import:a", "import:b", "reply", 1.7e9, weight=w, rel=r)
            for w, r in ((0.1, None), (0.2, "ugc"), (0.3, "nofollow"), (0.7, None))]
    with Store(":memory:") as s:
        s.write(first)
        s.write(rows)
        (got,) = [i for i in s.interactions() if i.source == "import:a"]
        assert got.weight == ((0.1 + 0.2) + 0.3) + 0.7 and got.rel == "ugc"
        before = s.fingerprint()
        assert s.write(rows)["interactions"] == 0 and s.fingerprint() == before
        s.write(rows, sum_duplicates=False)
        (got,) = [i for i in s.interactions() if i.source == "import:a"]
        assert got.weight == 0.7 and got.rel == "ugc"  # the last row; its rel is None: kept
        assert s._conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_hash_rows_is_the_per_row_definition():
    """The fingerprint hashes each table as a separator byte then, per row, its ``repr`` and a
    newline (the definition manifests rely on); hashing in chunks must give those bytes exactly,
    across chunk boundaries, on both back ends' kinds of rows."""
    import hashlib

    from influence._storage import hash_rows

    def per_row(tables):
        h = hashlib.sha256()
        for rows in tables:
            h.update(b"\x1e")
            for row in rows:
                h.update(repr(tuple(row)).encode("utf-8") + b"\n")
        return h.hexdigest()

    big = [(f"import:u{i}", f"import:v{i % 7}", "reply", 1.7e9 + i, None, 1.0, None) for i in range(25_003)]
    odd = [["é😀", None, -0.0, float("inf"), "x\ny", 'q"\''], ("a",)]
    for tables in ([], [[]], [big, [], odd], [odd, big[:10_000], big[:10_001]]):
        assert hash_rows(iter(t) for t in tables) == per_row(tables)
