import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import integrate

from distreg._kernels import laplace as L
from distreg._kernels.direct import direct_kernel_sums
from distreg._kernels.laplace_2d import laplace_sums_2d

from . import oracles
from .conftest import make_data, make_weights, size

RTOL = 1e-10
KERNELS = {"laplace": L.LAPLACE, "matern32": L.MATERN32, "matern72": L.MATERN72}


def _h(kind, d):
    return np.ones(d) if kind == "far" else np.linspace(0.3, 0.8, d)


@pytest.mark.parametrize("d", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("kind", ["continuous", "ties", "far"])
@pytest.mark.parametrize("kernel", ["laplace", "matern32"])
def test_kernel_sums_at_samples(rng, d, kind, kernel):
    n = size(1200 if d <= 3 else 500)
    X = make_data(kind, n, d, rng)
    w = make_weights(n, 2, rng, True)
    h = _h(kind, d)
    got = L.expo_kernel_sums_at_samples(X, w, h, KERNELS[kernel])
    assert_allclose(got, oracles.expo_kernel(X, w, X, h, KERNELS[kernel]), rtol=RTOL)


@pytest.mark.parametrize("d", [1, 2, 3])
@pytest.mark.parametrize("kind", ["continuous", "ties", "far"])
@pytest.mark.parametrize("kernel", ["laplace", "matern32", "matern72"])
def test_kernel_sums_at_points(rng, d, kind, kernel):
    n = size(1000)
    X = make_data(kind, n, d, rng)
    w = make_weights(n, 1, rng, kind != "continuous")
    Q = np.vstack([X[:60], X[:60] + 0.25, make_data(kind, 150, d, rng)])
    h = _h(kind, d)
    got = L.expo_kernel_sums(X, w, Q, h, KERNELS[kernel])
    assert_allclose(got, oracles.expo_kernel(X, w, Q, h, KERNELS[kernel]), rtol=RTOL, atol=1e-300)


def test_laplace_2d_mixed_slots(rng):
    # the same point can be data and query; pure data points (slot -1) produce no output
    n = size(900)
    X = np.round(rng.normal(size=(n, 2)), 1)
    w = rng.exponential(size=(n, 1))
    is_query = np.arange(n) % 3 != 0
    slot = np.where(is_query, np.cumsum(is_query) - 1, -1)
    n_out = int(is_query.sum())
    got = laplace_sums_2d(X, w, slot, n_out, np.array([0.2, 0.4]))
    want = oracles.expo_kernel(X, w, X[slot >= 0], np.array([0.2, 0.4]), L.LAPLACE)
    assert_allclose(got, want, rtol=RTOL)


def test_far_spread_no_overflow(rng):
    # positions up to 1e6 bandwidths from the origin: exp(x / h) would overflow
    x = np.sort(rng.uniform(0, 1e6, size=size(3000)))
    X = np.column_stack([x, rng.normal(size=x.size)])
    w = np.ones((x.size, 1))
    for coefs in (L.LAPLACE, L.MATERN32):
        got = L.expo_kernel_sums_at_samples(X, w, np.array([1.0, 1.0]), coefs)
        assert np.all(np.isfinite(got)) and np.all(got >= 1.0)
        assert_allclose(got, oracles.expo_kernel(X, w, X, np.array([1.0, 1.0]), coefs), rtol=RTOL)


@pytest.mark.parametrize("d", [1, 2, 3])
def test_nadaraya_watson_and_loo(rng, d):
    n = size(800)
    X = make_data("ties", n, d, rng)
    y = np.column_stack([X.sum(axis=1) + rng.normal(size=n), rng.normal(size=n)])
    w = rng.exponential(size=n)
    h = np.full(d, 0.7)
    Q = make_data("continuous", 100, d, rng)
    for coefs in (L.LAPLACE, L.MATERN32):
        den, num = L.nadaraya_watson_sums(X, y, w, Q, h, coefs)
        Kq = oracles.expo_kernel(X, np.column_stack([w, w[:, None] * y]), Q, h, coefs)
        assert_allclose(den, Kq[:, 0], rtol=RTOL)
        assert_allclose(num, Kq[:, 1:], rtol=RTOL)
        den, num = L.nadaraya_watson_loo_sums(X, y, w, h, coefs)
        # leave-one-out by deleting row i and summing the rest
        for i in [0, 7, n // 2, n - 1]:
            keep = np.arange(n) != i
            Ki = oracles.expo_kernel(X[keep], np.column_stack([w[keep], w[keep, None] * y[keep]]), X[i:i + 1], h, coefs)
            assert_allclose(den[i], Ki[0, 0], rtol=1e-9)
            assert_allclose(num[i], Ki[0, 1:], rtol=1e-9)


def test_matern_kernels_are_self_convolutions():
    lap = lambda t: np.exp(-abs(t)) / 2
    m32 = lambda t: (1 + abs(t)) * np.exp(-abs(t)) / 4
    for u in [0.0, 0.3, 2.0, 7.5]:
        conv = integrate.quad(lambda s: lap(s) * lap(u - s), -60, 60, points=[0, u], limit=200)[0]
        assert_allclose(conv, np.polynomial.polynomial.polyval(u, L.MATERN32) * np.exp(-u) / 4, rtol=1e-8)
        conv = integrate.quad(lambda s: m32(s) * m32(u - s), -60, 60, points=[0, u], limit=200)[0]
        assert_allclose(conv, np.polynomial.polynomial.polyval(u, L.MATERN72) * np.exp(-u) / 6.4, rtol=1e-8)


@pytest.mark.parametrize("kind", ["gaussian", "epanechnikov", "uniform", "laplacian", "matern32"])
def test_direct_kernel_sums(rng, kind):
    from distreg._kernels import direct

    code = {"gaussian": direct.GAUSSIAN, "epanechnikov": direct.EPANECHNIKOV, "uniform": direct.UNIFORM,
            "laplacian": direct.LAPLACIAN, "matern32": direct.MATERN32}[kind]
    X = np.round(rng.normal(size=(size(500), 2)), 1)
    w = rng.exponential(size=(X.shape[0], 2))
    Q = np.vstack([X[:50], rng.normal(size=(50, 2))])
    h = np.array([0.5, 1.0])
    got = direct_kernel_sums(X, w, Q, h, code)
    assert_allclose(got, oracles.direct_kernel(X, w, Q, h, kind), rtol=RTOL, atol=1e-300)


def test_laplace_2d_parallel_split_agrees(rng):
    # the parallel top-level split must give the same sums as the serial recursion
    n = size(6000)
    X = np.round(rng.normal(size=(n, 2)), 2)
    w = rng.exponential(size=(n, 1))
    h = np.array([0.2, 0.3])
    serial = laplace_sums_2d(X, w, np.arange(n), n, h, 1)
    par = laplace_sums_2d(X, w, np.arange(n), n, h, 2)
    assert_allclose(par, serial, rtol=1e-12)
    if n >= 2000:
        idx = rng.choice(n, 200, replace=False)
        assert_allclose(par[idx], oracles.expo_kernel(X, w, X[idx], h, L.LAPLACE), rtol=RTOL)
