"""Tests of influence.reach: Linear Threshold, Reverse Influence Sampling, the upper bound."""

import itertools

import networkx as nx
import numpy as np
import pytest

from influence.errors import ConfigError
from influence.reach import (
    RIS_MIN_SETS,
    sample_rr_sets,
    sample_worlds,
    select_reach,
    spread,
    upper_bound,
)


@pytest.fixture(scope="module")
def demo(demo_graph):
    return demo_graph  # open_sector("demo").graph(), built once per session (conftest)


def _fan():
    """u gives attention to a, b (1 each) and c (2): weights a .25, b .25, c .5 on u."""
    G = nx.DiGraph()
    G.add_weighted_edges_from([("u", "a", 1.0), ("u", "b", 1.0), ("u", "c", 2.0)])
    return G


# -- Linear Threshold ------------------------------------------------------------------------------


def test_lt_and_ic_differ_as_their_closed_forms_say():
    """Seeds {a, b}: LT activates u with .25 + .25, IC with 1 - .75 ** 2."""
    G = _fan()
    lt = spread(G, ["a", "b"], model="lt", runs=20000, seed=1)
    ic = spread(G, ["a", "b"], model="ic", runs=20000, seed=1)
    assert lt == pytest.approx(2 + 0.5, abs=0.02)
    assert ic == pytest.approx(2 + 1 - 0.75 ** 2, abs=0.02)


def test_lt_worlds_keep_exactly_one_edge_per_giver(demo):
    W = sample_worlds(demo, runs=20, seed=0, model="lt")
    S = W.S
    givers = np.unique(S.indices)
    for r in range(W.runs):
        per_giver = np.bincount(S.indices[W.live[r]], minlength=S.shape[0])
        assert (per_giver[givers] == 1).all()   # normalised weights sum to 1: always one pick


def test_lt_edge_choice_follows_the_weights():
    W = sample_worlds(_fan(), runs=20000, seed=2, model="lt")
    S = W.S
    share = W.live.mean(axis=0)
    order = [W.nodes[i] for i in np.repeat(np.arange(S.shape[0]), np.diff(S.indptr))]
    assert dict(zip(order, share.round(2))) == {"a": 0.25, "b": 0.25, "c": 0.5}


def test_p_is_refused_with_lt():
    with pytest.raises(ConfigError, match="Independent Cascade"):
        sample_worlds(_fan(), p=0.3, model="lt")


# -- reverse influence sampling --------------------------------------------------------------------


@pytest.mark.parametrize("model", ["ic", "lt"])
def test_rr_sets_estimate_the_closed_form(model):
    R = sample_rr_sets(_fan(), 40000, seed=0, model=model)
    idx = [R.nodes.index("a"), R.nodes.index("b")]
    expected = 2.5 if model == "lt" else 3 - 0.75 ** 2
    assert R.spread(idx) == pytest.approx(expected, abs=0.03)


@pytest.mark.parametrize("model", ["ic", "lt"])
def test_rr_sets_agree_with_live_edge_worlds(demo, model):
    top = sorted(demo, key=demo.in_degree, reverse=True)
    W = sample_worlds(demo, runs=600, seed=3, model=model)
    R = sample_rr_sets(demo, 60000, seed=4, model=model)
    pos = {v: i for i, v in enumerate(R.nodes)}
    for seeds in (top[:1], top[:5], top[10:13]):
        assert R.spread([pos[v] for v in seeds]) == pytest.approx(spread(demo, seeds, worlds=W), rel=0.05)


def test_ris_picks_are_greedy_max_coverage_of_its_rr_sets():
    G = nx.gnp_random_graph(60, 0.06, seed=5, directed=True)
    res = select_reach(G, 4, candidates=list(G), method="ris", theta=3000, seed=7)
    R = sample_rr_sets(G, 3000, seed=7)   # the same seed draws the same sets
    pos = {v: i for i, v in enumerate(R.nodes)}
    chosen = []
    for x in res.picks:
        base = R.spread(chosen) if chosen else 0.0
        best = max(R.spread(chosen + [pos[v]]) - base for v in G if pos[v] not in chosen)
        assert x.marginal_gain == pytest.approx(best)
        chosen.append(pos[x.actor])
        assert x.expected_reach == pytest.approx(R.spread(chosen))


def test_ris_is_not_fooled_by_many_actors_who_reach_only_themselves():
    # 20 hubs with 10 givers each (reach 1 + 10 * 0.05 = 1.5) among 3,200 actors who reach only
    # themselves. With uniformly drawn roots, the luckiest of those thousands looked better than
    # a hub (half of the 10 picks were such actors); with stratified roots every actor is the
    # root of the same number of sets, so their estimate is exactly 1.
    G = nx.DiGraph()
    for i in range(20):
        G.add_edges_from((f"f{i}_{j}", f"h{i}") for j in range(10))
    G.add_nodes_from(f"x{i}" for i in range(3000))
    n = G.number_of_nodes()
    res = select_reach(G, 10, method="ris", p=0.05, theta=100 * n, seed=0)
    assert all(a.startswith("h") for a in res.actors), res.actors
    R = sample_rr_sets(G, 100 * n, p=0.05, seed=3)
    pos = {v: i for i, v in enumerate(R.nodes)}
    assert R.spread([pos["x7"]]) == pytest.approx(1.0)
    assert R.spread([pos["f3_2"], pos["x9"]]) == pytest.approx(2.0)
    assert R.spread([pos["h3"]]) == pytest.approx(1.5, abs=0.15)


