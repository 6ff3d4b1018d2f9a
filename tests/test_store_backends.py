"""The store test suite against both back ends (issue 19): SQLite and PostgreSQL.

Every test of tests/test_store.py that takes the ``store`` fixture runs here once per back end
(this module's ``store`` fixture is parametrised); the tests below add what the PostgreSQL store
must do the same way (fingerprint, arrays, crawl state) and its own refusals. PostgreSQL comes
from tests/_pg.py (a throwaway cluster, or ``INFLUENCE_TEST_PG``); without one these tests skip,
and under ``CI=true`` they fail.
"""

from __future__ import annotations

import inspect
import sys

import numpy as np
import pytest
from click.testing import CliRunner

from influence._storage import mask_url, open_store
from influence.errors import SchemaVersionError, StoreError
from influence.records import Actor, Interaction, Post, SameAs
from influence.store import Store
from tests import _pg
from tests import test_store as _base

# -- the store suite, once per back end ------------------------------------------------------------

for _name, _fn in vars(_base).items():
    if _name.startswith("test_") and callable(_fn) and "store" in inspect.signature(_fn).parameters:
        globals()[_name] = _fn


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request):
    """A fresh store of each back end."""
    if request.param == "sqlite":
        s = Store(":memory:")
        yield s
        s.close()
        return
    url, drop = _pg.fresh_url()
    s = open_store(url)
    yield s
    s.close()
    drop()


# -- the same answers from both back ends -----------------------------------------------------------


def _rich_records():
    return [
        Actor("mastodon:@ana@coffee.example", name="Ana", followers=1200, language="es", bio="barista\nés"),
        Actor("web:zz.example", name="Ünïcode Ñ", competitor="Z"),
        Actor("web:Aa.example"),  # upper case sorts before lower case by code point
        Post("p2", "mastodon:@ana@coffee.example", "2026-01-05T10:00:00Z", "Hola #cafe", likes=10,
             tags=("café", "x")),
        Post("p1", "web:zz.example", None, "", title="T", url="https://zz.example/1"),
        Interaction("mastodon:@ana@coffee.example", "web:zz.example", "link", None, None, 2.5, "nofollow"),
        Interaction("mastodon:@ana@coffee.example", "web:zz.example", "link", None, None, 0.5),
        Interaction("web:zz.example", "web:Aa.example", "mention", "2026-01-06", "p1"),
        Interaction("web:Aa.example", "mastodon:@ana@coffee.example", "reply", 1.5e9, "p2", 0.1),
        SameAs("mastodon:@ana@coffee.example", "web:zz.example", "rel=me"),
    ]


def _arrays(store, **options) -> list[tuple]:
    """interaction_arrays as sorted rows with actor ids for numbers (NaN times as None)."""
    src, dst, kind, ts, weight = store.interaction_arrays(**options)
    assert src.dtype == dst.dtype == kind.dtype == np.int64 and ts.dtype == weight.dtype == np.float64
    ids = store.actor_ids(np.concatenate([src, dst]))
    n = len(src)
    return sorted(zip(ids[:n], ids[n:], kind.tolist(), [None if t != t else t for t in ts.tolist()],
                      weight.tolist()), key=repr)


def test_same_fingerprint_and_reads_as_sqlite(pg_store, demo_data):
    records = list(demo_data.records()) + _rich_records()
    lite = Store(":memory:")
    assert lite.write(records) == pg_store.write(records)
    assert pg_store.write(records) == {"actors": 0, "posts": 0, "interactions": 0, "identity_links": 0}
    assert pg_store.counts() == lite.counts()
    assert pg_store.fingerprint() == lite.fingerprint()
    assert list(pg_store.actors()) == list(lite.actors())
    assert list(pg_store.posts()) == list(lite.posts())
    # rows come in the order of actor numbers, which each back end assigns its own way
    assert sorted(pg_store.interactions(), key=repr) == sorted(lite.interactions(), key=repr)
    assert list(pg_store.identity_links()) == list(lite.identity_links())
    kw = {"kinds": ["mention", "reply"], "since": 1.4e9, "platforms": ["mastodon", "web"]}
    for options in ({}, kw):
        assert _arrays(pg_store, **options) == _arrays(lite, **options)
    assert sorted(pg_store.interactions(**kw), key=repr) == sorted(lite.interactions(**kw), key=repr)
    assert pg_store.post_stats(keywords=["cafe"]) == lite.post_stats(keywords=["cafe"])
    assert pg_store.last_activity() == lite.last_activity()
    assert pg_store.time_range() == lite.time_range()
    assert pg_store.actor_attributes() == lite.actor_attributes()
    def pairs(s):
        return sorted(tuple(s.actor_ids(p)) for p in s.identity_pairs())

    assert pairs(pg_store) == pairs(lite) == [("mastodon:@ana@coffee.example", "web:zz.example")]
    assert pg_store.post_author("p1") == "web:zz.example"


