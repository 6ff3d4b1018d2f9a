"""Community summaries (leaders, bridges, terms, hashtags, labels) and the participation
coefficient.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

import networkx as nx

from ._detection import project_undirected
from ._partition import OTHER, Partition

#: Decimals of the participation coefficient that order the bridges (beyond them, two actors with
#: the same coefficient differ only by the order of the additions, which the arrays and networkx
#: do not share).
PC_DIGITS = 12


class CommunityMember(NamedTuple):
    """An actor listed in a community summary (leader or bridge)."""

    actor: Any
    name: str
    value: float  #: its ranking score (leaders) or participation coefficient (bridges)


class CommunityPost(NamedTuple):
    """One of a community's most-engaged posts."""

    id: str
    author: str
    engagement: int  #: likes + reshares + replies (unknown counts as 0)
    text: str  #: the first 200 characters
    url: str | None


@dataclass(frozen=True)
class CommunitySummary:
    """What one community is: who, how tight, who leads it, who bridges it, what it talks about.

    Attributes
    ----------
    id : int
        Community id (:data:`OTHER` for the merged small communities).
    label : str
        A short name made from its top terms (``"v60 · aeropress · grinder"``), else its top
        hashtags, else its leader (``"around Ana García"``); ``"other"`` for :data:`OTHER`.
    size : int
    density : float
        Edges inside over possible edges inside (``networkx.density`` of its subgraph).
    interaction_share : float
        Share of the sector's interactions (edge ``count``, missing: 1) that happen inside it.
    internal_share : float
        Share of its members' interactions (given or received) that stay inside it.
    leaders : tuple of CommunityMember
        Its best actors by the ranking (score in ``value``).
    bridges : tuple of CommunityMember
        Its members with the highest participation coefficient (in ``value``): their ties are
        spread over several communities.
    hashtags : tuple of (str, int)
        Most used hashtags (number of its posts using each).
    terms : tuple of (str, float)
        Most distinctive terms against the rest of the sector (TF-IDF, see
        :func:`influence.text.top_terms`).
    domains : tuple of (str, int)
        Most linked web domains (number of its posts linking each).
    top_posts : tuple of CommunityPost
        Most-engaged posts by its members.
    platforms : tuple of (str, int)
        Members per platform, most first.
    languages : tuple of (str, float)
        Share of its posts per language, where posts say.
    n_posts : int
        Posts by its members.
    """

    id: int
    label: str
    size: int
    density: float
    interaction_share: float
    internal_share: float
    leaders: tuple[CommunityMember, ...] = ()
    bridges: tuple[CommunityMember, ...] = ()
    hashtags: tuple[tuple[str, int], ...] = ()
    terms: tuple[tuple[str, float], ...] = ()
    domains: tuple[tuple[str, int], ...] = ()
    top_posts: tuple[CommunityPost, ...] = ()
    platforms: tuple[tuple[str, int], ...] = ()
    languages: tuple[tuple[str, float], ...] = ()
    n_posts: int = 0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (members and posts as objects, pairs as ``{name: value}`` dicts)."""
        def members(ms):
            return [{"actor": m.actor, "name": m.name, "value": round(m.value, 6)} for m in ms]

        return {
            "id": self.id,
            "label": self.label,
            "size": self.size,
            "density": round(self.density, 6),
            "interaction_share": round(self.interaction_share, 6),
            "internal_share": round(self.internal_share, 6),
            "leaders": members(self.leaders),
            "bridges": members(self.bridges),
            "terms": [{"term": t, "score": round(s, 6)} for t, s in self.terms],
            "hashtags": [{"hashtag": h, "posts": n} for h, n in self.hashtags],
            "domains": [{"domain": d, "posts": n} for d, n in self.domains],
            "top_posts": [p._asdict() for p in self.top_posts],
            "platforms": dict(self.platforms),
            "languages": {k: round(v, 4) for k, v in self.languages},
            "n_posts": self.n_posts,
        }


def participation_coefficient(
    G: nx.Graph, partition: Mapping, *, weight: str | None = "weight"
) -> dict:
    """Participation coefficient of every actor: how evenly its ties spread over communities.

    ``P(v) = 1 - sum_c (k_c(v) / k(v)) ** 2``, where ``k(v)`` is v's weighted degree in the
    undirected projection (:func:`project_undirected`: attention given and received) and
    ``k_c(v)`` the part of it with members of community c. 0 when every tie stays in one community
    (or v has none), up to ``1 - 1/C`` when they spread evenly over C communities. Actors missing
    from ``partition`` count as one more community.

    Parameters
    ----------
    G : networkx graph
    partition : mapping of actor -> community id
        E.g. a :class:`Partition`.
    weight : str or None, default="weight"

    Returns
    -------
    dict of actor -> float

    References
    ----------
    R. Guimerà, L. A. N. Amaral, Nature 433, 895-900 (2005). doi:10.1038/nature03288

    Examples
    --------
    >>> G = nx.Graph([("a", "b"), ("a", "c"), ("a", "x"), ("a", "y")])
    >>> participation_coefficient(G, {"a": 0, "b": 0, "c": 0, "x": 1, "y": 2})["a"]
    0.625
    """
    return _participation(project_undirected(G, weight), partition)


def _participation(H: nx.Graph, partition: Mapping) -> dict:
    """:func:`participation_coefficient` on an already projected graph."""
    out = {}
    for v in H:
        by_comm: dict[Any, float] = {}
        total = 0.0
        for u, w in H[v].items():
            c = partition.get(u, None)
            by_comm[c] = by_comm.get(c, 0.0) + w["weight"]
            total += w["weight"]
        out[v] = 0.0 if total <= 0 else 1.0 - sum((x / total) ** 2 for x in by_comm.values())
    return out


def _scores(G: nx.Graph, ranking, weight: str | None) -> dict:
    """Leader scores: a ranking result's scores, a mapping, or the attention received."""
    if ranking is None:
        if G.is_directed():
            return dict(G.in_degree(weight=weight))
        return dict(G.degree(weight=weight))
    if hasattr(ranking, "scores") and callable(ranking.scores):
        return dict(ranking.scores())
    return dict(ranking)


