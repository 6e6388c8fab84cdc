"""Quantile regression ensembles and aggregation (Fakoor et al. 2023, JMLR 24).

Base models that predict many quantile levels at once, a weighted aggregator of any number of
quantile models, and monotone rearrangement of predicted quantiles.
"""

from ._noncrossing import make_noncrossing
from .aggregator import QuantileAggregator
from .knn import KNeighborsQuantileRegressor
from .linear import LinearQuantileRegressor
from .multi import MultiQuantileRegressor

__all__ = [
    "KNeighborsQuantileRegressor",
    "LinearQuantileRegressor",
    "MultiQuantileRegressor",
    "QuantileAggregator",
    "make_noncrossing",
]
