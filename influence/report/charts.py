"""The report's charts: matplotlib figures rendered to inline SVG strings.

Every function takes plain data and returns the ``<svg>...</svg>`` markup of one chart, ready to
paste into an HTML page: no XML declaration, no DOCTYPE, no namespace URLs, text kept as text
(``svg.fonttype = "none"``, so it is searchable and crisp) and element ids prefixed with the
chart's name so that several charts can share one page. Rendering uses the Agg canvas and its own
``rc_context``: the caller's matplotlib state is not touched. The output is deterministic
(``svg.hashsalt`` fixed per chart, no date in the metadata).
"""

from __future__ import annotations

import functools
import io
import math
import re
from collections.abc import Mapping, Sequence

__all__ = [
    "topic_heatmap",
    "publication_calendar",
    "share_of_voice_chart",
    "sentiment_bars",
    "competitor_colors",
    "WEEKDAY_ABBR",
]

WEEKDAY_ABBR = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# Dark2 (ColorBrewer, via matplotlib): the competitors' colours, distinct from the community
# palette of the network map (tab10).
_COMPETITOR_PALETTE = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02",
                       "#a6761d", "#666666")
_TEXT = "#333333"
_GRID = "#e5e5e5"
_RC = {
    "svg.fonttype": "none",
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Arial", "Helvetica"],
    "font.size": 9,
    "axes.edgecolor": "#bbbbbb",
    "axes.labelcolor": _TEXT,
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
    "axes.titlecolor": _TEXT,
    "xtick.color": _TEXT,
    "ytick.color": _TEXT,
    "legend.frameon": False,
    "figure.dpi": 100,
}


def competitor_colors(names: Sequence[str]) -> dict[str, str]:
    """A colour per competitor, in the given order.

    >>> competitor_colors(["A", "B"])
    {'A': '#1b9e77', 'B': '#d95f02'}
    """
    return {n: _COMPETITOR_PALETTE[i % len(_COMPETITOR_PALETTE)] for i, n in enumerate(names)}


# -- SVG plumbing ------------------------------------------------------------------------------------


def _chart(fn):
    """Run a chart function inside the report's matplotlib style (its own ``rc_context``, with a
    hash salt of its own so the SVG ids are deterministic and differ between charts)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        import matplotlib

        with matplotlib.rc_context({**_RC, "svg.hashsalt": f"influence-report-{fn.__name__}"}):
            return fn(*args, **kwargs)

    return wrapper


def _figure(name: str, figsize: tuple[float, float]):
    # matplotlib.figure.Figure without pyplot: no global figure manager, no GUI backend
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, layout="constrained")
    fig._influence_name = name  # the id prefix used by _svg
    return fig


def _svg(fig) -> str:
    """The figure as inline SVG markup (see the module docstring)."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None, "Format": None,
                                             "Type": None})
    return inline_svg(buf.getvalue(), fig._influence_name)


_ID = re.compile(r'\bid="([^"]+)"')


def inline_svg(svg: str, prefix: str) -> str:
    """Turn a standalone SVG document into markup for an HTML page.

    Drops the XML declaration, the DOCTYPE and the ``xmlns`` attributes (an HTML parser puts
    ``<svg>`` in the SVG namespace by itself), and prefixes every element id, and the
    ``url(#id)`` / ``href="#id"`` references to it, with ``prefix``.

    >>> inline_svg('<?xml version="1.0"?>\\n<svg xmlns="http://www.w3.org/2000/svg">'
    ...            '<g id="a" clip-path="url(#a)"/></svg>', "c1")
    '<svg role="img"><g id="c1-a" clip-path="url(#c1-a)"/></svg>'
    """
    start = svg.find("<svg")
    svg = svg[start:] if start >= 0 else svg
    svg = re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", svg, count=0)
    svg = svg.replace("<svg", '<svg role="img"', 1)
    ids = set(_ID.findall(svg))
    svg = _ID.sub(lambda m: f'id="{prefix}-{m.group(1)}"', svg)

    def ref(m: re.Match) -> str:
        target = m.group(2)
        return f"{m.group(1)}{prefix}-{target}" if target in ids else m.group(0)

    svg = re.sub(r'(url\(#)([^)]+)(?=\))', ref, svg)
    svg = re.sub(r'((?:xlink:)?href="#)([^"]+)(?=")', ref, svg)
    return svg.strip()


def _no_data(ax, message: str) -> None:
    ax.set_axis_off()
    ax.text(0.5, 0.5, message, ha="center", va="center", color="#777777", transform=ax.transAxes)


# -- charts ----------------------------------------------------------------------------------------


