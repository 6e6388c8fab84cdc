"""The likelihood engine through NormalRegressor and through small test-only families.

References: statsmodels OLS (closed form), an independent scipy optimisation of the Gaussian
likelihood written out here, and numerical Hessians of that likelihood.
"""

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import optimize, stats

from distreg import NormalRegressor
from distreg.continuous.normal import NormalSpec
from distreg.exceptions import ConvergenceWarning, NumericalWarning
from distreg.likelihood import Design, LikelihoodSpec, Parameter, maximize_likelihood


def simulate(seed=0, n=400):
    rng = np.random.default_rng(seed)
    X = np.column_stack([rng.normal(size=n), rng.uniform(0, 3, size=n), rng.integers(0, 2, size=n)])
    sd = np.exp(0.2 + 0.5 * X[:, 0] - 0.3 * X[:, 2])
    y = 1.0 + X @ np.array([2.0, -1.0, 0.5]) + sd * rng.normal(size=n)
    return X, y


def gaussian_negll(theta, D_mu, D_s, y, w):
    """-Σ w log φ(y; D_mu β, exp(D_s γ)), written independently of distreg."""
    p = D_mu.shape[1]
    mu = D_mu @ theta[:p]
    log_sd = D_s @ theta[p:]
    return -np.sum(w * stats.norm.logpdf(y, mu, np.exp(log_sd)))


def numerical_hessian(f, x, h=1e-4):
    k = x.size
    H = np.empty((k, k))
    for i in range(k):
        for j in range(k):
            e_i, e_j = np.eye(k)[i] * h, np.eye(k)[j] * h
            H[i, j] = (f(x + e_i + e_j) - f(x + e_i - e_j) - f(x - e_i + e_j) + f(x - e_i - e_j)) / (4 * h * h)
    return H


# ---------------------------------------------------------------------------- OLS equivalence
def test_intercept_only_scale_reproduces_statsmodels_ols():
    X, y = simulate()
    m = NormalRegressor().fit(X, y)
    ols = sm.OLS(y, sm.add_constant(X)).fit()
    np.testing.assert_allclose(m.coef_["loc"], ols.params, rtol=1e-8, atol=1e-10)
    sigma2_ml = ols.ssr / len(y)
    assert np.exp(2 * m.coef_["scale"][0]) == pytest.approx(sigma2_ml, rel=1e-8)
    assert m.loglik_ == pytest.approx(ols.llf, rel=1e-10)
    # ML standard errors: sqrt(σ²_ML (X'X)⁻¹) for β and 1/sqrt(2n) for log σ
    D = sm.add_constant(X)
    se_beta = np.sqrt(np.diag(sigma2_ml * np.linalg.inv(D.T @ D)))
    se = m.result_.params["std_error"].to_numpy()
    np.testing.assert_allclose(se[:4], se_beta, rtol=1e-6)
    assert se[4] == pytest.approx(1 / np.sqrt(2 * len(y)), rel=1e-6)


def test_engel_reproduces_ols():
    from distreg.datasets import load_engel

    engel = load_engel()
    m = NormalRegressor.from_formula("foodexp ~ income", engel)
    ols = sm.OLS(engel["foodexp"], sm.add_constant(engel[["income"]])).fit()
    np.testing.assert_allclose(m.coef_["loc"], ols.params.to_numpy(), rtol=1e-8)
    assert np.exp(2 * m.coef_["scale"][0]) == pytest.approx(ols.ssr / len(engel), rel=1e-8)


def test_frequency_weights_equal_repeated_rows_and_wls():
    X, y = simulate(1, 150)
    w = np.random.default_rng(2).integers(1, 4, size=150)
    mw = NormalRegressor(scale_covariates=True).fit(X, y, sample_weight=w.astype(float))
    rep = np.repeat(np.arange(150), w)
    mr = NormalRegressor(scale_covariates=True).fit(X[rep], y[rep])
    for p in ("loc", "scale"):
        np.testing.assert_allclose(mw.coef_[p], mr.coef_[p], rtol=1e-7, atol=1e-9)
    assert mw.loglik_ == pytest.approx(mr.loglik_, rel=1e-10)
    m0 = NormalRegressor().fit(X, y, sample_weight=w.astype(float))
    wls = sm.WLS(y, sm.add_constant(X), weights=w).fit()
    np.testing.assert_allclose(m0.coef_["loc"], wls.params, rtol=1e-8)


