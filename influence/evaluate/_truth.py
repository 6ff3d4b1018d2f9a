"""Ground truths: spreading power simulated by influence.diffusion, or a CSV of known influencers.
"""

from __future__ import annotations

import csv
import hashlib
import math
import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np

from ..diffusion import (
    ProgressFn,
    simulate_ic,
    simulate_sir,
)
from ..errors import InputDataError
from ..validation import check_choice, check_whole

if TYPE_CHECKING:
    import networkx as nx

from ._results import Truth

# -- spreading truth -----------------------------------------------------------------------------


def spreading_truth(
    G: nx.Graph,
    model: str = "sir",
    *,
    beta: float | None = None,
    beta_factor: float = 1.5,
    gamma: float = 1.0,
    p: float | None = None,
    runs: int = 100,
    nodes: Iterable | None = None,
    sample: int | None = None,
    weight: str | None = None,
    seed=0,
    progress: ProgressFn | None = None,
) -> Truth:
    """Spreading power as a ground truth, with the parameters recorded for the manifest.

    Parameters
    ----------
    G : networkx.Graph or DiGraph
    model : {"sir", "ic"}, default="sir"
    beta, beta_factor, gamma
        SIR parameters (see :func:`sir_spreading`).
    p
        IC parameter (see :func:`ic_spreading`).
    runs : int, default=100
        Simulations per source. When the outcome has no chance in it (every edge transmits, as
        when SIR's ``beta`` is capped at 1, or none can), one run gives the exact answer and only
        one is made: ``params`` then records ``runs=1``, ``runs_requested`` and
        ``deterministic=True``.
    nodes : iterable, optional
        Estimate these actors only.
    sample : int, optional
        Estimate a uniform random sample of this many actors (of ``nodes``, or of the graph),
        drawn with ``seed``: the cost of the simulation grows with the number of sources.
    weight : str, optional
        SIR: edge attribute with interaction counts (default unweighted). IC: the attribute for
        the weighted cascade (``None`` here means ``"weight"``).
    seed : int, default=0
    progress : callable, optional

    Returns
    -------
    Truth
        ``source`` is the model; ``params`` holds every parameter used, including the resolved
        ``beta`` and the ``threshold``.

    Examples
    --------
    >>> import networkx as nx
    >>> t = spreading_truth(nx.karate_club_graph(), runs=200, seed=0)
    >>> t.params["model"], round(t.params["threshold"], 4), round(t.params["beta"], 4)
    ('sir', 0.1477, 0.2216)
    >>> sorted(sorted(t.values, key=t.values.get)[-2:])   # the two leaders spread furthest
    [0, 33]
    """
    check_choice("model", model, ("sir", "ic"))
    seed = check_whole("seed", seed, 0)
    pool = list(G) if nodes is None else list(nodes)
    if sample is not None:
        sample = check_whole("sample", sample, 1)
        if sample < len(pool):
            # a stream of its own, so that sampling does not shift the simulation's draws
            pick = np.random.default_rng([int(seed), 1]).choice(len(pool), size=sample, replace=False)
            pool = [pool[i] for i in np.sort(pick)]
    params: dict[str, Any] = {"model": model, "runs": int(runs), "seed": int(seed),
                              "sources": len(pool), "direction": "reversed edges (attention target -> giver)"
                              if G.is_directed() else "undirected"}
    if sample is not None:
        params["sample"] = int(sample)
    if model == "sir":
        values, b, thr, used = simulate_sir(G, beta=beta, beta_factor=beta_factor, gamma=gamma, runs=runs,
                                    nodes=pool, weight=weight, seed=int(seed), progress=progress)
        params.update(beta=b, gamma=float(gamma), weight=weight)
        if thr is not None:
            params.update(beta_factor=float(beta_factor), threshold=thr if math.isfinite(thr) else None)
    else:
        w = weight or "weight"
        params.update(p=p, probability="weighted cascade" if p is None else "1 - (1 - p) ** weight",
                      weight=w)
        values, used = simulate_ic(G, p=p, runs=runs, nodes=pool, weight=w, seed=int(seed), progress=progress)
    if used != params["runs"]:
        # every edge transmits (or none can): one run gives the exact answer, and only one ran
        params.update(runs=used, runs_requested=int(runs), deterministic=True)
    return Truth(values=values, source=model, params=params)


