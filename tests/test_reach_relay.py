"""Issue 16 section 2: reach must not credit actors with an audience they do not have.

``influence shortlist airlines.toml --strategy reach --top 8`` put @shannonwoodward and
@ninadavuluri first, each "reaches ~534.8 actors alone" with attention from 2 actors, because
@JetBlue, a declared competitor, mentioned them once and the cascade passed on JetBlue's whole
audience. Competitors and ``filters.exclude`` actors now relay nothing (they are reached and
counted, and spread only as seeds), and every pick says through whom its reach goes.
"""

from __future__ import annotations

import json

import networkx as nx
import numpy as np
import pytest
from click.testing import CliRunner
from influence_cli import cli

from influence import RankingConfig, build_graph, rank
from influence.evaluate import ic_spreading
from influence.reach import (
    RELAY_MAX_SHARE,
    relay_blocks,
    relay_breakdown,
    sample_rr_sets,
    sample_worlds,
    select_diverse,
    select_reach,
    spread,
)
from influence.reach._relays import dominated as _dominated

# -- a hand-made sector ----------------------------------------------------------------------------


def brand_hub(fans: int = 20) -> nx.DiGraph:
    """A competitor ``brand`` that twenty fans mention; the brand replies to ``customer`` once;
    ``fan_favourite`` is mentioned by three fans of its own."""
    G = nx.DiGraph()
    G.add_edges_from((f"fan{i}", "brand") for i in range(fans))
    G.add_edge("brand", "customer")
    G.add_edge("friend", "customer")
    G.add_edges_from((f"own{i}", "fan_favourite") for i in range(3))
    nx.set_node_attributes(G, False, "is_competitor")
    G.nodes["brand"]["is_competitor"] = True
    return G


def test_competitor_hub_does_not_give_a_customer_its_audience():
    G = brand_hub()
    # the weighted cascade: brand gives half its attention to customer, each fan all of theirs to brand
    before = spread(G, ["customer"], p=1.0, runs=5, no_relay=())
    after = spread(G, ["customer"], p=1.0, runs=5)
    assert before == 23.0  # customer, brand, friend and the 20 fans
    assert after == 3.0  # customer, friend and brand (reached and counted, passes nothing on)


def test_a_competitor_seed_still_reaches_its_own_audience():
    G = brand_hub()
    assert spread(G, ["brand"], p=1.0, runs=5) == 21.0  # the brand and its 20 fans
    assert spread(G, ["brand", "customer"], p=1.0, runs=5) == 23.0


@pytest.mark.parametrize("method", ["celf", "ris"])
def test_select_reach_prefers_a_real_audience(method):
    G = brand_hub()
    res = select_reach(G, 1, candidates=["customer", "fan_favourite"], p=1.0, runs=20, method=method,
                       theta=2000 if method == "ris" else None)
    assert res.actors == ["fan_favourite"]
    assert res.params["no_relay"] == {"competitor": 1}
    old = select_reach(G, 1, candidates=["customer", "fan_favourite"], p=1.0, runs=20, method=method,
                       theta=2000 if method == "ris" else None, no_relay=())
    assert old.actors == ["customer"]  # the bug, kept reachable for comparison
    assert old.picks[0].relays.top == "brand"
    assert old.picks[0].relays.top_share == pytest.approx(20 / 23)
    assert old.picks[0].relays.dominated


def test_rr_sets_follow_the_same_rule():
    G = brand_hub()
    n = len(G)  # stratified roots: every actor the root of 50 sets, so the estimate is exact here
    R = sample_rr_sets(G, n * 50, p=1.0, seed=0)
    i = R.nodes.index("customer")
    assert R.spread([i]) == pytest.approx(3.0)
    R_old = sample_rr_sets(G, n * 50, p=1.0, seed=0, no_relay=())
    assert R_old.spread([i]) == pytest.approx(23.0)


