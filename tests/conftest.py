"""Shared fixtures. Prefer fixtures over setup classes (networkx conftest).

Two things every test module finds here, and nowhere else:

- **The shared data** (``../shared`` beside the repository, as CI checks it out; the
  ``INFLUENCE_SHARED`` environment variable points elsewhere): :func:`shared_path` returns a path
  in it or skips the test with a reason, :func:`needs_shared` is the same as a mark, and the
  ``shared_datasets`` fixture is the datasets folder.
- **The demo sector, built once per session** (building it takes seconds): ``demo_data`` (the
  :class:`~influence.datasets.DemoSector` of ``make_sector(seed=0)``), ``demo_sector`` (what
  ``open_sector("demo")`` gives, its store read-only so that no test changes it for another),
  ``demo_graph`` and ``demo_store_file`` (a store file to ``shutil.copy`` before writing to it;
  ``demo_store_copy`` does that). ``airline_sector`` is the twitter-airline-sentiment mention
  sector, also built once.
"""

from __future__ import annotations

import csv
import dataclasses
import os
import re
import shutil
import signal
import stat
from datetime import datetime
from pathlib import Path

import pytest

from influence.records import Actor, Interaction, Post
from influence.store import Store

# A shell starts a background job (`cmd &` without job control) with SIGINT ignored, and every
# process it starts inherits that: the Ctrl-C tests would then send a SIGINT nobody receives. The
# suite restores Python's handler, so its subprocesses start with the default again.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

REPO = Path(__file__).resolve().parents[1]
#: The shared data folder: ``$INFLUENCE_SHARED``, else ``../shared`` beside the repository.
SHARED = Path(os.environ.get("INFLUENCE_SHARED") or REPO.parent / "shared")


