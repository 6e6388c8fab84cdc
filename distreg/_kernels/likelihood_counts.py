"""Per-observation log-likelihood terms of the integer-output families.

Each kernel fills ``ll`` (n,) and ``g`` (n, P) with the log mass and its derivatives with
respect to the *natural* parameters (μ, α, π, ...); some also fill ``h`` (n, P, P), the second
derivatives. The likelihood specs in :mod:`distreg.discrete` apply the links (chain rule). The
formulas are those of :mod:`distreg.distributions` (counts, discretized, dalap, bitwise,
inflated), which serve as the slow numpy oracles in the tests.
"""

import math

import numpy as np
from numba import njit

from ._special import digamma_diff, expit, log_diff_ndtr, log_expit, logaddexp, trigamma_diff

_LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)


# ---------------------------------------------------------------- Poisson and NB2
@njit(cache=True, error_model="numpy")
def _lgamma_ratio(y, r):
    """log Γ(y + r) - log Γ(r) for integer y >= 0 (a sum when short: no cancellation)."""
    if y <= 200.0:
        s = 0.0
        j = 0.0
        while j < y:
            s += math.log(r + j)
            j += 1.0
        return s
    return math.lgamma(y + r) - math.lgamma(r)


@njit(cache=True, error_model="numpy")
def poisson_loglik(y, lgy1, mu, ll, g, h):
    """Poisson: ℓ = y log μ - μ - log y! (``lgy1`` = log y!, precomputed once per fit)."""
    for i in range(y.shape[0]):
        m = mu[i]
        ll[i] = (y[i] * math.log(m) if y[i] > 0 else 0.0) - m - lgy1[i]
        g[i, 0] = y[i] / m - 1.0
        h[i, 0, 0] = -y[i] / (m * m)


@njit(cache=True, error_model="numpy")
def _negbin_one(y, m, a, lgy1):
    """NB2 log mass, gradient and Hessian in (μ, α) for one observation (lgy1 = log y!)."""
    r = 1.0 / a
    l1p = math.log1p(m / r)
    ll = _lgamma_ratio(y, r) - lgy1 - r * l1p + (y * math.log(m / (r + m)) if y > 0 else 0.0)
    g_mu = y / m - (y + r) / (m + r)
    G = digamma_diff(y, r) - l1p + (m - y) / (r + m)  # dℓ/dr
    Gp = trigamma_diff(y, r) + 1.0 / r - 1.0 / (r + m) - (m - y) / ((r + m) * (r + m))
    g_a = -r * r * G
    h_mm = -y / (m * m) + (y + r) / ((m + r) * (m + r))
    h_ma = r * r * (m - y) / ((m + r) * (m + r))
    h_aa = r * r * (2.0 * r * G + r * r * Gp)
    return ll, g_mu, g_a, h_mm, h_ma, h_aa


@njit(cache=True, error_model="numpy")
def negbin_loglik(y, lgy1, mu, alpha, ll, g, h):
    """NB2 with var = μ + α μ² (r = 1/α)."""
    for i in range(y.shape[0]):
        l, gm, ga, hmm, hma, haa = _negbin_one(y[i], mu[i], alpha[i], lgy1[i])
        ll[i] = l
        g[i, 0] = gm
        g[i, 1] = ga
        h[i, 0, 0] = hmm
        h[i, 0, 1] = hma
        h[i, 1, 0] = hma
        h[i, 1, 1] = haa


@njit(cache=True, error_model="numpy")
def genpoisson_loglik(y, mu, xi, ll, g):
    """Consul's generalized Poisson with θ = μ(1 - ξ)."""
    for i in range(y.shape[0]):
        th = mu[i] * (1.0 - xi[i])
        base = th + xi[i] * y[i]
        ll[i] = math.log(th) + (y[i] - 1.0) * math.log(base) - th - xi[i] * y[i] - math.lgamma(y[i] + 1.0)
        d_th = 1.0 / th + (y[i] - 1.0) / base - 1.0
        g[i, 0] = (1.0 - xi[i]) * d_th
        g[i, 1] = (y[i] - 1.0) * y[i] / base - y[i] - mu[i] * d_th


