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
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import networkx as nx
import numpy as np
from scipy.stats import rankdata

from .config import RankingConfig
from .errors import EmptyGraphError
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
    contribution: float  #: weight * normalized / sum of weights
    top_percent: float  #: the actor is in the top ``top_percent`` % on this measure


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
    competitor: str = ""
    followers: int | None = None
    community: Any = None  #: filled in by community detection (later)
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
            d["competitor"] = self.competitor or None
            d["community"] = self.community
            d["measures"] = {
                m: {
                    "value": None if math.isnan(s.value) else _round(s.value),
                    "normalized": _round(s.normalized),
                    "contribution": _round(s.contribution),
                }
                for m, s in self.measures.items()
            }
        return d


@dataclass(frozen=True)
class RankingResult:
    """What :func:`rank` returns.

    Attributes
    ----------
    entries : tuple of RankedActor
        Ranked actors after the output filters, best first, ``rank`` 1..n.
    config : RankingConfig
        The configuration used (goes into manifests).
    n_nodes, n_edges : int
        Size of the ranked graph.
    excluded : dict
        How many actors each output filter removed.
    missing : dict
        Per measure, how many nodes it had no value for.
    """

    entries: tuple[RankedActor, ...]
    config: RankingConfig
    n_nodes: int
    n_edges: int
    excluded: dict[str, int] = field(default_factory=dict)
    missing: dict[str, int] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self):
        return iter(self.entries)

    def __getitem__(self, i):
        return self.entries[i]

    def top(self, k: int) -> tuple[RankedActor, ...]:
        """The first ``k`` entries (all of them when ``k`` is 0)."""
        return self.entries if k == 0 else self.entries[:k]

    def scores(self) -> dict[str, float]:
        """``{actor: score}`` for the ranked actors."""
        return {e.actor: e.score for e in self.entries}

    def to_records(self, k: int = 0, *, detail: bool = True) -> list[dict[str, Any]]:
        return [e.to_dict(detail=detail) for e in self.top(k)]


def rank(G: nx.Graph, config: RankingConfig | None = None) -> RankingResult:
    """Rank the actors of an interaction graph.

    Parameters
    ----------
    G : networkx.DiGraph
        Any directed graph, node ids as given, edges pointing to whoever receives attention,
        optional ``weight`` edge attribute (missing = 1). An undirected graph is read as
        reciprocal (each edge both ways); a multigraph's parallel edges are summed. Node
        attributes ``name``, ``platform``, ``is_competitor``, ``followers`` and edge attributes
        ``n_<kind>`` (as :func:`influence.build_graph` sets them) enrich the output when present.
    config : RankingConfig, optional
        Measure weights, their parameters, normalisation and output filters. Default:
        ``RankingConfig()``.

    Returns
    -------
    RankingResult

    Raises
    ------
    EmptyGraphError
        If the graph has no nodes.

    Examples
    --------
    >>> G = nx.DiGraph([("ana", "luis"), ("eva", "luis"), ("luis", "eva")])
    >>> result = rank(G)
    >>> [e.actor for e in result]
    ['luis', 'eva', 'ana']
    >>> result[0].why
    'attention from 2 actors; PageRank top 34%, weighted attention top 34%'
    """
    cfg = config if config is not None else RankingConfig()
    H = _as_digraph(G)
    n = H.number_of_nodes()
    if n == 0:
        raise EmptyGraphError("the graph has no nodes: nothing to rank (empty sector, or filters removed everything)")
    nodes = list(H)
    weights = {m: w for m, w in cfg.measures.items() if w > 0}
    total = sum(weights.values())

    view = GraphView(H)
    raw: dict[str, np.ndarray] = {}
    norm: dict[str, np.ndarray] = {}
    toppct: dict[str, np.ndarray] = {}
    missing: dict[str, int] = {}
    for m in weights:
        arr = np.asarray(MEASURES[m](view, cfg), dtype=float)
        missing[m] = int(np.isnan(arr).sum())
        raw[m] = arr
        norm[m] = _normalize(arr, cfg.normalization)
        toppct[m] = _top_percent(arr)
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

    # plain lists: indexing numpy arrays element by element is slow on large graphs
    raw_l = {m: raw[m].tolist() for m in weights}
    norm_l = {m: norm[m].tolist() for m in weights}
    contrib_l = {m: contrib[m].tolist() for m in weights}
    top_l = {m: toppct[m].tolist() for m in weights}
    score_l = score.tolist()
    givers = dict(H.in_degree())
    received_all = _received_all(H)
    order = sorted(range(n), key=lambda i: (-score_l[i], str(nodes[i])))
    excluded = {"competitors": 0, "min_interactions": 0, "platforms": 0, "languages": 0}
    entries: list[RankedActor] = []
    for i in order:
        v = nodes[i]
        data = H.nodes[v]
        platform = str(data.get("platform") or _platform_of(v))
        competitor = str(data.get("competitor") or "")
        is_comp = bool(data.get("is_competitor", False)) or bool(competitor)
        if cfg.exclude_competitors and is_comp:
            excluded["competitors"] += 1
            continue
        if cfg.output_platforms is not None and platform not in cfg.output_platforms:
            excluded["platforms"] += 1
            continue
        if cfg.output_languages is not None and data.get("language") not in cfg.output_languages:
            excluded["languages"] += 1
            continue
        received = received_all.get(v, {})
        n_received = sum(received.values()) if received else float(givers[v])
        if n_received < cfg.min_interactions:
            excluded["min_interactions"] += 1
            continue
        ms = {
            m: MeasureScore(raw_l[m][i], norm_l[m][i], contrib_l[m][i], top_l[m][i]) for m in weights
        }
        followers = data.get("followers")
        entries.append(
            RankedActor(
                rank=len(entries) + 1,
                actor=v,
                name=str(data.get("name") or v),
                platform=platform,
                score=score_l[i],
                why=_why(givers[v], received, ms),
                measures=ms,
                received=received,
                givers=int(givers[v]),
                competitor=competitor,
                followers=int(followers) if followers is not None else None,
                accounts=tuple(str(data.get("accounts", "")).split()) if data.get("accounts") else (),
                platforms=tuple(str(data.get("platforms", "")).split(",")) if data.get("platforms") else (),
            )
        )
    return RankingResult(
        entries=tuple(entries),
        config=cfg,
        n_nodes=n,
        n_edges=H.number_of_edges(),
        excluded={k: c for k, c in excluded.items() if c},
        missing={m: c for m, c in missing.items() if c},
    )


