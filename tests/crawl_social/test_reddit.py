"""Reddit source: parsers on the recorded PRAW responses, the crawler against the replay server.

Expected values are computed here from the fixture JSON (independently of the parsers).
"""

from __future__ import annotations

import json
import re

import pytest

from influence.crawl import reddit
from influence.errors import ConfigError
from influence.records import Interaction, Post

FULL = "comments_3hahrw_full.json"
LIMIT10 = "comments_3hahrw_limit10.json"
MORE = "api_morechildren_3hahrw.json"
HOT = "r_askreddit_hot_limit100.json"
LATEST = "r_askreddit_comments_limit100.json"


def by_kind(records, kind):
    return [r for r in records if isinstance(r, Interaction) and r.kind.value == kind]


def posts_of(records):
    return {r.id: r for r in records if isinstance(r, Post)}


def walk(listing, out):
    """Every thing of a comment Listing, recursively (independent of the parser's walk)."""
    for thing in listing["data"]["children"]:
        out.append(thing)
        if thing["kind"] == "t1" and isinstance(thing["data"]["replies"], dict):
            walk(thing["data"]["replies"], out)
    return out


def uid(name):
    return None if name == "[deleted]" else "reddit:u/" + name.lower()


def tree_facts(thread):
    post = thread[0]["data"]["children"][0]["data"]
    things = walk(thread[1], [])
    comments = [t["data"] for t in things if t["kind"] == "t1"]
    authors = {c["name"]: c["author"] for c in comments}
    authors[post["name"]] = post["author"]
    pairs = {(c["name"], uid(c["author"]), uid(authors[c["parent_id"]]))
             for c in comments if c["parent_id"] in authors
             and uid(c["author"]) and uid(authors[c["parent_id"]])}
    stubs = [t["data"] for t in things if t["kind"] == "more"]
    return post, comments, pairs, stubs


# -- parsers --------------------------------------------------------------------------------------


def test_full_comment_tree_reply_pairs(fx):
    thread = fx("reddit", FULL)
    post, comments, pairs, stubs = tree_facts(thread)
    assert len(comments) == 476 and len(stubs) == 18
    recs = reddit.parse_thread(thread)
    replies = by_kind(recs, "reply")
    assert {("t1_" + r.post.split("_", 1)[1], r.source, r.target) for r in replies} == pairs
    assert len(replies) == len(pairs)
    # deleted authors: no actor, no post, no interaction
    deleted = [c for c in comments if c["author"] == "[deleted]"]
    assert len(deleted) == 16
    assert all("[deleted]" not in (r.source + r.target) for r in replies)
    posts = posts_of(recs)
    assert set(posts) == {"reddit:" + c["name"] for c in comments if c["author"] != "[deleted]"} | {
        "reddit:" + post["name"]}
    top = posts["reddit:" + post["name"]]
    assert (top.likes, top.replies, top.title) == (post["score"], post["num_comments"], post["title"])
    for c in comments:
        if c["author"] != "[deleted]":
            assert posts["reddit:" + c["name"]].parent == "reddit:" + c["parent_id"]
    assert reddit.more_stubs(thread) == stubs


def test_morechildren_answer_replies_to_known_parents(fx):
    thread = fx("reddit", FULL)
    post, _, _, stubs = tree_facts(thread)
    answer = fx("reddit", MORE)
    authors = {}
    reddit.parse_thread(thread, authors)
    recs, _more = reddit.parse_more(answer, authors)
    things = answer["json"]["data"]["things"]
    assert {"reddit:" + t["data"]["name"] for t in things} == set(posts_of(recs))
    assert {(r.source, r.target) for r in by_kind(recs, "reply")} == {
        (uid(t["data"]["author"]), uid(post["author"])) for t in things if t["data"]["parent_id"] == post["name"]}
    # the recorded expansion is the one of the top-level stub
    top_stub = next(s for s in stubs if s["parent_id"] == post["name"])
    assert {t["data"]["id"] for t in things} <= set(top_stub["children"])


def test_listing_posts_scores_and_links(fx):
    hot = fx("reddit", HOT)
    recs = reddit.parse_listing(hot)
    things = [t["data"] for t in hot["data"]["children"]]
    posts = posts_of(recs)
    assert set(posts) == {"reddit:" + d["name"] for d in things if d["author"] != "[deleted]"}
    for d in things:
        p = posts["reddit:" + d["name"]]
        assert (p.likes, p.replies, p.author) == (d["score"], d["num_comments"], uid(d["author"]))
    external = {("reddit:" + d["name"], re.sub(r"^www\.", "", d["domain"].lower())) for d in things
                if not d["is_self"] and not re.search(r"(^|\.)(reddit\.com|redd\.it|redditmedia\.com)$", d["domain"])}
    assert {(r.post, r.target) for r in by_kind(recs, "link")} == {(p, "web:" + h) for p, h in external}


