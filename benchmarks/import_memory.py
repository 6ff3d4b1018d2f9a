"""Peak memory (maximum resident set size) of ``influence import`` on large files.

Writes, in a temporary folder, the files of docs/import-formats.md "Limits and memory":

- ``actors1m.jsonl``: 1,000,000 actors, ``{"id": "user1", "name": "User number 1",
  "followers": 1, "bio": "..."}`` per line (144 MB);
- ``actors1m.csv``: the same as CSV (99 MB);
- ``posts300k.jsonl``: 300,000 posts of about 480 bytes (144 MB);
- ``line1g.jsonl.gz``: one JSON line of 1 GB, gzip-compressed to about 1 MB (refused by the
  16 MiB line limit);

then imports each into a new store in its own process and prints that process's peak RSS
(``resource.getrusage``, as ``/usr/bin/time -v`` reports it), wall time and exit code.
``--pythonpath DIR`` measures another copy of the code, e.g. the commit before a change::

    python benchmarks/import_memory.py
    python benchmarks/import_memory.py --files line1g.jsonl.gz
    git archive HEAD~1 influence cli | tar -x -C /tmp/before && mv /tmp/before/cli /tmp/before/influence_cli
    python benchmarks/import_memory.py --pythonpath /tmp/before

Takes about a minute per file on 2 cores.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FILES = ("actors1m.jsonl", "actors1m.csv", "posts300k.jsonl", "line1g.jsonl.gz")

_CHILD = """
import resource, sys
from influence_cli import cli
code = "traceback"
try:
    cli(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
finally:
    print("RSS", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, code, file=sys.stderr)
"""


def make_file(d: Path, name: str) -> Path:
    bio = "a bio of some length " * 3
    path = d / name
    if name == "actors1m.jsonl":
        with open(path, "w") as f:
            for i in range(1_000_000):
                f.write(json.dumps({"id": f"user{i}", "name": f"User number {i}", "followers": i % 5000,
                                    "bio": bio}) + "\n")
    elif name == "actors1m.csv":
        with open(path, "w") as f:
            f.write("id,name,followers,bio\n")
            for i in range(1_000_000):
                f.write(f"user{i},User number {i},{i % 5000},{bio}\n")
    elif name == "posts300k.jsonl":
        with open(path, "w") as f:
            for i in range(300_000):
                f.write(json.dumps({"id": f"p{i}", "author": f"user{i % 20000}", "timestamp": 1700000000 + i,
                                    "text": "some post text about coffee and things " * 10,
                                    "likes": i % 100}) + "\n")
    else:
        with gzip.open(path, "wb", compresslevel=9) as f:
            f.write(b'{"id": "a", "bio": "')
            chunk = b"x" * 2**20
            for _ in range(1024):
                f.write(chunk)
            f.write(b'"}\n')
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pythonpath", help="import influence from this folder instead")
    ap.add_argument("--files", nargs="+", choices=FILES, default=list(FILES), help="default: all four")
    args = ap.parse_args()
    env = dict(os.environ)
    if args.pythonpath:
        env["PYTHONPATH"] = args.pythonpath
    print("| file | size | peak RSS | time | exit |")
    print("|---|---|---|---|---|")
    for name in args.files:
        with tempfile.TemporaryDirectory() as tmp:
            d = Path(tmp)
            f = make_file(d, name)
            t = time.perf_counter()
            # cwd: not the repository, whose influence/ would shadow --pythonpath
            r = subprocess.run([sys.executable, "-c", _CHILD, "import", str(d / "s.db"), str(f), "-q"],
                               env=env, capture_output=True, text=True, cwd=d)
            wall = time.perf_counter() - t
            lines = r.stderr.strip().splitlines()
            rss = [x.split() for x in lines if x.startswith("RSS ")]
            if not rss:  # killed (out of memory)
                print(f"| {name} | {f.stat().st_size / 1e6:.0f} MB | - | {wall:.1f} s | killed ({r.returncode}) |")
                continue
            _, rss_kb, code = rss[-1]
            if code == "traceback":
                code = "traceback: " + next((x for x in reversed(lines) if not x.startswith("RSS ")), "")[:60]
            print(f"| {name} | {f.stat().st_size / 1e6:.0f} MB | {int(rss_kb) / 1024:.0f} MB | {wall:.1f} s "
                  f"| {code} |", flush=True)


if __name__ == "__main__":
    main()
