"""Reach-aware selection: audiences, their overlap, and the set of actors that reaches the most.

Top-k by score often picks actors who talk to the same people. This module picks the set that,
together, reaches the most distinct actors.

Audiences
---------
An actor's **audience** is the set of actors who give it attention (its in-edges, see
:mod:`influence.records`), each weighted by the edge ``weight`` (interaction kind weights and time
decay, as :func:`influence.build_graph` sets it). Followers are not used: a follower count says how
many, not who. Two audiences overlap by their **Jaccard** index ``|A & B| / |A | B|`` and by the
**weighted Jaccard** ``sum min(a, b) / sum max(a, b)`` over the attention weights
(:func:`overlap`, :func:`overlap_matrix`).

Reach model
-----------
Independent Cascade on reversed edges, as in :func:`influence.evaluate.ic_spreading` (same
spreading matrix, same probabilities): an active actor v activates each actor u who gave it
attention with the **weighted cascade** probability ``w(u -> v) / sum_x w(u -> x)`` (u's share of
attention that goes to v), or with ``p=``, ``1 - (1 - p) ** w``. It is simulated with **live-edge
worlds** (Kempe, Kleinberg & Tardos 2003): each of ``runs`` worlds keeps every edge independently
with its probability, and the reach of a set in a world is everything reachable from the set along
kept edges. The expected reach (the seeds counted) is the mean over the worlds. All sets are
scored on the *same* worlds (common random numbers), so differences between sets are not noise of
the draw and every result is deterministic for a ``seed``.

Selection
---------
:func:`select_reach` maximises the expected unique reach greedily, with lazy evaluation (CELF,
Leskovec et al. 2007; the spread is submodular, so a stale marginal gain is an upper bound). The
candidates are the top ``pool`` (default :data:`DEFAULT_POOL` = 200) actors of the default ranking,
minus competitors (node attribute ``is_competitor``) and **bot-like** accounts
(:func:`is_bot_like`: followers known and at most :data:`BOT_MAX_FOLLOWERS`, attention given to
at least :data:`BOT_MIN_GIVEN` distinct actors, and attention received from at most
:data:`BOT_MAX_GIVERS`). Each pick reports its marginal gain, the cumulative expected reach and
its overlap with the previous picks (the share of its own expected reach they already reach).

References
----------
.. [1] D. Kempe, J. Kleinberg, E. Tardos, "Maximizing the spread of influence through a social
   network", KDD 2003. doi:10.1145/956750.956769
.. [2] J. Leskovec et al., "Cost-effective outbreak detection in networks", KDD 2007.
   doi:10.1145/1281192.1281239

Examples
--------
>>> import networkx as nx
>>> G = nx.DiGraph([(f"a{i}", "hub1") for i in range(4)] + [(f"b{i}", "hub2") for i in range(3)])
>>> res = select_reach(G, 2, p=1.0, runs=10, seed=0)
>>> [(x.actor, x.marginal_gain, x.expected_reach) for x in res.picks]
[('hub1', 5.0, 5.0), ('hub2', 4.0, 9.0)]
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import ConfigError
from .evaluate import _check_prob, _check_runs, _ic_probabilities, _rng, _spreading_matrix

if TYPE_CHECKING:
    from .config import RankingConfig
    from .ranking import RankingResult

__all__ = [
    "BOT_MAX_FOLLOWERS",
    "BOT_MAX_GIVERS",
    "BOT_MIN_GIVEN",
    "DEFAULT_POOL",
    "DEFAULT_RUNS",
    "Overlap",
    "ReachPick",
    "ReachResult",
    "Worlds",
    "audience",
    "is_bot_like",
    "overlap",
    "overlap_matrix",
    "sample_worlds",
    "select_reach",
    "spread",
]

#: Candidates considered by :func:`select_reach`: the top of the default ranking.
DEFAULT_POOL = 200
#: Live-edge worlds simulated by default.
DEFAULT_RUNS = 200
#: Bot-like: followers known and at most this many ...
BOT_MAX_FOLLOWERS = 1
#: ... attention given to at least this many distinct actors ...
BOT_MIN_GIVEN = 20
#: ... and attention received from at most this many.
BOT_MAX_GIVERS = 1

#: Bytes of "already reached" flags one batch of cascades may use.
_BATCH_BYTES = 1 << 25


# -- graph access ----------------------------------------------------------------------------------


def _matrix(G) -> tuple[list, Any]:
    """``(nodes, S)``: the spreading matrix of :mod:`influence.evaluate` (``S[v, u] = w(u -> v)``,
    no self-loops) of a networkx graph or a :class:`influence.measures.GraphView`."""
    from .measures import GraphView

    if isinstance(G, GraphView):
        if G.G is not None:
            return _spreading_matrix(G.G, G.weight)
        S = G.AT.tocoo()
        keep = S.row != S.col
        import scipy.sparse as sp

        S = sp.csr_array((S.data[keep], (S.row[keep], S.col[keep])), shape=S.shape)
        S.sum_duplicates()
        S.sort_indices()
        return list(G.nodes), S
    return _spreading_matrix(G, "weight")


def _node_attr(G, name: str) -> dict:
    """``{node: value}`` of a node attribute (absent values left out)."""
    from .measures import GraphView

    if isinstance(G, GraphView):
        if G.G is None:
            col = G._arrays.node_attrs.get(name) or []
            return {v: x for v, x in zip(G.nodes, col) if x is not None}
        G = G.G
    return {v: d[name] for v, d in G.nodes(data=True) if d.get(name) is not None}


# -- audiences -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Overlap:
    """Audience overlap of two actors."""

    jaccard: float  #: shared givers / givers of either
    weighted: float  #: sum of min / sum of max of the attention weights
    shared: int  #: number of shared givers


def audience(G, actor) -> dict:
    """The actors who give ``actor`` attention, with the attention weight each gives.

    Parameters
    ----------
    G : networkx.Graph or GraphView
    actor : node id

    Returns
    -------
    dict
        ``{giver: weight}`` (the edge ``weight``, 1 when missing), self-attention left out.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.DiGraph()
    >>> G.add_weighted_edges_from([("ana", "luis", 2.0), ("eva", "luis", 0.5), ("luis", "eva", 1.0)])
    >>> audience(G, "luis")
    {'ana': 2.0, 'eva': 0.5}
    """
    nodes, S = _matrix(G)
    i = _index(nodes, [actor])[0]
    lo, hi = S.indptr[i], S.indptr[i + 1]
    return {nodes[j]: float(w) for j, w in zip(S.indices[lo:hi].tolist(), S.data[lo:hi].tolist())}


def _index(nodes: list, actors: Iterable) -> np.ndarray:
    pos = {v: i for i, v in enumerate(nodes)}
    out = []
    for a in actors:
        if a not in pos:
            raise ConfigError(f"actor {a!r} is not in the graph", key="actors")
        out.append(pos[a])
    return np.asarray(out, dtype=np.int64)


def _overlaps(S, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Jaccard, weighted Jaccard and shared counts between the audiences (rows of S) at ``idx``."""
    sub = S[idx]
    cols = np.unique(sub.indices)
    D = sub[:, cols].toarray() if cols.size else np.zeros((len(idx), 0))
    B = (D > 0).astype(float)
    inter = B @ B.T
    sizes = B.sum(axis=1)
    union = sizes[:, None] + sizes[None, :] - inter
    jac = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
    mn = np.empty_like(inter)
    mx = np.empty_like(inter)
    for i in range(len(idx)):  # one row at a time: memory k * m, not k * k * m
        mn[i] = np.minimum(D[i], D).sum(axis=1)
        mx[i] = np.maximum(D[i], D).sum(axis=1)
    wj = np.divide(mn, mx, out=np.zeros_like(mn), where=mx > 0)
    return jac, wj, inter.astype(np.int64)


