"""Hacker News source: parsers on the recorded Algolia and Firebase answers, the crawler against the
replay server. Expected values are computed here from the fixture JSON.
"""

from __future__ import annotations

import re

import pytest

from influence.crawl import hackernews
from influence.errors import ConfigError
from influence.records import Actor, Interaction, Post

CHAIN = [21500569, 21500829, 21500985, 21501055]


def by_kind(records, kind):
    return [r for r in records if isinstance(r, Interaction) and r.kind.value == kind]


def posts_of(records):
    return {r.id: r for r in records if isinstance(r, Post)}


def tree_pairs(node, parent_author=None, out=None):
    out = [] if out is None else out
    for child in node.get("children") or []:
        if child.get("author") and node.get("author"):
            out.append((f"hackernews:{child['id']}", "hackernews:" + child["author"], "hackernews:" + node["author"]))
        tree_pairs(child, node.get("author"), out)
    return out


# -- parsers --------------------------------------------------------------------------------------


def test_algolia_item_tree(fx):
    tree = fx("hackernews", "algolia/algolia_items_17.json")
    recs = hackernews.parse_tree(tree)
    expected = tree_pairs(tree)
    assert len(expected) == 2
    assert sorted((r.post, r.source, r.target) for r in by_kind(recs, "reply")) == sorted(expected)
    posts = posts_of(recs)
    assert posts["hackernews:17"].likes == tree["points"]
    assert posts["hackernews:17"].text == "Is there anywhere to eat on Sandhill Road?"
    assert posts["hackernews:1079"].parent == "hackernews:17"
    # the root comment's parent (item 15) is not in the tree: no reply can be credited
    assert not [r for r in by_kind(recs, "reply") if r.post == "hackernews:17"]


def test_firebase_reply_chain_and_deleted_item(fx):
    items = [fx("hackernews", f"firebase/hackeRnews_item_{i}.json") for i in CHAIN]
    authors = {}
    recs = [r for item in items for r in hackernews.parse_item(item, authors)]
    by_id = {it["id"]: it for it in items}
    expected = [(f"hackernews:{it['id']}", "hackernews:" + it["by"], "hackernews:" + by_id[it["parent"]]["by"])
                for it in items if it.get("by") and it.get("parent") in by_id and by_id[it["parent"]].get("by")]
    assert [(r.post, r.source, r.target) for r in by_kind(recs, "reply")] == expected
    assert len(expected) == 2
    assert items[-1].get("deleted") and "hackernews:21501055" not in posts_of(recs)
    story = posts_of(recs)["hackernews:21500569"]
    assert (story.likes, story.replies, story.title) == (items[0]["score"], items[0]["descendants"], items[0]["title"])
    assert by_kind(recs, "link")[0].target == "web:nytimes.com"


@pytest.mark.parametrize("name", [
    "algolia/algolia_search_query_apple_tags_story.json",
    "algolia/algolia_search_tags_story_author_pg.json",
    "algolia/algolia_search_by_date_tags_story.json",
    "algolia/algolia_search_tags_comment.json",
])
def test_search_hits(fx, name):
    page = fx("hackernews", name)
    recs = hackernews.parse_hits(page)
    posts = posts_of(recs)
    assert set(posts) == {f"hackernews:{h['objectID']}" for h in page["hits"]}
    for h in page["hits"]:
        p = posts[f"hackernews:{h['objectID']}"]
        assert p.author == "hackernews:" + h["author"]
        assert p.likes == h["points"]
        if "story" in h["_tags"]:
            assert p.replies == h["num_comments"] and p.title == h["title"]
        else:
            assert p.parent == f"hackernews:{h['parent_id']}"
    links = {(r.post, r.target) for r in by_kind(recs, "link")}
    # a link names its site as the web crawler does: the registrable domain (finance.yahoo.com ->
    # yahoo.com), computed here straight from the Public Suffix List
    from publicsuffixlist import PublicSuffixList

    psl = PublicSuffixList()

    def site(url):
        host = re.match(r"https?://(?:www\.)?([^/:]+)", url).group(1).lower()
        return "web:" + (psl.privatesuffix(host) or host)

    assert links == {(f"hackernews:{h['objectID']}", site(h["url"])) for h in page["hits"] if h.get("url")}


# -- crawler ------------------------------------------------------------------------------------


def source(server, **kw):
    base = {"type": "hackernews", "algolia_url": server.url + "/api/v1", "firebase_url": server.url + "/v0"}
    base.update(kw)
    return base