def test_fingerprint_changes_with_content(store):
    store.write([Interaction("import:a", "import:b", "mention")])
    first = store.fingerprint()
    assert store.fingerprint() == first  # cached
    store.write([Interaction("import:a", "import:b", "mention", weight=2)])
    assert store.fingerprint() != first


def test_crawl_state_round_trip(store):
    store.write_crawl_batch([Interaction("web:a.example", "web:b.example", "link")], source="web[0]",
                            state={"feeds": '["f"]', "gone": None},
                            push=[("https://a.example/", 0, 0), ("https://a.example/x", 1, 1)],
                            validators=[("https://a.example/", "e1", None, '["x"]')])
    store.write_crawl_batch([], source="web[0]", done=[("https://a.example/", "200", 1.0)])
    assert store.crawl_state("web[0]") == {"feeds": '["f"]'}
    assert store.crawl_state_all("feeds") == {"web[0]": '["f"]'}
    assert store.crawl_frontier("web[0]") == [("https://a.example/x", 1, 1)]
    assert store.crawl_visited("web[0]") == {"https://a.example/": "200"}
    assert store.crawl_validators("web[0]", "https://a.example/") == ("e1", None, '["x"]')
    assert store.crawl_validators("web[0]", "https://nope/") == (None, None, None)
    assert store.crawl_sources() == {"web[0]": (1, 1)}
    store.reset_crawl("web[0]")
    assert store.crawl_sources() == {}
    assert store.counts()["interactions"] == 1


def test_meta(store):
    store.set_meta("sector", "coffee")
    store.set_meta("sector", "tea")
    assert store.get_meta("sector") == "tea"
    assert store.get_meta("nope", "x") == "x"


# -- PostgreSQL's own refusals -----------------------------------------------------------------------


def test_pg_readonly_never_writes(pg_url):
    with pytest.raises(StoreError, match="empty database"):
        open_store(pg_url, readonly=True)
    import psycopg

    with psycopg.connect(pg_url) as conn:  # nothing was created
        assert conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()"
                            ).fetchone()[0] == 0
    with open_store(pg_url) as s:
        s.write([Interaction("import:a", "import:b", "mention")])
    with open_store(pg_url, readonly=True) as r:
        assert r.counts()["interactions"] == 1
        assert r.fingerprint()
        assert r.get_meta("fingerprint") is None  # not cached by a reader
        with pytest.raises(StoreError, match="read-only"):
            r.write([Interaction("import:a", "import:c", "mention")])
    with open_store(pg_url) as s:
        assert s.counts()["interactions"] == 1


def test_pg_newer_schema_is_refused(pg_url):
    open_store(pg_url).close()
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("UPDATE influence_schema SET version = 99")
    with pytest.raises(SchemaVersionError, match="version 99 is newer"):
        open_store(pg_url)


def test_pg_other_database_is_refused(pg_url):
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE theirs (x int)")
    with pytest.raises(StoreError, match="not an influence store"):
        open_store(pg_url)
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT to_regclass('actors')").fetchone()[0] is None  # nothing written


def test_pg_store_created_by_another_process_between_two_checks_is_opened(pg_url, monkeypatch):
    # crawl workers started together on a new database: a worker reads "no influence_schema",
    # another commits the whole new store, then the first counts its tables. It must open the
    # store, not refuse it as "not an influence store" (seen with 3 workers in the test suite)
    from influence.store import PgStore

    with open_store(pg_url) as store:
        store.write([Actor("web:a.example")])
    real = PgStore._version
    calls = []

    def version_missed_once(self):
        calls.append(1)
        return None if len(calls) == 1 else real(self)

    monkeypatch.setattr(PgStore, "_version", version_missed_once)
    with open_store(pg_url) as store:
        assert store.counts()["actors"] == 1
    assert len(calls) >= 2


