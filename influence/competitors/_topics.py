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
                    mentions, net sentiment and its weekly trend
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
``mention`` interaction to it, and do not just share or quote its content (``link`` and
``quote`` interactions): "Worth reading: @brand on kettles" is a share of the brand's article
and a reply "Totally agree." to its post a reaction to that post, not an opinion of the brand.

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

import math
import re
import statistics
import warnings
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime, timezone
from typing import Any

from .errors import ConfigError
from .records import Actor, Interaction, Kind, Post, format_timestamp, split_actor_id
from .text import extract_domains, fold, tokenize, top_terms

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
    "cadence",
    "engagement",
    "map_competitors",
    "map_sector",
    "map_topics",
    "reputation",
    "share_of_voice",
    "tag_posts",
]

#: The sections of a :class:`CompetitorMap`, in output order.
SECTIONS: tuple[str, ...] = ("topics", "cadence", "engagement", "share", "reputation")

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WEEK = 7 * 86400.0
_MONDAY0 = 4 * 86400.0  # 1970-01-05 00:00 UTC, the first Monday of the epoch: weeks start Monday
#: Interaction kinds whose ``post`` is the source's own new post (so it mentions the target).
_CARRIED = frozenset({Kind.MENTION, Kind.LINK, Kind.QUOTE, Kind.REPLY, Kind.COMMENT})


