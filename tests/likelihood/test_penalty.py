"""Penalised likelihood in the shared engine: ridge, lasso and elastic net.

References: scikit-learn's ``LogisticRegression`` (L2) on one Bitwise bit (a logistic
regression), statsmodels' ``GLM.fit_regularized`` (elastic net by coordinate descent) on a
Poisson model, and the lasso's optimality (KKT) conditions written out here.
"""

import numpy as np
import pytest
import statsmodels.api as sm
from sklearn.linear_model import LogisticRegression

from distreg import NormalRegressor
from distreg.discrete._families import IntegerSpec
from distreg.exceptions import ConvergenceWarning, NumericalWarning
from distreg.likelihood import Design, maximize_likelihood


def standardised(rng, n, p):
    X = rng.normal(size=(n, p)) * rng.uniform(0.5, 3.0, size=p) + rng.normal(size=p)
    # population standard deviation, as the engine's internal scaling
    return (X - X.mean(0)) / X.std(0)


def logistic_data(seed=0, n=300):
    rng = np.random.default_rng(seed)
    X = standardised(rng, n, 3)
    p = 1 / (1 + np.exp(-(0.3 + X @ np.array([1.0, -2.0, 0.5]))))
    return X, (rng.uniform(size=n) < p).astype(float)


def fit_bit(X, bit, **kw):
    n = X.shape[0]
    D = Design(np.column_stack([np.ones(n), X]), ["Intercept"] + [f"x{j}" for j in range(X.shape[1])], 0)
    return maximize_likelihood(IntegerSpec("bitwise", n_bits=1), [D], {"y": bit, "low": np.zeros(n)}, **kw)


@pytest.mark.parametrize("C", [0.01, 0.1, 1.0])
def test_ridge_equals_sklearn_logistic_regression_on_one_bit(C):
    X, bit = logistic_data()
    n = X.shape[0]
    # sklearn minimises ||w||²/2 + C Σ loss; divided by C n this is the engine's mean loss + s/2 ||w||²
    fit = fit_bit(X, bit, penalty=1.0 / (C * n))
    ref = LogisticRegression(C=C, tol=1e-12, max_iter=10_000).fit(X, bit)
    np.testing.assert_allclose(fit.coef, np.r_[ref.intercept_, ref.coef_[0]], rtol=1e-6, atol=1e-8)
    assert fit.converged


def poisson_data(seed=1, n=500):
    rng = np.random.default_rng(seed)
    X = standardised(rng, n, 5)
    mu = np.exp(0.5 + X @ np.array([0.6, -0.4, 0.0, 0.05, 0.0]))
    return X, rng.poisson(mu).astype(float)


@pytest.mark.parametrize("alpha, l1", [(0.05, 0.0), (0.08, 0.5), (0.03, 1.0)])
def test_elastic_net_poisson_equals_statsmodels(alpha, l1):
    X, y = poisson_data()
    n = len(y)
    D = np.column_stack([np.ones(n), X])
    fit = maximize_likelihood(IntegerSpec("poisson"), [Design(D, ["Intercept"] + list("abcde"), 0)], {"y": y},
                              penalty=alpha, l1_ratio=l1)
    weights = np.r_[0.0, np.full(5, alpha)]  # intercept unpenalised
    ref = sm.GLM(y, D, family=sm.families.Poisson()).fit_regularized(
        method="elastic_net", alpha=weights, L1_wt=l1, cnvrg_tol=1e-12, maxiter=2000)
    np.testing.assert_allclose(fit.coef, ref.params, atol=2e-6)
    if l1 > 0:
        # exact zeros where statsmodels has them, and nowhere else
        np.testing.assert_array_equal(fit.zero, ref.params == 0)
        assert fit.zero.any()
    assert fit.converged


def test_lasso_satisfies_the_optimality_conditions():
    X, y = poisson_data(seed=2)
    n = len(y)
    D = np.column_stack([np.ones(n), X])
    s = 0.04
    fit = maximize_likelihood(IntegerSpec("poisson"), [Design(D, ["Intercept"] + list("abcde"), 0)], {"y": y},
                              penalty=s, l1_ratio=1.0)
    score = D.T @ (y - np.exp(D @ fit.coef)) / n  # ∂(mean loglik)/∂β, written out
    nz = ~fit.zero
    nz[0] = False
    assert abs(score[0]) < 1e-9  # intercept unpenalised
    np.testing.assert_allclose(score[nz], s * np.sign(fit.coef[nz]), atol=1e-9)
    assert np.all(np.abs(score[fit.zero]) <= s + 1e-9)
    assert fit.zero.sum() >= 1 and np.all(fit.coef[fit.zero] == 0.0)