def test_pg_store_committed_after_the_table_count_is_opened(pg_url, monkeypatch):
    # the other order of the same race: a worker reads "no influence_schema" and "no table",
    # then another worker commits the whole store before the first decides what it found. It
    # must create nothing and open the store, not refuse it as another program's 12 tables
    # (seen twice in the clean-clone CI with 3 workers)
    from influence.store import PgStore

    real = PgStore._tables
    counted = []

    def tables_then_another_worker_commits(self):
        n = real(self)
        if not counted:
            counted.append(n)
            with open_store(pg_url) as other:
                other.write([Actor("web:a.example")])
        return n

    monkeypatch.setattr(PgStore, "_tables", tables_then_another_worker_commits)
    with open_store(pg_url) as store:
        assert store.counts()["actors"] == 1 and not store.created
    assert counted == [0]


def test_password_is_masked(monkeypatch):
    assert mask_url("postgresql://ana:pw@db.example:5/x") == "postgresql://ana:***@db.example:5/x"
    monkeypatch.setenv("PGCONNECT_TIMEOUT", "2")
    with pytest.raises(StoreError) as err:
        open_store("postgresql://ana:hunter2@127.0.0.1:1/coffee")
    assert "hunter2" not in str(err.value) and "ana:***@127.0.0.1:1/coffee" in str(err.value)


def test_wrong_password_one_line_exit_2(pg_url, monkeypatch):
    """The throwaway cluster trusts its socket, so a wrong login is a wrong user here."""
    from influence_cli import cli

    rest = pg_url.split("://", 1)[1]
    bad = "postgresql://nobody:hunter2@" + (rest.split("@", 1)[1] if "@" in rest else rest)
    result = CliRunner().invoke(cli, ["rank", bad])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "hunter2" not in result.output + result.stderr
    assert "nobody" in lines[0] and "***" in lines[0]


def test_missing_psycopg_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "psycopg", None)
    with pytest.raises(StoreError, match=r"pip install 'influence\[postgres\]'"):
        open_store("postgresql://u@localhost/x")


def test_sector_file_and_env_select_postgresql(tmp_path, pg_url, monkeypatch):
    from influence.sector import open_sector

    toml = tmp_path / "s.toml"
    toml.write_text('name = "s"\n', encoding="utf-8")
    monkeypatch.setenv("INFLUENCE_STORE", pg_url)
    with open_sector(toml, create=True) as sec:
        assert sec.store.path == pg_url and type(sec.store).__name__ == "PgStore"
        sec.store.write([Interaction("import:a", "import:b", "mention")])
    assert not (tmp_path / "s.db").exists()
    monkeypatch.delenv("INFLUENCE_STORE")
    toml.write_text(f'name = "s"\nstore = "{pg_url}"\n', encoding="utf-8")
    with open_sector(toml) as sec:
        assert sec.store.counts()["interactions"] == 1 and sec.store.readonly


# -- influence store copy ------------------------------------------------------------------------------


def test_store_copy_sqlite_to_postgresql_and_back(tmp_path, pg_url, demo_data):
    from influence_cli import cli

    src = tmp_path / "coffee.db"
    with _crawled_store(src, demo_data) as s:
        expected = s.fingerprint()
    runner = CliRunner()
    result = runner.invoke(cli, ["store", "copy", str(src), pg_url])
    assert result.exit_code == 0, result.output
    assert f"fingerprint {expected[:16]} (same)" in result.stderr
    with open_store(pg_url, readonly=True) as p:
        assert p.fingerprint() == expected
        assert p.crawl_frontier("web[0]") == [("https://a.example/next", 1, 7)]
        assert p.crawl_visited("web[0]") == {"https://a.example/": "200"}
        assert p.crawl_validators("web[0]", "https://a.example/") == ("etag", "Mon", '["x"]')
        assert p.get_meta("sector") == "coffee"
    back = tmp_path / "back.db"
    result = runner.invoke(cli, ["store", "copy", pg_url, str(back), "-q"])
    assert result.exit_code == 0 and result.stderr == ""
    with Store(back, readonly=True) as b:
        assert b.fingerprint() == expected
        assert b.crawl_state("web[0]") == {"feeds": '["https://f/"]'}
    # a destination that holds data is refused, and left as it was
    result = runner.invoke(cli, ["store", "copy", str(src), pg_url])
    assert result.exit_code == 2 and "copy into an empty store" in result.stderr
    with open_store(pg_url, readonly=True) as p:
        assert p.fingerprint() == expected


