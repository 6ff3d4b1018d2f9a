"""The contract every source follows: a function that yields records.

A source module (``web``, ``feeds``, ``mastodon``, ``bluesky``, ``reddit``, ``hackernews``) exposes

.. code-block:: python

    def crawl(source: dict, ctx: CrawlContext) -> Iterator[Actor | Post | Interaction]: ...

``source`` is the ``[[sources]]`` table of the sector file (with its ``type``); ``ctx`` carries
everything the source may touch: the injected HTTP session, the sector (keywords, competitors,
``allow_private_addresses``), the per-source persistent state, the budget and the event counters.
Sources never write to the store themselves; the runner persists what they yield, in batches, in
the same transaction as their state changes, so a crawl killed at any moment resumes without
duplicated or lost records.

Parsers (``parse_status(json) -> records`` and the like) are plain functions of text or JSON so that
they are tested on the recorded fixtures without any network.

Errors: a source calls ``ctx.error(cause, url, message)`` for a failure that must not stop the crawl
(a 404 account, a malformed body, a timeout) and carries on; it raises only for a broken
configuration (:class:`~influence.errors.ConfigError`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import requests

    from ..records import Actor, Interaction, Post
    from ..sector import Sector

__all__ = ["CrawlContext", "SourceFunction", "SOURCE_MODULES"]

#: ``[[sources]] type`` -> module under influence.crawl that defines ``crawl(source, ctx)``.
SOURCE_MODULES: dict[str, str] = {
    "web": "web",
    "feed": "feeds",
    "mastodon": "mastodon",
    "bluesky": "bluesky",
    "reddit": "reddit",
    "hackernews": "hackernews",
}


class SourceFunction(Protocol):
    def __call__(self, source: dict, ctx: CrawlContext) -> Iterator[Actor | Post | Interaction]: ...


class StateStore(Protocol):
    """Per-source persistent key/value state (JSON-serialisable values), kept in the sector store.

    Writes made through it become durable together with the records yielded before them (the runner
    commits both in one transaction), so a resumed crawl sees a state consistent with the store.
    """

    def get(self, key: str, default: Any = None) -> Any: ...

    def set(self, key: str, value: Any) -> None: ...


@dataclass
class CrawlContext:
    """Everything a source may use while crawling.

    Attributes
    ----------
    session : requests.Session
        From :func:`influence.crawl.http.make_session` (retries, politeness, robots, size limits,
        address guard) or injected by the caller/tests.
    sector : Sector
        Name, keywords, languages, competitors, ``allow_private_addresses``.
    state : StateStore
        This source's persistent state (cursors, last seen ids, ETags, frontier bookkeeping).
    name : str
        The source's name (its ``name`` key, else ``"<type>[<index>]"``), used in state keys and logs.
    max_pages, max_posts : int or None
        Budgets for this run (``None``: the source's own keys or no limit).
    archive : callable, optional
        ``archive(url, status, headers, body)``: store the raw response for reproducible research.
    events : Counter
        Counters the runner shows as progress (``pages``, ``records``, ``errors``...).
    errors : Counter
        Errors by cause (``http 404``, ``timeout``, ``malformed json``...).
    """

    session: requests.Session
    sector: Sector
    state: StateStore
    name: str = ""
    max_pages: int | None = None
    max_posts: int | None = None
    archive: Callable[[str, int, dict, bytes], None] | None = None
    events: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    error_log: list[str] = field(default_factory=list)
    log: Callable[[str], None] | None = None

    def count(self, event: str, n: int = 1) -> None:
        """Count a progress event (``pages``, ``posts``...)."""
        self.events[event] += n

    def error(self, cause: str, url: str = "", message: str = "") -> None:
        """Record a non-fatal error; the crawl goes on. Never pass credentials in ``url``."""
        self.errors[cause] += 1
        self.events["errors"] += 1
        line = f"{cause}: {url} {message}".strip()
        if len(self.error_log) < 1000:
            self.error_log.append(line)
        if self.log is not None:
            self.log(line)
