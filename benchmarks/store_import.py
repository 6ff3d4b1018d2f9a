"""Store-level import throughput: ``Store.write_interaction_columns`` (the path ``influence import``
takes for a CSV of interactions) into an empty PostgreSQL schema and, with ``--sqlite``, into a new
SQLite file; seconds and interactions/s, with the load average (issue 19; docs/scale-out.md).

The columns are what the importer hands over: batches of 10,000 rows of canonical actor ids
(``--actors`` distinct ones), one kind, float timestamps; no post, weight or rel column. Reading
and checking the CSV is not included (``benchmarks/crawl_workers.py`` times the whole command).

PostgreSQL: ``--pg URL`` or ``INFLUENCE_TEST_PG`` (start one with ``bash .ci/pg-cluster start DIR``).

    python benchmarks/store_import.py --rows 300000
    python benchmarks/store_import.py --rows 300000 --sqlite --profile
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from influence.store import open_store

BATCH = 10_000


def columns(rows: int, actors: int, seed: int = 0) -> list[tuple]:
    rnd = random.Random(seed)
    out = []
    for i in range(0, rows, BATCH):
        m = min(BATCH, rows - i)
        out.append(([f"import:u{rnd.randrange(actors)}" for _ in range(m)],
                    [f"import:u{rnd.randrange(actors)}" for _ in range(m)],
                    ["mention"] * m,
                    [float(1_600_000_000 + rnd.randrange(30_000_000)) for _ in range(m)],
                    None, None, None))
    return out


def timed(spec: str, batches: list[tuple], profile: bool) -> None:
    store = open_store(spec)
    prof = cProfile.Profile() if profile else None
    start = time.perf_counter()
    if prof:
        prof.enable()
    new = store.write_interaction_columns(iter(batches))
    if prof:
        prof.disable()
    elapsed = time.perf_counter() - start
    rows = sum(len(b[0]) for b in batches)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"| {'PostgreSQL' if '://' in spec else 'SQLite'} | {rows:,} | {elapsed:.2f} | {rows / elapsed:,.0f} | "
          f"{load} | {store.fingerprint()[:16]} |", flush=True)
    assert new["interactions"] <= rows
    store.close()
    if prof:
        pstats.Stats(prof).sort_stats("cumulative").print_stats(15)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=300_000)
    ap.add_argument("--actors", type=int, default=50_000)
    ap.add_argument("--pg", default=os.environ.get("INFLUENCE_TEST_PG"))
    ap.add_argument("--sqlite", action="store_true", help="also time a new SQLite store")
    ap.add_argument("--profile", action="store_true", help="print the 15 costliest calls of each run")
    args = ap.parse_args()
    if not args.pg:
        ap.error("give --pg URL or set INFLUENCE_TEST_PG")
    import psycopg

    batches = columns(args.rows, args.actors)
    print("| store | interactions | seconds | per second | load average | fingerprint |")
    print("|---|---|---|---|---|---|")
    schema = "b_" + uuid.uuid4().hex[:10]
    with psycopg.connect(args.pg, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        timed(f"{args.pg}{'&' if '?' in args.pg else '?'}options=-csearch_path%3D{schema}", batches, args.profile)
    finally:
        with psycopg.connect(args.pg, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")
    if args.sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            timed(str(Path(tmp) / "import.db"), batches, args.profile)


if __name__ == "__main__":
    main()
