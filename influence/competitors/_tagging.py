"""Tagging: which posts are a competitor's own content and which mention it."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..records import Interaction, Kind, Post, split_actor_id
from ..text import extract_domains, fold
from ._common import CARRIED_KINDS

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
        interaction to it, and does not merely share or quote its content (see ``shared``). A
        reply that does not name it, a shared link to its article ("Worth reading: ...
        https://brand.example/p/1"), a quote and a retweet are reactions to its content: they
        count in share of voice, not in reputation.
    shared : dict of str to tuple of str
        The mentions left out of reputation because they pass on the competitor's own content:
        the post carries a ``link``, ``quote`` or ``reshare`` interaction to one of its
        accounts, or its text follows the retweet convention ``RT @handle`` (case-insensitive)
        for one of its handles. "RT @brand: great news" is the brand's words, not an opinion
        of it.
    """

    own: dict[str, str]
    mentions: dict[str, tuple[str, ...]]
    about: dict[str, tuple[str, ...]] = field(default_factory=dict)
    shared: dict[str, tuple[str, ...]] = field(default_factory=dict)


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


def _handle_terms(competitor) -> set[str]:
    """How a competitor's handles are written after an ``@`` in folded text."""
    out = set()
    for aid in competitor.handles:
        h = fold(split_actor_id(aid)[1].lstrip("@"))
        if h:
            out.add(h)
            if "@" in h:  # fediverse user@host: "@user" alone names it too
                out.add(h.split("@")[0])
    return out


def _retweet_patterns(competitors) -> dict[str, re.Pattern]:
    """A regex per competitor for the classic retweet convention ``RT @handle`` (the post's
    text is the handle's own words), in folded text: at the start, or after another retweet
    prefix or a comment ("so true RT @brand: ..."), with or without the colon."""
    out = {}
    for c in competitors:
        terms = sorted(_handle_terms(c), key=len, reverse=True)
        if terms:
            alt = "|".join(re.escape(t) for t in terms)
            out[c.name] = re.compile(rf"(?<![\w@])rt\s*:?\s*@(?:{alt})(?![\w@.])")
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
    # checked even without match_text: it only ever leaves a post out of reputation
    retweets = _retweet_patterns(competitors)
    for p in posts:
        name = owner_of.get(p.author)
        if name is None and p.author.startswith("web:"):
            name = _domain_owner(p.author[4:], domains)
        if name is not None:
            own[p.id] = name
            continue
        text = fold(f"{p.title or ''} {p.text or ''}")
        for cname, pat in retweets.items():
            if pat.search(text):
                shared[p.id].add(cname)
        if patterns:
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
        if i.post is None:
            continue
        kind = Kind.parse(i.kind)
        if kind not in CARRIED_KINDS and kind != Kind.RESHARE:
            continue
        cname = owner_of.get(i.target)
        if cname is None or owner_of.get(i.source) == cname or i.post in own:
            continue
        if kind == Kind.RESHARE:
            # a reshare recorded with the resharer's post (a twarc retweet): that post is the
            # brand's content passed on; it is a mention only if its text names the brand
            shared[i.post].add(cname)
            continue
        mentions[i.post].add(cname)
        if kind == Kind.MENTION:
            named[i.post].add(cname)
        elif kind in (Kind.LINK, Kind.QUOTE):
            shared[i.post].add(cname)
    about = {k: tuple(sorted(v - shared.get(k, set()))) for k, v in named.items()}
    left_out = {k: tuple(sorted(set(v) & shared.get(k, set()))) for k, v in mentions.items()}
    return Tags(own=own, mentions={k: tuple(sorted(v)) for k, v in mentions.items()},
                about={k: v for k, v in about.items() if v},
                shared={k: v for k, v in left_out.items() if v})
