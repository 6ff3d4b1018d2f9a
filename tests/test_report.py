"""The HTML sector report (issue 9): data, page content, charts, layout, the file and the CLI.

The headless-browser checks are in test_report_browser.py; they reuse :func:`demo_report` so the
demo sector is analysed once per test session.
"""

from __future__ import annotations

import functools
import os
import re
from html.parser import HTMLParser

import networkx as nx
import pytest
from click.testing import CliRunner
from influence_cli import cli

import influence
from influence.records import Interaction
from influence.report import CSP, build_report, render_html, write_html
from influence.report.charts import (
    inline_svg,
    publication_calendar,
    sentiment_bars,
    share_of_voice_chart,
    topic_heatmap,
)
from influence.report.layout import layout_map
from influence.sector import Competitor, Sector
from influence.store import Store

# the commands and analyses run on "demo" read the session's demo (conftest), not a new one
pytestmark = pytest.mark.usefixtures("session_demo")

FIVE_MB = 5 * 1024 * 1024


@functools.lru_cache(maxsize=1)
def demo_report():
    """``(ReportData, html)`` of the full demo sector with the defaults (built once per session)."""
    with influence.sector.open_sector("demo") as sector:
        data = build_report(sector)
    return data, render_html(data)


def small_sector(seed: int = 0, scale: float = 0.12, competitors: bool = True) -> Sector:
    """A scaled-down demo sector in memory (as open_sector("demo") builds the full one)."""
    from influence.datasets import make_sector

    demo = make_sector(seed=seed, scale=scale)
    store = Store(":memory:")
    store.write(demo.records())
    comps = tuple(Competitor(name=c["name"], handles=tuple(c.get("handles", ())),
                             domains=tuple(c.get("domains", ()))) for c in demo.competitors)
    return Sector(name="small", languages=tuple(demo.languages), keywords=tuple(demo.keywords),
                  competitors=comps if competitors else (), store=store)


def quick(sector: Sector, **kwargs):
    """build_report with a fixed number of topics: the topic-count search is the slow part of a
    small sector's report, and is tested in test_competitors.py."""
    from influence.competitors import CompetitorConfig

    cfg = CompetitorConfig(n_topics=4, languages=sector.languages or ("es", "en"))
    return build_report(sector, competitor_config=cfg, **kwargs)


