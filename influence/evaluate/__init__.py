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

from ..diffusion import epidemic_threshold, ic_spreading, sir_spreading
from ._evaluation import (
    aligned_truth,
    check_k,
    evaluate_arrays,
    evaluate_measures,
    evaluate_ranking,
    measure_table,
)
from ._metrics import kendall_tau, ndcg_at_k, precision_at_k, spearman_rho, truth_diagnostics
from ._results import (
    METRICS,
    MIN_DISTINCT,
    TIED_PAIRS_LIMIT,
    Evaluation,
    MeasureEvaluation,
    Truth,
    TruthDiagnostics,
)
from ._truth import read_truth, spreading_truth

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
