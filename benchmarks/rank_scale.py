"""Ranking at scale: influence vs python-igraph on the same seeded power-law interaction graphs.

Usage::

    python benchmarks/rank_scale.py --size small     # 100k nodes / 500k edges (< 1 minute)
    python benchmarks/rank_scale.py --size large     # 1M nodes / 5M edges (several minutes)
    python benchmarks/rank_scale.py --store sector.db --edges edges.npz --steps coreness betweenness

``--store``/``--edges`` reuse a graph already written (a store, read only, and the same edges as
``.npz`` with ``src``, ``dst`` and ``n``, as ``benchmarks/cli_scale.py`` leaves them) instead of
generating one; ``--steps`` times only some measures (the graph build and conversion always run); ``--repeat N``
times each measure N times and keeps the fastest (the machine's other jobs slow runs unevenly).

What it does: generates a directed power-law interaction graph (seeded), writes it into a sector
store (not timed: that is the importer's job), then, each in its own subprocess so peak memory is
measured separately (``ru_maxrss``):

- influence: graph build from the store's arrays (``build_arrays``), the conversion to the shared
  CSR view, each measure alone on a view that holds only that weighted matrix (the transposed,
  binary or undirected matrix a measure needs is in its time; in a ranking the measures share
  them), and the whole default ranking (``rank`` with the default config);
- igraph: graph build from the same edge list, then the same measures (in-strength, PageRank,
  HITS, k-core, sampled betweenness from the same number of sources, directed and undirected).

It prints seconds per step, the influence/igraph ratio and the peak memory of each process.
igraph is a benchmark-only dependency (``pip install -e '.[bench]'``); without it only influence runs.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

import numpy as np

SIZES = {"small": (100_000, 500_000), "large": (1_000_000, 5_000_000)}
KINDS = ("mention", "reply", "reshare", "like")
BETWEENNESS_SOURCES = 64
#: the measure steps, in the order they run (HITS and Katz build the transpose coreness reuses)
STEPS = ("in_strength", "in_degree", "pagerank", "katz", "hits_authority", "coreness", "betweenness",
         "betweenness undir", "default ranking")


def make_edges(n: int, m: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A directed power-law graph: in- and out-activity drawn from Zipf-like weights (exponent
    about 2.1 for in-degree, the heavier tail, and 2.5 for out-degree), seeded."""
    rng = np.random.default_rng(seed)
    ranks = np.arange(1, n + 1, dtype=float)
    p_in = ranks ** -0.9
    p_in /= p_in.sum()
    p_out = ranks ** -0.6
    p_out /= p_out.sum()
    dst = rng.permutation(n)[rng.choice(n, size=m, p=p_in)]
    src = rng.permutation(n)[rng.choice(n, size=m, p=p_out)]
    keep = src != dst
    kind = rng.integers(0, len(KINDS), size=m)
    return src[keep], dst[keep], kind[keep]


def write_store(path: str, src, dst, kind) -> None:
    from influence.records import Interaction
    from influence.store import Store

    store = Store(path)
    kinds = [KINDS[k] for k in kind.tolist()]
    store.write(Interaction(f"import:{u}", f"import:{v}", k)
                for u, v, k in zip(src.tolist(), dst.tolist(), kinds))
    store.close()


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def timed(label: str, fn, out: dict, repeat: int = 1):
    """``fn()`` timed ``repeat`` times; ``out[label]`` is the fastest (the run the other jobs on a
    shared machine slowed least), ``out[label + " runs"]`` every one."""
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        value = fn()
        runs.append(time.perf_counter() - t)
    out[label] = min(runs)
    if repeat > 1:
        out[f"_{label} runs"] = runs
    return value


