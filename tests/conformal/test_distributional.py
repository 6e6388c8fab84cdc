"""ConformalDistributionRegressor: continuous, integer and survival paths."""

import numpy as np
import pytest
from scipy import stats

from distreg import NormalRegressor
from distreg.conformal import ConformalDistributionRegressor, conformal_rank
from distreg.datasets import load_bikeshare, load_engel

from _standins import FixedCuredExponential, NegBinGLM, Poisson, PoissonGLM


def test_equal_tailed_interval_is_model_quantile_at_conformal_pit_levels():
    rng = np.random.default_rng(0)
    X = rng.uniform(0, 2, size=(500, 1))
    y = X[:, 0] + rng.normal(size=500) * (0.3 + X[:, 0])
    cdr = ConformalDistributionRegressor(NormalRegressor(scale_covariates=True), confidence_level=0.8)
    cdr.fit(X[:200], y[:200]).conformalize(X[200:], y[200:])
    u = np.sort(cdr.estimator_.predict_distribution(X[200:]).cdf(y[200:]))
    n = 300
    k = conformal_rank(n, 0.9)
    u_hi, u_lo = u[k - 1], u[n - k]  # lower: the floor(0.1 * 301)-th smallest
    d = cdr.estimator_.predict_distribution(X[:5])
    np.testing.assert_allclose(cdr.predict_interval(X[:5]), np.column_stack([d.ppf(u_lo), d.ppf(u_hi)]), rtol=1e-10)
    # recalibrated distribution: its quantiles at i/(n+1) are the model quantiles at U_(i)
    rd = cdr.predict_distribution(X[:5])
    np.testing.assert_allclose(rd.ppf(k / (n + 1)), d.ppf(u_hi), rtol=1e-8)
    np.testing.assert_allclose(rd.cdf(d.ppf(u_hi)), k / (n + 1), rtol=1e-8)
    # logpdf matches a finite difference of the cdf
    y0 = np.linspace(-1, 3, 5)
    h = 1e-5
    fd = (rd.cdf(y0 + h) - rd.cdf(y0 - h)) / (2 * h)
    np.testing.assert_allclose(np.exp(rd.logpdf(y0)), fd, rtol=1e-3)


def test_symmetric_dcp_interval():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(400, 1))
    y = X[:, 0] + rng.normal(size=400)
    cdr = ConformalDistributionRegressor(NormalRegressor(), confidence_level=0.9, method="symmetric")
    cdr.fit(X[:200], y[:200]).conformalize(X[200:], y[200:])
    v = np.sort(np.abs(cdr.estimator_.predict_distribution(X[200:]).cdf(y[200:]) - 0.5))
    q = v[conformal_rank(200, 0.9) - 1]
    d = cdr.estimator_.predict_distribution(X[:3])
    np.testing.assert_allclose(cdr.predict_interval(X[:3]), np.column_stack([d.ppf(0.5 - q), d.ppf(0.5 + q)]), rtol=1e-10)


def test_misspecified_model_is_repaired():
    # the model says N(x, 1) but the noise is 3x wider: raw 90% intervals cover ~40%
    rng = np.random.default_rng(2)
    X = rng.normal(size=(4000, 1))
    y = X[:, 0] + 3 * rng.normal(size=4000)

    class Wrong(NormalRegressor):
        def predict_distribution(self, X):
            from distreg.distributions import Normal

            X = np.asarray(X, dtype=float)
            return Normal(loc=X[:, 0], scale=np.ones(X.shape[0]))

    m = Wrong().fit(X[:10], y[:10])
    raw = m.predict_distribution(X[2000:]).interval(0.9)
    assert np.mean((raw[:, 0] <= y[2000:]) & (y[2000:] <= raw[:, 1])) < 0.5
    cdr = ConformalDistributionRegressor(m, prefit=True).conformalize(X[:2000], y[:2000])
    iv = cdr.predict_interval(X[2000:])
    cov = np.mean((iv[:, 0] <= y[2000:]) & (y[2000:] <= iv[:, 1]))
    assert abs(cov - 0.9) < 0.03


