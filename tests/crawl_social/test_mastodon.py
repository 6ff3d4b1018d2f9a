"""Mastodon source: parsers on the recorded fixtures, the crawler against the replay server.

Expected values are computed here from the fixture JSON itself (independently of the parsers).
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from email.utils import formatdate
from urllib.parse import urlsplit

import pytest

from influence.crawl import mastodon
from influence.errors import ConfigError
from influence.records import Actor, Interaction, Post, SameAs

CONTEXT = "mastodon.social_status_109294719267373593_context.json"
PAGES = [f"fosstodon.org_account_109302436954721982_statuses_page{i}.json" for i in (1, 2, 3)]
HANNA = ["mastodon.social_timelines_tag_ichbinhanna_page1.json", "mastodon.social_timelines_tag_ichbinhanna_page2.json"]


def acct_id(account: dict) -> str:
    """Independent spelling of the id rule: user@domain, a local user takes its profile URL's host."""
    acct = account["acct"]
    if "@" not in acct:
        acct += "@" + urlsplit(account["url"]).netloc
    return "mastodon:@" + acct.lower()


def by_kind(records, kind):
    return [r for r in records if isinstance(r, Interaction) and r.kind.value == kind]


def posts_of(records):
    return {r.id: r for r in records if isinstance(r, Post)}


def id_map(statuses):
    out = {}
    for s in statuses:
        out[s["account"]["id"]] = acct_id(s["account"])
        for m in s["mentions"]:
            out[m["id"]] = acct_id(m)
    return out


# -- parsers --------------------------------------------------------------------------------------


def test_context_replies_mentions_and_counts(fx):
    ctx = fx("mastodon", CONTEXT)
    statuses = ctx["ancestors"] + ctx["descendants"]
    ids = id_map(statuses)
    recs = mastodon.parse_context(ctx)

    replies = by_kind(recs, "reply")
    with_reply_to = [s for s in statuses if s["in_reply_to_account_id"]]
    assert len(with_reply_to) == 59
    assert len(replies) == len(with_reply_to)
    assert {(r.source, r.target) for r in replies} == {
        (acct_id(s["account"]), ids[s["in_reply_to_account_id"]]) for s in with_reply_to}

    mentions = by_kind(recs, "mention")
    expected = {(s["uri"], acct_id(m)) for s in statuses for m in s["mentions"]
                if m["id"] != s["in_reply_to_account_id"]}
    assert {(r.post, r.target) for r in mentions} == expected
    assert {r.target for r in mentions} == {a for _, a in expected}
    # remote mentions keep their domain; local ones get mastodon.social
    assert any(t.endswith("@mastodon.social") for _, t in expected)
    assert any(not t.endswith("@mastodon.social") for _, t in expected)

    posts = posts_of(recs)
    assert set(posts) == {s["uri"] for s in statuses}
    for s in statuses:
        p = posts[s["uri"]]
        assert (p.likes, p.reshares, p.replies) == (s["favourites_count"], s["reblogs_count"], s["replies_count"])
        assert "<" not in p.text and "class=" not in p.text
    first = posts[statuses[0]["uri"]]
    assert first.text.startswith("The best way to keep this development going")
    assert "#SupportMastodon" in first.text


def test_reply_parent_is_the_parent_status_uri(fx):
    ctx = fx("mastodon", "fosstodon.org_status_114026814291152535_context.json")
    statuses = ctx["descendants"]
    uris = {s["id"]: s["uri"] for s in statuses}
    posts = posts_of(mastodon.parse_context(ctx))
    for s in statuses:
        assert posts[s["uri"]].parent == uris.get(s["in_reply_to_id"])
    # the reply to a reply names its parent; replies to the root (not in the answer) have none
    assert sum(1 for s in statuses if s["in_reply_to_id"] in uris) == 1


def test_boost_is_a_reshare_of_the_original(fx):
    page = fx("mastodon", PAGES[2])
    recs = mastodon.parse_statuses(page)
    boosts = [s for s in page if s["reblog"]]
    assert len(boosts) == 1
    reshares = by_kind(recs, "reshare")
    assert [(r.source, r.target, r.post) for r in reshares] == [
        (acct_id(b["account"]), acct_id(b["reblog"]["account"]), b["reblog"]["uri"]) for b in boosts]
    posts = posts_of(recs)
    assert boosts[0]["uri"] not in posts  # the wrapper is not content
    assert posts[boosts[0]["reblog"]["uri"]].author == "mastodon:@termehs@fosstodon.org"
    assert len(posts) == len(page)


