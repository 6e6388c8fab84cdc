"""A distribution given by its quantiles on a grid of levels (piecewise-linear quantile function)."""

from __future__ import annotations

import numpy as np

from .._validation import as_float_array, check_levels, check_option
from ._base import ContinuousDistribution, _log_probability
from ._registry import register_example

__all__ = ["QuantileFunction"]

_TAILS = ("exponential", "linear", "clamp")


def _last_index_le(grid, y):
    """Per row, the number of grid entries <= y, minus one (grid (n, m), y (n,) or (n, k))."""
    if y.ndim == 1:
        return (grid <= y[:, None]).sum(axis=1) - 1
    return (grid[:, None, :] <= y[:, :, None]).sum(axis=2) - 1


def _take(a, idx):
    """a[row, idx[row, ...]] for a of shape (n, m) and idx of shape (n,) or (n, k)."""
    if idx.ndim == 1:
        return np.take_along_axis(a, idx[:, None], axis=1)[:, 0]
    return np.take_along_axis(a, idx, axis=1)


class QuantileFunction(ContinuousDistribution):
    """Distribution whose quantile function is linear between given quantiles.

    Row i has quantile ``values[i, j]`` at level ``levels[j]``; between levels the quantile
    function is linear, so the density is piecewise constant. Outside ``[levels[0], levels[-1]]``
    the ``tails`` rule applies:

    * ``"exponential"`` (default): exponential tails whose density joins the end segments
      continuously; unbounded support, every moment finite.
    * ``"linear"``: the end segments extended linearly to levels 0 and 1 (uniform tails,
      bounded support).
    * ``"clamp"``: no extrapolation; atoms of mass ``levels[0]`` and ``1 - levels[-1]`` at the
      end quantiles (the empirical-quantile convention).

    Equal consecutive values (flat pieces) are atoms. R3D and quantile aggregation return
    their predictions in this form.

    Parameters
    ----------
    levels : array-like, shape (m,)
        Strictly increasing levels in (0, 1), m >= 2.
    values : array-like, shape (n, m) or (m,)
        Non-decreasing quantiles per row.
    tails : {"exponential", "linear", "clamp"}, default "exponential"

    Examples
    --------
    >>> d = QuantileFunction([0.25, 0.5, 0.75], [[-1.0, 0.0, 1.0]], tails="linear")
    >>> d.cdf(0.5).round(3)
    array([0.625])
    >>> d.ppf(np.array([[0.0, 0.5, 1.0]]))
    array([[-2.,  0.,  2.]])
    >>> d.mean()
    array([0.])
    """

    _param_names = ("values",)

    def __init__(self, levels, values, tails="exponential"):
        levels = check_levels(levels, "levels", strictly_increasing=True)
        if levels.size < 2:
            raise ValueError("levels must hold at least two levels.")
        check_option(tails, "tails", _TAILS)
        values = as_float_array(values, "values", ndim=(1, 2))
        if values.ndim == 1:
            values = values[None, :]
        if values.shape[1] != levels.size:
            raise ValueError(
                f"values has {values.shape[1]} columns but there are {levels.size} levels; "
                "pass one column per level."
            )
        if np.any(np.diff(values, axis=1) < 0):
            raise ValueError(
                "values must be non-decreasing along the levels in every row; rearrange them "
                "first (e.g. distreg.quantile.make_noncrossing or np.sort(values, axis=1))."
            )
        self.levels = levels
        self.tails = tails
        super().__init__(values=values)

    def _slice_extra(self, other, index):
        other.levels = self.levels
        other.tails = self.tails

    def _expand_params(self, ndim):
        # values keep their level axis last; no extra axis is needed (see _last_index_le).
        return dict(self._params)

    @property
    def _ppf_knots(self):
        """Levels where the quantile function has kinks (used by numerical integrals over it)."""
        return self.levels

    def _tail_slopes(self, values):
        lv = self.levels
        s0 = (values[:, 1] - values[:, 0]) / (lv[1] - lv[0])
        s1 = (values[:, -1] - values[:, -2]) / (lv[-1] - lv[-2])
        return s0, s1

    # cdf / density ----------------------------------------------------------------------
    def _pieces(self, y, values):
        lv = self.levels
        m = lv.size
        j = _last_index_le(values, y)
        s0, s1 = self._tail_slopes(values)
        if y.ndim == 2:
            s0, s1 = s0[:, None], s1[:, None]
            v0, vm = values[:, :1], values[:, -1:]
        else:
            v0, vm = values[:, 0], values[:, -1]
        jj = np.clip(j, 0, m - 2)
        va, vb = _take(values, jj), _take(values, jj + 1)
        return j, jj, va, vb, s0, s1, v0, vm

    def _cdf(self, y, values):
        return self._probability(y, values, upper=False)

    def _sf(self, y, values):
        return self._probability(y, values, upper=True)

    def _probability(self, y, values, upper):
        """cdf (or, if ``upper``, sf) computed directly on its own side: the upper-tail
        probabilities 1 - level and (1 - lm) e^(...) are never formed as 1 - cdf."""
        lv = self.levels
        m = lv.size
        l0, lm = lv[0], lv[-1]
        j, jj, va, vb, s0, s1, v0, vm = self._pieces(y, values)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            frac = np.where(vb > va, (y - va) / (vb - va), 1.0)
            width = lv[jj + 1] - lv[jj]
            if upper:
                inner = (1 - lv[jj + 1]) + width * (1 - frac)
            else:
                inner = lv[jj] + width * frac
            if self.tails == "exponential":
                # the tail mass times exp(-distance / (slope * mass)); x >= 0
                x_low = np.maximum((v0 - y) / (s0 * l0), 0.0)
                x_up = np.maximum((y - vm) / (s1 * (1 - lm)), 0.0)
                if upper:
                    low = np.where(s0 > 0, (1 - l0) - l0 * np.expm1(-x_low), 1.0)
                    up = np.where(s1 > 0, (1 - lm) * np.exp(-x_up), 0.0)
                else:
                    low = np.where(s0 > 0, l0 * np.exp(-x_low), 0.0)
                    up = np.where(s1 > 0, lm - (1 - lm) * np.expm1(-x_up), 1.0)
            elif self.tails == "linear":
                below = np.where(s0 > 0, np.clip((v0 - y) / s0, 0.0, l0), l0)
                above = np.where(s1 > 0, np.clip((y - vm) / s1, 0.0, 1 - lm), 1 - lm)
                low = (1 - l0) + below if upper else l0 - below
                up = (1 - lm) - above if upper else lm + above
            else:
                low = np.full_like(y, 1.0 if upper else 0.0)
                up = np.full_like(y, 0.0 if upper else 1.0)
        out = np.where(j < 0, low, np.where(j >= m - 1, up, inner))
        return np.clip(out, 0.0, 1.0)

    def _logcdf(self, y, values):
        out = _log_probability(self._cdf(y, values), self._sf(y, values))
        if self.tails != "exponential":
            return out
        # far in the exponential lower tail the cdf underflows; its log is linear in y
        l0 = self.levels[0]
        j, _, _, _, s0, _, v0, _ = self._pieces(y, values)
        with np.errstate(divide="ignore", invalid="ignore"):
            tail = np.log(l0) - (v0 - y) / (s0 * l0)
        return np.where((j < 0) & (s0 > 0), tail, out)

    def _logsf(self, y, values):
        out = _log_probability(self._sf(y, values), self._cdf(y, values))
        if self.tails != "exponential":
            return out
        lm = self.levels[-1]
        j, _, _, _, _, s1, _, vm = self._pieces(y, values)
        with np.errstate(divide="ignore", invalid="ignore"):
            tail = np.log1p(-lm) - (y - vm) / (s1 * (1 - lm))
        return np.where((j >= self.levels.size - 1) & (s1 > 0), tail, out)

    def _logpdf(self, y, values):
        lv = self.levels
        m = lv.size
        l0, lm = lv[0], lv[-1]
        j, jj, va, vb, s0, s1, v0, vm = self._pieces(y, values)
        with np.errstate(divide="ignore", invalid="ignore"):
            inner = np.log(lv[jj + 1] - lv[jj]) - np.log(vb - va)
            if self.tails == "exponential":
                low = np.log(l0) + (y - v0) / (s0 * l0) - np.log(s0 * l0)
                up = np.log(1 - lm) - (y - vm) / (s1 * (1 - lm)) - np.log(s1 * (1 - lm))
            elif self.tails == "linear":
                low = np.where(y >= v0 - s0 * l0, -np.log(s0), -np.inf)
                up = np.where(y <= vm + s1 * (1 - lm), -np.log(s1), -np.inf)
            else:
                low = np.full_like(y, -np.inf)
                up = np.full_like(y, -np.inf)
        at_top = (j == m - 1) & (y == vm)  # the last knot belongs to the last segment
        inner_top = np.log(lv[-1] - lv[-2]) - np.log(_take(values, np.full_like(j, m - 1)) - _take(values, np.full_like(j, m - 2)))
        out = np.where(j < 0, low, np.where(j >= m - 1, up, inner))
        return np.where(at_top, inner_top, out)

    # quantiles ---------------------------------------------------------------------------
    def _ppf(self, q, values):
        return self._quantile(q, 1.0 - q, False, values)

    def _isf(self, q, values):
        return self._quantile(1.0 - q, q, True, values)

    def _quantile(self, q, s, from_upper, values):
        """Quantile at level q = 1 - s; ``from_upper`` says that s is the exact one (isf), so
        the upper tail and the offsets within a segment are computed from s, not from q."""
        lv = self.levels
        m = lv.size
        l0, lm = lv[0], lv[-1]
        jj = np.clip(np.searchsorted(lv, q, side="right") - 1, 0, m - 2)
        va, vb = _take(values, jj), _take(values, jj + 1)
        offset = (1 - lv[jj]) - s if from_upper else q - lv[jj]
        inner = va + (vb - va) * (offset / (lv[jj + 1] - lv[jj]))
        s0, s1 = self._tail_slopes(values)
        if q.ndim == 2:
            s0, s1 = s0[:, None], s1[:, None]
            v0, vm = values[:, :1], values[:, -1:]
        else:
            v0, vm = values[:, 0], values[:, -1]
        with np.errstate(divide="ignore", invalid="ignore"):
            if self.tails == "exponential":
                low = np.where(q > 0, v0 + s0 * l0 * np.log(q / l0), -np.inf)
                up = np.where(s > 0, vm - s1 * (1 - lm) * np.log(s / (1 - lm)), np.inf)
                low = np.where(s0 > 0, low, v0)
                up = np.where(s1 > 0, up, vm)
            elif self.tails == "linear":
                low = v0 - s0 * (l0 - q)
                up = vm + s1 * ((1 - lm) - s)
            else:
                low = np.broadcast_to(v0, q.shape)
                up = np.broadcast_to(vm, q.shape)
        in_low = s > 1 - l0 if from_upper else q < l0
        in_up = s < 1 - lm if from_upper else q > lm
        return np.where(in_low, low, np.where(in_up, up, inner))

    # moments -----------------------------------------------------------------------------
    def _tail_moment(self, values, order):
        """Per row, mass * E[Q^order] (order 1 or 2) of the two tails together."""
        lv = self.levels
        l0, lm = lv[0], lv[-1]
        s0, s1 = self._tail_slopes(values)
        v0, vm = values[:, 0], values[:, -1]
        c0, c1 = s0 * l0, s1 * (1 - lm)
        if self.tails == "exponential":  # Q = v0 - c0 X and vm + c1 X with X ~ Exp(1)
            if order == 1:
                return l0 * (v0 - c0) + (1 - lm) * (vm + c1)
            return l0 * (v0**2 - 2 * c0 * v0 + 2 * c0**2) + (1 - lm) * (vm**2 + 2 * c1 * vm + 2 * c1**2)
        if self.tails == "linear":  # Q = v0 - c0 U and vm + c1 U with U uniform on (0, 1)
            if order == 1:
                return l0 * (v0 - c0 / 2) + (1 - lm) * (vm + c1 / 2)
            return l0 * (v0**2 - c0 * v0 + c0**2 / 3) + (1 - lm) * (vm**2 + c1 * vm + c1**2 / 3)
        return l0 * v0**order + (1 - lm) * vm**order

    def _mean(self, values):
        dl = np.diff(self.levels)
        inner = ((values[:, :-1] / 2 + values[:, 1:] / 2) * dl).sum(axis=1)
        return inner + self._tail_moment(values, 1)

    def _var(self, values):
        # the second moment about the mean (a shift leaves the variance unchanged): E Y² - (E Y)²
        # of the raw values cancels catastrophically when the spread is small against the
        # location; the centred values are scaled by a power of two (exact) so that their
        # squares neither overflow nor underflow, and only a variance beyond the double range
        # overflows, to inf
        centred = values - self._mean(values)[:, None]
        _, k = np.frexp(np.abs(centred).max(axis=1, keepdims=True))
        unit = np.ldexp(centred, -k)
        dl = np.diff(self.levels)
        a, b = unit[:, :-1], unit[:, 1:]
        second = ((a * a + a * b + b * b) / 3 * dl).sum(axis=1) + self._tail_moment(unit, 2)
        var = np.maximum(second - self._mean(unit) ** 2, 0.0)
        return np.ldexp(var, 2 * k[:, 0])  # beyond the double range: inf, with numpy's warning

    def _rvs(self, rng, k, values):
        u = rng.uniform(size=(values.shape[0], k))
        return self._ppf(u, values)

    def _lower_support(self, p, shape):
        return self._ppf(np.zeros(shape), p["values"])

    def _upper_support(self, p, shape):
        return self._ppf(np.ones(shape), p["values"])


@register_example("QuantileFunction-exponential")
def _qf_exp_example():
    lv = np.array([0.1, 0.25, 0.5, 0.75, 0.9])
    return QuantileFunction(lv, [[-2.0, -1.0, 0.0, 0.5, 3.0], [10.0, 11.0, 12.5, 13.0, 20.0]])


@register_example("QuantileFunction-linear")
def _qf_lin_example():
    lv = np.array([0.05, 0.5, 0.95])
    return QuantileFunction(lv, [[0.0, 1.0, 5.0], [-3.0, -2.0, -1.5]], tails="linear")
