"""The HTTP layer: config, address guard, robots.txt, politeness, retries, limits (local servers)."""

from __future__ import annotations

import socket
import threading
import time

import pytest
import requests

from influence.crawl.errors import (
    BlockedURLError,
    ContentTypeError,
    CrawlError,
    FetchError,
    FetchTimeoutError,
    HttpStatusError,
    ResponseTooLargeError,
    RobotsDisallowedError,
    TooManyRedirectsError,
    redact_url,
)
from influence.crawl.http import (
    HTML_TYPES,
    HttpConfig,
    PoliteSession,
    check_url,
    fetch,
    get_json,
    make_session,
)
from influence.crawl.http._guard import _check_peer
from influence.errors import ConfigError, InfluenceError

from .crawl_server import Reply

FAST = dict(delay=0.0, timeout=2.0, connect_timeout=2.0, retries=1, backoff=0.01)


def session(**kw) -> PoliteSession:
    return make_session(HttpConfig(**{**FAST, **kw}), allow_private_addresses=True)


# -- config ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("key, value", [("timeout", 0), ("delay", -1), ("retries", 1.5), ("max_bytes", 0),
                                        ("respect_robots", "yes"), ("user_agent", ""), ("max_concurrency", True),
                                        ("contact", "a\nb")])
def test_config_rejects_bad_values_naming_the_key(key, value):
    with pytest.raises(ConfigError) as info:
        HttpConfig(**{key: value})
    assert info.value.key == key and str(info.value).startswith(key)


def test_config_from_dict_round_trip_and_unknown_key():
    cfg = HttpConfig.from_dict({"delay": 2, "contact": "https://example.org/bot", "max_concurrency": 8})
    assert cfg.delay == 2.0 and isinstance(cfg.delay, float) and cfg.max_concurrency == 8
    assert HttpConfig.from_dict(cfg.to_dict()) == cfg
    assert cfg.user_agent_header.endswith("(+https://example.org/bot)") and cfg.robots_token == "influence"
    with pytest.raises(ConfigError, match="unknown key speed"):
        HttpConfig.from_dict({"speed": 3})


# -- address guard ----------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/", "http://10.1.2.3/", "http://192.168.0.1:8080/", "http://172.16.5.4/",
    "http://169.254.169.254/latest/meta-data/", "http://[::1]/", "http://[::ffff:127.0.0.1]/",
    "http://224.0.0.1/", "http://0.0.0.0/", "http://100.64.0.1/", "http://localhost:9/",
])
def test_guard_refuses_non_public_addresses(url):
    with pytest.raises(BlockedURLError) as info:
        check_url(url)
    assert info.value.cause == "blocked address"


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/", "gopher://example.org/", "http:///x"])
def test_guard_refuses_other_schemes(url):
    with pytest.raises(BlockedURLError):
        check_url(url, allow_private_addresses=True)


def test_guard_allows_public_literal_addresses():
    check_url("http://93.184.216.34/")  # a literal: no DNS needed
    check_url("http://[2606:4700::1111]/")


def test_default_session_never_connects_to_loopback(serve):
    srv = serve({"/": Reply(200, "<p>secret</p>")})
    s = make_session(HttpConfig(**FAST))
    with pytest.raises(BlockedURLError):
        s.get(srv.url("/"))
    assert sum(srv.hits.values()) == 0
    # a redirect to a private address is checked hop by hop too
    s2 = session()
    srv2 = serve({"/go": Reply(302, "", headers={"Location": "file:///etc/passwd"})})
    with pytest.raises(BlockedURLError):
        s2.get(srv2.url("/go"), robots=False)


def test_connected_socket_check_catches_dns_rebinding(serve):
    srv = serve({})
    sock = socket.create_connection(("127.0.0.1", srv.port))
    with pytest.raises(BlockedURLError, match="non-public address 127.0.0.1"):
        _check_peer(sock, "rebind.example")
    assert sock.fileno() == -1  # closed


# -- robots.txt -------------------------------------------------------------------------------------


