"""Run a sector's sources into its store: batches, progress, resume, summary.

:func:`run_crawl` looks up each ``[[sources]]`` table's module through
:data:`influence.crawl.base.SOURCE_MODULES` (``type = "web"`` -> :mod:`influence.crawl.web`...),
so a new source module plugs in with no change here. For every source it

1. validates the table (the module's ``validate(source, where)``, when it has one);
2. opens the source's persistent state (:class:`~influence.crawl.state.SourceState`): fresh, or
   where an interrupted run stopped (``resume=True``);
3. iterates ``module.crawl(source, ctx)`` and commits the records in batches, each batch in **one
   transaction with the state changes made so far** (frontier, visited, cursors, validators);
4. reports progress (pages, errors, queue, rate) to a callback and returns a
   :class:`CrawlSummary`: pages, records by kind, errors by cause.

**Shared crawling.** With a PostgreSQL store (:mod:`influence._store_pg`), several runs of
:func:`run_crawl` (``influence crawl SECTOR`` started N times, on one or several machines) share
each web and feed source's frontier: each worker claims entries with a lease
(:class:`~influence.crawl.state.SharedFrontier`), the first worker decides between a fresh crawl
and a resumed one, later ones join it, and per-host politeness is shared (one row per host,
locked for each request: :meth:`PgStore.host_turn <influence._store_pg.PgStore.host_turn>`).
API sources keep cursors, not a frontier: the first worker runs them, the others skip them.
See docs/scale-out.md.

Errors of single URLs are counted, never fatal. Ctrl-C (SIGINT) stops at the next record: the
batch in hand is committed with its state, so ``resume=True`` carries on from there; a second
Ctrl-C quits at once (the open transaction rolls back, the store stays consistent). A kill
(SIGKILL) loses at most the uncommitted batch, which the resumed crawl fetches again.

Examples
--------
>>> from influence.sector import Sector
>>> from influence.store import Store
>>> sector = Sector("empty", store=Store(":memory:"))
>>> run_crawl(sector).pages
0
"""

from __future__ import annotations

import importlib
import inspect
import os
import re
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ConfigError, SectorFileError, StoreError
from ..records import Actor, Interaction, Post, SameAs
from .base import SOURCE_MODULES, CrawlContext
from .errors import CrawlError
from .http import HttpConfig, make_session
from .state import DEFAULT_LEASE, SharedFrontier, SourceState

if TYPE_CHECKING:
    import requests

    from ..sector import Sector

__all__ = ["run_crawl", "CrawlSummary", "SourceReport", "Progress", "source_name", "crawl_config"]

#: Records per committed batch (also committed every ``commit_every`` seconds).
#: Crawl-state keys holding when a source was first and last crawled (ISO 8601, UTC).
RUN_FIRST, RUN_LAST = "run.first", "run.last"
BATCH_SIZE = 500


@dataclass(frozen=True)
class Progress:
    """A progress snapshot, given to the ``progress`` callback about twice a second."""

    source: str
    pages: int
    errors: int
    queue: int
    records: int
    elapsed: float

    @property
    def rate(self) -> float:
        """Pages per second so far."""
        return self.pages / self.elapsed if self.elapsed > 0 else 0.0


@dataclass
class SourceReport:
    """What one source did in this run.

    Attributes
    ----------
    name, type : str
    status : str
        ``"done"`` (nothing left to fetch), ``"budget"`` (stopped by ``max_pages``; resume to go
        on), ``"interrupted"`` (Ctrl-C), ``"unavailable"`` (no module for its type in this
        version), ``"failed"`` (the source raised; see ``message``) or ``"skipped"``.
    pages : int
        Fetches made (including failed ones).
    records : Counter
        Records yielded, by kind: ``actors``, ``posts``, ``identity_links`` and one key per
        interaction kind (``link``, ``comment``...).
    new : Counter
        Rows new to the store (``actors``, ``posts``, ``interactions``...).
    errors : Counter
        Errors by cause (``timeout``, ``http 503``, ``robots``...).
    error_examples : list of str
        The first error lines (credentials already removed).
    queued : int
        URLs left in the frontier.
    """

    name: str
    type: str
    status: str = "done"
    pages: int = 0
    records: Counter = field(default_factory=Counter)
    new: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    error_examples: list[str] = field(default_factory=list)
    events: Counter = field(default_factory=Counter)
    queued: int = 0
    message: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name, "type": self.type, "status": self.status, "pages": self.pages,
            "records": dict(self.records), "new": dict(self.new), "errors": dict(self.errors),
            "queued": self.queued, "message": self.message,
        }


