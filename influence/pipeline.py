"""The analysis pipeline: the one place where a sector's analysis is composed.

The flow, left to right; each part is computed on first use and kept::

    sector ─► graph (GraphArrays, GraphView) ─► communities (Partition) ─► ranking ─► roles
           │                                    └► summaries, labels        │
           │                                                                ├► shortlist (score,
           │                                                                │   per community,
           │                                                                │   reach, diverse)
           │                                                                └► overlap
           └► competitor map

:func:`analyze` opens a sector and returns an :class:`Analysis`. Its methods return what the
CLI commands print: the CLI is a thin layer over them (it parses options, draws progress and
writes the rows), and :func:`influence.report.build_report` reads the same parts, so a
community has the same label in ``influence communities``, ``influence shortlist
--per-community`` and the report.

========================================================= ==============================================
command                                                   Python
========================================================= ==============================================
``influence rank S --top 50 -f json``                     ``analyze(S).ranking.to_records(50)``
``influence shortlist S --top 20 -f json``                ``analyze(S).shortlist(20).to_records()``
``influence shortlist S --strategy reach --top 10``       ``analyze(S).shortlist(10, strategy="reach")``
``influence shortlist S --per-community 3``               ``analyze(S).shortlist(per_community=3)``
``influence communities S --seed 0 -f json``              ``analyze(S, seed=0).communities()``
``influence overlap S --top 10 -f json``                  ``analyze(S).overlap(top=10).to_records()``
``influence competitors S --seed 0 -f json``              ``analyze(S, seed=0).competitors().to_dict()``
========================================================= ==============================================

Node annotations flow explicitly: the partition becomes the ``community`` column of a new view
(:meth:`influence.measures.GraphView.with_columns`), which the ranking and the reach selection
read; labels and roles become ``community_label`` and ``role`` columns the same way. No part
changes the graph arrays or another part.

Examples
--------
>>> import influence
>>> with influence.analyze("demo") as a:
...     top = a.shortlist(3).to_records()
...     labels = a.labels()
>>> [row["rank"] for row in top]
[1, 2, 3]
>>> all(row["community"] in labels for row in top)
True
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any


from .errors import ConfigError, EmptyGraphError

if TYPE_CHECKING:  # pragma: no cover
    from .communities import CommunitySummary, Partition
    from .competitors import CompetitorMap
    from .config import RankingConfig
    from .measures import GraphView
    from .ranking import RankingResult
    from .roles import RoleAssignment
    from .sector import Sector

__all__ = [
    "MAX_OVERLAP_ACTORS",
    "REACH_COLUMNS",
    "STRATEGIES",
    "Analysis",
    "OverlapTable",
    "Shortlist",
    "account_nodes",
    "analyze",
    "constrained_top",
    "inactive_exclusions",
    "overlap_rows",
    "reach_rows",
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
#: Languages of the community terms when the sector names none.
DEFAULT_LANGUAGES = ("es", "en")


def analyze(
    sector: Sector | str | os.PathLike,
    config: RankingConfig | Mapping | None = None,
    *,
    seed: int | None = None,
    communities: bool = True,
    progress: Any = None,
) -> Analysis:
    """Analyse a sector: every part computed on first use, once.

    Parameters
    ----------
    sector : Sector, str or path-like
        An open :class:`influence.sector.Sector`, or what the CLI's SECTOR argument takes: a
        sector file, a store file or ``"demo"`` (opened read-only; close the analysis, or use it
        as a context manager, to close it).
    config : RankingConfig or mapping, optional
        Graph and ranking parameters. Default: the sector's ``[ranking]`` table. A mapping is
        read with :meth:`RankingConfig.from_dict`.
    seed : int, optional
        Seed of everything randomised: the ranking's sampled measures (it replaces
        ``config.seed``, as the CLI's ``--seed`` does), community detection, roles, the reach
        simulation, the topic model, and the demo sector. Default: ``config.seed`` (0 if None).
    communities : bool, default=True
        Rank with the communities detected (``community`` in every entry, "across N
        communities" in the reasons), as the CLI does unless ``--no-communities``.
    progress : influence.progress.Progress or callable, optional
        Told each step ("Building the graph", "Detecting communities", "Ranking N actors"...).

    Returns
    -------
    Analysis

    Raises
    ------
    SectorFileError, StoreError
        If ``sector`` names a missing or invalid sector file or store.
    ConfigError
        For a bad ``config`` or ``seed``.
    """
    from .config import RankingConfig
    from .progress import as_progress
    from .sector import Sector, open_sector

    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
        raise ConfigError(f"seed must be a whole number >= 0 or None, got {seed!r}", key="seed")
    owned = not isinstance(sector, Sector)
    if owned:
        sector = open_sector(sector, seed=seed or 0)
    try:
        if sector.store is None:
            from .errors import StoreError

            raise StoreError(f"sector {sector.name}: the store is not open (use open_sector)")
        if config is None:
            cfg = sector.ranking
        elif isinstance(config, RankingConfig):
            cfg = config
        elif isinstance(config, Mapping):
            cfg = RankingConfig.from_dict(config)
        else:
            raise TypeError(f"config must be a RankingConfig, a mapping or None, got {type(config).__name__}")
        if seed is not None:
            cfg = cfg.with_values({"seed": seed})
    except BaseException:
        if owned:
            sector.close()
        raise
    return Analysis(sector, cfg, communities=bool(communities), progress=as_progress(progress), owns=owned)


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


class Analysis:
    """A sector's analysis, computed part by part on first use (see :func:`analyze`).

    Attributes
    ----------
    sector : Sector
    config : RankingConfig
    seed : int
        The seed of communities, roles, reach and topics (:func:`analyze` also makes it the
        ranking's ``config.seed``).
    with_communities : bool
        Whether :attr:`ranking` carries the communities.
    """

    def __init__(self, sector: Sector, config: RankingConfig, *, seed: int | None = None,
                 communities: bool = True, progress: Any = None, owns: bool = False):
        from .progress import as_progress

        self.sector = sector
        self.config = config
        # the seed of communities, roles, reach and topics; the ranking's own is config.seed
        # (analyze() makes them one)
        self.seed = int(seed) if seed is not None else int(config.seed) if config.seed is not None else 0
        self.with_communities = communities
        self.progress = as_progress(progress)
        self._owns = owns
        self._partitions: dict = {}
        self._summaries: dict = {}
        self._roles: dict = {}
        self._rankings: dict = {}
        self._views: dict = {}
        self._competitors: dict = {}
        self._graph = None

    def __repr__(self) -> str:
        return f"<Analysis of sector {self.sector.name!r}, seed {self.seed}>"

    # -- life cycle ------------------------------------------------------------------------------

    def close(self) -> None:
        """Close the sector if :func:`analyze` opened it."""
        if self._owns:
            self.sector.close()

    def __enter__(self) -> Analysis:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- the graph -------------------------------------------------------------------------------

    @cached_property
    def arrays(self):
        """The interaction graph as arrays (:func:`influence.graph.build_arrays` with the
        sector's competitors and keywords)."""
        from .graph import build_arrays

        self.progress.step("Building the graph")
        s = self.sector
        return build_arrays(s.store, self.config, competitors=s.competitor_map(), keywords=s.keywords)

    @cached_property
    def view(self) -> GraphView:
        """The graph as a :class:`influence.measures.GraphView` of :attr:`arrays`, without the
        annotations (see :meth:`annotated_view`)."""
        from .measures import GraphView

        return GraphView.from_arrays(self.arrays)

    def graph(self):
        """The whole graph as a networkx DiGraph (built on first use: the summaries and roles
        need it; nothing else does). See :meth:`drop_graph`."""
        if self._graph is None:
            from .graph import to_networkx

            self._graph = to_networkx(self.arrays)
        return self._graph

    def drop_graph(self) -> None:
        """Forget the networkx graph of :meth:`graph` (it is rebuilt if asked for again): on a
        large sector it is the biggest object of an analysis, and the parts that read it keep
        their results."""
        self._graph = None

    @cached_property
    def posts(self) -> list:
        """The sector's posts (terms, hashtags, roles and labels read them)."""
        return list(self.sector.store.posts())

    @property
    def languages(self) -> tuple:
        return tuple(self.sector.languages) or DEFAULT_LANGUAGES

    # -- communities -----------------------------------------------------------------------------

    def partition(self, *, method: str = "louvain", resolution: float = 1.0, min_size: int = 5,
                  runs: int = 10, projection: str = "sum") -> Partition:
        """The communities (:func:`influence.detect_communities` on :attr:`view`, seeded with
        :attr:`seed`); the defaults are the ones every command uses."""
        key = _detection_key(method=method, resolution=resolution, min_size=min_size, runs=runs,
                             projection=projection)
        if key not in self._partitions:
            from .communities import detect_communities

            self.progress.step("Detecting communities")  # an empty graph: EmptyGraphError
            self._partitions[key] = detect_communities(
                self.view, method=method, resolution=resolution, seed=self.seed, min_size=min_size,
                runs=runs, projection=projection, progress=self.progress)
        return self._partitions[key]

    def summaries(self, *, top: int = 5, n_terms: int = 10, **detection) -> list[CommunitySummary]:
        """Every community described (:func:`influence.summarize_communities`): leaders by
        :attr:`ranking`, the sector's languages. ``detection`` goes to :meth:`partition`."""
        partition = self.partition(**detection)
        key = (_detection_key(**detection), top, n_terms)
        if key not in self._summaries:
            from .communities import summarize_communities

            # leaders by score: any ranking with the communities has the same scores (labels and
            # roles change the entries' fields only), so one made already is reused
            ranking = next((r for (c, _, _), r in self._rankings.items() if c), None)
            ranking = ranking if ranking is not None else self.ranking_with(community=True)
            G = self.graph()
            self.progress.step("Describing communities")
            try:
                self._summaries[key] = summarize_communities(
                    G, partition, ranking=ranking, posts=self.posts, top=top, n_terms=n_terms,
                    languages=self.languages)
            except ValueError as exc:  # a sector language without a stop-word list
                if isinstance(exc, ConfigError):
                    raise
                raise ConfigError(f"sector languages: {exc}", key="languages") from None
        return self._summaries[key]

    def labels(self, **detection) -> dict:
        """``{community id: label}``, the labels of every output (commands and report)."""
        return {s.id: s.label for s in self.summaries(**detection)}

    def communities(self, *, top: int = 5, n_terms: int = 10, roles: bool = False,
                    **detection) -> list[dict]:
        """The rows ``influence communities -f json`` prints: one dict per community
        (:meth:`influence.communities.CommunitySummary.to_dict`), with each leader's and
        bridge's ``role`` when ``roles``."""
        rows = [s.to_dict() for s in self.summaries(top=top, n_terms=n_terms, **detection)]
        if roles:
            assigned = self.roles(**detection)
            for row in rows:
                for m in row["leaders"] + row["bridges"]:
                    m["role"] = assigned.get(m["actor"])
        return rows

    # -- roles -----------------------------------------------------------------------------------

    def roles(self, **detection) -> RoleAssignment:
        """Each actor's structural role (:func:`influence.assign_roles` with the partition)."""
        key = _detection_key(**detection)
        if key not in self._roles:
            from .roles import assign_roles

            partition = self.partition(**detection)
            G = self.graph()
            posts = self.posts
            self.progress.step("Assigning roles")
            self._roles[key] = assign_roles(G, posts=posts, seed=self.seed, partition=partition)
        return self._roles[key]

    # -- ranking ---------------------------------------------------------------------------------

    def annotated_view(self, *, community: bool = True, labels: bool = False,
                       roles: bool = False) -> GraphView:
        """:attr:`view` with the node columns the ranking and reach read: ``community`` (the
        default partition), ``community_label`` and ``role`` as asked. Empty graphs get none."""
        key = (community or labels or roles, labels, roles)
        if key not in self._views:
            V = self.view
            if V.n and key[0]:
                part = self.partition()
                columns = {"community": [part.get(v) for v in V.nodes]}
                if labels:
                    names = self.labels()
                    columns["community_label"] = [names.get(c) for c in columns["community"]]
                if roles:
                    assigned = self.roles()
                    columns["role"] = [assigned.roles.get(v) for v in V.nodes]
                V.A  # noqa: B018 (the adjacency, built once here, is shared by the annotated views)
                V = V.with_columns(**columns)
            self._views[key] = V
        return self._views[key]

    def ranking_with(self, *, community: bool = True, labels: bool = False,
                     roles: bool = False) -> RankingResult:
        """:func:`influence.rank` of :meth:`annotated_view` (the scores do not depend on the
        labels and roles, only the entries' fields do)."""
        view = self.annotated_view(community=community, labels=labels, roles=roles)
        key = (community or labels or roles, labels, roles)
        if key not in self._rankings:
            from .ranking import rank

            self.progress.step(f"Ranking {view.n:,} actors")
            self._rankings[key] = rank(view, self.config)
        return self._rankings[key]

    @property
    def ranking(self) -> RankingResult:
        """The ranking ``influence rank`` prints (``ranking.to_records(top)``): with the
        communities unless the analysis was made with ``communities=False``."""
        return self.ranking_with(community=self.with_communities)

    # -- shortlists ------------------------------------------------------------------------------

    def shortlist(self, top: int = 20, *, strategy: str = "score", per_community: int | None = None,
                  roles: bool = False, model: str = "ic", activation: float | None = None,
                  method: str = "auto", runs: int = DEFAULT_RUNS, active_days: float | None = None,
                  quotas: Iterable = ()) -> Shortlist:
        """The shortlist ``influence shortlist`` prints, with the same options.

        Parameters
        ----------
        top : int, default=20
            Actors to list (0: every ranked actor; the reach strategies pick 20 then).
        strategy : {"score", "reach", "diverse"}, default="score"
            See :func:`influence.reach.select_reach` and :func:`influence.reach.select_diverse`.
        per_community : int, optional
            The best ``per_community`` actors of every community, with its label and each
            actor's role (``strategy="score"``, no constraints).
        roles : bool, default=False
            Give every row its structural role.
        model, activation, method, runs
            The reach model (``"ic"`` or ``"lt"``), Independent Cascade probability per
            interaction (None: weighted cascade), ``"auto"``/``"celf"``/``"ris"``, live-edge worlds.
        active_days : float, optional
            Leave out actors with no activity in the ``active_days`` days before the sector's
            latest dated activity.
        quotas : iterable of Quota or str
            At most so many picks per node attribute value (``"platform:mastodon=3"``).

        Returns
        -------
        Shortlist
        """
        from .reach import Quota, parse_quota

        if strategy not in STRATEGIES:
            raise ConfigError(f"strategy must be one of {', '.join(STRATEGIES)}, got {strategy!r}",
                              key="strategy")
        quotas = tuple(q if isinstance(q, Quota) else parse_quota(q) for q in quotas)
        if per_community and (strategy != "score" or active_days is not None or quotas):
            raise ConfigError("per_community works with strategy 'score' and without active_days or quotas",
                              key="per_community")
        if activation is not None and (strategy == "score" or model != "ic"):
            raise ConfigError("activation sets Independent Cascade probabilities: it needs strategy reach or "
                              "diverse with model ic", key="activation")
        labels = bool(per_community)
        with_roles = bool(per_community or roles)
        community = self.with_communities or labels or with_roles
        view = self.annotated_view(community=community, labels=labels, roles=with_roles)
        result = self.ranking_with(community=community, labels=labels, roles=with_roles)
        notes: list[str] = []
        params: dict = {}
        if view.n and community:
            params["communities"] = self.partition().params()
        exclude: dict = {}
        if active_days is not None:
            from .records import format_timestamp

            exclude, reference = inactive_exclusions(self.sector.store, view, active_days)
            notes.append(f"--active-days {active_days:g}: {len(exclude)} inactive actors left out "
                         + (f"(reference: the latest dated activity, {format_timestamp(reference)})"
                            if reference is not None else "(no dated activity in this sector: none)"))
        constrained = active_days is not None or bool(quotas)
        if strategy in ("reach", "diverse"):
            k = top or 20
            self.progress.step(f"Selecting the {strategy} set ({model.upper()} reach model, seeded)")
            rows = reach_rows(view, result, k, seed=self.seed, runs=runs, strategy=strategy, model=model,
                              p=activation, method=method, notes=notes, progress=self.progress,
                              **({"exclude": exclude, "quotas": quotas} if constrained else {}))
        elif constrained:
            k = top
            rows = constrained_top(result, top, view_or_graph=view, exclude=exclude, quotas=quotas)
        elif per_community:
            from .ranking import shortlist

            k = 0
            rows = [e.to_dict() for e in shortlist(result, per_community=per_community)]
        else:
            k = top
            rows = result.to_records(top)
        return Shortlist(rows=tuple(rows), strategy=strategy, ranking=result, asked=k, notes=tuple(notes),
                         params=params)

    # -- overlap ---------------------------------------------------------------------------------

    def overlap(self, actors: Sequence = (), *, top: int = 10, strategy: str = "score",
                weighted: bool = False) -> OverlapTable:
        """The audience overlap ``influence overlap`` prints.

        Parameters
        ----------
        actors : sequence, optional
            Node ids or accounts merged into a node. Default: the shortlist's ``top`` actors by
            ``strategy`` (reach and diverse with their default settings), ranked without
            communities (audiences do not depend on them).
        top : int, default=10
        strategy : {"score", "reach", "diverse"}, default="score"
        weighted : bool, default=False
            Weighted Jaccard (attention weights) instead of the Jaccard index of the givers.

        Returns
        -------
        OverlapTable
        """
        view = self.view
        if actors and strategy != "score":
            raise ConfigError("strategy chooses the actors when none are named: give actors or a "
                              "strategy, not both", key="strategy")
        if strategy not in STRATEGIES:
            raise ConfigError(f"strategy must be one of {', '.join(STRATEGIES)}, got {strategy!r}",
                              key="strategy")
        if actors:
            chosen = resolve_actors(view, actors)
        else:
            if not view.n:
                raise EmptyGraphError(f"sector {self.sector.name} has no actors yet: import or crawl some first")
            result = self.ranking_with(community=False)
            k = top or len(result)
            if strategy == "score":
                chosen = [e.actor for e in result.entries[:k]]
            else:
                self.progress.step(f"Selecting the {strategy} set (IC reach model, seeded)")
                chosen = [r["actor"] for r in reach_rows(view, result, min(k, MAX_OVERLAP_ACTORS + 1),
                                                         seed=self.seed, strategy=strategy,
                                                         progress=self.progress)]
        if len(chosen) > MAX_OVERLAP_ACTORS:
            raise ConfigError(f"{len(chosen)} actors asked for: at most {MAX_OVERLAP_ACTORS} fit one overlap "
                              f"matrix (lower --top or list fewer actors)", key="actors")
        if len(chosen) < 2:
            raise ConfigError("an overlap needs at least two actors", key="actors")
        rows = overlap_rows(view, chosen, weighted=weighted, names=view.node_values("name"))
        return OverlapTable(actors=tuple(chosen), rows=tuple(rows), weighted=weighted,
                            strategy=None if actors else strategy)

    # -- competitors -----------------------------------------------------------------------------

    def competitors(self, config=None, *, analyzer: Any = None) -> CompetitorMap:
        """The competitor map ``influence competitors`` prints (``.to_dict()`` is its JSON):
        :func:`influence.map_sector` seeded with :attr:`seed`. ``config`` (a
        :class:`influence.CompetitorConfig`) defaults to the defaults with the sector's languages.

        Raises
        ------
        ConfigError
            If the sector declares no competitors, or a sector language has no stop-word list.
        """
        key = (repr(config), id(analyzer))
        if key not in self._competitors:
            from .competitors import CompetitorConfig, map_sector
            from .text import stop_words

            s = self.sector
            if not s.competitors:
                raise ConfigError(f"sector {s.name} declares no competitors "
                                  "(add [[competitors]] to the sector file)", key="competitors")
            if config is None and s.languages:
                config = CompetitorConfig(languages=tuple(s.languages))
            languages = config.languages if config is not None else CompetitorConfig().languages
            try:  # a sector language without a stop-word list; checked first, so that no other
                stop_words(languages)  # ValueError is reported as one (issue 14, item 13)
            except ValueError as exc:
                raise ConfigError(f"sector languages: {exc}", key="languages") from None
            self._competitors[key] = map_sector(s, config=config, analyzer=analyzer, seed=self.seed,
                                                progress=self.progress)
        return self._competitors[key]


def _detection_key(*, method: str = "louvain", resolution: float = 1.0, min_size: int = 5, runs: int = 10,
                   projection: str = "sum") -> tuple:
    """The cache key of a partition: :meth:`Analysis.partition`'s options, defaults filled in."""
    return (method, resolution, min_size, runs, projection)  # 1 and 1.0 are one key


# -- rows --------------------------------------------------------------------------------------------


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
    from .reach import select_diverse, select_reach

    seed = 0 if seed is None else seed
    if strategy == "diverse":
        res = select_diverse(view_or_graph, k, ranking=result, runs=runs, seed=seed, model=model, p=p,
                             exclude=exclude, quotas=quotas, progress=progress)
    else:
        res = select_reach(view_or_graph, k, ranking=result, runs=runs, seed=seed, model=model, p=p,
                           method=method, exclude=exclude, quotas=quotas, progress=progress)
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
