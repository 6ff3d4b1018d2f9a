"""Centrality measures: each a pure function ``graph -> {actor: value}``.

Edges point from the actor who gives attention to the actor who receives it (see
:mod:`influence.records`), so every measure here credits the **target** of edges: in-strength,
PageRank, HITS authority, Katz and harmonic closeness all measure *received* attention. The
exceptions say so (HITS hub scores the givers; coreness and betweenness are about position).

Each public function takes a networkx graph first, keyword parameters after, and returns a plain
dict, like networkx's own. Inside :func:`influence.rank` the same computations run on a
:class:`GraphView`, which converts the graph once to a scipy CSR matrix shared by every measure.

Measure reference
-----------------
================ ========================================================================= =======
name             what it is                                                                scale
================ ========================================================================= =======
in_strength      total weight of attention received                                        O(m)
in_degree        number of distinct actors giving attention                                O(m)
pagerank         recursive attention (optionally personalised to keyword actors / seeds)   O(m·it)
hits_authority   attention from good hubs (Kleinberg)                                      O(m·it)
hits_hub         gives attention to good authorities (curators)                            O(m·it)
katz             attention along paths of every length, damped                             O(m·it)
harmonic         in-harmonic closeness: sum of 1/d(u, v) over actors u that reach v        O(n·m)*
betweenness      brokerage on shortest attention paths (Brandes)                           O(n·m)*
coreness         k-core number of the undirected, unweighted projection                    O(m)
engagement       likes + reshares + replies on the actor's posts (total or per post)       O(n)
audience         follower count (missing where the platform does not say)                  O(n)
reach_diversity  distinct communities among the actors giving attention                    O(m)+
================ ========================================================================= =======

\\* exact up to ``exact_max_nodes``, then estimated from ``k`` sampled sources (seeded).
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np
import scipy.sparse as sp

if TYPE_CHECKING:
    from .config import RankingConfig

__all__ = [
    "GraphView",
    "in_strength",
    "in_degree",
    "pagerank",
    "hits",
    "katz",
    "harmonic",
    "betweenness",
    "coreness",
    "engagement",
    "audience",
    "reach_diversity",
    "MEASURES",
    "MEASURE_LABELS",
]


class GraphView:
    """A graph converted once to the arrays the measures share.

    Build it from a networkx graph (``GraphView(G)``) or, on large sectors, straight from the
    store's arrays (``GraphView.from_arrays(build_arrays(store, config))``) without ever making
    a networkx graph. :func:`influence.rank` accepts either a graph or a view.

    Parameters
    ----------
    G : networkx.DiGraph
    weight : str, default="weight"
        Edge attribute holding the weight (missing = 1).

    Attributes
    ----------
    nodes : list
        Node order of every array.
    A : scipy.sparse.csr_array
        Weighted adjacency, ``A[i, j]`` = weight of edge ``nodes[i] -> nodes[j]``; self-loops
        removed.
    columns : dict of str -> list
        Node attribute columns (``name``, ``platform``, ``followers``...; ``None`` where absent).
    received : dict of str -> numpy.ndarray
        Per interaction kind, the raw count each node received (from ``n_<kind>`` edge data).
    """

    def __init__(self, G: nx.DiGraph, weight: str | None = "weight"):
        self.G = G
        self.nodes = list(G)
        self.n = len(self.nodes)
        self.weight = weight
        self._arrays = None

    @classmethod
    def from_arrays(cls, arrays) -> GraphView:
        """A view of :class:`influence.graph.GraphArrays` (no networkx graph is built)."""
        V = cls.__new__(cls)
        V.G = None
        V.nodes = list(arrays.nodes)
        V.n = len(V.nodes)
        V.weight = "weight"
        V._arrays = arrays
        return V

    @property
    def arrays(self):
        """The :class:`influence.graph.GraphArrays` this view was made from (``None`` for a view
        of a networkx graph). Read it, do not change it: views made with :meth:`with_columns`
        share it."""
        return self._arrays

    def with_columns(self, **columns) -> GraphView:
        """A view of the same graph with more (or replaced) node attribute columns.

        The new view shares this one's matrices (those computed so far) and arrays; neither
        this view nor its arrays change. This is how node annotations computed after the graph
        (a ``community`` from :func:`influence.detect_communities`, a ``role``...) reach
        :func:`influence.rank` and the reach selection, which read them as node columns.

        Parameters
        ----------
        **columns : sequence
            Column name -> one value per node, in :attr:`nodes` order (``None`` where absent).

        Returns
        -------
        GraphView

        Examples
        --------
        >>> V = GraphView(nx.DiGraph([("a", "b"), ("c", "b")]))
        >>> W = V.with_columns(community=[0, 0, 1])
        >>> W.column("community"), V.column("community")
        ([0, 0, 1], [None, None, None])
        >>> W.node_values("community")
        {'a': 0, 'b': 0, 'c': 1}
        """
        added = {}
        for name, values in columns.items():
            values = list(values)
            if len(values) != self.n:
                raise ValueError(f"column {name!r} has {len(values)} values for {self.n} nodes")
            added[name] = values
        V = copy.copy(self)  # the cached matrices (instance attributes) come along
        V.__dict__["columns"] = {**self.columns, **added}
        V._added = {**getattr(self, "_added", {}), **added}
        V._annotated = None
        return V

    def node_values(self, attr: str) -> dict:
        """``{node: value}`` of a node attribute column, nodes without a value left out."""
        return {v: x for v, x in zip(self.nodes, self.column(attr)) if x is not None}

    @cached_property
    def index(self) -> dict:
        return {v: i for i, v in enumerate(self.nodes)}

    @cached_property
    def A(self) -> sp.csr_array:
        n = self.n
        if n == 0:
            return sp.csr_array((0, 0))
        if self._arrays is not None:
            a = self._arrays
            return sp.csr_array((a.weight, (a.src, a.dst)), shape=(n, n))
        idx = self.index
        rows, cols, vals = [], [], []
        w = self.weight
        for u, v, d in self.G.edges(data=True):
            if u == v:
                continue
            rows.append(idx[u])
            cols.append(idx[v])
            vals.append(1.0 if w is None else float(d.get(w, 1.0)))
        A = sp.csr_array((np.array(vals, dtype=float), (np.array(rows, dtype=np.int64),
                                                        np.array(cols, dtype=np.int64))), shape=(n, n))
        A.sum_duplicates()
        if A.nnz and A.data.min() < 0:
            raise ValueError("measures need edge weights >= 0")
        return A

    @cached_property
    def AT(self) -> sp.csr_array:
        return self.A.T.tocsr()

    @cached_property
    def B(self) -> sp.csr_array:
        """Binary adjacency (edge present = 1)."""
        B = self.A.copy()
        B.data = np.ones_like(B.data)
        return B

    @cached_property
    def U(self) -> sp.csr_array:
        """Binary adjacency of the undirected projection."""
        U = (self.B + self.B.T).tocsr()
        U.data = np.ones_like(U.data)
        return U

    @property
    def n_edges(self) -> int:
        """Edges between distinct nodes."""
        return int(self.A.nnz)

    @cached_property
    def givers(self) -> np.ndarray:
        """Distinct actors giving attention to each node."""
        return np.asarray(self.B.sum(axis=0)).ravel() if self.n else np.zeros(0)

    @cached_property
    def columns(self) -> dict[str, list]:
        if self._arrays is not None:
            return self._arrays.node_attrs
        data = self.G.nodes
        names: dict[str, None] = {}
        for v in self.nodes:
            names.update(dict.fromkeys(data[v]))
        return {a: [data[v].get(a) for v in self.nodes] for a in names}

    def column(self, attr: str) -> list:
        """A node attribute column (all ``None`` when no node has it)."""
        return self.columns.get(attr) or [None] * self.n

    @cached_property
    def received(self) -> dict[str, np.ndarray]:
        from .records import KINDS

        n = self.n
        if self._arrays is not None:
            a = self._arrays
            return {k: np.bincount(a.dst, weights=a.kind_counts[:, j], minlength=n)
                    for j, k in enumerate(a.kinds)}
        idx = self.index
        out: dict[str, np.ndarray] = {}
        labels = [(k, f"n_{k}") for k in KINDS]
        for _u, v, d in self.G.edges(data=True):
            for k, lab in labels:
                c = d.get(lab)
                if c:
                    if k not in out:
                        out[k] = np.zeros(n)
                    out[k][idx[v]] += c
        return {k: out[k] for k in KINDS if k in out}

    def networkx(self) -> nx.DiGraph:
        """The graph as networkx (built from the arrays on first use when the view has none),
        with the columns added by :meth:`with_columns` as node attributes (on a copy: the
        graph of the view they were added to is left as it was)."""
        if self.G is None:
            from .graph import to_networkx

            self.G = to_networkx(self._arrays)
        added = getattr(self, "_added", None)
        if not added:
            return self.G
        if self._annotated is None:
            H = self.G.copy()
            for name, values in added.items():
                for v, x in zip(self.nodes, values):
                    if x is not None:
                        H.nodes[v][name] = x
            self._annotated = H
        return self._annotated

    def node_array(self, attr: str) -> np.ndarray:
        """A node attribute as floats (NaN where missing)."""
        out = np.full(self.n, np.nan)
        for i, x in enumerate(self.column(attr)):
            if x is not None and x != "" and not isinstance(x, bool):
                try:
                    out[i] = float(x)
                except (TypeError, ValueError):
                    pass
        return out

    def as_dict(self, arr: np.ndarray) -> dict:
        return dict(zip(self.nodes, arr.tolist()))


def _view(G) -> GraphView:
    return G if isinstance(G, GraphView) else GraphView(G)


# -- degree-like -----------------------------------------------------------------------------------


def in_strength(G: nx.DiGraph, weight: str | None = "weight") -> dict:
    """Weighted in-degree: the total weight of attention an actor receives (self-loops ignored).

    Examples
    --------
    >>> G = nx.DiGraph([("a", "b", {"weight": 2.0}), ("c", "b", {"weight": 0.5})])
    >>> in_strength(G)
    {'a': 0.0, 'b': 2.5, 'c': 0.0}
    """
    V = GraphView(G, weight)
    return V.as_dict(_in_strength(V))


def _in_strength(V: GraphView) -> np.ndarray:
    return np.asarray(V.A.sum(axis=0)).ravel() if V.n else np.zeros(0)


def in_degree(G: nx.DiGraph) -> dict:
    """Number of distinct actors who gave attention (unweighted in-degree, self-loops ignored).

    >>> in_degree(nx.DiGraph([("a", "b"), ("c", "b")]))
    {'a': 0.0, 'b': 2.0, 'c': 0.0}
    """
    V = GraphView(G)
    return V.as_dict(_in_degree(V))


def _in_degree(V: GraphView) -> np.ndarray:
    return np.asarray(V.B.sum(axis=0)).ravel() if V.n else np.zeros(0)


# -- PageRank --------------------------------------------------------------------------------------


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
    return V.as_dict(_pagerank(V, alpha, p, max_iter, tol))


def _pagerank(V: GraphView, alpha: float, p: np.ndarray | None, max_iter: int, tol: float) -> np.ndarray:
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
    h, a = _hits(V, max_iter, tol)
    return V.as_dict(h), V.as_dict(a)


def _hits(V: GraphView, max_iter: int, tol: float) -> tuple[np.ndarray, np.ndarray]:
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
    return V.as_dict(_katz(V, alpha, max_iter, tol))


def _katz(V: GraphView, alpha: float, max_iter: int, tol: float) -> np.ndarray:
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


# -- shortest-path measures ------------------------------------------------------------------------


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
    return V.as_dict(_harmonic(V, k, seed, exact_max_nodes))


def _harmonic(V: GraphView, k: int | None, seed: int | None, exact_max_nodes: int) -> np.ndarray:
    from scipy.sparse.csgraph import shortest_path

    n = V.n
    if n <= 1:
        return np.zeros(n)
    sources = _sources(n, k, seed, exact_max_nodes)
    total = np.zeros(n)
    for chunk in np.array_split(sources, max(1, math.ceil(len(sources) / 64))):
        D = shortest_path(V.B, method="D", directed=True, unweighted=True, indices=chunk)
        with np.errstate(divide="ignore"):
            R = np.where(np.isfinite(D) & (D > 0), 1.0 / D, 0.0)
        total += R.sum(axis=0)
    # sampled sources estimate the sum over all n sources; exact when every node is a source
    return total * (n / len(sources)) / (n - 1)


def _sources(n: int, k: int | None, seed: int | None, exact_max_nodes: int) -> np.ndarray:
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
    return V.as_dict(_betweenness(V, k, seed, exact_max_nodes, directed))


def _betweenness(V: GraphView, k: int | None, seed: int | None, exact_max_nodes: int, directed: bool,
                 batch: int = 32) -> np.ndarray:
    n = V.n
    if n <= 2:
        return np.zeros(n)
    A = V.B if directed else V.U  # A[u, v] = 1: u -> v
    sources = _sources(n, k, seed, exact_max_nodes)
    bc = np.zeros(n)
    if n <= BLOCK_MAX_NODES:
        AT = A.T.tocsr()
        for chunk in np.array_split(sources, max(1, math.ceil(len(sources) / batch))):
            bc += _brandes_block(A, AT, chunk)
    else:
        indptr, indices = A.indptr.astype(np.int64), A.indices.astype(np.int64)
        for s in sources.tolist():
            bc += _brandes_source(indptr, indices, s)
    # networkx's normalisation: directed pairs 1/((n-1)(n-2)); undirected counts each pair twice
    scale = 1.0 / ((n - 1) * (n - 2))
    if len(sources) < n:
        scale *= n / len(sources)
    return bc * scale


#: Up to this many nodes :func:`_betweenness` runs Brandes on blocks of sources at once (dense
#: ``n x batch`` arrays, one sparse product per level); above it, one source at a time over the
#: edges of each breadth-first level (:func:`_brandes_source`), which does O(m) work per source
#: instead of O(m) per level and per source. Both give the same values (to rounding).
BLOCK_MAX_NODES = 20_000


def _brandes_source(indptr: np.ndarray, indices: np.ndarray, s: int) -> np.ndarray:
    """Dependencies ``delta_s(v)`` of one source on the CSR graph ``(indptr, indices)``.

    Breadth-first search level by level over edge arrays: the edges leaving the frontier that
    reach the next level are the shortest-path DAG of that level; path counts flow forward along
    them, dependencies flow back (Brandes). Each edge is looked at once.

    >>> import scipy.sparse as sp
    >>> B = sp.csr_array(np.array([[0, 1, 1, 0], [0, 0, 0, 1], [0, 0, 0, 1], [0, 0, 0, 0]]))
    >>> _brandes_source(B.indptr.astype(np.int64), B.indices.astype(np.int64), 0).tolist()
    [0.0, 0.5, 0.5, 0.0]
    """
    n = len(indptr) - 1
    deg = np.diff(indptr)
    dist = np.full(n, -1, dtype=np.int64)
    sigma = np.zeros(n)
    dist[s], sigma[s] = 0, 1.0
    frontier = np.array([s], dtype=np.int64)
    dag: list[tuple[np.ndarray, np.ndarray]] = []
    level = 0
    while frontier.size:
        counts = deg[frontier]
        total = int(counts.sum())
        if total == 0:
            break
        # positions of every edge leaving the frontier: indptr[u] + 0..deg(u)-1 for each u
        first = np.cumsum(counts) - counts
        pos = np.repeat(indptr[frontier] - first, counts) + np.arange(total)
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
        frontier = np.flatnonzero(dist == level + 1) if fresh.size > n // 64 else np.unique(fresh)
        level += 1
    delta = np.zeros(n)
    for u, v in reversed(dag):
        delta += np.bincount(u, weights=sigma[u] / sigma[v] * (1.0 + delta[v]), minlength=n)
    delta[s] = 0.0
    return delta


def _brandes_block(A: sp.csr_array, AT: sp.csr_array, sources: np.ndarray) -> np.ndarray:
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


# -- k-core ----------------------------------------------------------------------------------------


def coreness(G: nx.DiGraph) -> dict:
    """k-core number of each node in the undirected, unweighted projection (self-loops ignored).

    Batagelj-Zaversnik bucket algorithm, O(m), run by NetworKit's ``CoreDecomposition`` (C++,
    one thread) on a graph built from the CSR arrays: the same result as
    :func:`networkx.core_number` on the projection, much faster on large graphs. NetworKit is
    imported on first use.

    References
    ----------
    .. [1] V. Batagelj and M. Zaversnik, "An O(m) algorithm for cores decomposition of
       networks", arXiv:cs/0310049 (2003).

    Examples
    --------
    >>> c = coreness(nx.DiGraph([(1, 2), (2, 3), (3, 1), (4, 1)]))
    >>> [c[v] for v in (1, 2, 3, 4)]
    [2.0, 2.0, 2.0, 1.0]
    """
    V = GraphView(G)
    return V.as_dict(_coreness(V))


def _coreness(V: GraphView) -> np.ndarray:
    n = V.n
    if n == 0:
        return np.zeros(0)
    nk = _networkit()
    g = nk.GraphFromCsr(_undirected_pairs(V.B), directed=False)
    # the sequential bucket-queue algorithm (Batagelj-Zaversnik); core numbers are unique, so any
    # algorithm gives the same values, this one also uses a single thread
    cores = nk.centrality.CoreDecomposition(g, enforceBucketQueueAlgorithm=True).run().scores()
    return np.asarray(cores, dtype=float)


def _undirected_pairs(B: sp.csr_array) -> sp.csr_array:
    """Each pair of adjacent nodes once, as an upper-triangular CSR matrix (``i < j``), from an
    adjacency: the upper part of ``B`` plus the transpose of its lower part, so that reciprocal
    edges merge (value 2); self-loops are dropped. Linear time, unlike
    ``scipy.sparse.triu(B + B.T)`` which sorts.

    >>> B = sp.csr_array(np.array([[0, 1, 0], [1, 0, 0], [1, 1, 0]]))
    >>> _undirected_pairs(B).toarray().tolist()
    [[0.0, 2.0, 1.0], [0.0, 0.0, 1.0], [0.0, 0.0, 0.0]]
    """
    n = B.shape[0]
    if not B.has_canonical_format:
        B = B.copy()
        B.sum_duplicates()
    rows = np.repeat(np.arange(n, dtype=B.indices.dtype), np.diff(B.indptr))
    cols = B.indices
    up = cols > rows
    # rows of B in order, columns sorted within each row: the filtered arrays are already CSR
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows[up], minlength=n), out=indptr[1:])
    upper = sp.csr_array((np.ones(int(up.sum())), cols[up], indptr), shape=(n, n))
    upper.has_sorted_indices = True
    low = cols < rows  # (self-loops, if any, are dropped)
    lower_t = sp.csr_array((np.ones(int(low.sum())), (cols[low], rows[low])), shape=(n, n))
    return upper + lower_t


def _networkit():
    """networkit, imported on first use (``import networkit`` takes 1-2 s)."""
    import networkit

    return networkit


# -- attributes ------------------------------------------------------------------------------------


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
    return V.as_dict(_engagement(V, mode))


def _engagement(V: GraphView, mode: str) -> np.ndarray:
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
    return V.as_dict(_reach_diversity(V, communities, seed))


def _reach_diversity(V: GraphView, communities: Mapping | None, seed: int | None) -> np.ndarray:
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
    codes = {c: i for i, c in enumerate(dict.fromkeys(labels))}
    lab = np.array([codes[c] for c in labels], dtype=np.int64)
    B = V.B.tocoo()
    pairs = np.unique(np.stack([B.col, lab[B.row]]), axis=1) if B.nnz else np.zeros((2, 0), dtype=np.int64)
    return np.bincount(pairs[0], minlength=n).astype(float)


# -- registry --------------------------------------------------------------------------------------


def _personalization(V: GraphView, cfg: RankingConfig) -> np.ndarray | None:
    mode = cfg.pagerank_personalization
    if mode == "none":
        return None
    if mode == "keywords":
        p = np.nan_to_num(V.node_array("keyword_posts"), nan=0.0)
    else:  # seeds
        p = np.zeros(V.n)
        for s in cfg.pagerank_seeds or ():
            i = V.index.get(s)
            if i is not None:
                p[i] = 1.0
    # No matching actor: fall back to the uniform teleport of plain PageRank rather than fail.
    return p if p.sum() > 0 else None


def _hits_pair(V: GraphView, cfg: RankingConfig):
    cached = getattr(V, "_hits", None)
    if cached is None:
        cached = _hits(V, cfg.hits_max_iter, cfg.hits_tol)
        V._hits = cached  # type: ignore[attr-defined]
    return cached


#: name -> function(GraphView, config) -> array of values in ``view.nodes`` order.
MEASURES: dict[str, Callable[[GraphView, Any], np.ndarray]] = {
    "pagerank": lambda V, c: _pagerank(V, c.pagerank_alpha, _personalization(V, c), c.pagerank_max_iter, c.pagerank_tol),
    "in_strength": lambda V, c: _in_strength(V),
    "in_degree": lambda V, c: _in_degree(V),
    "hits_authority": lambda V, c: _hits_pair(V, c)[1],
    "hits_hub": lambda V, c: _hits_pair(V, c)[0],
    "katz": lambda V, c: _katz(V, c.katz_alpha, c.katz_max_iter, 1e-10),
    "harmonic": lambda V, c: _harmonic(V, c.harmonic_k, c.seed, c.harmonic_exact_max_nodes),
    "betweenness": lambda V, c: _betweenness(V, c.betweenness_k, c.seed, c.betweenness_exact_max_nodes,
                                             c.betweenness_directed),
    "coreness": lambda V, c: _coreness(V),
    "engagement": lambda V, c: _engagement(V, c.engagement_mode),
    "audience": lambda V, c: V.node_array("followers"),
    "reach_diversity": lambda V, c: _reach_diversity(V, None, c.seed),
}

#: Human names used in explanations and table headers.
MEASURE_LABELS: dict[str, str] = {
    "pagerank": "PageRank",
    "in_strength": "weighted attention",
    "in_degree": "distinct attention givers",
    "hits_authority": "HITS authority",
    "hits_hub": "HITS hub",
    "katz": "Katz",
    "harmonic": "harmonic closeness",
    "betweenness": "betweenness",
    "coreness": "k-core",
    "engagement": "engagement",
    "audience": "audience",
    "reach_diversity": "community reach",
}
