"""Reach-aware selection: audiences, their overlap, and the set of actors that reaches the most.

Top-k by score often picks actors who talk to the same people. This module picks the set that,
together, reaches the most distinct actors (:func:`select_reach`), or a set that balances score
with community coverage and low audience overlap (:func:`select_diverse`).

Audiences
---------
An actor's **audience** is the set of actors who give it attention (its in-edges, see
:mod:`influence.records`), each weighted by the edge ``weight`` (interaction kind weights and time
decay, as :func:`influence.build_graph` sets it). Followers are not used: a follower count says how
many, not who. Two audiences overlap by their **Jaccard** index ``|A & B| / |A | B|`` and by the
**weighted Jaccard** ``sum min(a, b) / sum max(a, b)`` over the attention weights
(:func:`overlap`, :func:`overlap_matrix`).

Reach models
------------
Both run on reversed edges (an active v influences the actors u who gave it attention), with the
spreading matrix of :mod:`influence.evaluate`.

``model="ic"``, Independent Cascade (default)
    As :func:`influence.evaluate.ic_spreading` (same probabilities): an active actor v activates
    each actor u who gave it attention with the **weighted cascade** probability
    ``w(u -> v) / sum_x w(u -> x)`` (u's share of attention that goes to v), or with ``p=``,
    ``1 - (1 - p) ** w``.
``model="lt"``, Linear Threshold
    u becomes active when the summed influence weights of its active sources reach a uniform
    random threshold; the weight of v on u is the same normalised share
    ``w(u -> v) / sum_x w(u -> x)`` (so they sum to 1 for every actor who gives attention).

Both are simulated with **live-edge worlds** (Kempe, Kleinberg & Tardos 2003, theorems 4.5 and
4.6): for IC each edge is kept independently with its probability; for LT each actor keeps at
most one of its edges, edge ``v -> u`` with probability equal to its weight. The reach of a set in
a world is everything reachable from it along kept edges; the expected reach (the seeds counted)
is the mean over the worlds. All sets are scored on the *same* worlds (common random numbers), so
differences between sets are not noise of the draw and every result is deterministic for a
``seed``.

Relays
------
A cascade passes through **relays**, actors who pass on what reaches them. A brand replying to a
customer is customer service, not the customer's audience: declared competitors and the actors
``filters.exclude`` names relay nothing (:func:`relay_blocks`; ``no_relay=`` everywhere, ``()``
lets everyone relay). They are still reached and counted, and still spread as seeds; the spread
stays a coverage function, so submodular. Each pick reports through whom its reach goes
(:class:`Relays`, :func:`relay_breakdown`): its direct audience and the expected actors it reaches
only through each relay, with the share owed to the biggest.

Selection
---------
:func:`select_reach` maximises the expected unique reach greedily (the spread is submodular under
both models, so greedy is within ``1 - 1/e`` of the best set on the simulated worlds), by one of:

``method="celf"``
    Greedy with lazy evaluation (CELF, Leskovec et al. 2007: a stale marginal gain is an upper
    bound) on ``runs`` live-edge worlds, over the top ``pool`` (default :data:`DEFAULT_POOL`)
    actors of the ranking.
``method="ris"``
    Reverse Influence Sampling (Borgs et al. 2014): random reverse-reachable (RR) sets, each the
    actors that would reach a uniformly random actor in one random world, and greedy maximum
    coverage of them; the expected reach of a set is ``n`` times the share of RR sets it hits.
    The number of RR sets is IMM's (Tang, Shi & Xiao 2015) for an approximation of
    ``1 - 1/e - epsilon`` with probability ``1 - 1/n``, the final selection on fresh RR sets as
    Chen (2018) corrects, at least :data:`RIS_MIN_SETS` and at most :data:`RIS_MAX_SETS`; or a
    fixed ``theta``. Candidates: every
    ranked actor. It needs no per-candidate simulation, so it is the method for large graphs.
``method="auto"`` (default)
    RIS from :data:`RIS_MIN_NODES` actors up, CELF below (and CELF whenever ``worlds`` is given).

**Constraints** (both strategies): competitors (node attribute ``is_competitor``) and **bot-like**
accounts (:func:`is_bot_like`: followers known and at most :data:`BOT_MAX_FOLLOWERS`, attention
given to at least :data:`BOT_MIN_GIVEN` distinct actors, received from at most
:data:`BOT_MAX_GIVERS`) are left out; ``exclude`` removes more actors with a reason (e.g. the
inactive ones of :func:`inactive_actors`); ``quotas`` cap the picks per node attribute value
(:class:`Quota`, e.g. at most 3 on Mastodon). Each pick reports its marginal gain, the cumulative
expected reach, its overlap with the previous picks (the share of its own expected reach they
already reach) and why it was picked.

References
----------
.. [1] D. Kempe, J. Kleinberg, E. Tardos, "Maximizing the spread of influence through a social
   network", KDD 2003. doi:10.1145/956750.956769
.. [2] J. Leskovec et al., "Cost-effective outbreak detection in networks", KDD 2007.
   doi:10.1145/1281192.1281239
.. [3] C. Borgs, M. Brautbar, J. Chayes, B. Lucier, "Maximizing social influence in nearly
   optimal time", SODA 2014. doi:10.1137/1.9781611973402.70
.. [4] Y. Tang, Y. Shi, X. Xiao, "Influence maximization in near-linear time: a martingale
   approach", SIGMOD 2015. doi:10.1145/2723372.2723734
.. [5] W. Chen, "An issue in the martingale analysis of the influence maximization algorithm
   IMM", CSoNet 2018. doi:10.1007/978-3-030-04648-4_24

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
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import ConfigError
from .diffusion import check_runs, ic_probabilities, make_rng, spreading_matrix
from .validation import check_choice, check_number, check_probability, check_whole

if TYPE_CHECKING:
    from .config import RankingConfig
    from .ranking import RankingResult
    from .store import Store

__all__ = [
    "BOT_MAX_FOLLOWERS",
    "BOT_MAX_GIVERS",
    "BOT_MIN_GIVEN",
    "DEFAULT_COMMUNITY_BONUS",
    "DEFAULT_EPSILON",
    "DEFAULT_POOL",
    "DEFAULT_RUNS",
    "METHODS",
    "MODELS",
    "RELAY_MAX_SHARE",
    "RELAY_RUNS",
    "RIS_MAX_SETS",
    "RIS_MIN_NODES",
    "RIS_MIN_SETS",
    "Overlap",
    "Quota",
    "RRSets",
    "ReachPick",
    "ReachResult",
    "Relays",
    "Worlds",
    "audience",
    "constrained",
    "inactive_actors",
    "is_bot_like",
    "last_activity",
    "lt_weights",
    "overlap",
    "overlap_matrix",
    "parse_quota",
    "relay_blocks",
    "relay_breakdown",
    "sample_rr_sets",
    "sample_worlds",
    "select_diverse",
    "select_reach",
    "spread",
    "upper_bound",
]

#: Candidates considered by CELF: the top of the ranking.
DEFAULT_POOL = 200
#: Live-edge worlds simulated by default.
DEFAULT_RUNS = 1000
#: Reach models: Independent Cascade, Linear Threshold.
MODELS = ("ic", "lt")
#: Selection methods (see the module notes).
METHODS = ("auto", "celf", "ris")
#: ``method="auto"`` uses RIS from this many actors up.
RIS_MIN_NODES = 5_000
#: IMM's epsilon: RIS picks are within ``1 - 1/e - epsilon`` of the best, with probability ``1 - 1/n``.
DEFAULT_EPSILON = 0.5
#: At least this many RR sets: IMM's count guarantees the approximation ratio, but too few sets
#: leave the estimates too coarse to rank close candidates (standard error ``sqrt(f (1 - f) / theta)``
#: of a reached share f: under 0.2 percentage points at 100,000 sets).
RIS_MIN_SETS = 100_000
#: At most this many RR sets (memory: about 8 bytes per actor of every set, twice).
RIS_MAX_SETS = 2_000_000
#: Memory the stored reaches of a selection may take: CELF keeps, for every candidate and world,
#: the actors it reaches (8 bytes each), RIS about 24 bytes per member of its RR sets. When a model
#: makes single actors reach much of the graph (a high ``p``), CELF uses fewer worlds and RIS fewer
#: RR sets so that they fit (see :func:`select_reach`).
MAX_REACH_BYTES = 1 << 30
#: CELF never uses fewer worlds than this to fit :data:`MAX_REACH_BYTES` (``method="auto"`` then
#: uses RIS; an explicit ``method="celf"`` is refused).
MIN_CELF_RUNS = 50
#: Nor RIS fewer RR sets than this.
MIN_RIS_SETS = 10_000
#: Bot-like: followers known and at most this many ...
BOT_MAX_FOLLOWERS = 1
#: ... attention given to at least this many distinct actors ...
BOT_MIN_GIVEN = 20
#: ... and attention received from at most this many.
BOT_MAX_GIVERS = 1
#: :func:`select_diverse`: value multiplier for a pick from a community not covered yet is ``1 + bonus``.
DEFAULT_COMMUNITY_BONUS = 0.5

#: Bytes of "already reached" flags one batch of cascades may use.
_BATCH_BYTES = 1 << 25


def _check_choice(name: str, value, options: Sequence[str]) -> str:
    return check_choice(name, value, options)


def _check_count(name: str, value, minimum: int = 1) -> int:
    return check_whole(name, value, minimum)


# -- graph access ----------------------------------------------------------------------------------


def _matrix(G) -> tuple[list, Any]:
    """``(nodes, S)``: the spreading matrix of :mod:`influence.evaluate` (``S[v, u] = w(u -> v)``,
    no self-loops) of a networkx graph or a :class:`influence.measures.GraphView`."""
    from .measures import GraphView

    if isinstance(G, GraphView):  # the view's cached adjacency: no second conversion
        S = G.AT.tocoo()
        keep = S.row != S.col
        import scipy.sparse as sp

        S = sp.csr_array((S.data[keep], (S.row[keep], S.col[keep])), shape=S.shape)
        S.sum_duplicates()
        S.sort_indices()
        return list(G.nodes), S
    return spreading_matrix(G, "weight")


def _node_attr(G, name: str) -> dict:
    """``{node: value}`` of a node attribute (absent values left out)."""
    from .measures import GraphView

    if isinstance(G, GraphView):  # its columns, those added with GraphView.with_columns too
        return G.node_values(name)
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


def _frontier_edges(indptr: np.ndarray, deg: np.ndarray, nodes: np.ndarray,
                    ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every out-edge of a frontier: the positions in a CSR matrix's ``indices`` of the edges
    leaving each ``nodes[i]`` (``deg`` holds the out-degrees), and ``ids[i]`` (its world or set)
    repeated once per edge. Empty arrays when no frontier node has an out-edge."""
    d = deg[nodes]
    ends = np.cumsum(d)
    edge = np.repeat(indptr[nodes] - (ends - d), d) + np.arange(int(ends[-1]) if ends.size else 0)
    return edge, np.repeat(ids, d)


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