def _week(ts: float) -> int:
    return int((ts - _MONDAY0) // _WEEK)


def _week_label(w: int) -> str:
    return datetime.fromtimestamp(_MONDAY0 + w * _WEEK, tz=timezone.utc).date().isoformat()


def _slope(ys: Sequence[float], weights: Sequence[float] | None = None) -> float | None:
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


def _dataframe(rows: list[dict]):
    try:
        import pandas as pd
    except ImportError:  # pandas is optional
        raise ImportError("to_dataframe() needs pandas, which is not installed: "
                          "pip install pandas (or pip install 'influence[pandas]')") from None
    return pd.DataFrame(rows)


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

    def __post_init__(self) -> None:
        def bad(name, what):
            raise ConfigError(f"The {name!r} parameter of CompetitorConfig must be {what}. "
                              f"Got {getattr(self, name)!r} instead.", key=name)

        def is_int(v):
            return isinstance(v, int) and not isinstance(v, bool)

        if self.n_topics is not None and not (is_int(self.n_topics) and self.n_topics >= 1):
            bad("n_topics", "an int >= 1 or None")
        for name in ("min_topics", "max_topics"):
            if not (is_int(getattr(self, name)) and getattr(self, name) >= 1):
                bad(name, "an int >= 1")
        if self.max_topics < self.min_topics:
            bad("max_topics", f">= min_topics ({self.min_topics})")
        for name in ("topic_terms", "distinctive_terms", "top_posts"):
            if not (is_int(getattr(self, name)) and getattr(self, name) >= 0):
                bad(name, "an int >= 0")
        if self.sector_posts is not None and not (is_int(self.sector_posts)
                                                  and self.sector_posts >= 0):
            bad("sector_posts", "an int >= 0 or None")
        for name in ("gap_sector_share", "gap_max_share"):
            v = getattr(self, name)
            if not (isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v <= 1):
                bad(name, "a float in [0, 1]")
        object.__setattr__(self, "languages", tuple(self.languages))

    def to_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


# -- tagging --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tags:
    """Which posts are competitors' own content and which mention them.

    Attributes
    ----------
    own : dict of str to str
        Post id -> the competitor that published it.
    mentions : dict of str to tuple of str
        Post id (by someone else) -> the competitors it mentions, sorted.
    about : dict of str to tuple of str
        The mentions that speak *about* a competitor, the ones its reputation is read from:
        the post names it in its text (name, keywords, ``@handle``) or carries a ``mention``
        interaction to it, and does not merely share or quote its content (a ``link`` or
        ``quote`` interaction to it). A reply that does not name it, a shared link to its
        article ("Worth reading: ... https://brand.example/p/1") and a quote are reactions to
        its content: they count in share of voice, not in reputation.
    """

    own: dict[str, str]
    mentions: dict[str, tuple[str, ...]]
    about: dict[str, tuple[str, ...]] = field(default_factory=dict)


def _text_patterns(competitors, *, domains: bool = True) -> dict[str, re.Pattern]:
    """A regex per competitor for its name, keywords, @handles (and, with ``domains``, its web
    domains and domain-style handles) in accent-folded text."""
    out = {}
    for c in competitors:
        terms = {fold(c.name)} | {fold(k) for k in getattr(c, "keywords", ())}
        for aid in c.handles:
            handle = split_actor_id(aid)[1]
            h = fold(handle.lstrip("@"))
            terms.add("@" + h)
            if "@" in h:  # fediverse user@host: "@user" alone names it too
                terms.add("@" + h.split("@")[0])
            elif "." in h and domains:  # bluesky-style domain handle
                terms.add(h)
        if domains:
            terms |= {fold(d) for d in c.domains}
        terms = sorted((t for t in terms if t.strip("@")), key=len, reverse=True)
        if terms:
            alt = "|".join(re.escape(t) for t in terms)
            out[c.name] = re.compile(rf"(?<![\w@.])(?:{alt})(?![\w])")
    return out


def _domain_owner(host: str, domains: Mapping[str, str]) -> str | None:
    host = host.lower()
    while host:
        if host in domains:
            return domains[host]
        host = host.partition(".")[2]
    return None


def tag_posts(posts: Iterable[Post], interactions: Iterable[Interaction],
              competitors: Sequence[Any], *, match_text: bool = True) -> Tags:
    """Tag competitors' own posts and the sector's posts that mention them.

    Parameters
    ----------
    posts : iterable of Post
    interactions : iterable of Interaction
    competitors : sequence of influence.sector.Competitor
    match_text : bool, default=True
        Also match names, keywords, @handles and domains in text and titles.

    Returns
    -------
    Tags

    Examples
    --------
    >>> from influence.sector import Competitor
    >>> aurora = Competitor("Café Aurora", handles=("mastodon:@cafeaurora@cafes.example",),
    ...                     domains=("cafeaurora.example",))
    >>> posts = [Post("p1", "web:blog.cafeaurora.example", text="Nuevo lote"),
    ...          Post("p2", "mastodon:@ana@x.example", text="Me encanta CAFE AURORA"),
    ...          Post("p3", "mastodon:@bo@x.example", text="hola @cafeaurora"),
    ...          Post("p4", "mastodon:@cy@x.example", text="cafeauroras everywhere")]
    >>> tags = tag_posts(posts, [], [aurora])
    >>> tags.own, tags.mentions
    ({'p1': 'Café Aurora'}, {'p2': ('Café Aurora',), 'p3': ('Café Aurora',)})
    >>> sorted(tags.about)
    ['p2', 'p3']
    """
    owner_of: dict[str, str] = {}
    domains: dict[str, str] = {}
    for c in competitors:
        for aid in c.actor_ids:
            owner_of[aid] = c.name
        for d in c.domains:
            domains[d.lower().removeprefix("www.")] = c.name
    own: dict[str, str] = {}
    mentions: dict[str, set[str]] = defaultdict(set)
    named: dict[str, set[str]] = defaultdict(set)  # names it in text or mentions it
    shared: dict[str, set[str]] = defaultdict(set)  # links to or quotes its content
    patterns = _text_patterns(competitors) if match_text else {}
    name_patterns = _text_patterns(competitors, domains=False) if match_text else {}
    for p in posts:
        name = owner_of.get(p.author)
        if name is None and p.author.startswith("web:"):
            name = _domain_owner(p.author[4:], domains)
        if name is not None:
            own[p.id] = name
            continue
        if patterns:
            text = fold(f"{p.title or ''} {p.text or ''}")
            for cname, pat in patterns.items():
                if pat.search(text):
                    mentions[p.id].add(cname)
                    name_pat = name_patterns.get(cname)
                    if name_pat is not None and name_pat.search(text):
                        named[p.id].add(cname)
            if domains:
                for host in extract_domains(p.text or ""):
                    cname = _domain_owner(host, domains)
                    if cname is not None:
                        mentions[p.id].add(cname)
    for i in interactions:
        if i.post is None or Kind.parse(i.kind) not in _CARRIED:
            continue
        cname = owner_of.get(i.target)
        if cname is None or owner_of.get(i.source) == cname or i.post in own:
            continue
        mentions[i.post].add(cname)
        kind = Kind.parse(i.kind)
        if kind == Kind.MENTION:
            named[i.post].add(cname)
        elif kind in (Kind.LINK, Kind.QUOTE):
            shared[i.post].add(cname)
    about = {k: tuple(sorted(v - shared.get(k, set()))) for k, v in named.items()}
    return Tags(own=own, mentions={k: tuple(sorted(v)) for k, v in mentions.items()},
                about={k: v for k, v in about.items() if v})


# -- topics ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Topic:
    """An NMF topic.

    Attributes
    ----------
    id : int
    label : str
        Its top three terms, joined by ``" / "``.
    terms : tuple of str
        Top terms, best first.
    sector_share : float
        Share of the sector's conversation (posts not by a competitor) on this topic.
    """

    id: int
    label: str
    terms: tuple[str, ...]
    sector_share: float

    def to_dict(self) -> dict:
        return {"id": self.id, "label": self.label, "terms": list(self.terms),
                "sector_share": round(self.sector_share, 6)}


@dataclass(frozen=True)
class TopicMap:
    """Topics of the competitors' content and the sector's conversation.

    Attributes
    ----------
    topics : tuple of Topic
    shares : dict of str to tuple of float
        Competitor -> its content's share of each topic (sums to 1 over topics when it has
        content with known terms).
    distinctive_terms : dict of str to list of (str, float)
        Competitor -> the terms that set its content apart (TF-IDF against the other
        competitors and the sector).
    gaps : dict of str to tuple of int
        Competitor -> ids of topics the sector talks about that it does not cover.
    chosen_by : str
        ``"given"``, ``"bcv"`` (bi-cross-validation, see :func:`map_topics`) or ``"none"`` (no
        topics: see ``note``).
    candidates : tuple of (int, float)
        ``(k, held-out error)`` for each number of topics tried (empty when given).
    post_topics : dict of str to int
        Post id -> its dominant topic (the topic that reconstructs most of it), for every post
        of the model.
    note : str
        Why there are no topics, or fewer than asked, in plain words ("" otherwise).
    """

    topics: tuple[Topic, ...]
    shares: dict[str, tuple[float, ...]]
    distinctive_terms: dict[str, list[tuple[str, float]]]
    gaps: dict[str, tuple[int, ...]]
    chosen_by: str
    candidates: tuple[tuple[int, float], ...] = ()
    post_topics: dict[str, int] = field(default_factory=dict, repr=False)
    note: str = ""

    @property
    def n_topics(self) -> int:
        return len(self.topics)

    def top_topic(self, competitor: str) -> Topic | None:
        """The topic with the largest share of ``competitor``'s content."""
        s = self.shares.get(competitor)
        if not s or max(s) <= 0:
            return None
        return self.topics[max(range(len(s)), key=s.__getitem__)]

    def rows(self) -> list[dict]:
        """One row per (competitor, topic) with a share > 0, plus the sector's row per topic."""
        out = []
        for name, s in self.shares.items():
            for t, share in zip(self.topics, s):
                if share > 0:
                    out.append({"competitor": name, "topic": t.id, "label": t.label,
                                "share": round(share, 6), "sector_share": round(t.sector_share, 6),
                                "gap": t.id in self.gaps.get(name, ())})
        return out

    def to_dataframe(self):
        """A pandas DataFrame of :meth:`rows` (needs pandas)."""
        return _dataframe(self.rows())


#: Documents (at most) on which the number of topics is chosen: bi-cross-validation refits NMF
#: four times per candidate, and 3,000 posts gave the same choice across samples on the airline
#: tweets (8, 8 and 10 topics) where 2,000 did not (3 and 23).
BCV_DOCS = 3000


def _topic_grid(lo: int, hi: int, n: int = 12) -> list[int]:
    """About ``n`` candidate topic counts from ``lo`` to ``hi``, evenly spaced on a log scale:
    the difference between 30 and 31 topics matters less than between 3 and 4.

    >>> _topic_grid(2, 40)
    [2, 3, 5, 6, 8, 10, 13, 18, 23, 30, 40]
    """
    import numpy as np

    if hi - lo + 1 <= n:
        return list(range(lo, hi + 1))
    return sorted({int(round(x)) for x in np.geomspace(lo, hi, n)} | {lo, hi})


def _nmf(k: int, seed: int | None, max_iter: int = 500):
    from sklearn.decomposition import NMF

    return NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=max_iter)


