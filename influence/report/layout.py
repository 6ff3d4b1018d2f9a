"""The network map of the report: a seeded two-level layout of the top actors, computed in Python.

A sector has thousands of actors; a readable map shows a few hundred. :func:`layout_map` keeps the
``max_nodes`` best-scored actors (plus every community's leaders and bridges, and the competitor
brands), and stands every community in for the rest of its members as a disc whose area is
proportional to the community's size. The layout has two levels:

1. **Communities.** The communities are laid out with a seeded spring layout
   (:func:`networkx.spring_layout`) of the community graph, whose edge weights are the interactions
   between communities; overlapping discs are then pushed apart (a few deterministic relaxation
   sweeps). A disc's radius is proportional to the square root of its size.
2. **Actors.** Inside each disc, its drawn members are laid out with a seeded spring layout of the
   interactions among them, scaled to fit the disc.

The result, a :class:`NetworkMap`, holds plain coordinates in SVG user units (the report's
template draws it as inline SVG); the same graph, scores and seed give the same map.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np

__all__ = ["MapNode", "MapEdge", "MapGroup", "NetworkMap", "layout_map", "community_colors", "OTHER_COLOR",
           "MAX_GROUPS"]

#: Colour of :data:`influence.communities.OTHER` (the merged small communities) and of actors
#: without a community.
OTHER_COLOR = "#9e9e9e"
#: Communities the map draws as their own disc by default (the largest); the rest are grey.
MAX_GROUPS = 12
# Tableau 10 (matplotlib's "tab10"), then the lighter half of "tab20": distinct on white and for
# the common colour-vision deficiencies in the first few.
_PALETTE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf",
    "#bcbd22", "#7f7f7f", "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94",
    "#f7b6d2", "#9edae5", "#dbdb8d",
)


def community_colors(ids: Iterable[Any]) -> dict[Any, str]:
    """A colour per community id: the palette in id order, grey for ``-1`` (other) and ``None``.

    >>> community_colors([0, 1, -1])
    {0: '#1f77b4', 1: '#ff7f0e', -1: '#9e9e9e'}
    """
    out: dict[Any, str] = {}
    i = 0
    for c in ids:
        if c is None or c == -1:
            out[c] = OTHER_COLOR
        else:
            out[c] = _PALETTE[i % len(_PALETTE)]
            i += 1
    return out


@dataclass(frozen=True)
class MapNode:
    """One drawn actor."""

    actor: Any
    name: str
    x: float
    y: float
    r: float  #: radius, from the rank of its score among the drawn actors
    community: Any
    color: str
    score: float | None  #: ranking score (None for actors the ranking leaves out, e.g. brands)
    label: str  #: text drawn beside it ("" for none)
    bridge: bool  #: drawn outlined
    competitor: bool  #: drawn as a square
    role: str | None = None
    label_end: bool = False  #: the label sits left of the node (text anchored at its end)


@dataclass(frozen=True)
class MapEdge:
    """A line between two drawn points (actors, or community discs)."""

    x1: float
    y1: float
    x2: float
    y2: float
    width: float
    opacity: float


@dataclass(frozen=True)
class MapGroup:
    """A community disc: where the community is, and how many of its members are drawn."""

    community: Any
    label: str
    color: str
    x: float
    y: float
    r: float
    size: int
    shown: int
    label_x: float
    label_y: float


@dataclass(frozen=True)
class NetworkMap:
    """What :func:`layout_map` returns: everything the template needs to draw the map.

    Attributes
    ----------
    width, height : int
        The SVG viewBox.
    nodes : tuple of MapNode
        Drawn actors, the labelled ones last (drawn on top).
    edges : tuple of MapEdge
        Interactions between drawn actors (the heaviest ``max_edges``).
    groups : tuple of MapGroup
        One disc per community.
    group_edges : tuple of MapEdge
        Interactions between communities (disc centre to disc centre).
    n_actors, n_shown : int
        Actors in the graph, actors drawn.
    params : dict
    """

    width: int
    height: int
    nodes: tuple[MapNode, ...]
    edges: tuple[MapEdge, ...]
    groups: tuple[MapGroup, ...]
    group_edges: tuple[MapEdge, ...]
    n_actors: int
    n_shown: int
    params: dict = field(default_factory=dict)


def _undirected(V) -> tuple:
    """The undirected pairs of a :class:`influence.measures.GraphView`: ``(u, v, w)`` arrays of
    node indices (``u < v``) and ``w(u->v) + w(v->u)``, in the order the pairs first occur among
    the edges (row by row), self-loops dropped. The sums are sequential in edge order (bincount),
    so they are the same floats as adding up the edges one by one."""
    A = V.A.tocoo()
    keep = A.row != A.col
    src, dst, w = A.row[keep].astype(np.int64), A.col[keep].astype(np.int64), A.data[keep]
    if not src.size:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    lo, hi = np.minimum(src, dst), np.maximum(src, dst)
    _, first, inverse = np.unique(lo * max(V.n, 1) + hi, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")  # pair ids in order of first occurrence
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    sums = np.bincount(rank[inverse.ravel()], weights=w, minlength=order.size)
    return lo[first[order]], hi[first[order]], sums


def _separate(pos: dict, radius: dict, gap: float, sweeps: int = 200) -> dict:
    """Push overlapping discs apart, then pull the layout together around its centre of mass,
    so discs touch at most with ``gap`` between them. Deterministic: fixed sweep order."""
    keys = list(pos)
    p = {k: list(pos[k]) for k in keys}
    for _ in range(sweeps):
        moved = False
        for i, a in enumerate(keys):
            for b in keys[i + 1:]:
                dx, dy = p[b][0] - p[a][0], p[b][1] - p[a][1]
                d = math.hypot(dx, dy)
                need = radius[a] + radius[b] + gap
                if d < need:
                    if d < 1e-9:  # same point: split along a fixed direction
                        dx, dy, d = 1.0, 0.0, 1.0
                    push = (need - d) / 2
                    ux, uy = dx / d, dy / d
                    # the smaller disc moves more, so big communities stay put
                    wa = radius[b] / (radius[a] + radius[b])
                    wb = 1.0 - wa
                    p[a][0] -= ux * push * 2 * wa
                    p[a][1] -= uy * push * 2 * wa
                    p[b][0] += ux * push * 2 * wb
                    p[b][1] += uy * push * 2 * wb
                    moved = True
        if not moved:
            break
    return {k: (v[0], v[1]) for k, v in p.items()}


def _compact(pos: dict, radius: dict, gap: float, steps: int = 60) -> dict:
    """Pull discs towards the centre while they do not overlap (closes the holes a spring layout
    leaves between clusters)."""
    p = {k: list(v) for k, v in pos.items()}
    keys = sorted(p, key=lambda k: -radius[k])
    for _ in range(steps):
        cx = sum(p[k][0] * radius[k] ** 2 for k in keys) / sum(radius[k] ** 2 for k in keys)
        cy = sum(p[k][1] * radius[k] ** 2 for k in keys) / sum(radius[k] ** 2 for k in keys)
        for k in keys:
            tx, ty = p[k][0] + (cx - p[k][0]) * 0.15, p[k][1] + (cy - p[k][1]) * 0.15
            ok = all(
                math.hypot(tx - p[o][0], ty - p[o][1]) >= radius[k] + radius[o] + gap
                for o in keys if o != k
            )
            if ok:
                p[k] = [tx, ty]
    return {k: (v[0], v[1]) for k, v in p.items()}


def _choose(index: Mapping, scores: Mapping, must: Iterable, max_nodes: int) -> list:
    """The drawn actors: ``must`` first (in order), then the best-scored, ``max_nodes`` in all
    (``must`` may exceed it). ``index`` holds the graph's nodes."""
    chosen = [v for v in dict.fromkeys(must) if v in index]
    seen = set(chosen)
    ranked = sorted((v for v in scores if v in index and v not in seen), key=lambda v: (-scores[v], str(v)))
    for v in ranked:
        if len(chosen) >= max_nodes:
            break
        chosen.append(v)
        seen.add(v)
    return chosen


