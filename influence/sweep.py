"""Parameter sweeps and weight tuning: search :class:`~influence.RankingConfig` against a truth.

:func:`sweep` runs a grid search, or a seeded random search, over any configuration keys
(``measures.pagerank``, ``pagerank.alpha``, ``normalization``, ``edge_weights.reply`` ...), ranks the
sector with each point and evaluates the ranking against one fixed ground truth
(:mod:`influence.evaluate`). :func:`tune` fits the measure weights of the composite to a ground truth,
typically the sector's own spreading simulation.

Grid files
----------
A TOML file whose ``[grid]`` table (or top level) maps dotted keys to the values to try. Lists are
tried one by one (grid search) or drawn from uniformly (random search); a ``{min, max}`` table is
a range, for random search only: uniform, log-uniform with ``log = true``, whole numbers when both
bounds are whole numbers::

    [grid]
    "measures.pagerank" = [0.2, 0.5, 0.8]
    "measures.in_strength" = [0.2, 0.5, 0.8]
    "pagerank.alpha" = {min = 0.5, max = 0.95}
    normalization = ["rank", "minmax"]

    # nested tables work too:
    [grid.edge_weights]
    reply = [0.5, 1.0]

Reproducibility
---------------
The ground truth is computed once, on the graph of the base configuration, and every point is
compared with it. Random search draws its points from ``seed``; each point is ranked with the
``seed`` of its own configuration (the base config's, unless the grid sets ``seed``). Same inputs
and same seed give the same table.

Examples
--------
>>> import networkx as nx
>>> from influence.evaluate import spreading_truth
>>> G = nx.karate_club_graph()
>>> truth = spreading_truth(G, runs=200, seed=0)
>>> res = sweep(G, truth, {"measures.in_degree": [0.0, 1.0], "measures.pagerank": [0.0, 1.0]},
...             config=RankingConfig(measures={"pagerank": 1.0}))
>>> len(res.points), res.keys
(3, ('measures.in_degree', 'measures.pagerank'))
>>> res.best.values
{'measures.in_degree': 1.0, 'measures.pagerank': 0.0}
"""

from __future__ import annotations

import itertools
import math
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from .config import RankingConfig
from .errors import ConfigError, InputDataError
from .evaluate import (
    METRICS,
    Evaluation,
    Truth,
    aligned_truth,
    check_k,
    evaluate_arrays,
    evaluate_ranking,
    measure_table,
)
from .validation import check_number, check_whole

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["read_grid", "grid_points", "sweep", "tune", "SweepPoint", "SweepResult", "TuneResult"]

ProgressFn = Callable[[int, int], None]
GraphBuilder = Callable[[RankingConfig], "nx.Graph"]

_RANGE_KEYS = {"min", "max", "log"}
# Keys that change the graph itself, not only the ranking of a fixed graph.
_GRAPH_PREFIXES = ("graph.", "edge_weights.")


# -- grids -----------------------------------------------------------------------------------------


def _is_range(v: Any) -> bool:
    return isinstance(v, Mapping) and bool(v) and set(v) <= _RANGE_KEYS and "min" in v and "max" in v


