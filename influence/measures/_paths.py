"""Measures on shortest attention paths: harmonic closeness and betweenness (Brandes), exact on
small graphs and estimated from seeded sampled sources on large ones.
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import scipy.sparse as sp

from .._arrays import unique_sorted
from ._view import GraphView, row_positions

__all__ = ["harmonic", "harmonic_array", "sample_sources", "betweenness", "betweenness_array",
           "brandes_source", "brandes_block", "BLOCK_MAX_NODES"]


def harmonic(G: nx.DiGraph, k: int | None = None, seed: int | None = 0, exact_max_nodes: int = 5000) -> dict:
    """In-harmonic closeness: ``h(v) = sum over u != v of 1 / d(u, v)``, with ``d`` the number of
    hops along edges (from those who give attention to v), normalised by ``n - 1``.

    Exact (BFS from every node) when the graph has at most ``exact_max_nodes`` nodes or ``k`` is
    ``None`` and the graph is small; otherwise estimated from ``k`` source nodes sampled with
    ``seed`` and scaled by ``(n - 1) / k``.

    References
    ----------
    .. [1] P. Boldi and S. Vigna, "Axioms for centrality", Internet Mathematics 10 (2014) 222-262.
       doi:10.1080/15427951.2013.865686

    Examples
    --------
    >>> h = harmonic(nx.DiGraph([("a", "b"), ("b", "c")]))
    >>> h["c"], h["b"], h["a"]
    (0.75, 0.5, 0.0)
    """
    V = GraphView(G)
    return V.as_dict(harmonic_array(V, k, seed, exact_max_nodes))


def harmonic_array(V: GraphView, k: int | None, seed: int | None, exact_max_nodes: int) -> np.ndarray:
    from scipy.sparse.csgraph import shortest_path

    n = V.n
    if n <= 1:
        return np.zeros(n)
    sources = sample_sources(n, k, seed, exact_max_nodes)
    total = np.zeros(n)
    for chunk in np.array_split(sources, max(1, math.ceil(len(sources) / 64))):
        D = shortest_path(V.B, method="D", directed=True, unweighted=True, indices=chunk)
        with np.errstate(divide="ignore"):
            R = np.where(np.isfinite(D) & (D > 0), 1.0 / D, 0.0)
        total += R.sum(axis=0)
    # sampled sources estimate the sum over all n sources; exact when every node is a source
    return total * (n / len(sources)) / (n - 1)


def sample_sources(n: int, k: int | None, seed: int | None, exact_max_nodes: int) -> np.ndarray:
    if n <= exact_max_nodes or k is None or k >= n:
        return np.arange(n)
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(n, size=k, replace=False))


def betweenness(G: nx.DiGraph, k: int | None = 256, seed: int | None = 0, exact_max_nodes: int = 5000,
                directed: bool = True) -> dict:
    """Betweenness centrality on hop distances (Brandes), normalised like networkx.

    Exact up to ``exact_max_nodes`` nodes, else estimated from ``k`` sampled sources (seeded),
    scaled by ``n / k`` like :func:`networkx.betweenness_centrality`. ``directed=True`` follows the
    direction of attention (a broker relays attention from one group to another);
    ``directed=False`` treats every tie as two-way, as tools that ignore direction do — a frequent
    cause of differing figures between tools.

    The estimate is networkx's: ``k`` distinct sources drawn uniformly (numpy, ``seed``), each
    giving its exact Brandes dependencies, the sum scaled by ``n / k`` (unbiased; the same sources
    and values for a seed, in any process).

    The computation is vectorised (networkx's implementation is the test reference). Up to
    ``BLOCK_MAX_NODES`` nodes, breadth-first levels and the dependency back-propagation run as
    sparse-matrix times dense-block products over batches of sources; on larger graphs, one source
    at a time over the edges of each level, O(m) per source (64 sources on 1M nodes / 5M edges:
    see docs/performance.md).

    References
    ----------
    .. [1] U. Brandes, "A faster algorithm for betweenness centrality", J. Math. Sociology 25(2)
       (2001) 163-177. doi:10.1080/0022250X.2001.9990249

    Examples
    --------
    >>> b = betweenness(nx.DiGraph([("a", "b"), ("b", "c")]))
    >>> b["b"]
    0.5
    """
    V = GraphView(G)
    return V.as_dict(betweenness_array(V, k, seed, exact_max_nodes, directed))


def betweenness_array(V: GraphView, k: int | None, seed: int | None, exact_max_nodes: int, directed: bool,
                      batch: int = 32) -> np.ndarray:
    n = V.n
    if n <= 2:
        return np.zeros(n)
    A = V.B if directed else V.U  # A[u, v] = 1: u -> v
    sources = sample_sources(n, k, seed, exact_max_nodes)
    bc = np.zeros(n)
    if n <= BLOCK_MAX_NODES:
        AT = A.T.tocsr()
        for chunk in np.array_split(sources, max(1, math.ceil(len(sources) / batch))):
            bc += brandes_block(A, AT, chunk)
    else:
        indptr, indices = A.indptr.astype(np.int64), A.indices.astype(np.int64)
        for s in sources.tolist():
            bc += brandes_source(indptr, indices, s)
    # networkx's normalisation: directed pairs 1/((n-1)(n-2)); undirected counts each pair twice
    scale = 1.0 / ((n - 1) * (n - 2))
    if len(sources) < n:
        scale *= n / len(sources)
    return bc * scale


#: Up to this many nodes :func:`betweenness_array` runs Brandes on blocks of sources at once (dense
#: ``n x batch`` arrays, one sparse product per level); above it, one source at a time over the
#: edges of each breadth-first level (:func:`brandes_source`), which does O(m) work per source
#: instead of O(m) per level and per source. Both give the same values (to rounding).
BLOCK_MAX_NODES = 20_000


def brandes_source(indptr: np.ndarray, indices: np.ndarray, s: int) -> np.ndarray:
    """Dependencies ``delta_s(v)`` of one source on the CSR graph ``(indptr, indices)``.

    Breadth-first search level by level over edge arrays: the edges leaving the frontier that
    reach the next level are the shortest-path DAG of that level; path counts flow forward along
    them, dependencies flow back (Brandes). Each edge is looked at once.

    >>> import scipy.sparse as sp
    >>> B = sp.csr_array(np.array([[0, 1, 1, 0], [0, 0, 0, 1], [0, 0, 0, 1], [0, 0, 0, 0]]))
    >>> brandes_source(B.indptr.astype(np.int64), B.indices.astype(np.int64), 0).tolist()
    [0.0, 0.5, 0.5, 0.0]
    """
    n = len(indptr) - 1
    dist = np.full(n, -1, dtype=np.int64)
    sigma = np.zeros(n)
    dist[s], sigma[s] = 0, 1.0
    frontier = np.array([s], dtype=np.int64)
    dag: list[tuple[np.ndarray, np.ndarray]] = []
    level = 0
    while frontier.size:
        pos, counts = row_positions(indptr, frontier)  # every edge leaving the frontier
        if pos.size == 0:
            break
        u, v = np.repeat(frontier, counts), indices[pos]
        fresh = v[dist[v] < 0]
        dist[fresh] = level + 1
        on_dag = dist[v] == level + 1
        u, v = u[on_dag], v[on_dag]
        if v.size == 0:
            break
        sigma += np.bincount(v, weights=sigma[u], minlength=n)
        dag.append((u, v))
        # the next frontier, sorted: a scan of dist is cheaper than sorting a large `fresh`
        frontier = np.flatnonzero(dist == level + 1) if fresh.size > n // 64 else unique_sorted(fresh)
        level += 1
    delta = np.zeros(n)
    for u, v in reversed(dag):
        delta += np.bincount(u, weights=sigma[u] / sigma[v] * (1.0 + delta[v]), minlength=n)
    delta[s] = 0.0
    return delta


def brandes_block(A: sp.csr_array, AT: sp.csr_array, sources: np.ndarray) -> np.ndarray:
    """Summed dependencies of one block of sources (columns), by level-synchronous BFS."""
    n, b = A.shape[0], len(sources)
    cols = np.arange(b)
    dist = np.full((n, b), -1, dtype=np.int32)
    sigma = np.zeros((n, b))
    dist[sources, cols] = 0
    sigma[sources, cols] = 1.0
    frontier = sigma.copy()
    level = 0
    while True:
        # paths into v from the frontier: sum over predecessors u of sigma[u]
        reach = AT @ frontier
        new = (reach > 0) & (dist < 0)
        if not new.any():
            break
        level += 1
        dist[new] = level
        frontier = np.where(new, reach, 0.0)
        sigma += frontier
    delta = np.zeros((n, b))
    for d in range(level, 0, -1):
        at_d = dist == d
        w = np.zeros((n, b))
        np.divide(1.0 + delta, sigma, out=w, where=at_d)
        back = A @ w  # for u: sum over successors v at level d of (1 + delta_v) / sigma_v
        at_prev = dist == d - 1
        delta += np.where(at_prev, sigma * back, 0.0)
    delta[sources, cols] = 0.0
    return delta.sum(axis=1)
