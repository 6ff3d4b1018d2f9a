"""Shared CLI plumbing: error mapping, output formats, sector and config options.

Only click and the light parts of influence are imported here, so ``influence --help`` stays fast.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

import click

from influence.errors import (
    ConfigError,
    EmptyGraphError,
    InfluenceError,
    InputDataError,
    StoreError,
)

OUTPUT_FORMATS = ("table", "csv", "json", "jsonl")


class UserError(click.ClickException):
    """Bad input from the user: one line on stderr, exit code 2 (like click's UsageError)."""

    exit_code = 2


#: Our errors that are the user's input (exit 2); every other InfluenceError exits 1.
USER_ERRORS = (ConfigError, InputDataError, StoreError, EmptyGraphError)


def translate_errors(fn: Callable[[], Any]) -> Any:
    """Run ``fn``, mapping our errors to exit codes: the user's input 2, other failures 1.

    A store another process kept locked past the wait (a raw SQLite "database is locked" too)
    is exit 2 with one line. Ctrl-C is left to :func:`interrupted` (exit 130).
    """
    import sqlite3

    try:
        return fn()
    except USER_ERRORS as exc:
        raise UserError(str(exc)) from None
    except InfluenceError as exc:
        raise click.ClickException(str(exc)) from None
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise UserError("the store is busy: another influence process is writing; try again") from None
        raise


#: Exit code of a command stopped by Ctrl-C (128 + SIGINT, as shells report it).
EXIT_INTERRUPTED = 130


def interrupted() -> None:
    """Say "Interrupted." on stderr and exit 130 (raises click's Exit)."""
    click.echo("Interrupted.", err=True)
    raise click.exceptions.Exit(EXIT_INTERRUPTED)


def echo_err(message: str, ctx_quiet: bool = False) -> None:
    """A message for the person at the terminal (stderr), unless --quiet."""
    if not ctx_quiet:
        click.echo(message, err=True)


def warn_unmatched_handles(sector, node_ids, quiet: bool) -> None:
    """One ``Warning:`` line on stderr per declared competitor handle that no stored actor has
    (a typo silently does nothing: the brand's real account would be ranked as anyone else).
    ``node_ids`` (the graph's nodes; None: the store is asked for the declared handles) settles
    the usual case; only a handle missing from them (a typo, or an account merged into another
    node) has every stored actor read, for the near matches."""
    if not sector.competitors:
        return
    from influence.competitors import unmatched_handles

    if node_ids is None:  # no graph at hand: the declared handles that are stored
        node_ids = sector.store.actor_attributes([h for c in sector.competitors for h in c.handles])
    if not unmatched_handles(sector.competitors, map(str, node_ids)):
        return
    for miss in unmatched_handles(sector.competitors, (a.id for a in sector.store.actors())):
        echo_err(f"Warning: {miss.message()}", quiet)


# -- options ---------------------------------------------------------------------------------------


def output_options(default_top: int | None) -> Callable:
    """``--format``, ``--top`` and ``-o/--output`` for every tabular command (no ``--top`` when
    ``default_top`` is None: commands whose rows are not a ranking)."""

    def decorator(f: Callable) -> Callable:
        f = click.option(
            "-o", "--output", type=click.Path(dir_okay=False, writable=True), default=None,
            help="Write to this file instead of stdout (a FILE.manifest.json is written beside it).",
        )(f)
        if default_top is not None:
            f = click.option(
                "--top", type=click.IntRange(min=0), default=default_top, show_default=True,
                help="How many actors to list; 0 lists all.",
            )(f)
        f = click.option(
            "-f", "--format", "fmt", type=click.Choice(OUTPUT_FORMATS), default=None,
            help="Output format. Default: table on a terminal, json otherwise.",
        )(f)
        return f

    return decorator


def config_options(f: Callable) -> Callable:
    """``--config FILE`` and repeatable ``--set key=value``."""
    f = click.option(
        "--set", "assignments", multiple=True, metavar="KEY=VALUE",
        help="Override one ranking parameter, e.g. --set measures.pagerank=0.5 --set pagerank.alpha=0.9 "
             "(repeatable; see docs/ranking.md for the keys).",
    )(f)
    f = click.option(
        "--config", "config_file", type=click.Path(dir_okay=False), default=None,
        help="TOML file with ranking parameters (a [ranking] table, or the keys at top level).",
    )(f)
    return f


def quiet_option(f: Callable) -> Callable:
    return click.option("-q", "--quiet", is_flag=True, help="Print no progress or summary on stderr.")(f)


def resolve_config(base, config_file: str | None, assignments: Sequence[str], seed: int | None = None):
    """sector's [ranking] -> --config file -> --set overrides -> --seed."""
    from influence.config import RankingConfig, load_toml

    cfg = base if base is not None else RankingConfig()
    if config_file is not None:
        if not os.path.exists(config_file):
            raise UserError(f"{config_file}: no such config file")
        try:
            data = load_toml(config_file)
        except ValueError as exc:
            raise UserError(f"{config_file}: invalid TOML: {exc}") from None
        table = data.get("ranking", data)
        try:
            cfg = cfg.with_values(_flatten_table(table))
        except ConfigError as exc:
            raise UserError(f"{os.path.basename(config_file)}: {exc}") from None
    if assignments:
        try:
            cfg = cfg.with_overrides(assignments)
        except ConfigError as exc:
            raise UserError(f"--set: {exc}") from None
    if seed is not None:
        cfg = cfg.with_values({"seed": seed})
    return cfg


def _flatten_table(table) -> dict:
    from influence.config import flatten

    if not isinstance(table, dict):
        raise UserError("the [ranking] config must be a table")
    return flatten(table)


def start_threads_without_sigint() -> None:
    """Import numpy and scipy's graph routines with SIGINT blocked, so that the threads their
    BLAS libraries start (one per extra core, for the life of the process) never take a Ctrl-C.

    A Ctrl-C is sent to the process, and the kernel hands it to any thread that does not block
    it. While NetworKit's Louvain runs, influence blocks SIGINT in its own threads and reads it
    from the pending set (influence.communities._networkit.interruptible); a BLAS thread that
    took the signal instead ran NetworKit's handler, which forgets a Ctrl-C that comes after its
    last check: the command went on to the end (exit 0), or died of the signal (exit -2). Threads
    inherit the mask of the thread that starts them."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "pthread_sigmask"):
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        import numpy  # noqa: F401  (OpenBLAS's threads)
        import scipy.sparse.csgraph  # noqa: F401  (scipy's own OpenBLAS threads)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def open_sector_arg(spec: str, *, create: bool = False, readonly: bool | None = None, seed: int = 0):
    """Open a SECTOR argument; read-only unless ``create`` or ``readonly=False`` (see
    :func:`influence.sector.open_sector`): read commands never write to the store."""
    from influence.sector import open_sector

    start_threads_without_sigint()
    sector = translate_errors(lambda: open_sector(spec, create=create, readonly=readonly, seed=seed))
    # -o onto the store or the sector file would destroy weeks of crawling: refuse it now,
    # before the work (emit and the other writers check again when they write)
    protect_paths(*sector_files(sector))
    ctx = click.get_current_context(silent=True)
    if ctx is not None:
        protect_paths(*((ctx.params[name], f"the {flag} file") for name, flag in INPUT_PARAMS.items()
                        if isinstance(ctx.params.get(name), str) and os.path.isfile(ctx.params[name])))
    try:
        for name in OUTPUT_PARAMS:
            refuse_output(ctx.params.get(name) if ctx is not None else None)
    except UserError:
        sector.close()
        raise
    if ctx is not None and ctx.params.get("output") and sector.store is not None:
        # the result's manifest will need the store fingerprint: hashed beside the analysis
        from influence.manifest import prefetch_fingerprint

        prefetch_fingerprint(sector.store)
    return sector


# -- output paths that are refused -----------------------------------------------------------------

#: The command parameters that name a file the command writes.
OUTPUT_PARAMS = ("output", "save_config")
#: The command parameters that name a file the command reads (refused as outputs too).
INPUT_PARAMS = {"config_file": "--config", "grid_file": "--grid", "truth": "--truth",
                "sentiment_model": "--sentiment-model"}
_PROTECTED = "influence.protected_paths"
_SQLITE_MAGIC = b"SQLite format 3\x00"


def sector_files(sector) -> list[tuple[str, str]]:
    """``(path, what)`` of the files a sector lives in: its store with the store's ``-wal``,
    ``-shm`` and ``-journal`` files, and its sector file (none for the in-memory demo)."""
    out = []
    store = getattr(sector, "store_path", ":memory:")
    if store and store != ":memory:":
        out.append((store, "the sector's store"))
        out += [(store + s, f"the store's {s} file") for s in ("-wal", "-shm", "-journal")]
    if getattr(sector, "path", None) is not None:
        out.append((os.fspath(sector.path), "the sector file"))
    return out


def protect_paths(*paths: tuple[str, str]) -> None:
    """Refuse ``(path, what)`` as an output for the rest of this command (kept in click's
    context, so each invocation starts afresh)."""
    ctx = click.get_current_context(silent=True)
    if ctx is not None:
        ctx.meta.setdefault(_PROTECTED, []).extend(paths)


def refuse_output(output: str | None, protected: Sequence[tuple[str, str]] = ()) -> None:
    """The one rule for output paths: raise :class:`UserError` (exit 2) when ``output`` or its
    ``.manifest.json`` is, by path, symbolic link or hard link, the store of an opened sector,
    the store's ``-wal``/``-shm``/``-journal`` file, the sector file or any of ``protected``,
    or an existing SQLite database. ``None`` and ``-`` (stdout) pass.
    """
    if output is None or output == "-":
        return
    ctx = click.get_current_context(silent=True)
    guarded = list(protected) + (list(ctx.meta.get(_PROTECTED, ())) if ctx is not None else [])
    for candidate in (output, output + ".manifest.json"):
        for path, what in guarded:
            if _same_file(candidate, path):
                raise UserError(f"{output}: refusing to write over {what} ({path}); "
                                f"choose another output file")
        if _is_sqlite(candidate):
            raise UserError(f"{output}: refusing to write over a SQLite database (an influence store?); "
                            f"choose another output file")


def _same_file(a: str, b: str) -> bool:
    if os.path.realpath(a) == os.path.realpath(b):
        return True
    try:
        return os.path.samefile(a, b)  # hard links: same device and inode
    except OSError:
        return False


def _is_sqlite(path: str) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(len(_SQLITE_MAGIC)) == _SQLITE_MAGIC
    except OSError:
        return False


# -- writing rows ----------------------------------------------------------------------------------


def choose_format(fmt: str | None, output: str | None) -> str:
    if fmt is not None:
        return fmt
    if output is not None:
        ext = os.path.splitext(output)[1].lower().lstrip(".")
        return ext if ext in OUTPUT_FORMATS else "csv" if ext == "tsv" else "json"
    return "table" if sys.stdout.isatty() else "json"


def render(records: list[dict], columns: Sequence[str], fmt: str) -> str:
    """Render row dicts in a format. JSON keeps nested values; table/CSV show ``columns``."""
    if fmt == "json":
        return json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    if fmt == "csv":
        flat = [{c: spreadsheet_safe(_cell(r.get(c))) if isinstance(r.get(c), str) else _cell(r.get(c))
                 for c in columns} for r in records]
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=list(columns), lineterminator="\n")
        w.writeheader()
        w.writerows(flat)
        return buf.getvalue()
    return _table([{c: _cell(r.get(c)) for c in columns} for r in records], columns)


#: Characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """Neutralise a text cell of CSV meant for spreadsheets: one that begins with ``=``, ``+``,
    ``-``, ``@``, a tab or a carriage return gets a leading ``'`` (the OWASP rule), so
    ``=HYPERLINK(...)`` in an actor's name is shown, not run. Only text cells go through it
    (numbers such as ``-0.5`` are written as they are); JSON output stays raw.

    >>> [spreadsheet_safe(s) for s in ("=1+1", "@sum", "-x", "plain", "", "a=b")]
    ["'=1+1", "'@sum", "'-x", 'plain', '', 'a=b']
    """
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _cell(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.6g}"
    if isinstance(v, (dict, list)):
        return json.dumps(v, ensure_ascii=False)
    return v


def _table(rows: list[dict], columns: Sequence[str], max_width: int = 60) -> str:
    if not rows:
        return "(no rows)\n"
    texts = [[str(r[c]) for c in columns] for r in rows]
    widths = [min(max_width, max(len(c), *(len(t[i]) for t in texts))) for i, c in enumerate(columns)]
    # the last column (usually `why`) may run long: do not pad it, do not cut it
    def line(cells):
        out = []
        for i, cell in enumerate(cells):
            if i == len(cells) - 1:
                out.append(cell)
            else:
                cell = cell if len(cell) <= widths[i] else cell[: widths[i] - 1] + "…"
                out.append(cell.ljust(widths[i]))
        return "  ".join(out).rstrip()

    head = line(list(columns))
    rule = "  ".join("-" * w for w in widths[:-1] + [len(columns[-1])])
    return "\n".join([head, rule] + [line(t) for t in texts]) + "\n"


def emit(text: str, output: str | None, manifest: dict | None, quiet: bool) -> None:
    """Write to stdout or to ``output`` (+ its manifest), atomically: a failed write leaves an
    earlier file as it was (:func:`influence.atomic.atomic_write`). Refuses the store and the
    sector file (:func:`refuse_output`)."""
    if output is None or output == "-":
        click.echo(text, nl=False)
        return
    from influence.atomic import atomic_write
    from influence.manifest import write_manifest

    refuse_output(output)
    try:
        with atomic_write(output, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        if manifest is not None:
            write_manifest(output, manifest)
    except OSError as exc:
        raise UserError(f"{output}: cannot write: {exc.strerror or exc}") from None
    echo_err(f"Wrote {output}", quiet)