def test_latest_comments_listing_replies_to_post_authors(fx):
    page = fx("reddit", LATEST)
    recs = reddit.parse_listing(page)
    comments = [t["data"] for t in page["data"]["children"]]
    expected = {("reddit:" + c["name"], uid(c["author"]), uid(c["link_author"])) for c in comments
                if c["parent_id"].startswith("t3_") and uid(c["author"]) and uid(c["link_author"])}
    assert len(expected) > 30
    assert {(r.post, r.source, r.target) for r in by_kind(recs, "reply")} == expected


def test_mentions_in_comment_bodies(fx):
    thread = fx("reddit", "comments_57dw9a_d8r4im1_context100.json")
    _, comments, _, _ = tree_facts(thread)
    expected = set()
    for c in comments:
        if c["author"] == "[deleted]":
            continue
        for name in re.findall(r"(?:^|[^\w/])/?u/([A-Za-z0-9_-]+)", c["body"]):
            if name.lower() != c["author"].lower():
                expected.add(("reddit:" + c["name"], "reddit:u/" + name.lower()))
    recs = reddit.parse_thread(thread)
    assert {(r.post, r.target) for r in by_kind(recs, "mention")} == expected


# -- crawler ------------------------------------------------------------------------------------


def source(server, **kw):
    base = {"type": "reddit", "base_url": server.url}
    base.update(kw)
    return base


def test_thread_crawl_expands_more_stubs(replay, ctx_factory, fx):
    server = replay("reddit")
    ctx = ctx_factory()
    recs = list(reddit.crawl(source(server, threads=["https://www.reddit.com/r/books/comments/3hahrw/x/"]), ctx))
    thread = fx("reddit", FULL)
    _post, _comments, pairs, stubs = tree_facts(thread)
    first = server.requests_to("/comments/3hahrw")[0]
    assert first["query"] == {"limit": "2048", "sort": "confidence", "raw_json": "1"}
    # one request per stub: the recorded expansion succeeds, the 17 others are counted 404s
    more = server.requests_to("/api/morechildren")
    continued = [e for e in server.log if e["path"].startswith("/comments/3hahrw/_/")]
    assert len(more) == sum(1 for s in stubs if s["children"])
    assert len(continued) == sum(1 for s in stubs if not s["children"])
    assert ctx.errors == {"http 404": len(stubs) - 1}
    things = fx("reddit", MORE)["json"]["data"]["things"]
    posts = posts_of(recs)
    assert all("reddit:" + t["data"]["name"] in posts for t in things)
    assert len(by_kind(recs, "reply")) == len(pairs) + sum(
        1 for t in things if t["data"]["author"] != "[deleted]")


def test_oauth_app_credentials(replay, ctx_factory, monkeypatch, fx):
    server = replay("reddit")
    monkeypatch.setenv("INFLUENCE_TEST_REDDIT_ID", "client-id-1")
    monkeypatch.setenv("INFLUENCE_TEST_REDDIT_SECRET", "client-secret-1")
    server.fault("POST", "/api/v1/access_token", 200, {},
                 b'{"access_token": "tok-xyz", "token_type": "bearer", "expires_in": 86400, "scope": "*"}')
    archived = []
    ctx = ctx_factory(archive=lambda *a: archived.append(a))
    src = source(server, base_url="https://www.reddit.com.invalid", oauth_url=server.url,
                 auth_url=server.url + "/api/v1/access_token", threads=["3hahrw"],
                 client_id_env="INFLUENCE_TEST_REDDIT_ID", client_secret_env="INFLUENCE_TEST_REDDIT_SECRET",
                 user_agent="python:influence-tests:1.0 (by /u/nobody)")
    recs = list(reddit.crawl(src, ctx))
    login = server.requests_to("/api/v1/access_token")[0]
    assert login["form"] == {"grant_type": "client_credentials"}
    assert login["headers"]["Authorization"].startswith("Basic ")
    api = [e for e in server.log if e["path"] != "/api/v1/access_token"]
    assert all(e["headers"]["Authorization"] == "Bearer tok-xyz" for e in api)
    assert all(e["headers"]["User-Agent"] == "python:influence-tests:1.0 (by /u/nobody)" for e in server.log)
    # the OAuth host takes "more" as a form POST, like PRAW recorded it
    more = [e for e in server.log if e["path"] == "/api/morechildren"]
    assert all(e["method"] == "POST" for e in more)
    assert posts_of(recs)
    kept = json.dumps([ctx.state.data, ctx.error_log, [(a[0], a[2], a[3].decode()) for a in archived]])
    for secret in ("tok-xyz", "client-secret-1"):
        assert secret not in kept