def lt_weights(S) -> np.ndarray:
    """Linear Threshold weight of each stored entry of the spreading matrix ``S``
    (``S[v, u] = w(u -> v)``): ``w(u -> v) / sum_x w(u -> x)``, the share of u's attention that goes
    to v. The weights on every actor sum to 1 (0 for an actor who gives no attention)."""
    return ic_probabilities(S, None)  # the weighted cascade normalisation, read as LT weights


def _probabilities(S, model: str, p: float | None) -> np.ndarray:
    if model == "lt":
        if p is not None:
            raise ConfigError("p applies to the Independent Cascade model only (model='ic')", key="p")
        return lt_weights(S)
    return ic_probabilities(S, p)  # the same probabilities as evaluate.ic_spreading


class _Picker:
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
    live : numpy.ndarray of bool
        ``runs x S.nnz``: whether each stored edge of S is kept in each world.
    params : dict
        ``p``, ``runs``, ``seed``, ``model``.
    """

    nodes: list
    S: Any
    live: np.ndarray
    params: dict = field(default_factory=dict)
    #: ``relay[i]``: whether ``nodes[i]`` passes on what reaches it from another actor (``None``:
    #: everyone does). A blocked actor is still reached and counted, and still spreads as a seed.
    relay: np.ndarray | None = None

    @property
    def runs(self) -> int:
        return int(self.live.shape[0])

    def head(self, runs: int) -> Worlds:
        """The first ``runs`` worlds (all of them when there are fewer)."""
        if runs >= self.runs:
            return self
        return Worlds(self.nodes, self.S, self.live[:runs], {**self.params, "runs": int(runs)}, self.relay)

    def reach_keys(self, sources: Sequence[int]) -> list[np.ndarray]:
        """For each source index, the sorted keys ``world * n + node`` of what it reaches."""
        return _reach_keys(self, np.asarray(sources, dtype=np.int64))


def sample_worlds(G, *, p: float | None = None, runs: int = DEFAULT_RUNS, seed=0, model: str = "ic",
                  no_relay: Mapping | Iterable | None = None) -> Worlds:
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
    model = _check_choice("model", model, MODELS)
    rng = make_rng(seed)
    nodes, S = _matrix(G)
    q = _probabilities(S, model, p)
    live = np.zeros((runs, S.nnz), dtype=bool)
    if model == "ic":
        step = max(1, (1 << 22) // max(S.nnz, 1))
        for r in range(0, runs, step):
            m = min(step, runs - r)
            live[r:r + m] = rng.random((m, S.nnz)) < q
    elif S.nnz:
        n = S.shape[0]
        picker = _Picker(S.indices.astype(np.int64), q, n)  # grouped by giver u (the column)
        givers = np.flatnonzero(picker.total > 0)
        for r in range(runs):
            _, entry = picker.pick(givers, rng.random(len(givers)))
            live[r, entry] = True
    relay, blocked = _relay_mask(G, nodes, no_relay)
    return Worlds(nodes, S, live, {"model": model, "p": p, "runs": runs,
                                   "seed": seed if not isinstance(seed, np.random.Generator) else None,
                                   "no_relay": blocked}, relay)


def _distinct(a: np.ndarray) -> np.ndarray:
    """Sorted distinct values of an int array: a sort and a mask (numpy's hash-based ``unique`` is
    several times slower on the tens of millions of keys of a large cascade)."""
    a = np.sort(a)
    return a[np.r_[True, a[1:] != a[:-1]]] if a.size else a


def _reach_keys(W: Worlds, sources: np.ndarray, batch_bytes: int = _BATCH_BYTES) -> list[np.ndarray]:
    """Batched BFS over the kept edges of every world from every source (cf. diffusion.cascade)."""
    S = W.S
    n = S.shape[0]
    R = W.runs
    nnz = S.nnz
    indptr = S.indptr.astype(np.int64)
    indices = S.indices.astype(np.int64)
    out_deg = np.diff(indptr)
    live = W.live.reshape(-1)
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
            edge, sims = _frontier_edges(indptr, out_deg, f_nodes, f_sims)
            widest = max(widest, edge.size)
            hit = live[(sims % R) * nnz + edge]
            new = sims[hit] * n + indices[edge[hit]]
            new = _distinct(new[~reached[new]])
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
    idx = _index(W.nodes, dict.fromkeys(seeds))
    if not len(idx):
        return 0.0
    return _union_reach(W, idx) / W.runs


def _union_reach(W: Worlds, idx: np.ndarray, batch_bytes: int = 1 << 27) -> int:
    """Total (world, actor) pairs reached from the seeds ``idx``: one BFS per world from all the
    seeds at once (memory: one flag per actor per world of a batch, not per seed)."""
    S = W.S
    n, R, nnz = S.shape[0], W.runs, S.nnz
    indptr = S.indptr.astype(np.int64)
    indices = S.indices.astype(np.int64)
    out_deg = np.diff(indptr)
    live = W.live.reshape(-1)
    per = max(1, batch_bytes // max(n, 1))  # worlds per batch
    total = 0
    for r0 in range(0, R, per):
        b = min(per, R - r0)
        reached = np.zeros(b * n, dtype=bool)
        f_sims = np.repeat(np.arange(b, dtype=np.int64), len(idx))
        f_nodes = np.tile(idx, b)
        reached[f_sims * n + f_nodes] = True
        while f_nodes.size:
            edge, sims = _frontier_edges(indptr, out_deg, f_nodes, f_sims)
            hit = live[(sims + r0) * nnz + edge]
            new = sims[hit] * n + indices[edge[hit]]
            new = _distinct(new[~reached[new]])
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
    base_idx = _index(worlds.nodes, dict.fromkeys(seeds))
    cand = _index(worlds.nodes, candidates) if candidates is not None else np.arange(len(worlds.nodes))
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


# -- reverse influence sampling --------------------------------------------------------------------


@dataclass(frozen=True)
class RRSets:
    """Random reverse-reachable sets: set ``i`` holds ``members[ptr[i]:ptr[i + 1]]`` (node indices),
    the actors that reach a uniformly random root in one random world of the model."""

    nodes: list
    ptr: np.ndarray
    members: np.ndarray
    params: dict = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.ptr) - 1

    def spread(self, idx: Sequence[int]) -> float:
        """Expected reach of the node indices ``idx``: n times the share of sets they hit."""
        if not len(self):
            return 0.0
        hit = np.zeros(len(self), dtype=bool)
        mask = np.isin(self.members, np.asarray(idx, dtype=np.int64))
        set_of = np.repeat(np.arange(len(self)), np.diff(self.ptr))
        hit[set_of[mask]] = True
        return float(len(self.nodes) * hit.sum() / len(self))


class _Reverse:
    """The spreading matrix transposed (row u: the actors v who can activate u) with the entry
    probabilities aligned, for generating RR sets."""

    def __init__(self, S, q: np.ndarray, model: str, relay: np.ndarray | None = None):
        n = S.shape[0]
        self.relay = relay  # an RR set grows past its root only through actors who relay
        rows = np.repeat(np.arange(n, dtype=np.int64), np.diff(S.indptr))
        cols = S.indices.astype(np.int64)
        order = np.lexsort((rows, cols))  # by u, then v
        self.n = n
        self.indices = rows[order]
        self.q = q[order]
        self.indptr = np.concatenate([[0], np.cumsum(np.bincount(cols, minlength=n))]).astype(np.int64)
        self.model = model
        if model == "lt":
            self.picker = _Picker(cols[order], self.q, n)

    def sample(self, count: int, rng: np.random.Generator, batch_bytes: int = _BATCH_BYTES):
        """``(ptr, members)`` of ``count`` new RR sets.

        The roots are stratified: every actor is the root of ``count // n`` sets, and the
        ``count % n`` sets left get distinct random roots. Each actor is still a root with
        probability ``1 / n`` per set, so estimates keep their expectation, but the sets an
        actor hits as its own root are no longer left to chance: with uniform roots that noise
        dominated the estimate of actors who reach few others, and greedy over thousands of
        them picked the luckiest instead of the best.
        """
        n = self.n
        whole, rest = divmod(count, n)
        all_roots = np.concatenate([np.tile(np.arange(n, dtype=np.int64), whole),
                                    rng.choice(n, rest, replace=False).astype(np.int64)])
        per = max(1, min(count, batch_bytes // max(n, 1)))
        reached = np.zeros(per * n, dtype=bool)  # reset after each batch: cost follows the work
        deg = np.diff(self.indptr)
        sizes, parts = [], []
        for start in range(0, count, per):
            b = min(per, count - start)
            roots = all_roots[start:start + b]
            keys = np.arange(b, dtype=np.int64) * n + roots
            reached[keys] = True
            touched = [keys]
            f_sets, f_nodes = np.arange(b, dtype=np.int64), roots.astype(np.int64)
            while f_nodes.size:
                if self.model == "lt":  # a walk: each actor keeps at most one in-edge
                    ok, entry = self.picker.pick(f_nodes, rng.random(f_nodes.size))
                    sets, nxt = f_sets[ok], self.indices[entry]
                else:
                    edge, sets = _frontier_edges(self.indptr, deg, f_nodes, f_sets)
                    hit = rng.random(edge.size) < self.q[edge]
                    sets, nxt = sets[hit], self.indices[edge[hit]]
                new = sets * n + nxt
                new = _distinct(new[~reached[new]])
                reached[new] = True
                touched.append(new)
                f_sets = new // n
                f_nodes = new - f_sets * n
                if self.relay is not None:  # in the set (it reaches the root), but nobody reaches
                    f_sets, f_nodes = f_sets[self.relay[f_nodes]], f_nodes[self.relay[f_nodes]]  # it through it
            allk = np.sort(np.concatenate(touched))
            reached[allk] = False
            s = allk // n
            sizes.append(np.bincount(s, minlength=b))
            parts.append(allk - s * n)
        sizes = np.concatenate(sizes) if sizes else np.zeros(0, dtype=np.int64)
        members = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
        return np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64), members


def sample_rr_sets(G, count: int, *, p: float | None = None, seed=0, model: str = "ic",
                   no_relay: Mapping | Iterable | None = None) -> RRSets:
    """``count`` random reverse-reachable sets of the reach model (see the module notes).

    Parameters
    ----------
    G : networkx.Graph or GraphView
    count : int
    p, seed, model, no_relay
        As :func:`sample_worlds`.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.DiGraph([(u, "x") for u in "abc"])    # x reaches a, b and c for sure
    >>> R = sample_rr_sets(G, 400, seed=0)
    >>> R.spread([R.nodes.index("x")])                # 4 actors
    4.0
    """
    count = _check_count("count", count)
    if p is not None:
        p = check_probability("p", p)
    model = _check_choice("model", model, MODELS)
    nodes, S = _matrix(G)
    relay, blocked = _relay_mask(G, nodes, no_relay)
    ptr, members = _Reverse(S, _probabilities(S, model, p), model, relay).sample(count, make_rng(seed))
    return RRSets(nodes, ptr, members, {"model": model, "p": p, "sets": count, "no_relay": blocked})


# -- relays ----------------------------------------------------------------------------------------


def relay_blocks(G, *, patterns: Iterable[str] | None = None, competitors: bool = True) -> dict:
    """The actors who must not pass reach on: ``{actor: reason}``.

    A brand that replies to a customer is doing customer service; it does not make the customer
    influential. So declared competitors (node attribute ``is_competitor`` or ``competitor``,
    reason ``"competitor"``) and the actors ``filters.exclude`` names (``patterns``, matched
    case-insensitively on the id and on every merged account, as :func:`influence.rank` matches
    them; reason ``"filters.exclude"``: your own brand, media and shop accounts) are blocked as
    relays. A blocked actor can still be reached, and is counted when it is; it passes nothing on
    to its own audience, except as a seed.

    Parameters
    ----------
    G : networkx.Graph or GraphView
    patterns : iterable of str, optional
        ``filters.exclude`` patterns (``RankingConfig.exclude_patterns``).
    competitors : bool, default=True

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.DiGraph([("ana", "brand"), ("brand", "luis"), ("eva", "shop:x")])
    >>> G.nodes["brand"]["is_competitor"] = True
    >>> relay_blocks(G, patterns=["shop:*"])
    {'brand': 'competitor', 'shop:x': 'filters.exclude'}
    """
    out: dict = {}
    if competitors:
        flag, name = _node_attr(G, "is_competitor"), _node_attr(G, "competitor")
        for v in G.nodes:
            if flag.get(v) or name.get(v):
                out[v] = "competitor"
    patterns = [str(x).lower() for x in patterns or ()]
    if patterns:
        import fnmatch
        import re

        rx = re.compile("|".join(f"(?:{fnmatch.translate(x)})" for x in patterns))
        accounts = _node_attr(G, "accounts")
        for v in G.nodes:
            if v not in out and any(rx.match(x.lower()) for x in [str(v), *str(accounts.get(v) or "").split()]):
                out[v] = "filters.exclude"
    return out


def _relay_mask(G, nodes: list, no_relay) -> tuple[np.ndarray | None, dict]:
    """``(relay, counts)``: the boolean "passes reach on" mask over ``nodes`` (None when everyone
    does) and how many actors are blocked by reason. ``no_relay`` None means ``relay_blocks(G)``."""
    if no_relay is None:
        no_relay = relay_blocks(G)
    if not isinstance(no_relay, Mapping):
        no_relay = dict.fromkeys(no_relay, "no_relay")
    if not no_relay:
        return None, {}
    relay = np.ones(len(nodes), dtype=bool)
    counts: dict = {}
    for i, v in enumerate(nodes):
        if v in no_relay:
            relay[i] = False
            reason = str(no_relay[v])
            counts[reason] = counts.get(reason, 0) + 1
    return (relay if not relay.all() else None), counts


#: Worlds the relay breakdown of a pick is measured on (the first of the selection's, or fresh).
RELAY_RUNS = 200
#: ... but only as many of them as keep the reached (world, actor) pairs walked under this (a pick
#: reaching 17,000 actors per world on higgs-mention took 4 s per pick on 200 worlds), and at least
#: :data:`RELAY_MIN_RUNS` of them.
RELAY_BUDGET = 100_000
RELAY_MIN_RUNS = 20
#: A pick owing more than this share of its reach to one relay is flagged (:attr:`Relays.dominated`).
RELAY_MAX_SHARE = 0.5


@dataclass(frozen=True)
class Relays:
    """Through whom an actor's reach goes (:func:`relay_breakdown`).

    ``through`` lists, largest first, the actors its reach depends on: the expected number of
    actors reached *only through* each (every path to them in a world passes through it, so they
    would be lost if it did not pass reach on: the dominator tree of the world's reached part,
    Cooper, Harvey & Kennedy 2001). The shares do not sum to 1: actors reached
    along several paths depend on no single relay.
    """

    actor: Any
    reach: float  #: expected actors reached on the worlds measured, itself counted
    direct: float  #: expected actors of its own audience reached (first hop)
    through: tuple  #: ``((relay, expected actors reached only through it), ...)``, largest first
    runs: int  #: worlds measured

    @property
    def top(self) -> Any:
        """Its biggest relay (None when none)."""
        return self.through[0][0] if self.through else None

    @property
    def top_share(self) -> float:
        """Share of its reach owed to its biggest relay (0 when none)."""
        return float(self.through[0][1] / self.reach) if self.through and self.reach > 0 else 0.0

    @property
    def dominated(self) -> bool:
        """Whether one relay carries more than :data:`RELAY_MAX_SHARE` of its reach."""
        return self.top_share > RELAY_MAX_SHARE

    def describe(self, relays: int = 2) -> str:
        """One phrase: ``"direct 12.0; 61% only through @x, 7% only through @y"``."""
        text = f"{self.direct:.1f} of its audience directly"
        shown = [(r, x) for r, x in self.through[:relays] if self.reach > 0 and x / self.reach >= 0.005]
        if shown:
            text += ", " + ", ".join(f"{x / self.reach:.0%} only through {_handle(r)}" for r, x in shown)
        elif self.reach > self.direct + 1.05:
            text += ", the rest along several paths"
        return text


def _handle(actor) -> str:
    """``twitter:jetblue`` -> ``@jetblue`` (other ids as they are)."""
    text = str(actor)
    platform, _, rest = text.partition(":")
    return f"@{rest}" if platform == "twitter" and rest and not rest.startswith("@") else text


def _dominated(src: list, dst: list, root, weight: dict | None = None) -> dict:
    """``{v: weight[v] + 1 + number of nodes v dominates}`` in the graph of edges ``src -> dst``
    (every node reachable from ``root``), where ``weight`` counts leaves folded into a node
    beforehand (a leaf with one predecessor is dominated by it, so it can be counted there without
    an edge): the dominator tree by Cooper, Harvey & Kennedy's iterative algorithm
    ("A simple, fast dominance algorithm", 2001), on plain lists because the graphs are many and
    small (networkx's ``immediate_dominators`` gives the same tree; building a DiGraph per world
    took most of the time). The iteration runs over the nodes with successors only: every
    predecessor has a successor, so they form a closed graph, and a leaf (most of a cascade)
    dominates nothing, its immediate dominator being the common dominator of its predecessors."""
    succ: dict = {}
    pred: dict = {}
    for a, b in zip(src, dst):
        succ.setdefault(a, []).append(b)
        pred.setdefault(b, []).append(a)
    order = []  # postorder of an iterative depth-first search over the inner nodes
    leaves = []
    seen = {root}
    stack = [(root, iter(succ.get(root, ())))]
    while stack:
        v, it = stack[-1]
        for w in it:
            if w not in seen:
                seen.add(w)
                if w in succ:
                    stack.append((w, iter(succ[w])))
                    break
                leaves.append(w)
        else:
            stack.pop()
            order.append(v)
    order.reverse()  # reverse postorder: every node after its dominators
    po = {v: j for j, v in enumerate(order)}
    idom = {root: root}

    def common(preds):
        new = None
        for u in preds:
            if u not in idom:
                continue
            if new is None:
                new = u
                continue
            a, b = u, new
            while a != b:  # walk up the tree to the common dominator
                while po[a] > po[b]:
                    a = idom[a]
                while po[b] > po[a]:
                    b = idom[b]
            new = a
        return new

    changed = True
    while changed:
        changed = False
        for v in order[1:]:
            new = common(pred[v])
            if idom.get(v) != new:
                idom[v] = new
                changed = True
    size = dict.fromkeys(order, 1)
    for v, c in (weight or {}).items():
        size[v] = size.get(v, 1) + c
    for v in leaves:  # a leaf here dominates only the leaves folded into it
        ps = pred[v]
        size[ps[0] if len(ps) == 1 else common(ps)] += size.setdefault(v, 1)
    for v in reversed(order[1:]):
        size[idom[v]] += size[v]
    return size


def _relays(W: Worlds, i: int, top: int | None = None) -> Relays:
    """The relay breakdown of node index ``i`` on the worlds ``W`` (see :class:`Relays`)."""
    S, n, R, nnz = W.S, len(W.nodes), W.runs, W.S.nnz
    keys = W.reach_keys([i])[0]
    world, node = keys // n, keys % n
    ends = np.searchsorted(world, np.arange(1, R + 1))  # pairs walked after each world
    R = max(min(R, RELAY_MIN_RUNS), int(np.searchsorted(ends, RELAY_BUDGET, side="right")), 1)
    R = min(R, W.runs)
    keys, world, node = keys[:ends[R - 1]], world[:ends[R - 1]], node[:ends[R - 1]]
    if W.relay is not None:  # the edges a blocked actor would pass reach along are not used
        spreads = (node == i) | W.relay[node]
        world, node = world[spreads], node[spreads]
    indptr = S.indptr.astype(np.int64)
    edge, which = _frontier_edges(indptr, np.diff(indptr), node, np.arange(node.size))
    hit = W.live.reshape(-1)[world[which] * nnz + edge]
    w, src, dst = world[which][hit], node[which][hit], S.indices.astype(np.int64)[edge[hit]]
    direct = int(np.count_nonzero((src == i) & (dst != i)))
    # most reached actors pass nothing on and have one predecessor: fold each into its
    # predecessor's weight (vectorised over the worlds) instead of walking it in Python
    relayed = w[src != i]  # worlds where someone besides the actor passes reach on
    inner = np.unique(w * n + src)
    dkey = w * n + dst
    leaf = ~np.isin(dkey, inner)
    _, inv, cnt = np.unique(dkey[leaf], return_inverse=True, return_counts=True)
    fold = np.zeros(w.size, dtype=bool)
    fold[np.flatnonzero(leaf)[cnt[inv] == 1]] = True
    fkeys, fcnt = np.unique(w[fold] * n + src[fold], return_counts=True)
    fcuts = np.searchsorted(fkeys // n, np.arange(R + 1))
    w, src, dst = w[~fold], src[~fold], dst[~fold]
    owed: dict[int, int] = {}
    cuts = np.searchsorted(w, np.arange(R + 1))  # edges come grouped by world (keys are sorted)
    for r in np.unique(relayed).tolist():
        a, b = cuts[r], cuts[r + 1]
        fa, fb = fcuts[r], fcuts[r + 1]
        weight = dict(zip((fkeys[fa:fb] % n).tolist(), fcnt[fa:fb].tolist()))
        for v, c in _dominated(src[a:b].tolist(), dst[a:b].tolist(), i, weight).items():
            if v != i and c > 1:
                owed[v] = owed.get(v, 0) + c - 1
    ranked = sorted(owed.items(), key=lambda x: (-x[1], x[0]))[:top]
    return Relays(W.nodes[i], keys.size / R, direct / R,
                  tuple((W.nodes[v], c / R) for v, c in ranked), R)


def relay_breakdown(G, actor, *, worlds: Worlds | None = None, p: float | None = None,
                    runs: int = RELAY_RUNS, seed=0, model: str = "ic",
                    no_relay: Mapping | Iterable | None = None, top: int | None = 5) -> Relays:
    """Through whom ``actor``'s reach goes: its direct audience and the relays it depends on.

    Parameters
    ----------
    G : networkx.Graph or GraphView
    actor : node id
    worlds : Worlds, optional
        Measure on these; else sampled with ``p``, ``runs``, ``seed``, ``model`` and
        ``no_relay`` (see :func:`sample_worlds`).
    top : int or None, default=5
        How many relays to keep (None: all).

    Returns
    -------
    Relays

    Examples
    --------
    ``x`` is mentioned by ``hub`` (and by ``a``); ``hub`` is mentioned by five fans. Unless it is
    a competitor, ``hub`` relays x's reach to its fans, and x owes most of its reach to it:

    >>> import networkx as nx
    >>> G = nx.DiGraph([("hub", "x"), ("a", "x")] + [(f"f{i}", "hub") for i in range(5)])
    >>> r = relay_breakdown(G, "x", p=1.0, runs=4)
    >>> r.reach, r.direct, r.through, r.top_share
    (8.0, 2.0, (('hub', 5.0),), 0.625)
    >>> G.nodes["hub"]["is_competitor"] = True
    >>> relay_breakdown(G, "x", p=1.0, runs=4).reach    # x, hub and a: hub passes nothing on
    3.0
    """
    W = worlds if worlds is not None else sample_worlds(G, p=p, runs=runs, seed=seed, model=model,
                                                        no_relay=no_relay)
    return _relays(W, int(_index(W.nodes, [actor])[0]), top)


# -- constraints -----------------------------------------------------------------------------------


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
class Quota:
    """At most ``limit`` picks whose node attribute ``attribute`` equals ``value`` (every value
    separately when ``value`` is None: at most ``limit`` per platform)."""

    attribute: str
    value: Any
    limit: int

    def __str__(self) -> str:
        return f"{self.attribute}{'' if self.value is None else ':' + str(self.value)}={self.limit}"


def parse_quota(text: str) -> Quota:
    """Read a quota: ``ATTRIBUTE:VALUE=MAX`` (``platform:mastodon=3``) or ``ATTRIBUTE=MAX`` (at
    most MAX for every value, ``platform=2``). Quotas are maxima.

    >>> parse_quota("language:es=5"), str(parse_quota("platform=2"))
    (Quota(attribute='language', value='es', limit=5), 'platform=2')
    """
    head, eq, num = str(text).rpartition("=")
    attribute, colon, value = head.partition(":")
    attribute, value, num = attribute.strip(), value.strip(), num.strip()
    if not eq or not attribute or (colon and not value) or not num.isdigit():
        raise ConfigError(f"quota must look like ATTRIBUTE:VALUE=MAX or ATTRIBUTE=MAX "
                          f"(e.g. platform:mastodon=3), got {text!r}", key="quota")
    return Quota(attribute, value if colon else None, int(num))


def last_activity(store: Store) -> dict:
    """``{actor id: latest timestamp}`` of each actor's own activity: the posts it wrote and the
    attention it gave (interactions it is the source of). Undated activity is ignored; actors with
    no dated activity are absent. Reads the store (:meth:`influence.store.Store.last_activity`)."""
    return store.last_activity()


def inactive_actors(G, latest: Mapping, days: float, *, reference: float | None = None) -> set:
    """The nodes of ``G`` with no own activity in the ``days`` days before ``reference``.

    Parameters
    ----------
    G : networkx.Graph or GraphView
    latest : mapping
        ``{actor id: latest activity timestamp}`` (:func:`last_activity`). A node merged from
        several accounts (node attribute ``accounts``) takes the latest of them.
    days : float
    reference : float, optional
        UTC epoch seconds; default the latest timestamp in ``latest`` (the sector's latest
        activity, so the answer does not depend on today's date).

    Returns
    -------
    set
        Nodes whose latest dated activity is before ``reference - days``. Nodes with no dated
        activity at all are *not* returned: unknown is not inactive.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.DiGraph([("a", "b"), ("c", "b")])
    >>> sorted(inactive_actors(G, {"a": 0.0, "b": 9 * 86400.0}, days=7))
    ['a']
    """
    check_number("days", days, 0.0, error_key="active_days")
    if reference is None:
        if not latest:
            return set()
        reference = max(latest.values())
    cutoff = float(reference) - float(days) * 86400.0
    accounts = _node_attr(G, "accounts")
    out = set()
    for v in G.nodes:
        times = [latest[a] for a in (str(accounts[v]).split() if v in accounts else [v]) if a in latest]
        if times and max(times) < cutoff:
            out.add(v)
    return out


def _candidates(G, nodes: list, S, *, ranking, config, candidates, pool, exclude_competitors: bool,
                exclude_bots: bool, exclude: Mapping | None) -> tuple[list, dict]:
    """``([(actor, index)], excluded counts)``: the candidates in order, constraints applied."""
    if candidates is not None:
        cand = list(dict.fromkeys(candidates))
    else:
        if ranking is None:
            from .ranking import rank

            ranking = rank(G, config)
        # the ranking's own order; entries are built lazily, so take only what is needed
        cand = [e.actor for e in (ranking if pool is None else ranking[:pool])]
    idx_all = _index(nodes, cand)
    competitor = _node_attr(G, "is_competitor") if exclude_competitors else {}
    followers = _node_attr(G, "followers")
    n = len(nodes)
    givers = np.diff(S.indptr)
    given = np.bincount(S.indices, minlength=n) if n else np.zeros(0, dtype=np.int64)
    excluded: dict = {"competitor": 0, "bot-like": 0}
    extra = dict(exclude or {})
    keep = []
    for a, i in zip(cand, idx_all.tolist()):
        if competitor.get(a):
            excluded["competitor"] += 1
        elif exclude_bots and is_bot_like(followers.get(a), int(given[i]), int(givers[i])):
            excluded["bot-like"] += 1
        elif a in extra:
            reason = str(extra[a])
            excluded[reason] = excluded.get(reason, 0) + 1
        else:
            keep.append((a, i))
    return keep, excluded


class _Quotas:
    """Counts picks against :class:`Quota` maxima."""

    def __init__(self, G, quotas: Iterable[Quota] | None):
        self.rules = []
        for q in quotas or ():
            if not isinstance(q, Quota):
                q = parse_quota(q)
            values = _node_attr(G, q.attribute)
            if not values:
                raise ConfigError(f"quota {q}: no actor has the attribute {q.attribute!r}", key="quota")
            if q.value is not None and not any(str(x) == str(q.value) for x in values.values()):
                known = sorted({str(x) for x in values.values()})
                raise ConfigError(f"quota {q}: no actor has {q.attribute} {q.value!r} (known: "
                                  f"{', '.join(known[:12])}{', ...' if len(known) > 12 else ''})", key="quota")
            self.rules.append((q, {v: str(x) for v, x in values.items()}))
        self.used: dict = {}

    def allows(self, actor) -> bool:
        for q, values in self.rules:
            x = values.get(actor)
            if x is None or (q.value is not None and x != str(q.value)):
                continue
            if self.used.get((q.attribute, q.value, x), 0) >= q.limit:
                return False
        return True

    def add(self, actor) -> None:
        for q, values in self.rules:
            x = values.get(actor)
            if x is not None and (q.value is None or x == str(q.value)):
                key = (q.attribute, q.value, x)
                self.used[key] = self.used.get(key, 0) + 1


def constrained(G, actors: Iterable, k: int = 0, *, exclude: Mapping | None = None,
                quotas: Iterable[Quota | str] | None = None) -> list:
    """The first ``k`` of ``actors`` (in their order; all when ``k`` is 0) that ``exclude`` does
    not name and that fit the ``quotas``: the ``score`` strategy under constraints.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.DiGraph([("a", "b"), ("c", "d"), ("e", "f")])
    >>> nx.set_node_attributes(G, {"b": "mastodon", "d": "mastodon", "f": "web"}, "platform")
    >>> constrained(G, ["b", "d", "f"], 2, quotas=["platform:mastodon=1"])
    ['b', 'f']
    """
    quota = _Quotas(G, quotas)
    extra = exclude or {}
    out = []
    for a in actors:
        if a in extra or not quota.allows(a):
            continue
        quota.add(a)
        out.append(a)
        if k and len(out) >= k:
            break
    return out


# -- reach oracles ---------------------------------------------------------------------------------


class _WorldOracle:
    """Marginal reach of candidates on shared live-edge worlds (counts of (world, actor) pairs)."""

    def __init__(self, W: Worlds, idx: list[int]):
        self.keys = W.reach_keys(idx)
        self.scale = 1.0 / W.runs
        self.covered = np.zeros(W.runs * len(W.nodes), dtype=bool)
        self.solo = np.array([len(x) for x in self.keys], dtype=float)

    def gain(self, j: int) -> int:
        return int(np.count_nonzero(~self.covered[self.keys[j]]))

    def add(self, j: int) -> int:
        g = self.gain(j)
        self.covered[self.keys[j]] = True
        return g


class _RROracle:
    """Marginal reach of candidates as the RR sets they newly cover."""

    def __init__(self, R: RRSets, idx: list[int]):
        n = len(R.nodes)
        self.R = R
        self.idx = np.asarray(idx, dtype=np.int64)
        self.scale = n / max(len(R), 1)
        self.counts = np.bincount(R.members, minlength=n).astype(np.int64)
        self.set_of = np.repeat(np.arange(len(R), dtype=np.int64), np.diff(R.ptr))
        self.by_node = np.argsort(R.members, kind="stable")
        self.node_ptr = np.searchsorted(R.members[self.by_node], np.arange(n + 1))
        self.covered = np.zeros(len(R), dtype=bool)
        self.solo = self.counts[self.idx].astype(float)

    def gains(self) -> np.ndarray:
        return self.counts[self.idx]

    def gain(self, j: int) -> int:
        return int(self.counts[self.idx[j]])

    def add(self, j: int) -> int:
        v = self.idx[j]
        sets = self.set_of[self.by_node[self.node_ptr[v]:self.node_ptr[v + 1]]]
        new = sets[~self.covered[sets]]
        self.covered[new] = True
        if new.size:
            lo, hi = self.R.ptr[new], self.R.ptr[new + 1]
            ln = hi - lo
            pos = np.repeat(lo - np.concatenate([[0], np.cumsum(ln)[:-1]]), ln) + np.arange(int(ln.sum()))
            self.counts -= np.bincount(self.R.members[pos], minlength=len(self.counts))
        return int(new.size)


def _fit_worlds(W: Worlds, idx: list[int], probe: int = 8) -> Worlds | None:
    """``W``, or its first worlds, so that CELF's stored reaches of the candidates ``idx`` fit in
    :data:`MAX_REACH_BYTES` (estimated from the reach of the first ``probe`` candidates, the top of
    the ranking, on up to 50 worlds); ``None`` when fewer than :data:`MIN_CELF_RUNS` would fit."""
    if not idx or W.runs == 0:
        return W
    head = W.head(50)
    sizes = [len(x) for x in head.reach_keys(idx[:probe])]
    per_world = max(1.0, sum(sizes) / len(sizes) / head.runs)  # actors one candidate reaches
    fit = int(MAX_REACH_BYTES // (per_world * len(idx) * 8))
    if fit >= W.runs:
        return W
    if fit < MIN_CELF_RUNS:
        return None
    return W.head(fit)


def _imm(rev: _Reverse, nodes: list, k: int, epsilon: float, rng, idx: list[int]) -> tuple[RRSets, dict]:
    """The RR sets of IMM (Tang, Shi & Xiao 2015): estimate a lower bound of the best reach, then
    draw fresh sets for the selection (Chen 2018), at most :data:`RIS_MAX_SETS`."""
    n = len(nodes)
    if n < 2:  # nothing to estimate (and IMM's logarithms need n >= 2)
        ptr, mem = rev.sample(RIS_MIN_SETS, rng)
        return RRSets(nodes, ptr, mem), {"theta": RIS_MIN_SETS, "epsilon": epsilon}
    ell = 1.0 * (1 + math.log(2) / math.log(n))
    eps2 = math.sqrt(2) * epsilon
    k = min(k, n)
    log_cnk = math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)
    lam2 = (2 + 2 / 3 * eps2) * (log_cnk + ell * math.log(n) + math.log(max(math.log2(n), 1.0))) * n / eps2 ** 2
    lb = 1.0
    ptrs, mems, total = [np.zeros(1, dtype=np.int64)], [], 0
    for i in range(1, max(2, int(math.log2(n)))):
        x = n / 2 ** i
        want = min(RIS_MAX_SETS, math.ceil(lam2 / x))
        if want > total:
            ptr, mem = rev.sample(want - total, rng)
            ptrs.append(ptr[1:] + (ptrs[-1][-1] if len(ptrs) else 0))
            mems.append(mem)
            total = want
        R = RRSets(nodes, np.concatenate(ptrs), np.concatenate(mems))
        reach = _greedy_cover(_RROracle(R, idx), k)
        if reach >= (1 + eps2) * x or total >= RIS_MAX_SETS:
            lb = max(1.0, reach / (1 + eps2))
            break
    alpha = math.sqrt(ell * math.log(n) + math.log(2))
    beta = math.sqrt((1 - 1 / math.e) * (log_cnk + ell * math.log(n) + math.log(2)))
    lam_star = 2 * n * ((1 - 1 / math.e) * alpha + beta) ** 2 / epsilon ** 2
    theta = int(min(RIS_MAX_SETS, max(RIS_MIN_SETS, math.ceil(lam_star / lb))))
    # memory: about 24 bytes per member (the members, their set numbers, the by-actor order)
    size = max(1.0, R.members.size / max(len(R), 1))
    fit = max(MIN_RIS_SETS, int(MAX_REACH_BYTES // (24 * size)))
    info = {"theta": min(theta, fit), "epsilon": epsilon, "capped": theta >= RIS_MAX_SETS, "lower_bound": lb}
    if fit < theta:
        info["theta_reduced_from"] = theta
    ptr, mem = rev.sample(info["theta"], rng)
    return RRSets(nodes, ptr, mem), info


def _greedy_cover(oracle: _RROracle, k: int) -> float:
    """Expected reach of plain greedy max coverage (no constraints), for IMM's estimate."""
    got = 0
    for _ in range(min(k, len(oracle.idx))):
        got += oracle.add(int(np.argmax(oracle.gains())))
    return got * oracle.scale


# -- selection -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReachPick:
    """One pick of :func:`select_reach` or :func:`select_diverse`."""

    rank: int
    actor: Any
    marginal_gain: float  #: expected actors reached that the previous picks do not reach
    expected_reach: float  #: expected unique reach of the picks so far (this one included)
    solo_reach: float  #: expected reach of this actor alone
    overlap: float  #: share of its solo reach the previous picks already reach (0 for the first)
    audience_overlap: float  #: largest audience Jaccard with a previous pick (0 for the first)
    community: Any = None  #: its community (node attribute ``community``), if known
    reason: str = ""  #: why it was picked
    relays: Relays | None = None  #: through whom its own reach goes (:func:`relay_breakdown`)


@dataclass(frozen=True)
class ReachResult:
    """The picks of :func:`select_reach` or :func:`select_diverse` and how they were made."""

    picks: tuple
    params: dict
    excluded: dict  #: ``{"competitor": n, "bot-like": n, ...}`` removed from the pool

    @property
    def actors(self) -> list:
        return [x.actor for x in self.picks]

    @property
    def expected_reach(self) -> float:
        return self.picks[-1].expected_reach if self.picks else 0.0


def _audience_overlap(S, chosen: list[int], i: int) -> float:
    if not chosen:
        return 0.0
    jac, _, _ = _overlaps(S, np.array(chosen + [i]))
    return float(jac[-1, :-1].max())


def _resolve_method(method: str, n: int, worlds) -> str:
    method = _check_choice("method", method, METHODS)
    if method == "auto":
        return "celf" if worlds is not None or n < RIS_MIN_NODES else "ris"
    if method == "ris" and worlds is not None:
        raise ConfigError("worlds are for method='celf'; RIS samples its own RR sets", key="method")
    return method


def select_reach(
    G,
    k: int = 10,
    *,
    ranking: RankingResult | None = None,
    config: RankingConfig | None = None,
    candidates: Iterable | None = None,
    pool: int | None = None,
    p: float | None = None,
    runs: int = DEFAULT_RUNS,
    seed=0,
    worlds: Worlds | None = None,
    exclude_competitors: bool = True,
    exclude_bots: bool = True,
    model: str = "ic",
    method: str = "auto",
    epsilon: float = DEFAULT_EPSILON,
    theta: int | None = None,
    exclude: Mapping | None = None,
    quotas: Iterable[Quota | str] | None = None,
    no_relay: Mapping | Iterable | None = None,
    explain: bool = True,
    progress=None,
) -> ReachResult:
    """Pick ``k`` actors that together reach the most actors (greedy, CELF or RIS).

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
    pool : int, optional
        How many of the ranking's top actors are candidates. Default: :data:`DEFAULT_POOL` with
        CELF, every ranked actor with RIS.
    p, runs, seed, model
        The reach model (see :func:`sample_worlds`); ``runs`` and ``p``/``model`` are ignored
        when ``worlds`` is given, ``runs`` with RIS.
    worlds : Worlds, optional
        Live-edge worlds to select on (CELF).
    exclude_competitors, exclude_bots : bool, default=True
    method : {"auto", "celf", "ris"}, default="auto"
        See the module notes.
    epsilon : float, default=0.5
        RIS: IMM's approximation slack (smaller: more RR sets).
    theta : int, optional
        RIS: a fixed number of RR sets instead of IMM's.
    exclude : mapping, optional
        ``{actor: reason}``: more actors to leave out (counted by reason in ``excluded``).
    quotas : iterable of Quota or str, optional
        Maxima per node attribute value (see :func:`parse_quota`).
    no_relay : mapping or iterable, optional
        Actors who pass nothing on when reached (they are still counted, and still spread as
        seeds). Default :func:`relay_blocks`: the competitors and the ``filters.exclude`` actors
        of the ranking's (or ``config``'s) configuration. ``()`` lets everyone relay. Ignored
        when ``worlds`` is given (the worlds carry their own).
    explain : bool, default=True
        Measure each pick's :class:`Relays` (on the first :data:`RELAY_RUNS` worlds, or on as
        many fresh ones with RIS).
    progress : influence.progress.Progress, optional
        Told the steps "Simulating reach" and "Selecting reach" (one unit per pick, ``k`` in all).

    Returns
    -------
    ReachResult
        Fewer than ``k`` picks when fewer candidates satisfy the constraints.

    Examples
    --------
    Two actors with the same audience: the second adds nothing.

    >>> import networkx as nx
    >>> G = nx.DiGraph([(u, t) for u in "abc" for t in ("x", "y")] + [("d", "z")])
    >>> res = select_reach(G, 3, candidates=["x", "y", "z"], p=1.0, runs=5)
    >>> [(x.actor, x.marginal_gain, x.overlap) for x in res.picks]
    [('x', 4.0, 0.0), ('z', 2.0, 0.0), ('y', 1.0, 0.75)]
    """
    k = _check_count("k", k)
    if pool is not None:
        pool = _check_count("pool", pool)
    model = _check_choice("model", model, MODELS)
    if worlds is not None:
        nodes, S = worlds.nodes, worlds.S
        relay, blocked = worlds.relay, dict(worlds.params.get("no_relay") or {})
    else:
        nodes, S = _matrix(G)
        no_relay = _default_blocks(G, no_relay, ranking, config)
        relay, blocked = _relay_mask(G, nodes, no_relay)
    explicit = method == "celf"
    from .progress import as_progress

    progress = as_progress(progress)
    progress.step("Simulating reach")
    method = _resolve_method(method, len(nodes), worlds)
    if method == "celf" and pool is None:
        pool = DEFAULT_POOL
    keep, excluded = _candidates(G, nodes, S, ranking=ranking, config=config, candidates=candidates,
                                 pool=pool, exclude_competitors=exclude_competitors,
                                 exclude_bots=exclude_bots, exclude=exclude)
    quota = _Quotas(G, quotas)
    idx = [i for _, i in keep]
    params: dict = {"k": int(k), "candidates": len(keep), "model": model, "method": method,
                    "pool": pool, "no_relay": blocked}
    if method == "celf":
        W = worlds if worlds is not None else sample_worlds(G, p=p, runs=runs, seed=seed, model=model,
                                                            no_relay=no_relay)
        fitted = _fit_worlds(W, idx) if worlds is None else W
        if fitted is None and explicit:
            raise ConfigError(
                f"CELF would keep more than {MAX_REACH_BYTES / 2**30:g} GiB of reaches even on "
                f"{MIN_CELF_RUNS} worlds (single actors reach much of the graph under this model): "
                "use method='ris' (--method ris) or a smaller pool", key="method")
        if fitted is None:
            method = "ris"
            params.update({"method": "ris", "switched": "celf reaches too large for memory"})
        else:
            W = fitted
            params.update(W.params)
            if W.runs < runs and worlds is None:
                params["runs_reduced_from"] = int(runs)
            oracle: Any = _WorldOracle(W, idx)
    if method != "celf":
        epsilon = check_number("epsilon", epsilon, 0.0, 1.0, open_lo=True)
        if p is not None:
            p = check_probability("p", p)
        rng = make_rng(seed)
        rev = _Reverse(S, _probabilities(S, model, p), model, relay)
        n = len(nodes)
        if not n or not idx:
            R, info = RRSets(nodes, np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int64)), {"theta": 0}
        elif theta is not None:
            theta = _check_count("theta", theta)
            ptr, mem = rev.sample(theta, rng)
            R, info = RRSets(nodes, ptr, mem), {"theta": theta}
        else:
            R, info = _imm(rev, nodes, k, epsilon, rng, idx)
        params.update({"p": p, "seed": seed if not isinstance(seed, np.random.Generator) else None, **info})
        oracle = _RROracle(R, idx)
    picks: list[ReachPick] = []
    chosen: list[int] = []
    community = _node_attr(G, "community")
    total = 0
    explain_on = None
    if explain:
        explain_on = W.head(RELAY_RUNS) if method == "celf" else sample_worlds(
            G, p=p, runs=min(runs, RELAY_RUNS), seed=seed, model=model, no_relay=no_relay)
    progress.step("Selecting reach", total=k)
    for j, gain in _greedy(oracle, len(idx), k, lambda j: quota.allows(keep[j][0])):
        actor, i = keep[j]
        quota.add(actor)
        total += gain
        solo = float(oracle.solo[j])
        reason = ("largest marginal gain left" if gain > 0
                  else "no candidate left adds reach: next in ranking order")
        picks.append(ReachPick(
            rank=len(picks) + 1, actor=actor, marginal_gain=gain * oracle.scale,
            expected_reach=total * oracle.scale, solo_reach=solo * oracle.scale,
            overlap=float(1.0 - gain / solo) if picks and solo else 0.0,
            audience_overlap=_audience_overlap(S, chosen, i), community=community.get(actor),
            reason=reason, relays=_relays(explain_on, i) if explain_on is not None else None,
        ))
        chosen.append(i)
        progress.advance(1)
    return ReachResult(tuple(picks), params, excluded)