# ---------------------------------------------------------------- zero-inflated and hurdle
@njit(cache=True, error_model="numpy")
def zip_loglik(y, mu, pi, ll, g):
    """Zero-inflated Poisson; parameters (μ, π)."""
    for i in range(y.shape[0]):
        m, p = mu[i], pi[i]
        if y[i] == 0.0:
            b0 = math.exp(-m)
            P0 = p + (1.0 - p) * b0
            ll[i] = math.log(P0)
            g[i, 0] = -(1.0 - p) * b0 / P0
            g[i, 1] = (1.0 - b0) / P0
        else:
            ll[i] = math.log1p(-p) + y[i] * math.log(m) - m - math.lgamma(y[i] + 1.0)
            g[i, 0] = y[i] / m - 1.0
            g[i, 1] = -1.0 / (1.0 - p)


@njit(cache=True, error_model="numpy")
def _nb_log_b0(m, a):
    """log P(0), d/dμ, d/dα of the NB2."""
    r = 1.0 / a
    l1p = math.log1p(m / r)
    lb0 = -r * l1p
    d_mu = -r / (r + m)
    d_a = -r * r * (-l1p + m / (r + m))
    return lb0, d_mu, d_a


@njit(cache=True, error_model="numpy")
def zinb_loglik(y, mu, alpha, pi, ll, g):
    """Zero-inflated NB2; parameters (μ, α, π)."""
    for i in range(y.shape[0]):
        m, a, p = mu[i], alpha[i], pi[i]
        if y[i] == 0.0:
            lb0, dm, da = _nb_log_b0(m, a)
            b0 = math.exp(lb0)
            P0 = p + (1.0 - p) * b0
            ll[i] = math.log(P0)
            share = (1.0 - p) * b0 / P0
            g[i, 0] = share * dm
            g[i, 1] = share * da
            g[i, 2] = (1.0 - b0) / P0
        else:
            l, gm, ga, _, _, _ = _negbin_one(y[i], m, a, math.lgamma(y[i] + 1.0))
            ll[i] = math.log1p(-p) + l
            g[i, 0] = gm
            g[i, 1] = ga
            g[i, 2] = -1.0 / (1.0 - p)


@njit(cache=True, error_model="numpy")
def hurdle_poisson_loglik(y, mu, pi, ll, g):
    """Poisson hurdle; π = P(Y = 0), positives from the zero-truncated Poisson."""
    for i in range(y.shape[0]):
        m, p = mu[i], pi[i]
        if y[i] == 0.0:
            ll[i] = math.log(p)
            g[i, 0] = 0.0
            g[i, 1] = 1.0 / p
        else:
            em1 = math.expm1(m)
            ll[i] = math.log1p(-p) + y[i] * math.log(m) - m - math.lgamma(y[i] + 1.0) - math.log(-math.expm1(-m))
            g[i, 0] = y[i] / m - 1.0 - 1.0 / em1
            g[i, 1] = -1.0 / (1.0 - p)


@njit(cache=True, error_model="numpy")
def hurdle_negbin_loglik(y, mu, alpha, pi, ll, g):
    """NB2 hurdle; parameters (μ, α, π)."""
    for i in range(y.shape[0]):
        m, a, p = mu[i], alpha[i], pi[i]
        if y[i] == 0.0:
            ll[i] = math.log(p)
            g[i, 0] = 0.0
            g[i, 1] = 0.0
            g[i, 2] = 1.0 / p
        else:
            l, gm, ga, _, _, _ = _negbin_one(y[i], m, a, math.lgamma(y[i] + 1.0))
            lb0, dm, da = _nb_log_b0(m, a)
            b0 = math.exp(lb0)
            ll[i] = math.log1p(-p) + l - math.log(-math.expm1(lb0))
            ratio = b0 / (1.0 - b0)
            g[i, 0] = gm + ratio * dm
            g[i, 1] = ga + ratio * da
            g[i, 2] = -1.0 / (1.0 - p)


# ---------------------------------------------------------------- discretised continuous
@njit(cache=True, error_model="numpy")
def dnormal_loglik(y, mu, sigma, ll, g):
    """Normal mass on [y - ½, y + ½); parameters (μ, σ)."""
    for i in range(y.shape[0]):
        s = sigma[i]
        a = (y[i] - 0.5 - mu[i]) / s
        b = (y[i] + 0.5 - mu[i]) / s
        lp = log_diff_ndtr(a, b)
        ll[i] = lp
        ra = math.exp(-0.5 * a * a - _LOG_SQRT_2PI - lp)
        rb = math.exp(-0.5 * b * b - _LOG_SQRT_2PI - lp)
        g[i, 0] = (ra - rb) / s
        g[i, 1] = (a * ra - b * rb) / s


