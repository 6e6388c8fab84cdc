import numpy as np
import pytest
from numpy.testing import assert_allclose

from distreg._kernels import ecdf as K

from . import oracles
from .conftest import make_data, make_weights, size

RTOL = 1e-10


@pytest.mark.parametrize("kind", ["continuous", "ties", "far"])
@pytest.mark.parametrize("side", [0, 1, 2, 3])
@pytest.mark.parametrize("weighted", [False, True])
def test_ecdf_1d_samples_and_points(rng, kind, side, weighted):
    n = size(2000)
    x = make_data(kind, n, 1, rng)[:, 0]
    w = make_weights(n, 2, rng, weighted)
    assert_allclose(K.ecdf_1d_at_samples(x, w, side), oracles.ecdf_1d(x, w, x, side), rtol=RTOL)
    # queries: some equal to data values, some outside the range, some repeated
    q = np.concatenate([x[:50], rng.choice(x, 30), [x.min() - 1, x.max() + 1], make_data(kind, 300, 1, rng)[:, 0]])
    assert_allclose(K.ecdf_1d_at_points(x, w, q, side), oracles.ecdf_1d(x, w, q, side), rtol=RTOL)


def test_ecdf_1d_points_all_queries_equal(rng):
    x = np.round(rng.normal(size=500))
    w = np.ones((500, 1))
    q = np.zeros(40)
    for side in range(4):
        assert_allclose(K.ecdf_1d_at_points(x, w, q, side), oracles.ecdf_1d(x, w, q, side))


def test_ecdf_1d_many_chunks(rng):
    # enough data for the parallel path to split the work
    x = rng.normal(size=size(250_000))
    w = np.ones((x.size, 1))
    q = rng.normal(size=100)
    assert_allclose(K.ecdf_1d_at_points(x, w, q, 0, 2), oracles.ecdf_1d(x, w, q, 0), rtol=RTOL)


@pytest.mark.parametrize("d", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("kind", ["continuous", "ties", "far"])
@pytest.mark.parametrize("strict", [False, True])
def test_ecdf_nd_samples(rng, d, kind, strict):
    n = size(1500 if d <= 3 else 700)
    X = make_data(kind, n, d, rng)
    w = make_weights(n, 2, rng, True)
    assert_allclose(K.ecdf_nd_at_samples(X, w, strict), oracles.ecdf_nd(X, w, X, strict), rtol=RTOL)


@pytest.mark.parametrize("d", [1, 2, 3, 5])
@pytest.mark.parametrize("kind", ["continuous", "ties"])
def test_ecdf_nd_points(rng, d, kind):
    n = size(1200)
    X = make_data(kind, n, d, rng)
    w = make_weights(n, 1, rng, True)
    Q = np.vstack([X[:100], make_data(kind, 200, d, rng)])
    for strict in (False, True):
        assert_allclose(K.ecdf_nd_at_points(X, w, Q, strict), oracles.ecdf_nd(X, w, Q, strict), rtol=RTOL)


def test_ecdf_2d_all_tied_column(rng):
    X = np.column_stack([np.zeros(300), np.round(rng.normal(size=300))])
    w = np.ones((300, 1))
    assert_allclose(K.ecdf_nd_at_samples(X, w, False), oracles.ecdf_nd(X, w, X))
    X3 = np.column_stack([X, np.ones(300)])
    assert_allclose(K.ecdf_nd_at_samples(X3, w, False), oracles.ecdf_nd(X3, w, X3))
    assert_allclose(K.ecdf_nd_at_samples(X3, w, True), np.zeros((300, 1)))


@pytest.mark.parametrize("d", [1, 2, 3])
def test_ecdf_on_grid(rng, d):
    n = size(800)
    X = np.round(rng.normal(size=(n, d)), 1)
    w = make_weights(n, 2, rng, True)
    axes = [np.linspace(-2.5, 2.5, 11 + c) for c in range(d)]
    axes[0] = np.concatenate([axes[0], [0.05, 0.1]])
    axes[0].sort()
    got = K.ecdf_on_grid(X, w, np.concatenate(axes), np.array([len(a) for a in axes]))
    assert_allclose(got, oracles.ecdf_grid(X, w, axes), rtol=RTOL)


@pytest.mark.parametrize("kind", ["continuous", "ties", "far"])
def test_ecdf_1d_presorted(rng, kind):
    n = size(1500)
    x = make_data(kind, n, 1, rng)[:, 0]
    w = make_weights(n, 2, rng, True)
    o = np.argsort(x, kind="stable")
    xs, ws = x[o], w[o]
    cum = np.cumsum(ws, axis=0)
    rcum = np.cumsum(ws[::-1], axis=0)[::-1].copy()
    q = np.concatenate([x[:50], make_data(kind, 200, 1, rng)[:, 0], [x.min() - 1, x.max() + 1]])
    qo = np.argsort(q, kind="stable")
    for side in range(4):
        got = K.ecdf_1d_presorted_at_points(xs, cum, rcum, q, qo, side)
        assert_allclose(got, oracles.ecdf_1d(x, w, q, side), rtol=RTOL, atol=1e-300)
