"""Log hazard and cumulative hazard of the APGW family with derivatives in the linear predictors.

Adapted power generalised Weibull (Burke, Jones & Noufaily 2020, JRSS C 69(2), Section 2;
arXiv 1901.03212): with u = (φt)^γ and c = κ + 1,

    h(t) = λ γ φ^γ t^(γ-1) (1 + u/c)^(κ-1),
    H(t) = λ c / κ · ((1 + u/c)^κ - 1)  (= λ log(1 + u) at κ = 0).

The linear predictors are η_λ = log λ, η_φ = log φ, η_γ = log γ and η_κ = log(κ + 1). With
L = log1p(u/c), H = λ c L exprel(κL), which is smooth through κ = 0 and bounded for κ < 0 (the
defective, cure case). η_κ = +inf is the κ → ∞ limit, H = λ (exp(u) - 1) (Gompertz when γ = 1).

Every kernel takes a ``case``: :data:`GENERAL` evaluates the formulas above at the given η_κ;
:data:`WEIBULL` (κ = 1: H = λu) and :data:`BURR` (κ = 0: H = λ log1p(u)) are the closed forms of
the nested special cases with κ fixed, several times cheaper; they ignore η_κ and return zero
κ-derivatives (κ is not a free parameter there). Times enter as log t, computed once per data
set rather than at every evaluation of the likelihood, and λ, γ and κ + 1 are exponentiated only
when their η changes from one row to the next (an intercept-only parameter costs one exponential
per pass).
"""

import numpy as np
from numba import njit

GENERAL, WEIBULL, BURR = 0, 1, 2


@njit(cache=True)
def _softplus_expit(m):
    """log(1 + e^m) and 1/(1 + e^-m), stable for every m, from one exponential."""
    e = np.exp(-abs(m))
    if m >= 0:
        return m + np.log1p(e), 1.0 / (1.0 + e)
    return np.log1p(e), e / (1.0 + e)


@njit(cache=True, inline="always")
def _update_exps(state, el, eg, ek):
    """state = [η_λ, λ, η_γ, γ, η_κ, κ+1] of the previous row, brought up to this row's η.

    Rows of one covariate pattern (for an intercept-only parameter: every row) share η, so
    each exponential is recomputed only when its η changes.
    """
    if el != state[0]:
        state[0], state[1] = el, np.exp(el)
    if eg != state[2]:
        state[2], state[3] = eg, np.exp(eg)
    if ek != state[4]:
        state[4], state[5] = ek, np.exp(ek)


@njit(cache=True)
def _exprel(x, em1):
    # (e^x - 1)/x from em1 = expm1(x), with the removable singularity at 0
    if abs(x) < 1e-5:
        return 1.0 + x * (0.5 + x / 6.0)
    return em1 / x


@njit(cache=True)
def _phi2(x, em1):
    # (x e^x - e^x + 1)/x^2 = sum_{n>=2} (n-1) x^(n-2)/n!; series near 0 avoids cancellation
    if abs(x) < 0.05:
        return (0.5 + x * (1.0 / 3.0 + x * (1.0 / 8.0 + x * (1.0 / 30.0 + x * (
            1.0 / 144.0 + x * (1.0 / 840.0 + x * (1.0 / 5760.0 + x / 45360.0)))))))
    return (x * (em1 + 1.0) - em1) / (x * x)


@njit(cache=True)
def _phi3(x, em1):
    # (x² e^x - 2x e^x + 2e^x - 2)/x³ = sum_{n>=3} (n-1)(n-2) x^(n-3)/n!
    if abs(x) < 0.1:
        return (1.0 / 3.0 + x * (0.25 + x * (0.1 + x * (1.0 / 36.0 + x * (1.0 / 168.0 + x * (
            1.0 / 960.0 + x * (1.0 / 6480.0 + x * (1.0 / 50400.0 + x / 443520.0))))))))
    ex = em1 + 1.0
    return (x * x * ex - 2.0 * x * ex + 2.0 * em1) / (x * x * x)