def test_filters_exclude_blocks_relays_as_rank_matches_them():
    G = brand_hub()
    G.nodes["brand"]["is_competitor"] = False
    G.add_edges_from(("fan0", n) for n in ("shop:one", "shop:two"))
    assert relay_blocks(G) == {}
    blocks = relay_blocks(G, patterns=["BRAND", "shop:*"])
    assert blocks == {"brand": "filters.exclude", "shop:one": "filters.exclude", "shop:two": "filters.exclude"}
    assert spread(G, ["customer"], p=1.0, runs=3) == 23.0  # not a competitor: relays
    assert spread(G, ["customer"], p=1.0, runs=3, no_relay=blocks) == 3.0
    # select_reach reads the patterns from the ranking's configuration
    cfg = RankingConfig.from_dict({"filters": {"exclude": ["brand"]}})
    res = select_reach(G, 1, ranking=rank(G, cfg), p=1.0, runs=10, method="celf")
    assert res.params["no_relay"] == {"filters.exclude": 1}
    assert res.picks[0].relays.top_share <= RELAY_MAX_SHARE


def test_merged_accounts_match_filters_exclude():
    G = nx.DiGraph([("a", "b")])
    G.nodes["b"]["accounts"] = "mastodon:@b@x.example web:ourbrand.example"
    assert relay_blocks(G, patterns=["web:ourbrand.*"]) == {"b": "filters.exclude"}


def test_select_diverse_measures_with_the_rule():
    G = brand_hub()
    res = select_diverse(G, 2, candidates=["customer", "fan_favourite"], p=1.0, runs=10,
                         communities={"customer": 0, "fan_favourite": 1})
    reach = {x.actor: x.solo_reach for x in res.picks}
    assert reach == {"customer": 3.0, "fan_favourite": 4.0}
    assert res.params["no_relay"] == {"competitor": 1}


def test_ic_truth_does_not_relay_through_competitors():
    G = brand_hub()
    nx.set_edge_attributes(G, 1.0, "weight")
    old = ic_spreading(G, p=1.0, runs=3, no_relay=())
    new = ic_spreading(G, p=1.0, runs=3)
    assert old["customer"] == 23.0 and new["customer"] == 3.0
    assert new["brand"] == old["brand"] == 21.0  # the source itself still spreads


def test_relay_breakdown_known_answer():
    # x <- hub <- 5 fans, and x <- a: x's reach goes through hub unless hub is blocked
    G = nx.DiGraph([("hub", "x"), ("a", "x")] + [(f"f{i}", "hub") for i in range(5)] + [("f0", "a")])
    r = relay_breakdown(G, "x", p=1.0, runs=3)
    assert (r.reach, r.direct) == (8.0, 2.0)
    # f0 is reached through hub and through a: it depends on neither
    assert r.through == (("hub", 4.0),)
    assert r.top_share == pytest.approx(0.5) and not r.dominated
    assert "50% only through hub" in r.describe()


def test_dominator_sizes_match_networkx(seed):
    rng = np.random.default_rng(seed)
    for _ in range(40):
        G = nx.gnp_random_graph(25, rng.uniform(0.04, 0.2), directed=True, seed=int(rng.integers(2**31)))
        H = G.subgraph(nx.descendants(G, 0) | {0})
        if not H.number_of_edges():
            continue
        src, dst = map(list, zip(*H.edges()))
        idom = nx.immediate_dominators(H, 0)
        expected = dict.fromkeys(H, 1)
        for v in H:
            while v != 0:
                v = idom[v]
                expected[v] += 1
        assert _dominated(src, dst, 0) == expected


