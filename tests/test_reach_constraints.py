"""Tests of the reach-aware shortlist's constraints and of the diverse strategy (issue 8)."""

import json

import networkx as nx
import numpy as np
import pytest
from click.testing import CliRunner
from influence_cli import cli

from influence.communities import detect_communities
from influence.errors import ConfigError
from influence.ranking import rank
from influence.reach import (
    Quota,
    constrained,
    inactive_actors,
    last_activity,
    overlap_matrix,
    parse_quota,
    select_diverse,
    select_reach,
    spread,
)
from influence.records import Actor, Interaction, Post

DAY = 86400.0

#: the commands run on "demo" in-process get the session's demo (conftest.session_demo)
pytestmark = pytest.mark.usefixtures("session_demo")


@pytest.fixture(scope="module")
def demo(demo_graph):
    return demo_graph  # open_sector("demo").graph(), built once per session (conftest)


@pytest.fixture
def runner():
    return CliRunner()


# -- quotas ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, quota", [
    ("platform:mastodon=3", Quota("platform", "mastodon", 3)),
    ("language:es=0", Quota("language", "es", 0)),
    ("platform=2", Quota("platform", None, 2)),
    (" community : 4 = 1 ", Quota("community", "4", 1)),
])
def test_parse_quota(text, quota):
    assert parse_quota(text) == quota


@pytest.mark.parametrize("text", ["platform", "platform:mastodon", "=3", "platform:=3", "platform:web=-1",
                                  "platform:web=two", "platform:web=1.5"])
def test_malformed_quota_is_a_config_error(text):
    with pytest.raises(ConfigError, match="quota"):
        parse_quota(text)


def test_quotas_cap_the_reach_picks(demo):
    free = select_reach(demo, 10, runs=60, seed=0)
    platforms = nx.get_node_attributes(demo, "platform")
    assert sum(platforms[a] == "mastodon" for a in free.actors) > 2   # so the quota binds
    capped = select_reach(demo, 10, runs=60, seed=0, quotas=["platform:mastodon=2"])
    assert len(capped.picks) == 10
    assert sum(platforms[a] == "mastodon" for a in capped.actors) == 2
    per = select_reach(demo, 8, runs=60, seed=0, quotas=[Quota("platform", None, 2)])
    counts = {}
    for a in per.actors:
        counts[platforms[a]] = counts.get(platforms[a], 0) + 1
    assert max(counts.values()) <= 2 and len(per.picks) == min(8, 2 * len(set(platforms.values())))


def test_quota_on_an_unknown_value_or_attribute_is_a_config_error(demo):
    with pytest.raises(ConfigError, match="myspace"):
        select_reach(demo, 3, runs=5, quotas=["platform:myspace=1"])
    with pytest.raises(ConfigError, match="no actor has the attribute"):
        constrained(demo, list(demo)[:5], 2, quotas=["zodiac=1"])


# -- inactive actors -------------------------------------------------------------------------------


def test_last_activity_counts_posts_and_given_attention_only(store):
    store.write([
        Actor("web:a.example"), Actor("web:b.example"), Actor("web:c.example"),
        Post("web:a.example/p1", "web:a.example", 10 * DAY, "hi"),
        Interaction("web:b.example", "web:a.example", "link", 20 * DAY),
        Interaction("web:c.example", "web:a.example", "link", None),
    ])
    # a was linked to at day 20 (not its own activity); c's only link is undated
    assert last_activity(store) == {"web:a.example": 10 * DAY, "web:b.example": 20 * DAY}


def test_inactive_actors_uses_the_latest_account_and_keeps_the_undated():
    G = nx.DiGraph([("x", "y"), ("z", "y"), ("w", "y")])
    G.nodes["x"]["accounts"] = "x x2"            # merged identity: its other account is recent
    latest = {"x": 0.0, "x2": 29 * DAY, "y": 1 * DAY, "z": 30 * DAY}
    assert inactive_actors(G, latest, days=7) == {"y"}            # reference: the latest, day 30
    assert inactive_actors(G, latest, days=7, reference=40 * DAY) == {"x", "y", "z"}
    assert inactive_actors(G, latest, days=100) == set()
    with pytest.raises(ConfigError):
        inactive_actors(G, latest, days=-1)


def test_excluded_actors_are_counted_by_reason(demo):
    top = select_reach(demo, 3, runs=30, seed=0)
    res = select_reach(demo, 3, runs=30, seed=0, exclude={top.actors[0]: "inactive"})
    assert top.actors[0] not in res.actors and res.excluded["inactive"] == 1


# -- diverse ---------------------------------------------------------------------------------------


def _mean_pairwise(M):
    iu = np.triu_indices(len(M), 1)
    return float(M[iu].mean())


def test_diverse_covers_more_communities_with_less_overlap_than_score(demo):
    part = detect_communities(demo, seed=0)
    ranking = rank(demo)
    k = 10
    by_score = [e.actor for e in ranking[:k]]
    div = select_diverse(demo, k, ranking=ranking, communities=part, runs=30, seed=0)
    assert len(div.picks) == k
    assert len({part.get(a) for a in div.actors}) > len({part.get(a) for a in by_score})
    assert _mean_pairwise(overlap_matrix(demo, div.actors)) < _mean_pairwise(overlap_matrix(demo, by_score))
    # the first pick is the best-scored candidate (every community is new at first)
    assert div.actors[0] == by_score[0]
    assert div.picks[-1].expected_reach == pytest.approx(sum(x.marginal_gain for x in div.picks))