def test_listing_budget_and_no_comments(replay, ctx_factory, fx):
    server = replay("reddit")
    ctx = ctx_factory(max_pages=1)
    recs = list(reddit.crawl(source(server, subreddits=["r/AskReddit"], sort="hot", comments=False), ctx))
    hot = fx("reddit", HOT)
    assert set(posts_of(recs)) == {"reddit:" + t["data"]["name"] for t in hot["data"]["children"]}
    assert len(server.log) == 1 and ctx.errors == {}
    assert server.log[0]["query"] == {"limit": "100", "raw_json": "1"}

    # without a budget the listing follows `after` until the recording ends
    ctx = ctx_factory()
    list(reddit.crawl(source(server, subreddits=["askreddit"], sort="hot", comments=False), ctx))
    assert server.log[-1]["query"]["after"] == hot["data"]["after"]
    assert ctx.errors == {"http 404": 1}


def test_latest_comments_are_incremental(replay, ctx_factory, fx):
    server = replay("reddit")
    # fetches: hot, its 2nd page (not recorded: a 404), the latest comments
    src = source(server, subreddits=["askreddit"], sort="hot", comments=False, latest_comments=True,
                 max_pages=3)
    first = ctx_factory()
    recs = list(reddit.crawl(src, first))
    assert first.errors == {"http 404": 1}
    latest = fx("reddit", LATEST)
    ids = [t["data"]["id"] for t in latest["data"]["children"]]
    assert {"reddit:t1_" + i for i in ids} <= set(posts_of(recs))
    assert first.state.get("r/askreddit/comments")["newest"] == max(int(i, 36) for i in ids)
    again = list(reddit.crawl(src, ctx_factory(first.state)))
    assert not [p for p in posts_of(again) if p.startswith("reddit:t1_")]


def test_rate_limit_reset_in_seconds(replay, ctx_factory, fake_clock):
    server = replay("reddit")
    server.fault("GET", "/comments/jlbw48", 429, {"x-ratelimit-remaining": "0", "x-ratelimit-used": "600",
                                                  "x-ratelimit-reset": "12"})
    ctx = ctx_factory()
    recs = list(reddit.crawl(source(server, threads=["jlbw48"]), ctx, sleep=fake_clock.sleep,
                             clock=fake_clock.clock))
    assert fake_clock.sleeps == [12.0]
    assert ctx.errors == {}
    assert len(posts_of(recs)) == 7  # the post and its 6 comments


def test_malformed_thread_counted(replay, ctx_factory):
    server = replay("reddit")
    server.fault("GET", "/comments/jlbw48", 200, {}, b'[{"kind": "Listing", "data": ')
    ctx = ctx_factory()
    recs = list(reddit.crawl(source(server, threads=["jlbw48", "3hahrw"], more=False), ctx))
    assert ctx.errors == {"malformed json": 1}
    assert "reddit:t3_3hahrw" in posts_of(recs)


def test_search_request_shape(replay, ctx_factory):
    # no search answer was recorded: the request is checked, and its 404 is a counted error
    server = replay("reddit")
    ctx = ctx_factory()
    list(reddit.crawl(source(server, subreddits=["Coffee"], sort="hot", comments=False,
                             queries=["specialty coffee"], max_pages=3), ctx))
    sent = server.requests_to("/r/coffee/search")
    assert [e["query"] for e in sent] == [{"q": "specialty coffee", "sort": "new", "limit": "100",
                                           "raw_json": "1", "type": "link", "restrict_sr": "1"}]
    assert ctx.errors == {"http 404": 2}  # r/coffee/hot and the search are not recorded


@pytest.mark.parametrize("table,message", [
    ({}, "sources[2]: give at least one of subreddits, queries or threads"),
    ({"subreddits": ["no spaces allowed"]}, "sources[2].subreddits[0] must be like \"coffee\", got \"no spaces allowed\""),
    ({"subreddits": ["coffee"], "sort": "best"}, 'sources[2].sort must be one of "hot", "new", "top"'),
    ({"subreddits": ["coffee"], "client_id_env": "X"}, "client_id_env and client_secret_env go together"),
    ({"subreddits": ["coffee"], "comment_limit": 0}, "sources[2].comment_limit must be a whole number"),
])
def test_validate_names_the_key(table, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        reddit.validate({"type": "reddit", **table}, "sources[2]")
