"""The SQLite schema and its migrations (``PRAGMA user_version``), and the conventions the
stored rows follow in both back ends (unknown and out-of-range timestamps)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from ..records import TIMESTAMP_MAX, TIMESTAMP_MIN

__all__ = ["ACTOR_MERGE", "INTERACTION_KEY", "INTERACTION_MERGE", "LINK_MERGE", "MIGRATIONS", "NO_TS",
           "POST_MERGE", "SCHEMA_VERSION", "TS_OK", "ts_ok"]

# How a write merges a row with the stored one of the same key: the ``DO UPDATE SET`` of both back
# ends' upserts (SQL both SQLite and PostgreSQL read; ``excluded`` is the row written).

#: Actors: a field written replaces the stored one, ``None`` keeps it.
ACTOR_MERGE = ", ".join(f"{c} = coalesce(excluded.{c}, actors.{c})"
                        for c in ("name", "url", "followers", "competitor", "language", "bio"))
#: Posts: likewise, and the author is always the one written, an empty text keeps the stored one.
POST_MERGE = ("author = excluded.author, ts = coalesce(excluded.ts, posts.ts), "
              "text = CASE WHEN excluded.text <> '' THEN excluded.text ELSE posts.text END, "
              + ", ".join(f"{c} = coalesce(excluded.{c}, posts.{c})" for c in (
                  "title", "url", "language", "likes", "reshares", "replies", "parent", "format", "tags")))
#: Identity links: a non-empty evidence replaces the stored one.
LINK_MERGE = ("evidence = CASE WHEN excluded.evidence <> '' THEN excluded.evidence "
              "ELSE identity_links.evidence END")
#: Interactions: the weight written replaces the stored one (writing a file again changes
#: nothing), and so does a ``rel`` given.
#: The interactions' unique key: the columns of the schema's ``interactions_key`` index.
INTERACTION_KEY = "src, dst, kind, ifnull(ts, -1.0e300), ifnull(post, '')"
INTERACTION_MERGE = "weight = excluded.weight, rel = coalesce(excluded.rel, interactions.rel)"

# Unknown timestamps are NULL in the table; the unique key folds them to this sentinel because SQL
# NULLs are all distinct in a UNIQUE index, which would make every timeless row "new".
NO_TS = -1.0e300

# Stored timestamps outside the accepted range (records.TIMESTAMP_MIN/MAX), written by versions
# that did not check it, are read as unknown (NULL) with a StoredDataWarning; see docs/safety.md.
TS_OK = f"(ts >= {TIMESTAMP_MIN!r} AND ts < {TIMESTAMP_MAX!r})"


def ts_ok(ts: float | None) -> bool:
    return ts is None or TIMESTAMP_MIN <= ts < TIMESTAMP_MAX


def _script(conn: sqlite3.Connection, sql: str) -> None:
    # Not executescript(): it COMMITs first, which would break the migration's transaction.
    for statement in sql.split(";"):
        if statement.strip():
            conn.execute(statement)


def _v1(conn: sqlite3.Connection) -> None:
    _script(
        conn,
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
        CREATE TABLE actors (
            num        INTEGER PRIMARY KEY,
            id         TEXT NOT NULL UNIQUE,
            platform   TEXT NOT NULL,
            name       TEXT,
            url        TEXT,
            followers  INTEGER,
            competitor TEXT,
            language   TEXT,
            bio        TEXT
        );
        CREATE TABLE posts (
            id        TEXT PRIMARY KEY,
            author    INTEGER NOT NULL REFERENCES actors(num),
            ts        REAL,
            text      TEXT NOT NULL DEFAULT '',
            title     TEXT,
            url       TEXT,
            language  TEXT,
            likes     INTEGER,
            reshares  INTEGER,
            replies   INTEGER,
            parent    TEXT,
            format    TEXT
        );
        CREATE INDEX posts_author ON posts(author);
        CREATE TABLE interactions (
            src    INTEGER NOT NULL REFERENCES actors(num),
            dst    INTEGER NOT NULL REFERENCES actors(num),
            kind   TEXT NOT NULL,
            ts     REAL,
            post   TEXT,
            weight REAL NOT NULL DEFAULT 1.0
        );
        CREATE UNIQUE INDEX interactions_key
            ON interactions(src, dst, kind, ifnull(ts, -1.0e300), ifnull(post, ''));
        CREATE INDEX interactions_dst ON interactions(dst);
        CREATE TABLE crawl_state (
            source  TEXT NOT NULL,
            key     TEXT NOT NULL,
            value   TEXT,
            PRIMARY KEY (source, key)
        );
        """
    )


def _v2_identity(conn: sqlite3.Connection) -> None:
    _script(
        conn,
        """
        CREATE TABLE identity_links (
            a        INTEGER NOT NULL REFERENCES actors(num),
            b        INTEGER NOT NULL REFERENCES actors(num),
            evidence TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (a, b)
        )
        """,
    )


def _v3_crawl(conn: sqlite3.Connection) -> None:
    # The web crawler's frontier (queued URLs, in breadth-first order by seq), the URLs it has
    # visited, and per page the HTTP validators (ETag, Last-Modified) plus the links to follow,
    # so a re-crawl that gets 304 Not Modified still knows where to go next.
    _script(
        conn,
        """
        CREATE TABLE crawl_frontier (
            source TEXT NOT NULL,
            url    TEXT NOT NULL,
            depth  INTEGER NOT NULL,
            seq    INTEGER NOT NULL,
            PRIMARY KEY (source, url)
        );
        CREATE INDEX crawl_frontier_order ON crawl_frontier(source, seq);
        CREATE TABLE crawl_visited (
            source  TEXT NOT NULL,
            url     TEXT NOT NULL,
            status  TEXT,
            fetched REAL,
            PRIMARY KEY (source, url)
        );
        CREATE TABLE crawl_http (
            source        TEXT NOT NULL,
            url           TEXT NOT NULL,
            etag          TEXT,
            last_modified TEXT,
            links         TEXT,
            PRIMARY KEY (source, url)
        )
        """,
    )


def _v4_attributes(conn: sqlite3.Connection) -> None:
    # link qualifiers (rel=nofollow/sponsored/ugc) and post tags/categories
    conn.execute("ALTER TABLE interactions ADD COLUMN rel TEXT")
    conn.execute("ALTER TABLE posts ADD COLUMN tags TEXT")


#: Migrations, in order. ``MIGRATIONS[i]`` takes a store from version ``i`` to ``i + 1``.
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_v1, _v2_identity, _v3_crawl, _v4_attributes]

#: The schema version this code writes.
SCHEMA_VERSION = len(MIGRATIONS)
