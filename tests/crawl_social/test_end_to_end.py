"""One sector file with a source of each kind, pointed at the replay server: `influence crawl`
through the runner into one store, then `influence rank --format json` on the merged graph.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from influence_cli import cli

from influence.crawl.runner import run_crawl
from influence.sector import open_sector

PAGES = [f"fosstodon.org_account_109302436954721982_statuses_page{i}.json" for i in (1, 2, 3)]


def walk(listing, out):
    for thing in listing["data"]["children"]:
        out.append(thing)
        if thing["kind"] == "t1" and isinstance(thing["data"]["replies"], dict):
            walk(thing["data"]["replies"], out)
    return out


@pytest.fixture
def sector_file(replay, tmp_path):
    server = replay("mastodon", "bluesky", "reddit", "hackernews")
    path = tmp_path / "social.toml"
    path.write_text(f"""
name = "social-replay"
keywords = ["apple"]
allow_private_addresses = true   # the replay server is on 127.0.0.1

[crawl]
delay = 0

[[sources]]
type = "mastodon"
name = "fosstodon"
instance = "{server.url}"
accounts = ["@schochastics@fosstodon.org"]
context = false
reblogs = false
favourites = false
max_pages = 4                    # the lookup and the 3 recorded pages

[[sources]]
type = "bluesky"
appview = "{server.url}"
actors = ["shinyakato.dev"]
threads = false
likes = false
reposts = false

[[sources]]
type = "reddit"
base_url = "{server.url}"
threads = ["3hahrw"]
more = false

[[sources]]
type = "hackernews"
algolia_url = "{server.url}/api/v1"
firebase_url = "{server.url}/v0"
queries = []
items = [17]

[[competitors]]
name = "Dart tooling"
handles = ["bluesky:shinyakato.dev"]
""", encoding="utf-8")
    return path, server


def expected_posts(fx) -> dict[str, set[str]]:
    mastodon = {(s["reblog"] or s)["uri"] for p in PAGES for s in fx("mastodon", p)}
    bluesky = {it["post"]["uri"] for it in fx("bluesky", "atprotodart_app.bsky.feed.getAuthorFeed.json")["feed"]}
    thread = fx("reddit", "comments_3hahrw_full.json")
    comments = [t["data"] for t in walk(thread[1], []) if t["kind"] == "t1"]
    reddit = {"reddit:" + c["name"] for c in comments if c["author"] != "[deleted]"} | {"reddit:t3_3hahrw"}
    tree, stack = set(), [fx("hackernews", "algolia/algolia_items_17.json")]
    while stack:
        node = stack.pop()
        tree.add(f"hackernews:{node['id']}")
        stack.extend(node["children"])
    return {"mastodon": mastodon, "bluesky": bluesky, "reddit": reddit, "hackernews": tree}


def test_cli_crawls_four_platforms_into_one_store_then_ranks(sector_file, fx):
    path, _server = sector_file
    runner = CliRunner()
    result = runner.invoke(cli, ["crawl", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert [s["type"] for s in summary["sources"]] == ["mastodon", "bluesky", "reddit", "hackernews"]
    assert all(s["status"] == "done" for s in summary["sources"])
    assert summary["errors"] == {}

    expected = expected_posts(fx)
    with open_sector(path, readonly=True) as sector:
        posts = list(sector.store.posts())
        by_platform: dict[str, set[str]] = {}
        for p in posts:
            by_platform.setdefault(p.platform, set()).add(p.id)
        assert by_platform == expected
        links = list(sector.store.identity_links())
        # the verified profile link https://mr.schochastics.net names the site the web crawler would
        # make of it (influence.identity: the registrable domain), so both sources meet on one node
        assert ("mastodon:@schochastics@fosstodon.org", "web:schochastics.net") in {(x.a, x.b) for x in links}

    # a second run reads only what is newer: nothing
    again = runner.invoke(cli, ["crawl", str(path), "--format", "json"])
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["new"] == {}

    result = runner.invoke(cli, ["rank", str(path), "--format", "json", "--top", "0"])
    assert result.exit_code == 0, result.output
    rows = {r["actor"]: r for r in json.loads(result.stdout)}
    assert {p for r in rows.values() for p in r["platforms"]} >= {"mastodon", "bluesky", "reddit", "hackernews"}
    op = rows["reddit:u/your_local_librarian"]  # the post's author: every top-level comment replies
    assert op["rank"] == 1 and op["platforms"] == ["reddit"]
    assert rows["hackernews:pg"]["received"] == {"reply": 2}
    # identity links merge an actor's accounts into one ranked person, keeping both ids
    merged = rows["mastodon:@schochastics@fosstodon.org"]
    # both verified rel=me links (his site and his GitHub profile) are recognised by the one identity
    # rule (influence.identity) that every source uses
    assert merged["platforms"] == ["github", "mastodon", "web"]
    assert set(merged["accounts"]) == {"mastodon:@schochastics@fosstodon.org", "web:schochastics.net",
                                       "github:schochastics"}
    assert merged["followers"] == 1036


def test_runner_budget_and_validation(sector_file, tmp_path):
    path, _server = sector_file
    with open_sector(path, create=True) as sector:
        summary = run_crawl(sector, max_pages=3, sources=["fosstodon"])
        (report,) = summary.sources
        assert report.pages == 3  # lookup + 2 pages: the runner's budget is every fetch
        assert report.records["posts"] == 40
        # --resume or not, the source's cursor is kept: the next run resumes with page 3
        summary = run_crawl(sector, max_pages=3, sources=["fosstodon"])
        assert summary.sources[0].records["posts"] == 20

    bad = tmp_path / "bad.toml"
    bad.write_text(path.read_text().replace('accounts = ["@schochastics@fosstodon.org"]', 'acounts = ["x"]'))
    result = CliRunner().invoke(cli, ["crawl", str(bad)])
    assert result.exit_code == 2
    assert "bad.toml: sources[0]: unknown key 'acounts' for a mastodon source" in result.stderr
    assert "Traceback" not in result.output


def test_cli_archive_keeps_raw_responses(sector_file, tmp_path):
    """influence crawl --archive DIR keeps every API response as received, per source (issue 6)."""
    import hashlib

    path, server = sector_file
    archive = tmp_path / "raw"
    result = CliRunner().invoke(cli, ["crawl", str(path), "--format", "json", "--archive", str(archive)])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    folders = sorted(p.name for p in archive.iterdir())
    assert len(folders) == len(summary["sources"]) == 4
    total = 0
    for folder in archive.iterdir():
        lines = [json.loads(x) for x in (folder / "index.jsonl").read_text(encoding="utf-8").splitlines()]
        assert lines, folder
        for entry in lines:
            body = (folder / entry["file"]).read_bytes()
            assert hashlib.sha256(body).hexdigest() == entry["sha256"]
            assert "set-cookie" not in {k.lower() for k in entry["headers"]}
        total += len(lines)
    # every request the crawl made was answered and archived (robots.txt is not an API response)
    api_requests = [e for e in server.log if not e["path"].endswith("robots.txt")]
    assert total == len(api_requests) > 4
