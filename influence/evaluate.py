"""Evaluate rankings: spreading-simulation ground truth, label files, and rank metrics.

A ranking of opinion leaders is only as good as its agreement with some independent notion of
influence. This module gives two such notions and four ways to measure the agreement.

Ground truth
------------
**Spreading power** (:func:`sir_spreading`, :func:`ic_spreading`, :func:`spreading_truth`): the
expected number of actors a process started from one actor reaches, estimated by repeated, seeded,
vectorised simulation. **A file of known influencers** (:func:`read_truth`): a CSV of actor ids,
optionally with a numeric label or score per actor.

Direction
---------
An interaction ``u -> v`` means *u gives attention to v* (see :mod:`influence.records`): v is the
one who can influence u. Spreading therefore runs **along reversed edges**: an infected v infects
the actors who gave it attention. An undirected graph spreads both ways.

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
    neighbours, with a probability per edge. By default (``p=None``) the probability is the
    *weighted cascade* of Kempe, Kleinberg & Tardos: v activates u with probability
    ``w(u -> v) / sum_x w(u -> x)``, the share of u's attention that goes to v. With a number
    ``p``, each of the ``w`` interactions of an edge is an independent chance ``p``:
    ``1 - (1 - p) ** w`` (``p`` itself on unweighted graphs).

Both are simulated as cascades over a CSR matrix: at each step, the out-edges of all the active
(actor, run) pairs of a batch of runs are expanded at once and tried with one vector of random
draws. SIR with recovery probability ``gamma`` is simulated exactly (for its final size) by giving
each infected actor a geometric infectious period ``D`` and each of its edges the chance
``1 - (1 - beta) ** D`` (bond percolation with per-node durations, as in Kenah & Robins 2007).
:func:`_sir_python` is a step-by-step pure-Python reference used in the tests.

Metrics
-------
Kendall tau-b and Spearman's rho (:mod:`scipy.stats`), precision@k and NDCG@k. The last two are
tie-aware: when several actors share the score at the cut-off, each counts with the probability it
would have to be in the top k under a random order of the ties (McSherry & Najork 2008).
Tau-b is the tie-aware Kendall: pairs tied in the truth count neither for nor against a ranking.

When the truth cannot tell
--------------------------
Being tie-aware does not make a metric meaningful when the truth is mostly ties: then tau-b judges
only the few untied pairs, and on a sparse attention graph almost all of those merely separate the
actors nobody listens to (reach 1) from the others. :func:`truth_diagnostics` (attached to every
:class:`Evaluation` as ``truth``) counts the distinct values, the tied pairs and the actors at the
minimum, and says when a truth cannot discriminate (:data:`TIED_PAIRS_LIMIT`,
:data:`MIN_DISTINCT`).

References
----------
.. [1] M. Kitsak et al., "Identification of influential spreaders in complex networks", Nature
   Physics 6 (2010) 888-893. doi:10.1038/nphys1746
.. [2] M. E. J. Newman, S. H. Strogatz, D. J. Watts, "Random graphs with arbitrary degree
   distributions and their applications", Phys. Rev. E 64 (2001) 026118.
   doi:10.1103/PhysRevE.64.026118
.. [3] R. Pastor-Satorras, C. Castellano, P. Van Mieghem, A. Vespignani, "Epidemic processes in
   complex networks", Rev. Mod. Phys. 87 (2015) 925. doi:10.1103/RevModPhys.87.925
.. [4] D. Kempe, J. Kleinberg, E. Tardos, "Maximizing the spread of influence through a social
   network", KDD 2003. doi:10.1145/956750.956769
.. [5] E. Kenah, J. M. Robins, "Second look at the spread of epidemics on networks",
   Phys. Rev. E 76 (2007) 036113. doi:10.1103/PhysRevE.76.036113
.. [6] F. McSherry, M. Najork, "Computing information retrieval performance measures efficiently
   in the presence of tied scores", ECIR 2008. doi:10.1007/978-3-540-78646-7_38
.. [7] B. Karrer, M. E. J. Newman, L. Zdeborova, "Percolation on sparse networks", Phys. Rev.
   Lett. 113 (2014) 208702. doi:10.1103/PhysRevLett.113.208702

Examples
--------
>>> import networkx as nx
>>> G = nx.DiGraph([("ana", "luis"), ("eva", "luis"), ("luis", "eva"), ("pia", "eva")])
>>> truth = spreading_truth(G, "ic", p=1.0, runs=10, seed=0)   # p=1: reach = everyone upstream
>>> truth.values
{'ana': 1.0, 'luis': 4.0, 'eva': 4.0, 'pia': 1.0}
>>> ev = evaluate_ranking({"ana": 0.1, "luis": 0.9, "eva": 0.5, "pia": 0.2}, truth, k=2)
>>> round(ev.kendall, 3), ev.precision_at_k, ev.ndcg_at_k
(0.816, 1.0, 1.0)
"""

from __future__ import annotations

import csv
import hashlib
import math
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import ConfigError, InputDataError

if TYPE_CHECKING:
    import networkx as nx

    from .config import RankingConfig
    from .ranking import RankingResult

