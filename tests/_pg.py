"""A PostgreSQL server for the tests that need one (the store back ends, shared crawling).

``INFLUENCE_TEST_PG`` (set by ``.ci/run``) names a server's URL; without it, a throwaway cluster
is started once per test session with ``.ci/pg-cluster`` (initdb + pg_ctl in a temporary folder,
Unix socket only) and stopped at exit. Each test gets a schema of its own (``fresh_url``).

Without PostgreSQL (no server, no psycopg) the tests skip, saying why; with ``CI=true`` they fail
instead, so a CI run proves they ran.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
_state: dict = {}


def _unavailable(reason: str):
    if os.environ.get("CI", "").strip().lower() in ("1", "true", "yes"):
        pytest.fail(f"PostgreSQL tests cannot run under CI: {reason}", pytrace=False)
    pytest.skip(f"no PostgreSQL: {reason}")


def server_url() -> str:
    """The URL of the session's PostgreSQL server (skips or fails when there is none)."""
    if "url" in _state:
        return _state["url"]
    if "error" in _state:
        _unavailable(_state["error"])
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _state["error"] = "psycopg is not installed (pip install 'influence[postgres]')"
        _unavailable(_state["error"])
    url = os.environ.get("INFLUENCE_TEST_PG", "").strip()
    if not url:
        folder = tempfile.mkdtemp(prefix="influence-pg-")
        os.chmod(folder, 0o755)  # the cluster may run as another user (influence-ci, as root)
        try:
            out = subprocess.run(["bash", str(REPO / ".ci" / "pg-cluster"), "start", folder],
                                 capture_output=True, text=True, timeout=120)
        except (OSError, subprocess.TimeoutExpired) as exc:
            out = None
            err = str(exc)
        if out is None or out.returncode != 0:
            err = (out.stderr.strip().splitlines() or ["failed"])[-1] if out is not None else err
            shutil.rmtree(folder, ignore_errors=True)
            _state["error"] = f"cannot start a throwaway cluster with .ci/pg-cluster ({err}); " \
                              "install PostgreSQL or set INFLUENCE_TEST_PG"
            _unavailable(_state["error"])
        url = out.stdout.strip().splitlines()[-1]

        def stop() -> None:
            subprocess.run(["bash", str(REPO / ".ci" / "pg-cluster"), "stop", folder],
                           capture_output=True, timeout=60)
            shutil.rmtree(folder, ignore_errors=True)

        atexit.register(stop)
    _state["url"] = url
    return url


def with_schema(url: str, schema: str) -> str:
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{schema}"


def fresh_url() -> tuple[str, callable]:
    """``(url, drop)``: a URL whose tables live in a new, empty schema, and a function dropping it."""
    import psycopg

    base = server_url()
    schema = "t_" + uuid.uuid4().hex[:12]
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")

    def drop() -> None:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")

    return with_schema(url=base, schema=schema), drop
