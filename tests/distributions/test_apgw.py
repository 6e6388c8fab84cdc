"""APGW distribution: special cases against scipy.stats, internal consistency, cure case."""

import numpy as np
import pytest
from scipy import integrate, stats

from distreg.distributions import APGW, registered_examples

T = np.array([[0.05, 0.4, 1.0, 2.2, 6.0]])


@pytest.mark.parametrize("lam, phi, gamma, kappa, ref", [
    (1.0, 0.5, 1.7, 1.0, stats.weibull_min(1.7, scale=2.0)),
    (1.0, 0.5, 2.5, 0.0, stats.fisk(2.5, scale=2.0)),                 # log-logistic
    (1.5, 0.5, 2.5, 0.0, stats.burr12(2.5, 1.5, scale=2.0)),          # Burr XII
    (0.3, 0.8, 1.0, np.inf, stats.gompertz(0.3, scale=1 / 0.8)),      # Gompertz (κ → ∞)
    (1.0, 0.7, 1.0, 1.0, stats.expon(scale=1 / 0.7)),
])
def test_special_cases(lam, phi, gamma, kappa, ref):
    d = APGW(lam=lam, phi=phi, gamma=gamma, kappa=kappa)
    np.testing.assert_allclose(d.cdf(T), ref.cdf(T), rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(d.logpdf(T), ref.logpdf(T), rtol=1e-10)
    q = np.array([[0.01, 0.3, 0.5, 0.95]])
    np.testing.assert_allclose(d.ppf(q), ref.ppf(q), rtol=1e-9)


def test_large_kappa_tends_to_limit():
    a = APGW(lam=0.3, phi=0.8, gamma=1.2, kappa=1e7).cdf(T)
    b = APGW(lam=0.3, phi=0.8, gamma=1.2, kappa=np.inf).cdf(T)
    np.testing.assert_allclose(a, b, rtol=1e-5)


@pytest.mark.parametrize("name", ["APGW", "APGW (cure)"])
def test_consistency(name):
    d = registered_examples()[name]()
    y = np.array([[0.1, 0.5, 1.3, 3.0]])
    F = d.cdf(y)
    assert np.all(np.diff(F, axis=1) > 0) and np.all((F > 0) & (F < 1))
    np.testing.assert_allclose(d.cdf(d.ppf(F)), F, rtol=1e-9)
    eps = 1e-6
    fd = (d.cdf(y + eps) - d.cdf(y - eps)) / (2 * eps)
    np.testing.assert_allclose(d.pdf(y), fd, rtol=1e-6)
    np.testing.assert_allclose(d.hazard(y), d.pdf(y) / d.sf(y), rtol=1e-10)
    np.testing.assert_allclose(d.cumulative_hazard(y), -np.log(d.sf(y)), rtol=1e-10)
    for i in range(len(d)):
        ref = integrate.quad(lambda s: d[i].sf(s)[0], 0, 2.0, epsabs=1e-11)[0]
        np.testing.assert_allclose(d.rmst(2.0)[i], ref, rtol=1e-7)


def test_hazard_shapes():
    t = np.geomspace(0.01, 50, 400)[None, :]
    bathtub = np.diff(APGW(lam=0.5, phi=1.0, gamma=0.5, kappa=5.0).hazard(t)[0])
    assert bathtub[0] < 0 and bathtub[-1] > 0 and np.sum(np.diff(np.sign(bathtub)) != 0) == 1
    arch = np.diff(APGW(lam=1.0, phi=1.0, gamma=3.0, kappa=0.0).hazard(t)[0])
    assert arch[0] > 0 and arch[-1] < 0 and np.sum(np.diff(np.sign(arch)) != 0) == 1


def test_cure_fraction_and_sampling():
    d = APGW(lam=[1.0, 0.7], phi=[1.0, 2.0], gamma=[1.5, 0.8], kappa=[-0.5, 2.0])
    cure = d.cure_fraction()
    np.testing.assert_allclose(cure, [np.exp(-1.0), 0.0])
    np.testing.assert_allclose(d.sf(1e12)[0], cure[0], rtol=1e-6)
    assert np.isinf(d.ppf(1 - cure[0] / 2)[0]) and np.isfinite(d.ppf(1 - cure[0] * 1.01)[0])
    assert np.isinf(d.mean()[0]) and np.isfinite(d.mean()[1])
    x = d.rvs(size=4000, random_state=1)
    np.testing.assert_allclose(np.mean(np.isinf(x[0])), cure[0], atol=0.03)
    finite = x[0][np.isfinite(x[0])]
    # conditional on not cured: cdf / (1 - cure)
    ks = stats.kstest(finite, lambda s: d[0].cdf(np.asarray(s)[None, :])[0] / (1 - cure[0]))
    assert ks.pvalue > 0.01
    assert stats.kstest(x[1], lambda s: d[1].cdf(np.asarray(s)[None, :])[0]).pvalue > 0.01
    m = d[1].mean()[0]
    np.testing.assert_allclose(m, integrate.quad(lambda s: d[1].sf(s)[0], 0, np.inf)[0], rtol=1e-4)


def test_bad_parameters():
    with pytest.raises(ValueError, match="kappa must be greater than -1"):
        APGW(lam=1.0, phi=1.0, gamma=1.0, kappa=-1.0)
    with pytest.raises(ValueError, match="gamma must be positive"):
        APGW(lam=1.0, phi=1.0, gamma=0.0, kappa=1.0)
