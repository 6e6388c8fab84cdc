"""Cross products of a multi-parameter design: the engine's observed-information assembly.

The likelihood engine stacks the design matrices of the free parameters into one matrix M
(n × p) and records the parameter of each column in ``par``. Given the per-row Hessian of the
log-likelihood in the linear predictors, h (n, P, P), the Hessian in the coefficients is

    H[k, l] = Σ_i w_i h[i, par[k], par[l]] M[i, k] M[i, l].

One pass over the rows computes every block at once; BLAS, block by block, reads M once per
block and is memory-bound for the tall, narrow designs of regression (n ≫ p).
"""

import numpy as np
from numba import njit, prange

_CHUNK = 4096


@njit(cache=True, parallel=True)
def design_hessian(M, par, h, w, out):
    """Fill out (p, p) with Σ_i w_i h[i, par[k], par[l]] M[i, k] M[i, l] (symmetric)."""
    n, p = M.shape
    n_chunks = (n + _CHUNK - 1) // _CHUNK
    partial = np.zeros((n_chunks, p, p))
    for c in prange(n_chunks):
        acc = partial[c]
        for i in range(c * _CHUNK, min(n, (c + 1) * _CHUNK)):
            wi = w[i]
            for k in range(p):
                a = wi * M[i, k]
                hk = par[k]
                for m in range(k, p):
                    acc[k, m] += a * h[i, hk, par[m]] * M[i, m]
    # summing the chunks in a fixed order keeps the result independent of the thread count
    for k in range(p):
        for m in range(k, p):
            s = 0.0
            for c in range(n_chunks):
                s += partial[c, k, m]
            out[k, m] = s
            out[m, k] = s


@njit(cache=True, parallel=True)
def design_eta(M, par, beta, eta_t):
    """Add the linear predictors to eta_t (P, n): eta_t[par[k], i] += M[i, k] β_k."""
    n, p = M.shape
    for c in prange((n + _CHUNK - 1) // _CHUNK):
        for i in range(c * _CHUNK, min(n, (c + 1) * _CHUNK)):
            for k in range(p):
                eta_t[par[k], i] += M[i, k] * beta[k]


@njit(cache=True, parallel=True)
def design_gradient(M, par, score, w, out):
    """Fill out (p,) with Σ_i w_i score[i, par[k]] M[i, k] (the chain rule through η)."""
    n, p = M.shape
    n_chunks = (n + _CHUNK - 1) // _CHUNK
    partial = np.zeros((n_chunks, p))
    for c in prange(n_chunks):
        acc = partial[c]
        for i in range(c * _CHUNK, min(n, (c + 1) * _CHUNK)):
            wi = w[i]
            for k in range(p):
                acc[k] += wi * score[i, par[k]] * M[i, k]
    for k in range(p):
        s = 0.0
        for c in range(n_chunks):
            s += partial[c, k]
        out[k] = s
