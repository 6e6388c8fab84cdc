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
    obj = B._cv_objective("lscv", x[:, None], p, kernel)(np.log([h]))
    kde = KernelDensity(kernel=kernel, bandwidth=h).fit(x)
    brk = np.sort(x)
    isq = integrate.quad(lambda t: kde.evaluate([t])[0] ** 2, -12, 12, points=brk, limit=500)[0]
    assert_allclose(obj, isq - 2 * np.mean(_brute_loo(x, h, kernel)), rtol=1e-6)
    hs = B.lscv(x, kernel=kernel)
    assert hs[0] > 0


def test_bad_input():
    with pytest.raises(ValueError, match="at least 2 samples"):
        B.scott([1.0])
    with pytest.raises(ValueError, match="lscv"):
        B.lscv(np.arange(10.0), kernel="gaussian")
    with pytest.raises(ValueError, match="bandwidth="):
        B.select_bandwidth(np.arange(10.0), "plugin")
