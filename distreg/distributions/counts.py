"""Classical count distributions on {0, 1, 2, ...}: Poisson, negative binomial (NB2), generalized Poisson."""

from __future__ import annotations

import numpy as np
from scipy import special, stats

from ._base import DiscreteDistribution, _bisect_ppf
from ._discrete_utils import sum_mass
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


def _step_to_quantile(cdf, k, q, max_steps=10_000):
    """Smallest integer k with cdf(k) >= q, by unit steps from a close guess."""
    k = np.asarray(k, float).copy()
    for _ in range(max_steps):
        down = (k > 0) & (cdf(k - 1) >= q)
        up = cdf(k) < q
        if not (down.any() or up.any()):
            return k
        k = np.where(down, k - 1, np.where(up, k + 1, k))
    return k  # pragma: no cover - the guess is within a few standard deviations


def nb2_logpmf(y, mu, alpha):
    """Log mass of the NB2 (var = μ + αμ²) at integers y >= 0, accurate for every α >= 0.

    log p = y log μ - log y! + Σ_{j<y} log(1 + jα) - y log(1 + αμ) - log(1 + αμ)/α, which is the
    Poisson log mass at α = 0. The rising-factorial sum is evaluated by
    :func:`_log_rising_excess`; where α(y + μ + 1)² < ``POISSON_SWITCH`` = 1e-16 the Poisson log
    mass is returned, which differs from the NB2's by less than 1e-16 there.

    Examples
    --------
    >>> from scipy import stats
    >>> bool(abs(nb2_logpmf(3.0, 2.0, 0.5) - stats.nbinom.logpmf(3, 2.0, 0.5)) < 1e-14)  # r = 2, p = r/(r + μ)
    True
    >>> float(nb2_logpmf(3.0, 2.0, 1e-30)) == float(stats.poisson.logpmf(3, 2.0))
    True
    """
    y, mu, alpha = np.broadcast_arrays(*(np.asarray(v, float) for v in (y, mu, alpha)))
    with np.errstate(divide="ignore", invalid="ignore"):
        poisson = special.xlogy(y, mu) - mu - special.gammaln(y + 1)
        z = alpha * mu
        per_mu = np.where(z > 0, np.log1p(z) / np.where(z > 0, z, 1.0), 1.0)  # log(1 + z)/z
        yy = np.maximum(y, 0.0)
        nb = (special.xlogy(yy, mu) - special.gammaln(yy + 1) + _log_rising_excess(yy, alpha)
              - yy * np.log1p(z) - mu * per_mu)
    out = np.where(alpha * (yy + mu + 1) ** 2 < POISSON_SWITCH, poisson, nb)
    return out[()] if out.ndim == 0 else out


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
        return np.where(k >= 0, out, 0.0)

    def _sf(self, y, mu, alpha):
        k = np.floor(y)
        kk = np.maximum(k, 0)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            nb = special.betainc(kk + 1, 1.0 / alpha, alpha * mu / (1.0 + alpha * mu))
        out = np.where(self._poisson_like(k, mu, alpha), special.pdtrc(kk, mu), nb)
        return np.where(k >= 0, out, 1.0)

    def _ppf(self, q, mu, alpha):
        # scipy's quantile is a good guess except near the Poisson limit, where its cdf loses
        # digits and the Poisson quantile takes over; unit steps on the accurate cdf finish
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            r = 1.0 / alpha
            guess = np.where(alpha >= 1e-8, stats.nbinom.ppf(q, r, 1.0 / (1.0 + alpha * mu)),
                             stats.poisson.ppf(q, mu))
        inner = (q > 0) & (q < 1)
        start = np.where(inner & np.isfinite(guess), guess, 0.0)
        k = _step_to_quantile(lambda j: self._cdf(j, mu, alpha), start, np.where(inner, q, 0.0))
        return self._ppf_fix_bounds(q, k)

    def _mean(self, mu, alpha):
        return mu.copy()

    def _var(self, mu, alpha):
        return mu + alpha * mu * mu

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
        return self._ppf(u, mu=mu, xi=xi)


@register_example("Poisson")
def _poisson_example():
    return Poisson(mu=[0.3, 4.0, 60.0])


@register_example("NegativeBinomial")
def _negbin_example():
    return NegativeBinomial(mu=[0.5, 5.0, 40.0], alpha=[2.0, 0.3, 0.05])


@register_example("GeneralizedPoisson")
def _genpoisson_example():
    return GeneralizedPoisson(mu=[0.5, 4.0, 15.0], xi=[0.0, 0.3, 0.6])
