"""Measures read from node attributes and communities: engagement, audience, reach diversity."""

from __future__ import annotations

from collections.abc import Mapping

import networkx as nx
import numpy as np

from .._arrays import codes_of, unique_sorted
from ._view import GraphView

__all__ = ["engagement", "engagement_array", "audience", "reach_diversity", "reach_diversity_array"]


def engagement(G: nx.DiGraph, mode: str = "total") -> dict:
    """Engagement received on the actor's posts: likes + reshares + replies, from the node
    attributes ``likes``, ``reshares``, ``replies`` and ``posts`` that :func:`influence.build_graph`
    sets from the store's post metrics.

    ``mode="total"`` sums them; ``"per_post"`` divides by the number of posts. Actors with no
    post (or no known metric) are **missing** (NaN), not zero: the composite handles them
    explicitly.

    >>> G = nx.DiGraph()
    >>> G.add_node("a", posts=2, likes=10, reshares=2, replies=0)
    >>> G.add_node("b")
    >>> engagement(G), engagement(G, mode="per_post")["a"]
    ({'a': 12.0, 'b': nan}, 6.0)
    """
    V = GraphView(G)
    return V.as_dict(engagement_array(V, mode))


def engagement_array(V: GraphView, mode: str) -> np.ndarray:
    parts = [V.node_array(a) for a in ("likes", "reshares", "replies")]
    stacked = np.vstack(parts)
    known = ~np.isnan(stacked).all(axis=0)
    total = np.where(known, np.nansum(stacked, axis=0), np.nan)
    posts = V.node_array("posts")
    total = np.where(posts > 0, total, np.nan)
    if mode == "per_post":
        with np.errstate(invalid="ignore", divide="ignore"):
            total = total / posts
    elif mode != "total":
        raise ValueError(f"engagement mode must be 'total' or 'per_post', got {mode!r}")
    return total


def audience(G: nx.DiGraph) -> dict:
    """Follower count (node attribute ``followers``); NaN where unknown.

    >>> G = nx.DiGraph([("a", "b")]); G.nodes["b"]["followers"] = 120
    >>> audience(G)
    {'a': nan, 'b': 120.0}
    """
    return GraphView(G).as_dict(GraphView(G).node_array("followers"))


def reach_diversity(G: nx.DiGraph, communities: Mapping | None = None, seed: int | None = 0) -> dict:
    """Number of distinct communities among the actors who give attention to each actor.

    Communities come from ``communities`` (actor -> id), else from the node attribute
    ``community``, else from a seeded Louvain partition of the undirected projection.

    >>> G = nx.DiGraph([("a", "x"), ("b", "x"), ("c", "x"), ("a", "y")])
    >>> reach_diversity(G, {"a": 0, "b": 0, "c": 1, "x": 2, "y": 2})["x"]
    2.0
    """
    V = GraphView(G)
    return V.as_dict(reach_diversity_array(V, communities, seed))


def reach_diversity_array(V: GraphView, communities: Mapping | None, seed: int | None) -> np.ndarray:
    n = V.n
    if n == 0:
        return np.zeros(0)
    if communities is None:
        labels = V.column("community")
        if any(x is None for x in labels):
            # Louvain on integer nodes: networkx iterates sets of nodes, and sets of strings
            # iterate in an order that changes with PYTHONHASHSEED; sets of ints do not.
            W = (V.A + V.A.T).tocsr()
            H = nx.from_scipy_sparse_array(W, edge_attribute="weight")
            parts = nx.community.louvain_communities(H, weight="weight", seed=seed)
            cid = {v: i for i, part in enumerate(sorted(parts, key=min)) for v in part}
            labels = [cid[i] for i in range(n)]
    else:
        labels = [communities.get(v) for v in V.nodes]
    lab, codes = codes_of(labels)
    B = V.B.tocoo()
    k = max(len(codes), 1)
    pairs = unique_sorted(B.col.astype(np.int64) * k + lab[B.row])  # one number per (receiver, community)
    return np.bincount(pairs // k, minlength=n).astype(float)
