"""Bluesky source: parsers on the recorded AppView answers, the crawler against the replay server.

Expected values are computed here from the fixture JSON (independently of the parsers).
"""

from __future__ import annotations

import json
import re

import pytest

from influence.crawl import bluesky
from influence.errors import ConfigError
from influence.records import Actor, Interaction, Post, SameAs

FEED = "atprotodart_app.bsky.feed.getAuthorFeed.json"
THREAD = "atprotodart_app.bsky.feed.getPostThread.json"
QUOTE_THREAD = "marshalx_app.bsky.feed.getPostThread_thread_view_post_with_embed_media.json"
LIKES = "atprotodart_app.bsky.feed.getLikes.json"
REPOSTS = "atprotodart_app.bsky.feed.getRepostedBy.json"
FOLLOWERS = "atprotodart_app.bsky.graph.getFollowers.json"
SHINYA = "did:plc:iijrtk7ocored6zuziwmqq3c"


def by_kind(records, kind):
    return [r for r in records if isinstance(r, Interaction) and r.kind.value == kind]


def posts_of(records):
    return {r.id: r for r in records if isinstance(r, Post)}


def handles_in(obj) -> dict:
    """Every DID -> handle pair anywhere in an answer (independent of the parser's walk)."""
    out = {}
    if isinstance(obj, dict):
        if isinstance(obj.get("did"), str) and isinstance(obj.get("handle"), str):
            out[obj["did"]] = "bluesky:" + obj["handle"].lower()
        for v in obj.values():
            out.update(handles_in(v))
    elif isinstance(obj, list):
        for v in obj:
            out.update(handles_in(v))
    return out


def did(uri: str) -> str:
    return uri.split("/")[2]


# -- parsers --------------------------------------------------------------------------------------


def test_author_feed(fx):
    feed = fx("bluesky", FEED)
    items = feed["feed"]
    dids = handles_in(feed)
    recs = bluesky.parse_feed(feed)

    posts = posts_of(recs)
    assert set(posts) == {it["post"]["uri"] for it in items}
    for it in items:
        p, post = posts[it["post"]["uri"]], it["post"]
        assert (p.likes, p.reshares, p.replies) == (post["likeCount"], post["repostCount"], post["replyCount"])
        assert p.text == post["record"]["text"]
        assert p.author == "bluesky:" + post["author"]["handle"]

    replies = by_kind(recs, "reply")
    with_parent = [it for it in items if "reply" in it["post"]["record"]]
    assert len(with_parent) == 20
    assert {(r.post, r.target) for r in replies} == {
        (it["post"]["uri"], dids[did(it["post"]["record"]["reply"]["parent"]["uri"])]) for it in with_parent}

    reposts = [it for it in items if it.get("reason", {}).get("$type") == "app.bsky.feed.defs#reasonRepost"]
    assert len(reposts) == 2
    assert {(r.source, r.target, r.post) for r in by_kind(recs, "reshare")} == {
        ("bluesky:" + it["reason"]["by"]["handle"], "bluesky:" + it["post"]["author"]["handle"], it["post"]["uri"])
        for it in reposts}

    # mention facets: the DID's handle; the text the facet covers says the same handle
    expected_mentions = set()
    for it in items:
        rec = it["post"]["record"]
        raw = rec["text"].encode()
        for f in rec.get("facets", []):
            for feat in f["features"]:
                if feat["$type"].endswith("#mention"):
                    written = raw[f["index"]["byteStart"]:f["index"]["byteEnd"]].decode()
                    expected_mentions.add((it["post"]["uri"], "bluesky:" + written.lstrip("@").lower()))
                    assert dids.get(feat["did"], "bluesky:" + written.lstrip("@").lower()) == \
                        "bluesky:" + written.lstrip("@").lower()
    assert len(expected_mentions) == 4
    assert {(r.post, r.target) for r in by_kind(recs, "mention")} == expected_mentions

    expected_links = set()
    for it in items:
        for f in it["post"]["record"].get("facets", []):
            for feat in f["features"]:
                if feat["$type"].endswith("#link"):
                    expected_links.add((it["post"]["uri"], re.match(r"https?://(?:www\.)?([^/:]+)", feat["uri"]).group(1)))
        ext = (it["post"].get("embed") or {}).get("external")
        if ext:
            expected_links.add((it["post"]["uri"], re.match(r"https?://(?:www\.)?([^/:]+)", ext["uri"]).group(1)))
    assert {(r.post, r.target) for r in by_kind(recs, "link")} == {(u, "web:" + h) for u, h in expected_links}


