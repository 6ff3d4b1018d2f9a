"""The trainable classifier: TF-IDF and logistic regression, its file format, training, cross-
validation and labelled files.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import InputDataError
from ..text import fold
from ..validation import check_number, check_whole, message, one_of
from ._labels import LABELS, MENTION_RE, URL_RE

# -- trainable classifier -------------------------------------------------------------------------


_FORMAT = "influence-sentiment-model"
_FORMAT_VERSION = 1


def _preprocess(text: str) -> str:
    """Accent-fold and lower-case; links and @handles become placeholders (so a model learns
    how people speak, not which brand they address)."""
    text = URL_RE.sub(" _url_ ", text or "")
    text = MENTION_RE.sub(" _user_ ", text)
    return fold(text)


@dataclass(frozen=True)
class TrainedClassifier:
    """A scikit-learn text classifier trained by :func:`train_classifier`.

    Attributes
    ----------
    pipeline : sklearn.pipeline.Pipeline
        TF-IDF features + logistic regression.
    labels : tuple of str
        The labels it was trained on.
    params : dict
        The training parameters (for manifests).
    """

    pipeline: Any = field(repr=False)
    labels: tuple[str, ...]
    params: dict = field(default_factory=dict)

    def predict(self, texts: Sequence[str],
                languages: Sequence[str | None] | None = None) -> list[str]:
        """One label per text (``languages`` is accepted and ignored: the model learned both)."""
        if len(texts) == 0:
            return []
        return [str(x) for x in self.pipeline.predict(list(texts))]

    def save(self, path: str | os.PathLike) -> None:
        """Write the model to ``path`` in a format that holds data only (numbers, words and a JSON
        header in a NumPy ``.npz`` archive, read back without pickle): loading a model file
        never runs code (:func:`load_classifier`). Written atomically.
        """
        import io
        import json

        import numpy as np
        import sklearn

        features = self.pipeline.named_steps["features"]
        model = self.pipeline.named_steps["model"]
        arrays: dict[str, np.ndarray] = {}
        for name, vec in features.transformer_list:
            terms = sorted(vec.vocabulary_, key=vec.vocabulary_.__getitem__)
            arrays[f"{name}_terms"] = np.array(terms, dtype=str)
            arrays[f"{name}_idf"] = np.asarray(vec.idf_, dtype=float)
        arrays["coef"] = np.asarray(model.coef_, dtype=float)
        arrays["intercept"] = np.asarray(model.intercept_, dtype=float)
        arrays["classes"] = np.array([str(c) for c in model.classes_], dtype=str)
        header = {"format": _FORMAT, "version": _FORMAT_VERSION, "sklearn": sklearn.__version__,
                  "labels": list(self.labels), "params": dict(self.params),
                  "features": [name for name, _ in features.transformer_list]}
        arrays["header"] = np.array(json.dumps(header, sort_keys=True))
        buf = io.BytesIO()
        np.savez_compressed(buf, **arrays)
        from ..atomic import atomic_write  # a failed save leaves an earlier model in place

        with atomic_write(path, "wb") as fh:
            fh.write(buf.getvalue())


def _pipeline(C: float, seed: int):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline

    features = FeatureUnion([
        ("words", TfidfVectorizer(preprocessor=_preprocess, ngram_range=(1, 2), min_df=2,
                                  sublinear_tf=True, token_pattern=r"(?u)\b\w+\b|[!?]")),
        ("chars", TfidfVectorizer(preprocessor=_preprocess, analyzer="char_wb",
                                  ngram_range=(2, 5), min_df=2, sublinear_tf=True)),
    ])
    # class_weight="balanced": real complaints outnumber praise (airline tweets: 63 % negative);
    # unweighted, the minority labels would be under-predicted and macro-F1 would suffer.
    model = LogisticRegression(C=C, max_iter=2000, class_weight="balanced", random_state=seed)
    return Pipeline([("features", features), ("model", model)])


def _check_training(texts: Sequence[str], labels: Sequence[str]) -> list[str]:
    if len(texts) != len(labels):
        raise InputDataError(f"got {len(texts)} texts but {len(labels)} labels")
    clean = [str(lab).strip().lower() for lab in labels]
    bad = sorted(set(clean) - set(LABELS))
    if bad:
        raise InputDataError(message("labels", one_of(LABELS), bad[0]))
    if len(set(clean)) < 2:
        raise InputDataError("need examples of at least two labels to train a classifier")
    return clean


def train_classifier(texts: Sequence[str], labels: Sequence[str], *, C: float = 4.0,
                     seed: int = 0) -> TrainedClassifier:
    """Train a sentiment classifier on labelled examples.

    Parameters
    ----------
    texts : sequence of str
    labels : sequence of str
        ``"positive"``, ``"negative"`` or ``"neutral"`` (case-insensitive), one per text.
    C : float, default=4.0
        Inverse regularisation strength of the logistic regression.
    seed : int, default=0
        ``random_state`` of the solver. Pass an int for reproducible models.

    Returns
    -------
    TrainedClassifier

    Raises
    ------
    InputDataError
        If the labels are not the three known ones, or only one label is present.

    Examples
    --------
    >>> texts = ["great coffee", "love it", "awful service", "terrible beans",
    ...          "shop opens monday", "new hours today"] * 3
    >>> labels = ["positive"] * 2 + ["negative"] * 2 + ["neutral"] * 2
    >>> model = train_classifier(texts, labels * 3)
    >>> model.predict(["love this coffee", "awful beans", "shop hours"])
    ['positive', 'negative', 'neutral']
    """
    clean = _check_training(texts, labels)
    check_number("C", C, 0.0, open_lo=True)
    pipe = _pipeline(C, seed)
    pipe.fit(list(texts), clean)
    return TrainedClassifier(pipeline=pipe, labels=tuple(sorted(set(clean))),
                             params={"C": C, "seed": seed, "n_examples": len(clean)})


def macro_f1(true: Sequence[str], pred: Sequence[str]) -> float:
    """Unweighted mean of the per-label F1 over the labels present in ``true`` or ``pred``.

    Examples
    --------
    >>> macro_f1(["positive", "negative", "neutral"], ["positive", "negative", "negative"])
    0.5555555555555555
    """
    out = []
    for lab in sorted(set(true) | set(pred)):
        tp = sum(t == lab and p == lab for t, p in zip(true, pred))
        fp = sum(t != lab and p == lab for t, p in zip(true, pred))
        fn = sum(t == lab and p != lab for t, p in zip(true, pred))
        out.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(out) / len(out) if out else 0.0


def cross_validate(texts: Sequence[str], labels: Sequence[str], *, folds: int = 5,
                   C: float = 4.0, seed: int = 0) -> dict:
    """Stratified k-fold cross-validation of :func:`train_classifier`.

    Parameters
    ----------
    texts, labels, C, seed
        As in :func:`train_classifier`; ``seed`` also shuffles the folds.
    folds : int, default=5

    Returns
    -------
    dict
        ``macro_f1`` and ``accuracy`` (means over folds), ``macro_f1_folds`` (one per fold),
        ``folds``.
    """
    from sklearn.model_selection import StratifiedKFold

    clean = _check_training(texts, labels)
    check_whole("folds", folds, 2)
    texts = list(texts)
    f1s, accs = [], []
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=seed).split(texts, clean):
        model = train_classifier([texts[i] for i in train], [clean[i] for i in train], C=C,
                                 seed=seed)
        pred = model.predict([texts[i] for i in test])
        true = [clean[i] for i in test]
        f1s.append(macro_f1(true, pred))
        accs.append(sum(t == p for t, p in zip(true, pred)) / len(true))
    return {"macro_f1": sum(f1s) / folds, "accuracy": sum(accs) / folds,
            "macro_f1_folds": f1s, "folds": folds}


def load_classifier(path: str | os.PathLike) -> TrainedClassifier:
    """Read a model written by :meth:`TrainedClassifier.save`.

    The file holds data only (arrays and a JSON header, read with ``allow_pickle=False``), so
    loading it runs no code. Pickled models written by earlier versions are refused, because
    unpickling a file can run any code: train the model again with ``influence sentiment train``.

    Raises
    ------
    InputDataError
        If the file is missing, is a pickle, or is not a model saved by influence.
    """
    import json
    import zipfile

    import numpy as np

    p = os.fspath(path)
    try:
        with open(p, "rb") as fh:
            head = fh.read(2)
    except FileNotFoundError:
        raise InputDataError("no such model file", path=p) from None
    except IsADirectoryError:
        raise InputDataError("is a folder, not a model file", path=p) from None
    if head[:1] == b"\x80":
        raise InputDataError("this model file is a Python pickle (written by an earlier influence): loading "
                             "it could run any code, so it is refused; train the model again with "
                             "`influence sentiment train`", path=p)
    try:
        with np.load(p, allow_pickle=False) as data:
            header = json.loads(str(data["header"]))
            if not isinstance(header, dict) or header.get("format") != _FORMAT:
                raise ValueError("no influence header")
            arrays = {k: data[k] for k in data.files}
        pipeline = _pipeline(float(header.get("params", {}).get("C", 4.0)), 0)
        features = pipeline.named_steps["features"]
        for name, vec in features.transformer_list:
            terms = [str(t) for t in arrays[f"{name}_terms"]]
            vec.vocabulary_ = {t: i for i, t in enumerate(terms)}
            vec.idf_ = arrays[f"{name}_idf"]
        model = pipeline.named_steps["model"]
        model.coef_ = arrays["coef"]
        model.intercept_ = arrays["intercept"]
        model.classes_ = np.array([str(c) for c in arrays["classes"]])
        model.n_features_in_ = model.coef_.shape[1]
    except InputDataError:
        raise
    except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile) as exc:
        raise InputDataError(f"not a sentiment model saved by influence ({exc})", path=p) from None
    return TrainedClassifier(pipeline=pipeline, labels=tuple(header["labels"]),
                             params=dict(header.get("params", {})))


def read_labelled(path: str | os.PathLike, *, text_column: str = "text",
                  label_column: str = "label") -> tuple[list[str], list[str]]:
    """Read labelled examples from a CSV file with a header.

    Parameters
    ----------
    path : path-like
        CSV (UTF-8) with at least a text and a label column.
    text_column, label_column : str
        Column names (``"text"`` and ``"label"`` by default; ``label`` also accepts a column
        named ``sentiment``).

    Returns
    -------
    texts, labels : list of str
        Rows with an empty label are skipped.

    Raises
    ------
    InputDataError
        If the file is missing, a column is missing, or a label is not one of :data:`LABELS`.
    """
    import csv

    p = os.fspath(path)
    try:
        fh = open(p, encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise InputDataError(f"{p}: cannot read: {exc.strerror or exc}", path=p) from None
    with fh:
        reader = csv.DictReader(fh)
        cols = reader.fieldnames or []
        if label_column == "label" and "label" not in cols and "sentiment" in cols:
            label_column = "sentiment"
        for c in (text_column, label_column):
            if c not in cols:
                raise InputDataError(f"{p}: no column {c!r} (columns: {', '.join(cols)})",
                                     path=p, line=1)
        texts, labels = [], []
        try:
            for line, row in enumerate(reader, start=2):
                label = (row.get(label_column) or "").strip().lower()
                if not label:
                    continue
                if label not in LABELS:
                    raise InputDataError(f"{p}: line {line}: {message('label', one_of(LABELS), label)}",
                                         path=p, line=line)
                texts.append(row.get(text_column) or "")
                labels.append(label)
        except (csv.Error, UnicodeDecodeError) as exc:
            raise InputDataError(f"{p}: not a readable CSV file: {exc}", path=p) from None
    return texts, labels
