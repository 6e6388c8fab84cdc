"""Nadaraya-Watson kernel regression with exact fast sums and exact leave-one-out CV."""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted

from .._params import Interval, Options, ValidatedParams
from ..exceptions import NumericalWarning
from ._common import (
    KERNELS,
    N_JOBS_CONSTRAINT,
    check_n_samples,
    check_weights,
    check_X,
    columns_without_spread,
    direct_code,
    expo_coefs,
    fixed_bandwidth,
    numba_threads,
)

__all__ = ["KernelRegression"]

_KERNELS = ("laplacian", "matern32", "gaussian")


class KernelRegression(ValidatedParams, RegressorMixin, BaseEstimator):
    """Nadaraya-Watson regression ``m(x) = sum_j w_j K(x - x_j) y_j / sum_j w_j K(x - x_j)``.

    With the Laplacian and Matérn-3/2 kernels both sums are computed exactly in
    O(n log^(d-1) n) (Langrené & Warin 2021), and so are the leave-one-out fits that
    ``bandwidth="cv"`` minimises; the Gaussian kernel uses direct O(n k) sums.

    Parameters
    ----------
    kernel : {"laplacian", "matern32", "gaussian"}, default "laplacian"
    bandwidth : "cv", "scott", "silverman", float or array-like of shape (d,), default "cv"
        Kernel standard deviation per dimension. "cv" minimises the exact leave-one-out
        squared error ``sum_i w_i (y_i - m_{-i}(x_i))^2`` (starting from Scott's rule, factors
        1/1000 to 10, then per dimension).
    n_jobs : int or None
        Threads for the parallel kernels (None: 1, -1: all cores).

    Attributes
    ----------
    bandwidth_ : ndarray of shape (d,)
    cv_score_ : float
        Weighted mean leave-one-out squared error at ``bandwidth_`` (inf if it overflows, for
        ``|y|`` beyond about 1e154).
    n_features_in_, feature_names_in_

    Notes
    -----
    Where every kernel weight underflows (a point thousands of bandwidths from all data) the
    ratio is undefined; the prediction is then the mean response of the nearest training points
    in scaled L1 distance (the limit of the Laplacian estimate), with a ``NumericalWarning``.

    A column of X whose values are all equal (up to rounding) does not separate the training
    rows; the rule-based bandwidths (and the start of the "cv" search) use a spread of 1 in that
    column's units for it instead of 0. If every column is constant, the fit predicts the
    weighted mean of y. At least two rows are needed.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X = rng.uniform(-2, 2, size=(300, 1)); y = np.sin(2 * X[:, 0]) + 0.1 * rng.normal(size=300)
    >>> m = KernelRegression().fit(X, y)
    >>> m.predict([[0.0], [0.75]]).round(2)
    array([0.02, 0.96])
    """

    _parameter_constraints = {
        "kernel": [Options(_KERNELS)],
        "bandwidth": [Options({"cv", "scott", "silverman"}), Interval("real", 0, None, closed="neither"),
                      "array-like"],
        "n_jobs": N_JOBS_CONSTRAINT,
    }

    def __init__(self, kernel="laplacian", bandwidth="cv", n_jobs=None):
        self.kernel = kernel
        self.bandwidth = bandwidth
        self.n_jobs = n_jobs

    def fit(self, X, y, sample_weight=None):
        """Store the data and choose the bandwidth."""
        X, y = check_X(self, X, y=y, reset=True, dtype="numeric", y_numeric=True, ensure_all_finite=True,
                       copy=True)
        X = np.asarray(X, dtype=float)
        y = np.asarray(y, dtype=float)
        if y.ndim != 1:
            raise ValueError(f"y must be one-dimensional; got shape {y.shape}.")
        n, d = X.shape
        check_n_samples(n, "KernelRegression")
        w = check_weights(sample_weight, n)
        self.X_, self.y_, self.weights_ = X, y, w
        bw = self.bandwidth
        if isinstance(bw, str):
            base = _spread(X) * n ** (-1.0 / (d + 4))
            if bw == "silverman":
                base = base * (4.0 / (d + 2)) ** (1.0 / (d + 4))
            h = self._cross_validate(base) if bw == "cv" else base
        else:
            h = fixed_bandwidth(bw, d)
        self.bandwidth_ = h
        # the criterion is computed on y / max|y| (squares of |y| > 1e154 overflow); the score in
        # y's units can still overflow to inf, the bandwidth cannot
        scale = _y_scale(y)
        self.cv_score_ = self._loo_error(np.log(h)) * scale * scale  # float products overflow to inf
        return self

    def _scaled(self, h):
        return h * KERNELS[self.kernel].scale_per_sd

    def _loo_predictions(self, h):
        X, y, w = self.X_, self.y_, self.weights_
        b = self._scaled(h)
        with numba_threads(self.n_jobs):
            if self.kernel == "gaussian":
                from .._kernels.direct import direct_kernel_sums

                W = np.column_stack([w, w * y])
                S = direct_kernel_sums(X, W, X, b, direct_code("gaussian"))
                den, num = S[:, 0] - w, S[:, 1] - w * y
            else:
                from .._kernels.laplace import nadaraya_watson_loo_sums

                den, num = nadaraya_watson_loo_sums(X, y[:, None], w, b, expo_coefs(self.kernel))
                num = num[:, 0]
        ok = den > 1e-300 * np.max(w)
        pred = np.full(y.shape, np.dot(w, y) / w.sum())
        pred[ok] = num[ok] / den[ok]
        return pred

    def _loo_error(self, log_h):
        """Weighted mean leave-one-out squared error in units of max|y|."""
        pred = self._loo_predictions(np.exp(log_h))
        scale = _y_scale(self.y_)
        return float(np.dot(self.weights_, ((self.y_ - pred) / scale) ** 2) / self.weights_.sum())

    def _cross_validate(self, base):
        from scipy.optimize import minimize, minimize_scalar

        s0 = np.log(base)
        lo, hi = np.log(1e-3), np.log(10.0)
        res = minimize_scalar(lambda v: self._loo_error(s0 + v), bounds=(lo, hi), method="bounded",
                              options={"xatol": 1e-3})
        best = s0 + res.x
        if self.X_.shape[1] > 1:
            def boxed(v):
                u = v - s0
                return self._loo_error(v) if np.all((u >= lo) & (u <= hi)) else np.inf

            best = minimize(boxed, best, method="Nelder-Mead",
                            options={"xatol": 1e-3, "fatol": 1e-12, "maxiter": 100 * self.X_.shape[1]}).x
        return np.exp(best)

    def predict(self, X):
        """Fitted regression function at the rows of X, shape (k,)."""
        check_is_fitted(self)
        Q = np.asarray(check_X(self, X, reset=False, dtype="numeric", ensure_all_finite=True, copy=True),
                       dtype=float)
        b = self._scaled(self.bandwidth_)
        w, y = self.weights_, self.y_
        with numba_threads(self.n_jobs):
            if self.kernel == "gaussian":
                from .._kernels.direct import direct_kernel_sums

                S = direct_kernel_sums(self.X_, np.column_stack([w, w * y]), Q, b, direct_code("gaussian"))
                den, num = S[:, 0], S[:, 1]
            else:
                from .._kernels.laplace import nadaraya_watson_sums

                den, num = nadaraya_watson_sums(self.X_, y[:, None], w, Q, b, expo_coefs(self.kernel))
                num = num[:, 0]
        ok = den > 1e-300 * np.max(w)
        pred = np.empty(Q.shape[0])
        pred[ok] = num[ok] / den[ok]
        if (~ok).any():
            warnings.warn(
                f"{int((~ok).sum())} prediction point(s) lie so far from the training data that all "
                "kernel weights underflow; using the nearest training points (scaled L1 distance).",
                NumericalWarning,
                stacklevel=2,
            )
            for i in np.flatnonzero(~ok):
                dist = np.sum(np.abs(self.X_ - Q[i]) / b, axis=1)
                near = dist == dist.min()
                pred[i] = np.dot(w[near], y[near]) / w[near].sum()
        return pred


def _spread(X):
    """Standard deviation of each column (1 for a column without spread), free of overflow."""
    scale = np.max(np.abs(X), axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    sd = (X / scale).std(axis=0) * scale
    sd[columns_without_spread(X)] = 1.0
    return sd


def _y_scale(y):
    top = float(np.max(np.abs(y)))
    return top if top > 0 else 1.0
