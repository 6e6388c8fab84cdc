"""Fuzz: the nonparametric estimators, the bandwidth selectors and R3D through the bad-input matrix.

Each case corrupts one argument of a valid call (``ARRAY_CORRUPTIONS`` for arrays; the level,
scalar and constructor-parameter corruptions below for the rest) and asks for a
``ValueError``/``TypeError`` whose message names that argument as a whole word, or a valid
result, within a time limit (:func:`tests.fuzz.matrix.assert_clear_or_valid`). A fitted
estimator is valid when its fitted quantities and its predictions are finite; a density is
also non-negative and a distribution function lies in [0, 1].
"""

from __future__ import annotations

import inspect

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from distreg.nonparametric import ECDF, ECOD, KernelDensity, KernelRegression
from distreg.nonparametric import bandwidth as B
from distreg.rdd import R3D, gini_from_quantiles, select_bandwidth

from .matrix import ARRAY_CORRUPTIONS, PARAMETER_CORRUPTIONS, array_cases, run_case

# ---------------------------------------------------------------------------- valid data
RNG = np.random.default_rng(20261203)
N = 30
X1 = RNG.normal(size=N)
X2 = RNG.normal(size=(N, 2))
Y = np.sin(X2[:, 0]) + 0.2 * RNG.normal(size=N)
W = np.linspace(0.5, 1.5, N)
LEVELS = np.array([0.25, 0.5, 0.75])
POINTS1 = np.array([-1.0, 0.0, 0.5])
POINTS2 = X2[:4] + 0.1
# R3D: 40 units with 12 micro outcomes each
U = 40
RX = np.sort(RNG.uniform(-1, 1, U))
SAMPLES = RNG.normal((RX + (RX >= 0))[:, None], 1.0, (U, 12))
SAMPLE_W = RNG.uniform(0.5, 2.0, (U, 12))
QMAT = np.quantile(SAMPLES, LEVELS, axis=1).T
TREAT = ((RX >= 0) ^ (RNG.uniform(size=U) < 0.15)).astype(float)
CLUSTER = np.arange(U) % 8

SCALAR_CORRUPTIONS = {
    "nan": np.nan, "inf": np.inf, "negative": -1, "zero": 0, "huge": 10**12, "fraction": 2.5,
    "text": "10", "list": [5, 6], "bool": True, "none": None,
}
LEVEL_CORRUPTIONS = {
    "zero": 0.0, "one": 1.0, "above one": 1.5, "negative": -0.1, "nan": np.nan, "inf": np.inf,
    "empty": [], "nested": [[0.5]], "text": "0.5", "bool": True, "percent": 95, "none": None,
}


def _finite(*values) -> bool:
    return all(np.all(np.isfinite(np.asarray(v, dtype=float))) for v in values)


def _density_ok(d) -> bool:
    return _finite(d) and bool(np.all(np.asarray(d) >= 0))


def _probability_ok(p) -> bool:
    return _finite(p) and bool(np.all((np.asarray(p) >= 0) & (np.asarray(p) <= 1)))


# ---------------------------------------------------------------------------- fitted models
_FITTED = {}


def fitted(key):
    """Fitted models, built on first use (and once per session)."""
    if key not in _FITTED:
        _FITTED[key] = {
            "kde1": lambda: KernelDensity(kernel="laplacian").fit(X1),
            "kde2": lambda: KernelDensity(bandwidth=[0.4, 0.5]).fit(X2),
            "ecdf1": lambda: ECDF().fit(X1),
            "ecdf2": lambda: ECDF().fit(X2, sample_weight=W),
            "ecod": lambda: ECOD().fit(X2),
            "kr": lambda: KernelRegression(bandwidth=0.5).fit(X2, Y),
            "r3d": lambda: R3D(quantiles=LEVELS, n_boot=0).fit(RX, SAMPLES),
        }[key]()
    return _FITTED[key]


def _valid_kde(est, a):
    return _finite(est.bandwidth_) and _density_ok(est.evaluate(np.atleast_2d(a["X"])[:3]
                                                                 if np.ndim(a["X"]) == 2 else a["X"][:3]))


