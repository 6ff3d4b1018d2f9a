"""detect_communities: parameter checks, projections, the networkx engines and the per-component
driver.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import networkx as nx
import numpy as np

from ..errors import ConfigError, EmptyGraphError
from ..validation import check_choice, check_number, check_whole
from ._consensus import consensus_partition
from ._networkit import budget_runs, graph_arrays, run_plm, sum_projection
from ._partition import ENGINES, METHODS, OTHER, PROJECTIONS, Partition, leiden_available

_RANDOMISED = ("louvain", "leiden", "label_propagation")


def _check_params(method, resolution, seed, min_size, runs, projection, engine="auto") -> None:
    check_choice("method", method, METHODS)
    check_choice("projection", projection, PROJECTIONS)
    check_choice("engine", engine, ENGINES)
    if engine == "networkit" and method != "louvain":
        raise ConfigError(f"engine 'networkit' runs Louvain only: use engine='networkx' for method={method!r}",
                          key="engine")
    check_number("resolution", resolution, 0.0, open_lo=True)
    check_whole("seed", seed, 0)
    check_whole("min_size", min_size, 1)
    check_whole("runs", runs, 1)
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
    return _project(G, weight, nx.Graph())


def _project_directed(G: nx.Graph, weight: str | None) -> nx.DiGraph:
    return _project(G, weight, nx.DiGraph())


def _project(G: nx.Graph, weight: str | None, H: nx.Graph) -> nx.Graph:
    """Fill the empty graph ``H`` with G's nodes and its edges' summed ``weight`` (1 per edge
    when None), self-loops dropped; an undirected ``H`` sums both directions."""
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
    nodes, src, dst, w = graph_arrays(G, weight)
    n = len(nodes)
    u, v, w = sum_projection(n, src, dst, w)
    if len(u) == 0:
        labels, modularity, made = np.arange(n), math.nan, 1
    else:
        labels, modularity, made = run_plm(n, u, v, w, seed=int(seed), resolution=float(resolution),
                                        runs=budget_runs(runs, len(u)), progress=progress)
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
        return find(G, s) if runs == 1 else consensus_partition(G, find, s, runs)

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
    from ..measures import GraphView

    _check_params(method, resolution, seed, min_size, runs, projection, engine)
    view = G if isinstance(G, GraphView) else None
    if (view.n if view is not None else G.number_of_nodes()) == 0:
        raise EmptyGraphError("no actors to group into communities: the graph is empty")
    is_directed = True if view is not None else G.is_directed()
    directed = projection == "directed" and is_directed
    if engine == "networkit" and directed:
        raise ConfigError("engine 'networkit' has no directed modularity: use projection='sum' or "
                          "engine='networkx'", key="engine")
    from ..progress import as_progress

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
