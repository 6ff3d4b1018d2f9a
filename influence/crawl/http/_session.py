"""The polite session: per-host delay and concurrency, robots.txt, retries, size and type limits;
fetch and get_json.
"""

from __future__ import annotations

import math
import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
import urllib3
from protego import Protego
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from ..errors import (
    BlockedURLError,
    ContentTypeError,
    CrawlError,
    FetchError,
    FetchTimeoutError,
    HttpStatusError,
    ResponseTooLargeError,
    RobotsDisallowedError,
    TooManyRedirectsError,
)
from ._config import HttpConfig
from ._guard import GuardedHTTPPool, GuardedHTTPSPool, check_url

#: Content types of web pages (for ``accept=``).
HTML_TYPES: tuple[str, ...] = ("text/html", "application/xhtml+xml")
#: Content types feeds are served with in the wild (RSS, Atom, JSON Feed, and plain XML/text).
FEED_TYPES: tuple[str, ...] = (
    "application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml",
    "text/xml", "application/feed+json", "application/json", "text/plain", "text/html",
    "application/octet-stream",
)

#: Statuses retried with backoff (and Retry-After where the server sends it).
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})

# RFC 9309 §2.5: crawlers should parse at least 500 KiB of robots.txt; more is ignored.
_ROBOTS_MAX_BYTES = 512_000
# A robots.txt Crawl-delay above this is treated as this (some sites write 3600).
_MAX_CRAWL_DELAY = 60.0
_CHUNK = 16_384


# -- politeness -----------------------------------------------------------------------------------


class _HostGate:
    """At most ``concurrency`` requests in flight to one host, starts at least ``delay`` apart."""

    def __init__(self, delay: float, concurrency: int):
        self.delay = delay
        self._sem = threading.BoundedSemaphore(concurrency)
        self._lock = threading.Lock()
        self._last = -math.inf  # start of the latest request

    @contextmanager
    def slot(self) -> Iterator[None]:
        self._sem.acquire()
        try:
            with self._lock:
                # read self.delay now: a Crawl-delay learnt from robots.txt applies at once
                now = time.monotonic()
                start = max(now, self._last + self.delay)
                self._last = start
            if start > now:
                time.sleep(start - now)
            yield
        finally:
            self._sem.release()


class _Robots:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.parser: Protego | None = None
        self.loaded = False
        self.unreachable = ""  # why robots.txt could not be read (then everything is disallowed)


def _make_retry(config: HttpConfig, retry_429: Callable[[], bool] = lambda: True) -> Retry:
    """urllib3 ``Retry`` for the session; ``retry_429()`` says, per request, whether a 429 is
    retried here (False for API clients, which wait for the API's own reset headers instead)."""
    cap = config.max_retry_after

    class _CappedRetry(Retry):
        # A subclass, not an attribute: Retry.new() rebuilds instances from __init__ parameters.
        def get_retry_after(self, response):
            value = super().get_retry_after(response)
            return None if value is None else min(value, cap)

        def is_retry(self, method, status_code, has_retry_after=False):
            if status_code == 429 and not retry_429():
                return False  # handed back at once: the caller is the one layer that retries it
            return super().is_retry(method, status_code, has_retry_after)

    return _CappedRetry(
        total=config.retries,
        connect=config.retries,
        read=config.retries,
        status=config.retries,
        other=0,
        redirect=False,  # requests follows redirects itself, hop by hop through our checks
        status_forcelist=RETRY_STATUSES,
        allowed_methods=frozenset({"GET", "HEAD", "OPTIONS"}),
        backoff_factor=config.backoff,
        backoff_jitter=config.backoff,
        backoff_max=max(config.max_retry_after, config.backoff),
        respect_retry_after_header=True,
        raise_on_status=False,  # hand back the last 5xx/429; fetch() raises HttpStatusError
    )


@dataclass
class _Options:
    robots: bool
    accept: tuple[str, ...] | None
    max_bytes: int
    stream: bool
    retry_429: bool = True