__all__ = [
    "Truth",
    "TruthDiagnostics",
    "Evaluation",
    "MeasureEvaluation",
    "METRICS",
    "epidemic_threshold",
    "sir_spreading",
    "ic_spreading",
    "spreading_truth",
    "read_truth",
    "kendall_tau",
    "spearman_rho",
    "precision_at_k",
    "ndcg_at_k",
    "evaluate_ranking",
    "evaluate_measures",
    "truth_diagnostics",
    "TIED_PAIRS_LIMIT",
    "MIN_DISTINCT",
    "measure_table",
]

#: Metric names, as used by :class:`Evaluation` attributes, sweeps and the CLI's ``--metric``.
METRICS: tuple[str, ...] = ("kendall", "spearman", "precision", "ndcg")

#: Bytes of "already reached" flags a batch of simulations may use (one byte per actor per run).
_BATCH_BYTES = 1 << 25

ProgressFn = Callable[[int, int], None]

#: A graded truth cannot discriminate when more than this share of the compared actors' pairs are
#: tied in it: Kendall tau-b and Spearman then rest on fewer than half of the pairs (see
#: :func:`truth_diagnostics`).
TIED_PAIRS_LIMIT = 0.5
#: ... or when it has fewer distinct values than this (or than actors, if fewer): with the
#: default k of 10, its own top 10 cannot be put in order.
MIN_DISTINCT = 10


# -- results ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Truth:
    """A ground truth to evaluate rankings against.

    Attributes
    ----------
    values : dict
        ``{actor: value}``, higher = more influential (spreading power, a score, a label).
    source : str
        ``"sir"``, ``"ic"`` or ``"file"``.
    binary : bool
        True for a plain list of known influencers: the listed actors are the positives and every
        other ranked actor counts as a negative (value 0). Otherwise only the actors in ``values``
        are compared.
    params : dict
        How it was made (model, beta, threshold, runs, seed, file ...): goes into manifests.
    unmatched : tuple of str
        Ids of a truth file that match no actor of the graph (only when matched against one).
    """

    values: dict
    source: str
    binary: bool = False
    params: dict = field(default_factory=dict)
    unmatched: tuple = ()

    def __len__(self) -> int:
        return len(self.values)


@dataclass(frozen=True)
class TruthDiagnostics:
    """How far a ground truth can tell the compared actors apart (:func:`truth_diagnostics`).

    Attributes
    ----------
    n : int
        Actors compared.
    distinct : int
        Distinct truth values among them.
    tied_pairs : float
        Share of the ``n (n - 1) / 2`` pairs of actors whose truth values are equal. Kendall
        tau-b leaves them out of its count: it only judges the other pairs.
    at_minimum : float
        Share of the actors at the truth's lowest value (in a spreading truth: those who reach
        only themselves, because nobody gives them attention).
    minimum : float
        That lowest value.
    minimum_pairs : float
        Share of the untied pairs that only separate an actor at the minimum from one above it:
        near 1, a high Kendall tau says little more than "the measure knows who has an audience".
    binary : bool
        A list of known influencers (ties are its design: read precision@k).
    discriminates : bool
        False when the rule is broken: a graded truth with more than :data:`TIED_PAIRS_LIMIT` of
        its pairs tied, or fewer than :data:`MIN_DISTINCT` distinct values (or than ``n`` if
        smaller); a binary truth without both listed and unlisted actors.
    reason : str
        Why it cannot discriminate, in words; ``""`` when it can.
    """

    n: int
    distinct: int
    tied_pairs: float
    at_minimum: float
    minimum: float
    minimum_pairs: float
    binary: bool
    discriminates: bool
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (shares rounded to 6 significant digits)."""
        return {
            "n": self.n,
            "distinct_values": self.distinct,
            "tied_pairs": _clean(self.tied_pairs),
            "at_minimum": _clean(self.at_minimum),
            "minimum": _clean(self.minimum),
            "minimum_pairs": _clean(self.minimum_pairs),
            "binary": self.binary,
            "discriminates": self.discriminates,
            "reason": self.reason or None,
        }


@dataclass(frozen=True)
class Evaluation:
    """Agreement of a ranking with a ground truth.

    Attributes
    ----------
    kendall, spearman : float
        Kendall tau-b and Spearman rho between scores and truth (NaN when either is constant).
    precision_at_k : float
        Precision@k: the share of the ranking's top k that are in the truth's top k (graded truth)
        or are known influencers (binary truth). Tie-aware. (Metric name ``"precision"``; the
        attribute ``precision`` is a deprecated alias.)
    ndcg_at_k : float
        NDCG@k with the truth values, shifted so that the lowest is 0, as gains. Tie-aware.
        (Metric name ``"ndcg"``; the attribute ``ndcg`` is a deprecated alias.)
    k : int
    n : int
        Number of actors compared.
    truth : TruthDiagnostics or None
        How far the truth tells those actors apart (not part of :meth:`to_dict`, nor of
        equality: it is the same for every ranking compared with one truth).
    """

    kendall: float
    spearman: float
    precision_at_k: float
    ndcg_at_k: float
    k: int
    n: int
    truth: TruthDiagnostics | None = field(default=None, compare=False, repr=False)

    @property
    def precision(self) -> float:
        """Deprecated alias of :attr:`precision_at_k` (the name :meth:`to_dict` uses)."""
        _warn_renamed("precision", "precision_at_k")
        return self.precision_at_k

    @property
    def ndcg(self) -> float:
        """Deprecated alias of :attr:`ndcg_at_k` (the name :meth:`to_dict` uses)."""
        _warn_renamed("ndcg", "ndcg_at_k")
        return self.ndcg_at_k

    def metric(self, name: str) -> float:
        """The value of a metric by name (one of :data:`METRICS`: ``"precision"`` reads
        :attr:`precision_at_k`, ``"ndcg"`` :attr:`ndcg_at_k`)."""
        if name not in METRICS:
            raise ConfigError(f"unknown metric {name!r} (expected one of: {', '.join(METRICS)})",
                              key="metric")
        return getattr(self, _METRIC_FIELDS.get(name, name))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (NaN becomes ``None``), values rounded to 6 significant digits."""
        return {
            "kendall": _clean(self.kendall),
            "spearman": _clean(self.spearman),
            "precision_at_k": _clean(self.precision_at_k),
            "ndcg_at_k": _clean(self.ndcg_at_k),
            "k": self.k,
            "n": self.n,
        }


