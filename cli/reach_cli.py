"""Rows of the reach-aware shortlist (``influence shortlist --strategy reach|diverse``) and its
constraints (``--active-days``, ``--quota``).

The command wiring lives with ``influence shortlist``; this module turns a ranking and the graph it
was made from into output rows, with :func:`influence.reach.select_reach` or
:func:`influence.reach.select_diverse`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

#: influence.reach.DEFAULT_RUNS, without importing numpy at CLI start-up.
DEFAULT_RUNS = 1000

#: Columns of the reach and diverse shortlists, in order.
REACH_COLUMNS = ("rank", "actor", "name", "platform", "score", "community", "expected_reach",
                 "marginal_gain", "overlap", "audience_overlap", "top_relay", "top_relay_share", "why")


def reach_rows(view_or_graph, result, k: int, *, seed: int | None = 0, runs: int = DEFAULT_RUNS,
               strategy: str = "reach", model: str = "ic", p: float | None = None, method: str = "auto",
               exclude: Mapping | None = None, quotas: Iterable | None = None,
               notes: list | None = None, progress=None) -> list[dict[str, Any]]:
    """The ``k`` picks of the reach (or diverse) strategy as output rows.

    Parameters
    ----------
    view_or_graph : networkx.DiGraph or influence.measures.GraphView
        The graph ``result`` ranks.
    result : influence.ranking.RankingResult
        The candidates are its actors (its filters, e.g. competitors excluded, already applied):
        the top :data:`influence.reach.DEFAULT_POOL` for CELF and ``diverse``, all of them for RIS.
    k : int
        Number of picks.
    seed : int, default=0
        Seed of the simulation (``None`` means 0, so the output is reproducible).
    runs : int, default=1000
        Live-edge worlds simulated (CELF, and measuring the ``diverse`` picks).
    strategy : {"reach", "diverse"}, default="reach"
    model, p, method
        See :func:`influence.reach.select_reach` (``p``: per-interaction IC probability, ``None``
        for the weighted cascade).
    exclude, quotas
        More actors to leave out (``{actor: reason}``) and maxima (:class:`influence.reach.Quota`).
    notes : list, optional
        Receives one line for each way the selection was cut down to fit memory (fewer worlds,
        RIS instead of CELF, fewer RR sets), and one for each pick that owes more than half of its
        reach to one relay, for the person at the terminal.
    progress : influence.progress.Progress, optional
        Passed to the selection (one unit per pick).

    Returns
    -------
    list of dict
        Keys :data:`REACH_COLUMNS`: ``expected_reach`` is the expected unique reach of the picks
        so far, ``marginal_gain`` what this pick adds, ``overlap`` the share of this pick's own
        expected reach that the previous picks already reach, ``audience_overlap`` its largest
        audience Jaccard with a previous pick, ``top_relay`` the actor its reach depends on most
        and ``top_relay_share`` the share of its reach it would lose if that actor did not pass
        it on (see :func:`influence.reach.relay_breakdown`); ``why`` says why it was picked and
        through whom its reach goes. Competitors and ``filters.exclude`` actors relay nothing
        (:func:`influence.reach.relay_blocks`).

    Examples
    --------
    >>> import networkx as nx
    >>> from influence import rank

    Every giver here gives all its attention to one actor, so every cascade edge fires:

    >>> G = nx.DiGraph([(u, "x") for u in "abc"] + [("d", "z"), ("e", "z")])
    >>> rows = reach_rows(G, rank(G), 2, seed=0, runs=20)
    >>> [(r["actor"], r["expected_reach"], r["marginal_gain"], r["overlap"]) for r in rows]
    [('x', 4.0, 4.0, 0.0), ('z', 7.0, 3.0, 0.0)]
    >>> rows[0]["why"].split(";")[0]
    'largest marginal gain left: reaches ~4.0 actors alone (3.0 of its audience directly), adds 4.0 new'
    """
    from influence.reach import select_diverse, select_reach

    seed = 0 if seed is None else seed
    if strategy == "diverse":
        res = select_diverse(view_or_graph, k, ranking=result, runs=runs, seed=seed, model=model, p=p,
                             exclude=exclude, quotas=quotas, progress=progress)
    else:
        res = select_reach(view_or_graph, k, ranking=result, runs=runs, seed=seed, model=model, p=p,
                           method=method, exclude=exclude, quotas=quotas, progress=progress)
    if notes is not None:
        p = res.params
        if "runs_reduced_from" in p:
            notes.append(f"reaches are large under this model: CELF used {p['runs']} worlds, not "
                         f"{p['runs_reduced_from']}, to fit in memory")
        if "switched" in p:
            notes.append("reaches are large under this model: RIS was used instead of CELF, to fit in memory")
        if "theta_reduced_from" in p:
            notes.append(f"reaches are large under this model: RIS used {p['theta']} RR sets, not "
                         f"{p['theta_reduced_from']}, to fit in memory")
    if notes is not None and res.params.get("no_relay"):
        blocked = res.params["no_relay"]
        notes.append(f"{' and '.join(f'{n} {k}' for k, n in blocked.items())} "
                     f"account{'s' if sum(blocked.values()) > 1 else ''} relay no reach (reached and counted, "
                     "they pass nothing on to their own audience)")
    wanted = set(res.actors)
    entries = {}
    for e in result:  # entries are built lazily: stop once every pick is found
        if e.actor in wanted:
            entries[e.actor] = e
            if len(entries) == len(wanted):
                break
    rows = []
    for pick in res.picks:
        e = entries[pick.actor]
        r = pick.relays
        if notes is not None and r is not None and r.dominated:
            notes.append(f"{pick.actor} owes {r.top_share:.0%} of its reach to {r.top}: if that is a brand, "
                         "media or shop account, list it in filters.exclude so that it relays nothing")
        why = (f"{pick.reason}: reaches ~{pick.solo_reach:.1f} actors alone"
               + (f" ({r.describe()})" if r is not None else "")
               + f", adds {pick.marginal_gain:.1f} new"
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
            "audience_overlap": round(pick.audience_overlap, 4),
            "top_relay": r.top if r is not None else None,
            "top_relay_share": round(r.top_share, 4) if r is not None else None,
            "why": why,
        })
    return rows


def inactive_exclusions(store, view_or_graph, days: float | None) -> tuple[dict, float | None]:
    """``({actor: "inactive"}, reference)`` for ``--active-days``: actors with no post or given
    attention in the ``days`` days before the sector's latest dated activity (the reference,
    epoch seconds; None when nothing is dated)."""
    if days is None:
        return {}, None
    from influence.reach import inactive_actors, last_activity

    latest = last_activity(store)
    if not latest:
        return {}, None
    reference = max(latest.values())
    gone = inactive_actors(view_or_graph, latest, days, reference=reference)
    return dict.fromkeys(gone, "inactive"), reference


def constrained_top(result, top: int, *, exclude: Mapping, quotas, view_or_graph) -> list[dict[str, Any]]:
    """The ``score`` strategy under constraints: the best-ranked actors that are not excluded
    and fit the quotas, in ranking order (``top`` 0: all of them), ranked 1, 2, ... with the
    ranking's own rank kept as ``ranking_rank``."""
    from influence.reach import constrained

    entries = {}

    def actors():
        for e in result:  # built lazily: stops with the last pick
            entries[e.actor] = e
            yield e.actor

    rows = []
    for i, a in enumerate(constrained(view_or_graph, actors(), top, exclude=exclude, quotas=quotas), 1):
        d = entries[a].to_dict()
        rows.append({"rank": i, "ranking_rank": d["rank"], **{c: v for c, v in d.items() if c != "rank"}})
    return rows
