"""``influence competitors`` on the real twarc exports of ../shared/fixtures/exports (the audit of
2026-12): Al Jazeera's reputation was 4 retweets of its own tweets, GameStop's topics and
calendar came from 1 post, and a typo in a handle did nothing, silently."""

import json

import pytest
from click.testing import CliRunner
from influence_cli import cli

from .conftest import shared_path

FILES = ("twarc2_jsonl/twarc-csv_media_policy_violation_off.jsonl",
         "twarc2_jsonl/twarc-csv_mentions_tweet.jsonl",
         "twarc2_flat_jsonl/twarc-csv_flat_first40.jsonl",
         "twarc_csv/twarc-csv_small_sample_early.csv")


def _sector(gamestop="twitter:GameStop"):
    return (f'name = "twitter-sample"\nstore = "tw.db"\nlanguages = ["en"]\n'
            f'keywords = ["palestine", "obama"]\n'
            f'[[competitors]]\nname = "Al Jazeera"\nhandles = ["twitter:AJEnglish", "twitter:ajplus"]\n'
            f'[[competitors]]\nname = "GameStop"\nhandles = ["{gamestop}"]\n')


@pytest.fixture(scope="module")
def twarc_sector(tmp_path_factory):
    exports = shared_path("fixtures", "exports")
    folder = tmp_path_factory.mktemp("tw")
    toml = folder / "tw.toml"
    toml.write_text(_sector(), encoding="utf-8")
    for f in FILES:
        r = CliRunner().invoke(cli, ["import", str(toml), str(exports / f), "-q"])
        assert r.exit_code == 0, r.output
    return toml


def _competitors(toml, *args):
    r = CliRunner().invoke(cli, ["competitors", str(toml), "-f", "json", *args])
    assert r.exit_code == 0, r.output
    return {c["competitor"]: c for c in json.loads(r.stdout)["competitors"]}, r.stderr


def test_al_jazeera_reputation_is_not_its_own_retweeted_words(twarc_sector):
    # before: posts about 4, net +0.25, all four "RT @AJEnglish: ..." / "RT @ajplus: ..."
    out, err = _competitors(twarc_sector, "--section", "reputation")
    aj = out["Al Jazeera"]["reputation"]
    assert aj["posts_about"] == aj["mentions"] == 0 and aj["net"] is None
    assert aj["shares_left_out"] == 4
    gs = out["GameStop"]["reputation"]
    assert gs["posts_about"] == 2 and gs["shares_left_out"] == 1  # a quote of its tweet
    assert "5 retweets, reshares, quotes or shared links" in err


def test_one_post_claims_no_topics_nor_busiest_day(twarc_sector):
    # before: GameStop's 1 post gave "40% children / military / israel, 60% protests / energy /
    # white" and "Thursday, 22 h"
    out, _ = _competitors(twarc_sector)
    gs = out["GameStop"]
    assert gs["topics"]["shares"] == [] and gs["topics"]["gaps"] == []
    assert gs["topics"]["note"] == "too few posts (n=1); at least 5 needed"
    assert gs["cadence"]["busiest_day"] is None and gs["cadence"]["busiest_hour"] is None
    assert gs["cadence"]["posts"] == gs["cadence"]["dated_posts"] == 1
    assert out["Al Jazeera"]["topics"]["note"].startswith("too few posts (n=0)")
    # share of voice keeps its "mentions" (every mention): 4 and 3, not reputation's 0 and 2
    assert [out[n]["share_of_voice"]["mentions"] for n in ("Al Jazeera", "GameStop")] == [4, 3]


def test_a_typo_in_a_handle_is_warned_about(twarc_sector):
    typo = twarc_sector.parent / "typo.toml"
    typo.write_text(_sector("twitter:GameStopp"), encoding="utf-8")
    out, err = _competitors(typo, "--section", "share")
    assert ("Warning: competitor GameStop: handle twitter:gamestopp matches no actor in the "
            "store (did you mean twitter:gamestop?)") in err.splitlines()
    assert out["GameStop"]["share_of_voice"]["interactions"] == 0  # what the typo does
    _, err = _competitors(twarc_sector, "--section", "share")
    assert "Warning" not in err
