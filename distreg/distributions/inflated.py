"""Zero-inflated and hurdle wrappers around any discrete distribution.

* ``ZeroInflated(base, pi)``: with probability π a structural zero, otherwise a draw from
  ``base`` (Lambert 1992): P(0) = π + (1 - π) p(0), P(y) = (1 - π) p(y) for y != 0.
* ``Hurdle(base, pi)``: zero with probability π, otherwise a draw from ``base`` conditioned on
  being positive (Mullahy 1986): P(0) = π, P(y) = (1 - π) p(y)/(1 - p(0)) for y >= 1. The base
  must live on the non-negative integers.

Note that R's ``pscl::hurdle`` models P(y > 0) = 1 - π in its zero part, so its zero-model
coefficients are the negatives of those of a logit model for π.
"""

from __future__ import annotations

import numpy as np

from ._base import DiscreteDistribution, _bisect_ppf
from ._registry import register_example
from .counts import NegativeBinomial, Poisson

__all__ = ["ZeroInflated", "Hurdle"]


class _Wrapped(DiscreteDistribution):
    _param_names = ("pi",)
    # the private methods evaluate the wrapped distribution on whole rows
    _row_params = False

    def __init__(self, base, pi):
        if not isinstance(base, DiscreteDistribution):
            raise TypeError(f"{type(self).__name__}: base must be a discrete distreg distribution; "
                            f"got {type(base).__name__}.")
        pi = np.asarray(pi, float)
        if pi.ndim == 0:
            pi = np.full(len(base), float(pi))
        if pi.shape != (len(base),):
            raise ValueError(f"{type(self).__name__}: pi must be a scalar or have one value per row "
                             f"({len(base)}); got shape {pi.shape}.")
        self.base = base
        super().__init__(pi=pi)

    def _check_params(self, pi):
        if np.any((pi < 0) | (pi > 1)):
            raise ValueError(f"{type(self).__name__}: pi must lie in [0, 1].")

    def __getitem__(self, index):
        if isinstance(index, (int, np.integer)):
            index = np.array([index])
        return type(self)(self.base[index], self._params["pi"][index])

    def __repr__(self):
        return f"{type(self).__name__}({self.base!r}, pi=...)"

    def _ppf(self, q, pi):
        return _bisect_ppf(self, q, {"pi": pi}, integer=True)

    def _b0(self, shape):
        """Base mass at zero broadcast to ``shape``."""
        b0 = self.base.pmf(np.zeros(len(self.base)))
        return b0 if len(shape) == 1 else b0[:, None]

    def _base_grad(self, y):
        if not hasattr(self.base, "_logpmf_grad"):
            raise NotImplementedError(f"the base {type(self.base).__name__} has no logpmf gradient.")
        return self.base.logpmf_grad(np.where(np.isfinite(y), y, 0.0))

    @staticmethod
    def _scale_grad(g, factor):
        """Multiply a gradient (possibly with a trailing parameter axis) by ``factor``."""
        return g * (factor[..., None] if g.ndim > factor.ndim else factor)


class ZeroInflated(_Wrapped):
    """Zero-inflated version of a discrete ``base``: extra structural zeros with probability pi.

    Parameters
    ----------
    base : DiscreteDistribution
        The count distribution (n rows).
    pi : float or array-like, shape (n,)
        Probability of a structural zero, in [0, 1].

    Examples
    --------
    >>> d = ZeroInflated(Poisson(mu=[2.0]), pi=0.3)
    >>> d.pmf(0).round(4), d.mean(), d.var().round(4)
    (array([0.3947]), array([1.4]), array([2.24]))
    """

    def _logpmf(self, y, pi):
        lb = self.base.logpmf(y)
        b0 = self._b0(y.shape)
        with np.errstate(divide="ignore"):
            zero = np.log(pi + (1 - pi) * b0)
            other = np.log1p(-pi) + lb
        return np.where(y == 0, zero, other)

    def _logpmf_grad(self, y, pi):
        b0 = self._b0(y.shape)
        P0 = pi + (1 - pi) * b0
        g_pi = np.where(y == 0, (1 - b0) / P0, -1.0 / (1 - pi))
        out = {"pi": g_pi}
        gy = self._base_grad(y)
        g0 = self._base_grad(np.zeros_like(y))
        share0 = (1 - pi) * b0 / P0  # d log P0 / d log b0
        for name, g in gy.items():
            zero_part = self._scale_grad(g0[name], share0)
            mask = (y == 0)
            out[name] = np.where(mask[..., None] if g.ndim > y.ndim else mask, zero_part, g)
        return out

    def _cdf(self, y, pi):
        return pi * (np.floor(y) >= 0) + (1 - pi) * self.base.cdf(y)

    def _sf(self, y, pi):
        return pi * (np.floor(y) < 0) + (1 - pi) * self.base.sf(y)

    def _mean(self, pi):
        return (1 - pi) * self.base.mean()

    def _var(self, pi):
        m, v = self.base.mean(), self.base.var()
        mean = (1 - pi) * m
        return (1 - pi) * (v + m * m) - mean * mean

    def _rvs(self, rng, k, pi):
        draws = self.base.rvs(size=k, random_state=rng)
        zero = rng.uniform(size=draws.shape) < pi
        return np.where(zero, 0.0, draws)

    def _lower_support(self, p, shape):
        return np.minimum(0.0, self.base.ppf(np.zeros(shape)))

    def _upper_support(self, p, shape):
        return np.maximum(0.0, self.base.ppf(np.ones(shape)))


