"""Runtime safety (issue 14, items 5-7): two writers on one store, Ctrl-C, read commands that never
write. These run real processes: a second writer holding the store's write lock, and SIGINT sent
to a running command."""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from influence.errors import StoreBusyError, StoreError
from influence.records import Interaction
from influence.sector import open_sector
from influence.store import Store

CLI = [sys.executable, "-m", "influence"]
HOLD_LOCK = textwrap.dedent("""
    import sqlite3, sys, time
    conn = sqlite3.connect(sys.argv[1], isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO actors(id, platform) VALUES ('import:held', 'import')")
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
    conn.execute("COMMIT")
""")


def run(args, env=None, **kw):
    return subprocess.run(CLI + [str(a) for a in args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, **kw)


def make_store(tmp_path: Path, name: str = "s.db", rows: int = 2) -> Path:
    csv = tmp_path / f"{name}.csv"
    csv.write_text("source,target,kind\n" + "".join(f"a{i},b,reply\n" for i in range(rows)))
    db = tmp_path / name
    r = run(["import", db, csv, "-q"])
    assert r.returncode == 0, r.stderr
    return db


def counts(db: Path) -> dict:
    with Store(db, readonly=True) as s:
        return s.counts()


def integrity(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def hold_lock(db: Path, seconds: float) -> subprocess.Popen:
    """Another process that holds the store's write lock for ``seconds``."""
    proc = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(db), str(seconds)],
                            stdout=subprocess.PIPE, text=True)
    with proc.stdout:
        assert proc.stdout.readline().strip() == "locked"
    return proc


# -- two writers ---------------------------------------------------------------------------------


def test_second_writer_gives_up_with_one_line_and_exit_2(tmp_path):
    db = make_store(tmp_path)
    before = counts(db)
    new = tmp_path / "new.csv"
    new.write_text("source,target,kind\nx,y,mention\n")
    holder = hold_lock(db, 6)
    try:
        t0 = time.monotonic()
        r = run(["import", db, new], env={"INFLUENCE_BUSY_TIMEOUT": "1"})
        waited = time.monotonic() - t0
    finally:
        holder.kill()
        holder.wait()
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert "s.db is busy: another influence process is writing; try again" in r.stderr
    assert 0.9 <= waited < 5  # it waited its turn (1 s here), not the old fixed 5 s
    assert counts(db) == before and integrity(db) == "ok"


def test_second_writer_waits_its_turn_and_reports_its_own_rows(tmp_path):
    db = make_store(tmp_path)
    new = tmp_path / "new.csv"
    new.write_text("source,target,kind\nx,y,mention\n")
    holder = hold_lock(db, 1.5)  # commits one actor of its own ("import:held") after 1.5 s
    try:
        r = run(["import", db, new], env={"INFLUENCE_BUSY_TIMEOUT": "30"})
    finally:
        holder.wait()
    assert r.returncode == 0, r.stderr
    # this run wrote x, y and one edge; the holder's actor is not counted as ours
    assert "new in store: 2 actors, 0 posts, 1 interactions" in r.stderr
    assert counts(db)["actors"] == 3 + 1 + 2


def test_write_counts_only_rows_of_this_call_in_process(tmp_path):
    """The "new rows" of Store.write are counted inside its transaction: rows another connection
    commits while this one waits for the lock are not reported as this call's."""
    db = tmp_path / "s.db"
    Store(db).close()
    ready, release = threading.Event(), threading.Event()

    def writer():
        with Store(db) as other, other.transaction() as conn:
            conn.execute("INSERT INTO actors(id, platform) VALUES ('web:other.example', 'web')")
            ready.set()
            release.wait(5)

    t = threading.Thread(target=writer)
    t.start()
    assert ready.wait(5)
    with Store(db) as mine:
        threading.Timer(0.5, release.set).start()
        new = mine.write([Interaction("web:a.example", "web:b.example", "link")])
        t.join()
        assert new == {"actors": 2, "posts": 0, "interactions": 1}
        assert mine.counts()["actors"] == 3


def test_store_busy_error_in_python(tmp_path, monkeypatch):
    db = tmp_path / "s.db"
    Store(db).close()
    monkeypatch.setenv("INFLUENCE_BUSY_TIMEOUT", "0.3")
    holder = hold_lock(db, 30)
    try:
        with Store(db) as s, pytest.raises(StoreBusyError, match="is busy"):
            s.write([Interaction("web:a.example", "web:b.example", "link")])
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.parametrize("value", ["soon", "-1", "inf"])
def test_bad_busy_timeout_is_one_line(tmp_path, value):
    db = make_store(tmp_path)
    r = run(["import", db, tmp_path / "s.db.csv"], env={"INFLUENCE_BUSY_TIMEOUT": value})
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "INFLUENCE_BUSY_TIMEOUT must be a number of seconds >= 0" in r.stderr


# -- Ctrl-C ----------------------------------------------------------------------------------------


