"""Live-edge worlds: sampled once, then the spread of any seed set is a batched BFS over their kept
edges.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ..diffusion import check_runs, ic_probabilities, make_rng
from ..errors import ConfigError
from ..validation import check_probability

if TYPE_CHECKING:
    pass
from ._audiences import frontier_edges, node_index
from ._blocks import relay_mask
from ._common import DEFAULT_RUNS, MODELS, check_option, graph_matrix

#: Bytes of "already reached" flags one batch of cascades may use.
BATCH_BYTES = 1 << 25
#: Live-edge worlds are held as a ``runs x edges`` boolean matrix up to this many bytes; beyond it
#: (200 worlds of a 5M-edge graph would take 1 GB) they are **implicit**: whether edge ``e`` is kept
#: in world ``r`` is a coin drawn from a counter-based hash of ``(seed, r, e)`` when a search
#: meets the edge, so worlds cost no memory and any world can be read in any order.
WORLD_BYTES = 1 << 28

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)


def hash_uniform(key: np.uint64, counter: np.ndarray) -> np.ndarray:
    """Uniform numbers in [0, 1), one per counter: the SplitMix64 output (Steele, Lea & Flood
    2014) at state ``key + (counter + 1) * golden``, so draw ``c`` of stream ``key`` is the same
    whatever order, batch or process reads it. ``counter`` is an array of non-negative ints."""
    x = (np.asarray(counter, dtype=np.uint64) + np.uint64(1)) * _GOLDEN + key
    x = (x ^ (x >> np.uint64(30))) * _MIX1
    x = (x ^ (x >> np.uint64(27))) * _MIX2
    x = x ^ (x >> np.uint64(31))
    return (x >> np.uint64(11)).astype(np.float64) * (1.0 / (1 << 53))


# -- live-edge worlds ------------------------------------------------------------------------------


def lt_weights(S) -> np.ndarray:
    """Linear Threshold weight of each stored entry of the spreading matrix ``S``
    (``S[v, u] = w(u -> v)``): ``w(u -> v) / sum_x w(u -> x)``, the share of u's attention that goes
    to v. The weights on every actor sum to 1 (0 for an actor who gives no attention)."""
    return ic_probabilities(S, None)  # the weighted cascade normalisation, read as LT weights


def edge_probabilities(S, model: str, p: float | None) -> np.ndarray:
    if model == "lt":
        if p is not None:
            raise ConfigError("p applies to the Independent Cascade model only (model='ic')", key="p")
        return lt_weights(S)
    return ic_probabilities(S, p)  # the same probabilities as evaluate.ic_spreading


class WorldPicker:
    """Draw, for actors, at most one entry of their group with probability its weight.

    ``group[e]`` is the group of entry ``e`` (an actor), ``w[e]`` its weight (summing to at most 1
    per group): the Linear Threshold live-edge draw, one uniform number per actor.
    """

    def __init__(self, group: np.ndarray, w: np.ndarray, n: int):
        self.order = np.argsort(group, kind="stable")  # entries grouped by actor
        g = group[self.order]
        self.cum = np.cumsum(w[self.order])
        self.start = np.searchsorted(g, np.arange(n), side="left")
        self.end = np.searchsorted(g, np.arange(n), side="right")
        self.base = np.concatenate([[0.0], self.cum])[self.start]  # cumulative weight before the group
        self.total = np.bincount(group, weights=w, minlength=n)

    def pick(self, actors: np.ndarray, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(ok, entry)``: whether each actor picked an entry with its uniform ``u``, and which."""
        ok = u < self.total[actors]
        a, uu = actors[ok], u[ok]
        j = np.searchsorted(self.cum, self.base[a] + uu, side="right")
        j = np.clip(j, self.start[a], self.end[a] - 1)  # float rounding at the group's edges
        return ok, self.order[j]


