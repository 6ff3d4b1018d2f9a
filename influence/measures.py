"""Centrality measures: each a pure function ``graph -> {actor: value}``.

Edges point from the actor who gives attention to the actor who receives it (see
:mod:`influence.records`), so every measure here credits the *target* of edges.

The registry :data:`MEASURES` maps a measure name (as used in ``RankingConfig.measures``) to a
function ``(G, config) -> dict``; the plain functions take keyword parameters like networkx's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

import networkx as nx
import numpy as np
import scipy.sparse as sp

if TYPE_CHECKING:
    from .config import RankingConfig

__all__ = ["pagerank", "in_strength", "in_degree", "MEASURES", "MEASURE_LABELS"]


def in_strength(G: nx.DiGraph, weight: str | None = "weight") -> dict:
    """Weighted in-degree: the total weight of attention an actor receives.

    Parameters
    ----------
    G : networkx.DiGraph
    weight : str or None, default="weight"
        Edge attribute holding the weight (missing = 1). ``None`` counts edges.

    Returns
    -------
    dict
        ``{node: float}``

    Examples
    --------
    >>> G = nx.DiGraph([("a", "b", {"weight": 2.0}), ("c", "b", {"weight": 0.5})])
    >>> in_strength(G)
    {'a': 0.0, 'b': 2.5, 'c': 0.0}
    """
    return {n: float(d) for n, d in G.in_degree(weight=weight)}


def in_degree(G: nx.DiGraph) -> dict:
    """Number of distinct actors who gave attention (unweighted in-degree).

    >>> in_degree(nx.DiGraph([("a", "b"), ("c", "b")]))
    {'a': 0.0, 'b': 2.0, 'c': 0.0}
    """
    return {n: float(d) for n, d in G.in_degree()}


def pagerank(
    G: nx.DiGraph,
    alpha: float = 0.85,
    personalization: Mapping | None = None,
    max_iter: int = 1000,
    tol: float = 1.0e-10,
    weight: str | None = "weight",
) -> dict:
    """PageRank by power iteration on a sparse matrix.

    Same model as :func:`networkx.pagerank` (dangling nodes jump like the teleport), but the
    convergence test is on the **L1 norm of the change of the whole vector**, ``||x_k - x_{k-1}||_1
    < tol``. networkx compares with ``N * tol``, which on graphs of millions of nodes stops long
    before the top of the ranking has settled.

    Parameters
    ----------
    G : networkx.DiGraph
    alpha : float, default=0.85
        Damping factor.
    personalization : mapping, optional
        Teleport distribution over nodes (missing nodes get 0); default uniform.
    max_iter : int, default=1000
    tol : float, default=1e-10
        L1 convergence threshold.
    weight : str or None, default="weight"
        Edge attribute holding the weight (missing = 1).

    Returns
    -------
    dict
        ``{node: float}``, summing to 1.

    Raises
    ------
    networkx.PowerIterationFailedConvergence
        If ``max_iter`` iterations do not converge.
    ValueError
        If an edge weight is negative or the personalization sums to 0.

    References
    ----------
    .. [1] S. Brin and L. Page, "The anatomy of a large-scale hypertextual Web search engine",
       Computer Networks and ISDN Systems 30 (1998) 107-117. doi:10.1016/S0169-7552(98)00110-X

    Examples
    --------
    >>> G = nx.DiGraph([(1, 2), (2, 3), (3, 1), (4, 1)])
    >>> pr = pagerank(G)
    >>> max(pr, key=pr.get)
    1
    >>> round(sum(pr.values()), 12)
    1.0
    """
    nodes = list(G)
    n = len(nodes)
    if n == 0:
        return {}
    A = nx.to_scipy_sparse_array(G, nodelist=nodes, weight=weight, dtype=float, format="csr")
    if A.nnz and A.data.min() < 0:
        raise ValueError("pagerank needs edge weights >= 0")
    out = np.asarray(A.sum(axis=1)).ravel()
    inv = np.zeros_like(out)
    np.divide(1.0, out, out=inv, where=out != 0)
    P = sp.diags_array(inv) @ A
    PT = P.T.tocsr()  # x @ P as PT @ x: a CSR matvec
    if personalization is None:
        p = np.full(n, 1.0 / n)
    else:
        p = np.array([float(personalization.get(v, 0.0)) for v in nodes])
        if p.min() < 0 or p.sum() <= 0:
            raise ValueError("personalization must be >= 0 with a positive sum")
        p /= p.sum()
    dangling = out == 0
    x = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        prev = x
        x = alpha * (PT @ prev + prev[dangling].sum() * p) + (1.0 - alpha) * p
        if np.abs(x - prev).sum() < tol:
            return dict(zip(nodes, map(float, x)))
    raise nx.PowerIterationFailedConvergence(max_iter)


def _pagerank(G, cfg: RankingConfig) -> dict:
    return pagerank(G, alpha=cfg.pagerank_alpha, max_iter=cfg.pagerank_max_iter, tol=cfg.pagerank_tol)


#: name -> function(G, config) -> {node: value}
MEASURES: dict[str, Callable[[nx.DiGraph, RankingConfig], dict]] = {
    "pagerank": _pagerank,
    "in_strength": lambda G, cfg: in_strength(G),
    "in_degree": lambda G, cfg: in_degree(G),
}

#: Human names used in explanations and table headers.
MEASURE_LABELS: dict[str, str] = {
    "pagerank": "PageRank",
    "in_strength": "weighted attention",
    "in_degree": "distinct attention givers",
}
