"""``influence demo``, ``influence rank`` and ``influence shortlist``."""

from __future__ import annotations

import click

#: Live-edge worlds by default (influence.reach.DEFAULT_RUNS; kept here so --help does not import it).
DEFAULT_RUNS = 1000

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
    warn_unmatched_handles,
)
from ._progress import progress_for

SHORT_COLUMNS = ("rank", "actor", "name", "platform", "score", "why")


def _excluded_note(excluded: dict) -> str:
    """`` (10 competitors excluded)`` for the summary line, as many filters as removed actors."""
    if not excluded:
        return ""
    parts = [f"{n} matching filters.exclude" if k == "patterns" else f"{n} {k}" for k, n in excluded.items()]
    return f" ({', '.join(parts)} excluded)" if "patterns" not in excluded else f" (excluded: {', '.join(parts)})"


def _with_role(columns: tuple, *, after: str) -> tuple:
    """``columns`` with ``role`` right after ``after`` (``--roles``)."""
    i = columns.index(after) + 1
    return (*columns[:i], "role", *columns[i:])


def _run(sector_spec: str, *, top: int, fmt: str | None, output: str | None, config_file, assignments,
         seed: int | None, quiet: bool, command: str, detail_columns: bool, communities: bool = True,
         per_community: int | None = None, roles: bool = False, strategy: str = "score",
         reach_options: dict | None = None):
    """``demo``, ``rank`` and ``shortlist``: :meth:`influence.pipeline.Analysis.shortlist` (or
    its ranking), rendered."""
    from influence.manifest import make_manifest
    from influence.pipeline import analyze

    opts = dict(reach_options or {})
    with open_sector_arg(sector_spec, seed=seed or 0) as sector, progress_for(quiet) as progress:
        cfg = resolve_config(sector.ranking, config_file, assignments, seed)
        counts = sector.store.counts()
        echo_err(
            f"Sector {sector.name}: {counts['actors']} actors, {counts['interactions']} interactions",
            quiet,
        )
        analysis = analyze(sector, cfg, communities=communities, progress=progress)
        warn_unmatched_handles(sector, analysis.view.nodes, quiet)
        picked = translate_errors(lambda: analysis.shortlist(
            top, strategy=strategy, per_community=per_community, roles=roles,
            **{k: v for k, v in opts.items() if v is not None}))
        progress.done()
        for line in picked.notes:
            echo_err(line, quiet)
        result, rows = picked.ranking, picked.to_records()
        constrained = opts.get("active_days") is not None or bool(opts.get("quotas"))
        if constrained and picked.asked and len(rows) < min(picked.asked, len(result)):
            raise UserError(f"only {len(rows)} actors satisfy the constraints (--active-days, --quota) "
                            f"of the {picked.asked} asked for; relax them or lower --top")
        fmt = choose_format(fmt, output)
        columns = SHORT_COLUMNS
        if strategy in ("reach", "diverse"):
            from influence.pipeline import REACH_COLUMNS as columns
            if roles:  # Analysis.shortlist gave every pick its role: shown after its community
                columns = _with_role(columns, after="community")
                rows = [{**{c: r[c] for c in columns}, **{k: v for k, v in r.items() if k not in columns}}
                        for r in rows]
        elif per_community:
            columns = ("rank", "community", "community_label", "role", "actor", "name", "score", "why")
        elif detail_columns:
            measures = [m for m, w in cfg.measures.items() if w > 0]
            columns = ("rank", "actor", "name", "platform", "score", *measures, "givers", "why")
            if fmt in ("table", "csv"):  # JSON keeps them nested under "measures"
                rows = [{**r, **{m: r["measures"][m]["value"] for m in measures}} for r in rows]
        elif roles:
            columns = _with_role(columns, after="score")
        manifest = None
        if output is not None:
            manifest = make_manifest(command=command, sector=sector, config=cfg, seed=cfg.seed,
                                     top=top, format=fmt, per_community=per_community, strategy=strategy,
                                     **{k: ([str(q) for q in v] if k == "quotas" else v)
                                        for k, v in opts.items() if v not in (None, ())
                                        and (strategy != "score" or k in ("active_days", "quotas"))},
                                     **picked.params)
        emit(render(rows, columns, fmt), output, manifest, quiet)
        shown = len(rows)
        echo_err(
            f"Ranked {len(result)} of {result.n_nodes} actors"
            + _excluded_note(result.excluded)
            + (f"; showing {shown}" if shown < len(result) else ""),
            quiet,
        )


_communities_option = click.option(
    "--communities/--no-communities", default=True, show_default=True,
    help="Detect communities (Louvain, seeded) so every actor carries its community id "
         "and `why` counts the communities attention comes from. Skip it on very large sectors.",
)


@click.command("demo")
@output_options(default_top=20)
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True,
              help="Seed of the synthetic demo sector.")
@_communities_option
@quiet_option
def demo(fmt, top, output, seed, communities, quiet):
    """Rank the opinion leaders of the bundled demo sector.

    The demo is a synthetic Spanish/English specialty-coffee market (about 2,000 actors and
    20,000 interactions, with planted leaders, bridges, broadcasters, bots and competitor brands),
    built in memory from a seed. Same seed, same output.

    \b
    Example:
      influence demo --top 10
      influence demo --format json > leaders.json
    """
    _run("demo", top=top, fmt=fmt, output=output, config_file=None, assignments=(), seed=seed,
         quiet=quiet, command="demo", detail_columns=False, communities=communities)


