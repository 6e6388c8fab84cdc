"""Phases, bad input, scikit-learn conventions and score objects of the conformal wrappers."""

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.linear_model import LinearRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeRegressor

from distreg import NormalRegressor
from distreg.conformal import (
    AdaptiveConformalRegressor,
    ConformalDistributionRegressor,
    ConformalizedQuantileRegressor,
    ConformalPredictiveSystem,
    ConformityScore,
    CrossConformalRegressor,
    SplitConformalClassifier,
    SplitConformalRegressor,
    conformal_quantile,
    conformal_rank,
    n_required,
    weighted_conformal_quantile,
)
from distreg.exceptions import NotFittedError


def _data(n=300, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(0, 2, size=(n, 2))
    y = X[:, 0] + rng.normal(size=n) * (0.2 + X[:, 1])
    return X, y


WRAPPERS = [
    SplitConformalRegressor(),
    ConformalizedQuantileRegressor(NormalRegressor()),
    ConformalPredictiveSystem(),
    ConformalDistributionRegressor(NormalRegressor()),
    AdaptiveConformalRegressor(),
]


@pytest.mark.parametrize("est", WRAPPERS, ids=lambda e: type(e).__name__)
def test_phases_out_of_order_and_roundtrip(est):
    X, y = _data()
    est = clone(est)
    with pytest.raises(NotFittedError, match="fit"):
        est.predict_interval(X[:3])
    with pytest.raises(NotFittedError, match="fit"):
        est.conformalize(X[100:], y[100:])
    est.fit(X[:100], y[:100])
    with pytest.raises(NotFittedError, match="conformalize"):
        est.predict_interval(X[:3])
    est.conformalize(X[100:250], y[100:250])
    iv = est.predict_interval(X[250:])
    assert iv.shape == (50, 2) and np.all(iv[:, 0] <= iv[:, 1])
    again = pickle.loads(pickle.dumps(est))
    np.testing.assert_allclose(again.predict_interval(X[250:]), iv)
    assert clone(est).get_params().keys() == est.get_params().keys()
    assert est.predict(X[:4]).shape == (4,)


@pytest.mark.parametrize("est", WRAPPERS[:4], ids=lambda e: type(e).__name__)
def test_list_of_levels_and_bad_levels(est):
    X, y = _data()
    est = clone(est).set_params(confidence_level=[0.5, 0.8])
    est.fit(X[:100], y[:100]).conformalize(X[100:250], y[100:250])
    iv = est.predict_interval(X[250:])
    assert iv.shape == (50, 2, 2)
    assert np.all(iv[:, 1, 1] - iv[:, 0, 1] >= iv[:, 1, 0] - iv[:, 0, 0] - 1e-12)
    for bad in (1.5, 0.0, -0.1, 1.0, True, "0.9"):
        with pytest.raises(ValueError, match=r"confidence_level must be a number in \(0, 1\) or a list"):
            clone(est).set_params(confidence_level=bad).fit(X[:100], y[:100])
    for bad in ([0.5, 1.5], [], [[0.5]]):
        with pytest.raises(ValueError, match="confidence_level"):
            clone(est).set_params(confidence_level=bad).fit(X[:100], y[:100])


def test_bad_input_messages():
    X, y = _data()
    scr = SplitConformalRegressor().fit(X[:100], y[:100])
    with pytest.raises(ValueError, match="X has 100, y has 99"):
        scr.conformalize(X[100:200], y[100:199])
    y_nan = y.copy()
    y_nan[150] = np.nan
    with pytest.raises(ValueError, match="y contains NaN"):
        scr.conformalize(X[100:200], y_nan[100:200])
    X_nan = X.copy()
    X_nan[5, 1] = np.nan
    with pytest.raises(ValueError, match="X contains NaN"):
        SplitConformalRegressor().fit(X_nan[:100], y[:100])
    with pytest.raises(ValueError, match="needs at least 39 points"):
        SplitConformalRegressor(confidence_level=0.975).fit(X[:100], y[:100]).conformalize(X[100:120], y[100:120])
    with pytest.raises(ValueError, match="conformity_score must be one of 'absolute', 'gamma', 'normalized' or a "
                                         "ConformityScore instance; got 'huber'"):
        SplitConformalRegressor(conformity_score="huber").fit(X[:100], y[:100])
    with pytest.raises(ValueError, match="prefit=True"):
        SplitConformalRegressor(LinearRegression(), prefit=True).fit(X, y)
    with pytest.raises(NotFittedError, match="not fitted"):
        SplitConformalRegressor(LinearRegression(), prefit=True).conformalize(X, y)
    with pytest.raises(ValueError, match="difficulty estimate"):
        SplitConformalRegressor(conformity_score="normalized").fit(X[:100], y[:100]).conformalize(X[100:], y[100:])
    with pytest.raises(TypeError, match="predict_distribution"):
        ConformalDistributionRegressor(LinearRegression()).fit(X, y)
    # the caller's arrays are not modified
    X0, y0 = X.copy(), y.copy()
    SplitConformalRegressor().fit(X[:100], y[:100]).conformalize(X[100:], y[100:]).predict_interval(X)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(y, y0)


def test_groups_and_weights_must_be_given_on_both_sides():
    X, y = _data()
    g = (X[:, 0] > 1).astype(int)
    scr = SplitConformalRegressor().fit(X[:100], y[:100]).conformalize(X[100:250], y[100:250], groups=g[100:250])
    with pytest.raises(ValueError, match="groups must be given both"):
        scr.predict_interval(X[250:])
    with pytest.raises(ValueError, match=r"groups \[7\] occur at prediction"):
        scr.predict_interval(X[250:252], groups=[7, 7])
    with pytest.raises(ValueError, match="groups has 3 entries"):
        scr.predict_interval(X[250:252], groups=[0, 1, 1])
    scr = SplitConformalRegressor().fit(X[:100], y[:100]).conformalize(X[100:250], y[100:250], weights=np.ones(150))
    with pytest.raises(ValueError, match="weights must be given both"):
        scr.predict_interval(X[250:])
    with pytest.raises(ValueError, match="non-negative"):
        scr.predict_interval(X[250:252], weights=[-1.0, 1.0])
    # unit weights reproduce the unweighted interval exactly
    plain = SplitConformalRegressor().fit(X[:100], y[:100]).conformalize(X[100:250], y[100:250])
    np.testing.assert_allclose(scr.predict_interval(X[250:], weights=np.ones(50)), plain.predict_interval(X[250:]))


def test_pandas_input_and_pipeline():
    X, y = _data()
    df = pd.DataFrame(X, columns=["a", "b"])
    pipe = make_pipeline(StandardScaler(), LinearRegression())
    scr = SplitConformalRegressor(pipe).fit(df.iloc[:100], pd.Series(y[:100]))
    iv = scr.conformalize(df.iloc[100:250], y[100:250]).predict_interval(df.iloc[250:])
    ref = SplitConformalRegressor(pipe).fit(X[:100], y[:100]).conformalize(X[100:250], y[100:250]).predict_interval(X[250:])
    np.testing.assert_allclose(iv, ref)


def test_quantile_rule_edges():
    s = np.arange(1.0, 11.0)
    assert conformal_rank(10, 0.9) == 10 and n_required(0.9) == 9
    np.testing.assert_array_equal(conformal_quantile(s, [0.5, 0.9]), [6.0, 10.0])
    assert np.isinf(conformal_quantile(s, [0.95], allow_infinite=True)[0])
    # a huge test weight pushes the quantile to +inf
    q = weighted_conformal_quantile(s, np.ones(10), np.array([1.0, 100.0]), [0.5], allow_infinite=True)
    assert q[0, 0] == 6.0 and np.isinf(q[1, 0])


def test_normalized_score_with_scale_estimator_and_distreg_scale():
    X, y = _data(n=600)
    a = SplitConformalRegressor(LinearRegression(), 0.9, conformity_score="normalized", scale_estimator=DecisionTreeRegressor(max_depth=2))
    iv_a = a.fit(X[:300], y[:300]).conformalize(X[300:500], y[300:500]).predict_interval(X[500:])
    b = SplitConformalRegressor(NormalRegressor(scale_covariates=True), 0.9, conformity_score="normalized")
    iv_b = b.fit(X[:300], y[:300]).conformalize(X[300:500], y[300:500]).predict_interval(X[500:])
    for iv, m in ((iv_a, a), (iv_b, b)):
        pred = m.predict(X[500:])
        np.testing.assert_allclose((iv[:, 1] - pred), (pred - iv[:, 0]))  # symmetric around ŷ
        scale = (iv[:, 1] - iv[:, 0]) / 2
        q = np.sort(m.conformity_scores_)[conformal_rank(200, 0.9) - 1]
        assert np.ptp(scale) > 0  # widths vary with x
    sd = b.estimator_.predict_distribution(X[500:]).std()
    np.testing.assert_allclose((iv_b[:, 1] - iv_b[:, 0]) / 2, q * sd, rtol=1e-10)


def test_user_score_object():
    class LogScore(ConformityScore):
        """|log y - log ŷ|: multiplicative intervals for positive outcomes."""

        def score(self, y, y_pred, scale=None):
            return np.abs(np.log(y) - np.log(y_pred))

        def bounds(self, y_pred, q, scale=None):
            return y_pred * np.exp(-q), y_pred * np.exp(q)

    rng = np.random.default_rng(3)
    X = rng.uniform(1, 2, size=(400, 1))
    y = np.exp(X[:, 0] + 0.3 * rng.normal(size=400))
    m = SplitConformalRegressor(LinearRegression(), 0.8, conformity_score=LogScore()).fit(X[:200], y[:200])
    iv = m.conformalize(X[200:350], y[200:350]).predict_interval(X[350:])
    q = np.sort(m.conformity_scores_)[conformal_rank(150, 0.8) - 1]
    pred = m.predict(X[350:])
    np.testing.assert_allclose(iv, np.column_stack([pred * np.exp(-q), pred * np.exp(q)]))


def test_cross_and_classifier_clone_pickle():
    X, y = _data()
    cv = CrossConformalRegressor(cv=3, random_state=0).fit(X, y)
    again = pickle.loads(pickle.dumps(cv))
    np.testing.assert_allclose(again.predict_interval(X[:5]), cv.predict_interval(X[:5]))
    assert clone(cv).get_params()["cv"] == 3
    scc = SplitConformalClassifier()
    assert clone(scc).get_params() == scc.get_params()
