"""Measures by power iteration on the sparse adjacency: PageRank, HITS, Katz.

Each public function takes a networkx graph; its ``*_array`` kernel takes a :class:`GraphView`
and returns values in ``view.nodes`` order (what :data:`influence.measures.MEASURES` calls).
"""

from __future__ import annotations

from collections.abc import Mapping

import networkx as nx
import numpy as np
import scipy.sparse as sp

from ._view import GraphView

__all__ = ["pagerank", "pagerank_array", "hits", "hits_arrays", "katz", "katz_array"]


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
    V = GraphView(G, weight)
    p = None
    if personalization is not None:
        p = np.array([float(personalization.get(v, 0.0)) for v in V.nodes])
    return V.as_dict(pagerank_array(V, alpha, p, max_iter, tol))


def pagerank_array(V: GraphView, alpha: float, p: np.ndarray | None, max_iter: int, tol: float) -> np.ndarray:
    n = V.n
    if n == 0:
        return np.zeros(0)
    A = V.A
    out = np.asarray(A.sum(axis=1)).ravel()
    inv = np.zeros_like(out)
    np.divide(1.0, out, out=inv, where=out != 0)
    PT = (sp.diags_array(inv) @ A).T.tocsr()  # x @ P as PT @ x: a CSR matvec
    if p is None:
        p = np.full(n, 1.0 / n)
    else:
        if p.min() < 0 or p.sum() <= 0:
            raise ValueError("personalization must be >= 0 with a positive sum")
        p = p / p.sum()
    dangling = out == 0
    x = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        prev = x
        x = alpha * (PT @ prev + prev[dangling].sum() * p) + (1.0 - alpha) * p
        if np.abs(x - prev).sum() < tol:
            return x
    raise nx.PowerIterationFailedConvergence(max_iter)


# -- HITS ------------------------------------------------------------------------------------------


def hits(G: nx.DiGraph, max_iter: int = 1000, tol: float = 1.0e-10, weight: str | None = "weight") -> tuple[dict, dict]:
    """HITS hubs and authorities (Kleinberg), each normalised to sum 1.

    An authority receives attention from good hubs; a hub gives attention to good authorities (a
    curator). Power iteration on the sparse matrix with an L1 convergence test.

    Returns
    -------
    (hubs, authorities) : tuple of dict

    References
    ----------
    .. [1] J. M. Kleinberg, "Authoritative sources in a hyperlinked environment", J. ACM 46(5)
       (1999) 604-632. doi:10.1145/324133.324140

    Examples
    --------
    >>> hubs, auth = hits(nx.DiGraph([("a", "c"), ("b", "c"), ("b", "d")]))
    >>> max(auth, key=auth.get), max(hubs, key=hubs.get)
    ('c', 'b')
    """
    V = GraphView(G, weight)
    h, a = hits_arrays(V, max_iter, tol)
    return V.as_dict(h), V.as_dict(a)


def hits_arrays(V: GraphView, max_iter: int, tol: float) -> tuple[np.ndarray, np.ndarray]:
    n = V.n
    if n == 0 or V.A.nnz == 0:
        return np.full(n, 1.0 / max(n, 1)), np.full(n, 1.0 / max(n, 1))
    A, AT = V.A, V.AT
    h = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        a = AT @ h
        a /= a.sum()
        h_new = A @ a
        h_new /= h_new.sum()
        if np.abs(h_new - h).sum() < tol:
            h = h_new
            break
        h = h_new
    else:
        raise nx.PowerIterationFailedConvergence(max_iter)
    a = AT @ h
    return h, a / a.sum()


# -- Katz ------------------------------------------------------------------------------------------


def katz(G: nx.DiGraph, alpha: float = 0.5, max_iter: int = 1000, tol: float = 1.0e-10,
         weight: str | None = "weight") -> dict:
    """Katz centrality of received attention: ``x = a * A^T x + 1``, normalised to sum 1.

    ``alpha`` is *relative*: the attenuation used is ``a = alpha / r`` where ``r`` bounds the
    spectral radius of the weighted adjacency (the smaller of the largest in- and out-strength), so
    any ``alpha`` in (0, 1) converges, on any graph, without an eigenvalue computation. Katz is used
    instead of eigenvector centrality, which is degenerate on directed graphs with sinks.

    References
    ----------
    .. [1] L. Katz, "A new status index derived from sociometric analysis", Psychometrika 18(1)
       (1953) 39-43. doi:10.1007/BF02289026

    Examples
    --------
    >>> k = katz(nx.DiGraph([("a", "b"), ("b", "c"), ("d", "c")]))
    >>> sorted(k, key=k.get, reverse=True)[0]
    'c'
    """
    V = GraphView(G, weight)
    return V.as_dict(katz_array(V, alpha, max_iter, tol))


def katz_array(V: GraphView, alpha: float, max_iter: int, tol: float) -> np.ndarray:
    n = V.n
    if n == 0:
        return np.zeros(0)
    AT = V.AT
    if AT.nnz == 0:
        return np.full(n, 1.0 / n)
    bound = min(np.asarray(V.A.sum(axis=0)).max(), np.asarray(V.A.sum(axis=1)).max())
    a = alpha / bound
    x = np.ones(n)
    for _ in range(max_iter):
        x_new = a * (AT @ x) + 1.0
        if np.abs(x_new - x).sum() < tol * x_new.sum():
            return x_new / x_new.sum()
        x = x_new
    raise nx.PowerIterationFailedConvergence(max_iter)
