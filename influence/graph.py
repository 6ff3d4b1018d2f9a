"""Build a sector's interaction graph from its store.

The graph is a weighted :class:`networkx.DiGraph`. An edge ``u -> v`` aggregates every kept
interaction in which u gave attention to v (see :mod:`influence.records` for the direction
convention).

Edge attributes
---------------
``weight``
    Sum over the interactions of ``edge_weights[kind] * interaction weight * decay``.
``count``
    Sum of the raw interaction weights (the number of interactions for unweighted data).
``n_<kind>``
    The same, per kind (``n_reply``, ``n_reshare``...), for every kind that occurs anywhere in the
    graph (0 on edges without it), so ``G.in_degree(weight="n_reply")`` counts replies.

All three are floats so that GraphML/GEXF exports keep one type per attribute.

Node attributes
---------------
``name`` (display name, or the id), ``platform``, ``is_competitor`` (bool), ``competitor``
(brand name or ``""``) and ``followers`` (only where known).

Graph attributes
----------------
``kinds``, ``since``, ``until``, ``half_life_days``, ``reference_time`` (the time decay is measured
from: ``until`` when given, else the latest kept interaction), ``edge_weights``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import networkx as nx

from .config import DEFAULT_EDGE_WEIGHTS, RankingConfig
from .errors import ConfigError
from .records import KINDS, Kind, format_timestamp, parse_timestamp

if TYPE_CHECKING:
    from .store import Store

__all__ = ["build_graph"]

_DAY = 86400.0


def build_graph(
    store: Store,
    config: RankingConfig | None = None,
    *,
    edge_weights: Mapping[str, float] | None = None,
    kinds: Iterable[str] | None = None,
    since: str | float | None = None,
    until: str | float | None = None,
    half_life_days: float | None = None,
    platforms: Iterable[str] | None = None,
    competitors: Mapping[str, str] | None = None,
) -> nx.DiGraph:
    """Build the weighted interaction graph of a store.

    Parameters
    ----------
    store : Store
        The sector store (only read).
    config : RankingConfig, optional
        Takes the graph options (``edge_weights``, ``graph.*``) from a config. Keyword arguments
        given explicitly override it.
    edge_weights : mapping of kind -> float, optional
        Weight of each interaction kind (defaults: :data:`influence.config.DEFAULT_EDGE_WEIGHTS`).
        A kind with weight 0 contributes no weight but its edges are kept, with their counts.
    kinds : iterable of str, optional
        Keep only these kinds (e.g. ``["reshare"]`` for a retweet network). Default: all.
    since, until : str or float, optional
        Time window, ISO 8601 or epoch seconds; ``since <= t < until``. Interactions with an unknown
        time are dropped when a bound is given.
    half_life_days : float, optional
        Exponential time decay: an interaction ``h`` days older than the reference time counts
        ``0.5 ** (h / half_life_days)``. 0 or ``None`` disables decay. Interactions with an
        unknown time are not decayed.
    platforms : iterable of str, optional
        Keep interactions whose source actor is on one of these platforms.
    competitors : mapping of actor id -> brand name, optional
        Marks competitor accounts (in addition to the store's own ``competitor`` column),
        typically :meth:`influence.Sector.competitor_map`.

    Returns
    -------
    networkx.DiGraph
        Self-loops are dropped. Nodes are the actors of the kept interactions, in id order.

    Examples
    --------
    >>> from influence.store import Store
    >>> from influence.records import Interaction
    >>> s = Store(":memory:")
    >>> _ = s.write([Interaction("web:a.example", "web:b.example", "link"),
    ...              Interaction("web:c.example", "web:b.example", "like")])
    >>> G = build_graph(s)
    >>> sorted(G.in_degree(weight="weight"))
    [('web:a.example', 0), ('web:b.example', 1.3), ('web:c.example', 0)]
    >>> G.edges["web:a.example", "web:b.example"]["n_link"]
    1.0
    """
    cfg = config if config is not None else RankingConfig()
    opts = cfg.graph_options()
    if edge_weights is not None:
        opts["edge_weights"] = {**DEFAULT_EDGE_WEIGHTS, **dict(edge_weights)}
    for name, value in (("kinds", kinds), ("since", since), ("until", until),
                        ("half_life_days", half_life_days), ("platforms", platforms)):
        if value is not None:
            opts[name] = value
    weights = opts["edge_weights"]
    for k, w in weights.items():
        if k not in KINDS:
            raise ConfigError(f"unknown key edge_weights.{k} (known: {', '.join(KINDS)})", key=f"edge_weights.{k}")
        if not (isinstance(w, (int, float)) and math.isfinite(w) and w >= 0):
            raise ConfigError(f"edge_weights.{k} must be a number >= 0, got {w!r}", key=f"edge_weights.{k}")
    kind_list = None
    if opts["kinds"] is not None:
        kind_list = [Kind.parse(k).value for k in opts["kinds"]]
    t0 = _time(opts["since"], "graph.since")
    t1 = _time(opts["until"], "graph.until")
    half_life = float(opts["half_life_days"] or 0.0)
    if half_life < 0:
        raise ConfigError(f"graph.half_life_days must be a number >= 0, got {half_life!r}", key="graph.half_life_days")
    plats = list(opts["platforms"]) if opts["platforms"] is not None else None

    rows = list(store.interaction_rows(kinds=kind_list, since=t0, until=t1, platforms=plats))
    if t1 is not None:
        ref = t1
    else:
        known = [r[3] for r in rows if r[3] is not None]
        ref = max(known) if known else None

    acc: dict[tuple[str, str], list] = {}
    for src, dst, kind, ts, w in rows:
        if src == dst:
            continue
        factor = 1.0
        if half_life > 0 and ts is not None and ref is not None:
            factor = 0.5 ** (max(ref - ts, 0.0) / (half_life * _DAY))
        entry = acc.get((src, dst))
        if entry is None:
            entry = acc[(src, dst)] = [0.0, 0.0, {}]
        entry[0] += weights.get(kind, 0.0) * w * factor
        entry[1] += w
        entry[2][kind] = entry[2].get(kind, 0.0) + w

    G = nx.DiGraph()
    G.graph.update(
        kinds=",".join(kind_list) if kind_list else "all",
        since=format_timestamp(t0) or "",
        until=format_timestamp(t1) or "",
        half_life_days=half_life,
        reference_time=format_timestamp(ref) or "",
        edge_weights=",".join(f"{k}={weights[k]:g}" for k in KINDS if k in weights),
    )
    node_ids = sorted({u for u, _ in acc} | {v for _, v in acc})
    attrs = store.actor_attributes(node_ids)
    extra = dict(competitors or {})
    for aid in node_ids:
        name, platform, followers, competitor = attrs.get(aid, (None, aid.partition(":")[0], None, None))
        competitor = competitor or extra.get(aid) or ""
        data = {
            "name": name or aid,
            "platform": platform,
            "is_competitor": bool(competitor),
            "competitor": competitor,
        }
        if followers is not None:
            data["followers"] = int(followers)
        G.add_node(aid, **data)
    present = [k for k in KINDS if any(k in e[2] for e in acc.values())]
    for (u, v) in sorted(acc):
        weight, count, per_kind = acc[(u, v)]
        data = {"weight": weight, "count": count}
        for k in present:
            data[f"n_{k}"] = per_kind.get(k, 0.0)
        G.add_edge(u, v, **data)
    return G


def _time(value, key: str) -> float | None:
    if value is None or value == "":
        return None
    try:
        return parse_timestamp(value)
    except ValueError as exc:
        raise ConfigError(f"{key}: {exc}", key=key) from None
