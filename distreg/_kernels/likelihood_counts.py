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

from ._special import digamma, expit, log_diff_ndtr, log_expit, logaddexp, trigamma

_LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)


# ---------------------------------------------------------------- Poisson and NB2
@njit(cache=True, error_model="numpy")
def poisson_loglik(y, lgy1, mu, ll, g, h):
    """Poisson: ℓ = y log μ - μ - log y! (``lgy1`` = log y!, precomputed once per fit)."""
    for i in range(y.shape[0]):
        m = mu[i]
        ll[i] = (y[i] * math.log(m) if y[i] > 0 else 0.0) - m - lgy1[i]
        g[i, 0] = y[i] / m - 1.0
        h[i, 0, 0] = -y[i] / (m * m)


# NB2 in α directly (not r = 1/α), so that every α >= 0 down to the Poisson limit is exact:
#   ℓ = y log μ - log y! + A(y, α) - y log(1 + αμ) - μ log(1 + αμ)/(αμ),
#   A(y, α) = Σ_{j<y} log(1 + jα) = log Γ(y + r) - log Γ(r) - y log r.
# A and its α-derivatives are direct sums up to _NB_SUM_MAX; above, Stirling's series for
# log Γ turns them into differences that are computed as such (expm1 of multiples of
# log1p(yα)), with no cancellation however small α is.
_NB_SUM_MAX = 200.0
_POISSON_SWITCH = 1e-16  # α(y + μ + 1)² below this: the Poisson terms (see distributions.counts)
_STIRLING = (1.0 / 12, -1.0 / 360, 1.0 / 1260, -1.0 / 1680, 1.0 / 1188, -691.0 / 360360)


@njit(cache=True, error_model="numpy")
def _log1pmx(x):
    """log(1 + x) - x, by its series for |x| < 0.25."""
    if abs(x) >= 0.25:
        return math.log1p(x) - x
    acc = 0.0
    for k in range(31, 1, -1):  # coefficients (-1)^(k+1)/k of x^k
        acc = (-1.0 if k % 2 == 0 else 1.0) / k + x * acc
    return x * x * acc


@njit(cache=True, error_model="numpy")
def _log1p_cubic(x):
    """Q(x) = x + x/(1 + x) - 2 log(1 + x) = Σ_{k>=3} (-1)^(k+1) (k-2)/k x^k (≈ x³/3)."""
    if abs(x) >= 0.25:
        return x + x / (1.0 + x) - 2.0 * math.log1p(x)
    acc = 0.0
    for k in range(40, 2, -1):
        acc = (1.0 if k % 2 == 1 else -1.0) * (k - 2.0) / k + x * acc
    return x * x * x * acc


@njit(cache=True, error_model="numpy")
def _stirling_tail(x):
    """ω(x) = log Γ(x) - ((x - ½) log x - x + ½ log 2π)."""
    if x >= 10.0:
        z = 1.0 / x
        z2 = z * z
        acc = 0.0
        for k in range(5, -1, -1):
            acc = _STIRLING[k] + z2 * acc
        return z * acc
    return math.lgamma(x) - ((x - 0.5) * math.log(x) - x + _LOG_SQRT_2PI)


