"""Shared crawling (issue 19): several `influence crawl` workers on one PostgreSQL sector.

- 3 workers crawl a local site of 2,000 pages; one is killed with SIGKILL mid-run; the others
  finish; the store has the fingerprint of one uninterrupted SQLite crawl of the same site, and no
  page was fetched twice except the one whose lease expired.
- Politeness: with delay = 0.2, the workers never start two requests to the host less than 0.2 s
  apart (the server records arrival times).

The workers are real processes (``python -m influence crawl``); the site is served on 127.0.0.1
by this process (tests/site_server.py, which benchmarks/crawl_workers.py uses too). PostgreSQL comes from tests/_pg.py (skips without it; fails under CI=true).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path


from influence._storage import open_store
from influence.crawl.runner import run_crawl
from influence.sector import open_sector
from tests.site_server import Site

REPO = Path(__file__).resolve().parents[1]


def sector_toml(folder: Path, site: Site, *, delay: float = 0.0, store: str | None = None,
                concurrency: int = 1) -> Path:
    path = folder / "site.toml"
    path.write_text(textwrap.dedent(f"""\
        name = "site"
        allow_private_addresses = true
        {f'store = "{store}"' if store else ''}
        [crawl]
        delay = {delay}
        retries = 0
        respect_robots = false
        max_concurrency = {concurrency}
        [[sources]]
        type = "web"
        name = "site"
        seeds = ["{site.url}/p/0"]
        max_pages = 100000
        max_depth = 20
        """), encoding="utf-8")
    return path


def start_worker(toml: Path, pg_url: str, *extra: str) -> subprocess.Popen:
    env = dict(os.environ, INFLUENCE_STORE=pg_url, PYTHONPATH=str(REPO))
    return subprocess.Popen([sys.executable, "-m", "influence", "crawl", str(toml), "-q", *extra],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _sqlite_fingerprint(tmp_path: Path, site: Site) -> str:
    """One uninterrupted crawl of ``site`` into a SQLite store; the site's log is emptied after."""
    toml = sector_toml(tmp_path, site)
    with open_sector(toml, create=True) as sec:
        summary = run_crawl(sec)
        assert summary.pages == site.n and sec.store.crawl_sources()["site"] == (0, site.n)
        fingerprint = sec.store.fingerprint()
    assert len(site.requests(clear=True)) == site.n
    return fingerprint


def test_three_workers_one_killed_same_fingerprint_as_one_sqlite_crawl(tmp_path, pg_url):
    n = 2000
    (tmp_path / "lite").mkdir()
    with Site(n) as site:
        expected = _sqlite_fingerprint(tmp_path / "lite", site)
        toml = sector_toml(tmp_path, site)
        workers = [start_worker(toml, pg_url, "--lease", "5") for _ in range(3)]
        deadline = time.monotonic() + 120
        while sum(site.pages_fetched().values()) < n // 3 and time.monotonic() < deadline:
            assert all(w.poll() is None for w in workers), [w.communicate() for w in workers]
            time.sleep(0.05)
        workers[0].send_signal(signal.SIGKILL)
        killed_at = sum(site.pages_fetched().values())
        outputs = [w.communicate(timeout=300) for w in workers]
        assert [w.returncode for w in workers] == [-signal.SIGKILL, 0, 0], outputs
        fetched = site.pages_fetched()
    assert n // 3 <= killed_at < n  # killed mid-run
    assert set(fetched) == {f"/p/{i}" for i in range(n)}
    twice = {p: c for p, c in fetched.items() if c > 1}
    # the killed worker held one claim (one page at a time, its earlier pages committed before
    # each claim): that page, if it had been fetched, is the only one fetched again
    assert len(twice) <= 1 and set(twice.values()) <= {2}, twice
    with open_store(pg_url, readonly=True) as store:
        assert store.crawl_sources()["site"] == (0, n)
        assert store.fingerprint() == expected
        status = store.crawl_status()
    states = sorted(w["status"] for w in status["workers"])
    assert states == ["done", "done", "running"]  # the killed one never said goodbye
    assert sum(w["pages"] for w in status["workers"] if w["status"] == "done") >= n - killed_at


def test_workers_share_the_host_delay(tmp_path, pg_url):
    with Site(25) as site:
        toml = sector_toml(tmp_path, site, delay=0.2, concurrency=2)
        workers = [start_worker(toml, pg_url) for _ in range(3)]
        outputs = [w.communicate(timeout=300) for w in workers]
        assert [w.returncode for w in workers] == [0, 0, 0], outputs
        times = sorted(t for _, t in site.requests())
    assert len(times) >= 25
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert min(gaps) >= 0.2, sorted(gaps)[:5]
    with open_store(pg_url, readonly=True) as store:
        status = store.crawl_status()
    assert sum(w["pages"] for w in status["workers"]) == 25
    assert sum(1 for w in status["workers"] if w["pages"]) >= 2  # the work was shared


def test_status_shows_every_worker(tmp_path, pg_url):
    from click.testing import CliRunner

    from influence_cli import cli

    with Site(30) as site:
        toml = sector_toml(tmp_path, site, store=pg_url)
        workers = [start_worker(toml, pg_url) for _ in range(2)]
        outputs = [w.communicate(timeout=300) for w in workers]
        assert [w.returncode for w in workers] == [0, 0], outputs
    result = CliRunner().invoke(cli, ["crawl", str(toml), "--status"])
    assert result.exit_code == 0, result.output
    assert "site: 30 visited (100%), 0 queued" in result.stdout
    assert result.stdout.count("  worker ") == 2 and result.stdout.count(": done,") == 2


def test_api_sources_run_on_one_worker_only(tmp_path, pg_url, monkeypatch):
    """An API source keeps cursors, not a frontier: a worker joining a running crawl skips it."""
    import types

    from influence.crawl import base
    from influence.records import Interaction

    calls = []

    def crawl(source, ctx):
        calls.append(ctx.name)
        yield Interaction("hackernews:a", "hackernews:b", "reply")

    fake = types.ModuleType("influence.crawl._fake_api")
    fake.crawl = crawl
    monkeypatch.setitem(sys.modules, fake.__name__, fake)
    monkeypatch.setitem(base.SOURCE_MODULES, "hackernews", "_fake_api")
    toml = tmp_path / "api.toml"
    toml.write_text(f'name = "api"\nstore = "{pg_url}"\n[[sources]]\ntype = "hackernews"\nname = "hn"\n',
                    encoding="utf-8")
    with open_sector(toml, create=True) as sec, open_store(pg_url) as other:
        assert other.crawl_join("hn", "elsewhere:1", resume=False, lease=60) == "fresh"
        other.crawl_started("hn")
        summary = run_crawl(sec, worker="here:2")
        assert summary.sources[0].status == "skipped" and calls == []
        other.crawl_worker_update("elsewhere:1", pages=0, records=0, errors=0, status="done")
        summary = run_crawl(sec, worker="here:2")
        assert summary.sources[0].status == "done" and calls == ["hn"]
        assert sec.store.counts()["interactions"] == 1
