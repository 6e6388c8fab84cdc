"""Fits that end at a limit of their family say so (issue 12, integer part).

NB2 families on under-dispersed counts are their Poisson counterparts (α → 0), zero-inflation
without excess zeros is the plain count model (π → 0), the bounded Dalap is identifiable,
mixtures find their maximum or name the collapse, and Bitwise separation is diagnosed as such.
"""

import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import optimize, special

from distreg import IntegerRegressor
from distreg.datasets import load_biochemists
from distreg.discrete._families import IntegerSpec
from distreg.discrete.integer import ALPHA_FLOOR
from distreg.distributions import Bitwise, Dalap, Hurdle, Mixture, NegativeBinomial, ZeroInflated
from distreg.exceptions import ConvergenceWarning

COLS = ["fem", "mar", "kid5", "phd", "ment"]


def _fit(est, X, y, **kw):
    """Fit, returning the estimator and the warnings it emitted."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        est.fit(X, y, **kw)
    return est, caught


@pytest.fixture(scope="module")
def binomial_counts():
    rng = np.random.default_rng(11)
    X = rng.normal(size=(600, 2))
    y = rng.binomial(8, special.expit(0.2 + 0.5 * X[:, 0] - 0.3 * X[:, 1])).astype(float)
    return X, y


@pytest.fixture(scope="module")
def bio():
    df = load_biochemists()
    return df[COLS], df["art"].to_numpy(float)


@pytest.mark.parametrize("family, limit", [("negbin", "poisson"), ("zinb", "zip"),
                                           ("hurdle_negbin", "hurdle_poisson")])
def test_negative_binomial_families_reach_the_poisson_limit(binomial_counts, family, limit):
    X, y = binomial_counts
    m, caught = _fit(IntegerRegressor(family), X, y)
    ref, _ = _fit(IntegerRegressor(limit), X, y)
    # the issue: α ran to 1e-14 ... 1e-29 with pmfs summing to 1.18, 0.05, 0.95 and
    # converged_=True; now α sits at its floor, the pmf is exact and the fit says why
    assert not m.converged_
    report = m.limits_[0]
    assert (report.parameter, report.special_case, report.cause) == ("alpha", limit, "boundary")
    assert np.exp(m.coef_["alpha"][0]) == pytest.approx(ALPHA_FLOOR, rel=1e-12)
    assert abs(m.loglik_ - ref.loglik_) < 1e-6
    assert report.loglik == pytest.approx(ref.loglik_, abs=1e-8)
    pmf = m.predict_pmf(X[:50], np.arange(200))
    np.testing.assert_allclose(pmf.sum(axis=1), 1.0, atol=1e-9)
    np.testing.assert_allclose(pmf, ref.predict_pmf(X[:50], np.arange(200)), atol=1e-9)
    # one ConvergenceWarning, naming the estimator the user called, at the user's line
    conv = [w for w in caught if issubclass(w.category, ConvergenceWarning)]
    assert len(conv) == 1
    assert str(conv[0].message).startswith(f"IntegerRegressor({family!r}): α ran to 0")
    assert "IntegerSpec" not in str(conv[0].message)
    assert conv[0].filename == __file__
    assert "alpha: α → 0" in str(m.summary())


def test_poisson_limit_log_likelihood_is_statsmodels(binomial_counts):
    import statsmodels.api as sm

    X, y = binomial_counts
    m, _ = _fit(IntegerRegressor("negbin"), X, y)
    glm = sm.GLM(y, sm.add_constant(X), family=sm.families.Poisson()).fit()
    assert abs(m.loglik_ - glm.llf) < 1e-6
    np.testing.assert_allclose(m.coef_["mu"], glm.params, atol=1e-6)


def test_zero_inflation_without_excess_zeros_is_the_count_model(binomial_counts):
    X, y = binomial_counts
    # (with covariates in π the eight zeros here get an interior fit; intercept-only π runs to 0)
    m, caught = _fit(IntegerRegressor("zip", zero_covariates=False), X, y)
    pois, _ = _fit(IntegerRegressor("poisson"), X, y)
    assert not m.converged_
    (report,) = m.limits_
    assert (report.parameter, report.special_case) == ("pi", "poisson")
    assert abs(m.loglik_ - pois.loglik_) < 1e-6 and report.loglik == pytest.approx(pois.loglik_, abs=1e-8)
    assert len([w for w in caught if issubclass(w.category, ConvergenceWarning)]) == 1


def test_over_dispersed_counts_keep_an_interior_fit(bio):
    X, y = bio
    m, caught = _fit(IntegerRegressor("negbin"), X, y)
    assert m.converged_ and m.limits_ == [] and not caught
    assert round(float(np.exp(-m.coef_["alpha"][0])), 4) == 2.2644  # R's glm.nb theta


@pytest.mark.parametrize("family", ["negbin", "zinb", "hurdle_negbin"])
def test_negbin_kernels_agree_with_numpy_oracles_down_to_alpha_zero(family):
    rng = np.random.default_rng(5)
    alphas = np.array([0.0, 1e-300, 1e-20, 1e-14, 1e-9, 1e-5, 1e-2, 0.4, 3.0, 60.0])
    y = np.array([0.0, 1.0, 3.0, 12.0, 250.0, 3100.0])
    A, Y = np.meshgrid(alphas, y)
    a, yy = A.ravel(), Y.ravel()
    mu = np.maximum(yy, 0.7) * rng.uniform(0.5, 1.5, a.size)
    pi = rng.uniform(0.05, 0.6, a.size)
    spec = IntegerSpec(family)
    theta = np.column_stack([mu, a] + ([pi] if family != "negbin" else []))
    ll, g, h = spec._kernel(theta, {"y": yy})
    base = NegativeBinomial(mu, a)
    dist = base if family == "negbin" else (ZeroInflated(base, pi) if family == "zinb" else Hurdle(base, pi))
    np.testing.assert_allclose(ll, dist.logpmf(yy), rtol=1e-11, atol=1e-9)
    grads = dist.logpmf_grad(yy)
    for j, name in enumerate(["mu", "alpha", "pi"][: theta.shape[1]]):
        np.testing.assert_allclose(g[:, j], grads[name], rtol=1e-7, atol=1e-7, err_msg=name)
    if h is not None:
        # second derivatives against central differences of the analytic score (away from α = 0)
        ok = a > 1e-8
        sub, data = theta[ok], {"y": yy[ok]}
        for j in range(2):
            # five-point stencil: truncation error O(step⁴), so a step of 1e-3 relative works
            step = 1e-3 * sub[:, j]

            def score_at(k):
                t = sub.copy()
                t[:, j] += k * step
                return spec._kernel(t, data)[1]

            fd = (8 * (score_at(1) - score_at(-1)) - (score_at(2) - score_at(-2))) / (12 * step[:, None])
            np.testing.assert_allclose(h[ok, :, j], fd, rtol=1e-6, atol=1e-12)
        # and the exact α = 0 limits of the Hessian: -Σj² + yμ² - 2μ³/3 and μ - y
        zero = a == 0
        m0, y0 = mu[zero], yy[zero]
        np.testing.assert_allclose(h[zero, 1, 1], -(y0 - 1) * y0 * (2 * y0 - 1) / 6 + y0 * m0**2 - 2 * m0**3 / 3)
        np.testing.assert_allclose(h[zero, 0, 1], m0 - y0)


# ---------------------------------------------------------------------------------- bounded Dalap
def test_bounded_dalap_pmf_is_flat_beyond_the_bounds():
    # why μ is parametrised inside the support: every μ <= lower gives the same pmf
    d = Dalap(mu=[-7.3, -0.5, 0.0], gamma=[0.4] * 3, lower=0, upper=10)
    pmf = d.pmf(np.arange(11)[None, :])
    np.testing.assert_allclose(pmf, np.broadcast_to(pmf[2], pmf.shape), rtol=1e-12)
    d = Dalap(mu=[10.0, 12.5], gamma=[0.4] * 2, lower=0, upper=10)
    np.testing.assert_allclose(d.pmf(np.arange(11)[None, :])[1], d.pmf(np.arange(11)[None, :])[0], rtol=1e-12)


def test_bounded_dalap_fit_converges_to_a_maximum(bio):
    X, y = bio
    m, caught = _fit(IntegerRegressor("dalap", support=(0, 19)), X, y)
    assert m.converged_ and m.limits_ == [] and not caught
    assert np.isfinite(m.result_.params["std_error"]).all()
    mu = m.predict_parameters(X)["mu"].to_numpy()
    assert mu.min() > 0 and mu.max() < 19
    # the documented parametrisation: μ = 19 · logit⁻¹(x'β)
    D = np.column_stack([np.ones(len(y)), X.to_numpy(float)])
    np.testing.assert_allclose(mu, 19 * special.expit(D @ m.coef_["mu"]), rtol=1e-12)
    gamma = special.expit(m.coef_["gamma"][0])

    def negloglik(beta):
        d = Dalap(19 * special.expit(D @ beta[:-1]), np.full(len(y), special.expit(beta[-1])), lower=0, upper=19)
        return -d.logpmf(y).sum()

    found = np.concatenate([m.coef_["mu"], m.coef_["gamma"]])
    assert negloglik(found) == pytest.approx(-m.loglik_, abs=1e-8)
    assert gamma == pytest.approx(special.expit(found[-1]))
    # the likelihood has kinks (and, through the normaliser, several local maxima): a
    # derivative-free search from the fit and from the intercept-only start finds nothing better
    x0 = np.zeros(7)
    x0[0] = special.logit(y.mean() / 19)
    for start in (x0, found):
        res = optimize.minimize(negloglik, start, method="Powell", options={"xtol": 1e-8, "ftol": 1e-12,
                                                                           "maxfev": 20000})
        assert res.fun >= -m.loglik_ - 1e-6


def test_bounded_dalap_with_a_linear_location(bio):
    X, y = bio
    # an explicit identity link keeps μ linear: 16% of the rows fall below 0, where the pmf is
    # that of μ = 0, and the other rows determine the coefficients; the fit converges too
    m, caught = _fit(IntegerRegressor("dalap", support=(0, 19), location_link="identity"), X, y)
    assert m.converged_ and m.limits_ == [] and not caught
    D = np.column_stack([np.ones(len(y)), X.to_numpy(float)])
    mu = D @ m.coef_["mu"]
    assert 0.1 < (mu < 0).mean() < 0.25
    d = Dalap(mu, np.full(len(y), special.expit(m.coef_["gamma"][0])), lower=0, upper=19)
    assert d.logpmf(y).sum() == pytest.approx(m.loglik_, abs=1e-8)
    with pytest.raises(ValueError, match=r"penalizer must be one of 'auto', a number in \[0, 1e\+150\] or a dict"):
        IntegerRegressor("bitwise", penalizer="ridge").fit(X, y)


@pytest.mark.parametrize("link", [None, "identity"])
def test_bounded_dalap_location_at_the_bound_is_a_reported_limit(link):
    # geometric counts from 0: the likelihood is largest with μ at (or, linearly, below) 0
    df = pd.DataFrame({"y": np.random.default_rng(0).geometric(0.5, 2000) - 1.0})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        m = IntegerRegressor.from_formula("y ~ 1", df, distribution="dalap", support=(0, 40), location_link=link)
    assert not m.converged_
    (report,) = m.limits_
    assert (report.parameter, report.limit, report.special_case) == ("mu", "μ → lower bound", "geometric")
    conv = [w for w in caught if issubclass(w.category, ConvergenceWarning)]
    assert len(conv) == 1 and conv[0].filename == __file__
    # the limit itself: the geometric decay from 0 with the fitted γ (truncated at 40)
    gamma = special.expit(m.coef_["gamma"][0])
    k = df["y"].to_numpy()
    geometric = np.log1p(-gamma) + k * np.log(gamma) - np.log1p(-gamma ** 41)
    assert geometric.sum() == pytest.approx(m.loglik_, abs=1e-4)


# ---------------------------------------------------------------------------------- mixtures
def _mixture_loglik_numpy(est, X, y):
    """The fitted mixture's log-likelihood from the numpy distributions (not the kernels)."""
    return float(est.predict_distribution(X).logpmf(y).sum())


