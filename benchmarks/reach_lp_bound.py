"""How much could any k actors beat top-k PageRank? A linear-programming upper bound on the best reach.

The expected reach of a seed set, estimated on sampled live-edge worlds (or RR sets), is a maximum
coverage problem: each actor covers the (world, actor) pairs it reaches. Its linear relaxation

    maximise sum_e y_e   subject to   y_e <= sum_{j covers e} x_j,   sum_j x_j = k,   0 <= x, y <= 1

is at least the reach of the best k eligible actors on the same sample, so ``LP / PageRank`` bounds
what any selection method could gain over top-k PageRank there (much tighter than
influence.reach.upper_bound). Solved with scipy's HiGHS. Prints, for each network and k: the LP
bound, the ``reach`` selection (CELF over the top 200 of the ranking, on the same worlds), top-k
PageRank, and the ratios. Default reach model (Independent Cascade, weighted cascade).

    python benchmarks/reach_lp_bound.py                                 # email-eu-core, 100 worlds
    python benchmarks/reach_lp_bound.py --networks polblogs --ks 5 10   # slower: minutes per LP
    python benchmarks/reach_lp_bound.py --networks higgs-reply higgs-mention   # on RR sets

The higgs layers are too large for stored worlds: there the sample is 100,000 random
reverse-reachable sets (seed 0) and the LP covers sets instead of (world, actor) pairs; the
``reach`` column is then the RIS selection (method="ris", seed 0) scored on those RR sets.

Large samples make large LPs (one row per reached (world, actor) pair): email-eu-core with 100
worlds is about 750,000 non-zeros and a few minutes per k on 2 cores.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np
import scipy.sparse as sp
from reach_compare import DATASETS, NETWORKS, baselines, load
from scipy.optimize import linprog

from influence.reach import node_index, sample_rr_sets, sample_worlds, select_reach, spread


def lp_bound(keys: list[np.ndarray], k: int, runs: int) -> tuple[float, float]:
    """(LP optimum / runs, seconds) of max coverage by k of the candidates' key sets."""
    allk = np.concatenate(keys)
    uniq, inv = np.unique(allk, return_inverse=True)
    m, J = len(uniq), len(keys)
    cols = np.repeat(np.arange(J), [len(x) for x in keys])
    A = sp.csr_array((np.ones(len(allk)), (inv, cols)), shape=(m, J))
    c = np.concatenate([np.zeros(J), -np.ones(m)])
    A_ub = sp.hstack([-A, sp.identity(m, format="csr")], format="csr")
    A_eq = sp.csr_array(np.concatenate([np.ones(J), np.zeros(m)])[None, :])
    t0 = time.perf_counter()
    res = linprog(c, A_ub=A_ub, b_ub=np.zeros(m), A_eq=A_eq, b_eq=[k], bounds=(0, 1), method="highs")
    if res.status != 0:
        raise RuntimeError(f"LP not solved: {res.message}")
    return -res.fun / runs, time.perf_counter() - t0


def rr_rows(net: str, G, args) -> None:
    """The rows of one network on RR sets: each eligible actor covers the sets it belongs to."""
    R = sample_rr_sets(G, args.rr_sets, seed=args.seed)
    eligible = [v for v in G if not G.nodes[v].get("is_competitor")]
    idx = node_index(R.nodes, eligible)
    set_of = np.repeat(np.arange(len(R)), np.diff(R.ptr))
    col = np.full(len(R.nodes), -1)
    col[idx] = np.arange(len(idx))
    ok = col[R.members] >= 0
    cols, sets = col[R.members][ok], set_of[ok]
    order = np.argsort(cols, kind="stable")
    cuts = np.searchsorted(cols[order], np.arange(1, len(idx)))
    keys = np.split(sets[order], cuts)
    scale = len(R.nodes) / len(R)
    pos = {v: i for i, v in enumerate(R.nodes)}
    pagerank = baselines(G)["pagerank"]
    res = select_reach(G, max(args.ks), method="ris", seed=args.seed)
    for k in args.ks:
        bound, secs = lp_bound(keys, k, 1)
        bound *= scale
        reach = R.spread([pos[v] for v in res.actors[:k]])
        pr = R.spread([pos[v] for v in pagerank[:k]])
        print(f"| {net} | {k} | {len(R)} RR sets | {bound:.1f} | {reach:.1f} | {pr:.1f} | {bound / pr:.3f} | "
              f"{reach / pr:.3f} | {secs:.0f} |", flush=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--networks", nargs="*", default=["email-eu-core"],
                    choices=list(NETWORKS))
    ap.add_argument("--rr-sets", type=int, default=100_000, help="RR sets of the sample (higgs layers)")
    ap.add_argument("--ks", nargs="*", type=int, default=[5, 10, 20])
    ap.add_argument("--runs", type=int, default=100, help="live-edge worlds of the sample")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    if any(n != "demo" for n in args.networks) and not DATASETS.is_dir():
        print(f"{DATASETS} not found: this benchmark needs ../shared/datasets beside the repository",
              file=sys.stderr)
        return 2
    print("| network | k | sample | LP bound | reach set | pagerank | LP / pagerank | reach / pagerank | LP s |")
    print("|---|---:|---|---:|---:|---:|---:|---:|---:|")
    for net in args.networks:
        G = load(net)
        if net.startswith("higgs"):
            rr_rows(net, G, args)
            continue
        W = sample_worlds(G, runs=args.runs, seed=args.seed)
        eligible = [v for v in G if not G.nodes[v].get("is_competitor")]
        keys = W.reach_keys(node_index(W.nodes, eligible))
        order = baselines(G)["pagerank"]
        res = select_reach(G, max(args.ks), worlds=W)
        for k in args.ks:
            bound, secs = lp_bound(keys, k, W.runs)
            reach = spread(G, res.actors[:k], worlds=W)
            pr = spread(G, order[:k], worlds=W)
            print(f"| {net} | {k} | {W.runs} worlds | {bound:.1f} | {reach:.1f} | {pr:.1f} | {bound / pr:.3f} | "
                  f"{reach / pr:.3f} | {secs:.0f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
