"""Community summaries on a graph's arrays (``GraphView``) against the networkx reference.

:func:`influence.summarize_communities` given a :class:`influence.measures.GraphView` computes on
the view's arrays (no networkx graph: what the pipeline and the report use); given a networkx
graph it runs the original networkx code. Both must give the same summaries on the demo, karate
and a slice of polblogs, whatever the options.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

import influence
from influence.communities import (
    OTHER,
    author_nodes,
    detect_communities,
    participation_coefficient,
    summarize_communities,
)
from influence.graph import to_networkx
from influence.measures import GraphView

from .conftest import shared_path


def dicts(summaries):
    return [s.to_dict() for s in summaries]


@pytest.fixture(scope="module")
def demo():
    """The demo's analysis parts: the view, its networkx graph, the partition, the ranking and
    the posts."""
    with influence.analyze("demo") as a:
        yield (a.view, to_networkx(a.arrays), a.partition(), a.ranking_with(community=True), a.posts,
               a.languages)


def test_demo_summaries_match_networkx(demo):
    V, G, part, ranking, posts, languages = demo
    ref = summarize_communities(G, part, ranking=ranking, posts=posts, languages=languages)
    new = summarize_communities(V, part, ranking=ranking, posts=posts, languages=languages)
    assert dicts(new) == dicts(ref)
    # not vacuous: communities with leaders, bridges, terms and shares
    assert len(ref) >= 5 and all(s.leaders for s in ref if s.id != OTHER)
    assert sum(len(s.bridges) for s in ref) >= 10 and all(s.terms for s in ref if s.id != OTHER)
    assert 0 < ref[0].density < 1 and 0 < ref[0].internal_share < 1


@pytest.mark.parametrize("options", [
    {},  # leaders by weighted attention received, every actor scored
    {"weight": None},
    {"top": 2, "bridge_min_degree": 1},
    {"include_other": False},
])
def test_demo_summaries_match_networkx_without_posts(demo, options):
    V, G, part, ranking, _, _ = demo
    assert dicts(summarize_communities(V, part, **options)) == dicts(summarize_communities(G, part, **options))
    scored = summarize_communities(V, part, ranking=ranking, **options)
    assert dicts(scored) == dicts(summarize_communities(G, part, ranking=ranking, **options))


def test_demo_summaries_from_a_mapping(demo):
    """A plain mapping (not a Partition) is grouped in node order, OTHER kept as membership."""
    V, G, part, ranking, _, _ = demo
    mapping = dict(part)
    for include_other in (True, False):
        new = summarize_communities(V, mapping, ranking=ranking, include_other=include_other)
        assert dicts(new) == dicts(summarize_communities(G, mapping, ranking=ranking, include_other=include_other))


def test_author_nodes_of_a_view_match_the_graph(demo):
    V, G, *_ = demo
    assert author_nodes(V) == author_nodes(G)


def directed(G: nx.Graph) -> nx.DiGraph:
    """Each tie both ways, weights kept, self-loops dropped (a view has none)."""
    D = nx.DiGraph(G.to_directed()) if not G.is_directed() else nx.DiGraph(G)
    D.remove_edges_from(list(nx.selfloop_edges(D)))
    return D


def test_karate_summaries_match_networkx():
    D = directed(nx.karate_club_graph())
    part = detect_communities(D, seed=0, min_size=1)
    assert part.n_communities == 4
    for options in ({}, {"weight": None}, {"ranking": nx.pagerank(D)}, {"bridge_min_degree": 2, "top": 34}):
        ref = summarize_communities(D, part, **options)
        assert dicts(summarize_communities(GraphView(D), part, **options)) == dicts(ref)
    # the values are the participation coefficients of the networkx code
    pc = participation_coefficient(D, part)
    bridges = [m for s in summarize_communities(GraphView(D), part, top=34, bridge_min_degree=1) for m in s.bridges]
    assert len(bridges) > 10
    assert all(m.value == pytest.approx(pc[m.actor], abs=1e-12) for m in bridges)


def polblogs_slice(n: int = 400) -> nx.DiGraph:
    path = shared_path("datasets", "polblogs", "polblogs.gml")  # skips when absent
    text = path.read_text(encoding="utf-8").replace("directed 1", "directed 1\n  multigraph 1", 1)
    G = nx.parse_gml(text, label="label")  # a multigraph: the file repeats some links
    D = nx.DiGraph()
    D.add_nodes_from(sorted(G)[:n])
    keep = set(D)
    for u, v in G.edges():  # parallel links counted, as an import would
        if u in keep and v in keep and u != v:
            if D.has_edge(u, v):
                D[u][v]["count"] += 1
                D[u][v]["weight"] += 1.0
            else:
                D.add_edge(u, v, count=1, weight=1.0)
    return D


def test_polblogs_slice_summaries_match_networkx():
    D = polblogs_slice()
    assert D.number_of_edges() > 300
    part = detect_communities(D, seed=0)
    assert part.n_communities >= 2
    for options in ({}, {"ranking": nx.pagerank(D)}, {"top": 10, "bridge_min_degree": 2}):
        assert dicts(summarize_communities(GraphView(D), part, **options)) == dicts(
            summarize_communities(D, part, **options))


def test_view_of_the_arrays_reads_counts_and_weights(demo):
    """The interaction shares count interactions (``count``), not weights: a view built from
    the arrays with every weight doubled gives the same shares and the same bridges."""
    V, G, part, *_ = demo
    a = V.arrays
    doubled = GraphView.from_arrays(type(a)(**{**a.__dict__, "weight": np.asarray(a.weight) * 2.0}))
    ref, new = summarize_communities(V, part), summarize_communities(doubled, part)
    assert [(s.interaction_share, s.internal_share, s.density) for s in new] == [
        (s.interaction_share, s.internal_share, s.density) for s in ref]
    assert [[m.actor for m in s.bridges] for s in new] == [[m.actor for m in s.bridges] for s in ref]
    # the leaders by attention received double their values
    assert [m.value for m in new[0].leaders] == [2 * m.value for m in ref[0].leaders]
