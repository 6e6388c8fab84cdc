"""Finite mixtures of distreg distributions with row-specific weights."""

from __future__ import annotations

import numpy as np

from .._validation import as_float_array
from ._base import Distribution, _invert_cdf, logsumexp_rows
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

    def _log_component_sum(self, y, weights, method):
        """log Σ_k w_k exp(method_k(y)) for a log-scale method of the components."""
        comps = [getattr(c, method)(y) for c in self.components]
        with np.errstate(divide="ignore"):
            logw = np.log(weights)
        stacked = np.stack([logw[..., k] + comps[k] for k in range(len(comps))], axis=-1)
        return logsumexp_rows(stacked, axis=-1)

    def _log_component_density(self, y, weights):
        return self._log_component_sum(y, weights, "log_density")

    def _logcdf(self, y, weights):
        # from the components' log cdfs, finite where the mixture's cdf underflows; near 0 (a
        # cdf close to one) log1p(-sf) keeps the relative accuracy that the sum loses
        return self._log_near_one(self._log_component_sum(y, weights, "logcdf"), y, weights, self._sf)

    def _logsf(self, y, weights):
        return self._log_near_one(self._log_component_sum(y, weights, "logsf"), y, weights, self._cdf)

    def _log_near_one(self, log_p, y, weights, complement):
        high = log_p > -np.log(2.0)
        if not high.any():
            return log_p
        with np.errstate(divide="ignore"):
            return np.where(high, np.log1p(-complement(y, weights)), log_p)

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
        return self._invert(q, weights, upper=False)

    def _isf(self, q, weights):
        return self._invert(q, weights, upper=True)

    def _level_reached(self, y, target_cdf, target_sf, on_sf, weights):
        """F(y) >= target_cdf (or S(y) <= target_sf where ``on_sf``), used by the quantile search.

        F(y) - q cancels wherever the mixture's cdf is flat at a partial sum of the weights (the
        gap between separated components, where F = 1/2 over a long range). With B the
        components whose cdf exceeds 1/2 at y (their sf is the accurate side) and A the others,
        F(y) = W_B + Σ_A w_k F_k - Σ_B w_k S_k and S(y) = W_A - Σ_A w_k F_k + Σ_B w_k S_k, so both
        comparisons reduce to one of the small sum Σ_A w_k F_k - Σ_B w_k S_k against
        q - W_B or W_A - s, which is exactly 0 when the level is such a partial sum.
        """
        small, total_cdf, total_sf = np.zeros(y.shape), 0.0, 0.0
        w_above, w_below = np.zeros(y.shape), np.zeros(y.shape)
        sides = []
        for k, c in enumerate(self.components):
            w = self._weights_for(weights, k)
            F, S = c.cdf(y), c.sf(y)
            total_cdf, total_sf = total_cdf + w * F, total_sf + w * S
            above = F > 0.5
            sides.append(above)
            small = small + np.where(above, -w * S, w * F)
            w_above, w_below = w_above + np.where(above, w, 0.0), w_below + np.where(above, 0.0, w)
        threshold = np.where(on_sf, w_below - target_sf, target_cdf - w_above)
        if self.discrete:
            # the cdf and sf exactly as cdf() and sf() round them, so that ppf(cdf(k)) is k
            out = np.where(on_sf, total_sf <= target_sf, total_cdf >= target_cdf)
        else:
            out = small >= threshold
        tie = threshold == 0
        if tie.any():
            # a level equal to a partial sum of the weights: the two small sums decide, and
            # they may both underflow (far-apart components), so compare them in logs
            with np.errstate(divide="ignore"):
                logw = np.log(weights)
            pos, neg = [], []
            for k, (above, c) in enumerate(zip(sides, self.components)):
                pos.append(np.where(above, -np.inf, logw[..., k] + c.logcdf(y)))
                neg.append(np.where(above, logw[..., k] + c.logsf(y), -np.inf))
            by_logs = logsumexp_rows(np.stack(pos, axis=-1)) >= logsumexp_rows(np.stack(neg, axis=-1))
            out = np.where(tie, by_logs, out)
        return out

    def _invert(self, q, weights, upper):
        # no closed form: bisection over the doubles (cost independent of the scale); for
        # integer components the smallest double reaching the level is itself an integer
        y = _invert_cdf(self, q, {"weights": weights}, upper=upper, integer=self.discrete)
        return np.ceil(y) if self.discrete else y

    def _mean(self, weights):
        means = np.stack([c.mean() for c in self.components], axis=1)
        return np.where(weights > 0, weights * means, 0.0).sum(axis=1)

    def _var(self, weights):
        # law of total variance: Σ w_k (σ²_k + (μ_k - μ)²), a sum of non-negative terms;
        # components without weight are left out (0 * inf), and an infinite component
        # mean makes the variance infinite
        means = np.stack([c.mean() for c in self.components], axis=1)
        variances = np.stack([c.var() for c in self.components], axis=1)
        used = weights > 0
        mean = np.where(used, weights * means, 0.0).sum(axis=1)
        with np.errstate(invalid="ignore"):
            terms = np.where(used, weights * (variances + (means - mean[:, None]) ** 2), 0.0)
        var = terms.sum(axis=1)
        return np.where(np.isinf(mean), np.inf, var)

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