def layout_map(
    G: nx.Graph,
    partition: Mapping[Hashable, Any],
    scores: Mapping[Hashable, float],
    *,
    max_nodes: int = 300,
    labels: Mapping[Any, str] | None = None,
    leaders: Iterable[Hashable] = (),
    bridges: Iterable[Hashable] = (),
    competitors: Mapping[Hashable, str] | None = None,
    roles: Mapping[Hashable, str] | None = None,
    label_top: int = 12,
    max_edges: int = 1500,
    max_groups: int = MAX_GROUPS,
    seed: int = 0,
    width: int = 1000,
    height: int = 720,
) -> NetworkMap:
    """Lay out the network map of a sector.

    Parameters
    ----------
    G : networkx graph or influence.measures.GraphView
        The interaction graph (``u -> v``: u gives attention to v), ``weight`` on edges, ``name``
        on nodes. Not modified. A view of the store's arrays needs no networkx graph.
    partition : mapping of actor -> community id
        E.g. a :class:`influence.communities.Partition`; actors missing from it are grouped as
        ``-1`` (other).
    scores : mapping of actor -> float
        Ranking scores (e.g. ``RankingResult.scores()``): the drawn actors are the best ones,
        and a node's size grows with the rank of its score.
    max_nodes : int, default=300
        Actors drawn: the leaders, bridges and competitors below first (all of them, even if they
        alone are more), then the best-scored actors.
    labels : mapping of community id -> str, optional
        Community labels (default ``"community <id>"``).
    leaders : iterable of actors
        Labelled on the map (with the ``label_top`` best-scored actors).
    bridges : iterable of actors
        Drawn with an outline.
    competitors : mapping of actor -> brand name, optional
        Drawn as labelled squares.
    roles : mapping of actor -> role name, optional
        Shown in the node's tooltip.
    label_top : int, default=12
        The best-scored drawn actors are labelled too.
    max_edges : int, default=1500
        The heaviest interactions between drawn actors that are drawn.
    max_groups : int, default=12
        Communities drawn as their own disc: the largest ones. The others join the grey disc of
        the small communities (``-1``, labelled "smaller communities"), so a sector of hundreds of
        communities (a reply layer's many threads) still gets a readable map and legend.
    seed : int, default=0
        Seed of both spring layouts.
    width, height : int
        Size of the drawing (SVG user units).

    Returns
    -------
    NetworkMap

    Examples
    --------
    >>> G = nx.karate_club_graph()
    >>> part = {v: int(G.nodes[v]["club"] == "Officer") for v in G}
    >>> m = layout_map(G, part, nx.pagerank(G), max_nodes=10, seed=1)
    >>> m.n_actors, m.n_shown, [(g.size, g.shown) for g in m.groups]
    (34, 10, [(17, 6), (17, 4)])
    >>> layout_map(G, part, nx.pagerank(G), max_nodes=10, seed=1) == m
    True
    """
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1:
        raise ValueError(f"max_nodes must be an int >= 1, got {max_nodes!r}")
    if isinstance(max_groups, bool) or not isinstance(max_groups, int) or max_groups < 1:
        raise ValueError(f"max_groups must be an int >= 1, got {max_groups!r}")
    labels = dict(labels or {})
    competitors = dict(competitors or {})
    roles = dict(roles or {})
    bridges = set(bridges)
    leaders = list(leaders)
    from ..measures import GraphView

    directed = True if isinstance(G, GraphView) else G.is_directed()
    V = G if isinstance(G, GraphView) else GraphView(G)
    index = V.index
    comm = {v: partition.get(v, -1) for v in V.nodes}
    comm = {v: (-1 if c is None else c) for v, c in comm.items()}
    sizes = Counter(comm.values())
    real = [c for c in sizes if c != -1]
    if len(real) > max_groups:
        keep = set(sorted(real, key=lambda c: (-sizes[c], str(c)))[:max_groups])
        comm = {v: (c if c in keep else -1) for v, c in comm.items()}
        sizes = Counter(comm.values())
        labels[-1] = "smaller communities"
        # the leaders and bridges of the merged communities are no longer forced onto the map
        leaders = [v for v in leaders if comm.get(v, -1) != -1]
        bridges = {v for v in bridges if comm.get(v, -1) != -1}
    ids = sorted(sizes, key=lambda c: (c == -1, c if isinstance(c, (int, float)) else str(c)))
    colors = community_colors(ids)

    must = [v for v in competitors if v in index] + leaders + sorted(bridges & set(index), key=str)
    drawn = _choose(index, scores, must, max_nodes)
    drawn_set = set(drawn)
    members: dict[Any, list] = {c: [] for c in ids}
    for v in drawn:
        members[comm[v]].append(v)
    pu, pv, pw = _undirected(V)
    nodes_ = V.nodes
    # the pairs between drawn actors, as {(u, v): w} in first-occurrence order
    is_drawn = np.zeros(V.n, dtype=bool)
    is_drawn[[index[v] for v in drawn]] = True
    both = is_drawn[pu] & is_drawn[pv]
    und = {(nodes_[u], nodes_[v]): w for u, v, w in zip(pu[both].tolist(), pv[both].tolist(), pw[both].tolist())}

    # -- level 1: communities -------------------------------------------------------------------
    rank_of = {c: i for i, c in enumerate(ids)}
    code = np.array([rank_of[comm[v]] for v in nodes_], dtype=np.int64)
    cu, cv = code[pu], code[pv]
    cross = cu != cv
    a, b = np.minimum(cu[cross], cv[cross]), np.maximum(cu[cross], cv[cross])
    between: dict = {}
    if a.size:  # summed in pair order, as one Counter += per pair would
        _, first, inverse = np.unique(a * len(ids) + b, return_index=True, return_inverse=True)
        order = np.argsort(first, kind="stable")
        rank = np.empty_like(order)
        rank[order] = np.arange(order.size)
        sums = np.bincount(rank[inverse.ravel()], weights=pw[cross], minlength=order.size)
        between = {(ids[x], ids[y]): w for x, y, w in zip(a[first[order]].tolist(), b[first[order]].tolist(),
                                                           sums.tolist())}
    C = nx.Graph()
    C.add_nodes_from(ids)
    for (a, b), w in between.items():
        C.add_edge(a, b, weight=w)
    # A disc's area grows with its community's size, plus room for the members drawn in it (a
    # small community of many leaders would otherwise pile its nodes on top of each other).
    radius = {c: math.sqrt(sizes[c] + _ROOM * len(members[c])) for c in ids}
    total_r = math.sqrt(sum(r * r for r in radius.values()))
    if len(ids) == 1:
        cpos = {ids[0]: (0.0, 0.0)}
    else:
        # strong inter-community ties pull discs together; positions come out in [-1, 1]
        raw = nx.spring_layout(C, weight="weight", seed=seed, iterations=200)
        cpos = {c: (float(raw[c][0]) * total_r * 1.5, float(raw[c][1]) * total_r * 1.5) for c in ids}
    gap = 0.10 * total_r
    cpos = _separate(cpos, radius, gap)
    cpos = _compact(cpos, radius, gap)
    cpos = _separate(cpos, radius, gap)

    # world -> drawing: every disc fits, with room above for the labels of the top row
    margin, top_room = 16.0, 30.0
    xs0 = min(cpos[c][0] - radius[c] for c in ids)
    xs1 = max(cpos[c][0] + radius[c] for c in ids)
    ys0 = min(cpos[c][1] - radius[c] for c in ids)
    ys1 = max(cpos[c][1] + radius[c] for c in ids)
    scale = min((width - 2 * margin) / max(xs1 - xs0, 1e-9),
                (height - 2 * margin - top_room) / max(ys1 - ys0, 1e-9))
    ox = margin + ((width - 2 * margin) - (xs1 - xs0) * scale) / 2
    oy = margin + top_room + ((height - 2 * margin - top_room) - (ys1 - ys0) * scale) / 2

    def to_px(x: float, y: float) -> tuple[float, float]:
        return ox + (x - xs0) * scale, oy + (y - ys0) * scale

    # -- level 2: actors inside their disc --------------------------------------------------------
    pos: dict = {}
    spacing: dict = {}
    for c in ids:
        ms = members[c]
        if not ms:
            continue
        cx, cy = to_px(*cpos[c])
        rpx = radius[c] * scale * 0.86
        slots = _sunflower(len(ms), rpx)
        spacing[c] = rpx * math.sqrt(math.pi / len(ms))
        angle = _angles(ms, und, seed)
        # best-scored at the centre; within each ring, nodes keep the angular order of a spring
        # layout of their interactions, so actors that interact sit on the same side
        ordered = sorted(ms, key=lambda v: (-scores.get(v, math.inf), str(v)))
        ring = max(6, round(1.5 * math.sqrt(len(ms))))
        for k in range(0, len(ms), ring):
            chunk_nodes = sorted(ordered[k:k + ring], key=lambda v: angle[v])
            chunk_slots = sorted(slots[k:k + ring], key=lambda xy: math.atan2(xy[1], xy[0]))
            for v, (x, y) in zip(chunk_nodes, chunk_slots):
                pos[v] = (cx + x, cy + y)

    # -- sizes, labels ----------------------------------------------------------------------------
    best = sorted((v for v in drawn if v in scores), key=lambda v: (-scores[v], str(v)))
    # size by score rank among the drawn actors, steeply: the top of a ranking is crowded with
    # near-equal scores, and a map where every leader is big shows no leader
    place = {v: i for i, v in enumerate(best)}
    last = max(len(best) - 1, 1)
    to_label = set(leaders) | set(best[:label_top])
    # one label per brand: on its account that receives the most attention
    brand_node: dict[str, Any] = {}
    received = np.asarray(V.A.sum(axis=0)).ravel() if V.n else np.zeros(0)
    if not directed:  # an undirected graph's edges count at both ends
        received = received + np.asarray(V.A.sum(axis=1)).ravel()

    def indeg(v) -> float:
        return float(received[index[v]]) if v in index else 0.0

    for v in sorted(competitors, key=lambda v: (-indeg(v), str(v))):
        if v in drawn_set:
            brand_node.setdefault(competitors[v], v)
    to_label |= set(brand_node.values())

    names = V.column("name")

    def name_of(v) -> str:
        return str(names[index[v]] or v)

    nodes = []
    for v in drawn:
        s = scores.get(v)
        r = 2.5 + 8.5 * (1.0 - place[v] / last) ** 2.5 if s is not None else 6.0
        # never larger than the room between neighbours in the disc
        r = min(r, max(2.0, 0.48 * spacing.get(comm[v], 2 * r)))
        text = ""
        if v in to_label:
            text = competitors.get(v) or name_of(v)
            text = text if len(text) <= 24 else text[:23] + "…"
        nodes.append(MapNode(
            actor=v, name=name_of(v), x=round(pos[v][0], 1), y=round(pos[v][1], 1), r=round(r, 2),
            community=comm[v], color=colors[comm[v]], score=None if s is None else float(s),
            label=text, bridge=v in bridges, competitor=v in competitors, role=roles.get(v),
        ))
    nodes = _place_labels(nodes, width)
    # labelled nodes last: drawn on top
    nodes.sort(key=lambda n: (bool(n.label), n.score if n.score is not None else math.inf))

    # -- edges -------------------------------------------------------------------------------------
    inner = sorted(((w, u, v) for (u, v), w in und.items() if u in drawn_set and v in drawn_set),
                   key=lambda t: (-t[0], str(t[1]), str(t[2])))[:max_edges]
    wmax = inner[0][0] if inner else 1.0
    edges = []
    for w, u, v in inner:
        f = math.log1p(w) / math.log1p(wmax) if wmax > 0 else 0.0
        same = comm[u] == comm[v]
        edges.append(MapEdge(round(pos[u][0], 1), round(pos[u][1], 1), round(pos[v][0], 1),
                             round(pos[v][1], 1), round(0.4 + 1.0 * f, 2),
                             round((0.16 if same else 0.05) + 0.2 * f, 3)))
    gmax = max(between.values()) if between else 1.0
    group_edges = []
    for (a, b), w in sorted(between.items(), key=lambda kv: (-kv[1], str(kv[0]))):
        (x1, y1), (x2, y2) = to_px(*cpos[a]), to_px(*cpos[b])
        group_edges.append(MapEdge(round(x1, 1), round(y1, 1), round(x2, 1), round(y2, 1),
                                   round(2 + 16 * math.sqrt(w / gmax), 2), 0.12))

    discs = {c: (*to_px(*cpos[c]), radius[c] * scale) for c in ids}
    spots = _group_label_spots(ids, discs, {c: _short_label(labels.get(c), c) for c in ids},
                               {c: f"{sizes[c]:,}" for c in ids}, width, height)
    groups = []
    for c in ids:
        x, y, r = discs[c]
        lx, ly = spots[c]
        groups.append(MapGroup(
            community=c, label=_short_label(labels.get(c), c), color=colors[c], x=round(x, 1),
            y=round(y, 1), r=round(r, 1), size=sizes[c], shown=len(members[c]),
            label_x=round(lx, 1), label_y=round(ly, 1),
        ))
    return NetworkMap(
        width=width, height=height, nodes=tuple(nodes), edges=tuple(edges), groups=tuple(groups),
        group_edges=tuple(group_edges), n_actors=V.n, n_shown=len(drawn),
        params={"max_nodes": max_nodes, "seed": seed, "max_edges": max_edges,
                "layout": "communities: spring + overlap removal; actors: sunflower slots by score, "
                          "angular order from a spring layout"},
    )


