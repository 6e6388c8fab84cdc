"""CrossConformalRegressor against MAPIE (CV+, jackknife+, minmax, jackknife+-after-bootstrap)."""

import numpy as np
import pytest
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.model_selection import KFold, LeaveOneOut

from distreg.conformal import CrossConformalRegressor, NormalizedScore

mapie_regression = pytest.importorskip("mapie.regression")
from mapie.subsample import Subsample  # noqa: E402


def _data(n=203, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(0, 3, size=(n, 2))
    y = np.exp(0.4 * X[:, 0] - 0.2 * X[:, 1] + 0.2 * rng.normal(size=n)) + 0.5
    return X, y


@pytest.mark.parametrize("method", ["plus", "minmax"])
@pytest.mark.parametrize("score", ["absolute", "gamma"])
def test_cv_plus_and_minmax_equal_mapie(method, score):
    X, y = _data()
    Xte = X[:40] + 0.1
    kf = KFold(5, shuffle=True, random_state=1)
    levels = [0.8, 0.9]
    ours = CrossConformalRegressor(Ridge(), confidence_level=levels, method=method, cv=kf, conformity_score=score).fit(X, y)
    theirs = mapie_regression.CrossConformalRegressor(Ridge(), confidence_level=levels, conformity_score=score,
                                                      method=method, cv=kf).fit_conformalize(X, y)
    pts, pis = theirs.predict_interval(Xte)
    np.testing.assert_allclose(ours.predict_interval(Xte), pis, rtol=0, atol=1e-9)
    np.testing.assert_allclose(ours.predict(Xte), pts, atol=1e-10)


def test_jackknife_plus_equals_mapie():
    X, y = _data(n=60, seed=4)
    ours = CrossConformalRegressor(LinearRegression(), confidence_level=0.8, cv="loo").fit(X, y)
    theirs = mapie_regression.CrossConformalRegressor(LinearRegression(), confidence_level=0.8,
                                                      cv=LeaveOneOut()).fit_conformalize(X, y)
    np.testing.assert_allclose(ours.predict_interval(X[:10]), theirs.predict_interval(X[:10])[1][:, :, 0], atol=1e-9)


@pytest.mark.parametrize("aggregation", ["mean", "median"])
def test_jackknife_plus_after_bootstrap_equals_mapie(aggregation):
    X, y = _data(n=120, seed=5)
    res = Subsample(n_resamplings=15, random_state=3)
    ours = CrossConformalRegressor(LinearRegression(), confidence_level=0.8, cv=res, aggregation=aggregation).fit(X, y)
    theirs = mapie_regression.JackknifeAfterBootstrapRegressor(
        LinearRegression(), confidence_level=0.8, resampling=res, aggregation_method=aggregation).fit_conformalize(X, y)
    pts, pis = theirs.predict_interval(X[:15])
    np.testing.assert_allclose(ours.predict_interval(X[:15]), pis[:, :, 0], atol=1e-9)
    np.testing.assert_allclose(ours.predict(X[:15]), pts, atol=1e-10)


def test_bootstrap_option_runs_and_drops_nothing_for_many_resamplings():
    X, y = _data(n=80, seed=6)
    m = CrossConformalRegressor(cv="bootstrap", n_resamplings=25, random_state=0).fit(X, y)
    assert m.n_calibration_ == 80
    pi = m.predict_interval(X[:5])
    assert (pi[:, 1] > pi[:, 0]).all()


def test_cross_bad_input():
    X, y = _data(n=30)
    with pytest.raises(ValueError, match="method must be one of 'minmax', 'plus'; got 'jackknife'"):
        CrossConformalRegressor(method="jackknife").fit(X, y)
    with pytest.raises(ValueError, match="at most 30 folds"):
        CrossConformalRegressor(cv=40).fit(X, y)
    with pytest.raises(ValueError, match="needs at least 39"):
        CrossConformalRegressor(cv=5, confidence_level=0.975).fit(X, y)
    with pytest.raises(ValueError, match="conformity_score must be one of 'absolute', 'gamma'"):
        CrossConformalRegressor(conformity_score="normalized").fit(X, y)
    with pytest.raises(ValueError, match="scale estimate"):
        CrossConformalRegressor(conformity_score=NormalizedScore()).fit(X, y)


@pytest.mark.parametrize("seed,ties", [(0, False), (1, True), (2, True)])
def test_fast_cv_plus_selection_equals_sorting_oracle(seed, ties):
    from distreg.conformal import conformal_rank

    rng = np.random.default_rng(seed)
    X = rng.integers(0, 4, size=(157, 1)).astype(float) if ties else rng.normal(size=(157, 1))
    y = np.round(X[:, 0] + rng.normal(size=157)) if ties else X[:, 0] + rng.normal(size=157)
    m = CrossConformalRegressor(LinearRegression(), confidence_level=[0.5, 0.8, 0.9], cv=7, random_state=seed).fit(X, y)
    Xte = np.vstack([X[:30], rng.normal(size=(10, 1)) * 5])
    got = m.predict_interval(Xte)
    mu = m._mu_matrix(m._model_predictions(Xte))
    R = m.conformity_scores_
    n = R.size
    for j, cl in enumerate([0.5, 0.8, 0.9]):
        k = conformal_rank(n, cl)
        np.testing.assert_allclose(got[:, 1, j], np.sort(mu + R, axis=1)[:, k - 1], atol=1e-12)
        np.testing.assert_allclose(got[:, 0, j], np.sort(mu - R, axis=1)[:, n - k], atol=1e-12)