# ---------------------------------------------------------------------------- scale model
def test_scale_model_agrees_with_independent_scipy_optimisation():
    X, y = simulate(3)
    m = NormalRegressor(scale_covariates=[0, 2]).fit(X, y)
    D_mu = np.column_stack([np.ones(len(y)), X])
    D_s = np.column_stack([np.ones(len(y)), X[:, [0, 2]]])
    w = np.ones(len(y))
    res = optimize.minimize(gaussian_negll, np.zeros(7), args=(D_mu, D_s, y, w), method="BFGS",
                            options={"gtol": 1e-10, "maxiter": 10000})
    res = optimize.minimize(gaussian_negll, res.x, args=(D_mu, D_s, y, w), method="Nelder-Mead",
                            options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 20000})
    ours = np.concatenate([m.coef_["loc"], m.coef_["scale"]])
    np.testing.assert_allclose(ours, res.x, atol=2e-5)
    assert -m.loglik_ <= res.fun + 1e-9  # ours is at least as good
    assert m.loglik_ == pytest.approx(-gaussian_negll(ours, D_mu, D_s, y, w), rel=1e-12)
    assert m.converged_
    assert m.result_.params.index.tolist()[-2:] == ["scale[x0]", "scale[x2]"]


def test_standard_errors_match_numerical_hessian():
    X, y = simulate(4, 300)
    m = NormalRegressor(scale_covariates=True).fit(X, y)
    D = np.column_stack([np.ones(len(y)), X])
    theta = np.concatenate([m.coef_["loc"], m.coef_["scale"]])
    H = numerical_hessian(lambda t: gaussian_negll(t, D, D, y, np.ones(len(y))), theta)
    vcov = np.linalg.inv(H)
    np.testing.assert_allclose(m.result_.vcov.to_numpy(), vcov, rtol=1e-4, atol=1e-9)
    np.testing.assert_allclose(m.result_.params["std_error"], np.sqrt(np.diag(vcov)), rtol=1e-5)


# ---------------------------------------------------------------------------- convergence
def test_max_iter_one_warns_and_flags_non_convergence():
    X, y = simulate(5)
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        m = NormalRegressor(scale_covariates=True, max_iter=1).fit(X, y)
    assert m.converged_ is False
    assert m.result_.converged is False
    assert "NO" in str(m.summary())
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        assert NormalRegressor(scale_covariates=True).fit(X, y).converged_ is True


# ---------------------------------------------------------------------------- a generic family
class CauchyLocationSpec(LikelihoodSpec):
    """Cauchy location model with unit scale: a multimodal likelihood and no analytic Hessian."""

    parameters = (Parameter("loc", "identity"),)

    def loglik(self, eta, data):
        r = data["y"] - eta[:, 0]
        ll = -np.log(np.pi) - np.log1p(r * r)
        return ll, (2 * r / (1 + r * r))[:, None]


def test_multistart_keeps_the_best_optimum():
    y = np.concatenate([np.full(5, -10.0), np.full(6, 10.0)]) + np.linspace(-0.1, 0.1, 11)
    one = [Design(np.ones((11, 1)), ["Intercept"], 0)]
    spec = CauchyLocationSpec()
    left = maximize_likelihood(spec, one, {"y": y}, starts=[[-10.0]])
    right = maximize_likelihood(spec, one, {"y": y}, starts=[[10.0]])
    both = maximize_likelihood(spec, one, {"y": y}, starts=[[-10.0], [10.0]])
    assert left.coef[0] < 0 < right.coef[0]
    assert right.loglik > left.loglik
    assert both.coef[0] == pytest.approx(right.coef[0], abs=1e-8)
    assert both.loglik == pytest.approx(right.loglik, rel=1e-12)
    assert both.n_starts == 2
    # the score of the optimum vanishes and the numerical-Hessian SE matches a direct one
    r = y - both.coef[0]
    info = np.sum(2 * (1 - r * r) / (1 + r * r) ** 2)
    assert both.vcov[0, 0] == pytest.approx(1 / info, rel=1e-5)


