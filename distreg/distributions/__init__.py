"""Vectorised predictive distributions (one distribution per row).

See :class:`Distribution` for the shape rule shared by every method.
"""

from ._base import ContinuousDistribution, DiscreteDistribution, Distribution
from ._registry import register_example, registered_examples
from .apgw import APGW
from .empirical import Empirical
from .mixture import Mixture
from .normal import LogNormal, Normal
from .quantile_function import QuantileFunction

__all__ = [
    "APGW",
    "ContinuousDistribution",
    "DiscreteDistribution",
    "Distribution",
    "Empirical",
    "LogNormal",
    "Mixture",
    "Normal",
    "QuantileFunction",
    "register_example",
    "registered_examples",
]
