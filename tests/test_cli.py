"""The CLI: exit codes, stdout/stderr separation, formats, manifests."""

import json
import subprocess
import sys

import networkx as nx
import pytest
from click.testing import CliRunner

from influence.store import Store
from influence_cli import cli

KEYS = {"rank", "actor", "name", "platform", "score", "why"}

#: the commands run on "demo" in-process get the session's demo (conftest.session_demo)
pytestmark = pytest.mark.usefixtures("session_demo")


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def csv_file(tmp_path):
    rows = ["source,target,kind,timestamp"]
    rows += [f"u{i},leader,reply,2026-01-{i + 1:02d}T10:00:00Z" for i in range(9)]
    rows += [f"u{i},second,mention,2026-01-{i + 1:02d}T11:00:00Z" for i in range(4)]
    rows += ["leader,second,reshare,2026-01-10T10:00:00Z", "second,leader,like,"]
    p = tmp_path / "interactions.csv"
    p.write_text("\n".join(rows) + "\n")
    return p


def test_demo_json_is_pure_and_deterministic(runner):
    r1 = runner.invoke(cli, ["demo", "--format", "json"])
    r2 = runner.invoke(cli, ["demo", "--format", "json"])
    assert r1.exit_code == 0, r1.output
    data = json.loads(r1.stdout)  # stdout is pure JSON; messages went to stderr
    assert isinstance(data, list) and len(data) >= 20
    assert all(KEYS <= set(row) for row in data)
    assert [row["rank"] for row in data] == list(range(1, len(data) + 1))
    assert r1.stdout == r2.stdout
    assert "Sector demo" in r1.stderr


def test_demo_finds_planted_leaders(runner, demo_data):
    truth = demo_data.truth
    data = json.loads(runner.invoke(cli, ["demo", "--format", "json", "--top", "20"]).stdout)
    top = {row["actor"] for row in data}
    planted = set(truth.leaders)
    assert len(top & planted) >= 0.6 * min(20, len(planted))
    assert not top & set(truth.bots) and not top & set(truth.broadcasters)


def test_import_twice_changes_nothing(runner, tmp_path, csv_file):
    db = tmp_path / "s.db"
    r = runner.invoke(cli, ["import", str(db), str(csv_file)])
    assert r.exit_code == 0, r.output
    counts = Store(db).counts()
    assert counts == {"actors": 11, "posts": 0, "interactions": 15}
    r = runner.invoke(cli, ["import", str(db), str(csv_file)])
    assert r.exit_code == 0 and Store(db).counts() == counts
    assert "new in store: 0 actors, 0 posts, 0 interactions" in r.stderr


def test_malformed_row_7_exit_2_store_unchanged(runner, tmp_path, csv_file):
    db = tmp_path / "s.db"
    runner.invoke(cli, ["import", str(db), str(csv_file)])
    before = Store(db).counts()
    lines = csv_file.read_text().splitlines()
    lines[6] = "u5,leader,reply,not-a-date"  # line 7 of the file
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join([lines[0]] + [x.replace("u", "v") for x in lines[1:]]) + "\n")
    r = runner.invoke(cli, ["import", str(db), str(bad)])
    assert r.exit_code == 2
    assert "line 7" in r.stderr and "Traceback" not in r.output
    assert len(r.stderr.strip().splitlines()) == 1
    assert Store(db).counts() == before
    r = runner.invoke(cli, ["import", str(db), str(bad), "--skip-bad-rows"])
    assert r.exit_code == 0 and "1 bad row skipped" in r.stderr


def test_rank_top_zero_lists_everyone(runner, tmp_path, csv_file):
    db = tmp_path / "s.db"
    runner.invoke(cli, ["import", str(db), str(csv_file)])
    r = runner.invoke(cli, ["rank", str(db), "--format", "json", "--top", "0", "--set", "measures.in_strength=1"])
    data = json.loads(r.stdout)
    assert len(data) == 11 and data[0]["actor"] == "import:leader"
    assert data[0]["measures"]["in_strength"]["value"] == pytest.approx(9 * 0.8 + 0.3)
    assert data[0]["received"] == {"reply": 9, "like": 1}
    r = runner.invoke(cli, ["rank", str(db), "--format", "json", "--top", "3"])
    assert len(json.loads(r.stdout)) == 3


