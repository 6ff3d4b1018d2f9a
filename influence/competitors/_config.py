"""CompetitorConfig: the parameters of a competitor map, validated."""

from __future__ import annotations

from dataclasses import dataclass, fields

from ..validation import check, invalid, number, optional, whole
from ._common import MIN_POSTS

# -- configuration --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CompetitorConfig:
    """Parameters of :func:`map_competitors`.

    Parameters
    ----------
    n_topics : int or None, default=None
        Number of NMF topics; ``None`` chooses it (see :func:`map_topics`).
    min_topics, max_topics : int, default=2, 40
        Range searched when ``n_topics`` is None (see :func:`map_topics`).
    topic_terms : int, default=8
        Terms listed per topic (the label is the first three).
    distinctive_terms : int, default=10
        Distinctive terms listed per competitor.
    sector_posts : int or None, default=None
        Posts of the sector (not by a competitor) sampled into the topic model. ``None``: as many
        as the competitors' own posts, at least 500, so that the brands' content is not drowned
        by the sector's conversation while the sector's topics are still there to find gaps.
    gap_sector_share : float, default=0.05
        A topic with at least this share of the sector's conversation...
    gap_max_share : float, default=0.01
        ...is a content gap of a competitor whose content gives it less than this share.
    top_posts : int, default=5
        Top posts listed per competitor (engagement).
    match_text : bool, default=True
        Also find mentions by name / handle / domain in text (not only by interactions).
    languages : tuple of str, default=("es", "en")
        Stop-word languages of the topic model and distinctive terms.
    min_posts : int, default=5
        Fewest posts a competitor's topics (shares, top topic, distinctive terms, content gaps)
        and its publishing pattern (busiest day and hour, gaps between posts) are claimed on;
        below it they are left empty with a note "too few posts (n=...)". Under five posts a
        single post is over a fifth of every share, so one post decides the top topic and the
        busiest day. See :data:`MIN_POSTS`.
    """

    n_topics: int | None = None
    min_topics: int = 2
    max_topics: int = 40
    topic_terms: int = 8
    distinctive_terms: int = 10
    sector_posts: int | None = None
    gap_sector_share: float = 0.05
    gap_max_share: float = 0.01
    top_posts: int = 5
    match_text: bool = True
    languages: tuple[str, ...] = ("es", "en")
    min_posts: int = MIN_POSTS

    def __post_init__(self) -> None:
        for name, checker in _CONSTRAINTS.items():
            check(name, checker, getattr(self, name))
        if self.max_topics < self.min_topics:
            raise invalid("max_topics", f"a whole number >= min_topics ({self.min_topics})",
                          self.max_topics)
        object.__setattr__(self, "languages", tuple(self.languages))

    def to_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


#: What each parameter may be (checked in ``__post_init__``, so ``dataclasses.replace`` too).
_CONSTRAINTS = {
    "n_topics": optional(whole(1)),
    "min_topics": whole(1),
    "max_topics": whole(1),
    "topic_terms": whole(0),
    "distinctive_terms": whole(0),
    "top_posts": whole(0),
    "sector_posts": optional(whole(0)),
    "gap_sector_share": number(0, 1),
    "gap_max_share": number(0, 1),
    "min_posts": whole(1),
}
