"""Classical count distributions on {0, 1, 2, ...}: Poisson, negative binomial (NB2), generalized Poisson."""

from __future__ import annotations

import numpy as np
from scipy import special

from ._base import DiscreteDistribution, logsumexp_rows
from ._discrete_utils import log_integral_ratio, log_one_sided_sum
from ._registry import register_example

__all__ = ["Poisson", "NegativeBinomial", "GeneralizedPoisson"]

_HALF_LOG_2PI = 0.5 * np.log(2.0 * np.pi)
#: below this value of α(y + μ + 1)² the NB2 log mass is the Poisson one: they differ by
#: α((y - μ)² - y)/2 + O(α²(y + μ)³), i.e. by less than 1e-16 (see :func:`nb2_logpmf`)
POISSON_SWITCH = 1e-16
# Bernoulli-number coefficients of Stirling's series ω(x) = Σ_k c_k / x^(2k-1)
_STIRLING = (1.0 / 12, -1.0 / 360, 1.0 / 1260, -1.0 / 1680, 1.0 / 1188, -691.0 / 360360)


def _log1pmx(x):
    """log(1 + x) - x without cancellation for small |x| (x > -1)."""
    x = np.asarray(x, float)
    out = np.empty(x.shape)
    small = np.abs(x) < 0.25
    xs = x[small]
    # alternating series -x²/2 + x³/3 - ...: 30 terms leave < 0.25^31/31 < 1e-20 of |x|²/2
    acc = np.zeros(xs.shape)
    for k in range(31, 1, -1):
        acc = (-1.0) ** (k + 1) / k + xs * acc
    out[small] = xs * xs * acc
    xl = x[~small]
    out[~small] = np.log1p(xl) - xl
    return out


def _stirling_tail(x):
    """ω(x) = log Γ(x) - ((x - ½) log x - x + ½ log 2π) for x > 0 (ω(∞) = 0)."""
    x = np.asarray(x, float)
    out = np.empty(x.shape)
    big = x >= 10.0
    xb = x[big]
    with np.errstate(divide="ignore"):
        z = 1.0 / xb
    z2 = z * z
    acc = np.zeros(xb.shape)
    for c in _STIRLING[::-1]:
        acc = c + z2 * acc
    out[big] = z * acc  # the next term is below 1e-15/x^13 for x >= 10
    xs = x[~big]
    out[~big] = special.gammaln(xs) - ((xs - 0.5) * np.log(xs) - xs + _HALF_LOG_2PI)
    return out


def _log_rising_excess(y, alpha):
    """Σ_{j<y} log(1 + jα) = log Γ(y + r) - log Γ(r) - y log r (r = 1/α), for y >= 0, α > 0.

    Written with Stirling's formula as (y - ½) log1p(yα) + y (log1p(yα) - yα)/(yα)
    + ω(y + r) - ω(r), every term of which is accurate however small α is, where the direct
    difference of log-gammas loses all digits once r log r approaches 1/ε.
    """
    x = y * alpha
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        r = 1.0 / alpha
        ratio = np.where(x > 0, _log1pmx(x) / np.where(x > 0, x, 1.0), 0.0)
        out = (y - 0.5) * np.log1p(x) + y * ratio + _stirling_tail(y + r) - _stirling_tail(r)
    return np.where(y > 0, out, 0.0)


def _bd0(x, m, diff=None):
    """x log(x/m) + m - x for x >= 0, m > 0, with full relative accuracy when x is close to m.

    The deviance term of Loader's saddle-point form of the Poisson and binomial masses
    (Loader, "Fast and accurate computation of binomial probabilities", 2000): m φ((x - m)/m)
    with φ(t) = (1 + t) log(1 + t) - t = t log1p(t) + (log1p(t) - t). ``diff`` is x - m when
    the caller knows it more precisely than the difference of the rounded x and m.
    """
    x, m = np.broadcast_arrays(np.asarray(x, float), np.asarray(m, float))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        t = ((x - m) if diff is None else diff) / m
        near = np.abs(t) < 0.5
        tn = np.where(near, t, 0.0)
        close = m * (tn * np.log1p(tn) + _log1pmx(tn))
        far = special.xlogy(x, x) - x * np.log(m) + (m - x)
    return np.where(near, close, far)


