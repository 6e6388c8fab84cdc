"""Pool-adjacent-violators (weighted isotonic regression), numba-compiled.

Solves min Σ w_i (y_i - f_i)² subject to f_1 <= ... <= f_n in O(n) (Ayer et al. 1955; Best &
Chakravarti 1990). Used for monotone rearrangement of quantile curves (R3D's Fréchet method,
quantile aggregation's ``noncrossing="pav"``).
"""

import numpy as np
from numba import njit


@njit(cache=True)
def pava(y, w):
    """Weighted non-decreasing isotonic fit of ``y`` (1-D) with positive weights ``w``."""
    n = y.shape[0]
    level = np.empty(n)
    weight = np.empty(n)
    count = np.empty(n, dtype=np.int64)
    k = -1
    for i in range(n):
        k += 1
        level[k] = y[i]
        weight[k] = w[i]
        count[k] = 1
        # merge backwards while the last two blocks violate monotonicity
        while k > 0 and level[k - 1] > level[k]:
            tw = weight[k - 1] + weight[k]
            level[k - 1] = (weight[k - 1] * level[k - 1] + weight[k] * level[k]) / tw
            weight[k - 1] = tw
            count[k - 1] += count[k]
            k -= 1
    out = np.empty(n)
    pos = 0
    for b in range(k + 1):
        for _ in range(count[b]):
            out[pos] = level[b]
            pos += 1
    return out


@njit(cache=True)
def pava_rows(Y, w):
    """Row-wise :func:`pava` of a 2-D array with a common weight vector."""
    out = np.empty_like(Y)
    for i in range(Y.shape[0]):
        out[i] = pava(Y[i], w)
    return out
