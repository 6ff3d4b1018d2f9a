"""``influence store copy``: every record, the crawl state and the metadata of one store copied
into another, empty one (SQLite to PostgreSQL or back), in one transaction of the destination."""

from __future__ import annotations

from ..errors import StoreError

__all__ = ["copy_store"]


def _raw(store, sql: str) -> list[tuple]:
    # both back ends run the SQLite store's SQL through ``_conn.execute`` (PostgreSQL: an adapter)
    return list(store._conn.execute(sql))


def copy_store(src, dst, *, log=None) -> dict[str, int]:
    """Copy every record, the crawl state and the metadata of store ``src`` into the empty store
    ``dst`` (SQLite to PostgreSQL or back); return ``dst``'s counts.

    All of it is written in **one** transaction of ``dst``: a copy that fails (a lost connection,
    Ctrl-C, a full disk) leaves ``dst`` as it was, empty. Afterwards both stores have the same
    :meth:`~influence.store.Store.fingerprint` (the caller checks it).

    Raises
    ------
    StoreError
        ``dst`` already holds records or crawl state.
    """
    held = {k: v for k, v in dst.counts().items() if v}
    if held or _raw(dst, "SELECT count(*) FROM crawl_state")[0][0]:
        what = ", ".join(f"{v:,} {k}" for k, v in held.items()) or "crawl state"
        raise StoreError(f"{dst.path}: already holds {what}; copy into an empty store")

    state: dict[str, dict] = {}
    for source, key, value in _raw(src, "SELECT source, key, value FROM crawl_state"):
        state.setdefault(source, {})[key] = value
    frontier: dict[str, list] = {}
    for source, url, depth, seq in _raw(src, "SELECT source, url, depth, seq FROM crawl_frontier"):
        frontier.setdefault(source, []).append((url, depth, seq))
    visited: dict[str, list] = {}
    for source, url, status, fetched in _raw(src, "SELECT source, url, status, fetched FROM crawl_visited"):
        visited.setdefault(source, []).append((url, status, fetched))
    http: dict[str, list] = {}
    for source, url, etag, modified, links in _raw(
            src, "SELECT source, url, etag, last_modified, links FROM crawl_http"):
        http.setdefault(source, []).append((url, etag, modified, links))
    meta = [(k, v) for k, v in _raw(src, "SELECT key, value FROM meta") if k not in ("fingerprint", "generation")]

    def everything():
        yield from src.actors()
        yield from src.posts()
        yield from src.interactions()
        yield from src.identity_links()
        # write() consumes its records inside its one transaction, in both back ends: what runs
        # here, after the last record, is part of that transaction
        crawl_state_and_meta()

    def crawl_state_and_meta() -> None:
        if not dst._conn.in_transaction:  # pragma: no cover - guards a change to write()
            raise StoreError("copy_store: write() no longer consumes records in its transaction")
        for source in sorted(set(state) | set(frontier) | set(visited) | set(http)):
            # visited first, then the frontier: a push skips URLs already visited
            dst._crawl_changes(source, state.get(source), done=visited.get(source, ()),
                               validators=http.get(source, ()))
            dst._crawl_changes(source, push=frontier.get(source, ()))
        for key, value in meta:
            dst._put_meta(key, value)

    counts = dst.write(everything())  # interaction keys are unique in src: summing changes nothing
    if log:
        log(f"records: {', '.join(f'{v:,} {k}' for k, v in counts.items())}")
        for source in sorted(set(state) | set(frontier) | set(visited) | set(http)):
            log(f"crawl state of {source}: {len(frontier.get(source, ()))} queued, "
                f"{len(visited.get(source, ()))} visited")
    return dst.counts()
