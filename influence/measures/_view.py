"""The graph as the arrays every measure shares: :class:`GraphView`."""

from __future__ import annotations

import copy
import operator
from functools import cached_property
from itertools import compress, repeat

import networkx as nx
import numpy as np
import scipy.sparse as sp

__all__ = ["GraphView", "row_positions"]


class GraphView:
    """A graph converted once to the arrays the measures share.

    Build it from a networkx graph (``GraphView(G)``) or, on large sectors, straight from the
    store's arrays (``GraphView.from_arrays(build_arrays(store, config))``) without ever making
    a networkx graph. :func:`influence.rank` accepts either a graph or a view.

    Parameters
    ----------
    G : networkx.DiGraph
    weight : str, default="weight"
        Edge attribute holding the weight (missing = 1).

    Attributes
    ----------
    nodes : list
        Node order of every array.
    A : scipy.sparse.csr_array
        Weighted adjacency, ``A[i, j]`` = weight of edge ``nodes[i] -> nodes[j]``; self-loops
        removed.
    columns : dict of str -> list
        Node attribute columns (``name``, ``platform``, ``followers``...; ``None`` where absent).
    received : dict of str -> numpy.ndarray
        Per interaction kind, the raw count each node received (from ``n_<kind>`` edge data).
    """

    def __init__(self, G: nx.DiGraph, weight: str | None = "weight"):
        self.G = G
        self.nodes = list(G)
        self.n = len(self.nodes)
        self.weight = weight
        self._arrays = None
        self._scores = {}  # influence.rank's measures, shared with the with_columns views

    @classmethod
    def from_arrays(cls, arrays) -> GraphView:
        """A view of :class:`influence.graph.GraphArrays` (no networkx graph is built)."""
        V = cls.__new__(cls)
        V.G = None
        V.nodes = list(arrays.nodes)
        V.n = len(V.nodes)
        V.weight = "weight"
        V._arrays = arrays
        V._scores = {}
        return V

    @property
    def arrays(self):
        """The :class:`influence.graph.GraphArrays` this view was made from (``None`` for a view
        of a networkx graph). Read it, do not change it: views made with :meth:`with_columns`
        share it."""
        return self._arrays

    def with_columns(self, **columns) -> GraphView:
        """A view of the same graph with more (or replaced) node attribute columns.

        The new view shares this one's matrices (those computed so far), arrays and the
        measures :func:`influence.rank` computed on either (those that do not read the added
        columns); neither this view nor its arrays change. This is how node annotations
        computed after the graph (a ``community`` from :func:`influence.detect_communities`, a ``role``...) reach
        :func:`influence.rank` and the reach selection, which read them as node columns.

        Parameters
        ----------
        **columns : sequence
            Column name -> one value per node, in :attr:`nodes` order (``None`` where absent).

        Returns
        -------
        GraphView

        Examples
        --------
        >>> V = GraphView(nx.DiGraph([("a", "b"), ("c", "b")]))
        >>> W = V.with_columns(community=[0, 0, 1])
        >>> W.column("community"), V.column("community")
        ([0, 0, 1], [None, None, None])
        >>> W.node_values("community")
        {'a': 0, 'b': 0, 'c': 1}
        """
        added = {}
        for name, values in columns.items():
            values = list(values)
            if len(values) != self.n:
                raise ValueError(f"column {name!r} has {len(values)} values for {self.n} nodes")
            added[name] = values
        V = copy.copy(self)  # the cached matrices (instance attributes) come along
        V.__dict__["columns"] = {**self.columns, **added}
        V._added = {**getattr(self, "_added", {}), **added}
        V._annotated = None
        return V

    def node_values(self, attr: str) -> dict:
        """``{node: value}`` of a node attribute column, nodes without a value left out."""
        col = self.column(attr)
        keep = list(map(operator.is_not, col, repeat(None)))  # C-level passes: a million nodes
        return dict(zip(compress(self.nodes, keep), compress(col, keep)))

    @cached_property
    def index(self) -> dict:
        return {v: i for i, v in enumerate(self.nodes)}

    @cached_property
    def A(self) -> sp.csr_array:
        n = self.n
        if n == 0:
            return sp.csr_array((0, 0))
        if self._arrays is not None:
            a = self._arrays
            return sp.csr_array((a.weight, (a.src, a.dst)), shape=(n, n))
        idx = self.index
        rows, cols, vals = [], [], []
        w = self.weight
        for u, v, d in self.G.edges(data=True):
            if u == v:
                continue
            rows.append(idx[u])
            cols.append(idx[v])
            vals.append(1.0 if w is None else float(d.get(w, 1.0)))
        A = sp.csr_array((np.array(vals, dtype=float), (np.array(rows, dtype=np.int64),
                                                        np.array(cols, dtype=np.int64))), shape=(n, n))
        A.sum_duplicates()
        if A.nnz and A.data.min() < 0:
            raise ValueError("measures need edge weights >= 0")
        return A

    @cached_property
    def AT(self) -> sp.csr_array:
        return self.A.T.tocsr()

    @cached_property
    def B(self) -> sp.csr_array:
        """Binary adjacency (edge present = 1)."""
        B = self.A.copy()
        B.data = np.ones_like(B.data)
        return B

    @cached_property
    def U(self) -> sp.csr_array:
        """Binary adjacency of the undirected projection (each neighbour once)."""
        B = self.B
        AT = self.__dict__.get("AT")  # the transpose, if HITS or Katz has built it: B.T's structure
        if AT is None:
            # transpose the structure alone, with one-byte values: the data moved is what costs
            Bb = sp.csr_array((np.ones(B.nnz, dtype=bool), B.indices, B.indptr), shape=B.shape)
            BT = Bb.T.tocsr()
            B = Bb
        else:
            BT = sp.csr_array((np.ones(AT.nnz, dtype=bool), AT.indices, AT.indptr), shape=AT.shape)
            B = sp.csr_array((np.ones(B.nnz, dtype=bool), B.indices, B.indptr), shape=B.shape)
        U = B + BT  # boolean "or": a linear merge of sorted rows
        return sp.csr_array((np.ones(U.nnz), U.indices, U.indptr), shape=U.shape)

    @property
    def n_edges(self) -> int:
        """Edges between distinct nodes."""
        return int(self.A.nnz)

    @cached_property
    def givers(self) -> np.ndarray:
        """Distinct actors giving attention to each node."""
        return np.asarray(self.B.sum(axis=0)).ravel() if self.n else np.zeros(0)

    @cached_property
    def columns(self) -> dict[str, list]:
        if self._arrays is not None:
            return self._arrays.node_attrs
        data = self.G.nodes
        names: dict[str, None] = {}
        for v in self.nodes:
            names.update(dict.fromkeys(data[v]))
        return {a: [data[v].get(a) for v in self.nodes] for a in names}

    def column(self, attr: str) -> list:
        """A node attribute column (all ``None`` when no node has it)."""
        return self.columns.get(attr) or [None] * self.n

    @cached_property
    def received(self) -> dict[str, np.ndarray]:
        from ..records import KINDS

        n = self.n
        if self._arrays is not None:
            a = self._arrays
            return {k: np.bincount(a.dst, weights=a.kind_counts[:, j], minlength=n)
                    for j, k in enumerate(a.kinds)}
        idx = self.index
        out: dict[str, np.ndarray] = {}
        labels = [(k, f"n_{k}") for k in KINDS]
        for _u, v, d in self.G.edges(data=True):
            for k, lab in labels:
                c = d.get(lab)
                if c:
                    if k not in out:
                        out[k] = np.zeros(n)
                    out[k][idx[v]] += c
        return {k: out[k] for k in KINDS if k in out}

    def networkx(self) -> nx.DiGraph:
        """The graph as networkx (built from the arrays on first use when the view has none),
        with the columns added by :meth:`with_columns` as node attributes (on a copy: the
        graph of the view they were added to is left as it was)."""
        if self.G is None:
            from ..graph import to_networkx

            self.G = to_networkx(self._arrays)
        added = getattr(self, "_added", None)
        if not added:
            return self.G
        if self._annotated is None:
            H = self.G.copy()
            for name, values in added.items():
                for v, x in zip(self.nodes, values):
                    if x is not None:
                        H.nodes[v][name] = x
            self._annotated = H
        return self._annotated

    def node_array(self, attr: str) -> np.ndarray:
        """A node attribute as floats (NaN where missing)."""
        out = np.full(self.n, np.nan)
        for i, x in enumerate(self.column(attr)):
            if x is not None and x != "" and not isinstance(x, bool):
                try:
                    out[i] = float(x)
                except (TypeError, ValueError):
                    pass
        return out

    def as_dict(self, arr: np.ndarray) -> dict:
        return dict(zip(self.nodes, arr.tolist()))


def row_positions(indptr: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where the entries of ``rows`` are in a CSR matrix's ``indices``: ``(positions, counts)``,
    ``positions`` listing ``indptr[r], ..., indptr[r + 1] - 1`` for each row in turn and
    ``counts`` the entries per row. Linear in the entries, without a Python loop.

    >>> row_positions(np.array([0, 2, 2, 5]), np.array([2, 0]))[0].tolist()
    [2, 3, 4, 0, 1]
    """
    starts = indptr[rows]
    counts = indptr[rows + 1] - starts
    first = np.cumsum(counts) - counts
    return np.repeat(starts - first, counts) + np.arange(int(counts.sum())), counts
