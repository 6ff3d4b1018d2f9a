"""Issue 18 (part): files of other tools import with a column mapping, and mentions that live in a
post's text become interactions (`--map FIELD=COLUMN`, `--mentions-from text`)."""

from __future__ import annotations

import csv
import json
import re

import pytest
from click.testing import CliRunner

from influence.importers import mentions_in
from influence.store import Store
from influence_cli import cli

from .conftest import SHARED

TWEETS = SHARED / "datasets" / "twitter-airline-sentiment" / "Tweets.csv"
AIRLINE_ARGS = ["--platform", "twitter", "--map", "id=tweet_id", "--map", "author=name",
                "--map", "timestamp=tweet_created", "--map", "reshares=retweet_count", "--mentions-from", "text"]


def test_airline_tweets_import_in_one_command(tmp_path):
    if not TWEETS.exists():
        pytest.skip(f"{TWEETS} not found: the shared datasets live beside the repository")
    # independent count from the raw file: distinct tweets, and per tweet its distinct handles
    # (Twitter's rule: 1-15 word characters, not inside an e-mail address) other than the author
    handle = re.compile(r"(?<![\w@.])@(\w{1,15})(?![\w@])")
    tweets, mentions, authors = {}, 0, set()
    with open(TWEETS, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["tweet_id"] in tweets:
                continue
            tweets[row["tweet_id"]] = row
            author = row["name"].lower()
            authors.add(author)
            targets = {h.lower() for h in handle.findall(row["text"])} - {author}
            mentions += len(targets)
            authors |= targets
    db = tmp_path / "air.db"
    r = CliRunner().invoke(cli, ["import", str(db), str(TWEETS), *AIRLINE_ARGS])
    assert r.exit_code == 0, r.output
    assert f"{mentions} mentions derived from the text" in r.stderr
    with Store(db) as s:
        counts = s.counts()
        fp = s.fingerprint()
        kinds = {i.kind for i in s.interactions()}
        post = next(p for p in s.posts() if p.id == "570306133677760513")
    assert counts["posts"] == len(tweets) == 14485
    assert counts["interactions"] == mentions
    assert counts["actors"] == len(authors)
    assert kinds == {"mention"}
    assert post.author == "twitter:cairdin" and post.text == "@VirginAmerica What @dhepburn said."
    # re-importing the file changes nothing
    r = CliRunner().invoke(cli, ["import", str(db), str(TWEETS), *AIRLINE_ARGS])
    assert r.exit_code == 0 and "new in store: 0 actors, 0 posts, 0 interactions" in r.stderr
    with Store(db) as s:
        assert s.fingerprint() == fp
    # and the analysis commands work on the result
    toml = tmp_path / "air.toml"
    toml.write_text('name = "air"\nstore = "air.db"\nlanguages = ["en"]\n[[competitors]]\nname = "United"\n'
                    'handles = ["twitter:united"]\nkeywords = ["@united"]\n', encoding="utf-8")
    r = CliRunner().invoke(cli, ["shortlist", str(toml), "--top", "5", "-f", "json", "-q"])
    assert r.exit_code == 0, r.output
    assert "twitter:united" not in {e["actor"] for e in json.loads(r.stdout)}
    r = CliRunner().invoke(cli, ["competitors", str(toml), "--section", "reputation", "-f", "json", "-q"])
    assert r.exit_code == 0, r.output
    rep = json.loads(r.stdout)["competitors"][0]["reputation"]
    assert rep["mentions"] > 3000 and rep["net"] < 0  # United's customers complain


def test_mapping_and_mentions_on_small_files(tmp_path):
    f = tmp_path / "t.csv"
    f.write_text("tweet,user,body,when\n1,Ana,hola @Luis y @luis y @ana,2024-01-01\n2,Luis,"
                 "\"mail: x@y.com, @averyveryverylonghandle\",2024-01-02\n", encoding="utf-8")
    db = tmp_path / "s.db"
    args = ["import", str(db), str(f), "--platform", "twitter", "--map", "id=tweet", "--map", "author=user",
            "--map", "text=body", "--map", "timestamp=when", "--mentions-from", "text", "-q"]
    r = CliRunner().invoke(cli, args)
    assert r.exit_code == 0, r.output
    with Store(db) as s:
        got = [(i.source, i.target, i.kind, i.post) for i in s.interactions()]
    # one mention per distinct handle, not the author herself, no e-mail, no 16+ character word
    assert got == [("twitter:ana", "twitter:luis", "mention", "1")]
    j = tmp_path / "t.jsonl"
    j.write_text(json.dumps({"tid": "9", "who": "bea", "msg": "@ana gracias"}) + "\n", encoding="utf-8")
    r = CliRunner().invoke(cli, ["import", str(db), str(j), "--platform", "twitter", "--map", "id=tid",
                                 "--map", "author=who", "--map", "text=msg", "--mentions-from", "text", "-q"])
    assert r.exit_code == 0, r.output
    with Store(db) as s:
        assert ("twitter:bea", "twitter:ana") in {(i.source, i.target) for i in s.interactions()}


@pytest.mark.parametrize("extra, message", [
    (["--map", "writer=user"], "--map writer=user: unknown field 'writer'"),
    (["--map", "author=nobody"], "--map: no column 'nobody' in this file"),
    (["--map", "author"], "--map author: expected FIELD=COLUMN"),
])
def test_bad_mappings_are_one_line_errors(tmp_path, extra, message):
    f = tmp_path / "t.csv"
    f.write_text("id,user\n1,ana\n", encoding="utf-8")
    db = tmp_path / "s.db"
    r = CliRunner().invoke(cli, ["import", str(db), str(f), *extra])
    assert r.exit_code == 2 and message in r.stderr and "Traceback" not in r.output
    assert not db.exists()  # a failed first import leaves no store


def test_mentions_from_needs_posts(tmp_path):
    f = tmp_path / "e.csv"
    f.write_text("source,target,kind\na,b,reply\n", encoding="utf-8")
    r = CliRunner().invoke(cli, ["import", str(tmp_path / "s.db"), str(f), "--mentions-from", "text"])
    assert r.exit_code == 2 and "--mentions-from applies to posts; this file holds interactions" in r.stderr


def test_handle_rules():
    assert mentions_in("RT @a_b: hi @C", "twitter") == ["a_b", "C"]
    assert mentions_in("@ana@mastodon.social and @bob", "mastodon") == ["ana@mastodon.social"]
    assert mentions_in("cc @ana.bsky.social.", "bluesky") == ["ana.bsky.social"]
    assert mentions_in("write to me@site.org", "import") == []
    assert mentions_in(None, "twitter") == []
