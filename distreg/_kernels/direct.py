"""Direct O(n k) product-kernel sums, for kernels without a fast exact algorithm.

``S(z) = sum_j w_j prod_c k((z_c - x_jc) / h_c)`` with unnormalised kernels (k(0) = 1):
gaussian exp(-t^2/2), epanechnikov (1 - t^2)_+, uniform [|t| <= 1], laplacian exp(-|t|),
matern32 (1 + |t|) exp(-|t|). Parallel over the queries.
"""

import numpy as np
from numba import njit, prange

GAUSSIAN = 0
EPANECHNIKOV = 1
UNIFORM = 2
LAPLACIAN = 3
MATERN32 = 4


@njit(cache=True)
def _log_kernel(kind, t):
    # log k(t); -inf outside a compact support
    if kind == GAUSSIAN:
        return -0.5 * t * t
    a = abs(t)
    if kind == EPANECHNIKOV:
        return np.log(1.0 - t * t) if a < 1.0 else -np.inf
    if kind == UNIFORM:
        return 0.0 if a <= 1.0 else -np.inf
    if kind == LAPLACIAN:
        return -a
    return np.log1p(a) - a


@njit(cache=True, parallel=True)
def direct_kernel_sums(X, w, Q, h, kind):
    """Kernel sums at the query points ``Q`` (k, d) by direct summation, shape (k, m)."""
    n, d = X.shape
    k = Q.shape[0]
    m = w.shape[1]
    out = np.zeros((k, m))
    for qi in prange(k):
        for j in range(n):
            lk = 0.0
            for c in range(d):
                lk += _log_kernel(kind, (Q[qi, c] - X[j, c]) / h[c])
                if lk == -np.inf:
                    break
            if lk > -745.2:
                e = np.exp(lk)
                for col in range(m):
                    out[qi, col] += e * w[j, col]
    return out
