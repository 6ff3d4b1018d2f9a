"""Records of a parsed page: the page Post, link interactions, comments, identity links."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from ...identity import SHARED_HOSTS, profile_actor, site_actor, site_of, site_of_host  # noqa: F401 (re-exported)
from ...records import Actor, Interaction, Post, SameAs, actor_id

if TYPE_CHECKING:

    pass
from ._html import WHITESPACE, Comment, Page
from ._urls import link_target

# -- records ----------------------------------------------------------------------------------------


def commenter_actor(comment: Comment, page_site: str) -> str:
    """The actor of a commenter: their website's site, else ``commenter:<page site>/<name>``.

    >>> commenter_actor(Comment("u#c1", "Ana", "https://ana.example/"), "blog.example")
    'web:ana.example'
    >>> commenter_actor(Comment("u#c2", "Ramón  Pérez"), "cubadebate.cu")
    'commenter:cubadebate.cu/Ramón Pérez'
    """
    if comment.url:
        return link_target(comment.url) or site_actor(comment.url)
    name = WHITESPACE.sub(" ", comment.name or "anonymous").strip()
    return actor_id("commenter", f"{page_site}/{name}")


def identity_records(page: Page) -> list[SameAs]:
    """:class:`~influence.records.SameAs` links between the page's site or author and the
    profiles it declares as its own (rel=me, JSON-LD sameAs, profile links outside the body).

    >>> page = Page("https://ana.example/", "ana.example",
    ...             identities=(("https://mastodon.social/@ana", "site", "rel=me"),))
    >>> identity_records(page)
    [SameAs(a='web:ana.example', b='mastodon:@ana@mastodon.social', evidence='rel=me')]
    """
    out: dict[tuple[str, str], SameAs] = {}
    for url, owner, evidence in page.identities:
        me = page.author_id if owner == "author" else page.site_id
        other = profile_actor(url)
        if other is None:
            if evidence != "rel=me" and not evidence.startswith("json-ld"):
                continue
            other = site_actor(url)
        if other == me or not other or other == "web:":
            continue
        link = SameAs(me, other, evidence)
        known = out.get(link.pair)
        if known is None or EVIDENCE_RANK.get(evidence, 9) < EVIDENCE_RANK.get(known.evidence, 9):
            out[link.pair] = link  # keep the strongest evidence: rel=me, then sameAs, then a link
    return list(out.values())


EVIDENCE_RANK = {"rel=me": 0, "json-ld sameAs": 1, "profile link": 2}


#: rel values kept on link interactions (paid, user-generated or unendorsed links)
_LINK_QUALIFIERS = frozenset({"nofollow", "sponsored", "ugc"})


def page_records(page: Page, *, competitors: dict[str, str] | None = None) -> list:
    """The records of a parsed page (see the module docstring).

    Parameters
    ----------
    page : Page
    competitors : dict, optional
        ``{actor id: competitor name}`` (:meth:`Sector.competitor_map`), to mark competitor sites.

    Returns
    -------
    list of Actor, Post, Interaction and SameAs

    Examples
    --------
    >>> from influence.crawl.web import parse_page
    >>> page = parse_page('<html><body><article><a href="https://b.example/">b</a> '
    ...                   '<a href="https://b.example/2">b2</a></article></body></html>',
    ...                   "https://a.example/post")
    >>> [r for r in page_records(page) if type(r).__name__ == "Interaction"]
    [Interaction(source='web:a.example', target='web:b.example', kind=<Kind.LINK: 'link'>, timestamp=None, post='https://a.example/post', weight=2.0, rel=None)]
    """
    competitors = competitors or {}
    site = page.site_id
    author = page.author_id
    parts = urlsplit(page.url)
    root = f"{parts.scheme}://{parts.netloc}/"
    records: list = [Actor(site, name=page.site_name, url=root, competitor=competitors.get(site),
                           language=page.language)]
    if author != site:
        records.append(Actor(author, name=page.author_name, url=page.author_url,
                             competitor=competitors.get(author), language=page.language))
    elif page.author_name and not page.site_name and page.author_name != site.split(":", 1)[1]:
        # a personal site signed by one name: that name is the site's
        records[0] = Actor(site, name=page.author_name, url=root, competitor=competitors.get(site),
                           language=page.language)
    records.append(Post(
        id=page.url, author=author, timestamp=page.published, text=page.text, title=page.title,
        url=page.url, language=page.language,
        replies=len(page.comments) if page.has_comment_section else None, format="text",
    ))
    counts: Counter = Counter()
    quals: dict[str, set] = {}
    for link in page.links:
        if link.where in ("comment", "chrome") or "me" in link.rel:
            continue
        target = link_target(link.url)
        if target is None or target in (site, author):
            continue
        counts[target] += 1
        quals.setdefault(target, set()).update(r for r in link.rel if r in _LINK_QUALIFIERS)
    for target in sorted(counts):
        records.append(Interaction(site, target, "link", page.published, page.url, counts[target],
                                   " ".join(sorted(quals[target])) or None))
    commenters: dict[str, str] = {}
    for c in page.comments:
        who = commenter_actor(c, page.site)
        commenters[c.id] = who
        records.append(Actor(who, name=c.name, url=c.url))
        records.append(Post(id=c.id, author=who, timestamp=c.published, text=c.text,
                            parent=c.parent or page.url, url=c.id, format="text"))
        if who not in (author, site):  # the blog's own people answering are not attention
            records.append(Interaction(who, author, "comment", c.published, c.id))
        parent_author = commenters.get(c.parent) if c.parent else None
        if parent_author and parent_author != who:
            records.append(Interaction(who, parent_author, "reply", c.published, c.id))
    records.extend(identity_records(page))
    return records
