"""Sentiment of short texts: a lexicon analyser per language, or a classifier you train.

Every analyser labels texts ``"positive"``, ``"negative"`` or ``"neutral"`` through one method,
``predict(texts, languages=None)``, so :func:`influence.competitors.map_competitors` (and
``influence competitors --sentiment-model``) can use any of them.

=============================== ===========================================================
analyser                        what it is
=============================== ===========================================================
:class:`LexiconAnalyzer`        the default: English with VADER (the ``vaderSentiment``
                                package, which ships its lexicon), Spanish with a small
                                lexicon bundled here (see below); nothing is downloaded
:class:`TrainedClassifier`      TF-IDF word and character n-grams + logistic regression
                                (scikit-learn), trained on your labelled examples with
                                :func:`train_classifier`, saved with ``save`` and read back
                                with :func:`load_classifier`
=============================== ===========================================================

Why a bundled Spanish lexicon
-----------------------------
No maintained Spanish lexicon package installs offline with today's libraries: ``SentiLeak``
(GPL) pins spaCy < 3.5 and numpy < 1.22 and needs a spaCy model download;
``sentiment-analysis-spanish`` is a 30 MB naive-Bayes pickle from 2021 (an old scikit-learn);
``pysentimiento`` downloads transformer weights at run time; ``vader-multi`` translates
through a web service. So Spanish texts are scored with :data:`SPANISH_LEXICON`, about 330
common opinion and customer-service words and phrases with VADER-style valences (-4..+4), with
VADER's normalisation, Spanish negators (``no``, ``nunca``, ``sin``...) that flip the next three
words of their clause (not ``sin duda``, ``sin embargo``), emoticons and expressive emoji, intensifiers (``muy``, ``muchísimo``...), VADER's "but" rule
for ``pero`` (the clause after it weighs 1.5, the one before 0.5) and absolute superlatives
scored from their base word (``buenísimo`` from ``bueno``, ``riquísimo`` from ``rico``). There is
no labelled Spanish corpus in the project: on 60 hand-written sentences
(``tests/data/es_sentiment_handwritten.csv``) it scores 0.800 accuracy before its
customer-service words were added and 0.933 after (optimistic: they were added after seeing the
errors). Train a classifier on your own examples when it matters.

English texts go to VADER read as conversation addressed to brands (issue 16):
:data:`ENGLISH_SUPPLEMENT` adds spellings it lacks (``canceled``) and the vocabulary of service
failures, with multi-word complaints ("on hold", "still waiting", "never arrived", "3 hours")
rewritten to one scored token; :data:`SERVICE_NEUTRAL` takes out words that are requests,
politeness or names there ("please help", "customer care", "united"); thanks beside a failure
or closing a request are not praise; in a text naming a failure, praise weighs a quarter; and
the neutral band :data:`NEUTRAL_BANDS` was calibrated on sanders-brand-tweets
(``benchmarks/reputation_calibrate.py``). "fair" read as an event or in "fair trade" ("see you
at the coffee fair") is not counted as praise. On 14,485 airline tweets held out from all of
this, macro-F1 is 0.635 (VADER alone 0.457) and every airline's net is within 0.24 of the human
labels' (docs/competitors.md, ``python benchmarks/reputation_real.py``).

``LexiconAnalyzer(calibrated=True)`` labels English texts with a shipped calibration instead of
the band: a logistic regression over 26 features of how the lexicon read the text
(:data:`FEATURE_NAMES`; :func:`english_features`, :func:`calibrated_labels`), fitted by
:func:`fit_english_model` on human-rated texts under the MIT licence (VADER's ground-truth
tweets and Amazon review sentences) and the hand-written service sentences; the file holds 78
coefficients and the feature scaling, no words. Held out, it is better on sanders (macro-F1
0.589 against 0.584) but more positive on the airline complaints (every net about 0.08 higher,
largest gap 0.32), so it is not the default.

Examples
--------
>>> a = LexiconAnalyzer()
>>> a.predict(["Great customer service, highly recommend", "Terrible servicio, el pedido llegó tarde",
...            "Abre tienda en Valencia"])
['positive', 'negative', 'neutral']
>>> a.predict(["no es bueno"], languages=["es"])
['negative']
"""

from __future__ import annotations

from ._calibration import FEATURE_NAMES, calibrated_labels, english_features, fit_english_model
from ._choose import TRAIN_HINT, analyzer_from, describe_analyzer, label_counts
from ._classifier import (
    TrainedClassifier,
    cross_validate,
    load_classifier,
    macro_f1,
    read_labelled,
    train_classifier,
)
from ._labels import LABELS, SentimentAnalyzer
from ._lexicon import (
    ENGLISH_SUPPLEMENT,
    NEUTRAL_BANDS,
    SERVICE_NEUTRAL,
    SPANISH_LEXICON,
    LexiconAnalyzer,
    guess_language,
)

__all__ = [
    "ENGLISH_SUPPLEMENT",
    "FEATURE_NAMES",
    "LABELS",
    "NEUTRAL_BANDS",
    "SERVICE_NEUTRAL",
    "SPANISH_LEXICON",
    "LexiconAnalyzer",
    "SentimentAnalyzer",
    "TrainedClassifier",
    "calibrated_labels",
    "cross_validate",
    "describe_analyzer",
    "english_features",
    "fit_english_model",
    "guess_language",
    "load_classifier",
    "macro_f1",
    "read_labelled",
    "train_classifier",
]