def test_dalap_mixture_reports_the_point_mass_collapse(bio):
    X, y = bio
    m, caught = _fit(IntegerRegressor("dalap", n_components=2), X, y)
    assert not m.converged_
    (report,) = m.limits_
    assert report.special_case == "point mass" and report.limit == "γ → 0"
    assert "collapsed onto a point mass" in report.message
    conv = [w for w in caught if issubclass(w.category, ConvergenceWarning)]
    assert len(conv) == 1 and conv[0].filename == __file__
    assert str(conv[0].message).startswith("IntegerRegressor('dalap', n_components=2)")
    assert _mixture_loglik_numpy(m, X, y) == pytest.approx(m.loglik_, abs=1e-6)
    # the collapse is the supremum: -1628.54 was where the single quantile start stopped before
    assert m.loglik_ > -1619.80


def test_bitwise_mixture_converges(bio):
    X, y = bio
    m, caught = _fit(IntegerRegressor("bitwise", n_components=2), X, y)
    assert m.converged_ and m.limits_ == [] and not caught
    assert _mixture_loglik_numpy(m, X, y) == pytest.approx(m.loglik_, abs=1e-6)
    assert m.loglik_ > -1536.0


def _random_start_search(est, X, y, n_starts, seed):
    """Best penalised log-likelihood of plain scipy L-BFGS-B runs from random starts."""
    from distreg.likelihood import maximize_likelihood

    data = est._response(y, len(y))
    spec = est._spec()
    designs = est._array_designs(np.asarray(X, float))
    rng = np.random.default_rng(seed)
    best = -np.inf
    sizes = [d.n_coef for d in designs]
    for _ in range(n_starts):
        start = [rng.normal(0, 1.5, k) for k in sizes]
        try:
            f = maximize_likelihood(spec, designs, data, None, starts=[start], bounds=est._bounds(),
                                    penalty=est._penalty(), max_iter=3000, warn=False)
        except ValueError:
            continue
        best = max(best, f.penalized_loglik)
    return best


