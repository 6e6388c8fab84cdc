"""Shared behaviour of models that predict quantiles on a fixed grid of levels."""

from __future__ import annotations

import numpy as np

from .._base import DistributionalRegressor, check_is_fitted
from .._params import Instance, Options
from .._validation import check_levels
from ..distributions import QuantileFunction

__all__ = ["QuantileGridRegressor", "match_levels", "DEFAULT_LEVELS", "GRID_CONSTRAINTS"]

DEFAULT_LEVELS = tuple(np.round(np.arange(1, 100) / 100, 2))

_TOL = 1e-9


def match_levels(requested, fitted, owner: str):
    """Indices of ``requested`` levels in the ``fitted`` grid; a clear error for any other level.

    Examples
    --------
    >>> match_levels([0.1, 0.9], np.array([0.1, 0.5, 0.9]), "model")
    array([0, 2])
    >>> match_levels([0.2], np.array([0.1, 0.5]), "model")
    Traceback (most recent call last):
    ...
    ValueError: model was fitted at quantile levels [0.1, 0.5] and cannot predict [0.2]; refit it with quantiles that include these levels.
    """
    req = check_levels(requested, "quantiles")
    fitted = np.asarray(fitted, dtype=float)
    diff = np.abs(req[:, None] - fitted[None, :])
    idx = diff.argmin(axis=1)
    missing = req[diff[np.arange(req.size), idx] > _TOL]
    if missing.size:
        shown = fitted.tolist() if fitted.size <= 12 else f"{fitted.size} levels from {fitted[0]} to {fitted[-1]}"
        raise ValueError(
            f"{owner} was fitted at quantile levels {shown} and cannot predict "
            f"{missing.tolist()}; refit it with quantiles that include these levels."
        )
    return idx


#: constraints of the parameters every quantile-grid model shares; ``quantiles`` is an
#: array-like whose levels ``fit`` checks (strictly increasing, in (0, 1))
GRID_CONSTRAINTS = {
    "quantiles": [Instance((list, tuple, np.ndarray), "a list of strictly increasing levels in (0, 1)")],
    "point": [Options({"mean", "median"})],
    "tails": [Options({"exponential", "linear", "clamp"})],
}


class QuantileGridRegressor(DistributionalRegressor):
    """Base class: subclasses implement ``fit`` (setting ``quantiles_``) and ``_predict_grid``.

    ``predict_quantiles`` returns the fitted-grid predictions after sorting each row (monotone
    rearrangement, which never increases the pinball loss), restricted to the requested levels;
    ``predict_distribution`` is the piecewise-linear :class:`QuantileFunction` through them.
    Constructor parameters are checked at ``fit`` (``_parameter_constraints``).
    """

    def _check_quantiles_param(self):
        levels = check_levels(self.quantiles, "quantiles", strictly_increasing=True)
        return levels

    def _predict_grid(self, X):  # pragma: no cover - abstract
        raise NotImplementedError

    def _sorted_grid(self, X):
        return np.sort(self._predict_grid(X), axis=1)

    def predict_quantiles(self, X, quantiles=None):
        """Predicted quantiles at ``quantiles`` (default: the fitted levels), shape (n, k).

        Only fitted levels can be requested; rows are non-decreasing along increasing levels.
        """
        check_is_fitted(self)
        Q = self._sorted_grid(X)
        if quantiles is None:
            return Q
        idx = match_levels(quantiles, self.quantiles_, type(self).__name__)
        return Q[:, idx]

    def predict_distribution(self, X):
        """A :class:`~distreg.distributions.QuantileFunction` through the fitted quantiles."""
        check_is_fitted(self)
        if self.quantiles_.size < 2:
            raise ValueError(
                "predict_distribution needs at least two fitted quantile levels; refit with more."
            )
        return QuantileFunction(self.quantiles_, self._sorted_grid(X), tails=self.tails)
