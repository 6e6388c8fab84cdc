"""Flexible parametric survival analysis (APGW multi-parameter regression) and Kaplan–Meier."""

from .compare import compare_special_cases
from .flexible import FlexibleSurvivalRegressor
from .kaplan_meier import KaplanMeier
from .profile import KappaProfile, profile_kappa

__all__ = ["FlexibleSurvivalRegressor", "KappaProfile", "KaplanMeier", "compare_special_cases", "profile_kappa"]
