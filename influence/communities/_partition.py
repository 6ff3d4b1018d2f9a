"""Partition: a detected community structure, and the names of the methods, projections and
engines.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

#: Community detection methods.
METHODS: tuple[str, ...] = ("louvain", "leiden", "label_propagation", "greedy_modularity")
#: How a directed graph is turned into the graph the method sees.
PROJECTIONS: tuple[str, ...] = ("sum", "directed")
#: Implementations of Louvain (see :func:`detect_communities`).
ENGINES: tuple[str, ...] = ("auto", "networkit", "networkx")
#: Community id of the actors of communities smaller than ``min_size``.
OTHER = -1


def leiden_available() -> bool:
    """Whether the optional Leiden back end (``leidenalg`` and ``igraph``) is installed.

    >>> isinstance(leiden_available(), bool)
    True
    """
    try:
        import igraph  # noqa: F401
        import leidenalg  # noqa: F401
    except ImportError:
        return False
    return True


# ==================================================================================================
# Partition
# ==================================================================================================


@dataclass(frozen=True, eq=False, repr=False)
class Partition(Mapping):
    """A partition of a graph's actors into communities: a read-only mapping actor -> community id.

    Community ids are ``0, 1, ...`` by decreasing size (ties: the community whose first member
    comes first in the graph's node order), and :data:`OTHER` (``-1``) for the actors of
    communities smaller than ``min_size``. Being a mapping, a partition can be passed wherever an
    ``{actor: community}`` dict is expected (e.g. :func:`influence.measures.reach_diversity`).

    Attributes
    ----------
    membership : dict
        Actor -> community id, in the graph's node order.
    method, projection : str
        How it was computed (see :func:`detect_communities`).
    resolution : float
    seed : int
    runs : int
        Runs made: the best of them by modularity (engine ``"networkit"``), or combined by
        consensus (engine ``"networkx"``; 1: a single run).
    min_size : int
    engine : str
        ``"networkit"`` (NetworKit's PLM, the default for Louvain) or ``"networkx"``.
    modularity : float
        Modularity (with ``resolution``) of the detected communities, before the small ones were
        merged, on the projected graph.
    """

    membership: dict
    method: str = "louvain"
    resolution: float = 1.0
    seed: int = 0
    runs: int = 1
    min_size: int = 1
    projection: str = "sum"
    modularity: float = math.nan
    engine: str = "networkx"
    _groups: dict = field(init=False, compare=False)

    def __post_init__(self) -> None:
        groups: dict[int, list] = {}
        for node, cid in self.membership.items():
            groups.setdefault(cid, []).append(node)
        ordered = {c: tuple(groups[c]) for c in sorted(groups) if c != OTHER}
        if OTHER in groups:
            ordered[OTHER] = tuple(groups[OTHER])
        object.__setattr__(self, "_groups", ordered)

    # Mapping interface: actor -> community id
    def __getitem__(self, node: Hashable) -> int:
        return self.membership[node]

    def __iter__(self) -> Iterator:
        return iter(self.membership)

    def __len__(self) -> int:
        return len(self.membership)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Partition):
            return self.membership == other.membership
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # a mutable-looking mapping: not hashable

    @property
    def communities(self) -> dict[int, tuple]:
        """Community id -> its members (graph node order): ``0, 1, ...`` then :data:`OTHER`."""
        return dict(self._groups)

    @property
    def ids(self) -> tuple[int, ...]:
        """The community ids present, :data:`OTHER` last."""
        return tuple(self._groups)

    @property
    def n_communities(self) -> int:
        """Number of communities, not counting :data:`OTHER`."""
        return sum(1 for c in self._groups if c != OTHER)

    @property
    def sizes(self) -> dict[int, int]:
        """Community id -> number of members."""
        return {c: len(m) for c, m in self._groups.items()}

    def members(self, cid: int) -> tuple:
        """The members of community ``cid`` (empty if there is no such community)."""
        return self._groups.get(cid, ())

    def params(self) -> dict[str, Any]:
        """The parameters it was computed with (for manifests)."""
        return {
            "method": self.method,
            "resolution": self.resolution,
            "seed": self.seed,
            "runs": self.runs,
            "min_size": self.min_size,
            "projection": self.projection,
            "engine": self.engine,
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the parameters, the modularity and ``communities`` (id -> member list)."""
        return {
            **self.params(),
            "modularity": None if math.isnan(self.modularity) else round(self.modularity, 6),
            "communities": {str(c): list(m) for c, m in self._groups.items()},
        }

    def __repr__(self) -> str:
        other = len(self._groups.get(OTHER, ()))
        return (
            f"Partition(method={self.method!r}, communities={self.n_communities}, other={other}, "
            f"actors={len(self.membership)}, modularity={self.modularity:.4f})"
        )


# ==================================================================================================
# Detection
# ==================================================================================================