@dataclass(frozen=True)
class Worlds:
    """Sampled live-edge worlds of a reach model on one graph.

    Attributes
    ----------
    nodes : list
        Node ids; index ``i`` is ``nodes[i]``.
    S : scipy.sparse.csr_array
        The spreading matrix (``S[v, u] = w(u -> v)``).
    live : numpy.ndarray of bool or None
        ``runs x S.nnz``: whether each stored edge of S is kept in each world; None for implicit
        worlds (:data:`WORLD_BYTES`), whose coins :meth:`kept` draws when asked.
    params : dict
        ``p``, ``runs``, ``seed``, ``model``.
    """

    nodes: list
    S: Any
    live: np.ndarray | None
    params: dict = field(default_factory=dict)
    #: ``relay[i]``: whether ``nodes[i]`` passes on what reaches it from another actor (``None``:
    #: everyone does). A blocked actor is still reached and counted, and still spreads as a seed.
    relay: np.ndarray | None = None
    #: Implicit worlds (``live`` is None): the hash key of their coins and the edge probabilities
    #: (see :data:`WORLD_BYTES`).
    key: np.uint64 | None = None
    q: np.ndarray | None = None
    picker: WorldPicker | None = None  #: implicit Linear Threshold worlds: the draw per giver

    @property
    def runs(self) -> int:
        return int(self.live.shape[0]) if self.live is not None else int(self.params["runs"])

    def head(self, runs: int) -> Worlds:
        """The first ``runs`` worlds (all of them when there are fewer)."""
        if runs >= self.runs:
            return self
        live = self.live[:runs] if self.live is not None else None
        return Worlds(self.nodes, self.S, live, {**self.params, "runs": int(runs)}, self.relay, self.key, self.q,
                      self.picker)

    def kept(self, world: np.ndarray, edge: np.ndarray) -> np.ndarray:
        """Whether stored edge ``edge[j]`` of S is kept in world ``world[j]``."""
        if self.live is not None:
            return self.live.reshape(-1)[world * self.S.nnz + edge]
        if self.picker is not None:  # Linear Threshold: the giver's one uniform picks at most one edge
            giver = self.S.indices[edge].astype(np.int64)
            ok, entry = self.picker.pick(giver, hash_uniform(self.key, world * self.S.shape[0] + giver))
            out = np.zeros(edge.size, dtype=bool)
            out[ok] = entry == edge[ok]
            return out
        return hash_uniform(self.key, world * self.S.nnz + edge) < self.q[edge]

    def reach_keys(self, sources: Sequence[int]) -> list[np.ndarray]:
        """For each source index, the sorted keys ``world * n + node`` of what it reaches."""
        return reach_keys(self, np.asarray(sources, dtype=np.int64))