def shortlist(result: RankingResult, top: int = 20, *, platforms: Iterable[str] | None = None) -> list[RankedActor]:
    """The actionable list: the best ``top`` actors of a ranking.

    Parameters
    ----------
    result : RankingResult
        From :func:`rank` (its filters, e.g. competitors excluded, already applied).
    top : int, default=20
        How many actors; 0 for all.
    platforms : iterable of str, optional
        Keep only actors of these platforms (ranks are renumbered 1..n).

    Returns
    -------
    list of RankedActor
    """
    if top < 0:
        raise ValueError(f"top must be >= 0, got {top}")
    entries = list(result.entries)
    if platforms is not None:
        keep = set(platforms)
        entries = [e for e in entries if e.platform in keep]
        entries = [_renumber(e, i + 1) for i, e in enumerate(entries)]
    return entries if top == 0 else entries[:top]


# -- helpers ---------------------------------------------------------------------------------------


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


def _normalize(arr: np.ndarray, how: str) -> np.ndarray:
    ok = ~np.isnan(arr)
    out = np.zeros_like(arr)
    if not ok.any():
        return out
    x = arr[ok]
    if how == "rank":
        out[ok] = rankdata(x, method="average") / len(x)
    elif how == "minmax":
        span = x.max() - x.min()
        out[ok] = (x - x.min()) / span if span > 0 else 0.0
    elif how == "zscore":
        sd = x.std()
        out[ok] = (x - x.mean()) / sd if sd > 0 else 0.0
    else:  # validated by RankingConfig; a direct caller gets a clear message
        raise ValueError(f"unknown normalization {how!r}")
    return out


def _top_percent(arr: np.ndarray) -> np.ndarray:
    """For each value, the smallest p such that the node is in the top p % (ties share the best)."""
    n = len(arr)
    filled = np.where(np.isnan(arr), -np.inf, arr)
    # position = 1 + number of strictly greater values
    greater = n - rankdata(filled, method="max")
    return np.maximum(1.0, np.ceil(100.0 * (greater + 1) / n))


def _received_all(H: nx.DiGraph) -> dict[object, dict[str, float]]:
    """Per node, the interactions received per kind (from the ``n_<kind>`` edge attributes), in
    one pass over the edges."""
    attrs = [(k, f"n_{k}") for k in KINDS]
    out: dict[object, dict[str, float]] = {}
    for _u, v, d in H.edges(data=True):
        counts = None
        for k, a in attrs:
            c = d.get(a)
            if c:
                if counts is None:
                    counts = out.setdefault(v, {})
                counts[k] = counts.get(k, 0.0) + c
    return {v: {k: c[k] for k in KINDS if k in c} for v, c in out.items()}


def _why(n_givers: int, received: dict[str, float], ms: dict[str, MeasureScore]) -> str:
    if n_givers == 0:
        return "no attention received in this graph"
    head = f"attention from {n_givers} actor{'s' if n_givers != 1 else ''}"
    if received:
        parts = sorted(received.items(), key=lambda kv: (-kv[1], KINDS.index(kv[0])))
        head += " (" + ", ".join(f"{_num(c)} {_PLURAL[k] if c != 1 else k}" for k, c in parts[:3]) + ")"
    best = sorted(ms.items(), key=lambda kv: (-kv[1].contribution, kv[0]))[:2]
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