def test_robots_disallow_is_obeyed_and_opt_out_per_request(serve):
    srv = serve({
        # our group applies, not "*" (RFC 9309: the most specific group wins)
        "/robots.txt": Reply(200, "User-agent: *\nDisallow: /\n\nUser-agent: influence\n"
                                  "Disallow: /private/\nDisallow: /no-influence\n", content_type="text/plain"),
        "/private/a": Reply(200, "x"), "/no-influence": Reply(200, "x"), "/open": Reply(200, "ok"),
    })
    s = session()
    assert fetch(s, srv.url("/open")).text == "ok"
    for path in ("/private/a", "/no-influence"):
        with pytest.raises(RobotsDisallowedError):
            fetch(s, srv.url(path))
        assert srv.hits[path] == 0
    # API sources opt out per request
    assert fetch(s, srv.url("/private/a"), robots=False).status_code == 200
    assert srv.hits["/robots.txt"] == 1  # fetched once per host and cached


def test_robots_wildcards_and_longest_match_rfc9309(serve):
    """RFC 9309 §2.2.2-2.2.3: ``*`` and ``$`` are wildcards, and the most specific (longest) rule
    wins, ``Allow`` on a tie; the stdlib parser took the first matching line and no wildcards."""
    srv = serve({
        "/robots.txt": Reply(200, "User-agent: *\nDisallow: /*.pdf$\nDisallow: /private\n"
                                  "Allow: /private/public\nDisallow: /tie\nAllow: /tie\n",
                             content_type="text/plain"),
        "/a.pdf": Reply(200, "pdf"), "/docs/b.pdf": Reply(200, "pdf"), "/a.pdfx": Reply(200, "not pdf"),
        "/private/x": Reply(200, "x"), "/private/public/page": Reply(200, "public"),
        "/tie": Reply(200, "tie"),
    })
    s = session()
    for path in ("/a.pdf", "/docs/b.pdf", "/private/x"):
        with pytest.raises(RobotsDisallowedError):
            fetch(s, srv.url(path))
        assert srv.hits[path] == 0
    assert fetch(s, srv.url("/a.pdfx")).text == "not pdf"  # "$": the path must end there
    assert fetch(s, srv.url("/private/public/page")).text == "public"  # the longer Allow wins
    assert fetch(s, srv.url("/tie")).text == "tie"  # equal length: Allow wins


def test_robots_unreachable_disallows_missing_allows(serve):
    broken = serve({"/robots.txt": Reply(503, "down"), "/a": Reply(200, "x")})
    with pytest.raises(RobotsDisallowedError) as info:
        fetch(session(retries=0), broken.url("/a"))
    assert info.value.cause == "robots unreachable" and broken.hits["/a"] == 0
    missing = serve({"/a": Reply(200, "x")})  # robots.txt 404: everything allowed (RFC 9309)
    assert fetch(session(), missing.url("/a")).text == "x"


def test_crawl_delay_from_robots_spaces_requests(serve):
    srv = serve({"/robots.txt": Reply(200, "User-agent: *\nCrawl-delay: 0.25\n", content_type="text/plain"),
                 "/p": Reply(200, "x")})
    s = session()
    for _ in range(3):
        fetch(s, srv.url("/p"))
    starts = [t for t, path, _ in srv.requests]
    gaps = [b - a for a, b in zip(starts, starts[1:])]
    assert len(starts) == 4 and min(gaps) >= 0.2


# -- politeness -------------------------------------------------------------------------------------


def _concurrency_probe():
    state = {"active": 0, "peak": 0}
    lock = threading.Lock()

    def handler(request):
        with lock:
            state["active"] += 1
            state["peak"] = max(state["peak"], state["active"])
        time.sleep(0.15)
        with lock:
            state["active"] -= 1
        return Reply(200, "ok")

    return state, handler


