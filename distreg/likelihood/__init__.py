"""The multi-parameter maximum-likelihood engine.

One linear predictor and link per distribution parameter; families describe themselves with a
:class:`LikelihoodSpec` and estimators subclass :class:`LikelihoodRegressor`.
"""

from .engine import Design, LikelihoodFit, maximize_likelihood
from .estimator import LikelihoodRegressor
from .limits import LimitReport
from .spec import LINKS, LikelihoodSpec, Link, Parameter

__all__ = [
    "Design",
    "LINKS",
    "LikelihoodFit",
    "LikelihoodRegressor",
    "LikelihoodSpec",
    "LimitReport",
    "Link",
    "Parameter",
    "maximize_likelihood",
]
