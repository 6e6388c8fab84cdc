"""The multi-parameter maximum-likelihood engine.

One linear predictor and link per distribution parameter; families describe themselves with a
:class:`LikelihoodSpec` and estimators subclass :class:`LikelihoodRegressor`.
"""

from .._results import LRTestResult, chibar2_sf, likelihood_ratio_test
from .engine import Design, LikelihoodFit, linear_predictors, maximize_likelihood, penalty_strengths
from .estimator import LikelihoodRegressor
from .limits import LimitReport
from .spec import LINKS, LikelihoodSpec, Link, Parameter

__all__ = [
    "Design",
    "LINKS",
    "LikelihoodFit",
    "LRTestResult",
    "LikelihoodRegressor",
    "LikelihoodSpec",
    "LimitReport",
    "Link",
    "Parameter",
    "chibar2_sf",
    "likelihood_ratio_test",
    "linear_predictors",
    "maximize_likelihood",
    "penalty_strengths",
]
