"""Discretised continuous distributions: the mass of N(μ, σ²) or Laplace(μ, b) on [n - ½, n + ½).

These are the "dnormal" and "dlaplace" baselines of Maat & Bloem (arXiv 2602.10751): a
continuous distribution rounded to the nearest integer, so p(n) = F(n + ½) - F(n - ½).
"""

from __future__ import annotations

import numpy as np
from scipy import special

from ._base import DiscreteDistribution
from ._discrete_utils import fix_integer_ppf, window_moments
from ._registry import register_example

__all__ = ["DiscretizedNormal", "DiscretizedLaplace"]

_LOG_SQRT_2PI = 0.5 * np.log(2 * np.pi)


#: below this cell width (in standard deviations) log Φ(a) - log Φ(b) comes from quadrature
_NARROW = 0.01


def _mills(t):
    """φ(t)/Φ(t), accurate for t <= 0 (and a little above) through the scaled erfc."""
    return np.sqrt(2 / np.pi) / special.erfcx(-t / np.sqrt(2))


def _log_diff_ndtr(a, b, width=None):
    """log(Φ(b) - Φ(a)) for a < b, accurate in both tails and for narrow cells.

    The result is log Φ(b) + log(1 - e^δ) with δ = log Φ(a) - log Φ(b) < 0. For a cell much
    narrower than one standard deviation (a wide σ) δ is a tiny difference of two large logs,
    so it is taken instead as δ = -∫_a^b φ/Φ by Simpson's rule: the ratio φ/Φ is smooth, and
    below a width of 0.01 the rule's error is under 1e-11 of δ. ``width`` is b - a when the
    caller knows it more accurately than the difference of the rounded ends (1/σ for a unit
    cell: at σ = 1e9 and 37σ from μ, b - a is off by 4e-6 relative).
    """
    # mirror so that the interval lies where Φ is not close to 1
    flip = a > 0
    lo = np.where(flip, -b, a)
    hi = np.where(flip, -a, b)
    la, lb = special.log_ndtr(lo), special.log_ndtr(hi)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        delta = la - lb
        width = hi - lo if width is None else width
        narrow = np.isfinite(lo) & np.isfinite(hi) & (width < _NARROW)
        if np.any(narrow):
            lo_, hi_ = np.where(narrow, lo, 0.0), np.where(narrow, hi, 0.0)
            quad = -np.where(narrow, width, 0.0) / 6 * (_mills(lo_) + 4 * _mills((lo_ + hi_) / 2) + _mills(hi_))
            delta = np.where(narrow, quad, delta)
        return lb + np.log(-np.expm1(delta))


class DiscretizedNormal(DiscreteDistribution):
    """A normal distribution rounded to the nearest integer: p(n) = Φ((n+½-μ)/σ) - Φ((n-½-μ)/σ).

    Parameters
    ----------
    mu : array-like, shape (n,)
        Mean of the underlying normal.
    sigma : array-like, shape (n,)
        Its standard deviation (positive).

    Examples
    --------
    >>> d = DiscretizedNormal(mu=[0.0, 10.2], sigma=[1.0, 3.0])
    >>> d.pmf(0).round(4), d.cdf(10).round(4)
    (array([0.3829, 0.0004]), array([1.    , 0.5398]))
    >>> d.ppf(0.5)
    array([ 0., 10.])
    """

    _param_names = ("mu", "sigma")

    def _check_params(self, mu, sigma):
        if np.any(sigma <= 0):
            raise ValueError("DiscretizedNormal: sigma must be positive.")

    def _logpmf(self, y, mu, sigma):
        return _log_diff_ndtr((y - 0.5 - mu) / sigma, (y + 0.5 - mu) / sigma, 1 / sigma)

    def _logpmf_grad(self, y, mu, sigma):
        a, b = (y - 0.5 - mu) / sigma, (y + 0.5 - mu) / sigma
        lp = self._logpmf(y, mu, sigma)
        # φ(z)/P computed in logs so that far-tail rows stay finite
        ra = np.exp(-0.5 * a * a - _LOG_SQRT_2PI - lp)
        rb = np.exp(-0.5 * b * b - _LOG_SQRT_2PI - lp)
        return {"mu": (ra - rb) / sigma, "sigma": (a * ra - b * rb) / sigma}

    def _cdf(self, y, mu, sigma):
        return special.ndtr((np.floor(y) + 0.5 - mu) / sigma)

    def _sf(self, y, mu, sigma):
        return special.ndtr((mu - np.floor(y) - 0.5) / sigma)

    def _logcdf(self, y, mu, sigma):
        # log Φ itself: finite far into the lower tail, where Φ underflows; y = ±inf gives
        # z = ±inf, for which log_ndtr is exactly -inf or 0
        with np.errstate(over="ignore", invalid="ignore"):
            return special.log_ndtr((np.floor(y) + 0.5 - mu) / sigma)

    def _logsf(self, y, mu, sigma):
        with np.errstate(over="ignore", invalid="ignore"):
            return special.log_ndtr((mu - np.floor(y) - 0.5) / sigma)

    def _ppf(self, q, mu, sigma):
        with np.errstate(divide="ignore", invalid="ignore"):
            k = np.ceil(mu + sigma * special.ndtri(q) - 0.5)
        k = np.where((q > 0) & (q < 1), k, 0.0)
        k = fix_integer_ppf(lambda x: self._cdf(x, mu, sigma), k, q)
        return np.where(q <= 0, -np.inf, np.where(q >= 1, np.inf, k)) + 0.0

    def _moments(self, mu, sigma):
        # for σ >= 2 the rounding corrections are below 1e-30 (Poisson summation): Sheppard exact
        mean = mu.copy()
        var = sigma**2 + 1.0 / 12
        small = sigma < 2
        if small.any():
            m, v = window_moments(lambda k: self._logpmf(k, mu[small][:, None], sigma[small][:, None]),
                                  mu[small], np.full(small.sum(), 30.0))
            mean[small], var[small] = m, v
        return mean, var

    def _mean(self, mu, sigma):
        return self._moments(mu, sigma)[0]

    def _var(self, mu, sigma):
        return self._moments(mu, sigma)[1]

    def _rvs(self, rng, k, mu, sigma):
        return np.floor(mu + sigma * rng.standard_normal((mu.shape[0], k)) + 0.5)


