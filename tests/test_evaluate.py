"""influence.evaluate: spreading simulations against known answers, metrics against independent
implementations (brute force, scikit-learn), ground-truth files, and evaluating rankings."""

from __future__ import annotations

import csv
import hashlib
import itertools
import math
import warnings

import networkx as nx
import numpy as np
import pytest

import influence
from influence.config import MEASURE_NAMES, RankingConfig
from influence.errors import ConfigError, InputDataError
from influence.diffusion import _sir_python, cascade, spreading_matrix
from influence.evaluate import (
    Truth,
    epidemic_threshold,
    evaluate_measures,
    evaluate_ranking,
    ic_spreading,
    kendall_tau,
    ndcg_at_k,
    precision_at_k,
    read_truth,
    sir_spreading,
    spearman_rho,
    spreading_truth,
)

# -- epidemic threshold ----------------------------------------------------------------------------


def test_threshold_undirected_regular_and_star():
    # k-regular: <k> / (<k^2> - <k>) = k / (k^2 - k) = 1 / (k - 1)
    assert epidemic_threshold(nx.random_regular_graph(4, 20, seed=1)) == pytest.approx(1 / 3)
    # star with 6 leaves: degrees 6, 1 x 6: <k> = 12/7, <k^2> = (36 + 6)/7 = 6
    star = nx.star_graph(6)
    assert epidemic_threshold(star) == pytest.approx((12 / 7) / (6 - 12 / 7))


def test_threshold_directed_by_hand():
    # attention edges; spreading runs against them, but the formula is direction-symmetric
    G = nx.DiGraph([(1, 2), (2, 3), (3, 1), (1, 3), (4, 3)])
    k_in = {1: 1, 2: 1, 3: 3, 4: 0}
    k_out = {1: 2, 2: 1, 3: 1, 4: 1}
    reciprocated = 2  # 1 -> 3 and 3 -> 1
    expected = 5 / (sum(k_in[v] * k_out[v] for v in G) - reciprocated)
    assert epidemic_threshold(G) == pytest.approx(expected)
    assert epidemic_threshold(G.reverse()) == pytest.approx(expected)


def test_threshold_reciprocal_digraph_equals_undirected():
    G = nx.karate_club_graph()
    assert epidemic_threshold(G.to_directed()) == pytest.approx(epidemic_threshold(G))


def test_threshold_without_onward_paths_is_infinite():
    assert epidemic_threshold(nx.DiGraph([(1, 0), (2, 0), (3, 0)])) == math.inf
    assert epidemic_threshold(nx.empty_graph(3)) == math.inf


# -- SIR and IC: known answers ---------------------------------------------------------------------


def test_sir_beta_zero_infects_only_the_source():
    G = nx.karate_club_graph()
    assert set(sir_spreading(G, beta=0.0, runs=5).values()) == {1.0}


def test_sir_beta_one_reaches_everyone_upstream():
    """beta = 1, gamma = 1: the outbreak is the set of actors who (transitively) gave attention."""
    G = nx.gnp_random_graph(60, 0.04, seed=3, directed=True)
    power = sir_spreading(G, beta=1.0, runs=3, seed=0)
    assert power == {v: 1.0 + len(nx.ancestors(G, v)) for v in G}


def test_undirected_spreads_both_ways_and_self_loops_are_ignored():
    G = nx.path_graph(6)
    G.add_edge(2, 2)
    assert set(sir_spreading(G, beta=1.0, runs=2).values()) == {6.0}


def test_star_hub_dominates_and_matches_the_expectation():
    n, beta, runs = 8, 0.3, 4000
    star = nx.DiGraph([(leaf, "hub") for leaf in range(n)])
    power = sir_spreading(star, beta=beta, runs=runs, seed=5)
    assert all(power[leaf] == 1.0 for leaf in range(n))
    # hub: 1 + Binomial(n, beta) leaves
    se = math.sqrt(n * beta * (1 - beta) / runs)
    assert abs(power["hub"] - (1 + n * beta)) < 4 * se


