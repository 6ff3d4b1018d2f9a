"""What every store back end shares: choosing the back end, masking URLs, batching records, the
fingerprint.

:func:`open_store` is the one place a store is opened from a path or URL: a SQLite file (the
embedded default, :class:`influence.store.Store`) or a PostgreSQL database given by a
``postgresql://`` URL (:class:`influence.store.PgStore`, needs ``pip install
'influence[postgres]'``). Both back ends turn records into rows with :class:`RowBatch` and hash
their contents with :func:`hash_rows`, so the same records give the same fingerprint in either.

Passwords never leave this process: :func:`mask_url` replaces the password of a URL before it is
shown, logged or written anywhere (``Store.path`` of a PostgreSQL store is the masked URL). Give
the password through ``PGPASSWORD`` or ``~/.pgpass`` (libpq reads both) rather than in the URL.

Examples
--------
>>> mask_url("postgresql://ana:s3cret@db.example/coffee")
'postgresql://ana:***@db.example/coffee'
>>> is_store_url("postgresql://ana@db.example/coffee"), is_store_url("coffee.db")
(True, False)
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Container, Iterable
from itertools import islice
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from .errors import StoreError
from .records import Actor, Interaction, Post, SameAs

__all__ = ["FINGERPRINT_QUERIES", "STORE_ENV", "RowBatch", "copy_store", "hash_rows", "is_store_url", "mask_url",
           "open_store"]

#: Environment variable naming the store of every sector file (overrides its ``store =`` key),
#: e.g. ``INFLUENCE_STORE=postgresql://crawler@db.example/coffee``.
STORE_ENV = "INFLUENCE_STORE"

_URL_SCHEMES = ("postgresql://", "postgres://")

#: The queries whose rows the fingerprint hashes, in SQL both back ends run (the PostgreSQL
#: schema declares its text columns ``COLLATE "C"``, which orders by code point like SQLite).
FINGERPRINT_QUERIES = (
    "SELECT id, name, url, followers, competitor, language, bio FROM actors ORDER BY id",
    """SELECT p.id, a.id, p.ts, p.text, p.title, p.url, p.language, p.likes, p.reshares,
              p.replies, p.parent, p.format, p.tags
       FROM posts p JOIN actors a ON a.num = p.author ORDER BY p.id""",
    """SELECT a.id, b.id, i.kind, i.ts, i.post, i.weight, i.rel FROM interactions i
       JOIN actors a ON a.num = i.src JOIN actors b ON b.num = i.dst
       ORDER BY a.id, b.id, i.kind, coalesce(i.ts, -1.0e300), coalesce(i.post, '')""",
    """SELECT x.id, y.id, l.evidence FROM identity_links l
       JOIN actors x ON x.num = l.a JOIN actors y ON y.num = l.b ORDER BY x.id, y.id""",
)


def is_store_url(spec: Any) -> bool:
    """True for a database URL (``postgresql://...``) rather than a file path."""
    return isinstance(spec, str) and spec.lower().startswith(_URL_SCHEMES)


def mask_url(url: str) -> str:
    """``url`` with its password (in the netloc or a ``password=`` parameter) replaced by ``***``.

    >>> mask_url("postgresql://u@h/db?password=x&sslmode=require")
    'postgresql://u@h/db?password=***&sslmode=require'
    """
    if not is_store_url(url):
        return url
    out = re.sub(r"^([a-zA-Z]+://[^:/@]*):[^@/]*@", r"\1:***@", url)
    return re.sub(r"([?&]password=)[^&]*", r"\1***", out)


def url_password(url: str) -> str | None:
    """The password written in a URL, if any (to scrub it from driver messages)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.password:
        return parts.password
    return dict(parse_qsl(parts.query)).get("password") or None


def open_store(spec: str | os.PathLike, *, readonly: bool = False):
    """Open a store: a SQLite file or ``":memory:"``, or a PostgreSQL ``postgresql://`` URL.

    Parameters
    ----------
    spec : str or path-like
    readonly : bool, default=False
        Never write (no schema creation or migration, no cached fingerprint).

    Returns
    -------
    Store or PgStore
        Both have the same methods (see docs/architecture.md, "Seams").

    Raises
    ------
    StoreError
        The store cannot be opened: a wrong or unreachable URL, a refused password (the message
        never holds the password), psycopg missing, a file that is not a store.
    SchemaVersionError
        The store was written by a newer influence.
    """
    text = os.fspath(spec)
    if is_store_url(text):
        from .store import PgStore

        return PgStore(text, readonly=readonly)
    from .store import Store

    return Store(text, readonly=readonly)


def hash_rows(tables: Iterable[Iterable[tuple]]) -> str:
    """SHA-256 over the rows of each table in turn: the store fingerprint.

    Each table starts with a separator byte and each row is its Python ``repr`` plus a newline,
    so both back ends give the same digest as long as they return the same Python values.
    """
    h = hashlib.sha256()
    for rows in tables:
        h.update(b"\x1e")
        it = iter(rows)
        # the same bytes as one update per row, hashed 10,000 rows at a time: the reprs are
        # joined in C instead of three Python calls per row (5M interactions: most of the time)
        while chunk := list(islice(it, 10_000)):
            h.update(("\n".join(map(repr, map(tuple, chunk))) + "\n").encode("utf-8"))
    return h.hexdigest()


class RowBatch:
    """Records turned into rows for one batch of a store write, with duplicates merged the way
    consecutive upserts would merge them (the back end then writes each key once).

    Parameters
    ----------
    sum_duplicates : bool
        As for :meth:`influence.store.Store.write`: interactions with the same key are summed
        (True) or the last one kept (False).

    Attributes
    ----------
    actors : dict
        ``{id: [id, platform, name, url, followers, competitor, language, bio]}`` in first-seen
        order; a later record fills in the fields it gives.
    bare : set of str
        Actor ids referenced by posts, interactions and identity links.
    posts : dict
        ``{id: [id, author, ts, text, title, url, language, likes, reshares, replies, parent,
        format, tags JSON]}``; a later record replaces the author, a non-empty text, and the
        other fields it gives.
    interactions : list
        ``(source, target, kind, ts, post, weight, rel)`` rows.
    links : dict
        ``{(a, b): evidence}``, the last evidence given.
    """

    def __init__(self, sum_duplicates: bool = True):
        self.sum_duplicates = sum_duplicates
        self.actors: dict[str, list] = {}
        self.bare: set[str] = set()
        self.posts: dict[str, list] = {}
        self.interactions: list[tuple] = []
        self.links: dict[tuple[str, str], str] = {}

    def __len__(self) -> int:
        return len(self.actors) + len(self.posts) + len(self.bare) + len(self.interactions)

    def add(self, rec: Actor | Post | Interaction | SameAs) -> None:
        if isinstance(rec, Interaction):
            self.interactions.append(
                (rec.source, rec.target, rec.kind.value, rec.timestamp, rec.post, rec.weight, rec.rel))
            self.bare.add(rec.source)
            self.bare.add(rec.target)
        elif isinstance(rec, Post):
            self._add_post(rec)
            self.bare.add(rec.author)
        elif isinstance(rec, SameAs):
            self.links[rec.pair] = rec.evidence
            self.bare.update(rec.pair)
        elif isinstance(rec, Actor):
            row = [rec.id, rec.platform, rec.name, rec.url, rec.followers, rec.competitor,
                   rec.language, rec.bio]
            old = self.actors.get(rec.id)
            if old is None:
                self.actors[rec.id] = row
            else:  # name, url, followers, competitor, language, bio: the new value unless None
                for i in range(2, 8):
                    if row[i] is not None:
                        old[i] = row[i]
        else:
            raise TypeError(f"cannot store {type(rec).__name__}: expected Actor, Post, Interaction or SameAs")

    def _add_post(self, p: Post) -> None:
        row = [p.id, p.author, p.timestamp, p.text, p.title, p.url, p.language, p.likes, p.reshares,
               p.replies, p.parent, p.format,
               json.dumps(list(p.tags), ensure_ascii=False) if p.tags else None]
        old = self.posts.get(p.id)
        if old is None:
            self.posts[p.id] = row
            return
        old[1] = row[1]
        if row[3] != "":
            old[3] = row[3]
        for i in (2, 4, 5, 6, 7, 8, 9, 10, 11, 12):
            if row[i] is not None:
                old[i] = row[i]

    def bare_rows(self, known: Container[str] = ()) -> list[tuple[str, str]]:
        """``(id, platform)`` of the referenced actors not in ``known``, sorted by id."""
        # split_actor_id(a)[0], inlined: a million-actor import calls it a million times
        ids = self.bare if not known else [a for a in self.bare if a not in known]
        return [(a, a.partition(":")[0] if ":" in a else "") for a in sorted(ids)]

    def clear_rows(self) -> None:
        """Forget actors, posts and bare actors once written (interactions and links are written
        at the end of the call)."""
        self.actors.clear()
        self.bare.clear()
        self.posts.clear()
        if self.sum_duplicates:
            self.interactions.clear()

    def last_interactions(self) -> list[tuple]:
        """The interactions with duplicates of a key reduced to the last one (``sum_duplicates=False``)."""
        return list({(r[0], r[1], r[2], r[3], r[4]): r for r in self.interactions}.values())


def scrub(message: str, url: str) -> str:
    """A driver's error message with the URL's password and the URL itself masked."""
    password = url_password(url)
    if password:
        message = message.replace(password, "***")
    return message.replace(url, mask_url(url))


def check_url(url: str) -> None:
    """Refuse a URL that names no database before trying to connect."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        raise StoreError(f"{mask_url(url)}: not a valid PostgreSQL URL ({exc})") from None
    if not parts.path.strip("/") and "dbname=" not in parts.query:
        raise StoreError(f"{mask_url(url)}: the URL names no database "
                         "(postgresql://USER@HOST/DBNAME)")


def copy_store(src, dst, *, log=None) -> dict[str, int]:
    """Copy one store into another, empty one, in one transaction: see
    :func:`influence.store.copy_store`."""
    from .store import copy_store as copy

    return copy(src, dst, log=log)
