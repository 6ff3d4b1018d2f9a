"""Engagement: likes, reshares and replies per post and per 1,000 followers."""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass

from ..records import Post, format_timestamp
from ._cadence import rounded

# -- engagement -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PostEngagement:
    """Engagement of one post: the platform's counts (``None`` when unknown)."""

    post: str
    author: str
    url: str | None
    published: str | None
    text: str
    likes: int | None
    reshares: int | None
    replies: int | None
    engagement: int
    per_1k_followers: float | None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Engagement:
    """What a competitor's content gets back.

    Attributes
    ----------
    competitor : str
    posts : int
    measured_posts : int
        Posts with at least one known count (web pages often have none).
    likes, reshares, replies : int
        Totals over the measured posts.
    mean_engagement, median_engagement : float or None
        Per measured post: likes + reshares + replies (the counts known).
    per_1k_followers : float or None
        Mean engagement per 1,000 followers of the posting account, over the posts whose
        account's follower count is known.
    followers : int or None
        Followers of its accounts (where known).
    top_posts : tuple of PostEngagement
    """

    competitor: str
    posts: int
    measured_posts: int
    likes: int
    reshares: int
    replies: int
    mean_engagement: float | None
    median_engagement: float | None
    per_1k_followers: float | None
    followers: int | None
    top_posts: tuple[PostEngagement, ...]

    def to_dict(self) -> dict:
        d = asdict(self)
        d["top_posts"] = [p.to_dict() for p in self.top_posts]
        return d

    def row(self) -> dict:
        best = self.top_posts[0] if self.top_posts else None
        return {"competitor": self.competitor, "posts": self.posts,
                "measured_posts": self.measured_posts, "likes": self.likes,
                "reshares": self.reshares, "replies": self.replies,
                "mean_engagement": rounded(self.mean_engagement),
                "median_engagement": rounded(self.median_engagement),
                "per_1k_followers": rounded(self.per_1k_followers, 4), "followers": self.followers,
                "top_post": (best.url or best.post) if best else None}


def engagement(name: str, posts: Sequence[Post], followers: Mapping[str, int | None], *,
               top: int = 5) -> Engagement:
    """Engagement of one competitor's ``posts``; ``followers`` maps actor id -> followers.

    Examples
    --------
    >>> ps = [Post("a", "mastodon:@b@x.example", likes=10, reshares=2, replies=0),
    ...       Post("b", "mastodon:@b@x.example", likes=4, reshares=None, replies=1),
    ...       Post("c", "web:b.example")]
    >>> e = engagement("B", ps, {"mastodon:@b@x.example": 1000})
    >>> e.measured_posts, e.mean_engagement, e.per_1k_followers, e.top_posts[0].post
    (2, 8.5, 8.5, 'a')
    """
    scored = []
    for p in posts:
        known = [v for v in (p.likes, p.reshares, p.replies) if v is not None]
        if not known:
            continue
        eng = sum(known)
        f = followers.get(p.author)
        text = " ".join((p.title or p.text or "").split())
        scored.append(PostEngagement(
            post=p.id, author=p.author, url=p.url, published=format_timestamp(p.timestamp),
            text=text[:160], likes=p.likes, reshares=p.reshares, replies=p.replies,
            engagement=eng, per_1k_followers=(1000.0 * eng / f) if f else None))
    values = [s.engagement for s in scored]
    per_f = [s.per_1k_followers for s in scored if s.per_1k_followers is not None]
    accounts = {p.author for p in posts}
    known_f = [followers[a] for a in accounts if followers.get(a) is not None]
    scored.sort(key=lambda s: (-s.engagement, s.post))
    return Engagement(
        competitor=name, posts=len(posts), measured_posts=len(scored),
        likes=sum(s.likes or 0 for s in scored), reshares=sum(s.reshares or 0 for s in scored),
        replies=sum(s.replies or 0 for s in scored),
        mean_engagement=statistics.fmean(values) if values else None,
        median_engagement=statistics.median(values) if values else None,
        per_1k_followers=statistics.fmean(per_f) if per_f else None,
        followers=sum(known_f) if known_f else None,
        top_posts=tuple(scored[:top]),
    )