@pytest.mark.slow
@pytest.mark.parametrize("family", ["dalap", "bitwise"])
def test_mixture_maximum_against_a_random_start_search(bio, family):
    X, y = bio
    m, _ = _fit(IntegerRegressor(family, n_components=2), X, y)
    pen = m.result_.extra_info if hasattr(m.result_, "extra_info") else None
    found = m.loglik_ - _penalty_value(m, X)
    searched = _random_start_search(m, X, y, n_starts=30, seed=1)
    assert found >= searched - 0.5, (found, searched, pen)


def _penalty_value(m, X):
    """Σ w · penalty of a fitted IntegerRegressor (ridge on standardised covariates)."""
    pen = m._penalty()
    if not pen:
        return 0.0
    sd = np.asarray(X, float).std(axis=0)
    total = 0.0
    for name, coef in m.coef_.items():
        if coef.size > 1:
            total += pen / 2 * np.sum((coef[1:] * sd) ** 2)
    return total * len(X)


# ---------------------------------------------------------------------------------- separation
def test_bitwise_separation_names_the_bit_and_the_covariate():
    rng = np.random.default_rng(2)
    x = rng.integers(0, 2, 400).astype(float)
    z = rng.normal(size=400)
    # bit 2 (value 4) is set exactly when x == 1; the low bits are noise
    y = 4 * x + rng.integers(0, 4, 400)
    X = pd.DataFrame({"x": x, "z": z})
    m, caught = _fit(IntegerRegressor("bitwise", penalizer=0.0), X, y)
    assert not m.converged_
    (report,) = m.limits_
    assert report.cause == "separation" and report.parameter == "bit2[x]"
    msg = str([w for w in caught if issubclass(w.category, ConvergenceWarning)][0].message)
    assert msg.startswith("IntegerRegressor('bitwise'): bit 2 (worth 4) is predicted perfectly (separation")
    assert "bit2[x] run to ±∞" in msg
    assert "collinear" not in msg and "penalizer" in msg
    # the default small ridge keeps the estimates finite and the fit converged
    r, caught = _fit(IntegerRegressor("bitwise"), X, y)
    assert r.converged_ and not caught and np.abs(r.coef_["bit2"]).max() < 30
    np.testing.assert_allclose(r.predict_pmf(X.iloc[:5], np.arange(8)).sum(axis=1), 1.0, atol=1e-12)
    # per-bit penalties by name
    p, _ = _fit(IntegerRegressor("bitwise", penalizer={"bit2": 0.01}), X, y)
    assert p.converged_
    with pytest.raises(ValueError, match="unknown parameters"):
        IntegerRegressor("bitwise", penalizer={"bit7": 0.1}).fit(X, y)