def author_nodes(G) -> dict:
    """Account id -> graph node, for graphs whose nodes merge several accounts (a networkx graph
    or an :class:`influence.measures.GraphView`).

    :func:`influence.build_graph` merges accounts joined by identity links into one node and
    lists them, space-separated, in the node attribute ``accounts``; a post by any of them belongs
    to that node. Nodes without the attribute stand for themselves.

    Examples
    --------
    >>> G = nx.Graph([("web:ana.example", "web:bob.example")])
    >>> G.nodes["web:ana.example"]["accounts"] = "web:ana.example mastodon:@ana@x.example"
    >>> author_nodes(G)["mastodon:@ana@x.example"]
    'web:ana.example'
    """
    from ..measures import GraphView

    pairs = zip(G.nodes, G.column("accounts")) if isinstance(G, GraphView) else G.nodes(data="accounts")
    out = {}
    for v, accounts in pairs:
        out[v] = v
        if isinstance(accounts, str):
            for a in accounts.split():
                out.setdefault(a, v)
    return out


def _engagement(p) -> int:
    return sum(int(x or 0) for x in (p.likes, p.reshares, p.replies))


def _label(terms, hashtags, leaders, cid) -> str:
    if cid == OTHER:
        return "other"
    if terms:
        return " · ".join(t for t, _ in terms[:3])
    if hashtags:
        return " · ".join(h for h, _ in hashtags[:3])
    if leaders:
        return f"around {leaders[0].name}"
    return f"community {cid}"


