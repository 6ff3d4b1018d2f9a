"""influence.analyze (issue 15, item 1): one Python call gives what each command prints.

Each test runs a command with ``-f json`` and compares its parsed output, for equality, with the
documented call of :mod:`influence.pipeline`; on the demo and on polblogs (a web link graph of
1,490 blogs, read from ../shared).
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from influence_cli import cli

import influence
from influence.errors import ConfigError
from influence.pipeline import Analysis, Shortlist

from .conftest import shared_path

# the commands and analyses run on "demo" read the session's demo (conftest), not a new one
pytestmark = pytest.mark.usefixtures("session_demo")

NETWORKS = ["demo", "polblogs"]


def _cli(*args) -> object:
    r = CliRunner().invoke(cli, [*args, "-f", "json", "-q"])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


@pytest.fixture(scope="module")
def sectors(tmp_path_factory):
    """SECTOR argument -> its analysis (built lazily, once per module)."""
    made: dict = {}

    def get(network: str) -> tuple[str, Analysis]:
        if network not in made:
            if network == "demo":
                spec = "demo"
            else:
                gml = shared_path("datasets", "polblogs", "polblogs.gml")
                spec = str(tmp_path_factory.mktemp("polblogs") / "polblogs.db")
                r = CliRunner().invoke(cli, ["import", spec, str(gml), "--platform", "web", "--kind", "link", "-q"])
                assert r.exit_code == 0, r.output
            made[network] = (spec, influence.analyze(spec))
        return made[network]

    yield get
    for _, analysis in made.values():
        analysis.close()


@pytest.mark.parametrize("network", NETWORKS)
def test_rank_is_the_ranking(sectors, network):
    spec, a = sectors(network)
    assert _cli("rank", spec, "--top", "30") == a.ranking.to_records(30)


@pytest.mark.parametrize("network", NETWORKS)
def test_shortlist_by_score(sectors, network):
    spec, a = sectors(network)
    rows = a.shortlist(10).to_records()
    assert _cli("shortlist", spec, "--top", "10") == rows
    assert len(rows) == 10 and all(r["community"] is not None for r in rows)


@pytest.mark.parametrize("network", NETWORKS)
def test_shortlist_strategy_reach(sectors, network):
    spec, a = sectors(network)
    picked = a.shortlist(10, strategy="reach")
    assert isinstance(picked, Shortlist) and picked.strategy == "reach" and len(picked) == 10
    assert _cli("shortlist", spec, "--strategy", "reach", "--top", "10") == picked.to_records()
    reach = [r["expected_reach"] for r in picked.rows]
    assert reach == sorted(reach) and reach[0] > 1


def test_reach_shortlist_with_roles_gives_each_pick_its_role(sectors):
    """Analysis.shortlist(roles=True) with the reach strategy: each pick's role is the one the
    roles assignment gives it, the same as the CLI's --roles (before, the library dropped it)."""
    spec, a = sectors("demo")
    rows = a.shortlist(5, strategy="reach", roles=True).to_records()
    assigned = a.roles()
    assert [r["role"] for r in rows] == [assigned.roles.get(r["actor"]) for r in rows]
    assert all(r["role"] for r in rows)
    cli_rows = _cli("shortlist", spec, "--strategy", "reach", "--top", "5", "--roles")
    assert [(r["actor"], r["role"]) for r in cli_rows] == [(r["actor"], r["role"]) for r in rows]


@pytest.mark.parametrize("network", NETWORKS)
def test_shortlist_per_community_with_the_communities_labels(sectors, network):
    spec, a = sectors(network)
    rows = a.shortlist(per_community=2).to_records()
    assert _cli("shortlist", spec, "--per-community", "2") == rows
    labels = a.labels()
    assert len({r["community"] for r in rows}) >= 2
    assert all(r["community_label"] == labels[r["community"]] and r["role"] for r in rows)


@pytest.mark.parametrize("network", NETWORKS)
def test_communities(sectors, network):
    spec, a = sectors(network)
    rows = a.communities()
    assert _cli("communities", spec) == rows
    assert {r["id"]: r["label"] for r in rows} == a.labels()
    assert sum(r["size"] for r in rows) == a.view.n


@pytest.mark.parametrize("network", NETWORKS)
def test_overlap(sectors, network):
    spec, a = sectors(network)
    table = a.overlap(top=6)
    assert _cli("overlap", spec, "--top", "6") == table.to_records()
    assert list(table.actors) == [e.actor for e in a.ranking.top(6)]
    for r in table.rows:  # the largest overlap is the row's maximum off the diagonal
        others = {b: v for b, v in r["overlap"].items() if b != r["actor"]}
        assert r["max_overlap"] == max(others.values())
    named = a.overlap(table.actors[:3], weighted=True)
    assert _cli("overlap", spec, *table.actors[:3], "--weighted") == named.to_records()


def test_overlap_shared_givers_are_counted(sectors):
    from influence.reach import overlap

    _, a = sectors("demo")
    table = a.overlap(top=8)
    for r in table.rows:
        assert r["shared_with_max"] == overlap(a.view, r["actor"], r["max_with"]).shared


def test_competitors_on_the_demo(sectors):
    from influence.competitors import CompetitorConfig

    spec, a = sectors("demo")
    cmap = a.competitors(CompetitorConfig(n_topics=4, languages=a.sector.languages))
    # to_dict() holds tuples where JSON has lists: compare what it prints as
    assert _cli("competitors", spec, "--topics", "4") == json.loads(json.dumps(cmap.to_dict()))
    assert len(cmap.competitors) == 4


