"""Export an interaction graph for other tools (Gephi, igraph, spreadsheets).

Formats: ``graphml`` and ``gexf`` (Gephi reads both; node and edge attributes kept: edge ``weight``,
``count`` and ``n_<kind>`` per-kind counts, node ``name``, ``platform``, ``is_competitor``,
``competitor``, ``followers``), ``csv`` (an edge list with a header:
``source,target,weight,count,n_mention,...``, one column per kind) and ``json`` (networkx
node-link JSON).
"""

from __future__ import annotations

import csv
import json
import os
from typing import IO, Any

import networkx as nx

from .atomic import atomic_write
from .records import KINDS

__all__ = ["export_graph", "EXPORT_FORMATS"]

EXPORT_FORMATS = ("graphml", "gexf", "csv", "json")


def export_graph(G: nx.DiGraph, path: str | os.PathLike, fmt: str, *,
                 manifest: dict[str, Any] | None = None) -> None:
    """Write ``G`` to ``path`` in ``fmt``.

    Parameters
    ----------
    G : networkx.DiGraph
    path : path-like
    fmt : {"graphml", "gexf", "csv", "json"}
        The file is written atomically (:func:`influence.atomic.atomic_write`): if the export
        fails, an earlier file at ``path`` is left as it was. The CSV keeps ids as they are (no
        spreadsheet formula neutralising, so it re-imports unchanged).
    manifest : dict, optional
        Stored as the graph attribute ``influence_manifest`` (JSON text) in GraphML and JSON
        (GEXF has no graph attributes: rely on the sidecar ``.manifest.json`` the CLI writes).
        The graph passed in is not modified.

    Examples
    --------
    >>> import tempfile, os
    >>> G = nx.DiGraph([("a", "b", {"weight": 2.0, "count": 2.0, "n_reply": 2.0})])
    >>> path = os.path.join(tempfile.mkdtemp(), "g.graphml")
    >>> export_graph(G, path, "graphml")
    >>> nx.read_graphml(path).edges["a", "b"]["n_reply"]
    2.0
    """
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r} (expected one of {', '.join(EXPORT_FORMATS)})")
    H = G.copy()
    if manifest is not None:
        H.graph["influence_manifest"] = json.dumps(manifest, sort_keys=True)
    if fmt == "gexf":
        # GEXF has no graph-level attributes of its own: keep only what it can hold.
        H.graph = {k: v for k, v in H.graph.items() if k == "mode"}
    # atomically: a failed export leaves the earlier file in place, never half a file
    if fmt in ("graphml", "gexf"):
        with atomic_write(path, "wb") as fh:
            (nx.write_graphml if fmt == "graphml" else nx.write_gexf)(H, fh)
    elif fmt == "json":
        with atomic_write(path, "w", encoding="utf-8") as fh:
            json.dump(nx.node_link_data(H, edges="edges"), fh, ensure_ascii=False, sort_keys=True)
            fh.write("\n")
    else:
        with atomic_write(path, "w", encoding="utf-8", newline="") as fh:
            write_edge_csv(H, fh)


def write_edge_csv(G: nx.DiGraph, fh: IO[str]) -> None:
    """Write the edge list of ``G`` as CSV: ``source,target,weight,count`` and ``n_<kind>`` columns."""
    kinds = [k for k in KINDS if any(f"n_{k}" in d for _, _, d in G.edges(data=True))]
    writer = csv.writer(fh, lineterminator="\n")
    writer.writerow(["source", "target", "weight", "count"] + [f"n_{k}" for k in kinds])
    for u, v, d in G.edges(data=True):
        writer.writerow([u, v, _fmt(d.get("weight", 1.0)), _fmt(d.get("count", ""))]
                        + [_fmt(d.get(f"n_{k}", 0)) for k in kinds])


def _fmt(x):
    if isinstance(x, float) and x.is_integer():
        return int(x)
    return x
