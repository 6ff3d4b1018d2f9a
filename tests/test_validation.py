"""One validation mechanism, one wording (issue 15 item 3): every configuration object and checked
parameter refuses a bad value as ``<key> must be <what>, got <value>``, the value shown as TOML
writes it, with the key on the error."""

from __future__ import annotations

import re

import networkx as nx
import pytest

from influence.errors import ConfigError
from influence.validation import check, check_choice, check_whole, choice, number, optional, show, whole

WORDING = re.compile(r"^(?P<key>\S+) must be (?P<what>.+), got (?P<got>.+)$")


def _refusal(fn):
    with pytest.raises(ConfigError) as info:
        fn()
    return info.value


def _ranking_config():
    from influence.config import RankingConfig

    return RankingConfig.from_dict({"pagerank": {"alpha": 2}})


def _http_config():
    from influence.crawl.http import HttpConfig

    return HttpConfig(retries=-1)


def _competitor_config():
    from influence.competitors import CompetitorConfig

    return CompetitorConfig(n_topics=0)


def _communities():
    from influence.communities import detect_communities

    return detect_communities(nx.karate_club_graph(), method="infomap")


def _reach():
    from influence.reach import select_reach

    return select_reach(nx.karate_club_graph(), 2, model="sir")


def _diffusion():
    from influence.diffusion import sir_spreading

    return sir_spreading(nx.karate_club_graph(), gamma=0)


def _truth():
    from influence.evaluate import spreading_truth

    return spreading_truth(nx.karate_club_graph(), "sis")


def _roles():
    from influence.roles import assign_roles

    return assign_roles(nx.karate_club_graph(), method="kmeans", seed=-2)


def _sentiment():
    from influence.sentiment import LexiconAnalyzer

    return LexiconAnalyzer(threshold=1.5)


def _demo():
    from influence.datasets import make_sector

    return make_sector(seed=0, scale=0)


def _web_source():
    from influence.crawl import web

    return web.validate({"type": "web", "seeds": ["https://a.example/"], "max_pages": 0}, "sources[0]")


def _feed_source():
    from influence.crawl import feeds

    return feeds.validate({"type": "feed", "urls": [], "history": -1}, "sources[1]")


def _reddit_source():
    from influence.crawl import reddit

    return reddit.validate({"type": "reddit", "subreddits": ["coffee"], "sort": "best"}, "sources[2]")


CASES = [
    (_ranking_config, "pagerank.alpha", "2"),
    (_http_config, "retries", "-1"),
    (_competitor_config, "n_topics", "0"),
    (_communities, "method", '"infomap"'),
    (_reach, "model", '"sir"'),
    (_diffusion, "gamma", "0"),
    (_truth, "model", '"sis"'),
    (_roles, "seed", "-2"),
    (_sentiment, "threshold", "1.5"),
    (_demo, "scale", "0"),
    (_web_source, "sources[0].max_pages", "0"),
    (_feed_source, "sources[1].history", "-1"),
    (_reddit_source, "sources[2].sort", '"best"'),
]


@pytest.mark.parametrize("make, key, got", CASES, ids=[c[1] for c in CASES])
def test_every_checked_value_is_refused_in_one_wording(make, key, got):
    err = _refusal(make)
    m = WORDING.match(str(err))
    assert m, f"not in the one wording: {err}"
    assert m["key"] == key and m["got"] == got
    assert err.key == key


def test_show_writes_values_as_toml_does():
    assert show("high") == '"high"'
    assert show(("a", "b")) == '["a", "b"]'
    assert show(1.5) == "1.5" and show(True) == "True" and show(None) == "None"


@pytest.mark.parametrize("checker, value, phrase", [
    (number(0, 1), 1.5, "a number in [0, 1]"),
    (number(0, 1, open_lo=True), 0, "a number in (0, 1]"),
    (number(0, open_lo=True), float("nan"), "a number > 0"),
    (number(0), True, "a number >= 0"),
    (whole(1), 2.0, "a whole number >= 1"),
    (whole(1, 40), 41, "a whole number between 1 and 40"),
    (optional(whole(1)), 0, "a whole number >= 1 or None"),
    (choice(("ic", "lt")), "sir", 'one of "ic", "lt"'),
    (choice(("ic", "lt")), ["ic"], 'one of "ic", "lt"'),
])
def test_checkers_refuse_with_their_phrase(checker, value, phrase):
    err = _refusal(lambda: check("x", checker, value))
    assert str(err) == f"x must be {phrase}, got {show(value)}"


def test_checkers_return_the_clean_value():
    assert check("x", number(0, 1), 1) == 1.0 and isinstance(check("x", number(0, 1), 1), float)
    assert check("x", whole(0, floats=True), 3.0) == 3
    assert check("x", optional(whole(1)), None) is None
    assert check_whole("runs", 5, 1) == 5
    assert check_choice("model", "lt", ("ic", "lt")) == "lt"


def test_error_key_can_differ_from_the_named_key():
    from influence.validation import check_number

    err = _refusal(lambda: check_number("days", -1, 0, error_key="active_days"))
    assert str(err) == "days must be a number >= 0, got -1" and err.key == "active_days"
