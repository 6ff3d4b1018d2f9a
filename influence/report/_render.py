"""Rendering a report: :func:`render_html` (a page as a string) and :func:`write_html` (a file).

The page is one self-contained HTML file: the CSS and the little JavaScript (table sorting,
highlighting a shortlisted actor on the map) are inline, the charts are inline SVG, the run's
manifest is embedded as JSON, and a Content-Security-Policy forbids the page to load anything
from anywhere, so it opens offline and never calls home. Links to actors' profiles and posts are
ordinary links: they open only when clicked.
"""

from __future__ import annotations

import math
import os
import tempfile
from typing import Any

from ._build import ReportData

__all__ = ["render_html", "write_html", "CSP"]

#: The page's Content-Security-Policy: nothing is fetched, inline styles and scripts only, and
#: the images matplotlib embeds as ``data:`` URIs.
CSP = ("default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
       "img-src data:; base-uri 'none'; form-action 'none'")


def _environment():
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=PackageLoader("influence.report", "templates"),
        autoescape=select_autoescape(["html", "j2"], default_for_string=True, default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    # the manifest is embedded with |tojson: sorted keys, and <, >, & and ' escaped for HTML
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}
    env.filters["pct"] = _pct
    env.filters["num"] = _num
    env.filters["fixed"] = _fixed
    env.filters["short"] = _short
    return env


def _pct(x: float | None, digits: int = 0) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    return f"{100 * x:.{digits}f}%"


def _num(x: Any) -> str:
    if x is None:
        return "–"
    if isinstance(x, float):
        return f"{x:,.1f}" if abs(x) < 1000 else f"{x:,.0f}"
    return f"{x:,}"


def _fixed(x: float | None, digits: int = 3) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    return f"{x:.{digits}f}"


def _short(text: str | None, n: int = 140) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _charts(report: ReportData) -> dict[str, str]:
    """The competitor charts as inline SVG (empty when there is no competitor map)."""
    cmap = report.competitors
    if cmap is None:
        return {}
    from . import charts

    names = list(cmap.competitors)
    colors = charts.competitor_colors(names)
    tm = cmap.topics
    out = {
        "topics": charts.topic_heatmap(
            [t.label for t in tm.topics], names, tm.shares, [t.sector_share for t in tm.topics],
            tm.gaps, note=tm.note),
        "sentiment": charts.sentiment_bars(
            {n: (cmap.reputation[n].positive, cmap.reputation[n].neutral, cmap.reputation[n].negative)
             for n in names},
            {n: cmap.reputation[n].net for n in names}),
    }
    calendars = {n: cmap.cadence[n].calendar for n in names}
    if any(sum(map(sum, c)) for c in calendars.values()):
        out["calendar"] = charts.publication_calendar(calendars)
    sov = cmap.share_of_voice
    if sov.weeks and any(sov.mentions.values()):
        out["sov"] = charts.share_of_voice_chart(sov.weeks, sov.weekly_mention_share,
                                                 sov.mention_share, colors)
    out["colors"] = colors
    return out


def render_html(report: ReportData) -> str:
    """The report as one self-contained HTML page.

    Parameters
    ----------
    report : ReportData
        From :func:`influence.report.build_report`.

    Returns
    -------
    str
        The page. The same report renders to the same text.
    """
    env = _environment()
    template = env.get_template("report.html.j2")
    charts = _charts(report)
    return template.render(r=report, charts=charts, csp=CSP)


def write_html(html: str, path: str | os.PathLike) -> int:
    """Write a page atomically: into a temporary file beside ``path``, then renamed over it, so
    ``path`` never holds half a report. Returns the number of bytes written.

    Raises
    ------
    IsADirectoryError
        If ``path`` is a folder.
    OSError
        If the folder does not exist or is not writable.
    """
    path = os.fspath(path)
    if os.path.isdir(path):
        raise IsADirectoryError(21, "is a folder", path)
    folder = os.path.dirname(os.path.abspath(path))
    data = html.encode("utf-8")
    fd, tmp = tempfile.mkstemp(prefix=".report-", suffix=".html.tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        # mkstemp creates 0600; a report is a document to share: the umask's usual mode
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.remove(tmp)
        except FileNotFoundError:
            pass
        raise
    return len(data)
