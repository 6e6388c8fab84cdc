"""Maat & Bloem's discrete analogue of the Laplace on all integers with a real location.

From Maat & Bloem, "Predicting integers from continuous parameters" (arXiv
2602.10751): the location μ is continuous (so it can be predicted by a linear model or a
network) while the support stays the integers.

``Dalap(mu, gamma)``: p(n) = (1 - γ)/(γ^f + γ^(1-f)) · γ^|n - μ|, f = μ - ⌊μ⌋, 0 < γ < 1.
  Summing the two geometric tails either side of μ gives the normaliser
  Σ_n γ^|n-μ| = (γ^f + γ^(1-f))/(1 - γ), hence closed forms for the cdf
  (F(n) = γ^(μ-n)/D for n <= ⌊μ⌋, 1 - γ^(n+1-μ)/D above, D = γ^f + γ^(1-f)), its inverse,
  the mean and the variance (derived in :func:`_dalap_moments`). At integer μ it is the
  classical discrete Laplace (two-sided geometric, ``scipy.stats.dlaplace`` with a = -log γ).
  A bounded version restricts it to [lower, upper] and renormalises.
"""

from __future__ import annotations

from fractions import Fraction
from math import comb, factorial

import numpy as np

from scipy import special

from ._base import DiscreteDistribution, _bisect_ppf
from ._discrete_utils import fix_integer_ppf
from ._registry import register_example

__all__ = ["Dalap"]


def _dalap_core(mu, gamma):
    """f, log γ, log D, dlogD/dμ, dlogD/dγ."""
    m = np.floor(mu)
    f = mu - m
    lg = np.log(gamma)
    a, b = f * lg, (1 - f) * lg
    logD = np.logaddexp(a, b)
    ga, gb = np.exp(a - logD), np.exp(b - logD)  # γ^f / D, γ^(1-f) / D
    dlogD_dmu = lg * (ga - gb)
    dlogD_dg = (f * ga + (1 - f) * gb) / gamma
    return m, f, lg, logD, dlogD_dmu, dlogD_dg


def _log_F_low(n, mu, lg, logD):
    """log F(n) for n <= ⌊μ⌋."""
    return (mu - n) * lg - logD


def _log_S_up(n, mu, lg, logD):
    """log P(Y > n) for n >= ⌊μ⌋ + 1 (n >= ⌊μ⌋ also holds by continuity of the formula)."""
    return (n + 1 - mu) * lg - logD


def _log_range_mass(a, b, mu, gamma):
    """log P(a <= Y <= b) under the unbounded Dalap (a may be -inf, b may be inf)."""
    m, f, lg, logD, _, _ = _dalap_core(mu, gamma)
    a_ = np.where(np.isfinite(a), a, 0.0)
    b_ = np.where(np.isfinite(b), b, 0.0)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        L = b - a + 1
        # log(1 - γ^L) through expm1: as γ -> 1, 1 - γ^L is a small difference from one
        log1m = np.where(np.isfinite(L), np.log(-np.expm1(np.where(np.isfinite(L), L, 1.0) * lg)), 0.0)
        # case: whole range at or below ⌊μ⌋
        below = _log_F_low(b_, mu, lg, logD) + log1m
        # case: whole range above ⌊μ⌋
        above = _log_S_up(a_ - 1, mu, lg, logD) + log1m
        # case: straddles ⌊μ⌋/⌊μ⌋+1. One minus the two outer tails keeps a mass close to one
        # accurate; when the tails carry more than half (γ close to one, a short range) that
        # difference cancels, and the mass is the sum of its two geometric pieces instead,
        # F(⌊μ⌋)(1 - γ^(⌊μ⌋-a+1)) + S(⌊μ⌋)(1 - γ^(b-⌊μ⌋)), all of whose terms are positive
        s_hi = np.where(np.isfinite(b), np.exp(_log_S_up(b_, mu, lg, logD)), 0.0)
        f_lo = np.where(np.isfinite(a), np.exp(_log_F_low(a_ - 1, mu, lg, logD)), 0.0)
        outer = s_hi + f_lo
        n_dn = np.where(np.isfinite(a), m - a_ + 1, np.inf)
        n_up = np.where(np.isfinite(b), b_ - m, np.inf)
        pieces = np.logaddexp(_log_F_low(m, mu, lg, logD) + np.log(-np.expm1(n_dn * lg)),
                              _log_S_up(m, mu, lg, logD) + np.log(-np.expm1(n_up * lg)))
        mid = np.where(outer < 0.5, np.log1p(-outer), pieces)
    # a range starting at ⌊μ⌋ + 1 already lies wholly above: in ``mid`` its small mass would be
    # a difference from one
    out = np.where(b <= m, below, np.where(a >= m + 1, above, mid))
    # an empty range, including the degenerate [-inf, -inf] and [inf, inf]
    return np.where((b < a) | np.isneginf(b) | np.isposinf(a), -np.inf, out)


