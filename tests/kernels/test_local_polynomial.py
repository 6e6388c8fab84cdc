"""Local-polynomial and unit-quantile kernels against slow numpy oracles."""

import numpy as np
import pytest

from distreg._kernels.local_polynomial import locpoly_weights, poly_fitted
from distreg._kernels.quantiles import unit_quantiles_type7, unit_quantiles_weighted

KERNELS = {1: lambda u: np.clip(1 - np.abs(u), 0, None),
           2: lambda u: 0.75 * np.clip(1 - u * u, 0, None),
           3: lambda u: 0.5 * (np.abs(u) <= 1)}


def locpoly_oracle(x, Y, h, p, side, kernel):
    """Weighted least squares by numpy, one column at a time (obviously correct, slow)."""
    n, m = Y.shape
    alpha = np.zeros((p + 1, m))
    w = np.zeros((n, m))
    for q in range(m):
        u = x / h[q]
        k = KERNELS[kernel](u)
        k = np.where((x >= 0) if side == 1 else (x < 0), k, 0.0)
        R = u[:, None] ** np.arange(p + 1)
        M = R.T @ (k[:, None] * R)
        alpha[:, q] = np.linalg.solve(M, R.T @ (k * Y[:, q]))
        w[:, q] = (np.linalg.inv(M)[0] @ R.T) * k
    return alpha, w


@pytest.mark.parametrize("kernel", [1, 2, 3])
@pytest.mark.parametrize("p", [0, 1, 2, 3])
@pytest.mark.parametrize("side", [0, 1])
def test_locpoly_matches_oracle(kernel, p, side):
    rng = np.random.default_rng(kernel * 10 + p)
    x = np.round(rng.uniform(-1, 1, 150), 2)  # ties included
    Y = rng.normal(size=(150, 4)) + x[:, None]
    h = np.array([0.4, 0.7, 1.0, 3.0])
    a, w, info = locpoly_weights(x, Y, h, p, side, kernel)
    ao, wo = locpoly_oracle(x, Y, h, p, side, kernel)
    assert not info.any()
    np.testing.assert_allclose(a, ao, rtol=1e-9, atol=1e-10)
    np.testing.assert_allclose(w, wo, rtol=1e-9, atol=1e-12)
    # intercept weights reproduce the intercept and sum to one
    np.testing.assert_allclose((w * Y).sum(axis=0), a[0], rtol=1e-10)
    np.testing.assert_allclose(w.sum(axis=0), 1.0, rtol=1e-10)


def test_locpoly_far_data_and_large_scale():
    rng = np.random.default_rng(3)
    x = np.concatenate([rng.uniform(-1, 1, 100), [1e6, -1e6]])  # far beyond the bandwidth
    Y = 1e8 * (1 + x[:, None]) + rng.normal(size=(102, 2))
    h = np.array([0.5, 0.9])
    a, w, info = locpoly_weights(x, Y, h, 2, 1, 2)
    ao, wo = locpoly_oracle(x, Y, h, 2, 1, 2)
    # round-off relative to the data's scale (1e8), not to each coefficient
    np.testing.assert_allclose(a, ao, rtol=1e-9, atol=1e-12 * np.abs(Y).max())
    np.testing.assert_allclose(w, wo, rtol=1e-9, atol=1e-12)
    assert w[-2:].sum() == 0.0


def test_locpoly_singular_is_flagged():
    x = np.array([-0.5, -0.2, 0.1, 0.1, 0.3])  # right side: only two distinct x for p = 2
    Y = np.ones((5, 1))
    _, _, info = locpoly_weights(x, Y, np.array([1.0]), 2, 1, 1)
    assert info[0] == 1


def test_poly_fitted():
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, 20)
    alpha = rng.normal(size=(3, 2))
    h = np.array([0.5, 2.0])
    out = poly_fitted(x, alpha, h, 2)
    for q in range(2):
        u = x / h[q]
        np.testing.assert_allclose(out[:, q], alpha[0, q] + alpha[1, q] * u + alpha[2, q] * u**2)


def test_unit_quantiles_type7_matches_numpy():
    rng = np.random.default_rng(1)
    samples = [np.round(rng.normal(size=k), 1) for k in (1, 2, 5, 50, 333)]
    levels = np.array([0.001, 0.1, 0.25, 0.5, 0.77, 0.999])
    offsets = np.concatenate([[0], np.cumsum([s.size for s in samples])])
    out = unit_quantiles_type7(np.concatenate(samples), offsets, levels)
    for i, s in enumerate(samples):
        np.testing.assert_allclose(out[i], np.quantile(s, levels, method="linear"), rtol=1e-14)


def weighted_quantile_oracle(y, w, levels):
    """Hmisc wtd.quantile(normwt=TRUE, type='quantile') written out directly."""
    vals = np.unique(y)
    wts = np.array([w[y == v].sum() for v in vals]) * y.size / w.sum()
    cum = np.cumsum(wts)
    n = wts.sum()
    out = []
    for q in levels:
        pos = 1 + (n - 1) * q
        lo = max(np.floor(pos), 1)
        hi = min(lo + 1, n)

        def look(t):
            idx = np.nonzero(cum >= t)[0]
            return vals[idx[0]] if idx.size else vals[-1]
        frac = pos % 1
        out.append((1 - frac) * look(lo) + frac * look(hi))
    return np.array(out)


def test_unit_quantiles_weighted():
    rng = np.random.default_rng(2)
    samples = [np.round(rng.normal(size=k), 1) for k in (3, 10, 60)]
    weights = [rng.uniform(0.2, 3, size=s.size) for s in samples]
    levels = np.array([0.05, 0.3, 0.5, 0.9])
    offsets = np.concatenate([[0], np.cumsum([s.size for s in samples])])
    out = unit_quantiles_weighted(np.concatenate(samples), np.concatenate(weights), offsets, levels)
    for i, (s, w) in enumerate(zip(samples, weights)):
        np.testing.assert_allclose(out[i], weighted_quantile_oracle(s, w, levels), rtol=1e-12)
    # unit weights give type 7
    ones = unit_quantiles_weighted(np.concatenate(samples), np.ones(offsets[-1]), offsets, levels)
    np.testing.assert_allclose(ones, unit_quantiles_type7(np.concatenate(samples), offsets, levels),
                               rtol=1e-12)


@pytest.mark.parametrize("kernel", [1, 2, 3])
@pytest.mark.parametrize("side", [0, 1])
def test_locpoly_extras_matches_oracle(kernel, side):
    from distreg._kernels.local_polynomial import locpoly_extras

    rng = np.random.default_rng(kernel + 7 * side)
    x = np.round(rng.uniform(-1, 1, 120), 2)
    h = np.array([0.5, 1.2])
    p = 2
    wc, lev = locpoly_extras(x, h, p, side, kernel, 2)
    for q in range(2):
        u = x / h[q]
        k = np.where((x >= 0) if side == 1 else (x < 0), KERNELS[kernel](u), 0.0)
        R = u[:, None] ** np.arange(p + 1)
        Minv = np.linalg.inv(R.T @ (k[:, None] * R))
        np.testing.assert_allclose(wc[:, q], (Minv[2] @ R.T) * k, rtol=1e-9, atol=1e-12)
        hat = (R @ Minv @ R.T) * k[None, :]  # hat[i, j]: weight of y_j in the fit at x_i
        np.testing.assert_allclose(lev[:, q], np.where(k > 0, np.diag(hat), 0.0), rtol=1e-9, atol=1e-12)
