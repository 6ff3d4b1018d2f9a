"""The runner: fault injection, kill-and-resume, plug-in sources, transactions, and the CLI."""

from __future__ import annotations

import json
from datetime import datetime
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
import types
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from .crawl_server import Reply
from influence_cli import cli

from influence.crawl import base
from influence.crawl.runner import run_crawl
from influence.errors import ConfigError, SectorFileError
from influence.records import Actor, Interaction, SameAs
from influence.sector import Sector, load_sector, open_sector
from influence.store import Store

REPO = Path(__file__).resolve().parents[2]


def sector_file(tmp_path: Path, sources: str, crawl: str = "", name: str = "t", extra: str = "") -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(textwrap.dedent(f"""\
        name = "{name}"
        allow_private_addresses = true
        {extra}
        [crawl]
        delay = 0
        retries = 1
        backoff = 0.01
        {crawl}
        """) + textwrap.dedent(sources), encoding="utf-8")
    return path


def page(title: str, links: list[str], comments: list[tuple[str, str]] = (), extra: str = "") -> str:
    items = "".join(
        f'<li id="comment-{i}" class="comment"><div class="comment-author"><cite class="fn">'
        f'<a href="{url}" class="url">{name}</a></cite></div><div class="comment-content"><p>hi {i}</p></div></li>'
        for i, (name, url) in enumerate(comments, 1))
    anchors = "".join(f'<a href="{u}">{u}</a> ' for u in links)
    return (f"<html lang='en'><head><title>{title}</title></head><body><article>{anchors}</article>{extra}"
            f"<ol class='commentlist'>{items}</ol></body></html>")


# -- fault injection ----------------------------------------------------------------------------------


def fault_routes() -> dict:
    calls = Counter()

    def once_429(request):
        calls["429"] += 1
        if calls["429"] == 1:
            return Reply(429, "slow down", headers={"Retry-After": "1"}, content_type="text/plain")
        return Reply(200, page("Patience", ["https://patience.example/"]))

    faults = ["/ok1", "/ok2", "/e500", "/r429", "/slow", "/trunc", "/loop", "/big", "/bigstream", "/bin",
              "/badenc", "/private/x", "/gone", "/pdf"]
    return {
        "/robots.txt": Reply(200, "User-agent: *\nDisallow: /private/\n", content_type="text/plain"),
        "/": Reply(200, page("Index", faults)),
        "/ok1": Reply(200, page("One", ["https://a.example/x", "https://b.example/y", "/ok2"],
                                [("Ana", "https://ana.example/"), ("Bea", "https://bea.example/")])),
        "/ok2": Reply(200, page("Two", ["https://a.example/z"], extra='<a rel="me" href="https://mastodon.social/@two">m</a>')),
        "/e500": Reply(500, "boom", content_type="text/plain"),
        "/r429": once_429,
        "/slow": Reply(200, page("Late", []), delay=1.0),
        "/trunc": Reply(200, page("Cut", ["https://cut.example/"]) * 20, truncate=100),
        "/loop": Reply(302, "", headers={"Location": "/loop"}),
        "/big": Reply(200, b"<p>" + b"x" * 1_000_000, repeat=50),
        "/bigstream": Reply(200, b"<p>" + b"y" * 1_000_000, repeat=50, length=False),
        "/bin": Reply(200, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 50, content_type="text/html"),
        "/badenc": Reply(200, b"<html><head><meta charset='utf-8'><title>Bad \xff\xfe bytes</title></head>"
                              b"<body><article><a href='https://enc.example/'>x</a></article></body></html>"),
        "/private/x": Reply(200, page("Secret", [])),
        "/pdf": Reply(200, b"%PDF-1.4", content_type="application/pdf"),
    }


