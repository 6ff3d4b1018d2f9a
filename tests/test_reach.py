"""Tests of influence.reach and influence_cli.reach_cli: audiences, live-edge spread, CELF selection."""

import networkx as nx
import numpy as np
import pytest

from influence.errors import ConfigError
from influence.evaluate import ic_spreading
from influence.ranking import rank
from influence.reach import (
    audience,
    is_bot_like,
    overlap,
    overlap_matrix,
    sample_worlds,
    select_reach,
    spread,
)


@pytest.fixture(scope="module")
def demo(demo_graph):
    return demo_graph  # open_sector("demo").graph(), built once per session (conftest)


def _stars(*sizes):
    """Disjoint stars: every leaf gives attention only to its hub (weighted cascade q = 1)."""
    G = nx.DiGraph()
    for h, m in enumerate(sizes):
        G.add_edges_from((f"l{h}_{i}", f"hub{h}") for i in range(m))
    return G


# -- audiences -------------------------------------------------------------------------------------


def test_audience_is_in_edges_with_weights(demo):
    a = max(demo, key=demo.in_degree)
    aud = audience(demo, a)
    assert aud == {u: pytest.approx(d["weight"]) for u, _, d in demo.in_edges(a, data=True) if u != a}


def test_overlap_matrix_matches_set_jaccard(demo):
    actors = sorted(demo, key=demo.in_degree, reverse=True)[:6]
    M = overlap_matrix(demo, actors)
    W = overlap_matrix(demo, actors, weighted=True)
    for i, a in enumerate(actors):
        A = {u: d["weight"] for u, _, d in demo.in_edges(a, data=True) if u != a}
        for j, b in enumerate(actors):
            B = {u: d["weight"] for u, _, d in demo.in_edges(b, data=True) if u != b}
            assert M[i, j] == pytest.approx(len(A.keys() & B.keys()) / len(A.keys() | B.keys()))
            keys = A.keys() | B.keys()
            mn = sum(min(A.get(u, 0), B.get(u, 0)) for u in keys)
            mx = sum(max(A.get(u, 0), B.get(u, 0)) for u in keys)
            assert W[i, j] == pytest.approx(mn / mx)
    assert np.allclose(np.diag(M), 1.0)


def test_overlap_of_identical_and_disjoint_audiences():
    G = nx.DiGraph([(u, t) for u in "abc" for t in ("x", "y")] + [("d", "z")])
    o = overlap(G, "x", "y")
    assert (o.jaccard, o.weighted, o.shared) == (1.0, 1.0, 3)
    o = overlap(G, "x", "z")
    assert (o.jaccard, o.weighted, o.shared) == (0.0, 0.0, 0)


def test_unknown_actor_is_a_config_error():
    with pytest.raises(ConfigError):
        overlap(_stars(2), "hub0", "nobody")


# -- spread ----------------------------------------------------------------------------------------


def test_spread_of_a_path_matches_the_closed_form():
    path = nx.DiGraph([("b", "a"), ("c", "b"), ("d", "c")])
    est = spread(path, ["a"], p=0.5, runs=20000, seed=4)
    assert est == pytest.approx(1 + 0.5 + 0.25 + 0.125, abs=0.03)


def test_single_actor_spread_agrees_with_ic_spreading(demo):
    """Live-edge worlds and evaluate's step-by-step cascade estimate the same expectation."""
    actors = sorted(demo, key=demo.in_degree, reverse=True)[:3]
    W = sample_worlds(demo, runs=1000, seed=1)
    ref = ic_spreading(demo, nodes=actors, runs=1000, seed=2)
    for a in actors:
        assert spread(demo, [a], worlds=W) == pytest.approx(ref[a], rel=0.06)


# -- selection -------------------------------------------------------------------------------------


def test_star_hub_first_with_hand_computed_reach():
    G = _stars(6)
    res = select_reach(G, 1, runs=10, seed=0)   # weighted cascade: each leaf's only edge has q = 1
    (pick,) = res.picks
    assert pick.actor == "hub0"
    assert pick.expected_reach == 7.0 and pick.marginal_gain == 7.0


def test_two_disjoint_stars_pick_both_hubs_before_any_leaf():
    G = _stars(5, 3)
    res = select_reach(G, 3, p=1.0, runs=10, seed=0)
    assert res.actors[:2] == ["hub0", "hub1"]
    assert [x.marginal_gain for x in res.picks] == [6.0, 4.0, 0.0]
    assert res.picks[1].expected_reach == 10.0


def test_duplicate_audience_adds_nothing():
    G = nx.DiGraph([(u, t) for u in "abcd" for t in ("x", "y")] + [("e", "z"), ("f", "z")])
    res = select_reach(G, 3, candidates=["x", "y", "z"], p=1.0, runs=10, seed=0)
    assert res.actors == ["x", "z", "y"]
    y = res.picks[2]
    assert y.marginal_gain == 1.0            # only y itself is new
    assert y.overlap == pytest.approx(0.8)   # 4 of its 5 already reached
    assert y.audience_overlap == 1.0


