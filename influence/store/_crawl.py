"""Crawl state in the SQLite store: each source's key/value state, the web crawler's frontier,
visited set and HTTP validators, written with the records of a crawl batch in one transaction.
Mixed into :class:`~influence.store.Store`."""

from __future__ import annotations

import json
from collections.abc import Iterable

from ..errors import StoreError
from ..records import Actor, Interaction, Post, SameAs

__all__ = ["CrawlState"]


class CrawlState:
    """The crawl state methods of :class:`~influence.store.Store` (needs ``self._conn``,
    ``self.transaction`` and ``self.write``)."""

    # -- crawl state -------------------------------------------------------------------------------
    # Used by influence.crawl (state.SourceState and the runner). A source's key/value state lives
    # in crawl_state; the web crawler's frontier, visited set and HTTP validators in crawl_*.

    def crawl_state(self, source: str) -> dict:
        """``{key: JSON text}`` of one source's key/value state."""
        return dict(self._conn.execute("SELECT key, value FROM crawl_state WHERE source = ?", (source,)))

    def crawl_state_all(self, key: str) -> dict[str, str]:
        """``{source: JSON text}`` of one key over every source (e.g. feeds discovered by web sources)."""
        return dict(self._conn.execute("SELECT source, value FROM crawl_state WHERE key = ?", (key,)))

    def crawl_frontier(self, source: str) -> list[tuple[str, int, int]]:
        """The queued URLs of a source as ``(url, depth, seq)``, in the order they were queued."""
        return self._conn.execute(
            "SELECT url, depth, seq FROM crawl_frontier WHERE source = ? ORDER BY seq", (source,)
        ).fetchall()

    def crawl_visited(self, source: str) -> dict[str, str]:
        """``{url: status}`` of the URLs a source has visited."""
        return dict(self._conn.execute("SELECT url, status FROM crawl_visited WHERE source = ?", (source,)))

    def crawl_validators(self, source: str, url: str) -> tuple[str | None, str | None, str | None]:
        """``(etag, last_modified, links JSON)`` saved for a URL, or ``(None, None, None)``."""
        row = self._conn.execute(
            "SELECT etag, last_modified, links FROM crawl_http WHERE source = ? AND url = ?", (source, url)
        ).fetchone()
        return tuple(row) if row else (None, None, None)

    def crawl_sources(self) -> dict[str, tuple[int, int]]:
        """``{source: (queued, visited)}`` for every source with a frontier or visited URLs."""
        out: dict[str, list[int]] = {}
        for src, n in self._conn.execute("SELECT source, count(*) FROM crawl_frontier GROUP BY source"):
            out.setdefault(src, [0, 0])[0] = n
        for src, n in self._conn.execute("SELECT source, count(*) FROM crawl_visited GROUP BY source"):
            out.setdefault(src, [0, 0])[1] = n
        return {k: (v[0], v[1]) for k, v in sorted(out.items())}

    def crawl_runs(self) -> dict[str, tuple[str | None, str | None]]:
        """``{source: (first, last)}``: when each source was first and last crawled (ISO 8601, UTC).

        Written by :func:`influence.crawl.runner.run_crawl` at the end of every source's run.
        """
        out: dict[str, list[str | None]] = {}
        for src, key, value in self._conn.execute(
            "SELECT source, key, value FROM crawl_state WHERE key IN ('run.first', 'run.last')"
        ):
            out.setdefault(src, [None, None])[0 if key == "run.first" else 1] = json.loads(value)
        return {k: (v[0], v[1]) for k, v in sorted(out.items())}

    def reset_crawl(self, source: str) -> None:
        """Forget a source's frontier and visited set (a fresh crawl); state and validators stay,
        so the fresh crawl sends conditional requests."""
        with self.transaction() as conn:
            conn.execute("DELETE FROM crawl_frontier WHERE source = ?", (source,))
            conn.execute("DELETE FROM crawl_visited WHERE source = ?", (source,))

    def write_crawl_batch(
        self,
        records: Iterable[Actor | Post | Interaction | SameAs],
        *,
        source: str,
        state: dict[str, str | None] | None = None,
        push: Iterable[tuple[str, int, int]] = (),
        done: Iterable[tuple[str, str, float]] = (),
        validators: Iterable[tuple[str, str | None, str | None, str | None]] = (),
    ) -> dict[str, int]:
        """Write records and a source's crawl state changes in **one** transaction.

        Parameters
        ----------
        records : iterable of records
            As for :meth:`write`.
        source : str
            The source's name.
        state : dict, optional
            ``{key: JSON text}`` to set (``None`` deletes the key).
        push : iterable of (url, depth, seq)
            URLs added to the frontier.
        done : iterable of (url, status, fetched)
            URLs visited: removed from the frontier, added to the visited set.
        validators : iterable of (url, etag, last_modified, links JSON)

        Returns
        -------
        dict
            New rows, as :meth:`write` returns.
        """
        state = dict(state or {})
        push, done, validators = list(push), list(done), list(validators)

        def with_state():
            yield from records
            # write() consumes the records inside its transaction (documented there): these
            # statements run in that same transaction, so the state is durable with the records.
            if not self._conn.in_transaction:  # pragma: no cover - guards a change to write()
                raise StoreError("write_crawl_batch: write() no longer consumes records in its transaction")
            self._crawl_changes(source, state, push, done, validators)

        # a crawler that sees the same event twice in a batch (a page fetched again after a
        # resume) has seen one event: keep one, whatever the batching
        return self.write(with_state(), sum_duplicates=False)

    #: Whether crawl state rows are written in sorted order (a back end with concurrent writers
    #: takes its row locks in one order, so two of them do not deadlock).
    _SORTED_CRAWL_ROWS = False

    def _crawl_changes(self, source: str, state: dict[str, str | None] | None = None,
                       push: Iterable[tuple[str, int, int]] = (), done: Iterable[tuple[str, str, float]] = (),
                       validators: Iterable[tuple[str, str | None, str | None, str | None]] = ()) -> None:
        """Write a source's crawl state changes (as :meth:`write_crawl_batch` takes them) in the
        write transaction that is open: both back ends run this SQL (PostgreSQL through its
        ``?`` adapter), each queuing URLs with its own :meth:`_push`."""
        conn = self._conn
        order = sorted if self._SORTED_CRAWL_ROWS else list
        state = dict(state or {})
        done, validators = order(done), order(validators)
        conn.executemany(
            "INSERT INTO crawl_state(source, key, value) VALUES (?, ?, ?) "
            "ON CONFLICT(source, key) DO UPDATE SET value = excluded.value",
            [(source, k, v) for k, v in order(state.items()) if v is not None],
        )
        conn.executemany(
            "DELETE FROM crawl_state WHERE source = ? AND key = ?",
            [(source, k) for k, v in state.items() if v is None],
        )
        self._push(source, push)
        conn.executemany("DELETE FROM crawl_frontier WHERE source = ? AND url = ?",
                         [(source, u) for u, _, _ in done])
        conn.executemany(
            "INSERT INTO crawl_visited(source, url, status, fetched) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(source, url) DO UPDATE SET status = excluded.status, fetched = excluded.fetched",
            [(source, u, st, t) for u, st, t in done],
        )
        conn.executemany(
            "INSERT INTO crawl_http(source, url, etag, last_modified, links) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT(source, url) DO UPDATE SET etag = excluded.etag, "
            "last_modified = excluded.last_modified, links = excluded.links",
            [(source, u, e, lm, ln) for u, e, lm, ln in validators],
        )

    def _push(self, source: str, push: Iterable[tuple[str, int, int]]) -> None:
        """Queue URLs (``(url, depth, seq)``) in the open write transaction; one already queued
        keeps its place."""
        self._conn.executemany(
            "INSERT OR IGNORE INTO crawl_frontier(source, url, depth, seq) VALUES (?, ?, ?, ?)",
            [(source, u, d, s) for u, d, s in push],
        )
