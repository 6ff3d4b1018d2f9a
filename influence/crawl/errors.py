"""Exceptions raised while crawling.

Our crawl exception hierarchy (all under :class:`influence.errors.InfluenceError`)::

    CrawlError                      a URL could not be fetched or read; ``.url``, ``.cause``
    ├── BlockedURLError             not http(s), or the host resolves to a loopback, private,
    │                               link-local, multicast or reserved address (SSRF guard)
    ├── RobotsDisallowedError       robots.txt forbids the URL to our user agent
    ├── FetchError                  the network failed; also a ``requests.RequestException``
    │   ├── FetchTimeoutError       connect or read timeout, or the response took too long
    │   └── TooManyRedirectsError   a redirect loop or more hops than ``max_redirects``
    ├── HttpStatusError             the server answered 4xx/5xx (after retries); ``.status``
    ├── ResponseTooLargeError       the body is larger than ``max_bytes`` (stopped reading)
    └── ContentTypeError            not a type we asked for, or binary bytes sent as text

Every error carries a short ``cause`` (``"timeout"``, ``"http 503"``, ``"robots"``...) that the
crawl summary counts, and a ``url`` from which credentials (``user:password@``, ``token=``
parameters) have been removed, so messages are safe to log.

:class:`FetchError` also derives from ``requests.RequestException``, so code written for plain
requests (``except requests.RequestException``) keeps working with our session.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests

from ..errors import InfluenceError

__all__ = [
    "CrawlError",
    "BlockedURLError",
    "RobotsDisallowedError",
    "FetchError",
    "FetchTimeoutError",
    "TooManyRedirectsError",
    "HttpStatusError",
    "ResponseTooLargeError",
    "ContentTypeError",
    "redact_url",
]

_SECRET_PARAM = re.compile(
    r"(token|key|secret|password|passwd|pwd|auth|sig|signature|session|code)$", re.IGNORECASE
)


def redact_url(url: str) -> str:
    """Return ``url`` without credentials: no ``user:password@``, secret-looking parameters masked.

    Examples
    --------
    >>> redact_url("https://ana:hunter2@example.com/feed?access_token=abc&page=2")
    'https://example.com/feed?access_token=***&page=2'
    >>> redact_url("not a url")
    'not a url'
    """
    try:
        parts = urlsplit(str(url))
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        return str(url)
    if not parts.scheme or not parts.netloc:
        return str(url)
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc += f":{port}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        if any(_SECRET_PARAM.search(k) for k, _ in pairs):
            query = urlencode([(k, "***" if _SECRET_PARAM.search(k) else v) for k, v in pairs], safe="*")
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


class CrawlError(InfluenceError):
    """A URL could not be fetched or read.

    Parameters
    ----------
    message : str
        What went wrong (the URL is added in front).
    url : str, optional
        The URL at fault; credentials are removed before it is stored.
    cause : str, optional
        A short label for error summaries; defaults to the class's ``cause``.

    Attributes
    ----------
    url : str
    cause : str
    """

    cause = "crawl error"

    def __init__(self, message: str = "", *, url: str = "", cause: str | None = None):
        self.url = redact_url(url) if url else ""
        if cause is not None:
            self.cause = cause
        self.reason = message
        text = f"{self.url}: {message}" if self.url else message
        super().__init__(text)


class BlockedURLError(CrawlError):
    """The URL's scheme is not http/https, or its host resolves to a non-public address.

    Refused before any connection is made (and checked again on the connected socket, so a
    DNS answer that changes between the check and the connection is caught too). Set
    ``allow_private_addresses = true`` in the sector file to crawl an intranet or a test server.
    """

    cause = "blocked address"


class RobotsDisallowedError(CrawlError):
    """The site's robots.txt does not allow our user agent to fetch this URL."""

    cause = "robots"


class FetchError(CrawlError, requests.RequestException):
    """The request failed on the network (connection refused, reset, truncated body...)."""

    cause = "connection"


class FetchTimeoutError(FetchError):
    """Connecting or reading took longer than the configured timeouts."""

    cause = "timeout"


class TooManyRedirectsError(FetchError):
    """More redirects than ``max_redirects`` (a loop, usually)."""

    cause = "too many redirects"


class HttpStatusError(CrawlError):
    """The server answered with an error status (after the configured retries).

    Attributes
    ----------
    status : int
    """

    def __init__(self, message: str = "", *, url: str = "", status: int = 0):
        self.status = int(status)
        super().__init__(message or f"HTTP {status}", url=url, cause=f"http {status}")


class ResponseTooLargeError(CrawlError):
    """The response body is larger than ``max_bytes``; reading stopped there."""

    cause = "too large"


class ContentTypeError(CrawlError):
    """The response is not of a content type the caller accepts, or is binary sent as text."""

    cause = "content type"