def test_celf_equals_plain_greedy_on_the_same_worlds():
    G = nx.gnp_random_graph(120, 0.04, seed=3, directed=True)
    W = sample_worlds(G, runs=50, seed=5)
    res = select_reach(G, 6, candidates=list(G), worlds=W)
    chosen = []
    for x in res.picks:
        base = spread(G, chosen, worlds=W) if chosen else 0.0
        gains = {v: spread(G, chosen + [v], worlds=W) - base for v in G if v not in chosen}
        best = max(gains.values())
        assert x.marginal_gain == pytest.approx(best)
        assert gains[x.actor] == pytest.approx(best)
        chosen.append(x.actor)
    assert res.expected_reach == pytest.approx(spread(G, chosen, worlds=W))


def test_deterministic_for_a_seed(demo):
    a = select_reach(demo, 5, runs=60, seed=7)
    b = select_reach(demo, 5, runs=60, seed=7)
    assert a.picks == b.picks
    c = select_reach(demo, 5, runs=60, seed=8)
    assert [x.expected_reach for x in c.picks] != [x.expected_reach for x in a.picks]


def test_competitors_and_bots_are_excluded():
    G = _stars(4, 3)
    G.nodes["hub0"]["is_competitor"] = True
    G.add_edges_from(("bot", f"l1_{i}") for i in range(3))
    G.add_edges_from(("bot", f"x{i}") for i in range(25))
    G.nodes["bot"]["followers"] = 0
    res = select_reach(G, 2, candidates=["hub0", "hub1", "bot"], p=1.0, runs=5)
    assert res.actors == ["hub1"]
    assert res.excluded == {"competitor": 1, "bot-like": 1}
    assert is_bot_like(0, 25, 0) and not is_bot_like(5, 25, 0) and not is_bot_like(0, 25, 3)


def test_bad_k_is_a_config_error():
    with pytest.raises(ConfigError):
        select_reach(_stars(2), 0)


def test_reach_set_beats_top_k_by_pagerank_and_composite_on_demo(demo):
    W = sample_worlds(demo, runs=200, seed=0)
    res = select_reach(demo, 10, worlds=W)
    eligible = [v for v in demo if not demo.nodes[v].get("is_competitor")]
    pr = nx.pagerank(demo, weight="weight")
    by_pr = sorted(eligible, key=lambda v: (-pr[v], v))
    composite = [e.actor for e in rank(demo).entries]
    for k in (5, 10):
        mine = spread(demo, res.actors[:k], worlds=W)
        assert mine == pytest.approx(res.picks[k - 1].expected_reach)
        assert mine >= spread(demo, by_pr[:k], worlds=W)
        assert mine >= spread(demo, composite[:k], worlds=W)


def test_reach_rows_on_the_cli_path(demo_sector):
    """The GraphView the shortlist command ranks (array fast path) works as input."""
    from influence_cli.reach_cli import REACH_COLUMNS, reach_rows

    from influence.graph import build_arrays
    from influence.measures import GraphView

    sector = demo_sector
    arrays = build_arrays(sector.store, sector.ranking, competitors=sector.competitor_map(),
                          keywords=sector.keywords)
    view = GraphView.from_arrays(arrays)
    result = rank(view, None)
    rows = reach_rows(view, result, 10, seed=3, runs=50)
    assert len(rows) == 10 and all(tuple(r) == REACH_COLUMNS for r in rows)
    assert [r["rank"] for r in rows] == list(range(1, 11))
    reach = [r["expected_reach"] for r in rows]
    assert reach == sorted(reach)
    gains = [r["marginal_gain"] for r in rows]
    assert reach[-1] == pytest.approx(sum(gains), abs=1e-6)
    assert rows[0]["overlap"] == 0.0 and all(0.0 <= r["overlap"] <= 1.0 for r in rows)
    assert rows == reach_rows(view, result, 10, seed=3, runs=50)


def test_networkx_graph_and_array_view_give_the_same_picks(demo, demo_sector):
    from influence.graph import build_arrays
    from influence.measures import GraphView

    sector = demo_sector
    arrays = build_arrays(sector.store, sector.ranking, competitors=sector.competitor_map(),
                          keywords=sector.keywords)
    view = GraphView.from_arrays(arrays)
    assert list(demo) == view.nodes
    assert select_reach(demo, 5, runs=50, seed=0).picks == select_reach(view, 5, runs=50, seed=0).picks


def test_cli_default_runs_follow_the_library_default():
    import influence_cli.analyze as analyze
    import influence_cli.reach_cli as reach_cli

    from influence import reach

    assert analyze.DEFAULT_RUNS == reach_cli.DEFAULT_RUNS == reach.DEFAULT_RUNS
