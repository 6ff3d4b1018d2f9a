"""influence.sweep: grid files, grid and random points, sweeps re-checked point by point, tuning."""

from __future__ import annotations

import math

import networkx as nx
import pytest

import influence
from influence.config import MEASURE_NAMES, RankingConfig
from influence.errors import ConfigError, InputDataError
from influence.evaluate import Truth, evaluate_ranking, kendall_tau, spreading_truth
from influence.sweep import grid_points, read_grid, sweep, tune


@pytest.fixture(scope="module")
def karate():
    G = nx.karate_club_graph()
    return G, spreading_truth(G, runs=300, seed=0)


# -- grid files ------------------------------------------------------------------------------------


def test_read_grid_flattens_nested_tables_and_keeps_ranges(tmp_path):
    f = tmp_path / "grid.toml"
    f.write_text(
        '[grid]\n"measures.pagerank" = [0.2, 0.8]\nnormalization = ["rank", "minmax"]\n'
        'pagerank = { alpha = { min = 0.5, max = 0.95 } }\n'
        "[grid.edge_weights]\nreply = [0.5, 1.0]\n",
        encoding="utf-8",
    )
    assert read_grid(f) == {
        "measures.pagerank": [0.2, 0.8],
        "normalization": ["rank", "minmax"],
        "pagerank.alpha": {"min": 0.5, "max": 0.95},
        "edge_weights.reply": [0.5, 1.0],
    }


@pytest.mark.parametrize("text,key,message", [
    ('"pagerank.alfa" = [0.8]\n', "pagerank.alfa", "unknown key pagerank.alfa"),
    ('"pagerank.alpha" = [0.8, 2]\n', "pagerank.alpha", "pagerank.alpha must be a number in the open interval"),
    ('normalization = ["rank", "log"]\n', "normalization", "normalization must be one of"),
    ('"measures.pagerank" = 0.5\n', "measures.pagerank", "must be a list of values"),
    ('"measures.pagerank" = []\n', "measures.pagerank", "has no values"),
    ('"pagerank.alpha" = {min = 0.9, max = 0.5}\n', "pagerank.alpha", "min < max"),
])
def test_bad_grids_name_the_key(tmp_path, text, key, message):
    f = tmp_path / "grid.toml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as exc:
        read_grid(f)
    assert exc.value.key == key