def test_thread_walks_parents_and_replies(fx):
    thread = fx("bluesky", THREAD)
    found = []

    def walk(node, up):
        if node.get("$type", "").endswith("#threadViewPost") or "post" in node:
            found.append(node["post"])
        if up and node.get("parent"):
            walk(node["parent"], True)
        if not up:
            for child in node.get("replies") or []:
                walk(child, False)

    walk(thread["thread"], False)
    if thread["thread"].get("parent"):
        walk(thread["thread"]["parent"], True)
    recs = bluesky.parse_thread(thread)
    posts = posts_of(recs)
    assert set(posts) == {p["uri"] for p in found}
    assert len(posts) == len(found) > 50
    dids = handles_in(thread)
    expected = {(p["uri"], dids[did(p["record"]["reply"]["parent"]["uri"])])
                for p in found if "reply" in p["record"] and did(p["record"]["reply"]["parent"]["uri"]) in dids}
    assert {(r.post, r.target) for r in by_kind(recs, "reply")} == expected
    # only the top of the parent chain replies to a post outside the answer: a blockedPost, whose
    # author's handle the AppView does not give (no author to credit)
    outside = [p for p in found if "reply" in p["record"] and did(p["record"]["reply"]["parent"]["uri"]) not in dids]
    top = chain_top(thread)
    assert top["$type"] == "app.bsky.feed.defs#blockedPost"
    assert [p["record"]["reply"]["parent"]["uri"] for p in outside] == [top["uri"]]


def chain_top(thread):
    node = thread["thread"]
    while node.get("parent"):
        node = node["parent"]
    return node


def test_quote_embed(fx):
    thread = fx("bluesky", QUOTE_THREAD)
    post = thread["thread"]["post"]
    quoted = post["embed"]["record"]["record"]
    recs = bluesky.parse_thread(thread)
    assert [(r.source, r.target, r.post) for r in by_kind(recs, "quote")] == [
        ("bluesky:" + post["author"]["handle"], "bluesky:" + quoted["author"]["handle"], post["uri"])]
    assert posts_of(recs)[post["uri"]].format == "image"


def test_likes_and_reposts(fx):
    likes = fx("bluesky", LIKES)
    recs = bluesky.parse_likes(likes, "bluesky:shinyakato.dev")
    assert [(r.source, r.target, r.post, r.timestamp) for r in by_kind(recs, "like")] == [
        ("bluesky:" + lk["actor"]["handle"], "bluesky:shinyakato.dev", likes["uri"],
         bluesky.parse_timestamp(lk["createdAt"])) for lk in likes["likes"]]
    reposts = fx("bluesky", REPOSTS)
    recs = bluesky.parse_reposted_by(reposts, "bluesky:shinyakato.dev", "2023-04-02T00:00:00Z")
    assert [(r.source, r.post) for r in by_kind(recs, "reshare")] == [
        ("bluesky:" + p["handle"], reposts["uri"]) for p in reposts["repostedBy"]]


