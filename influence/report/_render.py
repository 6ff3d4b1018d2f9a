"""Rendering a report: :func:`render_html` (a page as a string) and :func:`write_html` (a file).

The page is one self-contained HTML file: the CSS and the little JavaScript (table sorting,
highlighting a shortlisted actor on the map) are inline, the charts are inline SVG, the run's
manifest is embedded as JSON, and a Content-Security-Policy forbids the page to load anything
from anywhere, so it opens offline and never calls home. The policy lets only the report's own
script run: it names that script by its SHA-256 hash (computed when the page is rendered), so a
``<script>`` or an ``onclick=`` smuggled in through the data would not run even if escaping
failed. Links to actors' profiles and posts are ordinary links, and only ``http``/``https``
URLs become links (:func:`http_url`): a ``javascript:`` or ``data:`` URL from the store is shown
as plain text. They open only when clicked.
"""

from __future__ import annotations

import base64
import hashlib
import math
import os
import re
from typing import Any

from ._build import ReportData

__all__ = ["render_html", "write_html", "http_url", "csp_for", "CSP"]

#: The page script (templates/report.js), inlined verbatim in a ``<script>`` element.
SCRIPT_TEMPLATE = "report.js"


def csp_for(scripts: list[str]) -> str:
    """The page's Content-Security-Policy: nothing is fetched; inline styles, the images
    matplotlib embeds as ``data:`` URIs, and only the inline scripts given (by their
    ``'sha256-...'`` hash: no ``'unsafe-inline'`` for scripts, so no other script or event
    handler attribute can run).

    >>> csp_for(["alert(1)"])
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='; img-src data:; base-uri 'none'; form-action 'none'"
    """
    sources = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode("ascii") + "'"
        for s in scripts) or "'none'"
    return (f"default-src 'none'; style-src 'unsafe-inline'; script-src {sources}; "
            "img-src data:; base-uri 'none'; form-action 'none'")


_HTTP_URL = re.compile(r"https?://[^\s/?#\\]", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def http_url(url: Any) -> str | None:
    """``url`` if it is an absolute ``http``/``https`` URL, else None (the report then shows
    the text without a link).

    The test is on the raw text: it must begin with ``http://`` or ``https://`` and a host, and
    hold no control character (browsers drop tabs and newlines inside a scheme, so
    ``java\tscript:`` would otherwise slip through).

    >>> http_url("https://example.org/a?b=1")
    'https://example.org/a?b=1'
    >>> [http_url(u) for u in ("javascript:alert(1)", " https://x.org", "data:text/html,hi",
    ...                        "//evil.example", "https:\tx", "HTTP://X.ORG", None)]
    [None, None, None, None, None, 'HTTP://X.ORG', None]
    """
    if not isinstance(url, str) or _CONTROL.search(url) or not _HTTP_URL.match(url):
        return None
    return url


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
    env.filters["http_url"] = http_url
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
    script = _script()
    return template.render(r=report, charts=charts, script=script, csp=csp_for([script]))


def _script() -> str:
    """The page script, as inlined (and hashed) verbatim."""
    from importlib.resources import files

    return (files("influence.report") / "templates" / SCRIPT_TEMPLATE).read_text(encoding="utf-8")


#: The policy of every page this version renders (its script is fixed text): see :func:`csp_for`.
CSP = csp_for([_script()])


def write_html(html: str, path: str | os.PathLike) -> int:
    """Write a page atomically (:func:`influence.atomic.atomic_write`): into a temporary file
    beside ``path``, then renamed over it, so ``path`` never holds half a report. Returns the
    number of bytes written.

    Raises
    ------
    IsADirectoryError
        If ``path`` is a folder.
    OSError
        If the folder does not exist or is not writable.
    """
    from ..atomic import atomic_write

    data = html.encode("utf-8")
    with atomic_write(path, "wb") as fh:
        fh.write(data)
    return len(data)
