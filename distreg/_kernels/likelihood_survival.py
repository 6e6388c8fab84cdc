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
def _apgw_row(t, el, ep, eg, ek, dlogh, dH):
    """log h and H at one time; fills dlogh (4,) and dH (4,). See :func:`apgw_terms`."""
    lam = np.exp(el)
    gam = np.exp(eg)
    logt = np.log(t)
    z = gam * (ep + logt)  # log u
    if not np.isfinite(ek):
        # κ → ∞: (1 + u/c)^κ → e^u
        u = np.exp(z)
        eu = np.exp(u)
        dlogh[0] = 1.0
        dlogh[1] = gam * (1.0 + u)
        dlogh[2] = 1.0 + z * (1.0 + u)
        dlogh[3] = 0.0
        H = lam * np.expm1(u)
        dH[0] = H
        dH[1] = lam * eu * u * gam
        dH[2] = lam * eu * u * z
        dH[3] = 0.0
        return el + eg + z - logt + u, H
    c = np.exp(ek)
    q = c - 1.0  # κ
    m = z - ek  # log(u/c)
    L = _log1pexp(m)
    p = _expit(m)
    dlogh[0] = 1.0
    dlogh[1] = gam * (1.0 + (q - 1.0) * p)
    dlogh[2] = 1.0 + z * (1.0 + (q - 1.0) * p)
    dlogh[3] = c * L - (q - 1.0) * p
    x = q * L
    G = L * _exprel(x)
    E = np.exp(x)
    Gq = L * L * _phi2(x)
    H = lam * c * G
    dH[0] = H
    dH[1] = lam * c * E * p * gam
    dH[2] = lam * c * E * p * z
    dH[3] = lam * c * (G + c * Gq - E * p)
    return el + eg + z - logt + (q - 1.0) * L, H


@njit(cache=True)
def apgw_terms(t, eta_l, eta_p, eta_g, eta_k, logh, dlogh, H, dH):
    """Fill log h (n,), ∂log h/∂η (n, 4), H (n,) and ∂H/∂η (n, 4) at times t > 0.

    The columns of the derivative arrays are (η_λ, η_φ, η_γ, η_κ).
    """
    n = t.shape[0]
    for i in range(n):
        logh[i], H[i] = _apgw_row(t[i], eta_l[i], eta_p[i], eta_g[i], eta_k[i], dlogh[i], dH[i])


@njit(cache=True)
def apgw_right_censored(t, event, eta_l, eta_p, eta_g, eta_k, ll, score):
    """Fused contributions for right-censored data without delayed entry.

    ll = δ log h(t) - H(t) and its score, in one pass (the common case; the general case goes
    through :func:`distreg.likelihood.survival_terms.censored_loglik`).
    """
    n = t.shape[0]
    dlogh = np.empty(4)
    dH = np.empty(4)
    for i in range(n):
        lh, H = _apgw_row(t[i], eta_l[i], eta_p[i], eta_g[i], eta_k[i], dlogh, dH)
        d = event[i]
        ll[i] = d * lh - H
        for j in range(4):
            score[i, j] = d * dlogh[j] - dH[j]


@njit(cache=True)
def _phi3(x):
    # (x² e^x - 2x e^x + 2e^x - 2)/x³ = sum_{n>=3} (n-1)(n-2) x^(n-3)/n!
    if abs(x) < 0.1:
        return (1.0 / 3.0 + x * (0.25 + x * (0.1 + x * (1.0 / 36.0 + x * (1.0 / 168.0 + x * (
            1.0 / 960.0 + x * (1.0 / 6480.0 + x * (1.0 / 50400.0 + x / 443520.0))))))))
    ex = np.exp(x)
    return (x * x * ex - 2.0 * x * ex + 2.0 * np.expm1(x)) / (x * x * x)


