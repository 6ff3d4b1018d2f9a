"""Evaluate rankings: spreading-simulation ground truth, label files, and rank metrics.

A ranking of opinion leaders is only as good as its agreement with some independent notion of
influence. This module gives two such notions and four ways to measure the agreement.

Ground truth
------------
**Spreading power** (:func:`sir_spreading`, :func:`ic_spreading`, :func:`spreading_truth`): the
expected number of actors a process started from one actor reaches, estimated by repeated, seeded,
vectorised simulation. **A file of known influencers** (:func:`read_truth`): a CSV of actor ids,
optionally with a numeric label or score per actor.

The simulations themselves (direction of spreading, the two processes and how they are
simulated) live in :mod:`influence.diffusion`, shared with :mod:`influence.reach`;
:func:`sir_spreading`, :func:`ic_spreading` and :func:`epidemic_threshold` are re-exported here.

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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from .diffusion import (
    ProgressFn,
    epidemic_threshold,
    ic_spreading,
    simulate_ic,
    simulate_sir,
    sir_spreading,
)
from .errors import ConfigError, InputDataError
from .validation import check_choice, check_whole

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


# -- spreading truth -----------------------------------------------------------------------------


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
    check_choice("model", model, ("sir", "ic"))
    seed = check_whole("seed", seed, 0)
    pool = list(G) if nodes is None else list(nodes)
    if sample is not None:
        sample = check_whole("sample", sample, 1)
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
        values, b, thr, used = simulate_sir(G, beta=beta, beta_factor=beta_factor, gamma=gamma, runs=runs,
                                    nodes=pool, weight=weight, seed=int(seed), progress=progress)
        params.update(beta=b, gamma=float(gamma), weight=weight)
        if thr is not None:
            params.update(beta_factor=float(beta_factor), threshold=thr if math.isfinite(thr) else None)
    else:
        w = weight or "weight"
        params.update(p=p, probability="weighted cascade" if p is None else "1 - (1 - p) ** weight",
                      weight=w)
        values, used = simulate_ic(G, p=p, runs=runs, nodes=pool, weight=w, seed=int(seed), progress=progress)
    if used != params["runs"]:
        # every edge transmits (or none can): one run gives the exact answer, and only one ran
        params.update(runs=used, runs_requested=int(runs), deterministic=True)
    return Truth(values=values, source=model, params=params)


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


def aligned_truth(scores: Mapping, truth: Truth) -> tuple[list, np.ndarray]:
    """The actors compared and their truth values, in the order of ``scores`` (with a binary
    truth every scored actor, 1 or 0; else only those the truth knows)."""
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


def evaluate_arrays(x: np.ndarray, y: np.ndarray, k: int, binary: bool,
                    diagnostics: TruthDiagnostics | None = None) -> Evaluation:
    """The four metrics of scores ``x`` against truth values ``y`` (NaN and infinite scores
    rank last)."""
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


def check_k(k) -> int:
    """``k`` as an int >= 1, or :class:`ConfigError`."""
    return check_whole("k", k, 1)


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
    k = check_k(k)
    s = _as_scores(scores)
    actors, y = aligned_truth(s, truth)
    x = np.array([float(s[a]) for a in actors])
    return evaluate_arrays(x, y, k, truth.binary, truth_diagnostics(y, binary=truth.binary))


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

    k = check_k(k)
    cfg = config if config is not None else RankingConfig()
    names = list(MEASURE_NAMES if measures is None else measures)
    for m in names:
        if m not in MEASURE_NAMES:
            raise ConfigError(f"unknown measure {m!r} (known: {', '.join(MEASURE_NAMES)})", key="measures")
    composite = rank(G, cfg)
    s = composite.scores()
    actors, y = aligned_truth(s, truth)
    diag = truth_diagnostics(y, binary=truth.binary)  # of the compared actors, shared by every row
    rows: list[MeasureEvaluation] = []
    if names:
        table = measure_table(G, actors, cfg, names)
        for j, m in enumerate(names):
            rows.append(MeasureEvaluation(m, float(cfg.measures.get(m, 0.0)),
                                          evaluate_arrays(table[:, j], y, k, truth.binary, diag)))
    x = np.array([s[a] for a in actors])
    rows.append(MeasureEvaluation("composite", 1.0, evaluate_arrays(x, y, k, truth.binary, diag)))
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
