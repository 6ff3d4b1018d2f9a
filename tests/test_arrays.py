"""influence._arrays: the sort-based unique gives exactly what np.unique gives."""

from __future__ import annotations

import numpy as np
import pytest

from influence._arrays import has_reverse, unique_sorted


@pytest.mark.parametrize("seed", range(5))
def test_unique_sorted_equals_numpy(seed):
    rng = np.random.default_rng(seed)
    cases = [
        rng.integers(-50, 50, 2_000),
        rng.integers(0, 10**12, 5_000),
        rng.integers(0, 3, 1_000).astype(np.int32),
        rng.random(300).round(2),
        np.where(rng.random(200) < 0.2, np.nan, rng.random(200).round(1)),
        np.array([np.inf, -np.inf, 0.0, -0.0, np.nan, np.inf]),
        np.array([], dtype=np.int64),
        np.array([7]),
    ]
    for x in cases:
        got, want = unique_sorted(x), np.unique(x)
        assert got.dtype == want.dtype
        assert np.array_equal(got, want, equal_nan=True), (x, got, want)


def test_unique_sorted_flattens_like_numpy():
    x = np.array([[3, 1], [1, 2]])
    assert unique_sorted(x).tolist() == np.unique(x).tolist() == [1, 2, 3]



@pytest.mark.parametrize("seed", range(4))
def test_has_reverse_equals_a_set_lookup(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 40))
    src, dst = rng.integers(0, n, 300), rng.integers(0, n, 300)
    edges = set(zip(src.tolist(), dst.tolist()))
    want = [(d, s) in edges for s, d in zip(src.tolist(), dst.tolist())]
    assert has_reverse(src, dst, n).tolist() == want
    assert has_reverse(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), n).tolist() == []
