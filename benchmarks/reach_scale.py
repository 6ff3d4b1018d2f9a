"""Time and memory of the reach selection (k = 20) on a 100,000-actor / 500,000-edge graph.

The graph is synthetic and seeded (no dataset of that size ships here): ``--nodes`` actors, each
edge ``u -> v`` (u gives attention to v) with u uniform and v drawn with probability proportional
to a heavy-tailed popularity ``(i + 1) ** -0.9`` (shuffled), duplicates and self-loops dropped until
``--edges`` distinct edges remain, each carrying 1 to 5 interactions. It is handed to influence as a
``GraphView`` of a networkx graph, as ``influence shortlist`` hands it the store's arrays.

Printed, side by side:

* ``reach (RIS)``: ``select_reach(view, 20, ranking=rank(view))`` as a user gets it
  (``method="auto"``, i.e. RIS over every ranked actor with IMM's count of RR sets, Independent
  Cascade with the weighted-cascade probabilities);
* ``reference (CELF)``: the Monte Carlo greedy (CELF on shared live-edge worlds) over the top 50
  of the ranking with 20 worlds, the most the per-candidate simulation fits in memory here (every
  candidate's reach is stored per world);
* ``top-20 PageRank``: no selection, for the reach it gets.

The expected reach of each set is measured on ``--eval-sets`` fresh RR sets (a seed no selection
used): ``n`` times the share of the sets a seed set hits, an unbiased estimate of the spread.
Time is wall-clock; memory is the peak resident size of the process after each step (it only grows).

    python benchmarks/reach_scale.py                  # 100k nodes, 500k edges
    python benchmarks/reach_scale.py --nodes 20000 --edges 100000
"""

from __future__ import annotations

import argparse
import resource
import sys
import time

import networkx as nx
import numpy as np

import influence
from influence.measures import GraphView
from influence.reach import sample_rr_sets, select_reach


def synthetic(nodes: int, edges: int, seed: int) -> nx.DiGraph:
    rng = np.random.default_rng(seed)
    pop = rng.permutation(np.arange(1, nodes + 1, dtype=float) ** -0.9)
    pop /= pop.sum()
    keys = np.zeros(0, dtype=np.int64)
    while len(keys) < edges:
        src = rng.integers(0, nodes, 2 * edges)
        dst = rng.choice(nodes, 2 * edges, p=pop)
        keys = np.unique(np.concatenate([keys, (src * nodes + dst)[src != dst]]))
    keys = rng.permutation(keys)[:edges]
    G = nx.DiGraph()
    G.add_nodes_from(range(nodes))
    w = rng.integers(1, 6, edges).astype(float)
    G.add_weighted_edges_from(zip((keys // nodes).tolist(), (keys % nodes).tolist(), w.tolist()))
    return G


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--nodes", type=int, default=100_000)
    ap.add_argument("--edges", type=int, default=500_000)
    ap.add_argument("--k", type=int, default=20)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--eval-sets", type=int, default=200_000)
    ap.add_argument("--no-reference", action="store_true", help="skip the CELF reference")
    args = ap.parse_args(argv)

    t = time.perf_counter()
    G = synthetic(args.nodes, args.edges, args.seed)
    print(f"graph: {G.number_of_nodes()} nodes, {G.number_of_edges()} edges "
          f"(built in {time.perf_counter() - t:.1f} s)", file=sys.stderr)
    view = GraphView(G)
    t = time.perf_counter()
    ranking = influence.rank(view)
    t_rank = time.perf_counter() - t
    rows = []

    t = time.perf_counter()
    ris = select_reach(view, args.k, ranking=ranking, seed=args.seed)
    rows.append(("reach (RIS, auto)", ris.actors, time.perf_counter() - t, peak_mb(),
                 f"{ris.params['candidates']} candidates, {ris.params['theta']} RR sets"))

    if not args.no_reference:
        t = time.perf_counter()
        ref = select_reach(view, args.k, ranking=ranking, method="celf", pool=50, runs=20, seed=args.seed)
        rows.append(("reference (CELF, top 50, 20 worlds)", ref.actors, time.perf_counter() - t, peak_mb(),
                     "50 candidates, 20 live-edge worlds"))

    t = time.perf_counter()
    pr = nx.pagerank(G, weight="weight")
    rows.append(("top-20 PageRank (networkx)", sorted(G, key=lambda v: (-pr[v], v))[:args.k],
                 time.perf_counter() - t, peak_mb(), "no selection: the 20 best by PageRank"))

    t = time.perf_counter()
    E = sample_rr_sets(view, args.eval_sets, seed=args.seed + 1)
    pos = {v: i for i, v in enumerate(E.nodes)}
    t_eval = time.perf_counter() - t

    print(f"k = {args.k} on {G.number_of_nodes()} nodes / {G.number_of_edges()} edges "
          f"(ranking: {t_rank:.1f} s, not counted below; evaluation RR sets: {t_eval:.1f} s)\n")
    print("| selection | seconds | peak RSS MB | expected reach (fresh RR sets) | notes |")
    print("|---|---:|---:|---:|---|")
    for name, actors, sec, mem, note in rows:
        reach = E.spread([pos[a] for a in actors])
        print(f"| {name} | {sec:.1f} | {mem:.0f} | {reach:.0f} | {note} |")
    ok = rows[0][2] < 60
    print(f"\nk = {args.k} reach selection under 60 s: {ok} ({rows[0][2]:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
