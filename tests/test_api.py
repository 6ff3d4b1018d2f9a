"""The public API: every re-exported name resolves, and importing the package stays light."""

import subprocess
import sys

import influence


def test_exported_members():
    for name in influence.__all__:
        assert getattr(influence, name) is not None, name
    for verb in ("open_sector", "build_graph", "rank", "shortlist", "RankingConfig", "import_file",
                 "export_graph", "Store", "load_sector"):
        assert verb in influence.__all__
    assert callable(influence.datasets.make_sector)


def test_unknown_attribute():
    import pytest

    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        influence.nope  # noqa: B018


def test_import_is_light():
    code = "import sys, influence; print(sorted(m for m in ('networkx', 'scipy', 'sklearn', 'numpy') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_python_api_end_to_end():
    sector = influence.open_sector("demo")
    G = influence.build_graph(sector.store, sector.ranking, competitors=sector.competitor_map())
    result = influence.rank(G, sector.ranking)
    top = influence.shortlist(result, top=10)
    assert len(top) == 10 and [e.rank for e in top] == list(range(1, 11))
    assert all(not e.competitor for e in result)  # brands excluded by default
    sector.close()
