"""The measures by name: :data:`MEASURES` (what :func:`influence.rank` computes) and their labels."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from ._attributes import engagement_array, reach_diversity_array
from ._degree import coreness_array, in_degree_array, in_strength_array
from ._paths import betweenness_array, harmonic_array
from ._spectral import hits_arrays, katz_array, pagerank_array
from ._view import GraphView

if TYPE_CHECKING:
    from ..config import RankingConfig

__all__ = ["MEASURES", "MEASURE_LABELS"]


def _personalization(V: GraphView, cfg: RankingConfig) -> np.ndarray | None:
    mode = cfg.pagerank_personalization
    if mode == "none":
        return None
    if mode == "keywords":
        p = np.nan_to_num(V.node_array("keyword_posts"), nan=0.0)
    else:  # seeds
        p = np.zeros(V.n)
        for s in cfg.pagerank_seeds or ():
            i = V.index.get(s)
            if i is not None:
                p[i] = 1.0
    # No matching actor: fall back to the uniform teleport of plain PageRank rather than fail.
    return p if p.sum() > 0 else None


def _hits_pair(V: GraphView, cfg: RankingConfig):
    cached = getattr(V, "_hits", None)
    if cached is None:
        cached = hits_arrays(V, cfg.hits_max_iter, cfg.hits_tol)
        V._hits = cached  # type: ignore[attr-defined]
    return cached


#: name -> function(GraphView, config) -> array of values in ``view.nodes`` order.
MEASURES: dict[str, Callable[[GraphView, Any], np.ndarray]] = {
    "pagerank": lambda V, c: pagerank_array(V, c.pagerank_alpha, _personalization(V, c), c.pagerank_max_iter, c.pagerank_tol),
    "in_strength": lambda V, c: in_strength_array(V),
    "in_degree": lambda V, c: in_degree_array(V),
    "hits_authority": lambda V, c: _hits_pair(V, c)[1],
    "hits_hub": lambda V, c: _hits_pair(V, c)[0],
    "katz": lambda V, c: katz_array(V, c.katz_alpha, c.katz_max_iter, 1e-10),
    "harmonic": lambda V, c: harmonic_array(V, c.harmonic_k, c.seed, c.harmonic_exact_max_nodes),
    "betweenness": lambda V, c: betweenness_array(V, c.betweenness_k, c.seed, c.betweenness_exact_max_nodes,
                                             c.betweenness_directed),
    "coreness": lambda V, c: coreness_array(V),
    "engagement": lambda V, c: engagement_array(V, c.engagement_mode),
    "audience": lambda V, c: V.node_array("followers"),
    "reach_diversity": lambda V, c: reach_diversity_array(V, None, c.seed),
}

#: Human names used in explanations and table headers.
MEASURE_LABELS: dict[str, str] = {
    "pagerank": "PageRank",
    "in_strength": "weighted attention",
    "in_degree": "distinct attention givers",
    "hits_authority": "HITS authority",
    "hits_hub": "HITS hub",
    "katz": "Katz",
    "harmonic": "harmonic closeness",
    "betweenness": "betweenness",
    "coreness": "k-core",
    "engagement": "engagement",
    "audience": "audience",
    "reach_diversity": "community reach",
}
