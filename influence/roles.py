"""Roles: what part each actor plays in the conversation, by documented rules on its counts.

:func:`assign_roles` gives every actor one role. By default (``method="rules"``) it applies
interpretable rules, the first that holds wins, on thresholds taken from the sector itself
(:func:`rule_features`, :data:`RULES`: ``max(floor, quantile)`` over the actors whose count is at
least 1, so a sparse mention graph and a dense forum get thresholds of their own scale):

================== ===========================================================================
role               rule
================== ===========================================================================
hub                attention from at least ``max(3, 95th percentile)`` distinct actors
bridge             ties with at least ``max(3, 90th percentile)`` actors, in at least 3
                   communities (``partition``), at least half of the tie weight outside its own
conversationalist  attention both ways with at least ``max(2, 90th percentile)`` actors
broadcaster        at least ``max(3, 90th percentile)`` posts (interactions given, without
                   posts) and less attention received than that
amplifier          (posts known) gives attention to at least ``max(3, 95th percentile)`` actors
                   but publishes fewer posts than the broadcaster threshold
lurker             under every threshold
================== ===========================================================================

``assignment.why(actor)`` gives the rule that matched with the actor's numbers and the threshold.
The first rule that holds wins, so an actor that receives broad attention is a hub even if it
also bridges communities: the shortlist's leaders are hubs by construction on most sectors, and
the other roles describe the rest of the conversation.

Measured by ``python benchmarks/roles_real.py`` (the top 20 of the default ranking and the role
distribution of every actor on the airline mention graph, polblogs, the higgs reply layer and
the demo): see docs/roles.md.

k-means (``method="kmeans"``)
-----------------------------
The earlier method describes every actor by structural features (:data:`FEATURES`), scales them,
clusters the actors with k-means (scikit-learn) and names each cluster from its centroid (hub:
in-strength, PageRank, audience; bridge: betweenness, low clustering; broadcaster: activity minus
attention; conversationalist: reciprocity; amplifier: out-strength without activity; lurker:
little of anything). Names are derived from the centroids, never from cluster numbers: each
cluster gets the role whose score (a fixed linear combination of the centroid's standardised
features, :data:`ROLE_SCORES`) is highest, the roles being matched one to one across clusters
(Hungarian assignment) so that two clusters never share a name; with more clusters than roles
the extra ones get their best role and a number (``"lurker 2"``). When ``k`` is not given it is
chosen by the silhouette score of k-means over ``k_range``. It fits the synthetic demo, but on
sparse real mention graphs a few giant accounts dominate the standardised features and nearly
every actor, @delta with 59 attention givers included, lands in one "lurker" cluster: that is
why it is no longer the default.

Features
--------
============= ============================================================================
feature       definition (``u -> v``: u gives attention to v)
============= ============================================================================
in_strength   weighted attention received
out_strength  weighted attention given
reciprocity   share of the actor's ties that go both ways (networkx ``reciprocity``)
clustering    clustering coefficient in the undirected projection (unweighted)
pagerank      PageRank on the attention graph (edges towards who receives attention)
betweenness   betweenness ignoring direction (hop distances); estimated from
              ``betweenness_k`` sampled sources (seeded) above 5,000 actors
activity      posts published (with ``posts``); without posts, the interactions given
audience      follower count where known (node attribute ``followers``), the median of the
              known ones elsewhere; without any, the number of distinct actors giving attention
============= ============================================================================

Heavy-tailed features (all but reciprocity and clustering) are log-transformed (``log1p``, after
scaling PageRank and betweenness by the number of actors), then every feature is standardised
(``StandardScaler``) before clustering.

Examples
--------
>>> from influence.datasets import make_sector
>>> from influence.store import Store
>>> from influence.graph import build_graph
>>> demo = make_sector(seed=0, scale=0.1)
>>> store = Store(":memory:"); _ = store.write(demo.records())
>>> G = build_graph(store)
>>> roles = assign_roles(G, posts=list(store.posts()), seed=0)
>>> roles
RoleAssignment(method='rules', hub=9, bridge=3, broadcaster=9, conversationalist=5, amplifier=3, lurker=181)
>>> roles[demo.truth.leaders[0]], roles[demo.truth.broadcasters[0]], roles[demo.truth.bridges[0]]
('hub', 'broadcaster', 'bridge')
>>> roles.why(demo.truth.broadcasters[0])
'broadcaster: 104 posts (broadcaster: >= 31) for 0 attention received'
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np

from ._arrays import codes_of, has_reverse, unique_sorted
from .errors import ConfigError, EmptyGraphError
from .validation import check, check_choice, check_whole, invalid, optional, show, whole

__all__ = ["FEATURES", "ROLES", "ROLE_SCORES", "RULES", "RoleAssignment", "structural_features", "rule_features",
           "rule_columns", "assign_roles"]

#: Structural features, in column order.
FEATURES: tuple[str, ...] = (
    "in_strength",
    "out_strength",
    "reciprocity",
    "clustering",
    "pagerank",
    "betweenness",
    "activity",
    "audience",
)

#: Each role's score as weights on a centroid's standardised features; the centroid is named
#: after the role it scores highest on (one to one across clusters).
ROLE_SCORES: dict[str, dict[str, float]] = {
    "hub": {"in_strength": 1.0, "pagerank": 1.0, "audience": 0.5},
    "bridge": {"betweenness": 1.0, "clustering": -0.5, "in_strength": -0.25},
    "broadcaster": {"activity": 1.0, "in_strength": -0.5, "reciprocity": -0.5, "out_strength": -0.25},
    "conversationalist": {"reciprocity": 1.0, "out_strength": 0.5, "clustering": 0.5},
    "amplifier": {"out_strength": 1.0, "activity": -0.5, "in_strength": -0.5},
    "lurker": {"activity": -1.0, "out_strength": -0.5, "in_strength": -0.5},
}

#: The role names, in :data:`ROLE_SCORES` order.
ROLES: tuple[str, ...] = tuple(ROLE_SCORES)

_LOGGED = ("in_strength", "out_strength", "pagerank", "betweenness", "activity", "audience")


@dataclass(frozen=True, eq=False, repr=False)
class RoleAssignment:
    """What :func:`assign_roles` returns: a role per actor, and how the roles were found.

    ``assignment[actor]`` is the actor's role name; ``assignment.roles`` the whole dict.

    Attributes
    ----------
    roles : dict
        Actor -> role name.
    clusters : dict
        Actor -> k-means cluster number (arbitrary; use the names).
    names : tuple of str
        Role name of each cluster.
    centroids : tuple of dict
        Each cluster's centroid, feature -> standardised value (0 = the average actor, 1 = one
        standard deviation above it).
    sizes : tuple of int
        Actors per cluster.
    k : int
    silhouette : float
        Silhouette score of the chosen clustering (NaN when it cannot be computed).
    silhouettes : dict of int to float
        The score of every k tried (only the given k when ``k`` was given).
    features : tuple of str
    seed : int
    """

    roles: dict
    clusters: dict
    names: tuple[str, ...]
    centroids: tuple[dict[str, float], ...]
    sizes: tuple[int, ...]
    k: int
    silhouette: float
    silhouettes: dict[int, float]
    features: tuple[str, ...]
    seed: int
    method: str = "kmeans"
    thresholds: dict = field(default_factory=dict)
    reasons: dict = field(default_factory=dict)

    def __getitem__(self, actor: Hashable) -> str:
        return self.roles[actor]

    def __contains__(self, actor: object) -> bool:
        return actor in self.roles

    def __len__(self) -> int:
        return len(self.roles)

    def get(self, actor: Hashable, default: Any = None) -> Any:
        return self.roles.get(actor, default)

    def why(self, actor: Hashable) -> str:
        """The rule, with the actor's numbers and the sector's thresholds, that gave its role
        (``method="rules"``); for k-means, the cluster it fell in."""
        if actor in self.reasons:
            return self.reasons[actor]
        role = self.roles[actor]
        return f"{role}: k-means cluster {self.clusters[actor]} of {self.k} named after its centroid"

    def describe(self) -> str:
        """One line on how the roles were assigned (for reports and manifests)."""
        if self.method == "rules":
            t = self.thresholds
            return (f"rules on sector quantiles (hub: attention from >= {t['hub_givers']:g} actors; "
                    f"bridge: ties into >= {t['bridge_communities']:g} communities)")
        sil = "n/a" if math.isnan(self.silhouette) else f"{self.silhouette:.2f}"
        return f"k-means, k = {self.k} (silhouette {sil})"

    def counts(self) -> dict[str, int]:
        """Role name -> number of actors, most common first."""
        return dict(Counter(self.roles.values()).most_common())

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the method, then for rules the thresholds and each role's size, for k-means
        k, silhouette and each role's size and centroid (not the per-actor roles)."""
        if self.method == "rules":
            return {
                "method": "rules",
                "seed": self.seed,
                "thresholds": {k: float(f"{v:.6g}") for k, v in self.thresholds.items()},
                "roles": [{"role": n, "size": s} for n, s in zip(self.names, self.sizes)],
            }
        return {
            "method": "kmeans",
            "k": self.k,
            "silhouette": None if math.isnan(self.silhouette) else round(self.silhouette, 6),
            "silhouettes": {str(k): round(v, 6) for k, v in self.silhouettes.items()},
            "seed": self.seed,
            "roles": [
                {"role": n, "size": s, "centroid": {f: round(x, 4) for f, x in c.items()}}
                for n, s, c in zip(self.names, self.sizes, self.centroids)
            ],
        }

    def __repr__(self) -> str:
        roles = ", ".join(f"{n}={s}" for n, s in zip(self.names, self.sizes))
        if self.method == "rules":
            return f"RoleAssignment(method='rules', {roles})"
        return f"RoleAssignment(k={self.k}, silhouette={self.silhouette:.3f}, {roles})"