def test_followers_page(fx):
    page = fx("bluesky", FOLLOWERS)
    assert page["subject"]["handle"] == "shinyakato.dev" and page["cursor"]
    followers = page["followers"]
    assert len(followers) == 50
    recs = bluesky.parse_followers(page, "bluesky:shinyakato.dev")
    assert [(r.source, r.target, r.kind.value, r.timestamp, r.post) for r in recs if isinstance(r, Interaction)] == [
        ("bluesky:" + f["handle"].lower(), "bluesky:shinyakato.dev", "follow", None, None) for f in followers]
    actors = {r.id: r for r in recs if isinstance(r, Actor)}
    assert len(actors) == 50
    for f in followers:
        a = actors["bluesky:" + f["handle"].lower()]
        # a getFollowers profile view carries no counts: followers stays unknown, not 0
        assert a.followers == f.get("followersCount")
        assert a.name == (f.get("displayName") or None)
    assert all(a.followers is None for a in actors.values())
    # followers with a domain handle of their own (not one under bsky.social) are also that site
    own = {f["handle"].lower() for f in followers if not f["handle"].lower().endswith(".bsky.social")}
    assert len(own) == 13
    assert {(r.a, r.b) for r in recs if isinstance(r, SameAs)} == {("bluesky:" + h, "web:" + h) for h in own}
    # the subject is the target, not one of the records
    assert "bluesky:shinyakato.dev" not in actors
    # entries that are not profile views are skipped
    bad = {"followers": [None, "did:plc:x", {"handle": "no-did.bsky.social"}, followers[0]]}
    assert [(r.source, r.target) for r in by_kind(bluesky.parse_followers(bad, "bluesky:t.example"), "follow")] == [
        ("bluesky:" + followers[0]["handle"].lower(), "bluesky:t.example")]


def test_profile_and_domain_handle_identity(fx):
    profile = fx("bluesky", "atprotodart_app.bsky.actor.getProfile.json")
    recs = bluesky.parse_profile(profile)
    assert recs[0] == Actor("bluesky:shinyakato.dev", name=profile["displayName"],
                            url="https://bsky.app/profile/shinyakato.dev", followers=profile["followersCount"],
                            bio=profile["description"])
    assert recs[1] == SameAs("bluesky:shinyakato.dev", "web:shinyakato.dev", "bluesky domain handle")
    # a handle under a hosting provider's domain is not the person's site
    likes = fx("bluesky", LIKES)
    assert likes["likes"][0]["actor"]["handle"].endswith(".bsky.social")
    assert len(bluesky.parse_profile(likes["likes"][0]["actor"])) == 1


# -- crawler ------------------------------------------------------------------------------------


def source(server, **kw):
    base = {"type": "bluesky", "appview": server.url, "threads": False, "likes": False, "reposts": False}
    base.update(kw)
    return base


def test_actor_feed_crawl(replay, ctx_factory, fx):
    server = replay("bluesky")
    ctx = ctx_factory()
    recs = list(bluesky.crawl(source(server, actors=["shinyakato.dev"]), ctx))
    feed = fx("bluesky", FEED)
    assert set(posts_of(recs)) == {it["post"]["uri"] for it in feed["feed"]}
    profile = fx("bluesky", "atprotodart_app.bsky.actor.getProfile.json")
    me = next(r for r in recs if isinstance(r, Actor) and r.id == "bluesky:shinyakato.dev")
    assert me.followers == profile["followersCount"]
    feed_requests = server.requests_to("/xrpc/app.bsky.feed.getAuthorFeed")
    assert feed_requests[0]["query"]["actor"] == SHINYA
    # the cursor is passed back; the replayed page repeats it, which ends the listing
    assert feed_requests[1]["query"]["cursor"] == feed["cursor"]
    assert len(feed_requests) == 2
    assert ctx.errors == {}
    assert len(by_kind(recs, "reply")) == 20 and len(by_kind(recs, "reshare")) == 2

    # nothing newer than the last crawl: the next one yields no post
    again = list(bluesky.crawl(source(server, actors=["shinyakato.dev"]), ctx_factory(ctx.state)))
    assert not posts_of(again)