def run_influence(store_path: str, steps: tuple[str, ...] = STEPS, repeat: int = 1) -> dict:
    import influence
    import influence.ranking  # noqa: F401  (import scipy.stats etc. before timing, as igraph is)
    from influence.config import RankingConfig
    from influence.graph import build_arrays
    from influence.measures import MEASURES, GraphView

    out: dict = {}
    store = influence.Store(store_path, readonly=True)
    cfg = RankingConfig()
    arrays = timed("build graph", lambda: build_arrays(store, cfg), out)
    view = GraphView.from_arrays(arrays)
    timed("to CSR", lambda: view.A, out)
    one = cfg.with_values({"betweenness.k": BETWEENNESS_SOURCES, "betweenness.exact_max_nodes": 0})
    undirected = one.with_values({"betweenness.directed": False})

    def alone(name: str, config):
        # each measure on a view holding only the weighted matrix, as igraph's graph is built:
        # the transpose, binary and undirected matrices it needs are in its time
        fresh = GraphView.from_arrays(arrays)
        fresh.__dict__["A"] = view.A
        return lambda: MEASURES[name](fresh, config)

    for step in ("in_strength", "in_degree", "pagerank", "katz", "hits_authority", "coreness", "betweenness",
                 "betweenness undir"):
        if step in steps:
            name, config = ("betweenness", undirected) if step == "betweenness undir" else (step, one)
            runs = []
            for _ in range(repeat):
                fn = alone(name, config)
                t = time.perf_counter()
                fn()
                runs.append(time.perf_counter() - t)
            out[step] = min(runs)
            if repeat > 1:
                out[f"_{step} runs"] = runs
    out["_nodes"], out["_edges"] = view.n, view.n_edges
    if "default ranking" in steps:
        fresh = GraphView.from_arrays(arrays)  # the whole default ranking, from the arrays
        result = timed("default ranking", lambda: influence.rank(fresh, cfg), out)
        out["_top5"] = [e.actor for e in result.top(5)]
    out["_peak_mb"] = peak_mb()
    return out


