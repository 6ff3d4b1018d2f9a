"""``influence crawl``: run a sector's sources into its store."""

from __future__ import annotations

import time

import click

from ._common import (
    UserError,
    echo_err,
    interrupted,
    open_sector_arg,
    quiet_option,
    translate_errors,
)

#: Seconds between two progress lines when stderr is not a terminal (logs, CI).
PLAIN_EVERY = 10.0


class _Display:
    """A progress bar on a terminal, under a step line per source ("Crawling NAME..."); a plain
    line every PLAIN_EVERY seconds otherwise."""

    def __init__(self, quiet: bool):
        from ._progress import stderr_is_terminal

        self.quiet = quiet
        self.live = not quiet and stderr_is_terminal()
        self.started = self.last_plain = time.monotonic()
        self.shown = False
        self.source: str | None = None

    def progress(self, p) -> None:
        if self.quiet:
            return
        if self.live and p.source != self.source:
            # a new source: its step line, as the other commands say theirs (cli/_progress.py)
            self.source = p.source
            self.log(f"[{time.monotonic() - self.started:6.1f}s] Crawling {p.source}...")
        total = p.pages + p.queue
        line = (f"{p.source}: {p.pages:,} pages, {p.errors:,} errors, {p.queue:,} queued, "
                f"{p.records:,} records, {p.rate:.1f} pages/s")
        if self.live:
            width = 20
            done = int(width * p.pages / total) if total else width
            bar = "#" * done + "-" * (width - done)
            click.echo(f"\r\x1b[2K[{bar}] {line}", err=True, nl=False)
            self.shown = True
        elif time.monotonic() - self.last_plain >= PLAIN_EVERY:
            self.last_plain = time.monotonic()
            click.echo(line, err=True)

    def log(self, line: str) -> None:
        if self.quiet:
            return
        self.clear()
        click.echo(line, err=True)

    def clear(self) -> None:
        if self.shown:
            click.echo("\r\x1b[2K", err=True, nl=False)
            self.shown = False


@click.command("crawl")
@click.argument("sector")
@click.option("--max-pages", type=click.IntRange(min=1), default=None,
              help="Fetch at most this many pages in this run (all sources together).")
@click.option("--resume", is_flag=True,
              help="Carry on from where the last (interrupted or budget-limited) crawl stopped. "
                   "Without it, sources start again from their seeds with conditional requests.")
@click.option("--source", "source_names", multiple=True, metavar="NAME",
              help="Run only this source (its `name`, or TYPE[INDEX] such as web[0]); repeatable.")
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Summary format: text on stderr, or json on stdout.")
@click.option("-v", "--verbose", is_flag=True, help="Print every error as it happens.")
@click.option("--archive", type=click.Path(file_okay=False), default=None, metavar="DIR",
              help="Keep every raw API response under DIR/<source>/ (bodies + index.jsonl, credentials "
                   "removed), for reproducible research.")
@click.option("--lease", type=click.FloatRange(min=1), default=120.0, show_default=True, metavar="SECONDS",
              help="PostgreSQL store, several workers: how long a claimed page stays this worker's; a "
                   "killed worker's pages go to the others after it.")
@click.option("--status", "status", is_flag=True,
              help="Show the crawl's progress (every worker's, with a PostgreSQL store) and exit.")
@quiet_option
def crawl_cmd(sector, max_pages, resume, source_names, fmt, verbose, archive, lease, status, quiet):
    """Crawl SECTOR's [[sources]] (web pages, feeds, social APIs) into its store.

    Polite by default: an identifying User-Agent, robots.txt, one request at a time per host
    with a delay, retries with backoff; tune them in the sector file's [crawl] table. Errors of
    single pages are counted, never fatal. Ctrl-C stops cleanly (a second Ctrl-C at once; exit
    130); the store stays consistent and --resume finishes the crawl. Exit 1 only when every
    fetch failed (a 304 Not Modified is a success); a first crawl that fetched nothing leaves
    no store behind.

    With a PostgreSQL store (store = "postgresql://..." or INFLUENCE_STORE), start this command
    several times, on one or several machines: the workers share the frontier and each host's
    delay (docs/scale-out.md); --status shows them all.

    \b
    Example:
      influence crawl coffee.toml --max-pages 200
      influence crawl coffee.toml --resume
      influence crawl coffee.toml --source "competitor feeds" --format json
      influence crawl coffee.toml --status
    """
    from influence.crawl.runner import run_crawl

    if sector == "demo":
        raise UserError("the demo sector is built in memory and has no sources to crawl; give a sector file")
    if not sector.lower().endswith(".toml"):
        raise UserError(f"{sector}: crawling needs a sector file (.toml) with [[sources]]")
    if status:
        _show_status(sector, fmt)
        return
    with open_sector_arg(sector, create=True) as sec:
        if not sec.sources:
            sec.discard_if_empty()
            raise UserError(f"{sector}: no [[sources]] to crawl (see docs/crawling.md)")
        display = _Display(quiet)
        try:
            summary = translate_errors(lambda: run_crawl(
                sec, sources=source_names or None, max_pages=max_pages, resume=resume,
                progress=display.progress, log=display.log, log_errors=verbose, archive=archive,
                lease=lease,
            ))
        except BaseException:
            display.clear()
            sec.discard_if_empty()
            raise
        display.clear()
        if fmt == "json":
            import json

            click.echo(json.dumps(summary.to_dict(), ensure_ascii=False, indent=2))
        if not quiet and fmt == "text":
            _print_summary(summary, sec)
        failed = not summary.interrupted and _all_failed(summary)
        if failed:
            sec.discard_if_empty()  # a first crawl that fetched nothing leaves no store behind
    if summary.interrupted:
        interrupted()
    if failed:
        raise click.ClickException(f"all {summary.pages} fetches failed ({_top(summary.errors)})")