def test_relay_breakdown_matches_a_networkx_reference(seed):
    """The vectorised breakdown (leaves folded into their only predecessor, then Cooper-Harvey-
    Kennedy) against networkx's dominators on every world's live, relayed edges."""
    rng = np.random.default_rng(seed)
    G = nx.gnp_random_graph(60, 0.06, directed=True, seed=seed)
    blocked = {int(v) for v in rng.choice(60, 6, replace=False)}
    W = sample_worlds(G, p=0.6, runs=30, seed=seed, no_relay=blocked)
    S, n = W.S, len(W.nodes)
    rows = np.repeat(np.arange(n), np.diff(S.indptr))
    for actor in (0, 1, 2, min(blocked)):
        owed: dict = {}
        reach = direct = 0
        for r in range(W.runs):
            live = W.live[r]
            H = nx.DiGraph()
            H.add_node(actor)
            H.add_edges_from((W.nodes[a], W.nodes[b]) for a, b, ok in zip(rows, S.indices, live)
                             if ok and (W.nodes[a] == actor or W.nodes[a] not in blocked))
            H = H.subgraph(nx.descendants(H, actor) | {actor})
            reach += H.number_of_nodes()
            direct += H.out_degree(actor)
            idom = nx.immediate_dominators(H, actor)
            for v in H:
                while v != actor:
                    v = idom[v]
                    if v != actor:
                        owed[v] = owed.get(v, 0) + 1
        got = relay_breakdown(G, actor, worlds=W, top=None)
        assert got.runs == W.runs
        assert got.reach == pytest.approx(reach / W.runs) and got.direct == pytest.approx(direct / W.runs)
        assert dict(got.through) == pytest.approx({v: c / W.runs for v, c in owed.items()})
        assert not blocked & set(dict(got.through))  # a blocked actor relays nothing


@pytest.mark.parametrize("top", [1, 2, 3, 5])
def test_top_relays_are_the_head_of_the_whole_list(top):
    """``top`` keeps the first ``top`` of the whole breakdown, ties at the cut decided by the same
    order (by node position), whatever the number of relays tied there."""
    G = nx.gnp_random_graph(80, 0.05, directed=True, seed=3)
    W = sample_worlds(G, p=0.7, runs=40, seed=3)
    checked = 0
    for actor in range(0, 80, 7):
        whole = relay_breakdown(G, actor, worlds=W, top=None)
        head = relay_breakdown(G, actor, worlds=W, top=top)
        assert head.through == whole.through[:top]
        assert (head.reach, head.direct, head.top_share) == (whole.reach, whole.direct, whole.top_share)
        checked += len(whole.through) > top
    assert checked >= 3  # the cut was exercised


def test_worlds_carry_the_relay_mask():
    G = brand_hub()
    W = sample_worlds(G, p=1.0, runs=4)
    assert W.params["no_relay"] == {"competitor": 1}
    assert not W.relay[W.nodes.index("brand")] and W.relay.sum() == len(W.nodes) - 1
    assert W.head(2).relay is W.relay and W.head(2).runs == 2
    assert spread(G, ["customer"], worlds=W) == 3.0
    assert sample_worlds(G, p=1.0, runs=2, no_relay=()).relay is None


# -- the airline data (the issue's case) -----------------------------------------------------------


@pytest.fixture(scope="module")
def airline_graph(airline_sector):
    from influence.sector import open_sector

    sector = open_sector(airline_sector)
    G = build_graph(sector.store, sector.ranking, competitors=sector.competitor_map())
    result = rank(G, sector.ranking)
    sector.close()
    return G, result


ISSUE_ACCOUNTS = {"twitter:shannonwoodward", "twitter:ninadavuluri"}


def test_airline_bug_reproduced_without_the_rule(airline_graph):
    """The issue's two accounts: attention from 2 actors each, JetBlue one of them."""
    G, result = airline_graph
    for a in ISSUE_ACCOUNTS:
        assert G.in_degree(a) == 2 and G.has_edge("twitter:jetblue", a)
    old = select_reach(G, 8, ranking=result, no_relay=(), seed=0)
    assert set(old.actors[:2]) == ISSUE_ACCOUNTS
    for x in old.picks[:2]:
        assert x.solo_reach > 500
        assert x.relays.top == "twitter:jetblue" and x.relays.top_share > 0.95


def test_airline_reach_picks_owe_their_reach_to_no_single_relay(airline_graph):
    G, result = airline_graph
    res = select_reach(G, 8, ranking=result, seed=0)
    assert len(res.picks) == 8
    assert not ISSUE_ACCOUNTS & set(res.actors)
    assert res.params["no_relay"] == {"competitor": 6}
    for x in res.picks:
        assert x.relays.top_share <= RELAY_MAX_SHARE, (x.actor, x.relays)
        assert x.solo_reach < 30  # the largest real audience here is @delta's 59 givers
    assert res.actors[0] == "twitter:delta"