def shared_path(*parts: str) -> Path:
    """``SHARED / parts``; skips the calling test (or fixture) with a reason when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not found: this test reads ../shared/{'/'.join(parts)}; the shared data "
                    "folder is checked out beside the repository (or set INFLUENCE_SHARED)")
    return path


def needs_shared(*parts: str) -> pytest.MarkDecorator:
    """A mark that skips the test, with a reason, when ``SHARED / parts`` is absent."""
    path = SHARED.joinpath(*parts)
    return pytest.mark.skipif(
        not path.exists(),
        reason=f"{path} not found: the shared data folder is checked out beside the repository "
               "(or set INFLUENCE_SHARED)",
    )


@pytest.fixture
def store():
    """A fresh in-memory store."""
    s = Store(":memory:")
    yield s
    s.close()


@pytest.fixture
def pg_url():
    """A URL of a new, empty PostgreSQL schema, dropped afterwards (skips without a server)."""
    from tests import _pg

    url, drop = _pg.fresh_url()
    yield url
    drop()


@pytest.fixture
def pg_store(pg_url):
    """An open PostgreSQL store in that schema."""
    from influence.store import open_store

    s = open_store(pg_url)
    yield s
    s.close()


@pytest.fixture
def small_records():
    """A hand-made sector: ana is the clear leader, bob second, a brand, one self-loop."""
    return [
        Actor("mastodon:@ana@coffee.example", name="Ana", followers=1200, language="es"),
        Actor("mastodon:@bob@coffee.example", name="Bob", followers=300),
        Actor("web:aurora.example", name="Café Aurora", competitor="Café Aurora"),
        Post("mastodon:1", "mastodon:@ana@coffee.example", "2026-01-05T10:00:00Z", "Hola #cafe",
             likes=10, reshares=3, replies=2),
        Interaction("mastodon:@bob@coffee.example", "mastodon:@ana@coffee.example", "reply", "2026-01-05T11:00:00Z", "mastodon:2"),
        Interaction("mastodon:@cid@coffee.example", "mastodon:@ana@coffee.example", "reshare", "2026-01-06T09:00:00Z", "mastodon:3"),
        Interaction("mastodon:@dan@coffee.example", "mastodon:@ana@coffee.example", "like", "2026-01-06T09:30:00Z"),
        Interaction("mastodon:@ana@coffee.example", "mastodon:@bob@coffee.example", "mention", "2026-01-07T09:00:00Z", "mastodon:4"),
        Interaction("mastodon:@cid@coffee.example", "mastodon:@bob@coffee.example", "mention", "2026-01-07T10:00:00Z", "mastodon:5"),
        Interaction("mastodon:@bob@coffee.example", "web:aurora.example", "mention", "2026-01-08T10:00:00Z", "mastodon:6"),
        Interaction("mastodon:@dan@coffee.example", "web:aurora.example", "link", None),
        Interaction("mastodon:@ana@coffee.example", "mastodon:@ana@coffee.example", "mention", "2026-01-08T10:00:00Z", "mastodon:7"),
    ]


@pytest.fixture(params=[0, 1, 2])
def seed(request):
    """Tests taking this run for several seeds (sklearn's global_random_seed idea)."""
    return request.param


@pytest.fixture(scope="session")
def shared_datasets():
    """``../shared/datasets`` (skips when absent)."""
    return shared_path("datasets")


# -- the demo sector, once per session ---------------------------------------------------------------


def _read_only(path: Path) -> Path:
    path.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    return path


@pytest.fixture(scope="session")
def demo_data():
    """``make_sector(seed=0)``: the demo's records, ground truth and settings (frozen; do not
    change its ``competitors`` dicts)."""
    from influence.datasets import make_sector

    return make_sector(seed=0)


@pytest.fixture(scope="session")
def _demo(tmp_path_factory):
    """``open_sector("demo")`` once, its in-memory store saved to a read-only file."""
    import sqlite3

    import influence

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    sector = influence.open_sector("demo")
    target = sqlite3.connect(path)
    try:
        with sector.store.transaction() as conn:  # the store's own connection (public API)
            pass
        conn.backup(target)  # every page, outside the transaction (inside, it waits for itself)
    finally:
        target.close()
        sector.close()
    _read_only(path)
    sector = dataclasses.replace(sector, store=Store(path, readonly=True))
    yield sector, path
    sector.close()


@pytest.fixture(scope="session")
def demo_sector(_demo):
    """What ``open_sector("demo")`` gives (name, languages, keywords, competitors, records),
    built once; its store is read-only (writing raises), so no test changes it for another."""
    return _demo[0]


@pytest.fixture(scope="session")
def demo_store_file(_demo):
    """The demo sector's store as a read-only file: ``shutil.copy`` it (or use
    ``demo_store_copy``) to write."""
    return _demo[1]


@pytest.fixture
def demo_store_copy(demo_store_file, tmp_path):
    """A writable copy of the demo store file, this test's own."""
    path = tmp_path / "demo.db"
    shutil.copy(demo_store_file, path)
    path.chmod(stat.S_IRUSR | stat.S_IWUSR)
    return path


@pytest.fixture(scope="module")
def session_demo(_demo):
    """While the module runs, ``influence.sector.open_sector("demo")`` (seed 0, read-only) gives
    the session's demo instead of generating it again: the commands a module runs in-process
    (CliRunner) and ``influence.analyze("demo")`` skip the seconds of generation. Same definition
    and records (``open_sector("demo")`` saved once); each call gets its own read-only Store.
    Modules that run commands on "demo" opt in with
    ``pytestmark = pytest.mark.usefixtures("session_demo")``; ``influence.open_sector`` itself,
    subprocesses and the other modules build the demo the library's way."""
    import influence
    import influence.sector

    sector, path = _demo
    real_open = influence.sector.open_sector
    assert influence.open_sector is real_open  # resolved (and cached) before the patch

    def open_sector(spec, *, create=False, readonly=None, seed=0):
        if os.fspath(spec) == "demo" and seed == 0 and not create and readonly in (None, True):
            return dataclasses.replace(sector, store=Store(path, readonly=True))
        return real_open(spec, create=create, readonly=readonly, seed=seed)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(influence.sector, "open_sector", open_sector)
        yield


@pytest.fixture(scope="session")
def demo_graph(demo_sector):
    """``demo_sector.graph()`` (a networkx DiGraph): copy it before changing it."""
    return demo_sector.graph()


# -- the twitter-airline-sentiment @-mention sector --------------------------------------------------

#: The six airlines of twitter-airline-sentiment, declared competitors of the airline sector.
AIRLINES = ("united", "usairways", "americanair", "southwestair", "jetblue", "virginamerica")


@pytest.fixture(scope="session")
def airline_sector(tmp_path_factory):
    """The airline @-mention sector file (as benchmarks/competitors_airline.py builds it): each
    tweet a post, author -> every @handle of the tweet a mention, the six airlines declared
    competitors. The store is read-only: copy the folder to write."""
    path = shared_path("datasets", "twitter-airline-sentiment", "Tweets.csv")
    rows = {}
    with open(path, encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            rows.setdefault(r["tweet_id"], r)  # 155 ids occur twice with the same text
    records, authors = [], set()
    for r in rows.values():
        author = f"twitter:{r['name'].lower()}"
        authors.add(author)
        ts = datetime.strptime(r["tweet_created"], "%Y-%m-%d %H:%M:%S %z").timestamp()
        pid = f"twitter:{r['tweet_id']}"
        records.append(Post(pid, author, timestamp=ts, text=r["text"], language="en"))
        for h in dict.fromkeys(h.lower() for h in re.findall(r"@(\w+)", r["text"])):
            if f"twitter:{h}" != author:
                records.append(Interaction(author, f"twitter:{h}", "mention", ts, pid))
    folder = tmp_path_factory.mktemp("airline")
    store = Store(folder / "airlines.db")
    try:
        store.write([Actor(a) for a in sorted(authors)] + records)
    finally:
        store.close()
    _read_only(folder / "airlines.db")
    text = 'name = "airlines"\nstore = "airlines.db"\nlanguages = ["en"]\n'
    for h in AIRLINES:
        text += f'\n[[competitors]]\nname = "{h}"\nhandles = ["twitter:{h}"]\nkeywords = ["@{h}"]\n'
    (folder / "airlines.toml").write_text(text, encoding="utf-8")
    return _read_only(folder / "airlines.toml")