class Dalap(DiscreteDistribution):
    """Maat & Bloem's discrete Laplace analogue on the integers, optionally bounded.

    p(n) = (1 - γ)/(γ^f + γ^(1-f)) · γ^|n - μ| with f = μ - ⌊μ⌋ (arXiv 2602.10751), for
    real location ``mu`` and decay ``gamma`` in (0, 1); restricted to [lower, upper] and
    renormalised when bounds are given.

    Parameters
    ----------
    mu : array-like, shape (n,)
        Real-valued location (the mode is the integer nearest to it).
    gamma : array-like, shape (n,)
        Decay per unit distance, in (0, 1).
    lower, upper : float or array-like, optional
        Integer bounds of the support (default: all integers).

    Examples
    --------
    >>> d = Dalap(mu=[0.0, 2.3], gamma=[0.5, 0.5])
    >>> d.pmf(0).round(4)  # at integer mu: the classical discrete Laplace (1-γ)/(1+γ)
    array([0.3333, 0.0711])
    >>> d.mean().round(4), d.cdf(2).round(4)
    (array([0.    , 2.2934]), array([0.9167, 0.5689]))
    >>> Dalap(mu=[2.3], gamma=[0.5], lower=0, upper=3).pmf(np.arange(4)[None, :]).sum().round(12).item()
    1.0
    """

    _param_names = ("mu", "gamma", "lower", "upper")

    def __init__(self, mu, gamma, lower=-np.inf, upper=np.inf):
        mu_arr = np.atleast_1d(np.asarray(mu, float))
        n = mu_arr.shape[0]
        lower = np.broadcast_to(np.asarray(lower, float), (n,)).copy() if np.ndim(lower) == 0 else lower
        upper = np.broadcast_to(np.asarray(upper, float), (n,)).copy() if np.ndim(upper) == 0 else upper
        super().__init__(mu=mu, gamma=gamma, lower=lower, upper=upper)

    def _check_params(self, mu, gamma, lower, upper):
        if np.any((gamma <= 0) | (gamma >= 1)):
            raise ValueError("Dalap: gamma must lie strictly between 0 and 1.")
        if np.any(np.isinf(mu)):
            raise ValueError("Dalap: mu must be finite.")
        fin = np.isfinite(lower) | np.isfinite(upper)
        if np.any(fin & ((lower != np.floor(lower)) | (upper != np.floor(upper)))):
            raise ValueError("Dalap: lower and upper must be integers (or -inf/inf).")
        if np.any(upper < lower):
            raise ValueError("Dalap: upper must be at least lower.")

    def _bounded(self, lower, upper):
        return np.isfinite(lower).any() or np.isfinite(upper).any()

    def _log_z(self, mu, gamma, lower, upper):
        return np.where(np.isfinite(lower) | np.isfinite(upper),
                        _log_range_mass(lower, upper, mu, gamma), 0.0)

    def _logpmf(self, y, mu, gamma, lower, upper):
        m, f, lg, logD, _, _ = _dalap_core(mu, gamma)
        out = np.log1p(-gamma) - logD + np.abs(y - mu) * lg - self._log_z(mu, gamma, lower, upper)
        return np.where((y >= lower) & (y <= upper), out, -np.inf)

    def _logpmf_grad(self, y, mu, gamma, lower, upper):
        m, f, lg, logD, dD_mu, dD_g = _dalap_core(mu, gamma)
        g_mu = -np.sign(y - mu) * lg - dD_mu
        g_g = -1.0 / (1 - gamma) - dD_g + np.abs(y - mu) / gamma
        if self._bounded(lower, upper):
            z_mu, z_g = _dalap_logz_grad(mu, gamma, lower, upper)
            g_mu, g_g = g_mu - z_mu, g_g - z_g
        inside = (y >= lower) & (y <= upper)
        return {"mu": np.where(inside, g_mu, 0.0), "gamma": np.where(inside, g_g, 0.0)}

    def _cdf(self, y, mu, gamma, lower, upper):
        k = np.floor(y)
        kk = np.minimum(k, upper)
        with np.errstate(over="ignore"):
            val = np.exp(_log_range_mass(lower, kk, mu, gamma) - self._log_z(mu, gamma, lower, upper))
        return np.where(k < lower, 0.0, np.where(k >= upper, 1.0, np.minimum(val, 1.0)))

    def _sf(self, y, mu, gamma, lower, upper):
        k = np.floor(y)
        kk = np.maximum(k + 1, lower)
        with np.errstate(over="ignore"):
            val = np.exp(_log_range_mass(kk, upper, mu, gamma) - self._log_z(mu, gamma, lower, upper))
        return np.where(k >= upper, 0.0, np.where(k < lower, 1.0, np.minimum(val, 1.0)))

    def _ppf(self, q, mu, gamma, lower, upper):
        p = {"mu": mu, "gamma": gamma, "lower": lower, "upper": upper}
        if self._bounded(lower, upper):
            return _bisect_ppf(self, q, p, integer=True)
        m, f, lg, logD, _, _ = _dalap_core(mu, gamma)
        with np.errstate(divide="ignore", invalid="ignore"):
            low_branch = np.ceil(mu - (np.log(q) + logD) / lg)
            high_branch = np.ceil(mu - 1 + (np.log1p(-q) + logD) / lg)
        F_m = np.exp(f * lg - logD)
        k = np.where(q <= F_m, low_branch, high_branch)
        k = np.where((q > 0) & (q < 1), k, 0.0)
        k = fix_integer_ppf(lambda x: self._cdf(x, **p), k, q)
        return np.where(q <= 0, -np.inf, np.where(q >= 1, np.inf, k))

    def _logcdf(self, y, mu, gamma, lower, upper):
        low, high = self._log_tails(y, mu, gamma, lower, upper)
        return low

    def _logsf(self, y, mu, gamma, lower, upper):
        low, high = self._log_tails(y, mu, gamma, lower, upper)
        return high

    def _log_tails(self, y, mu, gamma, lower, upper):
        """(log P(Y <= y), log P(Y > y)), each finite where its probability underflows.

        Each is the log mass of its own range; the side above 1/2 is taken as log1p of minus
        the other, which keeps a log probability close to zero accurate in relative terms.
        """
        k = np.floor(y)
        log_z = self._log_z(mu, gamma, lower, upper)
        with np.errstate(invalid="ignore"):
            lc = _log_range_mass(lower, np.minimum(k, upper), mu, gamma) - log_z
            ls = _log_range_mass(np.maximum(k + 1, lower), upper, mu, gamma) - log_z
        # y = ±inf and y beyond the bounds are exact; the range masses are not asked about them
        below, above = (k < lower) | np.isneginf(y), (k >= upper) | np.isposinf(y)
        lc = np.where(below, -np.inf, np.where(above, 0.0, np.minimum(lc, 0.0)))
        ls = np.where(above, -np.inf, np.where(below, 0.0, np.minimum(ls, 0.0)))
        with np.errstate(divide="ignore", invalid="ignore"):
            low = np.where(lc > -np.log(2.0), np.log1p(-np.exp(ls)), lc)
            high = np.where(ls > -np.log(2.0), np.log1p(-np.exp(lc)), ls)
        return low, high

    def _mean(self, mu, gamma, lower, upper):
        if self._bounded(lower, upper):
            return _dalap_bounded_moments(mu, gamma, lower, upper)[0]
        return _dalap_moments(mu, gamma)[0]

    def _var(self, mu, gamma, lower, upper):
        if self._bounded(lower, upper):
            return _dalap_bounded_moments(mu, gamma, lower, upper)[1]
        return _dalap_moments(mu, gamma)[1]

    def _rvs(self, rng, k, mu, gamma, lower, upper):
        u = rng.uniform(size=(mu.shape[0], k))
        return self._ppf(u, mu, gamma, lower, upper)

    def _lower_support(self, p, shape):
        return np.broadcast_to(p["lower"], shape).copy()

    def _upper_support(self, p, shape):
        return np.broadcast_to(p["upper"], shape).copy()

    def mode(self):
        """The integer nearest to mu (clipped to the bounds)."""
        p = self._params
        m = np.floor(p["mu"])
        best = np.where(p["mu"] - m <= 0.5, m, m + 1)
        return np.clip(best, p["lower"], p["upper"])


