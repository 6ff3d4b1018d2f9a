"""``influence import`` and ``influence export``."""

from __future__ import annotations

import click

from ._common import (
    UserError,
    config_options,
    echo_err,
    open_sector_arg,
    quiet_option,
    resolve_config,
    translate_errors,
)


@click.command("import")
@click.argument("sector")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--type", "record_type", type=click.Choice(["interactions", "posts", "actors"]), default=None,
              help="What the CSV/JSON Lines file holds. Default: told by its columns.")
@click.option("--input-format", "input_format",
              type=click.Choice(["csv", "tsv", "jsonl", "json", "graphml", "gexf", "gml", "edgelist",
                                 "reddit", "twarc2", "twarc-csv", "activitypub", "bluesky-car"]), default=None,
              help="Format of the files. Default: exports of Pushshift/Arctic Shift (reddit), twarc2, "
                   "twarc-csv, Mastodon outboxes (activitypub) and Bluesky repositories (bluesky-car) from "
                   "their content, others from the extension. See docs/import-formats.md.")
@click.option("--platform", default="import", show_default=True,
              help="Platform of actor ids that are not canonical (e.g. `42` becomes `import:42`).")
@click.option("--kind", default=None,
              help="Interaction kind for rows or edges that give none (graph files default to mention).")
@click.option("--skip-bad-rows", is_flag=True,
              help="Skip and count malformed rows instead of stopping without writing anything.")
@click.option("--map", "maps", multiple=True, metavar="FIELD=COLUMN",
              help="CSV/JSON Lines: read FIELD (e.g. author) from the file's COLUMN (e.g. user_screen_name). "
                   "Repeat for each field.")
@click.option("--mentions-from", "mentions_from", type=click.Choice(["text", "title"]), default=None,
              help="Posts: turn every @handle in this field into a mention from the post's author "
                   "(the platform's handle rules).")
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Summary format: text on stderr, or json on stdout (one report per file: rows, new "
                   "records, items found, interactions by kind, references left out).")
@quiet_option
def import_cmd(sector, files, record_type, input_format, platform, kind, skip_bad_rows, maps, mentions_from,
               fmt, quiet):
    """Import interactions, posts or actors from FILES into SECTOR.

    SECTOR is a sector file (its store is created if needed) or a store file (created if it does
    not exist). Each file is imported in one transaction: a malformed row stops the import with
    its line number and nothing of that file is written, unless --skip-bad-rows. Importing the
    same file again changes nothing.

    \b
    Interactions CSV header: source,target,kind,timestamp[,weight,platform,post_id]
    Posts: id,author[,timestamp,text,title,url,language,likes,reshares,replies,parent,format]
    Actors: id[,name,url,followers,competitor,language,bio]
    Also JSON Lines with the same keys, GraphML, GEXF, GML and `source target [weight]` edge lists.
    Files of other tools: name their columns with --map; tweets whose mentions live in their
    text: --mentions-from text. Exports of Pushshift/Arctic Shift, twarc2, twarc-csv, Mastodon
    outboxes and Bluesky CAR files are told from their content (docs/import-formats.md).

    \b
    Example:
      influence import coffee.toml interactions.csv
      influence import blogs.db polblogs.gml --platform web --kind link
      influence import tw.db search.jsonl RC_2024-01.ndjson outbox.json -f json
      influence import air.db Tweets.csv --platform twitter --map id=tweet_id --map author=name \\
          --map timestamp=tweet_created --map reshares=retweet_count --mentions-from text
    """
    if sector == "demo":
        raise UserError("the demo sector is built in memory and cannot be imported into; "
                        "give a sector file or a store path")
    from ._progress import progress_for

    columns = {}
    for m in maps:
        field_name, sep, column = m.partition("=")
        if not sep or not field_name.strip() or not column.strip():
            raise UserError(f"--map {m}: expected FIELD=COLUMN, e.g. --map author=user_screen_name")
        columns[field_name.strip()] = column.strip()
    extra = {}
    if columns:
        extra["columns"] = columns
    if mentions_from:
        extra["mentions_from"] = mentions_from
    reports = []
    with open_sector_arg(sector, create=True) as sec, progress_for(quiet, unit="rows read") as progress:
        try:
            for i, path in enumerate(files, 1):
                label = f"Importing {path}" + (f" ({i} of {len(files)})" if len(files) > 1 else "")
                reports.append(_import_one(
                    sec, path, quiet=quiet or fmt == "json", skip_bad_rows=skip_bad_rows, fmt=input_format,
                    record_type=record_type, platform=platform, kind=kind, progress=progress, **extra, label=label))
        except BaseException:
            sec.discard_if_empty()  # a failed first import leaves no empty store behind
            raise
        counts = sec.store.counts()
        if fmt == "json":
            import dataclasses
            import json

            click.echo(json.dumps({"files": [dataclasses.asdict(r) for r in reports],
                                   "store": {"path": str(sec.store.path), **counts}}, ensure_ascii=False, indent=2))
            return
        echo_err(
            f"Store {sec.store.path}: {counts['actors']} actors, {counts['posts']} posts, "
            f"{counts['interactions']} interactions",
            quiet,
        )


