"""Regression discontinuity with distribution-valued outcomes (Van Dijcke 2025, "R3D").

:class:`R3D` estimates local average quantile treatment effects at a cutoff from units that each
carry a whole sample of micro outcomes; :func:`select_bandwidth` exposes the bandwidth plug-in.
"""

from ._bandwidth import BandwidthSelection, select_bandwidth
from ._estimator import R3D
from ._inference import R3DInference, gini_from_quantiles
from ._results import R3DResults

__all__ = ["R3D", "BandwidthSelection", "R3DInference", "R3DResults", "gini_from_quantiles",
           "select_bandwidth"]
