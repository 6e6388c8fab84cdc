"""Proper scoring rules for predictive distributions: CRPS, log score, ranked probability score.

All scores are negatively oriented (lower is better).
"""

from __future__ import annotations

import numpy as np

from .._validation import as_float_array
from ._utils import check_distribution, check_y, reduce_scores

__all__ = ["crps", "crps_ensemble", "log_score", "ranked_probability_score"]

# Panel edges of a composite Gauss-Legendre rule on (0, 1), refined geometrically towards both
# ends, where the integrand of the quantile form of the CRPS has its (integrable) tail behaviour.
_TAIL_EDGES = np.array([1e-12, 1e-9, 1e-6, 1e-4, 1e-3, 1e-2, 0.05, 0.15, 0.3])
_PANEL_EDGES = np.concatenate([[0.0], _TAIL_EDGES, [0.5], (1.0 - _TAIL_EDGES)[::-1], [1.0]])
_NODES_PER_PANEL = 20


def _crps_numerical(dist, y):
    """CRPS(F, y) = 2 ∫₀¹ (1{y < F⁻¹(τ)} - τ)(F⁻¹(τ) - y) dτ (Laio & Tamea 2007).

    The integrand has a kink at τ* = F(y), which is added to the panel edges of each row, so
    that every panel is integrated by Gauss-Legendre over a smooth piece. A distribution whose
    quantile function has kinks at known levels lists them in a ``_ppf_knots`` attribute
    (e.g. :class:`~distreg.distributions.QuantileFunction`); they become panel edges too.
    """
    x, w = np.polynomial.legendre.leggauss(_NODES_PER_PANEL)
    tau_star = np.clip(dist.cdf(y), 0.0, 1.0)
    n = y.shape[0]
    knots = np.asarray(getattr(dist, "_ppf_knots", ()), dtype=float).reshape(-1)
    fixed = np.concatenate([_PANEL_EDGES, knots[(knots > 0) & (knots < 1)]])
    edges = np.sort(np.concatenate([np.broadcast_to(fixed, (n, fixed.size)),
                                    tau_star[:, None]], axis=1), axis=1)
    a, b = edges[:, :-1, None], edges[:, 1:, None]
    tau = (a + (b - a) * (x + 1) / 2).reshape(n, -1)
    weights = ((b - a) / 2 * w).reshape(n, -1)
    q = dist.ppf(tau)
    with np.errstate(invalid="ignore"):
        integrand = (np.where(q > y[:, None], 1.0, 0.0) - tau) * (q - y[:, None])
    out = 2.0 * (integrand * weights).sum(axis=1)
    if not np.all(np.isfinite(out)):
        raise ValueError(
            "the CRPS is not finite for some rows: the predictive distribution needs a finite mean."
        )
    return out


def crps(y_true, distribution, *, sample_weight=None, average=True):
    """Continuous ranked probability score of predictive distributions (lower is better).

    ``CRPS(F, y) = ∫ (F(x) - 1{x >= y})² dx = E|X - y| - E|X - X'|/2`` (Gneiting & Raftery 2007).
    A closed form is used when the distribution class provides one (a ``_crps(y, **params)``
    method: Normal, LogNormal (Baran & Lerch 2015) and Empirical (energy form) do); integer
    distributions use the exact sum over the integers (see
    :func:`ranked_probability_score`); any other distribution is integrated numerically over its
    quantile function. The CRPS is finite only for distributions with a finite mean.

    Parameters
    ----------
    y_true : array-like, shape (n,)
    distribution : Distribution
        One predictive distribution per observation (n rows).
    sample_weight : array-like, shape (n,), optional
    average : bool, default True
        Weighted mean over observations, or per-observation scores (``False``).

    Returns
    -------
    float or ndarray

    Examples
    --------
    >>> from distreg.distributions import Normal
    >>> round(crps([0.0], Normal(0.0, 1.0)), 9)
    0.233694977
    >>> crps([0.0, 1.0], Normal([0.0, 0.0], [1.0, 2.0]), average=False).round(4)
    array([0.2337, 0.6628])
    """
    y = check_y(y_true)
    dist = check_distribution(distribution, y.shape[0])
    hook = getattr(dist, "_crps", None)
    if hook is not None:
        yy, params = dist._broadcast(y)
        per_row = hook(yy, **params)
    elif dist.discrete:
        per_row = _rps_sum(dist, y)
    else:
        per_row = _crps_numerical(dist, y)
    return reduce_scores(per_row, sample_weight, average)


def crps_ensemble(y_true, samples, *, fair=False, sample_weight=None, average=True):
    """CRPS of an ensemble (sample) forecast per observation.

    For m members x_1..x_m, ``CRPS = (1/m) Σ|x_i - y| - (1/(2m²)) Σ_ij |x_i - x_j|``, the CRPS of the
    empirical distribution of the members (Grimit et al. 2006). ``fair=True`` divides the second
    sum by 2m(m - 1) instead, an unbiased estimate of the CRPS of the distribution the members
    were drawn from (Ferro 2014). Computed in O(m log m) per row by sorting.

    Parameters
    ----------
    y_true : array-like, shape (n,)
    samples : array-like, shape (n, m)
        Ensemble members (or predictive draws) per observation.
    fair : bool, default False
    sample_weight : array-like, shape (n,), optional
    average : bool, default True

    Returns
    -------
    float or ndarray

    Examples
    --------
    >>> crps_ensemble([0.5], [[0.0, 1.0]])
    0.25
    >>> crps_ensemble([0.5], [[0.0, 1.0]], fair=True)
    0.0
    """
    y = check_y(y_true)
    X = as_float_array(samples, "samples", ndim=(1, 2))
    if X.ndim == 1:
        X = X[:, None]
    if X.shape[0] != y.shape[0]:
        raise ValueError(f"samples has {X.shape[0]} rows but y_true has {y.shape[0]} entries.")
    m = X.shape[1]
    if m == 0:
        raise ValueError("samples has no columns; pass at least one member per row.")
    if not isinstance(fair, (bool, np.bool_)):
        raise TypeError(f"fair must be True or False; got {fair!r}.")
    if fair and m < 2:
        raise ValueError("fair=True needs at least two members per row.")
    X = np.sort(X, axis=1)
    first = np.abs(X - y[:, None]).mean(axis=1)
    # Σ_ij |x_i - x_j| = 2 Σ_i (2i - m - 1) x_(i) for sorted members, i = 1..m
    coef = 2.0 * np.arange(1, m + 1) - m - 1
    pair_sum = 2.0 * (X * coef[None, :]).sum(axis=1)
    denom = 2.0 * m * (m - 1) if fair else 2.0 * m * m
    return reduce_scores(first - pair_sum / denom, sample_weight, average)