def test_sir_gamma_below_one_geometric_infectious_period():
    """Each leaf is infected with 1 - E[(1 - beta)^D], D ~ Geometric(gamma):
    E[x^D] = gamma x / (1 - (1 - gamma) x)."""
    n, beta, gamma, runs = 6, 0.3, 0.5, 4000
    star = nx.DiGraph([(leaf, "hub") for leaf in range(n)])
    x = 1 - beta
    p_leaf = 1 - gamma * x / (1 - (1 - gamma) * x)
    power = sir_spreading(star, beta=beta, gamma=gamma, runs=runs, seed=2)["hub"]
    # leaves are correlated through the shared D: bound the variance by n^2 p(1-p)
    se = math.sqrt(n * n * p_leaf * (1 - p_leaf) / runs)
    assert abs(power - (1 + n * p_leaf)) < 4 * se
    reference = _sir_python(star, "hub", beta=beta, gamma=gamma, runs=runs, seed=2)
    assert abs(reference - (1 + n * p_leaf)) < 4 * se


def test_ic_path_is_the_product_of_edge_probabilities():
    # d listens to c, c to b, b to a: a's influence passes a -> b -> c -> d
    path = nx.DiGraph()
    path.add_edge("b", "a", weight=1.0)
    path.add_edge("c", "b", weight=2.0)
    path.add_edge("d", "c", weight=3.0)
    p, runs = 0.3, 20000
    q = [1 - (1 - p) ** w for w in (1, 2, 3)]
    probs = [1 - q[0], q[0] * (1 - q[1]), q[0] * q[1] * (1 - q[2]), q[0] * q[1] * q[2]]  # size 1..4
    mean = sum((i + 1) * pr for i, pr in enumerate(probs))
    var = sum((i + 1) ** 2 * pr for i, pr in enumerate(probs)) - mean ** 2
    got = ic_spreading(path, p=p, runs=runs, seed=11)
    assert mean == pytest.approx(1 + q[0] + q[0] * q[1] + q[0] * q[1] * q[2])
    assert abs(got["a"] - mean) < 4 * math.sqrt(var / runs)
    assert got["d"] == 1.0


def test_ic_weighted_cascade_uses_the_share_of_attention():
    # u gives 1 unit of attention to v1 and 3 to v2: v2 activates u with probability 3/4
    G = nx.DiGraph()
    G.add_edge("u", "v1", weight=1.0)
    G.add_edge("u", "v2", weight=3.0)
    runs = 8000
    got = ic_spreading(G, runs=runs, seed=4)
    assert abs(got["v2"] - 1.75) < 4 * math.sqrt(0.75 * 0.25 / runs)
    assert abs(got["v1"] - 1.25) < 4 * math.sqrt(0.75 * 0.25 / runs)
    # a listener with a single source of attention is always activated by it
    assert ic_spreading(nx.DiGraph([("x", "y")]), runs=10)["y"] == 2.0


def test_vectorised_sir_agrees_with_the_step_by_step_reference():
    G = nx.gnp_random_graph(14, 0.2, seed=8, directed=True)
    beta, runs = 0.35, 3000
    fast = sir_spreading(G, beta=beta, runs=runs, seed=1)
    for v in list(G)[:6]:
        ref = _sir_python(G, v, beta=beta, runs=runs, seed=100 + v)
        # both estimate the same mean; sizes lie in [1, 14]
        assert abs(fast[v] - ref) < 0.3, (v, fast[v], ref)


