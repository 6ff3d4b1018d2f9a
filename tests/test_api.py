"""The public API: every re-exported name resolves, and importing the package stays light."""

import pathlib
import subprocess
import sys

import networkx as nx
import pytest

import influence


def test_exported_members():
    for name in influence.__all__:
        assert getattr(influence, name) is not None, name
    for verb in ("open_sector", "build_graph", "rank", "shortlist", "RankingConfig", "import_file",
                 "export_graph", "Store", "load_sector"):
        assert verb in influence.__all__
    assert callable(influence.datasets.make_sector)


def test_unknown_attribute():
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


# -- Python ergonomics (issue 15 item 6) -------------------------------------------------------------


def _sector_graph():
    """Two brands' accounts and four people; ``web:brand`` is a competitor."""
    G = nx.DiGraph()
    G.add_node("web:brand", platform="web", is_competitor=True, competitor="Brand")
    for v, p in [("web:ana", "web"), ("web:eva", "web"), ("mastodon:@luis@h.example", "mastodon"),
                 ("mastodon:@pia@h.example", "mastodon")]:
        G.add_node(v, platform=p)
    G.add_edges_from([("web:ana", "mastodon:@luis@h.example"), ("web:eva", "mastodon:@luis@h.example"),
                      ("mastodon:@pia@h.example", "web:eva"), ("web:ana", "web:eva"),
                      ("web:ana", "web:brand"), ("web:eva", "web:brand")])
    return G


def test_rank_accepts_a_mapping():
    G = nx.karate_club_graph()
    only_pagerank = {"measures": {"pagerank": 1.0, "in_degree": 0, "hits_authority": 0, "katz": 0}}
    from_map = influence.rank(G, only_pagerank)
    from_cfg = influence.rank(G, influence.RankingConfig.from_dict(only_pagerank))
    assert from_map.config == from_cfg.config != influence.RankingConfig()
    assert [e.actor for e in from_map][:5] == [e.actor for e in from_cfg][:5] == [33, 0, 32, 2, 1]
    assert set(from_map[0].measures) == {"pagerank"}


def test_rank_refuses_other_configs_by_name():
    G = nx.karate_club_graph()
    with pytest.raises(TypeError, match="RankingConfig, a mapping .* got list"):
        influence.rank(G, [("measures", {"pagerank": 1.0})])
    with pytest.raises(influence.ConfigError, match="nope"):
        influence.rank(G, {"measures": {"nope": 1.0}})


def test_result_lookup_by_actor_id():
    result = influence.rank(_sector_graph())
    assert [e.actor for e in result][:2] == ["mastodon:@luis@h.example", "web:eva"]
    e = result["web:eva"]
    assert e.actor == "web:eva" and e.rank == 2 and e is result[1]
    assert result.entry("web:eva") is result[1] and result.get("web:eva") is result[1]
    assert "web:eva" in result and result[0] in result and "web:nobody" not in result
    assert result.get("web:nobody") is None and result.get("web:nobody", 0) == 0
    with pytest.raises(KeyError, match="not in the ranked graph"):
        result["web:nobody"]
    # the competitor is in the graph, but the default filters leave it out of the ranking
    assert "web:brand" not in result and result.get("web:brand") is None
    with pytest.raises(KeyError, match="left out by the output filters \\(competitors\\)"):
        result.entry("web:brand")
    assert result.get(["unhashable"]) is None and ["unhashable"] not in result


def test_integer_actor_ids_are_found_by_get_and_entry():
    """Karate's nodes are integers: ``result[33]`` is the 34th entry, ``result.entry(33)`` is node 33."""
    result = influence.rank(nx.karate_club_graph())
    assert result[33].rank == 34 and result[33].actor != 33
    assert result.entry(33).actor == 33 and result.entry(33).rank == 1
    assert result.get(11).actor == 11 and result[result.get(11).rank - 1].actor == 11
    assert 33 in result and 34 not in result
    assert result[-1].rank == len(result) == 34
    assert [e.rank for e in result[:3]] == [1, 2, 3]
    import numpy as np

    assert result[np.int64(0)] is result[0]  # numpy integers are positions too


def test_shortlist_takes_one_platform_as_a_string():
    result = influence.rank(_sector_graph())
    one = influence.shortlist(result, platforms="web")
    assert [e.actor for e in one] == [e.actor for e in influence.shortlist(result, platforms=["web"])]
    assert [e.actor for e in one] == ["web:eva", "web:ana"] and [e.rank for e in one] == [1, 2]
    assert influence.shortlist(result, platforms="mastodon", top=1)[0].actor == "mastodon:@luis@h.example"


def test_competitor_is_none_in_python_and_null_in_json():
    G = _sector_graph()
    result = influence.rank(G, {"filters": {"exclude_competitors": False}})
    people = [e for e in result if e.actor != "web:brand"]
    assert people and all(e.competitor is None for e in people)
    assert all(e.to_dict()["competitor"] is None for e in people)
    brand = result.entry("web:brand")
    assert brand.competitor == "Brand" and brand.to_dict()["competitor"] == "Brand"


def test_evaluation_names_match_to_dict():
    from influence.evaluate import Truth, evaluate_ranking

    truth = Truth({"a": 3.0, "b": 2.0, "c": 1.0}, source="file")
    ev = evaluate_ranking({"a": 0.9, "b": 0.1, "c": 0.5}, truth, k=1)
    d = ev.to_dict()
    assert d["precision_at_k"] == ev.precision_at_k == 1.0 and d["ndcg_at_k"] == ev.ndcg_at_k == 1.0
    assert ev.metric("precision") == ev.precision_at_k and ev.metric("ndcg") == ev.ndcg_at_k
    with pytest.warns(DeprecationWarning, match="precision_at_k"):
        assert ev.precision == 1.0
    with pytest.warns(DeprecationWarning, match="ndcg_at_k"):
        assert ev.ndcg == 1.0


def test_submodules_and_readme_names_are_reachable():
    code = ("import influence; "
            "print(influence.reach.select_reach is influence.select_reach, "
            "influence.datasets.make_sector is influence.make_sector, "
            "callable(influence.crawl.runner.run_crawl), callable(influence.crawl.http.make_session))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True"] * 4
    assert "select_reach" in influence.__all__ and "make_sector" in influence.__all__
    assert {"reach", "crawl"} <= set(dir(influence))


def test_every_module_of_the_package_is_an_attribute():
    """No public module is left out of the lazy table (``influence.<module>`` after ``import influence``)."""
    root = pathlib.Path(influence.__file__).parent
    public = {p.stem for p in root.glob("*.py") if not p.stem.startswith("_")}
    public |= {p.parent.name for p in root.glob("*/__init__.py")}
    assert public - influence._SUBMODULES == set()
    crawl = {p.stem for p in (root / "crawl").glob("*.py") if not p.stem.startswith("_")}
    assert crawl - influence.crawl._SUBMODULES == set()
