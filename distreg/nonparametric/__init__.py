"""Nonparametric distribution estimates: exact fast ECDFs, kernel densities, kernel regression
and ECDF-based outlier scores.

The numerical cores live in :mod:`distreg._kernels` (numba) and implement Langrené & Warin (2021):
exact multivariate ECDFs in O(n log^(d-1) n) and, through them, exact kernel sums for the
Laplacian and Matérn-3/2 kernels.
"""

from . import bandwidth
from .ecdf import ECDF
from .ecod import ECOD
from .kde import KernelDensity
from .regression import KernelRegression

__all__ = ["ECDF", "ECOD", "KernelDensity", "KernelRegression", "bandwidth"]
