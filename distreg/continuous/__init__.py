"""Continuous-response regression families."""

from .normal import NormalRegressor

__all__ = ["NormalRegressor"]