@dataclass(frozen=True)
class MeasureEvaluation:
    """One row of :func:`evaluate_measures`: a single measure, or the configured composite."""

    name: str  #: measure name, or ``"composite"``
    weight: float  #: its weight in the configuration (1.0 for the composite)
    evaluation: Evaluation

    def to_dict(self) -> dict[str, Any]:
        return {"measure": self.name, "weight": self.weight, **self.evaluation.to_dict()}


_METRIC_FIELDS = {"precision": "precision_at_k", "ndcg": "ndcg_at_k"}


def _warn_renamed(old: str, new: str) -> None:
    import warnings

    warnings.warn(f"Evaluation.{old} is deprecated, use Evaluation.{new} (the name to_dict() uses)",
                  DeprecationWarning, stacklevel=3)


def _clean(x: float) -> float | None:
    return None if x is None or not math.isfinite(x) else float(f"{x:.6g}")


# -- spreading -------------------------------------------------------------------------------------


def _rng(seed) -> np.random.Generator:
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0):
        raise ConfigError(f"seed must be a whole number >= 0, got {seed!r}", key="seed")
    return np.random.default_rng(seed)


def _spreading_matrix(G: nx.Graph, weight: str | None):
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
    return _threshold(_spreading_matrix(G, None)[1])


def _threshold(S) -> float:
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