def _valid_r3d(est, a):
    return _finite(est.tau_, est.m_plus_, est.m_minus_, est.bandwidth_) and (
        est.band_ is None or _finite(est.band_))


# ---------------------------------------------------------------------------- array arguments
# target -> (call(args), valid arguments, names accepted per argument, validity of a result)
ARRAY_TARGETS = {
    # kernel densities: rule-of-thumb and cross-validated bandwidths, a fixed one, weights
    "KernelDensity(scott).fit": (
        lambda a: KernelDensity().fit(a["X"], sample_weight=a["sample_weight"]),
        {"X": X2, "sample_weight": W}, {"X": "X", "sample_weight": "sample_weight"}, _valid_kde),
    "KernelDensity(laplacian, cv_ml).fit": (
        lambda a: KernelDensity(kernel="laplacian", bandwidth="cv_ml").fit(a["X"]),
        {"X": X1}, {"X": "X"}, _valid_kde),
    "KernelDensity(0.5, bounds).fit": (
        lambda a: KernelDensity(bandwidth=0.5, bounds=(-10.0, None)).fit(a["X"], sample_weight=a["sample_weight"]),
        {"X": X1, "sample_weight": W}, {"X": "X", "sample_weight": "sample_weight"}, _valid_kde),
    "KernelDensity.evaluate": (lambda a: fitted("kde1").evaluate(a["points"]), {"points": POINTS1},
                               {"points": "points"}, lambda r, a: _density_ok(r)),
    "KernelDensity(2-D).evaluate": (lambda a: fitted("kde2").evaluate(a["points"]), {"points": POINTS2},
                                    {"points": "points"}, lambda r, a: _density_ok(r)),
    "KernelDensity.score_samples": (lambda a: fitted("kde2").score_samples(a["X"]), {"X": POINTS2}, {"X": "X"},
                                    lambda r, a: not np.isnan(r).any()),
    # empirical distribution functions
    "ECDF.fit": (lambda a: ECDF().fit(a["X"], sample_weight=a["sample_weight"]),
                 {"X": X2, "sample_weight": W}, {"X": "X", "sample_weight": "sample_weight"},
                 lambda est, a: _probability_ok(est.evaluate())),
    "ECDF(1-D).fit": (lambda a: ECDF().fit(a["X"]), {"X": X1}, {"X": "X"},
                      lambda est, a: _probability_ok(est.evaluate()) and _finite(est.quantile([0.1, 0.9]))),
    "ECDF.evaluate": (lambda a: fitted("ecdf2").evaluate(a["points"]), {"points": POINTS2}, {"points": "points"},
                      lambda r, a: _probability_ok(r)),
    "ECDF.sf": (lambda a: fitted("ecdf1").sf(a["points"]), {"points": POINTS1}, {"points": "points"},
                lambda r, a: _probability_ok(r)),
    "ECDF.quantile": (lambda a: fitted("ecdf1").quantile(a["q"]), {"q": LEVELS}, {"q": "q"},
                      lambda r, a: _finite(r)),
    "ECDF.evaluate_on_grid": (lambda a: fitted("ecdf2").evaluate_on_grid(a["axis0"], a["axis1"]),
                              {"axis0": np.linspace(-2, 2, 5), "axis1": np.linspace(-1, 1, 4)},
                              {"axis0": "axes[0]", "axis1": "axes[1]"}, lambda r, a: _probability_ok(r)),
    # outlier scores
    "ECOD.fit": (lambda a: ECOD().fit(a["X"]), {"X": X2}, {"X": "X"},
                 lambda est, a: _finite(est.decision_scores_, est.threshold_, est.skewness_)),
    "ECOD.predict": (lambda a: fitted("ecod").predict(a["X"]), {"X": POINTS2}, {"X": "X"}, lambda r, a: _finite(r)),
    "ECOD.score_samples": (lambda a: fitted("ecod").score_samples(a["X"]), {"X": POINTS2}, {"X": "X"},
                           lambda r, a: _finite(r)),
    # kernel regression
    "KernelRegression(cv).fit": (
        lambda a: KernelRegression().fit(a["X"], a["y"], sample_weight=a["sample_weight"]),
        {"X": X2, "y": Y, "sample_weight": W}, {"X": "X", "y": "y", "sample_weight": "sample_weight"},
        # cv_score_ (in y's units) may overflow to inf for |y| > 1e154; the bandwidth may not
        lambda est, a: _finite(est.bandwidth_) and not np.isnan(est.cv_score_)
        and _finite(est.predict(np.asarray(a["X"])[:3]))),
    "KernelRegression.predict": (lambda a: fitted("kr").predict(a["X"]), {"X": POINTS2}, {"X": "X"},
                                 lambda r, a: _finite(r)),
    # bandwidth selectors
    **{f"bandwidth.{rule}": (
        (lambda rule: lambda a: B.select_bandwidth(a["X"], rule, weights=a["weights"], kernel="laplacian"))(rule),
        {"X": X2 if rule != "isj" else X1, "weights": W}, {"X": "X", "weights": "weights"},
        lambda r, a: _finite(r) and bool(np.all(r > 0))) for rule in B.RULES},
    "bandwidth.cv_ml(start)": (lambda a: B.cv_ml(X2, start=a["start"]), {"start": np.array([0.3, 0.4])},
                               {"start": "start"}, lambda r, a: _finite(r) and bool(np.all(r > 0))),
    # R3D
    "R3D.fit": (
        lambda a: R3D(quantiles=LEVELS, n_boot=20, random_state=0).fit(a["x"], a["samples"], weights=a["weights"],
                                                                       cluster=a["cluster"]),
        {"x": RX, "samples": SAMPLES, "weights": SAMPLE_W, "cluster": CLUSTER},
        {"x": "x", "samples": "samples", "weights": "weights", "cluster": "cluster"}, _valid_r3d),
    "R3D(fuzzy).fit": (
        lambda a: R3D(quantiles=LEVELS, n_boot=20, fuzzy=True, random_state=0).fit(RX, SAMPLES,
                                                                                    treatment=a["treatment"]),
        {"treatment": TREAT}, {"treatment": "treatment"}, _valid_r3d),
    "R3D(frechet).fit_quantiles": (
        lambda a: R3D(method="frechet", n_boot=20, random_state=0).fit_quantiles(a["x"], a["Q"], a["quantiles"]),
        {"x": RX, "Q": QMAT, "quantiles": LEVELS}, {"x": "x", "Q": "Q", "quantiles": "quantiles"}, _valid_r3d),
    "R3D.predict_distribution": (lambda a: fitted("r3d").predict_distribution(a["x"]).ppf(0.5),
                                 {"x": np.array([-0.05, 0.0, 0.05])}, {"x": "x"}, lambda r, a: _finite(r)),
    "R3D.bootstrap": (lambda a: fitted("r3d").bootstrap(a["multipliers"], tests=("nullity",)).band,
                      {"multipliers": np.random.default_rng(1).standard_normal((U, 30))},
                      {"multipliers": "multipliers"}, lambda r, a: _finite(r)),
    "rdd.select_bandwidth": (
        lambda a: select_bandwidth(a["x"], a["Q"], a["quantiles"], treatment=a["treatment"]).h,
        {"x": RX, "Q": QMAT, "quantiles": LEVELS, "treatment": TREAT},
        {"x": "x", "Q": "Q", "quantiles": "quantiles", "treatment": "treatment"},
        lambda r, a: _finite(r) and bool(np.all(r > 0))),
    "gini_from_quantiles": (lambda a: gini_from_quantiles(a["levels"], a["qf"]),
                            {"levels": np.arange(1, 20) / 20, "qf": np.arange(1, 20) / 10},
                            {"levels": "levels", "qf": "qf"},
                            lambda r, a: _finite(r) and bool(np.all((np.asarray(r) >= 0) & (np.asarray(r) <= 1)))),
}
# arguments that hold one row per unit or sample: "empty" and "one row" also cut them together
ROW_ARGUMENTS = ("X", "y", "sample_weight", "weights", "x", "samples", "cluster", "treatment", "Q")
ARRAY_CASES = array_cases(ARRAY_TARGETS, ROW_ARGUMENTS)


