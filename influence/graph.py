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
(brand name or ``""``), ``followers`` (only where known), ``accounts`` and ``platforms``
(space- and comma-separated: the accounts merged into this node and their platforms),
``language`` (where known), and from the posts in the time window: ``posts``, ``likes``,
``reshares``, ``replies`` (summed over the accounts; absent when unknown) and ``keyword_posts``
(posts mentioning a sector keyword; only when keywords are given).

Identities
----------
With ``merge_identities`` (the default), accounts joined by identity links
(:class:`~influence.records.SameAs`, e.g. a blog's ``rel=me`` link to its author's Mastodon
account) become one node: the account that received the most attention (ties: smallest id) names
it, followers are summed over the accounts, and interactions between the merged accounts vanish
like other self-loops.

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
    merge_identities: bool | None = None,
    competitors: Mapping[str, str] | None = None,
    keywords: Iterable[str] = (),
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
    merge_identities : bool, optional
        Merge accounts joined by identity links into one node (default: the config's, true).
    competitors : mapping of actor id -> brand name, optional
        Marks competitor accounts (in addition to the store's own ``competitor`` column),
        typically :meth:`influence.Sector.competitor_map`.
    keywords : iterable of str, optional
        Sector keywords: each node gets ``keyword_posts``, the number of its posts that mention one
        (for keyword-personalised PageRank).

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
                        ("half_life_days", half_life_days), ("platforms", platforms),
                        ("merge_identities", merge_identities)):
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

    rep: dict[str, str] = {}
    groups: dict[str, list[str]] = {}
    if opts["merge_identities"]:
        rep, groups = _identity_groups(store, rows)

    acc: dict[tuple[str, str], list] = {}
    for src, dst, kind, ts, w in rows:
        src = rep.get(src, src)
        dst = rep.get(dst, dst)
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
    members = {aid: groups.get(aid, [aid]) for aid in node_ids}
    attrs = store.actor_attributes([m for ms in members.values() for m in ms])
    keywords = list(keywords or ())
    stats = store.post_stats(since=t0, until=t1, keywords=keywords)
    extra = dict(competitors or {})
    for aid in node_ids:
        accounts = members[aid]
        rows_ = [attrs.get(m, (None, m.partition(":")[0], None, None, None)) for m in accounts]
        name = rows_[0][0] or next((r[0] for r in rows_ if r[0]), None)
        known = [r[2] for r in rows_ if r[2] is not None]
        competitor = next((r[3] or extra.get(m) for m, r in zip(accounts, rows_) if r[3] or extra.get(m)), "")
        data = {
            "name": name or aid,
            "platform": rows_[0][1],
            "is_competitor": bool(competitor),
            "competitor": competitor,
            "accounts": " ".join(accounts),
            "platforms": ",".join(sorted({r[1] for r in rows_})),
        }
        if known:
            data["followers"] = int(sum(known))
        language = next((r[4] for r in rows_ if r[4]), None)
        if language:
            data["language"] = language
        st = [stats[m] for m in accounts if m in stats]
        if st:
            data["posts"] = sum(x[0] for x in st)
            for i, metric in ((1, "likes"), (2, "reshares"), (3, "replies")):
                vals = [x[i] for x in st if x[i] is not None]
                if vals:
                    data[metric] = int(sum(vals))
        if keywords:
            data["keyword_posts"] = sum(x[4] for x in st)
        G.add_node(aid, **data)
    present = [k for k in KINDS if any(k in e[2] for e in acc.values())]
    for (u, v) in sorted(acc):
        weight, count, per_kind = acc[(u, v)]
        data = {"weight": weight, "count": count}
        for k in present:
            data[f"n_{k}"] = per_kind.get(k, 0.0)
        G.add_edge(u, v, **data)
    return G


def _identity_groups(store: Store, rows) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Union-find over the store's identity links.

    Returns ``rep`` (account -> the id of its merged node, only for accounts in a group) and
    ``groups`` (node id -> its accounts, representative first, the rest sorted).
    """
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            parent[x] = parent.get(parent[x], parent[x])
            x = parent[x]
        return x

    linked: set[str] = set()
    for link in store.identity_links():
        linked.update((link.a, link.b))
        ra, rb = find(link.a), find(link.b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    if not linked:
        return {}, {}
    members: dict[str, list[str]] = {}
    for x in linked:
        members.setdefault(find(x), []).append(x)
    received: dict[str, float] = {}
    for _src, dst, _kind, _ts, w in rows:
        if dst in linked:
            received[dst] = received.get(dst, 0.0) + w
    rep: dict[str, str] = {}
    groups: dict[str, list[str]] = {}
    for accounts in members.values():
        accounts = sorted(set(accounts))
        head = min(accounts, key=lambda a: (-received.get(a, 0.0), a))
        groups[head] = [head] + [a for a in accounts if a != head]
        for a in accounts:
            rep[a] = head
    return rep, groups


def _time(value, key: str) -> float | None:
    if value is None or value == "":
        return None
    try:
        return parse_timestamp(value)
    except ValueError as exc:
        raise ConfigError(f"{key}: {exc}", key=key) from None
