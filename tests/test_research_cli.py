"""``influence evaluate``, ``influence sweep`` and ``influence tune`` through the CLI: on the demo
sector and on a real dataset imported from ../shared/datasets; manifests; errors exit 2."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from influence_cli import cli

from influence.config import MEASURE_NAMES, RankingConfig, load_toml
from influence.datasets import make_sector

#: Small simulations: these tests check the plumbing; the statistics are tested in test_evaluate.
FAST = ["--runs", "10", "--sample", "300"]


def run(args, expect=0):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exit_code == expect, (
        f"influence {' '.join(map(str, args))} -> exit {result.exit_code} (expected {expect})\n"
        f"stdout: {result.stdout}\nstderr: {result.stderr}\nexception: {result.exception!r}"
    )
    return result


@pytest.fixture(scope="module")
def demo_eval(tmp_path_factory):
    """One `influence evaluate demo` run written with -o, and its stdout twin."""
    out = tmp_path_factory.mktemp("eval") / "eval.json"
    written = run(["evaluate", "demo", *FAST, "--k", "5", "-o", out])
    shown = run(["evaluate", "demo", *FAST, "--k", "5", "--format", "json"])
    return out, written, shown


def test_evaluate_demo_lists_every_measure_and_the_composite(demo_eval):
    out, written, shown = demo_eval
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert [r["measure"] for r in rows] == [*MEASURE_NAMES, "composite"]
    defaults = RankingConfig().measures
    assert all(r["weight"] == defaults[r["measure"]] for r in rows[:-1])
    # the 300 sampled actors, less the competitor brands the ranking leaves out
    assert len({r["n"] for r in rows}) == 1 and 280 <= rows[0]["n"] <= 300
    assert all(r["k"] == 5 for r in rows)
    for r in rows:
        for key in ("kendall", "spearman", "precision_at_k", "ndcg_at_k"):
            assert r[key] is None or -1.0 <= r[key] <= 1.0
    # identical runs give identical output
    assert json.loads(shown.stdout) == rows
    assert "Ground truth: SIR spreading (beta" in shown.stderr and "10 runs, seed 0" in shown.stderr
    assert written.stdout == "" and f"Wrote {out}" in written.stderr


def test_evaluate_manifest_carries_config_seed_versions_and_fingerprint(demo_eval):
    out, _written, _shown = demo_eval
    m = json.loads(Path(str(out) + ".manifest.json").read_text(encoding="utf-8"))
    assert m["command"] == "evaluate" and m["sector"] == "demo" and m["seed"] == 0
    assert m["config"] == RankingConfig().to_dict()
    assert m["truth"]["model"] == "sir" and m["truth"]["runs"] == 10 and m["truth"]["sample"] == 300
    assert m["truth"]["beta"] == pytest.approx(1.5 * m["truth"]["threshold"])
    assert m["store_fingerprint"] and m["store_counts"]["interactions"] > 0
    for key in ("influence_version", "python", "networkx", "numpy", "scipy"):
        assert m[key]
    assert m["k"] == 5


def test_evaluate_with_a_file_of_known_influencers(tmp_path):
    """The demo's planted leaders as a truth file: precision@k of the composite is recomputed here
    from `influence rank` output and the file."""
    leaders = make_sector(0).truth.leaders
    f = tmp_path / "leaders.csv"
    f.write_text("actor\n" + "\n".join(leaders) + "\nmastodon:@nobody@nowhere.example\n", encoding="utf-8")
    r = run(["evaluate", "demo", "--truth", f, "--k", "10", "--format", "json"])
    rows = {row["measure"]: row for row in json.loads(r.stdout)}
    ranking = json.loads(run(["rank", "demo", "--top", "0", "--format", "json", "-q"]).stdout)
    top10 = [e["actor"] for e in ranking[:10]]
    assert rows["composite"]["precision_at_k"] == pytest.approx(len(set(top10) & set(leaders)) / 10)
    assert rows["composite"]["n"] == len(ranking)  # a binary truth compares every ranked actor
    assert "1 of " in r.stderr and "not in the graph" in r.stderr


def test_sweep_demo_sorted_with_manifest(tmp_path):
    grid = tmp_path / "grid.toml"
    grid.write_text('[grid]\n"measures.pagerank" = [0.0, 1.0]\n"measures.in_degree" = [0.0, 1.0]\n',
                    encoding="utf-8")
    out = tmp_path / "sweep.csv"
    r = run(["sweep", "demo", "--grid", grid, *FAST, "--set", "measures.katz=0",
              "--set", "measures.hits_authority=0", "-o", out])
    with open(out, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 3  # the all-zero corner is skipped
    taus = [float(row["kendall"]) for row in rows]
    assert taus == sorted(taus, reverse=True)
    assert list(rows[0])[:3] == ["rank", "measures.pagerank", "measures.in_degree"]
    assert "1 with all weights 0 skipped" in r.stderr and "Sweeping" in r.stderr
    m = json.loads(Path(str(out) + ".manifest.json").read_text(encoding="utf-8"))
    assert m["command"] == "sweep" and m["metric"] == "kendall" and m["points"] == 3
    assert m["grid"] == {"measures.pagerank": [0.0, 1.0], "measures.in_degree": [0.0, 1.0]}
    assert m["config"]["measures"]["in_strength"] == 0.0


def test_tune_demo_saves_a_config_that_rank_accepts(tmp_path):
    saved = tmp_path / "tuned.toml"
    r = run(["tune", "demo", *FAST, "--measures", "pagerank,in_degree,in_strength", "--trials", "20",
             "--save-config", saved, "--format", "json"])
    rows = {row["config"]: row for row in json.loads(r.stdout)}
    assert set(rows) == {"tuned", "baseline", "pagerank", "in_degree", "in_strength"}
    tuned = rows["tuned"]["weights"]
    cfg = RankingConfig.from_dict(load_toml(saved)["ranking"])
    assert {m: w for m, w in cfg.measures.items() if w > 0} == tuned
    assert Path(str(saved) + ".manifest.json").exists()
    ranked = run(["rank", "demo", "--config", saved, "--top", "3", "--format", "json", "-q"])
    assert len(json.loads(ranked.stdout)) == 3


@pytest.mark.parametrize("args,message", [
    (["evaluate", "demo", "--set", "measures.fame=1"], "measures.fame"),
    (["evaluate", "demo", "--truth", "no-such-file.csv"], "no-such-file.csv: no such file"),
    (["evaluate", "demo", "--runs", "0"], "--runs"),
    (["tune", "demo", "--measures", "pagerank,fame", *FAST], "unknown measure 'fame'"),
])
def test_user_errors_exit_2_with_one_line(args, message):
    r = run(args, expect=2)
    assert message in r.stderr and "Traceback" not in r.stderr
    assert r.stdout == ""


def test_sweep_grid_errors_exit_2_naming_the_key(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[grid]\n"pagerank.alpha" = [0.5, 1.5]\n', encoding="utf-8")
    r = run(["sweep", "demo", "--grid", bad], expect=2)
    assert "pagerank.alpha must be a number in the open interval (0, 1), got 1.5" in r.stderr
    ranged = tmp_path / "range.toml"
    ranged.write_text('[grid]\n"pagerank.alpha" = {min = 0.5, max = 0.9}\n', encoding="utf-8")
    r = run(["sweep", "demo", "--grid", ranged], expect=2)
    assert "--random" in r.stderr and r.stderr.count("\n") == 1


def test_help_has_examples():
    for cmd in ("evaluate", "sweep", "tune"):
        r = run([cmd, "--help"])
        assert "Example:" in r.stdout and f"influence {cmd} " in r.stdout


# -- a real dataset, imported -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def karate_store(tmp_path_factory):
    datasets = Path(__file__).resolve().parents[1].parent / "shared" / "datasets"
    if not datasets.is_dir():
        pytest.skip("../shared/datasets not found: real-data tests need the shared folder beside the repository")
    src = datasets / "karate" / "karate_club_edges.csv"
    folder = tmp_path_factory.mktemp("karate")
    # the CSV lists each undirected edge once: write it both ways as interactions
    with open(src, newline="") as fh:
        edges = [(r["source"], r["target"], r["weight"]) for r in csv.DictReader(fh)]
    both = folder / "karate.csv"
    with open(both, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["source", "target", "kind", "timestamp", "weight"])
        for u, v, wt in edges:
            w.writerow([u, v, "mention", "", wt])
            w.writerow([v, u, "mention", "", wt])
    db = folder / "karate.db"
    run(["import", db, both, "-q"])
    degree: dict[str, int] = {}
    for u, v, _ in edges:
        degree[u] = degree.get(u, 0) + 1
        degree[v] = degree.get(v, 0) + 1
    return db, degree


def test_evaluate_imported_karate_against_its_known_leaders(karate_store, tmp_path):
    db, degree = karate_store
    leaders = tmp_path / "leaders.csv"
    leaders.write_text("0\n33\n", encoding="utf-8")  # Mr. Hi and the officer (the dataset README)
    r = run(["evaluate", db, "--truth", leaders, "--k", "2", "--format", "json"])
    rows = {row["measure"]: row for row in json.loads(r.stdout)}
    # the two highest degrees (from the CSV, by hand) are the two leaders
    top2 = sorted(degree, key=degree.get, reverse=True)[:2]
    assert sorted(top2) == ["0", "33"]
    assert rows["in_degree"]["precision_at_k"] == 1.0 and rows["in_degree"]["n"] == 34
    sir = json.loads(run(["evaluate", db, "--runs", "200", "--format", "json"]).stdout)
    assert all(row["n"] == 34 for row in sir)


def test_sweep_imported_karate_scaling_an_edge_weight_changes_nothing(karate_store, tmp_path):
    """Every karate interaction is a mention, so edge_weights.mention only rescales all weights:
    each point must score exactly the same."""
    db, _degree = karate_store
    grid = tmp_path / "grid.toml"
    grid.write_text("[grid.edge_weights]\nmention = [0.5, 1.0, 2.0]\n", encoding="utf-8")
    r = run(["sweep", db, "--grid", grid, "--runs", "100", "--format", "json"])
    rows = json.loads(r.stdout)
    assert sorted(row["edge_weights.mention"] for row in rows) == [0.5, 1.0, 2.0]
    assert len({(row["kendall"], row["spearman"], row["ndcg_at_k"]) for row in rows}) == 1
