"""The columnar import path (CSV/TSV of interactions) gives what the per-record path gives.

``import_file`` reads a plain CSV/TSV of interactions into columns and writes them with
``Store.write_interaction_columns``; ``Store.write(read_records(...))`` is the per-record path
(an ``Interaction`` per row). Both must leave the same store (``Store.fingerprint``), count the
same rows and give the same errors, on files full of awkward rows.
"""

from __future__ import annotations

import gzip
import sqlite3

import pytest

from influence import importers
from influence.errors import InputDataError
from influence.importers import ImportReport, import_file, read_records
from influence.store import Store

AWKWARD = (
    "source,target,kind,timestamp,weight,platform,post_id,post,rel,extra,kind\r\n"
    "ana,bo,reply,1700000000,,,,,,x,reply\r\n"
    " ana , bo ,reply, 1700000000 ,0.1,,,,,,reply\r\n"  # spaces: the same key, weights summed
    "ana,bo,,1700000000,0.2,,,,,,reply\r\n"  # the last 'kind' column wins (as dict(zip()))
    "ana,bo,reply,1700000000,0.3,,,,,,\r\n"  # no kind in the last column: a bad row
    "\r\n"
    "   \r\n"
    "web:WWW.Example.com,https://www.blog.example.org/a/b,link,2024-05-01T10:00:00Z,2,,,,NoFollow UGC nofollow,,link\r\n"
    "Ana@Mastodon.Social,@Bo@Bsky.Social,like,1700000000000,1,mastodon,,,,,like\r\n"
    "x,y,like,1700000000,1,Bad Plat,,,,,like\r\n"  # an invalid platform: a bad row
    "web:a.example,web:b.example,like,1700000000,1,Bad Plat,,,,,like\r\n"  # canonical ids: fine
    "José,Zoë,mention,2024-05-01 10:00:00+02:00,3,,p1,,,,mention\r\n"
    "José,Zoë,mention,2024-05-01 10:00:00+02:00,4,,,p1,,,mention\r\n"  # 'post' when no post_id
    "a\x07b,c,reply,,,,,,,,reply\r\n"  # a control character in an id
    "c,d,reply,,,,p\x01x,,,,reply\r\n"  # and in a post id
    "@,d,reply,,,,,,,,reply\r\n"  # an empty handle
    "c,d,retweet,nan,,,,,,,retweet\r\n"
    "c,d,retweet,1e400,,,,,,,retweet\r\n"
    "c,d,retweet,2200-01-01,,,,,,,retweet\r\n"
    "c,d,retweet,yesterday,,,,,,,retweet\r\n"
    "c,d,retweet,-2208988800,,,,,,,retweet\r\n"  # 1900-01-01: the first accepted second
    "c,d,retweet,4102444800,,,,,,,retweet\r\n"  # 2100-01-01: refused
    "c,d,reply,,0,,,,,,reply\r\n"
    "c,d,reply,,-1,,,,,,reply\r\n"
    "c,d,reply,,1e13,,,,,,reply\r\n"
    "c,d,reply,,1e12,,,,,,reply\r\n"
    "c,d,reply,,1e12,,,,,,reply\r\n"  # summed and capped at 1e12
    "c,d,reply,,inf,,,,,,reply\r\n"
    "c,d,reply,,abc,,,,,,reply\r\n"
    "c,d,reply,,1_000,,,,,,reply\r\n"  # Python reads underscores in numbers
    "c,d,boost\r\n"  # too few fields
    "c,d,boost,,,,,,,,boost,extra\r\n"  # too many
    ",d,reply,,,,,,,,reply\r\n"
    "c,,reply,,,,,,,,reply\r\n"
    "c,d,poke,,,,,,,,poke\r\n"
    "\u00a0c\u00a0,d,Quote,1.5e9,0.5,,,,,,Quote\r\n"  # non-breaking spaces are stripped too
    "c,d,quote,1500000000,0.25,,,,,,quote\r\n"
    "c:x,d,reply,,,,,,,,reply\r\n"
    "reddit:/u/SomeOne,hackernews:pg,comment,,,,,,,,comment\r\n"
)


