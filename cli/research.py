"""``influence evaluate``, ``influence sweep`` and ``influence tune``: the researcher's toolkit.

Thin wrappers over :mod:`influence.evaluate` and :mod:`influence.sweep`.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable

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
    refuse_output,
    render,
    resolve_config,
)
from ._progress import TerminalProgress, progress_for

METRIC_CHOICES = ("kendall", "spearman", "precision", "ndcg")
EVAL_COLUMNS = ("kendall", "spearman", "precision_at_k", "ndcg_at_k", "n")


# -- shared options --------------------------------------------------------------------------------


_output_options = output_options(None)


def _truth_options(f: Callable) -> Callable:
    """Where the ground truth comes from, and the simulation's parameters."""
    options = [
        click.option("--truth", default="sir", show_default=True, metavar="sir|ic|FILE",
                     help="Ground truth: SIR or Independent Cascade spreading power simulated on the "
                          "sector's graph, or a CSV file of known influencers (`actor` or "
                          "`actor,score` per line)."),
        click.option("--runs", type=click.IntRange(min=1), default=100, show_default=True,
                     help="Simulations per source actor."),
        click.option("--beta-factor", type=click.FloatRange(min=0), default=1.5, show_default=True,
                     help="SIR infection probability as a multiple of the graph's epidemic threshold."),
        click.option("--ic-prob", type=click.FloatRange(0, 1), default=None,
                     help="IC: activation probability per interaction. Default: weighted cascade "
                          "(the share of the listener's attention)."),
        click.option("--sample", type=click.IntRange(min=1), default=None,
                     help="Simulate from a random sample of this many actors (large sectors)."),
        click.option("--platform", default="import", show_default=True,
                     help="Platform of ids in a truth FILE that are not canonical (`42` = `import:42`)."),
        click.option("--k", "k", type=click.IntRange(min=1), default=10, show_default=True,
                     help="Cut-off of precision@k and NDCG@k."),
        click.option("--seed", type=click.IntRange(min=0), default=None,
                     help="Seed of the simulation and the search (default 0); when given, also of "
                          "randomised measures and of the demo sector."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def _check_truth_arg(truth: str) -> None:
    """Fail on a missing truth file before the sector is even opened."""
    if truth not in ("sir", "ic") and not os.path.isfile(truth):
        raise UserError(f"--truth: {truth}: no such file (give sir, ic or a CSV file of known influencers)")


def _make_truth(G, *, truth: str, runs: int, beta_factor: float, ic_prob, sample, platform: str,
                seed: int, quiet: bool, progress: TerminalProgress):
    from influence.evaluate import read_truth, spreading_truth

    if truth in ("sir", "ic"):
        t = spreading_truth(G, truth, beta_factor=beta_factor, p=ic_prob, runs=runs, sample=sample,
                            seed=seed, progress=progress.callback(f"Simulating {truth.upper()}"))
        progress.done()
        return t
    _check_truth_arg(truth)
    progress.step(f"Reading {os.path.basename(truth)}")
    t = read_truth(truth, nodes=list(G), platform=platform)
    progress.done()
    if t.unmatched:
        shown = ", ".join(t.unmatched[:3]) + (" ..." if len(t.unmatched) > 3 else "")
        echo_err(f"{truth}: {len(t.unmatched)} of {t.params['rows']} actors are not in the graph ({shown})",
                 quiet)
    if not t.values:
        raise UserError(f"--truth: {truth}: none of its {t.params['rows']} actors is in the sector's graph "
                        f"(ids are matched as written, then as {platform}:ID; see --platform)")
    return t


def _describe(truth) -> str:
    p = truth.params
    if truth.source == "sir":
        beta = f"beta {p['beta']:.4g}"
        if p.get("beta_factor") is not None:
            thr = p.get("threshold")
            beta += f" = {p['beta_factor']:g} x threshold {thr:.4g}" if thr is not None else " (no threshold)"
        return f"SIR spreading ({beta}, {_runs(p)}, seed {p['seed']}) from {p['sources']} actors"
    if truth.source == "ic":
        prob = "weighted cascade" if p.get("p") is None else f"p {p['p']:g} per interaction"
        return f"IC spreading ({prob}, {_runs(p)}, seed {p['seed']}) from {p['sources']} actors"
    kind = "known influencers" if truth.binary else "scored actors"
    return f"{p['file']}: {len(truth)} {kind}"


def _runs(p: dict) -> str:
    """"100 runs", or "1 run (certain: every edge transmits)" when only one was simulated."""
    if p.get("deterministic"):
        return "1 run: the outcome is certain, every edge transmits"
    return f"{p['runs']} run" + ("" if p["runs"] == 1 else "s")


#: Where the docs say what to do when the truth cannot tell actors apart.
_TIES_DOC = 'docs/evaluation.md, "When the truth cannot tell"'


def _truth_lines(truth, diag) -> tuple[str, str | None]:
    """The figures of :func:`influence.evaluate.truth_diagnostics` in one line, and a one-line
    warning with what to do when the truth cannot discriminate (else None)."""
    if diag.binary:
        listed = round(diag.n * (1 - diag.at_minimum)) if diag.minimum == 0 else diag.n
        figures = f"Truth: {listed:,} of {diag.n:,} compared actors are on the list of influencers"
    else:
        figures = (f"Truth: {diag.distinct:,} distinct values over {diag.n:,} actors; "
                   f"{diag.tied_pairs:.1%} of pairs tied; {diag.at_minimum:.1%} at the minimum "
                   f"({diag.minimum:g})")
    if diag.discriminates:
        return figures, None
    if truth.source in ("sir", "ic"):
        what = ("compare only actors someone gives attention to (--set filters.min_interactions=1), "
                "try --truth ic (or sir) or another --beta-factor, or give --truth FILE of known "
                "influencers")
    else:
        what = "use a truth file with more distinct scores, or a simulated truth (--truth sir|ic)"
    return figures, (f"Warning: the ground truth cannot tell these actors apart ({diag.reason}): "
                     f"a high Kendall or Spearman means little here. To do: {what} ({_TIES_DOC}).")


def _report_truth(truth, diag, quiet: bool) -> dict:
    """Print the truth's figures (and warning) on stderr; their dict for JSON rows and manifests."""
    figures, warning = _truth_lines(truth, diag)
    echo_err(figures, quiet)
    if warning is not None:
        echo_err(warning, quiet)
    return {**diag.to_dict(), "warning": warning}


def _warn_truth(truth, quiet: bool) -> None:
    """The warning of `influence evaluate` for sweep and tune (on every actor of a simulated or
    scored truth; a list of known influencers is tied by design)."""
    from influence.evaluate import truth_diagnostics

    if truth.binary or len(truth) < 2:
        return
    _figures, warning = _truth_lines(truth, truth_diagnostics(truth))
    if warning is not None:
        echo_err(warning, quiet)


def _setup(sector, config_file, assignments, seed, quiet, progress: TerminalProgress):
    """Open the sector, resolve the config, build the graph (as `influence rank` does: with the
    sector's competitors and keywords)."""
    sec = open_sector_arg(sector, seed=seed or 0)
    try:
        cfg = resolve_config(sec.ranking, config_file, assignments, seed)
        counts = sec.store.counts()
        echo_err(f"Sector {sec.name}: {counts['actors']} actors, {counts['interactions']} interactions",
                 quiet)
        progress.step("Building the graph")
        G = sec.graph(cfg)
    except BaseException:
        sec.close()
        raise
    return sec, cfg, G


def _fmt_weights(w: dict | None) -> str:
    if not w:
        return ""
    return ", ".join(f"{m}={v:g}" for m, v in w.items())


# -- commands --------------------------------------------------------------------------------------


@click.command("evaluate")
@click.argument("sector")
@_truth_options
@config_options
@_output_options
@quiet_option
def evaluate_cmd(sector, truth, runs, beta_factor, ic_prob, sample, platform, k, seed, config_file,
                 assignments, fmt, output, quiet):
    """Evaluate every measure and the composite ranking of SECTOR against a ground truth.

    The ground truth is each actor's spreading power, simulated on the sector's own graph (SIR by
    default, or Independent Cascade; influence spreads from whoever receives attention to whoever
    gives it), or a CSV file of known influencers. Each row compares one single measure, then the
    configured composite, with it: Kendall tau-b, Spearman rho, precision@k and NDCG@k, over the
    actors the ranking lists.

    \b
    Example:
      influence evaluate demo
      influence evaluate blogs.db --truth ic --runs 500 --format csv -o eval.csv
      influence evaluate coffee.toml --truth leaders.csv --set measures.pagerank=1
    """
    from influence.config import MEASURE_NAMES
    from influence.evaluate import evaluate_measures
    from influence.manifest import make_manifest

    sim_seed = 0 if seed is None else seed
    _check_truth_arg(truth)
    with progress_for(quiet) as progress:
        sec, cfg, G = _setup(sector, config_file, assignments, seed, quiet, progress)
        with sec:
            t = _make_truth(G, truth=truth, runs=runs, beta_factor=beta_factor, ic_prob=ic_prob,
                            sample=sample, platform=platform, seed=sim_seed, quiet=quiet,
                            progress=progress)
            echo_err(f"Ground truth: {_describe(t)}", quiet)
            progress.step(f"Evaluating {len(MEASURE_NAMES)} measures and the composite")
            results = evaluate_measures(G, t, cfg, k=k)
            progress.done()
            diagnostics = _report_truth(t, results[-1].evaluation.truth, quiet)
            rows = [{**r.to_dict(), "truth": diagnostics} for r in results]
            fmt = choose_format(fmt, output)
            manifest = None
            if output is not None:
                manifest = make_manifest(command="evaluate", sector=sec, config=cfg, seed=sim_seed,
                                         truth=t.params, truth_diagnostics=diagnostics, k=k, format=fmt)
            emit(render(rows, ("measure", "weight", *EVAL_COLUMNS), fmt), output, manifest, quiet)
    comp = rows[-1]
    best = max(rows[:-1], key=lambda r: -math.inf if r["kendall"] is None else r["kendall"], default=None)
    if best is not None and best["kendall"] is not None and comp["kendall"] is not None:
        echo_err(f"Composite Kendall tau {comp['kendall']:.3f}; best single measure "
                 f"{best['measure']} {best['kendall']:.3f} (n = {comp['n']}, k = {k})"
                 + ("" if diagnostics["discriminates"] else " (the truth cannot tell: see the warning)"),
                 quiet)


@click.command("sweep")
@click.argument("sector")
@click.option("--grid", "grid_file", required=True, type=click.Path(dir_okay=False),
              help="TOML file: a [grid] table of dotted config keys and the values to try "
                   "(lists; {min, max} ranges with --random).")
@click.option("--metric", type=click.Choice(METRIC_CHOICES), default="kendall", show_default=True,
              help="Sort the points by this metric, best first.")
@click.option("--random", "n_random", type=click.IntRange(min=1), default=None,
              help="Evaluate this many random points (drawn with --seed) instead of the full grid.")
@_truth_options
@config_options
@_output_options
@quiet_option
def sweep_cmd(sector, grid_file, metric, n_random, truth, runs, beta_factor, ic_prob, sample, platform, k,
              seed, config_file, assignments, fmt, output, quiet):
    """Search ranking parameters of SECTOR: rank with every point of a grid, evaluate each.

    Any key of the ranking configuration can be swept (measure weights, pagerank.alpha,
    normalization, edge_weights.<kind>, graph.*). The ground truth (as for `influence evaluate`)
    is computed once, on the graph of the base configuration. The table lists the points best
    first by --metric. Same sector, grid and seed: same table.

    \b
    grid.toml:
      [grid]
      "measures.pagerank" = [0.2, 0.5, 0.8]
      "measures.in_degree" = [0.0, 0.5]
      "pagerank.alpha" = [0.75, 0.85, 0.95]

    \b
    Example:
      influence sweep demo --grid grid.toml
      influence sweep blogs.db --grid grid.toml --random 50 --seed 1 --format csv -o sweep.csv
    """
    from influence.sweep import grid_points, read_grid, sweep

    sim_seed = 0 if seed is None else seed
    grid = read_grid(grid_file)
    grid_points(grid, random=n_random, seed=sim_seed)  # fail before the simulation, not after
    _check_truth_arg(truth)
    with progress_for(quiet) as progress:
        sec, cfg, G = _setup(sector, config_file, assignments, seed, quiet, progress)
        with sec:
            t = _make_truth(G, truth=truth, runs=runs, beta_factor=beta_factor, ic_prob=ic_prob,
                            sample=sample, platform=platform, seed=sim_seed, quiet=quiet,
                            progress=progress)
            echo_err(f"Ground truth: {_describe(t)}", quiet)
            _warn_truth(t, quiet)
            res = sweep(G, t, grid, config=cfg, metric=metric, random=n_random, k=k, seed=sim_seed,
                        build=sec.graph, progress=progress.callback("Sweeping"))
            progress.done()
            _sweep_output(sec, cfg, t, res, grid, metric, n_random, k, sim_seed, fmt, output, quiet)


def _sweep_output(sec, cfg, t, res, grid, metric, n_random, k, sim_seed, fmt, output, quiet):
    """The sweep's table, manifest and summary line."""
    from influence.manifest import make_manifest

    rows = res.to_records()
    fmt = choose_format(fmt, output)
    manifest = None
    if output is not None:
        manifest = make_manifest(command="sweep", sector=sec, config=cfg, seed=sim_seed,
                                 truth=t.params, grid=grid, metric=metric, random=n_random, k=k,
                                 points=len(rows), format=fmt)
    columns = ("rank", *res.keys, *EVAL_COLUMNS)
    emit(render(rows, columns, fmt), output, manifest, quiet)
    best = res.best
    shown = " ".join(f"{key}={val!r}" if isinstance(val, str) else f"{key}={val}"
                     for key, val in best.values.items())
    value = best.evaluation.metric(metric)
    echo_err(f"{len(rows)} points" + (f" ({res.skipped} with all weights 0 skipped)" if res.skipped else "")
             + f"; best {metric} {value:.3f}: {shown}", quiet)


@click.command("tune")
@click.argument("sector")
@click.option("--metric", type=click.Choice(METRIC_CHOICES), default="kendall", show_default=True,
              help="The metric to maximise.")
@click.option("--trials", type=click.IntRange(min=0), default=200, show_default=True,
              help="Random weight vectors tried before the coordinate refinement.")
@click.option("--holdout", type=click.FloatRange(0, 0.9), default=0.3, show_default=True,
              help="Share of the actors held out to report a test figure (0: fit on all).")
@click.option("--measures", default=None, metavar="NAME,NAME...",
              help="Measures to weight (default: all).")
@click.option("--save-config", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write the tuned configuration as TOML, for --config or a sector's [ranking].")
@_truth_options
@config_options
@_output_options
@quiet_option
def tune_cmd(sector, metric, trials, holdout, measures, save_config, truth, runs, beta_factor, ic_prob,
             sample, platform, k, seed, config_file, assignments, fmt, output, quiet):
    """Fit the composite's measure weights of SECTOR to its own spreading simulation.

    A seeded search over the measure weights (random weight vectors, then coordinate steps)
    maximises --metric against the ground truth (as for `influence evaluate`) on part of the
    actors; the table compares the tuned weights with the configured ones and with every single
    measure, on the fit actors and on the held-out test actors. Use the weights with --set, or
    save them with --save-config and pass that file to --config.

    \b
    Example:
      influence tune demo --save-config tuned.toml
      influence rank demo --config tuned.toml
      influence tune blogs.db --truth ic --metric ndcg --k 20 --format json -o tune.json
    """
    from influence.sweep import tune

    sim_seed = 0 if seed is None else seed
    names = None
    if measures is not None:
        from influence.config import MEASURE_NAMES

        names = [m.strip() for m in measures.split(",") if m.strip()]
        unknown = [m for m in names if m not in MEASURE_NAMES]
        if unknown or not names:
            raise UserError(f"--measures: unknown measure {unknown[0]!r} (known: {', '.join(MEASURE_NAMES)})"
                            if unknown else "--measures: give at least one measure name")
    _check_truth_arg(truth)
    with progress_for(quiet) as progress:
        sec, cfg, G = _setup(sector, config_file, assignments, seed, quiet, progress)
        with sec:
            t = _make_truth(G, truth=truth, runs=runs, beta_factor=beta_factor, ic_prob=ic_prob,
                            sample=sample, platform=platform, seed=sim_seed, quiet=quiet,
                            progress=progress)
            echo_err(f"Ground truth: {_describe(t)}", quiet)
            _warn_truth(t, quiet)
            res = tune(G, t, config=cfg, metric=metric, k=k, measures=names, trials=trials,
                       holdout=holdout, seed=sim_seed, progress=progress.callback("Tuning"))
            progress.done()
            _tune_output(sec, t, res, names, metric, k, trials, holdout, save_config, sim_seed, fmt,
                         output, quiet)


def _tune_output(sec, t, res, names, metric, k, trials, holdout, save_config, sim_seed, fmt, output,
                 quiet):
    """The tuning table, manifest, saved configuration and summary line."""
    from influence.manifest import make_manifest, write_manifest

    fmt = choose_format(fmt, output)
    rows = [dict(r) for r in res.rows]
    for r in rows:
        r["fit"] = _clean(r["fit"])
        r["test"] = _clean(r["test"])
        if fmt in ("table", "csv"):
            r["weights"] = _fmt_weights(r["weights"])
    params = {"truth": t.params, "metric": metric, "k": k, "trials": trials, "holdout": holdout,
              "measures": names, "weights": res.weights}
    manifest = None
    if output is not None:
        manifest = make_manifest(command="tune", sector=sec, config=res.config, seed=sim_seed,
                                 format=fmt, **params)
    emit(render(rows, ("config", "fit", "test", "weights"), fmt), output, manifest, quiet)
    if save_config is not None:
        try:
            from influence.atomic import atomic_write

            refuse_output(save_config)
            with atomic_write(save_config, "w", encoding="utf-8") as fh:
                fh.write(res.config.to_toml())
            write_manifest(save_config, make_manifest(command="tune", sector=sec, config=res.config,
                                                      seed=sim_seed, **params))
        except OSError as exc:
            raise UserError(f"{save_config}: cannot write: {exc.strerror or exc}") from None
        echo_err(f"Wrote {save_config}", quiet)
    test = f", test {res.test.metric(metric):.3f}" if res.test is not None else ""
    echo_err(f"Tuned {metric}: fit {res.fit.metric(metric):.3f}{test} on {res.n_fit}+{res.n_test} "
             f"actors ({res.candidates} weight vectors tried); weights: "
             f"{_fmt_weights({m: w for m, w in res.weights.items() if w > 0})}", quiet)


def _clean(x):
    return None if x is None or (isinstance(x, float) and not math.isfinite(x)) else round(float(x), 6)
