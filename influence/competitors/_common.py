"""Helpers shared by the competitor analyses: weeks, trends, the section names, data frames."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone

from ..records import Kind

#: The sections of a :class:`CompetitorMap`, in output order.
SECTIONS: tuple[str, ...] = ("topics", "cadence", "engagement", "share", "reputation")

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WEEK = 7 * 86400.0
_MONDAY0 = 4 * 86400.0  # 1970-01-05 00:00 UTC, the first Monday of the epoch: weeks start Monday
#: Fewest posts topics and publishing patterns are claimed on (``CompetitorConfig.min_posts``).
MIN_POSTS = 5


def too_few(n: int, minimum: int) -> str:
    """The note that replaces a figure resting on ``n`` posts, fewer than ``minimum``.

    >>> too_few(1, 5)
    'too few posts (n=1); at least 5 needed'
    """
    return f"too few posts (n={n}); at least {minimum} needed"


#: Interaction kinds whose ``post`` is the source's own new post (so it mentions the target).
CARRIED_KINDS = frozenset({Kind.MENTION, Kind.LINK, Kind.QUOTE, Kind.REPLY, Kind.COMMENT})


def week_number(ts: float) -> int:
    return int((ts - _MONDAY0) // _WEEK)


def week_label(w: int) -> str:
    return datetime.fromtimestamp(_MONDAY0 + w * _WEEK, tz=timezone.utc).date().isoformat()


def trend_slope(ys: Sequence[float], weights: Sequence[float] | None = None) -> float | None:
    """Least-squares slope of ``ys`` against 0, 1, 2... (per week); None under two points."""
    pts = [(i, y, 1.0 if weights is None else weights[i]) for i, y in enumerate(ys)
           if y is not None and (weights is None or weights[i] > 0)]
    if len(pts) < 2:
        return None
    sw = sum(w for *_, w in pts)
    mx = sum(x * w for x, _, w in pts) / sw
    my = sum(y * w for _, y, w in pts) / sw
    sxx = sum(w * (x - mx) ** 2 for x, _, w in pts)
    if sxx == 0:
        return None
    return sum(w * (x - mx) * (y - my) for x, y, w in pts) / sxx


def dataframe(rows: list[dict]):
    try:
        import pandas as pd
    except ImportError:  # pandas is optional
        raise ImportError("to_dataframe() needs pandas, which is not installed: "
                          "pip install pandas (or pip install 'influence[pandas]')") from None
    return pd.DataFrame(rows)
