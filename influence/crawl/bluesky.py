"""Bluesky source (AT Protocol AppView): feeds, threads, likes, reposts, quotes, followers, search.

Sector file::

    [[sources]]
    type = "bluesky"
    appview = "https://public.api.bsky.app"   # default; any AppView or proxy
    actors = ["cafeaurora.example", "ana.bsky.social"]   # handles or DIDs: profile + author feed
    queries = ["specialty coffee"]   # searchPosts (the public AppView refuses it without a token)
    posts = ["https://bsky.app/profile/ana.bsky.social/post/3jukz62npim26"]   # single threads
    threads = true         # fetch the thread of posts that have replies (getPostThread)
    likes = true           # fetch who liked posts that were liked (getLikes)
    reposts = true         # fetch who reposted posts that were reposted (getRepostedBy)
    followers = 0          # list up to N followers of each of `actors` (getFollowers; 0: none)
    search_sort = "latest" # or "top"
    token_env = "BSKY_TOKEN"            # optional: NAME of a variable holding an access token
    identifier_env = "BSKY_HANDLE"      # optional: or an app-password session on `pds`
    password_env = "BSKY_APP_PASSWORD"
    pds = "https://bsky.social"         # where the session is created and authenticated calls go
    page_size = 100
    max_pages = 50          # fetches per run: listing pages, threads, likes... (--max-pages wins)
    max_posts = 5000

Records (``u -> v``: u gives attention to v):

=========================== ======================================================================
post                        :class:`Post` (id = ``at://`` uri, likes, reshares = reposts, replies)
reply                       ``reply``: author -> author of ``record.reply.parent``
mention facet               ``mention``: author -> the mentioned DID's handle
link facet, external embed  ``link``: author -> ``web:<host>`` (a bsky.app profile link: a mention)
quote (record embed)        ``quote``: author -> the quoted post's author
repost                      ``reshare``: reposter -> author (a feed's ``reasonRepost`` or
                            ``getRepostedBy``), dated at the post
like                        ``like``: liker -> author (``getLikes``), at the like's time
follower list               ``follow``: follower -> the actor (``getFollowers``, undated: the API
                            does not say when); ``followers = N`` per actor of ``actors``
profile                     :class:`Actor` with followers; a handle that is a web domain
                            (``ana.example``, verified by Bluesky through DNS or HTTPS) gives
                            ``SameAs(bluesky:ana.example, web:ana.example)``
=========================== ======================================================================

Actors are ``bluesky:<handle>``: DIDs are resolved to handles from the profiles the API returns
with every post, then with ``getProfiles`` (25 per call); a mention whose DID stays unknown uses
the handle written in the post text (the facet's byte range). Pagination: the opaque ``cursor``,
until the API returns none (or the same one again). Author feeds and ``latest`` searches are
crawled incrementally (by ``indexedAt``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from ..errors import ConfigError
from ..records import Actor, Interaction, Post, SameAs, actor_id, parse_timestamp
from . import api
from .api import ApiClient, Emitter, Page, paginate, profile_actor, web_actor

if TYPE_CHECKING:
    from .base import CrawlContext

__all__ = [
    "crawl",
    "did_of",
    "handle_actor",
    "parse_feed",
    "parse_followers",
    "parse_likes",
    "parse_post",
    "parse_profile",
    "parse_reposted_by",
    "parse_thread",
    "validate",
]

KEYS = ("appview", "actors", "queries", "posts", "threads", "likes", "reposts", "followers",
        "search_sort", "token_env", "identifier_env", "password_env", "pds", "page_size",
        "max_pages", "max_posts")

APPVIEW = "https://public.api.bsky.app"
PDS = "https://bsky.social"

#: Handle suffixes of hosting providers: such a handle is not the person's own web site.
SHARED_HANDLE_DOMAINS = (".bsky.social", ".bsky.team", ".bsky.app", ".brid.gy", ".invalid")

_ACTOR = re.compile(r"^@?([A-Za-z0-9-]+\.)+[A-Za-z0-9-]+$|^did:[a-z]+:[A-Za-z0-9._:%-]+$")
_POST_REF = re.compile(r"^at://\S+/app\.bsky\.feed\.post/\S+$|^https://(www\.)?bsky\.app/profile/[^/]+/post/[^/]+/?$")


def validate(source: dict, where: str = "source") -> None:
    """Check a ``type = "bluesky"`` source table; raise :class:`ConfigError` naming the key.

    Examples
    --------
    >>> validate({"type": "bluesky", "actors": ["shinyakato.dev"]})
    >>> validate({"type": "bluesky", "actors": ["not a handle"]}, "sources[1]")
    Traceback (most recent call last):
    ...
    influence.errors.ConfigError: sources[1].actors[0] must be like "ana.bsky.social" or a did:plc:..., got "not a handle"
    """
    _config(source, where)


def _config(source: dict, where: str) -> dict:
    api.check_keys(source, KEYS, where)
    cfg = {
        "appview": api.check_url(source, "appview", where, APPVIEW),
        "pds": api.check_url(source, "pds", where, PDS),
        "actors": [a.lstrip("@") for a in api.check_strings(
            source, "actors", where, pattern=_ACTOR, example='"ana.bsky.social" or a did:plc:...')],
        "queries": api.check_strings(source, "queries", where),
        "posts": api.check_strings(source, "posts", where, pattern=_POST_REF,
                                    example='"at://did:plc:.../app.bsky.feed.post/3jukz..."'),
        "threads": api.check_bool(source, "threads", where, True),
        "likes": api.check_bool(source, "likes", where, True),
        "reposts": api.check_bool(source, "reposts", where, True),
        "followers": api.check_int(source, "followers", where, 0, lo=0),
        "search_sort": api.check_choice(source, "search_sort", where, ("latest", "top"), "latest"),
        "page_size": api.check_int(source, "page_size", where, 100, hi=100),
        "max_pages": api.check_int(source, "max_pages", where, None),
        "max_posts": api.check_int(source, "max_posts", where, None),
    }
    for key in ("token_env", "identifier_env", "password_env"):
        cfg[key] = api.check_env_name(source, key, where)
    if bool(cfg["identifier_env"]) != bool(cfg["password_env"]):
        raise ConfigError(f"{where}: identifier_env and password_env go together (an app-password session)",
                          key=f"{where}.password_env")
    if not (cfg["actors"] or cfg["queries"] or cfg["posts"]):
        raise ConfigError(f"{where}: give at least one of actors, queries or posts", key=f"{where}.actors")
    return cfg


# -- parsers ---------------------------------------------------------------------------------------


def did_of(uri: str | None) -> str | None:
    """The DID (repository) of an ``at://`` URI.

    >>> did_of("at://did:plc:abc/app.bsky.feed.post/3ju")
    'did:plc:abc'
    """
    if not uri or not str(uri).startswith("at://"):
        return None
    repo = str(uri)[5:].split("/", 1)[0]
    return repo if repo.startswith("did:") else None


def handle_actor(profile: dict) -> str:
    """``bluesky:<handle>`` of a profile view (its DID when the handle is ``handle.invalid``).

    >>> handle_actor({"did": "did:plc:x", "handle": "Ana.bsky.social"})
    'bluesky:ana.bsky.social'
    """
    handle = str(profile.get("handle") or "")
    if not handle or handle == "handle.invalid":
        return actor_id("bluesky", str(profile["did"]))
    return actor_id("bluesky", handle)


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def parse_profile(profile: dict) -> list[Actor | SameAs]:
    """A profile view as an :class:`Actor`; a domain handle also gives ``SameAs`` with ``web:``.

    >>> parse_profile({"did": "did:plc:x", "handle": "shinyakato.dev", "followersCount": 4945})[1]
    SameAs(a='bluesky:shinyakato.dev', b='web:shinyakato.dev', evidence='bluesky domain handle')
    """
    aid = handle_actor(profile)
    handle = aid.split(":", 1)[1]
    out: list[Actor | SameAs] = [Actor(
        aid,
        name=profile.get("displayName") or None,
        url=f"https://bsky.app/profile/{handle}",
        followers=_count(profile.get("followersCount")),
        bio=profile.get("description") or None,
    )]
    if not handle.startswith("did:") and not handle.endswith(SHARED_HANDLE_DOMAINS):
        # the handle names one host (eddy.example.in), not its whole registrable domain: other
        # people may hold handles under the same domain, so the identity link keeps the host
        site = web_actor(f"https://{handle}/") and actor_id("web", handle)
        if site:
            out.append(SameAs(aid, site, "bluesky domain handle"))
    return out


def _remember(dids: dict, profile: Any) -> None:
    if isinstance(profile, dict) and profile.get("did") and profile.get("handle"):
        try:
            dids[profile["did"]] = handle_actor(profile)
        except ValueError:
            pass


def _post_url(uri: str, author: str) -> str | None:
    rkey = uri.rsplit("/", 1)[-1]
    return f"https://bsky.app/profile/{author.split(':', 1)[1]}/post/{rkey}" if rkey else None


def _quoted(post: dict) -> tuple[str | None, dict | None]:
    """(quoted post uri, its author profile if the view has it)."""
    embed = post.get("embed") or {}
    etype = str(embed.get("$type", ""))
    view = None
    if etype.startswith("app.bsky.embed.record#"):
        view = embed.get("record")
    elif etype.startswith("app.bsky.embed.recordWithMedia#"):
        view = (embed.get("record") or {}).get("record")
    if isinstance(view, dict) and str(view.get("uri", "")).count("/app.bsky.feed.post/"):
        return view["uri"], view.get("author") if isinstance(view.get("author"), dict) else None
    rec = (post.get("record") or {}).get("embed") or {}
    rtype = str(rec.get("$type", ""))
    if rtype == "app.bsky.embed.record":
        uri = (rec.get("record") or {}).get("uri")
    elif rtype == "app.bsky.embed.recordWithMedia":
        uri = ((rec.get("record") or {}).get("record") or {}).get("uri")
    else:
        uri = None
    if uri and "/app.bsky.feed.post/" in uri:
        return uri, None
    return None, None


def needed_dids(post: dict) -> set[str]:
    """DIDs a post refers to: its reply parent's author, mentions and a quoted post's author."""
    out = set()
    rec = post.get("record") or {}
    parent = ((rec.get("reply") or {}).get("parent") or {}).get("uri")
    for uri in (parent, _quoted(post)[0]):
        d = did_of(uri)
        if d:
            out.add(d)
    for facet in rec.get("facets") or ():
        for feat in (facet or {}).get("features") or ():
            if isinstance(feat, dict) and feat.get("$type") == "app.bsky.richtext.facet#mention" and feat.get("did"):
                out.add(feat["did"])
    return out


def _format(post: dict) -> str:
    etype = str((post.get("embed") or {}).get("$type", ""))
    if "video" in etype:
        return "video"
    if "images" in etype or "recordWithMedia" in etype:
        return "image"
    if "external" in etype:
        return "link"
    return "text"


def parse_post(post: dict, dids: dict | None = None) -> list:
    """Records of one post view: author, post, reply, mentions, links and quote.

    Parameters
    ----------
    post : dict
        An ``app.bsky.feed.defs#postView`` (``uri``, ``author``, ``record``, counts, ``embed``).
    dids : dict, optional
        DID -> actor id, to resolve reply parents, mentions and quotes (updated with this post's
        author). A reply or quote whose author is unknown yields no interaction; a mention falls
        back on the handle written in the text.
    """
    dids = {} if dids is None else dids
    author_profile = post["author"]
    _remember(dids, author_profile)
    author = handle_actor(author_profile)
    rec = post.get("record") or {}
    uri = post["uri"]
    ts = rec.get("createdAt") or post.get("indexedAt")
    langs = rec.get("langs") or ()
    parent_uri = ((rec.get("reply") or {}).get("parent") or {}).get("uri")
    out: list = list(parse_profile(author_profile))
    out.append(Post(
        uri, author, ts,
        text=rec.get("text") or "",
        url=_post_url(uri, author),
        language=langs[0] if langs and isinstance(langs[0], str) else None,
        likes=_count(post.get("likeCount")),
        reshares=_count(post.get("repostCount")),
        replies=_count(post.get("replyCount")),
        parent=parent_uri or None,
        format=_format(post),
    ))
    target = dids.get(did_of(parent_uri) or "")
    if target:
        out.append(Interaction(author, target, "reply", ts, post=uri))
    raw = str(rec.get("text") or "").encode("utf-8")
    for facet in rec.get("facets") or ():
        if not isinstance(facet, dict):
            continue
        for feat in facet.get("features") or ():
            if not isinstance(feat, dict):
                continue
            ftype = feat.get("$type")
            if ftype == "app.bsky.richtext.facet#mention":
                who = dids.get(str(feat.get("did")))
                if who is None:
                    index = facet.get("index") or {}
                    try:
                        written = raw[index["byteStart"]:index["byteEnd"]].decode("utf-8").strip().lstrip("@")
                        who = actor_id("bluesky", written) if _ACTOR.match(written) else None
                    except (KeyError, TypeError, UnicodeDecodeError, ValueError):
                        who = None
                if who:
                    out.append(Interaction(author, who, "mention", ts, post=uri))
            elif ftype == "app.bsky.richtext.facet#link":
                out.extend(_link(author, str(feat.get("uri") or ""), ts, uri))
    embed = post.get("embed") or {}
    if str(embed.get("$type", "")).startswith("app.bsky.embed.external"):
        out.extend(_link(author, str((embed.get("external") or {}).get("uri") or ""), ts, uri))
    quoted_uri, quoted_author = _quoted(post)
    if quoted_uri:
        _remember(dids, quoted_author)
        who = dids.get(did_of(quoted_uri) or "")
        if who:
            out.append(Interaction(author, who, "quote", ts, post=uri))
    return out


def _link(author: str, url: str, ts: Any, uri: str) -> list:
    who = profile_actor(url)
    if who and who.startswith("bluesky:"):
        return [Interaction(author, who, "mention", ts, post=uri)]
    site = web_actor(url)
    return [Interaction(author, site, "link", ts, post=uri)] if site else []


def _index_feed(items: Iterable[dict], dids: dict) -> None:
    for it in items:
        if not isinstance(it, dict):
            continue
        _remember(dids, (it.get("post") or {}).get("author"))
        _remember(dids, (it.get("reason") or {}).get("by"))
        for end in ("parent", "root"):
            _remember(dids, ((it.get("reply") or {}).get(end) or {}).get("author"))


def parse_feed(feed: dict, dids: dict | None = None) -> list:
    """Records of a ``getAuthorFeed`` (or timeline) page: posts, and reposts as ``reshare``."""
    dids = {} if dids is None else dids
    items = [it for it in feed.get("feed") or () if isinstance(it, dict) and isinstance(it.get("post"), dict)]
    _index_feed(items, dids)
    out: list = []
    for it in items:
        out.extend(_feed_item(it, dids))
    return out


def _feed_item(it: dict, dids: dict) -> list:
    post = it["post"]
    out = parse_post(post, dids)
    reason = it.get("reason") or {}
    if reason.get("$type") == "app.bsky.feed.defs#reasonRepost" and isinstance(reason.get("by"), dict):
        by = handle_actor(reason["by"])
        out.extend(parse_profile(reason["by"]))
        out.append(Interaction(by, handle_actor(post["author"]), "reshare",
                               (post.get("record") or {}).get("createdAt") or post.get("indexedAt"),
                               post=post["uri"]))
    return out


def thread_posts(thread: dict) -> list[dict]:
    """Every post view of a ``getPostThread`` answer: the parent chain, the post, all replies."""
    out: list[dict] = []
    node = thread.get("thread") if "thread" in thread else thread
    chain = []
    parent = (node or {}).get("parent")
    while isinstance(parent, dict):
        if isinstance(parent.get("post"), dict):
            chain.append(parent["post"])
        parent = parent.get("parent")
    out.extend(reversed(chain))
    stack = [node]
    while stack:
        n = stack.pop()
        if not isinstance(n, dict) or not isinstance(n.get("post"), dict):
            continue  # notFoundPost, blockedPost
        out.append(n["post"])
        stack.extend(reversed(n.get("replies") or ()))
    return out


def parse_thread(thread: dict, dids: dict | None = None) -> list:
    """Records of a ``getPostThread`` answer (parents, the post, replies at every depth)."""
    dids = {} if dids is None else dids
    posts = thread_posts(thread)
    for p in posts:
        _remember(dids, p.get("author"))
    out: list = []
    for p in posts:
        out.extend(parse_post(p, dids))
    return out


def parse_likes(likes: dict, author: str, ts: Any = None) -> list:
    """Records of ``getLikes``: each liker -> the post's ``author``, at the like's time."""
    uri = likes.get("uri")
    out: list = []
    for like in likes.get("likes") or ():
        if not isinstance(like, dict) or not isinstance(like.get("actor"), dict):
            continue
        out.extend(parse_profile(like["actor"]))
        out.append(Interaction(handle_actor(like["actor"]), author, "like",
                               like.get("createdAt") or ts, post=uri))
    return out


def parse_reposted_by(reposts: dict, author: str, ts: Any = None) -> list:
    """Records of ``getRepostedBy``: each reposter -> ``author``, dated at the post (``ts``)."""
    uri = reposts.get("uri")
    out: list = []
    for prof in reposts.get("repostedBy") or ():
        if isinstance(prof, dict) and prof.get("did"):
            out.extend(parse_profile(prof))
            out.append(Interaction(handle_actor(prof), author, "reshare", ts, post=uri))
    return out


def parse_followers(page: dict, target: str) -> list:
    """Records of a ``getFollowers`` page: each follower's profile records and an undated
    ``follow`` from it to ``target`` (the listed actor's id; the API does not say when).

    Examples
    --------
    >>> page = {"subject": {"did": "did:plc:s", "handle": "shinyakato.dev"},
    ...         "followers": [{"did": "did:plc:f", "handle": "ana.bsky.social", "followersCount": 7}]}
    >>> parse_followers(page, "bluesky:shinyakato.dev")
    [Actor(id='bluesky:ana.bsky.social', name=None, url='https://bsky.app/profile/ana.bsky.social', followers=7, competitor=None, language=None, bio=None), Interaction(source='bluesky:ana.bsky.social', target='bluesky:shinyakato.dev', kind=<Kind.FOLLOW: 'follow'>, timestamp=None, post=None, weight=1.0, rel=None)]
    """
    out: list = []
    for prof in page.get("followers") or ():
        if isinstance(prof, dict) and prof.get("did"):
            out.extend(parse_profile(prof))
            out.append(Interaction(handle_actor(prof), target, "follow", None))
    return out


# -- the crawler -------------------------------------------------------------------------------------


def crawl(source: dict, ctx: CrawlContext, *, sleep=None, clock=None) -> Iterator:
    """Crawl one ``type = "bluesky"`` source; yield its records.

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
        For an invalid table or a ``*_env`` key naming an unset variable. A failed session
        (wrong app password) is counted as an error and the crawl goes on unauthenticated.
    """
    where = ctx.name or "source"
    cfg = _config(source, where)
    max_pages, max_posts = api.budgets(source, ctx)
    client = ApiClient(ctx, sleep=sleep, clock=clock, max_pages=max_pages)
    base = cfg["appview"]
    token = api.read_token(source, "token_env", where)
    if token is None and cfg["identifier_env"]:
        ident = api.read_token(source, "identifier_env", where)
        password = api.read_token(source, "password_env", where)
        session = client.post_form(f"{cfg['pds']}/xrpc/com.atproto.server.createSession",
                                   json={"identifier": ident, "password": password},
                                   what="app-password session", archive=False)
        token = session.get("accessJwt") if isinstance(session, dict) else None
        if token:
            base = cfg["pds"]  # the PDS proxies app.bsky.* calls to the AppView for its users
    if token:
        client.headers["Authorization"] = f"Bearer {token}"
    yield from _Crawler(cfg, base, ctx, client, Emitter(ctx, max_posts), max_pages).run()


class _Crawler:
    def __init__(self, cfg, base, ctx, client, emit, max_pages):
        self.cfg, self.base, self.ctx, self.client, self.emit = cfg, base, ctx, client, emit
        self.max_pages = max_pages
        self.dids: dict[str, str] = {}
        self.unresolvable: set[str] = set()
        self.expanded: set[tuple[str, str]] = set()

    def xrpc(self, nsid: str, params: dict | list, what: str) -> Any:
        data = self.client.get_json(f"{self.base}/xrpc/{nsid}", params, what=what)
        if data is not None and not isinstance(data, dict):
            self.ctx.error("malformed json", f"{self.base}/xrpc/{nsid}", f"{what}: expected an object")
            return None
        return data

    @property
    def done(self) -> bool:
        """The run's budget (posts or fetches) is spent."""
        return self.emit.full or not self.client.has_budget()

    def run(self) -> Iterator:
        for actor in self.cfg["actors"]:
            if self.done:
                return
            profile = self.xrpc("app.bsky.actor.getProfile", {"actor": actor}, f"profile {actor}")
            if profile is None:
                continue
            if not profile.get("did"):
                self.ctx.error("malformed json", f"{self.base}/xrpc/app.bsky.actor.getProfile", actor)
                continue
            _remember(self.dids, profile)
            yield from self.emit(parse_profile(profile))
            yield from self.listing(
                f"feed:{profile['did']}", "app.bsky.feed.getAuthorFeed",
                {"actor": profile["did"], "limit": self.cfg["page_size"]}, "feed", f"feed of {actor}")
            if self.cfg["followers"]:
                yield from self.followers(profile)
        for q in self.cfg["queries"]:
            if self.done:
                return
            yield from self.listing(
                f"search:{self.cfg['search_sort']}:{q}", "app.bsky.feed.searchPosts",
                {"q": q, "sort": self.cfg["search_sort"], "limit": min(self.cfg["page_size"], 100)},
                "posts", f"search {q!r}", chronological=self.cfg["search_sort"] == "latest")
        for ref in self.cfg["posts"]:
            if self.done:
                return
            uri = self.at_uri(ref)
            if uri:
                yield from self.thread(uri, force=True)

    def at_uri(self, ref: str) -> str | None:
        if ref.startswith("at://"):
            return ref
        parts = ref.rstrip("/").split("/")
        who, rkey = parts[-3], parts[-1]
        if not who.startswith("did:"):
            profile = self.xrpc("app.bsky.actor.getProfile", {"actor": who}, f"profile {who}")
            if not profile or not profile.get("did"):
                return None
            _remember(self.dids, profile)
            who = profile["did"]
        return f"at://{who}/app.bsky.feed.post/{rkey}"

    def resolve(self, dids: set[str]) -> None:
        """Resolve unknown DIDs to handles with getProfiles (25 per call)."""
        todo = sorted(d for d in dids if d not in self.dids and d not in self.unresolvable)
        for i in range(0, len(todo), 25):
            chunk = todo[i:i + 25]
            data = self.xrpc("app.bsky.actor.getProfiles", [("actors", d) for d in chunk], "profiles")
            for prof in (data or {}).get("profiles") or ():
                _remember(self.dids, prof)
            self.unresolvable.update(d for d in chunk if d not in self.dids)

    def listing(self, key, nsid, params, field, what, chronological=True) -> Iterator:
        def fetch(cont, since):
            p = dict(params)
            if cont is not None:
                p["cursor"] = cont
            data = self.xrpc(nsid, p, what)
            if data is None:
                return None
            items = data.get(field)
            if not isinstance(items, list):
                self.ctx.error("malformed json", f"{self.base}/xrpc/{nsid}", f"{what}: no {field} list")
                return None
            return Page(items, data.get("cursor") or None)

        def item_key(it):
            post = it.get("post", it)
            stamp = (it.get("reason") or {}).get("indexedAt") or post.get("indexedAt")
            return parse_timestamp(stamp)

        for items in paginate(self.ctx, key, fetch, item_key=item_key, chronological=chronological,
                              budget=self.client.has_budget, stop=lambda: self.emit.full):
            items = [it for it in items if isinstance(it, dict)]
            if field == "feed":
                items = [it for it in items if isinstance(it.get("post"), dict)]
                _index_feed(items, self.dids)
                posts = [it["post"] for it in items]
            else:
                posts = [it for it in items if isinstance(it.get("author"), dict)]
                for p in posts:
                    _remember(self.dids, p["author"])
            self.resolve(set().union(*(needed_dids(p) for p in posts)) if posts else set())
            for it, post in zip(items if field == "feed" else posts, posts):
                if self.emit.full:
                    return
                try:
                    recs = _feed_item(it, self.dids) if field == "feed" else parse_post(post, self.dids)
                except (KeyError, TypeError, ValueError) as exc:
                    self.ctx.error("malformed post", str(post.get("uri", "")), str(exc))
                    continue
                yield from self.emit(recs)
                yield from self.expand(post)

    def expand(self, post: dict) -> Iterator:
        uri = post.get("uri")
        if not uri:
            return
        if self.cfg["threads"] and (_count(post.get("replyCount")) or 0) > 0:
            yield from self.thread(uri)
        yield from self.reactions(post)

    def thread(self, uri: str, force: bool = False) -> Iterator:
        """The thread of a post; with ``force`` (a post named in the source) also its likes and
        reposts, even when the thread cannot be read (the author then comes from the URI's DID)."""
        root = None
        if ("thread", uri) not in self.expanded:
            self.expanded.add(("thread", uri))
            data = self.xrpc("app.bsky.feed.getPostThread", {"uri": uri, "depth": 1000}, f"thread {uri}")
            posts = thread_posts(data) if data is not None else []
            if data is not None and not posts:
                self.ctx.error("malformed json", f"{self.base}/xrpc/app.bsky.feed.getPostThread", f"thread {uri}")
            for p in posts:
                _remember(self.dids, p.get("author"))
                self.expanded.add(("thread", p.get("uri")))  # one request per thread
            if posts:
                self.resolve(set().union(*(needed_dids(p) for p in posts)))
            for p in posts:
                if self.emit.full:
                    return
                try:
                    yield from self.emit(parse_post(p, self.dids))
                except (KeyError, TypeError, ValueError) as exc:
                    self.ctx.error("malformed post", str(p.get("uri", "")), str(exc))
            root = next((p for p in posts if p.get("uri") == uri), None)
        if not force:
            return
        if root is not None:
            yield from self.reactions(root)
            return
        did = did_of(uri)
        if did:
            self.resolve({did})
        author = self.dids.get(did or "")
        if author is None:
            self.ctx.error("unresolved", uri, "the author of this post could not be resolved")
            return
        yield from self.reactions({"uri": uri, "author": None}, author=author)

    def reactions(self, post: dict, author: str | None = None) -> Iterator:
        """Likes and reposts of a post (when its counts say there are any, or are unknown)."""
        uri = post["uri"]
        author = author or handle_actor(post["author"])
        ts = (post.get("record") or {}).get("createdAt") or post.get("indexedAt")
        for flag, nsid, count_key, parser, field in (
                ("likes", "app.bsky.feed.getLikes", "likeCount", parse_likes, "likes"),
                ("reposts", "app.bsky.feed.getRepostedBy", "repostCount", parse_reposted_by, "repostedBy")):
            # a count of 0 saves the request; an unknown count (a post named by its URI) does not
            if not self.cfg[flag] or _count(post.get(count_key)) == 0 or (flag, uri) in self.expanded:
                continue
            self.expanded.add((flag, uri))
            cursor, pages = None, 0
            while self.client.has_budget():
                params = {"uri": uri, "limit": 100}
                if cursor:
                    params["cursor"] = cursor
                data = self.xrpc(nsid, params, f"{flag} of {uri}")
                pages += 1
                if data is None:
                    break
                if not isinstance(data.get(field), list):
                    self.ctx.error("malformed json", f"{self.base}/xrpc/{nsid}", f"{flag} of {uri}")
                    break
                yield from self.emit(parser(data, author, ts))
                nxt = data.get("cursor")
                if not nxt or nxt == cursor:
                    break
                cursor = nxt

    def followers(self, profile: dict) -> Iterator:
        """Up to ``followers`` accounts that follow the actor of ``profile``, page by page
        (``cursor``); a page that brings no new follower, or repeats the cursor, ends the list."""
        wanted = self.cfg["followers"]
        nsid = "app.bsky.graph.getFollowers"
        what = f"followers of {handle_actor(profile)}"
        seen: set[str] = set()
        cursor = None
        while len(seen) < wanted and self.client.has_budget():
            params = {"actor": profile["did"], "limit": min(100, wanted - len(seen))}
            if cursor:
                params["cursor"] = cursor
            data = self.xrpc(nsid, params, what)
            if data is None:
                break
            items = data.get("followers")
            if not isinstance(items, list):
                self.ctx.error("malformed json", f"{self.base}/xrpc/{nsid}", f"{what}: no followers list")
                break
            fresh = []  # followers not had yet, up to the number still wanted
            for prof in items:
                if isinstance(prof, dict) and prof.get("did") and prof["did"] not in seen:
                    if len(seen) == wanted:
                        break
                    seen.add(prof["did"])
                    fresh.append(prof)
            subject = data.get("subject")
            try:
                target = handle_actor(subject if isinstance(subject, dict) and subject.get("did") else profile)
                records = parse_followers({"followers": fresh}, target)
            except (KeyError, TypeError, ValueError) as exc:
                self.ctx.error("malformed json", f"{self.base}/xrpc/{nsid}", f"{what}: {exc}")
                break
            yield from self.emit(records)
            nxt = data.get("cursor")
            if not fresh or not nxt or nxt == cursor:
                break
            cursor = nxt
