"""Role rules on a graph's arrays (``GraphView``) against the networkx reference.

:func:`influence.assign_roles` given a :class:`influence.measures.GraphView` counts on the view's
adjacency (no networkx graph: what the pipeline and the report use); given a networkx graph it
runs the original networkx code. Same roles, reasons and thresholds on the demo, karate and a
slice of polblogs; the feature values agree to rounding.
"""

from __future__ import annotations

import networkx as nx
import pytest

import influence
from influence.communities import detect_communities
from influence.graph import to_networkx
from influence.measures import GraphView
from influence.roles import assign_roles, rule_columns, rule_features

from .test_communities_view import directed, polblogs_slice


def same_roles(G, V, **kw):
    ref, new = assign_roles(G, **kw), assign_roles(V, **kw)
    assert list(new.roles.items()) == list(ref.roles.items())  # same roles, same node order
    assert new.to_dict() == ref.to_dict() and new.thresholds == ref.thresholds
    assert all(new.why(v) == ref.why(v) for v in ref.roles)
    assert dict(new.clusters) == dict(ref.clusters) and new.features == ref.features
    fr, fn = rule_features(G, posts=kw.get("posts"), partition=kw.get("partition")), rule_features(
        V, posts=kw.get("posts"), partition=kw.get("partition"))
    assert list(fn) == list(fr)
    for v in fr:
        assert fn[v] == pytest.approx(fr[v], rel=1e-12, abs=1e-12)
    return ref


@pytest.fixture(scope="module")
def demo():
    with influence.analyze("demo") as a:
        yield a.view, to_networkx(a.arrays), a.partition(), a.posts


@pytest.mark.parametrize("with_posts", [True, False])
def test_demo_roles_match_networkx(demo, with_posts):
    V, G, part, posts = demo
    ref = same_roles(G, V, posts=posts if with_posts else None, partition=part, seed=0)
    # not vacuous: most rules fire on the demo
    assert set(ref.roles.values()) >= {"hub", "conversationalist", "broadcaster", "lurker"}


def test_demo_roles_without_a_partition_or_weights(demo):
    V, G, _, posts = demo
    same_roles(G, V, posts=posts, seed=0)  # each detects the same one-run partition
    same_roles(G, V, posts=posts, seed=0, weight=None, partition=detect_communities(V, seed=0, runs=1))


def test_karate_roles_match_networkx():
    D = directed(nx.karate_club_graph())
    part = detect_communities(D, seed=0, min_size=1)
    ref = same_roles(D, GraphView(D), partition=part, seed=0)
    assert ref.roles[0] == "hub" and ref.roles[33] == "hub"


def test_polblogs_slice_roles_match_networkx():
    D = polblogs_slice()
    part = detect_communities(D, seed=0)
    ref = same_roles(D, GraphView(D), partition=part, seed=0)
    assert len(set(ref.roles.values())) >= 3


def test_rule_columns_by_hand():
    """a <-> b, c -> a, d -> a; a and b in community 0, c in 1, d in 2, e alone outside it."""
    D = nx.DiGraph([("a", "b"), ("b", "a"), ("c", "a"), ("d", "a"), ("e", "d")])
    nodes, cols = rule_columns(GraphView(D), partition={"a": 0, "b": 0, "c": 1, "d": 2})
    got = {name: dict(zip(nodes, c.tolist())) for name, c in cols.items()}
    assert got["givers"] == {"a": 3, "b": 1, "c": 0, "d": 1, "e": 0}
    assert got["mutual"] == {"a": 1, "b": 1, "c": 0, "d": 0, "e": 0}
    assert got["neighbours"] == {"a": 3, "b": 1, "c": 1, "d": 2, "e": 1}
    # a: 0 (own), 1, 2; d: 2 (own), 0 (a), None (e); e: None (own), 2
    assert got["communities"] == {"a": 3, "b": 1, "c": 2, "d": 3, "e": 2}
    # a: ties b->a, a->b inside (2 of 4); d: a outside, e outside
    assert got["outside"] == {"a": 0.5, "b": 0.0, "c": 1.0, "d": 1.0, "e": 1.0}
    assert got["activity"] == {"a": 1, "b": 1, "c": 1, "d": 1, "e": 1}
