"""influence overlap: the audience overlap matrix of a shortlist or of named actors."""

import csv
import io
import json

import numpy as np
import pytest
from click.testing import CliRunner
from influence_cli import cli

import influence
from influence.reach import overlap, overlap_matrix
from influence.records import Actor, Interaction, SameAs
from influence.store import Store

# the commands and analyses run on "demo" read the session's demo (conftest), not a new one
pytestmark = pytest.mark.usefixtures("session_demo")


@pytest.fixture(scope="module")
def demo():
    with influence.sector.open_sector("demo") as sector:
        return sector.graph()


@pytest.fixture
def runner():
    return CliRunner()


def _json(runner, *args):
    r = runner.invoke(cli, ["overlap", *args, "--format", "json", "-q"])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def test_default_is_the_shortlist_top_k_with_its_matrix(runner, demo):
    rows = _json(runner, "demo", "--top", "6")
    short = json.loads(runner.invoke(cli, ["shortlist", "demo", "--top", "6", "--format", "json", "-q"]).stdout)
    actors = [r["actor"] for r in rows]
    assert actors == [r["actor"] for r in short]
    # the networkx graph path of the library, not the CLI's array view
    M = overlap_matrix(demo, actors)
    got = np.array([[r["overlap"][b] for b in actors] for r in rows])
    assert np.allclose(got, M, atol=1e-4) and np.allclose(got, got.T)
    assert np.allclose(np.diag(got), 1.0)
    for i, r in enumerate(rows):
        j = max((j for j in range(6) if j != i), key=lambda j: M[i, j])
        assert r["max_with"] == actors[j] and r["max_overlap"] == pytest.approx(M[i, j], abs=1e-4)
        assert r["shared_with_max"] == overlap(demo, actors[i], actors[j]).shared
        assert r["audience"] == len(set(demo.predecessors(actors[i])) - {actors[i]})
    # the demo plants pairs of leaders with a shared audience: the largest overlap is far above the rest
    off = M[~np.eye(6, dtype=bool)]
    assert off.max() > 0.2 and np.median(off) < 0.05


def test_strategy_reach_compares_the_reach_picks(runner):
    rows = _json(runner, "demo", "--top", "5", "--strategy", "reach")
    picks = json.loads(runner.invoke(cli, ["shortlist", "demo", "--top", "5", "--strategy", "reach", "--format",
                                           "json", "-q", "--no-communities"]).stdout)
    assert [r["actor"] for r in rows] == [p["actor"] for p in picks]
    by_score = _json(runner, "demo", "--top", "5")
    # the reach set avoids the shared audiences the top five by score have
    assert max(r["max_overlap"] for r in rows) < max(r["max_overlap"] for r in by_score)


def test_named_actors_and_weighted(runner, demo):
    a, b, c = "mastodon:@cafe_henry@toot.example", "bluesky:manuel-cafe.bsky.example", "web:fieldguidetopourlab.example"
    rows = _json(runner, "demo", a, b, c, "--weighted")
    assert [r["actor"] for r in rows] == [a, b, c]
    W = overlap_matrix(demo, [a, b, c], weighted=True)
    assert rows[0]["overlap"][b] == pytest.approx(W[0, 1], abs=1e-4)
    assert rows[2]["overlap"][a] == pytest.approx(W[2, 0], abs=1e-4)
    assert W[0, 1] != pytest.approx(overlap_matrix(demo, [a, b])[0, 1], abs=1e-3)   # not the plain Jaccard


def test_csv_has_a_numbered_column_per_actor_and_a_blank_diagonal(runner):
    r = runner.invoke(cli, ["overlap", "demo", "--top", "4", "--format", "csv", "-q"])
    assert r.exit_code == 0, r.output
    table = list(csv.DictReader(io.StringIO(r.stdout)))
    assert len(table) == 4 and list(table[0])[-4:] == ["1", "2", "3", "4"]
    for i, row in enumerate(table, 1):
        assert row[str(i)] == ""
        assert all(0.0 <= float(row[str(j)]) <= 1.0 for j in range(1, 5) if j != i)
    assert table[0]["2"] == table[1]["1"]


def test_an_account_of_a_merged_identity_names_its_actor(runner, tmp_path):
    db = tmp_path / "s.db"
    with Store(db) as store:
        store.write([
            Actor("web:ana.example", name="Ana's blog"),
            Actor("mastodon:@ana@social.example", name="Ana"),
            Interaction("import:x", "mastodon:@ana@social.example", "reply", "2026-01-01"),
            Interaction("import:y", "web:ana.example", "link", "2026-01-02"),
            Interaction("import:y", "import:luis", "mention", "2026-01-02"),
            Interaction("import:z", "import:luis", "mention", "2026-01-03"),
            SameAs("web:ana.example", "mastodon:@ana@social.example", "rel=me"),
        ])
    rows = _json(runner, str(db), "web:ana.example", "import:luis")
    assert rows[0]["actor"] == "mastodon:@ana@social.example" and rows[0]["audience"] == 2
    assert rows[0]["overlap"]["import:luis"] == pytest.approx(1 / 3, abs=1e-4)   # {x, y} vs {y, z}
    assert rows[0]["shared_with_max"] == 1


def test_output_file_gets_a_manifest(runner, tmp_path):
    out = tmp_path / "o.csv"
    r = runner.invoke(cli, ["overlap", "demo", "--top", "3", "-o", str(out), "-q"])
    assert r.exit_code == 0, r.output
    assert out.read_text(encoding="utf-8").startswith("rank,actor,name,audience,max_overlap,max_with,1,2,3")
    manifest = json.loads((tmp_path / "o.csv.manifest.json").read_text(encoding="utf-8"))
    assert manifest["command"] == "overlap" and len(manifest["actors"]) == 3


@pytest.mark.parametrize("args, message", [
    (["nobody:x", "web:fieldguidetopourlab.example"], "unknown actor 'nobody:x'"),
    (["mastodon:@cafe_henry@toot.exampl", "web:fieldguidetopourlab.example"], "did you mean mastodon:@cafe_henry"),
    (["web:fieldguidetopourlab.example"], "at least two actors"),
    (["web:fieldguidetopourlab.example", "web:fieldguidetopourlab.example"], "listed twice"),
    (["--top", "250"], "at most 200"),
    (["--top", "1"], "at least two actors"),
    (["web:fieldguidetopourlab.example", "mastodon:@cafe_henry@toot.example", "--strategy", "reach"], "not both"),
])
def test_bad_input_exits_2(runner, args, message):
    r = runner.invoke(cli, ["overlap", "demo", "-q", *args])
    assert r.exit_code == 2, r.output
    assert message in r.stderr and "Traceback" not in r.output
