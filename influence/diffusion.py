"""The diffusion engine: SIR and Independent Cascade simulated over a spreading matrix.

Shared by :mod:`influence.evaluate` (spreading power as a ground truth) and
:mod:`influence.reach` (live-edge worlds and reverse-reachable sets use the same spreading matrix,
edge probabilities and random streams).

Direction
---------
An interaction ``u -> v`` means *u gives attention to v* (see :mod:`influence.records`): v is the
one who can influence u. Spreading therefore runs **along reversed edges**: an infected v infects
the actors who gave it attention. An undirected graph spreads both ways. :func:`spreading_matrix`
builds that reversed matrix once.

The two processes
-----------------
SIR (susceptible-infected-recovered), discrete time
    The source starts infected. At each step, every infected actor infects each susceptible
    neighbour (in the spreading direction) with probability ``beta``, then recovers with
    probability ``gamma`` (default 1: infectious for exactly one step). The spreading power of an
    actor is the mean final number of recovered actors, the source included, so it is at least 1.
    ``beta`` is usually given relative to the epidemic threshold of the graph,
    ``beta = beta_factor * epidemic_threshold(G)`` (see :func:`epidemic_threshold`). The
    simulation is unweighted by default; with ``weight=`` an edge carrying ``w`` interactions
    transmits at each step with probability ``1 - (1 - beta) ** w``.
Independent Cascade (IC)
    The source starts active; each newly activated actor gets one chance to activate each of its
    neighbours, with a probability per edge (:func:`ic_probabilities`). By default (``p=None``)
    the probability is the *weighted cascade* of Kempe, Kleinberg & Tardos: v activates u with
    probability ``w(u -> v) / sum_x w(u -> x)``, the share of u's attention that goes to v. With
    a number ``p``, each of the ``w`` interactions of an edge is an independent chance ``p``:
    ``1 - (1 - p) ** w`` (``p`` itself on unweighted graphs).

Both are simulated as cascades over a CSR matrix (:func:`cascade`): at each step, the out-edges
of all the active (actor, run) pairs of a batch of runs are expanded at once and tried with one
vector of random draws. SIR with recovery probability ``gamma`` is simulated exactly (for its
final size) by giving each infected actor a geometric infectious period ``D`` and each of its
edges the chance ``1 - (1 - beta) ** D`` (bond percolation with per-node durations, as in Kenah &
Robins 2007). :func:`_sir_python` is a step-by-step pure-Python reference used in the tests.

Public interface
----------------
:func:`sir_spreading`, :func:`ic_spreading`, :func:`epidemic_threshold` for users; for the other
analyses: :func:`make_rng`, :func:`spreading_matrix`, :func:`ic_probabilities`,
:func:`check_runs`, :func:`source_index`, :func:`cascade`, :func:`simulate_sir` and
:func:`simulate_ic` (which also return what the manifest records).

References
----------
.. [1] M. E. J. Newman, S. H. Strogatz, D. J. Watts, "Random graphs with arbitrary degree
   distributions and their applications", Phys. Rev. E 64 (2001) 026118.
   doi:10.1103/PhysRevE.64.026118
.. [2] D. Kempe, J. Kleinberg, E. Tardos, "Maximizing the spread of influence through a social
   network", KDD 2003. doi:10.1145/956750.956769
.. [3] E. Kenah, J. M. Robins, "Second look at the spread of epidemics on networks",
   Phys. Rev. E 76 (2007) 036113. doi:10.1103/PhysRevE.76.036113
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import numpy as np

from .errors import ConfigError
from .validation import check_number, check_probability, check_seed, check_whole

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "ProgressFn",
    "BATCH_BYTES",
    "epidemic_threshold",
    "sir_spreading",
    "ic_spreading",
    "simulate_sir",
    "simulate_ic",
    "make_rng",
    "spreading_matrix",
    "matrix_threshold",
    "ic_probabilities",
    "relay_mask",
    "resolve_beta",
    "check_runs",
    "source_index",
    "cascade",
    "is_certain",
    "bernoulli_successes",
]

#: Bytes of "already reached" flags a batch of simulations may use (one byte per actor per run).
BATCH_BYTES = 1 << 25

#: ``progress(done, total)``, called after each batch of simulations.
ProgressFn = Callable[[int, int], None]


def make_rng(seed) -> np.random.Generator:
    """A numpy Generator from ``seed`` (a whole number >= 0, None, or a Generator, used as is)."""
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(check_seed("seed", seed))


def spreading_matrix(G: nx.Graph, weight: str | None):
    """``(nodes, S)``: S[i, j] > 0 when i can pass influence to j (reversed attention edges),
    holding the summed edge weights (1 per edge when ``weight`` is None); no self-loops."""
    import networkx as nx
    import scipy.sparse as sp

    nodes = list(G)
    n = len(nodes)
    if n == 0:
        return nodes, sp.csr_array((0, 0))
    A = nx.to_scipy_sparse_array(G, nodelist=nodes, weight=weight, dtype=float, format="coo")
    keep = A.row != A.col
    row, col, data = A.row[keep], A.col[keep], A.data[keep]
    if weight is None:
        data = np.ones_like(data)
    elif data.size and (not np.isfinite(data).all() or data.min() < 0):
        raise ConfigError(f"edge attribute {weight!r} must be finite and >= 0 for spreading",
                          key="weight")
    if G.is_directed():
        row, col = col, row  # v -> u: the target of attention influences its giver
    S = sp.csr_array((data, (row, col)), shape=(n, n))
    S.sum_duplicates()
    S.sort_indices()
    return nodes, S


def epidemic_threshold(G: nx.Graph) -> float:
    """The degree-based mean-field SIR epidemic threshold of a graph.

    ``beta_c = <k> / (<k_in * k_out> - r)``, where ``k_in`` and ``k_out`` are the unweighted in-
    and out-degrees in the spreading direction, ``<k>`` the mean degree (edges per actor) and ``r``
    the number of reciprocated edges per actor. This is the bond-percolation threshold of a
    directed configuration model (Newman, Strogatz & Watts 2001) with the non-backtracking
    correction: the infection never goes straight back to the actor it came from, so an edge whose
    reverse exists leads to one fewer new actor. For an undirected graph (every edge reciprocated,
    ``k_in = k_out = k``) it is the usual ``<k> / (<k^2> - <k>)``; for a directed graph without
    reciprocal edges it is ``<k> / <k_in * k_out>``. Both products are symmetric in the two
    directions, so the value is the same whether spreading follows the edges or, as here, runs
    against them. Self-loops and edge weights are ignored.

    Parameters
    ----------
    G : networkx.Graph or DiGraph

    Returns
    -------
    float
        ``inf`` when no actor can both receive and pass on along a new edge (nothing can spread
        beyond one step in the mean-field picture).

    Examples
    --------
    >>> import networkx as nx
    >>> epidemic_threshold(nx.cycle_graph(5))      # 2 / (4 - 2)
    1.0
    >>> round(epidemic_threshold(nx.complete_graph(5)), 4)   # 4 / (16 - 4)
    0.3333
    >>> epidemic_threshold(nx.DiGraph([(1, 2), (2, 3), (3, 1)]))   # 1 / 1
    1.0
    """
    return matrix_threshold(spreading_matrix(G, None)[1])


def matrix_threshold(S) -> float:
    """:func:`epidemic_threshold` of a spreading matrix (only its pattern is used)."""
    if S.nnz == 0:
        return math.inf
    S = S.copy()
    S.data = np.ones_like(S.data)
    k_out = np.diff(S.indptr).astype(float)
    k_in = np.bincount(S.indices, minlength=S.shape[0]).astype(float)
    reciprocated = float(S.multiply(S.T).nnz)
    den = float(k_in @ k_out) - reciprocated
    return float(S.nnz / den) if den > 0 else math.inf


def check_runs(runs) -> int:
    """``runs`` as an int >= 1, or :class:`ConfigError`."""
    return check_whole("runs", runs, 1)


def source_index(nodes: list, which: Iterable | None, *, what: str = "node",
                 key: str = "nodes") -> np.ndarray:
    """Positions in ``nodes`` of the actors ``which`` (all when None), or :class:`ConfigError`
    (``<what> 'x' is not in the graph``, naming ``key``) for one that is not there."""
    if which is None:
        return np.arange(len(nodes))
    pos = {v: i for i, v in enumerate(nodes)}
    out = []
    for v in which:
        if v not in pos:
            raise ConfigError(f"{what} {v!r} is not in the graph", key=key)
        out.append(pos[v])
    return np.asarray(out, dtype=np.int64)


def cascade(S, q: np.ndarray, sources: np.ndarray, runs: int, rng: np.random.Generator, *,
             gamma: float = 1.0, progress: ProgressFn | None = None, relay: np.ndarray | None = None,
             batch_bytes: int = BATCH_BYTES) -> np.ndarray:
    """Mean final size of cascades started at each of ``sources`` (prior validation assumed).

    ``S`` is the CSR spreading matrix, ``q[e]`` the per-step transmission probability of its
    e-th stored edge. Each simulation is one (source, run) pair; a batch of them shares a flat
    boolean "reached" array indexed ``sim * n + node`` and advances all frontiers at once.
    ``relay[i]`` False: actor i is reached and counted but passes nothing on (unless a source).
    """
    n = S.shape[0]
    indptr = S.indptr.astype(np.int64)
    indices = S.indices.astype(np.int64)
    out_deg = np.diff(indptr)
    sizes = np.ones(len(sources))
    todo = np.flatnonzero(out_deg[sources] > 0)  # an actor nobody listens to reaches only itself
    total = len(todo) * runs
    if total == 0 or not q.size or q.max() <= 0:
        if progress is not None:
            progress(total, total)
        return sizes
    if is_certain(q, gamma):
        runs = 1  # every edge transmits: the cascade is the reachable set, the same in every run
        total = len(todo)
    uniform = float(q[0])
    skip = gamma >= 1.0 and uniform < 0.5 and bool(np.all(q == uniform))
    batch = max(1, min(total, batch_bytes // max(n, 1)))
    reached = np.zeros(batch * n, dtype=bool)
    sums = np.zeros(len(todo))
    for start in range(0, total, batch):
        sims = np.arange(start, min(start + batch, total))
        b = len(sims)
        local = np.arange(b, dtype=np.int64)
        f_nodes = sources[todo[sims // runs]].astype(np.int64)
        f_sims = local
        keys = f_sims * n + f_nodes
        reached[keys] = True
        touched = [keys]
        size = np.ones(b)
        while f_nodes.size:
            deg = out_deg[f_nodes]
            live = deg > 0
            if not live.all():
                f_nodes, f_sims, deg = f_nodes[live], f_sims[live], deg[live]
                if not f_nodes.size:
                    break
            tries = int(deg.sum())
            ends = np.cumsum(deg)
            first = indptr[f_nodes] - (ends - deg)  # edge position = first[item] + try number
            if skip:
                # the same chance on every edge: jump from success to success with geometric
                # gaps, so the cost follows the transmissions, not the edges tried
                pos = bernoulli_successes(rng, uniform, tries)
                item = np.searchsorted(ends, pos, side="right")
                new = f_sims[item] * n + indices[first[item] + pos]
            else:
                # positions in `indices` of every out-edge of every frontier (actor, run) pair
                edge = np.repeat(first, deg) + np.arange(tries)
                p = q[edge]
                if gamma < 1.0:
                    # infectious for D ~ Geometric(gamma) steps: D chances on each edge
                    d = rng.geometric(gamma, size=len(f_nodes))
                    p = 1.0 - (1.0 - p) ** np.repeat(d, deg)
                hit = rng.random(tries) < p
                new = np.repeat(f_sims, deg)[hit] * n + indices[edge[hit]]
            new = np.sort(new[~reached[new]])
            if new.size > 1:  # drop actors reached twice in the same step (sort-based unique)
                new = new[np.r_[True, new[1:] != new[:-1]]]
            reached[new] = True
            touched.append(new)
            f_sims = new // n
            f_nodes = new - f_sims * n
            size += np.bincount(f_sims, minlength=b)
            if relay is not None:
                f_sims, f_nodes = f_sims[relay[f_nodes]], f_nodes[relay[f_nodes]]
        reached[np.concatenate(touched)] = False
        np.add.at(sums, sims // runs, size)
        if progress is not None:
            progress(int(sims[-1]) + 1, total)
    sizes[todo] = sums / runs
    return sizes


def is_certain(q: np.ndarray, gamma: float) -> bool:
    """True when a cascade's outcome has no chance in it: no edge can transmit, or every edge
    transmits at the first try. One run then gives the exact answer (:func:`cascade` runs once)."""
    return not q.size or float(q.max()) <= 0.0 or (gamma >= 1.0 and float(q.min()) >= 1.0)


def bernoulli_successes(rng: np.random.Generator, p: float, n: int) -> np.ndarray:
    """Sorted positions of the successes among ``n`` independent Bernoulli(``p``) trials, drawn
    as cumulative geometric gaps (``O(p n)`` draws instead of ``n``)."""
    out = []
    last = -1
    while True:
        expect = p * (n - 1 - last)
        m = int(expect + 4.0 * math.sqrt(expect) + 16)
        pos = last + np.cumsum(rng.geometric(p, size=m))
        if pos[-1] >= n:
            out.append(pos[pos < n])
            break
        out.append(pos)
        last = int(pos[-1])
    return np.concatenate(out) if len(out) > 1 else out[0]


def sir_spreading(
    G: nx.Graph,
    *,
    beta: float | None = None,
    beta_factor: float = 1.5,
    gamma: float = 1.0,
    runs: int = 100,
    nodes: Iterable | None = None,
    weight: str | None = None,
    seed=0,
    progress: ProgressFn | None = None,
) -> dict:
    """Spreading power of each actor under a discrete-time SIR process (see the module notes).

    Parameters
    ----------
    G : networkx.Graph or DiGraph
        Edges ``u -> v`` mean u gives attention to v; infection runs from v to u.
    beta : float, optional
        Per-step infection probability, in [0, 1]. Default: ``beta_factor`` times
        :func:`epidemic_threshold` (capped at 1).
    beta_factor : float, default=1.5
        Used when ``beta`` is not given. Slightly above 1 is the usual choice: below the
        threshold every outbreak stays local, well above it every actor reaches the same giant
        outbreak and the ranking is blurred.
    gamma : float, default=1.0
        Recovery probability per step, in (0, 1].
    runs : int, default=100
        Simulations per source actor.
    nodes : iterable, optional
        Source actors to estimate (default: all).
    weight : str, optional
        Edge attribute with interaction counts: an edge of weight ``w`` transmits with
        probability ``1 - (1 - beta) ** w`` per step. Default: unweighted.
    seed : int, numpy Generator or None, default=0
        Pass an int for reproducible output across calls.
    progress : callable, optional
        Called as ``progress(done, total)`` (simulations) after each batch.

    Returns
    -------
    dict
        ``{actor: mean outbreak size}``, the source counted, so every value is >= 1.

    Examples
    --------
    >>> import networkx as nx
    >>> star = nx.DiGraph([(leaf, "hub") for leaf in range(5)])   # everyone listens to the hub
    >>> power = sir_spreading(star, beta=0.5, runs=2000, seed=1)
    >>> power[0], round(power["hub"], 1)                        # a leaf reaches only itself
    (1.0, 3.5)
    >>> sir_spreading(star, beta=0.0, runs=3)["hub"]
    1.0
    """
    return simulate_sir(G, beta=beta, beta_factor=beta_factor, gamma=gamma, runs=runs, nodes=nodes,
                weight=weight, seed=seed, progress=progress)[0]


def simulate_sir(G, *, beta, beta_factor, gamma, runs, nodes, weight, seed, progress):
    """:func:`sir_spreading`, also returning the beta used, the threshold (or None) and the
    number of runs simulated (1 when the outcome is certain, see :func:`is_certain`)."""
    check_number("gamma", gamma, 0.0, 1.0, open_lo=True)
    runs = check_runs(runs)
    rng = make_rng(seed)
    order, S = spreading_matrix(G, weight)
    beta, thr = resolve_beta(S, beta, beta_factor)
    src = source_index(order, nodes)
    q = np.full(S.nnz, beta) if weight is None else 1.0 - (1.0 - beta) ** S.data
    sizes = cascade(S, q, src, runs, rng, gamma=float(gamma), progress=progress)
    used = 1 if is_certain(q, float(gamma)) else runs
    return {order[i]: float(s) for i, s in zip(src.tolist(), sizes.tolist())}, beta, thr, used


def ic_spreading(
    G: nx.Graph,
    *,
    p: float | None = None,
    runs: int = 100,
    nodes: Iterable | None = None,
    weight: str | None = "weight",
    seed=0,
    progress: ProgressFn | None = None,
    no_relay: Iterable | None = None,
) -> dict:
    """Spreading power of each actor under the Independent Cascade model (see the module notes).

    Parameters
    ----------
    G : networkx.Graph or DiGraph
        Edges ``u -> v`` mean u gives attention to v; activation runs from v to u.
    p : float, optional
        Per-interaction activation probability: an edge of weight ``w`` activates with
        ``1 - (1 - p) ** w``. Default (``None``): the weighted cascade, ``w(u -> v)`` divided by
        u's total attention given.
    runs : int, default=100
    nodes : iterable, optional
        Source actors to estimate (default: all).
    weight : str or None, default="weight"
        Edge attribute (missing = 1); ``None`` treats every edge as one interaction.
    seed : int, numpy Generator or None, default=0
    progress : callable, optional
        ``progress(done, total)`` after each batch of simulations.
    no_relay : iterable, optional
        Actors who are activated and counted but pass nothing on (except as the source), as
        :func:`influence.reach.relay_blocks` explains: a brand replying to a customer is not the
        customer's audience. Default: the competitors (node attribute ``is_competitor`` or
        ``competitor``); ``()`` lets everyone relay.

    Returns
    -------
    dict
        ``{actor: mean number of actors activated}``, the source counted.

    Examples
    --------
    On a path ``d -> c -> b -> a`` (d listens to c, c to b ...), a started at the head of the
    chain activates b, c, d with the products of the edge probabilities:

    >>> import networkx as nx
    >>> path = nx.DiGraph([("b", "a"), ("c", "b"), ("d", "c")])
    >>> exact = 1 + 0.5 + 0.5 ** 2 + 0.5 ** 3
    >>> abs(ic_spreading(path, p=0.5, runs=20000, seed=3)["a"] - exact) < 0.03
    True
    """
    return simulate_ic(G, p=p, runs=runs, nodes=nodes, weight=weight, seed=seed, progress=progress,
               no_relay=no_relay)[0]


def relay_mask(G, order: list, no_relay: Iterable | None) -> np.ndarray | None:
    """``relay[i]``: whether ``order[i]`` passes influence on (None: everyone); ``no_relay`` None
    means the graph's competitors (see :func:`ic_spreading`)."""
    if no_relay is None:
        blocked = {v for v, d in G.nodes(data=True) if d.get("is_competitor") or d.get("competitor")}
    else:
        blocked = set(no_relay)
    relay = np.fromiter((v not in blocked for v in order), dtype=bool, count=len(order))
    return None if relay.all() else relay