def test_grid_file_errors(tmp_path):
    with pytest.raises(InputDataError, match="no such grid file"):
        read_grid(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[grid\n")
    with pytest.raises(InputDataError, match="invalid TOML"):
        read_grid(bad)


# -- points ----------------------------------------------------------------------------------------


def test_grid_points_are_the_full_product_in_order():
    pts = grid_points({"a.x": [1, 2], "b.y": ["p", "q", "r"]})
    assert len(pts) == 6
    assert pts[0] == {"a.x": 1, "b.y": "p"} and pts[-1] == {"a.x": 2, "b.y": "r"}


def test_ranges_need_random_search():
    with pytest.raises(ConfigError, match="only a random search"):
        grid_points({"pagerank.alpha": {"min": 0.5, "max": 0.9}})


def test_random_points_are_seeded_and_within_bounds(seed):
    grid = {"pagerank.alpha": {"min": 0.5, "max": 0.9}, "pagerank.max_iter": {"min": 10, "max": 12},
            "pagerank.tol": {"min": 1e-12, "max": 1e-6, "log": True}, "normalization": ["rank", "minmax"]}
    a = grid_points(grid, random=50, seed=seed)
    assert a == grid_points(grid, random=50, seed=seed)
    assert a != grid_points(grid, random=50, seed=seed + 1)
    assert all(0.5 <= p["pagerank.alpha"] <= 0.9 for p in a)
    assert {p["pagerank.max_iter"] for p in a} == {10, 11, 12}
    assert all(isinstance(p["pagerank.max_iter"], int) for p in a)
    assert all(1e-12 <= p["pagerank.tol"] <= 1e-6 for p in a)
    # log-uniform: about half of the draws below the geometric mean 1e-9
    below = sum(p["pagerank.tol"] < 1e-9 for p in a)
    assert 10 <= below <= 40
    assert {p["normalization"] for p in a} == {"rank", "minmax"}


# -- sweeps ----------------------------------------------------------------------------------------


def test_sweep_points_are_evaluated_and_sorted(karate):
    G, truth = karate
    base = RankingConfig(measures={"pagerank": 1.0})
    grid = {"measures.in_degree": [0.0, 1.0], "pagerank.alpha": [0.6, 0.85]}
    calls = []
    res = sweep(G, truth, grid, config=base, k=5, progress=lambda d, t: calls.append((d, t)))
    assert calls == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert len(res.points) == 4 and res.keys == ("measures.in_degree", "pagerank.alpha")
    taus = [p.evaluation.kendall for p in res.points]
    assert taus == sorted(taus, reverse=True)
    for p in res.points:
        # re-check every point independently: rank with the patched config, Kendall on raw arrays
        scores = influence.rank(G, base.with_values(p.values)).scores()
        nodes = list(G)
        expected = kendall_tau([scores[v] for v in nodes], [truth.values[v] for v in nodes])
        assert p.evaluation.kendall == pytest.approx(expected)
    assert res.best_config().measures["in_degree"] == res.best.values["measures.in_degree"]
    rec = res.to_records()
    assert [r["rank"] for r in rec] == [1, 2, 3, 4] and "pagerank.alpha" in rec[0]


def test_sweep_other_metric_and_all_zero_corner(karate):
    G, truth = karate
    base = RankingConfig(measures={"pagerank": 1.0})
    res = sweep(G, truth, {"measures.pagerank": [0.0, 1.0], "measures.harmonic": [0.0, 1.0]},
                config=base, metric="ndcg", k=5)
    assert res.skipped == 1 and len(res.points) == 3
    ndcgs = [p.evaluation.ndcg_at_k for p in res.points]
    assert ndcgs == sorted(ndcgs, reverse=True)
    with pytest.raises(ConfigError, match="unknown metric"):
        sweep(G, truth, {"measures.pagerank": [1.0]}, metric="auc")


def test_sweep_random_is_reproducible(karate):
    G, truth = karate
    grid = {"pagerank.alpha": {"min": 0.5, "max": 0.95}}
    a = sweep(G, truth, grid, random=3, seed=4)
    b = sweep(G, truth, grid, random=3, seed=4)
    assert [(p.values, p.evaluation) for p in a.points] == [(p.values, p.evaluation) for p in b.points]


def test_sweep_graph_keys_rebuild_the_graph_once_per_setting(karate):
    G, truth = karate
    grid = {"edge_weights.mention": [0.5, 1.0], "measures.pagerank": [0.3, 0.6]}
    with pytest.raises(ConfigError, match="changes the graph") as exc:
        sweep(G, truth, grid)
    assert exc.value.key == "edge_weights.mention"
    built = []

    def build(cfg):
        built.append(cfg.edge_weights["mention"])
        return G

    res = sweep(G, truth, grid, build=build)
    assert sorted(built) == [0.5, 1.0] and len(res.points) == 4


# -- tuning ----------------------------------------------------------------------------------------


def test_tune_recovers_a_planted_measure():
    """When the truth *is* one measure (in-degree), tuning finds weights that rank like it."""
    G = nx.gnp_random_graph(300, 0.03, seed=2, directed=True)
    truth = Truth({v: float(d) for v, d in G.in_degree()}, source="file")
    res = tune(G, truth, measures=["pagerank", "in_degree", "hits_hub"], trials=30, seed=1)
    assert res.test.kendall == pytest.approx(1.0) and res.fit.kendall == pytest.approx(1.0)
    assert res.weights == {"pagerank": 0.0, "in_degree": 1.0, "hits_hub": 0.0}
    rows = {r["config"]: r for r in res.rows}
    assert rows["pagerank"]["fit"] < 0.95 and rows["hits_hub"]["fit"] < 0.5
    # the returned config reproduces the reported figure through rank()
    scores = influence.rank(G, res.config).scores()
    assert kendall_tau([scores[v] for v in G], [truth.values[v] for v in G]) == pytest.approx(1.0)


def test_tune_is_at_least_as_good_as_every_single_measure_on_the_fit_actors(karate):
    G, truth = karate
    names = ["pagerank", "in_degree", "harmonic", "betweenness"]
    res = tune(G, truth, measures=names, trials=40, seed=0)
    rows = {r["config"]: r for r in res.rows}
    assert set(rows) == {"tuned", "baseline", *names}
    assert res.fit.kendall >= max(rows[m]["fit"] for m in names) - 0.01
    assert res.n_fit + res.n_test == 34 and res.n_test == round(0.3 * 34)
    assert rows["baseline"]["weights"] == {m: w for m, w in RankingConfig().measures.items() if w > 0}
    again = tune(G, truth, measures=names, trials=40, seed=0)
    assert again.weights == res.weights and again.rows == res.rows


def test_tune_without_holdout_and_validation(karate):
    G, truth = karate
    res = tune(G, truth, measures=["in_degree", "pagerank"], trials=5, holdout=0.0)
    assert res.test is None and res.n_test == 0 and math.isnan(res.rows[0]["test"])
    with pytest.raises(ConfigError, match="unknown measure"):
        tune(G, truth, measures=["fame"])
    with pytest.raises(ConfigError, match="holdout"):
        tune(G, truth, holdout=0.95)


def test_tune_default_measures_are_all_known(karate):
    G, truth = karate
    res = tune(G, truth, trials=10, seed=0)
    assert set(res.weights) == set(MEASURE_NAMES)
    assert set(res.config.measures) == set(MEASURE_NAMES)


def test_tuned_config_beats_default_on_held_out_actors_of_the_demo():
    sector = influence.open_sector("demo")
    try:
        G = influence.build_graph(sector.store, sector.ranking, competitors=sector.competitor_map())
        truth = spreading_truth(G, runs=30, seed=0)
        res = tune(G, truth, config=sector.ranking, trials=50, seed=0,
                   measures=["pagerank", "in_strength", "in_degree", "harmonic", "katz"])
        assert res.test.kendall > res.baseline_test.kendall
        # the held-out figure is what evaluate_ranking gives on those actors with the tuned config
        held_out = Truth({a: truth.values[a] for a in res.test_actors}, source="sir")
        ev = evaluate_ranking(influence.rank(G, res.config), held_out)
        assert ev.n == res.n_test and ev.kendall == pytest.approx(res.test.kendall)
    finally:
        sector.close()
