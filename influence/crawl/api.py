"""Shared helpers of the JSON-API sources (Mastodon, Bluesky, Reddit, Hacker News).

What every social API crawler needs and nothing else:

- :class:`ApiClient`: one JSON request through the injected session, with the API's own rate-limit
  headers read and waited out (``Retry-After``, ``X-RateLimit-*``, ``RateLimit-*``), a 429 retried
  after the reset, per-request auth headers (never set on the shared session, never logged), the
  raw response archived when the context asks for it, and every failure turned into a counted
  :meth:`CrawlContext.error <influence.crawl.base.CrawlContext.error>` instead of an exception.
- :func:`paginate`: a listing (timeline, feed, search) followed page by page to its end or to the
  ``max_pages`` budget, incrementally: a re-crawl fetches only what is newer than the last one and
  resumes an unfinished backfill, with its cursor kept in ``ctx.state``.
- :class:`Emitter`: drops records already yielded in this run (the store sums the weights of
  identical interactions written in one batch, so a status seen twice must be yielded once) and
  enforces the ``max_posts`` budget.
- Small pure helpers: :func:`html_to_text`, :func:`html_links`, :func:`reset_delay`,
  :func:`read_token`, :func:`profile_actor`, :func:`web_actor` and the key checks used by each
  source's ``validate(source)``.

Sleep and clock are parameters (``sleep=``, ``clock=``) so tests wait out a rate limit instantly.
"""

from __future__ import annotations

import email.utils
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import requests

from .. import validation
from .._version import __version__
from ..errors import ConfigError, InfluenceError
from ..records import Actor, Interaction, Post, SameAs, parse_timestamp
from ..validation import invalid
from .http import PoliteSession

if TYPE_CHECKING:
    from .base import CrawlContext

__all__ = [
    "USER_AGENT",
    "ApiClient",
    "Emitter",
    "Page",
    "budgets",
    "html_links",
    "html_to_text",
    "paginate",
    "profile_actor",
    "read_token",
    "remaining_requests",
    "reset_delay",
    "same_origin",
    "web_actor",
]

#: Default User-Agent of the API sources (Reddit asks for ``<platform>:<app>:<version>``).
USER_AGENT = f"python:influence:{__version__} (opinion-leader research crawler)"

#: Longest wait for a rate-limit reset, in seconds; a longer reset stops that listing with an error.
MAX_WAIT = 900.0


# -- HTML --------------------------------------------------------------------------------------


