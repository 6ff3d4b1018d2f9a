"""``influence overlap``: the audience overlap matrix of a shortlist, or of the actors named."""

from __future__ import annotations

import click

from ._common import (
    UserError,
    choose_format,
    config_options,
    echo_err,
    emit,
    open_sector_arg,
    output_options,
    quiet_option,
    render,
    resolve_config,
    translate_errors,
)


@click.command("overlap")
@click.argument("sector")
@click.argument("actors", nargs=-1)
@output_options(default_top=10)
@config_options
@click.option("--strategy", type=click.Choice(["score", "reach", "diverse"]), default="score", show_default=True,
              help="Without ACTOR ids: whose shortlist to compare, as `influence shortlist --strategy` picks it "
                   "(reach and diverse with their default model and settings).")
@click.option("--weighted", is_flag=True,
              help="Weighted Jaccard (sum of min / sum of max of the attention weights) instead of the "
                   "share of shared attention givers.")
@quiet_option
def overlap_cmd(sector, actors, fmt, top, output, config_file, assignments, strategy, weighted, quiet):
    """Audience overlap between actors: how much of their audiences they share.

    An actor's audience is the actors who give it attention (mentions, replies, reshares, links,
    comments, likes). Overlap is the Jaccard index of two audiences: shared givers / givers of
    either (--weighted: by attention weight). Without ACTOR ids, the top --top actors of the
    shortlist are compared (by score, or the picks of --strategy reach or diverse; competitors
    left out).

    Table and CSV show one column per actor, numbered as the rows; JSON and JSONL rows hold an
    `overlap` object keyed by actor id. Each row also names the listed actor it overlaps most.

    \b
    Example:
      influence overlap demo --top 8
      influence overlap demo --top 8 --strategy reach
      influence overlap coffee.toml mastodon:@ana@cafe.example bluesky:luis.bsky.social --weighted
      influence overlap demo --top 20 --format csv -o overlap.csv
    """
    from influence.manifest import make_manifest
    from influence.pipeline import analyze

    from ._progress import progress_for

    if actors and strategy != "score":
        raise UserError("--strategy chooses the actors when none are named: give ACTOR ids or --strategy, not both")
    with open_sector_arg(sector) as sec, progress_for(quiet) as progress:
        cfg = resolve_config(sec.ranking, config_file, assignments)
        analysis = analyze(sec, cfg, communities=False, progress=progress)
        table = translate_errors(lambda: analysis.overlap(actors, top=top, strategy=strategy, weighted=weighted))
        progress.done()
        chosen = table.actors
        echo_err(f"Audience overlap of {len(chosen)} actors in {sec.name} "
                 f"({'weighted Jaccard' if weighted else 'Jaccard'})", quiet)
        rows = table.to_records()
        fmt = choose_format(fmt, output)
        columns = ["rank", "actor", "name", "audience", "max_overlap", "max_with"]
        if fmt in ("table", "csv"):
            numbered = [str(i + 1) for i in range(len(chosen))]
            columns += numbered
            for r in rows:
                r.update({c: r["overlap"][a] for c, a in zip(numbered, chosen)})
                r[str(r["rank"])] = None  # the diagonal says nothing: left blank
        manifest = None
        if output is not None:
            manifest = make_manifest(command="overlap", sector=sec, config=cfg, format=fmt,
                                     actors=list(chosen), weighted=weighted, strategy=table.strategy)
        emit(render(rows, columns, fmt), output, manifest, quiet)
