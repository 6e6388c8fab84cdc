"""Vectorised predictive distributions (one distribution per row).

See :class:`Distribution` for the shape rule shared by every method.
"""

from ._base import ContinuousDistribution, DiscreteDistribution, Distribution
from ._registry import register_example, registered_examples
from .apgw import APGW
from .bitwise import Bitwise
from .counts import GeneralizedPoisson, NegativeBinomial, Poisson
from .dalap import Dalap
from .danorm import Danorm
from .discretized import DiscretizedLaplace, DiscretizedNormal
from .empirical import Empirical
from .inflated import Hurdle, ZeroInflated
from .mixture import Mixture
from .normal import LogNormal, Normal
from .quantile_function import QuantileFunction

__all__ = [
    "APGW",
    "Bitwise",
    "ContinuousDistribution",
    "Dalap",
    "Danorm",
    "DiscreteDistribution",
    "DiscretizedLaplace",
    "DiscretizedNormal",
    "Distribution",
    "Empirical",
    "GeneralizedPoisson",
    "Hurdle",
    "LogNormal",
    "Mixture",
    "NegativeBinomial",
    "Normal",
    "Poisson",
    "QuantileFunction",
    "register_example",
    "registered_examples",
    "ZeroInflated",
]
