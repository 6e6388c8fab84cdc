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

    _param_names = ("values", "probs", "cumweights", "tailweights")

    def __init__(self, samples, weights=None):
        rows = _as_rows(samples, "samples")
        wrows = [np.ones_like(r) for r in rows] if weights is None else _as_rows(weights, "weights")
        if len(wrows) != len(rows) or any(a.shape != b.shape for a, b in zip(rows, wrows)):
            raise ValueError("weights must have the same layout as samples (one weight per value).")
        m = max(r.size for r in rows)
        values, probs = np.empty((len(rows), m)), np.zeros((len(rows), m))
        for i, (r, w) in enumerate(zip(rows, wrows)):
            if (w < 0).any() or w.sum() <= 0:
                raise ValueError(
                    f"weights of row {i} must be non-negative with a positive sum."
                )
            order = np.argsort(r, kind="stable")
            values[i, : r.size], probs[i, : r.size] = r[order], w[order] / w.sum()
            values[i, r.size:] = r.max()  # padding carries no weight
        # P(Y <= x_j) and P(Y > x_j) each summed on its own side, so that small probabilities
        # in either tail keep their relative accuracy (neither is formed as 1 - the other)
        cumw = np.minimum(np.cumsum(probs, axis=1), 1.0)
        above = np.cumsum(probs[:, :0:-1], axis=1)[:, ::-1]  # Σ_{i > j} p_i for j < m - 1
        tailw = np.concatenate([above, np.zeros((len(rows), 1))], axis=1)
        cumw[:, -1], tailw = 1.0, np.minimum(tailw, 1.0)
        super().__init__(values=values, probs=probs, cumweights=cumw, tailweights=tailw)

    def _expand_params(self, ndim):
        return dict(self._params)

    def _count_le(self, y, values):
        """Per entry of y, the index of the last sample value <= y (-1 if none)."""
        if y.ndim == 1:
            return (values <= y[:, None]).sum(axis=1) - 1
        return (values[:, None, :] <= y[:, :, None]).sum(axis=2) - 1

    def _at(self, table, idx, below):
        """table[row, idx] for idx of shape (n,) or (n, k); ``below`` where idx is -1."""
        safe = np.maximum(idx, 0)
        got = np.take_along_axis(table, safe if idx.ndim == 2 else safe[:, None], axis=1)
        return np.where(idx < 0, below, got if idx.ndim == 2 else got[:, 0])

    def _cdf(self, y, values, probs, cumweights, tailweights):
        return self._at(cumweights, self._count_le(y, values), 0.0)

    def _sf(self, y, values, probs, cumweights, tailweights):
        return self._at(tailweights, self._count_le(y, values), 1.0)

    def _first_reaching(self, reached, values):
        """Per row (and level), the first sample value where ``reached`` holds along the last
        axis (the last value if nowhere: the level is then within rounding of the total)."""
        idx = np.minimum((~reached).sum(axis=-1), values.shape[1] - 1)
        if idx.ndim == 1:
            return np.take_along_axis(values, idx[:, None], axis=1)[:, 0]
        return np.take_along_axis(values, idx, axis=1)

    def _quantile(self, q, s, cumweights, tailweights, values):
        # smallest value with P(Y <= x) >= q, matched on the cumulative weights for q <= 1/2
        # and on the tail weights (P(Y > x) <= s = 1 - q) above; the relative tolerance keeps a
        # level that lands a rounding error beyond a cumulative weight on that value
        tol = 1e-12
        qq, ss = (q[:, None], s[:, None]) if q.ndim == 1 else (q[:, :, None], s[:, :, None])
        if q.ndim == 2:
            cumweights, tailweights = cumweights[:, None, :], tailweights[:, None, :]
        by_cdf = self._first_reaching(cumweights >= qq * (1 - tol), values)
        by_sf = self._first_reaching(tailweights <= ss * (1 + tol), values)
        return np.where(q <= 0.5, by_cdf, by_sf)

    def _ppf(self, q, values, probs, cumweights, tailweights):
        return self._quantile(q, 1.0 - q, cumweights, tailweights, values)

    def _isf(self, q, values, probs, cumweights, tailweights):
        return self._quantile(1.0 - q, q, cumweights, tailweights, values)

    def _mean(self, values, probs, cumweights, tailweights):
        return (probs * values).sum(axis=1)

    def _var(self, values, probs, cumweights, tailweights):
        m = (probs * values).sum(axis=1)
        return (probs * (values - m[:, None]) ** 2).sum(axis=1)

    def _crps(self, y, values, probs, cumweights, tailweights):
        # energy form E|X - y| - E|X - X'|/2 (Gneiting & Raftery 2007, eq. 21); for sorted
        # values with probabilities p and cumulative weights c, Σ_ij p_i p_j |x_i - x_j|
        # = 2 Σ_i p_i x_i (2 c_i - p_i - 1)
        p = probs
        first = (p * np.abs(values - y[:, None])).sum(axis=1)
        half_pairs = (p * values * (2 * cumweights - p - 1)).sum(axis=1)
        return first - half_pairs

    def _rvs(self, rng, k, values, probs, cumweights, tailweights):
        u = rng.uniform(size=(values.shape[0], k))
        return self._ppf(u, values, probs, cumweights, tailweights)

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
