"""Machinery shared by the conformal wrappers: phases, input checks, calibration bookkeeping.

Every wrapper follows the same phases: ``fit(X, y)`` fits the base model (skipped with
``prefit=True``), ``conformalize(X_cal, y_cal)`` computes conformity scores on held-out data,
and ``predict_interval`` / ``predict_set`` / ``predict_distribution`` use them. Calling a phase
too early raises :class:`~distreg.exceptions.NotFittedError` saying which call is missing.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, clone
from sklearn.utils.validation import _num_samples, check_is_fitted

from .._validation import check_1d, check_confidence_level, check_same_length
from ..exceptions import NotFittedError
from ._quantile import conformal_quantile, mondrian_conformal_quantile, weighted_conformal_quantile

__all__ = ["ConformalMixin", "check_rows", "check_groups", "check_weights", "format_interval"]


def check_rows(X, name: str = "X") -> int:
    """Number of rows of X, rejecting NaN/inf in numeric input (the base model sees X unchanged)."""
    if X is None:
        raise ValueError(f"{name} is None; pass an array or DataFrame with one row per observation.")
    import scipy.sparse as sp

    if sp.issparse(X):
        raise TypeError(
            f"{name} is a sparse matrix; sparse input is not supported by the conformal wrappers. "
            "Convert it with X.toarray() or wrap the model in a pipeline that accepts dense input."
        )
    try:
        n = _num_samples(X)
    except TypeError as exc:
        raise TypeError(f"{name} must be an array-like or DataFrame with rows; {exc}") from None
    if n == 0:
        raise ValueError(f"{name} has no rows; pass at least one observation.")
    if hasattr(X, "select_dtypes"):
        num = X.select_dtypes(include="number").to_numpy(dtype=float)
    else:
        arr = np.asarray(X)
        if arr.dtype.kind == "c":
            raise ValueError(f"Complex data not supported: {name} has a complex dtype; pass real numbers.")
        num = arr if arr.dtype.kind in "fiub" else None
    # a sum is NaN/inf whenever an entry is; only then (or on overflow) count the bad entries
    if num is not None and num.dtype.kind == "f" and not np.isfinite(np.add.reduce(num, axis=None)) \
            and not np.isfinite(num).all():
        raise ValueError(
            f"{name} contains NaN or infinite values ({int((~np.isfinite(num)).sum())} entries); "
            "remove or impute them first."
        )
    return n


def _shape(X):
    shape = getattr(X, "shape", None)
    if isinstance(shape, tuple):
        return shape
    try:
        return np.asarray(X).shape
    except Exception:  # pragma: no cover - exotic containers: no feature check
        return ()


def check_target(y, name: str = "y"):
    """y as a new 1-D float array, with scikit-learn's message when it is missing."""
    if y is None:
        raise ValueError(f"{name}: this estimator requires y to be passed, but the target y is None.")
    y = y.to_numpy() if hasattr(y, "to_numpy") else np.asarray(y)
    if y.dtype.kind == "c":
        raise ValueError(f"Complex data not supported: {name} has a complex dtype; pass real numbers.")
    if y.ndim == 2 and y.shape[1] == 1:
        import warnings

        from sklearn.exceptions import DataConversionWarning

        warnings.warn(f"A column-vector y was passed when a 1d array was expected ({name} of shape (n, 1) is used as (n,)).",
                      DataConversionWarning, stacklevel=3)
    return check_1d(y, name)


def check_groups(groups, n: int, name: str = "groups"):
    """Group labels as a new 1-D array of length n (any hashable labels)."""
    if groups is None:
        return None
    g = np.array(groups.to_numpy() if hasattr(groups, "to_numpy") else groups, copy=True)
    if g.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional (one label per row); got shape {g.shape}.")
    if g.shape[0] != n:
        raise ValueError(f"{name} has {g.shape[0]} entries but the data have {n} rows.")
    if g.dtype.kind == "f" and np.isnan(g).any():
        raise ValueError(f"{name} contains NaN; give every row a group label.")
    if g.dtype == object and any(v is None for v in g):
        raise ValueError(f"{name} contains None; give every row a group label.")
    return g


def check_weights(weights, n: int, name: str = "weights"):
    """Covariate-shift weights as a new non-negative float array of length n."""
    if weights is None:
        return None
    w = check_1d(weights, name)
    if w.shape[0] != n:
        raise ValueError(f"{name} has {w.shape[0]} entries but the data have {n} rows.")
    if (w < 0).any():
        raise ValueError(f"{name} must be non-negative (likelihood ratios); {int((w < 0).sum())} are negative.")
    return w


def format_interval(lower, upper, scalar: bool):
    """Stack (n, L) bounds into (n, 2, L), or (n, 2) for a single scalar level."""
    out = np.stack([lower, upper], axis=1)
    return out[:, :, 0] if scalar else out


