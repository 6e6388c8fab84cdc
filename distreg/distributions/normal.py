"""Normal and log-normal distributions."""

from __future__ import annotations

import numpy as np
from scipy import special

from ._base import ContinuousDistribution
from ._registry import register_example

__all__ = ["Normal", "LogNormal"]

_LOG_SQRT_2PI = 0.5 * np.log(2 * np.pi)


def _check_finite(name, value, cls):
    if not np.all(np.isfinite(value)):
        raise ValueError(f"{cls}: {name} must be finite; got {int((~np.isfinite(value)).sum())} infinite entries.")


def _check_positive(name, value, cls):
    if np.any(value <= 0):
        raise ValueError(f"{cls}: {name} must be positive; got minimum {np.min(value)}.")


# log 2 split so that e * _LN2_HI is exact for every binary exponent e of a double (Cody & Waite
# 1980, Ch. 6): _LN2_HI keeps the leading 32 bits, _LN2_LO the next 53
_LN2_HI = 6.93147180369123816490e-01
_LN2_LO = 1.90821492927058770002e-10


def _log_minus(y, mu):
    """log(y) - mu for y > 0, accurate to about 1e-16 absolute however large log y is.

    Computing log(y) first costs an absolute error of 1e-16 |log y| (7e-14 at y = 1e300),
    which (log y - μ)/σ magnifies by 1/σ. Here y = m 2^e with m in [1/√2, √2) exactly, and
    e log 2 - μ is formed with the exact product e * _LN2_HI, leaving only the small log(m).
    """
    m, e = np.frexp(y)
    low = m < np.sqrt(0.5)
    m, e = np.where(low, 2 * m, m), np.where(low, e - 1, e).astype(float)
    return (e * _LN2_HI - mu) + (e * _LN2_LO + np.log1p(m - 1.0))


class Normal(ContinuousDistribution):
    """Normal distribution N(loc, scale²) per row.

    Parameters
    ----------
    loc : array-like, shape (n,)
        Means.
    scale : array-like, shape (n,)
        Standard deviations (positive).

    Examples
    --------
    >>> d = Normal(loc=[0.0, 10.0], scale=[1.0, 2.0])
    >>> d.ppf(0.975).round(3)
    array([ 1.96, 13.92])
    >>> d.interval(0.9).round(3)
    array([[-1.645,  1.645],
           [ 6.71 , 13.29 ]])
    """

    _param_names = ("loc", "scale")

    def _check_params(self, loc, scale):
        _check_finite("loc", loc, "Normal")
        _check_finite("scale", scale, "Normal")
        _check_positive("scale", scale, "Normal")

    def _z(self, y, loc, scale):
        # (y - loc)/scale beyond the double range is ±inf, where cdf, sf and density have
        # their limits (a point 1e10 away from a component of scale 1e-300)
        with np.errstate(over="ignore"):
            return (y - loc) / scale

    def _cdf(self, y, loc, scale):
        return special.ndtr(self._z(y, loc, scale))

    def _sf(self, y, loc, scale):
        return special.ndtr(-self._z(y, loc, scale))

    def _logpdf(self, y, loc, scale):
        z = self._z(y, loc, scale)
        with np.errstate(over="ignore"):  # z² beyond 1e308: the log density is -inf
            return -0.5 * z * z - np.log(scale) - _LOG_SQRT_2PI

    def _logcdf(self, y, loc, scale):
        # log_ndtr stays finite and accurate far below the underflow of ndtr (logsf(40) ≈ -804.6)
        return special.log_ndtr(self._z(y, loc, scale))

    def _logsf(self, y, loc, scale):
        return special.log_ndtr(-self._z(y, loc, scale))

    def _ppf(self, q, loc, scale):
        return loc + scale * special.ndtri(q)

    def _isf(self, q, loc, scale):
        # ndtri(q) for the small upper-tail level itself, not ndtri(1 - q)
        return loc - scale * special.ndtri(q)

    def _mean(self, loc, scale):
        return loc.copy()

    def _var(self, loc, scale):
        return scale**2

    def _rvs(self, rng, k, loc, scale):
        return loc + scale * rng.standard_normal((loc.shape[0], k))

    def _crps(self, y, loc, scale):
        # Gneiting, Raftery, Westveld & Goldman (2005), eq. 5
        z = (y - loc) / scale
        pdf = np.exp(-0.5 * z * z - _LOG_SQRT_2PI)
        return scale * (z * (2 * special.ndtr(z) - 1) + 2 * pdf - 1 / np.sqrt(np.pi))


