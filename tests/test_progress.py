"""Progress of long work (issue 14 item 17): every slow command says its steps on a terminal, and
nothing with -q or when stderr is not a terminal; the library tells a ``progress=`` object its steps.

A terminal is faked by replacing ``influence_cli._progress.stderr_is_terminal`` (CliRunner's stderr
is a captured stream, never a terminal): the step lines and click's progress-bar labels then go to
the captured stderr."""

from __future__ import annotations

import re

import json

import pytest
from click.testing import CliRunner
from influence_cli import _progress, cli

from influence.config import MEASURE_NAMES
from influence.datasets import make_sector
from influence.progress import as_progress
from influence.store import Store


class Recorder:
    """A Progress that records [name, total, units advanced] per step."""

    def __init__(self):
        self.steps: list[list] = []

    def step(self, name, total=None):
        self.steps.append([name, total, 0])

    def advance(self, n=1):
        self.steps[-1][2] += n

    @property
    def names(self):
        return [s[0] for s in self.steps]


@pytest.fixture(scope="module")
def sector_file(tmp_path_factory):
    """A scaled-down demo sector (about 240 actors) in a store file, its competitors declared."""
    demo = make_sector(seed=0, scale=0.12)
    folder = tmp_path_factory.mktemp("progress")
    store = Store(folder / "small.db")
    store.write(demo.records())
    store.close()
    text = 'name = "small"\nstore = "small.db"\nlanguages = ["es", "en"]\n'
    for c in demo.competitors:
        text += f'\n[[competitors]]\nname = "{c["name"]}"\nhandles = {json.dumps(list(c.get("handles", ())))}\n'
    toml = folder / "small.toml"
    toml.write_text(text, encoding="utf-8")
    return toml


@pytest.fixture
def terminal(monkeypatch):
    monkeypatch.setattr(_progress, "stderr_is_terminal", lambda: True)


def invoke(args, expect=0):
    r = CliRunner().invoke(cli, [str(a) for a in args])
    assert r.exit_code == expect, f"{args}: exit {r.exit_code}\n{r.stderr}\n{r.exception!r}"
    return r


def commands(sector_file, tmp_path):
    """One cheap run of each slow command, with the step names it must say on a terminal."""
    grid = tmp_path / "grid.toml"
    grid.write_text('[grid]\n"measures.pagerank" = [0.5, 1.0]\n', encoding="utf-8")
    rows = tmp_path / "rows.csv"
    rows.write_text("source,target,kind\n" + "".join(f"a{i},b{i % 7},mention\n" for i in range(50)),
                    encoding="utf-8")
    return {
        "report": (["report", sector_file, "-o", tmp_path / "r.html", "--topics", "3", "--map-nodes", "40",
                    "--top", "5"],
                   ["Building the interaction graph", "Reading the posts", "Detecting communities",
                    "Assigning roles", "Ranking ", "Describing communities", "Simulating reach",
                    "Selecting reach", "Laying out the network map", "Mapping competitors",
                    "Finding topics", "Drawing the charts", "Writing "]),
        "evaluate": (["evaluate", sector_file, "--runs", "5", "--format", "json"],
                     ["Building the graph", "Simulating SIR",
                      f"Evaluating {len(MEASURE_NAMES)} measures and the composite"]),
        "sweep": (["sweep", sector_file, "--grid", grid, "--runs", "5", "--format", "json"],
                  ["Building the graph", "Simulating SIR", "Sweeping"]),
        "tune": (["tune", sector_file, "--runs", "5", "--trials", "3", "--measures", "pagerank,in_degree",
                  "--format", "json"],
                 ["Building the graph", "Simulating SIR", "Tuning"]),
        "import": (["import", tmp_path / "new.db", rows], [f"Importing {rows}"]),
        "shortlist": (["shortlist", sector_file, "--top", "3", "--strategy", "reach", "--format", "json"],
                      ["Building the graph", "Detecting communities", "Ranking ", "Selecting the reach set"]),
    }