def structural_features(
    G: nx.Graph,
    *,
    posts: Iterable | None = None,
    weight: str | None = "weight",
    seed: int = 0,
    betweenness_k: int = 256,
    exact_max_nodes: int = 5000,
) -> dict[Hashable, dict[str, float]]:
    """The raw structural features of every actor (see the module docstring).

    Parameters
    ----------
    G : networkx graph
        Directed interaction graph (an undirected one counts each edge both ways).
    posts : iterable of Post, optional
        For ``activity``: posts per author (merged identities count for their node, see
        :func:`influence.communities.author_nodes`).
    weight : str or None, default="weight"
    seed : int, default=0
        Seed of the betweenness source sample.
    betweenness_k : int, default=256
        Betweenness is exact up to ``exact_max_nodes`` actors, estimated from this many sampled
        sources above (:func:`influence.measures.betweenness`, on hop distances, ignoring
        direction).
    exact_max_nodes : int, default=5000

    Returns
    -------
    dict of actor -> dict of feature -> float
        Features in :data:`FEATURES` order, untransformed.

    Examples
    --------
    >>> D = nx.DiGraph([("a", "b"), ("b", "a"), ("c", "a"), ("d", "a")])
    >>> f = structural_features(D)
    >>> f["a"]["in_strength"], f["a"]["reciprocity"], f["c"]["activity"], f["a"]["audience"]
    (3.0, 0.5, 1.0, 3.0)
    """
    from .communities import author_nodes, project_undirected
    from .measures import betweenness

    D = G if G.is_directed() else G.to_directed()
    D = nx.DiGraph(D)  # a simple digraph (multigraphs collapse) we may drop self-loops from
    D.remove_edges_from(list(nx.selfloop_edges(D)))
    U = project_undirected(D, weight)
    nodes = list(D)
    n = len(nodes)
    ins = dict(D.in_degree(weight=weight))
    outs = dict(D.out_degree(weight=weight))
    clust = nx.clustering(U)
    pr = nx.pagerank(D, weight=weight) if D.number_of_edges() else {v: 1.0 / n for v in nodes}
    btw = betweenness(D, k=betweenness_k, seed=seed, exact_max_nodes=exact_max_nodes, directed=False)
    if posts is not None:
        node_of = author_nodes(G)
        activity: Mapping = Counter(node_of.get(p.author, p.author) for p in posts)
    else:
        activity = dict(D.out_degree(weight=None))
    followers = {v: D.nodes[v].get("followers") for v in nodes}
    known = [float(x) for x in followers.values() if x is not None]
    if known:
        median = float(np.median(known))
        audience = {v: median if x is None else float(x) for v, x in followers.items()}
    else:
        audience = {v: float(D.in_degree(v)) for v in nodes}
    out = {}
    for v in nodes:
        succ, pred = set(D.successors(v)), set(D.predecessors(v))
        ties = len(succ) + len(pred)
        out[v] = {
            "in_strength": float(ins[v]),
            "out_strength": float(outs[v]),
            # networkx's reciprocity: edges reciprocated over edges, 0 for an isolated actor
            "reciprocity": 2.0 * len(succ & pred) / ties if ties else 0.0,
            "clustering": float(clust.get(v, 0.0)),
            "pagerank": float(pr[v]),
            "betweenness": float(btw[v]),
            "activity": float(activity.get(v, 0)),
            "audience": audience[v],
        }
    return out


