"""Classical count distributions on {0, 1, 2, ...}: Poisson, negative binomial (NB2), generalized Poisson."""

from __future__ import annotations

import numpy as np
from scipy import special, stats

from ._base import DiscreteDistribution, _bisect_ppf
from ._discrete_utils import sum_mass
from ._registry import register_example

__all__ = ["Poisson", "NegativeBinomial", "GeneralizedPoisson"]


def _check_positive(name, value, cls):
    if np.any(value <= 0):
        raise ValueError(f"{cls}: {name} must be positive; got minimum {np.min(value)}.")


class _CountDistribution(DiscreteDistribution):
    """Shared support handling for distributions on the non-negative integers."""

    def _lower_support(self, p, shape):
        return np.zeros(shape)

    def _ppf_fix_bounds(self, q, out):
        out = np.where(q <= 0, 0.0, out)
        return np.where(q >= 1, np.inf, out)


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
        with np.errstate(divide="ignore", invalid="ignore"):
            out = special.xlogy(y, mu) - mu - special.gammaln(y + 1)
        return np.where(y >= 0, out, -np.inf)

    def _logpmf_grad(self, y, mu):
        return {"mu": np.where(y >= 0, y / mu - 1.0, 0.0)}

    def _cdf(self, y, mu):
        k = np.floor(y)
        return np.where(k >= 0, special.pdtr(np.maximum(k, 0), mu), 0.0)

    def _sf(self, y, mu):
        k = np.floor(y)
        return np.where(k >= 0, special.pdtrc(np.maximum(k, 0), mu), 1.0)

    def _ppf(self, q, mu):
        return self._ppf_fix_bounds(q, stats.poisson.ppf(q, mu))

    def _mean(self, mu):
        return mu.copy()

    def _var(self, mu):
        return mu.copy()

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
        Overdispersion (positive); alpha → 0 gives the Poisson.

    Examples
    --------
    >>> d = NegativeBinomial(mu=[2.0], alpha=[0.5])
    >>> d.var(), d.pmf(0).round(4)
    (array([4.]), array([0.25]))
    >>> d.cdf(3).round(4)
    array([0.8125])
    """

    _param_names = ("mu", "alpha")

    def _check_params(self, mu, alpha):
        _check_positive("mu", mu, "NegativeBinomial")
        _check_positive("alpha", alpha, "NegativeBinomial")

    def _logpmf(self, y, mu, alpha):
        r = 1.0 / alpha
        with np.errstate(divide="ignore", invalid="ignore"):
            out = (special.gammaln(y + r) - special.gammaln(r) - special.gammaln(y + 1)
                   - r * np.log1p(mu / r) + special.xlogy(y, mu / (r + mu)))
        return np.where(y >= 0, out, -np.inf)

    def _logpmf_grad(self, y, mu, alpha):
        r = 1.0 / alpha
        yy = np.maximum(y, 0.0)
        d_mu = yy / mu - (yy + r) / (mu + r)
        d_r = special.digamma(yy + r) - special.digamma(r) - np.log1p(mu / r) + (mu - yy) / (r + mu)
        ok = y >= 0
        return {"mu": np.where(ok, d_mu, 0.0), "alpha": np.where(ok, -r * r * d_r, 0.0)}

    def _cdf(self, y, mu, alpha):
        r = 1.0 / alpha
        k = np.floor(y)
        p = r / (r + mu)
        return np.where(k >= 0, special.betainc(r, np.maximum(k, 0) + 1, p), 0.0)

    def _sf(self, y, mu, alpha):
        r = 1.0 / alpha
        k = np.floor(y)
        p = r / (r + mu)
        return np.where(k >= 0, special.betainc(np.maximum(k, 0) + 1, r, 1 - p), 1.0)

    def _ppf(self, q, mu, alpha):
        r = 1.0 / alpha
        return self._ppf_fix_bounds(q, stats.nbinom.ppf(q, r, r / (r + mu)))

    def _mean(self, mu, alpha):
        return mu.copy()

    def _var(self, mu, alpha):
        return mu + alpha * mu * mu

    def _rvs(self, rng, k, mu, alpha):
        # gamma-Poisson mixture: lambda ~ Gamma(r, mu/r)
        r = 1.0 / alpha
        lam = rng.gamma(np.broadcast_to(r, (mu.shape[0], k)), np.broadcast_to(mu / r, (mu.shape[0], k)))
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
        theta = mu * (1 - xi)
        yy = np.maximum(y, 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            out = (np.log(theta) + special.xlogy(yy - 1, theta + xi * yy) - theta - xi * yy
                   - special.gammaln(yy + 1))
        return np.where(y >= 0, out, -np.inf)

    def _logpmf_grad(self, y, mu, xi):
        theta = mu * (1 - xi)
        yy = np.maximum(y, 0.0)
        base = theta + xi * yy
        d_theta = 1 / theta + (yy - 1) / base - 1
        d_xi_fixed = (yy - 1) * yy / base - yy
        ok = y >= 0
        return {"mu": np.where(ok, (1 - xi) * d_theta, 0.0),
                "xi": np.where(ok, d_xi_fixed - mu * d_theta, 0.0)}

    def _cdf(self, y, mu, xi):
        k = np.floor(y)
        # past the cap the remaining mass is below double precision: the pmf decays like
        # exp(-r k) k^(-3/2) with r = xi - 1 - log(xi) (Stirling), and like a Poisson when
        # xi = 0; capping also keeps the direct summation finite for y = inf
        with np.errstate(divide="ignore"):
            r = xi - 1 - np.log(xi)
        cap = np.ceil(mu + 40 * np.sqrt(mu) / (1 - xi) + 100 + 40 / r)
        kk = np.minimum(k, cap)
        lo = np.zeros(k.shape)
        total = sum_mass(lambda j: self._logpmf(j, mu[..., None], xi[..., None]), lo, kk)
        return np.where(k >= cap, 1.0, np.clip(total, 0.0, 1.0))

    def _ppf(self, q, mu, xi):
        return self._ppf_fix_bounds(q, _bisect_ppf(self, q, {"mu": mu, "xi": xi}, integer=True))

    def _mean(self, mu, xi):
        return mu.copy()

    def _var(self, mu, xi):
        return mu / (1 - xi) ** 2

    def _rvs(self, rng, k, mu, xi):
        u = rng.uniform(size=(mu.shape[0], k))
        return self._ppf(u, mu, xi)


@register_example("Poisson")
def _poisson_example():
    return Poisson(mu=[0.3, 4.0, 60.0])


@register_example("NegativeBinomial")
def _negbin_example():
    return NegativeBinomial(mu=[0.5, 5.0, 40.0], alpha=[2.0, 0.3, 0.05])


@register_example("GeneralizedPoisson")
def _genpoisson_example():
    return GeneralizedPoisson(mu=[0.5, 4.0, 15.0], xi=[0.0, 0.3, 0.6])