def _default_blocks(G, no_relay, ranking, config):
    """``no_relay``, or :func:`relay_blocks` with the ``filters.exclude`` patterns of the ranking's
    configuration (else ``config``'s) when it is None."""
    if no_relay is not None:
        return no_relay
    cfg = ranking.config if ranking is not None else config
    return relay_blocks(G, patterns=getattr(cfg, "exclude_patterns", None))


def _greedy(oracle, m: int, k: int, allowed) -> Iterable[tuple[int, int]]:
    """Greedy picks ``(candidate, gain)``; ties go to the earlier candidate. Candidates the
    constraints refuse are dropped for good (quotas are maxima: a refused one stays refused)."""
    if isinstance(oracle, _RROracle):  # exact gains at hand: plain greedy, vectorised
        alive = np.ones(m, dtype=bool)
        for _ in range(k):
            while alive.any():
                g = np.where(alive, oracle.gains(), -1)
                j = int(np.argmax(g))
                alive[j] = False
                if allowed(j):
                    break
            else:
                return
            yield j, oracle.add(j)
        return
    # CELF: (-gain, candidate order, stamp); a gain computed at stamp == picks so far is current
    heap = [(-int(oracle.solo[j]), j, 0) for j in range(m)]
    heapq.heapify(heap)
    done = 0
    while heap and done < k:
        _, j, stamp = heapq.heappop(heap)
        if not allowed(j):
            continue
        if stamp != done:
            heapq.heappush(heap, (-oracle.gain(j), j, done))
            continue
        yield j, oracle.add(j)
        done += 1


