"""Integer-output distributional regression (Maat & Bloem, arXiv 2602.10751) and count models."""

from .integer import DISTRIBUTIONS, IntegerRegressor

__all__ = ["DISTRIBUTIONS", "IntegerRegressor"]