class ConformalMixin(BaseEstimator):
    """Phases and calibration bookkeeping shared by the conformal wrappers (internal)."""

    # ------------------------------------------------------------------ parameters
    def _levels(self, confidence_level=None):
        """(levels (L,), scalar flag) from the argument or the ``confidence_level`` parameter."""
        cl = self.confidence_level if confidence_level is None else confidence_level
        if isinstance(cl, (list, tuple)) and len(cl) == 0:
            raise ValueError("confidence_level is an empty list; pass a number or a list of numbers in (0, 1).")
        cl = check_confidence_level(cl)
        return np.atleast_1d(cl).astype(float), np.ndim(cl) == 0

    # ------------------------------------------------------------------ phases
    def _fit_base(self, estimator, X, y, fit_params):
        if self.prefit:
            raise ValueError(
                "prefit=True: the estimator is already fitted, so skip fit() and call "
                "conformalize(X_cal, y_cal) directly (or set prefit=False)."
            )
        n = check_rows(X)
        y = check_target(y, "y")
        check_same_length(X=range(n), y=y)
        self._record_features(X)
        est = clone(estimator)
        est.fit(X, y, **fit_params)
        return est

    def _prefit_estimator(self, estimator):
        try:
            check_is_fitted(estimator)
        except NotFittedError:
            raise NotFittedError(
                f"prefit=True but the estimator {type(estimator).__name__} is not fitted; fit it "
                "first or use prefit=False and call fit(X_train, y_train)."
            ) from None
        return estimator

    def _require_fitted(self, method: str):
        if not hasattr(self, "estimator_"):
            hint = ("call conformalize(X_cal, y_cal)" if self.prefit
                    else "call fit(X_train, y_train) and then conformalize(X_cal, y_cal)")
            raise NotFittedError(f"{type(self).__name__}.{method}() was called too early: {hint} first.")

    def _require_conformalized(self, method: str):
        self._require_fitted(method)
        if not hasattr(self, "n_calibration_"):
            raise NotFittedError(
                f"{type(self).__name__}.{method}() needs calibration scores: call "
                "conformalize(X_cal, y_cal) first."
            )

    def _record_features(self, X):
        """Set n_features_in_ / feature_names_in_ from the data the wrapper first sees."""
        shape = _shape(X)
        if len(shape) == 2:
            self.n_features_in_ = int(shape[1])
        if hasattr(X, "columns"):
            self.feature_names_in_ = np.asarray([str(c) for c in X.columns], dtype=object)

    def _check_features(self, X):
        n_in = getattr(self, "n_features_in_", None)
        shape = _shape(X)
        if n_in is not None and len(shape) == 2 and shape[1] != n_in:
            raise ValueError(
                f"X has {shape[1]} features, but {type(self).__name__} is expecting {n_in} features "
                "as input (the number seen in fit)."
            )

    def _predict_rows(self, X):
        """check_rows plus the feature-count check against the fitted data."""
        m = check_rows(X)
        self._check_features(X)
        return m

    def __sklearn_is_fitted__(self):
        return hasattr(self, "estimator_")

    # ------------------------------------------------------------------ calibration data
    def _store_calibration(self, n, groups, weights):
        self.calibration_groups_ = check_groups(groups, n)
        self.calibration_weights_ = check_weights(weights, n)
        if self.calibration_weights_ is not None and not (self.calibration_weights_ > 0).any():
            raise ValueError("weights are zero everywhere; at least one calibration weight must be positive.")
        self.n_calibration_ = n

    def _test_side(self, m, groups, weights):
        g = check_groups(groups, m)
        w = check_weights(weights, m)
        if (self.calibration_groups_ is None) != (g is None):
            raise ValueError(
                "groups must be given both to conformalize() and to the prediction method (Mondrian "
                "calibration needs the group of every calibration and test row), or to neither."
            )
        if (self.calibration_weights_ is None) != (w is None):
            raise ValueError(
                "weights must be given both to conformalize() and to the prediction method (weighted "
                "conformal prediction needs the likelihood ratio w(x) of every calibration and test row), "
                "or to neither."
            )
        return g, w

    def _score_quantiles(self, scores, levels, m, groups=None, weights=None, mask=None):
        """Conformal quantiles of calibration ``scores`` for m test rows: shape (m, L)."""
        cal_g, cal_w = self.calibration_groups_, self.calibration_weights_
        if mask is not None:
            scores = scores[mask]
            cal_g = None if cal_g is None else cal_g[mask]
            cal_w = None if cal_w is None else cal_w[mask]
        allow = bool(getattr(self, "allow_infinite_bounds", False))
        if cal_g is not None:
            return mondrian_conformal_quantile(scores, cal_g, groups, levels, weights=cal_w,
                                               test_weights=weights, allow_infinite=allow)
        if cal_w is not None:
            return weighted_conformal_quantile(scores, cal_w, weights, levels, allow_infinite=allow)
        q = conformal_quantile(scores, levels, allow_infinite=allow)
        return np.broadcast_to(q[None, :], (m, levels.size))

    def _side_quantiles(self, score, scores, levels, m, groups=None, weights=None, mask=None):
        """(q_low, q_high), each (m, L): one quantile for a symmetric score, two for a signed one."""
        if score.symmetric:
            q = self._score_quantiles(scores, levels, m, groups, weights, mask)
            return q, q
        side = 1 - (1 - levels) / 2
        q_hi = self._score_quantiles(scores, side, m, groups, weights, mask)
        q_lo = -self._score_quantiles(-scores, side, m, groups, weights, mask)
        return q_lo, q_hi

    def _check_calibration_size(self, scores, levels):
        """Fail early (at conformalize) when the calibration set cannot reach a level."""
        if getattr(self, "allow_infinite_bounds", False):
            return
        cal_g = self.calibration_groups_
        if cal_g is None:
            conformal_quantile(scores, levels)
        else:
            for g in np.unique(cal_g):
                conformal_quantile(scores[cal_g == g], levels, where=f"group {g!r} of the calibration set")
