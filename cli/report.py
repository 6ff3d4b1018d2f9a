"""``influence report``: the self-contained HTML report of a sector."""

from __future__ import annotations

import os

import click

from ._common import (
    UserError,
    config_options,
    echo_err,
    open_sector_arg,
    quiet_option,
    resolve_config,
    translate_errors,
    warn_unmatched_handles,
)
from ._progress import progress_for


def _size(n: int) -> str:
    for unit in ("bytes", "KB", "MB"):
        if n < 1024 or unit == "MB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} MB"  # pragma: no cover - the loop always returns


@click.command("report")
@click.argument("sector")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True,
              help="The HTML file to write (replaced atomically if it exists).")
@click.option("--top", type=click.IntRange(min=1), default=20, show_default=True,
              help="Rows of the shortlist table.")
@click.option("--map-nodes", type=click.IntRange(min=1), default=300, show_default=True,
              help="Actors drawn on the network map; the rest of each community is summed up in "
                   "its disc.")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True,
              help="Seed of communities, roles, reach, topics and the map layout (and of the demo "
                   "sector).")
@click.option("--title", default=None, help="Title of the report. Default: '<sector>: opinion leaders "
                                              "and competitors'.")
@click.option("--topics", "n_topics", type=click.IntRange(min=1), default=None,
              help="Number of competitor topics. Default: chosen by bi-cross-validation, as in "
                   "`influence competitors`.")
@click.option("--sentiment-model", type=click.Path(dir_okay=False), default=None,
              help="A model from `influence sentiment train` for the competitors' reputation "
                   "(default: the lexicon analyser).")
@config_options
@quiet_option
def report_cmd(sector, output, top, map_nodes, seed, title, n_topics, sentiment_model, config_file,
               assignments, quiet):
    """Write a self-contained HTML report of SECTOR to share with people who do not run a CLI.

    One file, no network needed to open it: a summary (sources, dates, counts, parameters), the
    sortable shortlist with scores, communities, roles, reach and the reason for each actor, the
    network map, community cards and the competitor maps (topics, publication calendar, share of
    voice, sentiment, top posts). The run's manifest is embedded in the page.

    \b
    Example:
      influence report demo -o report.html
      influence report coffee.toml -o coffee.html --top 30 --title "Coffee, Q3"
    """
    from influence.competitors import CompetitorConfig
    from influence.report import build_report, render_html, write_html
    from influence.sentiment import analyzer_from

    if os.path.isdir(output):
        raise UserError(f"{output}: is a folder; give a file name such as report.html")
    folder = os.path.dirname(os.path.abspath(output))
    if not os.path.isdir(folder):
        raise UserError(f"{output}: folder {folder} does not exist")
    analyzer = translate_errors(lambda: analyzer_from(sentiment_model))
    # each step on a terminal (bars for communities and reach picks); none with -q or in logs
    with progress_for(quiet) as progress:
        with open_sector_arg(sector, seed=seed) as sec:
            cfg = resolve_config(sec.ranking, config_file, assignments, seed)
            warn_unmatched_handles(sec, None, quiet)
            competitor_config = None
            if n_topics is not None:
                competitor_config = CompetitorConfig(
                    n_topics=n_topics, **({"languages": tuple(sec.languages)} if sec.languages else {}))
            data = translate_errors(lambda: build_report(sec, config=cfg, top=top, map_nodes=map_nodes,
                                                         seed=seed, title=title, progress=progress,
                                                         competitor_config=competitor_config,
                                                         analyzer=analyzer))
        progress.step("Drawing the charts")
        html = render_html(data)
        progress.step(f"Writing {output}")
        try:
            size = write_html(html, output)
        except OSError as exc:
            raise UserError(f"{output}: cannot write: {exc.strerror or exc}") from None
    echo_err(f"Wrote {output} ({_size(size)})", quiet)
