"""What the package imports is declared in pyproject.toml (core or an optional extra)."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
from pathlib import Path

import pytest

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
FIRST_PARTY = {"influence", "influence_cli"}


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_name(req: str) -> str:
    return _norm(re.split(r"[\s<>=!~;\[(]", req.strip(), maxsplit=1)[0])


def _imported_modules() -> dict[str, set[str]]:
    """Top-level names of every absolute import in influence/ and cli/ -> the files importing them."""
    found: dict[str, set[str]] = {}
    for folder in ("influence", "cli"):
        for path in (ROOT / folder).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    top = name.partition(".")[0]
                    if top not in sys.stdlib_module_names and top not in FIRST_PARTY:
                        found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


def _distribution(module: str, installed: dict[str, list[str]]) -> str:
    """The distribution that provides ``module`` (its own name when it is not installed)."""
    dists = installed.get(module)
    return _norm(dists[0]) if dists else _norm(module)


def test_every_third_party_import_is_declared():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {_requirement_name(r) for r in project["dependencies"]}
    for reqs in project.get("optional-dependencies", {}).values():
        declared |= {_requirement_name(r) for r in reqs}
    installed = importlib.metadata.packages_distributions()
    imports = _imported_modules()
    assert {"sklearn", "networkx", "protego"} <= set(imports)  # the scan sees real imports
    missing = {f"{_distribution(m, installed)} (imported as {m} in {', '.join(sorted(files))})"
               for m, files in imports.items() if _distribution(m, installed) not in declared}
    assert missing == set()


def test_pandas_is_an_extra_not_a_core_dependency():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert "pandas" not in {_requirement_name(r) for r in project["dependencies"]}
    assert [_requirement_name(r) for r in project["optional-dependencies"]["pandas"]] == ["pandas"]


def test_to_dataframe_names_the_extra_when_pandas_is_missing(monkeypatch):
    import builtins

    from influence.competitors._common import dataframe

    real_import = builtins.__import__

    def no_pandas(name, *args, **kwargs):
        if name == "pandas":
            raise ImportError("no pandas")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pandas)
    with pytest.raises(ImportError, match=r"pip install 'influence\[pandas\]'"):
        dataframe([{"a": 1}])