#: Room a drawn member takes in its community's disc, in members (see layout_map).
_ROOM = 3.0
_GOLDEN = math.pi * (3.0 - math.sqrt(5.0))


def _sunflower(n: int, radius: float) -> list[tuple[float, float]]:
    """``n`` evenly spread points in a disc (Vogel's sunflower spiral), the centre first."""
    if n == 1:
        return [(0.0, 0.0)]
    return [(radius * math.sqrt((i + 0.5) / n) * math.cos(i * _GOLDEN),
             radius * math.sqrt((i + 0.5) / n) * math.sin(i * _GOLDEN)) for i in range(n)]


def _angles(ms: list, und: Mapping[tuple, float], seed: int) -> dict:
    """Each member's angle around the centre in a seeded spring layout of their interactions."""
    if len(ms) < 3:
        return {v: float(i) for i, v in enumerate(ms)}
    H = nx.Graph()
    H.add_nodes_from(ms)
    mset = set(ms)
    for (u, v), w in und.items():
        if u in mset and v in mset:
            H.add_edge(u, v, weight=math.log1p(w))
    raw = nx.spring_layout(H, weight="weight", seed=seed, iterations=50)
    cx = sum(float(raw[v][0]) for v in ms) / len(ms)
    cy = sum(float(raw[v][1]) for v in ms) / len(ms)
    return {v: math.atan2(float(raw[v][1]) - cy, float(raw[v][0]) - cx) for v in ms}


