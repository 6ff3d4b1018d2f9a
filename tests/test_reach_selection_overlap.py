"""select_reach's audience overlap of a pick with the earlier ones: computed on sparse rows, equal
to the last row of overlap_counts' Jaccard matrix (its former computation)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from influence.reach import overlap_counts
from influence.reach._selection import _audience_overlap


@pytest.mark.parametrize("seed", range(4))
def test_audience_overlap_is_overlap_counts_last_row(seed):
    rng = np.random.default_rng(seed)
    for _ in range(60):
        n, m = int(rng.integers(5, 60)), int(rng.integers(5, 80))
        S = sp.random(n, m, density=rng.uniform(0.01, 0.4), random_state=int(rng.integers(1e9)), format="csr")
        S.data = rng.choice([0.0, 0.5, 1.0, 2.0], size=S.data.size)  # explicit zeros are no audience
        if seed % 2:
            S = sp.csr_array(S)  # what graph_matrix gives: S[i] of a sparse array is 1-D
        k = int(rng.integers(1, min(n, 8)))
        *chosen, i = (int(x) for x in rng.choice(n, size=k + 1, replace=False))
        jac, _, _ = overlap_counts(S, np.array([*chosen, i]))
        assert _audience_overlap(S, chosen, i) == float(jac[-1, :-1].max())
    assert _audience_overlap(S, [], 0) == 0.0


def _pool_by_rules(G, cand, S, nodes, exclude):
    """candidate_pool's rules one candidate at a time (its former loop)."""
    from influence.reach import is_bot_like

    given = np.bincount(S.indices, minlength=len(nodes))
    givers = np.diff(S.indptr)
    pos = {v: i for i, v in enumerate(nodes)}
    keep, excluded = [], {"competitor": 0, "bot-like": 0}
    for a in cand:
        i, d = pos[a], G.nodes[a]
        if d.get("is_competitor"):
            excluded["competitor"] += 1
        elif is_bot_like(d.get("followers"), int(given[i]), int(givers[i])):
            excluded["bot-like"] += 1
        elif a in exclude:
            excluded[exclude[a]] = excluded.get(exclude[a], 0) + 1
        else:
            keep.append((a, i))
    return keep, excluded


def test_candidate_pool_applies_the_rules_of_each_candidate():
    import networkx as nx

    from influence.measures import GraphView
    from influence.reach._common import graph_matrix
    from influence.reach._constraints import candidate_pool

    rng = np.random.default_rng(3)
    G = nx.gnm_random_graph(300, 2500, seed=3, directed=True)
    G = nx.relabel_nodes(G, {v: f"a{v}" for v in G})
    for v in G:
        if rng.random() < 0.05:
            G.nodes[v]["is_competitor"] = True
        if rng.random() < 0.5:
            G.nodes[v]["followers"] = int(rng.choice([0, 1, 2, 50]))
    for j in range(6):  # accounts that give much attention and get none
        G.add_edges_from((f"bot{j}", f"a{v}") for v in rng.choice(300, 40, replace=False))
        G.nodes[f"bot{j}"]["followers"] = j % 3
    exclude = {f"a{v}": "inactive" for v in range(0, 300, 17)}
    for graph in (G, GraphView(G)):
        nodes, S = graph_matrix(graph)
        cand = [f"a{v}" for v in rng.permutation(300)] + [f"bot{j}" for j in range(6)]
        got = candidate_pool(graph, nodes, S, ranking=None, config=None, candidates=cand, pool=None,
                             exclude_competitors=True, exclude_bots=True, exclude=exclude)
        want = _pool_by_rules(G, cand, S, nodes, exclude)
        assert got == want
        assert want[1]["competitor"] > 0 and want[1]["bot-like"] > 0 and want[1]["inactive"] > 0
