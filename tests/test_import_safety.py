"""Issue 14, items 9, 10 and 11: whatever a file holds, an import ends with a clear line-numbered
error (exit 2, store unchanged) or imports the good rows, in bounded memory."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import sqlite3
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from influence import importers
from influence import store as store_module
from influence.errors import InputDataError
from influence.importers import import_file
from influence.records import Actor, Interaction, Post
from influence.store import Store
from influence_cli import cli

DEEP = "[" * 100_000 + "]" * 100_000
ROW = '{"source": "a", "target": "b", "kind": "reply"}'


def _invoke(*args: str):
    r = CliRunner().invoke(cli, ["import", *args])
    assert "Traceback" not in r.output, r.output
    return r


# -- item 9: nesting, huge numbers, unexpected exceptions -----------------------------------------


@pytest.mark.parametrize("lines, bad", [([ROW, DEEP], 2), ([DEEP, ROW], 1)])
def test_deeply_nested_json_is_a_line_numbered_error(tmp_path, lines, bad):
    f = tmp_path / "deep.jsonl"
    f.write_text("\n".join(lines) + "\n")
    with Store(tmp_path / "s.db") as s, pytest.raises(InputDataError, match=f"line {bad}: .*nested too deeply"):
        import_file(s, f)
    r = _invoke(str(tmp_path / "c.db"), str(f))
    assert r.exit_code == 2 and f"line {bad}: invalid JSON: nested too deeply" in r.stderr
    assert not (tmp_path / "c.db").exists()  # a failed first import leaves no store
    # the bad row is skipped, even when it is the first one (which tells what the file holds)
    r = _invoke(str(tmp_path / "c.db"), str(f), "--skip-bad-rows")
    assert r.exit_code == 0, r.output
    assert "1 bad row skipped" in r.stderr and f"line {bad}" in r.stderr
    with Store(tmp_path / "c.db") as s:
        assert [(i.source, i.target) for i in s.interactions()] == [("import:a", "import:b")]


def test_a_bad_first_json_row_is_skippable(tmp_path, store):
    f = tmp_path / "x.jsonl"
    f.write_text('{"id": "a", oops\n\n{"foo": 1}\n{"id": "b", "followers": 3}\n{"id": "c"}\n')
    with pytest.raises(InputDataError, match="line 1: invalid JSON"):
        import_file(store, f)
    rep = import_file(store, f, skip_bad_rows=True)
    assert rep.record_type == "actors" and rep.skipped == 2 and rep.rows == 4
    assert rep.errors[1].startswith(f"{f}: line 3: cannot tell what this file holds")
    assert {a.id: a.followers for a in store.actors()} == {"import:b": 3, "import:c": None}


@pytest.mark.parametrize(
    "row, message",
    [
        ('{"id": "a", "followers": 1e30}', "followers must be a whole number"),
        ('{"id": "a", "followers": ' + "9" * 5000 + "}", "invalid JSON: a number with too many digits"),
        ('{"id": "a", "followers": NaN}', "followers must be a whole number"),
        ('{"id": {"nested": 1}}', "id must be a string or a number, got a JSON object"),
        ('{"id": "a", "name": ["x"]}', "name must be a string or a number, got a JSON array"),
    ],
)
def test_huge_or_nested_values_are_line_numbered_errors(tmp_path, store, row, message):
    f = tmp_path / "a.jsonl"
    f.write_text('{"id": "ok"}\n' + row + "\n")
    with pytest.raises(InputDataError) as info:
        import_file(store, f)
    assert info.value.line == 2 and message in str(info.value)
    assert store.counts()["actors"] == 0
    assert import_file(store, f, skip_bad_rows=True).skipped == 1


def test_huge_weights_never_sum_to_infinity(tmp_path):
    f = tmp_path / "w.jsonl"
    big = '{"source": "a", "target": "b", "kind": "reply", "weight": 1.5e308}\n'
    f.write_text(big + big + ROW + "\n")
    r = _invoke(str(tmp_path / "w.db"), str(f))
    assert r.exit_code == 2 and "line 1: weight must be a finite number > 0 and <= 1e12" in r.stderr
    r = _invoke(str(tmp_path / "w.db"), str(f), "--skip-bad-rows")
    assert r.exit_code == 0 and "2 bad rows skipped" in r.stderr
    f.write_text('{"source": "a", "target": "b", "kind": "reply", "weight": 1e12}\n' * 3)
    assert _invoke(str(tmp_path / "w.db"), str(f)).exit_code == 0
    with Store(tmp_path / "w.db") as s:
        assert [i.weight for i in s.interactions()] == [1e12]  # summed duplicates are capped
    r = CliRunner().invoke(cli, ["rank", str(tmp_path / "w.db"), "--no-communities", "-q"])
    assert r.exit_code == 0 and "did not converge" not in r.output


def test_any_exception_of_a_row_becomes_a_line_numbered_error(tmp_path, store, monkeypatch):
    real = importers._build

    def flaky(record_type, row, platform, kind):
        if row.get("source") == "boom":
            raise ZeroDivisionError("division by zero")
        return real(record_type, row, platform, kind)

    monkeypatch.setattr(importers, "_build", flaky)
    f = tmp_path / "x.csv"
    f.write_text("source,target,kind\nboom,b,reply\na,b,reply\n")
    with pytest.raises(InputDataError, match=r"line 2: cannot read this row \(ZeroDivisionError"):
        import_file(store, f)
    assert import_file(store, f, skip_bad_rows=True).new["interactions"] == 1


@pytest.mark.parametrize(
    "name, text",
    [
        # a GML label that is a list: networkx raised TypeError (unhashable type: 'dict')
        ("x.gml", "graph [ node [ id 0 label [ x 1 ] ] ]"),
        ("x.gml", "graph [" * 5000 + "]" * 5000),  # RecursionError
        ("x.gexf", '<gexf xmlns="http://www.gexf.net/1.2draft" version="1.2"><graph><edges>'
                   '<edge id="0" source="a"/></edges></graph></gexf>'),
        ("x.graphml", '<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><graph edgedefault="directed">'
                      '<node id="a"><data key="d9">1</data></node></graph></graphml>'),
    ],
)
def test_graph_file_parser_errors_are_input_errors(tmp_path, store, name, text):
    f = tmp_path / name
    f.write_text(text)
    with pytest.raises(InputDataError, match=r"cannot read (GEXF|GRAPHML|GML): "):
        import_file(store, f)
    r = _invoke(str(tmp_path / "g.db"), str(f), "--skip-bad-rows")
    assert r.exit_code == 2 and r.stderr.startswith("Error: ")


def test_a_bad_graph_node_is_skippable(tmp_path, store):
    f = tmp_path / "g.graphml"
    g = ('<graphml xmlns="http://graphml.graphdrawing.org/xmlns">'
         '<key id="f" for="node" attr.name="followers" attr.type="double"/>'
         '<graph edgedefault="directed"><node id="a"><data key="f">1e30</data></node><node id="b"/>'
         '<node id="c"/><edge source="a" target="b"/><edge source="c" target="b"/></graph></graphml>')
    f.write_text(g)
    with pytest.raises(InputDataError, match="node 'a': followers must be"):
        import_file(store, f)
    rep = import_file(store, f, skip_bad_rows=True)
    assert rep.skipped == 2 and "edge 1 ('a' -> 'b'): node 'a' was refused" in rep.errors[1]
    assert [(i.source, i.target) for i in store.interactions()] == [("import:c", "import:b")]


# -- item 10: a stray quote costs one row ---------------------------------------------------------


def _stray_quote_csv(tmp_path) -> Path:
    f = tmp_path / "q.csv"
    f.write_text("source,target,kind\na,\"b,reply\n" + "".join(f"u{i},v{i},reply\n" for i in range(1, 101)))
    return f


def test_a_stray_quote_costs_one_row(tmp_path):
    f = _stray_quote_csv(tmp_path)
    db = tmp_path / "q.db"
    r = _invoke(str(db), str(f), "--skip-bad-rows")
    assert r.exit_code == 0, r.output
    assert "1 bad row skipped" in r.stderr and "skipped: " + str(f) + ": line 2: a quoted value" in r.stderr
    with Store(db) as s:
        assert s.counts()["interactions"] == 100
        assert ("import:u100", "import:v100") in {(i.source, i.target) for i in s.interactions()}
        before = s.counts()
    r = _invoke(str(db), str(f))
    assert r.exit_code == 2 and f"{f}: line 2: a quoted value still open after 100 lines" in r.stderr
    with Store(db) as s:
        assert s.counts() == before


def test_a_quote_open_at_the_end_of_the_file(tmp_path, store):
    f = tmp_path / "e.csv"
    f.write_text('source,target,kind\nu,v,reply\na,"b,reply\nc,d,reply\n')
    with pytest.raises(InputDataError, match="line 3: a quoted value is still open at the end of the file"):
        import_file(store, f)
    rep = import_file(store, f, skip_bad_rows=True)
    assert rep.skipped == 1 and rep.new["interactions"] == 2


def test_a_quote_that_joins_lines_into_too_many_fields(tmp_path, store):
    f = tmp_path / "j.csv"
    f.write_text('source,target,kind\na,"b,reply\nc,d",reply,x\ne,f,reply\n')
    rep = import_file(store, f, skip_bad_rows=True)
    assert rep.errors[0].endswith('line 2: expected 3 fields as in the header, got 4 (on 2 lines, '
                                  'joined by a quoted value)')
    assert {(i.source, i.target) for i in store.interactions()} == {("import:e", "import:f")}
    assert rep.skipped == 2  # line 2, then line 3 on its own (4 fields)


def test_multiline_values_and_line_ends_still_read(tmp_path, store):
    f = tmp_path / "p.csv"
    # a quoted value over 3 lines, CRLF line ends, a BOM; then a lone-CR file
    f.write_bytes('\ufeffid,author,text\r\np1,ana,"one\r\ntwo\r\nthree"\r\np2,bob,x\r\n'.encode())
    rep = import_file(store, f)
    assert rep.rows == 2 and {p.id: p.text for p in store.posts()}["p1"] == "one\ntwo\nthree"
    g = tmp_path / "mac.csv"
    g.write_bytes(b"source,target,kind\ra,b,reply\rc,\"d\",reply\r")
    assert import_file(store, g).rows == 2
    h = tmp_path / "bad.csv"
    h.write_text("source,target,kind\na,b,reply\nc,d,poke\n", newline="\r")
    with pytest.raises(InputDataError, match="line 3: unknown interaction kind"):
        import_file(store, h)


# -- item 11: bounded lines and fields, batched writes --------------------------------------------


def test_a_line_over_the_cap_is_a_line_numbered_error(tmp_path, store, monkeypatch):
    monkeypatch.setattr(importers, "MAX_LINE_BYTES", 1000)
    f = tmp_path / "long.jsonl.gz"
    with gzip.open(f, "wt") as fh:
        fh.write('{"id": "a"}\n{"id": "' + "x" * 200_000 + '"}\n{"id": "b"}\n')
    with pytest.raises(InputDataError, match=r"line 2: line longer than 1,000 bytes"):
        import_file(store, f)
    rep = import_file(store, f, skip_bad_rows=True)
    assert rep.skipped == 1 and [a.id for a in store.actors()] == ["import:a", "import:b"]
    c = tmp_path / "long.csv"
    c.write_text("id,bio\na,\"" + "y\n" * 600 + "\"\nb,short\n")  # one record of 1,200 bytes
    rep = import_file(store, c, skip_bad_rows=True)
    assert "line 2: a quoted value still open after" in rep.errors[0]


def test_a_field_over_csv_default_limit_is_read(tmp_path, store):
    f = tmp_path / "big.csv"
    f.write_text("id,author,text\np1,ana,\"" + "z" * 500_000 + '"\n')  # csv's default limit: 131,072
    assert import_file(store, f).new["posts"] == 1
    assert len(next(store.posts()).text) == 500_000


def test_undecodable_line_is_a_line_numbered_error(tmp_path, store):
    f = tmp_path / "latin.csv"
    f.write_bytes(b"id,name\na,Ana\nb,Jos\xe9\nc,Carla\n")
    with pytest.raises(InputDataError, match=r"line 3: not UTF-8 text \(byte 0xe9 at byte 6 of the line\)"):
        import_file(store, f)
    assert import_file(store, f, skip_bad_rows=True).new["actors"] == 2
    f.write_bytes(b'id,bio\na,"one\nJos\xe9"\nc,Carla\n')  # a quoted value runs into it
    rep = import_file(store, f, skip_bad_rows=True)
    assert [e.split(": ", 1)[1] for e in rep.errors] == [
        "line 2: a quoted value runs into line 3, which cannot be read",
        "line 3: not UTF-8 text (byte 0xe9 at byte 4 of the line)",
    ]


def test_write_streams_records_in_batches(tmp_path, monkeypatch):
    monkeypatch.setattr(store_module, "WRITE_BATCH", 100)
    seen = []
    with Store(tmp_path / "b.db") as s:
        s.write([Actor("import:old", name="Old")])
        before = s.fingerprint()

        def records(fail: bool):
            for i in range(1_000):
                if i % 250 == 0:  # rows already handed to SQLite, inside the open transaction
                    seen.append(s._conn.execute("SELECT count(*) FROM actors").fetchone()[0])
                yield Actor(f"import:a{i}", followers=i)
                yield Post(f"p{i}", f"import:a{i}", text="t")
            if fail:
                raise InputDataError("bad last row", line=2001)

        with pytest.raises(InputDataError):
            s.write(records(fail=True))
        # handed to SQLite at most 100 held records (actors, posts, referenced ids) behind, not at
        # the end (250 * k actors had been yielded at the k-th look; "import:old" is the + 1)
        assert all(250 * k - 100 <= n - 1 <= 250 * k for k, n in enumerate(seen)), seen
        assert s.counts() == {"actors": 1, "posts": 0, "interactions": 0}
        assert s.fingerprint() == before  # one transaction: a failed write leaves nothing
        assert s.write(records(fail=False)) == {"actors": 1_000, "posts": 1_000, "interactions": 0}


@settings(max_examples=30, deadline=None, database=None)
@given(st.lists(st.tuples(st.sampled_from("AIP"), st.integers(0, 5), st.integers(0, 5),
                          st.one_of(st.none(), st.integers(0, 9))), max_size=40),
       st.integers(1, 7))
def test_batched_writes_equal_one_batch(rows, batch):
    recs = []
    for t, a, b, n in rows:
        if t == "A":
            recs.append(Actor(f"import:{a}", name=None if n is None else f"n{n}", followers=n))
        elif t == "P":
            recs.append(Post(f"p{b}", f"import:{a}", text="" if n is None else f"t{n}", likes=n))
        else:
            recs.append(Interaction(f"import:{a}", f"import:{b}", "reply", weight=1 + (n or 0)))
    prints = []
    for size in (batch, 10**9):
        old = store_module.WRITE_BATCH
        store_module.WRITE_BATCH = size
        try:
            with Store(":memory:") as s:
                s.write(recs)
                prints.append(s.fingerprint())
        finally:
            store_module.WRITE_BATCH = old
    assert prints[0] == prints[1]


# -- property: any bytes, rows or documents give exit 0 or 2, never a traceback --------------------


@pytest.fixture(scope="module")
def base_store(tmp_path_factory):
    """A store holding a few rows, its fingerprint and counts (so "unchanged" means something)."""
    d = tmp_path_factory.mktemp("base")
    path = d / "base.db"
    (d / "a.jsonl").write_text('{"id": "ana", "name": "Ana", "followers": 10}\n')
    (d / "p.jsonl").write_text('{"id": "p1", "author": "ana", "timestamp": "2024-01-01", "text": "hola"}\n')
    (d / "i.csv").write_text("source,target,kind,timestamp,weight\nbob,ana,reply,2024-01-02,2\ncid,ana,mention,,\n")
    # made by the CLI, so that opening it again for an import changes nothing (sector name set)
    files = [str(d / n) for n in ("a.jsonl", "p.jsonl", "i.csv")]
    assert CliRunner().invoke(cli, ["import", str(path), *files]).exit_code == 0
    with Store(path, readonly=True) as s:  # read-only: no fingerprint cached in the file
        return path, s.fingerprint(), s.counts()


def _check_import(base_store, name: str, data: bytes, skip: bool) -> None:
    base, fingerprint, counts = base_store
    with tempfile.TemporaryDirectory() as d:
        db = Path(d) / "s.db"
        shutil.copyfile(base, db)
        f = Path(d) / name
        f.write_bytes(data)
        r = CliRunner().invoke(cli, ["import", str(db), str(f)] + (["--skip-bad-rows"] if skip else []))
        assert r.exit_code in (0, 2), (r.exit_code, r.output, r.exception)
        assert "Traceback" not in r.output, r.output
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        finally:
            con.close()
        if r.exit_code == 2:
            assert r.stderr.startswith("Error: ") and r.stderr.count("\n") == 1, r.stderr
            assert db.read_bytes() == base.read_bytes()  # byte for byte
            with Store(db, readonly=True) as s:
                assert s.counts() == counts and s.fingerprint() == fingerprint


# INFLUENCE_FUZZ_EXAMPLES=2000 pytest tests/test_import_safety.py -k random: a longer hunt
_SETTINGS = settings(max_examples=int(os.environ.get("INFLUENCE_FUZZ_EXAMPLES", "60")), deadline=None, database=None,
                     suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
_NAMES = ["x.csv", "x.tsv", "x.jsonl", "x.graphml", "x.gexf", "x.gml", "x.edgelist", "x.csv.gz", "x.jsonl.gz"]


@_SETTINGS
@given(st.sampled_from(_NAMES), st.binary(max_size=600), st.booleans(), st.booleans())
def test_random_bytes(base_store, name, data, skip, compress):
    if name.endswith(".gz") and compress:
        data = gzip.compress(data)
    _check_import(base_store, name, data, skip)


_CELL = st.one_of(
    st.text(alphabet=st.sampled_from('ab1 ,"\n\r\t;:@/\x00\x85é🙂'), max_size=8),
    st.sampled_from(["", "reply", "like", "poke", "2024-01-01", "1e16", "1e30", "-1", "nan", "inf",
                     "1.5e308", "9" * 30, "web:a.example", "https://b.example/x", "mastodon:x", "0"]),
)
_HEADERS = st.sampled_from([
    "source,target,kind", "source,target,kind,timestamp,weight", "source,target", "id,author,text,likes",
    "id,followers,name", "id", "author,id,tags,timestamp,reshares", "foo,bar", "",
])


@_SETTINGS
@given(_HEADERS, st.lists(st.lists(_CELL, max_size=6), max_size=8), st.booleans(), st.booleans())
def test_random_csv_rows(base_store, header, rows, skip, quote_all):
    import csv
    import io

    buf = io.StringIO()
    if quote_all:
        w = csv.writer(buf)
        w.writerow(header.split(","))
        w.writerows(rows)
        text = buf.getvalue()
    else:  # joined by hand: stray quotes and line breaks land anywhere
        text = "\n".join([header] + [",".join(r) for r in rows]) + "\n"
    _check_import(base_store, "x.csv", text.encode("utf-8", "surrogatepass"), skip)


_JSON_SCALAR = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True), _CELL,
)
_JSON = st.recursive(_JSON_SCALAR, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                           st.dictionaries(st.text(max_size=3), inner, max_size=3)),
                     max_leaves=8)
_KEYS = st.sampled_from(["id", "author", "source", "target", "kind", "timestamp", "weight", "followers",
                         "likes", "tags", "text", "platform", "name", "post_id", "rel"])


_RAW_LINES = st.sampled_from([DEEP[:3000] + DEEP[-3000:], '{"id": "a",', "", "\ufeff{}", "[1, 2"])


@_SETTINGS
@given(st.lists(st.one_of(st.dictionaries(_KEYS, _JSON, max_size=6).map(json.dumps), _JSON.map(json.dumps),
                          _RAW_LINES), max_size=6),
       st.booleans())
def test_random_jsonl_rows(base_store, lines, skip):
    _check_import(base_store, "x.jsonl", ("\n".join(lines) + "\n").encode("utf-8"), skip)


_XML_TEXT = st.text(alphabet=st.sampled_from('ab1 <>&"\'é\x00\x01'), max_size=6)


@st.composite
def _graphml(draw):
    types = ["string", "int", "long", "double", "float", "boolean", "bogus"]
    keys = draw(st.lists(st.tuples(st.sampled_from(["weight", "kind", "followers", "label", "timestamp", "x"]),
                                   st.sampled_from(["node", "edge", "graph", "all"]), st.sampled_from(types)),
                         max_size=4))
    nodes = draw(st.lists(_XML_TEXT, max_size=5))
    parts = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">']
    for i, (name, where, typ) in enumerate(keys):
        parts.append(f'<key id="d{i}" for="{where}" attr.name="{name}" attr.type="{typ}"/>')
    parts.append(f'<graph edgedefault="{draw(st.sampled_from(["directed", "undirected", "odd"]))}">')

    def data():
        return "".join(f'<data key="d{draw(st.integers(0, len(keys) + 1))}">{draw(_XML_TEXT)}</data>'
                       for _ in range(draw(st.integers(0, 2))))

    for n in nodes:
        parts.append(f'<node id="{n}">{data()}</node>')
    ends = st.sampled_from(nodes + ["ghost"])
    for _ in range(draw(st.integers(0, 5))):
        parts.append(f'<edge source="{draw(ends)}" target="{draw(ends)}">{data()}</edge>')
    parts.append("</graph></graphml>")
    doc = "".join(parts)
    if draw(st.booleans()):
        doc = doc.replace("&", "&amp;").replace("\x00", "").replace("\x01", "")
    if draw(st.integers(0, 4)) == 0:
        doc = doc[: draw(st.integers(0, len(doc)))]
    return doc


@_SETTINGS
@given(_graphml(), st.booleans())
def test_random_graphml(base_store, doc, skip):
    _check_import(base_store, "x.graphml", doc.encode("utf-8"), skip)
