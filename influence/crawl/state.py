"""Persistent crawl state: a source's key/value state, frontier, visited set and HTTP validators.

:class:`SourceState` implements the :class:`~influence.crawl.base.StateStore` protocol (``get`` /
``set``) and adds what a web crawl needs: a breadth-first :class:`Frontier` and conditional-GET
validators. Changes are buffered in memory; the runner commits them with the records yielded
before them in one transaction (:meth:`SourceState.commit`), so after a kill at any moment the
store holds records and a state that agree, and a resumed crawl neither loses nor duplicates.

The rule a source follows: **change the state after yielding the records it covers** (mark a page
done after yielding its records). A crash then replays at most the unit in progress, whose
records the store's idempotent upserts absorb.

Without a store (``SourceState(None, name)``) everything stays in memory: library callers and
tests can run a source without a sector.

Examples
--------
>>> state = SourceState(None, "web[0]")
>>> state.frontier.push("https://example.org/", 0)
True
>>> state.frontier.push("https://example.org/", 0)  # already queued
False
>>> state.frontier.pop()
('https://example.org/', 0)
>>> state.frontier.done("https://example.org/", "200")
>>> state.set("feeds", ["https://example.org/feed"])
>>> state.get("feeds")
['https://example.org/feed']
"""

from __future__ import annotations

import json
import time
from collections import deque
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from ..store import Store

__all__ = ["SourceState", "Frontier", "SharedFrontier", "DEFAULT_LEASE"]

#: Seconds a shared-crawl worker holds a claimed frontier entry (renewed while it works); a killed
#: worker's entries are claimed by the others once it expires.
DEFAULT_LEASE = 120.0


class Frontier:
    """Breadth-first queue of URLs with a seen set (queued or visited URLs are not queued again).

    A popped URL stays in the persisted frontier until :meth:`done` is committed, so a crawl killed
    while fetching it fetches it again on resume.
    """

    def __init__(self, queued: Iterable[tuple[str, int, int]] = (), visited: Iterable[str] = ()):
        self._queue: deque[tuple[str, int]] = deque()
        self._seen: set[str] = set(visited)
        self.visited = len(self._seen)
        self._seq = 0
        for url, depth, seq in queued:
            self._queue.append((url, depth))
            self._seen.add(url)
            self._seq = max(self._seq, seq + 1)
        self._pushed: list[tuple[str, int, int]] = []
        self._done: list[tuple[str, str, float]] = []

    def __len__(self) -> int:
        return len(self._queue)

    def __contains__(self, url: str) -> bool:
        return url in self._seen

    def push(self, url: str, depth: int) -> bool:
        """Queue ``url`` found at ``depth`` (0 for seeds); ``False`` if it was seen before."""
        if url in self._seen:
            return False
        self._seen.add(url)
        self._queue.append((url, depth))
        self._pushed.append((url, depth, self._seq))
        self._seq += 1
        return True

    def pop(self) -> tuple[str, int] | None:
        """The next ``(url, depth)`` to fetch, or ``None`` when the queue is empty."""
        return self._queue.popleft() if self._queue else None

    def claim(self, url: str) -> bool:
        """Mark ``url`` seen without queueing it (a redirect target fetched under another URL);
        ``False`` if it was seen before."""
        if url in self._seen:
            return False
        self._seen.add(url)
        return True

    def requeue(self, url: str, depth: int) -> None:
        """Put a popped URL back in front (it was not fetched: out of budget)."""
        self._queue.appendleft((url, depth))

    def done(self, url: str, status: str, *, count: bool = True) -> None:
        """Mark a popped URL visited with a status (``"200"``, ``"304"``, ``"http 404"``...).

        ``count=False`` records it without counting it against the page budget."""
        if count:
            self.visited += 1
        self._done.append((url, str(status), time.time()))

    def _drain(self) -> tuple[list, list]:
        pushed, done = self._pushed, self._done
        self._pushed, self._done = [], []
        return pushed, done