def test_formats(runner, tmp_path, csv_file):
    db = tmp_path / "s.db"
    runner.invoke(cli, ["import", str(db), str(csv_file)])
    r = runner.invoke(cli, ["shortlist", str(db), "--format", "csv", "--top", "2"])
    lines = r.stdout.splitlines()
    assert lines[0] == "rank,actor,name,platform,score,why" and lines[1].startswith("1,import:leader,")
    r = runner.invoke(cli, ["shortlist", str(db), "--format", "table", "--top", "2"])
    assert r.stdout.splitlines()[0].split() == ["rank", "actor", "name", "platform", "score", "why"]
    r = runner.invoke(cli, ["shortlist", str(db), "--format", "jsonl"])
    assert [json.loads(line)["rank"] for line in r.stdout.splitlines()][:2] == [1, 2]


def test_output_file_gets_manifest(runner, tmp_path, csv_file):
    db = tmp_path / "s.db"
    runner.invoke(cli, ["import", str(db), str(csv_file)])
    out = tmp_path / "short.json"
    r = runner.invoke(cli, ["shortlist", str(db), "-o", str(out), "--set", "pagerank.alpha=0.9"])
    assert r.exit_code == 0 and r.stdout == ""
    assert json.loads(out.read_text())[0]["actor"] == "import:leader"
    m = json.loads((tmp_path / "short.json.manifest.json").read_text())
    assert m["config"]["pagerank"]["alpha"] == 0.9 and m["store_fingerprint"] == Store(db).fingerprint()
    assert m["command"] == "shortlist" and m["influence_version"]


def test_set_overrides_and_errors(runner):
    r = runner.invoke(cli, ["rank", "demo", "--format", "json", "--top", "5", "--no-communities",
                            "--set", "measures.pagerank=1", "--set", "measures.in_degree=0",
                            "--set", "measures.katz=0", "--set", "measures.hits_authority=0"])
    assert r.exit_code == 0
    assert set(json.loads(r.stdout)[0]["measures"]) == {"pagerank"}
    r = runner.invoke(cli, ["rank", "demo", "--set", "measures.pagerank=high"])
    assert r.exit_code == 2 and "measures.pagerank" in r.stderr and "Traceback" not in r.output
    r = runner.invoke(cli, ["rank", "demo", "--set", "pagerank.gamma=1"])
    assert r.exit_code == 2 and "unknown key pagerank.gamma" in r.stderr


def test_sector_file_errors(runner, tmp_path):
    bad = tmp_path / "sector.toml"
    bad.write_text('name = "x"\n[ranking.measures]\npagerank = "high"\n')
    r = runner.invoke(cli, ["rank", str(bad)])
    assert r.exit_code == 2
    assert 'sector.toml: ranking.measures.pagerank must be a number >= 0, got "high"' in r.stderr
    r = runner.invoke(cli, ["rank", str(tmp_path / "missing.toml")])
    assert r.exit_code == 2 and "no such sector file" in r.stderr
    r = runner.invoke(cli, ["rank", str(tmp_path / "missing.db")])
    assert r.exit_code == 2 and "no store yet" in r.stderr
    r = runner.invoke(cli, ["import", str(tmp_path / "s.db"), str(tmp_path / "nofile.csv")])
    assert r.exit_code == 2 and "no such file" in r.stderr
    r = runner.invoke(cli, ["import", "demo", str(bad)])
    assert r.exit_code == 2 and "demo" in r.stderr


def test_sector_file_workflow(runner, tmp_path, csv_file):
    sector = tmp_path / "coffee.toml"
    sector.write_text('name = "coffee"\n[[competitors]]\nname = "Leader Inc"\nhandles = ["import:leader"]\n')
    r = runner.invoke(cli, ["import", str(sector), str(csv_file)])
    assert r.exit_code == 0 and (tmp_path / "coffee.db").exists()
    data = json.loads(runner.invoke(cli, ["shortlist", str(sector), "--format", "json"]).stdout)
    assert "import:leader" not in {d["actor"] for d in data}  # a competitor, excluded
    data = json.loads(runner.invoke(cli, ["shortlist", str(sector), "--format", "json", "--set",
                                          "filters.exclude_competitors=false"]).stdout)
    assert data[0]["actor"] == "import:leader"


def test_config_file(runner, tmp_path, csv_file):
    db = tmp_path / "s.db"
    runner.invoke(cli, ["import", str(db), str(csv_file)])
    cfg = tmp_path / "rank.toml"
    cfg.write_text('[ranking.graph]\nkinds = ["mention"]\n')
    data = json.loads(runner.invoke(cli, ["shortlist", str(db), "--config", str(cfg), "--format", "json"]).stdout)
    assert data[0]["actor"] == "import:second"
    cfg.write_text('[ranking.pagerank]\nalpha = "x"\n')
    r = runner.invoke(cli, ["shortlist", str(db), "--config", str(cfg)])
    assert r.exit_code == 2 and "rank.toml: pagerank.alpha" in r.stderr