@njit(cache=True, inline="always")
def _apgw_row(case, logt, el, lam, ep, eg, gam, ek, c, dlogh, dH):
    """log h and H at one log time; fills dlogh (4,) and dH (4,).

    λ = exp(η_λ), γ = exp(η_γ) and c = exp(η_κ) = κ + 1 are given with their η.
    """
    z = gam * (ep + logt)  # log u
    lh0 = el + eg + z - logt  # log h of the Weibull part
    dlogh[0] = 1.0
    if case == WEIBULL:
        H = np.exp(el + z)
        dlogh[1] = gam
        dlogh[2] = 1.0 + z
        dlogh[3] = 0.0
        dH[0] = H
        dH[1] = H * gam
        dH[2] = H * z
        dH[3] = 0.0
        return lh0, H
    if case == BURR:
        L, p = _softplus_expit(z)
        dlogh[1] = gam * (1.0 - p)
        dlogh[2] = 1.0 + z * (1.0 - p)
        dlogh[3] = 0.0
        H = lam * L
        dH[0] = H
        dH[1] = lam * p * gam
        dH[2] = lam * p * z
        dH[3] = 0.0
        return lh0 - L, H
    if not np.isfinite(ek):
        # κ → ∞: (1 + u/c)^κ → e^u
        u = np.exp(z)
        eu = np.exp(u)
        dlogh[1] = gam * (1.0 + u)
        dlogh[2] = 1.0 + z * (1.0 + u)
        dlogh[3] = 0.0
        H = lam * np.expm1(u)
        dH[0] = H
        dH[1] = lam * eu * u * gam
        dH[2] = lam * eu * u * z
        dH[3] = 0.0
        return lh0 + u, H
    q = c - 1.0  # κ
    m = z - ek  # log(u/c)
    L, p = _softplus_expit(m)
    dlogh[1] = gam * (1.0 + (q - 1.0) * p)
    dlogh[2] = 1.0 + z * (1.0 + (q - 1.0) * p)
    dlogh[3] = c * L - (q - 1.0) * p
    x = q * L
    em1 = np.expm1(x)
    E = em1 + 1.0
    G = L * _exprel(x, em1)
    Gq = L * L * _phi2(x, em1)
    H = lam * c * G
    dH[0] = H
    dH[1] = lam * c * E * p * gam
    dH[2] = lam * c * E * p * z
    dH[3] = lam * c * (G + c * Gq - E * p)
    return lh0 + (q - 1.0) * L, H


@njit(cache=True, inline="always")
def _apgw_row2(case, logt, el, lam, ep, eg, gam, ek, c, dlogh, d2logh, dH, d2H):
    """Like :func:`_apgw_row`, plus the second derivatives d2logh, d2H (4, 4)."""
    z = gam * (ep + logt)
    for a in range(4):
        for b in range(4):
            d2logh[a, b] = 0.0
            d2H[a, b] = 0.0
    logh, H = _apgw_row(case, logt, el, lam, ep, eg, gam, ek, c, dlogh, dH)
    # derivatives of z = log u in (η_φ, η_γ): z_φ = γ, z_γ = z, z_φφ = 0, z_φγ = γ, z_γγ = z;
    # the Weibull part of log h is linear in z plus η_γ
    d2logh[1, 2] = gam
    d2logh[2, 2] = z
    d2H[0, 0] = H
    d2H[0, 1] = dH[1]
    d2H[0, 2] = dH[2]
    d2H[0, 3] = dH[3]
    if case == WEIBULL:
        d2H[1, 1] = H * gam * gam
        d2H[1, 2] = H * gam * (z + 1.0)
        d2H[2, 2] = H * z * (z + 1.0)
    elif case == BURR or np.isfinite(ek):
        if case == BURR:  # κ = 0 whatever η_κ holds
            c = 1.0
            ek = 0.0
        q = c - 1.0
        m = z - ek
        L, p = _softplus_expit(m)
        pp = p * (1.0 - p)
        # derivatives of L = log1p(u/c): m_φ = γ, m_γ = z, m_κ = -1, m_φγ = γ, m_γγ = z
        Lb, Lg, Lk = p * gam, p * z, -p
        Lbb = pp * gam * gam
        Lbg = pp * gam * z + p * gam
        Lgg = pp * z * z + p * z
        d2logh[1, 1] = (q - 1.0) * Lbb
        d2logh[1, 2] += (q - 1.0) * Lbg
        d2logh[2, 2] += (q - 1.0) * Lgg
        x = q * L
        em1 = np.expm1(x)
        E = em1 + 1.0
        d2H[1, 1] = lam * c * E * (q * Lb * Lb + Lbb)
        d2H[1, 2] = lam * c * E * (q * Lb * Lg + Lbg)
        d2H[2, 2] = lam * c * E * (q * Lg * Lg + Lgg)
        if case == GENERAL:
            Lbk = -pp * gam
            Lgk = -pp * z
            Lkk = pp
            d2logh[1, 3] = c * Lb + (q - 1.0) * Lbk
            d2logh[2, 3] = c * Lg + (q - 1.0) * Lgk
            d2logh[3, 3] = c * L + 2.0 * c * Lk + (q - 1.0) * Lkk
            G = L * _exprel(x, em1)
            Gq = L * L * _phi2(x, em1)
            Gqq = L * L * L * _phi3(x, em1)
            Ek = c * L + q * Lk  # (∂E/∂η_κ)/E
            d2H[1, 3] = lam * (c * E * Lb * (1.0 + Ek) + c * E * Lbk)
            d2H[2, 3] = lam * (c * E * Lg * (1.0 + Ek) + c * E * Lgk)
            d2H[3, 3] = lam * (c * G + 3.0 * c * c * Gq + c * c * c * Gqq + 2.0 * c * E * Lk
                               + 2.0 * c * c * L * E * Lk + c * E * q * Lk * Lk + c * E * Lkk)
    else:
        # κ → ∞: H = λ(e^u - 1), log h has the extra term u
        u = np.exp(z)
        eu = np.exp(u)
        ub, ug = gam * u, z * u
        ubb, ubg, ugg = gam * gam * u, u * (gam * z + gam), u * (z * z + z)
        d2logh[1, 1] = ubb
        d2logh[1, 2] += ubg
        d2logh[2, 2] += ugg
        d2H[1, 1] = lam * eu * (ub * ub + ubb)
        d2H[1, 2] = lam * eu * (ub * ug + ubg)
        d2H[2, 2] = lam * eu * (ug * ug + ugg)
    for a in range(4):
        for b in range(a + 1, 4):
            d2logh[b, a] = d2logh[a, b]
            d2H[b, a] = d2H[a, b]
    return logh, H