class DiscretizedLaplace(DiscreteDistribution):
    """A Laplace(μ, b) variable rounded to the nearest integer (mass on [n - ½, n + ½)).

    Parameters
    ----------
    mu : array-like, shape (n,)
        Location of the underlying Laplace.
    b : array-like, shape (n,)
        Its scale (positive).

    Examples
    --------
    >>> d = DiscretizedLaplace(mu=[0.0], b=[1.0])
    >>> d.pmf(np.array([[0, 1]])).round(4)
    array([[0.3935, 0.1917]])
    >>> d.var().round(4)
    array([2.0764])
    """

    _param_names = ("mu", "b")

    def _check_params(self, mu, b):
        if np.any(b <= 0):
            raise ValueError("DiscretizedLaplace: b must be positive.")

    def _parts(self, y, mu, b):
        lo = (y - 0.5 - mu) / b
        hi = (y + 0.5 - mu) / b
        return lo, hi

    def _logpmf(self, y, mu, b):
        lo, hi = self._parts(y, mu, b)
        h = 0.5 / b
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            # interval below μ: ½e^{(y-μ)/b}·2 sinh(h); above: mirror; straddling: 1 - ½e^{-hi} - ½e^{lo}
            # 1 - e^(-2h) through expm1: at a wide b it is a small difference from one
            log_sinh = h + np.log(-np.expm1(-2 * h)) - np.log(2.0)
            below = (y - mu) / b + log_sinh
            above = (mu - y) / b + log_sinh
            # the cell holding μ: one minus its two tails while they are small, else the
            # same mass as -(e^(-hi) - 1 + e^(lo) - 1)/2, a sum of like-signed terms
            tails = 0.5 * np.exp(-hi) + 0.5 * np.exp(lo)
            mid = np.where(tails < 0.5, np.log1p(-tails), np.log(-0.5 * (np.expm1(-hi) + np.expm1(lo))))
        return np.where(hi <= 0, below, np.where(lo >= 0, above, mid))

    def _logpmf_grad(self, y, mu, b):
        lo, hi = self._parts(y, mu, b)
        h = 0.5 / b
        # d log sinh(h)/db = -coth(h) h / b
        dls_db = -h / (b * np.tanh(h))
        d_mu_below, d_b_below = -1.0 / b, -(y - mu) / b**2 + dls_db
        d_mu_above, d_b_above = 1.0 / b, -(mu - y) / b**2 + dls_db
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            # P from the log mass, which does not cancel at a wide b
            P = np.exp(self._logpmf(y, mu, b))
            # dP/dμ = -½e^{-hi}/b + ½e^{lo}/b ; dP/db = -½e^{-hi} hi/b + ½ e^{lo} lo/b
            d_mu_mid = 0.5 * (np.expm1(lo) - np.expm1(-hi)) / b / P
            d_b_mid = (-0.5 * np.exp(-hi) * hi + 0.5 * np.exp(lo) * lo) / b / P
        below, above = hi <= 0, lo >= 0
        return {"mu": np.where(below, d_mu_below, np.where(above, d_mu_above, d_mu_mid)),
                "b": np.where(below, d_b_below, np.where(above, d_b_above, d_b_mid))}

    def _F(self, x, mu, b):
        z = (x - mu) / b
        with np.errstate(over="ignore"):
            return np.where(z < 0, 0.5 * np.exp(np.minimum(z, 0)), 1 - 0.5 * np.exp(-np.maximum(z, 0)))

    def _cdf(self, y, mu, b):
        return self._F(np.floor(y) + 0.5, mu, b)

    def _sf(self, y, mu, b):
        z = (np.floor(y) + 0.5 - mu) / b
        return np.where(z < 0, 1 - 0.5 * np.exp(np.minimum(z, 0)), 0.5 * np.exp(-np.maximum(z, 0)))

    def _logcdf(self, y, mu, b):
        # the Laplace log cdf at ⌊y⌋ + ½: log(½) + z below μ, log1p(-½e^(-z)) above; y = ±inf
        # gives z = ±inf and so -inf or 0 (the clamps keep the unused branch finite)
        with np.errstate(over="ignore", invalid="ignore"):
            z = (np.floor(y) + 0.5 - mu) / b
        return np.where(z < 0, np.log(0.5) + np.minimum(z, 0), np.log1p(-0.5 * np.exp(-np.maximum(z, 0))))

    def _logsf(self, y, mu, b):
        with np.errstate(over="ignore", invalid="ignore"):
            z = (np.floor(y) + 0.5 - mu) / b
        return np.where(z >= 0, np.log(0.5) - np.maximum(z, 0), np.log1p(-0.5 * np.exp(np.minimum(z, 0))))

    def _ppf(self, q, mu, b):
        with np.errstate(divide="ignore", invalid="ignore"):
            x = np.where(q < 0.5, mu + b * np.log(2 * q), mu - b * np.log(2 * (1 - q)))
            k = np.ceil(x - 0.5)
        k = np.where((q > 0) & (q < 1), k, 0.0)
        k = fix_integer_ppf(lambda v: self._cdf(v, mu, b), k, q)
        return np.where(q <= 0, -np.inf, np.where(q >= 1, np.inf, k)) + 0.0

    def _moments(self, mu, b):
        """Mean and variance in closed form, at a cost independent of b.

        Let n0 be the integer whose cell [n0 - ½, n0 + ½) holds μ and d = n0 - μ in (-½, ½].
        Beyond that cell the Laplace tails are exponential, so Y = n0 + 1 + J with probability
        A_up = ½e^(-(½ + d)/b), Y = n0 - 1 - J with probability A_dn = ½e^(-(½ - d)/b), and
        Y = n0 otherwise, where J is geometric, P(J = j) = (1 - ρ)ρ^j, ρ = e^(-1/b) (the
        "dlaplace" of Maat & Bloem, arXiv 2602.10751; the sums are elementary). Hence

            E[Y] - n0 = (A_up - A_dn)/(1 - ρ),  E[(Y - n0)²] = (A_up + A_dn)(1 + ρ)/(1 - ρ)²,

        with A_up - A_dn = -sign(d) ½e^(-(½ - |d|)/b)(1 - e^(-2|d|/b)) and
        A_up + A_dn = ½e^(-(½ - |d|)/b)(1 + e^(-2|d|/b)): every factor is taken through exp or
        expm1 of a non-positive argument, so nothing overflows (b -> 0) or cancels (b -> inf,
        where the difference is -e^(-1/(2b)) sinh(d/b)).
        """
        n0 = np.floor(mu + 0.5)
        # μ + ½ may round up onto the next integer (μ = 0.5 - 2^-54)
        n0 = np.where(n0 - mu > 0.5, n0 - 1, n0)
        d = n0 - mu
        ad = np.abs(d)
        with np.errstate(over="ignore", under="ignore"):
            near = 0.5 * np.exp(-(0.5 - ad) / b)  # the larger of A_up, A_dn
            far = -np.expm1(-2 * ad / b)  # 1 - (smaller / larger)
            diff = -np.sign(d) * near * far
            total = near * (2 - far)
            inv_b = 1 / b
            one_minus = -np.expm1(-inv_b)
            rho = np.exp(-inv_b)
        m1 = diff / one_minus
        m2 = total * (1 + rho) / one_minus**2
        return n0 + m1, m2 - m1 * m1

    def _mean(self, mu, b):
        return self._moments(mu, b)[0]

    def _var(self, mu, b):
        return self._moments(mu, b)[1]

    def _rvs(self, rng, k, mu, b):
        return np.floor(mu + rng.laplace(0.0, 1.0, size=(mu.shape[0], k)) * b + 0.5)


@register_example("DiscretizedNormal")
def _dnormal_example():
    return DiscretizedNormal(mu=[0.0, 3.7, -5.2], sigma=[0.3, 2.0, 6.0])


@register_example("DiscretizedLaplace")
def _dlaplace_example():
    return DiscretizedLaplace(mu=[0.0, 3.7, -5.2], b=[0.3, 2.0, 2.0])