class _PoliteAdapter(HTTPAdapter):
    """Runs the checks for every hop (requests calls the adapter once per redirect)."""

    def __init__(self, session: PoliteSession, **kwargs: Any):
        self._session = session
        super().__init__(**kwargs)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        if not self._session.allow_private_addresses:
            self.poolmanager.pool_classes_by_scheme = {"http": GuardedHTTPPool, "https": GuardedHTTPSPool}

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        s = self._session
        opts = s._options()
        url = request.url
        check_url(url, allow_private_addresses=s.allow_private_addresses or bool(_proxy_for(url, proxies)))
        if opts.robots:
            s._check_robots(url)
        with s._gate(url).slot():
            deadline = time.monotonic() + s.config.total_timeout
            resp = super().send(request, stream=True, timeout=timeout, verify=verify, cert=cert,
                                proxies=proxies)
            try:
                _check_length(resp, opts.max_bytes)
                if opts.accept and 200 <= resp.status_code < 300:
                    _check_type(resp, opts.accept)
                if not opts.stream or resp.is_redirect:
                    _read_body(resp, opts.max_bytes, deadline)
                    if opts.accept and 200 <= resp.status_code < 300:
                        _sniff_binary(resp, opts.accept)
            except BaseException:
                resp.close()
                raise
        return resp


def _proxy_for(url: str, proxies: Mapping[str, str] | None) -> str | None:
    if not proxies:
        return None
    scheme = urlsplit(url).scheme
    return proxies.get(scheme) or proxies.get("all")


def _check_length(resp: requests.Response, limit: int) -> None:
    length = resp.headers.get("Content-Length", "")
    if length.isdigit() and int(length) > limit and "Content-Encoding" not in resp.headers:
        raise ResponseTooLargeError(f"Content-Length {int(length):,} bytes is over max_bytes ({limit:,})",
                                    url=resp.url)


def _media_type(resp: requests.Response) -> str:
    return resp.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()


def _check_type(resp: requests.Response, accept: tuple[str, ...]) -> None:
    media = _media_type(resp)
    if not media:
        return  # no header: let the caller sniff the body
    for pattern in accept:
        if media == pattern or (pattern.endswith("/*") and media.startswith(pattern[:-1])):
            return
    raise ContentTypeError(f"content type {media} is not one of {', '.join(accept)}", url=resp.url)


def _sniff_binary(resp: requests.Response, accept: tuple[str, ...]) -> None:
    head = resp.content[:1024]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 text has NUL bytes too
        return
    if b"\x00" in head:
        media = _media_type(resp) or "no content type"
        raise ContentTypeError(f"binary body sent as {media}", url=resp.url, cause="binary content")


def _read_body(resp: requests.Response, limit: int, deadline: float) -> None:
    """Read the body into ``resp._content``, stopping past ``limit`` bytes or the deadline."""
    raw = resp.raw
    chunks: list[bytes] = []
    size = 0
    try:
        while True:
            # read1 returns what has arrived (at most one socket read), so the deadline is
            # checked even when the server sends a byte at a time.
            chunk = raw.read1(_CHUNK, decode_content=True)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                raise ResponseTooLargeError(f"body is over max_bytes ({limit:,})", url=resp.url)
            if time.monotonic() > deadline:
                raise FetchTimeoutError("response took longer than total_timeout", url=resp.url)
            chunks.append(chunk)
    except urllib3.exceptions.ReadTimeoutError:
        raise FetchTimeoutError("read timed out", url=resp.url) from None
    except urllib3.exceptions.DecodeError as exc:
        raise FetchError(f"cannot decode body: {exc}", url=resp.url, cause="bad content encoding") from None
    except (urllib3.exceptions.ProtocolError, urllib3.exceptions.IncompleteRead):
        expected = resp.headers.get("Content-Length", "?")
        raise FetchError(f"body cut short after {size:,} of {expected} bytes", url=resp.url,
                         cause="truncated body") from None
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        if isinstance(exc, CrawlError):
            raise
        raise FetchError(f"reading body failed: {_short(exc)}", url=resp.url) from None
    resp._content = b"".join(chunks)
    resp._content_consumed = True
    resp.raw.release_conn()


def _short(exc: BaseException) -> str:
    text = str(exc)
    return text if len(text) < 200 else text[:197] + "..."


# -- the session ----------------------------------------------------------------------------------


