"""Community summaries and the participation coefficient on a graph's arrays.

:func:`summarize_view` is :func:`influence.summarize_communities` for an
:class:`influence.measures.GraphView`: the interaction shares, densities, participation
coefficients and degrees come from the edge arrays with numpy and scipy, leaders and bridges are
found with one partial sort per community, so no networkx graph of the sector is built (at 1M
actors the graph alone took several GB). The networkx version in ``_summaries`` is the
reference the tests compare it with; both give the same summaries on a directed graph without
self-loops (what a view is).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from itertools import repeat
from typing import Any

import numpy as np
import scipy.sparse as sp

from .._arrays import codes_of
from ._summaries import (
    PC_DIGITS,
    CommunityMember,
    CommunitySummary,
    PostParts,
    author_nodes,
    group_members,
)


def view_edges(V, weight: str | None = "weight") -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(src, dst, weight, count)`` of a view's edges between distinct nodes, as node indices:
    its :class:`influence.graph.GraphArrays` (one row per edge, no self-loops), or for a view of
    a networkx graph its adjacency ``V.A`` and each edge's ``count`` attribute (missing: 1).
    ``weight=None`` weighs every edge 1."""
    a = V.arrays
    if a is not None:
        src, dst = np.asarray(a.src, dtype=np.int64), np.asarray(a.dst, dtype=np.int64)
        w = np.asarray(a.weight, dtype=float)
        count = np.asarray(a.count, dtype=float)
    else:
        C = V.A.tocoo()
        src, dst, w = C.row.astype(np.int64), C.col.astype(np.int64), C.data.astype(float)
        nodes = V.nodes
        count = np.array([float(V.G.edges[nodes[u], nodes[v]].get("count", 1))
                          for u, v in zip(src.tolist(), dst.tolist())], dtype=float)
    if weight is None:
        w = np.ones(len(src))
    return src, dst, w, count


