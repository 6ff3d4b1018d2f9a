import math

import networkx as nx
import numpy as np
import pytest

# The composite mechanics are tested on an explicit two-measure config (the pre-0.1 default), so
# the tests do not change meaning when the default weights do.
PR_IS = {"pagerank": 0.6, "in_strength": 0.4}

from influence.config import RankingConfig
from influence.errors import EmptyGraphError
from influence.graph import build_graph
from influence.measures import in_degree, in_strength, pagerank
from influence.ranking import rank, shortlist

#: the commands run on "demo" in-process get the session's demo (conftest.session_demo)
pytestmark = pytest.mark.usefixtures("session_demo")


def test_pagerank_matches_networkx_on_karate():
    G = nx.karate_club_graph().to_directed()
    ours = pagerank(G)
    ref = nx.pagerank(G, tol=1e-12, max_iter=10_000)
    assert max(abs(ours[n] - ref[n]) for n in G) < 1e-8


def test_pagerank_dangling_and_personalization():
    G = nx.DiGraph([(1, 2), (2, 3), (4, 3)])  # 3 is dangling
    ours = pagerank(G, alpha=0.7, personalization={1: 1.0, 4: 1.0})
    ref = nx.pagerank(G, alpha=0.7, personalization={1: 1.0, 4: 1.0}, tol=1e-12, max_iter=10_000)
    assert max(abs(ours[n] - ref[n]) for n in G) < 1e-8
    with pytest.raises(ValueError):
        pagerank(nx.DiGraph([(1, 2, {"weight": -1})]))
    with pytest.raises(nx.PowerIterationFailedConvergence):
        pagerank(nx.gnp_random_graph(50, 0.1, seed=1, directed=True), max_iter=2)


def test_simple_measures():
    G = nx.DiGraph([("a", "b", {"weight": 2.0}), ("c", "b", {"weight": 0.5}), ("b", "a")])
    assert in_strength(G) == {"a": 1.0, "b": 2.5, "c": 0.0}
    assert in_degree(G) == {"a": 1.0, "b": 2.0, "c": 0.0}


def test_composite_contributions_add_up(store, small_records):
    store.write(small_records)
    G = build_graph(store)
    cfg = RankingConfig(measures=PR_IS, exclude_competitors=False)
    result = rank(G, cfg)
    assert [e.rank for e in result] == list(range(1, 6))
    assert result[0].actor == "mastodon:@ana@coffee.example"
    for e in result:
        assert e.score == pytest.approx(sum(m.contribution for m in e.measures.values()))
        assert set(e.measures) == {"pagerank", "in_strength"}
        assert e.measures["pagerank"].contribution == pytest.approx(0.6 * e.measures["pagerank"].normalized)
    scores = [e.score for e in result]
    assert scores == sorted(scores, reverse=True)


def test_why_uses_real_counts(store, small_records):
    store.write(small_records)
    result = rank(build_graph(store), RankingConfig(measures=PR_IS))
    ana = result[0]
    assert ana.givers == 3 and ana.received == {"reply": 1.0, "reshare": 1.0, "like": 1.0}
    assert ana.why.startswith("attention from 3 actors (1 reply, 1 reshare, 1 like)")
    assert "PageRank top" in ana.why


def test_competitors_excluded_by_default(store, small_records):
    store.write(small_records)
    G = build_graph(store)
    ids = {e.actor for e in rank(G)}
    assert "web:aurora.example" not in ids
    assert rank(G).excluded == {"competitors": 1}
    assert "web:aurora.example" in {e.actor for e in rank(G, RankingConfig(exclude_competitors=False))}


def test_filters_min_interactions_and_platforms(store, small_records):
    store.write(small_records)
    G = build_graph(store)
    r = rank(G, RankingConfig(min_interactions=2))
    assert {e.actor for e in r} == {"mastodon:@ana@coffee.example", "mastodon:@bob@coffee.example"}
    r = rank(G, RankingConfig(output_platforms=("web",), exclude_competitors=False))
    assert [e.actor for e in r] == ["web:aurora.example"]


