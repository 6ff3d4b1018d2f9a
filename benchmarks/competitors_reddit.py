"""Topic map on real Reddit threads: r/CollegeAdvice, r/CollegeMajors and r/Emory.

Reads ../shared/datasets/reddit-college (3,683 threads, 15,478 comments; see its README) and runs
:func:`influence.competitors.map_topics` with the three subreddits in the place of competitors:
a subreddit's **own content** is its threads (title + text), the **sector's conversation** is
the comments of all three (a seeded sample, as for any sector). The number of topics is chosen
by bi-cross-validation, as ``influence competitors`` does by default. It prints the chosen k
and its candidates, each subreddit's top topic and distinctive terms, and the topic x subreddit
share matrix as Markdown.

The data has no licence (README): it is read in place, never copied, and only aggregate terms
are printed (no user names).

Run (about a minute)::

    python benchmarks/competitors_reddit.py
    python benchmarks/competitors_reddit.py --topics 12
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from pathlib import Path

from influence.competitors import CompetitorConfig, map_topics
from influence.records import Post

DATA = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "reddit-college"
SUBREDDITS = ("CollegeAdvice", "CollegeMajors", "Emory")


def load(data: Path = DATA) -> tuple[dict[str, list[Post]], list[Post]]:
    """``({subreddit: thread posts}, comment posts)`` from the gzip'd JSON-lines files."""
    threads: dict[str, list[Post]] = {s: [] for s in SUBREDDITS}
    comments: list[Post] = []
    for sub in SUBREDDITS:
        with gzip.open(data / f"{sub}.jsonl.gz", "rt", encoding="utf-8") as fh:
            for line in fh:
                th = json.loads(line)["thread"]
                threads[sub].append(Post(f"reddit:{th['sid']}", f"reddit:r/{sub}",
                                         timestamp=th.get("created"), title=th.get("title:"),
                                         text=th.get("text") or "", language="en"))
                stack = list((th.get("comments") or {}).items())
                while stack:
                    cid, c = stack.pop()
                    comments.append(Post(f"reddit:{cid}", f"reddit:u/{c.get('author')}",
                                         timestamp=c.get("created"), text=c.get("text") or "",
                                         language="en"))
                    stack.extend((c.get("replies") or {}).items())
    return threads, comments


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--topics", type=int, default=None,
                    help="number of topics (default: bi-cross-validation)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    if not DATA.exists():
        print(f"{DATA}: absent (the shared datasets live beside the repo)", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    threads, comments = load()
    cfg = CompetitorConfig(n_topics=args.topics, languages=("en",), topic_terms=6)
    tm = map_topics(threads, comments, config=cfg, seed=args.seed)
    elapsed = time.perf_counter() - t0
    print(f"# reddit-college: {sum(map(len, threads.values())):,} threads, "
          f"{len(comments):,} comments\n")
    print(f"{tm.n_topics} NMF topics, chosen by {tm.chosen_by}"
          + (" (held-out error per k: " + ", ".join(f"{k}: {e:.1f}" for k, e in tm.candidates)
             + ")" if tm.candidates else "") + ".\n")
    print("## Top topic and distinctive terms per subreddit\n")
    print("| subreddit | threads | top topic | share | distinctive terms |")
    print("|---|---:|---|---:|---|")
    for s in SUBREDDITS:
        top = tm.top_topic(s)
        share = max(tm.shares[s]) if tm.shares[s] else 0.0
        terms = ", ".join(t for t, _ in tm.distinctive_terms[s][:6])
        print(f"| r/{s} | {len(threads[s]):,} | {top.label if top else '-'} | {share:.0%} | "
              f"{terms} |")
    print("\n## Topic x subreddit share (threads), and the comments' share\n")
    print("| topic | " + " | ".join(f"r/{s}" for s in SUBREDDITS) + " | comments |")
    print("|---|" + "---:|" * (len(SUBREDDITS) + 1))
    for t in tm.topics:
        cells = [f"{tm.shares[s][t.id]:.0%}" for s in SUBREDDITS]
        print(f"| {', '.join(t.terms)} | " + " | ".join(cells) + f" | {t.sector_share:.0%} |")
    print(f"\nTime: {elapsed:.1f} s.")
    print("\nCommand: `python benchmarks/competitors_reddit.py`")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
