"""Flexible parametric survival analysis (APGW multi-parameter regression) and Kaplan–Meier."""

from .compare import compare_special_cases
from .flexible import FlexibleSurvivalRegressor
from .kaplan_meier import KaplanMeier

__all__ = ["FlexibleSurvivalRegressor", "KaplanMeier", "compare_special_cases"]
