"""Reputation: positive, negative and neutral mentions and their trend."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from ..records import Post
from ._cadence import rounded
from ._common import trend_slope, week_label, week_number

# -- reputation -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reputation:
    """What the sector says about a competitor.

    Attributes
    ----------
    competitor : str
    mentions : int
        Posts by others that speak about it (:attr:`Tags.about`): share of voice counts every
        mention, reputation only these. Shown as ``posts_about`` in tables and JSON (the JSON
        keeps ``mentions`` too), so as not to be read as share of voice's ``mentions``.
    positive, negative, neutral : int
    net : float or None
        ``(positive - negative) / mentions``, in [-1, 1].
    by_language : dict of str to dict
        The same counts and net per post language (``unknown`` where not known).
    weekly : tuple of (str, int, float or None)
        ``(Monday's date, mentions, net)`` per week.
    trend : float or None
        Least-squares slope of the weekly net, weighted by each week's mentions (net points per
        week).
    shares_left_out : int
        Mentions left out because they only pass on its own content: retweets ("RT @brand"),
        reshares, quotes and shared links (:attr:`Tags.shared`).
    """

    competitor: str
    mentions: int
    positive: int
    negative: int
    neutral: int
    net: float | None
    by_language: dict[str, dict]
    weekly: tuple[tuple[str, int, float | None], ...]
    trend: float | None
    shares_left_out: int = 0

    @property
    def posts_about(self) -> int:
        """:attr:`mentions` under the name tables and JSON give it."""
        return self.mentions

    def to_dict(self) -> dict:
        d = asdict(self)
        # "mentions" is kept for readers of earlier output; "posts_about" is the same number
        d["posts_about"] = self.mentions
        d["by_language"] = {k: {"posts_about": v["mentions"], **v}
                            for k, v in self.by_language.items()}
        d["weekly"] = [{"week": w, "posts_about": n, "mentions": n, "net": rounded(net, 6)}
                       for w, n, net in self.weekly]
        d["net"], d["trend"] = rounded(self.net, 6), rounded(self.trend, 6)
        return d

    def row(self) -> dict:
        return {"competitor": self.competitor, "posts_about": self.mentions,
                "positive": self.positive, "negative": self.negative, "neutral": self.neutral,
                "net": rounded(self.net), "trend": rounded(self.trend, 5),
                "shares_left_out": self.shares_left_out,
                "languages": ", ".join(f"{k} {v['mentions']}" for k, v in self.by_language.items())}


def _counts(labels: Sequence[str]) -> dict:
    c = Counter(labels)
    n = len(labels)
    return {"mentions": n, "positive": c["positive"], "negative": c["negative"],
            "neutral": c["neutral"],
            "net": round((c["positive"] - c["negative"]) / n, 6) if n else None}


def reputation(name: str, mentions: Sequence[Post], labels: Sequence[str],
               weeks: range, *, shares_left_out: int = 0) -> Reputation:
    """Reputation of one competitor from the sentiment ``labels`` of the posts about it.

    ``shares_left_out`` is the number of its mentions already left out of ``mentions`` because
    they pass on its own content (reported, not used).

    Examples
    --------
    >>> ps = [Post(f"p{i}", "mastodon:@a@x.example", timestamp=345600.0, language="en")
    ...       for i in range(4)]
    >>> r = reputation("A", ps, ["positive", "positive", "negative", "neutral"], range(0, 1))
    >>> r.net, r.by_language["en"]["positive"]
    (0.25, 2)
    """
    c = _counts(list(labels))
    by_lang: dict[str, list[str]] = defaultdict(list)
    by_week: dict[int, list[str]] = defaultdict(list)
    for p, lab in zip(mentions, labels):
        by_lang[p.language or "unknown"].append(lab)
        if p.timestamp is not None:
            by_week[week_number(p.timestamp)].append(lab)
    weekly = []
    for w in weeks:
        wc = _counts(by_week.get(w, []))
        weekly.append((week_label(w), wc["mentions"], wc["net"]))
    return Reputation(
        competitor=name, mentions=c["mentions"], positive=c["positive"], negative=c["negative"],
        neutral=c["neutral"], net=c["net"],
        by_language={k: _counts(v) for k, v in sorted(by_lang.items())},
        weekly=tuple(weekly),
        trend=trend_slope([net for _, _, net in weekly], [n for _, n, _ in weekly]),
        shares_left_out=shares_left_out,
    )
