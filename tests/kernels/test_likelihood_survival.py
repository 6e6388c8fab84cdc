"""APGW hazard kernel against a slow, direct numpy oracle and finite differences."""

import numpy as np
import pytest

from distreg._kernels.likelihood_survival import apgw_terms


def oracle(t, el, ep, eg, ek):
    # direct transcription of the APGW formulas (Burke, Jones & Noufaily 2020, Section 2)
    lam, phi, gam = np.exp(el), np.exp(ep), np.exp(eg)
    kappa = np.expm1(ek)
    u = (phi * t) ** gam
    if np.isinf(ek):
        h = lam * gam * phi**gam * t ** (gam - 1) * np.exp(u)
        return np.log(h), lam * np.expm1(u)
    w = 1 + u / (kappa + 1)
    h = lam * gam * phi**gam * t ** (gam - 1) * w ** (kappa - 1)
    H = lam * np.log1p(u) if kappa == 0 else lam * (kappa + 1) / kappa * (w**kappa - 1)
    return np.log(h), H


def run(t, eta):
    n = t.shape[0]
    logh, dlogh, H, dH = np.empty(n), np.empty((n, 4)), np.empty(n), np.empty((n, 4))
    apgw_terms(np.log(t), *(np.ascontiguousarray(eta[:, j]) for j in range(4)), logh, dlogh, H, dH)
    return logh, dlogh, H, dH


def central_difference(t, E, j, step=1e-6):
    """(log h, ∂log h, H, ∂H) differentiated numerically in column j of η."""
    Ep, Em = E.copy(), E.copy()
    Ep[:, j] += step
    Em[:, j] -= step
    return [(p - m) / (2 * step) for p, m in zip(run(t, Ep), run(t, Em))]


ETAS = [
    (0.0, 0.0, 0.0, np.log(2.0)),     # exponential
    (0.3, -1.0, 0.5, np.log(2.0)),    # Weibull
    (-0.2, 0.4, 0.7, 0.0),            # Burr (κ = 0 exactly)
    (0.1, -0.3, -0.6, np.log(0.4)),   # cure, κ = -0.6
    (0.0, 0.2, -0.5, np.log(6.0)),    # bathtub
    (0.0, -0.5, 0.0, np.log1p(1e-4)), # κ just above 0 (series branch of the kernel)
    (0.2, -0.1, 0.0, np.inf),         # κ → ∞ limit (Gompertz)
]