def _dalap_moments(mu, gamma):
    """Mean and variance of the unbounded Dalap, in closed form at a bounded cost per row.

    The mass splits into the geometric tail n = ⌊μ⌋ - j (weight ∝ γ^f γ^j, j >= 0) and
    n = ⌊μ⌋ + 1 + j (weight ∝ γ^(1-f) γ^j), with f = μ - ⌊μ⌋ (Maat & Bloem, arXiv 2602.10751).
    Each tail has mean offset G = γ/(1 - γ) and variance V = γ/(1 - γ)², their means lie
    1 + 2G = (1 + γ)/(1 - γ) apart and their weights are w_up = γ^(1-f)/D, w_dn = γ^f/D
    (D = γ^f + γ^(1-f)). The mixture gives, for f <= 1/2 (elementary algebra on these sums),

        E[Y] - ⌊μ⌋ = w_up (1 + G) - w_dn G = expit((1 - 2f) log γ) · (γ^(2f) - 1)/(γ - 1),
        Var Y = V + w_up w_dn (1 + 2G)²,  w_up w_dn = expit(t) expit(-t), t = (1 - 2f) log γ,

    and f > 1/2 is its mirror image about ⌈μ⌉. Every factor is positive and is evaluated with
    expm1, so nothing cancels: as γ -> 1 the mean keeps its offset from μ (of order (1-γ)²)
    below the rounding of μ, and as γ -> 0 the mean keeps the tiny offset from the mode.
    """
    m = np.floor(mu)
    f = mu - m
    lg = np.log(gamma)
    # the offset from the integer nearer to μ; measured from ⌈μ⌉ with f' = ⌈μ⌉ - μ (exact)
    # when f > 1/2
    up = f > 0.5
    base = np.where(up, m + 1, m)
    fr = np.where(up, (m + 1) - mu, f)
    t = (1 - 2 * fr) * lg
    offset = special.expit(t) * (np.expm1(2 * fr * lg) / np.expm1(lg))
    mean = base + np.where(up, -offset, offset)
    one_minus = -np.expm1(lg)
    var = gamma / one_minus**2 + ((1 + gamma) / one_minus) ** 2 * (special.expit(t) * special.expit(-t))
    return mean, var


