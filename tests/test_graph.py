import math

import networkx as nx
import pytest

from influence.config import RankingConfig
from influence.errors import ConfigError
from influence.graph import build_graph
from influence.records import Interaction

ANA, BOB = "mastodon:@ana@coffee.example", "mastodon:@bob@coffee.example"
CID, DAN = "mastodon:@cid@coffee.example", "mastodon:@dan@coffee.example"


def test_weights_counts_and_attributes(store, small_records):
    store.write(small_records)
    G = build_graph(store, competitors={"web:aurora.example": "Café Aurora"})
    assert isinstance(G, nx.DiGraph)
    assert not list(nx.selfloop_edges(G))  # ana's self-mention dropped
    assert G.number_of_edges() == 7 and G.number_of_nodes() == 5
    e = G.edges[BOB, ANA]
    assert e == {"weight": 0.8, "count": 1.0, "n_mention": 0.0, "n_reply": 1.0, "n_reshare": 0.0,
                 "n_like": 0.0, "n_link": 0.0}  # every kind of the graph, 0 where absent
    assert G.in_degree(ANA, weight="n_reply") == 1.0
    assert G.edges[DAN, ANA]["weight"] == pytest.approx(0.3)
    assert G.nodes[ANA]["name"] == "Ana" and G.nodes[ANA]["followers"] == 1200
    assert G.nodes["web:aurora.example"]["is_competitor"] is True
    assert G.nodes[CID]["is_competitor"] is False and "followers" not in G.nodes[CID]
    assert G.nodes[CID]["name"] == CID  # unnamed actors show their id


def test_kind_filter_and_weights(store, small_records):
    store.write(small_records)
    G = build_graph(store, kinds=["reshare"])
    assert list(G.edges) == [(CID, ANA)]
    G = build_graph(store, edge_weights={"reply": 5})
    assert G.edges[BOB, ANA]["weight"] == 5.0
    G = build_graph(store, RankingConfig().with_values({"edge_weights.like": 0}))
    assert G.edges[DAN, ANA]["weight"] == 0.0 and G.edges[DAN, ANA]["n_like"] == 1.0


def test_same_pair_aggregates_kinds(store):
    store.write([
        Interaction("import:a", "import:b", "reply", "2026-01-01"),
        Interaction("import:a", "import:b", "reply", "2026-01-02"),
        Interaction("import:a", "import:b", "like", "2026-01-02", weight=3),
    ])
    e = build_graph(store).edges["import:a", "import:b"]
    assert e["count"] == 5.0 and e["n_reply"] == 2.0 and e["n_like"] == 3.0
    assert e["weight"] == pytest.approx(2 * 0.8 + 3 * 0.3)


def test_time_window(store, small_records):
    store.write(small_records)
    G = build_graph(store, since="2026-01-07", until="2026-01-08")
    assert sorted(G.edges) == sorted([(ANA, BOB), (CID, BOB)])
    assert G.graph["since"] == "2026-01-07T00:00:00Z"


def test_time_decay_halves_per_half_life(store):
    store.write([
        Interaction("import:a", "import:b", "mention", "2026-03-01"),
        Interaction("import:c", "import:b", "mention", "2026-02-20"),  # 9 days older
        Interaction("import:d", "import:b", "mention", None),  # unknown time: not decayed
    ])
    G = build_graph(store, half_life_days=9)
    assert G.edges["import:a", "import:b"]["weight"] == pytest.approx(0.8)
    assert G.edges["import:c", "import:b"]["weight"] == pytest.approx(0.4)
    assert G.edges["import:d", "import:b"]["weight"] == pytest.approx(0.8)
    assert G.graph["reference_time"] == "2026-03-01T00:00:00Z"
    # with an explicit `until` the decay is measured from it
    G = build_graph(store, half_life_days=9, until="2026-03-10")
    assert G.edges["import:a", "import:b"]["weight"] == pytest.approx(0.4)
    assert "import:d" not in G  # unknown time dropped with a bound


def test_platform_filter(store, small_records):
    store.write(small_records + [Interaction("web:x.example", "web:aurora.example", "link")])
    G = build_graph(store, platforms=["web"])
    assert list(G.edges) == [("web:x.example", "web:aurora.example")]


def test_bad_options(store):
    with pytest.raises(ConfigError, match="edge_weights.poke"):
        build_graph(store, edge_weights={"poke": 1})
    with pytest.raises(ConfigError, match="graph.since"):
        build_graph(store, since="not a date")
    with pytest.raises(ValueError, match="unknown interaction kind"):
        build_graph(store, kinds=["poke"])


def test_pure_function_of_store_contents(small_records):
    from influence.store import Store

    a, b = Store(), Store()
    a.write(small_records)
    b.write(list(reversed(small_records)))
    Ga, Gb = build_graph(a), build_graph(b)
    assert list(Ga.nodes(data=True)) == list(Gb.nodes(data=True))
    assert list(Ga.edges(data=True)) == list(Gb.edges(data=True))
    assert all(math.isfinite(d["weight"]) for *_, d in Ga.edges(data=True))


