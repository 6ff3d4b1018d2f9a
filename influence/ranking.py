"""Rank opinion leaders: a composite of normalised centralities, explained per actor.

``rank(G, config)`` is a pure function: it computes every measure with a weight > 0 on the whole
graph, normalises each over all nodes, combines them with the configured weights into a score in
which each measure's *contribution* is visible, applies the output filters, and returns a new
:class:`RankingResult`. It never modifies the graph.

Composite
---------
For measure m with weight w_m and normalised value z_m(v)::

    contribution_m(v) = w_m * z_m(v) / W(v)
    score(v)          = sum_m contribution_m(v)

where W(v) is the sum of the weights of the measures v has a value for (``missing =
"renormalize"``, the default: an actor without posts is scored on its network measures alone) or
of all weights (``missing = "zero"``: a missing value counts as 0).

Normalisations: ``rank`` (default; the percentile of v's value, ties averaged, in (0, 1]),
``minmax`` (scaled to [0, 1]) and ``zscore`` (standard scores; the composite can be negative),
each computed over the actors that have a value; ``RankingResult.missing`` counts, per measure,
the actors without one.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

import networkx as nx
import numpy as np

from ._arrays import codes_of, unique_sorted
from .config import RankingConfig
from .errors import ConfigError, EmptyGraphError
from .measures import MEASURE_LABELS, MEASURES, GraphView
from .records import KINDS

__all__ = ["rank", "shortlist", "RankingResult", "RankedActor", "MeasureScore", "RankingConfig"]

_PLURAL = {
    "mention": "mentions", "reply": "replies", "reshare": "reshares", "quote": "quotes",
    "like": "likes", "link": "links", "comment": "comments", "follow": "follows",
}


class MeasureScore(NamedTuple):
    """One measure's part in an actor's score (a named tuple: cheap to make by the million)."""

    value: float  #: raw value of the measure (NaN when missing)
    normalized: float  #: value after normalisation
    contribution: float  #: weight * normalized / W(v), the weights of the measures v has
    top_percent: float  #: the share (%) of actors whose value on this measure is at least this one


@dataclass(frozen=True)
class RankedActor:
    """One row of a ranking."""

    rank: int
    actor: Any  #: the node id as given (a ``platform:handle`` string for sector graphs)
    name: str
    platform: str
    score: float
    why: str
    measures: dict[str, MeasureScore]
    received: dict[str, float]  #: interactions received per kind (raw counts)
    givers: int  #: distinct actors who gave attention
    competitor: str | None = None  #: the competitor this actor belongs to, None when it is no brand
    followers: int | None = None
    community: Any = None  #: community id (node attribute ``community``), if detected
    community_label: str | None = None  #: its label (node attribute ``community_label``)
    role: str | None = None  #: structural role (node attribute ``role``), if assigned
    accounts: tuple[str, ...] = ()  #: accounts merged into this actor (identity links)
    platforms: tuple[str, ...] = ()  #: their platforms

    def to_dict(self, *, detail: bool = True) -> dict[str, Any]:
        """JSON-ready dict: ``rank, actor, name, platform, score, why`` and, with ``detail``,
        ``givers, received, followers, competitor, community, measures``."""
        d: dict[str, Any] = {
            "rank": self.rank,
            "actor": self.actor,
            "name": self.name,
            "platform": self.platform,
            "score": round(self.score, 6),
            "why": self.why,
        }
        if detail:
            d["platforms"] = list(self.platforms or (self.platform,))
            d["accounts"] = list(self.accounts or (self.actor,))
            d["givers"] = self.givers
            d["received"] = {k: _num(v) for k, v in self.received.items()}
            d["followers"] = self.followers
            d["competitor"] = self.competitor
            d["community"] = self.community
            d["community_label"] = self.community_label
            d["role"] = self.role
            d["measures"] = {
                m: {
                    "value": None if math.isnan(s.value) else _round(s.value),
                    "normalized": _round(s.normalized),
                    "contribution": _round(s.contribution),
                }
                for m, s in self.measures.items()
            }
        return d


class RankingResult:
    """What :func:`rank` returns: the ranked actors, best first, and how they were ranked.

    Entries are built when read (``result[0]``, ``result.top(20)``, iteration), so ranking a
    sector of a million actors and printing its top 20 builds 20 explained rows, not a million.

    Reading entries
    ---------------
    The rule: **an integer or a slice is a position, anything else is an actor id**; the
    methods look up actor ids of any type, integers included.

    - ``result[0]``, ``result[-1]``, ``result[:10]``: by position, best first, like a list
      (``result[0].rank == 1``).
    - ``result["web:example.org"]``: the entry of that actor (``KeyError`` when it is not in the
      ranking).
    - ``result.entry(actor)`` / ``result.get(actor, default=None)``: the entry of ``actor``,
      whatever its type. Use these when node ids are integers (karate club's node 33 is
      ``result.entry(33)``; ``result[33]`` is the 34th entry).
    - ``actor in result``: whether ``actor`` (an id of any type, or a :class:`RankedActor`) is
      ranked. Actors removed by the output filters (e.g. competitors) are not in the result.

    Attributes
    ----------
    entries : tuple of RankedActor
        All ranked actors after the output filters, ``rank`` 1..n (built on first access).
    config : RankingConfig
        The configuration used (goes into manifests).
    n_nodes, n_edges : int
        Size of the ranked graph.
    excluded : dict
        How many actors each output filter removed (``"competitors"``, ``"platforms"``,
        ``"languages"``, ``"patterns"`` for ``filters.exclude``, ``"min_interactions"``), filters
        with none left out.
    missing : dict
        Per measure, how many nodes it had no value for.
    """

    def __init__(self, order: list[int], make, *, config: RankingConfig, n_nodes: int, n_edges: int,
                 excluded: dict[str, int], missing: dict[str, int], nodes: list | None = None,
                 score=None):
        self._order = order
        self._score = score  # every node's score, by index (``scores()`` without the entries)
        self._make = make
        self._nodes = nodes  # all node ids of the ranked graph, by index (``order`` indexes them)
        self._positions: dict | None = None  # actor -> position, built on the first lookup
        self._cache: dict[int, RankedActor] = {}
        self.config = config
        self.n_nodes = n_nodes
        self.n_edges = n_edges
        self.excluded = excluded
        self.missing = missing

    def _entry(self, r: int) -> RankedActor:
        e = self._cache.get(r)
        if e is None:
            e = self._cache[r] = self._make(self._order[r], r + 1)
        return e

    def __len__(self) -> int:
        return len(self._order)

    def __iter__(self):
        return (self._entry(r) for r in range(len(self._order)))

    def __getitem__(self, key):
        """``result[i]`` by position (an integer or a slice), ``result[actor]`` for any other key."""
        if isinstance(key, slice):
            return tuple(self._entry(r) for r in range(len(self._order))[key])
        try:
            i = operator.index(key)
        except TypeError:
            return self.entry(key)
        return self._entry(range(len(self._order))[i])

    def _position(self, actor) -> int | None:
        if self._positions is None:
            if self._nodes is None:
                self._positions = {e.actor: r for r, e in enumerate(self)}
            else:
                nodes = self._nodes
                self._positions = {nodes[i]: r for r, i in enumerate(self._order)}
        try:
            return self._positions.get(actor)
        except TypeError:  # an unhashable key is no actor id
            return None

    def entry(self, actor) -> RankedActor:
        """The entry of ``actor`` (a node id of any type, integers included).

        Raises
        ------
        KeyError
            If ``actor`` is not in this ranking: not a node of the ranked graph, or left out by
            the output filters (the message says which).
        """
        r = self._position(actor)
        if r is None:
            try:
                in_graph = self._nodes is not None and actor in set(self._nodes)
            except TypeError:  # unhashable
                in_graph = False
            if in_graph:
                raise KeyError(f"actor {actor!r} is in the graph but was left out by the output filters "
                               f"({', '.join(self.excluded) or 'none'})")
            raise KeyError(f"actor {actor!r} is not in the ranked graph")
        return self._entry(r)

    def get(self, actor, default=None):
        """The entry of ``actor`` (a node id of any type), or ``default`` when it is not ranked."""
        r = self._position(actor)
        return default if r is None else self._entry(r)

    def __contains__(self, item) -> bool:
        """Whether an actor id (or a :class:`RankedActor`'s actor) is in this ranking."""
        if isinstance(item, RankedActor):
            item = item.actor
        return self._position(item) is not None

    @property
    def entries(self) -> tuple[RankedActor, ...]:
        return tuple(self)

    def top(self, k: int) -> tuple[RankedActor, ...]:
        """The first ``k`` entries (all of them when ``k`` is 0)."""
        return self.entries if k == 0 else self[:k]

    def actors(self, k: int = 0) -> list:
        """The ranked actor ids, best first (the first ``k``; all when ``k`` is 0), without
        building their entries (cheap for a million actors)."""
        order = self._order if k == 0 else self._order[:k]
        if self._nodes is None:
            return [self._entry(r).actor for r in range(len(order))]
        nodes = self._nodes
        return [nodes[i] for i in order]

    def scores(self) -> dict[str, float]:
        """``{actor: score}`` for the ranked actors (without building their entries, which at
        1M actors took 98 s and 2 GB in the report)."""
        if self._score is not None and self._nodes is not None:
            nodes, score = self._nodes, self._score.tolist()
            return {nodes[i]: score[i] for i in self._order}
        return {e.actor: e.score for e in self}

    def to_records(self, k: int = 0, *, detail: bool = True) -> list[dict[str, Any]]:
        return [e.to_dict(detail=detail) for e in self.top(k)]

    def __repr__(self) -> str:
        return f"<RankingResult: {len(self)} actors ranked of {self.n_nodes}>"


def rank(G: nx.Graph, config: RankingConfig | None = None) -> RankingResult:
    """Rank the actors of an interaction graph.

    Parameters
    ----------
    G : networkx.DiGraph or GraphView
        Any directed graph, node ids as given, edges pointing to whoever receives attention,
        optional ``weight`` edge attribute (missing = 1). An undirected graph is read as
        reciprocal (each edge both ways); a multigraph's parallel edges are summed. Node
        attributes ``name``, ``platform``, ``is_competitor``, ``followers`` and edge attributes
        ``n_<kind>`` (as :func:`influence.build_graph` sets them) enrich the output when present,
        and a ``community`` node attribute adds "across N communities" to the explanations. For
        large sectors pass ``GraphView.from_arrays(build_arrays(store, config))``: the same
        ranking without building a networkx graph.
    config : RankingConfig or mapping, optional
        Measure weights, their parameters, normalisation and output filters. A mapping is read
        with :meth:`RankingConfig.from_dict` (the nested shape of a sector file's ``[ranking]``
        table, e.g. ``{"measures": {"pagerank": 1.0}}``). Default: ``RankingConfig()``.

    Returns
    -------
    RankingResult

    Raises
    ------
    EmptyGraphError
        If the graph has no nodes.
    ConfigError
        If a mapping ``config`` has an unknown key or a bad value (the message names the key).
    TypeError
        If ``config`` is neither a RankingConfig, a mapping nor None.

    Examples
    --------
    >>> G = nx.DiGraph([("ana", "luis"), ("eva", "luis"), ("luis", "eva")])
    >>> result = rank(G)
    >>> [e.actor for e in result]
    ['luis', 'eva', 'ana']
    >>> result[0].why
    'attention from 2 actors; HITS authority top 34%, distinct attention givers top 34%'
    """
    cfg = _as_config(config)
    view = G if isinstance(G, GraphView) else GraphView(_as_digraph(G))
    n = view.n
    if n == 0:
        raise EmptyGraphError("the graph has no nodes: nothing to rank (empty sector, or filters removed everything)")
    nodes = view.nodes
    weights = {m: w for m, w in cfg.measures.items() if w > 0}
    total = sum(weights.values())

    # the measures of a view and its annotated copies (GraphView.with_columns) are the same
    # unless one reads an added column: computed once for a configuration (the CLI ranks the
    # plain view while the communities are detected, then the view annotated with them)
    cache = getattr(view, "_scores", None)
    key = repr(cfg)
    if (cache is None or not set(getattr(view, "_added", {})) <= ANNOTATION_COLUMNS
            or weights.keys() & _READS_ANNOTATIONS):
        cache = None
    hit = cache.get(key) if cache is not None else None
    if hit is not None:
        raw, norm, toppct, missing = hit
    else:
        raw, norm, toppct, missing = _measures(view, cfg, weights)
        if cache is not None:
            cache.clear()  # one configuration at a time: a sweep ranks many
            cache[key] = (raw, norm, toppct, missing)
    # Each actor's weights: with missing="renormalize" an actor is scored on the measures it has
    # (its weights rescaled to sum 1); with "zero" a missing measure counts as normalised 0.
    if cfg.missing == "renormalize":
        denom = np.zeros(n)
        for m, w in weights.items():
            denom += np.where(np.isnan(raw[m]), 0.0, w)
        denom = np.where(denom > 0, denom, total)
    else:
        denom = np.full(n, total)
    contrib: dict[str, np.ndarray] = {}
    score = np.zeros(n)
    for m, w in weights.items():
        contrib[m] = np.where(np.isnan(raw[m]), 0.0, w * norm[m]) / denom
        score += contrib[m]

    givers = view.givers
    received_arrays = view.received
    col = view.column
    names, platforms, competitors, is_comp = col("name"), col("platform"), col("competitor"), col("is_competitor")
    followers_c, languages, accounts_c = col("followers"), col("language"), col("accounts")
    platforms_c, communities = col("platforms"), col("community")
    community_labels, roles = col("community_label"), col("role")
    n_comms = _giver_communities(view, communities)

    # best first; ties by node id (as text) so the order never depends on node insertion order.
    # Views built from the store's arrays already hold their nodes in id order.
    if view.arrays is not None:
        tie = np.arange(n)
    else:
        tie = np.argsort(np.argsort(np.array([str(v) for v in nodes]), kind="stable"), kind="stable")
    order = np.lexsort((tie, -score))

    # output filters, vectorised over all actors; entries are only built for what is read
    excluded = {"competitors": 0, "min_interactions": 0, "platforms": 0, "languages": 0, "patterns": 0}
    keep = np.ones(n, dtype=bool)
    if cfg.exclude_competitors:
        comp = np.fromiter((bool(a) or bool(b) for a, b in zip(is_comp, competitors)), dtype=bool, count=n)
        excluded["competitors"] = int(comp.sum())
        keep &= ~comp
    if cfg.output_platforms is not None:
        allowed = set(cfg.output_platforms)
        ok = np.fromiter((str(platforms[i] or _platform_of(v)) in allowed for i, v in enumerate(nodes)),
                         dtype=bool, count=n)
        excluded["platforms"] = int((keep & ~ok).sum())
        keep &= ok
    if cfg.output_languages is not None:
        allowed = set(cfg.output_languages)
        ok = np.fromiter((x in allowed for x in languages), dtype=bool, count=n)
        excluded["languages"] = int((keep & ~ok).sum())
        keep &= ok
    if cfg.exclude_patterns:
        import fnmatch
        import re

        pattern = re.compile("|".join(f"(?:{fnmatch.translate(p.lower())})" for p in cfg.exclude_patterns))

        def matches(i: int, v) -> bool:  # the node id or any account merged into it
            ids = [str(v), *str(accounts_c[i] or "").split()]
            return any(pattern.match(x.lower()) for x in ids)

        hit = np.fromiter((matches(i, v) for i, v in enumerate(nodes)), dtype=bool, count=n)
        excluded["patterns"] = int((keep & hit).sum())
        keep &= ~hit
    if cfg.min_interactions > 0:
        received_total = sum(received_arrays.values()) if received_arrays else givers.astype(float)
        ok = np.asarray(received_total) >= cfg.min_interactions
        excluded["min_interactions"] = int((keep & ~ok).sum())
        keep &= ok
    kept = order[keep[order]].tolist()

    def make(i: int, r: int) -> RankedActor:
        v = nodes[i]
        received = {k: float(c[i]) for k, c in received_arrays.items() if c[i]}
        ms = {m: MeasureScore(float(raw[m][i]), float(norm[m][i]), float(contrib[m][i]), float(toppct[m][i]))
              for m in weights}
        f = followers_c[i]
        return RankedActor(
            rank=r,
            actor=v,
            name=str(names[i] or v),
            platform=str(platforms[i] or _platform_of(v)),
            score=float(score[i]),
            why=_why(int(givers[i]), received, ms, n_comms[i] if n_comms is not None else None),
            measures=ms,
            received=received,
            givers=int(givers[i]),
            competitor=str(competitors[i]) if competitors[i] else None,
            followers=int(f) if f is not None else None,
            community=communities[i],
            community_label=community_labels[i],
            role=roles[i],
            accounts=tuple(str(accounts_c[i]).split()) if accounts_c[i] else (),
            platforms=tuple(str(platforms_c[i]).split(",")) if platforms_c[i] else (),
        )

    return RankingResult(
        kept,
        make,
        config=cfg,
        n_nodes=n,
        n_edges=view.n_edges,
        excluded={k: c for k, c in excluded.items() if c},
        missing={m: c for m, c in missing.items() if c},
        nodes=nodes,
        score=np.asarray(score, dtype=float),
    )


def shortlist(result: RankingResult, top: int = 20, *, platforms: Iterable[str] | None = None,
              per_community: int | None = None) -> list[RankedActor]:
    """The actionable list: the best ``top`` actors of a ranking.

    Parameters
    ----------
    result : RankingResult
        From :func:`rank` (its filters, e.g. competitors excluded, already applied).
    top : int, default=20
        How many actors; 0 for all. Ignored with ``per_community``.
    platforms : str or iterable of str, optional
        Keep only actors of these platforms (ranks are renumbered 1..n). A single string is one
        platform: ``platforms="web"`` is ``platforms=["web"]``.
    per_community : int, optional
        The best ``per_community`` actors of every community instead (communities ordered by
        their best actor; actors without a community are left out; ``rank`` stays the overall
        rank). Needs a ranking of a graph whose nodes carry ``community``.

    Returns
    -------
    list of RankedActor

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.DiGraph([("a", "x"), ("b", "x"), ("c", "y"), ("d", "z"), ("x", "y")])
    >>> nx.set_node_attributes(G, {"a": 0, "b": 0, "x": 0, "c": 1, "y": 1, "d": 1, "z": 1}, "community")
    >>> [(e.actor, e.community) for e in shortlist(rank(G), per_community=1)]
    [('y', 1), ('x', 0)]
    """
    if top < 0:
        raise ValueError(f"top must be >= 0, got {top}")
    if isinstance(platforms, str):
        platforms = (platforms,)
    keep = None if platforms is None else set(platforms)
    if per_community is not None:
        if per_community < 1:
            raise ValueError(f"per_community must be >= 1, got {per_community}")
        taken: dict = {}
        out = []
        for e in result:
            if e.community is None or (keep is not None and e.platform not in keep):
                continue
            n = taken.get(e.community, 0)
            if n < per_community:
                taken[e.community] = n + 1
                out.append(e)
        order = {c: i for i, c in enumerate(dict.fromkeys(e.community for e in out))}
        return sorted(out, key=lambda e: (order[e.community], e.rank))
    if keep is None:
        return list(result.top(top))
    entries = [e for e in result if e.platform in keep]
    entries = [_renumber(e, i + 1) for i, e in enumerate(entries)]
    return entries if top == 0 else entries[:top]


# -- helpers ---------------------------------------------------------------------------------------


def _as_config(config) -> RankingConfig:
    if config is None:
        return RankingConfig()
    if isinstance(config, RankingConfig):
        return config
    if isinstance(config, Mapping):
        return RankingConfig.from_dict(config)
    raise TypeError(f"rank() needs config as a RankingConfig, a mapping such as "
                    f"{{'measures': {{'pagerank': 1.0}}}} or None, got {type(config).__name__}")


def _as_digraph(G: nx.Graph) -> nx.DiGraph:
    if not isinstance(G, nx.Graph):
        raise TypeError(f"rank() needs a networkx graph, got {type(G).__name__}")
    if G.is_multigraph():
        H = nx.DiGraph()
        H.add_nodes_from(G.nodes(data=True))
        edges = G.edges(data=True) if G.is_directed() else _both_ways(G.edges(data=True))
        for u, v, d in edges:
            w = d.get("weight", 1.0)
            if H.has_edge(u, v):
                H[u][v]["weight"] += w
            else:
                H.add_edge(u, v, **{**d, "weight": w})
        return H
    if not G.is_directed():
        return G.to_directed(as_view=True)
    return G


def _both_ways(edges):
    for u, v, d in edges:
        yield u, v, d
        if u != v:
            yield v, u, d


def _ranks(x: np.ndarray, method: str) -> np.ndarray:
    """1-based ranks of ``x`` (no NaN), ties sharing their ``"average"`` or ``"max"`` rank, as
    ``scipy.stats.rankdata`` gives them (numpy only: importing scipy.stats costs ~0.9 s).

    >>> _ranks(np.array([10.0, 20.0, 10.0, 5.0]), "average").tolist()
    [2.5, 4.0, 2.5, 1.0]
    >>> _ranks(np.array([10.0, 20.0, 10.0, 5.0]), "max").tolist()
    [3.0, 4.0, 3.0, 1.0]
    """
    n = len(x)
    order = np.argsort(x, kind="mergesort")
    xs = x[order]
    bounds = np.flatnonzero(np.r_[True, xs[1:] != xs[:-1], True])  # tie-group starts, then n
    counts = np.diff(bounds)
    per_group = (bounds[:-1] + bounds[1:] + 1) / 2.0 if method == "average" else bounds[1:].astype(float)
    out = np.empty(n)
    out[order] = np.repeat(per_group, counts)
    return out


def _normalize(arr: np.ndarray, how: str) -> np.ndarray:
    ok = ~np.isnan(arr)
    out = np.zeros_like(arr)
    if not ok.any():
        return out
    x = arr[ok]
    if how == "rank":
        out[ok] = _ranks(x, "average") / len(x)
    elif how == "minmax":
        span = x.max() - x.min()
        out[ok] = (x - x.min()) / span if span > 0 else 0.0
    elif how == "zscore":
        sd = x.std()
        out[ok] = (x - x.mean()) / sd if sd > 0 else 0.0
    else:  # validated by RankingConfig; a direct caller gets a clear message
        raise ValueError(f"unknown normalization {how!r}")
    return out


#: Node columns the analysis adds (GraphView.with_columns) that no measure but those of
#: :data:`_READS_ANNOTATIONS` reads: ranking a view annotated with them reuses the plain view's measures.
ANNOTATION_COLUMNS = frozenset({"community", "community_label", "role"})
_READS_ANNOTATIONS = frozenset({"reach_diversity"})


def _measures(view, cfg, weights) -> tuple[dict, dict, dict, dict]:
    """Each weighted measure's raw values, normalised values, top percent and missing count."""
    raw: dict[str, np.ndarray] = {}
    norm: dict[str, np.ndarray] = {}
    toppct: dict[str, np.ndarray] = {}
    missing: dict[str, int] = {}
    for m in weights:
        try:
            arr = np.asarray(MEASURES[m](view, cfg), dtype=float)
        except nx.PowerIterationFailedConvergence:
            section = {"hits_authority": "hits", "hits_hub": "hits"}.get(m, m)
            raise ConfigError(
                f"{m} did not converge within {section}.max_iter iterations; raise {section}.max_iter"
                + (f" or {section}.tol" if section != "katz" else ""),
                key=f"{section}.max_iter",
            ) from None
        missing[m] = int(np.isnan(arr).sum())
        raw[m] = arr
        norm[m] = _normalize(arr, cfg.normalization)
        toppct[m] = _top_percent(arr)
    return raw, norm, toppct, missing


def _top_percent(arr: np.ndarray) -> np.ndarray:
    """For each value, the smallest p such that the node is in the top p %, ties counted
    together: the share of actors with a value at least as high. (Ties sharing the best
    position made 97 actors of 100 with the same one giver each "top 1%".)

    >>> _top_percent(np.array([5.0, 1.0, 1.0, 1.0])).tolist()
    [25.0, 100.0, 100.0, 100.0]
    >>> _top_percent(np.array([3.0, 3.0, 2.0, 1.0, np.nan])).tolist()
    [40.0, 40.0, 60.0, 80.0, 100.0]
    """
    n = len(arr)
    filled = np.where(np.isnan(arr), -np.inf, arr)
    at_least = _ranks(-filled, "max")  # how many values are >= each one
    return np.maximum(1.0, np.ceil(100.0 * at_least / n))


def _giver_communities(view: GraphView, communities: list) -> list[int] | None:
    """Per node, how many distinct communities its attention comes from (None without communities)."""
    if all(c is None for c in communities):
        return None
    lab, codes = codes_of(communities)
    B = view.B.tocoo()
    if not B.nnz:
        return [0] * view.n
    # one int64 per (receiver, giver's community): a 1-D unique sorts numbers, where
    # np.unique(axis=1) sorted 2-column records (30 of the 41 s of the ranking at 1M actors)
    keys = unique_sorted(B.col.astype(np.int64) * len(codes) + lab[B.row])
    return np.bincount(keys // len(codes), minlength=view.n).tolist()


def _why(n_givers: int, received: dict[str, float], ms: dict[str, MeasureScore],
         n_communities: int | None = None) -> str:
    if n_givers == 0:
        return "no attention received in this graph"
    head = f"attention from {n_givers} actor{'s' if n_givers != 1 else ''}"
    if n_communities and n_communities > 1:
        head += f" across {n_communities} communities"
    if received:
        parts = sorted(received.items(), key=lambda kv: (-kv[1], KINDS.index(kv[0])))
        head += " (" + ", ".join(f"{_num(c)} {_PLURAL[k] if c != 1 else k}" for k, c in parts[:3]) + ")"
    # the two measures that contribute most, where the actor stands out (a value shared by more
    # than half of the actors is no reason)
    best = sorted(((m, s) for m, s in ms.items() if s.top_percent <= 50),
                  key=lambda kv: (-kv[1].contribution, kv[0]))[:2]
    tail = ", ".join(f"{MEASURE_LABELS.get(m, m)} top {s.top_percent:.0f}%" for m, s in best)
    return f"{head}; {tail}" if tail else head


def _num(x: float):
    return int(x) if float(x).is_integer() else round(float(x), 3)


def _round(x: float) -> float:
    return float(f"{x:.6g}")


def _platform_of(v) -> str:
    text = str(v)
    return text.partition(":")[0] if ":" in text else ""


def _renumber(e: RankedActor, r: int) -> RankedActor:
    from dataclasses import replace

    return replace(e, rank=r)