def test_batching_does_not_change_the_answer():
    G = nx.gnp_random_graph(40, 0.06, seed=2, directed=True)
    nodes, S = spreading_matrix(G, None)
    src = np.arange(len(nodes))
    q = np.ones(S.nnz)
    one_batch = cascade(S, q, src, 1, np.random.default_rng(0))
    tiny = cascade(S, q, src, 1, np.random.default_rng(0), batch_bytes=3 * len(nodes))
    assert np.array_equal(one_batch, tiny)
    q = np.full(S.nnz, 0.4)
    a = cascade(S, q, src, 400, np.random.default_rng(0))
    b = cascade(S, q, src, 400, np.random.default_rng(1), batch_bytes=7 * len(nodes))
    assert np.abs(a - b).max() < 1.0 and abs(a.mean() - b.mean()) < 0.15


def test_same_seed_same_result_other_seed_differs(seed):
    G = nx.karate_club_graph()
    a = sir_spreading(G, runs=50, seed=seed)
    assert a == sir_spreading(G, runs=50, seed=seed)
    assert a != sir_spreading(G, runs=50, seed=seed + 10)
    assert ic_spreading(G, runs=50, seed=seed) == ic_spreading(G, runs=50, seed=seed)


def test_nodes_subset_and_validation():
    G = nx.karate_club_graph()
    assert set(sir_spreading(G, runs=5, nodes=[0, 33])) == {0, 33}
    with pytest.raises(ConfigError, match="node 99"):
        sir_spreading(G, runs=5, nodes=[99])
    with pytest.raises(ConfigError, match="beta must be") as exc:
        sir_spreading(G, beta=1.5)
    assert exc.value.key == "beta"
    with pytest.raises(ConfigError, match="runs"):
        sir_spreading(G, runs=0)
    with pytest.raises(ConfigError, match="gamma"):
        sir_spreading(G, gamma=0.0)
    with pytest.raises(ConfigError, match="model"):
        spreading_truth(G, "lt")


def test_spreading_truth_records_parameters_and_samples():
    G = nx.karate_club_graph()
    t = spreading_truth(G, runs=20, sample=5, seed=3)
    assert len(t.values) == 5 and t.source == "sir" and not t.binary
    thr = epidemic_threshold(G)
    assert t.params["threshold"] == pytest.approx(thr)
    assert t.params["beta"] == pytest.approx(1.5 * thr)
    assert t.params["sources"] == 5 and t.params["runs"] == 20 and t.params["seed"] == 3
    assert spreading_truth(G, runs=20, sample=5, seed=3).values == t.values
    # the sample is drawn from its own stream: the chosen actors' estimates do not depend on it
    full = spreading_truth(G, runs=20, seed=3)
    assert set(t.values) <= set(full.values)
    ic = spreading_truth(G, "ic", runs=20, seed=0)
    assert ic.params["probability"] == "weighted cascade" and ic.source == "ic"


def test_karate_leaders_are_the_strongest_spreaders(shared_datasets):
    """Real data: the karate club read from the shared CSV with csv, not networkx's copy."""
    G = nx.Graph()
    with open(shared_datasets / "karate" / "karate_club_edges.csv", newline="") as fh:
        for row in csv.DictReader(fh):
            G.add_edge(int(row["source"]), int(row["target"]))
    assert G.number_of_nodes() == 34 and G.number_of_edges() == 78
    power = sir_spreading(G, runs=2000, seed=0)
    top2 = sorted(power, key=power.get, reverse=True)[:2]
    assert set(top2) == {0, 33}
    # nobody reaches less than themselves, the leaders reach several times more than a leaf
    assert min(power.values()) >= 1.0 and power[0] > 2 * min(power.values())


# -- metrics ---------------------------------------------------------------------------------------


def _tau_b_brute(x, y):
    n = len(x)
    c = d = tx = ty = 0
    for i, j in itertools.combinations(range(n), 2):
        sx, sy = np.sign(x[i] - x[j]), np.sign(y[i] - y[j])
        if sx == 0 and sy == 0:
            continue
        if sx == 0:
            tx += 1
        elif sy == 0:
            ty += 1
        elif sx == sy:
            c += 1
        else:
            d += 1
    return (c - d) / math.sqrt((c + d + tx) * (c + d + ty))


