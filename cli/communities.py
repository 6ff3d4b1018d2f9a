"""``influence communities``: the conversations of a sector, with their leaders, bridges and topics."""

from __future__ import annotations

import click

from ._common import (
    OUTPUT_FORMATS,
    choose_format,
    config_options,
    echo_err,
    emit,
    open_sector_arg,
    quiet_option,
    render,
    resolve_config,
    translate_errors,
)

# Restated from influence.communities (importing it here would load networkx for --help); a test
# checks that they match.
METHOD_CHOICES = ("louvain", "leiden", "label_propagation", "greedy_modularity")
PROJECTION_CHOICES = ("sum", "directed")

COLUMNS = ("id", "label", "size", "share", "density", "leaders", "bridges", "terms", "hashtags")


def _names(members: list[dict], roles: bool) -> str:
    return ", ".join(m["name"] + (f" ({m['role']})" if roles and m.get("role") else "") for m in members)


def _flat(row: dict, roles: bool) -> dict:
    """One table/CSV row of a community."""
    return {
        "id": row["id"],
        "label": row["label"],
        "size": row["size"],
        "share": row["interaction_share"],
        "density": row["density"],
        "leaders": _names(row["leaders"], roles),
        "bridges": _names(row["bridges"], roles),
        "terms": ", ".join(t["term"] for t in row["terms"]),
        "hashtags": ", ".join(h["hashtag"] for h in row["hashtags"]),
    }


@click.command("communities")
@click.argument("sector")
@click.option("--method", type=click.Choice(METHOD_CHOICES), default="louvain", show_default=True,
              help="Detection algorithm; leiden needs `pip install 'influence[leiden]'`.")
@click.option("--resolution", type=click.FloatRange(min=0, min_open=True), default=1.0, show_default=True,
              help="Above 1: more, smaller communities; below 1: fewer, larger ones.")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True,
              help="Seed of the detection (and of the demo sector). Same seed, same communities.")
@click.option("--min-size", type=click.IntRange(min=1), default=5, show_default=True,
              help="Communities smaller than this are merged into one 'other' group (id -1).")
@click.option("--runs", type=click.IntRange(min=1), default=10, show_default=True,
              help="Louvain: at most N seeded runs, the one of highest modularity kept (one run from 2M "
                   "edges up); other methods: N runs combined by consensus. 1 is a single, faster run.")
@click.option("--projection", type=click.Choice(PROJECTION_CHOICES), default="sum", show_default=True,
              help="sum: ignore direction, a pair's weight is both directions summed; "
                   "directed: directed modularity.")
@click.option("--top", type=click.IntRange(min=1), default=5, show_default=True,
              help="Leaders, bridges, hashtags, domains and posts listed per community.")
@click.option("--terms", "n_terms", type=click.IntRange(min=0), default=10, show_default=True,
              help="Terms listed per community.")
@click.option("--roles", "with_roles", is_flag=True,
              help="Add the structural role of each leader and bridge (hub, bridge, broadcaster...).")
@click.option("-f", "--format", "fmt", type=click.Choice(OUTPUT_FORMATS), default=None,
              help="Output format. Default: table on a terminal, json otherwise.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write to this file instead of stdout (a FILE.manifest.json is written beside it).")
@config_options
@quiet_option
def communities_cmd(sector, method, resolution, seed, min_size, runs, projection, top, n_terms,
                    with_roles, fmt, output, config_file, assignments, quiet):
    """The communities of SECTOR: who talks with whom, who leads and bridges each, what about.

    Each community comes with a label made from its top terms, its size, internal density and
    share of the sector's interactions, its leaders (by the ranking, brands left out), its bridges
    (members whose ties spread over several communities), and its most distinctive terms
    (TF-IDF against the rest of the sector), hashtags, linked domains and most-engaged posts (JSON).
    The ranking options (--config, --set) shape the graph and the leaders' order.

    \b
    Example:
      influence communities demo
      influence communities coffee.toml --format json -o communities.json
      influence communities demo --method leiden --resolution 1.5 --roles
    """
    from influence.manifest import make_manifest
    from influence.pipeline import analyze

    from ._progress import progress_for

    with open_sector_arg(sector, seed=seed) as sec, progress_for(quiet) as progress:
        cfg = resolve_config(sec.ranking, config_file, assignments, seed)
        counts = sec.store.counts()
        echo_err(f"Sector {sec.name}: {counts['actors']} actors, {counts['interactions']} interactions",
                 quiet)
        analysis = analyze(sec, cfg, progress=progress)
        detection = {"method": method, "resolution": resolution, "min_size": min_size, "runs": runs,
                         "projection": projection}
        rows = translate_errors(lambda: analysis.communities(top=top, n_terms=n_terms, roles=with_roles,
                                                             **detection))
        partition = analysis.partition(**detection)
        fmt = choose_format(fmt, output)
        if fmt in ("table", "csv"):
            rows = [_flat(r, with_roles) for r in rows]
        manifest = None
        if output is not None:
            manifest = make_manifest(command="communities", sector=sec, config=cfg, seed=seed,
                                     communities=partition.params(), top=top, terms=n_terms,
                                     roles=with_roles, format=fmt)
        progress.done()
        emit(render(rows, COLUMNS, fmt), output, manifest, quiet)
        other = partition.sizes.get(-1, 0)
        echo_err(
            f"Found {partition.n_communities} communities ({method}, modularity "
            f"{partition.modularity:.3f})" + (f"; {other} actors in 'other'" if other else ""),
            quiet,
        )
