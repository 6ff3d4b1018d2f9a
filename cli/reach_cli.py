"""Rows of the reach-aware shortlist (``influence shortlist --strategy reach``).

The command wiring lives with ``influence shortlist``; this module only turns a ranking and the
graph it was made from into output rows, with :func:`influence.reach.select_reach`.
"""

from __future__ import annotations

from typing import Any

#: Columns of the reach shortlist, in order.
REACH_COLUMNS = ("rank", "actor", "name", "platform", "score", "community", "expected_reach",
                 "marginal_gain", "overlap", "why")


def reach_rows(view_or_graph, result, k: int, *, seed: int | None = 0, runs: int = 200) -> list[dict[str, Any]]:
    """The ``k`` picks of the reach strategy as output rows.

    Parameters
    ----------
    view_or_graph : networkx.DiGraph or influence.measures.GraphView
        The graph ``result`` ranks.
    result : influence.ranking.RankingResult
        Its top :data:`influence.reach.DEFAULT_POOL` actors are the candidates (its filters, e.g.
        competitors excluded, already applied).
    k : int
        Number of picks.
    seed : int, default=0
        Seed of the live-edge worlds (``None`` means 0, so the output is reproducible).
    runs : int, default=200
        Live-edge worlds simulated.

    Returns
    -------
    list of dict
        Keys :data:`REACH_COLUMNS`: ``expected_reach`` is the expected unique reach of the picks
        so far, ``marginal_gain`` what this pick adds, ``overlap`` the share of this pick's own
        expected reach that the previous picks already reach.

    Examples
    --------
    >>> import networkx as nx
    >>> from influence import rank

    Every giver here gives all its attention to one actor, so every cascade edge fires:

    >>> G = nx.DiGraph([(u, "x") for u in "abc"] + [("d", "z"), ("e", "z")])
    >>> rows = reach_rows(G, rank(G), 2, seed=0, runs=20)
    >>> [(r["actor"], r["expected_reach"], r["marginal_gain"], r["overlap"]) for r in rows]
    [('x', 4.0, 4.0, 0.0), ('z', 7.0, 3.0, 0.0)]
    """
    from influence.reach import select_reach

    res = select_reach(view_or_graph, k, ranking=result, runs=runs, seed=0 if seed is None else seed)
    entries = {e.actor: e for e in result.entries}
    rows = []
    for pick in res.picks:
        e = entries[pick.actor]
        why = (f"reaches ~{pick.solo_reach:.1f} actors alone, adds {pick.marginal_gain:.1f} new"
               + (f" ({pick.overlap:.0%} already reached by earlier picks)" if pick.rank > 1 else "")
               + f"; {e.why}")
        rows.append({
            "rank": pick.rank,
            "actor": pick.actor,
            "name": e.name,
            "platform": e.platform,
            "score": e.to_dict(detail=False)["score"],
            "community": e.community,
            "expected_reach": round(pick.expected_reach, 3),
            "marginal_gain": round(pick.marginal_gain, 3),
            "overlap": round(pick.overlap, 4),
            "why": why,
        })
    return rows