def run_array_case(target, arg, label):
    call, args, names, valid = ARRAY_TARGETS[target]
    corrupt = ARRAY_CORRUPTIONS[label]
    a = dict(args)
    if arg == "all rows":
        a.update({k: corrupt(v) for k, v in args.items() if k in ROW_ARGUMENTS})
        accepted = tuple(names[k] for k in args if k in ROW_ARGUMENTS)
    else:
        a[arg] = corrupt(args[arg])
        accepted = (names[arg],)
    check = None if valid is None else (lambda result: valid(result, a))
    return run_case(lambda: call(a), accepted, valid=check, case=f"{target} / {arg} / {label}")


@settings(max_examples=len(ARRAY_CASES), deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(st.sampled_from(ARRAY_CASES))
def test_array_arguments(case):
    run_array_case(*case)


# ---------------------------------------------------------------------------- levels and scalars
SCALAR_TARGETS = {
    # probability levels
    "ECDF.quantile(q)": (lambda v: fitted("ecdf1").quantile(v), "q", "level"),
    "ECDF.confidence_band(confidence_level)": (lambda v: fitted("ecdf1").confidence_band(v), "confidence_level",
                                               "level"),
    "R3D(quantiles)": (lambda v: R3D(quantiles=v, n_boot=0).fit(RX, SAMPLES), "quantiles", "level"),
    "R3D.fit_quantiles(quantiles)": (lambda v: R3D(n_boot=0).fit_quantiles(RX, QMAT[:, :1], v), "quantiles",
                                     "level"),
    "R3D.bootstrap(confidence_level)": (lambda v: fitted("r3d").bootstrap(n_boot=10, confidence_level=v).band,
                                        "confidence_level", "level"),
    "R3D.bootstrap(test_ranges)": (
        lambda v: fitted("r3d").bootstrap(n_boot=10, tests="nullity", test_ranges=v).test_results.p_value,
        "test_ranges", "level"),
    # counts, sizes and other scalars
    "KernelDensity.evaluate_grid(n_points)": (lambda v: fitted("kde1").evaluate_grid(v)[1], "n_points", "scalar"),
    "KernelDensity.sample(n_samples)": (lambda v: fitted("kde2").sample(v, random_state=0), "n_samples", "scalar"),
    "KernelDensity.sample(random_state)": (lambda v: fitted("kde2").sample(3, random_state=v), "random_state",
                                           "scalar"),
    "R3D.bootstrap(n_boot)": (lambda v: fitted("r3d").bootstrap(n_boot=v).band, "n_boot", "scalar"),
    "R3D.bootstrap(random_state)": (lambda v: fitted("r3d").bootstrap(n_boot=10, random_state=v).band,
                                    "random_state", "scalar"),
    "R3D.bootstrap(tests)": (lambda v: fitted("r3d").bootstrap(n_boot=10, tests=v).band, "tests", "scalar"),
    "R3DResults.summary(n_blocks)": (lambda v: fitted("r3d").result_.summary(v).tables[0][1], "n_blocks",
                                     "scalar"),
    "bandwidth.cv_ml(start)": (lambda v: B.cv_ml(X1, start=v), "start", "scalar"),
    "bandwidth.select_bandwidth(rule)": (lambda v: B.select_bandwidth(X1, v), "rule", "scalar"),
    "bandwidth.select_bandwidth(kernel)": (lambda v: B.select_bandwidth(X1, "cv_ml", kernel=v), "kernel", "scalar"),
    "rdd.select_bandwidth(cutoff)": (lambda v: select_bandwidth(RX, QMAT, LEVELS, cutoff=v).h, "cutoff", "scalar"),
    "rdd.select_bandwidth(s)": (lambda v: select_bandwidth(RX, QMAT, LEVELS, s=v).h, "s", "scalar"),
    "rdd.select_bandwidth(method)": (lambda v: select_bandwidth(RX, QMAT, LEVELS, method=v).h, "method", "scalar"),
    "rdd.select_bandwidth(rule)": (lambda v: select_bandwidth(RX, QMAT, LEVELS, rule=v).h, "rule", "scalar"),
    "rdd.select_bandwidth(coverage_correction)": (
        lambda v: select_bandwidth(RX, QMAT, LEVELS, coverage_correction=v).h, "coverage_correction", "scalar"),
}
SCALAR_CASES = [(t, label) for t, (_, _, kind) in SCALAR_TARGETS.items()
                for label in (LEVEL_CORRUPTIONS if kind == "level" else SCALAR_CORRUPTIONS)]


def _valid_scalar_result(result):
    if isinstance(result, (R3D,)):
        return _valid_r3d(result, None)
    if isinstance(result, tuple):  # confidence_band: x, lower, upper
        return _finite(*result)
    return not np.isnan(np.asarray(result, dtype=float)).any()


def run_scalar_case(target, label):
    call, name, kind = SCALAR_TARGETS[target]
    value = (LEVEL_CORRUPTIONS if kind == "level" else SCALAR_CORRUPTIONS)[label]
    return run_case(lambda: call(value), name, valid=_valid_scalar_result, case=f"{target} / {label}")


@settings(max_examples=len(SCALAR_CASES), deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(st.sampled_from(SCALAR_CASES))
def test_levels_and_scalar_arguments(case):
    run_scalar_case(*case)


# ---------------------------------------------------------------------------- constructor parameters
ESTIMATORS = {
    "KernelDensity": (KernelDensity, lambda est: est.fit(X2),
                      lambda est: _valid_kde(est, {"X": X2})),
    "ECDF": (ECDF, lambda est: est.fit(X2), lambda est: _probability_ok(est.evaluate())),
    "ECOD": (ECOD, lambda est: est.fit(X2), lambda est: _finite(est.decision_scores_)),
    "KernelRegression": (KernelRegression, lambda est: est.fit(X2, Y), lambda est: _finite(est.predict(X2[:3]))),
    "R3D": (lambda **kw: R3D(**{"quantiles": LEVELS, "n_boot": 10, "random_state": 0, **kw}),
            lambda est: est.fit(RX, SAMPLES, treatment=TREAT if est.fuzzy is True else None),
            lambda est: _valid_r3d(est, None)),
}
PARAMETERS = {
    "KernelDensity": ["kernel", "bandwidth", "method", "bounds", "n_jobs"],
    "ECDF": ["n_jobs"],
    "ECOD": ["contamination"],
    "KernelRegression": ["kernel", "bandwidth", "n_jobs"],
    "R3D": ["cutoff", "method", "p", "s", "kernel", "bandwidth", "bandwidth_den", "quantiles", "fuzzy", "n_boot",
            "confidence_level", "tests", "test_ranges", "coverage_correction", "vce", "compat", "random_state"],
}
PARAMETER_CASES = [(e, p, label) for e, params in PARAMETERS.items() for p in params
                   for label in PARAMETER_CORRUPTIONS]


def run_parameter_case(name, param, label):
    make, fit, valid = ESTIMATORS[name]
    return run_case(lambda: fit(make(**{param: PARAMETER_CORRUPTIONS[label]})), param, valid=valid,
                    case=f"{name}({param}) / {label}")


@settings(max_examples=len(PARAMETER_CASES), deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(st.sampled_from(PARAMETER_CASES))
def test_constructor_parameters(case):
    run_parameter_case(*case)


def test_every_parameter_is_swept():
    for name, (make, _, _) in ESTIMATORS.items():
        cls = type(make())
        params = [p for p in inspect.signature(cls.__init__).parameters if p != "self"]
        assert sorted(params) == sorted(PARAMETERS[name]), name


# ---------------------------------------------------------------------------- pandas input
FRAME = pd.DataFrame({"a": X2[:, 0], "b": X2[:, 1]})
CATEGORICAL = FRAME.assign(b=pd.Categorical(np.where(X2[:, 1] > 0, "hi", "lo")))
TEXT = FRAME.assign(b=np.where(X2[:, 1] > 0, "hi", "lo"))
LONG = pd.DataFrame({"unit": np.repeat(np.arange(U), 12), "x": np.repeat(RX, 12), "y": SAMPLES.ravel()})

PANDAS_CASES = {
    # categorical and text columns: the shared error, naming the column, everywhere
    "KernelDensity.fit / categorical": (lambda: KernelDensity().fit(CATEGORICAL), ("b",)),
    "KernelDensity.fit / text": (lambda: KernelDensity().fit(TEXT), ("b",)),
    "ECDF.fit / categorical": (lambda: ECDF().fit(CATEGORICAL), ("b",)),
    "ECOD.fit / text": (lambda: ECOD().fit(TEXT), ("b",)),
    "KernelRegression.fit / categorical X": (lambda: KernelRegression(bandwidth=0.5).fit(CATEGORICAL, Y), ("b",)),
    "KernelRegression.fit / categorical y": (
        lambda: KernelRegression(bandwidth=0.5).fit(FRAME, pd.Series(pd.Categorical(np.sign(Y)))), ("y",)),
    "KernelDensity.evaluate / categorical": (lambda: fitted("kde2").evaluate(CATEGORICAL), ("b",)),
    "ECOD.predict / categorical": (lambda: ECOD().fit(FRAME).predict(CATEGORICAL), ("b",)),
    "bandwidth.scott / categorical": (lambda: B.scott(CATEGORICAL), ("b",)),
    "R3D.from_frame / categorical outcome": (
        lambda: R3D.from_frame(LONG.assign(y=pd.Categorical(np.sign(LONG.y))), unit="unit", running="x",
                               outcome="y", n_boot=0), ("y",)),
    "R3D.from_frame / text running": (
        lambda: R3D.from_frame(LONG.assign(x=LONG.x.astype(str)), unit="unit", running="x", outcome="y",
                               n_boot=0), ("x",)),
    "R3D.from_frame / unknown column": (
        lambda: R3D.from_frame(LONG, unit="unit", running="margin", outcome="y", n_boot=0), ("running",)),
    "R3D.from_frame / not a frame": (
        lambda: R3D.from_frame(LONG.to_numpy(), unit="unit", running="x", outcome="y", n_boot=0), ("df",)),
    "R3D.fit / categorical x": (
        lambda: R3D(n_boot=0).fit(pd.Series(pd.Categorical(np.sign(RX))), SAMPLES), ("x",)),
    # valid pandas input: fitted, with the same numbers as the arrays
    "KernelDensity.fit / numbers": (lambda: KernelDensity().fit(FRAME).evaluate(FRAME.iloc[:3]), ()),
    "R3D.from_frame / categorical unit ids": (
        lambda: R3D.from_frame(LONG.assign(unit=pd.Categorical(LONG.unit)), unit="unit", running="x",
                               outcome="y", n_boot=0).tau_, ()),
}
PANDAS_KEYS = sorted(PANDAS_CASES)


@settings(max_examples=len(PANDAS_KEYS), deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(st.sampled_from(PANDAS_KEYS))
def test_pandas_input(key):
    call, names = PANDAS_CASES[key]
    if names:
        kind = run_case(call, names, case=key)
        assert kind == "error", f"{key}: accepted"
    else:
        assert _finite(call())


def test_valid_pandas_input_gives_the_array_numbers():
    np.testing.assert_allclose(KernelDensity().fit(FRAME).evaluate(FRAME.iloc[:3]),
                               KernelDensity().fit(X2).evaluate(X2[:3]), rtol=1e-14)
    np.testing.assert_allclose(
        R3D.from_frame(LONG.assign(unit=pd.Categorical(LONG.unit)), unit="unit", running="x", outcome="y",
                       quantiles=LEVELS, n_boot=0).tau_,
        R3D(quantiles=LEVELS, n_boot=0).fit(RX, SAMPLES).tau_, rtol=1e-14)


@pytest.mark.parametrize("sweep", ["array", "scalar", "parameter"])
def test_the_matrix_is_not_empty(sweep):
    # guards against a refactoring that silently drops cases from the sweeps above
    sizes = {"array": (ARRAY_CASES, 600), "scalar": (SCALAR_CASES, 150), "parameter": (PARAMETER_CASES, 200)}
    cases, at_least = sizes[sweep]
    assert len(cases) >= at_least and len(set(cases)) == len(cases)
