"""Conformal prediction: finite-sample-valid intervals, sets and distributions around any model.

Follows Angelopoulos & Bates, "A Gentle Introduction to Conformal Prediction and
Distribution-Free Uncertainty Quantification" (2023), and the methods it surveys.
"""

from ._quantile import (
    InfiniteBoundsWarning,
    conformal_quantile,
    conformal_rank,
    n_required,
    weighted_conformal_quantile,
)
from .scores import AbsoluteScore, ConformityScore, GammaScore, NormalizedScore
from .adaptive import AdaptiveConformalRegressor
from .classification import SplitConformalClassifier
from .cqr import ConformalizedQuantileRegressor
from .cross import CrossConformalRegressor
from .distributional import ConformalDistributionRegressor
from .predictive import ConformalPredictiveSystem
from .split import SplitConformalRegressor
from .weights import LikelihoodRatioWeights

__all__ = [
    "AbsoluteScore",
    "AdaptiveConformalRegressor",
    "ConformalDistributionRegressor",
    "ConformalPredictiveSystem",
    "ConformalizedQuantileRegressor",
    "ConformityScore",
    "CrossConformalRegressor",
    "GammaScore",
    "InfiniteBoundsWarning",
    "LikelihoodRatioWeights",
    "NormalizedScore",
    "SplitConformalClassifier",
    "SplitConformalRegressor",
    "conformal_quantile",
    "conformal_rank",
    "n_required",
    "weighted_conformal_quantile",
]
