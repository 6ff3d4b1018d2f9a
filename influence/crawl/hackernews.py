"""Hacker News source: Algolia search for the sector's keywords, comment trees, Firebase items.

Sector file::

    [[sources]]
    type = "hackernews"
    queries = ["specialty coffee"]    # default: the sector's keywords
    tags = "story"                    # Algolia tags: story, comment, ask_hn, show_hn, "(story,poll)"...
    sort = "date"                     # "date" (search_by_date, incremental) or "relevance" (search)
    items = ["8863", "https://news.ycombinator.com/item?id=21500569"]   # trees of given items
    comments = true                   # fetch the comment tree of hits that have comments
    tree = "algolia"                  # "algolia": items/<id>, one request per tree;
                                      # "firebase": item/<id>.json, one request per item
    profiles = false                  # fetch each author's profile (about text) once
    algolia_url = "https://hn.algolia.com/api/v1"
    firebase_url = "https://hacker-news.firebaseio.com/v0"
    page_size = 100                   # hits per search page (hitsPerPage)
    max_pages = 50          # fetches per run: listing pages, threads, likes... (--max-pages wins)
    max_posts = 5000

Records (``u -> v``: u gives attention to v):

====================== ===========================================================================
story / comment        :class:`Post` ``hackernews:<id>``; a story's likes = points, replies =
                       comments (``num_comments`` / ``descendants``), title and URL
reply                  ``reply``: comment author -> author of its parent (story or comment), when
                       the parent is known (it is in the same tree)
story URL              ``link``: author -> ``web:<host>``
deleted / dead item    no post and no interaction (no ``by``)
====================== ===========================================================================

Actors are ``hackernews:<user>`` (user names are case-sensitive; HN has no follower counts). No
authentication; Algolia allows 10,000 requests per hour per IP and returns at most 1,000 hits per
query, so ``sort = "date"`` crawls are incremental (``numericFilters=created_at_i>...``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..errors import ConfigError
from ..records import Actor, Interaction, Post, actor_id
from ..validation import invalid
from . import api
from .api import ApiClient, Emitter, Page, html_to_text, paginate, web_actor

if TYPE_CHECKING:
    from .base import CrawlContext

__all__ = ["crawl", "parse_hit", "parse_hits", "parse_item", "parse_tree", "user_id", "validate"]

KEYS = ("queries", "tags", "sort", "items", "comments", "tree", "profiles", "algolia_url",
        "firebase_url", "page_size", "max_pages", "max_posts")

ALGOLIA = "https://hn.algolia.com/api/v1"
FIREBASE = "https://hacker-news.firebaseio.com/v0"
_ITEM = re.compile(r"^\d+$|^https?://news\.ycombinator\.com/item\?id=\d+$")


def validate(source: dict, where: str = "source") -> None:
    """Check a ``type = "hackernews"`` source table; raise :class:`ConfigError` naming the key.

    Examples
    --------
    >>> validate({"type": "hackernews", "queries": ["coffee"]})
    >>> validate({"type": "hackernews", "tree": "api"}, "sources[4]")
    Traceback (most recent call last):
    ...
    influence.errors.ConfigError: sources[4].tree must be one of "algolia", "firebase", got "api"
    """
    _config(source, where)


def _config(source: dict, where: str) -> dict:
    api.check_keys(source, KEYS, where)
    items = source.get("items", [])
    if isinstance(items, (str, int)) and not isinstance(items, bool):
        items = [items]
    if not isinstance(items, list) or not all(
            (isinstance(i, int) and not isinstance(i, bool) and i > 0) or (isinstance(i, str) and _ITEM.match(i.strip()))
            for i in items):
        raise invalid(f"{where}.items", "a list of item ids or news.ycombinator.com/item?id= URLs", items)
    tags = source.get("tags", "story")
    if not isinstance(tags, str) or not tags.strip():
        raise invalid(f"{where}.tags", 'an Algolia tags string such as "story"', tags)
    return {
        "queries": api.check_strings(source, "queries", where) if "queries" in source else None,
        "tags": tags.strip(),
        "sort": api.check_choice(source, "sort", where, ("date", "relevance"), "date"),
        "items": [int(str(i).rsplit("=", 1)[-1]) for i in items],
        "comments": api.check_bool(source, "comments", where, True),
        "tree": api.check_choice(source, "tree", where, ("algolia", "firebase"), "algolia"),
        "profiles": api.check_bool(source, "profiles", where, False),
        "algolia_url": api.check_url(source, "algolia_url", where, ALGOLIA),
        "firebase_url": api.check_url(source, "firebase_url", where, FIREBASE),
        "page_size": api.check_int(source, "page_size", where, 100, hi=1000),
        "max_pages": api.check_int(source, "max_pages", where, None),
        "max_posts": api.check_int(source, "max_posts", where, None),
    }


# -- parsers ---------------------------------------------------------------------------------------


def user_id(name: Any) -> str | None:
    """``hackernews:<name>`` (case kept), or ``None`` for a missing author.

    >>> user_id("pg"), user_id(None)
    ('hackernews:pg', None)
    """
    if not isinstance(name, str) or not name.strip():
        return None
    return actor_id("hackernews", name)


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _story_records(author: str, pid: str, ts: Any, *, title, url, text, points, comments) -> list:
    out: list = [Post(pid, author, ts, text=html_to_text(text), title=title or None,
                      url=url or f"https://news.ycombinator.com/item?id={pid.split(':', 1)[1]}",
                      likes=_count(points), replies=_count(comments), format="link" if url else "text")]
    site = web_actor(url) if url else None
    if site:
        out.append(Interaction(author, site, "link", ts, post=pid))
    return out


def parse_hit(hit: dict, authors: dict | None = None) -> list:
    """Records of one Algolia search hit (a story, or a comment with its ``parent_id``).

    Examples
    --------
    >>> recs = parse_hit({"objectID": "1", "author": "pg", "title": "Y", "url": "https://ycombinator.com/",
    ...                   "points": 57, "num_comments": 3, "created_at_i": 1160418111, "_tags": ["story"]})
    >>> recs[1].likes, recs[2].target
    (57, 'web:ycombinator.com')
    """
    authors = {} if authors is None else authors
    author = user_id(hit.get("author"))
    if author is None:
        return []
    pid = f"hackernews:{hit['objectID']}"
    authors[str(hit["objectID"])] = author
    ts = hit.get("created_at_i") or hit.get("created_at")
    out: list = [Actor(author, url=f"https://news.ycombinator.com/user?id={hit['author']}")]
    tags = hit.get("_tags") or ()
    if "comment" in tags or hit.get("comment_text"):
        parent = hit.get("parent_id")
        out.append(Post(pid, author, ts, text=html_to_text(hit.get("comment_text")),
                        url=f"https://news.ycombinator.com/item?id={hit['objectID']}",
                        likes=_count(hit.get("points")), parent=f"hackernews:{parent}" if parent else None,
                        format="text"))
        target = authors.get(str(parent)) if parent else None
        if target:
            out.append(Interaction(author, target, "reply", ts, post=pid))
        return out
    out.extend(_story_records(author, pid, ts, title=hit.get("title"), url=hit.get("url"),
                              text=hit.get("story_text"), points=hit.get("points"),
                              comments=hit.get("num_comments")))
    return out


def parse_hits(page: dict, authors: dict | None = None) -> list:
    """Records of an Algolia ``search`` / ``search_by_date`` answer."""
    authors = {} if authors is None else authors
    out: list = []
    for hit in page.get("hits") or ():
        if isinstance(hit, dict) and hit.get("objectID"):
            out.extend(parse_hit(hit, authors))
    return out


def parse_tree(item: dict, authors: dict | None = None) -> list:
    """Records of an Algolia ``items/<id>`` tree: the root and every descendant, with replies.

    Examples
    --------
    >>> tree = {"id": 1, "type": "story", "author": "ana", "title": "T", "points": 5,
    ...         "created_at_i": 1, "children": [{"id": 2, "type": "comment", "author": "bo",
    ...         "text": "<p>hi</p>", "parent_id": 1, "created_at_i": 2, "children": []}]}
    >>> [(r.source, r.target) for r in parse_tree(tree) if isinstance(r, Interaction)]
    [('hackernews:bo', 'hackernews:ana')]
    """
    authors = {} if authors is None else authors
    nodes: list[dict] = []
    stack = [item]
    while stack:  # depth first, in the order the API ranks the children
        node = stack.pop()
        if not isinstance(node, dict) or node.get("id") is None:
            continue
        nodes.append(node)
        if user_id(node.get("author")):
            authors[str(node["id"])] = user_id(node["author"])
        stack.extend(reversed([c for c in node.get("children") or () if isinstance(c, dict)]))
    out: list = []
    for node in nodes:
        author = user_id(node.get("author"))
        if author is None:
            continue  # deleted
        pid = f"hackernews:{node['id']}"
        ts = node.get("created_at_i") or node.get("created_at")
        out.append(Actor(author, url=f"https://news.ycombinator.com/user?id={node['author']}"))
        if node.get("type") in ("story", "poll", "job"):
            # items/<id> reports no comment count (the tree is the count): replies stays unknown
            out.extend(_story_records(author, pid, ts, title=node.get("title"), url=node.get("url"),
                                      text=node.get("text"), points=node.get("points"), comments=None))
            continue
        parent = node.get("parent_id")
        out.append(Post(pid, author, ts, text=html_to_text(node.get("text")),
                        url=f"https://news.ycombinator.com/item?id={node['id']}",
                        likes=_count(node.get("points")), parent=f"hackernews:{parent}" if parent else None,
                        format="text"))
        target = authors.get(str(parent)) if parent is not None else None
        if target:
            out.append(Interaction(author, target, "reply", ts, post=pid))
    return out


def parse_item(item: dict, authors: dict | None = None) -> list:
    """Records of one Firebase ``item/<id>.json`` (a story, comment, poll or job).

    ``authors`` (item id -> actor id) resolves the ``reply`` of a comment to its parent's author;
    deleted and dead items (no ``by``) give nothing.

    Examples
    --------
    >>> parse_item({"id": 3, "type": "comment", "deleted": True, "parent": 2})
    []
    """
    authors = {} if authors is None else authors
    author = user_id(item.get("by"))
    if author is None or item.get("deleted") or item.get("dead"):
        return []
    authors[str(item["id"])] = author
    pid = f"hackernews:{item['id']}"
    ts = item.get("time")
    out: list = [Actor(author, url=f"https://news.ycombinator.com/user?id={item['by']}")]
    if item.get("type") in ("story", "poll", "job"):
        out.extend(_story_records(author, pid, ts, title=item.get("title"), url=item.get("url"),
                                  text=item.get("text"), points=item.get("score"),
                                  comments=item.get("descendants")))
        return out
    parent = item.get("parent")
    out.append(Post(pid, author, ts, text=html_to_text(item.get("text")),
                    url=f"https://news.ycombinator.com/item?id={item['id']}",
                    parent=f"hackernews:{parent}" if parent else None, format="text"))
    target = authors.get(str(parent)) if parent is not None else None
    if target:
        out.append(Interaction(author, target, "reply", ts, post=pid))
    return out


# -- the crawler -------------------------------------------------------------------------------------


def crawl(source: dict, ctx: CrawlContext, *, sleep=None, clock=None) -> Iterator:
    """Crawl one ``type = "hackernews"`` source; yield its records.

    Without a ``queries`` key the sector's keywords are searched.

    Raises
    ------
    ConfigError
        For an invalid source table.
    """
    where = ctx.name or "source"
    cfg = _config(source, where)
    if cfg["queries"] is None:
        cfg["queries"] = [k for k in getattr(ctx.sector, "keywords", ()) if k.strip()]
    if not (cfg["queries"] or cfg["items"]):
        raise ConfigError(f"{where}: give queries or items (or keywords in the sector file)",
                          key=f"{where}.queries")
    max_pages, max_posts = api.budgets(source, ctx)
    client = ApiClient(ctx, sleep=sleep, clock=clock, max_pages=max_pages)
    yield from _Crawler(cfg, ctx, client, Emitter(ctx, max_posts), max_pages).run()


class _Crawler:
    def __init__(self, cfg, ctx, client, emit, max_pages):
        self.cfg, self.ctx, self.client, self.emit, self.max_pages = cfg, ctx, client, emit, max_pages
        self.authors: dict[str, str] = {}
        self.trees: set[int] = set()
        self.profiled: set[str] = set()

    @property
    def done(self) -> bool:
        """The run's budget (posts or fetches) is spent."""
        return self.emit.full or not self.client.has_budget()

    def run(self) -> Iterator:
        endpoint = "search_by_date" if self.cfg["sort"] == "date" else "search"
        for q in self.cfg["queries"]:
            if self.done:
                return
            yield from self.search(q, endpoint)
        for item in self.cfg["items"]:
            if self.done:
                return
            yield from self.tree(item)

    def search(self, query: str, endpoint: str) -> Iterator:
        url = f"{self.cfg['algolia_url']}/{endpoint}"
        what = f"search {query!r}"

        def fetch(cont, since):
            params = {"query": query, "tags": self.cfg["tags"], "hitsPerPage": self.cfg["page_size"]}
            if cont:
                params["page"] = cont
            if since is not None:
                params["numericFilters"] = f"created_at_i>{int(since)}"
            data = self.client.get_json(url, params, what=what)
            if data is None:
                return None
            if not isinstance(data, dict) or not isinstance(data.get("hits"), list):
                self.ctx.error("malformed json", url, f"{what}: no hits list")
                return None
            page, pages = data.get("page", cont or 0), data.get("nbPages", 0)
            nxt = page + 1 if isinstance(page, int) and isinstance(pages, int) and page + 1 < pages else None
            return Page(data["hits"], nxt)

        for hits in paginate(self.ctx, f"{endpoint}:{self.cfg['tags']}:{query}", fetch,
                             item_key=lambda h: int(h["created_at_i"]), chronological=endpoint == "search_by_date",
                             budget=self.client.has_budget, stop=lambda: self.emit.full):
            hits = [h for h in hits if isinstance(h, dict) and h.get("objectID")]
            yield from self.emit(parse_hits({"hits": hits}, self.authors))
            yield from self.profiles(h.get("author") for h in hits)
            if not self.cfg["comments"]:
                continue
            for h in hits:
                if self.done:
                    return
                is_comment = "comment" in (h.get("_tags") or ())
                root = h.get("story_id") if is_comment else h.get("objectID")
                if root and (is_comment or (_count(h.get("num_comments")) or 0) > 0):
                    yield from self.tree(int(root))

    def tree(self, item: int) -> Iterator:
        if item in self.trees:
            return
        self.trees.add(item)
        if self.cfg["tree"] == "algolia":
            url = f"{self.cfg['algolia_url']}/items/{item}"
            data = self.client.get_json(url, what=f"item {item}")
            if data is None:
                return
            if not isinstance(data, dict) or "id" not in data:
                self.ctx.error("malformed json", url, f"item {item}")
                return
            records = parse_tree(data, self.authors)
            yield from self.emit(records)
            yield from self.profiles(r.id.split(":", 1)[1] for r in records if isinstance(r, Actor))
            return
        queue = [item]
        while queue:
            if self.done:
                return
            iid = queue.pop(0)
            url = f"{self.cfg['firebase_url']}/item/{iid}.json"
            data = self.client.get_json(url, what=f"item {iid}")
            if data is None:
                continue
            if not isinstance(data, dict) or "id" not in data:
                self.ctx.error("malformed json", url, f"item {iid}")
                continue
            yield from self.emit(parse_item(data, self.authors))
            if data.get("by"):
                yield from self.profiles([data["by"]])
            queue.extend(k for k in data.get("kids") or () if isinstance(k, int))

    def profiles(self, names) -> Iterator:
        if not self.cfg["profiles"]:
            return
        for name in names:
            if not name or name in self.profiled:
                continue
            self.profiled.add(name)
            if self.cfg["tree"] == "firebase":
                data = self.client.get_json(f"{self.cfg['firebase_url']}/user/{name}.json", what=f"user {name}")
                about = (data or {}).get("about") if isinstance(data, dict) else None
            else:
                data = self.client.get_json(f"{self.cfg['algolia_url']}/users/{name}", what=f"user {name}")
                about = (data or {}).get("about") if isinstance(data, dict) else None
            if isinstance(data, dict):
                yield from self.emit([Actor(actor_id("hackernews", name),
                                            url=f"https://news.ycombinator.com/user?id={name}",
                                            bio=html_to_text(about) or None)])