class Hurdle(_Wrapped):
    """Hurdle model: zero with probability pi, else the base conditioned on y >= 1.

    Parameters
    ----------
    base : DiscreteDistribution
        A distribution on {0, 1, 2, ...} (n rows).
    pi : float or array-like, shape (n,)
        P(Y = 0), in [0, 1].

    Examples
    --------
    >>> d = Hurdle(Poisson(mu=[2.0]), pi=0.5)
    >>> d.pmf(np.array([[0, 1, 2]])).round(4)
    array([[0.5   , 0.1565, 0.1565]])
    >>> d.mean().round(4)
    array([1.1565])
    """

    def __init__(self, base, pi):
        super().__init__(base, pi)
        if np.any(self.base.cdf(-1.0) > 0):
            raise ValueError("Hurdle: the base distribution must live on the non-negative integers.")

    def _positive(self, shape):
        """Base probability of a positive count, P(base > 0), from its sf (exact where b0 ≈ 1)."""
        s0 = self.base.sf(np.zeros(len(self.base)))
        return s0 if len(shape) == 1 else s0[:, None]

    def _log_positive(self, shape):
        s0 = self.base.logsf(np.zeros(len(self.base)))
        return s0 if len(shape) == 1 else s0[:, None]

    def _logpmf(self, y, pi):
        lb = self.base.logpmf(y)
        with np.errstate(divide="ignore"):
            pos = np.log1p(-pi) + lb - self._log_positive(y.shape)
            zero = np.log(pi)
        return np.where(y == 0, zero, np.where(y > 0, pos, -np.inf))

    def _logpmf_grad(self, y, pi):
        b0 = self._b0(y.shape)
        g_pi = np.where(y == 0, 1.0 / pi, -1.0 / (1 - pi))
        out = {"pi": np.where(y >= 0, g_pi, 0.0)}
        gy = self._base_grad(y)
        g0 = self._base_grad(np.zeros_like(y))
        ratio = b0 / self._positive(y.shape)  # d/dθ [-log(1 - b0)] = b0/(1-b0) · dlog b0/dθ
        for name, g in gy.items():
            pos = g + self._scale_grad(g0[name], ratio)
            mask = y > 0
            out[name] = np.where(mask[..., None] if g.ndim > y.ndim else mask, pos, 0.0)
        return out

    def _cdf(self, y, pi):
        s0 = self._positive(y.shape)
        pos = (s0 - self.base.sf(y)) / s0  # P(1 <= base <= y) / P(base > 0)
        return np.where(np.floor(y) < 0, 0.0, pi + (1 - pi) * np.clip(pos, 0.0, 1.0))

    def _sf(self, y, pi):
        pos = self.base.sf(y) / self._positive(y.shape)
        return np.where(np.floor(y) < 0, 1.0, (1 - pi) * np.clip(pos, 0.0, 1.0))

    def _mean(self, pi):
        return (1 - pi) * self.base.mean() / self._positive((1,))

    def _var(self, pi):
        s0 = self._positive((1,))
        m, v = self.base.mean(), self.base.var()
        mean = (1 - pi) * m / s0
        return (1 - pi) * (v + m * m) / s0 - mean * mean

    def _rvs(self, rng, k, pi):
        n = len(self.base)
        b0 = self._b0((1,))[:, None]
        u = b0 + rng.uniform(size=(n, k)) * self._positive((1,))[:, None]
        positive = self.base.ppf(np.clip(u, b0 + 1e-300, 1.0))
        positive = np.maximum(positive, 1.0)
        zero = rng.uniform(size=(n, k)) < pi
        return np.where(zero, 0.0, positive)

    def _lower_support(self, p, shape):
        return np.zeros(shape)

    def _upper_support(self, p, shape):
        return self.base.ppf(np.ones(shape))


@register_example("ZeroInflatedPoisson")
def _zip_example():
    return ZeroInflated(Poisson(mu=[0.5, 3.0, 12.0]), pi=[0.05, 0.4, 0.8])


@register_example("HurdleNegativeBinomial")
def _hurdle_example():
    return Hurdle(NegativeBinomial(mu=[0.5, 3.0, 12.0], alpha=[1.0, 0.2, 2.0]), pi=[0.1, 0.4, 0.8])
