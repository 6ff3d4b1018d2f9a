"""Issue 14, items 2, 3, 4, 9 and 12: records refuse what would brick or corrupt a store."""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest
from click.testing import CliRunner

from influence.config import RankingConfig
from influence.errors import InputDataError
from influence.graph import build_arrays, build_graph
from influence.importers import import_file
from influence.records import (
    Actor,
    Interaction,
    Post,
    StoredDataWarning,
    clean_text,
    parse_timestamp,
)
from influence.store import Store
from influence_cli import cli


def test_out_of_range_timestamp_is_a_line_numbered_error(tmp_path):
    f = tmp_path / "t.csv"
    f.write_text(
        "source,target,kind,timestamp\nc,b,reply,2024-01-01\na,b,reply,1e16\n", encoding="utf-8"
    )
    with (
        Store(tmp_path / "t.db") as s,
        pytest.raises(InputDataError, match=r"line 3.*outside the accepted range"),
    ):
        import_file(s, f)
    with pytest.raises(ValueError, match="outside the accepted range"):
        Interaction("import:a", "import:b", "reply", "9999-01-01")
    assert parse_timestamp("1900-01-01") == -2208988800.0
    with pytest.raises(ValueError):
        parse_timestamp(10**400)
    r = CliRunner().invoke(cli, ["import", str(tmp_path / "u.db"), str(f), "-q"])
    assert r.exit_code == 2 and "Traceback" not in r.output and "line 3" in r.stderr


def test_store_with_stored_out_of_range_rows_still_ranks(tmp_path):
    db = tmp_path / "old.db"
    with Store(db) as s:
        s.write(
            [
                Interaction("import:a", "import:b", "reply", "2024-01-01"),
                Interaction("import:c", "import:b", "reply", "2024-01-02"),
                Post("p1", "import:b", timestamp="2024-01-01", text="x"),
            ]
        )
    con = sqlite3.connect(db)  # what older versions let in
    con.execute("UPDATE interactions SET ts = 1e13 WHERE ts = (SELECT max(ts) FROM interactions)")
    con.execute("UPDATE posts SET ts = 1e13")
    con.commit()
    con.close()
    with Store(db) as s:
        assert s.out_of_range_timestamps() == {"posts": 1, "interactions": 1}
        with pytest.warns(StoredDataWarning, match="1 interactions"):
            G = build_graph(s, half_life_days=30)
        assert G.graph["reference_time"] == "2024-01-01T00:00:00Z"
        assert G.number_of_edges() == 2
        with pytest.warns(StoredDataWarning, match="1 posts"):
            assert [p.timestamp for p in s.posts()] == [None]
        assert s.time_range()[1] == parse_timestamp("2024-01-01")
    r = CliRunner().invoke(cli, ["rank", str(db), "-q"])
    assert r.exit_code == 0, r.output
    assert "import:b" in r.stdout
    # the CLI says it in one plain line, without Python's file:line and source echo
    warned = [ln for ln in r.stderr.splitlines() if "outside 1900-01-01 to 2100-01-01" in ln]
    assert len(warned) == 1 and warned[0].startswith("Warning: 1 interactions in ")
    assert "graph.py" not in r.stderr and "StoredDataWarning" not in r.stderr


def test_future_row_does_not_hijack_decay():
    s = Store(":memory:")
    s.write(
        [
            Interaction("import:a", "import:b", "reply", "2024-01-01"),
            Interaction("import:c", "import:d", "reply", "2024-01-01"),
            Interaction("import:e", "import:f", "reply", "2099-01-01"),
        ]
    )
    with pytest.warns(StoredDataWarning, match="1 interactions are dated after the decay reference "
                                                "2024-01-01T00:00:00Z: they count at full weight"):
        G = build_graph(s, half_life_days=30)
    assert G.graph["reference_time"] == "2024-01-01T00:00:00Z"
    assert G.graph["after_reference"] == 1
    assert G.edges["import:a", "import:b"]["weight"] == pytest.approx(0.8)
    assert G.edges["import:e", "import:f"]["weight"] == pytest.approx(0.8)  # factor 1, not more
    cfg = RankingConfig(half_life_days=30, reference_time="2024-01-31")
    with pytest.warns(StoredDataWarning, match="1 interactions are dated after"):
        G2 = build_graph(s, cfg)
    assert G2.edges["import:a", "import:b"]["weight"] == pytest.approx(0.4)
    assert RankingConfig.from_dict(cfg.to_dict()) == cfg
    with pytest.warns(StoredDataWarning):
        A = build_arrays(s, cfg)
    assert np.allclose(sorted(A.weight), sorted(d["weight"] for *_, d in G2.edges(data=True)))
    with pytest.raises(Exception, match="graph.reference_time"):
        RankingConfig(reference_time="3000-01-01")
    # without decay a future row changes no weight: counted, not warned about
    assert build_graph(s).graph["after_reference"] == 1


