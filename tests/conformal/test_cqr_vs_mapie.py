"""ConformalizedQuantileRegressor against MAPIE's CQR on the same split and quantile models."""

import numpy as np
import pytest
from sklearn.ensemble import GradientBoostingRegressor
from sklearn.linear_model import QuantileRegressor

from distreg import NormalRegressor
from distreg.conformal import ConformalizedQuantileRegressor

mapie_regression = pytest.importorskip("mapie.regression")


def _data(n=700, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(0, 4, size=(n, 2))
    y = X[:, 0] - X[:, 1] + rng.normal(scale=0.3 + X[:, 0], size=n)
    return X, y


@pytest.mark.parametrize("symmetric", [False, True])
@pytest.mark.parametrize("cl", [0.8, 0.9])
def test_cqr_equals_mapie_gbr(symmetric, cl):
    X, y = _data()
    gbr = GradientBoostingRegressor(loss="quantile", n_estimators=25, max_depth=2, random_state=0)
    ours = ConformalizedQuantileRegressor(gbr, confidence_level=cl, symmetric=symmetric)
    ours.fit(X[:300], y[:300]).conformalize(X[300:600], y[300:600])
    theirs = mapie_regression.ConformalizedQuantileRegressor(gbr, confidence_level=cl)
    theirs.fit(X[:300], y[:300]).conformalize(X[300:600], y[300:600])
    _, pis = theirs.predict_interval(X[600:], symmetric_correction=symmetric)
    np.testing.assert_allclose(ours.predict_interval(X[600:]), pis[:, :, 0], rtol=0, atol=1e-9)
    np.testing.assert_allclose(ours.predict(X[600:]), theirs.predict(X[600:]), atol=1e-12)


def test_cqr_equals_mapie_prefit_linear_quantile():
    X, y = _data(n=500, seed=2)
    models = [QuantileRegressor(quantile=q, alpha=0.0, solver="highs").fit(X[:200], y[:200]) for q in (0.05, 0.95, 0.5)]
    ours = ConformalizedQuantileRegressor(models, confidence_level=0.9, prefit=True).conformalize(X[200:450], y[200:450])
    theirs = mapie_regression.ConformalizedQuantileRegressor(models, confidence_level=0.9, prefit=True)
    theirs.conformalize(X[200:450], y[200:450])
    np.testing.assert_allclose(ours.predict_interval(X[450:]), theirs.predict_interval(X[450:])[1][:, :, 0], atol=1e-9)


def test_cqr_with_distreg_model_is_non_crossing_and_adapts():
    rng = np.random.default_rng(5)
    X = rng.uniform(0, 4, size=(800, 1))
    y = X[:, 0] + rng.normal(scale=0.2 + X[:, 0], size=800)
    cqr = ConformalizedQuantileRegressor(NormalRegressor(scale_covariates=True), confidence_level=[0.5, 0.9])
    cqr.fit(X[:400], y[:400]).conformalize(X[400:], y[400:])
    grid = np.linspace(0, 4, 9)[:, None]
    pi = cqr.predict_interval(grid)
    assert pi.shape == (9, 2, 2)
    assert (pi[:, 1, :] >= pi[:, 0, :]).all()
    width = pi[:, 1, 1] - pi[:, 0, 1]
    assert width[-1] > 3 * width[0]
    assert (width >= pi[:, 1, 0] - pi[:, 0, 0]).all()
    with pytest.raises(ValueError, match="was not conformalized"):
        cqr.predict_interval(grid, confidence_level=0.7)


def test_cqr_crossing_corrections_are_collapsed():
    # models that are far too wide get negative corrections; asymmetric corrections can cross
    X, y = _data(n=400, seed=3)
    lo = QuantileRegressor(quantile=0.01, alpha=0.0, solver="highs").fit(X[:150], y[:150] - 30)
    hi = QuantileRegressor(quantile=0.99, alpha=0.0, solver="highs").fit(X[:150], y[:150] + 30)
    cqr = ConformalizedQuantileRegressor([lo, hi], confidence_level=0.5, prefit=True).conformalize(X[150:], y[150:])
    pi = cqr.predict_interval(X[:50])
    assert (pi[:, 1] >= pi[:, 0]).all()
