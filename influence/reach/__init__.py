"""Reach-aware selection: audiences, their overlap, and the set of actors that reaches the most.

Top-k by score often picks actors who talk to the same people. This module picks the set that,
together, reaches the most distinct actors (:func:`select_reach`), or a set that balances score
with community coverage and low audience overlap (:func:`select_diverse`).

Audiences
---------
An actor's **audience** is the set of actors who give it attention (its in-edges, see
:mod:`influence.records`), each weighted by the edge ``weight`` (interaction kind weights and time
decay, as :func:`influence.build_graph` sets it). Followers are not used: a follower count says how
many, not who. Two audiences overlap by their **Jaccard** index ``|A & B| / |A | B|`` and by the
**weighted Jaccard** ``sum min(a, b) / sum max(a, b)`` over the attention weights
(:func:`overlap`, :func:`overlap_matrix`).

Reach models
------------
Both run on reversed edges (an active v influences the actors u who gave it attention), with the
spreading matrix of :mod:`influence.evaluate`.

``model="ic"``, Independent Cascade (default)
    As :func:`influence.evaluate.ic_spreading` (same probabilities): an active actor v activates
    each actor u who gave it attention with the **weighted cascade** probability
    ``w(u -> v) / sum_x w(u -> x)`` (u's share of attention that goes to v), or with ``p=``,
    ``1 - (1 - p) ** w``.
``model="lt"``, Linear Threshold
    u becomes active when the summed influence weights of its active sources reach a uniform
    random threshold; the weight of v on u is the same normalised share
    ``w(u -> v) / sum_x w(u -> x)`` (so they sum to 1 for every actor who gives attention).

Both are simulated with **live-edge worlds** (Kempe, Kleinberg & Tardos 2003, theorems 4.5 and
4.6): for IC each edge is kept independently with its probability; for LT each actor keeps at
most one of its edges, edge ``v -> u`` with probability equal to its weight. The reach of a set in
a world is everything reachable from it along kept edges; the expected reach (the seeds counted)
is the mean over the worlds. All sets are scored on the *same* worlds (common random numbers), so
differences between sets are not noise of the draw and every result is deterministic for a
``seed``.

Relays
------
A cascade passes through **relays**, actors who pass on what reaches them. A brand replying to a
customer is customer service, not the customer's audience: declared competitors and the actors
``filters.exclude`` names relay nothing (:func:`relay_blocks`; ``no_relay=`` everywhere, ``()``
lets everyone relay). They are still reached and counted, and still spread as seeds; the spread
stays a coverage function, so submodular. Each pick reports through whom its reach goes
(:class:`Relays`, :func:`relay_breakdown`): its direct audience and the expected actors it reaches
only through each relay, with the share owed to the biggest.

Selection
---------
:func:`select_reach` maximises the expected unique reach greedily (the spread is submodular under
both models, so greedy is within ``1 - 1/e`` of the best set on the simulated worlds), by one of:

``method="celf"``
    Greedy with lazy evaluation (CELF, Leskovec et al. 2007: a stale marginal gain is an upper
    bound) on ``runs`` live-edge worlds, over the top ``pool`` (default :data:`DEFAULT_POOL`)
    actors of the ranking.
``method="ris"``
    Reverse Influence Sampling (Borgs et al. 2014): random reverse-reachable (RR) sets, each the
    actors that would reach a uniformly random actor in one random world, and greedy maximum
    coverage of them; the expected reach of a set is ``n`` times the share of RR sets it hits.
    The number of RR sets is IMM's (Tang, Shi & Xiao 2015) for an approximation of
    ``1 - 1/e - epsilon`` with probability ``1 - 1/n``, the final selection on fresh RR sets as
    Chen (2018) corrects, at least :data:`RIS_MIN_SETS` and at most :data:`RIS_MAX_SETS`; or a
    fixed ``theta``. Candidates: every
    ranked actor. It needs no per-candidate simulation, so it is the method for large graphs.
``method="auto"`` (default)
    RIS from :data:`RIS_MIN_NODES` actors up, CELF below (and CELF whenever ``worlds`` is given).

**Constraints** (both strategies): competitors (node attribute ``is_competitor``) and **bot-like**
accounts (:func:`is_bot_like`: followers known and at most :data:`BOT_MAX_FOLLOWERS`, attention
given to at least :data:`BOT_MIN_GIVEN` distinct actors, received from at most
:data:`BOT_MAX_GIVERS`) are left out; ``exclude`` removes more actors with a reason (e.g. the
inactive ones of :func:`inactive_actors`); ``quotas`` cap the picks per node attribute value
(:class:`Quota`, e.g. at most 3 on Mastodon). Each pick reports its marginal gain, the cumulative
expected reach, its overlap with the previous picks (the share of its own expected reach they
already reach) and why it was picked.

References
----------
.. [1] D. Kempe, J. Kleinberg, E. Tardos, "Maximizing the spread of influence through a social
   network", KDD 2003. doi:10.1145/956750.956769
.. [2] J. Leskovec et al., "Cost-effective outbreak detection in networks", KDD 2007.
   doi:10.1145/1281192.1281239
.. [3] C. Borgs, M. Brautbar, J. Chayes, B. Lucier, "Maximizing social influence in nearly
   optimal time", SODA 2014. doi:10.1137/1.9781611973402.70
.. [4] Y. Tang, Y. Shi, X. Xiao, "Influence maximization in near-linear time: a martingale
   approach", SIGMOD 2015. doi:10.1145/2723372.2723734
.. [5] W. Chen, "An issue in the martingale analysis of the influence maximization algorithm
   IMM", CSoNet 2018. doi:10.1007/978-3-030-04648-4_24

Examples
--------
>>> import networkx as nx
>>> G = nx.DiGraph([(f"a{i}", "hub1") for i in range(4)] + [(f"b{i}", "hub2") for i in range(3)])
>>> res = select_reach(G, 2, p=1.0, runs=10, seed=0)
>>> [(x.actor, x.marginal_gain, x.expected_reach) for x in res.picks]
[('hub1', 5.0, 5.0), ('hub2', 4.0, 9.0)]
"""

