"""The shared JSON-API layer of the social sources (influence.crawl.api)."""

from __future__ import annotations

import pytest
import requests
from requests.structures import CaseInsensitiveDict

from influence.crawl import api
from influence.crawl.errors import FetchTimeoutError, HttpStatusError
from influence.errors import ConfigError
from influence.records import Actor, Interaction, Post, SameAs

# -- incremental pagination ----------------------------------------------------------------------


class Listing:
    """A newest-first listing of integer items, 3 per page; the continuation is a max_id (the last
    item of the page), which stays valid when new items arrive on top, as real cursors do."""

    def __init__(self, items):
        self.items = sorted(items, reverse=True)
        self.fetched: list = []

    def add(self, items):
        self.items = sorted(set(self.items) | set(items), reverse=True)

    def fetch(self, cont, since):
        self.fetched.append(cont)
        older = [x for x in self.items if cont is None or x < cont]
        page = older[:3]
        return api.Page(page, page[-1] if len(older) > 3 else None)


def run(ctx, listing, max_pages=None, stop=None, chronological=True):
    out = []
    for items in api.paginate(ctx, "k", listing.fetch, item_key=lambda x: x, max_pages=max_pages,
                               stop=stop, chronological=chronological):
        out.extend(items)
    return out


def test_first_crawl_cut_by_budget_resumes_then_reads_only_new_items(ctx_factory):
    ctx = ctx_factory()
    listing = Listing(range(1, 11))
    assert run(ctx, listing, max_pages=2) == [10, 9, 8, 7, 6, 5]
    assert ctx.state.get("k") == {"newest": 10, "tails": [{"next": 5, "until": None}]}

    listing.add([11, 12])
    listing.fetched.clear()
    # the head first (new items down to the last crawl's newest), then the unfinished backfill
    assert run(ctx, listing) == [12, 11, 4, 3, 2, 1]
    assert ctx.state.get("k") == {"newest": 12, "tails": []}

    assert run(ctx, listing) == []  # nothing new


def test_head_cut_by_budget_leaves_a_gap_that_is_filled_later(ctx_factory):
    ctx = ctx_factory()
    listing = Listing(range(1, 13))
    assert len(run(ctx, listing)) == 12
    listing.add(range(13, 21))  # 8 new items, more than 2 pages of 3
    assert run(ctx, listing, max_pages=2) == [20, 19, 18, 17, 16, 15]
    assert ctx.state.get("k") == {"newest": 20, "tails": [{"next": 15, "until": 12}]}
    assert run(ctx, listing) == [14, 13]  # the gap, and nothing already seen
    assert ctx.state.get("k")["tails"] == []


def test_stop_leaves_the_page_unsaved_and_a_failed_page_keeps_the_state(ctx_factory):
    ctx = ctx_factory()
    listing = Listing(range(1, 11))
    assert run(ctx, listing, stop=lambda: True) == [10, 9, 8]
    assert ctx.state.get("k") is None  # the next crawl reads that page again

    run(ctx, listing, max_pages=1)
    saved = ctx.state.get("k")
    listing.fetch = lambda cont, since: None  # every page fails from now on
    assert run(ctx, listing) == []
    assert ctx.state.get("k") == saved


def test_rankings_are_read_whole_and_keep_no_state(ctx_factory):
    ctx = ctx_factory()
    listing = Listing(range(1, 8))
    assert run(ctx, listing, chronological=False) == [7, 6, 5, 4, 3, 2, 1]
    assert run(ctx, listing, chronological=False, max_pages=1) == [7, 6, 5]
    assert ctx.state.get("k") is None


def test_a_repeated_cursor_ends_the_listing(ctx_factory):
    ctx = ctx_factory()
    calls = []

    def fetch(cont, since):
        calls.append(cont)
        return api.Page([len(calls)], "same-cursor")

    out = [x for items in api.paginate(ctx, "k", fetch, item_key=lambda x: -x) for x in items]
    assert calls == [None, "same-cursor"] and out == [1, 2]


# -- rate limits and the client ----------------------------------------------------------------


@pytest.mark.parametrize("headers,expected", [
    ({"x-ratelimit-reset": "2025-07-17T20:05:00.393632Z", "date": "Thu, 17 Jul 2025 20:04:59 GMT"}, 1.393632),
    ({"x-ratelimit-reset": "2025-07-17T20:05:00Z", "date": "Thu, 17 Jul 2025 20:06:00 GMT"}, 0.0),  # past
    ({"x-ratelimit-reset": "555"}, 555.0),  # Reddit: seconds to the reset
    ({"ratelimit-reset": "1800000030"}, 30.0),  # Bluesky PDS: an epoch time (now = 1.8e9)
    ({"retry-after": "Thu, 17 Jul 2025 20:05:30 GMT", "date": "Thu, 17 Jul 2025 20:05:00 GMT"}, 30.0),
    ({"retry-after": "12", "x-ratelimit-reset": "555"}, 12.0),  # Retry-After wins
    ({"x-ratelimit-reset": "soon"}, None),
])
def test_reset_delay(headers, expected):
    got = api.reset_delay(CaseInsensitiveDict(headers), now=1_800_000_000.0)
    assert got == (pytest.approx(expected) if expected is not None else None)


