"""Shared crawling in the PostgreSQL store: workers join a source's crawl, claim frontier entries
with leases (``FOR UPDATE SKIP LOCKED``), take turns per host, and report progress; and the crawl
state a crawl batch writes with its records (:class:`SharedCrawl`, mixed into ``PgStore``)."""

from __future__ import annotations

import os
import socket
import time
from contextlib import contextmanager
from typing import TYPE_CHECKING

from ._pg_connection import psycopg_module

if TYPE_CHECKING:  # pragma: no cover
    from ._postgres import PgStore

__all__ = ["SharedCrawl", "worker_name"]

_NOW = "extract(epoch from clock_timestamp())::float8"


def _lock_key(source: str) -> str:
    return f"hashtext('influence.crawl:' || {_sql_literal(source)})"


def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


class SharedCrawl:
    """What :class:`~influence.store.PgStore` adds for crawl workers sharing a sector, and the
    crawl state it writes with a batch of records."""

    shared_crawl = True

    def crawl_join(self: PgStore, source: str, worker: str, *, resume: bool, lease: float) -> str:
        """Join the crawl of ``source`` as ``worker``; return ``"fresh"``, ``"resume"`` or ``"join"``.

        With no other live worker (heartbeat within ``lease`` seconds), this worker starts the
        crawl: afresh (frontier and visited forgotten, as a SQLite crawl without ``--resume``) or,
        with ``resume``, from where the last run stopped. Otherwise it joins the running crawl.
        The decision holds a lock on the source until :meth:`crawl_started` (after the seeds are
        queued), so workers started together agree on it.
        """
        self._pg.execute(f"SELECT pg_advisory_lock({_lock_key(source)})")
        self._start_locks = getattr(self, "_start_locks", set()) | {source}
        with self._pg.transaction():
            live = self._pg.execute(
                f"SELECT count(*) FROM crawl_workers WHERE source = %s AND worker <> %s "
                f"AND status = 'running' AND heartbeat > {_NOW} - %s", (source, worker, lease)).fetchone()[0]
            mode = "join" if live else "resume" if resume else "fresh"
            if mode == "fresh":
                self._pg.execute("DELETE FROM crawl_frontier WHERE source = %s", (source,))
                self._pg.execute("DELETE FROM crawl_visited WHERE source = %s", (source,))
            self._pg.execute(
                f"INSERT INTO crawl_workers(worker, source, host, pid, started, heartbeat, status) "
                f"VALUES (%s, %s, %s, %s, {_NOW}, {_NOW}, 'running') ON CONFLICT (worker) DO UPDATE SET "
                f"source = excluded.source, started = excluded.started, heartbeat = excluded.heartbeat, "
                f"pages = 0, records = 0, errors = 0, status = 'running'",
                (worker, source, worker.rsplit(":", 1)[0], os.getpid()))
        return mode

    def crawl_started(self: PgStore, source: str) -> None:
        """Release the start lock of :meth:`crawl_join` (the seeds are in the frontier)."""
        if source in getattr(self, "_start_locks", ()):
            self._start_locks.discard(source)
            self._pg.execute(f"SELECT pg_advisory_unlock({_lock_key(source)})")

    def crawl_push_now(self: PgStore, source: str, push) -> None:
        """Queue URLs at once, in their own transaction (they need no record to be durable)."""
        push = list(push)
        if push:
            with self._pg.transaction():
                self._push(source, push)

    def crawl_claim(self: PgStore, source: str, worker: str, n: int, lease: float, *, counts: bool = True):
        """Claim up to ``n`` queued URLs of ``source`` for ``lease`` seconds (``FOR UPDATE SKIP
        LOCKED``: workers never claim the same entry; an expired lease can be claimed again).
        Also renews this worker's other leases and heartbeat. Returns ``(claimed, queued,
        visited)``: ``[(url, depth)]`` and the source's counts; without ``counts`` (they cost a
        scan), ``queued`` is 1 when entries are left, 0 otherwise, and ``visited`` is None."""
        with self._pg.transaction():
            self._pg.execute(f"UPDATE crawl_frontier SET lease_until = {_NOW} + %s "
                             "WHERE source = %s AND claimed_by = %s", (lease, source, worker))
            rows = self._pg.execute(
                f"""UPDATE crawl_frontier f SET claimed_by = %s, lease_until = {_NOW} + %s
                    FROM (SELECT source, url FROM crawl_frontier c
                          WHERE c.source = %s AND (c.lease_until IS NULL OR c.lease_until < {_NOW})
                          ORDER BY c.seq LIMIT %s FOR UPDATE SKIP LOCKED) AS pick
                    WHERE f.source = pick.source AND f.url = pick.url
                    RETURNING f.url, f.depth, f.seq""", (worker, lease, source, n)).fetchall()
            # a URL visited meanwhile (queued again by a slower worker) is dropped, not fetched
            urls = [r[0] for r in rows]
            seen = set()
            if urls:
                seen = {r[0] for r in self._pg.execute(
                    "SELECT url FROM crawl_visited WHERE source = %s AND url = ANY(%s)", (source, urls))}
                if seen:
                    self._pg.execute("DELETE FROM crawl_frontier WHERE source = %s AND url = ANY(%s)",
                                     (source, list(seen)))
            if counts:
                queued, visited = self._pg.execute(
                    "SELECT (SELECT count(*) FROM crawl_frontier WHERE source = %s), "
                    "(SELECT count(*) FROM crawl_visited WHERE source = %s)", (source, source)).fetchone()
            else:
                queued = int(bool(rows) or self._pg.execute(
                    "SELECT EXISTS (SELECT 1 FROM crawl_frontier WHERE source = %s)", (source,)).fetchone()[0])
                visited = None
            self._pg.execute(f"UPDATE crawl_workers SET heartbeat = {_NOW} WHERE worker = %s", (worker,))
        claimed = [(u, d) for u, d, _s in sorted(rows, key=lambda r: r[2]) if u not in seen]
        return claimed, queued, visited

    def crawl_release(self: PgStore, source: str, worker: str, urls=None) -> None:
        """Give back this worker's leases (all, or those of ``urls``): claimable at once."""
        sql = "UPDATE crawl_frontier SET claimed_by = NULL, lease_until = NULL WHERE source = %s AND claimed_by = %s"
        params: list = [source, worker]
        if urls is not None:
            sql += " AND url = ANY(%s)"
            params.append(list(urls))
        self._pg.execute(sql, params)

    def crawl_worker_update(self: PgStore, worker: str, *, pages: int, records: int, errors: int,
                            status: str = "running") -> None:
        self._pg.execute(f"UPDATE crawl_workers SET heartbeat = {_NOW}, pages = %s, records = %s, "
                         "errors = %s, status = %s WHERE worker = %s", (pages, records, errors, status, worker))

    def crawl_status(self: PgStore) -> dict:
        """The whole crawl: per source ``{queued, leased, visited}`` and every worker's row."""
        out: dict = {"sources": {}, "workers": []}
        now = self._pg.execute(f"SELECT {_NOW}").fetchone()[0]
        for src, queued, leased in self._pg.execute(
                f"SELECT source, count(*), count(*) FILTER (WHERE lease_until > {_NOW}) "
                "FROM crawl_frontier GROUP BY source"):
            out["sources"].setdefault(src, {"queued": 0, "leased": 0, "visited": 0}).update(
                queued=queued, leased=leased)
        for src, n in self._pg.execute("SELECT source, count(*) FROM crawl_visited GROUP BY source"):
            out["sources"].setdefault(src, {"queued": 0, "leased": 0, "visited": 0})["visited"] = n
        for row in self._pg.execute("SELECT worker, source, status, pages, records, errors, started, "
                                    "heartbeat FROM crawl_workers ORDER BY started, worker"):
            worker, src, status, pages, records, errors, _started, beat = row
            out["workers"].append({"worker": worker, "source": src, "status": status, "pages": pages,
                                   "records": records, "errors": errors,
                                   "seconds_since_heartbeat": round(now - beat, 1) if beat else None})
        return out

    @contextmanager
    def host_turn(self: PgStore, host: str, delay: float):
        """Wait for ``host``'s turn and hold it for one request: one row per host, locked
        (``SELECT ... FOR UPDATE``) from before the wait until the request has ended, when its end
        time is written. So across all workers, a request to ``host`` starts at least ``delay``
        seconds (by the database's clock) after the previous one ended. Runs on this store's
        connection: give each thread its own store (:meth:`clone`)."""
        pg = self._pg
        with pg.transaction():
            pg.execute("INSERT INTO crawl_hosts(host, last_start) VALUES (%s, 0) ON CONFLICT DO NOTHING", (host,))
            last, now = pg.execute(f"SELECT last_start, {_NOW} FROM crawl_hosts WHERE host = %s FOR UPDATE",
                                   (host,)).fetchone()
            wait = last + delay - now
            while wait > 0:  # re-read the database clock: a sleep may wake early
                time.sleep(wait)
                wait = last + delay - pg.execute(f"SELECT {_NOW}").fetchone()[0]
            try:
                yield
            finally:
                pg.execute(f"UPDATE crawl_hosts SET last_start = {_NOW} WHERE host = %s", (host,))

    def clone(self: PgStore) -> PgStore:
        """Another connection to the same store."""
        return type(self)(self._url, readonly=self.readonly)

    # -- crawl state written with records (Store._crawl_changes runs the shared SQL) -----------------

    _SORTED_CRAWL_ROWS = True

    def write_crawl_batch(self: PgStore, records, *, source: str, state=None, push=(), done=(), validators=(),
                          worker: str | None = None) -> dict[str, int]:
        """See :meth:`influence.store.Store.write_crawl_batch`. Retried on a deadlock with another
        worker (each attempt is one transaction, so a retry writes nothing twice)."""
        psycopg = psycopg_module()
        records = list(records)
        state = dict(state or {})
        push, done, validators = list(push), list(done), list(validators)

        def after() -> None:
            self._crawl_changes(source, state, push, done, validators)

        for attempt in range(8):
            try:
                return self._write(self._fill(records), False, after)
            except (psycopg.errors.DeadlockDetected, psycopg.errors.SerializationFailure,
                    psycopg.errors.UniqueViolation):
                # two workers inserting the same new actors/keys at once: one transaction lost,
                # nothing of it was written; again
                if attempt == 7:
                    raise
                time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")  # pragma: no cover

    def _push(self: PgStore, source: str, push) -> None:
        # a URL another worker has visited meanwhile is not queued again
        self._conn.executemany(
            "INSERT INTO crawl_frontier(source, url, depth, seq) SELECT ?, ?, ?, ? "
            "WHERE NOT EXISTS (SELECT 1 FROM crawl_visited WHERE source = ? AND url = ?) "
            "ON CONFLICT (source, url) DO NOTHING",
            [(source, u, d, s, source, u) for u, d, s in sorted(push)])


def worker_name() -> str:
    """``host:pid``: names a crawl worker in ``crawl_workers`` and in frontier leases."""
    return f"{socket.gethostname()}:{os.getpid()}"
