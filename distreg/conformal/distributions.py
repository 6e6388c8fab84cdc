"""Predictive distributions produced by conformal prediction.

* :class:`ConformalPredictiveDistribution`: the step-function conformal predictive
  distribution of Vovk, Gammerman & Shafer (2005, ch. 7) and Vovk et al. (2017), as crepes
  computes it: ŷ(x) + σ(x)·αᵢ over the n calibration residuals αᵢ, each with mass 1/(n+1); the
  remaining 1/(n+1) lies beyond the largest value (the distribution is *defective*: ``ppf``
  is +inf above n/(n+1), as for a survival model with a cure fraction).
* :class:`RecalibratedContinuous` / :class:`RecalibratedDiscrete`: a base predictive
  distribution F(y | x) composed with the conformal distribution G of the calibration PIT values,
  F̃(y | x) = G(F(y | x)) (Chernozhukov, Wüthrich & Zhu 2021; Vovk et al. 2020).
"""

from __future__ import annotations

import numpy as np

from ..distributions import ContinuousDistribution, DiscreteDistribution, Distribution
from .._validation import check_confidence_level
from ._quantile import _DECIMALS

__all__ = ["ConformalPredictiveDistribution", "RecalibratedContinuous", "RecalibratedDiscrete"]


def _count_le(values, y):
    """Per row, #values <= y, for values (n, M) and y (n,) or (n, k)."""
    if y.ndim == 1:
        return (values <= y[:, None]).sum(axis=1)
    return (values[:, None, :] <= y[:, :, None]).sum(axis=2)


def _take(values, idx):
    if idx.ndim == 1:
        return np.take_along_axis(values, idx[:, None], axis=1)[:, 0]
    return np.take_along_axis(values, idx, axis=1)


def _check_values(values):
    """Sorted-able points of shape (n_rows, M): no NaN or -inf (+inf pads short rows)."""
    try:
        values = np.array(values, dtype=float)
    except (TypeError, ValueError):
        raise TypeError("values must be numeric, of shape (n_rows, M).") from None
    if values.ndim != 2 or values.shape[0] == 0 or values.shape[1] == 0:
        raise ValueError(f"values must have shape (n_rows, M) with n_rows, M >= 1; got {values.shape}.")
    if np.isnan(values).any() or np.isneginf(values).any():
        raise ValueError("values contains NaN or -inf; only +inf may pad rows with fewer points.")
    return values


def _check_counts(counts, values):
    """Number of real (finite) points per row, between 1 and M."""
    if counts is None:
        return np.full(values.shape[0], values.shape[1], dtype=float)
    c = np.array(counts, dtype=float).reshape(-1)
    if c.shape[0] != values.shape[0] or np.isnan(c).any() or (c < 1).any() or (c > values.shape[1]).any() \
            or (c != np.round(c)).any():
        raise ValueError(f"counts must hold one whole number in [1, {values.shape[1]}] per row of values.")
    return c