class SharedFrontier(Frontier):
    """The frontier of a crawl shared by several workers through a PostgreSQL store.

    The queue lives in the store: :meth:`pop` claims entries (``FOR UPDATE SKIP LOCKED``, with a
    lease of ``lease`` seconds), so no two workers fetch the same URL unless a lease expires (a
    killed worker's claims come back after ``lease`` seconds). Pushed URLs go to the store at the
    next :meth:`pop` (or commit); done URLs with the records of their page (:meth:`SourceState.commit`),
    and before a new claim the worker commits what it has done (``before_claim``), so a worker
    killed at any moment loses at most the pages it holds a claim on.

    When nothing is claimable but other workers still hold entries, :meth:`pop` waits (polling)
    for them: their pages may queue more URLs, and their leases may expire. It returns ``None``
    when the source's frontier is empty, or at once while this worker has claims in flight.
    """

    #: seconds between two polls while waiting for other workers' entries
    POLL = 0.2

    def __init__(self, store: Store, source: str, worker: str, *, lease: float = DEFAULT_LEASE,
                 claim_size: int = 1, visited: int = 0, queued: int = 0):
        super().__init__()
        self.store = store
        self.source = source
        self.worker = worker
        self.lease = float(lease)
        self.claim_size = int(claim_size)
        self.visited = visited
        self._queued = queued  # the source's entries in the store, at the last claim
        self._claimed: set[str] = set()
        self._counted = -1e9
        self.before_claim: Callable[[], None] | None = None
        self.should_stop: Callable[[], bool] = lambda: False
        self.started = False

    def __len__(self) -> int:
        return len(self._queue) + max(self._queued - len(self._claimed), 0) + len(self._pushed)

    def push(self, url: str, depth: int) -> bool:
        """Queue ``url`` in the store (at the next claim or commit), not locally: the worker that
        claims it fetches it."""
        if url in self._seen:
            return False
        self._seen.add(url)
        self._pushed.append((url, depth, self._seq))
        self._seq += 1
        return True

    def _flush_pushes(self) -> None:
        if self._pushed:
            self.store.crawl_push_now(self.source, self._pushed)
            self._queued += len(self._pushed)
            self._pushed = []
        if not self.started:
            self.started = True
            self.store.crawl_started(self.source)

    def pop(self) -> tuple[str, int] | None:
        if self._queue:
            return self._queue.popleft()
        while True:
            if self._done and self.before_claim is not None:
                self.before_claim()  # commit the pages done so far with their records
            self._flush_pushes()
            # the source's counts (for the page budget and progress) cost a scan: once a second
            counts = time.monotonic() >= self._counted + 1.0
            claimed, queued, visited = self.store.crawl_claim(self.source, self.worker, self.claim_size,
                                                              self.lease, counts=counts)
            if counts:
                self._counted = time.monotonic()
                self._queued, self.visited = queued, visited
            elif not queued:
                self._queued = 0
            if claimed:
                for url, depth in claimed:
                    self._seen.add(url)
                    self._claimed.add(url)
                    self._queue.append((url, depth))
                return self._queue.popleft()
            if self._claimed or queued == 0 or self.should_stop():
                return None  # claims in flight, nothing left, or stopping
            time.sleep(self.POLL)  # others hold the rest: wait for their pages and leases

    def done(self, url: str, status: str, *, count: bool = True) -> None:
        super().done(url, status, count=count)
        self._claimed.discard(url)

    def release(self) -> None:
        """Give back every claim not done (budget, Ctrl-C, a page in flight): the others can take
        them at once. Call it after the last commit: a done page's entry is gone by then."""
        self._flush_pushes()
        self._queue.clear()
        self._claimed.clear()
        self.store.crawl_release(self.source, self.worker)