NAMES = ("report", "evaluate", "sweep", "tune", "import", "shortlist")


@pytest.mark.parametrize("name", NAMES)
def test_on_a_terminal_each_command_says_its_steps(name, sector_file, tmp_path, terminal):
    args, steps = commands(sector_file, tmp_path)[name]
    err = invoke(args).stderr
    for step in steps:
        assert step in err, f"{name}: {step!r} not said on a terminal:\n{err}"
    # steps come in order
    positions = [err.index(step) for step in steps]
    assert positions == sorted(positions), err


@pytest.mark.parametrize("name", NAMES)
def test_quiet_prints_nothing_on_stderr_even_on_a_terminal(name, sector_file, tmp_path, terminal):
    args, _steps = commands(sector_file, tmp_path)[name]
    assert invoke([*args, "-q"]).stderr == ""


@pytest.mark.parametrize("name", ("report", "evaluate", "import", "shortlist"))
def test_no_progress_when_stderr_is_not_a_terminal(name, sector_file, tmp_path):
    args, steps = commands(sector_file, tmp_path)[name]
    err = invoke(args).stderr
    for step in steps:
        assert step not in err, f"{name}: {step!r} printed to a non-terminal:\n{err}"
    assert "[" not in err.replace("[[", "")  # no "[  1.2s]" step lines, no bars


def test_import_counts_rows_on_a_terminal(tmp_path, monkeypatch, terminal):
    monkeypatch.setattr(_progress, "COUNT_EVERY", 0.0)  # draw every count
    rows = tmp_path / "big.csv"
    rows.write_text("source,target,kind\n" + "".join(f"a{i},b{i % 97},mention\n" for i in range(25_000)),
                    encoding="utf-8")
    # the columnar CSV path reads 2 MiB blocks and reports after a block once 10,000 more rows
    # are read: small blocks here (64 KiB, about 3,000 rows) so that the file takes several
    from influence import importers

    monkeypatch.setattr(importers, "_BLOCK_BYTES", 1 << 16)
    err = invoke(["import", tmp_path / "big.db", rows]).stderr
    # import_file reports every >= 10,000 rows and at the end: counts drawn, then cleared
    counts = [int(c.replace(",", "")) for c in re.findall(r"([\d,]+) rows read\r", err)]
    assert len(counts) >= 3 and counts == sorted(counts) and counts[-1] == 25_000, counts
    assert all(b - a >= 10_000 for a, b in zip(counts, counts[1:-1])), counts
    # redrawn in place ("\r"; click drops the erase-line escape on a captured stream), and the
    # summary line follows on a line of its own
    assert "\r  25,000 rows read\r" in err
    assert "25000 interactions rows read" in err


# -- the library side -------------------------------------------------------------------------------


def test_build_report_tells_progress_each_step_in_order():
    from influence.competitors import CompetitorConfig
    from influence.report import build_report
    from influence.sector import Competitor, Sector

    demo = make_sector(seed=0, scale=0.12)
    store = Store(":memory:")
    store.write(demo.records())
    comps = tuple(Competitor(name=c["name"], handles=tuple(c.get("handles", ()))) for c in demo.competitors)
    sector = Sector(name="small", languages=("es", "en"), competitors=comps, store=store)
    rec = Recorder()
    build_report(sector, top=5, map_nodes=40, progress=rec,
                 competitor_config=CompetitorConfig(n_topics=3, languages=("es", "en")))
    names = rec.names
    expected = ["Building the interaction graph", "Reading the posts", "Detecting communities",
                "Assigning roles", "Ranking", "Describing communities", "Simulating reach",
                "Selecting reach", "Laying out the network map", "Mapping competitors",
                "Tagging competitor posts", "Finding topics", "Scoring sentiment"]
    # each expected step, in this order (the library's finer steps may repeat a name)
    it = iter(names)
    for step in expected:
        assert any(n.startswith(step) for n in it), f"{step!r} missing or out of order in {names}"
    ranking = next(s for s in rec.steps if s[0].startswith("Ranking"))
    assert ranking[0] == f"Ranking {sector.graph(sector.ranking).number_of_nodes():,} actors"
    # the bars: one unit per connected component, one per reach pick
    communities = [s for s in rec.steps if s[0] == "Detecting communities" and s[1] is not None]
    assert communities and communities[0][2] == communities[0][1]
    picks = next(s for s in rec.steps if s[0] == "Selecting reach")
    assert picks[1] == 5 and picks[2] == 5
    store.close()


