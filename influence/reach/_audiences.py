"""Audiences: who gives an actor attention, and how much two actors' audiences overlap."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    pass
from .._arrays import unique_sorted
from ..diffusion import source_index
from ._common import graph_matrix

# -- audiences -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Overlap:
    """Audience overlap of two actors."""

    jaccard: float  #: shared givers / givers of either
    weighted: float  #: sum of min / sum of max of the attention weights
    shared: int  #: number of shared givers


def audience(G, actor) -> dict:
    """The actors who give ``actor`` attention, with the attention weight each gives.

    Parameters
    ----------
    G : networkx.Graph or GraphView
    actor : node id

    Returns
    -------
    dict
        ``{giver: weight}`` (the edge ``weight``, 1 when missing), self-attention left out.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.DiGraph()
    >>> G.add_weighted_edges_from([("ana", "luis", 2.0), ("eva", "luis", 0.5), ("luis", "eva", 1.0)])
    >>> audience(G, "luis")
    {'ana': 2.0, 'eva': 0.5}
    """
    nodes, S = graph_matrix(G)
    i = node_index(nodes, [actor])[0]
    lo, hi = S.indptr[i], S.indptr[i + 1]
    return {nodes[j]: float(w) for j, w in zip(S.indices[lo:hi].tolist(), S.data[lo:hi].tolist())}


def frontier_edges(indptr: np.ndarray, deg: np.ndarray, nodes: np.ndarray,
                    ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every out-edge of a frontier: the positions in a CSR matrix's ``indices`` of the edges
    leaving each ``nodes[i]`` (``deg`` holds the out-degrees), and ``ids[i]`` (its world or set)
    repeated once per edge. Empty arrays when no frontier node has an out-edge."""
    d = deg[nodes]
    ends = np.cumsum(d)
    edge = np.repeat(indptr[nodes] - (ends - d), d) + np.arange(int(ends[-1]) if ends.size else 0)
    return edge, np.repeat(ids, d)


def node_index(nodes: list, actors: Iterable) -> np.ndarray:
    """Positions of ``actors`` in ``nodes`` (:class:`ConfigError` naming ``actors`` for one that
    is not in the graph)."""
    return source_index(nodes, actors, what="actor", key="actors")


def overlap_counts(S, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Jaccard, weighted Jaccard and shared counts between the audiences (rows of S) at ``idx``."""
    sub = S[idx]
    cols = unique_sorted(sub.indices)
    D = sub[:, cols].toarray() if cols.size else np.zeros((len(idx), 0))
    B = (D > 0).astype(float)
    inter = B @ B.T
    sizes = B.sum(axis=1)
    union = sizes[:, None] + sizes[None, :] - inter
    jac = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
    mn = np.empty_like(inter)
    mx = np.empty_like(inter)
    for i in range(len(idx)):  # one row at a time: memory k * m, not k * k * m
        mn[i] = np.minimum(D[i], D).sum(axis=1)
        mx[i] = np.maximum(D[i], D).sum(axis=1)
    wj = np.divide(mn, mx, out=np.zeros_like(mn), where=mx > 0)
    return jac, wj, inter.astype(np.int64)


def overlap(G, a, b) -> Overlap:
    """Audience overlap of two actors (see the module notes).

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.DiGraph()
    >>> G.add_weighted_edges_from([("u1", "a", 1.0), ("u2", "a", 3.0), ("u2", "b", 1.0), ("u3", "b", 1.0)])
    >>> o = overlap(G, "a", "b")
    >>> round(o.jaccard, 4), round(o.weighted, 4), o.shared    # 1/3; min 1 / max (1 + 3 + 1)
    (0.3333, 0.2, 1)
    """
    nodes, S = graph_matrix(G)
    jac, wj, inter = overlap_counts(S, node_index(nodes, [a, b]))
    return Overlap(float(jac[0, 1]), float(wj[0, 1]), int(inter[0, 1]))


def overlap_matrix(G, actors: Sequence, *, weighted: bool = False) -> np.ndarray:
    """Pairwise audience overlap of ``actors`` (Jaccard, or weighted Jaccard).

    Returns
    -------
    numpy.ndarray
        ``len(actors) x len(actors)``, symmetric; the diagonal is 1 for an actor with an audience.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.DiGraph([("u1", "a"), ("u2", "a"), ("u2", "b"), ("u1", "c"), ("u2", "c")])
    >>> overlap_matrix(G, ["a", "b", "c"]).round(2).tolist()
    [[1.0, 0.5, 1.0], [0.5, 1.0, 0.5], [1.0, 0.5, 1.0]]
    """
    nodes, S = graph_matrix(G)
    jac, wj, _ = overlap_counts(S, node_index(nodes, actors))
    return wj if weighted else jac
