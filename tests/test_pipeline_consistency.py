"""Issue 15: the same community gets the same label from every command and from the report."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from influence_cli import cli

from .conftest import SHARED

# the commands and analyses run on "demo" read the session's demo (conftest), not a new one
pytestmark = pytest.mark.usefixtures("session_demo")


def _labels(args):
    r = CliRunner().invoke(cli, args)
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


@pytest.mark.parametrize("network", ["demo", "polblogs"])
def test_community_labels_agree_between_commands(tmp_path, network):
    if network == "demo":
        sector = "demo"
    else:
        path = SHARED / "datasets" / "polblogs" / "polblogs.gml"
        if not path.exists():
            pytest.skip(f"{path} not found")
        sector = str(tmp_path / "polblogs.db")
        r = CliRunner().invoke(cli, ["import", sector, str(path), "--platform", "web", "--kind", "link", "-q"])
        assert r.exit_code == 0, r.output
    communities = {c["id"]: c["label"] for c in _labels(["communities", sector, "-f", "json", "-q"])}
    shortlist = _labels(["shortlist", sector, "--per-community", "2", "-f", "json", "-q"])
    assert len({e["community"] for e in shortlist}) >= 3
    for e in shortlist:
        assert e["community_label"] == communities[e["community"]], e["actor"]
    if network == "polblogs":  # the demo's report is checked in test_report.py (built once there)
        import influence
        from influence.report import build_report

        with influence.open_sector(sector) as sec:
            data = build_report(sec, top=10, map_nodes=50, reach_runs=20)
        assert {c.id: c.label for c in data.communities} == communities
        assert all(row.community_label == communities[row.community] for row in data.shortlist)
