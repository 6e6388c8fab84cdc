"""SplitConformalRegressor against MAPIE's SplitConformalRegressor on the same split and model."""

import numpy as np
import pytest
from sklearn.ensemble import RandomForestRegressor
from sklearn.linear_model import LinearRegression

from distreg.conformal import InfiniteBoundsWarning, SplitConformalRegressor

mapie_regression = pytest.importorskip("mapie.regression")


def _data(n=600, seed=0, positive=False):
    rng = np.random.default_rng(seed)
    X = rng.uniform(0, 5, size=(n, 3))
    y = X @ np.array([1.0, -0.5, 2.0]) + rng.normal(scale=0.5 + X[:, 0], size=n)
    if positive:
        y = np.exp(0.3 * X[:, 0] + 0.1 * rng.normal(size=n))
    return X, y


@pytest.mark.parametrize("score", ["absolute", "gamma"])
@pytest.mark.parametrize("n_cal", [187, 300, 41])
def test_split_equals_mapie(score, n_cal):
    X, y = _data(positive=(score == "gamma"))
    Xtr, ytr = X[:250], y[:250]
    Xc, yc = X[250:250 + n_cal], y[250:250 + n_cal]
    Xte = X[-50:]
    levels = [0.5, 0.8, 0.9]
    base = LinearRegression().fit(Xtr, ytr)
    ours = SplitConformalRegressor(base, confidence_level=levels, conformity_score=score, prefit=True)
    ours.conformalize(Xc, yc)
    theirs = mapie_regression.SplitConformalRegressor(base, confidence_level=levels,
                                                      conformity_score=score, prefit=True)
    theirs.conformalize(Xc, yc)
    _, pis = theirs.predict_interval(Xte)
    np.testing.assert_allclose(ours.predict_interval(Xte), pis, rtol=0, atol=1e-9)
    np.testing.assert_allclose(np.sort(ours.conformity_scores_), np.sort(theirs.conformity_scores), atol=1e-12)


def test_split_fit_path_equals_mapie_forest():
    X, y = _data(seed=3)
    rf = RandomForestRegressor(n_estimators=20, random_state=0)
    ours = SplitConformalRegressor(rf, confidence_level=0.9).fit(X[:300], y[:300]).conformalize(X[300:550], y[300:550])
    theirs = mapie_regression.SplitConformalRegressor(rf, confidence_level=0.9, prefit=False)
    theirs.fit(X[:300], y[:300]).conformalize(X[300:550], y[300:550])
    np.testing.assert_allclose(ours.predict_interval(X[550:]), theirs.predict_interval(X[550:])[1][:, :, 0], atol=1e-9)
    np.testing.assert_allclose(ours.predict(X[550:]), theirs.predict(X[550:]), atol=1e-12)


def test_too_small_calibration_matches_mapie_need():
    X, y = _data()
    base = LinearRegression().fit(X[:100], y[:100])
    with pytest.raises(ValueError, match="needs at least 19 points"):
        SplitConformalRegressor(base, confidence_level=0.95, prefit=True).conformalize(X[100:118], y[100:118])
    with pytest.raises(ValueError):
        mapie_regression.SplitConformalRegressor(base, confidence_level=0.95, prefit=True).conformalize(
            X[100:118], y[100:118]).predict_interval(X[:2])
    scr = SplitConformalRegressor(base, confidence_level=0.95, prefit=True, allow_infinite_bounds=True)
    with pytest.warns(InfiniteBoundsWarning, match="needs at least 19 points; the bounds are infinite"):
        pi = scr.conformalize(X[100:118], y[100:118]).predict_interval(X[:3])
    assert np.isneginf(pi[:, 0]).all() and np.isposinf(pi[:, 1]).all()
