"""Import throughput of the tool-export readers, next to the plain CSV path (issue 18).

Writes synthetic files of the same size in a temporary folder, each in its own format, and times
``influence import`` on each in a fresh process (wall time, records per second, peak RSS):

- ``interactions.csv``: the plain path, ``source,target,kind,timestamp`` rows;
- ``reddit.ndjson``: Pushshift comments (a submission every 20 lines, each comment replying to
  the submission or to an earlier comment, as the Reddit reader resolves them);
- ``twarc2_flat.jsonl``: ``twarc2 flatten`` tweets (a reply, a mention and a URL each);
- ``posts_mentions.csv``: tweets one per row, mentions in the text (``--map`` and
  ``--mentions-from text``).

Run::

    python benchmarks/import_formats.py              # 100,000 records per file
    python benchmarks/import_formats.py --n 400000

Records are lines (posts or interactions); "rows/s" is records read per second of wall time.
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

_CHILD = """
import resource, sys
from influence_cli import cli
try:
    cli.main(sys.argv[1:], standalone_mode=True)
except SystemExit as exc:
    code = exc.code or 0
else:
    code = 0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(f"PEAK {peak} EXIT {code}", file=sys.stderr)
sys.exit(code)
"""


def write_files(folder: Path, n: int) -> dict[str, tuple[Path, list[str]]]:
    out = {}
    p = folder / "interactions.csv"
    with open(p, "w", encoding="utf-8") as fh:
        fh.write("source,target,kind,timestamp\n")
        for i in range(n):
            fh.write(f"u{i % 9973},u{(i * 7) % 10007},reply,{1_600_000_000 + i}\n")
    out["plain CSV (interactions)"] = (p, [])
    p = folder / "reddit.ndjson"
    with open(p, "w", encoding="utf-8") as fh:
        for i in range(n):
            t = 1_600_000_000 + i
            if i % 20 == 0:
                fh.write(json.dumps({"id": f"s{i}", "name": f"t3_s{i}", "author": f"user{i % 5003}",
                                     "subreddit": "college", "title": f"Question {i}", "selftext": "text",
                                     "score": 3, "num_comments": 19, "created_utc": t}) + "\n")
            else:
                sub = i - i % 20
                parent = f"t3_s{sub}" if i % 20 == 1 else f"t1_c{i - 1}"
                fh.write(json.dumps({"id": f"c{i}", "author": f"user{(i * 13) % 5003}", "body": f"reply {i}",
                                     "parent_id": parent, "link_id": f"t3_s{sub}", "subreddit": "college",
                                     "score": 1, "created_utc": str(t)}) + "\n")
    out["Pushshift Reddit NDJSON"] = (p, [])
    p = folder / "twarc2_flat.jsonl"
    with open(p, "w", encoding="utf-8") as fh:
        for i in range(n):
            a, b = f"{i % 7919}", f"{(i * 11) % 7919}"
            fh.write(json.dumps({
                "id": str(10**17 + i), "text": f"@name{b} see https://example.org/{i}",
                "author_id": a, "created_at": "2021-04-08T12:00:00.000Z", "conversation_id": str(10**17),
                "in_reply_to_user_id": b,
                "referenced_tweets": [{"type": "replied_to", "id": str(10**17 + max(i - 1, 0)),
                                       "author_id": b, "author": {"id": b, "username": f"name{b}"}}],
                "entities": {"mentions": [{"start": 0, "end": 9, "username": f"name{b}", "id": b}],
                             "urls": [{"url": "https://t.co/x", "expanded_url": f"https://example.org/{i}"}]},
                "public_metrics": {"retweet_count": 0, "reply_count": 1, "like_count": 2, "quote_count": 0},
                "author": {"id": a, "username": f"name{a}", "name": f"Name {a}",
                           "public_metrics": {"followers_count": 10}},
                "in_reply_to_user": {"id": b, "username": f"name{b}"},
                "__twarc": {"url": "https://api.twitter.com/2/tweets/search/recent", "version": "2.0.3",
                            "retrieved_at": "2021-04-08T12:00:00+00:00"},
            }) + "\n")
    out["twarc2 flattened JSONL"] = (p, [])
    p = folder / "posts_mentions.csv"
    with open(p, "w", encoding="utf-8") as fh:
        fh.write("tweet_id,name,text,tweet_created\n")
        for i in range(n):
            fh.write(f"{i},user{i % 5003},@brand{i % 7} and @user{(i * 3) % 5003} thanks,2015-02-24 11:35:52 -0800\n")
    out["tweets CSV, --mentions-from text"] = (p, ["--platform", "twitter", "--map", "id=tweet_id",
                                                   "--map", "author=name", "--map", "timestamp=tweet_created",
                                                   "--mentions-from", "text"])
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000, help="records per file")
    args = ap.parse_args(argv)
    print(f"| format | records | size | wall s | records/s | peak RSS | exit |  (`python benchmarks/import_formats.py"
          f"{'' if args.n == 100_000 else f' --n {args.n}'}`)")
    print("|---|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, (path, extra) in write_files(folder, args.n).items():
            db = folder / (path.stem + ".db")
            t0 = time.perf_counter()
            r = subprocess.run([sys.executable, "-c", _CHILD, "import", str(db), str(path), "-q", *extra],
                               capture_output=True, text=True, env=dict(os.environ))
            wall = time.perf_counter() - t0
            peak = exit_code = "?"
            for line in r.stderr.splitlines():
                if line.startswith("PEAK "):
                    _, peak, _, exit_code = line.split()
            size = path.stat().st_size / 2**20
            print(f"| {name} | {args.n:,} | {size:.0f} MB | {wall:.1f} | {args.n / wall:,.0f} | "
                  f"{int(peak) // 1024 if peak != '?' else '?'} MB | {exit_code} |", flush=True)
            if r.returncode:
                print(r.stderr[-500:], file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
