"""What every part of reach shares: the models and methods, the parameter checks, the spreading
matrix of a graph or GraphView, node attributes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..diffusion import spreading_matrix
from ..validation import check_choice, check_whole

if TYPE_CHECKING:
    pass



#: Candidates considered by CELF: the top of the ranking.
DEFAULT_POOL = 200
#: Live-edge worlds simulated by default.
DEFAULT_RUNS = 1000
#: Reach models: Independent Cascade, Linear Threshold.
MODELS = ("ic", "lt")
#: Selection methods (see the module notes).
METHODS = ("auto", "celf", "ris")


def check_option(name: str, value, options: Sequence[str]) -> str:
    return check_choice(name, value, options)


def check_count(name: str, value, minimum: int = 1) -> int:
    return check_whole(name, value, minimum)


# -- graph access ----------------------------------------------------------------------------------


def graph_matrix(G) -> tuple[list, Any]:
    """``(nodes, S)``: the spreading matrix of :mod:`influence.evaluate` (``S[v, u] = w(u -> v)``,
    no self-loops) of a networkx graph or a :class:`influence.measures.GraphView`."""
    from ..measures import GraphView

    if isinstance(G, GraphView):  # the view's cached adjacency: no second conversion
        S = G.AT.tocoo()
        keep = S.row != S.col
        import scipy.sparse as sp

        S = sp.csr_array((S.data[keep], (S.row[keep], S.col[keep])), shape=S.shape)
        S.sum_duplicates()
        S.sort_indices()
        return list(G.nodes), S
    return spreading_matrix(G, "weight")


def node_attribute(G, name: str) -> dict:
    """``{node: value}`` of a node attribute (absent values left out)."""
    from ..measures import GraphView

    if isinstance(G, GraphView):  # its columns, those added with GraphView.with_columns too
        return G.node_values(name)
    return {v: d[name] for v, d in G.nodes(data=True) if d.get(name) is not None}
