import dataclasses

import pytest

from influence.config import DEFAULT_EDGE_WEIGHTS, RankingConfig, known_keys, parse_value
from influence.errors import ConfigError


def test_defaults_and_round_trip():
    cfg = RankingConfig()
    assert cfg.measures["in_degree"] == cfg.measures["katz"] == cfg.measures["hits_authority"] == 1.0
    assert cfg.measures["pagerank"] == 0.0 and cfg.normalization == "rank"
    assert dict(cfg.edge_weights) == DEFAULT_EDGE_WEIGHTS
    assert RankingConfig.from_dict(cfg.to_dict()) == cfg


def test_toml_round_trip():
    from influence.config import _tomllib

    cfg = RankingConfig().with_overrides(
        ["graph.kinds=[\"reply\", \"mention\"]", "graph.half_life_days=30", "graph.since=2026-01-01",
         "measures.in_degree=0.2", "filters.exclude_competitors=false"]
    )
    data = _tomllib().loads(cfg.to_toml())
    assert RankingConfig.from_dict(data["ranking"]) == cfg
    assert cfg.kinds == ("reply", "mention") and cfg.half_life_days == 30.0
    assert cfg.since == "2026-01-01" and cfg.exclude_competitors is False


@pytest.mark.parametrize(
    "assignment, message",
    [
        ("measures.pagerank=\"high\"", 'measures.pagerank must be a number >= 0, got "high"'),
        ("measures.pagerank=high", 'measures.pagerank must be a number >= 0, got "high"'),
        ("pagerank.alpha=1.5", "pagerank.alpha must be a number in the open interval (0, 1), got 1.5"),
        ("normalization=softmax", 'normalization must be one of "rank", "minmax", "zscore", got "softmax"'),
        ("graph.kinds=[\"poke\"]", 'graph.kinds must be a list of interaction kinds from: mention'),
        ("graph.kinds=[\"retweet\", \"poke\"]", 'got ["retweet", "poke"]'),
        ("filters.min_interactions=-1", "filters.min_interactions must be a whole number >= 0, got -1"),
        ("pagerank.max_iter=0", "pagerank.max_iter must be a whole number >= 1, got 0"),
        ("graph.since=yesterday", 'graph.since must be an ISO 8601 date or time string, got "yesterday"'),
        ("measures.magic=1", "unknown key measures.magic"),
        ("pagerank.beta=1", "unknown key pagerank.beta"),
        ("nonsense", "--set expects key=value"),
    ],
)
def test_bad_values_name_the_key(assignment, message):
    with pytest.raises(ConfigError) as info:
        RankingConfig().with_overrides([assignment])
    assert message in str(info.value)


def test_all_zero_weights_rejected():
    with pytest.raises(ConfigError, match="at least one measure"):
        RankingConfig(measures={"pagerank": 0, "in_strength": 0})


def test_since_before_until():
    with pytest.raises(ConfigError, match="graph.since"):
        RankingConfig(since="2026-02-01", until="2026-01-01")


def test_replace_revalidates_like_set_params():
    cfg = RankingConfig()
    with pytest.raises(ConfigError, match="pagerank.alpha"):
        dataclasses.replace(cfg, pagerank_alpha=0)
    assert dataclasses.replace(cfg, pagerank_alpha=0.5).pagerank_alpha == 0.5


def test_from_dict_rejects_unknown_and_nested_misuse():
    with pytest.raises(ConfigError, match="unknown key colour"):
        RankingConfig.from_dict({"colour": "red"})
    with pytest.raises(ConfigError, match="normalization"):
        RankingConfig.from_dict({"normalization": {"a": 1}})


def test_every_known_key_is_settable():
    cfg = RankingConfig()
    for key in known_keys():
        value = cfg.to_dict()
        for part in key.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if value is None:
            continue
        assert cfg.with_values({key: value}) == cfg, key


def test_kind_synonyms_accepted():
    assert RankingConfig().with_overrides(['graph.kinds=["retweet", "fav"]']).kinds == ("reshare", "like")


def test_parse_value():
    assert parse_value("1") == 1 and parse_value("x y") == "x y" and parse_value("[1, 2]") == [1, 2]