def poisson_logpmf(y, mu, diff=None):
    """Log Poisson mass at integers y >= 0 without cancellation at any mean.

    log p = -bd0(y, μ) - ½ log(2πy) - ω(y) for y >= 1 (ω: Stirling's remainder), -μ at y = 0:
    every term is of the size of the result, where y log μ - μ - log y! cancels terms of size
    μ log μ (at μ = 1e15 that leaves four digits). ``diff`` is y - μ if known more precisely
    than the difference of the rounded values.

    Examples
    --------
    >>> from scipy import stats
    >>> bool(abs(poisson_logpmf(7.0, 3.5) - stats.poisson.logpmf(7, 3.5)) < 1e-14)
    True
    """
    y, mu = np.broadcast_arrays(np.asarray(y, float), np.asarray(mu, float))
    yy = np.where(y >= 1, y, 1.0)
    out = -_bd0(yy, mu, diff) - 0.5 * np.log(2 * np.pi * yy) - _stirling_tail(yy)
    out = np.where(y >= 1, out, np.where(y == 0, -mu, -np.inf))
    return out[()] if out.ndim == 0 else out


def _k_ratio(z):
    """K(z) = (log(1 + z) - z/(1 + z))/z² for z >= 0 (K(0) = ½), without cancellation."""
    z = np.asarray(z, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        safe = np.where(z > 0, z, 1.0)
        out = _log1pmx(safe) / (safe * safe) + 1.0 / (1.0 + safe)
    return np.where(z > 0, out, 0.5)


def _stirling_tail_slope(x):
    """ω'(x) = ψ(x) - log x + 1/(2x)."""
    x = np.asarray(x, float)
    out = np.empty(x.shape)
    big = x >= 10.0
    z2 = 1.0 / x[big] ** 2
    acc = np.zeros(z2.shape)
    for k in range(len(_STIRLING), 0, -1):
        acc = -(2 * k - 1) * _STIRLING[k - 1] + z2 * acc
    out[big] = z2 * acc
    xs = x[~big]
    out[~big] = special.digamma(xs) - np.log(xs) + 0.5 / xs
    return out


def nb2_alpha_score(y, mu, alpha):
    """∂ log p/∂α of the NB2 at integers y >= 0, accurate for every α >= 0.

    Σ_{j<y} j/(1 + jα) - yμ/(1 + αμ) + μ² K(αμ) with K as in :func:`_k_ratio`; the sum is
    y(y - ½)/(1 + yα) - y² K(yα) - r²(ω'(y + r) - ω'(r)) (Stirling), and ((y - μ)² - y)/2 in the
    Poisson limit.

    Examples
    --------
    >>> float(nb2_alpha_score(np.array(3.0), 2.0, 0.0))  # ((3 - 2)² - 3)/2
    -1.0
    """
    y, mu, alpha = np.broadcast_arrays(*(np.asarray(v, float) for v in (y, mu, alpha)))
    x = y * alpha
    z = alpha * mu
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        r = 1.0 / alpha
        big = r >= 10.0
        rr = np.where(big, r, 10.0)
        # r²(ω'(y + r) - ω'(r)) by the series differences (expm1 of multiples of log1p(yα))
        L = np.log1p(x)
        dw = np.zeros(y.shape)
        for k in range(1, len(_STIRLING) + 1):
            dw += (2 * k - 1) * _STIRLING[k - 1] * rr ** (2.0 - 2 * k) * np.expm1(-2 * k * L)
        small_r = r ** 2 * (_stirling_tail_slope(y + r) - _stirling_tail_slope(r))
        tail = np.where(big, -dw, small_r)
        rising = y * (y - 0.5) / (1.0 + x) - y * y * _k_ratio(x) - tail
        out = rising - y * mu / (1.0 + z) + mu * mu * _k_ratio(z)
    limit = 0.5 * ((y - mu) ** 2 - y)
    out = np.where(alpha * (y + mu + 1) ** 2 < POISSON_SWITCH, limit, np.where(y > 0, out,
                   -y * mu / (1.0 + z) + mu * mu * _k_ratio(z)))
    return out[()] if out.ndim == 0 else out


def nb2_logpmf(y, mu, alpha, y_minus_mu=None):
    """Log mass of the NB2 (var = μ + αμ²) at integers y >= 0, accurate for every α >= 0 and μ.

    With r = 1/α and N = y + r, Stirling's formula turns log Γ(y + r) - log Γ(r) - log y!
    + r log(r/(r + μ)) + y log(μ/(r + μ)) into

        -bd0(y, ŷ) - bd0(r, r̂) - ½ log(2πy) - ½ log1p(y/r) + ω(y + r) - ω(r) - ω(y)

    with ŷ = μ(1 + (y - μ)/(r + μ)), r̂ = N - ŷ (the binomial form of Loader 2000; bd0 as in
    :func:`_bd0`). Every term is of the size of the result, so there is no cancellation as
    α → 0 (where it tends to the Poisson mass, :func:`poisson_logpmf`, used at α = 0) or at
    μ = 1e15; at y = 0 it is -r log1p(αμ). ``y_minus_mu`` is y - μ where the caller knows it
    more precisely than y.

    Examples
    --------
    >>> from scipy import stats
    >>> bool(abs(nb2_logpmf(3.0, 2.0, 0.5) - stats.nbinom.logpmf(3, 2.0, 0.5)) < 1e-14)  # r = 2, p = r/(r + μ)
    True
    >>> bool(abs(nb2_logpmf(3.0, 2.0, 1e-30) - stats.poisson.logpmf(3, 2.0)) < 1e-15)
    True
    """
    y, mu, alpha = np.broadcast_arrays(*(np.asarray(v, float) for v in (y, mu, alpha)))
    pos = alpha > 0
    yy = np.where(y >= 1, y, 1.0)
    diff = (yy - mu) if y_minus_mu is None else y_minus_mu
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        r = np.where(pos, 1.0 / np.where(pos, alpha, 1.0), 1.0)
        rel = diff / (r + mu)
        y_hat = mu * (1.0 + rel)
        # r - r̂ = -r (y - μ)/(r + μ): bd0(r, r̂) = r̂ φ(t) with t = (r - r̂)/r̂ = -rel/(1 + rel)
        r_hat = r * (1.0 + rel)
        t = -rel / (1.0 + rel)
        near = np.abs(t) < 0.5
        tn = np.where(near, t, 0.0)
        bd_r = np.where(near, r_hat * (tn * np.log1p(tn) + _log1pmx(tn)), _bd0(r, r_hat))
        # y - ŷ = (y - μ) r/(r + μ), exact up to two roundings (ŷ itself is rounded)
        nb = (-_bd0(yy, y_hat, diff * (r / (r + mu))) - bd_r - 0.5 * np.log(2 * np.pi * yy) - 0.5 * np.log1p(yy / r)
              + _stirling_tail(yy + r) - _stirling_tail(r) - _stirling_tail(yy))
        z = alpha * mu
        at_zero = -mu * np.where(z > 0, np.log1p(z) / np.where(z > 0, z, 1.0), 1.0)  # -r log(1 + z)
    out = np.where(pos, np.where(y >= 1, nb, at_zero), poisson_logpmf(y, mu, y_minus_mu))
    out = np.where(y >= 0, out, -np.inf)
    return out[()] if out.ndim == 0 else out


def _check_positive(name, value, cls):
    if np.any(value <= 0):
        raise ValueError(f"{cls}: {name} must be positive; got minimum {np.min(value)}.")


class _CountDistribution(DiscreteDistribution):
    """Shared support handling for distributions on the non-negative integers."""

    def _lower_support(self, p, shape):
        return np.zeros(shape)

    #: means between which scipy's incomplete gamma and beta functions give the cdf and sf to
    #: 1e-13 (measured against the mpmath oracle); outside, e.g. pdtrc(k, 1e12) in the far upper
    #: tail or the NB sf at μ = 1e-200, the tails are summed (:func:`count_log_tails`)
    _SPECIAL_RANGE = (1e-3, 1e7)

    def _summed_where_needed(self, y, out, p, upper):
        """Replace ``out`` by the summed tail where μ lies outside ``_SPECIAL_RANGE``."""
        lo, hi = self._SPECIAL_RANGE
        full = {k: np.broadcast_to(v, y.shape) for k, v in p.items()}
        mask = (full["mu"] < lo) | (full["mu"] > hi)
        if not mask.any():
            return out
        sub = {k: v[mask] for k, v in full.items()}
        mu = sub.pop("mu")
        log_tail, lower = count_log_tails(self._smooth_logpmf, y[mask], mu, **sub)
        tail = np.exp(log_tail)
        out = np.array(out, dtype=float, copy=True)
        out[mask] = np.where(lower != upper, tail, 1.0 - tail)
        return out

    def _quantile_guess(self, target_cdf, target_sf, /, **p):
        # Cornish-Fisher: z + (z² - 1) γ/6 standard deviations from the mean (γ the skewness);
        # the exact integer is then O(log |guess - answer|) cdf evaluations away
        mean, sd, skew = self._location_scale_skew(**p)
        with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
            z = np.where(target_cdf < 0.5, special.ndtri(target_cdf), -special.ndtri(target_sf))
            guess = np.maximum(mean + sd * (z + (z * z - 1) * skew / 6), 0.0)
        return np.where(np.isfinite(guess), guess, np.nan)


class Poisson(_CountDistribution):
    """Poisson distribution with mean ``mu`` per row.

    Parameters
    ----------
    mu : array-like, shape (n,)
        Means (positive).

    Examples
    --------
    >>> d = Poisson(mu=[1.0, 4.0])
    >>> d.pmf(2).round(4)
    array([0.1839, 0.1465])
    >>> d.cdf(np.array([[0, 3]])).round(4)
    array([[0.3679, 0.981 ],
           [0.0183, 0.4335]])
    >>> d.ppf(0.5), d.var()
    (array([1., 4.]), array([1., 4.]))
    >>> d.logpmf_grad(2)["mu"]  # y / mu - 1
    array([ 1. , -0.5])
    """

    _param_names = ("mu",)

    def _check_params(self, mu):
        _check_positive("mu", mu, "Poisson")

    def _logpmf(self, y, mu):
        return poisson_logpmf(y, mu)

    def _logpmf_grad(self, y, mu):
        return {"mu": np.where(y >= 0, y / mu - 1.0, 0.0)}

    @staticmethod
    def _smooth_logpmf(y, mu, y_minus_mu=None):
        return poisson_logpmf(y, mu, y_minus_mu)

    def _cdf(self, y, mu):
        k = np.floor(y)
        out = np.where(k >= 0, special.pdtr(np.maximum(k, 0), mu), 0.0)
        return np.where(k >= 0, self._summed_where_needed(y, out, {"mu": mu}, upper=False), 0.0)

    def _sf(self, y, mu):
        k = np.floor(y)
        out = np.where(k >= 0, special.pdtrc(np.maximum(k, 0), mu), 1.0)
        return np.where(k >= 0, self._summed_where_needed(y, out, {"mu": mu}, upper=True), 1.0)

    def _mean(self, mu):
        return mu.copy()

    def _var(self, mu):
        return mu.copy()

    def _location_scale_skew(self, mu):
        return mu, np.sqrt(mu), 1 / np.sqrt(mu)

    def _rvs(self, rng, k, mu):
        return rng.poisson(np.broadcast_to(mu, (mu.shape[0], k))).astype(float)

    def mode(self):
        """Mode floor(mu) (for integer mu, mu - 1 and mu tie; the smaller is returned)."""
        mu = self._params["mu"]
        return np.where(mu == np.floor(mu), np.maximum(mu - 1, 0), np.floor(mu))


class NegativeBinomial(_CountDistribution):
    """Negative binomial in the NB2 mean parametrisation: var = mu + alpha·mu².

    P(y) = Γ(y + r) / (Γ(r) y!) · (r/(r + mu))^r · (mu/(r + mu))^y with r = 1/alpha (R's
    ``theta`` in ``MASS::glm.nb``; statsmodels' ``alpha``).

    Parameters
    ----------
    mu : array-like, shape (n,)
        Means (positive).
    alpha : array-like, shape (n,)
        Overdispersion (non-negative); alpha = 0 is the Poisson. Mass, cdf and quantiles are
        accurate for every alpha down to 0 (see :func:`nb2_logpmf`).

    Examples
    --------
    >>> d = NegativeBinomial(mu=[2.0], alpha=[0.5])
    >>> d.var(), d.pmf(0).round(4)
    (array([4.]), array([0.25]))
    >>> d.cdf(3).round(4)
    array([0.8125])

    The Poisson limit is reached continuously: at α = 1e-14 the pmf still sums to one.

    >>> NegativeBinomial(mu=[5.0], alpha=[1e-14]).pmf(np.arange(60)[None, :]).sum().round(12)
    np.float64(1.0)
    """

    _param_names = ("mu", "alpha")

    def _check_params(self, mu, alpha):
        _check_positive("mu", mu, "NegativeBinomial")
        if np.any(alpha < 0) or np.any(np.isnan(alpha)):
            raise ValueError(f"NegativeBinomial: alpha must be >= 0 (0 is the Poisson); got minimum {np.min(alpha)}.")

    def _logpmf(self, y, mu, alpha):
        return np.where(y >= 0, nb2_logpmf(y, mu, alpha), -np.inf)

    def _logpmf_grad(self, y, mu, alpha):
        yy = np.maximum(y, 0.0)
        z = alpha * mu
        d_mu = yy / mu - (yy * alpha + 1.0) / (1.0 + z)
        d_alpha = nb2_alpha_score(yy, mu, alpha)
        ok = y >= 0
        return {"mu": np.where(ok, d_mu, 0.0), "alpha": np.where(ok, d_alpha, 0.0)}

    def _poisson_like(self, k, mu, alpha):
        """Where the NB2 cdf equals the Poisson one to double precision (see ``nb2_logpmf``)."""
        return alpha * (np.maximum(k, 0) + mu + 1) ** 2 < POISSON_SWITCH

    def _cdf(self, y, mu, alpha):
        k = np.floor(y)
        kk = np.maximum(k, 0)
        # the regularised beta in the form I_{1-p}(k + 1, r) complemented stays accurate as
        # r = 1/α grows without bound, where I_p(r, k + 1) loses every digit
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            nb = special.betaincc(kk + 1, 1.0 / alpha, alpha * mu / (1.0 + alpha * mu))
        out = np.where(self._poisson_like(k, mu, alpha), special.pdtr(kk, mu), nb)
        out = self._summed_where_needed(y, out, {"mu": mu, "alpha": alpha}, upper=False)
        return np.where(k >= 0, out, 0.0)

    def _sf(self, y, mu, alpha):
        k = np.floor(y)
        kk = np.maximum(k, 0)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            nb = special.betainc(kk + 1, 1.0 / alpha, alpha * mu / (1.0 + alpha * mu))
        out = np.where(self._poisson_like(k, mu, alpha), special.pdtrc(kk, mu), nb)
        out = self._summed_where_needed(y, out, {"mu": mu, "alpha": alpha}, upper=True)
        return np.where(k >= 0, out, 1.0)

    @staticmethod
    def _smooth_logpmf(y, mu, y_minus_mu=None, *, alpha):
        return nb2_logpmf(y, mu, alpha, y_minus_mu)

    def _mean(self, mu, alpha):
        return mu.copy()

    def _var(self, mu, alpha):
        return mu + alpha * mu * mu

    def _location_scale_skew(self, mu, alpha):
        with np.errstate(over="ignore"):
            return mu, np.sqrt(mu + alpha * mu * mu), (1 + 2 * alpha * mu) / np.sqrt(mu * (1 + alpha * mu))

    def _rvs(self, rng, k, mu, alpha):
        # gamma-Poisson mixture: λ ~ Gamma(r, μ/r) (λ = μ in the Poisson limit α = 0)
        shape = (mu.shape[0], k)
        a = np.broadcast_to(alpha, shape)
        m = np.broadcast_to(mu, shape)
        pos = a > 0
        lam = m.copy()
        lam[pos] = rng.gamma(1.0 / a[pos], m[pos] * a[pos])
        return rng.poisson(lam).astype(float)


class GeneralizedPoisson(_CountDistribution):
    """Consul's generalized Poisson distribution in a mean parametrisation.

    P(y) = θ (θ + ξ y)^(y-1) e^(-θ - ξ y) / y! with θ = mu (1 - ξ) (Consul & Jain 1973), so
    that E[Y] = mu and var(Y) = mu / (1 - ξ)². Here 0 <= ξ < 1 (over-dispersion; ξ = 0 is the
    Poisson); the under-dispersed branch ξ < 0 needs a truncated support and is not offered.

    Parameters
    ----------
    mu : array-like, shape (n,)
        Means (positive).
    xi : array-like, shape (n,)
        Dispersion in [0, 1).

    Examples
    --------
    >>> d = GeneralizedPoisson(mu=[3.0], xi=[0.5])
    >>> d.var()
    array([12.])
    >>> float(d.pmf(np.arange(400)[None, :]).sum().round(10))
    1.0
    """

    _param_names = ("mu", "xi")

    def _check_params(self, mu, xi):
        _check_positive("mu", mu, "GeneralizedPoisson")
        if np.any((xi < 0) | (xi >= 1)):
            raise ValueError("GeneralizedPoisson: xi must lie in [0, 1).")

    def _logpmf(self, y, mu, xi):
        return np.where(y >= 0, _gp_logpmf(np.maximum(y, 0.0), mu, xi=xi), -np.inf)

    def _logpmf_grad(self, y, mu, xi):
        theta = mu * (1 - xi)
        yy = np.maximum(y, 0.0)
        base = theta + xi * yy
        d_theta = 1 / theta + (yy - 1) / base - 1
        d_xi_fixed = (yy - 1) * yy / base - yy
        ok = y >= 0
        return {"mu": np.where(ok, (1 - xi) * d_theta, 0.0),
                "xi": np.where(ok, d_xi_fixed - mu * d_theta, 0.0)}

    def _log_tails(self, y, mu, xi):
        """log P(Y <= k) for k < μ - 1 and log P(Y > k) otherwise (the small side), and which
        (:func:`count_log_tails` on :func:`_gp_logpmf`)."""
        return count_log_tails(_gp_logpmf, y, mu, xi=xi)

    def _cdf(self, y, mu, xi):
        log_tail, lower = self._log_tails(y, mu, xi)
        tail = np.exp(log_tail)
        return np.where(lower, tail, 1.0 - tail)

    def _sf(self, y, mu, xi):
        log_tail, lower = self._log_tails(y, mu, xi)
        tail = np.exp(log_tail)
        return np.where(lower, 1.0 - tail, tail)

    def _logcdf(self, y, mu, xi):
        return _log_side(self, y, mu, xi, upper=False)

    def _logsf(self, y, mu, xi):
        return _log_side(self, y, mu, xi, upper=True)

    def _mean(self, mu, xi):
        return mu.copy()

    def _var(self, mu, xi):
        return mu / (1 - xi) ** 2

    def _location_scale_skew(self, mu, xi):
        return mu, np.sqrt(mu) / (1 - xi), (1 + 2 * xi) / np.sqrt(mu * (1 - xi))

    def _rvs(self, rng, k, mu, xi):
        u = rng.uniform(size=(mu.shape[0], k))
        return self._ppf(u, mu=mu, xi=xi)


#: masses summed one by one before Gregory's formula takes over (:func:`count_log_tails`)
_COUNT_HEAD = 512


def count_log_tails(logf, y, mu, **params):
    """log of the small tail of a count distribution at ⌊y⌋, and whether it is the lower one.

    P(Y <= k) is the small side for k < μ - 1, unless P(Y = 0) > ½; P(Y > k) otherwise. The
    first ``_COUNT_HEAD`` masses are summed one by one; beyond them the mass is smooth (its log
    derivatives fall like powers of 1/n) and the rest of the tail is summed by
    :func:`~distreg.distributions._discrete_utils.log_one_sided_sum` with the integral of the
    interpolating function (Gregory's formula), so the cost does not grow with μ or the
    dispersion.

    ``logf(y, mu, y_minus_mu=None, **params)`` is the family's log mass, smooth in real y >= 1;
    ``y_minus_mu`` is y - μ given more precisely than y (quadrature nodes next to μ = 1e15).
    """
    k = np.floor(y)
    shape = np.broadcast_shapes(k.shape, mu.shape, *(v.shape for v in params.values()))
    k, m = np.broadcast_to(k, shape).ravel(), np.broadcast_to(mu, shape).ravel()
    par = {name: np.broadcast_to(v, shape).ravel() for name, v in params.items()}
    lower = (k < m - 1) & (logf(np.zeros(m.shape), m, **par) < np.log(0.5))
    head_hi = np.where(lower, np.minimum(k, _COUNT_HEAD - 1), _COUNT_HEAD - 1)
    head_lo = np.where(lower, 0.0, k + 1)
    # the head: masses at head_lo..head_hi (empty where head_lo > head_hi)
    n = np.arange(_COUNT_HEAD, dtype=float)[None, :]
    with np.errstate(divide="ignore"):
        lp = logf(n, m[:, None], **{name: v[:, None] for name, v in par.items()})
    lp = np.where((n >= head_lo[:, None]) & (n <= head_hi[:, None]), lp, -np.inf)
    log_tail = logsumexp_rows(lp, axis=1)
    # the body: from s = k down to _COUNT_HEAD (lower side), from max(k + 1, _COUNT_HEAD) up
    body = np.flatnonzero(np.where(lower, k >= _COUNT_HEAD, True))
    if body.size:
        kb, mb, low_b = k[body], m[body], lower[body]
        pb = {name: v[body] for name, v in par.items()}
        start = np.where(low_b, kb, np.maximum(kb + 1, _COUNT_HEAD))
        step = np.where(low_b, -1.0, 1.0)
        length = np.where(low_b, kb - _COUNT_HEAD + 1, np.inf)
        log_start = logf(start, mb, **pb)

        def at(idx, offset):
            """log f(s + offset) - log f(s) for the body rows ``idx``."""
            s0, m0 = start[idx, None], mb[idx, None]
            with np.errstate(divide="ignore"):
                return (logf(s0 + offset, m0, (s0 - m0) + offset, **{k_: v[idx, None] for k_, v in pb.items()})
                        - log_start[idx, None])

        def rel(j, idx):
            return np.where(j < length[idx, None], at(idx, step[idx, None] * j), -np.inf)

        def far_end(idx):
            # the lower body stops at _COUNT_HEAD, where the mass need not be negligible
            j = np.arange(15, dtype=float)[None, :]
            out = at(idx, _COUNT_HEAD + j - start[idx, None])
            return np.where(low_b[idx, None] & (j < length[idx, None]), out, -np.inf)

        def integral_ratio(idx):
            d1 = rel(np.array([[1.0, 2.0]]), idx)
            curvature = np.abs(d1[:, 1] - 2 * d1[:, 0])
            scale = 1.0 / np.maximum(np.maximum(np.abs(d1[:, 0]), np.sqrt(curvature)), 1.0 / start[idx])
            # the integral runs from s to the far end of the sum (_COUNT_HEAD, or infinity)
            span = np.where(low_b[idx], start[idx] - _COUNT_HEAD, np.inf)
            return log_integral_ratio(lambda offset: at(idx, offset), start[idx], scale, span, step[idx])

        body_log = log_start + log_one_sided_sum(rel, integral_ratio, body.size, far_end=far_end)
        log_tail[body] = np.logaddexp(log_tail[body], body_log)
    return np.minimum(log_tail, 0.0).reshape(shape), lower.reshape(shape)




def _gp_logpmf(y, mu, y_minus_mu=None, *, xi):
    """log θ (θ + ξy)^(y-1) e^(-θ-ξy) / y! (θ = μ(1 - ξ)) for y >= 0, smooth in real y >= 1.

    Written as log(θ/λ) + log Poisson(y; λ) with λ = θ + ξy and the Poisson term in Loader's
    form (:func:`poisson_logpmf`), so that it keeps its relative accuracy at μ = 1e15.
    ``y_minus_mu`` is y - μ where the caller knows it more precisely than y itself (a
    quadrature node next to a mean of 1e15).
    """
    theta = mu * (1 - xi)
    lam = theta + xi * y
    # y - λ = (1 - ξ)(y - μ): the difference of the rounded y and λ would lose the digits
    # that λ's rounding carries at y = 1e15
    diff = ((y - mu) if y_minus_mu is None else y_minus_mu) * (1 - xi)
    with np.errstate(divide="ignore"):
        return np.where(y >= 1, np.log(theta) - np.log(np.where(y >= 1, lam, 1.0)) + poisson_logpmf(y, lam, diff),
                        np.where(y == 0, -theta, -np.inf))


def _log_side(dist, y, *params, upper):
    """log cdf (``upper`` False) or log sf from a family's ``_log_tails`` (small side in logs)."""
    finite = np.isfinite(y)
    log_tail, lower = dist._log_tails(np.where(finite, y, 0.0), *params)
    with np.errstate(under="ignore"):
        other = np.log1p(-np.exp(log_tail))
    out = np.where(lower != upper, log_tail, other)
    return np.where(finite, out, np.where(np.isposinf(y) != upper, 0.0, -np.inf))


@register_example("Poisson")
def _poisson_example():
    return Poisson(mu=[0.3, 4.0, 60.0])


@register_example("NegativeBinomial")
def _negbin_example():
    return NegativeBinomial(mu=[0.5, 5.0, 40.0], alpha=[2.0, 0.3, 0.05])


@register_example("GeneralizedPoisson")
def _genpoisson_example():
    return GeneralizedPoisson(mu=[0.5, 4.0, 15.0], xi=[0.0, 0.3, 0.6])
