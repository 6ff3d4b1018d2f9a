"""influence.evaluate.truth_diagnostics: can a ground truth tell the compared actors apart? Figures
checked by hand; and spreading_truth records the runs it really simulated (one when certain)."""

from __future__ import annotations

import math

import networkx as nx
import pytest

from influence.evaluate import (
    MIN_DISTINCT,
    TIED_PAIRS_LIMIT,
    Truth,
    evaluate_measures,
    evaluate_ranking,
    spreading_truth,
    truth_diagnostics,
)


def test_figures_by_hand():
    # six actors at 1, one at 2, one at 3: C(6,2) = 15 of the 28 pairs tied; of the 13 untied
    # pairs, 6 x 2 = 12 pair an actor at the minimum with one above it
    d = truth_diagnostics([1, 1, 1, 1, 1, 1, 2, 3])
    assert (d.n, d.distinct, d.minimum) == (8, 3, 1.0)
    assert d.tied_pairs == pytest.approx(15 / 28)
    assert d.at_minimum == pytest.approx(6 / 8)
    assert d.minimum_pairs == pytest.approx(12 / 13)
    assert not d.discriminates and "53.6% of the 28 pairs" in d.reason and "3 distinct values" in d.reason
    assert d.to_dict()["tied_pairs"] == pytest.approx(0.535714)


def test_rule_limits():
    assert TIED_PAIRS_LIMIT == 0.5 and MIN_DISTINCT == 10
    # 12 distinct values, no ties: discriminates
    assert truth_diagnostics(list(range(12))).discriminates
    # 9 distinct values over 12 actors (3 pairs tied, 4.5%): too few values for a top 10
    d = truth_diagnostics([0, 0, 1, 1, 2, 2, 3, 4, 5, 6, 7, 8])
    assert d.tied_pairs == pytest.approx(3 / 66) and not d.discriminates
    assert d.reason == "9 distinct values, fewer than 10"
    # fewer actors than MIN_DISTINCT: all distinct is enough
    assert truth_diagnostics([3.0, 2.0, 1.0]).discriminates
    # exactly half the pairs tied is allowed (the rule is "more than half")
    d = truth_diagnostics([0, 0, 0, 1, 1, 1])  # 6 of 15 tied, but 2 distinct values < 6
    assert d.tied_pairs == pytest.approx(6 / 15) and d.reason == "2 distinct values, fewer than 6"


def test_binary_truth_is_tied_by_design():
    d = truth_diagnostics(Truth({"a": 1.0, "b": 0.0, "c": 0.0, "d": 0.0}, source="file", binary=True))
    assert d.binary and d.discriminates and d.tied_pairs == pytest.approx(3 / 6)
    assert not truth_diagnostics([1.0, 1.0], binary=True).discriminates


def test_every_evaluation_carries_the_diagnostics_of_the_compared_actors():
    truth = Truth({"a": 3.0, "b": 1.0, "c": 1.0}, source="file")
    ev = evaluate_ranking({"a": 0.9, "b": 0.1, "c": 0.5, "z": 1.0}, truth, k=1)
    assert ev.truth is not None and ev.truth.n == 3 and ev.truth.distinct == 2
    assert "truth" not in ev.to_dict()  # the metrics' dict is unchanged


def test_karate_sir_truth_discriminates():
    G = nx.karate_club_graph()
    rows = evaluate_measures(G, spreading_truth(G, runs=200, seed=0), measures=["in_degree"])
    d = rows[-1].evaluation.truth
    assert d is rows[0].evaluation.truth  # one diagnostics object shared by every row
    assert d.discriminates and d.n == 34 and d.distinct >= 30 and d.tied_pairs < 0.02


def test_a_star_of_listeners_cannot_discriminate():
    """The airline shape: many actors who give attention, few who receive it."""
    G = nx.DiGraph([(f"fan{i}", f"brand{i % 3}") for i in range(60)])
    t = spreading_truth(G, "sir", beta=1.0, runs=50, seed=0)
    d = evaluate_ranking({v: G.in_degree(v) for v in G}, t).truth
    assert d.at_minimum == pytest.approx(60 / 63) and d.distinct == 2 and not d.discriminates


@pytest.mark.parametrize("model,kwargs", [("sir", {"beta": 1.0}), ("ic", {"p": 1.0}), ("sir", {"beta": 0.0})])
def test_runs_recorded_are_the_runs_simulated_when_certain(model, kwargs):
    G = nx.DiGraph([("a", "b"), ("c", "b"), ("b", "d")])
    t = spreading_truth(G, model, runs=100, seed=0, **kwargs)
    assert t.params["runs"] == 1 and t.params["runs_requested"] == 100 and t.params["deterministic"] is True


def test_runs_recorded_as_given_when_there_is_chance():
    G = nx.DiGraph([("a", "b"), ("c", "b"), ("b", "d")])
    t = spreading_truth(G, "sir", beta=0.5, runs=100, seed=0)
    assert t.params["runs"] == 100 and "runs_requested" not in t.params and "deterministic" not in t.params
    # the weighted cascade of a node with a single listener transmits for sure, but not all edges do
    t = spreading_truth(nx.DiGraph([("a", "b"), ("a", "c")]), "ic", runs=7, seed=0)
    assert t.params["runs"] == 7


def test_empty_input():
    d = truth_diagnostics([])
    assert d.n == 0 and not d.discriminates and math.isnan(d.tied_pairs)