def _mid_pit_oracle(mu, y):
    return stats.poisson.cdf(y - 1, mu) + 0.5 * stats.poisson.pmf(y, mu)


def test_integer_sets_match_brute_force():
    rng = np.random.default_rng(3)
    X = rng.uniform(0, 2, size=(600, 1))
    y = rng.poisson(np.exp(0.5 + 0.8 * X[:, 0])).astype(float)
    cdr = ConformalDistributionRegressor(PoissonGLM(), confidence_level=0.8)
    cdr.fit(X[:200], y[:200]).conformalize(X[200:500], y[200:500])
    mu = cdr.estimator_.predict(X[500:])
    u = np.sort(_mid_pit_oracle(cdr.estimator_.predict(X[200:500]), y[200:500]))
    k = conformal_rank(300, 0.9)
    u_lo, u_hi = u[300 - k], u[k - 1]
    grid = np.arange(0, 60)
    pit = _mid_pit_oracle(mu[:, None], grid[None, :])
    member = (pit >= u_lo - 1e-12) & (pit <= u_hi + 1e-12)
    iv = cdr.predict_interval(X[500:])
    got = (grid[None, :] >= iv[:, :1]) & (grid[None, :] <= iv[:, 1:])
    np.testing.assert_array_equal(got, member)
    np.testing.assert_array_equal(cdr.predict_set(X[500:], grid), member)
    assert np.all(iv == np.round(iv))
    # the recalibrated integer distribution is a proper pmf
    rd = cdr.predict_distribution(X[500:510])
    np.testing.assert_allclose(rd.pmf(np.arange(200.0)[None, :]).sum(axis=1), 1.0, atol=1e-9)
    with pytest.raises(ValueError, match="integers"):
        cdr.conformalize(X[:10], y[:10] + 0.5)


def test_survival_path_with_cure_and_censoring():
    rng = np.random.default_rng(4)
    n = 3000
    X = rng.uniform(-1, 1, size=(n, 1))
    rate = np.exp(0.5 * X[:, 0])
    cured = rng.uniform(size=n) < 0.2
    T = np.where(cured, np.inf, rng.exponential(1 / rate))
    # administrative censoring at a time far beyond the bulk (the stated assumption)
    C = 50.0
    time = np.minimum(T, C)
    event = (T <= C).astype(float)
    model = FixedCuredExponential(b=0.5, pi=0.2).fit(X, time)
    cdr = ConformalDistributionRegressor(model, prefit=True, confidence_level=0.5)
    cdr.conformalize(X[:1500], time[:1500], event=event[:1500])
    assert cdr.n_censored_dropped_ == int((event[:1500] == 0).sum())
    iv = cdr.predict_interval(X[1500:])
    assert np.isfinite(iv).all()
    # calibrated on event times: covers about half of the uncured test event times
    ok = event[1500:] == 1
    cov = np.mean((iv[ok, 0] <= time[1500:][ok]) & (time[1500:][ok] <= iv[ok, 1]))
    assert abs(cov - 0.5) < 0.05
    # the PITs of event times lie in [0, 0.8): the recalibrated distribution has no cure mass
    assert cdr.pit_.max() < 0.8
    with pytest.raises(ValueError, match="only 0"):
        cdr.conformalize(X[:10], time[:10], event=np.full(10, 2.0))


