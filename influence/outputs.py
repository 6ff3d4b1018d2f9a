"""What the analysis commands print: the shortlist and overlap tables and the rows they hold.

:class:`influence.pipeline.Analysis` composes the analysis; this module turns its parts into
output rows: :class:`Shortlist` and :func:`reach_rows` (``influence shortlist``, by score, under
constraints with :func:`constrained_top`, or by reach), :class:`OverlapTable` and
:func:`overlap_rows` (``influence overlap``), and the actor lookups the commands share
(:func:`resolve_actors`, :func:`account_nodes`, :func:`inactive_exclusions`). Every name here is
also importable from :mod:`influence.pipeline`, where it was first defined.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .errors import ConfigError

if TYPE_CHECKING:  # pragma: no cover
    from .measures import GraphView

__all__ = [
    "DEFAULT_RUNS",
    "MAX_OVERLAP_ACTORS",
    "REACH_COLUMNS",
    "STRATEGIES",
    "OverlapTable",
    "Shortlist",
    "account_nodes",
    "constrained_top",
    "inactive_exclusions",
    "overlap_rows",
    "reach_rows",
    "reach_selection",
    "resolve_actors",
]

#: Live-edge worlds of the reach strategies by default (influence.reach.DEFAULT_RUNS).
DEFAULT_RUNS = 1000
#: Shortlist strategies: by score, the reach-maximising set, score balanced with diversity.
STRATEGIES = ("score", "reach", "diverse")
#: Columns of the reach and diverse shortlists, in order.
REACH_COLUMNS = ("rank", "actor", "name", "platform", "score", "community", "expected_reach",
                 "marginal_gain", "overlap", "audience_overlap", "top_relay", "top_relay_share", "why")
#: Most actors one overlap matrix holds (their audiences are compared densely).
MAX_OVERLAP_ACTORS = 200


@dataclass(frozen=True)
class Shortlist:
    """What :meth:`Analysis.shortlist` selects: the rows ``influence shortlist`` prints.

    Attributes
    ----------
    rows : tuple of dict
        One per actor, the CLI's JSON rows: a :class:`influence.ranking.RankedActor` as a dict
        (``strategy="score"``), or :data:`REACH_COLUMNS` (``"reach"``, ``"diverse"``).
    strategy : str
    ranking : RankingResult
        The ranking the rows come from.
    asked : int
        How many actors were asked for (``top``, 20 for the reach strategies when ``top`` is 0;
        0: all of them).
    notes : tuple of str
        What the person running it should know (constraints applied, memory cuts, dominant
        relays).
    params : dict
        The parameters of the run, for a manifest.
    """

    rows: tuple
    strategy: str
    ranking: Any
    asked: int
    notes: tuple = ()
    params: dict = field(default_factory=dict)

    def to_records(self) -> list[dict]:
        """The rows as new dicts (what ``influence shortlist -f json`` prints)."""
        return [dict(r) for r in self.rows]

    @property
    def actors(self) -> list:
        return [r["actor"] for r in self.rows]

    def __len__(self) -> int:
        return len(self.rows)


@dataclass(frozen=True)
class OverlapTable:
    """Audience overlap of a set of actors (:meth:`Analysis.overlap`).

    Attributes
    ----------
    actors : tuple
        In row order.
    rows : tuple of dict
        ``influence overlap -f json``'s rows: ``rank``, ``actor``, ``name``, ``audience``,
        ``max_overlap``, ``max_with``, ``shared_with_max`` and ``overlap`` (``{actor: value}``).
    weighted : bool
        Weighted Jaccard rather than Jaccard.
    strategy : str or None
        How the actors were chosen (None when named).
    """

    actors: tuple
    rows: tuple
    weighted: bool
    strategy: str | None

    def to_records(self) -> list[dict]:
        return [{**r, "overlap": dict(r["overlap"])} for r in self.rows]

    def value(self, a, b) -> float:
        """The overlap of two listed actors."""
        return self.rows[self.actors.index(a)]["overlap"][b]


def reach_selection(view_or_graph, result, k: int, *, seed: int | None = 0, runs: int = DEFAULT_RUNS,
                    strategy: str = "reach", model: str = "ic", p: float | None = None,
                    method: str = "auto", exclude: Mapping | None = None, quotas: Iterable | None = None,
                    progress=None):
    """The picks :func:`reach_rows` shows: :func:`influence.reach.select_reach` (or
    :func:`influence.reach.select_diverse`) with the same arguments, ``seed`` None meaning 0."""
    from .reach import select_diverse, select_reach

    seed = 0 if seed is None else seed
    if strategy == "diverse":
        return select_diverse(view_or_graph, k, ranking=result, runs=runs, seed=seed, model=model, p=p,
                              exclude=exclude, quotas=quotas, progress=progress)
    return select_reach(view_or_graph, k, ranking=result, runs=runs, seed=seed, model=model, p=p,
                        method=method, exclude=exclude, quotas=quotas, progress=progress)


def reach_rows(view_or_graph, result, k: int, *, seed: int | None = 0, runs: int = DEFAULT_RUNS,
               strategy: str = "reach", model: str = "ic", p: float | None = None, method: str = "auto",
               exclude: Mapping | None = None, quotas: Iterable | None = None,
               notes: list | None = None, progress=None, selection=None) -> list[dict[str, Any]]:
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
    selection : influence.reach.ReachResult, optional
        The picks, made already by :func:`reach_selection` (the other selection arguments are
        then ignored). The selection reads only ``result``'s scores and filters, so it can be
        made on the ranking of the plain view while the communities are detected, and the rows
        then show ``result``, the ranking with them (the same configuration: the same scores).

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
    res = selection if selection is not None else reach_selection(
        view_or_graph, result, k, seed=seed, runs=runs, strategy=strategy, model=model, p=p, method=method,
        exclude=exclude, quotas=quotas, progress=progress)
    if notes is not None:
        prm = res.params
        if "runs_reduced_from" in prm:
            notes.append(f"reaches are large under this model: CELF used {prm['runs']} worlds, not "
                         f"{prm['runs_reduced_from']}, to fit in memory")
        if "switched" in prm:
            notes.append("reaches are large under this model: RIS was used instead of CELF, to fit in memory")
        if "theta_reduced_from" in prm:
            notes.append(f"reaches are large under this model: RIS used {prm['theta']} RR sets, not "
                         f"{prm['theta_reduced_from']}, to fit in memory")
        if prm.get("no_relay"):
            blocked = prm["no_relay"]
            notes.append(f"{' and '.join(f'{n} {kind}' for kind, n in blocked.items())} "
                         f"account{'s' if sum(blocked.values()) > 1 else ''} relay no reach (reached and "
                         "counted, they pass nothing on to their own audience)")
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
    """``({actor: "inactive"}, reference)`` for ``active_days``: actors with no post or given
    attention in the ``days`` days before the sector's latest dated activity (the reference,
    epoch seconds; None when nothing is dated)."""
    if days is None:
        return {}, None
    from .reach import inactive_actors, last_activity

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
    from .reach import constrained

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


def account_nodes(view: GraphView) -> dict:
    """``{account: node}`` for the accounts merged into a node (its ``accounts`` column, as
    :func:`influence.build_graph` sets it); a node's own id is not listed."""
    out: dict = {}
    for node, text in view.node_values("accounts").items():
        for a in str(text).split():
            out.setdefault(a, node)
    return out