def test_search_stops_at_the_page_budget(replay, ctx_factory, fx):
    server = replay("hackernews")
    ctx = ctx_factory(max_pages=1)
    recs = list(hackernews.crawl(source(server, queries=["apple"], tags="(story)", sort="relevance",
                                        comments=False), ctx))
    page = fx("hackernews", "algolia/algolia_search_query_apple_tags_story.json")
    assert page["nbPages"] > 1  # there is a next page...
    assert len(server.log) == 1 and ctx.errors == {}  # ...which the budget does not fetch
    assert set(posts_of(recs)) == {f"hackernews:{h['objectID']}" for h in page["hits"]}

    ctx = ctx_factory(max_pages=2)
    list(hackernews.crawl(source(server, queries=["apple"], tags="(story)", sort="relevance",
                                 comments=False), ctx))
    assert server.log[-1]["query"]["page"] == "1"
    assert ctx.errors == {"http 404": 1}  # the recording has one page


def test_sector_keywords_are_the_default_queries(replay, ctx_factory):
    server = replay("hackernews")
    ctx = ctx_factory(keywords=["apple"], max_pages=1)
    list(hackernews.crawl(source(server, tags="(story)", sort="relevance", comments=False), ctx))
    assert server.log[0]["path"] == "/api/v1/search"
    assert server.log[0]["query"]["query"] == "apple"


def test_hits_with_comments_fetch_their_tree(replay, ctx_factory):
    server = replay("hackernews")
    ctx = ctx_factory(max_pages=2)
    list(hackernews.crawl(source(server, queries=["apple"], tags="(story)", sort="relevance"), ctx))
    assert server.log[1]["path"] == "/api/v1/items/2922756"  # not recorded: a counted 404
    assert ctx.errors == {"http 404": 1}
    assert len(server.log) == 2  # then the budget is spent: no second search page


def test_algolia_tree_of_named_items(replay, ctx_factory, fx):
    server = replay("hackernews")
    ctx = ctx_factory()
    recs = list(hackernews.crawl(source(server, items=["https://news.ycombinator.com/item?id=17"],
                                        profiles=True), ctx))
    tree = fx("hackernews", "algolia/algolia_items_17.json")
    assert sorted((r.post, r.source, r.target) for r in by_kind(recs, "reply")) == sorted(tree_pairs(tree))
    user = fx("hackernews", "algolia/algolia_users_pg.json")
    assert Actor("hackernews:pg", url="https://news.ycombinator.com/user?id=pg", bio=user["about"]) in recs
    assert ctx.errors == {"http 404": 2}  # the profiles of dmon and Arrington are not recorded


def test_firebase_walk(replay, ctx_factory, fx):
    server = replay("hackernews")
    ctx = ctx_factory()
    recs = list(hackernews.crawl(source(server, items=[CHAIN[0]], tree="firebase"), ctx))
    assert [e["path"] for e in server.log] == [f"/v0/item/{i}" for i in CHAIN]
    assert ctx.errors == {}
    assert set(posts_of(recs)) == {f"hackernews:{i}" for i in CHAIN[:3]}
    assert len(by_kind(recs, "reply")) == 2


def test_429_then_malformed_json(replay, ctx_factory, fake_clock):
    server = replay("hackernews")
    server.fault("GET", "/v0/item/21500569.json", 429, {"retry-after": "5"})
    server.fault("GET", "/v0/item/21500829.json", 200, {}, b"{not json")
    ctx = ctx_factory()
    recs = list(hackernews.crawl(source(server, items=[CHAIN[0]], tree="firebase"), ctx,
                                 sleep=fake_clock.sleep, clock=fake_clock.clock))
    assert fake_clock.sleeps == [5.0]
    assert ctx.errors == {"malformed json": 1}
    assert set(posts_of(recs)) == {"hackernews:21500569"}  # the walk stops below the bad item


@pytest.mark.parametrize("table,message", [
    ({"tree": "api"}, 'sources[4].tree must be one of "algolia", "firebase", got "api"'),
    ({"items": ["abc"]}, "sources[4].items must be a list of item ids"),
    ({"sort": "new"}, 'sources[4].sort must be one of "date", "relevance", got "new"'),
    ({"queries": "x", "page_size": 5000}, "sources[4].page_size must be a whole number between 1 and 1000"),
])
def test_validate_names_the_key(table, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        hackernews.validate({"type": "hackernews", **table}, "sources[4]")


def test_no_query_and_no_keywords_is_a_config_error(ctx_factory):
    with pytest.raises(ConfigError, match="give queries or items"):
        list(hackernews.crawl({"type": "hackernews"}, ctx_factory()))