def test_cli_reports_future_rows_under_decay(tmp_path):
    e = tmp_path / "e.csv"
    e.write_text("source,target,kind,timestamp\na,b,reply,2024-01-01\nc,b,reply,2099-01-01\n", encoding="utf-8")
    db = tmp_path / "s.db"
    assert CliRunner().invoke(cli, ["import", str(db), str(e), "-q"]).exit_code == 0
    toml = tmp_path / "s.toml"
    toml.write_text('name = "s"\nstore = "s.db"\n[ranking.graph]\nhalf_life_days = 30\n', encoding="utf-8")
    r = CliRunner().invoke(cli, ["rank", str(toml), "-f", "csv"])
    assert r.exit_code == 0, r.output
    assert ("Warning: 1 interactions are dated after the decay reference 2024-01-01T00:00:00Z: they count "
            "at full weight") in r.stderr
    plain = CliRunner().invoke(cli, ["rank", str(db), "-f", "csv"])
    assert plain.exit_code == 0 and "Warning" not in plain.stderr


def test_control_characters():
    with pytest.raises(ValueError, match="control character"):
        Actor("import:a\x00b")
    with pytest.raises(ValueError, match=r"U\+001B"):
        Interaction("import:a\x1b[31m", "import:b", "reply")
    a = Actor("import:a", name='Ana\x1b[31m\x00 "P" <&>\nX', bio="l1\r\nl2\x07")
    assert a.name == 'Ana[31m "P" <&> X' and a.bio == "l1\nl2"
    assert Post("p", "import:a", text="a\tb\x0c", tags=["x\x00", "\x01"]).tags == ("x",)
    assert clean_text("\ud800ok\ufffe") == "ok"


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "csv", "json"])
def test_exports_reimport(tmp_path, fmt):
    s = Store(tmp_path / "s.db")
    s.write(
        [
            Actor("import:ñandú", name='Ñandú "q" &<> \x1bend'),
            Interaction("import:ñandú", "import:a&<>\"'", "reply"),
            Interaction("import:b", "import:ñandú", "reply"),
            Interaction("import:b", "import:ñandú", "like", None, None, 3),
        ]
    )
    out = tmp_path / f"g.{fmt}"
    r = CliRunner().invoke(cli, ["export", str(tmp_path / "s.db"), "-f", fmt, "-o", str(out), "-q"])
    assert r.exit_code == 0, r.output
    args = ["import", str(tmp_path / "back.db"), str(out), "-q"] + (
        ["--kind", "reply"] if fmt == "csv" else []
    )
    r = CliRunner().invoke(cli, args)
    assert r.exit_code == 0, r.output
    with Store(tmp_path / "back.db") as b:
        ids = {x.id for x in b.actors()}
        back = sorted((i.source, i.target, i.kind, i.weight) for i in b.interactions())
    assert {"import:ñandú", "import:a&<>\"'", "import:b"} <= ids
    if fmt != "csv":  # graph formats carry the per-kind counts (n_<kind>): kinds and counts come back
        assert back == [("import:b", "import:ñandú", "like", 3.0), ("import:b", "import:ñandú", "reply", 1.0),
                        ("import:ñandú", "import:a&<>\"'", "reply", 1.0)]


def test_numbers():
    with pytest.raises(ValueError, match="2\\*\\*53"):
        Actor("import:a", followers=1e30)
    with pytest.raises(ValueError, match="2\\*\\*53"):
        Actor("import:a", followers=10**400)
    with pytest.raises(ValueError, match="<= 1e12"):
        Interaction("import:a", "import:b", "reply", weight=1.5e308)
    s = Store(":memory:")
    s.write([Interaction("import:a", "import:b", "reply", weight=1e12)] * 2)
    assert [i.weight for i in s.interactions()] == [1e12]  # the sum is capped, never inf
    assert Post("p", "reddit:u/x", likes=-2).likes == -2  # net score: up minus down votes
    with pytest.raises(ValueError):
        Post("p", "reddit:u/x", replies=-1)


def test_numbers_at_import_are_line_numbered(tmp_path):
    f = tmp_path / "a.jsonl"
    f.write_text('{"id":"a"}\n{"id":"b","followers":1e30}\n', encoding="utf-8")
    with Store(":memory:") as s, pytest.raises(InputDataError, match="line 2.*followers"):
        import_file(s, f)
    g = tmp_path / "w.csv"
    g.write_text(
        "source,target,kind,weight\na,b,reply,1.5e308\na,b,reply,1.5e308\n", encoding="utf-8"
    )
    with Store(":memory:") as s, pytest.raises(InputDataError, match="line 2.*weight"):
        import_file(s, g)
    p = tmp_path / "p.csv"
    p.write_text("id,author,likes\np1,a,-2\n", encoding="utf-8")
    with Store(":memory:") as s:
        import_file(s, p)
        assert next(s.posts()).likes == -2
