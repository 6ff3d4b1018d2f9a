"""Topics: NMF topics over TF-IDF, each competitor's share, distinctive terms and content gaps."""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ..records import Post
from ..text import tokenize, top_terms
from ._common import dataframe, too_few
from ._config import CompetitorConfig

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
    posts : dict of str to int
        Competitor -> the posts its shares and gaps rest on: its posts that the model gives a
        topic mix (its posts with text when there is no model).
    withheld : dict of str to str
        Competitor -> why its shares, distinctive terms and gaps are left empty: fewer than
        ``config.min_posts`` posts ("too few posts (n=1); at least 5 needed").
    """

    topics: tuple[Topic, ...]
    shares: dict[str, tuple[float, ...]]
    distinctive_terms: dict[str, list[tuple[str, float]]]
    gaps: dict[str, tuple[int, ...]]
    chosen_by: str
    candidates: tuple[tuple[int, float], ...] = ()
    post_topics: dict[str, int] = field(default_factory=dict, repr=False)
    note: str = ""
    posts: dict[str, int] = field(default_factory=dict)
    withheld: dict[str, str] = field(default_factory=dict)

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
        """One row per (competitor, topic) with a share > 0; one row with the ``note`` for a
        competitor whose topics are withheld."""
        out = []
        for name, s in self.shares.items():
            n = self.posts.get(name)
            if name in self.withheld:
                out.append({"competitor": name, "posts": n, "topic": None, "label": None,
                            "share": None, "sector_share": None, "gap": None,
                            "note": self.withheld[name]})
                continue
            for t, share in zip(self.topics, s):
                if share > 0:
                    out.append({"competitor": name, "posts": n, "topic": t.id, "label": t.label,
                                "share": round(share, 6), "sector_share": round(t.sector_share, 6),
                                "gap": t.id in self.gaps.get(name, ()), "note": ""})
        return out

    def to_dataframe(self):
        """A pandas DataFrame of :meth:`rows` (needs pandas)."""
        return dataframe(self.rows())


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
    TF-IDF is scikit-learn's (sublinear tf, terms in at least two posts and at most a fifth of
    them, but at least two), topics are scikit-learn's NMF (Frobenius loss, NNDSVDa initialisation). A post's topic mix is
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

    **Too few posts.** A competitor with fewer than ``config.min_posts`` posts in the model
    (posts given a topic mix) still enters the model, but its shares, distinctive terms and
    gaps are left empty and :attr:`TopicMap.withheld` says why: from one post NMF would give
    it confident shares of whatever topics that post touches.

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

    def withheld(posts: Mapping[str, int]) -> dict[str, str]:
        # below min_posts one post makes most of every share: say so instead (see config)
        return {n: too_few(posts[n], cfg.min_posts) for n in names if posts[n] < cfg.min_posts}

    def empty(why: str) -> TopicMap:
        with_text = {n: sum(1 for p in own[n] if analyse(f"{p.title or ''} {p.text or ''}"))
                     for n in names}
        held = withheld(with_text)
        return TopicMap(topics=(), shares={n: () for n in names},
                        distinctive_terms={n: [] if n in held else distinctive[n] for n in names},
                        gaps={n: () for n in names}, chosen_by="none",
                        note=f"no topics: {why}", posts=with_text, withheld=held)

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
    counts = {n: int(((owner == n) & has_mix).sum()) for n in names}
    held = withheld(counts)
    for n in names:
        if n in held:
            shares[n], gaps[n], distinctive[n] = (), (), []
            continue
        rows = (owner == n) & has_mix
        s = share(rows)
        shares[n] = tuple(float(x) for x in s)
        gaps[n] = tuple(t.id for t in topics if t.sector_share >= cfg.gap_sector_share
                        and rows.any() and s[t.id] < cfg.gap_max_share)
    post_topics = {p.id: int(np.argmax(mix[i])) for i, (_, p) in enumerate(docs) if has_mix[i]}
    return TopicMap(topics=tuple(topics), shares=shares, distinctive_terms=distinctive, gaps=gaps,
                    chosen_by=chosen_by, candidates=tuple(candidates), post_topics=post_topics,
                    note=note, posts=counts, withheld=held)


def _forms(texts: Sequence[str], langs) -> dict[str, str]:
    """The most frequent spelling of each folded term (``cafe`` -> ``café``)."""
    from ..text import term_counts

    return term_counts(texts, languages=langs)[2]