@dataclass
class CrawlSummary:
    """The result of :func:`run_crawl`."""

    sources: list[SourceReport] = field(default_factory=list)
    elapsed: float = 0.0
    interrupted: bool = False

    @property
    def pages(self) -> int:
        return sum(s.pages for s in self.sources)

    @property
    def records(self) -> Counter:
        out: Counter = Counter()
        for s in self.sources:
            out.update(s.records)
        return out

    @property
    def new(self) -> Counter:
        out: Counter = Counter()
        for s in self.sources:
            out.update(s.new)
        return out

    @property
    def errors(self) -> Counter:
        out: Counter = Counter()
        for s in self.sources:
            out.update(s.errors)
        return out

    @property
    def queued(self) -> int:
        return sum(s.queued for s in self.sources)

    def to_dict(self) -> dict[str, Any]:
        return {
            "pages": self.pages, "records": dict(self.records), "new": dict(self.new),
            "errors": dict(self.errors), "queued": self.queued, "elapsed": round(self.elapsed, 3),
            "interrupted": self.interrupted, "sources": [s.to_dict() for s in self.sources],
        }


def source_name(source: dict, index: int) -> str:
    """A source's name: its ``name`` key, else ``"<type>[<index>]"``.

    >>> source_name({"type": "web"}, 2), source_name({"type": "feed", "name": "blogs"}, 0)
    ('web[2]', 'blogs')
    """
    name = source.get("name")
    return name.strip() if isinstance(name, str) and name.strip() else f"{source.get('type')}[{index}]"


def crawl_config(sector: Sector) -> HttpConfig:
    """The sector's ``[crawl]`` table as an :class:`~influence.crawl.http.HttpConfig`."""
    try:
        return HttpConfig.from_dict(getattr(sector, "crawl", None) or {})
    except ConfigError as exc:
        msg = str(exc)
        raise _file_error(sector, msg.replace("unknown key ", "unknown key crawl.", 1)
                          if msg.startswith("unknown key") else f"crawl.{msg}") from None


def _file_error(sector: Sector, message: str) -> ConfigError:
    path = getattr(sector, "path", None)
    return SectorFileError(f"{path.name}: {message}") if path is not None else ConfigError(message)


def _kind(rec: Any) -> str:
    if isinstance(rec, Interaction):
        return rec.kind.value
    if isinstance(rec, Post):
        return "posts"
    if isinstance(rec, Actor):
        return "actors"
    if isinstance(rec, SameAs):
        return "identity_links"
    return type(rec).__name__


def _call_validate(module: Any, source: dict, where: str) -> None:
    fn = getattr(module, "validate", None)
    if fn is None:
        return
    try:
        takes_where = len(inspect.signature(fn).parameters) >= 2
    except (TypeError, ValueError):
        takes_where = False
    fn(source, where) if takes_where else fn(source)


class _StopFlag:
    """SIGINT sets a flag the first time (stop cleanly), raises the second time (quit now)."""

    def __init__(self, on_first: Callable[[], None] | None = None):
        self.set = False
        self._on_first = on_first
        self._old: Any = None

    def __enter__(self) -> _StopFlag:
        if threading.current_thread() is threading.main_thread():
            self._old = signal.signal(signal.SIGINT, self._handle)
        return self

    def _handle(self, signum, frame) -> None:
        if self.set:
            raise KeyboardInterrupt
        self.set = True
        if self._on_first is not None:
            self._on_first()

    def __exit__(self, *exc) -> None:
        if self._old is not None:
            signal.signal(signal.SIGINT, self._old)


