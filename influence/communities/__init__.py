"""Communities: the conversations of a sector, their leaders, their bridges and their topics.

A sector is several conversations. :func:`detect_communities` splits the interaction graph into
communities; :func:`summarize_communities` describes each one the way NodeXL's "top items per group"
does: its size, internal density and share of the sector's interactions, its leaders (by a
ranking), its bridges (by participation coefficient), and its top hashtags, terms, linked domains
and most-engaged posts, with a short label made from its top terms. Both are pure functions of
(graph, posts, parameters, seed): the same input and seed give the same output.

Methods
-------
===================== ====================================================== ======================
method                algorithm                                              notes
===================== ====================================================== ======================
``louvain``           Louvain modularity optimisation, seeded: NetworKit's   the default
                      PLM (engine ``networkit``) or networkx
``leiden``            Leiden: like Louvain, with connected communities       needs the extra
                      guaranteed (leidenalg)                                 ``influence[leiden]``
``label_propagation`` asynchronous weighted label propagation (networkx)     no resolution; merges
                                                                             dense graphs into one
``greedy_modularity`` Clauset-Newman-Moore agglomeration (networkx)          deterministic; slow on
                                                                             big graphs
===================== ====================================================== ======================

Direction (``projection``)
--------------------------
Interactions are directed (``u -> v``: u gives attention to v), community detection is about who
talks with whom. ``projection="sum"`` (the default) turns the graph into an undirected one where the
weight of ``{u, v}`` is ``w(u -> v) + w(v -> u)``: a pair that interacts both ways is tied by the
whole of its exchange. ``projection="directed"`` keeps the direction and optimises the directed
modularity of Leicht & Newman (louvain, leiden and greedy_modularity); label propagation has no
directed form and refuses it. Self-loops are dropped either way; a multigraph's parallel edges are
summed.

Engines
-------
Louvain on the sum projection (the default everywhere) runs on NetworKit's PLM (Staudt &
Meyerhenke 2016: Louvain with a refinement phase, C++), on integer arrays built straight from the
graph or from a :class:`influence.measures.GraphView` of the store's arrays, without a networkx
graph: about as fast as igraph's multilevel, with as high a modularity (docs/communities.md). A
single Louvain run depends on its seed (the order the nodes are visited in), so it makes up to
``runs`` runs (default 10), each on the nodes renumbered in a random order drawn from ``seed`` with
numpy, and keeps the one of highest modularity. The runs are capped at :data:`RUN_EDGE_BUDGET`
edge visits in all (runs x undirected edges): 10 runs up to 200,000 edges, 4 at 500,000, one from
2,000,000 up, so that large sectors cost one run. PLM runs on one thread: the partition depends
only on the graph, the parameters and the seed (not on the process, ``PYTHONHASHSEED`` or the
CPUs).

``engine="networkx"`` (and every other method, and ``projection="directed"``) runs networkx: the
reference implementation, slow on large graphs, with consensus (below).

Consensus (``runs``, networkx engine)
-------------------------------------
With ``runs > 1`` (default 10) the method runs ``runs`` times with seeds drawn from ``seed``,
and the partitions are combined by consensus clustering (Lancichinetti & Fortunato 2012),
restricted to the graph's edges as in fast consensus (Tandon et al. 2019): each edge gets the share
of runs that put its ends together, edges below 0.5 are dropped, and the method runs again on that
consensus graph until the runs agree on at least 98% of the edges (at most 10 rounds). It costs
10-30 single runs and gives partitions that move little with the seed (docs/communities.md has the
measured figures); ``runs=1`` is one plain networkx run seeded with ``seed`` itself (per
component, on the nodes numbered in order).
``greedy_modularity`` is deterministic and ignores ``runs``.

Components (networkx engine)
----------------------------
Each connected component is searched on its own (modularity never joins disconnected parts, so
the answer is the same kind; the cost is not: networkx's Louvain can take minutes on a graph of
thousands of small components). A component smaller than ``min_size``, or of one or two actors,
is one community without any search (it ends in :data:`OTHER` when smaller than ``min_size``).
Components after the first are seeded from ``seed`` and their position, so the partition stays
reproducible; a connected graph is searched with ``seed`` itself, as before.

Small communities
-----------------
Communities with fewer than ``min_size`` members are merged into one group, :data:`OTHER` (``-1``),
labelled "other". The others are numbered ``0, 1, ...`` from the largest.

References
----------
V. D. Blondel, J.-L. Guillaume, R. Lambiotte, E. Lefebvre, "Fast unfolding of communities in large
networks", J. Stat. Mech. (2008) P10008. doi:10.1088/1742-5468/2008/10/P10008

C. L. Staudt, H. Meyerhenke, "Engineering Parallel Algorithms for Community Detection in Massive
Networks", IEEE TPDS 27(1), 171-184 (2016). doi:10.1109/TPDS.2015.2390633 (PLM)

V. A. Traag, L. Waltman, N. J. van Eck, "From Louvain to Leiden: guaranteeing well-connected
communities", Sci. Rep. 9, 5233 (2019). doi:10.1038/s41598-019-41695-z

E. A. Leicht, M. E. J. Newman, "Community structure in directed networks", Phys. Rev. Lett. 100,
118703 (2008). doi:10.1103/PhysRevLett.100.118703

A. Lancichinetti, S. Fortunato, "Consensus clustering in complex networks", Sci. Rep. 2, 336
(2012). doi:10.1038/srep00336

A. Tandon, A. Albeshri, V. Thayananthan, W. Alhalabi, S. Fortunato, "Fast consensus clustering in
complex networks", Phys. Rev. E 99, 042301 (2019). doi:10.1103/PhysRevE.99.042301

R. Guimerà, L. A. N. Amaral, "Functional cartography of complex metabolic networks", Nature 433,
895-900 (2005). doi:10.1038/nature03288 (the participation coefficient)

Examples
--------
>>> import networkx as nx
>>> G = nx.karate_club_graph()
>>> part = detect_communities(G, seed=0, min_size=1)
>>> part.n_communities, part[0] == part[1], part[0] == part[33]
(4, True, False)
>>> [s.size for s in summarize_communities(G, part)]
[12, 11, 6, 5]
"""

from __future__ import annotations

from ._detection import detect_communities, project_undirected
from ._networkit import RUN_EDGE_BUDGET
from ._partition import ENGINES, METHODS, OTHER, PROJECTIONS, Partition, leiden_available
from ._summaries import (
    CommunityMember,
    CommunityPost,
    CommunitySummary,
    author_nodes,
    participation_coefficient,
    summarize_communities,
)

__all__ = [
    "METHODS",
    "ENGINES",
    "RUN_EDGE_BUDGET",
    "PROJECTIONS",
    "OTHER",
    "Partition",
    "CommunityMember",
    "CommunityPost",
    "CommunitySummary",
    "detect_communities",
    "summarize_communities",
    "project_undirected",
    "participation_coefficient",
    "leiden_available",
    "author_nodes",
]
