"""What an evaluation returns: Truth, TruthDiagnostics, Evaluation, MeasureEvaluation, and the
metric names.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import ConfigError

if TYPE_CHECKING:

    pass



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