@click.command("rank")
@click.argument("sector")
@output_options(default_top=50)
@config_options
@click.option("--seed", type=click.IntRange(min=0), default=None,
              help="Seed for randomised measures (and of the demo sector).")
@_communities_option
@quiet_option
def rank_cmd(sector, fmt, top, output, config_file, assignments, seed, communities, quiet):
    """Rank every actor of SECTOR with each measure's value and contribution.

    SECTOR is a sector file, a store file, or `demo`. JSON output lists, for each actor, its rank,
    score, the value, normalised value and contribution of every measure, the attention it
    received by kind, and a `why` sentence. --top 0 lists every ranked actor.

    \b
    Example:
      influence rank coffee.toml --top 0 --format json -o ranking.json
      influence rank demo --set measures.pagerank=1 --set measures.in_strength=0
    """
    _run(sector, top=top, fmt=fmt, output=output, config_file=config_file, assignments=assignments,
         seed=seed, quiet=quiet, command="rank", detail_columns=True, communities=communities)


@click.command("shortlist")
@click.argument("sector")
@output_options(default_top=20)
@config_options
@click.option("--seed", type=click.IntRange(min=0), default=None,
              help="Seed for randomised measures (and of the demo sector).")
@click.option("--per-community", type=click.IntRange(min=1), default=None, metavar="K",
              help="The top K leaders of every community, with the community label and role.")
@click.option("--roles", is_flag=True,
              help="Add a role column: each actor's structural role (slower; every strategy).")
@click.option("--strategy", type=click.Choice(["score", "reach", "diverse"]), default="score", show_default=True,
              help="score: the top actors by score. reach: the set of --top actors that together reach the "
                   "most distinct actors (greedy: CELF on live-edge worlds, or RIS on large sectors), with each "
                   "pick's marginal gain and overlap with the previous picks. diverse: score balanced with "
                   "community coverage and low audience overlap (see docs/reach.md).")
@click.option("--model", type=click.Choice(["ic", "lt"]), default="ic", show_default=True,
              help="Reach model of --strategy reach/diverse: Independent Cascade or Linear Threshold.")
@click.option("--activation", type=click.FloatRange(min=0, max=1, min_open=True), default=None, metavar="P",
              help="Independent Cascade edge probabilities: each interaction an independent chance P, "
                   "1 - (1 - P)^w for an edge of weight w. Default: the weighted cascade (an actor's share "
                   "of attention given to the spreader), which needs no parameter.")
@click.option("--method", type=click.Choice(["auto", "celf", "ris"]), default="auto", show_default=True,
              help="--strategy reach: CELF over the top 200, or Reverse Influence Sampling over every ranked "
                   "actor; auto uses RIS from 5,000 actors up.")
@click.option("--runs", type=click.IntRange(min=1), default=DEFAULT_RUNS, show_default=True,
              help="Live-edge worlds simulated (CELF, and measuring --strategy diverse).")
@click.option("--active-days", type=click.FloatRange(min=0), default=None, metavar="N",
              help="Leave out actors with no post or given attention in the N days before the sector's "
                   "latest dated activity.")
@click.option("--quota", "quotas", multiple=True, metavar="ATTR[:VALUE]=MAX",
              help="At most MAX picks with that node attribute value, e.g. platform:mastodon=3, "
                   "language:es=5, or platform=2 (at most 2 per platform). Repeatable.")
@_communities_option
@quiet_option
def shortlist_cmd(sector, fmt, top, output, config_file, assignments, seed, per_community, roles, strategy,
                  model, activation, method, runs, active_days, quotas, communities, quiet):
    """The influencer shortlist of SECTOR: the top actors with a one-line reason each.

    Competitor brands are left out (set filters.exclude_competitors=false to keep them).
    --per-community K lists the top K of every community instead, with its label and each
    actor's role. --strategy reach picks the set that together reaches the most distinct
    actors, --strategy diverse balances score with community coverage and low overlap (both
    also leave out bot-like accounts). --active-days and --quota constrain every strategy.

    \b
    Example:
      influence shortlist coffee.toml --top 20 --format csv -o shortlist.csv
      influence shortlist demo --per-community 3 --format json
      influence shortlist demo --top 10 --strategy reach --format json
      influence shortlist demo --top 10 --strategy diverse --quota platform:mastodon=4
      influence shortlist demo --strategy reach --active-days 30 --quota language=6
      influence shortlist demo --set graph.kinds='["reshare"]'
    """
    from influence.reach import parse_quota

    if per_community and (strategy != "score" or active_days is not None or quotas):
        raise UserError("--per-community works with --strategy score and without --active-days/--quota")
    if activation is not None and (strategy == "score" or model != "ic"):
        raise UserError("--activation sets Independent Cascade probabilities: it needs --strategy reach or "
                        "diverse with --model ic")
    parsed = tuple(translate_errors(lambda: [parse_quota(q) for q in quotas]))
    reach_options = {"model": model, "activation": activation, "method": method, "runs": runs,
                     "active_days": active_days,
                     "quotas": parsed}
    _run(sector, top=top, fmt=fmt, output=output, config_file=config_file, assignments=assignments,
         seed=seed, quiet=quiet, command="shortlist", detail_columns=False, communities=communities,
         per_community=per_community, roles=roles, strategy=strategy, reach_options=reach_options)