@pytest.mark.parametrize("name,kind", [
    ("mastodon.social_status_109294719267373593_reblogged_by.json", "reshare"),
    ("mastodon.social_status_109294719267373593_favourited_by.json", "like"),
    ("fosstodon.org_status_114620457512351116_favourited_by.json", "like"),
])
def test_reblogged_and_favourited_by(fx, name, kind):
    accounts = fx("mastodon", name)
    status = {"uri": "https://h.example/s/1", "created_at": "2025-01-01T00:00:00Z",
              "account": {"acct": "ana@h.example", "url": "https://h.example/@ana"}}
    recs = mastodon.parse_accounts(accounts, status, kind)
    inter = by_kind(recs, kind)
    assert len(inter) == len(accounts) == len({a["id"] for a in accounts})
    assert {r.source for r in inter} == {acct_id(a) for a in accounts}
    assert {r.target for r in inter} == {"mastodon:@ana@h.example"}
    actors = {r.id: r for r in recs if isinstance(r, Actor)}
    for a in accounts:
        assert actors[acct_id(a)].followers == a["followers_count"]


def test_account_verified_links_give_identity(fx):
    account = fx("mastodon", "fosstodon.org_account_109302436954721982.json")
    recs = mastodon.parse_account(account)
    actor = recs[0]
    assert actor == Actor("mastodon:@schochastics@fosstodon.org", name="David Schoch",
                          url="https://fosstodon.org/@schochastics", followers=1036,
                          bio="Data Scientist/DevOps Engineer at cynkra | #Rstats enthusiast")
    verified_roots = [f for f in account["fields"] if f["verified_at"] and "mr.schochastics.net" in f["value"]]
    assert len(verified_roots) == 1
    # both verified links name the person by the one identity rule (influence.identity): his GitHub
    # profile, and his site as the web crawler names it (the registrable domain);
    # worldclubratings.com is unverified
    assert recs[1:] == [SameAs("mastodon:@schochastics@fosstodon.org", "web:schochastics.net",
                               "mastodon verified rel=me"),
                        SameAs("mastodon:@schochastics@fosstodon.org", "github:schochastics",
                               "mastodon verified rel=me")]


# -- crawler ------------------------------------------------------------------------------------


def source(server, **kw):
    base = {"type": "mastodon", "instance": server.url, "context": False, "reblogs": False,
            "favourites": False}
    base.update(kw)
    return base


def test_account_statuses_follow_link_pagination(replay, ctx_factory, fx):
    server = replay("mastodon")
    ctx = ctx_factory()
    recs = list(mastodon.crawl(source(server, accounts=["@schochastics@fosstodon.org"]), ctx))
    pages = [fx("mastodon", p) for p in PAGES]
    statuses = [s for p in pages for s in p]
    expected_posts = {(s["reblog"] or s)["uri"] for s in statuses}
    assert set(posts_of(recs)) == expected_posts
    assert len(expected_posts) == 60

    # page N+1 was requested with the max_id of page N's Link header, never a guessed id
    asked = [e["query"].get("max_id") for e in server.requests_to("/api/v1/accounts/109302436954721982/statuses")]
    assert asked == [None, "113191408914362368", "112979293284087498", "112418329082967725"]
    # the recording ends after page 3: the 4th page is a counted 404, not a crash
    assert ctx.errors == {"http 404": 1}
    assert ctx.events["pages"] == 5  # every fetch counts: the lookup, 3 pages and the 404

    ids = id_map(statuses)
    replies = by_kind(recs, "reply")
    assert len(replies) == sum(1 for s in statuses if s["in_reply_to_account_id"]) == 36
    assert {(r.post, r.target) for r in replies} == {
        (s["uri"], ids[s["in_reply_to_account_id"]]) for s in statuses if s["in_reply_to_account_id"]}
    me = [r for r in recs if isinstance(r, Actor) and r.id == "mastodon:@schochastics@fosstodon.org"]
    assert me[0].followers == 1036
    assert SameAs("mastodon:@schochastics@fosstodon.org", "web:schochastics.net",
                  "mastodon verified rel=me") in recs