def run_crawl(
    sector: Sector,
    *,
    session: requests.Session | None = None,
    sources: Sequence[str] | None = None,
    max_pages: int | None = None,
    resume: bool = False,
    progress: Callable[[Progress], None] | None = None,
    log: Callable[[str], None] | None = None,
    log_errors: bool = True,
    batch_size: int = BATCH_SIZE,
    commit_every: float = 2.0,
    archive: str | os.PathLike | None = None,
    lease: float = DEFAULT_LEASE,
    worker: str | None = None,
) -> CrawlSummary:
    """Crawl a sector's sources into its store.

    Parameters
    ----------
    sector : Sector
        With its store open for writing (:func:`~influence.sector.open_sector`).
    session : requests.Session, optional
        Default: :func:`~influence.crawl.http.make_session` with the sector's ``[crawl]`` table
        and ``allow_private_addresses``.
    sources : sequence of str, optional
        Names of the sources to run (default: all). See :func:`source_name`.
    max_pages : int, optional
        Fetches allowed in this run, over all sources.
    resume : bool, default=False
        Carry on from where the last run stopped (its frontier). Without it, web and feed
        sources start again from their seeds, sending conditional requests for pages they have.
    progress : callable, optional
        Called with a :class:`Progress` about twice a second.
    archive : path-like, optional
        Keep every raw API response under ``archive/<source name>/`` (see
        :class:`~influence.crawl.archive.RawArchive`), for reproducible research.
    log : callable, optional
        Called with notices (a source that cannot run, "stopping...") and, if ``log_errors``,
        with each error line (``"web[0]: http 404: https://..."``).
    log_errors : bool, default=True
    batch_size : int, default=500
    commit_every : float, default=2.0
        Seconds between commits when records come slowly.
    lease : float, default=120
        Shared crawls (PostgreSQL store): seconds a claimed frontier entry stays this worker's;
        a killed worker's entries are taken by the others after it.
    worker : str, optional
        Shared crawls: this worker's name (default ``host:pid``).

    Returns
    -------
    CrawlSummary

    Raises
    ------
    ConfigError
        A source table or the ``[crawl]`` table is invalid (``SectorFileError`` naming the file
        and the key), or ``sources`` names no source of the sector, or names a source whose
        type has no module in this version.
    StoreError
        The sector has no writable store.
    """
    if sector.store is None:
        raise StoreError(f"sector {sector.name!r} has no open store")
    if getattr(sector.store, "readonly", False):
        raise StoreError(f"sector {sector.name!r}: the store is open read-only; open it with "
                         "open_sector(..., create=True) or readonly=False to crawl")
    shared = bool(getattr(sector.store, "shared_crawl", False))
    if shared and worker is None:
        from .._store_pg import worker_name

        worker = worker_name()
    own_session = session is None
    if own_session:
        session = make_session(crawl_config(sector), allow_private_addresses=sector.allow_private_addresses)
    gates = _SharedPoliteness(session, sector.store) if shared else None
    all_sources = list(enumerate(sector.sources))
    names = [source_name(s, i) for i, s in all_sources]
    if sources:
        unknown = [n for n in sources if n not in names]
        if unknown:
            known = ", ".join(names) if names else "none"
            raise ConfigError(f"no source named {unknown[0]!r} in sector {sector.name!r} (sources: {known})")
    selected = [(i, s, n) for (i, s), n in zip(all_sources, names) if not sources or n in sources]

    # validate everything before fetching anything
    plans: list[tuple[dict, str, Any, SourceReport]] = []
    for i, src, name in selected:
        typ = str(src.get("type"))
        report = SourceReport(name=name, type=typ)
        module_name = SOURCE_MODULES.get(typ)
        if module_name is None:
            report.status = "skipped"
            report.message = (f"type {typ!r} is not crawled (use `influence import` for files)"
                              if typ == "file" else f"no crawler for type {typ!r}")
            plans.append((src, name, None, report))
            continue
        full = f"{__package__}.{module_name}"
        try:
            module = importlib.import_module(full)
        except ModuleNotFoundError as exc:
            if exc.name != full:
                raise
            message = (f"source {name!r} has type {typ!r}, but this version of influence has no "
                       f"{typ} crawler ({full} is missing)")
            if sources:
                raise ConfigError(message) from None
            report.status = "unavailable"
            report.message = message
            plans.append((src, name, None, report))
            continue
        try:
            _call_validate(module, src, f"sources[{i}]")
        except ConfigError as exc:
            raise _file_error(sector, str(exc)) from None
        plans.append((src, name, module, report))

    summary = CrawlSummary()
    start = time.monotonic()
    budget = max_pages
    with _StopFlag(lambda: log and log("stopping after the current page (Ctrl-C again to quit now)")) as stop:
        try:
            for src, name, module, report in plans:
                summary.sources.append(report)
                if module is None:
                    if log:
                        log(f"{name}: {report.message}")
                    continue
                if stop.set:
                    report.status = "interrupted"
                    continue
                if budget is not None and budget <= 0:
                    report.status = "budget"
                    continue
                _run_source(sector, session, src, name, module, report, resume=resume, budget=budget,
                            progress=progress, log=log if log_errors else None, stop=stop, batch_size=batch_size,
                            commit_every=commit_every, start=start, archive=archive,
                            worker=worker if shared else None, lease=lease)
                if budget is not None:
                    budget -= report.pages
        finally:
            if gates is not None:
                gates.close()
            if own_session:
                session.close()
    summary.elapsed = time.monotonic() - start
    summary.interrupted = stop.set
    return summary


#: Source types whose work is a frontier of URLs, which shared-crawl workers split among them.
SHARED_TYPES = ("web", "feed")