class _TextParser(HTMLParser):
    _BREAKS = frozenset({"p", "br", "div", "li", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "tr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[tuple[str, str, str]] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in self._BREAKS:
            self.parts.append("\n")
        if tag == "a":
            a = dict(attrs)
            if a.get("href"):
                self.links.append((a["href"], (a.get("rel") or "").lower(), (a.get("class") or "").lower()))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag in self._BREAKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _parse_html(html: str | None) -> _TextParser:
    p = _TextParser()
    if html:
        p.feed(html)
        p.close()
    return p


def html_to_text(html: str | None) -> str:
    """Plain text of an HTML fragment: tags dropped, entities decoded, paragraphs on their own lines.

    Text hidden by CSS (Mastodon's ``<span class="invisible">https://www.</span>``) is kept, so
    links read in full.

    Examples
    --------
    >>> html_to_text('<p>Hola <a href="https://x.example/">@<span>ana</span></a> &amp; co</p><p>2</p>')
    'Hola @ana & co\\n2'
    >>> html_to_text(None)
    ''
    """
    text = "".join(_parse_html(html).parts)
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def html_links(html: str | None) -> list[tuple[str, str, str]]:
    """``(href, rel, class)`` of every ``<a href>`` in an HTML fragment, in order (lower-cased
    ``rel`` and ``class``).

    >>> html_links('<a href="https://ana.example/" rel="nofollow noopener me">ana</a>')
    [('https://ana.example/', 'nofollow noopener me', '')]
    """
    return _parse_html(html).links


# -- actors from URLs ----------------------------------------------------------------------------

# web_actor and profile_actor live in influence.identity: one identity rule for every source
from ..identity import profile_actor, web_actor  # noqa: E402  (re-exported)


def same_origin(a: str, b: str) -> bool:
    """True when two URLs share scheme, host and port (pagination links must stay on the API).

    >>> same_origin("https://h.example/api?x=1", "https://H.example:443/other")
    True
    >>> same_origin("https://h.example/", "http://h.example/")
    False
    """
    try:
        pa, pb = urlsplit(a), urlsplit(b)
        ports = {"http": 80, "https": 443}
        return (
            pa.scheme.lower() == pb.scheme.lower()
            and (pa.hostname or "").lower() == (pb.hostname or "").lower()
            and (pa.port or ports.get(pa.scheme.lower())) == (pb.port or ports.get(pb.scheme.lower()))
        )
    except ValueError:
        return False


# -- rate limits ---------------------------------------------------------------------------------


def _header(headers: Any, *names: str) -> str | None:
    for name in names:
        value = headers.get(name)
        if value not in (None, ""):
            return str(value).strip()
    return None


def _http_date(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return email.utils.parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError):
        return None


def reset_delay(headers: Any, now: float) -> float | None:
    """Seconds until the rate-limit window named by response headers resets, or ``None``.

    Reads, in order: ``Retry-After`` (seconds or an HTTP date), ``X-RateLimit-Reset`` and
    ``RateLimit-Reset``. A reset value may be a number of seconds (Reddit: ``555``; the IETF draft),
    an epoch time (values above 10^9, as Bluesky's PDS sends) or an ISO 8601 time (Mastodon:
    ``2025-07-17T20:05:00.39Z``). Absolute times are measured against the response's own ``Date``
    header when it has one, so a skewed local clock does not stretch or cut the wait.

    Parameters
    ----------
    headers : mapping
        Response headers (case-insensitive mapping, as ``requests`` gives).
    now : float
        Current epoch time, used when there is no ``Date`` header.

    Returns
    -------
    float or None
        Never negative.

    Examples
    --------
    >>> reset_delay({"x-ratelimit-reset": "555"}, now=0)
    555.0
    >>> reset_delay({"x-ratelimit-reset": "2025-07-17T20:05:00Z",
    ...              "date": "Thu, 17 Jul 2025 20:04:30 GMT"}, now=0)
    30.0
    >>> reset_delay({"retry-after": "7"}, now=0)
    7.0
    >>> reset_delay({}, now=0) is None
    True
    """
    base = _http_date(_header(headers, "date"))
    ref = now if base is None else base
    retry_after = _header(headers, "retry-after")
    if retry_after is not None:
        try:
            return max(0.0, float(retry_after))
        except ValueError:
            when = _http_date(retry_after)
            if when is not None:
                return max(0.0, when - ref)
    value = _header(headers, "x-ratelimit-reset", "ratelimit-reset", "x-rate-limit-reset")
    if value is None:
        return None
    try:
        x = float(value)
    except ValueError:
        try:
            x = parse_timestamp(value)
        except ValueError:
            return None
        if x is None:
            return None
        return max(0.0, x - ref)
    if x > 1e9:  # an epoch time, not a duration
        return max(0.0, x - ref)
    return max(0.0, x)


def remaining_requests(headers: Any) -> float | None:
    """Requests left in the current window (``X-RateLimit-Remaining`` / ``RateLimit-Remaining``).

    >>> remaining_requests({"x-ratelimit-remaining": "599.0"})
    599.0
    >>> remaining_requests({}) is None
    True
    """
    value = _header(headers, "x-ratelimit-remaining", "ratelimit-remaining", "x-rate-limit-remaining")
    try:
        return None if value is None else float(value)
    except ValueError:
        return None


# -- configuration helpers ---------------------------------------------------------------------


def check_keys(source: dict, known: Iterable[str], where: str) -> None:
    """Refuse keys a source does not define (a typo must not be silently ignored)."""
    known = set(known) | {"type", "name"}
    for key in source:
        if key not in known:
            raise ConfigError(
                f"{where}: unknown key {key!r} for a {source.get('type')} source "
                f"(known: {', '.join(sorted(known))})",
                key=f"{where}.{key}",
            )


def check_strings(source: dict, key: str, where: str, *, pattern: re.Pattern | None = None,
                  example: str = "") -> list[str]:
    """``source[key]`` as a list of non-empty strings (a single string is accepted)."""
    value = source.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise invalid(f"{where}.{key}", "a list of non-empty strings", value)
    if pattern is not None:
        for j, v in enumerate(value):
            if not pattern.match(v.strip()):
                what = f"like {example}" if example else "valid"
                raise invalid(f"{where}.{key}[{j}]", what, v, error_key=f"{where}.{key}")
    return [v.strip() for v in value]


def check_bool(source: dict, key: str, where: str, default: bool) -> bool:
    """``source[key]`` (default ``default``) if it is true or false."""
    return validation.check_bool(f"{where}.{key}", source.get(key, default))


def check_int(source: dict, key: str, where: str, default: int | None, *, lo: int = 1,
              hi: int | None = None) -> int | None:
    """``source[key]`` (default ``default``) as a whole number in [lo, hi], or None if unset."""
    value = source.get(key, default)
    if value is None:
        return None
    return validation.check_whole(f"{where}.{key}", value, lo, hi)


def check_choice(source: dict, key: str, where: str, choices: tuple[str, ...], default: str) -> str:
    """``source[key]`` (default ``default``) if it is one of ``choices``."""
    return validation.check_choice(f"{where}.{key}", source.get(key, default), choices)


def check_url(source: dict, key: str, where: str, default: str | None) -> str | None:
    """An http(s) base URL, without its trailing slash."""
    value = source.get(key, default)
    if value is None:
        return None
    if not isinstance(value, str):
        raise invalid(f"{where}.{key}", "an http(s) URL", value)
    try:
        parts = urlsplit(value.strip())
        ok = parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:
        ok = False
    if not ok or parts.query or parts.fragment:
        raise invalid(f"{where}.{key}", 'an http(s) URL such as "https://example.org"', value)
    if parts.username or parts.password:
        raise ConfigError(f"{where}.{key} must not hold credentials: name an environment variable "
                          f"in a *_env key instead", key=f"{where}.{key}")
    return value.strip().rstrip("/")


_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def check_env_name(source: dict, key: str, where: str) -> str | None:
    """A ``*_env`` key: the *name* of an environment variable (never the secret itself)."""
    value = source.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not _ENV_NAME.match(value):
        raise ConfigError(
            f"{where}.{key} must name an environment variable (letters, digits, _), not hold the "
            f"secret itself", key=f"{where}.{key}")
    return value


def read_token(source: dict, key: str, where: str, environ: Any = None) -> str | None:
    """Read the secret held by the environment variable that ``source[key]`` names.

    The sector file names the variable (``token_env = "MASTODON_TOKEN"``); the secret itself
    never appears in the sector file, the store, the crawl state, the archive or any message.

    Raises
    ------
    ConfigError
        If the key names a variable that is not set or is empty.

    Examples
    --------
    >>> read_token({"token_env": "X_TOKEN"}, "token_env", "sources[0]", {"X_TOKEN": "s3cret"})
    's3cret'
    >>> read_token({}, "token_env", "sources[0]", {}) is None
    True
    """
    name = check_env_name(source, key, where)
    if name is None:
        return None
    env = os.environ if environ is None else environ
    value = env.get(name, "")
    if not value.strip():
        raise ConfigError(f"{where}.{key}: the environment variable {name} is not set", key=f"{where}.{key}")
    return value.strip()


def budgets(source: dict, ctx: CrawlContext) -> tuple[int | None, int | None]:
    """``(max_pages, max_posts)`` for this run: the context's (the runner's, from the command
    line) over the source's own keys. ``max_pages`` counts every fetch of the source in the run
    (listing pages, threads, likes...), as the runner does."""
    max_pages = ctx.max_pages if ctx.max_pages is not None else source.get("max_pages")
    max_posts = ctx.max_posts if ctx.max_posts is not None else source.get("max_posts")
    return max_pages, max_posts


# -- HTTP -----------------------------------------------------------------------------------------


class ApiClient:
    """JSON requests through the injected session, with rate limits, auth and error accounting.

    Parameters
    ----------
    ctx : CrawlContext
        Session, error counters and the optional archive.
    headers : dict, optional
        Headers sent with every request of this client (``Authorization``, ``User-Agent``). Set per
        request, never on the shared session, so a token cannot leak to another source's hosts.
    sleep, clock : callable, optional
        ``time.sleep`` and ``time.time`` by default; tests pass fakes.
    max_wait : float, default=900
        Longest wait for a rate-limit reset. A 429 whose reset is further away is counted as the
        error ``rate limited`` and the request is given up.
    retries : int, default=3
        How many times a 429 is retried (each after waiting for the reset): a rate-limited call
        sends at most ``1 + retries`` requests. This client is the only layer that retries a 429:
        it asks a :class:`~influence.crawl.http.PoliteSession` to hand 429s back unretried.
    min_remaining : float, default=1
        When a response says fewer requests than this are left, the next request waits for the
        reset instead of spending the last ones (and meeting a 429).
    timeout : float, default=30
        For a plain ``requests.Session``; a :class:`~influence.crawl.http.PoliteSession` applies
        its own timeouts.
    max_pages : int, optional
        Fetches allowed to this client in this run (the runner's budget, ``ctx.max_pages``, or the
        source's ``max_pages`` key). Every request counts, failed ones included, and is counted
        as ``ctx.events["pages"]``, which the runner reports and subtracts from the budget of
        the next sources. When it is spent, :meth:`request` returns ``None`` without an error
        and :attr:`spent` is true: the source stops.

    Notes
    -----
    The HTTP layer (:func:`influence.crawl.http.make_session`) retries connection errors, timeouts
    and 5xx (``HttpConfig.retries``); 429s are left to this client, which waits for the reset the
    API announces (``Retry-After``, Mastodon's ISO ``X-RateLimit-Reset``, Reddit's
    seconds-to-reset) instead of the HTTP layer's short backoff. Every failure becomes
    ``ctx.error(cause, url, message)``: a source never stops on one bad response.
    """

    def __init__(self, ctx: CrawlContext, *, headers: dict | None = None,
                 sleep: Callable[[float], None] | None = None, clock: Callable[[], float] | None = None,
                 max_wait: float = MAX_WAIT, retries: int = 3, min_remaining: float = 1,
                 timeout: float = 30.0, max_pages: int | None = None):
        self.ctx = ctx
        self.headers = {"Accept": "application/json"}
        # A PoliteSession (make_session) identifies itself with a contact URL: keep its
        # User-Agent unless the source sets one (Reddit asks each app for a unique one).
        self.polite = isinstance(ctx.session, PoliteSession)
        if not self.polite:
            self.headers["User-Agent"] = USER_AGENT
        self.headers.update(headers or {})
        self.sleep = time.sleep if sleep is None else sleep
        self.clock = time.time if clock is None else clock
        self.max_wait = float(max_wait)
        self.retries = int(retries)
        self.min_remaining = float(min_remaining)
        self.timeout = timeout
        self._not_before = 0.0
        self.max_pages = max_pages
        self.spent = False
        self.last_status: int | None = None
        self.last_response: requests.Response | None = None
        self.requests = 0
        self.waited = 0.0

    def has_budget(self) -> bool:
        """True while fetches are left in this run's budget."""
        return self.max_pages is None or self.requests < self.max_pages

    def _wait(self, seconds: float) -> None:
        if seconds > 0:
            self.ctx.count("rate_limit_waits")
            self.waited += seconds
            self.sleep(seconds)

    def request(self, method: str, url: str, *, params: dict | list | None = None,
                data: dict | None = None, json: Any = None, what: str = "", archive: bool = True,
                auth: Any = None, quiet: tuple[int, ...] = ()) -> requests.Response | None:
        """Send one request; return the response if it succeeded (2xx), else ``None``.

        Failures are counted with ``ctx.error``: ``http 404`` (with ``what`` in the message, e.g.
        "account @ana@host not found"), ``rate limited``, ``timeout``, ``connection``...
        Statuses listed in ``quiet`` return ``None`` without an error (the caller handles them).
        """
        ctx = self.ctx
        if not self.has_budget():
            self.spent = True
            return None
        for attempt in range(self.retries + 1):
            pause = self._not_before - self.clock()
            if pause > 0:
                self._wait(min(pause, self.max_wait))
            self.requests += 1
            ctx.count("pages")  # every fetch, failed ones too (the runner's page count)
            # API endpoints are meant for programs: robots.txt (written for page crawlers) is not
            # consulted, as http.get_json does; the politeness delay and guards still apply.
            # A 429 comes back unretried: this loop is the one layer that retries it.
            extra = {"robots": False, "retry_429": False} if self.polite else {"timeout": self.timeout}
            try:
                resp = ctx.session.request(method, url, params=params, data=data, json=json,
                                           headers=self.headers, auth=auth, **extra)
            except InfluenceError as exc:  # the HTTP layer's CrawlError family
                status = getattr(exc, "status", None)
                if status == 429 and attempt < self.retries:
                    self._wait(min(self.max_wait, 2.0 ** (attempt + 1)))
                    continue
                self.last_status = status
                cause = getattr(exc, "cause", None) or type(exc).__name__
                ctx.error(cause, getattr(exc, "url", "") or url, _about(what, status, getattr(exc, "reason", "")))
                return None
            except requests.Timeout:
                self.last_status = None
                ctx.error("timeout", url, what)
                return None
            except requests.RequestException as exc:
                self.last_status = None
                ctx.error("connection", url, f"{what}: {type(exc).__name__}".strip(": "))
                return None
            self.last_status = resp.status_code
            self.last_response = resp
            if archive and ctx.archive is not None:
                ctx.archive(resp.url, resp.status_code, dict(resp.headers), resp.content)
            now = self.clock()
            delay = reset_delay(resp.headers, now)
            left = remaining_requests(resp.headers)
            if resp.status_code == 429:
                wait = delay if delay is not None else 2.0 ** (attempt + 1)
                wait = max(wait, 1.0)
                if wait > self.max_wait or attempt == self.retries:
                    ctx.error("rate limited", resp.url,
                              f"{what}: the rate limit resets in {wait:.0f} s".strip(": "))
                    return None
                self._wait(wait)
                continue
            if left is not None and left < self.min_remaining and delay:
                # The window is spent: the next request waits for the reset instead of a 429.
                self._not_before = now + min(delay, self.max_wait)
            if 200 <= resp.status_code < 300:
                return resp
            if resp.status_code not in quiet:
                ctx.error(f"http {resp.status_code}", resp.url, _about(what, resp.status_code))
            return None
        return None  # pragma: no cover - the loop always returns

    def get_json(self, url: str, params: dict | list | None = None, *, what: str = "",
                 quiet: tuple[int, ...] = ()) -> Any:
        """GET ``url`` and decode its JSON body; ``None`` (counted as an error) on any failure."""
        resp = self.request("GET", url, params=params, what=what, quiet=quiet)
        return None if resp is None else self.decode(resp, what)

    def post_form(self, url: str, data: dict | None = None, *, json: Any = None, what: str = "",
                  auth: Any = None, archive: bool = True) -> Any:
        """POST a form (or a JSON body) and decode the JSON answer; ``None`` (counted as an error)
        on any failure. Pass ``archive=False`` for authentication calls: their answer is a secret."""
        resp = self.request("POST", url, data=data, json=json, what=what, auth=auth, archive=archive)
        return None if resp is None else self.decode(resp, what)

    def decode(self, resp: requests.Response, what: str = "") -> Any:
        try:
            return resp.json()
        except ValueError as exc:
            self.ctx.error("malformed json", resp.url, f"{what}: {str(exc)[:80]}".strip(": "))
            return None


def _about(what: str, status: int | None, reason: str = "") -> str:
    if status == 404 or status == 410:
        return f"{what} not found" if what else "not found"
    if status in (401, 403):
        return (f"{what}: " if what else "") + "not authorised (this endpoint may need a token: see *_env keys)"
    return ": ".join(x for x in (what, reason) if x)


# -- pagination --------------------------------------------------------------------------------


@dataclass
class Page:
    """One page of a listing: its items and the continuation of the next page (``None``: last)."""

    items: list
    next: Any = None


def paginate(ctx: CrawlContext, key: str, fetch: Callable[[Any, Any], Page | None], *,
             item_key: Callable[[Any], Any], chronological: bool = True,
             max_pages: int | None = None, budget: Callable[[], bool] | None = None,
             stop: Callable[[], bool] | None = None) -> Iterator[list]:
    """Follow a listing page by page, incrementally; yield the new items of each page.

    Parameters
    ----------
    ctx : CrawlContext
        Its ``state`` keeps the listing's cursor under ``key``.
    key : str
        State key of this listing (``"tag:coffee"``, ``"r/coffee/new"``...).
    fetch : callable
        ``fetch(continuation, since) -> Page or None``. ``continuation`` is ``None`` for the first
        page, else the ``next`` of the previous page (a URL, a cursor, a page number). ``since`` is
        the newest item key of the last crawl (``None`` when backfilling), which the source may
        pass to the API as a server-side filter. ``None`` means the page failed (already counted).
    item_key : callable
        A value that grows with the item's age order (status id, creation time) and is
        JSON-serialisable; used to know what the last crawl already saw.
    chronological : bool, default=True
        The listing is newest first (timelines, "new", search by date). Set to ``False`` for
        rankings (hot, top, relevance), which are re-read whole at each crawl, up to the budget.
    max_pages : int, optional
        Most pages fetched for this listing in this run.
    budget : callable, optional
        Checked before each page: ``False`` when the run's fetch budget is spent
        (:meth:`ApiClient.has_budget`). A budget that runs out is not a failure: the cursor says
        where to resume.
    stop : callable, optional
        Checked after each page's items were consumed: when it returns True (the ``max_posts``
        budget is spent, perhaps in the middle of the page) the listing ends *without* saving that
        page's cursor, so the next crawl reads the page again instead of skipping its rest.

    Yields
    ------
    list
        The items of a page not seen by a previous crawl. Resume the generator only after the
        records built from them have been yielded to the runner: the cursor is saved on resume, so
        the records and the cursor that covers them are committed together.

    Notes
    -----
    The state holds ``{"newest": key, "tails": [{"next": continuation, "until": key}]}``. A first
    crawl starts a backfill from the top; when it is cut by the budget, the rest is a *tail* that
    the next crawl resumes. A re-crawl first reads the head of the listing down to the newest item
    of the last crawl (stopping there), then the tails. If the head itself is cut by the budget,
    the gap between where it stopped and the previous newest item becomes a tail, so nothing is
    skipped however small the budget.
    """
    pages = 0

    def more() -> bool:
        return (max_pages is None or pages < max_pages) and (budget is None or budget())

    if not chronological:
        cont = None
        while more():
            page = fetch(cont, None)
            pages += 1
            if page is None:
                return
            yield page.items
            if stop is not None and stop():
                return
            if page.next is None or page.next == cont:
                return
            cont = page.next
        return

    st = ctx.state.get(key) or {}
    newest = st.get("newest")
    tails: list[dict] = [dict(t) for t in st.get("tails", [])]

    def save() -> None:
        ctx.state.set(key, {"newest": newest, "tails": tails})

    def key_of(item: Any) -> Any:
        try:
            return item_key(item)
        except (KeyError, TypeError, ValueError):
            return None  # an item without a usable key

    def keys(items: list) -> list:
        return [k for k in map(key_of, items) if k is not None]

    def fresh(items: list, floor: Any) -> list:
        if floor is None:
            return list(items)
        return [item for item in items if (k := key_of(item)) is None or k > floor]

    if newest is None and not tails:
        tails = [{"next": None, "until": None, "first": True}]
    elif newest is not None and more():
        # Head: what appeared since the last crawl, newest first, down to the last crawl's newest.
        cont, best, reached, failed = None, newest, False, False
        while more():
            page = fetch(cont, newest)
            pages += 1
            if page is None:
                failed = True
                break
            new = fresh(page.items, newest)
            best = max([best] + keys(new))
            yield new
            if stop is not None and stop():
                return
            if len(new) < len(page.items) or page.next is None or page.next == cont:
                reached = True
                break
            cont = page.next
        if not failed and best != newest:
            if not reached:  # the budget cut the head: the gap is a tail for the next crawl
                tails.insert(0, {"next": cont, "until": newest})
            newest = best
            save()

    while tails and more():
        tail = tails[0]
        cont = tail.get("next")
        page = fetch(cont, None)
        pages += 1
        if page is None:
            return
        new = fresh(page.items, tail.get("until"))
        if tail.pop("first", False):
            ks = keys(page.items)
            newest = max(ks) if ks else newest
        yield new
        if stop is not None and stop():
            return
        if len(new) < len(page.items) or page.next is None or page.next == cont:
            tails.pop(0)
        else:
            tail["next"] = page.next
        save()


# -- records ---------------------------------------------------------------------------------------


@dataclass
class Emitter:
    """Filters the records of one run: each actor, post, interaction and identity link once.

    ``max_posts`` caps the number of posts; :attr:`full` tells the source to stop. Once it is
    reached, further posts are dropped, and so are the interactions they carry. Competitor
    accounts of the sector get their ``competitor`` name on the Actor record.
    """

    ctx: CrawlContext
    max_posts: int | None = None
    competitors: dict = field(default_factory=dict)
    actors: set = field(default_factory=set)
    posts: set = field(default_factory=set)
    interactions: set = field(default_factory=set)
    links: set = field(default_factory=set)
    _ids: set = field(default_factory=set)

    def __post_init__(self) -> None:
        sector = getattr(self.ctx, "sector", None)
        if not self.competitors and sector is not None and hasattr(sector, "competitor_map"):
            self.competitors = sector.competitor_map()

    @property
    def full(self) -> bool:
        return self.max_posts is not None and len(self.posts) >= self.max_posts

    def __call__(self, records: Iterable[Any]) -> Iterator[Any]:
        for rec in records:
            if isinstance(rec, Interaction):
                k = (rec.source, rec.target, rec.kind, rec.timestamp, rec.post)
                if k in self.interactions:
                    continue
                if self.full and rec.post is not None and rec.post not in self.posts:
                    continue  # carried by a post the budget cut
                self.interactions.add(k)
                self.ctx.count("interactions")
            elif isinstance(rec, Post):
                if rec.id in self.posts:
                    continue
                if self.full:
                    continue
                self.posts.add(rec.id)
                self.ctx.count("posts")
            elif isinstance(rec, Actor):
                # the same description once; a richer one (a profile after a bare author) passes
                if rec in self.actors:
                    continue
                if rec.id not in self._ids:
                    self._ids.add(rec.id)
                    self.ctx.count("actors")
                self.actors.add(rec)
                comp = self.competitors.get(rec.id)
                if comp and rec.competitor is None:
                    rec = Actor(rec.id, rec.name, rec.url, rec.followers, comp, rec.language, rec.bio)
            elif isinstance(rec, SameAs):
                if rec.pair in self.links:
                    continue
                self.links.add(rec.pair)
                self.ctx.count("identity_links")
            yield rec