def log_score(y_true, distribution, *, base=np.e, sample_weight=None, average=True):
    """Logarithmic score -log f(y) (density, or mass for discrete distributions); lower is better.

    Parameters
    ----------
    y_true : array-like, shape (n,)
    distribution : Distribution
        Must have a density (``logpdf``) or a mass function (``logpmf``).
    base : float, default e
        Base of the logarithm (2 gives bits).
    sample_weight : array-like, shape (n,), optional
    average : bool, default True

    Returns
    -------
    float or ndarray
        ``inf`` where the observation has zero density.

    Examples
    --------
    >>> from distreg.distributions import Normal
    >>> round(log_score([0.0], Normal(0.0, 1.0)), 6)  # log(2π)/2
    0.918939
    """
    y = check_y(y_true)
    dist = check_distribution(distribution, y.shape[0])
    if isinstance(base, bool) or not isinstance(base, (int, float, np.floating, np.integer)):
        raise TypeError(f"base must be a number > 0 and != 1; got {base!r}.")
    if not (np.isfinite(base) and base > 0 and base != 1):
        raise ValueError(f"base must be a finite number > 0 and != 1; got {base!r}.")
    has = "logpmf" if dist.discrete else "logpdf"
    if not hasattr(dist, has):
        raise TypeError(
            f"log_score needs a density or mass function; {type(dist).__name__} has no {has}. "
            "Use crps instead."
        )
    return reduce_scores(-dist.log_density(y) / np.log(base), sample_weight, average)


_RPS_TAIL = 1e-12
_RPS_MAX_SPAN = 10_000_000
_RPS_CHUNK = 4096


def _rps_sum(dist, y):
    """Σ over integers k of (F(k) - 1{y <= k})², the tails beyond ppf(1e-12) / ppf(1 - 1e-12) dropped."""
    lo = dist.ppf(np.full(len(dist), _RPS_TAIL))
    hi = dist.ppf(np.full(len(dist), 1.0 - _RPS_TAIL))
    if not (np.all(np.isfinite(lo)) and np.all(np.isfinite(hi))):
        raise ValueError("the distribution's quantiles are not finite; cannot sum over its support.")
    lo = np.floor(np.minimum(lo, y)) - 1
    hi = np.ceil(np.maximum(hi, y))
    widest = float(np.max(hi - lo)) + 1
    if widest > _RPS_MAX_SPAN:
        raise ValueError(
            f"y_true and the predictive distributions span {widest:.3g} integers (more than "
            f"{_RPS_MAX_SPAN}); the ranked probability score would need too many terms. Check y_true "
            "for extreme values."
        )
    span = int(widest)
    total = np.zeros(len(dist))
    for start in range(0, span, _RPS_CHUNK):
        k = lo[:, None] + np.arange(start, min(start + _RPS_CHUNK, span))[None, :]
        F = dist.cdf(k)
        ind = (y[:, None] <= k).astype(float)
        contrib = (F - ind) ** 2
        total += np.where(k <= hi[:, None], contrib, 0.0).sum(axis=1)
    return total


def ranked_probability_score(y_true, distribution, *, sample_weight=None, average=True):
    """Ranked probability score of integer outcomes, RPS = Σ_k (F(k) - 1{y <= k})² (lower is better).

    The sum runs over all integers k (Epstein 1969; Czado, Gneiting & Held 2009, for counts);
    terms beyond the 1e-12 and 1 - 1e-12 quantiles are dropped. For a distribution on the
    integers it equals the CRPS. Any distribution with a ``cdf`` is accepted; it is evaluated at
    the integers.

    Parameters
    ----------
    y_true : array-like of integers, shape (n,)
    distribution : Distribution
    sample_weight : array-like, shape (n,), optional
    average : bool, default True

    Returns
    -------
    float or ndarray

    Examples
    --------
    >>> from distreg.distributions import Empirical
    >>> d = Empirical([[0.0, 1.0, 1.0, 3.0]])  # P(0)=1/4, P(1)=1/2, P(3)=1/4
    >>> ranked_probability_score([1], d)  # (1/4)² + (3/4 - 1)² + (3/4 - 1)²
    0.1875
    """
    y = check_y(y_true)
    if np.any(y != np.round(y)):
        raise ValueError(
            "y_true must hold integers for the ranked probability score; "
            f"{int((y != np.round(y)).sum())} entries are not whole numbers."
        )
    dist = check_distribution(distribution, y.shape[0])
    return reduce_scores(_rps_sum(dist, y), sample_weight, average)
