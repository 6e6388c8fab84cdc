"""Fuzz: the conformal wrappers, the quantile models and the metrics through the bad-input matrix.

Each case corrupts one argument of a valid call (``ARRAY_CORRUPTIONS`` for arrays, the scalar and
constructor-parameter corruptions below for the rest) and asks for a ``ValueError``/``TypeError``
whose message names that argument (as a whole word: ``X`` in "Expected" does not count), or a
valid result, within a time limit (:func:`tests.fuzz.matrix.assert_clear_or_valid`). A valid
result holds no NaN; fitted estimators must predict without NaN on valid data.

Every case of each sweep runs once, as an explicit hypothesis example: the sweeps are finite and
small, so they are enumerated rather than sampled, and each run covers all of them.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from hypothesis import Phase, example, given, settings
from hypothesis import strategies as st
from sklearn.ensemble import GradientBoostingRegressor

from distreg import NormalRegressor, metrics
from distreg.conformal import (
    AdaptiveConformalRegressor,
    ConformalDistributionRegressor,
    ConformalizedQuantileRegressor,
    ConformalPredictiveSystem,
    CrossConformalRegressor,
    LikelihoodRatioWeights,
    SplitConformalClassifier,
    SplitConformalRegressor,
    conformal_quantile,
    conformal_rank,
    n_required,
    weighted_conformal_quantile,
)
from distreg.distributions import Normal, Poisson
from distreg.quantile import (
    KNeighborsQuantileRegressor,
    LinearQuantileRegressor,
    MultiQuantileRegressor,
    QuantileAggregator,
    make_noncrossing,
)

from .matrix import ARRAY_CORRUPTIONS, PARAMETER_CORRUPTIONS, array_cases, no_nan, run_case

# ---------------------------------------------------------------------------- valid data
RNG = np.random.default_rng(20261213)
N = 40
X = RNG.normal(size=(N, 2))
Y = 1.0 + X[:, 0] + 0.5 * RNG.normal(size=N)
X_CAL = RNG.normal(size=(N, 2))
Y_CAL = 1.0 + X_CAL[:, 0] + 0.5 * RNG.normal(size=N)
X_NEW = RNG.normal(size=(8, 2))
Y_NEW = 1.0 + X_NEW[:, 0] + 0.5 * RNG.normal(size=8)
GROUPS = np.where(X_CAL[:, 1] > 0, 1.0, 2.0)
GROUPS_NEW = np.where(X_NEW[:, 1] > 0, 1.0, 2.0)
W_CAL = np.linspace(0.5, 1.5, N)
W_NEW = np.linspace(0.8, 1.2, 8)
LABELS = (X[:, 0] > 0).astype(float) + (X[:, 1] > 0)
LABELS_CAL = (X_CAL[:, 0] > 0).astype(float) + (X_CAL[:, 1] > 0)
EVENT = (RNG.uniform(size=N) < 0.9).astype(float)
COUNTS = RNG.poisson(3.0, size=N).astype(float)
LEVELS = np.array([0.1, 0.5, 0.9])
CL = 0.8  # two-sided at 0.8 needs 9 calibration points per side, one-sided 4
Q = np.sort(1.0 + RNG.normal(size=(N, 3)), axis=1)
INTERVALS = np.column_stack([Y - 1.0, Y + 1.0])
SETS = RNG.uniform(size=(N, 3)) < 0.6
NORMAL = Normal(Y + 0.1, np.full(N, 1.0))
POISSON = Poisson(np.full(N, 3.0))

SCALAR_CORRUPTIONS = {
    "nan": np.nan, "inf": np.inf, "negative": -1.0, "zero": 0.0, "one": 1.0, "huge": 1e300, "text": "0.5",
    "bool": True, "none": None, "list out of range": [0.5, 1.5], "empty list": [],
}


def sweep(cases):
    """Run the decorated test once on every case (hypothesis' explicit examples)."""

    def decorate(test):
        for case in reversed(cases):
            test = example(case)(test)
        return settings(phases=[Phase.explicit], deadline=None, database=None)(
            given(st.sampled_from(cases))(test))

    return decorate


# ---------------------------------------------------------------------------- models
def _qr(**kw):
    return LinearQuantileRegressor(quantiles=list(LEVELS), **kw)


def _knn(**kw):
    return KNeighborsQuantileRegressor(**{"n_neighbors": 5, "quantiles": list(LEVELS), **kw})


def _gbm():
    return GradientBoostingRegressor(loss="quantile", n_estimators=5, max_depth=2, random_state=0)


def _multi(**kw):
    return MultiQuantileRegressor(**{"estimator": _gbm(), "quantiles": list(LEVELS), **kw})


def _aggregator(**kw):
    return QuantileAggregator(**{"estimators": [_qr(), _knn()], "quantiles": list(LEVELS),
                                 "weights": "global-coarse", "cv": 2, "max_iter": 50, "hidden_units": 2,
                                 "random_state": 0, **kw})


# wrapper name -> constructor (keywords override the defaults here); every wrapper is fitted on
# (X, Y) and calibrated on (X_CAL, Y_CAL), the classifier on the labels
WRAPPERS = {
    "SplitConformalRegressor": lambda **kw: SplitConformalRegressor(**{"confidence_level": CL, **kw}),
    "ConformalizedQuantileRegressor": lambda **kw: ConformalizedQuantileRegressor(**{"confidence_level": CL,
                                                                                     **kw}),
    "CrossConformalRegressor": lambda **kw: CrossConformalRegressor(**{"confidence_level": CL, "cv": 4,
                                                                       "random_state": 0, **kw}),
    "ConformalPredictiveSystem": lambda **kw: ConformalPredictiveSystem(**{"confidence_level": CL, **kw}),
    "ConformalDistributionRegressor": lambda **kw: ConformalDistributionRegressor(
        **{"estimator": NormalRegressor(), "confidence_level": CL, **kw}),
    "AdaptiveConformalRegressor": lambda **kw: AdaptiveConformalRegressor(**{"confidence_level": CL,
                                                                             "gamma": 0.05, **kw}),
    "SplitConformalClassifier": lambda **kw: SplitConformalClassifier(**{"confidence_level": CL, **kw}),
}


def _fitted(name, **kw):
    est = WRAPPERS[name](**kw)
    return est.fit(X, LABELS if name == "SplitConformalClassifier" else Y)


def _calibrated(name, **kw):
    est = _fitted(name, **kw)
    if name == "CrossConformalRegressor":
        return est
    return est.conformalize(X_CAL, LABELS_CAL if name == "SplitConformalClassifier" else Y_CAL)


CALIBRATED = {name: _calibrated(name) for name in WRAPPERS}
MONDRIAN = SplitConformalRegressor(confidence_level=CL).fit(X, Y).conformalize(X_CAL, Y_CAL, groups=GROUPS)
WEIGHTED = SplitConformalRegressor(confidence_level=CL).fit(X, Y).conformalize(X_CAL, Y_CAL, weights=W_CAL)
QUANTILE_MODELS = {"LinearQuantileRegressor": _qr, "KNeighborsQuantileRegressor": _knn,
                   "MultiQuantileRegressor": _multi, "QuantileAggregator": _aggregator}
FITTED_QUANTILE = {name: make().fit(X, Y) for name, make in QUANTILE_MODELS.items()}
LR_WEIGHTS = LikelihoodRatioWeights().fit(X_CAL, X_NEW)


def _valid_fit(est):
    """A fitted wrapper or model predicts without NaN on valid data."""
    return no_nan(est.predict(X_NEW))


# ---------------------------------------------------------------------------- array arguments
# target -> (call(args), valid arguments, accepted names per argument, validity of a result)
def _wrapper_fit(name, y):
    return (lambda a: WRAPPERS[name]().fit(a["X"], a["y"]), {"X": X, "y": y}, {"X": "X", "y": "y"},
            lambda r, a: _valid_fit(r))


def _wrapper_conformalize(name, y, **extra):
    def call(a):
        kwargs = {k: a[k] for k in extra}
        return _fitted(name).conformalize(a["X"], a["y"], **kwargs)

    names = {"X": "X", "y": "y", **{k: k for k in extra}}
    return call, {"X": X_CAL, "y": y, **extra}, names, lambda r, a: no_nan(r.predict(X_NEW))


def _predict(name, method, **extra):
    def call(a):
        return getattr(CALIBRATED[name], method)(a["X"], **{k: a[k] for k in extra})

    return call, {"X": X_NEW, **extra}, {"X": "X", **{k: k for k in extra}}, None


ARRAY_TARGETS = {
    **{f"{n}.fit": _wrapper_fit(n, LABELS if n == "SplitConformalClassifier" else Y) for n in WRAPPERS},
    **{f"{n}.conformalize": _wrapper_conformalize(n, Y_CAL) for n in
       ("SplitConformalRegressor", "ConformalizedQuantileRegressor", "ConformalPredictiveSystem",
        "AdaptiveConformalRegressor")},
    "SplitConformalRegressor.conformalize(groups)": _wrapper_conformalize("SplitConformalRegressor", Y_CAL,
                                                                          groups=GROUPS),
    "SplitConformalRegressor.conformalize(weights)": _wrapper_conformalize("SplitConformalRegressor", Y_CAL,
                                                                           weights=W_CAL),
    "ConformalDistributionRegressor.conformalize(event)": _wrapper_conformalize(
        "ConformalDistributionRegressor", Y_CAL, event=EVENT),
    "SplitConformalClassifier.conformalize": _wrapper_conformalize("SplitConformalClassifier", LABELS_CAL),
    **{f"{n}.predict_interval": _predict(n, "predict_interval") for n in WRAPPERS
       if n != "SplitConformalClassifier"},
    **{f"{n}.predict": _predict(n, "predict") for n in WRAPPERS},
    "SplitConformalRegressor.predict_interval(groups)": (
        lambda a: MONDRIAN.predict_interval(a["X"], groups=a["groups"]), {"X": X_NEW, "groups": GROUPS_NEW},
        {"X": "X", "groups": "groups"}, None),
    "SplitConformalRegressor.predict_interval(weights)": (
        lambda a: WEIGHTED.predict_interval(a["X"], weights=a["weights"]), {"X": X_NEW, "weights": W_NEW},
        {"X": "X", "weights": "weights"}, None),
    "ConformalPredictiveSystem.predict_quantiles": _predict("ConformalPredictiveSystem", "predict_quantiles",
                                                            quantiles=np.array([0.2, 0.5, 0.7])),
    "ConformalPredictiveSystem.predict_cdf": _predict("ConformalPredictiveSystem", "predict_cdf", y=Y_NEW),
    "ConformalPredictiveSystem.predict_distribution": _predict("ConformalPredictiveSystem",
                                                               "predict_distribution"),
    "ConformalDistributionRegressor.predict_set": _predict("ConformalDistributionRegressor", "predict_set",
                                                           values=np.arange(-3.0, 4.0)),
    "ConformalDistributionRegressor.predict_quantiles": _predict("ConformalDistributionRegressor",
                                                                 "predict_quantiles", quantiles=LEVELS),
    "SplitConformalClassifier.predict_set": _predict("SplitConformalClassifier", "predict_set"),
    "SplitConformalClassifier.predict_proba": _predict("SplitConformalClassifier", "predict_proba"),
    "AdaptiveConformalRegressor.update": (
        lambda a: _calibrated("AdaptiveConformalRegressor").update(a["X"], a["y"]), {"X": X_NEW, "y": Y_NEW},
        {"X": "X", "y": "y"}, lambda r, a: no_nan(r.predict_interval(X_NEW))),
    "LikelihoodRatioWeights.fit": (
        lambda a: LikelihoodRatioWeights().fit(a["X_calibration"], a["X_test"]),
        {"X_calibration": X_CAL, "X_test": X_NEW}, {"X_calibration": ("X_calibration", "X"),
                                                    "X_test": ("X_test", "X")},
        lambda r, a: no_nan(r.predict(X_NEW))),
    "LikelihoodRatioWeights.predict": (lambda a: LR_WEIGHTS.predict(a["X"]), {"X": X_NEW}, {"X": "X"}, None),
    # helpers of distreg.conformal
    "conformal_quantile": (lambda a: conformal_quantile(a["scores"], a["levels"]),
                           {"scores": np.abs(Y_CAL), "levels": LEVELS}, {"scores": "scores", "levels": "levels"},
                           None),
    "weighted_conformal_quantile": (
        lambda a: weighted_conformal_quantile(a["scores"], a["weights"], a["test_weights"], a["levels"]),
        {"scores": np.abs(Y_CAL), "weights": W_CAL, "test_weights": W_NEW, "levels": LEVELS},
        {"scores": "scores", "weights": "weights", "test_weights": "test_weights", "levels": "levels"}, None),
    # quantile models
    **{f"{n}.fit": (lambda a, n=n: QUANTILE_MODELS[n]().fit(a["X"], a["y"], **(
        {} if n == "KNeighborsQuantileRegressor" else {"sample_weight": a["sample_weight"]})),
        {"X": X, "y": Y, **({} if n == "KNeighborsQuantileRegressor" else {"sample_weight": W_CAL})},
        {"X": "X", "y": "y", "sample_weight": "sample_weight"}, lambda r, a: _valid_fit(r))
       for n in QUANTILE_MODELS},
    **{f"{n}.predict_quantiles": (lambda a, n=n: FITTED_QUANTILE[n].predict_quantiles(a["X"], a["quantiles"]),
                                  {"X": X_NEW, "quantiles": LEVELS}, {"X": "X", "quantiles": "quantiles"}, None)
       for n in QUANTILE_MODELS},
    "QuantileAggregator.compare": (lambda a: FITTED_QUANTILE["QuantileAggregator"].compare(a["X"], a["y"]),
                                   {"X": X_NEW, "y": Y_NEW}, {"X": "X", "y": "y"}, None),
    "QuantileAggregator.local_weights": (lambda a: FITTED_QUANTILE["QuantileAggregator"].local_weights(a["X"]),
                                         {"X": X_NEW}, {"X": "X"}, None),
    "make_noncrossing": (lambda a: make_noncrossing(a["Q"], "pav"), {"Q": Q}, {"Q": "Q"}, None),
    # metrics
    **{f"metrics.{f}": (lambda a, f=f: getattr(metrics, f)(a["y_true"], a["y_quantiles"], a["quantiles"],
                                                         sample_weight=a["sample_weight"]),
                        {"y_true": Y, "y_quantiles": Q, "quantiles": LEVELS, "sample_weight": W_CAL},
                        {"y_true": "y_true", "y_quantiles": "y_quantiles", "quantiles": "quantiles",
                         "sample_weight": "sample_weight"}, None)
       for f in ("pinball_loss", "crps_quantiles", "weighted_interval_score")},
    "metrics.interval_score": (
        lambda a: metrics.interval_score(a["y_true"], a["lower"], a["upper"], 0.1, sample_weight=a["sample_weight"]),
        {"y_true": Y, "lower": Y - 1.0, "upper": Y + 1.0, "sample_weight": W_CAL},
        {"y_true": "y_true", "lower": "lower", "upper": "upper", "sample_weight": "sample_weight"}, None),
    "metrics.coverage": (lambda a: metrics.coverage(a["y_true"], a["intervals"], sample_weight=a["sample_weight"]),
                         {"y_true": Y, "intervals": INTERVALS, "sample_weight": W_CAL},
                         {"y_true": "y_true", "intervals": "intervals", "sample_weight": "sample_weight"}, None),
    "metrics.mean_interval_width": (
        lambda a: metrics.mean_interval_width(a["intervals"], sample_weight=a["sample_weight"]),
        {"intervals": INTERVALS, "sample_weight": W_CAL},
        {"intervals": "intervals", "sample_weight": "sample_weight"}, None),
    "metrics.group_coverage": (lambda a: metrics.group_coverage(a["y_true"], a["intervals"], a["groups"]),
                               {"y_true": Y, "intervals": INTERVALS, "groups": GROUPS},
                               {"y_true": "y_true", "intervals": "intervals", "groups": "groups"}, None),
    "metrics.set_coverage": (lambda a: metrics.set_coverage(a["y_true"], a["sets"]),
                             {"y_true": LABELS, "sets": SETS}, {"y_true": "y_true", "sets": "sets"}, None),
    "metrics.mean_set_size": (lambda a: metrics.mean_set_size(a["sets"]), {"sets": SETS}, {"sets": "sets"}, None),
    "metrics.crps": (lambda a: metrics.crps(a["y_true"], NORMAL, sample_weight=a["sample_weight"]),
                     {"y_true": Y, "sample_weight": W_CAL}, {"y_true": "y_true", "sample_weight": "sample_weight"},
                     None),
    "metrics.crps_ensemble": (
        lambda a: metrics.crps_ensemble(a["y_true"], a["samples"], sample_weight=a["sample_weight"]),
        {"y_true": Y, "samples": Q, "sample_weight": W_CAL},
        {"y_true": "y_true", "samples": "samples", "sample_weight": "sample_weight"}, None),
    "metrics.log_score": (lambda a: metrics.log_score(a["y_true"], NORMAL, sample_weight=a["sample_weight"]),
                          {"y_true": Y, "sample_weight": W_CAL},
                          {"y_true": "y_true", "sample_weight": "sample_weight"}, None),
    "metrics.ranked_probability_score": (
        lambda a: metrics.ranked_probability_score(a["y_true"], POISSON, sample_weight=a["sample_weight"]),
        {"y_true": COUNTS, "sample_weight": W_CAL}, {"y_true": "y_true", "sample_weight": "sample_weight"}, None),
    "metrics.pit": (lambda a: metrics.pit(a["y_true"], NORMAL, random_state=0), {"y_true": Y},
                    {"y_true": "y_true"}, None),
    "metrics.randomized_quantile_residuals": (
        lambda a: metrics.randomized_quantile_residuals(a["y_true"], POISSON, random_state=0),
        {"y_true": COUNTS}, {"y_true": "y_true"}, None),
}
# arguments that hold one value per row: "empty" and "one row" also cut all of them together
ROW_ARGUMENTS = ("X", "y", "sample_weight", "groups", "weights", "event", "y_true", "y_quantiles", "lower",
                 "upper", "intervals", "samples", "sets", "scores", "test_weights")
ARRAY_CASES = array_cases(ARRAY_TARGETS, ROW_ARGUMENTS)


def _run_array_case(target, arg, label):
    call, args, names, valid = ARRAY_TARGETS[target]
    corrupt = ARRAY_CORRUPTIONS[label]
    a = dict(args)
    if arg == "all rows":
        a.update({k: corrupt(v) for k, v in args.items() if k in ROW_ARGUMENTS})
        accepted = tuple(n for k in args if k in ROW_ARGUMENTS for n in np.atleast_1d(names[k]))
    else:
        a[arg] = corrupt(args[arg])
        accepted = tuple(np.atleast_1d(names[arg]))
    check = None if valid is None else (lambda result: valid(result, a))
    return run_case(lambda: call(a), [str(n) for n in accepted], valid=check, case=f"{target} / {arg} / {label}")


@sweep(ARRAY_CASES)
def test_array_arguments(case):
    _run_array_case(*case)


# ---------------------------------------------------------------------------- scalar arguments
SCALAR_TARGETS = {
    **{f"{n}.predict_interval(confidence_level)": (
        lambda v, n=n: CALIBRATED[n].predict_interval(X_NEW, confidence_level=v), "confidence_level")
       for n in ("SplitConformalRegressor", "ConformalizedQuantileRegressor", "CrossConformalRegressor",
                 "ConformalPredictiveSystem", "ConformalDistributionRegressor")},
    "SplitConformalClassifier.predict_set(confidence_level)": (
        lambda v: CALIBRATED["SplitConformalClassifier"].predict_set(X_NEW, confidence_level=v), "confidence_level"),
    "ConformalPredictiveSystem.predict_quantiles(quantiles)": (
        lambda v: CALIBRATED["ConformalPredictiveSystem"].predict_quantiles(X_NEW, v), "quantiles"),
    "ConformalDistributionRegressor.predict_quantiles(quantiles)": (
        lambda v: CALIBRATED["ConformalDistributionRegressor"].predict_quantiles(X_NEW, v), "quantiles"),
    "conformal_quantile(levels)": (lambda v: conformal_quantile(np.abs(Y_CAL), v), "levels"),
    "conformal_quantile(allow_infinite)": (lambda v: conformal_quantile(np.abs(Y_CAL), 0.5, allow_infinite=v),
                                           "allow_infinite"),
    "weighted_conformal_quantile(levels)": (
        lambda v: weighted_conformal_quantile(np.abs(Y_CAL), W_CAL, W_NEW, v), "levels"),
    "conformal_rank(n)": (lambda v: conformal_rank(v, 0.9), "n"),
    "conformal_rank(level)": (lambda v: conformal_rank(20, v), "level"),
    "n_required(level)": (lambda v: n_required(v), "level"),
    **{f"{n}.predict_quantiles(quantiles)": (lambda v, n=n: FITTED_QUANTILE[n].predict_quantiles(X_NEW, v),
                                             "quantiles") for n in QUANTILE_MODELS},
    "QuantileAggregator.predict_interval(confidence_level)": (
        lambda v: FITTED_QUANTILE["QuantileAggregator"].predict_interval(X_NEW, v), "confidence_level"),
    "QuantileAggregator.compare(confidence_levels)": (
        lambda v: FITTED_QUANTILE["QuantileAggregator"].compare(X_NEW, Y_NEW, confidence_levels=v),
        "confidence_levels"),
    "make_noncrossing(method)": (lambda v: make_noncrossing(Q, v), "method"),
    "metrics.pinball_loss(quantiles)": (lambda v: metrics.pinball_loss(Y, Q[:, 1], v), "quantiles"),
    "metrics.interval_score(alpha)": (lambda v: metrics.interval_score(Y, Y - 1, Y + 1, v), "alpha"),
    "metrics.weighted_interval_score(normalize)": (
        lambda v: metrics.weighted_interval_score(Y, Q, LEVELS, normalize=v), "normalize"),
    "metrics.crps(average)": (lambda v: metrics.crps(Y, NORMAL, average=v), "average"),
    "metrics.crps_ensemble(fair)": (lambda v: metrics.crps_ensemble(Y, Q, fair=v), "fair"),
    "metrics.log_score(base)": (lambda v: metrics.log_score(Y, NORMAL, base=v), "base"),
    "metrics.pit(random_state)": (lambda v: metrics.pit(Y, NORMAL, random_state=v), "random_state"),
    "metrics.conformal_coverage_distribution(n_calibration)": (
        lambda v: metrics.conformal_coverage_distribution(v, 0.9), "n_calibration"),
    "metrics.conformal_coverage_distribution(confidence_level)": (
        lambda v: metrics.conformal_coverage_distribution(50, v), "confidence_level"),
    "metrics.conformal_coverage_tolerance(n_test)": (
        lambda v: metrics.conformal_coverage_tolerance(50, v, 10, 0.9), "n_test"),
    "metrics.conformal_coverage_tolerance(n_repeats)": (
        lambda v: metrics.conformal_coverage_tolerance(50, 100, v, 0.9), "n_repeats"),
    "metrics.conformal_coverage_tolerance(tail_probability)": (
        lambda v: metrics.conformal_coverage_tolerance(50, 100, 10, 0.9, tail_probability=v), "tail_probability"),
}
SCALAR_CASES = [(t, label) for t in SCALAR_TARGETS for label in SCALAR_CORRUPTIONS]


def _valid_scalar_result(result):
    if hasattr(result, "args") and hasattr(result, "mean"):  # a frozen scipy distribution
        return bool(np.isfinite(result.mean()))
    return no_nan(result) if not isinstance(result, tuple) else all(no_nan(r) for r in result)


@sweep(SCALAR_CASES)
def test_scalar_arguments(case):
    target, label = case
    call, names = SCALAR_TARGETS[target]
    run_case(lambda: call(SCALAR_CORRUPTIONS[label]), names, valid=_valid_scalar_result,
             case=f"{target} / {label}")


# ---------------------------------------------------------------------------- special cases
SPECIAL_CASES = {
    # unseen levels
    "Mondrian group unseen at prediction": (lambda: MONDRIAN.predict_interval(X_NEW, groups=np.full(8, 7.0)),
                                            "groups"),
    "classifier label unseen at calibration": (
        lambda: _fitted("SplitConformalClassifier").conformalize(X_CAL, LABELS_CAL + 10), "y"),
    "groups at prediction only": (lambda: CALIBRATED["SplitConformalRegressor"].predict_interval(
        X_NEW, groups=GROUPS_NEW), "groups"),
    "weights at prediction only": (lambda: CALIBRATED["SplitConformalRegressor"].predict_interval(
        X_NEW, weights=W_NEW), "weights"),
    "events not in {0, 1}": (lambda: _fitted("ConformalDistributionRegressor").conformalize(
        X_CAL, Y_CAL, event=np.full(N, 2.0)), "event"),
    "no observed event": (lambda: _fitted("ConformalDistributionRegressor").conformalize(
        X_CAL, Y_CAL, event=np.zeros(N)), "event"),
    "one Mondrian group too small": (lambda: _fitted("SplitConformalRegressor").conformalize(
        X_CAL, Y_CAL, groups=np.r_[np.zeros(N - 2), np.ones(2)]), ("groups", "group")),
    "calibration too small": (lambda: _fitted("ConformalizedQuantileRegressor").conformalize(X_CAL[:5], Y_CAL[:5]),
                              "confidence_level"),
    "ACI window too small": (lambda: _fitted("AdaptiveConformalRegressor", window=2).conformalize(X_CAL, Y_CAL),
                             "window"),
    "features differ at prediction": (lambda: CALIBRATED["SplitConformalRegressor"].predict(X_NEW[:, :1]), "X"),
    "aggregator level not fitted": (lambda: FITTED_QUANTILE["QuantileAggregator"].predict_quantiles(X_NEW, [0.3]),
                                    "quantiles"),
    "kNN more neighbours than rows": (lambda: _knn(n_neighbors=50).fit(X, Y), "n_neighbors"),
    "aggregator more folds than rows": (lambda: _aggregator(cv=5).fit(X[:4], Y[:4]), "cv"),
    "aggregator cv not a partition": (lambda: _aggregator(cv=[(np.arange(20), np.arange(10))]).fit(X, Y), "cv"),
    "aggregator base models without predict_quantiles": (
        lambda: _aggregator(estimators=[_gbm()]).fit(X, Y), "predict_quantiles"),
    "multi estimator without a level parameter": (
        lambda: _multi(estimator=GradientBoostingRegressor(n_estimators=5)).fit(X, Y), "quantile_param"),
    "CQR prefit with a single model": (lambda: ConformalizedQuantileRegressor([_gbm()], prefit=True).conformalize(
        X_CAL, Y_CAL), "prefit"),
    "classifier y one class": (lambda: SplitConformalClassifier().fit(X, np.zeros(N)), "y"),
    "categorical X through a categorical-aware pipeline": (lambda: _encoded_pipeline_interval(), ()),
    "categorical X through a formula model": (lambda: FORMULA_SCR.predict_interval(FRAME_NEW), ()),
    "formula model: unseen level at prediction": (
        lambda: FORMULA_SCR.predict_interval(FRAME_NEW.assign(g=pd.Categorical(["c"] * 8))), ("g",)),
    "weighted scores all-zero weights": (lambda: weighted_conformal_quantile(np.abs(Y_CAL), np.zeros(N), W_NEW,
                                                                             0.5), "weights"),
}


def _frame(X_):
    return pd.DataFrame({"x": X_[:, 0], "g": pd.Categorical(np.where(X_[:, 1] > 0, "a", "b"))})


FRAME_NEW = _frame(X_NEW)
FORMULA_SCR = SplitConformalRegressor(NormalRegressor.from_formula("y ~ x + g", _frame(X).assign(y=Y)),
                                      prefit=True, confidence_level=CL).conformalize(_frame(X_CAL), Y_CAL)


def _encoded_pipeline_interval():
    """Categorical columns reach a base model that encodes them (allowed: the wrappers pass X on)."""
    from sklearn.compose import make_column_transformer
    from sklearn.linear_model import LinearRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder

    frame, cal = _frame(X), _frame(X_CAL)
    pipe = make_pipeline(make_column_transformer((OneHotEncoder(), ["g"]), remainder="passthrough"),
                         LinearRegression())
    scr = SplitConformalRegressor(pipe, confidence_level=CL).fit(frame, Y).conformalize(cal, Y_CAL)
    return scr.predict_interval(cal.iloc[:3])


SPECIAL_KEYS = sorted(SPECIAL_CASES)


@sweep(SPECIAL_KEYS)
def test_special_cases(key):
    call, names = SPECIAL_CASES[key]
    if names:
        assert run_case(call, names, case=key) == "error", f"{key}: accepted"
    else:
        assert no_nan(call())


# ---------------------------------------------------------------------------- constructor parameters
ESTIMATORS = {
    **{n: (make, lambda est, n=n: _fit_and_calibrate(est, n)) for n, make in WRAPPERS.items()},
    **{n: (make, lambda est: est.fit(X, Y)) for n, make in QUANTILE_MODELS.items()},
    "LikelihoodRatioWeights": (LikelihoodRatioWeights, lambda est: est.fit(X_CAL, X_NEW)),
}


def _fit_and_calibrate(est, name):
    y, y_cal = (LABELS, LABELS_CAL) if name == "SplitConformalClassifier" else (Y, Y_CAL)
    if est.get_params().get("prefit") is True:  # conformalize is the first call, with a fitted model
        fitted = CALIBRATED["ConformalDistributionRegressor" if name == "ConformalizedQuantileRegressor"
                            else name].estimator_
        return est.set_params(estimator=fitted).conformalize(X_CAL, y_cal)
    est.fit(X, y)
    return est if name == "CrossConformalRegressor" else est.conformalize(X_CAL, y_cal)


def _parameters(make):
    import inspect

    return [p for p in inspect.signature(type(make()).__init__).parameters if p != "self"]


PARAMETER_CASES = [(e, p, label) for e, (make, _) in ESTIMATORS.items() for p in _parameters(make)
                   for label in PARAMETER_CORRUPTIONS]


def _valid_estimator(est):
    if isinstance(est, LikelihoodRatioWeights):
        return no_nan(est.predict(X_NEW))
    if isinstance(est, SplitConformalClassifier):
        return no_nan(est.predict_proba(X_NEW))
    return _valid_fit(est)


@sweep(PARAMETER_CASES)
def test_constructor_parameters(case):
    name, param, label = case
    make, fit = ESTIMATORS[name]
    run_case(lambda: fit(make(**{param: PARAMETER_CORRUPTIONS[label]})), param, valid=_valid_estimator,
             case=f"{name}({param}) / {label}")


# ---------------------------------------------------------------------------- coverage of the sweep
def test_every_public_name_is_swept():
    import distreg.conformal
    import distreg.quantile

    swept = " ".join(list(ARRAY_TARGETS) + list(SCALAR_TARGETS) + list(ESTIMATORS))
    # the score classes are reached through conformity_score=, and a warning class takes no input
    public = [n for n in distreg.conformal.__all__ + distreg.quantile.__all__ + metrics.__all__
              if not n.endswith("Score") and n != "InfiniteBoundsWarning"]
    assert [n for n in public if not re.search(rf"\b{n}\b", swept)] == []
