"""Per-observation Gaussian log-likelihood terms in (η_μ, η_logσ), with score and Hessian.

ℓ = -z²/2 - η_s - log√(2π) with z = (y - μ)/σ, μ = η_μ, σ = exp(η_s).
"""

import numpy as np
from numba import njit

_LOG_SQRT_2PI = 0.5 * np.log(2.0 * np.pi)


@njit(cache=True)
def normal_loglik(y, eta_mu, eta_s, ll, score, hess):
    """Fill ll (n,), score (n, 2) and hess (n, 2, 2) for the Gaussian with log-scale link."""
    n = y.shape[0]
    for i in range(n):
        inv_s = np.exp(-eta_s[i])
        z = (y[i] - eta_mu[i]) * inv_s
        ll[i] = -0.5 * z * z - eta_s[i] - _LOG_SQRT_2PI
        score[i, 0] = z * inv_s
        score[i, 1] = z * z - 1.0
        hess[i, 0, 0] = -inv_s * inv_s
        hess[i, 0, 1] = -2.0 * z * inv_s
        hess[i, 1, 0] = -2.0 * z * inv_s
        hess[i, 1, 1] = -2.0 * z * z