@njit(cache=True, error_model="numpy")
def dlaplace_loglik(y, mu, bscale, ll, g):
    """Laplace mass on [y - ½, y + ½); parameters (μ, b)."""
    for i in range(y.shape[0]):
        b = bscale[i]
        lo = (y[i] - 0.5 - mu[i]) / b
        hi = (y[i] + 0.5 - mu[i]) / b
        h = 0.5 / b
        log_sinh = h + math.log1p(-math.exp(-2.0 * h)) - math.log(2.0)
        dls_db = -h / (b * math.tanh(h))
        if hi <= 0.0:
            ll[i] = (y[i] - mu[i]) / b + log_sinh
            g[i, 0] = -1.0 / b
            g[i, 1] = -(y[i] - mu[i]) / (b * b) + dls_db
        elif lo >= 0.0:
            ll[i] = (mu[i] - y[i]) / b + log_sinh
            g[i, 0] = 1.0 / b
            g[i, 1] = -(mu[i] - y[i]) / (b * b) + dls_db
        else:
            eh, el = math.exp(-hi), math.exp(lo)
            P = 1.0 - 0.5 * eh - 0.5 * el
            ll[i] = math.log(P)
            g[i, 0] = (-0.5 * eh + 0.5 * el) / b / P
            g[i, 1] = (-0.5 * eh * hi + 0.5 * el * lo) / b / P


# ---------------------------------------------------------------- Dalap and Danorm
@njit(cache=True, error_model="numpy")
def _dalap_core(mu, gamma):
    m = math.floor(mu)
    f = mu - m
    lg = math.log(gamma)
    a = f * lg
    b = (1.0 - f) * lg
    logD = logaddexp(a, b)
    ga = math.exp(a - logD)
    gb = math.exp(b - logD)
    return m, f, lg, logD, lg * (ga - gb), (f * ga + (1.0 - f) * gb) / gamma


@njit(cache=True, error_model="numpy")
def _dalap_log_range(lo, hi, mu, gamma):
    """log P(lo <= Y <= hi) and its derivatives in (μ, γ) for the unbounded Dalap."""
    m, f, lg, logD, dD_mu, dD_g = _dalap_core(mu, gamma)
    fin_lo = lo > -np.inf
    fin_hi = hi < np.inf
    if fin_lo and fin_hi:
        L = hi - lo + 1.0
        gl = math.exp(L * lg)
        log1m = math.log1p(-gl)
        extra_g = -L * gl / gamma / (1.0 - gl)
    else:
        log1m = 0.0
        extra_g = 0.0
    if fin_hi and hi <= m:
        v = (mu - hi) * lg - logD + log1m
        return v, lg - dD_mu, (mu - hi) / gamma - dD_g + extra_g
    if fin_lo and lo - 1.0 >= m + 1.0:
        n = lo - 1.0
        v = (n + 1.0 - mu) * lg - logD + log1m
        return v, -lg - dD_mu, (n + 1.0 - mu) / gamma - dD_g + extra_g
    S_hi = 0.0
    dS_mu = 0.0
    dS_g = 0.0
    if fin_hi:
        S_hi = math.exp((hi + 1.0 - mu) * lg - logD)
        dS_mu = S_hi * (-lg - dD_mu)
        dS_g = S_hi * ((hi + 1.0 - mu) / gamma - dD_g)
    F_lo = 0.0
    dF_mu = 0.0
    dF_g = 0.0
    if fin_lo:
        n = lo - 1.0
        F_lo = math.exp((mu - n) * lg - logD)
        dF_mu = F_lo * (lg - dD_mu)
        dF_g = F_lo * ((mu - n) / gamma - dD_g)
    Z = 1.0 - S_hi - F_lo
    return math.log(Z), -(dS_mu + dF_mu) / Z, -(dS_g + dF_g) / Z


@njit(cache=True, error_model="numpy")
def dalap_loglik(y, mu, gamma, lower, upper, ll, g):
    """Dalap (Maat & Bloem), optionally truncated to [lower, upper]; parameters (μ, γ)."""
    for i in range(y.shape[0]):
        m, f, lg, logD, dD_mu, dD_g = _dalap_core(mu[i], gamma[i])
        d = y[i] - mu[i]
        sgn = 1.0 if d > 0 else (-1.0 if d < 0 else 0.0)
        l = math.log1p(-gamma[i]) - logD + abs(d) * lg
        g_mu = -sgn * lg - dD_mu
        g_g = -1.0 / (1.0 - gamma[i]) - dD_g + abs(d) / gamma[i]
        if lower[i] > -np.inf or upper[i] < np.inf:
            lz, z_mu, z_g = _dalap_log_range(lower[i], upper[i], mu[i], gamma[i])
            l -= lz
            g_mu -= z_mu
            g_g -= z_g
        ll[i] = l
        g[i, 0] = g_mu
        g[i, 1] = g_g