def _short_label(label: str | None, c: Any) -> str:
    """A community's label for the map: its first one or two terms."""
    if not label:
        return "other" if c == -1 else f"community {c}"
    parts = [p.strip() for p in label.split("·") if p.strip()]
    text = parts[0] if parts else label
    if len(parts) > 1 and len(text) + len(parts[1]) + 3 <= 26:
        text = f"{text} · {parts[1]}"
    return text if len(text) <= 28 else text[:27] + "…"


def _group_label_spots(ids, discs, texts, subs, width, height, font=12.5) -> dict:
    """A place for each community's label: above its disc, else below, else inside its top,
    avoiding the other discs and the labels already placed."""
    placed: list[tuple[float, float, float, float]] = []
    out = {}
    for c in sorted(ids, key=lambda c: -discs[c][2]):
        x, y, r = discs[c]
        w = 0.6 * font * (len(texts[c]) + len(subs[c]) + 1)
        for ly in (y - r - 6, y + r + font + 2, y - r + font + 6):
            box = (x - w / 2, ly - font, x + w / 2, ly + 0.2 * font)
            inside = box[0] >= 0 and box[2] <= width and box[1] >= 0 and box[3] <= height
            free = not any(_overlap(box, b) for b in placed)
            clear = not any(_hits_circle(box, discs[o]) for o in ids if o != c)
            if inside and free and clear:
                break
        else:
            ly = y - r + font + 6
            box = (x - w / 2, ly - font, x + w / 2, ly + 0.2 * font)
        placed.append(box)
        out[c] = (x, ly)
    return out


