"""ConformalPredictiveSystem against crepes' ConformalPredictiveSystem."""

import warnings

import numpy as np
import pytest
from sklearn.ensemble import RandomForestRegressor
from sklearn.linear_model import LinearRegression

from distreg.conformal import ConformalPredictiveSystem

crepes = pytest.importorskip("crepes")


def _data(n=500, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(0, 3, size=(n, 2))
    y = X[:, 0] + rng.normal(scale=0.2 + X[:, 0], size=n)
    return X, y


PCTS = [2.5, 5.0, 10.0, 33.0, 50.0, 77.0, 90.0, 97.5]


def test_cps_quantiles_equal_crepes():
    X, y = _data()
    base = LinearRegression().fit(X[:200], y[:200])
    ours = ConformalPredictiveSystem(base, prefit=True).conformalize(X[200:399], y[200:399])
    theirs = crepes.ConformalPredictiveSystem().fit(y[200:399] - base.predict(X[200:399]))
    yhat = base.predict(X[399:])
    hi = theirs.predict(yhat, higher_percentiles=PCTS)
    lo = theirs.predict(yhat, lower_percentiles=PCTS)
    levels = np.array(PCTS)[None, :] / 100
    d = ours.predict_distribution(X[399:])
    np.testing.assert_allclose(d.ppf(levels), hi, atol=1e-12)
    np.testing.assert_allclose(d.ppf_lower(levels), lo, atol=1e-12)
    # non-smoothed p-values: crepes counts the test point itself, (#{C <= y} + 1)/(n + 1)
    p = theirs.predict(yhat, y=y[399:], smoothing=False)
    np.testing.assert_allclose(d.cdf(y[399:]) + 1 / 200, p, atol=1e-12)
    # intervals: lower percentile below, higher above. (crepes' predict_int computes the
    # percentile (1 - 0.9)/2*100 = 4.999..., one rank lower than the exact rule; we compare with
    # the exact percentiles.)
    iv = theirs.predict(yhat, lower_percentiles=[5.0], higher_percentiles=[95.0])
    np.testing.assert_allclose(ours.predict_interval(X[399:], confidence_level=0.9), iv, atol=1e-12)


def test_normalized_mondrian_cps_equals_crepes():
    X, y = _data(n=900, seed=1)
    rf = RandomForestRegressor(n_estimators=20, min_samples_leaf=5, random_state=0).fit(X[:300], y[:300])
    scale = LinearRegression().fit(X[:300], np.abs(y[:300] - rf.predict(X[:300])) + 0.1)
    bins = (X[:, 1] > 1.5).astype(int)
    ours = ConformalPredictiveSystem(rf, conformity_score="normalized", prefit=True, scale_estimator=scale)
    ours.conformalize(X[300:700], y[300:700], groups=bins[300:700])
    sig_cal, sig_te = scale.predict(X[300:700]), scale.predict(X[700:])
    theirs = crepes.ConformalPredictiveSystem().fit(y[300:700] - rf.predict(X[300:700]), sigmas=sig_cal, bins=bins[300:700])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        hi = theirs.predict(rf.predict(X[700:]), sigmas=sig_te, bins=bins[700:], higher_percentiles=PCTS)
    d = ours.predict_distribution(X[700:], groups=bins[700:])
    np.testing.assert_allclose(d.ppf(np.array(PCTS)[None, :] / 100), hi, atol=1e-10)


def test_cps_small_calibration_gives_infinite_tails():
    X, y = _data(n=220)
    base = LinearRegression().fit(X[:200], y[:200])
    d = ConformalPredictiveSystem(base, prefit=True).conformalize(X[200:], y[200:]).predict_distribution(X[:3])
    assert np.isposinf(d.ppf(0.99)).all() and np.isneginf(d.ppf_lower(0.01)).all()
    assert np.isfinite(d.ppf(0.9)).all()