def interrupt_after(args, delay: float, env=None) -> tuple[int, str, float]:
    proc = subprocess.Popen(CLI + [str(a) for a in args], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, **(env or {})})
    time.sleep(delay)
    assert proc.poll() is None, "the command finished before it could be interrupted"
    t0 = time.monotonic()
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    return proc.returncode, err, time.monotonic() - t0


def test_ctrl_c_on_shortlist_exits_130_at_once():
    # a shortlist that lasts about 11 s here (communities, then 20,000 simulated worlds): the
    # Ctrl-C at 2 s lands in the middle of the work, never in the interpreter's exit, where
    # Python has put the default SIGINT action back (a plain shortlist of the demo took 2.5 s,
    # and a Ctrl-C at 2 s was once killed by the signal, exit -2, nothing printed)
    code, err, took = interrupt_after(["shortlist", "demo", "-q", "-f", "csv", "--strategy", "diverse",
                                       "--runs", "20000"], 2.0)
    assert code == 130 and err.strip() == "Interrupted.", err
    assert took < 2.0


def test_ctrl_c_on_import_exits_130_and_leaves_the_store_as_it_was(tmp_path):
    db = make_store(tmp_path)
    before, digest = counts(db), hashlib.sha256(db.read_bytes()).hexdigest()
    big = tmp_path / "big.csv"
    with big.open("w") as fh:
        fh.write("source,target,kind\n")
        for i in range(300_000):
            fh.write(f"u{i},v{i % 5000},reply\n")
    code, err, took = interrupt_after(["import", db, big, "-q"], 1.5)
    assert code == 130 and err.strip() == "Interrupted.", err
    assert took < 2.0
    assert counts(db) == before and integrity(db) == "ok"
    assert hashlib.sha256(db.read_bytes()).hexdigest() == digest


POOL_SCRIPT = textwrap.dedent("""
    import os, sys, time
    import networkx as nx
    from influence.communities import _consensus as cm

    def slow_find(H, seed):
        time.sleep(30)
        return [set(H)]

    cm.PARALLEL_MIN_NODES = 0
    print(os.getpid(), flush=True)
    try:
        cm._runs(nx.path_graph(10), slow_find, list(range(8)))
    except KeyboardInterrupt:
        sys.exit(130)
""")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the worker processes are forked (Linux)")
def test_ctrl_c_stops_the_consensus_workers_at_once():
    """A consensus round in forked workers (large components): Ctrl-C used to wait for every
    queued run (34 s on a real store); the parent now terminates the workers."""
    proc = subprocess.Popen([sys.executable, "-c", POOL_SCRIPT], stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "INFLUENCE_WORKERS": "2"})
    with proc.stdout:
        proc.stdout.readline()
    deadline = time.monotonic() + 10
    kids: list[str] = []
    while len(kids) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
        kids = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True).stdout.split()
    assert len(kids) >= 2, "the workers did not start"
    time.sleep(0.5)
    t0 = time.monotonic()
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=40)
    assert proc.returncode == 130 and time.monotonic() - t0 < 3
    time.sleep(0.2)
    alive = [k for k in kids if Path(f"/proc/{k}").exists()
             and Path(f"/proc/{k}/stat").read_text().split()[2] != "Z"]
    assert alive == []


# -- read commands never write ---------------------------------------------------------------------


def snapshot(folder: Path) -> dict:
    return {p.name: (p.stat().st_mtime_ns, hashlib.sha256(p.read_bytes()).hexdigest())
            for p in sorted(folder.iterdir())}


READ_COMMANDS = [
    ["rank"],
    ["shortlist", "--top", "3"],
    ["communities"],
    ["competitors"],
]


@pytest.mark.parametrize("args", READ_COMMANDS, ids=lambda a: a[0])
def test_read_command_refuses_an_empty_file_and_leaves_it_empty(tmp_path, args):
    empty = tmp_path / "empty.csv"
    empty.touch()
    r = run([args[0], empty, *args[1:], "-q"])
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "empty.csv: an empty file, neither a sector file (.toml) nor a store" in r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.csv"]
    assert empty.stat().st_size == 0


@pytest.mark.parametrize("args", READ_COMMANDS[:2], ids=lambda a: a[0])
def test_read_command_does_not_touch_the_store(tmp_path, args):
    db = make_store(tmp_path, rows=5)
    (tmp_path / "s.db.csv").unlink()
    before = snapshot(tmp_path)
    r = run([args[0], db, *args[1:], "-q", "-f", "csv"])
    assert r.returncode == 0, r.stderr
    assert snapshot(tmp_path) == before  # same bytes, same mtime, no -wal/-shm left behind


def test_read_command_on_a_sector_file_does_not_touch_the_store(tmp_path):
    (tmp_path / "tea.toml").write_text('name = "tea"\n')
    csv = tmp_path / "e.csv"
    csv.write_text("source,target,kind\na,b,reply\nc,b,reply\n")
    assert run(["import", tmp_path / "tea.toml", csv, "-q"]).returncode == 0
    before = snapshot(tmp_path)
    r = run(["export", tmp_path / "tea.toml", "-o", "-", "-f", "csv", "-q"])
    assert r.returncode == 0, r.stderr
    assert snapshot(tmp_path) == before


