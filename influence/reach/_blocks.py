"""Who passes reach on: relay_blocks (competitors, brand accounts, patterns) and the relay mask
over a graph's nodes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    pass
from ._common import node_attribute

# -- relays ----------------------------------------------------------------------------------------


def relay_blocks(G, *, patterns: Iterable[str] | None = None, competitors: bool = True) -> dict:
    """The actors who must not pass reach on: ``{actor: reason}``.

    A brand that replies to a customer is doing customer service; it does not make the customer
    influential. So declared competitors (node attribute ``is_competitor`` or ``competitor``,
    reason ``"competitor"``) and the actors ``filters.exclude`` names (``patterns``, matched
    case-insensitively on the id and on every merged account, as :func:`influence.rank` matches
    them; reason ``"filters.exclude"``: your own brand, media and shop accounts) are blocked as
    relays. A blocked actor can still be reached, and is counted when it is; it passes nothing on
    to its own audience, except as a seed.

    Parameters
    ----------
    G : networkx.Graph or GraphView
    patterns : iterable of str, optional
        ``filters.exclude`` patterns (``RankingConfig.exclude_patterns``).
    competitors : bool, default=True

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.DiGraph([("ana", "brand"), ("brand", "luis"), ("eva", "shop:x")])
    >>> G.nodes["brand"]["is_competitor"] = True
    >>> relay_blocks(G, patterns=["shop:*"])
    {'brand': 'competitor', 'shop:x': 'filters.exclude'}
    """
    out: dict = {}
    if competitors:
        from ..measures import GraphView

        if isinstance(G, GraphView):  # its columns, tested as arrays: a million nodes at scale
            hit = (np.asarray(G.column("is_competitor"), dtype=object).astype(bool)
                   | np.asarray(G.column("competitor"), dtype=object).astype(bool)) if G.n else []
            nodes = G.nodes
            out.update((nodes[i], "competitor") for i in np.flatnonzero(hit).tolist())
        else:
            flag, name = node_attribute(G, "is_competitor"), node_attribute(G, "competitor")
            for v in G.nodes:
                if flag.get(v) or name.get(v):
                    out[v] = "competitor"
    patterns = [str(x).lower() for x in patterns or ()]
    if patterns:
        import fnmatch
        import re

        rx = re.compile("|".join(f"(?:{fnmatch.translate(x)})" for x in patterns))
        accounts = node_attribute(G, "accounts")
        for v in G.nodes:
            if v not in out and any(rx.match(x.lower()) for x in [str(v), *str(accounts.get(v) or "").split()]):
                out[v] = "filters.exclude"
    return out


def relay_mask(G, nodes: list, no_relay) -> tuple[np.ndarray | None, dict]:
    """``(relay, counts)``: the boolean "passes reach on" mask over ``nodes`` (None when everyone
    does) and how many actors are blocked by reason. ``no_relay`` None means ``relay_blocks(G)``."""
    if no_relay is None:
        no_relay = relay_blocks(G)
    if not isinstance(no_relay, Mapping):
        no_relay = dict.fromkeys(no_relay, "no_relay")
    if not no_relay:
        return None, {}
    relay = np.ones(len(nodes), dtype=bool)
    counts: dict = {}
    for i, v in enumerate(nodes):
        if v in no_relay:
            relay[i] = False
            reason = str(no_relay[v])
            counts[reason] = counts.get(reason, 0) + 1
    return (relay if not relay.all() else None), counts