def _crawled_store(path, demo_data) -> Store:
    s = Store(path)
    s.write(list(demo_data.records()) + _rich_records())
    s.write_crawl_batch([], source="web[0]", state={"feeds": '["https://f/"]'},
                        push=[("https://a.example/next", 1, 7)],
                        validators=[("https://a.example/", "etag", "Mon", '["x"]')])
    s.write_crawl_batch([], source="web[0]", done=[("https://a.example/", "200", 12.5)])
    s.set_meta("sector", "coffee")
    return s


def _holds_nothing(store) -> None:
    assert store.counts() == {"actors": 0, "posts": 0, "interactions": 0}
    assert store.crawl_state("web[0]") == {} and store.crawl_frontier("web[0]") == []
    assert store.crawl_visited("web[0]") == {} and store.crawl_sources() == {}
    assert store.crawl_validators("web[0]", "https://a.example/") == (None, None, None)
    assert store.get_meta("sector") is None


def test_store_copy_is_one_transaction(tmp_path, store, demo_data, monkeypatch):
    """Issue 19: a copy that fails between the records and the crawl state (here: writing the
    crawl state raises, as a lost connection would) leaves the destination empty, not holding
    the records without their crawl state; copied again, it is complete."""
    from influence.store import copy_store

    src = _crawled_store(tmp_path / "src.db", demo_data)
    real = type(store)._crawl_changes
    calls = []

    def fail(self, *args, **kwargs):
        calls.append(self.counts()["actors"])  # the records are written by now, uncommitted
        raise StoreError("connection lost")

    monkeypatch.setattr(type(store), "_crawl_changes", fail)
    with pytest.raises(StoreError, match="connection lost"):
        copy_store(src, store)
    assert calls and calls[0] == src.counts()["actors"]  # it failed between the two parts
    _holds_nothing(store)
    monkeypatch.setattr(type(store), "_crawl_changes", real)
    copy_store(src, store)
    assert store.fingerprint() == src.fingerprint()
    assert store.crawl_frontier("web[0]") == [("https://a.example/next", 1, 7)]
    assert store.crawl_visited("web[0]") == {"https://a.example/": "200"}
    assert store.get_meta("sector") == "coffee"
    src.close()


def test_cli_store_copy_failure_leaves_postgresql_empty(tmp_path, pg_url, demo_data, monkeypatch):
    from influence_cli import cli

    from influence.store import PgStore

    _crawled_store(tmp_path / "src.db", demo_data).close()

    def fail(self, *args, **kwargs):
        raise StoreError(f"{self.path}: connection lost")

    monkeypatch.setattr(PgStore, "_put_meta", fail)  # the very last part of the copy
    result = CliRunner().invoke(cli, ["store", "copy", str(tmp_path / "src.db"), pg_url])
    assert result.exit_code == 2 and "connection lost" in result.stderr
    monkeypatch.undo()
    with open_store(pg_url, readonly=True) as p:
        _holds_nothing(p)


def test_store_copy_bad_input_writes_nothing(tmp_path):
    from influence_cli import cli

    runner = CliRunner()
    result = runner.invoke(cli, ["store", "copy", str(tmp_path / "missing.db"), str(tmp_path / "new.db")])
    assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "new.db").exists()
    with Store(tmp_path / "a.db") as s:
        s.write([Interaction("import:a", "import:b", "mention")])
    result = runner.invoke(cli, ["store", "copy", str(tmp_path / "a.db"), "postgresql://u:pw@127.0.0.1:1/x"],
                           env={"PGCONNECT_TIMEOUT": "2"})
    assert result.exit_code == 2 and ":***@" in result.stderr and "pw@" not in result.stderr


