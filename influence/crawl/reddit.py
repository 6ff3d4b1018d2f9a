"""Reddit source: subreddit listings, searches and full comment trees.

Sector file::

    [[sources]]
    type = "reddit"
    subreddits = ["coffee", "espresso"]
    sort = "new"                 # hot, new (default), top, rising, controversial
    time = "month"               # for top / controversial: hour, day, week, month, year, all
    queries = ["specialty coffee"]   # search (within the subreddits when there are any)
    threads = ["https://www.reddit.com/r/coffee/comments/3hahrw/"]   # posts by id or URL
    latest_comments = false      # also read /r/<sub>/comments (the newest comments)
    comments = true              # fetch the comment tree of listed posts that have comments
    more = true                  # expand "more" stubs (/api/morechildren, "continue this thread")
    comment_limit = 2048         # comments asked for per tree (Reddit answers up to ~500)
    user_agent = "python:coffee-watch:1.0 (by /u/yourname)"   # Reddit asks for a unique one
    base_url = "https://www.reddit.com"      # public JSON endpoints (10 requests/min)
    client_id_env = "REDDIT_CLIENT_ID"       # optional OAuth app (100 requests/min): NAMES of
    client_secret_env = "REDDIT_SECRET"      # environment variables, never the secrets
    token_env = "REDDIT_TOKEN"               # or the NAME of a variable with a ready bearer token
    oauth_url = "https://oauth.reddit.com"
    auth_url = "https://www.reddit.com/api/v1/access_token"
    max_pages = 50          # fetches per run: listing pages, threads, likes... (--max-pages wins)
    max_posts = 5000

Records (``u -> v``: u gives attention to v):

============================ ====================================================================
post (``t3``)                :class:`Post` ``reddit:t3_<id>``: title, self text, likes = score,
                             replies = num_comments; a link post also gives ``link`` author ->
                             ``web:<host>`` (links to reddit itself excluded)
comment (``t1``)             :class:`Post` ``reddit:t1_<id>`` with ``parent``; ``reply``: comment
                             author -> author of the parent comment, or of the post for a
                             top-level comment
``u/name`` in a text         ``mention``
``[deleted]`` author         no actor, no post, no interaction to or from it (its replies' other
                             ends are kept where they are known)
============================ ====================================================================

Actors are ``reddit:u/<name>`` (lower-cased). Listings page with ``after`` (``limit=100``);
``new``, ``comments`` and searches sorted by ``new`` are crawled incrementally (ids grow with time);
``hot``, ``top``, ``rising`` and ``controversial`` are rankings, re-read at each crawl up to the
budget. Comment trees are complete: ``more`` stubs are expanded one request each, as Reddit
requires. Rate limits: ``X-Ratelimit-Remaining`` / ``X-Ratelimit-Reset`` (seconds).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from ..errors import ConfigError
from ..records import Actor, Interaction, Post, actor_id
from ..validation import invalid
from . import api
from .api import ApiClient, Emitter, Page, paginate, web_actor

if TYPE_CHECKING:
    from .base import CrawlContext

__all__ = [
    "author_id",
    "crawl",
    "more_stubs",
    "parse_listing",
    "parse_more",
    "parse_thread",
    "thread_comments",
    "validate",
]

KEYS = ("subreddits", "sort", "time", "queries", "threads", "latest_comments", "comments", "more",
        "comment_limit", "user_agent", "base_url", "client_id_env", "client_secret_env", "token_env",
        "oauth_url", "auth_url", "max_pages", "max_posts")

DELETED = ("[deleted]", "[removed]")
_SUB = re.compile(r"^(/?r/)?[A-Za-z0-9_]{2,21}$")
_THREAD = re.compile(r"^[a-z0-9]{4,10}$|^(t3_)[a-z0-9]{4,10}$|^https?://\S*/comments/[a-z0-9]+\S*$")
_MENTION = re.compile(r"(?<![\w/])/?u/([A-Za-z0-9_-]{3,20})\b")
_REDDIT_HOSTS = ("reddit.com", "redd.it", "redditmedia.com", "redditstatic.com")


def validate(source: dict, where: str = "source") -> None:
    """Check a ``type = "reddit"`` source table; raise :class:`ConfigError` naming the key.

    Examples
    --------
    >>> validate({"type": "reddit", "subreddits": ["coffee"], "sort": "hot"})
    >>> validate({"type": "reddit", "subreddits": ["coffee"], "sort": "best"}, "sources[3]")
    Traceback (most recent call last):
    ...
    influence.errors.ConfigError: sources[3].sort must be one of "hot", "new", "top", "rising", "controversial", got "best"
    """
    _config(source, where)


def _config(source: dict, where: str) -> dict:
    api.check_keys(source, KEYS, where)
    cfg = {
        # subreddit names are case-insensitive: one spelling for URLs and state keys
        "subreddits": [re.sub(r"^/?r/", "", s).lower() for s in api.check_strings(
            source, "subreddits", where, pattern=_SUB, example='"coffee"')],
        "sort": api.check_choice(source, "sort", where, ("hot", "new", "top", "rising", "controversial"), "new"),
        "time": api.check_choice(source, "time", where, ("hour", "day", "week", "month", "year", "all"), "week"),
        "queries": api.check_strings(source, "queries", where),
        "threads": api.check_strings(source, "threads", where, pattern=_THREAD,
                                      example='"3hahrw" or a post URL'),
        "latest_comments": api.check_bool(source, "latest_comments", where, False),
        "comments": api.check_bool(source, "comments", where, True),
        "more": api.check_bool(source, "more", where, True),
        "comment_limit": api.check_int(source, "comment_limit", where, 2048, hi=10000),
        "base_url": api.check_url(source, "base_url", where, "https://www.reddit.com"),
        "oauth_url": api.check_url(source, "oauth_url", where, "https://oauth.reddit.com"),
        "auth_url": api.check_url(source, "auth_url", where, "https://www.reddit.com/api/v1/access_token"),
        "max_pages": api.check_int(source, "max_pages", where, None),
        "max_posts": api.check_int(source, "max_posts", where, None),
    }
    ua = source.get("user_agent", api.USER_AGENT)
    if not isinstance(ua, str) or not ua.strip() or "\n" in ua:
        raise invalid(f"{where}.user_agent", "a one-line string", ua)
    cfg["user_agent"] = ua.strip()
    for key in ("client_id_env", "client_secret_env", "token_env"):
        cfg[key] = api.check_env_name(source, key, where)
    if bool(cfg["client_id_env"]) != bool(cfg["client_secret_env"]):
        raise ConfigError(f"{where}: client_id_env and client_secret_env go together (an OAuth app)",
                          key=f"{where}.client_secret_env")
    if not (cfg["subreddits"] or cfg["queries"] or cfg["threads"]):
        raise ConfigError(f"{where}: give at least one of subreddits, queries or threads",
                          key=f"{where}.subreddits")
    return cfg


# -- parsers ---------------------------------------------------------------------------------------


def author_id(name: Any) -> str | None:
    """``reddit:u/<name>``, or ``None`` for a deleted or missing author.

    >>> author_id("SomeOne"), author_id("[deleted]")
    ('reddit:u/someone', None)
    """
    if not isinstance(name, str) or not name.strip() or name in DELETED:
        return None
    return actor_id("reddit", name)


def _count(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return int(value) if value >= 0 else 0  # a score can be negative: no likes


def _mentions(author: str, text: str, ts: Any, pid: str) -> list:
    out = []
    for name in dict.fromkeys(m.group(1) for m in _MENTION.finditer(text or "")):
        target = author_id(name)
        if target and target != author:
            out.append(Interaction(author, target, "mention", ts, post=pid))
    return out


def parse_post(data: dict) -> list:
    """Records of one submission (``t3`` data): author, post, link, mentions in the self text."""
    author = author_id(data.get("author"))
    if author is None:
        return []
    pid = "reddit:" + (data.get("name") or f"t3_{data['id']}")
    ts = data.get("created_utc")
    permalink = data.get("permalink")
    is_self = bool(data.get("is_self"))
    out: list = [
        Actor(author, url=f"https://www.reddit.com/user/{data['author']}"),
        Post(pid, author, ts, text=data.get("selftext") or "", title=data.get("title") or None,
             url=f"https://www.reddit.com{permalink}" if permalink else data.get("url"),
             likes=_count(data.get("score")), replies=_count(data.get("num_comments")),
             format="text" if is_self else ("image" if data.get("post_hint") == "image" else "link")),
    ]
    url = data.get("url") or ""
    if not is_self and url:
        host = (urlsplit(url).hostname or "").lower() if "://" in url else ""
        if host and not any(host == h or host.endswith("." + h) for h in _REDDIT_HOSTS):
            site = web_actor(url)
            if site:
                out.append(Interaction(author, site, "link", ts, post=pid))
    out.extend(_mentions(author, data.get("selftext") or "", ts, pid))
    return out


def _comment_records(data: dict, authors: dict) -> list:
    author = author_id(data.get("author"))
    if author is None:
        return []
    pid = "reddit:" + (data.get("name") or f"t1_{data['id']}")
    ts = data.get("created_utc")
    parent = data.get("parent_id")
    permalink = data.get("permalink")
    out: list = [
        Actor(author, url=f"https://www.reddit.com/user/{data['author']}"),
        Post(pid, author, ts, text=data.get("body") or "",
             url=f"https://www.reddit.com{permalink}" if permalink else None,
             likes=_count(data.get("score")), parent=f"reddit:{parent}" if parent else None, format="text"),
    ]
    target = authors.get(parent)
    if target:
        out.append(Interaction(author, target, "reply", ts, post=pid))
    out.extend(_mentions(author, data.get("body") or "", ts, pid))
    return out


def thread_comments(listing: Any) -> tuple[list[dict], list[dict]]:
    """Flatten a comment Listing, depth first in tree order: (``t1`` data, ``more`` stub data).

    >>> tree = {"data": {"children": [{"kind": "t1", "data": {"id": "a", "replies": {"data": {
    ...     "children": [{"kind": "more", "data": {"id": "m", "children": ["c"]}}]}}}},
    ...     {"kind": "t1", "data": {"id": "b", "replies": ""}}]}}
    >>> [c["id"] for c in thread_comments(tree)[0]], [m["id"] for m in thread_comments(tree)[1]]
    (['a', 'b'], ['m'])
    """
    comments: list[dict] = []
    stubs: list[dict] = []
    end = object()

    def children(node: Any) -> Iterator:
        return iter(((node if isinstance(node, dict) else {}).get("data") or {}).get("children") or ())

    stack = [children(listing)]
    while stack:
        thing = next(stack[-1], end)
        if thing is end:
            stack.pop()
            continue
        if not isinstance(thing, dict):
            continue
        kind, data = thing.get("kind"), thing.get("data") or {}
        if kind == "t1":
            comments.append(data)
            if isinstance(data.get("replies"), dict):
                stack.append(children(data["replies"]))
        elif kind == "more":
            stubs.append(data)
    return comments, stubs


_flatten = thread_comments


def more_stubs(thread: list) -> list[dict]:
    """The ``more`` stubs of a ``/comments/<id>`` answer, in tree order."""
    return _flatten(thread[1])[1] if isinstance(thread, list) and len(thread) > 1 else []


def parse_thread(thread: list, authors: dict | None = None) -> list:
    """Records of a ``/comments/<id>`` answer: the post and every comment of the tree.

    Parameters
    ----------
    thread : list
        ``[post Listing, comment Listing]``.
    authors : dict, optional
        Fullname (``t1_x``, ``t3_y``) -> actor id, filled in as the tree is read, so that replies
        found later (``more`` expansions) reach their parents.
    """
    authors = {} if authors is None else authors
    out: list = []
    post_things = ((thread[0] or {}).get("data") or {}).get("children") or ()
    for thing in post_things:
        if isinstance(thing, dict) and thing.get("kind") == "t3":
            data = thing.get("data") or {}
            name = data.get("name") or f"t3_{data.get('id')}"
            if author_id(data.get("author")):
                authors[name] = author_id(data.get("author"))
            out.extend(parse_post(data))
    comments, _ = _flatten(thread[1] if len(thread) > 1 else {})
    out.extend(_comments(comments, authors))
    return out


def _comments(comments: Iterable[dict], authors: dict) -> list:
    comments = [c for c in comments if isinstance(c, dict) and c.get("id")]
    for c in comments:
        a = author_id(c.get("author"))
        if a:
            authors[c.get("name") or f"t1_{c['id']}"] = a
    out: list = []
    for c in comments:
        out.extend(_comment_records(c, authors))
    return out


def parse_more(answer: dict, authors: dict | None = None) -> tuple[list, list[dict]]:
    """Records of an ``/api/morechildren`` answer, and the ``more`` stubs it contains."""
    authors = {} if authors is None else authors
    things = ((answer.get("json") or {}).get("data") or {}).get("things") or ()
    comments = [t.get("data") or {} for t in things if isinstance(t, dict) and t.get("kind") == "t1"]
    stubs = [t.get("data") or {} for t in things if isinstance(t, dict) and t.get("kind") == "more"]
    # morechildren returns replies flat, with their own nested "replies" sometimes
    flat: list[dict] = []
    for c in comments:
        flat.append(c)
        if isinstance(c.get("replies"), dict):
            sub, sub_stubs = _flatten(c["replies"])
            flat.extend(sub)
            stubs.extend(sub_stubs)
    return _comments(flat, authors), stubs


def parse_listing(listing: dict, authors: dict | None = None) -> list:
    """Records of a Listing page of submissions (``t3``) or comments (``t1``).

    A comment listing (``/r/<sub>/comments``) names the post's author (``link_author``), so a
    top-level comment gives its ``reply``; a reply to a comment gives one only when that comment
    is on the same page (or in ``authors``).
    """
    authors = {} if authors is None else authors
    out: list = []
    things = [t for t in (listing.get("data") or {}).get("children") or () if isinstance(t, dict)]
    comments = []
    for t in things:
        data = t.get("data") or {}
        if t.get("kind") == "t3":
            out.extend(parse_post(data))
        elif t.get("kind") == "t1":
            comments.append(data)
            if data.get("link_id") and author_id(data.get("link_author")):
                authors.setdefault(data["link_id"], author_id(data.get("link_author")))
    out.extend(_comments(comments, authors))
    return out


# -- the crawler -------------------------------------------------------------------------------------


def crawl(source: dict, ctx: CrawlContext, *, sleep=None, clock=None) -> Iterator:
    """Crawl one ``type = "reddit"`` source; yield its records.

    Parameters
    ----------
    source : dict
        The source table (keys in the module docstring).
    ctx : CrawlContext
    sleep, clock : callable, optional
        For tests: injected into the rate-limit waits.

    Raises
    ------
    ConfigError
        For an invalid table or a ``*_env`` key naming an unset variable. A refused OAuth token
        is counted as an error and the crawl goes on with the public endpoints.
    """
    where = ctx.name or "source"
    cfg = _config(source, where)
    max_pages, max_posts = api.budgets(source, ctx)
    client = ApiClient(ctx, headers={"User-Agent": cfg["user_agent"]}, sleep=sleep, clock=clock,
                       max_pages=max_pages)
    base, suffix = cfg["base_url"], ".json"
    token = api.read_token(source, "token_env", where)
    if token is None and cfg["client_id_env"]:
        cid = api.read_token(source, "client_id_env", where)
        secret = api.read_token(source, "client_secret_env", where)
        answer = client.post_form(cfg["auth_url"], {"grant_type": "client_credentials"}, auth=(cid, secret),
                                  what="OAuth token", archive=False)
        token = answer.get("access_token") if isinstance(answer, dict) else None
        if answer is not None and not token:
            ctx.error("oauth", cfg["auth_url"], "no access_token in the answer; using the public endpoints")
    if token:
        client.headers["Authorization"] = f"Bearer {token}"
        base, suffix = cfg["oauth_url"], ""
    yield from _Crawler(cfg, base, suffix, bool(token), ctx, client, Emitter(ctx, max_posts), max_pages).run()


def _thread_id(ref: str) -> str:
    m = re.search(r"/comments/([a-z0-9]+)", ref)
    if m:
        return m.group(1)
    return ref.removeprefix("t3_")


class _Crawler:
    def __init__(self, cfg, base, suffix, authed, ctx, client, emit, max_pages):
        self.cfg, self.base, self.suffix, self.authed = cfg, base, suffix, authed
        self.ctx, self.client, self.emit, self.max_pages = ctx, client, emit, max_pages
        self.done_threads: set[str] = set()

    def url(self, path: str) -> str:
        return f"{self.base}{path}{self.suffix}"

    @property
    def done(self) -> bool:
        """The run's budget (posts or fetches) is spent."""
        return self.emit.full or not self.client.has_budget()

    def run(self) -> Iterator:
        cfg = self.cfg
        chrono = cfg["sort"] == "new"
        for sub in cfg["subreddits"]:
            if self.done:
                return
            params = {"limit": 100, "raw_json": 1}
            if cfg["sort"] in ("top", "controversial"):
                params["t"] = cfg["time"]
            yield from self.listing(f"r/{sub.lower()}/{cfg['sort']}", f"/r/{quote(sub)}/{cfg['sort']}",
                                    params, f"r/{sub} {cfg['sort']}", chrono)
            if cfg["latest_comments"]:
                yield from self.listing(f"r/{sub.lower()}/comments", f"/r/{quote(sub)}/comments",
                                        {"limit": 100, "raw_json": 1}, f"r/{sub} comments", True)
        for q in cfg["queries"]:
            scopes = [f"/r/{quote(s)}/search" for s in cfg["subreddits"]] or ["/search"]
            for scope in scopes:
                if self.done:
                    return
                params = {"q": q, "sort": "new", "limit": 100, "raw_json": 1, "type": "link"}
                if scope != "/search":
                    params["restrict_sr"] = 1
                yield from self.listing(f"search:{scope}:{q}", scope, params, f"search {q!r}", True)
        for ref in cfg["threads"]:
            if self.done:
                return
            yield from self.thread(_thread_id(ref))

    def listing(self, key, path, params, what, chronological) -> Iterator:
        url = self.url(path)

        def fetch(cont, since):
            p = dict(params)
            if cont:
                p["after"] = cont
            data = self.client.get_json(url, p, what=what)
            if data is None:
                return None
            if not isinstance(data, dict) or not isinstance((data.get("data") or {}).get("children"), list):
                self.ctx.error("malformed json", url, f"{what}: not a Listing")
                return None
            return Page(data["data"]["children"], data["data"].get("after") or None)

        def item_key(thing):
            return int(thing["data"]["id"], 36)

        authors: dict = {}
        for items in paginate(self.ctx, key, fetch, item_key=item_key, chronological=chronological,
                              budget=self.client.has_budget, stop=lambda: self.emit.full):
            records = parse_listing({"data": {"children": items}}, authors)
            yield from self.emit(records)
            if self.cfg["comments"]:
                for thing in items:
                    data = thing.get("data") or {}
                    if thing.get("kind") == "t3" and (_count(data.get("num_comments")) or 0) > 0:
                        if self.done:
                            return
                        yield from self.thread(str(data.get("id")))

    def thread(self, tid: str) -> Iterator:
        if tid in self.done_threads:
            return
        self.done_threads.add(tid)
        url = self.url(f"/comments/{tid}")
        data = self.client.get_json(url, {"limit": self.cfg["comment_limit"], "sort": "confidence",
                                          "raw_json": 1}, what=f"thread {tid}")
        if data is None:
            return
        if not isinstance(data, list) or len(data) < 2:
            self.ctx.error("malformed json", url, f"thread {tid}: expected [post, comments]")
            return
        authors: dict = {}
        try:
            records = parse_thread(data, authors)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            self.ctx.error("malformed json", url, f"thread {tid}: {exc}")
            return
        yield from self.emit(records)
        if self.cfg["more"]:
            yield from self.expand(tid, more_stubs(data), authors)

    def expand(self, tid: str, stubs: list[dict], authors: dict) -> Iterator:
        """Expand "more" stubs, breadth first (an expansion may hold more stubs)."""
        queue = list(stubs)
        while queue:
            if self.done:
                return
            stub = queue.pop(0)
            children = [c for c in stub.get("children") or () if isinstance(c, str)]
            parent = str(stub.get("parent_id") or "")
            if children:
                form = {"api_type": "json", "children": ",".join(children), "link_id": f"t3_{tid}",
                        "sort": "confidence"}
                url = f"{self.base}/api/morechildren{self.suffix}"
                if self.authed:  # the OAuth API takes it as a form, as PRAW sends it
                    answer = self.client.post_form(f"{url}?raw_json=1", form, what=f"more comments of {tid}")
                else:  # the public endpoint is a GET (reddit.com/dev/api#GET_api_morechildren)
                    answer = self.client.get_json(url, dict(form, raw_json=1), what=f"more comments of {tid}")
                if answer is None:
                    continue
                if not isinstance(answer, dict) or "json" not in answer:
                    self.ctx.error("malformed json", url, f"more comments of {tid}")
                    continue
                records, more = parse_more(answer, authors)
            elif parent.startswith("t1_"):
                # "continue this thread": the sub-tree of the parent comment, read as a thread
                url = self.url(f"/comments/{tid}/_/{parent[3:]}")
                answer = self.client.get_json(url, {"raw_json": 1}, what=f"comment {parent} of {tid}")
                if answer is None:
                    continue
                if not isinstance(answer, list) or len(answer) < 2:
                    self.ctx.error("malformed json", url, f"comment {parent} of {tid}")
                    continue
                comments, more = _flatten(answer[1])
                records = _comments(comments, authors)
            else:
                continue
            yield from self.emit(records)
            queue.extend(more)