def test_kendall_tau_b_with_ties_matches_brute_force():
    rng = np.random.default_rng(0)
    x = rng.integers(0, 4, 25).astype(float)
    y = rng.integers(0, 5, 25).astype(float)
    assert kendall_tau(x, y) == pytest.approx(_tau_b_brute(x, y))


def test_spearman_without_ties_is_the_textbook_formula():
    x = np.array([3.0, 1.0, 4.0, 1.5, 5.0, 9.0, 2.0])
    y = np.array([2.0, 7.0, 1.0, 8.0, 2.5, 8.5, 0.5])
    rx, ry = x.argsort().argsort(), y.argsort().argsort()
    n = len(x)
    expected = 1 - 6 * ((rx - ry) ** 2).sum() / (n * (n * n - 1))
    assert spearman_rho(x, y) == pytest.approx(expected)


def test_constant_input_gives_nan_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert math.isnan(kendall_tau([1, 1, 1], [1, 2, 3]))
        assert math.isnan(spearman_rho([1, 2, 3], [5, 5, 5]))


def _precision_brute(scores, truth, k, binary):
    """Average precision@k over every order of the tied items (both sides)."""
    n = len(scores)
    total = count = 0
    for perm_s in itertools.permutations(range(n)):
        top = sorted(range(n), key=lambda i: (-scores[i], perm_s.index(i)))[:k]
        if binary:
            total += sum(truth[i] > 0 for i in top) / k
            count += 1
            continue
        for perm_t in set(itertools.permutations(range(n))):
            rel = set(sorted(range(n), key=lambda i: (-truth[i], perm_t.index(i)))[:k])
            total += len(rel & set(top)) / k
            count += 1
    return total / count


@pytest.mark.parametrize("scores,truth,k,binary", [
    ([0.9, 0.8, 0.1, 0.0, 0.5], [5, 1, 4, 0, 2], 2, False),
    ([1, 1, 0.5, 0.5, 0], [3, 3, 3, 1, 0], 3, False),
    ([1, 1, 1, 0.2, 0], [1, 0, 0, 1, 0], 2, True),
])
def test_precision_at_k_is_tie_aware(scores, truth, k, binary):
    assert precision_at_k(scores, truth, k, binary=binary) == pytest.approx(
        _precision_brute(scores, truth, k, binary))


def test_ndcg_matches_scikit_learn_with_ties():
    from sklearn.metrics import ndcg_score

    rng = np.random.default_rng(5)
    for _ in range(5):
        gains = rng.integers(0, 6, 30).astype(float)
        scores = rng.integers(0, 8, 30).astype(float)  # many ties
        for k in (1, 5, 30):
            assert ndcg_at_k(scores, gains, k) == pytest.approx(
                ndcg_score(gains[None, :], scores[None, :], k=k))


# -- ground truth files ----------------------------------------------------------------------------


def test_read_truth_list_of_known_influencers(tmp_path):
    f = tmp_path / "leaders.csv"
    f.write_text("actor\n42\nmastodon:@Ana@Coffee.example\nnobody\n", encoding="utf-8")
    nodes = ["import:42", "mastodon:@ana@coffee.example", "import:7"]
    t = read_truth(f, nodes=nodes)
    assert t.binary and t.source == "file"
    assert t.values == {"import:42": 1.0, "mastodon:@ana@coffee.example": 1.0}
    assert t.unmatched == ("nobody",)
    assert t.params["sha256"] == hashlib.sha256(f.read_bytes()).hexdigest()


def test_read_truth_scores_and_raw_node_ids(tmp_path):
    f = tmp_path / "scores.csv"
    f.write_text("0,3.5\n33,4\n5,0\n", encoding="utf-8")
    t = read_truth(f, nodes=list(nx.karate_club_graph()))
    assert not t.binary and t.values == {0: 3.5, 33: 4.0, 5: 0.0}


