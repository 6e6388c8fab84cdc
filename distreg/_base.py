"""The estimator contract shared by every distreg regression family.

A family implements ``fit`` and ``predict_distribution``; :class:`DistributionalRegressor`
derives ``predict``, ``predict_quantiles``, ``predict_interval``, ``score`` and
``score_samples`` from the predicted :class:`~distreg.distributions.Distribution`.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.exceptions import DataConversionWarning
from sklearn.utils.validation import check_is_fitted, validate_data

from ._params import ValidatedParams, validate_parameters
from ._validation import reject_categorical, check_1d, check_confidence_level, check_levels, check_sample_weight

__all__ = ["DistributionalRegressor", "check_is_fitted"]


class DistributionalRegressor(ValidatedParams, RegressorMixin, BaseEstimator):
    """Base class of estimators that predict a whole distribution per row.

    Subclasses implement ``fit(X, y, sample_weight=None)`` and ``predict_distribution(X)``.
    ``predict`` returns the mean, or the median when the estimator has ``point="median"``.
    ``score`` is the (weighted) mean log predictive density or mass: higher is better.

    Constructor parameters are checked at ``fit`` against the class's
    ``_parameter_constraints`` (see :mod:`distreg._params`); a subclass that declares none
    is not checked.

    Examples
    --------
    >>> import numpy as np
    >>> from distreg import NormalRegressor
    >>> X = np.arange(10.0)[:, None]; y = 2 * X[:, 0] + np.tile([-1.0, 1.0], 5)
    >>> m = NormalRegressor().fit(X, y)
    >>> m.predict(X[:2]).round(3)
    array([-0.273,  1.788])
    >>> m.predict_quantiles(X[:2], [0.1, 0.5, 0.9]).shape
    (2, 3)
    >>> m.predict_interval(X[:1], confidence_level=0.5).round(3)
    array([[-0.937,  0.391]])
    """

    # ------------------------------------------------------------------ input handling
    def _validate_X(self, X, *, reset: bool):
        """Validate X (numpy or pandas), recording n_features_in_/feature_names_in_ on reset."""
        reject_categorical(X, "X")
        try:
            return validate_data(self, X, reset=reset, dtype="numeric", ensure_2d=True,
                                 ensure_all_finite=True, copy=True)
        except (ValueError, TypeError) as exc:
            # scikit-learn's messages do not always say which argument ("Found array with 0
            # sample(s)"); the user must know that X is meant
            if type(exc) not in (ValueError, TypeError) or re.search(r"\bX\b", str(exc)):
                raise
            raise type(exc)(f"X: {exc}") from None

    def _validate_y(self, y, n: int):
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y is None."
            )
        reject_categorical(y, "y")
        if hasattr(y, "to_numpy"):
            y = y.to_numpy()
        y = np.asarray(y)
        if y.ndim == 2 and y.shape[1] == 1:
            warnings.warn(
                "A column-vector y was passed when a 1d array was expected; it is flattened "
                "(pass y.ravel() to silence this).",
                DataConversionWarning,
                stacklevel=3,
            )
        y = check_1d(y, "y")
        if y.shape[0] != n:
            raise ValueError(f"y has {y.shape[0]} entries but X has {n} rows; pass one y per row of X.")
        return y

    def _validate_weights(self, sample_weight, n: int):
        return check_sample_weight(sample_weight, n)

    def _feature_names(self) -> list[str]:
        names = getattr(self, "feature_names_in_", None)
        if names is not None:
            return [str(c) for c in names]
        return [f"x{i}" for i in range(self.n_features_in_)]

    # ------------------------------------------------------------------ derived predictions
    def predict_distribution(self, X):  # pragma: no cover - documented abstract method
        """The predicted distribution of y for each row of X."""
        raise NotImplementedError

    def _checked_point(self, default: str = "mean") -> str:
        """``point`` checked against its constraint (it may have been set after fit)."""
        point = getattr(self, "point", default)
        validate_parameters({k: v for k, v in self._parameter_constraints.items() if k == "point"},
                            {"point": point}, type(self).__name__)
        return point

    def predict(self, X):
        """Point prediction per row: the predictive mean (or median with ``point="median"``)."""
        check_is_fitted(self)
        point = self._checked_point()
        dist = self.predict_distribution(X)
        return dist.median() if point == "median" else dist.mean()

    def predict_quantiles(self, X, quantiles):
        """Predictive quantiles, shape (n, k), non-decreasing along k for increasing levels."""
        check_is_fitted(self)
        levels = check_levels(quantiles, "quantiles")
        Q = self.predict_distribution(X).ppf(levels[None, :])
        order = np.argsort(levels, kind="stable")
        Q_sorted = np.maximum.accumulate(Q[:, order], axis=1)
        out = np.empty_like(Q)
        out[:, order] = Q_sorted
        return out

    def predict_interval(self, X, confidence_level=0.9):
        """Central prediction intervals: (n, 2), or (n, 2, L) for L confidence levels."""
        check_is_fitted(self)
        cl = check_confidence_level(confidence_level)
        return self.predict_distribution(X).interval(cl)

    def score_samples(self, X, y):
        """Log predictive density (or mass) of each y under its row's distribution."""
        check_is_fitted(self)
        dist = self.predict_distribution(X)
        y = self._validate_y(y, len(dist))
        return dist.log_density(y)

    def score(self, X, y, sample_weight=None):
        """Weighted mean log predictive density (mass for integer models); higher is better."""
        ll = self.score_samples(X, y)
        w = self._validate_weights(sample_weight, ll.shape[0])
        return float(np.dot(w, ll) / w.sum())

    # ------------------------------------------------------------------ plotting shortcuts
    def plot_distribution(self, X, ax=None, **kwargs):
        """Plot the predictive distributions of the rows of X (see distreg.plotting)."""
        from .plotting import plot_distribution

        return plot_distribution(self.predict_distribution(X), ax=ax, **kwargs)

    def plot_intervals(self, X, y=None, confidence_level=0.9, ax=None, **kwargs):
        """Plot prediction intervals for the rows of X, with y if given (see distreg.plotting)."""
        from .plotting import plot_intervals

        return plot_intervals(self.predict_interval(X, confidence_level), y_true=y, ax=ax, **kwargs)

    def plot_pit_histogram(self, X, y, ax=None, **kwargs):
        """PIT histogram of y under the predictive distributions (see distreg.plotting)."""
        from .plotting import plot_pit_histogram

        return plot_pit_histogram(y, self.predict_distribution(X), ax=ax, **kwargs)

    def plot_quantile_calibration(self, X, y, ax=None, **kwargs):
        """Observed vs nominal quantile coverage (see distreg.plotting)."""
        from .plotting import plot_quantile_calibration

        return plot_quantile_calibration(y, self.predict_distribution(X), ax=ax, **kwargs)
