"""Monotonisation of estimated quantile functions over the level grid."""

from __future__ import annotations

import numpy as np

__all__ = ["rearrange", "rearrange_r3d", "isotonic"]


def rearrange(levels, values):
    """Monotone rearrangement on a grid (Chernozhukov, Fernandez-Val & Galichon 2010): sorting.

    Examples
    --------
    >>> rearrange(np.array([0.1, 0.5, 0.9]), np.array([1.0, 3.0, 2.0]))
    array([1., 2., 3.])
    """
    return np.sort(np.asarray(values, dtype=float))


def rearrange_r3d(levels, values, n_grid=1000):
    """R3D's rearrangement (``Rearrangement::rearrangement``): the linear interpolant of the
    values over the rescaled levels is evaluated at ``n_grid + 1`` equispaced points, and its
    empirical quantiles (type 7) are read at the rescaled levels. Close to, but not exactly,
    sorting; offered to reproduce the R package.

    Examples
    --------
    >>> rearrange_r3d(np.array([0.1, 0.5, 0.9]), np.array([1.0, 3.0, 2.0])).round(3)
    array([1.   , 2.332, 3.   ])
    """
    levels = np.asarray(levels, dtype=float)
    nx = (levels - levels.min()) / (levels.max() - levels.min())
    fine = np.interp(np.arange(n_grid + 1) / n_grid, nx, np.asarray(values, dtype=float))
    return np.quantile(fine, nx)


def isotonic(values):
    """L2 projection onto non-decreasing sequences with equal weights (pool adjacent violators);
    rows of a 2-D array are projected separately.

    Examples
    --------
    >>> isotonic(np.array([1.0, 3.0, 2.0, 4.0]))
    array([1. , 2.5, 2.5, 4. ])
    """
    from .._kernels.isotonic import pava, pava_rows

    v = np.ascontiguousarray(values, dtype=float)
    if v.ndim == 1:
        return pava(v, np.ones(v.size))
    return pava_rows(v, np.ones(v.shape[1]))