def _bernoulli_coefficients(count):
    """c_k = B_2k/(2k)! for k = 1..count, in exact rational arithmetic.

    From the recurrence Σ_{k<=n} C(n+1, k) B_k = 0 (B_0 = 1); ``scipy.special.bernoulli`` is
    not used because its floating-point recurrence is off by 1e-12 relative already at B_4.
    """
    B = [Fraction(1)]
    for n in range(1, 2 * count + 1):
        B.append(-sum(comb(n + 1, k) * B[k] for k in range(n)) / (n + 1))
    return np.array([float(B[2 * k] / factorial(2 * k)) for k in range(1, count + 1)])


#: the coefficients of 1/(e^x - 1) = 1/x - 1/2 + Σ c_k x^(2k-1); the terms fall by (x/2π)² per
#: order, so below x = 2 twenty reach 1e-19 relative
_BERN = _bernoulli_coefficients(20)
#: below this λJ the truncated-geometric mean and variance use the series; measured against
#: mpmath, the direct differences lose up to 5e-15 relative at λJ = 1 and below 1e-15 from 2 on
_SERIES_X = 2.0


def _bern_phi(x):
    """φ(x) = 1/(e^x - 1) - 1/x + 1/2 = Σ c_k x^(2k-1) and φ'(x), by Horner in x², for x < 2."""
    x2 = x * x
    p = np.zeros_like(x)
    dp = np.zeros_like(x)
    for k in range(len(_BERN), 0, -1):
        c = _BERN[k - 1]
        p = p * x2 + c
        dp = dp * x2 + (2 * k - 1) * c
    return x * p, dp