def test_pg_bulk_columns_first_import(pg_store, monkeypatch):
    """The bulk path: interaction columns COPYed without records; a first import into an empty
    table drops and rebuilds its indexes (BULK_ROWS lowered so that a small import takes it)."""
    monkeypatch.setattr(type(pg_store), "BULK_ROWS", 3)
    cols = (["import:a", "import:a", "import:b", "import:a"], ["import:b", "import:b", "import:c", "import:c"],
            ["mention", "mention", "reply", "like"], [1.6e9, 1.6e9, None, 1.7e9], None, [1.0, 2.0, 1.0, 1.5], None)
    assert pg_store.write_interaction_columns([cols]) == {"actors": 3, "posts": 0, "interactions": 3}
    assert pg_store.write_interaction_columns([cols]) == {"actors": 0, "posts": 0, "interactions": 0}
    lite = Store(":memory:")
    lite.write(Interaction(*row) for row in zip(cols[0], cols[1], cols[2], cols[3], [None] * 4, cols[5]))
    assert pg_store.fingerprint() == lite.fingerprint()
    weights = {(i.source, i.target, i.kind.value): i.weight for i in pg_store.interactions()}
    assert weights[("import:a", "import:b", "mention")] == 3.0  # duplicates summed
    import psycopg

    with psycopg.connect(pg_store.url) as conn:
        names = {r[0] for r in conn.execute("SELECT indexname FROM pg_indexes WHERE tablename = "
                                            "'interactions' AND schemaname = current_schema()")}
    assert names == {"interactions_key", "interactions_dst"}


@pytest.mark.parametrize("sum_duplicates", [True, False])
def test_pg_columns_text_copy_and_actor_cache(pg_store, monkeypatch, sum_duplicates):
    """The columns reach PostgreSQL as text-format COPY blocks with actor numbers: values that
    need escaping there (backslashes, a literal \\N) or are None round-trip, and actor
    numbers stay right when this write's id cache is full and starts again (lowered to 3), with
    actors that existed before the write. Same store as SQLite from the same rows."""
    monkeypatch.setattr(type(pg_store), "MAX_CACHED_ACTORS", 3)
    before = [Actor("import:old", name="Old"), Interaction("import:old", "import:a", "like")]
    odd = ["a\\b", "\\N", "c:\\dir\\", "\\\\N", "plain", None]  # control characters are refused before
    batches = [
        (["import:a", "import:old", "import:b"], ["import:old", "import:c", "import:a"], ["mention", "reply", "like"],
         [1.6e9, None, 1.7e9 + 0.125], odd[:3], None, ["nofollow", None, "ugc"]),
        (["import:d", "import:a", "import:e"], ["import:e", "import:old", "import:f"], ["mention", "mention", "link"],
         [None, 1.6e9, 1.6e9], odd[3:], [2.0, 0.5, 1.0], None),
        (["import:a"], ["import:old"], ["mention"], [1.6e9], ["a\\b"], [4.0], None),
    ]
    lite = Store(":memory:")
    for store in (pg_store, lite):
        store.write(before)
    assert (pg_store.write_interaction_columns(iter(batches), sum_duplicates=sum_duplicates)
            == lite.write_interaction_columns(iter(batches), sum_duplicates=sum_duplicates))
    assert pg_store.fingerprint() == lite.fingerprint()
    def key(i):  # interactions() follow actor numbers, which the back ends assign differently
        return (i.source, i.target, i.kind.value, i.timestamp or 0, i.post or "")

    assert sorted(pg_store.interactions(), key=key) == sorted(lite.interactions(), key=key)
    assert {i.post for i in pg_store.interactions()} == set(odd)


# -- bad input on the command line: one line, exit 2, nothing written ------------------------------------


def _with_user(url: str, userinfo: str) -> str:
    rest = url.split("://", 1)[1]
    return f"postgresql://{userinfo}@" + (rest.split("@", 1)[1] if "@" in rest else rest)


