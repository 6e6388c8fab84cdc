"""Machinery shared by the conformal wrappers: phases, input checks, calibration bookkeeping.

Every wrapper follows the same phases: ``fit(X, y)`` fits the base model (skipped with
``prefit=True``), ``conformalize(X_cal, y_cal)`` computes conformity scores on held-out data,
and ``predict_interval`` / ``predict_set`` / ``predict_distribution`` use them. Calling a phase
too early raises :class:`~distreg.exceptions.NotFittedError` saying which call is missing.
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.base import BaseEstimator, clone
from sklearn.utils.validation import _num_samples, check_is_fitted

from .._params import HasMethods, Instance, Interval, ValidatedParams
from .._validation import check_1d, check_confidence_level, check_same_length, reject_categorical
from ..exceptions import NotFittedError
from ._quantile import (
    InfiniteBoundsWarning,
    _check_weights,
    _conformal_quantile,
    _label,
    _side,
    _weighted_conformal_quantile,
    check_calibration_size,
    mondrian_conformal_quantile,
)

__all__ = [
    "ConformalMixin",
    "call_model",
    "check_rows",
    "check_groups",
    "check_weights",
    "format_interval",
]

#: constraint of ``random_state``: numpy takes seeds in [0, 2**32), or a generator



def _text_message(X):
    """The shared message when X holds category or text columns, else None."""
    try:
        reject_categorical(X, "X")
    except TypeError as exc:
        return str(exc)
    if isinstance(X, np.ndarray) and (X.dtype.kind in "USV" or (
            X.dtype == object and X.size > 0 and isinstance(X.flat[0], (str, bytes)))):
        return ("X holds text; pass numbers (encode categories first, for example with "
                "sklearn.preprocessing.OneHotEncoder in a pipeline).")
    return None


def call_model(owner, method, X, *args, **kwargs):
    """Call a base-model method with X (and y); its failures say which call failed on which data.

    The wrappers pass X to the base model unchanged, so a model that encodes categories (a
    pipeline with an encoder, a model fitted with ``from_formula``) keeps working. Until such a
    call has succeeded on categorical X, a failure on it raises the shared message of
    :func:`~distreg._validation.reject_categorical` (naming the column and how to encode it).
    Any other ``ValueError``/``TypeError`` of the model is raised again with the model, the
    method and the data it failed on in front of its own message, chained to it;
    ``NotFittedError`` passes unchanged.
    """
    try:
        out = method(X, *args, **kwargs)
    except NotFittedError:
        raise
    except (ValueError, TypeError) as exc:
        text = None if getattr(owner, "_takes_categories", False) else _text_message(X)
        if text is not None:
            raise TypeError(f"{text} (the base model raised: {exc})") from exc
        model = type(getattr(method, "__self__", None)).__name__ if hasattr(method, "__self__") else ""
        what = f"{model}.{method.__name__}" if model else method.__name__
        data = "X and y" if args else "X"
        kind = ValueError if isinstance(exc, ValueError) else TypeError
        raise kind(f"the base model's {what} failed on {data}: {exc}") from exc
    if not getattr(owner, "_takes_categories", False) and _text_message(X) is not None:
        owner._takes_categories = True
    return out


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
        if arr.ndim > 2:
            raise ValueError(f"{name} must be two-dimensional (one row per observation, one column per "
                             f"feature); got shape {arr.shape}.")
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


def warn_column_vector(y, name: str = "y"):
    """scikit-learn's DataConversionWarning for a (n, 1) target that is used as (n,)."""
    if np.ndim(y) == 2 and np.shape(y)[1] == 1:
        from sklearn.exceptions import DataConversionWarning

        warnings.warn(f"A column-vector y was passed when a 1d array was expected ({name} of shape (n, 1) "
                      "is used as (n,)).", DataConversionWarning, stacklevel=4)


def check_target(y, name: str = "y"):
    """y as a new 1-D float array, with scikit-learn's message when it is missing."""
    if y is None:
        raise ValueError(f"{name}: this estimator requires y to be passed, but the target y is None.")
    reject_categorical(y, name)
    y = y.to_numpy() if hasattr(y, "to_numpy") else np.asarray(y)
    if y.dtype.kind == "c":
        raise ValueError(f"Complex data not supported: {name} has a complex dtype; pass real numbers.")
    warn_column_vector(y, name)
    return check_1d(y, name)


def check_groups(groups, n: int, name: str = "groups", against: str = "X"):
    """Group labels as a new 1-D array with one label per row of ``against`` (any hashable labels)."""
    if groups is None:
        return None
    g = np.array(groups.to_numpy() if hasattr(groups, "to_numpy") else groups, copy=True)
    if g.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional (one label per row); got shape {g.shape}.")
    if g.shape[0] != n:
        raise ValueError(f"{name} has {g.shape[0]} entries but {against} has {n} rows; pass one label per row.")
    if g.dtype.kind == "c":
        raise TypeError(f"{name} has a complex dtype; pass labels (numbers or strings).")
    import pandas as pd

    if pd.isna(g).any():
        raise ValueError(f"{name} contains missing labels (NaN or None); give every row a label.")
    return g