class ConformalPredictiveDistribution(Distribution):
    """Conformal predictive distribution: n calibrated points per row, each of mass 1/(n+1).

    ``cdf(y) = #{Cᵢ <= y} / (n + 1)`` and ``ppf(q)`` is the ⌈q(n+1)⌉-th smallest Cᵢ (+inf
    beyond n), which are crepes' "higher" percentiles; ``interval`` uses the ⌊(α/2)(n+1)⌋-th
    smallest value below (crepes' "lower" percentile; -inf when that rank is 0), so intervals
    have conformal coverage >= 1 - α. ``mean``/``var`` are those of the n points.

    Parameters
    ----------
    values : array-like, shape (n_rows, M)
        Per row the sorted points Cᵢ; rows with fewer points are padded with +inf.
    counts : array-like, shape (n_rows,), optional
        Number of real points per row (default M).

    Examples
    --------
    >>> d = ConformalPredictiveDistribution([[1.0, 2.0, 3.0, 4.0]])
    >>> d.cdf(2.5), d.ppf(0.5), d.ppf(0.9)
    (array([0.4]), array([3.]), array([inf]))
    >>> d.interval(0.6)
    array([[1., 4.]])
    """

    _param_names = ("values", "counts")

    def __init__(self, values, counts=None):
        values = _check_values(values)
        counts = _check_counts(counts, values)
        values = np.sort(values, axis=1)
        super().__init__(values=values, counts=counts)

    def _expand_params(self, ndim):
        return dict(self._params)

    def _cdf(self, y, values, counts):
        c = counts if y.ndim == 1 else counts[:, None]
        return np.minimum(_count_le(values, y), c) / (c + 1)

    def _rank_ppf(self, q, counts, upper=True):
        c = counts if q.ndim == 1 else counts[:, None]
        x = np.round(q * (c + 1), _DECIMALS)
        return (np.ceil(x) if upper else np.floor(x)).astype(int), c

    def _ppf(self, q, values, counts):
        r, c = self._rank_ppf(q, counts, upper=True)
        got = _take(values, np.clip(r - 1, 0, values.shape[1] - 1))
        return np.where(r < 1, -np.inf, np.where(r > c, np.inf, got))

    def ppf_lower(self, q):
        """The ⌊q(n+1)⌋-th smallest point (crepes' "lower" percentile; -inf for rank 0)."""
        q, p = self._broadcast(q, "q")
        r, c = self._rank_ppf(q, p["counts"], upper=False)
        got = _take(p["values"], np.clip(r - 1, 0, p["values"].shape[1] - 1))
        return np.where(r < 1, -np.inf, np.where(r > c, np.inf, got))

    def interval(self, confidence_level=0.9):
        """Conformal interval [lower ⌊(α/2)(n+1)⌋-th, upper ⌈(1-α/2)(n+1)⌉-th point]."""
        cl = check_confidence_level(confidence_level)
        levels = np.atleast_1d(cl)
        lo = self.ppf_lower(((1 - levels) / 2)[None, :])
        hi = self.ppf(((1 + levels) / 2)[None, :])
        out = np.stack([lo, hi], axis=1)
        return out[:, :, 0] if np.ndim(cl) == 0 else out

    def _finite(self, values, counts):
        return np.arange(values.shape[1])[None, :] < counts[:, None]

    def _mean(self, values, counts):
        mask = self._finite(values, counts)
        return np.where(mask, values, 0.0).sum(axis=1) / counts

    def _var(self, values, counts):
        mask = self._finite(values, counts)
        m = self._mean(values, counts)
        return np.where(mask, (values - m[:, None]) ** 2, 0.0).sum(axis=1) / counts

    def _rvs(self, rng, k, values, counts):
        return self._ppf(rng.uniform(size=(values.shape[0], k)), values, counts)


class _Recalibrated:
    """Shared parts of F̃(y | x) = G(F(y | x)), G piecewise linear through (U_(i), i/(n+1))."""

    _param_names = ("group",)
    # the private methods evaluate the wrapped distribution on whole rows
    _row_params = False

    def _setup(self, base, knots, group):
        self.base = base
        self.knots = [np.asarray(k, dtype=float) for k in knots]
        group = np.zeros(len(base)) if group is None else np.asarray(group, dtype=float)
        return group

    def _slice_extra(self, other, index):
        other.base = self.base[index]
        other.knots = self.knots

    def _expand_params(self, ndim):
        return dict(self._params)

    def _G(self, u, group, inverse=False, upper=False):
        """G(u), or its inverse; ``upper``: the map of the upper tails, 1 - G(1 - s)."""
        out = np.empty_like(u)
        for gi, k in enumerate(self.knots):
            rows = group == gi
            if not rows.any():
                continue
            xp, fp = _knot_map(k)
            if upper:  # 1 - knots is exact above ½, so small upper tails keep their precision
                xp, fp = 1.0 - xp[::-1], 1.0 - fp[::-1]
            if inverse:
                out[rows] = np.interp(u[rows], fp, xp)
            else:
                out[rows] = np.interp(u[rows], xp, fp)
        return out

    def _base_on(self, method, y):
        return getattr(self.base, method)(y)

    def _cdf(self, y, group):
        return self._G(self._base_on("cdf", y), group)

    def _ppf(self, q, group):
        return self._base_on("ppf", self._G(q, group, inverse=True))

    def _sf(self, y, group):
        return self._G(self._base_on("sf", y), group, upper=True)

    def _isf(self, q, group):
        return self._base_on("isf", self._G(q, group, inverse=True, upper=True))

    def _rvs(self, rng, k, group):
        u = rng.uniform(size=(len(group), k))
        return self._ppf(u, group)

    def _slopes(self, u, group):
        """dG/du at u (right derivative)."""
        out = np.empty_like(u)
        for gi, k in enumerate(self.knots):
            rows = group == gi
            if not rows.any():
                continue
            xp, fp = _knot_map(k)
            dx = np.diff(xp)
            with np.errstate(divide="ignore", invalid="ignore"):
                sl = np.where(dx > 0, np.diff(fp) / dx, np.inf)
            j = np.clip(np.searchsorted(xp, u[rows], side="right") - 1, 0, sl.size - 1)
            out[rows] = sl[j]
        return out


