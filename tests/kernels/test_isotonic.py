"""PAV kernel against a brute-force isotonic oracle (active-set free: minimal-lower-sets formula)."""

import numpy as np
import pytest

from distreg._kernels.isotonic import pava, pava_rows


def isotonic_oracle(y, w):
    # f_i = max_{j<=i} min_{k>=i} (weighted mean of y[j..k]) -- the min-max formula
    n = len(y)
    f = np.empty(n)
    for i in range(n):
        best = -np.inf
        for j in range(i + 1):
            worst = np.inf
            for k in range(i, n):
                worst = min(worst, np.dot(w[j:k + 1], y[j:k + 1]) / w[j:k + 1].sum())
            best = max(best, worst)
        f[i] = best
    return f


@pytest.mark.parametrize("seed", range(5))
def test_pava_matches_oracle(seed):
    rng = np.random.default_rng(seed)
    y = np.round(rng.normal(size=40), 1)  # ties included
    w = rng.uniform(0.1, 3.0, size=40)
    np.testing.assert_allclose(pava(y, w), isotonic_oracle(y, w), rtol=1e-12, atol=1e-12)


def test_pava_extreme_scales_and_monotone_input():
    y = np.array([1e12, -1e12, 3.0, 2.0, 1e-12])
    w = np.ones(5)
    np.testing.assert_allclose(pava(y, w), isotonic_oracle(y, w), rtol=1e-12)
    inc = np.arange(10.0)
    np.testing.assert_array_equal(pava(inc, np.ones(10)), inc)


def test_pava_rows():
    rng = np.random.default_rng(3)
    Y = rng.normal(size=(4, 12))
    w = rng.uniform(0.5, 2, size=12)
    np.testing.assert_allclose(pava_rows(Y, w), np.array([isotonic_oracle(r, w) for r in Y]), rtol=1e-12)