class FakeSession:
    """Answers from a script: (status, headers) tuples or exceptions to raise."""

    def __init__(self, script):
        self.script = list(script)
        self.sent = []

    def close(self):
        pass

    def request(self, method, url, **kw):
        self.sent.append((method, url, kw))
        item = self.script.pop(0)
        if isinstance(item, Exception):
            raise item
        status, headers = item
        resp = requests.Response()
        resp.status_code, resp.url, resp._content = status, url, b'{"ok": true}'
        resp.headers = CaseInsensitiveDict(headers)
        return resp


def test_client_retries_429_after_each_reset_then_gives_up(ctx_factory, fake_clock):
    ctx = ctx_factory()
    ctx.session = FakeSession([(429, {"x-ratelimit-reset": "7"})] * 4)
    client = api.ApiClient(ctx, sleep=fake_clock.sleep, clock=fake_clock.clock, retries=3)
    assert client.get_json("https://api.example/x", what="thing") is None
    assert fake_clock.sleeps == [7.0, 7.0, 7.0]
    assert ctx.errors == {"rate limited": 1}

    ctx = ctx_factory()
    ctx.session = FakeSession([(429, {}), (429, {}), (200, {})])  # no reset given: backoff
    client = api.ApiClient(ctx, sleep=fake_clock.sleep, clock=fake_clock.clock)
    assert client.get_json("https://api.example/x") == {"ok": True}
    assert fake_clock.sleeps[3:] == [2.0, 4.0]


def test_client_turns_http_layer_errors_into_counted_errors(ctx_factory, fake_clock):
    ctx = ctx_factory()
    ctx.session = FakeSession([FetchTimeoutError("read timed out", url="https://api.example/x"),
                               HttpStatusError(url="https://api.example/y", status=503),
                               requests.ConnectionError("refused")])
    client = api.ApiClient(ctx, sleep=fake_clock.sleep, clock=fake_clock.clock)
    for path in ("x", "y", "z"):
        assert client.get_json(f"https://api.example/{path}") is None
    assert ctx.errors == {"timeout": 1, "http 503": 1, "connection": 1}


def test_client_sends_auth_per_request_never_on_the_shared_session(ctx_factory):
    ctx = ctx_factory()
    real = ctx.session
    ctx.session = FakeSession([(200, {})])
    client = api.ApiClient(ctx, headers={"Authorization": "Bearer t0k"})
    client.get_json("https://api.example/x")
    assert ctx.session.sent[0][2]["headers"]["Authorization"] == "Bearer t0k"
    assert "Authorization" not in real.headers


# -- records and helpers -----------------------------------------------------------------------


def test_emitter_yields_each_record_once_and_stops_at_max_posts(ctx_factory):
    ctx = ctx_factory(competitors=())
    emit = api.Emitter(ctx, max_posts=2, competitors={"mastodon:@brand@h.example": "Brand"})
    recs = [Actor("mastodon:@brand@h.example"), Actor("mastodon:@brand@h.example"),
            Actor("mastodon:@brand@h.example", followers=9),
            Post("p1", "mastodon:@brand@h.example"), Post("p1", "mastodon:@brand@h.example"),
            Interaction("web:a.example", "web:b.example", "link", post="p1"),
            Interaction("web:a.example", "web:b.example", "link", post="p1"),
            SameAs("web:a.example", "web:b.example"), SameAs("web:b.example", "web:a.example"),
            Post("p2", "web:a.example"), Post("p3", "web:a.example")]
    out = list(emit(recs))
    assert [type(r).__name__ for r in out] == ["Actor", "Actor", "Post", "Interaction", "SameAs", "Post"]
    assert out[0].competitor == "Brand" and out[1].followers == 9
    assert emit.full
    assert ctx.events["actors"] == 1 and ctx.events["posts"] == 2


def test_html_to_text_keeps_hidden_url_parts():
    html = ('<p>Read <a href="https://www.example.org/a" rel="nofollow noopener"><span class="invisible">'
            'https://www.</span><span class="">example.org/a</span></a><br>next&nbsp;line</p>')
    assert api.html_to_text(html) == "Read https://www.example.org/a\nnext line"
    assert api.html_links(html) == [("https://www.example.org/a", "nofollow noopener", "")]


@pytest.mark.parametrize("url,expected", [
    ("https://mastodon.social/@Gargron", "mastodon:@gargron@mastodon.social"),
    ("https://bsky.app/profile/jay.bsky.team", "bluesky:jay.bsky.team"),
    ("https://www.reddit.com/user/spez/", "reddit:u/spez"),
    ("https://news.ycombinator.com/user?id=dang", "hackernews:dang"),
    ("https://github.com/schochastics", "github:schochastics"),  # one rule with the web crawler
    ("https://bsky.app/profile/did:plc:abc", None),
    ("javascript:alert(1)", None),
])
def test_profile_actor(url, expected):
    assert api.profile_actor(url) == expected


def test_read_token_never_accepts_the_secret_itself(monkeypatch):
    monkeypatch.setenv("INFLUENCE_TEST_TOKEN", "abc")
    assert api.read_token({"token_env": "INFLUENCE_TEST_TOKEN"}, "token_env", "sources[0]") == "abc"
    with pytest.raises(ConfigError, match=r"sources\[0\]\.token_env must name an environment variable"):
        api.read_token({"token_env": "ghp_abc/123"}, "token_env", "sources[0]")
    with pytest.raises(ConfigError, match="must not hold credentials"):
        api.check_url({"instance": "https://user:pw@h.example"}, "instance", "sources[0]", None)
