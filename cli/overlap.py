"""``influence overlap``: the audience overlap matrix of a shortlist, or of the actors named."""

from __future__ import annotations

import difflib

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

#: Most actors one matrix holds (the audiences of all of them are compared densely).
MAX_ACTORS = 200


def _resolve(view, accounts: dict, wanted: tuple[str, ...]) -> list:
    """Node ids for the ids given: a node id, or one of its accounts (merged identities)."""
    by_account = {}
    for node, text in accounts.items():
        for a in str(text).split():
            by_account.setdefault(a, node)
    nodes = set(view.nodes)
    out = []
    for a in wanted:
        node = a if a in nodes else by_account.get(a)
        if node is None:
            near = difflib.get_close_matches(a, [str(v) for v in view.nodes], n=3, cutoff=0.6)
            hint = f" (did you mean {', '.join(near)}?)" if near else " (use the ids `influence shortlist` prints)"
            raise UserError(f"unknown actor {a!r}: not in this sector's graph{hint}")
        if node in out:
            raise UserError(f"actor {a!r} is listed twice" + (f" (as {node!r})" if node != a else ""))
        out.append(node)
    return out


def overlap_rows(view, actors: list, *, weighted: bool = False, names: dict | None = None) -> list[dict]:
    """One row per actor: its audience size, its largest overlap with another listed actor, and
    its overlap with each of them (``overlap``: ``{actor: value}``)."""
    import numpy as np

    from influence.reach import _index, _matrix, _overlaps

    nodes, S = _matrix(view)
    idx = _index(nodes, actors)
    jac, wj, shared = _overlaps(S, idx)
    M = wj if weighted else jac
    sizes = np.diff(S.indptr)[idx]
    names = names or {}
    rows = []
    for i, a in enumerate(actors):
        others = [j for j in range(len(actors)) if j != i]
        j = max(others, key=lambda j: (M[i, j], -j)) if others else None
        rows.append({
            "rank": i + 1,
            "actor": a,
            "name": names.get(a, a),
            "audience": int(sizes[i]),
            "max_overlap": round(float(M[i, j]), 4) if j is not None else None,
            "max_with": actors[j] if j is not None else None,
            "shared_with_max": int(shared[i, j]) if j is not None else None,
            "overlap": {b: round(float(M[i, k]), 4) for k, b in enumerate(actors)},
        })
    return rows


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
    from influence import rank
    from influence.graph import build_arrays
    from influence.manifest import make_manifest
    from influence.measures import GraphView
    from influence.reach import _node_attr

    from ._progress import progress_for

    with open_sector_arg(sector) as sec, progress_for(quiet) as progress:
        cfg = resolve_config(sec.ranking, config_file, assignments)
        progress.step("Building the graph")
        arrays = build_arrays(sec.store, cfg, competitors=sec.competitor_map(), keywords=sec.keywords)
        view = GraphView.from_arrays(arrays)
        names = _node_attr(view, "name")
        if actors and strategy != "score":
            raise UserError("--strategy chooses the actors when none are named: give ACTOR ids or --strategy, not both")
        if actors:
            chosen = _resolve(view, _node_attr(view, "accounts"), actors)
        else:
            if not view.n:
                raise UserError(f"sector {sec.name} has no actors yet: import or crawl some first")
            progress.step(f"Ranking {view.n:,} actors")
            result = translate_errors(lambda: rank(view, cfg))
            k = top or len(result)
            if strategy == "score":
                chosen = [e.actor for e in result.entries[:k]]
            else:
                from .reach_cli import reach_rows

                progress.step(f"Selecting the {strategy} set (IC reach model, seeded)")
                chosen = [r["actor"] for r in translate_errors(lambda: reach_rows(
                    view, result, min(k, MAX_ACTORS + 1), seed=cfg.seed, strategy=strategy,
                    progress=progress))]
        progress.done()
        if len(chosen) > MAX_ACTORS:
            raise UserError(f"{len(chosen)} actors asked for: at most {MAX_ACTORS} fit one overlap matrix "
                            f"(lower --top or list fewer actors)")
        if len(chosen) < 2:
            raise UserError("an overlap needs at least two actors")
        echo_err(f"Audience overlap of {len(chosen)} actors in {sec.name} "
                 f"({'weighted Jaccard' if weighted else 'Jaccard'})", quiet)
        rows = overlap_rows(view, chosen, weighted=weighted, names=names)
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
                                     actors=list(chosen), weighted=weighted,
                                     strategy=None if actors else strategy)
        emit(render(rows, columns, fmt), output, manifest, quiet)