def test_unknown_dids_resolved_with_get_profiles(replay, ctx_factory, fx):
    server = replay("bluesky")
    likes = fx("bluesky", LIKES)
    ctx = ctx_factory()
    # a named post: its thread is not recorded (a counted 404), its likes are; the author's DID is
    # resolved to a handle with getProfiles
    recs = list(bluesky.crawl(source(server, posts=[likes["uri"]], likes=True, reposts=True), ctx))
    assert ctx.errors == {"http 404": 2}  # getPostThread and getRepostedBy of that post
    assert server.requests_to("/xrpc/app.bsky.actor.getProfiles")[0]["query"]["actors"] == SHINYA
    assert [(r.source, r.target) for r in by_kind(recs, "like")] == [
        ("bluesky:" + lk["actor"]["handle"], "bluesky:shinyakato.dev") for lk in likes["likes"]]


def test_named_post_thread_and_quote(replay, ctx_factory, fx):
    server = replay("bluesky")
    thread = fx("bluesky", QUOTE_THREAD)
    uri = thread["thread"]["post"]["uri"]
    url = "https://bsky.app/profile/test.marshal.dev/post/" + uri.rsplit("/", 1)[1]
    ctx = ctx_factory()
    server.fault("GET", "/xrpc/app.bsky.actor.getProfile", 200, {},
                 json.dumps({"did": did(uri), "handle": "test.marshal.dev"}).encode())
    recs = list(bluesky.crawl(source(server, posts=[url], likes=True, reposts=True), ctx))
    assert server.requests_to("/xrpc/app.bsky.feed.getPostThread")[0]["query"]["uri"] == uri
    assert len(by_kind(recs, "quote")) == 1
    assert ctx.errors == {}  # no likes, no reposts: nothing asked


def test_search_needs_a_token_on_the_public_appview(replay, ctx_factory, monkeypatch, fx):
    server = replay("bluesky")
    server.fault("GET", "/xrpc/app.bsky.feed.searchPosts", 403, {}, b'{"error":"Forbidden"}')
    ctx = ctx_factory()
    assert not list(bluesky.crawl(source(server, queries=["fone"]), ctx))
    assert ctx.errors == {"http 403": 1}
    assert "token" in ctx.error_log[0]

    monkeypatch.setenv("INFLUENCE_TEST_BSKY", "jwt-abc")
    ctx = ctx_factory()
    recs = list(bluesky.crawl(source(server, queries=["fone"], token_env="INFLUENCE_TEST_BSKY"), ctx))
    sent = server.requests_to("/xrpc/app.bsky.feed.searchPosts")[-1]
    assert sent["headers"]["Authorization"] == "Bearer jwt-abc"
    assert sent["query"]["q"] == "fone" and sent["query"]["sort"] == "latest"
    assert set(posts_of(recs)) == {p["uri"] for p in fx("bluesky", "atprotodart_app.bsky.feed.searchPosts.json")["posts"]}
    assert "jwt-abc" not in json.dumps([ctx.state.data, ctx.error_log])


def test_app_password_session(replay, ctx_factory, monkeypatch):
    server = replay("bluesky")
    monkeypatch.setenv("INFLUENCE_TEST_BSKY_ID", "ana.example")
    monkeypatch.setenv("INFLUENCE_TEST_BSKY_PW", "app-pass-1234")
    server.fault("POST", "/xrpc/com.atproto.server.createSession", 200, {},
                 b'{"accessJwt": "jwt-from-session", "did": "did:plc:x", "handle": "ana.example"}')
    archived = []
    ctx = ctx_factory(archive=lambda *a: archived.append(a))
    src = source(server, actors=["shinyakato.dev"], appview="https://public.api.bsky.app.invalid",
                 pds=server.url, identifier_env="INFLUENCE_TEST_BSKY_ID", password_env="INFLUENCE_TEST_BSKY_PW")
    recs = list(bluesky.crawl(src, ctx))
    assert posts_of(recs)
    login = server.requests_to("/xrpc/com.atproto.server.createSession")
    assert len(login) == 1
    later = [e for e in server.log if e["path"].startswith("/xrpc/app.bsky")]
    assert later and all(e["headers"]["Authorization"] == "Bearer jwt-from-session" for e in later)
    kept = json.dumps([ctx.state.data, ctx.error_log, [(a[0], a[2], a[3].decode()) for a in archived]])
    assert "app-pass-1234" not in kept and "jwt-from-session" not in kept


