"""Every public estimator declares the allowed values of every constructor parameter in one place.

``distreg._params.ValidatedParams`` checks ``_parameter_constraints`` at the start of ``fit``;
this module checks that each public estimator derives from it and covers each ``__init__``
parameter, and that an out-of-range value is refused at fit with a message that names the
parameter, before any computation (the data here would fit).
"""

from __future__ import annotations

import importlib
import inspect

import numpy as np
import pytest
from sklearn.base import BaseEstimator

from distreg._params import ValidatedParams
from distreg.exceptions import InvalidParameterError

SUBPACKAGES = ("continuous", "conformal", "discrete", "nonparametric", "quantile", "rdd", "survival")


def public_estimators():
    found = {}
    for sub in SUBPACKAGES:
        module = importlib.import_module(f"distreg.{sub}")
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isclass(obj) and issubclass(obj, BaseEstimator) and not inspect.isabstract(obj):
                found[name] = obj
    return found


ESTIMATORS = public_estimators()


def init_parameters(cls):
    sig = inspect.signature(cls.__init__)
    return [p for p in list(sig.parameters)[1:]
            if sig.parameters[p].kind not in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)]


def test_the_public_estimators_are_found():
    assert {"NormalRegressor", "IntegerRegressor", "FlexibleSurvivalRegressor", "KaplanMeier",
            "SplitConformalRegressor", "KernelDensity", "ECDF", "R3D",
            "QuantileAggregator"} <= set(ESTIMATORS)


@pytest.mark.parametrize("name", sorted(ESTIMATORS))
def test_every_parameter_has_constraints(name):
    cls = ESTIMATORS[name]
    if not init_parameters(cls):  # the abstract likelihood base takes *args/**kwargs
        pytest.skip("no named parameters")
    assert issubclass(cls, ValidatedParams), f"{name} must derive from distreg._params.ValidatedParams"
    missing = [p for p in init_parameters(cls) if p not in cls._parameter_constraints]
    assert not missing, f"{name}: no entry in _parameter_constraints for {missing}"
    extra = [p for p in cls._parameter_constraints if p not in init_parameters(cls)]
    assert not extra, f"{name}: _parameter_constraints names unknown parameters {extra}"


@pytest.mark.parametrize("name", sorted(ESTIMATORS))
def test_defaults_satisfy_the_constraints(name):
    cls = ESTIMATORS[name]
    if not init_parameters(cls):
        pytest.skip("no named parameters")
    sig = inspect.signature(cls.__init__)
    required = [p for p in init_parameters(cls) if sig.parameters[p].default is inspect.Parameter.empty]
    if required:
        pytest.skip(f"needs {required}")
    cls()._validate_parameters()


# (estimator, bad keyword, value): each must be refused at fit, naming the keyword
RX = np.random.default_rng(0)
X = RX.normal(size=(60, 2))
Y = 1.0 + X[:, 0] + RX.normal(size=60)
BAD = [
    ("IntegerRegressor", {"distribution": "poisson", "max_iter": -1}),
    ("NormalRegressor", {"point": "mode"}),
    ("NormalRegressor", {"penalizer": -1.0}),
    ("NormalRegressor", {"tol": float("nan")}),
    ("FlexibleSurvivalRegressor", {"scale": "log"}),
    ("KernelDensity", {"bandwidth": True}),
    ("KernelDensity", {"kernel": "box"}),
]


@pytest.mark.parametrize("name, kwargs", BAD, ids=[f"{n}-{next(iter(k.items()))[0]}" for n, k in BAD])
def test_bad_parameter_refused_at_fit(name, kwargs):
    est = ESTIMATORS[name](**kwargs)  # construction never validates (scikit-learn's convention)
    bad = [k for k in kwargs if k != "distribution"][0]
    y = np.abs(np.round(Y)) if name == "IntegerRegressor" else np.exp(Y) if name == "FlexibleSurvivalRegressor" else Y
    with pytest.raises(InvalidParameterError, match=rf"{name}: {bad} must be"):
        est.fit(X[:, :1] if name == "KernelDensity" else X, None if name == "KernelDensity" else y)
