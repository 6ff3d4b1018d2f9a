"""The Python examples of README.md and docs/*.md run (issue 15, section 6).

Every ```python block of a page runs, in page order, in one namespace per page (a block may use
the names an earlier block of the page defined). A block written as a doctest (``>>>`` lines)
must print what the page shows; any other block must run without an error.

The examples run in a temporary folder that holds what the pages assume: ``coffee.toml`` (a sector
file whose store holds a small synthetic sector), ``blogs.db`` (a store), ``interactions.csv``, and
``../shared`` (a link to the shared data; pages that read it skip when it is absent).
``open_sector("demo")`` gives the session's demo sector (conftest: the same definition and records,
built once) instead of generating it again for every page. Blocks that need the network are
listed in ``NEEDS_NETWORK`` with the reason and do not run; pages another test runs as a doctest
are in ``RUN_ELSEWHERE``.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import doctest
import gc
import re
import shutil
import traceback
import warnings
from pathlib import Path

import pytest

from influence.store import Store

from .conftest import REPO, SHARED

PAGES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]

#: Blocks that reach the network, by page and a text of the block: they are not run.
NEEDS_NETWORK = {
    ("crawling.md", "run_crawl("): "crawls the sources of coffee.toml over the network",
    ("social-sources.md", "run_crawl("): "crawls the sources of coffee.toml over the network",
    ("crawling.md", "fetch(session,"): "fetches https://blog.example/ over the network",
}

#: Pages another test already runs as a doctest (with the text that shows it does): not run twice.
RUN_ELSEWHERE = {"python-api.md": ("test_pipeline.py", "python-api.md")}

#: Pages whose example shows what the code no longer prints, until the page or the code is fixed
#: (strict: the test fails once the example passes again, so the entry is removed).
KNOWN_DRIFT: dict[str, str] = {}

_FENCE = re.compile(r"^```python[ \t]*\n(.*?)^```[ \t]*$", re.DOTALL | re.MULTILINE)


def python_blocks(page: Path) -> list[tuple[int, str]]:
    """``(line, code)`` of each ```python block of a Markdown page."""
    text = page.read_text(encoding="utf-8")
    return [(text.count("\n", 0, m.start()) + 2, m.group(1)) for m in _FENCE.finditer(text)]


def test_blocks_are_found():
    """The extraction finds the examples (README's included), so an empty run cannot pass."""
    readme = python_blocks(REPO / "README.md")
    assert readme and "import influence" in readme[0][1]
    assert sum(len(python_blocks(p)) for p in PAGES) >= 15


@pytest.fixture(scope="module")
def sector_files(tmp_path_factory):
    """coffee.db / blogs.db: a small synthetic sector (make_sector(seed=0, scale=0.1)), written once."""
    from influence.datasets import make_sector

    small = make_sector(seed=0, scale=0.1)
    folder = tmp_path_factory.mktemp("docs_sector")
    store = Store(folder / "small.db")
    try:
        store.write(small.records())
    finally:
        store.close()
    return small, folder / "small.db"


@pytest.fixture
def workdir(tmp_path, sector_files, demo_sector, demo_store_file, monkeypatch):
    """The folder the examples run in, and ``open_sector("demo")`` served from the session."""
    import influence
    import influence.sector

    small, db = sector_files
    work = tmp_path / "work"
    work.mkdir()
    if SHARED.exists():
        (tmp_path / "shared").symlink_to(SHARED, target_is_directory=True)
    shutil.copy(db, work / "coffee.db")
    shutil.copy(db, work / "blogs.db")
    lines = ['name = "coffee"', 'store = "coffee.db"', 'languages = ["es", "en"]',
             "keywords = [" + ", ".join(f'"{k}"' for k in small.keywords) + "]"]
    for c in small.competitors:
        lines += ["", "[[competitors]]", f'name = "{c["name"]}"',
                  "handles = [" + ", ".join(f'"{h}"' for h in c.get("handles", ())) + "]"]
    (work / "coffee.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with open(work / "interactions.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["source", "target", "kind", "timestamp"])
        w.writerow(["mastodon:@ana@cafes.example", "mastodon:@lucia@cafes.example", "reply", "2025-03-01T10:00:00Z"])
        w.writerow(["mastodon:@eva@cafes.example", "mastodon:@lucia@cafes.example", "mention", "2025-03-02T10:00:00Z"])

    real_open = influence.sector.open_sector

    def open_sector(spec, *args, **kwargs):
        if str(spec) == "demo" and not args and kwargs.get("seed", 0) == 0:
            # its own Store object (an example may close it), over the read-only session file
            return dataclasses.replace(demo_sector, store=Store(demo_store_file, readonly=True))
        return real_open(spec, *args, **kwargs)

    monkeypatch.setattr(influence.sector, "open_sector", open_sector)
    monkeypatch.setattr(influence, "open_sector", open_sector)
    monkeypatch.chdir(work)
    return work


def _run_doctest(code: str, ns: dict, name: str, line: int) -> None:
    test = doctest.DocTestParser().get_doctest(code, ns, name, name, line)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    out: list[str] = []
    runner.run(test, out=out.append, clear_globs=False)
    ns.update(test.globs)  # DocTest runs in a copy: later blocks see what this one defined
    if runner.failures:
        pytest.fail("".join(out), pytrace=False)


_WITH_EXAMPLES = [p for p in PAGES if _FENCE.search(p.read_text(encoding="utf-8"))
                  and p.name not in RUN_ELSEWHERE]


@pytest.mark.parametrize("page", sorted(RUN_ELSEWHERE))
def test_page_run_elsewhere(page):
    """A page left out here is run by the test named in RUN_ELSEWHERE."""
    test_file, text = RUN_ELSEWHERE[page]
    assert (REPO / "docs" / page).is_file()
    assert text in (REPO / "tests" / test_file).read_text(encoding="utf-8")


@pytest.mark.parametrize("page", _WITH_EXAMPLES, ids=[p.name for p in _WITH_EXAMPLES])
def test_page_examples_run(page, request):
    blocks = python_blocks(page)
    if any("../shared" in code for _, code in blocks) and not SHARED.exists():
        pytest.skip(f"{SHARED} not found: the examples of {page.name} read ../shared")
    if page.name in KNOWN_DRIFT:
        request.applymarker(pytest.mark.xfail(reason=KNOWN_DRIFT[page.name], strict=True))
    request.getfixturevalue("workdir")
    ns: dict = {"__name__": f"docs_{page.stem}"}
    ran = 0
    # an example may read a file with json.load(open(...)), as one does at a prompt: the
    # ResourceWarning of the unclosed file is not the example failing
    stack = contextlib.ExitStack()
    stack.enter_context(warnings.catch_warnings())
    warnings.simplefilter("ignore", ResourceWarning)
    with stack:
        ran = _run_blocks(page, blocks, ns)
    assert ran or all(any(p == page.name and t in c for (p, t) in NEEDS_NETWORK) for _, c in blocks)


def _run_blocks(page: Path, blocks: list[tuple[int, str]], ns: dict) -> int:
    ran = 0
    for line, code in blocks:
        where = f"{page.relative_to(REPO)}:{line}"
        if any(p == page.name and text in code for (p, text) in NEEDS_NETWORK):
            continue
        if code.lstrip().startswith(">>>"):
            _run_doctest(code, ns, where, line - 1)
        else:
            try:
                exec(compile(code, where, "exec"), ns)  # noqa: S102 - the page's own example
            except Exception as exc:  # noqa: BLE001 - any error of the example fails the test
                frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == where]
                at = f" (line {line + frames[-1].lineno - 1} of the page)" if frames else ""
                pytest.fail(f"{where}: the example raised {type(exc).__name__}{at}: {exc}", pytrace=False)
        ran += 1
    gc.collect()  # files an example left open are closed here, under the filter above
    return ran