def test_read_command_refuses_another_sqlite_database(tmp_path):
    other = tmp_path / "photos.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE photo (id INTEGER)")
    conn.close()
    before = snapshot(tmp_path)
    r = run(["rank", other, "-q"])
    assert r.returncode == 2 and "a SQLite database, but not an influence store" in r.stderr
    assert snapshot(tmp_path) == before


def test_old_schema_store_is_read_only_until_migrate(tmp_path):
    db = make_store(tmp_path)
    conn = sqlite3.connect(db)  # make it look like a version-3 store (before link attributes)
    conn.execute("ALTER TABLE interactions DROP COLUMN rel")
    conn.execute("ALTER TABLE posts DROP COLUMN tags")
    conn.execute("PRAGMA user_version = 3")
    conn.close()
    before = snapshot(tmp_path)
    r = run(["rank", db, "-q"])
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "written by an older influence; `influence migrate" in r.stderr
    assert snapshot(tmp_path) == before
    r = run(["migrate", db])
    assert r.returncode == 0 and "schema version 3 -> 4" in r.stderr
    assert run(["rank", db, "-q", "-f", "csv"]).returncode == 0
    r = run(["migrate", db])
    assert r.returncode == 0 and "up to date" in r.stderr


def test_open_sector_is_read_only_unless_create(tmp_path):
    db = make_store(tmp_path)
    with open_sector(db) as sec:
        assert sec.store.readonly
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            sec.store.write([Interaction("web:a.example", "web:b.example", "link")])
    with open_sector(db, readonly=False) as sec:
        assert sec.store.write([Interaction("web:a.example", "web:b.example", "link")])["interactions"] == 1
    empty = tmp_path / "empty.db"
    empty.touch()
    with pytest.raises(StoreError, match="an empty file"):
        open_sector(empty)
    with pytest.raises(StoreError, match="an empty file"):
        Store(empty, readonly=True)
    assert empty.stat().st_size == 0


PLM_SCRIPT = textwrap.dedent("""
    import sys
    import numpy as np
    from influence.communities._networkit import run_plm, sum_projection
    from influence.progress import NULL_PROGRESS

    rng = np.random.default_rng(0)
    n = 400_000
    u, v, w = sum_projection(n, rng.integers(0, n, 2_000_000), rng.integers(0, n, 2_000_000),
                             np.ones(2_000_000))
    print("ready", flush=True)
    try:
        run_plm(n, u, v, w, seed=0, resolution=1.0, runs=1, progress=NULL_PROGRESS)
    except KeyboardInterrupt:
        print("interrupted", flush=True)
        sys.exit(3)
    print("finished", flush=True)
""")


@pytest.mark.parametrize("delay", [0.05, 0.4, 1.0])
def test_ctrl_c_during_networkit_louvain_is_never_lost(delay):
    """NetworKit swaps in its own SIGINT handler while PLM runs and forgets a Ctrl-C that comes
    after its last check: the run then finished as if nothing happened (the CLI exited 0 after a
    Ctrl-C). At any moment of the run, the Ctrl-C now interrupts it at once."""
    proc = subprocess.Popen([sys.executable, "-c", PLM_SCRIPT], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    time.sleep(delay)
    t0 = time.monotonic()
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert (proc.returncode, out.strip()) == (3, "interrupted"), err
    assert time.monotonic() - t0 < 1.0


@pytest.mark.skipif(not os.path.isdir("/proc/self/task") or not hasattr(signal, "pthread_sigmask"),
                    reason="needs Linux's /proc/<pid>/task and pthread_sigmask")
def test_library_threads_never_take_a_ctrl_c():
    """The threads numpy's and scipy's BLAS libraries start block SIGINT (the CLI imports them
    with SIGINT blocked), so a Ctrl-C goes to the main thread: a BLAS thread that took it while
    NetworKit's handler was installed lost it (exit 0) or died of it (exit -2, seen in CI)."""
    code = textwrap.dedent("""
        import os
        from influence_cli._common import start_threads_without_sigint
        start_threads_without_sigint()
        import networkit  # noqa: F401  (if installed: its threads too)
        main = str(os.getpid())
        for t in sorted(os.listdir("/proc/self/task")):
            status = open(f"/proc/self/task/{t}/status").read()
            mask = int(next(l for l in status.splitlines() if l.startswith("SigBlk")).split()[1], 16)
            print(t == main, bool(mask & (1 << (2 - 1))))  # SIGINT is signal 2
    """)
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    rows = [line.split() for line in r.stdout.splitlines()]
    assert ["True", "False"] in rows  # the main thread takes Ctrl-C
    others = [blocked for is_main, blocked in rows if is_main == "False"]
    assert others and all(b == "True" for b in others), r.stdout
