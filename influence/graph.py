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
from, see below), ``after_reference`` (how many kept interactions are dated after it),
``weights`` (``"counts"`` or ``"ignore"``: how the interactions' own weights entered, see
:func:`resolve_weights`), ``edge_weights``.

Decay reference
---------------
An interaction ``h`` days older than the reference time counts ``0.5 ** (h / half_life_days)``.
The reference is ``graph.reference_time`` when set, else ``graph.until`` when set, else the latest
kept interaction **not later than now** (plus one day for clock skew). So one future-dated row
(a typing error, a wrong unit) cannot move the reference and decay every other edge to nothing.
Interactions dated after the reference count with factor 1, never more, and are counted in
``after_reference``; when a half-life is set (the only case where they change a weight) the build
warns with a :class:`~influence.records.StoredDataWarning` naming their number, which the CLI
prints as one ``Warning:`` line.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import networkx as nx
import numpy as np

from .config import DEFAULT_EDGE_WEIGHTS, RankingConfig
from .errors import ConfigError
from .records import KINDS, Kind, format_timestamp, parse_timestamp

if TYPE_CHECKING:
    from .store import Store

__all__ = ["build_graph", "build_arrays", "to_networkx", "GraphArrays", "decay_reference"]

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
    reference_time: str | float | None = None,
    weights: str | None = None,
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
    reference_time : str or float, optional
        The time decay is measured from (default: the config's ``graph.reference_time``, else
        ``until``, else the latest interaction not later than now; see the module docs).
    weights : {"auto", "counts", "ignore"}, optional
        How each interaction's own weight enters (default: the config's ``graph.weights``,
        ``"auto"``); see :func:`resolve_weights`.
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
    if edge_weights is not None:  # given weights override the config's, kind by kind
        opts["edge_weights"] = {**opts["edge_weights"], **dict(edge_weights)}
    for name, value in (("kinds", kinds), ("since", since), ("until", until),
                        ("half_life_days", half_life_days), ("platforms", platforms),
                        ("merge_identities", merge_identities)):
        if value is not None:
            opts[name] = value
    for k, w in opts["edge_weights"].items():
        if k not in KINDS:
            raise ConfigError(f"unknown key edge_weights.{k} (known: {', '.join(KINDS)})", key=f"edge_weights.{k}")
        if not (isinstance(w, (int, float)) and math.isfinite(w) and w >= 0):
            raise ConfigError(f"edge_weights.{k} must be a number >= 0, got {w!r}", key=f"edge_weights.{k}")
    return to_networkx(build_arrays(store, cfg, edge_weights=edge_weights, kinds=kinds, since=since,
                                    until=until, half_life_days=half_life_days, platforms=platforms,
                                    merge_identities=merge_identities, competitors=competitors,
                                    keywords=keywords, reference_time=reference_time, weights=weights))


@dataclass
class GraphArrays:
    """The interaction graph as arrays: what :func:`build_graph` turns into networkx, and what
    :class:`influence.measures.GraphView` ranks directly on large sectors.

    Attributes
    ----------
    nodes : list of str
        Actor ids in sorted order; node ``i`` is ``nodes[i]``.
    src, dst : numpy.ndarray of int64
        Edge endpoints as node indices, sorted by (src, dst); no self-loops, no duplicates.
    weight, count : numpy.ndarray
        Edge weight (kind weights, decay) and raw count, as the ``weight``/``count`` attributes.
    kinds : tuple of str
        The interaction kinds present; ``kind_counts[:, j]`` is the count of ``kinds[j]`` per edge.
    node_attrs : dict of str -> list
        Node attribute columns aligned with ``nodes`` (``None`` where absent).
    graph_attrs : dict
    """

    nodes: list
    src: np.ndarray
    dst: np.ndarray
    weight: np.ndarray
    count: np.ndarray
    kinds: tuple
    kind_counts: np.ndarray
    node_attrs: dict
    graph_attrs: dict