def _check_prob(name: str, value: float, *, key: str | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not (0.0 <= value <= 1.0):
        raise ConfigError(f"{name} must be a number in [0, 1], got {value!r}", key=key or name)
    return float(value)


def _check_runs(runs) -> int:
    if isinstance(runs, bool) or not isinstance(runs, (int, np.integer)) or runs < 1:
        raise ConfigError(f"runs must be a whole number >= 1, got {runs!r}", key="runs")
    return int(runs)


def _source_index(nodes: list, which: Iterable | None) -> np.ndarray:
    if which is None:
        return np.arange(len(nodes))
    pos = {v: i for i, v in enumerate(nodes)}
    out = []
    for v in which:
        if v not in pos:
            raise ConfigError(f"node {v!r} is not in the graph", key="nodes")
        out.append(pos[v])
    return np.asarray(out, dtype=np.int64)


def _cascade(S, q: np.ndarray, sources: np.ndarray, runs: int, rng: np.random.Generator, *,
             gamma: float = 1.0, progress: ProgressFn | None = None, relay: np.ndarray | None = None,
             batch_bytes: int = _BATCH_BYTES) -> np.ndarray:
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
    if _certain(q, gamma):
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
                pos = _bernoulli_successes(rng, uniform, tries)
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


def _certain(q: np.ndarray, gamma: float) -> bool:
    """True when a cascade's outcome has no chance in it: no edge can transmit, or every edge
    transmits at the first try. One run then gives the exact answer (:func:`_cascade` runs once)."""
    return not q.size or float(q.max()) <= 0.0 or (gamma >= 1.0 and float(q.min()) >= 1.0)


def _bernoulli_successes(rng: np.random.Generator, p: float, n: int) -> np.ndarray:
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
    return _sir(G, beta=beta, beta_factor=beta_factor, gamma=gamma, runs=runs, nodes=nodes,
                weight=weight, seed=seed, progress=progress)[0]


def _sir(G, *, beta, beta_factor, gamma, runs, nodes, weight, seed, progress):
    """:func:`sir_spreading`, also returning the beta used, the threshold (or None) and the
    number of runs simulated (1 when the outcome is certain, see :func:`_certain`)."""
    if isinstance(gamma, bool) or not isinstance(gamma, (int, float)) or not (0.0 < gamma <= 1.0):
        raise ConfigError(f"gamma must be a number in (0, 1], got {gamma!r}", key="gamma")
    runs = _check_runs(runs)
    rng = _rng(seed)
    order, S = _spreading_matrix(G, weight)
    beta, thr = _resolve_beta(S, beta, beta_factor)
    src = _source_index(order, nodes)
    q = np.full(S.nnz, beta) if weight is None else 1.0 - (1.0 - beta) ** S.data
    sizes = _cascade(S, q, src, runs, rng, gamma=float(gamma), progress=progress)
    used = 1 if _certain(q, float(gamma)) else runs
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
    return _ic(G, p=p, runs=runs, nodes=nodes, weight=weight, seed=seed, progress=progress,
               no_relay=no_relay)[0]


def _relay_mask(G, order: list, no_relay: Iterable | None) -> np.ndarray | None:
    """``relay[i]``: whether ``order[i]`` passes influence on (None: everyone); ``no_relay`` None
    means the graph's competitors (see :func:`ic_spreading`)."""
    if no_relay is None:
        blocked = {v for v, d in G.nodes(data=True) if d.get("is_competitor") or d.get("competitor")}
    else:
        blocked = set(no_relay)
    relay = np.fromiter((v not in blocked for v in order), dtype=bool, count=len(order))
    return None if relay.all() else relay


def _ic(G, *, p, runs, nodes, weight, seed, progress, no_relay=None):
    """:func:`ic_spreading`, also returning the number of runs simulated (1 when certain)."""
    if p is not None:
        p = _check_prob("p", p)
    runs = _check_runs(runs)
    rng = _rng(seed)
    order, S = _spreading_matrix(G, weight)
    src = _source_index(order, nodes)
    q = _ic_probabilities(S, p)
    sizes = _cascade(S, q, src, runs, rng, progress=progress, relay=_relay_mask(G, order, no_relay))
    used = 1 if _certain(q, 1.0) else runs
    return {order[i]: float(s) for i, s in zip(src.tolist(), sizes.tolist())}, used


def _ic_probabilities(S, p: float | None) -> np.ndarray:
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


def _resolve_beta(S, beta, beta_factor) -> tuple[float, float | None]:
    if beta is not None:
        return _check_prob("beta", beta), None
    if isinstance(beta_factor, bool) or not isinstance(beta_factor, (int, float)) \
            or not math.isfinite(beta_factor) or beta_factor < 0:
        raise ConfigError(f"beta_factor must be a number >= 0, got {beta_factor!r}", key="beta_factor")
    thr = _threshold(S)
    return min(1.0, beta_factor * thr) if math.isfinite(thr) else 1.0, thr


def spreading_truth(
    G: nx.Graph,
    model: str = "sir",
    *,
    beta: float | None = None,
    beta_factor: float = 1.5,
    gamma: float = 1.0,
    p: float | None = None,
    runs: int = 100,
    nodes: Iterable | None = None,
    sample: int | None = None,
    weight: str | None = None,
    seed=0,
    progress: ProgressFn | None = None,
) -> Truth:
    """Spreading power as a ground truth, with the parameters recorded for the manifest.

    Parameters
    ----------
    G : networkx.Graph or DiGraph
    model : {"sir", "ic"}, default="sir"
    beta, beta_factor, gamma
        SIR parameters (see :func:`sir_spreading`).
    p
        IC parameter (see :func:`ic_spreading`).
    runs : int, default=100
        Simulations per source. When the outcome has no chance in it (every edge transmits, as
        when SIR's ``beta`` is capped at 1, or none can), one run gives the exact answer and only
        one is made: ``params`` then records ``runs=1``, ``runs_requested`` and
        ``deterministic=True``.
    nodes : iterable, optional
        Estimate these actors only.
    sample : int, optional
        Estimate a uniform random sample of this many actors (of ``nodes``, or of the graph),
        drawn with ``seed``: the cost of the simulation grows with the number of sources.
    weight : str, optional
        SIR: edge attribute with interaction counts (default unweighted). IC: the attribute for
        the weighted cascade (``None`` here means ``"weight"``).
    seed : int, default=0
    progress : callable, optional

    Returns
    -------
    Truth
        ``source`` is the model; ``params`` holds every parameter used, including the resolved
        ``beta`` and the ``threshold``.

    Examples
    --------
    >>> import networkx as nx
    >>> t = spreading_truth(nx.karate_club_graph(), runs=200, seed=0)
    >>> t.params["model"], round(t.params["threshold"], 4), round(t.params["beta"], 4)
    ('sir', 0.1477, 0.2216)
    >>> sorted(sorted(t.values, key=t.values.get)[-2:])   # the two leaders spread furthest
    [0, 33]
    """
    if model not in ("sir", "ic"):
        raise ConfigError(f'model must be "sir" or "ic", got {model!r}', key="model")
    if isinstance(seed, np.random.Generator) or seed is None or isinstance(seed, bool) \
            or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ConfigError(f"seed must be a whole number >= 0, got {seed!r}", key="seed")
    pool = list(G) if nodes is None else list(nodes)
    if sample is not None:
        if isinstance(sample, bool) or not isinstance(sample, (int, np.integer)) or sample < 1:
            raise ConfigError(f"sample must be a whole number >= 1, got {sample!r}", key="sample")
        if sample < len(pool):
            # a stream of its own, so that sampling does not shift the simulation's draws
            pick = np.random.default_rng([int(seed), 1]).choice(len(pool), size=sample, replace=False)
            pool = [pool[i] for i in np.sort(pick)]
    params: dict[str, Any] = {"model": model, "runs": int(runs), "seed": int(seed),
                              "sources": len(pool), "direction": "reversed edges (attention target -> giver)"
                              if G.is_directed() else "undirected"}
    if sample is not None:
        params["sample"] = int(sample)
    if model == "sir":
        values, b, thr, used = _sir(G, beta=beta, beta_factor=beta_factor, gamma=gamma, runs=runs,
                                    nodes=pool, weight=weight, seed=int(seed), progress=progress)
        params.update(beta=b, gamma=float(gamma), weight=weight)
        if thr is not None:
            params.update(beta_factor=float(beta_factor), threshold=thr if math.isfinite(thr) else None)
    else:
        w = weight or "weight"
        params.update(p=p, probability="weighted cascade" if p is None else "1 - (1 - p) ** weight",
                      weight=w)
        values, used = _ic(G, p=p, runs=runs, nodes=pool, weight=w, seed=int(seed), progress=progress)
    if used != params["runs"]:
        # every edge transmits (or none can): one run gives the exact answer, and only one ran
        params.update(runs=used, runs_requested=int(runs), deterministic=True)
    return Truth(values=values, source=model, params=params)


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


# -- ground truth from a file ----------------------------------------------------------------------


def read_truth(path: str | os.PathLike, *, nodes: Iterable | None = None, platform: str = "import") -> Truth:
    """Read a ground-truth CSV: ``actor`` or ``actor,score`` (or ``actor,label``) per line.

    A header row is optional (recognised when its first field is ``actor`` or ``id``).

    - One column: a list of known influencers. The listed actors are the positives and every other
      ranked actor a negative (``binary=True``).
    - Two columns: a number per actor (a score, or a 0/1 label); only the listed actors are
      compared. Larger = more influential.

    Parameters
    ----------
    path : path-like
    nodes : iterable, optional
        The graph's actors. When given, ids are matched against them: first as written, then as
        canonical ids on ``platform`` (``42`` -> ``import:42``, see
        :func:`influence.records.parse_actor_id`); ids that match nothing go to ``unmatched``.
    platform : str, default="import"
        Platform of ids that are not canonical (as in ``influence import --platform``).

    Returns
    -------
    Truth

    Raises
    ------
    InputDataError
        Naming the file and line: a missing file, a bad number, a repeated actor, too many
        columns, or no rows.

    Examples
    --------
    >>> import tempfile, os
    >>> d = tempfile.mkdtemp()
    >>> f = os.path.join(d, "leaders.csv")
    >>> with open(f, "w") as fh:
    ...     _ = fh.write("actor,score\\n42,3\\n7,1.5\\n")
    >>> read_truth(f, nodes=["import:42", "import:7", "import:1"]).values
    {'import:42': 3.0, 'import:7': 1.5}
    """
    from .records import parse_actor_id

    p = os.fspath(path)
    if not os.path.isfile(p):
        raise InputDataError("no such file", path=p)
    rows: list[tuple[int, str, float | None]] = []
    width = None
    with open(p, encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        for fields in reader:
            line = reader.line_num
            fields = [f.strip() for f in fields]
            if not fields or not any(fields) or fields[0].startswith("#"):
                continue
            if not rows and width is None and fields[0].lower() in ("actor", "id"):
                width = len(fields)
                continue
            if len(fields) > 2:
                raise InputDataError(f"expected 'actor' or 'actor,score', got {len(fields)} fields",
                                     path=p, line=line)
            if width is None:
                width = len(fields)
            if len(fields) != width:
                raise InputDataError(f"expected {width} field(s) as on the first row, got {len(fields)}",
                                     path=p, line=line)
            if not fields[0]:
                raise InputDataError("empty actor id", path=p, line=line)
            value = None
            if width == 2:
                try:
                    value = float(fields[1])
                except ValueError:
                    raise InputDataError(f"score must be a number, got {fields[1]!r}", path=p,
                                         line=line) from None
                if not math.isfinite(value):
                    raise InputDataError(f"score must be finite, got {fields[1]!r}", path=p, line=line)
            rows.append((line, fields[0], value))
    if not rows:
        raise InputDataError("no actors in the ground-truth file", path=p)
    binary = width == 1
    lookup = None
    if nodes is not None:
        node_list = list(nodes)
        exact = {str(v): v for v in node_list}
        lookup = exact
    values: dict = {}
    unmatched: list[str] = []
    seen: dict = {}
    for line, raw, value in rows:
        key: Any = raw
        if lookup is not None:
            key = lookup.get(raw)
            if key is None:
                try:
                    key = lookup.get(parse_actor_id(raw, platform))
                except ValueError:
                    key = None
            if key is None:
                unmatched.append(raw)
                continue
        if key in seen:
            raise InputDataError(f"actor {raw!r} is listed twice (first on line {seen[key]})",
                                 path=p, line=line)
        seen[key] = line
        values[key] = 1.0 if binary else float(value)
    with open(p, "rb") as fh:
        digest = hashlib.sha256(fh.read()).hexdigest()
    params = {"file": os.path.basename(p), "sha256": digest, "rows": len(rows), "binary": binary}
    if nodes is not None:
        params.update(matched=len(values), unmatched=len(unmatched))
    return Truth(values=values, source="file", binary=binary, params=params, unmatched=tuple(unmatched))


# -- metrics ---------------------------------------------------------------------------------------


def _arrays(x, y) -> tuple[np.ndarray, np.ndarray]:
    a = np.asarray(x, dtype=float)
    b = np.asarray(y, dtype=float)
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError(f"scores and truth must be 1-d of the same length, got {a.shape} and {b.shape}")
    return a, b


def _constant(a: np.ndarray) -> bool:
    return a.size < 2 or bool(np.all(a == a[0]))


def kendall_tau(scores: Sequence[float], truth: Sequence[float]) -> float:
    """Kendall's tau-b (ties accounted for), from :func:`scipy.stats.kendalltau`.

    Returns NaN when either input is constant or has fewer than 2 values.

    >>> kendall_tau([1, 2, 3, 4], [10, 20, 40, 30])
    0.6666666666666669
    """
    from scipy.stats import kendalltau

    a, b = _arrays(scores, truth)
    if _constant(a) or _constant(b):
        return math.nan
    return float(kendalltau(a, b, variant="b").statistic)


def spearman_rho(scores: Sequence[float], truth: Sequence[float]) -> float:
    """Spearman's rank correlation, from :func:`scipy.stats.spearmanr` (NaN on constant input).

    >>> round(spearman_rho([1, 2, 3, 4], [10, 20, 40, 30]), 6)
    0.8
    """
    from scipy.stats import spearmanr

    a, b = _arrays(scores, truth)
    if _constant(a) or _constant(b):
        return math.nan
    return float(spearmanr(a, b).statistic)


def _top_k_weights(values: np.ndarray, k: int) -> np.ndarray:
    """Probability that each item is in the top k when ties are ordered at random."""
    n = len(values)
    w = np.zeros(n)
    if k <= 0 or n == 0:
        return w
    if k >= n:
        return np.ones(n)
    kth = np.sort(values)[::-1][k - 1]
    above = values > kth
    tied = values == kth
    w[above] = 1.0
    w[tied] = (k - int(above.sum())) / int(tied.sum())
    return w


def precision_at_k(scores: Sequence[float], truth: Sequence[float], k: int, *, binary: bool = False) -> float:
    """Share of the top k by ``scores`` that are relevant, expected over random orders of ties.

    Relevant means: ``truth > 0`` when ``binary``, else being in the top k by ``truth`` (ties at
    the cut-off share the remaining places). ``k`` larger than the number of items is clipped.

    Examples
    --------
    >>> precision_at_k([0.9, 0.8, 0.1, 0.0], [5, 1, 4, 0], k=2)   # top-2 truth: items 0 and 2
    0.5
    >>> precision_at_k([1, 1, 1, 1], [1, 0, 0, 0], k=2, binary=True)   # all tied: 1/4 each
    0.25
    """
    a, b = _arrays(scores, truth)
    k = min(int(k), len(a))
    if k <= 0:
        return math.nan
    relevant = (b > 0).astype(float) if binary else _top_k_weights(b, k)
    return float(_top_k_weights(a, k) @ relevant / k)


def ndcg_at_k(scores: Sequence[float], gains: Sequence[float], k: int) -> float:
    """Normalised discounted cumulative gain at k, tie-aware like :func:`sklearn.metrics.ndcg_score`.

    ``DCG = sum_i gain_i / log2(i + 1)`` over positions ``i = 1..k`` of the ranking by ``scores``;
    actors tied on score share their positions' discounts equally. ``gains`` must be >= 0.
    Returns NaN when every gain is 0.

    Examples
    --------
    >>> ndcg_at_k([3, 2, 1], [3, 2, 1], k=3)
    1.0
    >>> round(ndcg_at_k([1, 2, 3], [3, 2, 1], k=2), 4)   # (1 + 2/log2(3)) / (3 + 2/log2(3))
    0.5307
    """
    a, g = _arrays(scores, gains)
    if g.size and g.min() < 0:
        raise ValueError("gains must be >= 0")
    k = min(int(k), len(a))
    if k <= 0:
        return math.nan
    discount = 1.0 / np.log2(np.arange(2, len(a) + 2))
    discount[k:] = 0.0
    ideal = float(np.sort(g)[::-1] @ discount)
    if ideal <= 0:
        return math.nan
    # tie groups in descending score order; each group gets the mean gain over its positions
    order = np.argsort(-a, kind="stable")
    sa, sg = a[order], g[order]
    starts = np.flatnonzero(np.r_[True, sa[1:] != sa[:-1]])
    ends = np.r_[starts[1:], len(sa)]
    cum_disc = np.r_[0.0, np.cumsum(discount)]
    cum_gain = np.r_[0.0, np.cumsum(sg)]
    group_gain = (cum_gain[ends] - cum_gain[starts]) / (ends - starts)
    dcg = float(group_gain @ (cum_disc[ends] - cum_disc[starts]))
    return dcg / ideal


def truth_diagnostics(truth: Truth | Mapping | Sequence[float], *, binary: bool | None = None) -> TruthDiagnostics:
    """How far a ground truth can tell actors apart, and whether it can discriminate at all.

    A spreading truth on a sparse attention graph is often mostly ties: every actor nobody gives
    attention to reaches only itself (value 1). On the twitter-airline-sentiment mention graph
    90.7% of the 8,279 ranked actors are such, 82.9% of the pairs are tied, and every measure that
    knows who has an audience gets a Kendall tau near 0.98 while NDCG@10 is near 0.05
    (docs/evaluation.md, "When the truth cannot tell").

    The rule: a graded truth **cannot discriminate** when more than :data:`TIED_PAIRS_LIMIT`
    (half) of its pairs are tied (tau-b and Spearman then judge fewer than half of the pairs), or
    when it has fewer than :data:`MIN_DISTINCT` distinct values (or than actors, if fewer): its
    own top 10 cannot be ordered. A binary truth (a list of known influencers) is tied by design
    and is judged only on having both listed and unlisted actors.

    Parameters
    ----------
    truth : Truth, mapping or sequence of float
        The truth values of the compared actors (a :class:`Truth` gives its ``binary`` flag).
    binary : bool, optional
        Override the flag (default: the Truth's, else False).

    Returns
    -------
    TruthDiagnostics

    Examples
    --------
    >>> d = truth_diagnostics([1, 1, 1, 1, 1, 1, 2, 3])
    >>> d.distinct, round(d.tied_pairs, 3), d.at_minimum, d.discriminates
    (3, 0.536, 0.75, False)
    >>> d.reason
    '53.6% of the 28 pairs of actors are tied, more than 50%; 3 distinct values, fewer than 8'
    >>> truth_diagnostics([5.0, 4.5, 3.0, 2.5]).discriminates
    True
    """
    if isinstance(truth, Truth):
        flag = truth.binary if binary is None else binary
        values = list(truth.values.values())
    elif isinstance(truth, Mapping):
        flag, values = bool(binary), list(truth.values())
    else:
        flag, values = bool(binary), list(truth)
    y = np.asarray(values, dtype=float)
    n = int(y.size)
    pairs = n * (n - 1) / 2
    if n == 0:
        return TruthDiagnostics(0, 0, math.nan, math.nan, math.nan, math.nan, flag, False,
                                "no actors to compare")
    _, counts = np.unique(y, return_counts=True)
    tied = float((counts * (counts - 1) / 2).sum())
    lo = float(y.min())
    m = int((y == lo).sum())
    untied = pairs - tied
    tied_share = tied / pairs if pairs else math.nan
    min_pairs = m * (n - m) / untied if untied else math.nan
    reasons = []
    if flag:
        if len(counts) < 2:
            reasons.append("every compared actor is " + ("listed" if lo > 0 else "unlisted"))
    else:
        if pairs and tied_share > TIED_PAIRS_LIMIT:
            reasons.append(f"{tied_share:.1%} of the {int(pairs):,} pairs of actors are tied, "
                           f"more than {TIED_PAIRS_LIMIT:.0%}")
        need = min(MIN_DISTINCT, n)
        if len(counts) < need:
            reasons.append(f"{len(counts)} distinct values, fewer than {need}")
    return TruthDiagnostics(n=n, distinct=len(counts), tied_pairs=tied_share, at_minimum=m / n,
                            minimum=lo, minimum_pairs=min_pairs, binary=flag,
                            discriminates=not reasons, reason="; ".join(reasons))


# -- evaluating rankings ---------------------------------------------------------------------------


def _as_scores(scores) -> dict:
    from .ranking import RankingResult

    if isinstance(scores, RankingResult):
        return scores.scores()
    if isinstance(scores, Mapping):
        return dict(scores)
    raise TypeError(f"scores must be a RankingResult or a mapping of actor -> score, got {type(scores).__name__}")


def _aligned(scores: Mapping, truth: Truth) -> tuple[list, np.ndarray]:
    if truth.binary:
        actors = list(scores)
        y = np.array([1.0 if a in truth.values else 0.0 for a in actors])
    else:
        actors = [a for a in scores if a in truth.values]
        y = np.array([float(truth.values[a]) for a in actors])
    if len(actors) < 2:
        raise InputDataError(
            f"only {len(actors)} ranked actor(s) have a ground-truth value: nothing to compare "
            "(do the truth's ids match the sector's actor ids?)"
        )
    return actors, y


def _evaluate_arrays(x: np.ndarray, y: np.ndarray, k: int, binary: bool,
                     diagnostics: TruthDiagnostics | None = None) -> Evaluation:
    x = np.where(np.isnan(x), -np.inf, x)
    if np.isinf(x).any():
        finite = x[np.isfinite(x)]
        x = np.where(np.isinf(x), (finite.min() - 1.0) if finite.size else 0.0, x)
    gains = y - y.min() if y.size else y
    return Evaluation(
        kendall=kendall_tau(x, y),
        spearman=spearman_rho(x, y),
        precision_at_k=precision_at_k(x, y, k, binary=binary),
        ndcg_at_k=ndcg_at_k(x, gains, k),
        k=int(k),
        n=len(x),
        truth=diagnostics,
    )


def _check_k(k) -> int:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ConfigError(f"k must be a whole number >= 1, got {k!r}", key="k")
    return int(k)


def evaluate_ranking(scores: RankingResult | Mapping, truth: Truth, *, k: int = 10) -> Evaluation:
    """Compare a ranking (or any ``{actor: score}``) with a ground truth.

    Parameters
    ----------
    scores : RankingResult or mapping
        Higher = more influential.
    truth : Truth
        From :func:`spreading_truth` or :func:`read_truth`. Only the ranked actors that have a
        truth value are compared, except for a binary truth, where every ranked actor is (the
        unlisted ones as negatives).
    k : int, default=10
        Cut-off of precision@k and NDCG@k.

    Returns
    -------
    Evaluation

    Raises
    ------
    InputDataError
        If fewer than two ranked actors have a truth value.

    Examples
    --------
    >>> truth = Truth({"a": 3.0, "b": 2.0, "c": 1.0}, source="file")
    >>> evaluate_ranking({"a": 0.9, "b": 0.1, "c": 0.5, "z": 1.0}, truth, k=1).to_dict()
    {'kendall': 0.333333, 'spearman': 0.5, 'precision_at_k': 1.0, 'ndcg_at_k': 1.0, 'k': 1, 'n': 3}
    """
    k = _check_k(k)
    s = _as_scores(scores)
    actors, y = _aligned(s, truth)
    x = np.array([float(s[a]) for a in actors])
    return _evaluate_arrays(x, y, k, truth.binary, truth_diagnostics(y, binary=truth.binary))


def evaluate_measures(
    G: nx.Graph,
    truth: Truth,
    config: RankingConfig | None = None,
    *,
    k: int = 10,
    measures: Iterable[str] | None = None,
) -> list[MeasureEvaluation]:
    """Evaluate every single measure and the configured composite against one ground truth.

    Every row is compared on the same actors: those :func:`influence.rank` lists with ``config``
    (its output filters applied) that have a truth value. A single measure is scored by its
    normalised value, exactly the composite it would give with all the weight.

    Parameters
    ----------
    G : networkx.Graph or DiGraph
    truth : Truth
    config : RankingConfig, optional
        Default ``RankingConfig()``.
    k : int, default=10
    measures : iterable of str, optional
        Default: every name in :data:`influence.config.MEASURE_NAMES`.

    Returns
    -------
    list of MeasureEvaluation
        One row per measure, in the given order, then ``"composite"``. Every row's
        ``evaluation.truth`` holds the same :class:`TruthDiagnostics` of the compared actors.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.karate_club_graph()
    >>> rows = evaluate_measures(G, spreading_truth(G, runs=200, seed=0), measures=["in_degree"])
    >>> [r.name for r in rows], round(rows[0].evaluation.kendall, 2)
    (['in_degree', 'composite'], 0.81)
    """
    from .config import MEASURE_NAMES, RankingConfig
    from .ranking import rank

    k = _check_k(k)
    cfg = config if config is not None else RankingConfig()
    names = list(MEASURE_NAMES if measures is None else measures)
    for m in names:
        if m not in MEASURE_NAMES:
            raise ConfigError(f"unknown measure {m!r} (known: {', '.join(MEASURE_NAMES)})", key="measures")
    composite = rank(G, cfg)
    s = composite.scores()
    actors, y = _aligned(s, truth)
    diag = truth_diagnostics(y, binary=truth.binary)  # of the compared actors, shared by every row
    rows: list[MeasureEvaluation] = []
    if names:
        table = measure_table(G, actors, cfg, names)
        for j, m in enumerate(names):
            rows.append(MeasureEvaluation(m, float(cfg.measures.get(m, 0.0)),
                                          _evaluate_arrays(table[:, j], y, k, truth.binary, diag)))
    x = np.array([s[a] for a in actors])
    rows.append(MeasureEvaluation("composite", 1.0, _evaluate_arrays(x, y, k, truth.binary, diag)))
    return rows


def measure_table(G: nx.Graph, actors: Sequence, config: RankingConfig, names: Sequence[str]) -> np.ndarray:
    """Normalised value of each measure (columns, in ``names`` order) for ``actors`` (rows).

    One :func:`influence.rank` call with every measure in ``names`` weighted, so the values are
    exactly those the composite combines (an actor the ranking filters out is an error).
    """
    from .ranking import rank

    cfg_all = config.with_values({f"measures.{m}": 1.0 for m in names})
    entries = {e.actor: e for e in rank(G, cfg_all).entries}
    out = np.empty((len(actors), len(names)))
    for i, a in enumerate(actors):
        ms = entries[a].measures
        out[i] = [ms[m].normalized for m in names]
    return out