def _both(tmp_path, path, *, skip=True, before=(), **options):
    """(report, fingerprint, error) of the columnar path and of the per-record path."""
    out = []
    for i, columnar in enumerate((True, False)):
        store = Store(tmp_path / f"{path.name}.{i}.db")
        for earlier in before:
            import_file(store, earlier)
        err = None
        if columnar:
            try:
                rep = import_file(store, path, skip_bad_rows=skip, max_errors=100, **options)
            except InputDataError as exc:
                rep, err = None, str(exc)
        else:
            rep = ImportReport(str(path), "", "")
            errors: list[str] = []

            def on_bad_row(e):
                rep.skipped += 1
                errors.append(str(e))

            try:
                rep.new = store.write(read_records(path, on_bad_row=on_bad_row if skip else None, report=rep,
                                                   **options))
            except InputDataError as exc:
                rep, err = None, str(exc)
            else:
                rep.errors = errors
        assert store._conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert store._conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        out.append((None if rep is None else (rep.rows, rep.skipped, rep.errors, rep.new, rep.record_type,
                                               rep.ignored_columns),
                    store.fingerprint(), err))
        store.close()
    return out


@pytest.fixture(params=[1 << 21, 64], ids=["one-block", "64-byte-blocks"])
def block(request, monkeypatch):
    monkeypatch.setattr(importers, "_BLOCK_BYTES", request.param)
    return request.param


def test_awkward_rows_same_store_same_report(tmp_path, block):
    path = tmp_path / "awkward.csv"
    path.write_bytes(AWKWARD.encode("utf-8"))
    columnar, per_record = _both(tmp_path, path)
    assert columnar == per_record
    rows, skipped, errors, new, _rtype, ignored = columnar[0]
    assert (rows, skipped, new["interactions"]) == (36, 20, 10)
    assert ignored == ["extra"]
    assert errors[0].endswith("line 5: missing value for kind (or give a default kind)")
    with Store(tmp_path / "awkward.csv.0.db") as s:
        got = {(i.source, i.target, i.kind.value): i for i in s.interactions()}
    assert got["import:ana", "import:bo", "reply"].weight == pytest.approx(1.3)
    assert got["import:c", "import:d", "reply"].weight == 1e12
    assert got["web:example.com", "web:example.org", "link"].rel == "nofollow ugc"
    assert got["mastodon:@ana@mastodon.social", "mastodon:@bo@bsky.social", "like"].timestamp == 1.7e9


def test_first_bad_row_raises_the_same_error(tmp_path, block):
    path = tmp_path / "awkward.csv"
    path.write_bytes(AWKWARD.encode("utf-8"))
    columnar, per_record = _both(tmp_path, path, skip=False)
    assert columnar == per_record
    assert columnar[2].endswith("line 5: missing value for kind (or give a default kind)")


@pytest.mark.parametrize("tail", [
    'c,d,reply,,,,,,"a ""quoted"" rel",,reply\n',  # a quote: the per-record reader from here on
    'c,d,reply,,,,,,"open quote\nstill open",,reply\nc,e,reply,,,,,,,,reply\n',
    "c,d,reply,,,,,,lone\rcr,,reply\n",
    "c,d,reply,,,,,,nul\x00,,reply\n",
])
def test_unusual_bytes_later_in_the_file(tmp_path, block, tail):
    path = tmp_path / "later.csv"
    path.write_bytes((AWKWARD.replace("\r\n", "\n") + tail + "e,f,like,,,,,,,,like\n").encode("utf-8"))
    columnar, per_record = _both(tmp_path, path)
    assert columnar == per_record
    assert columnar[0][0] > 36


def test_not_utf8_later_in_the_file(tmp_path, block):
    path = tmp_path / "latin1.csv"
    path.write_bytes(b"source,target,kind\n" + b"a,b,reply\n" * 50 + b"caf\xe9,b,reply\n" + b"c,d,reply\n" * 50)
    columnar, per_record = _both(tmp_path, path)
    assert columnar == per_record
    assert columnar[0][1] == 1 and "line 52: not UTF-8 text" in columnar[0][2][0]