def _flatten_grid(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in table.items():
        key = f"{prefix}{k}"
        if isinstance(v, Mapping) and not _is_range(v):
            out.update(_flatten_grid(v, key + "."))
        else:
            out[key] = v
    return out


def _check_grid(grid: Mapping[str, Any], base: RankingConfig) -> dict[str, Any]:
    """Validate every key and every listed value against RankingConfig (errors name the key)."""
    from .config import known_keys

    flat = _flatten_grid(grid)
    if not flat:
        raise ConfigError("the grid is empty: give at least one key with values to try", key="grid")
    known = set(known_keys())
    for key, spec in flat.items():
        if key not in known:
            raise ConfigError(f"grid: unknown key {key} (known: {', '.join(sorted(known))})", key=key)
        if _is_range(spec):
            lo, hi = spec["min"], spec["max"]
            for bound in (lo, hi):
                if isinstance(bound, bool) or not isinstance(bound, (int, float)) or not math.isfinite(bound):
                    raise ConfigError(f"grid: {key} range bounds must be numbers, got {bound!r}", key=key)
            if not lo < hi:
                raise ConfigError(f"grid: {key} range needs min < max, got {lo!r} and {hi!r}", key=key)
            if spec.get("log", False) and lo <= 0:
                raise ConfigError(f"grid: {key} log range needs min > 0, got {lo!r}", key=key)
            for bound in (lo, hi):
                _try(base, key, bound)
        elif isinstance(spec, list):
            if not spec:
                raise ConfigError(f"grid: {key} has no values to try", key=key)
            for v in spec:
                _try(base, key, v)
        else:
            raise ConfigError(
                f"grid: {key} must be a list of values or a {{min, max}} range, got {spec!r}", key=key
            )
    return flat


def _try(base: RankingConfig, key: str, value: Any) -> None:
    try:
        base.with_values({key: value})
    except ConfigError as exc:
        if "at least one measure" in str(exc):
            return  # a weight of 0 alone is fine: other keys of the point may give weight
        raise ConfigError(f"grid: {exc}", key=key) from None


def read_grid(path: str | os.PathLike) -> dict[str, Any]:
    """Read a grid TOML file (see the module notes) into ``{dotted key: list or range}``.

    Raises
    ------
    InputDataError
        If the file is missing or is not valid TOML.
    ConfigError
        Naming the key, for an unknown key or a bad value.
    """
    from .config import load_toml

    p = os.fspath(path)
    if not os.path.isfile(p):
        raise InputDataError("no such grid file", path=p)
    try:
        data = load_toml(p)
    except ValueError as exc:  # tomllib.TOMLDecodeError is a ValueError
        raise InputDataError(f"invalid TOML: {exc}", path=p) from None
    table = data.get("grid", data)
    if not isinstance(table, Mapping):
        raise InputDataError("[grid] must be a table", path=p)
    return _check_grid(table, RankingConfig())


def grid_points(grid: Mapping[str, Any], *, random: int | None = None, seed: int = 0) -> list[dict[str, Any]]:
    """The points of a grid: every combination, or ``random`` seeded draws.

    Parameters
    ----------
    grid : mapping
        ``{dotted key: list of values or {min, max[, log]} range}`` (nested tables allowed).
    random : int, optional
        Draw this many points instead of the full product (needed for ranges).
    seed : int, default=0

    Returns
    -------
    list of dict

    Examples
    --------
    >>> grid_points({"pagerank.alpha": [0.8, 0.9], "normalization": ["rank", "minmax"]})[:2]
    [{'pagerank.alpha': 0.8, 'normalization': 'rank'}, {'pagerank.alpha': 0.8, 'normalization': 'minmax'}]
    >>> grid_points({"pagerank.alpha": {"min": 0.5, "max": 0.9}}, random=2, seed=0)
    [{'pagerank.alpha': 0.754785}, {'pagerank.alpha': 0.607915}]
    """
    flat = _flatten_grid(grid)
    keys = list(flat)
    if random is None:
        ranged = [k for k in keys if _is_range(flat[k])]
        if ranged:
            raise ConfigError(
                f"grid: {ranged[0]} is a {{min, max}} range, which only a random search can draw "
                "from: give a list of values, or ask for random points (--random N)",
                key=ranged[0],
            )
        return [dict(zip(keys, combo)) for combo in itertools.product(*(flat[k] for k in keys))]
    check_whole("random", random, 1)
    rng = np.random.default_rng(seed)
    points = []
    for _ in range(random):
        point = {}
        for k in keys:
            spec = flat[k]
            if _is_range(spec):
                lo, hi = spec["min"], spec["max"]
                if spec.get("log", False):
                    v = float(np.exp(rng.uniform(math.log(lo), math.log(hi))))
                elif isinstance(lo, int) and isinstance(hi, int):
                    v = int(rng.integers(lo, hi, endpoint=True))
                else:
                    v = float(rng.uniform(lo, hi))
                point[k] = float(f"{v:.6g}") if isinstance(v, float) else v
            else:
                point[k] = spec[int(rng.integers(len(spec)))]
        points.append(point)
    return points


# -- sweeps ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SweepPoint:
    """One evaluated point of a sweep."""

    index: int  #: order in which the point was generated (0-based)
    values: dict  #: the swept keys and their values at this point
    evaluation: Evaluation

    def to_dict(self) -> dict[str, Any]:
        return {"point": self.index, **self.values, **self.evaluation.to_dict()}


@dataclass(frozen=True)
class SweepResult:
    """What :func:`sweep` returns: the points, best first by ``metric`` (NaN last)."""

    points: tuple[SweepPoint, ...]
    metric: str
    keys: tuple[str, ...]
    config: RankingConfig  #: the base configuration every point patches
    seed: int
    random: int | None = None
    truth: dict = field(default_factory=dict)  #: the truth's params
    skipped: int = 0  #: points left out because they gave every measure a weight of 0

    @property
    def best(self) -> SweepPoint:
        return self.points[0]

    def best_config(self) -> RankingConfig:
        """The base configuration with the best point's values."""
        return self.config.with_values(self.best.values)

    def to_records(self) -> list[dict[str, Any]]:
        return [{"rank": i + 1, **p.to_dict()} for i, p in enumerate(self.points)]


def _check_metric(metric: str) -> str:
    if metric not in METRICS:
        raise ConfigError(f"unknown metric {metric!r} (expected one of: {', '.join(METRICS)})", key="metric")
    return metric


def _sort_key(metric: str):
    def key(p: SweepPoint):
        v = p.evaluation.metric(metric)
        return (math.isnan(v), -v if not math.isnan(v) else 0.0, p.index)

    return key


def sweep(
    G: nx.Graph,
    truth: Truth,
    grid: Mapping[str, Any],
    *,
    config: RankingConfig | None = None,
    metric: str = "kendall",
    random: int | None = None,
    k: int = 10,
    seed: int = 0,
    build: GraphBuilder | None = None,
    progress: ProgressFn | None = None,
) -> SweepResult:
    """Rank with every point of a grid and evaluate each ranking against ``truth``.

    Parameters
    ----------
    G : networkx.Graph or DiGraph
        The graph to rank (built with the base configuration).
    truth : Truth
        From :func:`influence.evaluate.spreading_truth` or :func:`~influence.evaluate.read_truth`.
    grid : mapping
        ``{dotted key: values}``; see the module notes and :func:`read_grid`.
    config : RankingConfig, optional
        The base every point patches. Default ``RankingConfig()``.
    metric : {"kendall", "spearman", "precision", "ndcg"}, default="kendall"
        Sort the points by this metric, best first.
    random : int, optional
        Evaluate this many random points (seeded) instead of the full grid.
    k : int, default=10
        Cut-off of precision@k and NDCG@k.
    seed : int, default=0
        Seed of the random search.
    build : callable, optional
        ``build(config) -> graph``, needed when the grid has graph keys (``graph.*``,
        ``edge_weights.*``): each distinct graph configuration is built once.
    progress : callable, optional
        ``progress(done, total)`` after each point.

    Returns
    -------
    SweepResult

    Raises
    ------
    ConfigError
        Naming the key, for an unknown key or a bad value (checked before anything runs). Points
        that give every measure a weight of 0 are skipped and counted in ``skipped``.
    """
    from .ranking import rank

    base = config if config is not None else RankingConfig()
    metric = _check_metric(metric)
    k = check_k(k)
    flat = _check_grid(grid, base)
    points = grid_points(flat, random=random, seed=seed)
    kept, configs, skipped = [], [], 0
    for point in points:
        try:
            configs.append(base.with_values(point))
        except ConfigError as exc:
            if exc.key == "measures":  # every weight 0 (a corner of a weight grid): not a ranking
                skipped += 1
                continue
            shown = ", ".join(f"{key}={val!r}" for key, val in point.items())
            raise ConfigError(f"grid point {shown}: {exc}", key=exc.key) from None
        kept.append(point)
    if not kept:
        raise ConfigError("grid: every point gives all measures a weight of 0", key="measures")
    points = kept
    graph_keys = [key for key in flat if key.startswith(_GRAPH_PREFIXES)]
    if graph_keys and build is None:
        raise ConfigError(
            f"grid: {graph_keys[0]} changes the graph itself; sweep() needs build=, a function "
            "config -> graph (the CLI builds it from the sector's store)",
            key=graph_keys[0],
        )
    graphs: dict[str, Any] = {}
    done: list[SweepPoint] = []
    total = len(points)
    for i, (point, cfg) in enumerate(zip(points, configs)):
        H = G
        if graph_keys:
            gkey = repr(sorted(cfg.graph_options().items()))
            if gkey not in graphs:
                graphs[gkey] = build(cfg)
            H = graphs[gkey]
        ev = evaluate_ranking(rank(H, cfg), truth, k=k)
        done.append(SweepPoint(index=i, values=dict(point), evaluation=ev))
        if progress is not None:
            progress(i + 1, total)
    done.sort(key=_sort_key(metric))
    return SweepResult(points=tuple(done), metric=metric, keys=tuple(flat), config=base, seed=seed,
                       random=random, truth=dict(truth.params), skipped=skipped)


# -- tuning ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TuneResult:
    """What :func:`tune` returns.

    Attributes
    ----------
    weights : dict
        Fitted measure weights (summing to 1, rounded to 2 decimals; measures not tuned are 0).
    config : RankingConfig
        The base configuration with these weights: ready for ``to_toml()`` and ``--config``.
    metric : str
    rows : tuple of dict
        The comparison table: ``tuned``, ``baseline`` (the base configuration's composite) and
        every single measure, each with its metric on the fit and test actors.
    fit, test : Evaluation
        The tuned composite, re-ranked with :func:`influence.rank`, on the fit actors and on the
        held-out test actors (``test`` is None without a holdout).
    baseline_fit, baseline_test : Evaluation
        The same for the base configuration's composite.
    n_fit, n_test : int
    test_actors : tuple
        The held-out actors.
    candidates : int
        Weight vectors evaluated.
    seed : int
    """

    weights: dict
    config: RankingConfig
    metric: str
    rows: tuple
    fit: Evaluation
    test: Evaluation | None
    baseline_fit: Evaluation
    baseline_test: Evaluation | None
    n_fit: int
    n_test: int
    test_actors: tuple
    candidates: int
    seed: int


def _metric_fn(metric: str, k: int, binary: bool):
    from .evaluate import kendall_tau, ndcg_at_k, precision_at_k, spearman_rho

    if metric == "kendall":
        return kendall_tau
    if metric == "spearman":
        return spearman_rho
    if metric == "precision":
        return lambda x, y: precision_at_k(x, y, k, binary=binary)
    return lambda x, y: ndcg_at_k(x, y - y.min(), k)


def tune(
    G: nx.Graph,
    truth: Truth,
    *,
    config: RankingConfig | None = None,
    metric: str = "kendall",
    k: int = 10,
    measures: Iterable[str] | None = None,
    trials: int = 200,
    holdout: float = 0.3,
    seed: int = 0,
    progress: ProgressFn | None = None,
) -> TuneResult:
    """Fit the composite's measure weights to a ground truth (e.g. the sector's own SIR).

    With rank normalisation the composite is ``sum_m w_m * pct_m / sum_m w_m``, a weighted mean of
    per-measure percentiles; only the direction of ``w`` matters. The search:

    1. splits the actors with a truth value into *fit* and held-out *test* sets (``holdout`` of
       them are held out, drawn with ``seed``);
    2. evaluates on the fit set every single measure, equal weights, the base configuration's
       weights and ``trials`` random weight vectors drawn uniformly from the simplex
       (Dirichlet(1, ..., 1), seeded);
    3. refines the best by coordinate steps of 0.1, 0.05, 0.02 and 0.01 (a move is kept only if
       it improves the fit metric);
    4. rounds the weights to 2 decimals, ranks the graph again with them through
       :func:`influence.rank`, and reports the metric on the fit and on the test actors next to
       the base configuration and every single measure.

    Measures that are constant over the actors (no data, e.g. audience without follower counts)
    carry no information and keep weight 0.

    Parameters
    ----------
    G : networkx.Graph or DiGraph
    truth : Truth
    config : RankingConfig, optional
        Base configuration (normalisation, measure parameters, filters). Default
        ``RankingConfig()``.
    metric : {"kendall", "spearman", "precision", "ndcg"}, default="kendall"
    k : int, default=10
    measures : iterable of str, optional
        Measures to weight (default: every name in :data:`influence.config.MEASURE_NAMES`).
    trials : int, default=200
        Random weight vectors to try before refining.
    holdout : float, default=0.3
        Share of the actors held out, in [0, 0.9]. 0 fits on all of them (no test figures).
    seed : int, default=0
    progress : callable, optional
        ``progress(done, total)`` while candidates are evaluated (the total grows during
        refinement).

    Returns
    -------
    TuneResult

    Examples
    --------
    >>> import networkx as nx
    >>> from influence.evaluate import spreading_truth
    >>> G = nx.karate_club_graph()
    >>> res = tune(G, spreading_truth(G, runs=200, seed=0), measures=["pagerank", "in_degree"],
    ...            trials=20, seed=0)
    >>> sorted(res.weights), round(sum(res.weights.values()), 6)
    (['in_degree', 'pagerank'], 1.0)
    >>> res.fit.kendall >= res.baseline_fit.kendall
    True
    """
    from .config import MEASURE_NAMES
    from .ranking import rank

    base = config if config is not None else RankingConfig()
    metric = _check_metric(metric)
    k = check_k(k)
    check_whole("trials", trials, 0)
    check_number("holdout", holdout, 0.0, 0.9)
    names = list(MEASURE_NAMES if measures is None else measures)
    for m in names:
        if m not in MEASURE_NAMES:
            raise ConfigError(f"unknown measure {m!r} (known: {', '.join(MEASURE_NAMES)})", key="measures")
    if not names:
        raise ConfigError("tune needs at least one measure", key="measures")

    baseline = rank(G, base)
    base_scores = baseline.scores()
    actors, y = aligned_truth(base_scores, truth)
    X = measure_table(G, actors, base, names)
    X = np.where(np.isnan(X), 0.0, X)
    n = len(actors)
    rng = np.random.default_rng(seed)
    perm = rng.permutation(n)
    n_test = round(holdout * n)
    if n_test < 2 or n - n_test < 2:
        n_test = 0
    test_idx = np.sort(perm[:n_test])
    fit_idx = np.sort(perm[n_test:])
    score_fn = _metric_fn(metric, k, truth.binary)
    Xf, yf = X[fit_idx], y[fit_idx]
    informative = np.array([not np.all(Xf[:, j] == Xf[0, j]) for j in range(len(names))])
    if not informative.any():
        informative[:] = True  # nothing to learn: every candidate scores the same

    counter = [0]
    total = [len(names) + 2 + trials]

    def objective(w: np.ndarray) -> float:
        counter[0] += 1
        v = score_fn(Xf @ w, yf)
        if progress is not None:
            progress(counter[0], max(total[0], counter[0]))
        return -math.inf if math.isnan(v) else v

    def normed(w: np.ndarray) -> np.ndarray:
        w = np.where(informative, np.clip(w, 0.0, None), 0.0)
        s = w.sum()
        return w / s if s > 0 else informative / informative.sum()

    cands = [normed(np.eye(len(names))[j]) for j in range(len(names)) if informative[j]]
    cands.append(normed(np.ones(len(names))))
    cands.append(normed(np.array([float(base.measures.get(m, 0.0)) for m in names])))
    draws = rng.dirichlet(np.ones(int(informative.sum())), size=trials) if trials else np.empty((0, 0))
    for d in draws:
        w = np.zeros(len(names))
        w[informative] = d
        cands.append(w)
    best_w, best_v = cands[0], -math.inf
    for w in cands:
        v = objective(w)
        if v > best_v + 1e-12:
            best_w, best_v = w, v
    for step in (0.1, 0.05, 0.02, 0.01):
        improved = True
        while improved:
            improved = False
            for j in np.flatnonzero(informative):
                for delta in (step, -step):
                    w = best_w.copy()
                    w[j] = max(0.0, w[j] + delta)
                    w = normed(w)
                    total[0] += 1
                    v = objective(w)
                    if v > best_v + 1e-12:
                        best_w, best_v, improved = w, v, True

    rounded = np.round(best_w, 2)
    if rounded.sum() <= 0:
        rounded = (best_w == best_w.max()).astype(float)
    weights = {m: float(rounded[j]) for j, m in enumerate(names)}
    tuned_cfg = base.with_values({f"measures.{m}": weights.get(m, 0.0) for m in MEASURE_NAMES})
    tuned_scores = rank(G, tuned_cfg).scores()

    def on(idx: np.ndarray, x: np.ndarray) -> Evaluation | None:
        if len(idx) < 2:
            return None
        return evaluate_arrays(x[idx], y[idx], k, truth.binary)

    xt = np.array([tuned_scores[a] for a in actors])
    xb = np.array([base_scores[a] for a in actors])
    fit, test = on(fit_idx, xt), on(test_idx, xt)
    bfit, btest = on(fit_idx, xb), on(test_idx, xb)

    def row(name: str, w: Mapping[str, float] | None, f: Evaluation, t: Evaluation | None) -> dict:
        return {
            "config": name,
            "fit": f.metric(metric),
            "test": t.metric(metric) if t is not None else math.nan,
            "weights": dict(w) if w is not None else None,
        }

    rows = [
        row("tuned", {m: v for m, v in weights.items() if v > 0}, fit, test),
        row("baseline", {m: v for m, v in base.measures.items() if v > 0}, bfit, btest),
    ]
    for j, m in enumerate(names):
        rows.append(row(m, {m: 1.0}, on(fit_idx, X[:, j]), on(test_idx, X[:, j])))
    return TuneResult(weights=weights, config=tuned_cfg, metric=metric, rows=tuple(rows), fit=fit,
                      test=test, baseline_fit=bfit, baseline_test=btest, n_fit=len(fit_idx),
                      n_test=len(test_idx), test_actors=tuple(actors[i] for i in test_idx),
                      candidates=counter[0], seed=seed)
