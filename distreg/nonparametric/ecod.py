"""ECOD: unsupervised outlier detection from empirical CDFs (Li et al. 2022)."""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, OutlierMixin
from sklearn.utils.validation import check_is_fitted

from .._params import Interval, ValidatedParams
from ._common import check_n_samples, check_X, columns_without_spread

__all__ = ["ECOD"]


class ECOD(ValidatedParams, OutlierMixin, BaseEstimator):
    """Empirical-CDF-based outlier detection (Li, Zhao, Hu, Botta, Ionescu & Chen 2022).

    For each column j the left-tail ``F_j(x) = P(X_j <= x)`` and right-tail
    ``S_j(x) = P(X_j >= x)`` empirical probabilities give ``U_left = -sum_j log F_j(x_j)``,
    ``U_right = -sum_j log S_j(x_j)`` and ``U_auto``, which takes each column's left tail if its
    sample skewness is negative and its right tail otherwise. The outlier score is
    ``O(x) = max(U_left, U_right, U_auto)`` -- the paper's Algorithm 1, which sums over columns
    *before* taking the maximum (PyOD takes the maximum per column first).

    Training rows are scored in-sample (each ECDF includes the row itself, as in the paper).
    New rows are scored inductively against the training ECDFs, ``F_j(x) = #{X_ij <= x} / n``,
    so re-scoring a training row reproduces its training score and new rows do not influence
    each other; beyond the training range the tail probability is floored at ``1 / (n + 1)``
    (just below the smallest in-sample value 1/n) so that scores stay finite.

    Signs follow scikit-learn: ``score_samples`` is ``-O`` (lower is more abnormal),
    ``decision_function = score_samples - offset_`` is negative for outliers, and ``predict``
    returns -1 for outliers and 1 for inliers. The raw scores ``O`` are ``decision_scores_``
    (training rows) and :meth:`outlier_score`.

    Parameters
    ----------
    contamination : float in (0, 0.5], default 0.1
        Expected share of outliers; sets ``threshold_``.

    Attributes
    ----------
    decision_scores_ : ndarray of shape (n,)
        Raw ECOD scores ``O`` of the training rows (higher is more outlying).
    threshold_ : float
        The ``1 - contamination`` quantile of ``decision_scores_``.
    offset_ : float
        ``-threshold_``.
    skewness_ : ndarray of shape (d,)
    labels_ : ndarray of shape (n,)
        1 for training outliers, 0 otherwise.

    Notes
    -----
    A column whose values are all equal (up to rounding) carries no outlier information: its
    skewness is taken as 0 and it adds 0 to every training score (``F = S = 1`` there); a new row
    off that value gets the floored tail probability ``1 / (n + 1)`` in it. If every column is
    constant, all training scores are 0 and no training row is flagged.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0.0, 1.0], [1.0, 2.0], [2.0, 0.0], [10.0, 10.0]])
    >>> det = ECOD(contamination=0.25).fit(X)
    >>> det.decision_scores_.round(3)
    array([2.079, 0.981, 1.674, 2.773])
    >>> det.predict([[1.0, 1.0], [20.0, 20.0]])
    array([ 1, -1])
    """

    _parameter_constraints = {"contamination": [Interval("real", 0, 0.5, closed="right")]}

    def __init__(self, contamination=0.1):
        self.contamination = contamination

    def fit(self, X, y=None):
        """Learn the per-column ECDFs and skewness; score the training rows."""
        from scipy.stats import skew

        c = self.contamination
        X = np.asarray(check_X(self, X, reset=True, dtype="numeric", ensure_all_finite=True, copy=True), float)
        n = X.shape[0]
        check_n_samples(n, "ECOD")
        self.X_sorted_ = np.sort(X, axis=0)
        # a constant column has no skewness (scipy would warn about cancellation and return NaN)
        sk = np.zeros(X.shape[1])
        spread = np.setdiff1d(np.arange(X.shape[1]), columns_without_spread(X))
        if spread.size:
            cols = X[:, spread]
            # skewness is scale free; dividing by max|x| keeps the third moments of huge values finite
            sk[spread] = skew(cols / np.max(np.abs(cols), axis=0), axis=0)
        self.skewness_ = sk
        from .._kernels.ecdf import SIDE_GE, SIDE_LE, ecdf_1d_at_samples

        ones = np.ones((n, 1))
        left = np.column_stack([ecdf_1d_at_samples(X[:, j].copy(), ones, SIDE_LE)[:, 0] for j in range(X.shape[1])]) / n
        right = np.column_stack([ecdf_1d_at_samples(X[:, j].copy(), ones, SIDE_GE)[:, 0] for j in range(X.shape[1])]) / n
        self.decision_scores_ = self._combine(left, right)
        self.threshold_ = float(np.percentile(self.decision_scores_, 100 * (1 - c)))
        self.offset_ = -self.threshold_
        self.labels_ = (self.decision_scores_ > self.threshold_).astype(int)
        return self

    def _combine(self, left, right):
        u_left = -np.log(left)
        u_right = -np.log(right)
        u_auto = np.where(self.skewness_ < 0, u_left, u_right)
        return np.max(np.column_stack([u_left.sum(1), u_right.sum(1), u_auto.sum(1)]), axis=1)

    def outlier_score(self, X):
        """Raw ECOD scores ``O`` of new rows against the training ECDFs (higher: more outlying)."""
        check_is_fitted(self)
        X = np.asarray(check_X(self, X, reset=False, dtype="numeric", ensure_all_finite=True, copy=True),
                       float)
        n = self.X_sorted_.shape[0]
        left = np.empty_like(X)
        right = np.empty_like(X)
        for j in range(X.shape[1]):
            col = self.X_sorted_[:, j]
            left[:, j] = np.searchsorted(col, X[:, j], side="right") / n
            right[:, j] = (n - np.searchsorted(col, X[:, j], side="left")) / n
        floor = 1.0 / (n + 1)
        left = np.maximum(left, floor)
        right = np.maximum(right, floor)
        return self._combine(left, right)

    def score_samples(self, X):
        """``-O(x)``: lower is more abnormal (scikit-learn's convention)."""
        return -self.outlier_score(X)

    def decision_function(self, X):
        """``score_samples(X) - offset_``: negative for predicted outliers."""
        return self.score_samples(X) - self.offset_

    def predict(self, X):
        """-1 for outliers, 1 for inliers."""
        return np.where(self.decision_function(X) < 0, -1, 1)
