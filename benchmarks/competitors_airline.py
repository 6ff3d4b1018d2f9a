"""Competitor mapping on real tweets: the six US airlines of twitter-airline-sentiment.

Reads ../shared/datasets/twitter-airline-sentiment/Tweets.csv (14,640 rows, 14,485 distinct
tweets, human sentiment labels), treats the airlines as competitors and prints a Markdown report:
share of voice (by @handle, against the dataset's ``airline`` column), the topic map of the
conversation about each airline, and sentiment accuracy / macro-F1 of the default lexicon
analyser and of the trainable classifier (stratified 5-fold cross-validation) against the human
labels.

The dataset's README warns that its "Delta" rows address @JetBlue (2,218 of 2,222): the
competitor is called JetBlue here and its column count is the dataset's "Delta".

Run (about 3 minutes on one core, most of it the cross-validation)::

    python benchmarks/competitors_airline.py
    python benchmarks/competitors_airline.py --folds 0   # skip the cross-validation
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import time
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path

from influence.competitors import CompetitorConfig, map_competitors
from influence.records import Actor, Interaction, Post
from influence.sector import Competitor
from influence.sentiment import LexiconAnalyzer, cross_validate, macro_f1

DATA = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "twitter-airline-sentiment"

# (competitor name, handle, value of the dataset's `airline` column)
AIRLINES = (
    ("United", "united", "United"),
    ("US Airways", "usairways", "US Airways"),
    ("American", "americanair", "American"),
    ("Southwest", "southwestair", "Southwest"),
    ("JetBlue", "jetblue", "Delta"),  # README: the dataset's "Delta" rows address @JetBlue
    ("Virgin America", "virginamerica", "Virgin America"),
)
_HANDLE = re.compile(r"@(\w+)")


def load():
    rows = {}
    with open(DATA / "Tweets.csv", encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            rows.setdefault(r["tweet_id"], r)  # 155 ids occur twice with the same text
    return list(rows.values())


def records(rows):
    posts, inter, authors = [], [], set()
    for r in rows:
        author = f"twitter:{r['name'].lower()}"
        authors.add(author)
        ts = datetime.strptime(r["tweet_created"], "%Y-%m-%d %H:%M:%S %z").timestamp()
        pid = f"twitter:{r['tweet_id']}"
        posts.append(Post(pid, author, timestamp=ts, text=r["text"], language="en",
                          reshares=int(r["retweet_count"] or 0)))
        for h in dict.fromkeys(h.lower() for h in _HANDLE.findall(r["text"])):
            if f"twitter:{h}" != author:
                inter.append(Interaction(author, f"twitter:{h}", "mention", ts, pid))
    actors = [Actor(a) for a in sorted(authors)]
    return posts, inter, actors


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--folds", type=int, default=5, help="cross-validation folds; 0 skips")
    ap.add_argument("--topics", type=int, default=None,
                    help="number of topics (default: bi-cross-validation)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    if not (DATA / "Tweets.csv").exists():
        print(f"{DATA}: absent (the shared datasets live beside the repo)", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    rows = load()
    posts, inter, actors = records(rows)
    comps = [Competitor(name, handles=(f"twitter:{h}",)) for name, h, _ in AIRLINES]
    cfg = CompetitorConfig(n_topics=args.topics, languages=("en",), sector_posts=len(posts),
                           topic_terms=6)
    cmap = map_competitors(posts, inter, actors, comps, config=cfg, seed=args.seed)
    t_map = time.perf_counter() - t0

    column = Counter(r["airline"] for r in rows)
    sov = cmap.share_of_voice
    print(f"# twitter-airline-sentiment: {len(rows)} distinct tweets, {len(actors)} authors\n")
    print("## Share of voice (posts mentioning each airline by @handle or name)\n")
    print("| airline | mentions | share of voice | dataset `airline` rows | net sentiment (lexicon) |")
    print("|---|---:|---:|---:|---:|")
    for name, _, col in AIRLINES:
        note = ' ("Delta")' if col == "Delta" else ""
        print(f"| {name} | {sov.mentions[name]:,} | {sov.mention_share[name]:.1%} | "
              f"{column[col]:,}{note} | "
              f"{cmap.reputation[name].net:+.3f} |")

    tm = cmap.topics
    print(f"\n## Topic map ({tm.n_topics} NMF topics, chosen by {tm.chosen_by})\n")
    by_airline = defaultdict(Counter)
    for pid, cs in cmap.tags.mentions.items():
        if pid in tm.post_topics:
            for c in cs:
                by_airline[c][tm.post_topics[pid]] += 1
    names = [a[0] for a in AIRLINES]
    print("| topic | " + " | ".join(names) + " |")
    print("|---|" + "---:|" * len(names))
    for t in tm.topics:
        cells = []
        for n in names:
            total = sum(by_airline[n].values()) or 1
            cells.append(f"{by_airline[n][t.id] / total:.0%}")
        print(f"| {', '.join(t.terms)} | " + " | ".join(cells) + " |")

    texts = [r["text"] for r in rows]
    true = [r["airline_sentiment"] for r in rows]
    t1 = time.perf_counter()
    pred = LexiconAnalyzer(default_language="en").predict(texts)
    t_lex = time.perf_counter() - t1
    acc = sum(a == b for a, b in zip(true, pred)) / len(true)
    print("\n## Sentiment against the human labels\n")
    print("| analyser | accuracy | macro-F1 | evaluation |")
    print("|---|---:|---:|---|")
    print(f"| default lexicon (VADER, English) | {acc:.3f} | {macro_f1(true, pred):.3f} | "
          f"all {len(rows):,} tweets |")
    t_cv = 0.0
    if args.folds:
        t2 = time.perf_counter()
        cv = cross_validate(texts, true, folds=args.folds, seed=args.seed)
        t_cv = time.perf_counter() - t2
        print(f"| trainable (TF-IDF + logistic regression) | {cv['accuracy']:.3f} | "
              f"{cv['macro_f1']:.3f} | stratified {args.folds}-fold CV (folds: "
              f"{', '.join(f'{x:.3f}' for x in cv['macro_f1_folds'])}) |")
    print(f"\nMajority-class baseline (always negative): accuracy "
          f"{true.count('negative') / len(true):.3f}, macro-F1 "
          f"{macro_f1(true, ['negative'] * len(true)):.3f}.")
    print(f"\nTimes: map {t_map:.1f} s, lexicon {t_lex:.1f} s, cross-validation {t_cv:.1f} s.")
    print("\nCommand: `python benchmarks/competitors_airline.py`")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
