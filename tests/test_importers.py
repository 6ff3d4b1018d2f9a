import gzip
import json

import networkx as nx
import pytest

from influence.errors import InputDataError
from influence.importers import import_file, read_records
from influence.records import Actor, Interaction, Post

CSV = """source,target,kind,timestamp,weight,platform,post_id
ana,bob,reply,2026-01-05T10:00:00Z,,forum,
1,2,mention,,2,,
web:a.example,https://www.b.example/post,link,2026-01-06,,,p9
"""


def test_interactions_csv(tmp_path, store):
    p = tmp_path / "i.csv"
    p.write_text(CSV)
    rep = import_file(store, p)
    assert rep.record_type == "interactions" and rep.rows == 3
    got = {(i.source, i.target, i.kind.value, i.weight, i.post) for i in store.interactions()}
    assert got == {
        ("forum:ana", "forum:bob", "reply", 1.0, None),
        ("import:1", "import:2", "mention", 2.0, None),
        ("web:a.example", "web:b.example", "link", 1.0, "p9"),
    }
    assert import_file(store, p).new == {"actors": 0, "posts": 0, "interactions": 0}


def test_bad_row_names_its_line_and_writes_nothing(tmp_path, store):
    lines = ["source,target,kind,timestamp"] + [f"a{i},b{i},mention,2026-01-0{i}" for i in range(1, 9)]
    lines[6] = "a6,b6,poke,2026-01-06"  # line 7 of the file
    p = tmp_path / "bad.csv"
    p.write_text("\n".join(lines) + "\n")
    store.write([Interaction("import:x", "import:y", "like")])
    before = store.counts()
    with pytest.raises(InputDataError) as info:
        import_file(store, p)
    assert info.value.line == 7 and "line 7" in str(info.value) and "poke" in str(info.value)
    assert store.counts() == before
    rep = import_file(store, p, skip_bad_rows=True)
    assert rep.skipped == 1 and rep.new["interactions"] == 7 and "line 7" in rep.errors[0]


@pytest.mark.parametrize(
    "row, message",
    [
        ("a,b,mention", "expected 4 fields"),
        ("a,b,mention,2026-01-01,extra", "expected 4 fields"),
        (",b,mention,", "missing value for source"),
        ("a,b,mention,someday", "invalid timestamp"),
        ("a,b,,", "missing value for kind"),
    ],
)
def test_malformed_rows(tmp_path, store, row, message):
    p = tmp_path / "x.csv"
    p.write_text("source,target,kind,timestamp\nok1,ok2,like,\n" + row + "\n")
    with pytest.raises(InputDataError) as info:
        import_file(store, p)
    assert info.value.line == 3 and message in str(info.value)
    assert store.counts()["interactions"] == 0


def test_quoted_multiline_cells_keep_line_numbers(tmp_path, store):
    p = tmp_path / "posts.csv"
    p.write_text('id,author,text\np1,ana,"one\ntwo"\np2,,x\n')
    with pytest.raises(InputDataError) as info:
        import_file(store, p)
    assert info.value.line == 4  # the bad row starts on line 4, after a 2-line row


def test_header_problems(tmp_path, store):
    p = tmp_path / "h.csv"
    p.write_text("from,to\na,b\n")
    with pytest.raises(InputDataError, match="cannot tell what this file holds"):
        import_file(store, p)
    p.write_text("source,target\na,b\n")
    with pytest.raises(InputDataError, match="missing column.*kind"):
        import_file(store, p)
    assert import_file(store, p, kind="like").new["interactions"] == 1  # a default kind fills in
    p.write_text("")
    with pytest.raises(InputDataError, match="empty file"):
        import_file(store, p)


def test_posts_and_actors(tmp_path, store):
    (tmp_path / "a.csv").write_text("id,name,followers,competitor\nmastodon:@x@h.example,X,10,\nweb:brand.example,Brand,,Brand\n")
    (tmp_path / "p.jsonl").write_text(
        json.dumps({"id": "p1", "author": "mastodon:@x@h.example", "timestamp": "2026-01-01", "text": "hola",
                    "likes": 4}) + "\n\n"
        + json.dumps({"id": "p2", "author": "web:brand.example", "text": "news", "replies": 1}) + "\n"
    )
    assert import_file(store, tmp_path / "a.csv").record_type == "actors"
    assert import_file(store, tmp_path / "p.jsonl").record_type == "posts"
    actors = {a.id: a for a in store.actors()}
    assert actors["mastodon:@x@h.example"].followers == 10 and actors["web:brand.example"].competitor == "Brand"
    posts = {p.id: p for p in store.posts()}
    assert posts["p1"].likes == 4 and posts["p2"].replies == 1


def test_jsonl_bad_line(tmp_path, store):
    p = tmp_path / "i.jsonl"
    p.write_text('{"source": "a", "target": "b", "kind": "like"}\n{"source": "a", "target": \n')
    with pytest.raises(InputDataError) as info:
        import_file(store, p)
    assert info.value.line == 2 and "invalid JSON" in str(info.value)


