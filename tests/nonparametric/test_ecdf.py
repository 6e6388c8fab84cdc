import numpy as np
import pytest
from numpy.testing import assert_allclose
from statsmodels.distributions.empirical_distribution import ECDF as SmECDF

from distreg.nonparametric import ECDF


def test_matches_statsmodels_1d():
    rng = np.random.default_rng(0)
    x = np.round(rng.normal(size=2000), 1)
    q = np.concatenate([x[:100], rng.normal(size=300), [-10, 10]])
    F = ECDF().fit(x)
    assert_allclose(F(q), SmECDF(x)(q), rtol=1e-12)
    assert_allclose(F.evaluate(), SmECDF(x)(x), rtol=1e-12)
    assert_allclose(F.sf(q), 1 - SmECDF(x)(q), atol=1e-12)
    assert_allclose(F.sf(q, inclusive=True), np.mean(x[None, :] >= q[:, None], axis=1), atol=1e-12)


def test_weights_equal_duplication():
    rng = np.random.default_rng(1)
    X = np.round(rng.normal(size=(300, 3)), 0)
    k = rng.integers(1, 4, size=300)
    dup = np.repeat(X, k, axis=0)
    Q = rng.normal(size=(50, 3))
    a, b = ECDF().fit(X, sample_weight=k), ECDF().fit(dup)
    assert_allclose(a(Q), b(Q), rtol=1e-12)
    assert_allclose(a.sf(Q), b.sf(Q), rtol=1e-12)
    assert_allclose(a.evaluate(), b(X), rtol=1e-12)


def test_multivariate_definition_and_grid():
    rng = np.random.default_rng(2)
    X = np.round(rng.normal(size=(400, 2)), 1)
    F = ECDF().fit(X)
    brute = np.mean(np.all(X[None, :, :] <= X[:, None, :], axis=2), axis=1)
    assert_allclose(F.evaluate(), brute, rtol=1e-12)
    sf = np.mean(np.all(X[None, :, :] > X[:, None, :], axis=2), axis=1)
    assert_allclose(F.sf(), sf, atol=1e-12)
    a0, a1 = np.linspace(-2, 2, 9), np.linspace(-1, 3, 5)
    G = F.evaluate_on_grid(a0, a1)
    mesh = np.column_stack([m.ravel() for m in np.meshgrid(a0, a1, indexing="ij")])
    assert G.shape == (9, 5)
    assert_allclose(G.ravel(), F(mesh), rtol=1e-12)


def test_quantile_and_dkw_band():
    x = np.array([3.0, 1.0, 2.0, 2.0, 5.0])
    F = ECDF().fit(x)
    # generalised inverse: smallest x with F(x) >= q
    assert_allclose(F.quantile([0.1, 0.2, 0.21, 0.6, 0.61, 0.99]), [1, 1, 2, 2, 3, 5])
    xs, lo, hi = F.confidence_band(0.95)
    eps = np.sqrt(np.log(2 / 0.05) / (2 * 5))
    assert_allclose(xs, [1, 2, 3, 5])
    assert_allclose(hi, np.minimum([0.2 + eps, 0.6 + eps, 0.8 + eps, 1 + eps], 1))
    assert_allclose(lo, np.maximum([0.2 - eps, 0.6 - eps, 0.8 - eps, 1 - eps], 0))


def test_dkw_band_covers_truth():
    # the band is simultaneous: it holds the true CDF everywhere in >= 95% of samples
    from scipy.stats import binom, norm

    rng = np.random.default_rng(3)
    reps, hits = 200, 0
    for _ in range(reps):
        xs, lo, hi = ECDF().fit(rng.normal(size=100)).confidence_band(0.95)
        F = norm.cdf(xs)
        # F rises between jumps: check the upper band just before each jump, the lower at it
        below_upper = np.all(F[1:] <= hi[:-1]) and F[0] <= np.sqrt(np.log(2 / 0.05) / 200)
        above_lower = np.all(F >= lo)
        hits += bool(below_upper and above_lower)
    assert hits >= binom.ppf(0.001, reps, 0.95)


def test_bad_input():
    with pytest.raises(ValueError, match="NaN"):
        ECDF().fit([1.0, np.nan])
    with pytest.raises(ValueError, match="sample_weight"):
        ECDF().fit([1.0, 2.0], sample_weight=[1.0, -1.0])
    F = ECDF().fit(np.zeros((3, 2)))
    with pytest.raises(ValueError, match="column"):
        F(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="one-dimensional"):
        F.quantile([0.5])
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        ECDF().fit([1.0, 2.0]).quantile([1.5])
    from distreg.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        ECDF().evaluate()


def test_input_not_modified():
    x = np.array([3.0, 1.0, 2.0])
    ECDF().fit(x).sf(x)
    assert_allclose(x, [3.0, 1.0, 2.0])
