"""Default reputation against human labels on real brand conversation (issue 16, section 1).

The figures come from benchmarks/reputation_real.py (its loaders and measures are reused here, so
the test and the table in docs/competitors.md measure the same thing). Nothing in the default
analyser was fitted to these labels: the service vocabulary was written from general knowledge
and the English neutral band was chosen on sanders-brand-tweets; the airline and Spanish sets
are held out. The datasets live in ../shared/datasets; each test skips when its set is absent.
"""

import importlib.util
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from influence_cli import cli

from influence.sentiment import LexiconAnalyzer

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("reputation_real",
                                               ROOT / "benchmarks" / "reputation_real.py")
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)

#: the commands run on "demo" in-process get the session's demo (conftest.session_demo)
pytestmark = pytest.mark.usefixtures("session_demo")


def _need(path):
    if not path.exists():
        pytest.skip(f"{path} absent (the shared datasets live beside the repo)")


@pytest.fixture(scope="module")
def airline():
    _need(bench.AIRLINE)
    return bench.airline_reputation(bench.load_airline(), LexiconAnalyzer())


def test_airline_reputation_is_close_to_the_labels_and_keeps_their_order(airline):
    # issue 16 goal: every airline within 0.25 of the labels' net, Spearman >= 0.8. Measured
    # gaps: United +0.24, US Airways +0.23, American +0.23, Southwest +0.10, JetBlue +0.12,
    # Virgin America +0.01 (before issue 16: +0.59, +0.60, +0.59, +0.46, +0.37, +0.28);
    # Spearman 1.00 (0.94 before)
    per = {p["airline"]: p for p in airline["per_airline"]}
    assert len(per) == 6 and all(p["mentions"] > 500 for p in per.values())
    assert all(abs(p["gap"]) <= 0.25 for p in per.values()), per
    assert all(p["net"] < 0 for p in per.values())
    assert airline["spearman"] >= 0.8
    assert 0.625 < airline["macro_f1"] < 0.645  # 0.635 measured; 0.518 before, VADER alone 0.457


@pytest.mark.xfail(strict=True, reason="issue 16 goal not reached by the untrained default: "
                   "airline macro-F1 0.635 (goal 0.65; the opt-in calibration 0.636); a model "
                   "trained on the sector's labels reaches 0.763")
def test_airline_issue_16_macro_f1_goal(airline):
    assert airline["macro_f1"] >= 0.65


def test_sanders_not_worse_than_before():
    """The other-brand check: tech brands (Apple, Google, Microsoft, Twitter), 2011."""
    _need(bench.SANDERS)
    san = bench.sanders_check(bench.load_sanders(), LexiconAnalyzer())
    # measured 0.584 macro-F1, largest per-brand net gap 0.11 (before issue 16: 0.511, 0.32).
    # The English neutral band and the complaint rule were chosen on this set
    # (benchmarks/reputation_calibrate.py), so 0.584 is their training figure.
    assert san["macro_f1"] >= 0.575
    assert san["max_gap"] <= 0.15
    assert san["brands"]["apple"]["net"] < san["brands"]["google"]["net"]


def test_opt_in_calibration_held_out():
    """LexiconAnalyzer(calibrated=True): fitted on VADER's rated tweets and review sentences and
    the hand-written service sentences; sanders and the airline tweets are held out."""
    _need(bench.SANDERS)
    _need(bench.AIRLINE)
    cal = LexiconAnalyzer(calibrated=True)
    san = bench.sanders_check(bench.load_sanders(), cal)
    # measured 0.589 macro-F1 (the band: 0.584, chosen on this set), largest brand gap 0.10
    assert san["macro_f1"] >= 0.585
    assert san["max_gap"] <= 0.15
    air = bench.airline_reputation(bench.load_airline(), cal)
    # measured macro-F1 0.636, accuracy 0.637; nets United -0.25 (labels -0.56), US Airways
    # -0.37, American -0.28, Southwest -0.08, JetBlue +0.00, Virgin America +0.04: order kept,
    # but every net about 0.08 above the band's and the largest gap 0.32 > the goal's 0.25,
    # which is why it is not the default (docs/competitors.md)
    assert 0.626 < air["macro_f1"] < 0.646
    assert air["spearman"] >= 0.8
    assert 0.25 < air["max_gap"] < 0.4


def test_spanish_aggregates():
    """Binary, noisy labels (README): aggregate checks only."""
    _need(bench.SPANISH)
    es = bench.spanish_check(bench.load_spanish(), LexiconAnalyzer())
    assert es["n"] == 10512
    # measured ROC-AUC 0.621 (0.587 before issue 16); mean score +0.138 vs -0.024
    assert es["auc"] >= 0.61
    assert es["mean_pos"] > es["mean_neg"] + 0.1
    assert es["net"] > 0  # the labels are 81 % positive
    assert es["polar_accuracy"] > 0.7


def test_reputation_output_names_the_model_and_how_to_train_one():
    r = CliRunner().invoke(cli, ["competitors", "demo", "--section", "reputation", "-f", "json",
                                 "--topics", "2"])
    assert r.exit_code == 0, r.stderr
    out = json.loads(r.stdout)
    model = out["sentiment_model"]
    assert model["name"] == "LexiconAnalyzer" and model["kind"] == "lexicon"
    assert "influence sentiment train" in model["hint"]
    assert "influence sentiment train" in r.stderr
    assert out["params"]["sentiment_model"] == model
