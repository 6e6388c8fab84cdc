"""The adapted power generalised Weibull (APGW) survival distribution.

Burke, Jones & Noufaily (2020), "A flexible parametric modelling framework for survival
analysis", JRSS C 69(2), Section 2 (arXiv 1901.03212). With u = (φt)^γ and w = 1 + u/(κ+1):

* hazard                h(t) = λ γ φ^γ t^(γ-1) w^(κ-1)
* cumulative hazard     H(t) = λ (κ+1)/κ (w^κ - 1), and λ log(1 + u) at κ = 0
* survival and density  S = exp(-H), f = h S
* quantiles             H(t_p) = -log(1 - p) inverted in closed form.

Special cases: κ = 1 Weibull (λ and φ confounded), κ = 0 Burr XII (log-logistic when λ = 1),
γ = 1 and κ → ∞ Gompertz, -1 < κ < 0 defective with cure fraction exp(-λ(κ+1)/|κ|).
"""

from __future__ import annotations

import numpy as np
from scipy import special

from ._base import ContinuousDistribution
from ._registry import register_example

__all__ = ["APGW"]


def _log1prel(x):
    """log1p(x)/x with the value 1 at x = 0 (log1p keeps the ratio exact for tiny x)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(x == 0, 1.0, np.log1p(x) / x)


def _log_expm1_from(x, log_x):
    """log(e^x - 1) for x >= 0 given x and log x (accurate where x underflows or e^x overflows)."""
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        small = log_x + np.log(special.exprel(np.minimum(x, 1.0)))
        return np.where(x <= 1.0, small, x + np.log1p(-np.exp(-np.maximum(x, 1.0))))


def _log_exprel(x):
    """log((e^x - 1)/x), also where e^x overflows (x > 700)."""
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        big = np.maximum(x, 700.0)
        return np.where(x <= 700.0, np.log(special.exprel(np.minimum(x, 700.0))),
                        big - np.log(big) + np.log1p(-np.exp(-big)))


def _log_product(a, b):
    """log(a b) for a, b > 0, correct to a few ulps of |log(a b)| + 1e-16 even where a b ≈ 1.

    ``log(a) + log(b)`` cancels when a b is close to one with a, b far from it (φ = 1e-5 and
    t = 1e5), and γ log(φt) then magnifies the cancellation. Scaling both to [1/2, 1) by powers
    of two is exact; their product is split exactly into p + e by Dekker's (1971) algorithm.
    """
    ma, ea = np.frexp(a)
    mb, eb = np.frexp(b)
    p = ma * mb
    split = 134217729.0  # 2^27 + 1
    ca, cb = split * ma, split * mb
    ah, bh = ca - (ca - ma), cb - (cb - mb)
    al, bl = ma - ah, mb - bh
    e = ((ah * bh - p) + ah * bl + al * bh) + al * bl
    k = (ea + eb).astype(float)
    low = p < np.sqrt(0.5)  # bring p to [1/√2, √2): log p is then small when a b ≈ 1
    p, e, k = np.where(low, 2 * p, p), np.where(low, 2 * e, e), np.where(low, k - 1, k)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.log(p) + np.log1p(e / p) + k * np.log(2.0)
        # zeros and infinities pass through frexp unchanged; their logarithm is ±inf
        regular = np.isfinite(a) & np.isfinite(b) & (a > 0) & (b > 0)
        return np.where(regular, out, np.log(a) + np.log(b))


def _log_w(z, kappa):
    """L = log w = log(1 + e^z/(κ+1)) and log L, with z = γ log(φt); both stay accurate where
    L underflows (log L ≈ z - log(κ+1)) or e^z overflows. κ = inf gives L = 0, log L = -inf."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        c = 1.0 + kappa
        log_x = z - np.log(c)
        # e^z / c rounds once where e^z is finite; e^(z - log c) would add the rounding of
        # log c, which e^(κL) then magnifies by κL
        x = np.where(z < 700.0, np.exp(np.minimum(z, 700.0)) / c, np.exp(log_x))
        L = np.where(x < 1e300, np.log1p(x), np.logaddexp(0.0, log_x))
        log_small = np.where(x > 1e-300, np.log(x), log_x) + np.log(_log1prel(np.minimum(x, 1.0)))
        log_L = np.where(x < 1.0, log_small, np.log(L))
    return L, log_L


