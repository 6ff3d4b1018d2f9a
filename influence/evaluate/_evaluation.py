"""Comparing a ranking, or each measure, with a ground truth."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from ..errors import ConfigError, InputDataError
from ..validation import check_whole

if TYPE_CHECKING:
    import networkx as nx

    from ..config import RankingConfig
    from ..ranking import RankingResult
from ._metrics import kendall_tau, ndcg_at_k, precision_at_k, spearman_rho, truth_diagnostics
from ._results import Evaluation, MeasureEvaluation, Truth, TruthDiagnostics

# -- evaluating rankings ---------------------------------------------------------------------------


def _as_scores(scores) -> dict:
    from ..ranking import RankingResult

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
    >>> from influence.evaluate import spreading_truth
    >>> G = nx.karate_club_graph()
    >>> rows = evaluate_measures(G, spreading_truth(G, runs=200, seed=0), measures=["in_degree"])
    >>> [r.name for r in rows], round(rows[0].evaluation.kendall, 2)
    (['in_degree', 'composite'], 0.81)
    """
    from ..config import MEASURE_NAMES, RankingConfig
    from ..ranking import rank

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
    from ..ranking import rank

    cfg_all = config.with_values({f"measures.{m}": 1.0 for m in names})
    entries = {e.actor: e for e in rank(G, cfg_all).entries}
    out = np.empty((len(actors), len(names)))
    for i, a in enumerate(actors):
        ms = entries[a].measures
        out[i] = [ms[m].normalized for m in names]
    return out
