"""Rank metrics (Kendall tau-b, Spearman, tie-aware precision@k and NDCG@k) and truth diagnostics.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:

    pass
from ._results import MIN_DISTINCT, TIED_PAIRS_LIMIT, Truth, TruthDiagnostics

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