def test_cli_wrong_password(pg_url, tmp_path):
    """.ci/pg-cluster's role influence_pw must give its password ('right')."""
    import psycopg
    from influence_cli import cli

    try:
        psycopg.connect(_with_user(pg_url, "influence_pw:right")).close()
    except psycopg.Error:
        pytest.skip("this PostgreSQL server has no influence_pw role (clusters of .ci/pg-cluster have it)")
    csv_file = tmp_path / "x.csv"
    csv_file.write_text("source,target\nimport:a,import:b\n", encoding="utf-8")
    bad = _with_user(pg_url, "influence_pw:hunter2")
    for args in (["import", bad, str(csv_file)], ["rank", bad], ["store", "copy", bad, str(tmp_path / "c.db")]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 2, (args, result.output)
        (line,) = result.stderr.strip().splitlines()
        assert "password authentication failed" in line and "influence_pw:***@" in line
        assert "hunter2" not in result.output + result.stderr
    assert not (tmp_path / "c.db").exists()


def test_cli_newer_schema_and_unreachable_server(pg_url, tmp_path):
    import psycopg
    from influence_cli import cli

    open_store(pg_url).close()
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("UPDATE influence_schema SET version = 99")
    csv_file = tmp_path / "x.csv"
    csv_file.write_text("source,target\nimport:a,import:b\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["import", pg_url, str(csv_file)])
    assert result.exit_code == 2 and "version 99 is newer" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT count(*) FROM actors").fetchone()[0] == 0  # nothing written
    toml = tmp_path / "s.toml"
    toml.write_text('name = "s"\nstore = "postgresql://crawler:pw@127.0.0.1:1/coffee"\n'
                    '[[sources]]\ntype = "web"\nseeds = ["https://example.org/"]\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["crawl", str(toml)], env={"PGCONNECT_TIMEOUT": "2"})
    assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1
    assert "cannot connect" in result.stderr and "crawler:***@127.0.0.1:1/coffee" in result.stderr
    assert not (tmp_path / "coffee").exists() and sorted(p.name for p in tmp_path.iterdir()) == ["s.toml", "x.csv"]


def test_pg_arrays_in_several_chunks(pg_store, monkeypatch):
    pg_store.write(_rich_records() + [Interaction("import:x", f"import:y{i}", "like", 1.6e9 + i) for i in range(10)])
    whole = _arrays(pg_store)
    monkeypatch.setattr(type(pg_store), "ARRAY_CHUNK", 3)  # 13 rows (two links summed): 5 byteas
    assert _arrays(pg_store) == whole and len(whole) == 13
    src, dst, kind, ts, weight = pg_store.interaction_arrays()
    assert list(src) == sorted(src)  # in key order, across chunks


def test_pg_crawl_batch_retried_after_a_deadlock(pg_store, monkeypatch):
    """Two workers upserting the same new actors in another order can deadlock: PostgreSQL rolls
    one transaction back, and write_crawl_batch runs it again (nothing of it had been written)."""
    import psycopg

    real = type(pg_store)._write
    calls = []

    def flaky(self, fill, sum_duplicates, after):
        calls.append(1)
        if len(calls) == 1:
            with self._pg.transaction():  # like the database: a transaction begun, then rolled back
                fill(_row_batch(), {"actors": 0, "posts": 0, "interactions": 0})
                raise psycopg.errors.DeadlockDetected("deadlock detected")
        return real(self, fill, sum_duplicates, after)

    monkeypatch.setattr(type(pg_store), "_write", flaky)
    new = pg_store.write_crawl_batch([Interaction("web:a.example", "web:b.example", "link")], source="web[0]",
                                     done=[("https://a.example/", "200", 1.0)])
    assert len(calls) == 2 and new["interactions"] == 1
    assert pg_store.crawl_visited("web[0]") == {"https://a.example/": "200"}
    monkeypatch.setattr(type(pg_store), "_write", lambda *a: (_ for _ in ()).throw(
        psycopg.errors.DeadlockDetected("deadlock detected")))
    with pytest.raises(StoreError, match="deadlock detected; try again"):
        pg_store.write([Interaction("web:a.example", "web:c.example", "link")])


def _row_batch():
    from influence._storage import RowBatch

    return RowBatch(False)


def test_actor_urls_reads_only_the_given_actors(store):
    store.write([Actor(f"web:a{i}.example", url=f"https://a{i}.example/" if i % 3 else None) for i in range(1203)])
    wanted = [f"web:a{i}.example" for i in range(0, 1203, 2)] + ["web:nobody.example", "web:a2.example"]
    got = store.actor_urls(wanted)
    assert got == {f"web:a{i}.example": f"https://a{i}.example/" for i in range(0, 1203, 2) if i % 3}
    assert store.actor_urls([]) == {}
