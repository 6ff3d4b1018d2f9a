"""Shared crawling and PostgreSQL import throughput (issue 19; the table of docs/scale-out.md).

1. Pages/s of 1, 2 and 4 ``influence crawl`` worker processes on one PostgreSQL sector, crawling a
   local site (127.0.0.1, ``delay = 0``), next to one crawl into SQLite. Wall time from starting
   the workers to the last one's exit (process start-up included).
2. ``influence import`` of one CSV of interactions into SQLite and into PostgreSQL: rows/s.

PostgreSQL: ``--pg URL`` or ``INFLUENCE_TEST_PG``; else a throwaway cluster is started with
``.ci/pg-cluster`` (Unix socket, stopped at the end). Each run gets an empty schema.

    python benchmarks/crawl_workers.py                       # 2,000 pages, 200,000 rows
    python benchmarks/crawl_workers.py --pages 500 --rows 50000
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from tests.site_server import Site  # noqa: E402  (the site the tests crawl)


def sector(folder: Path, site: Site, store: str) -> Path:
    path = folder / f"s-{uuid.uuid4().hex[:6]}.toml"
    path.write_text(textwrap.dedent(f"""\
        name = "bench"
        store = "{store}"
        allow_private_addresses = true
        [crawl]
        delay = 0
        retries = 0
        respect_robots = false
        [[sources]]
        type = "web"
        name = "site"
        seeds = ["{site.url}/p/0"]
        max_pages = 1000000
        max_depth = 20
        """), encoding="utf-8")
    return path


def fresh_schema(base: str) -> str:
    import psycopg

    schema = "b_" + uuid.uuid4().hex[:10]
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    return f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"


def run_workers(toml: Path, k: int) -> float:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    start = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-m", "influence", "crawl", str(toml), "-q"], env=env)
             for _ in range(k)]
    codes = [p.wait() for p in procs]
    if any(codes):
        raise SystemExit(f"a worker failed: exit codes {codes}")
    return time.perf_counter() - start


def run_import(store: str, csv_path: Path) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "influence", "import", store, str(csv_path), "-q"], check=True,
                   env=dict(os.environ, PYTHONPATH=str(REPO)))
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=2000)
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--workers", default="1,2,4")
    ap.add_argument("--pg", default=os.environ.get("INFLUENCE_TEST_PG"))
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="influence-bench-"))
    cluster = None
    try:
        base = args.pg
        if not base:
            cluster = tmp / "pg"
            cluster.mkdir()
            os.chmod(tmp, 0o755)
            os.chmod(cluster, 0o755)
            base = subprocess.run(["bash", str(REPO / ".ci" / "pg-cluster"), "start", str(cluster)],
                                  check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
        with Site(args.pages) as site:
            print(f"| crawl of {args.pages:,} pages (delay 0) | seconds | pages/s |")
            print("|---|---|---|")
            elapsed = run_workers(sector(tmp, site, str(tmp / "bench.db")), 1)
            print(f"| SQLite, 1 worker | {elapsed:.1f} | {args.pages / elapsed:.0f} |", flush=True)
            for k in (int(x) for x in args.workers.split(",")):
                elapsed = run_workers(sector(tmp, site, fresh_schema(base)), k)
                print(f"| PostgreSQL, {k} worker{'s' if k > 1 else ''} | {elapsed:.1f} | {args.pages / elapsed:.0f} |",
                      flush=True)
        csv_path = tmp / "rows.csv"
        import random

        rnd = random.Random(0)
        with open(csv_path, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["source", "target", "kind", "timestamp"])
            for _ in range(args.rows):
                w.writerow([f"u{rnd.randrange(50_000)}", f"u{rnd.randrange(50_000)}", "mention",
                            1_600_000_000 + rnd.randrange(30_000_000)])
        print(f"\n| influence import, {args.rows:,} interactions | seconds | rows/s |")
        print("|---|---|---|")
        for name, store in (("SQLite", str(tmp / "import.db")), ("PostgreSQL", fresh_schema(base))):
            elapsed = run_import(store, csv_path)
            print(f"| {name} | {elapsed:.1f} | {args.rows / elapsed:,.0f} |", flush=True)
    finally:
        if cluster is not None:
            subprocess.run(["bash", str(REPO / ".ci" / "pg-cluster"), "stop", str(cluster)], capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