def summarize_communities(
    G: nx.Graph,
    partition: Partition | Mapping,
    *,
    ranking: Any = None,
    posts: Iterable | None = None,
    top: int = 5,
    n_terms: int = 10,
    languages: Iterable[str] | None = ("es", "en"),
    ngrams: int = 2,
    bridge_min_degree: int = 3,
    weight: str | None = "weight",
    count: str = "count",
    include_other: bool = True,
) -> list[CommunitySummary]:
    """Describe every community of a partition.

    Parameters
    ----------
    G : networkx graph or influence.measures.GraphView
        The graph the partition was computed on. A view (what :func:`influence.analyze` and the
        CLI use) is summarised on its arrays, without a networkx graph: same summaries, a view
        being a directed graph without self-loops (``count`` and ``weight`` read from its
        :class:`influence.graph.GraphArrays`, 1 per edge and ``view.A`` for a view of networkx).
    partition : Partition or mapping of actor -> community id
    ranking : RankingResult or mapping of actor -> score, optional
        Orders the leaders. Only actors it scores are listed as leaders or bridges, so the
        output filters of :func:`influence.rank` apply (competitor brands, which every community
        talks about, are not listed). Default: every actor, leaders by the attention received
        (weighted in-degree; degree for an undirected graph).
    posts : iterable of Post, optional
        The sector's posts (``store.posts()``), for hashtags, terms, domains, top posts, languages
        and labels. A post belongs to its author's node (:func:`author_nodes`: merged identities
        count); posts whose author is outside the graph form "the rest of the sector" in the
        TF-IDF.
    top : int, default=5
        Leaders, bridges, hashtags, domains and posts listed per community.
    n_terms : int, default=10
        Terms listed per community.
    languages : iterable of str or None, default=("es", "en")
        Stop-word languages for the terms.
    ngrams : int, default=2
        Longest phrase counted as a term ("cold brew", "latte art"; see
        :func:`influence.text.top_terms`).
    bridge_min_degree : int, default=3
        Bridges need ties with at least this many distinct actors (two ties in two communities is
        chance, not brokerage).
    weight : str or None, default="weight"
        Edge weight for the participation coefficient and the default leader score.
    count : str, default="count"
        Edge attribute counting interactions, for the shares (missing: 1 per edge).
    include_other : bool, default=True
        Also summarise :data:`OTHER`.

    Returns
    -------
    list of CommunitySummary
        In id order, :data:`OTHER` last.

    Examples
    --------
    >>> from influence.records import Post
    >>> G = nx.DiGraph([("a", "b"), ("c", "b"), ("b", "c"), ("x", "y"), ("z", "y"), ("y", "z")])
    >>> part = {"a": 0, "b": 0, "c": 0, "x": 1, "y": 1, "z": 1}
    >>> posts = [Post("p1", "t:b", text="Mi V60 y el molino #v60"),
    ...          Post("p2", "t:c", text="La V60 necesita buen molino #v60", likes=3),
    ...          Post("p3", "t:y", text="Latte art: tulip and rosetta #latteart"),
    ...          Post("p4", "t:z", text="Another tulip, pitcher tilt https://blog.example/p")]
    >>> G = nx.relabel_nodes(G, lambda n: "t:" + n)
    >>> part = {"t:" + k: v for k, v in part.items()}
    >>> s = summarize_communities(G, part, posts=posts, top=2)
    >>> [(x.id, x.label, x.size, x.leaders[0].actor) for x in s]
    [(0, 'molino · v60', 3, 't:b'), (1, 'tulip', 3, 't:y')]
    >>> s[0].hashtags, s[1].domains, s[0].top_posts[0].id
    ((('#v60', 2),), (('blog.example', 1),), 'p2')
    """
    from ..measures import GraphView

    if isinstance(G, GraphView):  # the arrays: no networkx graph (see _view_summaries)
        from ._view_summaries import summarize_view

        return summarize_view(G, partition, ranking=ranking, posts=posts, top=top, n_terms=n_terms,
                              languages=languages, ngrams=ngrams, bridge_min_degree=bridge_min_degree,
                              weight=weight, include_other=include_other)
    groups, membership = group_members(partition, G, include_other)

    # interactions inside each community, and touching it
    total = 0.0
    inside: Counter = Counter()
    touching: Counter = Counter()
    for u, v, d in G.edges(data=True):
        n = d.get(count, 1)
        total += n
        cu, cv = membership.get(u), membership.get(v)
        if cu is not None and cu == cv:
            inside[cu] += n
            touching[cu] += n
        else:
            if cu is not None:
                touching[cu] += n
            if cv is not None:
                touching[cv] += n

    scores = _scores(G, ranking, weight)
    H = project_undirected(G, weight)  # H.degree(v): distinct actors v interacts with
    pc = _participation(H, membership)

    def name(v) -> str:
        return str(G.nodes[v].get("name") or v) if v in G else str(v)

    texts = PostParts.gather(posts, author_nodes(G) if posts is not None else {}, membership, groups,
                             n_terms=n_terms, languages=languages, ngrams=ngrams)
    out = []
    for c, members in groups.items():
        member_set = set(members)
        sub = G.subgraph(members)
        leaders = sorted((v for v in members if v in scores), key=lambda v: (-scores[v], str(v)))
        lead = tuple(CommunityMember(v, name(v), float(scores[v])) for v in leaders[:top])
        cand = [
            v for v in members
            if (ranking is None or v in scores) and H.degree(v) >= bridge_min_degree and pc.get(v, 0) > 0
        ]
        # rounded: two coefficients equal but for the order of the additions are a tie
        cand.sort(key=lambda v: (-round(pc[v], PC_DIGITS), -H.degree(v), str(v)))
        bridges = tuple(CommunityMember(v, name(v), float(pc[v])) for v in cand[:top])
        plats = Counter(
            str(G.nodes[v].get("platform") or str(v).partition(":")[0]) for v in member_set
        )
        out.append(texts.summary(
            c, size=len(members), density=nx.density(sub) if len(members) > 1 else 0.0,
            interaction_share=inside[c] / total if total else 0.0,
            internal_share=inside[c] / touching[c] if touching[c] else 0.0,
            leaders=lead, bridges=bridges, platforms=plats, top=top))
    return out


