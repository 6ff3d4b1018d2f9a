"""Consensus of several randomised runs (Lancichinetti & Fortunato 2012, Tandon et al. 2019), in
worker processes on large components.
"""

from __future__ import annotations

import networkx as nx
import numpy as np

# consensus: an edge stays in the consensus graph when at least this share of runs agree on it
# (Lancichinetti & Fortunato found 0.5 a good threshold for Louvain); rounds are capped because a
# few edges can keep flickering on graphs with no community structure at all.
_CONSENSUS_TAU = 0.5
_CONSENSUS_MAX_ROUNDS = 10
# ... and consensus is reached when the runs disagree on fewer than this share of the edges (Tandon
# et al.'s delta): tree-like parts of reply graphs have no community structure to agree on, and
# waiting for them would cost every remaining round.
_CONSENSUS_DELTA = 0.02


PARALLEL_MIN_NODES = 20_000

# the graph and search of the current parallel round, inherited by the forked workers
_JOB: tuple | None = None


def _job_run(seed: int) -> list:
    H, find = _JOB
    return find(H, seed)


def _workers() -> int:
    """Processes for a consensus round: ``INFLUENCE_WORKERS`` if set, else the CPUs this process
    may use. 1 where forking is not safe (not Linux, or other threads alive)."""
    import os
    import sys
    import threading

    env = os.environ.get("INFLUENCE_WORKERS", "").strip()
    if env.isdigit() and int(env) >= 1:
        n = int(env)
    else:
        n = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if n > 1 and (not sys.platform.startswith("linux") or threading.active_count() > 1):
        return 1
    return n


def _runs(H: nx.Graph, find, seeds: list[int]) -> list:
    """``[find(H, s) for s in seeds]``, in forked worker processes when H is large and more than
    one CPU is available: the same results in the same order (each run has its own seed), about
    ``workers`` times sooner on the large components where consensus costs minutes."""
    workers = min(_workers(), len(seeds))
    if workers < 2 or H.number_of_nodes() < PARALLEL_MIN_NODES:
        return [find(H, s) for s in seeds]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    global _JOB
    _JOB = (H, find)  # forked workers inherit it: nothing but the seeds and the results is pickled
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                                 initializer=_job_ignore_sigint) as pool:
            try:
                return list(pool.map(_job_run, seeds))
            except BaseException:  # Ctrl-C: stop the workers now, not after the queued runs
                for proc in list((pool._processes or {}).values()):
                    proc.terminate()
                pool.shutdown(wait=True, cancel_futures=True)
                raise
    finally:
        _JOB = None


def _job_ignore_sigint() -> None:
    # the parent decides what Ctrl-C does (it stops the workers); a worker ignores it
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def consensus_partition(H: nx.Graph, find, seed: int, runs: int) -> list:
    """Consensus of ``runs`` partitions, on the edges of H (see the module docstring)."""
    nodes = list(H)
    index = {n: i for i, n in enumerate(nodes)}
    pairs = {(min(index[u], index[v]), max(index[u], index[v])) for u, v in H.edges()}
    pu, pv = (np.array(x, dtype=np.int64) for x in zip(*sorted(pairs)))
    rng = np.random.default_rng(seed)
    current = H
    for _ in range(_CONSENSUS_MAX_ROUNDS):
        seeds = rng.integers(0, 2**31 - 1, size=runs)
        parts = _runs(current, find, [int(s) for s in seeds])
        labels = np.empty((runs, len(nodes)), dtype=np.int64)
        for r, part in enumerate(parts):
            for c, members in enumerate(part):
                labels[r, [index[m] for m in members]] = c
        agree = (labels[:, pu] == labels[:, pv]).mean(axis=0)
        if np.mean((agree > 0) & (agree < 1)) < _CONSENSUS_DELTA:
            return parts[0]
        C = nx.Graph()
        C.add_nodes_from(nodes)
        keep = agree >= _CONSENSUS_TAU
        C.add_weighted_edges_from(
            (nodes[a], nodes[b], float(f)) for a, b, f in zip(pu[keep], pv[keep], agree[keep])
        )
        # a node whose every edge fell below the threshold keeps its most agreed one (Tandon et
        # al.), or it would be left alone as a community of one
        best: dict[int, tuple[float, int]] = {}
        for a, b, f in zip(pu[~keep], pv[~keep], agree[~keep]):
            for x, y in ((a, b), (b, a)):
                if f > 0 and C.degree(nodes[x]) == 0 and f > best.get(x, (0.0, -1))[0]:
                    best[x] = (float(f), int(y))
        for x, (f, y) in best.items():
            C.add_edge(nodes[x], nodes[y], weight=f)
        current = C
    return parts[0]