def test_airline_ic_truth_no_longer_rewards_them(airline_graph):
    G, _ = airline_graph
    nodes = sorted(ISSUE_ACCOUNTS) + ["twitter:delta"]
    old = ic_spreading(G, runs=50, nodes=nodes, no_relay=())
    new = ic_spreading(G, runs=50, nodes=nodes)
    for a in ISSUE_ACCOUNTS:
        assert old[a] > 400 and new[a] < 4
    assert new["twitter:delta"] > 15


def test_airline_cli_says_through_whom(airline_sector):
    r = CliRunner().invoke(cli, ["shortlist", str(airline_sector), "--strategy", "reach", "--top", "8",
                                 "--no-communities", "-f", "json"])
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    assert [row["rank"] for row in rows] == list(range(1, 9))
    assert not ISSUE_ACCOUNTS & {row["actor"] for row in rows}
    assert all(row["top_relay_share"] <= RELAY_MAX_SHARE for row in rows)
    assert "of its audience directly" in rows[0]["why"]
    assert "6 competitor accounts relay no reach" in r.stderr
    assert "owes" not in r.stderr  # no pick is dominated by one relay


# -- issue 17: the vectorised relay breakdown and implicit worlds ----------------------------------


@pytest.mark.parametrize("seed", range(4))
def test_vectorised_dominator_sizes_match_networkx(seed):
    from influence.reach._relays import dominator_sizes

    G = nx.gnp_random_graph(60, 0.06, seed=seed, directed=True)
    reach = nx.descendants(G, 0) | {0}
    level = nx.single_source_shortest_path_length(G, 0)
    keys = np.array(sorted(reach, key=lambda v: (level[v], v)), dtype=np.int64)
    src, dst = map(np.array, zip(*[(u, v) for u, v in G.edges if u in reach])) if G.number_of_edges() else ([], [])
    size = dominator_sizes(keys, np.array([level[v] for v in keys]), np.asarray(src, dtype=np.int64),
                           np.asarray(dst, dtype=np.int64), 1)
    idom = nx.immediate_dominators(G.subgraph(reach), 0)
    tree = nx.DiGraph([(d, v) for v, d in idom.items() if v != d])
    tree.add_node(0)
    expected = {v: 1 + len(nx.descendants(tree, v)) for v in reach}
    assert dict(zip(keys.tolist(), size.tolist())) == expected


def test_implicit_worlds_are_the_same_model_and_deterministic():
    G = nx.gnp_random_graph(200, 0.03, seed=3, directed=True)
    big = sample_worlds(G, runs=2000, seed=0)
    implicit = sample_worlds(G, runs=2000, seed=0, implicit=True)
    assert implicit.live is None and implicit.runs == 2000
    hubs = sorted(G, key=G.in_degree, reverse=True)[:3]
    assert spread(G, hubs, worlds=implicit) == pytest.approx(spread(G, hubs, worlds=big), rel=0.05)
    again = sample_worlds(G, runs=2000, seed=0, implicit=True)
    assert spread(G, hubs, worlds=implicit) == spread(G, hubs, worlds=again)
    a = relay_breakdown(G, hubs[0], worlds=implicit)
    assert a == relay_breakdown(G, hubs[0], worlds=again)   # any batch, any order: the same coins
    lt = sample_worlds(G, runs=2000, seed=0, model="lt", implicit=True)
    assert spread(G, hubs, worlds=lt) == pytest.approx(   # LT cascades vary more: 80.0 vs 84.4 here
        spread(G, hubs, worlds=sample_worlds(G, runs=2000, seed=0, model="lt")), rel=0.08)
    e = np.arange(lt.S.nnz)
    kept = np.mean([lt.kept(np.full(e.size, r), e) for r in range(2000)], axis=0)
    assert np.abs(kept - lt.q).max() < 0.05   # each edge kept with its weight