@pytest.mark.parametrize("eta", ETAS)
def test_values_match_oracle(eta):
    t = np.array([0.01, 0.3, 1.0, 2.5, 7.0])
    E = np.tile(np.array(eta, float), (t.size, 1))
    logh, _, H, _ = run(t, E)
    for i, ti in enumerate(t):
        ol, oH = oracle(ti, *eta)
        np.testing.assert_allclose(logh[i], ol, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(H[i], oH, rtol=1e-9, atol=1e-14)


@pytest.mark.parametrize("eta", ETAS)
def test_derivatives_match_finite_differences(eta):
    t = np.array([0.05, 0.8, 3.0])
    E = np.tile(np.array(eta, float), (t.size, 1))
    _, dlogh, H, dH = run(t, E)
    free = 3 if np.isinf(eta[3]) else 4
    for j in range(free):
        fd_logh, _, fd_H, _ = central_difference(t, E, j)
        np.testing.assert_allclose(dlogh[:, j], fd_logh, rtol=1e-6, atol=1e-7)
        np.testing.assert_allclose(dH[:, j], fd_H, rtol=1e-6, atol=1e-9)


def test_kappa_continuous_through_zero():
    t = np.array([0.5, 2.0])
    for ek in (-1e-7, 1e-7):
        E = np.tile([0.0, 0.0, 0.3, ek], (2, 1))
        _, _, H, dH = run(t, E)
        E0 = np.tile([0.0, 0.0, 0.3, 0.0], (2, 1))
        _, _, H0, dH0 = run(t, E0)
        np.testing.assert_allclose(H, H0, rtol=1e-6)
        np.testing.assert_allclose(dH, dH0, rtol=1e-5, atol=1e-7)


def run2(t, eta):
    from distreg._kernels.likelihood_survival import apgw_terms2

    n = t.shape[0]
    out = [np.empty(n), np.empty((n, 4)), np.empty((n, 4, 4)), np.empty(n), np.empty((n, 4)), np.empty((n, 4, 4))]
    apgw_terms2(np.log(t), *(np.ascontiguousarray(eta[:, j]) for j in range(4)), *out)
    return out


@pytest.mark.parametrize("eta", ETAS)
def test_second_derivatives_match_finite_differences(eta):
    t = np.array([0.05, 0.8, 3.0])
    E = np.tile(np.array(eta, float), (t.size, 1))
    logh, dlogh, d2logh, H, dH, d2H = run2(t, E)
    ref = run(t, E)
    np.testing.assert_allclose(logh, ref[0], rtol=1e-12)
    np.testing.assert_allclose(dlogh, ref[1], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(H, ref[2], rtol=1e-12)
    np.testing.assert_allclose(dH, ref[3], rtol=1e-12, atol=1e-14)
    free = 3 if np.isinf(eta[3]) else 4
    for j in range(free):
        _, fd_dlogh, _, fd_dH = central_difference(t, E, j)
        np.testing.assert_allclose(d2logh[:, :, j], fd_dlogh, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(d2H[:, :, j], fd_dH, rtol=1e-5, atol=1e-8)


def test_fused_right_censored_kernel_matches_generic_assembly():
    from distreg._kernels.likelihood_survival import apgw_right_censored
    from distreg.likelihood.survival_terms import censored_loglik, survival_data

    rng = np.random.default_rng(5)
    n = 50
    t = rng.exponential(2.0, n) + 0.01
    ev = (rng.uniform(size=n) < 0.6).astype(float)
    eta = np.column_stack([rng.normal(0, 0.3, n), rng.normal(-0.5, 0.3, n), rng.normal(0.2, 0.2, n),
                           np.log1p(rng.uniform(-0.5, 3, n))])
    ll, score = np.empty(n), np.empty((n, 4))
    apgw_right_censored(np.log(t), ev, *(np.ascontiguousarray(eta[:, j]) for j in range(4)), ll, score)
    ref_ll, ref_score = censored_loglik(lambda tt, ee: run(tt, ee), eta, survival_data(t, ev))
    np.testing.assert_allclose(ll, ref_ll, rtol=1e-12)
    np.testing.assert_allclose(score, ref_score, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("case, ek", [("WEIBULL", np.log(2.0)), ("BURR", 0.0)])
def test_special_case_branches_equal_the_general_formulas(case, ek):
    # the closed forms of the nested cases must agree with the general APGW at the same κ,
    # including far in the tails (u tiny and huge)
    from distreg._kernels import likelihood_survival as ks

    code = getattr(ks, case)
    rng = np.random.default_rng(11)
    n = 40
    t = np.exp(rng.uniform(-8, 8, n))
    eta = np.column_stack([rng.normal(0, 1, n), rng.normal(0, 1, n), rng.normal(0, 0.6, n), np.full(n, ek)])
    cols = [np.ascontiguousarray(eta[:, j]) for j in range(4)]
    general = [np.empty(n), np.empty((n, 4)), np.empty((n, 4, 4)), np.empty(n), np.empty((n, 4)), np.empty((n, 4, 4))]
    special = [np.empty_like(a) for a in general]
    ks.apgw_terms2(np.log(t), *cols, *general)
    ks.apgw_terms2(np.log(t), *cols, *special, code)
    for g, s in zip(general, special):
        if g.ndim == 2:
            g, s = g[:, :3], s[:, :3]      # κ is fixed in a special case: no κ-derivatives
        elif g.ndim == 3:
            g, s = g[:, :3, :3], s[:, :3, :3]
        np.testing.assert_allclose(s, g, rtol=1e-11, atol=1e-300)
    first = [np.empty(n), np.empty((n, 4)), np.empty(n), np.empty((n, 4))]
    ks.apgw_terms(np.log(t), *cols, *first, code)
    for a, b in zip(first, [special[0], special[1], special[3], special[4]]):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("case", [0, 1, 2])
def test_fused_hessian_kernel_matches_generic_assembly(case):
    from distreg._kernels.likelihood_survival import apgw_right_censored_hessian
    from distreg.likelihood.survival_terms import censored_hessian, survival_data

    rng = np.random.default_rng(case)
    n = 2000
    t = rng.exponential(2.0, n) + 0.01
    ev = (rng.uniform(size=n) < 0.6).astype(float)
    ek = {0: np.log1p(rng.uniform(-0.5, 3, n)), 1: np.full(n, np.log(2.0)), 2: np.zeros(n)}[case]
    eta = np.column_stack([rng.normal(0, 0.3, n), rng.normal(-0.5, 0.3, n), rng.normal(0.2, 0.2, n), ek])
    cols = [np.ascontiguousarray(eta[:, j]) for j in range(4)]
    hess = np.empty((n, 4, 4))
    apgw_right_censored_hessian(np.log(t), ev, *cols, hess, case)
    ref = censored_hessian(lambda tt, ee: run2(tt, ee), eta, survival_data(t, ev))
    free = 4 if case == 0 else 3
    np.testing.assert_allclose(hess[:, :free, :free], ref[:, :free, :free], rtol=1e-10, atol=1e-12)
