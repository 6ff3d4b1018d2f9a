"""The English label calibration: 26 features of how the lexicon read a text, weighed by a small
logistic regression shipped as numbers (``english_calibration.json``), no words.

The lexicon's compound score alone, cut by a neutral band, loses what else it saw: how many
failure words and service complaints a text names, whether it asks a question, thanks,
negates, links to something, shouts. A multinomial logistic regression over those features
turns them into a label. It was fitted (``python benchmarks/reputation_calibrate.py --fit
DIR``) on human-rated texts under the MIT licence (VADER's ground truth: 4,200 tweets and 3,708
Amazon review sentences, Hutto and Gilbert 2014; a mean rating >= 1 on their -4..4 scale is
positive, <= -1 negative) and the project's 60 hand-written service sentences, with balanced
class weights, so that no one set's mix of labels becomes the default's prior. The model holds
78 coefficients and the feature scaling: no text, no vocabulary. sanders-brand-tweets and the
airline tweets are held out (docs/competitors.md).

It is opt-in, ``LexiconAnalyzer(calibrated=True)``: held out, it beats the band on sanders
(macro-F1 0.589 against 0.584) and matches it on the airline tweets (0.636 against 0.635), but
its labels are more positive on complaint-heavy conversation (every airline's net about 0.08
higher than the band's, largest gap to the human labels 0.32 against 0.24).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources

from ._labels import MENTION_RE, URL_RE

#: The feature names, in the order of the model's coefficients.
FEATURE_NAMES: tuple[str, ...] = (
    "compound", "compound_pos", "compound_neg", "vader_pos", "vader_neg",
    "service_phrases", "negative_words", "positive_words", "has_question", "has_exclamation",
    "has_thanks", "has_request", "log_words", "has_negation", "emoji_valence",
    "starts_as_question", "has_link", "is_retweet", "handles", "caps_share",
    "complaint_words", "has_but", "intensifiers", "ends_with_question", "compound_in_question",
    "compound_near_zero",
)

_PHRASE_TOKEN = re.compile(r"\bx[a-z]+x\b")  # the tokens _SERVICE_PHRASES writes
_NEGATION = re.compile(r"\b(?:not|no|never|nothing|nobody|none|cannot|\w+n't|dont|didnt|doesnt|"
                       r"cant|wont|isnt)\b", re.IGNORECASE)
_QUESTION_START = re.compile(r"^\W*(?:why|how|when|where|what|who|is|are|can|could|will|would|"
                             r"do|does|did)\b", re.IGNORECASE)
_CAPS = re.compile(r"\b[A-Z]{3,}\b")
_BUT = re.compile(r"\bbut\b", re.IGNORECASE)


def english_features(texts: Sequence[str]) -> list[list[float]]:
    """One row of :data:`FEATURE_NAMES` per text, read by the English lexicon (VADER with the
    service vocabulary, as :class:`~influence.sentiment.LexiconAnalyzer` reads it)."""
    from vaderSentiment.vaderSentiment import BOOSTER_DICT

    from . import _lexicon as lx

    vader = lx.vader_analyzer()
    lexicon = vader.lexicon
    complaint = {w for w, v in lx.ENGLISH_SUPPLEMENT.items() if v < 0}
    rows = []
    for text in texts:
        text = text or ""
        clean = MENTION_RE.sub(" ", text)
        read = lx.english_reading(clean, lexicon)
        s = vader.polarity_scores(read)
        c = s["compound"]
        words = lx.EN_WORD.findall(read.lower())
        n = max(len(words), 1)
        rows.append([
            c, max(c, 0.0), min(c, 0.0), s["pos"], s["neg"],
            len(_PHRASE_TOKEN.findall(read)),
            sum(lexicon.get(w, 0.0) <= -1.0 for w in words),
            sum(lexicon.get(w, 0.0) >= 1.0 for w in words),
            "?" in text, "!" in text, bool(lx.THANKS.search(text)),
            bool(lx.REQUEST.search(text)), math.log1p(n), bool(_NEGATION.search(clean)),
            lx.emoji_valence(text), bool(_QUESTION_START.search(clean.strip())),
            bool(URL_RE.search(text)), text.startswith("RT "), len(MENTION_RE.findall(text)),
            len(_CAPS.findall(clean)) / n,
            sum(w in complaint and not _PHRASE_TOKEN.fullmatch(w) for w in words),
            bool(_BUT.search(clean)), sum(w in BOOSTER_DICT for w in words),
            clean.rstrip().endswith("?"), c * ("?" in text), abs(c) < 0.05,
        ])
    return [[float(v) for v in row] for row in rows]


@lru_cache(maxsize=1)
def english_model() -> dict:
    """The shipped calibration: ``classes``, ``mean``, ``scale``, ``coef`` (one row per class),
    ``intercept`` and ``provenance``."""
    raw = resources.files(__package__).joinpath("english_calibration.json").read_text("utf-8")
    model = json.loads(raw)
    if tuple(model["features"]) != FEATURE_NAMES:
        raise RuntimeError("english_calibration.json does not match FEATURE_NAMES")
    return model


def calibrated_labels(texts: Sequence[str], model: dict | None = None) -> list[str]:
    """The label of each English text: the class of highest score under ``model`` (default:
    the shipped :func:`english_model`)."""
    model = english_model() if model is None else model
    mean, scale = model["mean"], model["scale"]
    out = []
    for row in english_features(texts):
        z = [(x - m) / s for x, m, s in zip(row, mean, scale)]
        scores = [b + sum(w * v for w, v in zip(coef, z))
                  for coef, b in zip(model["coef"], model["intercept"])]
        out.append(model["classes"][max(range(len(scores)), key=scores.__getitem__)])
    return out


def fit_english_model(texts: Sequence[str], labels: Sequence[str], *, C: float = 0.1,
                      provenance: dict | None = None) -> dict:
    """Fit the calibration on labelled English texts (scikit-learn's logistic regression on
    standardised :func:`english_features`, balanced class weights): the dict
    :func:`calibrated_labels` reads and ``english_calibration.json`` holds."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    x = np.array(english_features(texts))
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    lr = LogisticRegression(C=C, max_iter=5000, class_weight="balanced")
    lr.fit((x - mean) / scale, list(labels))
    return {"features": list(FEATURE_NAMES), "classes": [str(c) for c in lr.classes_],
            "mean": mean.round(6).tolist(), "scale": scale.round(6).tolist(),
            "coef": lr.coef_.round(6).tolist(), "intercept": lr.intercept_.round(6).tolist(),
            "C": C, "provenance": dict(provenance or {})}