def test_edgelist_and_gzip(tmp_path, store):
    text = "# comment\n1 2\n2 3 4\n\n3 1 0.5\n"
    (tmp_path / "g.edgelist").write_text(text)
    with gzip.open(tmp_path / "g2.txt.gz", "wt") as fh:
        fh.write(text)
    import_file(store, tmp_path / "g.edgelist", kind="reshare", platform="net")
    w = {(i.source, i.target): (i.kind.value, i.weight) for i in store.interactions()}
    assert w == {("net:1", "net:2"): ("reshare", 1.0), ("net:2", "net:3"): ("reshare", 4.0),
                 ("net:3", "net:1"): ("reshare", 0.5)}
    recs = list(read_records(tmp_path / "g2.txt.gz"))
    assert len(recs) == 3 and recs[0].kind.value == "mention"  # default kind
    (tmp_path / "bad.edgelist").write_text("1 2\n1 2 3 4\n")
    with pytest.raises(InputDataError, match="line 2"):
        list(read_records(tmp_path / "bad.edgelist"))


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "gml"])
def test_graph_files(tmp_path, store, fmt):
    G = nx.DiGraph()
    G.add_node("a", label="Ana")
    G.add_node("b", label="Bob")
    G.add_edge("a", "b", weight=2.0, kind="reply")
    G.add_edge("b", "c", weight=1.0)
    path = tmp_path / f"g.{fmt}"
    getattr(nx, f"write_{fmt}")(G, path)
    import_file(store, path, platform="x")
    got = {(i.source, i.target): (i.kind.value, i.weight) for i in store.interactions()}
    assert got == {("x:a", "x:b"): ("reply", 2.0), ("x:b", "x:c"): ("mention", 1.0)}
    if fmt != "gml":  # GML uses the label as the node id
        assert {a.id: a.name for a in store.actors()}["x:a"] == "Ana"


def test_undirected_graph_file_gives_both_directions(tmp_path, store):
    G = nx.Graph([("a", "b")])
    nx.write_graphml(G, tmp_path / "u.graphml")
    import_file(store, tmp_path / "u.graphml")
    assert {(i.source, i.target) for i in store.interactions()} == {("import:a", "import:b"), ("import:b", "import:a")}


def test_unreadable_inputs(tmp_path, store):
    with pytest.raises(InputDataError, match="no such file"):
        import_file(store, tmp_path / "missing.csv")
    (tmp_path / "x.xlsx").write_text("")
    with pytest.raises(InputDataError, match="cannot tell the format"):
        import_file(store, tmp_path / "x.xlsx")
    (tmp_path / "bad.graphml").write_text("<graphml><oops")
    with pytest.raises(InputDataError, match="cannot read GRAPHML"):
        import_file(store, tmp_path / "bad.graphml")
    (tmp_path / "latin.csv").write_bytes("source,target,kind,timestamp\ncaf\xe9,b,like,\n".encode("latin-1"))
    with pytest.raises(InputDataError, match="not UTF-8"):
        import_file(store, tmp_path / "latin.csv")
    assert store.counts()["interactions"] == 0


def test_records_types(tmp_path):
    p = tmp_path / "i.csv"
    p.write_text(CSV)
    assert all(isinstance(r, Interaction) for r in read_records(p))
    assert not any(isinstance(r, (Actor, Post)) for r in read_records(p))


def test_platform_option_any_platform(tmp_path, store):
    p = tmp_path / "m.csv"
    p.write_text("source,target,kind,timestamp\nana@a.example,bob@b.example,reply,\n")
    import_file(store, p, platform="mastodon")
    (i,) = store.interactions()
    assert (i.source, i.target) == ("mastodon:@ana@a.example", "mastodon:@bob@b.example")
    with pytest.raises(InputDataError, match="invalid platform name"):
        import_file(store, p, platform="Not A Platform")


def test_progress_callback(tmp_path, store):
    p = tmp_path / "big.edgelist"
    p.write_text("".join(f"{i} {i + 1}\n" for i in range(25_000)))
    seen = []
    import_file(store, p, progress=seen.append)
    assert seen == [10_000, 20_000, 25_000]


def test_rel_and_tags_columns(tmp_path, store):
    (tmp_path / "i.csv").write_text("source,target,kind,timestamp,rel\nweb:a.example,web:b.example,link,,Sponsored nofollow\n")
    (tmp_path / "p.csv").write_text('id,author,text,tags\np1,web:a.example,hola,"café;latte art"\n')
    import_file(store, tmp_path / "i.csv")
    import_file(store, tmp_path / "p.csv")
    (i,) = store.interactions()
    (p,) = store.posts()
    assert i.rel == "nofollow sponsored" and p.tags == ("café", "latte art")
