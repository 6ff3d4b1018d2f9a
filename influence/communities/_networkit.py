"""The fast path: NetworKit's PLM on integer arrays, and modularity on arrays."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

# --------------------------------------------------------------------------------------------------
# The fast path: NetworKit's PLM on integer arrays
# --------------------------------------------------------------------------------------------------

#: The networkit engine makes at most ``runs`` PLM runs and at most this many edge visits in all
#: (runs x undirected edges), keeping the partition of highest modularity: ten runs up to 200,000
#: edges, four at 500,000, one from 2,000,000 up (see docs/communities.md).
RUN_EDGE_BUDGET = 2_000_000


_ENGINE: Any = None


def _networkit():
    """The three parts of NetworKit the fast path uses (``setNumberOfThreads``, ``GraphFromCsr``,
    ``community``), imported on first use.

    ``import networkit`` takes about 3 s, most of it in modules this path never uses (its
    ``__init__`` imports scikit-learn for link prediction, matplotlib and networkx): paid by every
    command that detects communities. When networkit is not imported yet, only its ``engineering``,
    ``graph`` and ``community`` extension modules are loaded (0.5 s), under a bare package entry
    that is removed again, so a later ``import networkit`` runs its own ``__init__`` as usual
    (reusing the loaded submodules). Any failure falls back to the plain import.
    """
    global _ENGINE
    if _ENGINE is not None:
        return _ENGINE
    import sys

    if "networkit" not in sys.modules:
        import importlib
        import importlib.util
        import types

        spec = importlib.util.find_spec("networkit")
        if spec is not None and spec.submodule_search_locations:
            sys.modules["networkit"] = importlib.util.module_from_spec(spec)  # not executed
            try:
                # in the order networkit's __init__ imports them (graph before engineering)
                graph = importlib.import_module("networkit.graph")
                community = importlib.import_module("networkit.community")
                engineering = importlib.import_module("networkit.engineering")
                engine = types.SimpleNamespace(setNumberOfThreads=engineering.setNumberOfThreads,
                                               GraphFromCsr=graph.GraphFromCsr, community=community)
            except (ImportError, AttributeError):
                engine = None
            finally:
                del sys.modules["networkit"]
            if engine is not None:
                _ENGINE = engine
                return engine
    import networkit

    _ENGINE = networkit
    return networkit


def budget_runs(runs: int, n_edges: int) -> int:
    """PLM runs made by the networkit engine for ``runs`` asked on ``n_edges`` undirected edges.

    >>> budget_runs(10, 78), budget_runs(10, 500_000), budget_runs(10, 5_000_000)
    (10, 4, 1)
    """
    return max(1, min(int(runs), RUN_EDGE_BUDGET // max(int(n_edges), 1)))


def graph_arrays(G, weight: str | None):
    """``(nodes, src, dst, w)`` of a networkx graph or a :class:`influence.measures.GraphView`:
    node i is ``nodes[i]``, one entry per edge (parallel edges repeated, self-loops included)."""
    from ..measures import GraphView

    if isinstance(G, GraphView):
        A = G.A if weight is not None else G.B
        coo = A.tocoo()
        return G.nodes, coo.row.astype(np.int64), coo.col.astype(np.int64), coo.data.astype(float)
    nodes = list(G)
    index = {v: i for i, v in enumerate(nodes)}
    m = G.number_of_edges()
    if weight is None:
        pairs = ((index[a], index[b]) for a, b in G.edges())
        w = np.ones(m)
    else:
        pairs_w = [(index[a], index[b], d.get(weight, 1)) for a, b, d in G.edges(data=True)]
        w = np.fromiter((x[2] for x in pairs_w), dtype=float, count=m)
        pairs = ((a, b) for a, b, _ in pairs_w)
    uv = np.fromiter((x for ab in pairs for x in ab), dtype=np.int64, count=2 * m).reshape(m, 2)
    return nodes, uv[:, 0], uv[:, 1], w


def sum_projection(n: int, src: np.ndarray, dst: np.ndarray, w: np.ndarray):
    """The sum projection as arrays ``(u, v, w)`` with ``u < v``, one entry per pair (weights of
    both directions and of parallel edges summed), self-loops dropped: :func:`project_undirected`
    without networkx.

    >>> sum_projection(3, np.array([0, 1, 1, 2]), np.array([1, 0, 2, 2]), np.array([2., .5, 1, 9]))
    (array([0, 1]), array([1, 2]), array([2.5, 1. ]))
    """
    import scipy.sparse as sp

    keep = src != dst
    a, b = np.minimum(src, dst)[keep], np.maximum(src, dst)[keep]
    A = sp.csr_array((w[keep].astype(float), (a, b)), shape=(n, n))
    A.sum_duplicates()
    coo = A.tocoo()
    return coo.row.astype(np.int64), coo.col.astype(np.int64), coo.data.astype(float)


def modularity_of(labels: np.ndarray, u: np.ndarray, v: np.ndarray, w: np.ndarray,
                resolution: float = 1.0) -> float:
    """Modularity of ``labels`` on the undirected graph ``(u, v, w)`` (one entry per pair, no
    self-loops): ``networkx.community.modularity`` in numpy.

    >>> import networkx as nx
    >>> G = nx.karate_club_graph()
    >>> u, v, w = (np.array(x) for x in zip(*G.edges(data="weight")))
    >>> labels = np.array([0 if G.nodes[i]["club"] == "Mr. Hi" else 1 for i in G])
    >>> round(modularity_of(labels, u, v, w), 6) == round(nx.community.modularity(
    ...     G, [{i for i in G if labels[i] == c} for c in (0, 1)], weight="weight"), 6)
    True
    """
    m = float(w.sum())
    if m <= 0:
        return math.nan
    n = len(labels)
    degree = np.bincount(u, w, minlength=n) + np.bincount(v, w, minlength=n)
    inside = float(w[labels[u] == labels[v]].sum())
    by_comm = np.bincount(labels, degree)
    return inside / m - resolution * float(np.square(by_comm / (2 * m)).sum())


def interruptible(fn: Callable[[], Any]) -> Any:
    """``fn()`` in a daemon thread, waited for in short steps so that Ctrl-C stops the wait at once.

    NetworKit releases the GIL while it runs, but a signal only reaches Python code between two
    calls: one PLM run on 5M edges is about a minute during which Ctrl-C would wait. The thread is
    left to finish (or to die with the process, which the CLI then ends with exit status 130).

    >>> interruptible(lambda: 6 * 7)
    42
    """
    import threading

    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # noqa: BLE001  (handed over to the caller's thread)
            box["error"] = exc

    worker = threading.Thread(target=target, name="influence-communities", daemon=True)
    # NetworKit replaces Python's SIGINT handler while it runs and, when it ends, restores it and
    # forgets a Ctrl-C that came after its last check: the run finished and the Ctrl-C was lost.
    # In the main thread SIGINT is blocked instead (the worker inherits the mask), so it stays
    # pending, where the wait below sees it.
    import signal

    block = threading.current_thread() is threading.main_thread() and hasattr(signal, "pthread_sigmask")
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT}) if block else None
    try:
        worker.start()
        while worker.is_alive():
            worker.join(0.05)
            if block and signal.SIGINT in signal.sigpending():
                signal.sigtimedwait([signal.SIGINT], 0)  # taken: it interrupts once, here
                raise KeyboardInterrupt
    finally:
        if block:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)
    if "error" in box:
        error = box["error"]
        if isinstance(error, RuntimeError) and "SIGINT" in str(error):
            # NetworKit catches Ctrl-C itself while it runs and stops with this RuntimeError:
            # the interruption it is (the CLI then exits with status 130, not a traceback)
            raise KeyboardInterrupt from None
        raise error
    return box["value"]


def run_plm(n: int, u: np.ndarray, v: np.ndarray, w: np.ndarray, *, seed: int, resolution: float,
         runs: int, progress) -> tuple[np.ndarray, float, int]:
    """Best of ``runs`` NetworKit PLM runs by modularity: ``(labels, modularity, runs)``.

    Each run numbers the nodes in a random order drawn from ``seed`` (numpy), and PLM runs
    sequentially (one thread, ``par="none"``) so that the result depends on nothing but the
    arrays and the seed. Ties in modularity keep the earlier run. Each run happens in a worker
    thread (:func:`interruptible`); OpenMP's thread count is per thread, so it is set there.
    """
    import scipy.sparse as sp

    nk = _networkit()
    rng = np.random.default_rng(seed)
    progress.step("Detecting communities", total=runs if runs > 1 else None)

    def run(a, b):
        # one OpenMP thread for everything NetworKit does here, the graph's construction
        # included (built in parallel, its adjacency order, and so PLM's result, would depend on
        # the thread count); the setting is per thread, so it is made in this worker thread
        nk.setNumberOfThreads(1)
        # each pair once (upper triangle), as CSR: sorted adjacency, built and searched
        # faster than from coordinates
        g = nk.GraphFromCsr(sp.csr_array((w, (np.minimum(a, b), np.maximum(a, b))), shape=(n, n)),
                            weighted=True, directed=False)
        plm = nk.community.PLM(g, refine=True, gamma=float(resolution), par="none")
        return np.asarray(plm.run().getPartition().getVector(), dtype=np.int64)

    best: tuple[np.ndarray, float] | None = None
    for _ in range(runs):
        perm = rng.permutation(n)  # node i is perm[i] in this run
        a, b = perm[u], perm[v]
        found = interruptible(lambda a=a, b=b: run(a, b))[perm]
        q = modularity_of(found, u, v, w, resolution)
        if best is None or q > best[1]:
            best = (found, q)
        progress.advance(1)
    return best[0], best[1], runs
