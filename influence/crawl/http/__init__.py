"""The HTTP layer every crawler uses: a polite, bounded, guarded ``requests.Session``.

:func:`make_session` returns a :class:`PoliteSession`, a ``requests.Session`` that adds:

- an identifying ``User-Agent`` with a contact URL (``user_agent``, ``contact``);
- connect and read timeouts on every request, and a ``total_timeout`` per response (a server
  that drips one byte per second cannot hold a worker forever);
- retries with exponential backoff and jitter on connection errors, read timeouts, 429 and 5xx
  (urllib3 ``Retry``), honouring ``Retry-After`` up to ``max_retry_after`` seconds; API clients
  ask for a 429 back at once (``retry_429=False``) and retry it themselves after the API's reset
  headers, so no status is retried by two layers;
- per-host politeness: at least ``delay`` seconds between two requests to the same host (or the
  host's robots.txt ``Crawl-delay``, if longer) and at most ``per_host_concurrency`` requests in
  flight to it at once;
- robots.txt (RFC 9309, parsed by `protego <https://github.com/scrapy/protego>`_, Scrapy's
  parser: ``*`` and ``$`` wildcards, and the longest matching rule wins, ``Allow`` on a tie):
  obeyed unless a request says ``robots=False`` (API sources, whose endpoints are meant for
  programs);
- a maximum body size (``max_bytes``, counted after decompression; reading stops there), a
  content-type check and a binary-body sniff when the caller says what it accepts, and a
  redirect limit (``max_redirects``);
- a server-side request forgery guard: only ``http``/``https``, and hosts that resolve to
  loopback, private, link-local, multicast or reserved addresses are refused, both before
  connecting and on the connected socket, unless ``allow_private_addresses=True``.

Every failure is raised as a :class:`~influence.crawl.errors.CrawlError` (see that module for the
tree); the network ones also derive from ``requests.RequestException``. Messages never contain
credentials: URLs are passed through :func:`~influence.crawl.errors.redact_url`.

Sources should call :func:`fetch` (or :func:`get_json` for APIs) rather than ``session.get``:
those accept any ``requests.Session``, so tests and library users can inject their own, and they
turn error statuses into :class:`~influence.crawl.errors.HttpStatusError`.

Examples
--------
>>> config = HttpConfig(contact="https://example.org/about-our-crawler", delay=0.5)
>>> config.user_agent_header
'influence/0.1.0 (+https://example.org/about-our-crawler)'
>>> session = make_session(config)
>>> session.headers["User-Agent"] == config.user_agent_header
True
>>> try:
...     session.get("file:///etc/passwd")
... except BlockedURLError as exc:
...     print(exc.cause)
blocked address
>>> session.close()
"""

from __future__ import annotations

from ..errors import (  # noqa: F401  (the errors a session raises, importable from here too)
    BlockedURLError,
    ContentTypeError,
    CrawlError,
    FetchError,
    FetchTimeoutError,
    HttpStatusError,
    ResponseTooLargeError,
    RobotsDisallowedError,
    TooManyRedirectsError,
    redact_url,
)
from ._config import HttpConfig
from ._guard import check_url
from ._session import (
    FEED_TYPES,
    HTML_TYPES,
    RETRY_STATUSES,
    PoliteSession,
    fetch,
    get_json,
    make_session,
)

__all__ = [
    "HttpConfig",
    "PoliteSession",
    "make_session",
    "fetch",
    "get_json",
    "check_url",
    "HTML_TYPES",
    "FEED_TYPES",
    "redact_url",
]
