"""Reverse influence sampling: reverse-reachable sets and their sampler."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ..diffusion import make_rng
from ..validation import check_probability

if TYPE_CHECKING:
    pass
from ._audiences import frontier_edges
from ._blocks import relay_mask
from ._common import MODELS, check_count, check_option, graph_matrix
from ._worlds import BATCH_BYTES, WorldPicker, distinct, edge_probabilities

#: RR sets are searched in batches, each with one "already in the set" flag per (set, actor):
#: ``BATCH_BYTES // n`` sets per batch. When fewer than this many fit (over 524,288 actors), the
#: per-batch overhead dominates (a million actors: 32 sets per batch, 3,000 batches for 100,000
#: sets), so the batch takes :data:`RR_SORTED_BATCH` sets and keeps the keys found so far sorted
#: instead of flagged (memory: the batch's members, not ``n`` per set). The draws are the same
#: for a given batch size.
RR_DENSE_MIN = 64
RR_SORTED_BATCH = 2048

# -- reverse influence sampling --------------------------------------------------------------------


@dataclass(frozen=True)
class RRSets:
    """Random reverse-reachable sets: set ``i`` holds ``members[ptr[i]:ptr[i + 1]]`` (node indices),
    the actors that reach a uniformly random root in one random world of the model."""

    nodes: list
    ptr: np.ndarray
    members: np.ndarray
    params: dict = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.ptr) - 1

    def spread(self, idx: Sequence[int]) -> float:
        """Expected reach of the node indices ``idx``: n times the share of sets they hit."""
        if not len(self):
            return 0.0
        hit = np.zeros(len(self), dtype=bool)
        mask = np.isin(self.members, np.asarray(idx, dtype=np.int64))
        set_of = np.repeat(np.arange(len(self)), np.diff(self.ptr))
        hit[set_of[mask]] = True
        return float(len(self.nodes) * hit.sum() / len(self))


class ReverseSampler:
    """The spreading matrix transposed (row u: the actors v who can activate u) with the entry
    probabilities aligned, for generating RR sets."""

    def __init__(self, S, q: np.ndarray, model: str, relay: np.ndarray | None = None):
        n = S.shape[0]
        self.relay = relay  # an RR set grows past its root only through actors who relay
        rows = np.repeat(np.arange(n, dtype=np.int64), np.diff(S.indptr))
        cols = S.indices.astype(np.int64)
        order = np.lexsort((rows, cols))  # by u, then v
        self.n = n
        self.indices = rows[order]
        self.q = q[order]
        self.indptr = np.concatenate([[0], np.cumsum(np.bincount(cols, minlength=n))]).astype(np.int64)
        self.model = model
        if model == "lt":
            self.picker = WorldPicker(cols[order], self.q, n)

    def sample(self, count: int, rng: np.random.Generator, batch_bytes: int = BATCH_BYTES):
        """``(ptr, members)`` of ``count`` new RR sets.

        The roots are stratified: every actor is the root of ``count // n`` sets, and the
        ``count % n`` sets left get distinct random roots. Each actor is still a root with
        probability ``1 / n`` per set, so estimates keep their expectation, but the sets an
        actor hits as its own root are no longer left to chance: with uniform roots that noise
        dominated the estimate of actors who reach few others, and greedy over thousands of
        them picked the luckiest instead of the best.
        """
        n = self.n
        whole, rest = divmod(count, n)
        all_roots = np.concatenate([np.tile(np.arange(n, dtype=np.int64), whole),
                                    rng.choice(n, rest, replace=False).astype(np.int64)])
        per = max(1, min(count, batch_bytes // max(n, 1)))
        dense = per >= min(count, RR_DENSE_MIN)  # else: too few sets per batch, sort instead
        if not dense:
            per = min(count, RR_SORTED_BATCH)
        reached = np.zeros(per * n if dense else 0, dtype=bool)  # reset after each batch: cost follows the work
        deg = np.diff(self.indptr)
        sizes, parts = [], []
        for start in range(0, count, per):
            b = min(per, count - start)
            roots = all_roots[start:start + b]
            keys = np.arange(b, dtype=np.int64) * n + roots
            if dense:
                reached[keys] = True
            touched = [keys]
            seen = keys  # sorted: set numbers increase
            f_sets, f_nodes = np.arange(b, dtype=np.int64), roots.astype(np.int64)
            while f_nodes.size:
                if self.model == "lt":  # a walk: each actor keeps at most one in-edge
                    ok, entry = self.picker.pick(f_nodes, rng.random(f_nodes.size))
                    sets, nxt = f_sets[ok], self.indices[entry]
                else:
                    edge, sets = frontier_edges(self.indptr, deg, f_nodes, f_sets)
                    hit = rng.random(edge.size) < self.q[edge]
                    sets, nxt = sets[hit], self.indices[edge[hit]]
                new = sets * n + nxt
                if dense:
                    new = distinct(new[~reached[new]])
                    reached[new] = True
                    touched.append(new)
                else:  # the same keys: distinct, and not seen before in the batch
                    new = distinct(new)
                    at = np.minimum(np.searchsorted(seen, new), max(seen.size - 1, 0))
                    new = new[seen[at] != new] if seen.size else new
                    seen = np.sort(np.concatenate([seen, new]))
                f_sets = new // n
                f_nodes = new - f_sets * n
                if self.relay is not None:  # in the set (it reaches the root), but nobody reaches
                    f_sets, f_nodes = f_sets[self.relay[f_nodes]], f_nodes[self.relay[f_nodes]]  # it through it
            if dense:
                allk = np.sort(np.concatenate(touched))
                reached[allk] = False
            else:
                allk = seen
            s = allk // n
            sizes.append(np.bincount(s, minlength=b))
            parts.append(allk - s * n)
        sizes = np.concatenate(sizes) if sizes else np.zeros(0, dtype=np.int64)
        members = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
        return np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64), members


def sample_rr_sets(G, count: int, *, p: float | None = None, seed=0, model: str = "ic",
                   no_relay: Mapping | Iterable | None = None) -> RRSets:
    """``count`` random reverse-reachable sets of the reach model (see the module notes).

    Parameters
    ----------
    G : networkx.Graph or GraphView
    count : int
    p, seed, model, no_relay
        As :func:`sample_worlds`.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.DiGraph([(u, "x") for u in "abc"])    # x reaches a, b and c for sure
    >>> R = sample_rr_sets(G, 400, seed=0)
    >>> R.spread([R.nodes.index("x")])                # 4 actors
    4.0
    """
    count = check_count("count", count)
    if p is not None:
        p = check_probability("p", p)
    model = check_option("model", model, MODELS)
    nodes, S = graph_matrix(G)
    relay, blocked = relay_mask(G, nodes, no_relay)
    ptr, members = ReverseSampler(S, edge_probabilities(S, model, p), model, relay).sample(count, make_rng(seed))
    return RRSets(nodes, ptr, members, {"model": model, "p": p, "sets": count, "no_relay": blocked})