def test_malformed_page_counted_and_crawl_goes_on(replay, ctx_factory, monkeypatch):
    server = replay("bluesky")
    server.fault("GET", "/xrpc/app.bsky.feed.getAuthorFeed", 200, {}, b'{"feed": [')
    monkeypatch.setenv("INFLUENCE_TEST_BSKY", "jwt-abc")
    ctx = ctx_factory()
    recs = list(bluesky.crawl(source(server, actors=["shinyakato.dev"], queries=["fone"],
                                     token_env="INFLUENCE_TEST_BSKY"), ctx))
    assert ctx.errors == {"malformed json": 1}
    assert len(posts_of(recs)) == 1  # the search still ran


def test_budget_max_pages_and_max_posts(replay, ctx_factory):
    server = replay("bluesky")
    ctx = ctx_factory(max_pages=2)  # every fetch counts: the profile and one page
    list(bluesky.crawl(source(server, actors=["shinyakato.dev"]), ctx))
    assert len(server.requests_to("/xrpc/app.bsky.feed.getAuthorFeed")) == 1
    assert len(server.log) == 2 and ctx.events["pages"] == 2
    ctx = ctx_factory(max_posts=3)
    recs = list(bluesky.crawl(source(server, actors=["shinyakato.dev"]), ctx))
    assert len(posts_of(recs)) == 3


# follower lists: the recording has no URL, so the replay answers any getFollowers request whose
# ``actor`` is the recorded ``subject`` (its DID or handle), whatever its cursor or limit


def test_followers_capped_at_n(replay, ctx_factory, fx):
    server = replay("bluesky")
    ctx = ctx_factory()
    recs = list(bluesky.crawl(source(server, actors=["shinyakato.dev"], followers=3), ctx))
    page = fx("bluesky", FOLLOWERS)
    assert [(r.source, r.target, r.timestamp) for r in by_kind(recs, "follow")] == [
        ("bluesky:" + f["handle"].lower(), "bluesky:shinyakato.dev", None) for f in page["followers"][:3]]
    asked = server.requests_to("/xrpc/app.bsky.graph.getFollowers")
    assert [e["query"] for e in asked] == [{"actor": SHINYA, "limit": "3"}]  # the cursor not followed
    assert ctx.errors == {}
    # the posts are still crawled, before the followers
    assert set(posts_of(recs)) == {it["post"]["uri"] for it in fx("bluesky", FEED)["feed"]}


def test_followers_next_page_asked_with_the_cursor(replay, ctx_factory, fx):
    page = fx("bluesky", FOLLOWERS)
    expected = [("bluesky:" + f["handle"].lower(), "bluesky:shinyakato.dev") for f in page["followers"]]

    # the replay answers the cursor's page with the recorded one again (same followers, same
    # cursor): nothing new, the list ends there
    server = replay("bluesky")
    ctx = ctx_factory()
    recs = list(bluesky.crawl(source(server, actors=["shinyakato.dev"], followers=60), ctx))
    assert [(r.source, r.target) for r in by_kind(recs, "follow")] == expected
    asked = server.requests_to("/xrpc/app.bsky.graph.getFollowers")
    assert [e["query"] for e in asked] == [{"actor": SHINYA, "limit": "60"},
                                           {"actor": SHINYA, "limit": "10", "cursor": page["cursor"]}]
    assert ctx.errors == {}

    # the second page is not in the recordings: a counted error; the 50 kept, the crawl goes on
    server = replay("bluesky")
    server.fault("GET", "/xrpc/app.bsky.graph.getFollowers", 200, {}, json.dumps(page).encode())
    server.fault("GET", "/xrpc/app.bsky.graph.getFollowers", 404, {}, b'{"error":"not recorded"}')
    ctx = ctx_factory()
    recs = list(bluesky.crawl(source(server, actors=["shinyakato.dev"], queries=["fone"], followers=60), ctx))
    assert [(r.source, r.target) for r in by_kind(recs, "follow")] == expected
    asked = server.requests_to("/xrpc/app.bsky.graph.getFollowers")
    assert [e["query"].get("cursor") for e in asked] == [None, page["cursor"]]
    assert ctx.errors == {"http 404": 1}
    assert [e["path"] for e in server.log][-1] == "/xrpc/app.bsky.feed.searchPosts"
    search = fx("bluesky", "atprotodart_app.bsky.feed.searchPosts.json")
    assert {p["uri"] for p in search["posts"]} <= set(posts_of(recs))


