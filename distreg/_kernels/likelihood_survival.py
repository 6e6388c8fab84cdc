"""Log hazard and cumulative hazard of the APGW family with derivatives in the linear predictors.

Adapted power generalised Weibull (Burke, Jones & Noufaily 2020, JRSS C 69(2), Section 2;
arXiv 1901.03212): with u = (φt)^γ and c = κ + 1,

    h(t) = λ γ φ^γ t^(γ-1) (1 + u/c)^(κ-1),
    H(t) = λ c / κ · ((1 + u/c)^κ - 1)  (= λ log(1 + u) at κ = 0).

The linear predictors are η_λ = log λ, η_φ = log φ, η_γ = log γ and η_κ = log(κ + 1). With
L = log1p(u/c), H = λ c L exprel(κL), which is smooth through κ = 0 and bounded for κ < 0 (the
defective, cure case). η_κ = +inf is the κ → ∞ limit, H = λ (exp(u) - 1) (Gompertz when γ = 1).
"""

import numpy as np
from numba import njit


@njit(cache=True)
def _log1pexp(m):
    if m > 35.0:
        return m + np.exp(-m)
    return np.log1p(np.exp(m))


@njit(cache=True)
def _expit(m):
    if m >= 0:
        return 1.0 / (1.0 + np.exp(-m))
    e = np.exp(m)
    return e / (1.0 + e)


@njit(cache=True)
def _exprel(x):
    # (e^x - 1)/x, with the removable singularity at 0
    if abs(x) < 1e-5:
        return 1.0 + x * (0.5 + x / 6.0)
    return np.expm1(x) / x


@njit(cache=True)
def _phi2(x):
    # (x e^x - e^x + 1)/x^2 = sum_{n>=2} (n-1) x^(n-2)/n!; series near 0 avoids cancellation
    if abs(x) < 0.05:
        return (0.5 + x * (1.0 / 3.0 + x * (1.0 / 8.0 + x * (1.0 / 30.0 + x * (
            1.0 / 144.0 + x * (1.0 / 840.0 + x * (1.0 / 5760.0 + x / 45360.0)))))))
    return (x * np.exp(x) - np.expm1(x)) / (x * x)


@njit(cache=True)
def apgw_terms(t, eta_l, eta_p, eta_g, eta_k, logh, dlogh, H, dH):
    """Fill log h (n,), ∂log h/∂η (n, 4), H (n,) and ∂H/∂η (n, 4) at times t > 0.

    The columns of the derivative arrays are (η_λ, η_φ, η_γ, η_κ).
    """
    n = t.shape[0]
    for i in range(n):
        lam = np.exp(eta_l[i])
        gam = np.exp(eta_g[i])
        logt = np.log(t[i])
        z = gam * (eta_p[i] + logt)  # log u
        if not np.isfinite(eta_k[i]):
            # κ → ∞: (1 + u/c)^κ → e^u
            u = np.exp(z)
            logh[i] = eta_l[i] + eta_g[i] + z - logt + u
            dlogh[i, 0] = 1.0
            dlogh[i, 1] = gam * (1.0 + u)
            dlogh[i, 2] = 1.0 + z * (1.0 + u)
            dlogh[i, 3] = 0.0
            eu = np.exp(u)
            H[i] = lam * np.expm1(u)
            dH[i, 0] = H[i]
            dH[i, 1] = lam * eu * u * gam
            dH[i, 2] = lam * eu * u * z
            dH[i, 3] = 0.0
            continue
        c = np.exp(eta_k[i])
        q = c - 1.0  # κ
        m = z - eta_k[i]  # log(u/c)
        L = _log1pexp(m)
        p = _expit(m)
        logh[i] = eta_l[i] + eta_g[i] + z - logt + (q - 1.0) * L
        dlogh[i, 0] = 1.0
        dlogh[i, 1] = gam * (1.0 + (q - 1.0) * p)
        dlogh[i, 2] = 1.0 + z * (1.0 + (q - 1.0) * p)
        dlogh[i, 3] = c * L - (q - 1.0) * p
        x = q * L
        G = L * _exprel(x)
        E = np.exp(x)
        Gq = L * L * _phi2(x)
        H[i] = lam * c * G
        dH[i, 0] = H[i]
        dH[i, 1] = lam * c * E * p * gam
        dH[i, 2] = lam * c * E * p * z
        dH[i, 3] = lam * c * (G + c * Gq - E * p)
