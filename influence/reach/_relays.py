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
from ._worlds import BATCH_BYTES, Worlds, distinct, sample_worlds

#: Worlds the relay breakdown of a pick is measured on (the first of the selection's, or fresh).
RELAY_RUNS = 200
#: ... but only as many of them as keep the reached (world, actor) pairs walked under this (a pick
#: reaching 17,000 actors per world on higgs-mention took 4 s per pick on 200 worlds), and at least
#: :data:`RELAY_MIN_RUNS` of them.
RELAY_BUDGET = 100_000
RELAY_MIN_RUNS = 20
#: ... and never more than this many pairs, however few worlds that leaves (at least one): a
#: pick reaching 190,000 of a million actors per world is measured on 1 world, one reaching
#: 50,000 on 5.
RELAY_MAX_PAIRS = 250_000
#: A pick owing more than this share of its reach to one relay is flagged (:attr:`Relays.dominated`).
RELAY_MAX_SHARE = 0.5
#: Relays a pick of :func:`influence.reach.select_reach` keeps in :attr:`Relays.through` (its
#: explanation names two; all of them are counted in the shares).
RELAY_TOP = 5


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
    """The relay breakdown of node index ``i`` on the worlds ``W`` (see :class:`Relays`).

    Worlds are searched in batches, in order, until :data:`RELAY_BUDGET` reached (world, actor)
    pairs (at least :data:`RELAY_MIN_RUNS` worlds, at most :data:`RELAY_MAX_PAIRS` pairs); each
    batch's dominator trees are computed at once (:func:`dominator_sizes`) and dropped."""
    S, n = W.S, len(W.nodes)
    indptr = S.indptr.astype(np.int64)
    indices = S.indices.astype(np.int64)
    deg = np.diff(indptr)
    total = W.runs
    least = min(total, RELAY_MIN_RUNS)
    per_flags = max(1, BATCH_BYTES // max(n, 1))
    sizes: list[int] = []  # reached pairs per world searched
    pairs = direct = 0
    owed_nodes, owed = [], []
    done = 0
    while done < total:
        # worlds for this batch: what the budget still allows at the mean reach so far
        mean = (sum(sizes) / len(sizes)) if sizes else 0.0
        room = (RELAY_BUDGET - pairs) / mean if mean else 1
        want = max(1, int(room), least - done)
        b = min(per_flags, total - done, want)
        keys, level, src, dst = _search(W, indptr, indices, deg, i, done, b)
        per_world = np.bincount(keys // n, minlength=b)
        # how many of these worlds are kept (the rule of the docstring, checked world by world)
        keep = 0
        for c in per_world.tolist():
            if done + keep >= least and pairs + c > RELAY_BUDGET:
                break
            if keep + done >= 1 and pairs + c > RELAY_MAX_PAIRS:
                break
            pairs += c
            sizes.append(c)
            keep += 1
        if keep < b:  # drop the worlds past the budget
            cut = keep * n
            sel = keys < cut
            keys, level = keys[sel], level[sel]
            sel = dst < cut
            src, dst = src[sel], dst[sel]
        direct += int(np.count_nonzero(level == 1))
        size = dominator_sizes(keys, level, src, dst, keep)
        inner = (size > 1) & (level > 0)
        owed_nodes.append(keys[inner] % n)
        owed.append(size[inner] - 1)
        done += keep
        if keep < b or (done >= least and pairs >= RELAY_BUDGET) or pairs >= RELAY_MAX_PAIRS:
            break
    R = max(done, 1)
    node = np.concatenate(owed_nodes) if owed_nodes else np.zeros(0, dtype=np.int64)
    count = np.concatenate(owed) if owed else np.zeros(0, dtype=np.int64)
    # per node index, summed in one pass (a node owed nothing sums to 0 and is left out); only
    # the ``top`` biggest are sorted: a pick's explanation shows two of a million possible relays
    sums = np.bincount(node, weights=count, minlength=n).astype(np.int64)
    who = np.flatnonzero(sums)
    if top is not None and 0 < top < who.size:  # the ties at the cut stay: the order decides them
        vals = sums[who]
        who = who[vals >= np.partition(vals, who.size - top)[who.size - top]]
    order = np.lexsort((who, -sums[who]))[:top]
    return Relays(W.nodes[i], pairs / R, direct / R,
                  tuple((W.nodes[int(v)], int(c) / R) for v, c in zip(who[order], sums[who][order])), R)


def _search(W: Worlds, indptr, indices, deg, i: int, first: int, b: int):
    """Breadth-first search from node ``i`` in worlds ``first .. first + b - 1`` along kept edges
    (a blocked relay is reached but not expanded, the source always is): ``(keys, level, src,
    dst)``, the reached ``world * n + node`` keys (``world`` counted from ``first``) in the order
    found, their distance from the source, and every kept edge between reached keys."""
    n = len(W.nodes)
    relay = W.relay
    reached = np.zeros(b * n, dtype=bool)
    front = np.arange(b, dtype=np.int64) * n + i
    reached[front] = True
    found, levels, srcs, dsts = [front], [np.zeros(b, dtype=np.int64)], [], []
    depth = 0
    while front.size:
        depth += 1
        world = front // n
        edge, src = frontier_edges(indptr, deg, front - world * n, front)
        hit = W.kept(src // n + first, edge)
        src, edge = src[hit], edge[hit]
        dst = (src // n) * n + indices[edge]
        srcs.append(src)
        dsts.append(dst)
        new = distinct(dst[~reached[dst]])
        reached[new] = True
        found.append(new)
        levels.append(np.full(new.size, depth, dtype=np.int64))
        front = new if relay is None else new[relay[new % n]]
    cat = np.concatenate
    return (cat(found), cat(levels), cat(srcs) if srcs else np.zeros(0, dtype=np.int64),
            cat(dsts) if dsts else np.zeros(0, dtype=np.int64))


def dominator_sizes(keys: np.ndarray, level: np.ndarray, src: np.ndarray, dst: np.ndarray,
                    roots: int) -> np.ndarray:
    """For every reached key, 1 + the number of keys it dominates (its subtree in the dominator
    tree of its world, rooted at the source), all worlds at once.

    ``keys`` are in breadth-first order (the ``roots`` sources first, then by ``level``), so a
    strict dominator comes before every key it dominates (it lies on every path, the shortest
    included). That order plays the postorder numbers of Cooper, Harvey & Kennedy's iterative
    algorithm: each key's immediate dominator is the common ancestor, in the current tree, of its
    predecessors, found by moving the larger of two "fingers" up the tree; sweeps run level by
    level, every key of a level at once, until nothing changes (back edges need a second sweep).
    Matches :func:`dominated` and networkx's ``immediate_dominators`` (tested)."""
    N = keys.size
    order = np.argsort(keys, kind="stable")
    skeys = keys[order]

    def ids(k):
        return order[np.searchsorted(skeys, k)]

    p, d = ids(src), ids(dst)
    into_root = d < roots
    p, d = p[~into_root], d[~into_root]
    by = np.argsort(d, kind="stable")
    p, d = p[by], d[by]
    dptr = np.searchsorted(d, np.arange(N + 1))
    lptr = np.searchsorted(level, np.arange(int(level[-1]) + 2)) if N else np.zeros(1, dtype=np.int64)
    idom = np.full(N, -1, dtype=np.int64)
    idom[:roots] = np.arange(roots)
    changed = True
    while changed:
        changed = False
        for L in range(1, len(lptr) - 1):
            lo, hi = lptr[L], lptr[L + 1]
            pp, dd = p[dptr[lo]:dptr[hi]], d[dptr[lo]:dptr[hi]]
            ok = idom[pp] >= 0
            pp, dd = pp[ok], dd[ok]
            first = np.r_[True, dd[1:] != dd[:-1]]
            acc = np.full(hi - lo, -1, dtype=np.int64)
            acc[dd[first] - lo] = pp[first]
            rest_p, rest_d = pp[~first], dd[~first]
            while rest_p.size:  # one more predecessor per key each round
                head = np.r_[True, rest_d[1:] != rest_d[:-1]]
                slot = rest_d[head] - lo
                acc[slot] = _common(acc[slot], rest_p[head], idom)
                rest_p, rest_d = rest_p[~head], rest_d[~head]
            if not np.array_equal(acc, idom[lo:hi]):
                idom[lo:hi] = acc
                changed = True
    size = np.ones(N, dtype=np.int64)
    for L in range(len(lptr) - 2, 0, -1):  # children before parents: deepest level first
        lo, hi = lptr[L], lptr[L + 1]
        np.add.at(size, idom[lo:hi], size[lo:hi])
    return size


def _common(a: np.ndarray, b: np.ndarray, idom: np.ndarray) -> np.ndarray:
    """The common ancestors of ``a[j]`` and ``b[j]`` in the tree ``idom`` (parents numbered lower)."""
    a, b = a.copy(), b.copy()
    todo = np.flatnonzero(a != b)
    while todo.size:
        x, y = a[todo], b[todo]
        up = x > y
        x[up] = idom[x[up]]
        y[~up] = idom[y[~up]]
        a[todo], b[todo] = x, y
        todo = todo[x != y]
    return a


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
