import numpy as np
from numpy.testing import assert_allclose

from distreg._kernels.binning import linear_binning_1d, linear_binning_2d

from . import oracles


def test_linear_binning_1d(rng):
    x = np.concatenate([rng.normal(size=300), [-10.0, 10.0, 0.0]])
    w = rng.exponential(size=x.size)
    got = linear_binning_1d(x, w, -3.0, 0.25, 25)
    assert_allclose(got, oracles.linear_binning_1d(x, w, -3.0, 0.25, 25), rtol=1e-12)
    assert_allclose(got.sum(), w.sum())


def test_linear_binning_2d_is_tensor_product(rng):
    X = rng.normal(size=(200, 2))
    w = rng.exponential(size=200)
    got = linear_binning_2d(X, w, np.array([-3.0, -2.0]), np.array([0.25, 0.5]), np.array([25, 9]))
    g0 = -3.0 + 0.25 * np.arange(25)
    g1 = -2.0 + 0.5 * np.arange(9)
    want = np.zeros((25, 9))
    for (a, b), wi in zip(X, w):
        a = min(max(a, g0[0]), g0[-1])
        b = min(max(b, g1[0]), g1[-1])
        want += wi * np.outer(np.maximum(0, 1 - abs(a - g0) / 0.25), np.maximum(0, 1 - abs(b - g1) / 0.5))
    assert_allclose(got, want, rtol=1e-12, atol=1e-15)