def apgw_log_hazard(t, lam, phi, gamma, kappa):
    """log h(t) of the APGW family (numpy, broadcasting; t > 0)."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        z = gamma * _log_product(phi, t)
        finite = np.isfinite(kappa)
        k = np.where(finite, kappa, 0.0)
        L, _ = _log_w(z, k)
        # (κ - 1) L with κ = 1 and L = inf is 0: the Weibull hazard has no w factor
        tail = np.where(finite, np.where(k == 1.0, 0.0, (k - 1.0) * L), np.exp(z))
        return np.log(lam) + np.log(gamma) + z - np.log(t) + tail


def apgw_log_cumulative_hazard(t, lam, phi, gamma, kappa):
    """(H(t), log H(t)) of the APGW family for finite t >= 0, stable for every κ > -1
    including 0 and +inf, and where H underflows (log H stays finite) or e^(κL) overflows."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        z = gamma * _log_product(phi, t)
        finite = np.isfinite(kappa)
        k = np.where(finite, kappa, 0.0)
        c = 1.0 + k
        L, log_L = _log_w(z, k)
        # H = λ (κ+1) (w^κ - 1)/κ = λ (κ+1) L exprel(κL)
        log_H = np.log(lam) + np.log(c) + log_L + _log_exprel(k * L)
        H = np.where(k * L <= 700.0, lam * c * L * special.exprel(np.minimum(k * L, 700.0)), np.exp(log_H))
        # κ → ∞: H = λ (e^u - 1) with u = e^z
        u = np.exp(z)
        log_H_inf = np.log(lam) + _log_expm1_from(u, z)
        H_inf = np.where(u <= 700.0, lam * np.expm1(np.minimum(u, 700.0)), np.exp(log_H_inf))
        H, log_H = np.where(finite, H, H_inf), np.where(finite, log_H, log_H_inf)
        zero = ~(t > 0)
        return np.where(zero, 0.0, H), np.where(zero, -np.inf, log_H)


def _cumhaz_at_infinity(lam, kappa):
    """H(∞): the finite λ(κ+1)/|κ| of a defective distribution (κ < 0), else ∞."""
    neg = kappa < 0
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(neg, lam * (1.0 + kappa) / np.abs(np.where(neg, kappa, 1.0)), np.inf)


def apgw_log_time_at(log_H, lam, phi, gamma, kappa):
    """log t solving H(t) = e^(log_H): the closed-form inverse of the cumulative hazard.

    With r = H / (λ(κ+1)): w^κ = 1 + κ r, so L = log w = r log1p(κr)/(κr), u = (κ+1)(e^L - 1)
    and t = u^(1/γ)/φ (κ = ∞: u = log(1 + H/λ)). Computed in logs throughout, so that levels of
    1e-300 and parameters of 1e±300 neither underflow nor overflow; inf where κ < 0 and the
    cure plateau lies below H (κr <= -1).
    """
    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        finite = np.isfinite(kappa)
        k = np.where(finite, kappa, 0.0)
        c = 1.0 + k
        log_r = log_H - (np.log(lam) + np.log(c))
        r = np.exp(log_r)
        kr = k * r
        # L = log1p(κr)/κ = r log1prel(κr) ...
        rel = _log1prel(np.minimum(kr, 1.0))
        L, log_L = r * rel, log_r + np.log(rel)
        big = kr > 1.0
        if big.any():
            # ... and for κr > 1 (κ > 0) through log κ + log r, finite where r overflows
            kpos = np.where(k > 0, k, 1.0)
            L_big = np.logaddexp(0.0, np.log(kpos) + log_r) / kpos
            L, log_L = np.where(big, L_big, L), np.where(big, np.log(L_big), log_L)
        log_u = np.log(c) + _log_expm1_from(L, log_L)
        if not finite.all():
            # κ = ∞: u = log1p(H/λ)
            x = log_H - np.log(lam)
            log_u_inf = np.where(x < 0.0, x + np.log(_log1prel(np.exp(np.minimum(x, 0.0)))),
                                 np.log(np.logaddexp(0.0, x)))
            log_u = np.where(finite, log_u, log_u_inf)
        log_t = log_u / gamma - np.log(phi)
        return np.where(finite & (kr <= -1.0), np.inf, log_t)