def _bcv_errors(X, ks: Sequence[int], seed: int | None) -> dict[int, float]:
    """Bi-cross-validated NMF error of each k (Owen & Perry 2009), 2 x 2 blocks.

    Rows (posts) and columns (terms) are split at random in two halves each; for each of the
    four blocks A (rows r, columns c), NMF of rank k is fitted on the block D that shares
    neither (rows not r, columns not c), the rows r get their topic weights from their other
    columns B (``W_r``: non-negative least squares against D's topics), the columns c get their
    topic loadings from the other rows C (``H_c`` against D's document weights), and
    ``W_r @ H_c`` predicts A, which no fit has seen. Too few topics miss structure, too many
    fit noise that does not carry over to A: the squared error over the four held-out blocks
    is smallest in between.
    """
    import numpy as np
    from sklearn.decomposition import non_negative_factorization

    rng = np.random.default_rng(seed)
    rows = rng.integers(2, size=X.shape[0])
    cols = rng.integers(2, size=X.shape[1])
    blocks = [(rows == a, cols == b) for a in (0, 1) for b in (0, 1)]
    # NMF of rank k needs k <= both sides of the block it is fitted on (D: the rows and columns
    # not held out); on a small sector (a dozen posts) the larger candidates do not fit, and a k
    # that cannot be fitted on every block cannot be compared with the others: leave it out
    limit = min(min(int((~r).sum()), int((~c).sum())) for r, c in blocks)
    errors = {k: 0.0 for k in ks if k <= limit}
    if not errors or min(min(r.sum(), (~r).sum(), c.sum(), (~c).sum()) for r, c in blocks) == 0:
        return {}
    for r, c in blocks:
        A = X[r][:, c].toarray()
        B, C, D = X[r][:, ~c], X[~r][:, c], X[~r][:, ~c]
        for k in errors:
            model = _nmf(k, seed, max_iter=200)
            W_d = model.fit_transform(D)
            W_r = model.transform(B)
            H_c, _, _ = non_negative_factorization(
                C.T.tocsr(), H=np.ascontiguousarray(W_d.T), n_components=k, init="custom",
                update_H=False, max_iter=200)
            errors[k] += float(((A - W_r @ H_c.T) ** 2).sum())
    return errors


