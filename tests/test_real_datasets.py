"""End-to-end tests on real public datasets (../shared/datasets beside the repository).

Each dataset goes through the real import path (the ``influence import`` CLI), and every expected
figure is computed here, independently, from the raw file with csv / re / networkx: never with
influence's own importer or id normaliser. The README figures of the datasets are asserted too, as a
check that the files are the documented ones.

The datasets are never copied into the repository; stores and exports live in tmp folders.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter, defaultdict
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner
from influence_cli import cli

import influence
from influence import Store, build_graph

from .conftest import SHARED, needs_shared

DATASETS = SHARED / "datasets"

pytestmark = needs_shared("datasets")

KARATE_CSV = DATASETS / "karate" / "karate_club_edges.csv"
POLBLOGS_GML = DATASETS / "polblogs" / "polblogs.gml"
HIGGS_REPLY = DATASETS / "higgs-twitter" / "higgs-reply_network.edgelist"
HIGGS_MENTION = DATASETS / "higgs-twitter" / "higgs-mention_network.edgelist"
EMAIL = DATASETS / "email-eu-core" / "email-Eu-core.txt"

#: Default kind weights, restated here from docs (config.py table) rather than imported.
MENTION_WEIGHT = 0.8
REPLY_WEIGHT = 0.8
LINK_WEIGHT = 1.0


# -- helpers ---------------------------------------------------------------------------------------


def run_cli(args, expect=0):
    """Run the CLI in-process; fail with its output when the exit code is not ``expect``."""
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exit_code == expect, (
        f"influence {' '.join(map(str, args))} -> exit {result.exit_code} (expected {expect})\n"
        f"stdout: {result.stdout}\nstderr: {result.stderr}\nexception: {result.exception!r}"
    )
    return result


def counts(db) -> dict:
    with Store(db, readonly=True) as s:
        return s.counts()


def fingerprint(db) -> str:
    with Store(db, readonly=True) as s:
        return s.fingerprint()


def store_weights(db, kinds=None) -> dict:
    """``{(source, target, kind): weight}`` of every stored interaction (timestamps are all None)."""
    with Store(db, readonly=True) as s:
        return {(u, v, k): w for u, v, k, _ts, w in s.interaction_rows(kinds=kinds)}


def read_weighted_edgelist(path) -> tuple[int, Counter]:
    """Lines and ``{(u, v): total weight}`` of a ``u v [w]`` file, parsed by hand."""
    weights: Counter = Counter()
    n_lines = 0
    with open(path, encoding="ascii") as fh:
        for line in fh:
            parts = line.split()
            if not parts:
                continue
            n_lines += 1
            assert len(parts) in (2, 3), line
            w = int(parts[2]) if len(parts) == 3 else 1
            weights[(int(parts[0]), int(parts[1]))] += w
    return n_lines, weights


def web_id(label: str) -> str:
    """The documented web-id rule (records.py), written independently of influence.

    Strip; a URL with a scheme names its host only; otherwise a bare ``host/path?query`` keeps its
    path and query as written. The host is lower-cased and loses ``www.``, any ``user@`` and
    ``:port``; the path loses any ``#fragment`` and trailing ``/``.
    """
    text = label.strip()
    m = re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", text)
    is_url = m is not None
    if is_url:
        text = text[m.end():]
    host, rest = re.match(r"^([^/?#]*)(.*)$", text, re.DOTALL).groups()
    host = host.rsplit("@", 1)[-1].lower()
    host = re.sub(r":\d*$", "", host).rstrip(".")
    host = host.removeprefix("www.")
    if is_url:
        return "web:" + host
    rest = rest.split("#", 1)[0]
    path, _, query = rest.partition("?")
    return "web:" + host + path.rstrip("/") + (f"?{query}" if query else "")


def test_web_id_helper_matches_the_documented_examples():
    # our own helper must follow the documented rule before it is trusted as an oracle
    assert web_id("https://www.Example.com:443/blog/post?id=1") == "web:example.com"
    assert web_id("home.example.net/~ana/") == "web:home.example.net/~ana"
    assert web_id(" atrios.blogspot.com/ ") == "web:atrios.blogspot.com"
    assert web_id("vernsblog.thegillfamily.us:8180") == "web:vernsblog.thegillfamily.us"
    assert web_id("www.blog.example.org") == "web:blog.example.org"


# -- 1. karate -------------------------------------------------------------------------------------


def test_karate_csv_via_cli_counts_idempotence_and_rank_json(tmp_path):
    with open(KARATE_CSV, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 78  # README
    nodes = {r["source"] for r in rows} | {r["target"] for r in rows}
    assert len(nodes) == 34
    in_weight: defaultdict[str, float] = defaultdict(float)
    givers: defaultdict[str, set] = defaultdict(set)
    for r in rows:  # imported as directed source -> target
        in_weight[f"import:{r['target']}"] += float(r["weight"])
        givers[f"import:{r['target']}"].add(r["source"])
    pairs = {(r["source"], r["target"]) for r in rows}

    db = tmp_path / "karate.db"
    first = run_cli(["import", db, KARATE_CSV, "--kind", "mention"])
    assert "new in store: 34 actors, 0 posts, 78 interactions" in first.stderr
    assert counts(db) == {"actors": len(nodes), "posts": 0, "interactions": len(pairs)}
    assert counts(db) == {"actors": 34, "posts": 0, "interactions": 78}
    fp = fingerprint(db)

    again = run_cli(["import", db, KARATE_CSV, "--kind", "mention"])
    assert "new in store: 0 actors, 0 posts, 0 interactions" in again.stderr
    assert counts(db) == {"actors": 34, "posts": 0, "interactions": 78}
    assert fingerprint(db) == fp  # weights replaced, not added up
    stored = store_weights(db)
    assert stored == {(f"import:{r['source']}", f"import:{r['target']}", "mention"): float(r["weight"])
                      for r in rows}

    out = run_cli(["rank", db, "--format", "json", "--top", "0", "--set", "measures.in_strength=1"])
    ranking = json.loads(out.stdout)  # stdout holds only the JSON; the summary is on stderr
    assert len(ranking) == 34
    assert [e["rank"] for e in ranking] == list(range(1, 35))
    assert {e["actor"] for e in ranking} == {f"import:{n}" for n in nodes}
    scores = [e["score"] for e in ranking]
    assert scores == sorted(scores, reverse=True)
    for e in ranking:
        a = e["actor"]
        expected = MENTION_WEIGHT * in_weight.get(a, 0.0)
        # JSON rounds measure values to 6 significant digits
        assert e["measures"]["in_strength"]["value"] == pytest.approx(expected, rel=1e-6, abs=1e-9), a
        assert e["received"] == ({"mention": in_weight[a]} if a in in_weight else {}), a
        assert e["givers"] == len(givers.get(a, ())), a
    # directed source -> target with source < target in this file: member 0 receives nothing
    assert min(int(r["source"]) for r in rows) == 0 and "import:0" not in in_weight
    assert ranking[-1]["measures"]["in_strength"]["value"] == 0


def test_karate_undirected_networkx_graph_leaders_and_pagerank():
    G = nx.karate_club_graph()
    result = influence.rank(G, influence.RankingConfig(measures={"pagerank": 0.6, "in_strength": 0.4}))
    assert len(result) == 34
    # the two known leaders (README: networkx PageRank ranks 33, 0, 32); actors are the node ids
    assert [e.actor for e in result.top(2)] == [33, 0]
    mine = {e.actor: e.measures["pagerank"].value for e in result}
    # influence iterates to an L1 change < 1e-10; networkx's default stops at N * 1e-6 (3.4e-5 L1
    # here), so its values are only good to ~1e-5. Compare tightly with a converged networkx run.
    tight = nx.pagerank(G, tol=1e-12)
    assert max(abs(mine[v] - tight[v]) for v in G) < 1e-8
    default = nx.pagerank(G)
    assert max(abs(mine[v] - default[v]) for v in G) < 1e-4
    assert sum(mine.values()) == pytest.approx(1.0, abs=1e-12)
    # in-strength of an undirected weighted graph read both ways = weighted degree
    for e in result:
        assert e.measures["in_strength"].value == pytest.approx(G.degree(int(e.actor), weight="weight"))


# -- 2. polblogs -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def polblogs_expected():
    """Facts about polblogs.gml computed from the raw file."""
    text = POLBLOGS_GML.read_text(encoding="utf-8")
    assert len(re.findall(r"\bedge\s*\[", text)) == 19090
    G = nx.parse_gml(re.sub(r"graph\s*\[", "graph [\n  multigraph 1", text, count=1), label="id")
    # README figures for the file as is
    assert (G.number_of_nodes(), G.number_of_edges(), nx.number_of_selfloops(G)) == (1490, 19090, 3)
    assert nx.DiGraph(G).number_of_edges() == 19025
    wid = {n: web_id(d["label"]) for n, d in G.nodes(data=True)}
    mult = Counter((wid[u], wid[v]) for u, v in G.edges())
    no_loops = {k: c for k, c in mult.items() if k[0] != k[1]}
    in_mult = Counter()
    for (_u, v), c in no_loops.items():
        in_mult[v] += c
    return {
        "actors": len(set(wid.values())),
        "merged_labels": len(wid) - len(set(wid.values())),
        "mult": mult,
        "total_weight": sum(mult.values()),
        "no_loops": no_loops,
        "graph_nodes": {a for k in no_loops for a in k},
        "in_mult": in_mult,
    }


@pytest.fixture(scope="module")
def polblogs_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("polblogs") / "blogs.db"
    result = run_cli(["import", db, POLBLOGS_GML, "--platform", "web", "--kind", "link"])
    return db, result


def test_polblogs_web_link_sector(polblogs_db, polblogs_expected):
    db, result = polblogs_db
    exp = polblogs_expected
    # two pairs of labels denote the same blog under the web-id rule
    # ("atrios.blogspot.com" / "atrios.blogspot.com/ ", "celluloid-wisdom.com/pw" / ".../pw/")
    assert exp["merged_labels"] == 2
    assert "19090 interactions rows read" in result.stderr

    assert counts(db) == {"actors": exp["actors"], "posts": 0, "interactions": len(exp["mult"])}
    stored = store_weights(db)
    assert {(u, v) for u, v, _k in stored} == set(exp["mult"])
    assert {k for _u, _v, k in stored} == {"link"}
    assert sum(stored.values()) == exp["total_weight"] == 19090
    assert {(u, v): w for (u, v, _k), w in stored.items()} == {k: float(c) for k, c in exp["mult"].items()}

    with Store(db, readonly=True) as s:
        G = build_graph(s)
    assert nx.number_of_selfloops(G) == 0
    assert G.number_of_edges() == len(exp["no_loops"])
    assert set(G.nodes) == exp["graph_nodes"]
    indeg = dict(G.in_degree(weight="count"))
    top_blog, top_in = max(exp["in_mult"].items(), key=lambda kv: (kv[1], kv[0]))
    assert indeg[top_blog] == top_in
    assert indeg == {n: float(exp["in_mult"].get(n, 0)) for n in G}
    for u, v, d in G.edges(data=True):
        assert d["n_link"] == d["count"] == exp["no_loops"][(u, v)]
        assert d["weight"] == LINK_WEIGHT * d["count"]

    result = influence.rank(G)
    top_rank = [e.actor for e in result.top(10)]
    top_indeg = [n for n, _ in sorted(exp["in_mult"].items(), key=lambda kv: (-kv[1], kv[0]))[:10]]
    assert len(set(top_rank) & set(top_indeg)) >= 6, (top_rank, top_indeg)
    assert top_rank[0] in top_indeg


# -- 3. higgs-twitter ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def higgs_expected():
    reply_lines, reply = read_weighted_edgelist(HIGGS_REPLY)
    mention_lines, mention = read_weighted_edgelist(HIGGS_MENTION)
    reply_nodes = {a for k in reply for a in k}
    mention_nodes = {a for k in mention for a in k}
    return {
        "reply_lines": reply_lines,
        "mention_lines": mention_lines,
        "reply": reply,
        "mention": mention,
        "reply_nodes": reply_nodes,
        "mention_nodes": mention_nodes,
        "union": reply_nodes | mention_nodes,
    }


@pytest.fixture(scope="module")
def higgs_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("higgs") / "higgs.db"
    r1 = run_cli(["import", db, HIGGS_REPLY, "--kind", "reply"])
    r2 = run_cli(["import", db, HIGGS_MENTION, "--kind", "mention"])
    return db, r1, r2


def in_weight(weights: Counter, node: int, *, loops: bool = True) -> int:
    return sum(w for (u, v), w in weights.items() if v == node and (loops or u != v))


def test_higgs_two_layers_as_typed_interactions(higgs_db, higgs_expected):
    db, r1, r2 = higgs_db
    exp = higgs_expected
    # file facts, computed here, then compared with the README
    assert (exp["reply_lines"], exp["mention_lines"]) == (32523, 150818)
    assert (len(exp["reply"]), len(exp["mention"])) == (32523, 150818)  # no repeated pair per file
    assert (len(exp["reply_nodes"]), len(exp["mention_nodes"])) == (38918, 116408)
    assert exp["reply_nodes"] <= exp["mention_nodes"]
    assert len(exp["union"]) == 116408
    assert sum(exp["reply"].values()) == 36902 and sum(exp["mention"].values()) == 171237
    reply88, mention88 = in_weight(exp["reply"], 88), in_weight(exp["mention"], 88)
    assert (reply88, mention88) == (1324, 15687)

    assert f"{exp['reply_lines']} interactions rows read" in r1.stderr
    assert f"{exp['mention_lines']} interactions rows read" in r2.stderr
    expected_interactions = len(exp["reply"]) + len(exp["mention"])  # distinct kinds never merge
    assert expected_interactions == 183341
    assert counts(db) == {"actors": len(exp["union"]), "posts": 0, "interactions": expected_interactions}

    stored_reply = store_weights(db, kinds=["reply"])
    assert stored_reply == {(f"import:{u}", f"import:{v}", "reply"): float(w) for (u, v), w in exp["reply"].items()}
    stored_mention = store_weights(db, kinds=["mention"])
    assert len(stored_mention) == len(exp["mention"])
    assert sum(w for (u, v, k), w in stored_mention.items() if v == "import:88") == mention88


def test_higgs_reply_layer_graph(higgs_db, higgs_expected):
    db, _, _ = higgs_db
    reply = higgs_expected["reply"]
    no_loops = {k: w for k, w in reply.items() if k[0] != k[1]}
    assert len(reply) - len(no_loops) == 343  # README self-loops of the reply layer
    with Store(db, readonly=True) as s:
        G = build_graph(s, kinds=["reply"])
    assert G.number_of_edges() == len(no_loops) == 32523 - 343
    assert set(G.nodes) == {f"import:{a}" for k in no_loops for a in k}
    assert sum(d["count"] for _, _, d in G.edges(data=True)) == sum(no_loops.values())
    heaviest = sorted(no_loops.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
    first_lines = list(no_loops.items())[:5]
    for (u, v), w in heaviest + first_lines:
        d = G.edges[f"import:{u}", f"import:{v}"]
        assert d["n_reply"] == w
        assert d["count"] == w
        assert d["weight"] == pytest.approx(REPLY_WEIGHT * w)
        assert "n_mention" not in d
    assert heaviest[0][1] > 1  # the sample includes real multi-reply weights
    assert G.in_degree("import:88", weight="n_reply") == in_weight(reply, 88, loops=False)


def test_higgs_combined_graph_ranks_node_88_top3(higgs_db, higgs_expected):
    db, _, _ = higgs_db
    with Store(db, readonly=True) as s:
        G = build_graph(s)
    mention = higgs_expected["mention"]
    reply = higgs_expected["reply"]
    # every edge carries n_<kind> for the graph's kinds (0 where absent), so in_degree works too
    assert G.in_degree("import:88", weight="n_mention") == in_weight(mention, 88, loops=False)
    got = Counter()
    for _u, _v, d in G.in_edges("import:88", data=True):
        got.update({k: d.get(f"n_{k}", 0.0) for k in ("mention", "reply")})
        assert d["count"] == d.get("n_mention", 0.0) + d.get("n_reply", 0.0)
    assert got == {"mention": in_weight(mention, 88, loops=False), "reply": in_weight(reply, 88, loops=False)}
    result = influence.rank(G)
    top3 = [e.actor for e in result.top(3)]
    assert "import:88" in top3, top3
    e88 = next(e for e in result.top(3) if e.actor == "import:88")
    assert e88.received == {"mention": in_weight(mention, 88, loops=False),
                            "reply": in_weight(reply, 88, loops=False)}


# -- 4. email-eu-core ------------------------------------------------------------------------------


def test_email_eu_core_edge_list(tmp_path):
    n_lines, pairs = read_weighted_edgelist(EMAIL)
    nodes = {a for k in pairs for a in k}
    loops = sum(1 for u, v in pairs if u == v)
    assert (n_lines, len(pairs), len(nodes), loops) == (25571, 25571, 1005, 642)  # README

    db = tmp_path / "email.db"
    run_cli(["import", db, EMAIL])  # .txt = edge list, default kind mention
    assert counts(db) == {"actors": len(nodes), "posts": 0, "interactions": len(pairs)}
    assert counts(db) == {"actors": 1005, "posts": 0, "interactions": 25571}
    assert {k for _u, _v, k in store_weights(db)} == {"mention"}
    with Store(db, readonly=True) as s:
        G = build_graph(s)
    assert G.number_of_edges() == len(pairs) - loops == 25571 - 642
    assert set(G.nodes) == {f"import:{a}" for (u, v) in pairs if u != v for a in (u, v)}


# -- 5. a malformed real-ish file ------------------------------------------------------------------


def test_malformed_edge_list_line_7(tmp_path):
    lines = EMAIL.read_text(encoding="ascii").splitlines(keepends=True)[:20]
    good = [tuple(map(int, ln.split())) for i, ln in enumerate(lines, 1) if i != 7]
    lines[6] = "5 x y z\n"
    bad = tmp_path / "email20.txt"
    bad.write_text("".join(lines), encoding="ascii")

    # a store that already holds data (karate, on its own platform so no id overlaps)
    db = tmp_path / "mixed.db"
    run_cli(["import", db, KARATE_CSV, "--kind", "mention", "--platform", "karate"])
    before, fp = counts(db), fingerprint(db)
    assert before == {"actors": 34, "posts": 0, "interactions": 78}

    fail = run_cli(["import", db, bad], expect=2)
    assert "line 7" in fail.stderr, fail.stderr
    assert "4 fields" in fail.stderr  # names what is wrong
    assert fail.stdout == ""
    assert counts(db) == before
    assert fingerprint(db) == fp

    fresh = tmp_path / "fresh.db"
    run_cli(["import", fresh, bad], expect=2)
    if fresh.exists():  # the CLI creates the store before reading the file: it must stay empty
        assert counts(fresh) == {"actors": 0, "posts": 0, "interactions": 0}

    ok = run_cli(["import", db, bad, "--skip-bad-rows"])
    assert len(good) == len(set(good)) == 19
    new_actors = len({a for k in good for a in k})
    assert f"new in store: {new_actors} actors, 0 posts, 19 interactions; 1 bad row skipped" in ok.stderr
    assert "line 7" in ok.stderr
    after = counts(db)
    assert after == {"actors": 34 + new_actors, "posts": 0, "interactions": 78 + 19}
    stored = store_weights(db)
    assert {(u, v) for u, v, _k in stored if u.startswith("import:")} == {
        (f"import:{u}", f"import:{v}") for u, v in good
    }


def test_malformed_csv_row_line_number_counts_the_header(tmp_path):
    lines = KARATE_CSV.read_text(encoding="utf-8").splitlines(keepends=True)[:20]
    assert lines[0].strip() == "source,target,weight"
    good = [ln.strip().split(",") for i, ln in enumerate(lines[1:], 2) if i != 7]
    lines[6] = "0,5,abc\n"  # file line 7 = the 6th data row (the header is line 1)
    bad = tmp_path / "karate20.csv"
    bad.write_text("".join(lines), encoding="utf-8")
    db = tmp_path / "k.db"
    fail = run_cli(["import", db, bad, "--kind", "mention"], expect=2)
    assert "line 7" in fail.stderr and "'abc'" in fail.stderr, fail.stderr
    assert not db.exists() or counts(db)["interactions"] == 0
    ok = run_cli(["import", db, bad, "--kind", "mention", "--skip-bad-rows"])
    assert "1 bad row skipped" in ok.stderr and "line 7" in ok.stderr
    assert store_weights(db) == {
        (f"import:{u}", f"import:{v}", "mention"): float(w) for u, v, w in good
    }
    assert len(good) == 18


# -- football: an undirected GML file ----------------------------------------------------------


def test_football_undirected_gml_gives_each_edge_both_ways(tmp_path):
    text = (DATASETS / "football" / "football.gml").read_text(encoding="utf-8")
    F = nx.parse_gml(text, label="id")
    assert not F.is_directed()
    assert (F.number_of_nodes(), F.number_of_edges(), nx.number_of_selfloops(F)) == (115, 613, 0)
    label = {n: d["label"] for n, d in F.nodes(data=True)}
    both_ways = {(f"import:{label[u]}", f"import:{label[v]}") for u, v in F.edges()}
    both_ways |= {(b, a) for a, b in both_ways}

    db = tmp_path / "football.db"
    res = run_cli(["import", db, DATASETS / "football" / "football.gml"])
    assert "613 interactions rows read" in res.stderr
    assert counts(db) == {"actors": 115, "posts": 0, "interactions": 2 * 613}
    stored = store_weights(db)
    assert {(u, v) for u, v, _k in stored} == both_ways
    assert set(stored.values()) == {1.0}
    with Store(db, readonly=True) as s:
        G = build_graph(s)
    degree = {f"import:{label[n]}": d for n, d in F.degree()}
    assert dict(G.in_degree()) == degree
    assert dict(G.out_degree()) == degree


# -- 6. export round trip --------------------------------------------------------------------------


def test_polblogs_export_graphml_and_gexf_round_trip(polblogs_db, tmp_path):
    db, _ = polblogs_db
    with Store(db, readonly=True) as s:
        G = build_graph(s)
        fp = s.fingerprint()
        store_counts = s.counts()
    sample = sorted(G.edges(data=True), key=lambda e: (-e[2]["count"], e[0], e[1]))[:3]
    sample += list(G.edges(data=True))[:2]
    assert sample[0][2]["count"] > 1  # a real multi-link edge

    for fmt, reader in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf)):
        out = tmp_path / f"g.{fmt}"
        res = run_cli(["export", db, "--format", fmt, "-o", out])
        assert f"{G.number_of_nodes()} nodes, {G.number_of_edges()} edges" in res.stderr
        H = reader(out)
        assert H.is_directed()
        assert (H.number_of_nodes(), H.number_of_edges()) == (G.number_of_nodes(), G.number_of_edges())
        assert set(H.nodes) == set(G.nodes)
        assert set(H.edges) == set(G.edges)
        for u, v, d in sample:
            assert H.edges[u, v]["weight"] == d["weight"], (fmt, u, v)
            assert H.edges[u, v]["n_link"] == d["n_link"], (fmt, u, v)
            assert H.edges[u, v]["count"] == d["count"], (fmt, u, v)
        manifest_file = Path(f"{out}.manifest.json")
        assert manifest_file.exists()
        manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
        assert manifest["store_fingerprint"] == fp
        assert manifest["store_counts"] == store_counts
        assert manifest["command"] == f"export {fmt}"
        if fmt == "graphml":
            assert json.loads(H.graph["influence_manifest"]) == manifest
