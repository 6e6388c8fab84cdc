"""Linear binning onto regular grids: the first step of FFT kernel density estimation.

Each weight is split between the two nearest grid nodes in proportion to proximity
(Wand & Jones 1995, Appendix D; Fan & Marron 1994). Points outside the grid are clipped to the
end nodes; callers choose a grid that covers the data.
"""

import numpy as np
from numba import njit


@njit(cache=True)
def linear_binning_1d(x, w, lo, delta, n):
    """Linearly binned weights on the grid ``lo + delta * arange(n)``, shape (n,)."""
    out = np.zeros(n)
    for i in range(x.shape[0]):
        t = (x[i] - lo) / delta
        if t <= 0.0:
            out[0] += w[i]
        elif t >= n - 1:
            out[n - 1] += w[i]
        else:
            j = int(t)
            f = t - j
            out[j] += (1.0 - f) * w[i]
            out[j + 1] += f * w[i]
    return out


@njit(cache=True)
def _node(v, lo, delta, n):
    t = (v - lo) / delta
    if t <= 0.0:
        return 0, 0.0
    if t >= n - 1:
        return n - 2, 1.0
    j = int(t)
    return j, t - j


@njit(cache=True)
def linear_binning_2d(X, w, lo, delta, n):
    """Bilinearly binned weights on a regular 2-D grid, shape (n[0], n[1])."""
    out = np.zeros((n[0], n[1]))
    for i in range(X.shape[0]):
        j0, f0 = _node(X[i, 0], lo[0], delta[0], n[0])
        j1, f1 = _node(X[i, 1], lo[1], delta[1], n[1])
        out[j0, j1] += (1 - f0) * (1 - f1) * w[i]
        out[j0 + 1, j1] += f0 * (1 - f1) * w[i]
        out[j0, j1 + 1] += (1 - f0) * f1 * w[i]
        out[j0 + 1, j1 + 1] += f0 * f1 * w[i]
    return out
