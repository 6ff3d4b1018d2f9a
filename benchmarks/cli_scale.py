"""The whole command-line path at scale: import, rank, communities, shortlist, reach, report.

Usage::

    python benchmarks/cli_scale.py --size small     # 100k actors / 500k interactions (a few minutes)
    python benchmarks/cli_scale.py --size large     # 1M actors / 5M interactions (about half an hour)
    python benchmarks/cli_scale.py --size small --steps import rank   # only some steps

What it does: generates the seeded power-law interaction graph of ``benchmarks/rank_scale.py``
(``make_edges``), writes it as an interactions CSV (``source,target,kind,timestamp``: one year of
seeded timestamps), then runs each ``influence`` command as a user would, in its own process, on a
fresh store, and measures its wall time and peak memory (``wait4``'s ``ru_maxrss`` of that process).
In the same run, python-igraph (a benchmark-only dependency) does the reference steps of issue 17's
goal 2 on the same edge list: build, multilevel (Louvain) communities, PageRank, HITS and degree.

It prints one Markdown table (the one of docs/performance.md, "The whole command-line path"): each
step's seconds and peak MB, and the goals of issue 17 next to it:

- ``shortlist --top 20`` (communities on) <= 2x igraph's summed steps and < 2 GB;
- ``report`` <= 3 min and < 3 GB;
- ``shortlist --strategy reach --top 20`` <= 60 s.

Everything is seeded: the same command builds the same files. The machine's load changes the
seconds; the ratio to igraph, measured in the same run, moves less.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from rank_scale import KINDS, SIZES, make_edges  # noqa: E402

#: step name -> influence arguments after the store path (None: the import, which also takes the CSV)
STEPS = {
    "import": None,
    "rank": ["rank", "{store}", "--top", "50", "-f", "json", "-o", "{out}/rank.json", "-q"],
    "rank --no-communities": ["rank", "{store}", "--top", "50", "--no-communities", "-f", "json",
                              "-o", "{out}/rank-nc.json", "-q"],
    "communities": ["communities", "{store}", "-f", "json", "-o", "{out}/communities.json", "-q"],
    "shortlist --top 20": ["shortlist", "{store}", "--top", "20", "-f", "json", "-o", "{out}/shortlist.json", "-q"],
    "shortlist --strategy reach --top 20": ["shortlist", "{store}", "--top", "20", "--strategy", "reach",
                                            "-f", "json", "-o", "{out}/reach.json", "-q"],
    "report": ["report", "{store}", "-o", "{out}/report.html", "-q"],
}

YEAR = 365 * 86400.0
START = 1_735_689_600.0  # 2025-01-01T00:00:00Z


def write_csv(path: str, src, dst, kind, seed: int) -> None:
    """The interactions as a CSV file, written in chunks (the 5M-row file is ~250 MB)."""
    rng = np.random.default_rng(seed + 1)
    stamps = START + rng.random(len(src)) * YEAR
    names = np.array(KINDS)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("source,target,kind,timestamp\n")
        step = 500_000
        for i in range(0, len(src), step):
            s, d, k, t = src[i:i + step], dst[i:i + step], names[kind[i:i + step]], stamps[i:i + step]
            fh.writelines(f"u{a},u{b},{c},{x:.0f}\n" for a, b, c, x in zip(s.tolist(), d.tolist(), k.tolist(),
                                                                         t.tolist()))


def run(cmd: list[str], log: str) -> tuple[float, float, int]:
    """Wall seconds, peak MB and exit code of one command in its own process."""
    t = time.perf_counter()
    with open(log, "ab") as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t
    return seconds, usage.ru_maxrss / 1024.0, os.waitstatus_to_exitcode(status)


def igraph_reference(edge_path: str) -> dict:
    """Runs in a subprocess: igraph's build + multilevel + PageRank + HITS + degree."""
    import resource

    import igraph as ig

    data = np.load(edge_path)
    src, dst, n = data["src"], data["dst"], int(data["n"])
    out: dict = {}

    def timed(label, fn):
        t = time.perf_counter()
        value = fn()
        out[label] = time.perf_counter() - t
        return value

    def build():
        g = ig.Graph(n=n, edges=np.column_stack([src, dst]).tolist(), directed=True)
        g.es["weight"] = np.ones(len(src)).tolist()
        g.simplify(combine_edges="sum")
        return g

    g = timed("build", build)

    def multilevel():
        u = g.as_undirected(combine_edges="sum")
        return u.community_multilevel(weights="weight")

    part = timed("multilevel", multilevel)
    out["modularity"] = part.modularity
    timed("pagerank", lambda: g.pagerank(weights="weight"))
    timed("hits", lambda: g.authority_score(weights="weight"))
    timed("degree", lambda: (g.indegree(), g.strength(mode="in", weights="weight")))
    out["sum"] = sum(out[k] for k in ("build", "multilevel", "pagerank", "hits", "degree"))
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", choices=sorted(SIZES), default="small")
    ap.add_argument("--actors", type=int, help="override the size's number of actors")
    ap.add_argument("--interactions", type=int, help="override the size's number of interactions")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--steps", nargs="*", choices=list(STEPS), default=list(STEPS),
                    help="steps to run (the import always runs: the others need its store)")
    ap.add_argument("--keep", metavar="DIR", help="work in DIR and keep the files (default: a temporary folder)")
    ap.add_argument("--part", help=argparse.SUPPRESS)
    ap.add_argument("--path", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.part == "igraph":
        print(json.dumps(igraph_reference(args.path)))
        return

    n, m = SIZES[args.size]
    n, m = args.actors or n, args.interactions or m
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="influence-cli-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    csv_path, edge_path, store = work / "interactions.csv", work / "edges.npz", work / "sector.db"
    log = str(work / "stderr.log")
    src, dst, kind = make_edges(n, m, args.seed)
    print(f"# {n:,} actors / {len(src):,} interactions, seed {args.seed}, in {work}", flush=True)
    write_csv(str(csv_path), src, dst, kind, args.seed)
    np.savez(edge_path, src=src, dst=dst, n=n)
    for suffix in ("", "-wal", "-shm"):
        Path(str(store) + suffix).unlink(missing_ok=True)

    exe = [sys.executable, "-m", "influence"]
    rows: dict[str, tuple[float, float, int]] = {}
    rows["import"] = run([*exe, "import", str(store), str(csv_path), "-q"], log)
    print(f"import: {rows['import'][0]:.1f} s, {rows['import'][1]:.0f} MB, exit {rows['import'][2]}", flush=True)
    if rows["import"][2]:
        raise SystemExit(f"the import failed: see {log}")
    for step in args.steps:
        if step == "import":
            continue
        cmd = [a.format(store=store, out=work) for a in STEPS[step]]
        rows[step] = run([*exe, *cmd], log)
        print(f"{step}: {rows[step][0]:.1f} s, {rows[step][1]:.0f} MB, exit {rows[step][2]}", flush=True)

    ref = None
    try:
        import igraph  # noqa: F401
    except ImportError:
        print("# python-igraph is not installed (pip install -e '.[bench]'): no reference column")
    else:
        done = subprocess.run([sys.executable, __file__, "--part", "igraph", "--path", str(edge_path)],
                              capture_output=True, text=True, check=True)
        ref = json.loads(done.stdout)

    print()
    print(f"| step ({n:,} actors / {len(src):,} interactions) | seconds | peak MB | exit | goal |")
    print("|---|---:|---:|---:|---|")
    for step, (sec, mb, code) in rows.items():
        goal = ""
        if step == "import":
            goal = f"{len(src) / sec:,.0f} rows/s (goal >= 300,000)"
        elif step == "shortlist --top 20" and ref:
            goal = (f"{sec / ref['sum']:.2f}x igraph's steps (goal <= 2x), "
                    f"{'under' if mb < 2048 else 'OVER'} 2 GB")
        elif step == "report":
            goal = f"{'met' if sec <= 180 and mb < 3072 else 'MISSED'} (goal <= 180 s and < 3 GB)"
        elif step == "shortlist --strategy reach --top 20":
            goal = f"{'met' if sec <= 60 else 'MISSED'} (goal <= 60 s)"
        print(f"| `influence {step}` | {sec:.1f} | {mb:,.0f} | {code} | {goal} |")
    if ref:
        print(f"| igraph: build + multilevel + PageRank + HITS + degree | {ref['sum']:.1f} | "
              f"{ref['peak_mb']:,.0f} | | build {ref['build']:.1f}, multilevel {ref['multilevel']:.1f} "
              f"(modularity {ref['modularity']:.3f}), PageRank {ref['pagerank']:.1f}, HITS {ref['hits']:.1f}, "
              f"degree {ref['degree']:.1f} |")
    if any(code for _, _, code in rows.values()):
        print(f"# a step failed: see {log}")


if __name__ == "__main__":
    main()
