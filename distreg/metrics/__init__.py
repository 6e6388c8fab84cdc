"""Proper scores and calibration measures for distributional predictions.

Every score is negatively oriented (lower is better), takes ``sample_weight`` and returns the
weighted mean over observations (``average=False`` gives one value per observation).
"""

from .calibration import pit, randomized_quantile_residuals
from .conformal import (
    conformal_coverage_distribution,
    conformal_coverage_tolerance,
    group_coverage,
    mean_set_size,
    set_coverage,
)
from .intervals import coverage, interval_score, mean_interval_width, weighted_interval_score
from .quantiles import crps_quantiles, pinball_loss
from .scoring import crps, crps_ensemble, log_score, ranked_probability_score

__all__ = [
    "conformal_coverage_distribution",
    "conformal_coverage_tolerance",
    "coverage",
    "crps",
    "crps_ensemble",
    "crps_quantiles",
    "group_coverage",
    "interval_score",
    "log_score",
    "mean_interval_width",
    "mean_set_size",
    "pinball_loss",
    "pit",
    "randomized_quantile_residuals",
    "ranked_probability_score",
    "set_coverage",
    "weighted_interval_score",
]
