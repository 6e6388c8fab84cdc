"""One-sided local-polynomial fits with their intercept (equivalent-kernel) weights, numba-compiled.

For each column q of an outcome matrix the kernel-weighted least-squares fit

    alpha(q) = argmin_a  sum_i K(u_i) (Y[i, q] - r_p(u_i)' a)^2,   u_i = x_i / h[q],

is computed on one side of zero (``side=1``: x >= 0, ``side=0``: x < 0), with the polynomial
basis r_p(u) = (1, u, ..., u^p) in the *scaled* variable (Fan & Gijbels 1996, ch. 3; the layout of
Van Dijcke 2025, eq. (4)). The intercept weights w_i(q) = e_1' (sum_j K r r')^{-1} r_p(u_i) K(u_i)
give alpha_0(q) = sum_i w_i(q) Y[i, q] and sum to one on the side.

Kernel codes: 1 triangular (1-|u|)_+, 2 Epanechnikov 0.75 (1-u^2)_+, 3 uniform 0.5 1{|u| <= 1}.
"""

import numpy as np
from numba import njit


@njit(cache=True)
def kernel_weight(u, kernel):
    """Kernel value at the scaled distance ``u`` (codes as in the module docstring)."""
    a = abs(u)
    if a > 1.0:
        return 0.0
    if kernel == 1:
        return 1.0 - a
    if kernel == 2:
        return 0.75 * (1.0 - u * u)
    return 0.5


@njit(cache=True)
def _window(xs, hq, side):
    """Index range [lo, hi) of the sorted running variable ``xs`` inside one side's kernel window."""
    if side == 1:
        lo = np.searchsorted(xs, 0.0, side="left")
        hi = np.searchsorted(xs, hq, side="right")
    else:
        lo = np.searchsorted(xs, -hq, side="left")
        hi = np.searchsorted(xs, 0.0, side="left")
    return lo, hi


@njit(cache=True)
def _solve_lu(A, b):
    """Solve A z = b by Gaussian elimination with partial pivoting; info=1 if A is singular."""
    d = A.shape[0]
    M = A.copy()
    z = b.copy()
    scale = 0.0
    for i in range(d):
        for j in range(d):
            scale = max(scale, abs(M[i, j]))
    for k in range(d):
        piv = k
        for i in range(k + 1, d):
            if abs(M[i, k]) > abs(M[piv, k]):
                piv = i
        # relative pivot threshold: a numerically singular moment matrix is reported, not solved
        if abs(M[piv, k]) <= 1e-13 * scale or scale == 0.0:
            return z, 1
        if piv != k:
            for j in range(d):
                t = M[k, j]
                M[k, j] = M[piv, j]
                M[piv, j] = t
            t = z[k]
            z[k] = z[piv]
            z[piv] = t
        for i in range(k + 1, d):
            f = M[i, k] / M[k, k]
            for j in range(k, d):
                M[i, j] -= f * M[k, j]
            z[i] -= f * z[k]
    for k in range(d - 1, -1, -1):
        s = z[k]
        for j in range(k + 1, d):
            s -= M[k, j] * z[j]
        z[k] = s / M[k, k]
    return z, 0