def test_identity_links_merge_accounts(store):
    from influence.records import Actor, SameAs

    store.write([
        Actor("web:ana.example", name="Ana's blog", followers=50),
        Actor("mastodon:@ana@social.example", name="Ana", followers=500),
        Interaction("import:x", "mastodon:@ana@social.example", "reply", "2026-01-01"),
        Interaction("import:y", "mastodon:@ana@social.example", "reshare", "2026-01-02"),
        Interaction("import:z", "web:ana.example", "link", "2026-01-03"),
        Interaction("web:ana.example", "mastodon:@ana@social.example", "link", "2026-01-03"),  # now a self-loop
        SameAs("web:ana.example", "mastodon:@ana@social.example", "rel=me"),
    ])
    G = build_graph(store)
    ana = "mastodon:@ana@social.example"  # received the most attention: it names the node
    assert "web:ana.example" not in G
    assert sorted(G.predecessors(ana)) == ["import:x", "import:y", "import:z"]
    assert not list(nx.selfloop_edges(G))
    d = G.nodes[ana]
    assert d["accounts"] == "mastodon:@ana@social.example web:ana.example"
    assert d["platforms"] == "mastodon,web" and d["followers"] == 550 and d["name"] == "Ana"
    G2 = build_graph(store, merge_identities=False)
    assert "web:ana.example" in G2 and G2.number_of_nodes() == 5

    from influence.ranking import rank

    top = rank(G)[0].to_dict()
    assert top["actor"] == ana and top["platforms"] == ["mastodon", "web"]
    assert top["accounts"] == ["mastodon:@ana@social.example", "web:ana.example"]


def test_identity_links_are_transitive_and_idempotent(store):
    from influence.records import SameAs

    links = [SameAs("import:a", "import:b"), SameAs("import:c", "import:b"), SameAs("import:b", "import:a")]
    store.write(links + [Interaction("import:q", "import:c", "like")])
    store.write(links)
    assert store.counts()["identity_links"] == 2
    G = build_graph(store)
    assert sorted(G) == ["import:c", "import:q"]
    assert G.nodes["import:c"]["accounts"] == "import:c import:a import:b"


# -- node attributes: the column-at-a-time code gives what the per-node reference gives ----------


def _node_columns(store, **options):
    """``_node_attributes`` and ``_node_attributes_python`` on the nodes and identity groups
    ``build_arrays`` would pass them."""
    from influence import graph as graph_module

    arrays = graph_module.build_arrays(store, **options)
    nodes = arrays.nodes
    members = {v: g.split() if len(g.split()) > 1 else None for v, g in zip(nodes, arrays.node_attrs["accounts"])}
    args = (store, nodes, members, options.get("competitors"), list(options.get("keywords", ())), None, None)
    return arrays, graph_module._node_attributes(*args), graph_module._node_attributes_python(*args)


def test_node_attributes_match_the_reference_on_the_demo(demo_sector):
    arrays, fast, reference = _node_columns(demo_sector.store, competitors=demo_sector.competitor_map(),
                                            keywords=demo_sector.keywords)
    assert fast == reference
    assert {k: [type(x) for x in v] for k, v in fast.items()} == {k: [type(x) for x in v] for k, v in reference.items()}
    assert fast == arrays.node_attrs
    assert sum(fast["is_competitor"]) > 0 and any(x is not None for x in fast["followers"])


def test_node_attributes_match_the_reference_on_awkward_actors(store):
    from influence.records import Actor, Post, SameAs

    store.write([
        Actor("import:named", name="Named", followers=10, language="es", competitor="Brand"),
        Actor("import:empty", name="", followers=0, language="", competitor=""),
        Actor("web:blog.example", name=None, followers=None, language="en"),
        Actor("mastodon:@blog@social.example", name="Blog", followers=5),
        Actor("bluesky:blog.example", followers=7, competitor="Other"),
        Interaction("import:named", "import:empty", "reply"),
        Interaction("import:bare", "web:blog.example", "link"),
        Interaction("mastodon:@blog@social.example", "import:named", "mention"),
        Interaction("bluesky:blog.example", "import:bare", "like"),
        Interaction("import:x", "import:y", "reply"),
        SameAs("web:blog.example", "mastodon:@blog@social.example", "rel=me"),
        SameAs("web:blog.example", "bluesky:blog.example", "profile"),
        Post("p1", "import:named", text="Café coffee", likes=3, reshares=None, replies=1),
        Post("p2", "import:named", text="tea", likes=None, reshares=2),
        Post("p3", "web:blog.example", text="coffee", likes=-4),
        Post("p4", "mastodon:@blog@social.example", text="hola"),
        Post("p5", "import:y", text="nothing"),
    ])
    for options in ({}, {"keywords": ["cafe"], "competitors": {"import:x": "Extra", "import:named": "Ignored"}},
                    {"merge_identities": False, "keywords": ["coffee"]}):
        arrays, fast, reference = _node_columns(store, **options)
        assert fast == reference == arrays.node_attrs
    merged = arrays.nodes.index("web:blog.example") if "web:blog.example" in arrays.nodes else None
    assert merged is not None
    _, fast, _ = _node_columns(store)
    nodes = build_graph(store).nodes
    blog = [v for v in nodes if "blog" in v]
    assert len(blog) == 1 and nodes[blog[0]]["followers"] == 12  # 5 + 7 summed over the accounts
    assert nodes["import:empty"]["name"] == "import:empty" and "language" not in nodes["import:empty"]
    assert nodes["import:named"]["posts"] == 2 and nodes["import:named"]["likes"] == 3