def test_export_graphml_round_trip(runner, tmp_path):
    out = tmp_path / "g.graphml"
    r = runner.invoke(cli, ["export", "demo", "--format", "graphml", "-o", str(out)])
    assert r.exit_code == 0, r.output
    import influence

    sector = influence.open_sector("demo")
    G = influence.build_graph(sector.store, sector.ranking, competitors=sector.competitor_map())
    H = nx.read_graphml(out)
    assert (H.number_of_nodes(), H.number_of_edges()) == (G.number_of_nodes(), G.number_of_edges())
    u, v, d = next(iter(G.edges(data=True)))
    assert H.edges[u, v]["weight"] == pytest.approx(d["weight"])
    assert {k for k in H.edges[u, v] if k.startswith("n_")} == {k for k in d if k.startswith("n_")}
    assert json.loads(H.graph["influence_manifest"])["command"] == "export graphml"
    assert (tmp_path / "g.graphml.manifest.json").exists()


@pytest.mark.parametrize("fmt", ["gexf", "csv", "json"])
def test_export_other_formats(runner, tmp_path, fmt):
    out = tmp_path / f"g.{fmt}"
    r = runner.invoke(cli, ["export", "demo", "-o", str(out)])
    assert r.exit_code == 0, r.output
    if fmt == "gexf":
        assert nx.read_gexf(out).number_of_edges() > 10_000
    elif fmt == "csv":
        header = out.read_text().splitlines()[0].split(",")
        assert header[:4] == ["source", "target", "weight", "count"] and "n_reply" in header
    else:
        assert len(json.loads(out.read_text())["edges"]) > 10_000


def test_export_needs_known_format(runner, tmp_path):
    r = runner.invoke(cli, ["export", "demo", "-o", str(tmp_path / "g.xyz")])
    assert r.exit_code == 2 and "cannot tell the format" in r.stderr


def test_every_command_has_help_with_example(runner):
    for name, cmd in cli.commands.items():
        r = runner.invoke(cli, [name, "--help"])
        assert r.exit_code == 0 and "Example" in r.stdout, name
        assert cmd.help and cmd.short_help != "", name