def run_igraph(edge_path: str, steps: tuple[str, ...] = STEPS, repeat: int = 1) -> dict:
    import igraph as ig

    out: dict = {}
    data = np.load(edge_path)
    src, dst, n = data["src"], data["dst"], int(data["n"])

    def build():
        g = ig.Graph(n=n, edges=np.column_stack([src, dst]).tolist(), directed=True)
        g.es["weight"] = np.ones(len(src)).tolist()
        g.simplify(combine_edges="sum")
        return g

    g = timed("build graph", build, out)
    sources = np.random.default_rng(0).choice(n, size=BETWEENNESS_SOURCES, replace=False).tolist()
    ranking = ("in_degree", "pagerank", "hits_authority")
    # igraph has no Katz centrality: PageRank, the same kind of sparse power iteration, stands in
    wanted = set(steps) | (set(ranking) if "default ranking" in steps else set())
    for name, fn in (("in_strength", lambda: g.strength(mode="in", weights="weight")),
                     ("in_degree", lambda: g.indegree()),
                     ("pagerank", lambda: g.pagerank(weights="weight")),
                     ("hits_authority", lambda: g.authority_score(weights="weight")),
                     ("coreness", lambda: g.coreness(mode="all")),
                     ("betweenness", lambda: g.betweenness(sources=sources, directed=True)),
                     ("betweenness undir", lambda: g.betweenness(sources=sources, directed=False))):
        if name in wanted:
            timed(name, fn, out, repeat)
    if "default ranking" in steps:
        out["default ranking"] = sum(out[k] for k in ranking)
    out["_peak_mb"] = peak_mb()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", choices=sorted(SIZES), default="small")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--store", help="an existing sector store of the graph (read, never written); "
                                    "with --edges, instead of generating the graph")
    ap.add_argument("--edges", help="the same graph's edges for igraph (.npz with src, dst, n)")
    ap.add_argument("--steps", nargs="+", choices=STEPS, default=list(STEPS), metavar="STEP",
                    help=f"time only these steps (default all: {', '.join(STEPS)})")
    ap.add_argument("--repeat", type=int, default=1,
                    help="time each measure this many times and keep the fastest (default 1)")
    ap.add_argument("--part", choices=["influence", "igraph"], help=argparse.SUPPRESS)
    ap.add_argument("--path", help=argparse.SUPPRESS)
    args = ap.parse_args()
    steps = tuple(args.steps)
    if args.part == "influence":
        print(json.dumps(run_influence(args.path, steps, args.repeat)))
        return
    if args.part == "igraph":
        print(json.dumps(run_igraph(args.path, steps, args.repeat)))
        return
    if bool(args.store) != bool(args.edges):
        ap.error("--store and --edges go together (the same graph for influence and igraph)")

    with tempfile.TemporaryDirectory() as tmp:
        if args.store:
            store_path, edge_path = args.store, args.edges
            with np.load(edge_path) as data:
                n, m = int(data["n"]), len(data["src"])
            print(f"# rank_scale --store {store_path} --edges {edge_path}: {n:,} nodes, {m:,} interactions; "
                  f"load average {_load()}")
        else:
            n, m = SIZES[args.size]
            t = time.perf_counter()
            src, dst, kind = make_edges(n, m, args.seed)
            store_path = os.path.join(tmp, "bench.db")
            write_store(store_path, src, dst, kind)
            edge_path = os.path.join(tmp, "edges.npz")
            np.savez(edge_path, src=src, dst=dst, n=n)
            print(f"# rank_scale --size {args.size} --seed {args.seed}: {n:,} nodes, {len(src):,} interactions "
                  f"(store written in {time.perf_counter() - t:.1f} s, not timed below); load average {_load()}")
        results = {}
        for part, path in (("influence", store_path), ("igraph", edge_path)):
            proc = subprocess.run([sys.executable, __file__, "--part", part, "--path", path, "--steps", *steps,
                                   "--repeat", str(args.repeat)],
                                  capture_output=True, text=True)
            if proc.returncode != 0:
                print(f"# {part}: failed: {proc.stderr.strip().splitlines()[-1] if proc.stderr else '?'}")
                continue
            results[part] = json.loads(proc.stdout)
    inf, ig = results.get("influence", {}), results.get("igraph", {})
    if inf:
        print(f"# graph: {inf['_nodes']:,} nodes, {inf['_edges']:,} edges; influence top 5: {inf.get('_top5', '-')}")
    print(f"{'step':<18}{'influence s':>13}{'igraph s':>11}{'ratio':>8}")
    steps = [k for k in inf if not k.startswith("_")] or [k for k in ig if not k.startswith("_")]
    for step in steps:
        a, b = inf.get(step), ig.get(step)
        ratio = f"{a / b:.2f}" if a is not None and b else "-"
        print(f"{step:<18}{_fmt(a):>13}{_fmt(b):>11}{ratio:>8}")
    print(f"{'peak memory MB':<18}{_fmt(inf.get('_peak_mb'), 0):>13}{_fmt(ig.get('_peak_mb'), 0):>11}")
    if args.repeat > 1:
        for step in steps:
            a, b = inf.get(f"_{step} runs"), ig.get(f"_{step} runs")
            if a or b:
                print(f"# {step} runs (s): influence {_runs(a)}; igraph {_runs(b)}")
    print(f"# load average at the end: {_load()}")
    print("# 'default ranking' (in-degree, Katz, HITS authority): for igraph the time of in-degree +"
          " HITS authority + PageRank (igraph has no Katz; PageRank is the same kind of sparse power"
          " iteration); for influence it also includes normalisation, the composite and the"
          " explanations (built for the top entries read).")
    print(f"# betweenness: {BETWEENNESS_SOURCES} sampled sources in both, along edges, then ignoring direction"
          " ('undir'). coreness: igraph's mode='all' counts"
          " a reciprocal pair twice, influence once (the k-core of the undirected projection).")


def _runs(xs) -> str:
    return " ".join(f"{x:.2f}" for x in xs) if xs else "-"


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _fmt(x, digits: int = 2) -> str:
    return "-" if x is None else f"{x:.{digits}f}"


if __name__ == "__main__":
    main()