class APGW(ContinuousDistribution):
    """Adapted power generalised Weibull distribution (one row per observation).

    Parameters
    ----------
    lam : array-like
        λ > 0, the proportional-hazards scale.
    phi : array-like
        φ > 0, the accelerated-failure-time scale (a rate: larger φ, shorter times).
    gamma : array-like
        γ > 0, the power shape.
    kappa : array-like
        κ > -1, the second shape; ``np.inf`` gives the κ → ∞ limit H = λ(exp(u) - 1).

    Notes
    -----
    Survival distributions with κ < 0 are defective: S(t) → ``exp(-λ(κ+1)/|κ|)`` (the cure
    fraction), so ``ppf`` is ``inf`` above the cure point, samples can be ``inf`` and the mean
    is infinite.

    Examples
    --------
    >>> d = APGW(lam=1.0, phi=[0.5, 0.5], gamma=[1.5, 1.5], kappa=[1.0, -0.5])
    >>> d.sf(2.0).round(4)            # Weibull row: exp(-(0.5*2)^1.5)
    array([0.3679, 0.6553])
    >>> d.cure_fraction().round(4)    # exp(-λ(κ+1)/|κ|)
    array([0.    , 0.3679])
    >>> d.ppf(0.9)                    # beyond the cure point the quantile is infinite
    array([3.4874,    inf])
    """

    _param_names = ("lam", "phi", "gamma", "kappa")

    def _check_params(self, lam, phi, gamma, kappa):
        for name, v in (("lam", lam), ("phi", phi), ("gamma", gamma)):
            if np.any(~(v > 0)) or np.any(np.isinf(v)):
                raise ValueError(f"APGW: {name} must be positive and finite; got minimum {np.min(v)}.")
        if np.any(~(kappa > -1)):
            raise ValueError(f"APGW: kappa must be greater than -1; got minimum {np.min(kappa)}.")

    # ------------------------------------------------------------------ core functions
    def _log_cumhaz(self, y, lam, phi, gamma, kappa):
        """(H(y), log H(y)) for every y, with H(∞) the cure plateau's -log (κ < 0) or ∞."""
        top = np.isposinf(y)
        H, log_H = apgw_log_cumulative_hazard(np.where(top, 1.0, np.maximum(y, 0.0)), lam, phi, gamma, kappa)
        if not top.any():
            return H, log_H
        limit = _cumhaz_at_infinity(lam, kappa)
        with np.errstate(divide="ignore"):
            return np.where(top, limit, H), np.where(top, np.log(limit), log_H)

    def _cumhaz(self, y, lam, phi, gamma, kappa):
        return self._log_cumhaz(y, lam, phi, gamma, kappa)[0]

    def _cdf(self, y, lam, phi, gamma, kappa):
        return -np.expm1(-self._cumhaz(y, lam, phi, gamma, kappa))

    def _sf(self, y, lam, phi, gamma, kappa):
        return np.exp(-self._cumhaz(y, lam, phi, gamma, kappa))

    def _logsf(self, y, lam, phi, gamma, kappa):
        return -self._cumhaz(y, lam, phi, gamma, kappa)

    def _logcdf(self, y, lam, phi, gamma, kappa):
        # log(1 - e^-H) = log H + log(exprel(-H)): finite where H (and so the cdf) underflows
        # and log1p(-e^-H) beyond, where e^-H < 0.61 (and may be far below 1e-16)
        H, log_H = self._log_cumhaz(y, lam, phi, gamma, kappa)
        with np.errstate(divide="ignore", invalid="ignore"):
            small = log_H + np.log(special.exprel(-np.minimum(H, 0.5)))
            return np.where(H <= 0.5, small, np.log1p(-np.exp(-np.maximum(H, 0.5))))

    def _logpdf(self, y, lam, phi, gamma, kappa):
        pos = (y > 0) & np.isfinite(y)
        ys = np.where(pos, y, 1.0)
        with np.errstate(invalid="ignore"):
            out = apgw_log_hazard(ys, lam, phi, gamma, kappa) - self._cumhaz(ys, lam, phi, gamma, kappa)
        # an infinite hazard meets an infinite cumulative hazard far in the tail: density 0
        return np.where(pos & ~np.isnan(out), out, -np.inf)

    def hazard(self, y):
        """Hazard h(y) (0 for y <= 0)."""
        y, p = self._broadcast(y)
        pos = y > 0
        with np.errstate(over="ignore"):
            out = np.exp(apgw_log_hazard(np.where(pos, y, 1.0), **p))
        return np.where(pos, out, 0.0)

    def cumulative_hazard(self, y):
        """Cumulative hazard H(y) = -log S(y)."""
        y, p = self._broadcast(y)
        return self._cumhaz(y, **p)

    def _time_at(self, log_H, q_zero, q_one, lam, phi, gamma, kappa):
        with np.errstate(over="ignore"):
            t = np.exp(apgw_log_time_at(log_H, lam, phi, gamma, kappa))
        return np.where(q_zero, 0.0, np.where(q_one, np.inf, t))

    def _ppf(self, q, lam, phi, gamma, kappa):
        # invert H(t) = -log(1 - q) in closed form
        with np.errstate(divide="ignore"):
            log_H = np.log(-np.log1p(-q))
        return self._time_at(log_H, q <= 0, q >= 1, lam, phi, gamma, kappa)

    def _isf(self, q, lam, phi, gamma, kappa):
        # H(t) = -log(q) from the upper-tail level itself
        with np.errstate(divide="ignore"):
            log_H = np.log(-np.log(q))
        return self._time_at(log_H, q >= 1, q <= 0, lam, phi, gamma, kappa)

    def _lower_support(self, p, shape):
        return np.zeros(shape)

    def cure_fraction(self):
        """P(T = ∞) per row: ``exp(-λ(κ+1)/|κ|)`` for κ < 0, else 0."""
        return np.exp(-_cumhaz_at_infinity(self._params["lam"], self._params["kappa"]))

    # ------------------------------------------------------------------ moments
    def _infinite_moment(self, k, lam, gamma, kappa):
        # κ < 0: defective; κ = 0 (Burr XII): S ~ u^(-λ) in the tail, so E T^k needs λγ > k
        return (kappa < 0) | ((kappa == 0) & (lam * gamma <= k))

    def _moment(self, order, lam, phi, gamma, kappa):
        """Mean (order 1) or variance (order 2) per row, inf where infinite; computed in blocks
        of rows that fit in cache (:func:`_apgw_moments`)."""
        inf = self._infinite_moment(order, lam, gamma, kappa)
        params = [np.where(inf, 1.0, v) for v in (lam, phi, gamma, kappa)]
        out = np.empty(lam.shape[0])
        for start in range(0, out.size, 256):
            rows = slice(start, start + 256)
            mean, var = _apgw_moments(*(v[rows] for v in params), variance=order == 2)
            out[rows] = mean if order == 1 else var
        return np.where(inf, np.inf, out)

    def _mean(self, lam, phi, gamma, kappa):
        return self._moment(1, lam, phi, gamma, kappa)

    def _var(self, lam, phi, gamma, kappa):
        return self._moment(2, lam, phi, gamma, kappa)

    def rmst(self, tau):
        """Restricted mean survival time ∫₀^τ S(t) dt per row (τ scalar or (n,)).

        Gauss-Legendre quadrature in v with t = τ v², which absorbs the t^γ behaviour of S
        near 0 for γ >= 1/2.
        """
        tau = np.broadcast_to(np.asarray(tau, dtype=float), (self._n,))
        nodes, weights = np.polynomial.legendre.leggauss(96)
        v = (nodes + 1) / 2
        t = tau[:, None] * v[None, :] ** 2
        s = self._sf(t, **self._expand_params(2))
        return (s * (2 * tau[:, None] * v[None, :]) * weights[None, :]).sum(axis=1) / 2