def _bike(rows=None):
    """The issue's bike design (hour, season, weather, month, working day; weather), 70/30 split."""
    sys.path.insert(0, str(Path(__file__).parent))
    from test_bikeshare_bits import _data

    return _data(rows, calendar=True)


def _bike_bits(rows):
    X, y, tr, te = _bike(rows)
    plain, caught = _fit(IntegerRegressor("bitwise", penalizer=0.0), X.iloc[tr], y[tr])
    ridge, caught_ridge = _fit(IntegerRegressor("bitwise"), X.iloc[tr], y[tr])
    return (plain, caught, ridge, caught_ridge, -plain.score_bits(X.iloc[te], y[te]),
            -ridge.score_bits(X.iloc[te], y[te]))


def _check_bike(plain, caught, ridge, caught_ridge, X):
    # without the remedy: high bits separated by hour dummies, and the warning says so
    assert not plain.converged_ and all(r.cause == "separation" for r in plain.limits_)
    msg = str([w for w in caught if issubclass(w.category, ConvergenceWarning)][0].message)
    assert "predicted perfectly" in msg and "[hr_" in msg and "collinear" not in msg
    # with it: converged, finite coefficients, no warning
    assert ridge.converged_ and not caught_ridge
    # slopes on the standardised scale (what the ridge acts on) stay moderate; intercepts finite
    sd = X.std(axis=0, ddof=0).to_numpy()
    assert max(np.abs(c[1:] * sd).max() for c in ridge.coef_.values()) < 15
    assert max(abs(c[0]) for c in ridge.coef_.values()) < 60


