"""Conformal prediction: finite-sample-valid intervals, sets and distributions around any model.

Follows Angelopoulos & Bates, "A Gentle Introduction to Conformal Prediction and
Distribution-Free Uncertainty Quantification" (2023), and the methods it surveys.
"""

from ._quantile import conformal_quantile, conformal_rank, n_required, weighted_conformal_quantile
from .scores import AbsoluteScore, ConformityScore, GammaScore, NormalizedScore
from .cqr import ConformalizedQuantileRegressor
from .cross import CrossConformalRegressor
from .predictive import ConformalPredictiveSystem
from .split import SplitConformalRegressor

__all__ = [
    "AbsoluteScore",
    "ConformalPredictiveSystem",
    "ConformalizedQuantileRegressor",
    "ConformityScore",
    "CrossConformalRegressor",
    "GammaScore",
    "NormalizedScore",
    "SplitConformalRegressor",
    "conformal_quantile",
    "conformal_rank",
    "n_required",
    "weighted_conformal_quantile",
]
