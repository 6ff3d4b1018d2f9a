"""Manifests: what a result was computed from, so it can be reproduced later.

Every result written to a file gets a sidecar ``<file>.manifest.json`` (and graph exports carry it
in a graph attribute too). A manifest holds the influence version, the Python and library versions,
the command, the sector, the store's content fingerprint and counts, the full configuration and the
seed. It holds no wall-clock time, so two identical runs write identical manifests.
"""

from __future__ import annotations

import json
import os
import platform
from typing import Any

from ._version import __version__

__all__ = ["make_manifest", "write_manifest", "manifest_path", "prefetch_fingerprint", "PREFETCH_MIN_INTERACTIONS"]

#: :func:`prefetch_fingerprint` starts a process only for stores with at least this many
#: interactions (below, hashing takes about a second: less than starting the process).
PREFETCH_MIN_INTERACTIONS = 200_000

#: id(store) -> (store, pending result) of the fingerprints being computed beside the analysis
_PENDING: dict[int, tuple[Any, Any]] = {}


def make_manifest(*, command: str, sector: Any = None, config: Any = None, seed: int | None = None,
                  **extra: Any) -> dict[str, Any]:
    """Build a manifest dict.

    Parameters
    ----------
    command : str
        What produced the result, e.g. ``"rank"`` or ``"export graphml"``.
    sector : Sector, optional
        Its name, store fingerprint and counts are recorded.
    config : RankingConfig, optional
        Recorded with ``to_dict()``.
    seed : int, optional
    **extra
        Any other JSON-ready parameters (``top``, ``format`` ...).
    """
    import networkx
    import numpy
    import scipy

    m: dict[str, Any] = {
        "influence_version": __version__,
        "command": command,
        "python": platform.python_version(),
        "networkx": networkx.__version__,
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
    }
    if sector is not None:
        m["sector"] = sector.name
        # both change results: keyword-personalised PageRank, competitor exclusion
        m["keywords"] = list(sector.keywords)
        m["competitors"] = {c.name: list(c.actor_ids) for c in sector.competitors}
        if sector.store is not None:
            m["store_fingerprint"] = _fingerprint(sector.store)
            m["store_counts"] = sector.store.counts()
    if config is not None:
        m["config"] = config.to_dict()
    if seed is not None:
        m["seed"] = seed
    m.update(extra)
    return m


def manifest_path(path: str | os.PathLike) -> str:
    """``<path>.manifest.json``."""
    return os.fspath(path) + ".manifest.json"


def write_manifest(path: str | os.PathLike, manifest: dict[str, Any]) -> str:
    """Write the sidecar manifest of ``path`` (atomically, see :mod:`influence.atomic`) and
    return its path."""
    from .atomic import atomic_write

    out = manifest_path(path)
    with atomic_write(out, "w", encoding="utf-8") as fh:
        json.dump(manifest, fh, indent=2, sort_keys=True, ensure_ascii=False)
        fh.write("\n")
    return out


# -- the store fingerprint, computed beside the analysis -----------------------------------------


def prefetch_fingerprint(store) -> bool:
    """Start computing ``store.fingerprint()`` in a child process, for the manifest that
    :func:`make_manifest` will write once the analysis is done.

    A read command's store is opened read-only, so the fingerprint is not cached in it: on a
    million actors hashing every row takes as long as the analysis itself. Started first, the
    hashing runs on the second core while the analysis runs. Only for a SQLite file opened
    read-only, with at least :data:`PREFETCH_MIN_INTERACTIONS` interactions and no cached
    fingerprint of its current write generation; returns whether a process was started. The
    child (a ``python -c`` of this package) opens the file read-only too; should it fail,
    :func:`make_manifest` computes the fingerprint itself. It is killed if the command ends
    first (an error, Ctrl-C).
    """
    from .store import PgStore

    if id(store) in _PENDING or isinstance(store, PgStore) or not getattr(store, "readonly", False):
        return False
    path = getattr(store, "path", None)
    if not isinstance(path, (str, os.PathLike)) or not os.path.isfile(path):
        return False
    gen = store.get_meta("generation", "0")
    cached = store.get_meta("fingerprint")
    if (cached and cached.startswith(gen + ":")) or store.counts()["interactions"] < PREFETCH_MIN_INTERACTIONS:
        return False
    import atexit
    import subprocess
    import sys

    # a plain interpreter, not multiprocessing: its "spawn" re-runs the parent's __main__ (a
    # script, or nothing at all for code read from stdin), its "fork" copies a process that may
    # hold threads; the child finds this very package first on its path
    env = dict(os.environ)
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env["PYTHONPATH"] = os.pathsep.join([here, *filter(None, [env.get("PYTHONPATH")])])
    try:
        child = subprocess.Popen(
            [sys.executable, "-c", "from influence.manifest import _fingerprint_child; _fingerprint_child()",
             os.fspath(path), gen],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    except OSError:
        return False
    atexit.register(_stop, child)  # the command ended first (an error, Ctrl-C): no orphan
    _PENDING[id(store)] = (store, (child, gen))
    return True


def _stop(child) -> None:
    if child.poll() is None:
        child.kill()
        child.wait()


def _fingerprint_child() -> None:  # pragma: no cover - runs in the child process
    import sys

    from .store import Store

    path, generation = sys.argv[1], sys.argv[2]
    with Store(path, readonly=True) as store:
        # the digest of the generation the parent saw (a writer may have committed since)
        if store.get_meta("generation", "0") == generation:
            print(store.fingerprint())


def _fingerprint(store) -> str:
    """``store.fingerprint()``, from the child :func:`prefetch_fingerprint` started if any."""
    pending = _PENDING.pop(id(store), None)
    if pending is not None and pending[0] is store:
        child, gen = pending[1]
        try:
            out, _ = child.communicate()
        except BaseException:
            _stop(child)
            raise
        digest = out.decode("ascii", "replace").strip()
        if child.returncode == 0 and len(digest) == 64 and store.get_meta("generation", "0") == gen:
            return digest
    return store.fingerprint()
