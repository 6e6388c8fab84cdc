"""APGW distribution: special cases against scipy.stats, internal consistency, cure case."""

import mpmath as mp
import numpy as np
import pytest
from scipy import integrate, special, stats

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


@pytest.mark.parametrize("lam, phi, gamma, kappa, mean, second", [
    # Weibull: T = (E/λ)^(1/γ)/φ, E T^k = Γ(1 + k/γ) / (φ^k λ^(k/γ))
    (1.0, 0.5, 1.7, 1.0, special.gamma(1 + 1 / 1.7) * 2, special.gamma(1 + 2 / 1.7) * 4),
    # large γ (times packed near 1/φ): the former quantile-range rule lost the left part
    (1.0, 1.0, 100.0, 1.0, special.gamma(1.01), special.gamma(1.02)),
    (3.0, 2.0, 0.2, 1.0, special.gamma(6.0) / 3**5 / 2, special.gamma(11.0) / 3**10 / 4),
    # Burr XII: U = (φT)^γ is Lomax, E U^a = λ B(a + 1, λ - a)
    (1.5, 0.5, 2.5, 0.0, 2 * 1.5 * special.beta(1.4, 1.1), 4 * 1.5 * special.beta(1.8, 0.7)),
    # Burr XII with the variance barely finite (λγ = 2.1): power-law tail of slope -2.1
    (2.0, 1.0, 1.05, 0.0, 2 * special.beta(1 + 1 / 1.05, 2 - 1 / 1.05),
     2 * special.beta(1 + 2 / 1.05, 2 - 2 / 1.05)),
    # Gompertz (κ → ∞, γ = 1): E T = e^λ E₁(λ)/φ
    (0.3, 0.8, 1.0, np.inf, np.exp(0.3) * special.exp1(0.3) / 0.8, None),
])
def test_moments_against_closed_forms(lam, phi, gamma, kappa, mean, second):
    d = APGW(lam=lam, phi=phi, gamma=gamma, kappa=kappa)
    np.testing.assert_allclose(d.mean(), mean, rtol=1e-12)
    if second is not None:
        np.testing.assert_allclose(d.var(), second - mean**2, rtol=1e-11)


def test_moments_infinite_where_the_tail_is_too_heavy():
    d = APGW(lam=[1.0, 1.0, 1.0], phi=1.0, gamma=[0.8, 1.5, 1.0], kappa=[0.0, 0.0, -0.5])
    # Burr XII: E T needs λγ > 1, E T² needs λγ > 2; cure models have infinite moments
    # the middle row, log-logistic with γ = 1.5: E T = (π/γ)/sin(π/γ)
    np.testing.assert_allclose(d.mean(), [np.inf, (np.pi / 1.5) / np.sin(np.pi / 1.5), np.inf], rtol=1e-12)
    assert np.isposinf(d.var()).all()


def test_far_tails_and_inverse_survival():
    d = APGW(lam=1.0, phi=1.0, gamma=2.0, kappa=1.0)  # Weibull: S = exp(-t²)
    # the cdf 1 - exp(-t²) underflows at t = 1e-200; its log is 2 log t
    np.testing.assert_allclose(d.logcdf(1e-200), 2 * np.log(1e-200), rtol=1e-15)
    # isf from H = -log q: t = sqrt(-log q), also where 1 - q rounds to 1
    q = np.array([[1e-300, 1e-17, 0.5, 1 - 1e-10]])
    np.testing.assert_allclose(d.isf(q), np.sqrt(-np.log(q)), rtol=1e-14)
    # ppf from H = -log1p(-q): at q = 1e-300, t = 1e-150
    np.testing.assert_allclose(d.ppf(1e-300), 1e-150, rtol=1e-13)
    # a cure model's survival never drops below its cure fraction: isf there is inf
    cure = APGW(lam=1.0, phi=1.0, gamma=1.5, kappa=-0.5)
    assert np.isposinf(cure.isf(0.3)).all() and np.isfinite(cure.isf(0.4)).all()
    np.testing.assert_allclose(cure.sf(cure.isf(0.4)), 0.4, rtol=1e-13)


def test_scale_free_accuracy_of_the_cumulative_hazard():
    # φ t = 1 with φ = 1e-5, γ = 200: γ log(φ t) must not inherit the rounding of log φ
    t = np.array([[1e5, 1e5 * (1 + 2.0**-52)]])
    d = APGW(lam=1.0, phi=1e-5, gamma=200.0, kappa=0.5)
    with mp.workdps(40):
        ref = []
        for ti in t[0]:
            u = (mp.mpf(1e-5) * mp.mpf(ti)) ** 200
            ref.append(float(mp.mpf(1.5) / 0.5 * mp.expm1(0.5 * mp.log1p(u / 1.5))))
    np.testing.assert_allclose(d.cumulative_hazard(t)[0], ref, rtol=1e-14)