def _all_failed(summary) -> bool:
    """True when the run made fetches and none of them succeeded. A 304 Not Modified is a
    success (the page is unchanged, its records are in the store already); so is any fetch that
    gave records. See docs/safety.md, "Crawl exit status"."""
    if not summary.pages or sum(summary.records.values()):
        return False
    return sum(summary.errors.values()) >= summary.pages


def _top(counter, n: int = 3) -> str:
    return ", ".join(f"{k} {v}" for k, v in counter.most_common(n))


def _print_summary(summary, sec) -> None:
    for rep in summary.sources:
        status = rep.status if not rep.message or rep.status == "done" else f"{rep.status}: {rep.message}"
        echo_err(f"{rep.name} ({rep.type}): {rep.pages:,} pages, {sum(rep.records.values()):,} records, "
                 f"{sum(rep.errors.values()):,} errors, {rep.queued:,} queued [{status}]")
    rec = summary.records
    kinds = ", ".join(f"{k} {v:,}" for k, v in sorted(rec.items())) or "none"
    echo_err(f"Pages: {summary.pages:,} in {summary.elapsed:.1f}s")
    echo_err(f"Records: {kinds}")
    new = summary.new
    echo_err("New in store: " + (", ".join(f"{k} {v:,}" for k, v in sorted(new.items())) or "nothing"))
    if summary.errors:
        echo_err("Errors: " + ", ".join(f"{k} {v:,}" for k, v in summary.errors.most_common()))
        examples = [line for rep in summary.sources for line in rep.error_examples][:5]
        for line in examples:
            echo_err(f"  {line}")
    else:
        echo_err("Errors: none")
    if summary.queued:
        echo_err(f"{summary.queued:,} URLs still queued: `influence crawl {sec.path.name if sec.path else ''} "
                 "--resume` goes on")
    counts = sec.store.counts()
    echo_err(f"Store {sec.store.path}: " + ", ".join(f"{v:,} {k}" for k, v in counts.items()))


def _show_status(sector: str, fmt: str) -> None:
    """``--status``: per source queued (leased) and visited URLs, last runs, and the workers."""
    import json

    with open_sector_arg(sector) as sec:
        store = sec.store
        if getattr(store, "shared_crawl", False):
            status = store.crawl_status()
        else:
            status = {"sources": {k: {"queued": q, "leased": 0, "visited": v}
                                  for k, (q, v) in store.crawl_sources().items()}, "workers": []}
        for name, (first, last) in store.crawl_runs().items():
            status["sources"].setdefault(name, {"queued": 0, "leased": 0, "visited": 0}).update(
                first_run=first, last_run=last)
        status["store"] = store.path
        status["counts"] = store.counts()
    if fmt == "json":
        click.echo(json.dumps(status, ensure_ascii=False, indent=2))
        return
    click.echo(f"Store {status['store']}: " + ", ".join(f"{v:,} {k}" for k, v in status["counts"].items()))
    if not status["sources"]:
        click.echo("No crawl yet.")
    for name, s in sorted(status["sources"].items()):
        total = s["queued"] + s["visited"]
        share = f" ({100 * s['visited'] / total:.0f}%)" if total else ""
        click.echo(f"{name}: {s['visited']:,} visited{share}, {s['queued']:,} queued "
                   f"({s['leased']:,} claimed by workers); last run {s.get('last_run') or 'not finished'}")
    for w in status["workers"]:
        beat = w["seconds_since_heartbeat"]
        click.echo(f"  worker {w['worker']} [{w['source']}]: {w['status']}, {w['pages']:,} pages, "
                   f"{w['records']:,} records, {w['errors']:,} errors, last seen {beat:g} s ago")
