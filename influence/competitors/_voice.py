"""Share of voice: each competitor's share of the sector's mentions, week by week."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ._cadence import rounded
from ._common import dataframe, trend_slope, week_label, week_number

# -- share of voice -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShareOfVoice:
    """Each competitor's share of the sector's mentions and of the interactions it receives.

    Attributes
    ----------
    mentions, interactions : dict of str to int
        Posts by others mentioning each competitor; interactions from others targeting its
        accounts (every kind: likes, reshares, replies, mentions, links, follows...).
    mention_share, interaction_share : dict of str to float
        The same over the total of all competitors (0 when the total is 0).
    weeks : tuple of str
        Monday of each week of the window.
    weekly_mentions, weekly_interactions : dict of str to tuple of int
    weekly_mention_share, weekly_interaction_share : dict of str to tuple of float or None
        Share per week (None in a week with no mention / interaction of any competitor).
    mention_trend, interaction_trend : dict of str to float or None
        Least-squares slope of the weekly share, in share points per week (+0.01: one more
        percentage point each week).
    """

    mentions: dict[str, int]
    interactions: dict[str, int]
    mention_share: dict[str, float]
    interaction_share: dict[str, float]
    weeks: tuple[str, ...]
    weekly_mentions: dict[str, tuple[int, ...]]
    weekly_interactions: dict[str, tuple[int, ...]]
    weekly_mention_share: dict[str, tuple[float | None, ...]]
    weekly_interaction_share: dict[str, tuple[float | None, ...]]
    mention_trend: dict[str, float | None]
    interaction_trend: dict[str, float | None]

    def of(self, name: str) -> dict:
        """Everything about one competitor, as a dict."""
        return {
            "mentions": self.mentions[name], "mention_share": round(self.mention_share[name], 6),
            "interactions": self.interactions[name],
            "interaction_share": round(self.interaction_share[name], 6),
            "mention_trend": rounded(self.mention_trend[name], 6),
            "interaction_trend": rounded(self.interaction_trend[name], 6),
            "weekly": [{"week": w, "mentions": m, "interactions": i,
                        "mention_share": rounded(ms, 6), "interaction_share": rounded(is_, 6)}
                       for w, m, i, ms, is_ in zip(
                           self.weeks, self.weekly_mentions[name],
                           self.weekly_interactions[name], self.weekly_mention_share[name],
                           self.weekly_interaction_share[name])],
        }

    def rows(self) -> list[dict]:
        return [{"competitor": n, **{k: v for k, v in self.of(n).items() if k != "weekly"}}
                for n in self.mentions]

    def to_dataframe(self):
        """A pandas DataFrame of :meth:`rows` (needs pandas)."""
        return dataframe(self.rows())


def _shares(counts: Mapping[str, int]) -> dict[str, float]:
    total = sum(counts.values())
    return {n: (c / total if total else 0.0) for n, c in counts.items()}


def share_of_voice(names: Sequence[str], mention_times: Mapping[str, Sequence[float | None]],
                   interaction_times: Mapping[str, Sequence[float | None]],
                   weeks: range) -> ShareOfVoice:
    """Share of voice from the times of each competitor's mentions and received interactions.

    Examples
    --------
    >>> w0 = 345600.0
    >>> sov = share_of_voice(["A", "B"], {"A": [w0, w0], "B": [w0 + 7 * 86400]},
    ...                      {"A": [w0], "B": [None]}, range(0, 2))
    >>> sov.mention_share, sov.weekly_mention_share["A"], sov.mention_trend["A"]
    ({'A': 0.6666666666666666, 'B': 0.3333333333333333}, (1.0, 0.0), -1.0)
    """
    wk = list(weeks)

    def weekly(times):
        c = Counter(week_number(t) for t in times if t is not None)
        return tuple(c.get(w, 0) for w in wk)

    def shares_by_week(per: dict[str, tuple[int, ...]]):
        totals = [sum(per[n][i] for n in names) for i in range(len(wk))]
        return {n: tuple((per[n][i] / totals[i]) if totals[i] else None for i in range(len(wk)))
                for n in names}

    wm = {n: weekly(mention_times.get(n, ())) for n in names}
    wi = {n: weekly(interaction_times.get(n, ())) for n in names}
    wms, wis = shares_by_week(wm), shares_by_week(wi)
    mentions = {n: len(mention_times.get(n, ())) for n in names}
    inter = {n: len(interaction_times.get(n, ())) for n in names}
    return ShareOfVoice(
        mentions=mentions, interactions=inter, mention_share=_shares(mentions),
        interaction_share=_shares(inter), weeks=tuple(week_label(w) for w in wk),
        weekly_mentions=wm, weekly_interactions=wi, weekly_mention_share=wms,
        weekly_interaction_share=wis,
        mention_trend={n: trend_slope(wms[n]) for n in names},
        interaction_trend={n: trend_slope(wis[n]) for n in names},
    )
