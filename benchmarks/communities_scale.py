"""Community detection at scale: the default path of influence vs igraph's multilevel (Louvain).

Usage::

    python benchmarks/communities_scale.py --size small    # 100k actors / 500k interactions (~1 min)
    python benchmarks/communities_scale.py --size large    # 1M actors / 5M interactions (~5 min)
    python benchmarks/communities_scale.py --size small --cli   # also time `influence rank` end to end

What it does: generates the seeded power-law interaction graph of benchmarks/rank_scale.py, writes
it into a sector store (not timed), then, each in its own subprocess so peak memory is measured
separately (``ru_maxrss``):

- influence: ``build_arrays`` (not timed), then what ``influence rank`` / ``shortlist`` / ``report``
  run first: ``detect_communities(GraphView.from_arrays(arrays), seed=0)`` with the defaults (the
  networkit engine, best of up to 10 PLM runs within the edge budget, ``min_size=5``), timed
  from the view to the Partition, ``import networkit`` timed apart; the projected edges are saved
  for the other process;
- igraph: the same projected edges (sum projection: both directions and every interaction kind
  summed, with the default kind weights) as an undirected weighted graph, then
  ``community_multilevel(weights=..., return_levels=False)`` timed on its own (igraph is seeded
  through Python's ``random``, ``random.seed(0)``).

Both partitions are scored by the same numpy modularity on the same edges. It prints seconds, the
influence/igraph ratio, modularity, the community size distribution (communities, largest, median,
and the communities under 5 members with the actors in them) and peak memory. igraph is a
benchmark-only dependency (``pip install -e '.[bench]'``); without it only influence runs.
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

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rank_scale import SIZES, make_edges, write_store


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def sizes_summary(labels: np.ndarray) -> dict:
    counts = np.bincount(np.unique(labels, return_inverse=True)[1].ravel())
    small = counts < 5
    return {"communities": len(counts), "largest": int(counts.max()), "median": float(np.median(counts)),
            "under_5": int(small.sum()), "actors_under_5": int(counts[small].sum())}


def run_influence(store_path: str, edge_path: str) -> dict:
    import influence
    from influence.communities import detect_communities
    from influence.communities._networkit import sum_projection as _sum_projection
    from influence.config import RankingConfig
    from influence.graph import build_arrays
    from influence.measures import GraphView

    out: dict = {}
    store = influence.Store(store_path, readonly=True)
    arrays = build_arrays(store, RankingConfig())
    t = time.perf_counter()
    import networkit  # noqa: F401

    out["import networkit"] = time.perf_counter() - t
    view = GraphView.from_arrays(arrays)
    t = time.perf_counter()
    part = detect_communities(view, seed=0)
    out["detect"] = time.perf_counter() - t
    out["_modularity"] = part.modularity
    out["_runs"] = part.runs
    labels = np.array([part.membership[v] for v in view.nodes])
    # sizes before the merge into "other": give every OTHER actor's group back its identity
    raw = _raw_labels(view, part)
    out["_sizes"] = sizes_summary(raw)
    out["_other"] = int((labels == -1).sum())
    coo = view.A.tocoo()
    u, v, w = _sum_projection(view.n, coo.row, coo.col, coo.data)
    np.savez(edge_path, u=u, v=v, w=w, n=view.n)
    out["_nodes"], out["_edges"] = view.n, len(u)
    out["_peak_mb"] = peak_mb()
    return out


def _raw_labels(view, part) -> np.ndarray:
    """Labels with the merged small communities split again by connected component of the
    projection restricted to them (the merge hides how many tiny groups there were)."""
    import scipy.sparse as sp
    from scipy.sparse.csgraph import connected_components

    labels = np.array([part.membership[v] for v in view.nodes])
    other = np.flatnonzero(labels == -1)
    if len(other) == 0:
        return labels
    A = view.A
    sub = (A + A.T)[other][:, other]
    _, comp = connected_components(sp.csr_array(sub), directed=False)
    labels = labels.copy()
    labels[other] = labels.max() + 1 + comp
    return labels


def run_igraph(edge_path: str) -> dict:
    import random

    import igraph as ig

    from influence.communities._networkit import modularity_of as _modularity

    out: dict = {}
    data = np.load(edge_path)
    u, v, w, n = data["u"], data["v"], data["w"], int(data["n"])
    t = time.perf_counter()
    g = ig.Graph(n=n, edges=np.column_stack([u, v]).tolist(), directed=False)
    g.es["weight"] = w.tolist()
    out["build"] = time.perf_counter() - t
    random.seed(0)
    t = time.perf_counter()
    cl = g.community_multilevel(weights="weight")
    out["detect"] = time.perf_counter() - t
    labels = np.asarray(cl.membership, dtype=np.int64)
    out["_modularity"] = _modularity(labels, u, v, w)
    out["_sizes"] = sizes_summary(labels)
    out["_peak_mb"] = peak_mb()
    return out


def run_cli(store_path: str) -> dict:
    out = {}
    for label, extra in (("influence rank", []), ("influence rank --no-communities", ["--no-communities"])):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "influence", "rank", store_path, "--top", "5", "-q", *extra],
                       check=True, capture_output=True)
        out[label] = time.perf_counter() - t
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", choices=sorted(SIZES), default="small")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--cli", action="store_true", help="also time `influence rank` with and without communities")
    ap.add_argument("--part", choices=["influence", "igraph"], help=argparse.SUPPRESS)
    ap.add_argument("--path", nargs="*", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.part == "influence":
        print(json.dumps(run_influence(*args.path)))
        return
    if args.part == "igraph":
        print(json.dumps(run_igraph(*args.path)))
        return

    n, m = SIZES[args.size]
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        src, dst, kind = make_edges(n, m, args.seed)
        store_path = os.path.join(tmp, "bench.db")
        write_store(store_path, src, dst, kind)
        edge_path = os.path.join(tmp, "projected.npz")
        print(f"# communities_scale --size {args.size} --seed {args.seed}: {n:,} actors, {len(src):,} "
              f"interactions (store written in {time.perf_counter() - t:.1f} s, not timed)", flush=True)
        for part, paths in (("influence", [store_path, edge_path]), ("igraph", [edge_path])):
            proc = subprocess.run([sys.executable, __file__, "--part", part, "--path", *paths],
                                  capture_output=True, text=True, check=False)
            if proc.returncode != 0:
                print(f"# {part}: failed: {proc.stderr.strip().splitlines()[-1] if proc.stderr else '?'}")
                continue
            results[part] = json.loads(proc.stdout)
        cli = run_cli(store_path) if args.cli else {}
    inf, ig = results.get("influence", {}), results.get("igraph", {})
    if inf:
        print(f"# projected graph: {inf['_nodes']:,} actors, {inf['_edges']:,} undirected edges; "
              f"influence made {inf['_runs']} PLM run(s)")
    print(f"{'':<34}{'influence':>12}{'igraph':>12}{'ratio':>8}")
    a, b = inf.get("detect"), ig.get("detect")
    print(f"{'detection s':<34}{_fmt(a):>12}{_fmt(b):>12}{(f'{a / b:.2f}' if a and b else '-'):>8}")
    print(f"{'import networkit / igraph build s':<34}{_fmt(inf.get('import networkit')):>12}{_fmt(ig.get('build')):>12}")
    print(f"{'modularity':<34}{_fmt(inf.get('_modularity'), 4):>12}{_fmt(ig.get('_modularity'), 4):>12}"
          f"{_fmt((inf.get('_modularity') or 0) - (ig.get('_modularity') or 0), 4):>8}")
    for key in ("communities", "largest", "median", "under_5", "actors_under_5"):
        print(f"{'  ' + key:<34}{_fmt(inf.get('_sizes', {}).get(key), 0):>12}{_fmt(ig.get('_sizes', {}).get(key), 0):>12}")
    print(f"{'  actors in other (-1)':<34}{_fmt(inf.get('_other'), 0):>12}")
    print(f"{'peak memory MB':<34}{_fmt(inf.get('_peak_mb'), 0):>12}{_fmt(ig.get('_peak_mb'), 0):>12}")
    for label, s in cli.items():
        print(f"{label + ' s (whole command)':<34}{s:>12.2f}")
    print("# ratio: influence detection (from the view: projection, PLM runs, modularity, ids) over igraph's "
          "community_multilevel alone; modularity difference influence - igraph")


def _fmt(x, digits: int = 2) -> str:
    return "-" if x is None else f"{x:.{digits}f}"


if __name__ == "__main__":
    main()
