import warnings

import numpy as np
import pytest
import statsmodels.nonparametric.bandwidths as smbw
from numpy.testing import assert_allclose
from scipy.stats import gaussian_kde

from distreg.nonparametric import bandwidth as B


@pytest.fixture
def x():
    return np.random.default_rng(0).standard_t(5, size=700)


def test_rules_match_statsmodels_and_scipy(x):
    assert_allclose(B.silverman(x), smbw.bw_silverman(x), rtol=1e-12)
    assert_allclose(B.normal_reference(x), smbw.bw_scott(x), rtol=1e-12)
    X = np.column_stack([x, np.random.default_rng(1).normal(size=x.size) * 3])
    for rule, name in [(B.scott, "scott"), (B.silverman, "silverman")]:
        kde = gaussian_kde(X.T, bw_method=name)
        assert_allclose(rule(X), np.sqrt(np.diag(kde.covariance)), rtol=1e-12)
    assert_allclose(B.scott(x), gaussian_kde(x).factor * x.std(ddof=1), rtol=1e-12)


def test_weights_respected_through_effective_n(x):
    k = np.random.default_rng(2).integers(1, 4, size=x.size)
    # integer weights give the duplicated sample's spread; n becomes Kish's effective size
    n_eff = k.sum() ** 2 / np.sum(k**2)
    dup = np.repeat(x, k)
    sd_dup = dup.std(ddof=0) * np.sqrt(n_eff / (n_eff - 1))
    assert_allclose(B.scott(x, weights=k), sd_dup * n_eff ** (-0.2), rtol=1e-10)


def test_isj_near_normal_optimum():
    # for normal data the ISJ bandwidth approaches the AMISE optimum (4/3)^(1/5) sigma n^(-1/5)
    z = np.random.default_rng(3).normal(size=20000) * 2.0
    assert_allclose(B.improved_sheather_jones(z), (4 / 3) ** 0.2 * 2.0 * 20000 ** (-0.2), rtol=0.05)
    # scale equivariant
    assert_allclose(B.improved_sheather_jones(z * 1e-3), B.improved_sheather_jones(z) * 1e-3, rtol=1e-6)
    # bimodal: much smaller than Silverman's rule, which oversmooths
    rng = np.random.default_rng(4)
    bi = np.concatenate([rng.normal(0, 1, 3000), rng.normal(8, 0.5, 3000)])
    assert B.improved_sheather_jones(bi)[0] < 0.5 * B.silverman(bi)[0]


def _brute_loo(x, h, kernel):
    from distreg.nonparametric._common import KERNELS, kernel_values

    spec = KERNELS[kernel]
    b = h * spec.scale_per_sd
    K = kernel_values(kernel, (x[:, None] - x[None, :]) / b) * spec.norm / b
    np.fill_diagonal(K, 0.0)
    return K.sum(1) / (x.size - 1)


@pytest.mark.parametrize("kernel", ["laplacian", "matern32", "gaussian"])
def test_cv_ml_objective_is_exact_and_optimal(kernel):
    x = np.random.default_rng(5).normal(size=300)
    h = B.cv_ml(x, kernel=kernel)[0]
    f = B._loo_density(x[:, None], np.full(300, 1 / 300), np.array([h]), kernel)
    assert_allclose(f, _brute_loo(x, h, kernel), rtol=1e-10)
    ll = lambda hh: np.mean(np.log(_brute_loo(x, hh, kernel)))
    assert ll(h) >= max(ll(h * 0.97), ll(h * 1.03))