def overlap(G, a, b) -> Overlap:
    """Audience overlap of two actors (see the module notes).

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.DiGraph()
    >>> G.add_weighted_edges_from([("u1", "a", 1.0), ("u2", "a", 3.0), ("u2", "b", 1.0), ("u3", "b", 1.0)])
    >>> o = overlap(G, "a", "b")
    >>> round(o.jaccard, 4), round(o.weighted, 4), o.shared    # 1/3; min 1 / max (1 + 3 + 1)
    (0.3333, 0.2, 1)
    """
    nodes, S = _matrix(G)
    jac, wj, inter = _overlaps(S, _index(nodes, [a, b]))
    return Overlap(float(jac[0, 1]), float(wj[0, 1]), int(inter[0, 1]))


def overlap_matrix(G, actors: Sequence, *, weighted: bool = False) -> np.ndarray:
    """Pairwise audience overlap of ``actors`` (Jaccard, or weighted Jaccard).

    Returns
    -------
    numpy.ndarray
        ``len(actors) x len(actors)``, symmetric; the diagonal is 1 for an actor with an audience.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.DiGraph([("u1", "a"), ("u2", "a"), ("u2", "b"), ("u1", "c"), ("u2", "c")])
    >>> overlap_matrix(G, ["a", "b", "c"]).round(2).tolist()
    [[1.0, 0.5, 1.0], [0.5, 1.0, 0.5], [1.0, 0.5, 1.0]]
    """
    nodes, S = _matrix(G)
    jac, wj, _ = _overlaps(S, _index(nodes, actors))
    return wj if weighted else jac