def _matrix(features: Mapping[Hashable, Mapping[str, float]], names: Sequence[str]) -> np.ndarray:
    n = len(features)
    X = np.array([[f[c] for c in names] for f in features.values()], dtype=float)
    for j, c in enumerate(names):
        if c in ("pagerank", "betweenness"):
            X[:, j] = X[:, j] * n  # 1 = the average actor, so log1p keeps its shape
        if c in _LOGGED:
            X[:, j] = np.log1p(np.maximum(X[:, j], 0.0))
    return X


def _name_clusters(centroids: np.ndarray, names: Sequence[str]) -> list[str]:
    from scipy.optimize import linear_sum_assignment

    roles = list(ROLE_SCORES)
    S = np.zeros((len(centroids), len(roles)))
    for j, role in enumerate(roles):
        for feat, w in ROLE_SCORES[role].items():
            if feat in names:
                S[:, j] += w * centroids[:, names.index(feat)]
    rows, cols = linear_sum_assignment(-S)
    out: list[str | None] = [None] * len(centroids)
    for r, c in zip(rows, cols):
        out[r] = roles[c]
    used: Counter = Counter(x for x in out if x is not None)
    for i in range(len(out)):
        if out[i] is None:  # more clusters than roles: best role, numbered
            best = roles[int(np.argmax(S[i]))]
            used[best] += 1
            out[i] = f"{best} {used[best]}"
    return out  # type: ignore[return-value]


