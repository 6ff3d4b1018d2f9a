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

import os
from collections.abc import Iterable, Mapping, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any

from .errors import ConfigError, EmptyGraphError
from .outputs import (  # the output rows: defined in influence.outputs, importable from here too
    DEFAULT_RUNS,
    MAX_OVERLAP_ACTORS,
    REACH_COLUMNS,
    STRATEGIES,
    OverlapTable,
    Shortlist,
    account_nodes,
    constrained_top,
    inactive_exclusions,
    overlap_rows,
    reach_rows,
    reach_selection,
    resolve_actors,
)

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
    "reach_selection",
    "resolve_actors",
]

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
        self._detecting: dict = {}  # detection key -> (thread, box) of detect_ahead
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
        """The whole graph as a networkx DiGraph, built on first use for callers that want one:
        no part of the analysis reads it (they all read :attr:`view`). See :meth:`drop_graph`."""
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
        if key in self._detecting:
            self._partitions[key] = self._join_detection(key)
        if key not in self._partitions:
            from .communities import detect_communities

            self.progress.step("Detecting communities")  # an empty graph: EmptyGraphError
            self._partitions[key] = detect_communities(
                self.view, method=method, resolution=resolution, seed=self.seed, min_size=min_size,
                runs=runs, projection=projection, progress=self.progress)
        return self._partitions[key]

    def detect_ahead(self) -> bool:
        """Start detecting the default communities (:meth:`partition`) in a background thread,
        so that work that does not need them (the ranking's measures, the reach selection) runs
        meanwhile; :meth:`partition` then waits for it. NetworKit's Louvain runs on one thread
        (so that its result depends on the seed only) and releases the GIL, which leaves the
        second core to the caller: the same partition, sooner. Returns whether a detection was
        started (not when the partition is known or under way, or the graph is empty).

        The thread reports no progress (the caller's steps go on); an error is raised by
        :meth:`partition`, as if it had been detected there.
        """
        import threading

        key = _detection_key()
        if key in self._partitions or key in self._detecting:
            return False
        V = self.view
        if not V.n:
            return False
        V.A  # noqa: B018 (built here, once: the detection and the ranking both read it)
        from .communities import detect_communities

        box: dict = {}

        def work() -> None:
            try:
                box["value"] = detect_communities(V, seed=self.seed)
            except KeyboardInterrupt as exc:  # Ctrl-C caught by NetworKit while it ran
                box["error"] = exc
                import _thread

                _thread.interrupt_main()  # the caller's thread stops now, not at partition()
            except BaseException as exc:  # noqa: BLE001 (raised by partition(), in the caller's thread)
                box["error"] = exc

        self.progress.step("Detecting communities (in the background)")
        thread = threading.Thread(target=work, name="influence-detect-ahead", daemon=True)
        thread.start()
        self._detecting[key] = (thread, box)
        return True

    def _join_detection(self, key):
        thread, box = self._detecting[key]
        if thread.is_alive():
            self.progress.step("Detecting communities (finishing)")
            while thread.is_alive():  # short waits: Ctrl-C stops the wait at once
                thread.join(0.05)
        del self._detecting[key]
        if "error" in box:
            raise box["error"]
        return box["value"]

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
            self.progress.step("Describing communities")
            try:  # on the view's arrays: no networkx graph of the sector
                self._summaries[key] = summarize_communities(
                    self.view, partition, ranking=ranking, posts=self.posts, top=top, n_terms=n_terms,
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
            posts = self.posts
            self.progress.step("Assigning roles")  # on the view's arrays, as the summaries
            self._roles[key] = assign_roles(self.view, posts=posts, seed=self.seed, partition=partition)
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
                # one C-level pass over the membership dict (Partition.get is a Python call per node)
                columns = {"community": list(map(part.membership.get, V.nodes))}
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
        from .ranking import ANNOTATION_COLUMNS
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
        notes: list[str] = []
        exclude: dict = {}
        if active_days is not None:
            from .records import format_timestamp

            exclude, reference = inactive_exclusions(self.sector.store, self.view, active_days)
            notes.append(f"--active-days {active_days:g}: {len(exclude)} inactive actors left out "
                         + (f"(reference: the latest dated activity, {format_timestamp(reference)})"
                            if reference is not None else "(no dated activity in this sector: none)"))
        constrained = active_days is not None or bool(quotas)
        k = (top or 20) if strategy in ("reach", "diverse") else 0 if per_community else top

        def select(view, ranking):
            self.progress.step(f"Selecting the {strategy} set ({model.upper()} reach model, seeded)")
            return reach_selection(view, ranking, k, seed=self.seed, runs=runs, strategy=strategy,
                                   model=model, p=activation, method=method, progress=self.progress,
                                   **({"exclude": exclude, "quotas": quotas} if constrained else {}))

        selection = None
        if (strategy == "reach" and community and self.view.n
                and not any(q.attribute in ANNOTATION_COLUMNS for q in quotas) and self.detect_ahead()):
            # the reach selection reads the scores and the graph, not the communities: it runs
            # while they are detected, on the ranking of the plain view (the same scores)
            selection = select(self.view, self.ranking_with(community=False))
        view = self.annotated_view(community=community, labels=labels, roles=with_roles)
        result = self.ranking_with(community=community, labels=labels, roles=with_roles)
        params: dict = {}
        if view.n and community:
            params["communities"] = self.partition().params()
        if strategy in ("reach", "diverse"):
            rows = reach_rows(view, result, k, notes=notes,
                              selection=selection if selection is not None else select(view, result))
            if roles:  # the ranking the picks come from carries every actor's role
                rows = [{**r, "role": result.entry(r["actor"]).role} for r in rows]
        elif constrained:
            rows = constrained_top(result, top, view_or_graph=view, exclude=exclude, quotas=quotas)
        elif per_community:
            from .ranking import shortlist

            rows = [e.to_dict() for e in shortlist(result, per_community=per_community)]
        else:
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