def _overlap(a, b) -> bool:
    return not (a[2] < b[0] or a[0] > b[2] or a[3] < b[1] or a[1] > b[3])


def _hits_circle(box, disc) -> bool:
    x, y, r = disc
    nx_ = min(max(x, box[0]), box[2])
    ny_ = min(max(y, box[1]), box[3])
    return math.hypot(x - nx_, y - ny_) < r


def _place_labels(nodes: list[MapNode], width: int, font: float = 11.0) -> list[MapNode]:
    """Keep the labels that fit, best-scored first (competitors before everyone): each sits right
    of its node, or left of it near the right edge, and is dropped when it would overlap a label
    already placed. Label widths are estimated (0.58 em per character)."""
    from dataclasses import replace

    placed: list[tuple[float, float, float, float]] = []
    order = sorted(range(len(nodes)), key=lambda i: (not nodes[i].competitor, -(nodes[i].score or 0.0)))
    out = list(nodes)
    for i in order:
        n = nodes[i]
        if not n.label:
            continue
        w = 0.58 * font * len(n.label)
        h = font * 1.1
        end = n.x + n.r + 3 + w > width - 2
        x0 = n.x - n.r - 3 - w if end else n.x + n.r + 3
        box = (x0, n.y - h / 2, x0 + w, n.y + h / 2)
        if any(_overlap(box, b) for b in placed):
            out[i] = replace(n, label="")
            continue
        placed.append(box)
        out[i] = replace(n, label_end=end)
    return out