@njit(cache=True)
def apgw_terms2(t, eta_l, eta_p, eta_g, eta_k, logh, dlogh, d2logh, H, dH, d2H):
    """Like :func:`apgw_terms`, plus the second derivatives d2logh, d2H of shape (n, 4, 4)."""
    n = t.shape[0]
    for i in range(n):
        lam = np.exp(eta_l[i])
        gam = np.exp(eta_g[i])
        logt = np.log(t[i])
        z = gam * (eta_p[i] + logt)
        for a in range(4):
            for b in range(4):
                d2logh[i, a, b] = 0.0
                d2H[i, a, b] = 0.0
        # derivatives of z in (b, g): z_b = γ, z_g = z, z_bb = 0, z_bg = γ, z_gg = z
        if not np.isfinite(eta_k[i]):
            u = np.exp(z)
            eu = np.exp(u)
            ub, ug = gam * u, z * u
            ubb, ubg, ugg = gam * gam * u, u * (gam * z + gam), u * (z * z + z)
            logh[i] = eta_l[i] + eta_g[i] + z - logt + u
            dlogh[i, 0] = 1.0
            dlogh[i, 1] = gam + ub
            dlogh[i, 2] = 1.0 + z + ug
            dlogh[i, 3] = 0.0
            d2logh[i, 1, 1] = ubb
            d2logh[i, 1, 2] = gam + ubg
            d2logh[i, 2, 2] = z + ugg
            H[i] = lam * np.expm1(u)
            dH[i, 0] = H[i]
            dH[i, 1] = lam * eu * ub
            dH[i, 2] = lam * eu * ug
            dH[i, 3] = 0.0
            d2H[i, 0, 0] = H[i]
            d2H[i, 0, 1] = dH[i, 1]
            d2H[i, 0, 2] = dH[i, 2]
            d2H[i, 1, 1] = lam * eu * (ub * ub + ubb)
            d2H[i, 1, 2] = lam * eu * (ub * ug + ubg)
            d2H[i, 2, 2] = lam * eu * (ug * ug + ugg)
        else:
            c = np.exp(eta_k[i])
            q = c - 1.0
            m = z - eta_k[i]
            L = _log1pexp(m)
            p = _expit(m)
            pp = p * (1.0 - p)
            # L derivatives: m_b = γ, m_g = z, m_k = -1; m_bg = γ, m_gg = z
            Lb, Lg, Lk = p * gam, p * z, -p
            Lbb = pp * gam * gam
            Lbg = pp * gam * z + p * gam
            Lgg = pp * z * z + p * z
            Lbk = -pp * gam
            Lgk = -pp * z
            Lkk = pp
            logh[i] = eta_l[i] + eta_g[i] + z - logt + (c - 2.0) * L
            dlogh[i, 0] = 1.0
            dlogh[i, 1] = gam + (c - 2.0) * Lb
            dlogh[i, 2] = 1.0 + z + (c - 2.0) * Lg
            dlogh[i, 3] = c * L + (c - 2.0) * Lk
            d2logh[i, 1, 1] = (c - 2.0) * Lbb
            d2logh[i, 1, 2] = gam + (c - 2.0) * Lbg
            d2logh[i, 2, 2] = z + (c - 2.0) * Lgg
            d2logh[i, 1, 3] = c * Lb + (c - 2.0) * Lbk
            d2logh[i, 2, 3] = c * Lg + (c - 2.0) * Lgk
            d2logh[i, 3, 3] = c * L + 2.0 * c * Lk + (c - 2.0) * Lkk
            x = q * L
            E = np.exp(x)
            G = L * _exprel(x)
            Gq = L * L * _phi2(x)
            Gqq = L * L * L * _phi3(x)
            el = lam
            H[i] = el * c * G
            Fb = c * E * Lb
            Fg = c * E * Lg
            Fk = c * G + c * (c * Gq + E * Lk)
            dH[i, 0] = H[i]
            dH[i, 1] = el * Fb
            dH[i, 2] = el * Fg
            dH[i, 3] = el * Fk
            Ek = c * L + q * Lk  # (∂E/∂k)/E
            d2H[i, 0, 0] = H[i]
            d2H[i, 0, 1] = dH[i, 1]
            d2H[i, 0, 2] = dH[i, 2]
            d2H[i, 0, 3] = dH[i, 3]
            d2H[i, 1, 1] = el * c * E * (q * Lb * Lb + Lbb)
            d2H[i, 1, 2] = el * c * E * (q * Lb * Lg + Lbg)
            d2H[i, 2, 2] = el * c * E * (q * Lg * Lg + Lgg)
            d2H[i, 1, 3] = el * (c * E * Lb * (1.0 + Ek) + c * E * Lbk)
            d2H[i, 2, 3] = el * (c * E * Lg * (1.0 + Ek) + c * E * Lgk)
            d2H[i, 3, 3] = el * (c * G + 3.0 * c * c * Gq + c * c * c * Gqq + 2.0 * c * E * Lk
                                 + 2.0 * c * c * L * E * Lk + c * E * q * Lk * Lk + c * E * Lkk)
        for a in range(4):
            for b in range(a + 1, 4):
                d2logh[i, b, a] = d2logh[i, a, b]
                d2H[i, b, a] = d2H[i, a, b]
