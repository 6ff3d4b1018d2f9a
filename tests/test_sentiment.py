"""Sentiment analysers: the lexicon default (es + en), the trainable classifier, its CLI."""

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from influence_cli import cli

import influence.sentiment as influence_sentiment
from influence.datasets import make_sector
from influence.errors import ConfigError, InputDataError
from influence.sentiment import (
    FEATURE_NAMES,
    NEUTRAL_BANDS,
    LexiconAnalyzer,
    calibrated_labels,
    cross_validate,
    describe_analyzer,
    english_features,
    guess_language,
    load_classifier,
    macro_f1,
    read_labelled,
    train_classifier,
)

from .conftest import shared_path

DATA = Path(__file__).resolve().parent / "data"

#: the commands run on "demo" in-process get the session's demo (conftest.session_demo)
pytestmark = pytest.mark.usefixtures("session_demo")


def _airline(limit=None):
    rows = {}
    with open(shared_path("datasets", "twitter-airline-sentiment", "Tweets.csv"), encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            rows.setdefault(r["tweet_id"], r)  # 155 ids occur twice (README)
    rows = list(rows.values())
    return rows[:limit] if limit else rows


@pytest.fixture(scope="module")
def demo():
    return make_sector(seed=0, scale=0.3)


def test_lexicon_recovers_planted_demo_labels(demo):
    posts = {p.id: p for p in demo.posts}
    ids = sorted(demo.truth.sentiment)
    pred = LexiconAnalyzer().predict([posts[i].text for i in ids], [posts[i].language for i in ids])
    true = [demo.truth.sentiment[i] for i in ids]
    for lang in ("es", "en"):
        pairs = [(t, p) for i, t, p in zip(ids, true, pred) if posts[i].language == lang]
        assert len(pairs) > 20
        acc = sum(t == p for t, p in pairs) / len(pairs)
        assert acc >= 0.9, (lang, acc)
    # no planted negative is read as positive, in either language
    assert not [i for i, t, p in zip(ids, true, pred) if t == "negative" and p == "positive"]


def test_spanish_rules():
    a = LexiconAnalyzer(default_language="es")
    assert a.predict(["es bueno", "no es bueno", "muy malo", "nunca falla", "abre a las nueve"]) == [
        "positive", "negative", "negative", "positive", "neutral"]
    s = a.scores(["bueno", "muy bueno"])
    assert 0 < s[0] < s[1] < 1


def test_spanish_pero_superlatives_and_idioms():
    a = LexiconAnalyzer(default_language="es")
    # VADER's "but" rule: the clause after "pero" weighs more
    assert a.predict(["El local es bonito, pero el café es malo",
                      "El café es malo, pero el local es precioso"]) == ["negative", "positive"]
    texts = ["riquísimo", "amarguísimo", "Sin duda el mejor", "No recomiendo esta tienda",
             "El pedido llegó tarde"]
    assert a.predict(texts) == ["positive", "negative", "positive", "negative", "negative"]
    s = a.scores(["bueno", "buenísimo"])
    assert s[1] > s[0] > 0


def test_english_fair_as_event_is_no_opinion():
    # "fair" the adjective is mild praise: inside the calibrated neutral band, positive with
    # VADER's 0.05 cut-off; as an event it scores nothing
    texts = ["Bean Theory will be at the coffee fair in Madrid", "Fair trade beans",
             "That was a fair price", "This is fair"]
    s = LexiconAnalyzer(default_language="en").scores(texts)
    assert s[0] == s[1] == 0 and s[2] > 0.05 and s[3] > 0.05
    assert LexiconAnalyzer(default_language="en", threshold=0.05).predict(texts) == [
        "neutral", "neutral", "positive", "positive"]


def test_spanish_lexicon_on_hand_written_sentences():
    """tests/data/es_sentiment_handwritten.csv: 60 Spanish sentences written by hand for this
    test (20 positive, 20 negative, 20 neutral; not taken from any corpus nor from the lexicon).
    Measured 0.800 accuracy before the lexicon's customer-service additions, 0.933 after; the
    additions were written after seeing the first errors, so 0.933 is optimistic."""
    texts, labels = read_labelled(DATA / "es_sentiment_handwritten.csv")
    assert len(texts) == 60 and all(labels.count(x) == 20 for x in ("positive", "negative", "neutral"))
    pred = LexiconAnalyzer().predict(texts, ["es"] * len(texts))
    acc = sum(t == p for t, p in zip(labels, pred)) / len(labels)
    assert acc >= 0.9 and macro_f1(labels, pred) >= 0.9
    assert LexiconAnalyzer().predict(texts) == pred  # the language guess finds Spanish


def test_english_service_complaints_and_requests():
    a = LexiconAnalyzer(default_language="en")
    assert a.predict([
        "@skyline flight delayed 3 hours and still waiting at the gate",
        "@netlink on hold for 45 minutes and then the call dropped",
        "They rebooked me on a flight that leaves tomorrow night. Thanks for nothing",
        "@bankly why is the app down again on payday?",
        "My package never arrived and nobody answers",
        "@skyline please help, I need to change my flight",   # a request, not praise
        "Got a reply in two minutes, great support",          # speed, not waiting
    ]) == ["negative", "negative", "negative", "negative", "negative", "neutral", "positive"]
    # a missing item is a mild complaint (inside the neutral band alone); "united" is a name
    bag, name = a.scores(["@united where is my bag?", "united"])
    assert bag < 0 and name == 0
    # thanks beside a failure are not praise, thanks closing a question are politeness, a bare
    # thank-you is praise; praise around a complaint weighs little ("love the 3 hour delay")
    s = a.scores(["thanks for the 2 hour delay", "can I change my seat? thanks",
                  "thanks for the quick reply!", "love the 3 hour delay"])
    assert s[0] < 0 == s[1] < s[2] and s[3] < 0
    assert a.predict(["@united thanks", "Thank you"]) == ["positive", "positive"]


def test_service_sentences_hand_written():
    """tests/data/en_service_handwritten.csv (60 sentences, 20 per label) and
    es_service_handwritten.csv (30, 10 per label): customer-service posts to made-up brands,
    written by hand from general knowledge for issue 16, before any vocabulary was added. They
    were then the development set (errors on them were read and fixed), so these figures are
    optimistic; the held-out figures are the real sets in tests/test_reputation_real.py.
    Measured before issue 16: en macro-F1 0.717, es 0.775; after: en 0.901, es 0.967."""
    a = LexiconAnalyzer()
    for name, lang, floor in (("en_service_handwritten.csv", "en", 0.88),
                              ("es_service_handwritten.csv", "es", 0.93)):
        texts, labels = read_labelled(DATA / name)
        pred = a.predict(texts, [lang] * len(texts))
        assert macro_f1(labels, pred) >= floor, name


def test_neutral_band_parameters():
    a = LexiconAnalyzer(default_language="en")
    s = a.scores(["This is fair"])[0]
    assert 0.05 < s < NEUTRAL_BANDS["en"][1]
    assert a.predict(["This is fair"]) == ["neutral"]
    assert LexiconAnalyzer(default_language="en", positive_threshold=0.1).predict(
        ["This is fair"]) == ["positive"]
    with pytest.raises(ConfigError, match="positive_threshold"):
        LexiconAnalyzer(positive_threshold=1.5)
    with pytest.raises(ConfigError, match=r"^threshold must be a number in \[0, 1\), got -0.1"):
        LexiconAnalyzer(threshold=-0.1)


def test_describe_analyzer_names_the_model_and_how_to_train_one(tmp_path):
    d = describe_analyzer(LexiconAnalyzer())
    assert d["kind"] == "lexicon" and "vaderSentiment" in d["detail"]
    assert "influence sentiment train" in d["hint"]
    model = train_classifier(["great", "awful", "opens monday"] * 3,
                             ["positive", "negative", "neutral"] * 3)
    d = describe_analyzer(model)
    assert d["kind"] == "trained" and "hint" not in d and "9 labelled examples" in d["detail"]


def test_guess_language():
    assert guess_language("El café de la esquina es lo mejor que hay") == "es"
    assert guess_language("The coffee at the corner is the best there is") == "en"


def test_macro_f1_by_hand():
    true = ["positive", "positive", "negative", "neutral"]
    pred = ["positive", "negative", "negative", "negative"]
    # positive: P=1 R=.5 F=2/3; negative: P=1/3 R=1 F=.5; neutral: F=0
    assert macro_f1(true, pred) == pytest.approx((2 / 3 + 0.5 + 0) / 3)


def test_lexicon_on_airline_tweets():
    rows = _airline()
    texts = [r["text"] for r in rows]
    true = [r["airline_sentiment"] for r in rows]
    pred = LexiconAnalyzer(default_language="en").predict(texts)
    acc = sum(t == p for t, p in zip(true, pred)) / len(true)
    # measured 0.657 accuracy / 0.635 macro-F1 (python benchmarks/reputation_real.py; issue 16:
    # service vocabulary, complaint rule and neutral band chosen on sanders, nothing fitted to
    # these labels). Before issue 16: 0.556 / 0.518; VADER alone 0.489 / 0.457 (it scores
    # "united" +1.8)
    assert 0.645 < acc < 0.67
    assert 0.625 < macro_f1(true, pred) < 0.645
    # VADER's own cut-off is still there for whoever wants it
    old = LexiconAnalyzer(default_language="en", threshold=0.05).predict(texts)
    assert macro_f1(true, old) > 0.59


def test_trained_classifier_beats_lexicon_on_held_out_airline_tweets(tmp_path):
    rows = _airline()
    train, test = rows[:2500], rows[-1000:]
    model = train_classifier([r["text"] for r in train], [r["airline_sentiment"] for r in train])
    true = [r["airline_sentiment"] for r in test]
    pred = model.predict([r["text"] for r in test])
    f1 = macro_f1(true, pred)
    assert f1 >= 0.62
    lex = LexiconAnalyzer(default_language="en").predict([r["text"] for r in test])
    # trained on 2,500 of them: 0.704 against the untrained lexicon's 0.613 on these 1,000
    assert f1 > macro_f1(true, lex) + 0.06
    path = tmp_path / "m.pkl"
    model.save(path)
    assert load_classifier(path).predict([r["text"] for r in test]) == pred


def test_cross_validate_small():
    texts = ["love it", "great stuff", "awful thing", "terrible mess", "opens at nine",
             "new hours"] * 5
    labels = ["positive", "positive", "negative", "negative", "neutral", "neutral"] * 5
    cv = cross_validate(texts, labels, folds=3)
    assert cv["folds"] == 3 and len(cv["macro_f1_folds"]) == 3
    assert cv["macro_f1"] == pytest.approx(1.0)


def test_bad_inputs(tmp_path):
    with pytest.raises(InputDataError, match="labels must be one of"):
        train_classifier(["a", "b"], ["good", "bad"])
    with pytest.raises(InputDataError, match="not a sentiment model"):
        (tmp_path / "x.pkl").write_bytes(b"not a pickle")
        load_classifier(tmp_path / "x.pkl")
    p = tmp_path / "l.csv"
    p.write_text("text,label\nhola,positive\nadios,meh\n", encoding="utf-8")
    with pytest.raises(InputDataError, match="line 3"):
        read_labelled(p)


def test_cli_train_and_use(tmp_path):
    p = tmp_path / "labelled.csv"
    rows = [("Me encanta", "positive"), ("Qué bueno", "positive"), ("Terrible", "negative"),
            ("Pésimo servicio", "negative"), ("Abre mañana", "neutral"), ("Nuevo horario", "neutral")]
    with open(p, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["text", "sentiment"])
        w.writerows(rows * 4)
    model = tmp_path / "model.pkl"
    r = CliRunner().invoke(cli, ["sentiment", "train", str(p), "-o", str(model), "--folds", "2"])
    assert r.exit_code == 0, r.output
    assert "2-fold cross-validation: macro-F1" in r.stderr and r.stdout == ""
    assert load_classifier(model).predict(["Me encanta", "Terrible"]) == ["positive", "negative"]
    r = CliRunner().invoke(cli, ["competitors", "demo", "--section", "reputation", "-f", "json",
                                 "--sentiment-model", str(model), "--topics", "2"])
    assert r.exit_code == 0, r.stderr
    assert "TrainedClassifier" in r.stdout
    out = json.loads(r.stdout)
    assert out["sentiment_model"]["kind"] == "trained"
    assert "influence sentiment train" not in r.stderr  # no hint once a model is trained
    bad = CliRunner().invoke(cli, ["sentiment", "train", str(tmp_path / "nope.csv"), "-o", "m.pkl"])
    assert bad.exit_code == 2 and "Traceback" not in bad.output


def test_model_files_hold_no_code(tmp_path):
    """Issue 15: a model file is data only; a pickle (which can run code when loaded) is refused."""
    import pickle

    import numpy as np

    texts = ["love it", "great stuff", "awful thing", "terrible mess", "opens at nine", "new hours"] * 5
    labels = ["positive", "positive", "negative", "negative", "neutral", "neutral"] * 5
    model = train_classifier(texts, labels)
    path = tmp_path / "m.model"
    model.save(path)
    with np.load(path, allow_pickle=False) as data:  # readable without unpickling anything
        assert {"header", "coef", "intercept", "classes", "words_terms", "chars_idf"} <= set(data.files)
    again = load_classifier(path)
    assert again.predict(["love it", "terrible mess"]) == model.predict(["love it", "terrible mess"])
    assert again.labels == model.labels and again.params == model.params

    marker = tmp_path / "ran"

    class Evil:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    evil = tmp_path / "evil.pkl"
    evil.write_bytes(pickle.dumps({"format": "influence-sentiment-model", "pipeline": Evil()}))
    with pytest.raises(InputDataError, match="is a Python pickle .* refused; train the model again"):
        load_classifier(evil)
    assert not marker.exists()
    r = CliRunner().invoke(cli, ["competitors", "demo", "--section", "reputation", "--sentiment-model", str(evil)])
    assert r.exit_code == 2 and "refused" in r.stderr and not marker.exists()


# -- the opt-in English calibration ----------------------------------------------------------------


def test_calibration_file_holds_numbers_only_and_matches_the_features():
    model = json.loads((Path(influence_sentiment.__file__).parent
                        / "english_calibration.json").read_text(encoding="utf-8"))
    assert tuple(model["features"]) == FEATURE_NAMES and len(FEATURE_NAMES) == 26
    assert sorted(model["classes"]) == ["negative", "neutral", "positive"]
    assert len(model["coef"]) == 3 and all(len(row) == 26 for row in model["coef"])
    numbers = model["mean"] + model["scale"] + model["intercept"] + [x for row in model["coef"] for x in row]
    assert all(isinstance(x, float) for x in numbers) and all(s > 0 for s in model["scale"])
    assert "MIT" in model["provenance"]["sources"]
    assert model["provenance"]["trained_on"] == {"tweets": 4200, "amazonReviewSnippets": 3708,
                                                 "handwritten": 60}
    # more negative words push toward "negative", a higher compound toward "positive"
    coef = dict(zip(model["classes"], model["coef"]))
    col = FEATURE_NAMES.index
    assert coef["negative"][col("compound_neg")] < coef["positive"][col("compound_neg")]
    assert coef["positive"][col("compound")] > coef["negative"][col("compound")]


def test_calibrated_labels_by_hand():
    # a model that reads only the compound score: positive above 0, negative below
    model = {"classes": ["negative", "neutral", "positive"], "mean": [0.0] * 26,
             "scale": [1.0] * 26, "intercept": [0.0, 0.1, 0.0],
             "coef": [[-5.0] + [0.0] * 25, [0.0] * 26, [5.0] + [0.0] * 25]}
    assert calibrated_labels(["I love it", "I hate it", "opens on monday"], model) == [
        "positive", "negative", "neutral"]
    rows = english_features(["@acme WHY is my parcel still not here?!", ""])
    feats = dict(zip(FEATURE_NAMES, rows[0]))
    assert feats["handles"] == 1 and feats["has_question"] == 1 and feats["starts_as_question"] == 1
    assert feats["service_phrases"] >= 2  # "why is", "still not", "?!"
    assert feats["compound"] < 0 and feats["caps_share"] > 0
    assert rows[1] == [0.0] * 12 + [pytest.approx(0.6931, abs=1e-4)] + [0.0] * 10 + [0.0, 0.0, 1.0]


def test_calibrated_option_english_only_and_named():
    with open(DATA / "en_service_handwritten.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    texts, true = [r["text"] for r in rows], [r["label"] for r in rows]
    cal = LexiconAnalyzer(calibrated=True)
    # in-sample (these 60 sentences are among its training texts): 0.917 (the band: 0.901)
    assert macro_f1(true, cal.predict(texts, ["en"] * len(texts))) >= 0.9
    assert LexiconAnalyzer().calibrated is False  # the default keeps the band (see docs)
    es = ["Pésima atención al cliente, nunca más", "Me encanta esta tienda", "Abre el lunes"]
    mixed = es + texts[:3]
    # Spanish keeps its band; explicit thresholds keep the band in English too
    assert cal.predict(mixed, ["es"] * 3 + ["en"] * 3) == (
        LexiconAnalyzer().predict(es, ["es"] * 3) + cal.predict(texts[:3], ["en"] * 3))
    assert LexiconAnalyzer(calibrated=True, threshold=0.05).predict(texts) == LexiconAnalyzer(
        threshold=0.05).predict(texts)
    assert "calibration" in describe_analyzer(cal)["detail"]
    assert "calibration" not in describe_analyzer(LexiconAnalyzer())["detail"]
    with pytest.raises(ConfigError, match="^calibrated must be"):
        LexiconAnalyzer(calibrated="yes")


def test_phrase_gates_never_skip_a_rewrite_that_applies():
    # english_reading runs a phrase pattern only when one of its gate strings is in the text;
    # the result must be what running every pattern gives, whatever the case of the text
    from influence.sentiment import _lexicon as lex

    def ungated(text):
        text = lex._FAIR_NOUN.sub(lambda m: (m.group(1) or m.group(2) or "") + "event", text)
        text = text.replace("\u2019", "'").strip()
        for pat, tok, _gate in lex._SERVICE_PHRASES:
            text = pat.sub(tok, text)
        return text

    texts = [
        "Thanks for nothing", "never flying with you again", "bag never arrived", "ON HOLD 2 hrs",
        "I didn't even get a reply", "we were told", "still waiting", "no response", "NoOne helps",
        "they hung up", "in 5 minutes", "3 hours late", "wifi isn't working", "site is down",
        "locked out", "don't care", "long lines", "been trying to reach you", "called 5 times",
        "for 3 weeks", "how do you lose a bag", "need a refund", "had to wait", "keeps crashing",
        "answer the phone", "lack of info", "only to find", "what?!", "yet to receive", "hello??",
        "left us stranded", "should have known", "no longer", "what happened", "expected better",
        "where's my bag", "any update", "can't get through", "was supposed to", "third time",
        "once again", "how many times", "what's going on", "charged me twice", "double-billed",
        "what a joke", "Why is this so hard", "a fair price at the coffee fair",
        "STILL ON HOLD", "Called Them Five Times", "HOW IS IT POSSIBLE", "WHY DID YOU",
    ]
    applied = 0
    for text in texts:
        assert lex.english_reading(text) == ungated(text), text
        applied += ungated(text) != text.strip()
    assert applied >= len(texts) - 1  # the phrases do trigger their rewrites