def test_penalty_acts_on_standardised_covariates_and_spares_intercepts():
    rng = np.random.default_rng(3)
    n = 400
    X = rng.normal(size=(n, 2))
    y = 1.0 + X @ np.array([2.0, -1.0]) + rng.normal(size=n)
    a = NormalRegressor(penalizer=0.3, l1_ratio=0.5).fit(X, y)
    # rescaling a column leaves the penalised fit unchanged (the coefficient rescales with it)
    b = NormalRegressor(penalizer=0.3, l1_ratio=0.5).fit(X * np.array([100.0, 0.01]), y)
    np.testing.assert_allclose(b.coef_["loc"] * np.r_[1, 100.0, 0.01], a.coef_["loc"], rtol=1e-7)
    np.testing.assert_allclose(b.predict(X * np.array([100.0, 0.01])), a.predict(X), rtol=1e-8)
    # a very strong penalty removes the slopes but not the intercepts: the intercept-only ML fit
    c = NormalRegressor(penalizer=1e6).fit(X, y)
    assert np.all(np.abs(c.coef_["loc"][1:]) < 1e-4)
    assert c.coef_["loc"][0] == pytest.approx(y.mean(), abs=1e-3)
    assert "Penalty" in str(c.summary()) and c.converged_


def test_penalty_per_parameter():
    rng = np.random.default_rng(4)
    n = 300
    X = rng.normal(size=(n, 1))
    y = X[:, 0] + np.exp(0.5 * X[:, 0]) * rng.normal(size=n)
    free = NormalRegressor(scale_covariates=True).fit(X, y)
    m = NormalRegressor(scale_covariates=True, penalizer={"scale": 10.0}, l1_ratio=1.0).fit(X, y)
    assert m.coef_["scale"][1] == 0.0
    # the mean is unpenalised: its slope stays near the unpenalised one
    assert m.coef_["loc"][1] == pytest.approx(free.coef_["loc"][1], abs=0.1)


@pytest.mark.parametrize("kw, match", [
    ({"penalizer": -1.0}, r"NormalRegressor: penalizer must be a number in \[0, 1e\+150\] or a dict .*; got -1.0"),
    ({"penalizer": 1e200}, r"penalizer must be a number in \[0, 1e\+150\]"),
    ({"penalizer": {"mean": 1.0}}, r"penalizer names unknown parameters \['mean'\]"),
    ({"penalizer": {"loc": -1.0}}, "penalizer for 'loc' must be a finite number >= 0"),
    ({"penalizer": "strong"}, "penalizer must be a number in .* or a dict"),
    ({"penalizer": 1.0, "l1_ratio": 1.5}, r"l1_ratio must be a number in \[0, 1\]; got 1.5"),
])
def test_bad_penalty_arguments(kw, match):
    X, y = logistic_data()
    with pytest.raises(ValueError, match=match):
        NormalRegressor(**kw).fit(X, y)


def test_separation_is_diagnosed_and_a_ridge_removes_it():
    rng = np.random.default_rng(0)
    n = 200
    X = rng.normal(size=(n, 2))
    bit = (X[:, 0] > 0.3).astype(float)  # the bit is a step function of x0: perfectly predicted
    with pytest.warns(ConvergenceWarning, match=r"x0\] run to ±infinity: .* \(separation\)") as caught:
        with pytest.warns(NumericalWarning, match="standard errors are unavailable"):
            fit = fit_bit(X, bit)
    assert all(w.filename == __file__ for w in caught)
    assert not fit.converged and fit.cause == "separation" and "bit0[x0]" in fit.cause_terms
    ridge = fit_bit(X, bit, penalty=0.01)
    assert ridge.converged and np.all(np.abs(ridge.coef) < 10)
    # the penalised optimum: the ridge's score equation written out
    D = np.column_stack([np.ones(n), X])
    p = 1 / (1 + np.exp(-D @ ridge.coef))
    score = D.T @ (bit - p) / n
    sd = X.std(0)
    np.testing.assert_allclose(score, np.r_[0.0, 0.01 * ridge.coef[1:] * sd**2], atol=1e-9)