@njit(cache=True, error_model="numpy")
def _rising_excess(y, a, need2):
    """A(y, α) = Σ_{j<y} log(1 + jα) and its first two α-derivatives (y integer >= 0, α > 0)."""
    if y <= _NB_SUM_MAX:
        s0 = 0.0
        s1 = 0.0
        s2 = 0.0
        j = 1.0
        while j < y:
            q = 1.0 + j * a
            s0 += math.log1p(j * a)
            t = j / q
            s1 += t
            s2 -= t * t
            j += 1.0
        return s0, s1, s2
    x = y * a
    r = 1.0 / a
    L = math.log1p(x)
    lmx = _log1pmx(x)
    K = lmx / (x * x) + 1.0 / (1.0 + x)  # (log(1 + x) - x/(1 + x))/x²
    if r < 10.0:
        # r small: the log-gamma and polygamma differences do not cancel
        s0 = math.lgamma(y + r) - math.lgamma(r) - y * math.log(r)
        s1 = r * y - r * r * (digamma(y + r) - digamma(r))
        s2 = 0.0
        if need2:
            s2 = -(r * r * (y - 2.0 * r * (digamma(y + r) - digamma(r))
                            + r * r * (trigamma(r) - trigamma(y + r))))
        return s0, s1, s2
    s0 = (y - 0.5) * L + y * lmx / x
    s1 = y * (y - 0.5) / (1.0 + x) - y * y * K
    s2 = -(y * y * y * _log1p_cubic(x) / (x * x * x) - y * y / (2.0 * (1.0 + x) * (1.0 + x)))
    # Stirling-series parts: ω(y + r) - ω(r), -r²(ω'(y + r) - ω'(r)), -(-2r³Δω' - r⁴Δω'')
    for k in range(1, 7):
        c = _STIRLING[k - 1]
        m = 2.0 * k
        rp = r ** (1.0 - m)
        s0 += c * rp * math.expm1((1.0 - m) * L)
        s1 += (m - 1.0) * c * rp * r * math.expm1(-m * L)
        if need2:
            s2 -= (m - 1.0) * c * rp * r * r * (2.0 * math.expm1(-m * L) - m * math.expm1(-(m + 1.0) * L))
    return s0, s1, s2


@njit(cache=True, error_model="numpy")
def _log1p_ratio(z):
    """log(1 + z)/z, 1 at z = 0."""
    if z == 0.0:
        return 1.0
    return math.log1p(z) / z


@njit(cache=True, error_model="numpy")
def _k_and_slope(z):
    """K(z) = (log(1 + z) - z/(1 + z))/z² (→ ½) and K'(z) (→ -⅔), series below |z| = 0.25.

    K(z) = Σ_{k>=2} (-1)^k (k-1)/k z^(k-2); μ²K(αμ) is -d/dα [log(1 + αμ)/α].
    """
    if abs(z) < 0.25:
        K = 0.0
        Kp = 0.0
        for k in range(40, 1, -1):
            c = (1.0 if k % 2 == 0 else -1.0) * (k - 1.0) / k
            K = c + z * K
            if k >= 3:
                Kp = c * (k - 2.0) + z * Kp
        return K, Kp
    q = 1.0 + z
    lz = math.log1p(z) - z / q
    return lz / (z * z), (1.0 / q - 1.0 / (q * q)) / (z * z) - 2.0 * lz / (z * z * z)


@njit(cache=True, error_model="numpy")
def _negbin_one(y, m, a, lgy1):
    """NB2 log mass, gradient and Hessian in (μ, α) for one observation (lgy1 = log y!).

    Exact at every α >= 0: below α(y + μ + 1)² = 1e-16 the Poisson terms (and the α-derivatives
    at α = 0, ((y - μ)² - y)/2 and its second-order analogue), which the NB2 values differ from
    by a relative 1e-16 there.
    """
    z = a * m
    ly = y * math.log(m) if y > 0 else 0.0
    if a * (y + m + 1.0) * (y + m + 1.0) < _POISSON_SWITCH:
        d = y - m
        # d²ℓ/dα² at 0: -Σ j² + y μ² - (2/3) μ³ = -(y-1)y(2y-1)/6 + yμ² - 2μ³/3
        return (ly - m - lgy1, y / m - 1.0, 0.5 * (d * d - y), -y / (m * m), m - y,
                -(y - 1.0) * y * (2.0 * y - 1.0) / 6.0 + y * m * m - 2.0 * m * m * m / 3.0)
    A, A1, A2 = _rising_excess(y, a, True)
    l1z = math.log1p(z)
    ll = ly - lgy1 + A - y * l1z - m * _log1p_ratio(z)
    q = 1.0 + z
    K, Kp = _k_and_slope(z)
    g_mu = y / m - (y * a + 1.0) / q
    g_a = A1 - y * m / q + m * m * K
    h_mm = -y / (m * m) + a * (y * a + 1.0) / (q * q)
    h_ma = (m - y) / (q * q)
    h_aa = A2 + y * m * m / (q * q) + m * m * m * Kp
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
    z = a * m
    K = _k_and_slope(z)[0]
    return -m * _log1p_ratio(z), -1.0 / (1.0 + z), m * m * K


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
