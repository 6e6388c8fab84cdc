"""The rules every conformal class shares: too few calibration points, parameters, data, helpers."""

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import make_column_transformer
from sklearn.linear_model import LinearRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder

from distreg import NormalRegressor
from distreg.exceptions import InvalidParameterError
from distreg.conformal import (
    AdaptiveConformalRegressor,
    ConformalDistributionRegressor,
    ConformalizedQuantileRegressor,
    ConformalPredictiveSystem,
    CrossConformalRegressor,
    InfiniteBoundsWarning,
    LikelihoodRatioWeights,
    SplitConformalClassifier,
    SplitConformalRegressor,
    conformal_quantile,
    conformal_rank,
    n_required,
    weighted_conformal_quantile,
)


def _data(n=200, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(0, 2, size=(n, 2))
    return X, X[:, 0] + rng.normal(size=n)


def _labels(X):
    return (X[:, 0] > 1).astype(int) + (X[:, 1] > 1)


# ---------------------------------------------------------------------------- the conformal rank
@pytest.mark.parametrize("level", [0.5, 0.8, 0.9, 0.95, 0.975, 0.99, 0.999, 1 - 1e-6, 0.1, 1e-9])
def test_n_required_is_the_smallest_reaching_size(level):
    n = n_required(level)
    assert conformal_rank(n, level) <= n
    assert n == 1 or conformal_rank(n - 1, level) > n - 1
    # closed form: the smallest n with n >= level / (1 - level)
    assert n == max(1, math.ceil(round(level / (1 - level), 6)))


@pytest.mark.parametrize("bad", [1.0, 1.5, 0.0, -0.2, np.nan, "0.9", [0.5, 0.9], None])
def test_rank_helpers_refuse_levels_outside_the_unit_interval(bad):
    # n_required(1.0) divided by zero and conformal_quantile(..., 1.5) never returned
    with pytest.raises((ValueError, TypeError), match="level"):
        n_required(bad)
    with pytest.raises((ValueError, TypeError), match="levels"):
        conformal_quantile([1.0, 2.0, 3.0], bad if bad is not None else [2.0])
    with pytest.raises((ValueError, TypeError), match="level"):
        conformal_rank(10, bad)


def test_level_too_close_to_one_is_an_error_not_a_hang():
    # up to a million points the answer is exact; beyond, within the 1e-9 tolerance of the rank and
    # the rounding of level * (n + 1) in floating point, and still found without a loop over n
    for level in 1 - np.logspace(-3, -6, 50):
        n = n_required(level)
        assert conformal_rank(n, level) <= n and conformal_rank(n - 1, level) > n - 1
    for level in 1 - np.logspace(-6, -15, 50):
        n = n_required(level)
        bound = level / (1 - level)
        assert conformal_rank(n, level) <= n and abs(n - bound) <= 2 + 5e-10 / (1 - level) + 2e-9 * bound
    with pytest.raises(ValueError, match="too close to 1"):
        n_required(1 - 2**-52)


def test_conformal_quantile_refuses_nan_scores_and_names_its_arguments():
    # it returned 2 for [1, nan, 2]
    with pytest.raises(ValueError, match="scores contains NaN"):
        conformal_quantile([1.0, np.nan, 2.0], 0.5)
    with pytest.raises(ValueError, match=r"scores holds 3 score\(s\), too few for the level 0.9.*at least 9"):
        conformal_quantile([1.0, 2.0, 3.0], 0.9)
    with pytest.raises(TypeError, match="allow_infinite must be True or False"):
        conformal_quantile([1.0, 2.0, 3.0], 0.9, allow_infinite="yes")
    s = np.arange(1.0, 5.0)
    with pytest.raises(ValueError, match="weights has 3 entries but scores has 4"):
        weighted_conformal_quantile(s, np.ones(3), np.ones(2), 0.5)
    with pytest.raises(ValueError, match="test_weights must be non-negative"):
        weighted_conformal_quantile(s, np.ones(4), [-1.0], 0.5)
    with pytest.raises(ValueError, match="weights are zero everywhere"):
        weighted_conformal_quantile(s, np.zeros(4), [1.0], 0.5)
    with pytest.raises(ValueError, match="their test_weights are too large"):
        weighted_conformal_quantile(s, np.ones(4), [100.0], 0.5)


# ---------------------------------------------------------------------------- too few calibration points
def _wrappers():
    return {
        "split": SplitConformalRegressor(confidence_level=0.9),
        "split gamma": SplitConformalRegressor(confidence_level=0.9, conformity_score="gamma"),
        "cqr": ConformalizedQuantileRegressor(NormalRegressor(), confidence_level=0.9),
        "cqr symmetric": ConformalizedQuantileRegressor(NormalRegressor(), confidence_level=0.9, symmetric=True),
        "cps": ConformalPredictiveSystem(confidence_level=0.9),
        "distributional": ConformalDistributionRegressor(NormalRegressor(), confidence_level=0.9),
        "distributional symmetric": ConformalDistributionRegressor(NormalRegressor(), confidence_level=0.9,
                                                                   method="symmetric"),
        "adaptive": AdaptiveConformalRegressor(confidence_level=0.9),
        "classifier": SplitConformalClassifier(confidence_level=0.9),
    }


# points each wrapper needs at confidence_level=0.9: 9 one-sided, 19 when each side is at 0.95
NEEDS = {"split": 9, "split gamma": 19, "cqr": 19, "cqr symmetric": 9, "cps": 19, "distributional": 19,
         "distributional symmetric": 9, "adaptive": 9, "classifier": 9}


def _fit(name, est, X, y):
    return est.fit(X, _labels(X) if name == "classifier" else y + 10 * (name == "split gamma"))


def _predict(name, est, X):
    return est.predict_set(X) if name == "classifier" else est.predict_interval(X)


@pytest.mark.parametrize("name", sorted(NEEDS))
def test_one_rule_for_too_few_calibration_points(name):
    # ConformalPredictiveSystem and AdaptiveConformalRegressor returned (-inf, inf) silently
    X, y = _data()
    yy = _labels(X) if name == "classifier" else y + 10 * (name == "split gamma")
    need = NEEDS[name]
    est = _fit(name, _wrappers()[name], X[:100], y[:100])
    with pytest.raises(ValueError, match=rf"has {need - 1} point\(s\), too few for confidence_level=0.9.*"
                                         rf"needs at least {need} points"):
        est.conformalize(X[100:100 + need - 1], yy[100:100 + need - 1])
    # exactly enough points: finite bounds, no warning
    est = _fit(name, _wrappers()[name], X[:100], y[:100]).conformalize(X[100:100 + need], yy[100:100 + need])
    out = _predict(name, est, X[150:155])
    assert np.isfinite(out).all() if name != "classifier" else not out.all()
    # allowed: no error; infinite bounds (every label) with a warning, when they are predicted (the
    # adaptive class warns at conformalize: its later infinite intervals are part of the method)
    short = _fit(name, _wrappers()[name].set_params(allow_infinite_bounds=True), X[:100], y[:100])
    with pytest.warns(InfiniteBoundsWarning, match=rf"needs at least {need} points"):
        short.conformalize(X[100:100 + need - 1], yy[100:100 + need - 1])
        out = _predict(name, short, X[150:155])
    if name == "classifier":
        assert out.all()
    elif name.startswith("distributional"):
        assert np.isneginf(out[:, 0]).all() and np.isposinf(out[:, 1]).all()  # normal support ends
    else:
        assert np.isinf(out).all()


def test_cross_conformal_follows_the_rule():
    X, y = _data(n=8)
    with pytest.raises(ValueError, match=r"the out-of-fold sample \(the X, y passed to fit\) has 8 point\(s\)"):
        CrossConformalRegressor(cv=4, confidence_level=0.9).fit(X, y)
    est = CrossConformalRegressor(cv=4, confidence_level=0.9, allow_infinite_bounds=True).fit(X, y)
    with pytest.warns(InfiniteBoundsWarning, match="needs at least 9 points"):
        iv = est.predict_interval(X[:2])
    assert np.isinf(iv).all()
    finite = CrossConformalRegressor(cv=4, confidence_level=0.5).fit(X, y)
    with pytest.raises(ValueError, match="needs at least 9 points"):
        finite.predict_interval(X[:2], confidence_level=0.9)


def test_prediction_levels_follow_the_rule_too():
    X, y = _data()
    scr = SplitConformalRegressor(confidence_level=0.5).fit(X[:100], y[:100]).conformalize(X[100:110], y[100:110])
    assert np.isfinite(scr.predict_interval(X[:3])).all()
    with pytest.raises(ValueError, match="needs at least 19 points"):
        scr.predict_interval(X[:3], confidence_level=[0.5, 0.95])
    cps = ConformalPredictiveSystem(confidence_level=0.5).fit(X[:100], y[:100]).conformalize(X[100:110], y[100:110])
    with pytest.raises(ValueError, match="needs at least 19 points"):
        cps.predict_quantiles(X[:3], [0.5, 0.95])
    np.testing.assert_array_equal(cps.predict_quantiles(X[:3], [0.5, 0.9]),
                                  cps.predict_distribution(X[:3]).ppf(np.array([[0.5, 0.9]])))
    # the predictive distribution itself stays defective by definition: +inf above n/(n+1)
    assert np.isposinf(cps.predict_distribution(X[:3]).ppf(0.95)).all()


def test_mondrian_rule_applies_per_group_and_only_to_the_groups_predicted():
    X, y = _data()
    g = np.r_[np.zeros(30), np.ones(5)]
    fitted = SplitConformalRegressor(confidence_level=0.9).fit(X[:100], y[:100])
    with pytest.raises(ValueError, match=r"group 1.0 of the calibration set \(the groups passed to "
                                         r"conformalize\) has 5 point\(s\).*at least 9"):
        fitted.conformalize(X[100:135], y[100:135], groups=g)
    scr = SplitConformalRegressor(confidence_level=0.9, allow_infinite_bounds=True).fit(X[:100], y[:100])
    scr.conformalize(X[100:135], y[100:135], groups=g)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        only_big = scr.predict_interval(X[:3], groups=[0, 0, 0])
    assert np.isfinite(only_big).all()
    with pytest.warns(InfiniteBoundsWarning, match="group 1.0"):
        mixed = scr.predict_interval(X[:2], groups=[0, 1])
    assert np.isfinite(mixed[0]).all() and np.isinf(mixed[1]).all()


def test_weighted_rule_is_per_test_point():
    X, y = _data()
    fitted = SplitConformalRegressor(confidence_level=0.8).fit(X[:100], y[:100])
    scr = fitted.conformalize(X[100:120], y[100:120], weights=np.ones(20))
    with pytest.raises(ValueError, match="weights passed to the prediction method are too large"):
        scr.predict_interval(X[:2], weights=[1.0, 50.0])
    allowed = SplitConformalRegressor(confidence_level=0.8, allow_infinite_bounds=True).fit(X[:100], y[:100])
    allowed.conformalize(X[100:120], y[100:120], weights=np.ones(20))
    with pytest.warns(InfiniteBoundsWarning, match="for 1 test point"):
        iv = allowed.predict_interval(X[:2], weights=[1.0, 50.0])
    assert np.isfinite(iv[0]).all() and np.isinf(iv[1]).all()


def test_adaptive_window_must_reach_the_level():
    X, y = _data()
    aci = AdaptiveConformalRegressor(confidence_level=0.9, window=5).fit(X[:100], y[:100])
    with pytest.raises(ValueError, match="window=5 keeps too few scores for confidence_level=0.9.*at least 9"):
        aci.conformalize(X[100:150], y[100:150])
    aci = AdaptiveConformalRegressor(confidence_level=0.9, window=9).fit(X[:100], y[:100])
    assert np.isfinite(aci.conformalize(X[100:150], y[100:150]).predict_interval(X[:2])).all()


# ---------------------------------------------------------------------------- parameters
@pytest.mark.parametrize("make, param", [
    (lambda: SplitConformalClassifier(k_reg=-1), "k_reg"),
    (lambda: SplitConformalClassifier(lambda_reg=-0.1), "lambda_reg"),
    (lambda: SplitConformalClassifier(random_state=-1), "random_state"),
    (lambda: SplitConformalRegressor(prefit="no"), "prefit"),
    (lambda: SplitConformalRegressor(allow_infinite_bounds=1), "allow_infinite_bounds"),
    (lambda: SplitConformalRegressor(estimator="linear"), "estimator"),
    (lambda: ConformalPredictiveSystem(conformity_score="gamma"), "conformity_score"),
    (lambda: ConformalDistributionRegressor(method="central"), "method"),
    (lambda: ConformalizedQuantileRegressor(quantile_param=3), "quantile_param"),
    (lambda: CrossConformalRegressor(cv="bogus"), "cv"),  # a string has .split: it became a bootstrap
    (lambda: CrossConformalRegressor(n_resamplings=1), "n_resamplings"),
    (lambda: AdaptiveConformalRegressor(window=0), "window"),
    (lambda: AdaptiveConformalRegressor(confidence_level=[0.8, 0.9]), "confidence_level"),
])
def test_parameters_are_refused_at_fit_naming_them(make, param):
    X, y = _data()
    est = make()
    yy = _labels(X) if isinstance(est, SplitConformalClassifier) else y
    with pytest.raises(InvalidParameterError, match=rf"{type(est).__name__}: {param} must be"):
        est.fit(X[:100], yy[:100])


def test_prefit_wrappers_check_parameters_at_conformalize():
    X, y = _data()
    base = LinearRegression().fit(X[:100], y[:100])
    with pytest.raises(InvalidParameterError, match="SplitConformalRegressor: conformity_score must be"):
        SplitConformalRegressor(base, prefit=True, conformity_score="huber").conformalize(X[100:], y[100:])
    with pytest.raises(InvalidParameterError, match="LikelihoodRatioWeights: clip must be a number in"):
        LikelihoodRatioWeights(clip=0.7).fit(X[:50], X[50:])


# ---------------------------------------------------------------------------- data
def _frame(X):
    return pd.DataFrame({"x": X[:, 0], "g": pd.Categorical(np.where(X[:, 1] > 1, "a", "b"))})


def test_categorical_columns_reach_a_base_model_that_encodes_them():
    X, y = _data()
    pipe = make_pipeline(make_column_transformer((OneHotEncoder(), ["g"]), remainder="passthrough"),
                         LinearRegression())
    scr = SplitConformalRegressor(pipe, confidence_level=0.9).fit(_frame(X[:100]), y[:100])
    iv = scr.conformalize(_frame(X[100:180]), y[100:180]).predict_interval(_frame(X[180:]))
    # the same model on hand-encoded columns gives the same intervals
    enc = np.column_stack([X[:, 1] > 1, X[:, 1] <= 1, X[:, 0]]).astype(float)
    ref = SplitConformalRegressor(LinearRegression(), confidence_level=0.9).fit(enc[:100], y[:100])
    np.testing.assert_allclose(iv, ref.conformalize(enc[100:180], y[100:180]).predict_interval(enc[180:]))


def test_categorical_columns_and_a_numeric_base_model_give_the_shared_message():
    X, y = _data()
    with pytest.raises(TypeError, match=r"X column 'g' is categorical; encode it first.*from_formula"):
        SplitConformalRegressor().fit(_frame(X[:100]), y[:100])
    scr = SplitConformalRegressor().fit(X[:100], y[:100])
    with pytest.raises(TypeError, match="X holds text"):
        scr.conformalize(X[100:].astype(str), y[100:])
    with pytest.raises(TypeError, match="y is categorical"):
        scr.conformalize(X[100:], pd.Series(pd.Categorical(np.where(y[100:] > 1, "hi", "lo"))))


def test_base_model_failures_say_which_call_failed():
    X, y = _data()
    with pytest.raises(ValueError, match=r"the base model's NormalRegressor.fit failed on X and y: "
                                         r"NormalRegressor estimates 2 distribution parameters"):
        ConformalDistributionRegressor(NormalRegressor()).fit(X[:1], y[:1])
    with pytest.raises(ValueError, match="y holds one class"):
        SplitConformalClassifier().fit(X, np.zeros(len(y)))
    with pytest.raises(ValueError, match=r"X must be two-dimensional"):
        SplitConformalRegressor().fit(X[:, :, None], y)


def test_a_formula_model_encodes_categories_and_names_an_unseen_level():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.normal(size=200), "g": pd.Categorical(rng.choice(["a", "b"], 200))})
    y = frame["x"] + 2.0 * (frame["g"] == "a") + rng.normal(size=200)
    model = NormalRegressor.from_formula("y ~ x + g", frame.assign(y=y).iloc[:100])
    scr = SplitConformalRegressor(model, prefit=True, confidence_level=0.9).conformalize(frame.iloc[100:], y.iloc[100:])
    iv = scr.predict_interval(frame.iloc[:3])
    np.testing.assert_allclose(iv.mean(axis=1), model.predict(frame.iloc[:3]))
    with pytest.raises(ValueError, match=r"NormalRegressor.predict failed on X: .*column 'g' has the level 'c'"):
        scr.predict_interval(pd.DataFrame({"x": [0.0], "g": ["c"]}))