def test_fault_injection_crawl_completes_consistently(serve, tmp_path):
    srv = serve(fault_routes())
    path = sector_file(tmp_path, f"""
        [[sources]]
        type = "web"
        seeds = ["{srv.url('/')}"]
        """, crawl="timeout = 0.3\nmax_bytes = 1_000_000\nmax_concurrency = 4\nper_host_concurrency = 4\nmax_redirects = 3")
    with open_sector(path, create=True) as sec:
        t0 = time.monotonic()
        summary = run_crawl(sec)
        elapsed = time.monotonic() - t0
        store = sec.store
        assert elapsed < 20 and not summary.interrupted
        errors = summary.errors
        for cause in ("http 500", "timeout", "truncated body", "too many redirects", "too large",
                      "binary content", "robots", "http 404", "content type"):
            assert errors[cause] >= 1, (cause, errors)
        assert errors["too large"] == 2 and "http 429" not in errors  # the 429 was retried after its Retry-After
        posts = {p.id: p for p in store.posts() if "#comment" not in p.id}
        assert set(posts) == {srv.url(p) for p in ("/", "/ok1", "/ok2", "/r429", "/badenc")}
        assert posts[srv.url("/badenc")].title.startswith("Bad")
        # the store is consistent: integrity, foreign keys, frontier drained, every URL visited once
        conn = sqlite3.connect(store.path)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert store.crawl_frontier("web[0]") == []
        visited = store.crawl_visited("web[0]")
        assert set(visited) == {srv.url(p) for p in ["/"] + [u for u in fault_routes()["/"].body.split('"') if u.startswith("/") and u != "/"]} | {srv.url("/ok2")}
        assert visited[srv.url("/e500")] == "http 500" and visited[srv.url("/private/x")] == "robots"
        comments = [i for i in store.interactions(kinds=["comment"])]
        assert {(i.source, i.target) for i in comments} == {("web:ana.example", "web:127.0.0.1"),
                                                           ("web:bea.example", "web:127.0.0.1")}
        assert SameAs("web:127.0.0.1", "mastodon:@two@mastodon.social", "rel=me").pair in {
            link.pair for link in store.identity_links() if link.evidence == "rel=me"}
        # a second, fresh run changes nothing in the records
        before = store.fingerprint()
        run_crawl(sec)
        assert store.fingerprint() == before


# -- kill and resume ----------------------------------------------------------------------------------

N_PAGES = 36


def generated_site(delay: float = 0.04) -> dict:
    routes = {"/robots.txt": Reply(200, "User-agent: *\nAllow: /\n", content_type="text/plain")}
    for i in range(N_PAGES):
        links = [f"/p{(i * 7 + k) % N_PAGES}" for k in (1, 2, 3)] + [f"https://ext{i % 5}.example/a{i}"]
        # one name per commenter site: the store keeps the last name written for an actor, and
        # crawl order varies between runs
        comments = [(f"Reader {i % 4}", f"https://reader{i % 4}.example/"), (f"Guest {i % 6}", f"https://guest{i % 6}.example/")]
        routes[f"/p{i}"] = Reply(200, page(f"Page {i}", links, comments,
                                           extra='<a rel="me" href="https://mastodon.social/@site">m</a>'),
                                 delay=delay)
    return routes


def _site_sources(srv) -> str:
    return f"""
        [[sources]]
        type = "web"
        name = "site"
        seeds = ["{srv.url('/p0')}"]
        max_pages = 1000
        max_depth = 50
        """


def _visited(db: Path) -> int:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return conn.execute("SELECT count(*) FROM crawl_visited").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def _snapshot(store: Store) -> tuple:
    return (store.fingerprint(), sorted(store.identity_links(), key=lambda s: s.pair),
            sorted(store.crawl_visited("site")), store.counts())


