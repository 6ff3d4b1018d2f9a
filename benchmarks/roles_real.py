"""Structural roles of the top 20 on real networks: which rule gives each leader its role.

For each network the sector is built through the real import path (a store, ``build_graph``,
``rank`` with the default configuration, communities by the default Louvain consensus), then
:func:`influence.roles.assign_roles` (default ``method="rules"``) gives every actor a role; the
table counts the roles of the 20 best-ranked actors (competitors excluded, as ``influence
shortlist`` does) and prints the rule thresholds of each sector.

Networks (../shared/datasets): twitter-airline-sentiment (the @-mention graph of the tweets, the
six airlines declared competitors), polblogs (hyperlinks, ``--kind link``), higgs-twitter reply
and mention layers, and the demo sector (``make_sector(seed=0)``).

Run (about 2 minutes on one core, most of it the higgs mention layer)::

    python benchmarks/roles_real.py
    python benchmarks/roles_real.py --networks airline demo --method kmeans
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATASETS = HERE.parents[1] / "shared" / "datasets"
AIRLINE_CSV = DATASETS / "twitter-airline-sentiment" / "Tweets.csv"
NETWORKS = ("airline", "polblogs", "higgs-reply", "higgs-mention", "demo")


def airline_sector(folder: str | Path):
    """Open the airline @-mention sector in ``folder`` (built there on first use): actor = the
    tweet's author ``twitter:<name>``, one mention interaction per ``@handle`` in the text, the six
    airlines declared competitors (handle and ``@handle`` keyword)."""
    from influence.sector import open_sector
    from influence.store import Store

    sys.path.insert(0, str(HERE))
    from competitors_airline import AIRLINES, load, records

    folder = Path(folder)
    toml = folder / "airlines.toml"
    if not toml.exists():
        posts, inter, actors = records(load())
        store = Store(folder / "airlines.db")
        store.write([*actors, *posts, *inter])
        store.close()
        text = 'name = "airlines"\nstore = "airlines.db"\nlanguages = ["en"]\n'
        for name, handle, _ in AIRLINES:
            text += f'\n[[competitors]]\nname = "{name}"\nhandles = ["twitter:{handle}"]\nkeywords = ["@{handle}"]\n'
        toml.write_text(text, encoding="utf-8")
    return open_sector(toml)


def network_sector(name: str, folder: str | Path):
    """Open the sector of a shared network (or the demo) in ``folder``, importing it on first use."""
    from influence.importers import import_file
    from influence.sector import open_sector
    from influence.store import Store

    if name == "airline":
        return airline_sector(folder)
    if name == "demo":
        return open_sector("demo")
    db = Path(folder) / f"{name}.db"
    if not db.exists():
        store = Store(db)
        if name == "polblogs":
            import_file(store, DATASETS / "polblogs" / "polblogs.gml", platform="web", kind="link")
        else:
            layer = name.split("-")[1]
            import_file(store, DATASETS / "higgs-twitter" / f"higgs-{layer}_network.edgelist", kind=layer)
        store.close()
    return open_sector(db)


def top_roles(sector, *, top: int = 20, seed: int = 0, method: str = "rules"):
    """``(entries, assignment)``: the ``top`` best-ranked actors (competitors excluded) and the
    roles of every actor, as ``influence shortlist --roles`` computes them."""
    from influence import build_graph, rank
    from influence.communities import detect_communities
    from influence.roles import assign_roles

    G = build_graph(sector.store, sector.ranking, competitors=sector.competitor_map())
    result = rank(G, sector.ranking)
    posts = list(sector.store.posts())
    if method == "rules":
        partition = detect_communities(G, seed=seed)
        roles = assign_roles(G, posts=posts, seed=seed, partition=partition, method="rules")
    else:
        roles = assign_roles(G, posts=posts, seed=seed, method="kmeans")
    return result.entries[:top], roles


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--networks", nargs="+", choices=NETWORKS, default=list(NETWORKS))
    ap.add_argument("--method", choices=("rules", "kmeans"), default="rules")
    ap.add_argument("--top", type=int, default=20)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--why", action="store_true", help="print each leader's rule and numbers")
    args = ap.parse_args(argv)
    if not DATASETS.is_dir():
        print(f"{DATASETS} not found", file=sys.stderr)
        return 2
    print(f"| network | actors | top {args.top}: roles | hub threshold (givers) | all actors: roles | s |")
    print("|---|---|---|---|---|---|")
    notes = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.networks:
            t0 = time.perf_counter()
            sector = network_sector(name, tmp)
            entries, roles = top_roles(sector, top=args.top, seed=args.seed, method=args.method)
            c = Counter(roles[e.actor] for e in entries)
            top_txt = ", ".join(f"{r} {n}" for r, n in c.most_common())
            all_txt = ", ".join(f"{r} {n:,}" for r, n in roles.counts().items())
            hub = roles.thresholds.get("hub_givers")
            print(f"| {name} | {len(roles):,} | {top_txt} | {'-' if hub is None else f'{hub:g}'} | {all_txt} "
                  f"| {time.perf_counter() - t0:.0f} |", flush=True)
            if args.why:
                notes += [f"{name} {e.rank:>3} {e.actor}: {roles.why(e.actor)}" for e in entries]
            sector.close()
    for line in notes:
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