class SourceState:
    """One source's persistent state; see the module docstring.

    Parameters
    ----------
    store : Store or None
        The sector store, or ``None`` to keep everything in memory.
    source : str
        The source's name (the key of its rows).
    fresh : bool, default=False
        Forget the frontier and visited set first (a new crawl rather than a resumed one); the
        key/value state and the validators are kept, so pages are fetched conditionally.
    worker : str, optional
        With a store that supports shared crawling (PostgreSQL), the name of this worker: the
        frontier is then a :class:`SharedFrontier`, and ``fresh`` applies only when no other
        worker is crawling the source (otherwise this one joins it; ``mode`` says which).
    lease : float, default=DEFAULT_LEASE
        Seconds a shared-crawl claim lasts.
    """

    def __init__(self, store: Store | None, source: str, *, fresh: bool = False, worker: str | None = None,
                 lease: float = DEFAULT_LEASE, claim_size: int = 1):
        self.store = store
        self.source = source
        self.worker = worker
        #: "fresh", "resume" or, for a shared crawl another worker is running, "join"
        self.mode = "fresh" if fresh else "resume"
        shared = store is not None and worker is not None
        if shared:
            self.mode = store.crawl_join(source, worker, resume=not fresh, lease=lease)
        elif store is not None and fresh:
            store.reset_crawl(source)
        self._values: dict[str, str] = store.crawl_state(source) if store is not None else {}
        self._dirty: dict[str, str | None] = {}
        self._validators: dict[str, tuple[str | None, str | None, str | None]] = {}
        self._new_validators: dict[str, tuple[str | None, str | None, str | None]] = {}
        if shared:
            counts = store.crawl_sources().get(source, (0, 0))
            self.frontier = SharedFrontier(store, source, worker, lease=lease, claim_size=claim_size,
                                           queued=counts[0], visited=counts[1])
        elif store is not None:
            self.frontier = Frontier(store.crawl_frontier(source), store.crawl_visited(source))
        else:
            self.frontier = Frontier()

    def __repr__(self) -> str:
        return f"SourceState({self.source!r}, queued={len(self.frontier)}, visited={self.frontier.visited})"

    # -- StateStore protocol ----------------------------------------------------------------------

    def get(self, key: str, default: Any = None) -> Any:
        """The value of ``key`` (a JSON round-tripped copy), or ``default``."""
        text = self._dirty[key] if key in self._dirty else self._values.get(key)
        return default if text is None else json.loads(text)

    def set(self, key: str, value: Any) -> None:
        """Set ``key`` (any JSON-serialisable value; ``None`` deletes it)."""
        self._dirty[key] = None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)

    # -- conditional GET --------------------------------------------------------------------------

    def validators(self, url: str) -> tuple[str | None, str | None, list[str] | None]:
        """``(etag, last_modified, links)`` saved for ``url`` by an earlier crawl."""
        if url in self._new_validators:
            etag, modified, links = self._new_validators[url]
        elif url in self._validators:
            etag, modified, links = self._validators[url]
        elif self.store is not None:
            etag, modified, links = self.store.crawl_validators(self.source, url)
        else:
            etag = modified = links = None
        return etag, modified, (json.loads(links) if links else None)

    def set_validators(self, url: str, etag: str | None, last_modified: str | None,
                       links: list[str] | None = None) -> None:
        """Remember a response's ``ETag`` / ``Last-Modified`` (and the links to follow from it)."""
        self._new_validators[url] = (etag, last_modified, json.dumps(links) if links is not None else None)

    # -- committing -------------------------------------------------------------------------------

    @property
    def pending(self) -> bool:
        """True when there are changes not committed yet."""
        f = self.frontier
        return bool(self._dirty or self._new_validators or f._pushed or f._done)

    def commit(self, records: Iterable = ()) -> dict[str, int]:
        """Write ``records`` and the pending state changes in one transaction; return new rows.

        Without a store, the changes are applied in memory and nothing is written.
        """
        pushed, done = self.frontier._drain()
        dirty, self._dirty = self._dirty, {}
        new_validators, self._new_validators = self._new_validators, {}
        if self.store is None:
            records = list(records)
            out = {"actors": 0, "posts": 0, "interactions": 0}
        else:
            out = self.store.write_crawl_batch(
                records,
                source=self.source,
                state=dirty,
                push=pushed,
                done=done,
                validators=[(u, *v) for u, v in new_validators.items()],
            )
        for k, v in dirty.items():
            if v is None:
                self._values.pop(k, None)
            else:
                self._values[k] = v
        self._validators.update(new_validators)
        if self.store is not None and len(self._validators) > 10_000:  # a cache: the store has them
            self._validators.clear()
        return out

    def close(self) -> None:
        """End a shared crawl's turn: unfetched claims given back, the start lock released."""
        if isinstance(self.frontier, SharedFrontier):
            self.frontier.release()