FOLLOWERS = "fosstodon.org_account_109302436954721982_followers_limit3.json"


def test_follower_lists_give_follow_interactions(replay, ctx_factory, fx):
    server = replay("mastodon")
    ctx = ctx_factory()
    recs = list(mastodon.crawl(source(server, accounts=["@schochastics@fosstodon.org"], followers=3), ctx))
    me = "mastodon:@schochastics@fosstodon.org"
    follows = by_kind(recs, "follow")
    expected = {acct_id(a) for a in fx("mastodon", FOLLOWERS)}
    assert len(expected) == 3
    assert {(f.source, f.target) for f in follows} == {(a, me) for a in expected}
    assert all(f.timestamp is None and f.post is None for f in follows)
    actors = {r.id: r for r in recs if isinstance(r, Actor)}
    for a in fx("mastodon", FOLLOWERS):
        assert actors[acct_id(a)].followers == a["followers_count"]
    # one page asked for exactly the 3 wanted; its Link "next" is not followed once 3 are had
    asked = server.requests_to("/api/v1/accounts/109302436954721982/followers")
    assert [e["query"] for e in asked] == [{"limit": "3"}]


def test_no_follower_request_unless_asked(replay, ctx_factory):
    server = replay("mastodon")
    recs = list(mastodon.crawl(source(server, accounts=["@schochastics@fosstodon.org"]), ctx_factory()))
    assert not by_kind(recs, "follow")
    assert not server.requests_to("/api/v1/accounts/109302436954721982/followers")


def test_follower_pages_follow_the_link_header(replay, ctx_factory, fx):
    server = replay("mastodon")
    ctx = ctx_factory()
    recs = list(mastodon.crawl(source(server, accounts=["@schochastics@fosstodon.org"], followers=5), ctx))
    assert len(by_kind(recs, "follow")) == 3   # the recording holds one page
    asked = server.requests_to("/api/v1/accounts/109302436954721982/followers")
    assert [e["query"].get("max_id") for e in asked] == [None, "5122703"]
    assert asked[0]["query"]["limit"] == "5"


def test_records_are_yielded_once_per_run(replay, ctx_factory):
    server = replay("mastodon")
    recs = list(mastodon.crawl(source(server, accounts=["@schochastics@fosstodon.org"]), ctx_factory()))
    inter = [(r.source, r.target, r.kind, r.timestamp, r.post) for r in recs if isinstance(r, Interaction)]
    assert len(inter) == len(set(inter))  # the store sums identical interactions of one batch
    assert len([r for r in recs if isinstance(r, Post)]) == len(posts_of(recs))


def test_tag_timeline_two_pages(replay, ctx_factory, fx):
    server = replay("mastodon")
    ctx = ctx_factory()
    recs = list(mastodon.crawl(source(server, hashtags=["#ichbinhanna"], max_pages=2), ctx))
    statuses = [s for p in HANNA for s in fx("mastodon", p)]
    assert set(posts_of(recs)) == {s["uri"] for s in statuses}
    assert len(by_kind(recs, "reply")) == sum(1 for s in statuses if s["in_reply_to_account_id"]) == 24
    assert {r.target for r in by_kind(recs, "mention")} == {
        acct_id(m) for s in statuses for m in s["mentions"] if m["id"] != s["in_reply_to_account_id"]}
    assert ctx.errors == {}  # the budget stopped before the unrecorded 3rd page