# -- live-edge worlds ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Worlds:
    """Sampled live-edge worlds of the Independent Cascade model on one graph.

    Attributes
    ----------
    nodes : list
        Node ids; index ``i`` is ``nodes[i]``.
    S : scipy.sparse.csr_array
        The spreading matrix (``S[v, u] = w(u -> v)``).
    live : numpy.ndarray of bool
        ``runs x S.nnz``: whether each stored edge of S is kept in each world.
    params : dict
        ``p``, ``runs``, ``seed``.
    """

    nodes: list
    S: Any
    live: np.ndarray
    params: dict = field(default_factory=dict)

    @property
    def runs(self) -> int:
        return int(self.live.shape[0])

    def reach_keys(self, sources: Sequence[int]) -> list[np.ndarray]:
        """For each source index, the sorted keys ``world * n + node`` of what it reaches."""
        return _reach_keys(self, np.asarray(sources, dtype=np.int64))


def sample_worlds(G, *, p: float | None = None, runs: int = DEFAULT_RUNS, seed=0) -> Worlds:
    """Sample ``runs`` live-edge worlds with the probabilities of :func:`influence.evaluate.ic_spreading`.

    Parameters
    ----------
    G : networkx.Graph or GraphView
    p : float, optional
        Per-interaction probability (``1 - (1 - p) ** w`` per edge); default the weighted cascade.
    runs : int, default=200
    seed : int or numpy Generator, default=0

    Examples
    --------
    >>> import networkx as nx
    >>> W = sample_worlds(nx.DiGraph([("a", "b"), ("c", "b")]), runs=4, seed=0)
    >>> W.live.shape, bool(W.live.all())    # weighted cascade: each giver's only edge has q = 1
    ((4, 2), True)
    """
    if p is not None:
        p = _check_prob("p", p)
    runs = _check_runs(runs)
    rng = _rng(seed)
    nodes, S = _matrix(G)
    q = _ic_probabilities(S, p)  # the same probabilities as ic_spreading
    live = np.empty((runs, S.nnz), dtype=bool)
    step = max(1, (1 << 22) // max(S.nnz, 1))
    for r in range(0, runs, step):
        m = min(step, runs - r)
        live[r:r + m] = rng.random((m, S.nnz)) < q
    return Worlds(nodes, S, live, {"p": p, "runs": runs,
                                   "seed": seed if not isinstance(seed, np.random.Generator) else None})


def _reach_keys(W: Worlds, sources: np.ndarray, batch_bytes: int = _BATCH_BYTES) -> list[np.ndarray]:
    """Batched BFS over the kept edges of every world from every source (cf. evaluate._cascade)."""
    S = W.S
    n = S.shape[0]
    R = W.runs
    nnz = S.nnz
    indptr = S.indptr.astype(np.int64)
    indices = S.indices.astype(np.int64)
    out_deg = np.diff(indptr)
    live = W.live.reshape(-1)
    out: list[np.ndarray] = []
    per = max(1, batch_bytes // max(n * R, 1))  # sources per batch
    for start in range(0, len(sources), per):
        src = sources[start:start + per]
        b = len(src) * R
        reached = np.zeros(b * n, dtype=bool)
        f_sims = np.arange(b, dtype=np.int64)
        f_nodes = np.repeat(src, R)
        keys = f_sims * n + f_nodes
        reached[keys] = True
        touched = [keys]
        while f_nodes.size:
            deg = out_deg[f_nodes]
            ok = deg > 0
            f_nodes, f_sims, deg = f_nodes[ok], f_sims[ok], deg[ok]
            if not f_nodes.size:
                break
            tries = int(deg.sum())
            ends = np.cumsum(deg)
            first = indptr[f_nodes] - (ends - deg)
            edge = np.repeat(first, deg) + np.arange(tries)
            sims = np.repeat(f_sims, deg)
            hit = live[(sims % R) * nnz + edge]
            new = sims[hit] * n + indices[edge[hit]]
            new = np.unique(new[~reached[new]])
            reached[new] = True
            touched.append(new)
            f_sims = new // n
            f_nodes = new - f_sims * n
        allk = np.concatenate(touched)
        sim = allk // n
        node = allk - sim * n
        who = sim // R
        gkey = (sim % R) * n + node
        order = np.lexsort((gkey, who))
        who, gkey = who[order], gkey[order]
        cuts = np.searchsorted(who, np.arange(1, len(src)))
        out.extend(np.split(gkey, cuts))
    return out


def spread(G, seeds: Iterable, *, worlds: Worlds | None = None, p: float | None = None,
           runs: int = DEFAULT_RUNS, seed=0) -> float:
    """Expected number of actors reached by a set of seeds (the seeds counted).

    Parameters
    ----------
    G : networkx.Graph or GraphView
    seeds : iterable of node ids
    worlds : Worlds, optional
        Reuse sampled worlds (common random numbers across sets); else sampled with ``p``,
        ``runs``, ``seed``.

    Examples
    --------
    >>> import networkx as nx
    >>> path = nx.DiGraph([("b", "a"), ("c", "b"), ("d", "c")])
    >>> spread(path, ["a"], p=1.0, runs=5), spread(path, ["a", "c"], p=1.0, runs=5)
    (4.0, 4.0)
    """
    W = worlds if worlds is not None else sample_worlds(G, p=p, runs=runs, seed=seed)
    idx = _index(W.nodes, dict.fromkeys(seeds))
    if not len(idx):
        return 0.0
    keys = np.unique(np.concatenate(W.reach_keys(idx)))
    return float(len(keys) / W.runs)


# -- selection -------------------------------------------------------------------------------------


def is_bot_like(followers: int | None, given: int, givers: int) -> bool:
    """The bot heuristic of :func:`select_reach`.

    Bot-like: the follower count is known and at most :data:`BOT_MAX_FOLLOWERS`, the account gave
    attention to at least :data:`BOT_MIN_GIVEN` distinct actors, and received attention from at
    most :data:`BOT_MAX_GIVERS`. Unknown followers never make an account bot-like.

    >>> is_bot_like(0, given=50, givers=0), is_bot_like(None, given=50, givers=0)
    (True, False)
    """
    return (followers is not None and followers <= BOT_MAX_FOLLOWERS
            and given >= BOT_MIN_GIVEN and givers <= BOT_MAX_GIVERS)


@dataclass(frozen=True)
class ReachPick:
    """One pick of :func:`select_reach`."""

    rank: int
    actor: Any
    marginal_gain: float  #: expected actors reached that the previous picks do not reach
    expected_reach: float  #: expected unique reach of the picks so far (this one included)
    solo_reach: float  #: expected reach of this actor alone
    overlap: float  #: share of its solo reach the previous picks already reach (0 for the first)
    audience_overlap: float  #: largest audience Jaccard with a previous pick (0 for the first)


@dataclass(frozen=True)
class ReachResult:
    """The picks of :func:`select_reach` and how they were made."""

    picks: tuple
    params: dict
    excluded: dict  #: ``{"competitor": n, "bot-like": n}`` removed from the pool

    @property
    def actors(self) -> list:
        return [x.actor for x in self.picks]

    @property
    def expected_reach(self) -> float:
        return self.picks[-1].expected_reach if self.picks else 0.0


def select_reach(
    G,
    k: int = 10,
    *,
    ranking: RankingResult | None = None,
    config: RankingConfig | None = None,
    candidates: Iterable | None = None,
    pool: int = DEFAULT_POOL,
    p: float | None = None,
    runs: int = DEFAULT_RUNS,
    seed=0,
    worlds: Worlds | None = None,
    exclude_competitors: bool = True,
    exclude_bots: bool = True,
) -> ReachResult:
    """Pick ``k`` actors that together reach the most actors (greedy CELF on common worlds).

    Parameters
    ----------
    G : networkx.Graph or GraphView
    k : int, default=10
    ranking : RankingResult, optional
        The ranking whose top ``pool`` actors are the candidates; default ``rank(G, config)``.
    config : RankingConfig, optional
        Used only to rank when neither ``ranking`` nor ``candidates`` is given.
    candidates : iterable, optional
        Explicit candidates instead of the top of a ranking (``pool`` is then ignored).
    pool : int, default=200
    p, runs, seed
        The reach model (see :func:`sample_worlds`); ignored when ``worlds`` is given.
    worlds : Worlds, optional
    exclude_competitors, exclude_bots : bool, default=True

    Returns
    -------
    ReachResult
        Fewer than ``k`` picks when the pool is smaller.

    Examples
    --------
    Two actors with the same audience: the second adds nothing.

    >>> import networkx as nx
    >>> G = nx.DiGraph([(u, t) for u in "abc" for t in ("x", "y")] + [("d", "z")])
    >>> res = select_reach(G, 3, candidates=["x", "y", "z"], p=1.0, runs=5)
    >>> [(x.actor, x.marginal_gain, x.overlap) for x in res.picks]
    [('x', 4.0, 0.0), ('z', 2.0, 0.0), ('y', 1.0, 0.75)]
    """
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ConfigError(f"k must be a whole number >= 1, got {k!r}", key="k")
    if isinstance(pool, bool) or not isinstance(pool, (int, np.integer)) or pool < 1:
        raise ConfigError(f"pool must be a whole number >= 1, got {pool!r}", key="pool")
    W = worlds if worlds is not None else sample_worlds(G, p=p, runs=runs, seed=seed)
    nodes, S, R = W.nodes, W.S, W.runs
    n = len(nodes)
    if candidates is not None:
        cand = list(dict.fromkeys(candidates))
        _index(nodes, cand)
    else:
        if ranking is None:
            from .ranking import rank

            ranking = rank(G, config)
        cand = [e.actor for e in ranking.entries[:pool]]
    competitor = _node_attr(G, "is_competitor")
    followers = _node_attr(G, "followers")
    idx_all = _index(nodes, cand)
    givers = np.diff(S.indptr)
    given = np.bincount(S.indices, minlength=n) if n else np.zeros(0, dtype=np.int64)
    excluded = {"competitor": 0, "bot-like": 0}
    keep = []
    for a, i in zip(cand, idx_all.tolist()):
        if exclude_competitors and competitor.get(a):
            excluded["competitor"] += 1
        elif exclude_bots and is_bot_like(followers.get(a), int(given[i]), int(givers[i])):
            excluded["bot-like"] += 1
        else:
            keep.append((a, i))
    keys = W.reach_keys([i for _, i in keep])
    solo = [len(x) for x in keys]
    covered = np.zeros(R * n, dtype=bool)
    # CELF: (-gain, candidate order, stamp); a gain computed at stamp == len(picks) is current
    heap = [(-solo[j], j, 0) for j in range(len(keep))]
    heapq.heapify(heap)
    picks: list[ReachPick] = []
    chosen: list[int] = []
    total = 0
    while heap and len(picks) < k:
        neg, j, stamp = heapq.heappop(heap)
        if stamp != len(picks):
            gain = int(np.count_nonzero(~covered[keys[j]]))
            heapq.heappush(heap, (-gain, j, len(picks)))
            continue
        gain = -neg
        total += gain
        covered[keys[j]] = True
        aud = 0.0
        if chosen:
            jac, _, _ = _overlaps(S, np.array([keep[c][1] for c in chosen] + [keep[j][1]]))
            aud = float(jac[-1, :-1].max())
        picks.append(ReachPick(
            rank=len(picks) + 1, actor=keep[j][0], marginal_gain=gain / R, expected_reach=total / R,
            solo_reach=solo[j] / R, overlap=(1.0 - gain / solo[j]) if picks else 0.0,
            audience_overlap=aud,
        ))
        chosen.append(j)
    params = {**W.params, "k": int(k), "pool": len(cand), "candidates": len(keep),
              "model": "ic", "method": "celf"}
    return ReachResult(tuple(picks), params, excluded)