def assign_roles(
    G: nx.Graph,
    *,
    k: int | None = None,
    posts: Iterable | None = None,
    seed: int = 0,
    k_range: tuple[int, int] = (3, 6),
    weight: str | None = "weight",
    features: Sequence[str] = FEATURES,
    betweenness_k: int = 256,
    method: str = "rules",
    partition: Mapping | None = None,
) -> RoleAssignment:
    """Give every actor a role: by documented rules (default) or by k-means clusters.

    Parameters
    ----------
    G : networkx graph or influence.measures.GraphView
        The interaction graph (edges towards who receives attention). Not modified. The rules
        read a view's arrays (no networkx graph is built: what :func:`influence.analyze` does);
        k-means builds the view's networkx graph.
    k : int, optional
        ``method="kmeans"``: number of roles. Default: the k in ``k_range`` with the best
        silhouette score.
    posts : iterable of Post, optional
        The sector's posts, for the ``activity`` feature.
    seed : int, default=0
        Seed of k-means, of the silhouette sample and of the betweenness sample. Pass an int for
        reproducible output across calls.
    k_range : (int, int), default=(3, 6)
        Smallest and largest k tried when ``k`` is not given (capped at the number of distinct
        feature vectors, and at the number of actors minus one). It starts at 3 because the silhouette score favours k=2 on most
        interaction graphs, and two clusters only split the active actors from the passive
        ones: a ranking, not roles.
    weight : str or None, default="weight"
    features : sequence of str, default=FEATURES
        The features to cluster on (a subset of :data:`FEATURES`).
    betweenness_k : int, default=256
        See :func:`structural_features`.
    method : {"rules", "kmeans"}, default="rules"
        ``"rules"``: the rules of the module docstring, on quantiles of the sector (``k``,
        ``k_range``, ``features`` and ``betweenness_k`` do not apply). ``"kmeans"``: clusters of
        the structural features named after their centroids (it fits the synthetic demo, but on
        sparse real mention graphs a few giant accounts dominate the scaled features and nearly
        every actor falls in one "lurker" cluster).
    partition : mapping of actor -> community, optional
        ``method="rules"``: the communities bridges are measured against. Default: one seeded
        Louvain run (:func:`influence.communities.detect_communities`, ``runs=1``).

    Returns
    -------
    RoleAssignment

    Raises
    ------
    ConfigError
        For a bad parameter.
    EmptyGraphError
        If the graph has fewer than 3 actors (no clustering to do).

    Examples
    --------
    >>> G = nx.DiGraph()
    >>> G.add_edges_from((f"fan{i}", "star") for i in range(30))
    >>> G.add_edges_from((f"fan{i}", f"fan{i + 1}") for i in range(0, 30, 2))
    >>> G.add_edges_from((f"fan{i + 1}", f"fan{i}") for i in range(0, 30, 2))
    >>> r = assign_roles(G, k=2, features=["in_strength", "out_strength", "reciprocity"], method="kmeans")
    >>> r["star"], r["fan3"]
    ('hub', 'conversationalist')
    >>> r = assign_roles(G, method="rules")
    >>> r["star"], r["fan3"]
    ('hub', 'lurker')
    >>> r.why("star")
    'hub: attention from 30 actors (hub: >= 3, the larger of 3 and the 95th percentile of the 31 actors who receive any)'
    """
    check_choice("method", method, ("rules", "kmeans"))
    names = list(features)
    unknown = [f for f in names if f not in FEATURES]
    if unknown or not names:
        raise invalid("features", "a non-empty list of " + ", ".join(show(f) for f in FEATURES),
                      list(features))
    check("k", optional(whole(1)), k)
    lo, hi = k_range
    if not (isinstance(lo, int) and isinstance(hi, int) and 2 <= lo <= hi):
        raise invalid("k_range", "(low, high) with 2 <= low <= high", k_range)
    check_whole("seed", seed, 0)
    from .measures import GraphView

    if (G.n if isinstance(G, GraphView) else G.number_of_nodes()) < 3:
        raise EmptyGraphError("assign_roles needs at least 3 actors")
    if method == "rules":
        if k is not None:
            raise ConfigError("The 'k' parameter of assign_roles applies to method='kmeans' only. "
                              f"Got k={k!r} with method='rules'.", key="k")
        return _assign_rules(G, posts, partition, seed, weight)
    if isinstance(G, GraphView):
        G = G.networkx()

    from threadpoolctl import threadpool_limits  # installed with scikit-learn

    # One thread: the matrix is small (actors x 8), and k-means' OpenMP threads spin-wait when the
    # cores are busy (20x slower on a loaded 2-core machine); one thread also makes the floating
    # point, and so the clusters, the same whatever the machine's core count.
    with threadpool_limits(limits=1):
        return _assign_roles(G, k, posts, seed, (lo, hi), weight, names, betweenness_k)


