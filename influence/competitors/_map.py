"""The whole map: CompetitorMap, map_competitors and map_sector."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import ConfigError
from ..records import Actor, Interaction, Post
from ._cadence import Cadence, cadence
from ._common import SECTIONS, dataframe, week_number
from ._config import CompetitorConfig
from ._engagement import Engagement, engagement
from ._reputation import Reputation, reputation
from ._tagging import Tags, tag_posts
from ._topics import TopicMap, map_topics
from ._voice import ShareOfVoice, share_of_voice

# -- everything -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CompetitorMap:
    """The result of :func:`map_competitors`.

    Attributes
    ----------
    competitors : tuple of str
    topics : TopicMap
    cadence : dict of str to Cadence
    engagement : dict of str to Engagement
    share_of_voice : ShareOfVoice
    reputation : dict of str to Reputation
    tags : Tags
    params : dict
        The configuration, seed and analyser used.
    """

    competitors: tuple[str, ...]
    topics: TopicMap
    cadence: dict[str, Cadence]
    engagement: dict[str, Engagement]
    share_of_voice: ShareOfVoice
    reputation: dict[str, Reputation]
    tags: Tags = field(repr=False)
    params: dict = field(default_factory=dict)

    def competitor_dict(self, name: str, sections: Sequence[str] = SECTIONS) -> dict:
        """Every requested section about one competitor, as a JSON-ready dict."""
        out: dict[str, Any] = {"competitor": name}
        if "topics" in sections:
            tm = self.topics
            top = tm.top_topic(name)
            out["topics"] = {
                "top_topic": None if top is None else {"id": top.id, "label": top.label},
                "shares": [{"topic": t.id, "label": t.label, "share": round(s, 6)}
                           for t, s in zip(tm.topics, tm.shares.get(name, ())) if s > 0],
                "distinctive_terms": [{"term": t, "score": s}
                                      for t, s in tm.distinctive_terms.get(name, [])],
                "gaps": [{"topic": i, "label": tm.topics[i].label,
                          "sector_share": round(tm.topics[i].sector_share, 6)}
                         for i in tm.gaps.get(name, ())],
                # the posts these figures rest on, and why they are empty when withheld
                "posts": tm.posts.get(name),
                "note": tm.withheld.get(name),
            }
        if "cadence" in sections:
            out["cadence"] = self.cadence[name].to_dict()
        if "engagement" in sections:
            out["engagement"] = self.engagement[name].to_dict()
        if "share" in sections:
            out["share_of_voice"] = self.share_of_voice.of(name)
        if "reputation" in sections:
            out["reputation"] = self.reputation[name].to_dict()
        return out

    def to_dict(self, sections: Sequence[str] = SECTIONS) -> dict:
        """``{"competitors": [...], "topics": [...], "params": {...}}`` (JSON-ready)."""
        out: dict[str, Any] = {
            "competitors": [self.competitor_dict(n, sections) for n in self.competitors]}
        if "reputation" in sections and "sentiment_model" in self.params:
            out["sentiment_model"] = self.params["sentiment_model"]
        if "topics" in sections:
            out["topics"] = [t.to_dict() for t in self.topics.topics]
            out["topic_model"] = {"n_topics": self.topics.n_topics,
                                  "chosen_by": self.topics.chosen_by,
                                  "note": self.topics.note,
                                  "candidates": [{"k": k, "error": e}
                                                 for k, e in self.topics.candidates]}
        out["params"] = self.params
        return out

    def rows(self, section: str) -> list[dict]:
        """Flat rows of one section (for tables, CSV and DataFrames)."""
        if section == "topics":
            return self.topics.rows()
        if section == "cadence":
            return [self.cadence[n].row() for n in self.competitors]
        if section == "engagement":
            return [self.engagement[n].row() for n in self.competitors]
        if section == "share":
            return self.share_of_voice.rows()
        if section == "reputation":
            return [self.reputation[n].row() for n in self.competitors]
        raise ConfigError(f"unknown section {section!r}; choose from {', '.join(SECTIONS)}",
                          key="section")

    def to_dataframe(self, section: str):
        """One section as a pandas DataFrame (needs pandas)."""
        return dataframe(self.rows(section))


def map_competitors(posts: Iterable[Post], interactions: Iterable[Interaction],
                    actors: Iterable[Actor], competitors: Sequence[Any], *,
                    config: CompetitorConfig | None = None, analyzer: Any = None,
                    seed: int | None = 0, progress=None) -> CompetitorMap:
    """Map the competitors' content and the sector's conversation about them.

    Parameters
    ----------
    posts, interactions, actors : iterable of Post, Interaction, Actor
        A sector's records (e.g. ``store.posts()``...).
    competitors : sequence of influence.sector.Competitor
        At least one.
    config : CompetitorConfig, optional
    analyzer : SentimentAnalyzer, str, path or None
        Sentiment of the mentions: ``None`` / ``"lexicon"`` for the default
        :class:`influence.sentiment.LexiconAnalyzer`, a path for a model saved by
        :meth:`influence.sentiment.TrainedClassifier.save`, or any object with ``predict``.
    seed : int or None, default=0
        Seed of the topic model (sampling and NMF).
    progress : influence.progress.Progress, optional
        Told the steps "Tagging competitor posts", "Finding topics" and "Scoring sentiment".

    Returns
    -------
    CompetitorMap

    Raises
    ------
    ConfigError
        If no competitor is given, or two share a name.

    Notes
    -----
    The window of the weekly series runs from the week of the first to the week of the last
    timestamp among the competitors' posts, their mentions and their received interactions.
    Share of voice counts every interaction from someone else: bots' likes and mentions count
    like anyone's (filter them out of the store first if you know them).
    """
    from ..sentiment import analyzer_from, describe_analyzer

    cfg = config or CompetitorConfig()
    if not competitors:
        raise ConfigError("no competitors: declare [[competitors]] in the sector file",
                          key="competitors")
    names = [c.name for c in competitors]
    if len(set(names)) != len(names):
        raise ConfigError("two competitors share a name", key="competitors")
    sentiment = analyzer_from(analyzer)
    from ..progress import as_progress

    progress = as_progress(progress)
    progress.step("Tagging competitor posts")
    posts = list(posts)
    interactions = list(interactions)
    tags = tag_posts(posts, interactions, competitors, match_text=cfg.match_text)
    by_id = {p.id: p for p in posts}
    own: dict[str, list[Post]] = {n: [] for n in names}
    for p in posts:
        if p.id in tags.own:
            own[tags.own[p.id]].append(p)
    def posts_of(tagged: Mapping[str, Iterable[str]]) -> dict[str, list[Post]]:
        """``{competitor: [post, ...]}`` from ``{post id: competitors}``."""
        out: dict[str, list[Post]] = {n: [] for n in names}
        for pid, cs in tagged.items():
            p = by_id.get(pid)
            if p is not None:
                for n in cs:
                    out[n].append(p)
        return out

    mentioning = posts_of(tags.mentions)
    speaking = posts_of(tags.about)
    owner_of = {aid: c.name for c in competitors for aid in c.actor_ids}
    received: dict[str, list[float | None]] = {n: [] for n in names}
    for i in interactions:
        n = owner_of.get(i.target)
        if n is not None and owner_of.get(i.source) != n:
            received[n].append(i.timestamp)
    stamps = [p.timestamp for n in names for p in own[n] + mentioning[n]]
    stamps += [t for n in names for t in received[n]]
    stamps = [t for t in stamps if t is not None]
    weeks = range(week_number(min(stamps)), week_number(max(stamps)) + 1) if stamps else range(0)

    followers = {a.id: a.followers for a in actors}
    sector_posts = [p for p in posts if p.id not in tags.own]
    progress.step("Finding topics")
    topics = map_topics(own, sector_posts, config=cfg, seed=seed)
    progress.step("Scoring sentiment")
    # one analyser call for all mentions: models are much faster on batches
    mention_posts = sorted({p.id: p for n in names for p in speaking[n]}.values(),
                           key=lambda p: p.id)
    labels = sentiment.predict([f"{p.title or ''} {p.text or ''}".strip() for p in mention_posts],
                               [p.language for p in mention_posts]) if mention_posts else []
    label_of = dict(zip((p.id for p in mention_posts), labels))
    left_out = Counter(n for cs in tags.shared.values() for n in cs)
    rep = {}
    for n in names:
        ms = sorted(speaking[n], key=lambda p: (p.timestamp or 0.0, p.id))
        rep[n] = reputation(n, ms, [label_of[p.id] for p in ms], weeks,
                            shares_left_out=left_out.get(n, 0))
    return CompetitorMap(
        competitors=tuple(names),
        topics=topics,
        cadence={n: cadence(n, own[n], weeks, min_posts=cfg.min_posts) for n in names},
        engagement={n: engagement(n, own[n], followers, top=cfg.top_posts) for n in names},
        share_of_voice=share_of_voice(names, {n: [p.timestamp for p in mentioning[n]]
                                              for n in names}, received, weeks),
        reputation=rep,
        tags=tags,
        params={"config": cfg.to_dict(), "seed": seed,
                "analyzer": type(sentiment).__name__,
                # which model produced the reputation figures, and for the generic lexicon how
                # to train one on the sector's own labels (issue 16)
                "sentiment_model": describe_analyzer(sentiment)},
    )


def map_sector(sector: Any, *, config: CompetitorConfig | None = None, analyzer: Any = None,
               seed: int | None = 0, progress=None) -> CompetitorMap:
    """:func:`map_competitors` on an open sector's store and declared competitors.

    Parameters
    ----------
    sector : influence.sector.Sector
        Opened with :func:`influence.open_sector`.
    config, analyzer, seed, progress
        As in :func:`map_competitors`; ``config.languages`` defaults to the sector's languages.
    """
    from ..errors import StoreError

    if sector.store is None:
        raise StoreError(f"sector {sector.name}: the store is not open (use open_sector)")
    if config is None and sector.languages:
        config = CompetitorConfig(languages=tuple(sector.languages))
    store = sector.store
    return map_competitors(store.posts(), store.interactions(), store.actors(),
                           sector.competitors, config=config, analyzer=analyzer, seed=seed,
                           progress=progress)
