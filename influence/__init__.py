"""influence: influencer and competitor discovery.

Crawl a sector's public sources into a store of actors, posts and interactions, build its
interaction graph, and rank its opinion leaders with explainable scores.

>>> import influence
>>> sector = influence.open_sector("demo")
>>> G = sector.graph()  # build_graph(sector.store, sector.ranking, competitors=..., keywords=...)
>>> result = influence.rank(G, sector.ranking)
>>> len(influence.shortlist(result, top=10))
10

:func:`analyze` composes the whole analysis as the CLI does (graph, communities, ranking,
roles, shortlists, overlap, competitor map), each part on first use:

>>> with influence.analyze("demo") as analysis:
...     rows = analysis.shortlist(5).to_records()   # = influence shortlist demo --top 5 -f json
>>> len(rows)
5

The public names are re-exported here and loaded lazily, so ``import influence`` (and the CLI's
``--help``) stays fast: networkx, scipy and scikit-learn load only when used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__
from .errors import (
    ConfigError,
    EmptyGraphError,
    InfluenceError,
    InputDataError,
    SchemaVersionError,
    SectorFileError,
    StoreError,
)
from .records import Actor, Interaction, Kind, Post, actor_id, parse_actor_id

# name -> module that defines it (imported on first use)
_LAZY = {
    "RankingConfig": "config",
    "Store": "store",
    "Sector": "sector",
    "Competitor": "sector",
    "load_sector": "sector",
    "open_sector": "sector",
    "build_graph": "graph",
    "rank": "ranking",
    "shortlist": "ranking",
    "RankingResult": "ranking",
    "RankedActor": "ranking",
    "import_file": "importers",
    "read_records": "importers",
    "export_graph": "export",
    "make_manifest": "manifest",
    "spreading_truth": "evaluate",
    "read_truth": "evaluate",
    "evaluate_ranking": "evaluate",
    "tune": "sweep",
    "detect_communities": "communities",
    "summarize_communities": "communities",
    "Partition": "communities",
    "CommunitySummary": "communities",
    "assign_roles": "roles",
    "RoleAssignment": "roles",
    "map_competitors": "competitors",
    "map_sector": "competitors",
    "CompetitorMap": "competitors",
    "CompetitorConfig": "competitors",
    "select_reach": "reach",
    "make_sector": "datasets",
    "analyze": "pipeline",
    "Analysis": "pipeline",
}
# every public module and package, reachable as ``influence.<name>`` after ``import influence``
# (imported on first use; tests/test_api.py checks that no module of the package is missing here)
_SUBMODULES = {"datasets", "measures", "records", "store", "graph", "ranking", "config", "sector",
               "importers", "export", "manifest", "errors", "evaluate", "sweep",
               "communities", "roles", "text", "competitors", "sentiment", "report",
               "reach", "crawl", "atomic", "progress", "identity", "formats",
               "diffusion", "validation", "pipeline", "outputs"}

__all__ = [
    "__version__",
    "Actor",
    "Post",
    "Interaction",
    "Kind",
    "actor_id",
    "parse_actor_id",
    "InfluenceError",
    "ConfigError",
    "SectorFileError",
    "InputDataError",
    "StoreError",
    "SchemaVersionError",
    "EmptyGraphError",
    *_LAZY,
    "datasets",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'influence' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__) | _SUBMODULES)


if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from . import crawl, datasets, reach
    from .datasets import make_sector
    from .reach import select_reach
    from .communities import CommunitySummary, Partition, detect_communities, summarize_communities
    from .config import RankingConfig
    from .export import export_graph
    from .graph import build_graph
    from .importers import import_file, read_records
    from .manifest import make_manifest
    from .pipeline import Analysis, analyze
    from .ranking import RankedActor, RankingResult, rank, shortlist
    from .roles import RoleAssignment, assign_roles
    from .sector import Competitor, Sector, load_sector, open_sector
    from .store import Store