@njit(cache=True)
def apgw_terms(logt, eta_l, eta_p, eta_g, eta_k, logh, dlogh, H, dH, case=GENERAL):
    """Fill log h (n,), ∂log h/∂η (n, 4), H (n,) and ∂H/∂η (n, 4) at times t > 0 (given as log t).

    The columns of the derivative arrays are (η_λ, η_φ, η_γ, η_κ).
    """
    n = logt.shape[0]
    e = np.array([0.0, 1.0, 0.0, 1.0, 0.0, 1.0])
    for i in range(n):
        _update_exps(e, eta_l[i], eta_g[i], eta_k[i])
        logh[i], H[i] = _apgw_row(case, logt[i], e[0], e[1], eta_p[i], e[2], e[3], e[4], e[5],
                                  dlogh[i], dH[i])


@njit(cache=True)
def apgw_terms2(logt, eta_l, eta_p, eta_g, eta_k, logh, dlogh, d2logh, H, dH, d2H, case=GENERAL):
    """Like :func:`apgw_terms`, plus the second derivatives d2logh, d2H of shape (n, 4, 4)."""
    n = logt.shape[0]
    e = np.array([0.0, 1.0, 0.0, 1.0, 0.0, 1.0])
    for i in range(n):
        _update_exps(e, eta_l[i], eta_g[i], eta_k[i])
        logh[i], H[i] = _apgw_row2(case, logt[i], e[0], e[1], eta_p[i], e[2], e[3], e[4], e[5],
                                   dlogh[i], d2logh[i], dH[i], d2H[i])


@njit(cache=True)
def apgw_right_censored(logt, event, eta_l, eta_p, eta_g, eta_k, ll, score, case=GENERAL):
    """Fused contributions for right-censored data without delayed entry.

    ll = δ log h(t) - H(t) and its score in one pass: the common case; the general case goes
    through :func:`distreg.likelihood.survival_terms.censored_loglik`.
    """
    n = logt.shape[0]
    dlogh = np.empty(4)
    dH = np.empty(4)
    e = np.array([0.0, 1.0, 0.0, 1.0, 0.0, 1.0])
    for i in range(n):
        _update_exps(e, eta_l[i], eta_g[i], eta_k[i])
        lh, H = _apgw_row(case, logt[i], e[0], e[1], eta_p[i], e[2], e[3], e[4], e[5], dlogh, dH)
        d = event[i]
        ll[i] = d * lh - H
        for j in range(4):
            score[i, j] = d * dlogh[j] - dH[j]


@njit(cache=True)
def apgw_right_censored_hessian(logt, event, eta_l, eta_p, eta_g, eta_k, hess, case=GENERAL):
    """Per-row Hessian δ ∂²log h - ∂²H (n, 4, 4) of :func:`apgw_right_censored`, in one pass."""
    n = logt.shape[0]
    dlogh = np.empty(4)
    dH = np.empty(4)
    d2logh = np.empty((4, 4))
    d2H = np.empty((4, 4))
    e = np.array([0.0, 1.0, 0.0, 1.0, 0.0, 1.0])
    for i in range(n):
        _update_exps(e, eta_l[i], eta_g[i], eta_k[i])
        _apgw_row2(case, logt[i], e[0], e[1], eta_p[i], e[2], e[3], e[4], e[5],
                   dlogh, d2logh, dH, d2H)
        d = event[i]
        for a in range(4):
            for b in range(4):
                hess[i, a, b] = d * d2logh[a, b] - d2H[a, b]