@pytest.mark.parametrize("text,message,line", [
    ("actor,score\na,1\nb,high\n", "score must be a number", 3),
    ("a,1\nb\n", "expected 2 field", 2),
    ("a,1,2\n", "expected 'actor' or 'actor,score'", 1),
    ("a\nb\na\n", "listed twice", 3),
])
def test_read_truth_errors_name_the_line(tmp_path, text, message, line):
    f = tmp_path / "t.csv"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(InputDataError, match=message) as exc:
        read_truth(f)
    assert exc.value.line == line


def test_read_truth_missing_or_empty(tmp_path):
    with pytest.raises(InputDataError, match="no such file"):
        read_truth(tmp_path / "nope.csv")
    (tmp_path / "e.csv").write_text("actor\n")
    with pytest.raises(InputDataError, match="no actors"):
        read_truth(tmp_path / "e.csv")


# -- evaluating rankings ---------------------------------------------------------------------------


def test_evaluate_ranking_graded_truth_uses_the_overlap():
    truth = Truth({"a": 4.0, "b": 3.0, "c": 2.0, "d": 1.0, "gone": 9.0}, source="file")
    scores = {"a": 0.1, "b": 0.2, "c": 0.3, "d": 0.4, "extra": 1.0}
    ev = evaluate_ranking(scores, truth, k=2)
    assert ev.n == 4
    assert ev.kendall == pytest.approx(-1.0) and ev.spearman == pytest.approx(-1.0)
    assert ev.precision_at_k == 0.0
    # gains shifted to start at 0: (0, 1, 2, 3) seen in order (0, 1) of the ideal (3, 2)
    assert ev.ndcg_at_k == pytest.approx((0 + 1 / math.log2(3)) / (3 + 2 / math.log2(3)))


def test_evaluate_ranking_binary_truth_counts_unlisted_actors_as_negatives():
    G = nx.DiGraph([(u, "star") for u in "abcdef"] + [("a", "b"), ("c", "b"), ("d", "e")])
    result = influence.rank(G)
    truth = Truth({"star": 1.0, "b": 1.0}, source="file", binary=True)
    ev = evaluate_ranking(result, truth, k=2)
    assert ev.n == G.number_of_nodes()
    top2 = [e.actor for e in result][:2]
    assert top2 == ["star", "b"] and ev.precision_at_k == 1.0 and ev.ndcg_at_k == 1.0
    assert ev.to_dict()["precision_at_k"] == 1.0


def test_evaluate_ranking_needs_an_overlap():
    with pytest.raises(InputDataError, match="ground-truth value"):
        evaluate_ranking({"a": 1.0, "b": 2.0}, Truth({"x": 1.0, "y": 2.0}, source="file"))
    with pytest.raises(ConfigError, match="k must be"):
        evaluate_ranking({"a": 1.0}, Truth({"a": 1.0}, source="file"), k=0)


def test_evaluate_measures_rows_match_independent_measures():
    G = nx.karate_club_graph()
    truth = spreading_truth(G, runs=100, seed=1)
    rows = evaluate_measures(G, truth, RankingConfig(), k=5)
    assert [r.name for r in rows] == [*MEASURE_NAMES, "composite"]
    by = {r.name: r.evaluation for r in rows}
    nodes = list(G)
    y = [truth.values[v] for v in nodes]
    # rank normalisation is monotone: a single measure's tau is that of its raw values
    assert by["in_degree"].kendall == pytest.approx(kendall_tau([G.degree(v) for v in nodes], y))
    assert by["in_strength"].kendall == pytest.approx(
        kendall_tau([G.degree(v, weight="weight") for v in nodes], y))
    composite = influence.rank(G, RankingConfig()).scores()
    assert by["composite"].kendall == pytest.approx(kendall_tau([composite[v] for v in nodes], y))
    assert all(r.evaluation.n == 34 for r in rows)


def test_public_names():
    assert influence.spreading_truth is spreading_truth
    assert influence.evaluate_ranking is evaluate_ranking
    assert influence.evaluate.read_truth is read_truth
