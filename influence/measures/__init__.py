"""Centrality measures: each a pure function ``graph -> {actor: value}``.

Edges point from the actor who gives attention to the actor who receives it (see
:mod:`influence.records`), so every measure here credits the **target** of edges: in-strength,
PageRank, HITS authority, Katz and harmonic closeness all measure *received* attention. The
exceptions say so (HITS hub scores the givers; coreness and betweenness are about position).

Each public function takes a networkx graph first, keyword parameters after, and returns a plain
dict, like networkx's own. Inside :func:`influence.rank` the same computations run on a
:class:`GraphView`, which converts the graph once to a scipy CSR matrix shared by every measure.

One kind of measure per private module, each public function beside its ``*_array`` kernel on a
view: ``_spectral`` (PageRank, HITS, Katz), ``_paths`` (harmonic closeness, betweenness),
``_degree`` (in-strength, in-degree, coreness), ``_attributes`` (engagement, audience, reach
diversity); ``_view`` holds :class:`GraphView` and ``_registry`` the :data:`MEASURES` table.

Measure reference
-----------------
================ ========================================================================= =======
name             what it is                                                                scale
================ ========================================================================= =======
in_strength      total weight of attention received                                        O(m)
in_degree        number of distinct actors giving attention                                O(m)
pagerank         recursive attention (optionally personalised to keyword actors / seeds)   O(m·it)
hits_authority   attention from good hubs (Kleinberg)                                      O(m·it)
hits_hub         gives attention to good authorities (curators)                            O(m·it)
katz             attention along paths of every length, damped                             O(m·it)
harmonic         in-harmonic closeness: sum of 1/d(u, v) over actors u that reach v        O(n·m)*
betweenness      brokerage on shortest attention paths (Brandes)                           O(n·m)*
coreness         k-core number of the undirected, unweighted projection                    O(m)
engagement       likes + reshares + replies on the actor's posts (total or per post)       O(n)
audience         follower count (missing where the platform does not say)                  O(n)
reach_diversity  distinct communities among the actors giving attention                    O(m)+
================ ========================================================================= =======

\\* exact up to ``exact_max_nodes``, then estimated from ``k`` sampled sources (seeded).
"""

from ._attributes import audience, engagement, reach_diversity
from ._degree import coreness, in_degree, in_strength
from ._paths import BLOCK_MAX_NODES, betweenness, harmonic  # noqa: F401  (BLOCK_MAX_NODES: its old path)
from ._registry import MEASURE_LABELS, MEASURES
from ._spectral import HITS_BLOCK_POWER, hits, katz, pagerank
from ._view import GraphView

__all__ = [
    "GraphView",
    "in_strength",
    "in_degree",
    "pagerank",
    "hits",
    "HITS_BLOCK_POWER",
    "katz",
    "harmonic",
    "betweenness",
    "coreness",
    "engagement",
    "audience",
    "reach_diversity",
    "MEASURES",
    "MEASURE_LABELS",
]
