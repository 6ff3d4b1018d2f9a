import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from influence.records import (
    KINDS,
    Actor,
    Interaction,
    Kind,
    Post,
    actor_id,
    format_timestamp,
    parse_actor_id,
    parse_timestamp,
    split_actor_id,
)


@pytest.mark.parametrize(
    "platform, handle, expected",
    [
        ("mastodon", "@Ana@Mastodon.Social", "mastodon:@ana@mastodon.social"),
        ("mastodon", "ana@mastodon.social", "mastodon:@ana@mastodon.social"),
        ("web", "https://WWW.Example.com:8080/a/b?utm_source=x", "web:example.com"),
        ("web", "Example.com", "web:example.com"),
        ("web", "home.earthlink.net/~ana/", "web:home.earthlink.net/~ana"),
        ("web", "Xanga.com/home.aspx?user=Ana", "web:xanga.com/home.aspx?user=Ana"),
        ("reddit", "/u/Some_One", "reddit:u/some_one"),
        ("reddit", "user/abc", "reddit:u/abc"),
        ("bluesky", "@Ana.bsky.social", "bluesky:ana.bsky.social"),
        ("hackernews", "PG", "hackernews:PG"),
        ("Import", " 42 ", "import:42"),
    ],
)
def test_actor_id_normalises(platform, handle, expected):
    assert actor_id(platform, handle) == expected


@pytest.mark.parametrize("platform, handle", [("mastodon", "ana"), ("web", ""), ("bad platform", "x"), ("reddit", "u/")])
def test_actor_id_rejects(platform, handle):
    with pytest.raises(ValueError):
        actor_id(platform, handle)


def test_parse_actor_id_keeps_canonical_and_prefixes_others():
    assert parse_actor_id("mastodon:@A@B.example") == "mastodon:@a@b.example"
    assert parse_actor_id("7", default_platform="karate") == "karate:7"
    # a URL is not mistaken for a platform prefix
    assert parse_actor_id("https://blog.example/x", default_platform="web") == "web:blog.example"
    # any lower-case word before a colon is a platform; other text is a handle
    assert parse_actor_id("karate:0") == "karate:0"
    assert parse_actor_id("Foo Bar:1") == "import:Foo Bar:1"
    assert parse_actor_id("twitter:@Jack") == "twitter:jack"
    assert parse_actor_id("blog.example:8180", default_platform="web") == "web:blog.example"


def test_kind_synonyms_and_errors():
    assert Kind.parse("Retweet") is Kind.RESHARE
    assert Kind.parse("boost") is Kind.RESHARE
    assert Kind.parse("favourite") is Kind.LIKE
    assert Kind.parse("hyperlink") is Kind.LINK
    assert set(KINDS) >= {"mention", "reply", "reshare", "quote", "like", "link", "comment", "follow"}
    with pytest.raises(ValueError, match="unknown interaction kind 'poke'"):
        Kind.parse("poke")


def test_timestamps_are_utc_epoch():
    assert parse_timestamp("2024-05-01T10:00:00+02:00") == parse_timestamp("2024-05-01T08:00:00Z")
    assert parse_timestamp("2024-05-01") == 1714521600.0  # naive = UTC midnight
    assert parse_timestamp(1714521600000) == 1714521600.0  # milliseconds
    assert parse_timestamp(None) is None and parse_timestamp("  ") is None
    assert format_timestamp(1714521600.0) == "2024-05-01T00:00:00Z"
    for bad in ("yesterday", "2024-13-01", float("nan"), True):
        with pytest.raises(ValueError):
            parse_timestamp(bad)


def test_records_are_frozen_and_validated():
    a = Actor("web:a.example", followers="12")
    assert a.followers == 12 and a.platform == "web" and a.handle == "a.example"
    with pytest.raises(Exception):
        a.name = "x"  # frozen
    with pytest.raises(ValueError, match="followers"):
        Actor("web:a.example", followers=-1)
    with pytest.raises(ValueError, match="platform:handle"):
        Actor("nocolon")
    i = Interaction("web:a.example", "web:b.example", "retweet", "2024-01-01", weight="2")
    assert i.kind is Kind.RESHARE and i.weight == 2.0 and i.timestamp == parse_timestamp("2024-01-01")
    for w in (0, -1, "x", math.inf):
        with pytest.raises(ValueError, match="weight"):
            Interaction("web:a.example", "web:b.example", "like", weight=w)
    p = Post("p1", "web:a.example", "2024-01-01T00:00:00Z", likes=3.0)
    assert p.likes == 3 and p.to_dict()["timestamp"] == "2024-01-01T00:00:00Z"
    with pytest.raises(ValueError, match="likes"):
        Post("p1", "web:a.example", likes=1.5)


handles = st.text(alphabet=st.characters(min_codepoint=48, max_codepoint=122, blacklist_characters=":@/\\?#[]"),
                  min_size=1, max_size=20).filter(lambda s: s.strip() == s and s.strip())


@given(handles)
def test_canonical_ids_round_trip(h):
    aid = actor_id("hackernews", h)
    assert parse_actor_id(aid) == aid
    assert actor_id(*split_actor_id(aid)) == aid
