"""Turn a single-level quantile regressor (e.g. gradient boosting) into a multi-level model."""

from __future__ import annotations

import numpy as np
from sklearn.base import clone

from .._base import check_is_fitted
from .._params import HasMethods, Instance
from ._grid import DEFAULT_LEVELS, GRID_CONSTRAINTS, QuantileGridRegressor

__all__ = ["MultiQuantileRegressor"]


def _level_parameter(estimator, quantile_param):
    """Name of the estimator parameter that sets the quantile level."""
    params = estimator.get_params(deep=False)
    if quantile_param is not None:
        if quantile_param not in params:
            raise ValueError(
                f"quantile_param={quantile_param!r} is not a parameter of "
                f"{type(estimator).__name__}; its parameters are {sorted(params)}."
            )
        return quantile_param
    if "quantile" in params:  # HistGradientBoostingRegressor, QuantileRegressor
        return "quantile"
    if "alpha" in params and params.get("loss", params.get("objective")) == "quantile":
        return "alpha"  # GradientBoostingRegressor(loss="quantile"), LightGBM(objective="quantile")
    raise ValueError(
        f"Cannot tell which parameter of {type(estimator).__name__} sets the quantile level. "
        "Pass an estimator with a quantile loss (e.g. HistGradientBoostingRegressor("
        "loss='quantile') or GradientBoostingRegressor(loss='quantile')), or name the "
        "parameter with quantile_param=."
    )


class MultiQuantileRegressor(QuantileGridRegressor):
    """One clone of a quantile-loss regressor per level, behaving as one multi-level model.

    Parameters
    ----------
    estimator : scikit-learn regressor
        A regressor with a quantile (pinball) loss whose level is a parameter, e.g.
        ``HistGradientBoostingRegressor(loss="quantile")`` (parameter ``quantile``),
        ``GradientBoostingRegressor(loss="quantile")`` (``alpha``) or
        ``sklearn.linear_model.QuantileRegressor`` (``quantile``).
    quantiles : array-like, default ``np.arange(1, 100) / 100``
        Strictly increasing levels in (0, 1).
    quantile_param : str, optional
        Name of the level parameter when it cannot be inferred.
    point : {"median", "mean"}, default "median"
    tails : {"exponential", "linear", "clamp"}, default "exponential"

    Attributes
    ----------
    estimators_ : list of fitted estimators, one per level.
    quantiles_ : ndarray

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.ensemble import HistGradientBoostingRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.uniform(size=(300, 1)); y = X[:, 0] + rng.normal(scale=0.1, size=300)
    >>> base = HistGradientBoostingRegressor(loss="quantile", max_iter=20)
    >>> m = MultiQuantileRegressor(base, quantiles=[0.1, 0.5, 0.9]).fit(X, y)
    >>> Q = m.predict_quantiles(X)
    >>> Q.shape, bool(np.all(np.diff(Q, axis=1) >= 0))
    ((300, 3), True)
    """

    _parameter_constraints = {
        **GRID_CONSTRAINTS,
        "estimator": [HasMethods(["fit", "predict", "get_params", "set_params"])],
        "quantile_param": [None, Instance(str, "a parameter name (str)")],
    }

    def __init__(self, estimator, quantiles=DEFAULT_LEVELS, quantile_param=None, point="median",
                 tails="exponential"):
        self.estimator = estimator
        self.quantiles = quantiles
        self.quantile_param = quantile_param
        self.point = point
        self.tails = tails

    def fit(self, X, y, sample_weight=None):
        """Fit one clone of ``estimator`` per level.

        Returns
        -------
        self
        """
        levels = self._check_quantiles_param()
        name = _level_parameter(self.estimator, self.quantile_param)
        X = self._validate_X(X, reset=True)
        y = self._validate_y(y, X.shape[0])
        kwargs = {}
        if sample_weight is not None:
            kwargs["sample_weight"] = self._validate_weights(sample_weight, X.shape[0])
        self.estimators_ = []
        for tau in levels:
            est = clone(self.estimator).set_params(**{name: float(tau)})
            self.estimators_.append(est.fit(X, y, **kwargs))
        self.quantiles_ = levels
        return self

    def _predict_grid(self, X):
        check_is_fitted(self)
        X = self._validate_X(X, reset=False)
        return np.column_stack([est.predict(X) for est in self.estimators_])