def test_tsv_gzip_default_kind_and_mapping(tmp_path, block):
    text = "from\tto\twhen\nana\tbo\t1700000000\n\tbo\t\nana\t bo\t1700000000\nbo\tana\t2024-01-01\n"
    tsv = tmp_path / "m.tsv"
    tsv.write_text(text)
    gz = tmp_path / "m.tsv.gz"
    gz.write_bytes(gzip.compress(text.encode()))
    for path in (tsv, gz):
        options = dict(kind="mention", platform="twitter", columns={"source": "from", "target": "to",
                                                                     "timestamp": "when"})
        columnar, per_record = _both(tmp_path, path, **options)
        assert columnar == per_record
        assert columnar[0][:2] == (4, 1)


def test_into_a_store_that_holds_interactions(tmp_path, block):
    first = tmp_path / "first.csv"
    first.write_text("source,target,kind,weight,rel\nana,bo,reply,5,\nana,bo,link,1,nofollow\nx,y,like,2,\n")
    again = tmp_path / "again.csv"
    again.write_text("source,target,kind,weight,rel\nana,bo,reply,1.5,\nana,bo,reply,2,\nana,bo,link,1,\n"
                     "new,bo,like,1,\n")
    columnar, per_record = _both(tmp_path, again, before=[first])
    assert columnar == per_record
    with Store(tmp_path / "again.csv.0.db") as s:
        got = {(i.source, i.target, i.kind.value): (i.weight, i.rel) for i in s.interactions()}
    # a key already stored takes this write's summed weight; its rel stays when none is given
    assert got["import:ana", "import:bo", "reply"] == (3.5, None)
    assert got["import:ana", "import:bo", "link"] == (1.0, "nofollow")
    assert got["import:x", "import:y", "like"] == (2.0, None)


def test_reimport_changes_nothing(tmp_path):
    path = tmp_path / "awkward.csv"
    path.write_bytes(AWKWARD.encode("utf-8"))
    with Store(tmp_path / "s.db") as s:
        import_file(s, path, skip_bad_rows=True)
        before = s.fingerprint()
        rep = import_file(s, path, skip_bad_rows=True)
        assert rep.new == {"actors": 0, "posts": 0, "interactions": 0}
        assert s.fingerprint() == before