@pytest.mark.parametrize("normalization", ["rank", "minmax", "zscore"])
def test_normalizations(normalization):
    G = nx.gnp_random_graph(60, 0.08, seed=3, directed=True)
    r = rank(G, RankingConfig(measures=PR_IS, normalization=normalization))
    norm = np.array([e.measures["in_strength"].normalized for e in r])
    if normalization == "minmax":
        assert norm.min() == pytest.approx(0) and norm.max() == pytest.approx(1)
    elif normalization == "zscore":
        assert norm.mean() == pytest.approx(0, abs=1e-9) and norm.std() == pytest.approx(1)
    else:
        assert 0 < norm.min() and norm.max() == pytest.approx(1)
    assert all(math.isfinite(e.score) for e in r)


def test_ranking_is_a_permutation_and_deterministic(seed):
    G = nx.gnp_random_graph(200, 0.03, seed=seed, directed=True)
    r1, r2 = rank(G), rank(G)
    assert [e.actor for e in r1] == [e.actor for e in r2]
    assert sorted(e.actor for e in r1) == sorted(G)


def test_accepts_plain_graphs():
    r = rank(nx.karate_club_graph())  # undirected: read as reciprocal
    assert {r[0].actor, r[1].actor} == {0, 33}  # node ids as given
    M = nx.MultiDiGraph([("a", "b"), ("a", "b"), ("c", "b"), ("b", "c")])
    r = rank(M, RankingConfig(measures=PR_IS))
    assert r[0].actor == "b" and r[0].measures["in_strength"].value == 3.0


def test_rank_does_not_mutate_graph(store, small_records):
    store.write(small_records)
    G = build_graph(store)
    before = (list(G.nodes(data=True)), list(G.edges(data=True)))
    rank(G)
    assert (list(G.nodes(data=True)), list(G.edges(data=True))) == before


def test_empty_graph():
    with pytest.raises(EmptyGraphError, match="nothing to rank"):
        rank(nx.DiGraph())


def test_shortlist():
    r = rank(nx.gnp_random_graph(100, 0.05, seed=1, directed=True))
    assert [e.actor for e in shortlist(r, top=5)] == [e.actor for e in r.entries[:5]]
    assert len(shortlist(r, top=0)) == len(r)
    with pytest.raises(ValueError):
        shortlist(r, top=-1)


def test_default_composite_is_in_degree_katz_hits():
    """The defaults chosen from docs/evaluation.md: equal weights on three O(m) measures."""
    cfg = RankingConfig()
    assert {m for m, w in cfg.measures.items() if w > 0} == {"in_degree", "katz", "hits_authority"}
    r = rank(nx.karate_club_graph())
    assert {r[0].actor, r[1].actor} == {0, 33}
    assert set(r[0].measures) == {"in_degree", "katz", "hits_authority"}


def test_non_convergence_is_a_config_error():
    from influence.errors import ConfigError

    G = nx.gnp_random_graph(50, 0.1, seed=1, directed=True)
    with pytest.raises(ConfigError, match="pagerank did not converge.*pagerank.max_iter"):
        rank(G, RankingConfig(measures=PR_IS, pagerank_max_iter=1))
    with pytest.raises(ConfigError, match="hits.max_iter"):
        rank(G, RankingConfig(measures={"hits_authority": 1}, hits_max_iter=1))


# -- filters.exclude -------------------------------------------------------------------------------


