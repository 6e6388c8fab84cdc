import numpy as np
import pytest
from numpy.testing import assert_allclose

from distreg.exceptions import NumericalWarning
from distreg.nonparametric import KernelRegression


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    X = rng.uniform(-2, 2, size=(250, 2))
    y = np.sin(2 * X[:, 0]) + X[:, 1] ** 2 + 0.2 * rng.normal(size=250)
    return X, y


def _brute_nw(X, y, w, Q, b, kind, loo=False):
    t = np.abs(Q[:, None, :] - X[None]) / b
    K = np.exp(-t.sum(2)) if kind == "laplacian" else np.prod((1 + t) * np.exp(-t), axis=2)
    if kind == "gaussian":
        K = np.exp(-0.5 * ((Q[:, None, :] - X[None]) ** 2 / b**2).sum(2))
    if loo:
        np.fill_diagonal(K, 0.0)
    return (K * w) @ y / (K @ w)


@pytest.mark.parametrize("kernel", ["laplacian", "matern32", "gaussian"])
def test_predictions_and_loo_exact(data, kernel):
    X, y = data
    w = np.random.default_rng(1).exponential(size=y.size)
    m = KernelRegression(kernel=kernel, bandwidth=[0.3, 0.5]).fit(X, y, sample_weight=w)
    from distreg.nonparametric._common import KERNELS

    b = np.array([0.3, 0.5]) * KERNELS[kernel].scale_per_sd
    Q = np.random.default_rng(2).uniform(-2, 2, size=(50, 2))
    assert_allclose(m.predict(Q), _brute_nw(X, y, w, Q, b, kernel), rtol=1e-10)
    assert_allclose(m._loo_predictions(np.array([0.3, 0.5])), _brute_nw(X, y, w, X, b, kernel, loo=True), rtol=1e-10)


@pytest.mark.filterwarnings("ignore::FutureWarning")
def test_gaussian_matches_statsmodels_kernelreg(data):
    from statsmodels.nonparametric.kernel_regression import KernelReg

    X, y = data
    bw = [0.3, 0.5]
    sm = KernelReg(y, X, var_type="cc", reg_type="lc", bw=bw)
    Q = X[:20]
    assert_allclose(KernelRegression(kernel="gaussian", bandwidth=bw).fit(X, y).predict(Q), sm.fit(Q)[0], rtol=1e-10)


def test_cv_bandwidth_minimises_loo_error(data):
    X, y = data
    m = KernelRegression().fit(X, y)
    assert m.bandwidth_.shape == (2,)
    base = m._loo_error(np.log(m.bandwidth_))
    for f in ([0.9, 1.0], [1.1, 1.0], [1.0, 0.9], [1.0, 1.1]):
        assert base <= m._loo_error(np.log(m.bandwidth_ * f)) + 1e-12
    assert m.score(X, y) > 0.8


def test_far_points_warn_and_use_nearest(data):
    X, y = data
    m = KernelRegression(bandwidth=0.01).fit(X, y)
    with pytest.warns(NumericalWarning, match="underflow"):
        p = m.predict([[1e4, 0.0]])
    i = np.argmin(np.abs(X[:, 0] - 1e4) / 0.01 + np.abs(X[:, 1]) / 0.01)
    assert_allclose(p, y[i])


def test_bad_input(data):
    X, y = data
    with pytest.raises(ValueError, match="kernel"):
        KernelRegression(kernel="epanechnikov").fit(X, y)
    with pytest.raises(ValueError, match="bandwidth"):
        KernelRegression(bandwidth=[1.0]).fit(X, y)
    with pytest.raises(ValueError):
        KernelRegression().fit(X, y[:-1])
    with pytest.raises(ValueError, match="n_jobs must be"):
        KernelRegression(n_jobs=0).fit(X, y)
    with pytest.raises(TypeError, match="bandwidth must be"):
        KernelRegression(bandwidth=True).fit(X, y)
    with pytest.raises(TypeError, match="y must be numeric"):
        KernelRegression(bandwidth=0.5).fit(X, y.astype(str))  # "0.12" was parsed as a number
    with pytest.raises(ValueError, match="X or y: Found array with dim 3"):
        KernelRegression(bandwidth=0.5).fit(X[:, :, None], y)


def test_constant_column_gets_unit_spread_and_constant_X_predicts_the_mean():
    rng = np.random.default_rng(3)
    x = rng.uniform(-1, 1, 80)
    y = np.sin(3 * x) + 0.1 * rng.normal(size=80)
    w = rng.uniform(0.5, 2.0, 80)
    X = np.column_stack([x, np.full(80, 7.0)])
    m = KernelRegression(bandwidth="scott").fit(X, y)
    # the constant column's rule-of-thumb spread is 1 (in its units), not ~1e-16
    assert_allclose(m.bandwidth_[1], 80 ** (-1 / 6), rtol=1e-12)
    # it multiplies every kernel weight by the same factor, so the fit equals the 1-D one
    one_d = KernelRegression(bandwidth=m.bandwidth_[:1]).fit(x[:, None], y)
    assert_allclose(m.predict(X[:5]), one_d.predict(x[:5, None]), rtol=1e-10)
    flat = KernelRegression().fit(np.full((80, 1), 2.0), y, sample_weight=w)
    assert_allclose(flat.predict([[2.0], [2.5]]), np.full(2, np.dot(w, y) / w.sum()), rtol=1e-10)