@pytest.mark.parametrize("extra", [{}, {"followers": 0}])
def test_no_follower_request_unless_asked(replay, ctx_factory, extra):
    server = replay("bluesky")
    recs = list(bluesky.crawl(source(server, actors=["shinyakato.dev"], **extra), ctx_factory()))
    assert posts_of(recs)
    assert not by_kind(recs, "follow")
    assert not server.requests_to("/xrpc/app.bsky.graph.getFollowers")


def test_followers_stop_at_the_fetch_budget(replay, ctx_factory):
    server = replay("bluesky")
    ctx = ctx_factory(max_pages=5)  # the profile, two feed pages, getProfiles, one followers page
    recs = list(bluesky.crawl(source(server, actors=["shinyakato.dev"], followers=60), ctx))
    assert len(server.requests_to("/xrpc/app.bsky.graph.getFollowers")) == 1
    assert len(server.log) == 5 and ctx.events["pages"] == 5
    assert len(by_kind(recs, "follow")) == 50


def test_malformed_followers_page_counted(replay, ctx_factory):
    server = replay("bluesky")
    server.fault("GET", "/xrpc/app.bsky.graph.getFollowers", 200, {}, b'{"followers": {"did": "x"}}')
    ctx = ctx_factory()
    recs = list(bluesky.crawl(source(server, actors=["shinyakato.dev"], queries=["fone"], followers=10), ctx))
    assert ctx.errors == {"malformed json": 1}
    assert not by_kind(recs, "follow")
    assert len(server.requests_to("/xrpc/app.bsky.graph.getFollowers")) == 1
    assert server.requests_to("/xrpc/app.bsky.feed.searchPosts")  # the crawl went on


@pytest.mark.parametrize("table,message", [
    ({}, "sources[1]: give at least one of actors, queries or posts"),
    ({"actors": ["not a handle"]}, "sources[1].actors[0] must be like \"ana.bsky.social\" or a did:plc:..., got \"not a handle\""),
    ({"actors": ["a.bsky.social"], "search_sort": "new"}, 'sources[1].search_sort must be one of "latest", "top", got "new"'),
    ({"actors": ["a.bsky.social"], "identifier_env": "X"}, "identifier_env and password_env go together"),
    ({"posts": ["https://example.org/post/1"]}, "sources[1].posts[0] must be like"),
])
def test_validate_names_the_key(table, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        bluesky.validate({"type": "bluesky", **table}, "sources[1]")


@pytest.mark.parametrize("value", [-1, "x", True])
def test_validate_followers(value):
    with pytest.raises(ConfigError, match=re.escape("sources[0].followers must be a whole number >= 0")) as err:
        bluesky.validate({"type": "bluesky", "actors": ["a.bsky.social"], "followers": value}, "sources[0]")
    assert err.value.key == "sources[0].followers"
    bluesky.validate({"type": "bluesky", "actors": ["a.bsky.social"], "followers": 0}, "sources[0]")
