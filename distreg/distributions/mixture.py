"""Finite mixtures of distreg distributions with row-specific weights."""

from __future__ import annotations

import numpy as np

from .._validation import as_float_array
from ._base import Distribution, _bisect_ppf, logsumexp_rows
from ._registry import register_example
from .normal import Normal

__all__ = ["Mixture"]


class Mixture(Distribution):
    """Mixture Σ_k w_k F_k of K component distributions with n rows each.

    All components must be continuous, or all discrete (on the integers).

    Parameters
    ----------
    components : list of Distribution
        K distributions with the same number of rows.
    weights : array-like, shape (K,) or (n, K)
        Non-negative mixture weights; each row is normalised to sum to one.

    Examples
    --------
    >>> from distreg.distributions import Normal
    >>> d = Mixture([Normal(0.0, 1.0), Normal(4.0, 1.0)], [0.5, 0.5])
    >>> d.mean(), d.cdf(2.0)
    (array([2.]), array([0.5]))
    >>> round(float(d.var()[0]), 6)
    5.0
    """

    def __init__(self, components, weights):
        components = list(components)
        if not components or not all(isinstance(c, Distribution) for c in components):
            raise TypeError("components must be a non-empty list of distreg Distribution objects.")
        n = len(components[0])
        if any(len(c) != n for c in components):
            raise ValueError("all components must have the same number of rows.")
        kinds = {c.discrete for c in components}
        if len(kinds) > 1:
            raise ValueError("components must be all continuous or all discrete.")
        w = as_float_array(weights, "weights", ndim=(1, 2))
        if w.ndim == 1:
            w = np.broadcast_to(w, (n, w.size)).copy()
        if w.shape != (n, len(components)):
            raise ValueError(
                f"weights must have shape (K,) or (n, K) = ({n}, {len(components)}); got {w.shape}."
            )
        if (w < 0).any() or (w.sum(axis=1) <= 0).any():
            raise ValueError("weights must be non-negative with a positive sum in every row.")
        self.components = components
        self.discrete = components[0].discrete
        self._params = {"weights": w / w.sum(axis=1, keepdims=True)}
        self._n = n

    def __getitem__(self, index):
        if isinstance(index, (int, np.integer)):
            index = np.array([index])
        return Mixture([c[index] for c in self.components], self._params["weights"][index])

    def _weights_for(self, weights, k):
        return weights[..., k]

    def _cdf(self, y, weights):
        return sum(self._weights_for(weights, k) * c.cdf(y) for k, c in enumerate(self.components))

    def _sf(self, y, weights):
        return sum(self._weights_for(weights, k) * c.sf(y) for k, c in enumerate(self.components))

    def _log_component_density(self, y, weights):
        comps = [c.log_density(y) for c in self.components]
        with np.errstate(divide="ignore"):
            logw = np.log(weights)
        stacked = np.stack([logw[..., k] + comps[k] for k in range(len(comps))], axis=-1)
        return logsumexp_rows(stacked, axis=-1)

    def logpdf(self, y):
        """Log density (continuous components)."""
        if self.discrete:
            raise TypeError("a mixture of discrete components has logpmf, not logpdf.")
        y, p = self._broadcast(y)
        return self._log_component_density(y, **p)

    def pdf(self, y):
        """Density (continuous components)."""
        return np.exp(self.logpdf(y))

    def logpmf(self, y):
        """Log mass (discrete components)."""
        if not self.discrete:
            raise TypeError("a mixture of continuous components has logpdf, not logpmf.")
        y, p = self._broadcast(y)
        return self._log_component_density(y, **p)

    def pmf(self, y):
        """Probability mass (discrete components)."""
        return np.exp(self.logpmf(y))

    def logpmf_grad(self, y):
        """Gradient of the log mass (discrete components).

        Returns ``{"weights": ...}`` with derivatives in the softmax logits of the weights
        (trailing axis K: responsibility minus weight) and, for component k, its parameters
        under the keys ``"k.name"`` (responsibility times the component's own gradient).
        """
        if not self.discrete:
            raise TypeError("logpmf_grad needs discrete components.")
        y, p = self._broadcast(y)
        weights = p["weights"]
        comps = [c.logpmf(y) for c in self.components]
        with np.errstate(divide="ignore"):
            logw = np.log(weights)
        stacked = np.stack([logw[..., k] + comps[k] for k in range(len(comps))], axis=-1)
        total = logsumexp_rows(stacked, axis=-1)
        with np.errstate(invalid="ignore"):
            resp = np.exp(stacked - total[..., None])
        out = {"weights": resp - weights}
        for k, c in enumerate(self.components):
            for name, g in c.logpmf_grad(y).items():
                r = resp[..., k]
                out[f"{k}.{name}"] = g * (r[..., None] if g.ndim > r.ndim else r)
        return out

    def mode(self):
        """A most probable value of each row (discrete components)."""
        if not self.discrete:
            raise TypeError("mode is defined here for discrete mixtures only.")
        from ._base import _mode_by_search

        return _mode_by_search(self)

    def _ppf(self, q, weights):
        return _bisect_ppf(self, q, {"weights": weights}, integer=self.discrete)

    def _mean(self, weights):
        means = np.stack([c.mean() for c in self.components], axis=1)
        return (weights * means).sum(axis=1)

    def _var(self, weights):
        means = np.stack([c.mean() for c in self.components], axis=1)
        variances = np.stack([c.var() for c in self.components], axis=1)
        mean = (weights * means).sum(axis=1)
        return (weights * (variances + (means - mean[:, None]) ** 2)).sum(axis=1)

    def _rvs(self, rng, k, weights):
        weights = weights[:, 0, :]
        draws = np.stack([c.rvs(size=k, random_state=rng) for c in self.components], axis=-1)
        cum = np.cumsum(weights, axis=1)
        u = rng.uniform(size=(weights.shape[0], k))
        which = (u[:, :, None] > cum[:, None, :]).sum(axis=2)
        which = np.minimum(which, len(self.components) - 1)
        return np.take_along_axis(draws, which[:, :, None], axis=2)[:, :, 0]

    def _lower_support(self, p, shape):
        return np.min(np.stack([c.ppf(np.zeros(shape)) for c in self.components]), axis=0)

    def _upper_support(self, p, shape):
        return np.max(np.stack([c.ppf(np.ones(shape)) for c in self.components]), axis=0)


@register_example("Mixture")
def _mixture_example():
    return Mixture(
        [Normal([0.0, 5.0], [1.0, 0.5]), Normal([3.0, 5.0], [0.5, 2.0])],
        [[0.3, 0.7], [0.5, 0.5]],
    )


@register_example("MixtureDiscrete")
def _mixture_discrete_example():
    from .counts import Poisson
    from .dalap import Dalap

    return Mixture([Poisson([1.0, 20.0]), Dalap([6.3, 2.4], [0.6, 0.3], lower=0)],
                   [[0.4, 0.6], [0.9, 0.1]])