class PoliteSession(requests.Session):
    """A ``requests.Session`` with timeouts, retries, politeness, robots.txt, size limits and an
    address guard. Build it with :func:`make_session`.

    Its :meth:`request` (and so ``get``, ``head``...) takes four extra keyword arguments:

    robots : bool, optional
        Check robots.txt for this request (default: ``config.respect_robots``). API sources
        pass ``False``.
    accept : tuple of str, optional
        Acceptable media types (``"text/html"``, ``"text/*"``); anything else raises
        :class:`~influence.crawl.errors.ContentTypeError` before the body is read, and a body
        with NUL bytes in its first KiB raises it with ``cause="binary content"``.
    max_bytes : int, optional
        Override ``config.max_bytes`` for this request.
    retry_429 : bool, default=True
        Retry a 429 here (``Retry-After`` honoured up to ``max_retry_after``). API clients
        (:class:`influence.crawl.api.ApiClient`) pass ``False`` and retry it themselves after the
        API's reset headers, so a rate-limited call is retried by one layer only.

    Thread-safe for concurrent requests (one session is shared by a crawler's workers).
    """

    def __init__(self, config: HttpConfig | None = None, *, allow_private_addresses: bool = False):
        super().__init__()
        self.config = config if config is not None else HttpConfig()
        self.allow_private_addresses = bool(allow_private_addresses)
        self.headers["User-Agent"] = self.config.user_agent_header
        self.max_redirects = self.config.max_redirects
        self._local = threading.local()
        self._lock = threading.Lock()
        self._gates: dict[str, _HostGate] = {}
        self._robots: dict[str, _Robots] = {}
        size = max(10, self.config.max_concurrency)
        retry = _make_retry(self.config, retry_429=lambda: self._options().retry_429)
        adapter = _PoliteAdapter(self, max_retries=retry, pool_connections=size, pool_maxsize=size)
        self.mount("http://", adapter)
        self.mount("https://", adapter)

    def __repr__(self) -> str:
        return f"<PoliteSession {self.config.user_agent_header!r}>"

    # requests.Session.request has many positional parameters; we only add keywords.
    def request(self, method, url, *args, robots: bool | None = None,
                accept: tuple[str, ...] | None = None, max_bytes: int | None = None,
                retry_429: bool = True, **kwargs):
        """Like ``requests.Session.request``; see the class for ``robots``, ``accept``,
        ``max_bytes`` and ``retry_429``. Raises :class:`~influence.crawl.errors.CrawlError`
        subclasses."""
        if not args:
            kwargs.setdefault("timeout", (self.config.connect_timeout, self.config.timeout))
        opts = _Options(
            robots=self.config.respect_robots if robots is None else bool(robots),
            accept=tuple(accept) if accept else None,
            max_bytes=self.config.max_bytes if max_bytes is None else int(max_bytes),
            stream=bool(kwargs.get("stream", False)),
            retry_429=bool(retry_429),
        )
        stack = self._stack()
        stack.append(opts)
        try:
            return super().request(method, url, *args, **kwargs)
        except CrawlError:
            raise
        except requests.TooManyRedirects:
            raise TooManyRedirectsError(f"more than {self.max_redirects} redirects", url=str(url)) from None
        except requests.ConnectTimeout as exc:
            root = _root(exc)
            if isinstance(root, urllib3.exceptions.NewConnectionError) and "timed out" not in str(root):
                raise FetchError(_short(root), url=str(url), cause="connection refused") from None
            raise FetchTimeoutError(_short(root), url=str(url)) from None
        except requests.Timeout as exc:
            raise FetchTimeoutError(_short(_root(exc)), url=str(url)) from None
        except requests.ConnectionError as exc:
            root = _root(exc)
            # requests reports a read timeout that exhausted the retries as a ConnectionError;
            # urllib3's NewConnectionError (refused, unreachable) subclasses ConnectTimeoutError
            if isinstance(root, urllib3.exceptions.NewConnectionError):
                raise FetchError(_short(root), url=str(url), cause="connection refused") from None
            if isinstance(root, (urllib3.exceptions.TimeoutError, socket.timeout)):
                raise FetchTimeoutError(_short(root), url=str(url)) from None
            raise FetchError(_short(root), url=str(url)) from None
        except requests.exceptions.InvalidSchema as exc:
            raise BlockedURLError(_short(exc), url=str(url)) from None
        except requests.RequestException as exc:
            cause = "truncated body" if isinstance(exc, requests.exceptions.ChunkedEncodingError) else None
            raise FetchError(_short(_root(exc)), url=str(url), cause=cause) from None
        finally:
            stack.pop()

    # -- internals --------------------------------------------------------------------------------

    def _stack(self) -> list[_Options]:
        stack = getattr(self._local, "stack", None)
        if stack is None:
            stack = self._local.stack = []
        return stack

    def _options(self) -> _Options:
        stack = self._stack()
        if stack:
            return stack[-1]
        # session.send() called directly, without request(): the defaults
        return _Options(self.config.respect_robots, None, self.config.max_bytes, False)

    def _gate(self, url: str) -> _HostGate:
        key = _host_key(url)
        with self._lock:
            gate = self._gates.get(key)
            if gate is None:
                gate = self._gates[key] = _HostGate(self.config.delay, self.config.per_host_concurrency)
            return gate

    def _check_robots(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.path == "/robots.txt":
            return
        key = f"{parts.scheme}://{parts.netloc}"
        with self._lock:
            entry = self._robots.setdefault(key, _Robots())
        with entry.lock:
            if not entry.loaded:
                self._load_robots(key, entry)
        if entry.unreachable:
            raise RobotsDisallowedError(f"robots.txt unreachable ({entry.unreachable}): not crawling this host",
                                        url=url, cause="robots unreachable")
        if entry.parser is not None and not entry.parser.can_fetch(url, self.config.robots_token):
            raise RobotsDisallowedError("disallowed by robots.txt", url=url)

    def _load_robots(self, base: str, entry: _Robots) -> None:
        # RFC 9309 §2.3.1: 2xx -> parse; 4xx ("unavailable") -> everything allowed;
        # 5xx or network failure ("unreachable") -> everything disallowed.
        entry.loaded = True
        try:
            resp = self.get(base + "/robots.txt", robots=False, max_bytes=_ROBOTS_MAX_BYTES)
        except ResponseTooLargeError:
            entry.unreachable = "over 500 KiB"
            return
        except BlockedURLError:
            raise
        except CrawlError as exc:
            entry.unreachable = exc.cause
            return
        if 400 <= resp.status_code < 500:
            return
        if resp.status_code >= 500 or resp.status_code < 200 or resp.status_code >= 300:
            entry.unreachable = f"http {resp.status_code}"
            return
        text = resp.content.decode("utf-8", errors="replace")
        lines = text.splitlines()
        # RFC 9309 matching (the stdlib's urllib.robotparser takes the first matching line and
        # knows no wildcards: it let /a.pdf through "Disallow: /*.pdf$" and blocked a longer
        # path that an "Allow:" line permits)
        parser = Protego.parse(text)
        entry.parser = parser
        token = self.config.robots_token
        rate = parser.request_rate(token)
        wanted = _crawl_delay(lines, token) or 0.0
        if rate is not None and rate.requests:
            wanted = max(wanted, rate.seconds / rate.requests)
        if wanted > self.config.delay:
            self._gate(base).delay = min(wanted, _MAX_CRAWL_DELAY)


def _crawl_delay(lines: list[str], token: str) -> float | None:
    """The ``Crawl-delay`` of the group that applies to ``token`` (else of ``*``), in seconds.

    ``Crawl-delay: 0.5`` is common; a group without one falls back to the ``*`` group's.

    >>> _crawl_delay(["User-agent: *", "Crawl-delay: 0.5", "", "User-agent: influence",
    ...               "Crawl-delay: 2"], "influence")
    2.0
    >>> _crawl_delay(["User-agent: other", "Crawl-delay: 9"], "influence") is None
    True
    """
    token = token.lower()
    found: dict[str, float] = {}
    agents: list[str] = []
    in_rules = False
    for raw in lines:
        line = raw.split("#", 1)[0].strip()
        if ":" not in line:
            continue
        key, _, value = line.partition(":")
        key, value = key.strip().lower(), value.strip()
        if key == "user-agent":
            if in_rules:
                agents, in_rules = [], False
            agents.append(value.lower())
            continue
        in_rules = True
        if key == "crawl-delay":
            try:
                delay = float(value)
            except ValueError:
                continue
            if math.isfinite(delay) and delay >= 0:
                for agent in agents:
                    match = "specific" if agent != "*" and agent in token else "*" if agent == "*" else ""
                    if match:
                        found.setdefault(match, delay)
    return found.get("specific", found.get("*"))


def _root(exc: BaseException) -> BaseException:
    """The innermost urllib3 reason of a requests exception (for a readable message)."""
    inner = exc.args[0] if exc.args else None
    reason = getattr(inner, "reason", None)
    return reason if isinstance(reason, BaseException) else exc


def _host_key(url: str) -> str:
    parts = urlsplit(url)
    return (parts.netloc or "").lower()


def make_session(config: HttpConfig | None = None, *, allow_private_addresses: bool = False) -> PoliteSession:
    """Return a :class:`PoliteSession` configured by ``config``.

    Parameters
    ----------
    config : HttpConfig, optional
        Defaults to ``HttpConfig()``. A sector's ``[crawl]`` table is ``sector.crawl``;
        ``HttpConfig.from_dict(sector.crawl)`` turns it into one.
    allow_private_addresses : bool, default=False
        Fetch hosts on loopback and private networks (tests, intranets). The sector file's
        ``allow_private_addresses`` key.

    Returns
    -------
    PoliteSession

    See Also
    --------
    fetch, get_json
    """
    return PoliteSession(config, allow_private_addresses=allow_private_addresses)


def fetch(
    session: requests.Session,
    url: str,
    *,
    robots: bool = True,
    accept: tuple[str, ...] | None = None,
    headers: Mapping[str, str] | None = None,
    params: Mapping[str, Any] | None = None,
    ok_statuses: tuple[int, ...] = (),
) -> requests.Response:
    """GET ``url`` through ``session``; raise for error statuses.

    Works with any ``requests.Session``: the politeness, robots, content-type and size checks
    apply when it is a :class:`PoliteSession` (from :func:`make_session`); a plain session (a
    test's, a caller's) just gets the request and the status check.

    Parameters
    ----------
    session : requests.Session
    url : str
    robots : bool, default=True
        Obey robots.txt (when the session's config does). API sources pass ``False``.
    accept : tuple of str, optional
        Acceptable media types, e.g. :data:`HTML_TYPES`.
    headers, params : mapping, optional
        Extra request headers (``If-None-Match``...) and query parameters.
    ok_statuses : tuple of int, default=()
        Statuses >= 300 that are not errors for the caller (``(304,)`` for conditional GETs).

    Returns
    -------
    requests.Response
        With its body read (at most ``max_bytes``).

    Raises
    ------
    HttpStatusError
        For a status >= 400 (after retries), or a 3xx that was not followed, unless listed in
        ``ok_statuses``.
    CrawlError
        Any other failure (see :mod:`influence.crawl.errors`).
    """
    kwargs: dict[str, Any] = {"headers": dict(headers or {}), "params": params}
    if isinstance(session, PoliteSession):
        kwargs.update(robots=robots and session.config.respect_robots, accept=accept)
    else:
        kwargs["timeout"] = (HttpConfig.connect_timeout, HttpConfig.timeout)
    try:
        resp = session.get(url, **kwargs)
    except CrawlError:
        raise
    except requests.Timeout as exc:  # a plain session
        raise FetchTimeoutError(_short(exc), url=url) from None
    except requests.RequestException as exc:
        raise FetchError(_short(exc), url=url) from None
    if resp.status_code >= 300 and resp.status_code not in ok_statuses:
        raise HttpStatusError(f"HTTP {resp.status_code} {resp.reason or ''}".strip(), url=resp.url or url,
                              status=resp.status_code)
    return resp


def get_json(
    session: requests.Session,
    url: str,
    *,
    params: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
    robots: bool = False,
) -> Any:
    """GET a JSON API endpoint and decode it (robots.txt not consulted by default).

    Raises
    ------
    HttpStatusError
        For an error status.
    CrawlError
        ``cause="malformed json"`` when the body is not JSON; other fetch failures as in
        :func:`fetch`.
    """
    hdrs = {"Accept": "application/json", **dict(headers or {})}
    resp = fetch(session, url, robots=robots, headers=hdrs, params=params)
    try:
        return resp.json()
    except ValueError as exc:
        raise CrawlError(f"malformed JSON: {_short(exc)}", url=resp.url or url, cause="malformed json") from None