def test_bounds_are_respected_and_free_parameters_are_optimal():
    X, y = simulate(6, 200)
    n = y.size
    ones = np.ones((n, 1))
    designs = [Design(ones, ["Intercept"], 0), Design(ones, ["Intercept"], 0)]
    cap = np.log(0.5)  # sd at most 0.5, far below the sample sd
    with pytest.warns(ConvergenceWarning, match="scale\\[Intercept\\] reached a bound"):
        fit = maximize_likelihood(NormalSpec(), designs, {"y": y}, bounds={"scale": (None, cap)})
    assert fit.coef[1] <= cap + 1e-12
    assert fit.coef[1] == pytest.approx(cap, abs=1e-10)
    assert fit.coef[0] == pytest.approx(y.mean(), rel=1e-10)  # mean unaffected by the sd bound
    # a maximum on a bound is not an interior maximum: reported, with the coefficient named
    assert not fit.converged and fit.cause == "boundary" and fit.cause_terms == ["scale[Intercept]"]
    assert list(fit.at_bound) == [False, True]
    assert np.isnan(fit.vcov[1, 1])  # no standard error for a coefficient held at its bound
    # a bound on the mean: the ML sd becomes the root mean square about the bound
    assert y.mean() < 0
    fit2 = maximize_likelihood(NormalSpec(), designs, {"y": y}, bounds={"loc": (0.0, None)}, warn=False)
    assert fit2.coef[0] == pytest.approx(0.0, abs=1e-12)
    assert fit2.coef[1] == pytest.approx(np.log(np.sqrt(np.mean(y**2))), rel=1e-9)


def test_zero_column_design_fixes_a_parameter_at_its_offset():
    X, y = simulate(7, 100)
    n = y.size
    D = np.column_stack([np.ones(n), X])
    designs = [Design(D, ["Intercept", "a", "b", "c"], 0), Design(np.zeros((n, 0)), [], None, np.full(n, np.log(2.0)))]
    fit = maximize_likelihood(NormalSpec(), designs, {"y": y})
    beta = np.linalg.lstsq(D, y, rcond=None)[0]
    np.testing.assert_allclose(fit.coef, beta, rtol=1e-9)
    assert fit.loglik == pytest.approx(stats.norm.logpdf(y, D @ beta, 2.0).sum(), rel=1e-12)


def test_non_finite_start_everywhere_is_a_clear_error():
    class Positive(LikelihoodSpec):
        parameters = (Parameter("rate", "log"),)

        def loglik(self, eta, data):
            ll = np.where(data["y"] > 0, eta[:, 0] - np.exp(eta[:, 0]) * data["y"], -np.inf)
            return ll, (1 - np.exp(eta[:, 0]) * data["y"])[:, None]

    with pytest.raises(ValueError, match="not finite at any starting point"):
        maximize_likelihood(Positive(), [Design(np.ones((3, 1)), ["Intercept"], 0)], {"y": np.array([1.0, -1.0, 2.0])})


def test_collinear_design_warns_instead_of_returning_nan_silently():
    X, y = simulate(8, 100)
    Xc = np.column_stack([X, X[:, 0]])  # duplicated column
    with pytest.warns(ConvergenceWarning, match=r"NormalRegressor: .* loc\[x0\], loc\[x3\] are collinear") as caught:
        with pytest.warns(NumericalWarning, match="standard errors are unavailable"):
            m = NormalRegressor().fit(Xc, y)
    # the warning names the user's own line, not a line inside distreg
    assert all(w.filename == __file__ for w in caught if issubclass(w.category, ConvergenceWarning))
    assert m.converged_ is False and m.limits_ == []
    assert m.result_.params["std_error"].isna().all()


def test_predict_parameters_through_links():
    X, y = simulate(9, 200)
    m = NormalRegressor(scale_covariates=True).fit(pd.DataFrame(X, columns=["a", "b", "c"]), y)
    P = m.predict_parameters(pd.DataFrame(X[:5], columns=["a", "b", "c"]))
    D = np.column_stack([np.ones(5), X[:5]])
    np.testing.assert_allclose(P["loc"], D @ m.coef_["loc"])
    np.testing.assert_allclose(P["scale"], np.exp(D @ m.coef_["scale"]))