def select_diverse(
    G,
    k: int = 10,
    *,
    ranking: RankingResult | None = None,
    config: RankingConfig | None = None,
    candidates: Iterable | None = None,
    pool: int = DEFAULT_POOL,
    communities: Mapping | None = None,
    community_bonus: float = DEFAULT_COMMUNITY_BONUS,
    p: float | None = None,
    runs: int = DEFAULT_RUNS,
    seed=0,
    worlds: Worlds | None = None,
    model: str = "ic",
    exclude_competitors: bool = True,
    exclude_bots: bool = True,
    exclude: Mapping | None = None,
    quotas: Iterable[Quota | str] | None = None,
    no_relay: Mapping | Iterable | None = None,
    explain: bool = True,
    progress=None,
) -> ReachResult:
    """Pick ``k`` actors balancing score with community coverage and low audience overlap.

    Greedy: each step picks the candidate with the largest

        ``value = s(v) * (1 - J(v)) * (1 + community_bonus if c(v) is not covered yet else 1)``

    where ``s(v)`` is its score divided by the best candidate's score, ``J(v)`` its largest
    audience Jaccard with a previous pick (see :func:`overlap`) and ``c(v)`` its community. Ties go
    to the better-ranked. The picks' expected reach, marginal gains and overlaps are then measured
    on live-edge worlds of the reach model, as :func:`select_reach` reports them.

    Parameters
    ----------
    G : networkx.Graph or GraphView
    k : int, default=10
    ranking, config, candidates, pool
        The candidates, as :func:`select_reach` with CELF (scores: the ranking's, or 1 each for
        explicit ``candidates`` without a ranking).
    communities : mapping, optional
        ``{actor: community}``; default the node attribute ``community``, else
        :func:`influence.communities.detect_communities` (seeded with ``seed``).
    community_bonus : float, default=0.5
    p, runs, seed, worlds, model
        The reach model the picks are measured with (see :func:`sample_worlds`).
    exclude_competitors, exclude_bots, exclude, quotas, no_relay, explain
        As :func:`select_reach`.
    progress : influence.progress.Progress, optional
        Told the step "Selecting diverse" (one unit per pick, ``k`` in all).

    Examples
    --------
    a and b share their audience; c, in another community, scores less but adds a new audience:

    >>> import networkx as nx
    >>> G = nx.DiGraph([(u, t) for u in "uvw" for t in "ab"] + [("x", "c"), ("y", "c")])
    >>> res = select_diverse(G, 2, candidates=["a", "b", "c"], p=1.0, runs=5,
    ...                      communities={"a": 0, "b": 0, "c": 1})
    >>> res.actors
    ['a', 'c']
    """
    k = _check_count("k", k)
    pool = _check_count("pool", pool)
    check_number("community_bonus", community_bonus, 0.0)
    nodes, S = (worlds.nodes, worlds.S) if worlds is not None else _matrix(G)
    if candidates is None and ranking is None:
        from .ranking import rank

        ranking = rank(G, config)
    keep, excluded = _candidates(G, nodes, S, ranking=ranking, config=config, candidates=candidates,
                                 pool=pool, exclude_competitors=exclude_competitors,
                                 exclude_bots=exclude_bots, exclude=exclude)
    quota = _Quotas(G, quotas)
    if communities is None:
        communities = _node_attr(G, "community")
        if not communities and keep:
            from .communities import detect_communities

            communities = detect_communities(G, seed=seed)  # a GraphView stays on the array path
    if ranking is not None and candidates is None:
        scores = {e.actor: e.score for e in ranking[:pool]}
    elif ranking is not None:
        scores = {e.actor: e.score for e in ranking}
    else:
        scores = {}
    m = len(keep)
    s = np.array([float(scores.get(a, 1.0)) for a, _ in keep])
    s = s / s.max() if m and s.max() > 0 else np.ones(m)
    idx = np.array([i for _, i in keep], dtype=np.int64)
    jac = _jaccard(S, idx)
    comm = [communities.get(a) for a, _ in keep]
    if worlds is None:
        no_relay = _default_blocks(G, no_relay, ranking, config)
    W = worlds if worlds is not None else sample_worlds(G, p=p, runs=runs, seed=seed, model=model,
                                                        no_relay=no_relay)
    explain_on = W.head(RELAY_RUNS) if explain else None
    from .progress import as_progress

    progress = as_progress(progress)
    progress.step("Selecting diverse", total=k)
    reached = np.zeros(W.runs * len(nodes), dtype=bool)
    worst = np.zeros(m)  # largest Jaccard with a pick so far
    alive = np.ones(m, dtype=bool)
    covered: set = set()
    picks: list[ReachPick] = []
    chosen: list[int] = []
    total = 0
    while len(picks) < k and alive.any():
        bonus = np.array([1.0 + community_bonus if c is not None and c not in covered else 1.0 for c in comm])
        value = np.where(alive, s * (1.0 - worst) * bonus, -1.0)
        j = int(np.argmax(value))
        alive[j] = False
        actor = keep[j][0]
        if not quota.allows(actor):
            continue
        quota.add(actor)
        keys = W.reach_keys([int(idx[j])])[0]  # measured for the picks only
        gain = int(np.count_nonzero(~reached[keys]))
        reached[keys] = True
        total += gain
        solo = float(len(keys))
        new_comm = comm[j] is not None and comm[j] not in covered
        reason = (f"score {s[j]:.2f} of the best x (1 - audience overlap {worst[j]:.2f})"
                  + (f" x {1 + community_bonus:g} for community {comm[j]}, not covered yet" if new_comm
                     and community_bonus else "") + f" = {value[j]:.3f}, the best of {int(alive.sum()) + 1}")
        picks.append(ReachPick(
            rank=len(picks) + 1, actor=actor, marginal_gain=gain / W.runs, expected_reach=total / W.runs,
            solo_reach=solo / W.runs, overlap=(1.0 - gain / solo) if picks and solo else 0.0,
            audience_overlap=float(worst[j]), community=comm[j], reason=reason,
            relays=_relays(explain_on, int(idx[j])) if explain_on is not None else None,
        ))
        chosen.append(int(idx[j]))
        worst = np.maximum(worst, jac[j])
        if comm[j] is not None:
            covered.add(comm[j])
        progress.advance(1)
    params = {**W.params, "k": int(k), "pool": pool, "candidates": m, "method": "diverse",
              "no_relay": dict(W.params.get("no_relay") or {}),
              "community_bonus": float(community_bonus), "communities_covered": len(covered)}
    return ReachResult(tuple(picks), params, excluded)


def _jaccard(S, idx: np.ndarray) -> np.ndarray:
    """Audience Jaccard between the rows ``idx`` of S (sparse: cheap for a few hundred actors)."""
    if not len(idx):
        return np.zeros((0, 0))
    B = S[idx].astype(bool).astype(np.float64)
    inter = (B @ B.T).toarray()
    sizes = np.asarray(B.sum(axis=1)).ravel()
    union = sizes[:, None] + sizes[None, :] - inter
    return np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
