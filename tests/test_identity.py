"""Issue 15 (item 2): one identity function turns a URL or a profile link into an actor id, for every
source and the importer. A site linked from Mastodon, Bluesky, Reddit or Hacker News is the node the
web crawler makes of it."""

from __future__ import annotations

import pytest

from influence import identity
from influence.crawl import api, web
from influence.importers import read_records
from influence.records import parse_actor_id

URLS = {
    "https://blog.example.co.uk/x": "web:example.co.uk",
    "https://www.Example.org/a/b?c=1": "web:example.org",
    "http://finance.yahoo.com/quote": "web:yahoo.com",
    "https://ana.github.io/post": "web:ana.github.io",  # PSL private section: its own site
    "https://ana.wordpress.com/2024/": "web:ana.wordpress.com",  # a shared blog host
}
PROFILES = {
    "https://mastodon.social/@Gargron": "mastodon:@gargron@mastodon.social",
    "https://bsky.app/profile/ana.bsky.social": "bluesky:ana.bsky.social",
    "https://www.reddit.com/user/spez/": "reddit:u/spez",
    "https://news.ycombinator.com/user?id=pg": "hackernews:pg",
    "https://github.com/schochastics": "github:schochastics",
    "https://twitter.com/jack": "twitter:jack",
}


@pytest.mark.parametrize("url, expected", list(URLS.items()))
def test_a_site_has_one_id_from_every_source(url, expected, tmp_path):
    assert identity.site_actor(url) == expected
    assert web.site_actor(url) == expected  # the web and feed crawlers
    assert web.link_target(url) == expected  # a link found on a crawled page
    assert api.web_actor(url) == expected  # Mastodon, Bluesky, Reddit, Hacker News
    assert parse_actor_id(url, "import") == expected  # a URL given as an id in an imported file
    f = tmp_path / "e.csv"
    f.write_text(f"source,target,kind\nweb:reader.example,{url},link\n", encoding="utf-8")
    (rec,) = [r for r in read_records(f) if hasattr(r, "target")]
    assert rec.target == expected


@pytest.mark.parametrize("url, expected", list(PROFILES.items()))
def test_a_profile_has_one_id_from_every_source(url, expected):
    assert identity.profile_actor(url) == expected
    assert web.profile_actor(url) == expected
    assert api.profile_actor(url) == expected
    assert web.link_target(url) == expected


def test_the_functions_are_the_same_objects():
    # no second copy of the rules can drift: the crawlers re-export influence.identity's functions
    assert web.profile_actor is api.profile_actor is identity.profile_actor
    assert api.web_actor is identity.web_actor and web.site_actor is identity.site_actor
