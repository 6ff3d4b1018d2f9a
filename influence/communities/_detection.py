"""Communities: the conversations of a sector, their leaders, their bridges and their topics.

A sector is several conversations. :func:`detect_communities` splits the interaction graph into
communities; :func:`summarize_communities` describes each one the way NodeXL's "top items per group"
does: its size, internal density and share of the sector's interactions, its leaders (by a
ranking), its bridges (by participation coefficient), and its top hashtags, terms, linked domains
and most-engaged posts, with a short label made from its top terms. Both are pure functions of
(graph, posts, parameters, seed): the same input and seed give the same output.

Methods
-------
===================== ====================================================== ======================
method                algorithm                                              notes
===================== ====================================================== ======================
``louvain``           Louvain modularity optimisation, seeded: NetworKit's   the default
                      PLM (engine ``networkit``) or networkx
``leiden``            Leiden: like Louvain, with connected communities       needs the extra
                      guaranteed (leidenalg)                                 ``influence[leiden]``
``label_propagation`` asynchronous weighted label propagation (networkx)     no resolution; merges
                                                                             dense graphs into one
``greedy_modularity`` Clauset-Newman-Moore agglomeration (networkx)          deterministic; slow on
                                                                             big graphs
===================== ====================================================== ======================

Direction (``projection``)
--------------------------
Interactions are directed (``u -> v``: u gives attention to v), community detection is about who
talks with whom. ``projection="sum"`` (the default) turns the graph into an undirected one where the
weight of ``{u, v}`` is ``w(u -> v) + w(v -> u)``: a pair that interacts both ways is tied by the
whole of its exchange. ``projection="directed"`` keeps the direction and optimises the directed
modularity of Leicht & Newman (louvain, leiden and greedy_modularity); label propagation has no
directed form and refuses it. Self-loops are dropped either way; a multigraph's parallel edges are
summed.

Engines
-------
Louvain on the sum projection (the default everywhere) runs on NetworKit's PLM (Staudt &
Meyerhenke 2016: Louvain with a refinement phase, C++), on integer arrays built straight from the
graph or from a :class:`influence.measures.GraphView` of the store's arrays, without a networkx
graph: about as fast as igraph's multilevel, with as high a modularity (docs/communities.md). A
single Louvain run depends on its seed (the order the nodes are visited in), so it makes up to
``runs`` runs (default 10), each on the nodes renumbered in a random order drawn from ``seed`` with
numpy, and keeps the one of highest modularity. The runs are capped at :data:`RUN_EDGE_BUDGET`
edge visits in all (runs x undirected edges): 10 runs up to 200,000 edges, 4 at 500,000, one from
2,000,000 up, so that large sectors cost one run. PLM runs on one thread: the partition depends
only on the graph, the parameters and the seed (not on the process, ``PYTHONHASHSEED`` or the
CPUs).

``engine="networkx"`` (and every other method, and ``projection="directed"``) runs networkx: the
reference implementation, slow on large graphs, with consensus (below).

Consensus (``runs``, networkx engine)
-------------------------------------
With ``runs > 1`` (default 10) the method runs ``runs`` times with seeds drawn from ``seed``,
and the partitions are combined by consensus clustering (Lancichinetti & Fortunato 2012),
restricted to the graph's edges as in fast consensus (Tandon et al. 2019): each edge gets the share
of runs that put its ends together, edges below 0.5 are dropped, and the method runs again on that
consensus graph until the runs agree on at least 98% of the edges (at most 10 rounds). It costs
10-30 single runs and gives partitions that move little with the seed (docs/communities.md has the
measured figures); ``runs=1`` is one plain networkx run seeded with ``seed`` itself (per
component, on the nodes numbered in order).
``greedy_modularity`` is deterministic and ignores ``runs``.

Components (networkx engine)
----------------------------
Each connected component is searched on its own (modularity never joins disconnected parts, so
the answer is the same kind; the cost is not: networkx's Louvain can take minutes on a graph of
thousands of small components). A component smaller than ``min_size``, or of one or two actors,
is one community without any search (it ends in :data:`OTHER` when smaller than ``min_size``).
Components after the first are seeded from ``seed`` and their position, so the partition stays
reproducible; a connected graph is searched with ``seed`` itself, as before.

Small communities
-----------------
Communities with fewer than ``min_size`` members are merged into one group, :data:`OTHER` (``-1``),
labelled "other". The others are numbered ``0, 1, ...`` from the largest.

References
----------
V. D. Blondel, J.-L. Guillaume, R. Lambiotte, E. Lefebvre, "Fast unfolding of communities in large
networks", J. Stat. Mech. (2008) P10008. doi:10.1088/1742-5468/2008/10/P10008

C. L. Staudt, H. Meyerhenke, "Engineering Parallel Algorithms for Community Detection in Massive
Networks", IEEE TPDS 27(1), 171-184 (2016). doi:10.1109/TPDS.2015.2390633 (PLM)

V. A. Traag, L. Waltman, N. J. van Eck, "From Louvain to Leiden: guaranteeing well-connected
communities", Sci. Rep. 9, 5233 (2019). doi:10.1038/s41598-019-41695-z

E. A. Leicht, M. E. J. Newman, "Community structure in directed networks", Phys. Rev. Lett. 100,
118703 (2008). doi:10.1103/PhysRevLett.100.118703

A. Lancichinetti, S. Fortunato, "Consensus clustering in complex networks", Sci. Rep. 2, 336
(2012). doi:10.1038/srep00336

A. Tandon, A. Albeshri, V. Thayananthan, W. Alhalabi, S. Fortunato, "Fast consensus clustering in
complex networks", Phys. Rev. E 99, 042301 (2019). doi:10.1103/PhysRevE.99.042301

R. Guimerà, L. A. N. Amaral, "Functional cartography of complex metabolic networks", Nature 433,
895-900 (2005). doi:10.1038/nature03288 (the participation coefficient)

Examples
--------
>>> import networkx as nx
>>> G = nx.karate_club_graph()
>>> part = detect_communities(G, seed=0, min_size=1)
>>> part.n_communities, part[0] == part[1], part[0] == part[33]
(4, True, False)
>>> [s.size for s in summarize_communities(G, part)]
[12, 11, 6, 5]
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import networkx as nx
import numpy as np

from .errors import ConfigError, EmptyGraphError

__all__ = [
    "METHODS",
    "ENGINES",
    "RUN_EDGE_BUDGET",
    "PROJECTIONS",
    "OTHER",
    "Partition",
    "CommunityMember",
    "CommunityPost",
    "CommunitySummary",
    "detect_communities",
    "summarize_communities",
    "project_undirected",
    "participation_coefficient",
    "leiden_available",
    "author_nodes",
]

#: Community detection methods.
METHODS: tuple[str, ...] = ("louvain", "leiden", "label_propagation", "greedy_modularity")
#: How a directed graph is turned into the graph the method sees.
PROJECTIONS: tuple[str, ...] = ("sum", "directed")
#: Implementations of Louvain (see :func:`detect_communities`).
ENGINES: tuple[str, ...] = ("auto", "networkit", "networkx")
#: Community id of the actors of communities smaller than ``min_size``.
OTHER = -1

_RANDOMISED = ("louvain", "leiden", "label_propagation")
# consensus: an edge stays in the consensus graph when at least this share of runs agree on it
# (Lancichinetti & Fortunato found 0.5 a good threshold for Louvain); rounds are capped because a
# few edges can keep flickering on graphs with no community structure at all.
_CONSENSUS_TAU = 0.5
_CONSENSUS_MAX_ROUNDS = 10
# ... and consensus is reached when the runs disagree on fewer than this share of the edges (Tandon
# et al.'s delta): tree-like parts of reply graphs have no community structure to agree on, and
# waiting for them would cost every remaining round.
_CONSENSUS_DELTA = 0.02


def leiden_available() -> bool:
    """Whether the optional Leiden back end (``leidenalg`` and ``igraph``) is installed.

    >>> isinstance(leiden_available(), bool)
    True
    """
    try:
        import igraph  # noqa: F401
        import leidenalg  # noqa: F401
    except ImportError:
        return False
    return True


# ==================================================================================================
# Partition
# ==================================================================================================


@dataclass(frozen=True, eq=False, repr=False)
class Partition(Mapping):
    """A partition of a graph's actors into communities: a read-only mapping actor -> community id.

    Community ids are ``0, 1, ...`` by decreasing size (ties: the community whose first member
    comes first in the graph's node order), and :data:`OTHER` (``-1``) for the actors of
    communities smaller than ``min_size``. Being a mapping, a partition can be passed wherever an
    ``{actor: community}`` dict is expected (e.g. :func:`influence.measures.reach_diversity`).

    Attributes
    ----------
    membership : dict
        Actor -> community id, in the graph's node order.
    method, projection : str
        How it was computed (see :func:`detect_communities`).
    resolution : float
    seed : int
    runs : int
        Runs made: the best of them by modularity (engine ``"networkit"``), or combined by
        consensus (engine ``"networkx"``; 1: a single run).
    min_size : int
    engine : str
        ``"networkit"`` (NetworKit's PLM, the default for Louvain) or ``"networkx"``.
    modularity : float
        Modularity (with ``resolution``) of the detected communities, before the small ones were
        merged, on the projected graph.
    """

    membership: dict
    method: str = "louvain"
    resolution: float = 1.0
    seed: int = 0
    runs: int = 1
    min_size: int = 1
    projection: str = "sum"
    modularity: float = math.nan
    engine: str = "networkx"
    _groups: dict = field(init=False, compare=False)

    def __post_init__(self) -> None:
        groups: dict[int, list] = {}
        for node, cid in self.membership.items():
            groups.setdefault(cid, []).append(node)
        ordered = {c: tuple(groups[c]) for c in sorted(groups) if c != OTHER}
        if OTHER in groups:
            ordered[OTHER] = tuple(groups[OTHER])
        object.__setattr__(self, "_groups", ordered)

    # Mapping interface: actor -> community id
    def __getitem__(self, node: Hashable) -> int:
        return self.membership[node]

    def __iter__(self) -> Iterator:
        return iter(self.membership)

    def __len__(self) -> int:
        return len(self.membership)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Partition):
            return self.membership == other.membership
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # a mutable-looking mapping: not hashable

    @property
    def communities(self) -> dict[int, tuple]:
        """Community id -> its members (graph node order): ``0, 1, ...`` then :data:`OTHER`."""
        return dict(self._groups)

    @property
    def ids(self) -> tuple[int, ...]:
        """The community ids present, :data:`OTHER` last."""
        return tuple(self._groups)

    @property
    def n_communities(self) -> int:
        """Number of communities, not counting :data:`OTHER`."""
        return sum(1 for c in self._groups if c != OTHER)

    @property
    def sizes(self) -> dict[int, int]:
        """Community id -> number of members."""
        return {c: len(m) for c, m in self._groups.items()}

    def members(self, cid: int) -> tuple:
        """The members of community ``cid`` (empty if there is no such community)."""
        return self._groups.get(cid, ())

    def params(self) -> dict[str, Any]:
        """The parameters it was computed with (for manifests)."""
        return {
            "method": self.method,
            "resolution": self.resolution,
            "seed": self.seed,
            "runs": self.runs,
            "min_size": self.min_size,
            "projection": self.projection,
            "engine": self.engine,
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the parameters, the modularity and ``communities`` (id -> member list)."""
        return {
            **self.params(),
            "modularity": None if math.isnan(self.modularity) else round(self.modularity, 6),
            "communities": {str(c): list(m) for c, m in self._groups.items()},
        }

    def __repr__(self) -> str:
        other = len(self._groups.get(OTHER, ()))
        return (
            f"Partition(method={self.method!r}, communities={self.n_communities}, other={other}, "
            f"actors={len(self.membership)}, modularity={self.modularity:.4f})"
        )


# ==================================================================================================
# Detection
# ==================================================================================================


def _check_params(method, resolution, seed, min_size, runs, projection, engine="auto") -> None:
    def bad(name: str, constraint: str, value: Any) -> ConfigError:
        return ConfigError(
            f"The {name!r} parameter of detect_communities must be {constraint}. Got {value!r} instead.",
            key=name,
        )

    if method not in METHODS:
        raise bad("method", "one of " + ", ".join(repr(m) for m in METHODS), method)
    if projection not in PROJECTIONS:
        raise bad("projection", "one of " + ", ".join(repr(p) for p in PROJECTIONS), projection)
    if engine not in ENGINES:
        raise bad("engine", "one of " + ", ".join(repr(e) for e in ENGINES), engine)
    if engine == "networkit" and method != "louvain":
        raise ConfigError(f"engine 'networkit' runs Louvain only: use engine='networkx' for method={method!r}",
                          key="engine")
    if isinstance(resolution, bool) or not isinstance(resolution, (int, float)) or not (
        math.isfinite(resolution) and resolution > 0
    ):
        raise bad("resolution", "a number > 0", resolution)
    for name, value, low in (("seed", seed, 0), ("min_size", min_size, 1), ("runs", runs, 1)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
            raise bad(name, f"an int >= {low}", value)
    if method == "label_propagation" and projection == "directed":
        raise ConfigError(
            "label_propagation has no directed form: use projection='sum' (or another method)",
            key="projection",
        )
    if method == "leiden" and not leiden_available():
        raise ConfigError(
            "method 'leiden' needs the optional packages leidenalg and igraph: "
            "pip install 'influence[leiden]'",
            key="method",
        )


def project_undirected(G: nx.Graph, weight: str | None = "weight") -> nx.Graph:
    """The undirected projection used for community detection and bridges.

    The weight of ``{u, v}`` is ``w(u -> v) + w(v -> u)`` (an edge without the attribute, or
    ``weight=None``, weighs 1); parallel edges of a multigraph are summed; self-loops are dropped;
    every node is kept, isolated ones too, in the graph's order.

    Parameters
    ----------
    G : networkx graph
    weight : str or None, default="weight"

    Returns
    -------
    networkx.Graph
        With the summed weight in the ``weight`` attribute. ``G`` is not modified.

    Examples
    --------
    >>> D = nx.DiGraph([("a", "b", {"weight": 2}), ("b", "a", {"weight": 1}), ("b", "c", {})])
    >>> sorted(project_undirected(D).edges(data="weight"))
    [('a', 'b', 3), ('b', 'c', 1)]
    """
    H = nx.Graph()
    H.add_nodes_from(G)
    for u, v, d in G.edges(data=True):
        if u == v:
            continue
        w = 1 if weight is None else d.get(weight, 1)
        if H.has_edge(u, v):
            H[u][v]["weight"] += w
        else:
            H.add_edge(u, v, weight=w)
    return H


def _project_directed(G: nx.Graph, weight: str | None) -> nx.DiGraph:
    H = nx.DiGraph()
    H.add_nodes_from(G)
    for u, v, d in G.edges(data=True):
        if u == v:
            continue
        w = 1 if weight is None else d.get(weight, 1)
        if H.has_edge(u, v):
            H[u][v]["weight"] += w
        else:
            H.add_edge(u, v, weight=w)
    return H


def _finder(method: str, resolution: float) -> Callable[[nx.Graph, int], list]:
    """``find(H, seed) -> list of node sets`` for a method; H carries its weights in ``weight``."""
    if method == "louvain":
        return lambda H, s: nx.community.louvain_communities(
            H, weight="weight", resolution=resolution, seed=s
        )
    if method == "label_propagation":
        return lambda H, s: list(nx.community.asyn_lpa_communities(H, weight="weight", seed=s))
    if method == "greedy_modularity":
        return lambda H, s: nx.community.greedy_modularity_communities(
            H, weight="weight", resolution=resolution
        )
    return lambda H, s: _leiden(H, s, resolution)


def _leiden(H: nx.Graph, seed: int, resolution: float) -> list:
    import igraph as ig
    import leidenalg

    nodes = list(H)
    index = {n: i for i, n in enumerate(nodes)}
    edges = [(index[u], index[v]) for u, v in H.edges()]
    weights = [float(d) for _, _, d in H.edges(data="weight", default=1)]
    g = ig.Graph(n=len(nodes), edges=edges, directed=H.is_directed())
    part = leidenalg.find_partition(
        g,
        leidenalg.RBConfigurationVertexPartition,
        weights=weights,
        resolution_parameter=resolution,
        n_iterations=-1,  # until no move improves: the partition Leiden guarantees
        seed=seed,
    )
    return [{nodes[i] for i in c} for c in part]


#: A consensus round runs its searches in parallel processes from this many nodes up (below,
#: starting the processes costs more than it saves).
PARALLEL_MIN_NODES = 20_000

# the graph and search of the current parallel round, inherited by the forked workers
_JOB: tuple | None = None


def _job_run(seed: int) -> list:
    H, find = _JOB
    return find(H, seed)


def _workers() -> int:
    """Processes for a consensus round: ``INFLUENCE_WORKERS`` if set, else the CPUs this process
    may use. 1 where forking is not safe (not Linux, or other threads alive)."""
    import os
    import sys
    import threading

    env = os.environ.get("INFLUENCE_WORKERS", "").strip()
    if env.isdigit() and int(env) >= 1:
        n = int(env)
    else:
        n = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if n > 1 and (not sys.platform.startswith("linux") or threading.active_count() > 1):
        return 1
    return n


def _runs(H: nx.Graph, find, seeds: list[int]) -> list:
    """``[find(H, s) for s in seeds]``, in forked worker processes when H is large and more than
    one CPU is available: the same results in the same order (each run has its own seed), about
    ``workers`` times sooner on the large components where consensus costs minutes."""
    workers = min(_workers(), len(seeds))
    if workers < 2 or H.number_of_nodes() < PARALLEL_MIN_NODES:
        return [find(H, s) for s in seeds]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    global _JOB
    _JOB = (H, find)  # forked workers inherit it: nothing but the seeds and the results is pickled
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                                 initializer=_job_ignore_sigint) as pool:
            try:
                return list(pool.map(_job_run, seeds))
            except BaseException:  # Ctrl-C: stop the workers now, not after the queued runs
                for proc in list((pool._processes or {}).values()):
                    proc.terminate()
                pool.shutdown(wait=True, cancel_futures=True)
                raise
    finally:
        _JOB = None


def _job_ignore_sigint() -> None:
    # the parent decides what Ctrl-C does (it stops the workers); a worker ignores it
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _consensus(H: nx.Graph, find, seed: int, runs: int) -> list:
    """Consensus of ``runs`` partitions, on the edges of H (see the module docstring)."""
    nodes = list(H)
    index = {n: i for i, n in enumerate(nodes)}
    pairs = {(min(index[u], index[v]), max(index[u], index[v])) for u, v in H.edges()}
    pu, pv = (np.array(x, dtype=np.int64) for x in zip(*sorted(pairs)))
    rng = np.random.default_rng(seed)
    current = H
    for _ in range(_CONSENSUS_MAX_ROUNDS):
        seeds = rng.integers(0, 2**31 - 1, size=runs)
        parts = _runs(current, find, [int(s) for s in seeds])
        labels = np.empty((runs, len(nodes)), dtype=np.int64)
        for r, part in enumerate(parts):
            for c, members in enumerate(part):
                labels[r, [index[m] for m in members]] = c
        agree = (labels[:, pu] == labels[:, pv]).mean(axis=0)
        if np.mean((agree > 0) & (agree < 1)) < _CONSENSUS_DELTA:
            return parts[0]
        C = nx.Graph()
        C.add_nodes_from(nodes)
        keep = agree >= _CONSENSUS_TAU
        C.add_weighted_edges_from(
            (nodes[a], nodes[b], float(f)) for a, b, f in zip(pu[keep], pv[keep], agree[keep])
        )
        # a node whose every edge fell below the threshold keeps its most agreed one (Tandon et
        # al.), or it would be left alone as a community of one
        best: dict[int, tuple[float, int]] = {}
        for a, b, f in zip(pu[~keep], pv[~keep], agree[~keep]):
            for x, y in ((a, b), (b, a)):
                if f > 0 and C.degree(nodes[x]) == 0 and f > best.get(x, (0.0, -1))[0]:
                    best[x] = (float(f), int(y))
        for x, (f, y) in best.items():
            C.add_edge(nodes[x], nodes[y], weight=f)
        current = C
    return parts[0]


# --------------------------------------------------------------------------------------------------
# The fast path: NetworKit's PLM on integer arrays
# --------------------------------------------------------------------------------------------------

#: The networkit engine makes at most ``runs`` PLM runs and at most this many edge visits in all
#: (runs x undirected edges), keeping the partition of highest modularity: ten runs up to 200,000
#: edges, four at 500,000, one from 2,000,000 up (see docs/communities.md).
RUN_EDGE_BUDGET = 2_000_000


def _networkit():
    """networkit, imported on first use (``import networkit`` takes 1-2 s: not for ``--help``)."""
    import networkit

    return networkit


def _budget_runs(runs: int, n_edges: int) -> int:
    """PLM runs made by the networkit engine for ``runs`` asked on ``n_edges`` undirected edges.

    >>> _budget_runs(10, 78), _budget_runs(10, 500_000), _budget_runs(10, 5_000_000)
    (10, 4, 1)
    """
    return max(1, min(int(runs), RUN_EDGE_BUDGET // max(int(n_edges), 1)))


def _graph_arrays(G, weight: str | None):
    """``(nodes, src, dst, w)`` of a networkx graph or a :class:`influence.measures.GraphView`:
    node i is ``nodes[i]``, one entry per edge (parallel edges repeated, self-loops included)."""
    from .measures import GraphView

    if isinstance(G, GraphView):
        A = G.A if weight is not None else G.B
        coo = A.tocoo()
        return G.nodes, coo.row.astype(np.int64), coo.col.astype(np.int64), coo.data.astype(float)
    nodes = list(G)
    index = {v: i for i, v in enumerate(nodes)}
    m = G.number_of_edges()
    if weight is None:
        pairs = ((index[a], index[b]) for a, b in G.edges())
        w = np.ones(m)
    else:
        pairs_w = [(index[a], index[b], d.get(weight, 1)) for a, b, d in G.edges(data=True)]
        w = np.fromiter((x[2] for x in pairs_w), dtype=float, count=m)
        pairs = ((a, b) for a, b, _ in pairs_w)
    uv = np.fromiter((x for ab in pairs for x in ab), dtype=np.int64, count=2 * m).reshape(m, 2)
    return nodes, uv[:, 0], uv[:, 1], w


def _sum_projection(n: int, src: np.ndarray, dst: np.ndarray, w: np.ndarray):
    """The sum projection as arrays ``(u, v, w)`` with ``u < v``, one entry per pair (weights of
    both directions and of parallel edges summed), self-loops dropped: :func:`project_undirected`
    without networkx.

    >>> _sum_projection(3, np.array([0, 1, 1, 2]), np.array([1, 0, 2, 2]), np.array([2., .5, 1, 9]))
    (array([0, 1]), array([1, 2]), array([2.5, 1. ]))
    """
    import scipy.sparse as sp

    keep = src != dst
    a, b = np.minimum(src, dst)[keep], np.maximum(src, dst)[keep]
    A = sp.csr_array((w[keep].astype(float), (a, b)), shape=(n, n))
    A.sum_duplicates()
    coo = A.tocoo()
    return coo.row.astype(np.int64), coo.col.astype(np.int64), coo.data.astype(float)


def _modularity(labels: np.ndarray, u: np.ndarray, v: np.ndarray, w: np.ndarray,
                resolution: float = 1.0) -> float:
    """Modularity of ``labels`` on the undirected graph ``(u, v, w)`` (one entry per pair, no
    self-loops): ``networkx.community.modularity`` in numpy.

    >>> G = nx.karate_club_graph()
    >>> u, v, w = (np.array(x) for x in zip(*G.edges(data="weight")))
    >>> labels = np.array([0 if G.nodes[i]["club"] == "Mr. Hi" else 1 for i in G])
    >>> round(_modularity(labels, u, v, w), 6) == round(nx.community.modularity(
    ...     G, [{i for i in G if labels[i] == c} for c in (0, 1)], weight="weight"), 6)
    True
    """
    m = float(w.sum())
    if m <= 0:
        return math.nan
    n = len(labels)
    degree = np.bincount(u, w, minlength=n) + np.bincount(v, w, minlength=n)
    inside = float(w[labels[u] == labels[v]].sum())
    by_comm = np.bincount(labels, degree)
    return inside / m - resolution * float(np.square(by_comm / (2 * m)).sum())


def _interruptible(fn: Callable[[], Any]) -> Any:
    """``fn()`` in a daemon thread, waited for in short steps so that Ctrl-C stops the wait at once.

    NetworKit releases the GIL while it runs, but a signal only reaches Python code between two
    calls: one PLM run on 5M edges is about a minute during which Ctrl-C would wait. The thread is
    left to finish (or to die with the process, which the CLI then ends with exit status 130).

    >>> _interruptible(lambda: 6 * 7)
    42
    """
    import threading

    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # noqa: BLE001  (handed over to the caller's thread)
            box["error"] = exc

    worker = threading.Thread(target=target, name="influence-communities", daemon=True)
    worker.start()
    while worker.is_alive():
        worker.join(0.05)
    if "error" in box:
        raise box["error"]
    return box["value"]


def _plm(n: int, u: np.ndarray, v: np.ndarray, w: np.ndarray, *, seed: int, resolution: float,
         runs: int, progress) -> tuple[np.ndarray, float, int]:
    """Best of ``runs`` NetworKit PLM runs by modularity: ``(labels, modularity, runs)``.

    Each run numbers the nodes in a random order drawn from ``seed`` (numpy), and PLM runs
    sequentially (one thread, ``par="none"``) so that the result depends on nothing but the
    arrays and the seed. Ties in modularity keep the earlier run. Each run happens in a worker
    thread (:func:`_interruptible`); OpenMP's thread count is per thread, so it is set there.
    """
    import scipy.sparse as sp

    nk = _networkit()
    rng = np.random.default_rng(seed)
    progress.step("Detecting communities", total=runs if runs > 1 else None)

    def run(a, b):
        # one OpenMP thread for everything NetworKit does here, the graph's construction
        # included (built in parallel, its adjacency order, and so PLM's result, would depend on
        # the thread count); the setting is per thread, so it is made in this worker thread
        nk.setNumberOfThreads(1)
        # each pair once (upper triangle), as CSR: sorted adjacency, built and searched
        # faster than from coordinates
        g = nk.GraphFromCsr(sp.csr_array((w, (np.minimum(a, b), np.maximum(a, b))), shape=(n, n)),
                            weighted=True, directed=False)
        plm = nk.community.PLM(g, refine=True, gamma=float(resolution), par="none")
        return np.asarray(plm.run().getPartition().getVector(), dtype=np.int64)

    best: tuple[np.ndarray, float] | None = None
    for _ in range(runs):
        perm = rng.permutation(n)  # node i is perm[i] in this run
        a, b = perm[u], perm[v]
        found = _interruptible(lambda a=a, b=b: run(a, b))[perm]
        q = _modularity(found, u, v, w, resolution)
        if best is None or q > best[1]:
            best = (found, q)
        progress.advance(1)
    return best[0], best[1], runs


def _ids(labels: np.ndarray, min_size: int) -> np.ndarray:
    """Community ids from raw labels: ``0, 1, ...`` by decreasing size (ties: the community whose
    first member comes first), :data:`OTHER` below ``min_size``.

    >>> _ids(np.array([7, 3, 3, 9, 7, 7, 5]), 2).tolist()
    [0, 1, 1, -1, 0, 0, -1]
    """
    _, first, inverse, counts = np.unique(labels, return_index=True, return_inverse=True,
                                          return_counts=True)
    order = np.lexsort((first, -counts))
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    inverse = inverse.ravel()
    return np.where(counts[inverse] >= min_size, rank[inverse], OTHER)


def _detect_networkit(G, *, resolution, seed, min_size, runs, weight, progress) -> Partition:
    nodes, src, dst, w = _graph_arrays(G, weight)
    n = len(nodes)
    u, v, w = _sum_projection(n, src, dst, w)
    if len(u) == 0:
        labels, modularity, made = np.arange(n), math.nan, 1
    else:
        labels, modularity, made = _plm(n, u, v, w, seed=int(seed), resolution=float(resolution),
                                        runs=_budget_runs(runs, len(u)), progress=progress)
    ids = _ids(labels, int(min_size))
    return Partition(
        membership=dict(zip(nodes, ids.tolist())),
        method="louvain",
        resolution=float(resolution),
        seed=int(seed),
        runs=int(made),
        min_size=int(min_size),
        projection="sum",
        modularity=float(modularity),
        engine="networkit",
    )


def _by_component(H: nx.Graph, find, seed: int, runs: int, min_size: int, progress) -> list:
    """Run ``find`` (with consensus when ``runs > 1``) on each connected component of H.

    No modularity-based method ever puts two disconnected parts in one community, so this is the
    same search, done where it is cheap: a component too small to hold a community of ``min_size``
    (or of at most two actors) is one community without running anything, and each larger
    component is searched on its own, seeded from ``seed`` and its position. networkx's Louvain
    can take minutes on a graph of thousands of components (a reply layer of 39k actors in 10k
    components), and seconds on the same components one by one. A connected graph is searched
    exactly as before, with ``seed`` itself.
    """
    comps = list(nx.weakly_connected_components(H) if H.is_directed() else nx.connected_components(H))

    def search(G: nx.Graph, s: int) -> list:
        return find(G, s) if runs == 1 else _consensus(G, find, s, runs)

    progress.step("Detecting communities", total=len(comps) if len(comps) > 1 else None)  # per component
    if len(comps) == 1:
        return search(H, seed)
    order = {n: i for i, n in enumerate(H)}
    comps.sort(key=lambda c: min(order[n] for n in c))
    found: list = []
    for i, comp in enumerate(comps):
        if len(comp) < min_size or len(comp) <= 2 or H.subgraph(comp).number_of_edges() == 0:
            found.append(set(comp))
            progress.advance(1)
            continue
        sub_seed = int(np.random.SeedSequence([seed, i]).generate_state(1)[0] % (2**31 - 1))
        found.extend(search(H.subgraph(sorted(comp, key=order.__getitem__)).copy(), sub_seed))
        progress.advance(1)
    return found


def detect_communities(
    G,
    *,
    method: str = "louvain",
    resolution: float = 1.0,
    seed: int = 0,
    min_size: int = 5,
    runs: int = 10,
    projection: str = "sum",
    weight: str | None = "weight",
    engine: str = "auto",
    progress=None,
) -> Partition:
    """Split a graph's actors into communities.

    Parameters
    ----------
    G : networkx graph or influence.measures.GraphView
        An interaction graph (:func:`influence.build_graph`) or any networkx graph, directed or
        not, or a view of the store's arrays (``GraphView.from_arrays(build_arrays(...))``: no
        networkx graph is built on the default engine). Not modified.
    method : {"louvain", "leiden", "label_propagation", "greedy_modularity"}, default="louvain"
        See the module docstring. ``"leiden"`` needs the optional extra ``influence[leiden]``.
    resolution : float, default=1.0
        Modularity resolution: above 1 gives more, smaller communities; below 1 fewer, larger
        ones. Label propagation has no resolution and ignores it.
    seed : int, default=0
        Seed of every random choice. Pass an int for reproducible output across calls: the same
        graph, parameters and seed give the same partition.
    min_size : int, default=5
        Communities with fewer members are merged into :data:`OTHER`. 1 keeps them all.
    runs : int, default=10
        Engine ``"networkit"``: at most this many runs, within a budget of
        :data:`RUN_EDGE_BUDGET` edge visits (one run from 2,000,000 edges up), the one of highest
        modularity kept. Engine ``"networkx"``: runs combined by consensus; 1 is a single plain
        networkx run seeded with ``seed``.
    projection : {"sum", "directed"}, default="sum"
        How a directed graph is treated (see the module docstring).
    weight : str or None, default="weight"
        Edge attribute holding the weight (missing: 1). ``None`` weighs every edge 1. A
        ``GraphView`` carries its own weights: ``None`` weighs its edges 1, any string keeps them.
    engine : {"auto", "networkit", "networkx"}, default="auto"
        ``"auto"``: NetworKit's PLM for Louvain on the sum projection (or an undirected graph),
        networkx otherwise. ``"networkx"``: the reference implementation (networkx's Louvain per
        connected component, with consensus); slow on large graphs.
    progress : influence.progress.Progress, optional
        Told the step "Detecting communities", with one unit per run (networkit) or per
        connected component searched (networkx).

    Returns
    -------
    Partition

    Raises
    ------
    ConfigError
        For a bad parameter, or ``method="leiden"`` without leidenalg/igraph.
    EmptyGraphError
        If the graph has no nodes.

    Examples
    --------
    >>> G = nx.karate_club_graph()
    >>> p = detect_communities(G, min_size=1, seed=2)
    >>> p
    Partition(method='louvain', communities=4, other=0, actors=34, modularity=0.4449)
    >>> p.engine, p.runs, detect_communities(G, min_size=1, seed=2) == p
    ('networkit', 10, True)
    >>> detect_communities(G, min_size=1, runs=1, seed=2, engine="networkx").modularity == p.modularity
    True
    >>> detect_communities(G, method="greedy_modularity", min_size=6).sizes
    {0: 18, 1: 11, -1: 5}
    """
    from .measures import GraphView

    _check_params(method, resolution, seed, min_size, runs, projection, engine)
    view = G if isinstance(G, GraphView) else None
    if (view.n if view is not None else G.number_of_nodes()) == 0:
        raise EmptyGraphError("no actors to group into communities: the graph is empty")
    is_directed = True if view is not None else G.is_directed()
    directed = projection == "directed" and is_directed
    if engine == "networkit" and directed:
        raise ConfigError("engine 'networkit' has no directed modularity: use projection='sum' or "
                          "engine='networkx'", key="engine")
    from .progress import as_progress

    if method == "louvain" and not directed and engine != "networkx":
        return _detect_networkit(G, resolution=resolution, seed=seed, min_size=min_size, runs=runs,
                                 weight=weight, progress=as_progress(progress))
    if view is not None:
        G = view.networkx()
    H = _project_directed(G, weight) if directed else project_undirected(G, weight)
    runs = int(runs) if method in _RANDOMISED else 1
    if H.number_of_edges() == 0:
        found = [{n} for n in H]
    else:
        # The search runs on integer labels: networkx's Louvain iterates over sets of nodes when
        # it aggregates, and sets of strings come out in an order that changes with Python's hash
        # seed (PYTHONHASHSEED), which would make the partition change from one process to the next.
        nodes = list(H)
        H_int = nx.relabel_nodes(H, {n: i for i, n in enumerate(nodes)}, copy=True)
        found_int = _by_component(H_int, _finder(method, float(resolution)), int(seed), runs, int(min_size),
                                  as_progress(progress))
        found = [{nodes[i] for i in c} for c in found_int]
    modularity = nx.community.modularity(H, found, weight="weight", resolution=resolution) \
        if H.number_of_edges() else math.nan

    order = {n: i for i, n in enumerate(H)}
    groups = sorted(
        (sorted(c, key=order.__getitem__) for c in found),
        key=lambda members: (-len(members), order[members[0]]),
    )
    cid_of = {}
    next_id = 0
    for members in groups:
        if len(members) >= min_size:
            cid, next_id = next_id, next_id + 1
        else:
            cid = OTHER
        for n in members:
            cid_of[n] = cid
    return Partition(
        membership={n: cid_of[n] for n in H},
        method=method,
        resolution=float(resolution),
        seed=int(seed),
        runs=runs,
        min_size=int(min_size),
        projection="directed" if directed else "sum",
        modularity=float(modularity),
    )


# ==================================================================================================
# Summaries
# ==================================================================================================


class CommunityMember(NamedTuple):
    """An actor listed in a community summary (leader or bridge)."""

    actor: Any
    name: str
    value: float  #: its ranking score (leaders) or participation coefficient (bridges)


class CommunityPost(NamedTuple):
    """One of a community's most-engaged posts."""

    id: str
    author: str
    engagement: int  #: likes + reshares + replies (unknown counts as 0)
    text: str  #: the first 200 characters
    url: str | None


@dataclass(frozen=True)
class CommunitySummary:
    """What one community is: who, how tight, who leads it, who bridges it, what it talks about.

    Attributes
    ----------
    id : int
        Community id (:data:`OTHER` for the merged small communities).
    label : str
        A short name made from its top terms (``"v60 · aeropress · grinder"``), else its top
        hashtags, else its leader (``"around Ana García"``); ``"other"`` for :data:`OTHER`.
    size : int
    density : float
        Edges inside over possible edges inside (``networkx.density`` of its subgraph).
    interaction_share : float
        Share of the sector's interactions (edge ``count``, missing: 1) that happen inside it.
    internal_share : float
        Share of its members' interactions (given or received) that stay inside it.
    leaders : tuple of CommunityMember
        Its best actors by the ranking (score in ``value``).
    bridges : tuple of CommunityMember
        Its members with the highest participation coefficient (in ``value``): their ties are
        spread over several communities.
    hashtags : tuple of (str, int)
        Most used hashtags (number of its posts using each).
    terms : tuple of (str, float)
        Most distinctive terms against the rest of the sector (TF-IDF, see
        :func:`influence.text.top_terms`).
    domains : tuple of (str, int)
        Most linked web domains (number of its posts linking each).
    top_posts : tuple of CommunityPost
        Most-engaged posts by its members.
    platforms : tuple of (str, int)
        Members per platform, most first.
    languages : tuple of (str, float)
        Share of its posts per language, where posts say.
    n_posts : int
        Posts by its members.
    """

    id: int
    label: str
    size: int
    density: float
    interaction_share: float
    internal_share: float
    leaders: tuple[CommunityMember, ...] = ()
    bridges: tuple[CommunityMember, ...] = ()
    hashtags: tuple[tuple[str, int], ...] = ()
    terms: tuple[tuple[str, float], ...] = ()
    domains: tuple[tuple[str, int], ...] = ()
    top_posts: tuple[CommunityPost, ...] = ()
    platforms: tuple[tuple[str, int], ...] = ()
    languages: tuple[tuple[str, float], ...] = ()
    n_posts: int = 0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (members and posts as objects, pairs as ``{name: value}`` dicts)."""
        def members(ms):
            return [{"actor": m.actor, "name": m.name, "value": round(m.value, 6)} for m in ms]

        return {
            "id": self.id,
            "label": self.label,
            "size": self.size,
            "density": round(self.density, 6),
            "interaction_share": round(self.interaction_share, 6),
            "internal_share": round(self.internal_share, 6),
            "leaders": members(self.leaders),
            "bridges": members(self.bridges),
            "terms": [{"term": t, "score": round(s, 6)} for t, s in self.terms],
            "hashtags": [{"hashtag": h, "posts": n} for h, n in self.hashtags],
            "domains": [{"domain": d, "posts": n} for d, n in self.domains],
            "top_posts": [p._asdict() for p in self.top_posts],
            "platforms": dict(self.platforms),
            "languages": {k: round(v, 4) for k, v in self.languages},
            "n_posts": self.n_posts,
        }


def participation_coefficient(
    G: nx.Graph, partition: Mapping, *, weight: str | None = "weight"
) -> dict:
    """Participation coefficient of every actor: how evenly its ties spread over communities.

    ``P(v) = 1 - sum_c (k_c(v) / k(v)) ** 2``, where ``k(v)`` is v's weighted degree in the
    undirected projection (:func:`project_undirected`: attention given and received) and
    ``k_c(v)`` the part of it with members of community c. 0 when every tie stays in one community
    (or v has none), up to ``1 - 1/C`` when they spread evenly over C communities. Actors missing
    from ``partition`` count as one more community.

    Parameters
    ----------
    G : networkx graph
    partition : mapping of actor -> community id
        E.g. a :class:`Partition`.
    weight : str or None, default="weight"

    Returns
    -------
    dict of actor -> float

    References
    ----------
    R. Guimerà, L. A. N. Amaral, Nature 433, 895-900 (2005). doi:10.1038/nature03288

    Examples
    --------
    >>> G = nx.Graph([("a", "b"), ("a", "c"), ("a", "x"), ("a", "y")])
    >>> participation_coefficient(G, {"a": 0, "b": 0, "c": 0, "x": 1, "y": 2})["a"]
    0.625
    """
    return _participation(project_undirected(G, weight), partition)


def _participation(H: nx.Graph, partition: Mapping) -> dict:
    """:func:`participation_coefficient` on an already projected graph."""
    out = {}
    for v in H:
        by_comm: dict[Any, float] = {}
        total = 0.0
        for u, w in H[v].items():
            c = partition.get(u, None)
            by_comm[c] = by_comm.get(c, 0.0) + w["weight"]
            total += w["weight"]
        out[v] = 0.0 if total <= 0 else 1.0 - sum((x / total) ** 2 for x in by_comm.values())
    return out


def _scores(G: nx.Graph, ranking, weight: str | None) -> dict:
    """Leader scores: a ranking result's scores, a mapping, or the attention received."""
    if ranking is None:
        if G.is_directed():
            return dict(G.in_degree(weight=weight))
        return dict(G.degree(weight=weight))
    if hasattr(ranking, "scores") and callable(ranking.scores):
        return dict(ranking.scores())
    return dict(ranking)


def author_nodes(G: nx.Graph) -> dict:
    """Account id -> graph node, for graphs whose nodes merge several accounts.

    :func:`influence.build_graph` merges accounts joined by identity links into one node and
    lists them, space-separated, in the node attribute ``accounts``; a post by any of them belongs
    to that node. Nodes without the attribute stand for themselves.

    Examples
    --------
    >>> G = nx.Graph([("web:ana.example", "web:bob.example")])
    >>> G.nodes["web:ana.example"]["accounts"] = "web:ana.example mastodon:@ana@x.example"
    >>> author_nodes(G)["mastodon:@ana@x.example"]
    'web:ana.example'
    """
    out = {}
    for v, accounts in G.nodes(data="accounts"):
        out[v] = v
        if isinstance(accounts, str):
            for a in accounts.split():
                out.setdefault(a, v)
    return out


def _engagement(p) -> int:
    return sum(int(x or 0) for x in (p.likes, p.reshares, p.replies))


def _label(terms, hashtags, leaders, cid) -> str:
    if cid == OTHER:
        return "other"
    if terms:
        return " · ".join(t for t, _ in terms[:3])
    if hashtags:
        return " · ".join(h for h, _ in hashtags[:3])
    if leaders:
        return f"around {leaders[0].name}"
    return f"community {cid}"


def summarize_communities(
    G: nx.Graph,
    partition: Partition | Mapping,
    *,
    ranking: Any = None,
    posts: Iterable | None = None,
    top: int = 5,
    n_terms: int = 10,
    languages: Iterable[str] | None = ("es", "en"),
    ngrams: int = 2,
    bridge_min_degree: int = 3,
    weight: str | None = "weight",
    count: str = "count",
    include_other: bool = True,
) -> list[CommunitySummary]:
    """Describe every community of a partition.

    Parameters
    ----------
    G : networkx graph
        The graph the partition was computed on.
    partition : Partition or mapping of actor -> community id
    ranking : RankingResult or mapping of actor -> score, optional
        Orders the leaders. Only actors it scores are listed as leaders or bridges, so the
        output filters of :func:`influence.rank` apply (competitor brands, which every community
        talks about, are not listed). Default: every actor, leaders by the attention received
        (weighted in-degree; degree for an undirected graph).
    posts : iterable of Post, optional
        The sector's posts (``store.posts()``), for hashtags, terms, domains, top posts, languages
        and labels. A post belongs to its author's node (:func:`author_nodes`: merged identities
        count); posts whose author is outside the graph form "the rest of the sector" in the
        TF-IDF.
    top : int, default=5
        Leaders, bridges, hashtags, domains and posts listed per community.
    n_terms : int, default=10
        Terms listed per community.
    languages : iterable of str or None, default=("es", "en")
        Stop-word languages for the terms.
    ngrams : int, default=2
        Longest phrase counted as a term ("cold brew", "latte art"; see
        :func:`influence.text.top_terms`).
    bridge_min_degree : int, default=3
        Bridges need ties with at least this many distinct actors (two ties in two communities is
        chance, not brokerage).
    weight : str or None, default="weight"
        Edge weight for the participation coefficient and the default leader score.
    count : str, default="count"
        Edge attribute counting interactions, for the shares (missing: 1 per edge).
    include_other : bool, default=True
        Also summarise :data:`OTHER`.

    Returns
    -------
    list of CommunitySummary
        In id order, :data:`OTHER` last.

    Examples
    --------
    >>> from influence.records import Post
    >>> G = nx.DiGraph([("a", "b"), ("c", "b"), ("b", "c"), ("x", "y"), ("z", "y"), ("y", "z")])
    >>> part = {"a": 0, "b": 0, "c": 0, "x": 1, "y": 1, "z": 1}
    >>> posts = [Post("p1", "t:b", text="Mi V60 y el molino #v60"),
    ...          Post("p2", "t:c", text="La V60 necesita buen molino #v60", likes=3),
    ...          Post("p3", "t:y", text="Latte art: tulip and rosetta #latteart"),
    ...          Post("p4", "t:z", text="Another tulip, pitcher tilt https://blog.example/p")]
    >>> G = nx.relabel_nodes(G, lambda n: "t:" + n)
    >>> part = {"t:" + k: v for k, v in part.items()}
    >>> s = summarize_communities(G, part, posts=posts, top=2)
    >>> [(x.id, x.label, x.size, x.leaders[0].actor) for x in s]
    [(0, 'molino · v60', 3, 't:b'), (1, 'tulip', 3, 't:y')]
    >>> s[0].hashtags, s[1].domains, s[0].top_posts[0].id
    ((('#v60', 2),), (('blog.example', 1),), 'p2')
    """
    if isinstance(partition, Partition):
        groups = partition.communities
    else:
        tmp: dict[int, list] = {}
        for v in G:
            if v in partition:
                tmp.setdefault(partition[v], []).append(v)
        groups = {c: tuple(tmp[c]) for c in sorted(tmp, key=lambda c: (c == OTHER, c))}
    if not include_other:
        groups = {c: m for c, m in groups.items() if c != OTHER}
    membership = {v: c for c, ms in groups.items() for v in ms}
    if not isinstance(partition, Partition):
        membership = {**{v: partition[v] for v in G if v in partition}, **membership}

    # interactions inside each community, and touching it
    total = 0.0
    inside: Counter = Counter()
    touching: Counter = Counter()
    for u, v, d in G.edges(data=True):
        n = d.get(count, 1)
        total += n
        cu, cv = membership.get(u), membership.get(v)
        if cu is not None and cu == cv:
            inside[cu] += n
            touching[cu] += n
        else:
            if cu is not None:
                touching[cu] += n
            if cv is not None:
                touching[cv] += n

    scores = _scores(G, ranking, weight)
    H = project_undirected(G, weight)  # H.degree(v): distinct actors v interacts with
    pc = _participation(H, membership)

    def name(v) -> str:
        return str(G.nodes[v].get("name") or v) if v in G else str(v)

    # posts per community
    texts: dict[Any, list[str]] = {c: [] for c in groups}
    rest: list[str] = []
    hashtags: dict[Any, Counter] = {c: Counter() for c in groups}
    domains: dict[Any, Counter] = {c: Counter() for c in groups}
    langs: dict[Any, Counter] = {c: Counter() for c in groups}
    best_posts: dict[Any, list] = {c: [] for c in groups}
    n_posts: Counter = Counter()
    if posts is not None:
        from .text import extract_domains, extract_hashtags

        node_of = author_nodes(G)
        for p in posts:
            c = membership.get(node_of.get(p.author, p.author))
            body = " | ".join(x for x in (p.title, p.text) if x)  # no phrase spans the two
            if c is None or c not in groups:
                rest.append(body)
                continue
            n_posts[c] += 1
            texts[c].append(body)
            hashtags[c].update(set(extract_hashtags(body)))
            domains[c].update(set(extract_domains(p.text or "")))
            if p.language:
                langs[c][p.language] += 1
            e = _engagement(p)
            if e > 0:
                best_posts[c].append((-e, p.id, p))
    terms: dict[Any, list] = {c: [] for c in groups}
    if posts is not None and any(texts.values()):
        from .text import top_terms

        docs: dict[Any, list[str]] = {("c", c): t for c, t in texts.items()}
        if rest:
            docs[("rest",)] = rest
        found = top_terms(docs, top=n_terms, languages=languages, ngrams=ngrams)
        terms = {c: found[("c", c)] for c in groups}

    out = []
    for c, members in groups.items():
        member_set = set(members)
        sub = G.subgraph(members)
        leaders = sorted((v for v in members if v in scores), key=lambda v: (-scores[v], str(v)))
        lead = tuple(CommunityMember(v, name(v), float(scores[v])) for v in leaders[:top])
        cand = [
            v for v in members
            if (ranking is None or v in scores) and H.degree(v) >= bridge_min_degree and pc.get(v, 0) > 0
        ]
        cand.sort(key=lambda v: (-pc[v], -H.degree(v), str(v)))
        bridges = tuple(CommunityMember(v, name(v), float(pc[v])) for v in cand[:top])
        tags = tuple(sorted(hashtags[c].items(), key=lambda kv: (-kv[1], kv[0]))[:top])
        doms = tuple(sorted(domains[c].items(), key=lambda kv: (-kv[1], kv[0]))[:top])
        best = sorted(best_posts[c], key=lambda x: (x[0], x[1]))[:top]
        top_posts = tuple(
            CommunityPost(p.id, p.author, -e, (p.text or p.title or "")[:200], p.url)
            for e, _, p in best
        )
        plats = Counter(
            str(G.nodes[v].get("platform") or str(v).partition(":")[0]) for v in member_set
        )
        n_lang = sum(langs[c].values())
        out.append(
            CommunitySummary(
                id=c,
                label=_label(terms[c], tags, lead, c),
                size=len(members),
                density=nx.density(sub) if len(members) > 1 else 0.0,
                interaction_share=inside[c] / total if total else 0.0,
                internal_share=inside[c] / touching[c] if touching[c] else 0.0,
                leaders=lead,
                bridges=bridges,
                hashtags=tags,
                terms=tuple(terms[c]),
                domains=doms,
                top_posts=top_posts,
                platforms=tuple(sorted(plats.items(), key=lambda kv: (-kv[1], kv[0]))),
                languages=tuple(
                    (k, n / n_lang) for k, n in sorted(langs[c].items(), key=lambda kv: (-kv[1], kv[0]))
                ),
                n_posts=n_posts[c],
            )
        )
    return out
