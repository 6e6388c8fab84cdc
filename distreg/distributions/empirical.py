"""Empirical distributions: the (weighted) sample itself, with an exact step cdf."""

from __future__ import annotations

import numpy as np

from .._validation import as_float_array, check_1d
from ._base import Distribution
from ._registry import register_example

__all__ = ["Empirical"]


class Empirical(Distribution):
    """Empirical distribution of one (weighted) sample per row.

    ``cdf(y)`` is the exact weighted proportion of the sample <= y (ties included) and ``ppf(q)``
    the smallest sample value whose cumulative weight reaches q (numpy's ``"inverted_cdf"``
    quantile, weighted).

    Parameters
    ----------
    samples : array-like of shape (n, m), or a list of n 1-D arrays (sizes may differ)
        One sample per row.
    weights : same layout as ``samples``, optional
        Non-negative weights, each row with a positive total.

    Examples
    --------
    >>> d = Empirical([[3.0, 1.0, 2.0, 2.0]])
    >>> d.cdf(np.array([[0.5, 1.0, 2.0, 2.5, 3.0]]))
    array([[0.  , 0.25, 0.75, 0.75, 1.  ]])
    >>> d.ppf(0.5), d.mean()
    (array([2.]), array([2.]))
    >>> Empirical([[1.0, 2.0]], weights=[[3.0, 1.0]]).cdf(1.0)
    array([0.75])
    """

    _param_names = ("values", "cumweights")

    def __init__(self, samples, weights=None):
        rows = _as_rows(samples, "samples")
        wrows = [np.ones_like(r) for r in rows] if weights is None else _as_rows(weights, "weights")
        if len(wrows) != len(rows) or any(a.shape != b.shape for a, b in zip(rows, wrows)):
            raise ValueError("weights must have the same layout as samples (one weight per value).")
        m = max(r.size for r in rows)
        values = np.empty((len(rows), m))
        cumw = np.empty((len(rows), m))
        for i, (r, w) in enumerate(zip(rows, wrows)):
            if (w < 0).any() or w.sum() <= 0:
                raise ValueError(
                    f"weights of row {i} must be non-negative with a positive sum."
                )
            order = np.argsort(r, kind="stable")
            r, w = r[order], w[order]
            c = np.cumsum(w) / w.sum()
            c[-1] = 1.0
            values[i, : r.size], cumw[i, : r.size] = r, c
            values[i, r.size:], cumw[i, r.size:] = r[-1], 1.0  # padding carries no weight
        super().__init__(values=values, cumweights=cumw)

    def _expand_params(self, ndim):
        return dict(self._params)

    def _cdf(self, y, values, cumweights):
        if y.ndim == 1:
            idx = (values <= y[:, None]).sum(axis=1) - 1
            got = np.take_along_axis(cumweights, np.maximum(idx, 0)[:, None], axis=1)[:, 0]
        else:
            idx = (values[:, None, :] <= y[:, :, None]).sum(axis=2) - 1
            got = np.take_along_axis(cumweights, np.maximum(idx, 0), axis=1)
        return np.where(idx < 0, 0.0, got)

    def _ppf(self, q, values, cumweights):
        # relative tolerance guards against q landing a rounding error above a cumulative weight
        tol = 1e-12
        if q.ndim == 1:
            idx = (cumweights < q[:, None] - tol).sum(axis=1)
            idx = np.minimum(idx, values.shape[1] - 1)
            return np.take_along_axis(values, idx[:, None], axis=1)[:, 0]
        idx = (cumweights[:, None, :] < q[:, :, None] - tol).sum(axis=2)
        idx = np.minimum(idx, values.shape[1] - 1)
        return np.take_along_axis(values, idx, axis=1)

    def _probabilities(self, cumweights):
        return np.diff(cumweights, axis=1, prepend=0.0)

    def _mean(self, values, cumweights):
        return (self._probabilities(cumweights) * values).sum(axis=1)

    def _var(self, values, cumweights):
        p = self._probabilities(cumweights)
        m = (p * values).sum(axis=1)
        return (p * (values - m[:, None]) ** 2).sum(axis=1)

    def _crps(self, y, values, cumweights):
        # energy form E|X - y| - E|X - X'|/2 (Gneiting & Raftery 2007, eq. 21); for sorted
        # values with probabilities p and cumulative weights c, Σ_ij p_i p_j |x_i - x_j|
        # = 2 Σ_i p_i x_i (2 c_i - p_i - 1)
        p = self._probabilities(cumweights)
        first = (p * np.abs(values - y[:, None])).sum(axis=1)
        half_pairs = (p * values * (2 * cumweights - p - 1)).sum(axis=1)
        return first - half_pairs

    def _rvs(self, rng, k, values, cumweights):
        u = rng.uniform(size=(values.shape[0], k))
        return self._ppf(u, values, cumweights)

    def _lower_support(self, p, shape):
        return np.broadcast_to(p["values"][:, :1], shape).copy() if len(shape) == 2 else p["values"][:, 0].copy()

    def _upper_support(self, p, shape):
        return np.broadcast_to(p["values"][:, -1:], shape).copy() if len(shape) == 2 else p["values"][:, -1].copy()


def _as_rows(samples, name):
    if isinstance(samples, (list, tuple)) and len(samples) and np.ndim(samples[0]) == 1:
        rows = [check_1d(r, f"{name}[{i}]") for i, r in enumerate(samples)]
    else:
        arr = as_float_array(samples, name, ndim=(1, 2))
        if arr.ndim == 1:
            arr = arr[None, :]
        if arr.shape[1] == 0:
            raise ValueError(f"{name} rows are empty; each row needs at least one value.")
        rows = list(arr)
    if not rows:
        raise ValueError(f"{name} is empty; pass at least one row.")
    return rows


@register_example("Empirical")
def _empirical_example():
    rng = np.random.default_rng(0)
    return Empirical(
        [rng.normal(size=200), np.round(rng.exponential(size=150), 1), np.array([1.0, 1.0, 2.0])],
        weights=[np.ones(200), rng.uniform(0.5, 2, size=150), np.array([1.0, 2.0, 1.0])],
    )
