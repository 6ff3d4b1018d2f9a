"""Choosing k actors who together reach the most: CELF over live-edge worlds or RIS over RR sets
(select_reach), communities and quotas (select_diverse).
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..diffusion import make_rng
from ..errors import ConfigError
from ..validation import check_number, check_probability

if TYPE_CHECKING:
    from ..config import RankingConfig
    from ..ranking import RankingResult
from ._blocks import relay_blocks, relay_mask
from ._common import (
    DEFAULT_POOL,
    DEFAULT_RUNS,
    METHODS,
    MODELS,
    check_count,
    check_option,
    graph_matrix,
    node_attribute,
)
from ._constraints import Quota, QuotaCounter, candidate_pool
from ._relays import RELAY_RUNS, RELAY_TOP, Relays, relays_of
from ._rrsets import ReverseSampler, RRSets
from ._worlds import Worlds, edge_probabilities, sample_worlds

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


#: :func:`select_diverse`: value multiplier for a pick from a community not covered yet is ``1 + bonus``.
DEFAULT_COMMUNITY_BONUS = 0.5


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


def _imm(rev: ReverseSampler, nodes: list, k: int, epsilon: float, rng, idx: list[int]) -> tuple[RRSets, dict]:
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
    relays: Relays | None = None  #: through whom its own reach goes (:func:`relay_breakdown`, top 5)


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
    """The largest audience Jaccard between actor ``i`` and the ``chosen`` ones: the last row of
    :func:`overlap_counts`' Jaccard, computed on the sparse rows alone (that function also builds
    dense rows and the weighted Jaccard of every pair: 25 s for 20 picks at 1M actors)."""
    if not chosen:
        return 0.0
    row = S[np.array([i])].tocsr()
    cols = row.indices[row.data > 0]
    sub = S[np.asarray(chosen)].tocsr()
    sub.data = (sub.data > 0).astype(float)
    sub.eliminate_zeros()
    inter = np.asarray(sub[:, cols].sum(axis=1)).ravel() if cols.size else np.zeros(len(chosen))
    union = np.diff(sub.indptr) + cols.size - inter
    jac = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
    return float(jac.max())


def _resolve_method(method: str, n: int, worlds) -> str:
    method = check_option("method", method, METHODS)
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
        many fresh ones with RIS), its :data:`RELAY_TOP` biggest relays kept.
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
    k = check_count("k", k)
    if pool is not None:
        pool = check_count("pool", pool)
    model = check_option("model", model, MODELS)
    if worlds is not None:
        nodes, S = worlds.nodes, worlds.S
        relay, blocked = worlds.relay, dict(worlds.params.get("no_relay") or {})
    else:
        nodes, S = graph_matrix(G)
        no_relay = _default_blocks(G, no_relay, ranking, config)
        relay, blocked = relay_mask(G, nodes, no_relay)
    explicit = method == "celf"
    from ..progress import as_progress

    progress = as_progress(progress)
    progress.step("Simulating reach")
    method = _resolve_method(method, len(nodes), worlds)
    if method == "celf" and pool is None:
        pool = DEFAULT_POOL
    keep, excluded = candidate_pool(G, nodes, S, ranking=ranking, config=config, candidates=candidates,
                                 pool=pool, exclude_competitors=exclude_competitors,
                                 exclude_bots=exclude_bots, exclude=exclude)
    quota = QuotaCounter(G, quotas)
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
        rev = ReverseSampler(S, edge_probabilities(S, model, p), model, relay)
        n = len(nodes)
        if not n or not idx:
            R, info = RRSets(nodes, np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int64)), {"theta": 0}
        elif theta is not None:
            theta = check_count("theta", theta)
            ptr, mem = rev.sample(theta, rng)
            R, info = RRSets(nodes, ptr, mem), {"theta": theta}
        else:
            R, info = _imm(rev, nodes, k, epsilon, rng, idx)
        params.update({"p": p, "seed": seed if not isinstance(seed, np.random.Generator) else None, **info})
        oracle = _RROracle(R, idx)
    picks: list[ReachPick] = []
    chosen: list[int] = []
    community = node_attribute(G, "community")
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
            reason=reason, relays=relays_of(explain_on, i, RELAY_TOP) if explain_on is not None else None,
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
    k = check_count("k", k)
    pool = check_count("pool", pool)
    check_number("community_bonus", community_bonus, 0.0)
    nodes, S = (worlds.nodes, worlds.S) if worlds is not None else graph_matrix(G)
    if candidates is None and ranking is None:
        from ..ranking import rank

        ranking = rank(G, config)
    keep, excluded = candidate_pool(G, nodes, S, ranking=ranking, config=config, candidates=candidates,
                                 pool=pool, exclude_competitors=exclude_competitors,
                                 exclude_bots=exclude_bots, exclude=exclude)
    quota = QuotaCounter(G, quotas)
    if communities is None:
        communities = node_attribute(G, "community")
        if not communities and keep:
            from ..communities import detect_communities

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
    jac = jaccard_matrix(S, idx)
    comm = [communities.get(a) for a, _ in keep]
    if worlds is None:
        no_relay = _default_blocks(G, no_relay, ranking, config)
    W = worlds if worlds is not None else sample_worlds(G, p=p, runs=runs, seed=seed, model=model,
                                                        no_relay=no_relay)
    explain_on = W.head(RELAY_RUNS) if explain else None
    from ..progress import as_progress

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
            relays=relays_of(explain_on, int(idx[j]), RELAY_TOP) if explain_on is not None else None,
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


def jaccard_matrix(S, idx: np.ndarray) -> np.ndarray:
    """Audience Jaccard between the rows ``idx`` of S (sparse: cheap for a few hundred actors)."""
    if not len(idx):
        return np.zeros((0, 0))
    B = S[idx].astype(bool).astype(np.float64)
    inter = (B @ B.T).toarray()
    sizes = np.asarray(B.sum(axis=1)).ravel()
    union = sizes[:, None] + sizes[None, :] - inter
    return np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