@njit(cache=True)
def locpoly_weights(x, Y, h, p, side, kernel):
    """One-sided local polynomial of order ``p`` at zero for every column of ``Y``.

    Parameters: x (n,) centred running variable; Y (n, m); h (m,) bandwidth per column;
    p order; side 1 (x >= 0) or 0 (x < 0); kernel code.
    Returns alpha (p+1, m) coefficients in the scaled basis, w (n, m) intercept weights (zero
    off-side and outside the kernel support), and info (m,) int: 0 ok, 1 singular system.
    """
    n = x.shape[0]
    m = Y.shape[1]
    d = p + 1
    alpha = np.zeros((d, m))
    w = np.zeros((n, m))
    info = np.zeros(m, dtype=np.int64)
    basis = np.empty(d)
    e1 = np.zeros(d)
    e1[0] = 1.0
    # work on the units sorted by x, each level's outcomes contiguous: every window is a slice
    order = np.argsort(x)
    xs = x[order]
    Ys = np.empty((m, n))
    for t in range(n):
        i = order[t]
        for q in range(m):
            Ys[q, t] = Y[i, q]
    ws = np.zeros((m, n))
    for q in range(m):
        M = np.zeros((d, d))
        rhs = np.zeros(d)
        hq = h[q]
        lo, hi = _window(xs, hq, side)
        for t in range(lo, hi):
            u = xs[t] / hq
            k = kernel_weight(u, kernel)
            if k == 0.0:
                continue
            basis[0] = 1.0
            for j in range(1, d):
                basis[j] = basis[j - 1] * u
            yv = Ys[q, t]
            for a in range(d):
                rhs[a] += k * basis[a] * yv
                for b in range(d):
                    M[a, b] += k * basis[a] * basis[b]
        coef, bad = _solve_lu(M, rhs)
        if bad:
            info[q] = 1
            continue
        for a in range(d):
            alpha[a, q] = coef[a]
        # first row of M^{-1} (M is symmetric, so solving M z = e1 gives it)
        row, _ = _solve_lu(M, e1)
        for t in range(lo, hi):
            u = xs[t] / hq
            k = kernel_weight(u, kernel)
            if k == 0.0:
                continue
            sm = row[0]
            pw = 1.0
            for j in range(1, d):
                pw *= u
                sm += row[j] * pw
            ws[q, t] = sm * k
    for t in range(n):
        i = order[t]
        for q in range(m):
            w[i, q] = ws[q, t]
    return alpha, w, info


@njit(cache=True)
def poly_fitted(x, alpha, h, p):
    """Fitted values r_p(x_i / h[q])' alpha[:, q] for every unit i and column q, shape (n, m)."""
    n = x.shape[0]
    m = alpha.shape[1]
    out = np.empty((n, m))
    for q in range(m):
        for i in range(n):
            u = x[i] / h[q]
            s = alpha[p, q]
            for j in range(p - 1, -1, -1):
                s = s * u + alpha[j, q]
            out[i, q] = s
    return out


@njit(cache=True)
def locpoly_extras(x, h, p, side, kernel, coef):
    """Equivalent-kernel weights of coefficient ``coef`` and leverages of the one-sided fits.

    For each column q (bandwidth h[q]) with M = sum_j K r r': weights
    w_i = e_coef' M^{-1} r_p(u_i) K(u_i) (so alpha_coef = sum_i w_i Y_i) and leverages
    h_ii = K(u_i) r_p(u_i)' M^{-1} r_p(u_i), the diagonal of the local hat matrix. Both (n, m),
    zero off-side and outside the kernel support; columns with a singular M are left at zero.
    """
    n = x.shape[0]
    m = h.shape[0]
    d = p + 1
    wc = np.zeros((n, m))
    lev = np.zeros((n, m))
    basis = np.empty(d)
    Minv = np.empty((d, d))
    order = np.argsort(x)
    xs = x[order]
    for q in range(m):
        M = np.zeros((d, d))
        hq = h[q]
        lo, hi = _window(xs, hq, side)
        for t in range(lo, hi):
            i = order[t]
            u = x[i] / hq
            k = kernel_weight(u, kernel)
            if k == 0.0:
                continue
            basis[0] = 1.0
            for j in range(1, d):
                basis[j] = basis[j - 1] * u
            for a in range(d):
                for b in range(d):
                    M[a, b] += k * basis[a] * basis[b]
        singular = False
        for c in range(d):
            e = np.zeros(d)
            e[c] = 1.0
            col, bad = _solve_lu(M, e)
            if bad:
                singular = True
                break
            for a in range(d):
                Minv[a, c] = col[a]
        if singular:
            continue
        for t in range(lo, hi):
            i = order[t]
            u = x[i] / hq
            k = kernel_weight(u, kernel)
            if k == 0.0:
                continue
            basis[0] = 1.0
            for j in range(1, d):
                basis[j] = basis[j - 1] * u
            s = 0.0
            quad = 0.0
            for a in range(d):
                t = 0.0
                for b in range(d):
                    t += Minv[a, b] * basis[b]
                quad += basis[a] * t
                if a == coef:
                    s = t
            wc[i, q] = s * k
            lev[i, q] = quad * k
    return wc, lev