class LogNormal(ContinuousDistribution):
    """Log-normal distribution: log Y ~ N(mu, sigma²) per row.

    Parameters
    ----------
    mu : array-like, shape (n,)
        Mean of log Y (R's ``meanlog``).
    sigma : array-like, shape (n,)
        Standard deviation of log Y (R's ``sdlog``), positive.

    Examples
    --------
    >>> d = LogNormal(mu=[0.0], sigma=[1.0])
    >>> float(d.median()[0])
    1.0
    >>> d.mean().round(4)
    array([1.6487])
    """

    _param_names = ("mu", "sigma")

    def _check_params(self, mu, sigma):
        _check_finite("mu", mu, "LogNormal")
        _check_finite("sigma", sigma, "LogNormal")
        _check_positive("sigma", sigma, "LogNormal")

    def _logy(self, y):
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log(np.where(y > 0, y, np.nan))

    def _z(self, y, mu, sigma):
        """(log y - μ)/σ, with log y - μ formed to about 1e-16 absolute (see _log_minus)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return _log_minus(np.where(y > 0, y, np.nan), mu) / sigma

    def _cdf(self, y, mu, sigma):
        return np.where(y > 0, special.ndtr(self._z(y, mu, sigma)), 0.0)

    def _sf(self, y, mu, sigma):
        return np.where(y > 0, special.ndtr(-self._z(y, mu, sigma)), 1.0)

    def _logpdf(self, y, mu, sigma):
        z = self._z(y, mu, sigma)
        with np.errstate(over="ignore"):
            out = -0.5 * z * z - np.log(sigma) - _LOG_SQRT_2PI - self._logy(y)
        return np.where(y > 0, out, -np.inf)

    def _logcdf(self, y, mu, sigma):
        return np.where(y > 0, special.log_ndtr(self._z(y, mu, sigma)), -np.inf)

    def _logsf(self, y, mu, sigma):
        return np.where(y > 0, special.log_ndtr(-self._z(y, mu, sigma)), 0.0)

    def _ppf(self, q, mu, sigma):
        return np.exp(mu + sigma * special.ndtri(q))

    def _isf(self, q, mu, sigma):
        return np.exp(mu - sigma * special.ndtri(q))

    def _mean(self, mu, sigma):
        return np.exp(mu + sigma**2 / 2)

    def _var(self, mu, sigma):
        # (e^{σ²} - 1) e^{2μ + σ²} assembled in logs: e^{σ²} - 1 alone overflows for σ² > 709
        # although the product is finite when μ is very negative
        s2 = sigma**2
        # log(e^{σ²} - 1) = 2 log σ + log(exprel(σ²)) for small σ, also where σ² underflows
        log_expm1 = np.where(s2 < 1.0, 2 * np.log(sigma) + np.log(special.exprel(np.minimum(s2, 1.0))),
                             s2 + np.log1p(-np.exp(-np.maximum(s2, 1.0))))
        return np.exp(log_expm1 + 2 * mu + s2)

    def _rvs(self, rng, k, mu, sigma):
        return np.exp(mu + sigma * rng.standard_normal((mu.shape[0], k)))

    def _crps(self, y, mu, sigma):
        # Baran & Lerch (2015), eq. 5; for y <= 0 the CRPS is E|X - y| - E|X - X'|/2 with X > 0
        mean = np.exp(mu + sigma**2 / 2)
        half_gini = 2 * mean * special.ndtr(-sigma / np.sqrt(2))  # = mean - E|X - X'|/2
        z = (self._logy(y) - mu) / sigma
        pos = y * (2 * special.ndtr(z) - 1) - 2 * mean * (special.ndtr(z - sigma) - special.ndtr(-sigma / np.sqrt(2)))
        return np.where(y > 0, pos, half_gini - y)

    def _lower_support(self, p, shape):
        return np.zeros(shape)


@register_example("Normal")
def _normal_example():
    return Normal(loc=[0.0, -3.0, 100.0], scale=[1.0, 0.1, 25.0])


@register_example("LogNormal")
def _lognormal_example():
    return LogNormal(mu=[0.0, 2.0, -1.0], sigma=[0.5, 1.0, 0.2])
