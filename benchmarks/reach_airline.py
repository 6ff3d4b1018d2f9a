"""Reach picks on the airline @-mention graph before and after the relay rule (issue 16 section 2).

The sector is built as benchmarks/competitors_airline.py and benchmarks/roles_real.py build it
(../shared/datasets/twitter-airline-sentiment/Tweets.csv: author -> every @handle of the tweet,
the six airlines declared competitors). It prints, as Markdown, the top 8 of ``influence
shortlist airlines.toml --strategy reach --top 8`` (``select_reach`` with the CLI's defaults:
weighted cascade, RIS on this size, seed 0) once with every actor relaying (``no_relay=()``, the
old behaviour) and once with the default rule (competitors and ``filters.exclude`` actors relay
nothing): each pick's attention givers, expected reach alone, biggest relay and the share of its
reach owed to it. Then the top 5 non-competitors of the Independent Cascade truth of ``influence
evaluate/tune --truth ic`` (``ic_spreading``) before and after, and what the relay breakdown
costs on the demo sector.

Run (about 25 s)::

    python benchmarks/reach_airline.py
    python benchmarks/reach_airline.py --higgs   # and on higgs-mention (116k actors)
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def table(G, res) -> list[str]:
    out = ["| # | actor | attention givers | reach alone | marginal gain | biggest relay | its share |",
           "|---:|---|---:|---:|---:|---|---:|"]
    for x in res.picks:
        r = x.relays
        out.append(f"| {x.rank} | {x.actor} | {G.in_degree(x.actor)} | {x.solo_reach:.1f} | "
                   f"{x.marginal_gain:.1f} | {r.top or '-'} | {r.top_share:.1%} |")
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--top", type=int, default=8)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--truth-runs", type=int, default=100, help="IC truth simulations per actor")
    ap.add_argument("--higgs", action="store_true",
                    help="also time the relay breakdown on higgs-mention (about 1 minute more)")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(HERE))
    from roles_real import AIRLINE_CSV, airline_sector

    if not AIRLINE_CSV.exists():
        print(f"{AIRLINE_CSV}: absent (the shared datasets live beside the repo)", file=sys.stderr)
        return 2
    from influence import build_graph, rank
    from influence.evaluate import ic_spreading
    from influence.reach import RELAY_MAX_SHARE, select_reach

    with tempfile.TemporaryDirectory() as tmp:
        sector = airline_sector(tmp)
        G = build_graph(sector.store, sector.ranking, competitors=sector.competitor_map())
        result = rank(G, sector.ranking)
        sector.close()
    print(f"# Reach picks on the airline @-mention graph ({G.number_of_nodes():,} actors, "
          f"{G.number_of_edges():,} edges, six airlines competitors)\n")
    worst = {}
    for label, no_relay in (("Before: every actor relays (`no_relay=()`)", ()),
                            ("After: competitors and filters.exclude actors relay nothing (default)", None)):
        t0 = time.perf_counter()
        res = select_reach(G, args.top, ranking=result, seed=args.seed, no_relay=no_relay)
        dt = time.perf_counter() - t0
        print(f"## {label}\n")
        print("\n".join(table(G, res)))
        worst[label] = max(x.relays.top_share for x in res.picks)
        print(f"\nExpected reach of the {args.top}: {res.expected_reach:.1f}; method {res.params['method']}, "
              f"relays blocked {res.params['no_relay'] or 'none'}; largest share owed to one relay "
              f"{worst[label]:.1%} (limit {RELAY_MAX_SHARE:.0%}); {dt:.1f} s.\n")

    competitors = {v for v, d in G.nodes(data=True) if d.get("is_competitor")}
    print("## Independent Cascade truth (`--truth ic`), top 5 non-competitors\n")
    print("| # | before (every actor relays) | after (default) |")
    print("|---:|---|---|")
    tops = []
    for no_relay in ((), None):
        v = ic_spreading(G, runs=args.truth_runs, seed=args.seed, no_relay=no_relay)
        ranked = sorted((a for a in v if a not in competitors), key=lambda a: (-v[a], a))[:5]
        tops.append([f"{a} ({v[a]:.1f})" for a in ranked])
    for i, (a, b) in enumerate(zip(*tops), 1):
        print(f"| {i} | {a} | {b} |")
    print(f"\n({args.truth_runs} runs per actor, seed {args.seed}.)")

    # what the relay breakdown costs: 20 picks on the demo sector, with and without it
    from influence.sector import open_sector

    with open_sector("demo") as demo:
        D = demo.graph()
    D_rank = rank(D, demo.ranking)
    times = []
    for explain in (False, True):
        t0 = time.perf_counter()
        select_reach(D, 20, ranking=D_rank, seed=args.seed, explain=explain)
        times.append(time.perf_counter() - t0)
    print(f"\nDemo, 20 reach picks (CELF, 1000 worlds): {times[0]:.1f} s without the relay breakdown, "
          f"{times[1]:.1f} s with it (+{times[1] - times[0]:.1f} s).")
    if args.higgs:
        from roles_real import network_sector

        with tempfile.TemporaryDirectory() as tmp:
            sector = network_sector("higgs-mention", tmp)
            H = build_graph(sector.store, sector.ranking)
            H_rank = rank(H, sector.ranking)
            sector.close()
        times, res = [], None
        for explain in (False, True):
            t0 = time.perf_counter()
            res = select_reach(H, 20, ranking=H_rank, seed=args.seed, explain=explain)
            times.append(time.perf_counter() - t0)
        dominated = [x for x in res.picks if x.relays.dominated]
        print(f"\nhiggs-mention ({H.number_of_nodes():,} actors), 20 reach picks ({res.params['method']}): "
              f"{times[0]:.1f} s without the relay breakdown, {times[1]:.1f} s with it; "
              f"{len(dominated)} of the 20 owe more than {RELAY_MAX_SHARE:.0%} of their reach to one relay ("
              + ", ".join(f"{x.actor} {x.relays.top_share:.0%} through {x.relays.top}" for x in dominated) + ").")
    print("\nCommand: `python benchmarks/reach_airline.py" + (" --higgs" if args.higgs else "") + "`")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