def group_members(partition, nodes: Iterable, include_other: bool) -> tuple[dict, dict]:
    """``({community: members}, {actor: community})`` of a partition over ``nodes`` (a graph or
    a node list): a :class:`Partition`'s own groups, or a mapping's grouped in node order;
    without ``include_other``, :data:`OTHER` is not a group (a mapping's members keep it)."""
    if isinstance(partition, Partition):
        groups = partition.communities
    else:
        tmp: dict[int, list] = {}
        for v in nodes:
            if v in partition:
                tmp.setdefault(partition[v], []).append(v)
        groups = {c: tuple(tmp[c]) for c in sorted(tmp, key=lambda c: (c == OTHER, c))}
    if not include_other:
        groups = {c: m for c, m in groups.items() if c != OTHER}
    membership = {v: c for c, ms in groups.items() for v in ms}
    if not isinstance(partition, Partition):
        membership = {**{v: partition[v] for v in nodes if v in partition}, **membership}
    return groups, membership


class PostParts:
    """What a community's posts say (hashtags, terms, domains, languages, top posts), and the
    :class:`CommunitySummary` built from it with the graph's numbers: the part of a summary
    that is the same whether the graph is networkx or arrays."""

    def __init__(self, groups):
        self.hashtags: dict[Any, Counter] = {c: Counter() for c in groups}
        self.domains: dict[Any, Counter] = {c: Counter() for c in groups}
        self.langs: dict[Any, Counter] = {c: Counter() for c in groups}
        self.best_posts: dict[Any, list] = {c: [] for c in groups}
        self.n_posts: Counter = Counter()
        self.terms: dict[Any, list] = {c: [] for c in groups}

    @classmethod
    def gather(cls, posts, node_of: Mapping, membership: Mapping, groups, *, n_terms: int,
               languages, ngrams: int) -> PostParts:
        """Every post to its author's community (``node_of``: account -> node), then the terms
        of each community against the rest of the sector."""
        self = cls(groups)
        if posts is None:
            return self
        from ..text import extract_domains, extract_hashtags

        texts: dict[Any, list[str]] = {c: [] for c in groups}
        rest: list[str] = []
        for p in posts:
            c = membership.get(node_of.get(p.author, p.author))
            body = " | ".join(x for x in (p.title, p.text) if x)  # no phrase spans the two
            if c is None or c not in groups:
                rest.append(body)
                continue
            self.n_posts[c] += 1
            texts[c].append(body)
            self.hashtags[c].update(set(extract_hashtags(body)))
            self.domains[c].update(set(extract_domains(p.text or "")))
            if p.language:
                self.langs[c][p.language] += 1
            e = _engagement(p)
            if e > 0:
                self.best_posts[c].append((-e, p.id, p))
        if any(texts.values()):
            from ..text import top_terms

            docs: dict[Any, list[str]] = {("c", c): t for c, t in texts.items()}
            if rest:
                docs[("rest",)] = rest
            found = top_terms(docs, top=n_terms, languages=languages, ngrams=ngrams)
            self.terms = {c: found[("c", c)] for c in groups}
        return self

    def summary(self, c, *, size: int, density: float, interaction_share: float, internal_share: float,
                leaders: tuple, bridges: tuple, platforms: Mapping, top: int) -> CommunitySummary:
        """Community ``c``'s summary, from the graph's numbers and its posts."""
        tags = tuple(sorted(self.hashtags[c].items(), key=lambda kv: (-kv[1], kv[0]))[:top])
        doms = tuple(sorted(self.domains[c].items(), key=lambda kv: (-kv[1], kv[0]))[:top])
        best = sorted(self.best_posts[c], key=lambda x: (x[0], x[1]))[:top]
        top_posts = tuple(
            CommunityPost(p.id, p.author, -e, (p.text or p.title or "")[:200], p.url)
            for e, _, p in best
        )
        langs = self.langs[c]
        n_lang = sum(langs.values())
        return CommunitySummary(
            id=c,
            label=_label(self.terms[c], tags, leaders, c),
            size=size,
            density=density,
            interaction_share=interaction_share,
            internal_share=internal_share,
            leaders=leaders,
            bridges=bridges,
            hashtags=tags,
            terms=tuple(self.terms[c]),
            domains=doms,
            top_posts=top_posts,
            platforms=tuple(sorted(platforms.items(), key=lambda kv: (-kv[1], kv[0]))),
            languages=tuple(
                (k, n / n_lang) for k, n in sorted(langs.items(), key=lambda kv: (-kv[1], kv[0]))
            ),
            n_posts=self.n_posts[c],
        )