from __future__ import annotations

from ._audiences import Overlap, audience, node_index, overlap, overlap_counts, overlap_matrix
from ._blocks import relay_blocks
from ._common import DEFAULT_POOL, DEFAULT_RUNS, METHODS, MODELS, graph_matrix, node_attribute
from ._constraints import (
    BOT_MAX_FOLLOWERS,
    BOT_MAX_GIVERS,
    BOT_MIN_GIVEN,
    Quota,
    constrained,
    inactive_actors,
    is_bot_like,
    last_activity,
    parse_quota,
)
from ._relays import (
    RELAY_BUDGET,
    RELAY_MAX_SHARE,
    RELAY_MIN_RUNS,
    RELAY_RUNS,
    Relays,
    relay_breakdown,
)
from ._rrsets import RRSets, sample_rr_sets
from ._selection import (
    DEFAULT_COMMUNITY_BONUS,
    DEFAULT_EPSILON,
    MAX_REACH_BYTES,
    MIN_CELF_RUNS,
    MIN_RIS_SETS,
    RIS_MAX_SETS,
    RIS_MIN_NODES,
    RIS_MIN_SETS,
    ReachPick,
    ReachResult,
    select_diverse,
    select_reach,
)
from ._worlds import Worlds, lt_weights, sample_worlds, spread, upper_bound

__all__ = [
    "BOT_MAX_FOLLOWERS",
    "BOT_MAX_GIVERS",
    "BOT_MIN_GIVEN",
    "DEFAULT_COMMUNITY_BONUS",
    "DEFAULT_EPSILON",
    "DEFAULT_POOL",
    "DEFAULT_RUNS",
    "METHODS",
    "MODELS",
    "RELAY_MAX_SHARE",
    "RELAY_RUNS",
    "RIS_MAX_SETS",
    "RIS_MIN_NODES",
    "RIS_MIN_SETS",
    "Overlap",
    "Quota",
    "RRSets",
    "ReachPick",
    "ReachResult",
    "Relays",
    "Worlds",
    "audience",
    "graph_matrix",
    "node_attribute",
    "node_index",
    "overlap_counts",
    "constrained",
    "inactive_actors",
    "is_bot_like",
    "last_activity",
    "lt_weights",
    "overlap",
    "overlap_matrix",
    "parse_quota",
    "relay_blocks",
    "relay_breakdown",
    "sample_rr_sets",
    "sample_worlds",
    "select_diverse",
    "select_reach",
    "spread",
    "upper_bound",
]