def _trapezoid_nodes(g, coarse, m=256):
    """Per row, ``m`` equispaced nodes on the range where ``g`` (log integrand on the coarse
    grid, shape (n, c)) exceeds e^-45 of its peak, widened by one coarse step; and the step."""
    keep = g >= g.max(axis=1, keepdims=True) - 45.0
    step = coarse[0, 1] - coarse[0, 0]
    lo = np.where(keep, coarse, np.inf).min(axis=1) - step
    hi = np.where(keep, coarse, -np.inf).max(axis=1) + step
    return lo[:, None] + (hi - lo)[:, None] * np.linspace(0.0, 1.0, m)[None, :], (hi - lo) / (m - 1)


def _log_trapezoid(log_f, s, h):
    """log of the trapezoid sum of exp(log_f(s) + s - e^s) (the integrand vanishes at both ends)."""
    return special.logsumexp(log_f + s - np.exp(s), axis=1) + np.log(h)


def _apgw_moments(lam, phi, gamma, kappa, variance=True):
    """Mean and (if ``variance``) variance of APGW rows with finite moments.

    T = t(E) with E = H(T) ~ Exp(1), so E f(T) = ∫ f(t(e^s)) exp(s - e^s) ds over s = log E,
    with t(·) the closed-form inverse of H (:func:`apgw_log_time_at`). In s the integrand decays
    at least like e^s on the left and double-exponentially on the right (also for the
    power-law tails of κ ≈ 0) and is analytic in a strip of half-width π/2, so the trapezoid
    rule converges geometrically (Trefethen & Weideman 2014, SIAM Review 56(3), Section 5).
    Each integral gets 256 nodes on the range where its integrand exceeds e^-45 of its peak
    (located on a coarse grid), which gives about 1e-14 relative against mpmath and the Weibull
    and Burr XII closed forms (tests/distributions/test_apgw.py). The variance is
    E T² - (E T)² where that loses at most one bit (E T² >= 2 (E T)²), and otherwise the direct
    integral of (T - E T)², which keeps its relative accuracy when the spread is tiny (large γ).
    Sums run in logs, so only a moment beyond the double range overflows (to inf, with numpy's
    RuntimeWarning).
    """
    p = {k: v[:, None] for k, v in dict(lam=lam, phi=phi, gamma=gamma, kappa=kappa).items()}
    coarse = np.arange(-60.0, 61.0, 1.0)[None, :]
    log_t = apgw_log_time_at(coarse, **p)
    weight = np.broadcast_to(coarse - np.exp(coarse), log_t.shape)
    g = [weight, log_t + weight, 2 * log_t + weight]

    s1, h1 = _trapezoid_nodes(g[1], coarse)
    log_mean = _log_trapezoid(apgw_log_time_at(s1, **p), s1, h1)
    if not variance:
        return np.exp(log_mean), None
    s2, h2 = _trapezoid_nodes(g[2], coarse)
    log_m2 = _log_trapezoid(2 * apgw_log_time_at(s2, **p), s2, h2)
    ratio = np.exp(np.minimum(2 * log_mean - log_m2, 0.0))
    log_var = log_m2 + np.log1p(-np.minimum(ratio, 0.5))
    direct = ratio > 0.5
    if direct.any():
        rows = {k: v[direct] for k, v in p.items()}
        # (T - E T)² e^-E is large where either the density of E or T² e^-E is
        g0, g2 = g[0][direct], g[2][direct]
        both = np.maximum(g0 - g0.max(axis=1, keepdims=True), g2 - g2.max(axis=1, keepdims=True))
        s0, h0 = _trapezoid_nodes(both, coarse)
        d = apgw_log_time_at(s0, **rows) - log_mean[direct, None]
        with np.errstate(divide="ignore"):
            log_dev = np.log(np.abs(np.expm1(np.minimum(d, 1.0))))
        log_dev = np.where(d <= 1.0, log_dev, d + np.log1p(-np.exp(-np.maximum(d, 1.0))))
        log_var[direct] = 2 * log_mean[direct] + _log_trapezoid(2 * log_dev, s0, h0)
    return np.exp(log_mean), np.exp(log_var)


@register_example("APGW")
def _apgw_example():
    # increasing, decreasing, up-then-down (κ = 0, γ > 1), bathtub (γ < 1, κ > 1) hazards
    return APGW(lam=[1.0, 2.0, 1.0, 0.5], phi=[1.0, 0.5, 2.0, 1.0],
                gamma=[2.0, 0.7, 3.0, 0.5], kappa=[1.0, 0.5, 0.0, 4.0])


@register_example("APGW (cure)")
def _apgw_cure_example():
    # defective rows: cure fractions exp(-1) = 0.37 and exp(-4) = 0.018
    return APGW(lam=[1.0, 1.2], phi=[1.0, 0.5], gamma=[1.5, 1.0], kappa=[-0.5, -0.3])