def test_exclude_patterns_leave_out_matching_actors_and_merged_accounts():
    import fnmatch

    from influence.errors import ConfigError
    from influence.records import Actor, Interaction, SameAs
    from influence.store import Store

    store = Store(":memory:")
    store.write([
        Actor("web:ana.example", name="Ana's blog"),
        Actor("mastodon:@ana@social.example", name="Ana"),
        *[Interaction(f"import:u{i}", "mastodon:@ana@social.example", "reply", "2026-01-01") for i in range(4)],
        Interaction("import:u9", "web:ana.example", "link", "2026-01-02"),
        *[Interaction(f"import:u{i}", "web:Shop.example", "link", "2026-01-02") for i in range(3)],
        *[Interaction(f"import:u{i}", "mastodon:@luis@Social.example", "mention", "2026-01-03") for i in range(2)],
        SameAs("web:ana.example", "mastodon:@ana@social.example", "rel=me"),
    ])
    G = build_graph(store)
    everyone = [e.actor for e in rank(G).entries]
    # ids keep the case they were written with: matching ignores it
    assert {"mastodon:@ana@social.example", "web:Shop.example", "mastodon:@luis@Social.example"} <= set(everyone)

    # a pattern on the web site merged into Ana's node leaves Ana out too; matching ignores case
    res = rank(G, RankingConfig(exclude_patterns=("WEB:*",)))
    left = [e.actor for e in res.entries]
    assert "mastodon:@ana@social.example" not in left and "web:Shop.example" not in left
    accounts = {v: (v, *str(d.get("accounts") or "").split()) for v, d in G.nodes(data=True)}
    expected = [a for a in everyone if not any(fnmatch.fnmatch(x.lower(), "web:*") for x in accounts[a])]
    assert left == expected and res.excluded["patterns"] == len(everyone) - len(expected) == 2

    res = rank(G, RankingConfig().with_overrides(['filters.exclude=["mastodon:@luis@*", "import:u?"]']))
    left = {e.actor for e in res.entries}
    assert "mastodon:@luis@Social.example" not in left and not any(a.startswith("import:u") for a in left)
    assert "web:Shop.example" in left
    with pytest.raises(ConfigError, match="filters.exclude must be a list of strings"):
        RankingConfig().with_overrides(["filters.exclude=3"])


def test_exclude_patterns_apply_to_the_reach_strategy():
    import json

    from click.testing import CliRunner
    from influence_cli import cli

    runner = CliRunner()
    base = ["shortlist", "demo", "--top", "4", "--strategy", "reach", "--runs", "100", "--format", "json", "-q",
            "--no-communities"]
    first = json.loads(runner.invoke(cli, base).stdout)[0]["actor"]
    r = runner.invoke(cli, [*base, "--set", f'filters.exclude=["{first}"]'])
    assert r.exit_code == 0, r.output
    picks = [x["actor"] for x in json.loads(r.stdout)]
    assert len(picks) == 4 and first not in picks


def test_tie_ranks_match_scipy():
    """ranking._ranks replaces scipy.stats.rankdata (whose import costs ~0.9 s per CLI call)."""
    from scipy.stats import rankdata

    from influence.ranking import _ranks

    rng = np.random.default_rng(0)
    for _ in range(100):
        x = rng.integers(0, 15, size=int(rng.integers(1, 200))).astype(float)
        x[rng.random(len(x)) < 0.1] = -np.inf
        for method in ("average", "max"):
            assert np.array_equal(_ranks(x, method), rankdata(x, method=method))


def test_annotated_views_reuse_the_measures_unless_they_read_the_annotation(monkeypatch):
    """rank() of a view and of its copy annotated with communities computes the measures once
    (the CLI ranks both); an added column a measure reads (followers, or the communities of
    reach_diversity) makes it compute them again."""
    import influence.ranking as ranking_module
    from influence.measures import GraphView

    G = nx.DiGraph([("a", "b"), ("c", "b"), ("b", "d"), ("d", "a"), ("e", "d")])
    calls = []
    real = dict(ranking_module.MEASURES)
    monkeypatch.setattr(ranking_module, "MEASURES",
                        {m: (lambda V, c, m=m: calls.append(m) or real[m](V, c)) for m in real})
    V = GraphView(G)
    plain = rank(V)
    n = len(calls)
    assert n == 3  # in_degree, katz, hits_authority
    annotated = rank(V.with_columns(community=[0, 0, 1, 1, 1]))
    assert len(calls) == n and [e.score for e in annotated] == [e.score for e in plain]
    assert "across 2 communities" in annotated[0].why and "communities" not in plain[0].why
    off = {"in_degree": 0.0, "katz": 0.0, "hits_authority": 0.0}
    cfg = {"measures": {**off, "audience": 1.0}}
    rank(V, cfg)
    k = len(calls)
    scores = rank(V.with_columns(followers=[1, 2, 500, 3, 4]), cfg)
    assert len(calls) == k + 1 and scores[0].actor == "c"  # recomputed with the new followers
    cfg = {"measures": {**off, "reach_diversity": 1.0}}
    rank(V, cfg)
    k = len(calls)
    rank(V.with_columns(community=[0, 1, 2, 3, 4]), cfg)
    assert len(calls) == k + 1