def map_topics(own: Mapping[str, Sequence[Post]], sector: Sequence[Post], *,
               config: CompetitorConfig | None = None, seed: int | None = 0) -> TopicMap:
    """NMF topics over TF-IDF of the competitors' content and a sample of the sector's posts.

    Parameters
    ----------
    own : mapping of str to sequence of Post
        Each competitor's own posts.
    sector : sequence of Post
        The sector's posts (by anyone but the competitors); a seeded sample of
        ``config.sector_posts`` of them enters the model.
    config : CompetitorConfig, optional
    seed : int or None, default=0
        Seed of the sample and of NMF. Pass an int for reproducible output across calls.

    Returns
    -------
    TopicMap

    Notes
    -----
    Texts (title + text) are tokenised by :func:`influence.text.tokenize`: accent-folded, without
    links, @handles, hashtags, numbers and the es + en stop words of the ``stop-words`` package.
    TF-IDF is scikit-learn's (sublinear tf, terms in at least two posts and at most a fifth of them, but at least two),
    topics are scikit-learn's NMF (Frobenius loss, NNDSVDa initialisation). A post's topic mix is
    its row of the document-topic matrix scaled to sum to 1; a competitor's share of a topic is
    the mean over its posts.

    **Number of topics.** When ``config.n_topics`` is None, k is chosen by bi-cross-validation
    (Owen & Perry 2009, see :func:`_bcv_errors`) among about 12 values from ``min_topics`` to
    ``max_topics`` spaced on a log scale, on a seeded sample of at most :data:`BCV_DOCS` posts:
    the k whose topics best predict a block of the TF-IDF matrix that no fit saw (ties: the
    smaller k). On real conversation the held-out error has a clear minimum (the airline tweets:
    8-10 topics); on the demo, whose posts repeat a few hundred distinct phrases, it keeps
    falling and k is ``max_topics``.

    **Shares.** A topic's part of a post is the weight NMF gives it times the norm of the
    topic's term vector: how much of the post's (unit-norm) TF-IDF vector the topic
    reconstructs. A competitor's share of a topic is the topic's part summed over the
    competitor's posts, over the sum of all parts; the sector's share likewise. A post that no
    topic explains (its terms are in no topic) adds little to any share, instead of adding a
    full post's weight spread over whichever topics happen to touch it.

    References
    ----------
    D. D. Lee and H. S. Seung, "Learning the parts of objects by non-negative matrix
    factorization", Nature 401, 788-791 (1999). doi:10.1038/44565

    A. B. Owen and P. O. Perry, "Bi-cross-validation of the SVD and the nonnegative matrix
    factorization", The Annals of Applied Statistics 3(2), 564-594 (2009). doi:10.1214/08-AOAS227
    """
    import numpy as np
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.feature_extraction.text import TfidfVectorizer

    cfg = config or CompetitorConfig()
    names = list(own)
    own_posts = [(n, p) for n in names for p in own[n]]
    limit = cfg.sector_posts if cfg.sector_posts is not None else max(len(own_posts), 500)
    rng = np.random.default_rng(seed)
    if len(sector) > limit:
        sample = [sector[i] for i in sorted(rng.choice(len(sector), size=limit, replace=False))]
    else:
        sample = list(sector)
    docs = [(n, p) for n, p in own_posts] + [(None, p) for p in sample]
    langs = cfg.languages

    def analyse(text: str) -> list[str]:
        return tokenize(text, languages=langs)

    texts = [f"{p.title or ''} {p.text or ''}" for _, p in docs]
    distinct = top_terms({**{n: [f"{p.title or ''} {p.text or ''}" for p in own[n]] for n in names},
                          "\0sector": [f"{p.title or ''} {p.text or ''}" for p in sample]},
                         top=cfg.distinctive_terms, languages=langs)
    distinctive = {n: distinct.get(n, []) for n in names}

    def empty(why: str) -> TopicMap:
        return TopicMap(topics=(), shares={n: () for n in names}, distinctive_terms=distinctive,
                        gaps={n: () for n in names}, chosen_by="none",
                        note=f"no topics: {why}")

    if len(docs) < 2:
        return empty(f"{len(docs)} post{'s' * (len(docs) != 1)} with text, too few to model")
    # terms in at least two posts and at most a fifth of them; but at least two, or a sector of
    # fewer than ten posts (where a fifth is less than two) could never have a topic
    vec = TfidfVectorizer(analyzer=analyse, min_df=2, max_df=max(2, int(0.2 * len(docs))),
                          sublinear_tf=True)
    try:
        X = vec.fit_transform(texts)
    except ValueError:  # no term in two posts: nothing to model
        return empty(f"{len(docs)} posts, and no term is in two of them (and in at most a fifth)")
    terms = vec.get_feature_names_out()
    forms = _forms(texts, langs)
    hi = min(cfg.max_topics, X.shape[0] - 1, X.shape[1])
    if hi < 1:
        return empty(f"{X.shape[0]} posts and {X.shape[1]} shared terms, too few to model")
    note = ""
    seed_int = None if seed is None else int(seed)

    def fit(k):
        with warnings.catch_warnings():
            # a topic count far from the data's own may converge slowly; the fit is still the
            # best found in max_iter iterations, and bi-cross-validation only compares errors
            warnings.simplefilter("ignore", ConvergenceWarning)
            model = _nmf(k, seed_int)
            # an exact fit (a tiny sector) rounds its squared error below 0: NaN, unused, error
            with np.errstate(invalid="ignore"):
                W = model.fit_transform(X)
        return model, W

    candidates: list[tuple[int, float]] = []
    if cfg.n_topics is not None:
        k, chosen_by = min(cfg.n_topics, hi), "given"
        if k < cfg.n_topics:
            note = (f"{k} topic{'s' * (k != 1)}, not {cfg.n_topics}: {X.shape[0]} posts and "
                    f"{X.shape[1]} shared terms allow no more")
    else:
        lo = min(cfg.min_topics, hi)
        ks = _topic_grid(lo, hi)
        Xs = X
        if X.shape[0] > BCV_DOCS:
            Xs = X[np.sort(rng.choice(X.shape[0], size=BCV_DOCS, replace=False))]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            with np.errstate(invalid="ignore"):  # as in fit()
                errors = _bcv_errors(Xs.tocsr(), ks, seed_int)
        if not errors:  # every candidate is larger than the halves of the data it is fitted on
            return empty(f"{X.shape[0]} posts and {X.shape[1]} shared terms are too few to "
                         f"choose a number of topics by cross-validation")
        candidates = [(kk, round(errors[kk], 6)) for kk in ks if kk in errors]
        k = min(errors, key=lambda kk: (errors[kk], kk))
        chosen_by = "bcv"
        if max(errors) < max(ks):
            note = (f"topic counts above {max(errors)} not tried: {X.shape[0]} posts and "
                    f"{X.shape[1]} shared terms are too few to cross-validate them")
    model, W = fit(k)
    H = model.components_
    # a topic's part of each post: its weight times its term vector's norm (see Notes)
    parts = W * np.linalg.norm(H, axis=1)
    sums = parts.sum(axis=1, keepdims=True)
    mix = np.divide(parts, sums, out=np.zeros_like(parts), where=sums > 0)
    is_sector = np.array([n is None for n, _ in docs])
    has_mix = sums.ravel() > 0

    def share(rows):
        total = parts[rows].sum()
        return parts[rows].sum(axis=0) / total if total > 0 else np.zeros(k)

    sector_share = share(is_sector)
    topics = []
    for j in range(k):
        top = [forms.get(terms[i], terms[i]) for i in np.argsort(-H[j])[: cfg.topic_terms]
               if H[j, i] > 0]
        topics.append(Topic(id=j, label=" / ".join(top[:3]), terms=tuple(top),
                            sector_share=float(sector_share[j])))
    shares: dict[str, tuple[float, ...]] = {}
    gaps: dict[str, tuple[int, ...]] = {}
    owner = np.array([n if n is not None else "" for n, _ in docs], dtype=object)
    for n in names:
        rows = (owner == n) & has_mix
        s = share(rows)
        shares[n] = tuple(float(x) for x in s)
        gaps[n] = tuple(t.id for t in topics if t.sector_share >= cfg.gap_sector_share
                        and rows.any() and s[t.id] < cfg.gap_max_share)
    post_topics = {p.id: int(np.argmax(mix[i])) for i, (_, p) in enumerate(docs) if has_mix[i]}
    return TopicMap(topics=tuple(topics), shares=shares, distinctive_terms=distinctive, gaps=gaps,
                    chosen_by=chosen_by, candidates=tuple(candidates), post_topics=post_topics,
                    note=note)