@njit(cache=True, error_model="numpy")
def dalap_hessian(y, mu, gamma, h):
    """Second derivatives of the unbounded Dalap log mass in (μ, γ), away from the kinks
    at integer μ and at y = μ (where the one-sided values are used)."""
    for i in range(y.shape[0]):
        gm = gamma[i]
        m, f, lg, logD, dD_mu, dD_g = _dalap_core(mu[i], gm)
        ga = math.exp(f * lg - logD)
        gb = math.exp((1.0 - f) * lg - logD)
        diff = ga - gb
        d = y[i] - mu[i]
        sgn = 1.0 if d > 0 else (-1.0 if d < 0 else 0.0)
        dga = ga * (f / gm - dD_g)
        dgb = gb * ((1.0 - f) / gm - dD_g)
        h[i, 0, 0] = -lg * lg * (1.0 - diff * diff)
        h_mg = -sgn / gm - (diff / gm + lg * (dga - dgb))
        h[i, 0, 1] = h_mg
        h[i, 1, 0] = h_mg
        d2D = (f * dga + (1.0 - f) * dgb) / gm - (f * ga + (1.0 - f) * gb) / (gm * gm)
        h[i, 1, 1] = -1.0 / ((1.0 - gm) * (1.0 - gm)) - d2D - abs(d) / (gm * gm)


@njit(cache=True, error_model="numpy")
def danorm_stats(mu, sigma):
    """log Z, E[Y - μ], E[(Y - μ)²] of the discrete normal (see distributions.dalap)."""
    if sigma >= 1.0:
        T = 1.0
        dT_mu = 0.0
        dT_s = 0.0
        for k in range(1, 4):
            a = math.exp(-2.0 * math.pi * math.pi * sigma * sigma * k * k)
            c = math.cos(2.0 * math.pi * k * mu)
            sn = math.sin(2.0 * math.pi * k * mu)
            T += 2.0 * a * c
            dT_mu += -2.0 * a * 2.0 * math.pi * k * sn
            dT_s += 2.0 * a * (-4.0 * math.pi * math.pi * sigma * k * k) * c
        logZ = math.log(sigma * math.sqrt(2.0 * math.pi)) + math.log(T)
        return logZ, sigma * sigma * dT_mu / T, sigma ** 3 * (1.0 / sigma + dT_s / T)
    c0 = math.floor(mu)
    half = math.ceil(10.0 * sigma) + 2.0
    mx = -np.inf
    j = -half
    while j <= half:
        d = c0 + j - mu
        e = -0.5 * (d / sigma) ** 2
        if e > mx:
            mx = e
        j += 1.0
    s0 = 0.0
    s1 = 0.0
    s2 = 0.0
    j = -half
    while j <= half:
        d = c0 + j - mu
        w = math.exp(-0.5 * (d / sigma) ** 2 - mx)
        s0 += w
        s1 += w * d
        s2 += w * d * d
        j += 1.0
    return math.log(s0) + mx, s1 / s0, s2 / s0


@njit(cache=True, error_model="numpy")
def danorm_loglik(y, mu, sigma, ll, g):
    """Discrete normal p(n) ∝ exp(-(n-μ)²/(2σ²)); parameters (μ, σ)."""
    for i in range(y.shape[0]):
        lz, m1, m2 = danorm_stats(mu[i], sigma[i])
        d = y[i] - mu[i]
        s = sigma[i]
        ll[i] = -0.5 * (d / s) ** 2 - lz
        g[i, 0] = (d - m1) / (s * s)
        g[i, 1] = (d * d - m2) / (s * s * s)


# ---------------------------------------------------------------- Bitwise
@njit(cache=True, error_model="numpy")
def bitwise_loglik(y, logits, low, ll, g, h):
    """Independent Bernoulli bits of y - low; one logit per bit (column j is worth 2^j)."""
    n, B = logits.shape
    for i in range(n):
        v = int(y[i] - low[i])
        s = 0.0
        for j in range(B):
            bit = (v >> j) & 1
            lj = logits[i, j]
            p = expit(lj)
            if bit == 1:
                s += log_expit(lj)
            else:
                s += log_expit(-lj)
            g[i, j] = bit - p
            h[i, j] = -p * (1.0 - p)
        ll[i] = s
