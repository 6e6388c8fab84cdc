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

    def _cdf(self, y, loc, scale):
        return special.ndtr((y - loc) / scale)

    def _sf(self, y, loc, scale):
        return special.ndtr((loc - y) / scale)

    def _logpdf(self, y, loc, scale):
        z = (y - loc) / scale
        return -0.5 * z * z - np.log(scale) - _LOG_SQRT_2PI

    def logcdf(self, y):
        y, p = self._broadcast(y)
        return special.log_ndtr((y - p["loc"]) / p["scale"])

    def logsf(self, y):
        y, p = self._broadcast(y)
        return special.log_ndtr((p["loc"] - y) / p["scale"])

    def _ppf(self, q, loc, scale):
        return loc + scale * special.ndtri(q)

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

    def _cdf(self, y, mu, sigma):
        return np.where(y > 0, special.ndtr((self._logy(y) - mu) / sigma), 0.0)

    def _sf(self, y, mu, sigma):
        return np.where(y > 0, special.ndtr((mu - self._logy(y)) / sigma), 1.0)

    def _logpdf(self, y, mu, sigma):
        ly = self._logy(y)
        z = (ly - mu) / sigma
        out = -0.5 * z * z - np.log(sigma) - _LOG_SQRT_2PI - ly
        return np.where(y > 0, out, -np.inf)

    def _ppf(self, q, mu, sigma):
        return np.exp(mu + sigma * special.ndtri(q))

    def _mean(self, mu, sigma):
        return np.exp(mu + sigma**2 / 2)

    def _var(self, mu, sigma):
        return np.expm1(sigma**2) * np.exp(2 * mu + sigma**2)

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