def _forms(texts: Sequence[str], langs) -> dict[str, str]:
    """The most frequent spelling of each folded term (``cafe`` -> ``café``)."""
    from .text import term_counts

    return term_counts(texts, languages=langs)[2]


# -- cadence --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cadence:
    """How often and when a competitor publishes (times in UTC).

    Attributes
    ----------
    competitor : str
    posts : int
        Own posts (with or without a timestamp).
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
    active_weeks : float
        Share of the window's weeks with at least one post.
    formats : dict of str to int
        Posts per content format where the source says (``text``, ``link``, ``image``,
        ``video``); ``unknown`` otherwise.
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

    def to_dict(self) -> dict:
        d = asdict(self)
        d["weekly"] = [{"week": w, "posts": n} for w, n in self.weekly]
        d["calendar"] = {day: list(row) for day, row in zip(WEEKDAYS, self.calendar)}
        return d

    def row(self) -> dict:
        return {"competitor": self.competitor, "posts": self.posts,
                "posts_per_week": round(self.posts_per_week, 3),
                "weekly_sd": round(self.weekly_sd, 3), "busiest_day": self.busiest_day,
                "busiest_hour": self.busiest_hour, "median_gap_hours": _r(self.median_gap_hours),
                "max_gap_hours": _r(self.max_gap_hours), "gap_cv": _r(self.gap_cv),
                "active_weeks": round(self.active_weeks, 3),
                "formats": ", ".join(f"{k} {v}" for k, v in self.formats.items())}


def _r(x: float | None, n: int = 3) -> float | None:
    return None if x is None else round(x, n)


def cadence(name: str, posts: Sequence[Post], weeks: range) -> Cadence:
    """The publishing cadence of one competitor's ``posts`` over ``weeks`` (week numbers).

    Examples
    --------
    >>> day = 86400.0
    >>> ps = [Post(f"p{i}", "web:a.example", timestamp=345600 + i * 3.5 * day + 9 * 3600,
    ...            format="link") for i in range(4)]
    >>> c = cadence("A", ps, range(0, 2))
    >>> c.posts_per_week, c.gap_cv, c.busiest_hour, c.formats
    (2.0, 0.0, 9, {'link': 4})
    """
    stamps = sorted(p.timestamp for p in posts if p.timestamp is not None)
    per_week = Counter(_week(t) for t in stamps)
    weekly = tuple((_week_label(w), per_week.get(w, 0)) for w in weeks)
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
    return Cadence(
        competitor=name,
        posts=len(posts),
        weekly=weekly,
        posts_per_week=statistics.fmean(counts) if counts else 0.0,
        weekly_sd=statistics.pstdev(counts) if counts else 0.0,
        calendar=tuple(tuple(r) for r in cal),
        busiest_day=WEEKDAYS[day_tot.index(max(day_tot))] if stamps else None,
        busiest_hour=hour_tot.index(max(hour_tot)) if stamps else None,
        median_gap_hours=statistics.median(gaps) if gaps else None,
        max_gap_hours=max(gaps) if gaps else None,
        gap_cv=(statistics.pstdev(gaps) / mean_gap) if gaps and mean_gap else None,
        active_weeks=(sum(1 for n in counts if n) / len(counts)) if counts else 0.0,
        formats=dict(sorted(formats.items(), key=lambda kv: (-kv[1], kv[0]))),
    )


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
                "mean_engagement": _r(self.mean_engagement),
                "median_engagement": _r(self.median_engagement),
                "per_1k_followers": _r(self.per_1k_followers, 4), "followers": self.followers,
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
            "mention_trend": _r(self.mention_trend[name], 6),
            "interaction_trend": _r(self.interaction_trend[name], 6),
            "weekly": [{"week": w, "mentions": m, "interactions": i,
                        "mention_share": _r(ms, 6), "interaction_share": _r(is_, 6)}
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
        return _dataframe(self.rows())


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
        c = Counter(_week(t) for t in times if t is not None)
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
        interaction_share=_shares(inter), weeks=tuple(_week_label(w) for w in wk),
        weekly_mentions=wm, weekly_interactions=wi, weekly_mention_share=wms,
        weekly_interaction_share=wis,
        mention_trend={n: _slope(wms[n]) for n in names},
        interaction_trend={n: _slope(wis[n]) for n in names},
    )


# -- reputation -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reputation:
    """What the sector says about a competitor.

    Attributes
    ----------
    competitor : str
    mentions : int
        Posts by others that speak about it (:attr:`Tags.about`): share of voice counts every
        mention, reputation only these.
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

    def to_dict(self) -> dict:
        d = asdict(self)
        d["weekly"] = [{"week": w, "mentions": n, "net": _r(net, 6)} for w, n, net in self.weekly]
        d["net"], d["trend"] = _r(self.net, 6), _r(self.trend, 6)
        return d

    def row(self) -> dict:
        return {"competitor": self.competitor, "mentions": self.mentions,
                "positive": self.positive, "negative": self.negative, "neutral": self.neutral,
                "net": _r(self.net), "trend": _r(self.trend, 5),
                "languages": ", ".join(f"{k} {v['mentions']}" for k, v in self.by_language.items())}