def test_bike_bitwise_remedy_reduced():
    plain, caught, ridge, caught_ridge, bits_plain, bits_ridge = _bike_bits(3000)
    X, _, tr, _ = _bike(3000)
    _check_bike(plain, caught, ridge, caught_ridge, X.iloc[tr])
    assert bits_ridge <= bits_plain + 1e-3


@pytest.mark.slow
def test_bike_bitwise_remedy_full():
    plain, caught, ridge, caught_ridge, bits_plain, bits_ridge = _bike_bits(None)
    X, _, tr, _ = _bike()
    _check_bike(plain, caught, ridge, caught_ridge, X.iloc[tr])
    # held-out bits per observation (70/30 split, seed 0), as recorded in docs/discrete.rst
    assert bits_plain == pytest.approx(7.7055, abs=2e-3)
    assert bits_ridge == pytest.approx(7.6165, abs=2e-3)


def _zero_free_counts(seed=0, n=300):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 1))
    return X, rng.poisson(np.exp(1.5 + 0.3 * X[:, 0])) + 1


def test_hurdle_without_zeros_is_the_zero_truncated_model():
    X, y = _zero_free_counts()
    with pytest.warns(ConvergenceWarning, match="no zeros") as caught:
        m = IntegerRegressor("hurdle_poisson").fit(X, y)
    assert caught[0].filename == __file__
    (r,) = m.limits_
    assert (r.parameter, r.limit, r.special_case) == ("pi", "π → 0", "zero-truncated Poisson")
    assert not m.converged_

    # independent reference: the zero-truncated Poisson likelihood maximised with scipy
    def negll(b):
        mu = np.exp(b[0] + b[1] * X[:, 0])
        return -np.sum(y * np.log(mu) - mu - special.gammaln(y + 1) - np.log(-np.expm1(-mu)))

    ref = optimize.minimize(negll, np.zeros(2), method="BFGS", options={"gtol": 1e-10})
    assert r.loglik == pytest.approx(-ref.fun, abs=1e-6)
    np.testing.assert_allclose(m.coef_["mu"], ref.x, atol=1e-5)


def test_hurdle_zeros_predicted_perfectly_are_separation():
    X, y = _zero_free_counts(1)
    y[X[:, 0] < -1.0] = 0  # the zeros are exactly the rows with x0 < -1
    with pytest.warns(ConvergenceWarning, match=r"zeros are predicted perfectly .* pi\[x0\]"):
        m = IntegerRegressor("hurdle_poisson").fit(X, y)
    assert any(r.cause == "separation" and r.parameter == "pi[x0]" for r in m.limits_)
    ridge = IntegerRegressor("hurdle_poisson", penalizer={"pi": 1e-3}).fit(X, y)
    assert ridge.converged_ and not ridge.limits_ and np.all(np.isfinite(ridge.coef_["pi"]))
