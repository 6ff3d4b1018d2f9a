"""Choose the English neutral band and the complaint rule of the default sentiment on sanders.

The calibration set is sanders-brand-tweets (3,424 tech-brand tweets with positive / negative /
neutral labels toward the brand, labels free for any use; see its README). For each setting of the
complaint rule (in a text naming a failure, a word at <= ``failure``, praise weighs ``polite``)
the script scores the tweets once and tries every neutral band on a grid, printing the best
macro-F1 of each setting. The airline and Spanish sets are *not* read: they stay held out for
benchmarks/reputation_real.py.

Run (about a minute)::

    python benchmarks/reputation_calibrate.py
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from influence.sentiment import _lexicon as sentiment  # the module whose constants are tuned
from influence.sentiment import LexiconAnalyzer, macro_f1

_spec = importlib.util.spec_from_file_location(
    "reputation_real", Path(__file__).resolve().parent / "reputation_real.py")
_bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_bench)

POSITIVE = [p / 100 for p in range(5, 80, 5)]
NEGATIVE = [n / 100 for n in range(5, 60, 5)]
FAILURE = (-1.0, -1.25, -1.5, -2.0)
POLITE = (1.0, 0.75, 0.5, 0.25)


def best_band(scores, true):
    def lab(x, p, n):
        return "positive" if x >= p else "negative" if x <= -n else "neutral"

    return max((macro_f1(true, [lab(x, p, n) for x in scores]), n, p)
               for p in POSITIVE for n in NEGATIVE)


def main() -> int:
    if not _bench.SANDERS.exists():
        print(f"{_bench.SANDERS}: absent", file=sys.stderr)
        return 2
    rows = _bench.load_sanders()
    texts = [r["TweetText"] for r in rows]
    true = [r["Sentiment"] for r in rows]
    saved = sentiment._FAILURE, sentiment._POLITE
    print("| failure | polite | best macro-F1 | negative cut | positive cut |")
    print("|---:|---:|---:|---:|---:|")
    results = []
    try:
        for f in FAILURE:
            for p in POLITE:
                sentiment._FAILURE, sentiment._POLITE = f, p
                sentiment._vader.cache_clear()
                scores = LexiconAnalyzer().scores(texts, ["en"] * len(texts))
                f1, neg, pos = best_band(scores, true)
                results.append((f1, f, p, neg, pos))
                print(f"| {f} | {p} | {f1:.4f} | {neg:.2f} | {pos:.2f} |")
    finally:
        sentiment._FAILURE, sentiment._POLITE = saved
        sentiment._vader.cache_clear()
    f1, f, p, neg, pos = max(results)
    print(f"\nBest on sanders: failure {f}, polite {p}, band (-{neg:.2f}, {pos:.2f}), "
          f"macro-F1 {f1:.4f}.\n\nCommand: `python benchmarks/reputation_calibrate.py`")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