def test_the_old_message_callback_still_gets_every_step_name():
    seen = []
    p = as_progress(seen.append)
    p.step("Ranking 3 actors", total=3)
    p.advance()
    assert seen == ["Ranking 3 actors"]


def test_terminal_progress_draws_nothing_when_not_live(capsys):
    tp = _progress.TerminalProgress(live=False)
    tp.step("Counting", total=5)
    tp.advance(5)
    tp.step("Reading")
    tp.advance(100)
    tp.done()
    assert capsys.readouterr().err == ""


def test_terminal_progress_dedups_a_repeated_step_and_counts_only_open_steps(capsys, monkeypatch):
    monkeypatch.setattr(_progress, "COUNT_EVERY", 0.0)
    tp = _progress.TerminalProgress(live=True, unit="rows")
    tp.step("Detecting communities")
    tp.step("Detecting communities")  # the library says it again: one line
    tp.step("Picking", total=1)  # a total of 1: a line, and advance() draws no count
    tp.advance(1)
    tp.step("Reading")
    tp.advance(7)
    tp.done()
    err = capsys.readouterr().err
    assert err.count("Detecting communities...") == 1 and "Picking..." in err
    assert "  7 rows" in err and "  1 rows" not in err


def _crawl_sector(tmp_path, srv):
    page = ("<html lang='en'><head><title>{t}</title></head><body><article>"
            "<a href='https://a.example/'>a</a> <a href='https://b.example/'>b</a></article></body></html>")
    srv.routes.update({"/robots.txt": _reply(404, ""), "/one": _reply(200, page.format(t="One")),
                       "/two": _reply(200, page.format(t="Two"))})
    path = tmp_path / "c.toml"
    path.write_text(
        'name = "c"\nallow_private_addresses = true\n[crawl]\ndelay = 0\nretries = 1\nbackoff = 0.01\n'
        f'\n[[sources]]\ntype = "web"\nname = "first"\nseeds = ["{srv.url("/one")}"]\nmax_depth = 0\n'
        f'\n[[sources]]\ntype = "web"\nname = "second"\nseeds = ["{srv.url("/two")}"]\nmax_depth = 0\n',
        encoding="utf-8")
    return path


def _reply(status, body):
    from tests.crawl.crawl_server import Reply

    return Reply(status, body, content_type="text/html; charset=utf-8" if status == 200 else "text/plain")


def test_crawl_says_each_source_on_a_terminal_only(tmp_path, terminal, monkeypatch):
    from tests.crawl.crawl_server import LocalServer

    with LocalServer() as srv:
        err = invoke(["crawl", _crawl_sector(tmp_path, srv)]).stderr
        assert "] Crawling first..." in err and "] Crawling second..." in err
        assert err.index("Crawling first") < err.index("Crawling second") < err.index("Pages: ")
        # -q: nothing; not a terminal: the summary only
        (tmp_path / "c.db").unlink()
        assert invoke(["crawl", tmp_path / "c.toml", "-q"]).stderr == ""
        (tmp_path / "c.db").unlink()
        monkeypatch.setattr(_progress, "stderr_is_terminal", lambda: False)
        err = invoke(["crawl", tmp_path / "c.toml"]).stderr
        assert "Crawling" not in err and "first (web): 1 pages" in err
