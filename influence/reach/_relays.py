"""Relay breakdown: through whom an actor's influence reaches the others (dominator trees over
live-edge worlds).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    pass
from ._audiences import frontier_edges, node_index
from ._worlds import Worlds, sample_worlds

#: Worlds the relay breakdown of a pick is measured on (the first of the selection's, or fresh).
RELAY_RUNS = 200
#: ... but only as many of them as keep the reached (world, actor) pairs walked under this (a pick
#: reaching 17,000 actors per world on higgs-mention took 4 s per pick on 200 worlds), and at least
#: :data:`RELAY_MIN_RUNS` of them.
RELAY_BUDGET = 100_000
RELAY_MIN_RUNS = 20
#: A pick owing more than this share of its reach to one relay is flagged (:attr:`Relays.dominated`).
RELAY_MAX_SHARE = 0.5


@dataclass(frozen=True)
class Relays:
    """Through whom an actor's reach goes (:func:`relay_breakdown`).

    ``through`` lists, largest first, the actors its reach depends on: the expected number of
    actors reached *only through* each (every path to them in a world passes through it, so they
    would be lost if it did not pass reach on: the dominator tree of the world's reached part,
    Cooper, Harvey & Kennedy 2001). The shares do not sum to 1: actors reached
    along several paths depend on no single relay.
    """

    actor: Any
    reach: float  #: expected actors reached on the worlds measured, itself counted
    direct: float  #: expected actors of its own audience reached (first hop)
    through: tuple  #: ``((relay, expected actors reached only through it), ...)``, largest first
    runs: int  #: worlds measured

    @property
    def top(self) -> Any:
        """Its biggest relay (None when none)."""
        return self.through[0][0] if self.through else None

    @property
    def top_share(self) -> float:
        """Share of its reach owed to its biggest relay (0 when none)."""
        return float(self.through[0][1] / self.reach) if self.through and self.reach > 0 else 0.0

    @property
    def dominated(self) -> bool:
        """Whether one relay carries more than :data:`RELAY_MAX_SHARE` of its reach."""
        return self.top_share > RELAY_MAX_SHARE

    def describe(self, relays: int = 2) -> str:
        """One phrase: ``"direct 12.0; 61% only through @x, 7% only through @y"``."""
        text = f"{self.direct:.1f} of its audience directly"
        shown = [(r, x) for r, x in self.through[:relays] if self.reach > 0 and x / self.reach >= 0.005]
        if shown:
            text += ", " + ", ".join(f"{x / self.reach:.0%} only through {handle_of(r)}" for r, x in shown)
        elif self.reach > self.direct + 1.05:
            text += ", the rest along several paths"
        return text


def handle_of(actor) -> str:
    """``twitter:jetblue`` -> ``@jetblue`` (other ids as they are)."""
    text = str(actor)
    platform, _, rest = text.partition(":")
    return f"@{rest}" if platform == "twitter" and rest and not rest.startswith("@") else text


def dominated(src: list, dst: list, root, weight: dict | None = None) -> dict:
    """``{v: weight[v] + 1 + number of nodes v dominates}`` in the graph of edges ``src -> dst``
    (every node reachable from ``root``), where ``weight`` counts leaves folded into a node
    beforehand (a leaf with one predecessor is dominated by it, so it can be counted there without
    an edge): the dominator tree by Cooper, Harvey & Kennedy's iterative algorithm
    ("A simple, fast dominance algorithm", 2001), on plain lists because the graphs are many and
    small (networkx's ``immediate_dominators`` gives the same tree; building a DiGraph per world
    took most of the time). The iteration runs over the nodes with successors only: every
    predecessor has a successor, so they form a closed graph, and a leaf (most of a cascade)
    dominates nothing, its immediate dominator being the common dominator of its predecessors."""
    succ: dict = {}
    pred: dict = {}
    for a, b in zip(src, dst):
        succ.setdefault(a, []).append(b)
        pred.setdefault(b, []).append(a)
    order = []  # postorder of an iterative depth-first search over the inner nodes
    leaves = []
    seen = {root}
    stack = [(root, iter(succ.get(root, ())))]
    while stack:
        v, it = stack[-1]
        for w in it:
            if w not in seen:
                seen.add(w)
                if w in succ:
                    stack.append((w, iter(succ[w])))
                    break
                leaves.append(w)
        else:
            stack.pop()
            order.append(v)
    order.reverse()  # reverse postorder: every node after its dominators
    po = {v: j for j, v in enumerate(order)}
    idom = {root: root}

    def common(preds):
        new = None
        for u in preds:
            if u not in idom:
                continue
            if new is None:
                new = u
                continue
            a, b = u, new
            while a != b:  # walk up the tree to the common dominator
                while po[a] > po[b]:
                    a = idom[a]
                while po[b] > po[a]:
                    b = idom[b]
            new = a
        return new

    changed = True
    while changed:
        changed = False
        for v in order[1:]:
            new = common(pred[v])
            if idom.get(v) != new:
                idom[v] = new
                changed = True
    size = dict.fromkeys(order, 1)
    for v, c in (weight or {}).items():
        size[v] = size.get(v, 1) + c
    for v in leaves:  # a leaf here dominates only the leaves folded into it
        ps = pred[v]
        size[ps[0] if len(ps) == 1 else common(ps)] += size.setdefault(v, 1)
    for v in reversed(order[1:]):
        size[idom[v]] += size[v]
    return size


def relays_of(W: Worlds, i: int, top: int | None = None) -> Relays:
    """The relay breakdown of node index ``i`` on the worlds ``W`` (see :class:`Relays`)."""
    S, n, R, nnz = W.S, len(W.nodes), W.runs, W.S.nnz
    keys = W.reach_keys([i])[0]
    world, node = keys // n, keys % n
    ends = np.searchsorted(world, np.arange(1, R + 1))  # pairs walked after each world
    R = max(min(R, RELAY_MIN_RUNS), int(np.searchsorted(ends, RELAY_BUDGET, side="right")), 1)
    R = min(R, W.runs)
    keys, world, node = keys[:ends[R - 1]], world[:ends[R - 1]], node[:ends[R - 1]]
    if W.relay is not None:  # the edges a blocked actor would pass reach along are not used
        spreads = (node == i) | W.relay[node]
        world, node = world[spreads], node[spreads]
    indptr = S.indptr.astype(np.int64)
    edge, which = frontier_edges(indptr, np.diff(indptr), node, np.arange(node.size))
    hit = W.live.reshape(-1)[world[which] * nnz + edge]
    w, src, dst = world[which][hit], node[which][hit], S.indices.astype(np.int64)[edge[hit]]
    direct = int(np.count_nonzero((src == i) & (dst != i)))
    # most reached actors pass nothing on and have one predecessor: fold each into its
    # predecessor's weight (vectorised over the worlds) instead of walking it in Python
    relayed = w[src != i]  # worlds where someone besides the actor passes reach on
    inner = np.unique(w * n + src)
    dkey = w * n + dst
    leaf = ~np.isin(dkey, inner)
    _, inv, cnt = np.unique(dkey[leaf], return_inverse=True, return_counts=True)
    fold = np.zeros(w.size, dtype=bool)
    fold[np.flatnonzero(leaf)[cnt[inv] == 1]] = True
    fkeys, fcnt = np.unique(w[fold] * n + src[fold], return_counts=True)
    fcuts = np.searchsorted(fkeys // n, np.arange(R + 1))
    w, src, dst = w[~fold], src[~fold], dst[~fold]
    owed: dict[int, int] = {}
    cuts = np.searchsorted(w, np.arange(R + 1))  # edges come grouped by world (keys are sorted)
    for r in np.unique(relayed).tolist():
        a, b = cuts[r], cuts[r + 1]
        fa, fb = fcuts[r], fcuts[r + 1]
        weight = dict(zip((fkeys[fa:fb] % n).tolist(), fcnt[fa:fb].tolist()))
        for v, c in dominated(src[a:b].tolist(), dst[a:b].tolist(), i, weight).items():
            if v != i and c > 1:
                owed[v] = owed.get(v, 0) + c - 1
    ranked = sorted(owed.items(), key=lambda x: (-x[1], x[0]))[:top]
    return Relays(W.nodes[i], keys.size / R, direct / R,
                  tuple((W.nodes[v], c / R) for v, c in ranked), R)


def relay_breakdown(G, actor, *, worlds: Worlds | None = None, p: float | None = None,
                    runs: int = RELAY_RUNS, seed=0, model: str = "ic",
                    no_relay: Mapping | Iterable | None = None, top: int | None = 5) -> Relays:
    """Through whom ``actor``'s reach goes: its direct audience and the relays it depends on.

    Parameters
    ----------
    G : networkx.Graph or GraphView
    actor : node id
    worlds : Worlds, optional
        Measure on these; else sampled with ``p``, ``runs``, ``seed``, ``model`` and
        ``no_relay`` (see :func:`sample_worlds`).
    top : int or None, default=5
        How many relays to keep (None: all).

    Returns
    -------
    Relays

    Examples
    --------
    ``x`` is mentioned by ``hub`` (and by ``a``); ``hub`` is mentioned by five fans. Unless it is
    a competitor, ``hub`` relays x's reach to its fans, and x owes most of its reach to it:

    >>> import networkx as nx
    >>> G = nx.DiGraph([("hub", "x"), ("a", "x")] + [(f"f{i}", "hub") for i in range(5)])
    >>> r = relay_breakdown(G, "x", p=1.0, runs=4)
    >>> r.reach, r.direct, r.through, r.top_share
    (8.0, 2.0, (('hub', 5.0),), 0.625)
    >>> G.nodes["hub"]["is_competitor"] = True
    >>> relay_breakdown(G, "x", p=1.0, runs=4).reach    # x, hub and a: hub passes nothing on
    3.0
    """
    W = worlds if worlds is not None else sample_worlds(G, p=p, runs=runs, seed=seed, model=model,
                                                        no_relay=no_relay)
    return relays_of(W, int(node_index(W.nodes, [actor])[0]), top)