@_chart
def topic_heatmap(topics: Sequence[str], competitors: Sequence[str],
                  shares: Mapping[str, Sequence[float]], sector_share: Sequence[float],
                  gaps: Mapping[str, Sequence[int]] | None = None, *,
                  note: str = "") -> str:
    """Topic x competitor heatmap: each competitor's share of its content per topic, and the
    sector's conversation as the last column; content gaps outlined in red.

    Parameters
    ----------
    topics : sequence of str
        Topic labels, in topic order.
    competitors : sequence of str
    shares : mapping of competitor -> sequence of float
        Its share of each topic (a missing competitor counts as no content).
    sector_share : sequence of float
        The sector's share of each topic.
    gaps : mapping of competitor -> sequence of int, optional
        Topic indices that are a content gap of the competitor.
    note : str, optional
        Why there are no topics (:attr:`influence.competitors.TopicMap.note`), shown instead.
    """
    import numpy as np

    gaps = gaps or {}
    cols = list(competitors) + ["Sector"]
    n_t = len(topics)
    fig = _figure("topics", (1.6 + 1.05 * len(cols) + 2.2, 0.9 + 0.36 * max(n_t, 1)))
    ax = fig.add_subplot()
    if not n_t:
        _no_data(ax, note or "no topics: no posts with text")
        return _svg(fig)
    M = np.zeros((n_t, len(cols)))
    for j, c in enumerate(competitors):
        s = list(shares.get(c, ())) + [0.0] * n_t
        M[:, j] = s[:n_t]
    M[:, -1] = list(sector_share)[:n_t] + [0.0] * (n_t - len(sector_share))
    im = ax.imshow(M, cmap="Blues", vmin=0, vmax=max(float(M.max()), 1e-9), aspect="auto",
                   interpolation="nearest")
    for i in range(n_t):
        for j in range(len(cols)):
            v = M[i, j]
            if v >= 0.005:
                ax.text(j, i, f"{v:.0%}", ha="center", va="center", fontsize=8,
                        color="white" if v > 0.6 * M.max() else _TEXT)
    for j, c in enumerate(competitors):
        for i in gaps.get(c, ()):
            if 0 <= i < n_t:
                ax.add_patch(_rect(j, i, "#d62728"))
    ax.set_xticks(range(len(cols)), cols, rotation=20, ha="right")
    ax.set_yticks(range(n_t), [t if len(t) <= 42 else t[:41] + "…" for t in topics])
    ax.axvline(len(cols) - 1.5, color="white", lw=3)
    ax.tick_params(length=0)
    for s in ax.spines.values():
        s.set_visible(False)
    cb = fig.colorbar(im, ax=ax, fraction=0.04, pad=0.02)
    cb.set_label("share of the column's content")
    cb.ax.yaxis.set_major_formatter(_percent())
    cb.outline.set_visible(False)
    return _svg(fig)


def _rect(x: float, y: float, color: str):
    from matplotlib.patches import Rectangle

    return Rectangle((x - 0.47, y - 0.45), 0.94, 0.9, fill=False, edgecolor=color, lw=1.6)


def _percent():
    from matplotlib.ticker import PercentFormatter

    return PercentFormatter(1.0, decimals=0)


@_chart
def publication_calendar(calendars: Mapping[str, Sequence[Sequence[int]]]) -> str:
    """Publication calendar: one weekday x hour (UTC) heatmap per competitor, on a shared scale.

    Parameters
    ----------
    calendars : mapping of competitor -> 7 x 24 counts
        Monday first (as :attr:`influence.competitors.Cadence.calendar`).
    """
    import numpy as np

    names = list(calendars)
    n = max(len(names), 1)
    ncols = 2 if n > 1 else 1
    nrows = math.ceil(n / ncols)
    fig = _figure("calendar", (10.0 if ncols == 2 else 5.6, 0.5 + 1.75 * nrows))
    axes = fig.subplots(nrows, ncols, squeeze=False)
    mats = {c: np.asarray(calendars[c], dtype=float).reshape(7, 24) for c in names}
    vmax = max([float(m.max()) for m in mats.values()] + [1.0])
    im = None
    for k, ax in enumerate(axes.flat):
        if k >= len(names):
            ax.set_axis_off()
            continue
        c = names[k]
        im = ax.imshow(mats[c], cmap="YlOrRd", vmin=0, vmax=vmax, aspect="auto",
                       interpolation="nearest")
        total = int(mats[c].sum())
        ax.set_title(f"{c} ({total} posts)", loc="left", fontsize=9)
        ax.set_yticks(range(7), WEEKDAY_ABBR, fontsize=7)
        ax.set_xticks(range(0, 24, 3), [f"{h:02d}h" for h in range(0, 24, 3)], fontsize=7)
        ax.tick_params(length=0)
        for s in ax.spines.values():
            s.set_visible(False)
    if im is not None:
        cb = fig.colorbar(im, ax=axes, fraction=0.025, pad=0.01)
        cb.set_label("posts (UTC hour)")
        cb.outline.set_visible(False)
    return _svg(fig)