# -- ground truth from a file ----------------------------------------------------------------------


def read_truth(path: str | os.PathLike, *, nodes: Iterable | None = None, platform: str = "import") -> Truth:
    """Read a ground-truth CSV: ``actor`` or ``actor,score`` (or ``actor,label``) per line.

    A header row is optional (recognised when its first field is ``actor`` or ``id``).

    - One column: a list of known influencers. The listed actors are the positives and every other
      ranked actor a negative (``binary=True``).
    - Two columns: a number per actor (a score, or a 0/1 label); only the listed actors are
      compared. Larger = more influential.

    Parameters
    ----------
    path : path-like
    nodes : iterable, optional
        The graph's actors. When given, ids are matched against them: first as written, then as
        canonical ids on ``platform`` (``42`` -> ``import:42``, see
        :func:`influence.records.parse_actor_id`); ids that match nothing go to ``unmatched``.
    platform : str, default="import"
        Platform of ids that are not canonical (as in ``influence import --platform``).

    Returns
    -------
    Truth

    Raises
    ------
    InputDataError
        Naming the file and line: a missing file, a bad number, a repeated actor, too many
        columns, or no rows.

    Examples
    --------
    >>> import tempfile, os
    >>> d = tempfile.mkdtemp()
    >>> f = os.path.join(d, "leaders.csv")
    >>> with open(f, "w") as fh:
    ...     _ = fh.write("actor,score\\n42,3\\n7,1.5\\n")
    >>> read_truth(f, nodes=["import:42", "import:7", "import:1"]).values
    {'import:42': 3.0, 'import:7': 1.5}
    """
    from ..records import parse_actor_id

    p = os.fspath(path)
    if not os.path.isfile(p):
        raise InputDataError("no such file", path=p)
    rows: list[tuple[int, str, float | None]] = []
    width = None
    with open(p, encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        for fields in reader:
            line = reader.line_num
            fields = [f.strip() for f in fields]
            if not fields or not any(fields) or fields[0].startswith("#"):
                continue
            if not rows and width is None and fields[0].lower() in ("actor", "id"):
                width = len(fields)
                continue
            if len(fields) > 2:
                raise InputDataError(f"expected 'actor' or 'actor,score', got {len(fields)} fields",
                                     path=p, line=line)
            if width is None:
                width = len(fields)
            if len(fields) != width:
                raise InputDataError(f"expected {width} field(s) as on the first row, got {len(fields)}",
                                     path=p, line=line)
            if not fields[0]:
                raise InputDataError("empty actor id", path=p, line=line)
            value = None
            if width == 2:
                try:
                    value = float(fields[1])
                except ValueError:
                    raise InputDataError(f"score must be a number, got {fields[1]!r}", path=p,
                                         line=line) from None
                if not math.isfinite(value):
                    raise InputDataError(f"score must be finite, got {fields[1]!r}", path=p, line=line)
            rows.append((line, fields[0], value))
    if not rows:
        raise InputDataError("no actors in the ground-truth file", path=p)
    binary = width == 1
    lookup = None
    if nodes is not None:
        node_list = list(nodes)
        exact = {str(v): v for v in node_list}
        lookup = exact
    values: dict = {}
    unmatched: list[str] = []
    seen: dict = {}
    for line, raw, value in rows:
        key: Any = raw
        if lookup is not None:
            key = lookup.get(raw)
            if key is None:
                try:
                    key = lookup.get(parse_actor_id(raw, platform))
                except ValueError:
                    key = None
            if key is None:
                unmatched.append(raw)
                continue
        if key in seen:
            raise InputDataError(f"actor {raw!r} is listed twice (first on line {seen[key]})",
                                 path=p, line=line)
        seen[key] = line
        values[key] = 1.0 if binary else float(value)
    with open(p, "rb") as fh:
        digest = hashlib.sha256(fh.read()).hexdigest()
    params = {"file": os.path.basename(p), "sha256": digest, "rows": len(rows), "binary": binary}
    if nodes is not None:
        params.update(matched=len(values), unmatched=len(unmatched))
    return Truth(values=values, source="file", binary=binary, params=params, unmatched=tuple(unmatched))