def _truncated_geometric(lam, J):
    """log total, mean and variance of j = 0..J-1 with weights e^(-λj) (J >= 1, may be inf).

    Elementary sums: S0 = (1 - e^(-λJ))/(1 - e^(-λ)), mean 1/(e^λ - 1) - J/(e^(λJ) - 1) and
    variance e^λ/(e^λ - 1)² - J² e^(λJ)/(e^(λJ) - 1)² (the J terms vanish for J = inf). With
    φ(x) = 1/(e^x - 1) - 1/x + 1/2 the 1/λ parts cancel exactly: mean = (J - 1)/2 + φ(λ) - Jφ(x)
    and variance = J²φ'(x) - φ'(λ), x = λJ. The series form is used for small x, where the
    direct differences lose the digits of their near-equal terms (x < 2, see ``_SERIES_X``).
    """
    finite = np.isfinite(J)
    Jf = np.where(finite, J, 1.0)
    x = lam * Jf
    one_minus = -np.expm1(-lam)
    log_s0 = np.where(finite, np.log(-np.expm1(-x)), 0.0) - np.log(one_minus)
    # direct: J e^(-x)/(1 - e^(-x)) and (J e^(-x/2)/(1 - e^(-x)))² are the J terms without
    # overflow (they underflow to 0 for large x)
    ex = -np.expm1(-x)
    g_tail = np.where(finite, Jf * np.exp(-x) / ex, 0.0)
    v_tail = np.where(finite, (Jf * np.exp(-x / 2) / ex) ** 2, 0.0)
    g = np.exp(-lam) / one_minus - g_tail
    v = np.exp(-lam) / one_minus**2 - v_tail
    series = finite & (x < _SERIES_X)
    if np.any(series):
        xs = np.where(series, x, 0.5)
        ls = np.where(series, lam, 0.25)
        Js = np.where(series, Jf, 2.0)
        phx, dphx = _bern_phi(xs)
        phl, dphl = _bern_phi(ls)
        g = np.where(series, (Js - 1) / 2 + (phl - Js * phx), g)
        v = np.where(series, Js * Js * dphx - dphl, v)
    return log_s0, g, v


