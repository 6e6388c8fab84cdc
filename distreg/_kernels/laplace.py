"""Exact sums of exponential-polynomial product kernels: Laplacian, Matérn-3/2, Matérn-7/2.

``S(z) = sum_j w_j prod_c k(|z_c - x_jc| / h_c)`` with ``k(t) = exp(-t) sum_r c_r t^r``:

* ``LAPLACE``   c = [1]               k(t) = exp(-t)
* ``MATERN32``  c = [1, 1]            k(t) = (1 + t) exp(-t)
* ``MATERN72``  c = [1, 1, 2/5, 1/15] k(t) = (1 + t + 2t^2/5 + t^3/15) exp(-t)

The kernels are unnormalised (k(0) = 1); one-dimensional normalising constants are 2, 4 and 6.4.
MATERN32/4 is the self-convolution of the normalised Laplacian exp(-|t|)/2, and MATERN72/6.4 that
of the normalised Matérn-3/2 (1 + |t|) exp(-|t|)/4 (compare Fourier transforms: (1 + w^2)^-1
squared is (1 + w^2)^-2, and (1 + w^2)^-2 squared is (1 + w^2)^-4), which makes least-squares
cross-validation exact.

Langrené & Warin (2021), Section 4: these kernels factor on each side of a point, so the sums
reduce to ECDF-type sums that the divide-and-conquer engine computes exactly in
O(n log^(d-1) n) (d = 2 Laplacian: a dedicated merge-sort sweep in ``laplace_2d``).
"""

import numpy as np
from numba import njit

from distreg._kernels.dominance import MODE_KERNEL, dominance_sums
from distreg._kernels.laplace_2d import laplace_sums_2d

LAPLACE = np.array([1.0])
MATERN32 = np.array([1.0, 1.0])
MATERN72 = np.array([1.0, 1.0, 0.4, 1.0 / 15.0])
_LEAF = 256


@njit(cache=True)
def expo_kernel_sums_at_samples(X, w, h, coefs, n_threads=1):
    """Kernel sums at every sample point (the point itself included), shape (n, m).

    ``n_threads`` parallelises the d = 2 Laplacian path.
    """
    n, d = X.shape
    if d == 2 and coefs.shape[0] == 1:
        return laplace_sums_2d(X, w, np.arange(n), n, h, n_threads)
    order = np.argsort(X[:, 0], kind="mergesort")
    Xs = X[order]
    sub = dominance_sums(Xs, w[order], Xs, h, d, coefs, MODE_KERNEL, False, _LEAF)
    out = np.empty_like(sub)
    for t in range(n):
        out[order[t]] = sub[t]
    return out


@njit(cache=True)
def expo_kernel_sums(X, w, Q, h, coefs, n_threads=1):
    """Kernel sums at query points ``Q`` (k, d), shape (k, m); see ``n_threads`` above."""
    n, d = X.shape
    k = Q.shape[0]
    m = w.shape[1]
    if d == 2 and coefs.shape[0] == 1:
        P = np.empty((n + k, 2))
        P[:n] = X
        P[n:] = Q
        Wall = np.zeros((n + k, m))
        Wall[:n] = w
        slot = np.empty(n + k, np.int64)
        slot[:n] = -1
        slot[n:] = np.arange(k)
        return laplace_sums_2d(P, Wall, slot, k, h, n_threads)
    od = np.argsort(X[:, 0], kind="mergesort")
    oq = np.argsort(Q[:, 0], kind="mergesort")
    sub = dominance_sums(X[od], w[od], Q[oq], h, d, coefs, MODE_KERNEL, False, _LEAF)
    out = np.empty_like(sub)
    for t in range(k):
        out[oq[t]] = sub[t]
    return out


@njit(cache=True)
def _nw_weights(w, y):
    n = w.shape[0]
    r = y.shape[1]
    W = np.empty((n, r + 1))
    for i in range(n):
        W[i, 0] = w[i]
        for c in range(r):
            W[i, c + 1] = w[i] * y[i, c]
    return W


@njit(cache=True)
def nadaraya_watson_sums(X, y, w, Q, h, coefs):
    """Nadaraya-Watson denominator (k,) and numerator (k, r) at queries ``Q``, in one pass.

    ``y`` has shape (n, r); the estimate is ``numerator / denominator[:, None]``.
    """
    S = expo_kernel_sums(X, _nw_weights(w, y), Q, h, coefs)
    return S[:, 0].copy(), S[:, 1:].copy()


@njit(cache=True)
def nadaraya_watson_loo_sums(X, y, w, h, coefs):
    """Exact leave-one-out Nadaraya-Watson denominator (n,) and numerator (n, r) at the samples.

    The kernel sums at the sample points include the point itself with kernel value k(0) = 1 in
    every coordinate; subtracting ``w_i`` and ``w_i y_i`` removes it exactly.
    """
    S = expo_kernel_sums_at_samples(X, _nw_weights(w, y), h, coefs)
    n = X.shape[0]
    r = y.shape[1]
    den = np.empty(n)
    num = np.empty((n, r))
    for i in range(n):
        den[i] = S[i, 0] - w[i]
        for c in range(r):
            num[i, c] = S[i, c + 1] - w[i] * y[i, c]
    return den, num