@_chart
def share_of_voice_chart(weeks: Sequence[str], weekly_share: Mapping[str, Sequence[float | None]],
                         totals: Mapping[str, float] | None = None,
                         colors: Mapping[str, str] | None = None) -> str:
    """Share of voice over time: each competitor's weekly share of the mentions of all
    competitors (weeks with no mention of any are gaps).

    Parameters
    ----------
    weeks : sequence of str
        ISO date of each week's Monday.
    weekly_share : mapping of competitor -> sequence of float or None
    totals : mapping of competitor -> float, optional
        Share over the whole window, shown in the legend.
    colors : mapping of competitor -> colour, optional
    """
    from datetime import date

    import numpy as np

    names = list(weekly_share)
    colors = dict(colors or competitor_colors(names))
    fig = _figure("sov", (10.0, 3.2))
    ax = fig.add_subplot()
    if not weeks:
        _no_data(ax, "no dated mentions")
        return _svg(fig)
    xs = [date.fromisoformat(w) for w in weeks]
    for c in names:
        ys = np.array([np.nan if v is None else v for v in weekly_share[c]], dtype=float)
        label = c if totals is None else f"{c} ({totals.get(c, 0.0):.0%} overall)"
        ax.plot(xs, ys, marker="o", ms=3, lw=1.8, color=colors.get(c), label=label)
    ax.set_ylim(0, 1)
    ax.yaxis.set_major_formatter(_percent())
    ax.set_ylabel("share of competitor mentions")
    ax.set_xlabel("week (Monday)")
    ax.grid(axis="y", color=_GRID)
    for s in ("top", "right"):
        ax.spines[s].set_visible(False)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    import matplotlib.dates as mdates

    ax.xaxis.set_major_locator(mdates.AutoDateLocator(maxticks=10))
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))
    return _svg(fig)


@_chart
def sentiment_bars(counts: Mapping[str, tuple[int, int, int]],
                   net: Mapping[str, float | None] | None = None) -> str:
    """Sentiment of the mentions of each competitor: positive / neutral / negative shares as
    one horizontal 100 % bar per competitor, with the number of mentions and the net score.

    Parameters
    ----------
    counts : mapping of competitor -> (positive, neutral, negative)
    net : mapping of competitor -> float or None, optional
        ``(positive - negative) / mentions``, written after each bar.
    """
    names = list(counts)
    fig = _figure("sentiment", (10.0, 0.9 + 0.42 * max(len(names), 1)))
    ax = fig.add_subplot()
    if not names or not any(sum(v) for v in counts.values()):
        _no_data(ax, "no mentions of any competitor")
        return _svg(fig)
    kinds = (("positive", "#2ca25f"), ("neutral", "#bdbdbd"), ("negative", "#de2d26"))
    ys = list(range(len(names)))[::-1]
    left = [0.0] * len(names)
    for k, (label, color) in enumerate(kinds):
        widths = []
        for c in names:
            tot = sum(counts[c])
            widths.append(counts[c][k] / tot if tot else 0.0)
        ax.barh(ys, widths, left=left, color=color, label=label, height=0.62)
        for y, x0, w in zip(ys, left, widths):
            if w >= 0.06:
                ax.text(x0 + w / 2, y, f"{w:.0%}", ha="center", va="center", fontsize=8,
                        color="white" if label != "neutral" else _TEXT)
        left = [a + b for a, b in zip(left, widths)]
    for y, c in zip(ys, names):
        tot = sum(counts[c])
        n = (net or {}).get(c)
        note = f"{tot} mentions" + (f", net {n:+.2f}" if n is not None else "")
        ax.text(1.01, y, note, va="center", fontsize=8, color=_TEXT)
    ax.set_yticks(ys, names)
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(_percent())
    ax.set_xlabel("share of the mentions")
    ax.tick_params(axis="y", length=0)
    for s in ("top", "right", "left"):
        ax.spines[s].set_visible(False)
    ax.legend(ncols=3, loc="lower left", bbox_to_anchor=(0.0, 1.0), fontsize=8)
    return _svg(fig)
