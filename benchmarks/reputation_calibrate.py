"""Calibrate the default English sentiment: the label model (``--fit``), or the neutral band.

``--fit DIR`` fits the English label calibration that ships as
``influence/sentiment/english_calibration.json`` (:mod:`influence.sentiment._calibration`): a
logistic regression over 26 features of how the lexicon read each text, on human-rated texts
under the MIT licence, VADER's ground truth (``DIR`` is the ``hutto_ICWSM_2014`` folder of
``additional_resources/hutto_ICWSM_2014.tar.gz`` in the vaderSentiment GitHub repository:
4,200 tweets and 3,708 Amazon review sentences, each the mean of 20 ratings on -4..4; >= 1 is
positive, <= -1 negative, neutral between) and the 60 hand-written service sentences of
``tests/data/en_service_handwritten.csv``. It prints each training set's 5-fold
cross-validated macro-F1 (each fold's model trained on the other folds and the other sets),
the held-out sanders-brand-tweets macro-F1, and writes the model. Neither sanders nor the
airline tweets are read for the fit.

Without ``--fit``: the neutral band and the complaint rule, as chosen before the calibration
(still used with ``LexiconAnalyzer(calibrated=False)``).

The calibration set is sanders-brand-tweets (3,424 tech-brand tweets with positive / negative /
neutral labels toward the brand, labels free for any use; see its README). For each setting of the
complaint rule (in a text naming a failure, a word at <= ``failure``, praise weighs ``polite``)
the script scores the tweets once and tries every neutral band on a grid, printing the best
macro-F1 of each setting. The airline and Spanish sets are *not* read: they stay held out for
benchmarks/reputation_real.py.

Run (a minute or two)::

    python benchmarks/reputation_calibrate.py --fit /path/to/hutto_ICWSM_2014
    python benchmarks/reputation_calibrate.py            # the band grid
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import sys
from pathlib import Path

from influence.sentiment import LexiconAnalyzer, calibrated_labels, fit_english_model, macro_f1
from influence.sentiment import _lexicon as sentiment  # the module whose constants are tuned

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


ROOT = Path(__file__).resolve().parents[1]
HANDWRITTEN = ROOT / "tests" / "data" / "en_service_handwritten.csv"
MODEL = ROOT / "influence" / "sentiment" / "english_calibration.json"
VADER_SETS = ("tweets", "amazonReviewSnippets")


def load_vader_truth(folder: Path, name: str, cut: float = 1.0) -> tuple[list[str], list[str]]:
    """VADER's ``<name>_GroundTruth.txt``: id, mean rating (-4..4), text; 3 labels at +-cut."""
    texts, labels = [], []
    with open(folder / f"{name}_GroundTruth.txt", encoding="utf-8", errors="replace") as fh:
        for line in fh:
            parts = line.rstrip("\r\n").split("\t")
            if len(parts) < 3:
                continue
            v = float(parts[1])
            texts.append(parts[2])
            labels.append("positive" if v >= cut else "negative" if v <= -cut else "neutral")
    return texts, labels


def load_handwritten(path: Path = HANDWRITTEN) -> tuple[list[str], list[str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [r["text"] for r in rows], [r["label"] for r in rows]


def fit(folder: Path, C: float = 0.1) -> int:
    from sklearn.model_selection import StratifiedKFold

    sets = {name: load_vader_truth(folder, name) for name in VADER_SETS}
    sets["handwritten"] = load_handwritten()
    print("| training set | texts | macro-F1 lexicon band | macro-F1 calibrated (5-fold) |")
    print("|---|---:|---:|---:|")
    band = LexiconAnalyzer(calibrated=False)
    for name in VADER_SETS:
        texts, labels = sets[name]
        pred = [""] * len(texts)
        others = [(t, lab) for o, (ts, ls) in sets.items() if o != name for t, lab in zip(ts, ls)]
        folds = StratifiedKFold(5, shuffle=True, random_state=0).split(texts, labels)
        for tr, te in folds:
            model = fit_english_model([texts[i] for i in tr] + [t for t, _ in others],
                                      [labels[i] for i in tr] + [lab for _, lab in others], C=C)
            for i, lab in zip(te, calibrated_labels([texts[i] for i in te], model)):
                pred[i] = lab
        base = band.predict(texts, ["en"] * len(texts))
        print(f"| {name} | {len(texts):,} | {macro_f1(labels, base):.3f} "
              f"| {macro_f1(labels, pred):.3f} |")
    texts = [t for ts, _ in sets.values() for t in ts]
    labels = [lab for _, ls in sets.values() for lab in ls]
    model = fit_english_model(texts, labels, C=C, provenance={
        "trained_on": {name: len(ts) for name, (ts, _) in sets.items()},
        "sources": "VADER ground truth (C.J. Hutto, MIT licence, vaderSentiment repository "
                   "additional_resources/hutto_ICWSM_2014.tar.gz: tweets and Amazon review "
                   "sentences, mean rating >= 1 positive, <= -1 negative); "
                   "tests/data/en_service_handwritten.csv (this project, MIT)",
        "command": "python benchmarks/reputation_calibrate.py --fit DIR"})
    if _bench.SANDERS.exists():
        rows = _bench.load_sanders()
        true = [r["Sentiment"] for r in rows]
        held = calibrated_labels([r["TweetText"] for r in rows], model)
        base = band.predict([r["TweetText"] for r in rows], ["en"] * len(rows))
        print(f"| sanders-brand-tweets (held out) | {len(rows):,} | {macro_f1(true, base):.3f} "
              f"| {macro_f1(true, held):.3f} |")
    MODEL.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
    print(f"\nWrote {MODEL.relative_to(ROOT)} (C={C}, {len(texts):,} texts). Command: "
          f"`python benchmarks/reputation_calibrate.py --fit DIR`")
    return 0


def band_grid() -> int:
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
                scores = LexiconAnalyzer(calibrated=False).scores(texts, ["en"] * len(texts))
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


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fit", type=Path, metavar="DIR",
                    help="fit english_calibration.json on VADER's ground truth in DIR")
    ap.add_argument("-C", type=float, default=0.1, help="inverse regularisation (default 0.1)")
    args = ap.parse_args(argv)
    if args.fit is not None:
        if not (args.fit / "tweets_GroundTruth.txt").exists():
            print(f"{args.fit}: no tweets_GroundTruth.txt (VADER's hutto_ICWSM_2014 folder)",
                  file=sys.stderr)
            return 2
        return fit(args.fit, args.C)
    return band_grid()


if __name__ == "__main__":
    raise SystemExit(main())