class RecalibratedContinuous(_Recalibrated, ContinuousDistribution):
    """A continuous predictive distribution recalibrated by the conformal PIT distribution.

    Parameters
    ----------
    base : ContinuousDistribution
        The model's predictive distributions, one per row.
    knots : list of 1-D arrays
        Sorted calibration PIT values, one array per Mondrian group.
    group : array-like of int, optional
        Index into ``knots`` for every row (default: all 0).

    Examples
    --------
    >>> from distreg.distributions import Normal
    >>> d = RecalibratedContinuous(Normal([0.0], [1.0]), [np.array([0.25, 0.5, 0.75])])
    >>> d.cdf(0.0), d.ppf(0.5)  # PITs uniform: G is the identity at the knots
    (array([0.5]), array([0.]))
    """

    def __init__(self, base, knots, group=None):
        group = self._setup(base, knots, group)
        super().__init__(group=group)

    def _logpdf(self, y, group):
        u = self._base_on("cdf", y)
        with np.errstate(divide="ignore"):
            return np.log(self._slopes(u, group)) + self._base_on("logpdf", y)

    def _lower_support(self, p, shape):
        return self.base.ppf(np.zeros(shape))

    def _upper_support(self, p, shape):
        return self.base.ppf(np.ones(shape))


class RecalibratedDiscrete(_Recalibrated, DiscreteDistribution):
    """An integer predictive distribution recalibrated by the conformal PIT distribution.

    Examples
    --------
    >>> from scipy import stats
    >>> class Poisson(DiscreteDistribution):
    ...     _param_names = ("mu",)
    ...     def _cdf(self, y, mu): return stats.poisson.cdf(np.floor(y), mu)
    ...     def _logpmf(self, y, mu): return stats.poisson.logpmf(y, mu)
    >>> d = RecalibratedDiscrete(Poisson([3.0]), [np.linspace(0.05, 0.95, 19)])
    >>> bool(abs(d.pmf(np.arange(40)[None, :]).sum() - 1) < 1e-9)
    True
    """

    def __init__(self, base, knots, group=None):
        group = self._setup(base, knots, group)
        super().__init__(group=group)

    def _logpmf(self, y, group):
        with np.errstate(divide="ignore"):
            return np.log(np.maximum(self._cdf(y, group) - self._cdf(y - 1, group), 0.0))

    def _lower_support(self, p, shape):
        return self.base.ppf(np.zeros(shape))

    def _upper_support(self, p, shape):
        return self.base.ppf(np.ones(shape))


def _knot_map(knots):
    """Nodes of the piecewise-linear recalibration map G: sorted calibration PITs -> i/(n+1)."""
    n = knots.size
    xp = np.concatenate([[0.0], knots, [1.0]])
    fp = np.concatenate([[0.0], np.arange(1, n + 1) / (n + 1), [1.0]])
    return xp, fp