def test_help_does_not_import_heavy_modules():
    code = ("import sys; from click.testing import CliRunner; from influence_cli import cli; "
            "CliRunner().invoke(cli, ['--help']); "
            "print(sorted(m for m in ('networkx', 'scipy', 'sklearn', 'numpy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_broken_pipe_is_quiet(tmp_path):
    """`influence demo --format csv | head -1` prints no traceback."""
    proc = subprocess.run(
        f"{sys.executable} -m influence demo --format csv --top 0 | head -1",
        shell=True, capture_output=True, text=True,
    )
    assert proc.stdout.startswith("rank,actor")
    assert "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr


def test_python_dash_m_and_version():
    out = subprocess.run([sys.executable, "-m", "influence", "--version"], capture_output=True, text=True)
    import influence

    assert out.returncode == 0 and influence.__version__ in out.stdout


def test_cli_reference_is_up_to_date():
    """docs/cli-reference.md is generated from --help; regenerate it when a command changes."""
    from pathlib import Path

    from influence_cli._reference import reference

    doc = Path(__file__).resolve().parents[1] / "docs" / "cli-reference.md"
    assert doc.read_text(encoding="utf-8") == reference(), (
        "run: python -m influence_cli._reference > docs/cli-reference.md"
    )


def test_failed_first_import_leaves_no_store(runner, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("source,target,kind,timestamp\na,b,poke,\n")
    db = tmp_path / "new.db"
    r = runner.invoke(cli, ["import", str(db), str(bad)])
    assert r.exit_code == 2 and "line 2" in r.stderr
    assert not db.exists() and not (tmp_path / "new.db-wal").exists()


def test_per_community_shortlist_carries_community_label_and_role(runner, demo_data):
    r = runner.invoke(cli, ["shortlist", "demo", "--per-community", "3", "--format", "json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    comms = {}
    for row in data:
        assert row["community"] is not None and row["community_label"] and row["role"]
        comms.setdefault(row["community"], []).append(row["rank"])
    assert len(comms) >= 5 and all(len(v) <= 3 for v in comms.values())
    assert all(v == sorted(v) for v in comms.values())  # best first within a community
    truth = demo_data.truth
    leaders = {row["actor"] for row in data}
    assert len(leaders & set(truth.leaders)) >= 10  # the planted leaders of each community


def test_rank_json_carries_community_ids(runner):
    data = json.loads(runner.invoke(cli, ["rank", "demo", "--format", "json", "--top", "0", "-q"]).stdout)
    assert all(isinstance(row["community"], int) for row in data)
    assert len({row["community"] for row in data}) >= 5
    assert any("communities" in row["why"] for row in data[:10])
    off = json.loads(runner.invoke(cli, ["rank", "demo", "--format", "json", "--top", "3", "-q",
                                         "--no-communities"]).stdout)
    assert all(row["community"] is None for row in off)


def test_same_output_whatever_the_hash_seed():
    """Same data + config + seed = identical output, also across processes with different
    PYTHONHASHSEED (set iteration order of strings changes with it; communities must not)."""
    import os

    outs = set()
    for h in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": h}
        proc = subprocess.run([sys.executable, "-m", "influence", "rank", "demo", "--format", "json", "-q",
                               "--top", "50", "--set", "measures.reach_diversity=0.5"],
                              capture_output=True, text=True, env=env, check=True)
        outs.add(proc.stdout)
    assert len(outs) == 1


def test_reach_strategy_picks_with_gains_and_overlaps(runner):
    args = ["shortlist", "demo", "--top", "10", "--strategy", "reach", "--format", "json", "-q"]
    r1, r2 = runner.invoke(cli, args), runner.invoke(cli, args)
    assert r1.exit_code == 0, r1.output
    assert r1.stdout == r2.stdout  # deterministic for a seed
    rows = json.loads(r1.stdout)
    assert len(rows) == 10 and [r["rank"] for r in rows] == list(range(1, 11))
    gains = [r["marginal_gain"] for r in rows]
    assert gains == sorted(gains, reverse=True) and gains[-1] > 0  # greedy on a submodular reach
    reach = [r["expected_reach"] for r in rows]
    assert all(abs(b - a - g) < 1e-2 for a, b, g in zip(reach, reach[1:], gains[1:]))
    assert rows[0]["overlap"] == 0 and all(0 <= r["overlap"] <= 1 for r in rows)
    assert len({r["community"] for r in rows[:5]}) == 5  # the first picks spread over communities


def test_roles_column_in_table_and_csv_holds_each_actors_role(runner, demo_sector):
    """``--roles`` adds a ``role`` column to every format, the role the analysis assigned."""
    import csv
    import io

    from influence.pipeline import analyze

    roles = analyze(demo_sector).roles().roles
    r = runner.invoke(cli, ["shortlist", "demo", "--roles", "--top", "0", "-q", "-f", "csv"])
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert list(rows[0]) == ["rank", "actor", "name", "platform", "score", "role", "why"]
    assert all(row["role"] == roles[row["actor"]] for row in rows)
    assert {"hub", "broadcaster", "lurker"} <= {row["role"] for row in rows}
    table = runner.invoke(cli, ["shortlist", "demo", "--roles", "--top", "3", "-q", "-f", "table"]).stdout
    header, _, *lines = table.splitlines()
    assert header.split()[:6] == ["rank", "actor", "name", "platform", "score", "role"]
    assert [line.split("  ")[0] for line in lines] == ["1", "2", "3"]
    assert all(f"  {roles[row['actor']]}  " in line for row, line in zip(rows, lines))
    plain = runner.invoke(cli, ["shortlist", "demo", "--top", "3", "-q", "-f", "csv"]).stdout
    assert "role" not in plain.splitlines()[0]


@pytest.mark.parametrize("strategy", ["reach", "diverse"])
def test_roles_with_the_reach_strategies(runner, demo_sector, strategy):
    from influence.pipeline import analyze

    roles = analyze(demo_sector).roles().roles
    args = ["shortlist", "demo", "--roles", "--top", "4", "-q", "--strategy", strategy, "--runs", "50"]
    rows = json.loads(runner.invoke(cli, [*args, "-f", "json"]).stdout)
    assert len(rows) == 4 and all(row["role"] == roles[row["actor"]] for row in rows)
    assert list(rows[0])[5:7] == ["community", "role"]
    r = runner.invoke(cli, [*args, "-f", "csv"])
    assert r.exit_code == 0, r.output
    header, *lines = r.stdout.splitlines()
    assert header.split(",")[5:7] == ["community", "role"]
    assert [line.split(",")[6] for line in lines] == [row["role"] for row in rows]


@pytest.mark.parametrize("name,content,args", [
    ("empty.jsonl", b"", ()), ("empty.json", b"", ()), ("empty.csv", b"", ()), ("empty.car", b"", ()),
    ("empty.jsonl", b"", ("--input-format", "twarc2")), ("empty.jsonl", b"", ("--input-format", "reddit")),
    ("blank.jsonl", b"\n  \n", ()), ("empty.jsonl.gz", b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff\x03\x00"
                                              b"\x00\x00\x00\x00\x00\x00\x00\x00", ()),
])
def test_import_of_an_empty_file_is_refused(runner, tmp_path, name, content, args):
    path = tmp_path / name
    path.write_bytes(content)
    db = tmp_path / "s.db"
    r = runner.invoke(cli, ["import", str(db), str(path), *args])
    assert r.exit_code == 2 and r.stderr == f"Error: {path}: empty file, nothing imported\n"
    assert not db.exists()


def test_import_reads_header_names_in_any_letter_case(runner, tmp_path):
    """Gephi's edge table header (Source,Target,Type,Id,Label,Weight) and a capitalised Kind."""
    path = tmp_path / "edges.csv"
    path.write_text("Source,Target,Kind,Type,Id,Weight\na,b,Reply,Directed,0,2\nb,c,mention,Directed,1,1\n")
    db = tmp_path / "s.db"
    r = runner.invoke(cli, ["import", str(db), str(path)])
    assert r.exit_code == 0, r.output
    assert "2 interactions rows read" in r.stderr and "ignored unknown columns: Id, Type" in r.stderr
    with Store(db) as store:
        got = sorted((i.source, i.target, i.kind.value, i.weight) for i in store.interactions())
    assert got == [("import:a", "import:b", "reply", 2.0), ("import:b", "import:c", "mention", 1.0)]
    both = tmp_path / "both.csv"  # an exact name wins over another letter case
    both.write_text("source,target,Kind,kind\na,b,reply,like\n")
    assert runner.invoke(cli, ["import", str(db), str(both)]).exit_code == 0
    with Store(db) as store:
        assert ("import:a", "import:b", "like") in {(i.source, i.target, i.kind.value)
                                                    for i in store.interactions()}


def test_import_error_quotes_a_long_first_line_short(runner, tmp_path):
    path = tmp_path / "comments.ndjson"
    path.write_text(json.dumps({"id": "c1", "body": "x" * 2000, "author": "ana"}) + "\n")
    r = runner.invoke(cli, ["import", str(tmp_path / "s.db"), str(path), "--input-format", "csv"])
    assert r.exit_code == 2 and len(r.stderr.splitlines()) == 1
    assert "cannot tell what this file holds" in r.stderr and r.stderr.endswith(" ...\n")
    assert len(r.stderr.split("; got ", 1)[1]) <= 81


def test_a_competitor_handle_nobody_has_is_warned_about_by_rank_and_shortlist(runner, tmp_path):
    """A typo in a competitor's handle silently did nothing: the brand's real account was ranked
    as anyone else's. rank and shortlist now say so on stderr (not an error: exit 0)."""
    (tmp_path / "i.csv").write_text("source,target,kind\n" + "".join(
        f"u{i},{t},mention\n" for i in range(6) for t in ("brandco", "ana")))

    def sector(handle):
        p = tmp_path / f"{handle}.toml"
        p.write_text(f'name = "s"\nstore = "s.db"\n[[competitors]]\nname = "Brand"\n'
                     f'handles = ["import:{handle}"]\n')
        return str(p)

    r = runner.invoke(cli, ["import", sector("brandco"), str(tmp_path / "i.csv"), "-q"])
    assert r.exit_code == 0, r.output
    for command in ("rank", "shortlist"):
        typo = runner.invoke(cli, [command, sector("brandcoo"), "-f", "json"])
        assert typo.exit_code == 0, typo.output
        assert ("Warning: competitor Brand: handle import:brandcoo matches no actor in the store "
                "(did you mean import:brandco?)") in typo.stderr
        assert "import:brandco" in [row["actor"] for row in json.loads(typo.stdout)]  # not excluded
        right = runner.invoke(cli, [command, sector("brandco"), "-f", "json"])
        assert right.exit_code == 0 and "Warning" not in right.stderr
        assert "import:brandco" not in [row["actor"] for row in json.loads(right.stdout)]
    for handle, warned in (("brandcoo", True), ("brandco", False)):
        r = runner.invoke(cli, ["report", sector(handle), "-o", str(tmp_path / f"{handle}.html")])
        assert r.exit_code == 0, r.output
        assert ("did you mean import:brandco?" in r.stderr) is warned