def test_sigkill_midway_then_resume_gives_the_same_store(serve, tmp_path):
    srv = serve(generated_site())
    crawl = "max_concurrency = 2\nper_host_concurrency = 2"
    # 1. the reference: one uninterrupted crawl
    ref_path = sector_file(tmp_path / "ref", _site_sources(srv), crawl, name="ref") if (tmp_path / "ref").mkdir() is None else None
    with open_sector(ref_path, create=True) as sec:
        summary = run_crawl(sec)
        assert summary.pages == N_PAGES and not summary.errors
        reference = _snapshot(sec.store)
    # 2. the same crawl in a child process, killed with SIGKILL midway
    (tmp_path / "kill").mkdir()
    path = sector_file(tmp_path / "kill", _site_sources(srv), crawl, name="kill")
    db = tmp_path / "kill" / "kill.db"
    hits_before = sum(v for p, v in srv.hits.items() if p.startswith("/p"))
    code = (f"from influence.sector import open_sector\nfrom influence.crawl.runner import run_crawl\n"
            f"run_crawl(open_sector({str(path)!r}, create=True), batch_size=4, commit_every=0.05)\n")
    child = subprocess.Popen([sys.executable, "-c", code], cwd=tmp_path)
    deadline = time.monotonic() + 30
    while _visited(db) < 8 and time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.02)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert child.returncode == -signal.SIGKILL
    committed = _visited(db)
    assert 8 <= committed < N_PAGES, "the kill must land midway"
    hits_killed = sum(v for p, v in srv.hits.items() if p.startswith("/p")) - hits_before
    # 3. resume with the command line
    result = CliRunner().invoke(cli, ["crawl", str(path), "--resume"])
    assert result.exit_code == 0, result.output
    hits_resumed = sum(v for p, v in srv.hits.items() if p.startswith("/p")) - hits_before - hits_killed
    assert hits_resumed == N_PAGES - committed  # exactly the pages not committed, nothing twice
    with open_sector(path) as sec:
        assert _snapshot(sec.store) == reference
        assert sec.store.crawl_frontier("site") == []
    # 4. resuming a finished crawl fetches nothing
    result = CliRunner().invoke(cli, ["crawl", str(path), "--resume"])
    assert result.exit_code == 0 and "site (web): 0 pages" in result.stderr


# -- runner contract ----------------------------------------------------------------------------------


def test_a_new_source_module_plugs_in_and_commits_state_with_records(monkeypatch, tmp_path):
    mod = types.ModuleType("influence.crawl.fakesource")

    def crawl(source, ctx):
        start = ctx.state.get("cursor", 0)
        for i in range(start, source["n"]):
            yield Actor(f"fake:{i}", name=f"F{i}")
            yield Interaction(f"fake:{i}", "fake:hub", "mention", post=f"fake-post-{i}")
            ctx.state.set("cursor", i + 1)  # after the records it covers
            ctx.count("pages")

    mod.crawl = crawl
    mod.validate = lambda source, where: None if isinstance(source.get("n"), int) else (_ for _ in ()).throw(
        ConfigError(f"{where}.n must be a whole number"))
    monkeypatch.setitem(sys.modules, "influence.crawl.fakesource", mod)
    monkeypatch.setitem(base.SOURCE_MODULES, "fake", "fakesource")
    store = Store(tmp_path / "s.db")
    sector = Sector("t", store=store, sources=({"type": "fake", "n": 5},))
    summary = run_crawl(sector, batch_size=3)
    assert summary.records == Counter({"actors": 5, "mention": 5}) and summary.pages == 5
    assert store.counts()["interactions"] == 5 and json.loads(store.crawl_state("fake[0]")["cursor"]) == 5
    first, last = store.crawl_runs()["fake[0]"]
    assert first == last and datetime.fromisoformat(first).tzinfo is not None
    # resume: the cursor is there, nothing is yielded again
    again = run_crawl(sector, resume=True)
    assert again.records == Counter()
    assert store.crawl_runs()["fake[0]"][0] == first  # the first run is kept, the last one moves on
    assert store.crawl_runs()["fake[0]"][1] >= last
    bad = Sector("t", store=store, sources=({"type": "fake", "n": "x"},))
    with pytest.raises(ConfigError, match=r"sources\[0\]\.n"):
        run_crawl(bad)


