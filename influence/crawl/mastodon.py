"""Mastodon source: tag timelines, account statuses, threads, boosts and favourites.

Sector file::

    [[sources]]
    type = "mastodon"
    instance = "https://mastodon.social"     # required: the instance whose API is read
    hashtags = ["specialtycoffee", "cafe"]    # tag timelines (sector discovery)
    accounts = ["@cafeaurora@mastodon.example", "ana"]   # account statuses ("ana": a local account)
    statuses = ["https://mastodon.social/@ana/109294719267373593"]   # single threads
    context = true          # fetch the thread (replies) of statuses that have replies
    reblogs = true          # fetch who boosted statuses that were boosted
    favourites = true       # fetch who favourited statuses that were favourited
    followers = 0           # list up to N followers of each of `accounts` (0: none)
    token_env = "MASTODON_TOKEN"   # optional: the NAME of an environment variable with a token
    domain = "mastodon.social"     # optional: the instance's account domain (if not the URL host)
    page_size = 40          # statuses per page (the API's maximum is 40)
    max_pages = 50          # fetches per run: listing pages, threads, likes... (--max-pages wins)
    max_posts = 5000        # posts per run

Records (``u -> v``: u gives attention to v):

========================== =======================================================================
status                     :class:`Post` (id = the status ``uri``, likes = favourites_count,
                           reshares = reblogs_count, replies = replies_count, text from the HTML)
reply                      ``reply``: author -> the account replied to (``in_reply_to_account_id``)
mention                    ``mention``: author -> each mentioned account, except the account
                           replied to (its mention is the reply itself)
link in the text           ``link``: author -> ``web:<host>`` (hashtag and mention links excluded)
boost                      ``reshare``: booster -> original author (a boost in a timeline, or
                           ``reblogged_by``)
favourite                  ``like``: account -> author (``favourited_by``)
follower list              ``follow``: follower -> each of ``accounts`` (``followers = N``; undated:
                           the API does not say when an account followed)
account                    :class:`Actor` with ``followers``; verified ``rel=me`` profile fields
                           give :class:`SameAs` links (``web:<site>`` or a known platform profile)
========================== =======================================================================

Actor ids are ``mastodon:@user@domain``: a remote account's ``acct`` is ``user@domain`` already;
a local one (``acct = "user"``) gets its domain from its profile URL (or the ``domain`` key).
Status and account ids in the API are local to each instance, so posts are keyed by their global
``uri`` and accounts by their handle. Likes and boosts are dated at the status they target: the
API does not say when they happened, and one date keeps a boost seen twice (in a timeline and in
``reblogged_by``) one interaction.

Pagination follows the ``Link: <...>; rel="next"`` header (never guessed ids), on the instance
only. Rate limits: ``X-RateLimit-Remaining``/``X-RateLimit-Reset`` (an ISO time), 429 waited out.
Re-crawls read timelines down to the newest status of the last crawl (``since_id``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from ..records import Actor, Interaction, Post, SameAs, actor_id
from ..validation import invalid
from . import api
from .api import (
    ApiClient,
    Emitter,
    Page,
    html_links,
    html_to_text,
    paginate,
    profile_actor,
    web_actor,
)

if TYPE_CHECKING:
    from .base import CrawlContext

__all__ = [
    "account_id",
    "crawl",
    "parse_account",
    "parse_accounts",
    "parse_context",
    "parse_followers",
    "parse_status",
    "parse_statuses",
    "validate",
]

KEYS = ("instance", "hashtags", "accounts", "statuses", "context", "reblogs", "favourites",
        "followers", "token_env", "domain", "page_size", "max_pages", "max_posts")

_ACCT = re.compile(r"^@?[A-Za-z0-9_]+(@[A-Za-z0-9.-]+\.[A-Za-z]{2,}(:\d+)?)?$|^https?://\S+/@[A-Za-z0-9_]+/?$")
_TAG = re.compile(r"^#?[^\s#/?&]+$")
_STATUS = re.compile(r"^(\d+)$|^https?://\S+/(\d+)/?$")


def validate(source: dict, where: str = "source") -> None:
    """Check a ``type = "mastodon"`` source table.

    Parameters
    ----------
    source : dict
        The ``[[sources]]`` table.
    where : str, default="source"
        How messages name the table, e.g. ``"sources[2]"``.

    Raises
    ------
    ConfigError
        Naming the key, e.g. ``sources[2].instance is required (e.g. "https://mastodon.social")``.

    Examples
    --------
    >>> validate({"type": "mastodon", "instance": "https://mastodon.social", "hashtags": ["coffee"]})
    >>> validate({"type": "mastodon", "hashtags": ["coffee"]}, "sources[0]")
    Traceback (most recent call last):
    ...
    influence.errors.ConfigError: sources[0].instance is required (e.g. "https://mastodon.social")
    """
    _config(source, where)


def _config(source: dict, where: str) -> dict:
    from ..errors import ConfigError

    api.check_keys(source, KEYS, where)
    if "instance" not in source:
        raise ConfigError(f'{where}.instance is required (e.g. "https://mastodon.social")',
                          key=f"{where}.instance")
    cfg = {
        "instance": api.check_url(source, "instance", where, None),
        "hashtags": [t.lstrip("#") for t in api.check_strings(source, "hashtags", where, pattern=_TAG,
                                                                example='"coffee"')],
        "accounts": api.check_strings(source, "accounts", where, pattern=_ACCT,
                                       example='"@ana@mastodon.social"'),
        "statuses": api.check_strings(source, "statuses", where, pattern=_STATUS,
                                       example='"https://mastodon.social/@ana/109294719267373593"'),
        "context": api.check_bool(source, "context", where, True),
        "reblogs": api.check_bool(source, "reblogs", where, True),
        "favourites": api.check_bool(source, "favourites", where, True),
        "followers": api.check_int(source, "followers", where, 0, lo=0),
        "page_size": api.check_int(source, "page_size", where, 40, hi=40),
        "max_pages": api.check_int(source, "max_pages", where, None),
        "max_posts": api.check_int(source, "max_posts", where, None),
        "token_env": api.check_env_name(source, "token_env", where),
    }
    domain = source.get("domain")
    if domain is not None and (not isinstance(domain, str) or not re.match(r"^[A-Za-z0-9.-]+(:\d+)?$", domain)):
        raise invalid(f"{where}.domain", 'a domain name such as "mastodon.social"', domain)
    cfg["domain"] = domain.lower() if domain else None
    if not (cfg["hashtags"] or cfg["accounts"] or cfg["statuses"]):
        raise ConfigError(f"{where}: give at least one of hashtags, accounts or statuses",
                          key=f"{where}.hashtags")
    return cfg


# -- parsers (pure functions of the API's JSON) ---------------------------------------------------


def _host(url: str | None) -> str | None:
    try:
        parts = urlsplit(url or "")
        host = parts.hostname
        if host and parts.port:
            host = f"{host}:{parts.port}"
        return host
    except ValueError:
        return None


def account_id(account: dict, domain: str | None = None) -> str:
    """The canonical actor id of an Account (or a status mention: ``acct`` and ``url``).

    A local account (``acct`` without a domain) takes ``domain`` when given, else the host of its
    profile URL.

    Examples
    --------
    >>> account_id({"acct": "schochastics", "url": "https://fosstodon.org/@schochastics"})
    'mastodon:@schochastics@fosstodon.org'
    >>> account_id({"acct": "Ana@Mastodon.Social", "url": "https://mastodon.social/@Ana"})
    'mastodon:@ana@mastodon.social'
    """
    acct = str(account.get("acct") or account.get("username") or "").lstrip("@")
    if "@" not in acct:
        host = domain or _host(account.get("url")) or _host(account.get("uri"))
        if not host:
            raise ValueError(f"account {acct!r} has no domain")
        acct = f"{acct}@{host}"
    return actor_id("mastodon", acct)


def parse_account(account: dict, domain: str | None = None) -> list[Actor | SameAs]:
    """An Account entity as an :class:`Actor`, plus :class:`SameAs` for its verified links.

    A profile field whose link the instance verified (``verified_at``: the linked page links back
    with ``rel="me"``) is strong evidence that both are one person: a site root gives
    ``web:<host>``, a profile on a platform we crawl gives that account. Unverified fields and
    pages deeper in a shared site (``github.com/ana``) give nothing.

    Examples
    --------
    >>> recs = parse_account({"acct": "ana", "url": "https://social.example/@ana", "followers_count": 7,
    ...     "display_name": "Ana", "note": "<p>café</p>", "fields": [{"name": "web",
    ...     "value": '<a href="https://ana.example/" rel="me">ana.example</a>',
    ...     "verified_at": "2024-01-01T00:00:00Z"}]})
    >>> recs[0]
    Actor(id='mastodon:@ana@social.example', name='Ana', url='https://social.example/@ana', followers=7, competitor=None, language=None, bio='café')
    >>> recs[1]
    SameAs(a='mastodon:@ana@social.example', b='web:ana.example', evidence='mastodon verified rel=me')
    """
    aid = account_id(account, domain)
    out: list[Actor | SameAs] = [
        Actor(
            aid,
            name=(account.get("display_name") or account.get("username") or None),
            url=account.get("url") or None,
            followers=_count(account.get("followers_count")),
            bio=html_to_text(account.get("note")) or None,
        )
    ]
    for f in account.get("fields") or ():
        if not isinstance(f, dict) or not f.get("verified_at"):
            continue
        for href, _rel, _cls in html_links(f.get("value")):
            other = profile_actor(href)
            if other is None:
                try:
                    parts = urlsplit(href)
                except ValueError:
                    continue
                if parts.path.strip("/") or parts.query:
                    continue  # a page on a shared site is not the person's site
                other = web_actor(href)
            if other and other != aid:
                out.append(SameAs(aid, other, "mastodon verified rel=me"))
    return out


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _format(status: dict) -> str:
    media = status.get("media_attachments") or ()
    kinds = {m.get("type") for m in media if isinstance(m, dict)}
    if kinds & {"video", "gifv"}:
        return "video"
    if "image" in kinds:
        return "image"
    if status.get("card"):
        return "link"
    return "text"


def index_accounts(statuses: Iterable[dict], domain: str | None = None,
                   into: dict | None = None) -> dict[str, str]:
    """``{instance-local account id: actor id}`` of every author, booster and mention in statuses.

    Replies name the account replied to by its local id only; this map resolves it.
    """
    out = {} if into is None else into
    for s in statuses:
        if not isinstance(s, dict):
            continue
        for st in (s, s.get("reblog")):
            if not isinstance(st, dict):
                continue
            acc = st.get("account")
            if isinstance(acc, dict) and acc.get("id"):
                try:
                    out[str(acc["id"])] = account_id(acc, domain)
                except ValueError:
                    pass
            for m in st.get("mentions") or ():
                if isinstance(m, dict) and m.get("id"):
                    try:
                        out[str(m["id"])] = account_id(m, domain)
                    except ValueError:
                        pass
    return out


def parse_status(status: dict, *, domain: str | None = None, accounts: dict | None = None,
                 uris: dict | None = None) -> list:
    """Records of one Status: its author, the post, replies, mentions, links; a boost's reshare.

    Parameters
    ----------
    status : dict
        A Status entity (a boost is a wrapper whose ``reblog`` is the original).
    domain : str, optional
        Domain of the instance's local accounts (default: from their profile URLs).
    accounts : dict, optional
        Local account id -> actor id (see :func:`index_accounts`), to resolve
        ``in_reply_to_account_id``. A reply to an account it cannot resolve yields no ``reply``.
    uris : dict, optional
        Local status id -> uri, to fill :attr:`Post.parent` of replies.

    Returns
    -------
    list of Actor, Post, Interaction, SameAs
    """
    accounts = accounts if accounts is not None else index_accounts([status], domain)
    uris = uris or {}
    out: list = []
    original = status.get("reblog")
    if isinstance(original, dict):
        out.extend(parse_account(status["account"], domain))
        booster = account_id(status["account"], domain)
        out.extend(parse_status(original, domain=domain, accounts=accounts, uris=uris))
        author = account_id(original["account"], domain)
        out.append(Interaction(booster, author, "reshare", original.get("created_at"),
                               post=original.get("uri")))
        return out
    out.extend(parse_account(status["account"], domain))
    author = account_id(status["account"], domain)
    pid = status.get("uri") or status.get("url")
    ts = status.get("created_at")
    parent_id = status.get("in_reply_to_id")
    out.append(Post(
        pid,
        author,
        ts,
        text=html_to_text(status.get("content")),
        title=status.get("spoiler_text") or None,
        url=status.get("url") or None,
        language=status.get("language") or None,
        likes=_count(status.get("favourites_count")),
        reshares=_count(status.get("reblogs_count")),
        replies=_count(status.get("replies_count")),
        parent=uris.get(str(parent_id)) if parent_id else None,
        format=_format(status),
    ))
    reply_to = status.get("in_reply_to_account_id")
    target = accounts.get(str(reply_to)) if reply_to else None
    if target:
        out.append(Interaction(author, target, "reply", ts, post=pid))
    mentioned_urls = set()
    for m in status.get("mentions") or ():
        if not isinstance(m, dict):
            continue
        mentioned_urls.add(m.get("url"))
        if reply_to and str(m.get("id")) == str(reply_to):
            continue  # the reply's own mention of the account replied to
        try:
            out.append(Interaction(author, account_id(m, domain), "mention", ts, post=pid))
        except ValueError:
            pass
    for href, rel, cls in html_links(status.get("content")):
        if "mention" in cls or "hashtag" in cls or "tag" in rel.split() or href in mentioned_urls:
            continue
        if profile_actor(href):
            continue
        site = web_actor(href)
        if site:
            out.append(Interaction(author, site, "link", ts, post=pid))
    return out


def parse_statuses(statuses: Iterable[dict], *, domain: str | None = None,
                   accounts: dict | None = None) -> list:
    """Records of a list of statuses (a timeline page), replies resolved within the list.

    Examples
    --------
    >>> page = [{"id": "2", "uri": "https://h.example/s/2", "created_at": "2025-01-01T10:00:00Z",
    ...   "in_reply_to_id": "1", "in_reply_to_account_id": "9", "content": "<p>@bo yes</p>",
    ...   "account": {"id": "8", "acct": "ana", "url": "https://h.example/@ana"},
    ...   "mentions": [{"id": "9", "acct": "bo@b.example", "url": "https://b.example/@bo"}]}]
    >>> [(type(r).__name__, getattr(r, "kind", None)) for r in parse_statuses(page)]
    [('Actor', None), ('Post', None), ('Interaction', <Kind.REPLY: 'reply'>)]
    """
    statuses = [s for s in statuses if isinstance(s, dict)]
    accounts = index_accounts(statuses, domain, into=dict(accounts or {}))
    uris = {str(s["id"]): s.get("uri") for s in statuses if s.get("id") and s.get("uri")}
    out: list = []
    for s in statuses:
        out.extend(parse_status(s, domain=domain, accounts=accounts, uris=uris))
    return out


def parse_context(context: dict, *, domain: str | None = None, accounts: dict | None = None) -> list:
    """Records of a thread (``GET /api/v1/statuses/:id/context``): ancestors and descendants."""
    statuses = list(context.get("ancestors") or ()) + list(context.get("descendants") or ())
    return parse_statuses(statuses, domain=domain, accounts=accounts)


def parse_accounts(accounts: Iterable[dict], status: dict, kind: str, *,
                   domain: str | None = None) -> list:
    """Records of ``reblogged_by`` (``kind="reshare"``) or ``favourited_by`` (``kind="like"``).

    Each account gives attention to the status's author, dated at the status.
    """
    target = account_id(status["account"], domain)
    out: list = []
    for acc in accounts:
        if not isinstance(acc, dict):
            continue
        out.extend(parse_account(acc, domain))
        out.append(Interaction(account_id(acc, domain), target, kind, status.get("created_at"),
                               post=status.get("uri")))
    return out


def parse_followers(accounts: Iterable[dict], target: str, *, domain: str | None = None) -> list:
    """Records of a page of ``GET /api/v1/accounts/:id/followers``: each follower's
    :class:`Actor` records and an undated ``follow`` from it to ``target`` (an actor id).

    Examples
    --------
    >>> recs = parse_followers([{"acct": "luis@toot.example", "url": "https://toot.example/@luis",
    ...                          "followers_count": 3}], "mastodon:@ana@social.example")
    >>> recs[-1]
    Interaction(source='mastodon:@luis@toot.example', target='mastodon:@ana@social.example', kind=<Kind.FOLLOW: 'follow'>, timestamp=None, post=None, weight=1.0, rel=None)
    """
    out: list = []
    for acc in accounts:
        if not isinstance(acc, dict) or not (acc.get("acct") or acc.get("username")):
            continue
        out.extend(parse_account(acc, domain))
        out.append(Interaction(account_id(acc, domain), target, "follow", None))
    return out


# -- the crawler ---------------------------------------------------------------------------------


def crawl(source: dict, ctx: CrawlContext, *, sleep=None, clock=None) -> Iterator:
    """Crawl one ``type = "mastodon"`` source; yield its records.

    Parameters
    ----------
    source : dict
        The source table (see the module docstring for its keys).
    ctx : CrawlContext
    sleep, clock : callable, optional
        Injected into :class:`~influence.crawl.api.ApiClient` (tests wait out rate limits
        instantly).

    Yields
    ------
    Actor, Post, Interaction, SameAs

    Raises
    ------
    ConfigError
        For an invalid source table or a ``token_env`` naming an unset variable. Everything else
        (an unknown account, a malformed page, a rate limit that does not reset in time) is counted
        with ``ctx.error`` and the crawl goes on.
    """
    where = ctx.name or "source"
    cfg = _config(source, where)
    token = api.read_token(source, "token_env", where)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    max_pages, max_posts = api.budgets(source, ctx)
    client = ApiClient(ctx, headers=headers, sleep=sleep, clock=clock, max_pages=max_pages)
    yield from _Crawler(cfg, ctx, client, Emitter(ctx, max_posts), max_pages).run()


class _Crawler:
    def __init__(self, cfg: dict, ctx: CrawlContext, client: ApiClient, emit: Emitter,
                 max_pages: int | None):
        self.cfg, self.ctx, self.client, self.emit, self.max_pages = cfg, ctx, client, emit, max_pages
        self.base = cfg["instance"]
        self.domain = cfg["domain"]
        self.accounts: dict[str, str] = {}
        self.uris: dict[str, str] = {}
        self.expanded: set[tuple[str, str]] = set()

    @property
    def done(self) -> bool:
        """The run's budget (posts or fetches) is spent."""
        return self.emit.full or not self.client.has_budget()

    def run(self) -> Iterator:
        for tag in self.cfg["hashtags"]:
            if self.done:
                return
            yield from self.listing(f"tag:{tag.lower()}", f"{self.base}/api/v1/timelines/tag/{quote(tag)}",
                                    f"#{tag}")
        for acct in self.cfg["accounts"]:
            if self.done:
                return
            account = self.lookup(acct)
            if account is None:
                continue
            yield from self.emit(parse_account(account, self.domain))
            aid = account_id(account, self.domain)
            yield from self.listing(f"account:{aid}",
                                    f"{self.base}/api/v1/accounts/{quote(str(account['id']))}/statuses",
                                    f"statuses of {aid}")
            if self.cfg["followers"]:
                yield from self.followers(account, aid)
        for ref in self.cfg["statuses"]:
            if self.done:
                return
            m = _STATUS.match(ref)
            sid = m.group(1) or m.group(2)
            status = self.client.get_json(f"{self.base}/api/v1/statuses/{sid}", what=f"status {sid}")
            if status is None:
                continue
            if not isinstance(status, dict) or "account" not in status:
                self.ctx.error("malformed json", f"{self.base}/api/v1/statuses/{sid}", "not a status")
                continue
            yield from self.statuses([status])

    def lookup(self, acct: str) -> dict | None:
        if acct.startswith("http"):
            parts = urlsplit(acct)
            acct = parts.path.strip("/").lstrip("@") + "@" + (parts.hostname or "")
        acct = acct.lstrip("@")
        data = self.client.get_json(f"{self.base}/api/v1/accounts/lookup", {"acct": acct},
                                    what=f"account @{acct}")
        if data is None:
            return None
        if not isinstance(data, dict) or not data.get("id") or not (data.get("acct") or data.get("username")):
            self.ctx.error("malformed json", f"{self.base}/api/v1/accounts/lookup", f"account @{acct}")
            return None
        return data

    def _page(self, url: str, params: dict | None, what: str) -> Page | None:
        data = self.client.get_json(url, params, what=what)
        if data is None:
            return None
        if not isinstance(data, list):
            self.ctx.error("malformed json", url, f"{what}: expected a list")
            return None
        nxt = self.client.last_response.links.get("next", {}).get("url")
        if nxt and not api.same_origin(nxt, self.base):
            self.ctx.error("pagination", nxt, "the next page is not on the instance; stopped")
            nxt = None
        return Page(data, nxt)

    def listing(self, key: str, url: str, what: str) -> Iterator:
        def fetch(cont, since):
            if cont is not None:
                return self._page(cont, None, what)
            params = {"limit": self.cfg["page_size"]}
            if since is not None:
                params["since_id"] = str(since)
            return self._page(url, params, what)

        for items in paginate(self.ctx, key, fetch, item_key=lambda s: int(s["id"]),
                              budget=self.client.has_budget, stop=lambda: self.emit.full):
            yield from self.statuses(items)

    def statuses(self, items: list, expand: bool = True) -> Iterator:
        """Records of a page of statuses, each then expanded (its thread, boosts, favourites) unless
        ``expand`` is false: a thread's statuses are not expanded again (one thread, one request).
        A status without an account is reported, not parsed."""
        items = [s for s in items if isinstance(s, dict)]
        index_accounts(items, self.domain, into=self.accounts)
        for s in items:
            for st in (s, s.get("reblog")):
                if isinstance(st, dict) and st.get("id") and st.get("uri"):
                    self.uris[str(st["id"])] = st["uri"]
        for s in items:
            if self.emit.full:
                return
            try:
                if not isinstance(s.get("account"), dict):
                    raise ValueError("no account")
                records = parse_status(s, domain=self.domain, accounts=self.accounts, uris=self.uris)
            except (KeyError, TypeError, ValueError) as exc:
                self.ctx.error("malformed status", self.base, f"{s.get('id')}: {exc}")
                continue
            yield from self.emit(records)
            if expand:
                yield from self.expand(s.get("reblog") if isinstance(s.get("reblog"), dict) else s)

    def expand(self, status: dict) -> Iterator:
        sid = str(status.get("id") or "")
        if not sid:
            return
        base = f"{self.base}/api/v1/statuses/{sid}"
        if self.cfg["context"] and (_count(status.get("replies_count")) or 0) > 0 \
                and ("context", sid) not in self.expanded:
            self.expanded.add(("context", sid))
            ctx_json = self.client.get_json(f"{base}/context", what=f"thread of status {sid}")
            if isinstance(ctx_json, dict):
                thread = [s for s in list(ctx_json.get("ancestors") or ()) + list(ctx_json.get("descendants") or ())
                          if isinstance(s, dict)]
                for s in thread:
                    self.expanded.add(("context", str(s.get("id"))))  # one thread, one request
                yield from self.statuses(thread, expand=False)
            elif ctx_json is not None:
                self.ctx.error("malformed json", f"{base}/context", "expected ancestors/descendants")
        for flag, path, kind in (("reblogs", "reblogged_by", "reshare"), ("favourites", "favourited_by", "like")):
            count_key = "reblogs_count" if flag == "reblogs" else "favourites_count"
            if not self.cfg[flag] or (_count(status.get(count_key)) or 0) == 0 or (path, sid) in self.expanded:
                continue
            self.expanded.add((path, sid))
            url, pages = f"{base}/{path}", 0
            while url and self.client.has_budget():
                page = self._page(url, {"limit": 80} if pages == 0 else None, f"{path} of status {sid}")
                pages += 1
                if page is None:
                    break
                try:
                    yield from self.emit(parse_accounts(page.items, status, kind, domain=self.domain))
                except (KeyError, TypeError, ValueError) as exc:
                    self.ctx.error("malformed json", url, str(exc))
                    break
                url = page.next

    def followers(self, account: dict, aid: str) -> Iterator:
        """Up to ``followers`` accounts that follow ``account``, page by page (``Link`` header)."""
        wanted = self.cfg["followers"]
        url = f"{self.base}/api/v1/accounts/{quote(str(account['id']))}/followers"
        params: dict | None = {"limit": min(80, wanted)}
        got = 0
        while url and got < wanted and self.client.has_budget():
            page = self._page(url, params, f"followers of {aid}")
            if page is None:
                break
            items = page.items[: wanted - got]
            got += len(items)
            yield from self.emit(parse_followers(items, aid, domain=self.domain))
            url, params = page.next, None
            if not page.items:
                break
