"""Plots for distreg's distributions, estimators and diagnostics.

Every function takes ``ax=None`` (a new figure is made when omitted) and returns the matplotlib
Axes. matplotlib is imported only when a plot is drawn, never by ``import distreg``.
"""

from .conformal import plot_coverage_width, plot_intervals_by_x
from .core import plot_distribution, plot_intervals, plot_pit_histogram, plot_quantile_calibration
from .quantile import plot_aggregation_weights, plot_quantile_fan
from .rdd import plot_r3d_boundary, plot_r3d_effects
from .discrete import plot_rootogram, rootogram_table
from .nonparametric import plot_density, plot_ecdf

__all__ = [
    "plot_aggregation_weights",
    "plot_quantile_fan",
    "plot_coverage_width",
    "plot_density",
    "plot_distribution",
    "plot_ecdf",
    "plot_intervals",
    "plot_intervals_by_x",
    "plot_pit_histogram",
    "plot_quantile_calibration",
    "plot_r3d_boundary",
    "plot_r3d_effects",
    "plot_rootogram",
    "rootogram_table",
]