def _import_one(sec, path: str, *, quiet: bool, progress, label: str, **options):
    from influence.importers import FORMATS, import_file

    # the step and a running count of rows on a terminal (cli/_progress.py); logs and pipes get
    # the summary line only
    progress.step(label)
    seen = [0]

    def rows_read(rows: int) -> None:  # import_file reports the rows read so far
        progress.advance(rows - seen[0])
        seen[0] = rows

    rep = translate_errors(lambda: import_file(sec.store, path, progress=rows_read, **options))
    progress.done()
    new = rep.new
    export = rep.format in FORMATS[8:]  # the exports of other tools (influence.formats)
    what = (f"{rep.format} export, {rep.rows} {rep.record_type}" if export
            else " ".join(filter(None, (str(rep.rows), rep.record_type, "rows"))))
    echo_err(
        f"{path}: {what} read; new in store: "
        f"{new['actors']} actors, {new['posts']} posts, {new['interactions']} interactions"
        + (f"; {rep.skipped} bad row{'' if rep.skipped == 1 else 's'} skipped" if rep.skipped else "")
        + "".join(f"; {n} {k}s derived from the text" for k, n in rep.derived.items()),
        quiet,
    )
    for msg in rep.errors[:5]:
        echo_err(f"  skipped: {msg}", quiet)
    if rep.skipped > 5:
        echo_err(f"  ... and {rep.skipped - 5} more", quiet)
    if export:  # what the file held and what it became
        echo_err("  found: " + (", ".join(f"{n} {k}" for k, n in rep.found.items()) or "nothing"), quiet)
        if rep.by_kind:
            echo_err("  interactions by kind: " + ", ".join(f"{k} {n}" for k, n in sorted(rep.by_kind.items())),
                     quiet)
        for reason, n in sorted(rep.unresolved.items()):
            echo_err(f"  left out: {n} {reason}", quiet)
    if rep.ignored_columns:
        label = "fields not used" if export else "ignored unknown columns"
        cols = rep.ignored_columns
        more = f" and {len(cols) - 12} more" if export and len(cols) > 12 else ""
        echo_err(f"  {label}: {', '.join(cols[:12] if more else cols)}{more}", quiet)
    return rep


@click.command("export")
@click.argument("sector")
@click.option("-f", "--format", "fmt", type=click.Choice(["graphml", "gexf", "csv", "json"]), default=None,
              help="Graph format. Default: from the output file's extension.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="File to write (`-` for stdout with csv/json). A FILE.manifest.json goes beside it.")
@config_options
@click.option("--seed", type=click.IntRange(min=0), default=None, help="Seed of the demo sector.")
@quiet_option
def export_cmd(sector, fmt, output, config_file, assignments, seed, quiet):
    """Export SECTOR's interaction graph (for Gephi, igraph, spreadsheets).

    Edges carry `weight` (after kind weights and time decay), `count` and per-kind counts
    `n_reply`, `n_mention`...; nodes carry name, platform, is_competitor and followers. The graph
    options come from the sector's [ranking] table, --config and --set (graph.kinds, graph.since,
    graph.until, graph.half_life_days, graph.platforms, edge_weights.<kind>).

    \b
    Example:
      influence export demo --format graphml -o demo.graphml
      influence export coffee.toml -o replies.csv --set graph.kinds='["reply"]'
    """
    import os

    from influence import build_graph
    from influence.export import EXPORT_FORMATS, export_graph
    from influence.manifest import make_manifest, write_manifest

    if fmt is None:
        ext = os.path.splitext(output)[1].lower().lstrip(".")
        if ext not in EXPORT_FORMATS:
            raise UserError(f"cannot tell the format from {output!r}; give --format "
                            f"({', '.join(EXPORT_FORMATS)})")
        fmt = ext
    if output == "-" and fmt in ("graphml", "gexf"):
        raise UserError(f"--format {fmt} needs an output file (-o FILE)")
    with open_sector_arg(sector, seed=seed or 0) as sec:
        cfg = resolve_config(sec.ranking, config_file, assignments, seed)
        G = build_graph(sec.store, cfg, competitors=sec.competitor_map(), keywords=sec.keywords)
        manifest = make_manifest(command=f"export {fmt}", sector=sec, config=cfg, seed=cfg.seed)
        if output == "-":
            import sys

            if fmt == "csv":
                from influence.export import write_edge_csv

                write_edge_csv(G, sys.stdout)
            else:
                import json

                import networkx as nx

                click.echo(json.dumps(nx.node_link_data(G, edges="edges"), ensure_ascii=False, sort_keys=True))
            return
        try:
            export_graph(G, output, fmt, manifest=manifest)
            write_manifest(output, manifest)
        except OSError as exc:
            raise UserError(f"{output}: cannot write: {exc.strerror or exc}") from None
        echo_err(f"Wrote {output}: {G.number_of_nodes()} nodes, {G.number_of_edges()} edges ({fmt})", quiet)
