"""Cadence: how often and when each competitor publishes."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timezone

from ..records import Post
from ._common import MIN_POSTS, WEEKDAYS, too_few, week_label, week_number

# -- cadence --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cadence:
    """How often and when a competitor publishes (times in UTC).

    Attributes
    ----------
    competitor : str
    posts : int
        Own posts (with or without a timestamp).
    dated_posts : int
        Those with a timestamp: what the calendar, busiest day and hour and gaps rest on.
    weekly : tuple of (str, int)
        ``(Monday's date, posts)`` for every week of the analysed window.
    posts_per_week : float
        Mean over the window's weeks.
    weekly_sd : float
        Standard deviation of the weekly counts.
    calendar : tuple of tuple of int
        7 x 24 post counts, Monday first, by UTC hour.
    busiest_day : str or None
    busiest_hour : int or None
        UTC hour with the most posts.
    median_gap_hours, max_gap_hours : float or None
        Time between consecutive posts.
    gap_cv : float or None
        Regularity: coefficient of variation of the gaps (0 = clockwork; about 1 = random
        Poisson publishing; above 1 = bursts and silences).
        These five are None under ``min_posts`` dated posts (see ``note``).
    active_weeks : float
        Share of the window's weeks with at least one post.
    formats : dict of str to int
        Posts per content format where the source says (``text``, ``link``, ``image``,
        ``video``); ``unknown`` otherwise.
    note : str or None
        Why the busiest day and hour and the gaps are not given ("too few posts (n=1); at
        least 5 needed"), None when they are.
    """

    competitor: str
    posts: int
    weekly: tuple[tuple[str, int], ...]
    posts_per_week: float
    weekly_sd: float
    calendar: tuple[tuple[int, ...], ...]
    busiest_day: str | None
    busiest_hour: int | None
    median_gap_hours: float | None
    max_gap_hours: float | None
    gap_cv: float | None
    active_weeks: float
    formats: dict[str, int]
    dated_posts: int = 0
    note: str | None = None

    def to_dict(self) -> dict:
        d = asdict(self)
        d["weekly"] = [{"week": w, "posts": n} for w, n in self.weekly]
        d["calendar"] = {day: list(row) for day, row in zip(WEEKDAYS, self.calendar)}
        return d

    def row(self) -> dict:
        return {"competitor": self.competitor, "posts": self.posts,
                "dated_posts": self.dated_posts, "posts_per_week": round(self.posts_per_week, 3),
                "weekly_sd": round(self.weekly_sd, 3), "busiest_day": self.busiest_day,
                "busiest_hour": self.busiest_hour,
                "median_gap_hours": rounded(self.median_gap_hours),
                "max_gap_hours": rounded(self.max_gap_hours), "gap_cv": rounded(self.gap_cv),
                "active_weeks": round(self.active_weeks, 3),
                "formats": ", ".join(f"{k} {v}" for k, v in self.formats.items()),
                "note": self.note or ""}


def rounded(x: float | None, n: int = 3) -> float | None:
    return None if x is None else round(x, n)


def cadence(name: str, posts: Sequence[Post], weeks: range, *,
            min_posts: int = MIN_POSTS) -> Cadence:
    """The publishing cadence of one competitor's ``posts`` over ``weeks`` (week numbers).

    Under ``min_posts`` dated posts, the busiest day and hour and the gaps are None and
    ``note`` says why; the counts (posts per week, calendar, formats) are still given.

    Examples
    --------
    >>> day = 86400.0
    >>> ps = [Post(f"p{i}", "web:a.example", timestamp=345600 + i * 3.5 * day + 9 * 3600,
    ...            format="link") for i in range(6)]
    >>> c = cadence("A", ps, range(0, 3))
    >>> c.posts_per_week, c.gap_cv, c.busiest_hour, c.formats
    (2.0, 0.0, 9, {'link': 6})
    >>> one = cadence("A", ps[:1], range(0, 3))
    >>> one.busiest_day, one.note
    (None, 'too few posts (n=1); at least 5 needed')
    """
    stamps = sorted(p.timestamp for p in posts if p.timestamp is not None)
    enough = len(stamps) >= min_posts
    per_week = Counter(week_number(t) for t in stamps)
    weekly = tuple((week_label(w), per_week.get(w, 0)) for w in weeks)
    counts = [n for _, n in weekly]
    cal = [[0] * 24 for _ in range(7)]
    for t in stamps:
        dt = datetime.fromtimestamp(t, tz=timezone.utc)
        cal[dt.weekday()][dt.hour] += 1
    day_tot = [sum(r) for r in cal]
    hour_tot = [sum(cal[d][h] for d in range(7)) for h in range(24)]
    gaps = [(b - a) / 3600.0 for a, b in zip(stamps, stamps[1:])]
    mean_gap = statistics.fmean(gaps) if gaps else None
    formats = Counter((p.format or "unknown") for p in posts)
    if not enough:
        gaps = []
    return Cadence(
        competitor=name,
        posts=len(posts),
        weekly=weekly,
        posts_per_week=statistics.fmean(counts) if counts else 0.0,
        weekly_sd=statistics.pstdev(counts) if counts else 0.0,
        calendar=tuple(tuple(r) for r in cal),
        busiest_day=WEEKDAYS[day_tot.index(max(day_tot))] if stamps and enough else None,
        busiest_hour=hour_tot.index(max(hour_tot)) if stamps and enough else None,
        median_gap_hours=statistics.median(gaps) if gaps else None,
        max_gap_hours=max(gaps) if gaps else None,
        gap_cv=(statistics.pstdev(gaps) / mean_gap) if gaps and mean_gap else None,
        active_weeks=(sum(1 for n in counts if n) / len(counts)) if counts else 0.0,
        formats=dict(sorted(formats.items(), key=lambda kv: (-kv[1], kv[0]))),
        dated_posts=len(stamps),
        note=None if enough else too_few(len(stamps), min_posts),
    )
