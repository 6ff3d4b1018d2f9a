"""Gathering a report's data: :func:`build_report` runs the analyses and keeps their results.

Nothing here writes a file or draws: :func:`build_report` reads an open sector's store, takes
the parts the CLI commands print from the same :class:`influence.pipeline.Analysis` (graph view,
communities, roles, ranking, community summaries and labels, competitor map), adds the reach of
the shortlist and the network-map layout, and returns a :class:`ReportData`, which
:func:`influence.report.render_html` turns into a page. The graph stays a
:class:`influence.measures.GraphView` of the store's arrays throughout (detection, roles,
ranking, community summaries, reach and the map): no networkx graph of the sector is built.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from .layout import MAX_GROUPS, OTHER_COLOR, NetworkMap, community_colors, layout_map

__all__ = [
    "ReportData",
    "Summary",
    "SourceInfo",
    "ShortlistRow",
    "CommunityCard",
    "ReachInfo",
    "build_report",
    "DEFAULT_TOP",
    "DEFAULT_MAP_NODES",
    "DEFAULT_REACH_RUNS",
]

#: Rows of the shortlist table by default.
DEFAULT_TOP = 20
#: Actors drawn on the network map by default.
DEFAULT_MAP_NODES = 300
#: Live-edge worlds of the reach estimates (influence.reach) by default.
DEFAULT_REACH_RUNS = 200


@dataclass(frozen=True)
class SourceInfo:
    """One ``[[sources]]`` entry of the sector file, and what the crawler has done with it."""

    name: str
    type: str
    detail: str  #: its keys other than ``type`` and ``name``, in short
    visited: int | None = None  #: URLs visited (web crawler state), if any
    queued: int | None = None  #: URLs still queued
    first_crawl: str | None = None  #: when it was first crawled (ISO 8601, UTC), if ever
    last_crawl: str | None = None  #: when it was last crawled (ISO 8601, UTC), if ever


@dataclass(frozen=True)
class Summary:
    """The report's first section: where the data comes from and how it was analysed.

    Attributes
    ----------
    sector : str
    origin : str
        What was opened: a sector file, a store file, or the demo.
    sources : tuple of SourceInfo
    counts : dict
        The store's row counts (:meth:`influence.store.Store.counts`).
    graph : dict
        ``nodes``, ``edges`` of the interaction graph, ``ranked`` actors and ``excluded`` ones.
    platforms : tuple of (str, int)
        Actors per platform in the graph.
    posts_window, interactions_window : (str, str) or None
        Dates (UTC) of the first and last dated post / interaction.
    parameters : tuple of (str, str)
        The parameters used, for people (the full set is in the manifest).
    fingerprint : str
        The store's content fingerprint.
    version : str
        influence's version.
    """

    sector: str
    origin: str
    sources: tuple[SourceInfo, ...]
    counts: dict
    graph: dict
    platforms: tuple[tuple[str, int], ...]
    posts_window: tuple[str, str] | None
    interactions_window: tuple[str, str] | None
    parameters: tuple[tuple[str, str], ...]
    fingerprint: str
    version: str


@dataclass(frozen=True)
class ShortlistRow:
    """One row of the shortlist table."""

    rank: int
    actor: str
    name: str
    platform: str
    url: str | None
    score: float
    community: Any
    community_label: str | None
    community_color: str
    role: str | None
    expected_reach: float | None  #: expected actors reached alone (Independent Cascade)
    followers: int | None
    givers: int
    why: str
    contributions: dict  #: measure -> its contribution to the score


@dataclass(frozen=True)
class CommunityCard:
    """One community card: a :class:`influence.communities.CommunitySummary` plus its colour
    and the roles of its members."""

    id: Any
    label: str
    color: str
    size: int
    density: float
    interaction_share: float
    internal_share: float
    leaders: tuple  #: CommunityMember (actor, name, score)
    bridges: tuple  #: CommunityMember (actor, name, participation coefficient)
    terms: tuple[str, ...]
    hashtags: tuple[tuple[str, int], ...]
    platforms: tuple[tuple[str, int], ...]
    languages: tuple[tuple[str, float], ...]
    top_post: Any  #: CommunityPost or None
    top_post_author: str  #: its author's display name
    n_posts: int
    roles: tuple[tuple[str, int], ...]  #: members per role, most first


@dataclass(frozen=True)
class ReachInfo:
    """How far the shortlist reaches, and the reach-aware alternative of the same size.

    Attributes
    ----------
    shortlist_reach : float
        Expected distinct actors the shortlisted actors reach together (seeds counted).
    picks : tuple of influence.reach.ReachPick
        :func:`influence.reach.select_reach` with as many picks as the shortlist has rows, on the
        same live-edge worlds (under ``RIS_MIN_NODES`` actors; from there on RR sets, as the
        selection samples them, and the shortlist's reach on RR sets of its own).
    names : dict
        Actor -> display name, for the picks.
    params : dict
    """

    shortlist_reach: float
    picks: tuple
    names: dict
    params: dict

    @property
    def picks_reach(self) -> float:
        return self.picks[-1].expected_reach if self.picks else 0.0


@dataclass(frozen=True)
class ReportData:
    """Everything a report shows, computed once by :func:`build_report`.

    Attributes
    ----------
    title : str
    summary : Summary
    measures : tuple of (str, str)
        The ranking's measures with weight > 0: ``(key, label)``.
    shortlist : tuple of ShortlistRow
    reach : ReachInfo or None
    network : NetworkMap or None
    communities : tuple of CommunityCard
    competitors : influence.competitors.CompetitorMap or None
    notes : dict
        Section -> why it is empty or partial (``"competitors"``, ``"roles"``, ``"reach"``...).
    manifest : dict
        :func:`influence.manifest.make_manifest` of the run, embedded in the page.
    """

    title: str
    summary: Summary
    measures: tuple[tuple[str, str], ...]
    shortlist: tuple[ShortlistRow, ...]
    reach: ReachInfo | None
    network: NetworkMap | None
    communities: tuple[CommunityCard, ...]
    competitors: Any
    notes: dict = field(default_factory=dict)
    manifest: dict = field(default_factory=dict)


def _date(ts: float | None) -> str | None:
    if ts is None or (isinstance(ts, float) and math.isnan(ts)):
        return None
    return datetime.fromtimestamp(ts, tz=timezone.utc).date().isoformat()


def _window(stamps) -> tuple[str, str] | None:
    lo = hi = None
    for t in stamps:
        if t is None:
            continue
        lo = t if lo is None or t < lo else lo
        hi = t if hi is None or t > hi else hi
    return None if lo is None else (_date(lo), _date(hi))


def _origin(sector) -> str:
    if sector.path is not None:
        return f"sector file {sector.path.name}"
    if sector.store_path == ":memory:" and sector.name == "demo":
        return "the bundled synthetic demo sector (influence.datasets.make_sector)"
    return f"store {sector.store_path}"


def _sources(sector) -> tuple[SourceInfo, ...]:
    from ..crawl.runner import source_name

    crawled = sector.store.crawl_sources() if sector.store is not None else {}
    runs = sector.store.crawl_runs() if sector.store is not None else {}
    out = []
    for i, src in enumerate(sector.sources):
        name = source_name(src, i)
        parts = []
        for k, v in src.items():
            if k in ("type", "name"):
                continue
            if isinstance(v, (list, tuple)):
                shown = ", ".join(str(x) for x in v[:3]) + (f" (+{len(v) - 3} more)" if len(v) > 3 else "")
            else:
                shown = str(v)
            parts.append(f"{k}: {shown}")
        queued, visited = crawled.get(name, (None, None))
        out.append(SourceInfo(name=name, type=str(src.get("type")), detail="; ".join(parts),
                              visited=visited, queued=queued,
                              first_crawl=runs.get(name, (None, None))[0],
                              last_crawl=runs.get(name, (None, None))[1]))
    return tuple(out)


def _competitor_map(analysis, analyzer, competitor_config):
    """The competitor map, or ``(None, note)`` when there is nothing to map."""
    if not analysis.sector.competitors:
        return None, ("No competitors declared: add [[competitors]] tables to the sector file to "
                      "map their topics, calendar, share of voice and reputation.")
    return analysis.competitors(competitor_config, analyzer=analyzer), ""


def build_report(
    sector,
    *,
    config=None,
    top: int = DEFAULT_TOP,
    map_nodes: int = DEFAULT_MAP_NODES,
    seed: int = 0,
    title: str | None = None,
    reach_runs: int = DEFAULT_REACH_RUNS,
    competitor_config=None,
    analyzer: Any = None,
    progress: Callable[[str], None] | Any = None,  # or an influence.progress.Progress
) -> ReportData:
    """Run every analysis of the report on an open sector.

    Parameters
    ----------
    sector : influence.sector.Sector
        Opened with :func:`influence.open_sector` (its store is read, never written).
    config : RankingConfig, optional
        Default: the sector's ``[ranking]``.
    top : int, default=20
        Rows of the shortlist.
    map_nodes : int, default=300
        Actors drawn on the network map (the rest of each community is its disc).
    seed : int, default=0
        Seed of community detection, roles, the reach simulation, the topic model and the map
        layout.
    title : str, optional
        Default: ``"<sector>: opinion leaders and competitors"``.
    reach_runs : int, default=200
        Live-edge worlds of the reach estimates, on graphs under
        :data:`influence.reach.RIS_MIN_NODES` actors; larger ones are estimated on reverse-reachable
        sets (RIS), as ``shortlist --strategy reach`` does there.
    competitor_config : CompetitorConfig, optional
        Default: the defaults with the sector's languages.
    analyzer : sentiment analyser, optional
        As in :func:`influence.competitors.map_competitors`.
    progress : influence.progress.Progress or callable, optional
        Told each step, in order: "Building the interaction graph", "Reading the posts",
        "Detecting communities" (one unit per component), "Assigning roles", "Ranking N actors",
        "Describing communities", "Simulating reach", "Selecting reach" (one unit per pick,
        from :func:`influence.reach.select_reach`), "Laying out the network map", "Mapping competitors" (then the competitor map's
        own steps: "Tagging competitor posts", "Finding topics", "Scoring sentiment"). A plain
        callable gets each step's name.

    Returns
    -------
    ReportData

    Raises
    ------
    EmptyGraphError
        If the sector has no actors to rank.
    ConfigError
        For a bad parameter.
    """
    from .. import __version__
    from ..errors import ConfigError, EmptyGraphError, StoreError
    from ..manifest import make_manifest
    from ..measures import MEASURE_LABELS
    from ..pipeline import Analysis
    from ..ranking import shortlist

    for name, value, lo in (("top", top, 1), ("map_nodes", map_nodes, 1), ("seed", seed, 0),
                            ("reach_runs", reach_runs, 1)):
        if isinstance(value, bool) or not isinstance(value, int) or value < lo:
            raise ConfigError(f"The {name!r} parameter of build_report must be an int >= {lo}. "
                              f"Got {value!r} instead.", key=name)
    if sector.store is None:
        raise StoreError(f"sector {sector.name}: the store is not open (use open_sector)")
    from ..progress import as_progress

    progress = as_progress(progress)  # an influence.progress.Progress, or a callback(message)
    say = progress.step
    cfg = config if config is not None else sector.ranking
    notes: dict[str, str] = {}
    store = sector.store
    # the parts come from the pipeline, as the commands' do: the same partition, ranking and
    # labels as `influence communities` and `influence shortlist --per-community`
    analysis = Analysis(sector, cfg, seed=seed, progress=progress)

    say("Building the interaction graph")
    view = analysis.view
    if view.n == 0:
        raise EmptyGraphError(f"sector {sector.name} has no actors: nothing to report "
                              "(import or crawl data first)")
    say("Reading the posts")
    posts = analysis.posts

    say("Detecting communities")
    partition = analysis.partition()

    say("Assigning roles")
    roles = None
    try:
        roles = analysis.roles()
    except EmptyGraphError as exc:
        notes["roles"] = f"No roles: {exc}."

    say(f"Ranking {view.n:,} actors")
    result = analysis.ranking_with(community=True, roles=roles is not None)
    say("Describing communities")
    summaries = analysis.summaries()
    labels = analysis.labels()
    colors = community_colors(partition.ids)
    # the map draws the MAX_GROUPS largest communities (ids 0, 1, ... by size) in colour, the rest
    # grey: the table and the cards use the same colours
    colors = {c: (OTHER_COLOR if isinstance(c, int) and c >= MAX_GROUPS else col) for c, col in colors.items()}

    entries = shortlist(result, top=top)
    say("Simulating reach")
    ranked_view = analysis.annotated_view(community=True, roles=roles is not None)
    reach, solo = _reach(ranked_view, result, entries, seed=seed, runs=reach_runs, notes=notes,
                         progress=progress)

    urls = store.actor_urls(str(e.actor) for e in entries)
    rows = tuple(
        ShortlistRow(
            rank=e.rank, actor=str(e.actor), name=e.name, platform=e.platform,
            url=urls.get(str(e.actor)), score=e.score, community=e.community,
            community_label=labels.get(e.community), community_color=colors.get(e.community, "#9e9e9e"),
            role=e.role, expected_reach=solo.get(e.actor), followers=e.followers, givers=e.givers,
            why=e.why, contributions={m: s.contribution for m, s in e.measures.items()},
        )
        for e in entries
    )

    role_counts: dict[Any, Counter] = {c: Counter() for c in partition.ids}
    if roles is not None:
        for v, r in roles.roles.items():
            role_counts[partition.get(v, -1)][r] += 1
    names = view.node_values("name")
    node_of = _account_nodes(view)
    cards = tuple(
        CommunityCard(
            id=s.id, label=s.label, color=colors.get(s.id, "#9e9e9e"), size=s.size,
            density=s.density, interaction_share=s.interaction_share,
            internal_share=s.internal_share, leaders=s.leaders, bridges=s.bridges,
            terms=tuple(t for t, _ in s.terms[:8]), hashtags=s.hashtags, platforms=s.platforms,
            languages=s.languages, top_post=s.top_posts[0] if s.top_posts else None,
            top_post_author=_author_name(names, node_of, s.top_posts[0].author) if s.top_posts else "",
            n_posts=s.n_posts, roles=tuple(role_counts.get(s.id, Counter()).most_common()),
        )
        for s in summaries
    )

    say("Laying out the network map")
    competitor_nodes = {v: c or str(names.get(v) or v)
                        for v, c, flag in zip(view.nodes, view.column("competitor"), view.column("is_competitor"))
                        if flag}
    leaders = [m.actor for s in summaries if s.id != -1 for m in s.leaders[:2]]
    bridges = [m.actor for s in summaries for m in s.bridges[:3]]
    network = layout_map(
        view, partition, result.scores(), max_nodes=map_nodes, labels=labels, leaders=leaders,
        bridges=bridges, competitors=competitor_nodes,
        roles=roles.roles if roles is not None else None, seed=seed,
    )

    say("Mapping competitors")
    cmap, note = _competitor_map(analysis, analyzer, competitor_config)
    if note:
        notes["competitors"] = note
    if not posts:
        notes["posts"] = "The store holds no posts: no terms, topics, calendar or top posts."

    counts = store.counts()
    first_i, last_i = store.time_range()
    graph_info = {"nodes": view.n, "edges": view.n_edges,
                  "ranked": len(result), "excluded": dict(result.excluded),
                  "communities": partition.n_communities,
                  "modularity": None if math.isnan(partition.modularity) else partition.modularity}
    platforms = Counter(str(p or str(v).partition(":")[0]) for v, p in zip(view.nodes, view.column("platform")))
    weights = {m: w for m, w in cfg.measures.items() if w > 0}
    params = [
        ("ranking measures", ", ".join(f"{MEASURE_LABELS.get(m, m)} × {w:g}" for m, w in weights.items())),
        ("normalisation", cfg.normalization),
        ("communities", (f"{partition.method}, resolution {partition.resolution:g}, "
                         f"{partition.runs} consensus runs, seed {partition.seed}")),
        ("roles", roles.describe() if roles else "not assigned"),
        ("reach", _reach_method(reach, reach_runs, seed)),
        ("network map", f"top {network.n_shown} of {network.n_actors} actors, seed {seed}"),
    ]
    if cmap is not None:
        params.append(("competitor topics", (f"{cmap.topics.n_topics} NMF topics "
                                             f"({cmap.topics.chosen_by}); "
                                             f"sentiment: {cmap.params.get('analyzer')}"
                                             + (f"; {cmap.topics.note}" if cmap.topics.note
                                                else ""))))
    manifest = make_manifest(
        command="report", sector=sector, config=cfg, seed=seed, top=top, map_nodes=map_nodes,
        communities=partition.params(), roles=None if roles is None else {"k": roles.k, "seed": seed},
        reach=None if reach is None else reach.params,
        competitors=None if cmap is None else cmap.params,
    )
    summary = Summary(
        sector=sector.name, origin=_origin(sector), sources=_sources(sector), counts=counts,
        graph=graph_info,
        platforms=tuple(sorted(platforms.items(), key=lambda kv: (-kv[1], kv[0]))),
        posts_window=_window(p.timestamp for p in posts),
        interactions_window=None if first_i is None else (_date(first_i), _date(last_i)),
        parameters=tuple(params), fingerprint=manifest.get("store_fingerprint", ""),
        version=__version__,
    )
    return ReportData(
        title=title or f"{sector.name}: opinion leaders and competitors",
        summary=summary,
        measures=tuple((m, MEASURE_LABELS.get(m, m)) for m in weights),
        shortlist=rows, reach=reach, network=network, communities=cards, competitors=cmap,
        notes=notes, manifest=manifest,
    )


def _account_nodes(view) -> dict:
    """Account -> node for the accounts merged into a node (post authors are accounts)."""
    from ..pipeline import account_nodes

    return account_nodes(view)


def _author_name(names: dict, node_of: dict, account: str) -> str:
    """A post author's display name: its node's ``name`` (merged accounts belong to one node)."""
    node = node_of.get(account, account)
    return str(names.get(node) or account)


def _reach_method(reach, runs: int, seed: int) -> str:
    if reach is None:
        return "not simulated"
    if reach.params.get("estimate") == "rr_sets":
        from ..reach import RIS_MIN_NODES

        return (f"Independent Cascade, weighted cascade, {reach.params['estimate_sets']:,} reverse-reachable "
                f"sets (RIS, used from {RIS_MIN_NODES:,} actors up), seed {seed}")
    return f"Independent Cascade, weighted cascade, {runs} live-edge worlds, seed {seed}"


def _reach(view, result, entries, *, seed: int, runs: int, notes: dict, progress=None):
    """Each shortlisted actor's expected reach alone, the shortlist's together, and the
    reach-aware pick of the same size (all on the same live-edge worlds); ``progress`` sees
    "Simulating reach" and "Selecting reach" from :func:`select_reach`."""
    from ..reach import (
        RIS_MIN_NODES,
        RIS_MIN_SETS,
        relay_blocks,
        sample_rr_sets,
        sample_worlds,
        select_reach,
        spread,
    )

    if not entries:
        notes["reach"] = "No shortlisted actors: no reach to simulate."
        return None, {}
    if view.n_edges == 0:
        notes["reach"] = "The graph has no interactions: nobody reaches anybody."
        return None, {}
    if view.n >= RIS_MIN_NODES:
        # as `shortlist --strategy reach` at this size: RR sets, not live-edge worlds (200 worlds of
        # a million actors took minutes and gigabytes); the estimates on their own RR sets, with
        # the same actors blocked from relaying as the selection's
        picked = select_reach(view, len(entries), ranking=result, seed=seed, progress=progress)
        blocks = relay_blocks(view, patterns=getattr(result.config, "exclude_patterns", None))
        R = sample_rr_sets(view, max(int(picked.params.get("theta") or 0), RIS_MIN_SETS), seed=seed,
                           no_relay=blocks)
        at = {v: i for i, v in enumerate(R.nodes)}
        solo = {e.actor: R.spread([at[e.actor]]) for e in entries}
        together = R.spread([at[e.actor] for e in entries])
        estimate = {"estimate": "rr_sets", "estimate_sets": len(R)}
    else:
        worlds = sample_worlds(view, runs=runs, seed=seed)
        solo = {e.actor: spread(view, [e.actor], worlds=worlds) for e in entries}
        together = spread(view, [e.actor for e in entries], worlds=worlds)
        picked = select_reach(view, len(entries), ranking=result, worlds=worlds, progress=progress)
        estimate = {"estimate": "worlds", "runs": runs}
    names = view.node_values("name")
    names = {a: str(names.get(a) or a) for a in picked.actors}
    params = {**picked.params, **estimate, "shortlist": len(entries)}
    return ReachInfo(shortlist_reach=together, picks=picked.picks, names=names, params=params), solo