def _run_source(sector, session, src, name, module, report, *, resume, budget, progress, log, stop,
                batch_size, commit_every, start, archive=None, worker=None, lease=DEFAULT_LEASE) -> None:
    state = SourceState(sector.store, name, fresh=not resume, worker=worker, lease=lease)
    shared = isinstance(state.frontier, SharedFrontier)
    if shared and report.type not in SHARED_TYPES:
        # no seeds to queue: let the other workers decide now (they will skip it while this runs)
        sector.store.crawl_started(name)
        if state.mode == "join":
            state.close()
            report.status = "skipped"
            report.message = "another worker is crawling it (API sources are not split between workers)"
            return

    def on_error(line: str) -> None:
        if log:
            log(f"{name}: {line}")

    ctx = CrawlContext(session=session, sector=sector, state=state, name=name, max_pages=budget, log=on_error)
    if archive is not None:
        from .archive import RawArchive

        ctx.archive = RawArchive(Path(archive) / re.sub(r"[^\w.-]+", "_", name))
    batch: list = []
    last_commit = last_progress = time.monotonic()

    last_beat = [0.0]

    def commit() -> None:
        nonlocal batch, last_commit
        new = state.commit(batch)
        report.new.update({k: v for k, v in new.items() if v})
        batch = []
        last_commit = time.monotonic()
        if shared and last_commit - last_beat[0] >= 1.0:  # this worker's line of `crawl --status`
            last_beat[0] = last_commit
            sector.store.crawl_worker_update(worker, pages=ctx.events["pages"], records=sum(report.records.values()),
                                             errors=ctx.events["errors"])

    if shared:
        # a new claim first commits the pages done so far: a killed worker loses only its claims
        state.frontier.before_claim = commit
        state.frontier.should_stop = lambda: stop.set

    def snapshot() -> Progress:
        return Progress(source=name, pages=ctx.events["pages"], errors=ctx.events["errors"],
                        queue=ctx.events["queue"], records=sum(report.records.values()),
                        elapsed=time.monotonic() - start)

    gen = module.crawl(src, ctx)
    try:
        for rec in gen:
            batch.append(rec)
            report.records[_kind(rec)] += 1
            now = time.monotonic()
            if len(batch) >= batch_size or now - last_commit >= commit_every:
                commit()
            if progress is not None and now - last_progress >= 0.5:
                last_progress = now
                progress(snapshot())
            if stop.set:
                report.status = "interrupted"
                break
    except (ConfigError, StoreError):
        raise
    except CrawlError as exc:  # a source that let one URL's failure escape: count it, keep the rest
        ctx.error(exc.cause, exc.url, exc.reason)
        report.status = "failed"
        report.message = str(exc)
    except Exception as exc:
        ctx.error("source failed", "", f"{type(exc).__name__}: {exc}")
        report.status = "failed"
        report.message = f"{type(exc).__name__}: {exc}"
    finally:
        gen.close()
    # when this source was crawled (first and latest run, UTC), shown by `influence report`
    ran = datetime.now(timezone.utc).isoformat(timespec="seconds")
    if state.get(RUN_FIRST) is None:
        state.set(RUN_FIRST, ran)
    state.set(RUN_LAST, ran)
    # what was yielded, with the state changes made so far, in one transaction
    commit()
    state.close()
    report.pages = ctx.events["pages"]
    report.errors.update(ctx.errors)
    report.error_examples = list(ctx.error_log[:20])
    report.events.update(ctx.events)
    report.queued = len(state.frontier)
    if report.status == "done" and report.queued:
        report.status = "budget"
    if shared:
        sector.store.crawl_worker_update(worker, pages=report.pages, records=sum(report.records.values()),
                                         errors=sum(report.errors.values()), status=report.status)
    if progress is not None:
        progress(snapshot())


class _SharedPoliteness:
    """Makes a session's per-host politeness shared by every worker of a PostgreSQL store: each
    request to a host first takes the host's turn in the store
    (:meth:`~influence._store_pg.PgStore.host_turn`), on a connection of the requesting thread.

    Hooks the session's gate lookup (``PoliteSession._gate``); with ``delay = 0`` for a host the
    local gate alone applies (no politeness to share, and no database round trip per request).
    """

    def __init__(self, session, store):
        self._store = store
        self._local = threading.local()
        self._clones: list = []
        self._lock = threading.Lock()
        original = getattr(session, "_gate", None)
        if original is None:  # not a PoliteSession: nothing to share
            return
        self._original = original
        session._gate = self._gate

    def _gate(self, url: str):
        return _SharedGate(self._original(url), _host(url), self)

    def store(self):
        clone = getattr(self._local, "store", None)
        if clone is None:
            clone = self._local.store = self._store.clone()
            with self._lock:
                self._clones.append(clone)
        return clone

    def close(self) -> None:
        with self._lock:
            for clone in self._clones:
                clone.close()
            self._clones.clear()


def _host(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


class _SharedGate:
    def __init__(self, local, host: str, owner: _SharedPoliteness):
        self._gate, self._host, self._owner = local, host, owner

    @property
    def delay(self) -> float:
        return self._gate.delay

    @delay.setter
    def delay(self, value: float) -> None:  # a robots.txt Crawl-delay
        self._gate.delay = value

    @contextmanager
    def slot(self):
        with self._gate.slot():
            delay = self._gate.delay
            if delay <= 0:
                yield
                return
            with self._owner.store().host_turn(self._host, delay):
                yield
