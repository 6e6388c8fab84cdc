"""Profile-likelihood interval for κ against an independent profile computed with scipy."""

import numpy as np
import pytest
from scipy import optimize, stats

from distreg.datasets import load_veteran
from distreg.distributions import APGW
from distreg.survival import FlexibleSurvivalRegressor, profile_kappa


@pytest.fixture(scope="module")
def veteran():
    vet = load_veteran()
    X, y = vet[["karno"]], vet[["time", "event"]]
    return X, y, FlexibleSurvivalRegressor().fit(X, y)


def oracle_profile(kappa, X, y, start):
    # ℓ(κ) maximised over (log λ, log φ₀, β_karno, log γ) with scipy, the likelihood written from
    # the APGW distribution class (log f for events, log S for censored rows), not the kernels
    x = X["karno"].to_numpy(float)
    t, d = y["time"].to_numpy(float), y["event"].to_numpy(float)

    def negll(p):
        dist = APGW(lam=np.exp(p[0]) * np.ones_like(t), phi=np.exp(p[1] + p[2] * x),
                    gamma=np.exp(p[3]) * np.ones_like(t), kappa=np.full_like(t, kappa))
        return -np.sum(d * dist.logpdf(t) + (1 - d) * dist.logsf(t))

    best = optimize.minimize(negll, start, method="Nelder-Mead",
                             options={"xatol": 1e-9, "fatol": 1e-11, "maxiter": 20000, "maxfev": 40000})
    best = optimize.minimize(negll, best.x, method="BFGS", options={"gtol": 1e-7})
    return -best.fun


def test_end_points_are_where_the_independent_profile_crosses_the_cutoff(veteran):
    X, y, m = veteran
    prof = m.profile_kappa(X, y)
    assert prof.confidence_level == 0.95
    np.testing.assert_allclose(prof.loglik, m.loglik_, rtol=1e-12)
    np.testing.assert_allclose(prof.cutoff, m.loglik_ - stats.chi2.ppf(0.95, 1) / 2, rtol=1e-12)
    assert -1.0 < prof.lower < prof.estimate < prof.upper < np.inf
    start = np.array([m.coef_["lambda"][0], m.coef_["phi"][0], m.coef_["phi"][1], m.coef_["gamma"][0]])
    for end in (prof.lower, prof.upper):
        np.testing.assert_allclose(oracle_profile(end, X, y, start), prof.cutoff, atol=2e-4)
    # the profile itself, at an interior point, equals the independent maximisation
    row = prof.profile.iloc[len(prof.profile) // 3]
    np.testing.assert_allclose(oracle_profile(row.kappa, X, y, start), row.loglik, atol=2e-4)
    # and the profile is maximal at the estimate
    assert prof.profile.loglik.max() <= prof.loglik + 1e-8


def test_wider_level_gives_wider_interval_and_function_equals_method(veteran):
    X, y, m = veteran
    p90 = profile_kappa(m, X, y, confidence_level=0.9)
    p99 = m.profile_kappa(X, y, confidence_level=0.99)
    assert p99.lower < p90.lower < p90.estimate < p90.upper < p99.upper


def test_profile_reaches_the_kappa_infinity_edge():
    # Gompertz data: the supremum is at κ → ∞, so the interval is open above
    rng = np.random.default_rng(7)
    x = rng.normal(size=800)
    t = APGW(lam=0.2 * np.exp(0.5 * x), phi=np.ones_like(x), gamma=np.ones_like(x),
             kappa=np.full_like(x, np.inf)).rvs(random_state=rng)
    X, y = x[:, None], np.column_stack([t, np.ones_like(t)])
    with pytest.warns(Warning, match="κ → ∞"):
        m = FlexibleSurvivalRegressor(scale="ph").fit(X, y)
    prof = m.profile_kappa(X, y)
    assert prof.upper == np.inf and prof.lower > 0


def test_profile_rejects_fixed_kappa_and_other_data(veteran):
    X, y, _ = veteran
    weib = FlexibleSurvivalRegressor(distribution="weibull").fit(X, y)
    with pytest.raises(ValueError, match="distribution='apgw'"):
        weib.profile_kappa(X, y)
    m = veteran[2]
    with pytest.raises(ValueError, match="the data that the model was fitted on"):
        m.profile_kappa(X.iloc[:50], y.iloc[:50])
    with pytest.raises(ValueError, match="time has 137 entries but X has 50"):
        m.profile_kappa(X.iloc[:50], y)
    with pytest.raises(TypeError, match="model must be a fitted FlexibleSurvivalRegressor; got str"):
        profile_kappa("model", X, y)
    with pytest.raises(ValueError, match="confidence_level must be one number"):
        profile_kappa(m, X, y, confidence_level=[0.5, 0.9])


def test_profile_records_convergence_and_leaves_inputs_untouched(veteran):
    X, y, m = veteran
    X0, y0 = X.copy(), y.copy()
    prof = m.profile_kappa(X, y)
    assert prof.profile["converged"].dtype == bool and prof.profile["converged"].all()
    assert prof.profile["kappa"].is_monotonic_increasing
    assert X.equals(X0) and y.equals(y0)
    with pytest.raises(ValueError, match="confidence_level"):
        m.profile_kappa(X, y, confidence_level=1.5)