def participation_arrays(n: int, src: np.ndarray, dst: np.ndarray, w: np.ndarray,
                         codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(participation, degree)`` of every node: the participation coefficient over the
    undirected projection (tie weight given plus received, per community of the other end:
    ``codes``, one int per node, any value for "no community" as long as it is one value), and
    the number of distinct actors each node is tied to (self-loops are not in the arrays)."""
    if n == 0:
        return np.zeros(0), np.zeros(0, dtype=np.int64)
    rows = np.concatenate([src, dst])
    other = np.concatenate([dst, src])
    ws = np.concatenate([w, w])
    k = int(codes.max()) + 1 if len(codes) else 1
    # k_c(v): tie weight of v with community c; k(v) its sum
    K = sp.csr_array((ws, (rows, codes[other])), shape=(n, k))
    K.sum_duplicates()
    total = np.asarray(K.sum(axis=1)).ravel()
    share = K.copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        share.data = (share.data / np.repeat(total, np.diff(share.indptr))) ** 2
    sq = np.asarray(share.sum(axis=1)).ravel()
    pc = np.where(total > 0, 1.0 - sq, 0.0)
    # distinct neighbours: the pattern of the undirected projection
    P = sp.csr_array((np.ones(len(rows), dtype=np.int8), (rows, other)), shape=(n, n))
    P.sum_duplicates()
    degree = np.diff(P.indptr).astype(np.int64)
    return pc, degree


def _top(members: np.ndarray, key: np.ndarray, top: int, tie) -> list[int]:
    """The ``top`` members with the largest finite ``key`` (ties broken by ``tie(i)``,
    ascending), without sorting the whole community: only members at or above the ``top``-th
    largest key are sorted."""
    members = members[np.isfinite(key[members])]
    if not len(members) or top <= 0:
        return []
    vals = key[members]
    if len(members) > top:
        cut = np.partition(vals, len(vals) - top)[len(vals) - top]
        members = members[vals >= cut]
    return sorted(members.tolist(), key=lambda i: (-key[i], tie(i)))[:top]


def summarize_view(
    V,
    partition: Mapping,
    *,
    ranking: Any = None,
    posts: Iterable | None = None,
    top: int = 5,
    n_terms: int = 10,
    languages: Iterable[str] | None = ("es", "en"),
    ngrams: int = 2,
    bridge_min_degree: int = 3,
    weight: str | None = "weight",
    include_other: bool = True,
) -> list[CommunitySummary]:
    """:func:`influence.summarize_communities` on a :class:`influence.measures.GraphView`
    (same parameters, same summaries), computed on the view's arrays."""
    n = V.n
    nodes = V.nodes
    index = V.index
    groups, membership = group_members(partition, nodes, include_other)
    src, dst, w, count = view_edges(V, weight)

    # one code per community value (None, outside every group: its own code), per node
    codes, values = codes_of(list(map(membership.get, nodes)))
    gcode = {c: values.get(c, -2) for c in groups}  # -2: a group with no member in the graph
    cu, cv = codes[src], codes[dst]
    same = cu == cv
    total = float(count.sum())
    k = len(values)
    inside = np.bincount(cu[same], weights=count[same], minlength=k)
    touch = inside + np.bincount(cu[~same], weights=count[~same], minlength=k)
    touch += np.bincount(cv[~same], weights=count[~same], minlength=k)
    edges_in = np.bincount(cu[same], minlength=k)

    if ranking is None:
        score = np.bincount(dst, weights=w, minlength=n).astype(float)
        scored = np.ones(n, dtype=bool)
    else:
        given = dict(ranking.scores()) if hasattr(ranking, "scores") and callable(ranking.scores) else dict(ranking)
        score = np.full(n, -np.inf)
        scored = np.zeros(n, dtype=bool)
        at = np.fromiter(map(index.get, given, repeat(-1)), dtype=np.int64, count=len(given))
        vals = np.fromiter(map(float, given.values()), dtype=float, count=len(given))
        ok = at >= 0  # actors of the ranking that are in the graph
        score[at[ok]] = vals[ok]
        scored[at[ok]] = True
    pc, degree = participation_arrays(n, src, dst, w, codes)
    # rounded: two coefficients equal but for the order of the additions are a tie
    bridge_key = np.where(scored & (degree >= bridge_min_degree) & (pc > 0), np.round(pc, PC_DIGITS), -np.inf)

    names = V.column("name")
    platforms = V.column("platform")

    def name(i: int) -> str:
        return str(names[i] or nodes[i])

    def ident(i: int) -> str:
        return str(nodes[i])

    parts = PostParts.gather(posts, author_nodes(V) if posts else {}, membership, groups,
                             n_terms=n_terms, languages=languages, ngrams=ngrams)
    # the members of each community in the graph, in node order
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(k + 1))
    out = []
    for c, members in groups.items():
        g = gcode[c]
        idx = order[bounds[g]:bounds[g + 1]] if g >= 0 else np.zeros(0, dtype=np.int64)
        lead = _top(idx, score, top, ident)
        leaders = tuple(CommunityMember(nodes[i], name(i), float(score[i])) for i in lead)
        cand = _top(idx, bridge_key, top, lambda i: (-degree[i], ident(i)))
        bridges = tuple(CommunityMember(nodes[i], name(i), float(pc[i])) for i in cand)
        plats = Counter(str(platforms[i] or ident(i).partition(":")[0]) for i in idx.tolist())
        missing = [v for v in members if v not in index]  # members outside the graph
        plats.update(str(v).partition(":")[0] for v in missing)
        s = len(idx)
        out.append(parts.summary(
            c, size=len(members),
            density=float(edges_in[g]) / (s * (s - 1)) if g >= 0 and s > 1 and len(members) > 1 else 0.0,
            interaction_share=float(inside[g]) / total if total and g >= 0 else 0.0,
            internal_share=float(inside[g] / touch[g]) if g >= 0 and touch[g] else 0.0,
            leaders=leaders, bridges=bridges, platforms=plats, top=top))
    return out