def simulate_ic(G, *, p, runs, nodes, weight, seed, progress, no_relay=None):
    """:func:`ic_spreading`, also returning the number of runs simulated (1 when certain)."""
    if p is not None:
        p = check_probability("p", p)
    runs = check_runs(runs)
    rng = make_rng(seed)
    order, S = spreading_matrix(G, weight)
    src = source_index(order, nodes)
    q = ic_probabilities(S, p)
    sizes = cascade(S, q, src, runs, rng, progress=progress, relay=relay_mask(G, order, no_relay))
    used = 1 if is_certain(q, 1.0) else runs
    return {order[i]: float(s) for i, s in zip(src.tolist(), sizes.tolist())}, used


def ic_probabilities(S, p: float | None) -> np.ndarray:
    """Independent Cascade probability of each stored entry of the spreading matrix ``S``
    (``S[v, u] = w(u -> v)``): with ``p``, ``1 - (1 - p) ** w``; without, the weighted cascade,
    ``w(u -> v)`` over u's attention given (the column sum of S)."""
    if p is None:
        given = np.bincount(S.indices, weights=S.data, minlength=S.shape[0])
        q = np.divide(S.data, given[S.indices], out=np.zeros_like(S.data, dtype=float),
                      where=given[S.indices] > 0)
    else:
        q = 1.0 - (1.0 - p) ** S.data
    return np.clip(q, 0.0, 1.0)


def resolve_beta(S, beta, beta_factor) -> tuple[float, float | None]:
    if beta is not None:
        return check_probability("beta", beta), None
    check_number("beta_factor", beta_factor, 0.0)
    thr = matrix_threshold(S)
    return min(1.0, beta_factor * thr) if math.isfinite(thr) else 1.0, thr


def _sir_python(G: nx.Graph, source, *, beta: float, gamma: float = 1.0, runs: int = 100,
                seed: int = 0) -> float:
    """Step-by-step reference SIR (infected set, then recoveries), unweighted, for the tests."""
    import random

    rnd = random.Random(seed)
    if G.is_directed():
        nbrs = {v: [u for u in G.predecessors(v) if u != v] for v in G}
    else:
        nbrs = {v: [u for u in G.neighbors(v) if u != v] for v in G}
    total = 0
    for _ in range(runs):
        infected, recovered = {source}, set()
        while infected:
            new = set()
            for v in infected:
                for u in nbrs[v]:
                    if u not in infected and u not in recovered and rnd.random() < beta:
                        new.add(u)
            still = {v for v in infected if rnd.random() >= gamma}
            recovered |= infected - still
            infected = still | new
        total += len(recovered)
    return total / runs
