"""What every export reader shares: replies resolved against the posts read so far and the store
(:class:`Refs`), the unused fields (:class:`Fields`), the counts of the report."""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ..records import Interaction

#: Posts whose authors are kept in memory to resolve replies (older ones are looked up in the
#: store, which has them by then: the store writes in batches of ``WRITE_BATCH`` = 10,000).
RECENT_POSTS = 50_000
#: References to posts not seen yet that wait for the end of the file; beyond, they are counted
#: as unresolved at once.
MAX_PENDING = 200_000
#: About how many distinct field names are collected to list the unused ones (5 x this, at most).
MAX_IGNORED = 60

DELETED = object()  # a post whose author was deleted
_PLURAL = {"reply": "replies", "quote": "quotes", "reshare": "reshares"}


def bump(d: dict, key: str, n: int = 1) -> None:
    d[key] = d.get(key, 0) + n


class Refs:
    """Post id -> author, for the posts read so far (the last :data:`RECENT_POSTS`) and the store;
    plus the references that wait for a post later in the file."""

    def __init__(self, post_author: Callable[[str], str | None] | None, rep) -> None:
        self.recent: OrderedDict[str, Any] = OrderedDict()
        self.lookup = post_author
        self.pending: list[tuple] = []
        self.rep = rep

    def add(self, pid: str, author: Any) -> bool:
        """Remember a post; False when it was seen a moment ago (a duplicate line)."""
        if pid in self.recent:
            self.recent.move_to_end(pid)
            return False
        self.recent[pid] = author
        if len(self.recent) > RECENT_POSTS:
            self.recent.popitem(last=False)
        return True

    def author(self, pid: str) -> Any:
        """The author id, :data:`DELETED`, or ``None`` when unknown."""
        if pid in self.recent:
            return self.recent[pid]
        if self.lookup is not None:
            return self.lookup(pid)
        return None

    def link(self, source: str, pid: str, kind: str, ts, post: str | None, what: str) -> Iterator[Interaction]:
        """``source -> author of pid`` now, or at the end of the file when pid is not known yet."""
        target = self.author(pid)
        if target is DELETED:
            bump(self.rep.unresolved, f"{_PLURAL[what]} to a post whose author was deleted")
        elif target is not None:
            if target != source:
                yield self.emit(Interaction(source, target, kind, ts, post))
        elif len(self.pending) < MAX_PENDING:
            self.pending.append((source, pid, kind, ts, post, what))
        else:
            bump(self.rep.unresolved, f"{_PLURAL[what]} to a post in neither the file nor the store")

    def emit(self, rec: Interaction) -> Interaction:
        bump(self.rep.by_kind, rec.kind.value)
        return rec

    def finish(self) -> Iterator[Interaction]:
        """The waiting references whose posts came later in the file; the rest are counted."""
        pending, self.pending = self.pending, []
        for source, pid, kind, ts, post, what in pending:
            target = self.author(pid)
            if target is DELETED:
                bump(self.rep.unresolved, f"{_PLURAL[what]} to a post whose author was deleted")
            elif target is None:
                bump(self.rep.unresolved, f"{_PLURAL[what]} to a post in neither the file nor the store")
            elif target != source:
                yield self.emit(Interaction(source, target, kind, ts, post))


class Fields:
    """Top-level field names seen, to list the unused ones in the report (bounded)."""

    def __init__(self, used: Iterable[str]) -> None:
        self.used = set(used)
        self.seen: set[str] = set()

    def see(self, obj: dict) -> None:
        if len(self.seen) < 5 * MAX_IGNORED:
            self.seen.update(k for k in obj if isinstance(k, str))

    def unused(self) -> list[str]:
        return sorted(self.seen - self.used)


def as_int(v: Any) -> int | None:
    """A count from JSON or a CSV cell (``None`` when absent or not a number)."""
    if v is None or isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return int(v) if math.isfinite(v) and abs(v) < 2**63 else None
    try:
        f = float(str(v).strip())
    except ValueError:
        return None
    return int(f) if math.isfinite(f) and abs(f) < 2**63 else None