@pytest.mark.parametrize("per_host", [1, 3])
def test_per_host_concurrency_limit(serve, per_host):
    state, handler = _concurrency_probe()
    srv = serve(handler)
    s = session(per_host_concurrency=per_host, max_concurrency=6)
    threads = [threading.Thread(target=fetch, args=(s, srv.url(f"/{i}")), kwargs={"robots": False})
               for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert state["peak"] == per_host


def test_min_delay_between_requests_to_one_host(serve):
    srv = serve({"/p": Reply(200, "x")})
    s = session(delay=0.2)
    for _ in range(3):
        fetch(s, srv.url("/p"), robots=False)
    starts = [t for t, _, _ in srv.requests]
    assert min(b - a for a, b in zip(starts, starts[1:])) >= 0.19


def test_identifying_user_agent_is_sent(serve):
    srv = serve({"/p": Reply(200, "x")})
    fetch(session(contact="mailto:crawl@example.org"), srv.url("/p"), robots=False)
    ua = srv.requests[-1][2]["User-Agent"]
    assert ua.startswith("influence/") and ua.endswith("(+mailto:crawl@example.org)")


# -- retries ----------------------------------------------------------------------------------------


def test_503_then_ok_honours_retry_after(serve):
    calls = []

    def flaky(request):
        calls.append(time.monotonic())
        if len(calls) == 1:
            return Reply(503, "busy", headers={"Retry-After": "1"})
        return Reply(200, "ok")

    srv = serve({"/p": flaky})
    assert fetch(session(retries=2), srv.url("/p"), robots=False).text == "ok"
    assert len(calls) == 2 and calls[1] - calls[0] >= 0.95


def test_retry_after_is_capped(serve):
    calls = []

    def limited(request):
        calls.append(time.monotonic())
        return Reply(429, "slow down", headers={"Retry-After": "3600"}) if len(calls) == 1 else Reply(200, "ok")

    srv = serve({"/p": limited})
    t0 = time.monotonic()
    assert fetch(session(retries=1, max_retry_after=0.2), srv.url("/p"), robots=False).text == "ok"
    assert time.monotonic() - t0 < 2


def test_api_client_retries_a_429_in_one_layer(serve):
    """A rate-limited API call sends at most 1 + retries requests: the session hands the 429 back
    and only the ApiClient retries it (the two layers used to multiply: (1 + 3) * (1 + 3) = 16)."""
    from influence.crawl.api import ApiClient
    from influence.crawl.base import CrawlContext
    from influence.sector import Sector

    limited = Reply(429, '{"error": "slow down"}', headers={"Retry-After": "1"},
                    content_type="application/json")
    srv = serve({"/api": limited, "/page": limited})
    s = session(retries=3, max_retry_after=0.05)  # the HTTP layer retries pages' 429s 3 times
    ctx = CrawlContext(session=s, sector=Sector(name="t", allow_private_addresses=True), state=None)
    sleeps: list[float] = []
    client = ApiClient(ctx, retries=2, sleep=sleeps.append, clock=lambda: 0.0)
    assert client.get_json(srv.url("/api"), what="thing") is None
    assert srv.hits["/api"] == 3  # 1 + ApiClient.retries (was (1 + 3) * (1 + 2) = 12)
    assert sleeps == [1.0, 1.0]  # Retry-After honoured, by the one layer that retries
    assert ctx.errors == {"rate limited": 1} and client.requests == 3
    assert srv.hits["/page"] == 0
    # defaults: ApiClient.retries = 3 on a session with HttpConfig.retries = 3 -> 4 requests
    default = ApiClient(CrawlContext(session=session(retries=3, max_retry_after=0.05),
                                     sector=Sector(name="t", allow_private_addresses=True), state=None),
                        sleep=lambda _: None, clock=lambda: 0.0)
    assert default.get_json(srv.url("/api")) is None and srv.hits["/api"] == 3 + 4
    # a page (not an API call) keeps the HTTP layer's own retries: 1 + 3 requests
    with pytest.raises(HttpStatusError) as info:
        fetch(s, srv.url("/page"), robots=False)
    assert info.value.status == 429 and srv.hits["/page"] == 4


def test_persistent_500_raises_after_the_retries(serve):
    srv = serve({"/p": Reply(500, "boom")})
    with pytest.raises(HttpStatusError) as info:
        fetch(session(retries=2), srv.url("/p"), robots=False)
    assert info.value.status == 500 and info.value.cause == "http 500" and srv.hits["/p"] == 3
    with pytest.raises(HttpStatusError) as info:
        fetch(session(), serve({}).url("/missing"), robots=False)
    assert info.value.cause == "http 404"


# -- limits -----------------------------------------------------------------------------------------


def test_read_timeout(serve):
    srv = serve({"/slow": Reply(200, "late", delay=1.5)})
    t0 = time.monotonic()
    with pytest.raises(FetchTimeoutError) as info:
        fetch(session(timeout=0.3, retries=0), srv.url("/slow"), robots=False)
    assert info.value.cause == "timeout" and time.monotonic() - t0 < 1.4


def test_total_timeout_stops_a_dripping_server(serve):
    srv = serve({"/drip": Reply(200, b"x" * 200, drip=0.05)})  # 10 s in all, a byte every 50 ms
    t0 = time.monotonic()
    with pytest.raises(FetchTimeoutError, match="total_timeout"):
        fetch(session(timeout=1, total_timeout=0.5), srv.url("/drip"), robots=False)
    assert time.monotonic() - t0 < 2


def test_max_bytes_by_header_and_by_stream(serve):
    srv = serve({
        "/declared": Reply(200, b"x" * 1_000_000, repeat=50),  # says 50 MB up front
        "/streamed": Reply(200, b"y" * 1_000_000, repeat=50, length=False),  # no length: read and stop
    })
    s = session(max_bytes=2_000_000)
    for path in ("/declared", "/streamed"):
        t0 = time.monotonic()
        with pytest.raises(ResponseTooLargeError) as info:
            fetch(s, srv.url(path), robots=False)
        assert info.value.cause == "too large" and time.monotonic() - t0 < 3
    ok = fetch(session(max_bytes=60_000_000), srv.url("/streamed"), robots=False)
    assert len(ok.content) == 50_000_000


def test_truncated_body(serve):
    srv = serve({"/t": Reply(200, b"abcdefghij" * 100, truncate=50)})
    with pytest.raises(FetchError) as info:
        fetch(session(retries=0), srv.url("/t"), robots=False)
    assert info.value.cause == "truncated body"
    assert isinstance(info.value, requests.RequestException) and isinstance(info.value, InfluenceError)


def test_redirect_loop_and_limit(serve):
    srv = serve({"/loop": Reply(302, "", headers={"Location": "/loop"}),
                 "/a": Reply(301, "", headers={"Location": "/b"}),
                 "/b": Reply(302, "", headers={"Location": "/c"}), "/c": Reply(200, "end")})
    with pytest.raises(TooManyRedirectsError):
        fetch(session(max_redirects=4), srv.url("/loop"), robots=False)
    assert srv.hits["/loop"] == 5
    r = fetch(session(max_redirects=4), srv.url("/a"), robots=False)
    assert r.text == "end" and r.url == srv.url("/c")
    with pytest.raises(TooManyRedirectsError):
        fetch(session(max_redirects=1), srv.url("/a"), robots=False)


def test_content_type_and_binary_sniff(serve):
    srv = serve({"/pdf": Reply(200, b"%PDF-1.4", content_type="application/pdf"),
                 "/png": Reply(200, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10, content_type="text/html"),
                 "/html": Reply(200, "<p>hi</p>")})
    s = session()
    with pytest.raises(ContentTypeError) as info:
        fetch(s, srv.url("/pdf"), accept=HTML_TYPES, robots=False)
    assert info.value.cause == "content type"
    with pytest.raises(ContentTypeError) as info:
        fetch(s, srv.url("/png"), accept=HTML_TYPES, robots=False)
    assert info.value.cause == "binary content"
    assert fetch(s, srv.url("/html"), accept=("text/*",), robots=False).text == "<p>hi</p>"
    assert fetch(s, srv.url("/png"), robots=False).status_code == 200  # no accept: no check


# -- helpers and credentials --------------------------------------------------------------------------


def test_fetch_and_get_json_work_with_a_plain_session(serve):
    srv = serve({"/j": Reply(200, '{"a": 1}', content_type="application/json"),
                 "/bad": Reply(200, "not json", content_type="application/json")})
    plain = requests.Session()
    assert get_json(plain, srv.url("/j")) == {"a": 1}
    with pytest.raises(CrawlError) as info:
        get_json(plain, srv.url("/bad"))
    assert info.value.cause == "malformed json"


def test_errors_never_show_credentials(serve):
    srv = serve({"/p": Reply(500, "no")})
    url = srv.url("/p").replace("http://", "http://ana:hunter2@") + "?access_token=s3cret&page=2"
    with pytest.raises(HttpStatusError) as info:
        fetch(session(retries=0), url, robots=False)
    text = str(info.value)
    assert "hunter2" not in text and "s3cret" not in text and "page=2" in text
    assert redact_url("https://u:p@h.example/x?api_key=1&sig=2&q=ok") == "https://h.example/x?api_key=***&sig=***&q=ok"


def test_connection_refused_is_not_a_timeout():
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # nothing listens there now
    with pytest.raises(FetchError) as info:
        fetch(session(retries=0), f"http://127.0.0.1:{port}/", robots=False)
    assert info.value.cause == "connection refused" and not isinstance(info.value, FetchTimeoutError)
