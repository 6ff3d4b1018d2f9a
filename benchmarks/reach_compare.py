"""Expected reach of the ``reach`` selection vs top-k by PageRank, in-degree and the default composite.

For the demo sector and real networks of ../shared/datasets (beside the repository), imported with
influence's own importer and built with the default configuration: picks k = 5, 10, 20 actors with
influence.reach.select_reach as ``method="auto"`` chooses (CELF over the top 200 of the default
ranking on 1000 live-edge worlds, seed 0, below influence.reach.RIS_MIN_NODES actors; RIS over
every ranked actor with IMM's count of RR sets, seed 0, from there up), Independent Cascade with
the default weighted-cascade probabilities, and prints, as a Markdown table, the expected number of
actors reached (the seeds counted) by that set and by the top k by PageRank (weighted), by
in-degree (distinct attention givers) and by the default composite, competitors left out
everywhere. Every set is scored on the same worlds:

* ``held-out`` (the table's main figures): 1000 fresh worlds (seed 1), so that the reach set gets
  no credit for fitting the noise of its own worlds;
* ``in-sample`` (CELF only): the 1000 worlds the selection was made on (seed 0), with
  ``bound``: influence.reach.upper_bound, the most any k eligible actors could reach on those
  worlds (Leskovec et al. 2007), divided by PageRank's in-sample reach: no selection method
  could beat PageRank by more on these worlds.

    python benchmarks/reach_compare.py                       # the first table of docs/reach.md
    python benchmarks/reach_compare.py --networks demo       # just the demo sector
    python benchmarks/reach_compare.py --networks higgs-reply higgs-mention

Other reach models, for the sensitivity table of docs/reach.md (the same model selects and scores):

    python benchmarks/reach_compare.py --activation 0.1 --no-bound   # IC, each interaction a 10% chance
    python benchmarks/reach_compare.py --model lt --no-bound         # Linear Threshold
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import networkx as nx

import influence
from influence.config import RankingConfig
from influence.ranking import rank
from influence.reach import RIS_MIN_NODES, sample_worlds, select_reach, spread, upper_bound
from influence.store import Store

DATASETS = Path(__file__).resolve().parents[1].parent / "shared" / "datasets"

#: name -> (file under DATASETS, interaction kind, import options); "demo" is the demo sector.
NETWORKS = {
    "demo": None,
    "polblogs": ("polblogs/polblogs.gml", "link", {}),
    "email-eu-core": ("email-eu-core/email-Eu-core.txt", "mention", {"fmt": "edgelist"}),
    "higgs-reply": ("higgs-twitter/higgs-reply_network.edgelist", "reply", {}),
    "higgs-mention": ("higgs-twitter/higgs-mention_network.edgelist", "mention", {}),
}
DEFAULT_NETWORKS = ["demo", "polblogs", "email-eu-core"]
KS = (5, 10, 20)


def load(name: str) -> nx.DiGraph:
    if NETWORKS[name] is None:
        with influence.open_sector("demo") as sector:
            return sector.graph()
    path, kind, opts = NETWORKS[name]
    store = Store(":memory:")
    influence.import_file(store, DATASETS / path, kind=kind, **opts)
    return influence.build_graph(store, RankingConfig())


def baselines(G: nx.DiGraph) -> dict[str, list]:
    """Actors in order of each baseline, competitors left out (ties broken by id)."""
    eligible = [v for v in G if not G.nodes[v].get("is_competitor")]
    pr = nx.pagerank(G, weight="weight")
    indeg = {v: len(set(G.predecessors(v)) - {v}) for v in G}
    return {
        "pagerank": sorted(eligible, key=lambda v: (-pr[v], str(v))),
        "in-degree": sorted(eligible, key=lambda v: (-indeg[v], str(v))),
        "composite": [e.actor for e in rank(G).entries],
    }


def compare(G, *, runs: int, eval_runs: int, seed: int, bound: bool = True, model: str = "ic",
            p: float | None = None) -> list[dict]:
    E = sample_worlds(G, runs=eval_runs, seed=seed + 1, model=model, p=p)
    celf = G.number_of_nodes() < RIS_MIN_NODES  # what method="auto" does
    W = sample_worlds(G, runs=runs, seed=seed, model=model, p=p) if celf else None
    t0 = time.perf_counter()
    res = (select_reach(G, max(KS), worlds=W, model=model) if celf
           else select_reach(G, max(KS), method="ris", seed=seed, model=model, p=p))
    seconds = time.perf_counter() - t0
    base = baselines(G)
    eligible = [v for v in G if not G.nodes[v].get("is_competitor")]
    rows = []
    for k in KS:
        sets = {"reach": res.actors[:k], **{b: order[:k] for b, order in base.items()}}
        row = {"k": k, "seconds": seconds, "method": res.params["method"],
               **{f"{s}": spread(G, a, worlds=E) for s, a in sets.items()}}
        if celf:
            row.update({f"{s}@in": spread(G, a, worlds=W) for s, a in sets.items()})
            if bound:
                row["bound"] = upper_bound(G, sets["reach"], worlds=W, candidates=eligible)
        rows.append(row)
    return rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--networks", nargs="*", default=DEFAULT_NETWORKS, choices=list(NETWORKS))
    ap.add_argument("--runs", type=int, default=1000, help="live-edge worlds for a CELF selection")
    ap.add_argument("--eval-runs", type=int, default=1000, help="fresh worlds for the held-out figures")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-bound", action="store_true", help="skip the upper bound (the slowest part)")
    ap.add_argument("--model", choices=["ic", "lt"], default="ic", help="reach model (default: ic)")
    ap.add_argument("--activation", type=float, default=None, metavar="P",
                    help="IC only: each interaction an independent chance P (default: weighted cascade)")
    args = ap.parse_args(argv)
    if args.activation is not None and (args.model != "ic" or not 0 < args.activation <= 1):
        ap.error("--activation needs --model ic and a probability in (0, 1]")
    print(f"model: {args.model}, probabilities: "
          + ("weighted cascade" if args.activation is None and args.model == "ic"
             else "LT shares of attention" if args.model == "lt" else f"1 - (1 - {args.activation:g})^w") + "\n")
    if any(n != "demo" for n in args.networks) and not DATASETS.is_dir():
        print(f"{DATASETS} not found: this benchmark needs ../shared/datasets beside the repository",
              file=sys.stderr)
        return 2
    names = ("reach", "pagerank", "in-degree", "composite")
    print("| network | nodes | edges | k | method | " + " | ".join(names) + " | reach / pagerank | "
          "in-sample reach / pagerank | bound / pagerank | select s |")
    print("|---|---:|---:|---:|---|" + "---:|" * len(names) + "---:|---:|---:|---:|")
    ratios = []
    never_below = True
    for net in args.networks:
        G = load(net)
        for r in compare(G, runs=args.runs, eval_runs=args.eval_runs, seed=args.seed, bound=not args.no_bound,
                         model=args.model, p=args.activation):
            ratio = r["reach"] / r["pagerank"]
            ratios.append(ratio)
            never_below &= all(r["reach"] >= r[b] for b in names[1:])
            ins = f"{r['reach@in'] / r['pagerank@in']:.3f}" if "reach@in" in r else "-"
            bnd = f"{r['bound'] / r['pagerank@in']:.3f}" if "bound" in r else "-"
            print(f"| {net} | {G.number_of_nodes()} | {G.number_of_edges()} | {r['k']} | {r['method']} | "
                  + " | ".join(f"{r[s]:.1f}" for s in names)
                  + f" | {ratio:.3f} | {ins} | {bnd} | {r['seconds']:.1f} |", flush=True)
    mean = sum(ratios) / len(ratios)
    print(f"\nheld-out: reach never below a baseline: {never_below}; "
          f"mean reach / pagerank: {mean:.3f} (target >= 1.10)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