def test_competitors_without_competitors(sectors):
    spec, a = sectors("polblogs")
    with pytest.raises(ConfigError, match="declares no competitors"):
        a.competitors()
    r = CliRunner().invoke(cli, ["competitors", spec, "-f", "json"])
    assert r.exit_code == 2 and "declares no competitors" in r.stderr


# -- the flow ------------------------------------------------------------------------------------


def test_parts_are_computed_once_and_the_arrays_never_change(sectors):
    _, a = sectors("demo")
    before = dict(a.arrays.node_attrs)
    a.shortlist(per_community=2)
    a.shortlist(5, roles=True)
    assert a.partition() is a.partition(method="louvain", runs=10)
    assert a.ranking is a.ranking and a.summaries() is a.summaries()
    # annotations are columns of new views: the arrays and the plain view keep none of them
    assert a.arrays.node_attrs.keys() == before.keys()
    assert all(x is None for x in a.view.column("community"))
    part = a.partition()
    V = a.annotated_view(labels=True, roles=True)
    assert V.column("community") == [part.get(v) for v in V.nodes]
    assert V.column("community_label") == [a.labels().get(part.get(v)) for v in V.nodes]
    assert V.column("role") == [a.roles().roles.get(v) for v in V.nodes]
    assert V.arrays is a.arrays
    G = a.graph()  # networkx, for the summaries and roles; dropped and rebuilt on demand
    assert a.graph() is G and G.number_of_nodes() == a.view.n
    a.drop_graph()
    assert a.graph() is not G and sorted(a.graph().edges) == sorted(G.edges)


def test_no_communities_ranks_without_them():
    with influence.analyze("demo", communities=False) as a:
        rows = a.ranking.to_records(5)
        assert all(r["community"] is None for r in rows)
        with influence.analyze(a.sector, communities=True) as b:  # an open sector: not closed by b
            assert [r["actor"] for r in b.ranking.to_records(5)] == [r["actor"] for r in rows]
        assert a.sector.store is not None


def test_seed_and_config():
    with influence.analyze("demo", {"measures": {"pagerank": 1.0}}, seed=3) as a:
        assert a.seed == 3 and a.config.seed == 3
        assert a.config.measures["pagerank"] == 1.0  # RankingConfig.from_dict, as rank() reads a mapping
    with pytest.raises(ConfigError, match="seed"):
        influence.analyze("demo", seed=-1)
    with pytest.raises(TypeError, match="RankingConfig"):
        influence.analyze("demo", config=3)


def test_bad_options_are_config_errors(sectors):
    _, a = sectors("demo")
    with pytest.raises(ConfigError, match="per_community"):
        a.shortlist(per_community=2, strategy="reach")
    with pytest.raises(ConfigError, match="activation"):
        a.shortlist(activation=0.1)
    with pytest.raises(ConfigError, match="strategy"):
        a.shortlist(strategy="best")
    with pytest.raises(ConfigError, match="did you mean"):
        a.overlap([a.ranking.top(1)[0].actor, a.ranking.top(1)[0].actor[:-1]])
    with pytest.raises(ConfigError, match="at least two"):
        a.overlap([a.ranking.top(1)[0].actor])



def test_the_python_api_page_runs():
    """docs/python-api.md's examples, run as a doctest: the documented calls stay true
    (tests/test_docs_examples.py leaves this page to this test: RUN_ELSEWHERE)."""
    import doctest

    from .conftest import REPO

    result = doctest.testfile(str(REPO / "docs" / "python-api.md"), module_relative=False)
    assert result.failed == 0 and result.attempted >= 15


def test_no_networkx_graph_of_the_sector(monkeypatch):
    """Summaries, labels, roles and every shortlist read the view's arrays (issue 17 goal 2: at
    1M actors the networkx graph alone took several GB): building one fails the test."""
    import influence.graph
    import influence.measures

    def refuse(*args, **kwargs):
        raise AssertionError("a networkx graph of the sector was built")

    monkeypatch.setattr(influence.graph, "to_networkx", refuse)
    monkeypatch.setattr(influence.measures.GraphView, "networkx", refuse)
    with influence.analyze("demo") as a:
        rows = a.shortlist(per_community=2).to_records()
        assert rows and all(r["role"] and r["community_label"] for r in rows)
        assert a.communities(roles=True)[0]["leaders"][0]["role"]
        assert a.roles().counts()["hub"] > 0
        assert a._graph is None


@pytest.mark.parametrize("network", NETWORKS)
def test_reach_shortlist_selected_while_the_communities_are_detected(sectors, network):
    """The reach selection runs while the communities are detected in the background
    (Analysis.detect_ahead): the same rows, communities included, as one step after the other."""
    spec, _ = sectors(network)
    with influence.analyze(spec) as ahead, influence.analyze(spec) as serial:
        serial.detect_ahead = lambda: False
        rows = ahead.shortlist(10, strategy="reach").to_records()
        assert rows == serial.shortlist(10, strategy="reach").to_records()
        assert not ahead._detecting and ahead.partition() is ahead.partition()
        assert all(r["community"] is not None for r in rows)
        # known or under way: not started twice
        assert ahead.detect_ahead() is False


def test_an_error_of_the_background_detection_is_raised_by_partition(sectors, monkeypatch):
    import influence.communities as communities

    def broken(*args, **kwargs):
        raise ConfigError("resolution: broken on purpose", key="resolution")

    monkeypatch.setattr(communities, "detect_communities", broken)
    with influence.analyze("demo") as a:
        assert a.detect_ahead() is True
        with pytest.raises(ConfigError, match="broken on purpose"):
            a.partition()
