"""Import at scale: ``influence import`` of a large interactions CSV, beside the physical reference.

Usage::

    python benchmarks/import_scale.py                 # 5,000,000 rows (issue 17 goal 4)
    python benchmarks/import_scale.py --rows 1000000  # smaller runs while developing

What it does: writes a seeded interactions CSV under /tmp (``source,target,kind,timestamp``: a
directed power-law graph over ``rows / 5`` actors, the generator of ``rank_scale.py`` written as
``cli_scale.py`` writes it, so self-loops are dropped: slightly fewer rows than ``--rows``;
epoch-second timestamps, four kinds), then times, each in its own process so peak memory (``ru_maxrss``) is
measured separately:

- ``influence import STORE FILE -q`` (the CLI, a fresh store);
- the library call, ``influence.import_file(Store(path), FILE)`` (a fresh store);
- the same library call into the store it just filled (every row already there: the merge path);
- the physical reference: Python's ``csv.reader`` over the same file, then one ``sqlite3``
  ``executemany`` of its rows into a bare table (no index, no constraint, no validation) in one
  transaction, with the store's PRAGMAs (WAL, ``synchronous = NORMAL``); its insert alone is
  also shown;
- a second reference with what any store that keeps the interactions' key pays at least: the
  same read, the actor ids numbered with one dict lookup each, the rows inserted into a table
  shaped like ``interactions``, then the store's unique key and ``dst`` indexes built after the
  load (as influence's bulk loader builds them: SQLite's default 2 MiB cache, sorter threads)
  and the commit.

It prints seconds, rows per second, the ratio to the reference measured in the same run, and the
peak memory of each process. The machine's load moves absolute figures; the ratio is what to read.
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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cli_scale import write_csv as write_interactions  # noqa: E402
from rank_scale import make_edges  # noqa: E402


def write_csv(path: str, rows: int, seed: int) -> int:
    """A seeded power-law interaction list over ``rows / 5`` actors: ``rank_scale.make_edges``
    written as ``cli_scale.write_csv`` writes it (one year of epoch-second timestamps). Returns
    the rows written: ``make_edges`` drops self-loops, a handful per million."""
    src, dst, kind = make_edges(max(rows // 5, 2), rows, seed)
    write_interactions(path, src, dst, kind, seed)
    return len(src)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def part_reference(csv_path: str, db: str) -> dict:
    import csv
    import sqlite3

    t0 = time.perf_counter()
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("CREATE TABLE t (source TEXT, target TEXT, kind TEXT, timestamp TEXT)")
    with open(csv_path, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        rows = list(reader)
    t1 = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO t VALUES (?, ?, ?, ?)", rows)
    conn.execute("COMMIT")
    t2 = time.perf_counter()
    conn.close()
    return {"seconds": t2 - t0, "insert": t2 - t1, "rows": len(rows), "peak_mb": peak_mb()}


def part_indexed(csv_path: str, db: str) -> dict:
    """The physical floor of a store with the store's two indexes: csv.reader, actors numbered
    with one dict lookup per id (integers in the table, as the store keeps them), one
    executemany into a table shaped like ``interactions``, then its unique key and ``dst``
    indexes built after the load (as the store's bulk loader does) and the commit. No
    validation, no actors table: what any store that keeps the key pays at least."""
    import csv
    import sqlite3

    from influence.store._schema import INTERACTION_KEY

    t0 = time.perf_counter()
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("CREATE TABLE interactions (src INTEGER NOT NULL, dst INTEGER NOT NULL, kind TEXT NOT NULL, "
                 "ts REAL, post TEXT, weight REAL NOT NULL DEFAULT 1.0, rel TEXT)")
    num: dict[str, int] = {}
    with open(csv_path, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        rows = [(num.setdefault(s, len(num) + 1), num.setdefault(d, len(num) + 1), k, float(t))
                for s, d, k, t in reader]
    t1 = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO interactions(src, dst, kind, ts) VALUES (?, ?, ?, ?)", rows)
    t2 = time.perf_counter()
    conn.execute("PRAGMA cache_size = -2000")  # as the store's loader builds its indexes
    conn.execute(f"PRAGMA threads = {min(4, os.cpu_count() or 1)}")
    conn.execute(f"CREATE UNIQUE INDEX interactions_key ON interactions({INTERACTION_KEY})")
    conn.execute("CREATE INDEX interactions_dst ON interactions(dst)")
    conn.execute("COMMIT")
    t3 = time.perf_counter()
    conn.close()
    return {"seconds": t3 - t0, "read": t1 - t0, "insert": t2 - t1, "indexes": t3 - t2, "rows": len(rows),
            "peak_mb": peak_mb()}


def part_library(csv_path: str, db: str, again: bool = False) -> dict:
    from influence import Store, import_file

    store = Store(db)
    if again:
        store.close()
        store = Store(db)
    t0 = time.perf_counter()
    rep = import_file(store, csv_path)
    t = time.perf_counter() - t0
    counts = store.counts()
    store.close()
    return {"seconds": t, "rows": rep.rows, "new": rep.new, "counts": counts, "peak_mb": peak_mb()}


_CLI = """
import resource, sys, time
t0 = time.perf_counter()
from influence_cli import cli
try:
    cli.main(sys.argv[1:], standalone_mode=True)
except SystemExit as exc:
    code = exc.code or 0
else:
    code = 0
print(f"PEAK {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss} EXIT {code} SECONDS {time.perf_counter() - t0}",
      file=sys.stderr)
sys.exit(code)
"""


def run_cli(csv_path: str, db: str) -> dict:
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, "-c", _CLI, "import", db, csv_path, "-q"], capture_output=True, text=True)
    wall = time.perf_counter() - t0
    out = {"seconds": wall, "exit": r.returncode}
    for line in r.stderr.splitlines():
        if line.startswith("PEAK "):
            parts = line.split()
            out["peak_mb"] = int(parts[1]) / 1024.0
    if r.returncode:
        out["error"] = r.stderr[-400:]
    return out


def run_part(part: str, csv_path: str, db: str) -> dict:
    r = subprocess.run([sys.executable, __file__, "--part", part, "--csv", csv_path, "--db", db],
                       capture_output=True, text=True)
    if r.returncode:
        return {"error": r.stderr[-400:]}
    return json.loads(r.stdout)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=5_000_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--keep", action="store_true", help="keep the CSV in /tmp for the next run")
    ap.add_argument("--no-again", action="store_true", help="skip the second import into the filled store")
    ap.add_argument("--part", choices=["reference", "indexed", "library", "again"], help=argparse.SUPPRESS)
    ap.add_argument("--csv", help=argparse.SUPPRESS)
    ap.add_argument("--db", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.part:
        fn = {"reference": part_reference, "indexed": part_indexed, "library": part_library,
              "again": lambda c, d: part_library(c, d, again=True)}[args.part]
        print(json.dumps(fn(args.csv, args.db)))
        return 0

    csv_path = os.path.join(tempfile.gettempdir(), f"influence_import_scale_{args.rows}_{args.seed}_noloops.csv")
    if not os.path.exists(csv_path):
        t = time.perf_counter()
        write_csv(csv_path + ".part", args.rows, args.seed)
        os.replace(csv_path + ".part", csv_path)
        print(f"# wrote {csv_path} ({os.path.getsize(csv_path) / 2**20:.0f} MB) in {time.perf_counter() - t:.1f} s")
    load = os.getloadavg()[0]
    print(f"# import_scale --rows {args.rows:,} --seed {args.seed} ({csv_path}); load average {load:.1f} on "
          f"{os.cpu_count()} cores")
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        results["reference"] = ref = run_part("reference", csv_path, os.path.join(tmp, "ref.db"))
        results["indexed"] = run_part("indexed", csv_path, os.path.join(tmp, "indexed.db"))
        results["cli"] = run_cli(csv_path, os.path.join(tmp, "cli.db"))
        lib_db = os.path.join(tmp, "lib.db")
        results["library"] = run_part("library", csv_path, lib_db)
        if not args.no_again:
            results["again"] = run_part("again", csv_path, lib_db)
    rows = ref.get("rows", args.rows)  # the rows in the file (self-loops dropped)
    base = ref.get("seconds")
    print(f"{'step':<58}{'s':>8}{'rows/s':>11}{'ratio':>7}{'peak MB':>9}")
    labels = {
        "reference": "reference: csv.reader + sqlite3 executemany, bare table",
        "indexed": "reference + ids numbered + the store's 2 indexes",
        "cli": "influence import (CLI), fresh store",
        "library": "import_file (library), fresh store",
        "again": "import_file again into that store (all rows present)",
    }
    for key, label in labels.items():
        r = results.get(key)
        if r is None:
            continue
        if "error" in r:
            print(f"{label:<58} failed: {r['error']}")
            continue
        s = r["seconds"]
        ratio = f"{s / base:.2f}" if base else "-"
        print(f"{label:<58}{s:>8.2f}{rows / s:>11,.0f}{ratio:>7}{r.get('peak_mb', 0):>9.0f}")
    if "insert" in ref:
        print(f"{'  of which the executemany alone':<58}{ref['insert']:>8.2f}{rows / ref['insert']:>11,.0f}")
    ix = results.get("indexed", {})
    if "indexes" in ix:
        print(f"{'  of which read + number, insert, indexes + commit':<58}"
              f"{ix['read']:.2f} + {ix['insert']:.2f} + {ix['indexes']:.2f} s")
    lib = results.get("library", {})
    if "counts" in lib:
        print(f"# store: {lib['counts']}" + (f"; again: new {results['again'].get('new')}" if "again" in results else ""))
    if not args.keep:
        os.remove(csv_path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