def test_a_failed_import_leaves_the_store_and_its_indexes(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("source,target,kind\n" + "a,b,reply\n" * 100 + "a,b,poke\n")
    with Store(tmp_path / "s.db") as s:
        with pytest.raises(InputDataError, match="line 102: unknown interaction kind 'poke'"):
            import_file(s, path)
        assert s.counts() == {"actors": 0, "posts": 0, "interactions": 0}
        names = {r[0] for r in s._conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert {"interactions_key", "interactions_dst"} <= names


def test_unique_key_index_rebuilt_after_a_fresh_load(tmp_path):
    path = tmp_path / "dups.csv"
    path.write_text("source,target,kind\n" + "a,b,reply\nb,a,reply\n" * 50)
    with Store(tmp_path / "s.db") as s:
        rep = import_file(s, path)
        assert rep.new["interactions"] == 2
        assert [i.weight for i in s.interactions()] == [50.0, 50.0]
        with pytest.raises(sqlite3.IntegrityError):  # the key is unique again
            s._conn.execute("INSERT INTO interactions(src, dst, kind) SELECT src, dst, kind FROM interactions")


def test_columns_that_disagree_with_the_records_are_not_trusted(tmp_path, block, monkeypatch):
    """Should the columns ever read a value differently from the per-record code (here every
    timestamp one second late), the block's first row shows it and the rest of the file comes
    from records: the store is still the per-record path's."""
    path = tmp_path / "awkward.csv"
    path.write_bytes(AWKWARD.encode("utf-8"))
    real = importers._columnar._timestamps
    monkeypatch.setattr(importers._columnar, "_timestamps",
                        lambda raws, bad: [None if t is None else t + 1 for t in real(raws, bad)])
    columnar, per_record = _both(tmp_path, path)
    assert columnar == per_record


def test_bad_rows_between_good_ones_keep_their_places(tmp_path):
    """Refused and re-read rows spread over a large block: the columns around them are copied
    by slices, in line order (duplicate keys sum their weights in that order)."""
    lines = ["source,target,kind,timestamp,weight"]
    for i in range(3000):
        if i % 97 == 5:
            lines.append(f"u{i},v{i},poke,{1_700_000_000 + i},1")  # refused: unknown kind
        elif i % 89 == 3:
            lines.append(f"u{i},v{i}")  # wrong field count: read again by the per-record code
        elif i % 83 == 7:
            lines.append(f"u{i}, v{i} ,reply,{1_700_000_000 + i},{i}")  # spaces: stripped
        else:
            lines.append(f"u{i % 50},v{i % 40},reply,{1_700_000_000 + i % 7},{i + 1}")
    path = tmp_path / "many.csv"
    path.write_text("\n".join(lines) + "\n")
    columnar, per_record = _both(tmp_path, path)
    assert columnar == per_record
    assert columnar[0][1] == sum(1 for i in range(3000) if i % 97 == 5 or (i % 89 == 3 and i % 97 != 5))


@pytest.mark.parametrize("cached", [3, 40])
def test_id_cache_starting_again_mid_file(tmp_path, block, monkeypatch, cached):
    """The raw id -> code cache starts again (with a new vocabulary) once it holds more than
    _MAX_CACHED_IDS values: codes of the old vocabulary never meet the new one's, and refused
    rows' ids never become actors."""
    monkeypatch.setattr(importers._columnar, "_MAX_CACHED_IDS", cached)
    lines = ["source,target,kind,timestamp"]
    for i in range(400):
        if i % 37 == 0:  # refused (unknown kind): its ids are coded, never stored
            lines.append(f"x{i},web:y{i},poke,{1_700_000_000 + i}")
        else:
            lines.append(f"u{i % 97},{'web:' if i % 5 == 0 else ''}v{(i * 7) % 61},reply,{1_700_000_000 + i}")
    path = tmp_path / "ids.csv"
    path.write_text("\n".join(lines) + "\n")
    columnar, per_record = _both(tmp_path, path)
    assert columnar == per_record
    with Store(tmp_path / "ids.csv.0.db") as s:
        ids = {a.id for a in s.actors()}
    expected = ({f"import:u{i % 97}" for i in range(400) if i % 37}
                | {("web:" if i % 5 == 0 else "import:") + f"v{(i * 7) % 61}" for i in range(400) if i % 37})
    assert ids == expected


def test_a_store_without_coded_ids_gets_lists_of_canonical_ids(tmp_path):
    """A store of another kind with a write_interaction_columns (duck typing) gets the
    documented form: lists of canonical actor ids, not the importer's codes."""

    class Recorder:
        def __init__(self):
            self.batches = []

        def write_interaction_columns(self, batches):
            self.batches = list(batches)
            return {"actors": 0, "posts": 0, "interactions": sum(len(b[0]) for b in self.batches)}

    path = tmp_path / "x.csv"
    path.write_text("source,target,kind\nana,web:b.example,reply\nbo,ana,like\n")
    store = Recorder()
    import_file(store, path)
    (src, dst, kind, *_), = store.batches
    assert (src, dst, kind) == (["import:ana", "import:bo"], ["web:b.example", "import:ana"], ["reply", "like"])


def test_actor_numbers_do_not_depend_on_the_hash_seed(tmp_path):
    """Actors are numbered in an order fixed by the file (new ids in the order met, sorted
    within a column of a block), whatever PYTHONHASHSEED is."""
    import os
    import subprocess
    import sys

    path = tmp_path / "n.csv"
    path.write_text("source,target,kind\n" + "".join(f"a{i * 13 % 50},b{i * 7 % 30},reply\n" for i in range(300)))
    code = ("import sys; from influence import Store, import_file; s = Store(sys.argv[1]); import_file(s, sys.argv[2]);"
            "print(s._conn.execute('SELECT group_concat(id) FROM (SELECT id FROM actors ORDER BY num)').fetchone()[0])")
    out = set()
    for seed in ("1", "2", "3"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        r = subprocess.run([sys.executable, "-c", code, str(tmp_path / f"{seed}.db"), str(path)],
                           capture_output=True, text=True, env=env, check=True)
        out.add(r.stdout)
    assert len(out) == 1
