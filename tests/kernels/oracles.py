"""Slow, obviously correct numpy versions of the numba kernels (chunked brute force)."""

import numpy as np


def _chunks(k, size=256):
    for start in range(0, k, size):
        yield slice(start, min(k, start + size))


def ecdf_1d(x, w, t, side):
    """sum_j w_j [x_j REL t_i] for REL in (<=, <, >=, >) = side 0..3."""
    rel = [np.less_equal, np.less, np.greater_equal, np.greater][side]
    out = np.empty((len(t), w.shape[1]))
    for sl in _chunks(len(t)):
        out[sl] = rel(x[None, :], t[sl, None]).astype(float) @ w
    return out


def ecdf_nd(X, w, T, strict=False):
    """sum_j w_j [X_j <= T_i componentwise] (< if strict)."""
    rel = np.less if strict else np.less_equal
    out = np.empty((len(T), w.shape[1]))
    for sl in _chunks(len(T)):
        ind = np.all(rel(X[None, :, :], T[sl, None, :]), axis=2)
        out[sl] = ind.astype(float) @ w
    return out


def ecdf_grid(X, w, axes):
    mesh = np.meshgrid(*axes, indexing="ij")
    T = np.column_stack([g.ravel() for g in mesh])
    return ecdf_nd(X, w, T)


def expo_kernel(X, w, T, h, coefs):
    """sum_j w_j prod_c exp(-t_c) poly(t_c), t_c = |T_ic - X_jc| / h_c."""
    out = np.empty((len(T), w.shape[1]))
    for sl in _chunks(len(T)):
        t = np.abs(T[sl, None, :] - X[None, :, :]) / h
        poly = np.polynomial.polynomial.polyval(np.minimum(t, 1e6), coefs)
        K = np.exp(-t.sum(axis=2)) * np.prod(poly, axis=2)
        out[sl] = K @ w
    return out


def direct_kernel(X, w, T, h, kind):
    def k(u):
        a = np.abs(u)
        return {
            "gaussian": lambda: np.exp(-0.5 * u * u),
            "epanechnikov": lambda: np.where(a < 1, 1 - u * u, 0.0),
            "uniform": lambda: (a <= 1).astype(float),
            "laplacian": lambda: np.exp(-a),
            "matern32": lambda: (1 + a) * np.exp(-a),
        }[kind]()

    out = np.empty((len(T), w.shape[1]))
    for sl in _chunks(len(T)):
        u = (T[sl, None, :] - X[None, :, :]) / h
        out[sl] = np.prod(k(u), axis=2) @ w
    return out


def linear_binning_1d(x, w, lo, delta, n):
    grid = lo + delta * np.arange(n)
    out = np.zeros(n)
    for xi, wi in zip(x, w):
        xi = min(max(xi, grid[0]), grid[-1])
        # hat function weights on every node
        out += wi * np.maximum(0.0, 1 - np.abs(xi - grid) / delta)
    return out