def build_arrays(
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
    reference_time: str | float | None = None,
    weights: str | None = None,
) -> GraphArrays:
    """The vectorised graph builder behind :func:`build_graph` (same parameters and semantics).

    Reads the store's interactions as numpy arrays, merges identities, drops self-loops, applies
    kind weights and time decay and aggregates edges without a Python object per interaction, so
    it scales to millions of interactions.
    """
    cfg = config if config is not None else RankingConfig()
    opts = cfg.graph_options()
    if edge_weights is not None:
        opts["edge_weights"] = {**DEFAULT_EDGE_WEIGHTS, **dict(edge_weights)}
    for name, value in (("kinds", kinds), ("since", since), ("until", until),
                        ("half_life_days", half_life_days), ("platforms", platforms),
                        ("merge_identities", merge_identities), ("reference_time", reference_time),
                        ("weights", weights)):
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

    t_ref = _time(opts.get("reference_time"), "graph.reference_time")
    src, dst, kcode, ts, w = store.interaction_arrays(kinds=kind_list, since=t0, until=t1, platforms=plats)
    ref = decay_reference(ts, reference_time=t_ref, until=t1)
    after_reference = int(np.count_nonzero(ts > ref)) if ref is not None else 0
    if after_reference and half_life > 0:
        import warnings

        from .records import StoredDataWarning

        warnings.warn(f"{after_reference} interactions are dated after the decay reference "
                      f"{format_timestamp(ref)}: they count at full weight (set graph.reference_time "
                      f"to choose the reference; docs/safety.md)", StoredDataWarning, stacklevel=3)

    policy = opts.get("weights") or "auto"
    used = resolve_weights(w, policy)
    if used == "ignore":
        if policy == "auto":
            import warnings

            from .records import DataWarning

            sample = float(w[(w != np.floor(w)) | (w < 1)][0])
            warnings.warn(f"the interaction weights of this sector are not all whole numbers (e.g. {sample:.4g}): "
                          f"of unknown meaning, so every interaction counts 1 (set graph.weights = \"counts\" "
                          f"to use them; docs/ranking.md)", DataWarning, stacklevel=3)
        w = np.ones_like(w)

    groups: dict[int, list[int]] = {}
    if opts["merge_identities"]:
        src, dst, groups = _merge_identities(store, src, dst, w)

    keep = src != dst
    src, dst, kcode, ts, w = src[keep], dst[keep], kcode[keep], ts[keep], w[keep]

    kind_weight = np.array([float(weights.get(k, 0.0)) for k in KINDS])
    factor = np.ones(len(w))
    if half_life > 0 and ref is not None:
        age = np.where(np.isnan(ts), 0.0, np.maximum(ref - np.nan_to_num(ts, nan=ref), 0.0))
        factor = 0.5 ** (age / (half_life * _DAY))
    ew = kind_weight[kcode] * w * factor

    # nodes: the actors of the kept interactions, in id order
    nums = _distinct(src, dst)
    ids, actors = store.actor_columns(nums)
    order = sorted(range(len(ids)), key=ids.__getitem__)
    nodes = [ids[i] for i in order]
    actors = [[col[i] for i in order] for col in actors] if actors is not None else None
    rank_of = np.empty(len(order), dtype=np.int64)
    rank_of[np.array(order, dtype=np.int64)] = np.arange(len(order))
    si, di = _node_index(nums, rank_of, src, dst)
    n = len(nodes)

    key = si * max(n, 1) + di
    # without merged identities the rows are in (source, target) order: equal keys are adjacent
    ukey, inv = _unique_inverse(key, adjacent=not groups)
    m = len(ukey)
    e_src, e_dst = ukey // max(n, 1), ukey % max(n, 1)
    e_weight = np.bincount(inv, weights=ew, minlength=m)
    e_count = np.bincount(inv, weights=w, minlength=m)
    present = tuple(k for j, k in enumerate(KINDS) if (kcode == j).any())
    kind_counts = np.zeros((m, len(present)))
    for c, k in enumerate(present):
        sel = kcode == KINDS.index(k)
        kind_counts[:, c] = np.bincount(inv[sel], weights=w[sel], minlength=m)

    num_of_node = nums[np.array(order, dtype=np.int64)] if n else nums
    members = {nodes[i]: groups.get(int(num_of_node[i])) for i in range(n)} if groups else {}
    node_attrs = _node_attributes(store, nodes, members, competitors, list(keywords or ()), t0, t1, actors)
    graph_attrs = dict(
        kinds=",".join(kind_list) if kind_list else "all",
        since=format_timestamp(t0) or "",
        until=format_timestamp(t1) or "",
        half_life_days=half_life,
        reference_time=format_timestamp(ref) or "",
        after_reference=after_reference,
        weights=used,
        edge_weights=",".join(f"{k}={weights[k]:g}" for k in KINDS if k in weights),
    )
    return GraphArrays(nodes, e_src, e_dst, e_weight, e_count, present, kind_counts, node_attrs, graph_attrs)


