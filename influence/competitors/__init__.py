"""Competitor content mapping: topics, cadence, engagement, share of voice and reputation.

:func:`map_competitors` is a pure function of a sector's records (posts, interactions, actors),
its declared competitors and a :class:`CompetitorConfig`; :func:`map_sector` reads them from an
open sector's store. The result, a :class:`CompetitorMap`, holds one section per question a
community manager asks:

=================== ==========================================================================
section             what it answers
=================== ==========================================================================
``topics``          what competitors and the sector talk about: NMF topics over TF-IDF, each
                    competitor's share of each topic, its distinctive terms, its content gaps
``cadence``         how often and when each competitor publishes: posts per week, a weekday x
                    hour calendar (UTC), gaps between posts, content formats
``engagement``      what works: likes, reshares, replies per post, per 1,000 followers where
                    follower counts are known, top posts with links
``share``           share of voice: each competitor's share of the sector's mentions and of the
                    interactions it receives, week by week, with a trend
``reputation``      what the sector says about each competitor: positive / negative / neutral
                    posts about it, net sentiment and its weekly trend
=================== ==========================================================================

Tagging
-------
A post is a competitor's **own content** when its author is one of the competitor's accounts
(``handles``, ``web:<domain>``) or a web page on one of its domains (sub-domains included).
A post by anyone else **mentions** a competitor when a ``mention``, ``link``, ``quote``,
``reply`` or ``comment`` interaction carried by that post targets one of the competitor's
accounts, or when its text or title names it: the competitor's name, its ``keywords``, its
``@handles`` or its domains, matched case- and accent-insensitively on word boundaries
(``"cafe aurora"`` finds "Café Aurora" and "CAFÉ AURORA", not "cafeauroras"). Every mention
counts in share of voice. Reputation reads only the mentions that speak **about** the
competitor (:attr:`Tags.about`): they name it (name, keywords, ``@handle``) or carry a
``mention`` interaction to it, and do not just pass on its content (``link``, ``quote`` and
``reshare`` interactions to it, or a retweet written "RT @handle"; :attr:`Tags.shared`, counted
in ``Reputation.shares_left_out``): "Worth reading: @brand on kettles" is a share of the
brand's article, "RT @brand: new kettles" the brand's own words and a reply "Totally agree."
to its post a reaction to that post, not an opinion of the brand.

Too few posts
-------------
Topics (shares, distinctive terms, gaps) and the publishing pattern (busiest day and hour,
gaps between posts) of a competitor with fewer than ``CompetitorConfig.min_posts`` (5) posts
are left empty, with a note "too few posts (n=1); at least 5 needed": one post would decide
them. :func:`unmatched_handles` lists declared handles that no stored actor has (typos).

Examples
--------
>>> import influence
>>> sector = influence.open_sector("demo")
>>> cmap = map_sector(sector, config=CompetitorConfig(n_topics=8))
>>> sorted(cmap.competitors)
['Bean Theory', 'Café Aurora', 'Molienda Norte', 'Tostadores del Sur']
>>> cmap.cadence["Bean Theory"].busiest_day
'Sunday'
>>> cmap.reputation["Café Aurora"].net > cmap.reputation["Bean Theory"].net
True
"""

from __future__ import annotations

from ._cadence import Cadence, cadence
from ._common import SECTIONS
from ._config import CompetitorConfig
from ._engagement import Engagement, PostEngagement, engagement
from ._handles import UnmatchedHandle, unmatched_handles
from ._map import CompetitorMap, map_competitors, map_sector
from ._reputation import Reputation, reputation
from ._tagging import Tags, tag_posts
from ._topics import Topic, TopicMap, map_topics
from ._voice import ShareOfVoice, share_of_voice

__all__ = [
    "SECTIONS",
    "Cadence",
    "CompetitorConfig",
    "CompetitorMap",
    "Engagement",
    "PostEngagement",
    "Reputation",
    "ShareOfVoice",
    "Tags",
    "Topic",
    "TopicMap",
    "UnmatchedHandle",
    "cadence",
    "engagement",
    "map_competitors",
    "map_sector",
    "map_topics",
    "reputation",
    "share_of_voice",
    "tag_posts",
    "unmatched_handles",
]