def test_engel_and_bikeshare_real_data():
    engel = load_engel()
    rng = np.random.default_rng(5)
    idx = rng.permutation(len(engel))
    X, y = engel[["income"]].to_numpy(), engel["foodexp"].to_numpy()
    tr, cal, te = idx[:70], idx[70:160], idx[160:]
    cdr = ConformalDistributionRegressor(NormalRegressor(scale_covariates=True), confidence_level=0.9)
    iv = cdr.fit(X[tr], y[tr]).conformalize(X[cal], y[cal]).predict_interval(X[te])
    assert np.mean((iv[:, 0] <= y[te]) & (y[te] <= iv[:, 1])) >= 0.8
    assert (iv[:, 1] - iv[:, 0])[np.argmax(X[te, 0])] > (iv[:, 1] - iv[:, 0])[np.argmin(X[te, 0])]

    bikes = load_bikeshare()
    Xb = np.column_stack([bikes["temp"], np.sin(2 * np.pi * bikes["hr"].astype(float) / 24),
                          np.cos(2 * np.pi * bikes["hr"].astype(float) / 24)])
    yb = bikes["bikers"].to_numpy(dtype=float)
    perm = np.random.default_rng(6).permutation(len(yb))
    tr, cal, te = perm[:3000], perm[3000:6000], perm[6000:]
    # a Poisson model is far too narrow for bike counts: its 90% intervals cover under half
    pois = PoissonGLM().fit(Xb[tr], yb[tr])
    raw = Poisson(mu=pois.predict(Xb[te])).interval(0.9)
    assert np.mean((raw[:, 0] <= yb[te]) & (yb[te] <= raw[:, 1])) < 0.5
    # conformalised negative binomial: integer sets with the promised coverage
    cdr = ConformalDistributionRegressor(NegBinGLM(), confidence_level=0.9).fit(Xb[tr], yb[tr])
    cdr.conformalize(Xb[cal], yb[cal])
    iv = cdr.predict_interval(Xb[te])
    cov = np.mean((iv[:, 0] <= yb[te]) & (yb[te] <= iv[:, 1]))
    assert abs(cov - 0.9) < 0.025
    assert np.isfinite(iv).all() and np.all(iv == np.round(iv))


def test_real_integer_model_bikeshare_sets():
    from distreg import IntegerRegressor

    bikes = load_bikeshare()
    hr = bikes["hr"].astype(float).to_numpy()
    Xb = np.column_stack([bikes["temp"], np.sin(2 * np.pi * hr / 24), np.cos(2 * np.pi * hr / 24)])
    yb = bikes["bikers"].to_numpy(dtype=float)
    perm = np.random.default_rng(7).permutation(len(yb))
    tr, cal, te = perm[:1500], perm[1500:4500], perm[4500:]
    cdr = ConformalDistributionRegressor(IntegerRegressor("negbin"), confidence_level=0.8).fit(Xb[tr], yb[tr])
    cdr.conformalize(Xb[cal], yb[cal])
    assert cdr.discrete_
    iv = cdr.predict_interval(Xb[te])
    assert np.all(iv == np.round(iv)) and np.isfinite(iv).all()
    assert abs(np.mean((iv[:, 0] <= yb[te]) & (yb[te] <= iv[:, 1])) - 0.8) < 0.025
    rd = cdr.predict_distribution(Xb[te[:5]])
    np.testing.assert_allclose(rd.pmf(np.arange(3000.0)[None, :]).sum(axis=1), rd.cdf(2999.0), atol=1e-9)
    assert (rd.cdf(2999.0) > 0.99).all()


def test_real_survival_model_with_time_event_columns():
    import pandas as pd

    from distreg import FlexibleSurvivalRegressor

    rng = np.random.default_rng(8)
    n = 1500
    X = rng.uniform(-1, 1, size=(n, 1))
    T = rng.weibull(1.5, size=n) * np.exp(0.5 * X[:, 0])
    C = 3.0  # administrative censoring after nearly every event
    y = pd.DataFrame({"time": np.minimum(T, C), "event": (T <= C).astype(float)})
    cdr = ConformalDistributionRegressor(FlexibleSurvivalRegressor(distribution="weibull"), confidence_level=0.8)
    cdr.fit(X[:500], y.iloc[:500]).conformalize(X[500:1000], y.iloc[500:1000])
    assert cdr.n_censored_dropped_ == int((y["event"].iloc[500:1000] == 0).sum())
    iv = cdr.predict_interval(X[1000:])
    t_te = T[1000:]
    assert np.all(iv[:, 0] >= 0)
    assert abs(np.mean((iv[:, 0] <= t_te) & (t_te <= iv[:, 1])) - 0.8) < 0.06
    with pytest.raises(ValueError, match="do not pass event"):
        cdr.conformalize(X[500:600], y.iloc[500:600], event=np.ones(100))