def test_missing_source_module_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setitem(base.SOURCE_MODULES, "nosuch", "nosuch_platform")
    store = Store(":memory:")
    sector = Sector("t", store=store, sources=({"type": "nosuch"}, {"type": "file"}))
    summary = run_crawl(sector)
    assert [s.status for s in summary.sources] == ["unavailable", "skipped"]
    assert "no nosuch crawler" in summary.sources[0].message
    with pytest.raises(ConfigError, match="nosuch_platform is missing"):
        run_crawl(sector, sources=["nosuch[0]"])
    with pytest.raises(ConfigError, match="no source named 'zzz'"):
        run_crawl(sector, sources=["zzz"])


def test_a_failing_commit_writes_neither_records_nor_state(tmp_path):
    from influence.crawl.state import SourceState

    store = Store(tmp_path / "s.db")
    state = SourceState(store, "web[0]")
    state.frontier.push("https://a.example/", 0)
    state.set("k", 1)

    def records():
        yield Actor("web:a.example")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        state.commit(records())
    assert store.counts()["actors"] == 0 and store.crawl_frontier("web[0]") == [] and store.crawl_state("web[0]") == {}


def test_sector_crawl_table_is_validated(tmp_path):
    path = sector_file(tmp_path, "", crawl="per_host_concurrency = 0")
    with pytest.raises(SectorFileError, match=r"t\.toml: crawl\.per_host_concurrency must be a whole number >= 1"):
        load_sector(path)
    path.write_text('name = "t"\n[crawl]\nspeed = 1\n')
    with pytest.raises(SectorFileError, match="unknown key crawl.speed"):
        load_sector(path)
    path.write_text('name = "t"\n[crawl]\ncontact = "https://example.org/bot"\ndelay = 2\n')
    assert load_sector(path).crawl == {"contact": "https://example.org/bot", "delay": 2}


def test_source_errors_name_the_file_and_key(tmp_path):
    path = sector_file(tmp_path, """
        [[sources]]
        type = "web"
        seeds = ["https://a.example/"]
        max_depth = -1
        """)
    result = CliRunner().invoke(cli, ["crawl", str(path)])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines()[-1] == (
        "Error: t.toml: sources[0].max_depth must be a whole number >= 0, got -1")


# -- the command line, on the fixture pages at their original addresses ---------------------------------


COMMENT_PAGES = ["en_blog_lemire_me_with_comments.html", "en_blog_thenervousbreakdown_comments.html",
                 "en_blog_wordpress_tavern_comments.html", "de_marketing_doschu_solopreneur_linkedin.html",
                 "es_news_elpais_ciencia.html", "en_blog_github_blog_jsonld_blogposting.html"]