def test_budget_then_resume_then_incremental(replay, ctx_factory, fx):
    server = replay("mastodon")
    path = "/api/v1/accounts/109302436954721982/statuses"
    pages = [fx("mastodon", p) for p in PAGES]

    first = ctx_factory(max_pages=3)  # the runner's budget: the lookup and 2 pages
    recs = list(mastodon.crawl(source(server, accounts=["@schochastics@fosstodon.org"]), first))
    assert len(server.requests_to(path)) == 2
    assert set(posts_of(recs)) == {(s["reblog"] or s)["uri"] for p in pages[:2] for s in p}

    # the next run resumes the backfill where the budget stopped (page 3)...
    second = ctx_factory(first.state)
    recs = list(mastodon.crawl(source(server, accounts=["@schochastics@fosstodon.org"], max_pages=3), second))
    asked = server.requests_to(path)[2:]
    newest = max(int(s["id"]) for s in pages[0])
    # ... after reading the head down to the newest status of the last run (since_id)
    assert asked[0]["query"].get("since_id") == str(newest)
    assert asked[1]["query"].get("max_id") == "112979293284087498"
    assert set(posts_of(recs)) == {(s["reblog"] or s)["uri"] for s in pages[2]}

    # nothing new since: a re-crawl yields no posts
    third = ctx_factory(first.state)
    recs = list(mastodon.crawl(source(server, accounts=["@schochastics@fosstodon.org"], max_pages=2), third))
    assert not posts_of(recs)


def test_max_posts_budget(replay, ctx_factory):
    server = replay("mastodon")
    ctx = ctx_factory(max_posts=7)
    recs = list(mastodon.crawl(source(server, accounts=["@schochastics@fosstodon.org"]), ctx))
    assert len(posts_of(recs)) == 7
    assert len(server.requests_to("/api/v1/accounts/109302436954721982/statuses")) == 1
    # the page was cut: its cursor is not saved, so the next crawl reads it again
    assert ctx.state.get("account:mastodon:@schochastics@fosstodon.org") is None


def test_expansions_threads_boosters_and_likers(replay, ctx_factory, fx):
    server = replay("mastodon")
    ctx = ctx_factory()
    src = source(server, accounts=["@schochastics@fosstodon.org"], context=True, reblogs=True,
                 favourites=True)
    recs = list(mastodon.crawl(src, ctx))
    me = "mastodon:@schochastics@fosstodon.org"
    status = fx("mastodon", "fosstodon.org_status_114620457512351116.json")
    boosters = fx("mastodon", "fosstodon.org_status_114620457512351116_reblogged_by.json")
    likers = fx("mastodon", "fosstodon.org_status_114620457512351116_favourited_by.json")
    on_status = [r for r in recs if isinstance(r, Interaction) and r.post == status["uri"]]
    assert {r.source for r in on_status if r.kind.value == "reshare"} == {acct_id(a) for a in boosters}
    assert {r.source for r in on_status if r.kind.value == "like"} == {acct_id(a) for a in likers}
    assert {r.target for r in on_status if r.kind.value in ("reshare", "like")} == {me}
    thread = fx("mastodon", "fosstodon.org_status_114026814291152535_context.json")["descendants"]
    posts = posts_of(recs)
    assert all(s["uri"] in posts for s in thread)
    assert posts[thread[2]["uri"]].parent == thread[1]["uri"]

    # every error is a 404 for a request the recording does not have; none was sent twice
    assert set(ctx.errors) == {"http 404"} and ctx.errors["http 404"] > 50
    sent = [(e["path"], tuple(sorted(e["query"].items()))) for e in server.log]
    assert len(sent) == len(set(sent))
    for line in ctx.error_log:
        assert not server.answers("GET", line.split(" ")[2])


def test_unknown_account_is_an_error_and_the_crawl_goes_on(replay, ctx_factory, fx):
    server = replay("mastodon")
    ctx = ctx_factory()
    # fetches: the unknown account, the lookup and two pages (the recording ends there)
    src = source(server, accounts=["kljadklajsdkljlkjlkjlkjasdasd", "mastodonpy_test"], max_pages=4)
    recs = list(mastodon.crawl(src, ctx))
    assert ctx.errors == {"http 404": 1}
    assert "account @kljadklajsdkljlkjlkjlkjasdasd not found" in ctx.error_log[0]
    expected = {s["uri"] for name in ("mastodonpy_local_account_statuses_limit5.json",
                                      "mastodonpy_local_account_statuses_limit5_max_id.json")
                for s in fx("mastodon", name)}
    assert set(posts_of(recs)) == expected
    assert all(p.author == "mastodon:@mastodonpy_test@localhost:3000" for p in posts_of(recs).values())


