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

__all__ = ["make_manifest", "write_manifest", "manifest_path"]


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
            m["store_fingerprint"] = sector.store.fingerprint()
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