def test_diverse_objective_by_hand():
    """a, b share an audience; c is another community with half the score."""
    G = nx.DiGraph([(u, t) for u in "uvw" for t in "ab"] + [("x", "c"), ("y", "c")])
    comm = {"a": 0, "b": 0, "c": 1}
    # without a community bonus: b (score 1, overlap 1 -> 0) loses to c (1 * (1 - 0))
    res = select_diverse(G, 3, candidates=["a", "b", "c"], communities=comm, community_bonus=0.0,
                         p=1.0, runs=3)
    assert res.actors == ["a", "c", "b"]
    assert [x.audience_overlap for x in res.picks] == [0.0, 0.0, 1.0]
    assert res.params["communities_covered"] == 2


# -- CLI -------------------------------------------------------------------------------------------


def test_cli_diverse_with_quota_and_active_days(runner, demo_sector):
    args = ["shortlist", "demo", "--top", "8", "--strategy", "diverse", "--quota", "platform:mastodon=2",
            "--active-days", "30", "--runs", "50", "--format", "json"]
    r = runner.invoke(cli, args)
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    assert len(rows) == 8 and sum(r_["platform"] == "mastodon" for r_ in rows) == 2
    assert "inactive actors left out" in r.stderr
    latest = last_activity(demo_sector.store)
    G = demo_sector.graph()
    gone = inactive_actors(G, latest, 30)
    assert gone and not gone & {r_["actor"] for r_ in rows}
    assert r.stdout == runner.invoke(cli, args).stdout


def test_cli_score_strategy_with_constraints(runner):
    r = runner.invoke(cli, ["shortlist", "demo", "--top", "6", "--quota", "platform=2", "--format", "json", "-q",
                            "--no-communities"])
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    assert [x["rank"] for x in rows] == list(range(1, 7))
    assert [x["ranking_rank"] for x in rows] == sorted(x["ranking_rank"] for x in rows)
    plats = [x["platform"] for x in rows]
    assert all(plats.count(p) == 2 for p in set(plats))


def test_cli_reach_with_lt_model_is_deterministic(runner):
    args = ["shortlist", "demo", "--top", "5", "--strategy", "reach", "--model", "lt", "--format", "json", "-q",
            "--no-communities"]
    r1, r2 = runner.invoke(cli, args), runner.invoke(cli, args)
    assert r1.exit_code == 0, r1.output
    assert r1.stdout == r2.stdout
    rows = json.loads(r1.stdout)
    assert len(rows) == 5 and all("audience_overlap" in x for x in rows)


def test_cli_activation_sets_the_ic_probabilities(runner, demo):
    base = ["shortlist", "demo", "--top", "5", "--strategy", "reach", "--runs", "200", "--format", "json", "-q",
            "--no-communities"]
    r = runner.invoke(cli, [*base, "--activation", "0.1"])
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    actors = [x["actor"] for x in rows]
    # an independent estimate on other worlds under the same per-interaction probability
    assert rows[-1]["expected_reach"] == pytest.approx(spread(demo, actors, p=0.1, runs=2000, seed=7), rel=0.05)
    # and not the weighted cascade's (about twice as large on the demo)
    default = json.loads(runner.invoke(cli, base).stdout)
    assert default[-1]["expected_reach"] > 1.5 * rows[-1]["expected_reach"]


@pytest.mark.parametrize("args, message", [
    (["--strategy", "reach", "--model", "lt", "--activation", "0.1"], "--activation"),
    (["--activation", "0.1"], "--activation"),
    (["--strategy", "reach", "--activation", "1.5"], "--activation"),
    (["--quota", "platform"], "ATTRIBUTE:VALUE=MAX"),
    (["--quota", "platform:myspace=1"], "myspace"),
    (["--strategy", "reach", "--quota", "platform=0"], "only 0 actors satisfy"),
    (["--top", "50", "--quota", "platform=2"], "only 8 actors satisfy"),
    (["--strategy", "reach", "--per-community", "2"], "--per-community"),
])
def test_cli_bad_constraints_exit_2(runner, args, message):
    r = runner.invoke(cli, ["shortlist", "demo", "-q", "--format", "json", "--no-communities", *args])
    assert r.exit_code == 2, r.output
    assert message in r.stderr and "Traceback" not in r.output


def test_cli_says_when_the_selection_was_cut_to_fit_memory(runner, monkeypatch):
    from influence.reach import _selection as reach  # the module that reads the constants

    monkeypatch.setattr(reach, "MAX_REACH_BYTES", 100_000)
    r = runner.invoke(cli, ["shortlist", "demo", "--top", "3", "--strategy", "reach", "--activation", "0.3",
                            "--runs", "100", "--format", "json", "--no-communities"])
    assert r.exit_code == 0, r.output
    assert len(json.loads(r.stdout)) == 3
    assert "RIS was used instead of CELF, to fit in memory" in r.stderr
    assert f"RIS used {reach.MIN_RIS_SETS} RR sets" in r.stderr
    r = runner.invoke(cli, ["shortlist", "demo", "--top", "3", "--strategy", "reach", "--activation", "0.3",
                            "--method", "celf", "--runs", "100", "--format", "json", "-q", "--no-communities"])
    assert r.exit_code == 2 and "method='ris'" in r.stderr and "Traceback" not in r.output