def to_networkx(arrays: GraphArrays) -> nx.DiGraph:
    """A :class:`GraphArrays` as a networkx DiGraph with the documented attributes."""
    G = nx.DiGraph()
    G.graph.update(arrays.graph_attrs)
    cols = arrays.node_attrs
    names = list(cols)
    G.add_nodes_from(
        (v, {a: cols[a][i] for a in names if cols[a][i] is not None}) for i, v in enumerate(arrays.nodes)
    )
    nodes = arrays.nodes
    kc = arrays.kind_counts.tolist()
    labels = [f"n_{k}" for k in arrays.kinds]
    G.add_edges_from(
        (nodes[u], nodes[v], {"weight": wt, "count": ct, **dict(zip(labels, row))})
        for u, v, wt, ct, row in zip(arrays.src.tolist(), arrays.dst.tolist(), arrays.weight.tolist(),
                                      arrays.count.tolist(), kc)
    )
    return G


_NODE_COLUMNS = ("name", "platform", "is_competitor", "competitor", "accounts", "platforms", "followers",
                 "language", "posts", "likes", "reshares", "replies", "keyword_posts")


def _distinct(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """The distinct numbers of ``src`` and ``dst``, sorted: ``np.unique`` of both, by a mask when
    they are small non-negative numbers (actor numbers are)."""
    if not len(src) or min(src.min(), dst.min()) < 0 or max(src.max(), dst.max()) > 4 * len(src) + 1_000_000:
        return np.unique(np.concatenate([src, dst]))
    seen = np.zeros(int(max(src.max(), dst.max())) + 1, dtype=bool)
    seen[src] = True
    seen[dst] = True
    return np.flatnonzero(seen).astype(np.int64)


def _node_index(nums: np.ndarray, rank_of: np.ndarray, src: np.ndarray, dst: np.ndarray):
    """``rank_of`` at the position of each of ``src`` and ``dst`` in ``nums`` (sorted, holding
    them all): a table indexed by number when the numbers are small, else a binary search."""
    if len(nums) and nums[0] >= 0 and nums[-1] <= 4 * len(src) + 1_000_000:
        table = np.zeros(int(nums[-1]) + 1, dtype=np.int64)
        table[nums] = rank_of
        return table[src], table[dst]
    return rank_of[np.searchsorted(nums, src)], rank_of[np.searchsorted(nums, dst)]


def _unique_inverse(key: np.ndarray, adjacent: bool):
    """``np.unique(key, return_inverse=True)``; when ``adjacent`` (equal keys are likely next to
    each other) by runs: one sort of the run keys instead of the rows, checked to give each key
    one run, else ``np.unique``."""
    if adjacent and len(key) > 1:
        start = np.empty(len(key), dtype=bool)
        start[0] = True
        np.not_equal(key[1:], key[:-1], out=start[1:])
        keys = key[start]
        perm = np.argsort(keys)
        ukey = keys[perm]
        if not (ukey[1:] == ukey[:-1]).any():
            where = np.empty(len(perm), dtype=np.int64)
            where[perm] = np.arange(len(perm))
            return ukey, where[np.cumsum(start) - 1]
    return np.unique(key, return_inverse=True)


def _node_attributes(store: Store, nodes: list, members: dict, competitors, keywords, t0, t1,
                     actors: list | None = None) -> dict:
    """Node attribute columns (see the module docs), from the store's actors and posts.

    A column at a time for the nodes that are one account (nearly all of them): a few list
    passes instead of a Python loop with generators per node, which was half of
    :func:`build_arrays` at 100k actors. Merged identities (several accounts) go through
    :func:`_node_row`, as does every node in :func:`_node_attributes_python`, the reference the
    tests compare with. ``actors``: the nodes' ``(name, platform, followers, competitor,
    language)`` as five columns, as :meth:`~influence.store.Store.actor_columns` gives them
    (read here when not given, or when identities are merged)."""
    extra = dict(competitors or {})
    n = len(nodes)
    attrs: dict = {}
    if actors is None or any(members.values()):
        wanted = [m for v in nodes for m in (members.get(v) or [v])]
        attrs = store.actor_attributes(wanted)
        rows = [attrs.get(a) or (None, a.partition(":")[0], None, None, None) for a in nodes]
        actors = [list(c) for c in zip(*rows)] if rows else [[] for _ in range(5)]
    names, platforms, followers, competitors_, languages = actors
    stats = store.post_stats(since=t0, until=t1, keywords=keywords)
    cols: dict[str, list] = {}
    cols["name"] = [x or a for x, a in zip(names, nodes)]
    cols["platform"] = list(platforms)
    if extra:
        competitor = [c or extra.get(a) or "" for c, a in zip(competitors_, nodes)]
    else:
        competitor = [c or "" for c in competitors_]
    cols["is_competitor"] = [bool(c) for c in competitor]
    cols["competitor"] = competitor
    cols["accounts"] = list(nodes)
    cols["platforms"] = list(platforms)
    cols["followers"] = [None if f is None else int(f) for f in followers]
    cols["language"] = [x or None for x in languages]
    st = list(map(stats.get, nodes))
    cols["posts"] = [None if x is None else x[0] for x in st]
    for j, metric in ((1, "likes"), (2, "reshares"), (3, "replies")):
        cols[metric] = [None if x is None or x[j] is None else int(x[j]) for x in st]
    cols["keyword_posts"] = [0 if x is None else x[4] for x in st] if keywords else [None] * n
    cols = {c: cols[c] for c in _NODE_COLUMNS}
    for i, aid in enumerate(nodes):
        if members.get(aid):
            _node_row(cols, i, aid, members[aid], attrs, stats, extra, keywords)
    return cols


def _node_attributes_python(store: Store, nodes: list, members: dict, competitors, keywords, t0, t1) -> dict:
    """The per-node reference of :func:`_node_attributes` (same output, one node at a time)."""
    wanted = [m for v in nodes for m in (members.get(v) or [v])]
    attrs = store.actor_attributes(wanted)
    stats = store.post_stats(since=t0, until=t1, keywords=keywords)
    extra = dict(competitors or {})
    cols: dict[str, list] = {c: [None] * len(nodes) for c in _NODE_COLUMNS}
    for i, aid in enumerate(nodes):
        _node_row(cols, i, aid, members.get(aid) or [aid], attrs, stats, extra, keywords)
    return cols


def _node_row(cols: dict, i: int, aid: str, accounts: list, attrs: dict, stats: dict, extra: dict,
              keywords) -> None:
    """Node ``i``'s attributes from its accounts (one, or the accounts merged into it)."""
    rows_ = [attrs.get(m, (None, m.partition(":")[0], None, None, None)) for m in accounts]
    name = rows_[0][0] or next((r[0] for r in rows_ if r[0]), None)
    competitor = next((r[3] or extra.get(m) for m, r in zip(accounts, rows_) if r[3] or extra.get(m)), "")
    cols["name"][i] = name or aid
    cols["platform"][i] = rows_[0][1]
    cols["is_competitor"][i] = bool(competitor)
    cols["competitor"][i] = competitor
    cols["accounts"][i] = " ".join(accounts)
    cols["platforms"][i] = ",".join(sorted({r[1] for r in rows_}))
    known = [r[2] for r in rows_ if r[2] is not None]
    cols["followers"][i] = int(sum(known)) if known else None
    cols["language"][i] = next((r[4] for r in rows_ if r[4]), None)
    st = [stats[m] for m in accounts if m in stats]
    cols["posts"][i] = sum(x[0] for x in st) if st else None
    for j, metric in ((1, "likes"), (2, "reshares"), (3, "replies")):
        vals = [x[j] for x in st if x[j] is not None]
        cols[metric][i] = int(sum(vals)) if vals else None
    cols["keyword_posts"][i] = sum(x[4] for x in st) if keywords else None


def _merge_identities(store: Store, src: np.ndarray, dst: np.ndarray, w: np.ndarray):
    """Union-find over the store's identity links, on actor numbers.

    Returns the remapped ``src``/``dst`` and ``groups``: representative number -> member numbers
    (representative first). The representative is the account that received the most attention
    in the kept interactions (ties: smallest id).
    """
    pairs = store.identity_pairs()
    if not pairs:
        return src, dst, {}
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        while parent.get(x, x) != x:
            parent[x] = parent.get(parent[x], parent[x])
            x = parent[x]
        return x

    linked: set[int] = set()
    for a, b in pairs:
        linked.update((a, b))
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    members: dict[int, list[int]] = {}
    for x in linked:
        members.setdefault(find(x), []).append(x)
    link_nums = sorted(linked)
    id_of = dict(zip(link_nums, store.actor_ids(link_nums)))
    mask = np.isin(dst, np.array(link_nums, dtype=np.int64))
    received: dict[int, float] = {}
    for d, x in zip(dst[mask].tolist(), w[mask].tolist()):
        received[d] = received.get(d, 0.0) + x
    rep: dict[int, int] = {}
    groups: dict[int, list[int]] = {}
    for accounts in members.values():
        accounts = sorted(set(accounts), key=id_of.__getitem__)
        head = min(accounts, key=lambda a: (-received.get(a, 0.0), id_of[a]))
        groups[head] = [head] + [a for a in accounts if a != head]
        for a in accounts:
            rep[a] = head
    top = int(max(src.max(initial=0), dst.max(initial=0), max(linked))) + 1
    remap = np.arange(top, dtype=np.int64)
    for a, h in rep.items():
        remap[a] = h
    groups_ids = {h: [id_of[x] for x in g] for h, g in groups.items()}
    return remap[src], remap[dst], groups_ids


def _now() -> float:
    """The current time, UTC epoch seconds (a function so tests can fix it)."""
    return time.time()


def resolve_weights(w: np.ndarray, policy: str = "auto") -> str:
    """How the interactions' own weights ``w`` enter the graph: ``"counts"`` or ``"ignore"``.

    An interaction's weight is, for everything influence crawls and for plain imports, a number
    of interactions (duplicate rows summed): a whole number >= 1. An imported ``weight`` column
    may mean something else (a transmission probability, a share, a similarity): then its
    magnitudes would decide Katz and HITS. ``"counts"`` uses the weights as they are;
    ``"ignore"`` counts every interaction 1 (kind weights and time decay still apply);
    ``"auto"`` (the default) is ``"counts"`` when every weight is a whole number >= 1, else
    ``"ignore"`` (the graph builder then warns). See docs/ranking.md, "Imported weights".

    >>> resolve_weights(np.array([1.0, 3.0, 12.0]))
    'counts'
    >>> resolve_weights(np.array([0.02, 0.5, 1.0]))
    'ignore'
    >>> resolve_weights(np.array([0.02, 0.5]), "counts")
    'counts'
    """
    from .config import WEIGHT_POLICIES

    if policy not in WEIGHT_POLICIES:
        raise ConfigError(f"graph.weights must be one of {', '.join(WEIGHT_POLICIES)}, got {policy!r}",
                          key="graph.weights")
    if policy != "auto":
        return policy
    whole = not w.size or bool(np.all((w >= 1) & (w == np.floor(w))))
    return "counts" if whole else "ignore"


def decay_reference(ts: np.ndarray, *, reference_time: float | None = None,
                    until: float | None = None, now: float | None = None) -> float | None:
    """The time decay is measured from: ``reference_time`` if given, else ``until`` if given,
    else the latest of ``ts`` (epoch seconds, NaN for unknown) not later than ``now`` plus one
    day; ``None`` when there is no such time.

    >>> decay_reference(np.array([1.7e9, np.nan, 4.0e9]), now=1.8e9)  # 4.0e9 is in 2096
    1700000000.0
    >>> decay_reference(np.array([1.7e9]), until=1.6e9)
    1600000000.0
    """
    if reference_time is not None:
        return float(reference_time)
    if until is not None:
        return float(until)
    horizon = (_now() if now is None else now) + _DAY
    with np.errstate(invalid="ignore"):
        present = ts[ts <= horizon]  # NaN compares False: unknown times drop out
    return float(present.max()) if present.size else None


def _time(value, key: str) -> float | None:
    if value is None or value == "":
        return None
    try:
        return parse_timestamp(value)
    except ValueError as exc:
        raise ConfigError(f"{key}: {exc}", key=key) from None