@pytest.mark.parametrize("kernel", ["laplacian", "matern32"])
def test_lscv_objective_matches_quadrature(kernel):
    from scipy import integrate

    from distreg.nonparametric import KernelDensity

    x = np.random.default_rng(6).normal(size=60)
    p = np.full(60, 1 / 60)
    h = 0.4
    obj = B._cv_objective("lscv", x[:, None], p, kernel, np.ones(1))(np.log([h]))
    kde = KernelDensity(kernel=kernel, bandwidth=h).fit(x)
    brk = np.sort(x)
    isq = integrate.quad(lambda t: kde.evaluate([t])[0] ** 2, -12, 12, points=brk, limit=500)[0]
    assert_allclose(obj, isq - 2 * np.mean(_brute_loo(x, h, kernel)), rtol=1e-6)
    hs = B.lscv(x, kernel=kernel)
    assert hs[0] > 0
    # in units of u the criterion is multiplied by u (its minimiser does not move)
    assert_allclose(B._cv_objective("lscv", x[:, None], p, kernel, np.array([0.3]))(np.log([h])), 0.3 * obj,
                    rtol=1e-12)


@pytest.mark.parametrize("rule", ["cv_ml", "lscv"])
def test_cross_validation_is_scale_equivariant(rule):
    # the criteria are computed in units of the start bandwidth: in 2-D, 1/prod(b) underflowed
    # for data of scale 1e300 and the search ended at its edge with a warning
    X = np.random.default_rng(8).normal(size=(120, 2))
    h = B.select_bandwidth(X, rule, kernel="laplacian")
    for scale in (1e300, 1e-300):  # the same minimum within the search tolerance (1e-4 in log h)
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # in particular no edge-of-range NumericalWarning
            assert_allclose(B.select_bandwidth(X * scale, rule, kernel="laplacian"), h * scale, rtol=1e-3)


def test_bad_input():
    with pytest.raises(ValueError, match="X has 1 sample.*needs at least 2"):
        B.scott([1.0])
    with pytest.raises(ValueError, match="lscv"):
        B.lscv(np.arange(10.0), kernel="gaussian")
    with pytest.raises(ValueError, match="rule="):
        B.select_bandwidth(np.arange(10.0), "plugin")
    with pytest.raises(ValueError, match="kernel="):
        B.select_bandwidth(np.arange(10.0), "scott", kernel="gauss")
    with pytest.raises(ValueError, match="weights must be non-negative"):
        B.scott(np.arange(10.0), weights=np.r_[-1.0, np.ones(9)])
    with pytest.raises(ValueError, match="start must be a positive number"):
        B.cv_ml(np.arange(10.0), start=-1.0)
    with pytest.raises(ValueError, match="start must be a positive number or 2"):
        B.cv_ml(np.random.default_rng(0).normal(size=(20, 2)), start=[0.1, 0.2, 0.3])


@pytest.mark.parametrize("rule", B.RULES)
def test_degenerate_sample_is_a_clear_error(rule):
    # all values equal, exactly or up to rounding: a bandwidth from the spread would be ~1e-16
    for x in (np.full(200, 3.0), np.r_[np.full(199, 3.0), 3.0 + 1e-13]):
        with pytest.raises(ValueError, match=r"no spread in column\(s\) \[0\]"):
            B.select_bandwidth(x, rule, kernel="laplacian")
    # all the weight on one value
    with pytest.raises(ValueError, match="among the rows with positive weight"):
        B.select_bandwidth(np.arange(10.0), rule, weights=np.r_[1.0, np.zeros(9)], kernel="laplacian")
    # a second column without spread is named even when the first has spread
    X = np.column_stack([np.arange(10.0), np.full(10, -2.0)])
    with pytest.raises(ValueError, match=r"column\(s\) \[1\]"):
        B.select_bandwidth(X, rule, kernel="laplacian")


def test_rules_of_thumb_are_scale_equivariant_up_to_huge_values():
    # the spread is computed on x / max|x|: squares of 1e300 would overflow to inf
    x = np.random.default_rng(1).normal(size=300)
    for rule in (B.scott, B.silverman, B.normal_reference):
        h = rule(x)[0]
        np.testing.assert_allclose(rule(x * 1e300)[0], h * 1e300, rtol=1e-12)
        np.testing.assert_allclose(rule(x * 1e-300)[0], h * 1e-300, rtol=1e-12)
