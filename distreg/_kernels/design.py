"""Products with a multi-parameter design: the engine's η, gradient and observed information.

The likelihood engine stacks the design matrices of the free parameters into one matrix M
(n × p) and records the parameter of each column in ``par``. Then

    η[j, i]  = offset[j, i] + Σ_{k: par[k] = j} M[i, k] β_k,
    g[k]     = Σ_i w_i s[i, par[k]] M[i, k]                      (s = ∂ℓ_i/∂η_i),
    H[k, l]  = Σ_i w_i h[i, par[k], par[l]] M[i, k] M[i, l]      (h = ∂²ℓ_i/∂η_i∂η_i').

Each kernel is one pass over the rows of M. BLAS, parameter by parameter and block by block,
reads M once per block; for the tall, narrow designs of regression (n ≫ p) that is memory-bound
and several times slower. The kernels are serial: they are limited by memory bandwidth, and
threads gained little on two cores while adding start-up and compile time.
"""

import numpy as np
from numba import njit


@njit(cache=True)
def design_eta(M, par, beta, eta_t):
    """Add the linear predictors to eta_t (P, n): eta_t[par[k], i] += M[i, k] β_k."""
    n, p = M.shape
    for i in range(n):
        for k in range(p):
            eta_t[par[k], i] += M[i, k] * beta[k]


@njit(cache=True)
def design_gradient(M, par, score, w, out):
    """Fill out (p,) with Σ_i w_i score[i, par[k]] M[i, k] (the chain rule through η)."""
    n, p = M.shape
    for k in range(p):
        out[k] = 0.0
    for i in range(n):
        wi = w[i]
        for k in range(p):
            out[k] += wi * score[i, par[k]] * M[i, k]


@njit(cache=True)
def design_hessian(M, par, h, w, out):
    """Fill out (p, p) with Σ_i w_i h[i, par[k], par[l]] M[i, k] M[i, l] (symmetric)."""
    n, p = M.shape
    for k in range(p):
        for m in range(p):
            out[k, m] = 0.0
    for i in range(n):
        wi = w[i]
        for k in range(p):
            a = wi * M[i, k]
            hk = par[k]
            for m in range(k, p):
                out[k, m] += a * h[i, hk, par[m]] * M[i, m]
    for k in range(p):
        for m in range(k + 1, p):
            out[m, k] = out[k, m]
