"""The manifest's store fingerprint, hashed in a child process beside the analysis
(``influence.manifest.prefetch_fingerprint``): the same digest as computed inline, the store left
as it was, and the inline computation whenever the child cannot be trusted."""

from __future__ import annotations

import hashlib
import json

import pytest
from click.testing import CliRunner
from influence_cli import cli

from influence import manifest
from influence.records import Interaction
from influence.store import Store


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def store_path(tmp_path):
    rows = "".join(f"u{i % 37},u{(i * 7) % 41},reply,{1_700_000_000 + i}\n" for i in range(400))
    (tmp_path / "e.csv").write_text("source,target,kind,timestamp\n" + rows, encoding="utf-8")
    r = CliRunner().invoke(cli, ["import", str(tmp_path / "s.db"), str(tmp_path / "e.csv"), "-q"])
    assert r.exit_code == 0, r.output
    return tmp_path / "s.db"


def test_cli_manifest_fingerprint_from_the_child(store_path, tmp_path, monkeypatch):
    monkeypatch.setattr(manifest, "PREFETCH_MIN_INTERACTIONS", 1)
    started = []
    real = manifest.prefetch_fingerprint
    monkeypatch.setattr(manifest, "prefetch_fingerprint", lambda store: started.append(real(store)) or started[-1])
    before = _digest(store_path)
    out = tmp_path / "top.json"
    r = CliRunner().invoke(cli, ["shortlist", str(store_path), "--top", "5", "-f", "json", "-q", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert started == [True]  # the child ran
    got = json.loads((tmp_path / "top.json.manifest.json").read_text())["store_fingerprint"]
    with Store(store_path, readonly=True) as s:
        assert got == s.fingerprint()
    assert _digest(store_path) == before  # a read command writes nothing, not even a cache
    assert sorted(p.name for p in tmp_path.iterdir()) == ["e.csv", "s.db", "top.json", "top.json.manifest.json"]


def test_small_stores_and_writable_ones_start_no_child(store_path, monkeypatch):
    with Store(store_path, readonly=True) as s:
        assert manifest.prefetch_fingerprint(s) is False  # 400 interactions: under the default
    monkeypatch.setattr(manifest, "PREFETCH_MIN_INTERACTIONS", 1)
    with Store(store_path) as s:
        assert manifest.prefetch_fingerprint(s) is False  # writable: fingerprint() caches it
    with Store(":memory:") as s:
        assert manifest.prefetch_fingerprint(s) is False


def test_a_write_after_the_start_or_a_dead_child_means_inline(store_path, monkeypatch):
    monkeypatch.setattr(manifest, "PREFETCH_MIN_INTERACTIONS", 1)
    with Store(store_path, readonly=True) as s:
        assert manifest.prefetch_fingerprint(s) is True
        child = manifest._PENDING[id(s)][1][0]
        child.kill()
        assert manifest._fingerprint(s) == s.fingerprint()
        assert id(s) not in manifest._PENDING
        assert manifest.prefetch_fingerprint(s) is True
        with Store(store_path) as w:  # a crawler commits while the analysis runs
            w.write([Interaction("import:new", "import:u1", "mention")])
        after = manifest._fingerprint(s)
    with Store(store_path, readonly=True) as s:
        assert after == s.fingerprint()  # the new data's digest, not the child's of the old