def test_cli_crawl_fixture_pages_then_rank_the_sites(fixture_proxy, web_index, tmp_path, monkeypatch):
    """Acceptance: seeds at the pages' original URLs, fetched through a local proxy that serves the
    fixtures; the store gets link, comment and identity records matching the pages, and
    `influence rank` ranks those sites."""
    monkeypatch.setenv("HTTP_PROXY", fixture_proxy.base)
    monkeypatch.setenv("http_proxy", fixture_proxy.base)
    for var in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(var, raising=False)
    seeds = [web_index[n].replace("https://", "http://") for n in COMMENT_PAGES]
    path = tmp_path / "web.toml"
    path.write_text(textwrap.dedent(f"""\
        name = "web"
        [crawl]
        delay = 0
        retries = 0
        max_concurrency = 4
        [[sources]]
        type = "web"
        seeds = {json.dumps(seeds)}
        max_depth = 0
        """))
    result = CliRunner().invoke(cli, ["crawl", str(path), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["pages"] == len(COMMENT_PAGES) and summary["errors"] == {}
    with open_sector(path) as sec:
        store = sec.store
        links = {(i.source, i.target) for i in store.interactions(kinds=["link"])}
        assert ("web:lemire.me", "web:github.com") in links
        comments = Counter(i.source for i in store.interactions(kinds=["comment"]) if i.target.startswith("web:thenervousbreakdown"))
        assert comments["web:dwozmak.wordpress.com"] == 1 and comments["commenter:thenervousbreakdown.com/Kgaard"] == 2
        ids = {link.pair for link in store.identity_links()}
        assert ("facebook:doschucom", "web:doschu.com") in ids
        assert summary["records"]["comment"] == sum(1 for _ in store.interactions(kinds=["comment"]))
    ranked = CliRunner().invoke(cli, ["rank", str(path), "--format", "json", "--top", "0"])
    assert ranked.exit_code == 0, ranked.stderr
    rows = json.loads(ranked.stdout)
    accounts = {a for r in rows for a in r["accounts"]}  # identity links merge a site with its profiles
    assert {"web:github.com", "web:lemire.me", "web:thenervousbreakdown.com"} <= accounts
    lemire = next(r for r in rows if "web:lemire.me" in r["accounts"])
    assert "twitter:lemire" in lemire["accounts"]
    assert rows[0]["score"] >= rows[-1]["score"]


def test_cli_refuses_what_it_cannot_crawl(tmp_path):
    runner = CliRunner()
    r = runner.invoke(cli, ["crawl", "demo"])
    assert r.exit_code == 2 and "demo" in r.stderr
    (tmp_path / "empty.toml").write_text('name = "empty"\n')
    r = runner.invoke(cli, ["crawl", str(tmp_path / "empty.toml")])
    assert r.exit_code == 2 and "no [[sources]]" in r.stderr and not (tmp_path / "empty.db").exists()


def test_cli_exit_1_when_nothing_could_be_fetched(serve, tmp_path):
    srv = serve({"/robots.txt": Reply(404, ""), "/": Reply(500, "down")})
    path = sector_file(tmp_path, f"""
        [[sources]]
        type = "web"
        seeds = ["{srv.url('/')}"]
        """)
    r = CliRunner().invoke(cli, ["crawl", str(path)])
    assert r.exit_code == 1 and "all 1 fetches failed (http 500 1)" in r.stderr
    assert "Errors: http 500 1" in r.stderr
    assert not (tmp_path / "t.db").exists()  # a failed first crawl leaves no empty store behind


def test_cli_recrawl_of_an_unchanged_site_with_a_broken_link_exits_0(serve, tmp_path):
    """All 304 Not Modified plus two 404s: the 304s are successes, the run is not a failure."""

    def unchanged(body: str):
        def handler(request):
            if request.headers.get("If-None-Match") == '"v1"':
                return Reply(304, b"", headers={"ETag": '"v1"'}, content_type=None)
            return Reply(200, body, headers={"ETag": '"v1"'})
        return handler

    pages = [f"/p{i}" for i in range(5)]
    routes = {"/robots.txt": Reply(404, ""), "/": unchanged(page("Home", pages + ["/gone1", "/gone2"])),
              "/gone1": Reply(404, "no"), "/gone2": Reply(404, "no")}
    routes.update({p: unchanged(page(p, ["https://out.example/"])) for p in pages})
    srv = serve(routes)
    path = sector_file(tmp_path, f"""
        [[sources]]
        type = "web"
        seeds = ["{srv.url('/')}"]
        """)
    first = CliRunner().invoke(cli, ["crawl", str(path)])
    assert first.exit_code == 0, first.stderr
    again = CliRunner().invoke(cli, ["crawl", str(path), "--format", "json"])
    assert again.exit_code == 0, again.stderr
    summary = json.loads(again.stdout)
    assert summary["pages"] == 8 and summary["records"] == {} and summary["errors"] == {"http 404": 2}
    assert summary["sources"][0]["status"] == "done"


def test_a_utf8_page_with_one_bad_byte_keeps_its_letters(serve, tmp_path):
    """Declared UTF-8, one invalid byte: decoded as declared, the bad byte becomes U+FFFD
    (it used to fall back to Windows-1252 for the whole page: "Lucía" -> "LucÃ­a")."""
    body = ("<html><head><meta charset='utf-8'><title>Lucía \udcff café</title></head><body><article>"
            "<p>Señora Lucía</p><a href='https://x.example/'>x</a></article></body></html>")
    srv = serve({"/robots.txt": Reply(404, ""),
                 "/": Reply(200, body.encode("utf-8", "surrogateescape"), content_type="text/html")})
    path = sector_file(tmp_path, f"""
        [[sources]]
        type = "web"
        seeds = ["{srv.url('/')}"]
        """)
    r = CliRunner().invoke(cli, ["crawl", str(path)])
    assert r.exit_code == 0, r.stderr
    with Store(tmp_path / "t.db", readonly=True) as store:
        (post,) = store.posts()
    assert post.title == "Lucía \ufffd café"
    assert "Señora Lucía" in post.text


def test_crawl_waits_for_another_writer_instead_of_aborting(serve, tmp_path, monkeypatch):
    """Another process (an import) holds the store's write lock for 5.5 s: the crawl waits its
    turn (it used to abort with "database is locked" after SQLite's 5 s default)."""
    srv = serve({"/robots.txt": Reply(404, ""), "/": Reply(200, page("Home", ["https://out.example/"]))})
    path = sector_file(tmp_path, f"""
        [[sources]]
        type = "web"
        seeds = ["{srv.url('/')}"]
        """)
    assert CliRunner().invoke(cli, ["crawl", str(path)]).exit_code == 0
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent("""
        import sqlite3, sys, time
        conn = sqlite3.connect(sys.argv[1], isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        print("locked", flush=True)
        time.sleep(5.5)
        conn.execute("COMMIT")
        """), str(tmp_path / "t.db")], stdout=subprocess.PIPE, text=True)
    with holder.stdout:
        assert holder.stdout.readline().strip() == "locked"
    monkeypatch.setenv("INFLUENCE_BUSY_TIMEOUT", "30")
    t0 = time.monotonic()
    r = CliRunner().invoke(cli, ["crawl", str(path)])
    holder.wait()
    assert r.exit_code == 0, r.stderr
    assert time.monotonic() - t0 >= 5  # it did wait for the other writer
    with Store(tmp_path / "t.db", readonly=True) as store:
        assert store.crawl_sources()["web[0]"] == (0, 1)


