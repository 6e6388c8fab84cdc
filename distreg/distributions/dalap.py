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

import numpy as np

from ._base import DiscreteDistribution, _bisect_ppf
from ._discrete_utils import fix_integer_ppf, window_moments
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
        log1m = np.where(np.isfinite(L), np.log1p(-np.exp(np.where(np.isfinite(L), L, 1.0) * lg)), 0.0)
        # case: whole range at or below ⌊μ⌋
        below = _log_F_low(b_, mu, lg, logD) + log1m
        # case: whole range above ⌊μ⌋
        above = _log_S_up(a_ - 1, mu, lg, logD) + log1m
        # case: straddles ⌊μ⌋/⌊μ⌋+1
        s_hi = np.where(np.isfinite(b), np.exp(_log_S_up(b_, mu, lg, logD)), 0.0)
        f_lo = np.where(np.isfinite(a), np.exp(_log_F_low(a_ - 1, mu, lg, logD)), 0.0)
        mid = np.log1p(-(s_hi + f_lo))
    out = np.where(b <= m, below, np.where(a - 1 >= m + 1, above, mid))
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

    def _mean(self, mu, gamma, lower, upper):
        if self._bounded(lower, upper):
            return self._window(mu, gamma, lower, upper)[0]
        return mu + _dalap_moments(mu, gamma)[0]

    def _var(self, mu, gamma, lower, upper):
        if self._bounded(lower, upper):
            return self._window(mu, gamma, lower, upper)[1]
        m1, m2 = _dalap_moments(mu, gamma)
        return m2 - m1 * m1

    def _window(self, mu, gamma, lower, upper):
        center = np.clip(mu, lower, upper)
        half = np.ceil(40.0 / -np.log(gamma)) + 2
        return window_moments(lambda k: self._logpmf(k, mu[:, None], gamma[:, None],
                                                     lower[:, None], upper[:, None]), center, half)

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
    """E[Y - μ] and E[(Y - μ)²] of the unbounded Dalap.

    With C = (1 - γ)/D and the two tails at distances a + k (a = 1 - f above μ, a = f below),
    Σ_k (a+k) γ^(a+k) = γ^a (a/(1-γ) + γ/(1-γ)²) and
    Σ_k (a+k)² γ^(a+k) = γ^a (a²/(1-γ) + 2aγ/(1-γ)² + γ(1+γ)/(1-γ)³).
    """
    m = np.floor(mu)
    f = mu - m
    lg = np.log(gamma)
    logD = np.logaddexp(f * lg, (1 - f) * lg)
    up, dn = np.exp((1 - f) * lg - logD), np.exp(f * lg - logD)  # γ^(1-f)/D, γ^f/D
    c = 1 - gamma
    a_up, a_dn = 1 - f, f
    s1 = lambda a: a + gamma / c  # noqa: E731  (Σ(a+k)γ^(a+k))·(1-γ)/γ^a
    s2 = lambda a: a * a + 2 * a * gamma / c + gamma * (1 + gamma) / c**2  # noqa: E731
    m1 = up * s1(a_up) - dn * s1(a_dn)
    m2 = up * s2(a_up) + dn * s2(a_dn)
    return m1, m2


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
    case_above = np.isfinite(lower) & (lower - 1 >= m + 1)
    g_mu = np.where(case_below, below_mu, np.where(case_above, above_mu, mid_mu))
    g_g = np.where(case_below, below_g, np.where(case_above, above_g, mid_g))
    return g_mu, g_g


@register_example("Dalap")
def _dalap_example():
    return Dalap(mu=[0.2, 2.3, -7.8], gamma=[0.5, 0.6, 0.05])


@register_example("DalapBounded")
def _dalap_bounded_example():
    return Dalap(mu=[0.4, 12.5, -3.0], gamma=[0.7, 0.8, 0.3], lower=[0, 0, 0], upper=[5, 10, 3])
