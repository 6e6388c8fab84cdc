"""distreg: distributional regression in Python.

Every model answers "what is the whole distribution of y given x?". Public names are loaded
lazily (PEP 562), so ``import distreg`` imports neither matplotlib nor scikit-learn nor numba.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

# public name -> module that defines it
_LAZY = {
    "IntegerRegressor": "distreg.discrete",
    "NormalRegressor": "distreg.continuous",
    "SplitConformalRegressor": "distreg.conformal",
    "CrossConformalRegressor": "distreg.conformal",
    "ConformalizedQuantileRegressor": "distreg.conformal",
    "ConformalPredictiveSystem": "distreg.conformal",
    "ConformalDistributionRegressor": "distreg.conformal",
    "AdaptiveConformalRegressor": "distreg.conformal",
    "SplitConformalClassifier": "distreg.conformal",
    "R3D": "distreg.rdd",
    "FlexibleSurvivalRegressor": "distreg.survival",
    "KaplanMeier": "distreg.survival",
    "ECDF": "distreg.nonparametric",
    "ECOD": "distreg.nonparametric",
    "KernelDensity": "distreg.nonparametric",
    "KernelRegression": "distreg.nonparametric",
    "KNeighborsQuantileRegressor": "distreg.quantile",
    "LinearQuantileRegressor": "distreg.quantile",
    "MultiQuantileRegressor": "distreg.quantile",
    "QuantileAggregator": "distreg.quantile",
}

_SUBMODULES = (
    "continuous",
    "conformal",
    "datasets",
    "discrete",
    "distributions",
    "exceptions",
    "likelihood",
    "metrics",
    "nonparametric",
    "plotting",
    "quantile",
    "rdd",
    "survival",
)

__all__ = sorted([*_LAZY, *_SUBMODULES, "__version__"])


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        module = importlib.import_module(f"distreg.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'distreg' has no attribute {name!r}")


def __dir__():
    return __all__
