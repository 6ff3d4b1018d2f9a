"""HttpConfig: the [crawl] table, validated."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

from ..._version import __version__
from ...errors import ConfigError
from ...validation import Invalid, boolean, check, number, optional, whole

# -- configuration --------------------------------------------------------------------------------


@dataclass(frozen=True)
class HttpConfig:
    """How the crawlers talk HTTP. A sector file gives these keys in its ``[crawl]`` table.

    Parameters
    ----------
    user_agent : str, default="influence/<version>"
        Product token first (robots.txt rules are matched on the part before ``/``).
    contact : str or None, default=None
        A URL or e-mail address where site owners can reach whoever runs the crawl; appended to
        the User-Agent as ``(+contact)``. Please set it.
    timeout : float, default=20
        Read timeout in seconds (the longest silence between two bytes).
    connect_timeout : float, default=10
        Seconds to open the TCP/TLS connection.
    total_timeout : float, default=120
        Seconds for one whole response, headers to last byte.
    retries : int, default=3
        Retries after the first attempt, on connection errors, read timeouts, 429 and 5xx.
    backoff : float, default=0.5
        Backoff factor: the n-th retry waits ``backoff * 2**(n-1)`` s plus up to ``backoff`` s
        of random jitter (so a fleet of workers does not retry in lock-step).
    max_retry_after : float, default=120
        Longest ``Retry-After`` honoured, in seconds; longer requests wait this long.
    delay : float, default=1
        Minimum seconds between the starts of two requests to one host (a robots.txt
        ``Crawl-delay`` raises it for that host, up to 60 s).
    max_concurrency : int, default=4
        Requests in flight at once, over all hosts (the crawlers' worker threads).
    per_host_concurrency : int, default=1
        Requests in flight at once to one host.
    max_bytes : int, default=10_000_000
        Largest body read, after decompression; a larger one raises
        :class:`~influence.crawl.errors.ResponseTooLargeError`.
    max_redirects : int, default=5
    respect_robots : bool, default=True
        Obey robots.txt for web pages. API sources opt out per request.

    Raises
    ------
    ConfigError
        If a value is out of range; ``key`` names the field.

    Examples
    --------
    >>> HttpConfig.from_dict({"delay": 2, "contact": "mailto:crawl@example.org"}).delay
    2.0
    >>> HttpConfig(timeout=0)
    Traceback (most recent call last):
    ...
    influence.errors.ConfigError: timeout must be a number > 0, got 0
    """

    user_agent: str = f"influence/{__version__}"
    contact: str | None = None
    timeout: float = 20.0
    connect_timeout: float = 10.0
    total_timeout: float = 120.0
    retries: int = 3
    backoff: float = 0.5
    max_retry_after: float = 120.0
    delay: float = 1.0
    max_concurrency: int = 4
    per_host_concurrency: int = 1
    max_bytes: int = 10_000_000
    max_redirects: int = 5
    respect_robots: bool = True

    def __post_init__(self) -> None:
        for name, checker in _CONSTRAINTS.items():
            object.__setattr__(self, name, check(name, checker, getattr(self, name)))

    @property
    def user_agent_header(self) -> str:
        """The User-Agent sent: ``user_agent`` plus ``(+contact)`` when a contact is set."""
        return f"{self.user_agent} (+{self.contact})" if self.contact else self.user_agent

    @property
    def robots_token(self) -> str:
        """The product token matched against robots.txt ``User-agent`` lines."""
        return self.user_agent.split("/", 1)[0].strip() or "influence"

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> HttpConfig:
        """Build from a ``[crawl]`` table; unknown keys raise :class:`ConfigError` naming them."""
        data = dict(data or {})
        known = [f.name for f in fields(cls)]
        for key in data:
            if key not in known:
                raise ConfigError(f"unknown key {key} (known: {', '.join(sorted(known))})", key=key)
        return cls(**data)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict of the fields (``contact`` omitted when unset), as a ``[crawl]`` table."""
        d = asdict(self)
        if d["contact"] is None:
            del d["contact"]
        return d


def _one_line(value: Any) -> str:
    if not (isinstance(value, str) and value.strip() != "" and "\n" not in value):
        raise Invalid("a non-empty one-line string")
    return value


#: What each ``[crawl]`` key may be (checked in ``__post_init__``; integral floats become ints).
_CONSTRAINTS: dict[str, Any] = {
    "user_agent": _one_line,
    "contact": optional(_one_line),
    "timeout": number(0, open_lo=True),
    "connect_timeout": number(0, open_lo=True),
    "total_timeout": number(0, open_lo=True),
    "retries": whole(0, floats=True),
    "backoff": number(0),
    "max_retry_after": number(0),
    "delay": number(0),
    "max_concurrency": whole(1, floats=True),
    "per_host_concurrency": whole(1, floats=True),
    "max_bytes": whole(1, floats=True),
    "max_redirects": whole(0, floats=True),
    "respect_robots": boolean,
}