def sample_worlds(G, *, p: float | None = None, runs: int = DEFAULT_RUNS, seed=0, model: str = "ic",
                  no_relay: Mapping | Iterable | None = None, implicit: bool | None = None) -> Worlds:
    """Sample ``runs`` live-edge worlds of the Independent Cascade or Linear Threshold model.

    Parameters
    ----------
    G : networkx.Graph or GraphView
    p : float, optional
        IC only: per-interaction probability (``1 - (1 - p) ** w`` per edge); default the
        weighted cascade of :func:`influence.evaluate.ic_spreading`.
    runs : int, default=1000
    seed : int or numpy Generator, default=0
    model : {"ic", "lt"}, default="ic"
        ``"lt"``: every actor keeps at most one edge, ``v -> u`` with probability
        :func:`lt_weights` (the Linear Threshold model's live-edge form).
    no_relay : mapping or iterable, optional
        Actors who do not pass on what reaches them (see :func:`relay_blocks`); default
        ``relay_blocks(G)``, the competitors. ``()`` lets everyone relay.
    implicit : bool, optional
        Keep no ``live`` matrix: each coin is a hash of ``(seed, world, edge)``, drawn when a
        search meets the edge (other draws than the matrix's, of the same model). Default: only
        when the matrix would exceed :data:`WORLD_BYTES`.

    Examples
    --------
    >>> import networkx as nx
    >>> W = sample_worlds(nx.DiGraph([("a", "b"), ("c", "b")]), runs=4, seed=0)
    >>> W.live.shape, bool(W.live.all())    # weighted cascade: each giver's only edge has q = 1
    ((4, 2), True)
    >>> W = sample_worlds(nx.DiGraph([("a", "b"), ("a", "c")]), runs=1000, seed=0, model="lt")
    >>> bool((W.live.sum(axis=1) == 1).all())    # a keeps exactly one of its two edges
    True
    """
    if p is not None:
        p = check_probability("p", p)
    runs = check_runs(runs)
    model = check_option("model", model, MODELS)
    rng = make_rng(seed)
    nodes, S = graph_matrix(G)
    q = edge_probabilities(S, model, p)
    relay, blocked = relay_mask(G, nodes, no_relay)
    params = {"model": model, "p": p, "runs": runs,
              "seed": seed if not isinstance(seed, np.random.Generator) else None, "no_relay": blocked}
    if implicit is None:
        implicit = runs * S.nnz > WORLD_BYTES
    if implicit:
        key = np.uint64(rng.integers(0, 1 << 63, dtype=np.uint64))
        picker = WorldPicker(S.indices.astype(np.int64), q, S.shape[0]) if model == "lt" else None
        return Worlds(nodes, S, None, {**params, "implicit": True}, relay, key, q, picker)
    live = np.zeros((runs, S.nnz), dtype=bool)
    if model == "ic":
        step = max(1, (1 << 22) // max(S.nnz, 1))
        for r in range(0, runs, step):
            m = min(step, runs - r)
            live[r:r + m] = rng.random((m, S.nnz)) < q
    elif S.nnz:
        n = S.shape[0]
        picker = WorldPicker(S.indices.astype(np.int64), q, n)  # grouped by giver u (the column)
        givers = np.flatnonzero(picker.total > 0)
        for r in range(runs):
            _, entry = picker.pick(givers, rng.random(len(givers)))
            live[r, entry] = True
    return Worlds(nodes, S, live, params, relay)


def distinct(a: np.ndarray) -> np.ndarray:
    """Sorted distinct values of an int array: a sort and a mask (numpy's hash-based ``unique`` is
    several times slower on the tens of millions of keys of a large cascade)."""
    a = np.sort(a)
    return a[np.r_[True, a[1:] != a[:-1]]] if a.size else a


def reach_keys(W: Worlds, sources: np.ndarray, batch_bytes: int = BATCH_BYTES) -> list[np.ndarray]:
    """Batched BFS over the kept edges of every world from every source (cf. diffusion.cascade)."""
    S = W.S
    n = S.shape[0]
    R = W.runs
    indptr = S.indptr.astype(np.int64)
    indices = S.indices.astype(np.int64)
    out_deg = np.diff(indptr)
    relay = W.relay
    out: list[np.ndarray] = []
    # sources per batch: the "reached" flags fit batch_bytes, and the frontier's edges (a few int64
    # arrays of that length) about batch_bytes / 2 entries, measured on the first source
    per_flags = max(1, batch_bytes // max(n * R, 1))
    per = 1
    start = 0
    while start < len(sources):
        src = sources[start:start + per]
        start += len(src)
        b = len(src) * R
        widest = 0
        reached = np.zeros(b * n, dtype=bool)
        f_sims = np.arange(b, dtype=np.int64)
        f_nodes = np.repeat(src, R)
        keys = f_sims * n + f_nodes
        reached[keys] = True
        touched = [keys]
        while f_nodes.size:
            edge, sims = frontier_edges(indptr, out_deg, f_nodes, f_sims)
            widest = max(widest, edge.size)
            hit = W.kept(sims % R, edge)
            new = sims[hit] * n + indices[edge[hit]]
            new = distinct(new[~reached[new]])
            reached[new] = True
            touched.append(new)
            f_sims = new // n
            f_nodes = new - f_sims * n
            if relay is not None:  # reached and counted, but a blocked actor passes nothing on
                f_sims, f_nodes = f_sims[relay[f_nodes]], f_nodes[relay[f_nodes]]
        allk = np.concatenate(touched)
        sim = allk // n
        node = allk - sim * n
        who = sim // R
        gkey = (sim % R) * n + node
        order = np.lexsort((gkey, who))
        who, gkey = who[order], gkey[order]
        cuts = np.searchsorted(who, np.arange(1, len(src)))
        out.extend(np.split(gkey, cuts))
        per = max(1, min(per_flags, (batch_bytes // 2) * len(src) // max(widest, 1)))
    return out


def spread(G, seeds: Iterable, *, worlds: Worlds | None = None, p: float | None = None,
           runs: int = DEFAULT_RUNS, seed=0, model: str = "ic",
           no_relay: Mapping | Iterable | None = None) -> float:
    """Expected number of actors reached by a set of seeds (the seeds counted).

    Parameters
    ----------
    G : networkx.Graph or GraphView
    seeds : iterable of node ids
    worlds : Worlds, optional
        Reuse sampled worlds (common random numbers across sets); else sampled with ``p``,
        ``runs``, ``seed``, ``model`` and ``no_relay`` (see :func:`sample_worlds`).

    Examples
    --------
    >>> import networkx as nx
    >>> path = nx.DiGraph([("b", "a"), ("c", "b"), ("d", "c")])
    >>> spread(path, ["a"], p=1.0, runs=5), spread(path, ["a", "c"], p=1.0, runs=5)
    (4.0, 4.0)
    """
    W = worlds if worlds is not None else sample_worlds(G, p=p, runs=runs, seed=seed, model=model,
                                                        no_relay=no_relay)
    idx = node_index(W.nodes, dict.fromkeys(seeds))
    if not len(idx):
        return 0.0
    return union_reach(W, idx) / W.runs


def union_reach(W: Worlds, idx: np.ndarray, batch_bytes: int = 1 << 27) -> int:
    """Total (world, actor) pairs reached from the seeds ``idx``: one BFS per world from all the
    seeds at once (memory: one flag per actor per world of a batch, not per seed)."""
    S = W.S
    n, R = S.shape[0], W.runs
    indptr = S.indptr.astype(np.int64)
    indices = S.indices.astype(np.int64)
    out_deg = np.diff(indptr)
    per = max(1, batch_bytes // max(n, 1))  # worlds per batch
    total = 0
    for r0 in range(0, R, per):
        b = min(per, R - r0)
        reached = np.zeros(b * n, dtype=bool)
        f_sims = np.repeat(np.arange(b, dtype=np.int64), len(idx))
        f_nodes = np.tile(idx, b)
        reached[f_sims * n + f_nodes] = True
        while f_nodes.size:
            edge, sims = frontier_edges(indptr, out_deg, f_nodes, f_sims)
            hit = W.kept(sims + r0, edge)
            new = sims[hit] * n + indices[edge[hit]]
            new = distinct(new[~reached[new]])
            reached[new] = True
            f_sims = new // n
            f_nodes = new - f_sims * n
            if W.relay is not None:
                f_sims, f_nodes = f_sims[W.relay[f_nodes]], f_nodes[W.relay[f_nodes]]
        total += int(np.count_nonzero(reached))
    return total


def upper_bound(G, seeds: Sequence, *, worlds: Worlds, candidates: Iterable | None = None) -> float:
    """An upper bound on the expected reach of *any* ``len(seeds)`` candidates, on ``worlds``.

    For a submodular spread, ``reach(T) <= reach(S) + sum of the |T| largest marginal gains over
    S`` for every set T (Leskovec et al. 2007, eq. 5): how far from the best set a given set (e.g.
    the greedy picks) can at most be, on the same worlds.

    Parameters
    ----------
    G : networkx.Graph or GraphView
    seeds : sequence of node ids
    worlds : Worlds
    candidates : iterable, optional
        The actors T may be drawn from (default: every node).

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.DiGraph([(u, "x") for u in "abc"] + [("d", "y")])
    >>> W = sample_worlds(G, p=1.0, runs=3)
    >>> upper_bound(G, ["y"], worlds=W)    # reach of {y} = 2, plus x's gain of 4
    6.0
    """
    k = len(seeds)
    base_idx = node_index(worlds.nodes, dict.fromkeys(seeds))
    cand = node_index(worlds.nodes, candidates) if candidates is not None else np.arange(len(worlds.nodes))
    n, R = len(worlds.nodes), worlds.runs
    covered = np.zeros(R * n, dtype=bool)
    if len(base_idx):
        covered[np.concatenate(worlds.reach_keys(base_idx))] = True
    gains = []
    chunk = 256
    for s in range(0, len(cand), chunk):
        for keys in worlds.reach_keys(cand[s:s + chunk]):
            gains.append(int(np.count_nonzero(~covered[keys])))
    top = sorted(gains, reverse=True)[:k]
    return float((np.count_nonzero(covered) + sum(top)) / R)
