"""The sector report: one self-contained HTML file to share with people who do not run a CLI.

Two steps, so that the analysis and the drawing stay apart:

- :func:`build_report` runs the analyses on an open sector (graph, communities, roles, ranking,
  reach, competitor map, network-map layout) and returns a :class:`ReportData`;
- :func:`render_html` turns it into one HTML page: a summary, the sortable shortlist, the network
  map (inline SVG laid out in Python, :mod:`influence.report.layout`), community cards and the
  competitor charts (matplotlib to inline SVG, :mod:`influence.report.charts`), with the run's
  manifest embedded. :func:`write_html` writes it atomically.

The page needs no network: no CDN, no external font, script or stylesheet, and a
Content-Security-Policy that forbids loading anything.

Examples
--------
>>> import influence
>>> from influence.report import build_report, render_html
>>> with influence.open_sector("demo") as sector:           # doctest: +SKIP
...     html = render_html(build_report(sector, top=20))
>>> write_html(html, "report.html")                          # doctest: +SKIP
"""

from __future__ import annotations

from ._build import (
    DEFAULT_MAP_NODES,
    DEFAULT_REACH_RUNS,
    DEFAULT_TOP,
    CommunityCard,
    ReachInfo,
    ReportData,
    ShortlistRow,
    SourceInfo,
    Summary,
    build_report,
)
from ._render import CSP, render_html, write_html

__all__ = [
    "build_report",
    "render_html",
    "write_html",
    "ReportData",
    "Summary",
    "SourceInfo",
    "ShortlistRow",
    "CommunityCard",
    "ReachInfo",
    "CSP",
    "DEFAULT_TOP",
    "DEFAULT_MAP_NODES",
    "DEFAULT_REACH_RUNS",
]
