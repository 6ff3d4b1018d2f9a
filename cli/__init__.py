"""The ``influence`` command line: a thin click layer over the :mod:`influence` library.

Installed as the import package ``influence_cli`` (this folder is ``cli/`` in the repository). Each
command module imports the heavy parts of influence inside its functions, so ``influence --help``
does not load networkx, scipy or scikit-learn.
"""

from __future__ import annotations

import os
import sys

import click

from influence import __version__

from ._common import interrupted, translate_errors


class InfluenceGroup(click.Group):
    """Maps influence errors to exit codes (2: the user's input, 1: other failures, 130: Ctrl-C)
    and keeps ``influence ... | head`` free of BrokenPipeError tracebacks."""

    def invoke(self, ctx: click.Context):
        import warnings

        from influence.records import DataWarning

        shown: set[str] = set()

        def show(message, category, filename, lineno, file=None, line=None):
            text = str(message)
            if text not in shown:  # once per message, one line, no Python source location
                shown.add(text)
                click.echo(f"Warning: {text}", err=True)

        try:
            with warnings.catch_warnings():
                # warnings about the user's data (docs/safety.md) are one plain line on stderr
                warnings.simplefilter("always", DataWarning)
                warnings.showwarning = show
                return translate_errors(lambda: super(InfluenceGroup, self).invoke(ctx))
        except KeyboardInterrupt:
            # every command, the same way: one line, exit 130 (128 + SIGINT), as shells expect.
            # Open transactions have rolled back on the way out (Store.transaction).
            interrupted()

    def main(self, *args, **kwargs):
        try:
            return super().main(*args, **kwargs)
        except BrokenPipeError:
            # The reader went away (e.g. `| head`): stop quietly. Point stdout at devnull so the
            # interpreter's final flush does not raise again.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(0)


@click.group(cls=InfluenceGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="influence")
def cli() -> None:
    """Find the opinion leaders of a sector and map its competitors.

    SECTOR arguments take a sector file (sector.toml), a store file (sector.db) or `demo`, the
    bundled synthetic specialty-coffee sector.

    \b
    Start here:
      influence demo                          rank the demo sector's opinion leaders
      influence import coffee.toml data.csv   load your interactions into a sector
      influence shortlist coffee.toml --top 20 --format csv
    """


from . import analyze, data  # noqa: E402  (registers the commands)

cli.add_command(analyze.demo)
cli.add_command(analyze.rank_cmd)
cli.add_command(analyze.shortlist_cmd)
cli.add_command(data.import_cmd)
cli.add_command(data.export_cmd)
from .crawl import crawl_cmd  # noqa: E402

cli.add_command(crawl_cmd)

from . import research  # noqa: E402

cli.add_command(research.evaluate_cmd)
cli.add_command(research.sweep_cmd)
cli.add_command(research.tune_cmd)
from .communities import communities_cmd  # noqa: E402

cli.add_command(communities_cmd)
from .competitors import competitors_cmd, sentiment_group  # noqa: E402

cli.add_command(competitors_cmd)
cli.add_command(sentiment_group)
from .report import report_cmd  # noqa: E402

cli.add_command(report_cmd)
from .overlap import overlap_cmd  # noqa: E402

cli.add_command(overlap_cmd)
from .store_cmd import store_group  # noqa: E402

cli.add_command(store_group)


@click.command("migrate")
@click.argument("sector")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing on stderr.")
def migrate_cmd(sector: str, quiet: bool) -> None:
    """Upgrade SECTOR's store to this version's schema (one transaction; data kept as is).

    Read commands (rank, shortlist, report...) never write to a store, so a store written by an
    older influence is upgraded once with this command; import and crawl upgrade it too.

    \b
    Example:
      influence migrate coffee.toml
    """
    from ._common import UserError, echo_err, open_sector_arg

    if sector == "demo":
        raise UserError("the demo sector is built in memory: nothing to migrate")
    with open_sector_arg(sector, readonly=False) as sec:
        store = sec.store
        if store.migrated_from is None:
            echo_err(f"{store.path}: schema version {store.schema_version}, up to date", quiet)
        else:
            echo_err(f"{store.path}: schema version {store.migrated_from} -> {store.schema_version}", quiet)


cli.add_command(migrate_cmd)

__all__ = ["cli"]