def _assign_roles(G, k, posts, seed, k_range, weight, names, betweenness_k) -> RoleAssignment:
    """:func:`assign_roles` after validation: prior validation of the parameters is assumed."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score
    from sklearn.preprocessing import StandardScaler

    lo, hi = k_range
    feats = structural_features(G, posts=posts, weight=weight, seed=seed, betweenness_k=betweenness_k)
    nodes = list(feats)
    X = StandardScaler().fit_transform(_matrix(feats, names))
    n_distinct = len(np.unique(X.round(12), axis=0))

    def fit(kk: int):
        return KMeans(n_clusters=kk, n_init=4, random_state=seed).fit(X)

    silhouettes: dict[int, float] = {}
    sample = min(len(nodes), 3000)  # silhouette is O(n^2): a seeded sample above 3,000 actors
    if k is None:
        best = None
        # k-means needs as many distinct points as clusters, the silhouette fewer clusters than points
        upper = min(hi, n_distinct, len(nodes) - 1)
        for kk in range(max(2, min(lo, upper)), upper + 1):
            model = fit(kk)
            s = float(silhouette_score(X, model.labels_, sample_size=sample, random_state=seed))
            silhouettes[kk] = s
            if best is None or s > best[0]:
                best = (s, kk, model)
        if best is None:  # too few distinct actors to compare clusterings
            model, kk = fit(1), 1
        else:
            _, kk, model = best
    else:
        kk = min(int(k), n_distinct)
        model = fit(kk)
        if 1 < kk < len(nodes) and len(set(model.labels_)) > 1:
            silhouettes[kk] = float(silhouette_score(X, model.labels_, sample_size=sample,
                                                     random_state=seed))
    labels = model.labels_
    centroids = model.cluster_centers_
    role_names = _name_clusters(centroids, names)
    sizes = tuple(int((labels == i).sum()) for i in range(kk))
    return RoleAssignment(
        roles={v: role_names[int(c)] for v, c in zip(nodes, labels)},
        clusters={v: int(c) for v, c in zip(nodes, labels)},
        names=tuple(role_names),
        centroids=tuple({f: float(x) for f, x in zip(names, c)} for c in centroids),
        sizes=sizes,
        k=kk,
        silhouette=silhouettes.get(kk, math.nan),
        silhouettes=silhouettes,
        features=tuple(names),
        seed=int(seed),
    )


# -- rules -----------------------------------------------------------------------------------------

#: Quantiles and floors of the rules (see the module docstring): a threshold is
#: ``max(floor, quantile q of the feature over the actors whose value is at least 1)``.
RULES: dict[str, tuple[float, float]] = {
    "hub_givers": (0.95, 3.0),
    "bridge_neighbours": (0.90, 3.0),
    "mutual": (0.90, 2.0),
    "activity": (0.90, 3.0),
    "receivers": (0.95, 3.0),
}
#: A bridge has ties into at least this many communities, at least :data:`BRIDGE_OUTSIDE` of its
#: tie weight outside its own.
BRIDGE_COMMUNITIES = 3
BRIDGE_OUTSIDE = 0.5


def _threshold(values: np.ndarray, name: str) -> float:
    q, floor = RULES[name]
    positive = values[values >= 1]
    if not positive.size:
        return floor
    return max(floor, float(np.quantile(positive, q, method="higher")))


def rule_features(G, *, posts: Iterable | None = None, partition: Mapping | None = None,
                  weight: str | None = "weight") -> dict[Hashable, dict[str, float]]:
    """The counts the role rules read, for every actor (see the module docstring).

    ``givers``/``receivers``: distinct actors giving attention to / receiving it from the actor;
    ``in_strength``/``out_strength``: the same weighted; ``mutual``: actors it exchanges attention
    with both ways; ``neighbours``: distinct actors it is tied to either way; ``communities``:
    distinct communities among them and its own (``partition``; 1 without); ``outside``: share of
    its tie weight outside its own community; ``activity``: posts published (with ``posts`` that
    match any actor), else the interactions given (unweighted); ``posts_known``: 1.0 or 0.0.

    ``G`` is a networkx graph (the reference) or an :class:`influence.measures.GraphView`, whose
    arrays give the same counts (:func:`rule_columns`).

    Examples
    --------
    >>> D = nx.DiGraph([("a", "b"), ("b", "a"), ("c", "a"), ("d", "a")])
    >>> f = rule_features(D, partition={"a": 0, "b": 0, "c": 1, "d": 2})
    >>> f["a"]["givers"], f["a"]["mutual"], f["a"]["communities"], f["a"]["outside"]
    (3.0, 1.0, 3.0, 0.5)
    """
    from .communities import author_nodes
    from .measures import GraphView

    if isinstance(G, GraphView):
        nodes, cols = rule_columns(G, posts=posts, partition=partition, weight=weight)
        names = list(cols)
        return {v: dict(zip(names, map(float, row))) for v, row in zip(nodes, zip(*cols.values()))}
    D = G if G.is_directed() else G.to_directed()
    D = nx.DiGraph(D)
    D.remove_edges_from(list(nx.selfloop_edges(D)))
    ins = dict(D.in_degree(weight=weight))
    outs = dict(D.out_degree(weight=weight))
    activity: Mapping | None = None
    if posts is not None:
        node_of = author_nodes(G)
        counted = Counter(node_of[p.author] for p in posts if p.author in node_of)
        if counted:
            activity = counted
    part = partition if partition is not None else {}
    out = {}
    for v in D:
        succ, pred = set(D.successors(v)), set(D.predecessors(v))
        nbrs = succ | pred
        own = part.get(v, v if partition is None else None)
        tie: Counter = Counter()
        for u in succ:
            tie[part.get(u)] += float(D.edges[v, u].get(weight, 1.0)) if weight else 1.0
        for u in pred:
            tie[part.get(u)] += float(D.edges[u, v].get(weight, 1.0)) if weight else 1.0
        total = sum(tie.values())
        comms = ({part.get(u) for u in nbrs} | {own}) if partition is not None else {own}
        out[v] = {
            "givers": float(len(pred)),
            "receivers": float(len(succ)),
            "in_strength": float(ins[v]),
            "out_strength": float(outs[v]),
            "mutual": float(len(succ & pred)),
            "neighbours": float(len(nbrs)),
            "communities": float(len(comms)),
            "outside": (1.0 - tie.get(own, 0.0) / total) if (total and partition is not None) else 0.0,
            "activity": float(activity.get(v, 0) if activity is not None else D.out_degree(v)),
            "posts_known": 1.0 if activity is not None else 0.0,
        }
    return out


def rule_columns(V, *, posts: Iterable | None = None, partition: Mapping | None = None,
                 weight: str | None = "weight") -> tuple[list, dict[str, np.ndarray]]:
    """:func:`rule_features` of an :class:`influence.measures.GraphView` as columns: ``(nodes,
    {feature: array in node order})``, computed on the view's adjacency (self-loops are not in
    it) with numpy, without a networkx graph.

    Examples
    --------
    >>> from influence.measures import GraphView
    >>> V = GraphView(nx.DiGraph([("a", "b"), ("b", "a"), ("c", "a"), ("d", "a")]))
    >>> nodes, cols = rule_columns(V, partition={"a": 0, "b": 0, "c": 1, "d": 2})
    >>> nodes[0], [float(cols[k][0]) for k in ("givers", "mutual", "communities", "outside")]
    ('a', [3.0, 1.0, 3.0, 0.5])
    """
    from .communities import author_nodes

    n, nodes = V.n, list(V.nodes)
    C = V.A.tocoo()
    src, dst = C.row.astype(np.int64), C.col.astype(np.int64)
    w = C.data.astype(float) if weight else np.ones(len(src))
    givers = np.bincount(dst, minlength=n).astype(float)
    receivers = np.bincount(src, minlength=n).astype(float)
    mutual = np.bincount(src[has_reverse(src, dst, n)], minlength=n).astype(float)
    in_s = np.bincount(dst, weights=w, minlength=n)
    out_s = np.bincount(src, weights=w, minlength=n)
    if partition is not None:
        codes, values = codes_of(list(map(partition.get, nodes)))
        k = len(values)
        pairs = unique_sorted(np.concatenate([src * k + codes[dst], dst * k + codes[src], np.arange(n) * k + codes]))
        communities = np.bincount(pairs // k, minlength=n).astype(float)
        same = codes[src] == codes[dst]  # tie weight inside its own community, for both ends
        own = np.bincount(src[same], weights=w[same], minlength=n) + np.bincount(dst[same], weights=w[same],
                                                                                 minlength=n)
        total = in_s + out_s
        with np.errstate(divide="ignore", invalid="ignore"):
            outside = np.where(total > 0, 1.0 - own / total, 0.0)
    else:
        communities, outside = np.ones(n), np.zeros(n)
    activity = None
    if posts:  # none (or an empty list): activity is the interactions given
        node_of = author_nodes(V)
        counted = Counter(node_of[p.author] for p in posts if p.author in node_of)
        if counted:
            index = V.index
            activity = np.zeros(n)
            for v, c in counted.items():
                activity[index[v]] = c
    cols = {
        "givers": givers,
        "receivers": receivers,
        "in_strength": in_s,
        "out_strength": out_s,
        "mutual": mutual,
        "neighbours": givers + receivers - mutual,
        "communities": communities,
        "outside": outside,
        "activity": activity if activity is not None else receivers,
        "posts_known": np.full(n, 1.0 if activity is not None else 0.0),
    }
    return nodes, cols


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2f}"


#: Decimals of the ``outside`` share the bridge rule compares (beyond them, a share of exactly
#: one half differs only by the order of the additions).
OUTSIDE_DIGITS = 12


def _assign_rules(G, posts, partition, seed, weight) -> RoleAssignment:
    """:func:`assign_roles` with ``method="rules"``, after validation: on a view's arrays, or on
    a networkx graph through :func:`rule_features` (the reference)."""
    from .measures import GraphView

    if partition is None:
        from .communities import detect_communities

        partition = detect_communities(G, seed=seed, runs=1, weight=weight)
    if isinstance(G, GraphView):
        nodes, col = rule_columns(G, posts=posts, partition=partition, weight=weight)
    else:
        feats = rule_features(G, posts=posts, partition=partition, weight=weight)
        nodes = list(feats)
        col = {name: np.array([feats[v][name] for v in nodes], dtype=float)
               for name in next(iter(feats.values()))}
    posts_known = bool(nodes) and col["posts_known"][0] == 1.0
    t = {
        "hub_givers": _threshold(col["givers"], "hub_givers"),
        "bridge_neighbours": _threshold(col["neighbours"], "bridge_neighbours"),
        "bridge_communities": float(BRIDGE_COMMUNITIES),
        "bridge_outside": BRIDGE_OUTSIDE,
        "mutual": _threshold(col["mutual"], "mutual"),
        "activity": _threshold(col["activity"], "activity"),
        "receivers": _threshold(col["receivers"], "receivers"),
    }
    conditions = [  # the first rule that holds wins, as np.select takes the first true condition
        col["givers"] >= t["hub_givers"],
        (col["neighbours"] >= t["bridge_neighbours"]) & (col["communities"] >= BRIDGE_COMMUNITIES)
        & (np.round(col["outside"], OUTSIDE_DIGITS) >= BRIDGE_OUTSIDE),
        col["mutual"] >= t["mutual"],
        (col["activity"] >= t["activity"]) & (col["in_strength"] < col["activity"]),
        (col["receivers"] >= t["receivers"]) & (col["activity"] < t["activity"]) & posts_known,
    ]
    rule_roles = ("hub", "bridge", "conversationalist", "broadcaster", "amplifier")
    codes = np.select(conditions, list(range(len(rule_roles))), default=len(rule_roles))
    role_of = rule_roles + ("lurker",)
    roles = dict(zip(nodes, map(role_of.__getitem__, codes.tolist())))
    count = Counter(roles.values())
    names = tuple(r for r in ROLES if count[r])
    return RoleAssignment(
        roles=roles,
        clusters=_RuleClusters(roles, names),
        names=names,
        centroids=(),
        sizes=tuple(count[r] for r in names),
        k=len(names),
        silhouette=math.nan,
        silhouettes={},
        features=tuple(col),
        seed=int(seed),
        method="rules",
        thresholds=t,
        reasons=_RuleReasons(nodes, col, t, roles, posts_known),
    )


class _RuleClusters(Mapping):
    """Actor -> the number of its role among those found (on demand: no second 1M-entry dict)."""

    def __init__(self, roles: dict, names: tuple):
        self._roles, self._number = roles, {r: i for i, r in enumerate(names)}

    def __getitem__(self, actor):
        return self._number[self._roles[actor]]

    def __iter__(self):
        return iter(self._roles)

    def __len__(self) -> int:
        return len(self._roles)


class _RuleReasons(Mapping):
    """Actor -> why it has its role (the rule, its numbers and the thresholds), worded on
    demand from the feature columns (worded for every actor, they were 1M strings)."""

    def __init__(self, nodes: list, col: dict, t: dict, roles: dict, posts_known: bool):
        self._nodes, self._col, self._t, self._roles, self._posts_known = nodes, col, t, roles, posts_known
        self._index: dict | None = None
        self._receivers_of = int((col["givers"] >= 1).sum())

    def __iter__(self):
        return iter(self._nodes)

    def __len__(self) -> int:
        return len(self._nodes)

    def __contains__(self, actor) -> bool:
        return actor in self._roles

    def __getitem__(self, actor) -> str:
        if self._index is None:
            self._index = {v: i for i, v in enumerate(self._nodes)}
        i = self._index[actor]
        f = {name: float(c[i]) for name, c in self._col.items()}
        t = self._t
        role = self._roles[actor]
        act = "posts" if self._posts_known else "interactions given"
        if role == "hub":
            why = (f"attention from {_fmt(f['givers'])} actors (hub: >= {_fmt(t['hub_givers'])}, the larger of "
                   f"3 and the 95th percentile of the {self._receivers_of:,} actors who receive any)")
        elif role == "bridge":
            why = (f"ties with {_fmt(f['neighbours'])} actors in {_fmt(f['communities'])} communities, "
                   f"{f['outside']:.0%} outside its own (bridge: >= {_fmt(t['bridge_neighbours'])} actors, "
                   f">= {BRIDGE_COMMUNITIES} communities, >= {BRIDGE_OUTSIDE:.0%} outside)")
        elif role == "conversationalist":
            why = (f"exchanges attention both ways with {_fmt(f['mutual'])} actors "
                   f"(conversationalist: >= {_fmt(t['mutual'])})")
        elif role == "broadcaster":
            why = (f"{_fmt(f['activity'])} {act} (broadcaster: >= {_fmt(t['activity'])}) for "
                   f"{_fmt(f['in_strength'])} attention received")
        elif role == "amplifier":
            why = (f"gives attention to {_fmt(f['receivers'])} actors (amplifier: >= {_fmt(t['receivers'])}) "
                   f"but publishes {_fmt(f['activity'])} posts")
        else:
            why = (f"attention from {_fmt(f['givers'])} and to {_fmt(f['receivers'])} actors, "
                   f"{_fmt(f['activity'])} {act}: under every threshold")
        return f"{role}: {why}"