def resolve_actors(view: GraphView, wanted: Iterable) -> list:
    """Node ids for the ids given: a node id, or one of the accounts merged into a node.

    Raises
    ------
    ConfigError
        For an unknown id (with the closest ids) or one listed twice.
    """
    by_account = account_nodes(view)
    nodes = view.index
    out: list = []
    for a in wanted:
        node = a if a in nodes else by_account.get(a)
        if node is None:
            near = difflib.get_close_matches(str(a), [str(v) for v in view.nodes], n=3, cutoff=0.6)
            hint = f" (did you mean {', '.join(near)}?)" if near else " (use the ids `influence shortlist` prints)"
            raise ConfigError(f"unknown actor {a!r}: not in this sector's graph{hint}", key="actors")
        if node in out:
            raise ConfigError(f"actor {a!r} is listed twice" + (f" (as {node!r})" if node != a else ""),
                              key="actors")
        out.append(node)
    return out


def overlap_rows(view: GraphView, actors: Sequence, *, weighted: bool = False,
                 names: Mapping | None = None) -> list[dict]:
    """One row per actor: its audience size, its largest overlap with another listed actor (and
    the number of givers they share), and its overlap with each of them (``overlap``:
    ``{actor: value}``), from :func:`influence.reach.overlap_matrix`."""
    from .reach import overlap_matrix

    actors = list(actors)
    jac = overlap_matrix(view, actors)
    M = overlap_matrix(view, actors, weighted=True) if weighted else jac
    index = view.index
    sizes = [int(view.givers[index[a]]) for a in actors]  # distinct givers, self-attention left out
    names = names or {}
    rows = []
    for i, a in enumerate(actors):
        others = [j for j in range(len(actors)) if j != i]
        j = max(others, key=lambda j: (M[i, j], -j)) if others else None
        shared = None
        if j is not None:  # Jaccard = shared / (|A| + |B| - shared)
            x = float(jac[i, j])
            shared = round(x * (sizes[i] + sizes[j]) / (1.0 + x))
        rows.append({
            "rank": i + 1,
            "actor": a,
            "name": names.get(a, a),
            "audience": sizes[i],
            "max_overlap": round(float(M[i, j]), 4) if j is not None else None,
            "max_with": actors[j] if j is not None else None,
            "shared_with_max": shared,
            "overlap": {b: round(float(M[i, k]), 4) for k, b in enumerate(actors)},
        })
    return rows