def _counts(labels: Sequence[str]) -> dict:
    c = Counter(labels)
    n = len(labels)
    return {"mentions": n, "positive": c["positive"], "negative": c["negative"],
            "neutral": c["neutral"],
            "net": round((c["positive"] - c["negative"]) / n, 6) if n else None}


def reputation(name: str, mentions: Sequence[Post], labels: Sequence[str], weeks: range) -> Reputation:
    """Reputation of one competitor from the sentiment ``labels`` of the posts mentioning it.

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
            by_week[_week(p.timestamp)].append(lab)
    weekly = []
    for w in weeks:
        wc = _counts(by_week.get(w, []))
        weekly.append((_week_label(w), wc["mentions"], wc["net"]))
    return Reputation(
        competitor=name, mentions=c["mentions"], positive=c["positive"], negative=c["negative"],
        neutral=c["neutral"], net=c["net"],
        by_language={k: _counts(v) for k, v in sorted(by_lang.items())},
        weekly=tuple(weekly),
        trend=_slope([net for _, _, net in weekly], [n for _, n, _ in weekly]),
    )


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
        return _dataframe(self.rows(section))


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
    from .sentiment import analyzer_from, describe_analyzer

    cfg = config or CompetitorConfig()
    if not competitors:
        raise ConfigError("no competitors: declare [[competitors]] in the sector file",
                          key="competitors")
    names = [c.name for c in competitors]
    if len(set(names)) != len(names):
        raise ConfigError("two competitors share a name", key="competitors")
    sentiment = analyzer_from(analyzer)
    from .progress import as_progress

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
    weeks = range(_week(min(stamps)), _week(max(stamps)) + 1) if stamps else range(0)

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
    rep = {}
    for n in names:
        ms = sorted(speaking[n], key=lambda p: (p.timestamp or 0.0, p.id))
        rep[n] = reputation(n, ms, [label_of[p.id] for p in ms], weeks)
    return CompetitorMap(
        competitors=tuple(names),
        topics=topics,
        cadence={n: cadence(n, own[n], weeks) for n in names},
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
    from .errors import StoreError

    if sector.store is None:
        raise StoreError(f"sector {sector.name}: the store is not open (use open_sector)")
    if config is None and sector.languages:
        config = CompetitorConfig(languages=tuple(sector.languages))
    store = sector.store
    return map_competitors(store.posts(), store.interactions(), store.actors(),
                           sector.competitors, config=config, analyzer=analyzer, seed=seed,
                           progress=progress)