def _dalap_bounded_moments(mu, gamma, lower, upper):
    """Mean and variance of the Dalap restricted to [lower, upper], in closed form.

    The support splits into a lower piece n = top - j, top = min(upper, ⌊μ⌋), with weights
    γ^(μ-top) γ^j for j < J_dn = top - lower + 1, and an upper piece n = bot + j,
    bot = max(lower, ⌊μ⌋ + 1), with weights γ^(bot-μ) γ^j for j < J_up = upper - bot + 1
    (either may be empty or infinite). Each is a truncated geometric
    (:func:`_truncated_geometric`); the two are combined as a two-component mixture,
    mean = m_dn + w_up Δ and variance w_dn v_dn + w_up v_up + w_up w_dn Δ², with
    Δ = m_up - m_dn = (bot - top) + g_up + g_dn > 0 free of cancellation.
    """
    lg = np.log(gamma)
    lam = -lg
    m = np.floor(mu)
    top = np.minimum(upper, m)
    bot = np.maximum(lower, m + 1)
    with np.errstate(invalid="ignore"):
        J_dn = top - lower + 1
        J_up = upper - bot + 1
    has_dn, has_up = J_dn >= 1, J_up >= 1
    ls_dn, g_dn, v_dn = _truncated_geometric(lam, np.where(has_dn, J_dn, 1.0))
    ls_up, g_up, v_up = _truncated_geometric(lam, np.where(has_up, J_up, 1.0))
    lw_dn = np.where(has_dn, (mu - top) * lg + ls_dn, -np.inf)
    lw_up = np.where(has_up, (bot - mu) * lg + ls_up, -np.inf)
    d = lw_up - lw_dn
    w_up, w_dn = special.expit(d), special.expit(-d)
    g_dn = np.where(has_dn, g_dn, 0.0)
    g_up = np.where(has_up, g_up, 0.0)
    delta = (bot - top) + g_up + g_dn
    # start from the heavier piece so that the correction is the smaller share
    mean = np.where(w_up > w_dn, bot + g_up - w_dn * delta, top - g_dn + w_up * delta)
    var = (np.where(has_dn, w_dn * v_dn, 0.0) + np.where(has_up, w_up * v_up, 0.0)
           + w_up * w_dn * delta**2)
    return mean, var


def _dalap_logz_grad(mu, gamma, lower, upper):
    """Derivatives of log P(lower <= Y <= upper) (unbounded Dalap) in μ and γ."""
    m, f, lg, logD, dD_mu, dD_g = _dalap_core(mu, gamma)
    lo1 = np.where(np.isfinite(lower), lower - 1, 0.0)
    hi = np.where(np.isfinite(upper), upper, 0.0)
    L = np.where(np.isfinite(upper) & np.isfinite(lower), upper - lower + 1, np.inf)
    # derivatives of log F_low(n) and log S_up(n)
    dF_mu, dS_mu = lg - dD_mu, -lg - dD_mu
    dF_g = lambda n: (mu - n) / gamma - dD_g  # noqa: E731
    dS_g = lambda n: (n + 1 - mu) / gamma - dD_g  # noqa: E731
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        gl = np.where(np.isfinite(L), np.exp(np.where(np.isfinite(L), L, 1.0) * lg), 0.0)
        extra_g = np.where(np.isfinite(L), -np.where(np.isfinite(L), L, 0.0) * gl / gamma / (1 - gl), 0.0)
        below_mu, below_g = dF_mu, dF_g(hi) + extra_g
        above_mu, above_g = dS_mu, dS_g(lo1) + extra_g
        S_hi = np.where(np.isfinite(upper), np.exp(_log_S_up(hi, mu, lg, logD)), 0.0)
        F_lo = np.where(np.isfinite(lower), np.exp(_log_F_low(lo1, mu, lg, logD)), 0.0)
        Z = 1 - S_hi - F_lo
        mid_mu = -(S_hi * dS_mu + F_lo * dF_mu) / Z
        mid_g = -(S_hi * dS_g(hi) + F_lo * dF_g(lo1)) / Z
    case_below = np.isfinite(upper) & (upper <= m)
    case_above = np.isfinite(lower) & (lower >= m + 1)
    g_mu = np.where(case_below, below_mu, np.where(case_above, above_mu, mid_mu))
    g_g = np.where(case_below, below_g, np.where(case_above, above_g, mid_g))
    return g_mu, g_g


@register_example("Dalap")
def _dalap_example():
    return Dalap(mu=[0.2, 2.3, -7.8], gamma=[0.5, 0.6, 0.05])


@register_example("DalapBounded")
def _dalap_bounded_example():
    return Dalap(mu=[0.4, 12.5, -3.0], gamma=[0.7, 0.8, 0.3], lower=[0, 0, 0], upper=[5, 10, 3])