def test_cli_failed_recrawl_keeps_the_store(serve, tmp_path):
    state = {"up": True}
    srv = serve({"/robots.txt": Reply(404, ""),
                 "/": lambda request: Reply(200, page("Home", ["https://out.example/"])) if state["up"]
                 else Reply(500, "down")})
    path = sector_file(tmp_path, f"""
        [[sources]]
        type = "web"
        seeds = ["{srv.url('/')}"]
        """)
    assert CliRunner().invoke(cli, ["crawl", str(path)]).exit_code == 0
    state["up"] = False
    r = CliRunner().invoke(cli, ["crawl", str(path)])
    assert r.exit_code == 1 and "all 1 fetches failed (http 500 1)" in r.stderr
    with Store(tmp_path / "t.db", readonly=True) as store:
        assert store.counts()["interactions"] == 1


def test_ctrl_c_stops_cleanly_and_resume_finishes(serve, tmp_path):
    srv = serve(generated_site(delay=0.15))
    path = sector_file(tmp_path, _site_sources(srv), "max_concurrency = 2\nper_host_concurrency = 2")
    child = subprocess.Popen([sys.executable, "-m", "influence", "crawl", str(path)], cwd=tmp_path,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while sum(v for p, v in srv.hits.items() if p.startswith("/p")) < 6 and time.monotonic() < deadline:
        time.sleep(0.02)
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=30)
    assert child.returncode == 130, err
    assert "[interrupted]" in err and "Traceback" not in err
    with open_sector(path) as sec:
        queued, visited = sec.store.crawl_sources()["site"]
        assert queued > 0 and 3 <= visited < N_PAGES
    result = CliRunner().invoke(cli, ["crawl", str(path), "--resume"])
    assert result.exit_code == 0
    with open_sector(path) as sec:
        assert sec.store.crawl_sources()["site"] == (0, N_PAGES)
        assert sec.store.counts()["posts"] == N_PAGES * 3  # each page and its two comments