def test_429_is_waited_out_until_the_reset(replay, ctx_factory, fake_clock, fx):
    server = replay("mastodon")
    now = datetime(2025, 7, 17, 20, 0, 0, tzinfo=timezone.utc).timestamp()  # the server's Date
    server.fault("GET", "/api/v1/timelines/tag/rstats", 429, {
        "date": formatdate(now, usegmt=True),
        "x-ratelimit-limit": "300", "x-ratelimit-remaining": "0",
        "x-ratelimit-reset": "2025-07-17T20:00:30.000Z",  # now + 30 s
    }, b'{"error":"Too many requests"}')
    ctx = ctx_factory()
    recs = list(mastodon.crawl(source(server, hashtags=["rstats"], max_pages=1), ctx,
                               sleep=fake_clock.sleep, clock=fake_clock.clock))
    assert fake_clock.sleeps == [30.0]
    assert ctx.errors == {}
    assert set(posts_of(recs)) == {s["uri"] for s in fx("mastodon", "mastodon.social_timelines_tag_rstats_limit5.json")}
    assert len(server.requests_to("/api/v1/timelines/tag/rstats")) == 2


def test_spent_window_waits_before_the_next_request(replay, ctx_factory, fake_clock, fx):
    server = replay("mastodon")
    body = (fx("mastodon", "fosstodon.org_account_109302436954721982.json"))
    server.fault("GET", "/api/v1/accounts/lookup", 200, {
        "date": "Thu, 17 Jul 2025 13:44:00 GMT", "x-ratelimit-remaining": "0",
        "x-ratelimit-reset": "2025-07-17T13:45:00Z"}, json.dumps(body).encode())
    ctx = ctx_factory()
    list(mastodon.crawl(source(server, accounts=["@schochastics@fosstodon.org"], max_pages=2), ctx,
                        sleep=fake_clock.sleep, clock=fake_clock.clock))
    assert fake_clock.sleeps == [60.0]  # before the statuses request, not after a 429
    assert ctx.errors == {}


def test_rate_limit_too_far_away_gives_up_with_an_error(replay, ctx_factory, fake_clock):
    server = replay("mastodon")
    server.fault("GET", "/api/v1/timelines/tag/rstats", 429, {"retry-after": "3600"})
    ctx = ctx_factory()
    recs = list(mastodon.crawl(source(server, hashtags=["rstats", "ichbinhanna"], max_pages=2), ctx,
                               sleep=fake_clock.sleep, clock=fake_clock.clock))
    assert fake_clock.sleeps == []
    assert ctx.errors == {"rate limited": 1}
    assert len(posts_of(recs)) == 40  # the next hashtag was crawled


def test_malformed_json_is_counted_not_raised(replay, ctx_factory):
    server = replay("mastodon")
    server.fault("GET", "/api/v1/timelines/tag/rstats", 200, {}, b'[{"id": "1", "content": ')
    ctx = ctx_factory()
    recs = list(mastodon.crawl(source(server, hashtags=["rstats", "ichbinhanna"], max_pages=2), ctx))
    assert ctx.errors == {"malformed json": 1}
    assert len(posts_of(recs)) == 40


def test_a_status_without_an_account_is_reported_in_listings_and_threads(replay, ctx_factory, fx):
    """One loop parses a listing's statuses and a thread's: both report a status with no account
    (an error, not a silent drop) and keep the others; only the listing's are expanded."""
    server = replay("mastodon")
    good, reply = fx("mastodon", "mastodon.social_timelines_tag_rstats_limit5.json")[:2]
    good, reply = {**good, "replies_count": 1}, {**reply, "replies_count": 3}
    orphan = {"id": "1", "uri": "https://mastodon.social/s/1", "content": "<p>no author</p>"}
    server.fault("GET", "/api/v1/timelines/tag/rstats", 200, {}, json.dumps([orphan, good]).encode())
    thread = {"ancestors": [], "descendants": [{**orphan, "id": "2"}, reply]}
    server.fault("GET", f"/api/v1/statuses/{good['id']}/context", 200, {}, json.dumps(thread).encode())
    ctx = ctx_factory()
    recs = list(mastodon.crawl(source(server, hashtags=["rstats"], context=True), ctx))
    assert ctx.errors == {"malformed status": 2}
    assert set(posts_of(recs)) == {good["uri"], reply["uri"]}
    assert server.requests_to(f"/api/v1/statuses/{good['id']}/context")
    assert not server.requests_to(f"/api/v1/statuses/{reply['id']}/context")  # not expanded again