def check_weights(weights, n: int, name: str = "weights"):
    """Covariate-shift weights as a new non-negative float array, one per row of X."""
    return None if weights is None else _check_weights(weights, n, name, "X")


def format_interval(lower, upper, scalar: bool):
    """Stack (n, L) bounds into (n, 2, L), or (n, 2) for a single scalar level."""
    out = np.stack([lower, upper], axis=1)
    return out[:, :, 0] if scalar else out


class ConformalMixin(ValidatedParams, BaseEstimator):
    """Phases and calibration bookkeeping shared by the conformal wrappers (internal).

    Constructor parameters are checked against ``_parameter_constraints`` at ``fit`` and at
    ``conformalize`` (which is the first call with ``prefit=True``).
    """

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
        call_model(self, est.fit, X, y, **fit_params)
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

    #: the calibration scores, and the call whose data they come from, in messages
    _calibration_name = "the calibration set"
    _calibration_source = "the X, y passed to conformalize"
    #: how weighted calibration names its weights and the opt-out in messages
    _weight_names = ("weights passed to conformalize", "weights passed to the prediction method",
                     "allow_infinite_bounds")

    def _calibration_sets(self, test_groups=None):
        """(size, name) of each calibration set that predictions use: the whole set or each group."""
        cal_g = self.calibration_groups_
        if cal_g is None:
            return [(int(self.n_calibration_), f"{self._calibration_name} ({self._calibration_source})")]
        labels, counts = np.unique(cal_g, return_counts=True)
        if test_groups is not None:
            keep = np.isin(labels, test_groups)
            labels, counts = labels[keep], counts[keep]
        return [(int(c), f"group {_label(lab)!r} of {self._calibration_name} (the groups passed to conformalize)")
                for lab, c in zip(labels, counts)]

    def _size_rule(self, levels, two_sided, test_groups=None, *, predicting=True):
        """The one rule for too few calibration points (see docs/conformal.rst).

        Without ``allow_infinite_bounds`` a level that a calibration set cannot reach is a
        ``ValueError`` saying how many points it needs; with it the bounds are infinite and an
        :class:`InfiniteBoundsWarning` is issued when they are predicted (not at conformalize).
        Weighted calibration is checked per test point by the weighted quantile instead.
        """
        if self.calibration_weights_ is not None:
            return
        allow = bool(self.allow_infinite_bounds)
        if allow and not predicting:
            return
        short = []
        for n, where in self._calibration_sets(test_groups):
            try:
                check_calibration_size(n, levels, two_sided=two_sided, where=where)
            except ValueError as exc:
                if not allow:
                    raise
                short.append(str(exc).split(". Add calibration data")[0])
        if short:
            more = f" (and {len(short) - 1} more group(s))" if len(short) > 1 else ""
            warnings.warn(f"{type(self).__name__}: {short[0]}{more}; the bounds are infinite "
                          "(allow_infinite_bounds=True).", InfiniteBoundsWarning, stacklevel=3)

    def _quantiles(self, score_sets, levels, m, groups=None, weights=None, *, two_sided=False):
        """Conformal quantiles of each array in ``score_sets`` for m test rows, each (m, L).

        ``levels`` are the confidence levels asked for; with ``two_sided`` each array is
        calibrated at the side level 1 - (1 - level)/2 (signed scores, equal tails).
        """
        self._size_rule(levels, two_sided, groups)
        at = _side(levels) if two_sided else levels
        allow = bool(self.allow_infinite_bounds)
        cal_g, cal_w = self.calibration_groups_, self.calibration_weights_
        out = []
        for scores in score_sets:
            if cal_g is not None:
                q = mondrian_conformal_quantile(scores, cal_g, groups, at, weights=cal_w, test_weights=weights,
                                                allow_infinite=allow, names=self._weight_names)
            elif cal_w is not None:
                q = _weighted_conformal_quantile(scores, cal_w, weights, at, allow, self._calibration_name,
                                                 self._weight_names)
            else:
                q = np.broadcast_to(_conformal_quantile(scores, at, True, self._calibration_name)[None, :],
                                    (m, at.size))
            out.append(q)
        if cal_w is not None:
            self._weighted_rule(out, levels)
        return out

    def _weighted_rule(self, quantiles, levels):
        """Weighted calibration: infinite quantiles (a test weight too large) under the same rule.

        Without ``allow_infinite_bounds`` the weighted quantile has already raised.
        """
        inf = np.zeros(quantiles[0].shape, dtype=bool)
        for q in quantiles:
            inf |= np.isinf(q)
        if inf.any():
            level = float(levels[np.nonzero(inf)[1]].max())
            warnings.warn(
                f"{type(self).__name__}: the weighted calibration scores cannot reach confidence_level="
                f"{level:g} for {int(inf.any(axis=1).sum())} test point(s) (their weight is too large "
                "relative to the calibration weights); their bounds are infinite "
                "(allow_infinite_bounds=True).", InfiniteBoundsWarning, stacklevel=4)

    def _check_calibration_size(self, levels, two_sided=False):
        """Fail early (at conformalize) when a calibration set cannot reach a level."""
        self._size_rule(levels, two_sided, predicting=False)
