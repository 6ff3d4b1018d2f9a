"""Graph files: edge lists, GraphML, GEXF, GML and node-link JSON documents, as interactions
(and the actors of their nodes)."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from typing import Any

from ..errors import InputDataError
from ..records import KINDS, Actor, Interaction, parse_actor_id
from ._lines import MAX_LINE_BYTES, bad_row, open_binary, open_text, refuse, text_lines

_WS = re.compile(r"\s+")


def read_edgelist(path, platform, kind, on_bad_row, rep) -> Iterator:
    with open_binary(path) as fh:
        for lineno, line, _ in text_lines(fh, path):
            if isinstance(line, InputDataError):
                rep.rows += 1
                refuse(line, on_bad_row)
                continue
            text = line.split("#", 1)[0].strip()
            if not text:
                continue
            rep.rows += 1
            parts = _WS.split(text)
            try:
                if len(parts) not in (2, 3):
                    raise ValueError(f"expected 'source target [weight]', got {len(parts)} fields")
                weight = 1.0
                if len(parts) == 3:
                    try:
                        weight = float(parts[2])
                    except ValueError:
                        raise ValueError(f"weight must be a number > 0, got {parts[2]!r}") from None
                rec = Interaction(parse_actor_id(parts[0], platform), parse_actor_id(parts[1], platform),
                                  kind, None, None, weight)
            except MemoryError:
                raise
            except Exception as exc:
                refuse(bad_row(exc, path, lineno), on_bad_row)
                continue
            yield rec


def is_json_graph(path: str) -> bool:
    """Whether a ``.json`` file is one JSON document holding a node-link graph (``influence export
    --format json``, networkx ``node_link_data``, d3) rather than JSON Lines: its first line does
    not parse on its own (a pretty-printed document), or parses to an object with ``nodes``."""
    with open_binary(path) as fh:
        first = fh.readline(MAX_LINE_BYTES + 1)
    try:
        obj = json.loads(first)
    except (ValueError, RecursionError):
        return first.lstrip()[:1] in (b"{", b"[")
    return isinstance(obj, dict) and "nodes" in obj


def _read_node_link(path: str):
    import networkx as nx

    if os.path.getsize(path) > MAX_JSON_GRAPH_BYTES:
        raise InputDataError(f"cannot read JSON: a JSON graph document over {MAX_JSON_GRAPH_BYTES >> 20} MiB "
                             f"is read whole; export it as GraphML or an edge list instead", path=path)
    with open_text(path) as fh:
        data = json.load(fh)
    if not isinstance(data, dict) or not isinstance(data.get("nodes"), list):
        raise ValueError("a JSON document must be a node-link graph (an object with 'nodes' and 'edges' or "
                         "'links'); for records use JSON Lines, one object per line")
    edges = "edges" if "edges" in data else "links"
    return nx.node_link_graph(data, edges=edges)


#: Largest JSON graph document read (it is parsed whole, unlike JSON Lines).
MAX_JSON_GRAPH_BYTES = 1 << 30


def read_graph(path, fmt, platform, kind, on_bad_row, rep) -> Iterator:
    import networkx as nx

    try:
        if fmt == "graphml":
            G = nx.read_graphml(path)
        elif fmt == "gexf":
            G = nx.read_gexf(path)
        elif fmt == "json":
            G = _read_node_link(path)
        else:
            G = _read_gml(path)
    except MemoryError:
        raise
    except RecursionError:
        raise InputDataError(f"cannot read {fmt.upper()}: nested too deeply", path=path) from None
    except UnicodeDecodeError:
        raise InputDataError(f"cannot read {fmt.upper()}: not UTF-8 text", path=path) from None
    except Exception as exc:
        # networkx and the XML parser raise many types (NetworkXError, ParseError, KeyError,
        # TypeError, IndexError...) for a broken file: any of them means the file cannot be read
        raise InputDataError(f"cannot read {fmt.upper()}: {_short(exc)}", path=path) from None
    ids: dict[Any, str] = {}
    for node, data in G.nodes(data=True):
        try:
            aid = parse_actor_id(str(node), platform)
            name = data.get("name") or data.get("label")
            actor = Actor(aid, name=str(name) if name is not None and str(name) != str(node) else None,
                          followers=data.get("followers"))
        except MemoryError:
            raise
        except Exception as exc:
            refuse(bad_row(exc, path, None, f"node {_short_repr(node)}: "), on_bad_row)
            continue
        ids[node] = aid
        yield actor
    edges = G.edges(data=True)
    for i, (u, v, data) in enumerate(edges, 1):
        rep.rows += 1
        try:
            for end in (u, v):
                if end not in ids:
                    raise ValueError(f"node {_short_repr(end)} was refused")
            ts = data.get("timestamp")
            pairs = [(u, v)] if G.is_directed() or u == v else [(u, v), (v, u)]
            counts = _kind_counts(data)
            if counts:  # an influence export: its per-kind counts, not its kind-weighted weight
                recs = [Interaction(ids[a], ids[b], k, ts, None, n) for a, b in pairs for k, n in counts]
            else:
                k = data.get("kind") or kind
                w = data.get("weight", 1.0)
                recs = [Interaction(ids[a], ids[b], k, ts, None, w) for a, b in pairs]
        except MemoryError:
            raise
        except Exception as exc:
            where = f"edge {i} ({_short_repr(u)} -> {_short_repr(v)}): "
            refuse(bad_row(exc, path, None, where), on_bad_row)
            continue
        yield from recs


def _kind_counts(data: dict) -> list[tuple[str, float]]:
    """``(kind, count)`` of an exported edge's ``n_<kind>`` attributes (graphs written by
    ``influence export``), without a ``kind`` attribute; ``[]`` for any other edge."""
    if "kind" in data:
        return []
    out = []
    for key, value in data.items():
        if key.startswith("n_") and key[2:] in KINDS and isinstance(value, (int, float)) and value > 0:
            out.append((key[2:], float(value)))
    return sorted(out)


def _short(exc: BaseException) -> str:
    msg = str(exc)
    if msg in ("", "None"):  # networkx raises some errors without a message
        msg = f"{type(exc).__name__} (the file is not valid)"
    return msg if len(msg) <= 300 else msg[:300] + "..."


def _short_repr(v: Any) -> str:
    r = repr(v)
    return r if len(r) <= 80 else r[:80] + "..."


def _read_gml(path):
    import networkx as nx

    with open_text(path) as fh:
        text = fh.read()
    try:
        return nx.parse_gml(text)
    except nx.NetworkXError as exc:
        # Files such as polblogs.gml list some edges twice without declaring a multigraph.
        if "duplicated" not in str(exc):
            raise
        patched, n = re.subn(r"graph\s*\[", "graph [\n  multigraph 1", text, count=1)
        if not n:
            raise
        return nx.parse_gml(patched)
