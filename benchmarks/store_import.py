"""Store-level import throughput: ``Store.write_interaction_columns`` (the path ``influence import``
takes for a CSV of interactions) into an empty PostgreSQL schema and, with ``--sqlite``, into a new
SQLite file; seconds and interactions/s, with the load average (issue 19; docs/scale-out.md).

The columns are what the importer hands over: batches of 10,000 rows of canonical actor ids
(``--actors`` distinct ones), one kind, float timestamps; no post, weight or rel column. Reading
and checking the CSV is not included (``benchmarks/crawl_workers.py`` times the whole command).

PostgreSQL: ``--pg URL`` or ``INFLUENCE_TEST_PG`` (start one with ``bash .ci/pg-cluster start DIR``).
``--baseline REV`` also times the PostgreSQL store of git revision ``REV`` (its
``influence/store/_postgres.py``, the rest from the work tree), alternating with this one, so that
both see the same load; ``--repeat N`` runs each N times. ``--bare`` times what the server alone
needs for the same rows, the floor of any client: one binary ``COPY`` (actor numbers already
resolved, built by numpy) into an unindexed table emptied in the same transaction, the table's two
index builds, and a ``COPY`` of the actors into an ``actors`` table with its indexes.

    python benchmarks/store_import.py --rows 300000
    python benchmarks/store_import.py --rows 300000 --sqlite --profile
    python benchmarks/store_import.py --rows 300000 --baseline HEAD~1 --repeat 3 --bare
"""

from __future__ import annotations

import argparse
import cProfile
import importlib.util
import os
import pstats
import random
import subprocess
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


def baseline_store(rev: str):
    """``PgStore`` as of git revision ``rev`` (its module loaded beside the work tree's)."""
    root = Path(__file__).resolve().parents[1]
    source = subprocess.run(["git", "show", f"{rev}:influence/store/_postgres.py"], cwd=root, check=True,
                            capture_output=True, text=True).stdout
    path = Path(tempfile.mkdtemp()) / "_postgres_baseline.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("influence.store._postgres_baseline", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module.PgStore


def bare(url: str, batches: list[tuple]) -> None:
    """The server's own time for the rows: binary COPY into an unindexed table, index builds, actors."""
    import numpy as np
    import psycopg

    from influence.store._pg_connection import (
        BINARY_HEADER,
        BINARY_TRAILER,
        copy_binary_interactions,
    )

    nums: dict[str, int] = {}
    blocks = []
    for src, dst, kind, ts, _post, weight, _rel in batches:
        for a in sorted(set(src) | set(dst)):
            nums.setdefault(a, len(nums) + 1)
        blocks.append(copy_binary_interactions([nums[a] for a in src], [nums[a] for a in dst], kind, ts, weight))
    data = BINARY_HEADER + b"".join(blocks) + BINARY_TRAILER
    actors = "".join(f"{k}\t{a}\t{a.partition(':')[0]}\n" for a, k in sorted(nums.items()))
    rows = sum(len(b[0]) for b in batches)
    schema = "bare_" + uuid.uuid4().hex[:10]
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}; SET search_path = {schema}")
        conn.execute('CREATE TABLE t (src bigint NOT NULL, dst bigint NOT NULL, kind text COLLATE "C" NOT NULL, '
                     'ts double precision, post text COLLATE "C", weight double precision NOT NULL DEFAULT 1.0, '
                     'rel text COLLATE "C")')
        conn.execute('CREATE TABLE actors (num bigint PRIMARY KEY, id text COLLATE "C" NOT NULL UNIQUE, '
                     'platform text COLLATE "C" NOT NULL)')
        try:
            with conn.transaction():
                conn.execute("TRUNCATE t")
                times = [time.perf_counter()]
                with conn.cursor() as cur, cur.copy("COPY t (src, dst, kind, ts) FROM STDIN (FORMAT BINARY)") as cp:
                    for i in range(0, len(data), 1 << 20):
                        cp.write(data[i:i + (1 << 20)])
                times.append(time.perf_counter())
                conn.execute("CREATE UNIQUE INDEX t_key ON t(src, dst, kind, coalesce(ts, -1.0e300), coalesce(post, ''))")
                conn.execute("CREATE INDEX t_dst ON t(dst)")
                times.append(time.perf_counter())
                with conn.cursor() as cur, cur.copy("COPY actors (num, id, platform) FROM STDIN") as cp:
                    cp.write(actors)
                times.append(time.perf_counter())
        finally:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")
    copy_s, index_s, actors_s = np.diff(times)
    total = times[-1] - times[0]
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"| bare server: COPY {copy_s:.2f} + 2 indexes {index_s:.2f} + {len(nums):,} actors {actors_s:.2f} "
          f"| {rows:,} | {total:.2f} | {rows / total:,.0f} | {load} | |", flush=True)


def timed(spec: str, batches: list[tuple], profile: bool, store_class=None, label: str = "") -> None:
    store = open_store(spec) if store_class is None else store_class(spec)
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
    print(f"| {'PostgreSQL' if '://' in spec else 'SQLite'}{label} | {rows:,} | {elapsed:.2f} | {rows / elapsed:,.0f} | "
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
    ap.add_argument("--baseline", metavar="REV", help="also time PgStore as of git revision REV, alternately")
    ap.add_argument("--repeat", type=int, default=1, help="runs of each store (default 1)")
    ap.add_argument("--bare", action="store_true", help="also time the server alone on the same rows")
    args = ap.parse_args()
    if not args.pg:
        ap.error("give --pg URL or set INFLUENCE_TEST_PG")
    import psycopg

    batches = columns(args.rows, args.actors)
    print("| store | interactions | seconds | per second | load average | fingerprint |")
    print("|---|---|---|---|---|---|")
    stores = [(None, "")]
    if args.baseline:
        stores.insert(0, (baseline_store(args.baseline), f" ({args.baseline})"))
    for _ in range(args.repeat):
        for store_class, label in stores:
            schema = "b_" + uuid.uuid4().hex[:10]
            with psycopg.connect(args.pg, autocommit=True) as conn:
                conn.execute(f"CREATE SCHEMA {schema}")
            try:
                timed(f"{args.pg}{'&' if '?' in args.pg else '?'}options=-csearch_path%3D{schema}", batches,
                      args.profile, store_class, label)
            finally:
                with psycopg.connect(args.pg, autocommit=True) as conn:
                    conn.execute(f"DROP SCHEMA {schema} CASCADE")
        if args.bare:
            bare(args.pg, batches)
        if args.sqlite:
            with tempfile.TemporaryDirectory() as tmp:
                timed(str(Path(tmp) / "import.db"), batches, args.profile)


if __name__ == "__main__":
    main()