class Page(HTMLParser):
    """Collects what the tests look at: tags with their attributes, text per element id, and the
    CSS of <style> elements and style attributes."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.css: list[str] = []
        self._in_style = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        self.tags.append((tag, a))
        if "style" in a:
            self.css.append(a["style"])
        self._in_style = tag == "style"

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.css.append(data)


REMOTE = re.compile(r"^\s*(https?:)?//", re.IGNORECASE)
LOADING_ATTRS = ("src", "href", "xlink:href", "srcset", "poster", "data", "action", "background",
                 "formaction", "manifest", "ping")


def remote_loads(html: str) -> list[str]:
    """Every way ``html`` could load something from the network: a remote URL in a loading
    attribute of any element but a plain link (<a href> only navigates when clicked), a
    <link>, <base>, <iframe> or <meta http-equiv=refresh>, and @import or url(...) in CSS that
    is not a fragment or data: URI."""
    page = Page(html)
    found = []
    for tag, attrs in page.tags:
        if tag in ("link", "base", "iframe", "object", "embed", "frame"):
            found.append(f"<{tag}>")
        if tag == "meta" and attrs.get("http-equiv", "").lower() == "refresh":
            found.append("<meta refresh>")
        for name in LOADING_ATTRS:
            value = attrs.get(name)
            if value is None or (tag == "a" and name in ("href", "xlink:href")):
                continue
            if REMOTE.match(value):
                found.append(f"<{tag} {name}={value}>")
    for css in page.css:
        if "@import" in css:
            found.append("@import")
        for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", css):
            if not url.startswith(("#", "data:")):
                found.append(f"url({url})")
    return found


# -- the demo report ---------------------------------------------------------------------------------


def test_demo_report_shortlist_is_the_ranking():
    data, _ = demo_report()
    with influence.sector.open_sector("demo") as sector:
        result = influence.rank(sector.graph(), sector.ranking)
    expected = [e.actor for e in influence.shortlist(result, top=20)]
    assert [row.actor for row in data.shortlist] == expected
    assert [row.rank for row in data.shortlist] == list(range(1, 21))
    scores = [row.score for row in data.shortlist]
    assert scores == sorted(scores, reverse=True)
    # every row is annotated: community (with its label), role, reach, an explanation
    labels = {c.id: c.label for c in data.communities}
    for row in data.shortlist:
        assert row.community in labels and row.community_label == labels[row.community]
        assert row.role and row.why.startswith("attention from")
        assert 1.0 <= row.expected_reach <= data.summary.graph["nodes"]
    # the labels of `influence communities` and `shortlist --per-community` (influence.analyze)
    with influence.analyze("demo") as analysis:
        assert labels == analysis.labels()
    # the shortlist together reaches more than its best member alone, and at most everyone
    best_alone = max(row.expected_reach for row in data.shortlist)
    assert best_alone < data.reach.shortlist_reach <= data.summary.graph["nodes"]
    # greedy picks for reach do at least as well as the top by score, on the same worlds
    assert data.reach.picks_reach >= data.reach.shortlist_reach * 0.99


def test_demo_report_summary_and_sections():
    data, html = demo_report()
    s = data.summary
    assert s.sector == "demo"
    assert s.counts["actors"] == 2000 and s.counts["interactions"] > 15000
    assert s.posts_window[0] < s.posts_window[1]
    assert s.graph["communities"] == len([c for c in data.communities if c.id != -1]) >= 3
    assert sum(c.size for c in data.communities) == s.graph["nodes"]
    assert data.competitors is not None and len(data.competitors.competitors) == 4
    assert data.notes == {}
    assert data.network.n_shown >= 300 and data.network.n_actors == 2000
    # the page shows it
    assert "<title>demo: opinion leaders and competitors</title>" in html
    for row in data.shortlist:
        assert f'<tr data-actor="{row.actor}">' in html
    for card in data.communities:
        assert f'style="--c: {card.color}"' in html
    for name in data.competitors.competitors:
        assert name in html
    # the four competitor charts, inline
    for chart in ("topics", "calendar", "sov", "sentiment"):
        assert f'id="{chart}-figure_1"' in html
    assert html.count('<g class="node"') == data.network.n_shown


def test_demo_report_is_self_contained_and_small():
    _, html = demo_report()
    assert len(html.encode("utf-8")) < FIVE_MB
    assert remote_loads(html) == []
    metas = [a for tag, a in Page(html).tags if tag == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert [m["content"] for m in metas] == [CSP]
    assert "default-src 'none'" in CSP
    # no XML prolog or DOCTYPE from the SVGs, and no namespace URLs left
    assert "<?xml" not in html and html.count("<!DOCTYPE") == 1
    assert "www.w3.org" not in html
    # the manifest is embedded, parseable, and says how the report was made
    import json

    m = re.search(r'<script type="application/json" id="influence-manifest">(.*?)</script>', html, re.DOTALL)
    manifest = json.loads(m.group(1))
    assert manifest["command"] == "report" and manifest["seed"] == 0 and manifest["top"] == 20
    assert manifest["store_fingerprint"] == demo_report()[0].summary.fingerprint


def test_remote_loads_detects_what_it_should():
    # the checker itself must be able to fail
    assert remote_loads('<img src="https://cdn.example/x.png">') == ["<img src=https://cdn.example/x.png>"]
    assert remote_loads('<script src="//cdn.example/x.js"></script>')
    assert remote_loads('<link rel="stylesheet" href="style.css">') == ["<link>"]
    assert remote_loads("<style>@import 'x.css';</style>") == ["@import"]
    assert remote_loads('<div style="background: url(http://x.example/a.png)"></div>')
    assert remote_loads('<svg><image xlink:href="http://x.example/a.png"/></svg>')
    assert remote_loads('<a href="https://example.org/post">open</a>') == []
    assert remote_loads('<svg><g clip-path="url(#p1)"/><image xlink:href="data:image/png;base64,AA"/></svg>') == []


# -- determinism, seeds, degraded sectors ----------------------------------------------------------


def test_same_seed_same_page_other_seed_other_map():
    d = quick(small_sector(), seed=3)
    assert render_html(d) == render_html(quick(small_sector(), seed=3))
    c = quick(small_sector(), seed=4)
    assert [(n.x, n.y) for n in c.network.nodes] != [(n.x, n.y) for n in d.network.nodes]


def test_options_top_map_nodes_title():
    data = quick(small_sector(), top=5, map_nodes=40, title="Q3 & <coffee>")
    assert len(data.shortlist) == 5
    assert data.network.n_shown >= 40 and data.network.n_shown < data.network.n_actors
    html = render_html(data)
    assert "<title>Q3 &amp; &lt;coffee&gt;</title>" in html  # autoescaped
    assert "Q3 & <coffee>" not in html


def test_bad_parameters_are_config_errors():
    sector = small_sector()
    for kwargs in ({"top": 0}, {"map_nodes": 0}, {"seed": -1}, {"top": True}):
        with pytest.raises(influence.ConfigError):
            build_report(sector, **kwargs)


def _bare_sector(competitors=()) -> Sector:
    """Interactions only: no posts, no timestamps, no follower counts."""
    recs = [Interaction(f"mastodon:@u{i}@x.example", f"mastodon:@u{(i * 7) % 13}@x.example", "mention")
            for i in range(40)]
    recs += [Interaction(f"mastodon:@u{i}@x.example", "web:brand.example", "link") for i in range(5)]
    store = Store(":memory:")
    store.write(recs)
    return Sector(name="bare", competitors=tuple(competitors), store=store)


def test_no_competitors_no_posts_no_timestamps_degrade_to_notes():
    data = build_report(_bare_sector())
    assert data.competitors is None
    assert "No competitors declared" in data.notes["competitors"]
    assert "no posts" in data.notes["posts"]
    assert data.summary.posts_window is None and data.summary.interactions_window is None
    html = render_html(data)
    assert "No competitors declared" in html and "no dated posts" in html
    assert len(data.shortlist) == 20


def test_competitors_without_posts_get_no_data_notes():
    data = build_report(_bare_sector([Competitor("Brand", domains=("brand.example",))]))
    assert data.competitors is not None
    html = render_html(data)
    assert "No dated posts by the competitors: no calendar." in html
    assert "No dated mentions of the competitors" in html
    assert 'id="calendar-figure_1"' not in html and 'id="sov-figure_1"' not in html
    assert "no mentions of any competitor" in html  # the sentiment chart's own note
    assert remote_loads(html) == []


def test_empty_sector_is_an_empty_graph_error():
    with pytest.raises(influence.EmptyGraphError):
        build_report(Sector(name="empty", store=Store(":memory:")))


# -- layout ------------------------------------------------------------------------------------------


def test_layout_map_is_deterministic_and_inside_its_discs():
    G = nx.les_miserables_graph()
    part = {v: c for c, members in enumerate(nx.community.louvain_communities(G, seed=1)) for v in members}
    scores = nx.pagerank(G)
    m = layout_map(G, part, scores, max_nodes=30, leaders=["Valjean"], bridges=["Javert"], seed=2)
    assert m == layout_map(G, part, scores, max_nodes=30, leaders=["Valjean"], bridges=["Javert"], seed=2)
    assert m.n_shown == 30 and m.n_actors == G.number_of_nodes()
    assert sum(g.size for g in m.groups) == G.number_of_nodes()
    assert sum(g.shown for g in m.groups) == 30
    discs = {g.community: g for g in m.groups}
    for n in m.nodes:
        g = discs[n.community]
        assert ((n.x - g.x) ** 2 + (n.y - g.y) ** 2) ** 0.5 <= g.r
        assert 0 <= n.x <= m.width and 0 <= n.y <= m.height
    # the best-scored actors are drawn, labelled, biggest; the bridge is outlined
    top = max(scores, key=scores.get)
    node = {n.actor: n for n in m.nodes}
    assert node[top].label == top and node[top].r == max(n.r for n in m.nodes)
    assert node["Javert"].bridge
    # communities do not overlap
    gs = list(m.groups)
    for i, a in enumerate(gs):
        for b in gs[i + 1:]:
            assert ((a.x - b.x) ** 2 + (a.y - b.y) ** 2) ** 0.5 >= a.r + b.r


def test_layout_map_competitors_are_drawn_and_labelled_once_per_brand():
    G = nx.DiGraph([(f"u{i}", "brand-a") for i in range(9)] + [("u1", "brand-a2"), ("u2", "x")]
                   + [(f"u{i}", f"u{i + 1}") for i in range(8)])
    part = {v: 0 for v in G}
    scores = {v: float(d) for v, d in G.in_degree() if not v.startswith("brand")}
    m = layout_map(G, part, scores, max_nodes=3, competitors={"brand-a": "A", "brand-a2": "A"})
    node = {n.actor: n for n in m.nodes}
    assert node["brand-a"].competitor and node["brand-a"].label == "A"
    assert node["brand-a2"].competitor and node["brand-a2"].label == ""
    assert node["brand-a"].score is None


def test_layout_map_rejects_bad_max_nodes():
    with pytest.raises(ValueError):
        layout_map(nx.path_graph(3), {}, {}, max_nodes=0)


# -- charts ------------------------------------------------------------------------------------------


def _ids_resolve(svg: str) -> None:
    ids = set(re.findall(r'\bid="([^"]+)"', svg))
    refs = re.findall(r'url\(#([^)]+)\)', svg) + re.findall(r'href="#([^"]+)"', svg)
    assert refs and all(r in ids for r in refs)


def test_charts_are_inline_svg_with_prefixed_ids_and_deterministic():
    calendar = [[0] * 24 for _ in range(7)]
    calendar[2][9] = 5
    charts = {
        "topics": topic_heatmap(["a / b", "c / d"], ["X", "Y"], {"X": [0.7, 0.3], "Y": [0.0, 1.0]},
                                [0.5, 0.5], {"Y": [0]}),
        "calendar": publication_calendar({"X": calendar, "Y": calendar}),
        "sov": share_of_voice_chart(["2026-01-05", "2026-01-12"], {"X": [0.4, None], "Y": [0.6, None]},
                                    {"X": 0.4, "Y": 0.6}),
        "sentiment": sentiment_bars({"X": (3, 1, 1), "Y": (0, 2, 2)}, {"X": 0.4, "Y": -0.5}),
    }
    for name, svg in charts.items():
        assert svg.startswith('<svg role="img"') and svg.endswith("</svg>")
        assert "http" not in svg and "<?xml" not in svg
        assert f'id="{name}-figure_1"' in svg
        _ids_resolve(svg)
    assert "70%" in charts["topics"] and "Sector" in charts["topics"]
    assert "X (5 posts)" in charts["calendar"]
    assert "net -0.50" in charts["sentiment"] and "net +0.40" in charts["sentiment"]
    assert sentiment_bars({"X": (3, 1, 1), "Y": (0, 2, 2)}, {"X": 0.4, "Y": -0.5}) == charts["sentiment"]


def test_charts_without_data_say_so():
    assert "no mentions of any competitor" in sentiment_bars({"X": (0, 0, 0)})
    assert "no dated mentions" in share_of_voice_chart([], {"X": []})
    assert "no topics" in topic_heatmap([], ["X"], {}, [])


def test_charts_leave_matplotlib_state_alone():
    import matplotlib

    before = dict(matplotlib.rcParams)
    sentiment_bars({"X": (1, 1, 1)})
    assert dict(matplotlib.rcParams) == before


def test_inline_svg_only_rewrites_its_own_ids():
    svg = inline_svg('<svg xmlns:xlink="http://www.w3.org/1999/xlink"><use xlink:href="#a"/>'
                     '<g id="a"/><g clip-path="url(#elsewhere)"/></svg>', "k")
    assert svg == '<svg role="img"><use xlink:href="#k-a"/><g id="k-a"/><g clip-path="url(#elsewhere)"/></svg>'


# -- the file ------------------------------------------------------------------------------------------


def test_write_html_is_atomic_and_replaces(tmp_path):
    out = tmp_path / "r.html"
    out.write_text("old")
    n = write_html("<p>é</p>", out)
    assert n == len("<p>é</p>".encode()) and out.read_text(encoding="utf-8") == "<p>é</p>"
    assert sorted(os.listdir(tmp_path)) == ["r.html"]  # no temporary file left behind
    with pytest.raises(IsADirectoryError):
        write_html("x", tmp_path)
    with pytest.raises(OSError):
        write_html("x", tmp_path / "missing" / "r.html")


# -- the CLI -------------------------------------------------------------------------------------------


def test_help_does_not_import_the_report_libraries():
    import subprocess
    import sys

    code = ("import sys; from click.testing import CliRunner; from influence_cli import cli; "
            "CliRunner().invoke(cli, ['report', '--help']); "
            "print(sorted(m for m in ('matplotlib', 'jinja2', 'networkx') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.fixture
def small_db(tmp_path):
    from influence.datasets import make_sector

    path = tmp_path / "small.db"
    with Store(path) as store:
        store.write(make_sector(seed=1, scale=0.1).records())
    return path


def test_cli_writes_the_report(tmp_path, small_db):
    out = tmp_path / "report.html"
    r = CliRunner().invoke(cli, ["report", str(small_db), "-o", str(out), "--top", "7",
                                 "--map-nodes", "50", "--title", "Small"])
    assert r.exit_code == 0, r.output
    html = out.read_text(encoding="utf-8")
    assert "<title>Small</title>" in html
    assert html.count('<tr data-actor="') == 7
    assert re.search(r"Wrote .*report\.html \(\d+\.\d KB\)", r.stderr)
    assert r.stdout == ""
    assert sorted(os.listdir(tmp_path)) == ["report.html", "small.db"]
    # a store without declared competitors: the section says so
    assert "No competitors declared" in html


@pytest.mark.parametrize("args, message", [
    (["-o", "{tmp}"], "is a directory"),
    ([], "Missing option '-o'"),
    (["-o", "{tmp}/nope/r.html"], "does not exist"),
    (["-o", "{tmp}/r.html", "--top", "0"], "--top"),
    (["-o", "{tmp}/r.html", "--set", "measures.pagerank=high"], "measures.pagerank"),
    (["-o", "{tmp}/r.html", "--config", "{tmp}/missing.toml"], "no such config file"),
    (["-o", "{tmp}/r.html", "--topics", "0"], "--topics"),
    (["-o", "{tmp}/r.html", "--sentiment-model", "{tmp}/missing.pkl"], "missing.pkl: no such model file"),
])
def test_cli_bad_input_exits_2_without_traceback(tmp_path, small_db, args, message):
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    r = CliRunner().invoke(cli, ["report", str(small_db), *args])
    assert r.exit_code == 2, r.output
    assert message in r.output
    assert "Traceback" not in r.output
    assert not (tmp_path / "r.html").exists()


def test_cli_missing_sector_exits_2(tmp_path):
    r = CliRunner().invoke(cli, ["report", str(tmp_path / "nope.toml"), "-o", str(tmp_path / "r.html")])
    assert r.exit_code == 2 and "no such sector file" in r.output


def test_cli_empty_store_exits_2(tmp_path):
    db = tmp_path / "empty.db"
    Store(db).close()
    r = CliRunner().invoke(cli, ["report", str(db), "-o", str(tmp_path / "r.html")])
    assert r.exit_code == 2 and "nothing" in r.output
    assert not (tmp_path / "r.html").exists()


def test_summary_shows_each_sources_crawl_dates():
    sector = _bare_sector()
    sector = Sector(name="bare", store=sector.store,
                    sources=({"type": "feed", "urls": ["https://blog.example/feed"]},
                             {"type": "web", "seeds": ["https://blog.example/"]}))
    sector.store.write_crawl_batch([], source="feed[0]",
                                   state={"run.first": '"2026-03-01T10:00:00+00:00"',
                                          "run.last": '"2026-04-02T09:30:00+00:00"'})
    data = build_report(sector)
    by_name = {s.name: s for s in data.summary.sources}
    assert by_name["feed[0]"].first_crawl.startswith("2026-03-01")
    assert by_name["feed[0]"].last_crawl.startswith("2026-04-02")
    assert by_name["web[1]"].last_crawl is None
    html = render_html(data)
    assert "2026-03-01 to 2026-04-02" in html and "not yet" in html


def test_layout_map_merges_communities_beyond_max_groups():
    # 30 cliques of decreasing size, in 30 communities: only the 5 largest get their own disc
    G = nx.DiGraph()
    part = {}
    for c in range(30):
        members = [f"c{c}n{i}" for i in range(3 + (30 - c))]
        G.add_edges_from((a, b) for a in members for b in members if a != b)
        part.update(dict.fromkeys(members, c))
    scores = nx.pagerank(G)
    m = layout_map(G, part, scores, max_nodes=50, max_groups=5, seed=0)
    own = sorted(g.community for g in m.groups if g.community != -1)
    assert own == [0, 1, 2, 3, 4]
    other = [g for g in m.groups if g.community == -1]
    assert len(other) == 1 and other[0].label == "smaller communities"
    assert other[0].size == sum(3 + (30 - c) for c in range(5, 30))
    assert sum(g.size for g in m.groups) == G.number_of_nodes()
    with pytest.raises(ValueError, match="max_groups"):
        layout_map(G, part, scores, max_groups=0)


def test_cli_topics_and_sentiment_model_reach_the_competitor_map(tmp_path):
    import tomli_w

    from influence.datasets import make_sector
    from influence.sentiment import train_classifier

    demo = make_sector(seed=1, scale=0.15)
    with Store(tmp_path / "small.db") as store:
        store.write(demo.records())
    sector = {"name": "small", "store": "small.db", "languages": list(demo.languages),
              "competitors": [{"name": c["name"], "handles": list(c.get("handles", ())),
                               "domains": list(c.get("domains", ()))} for c in demo.competitors]}
    (tmp_path / "small.toml").write_text(tomli_w.dumps(sector), encoding="utf-8")
    model = train_classifier(["great coffee, love it", "awful, late and cold", "it is a shop"] * 4,
                             ["positive", "negative", "neutral"] * 4)
    model.save(tmp_path / "m.npz")
    out = tmp_path / "r.html"
    r = CliRunner().invoke(cli, ["report", str(tmp_path / "small.toml"), "-o", str(out), "--topics", "3",
                                 "--sentiment-model", str(tmp_path / "m.npz"), "--map-nodes", "40"])
    assert r.exit_code == 0, r.output
    html = out.read_text(encoding="utf-8")
    assert "3 NMF topics (given)" in html and "sentiment: TrainedClassifier" in html


def test_large_sectors_estimate_reach_on_rr_sets(monkeypatch):
    """From RIS_MIN_NODES actors on, the reach section samples RR sets (as `shortlist --strategy
    reach` does there) instead of 200 live-edge worlds; the estimates agree with the worlds'."""
    import influence.reach as reach_pkg
    from influence.reach import _selection

    sector = small_sector(scale=0.12)
    worlds_data = quick(sector, top=8)
    assert worlds_data.reach.params["estimate"] == "worlds"
    assert worlds_data.reach.params["method"] == "celf"
    n = worlds_data.summary.graph["nodes"]
    monkeypatch.setattr(reach_pkg, "RIS_MIN_NODES", n)  # the report's switch
    monkeypatch.setattr(_selection, "RIS_MIN_NODES", n)  # select_reach's own
    data = quick(sector, top=8)
    assert data.reach.params["estimate"] == "rr_sets" and data.reach.params["method"] == "ris"
    assert data.reach.params["estimate_sets"] >= reach_pkg.RIS_MIN_SETS
    method = dict(data.summary.parameters)["reach"]
    assert method.startswith("Independent Cascade, weighted cascade, ") and "reverse-reachable sets" in method
    assert "live-edge worlds" in dict(worlds_data.summary.parameters)["reach"]
    # the same quantities, estimated two ways: within a few percent (200 worlds vs 100k+ sets)
    for a, b in zip(worlds_data.shortlist, data.shortlist):
        assert a.actor == b.actor
        assert b.expected_reach == pytest.approx(a.expected_reach, rel=0.15, abs=0.5)
    assert data.reach.shortlist_reach == pytest.approx(worlds_data.reach.shortlist_reach, rel=0.05)
    assert data.reach.picks_reach >= data.reach.shortlist_reach * 0.97
