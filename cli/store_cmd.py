"""``influence store``: move a sector's store between SQLite and PostgreSQL."""

from __future__ import annotations

import os

import click

from ._common import UserError, echo_err, quiet_option, translate_errors


@click.group("store")
def store_group() -> None:
    """Manage a sector's store (SQLite file or PostgreSQL database).

    \b
    Example:
      influence store copy coffee.db postgresql://crawler@db.example/coffee
    """


def _store_spec(spec: str) -> str:
    """A store path or URL; a sector file gives its store."""
    if spec.lower().endswith(".toml"):
        from influence.sector import load_sector

        sector = translate_errors(lambda: load_sector(spec))
        return sector.store_url or sector.store_path
    return spec


@store_group.command("copy")
@click.argument("src")
@click.argument("dst")
@quiet_option
def copy_cmd(src: str, dst: str, quiet: bool) -> None:
    """Copy the store SRC into the new or empty store DST, with identical fingerprints.

    SRC and DST are SQLite files, postgresql:// URLs or sector files (their store). Records,
    crawl state (frontier, visited, HTTP validators) and metadata are copied; SRC is opened
    read-only. DST must hold nothing yet. The copy is one transaction of DST: a copy that fails
    leaves DST empty (a new SQLite DST is removed again). Give PostgreSQL passwords with
    PGPASSWORD or ~/.pgpass: URLs are shown masked.

    \b
    Example:
      influence store copy coffee.db postgresql://crawler@db.example/coffee
      influence store copy postgresql://crawler@db.example/coffee coffee-copy.db
    """
    from influence.store import copy_store, is_store_file, is_store_url, mask_url, open_store

    src_spec, dst_spec = _store_spec(src), _store_spec(dst)
    if src_spec == dst_spec or (not is_store_url(src_spec) and not is_store_url(dst_spec)
                                and os.path.exists(dst_spec) and os.path.samefile(src_spec, dst_spec)):
        raise UserError(f"{mask_url(dst)}: SRC and DST are the same store")
    source = translate_errors(lambda: open_store(src_spec, readonly=True))
    new_file = not is_store_url(dst_spec) and not os.path.exists(dst_spec)
    if not is_store_url(dst_spec) and os.path.exists(dst_spec) and os.path.getsize(dst_spec) > 0 \
            and not is_store_file(dst_spec):
        source.close()
        raise UserError(f"{dst_spec}: exists and is not a store; choose a new file")
    try:
        target = translate_errors(lambda: open_store(dst_spec))
        try:
            counts = translate_errors(lambda: copy_store(
                source, target, log=None if quiet else (lambda line: echo_err(f"  {line}"))))
            before, after = source.fingerprint(), target.fingerprint()
        finally:
            target.close()
    except BaseException:
        if new_file:
            for suffix in ("", "-wal", "-shm"):
                try:
                    os.remove(dst_spec + suffix)
                except FileNotFoundError:
                    pass
        raise
    finally:
        source.close()
    if before != after:  # pragma: no cover - a bug, not the user's input
        raise click.ClickException(f"the copy's fingerprint {after[:12]} differs from {before[:12]}")
    echo_err(f"Copied {mask_url(src_spec)} -> {mask_url(dst_spec)}: "
             + ", ".join(f"{v:,} {k}" for k, v in counts.items()) + f"; fingerprint {after[:16]} (same)", quiet)
