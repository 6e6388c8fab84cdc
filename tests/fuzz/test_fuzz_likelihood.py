"""Fuzz: the likelihood estimators, the survival helpers and the formula path through the bad-input matrix.

Each case corrupts one argument of a valid call (``ARRAY_CORRUPTIONS`` for arrays, the scalar and
constructor-parameter corruptions below for the rest) and asks for a ``ValueError``/``TypeError``
whose message names that argument, or a valid result, within a time limit
(:func:`tests.fuzz.matrix.assert_clear_or_valid`). Here a message names an argument only as a
whole word (``X`` in "Expected" does not count), and a fitted model is valid when its
coefficients and its predictions on the data it was fitted on are free of NaN.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from distreg import FlexibleSurvivalRegressor, IntegerRegressor, KaplanMeier, NormalRegressor
from distreg.continuous.normal import NormalSpec
from distreg.datasets import load_veteran
from distreg.exceptions import ConvergenceWarning, NumericalWarning
from distreg.likelihood import Design, maximize_likelihood
from distreg.likelihood.survival_terms import survival_data
from distreg.survival import compare_special_cases, profile_kappa

from .matrix import ARRAY_CORRUPTIONS, PARAMETER_CORRUPTIONS, array_cases, no_nan, run_case

# ---------------------------------------------------------------------------- valid data
RNG = np.random.default_rng(20261202)
N = 30
X = RNG.normal(size=(N, 2))
Y_CONT = 1.0 + X[:, 0] + 0.5 * RNG.normal(size=N)
Y_COUNT = RNG.poisson(np.exp(0.5 + 0.3 * X[:, 0]) * RNG.gamma(1.0, 1.0, size=N)).astype(float)  # NB2, α = 1
TIME = np.exp(0.5 + 0.3 * X[:, 0]) * RNG.weibull(1.5, size=N)
EVENT = (RNG.uniform(size=N) < 0.8).astype(float)
ENTRY = 0.2 * TIME
WEIGHTS = np.linspace(0.5, 1.5, N)
LEVELS = np.array([0.1, 0.5, 0.9])
FRAME = pd.DataFrame({"y": Y_CONT, "count": Y_COUNT, "time": TIME, "event": EVENT, "x": X[:, 0],
                      "g": pd.Categorical(np.where(X[:, 1] > 0, "a", "b"))})

SCALAR_CORRUPTIONS = {
    "nan": np.nan, "inf": np.inf, "negative": -1.0, "zero": 0.0, "huge": 1e300, "text": "1",
    "list": [0.5, 0.9], "bool": True, "none": None,
}

# ---------------------------------------------------------------------------- fitted models
FITTED = {
    "normal": NormalRegressor(scale_covariates=True).fit(X, Y_CONT),
    "negbin": IntegerRegressor("negbin").fit(X, Y_COUNT),
    "dalap": IntegerRegressor("dalap").fit(X, Y_COUNT),
    "weibull": FlexibleSurvivalRegressor("weibull").fit(X, np.column_stack([TIME, EVENT])),
}
FORMULA = NormalRegressor.from_formula("y ~ x + g", FRAME, scale_formula="~ g")
KM = KaplanMeier().fit(TIME, EVENT)


def _valid_fit(model, X_used):
    """A fitted model: coefficients and predictions on its own X without NaN."""
    coefs = getattr(model, "coef_", {})
    coef_ok = all(no_nan(c) for c in (coefs.values() if isinstance(coefs, dict) else [coefs]))
    return coef_ok and no_nan(model.predict(X_used))


# ---------------------------------------------------------------------------- array arguments
def _fit_target(make, y, extra=None):
    """(call, valid arguments, names per argument, validity) of ``make().fit(X, y, ...)``."""
    extra = extra or {}

    def call(a):
        kwargs = {k: a[k] for k in extra}
        return make().fit(a["X"], a["y"], sample_weight=a["sample_weight"], **kwargs)

    args = {"X": X, "y": y, "sample_weight": WEIGHTS, **extra}
    names = {k: k for k in args}
    if np.ndim(y) == 2:  # a (time, event) response: its errors name the column
        names["y"] = ("y", "time", "event")
    return call, args, names, lambda m, a: _valid_fit(m, a["X"])


def _predict_target(method, **args):
    """(call, arguments, names, None) of ``method(**args)`` on a fitted model (X first)."""
    return (lambda a: method(**a)), {"X": X, **args}, {k: k for k in ["X", *args]}, None


def _maximize(a):
    ones = np.ones((N, 1))
    fit = maximize_likelihood(NormalSpec(), [Design(ones, ["Intercept"], 0), Design(ones, ["Intercept"], 0)],
                              {"y": a["y"]}, a["weights"], warn=False)
    return fit.coef


def _survival_data(a):
    if "lower" in a:
        return survival_data(lower=a["lower"], upper=a["upper"])
    return survival_data(a["time"], a["event"], entry=a["entry"])


SURVIVAL_Y = np.column_stack([TIME, EVENT])
# profile_kappa needs an APGW fit with an interior κ: the veteran data give one (30 rows do not)
VETERAN = load_veteran()
VET_X, VET_Y, VET_W = VETERAN[["karno"]].to_numpy(), VETERAN[["time", "event"]].to_numpy(), np.ones(len(VETERAN))
FITTED_APGW = FlexibleSurvivalRegressor("apgw").fit(VET_X, VET_Y)
ARRAY_TARGETS = {
    "NormalRegressor.fit": _fit_target(lambda: NormalRegressor(scale_covariates=True), Y_CONT),
    "IntegerRegressor(poisson).fit": _fit_target(lambda: IntegerRegressor("poisson"), Y_COUNT,
                                                 {"exposure": np.full(N, 2.0)}),
    "IntegerRegressor(negbin).fit": _fit_target(lambda: IntegerRegressor("negbin"), Y_COUNT),
    "IntegerRegressor(dalap).fit": _fit_target(lambda: IntegerRegressor("dalap"), Y_COUNT),
    "IntegerRegressor(bitwise).fit": _fit_target(lambda: IntegerRegressor("bitwise"), Y_COUNT),
    "FlexibleSurvivalRegressor.fit": _fit_target(lambda: FlexibleSurvivalRegressor("weibull"), SURVIVAL_Y,
                                                 {"entry": ENTRY}),
    "KaplanMeier.fit": (lambda a: KaplanMeier().fit(a["time"], a["event"], entry=a["entry"],
                                                   sample_weight=a["sample_weight"]),
                        {"time": TIME, "event": EVENT, "entry": ENTRY, "sample_weight": WEIGHTS},
                        {"time": "time", "event": "event", "entry": "entry", "sample_weight": "sample_weight"},
                        lambda m, a: no_nan(m.survival_function_["survival"]) and no_nan(m.predict(TIME))),
    "survival_data(time, event, entry)": (_survival_data, {"time": TIME, "event": EVENT, "entry": ENTRY},
                                          {"time": "time", "event": "event", "entry": "entry"}, None),
    "survival_data(lower, upper)": (_survival_data, {"lower": TIME, "upper": 1.5 * TIME},
                                    {"lower": "lower", "upper": "upper"}, None),
    "maximize_likelihood": (_maximize, {"y": Y_CONT, "weights": WEIGHTS},
                            {"y": ("y", "data"), "weights": "weights"}, None),
    # predictions of fitted models
    "NormalRegressor.predict": _predict_target(FITTED["normal"].predict),
    "NormalRegressor.predict_quantiles": _predict_target(FITTED["normal"].predict_quantiles, quantiles=LEVELS),
    "NormalRegressor.predict_interval": _predict_target(FITTED["normal"].predict_interval,
                                                        confidence_level=np.array([0.5, 0.9])),
    "NormalRegressor.score": _predict_target(FITTED["normal"].score, y=Y_CONT, sample_weight=WEIGHTS),
    "NormalRegressor.predict_parameters": _predict_target(FITTED["normal"].predict_parameters),
    "IntegerRegressor.predict": _predict_target(FITTED["negbin"].predict, exposure=np.full(N, 2.0)),
    "IntegerRegressor.predict_pmf": _predict_target(FITTED["negbin"].predict_pmf, values=np.array([0.0, 1.0, 2.0])),
    "IntegerRegressor.score": _predict_target(FITTED["negbin"].score, y=Y_COUNT, sample_weight=WEIGHTS),
    "IntegerRegressor(dalap).predict_quantiles": _predict_target(FITTED["dalap"].predict_quantiles, quantiles=LEVELS),
    "FlexibleSurvivalRegressor.predict": _predict_target(FITTED["weibull"].predict),
    "FlexibleSurvivalRegressor.predict_survival_function": _predict_target(
        FITTED["weibull"].predict_survival_function, times=np.array([0.5, 1.0, 2.0])),
    "FlexibleSurvivalRegressor.predict_hazard": _predict_target(FITTED["weibull"].predict_hazard,
                                                                times=np.array([0.5, 1.0, 2.0])),
    "FlexibleSurvivalRegressor.score": (lambda a: FITTED["weibull"].score(a["X"], a["y"]), {"X": X, "y": SURVIVAL_Y},
                                        {"X": "X", "y": ("y", "time", "event")}, None),
    "KaplanMeier.predict": (lambda a: KM.predict(a["times"]), {"times": np.array([0.5, 1.0, 2.0])},
                            {"times": "times"}, None),
    "profile_kappa": (lambda a: profile_kappa(FITTED_APGW, a["X"], a["y"], sample_weight=a["sample_weight"]),
                      {"X": VET_X, "y": VET_Y, "sample_weight": VET_W},
                      {"X": "X", "y": ("y", "time", "event"), "sample_weight": "sample_weight"}, None),
}
# arguments that hold one value per row: "empty" and "one row" also cut all of them together
ROW_ARGUMENTS = ("X", "y", "sample_weight", "time", "event", "entry", "exposure", "lower", "upper", "weights")
ARRAY_CASES = array_cases(ARRAY_TARGETS, ROW_ARGUMENTS)


def _run_array_case(target, arg, label):
    call, args, names, valid = ARRAY_TARGETS[target]
    corrupt = ARRAY_CORRUPTIONS[label]
    a = dict(args)
    if arg == "all rows":
        a.update({k: corrupt(v) for k, v in args.items() if k in ROW_ARGUMENTS})
        accepted = tuple(n for k in args if k in ROW_ARGUMENTS for n in np.atleast_1d(names[k])) + ("n_samples",)
    else:
        a[arg] = corrupt(args[arg])
        accepted = tuple(np.atleast_1d(names[arg]))
    check = None if valid is None else (lambda result: valid(result, a))
    return run_case(lambda: call(a), [str(n) for n in accepted], valid=check, case=f"{target} / {arg} / {label}")


@settings(max_examples=len(ARRAY_CASES), deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(st.sampled_from(ARRAY_CASES))
def test_array_arguments(case):
    _run_array_case(*case)


# ---------------------------------------------------------------------------- scalar arguments
SCALAR_TARGETS = {
    "predict_rmst(tau)": (lambda v: FITTED["weibull"].predict_rmst(X, v), "tau"),
    "predict_median(confidence_level)": (
        lambda v: FITTED["weibull"].predict_median(X, return_ci=True, confidence_level=v), "confidence_level"),
    "predict_survival_function(return_ci)": (
        lambda v: FITTED["weibull"].predict_survival_function(X, [1.0], return_ci=v), "return_ci"),
    "predict_interval(confidence_level)": (lambda v: FITTED["negbin"].predict_interval(X, v), "confidence_level"),
    "profile_kappa(confidence_level)": (lambda v: profile_kappa(FITTED_APGW, VET_X, VET_Y, confidence_level=v),
                                        "confidence_level"),
    "profile_kappa(model)": (lambda v: profile_kappa(v, X, np.column_stack([TIME, EVENT])), "model"),
    "compare_special_cases(scale)": (
        lambda v: compare_special_cases(X, np.column_stack([TIME, EVENT]), scale=v, shape_covariates=False),
        "scale"),
    # an empty X: a valid flag goes on to refuse X before any of the eight fits (fast)
    "compare_special_cases(shape_covariates)": (
        lambda v: compare_special_cases(X[:0], np.column_stack([TIME, EVENT]), shape_covariates=v),
        ("shape_covariates", "X")),
    "maximize_likelihood(max_iter)": (
        lambda v: _maximize_option(max_iter=v), "max_iter"),
    "maximize_likelihood(tol)": (lambda v: _maximize_option(tol=v), "tol"),
    "maximize_likelihood(l1_ratio)": (lambda v: _maximize_option(l1_ratio=v, penalty=0.1), "l1_ratio"),
    "maximize_likelihood(penalty)": (lambda v: _maximize_option(penalty=v), ("penalty", "penalizer")),
}


def _maximize_option(**options):
    D = np.column_stack([np.ones(N), X[:, 0]])
    fit = maximize_likelihood(NormalSpec(), [Design(D, ["Intercept", "x"], 0), Design(np.ones((N, 1)), ["Intercept"], 0)],
                              {"y": Y_CONT}, warn=False, **options)
    return fit.coef


SCALAR_CASES = [(t, label) for t in SCALAR_TARGETS for label in SCALAR_CORRUPTIONS]


@settings(max_examples=len(SCALAR_CASES), deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(st.sampled_from(SCALAR_CASES))
def test_scalar_arguments(case):
    target, label = case
    call, names = SCALAR_TARGETS[target]
    run_case(lambda: call(SCALAR_CORRUPTIONS[label]), names, case=f"{target} / {label}")


# ---------------------------------------------------------------------------- constructor parameters
ESTIMATORS = {
    "NormalRegressor": (NormalRegressor, lambda est: est.fit(X, Y_CONT)),
    "IntegerRegressor": (lambda **kw: IntegerRegressor(**{"distribution": "poisson", **kw}),
                         lambda est: est.fit(X, Y_COUNT)),
    "FlexibleSurvivalRegressor": (lambda **kw: FlexibleSurvivalRegressor(**{"distribution": "weibull", **kw}),
                                  lambda est: est.fit(X, np.column_stack([TIME, EVENT]))),
    "KaplanMeier": (KaplanMeier, lambda est: est.fit(TIME, EVENT)),
}
PARAMETERS = {
    "NormalRegressor": ["scale_covariates", "point", "max_iter", "tol", "penalizer", "l1_ratio"],
    "IntegerRegressor": ["distribution", "n_components", "support", "shape_covariates", "zero_covariates",
                         "location_link", "point", "max_iter", "tol", "penalizer", "l1_ratio"],
    "FlexibleSurvivalRegressor": ["distribution", "scale", "shape_covariates", "point", "max_iter", "tol",
                                  "penalizer", "l1_ratio"],
    "KaplanMeier": ["confidence_level"],
}
PARAMETER_CASES = [(e, p, label) for e, params in PARAMETERS.items() for p in params
                   for label in PARAMETER_CORRUPTIONS]


def _valid_estimator(est):
    if isinstance(est, KaplanMeier):
        return no_nan(est.survival_function_["survival"])
    return _valid_fit(est, X)


@settings(max_examples=len(PARAMETER_CASES), deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(st.sampled_from(PARAMETER_CASES))
def test_constructor_parameters(case):
    name, param, label = case
    make, fit = ESTIMATORS[name]
    run_case(lambda: fit(make(**{param: PARAMETER_CORRUPTIONS[label]})), param, valid=_valid_estimator,
             case=f"{name}({param}) / {label}")


def test_every_parameter_is_swept():
    import inspect

    for name, (make, _) in ESTIMATORS.items():
        cls = type(make())
        params = [p for p in inspect.signature(cls.__init__).parameters if p != "self"]
        assert sorted(params) == sorted(PARAMETERS[name]), name


# ---------------------------------------------------------------------------- the formula path
def _frame_with(column, values):
    return FRAME.assign(**{column: values})


def _normal(formula, **kw):
    return lambda frame: NormalRegressor.from_formula(formula, frame, **kw)


def _poisson(formula):
    return lambda frame: IntegerRegressor.from_formula(formula, frame, distribution="poisson")


def _weibull(**kw):
    return lambda frame: FlexibleSurvivalRegressor.from_formula("~ x + g", frame, distribution="weibull",
                                                                time="time", event="event", **kw)


def _predict(frame):
    return lambda _: FORMULA.predict_interval(frame)


STRING_EVENT = pd.Categorical(np.where(EVENT > 0, "dead", "alive"))
# case -> (call(frame), frame, names an error must contain; () where the call must succeed)
FORMULA_CASES = {
    "fit / nan in x": (_normal("y ~ x + g"), _frame_with("x", ARRAY_CORRUPTIONS["nan"](FRAME.x)), ("missing values",)),
    "fit / inf in x": (_normal("y ~ x + g"), _frame_with("x", ARRAY_CORRUPTIONS["inf"](FRAME.x)), ("x",)),
    "fit / huge x": (_normal("y ~ x + g"), _frame_with("x", ARRAY_CORRUPTIONS["huge"](FRAME.x)), ("x",)),
    "fit / text x (encoded as categories)": (_normal("y ~ x + g"), _frame_with("x", FRAME.x.round(1).astype(str)), ()),
    "fit / categorical g (encoded)": (_normal("y ~ x + g"), FRAME, ()),
    "fit / text g (encoded)": (_normal("y ~ x + g"), _frame_with("g", FRAME.g.astype(str)), ()),
    "fit / constant g": (_normal("y ~ x + g"), _frame_with("g", "a"), ()),
    "fit / categorical response": (_normal("y ~ x"), _frame_with("y", ARRAY_CORRUPTIONS["categorical"](FRAME.y.to_numpy())),
                                   ("y",)),
    "fit / text response": (_normal("y ~ x"), _frame_with("y", FRAME.y.astype(str)), ("y",)),
    "fit / inf response": (_normal("y ~ x"), _frame_with("y", ARRAY_CORRUPTIONS["inf"](FRAME.y)), ("y",)),
    "fit / constant response": (_normal("y ~ x + g"), _frame_with("y", 1.0), ("y",)),
    "fit / empty": (_normal("y ~ x + g"), FRAME.iloc[:0], ("y", "X", "n_samples")),
    "fit / one row": (_normal("y ~ x + g"), FRAME.iloc[:1], ("n_samples",)),
    "fit / numpy data": (_normal("y ~ x"), FRAME.to_numpy(), ("data",)),
    "fit / unknown column": (_normal("y ~ zz"), FRAME, ("zz",)),
    "fit / unknown scale column": (_normal("y ~ x", scale_formula="~ zz"), FRAME, ("zz",)),
    "fit / unknown keyword": (_normal("y ~ x", bogus=1), FRAME, ("bogus",)),
    "fit / bad parameter": (_normal("y ~ x", max_iter=-1), FRAME, ("max_iter",)),
    "fit / bad weights": (_normal("y ~ x", sample_weight=-WEIGHTS), FRAME, ("sample_weight",)),
    "fit / non-integer count": (_poisson("y ~ x"), FRAME, ("y",)),
    "fit / negative count": (_poisson("count ~ x"), _frame_with("count", -FRAME["count"] - 1), ("y",)),
    "fit / counts with categorical g (encoded)": (_poisson("count ~ x + g"), FRAME, ()),
    "fit / survival with categorical g (encoded)": (_weibull(), FRAME, ()),
    "fit / survival zero time": (_weibull(), _frame_with("time", 0.0), ("time",)),
    "fit / survival event 2": (_weibull(), _frame_with("event", 2.0), ("event",)),
    "fit / survival text event": (_weibull(), _frame_with("event", STRING_EVENT), ("event",)),
    "fit / survival missing column": (_weibull(), FRAME.drop(columns="time"), ("time",)),
    "fit / survival entry after time": (_weibull(entry="start"), FRAME.assign(start=FRAME.time * 2), ("entry",)),
    "predict / unseen level": (_predict(pd.DataFrame({"x": [0.0], "g": ["c"]})), None, ("g",)),
    "predict / unseen categorical level": (_predict(pd.DataFrame({"x": [0.0, 1.0], "g": pd.Categorical(["a", "zz"])})),
                                           None, ("g",)),
    "predict / missing column": (_predict(pd.DataFrame({"x": [0.0]})), None, ("g",)),
    "predict / nan": (_predict(pd.DataFrame({"x": [np.nan], "g": ["a"]})), None, ("missing values",)),
    "predict / inf": (_predict(pd.DataFrame({"x": [np.inf], "g": ["a"]})), None, ("x",)),
    "predict / numpy": (_predict(X), None, ("X",)),
    "predict / known levels in another order": (_predict(pd.DataFrame({"x": [0.0, 1.0], "g": ["b", "a"]})), None, ()),
}
FORMULA_KEYS = sorted(FORMULA_CASES)


def _valid_formula_result(result, frame):
    return _valid_fit(result, frame) if hasattr(result, "coef_") else no_nan(result)


@settings(max_examples=len(FORMULA_KEYS), deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(st.sampled_from(FORMULA_KEYS))
def test_formula_path(key):
    call, frame, names = FORMULA_CASES[key]
    if names:
        run_case(lambda: call(frame), names, valid=lambda r: _valid_formula_result(r, frame), case=f"formula {key}")
    else:  # valid data: encoded, fitted and predicted
        assert _valid_formula_result(call(frame), frame), key


# ---------------------------------------------------------------------------- degenerate samples
SAME_TIME = np.column_stack([np.full(N, 2.0), np.ones(N)])
NO_EVENTS = np.column_stack([TIME, np.zeros(N)])
# case -> (call, names an error must contain; () where the documented answer is a fit)
DEGENERATE_CASES = {
    "NormalRegressor constant y": (lambda: NormalRegressor().fit(X, np.full(N, 3.0)), ("y",)),
    "NormalRegressor y constant where weighted": (
        lambda: NormalRegressor().fit(X, np.r_[Y_CONT[:1], np.full(N - 1, 3.0)],
                                      sample_weight=np.r_[0.0, np.ones(N - 1)]), ("y",)),
    "NormalRegressor one row": (lambda: NormalRegressor().fit(X[:1], Y_CONT[:1]), ("n_samples",)),
    "NormalRegressor constant X": (lambda: NormalRegressor().fit(np.ones((N, 2)), Y_CONT), ()),
    "poisson all zeros": (lambda: IntegerRegressor("poisson").fit(X, np.zeros(N)), ("y",)),
    "zinb all zeros": (lambda: IntegerRegressor("zinb").fit(X, np.zeros(N)), ("y",)),
    "dnormal log link all zeros": (lambda: IntegerRegressor("dnormal", location_link="log").fit(X, np.zeros(N)),
                                   ("y",)),
    "poisson constant counts": (lambda: IntegerRegressor("poisson").fit(X, np.full(N, 3.0)), ()),
    "negbin constant counts (Poisson limit)": (lambda: IntegerRegressor("negbin").fit(X, np.full(N, 3.0)), ()),
    "danorm constant integers (a point mass)": (lambda: IntegerRegressor("danorm").fit(X, np.full(N, -2.0)), ()),
    "bitwise all zeros (a point mass)": (lambda: IntegerRegressor("bitwise").fit(X, np.zeros(N)), ()),
    "negbin one row": (lambda: IntegerRegressor("negbin").fit(X[:1], [2.0]), ("n_samples",)),
    "weibull no events": (lambda: FlexibleSurvivalRegressor("weibull").fit(X, NO_EVENTS), ("event",)),
    "apgw no events": (lambda: FlexibleSurvivalRegressor("apgw").fit(X, NO_EVENTS), ("event",)),
    "weibull identical times (threshold limit)": (lambda: FlexibleSurvivalRegressor("weibull").fit(X, SAME_TIME), ()),
    "weibull one row": (lambda: FlexibleSurvivalRegressor("weibull").fit(X[:1], SAME_TIME[:1]), ("n_samples",)),
    "KaplanMeier one row": (lambda: KaplanMeier().fit([2.0], [1.0]), ()),
    "KaplanMeier no events": (lambda: KaplanMeier().fit(TIME, np.zeros(N)), ()),
}
DEGENERATE_KEYS = sorted(DEGENERATE_CASES)


@settings(max_examples=len(DEGENERATE_KEYS), deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(st.sampled_from(DEGENERATE_KEYS))
def test_degenerate_samples(key):
    call, names = DEGENERATE_CASES[key]
    if names:
        run_case(call, names, case=key)
        return
    # the documented answer: a fit (any limit it runs into is reported with a warning) whose
    # predictions are finite
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", NumericalWarning)
        model = call()
    if isinstance(model, KaplanMeier):
        assert no_nan(model.survival_function_["survival"]) and no_nan(model.predict(TIME))
    else:
        assert _valid_fit(model, X) and np.all(np.isfinite(model.predict(X[:3])))


def test_the_unseen_level_message_names_column_and_level():
    with pytest.raises(ValueError, match=r"column 'g' has the level 'c', a categorical level that the model "
                                         r"was not fitted with \(fitted levels: 'a', 'b'\)"):
        FORMULA.predict(pd.DataFrame({"x": [0.0], "g": ["c"]}))