def test_ris_matches_celf_on_demo(demo):
    E = sample_worlds(demo, runs=400, seed=11)
    celf = select_reach(demo, 5, runs=400, seed=0, method="celf")
    ris = select_reach(demo, 5, seed=0, method="ris")
    assert ris.params["method"] == "ris" and ris.params["theta"] >= RIS_MIN_SETS
    assert spread(demo, ris.actors, worlds=E) == pytest.approx(spread(demo, celf.actors, worlds=E), rel=0.02)
    assert ris.picks == select_reach(demo, 5, seed=0, method="ris").picks   # deterministic


def test_auto_switches_to_ris_on_large_graphs(monkeypatch):
    from influence.reach import _selection as reach  # the module that reads the constants

    G = nx.gnp_random_graph(40, 0.1, seed=1, directed=True)
    assert select_reach(G, 2, candidates=list(G), runs=5).params["method"] == "celf"
    monkeypatch.setattr(reach, "RIS_MIN_NODES", 10)
    assert select_reach(G, 2, candidates=list(G), theta=500).params["method"] == "ris"
    W = sample_worlds(G, runs=5)
    assert select_reach(G, 2, candidates=list(G), worlds=W).params["method"] == "celf"


def test_bad_method_model_and_theta_are_config_errors():
    G = _fan()
    for kw in ({"method": "magic"}, {"model": "sir"}, {"method": "ris", "theta": 0},
               {"method": "ris", "epsilon": 0.0}):
        with pytest.raises(ConfigError):
            select_reach(G, 1, candidates=["a"], **kw)


# -- upper bound -----------------------------------------------------------------------------------


def test_upper_bound_is_above_the_best_pair_and_greedy():
    G = nx.gnp_random_graph(25, 0.12, seed=8, directed=True)
    W = sample_worlds(G, runs=40, seed=9)
    res = select_reach(G, 2, candidates=list(G), worlds=W)
    best = max(spread(G, pair, worlds=W) for pair in itertools.combinations(G, 2))
    bound = upper_bound(G, res.actors, worlds=W)
    assert res.expected_reach <= best <= bound + 1e-9
    assert bound <= res.expected_reach * 2   # and not a trivial bound on this graph


# -- memory ----------------------------------------------------------------------------------------


def _dense():
    return nx.gnp_random_graph(300, 0.05, seed=2, directed=True)


def test_celf_uses_fewer_worlds_when_reaches_would_not_fit(monkeypatch):
    from influence.reach import _selection as reach  # the module that reads the constants

    G = nx.gnp_random_graph(150, 0.08, seed=2, directed=True)  # dense: everyone reaches most
    full = select_reach(G, 3, candidates=list(G), p=0.3, runs=100, seed=0, method="celf")
    assert full.params["runs"] == 100 and "runs_reduced_from" not in full.params
    per_world = full.picks[0].solo_reach   # the largest reach; each of 150 candidates reaches about as much
    # room for about 50 worlds of 150 candidates' reaches
    monkeypatch.setattr(reach, "MAX_REACH_BYTES", int(50 * 150 * per_world * 8))
    res = select_reach(G, 3, candidates=list(G), p=0.3, runs=100, seed=0, method="celf")
    assert res.params["runs_reduced_from"] == 100 and 30 <= res.params["runs"] < 100
    W = sample_worlds(G, p=0.3, runs=100, seed=0)
    first = reach.Worlds(W.nodes, W.S, W.live[: res.params["runs"]], W.params)
    assert res.expected_reach == pytest.approx(spread(G, res.actors, worlds=first))   # CELF on those worlds


def test_auto_switches_to_ris_and_explicit_celf_is_refused_when_nothing_fits(monkeypatch):
    from influence.reach import _selection as reach  # the module that reads the constants

    G = _dense()
    monkeypatch.setattr(reach, "MAX_REACH_BYTES", 10_000)
    res = select_reach(G, 3, candidates=list(G), p=0.3, runs=200, seed=0, theta=20_000)
    assert res.params["method"] == "ris" and res.params["switched"]
    with pytest.raises(ConfigError, match="method='ris'"):
        select_reach(G, 3, candidates=list(G), p=0.3, runs=200, seed=0, method="celf")


def test_ris_draws_fewer_sets_when_they_would_not_fit(monkeypatch):
    from influence.reach import _selection as reach  # the module that reads the constants

    G = _dense()
    monkeypatch.setattr(reach, "RIS_MIN_NODES", 10)
    monkeypatch.setattr(reach, "MAX_REACH_BYTES", 50_000_000)
    res = select_reach(G, 3, candidates=list(G), p=0.3, seed=0)
    assert res.params["method"] == "ris"
    assert res.params["theta"] < res.params["theta_reduced_from"]
    assert res.params["theta"] >= reach.MIN_RIS_SETS


def test_reach_keys_do_not_depend_on_the_batch_size():
    from influence.reach._worlds import reach_keys as _reach_keys

    G = _dense()
    W = sample_worlds(G, p=0.3, runs=30, seed=1)
    src = np.arange(40)
    a = _reach_keys(W, src, batch_bytes=1 << 12)
    b = _reach_keys(W, src, batch_bytes=1 << 30)
    assert len(a) == len(b) == 40 and all(np.array_equal(x, y) for x, y in zip(a, b))