def test_pagination_never_leaves_the_instance(replay, ctx_factory, fx):
    server = replay("mastodon")
    body = (fx("mastodon", "mastodon.social_timelines_tag_rstats_limit5.json"))
    server.fault("GET", "/api/v1/timelines/tag/rstats", 200,
                 {"link": '<http://169.254.169.254/latest/meta-data>; rel="next"'}, json.dumps(body).encode())
    ctx = ctx_factory()
    list(mastodon.crawl(source(server, hashtags=["rstats"]), ctx))
    assert ctx.errors == {"pagination": 1}
    assert len(server.log) == 1


def test_token_from_environment_sent_but_never_kept(replay, ctx_factory, monkeypatch):
    server = replay("mastodon")
    monkeypatch.setenv("INFLUENCE_TEST_MASTODON_TOKEN", "s3cret-token")
    archived = []
    ctx = ctx_factory(archive=lambda *a: archived.append(a))
    src = source(server, hashtags=["nosuchtag"], token_env="INFLUENCE_TEST_MASTODON_TOKEN")
    list(mastodon.crawl(src, ctx))
    assert server.log[0]["headers"]["Authorization"] == "Bearer s3cret-token"
    everything = json.dumps([ctx.state.data, ctx.error_log, [(a[0], a[2]) for a in archived]])
    assert "s3cret" not in everything
    assert "s3cret" not in repr(src)


def test_unset_token_variable_is_a_config_error(ctx_factory, monkeypatch):
    monkeypatch.delenv("INFLUENCE_TEST_UNSET", raising=False)
    ctx = ctx_factory()
    with pytest.raises(ConfigError, match="INFLUENCE_TEST_UNSET is not set"):
        list(mastodon.crawl({"type": "mastodon", "instance": "https://h.example", "hashtags": ["x"],
                             "token_env": "INFLUENCE_TEST_UNSET"}, ctx))


def test_archive_receives_the_raw_responses(replay, ctx_factory, fx):
    server = replay("mastodon")
    archived = []
    ctx = ctx_factory(archive=lambda url, status, headers, body: archived.append((url, status, headers, body)))
    list(mastodon.crawl(source(server, hashtags=["rstats"], max_pages=1), ctx))
    (url, status, headers, body), = archived
    assert status == 200 and "/api/v1/timelines/tag/rstats" in url
    assert json.loads(body) == fx("mastodon", "mastodon.social_timelines_tag_rstats_limit5.json")
    assert headers["x-ratelimit-limit"] == "300"


@pytest.mark.parametrize("table,message", [
    ({"hashtags": ["x"]}, "sources[0].instance is required"),
    ({"instance": "ftp://h.example", "hashtags": ["x"]}, "sources[0].instance must be an http(s) URL"),
    ({"instance": "https://h.example"}, "give at least one of hashtags, accounts or statuses"),
    ({"instance": "https://h.example", "accounts": ["not an account!"]}, "sources[0].accounts[0] must be like \"@ana@mastodon.social\", got \"not an account!\""),
    ({"instance": "https://h.example", "hashtags": ["x"], "page_size": 100}, "sources[0].page_size must be"),
    ({"instance": "https://h.example", "hashtags": ["x"], "token": "abc"}, "unknown key 'token'"),
    ({"instance": "https://h.example", "hashtags": ["x"], "token_env": "abc def"}, "must name an environment variable"),
    ({"instance": "https://h.example", "accounts": ["ana"], "followers": -1}, "sources[0].followers must be"),
    ({"instance": "https://h.example", "accounts": ["ana"], "followers": True}, "sources[0].followers must be"),
    ({"instance": "https://h.example", "accounts": ["ana"], "followers": "all"}, "sources[0].followers must be"),
])
def test_validate_names_the_key(table, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        mastodon.validate({"type": "mastodon", **table}, "sources[0]")
