"""The (weighted, multivariate) empirical distribution function."""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from .._params import ValidatedParams
from .._validation import as_float_array, check_confidence_level, check_levels
from ._common import N_JOBS_CONSTRAINT, as_points, effective_n, normalised_weights

__all__ = ["ECDF"]


class ECDF(ValidatedParams, BaseEstimator):
    """Exact weighted empirical CDF in one or more dimensions.

    ``F(t) = sum_j w_j [x_j <= t] / sum_j w_j`` (componentwise ``<=`` in d dimensions), with
    ties handled exactly. At the n sample points it costs O(n log n) for d <= 2 and
    O(n log^(d-1) n) beyond (Langrené & Warin 2021); in 1-D ``fit`` sorts the sample and k new
    points cost O(n + k log k).

    Parameters
    ----------
    n_jobs : int or None
        Reserved for parallel evaluation (None: 1, -1: all cores); the 1-D path sorts the sample
        once at fit and evaluates new points by a sequential merge, which needs no threads.

    Attributes
    ----------
    n_features_in_ : int
    n_samples_ : int
    weights_ : ndarray of shape (n,)
        Normalised sample weights.

    Notes
    -----
    Degenerate samples need no special case: one row or identical values give the exact step
    function (a single jump of height 1), and the DKW band of a very small sample is wide
    (it is [0, 1] for one row at the 95% level).

    Examples
    --------
    >>> import numpy as np
    >>> F = ECDF().fit([3.0, 1.0, 2.0, 2.0])
    >>> F.evaluate()
    array([1.  , 0.25, 0.75, 0.75])
    >>> F([2.0, 2.5]), F.sf([2.0])
    (array([0.75, 0.75]), array([0.25]))
    >>> F.quantile([0.25, 0.5])
    array([1., 2.])
    >>> G = ECDF().fit(np.array([[0, 0], [1, 1], [1, 0]]))
    >>> G.evaluate()
    array([0.3333..., 1.        , 0.6666...])
    """

    _parameter_constraints = {"n_jobs": N_JOBS_CONSTRAINT}

    def __init__(self, n_jobs=None):
        self.n_jobs = n_jobs

    def fit(self, X, y=None, sample_weight=None):
        """Store the sample; ``X`` has shape (n,) or (n, d)."""
        X = as_points(X, "X")
        self.weights_ = normalised_weights(sample_weight, X.shape[0])
        self.X_ = X
        if X.shape[1] == 1:
            # sort once: evaluation at new points is then a merge pass
            x = X[:, 0]
            n = x.size
            if sample_weight is None:
                self._xs = np.sort(x)
                cum = np.arange(1, n + 1, dtype=float) / n
                self._cum = cum[:, None]
                self._rcum = cum[::-1].copy()[:, None]
            else:
                order = np.argsort(x, kind="stable")
                self._xs = x[order]
                ws = self.weights_[order]
                self._cum = np.cumsum(ws)[:, None]
                self._rcum = np.cumsum(ws[::-1])[::-1].copy()[:, None]
        self.n_features_in_ = X.shape[1]
        self.n_samples_ = X.shape[0]
        return self

    def _sums(self, X, P, upper, strict):
        from .._kernels import ecdf as K

        w = self.weights_[:, None]
        if self.n_features_in_ == 1:
            if upper:
                side = K.SIDE_GT if strict else K.SIDE_GE
            else:
                side = K.SIDE_LT if strict else K.SIDE_LE
            if P is None:
                return K.ecdf_1d_at_samples(X[:, 0].copy(), w, side)[:, 0]
            q = P[:, 0].copy()
            return K.ecdf_1d_presorted_at_points(self._xs, self._cum, self._rcum, q,
                                                 np.argsort(q, kind="stable"), side)[:, 0]
        if upper:  # upper orthant of x is the lower orthant of -x
            X = -X
            P = None if P is None else -P
        if P is None:
            return K.ecdf_nd_at_samples(X, w, strict)[:, 0]
        return K.ecdf_nd_at_points(X, w, P, strict)[:, 0]

    def _points(self, points):
        return None if points is None else as_points(points, "points", self.n_features_in_)

    def evaluate(self, points=None):
        """``F`` at ``points`` (k,) or (k, d); at the sample points (in input order) if None."""
        check_is_fitted(self)
        return np.minimum(self._sums(self.X_, self._points(points), False, False), 1.0)

    def __call__(self, points=None):
        """Same as :meth:`evaluate`."""
        return self.evaluate(points)

    def sf(self, points=None, inclusive=False):
        """Survival function ``P(X > t)`` componentwise (``P(X >= t)`` with ``inclusive=True``).

        In 1-D ``sf = 1 - F`` (scipy's convention); in d > 1 it is the joint upper-orthant
        probability, which is not ``1 - F``.
        """
        check_is_fitted(self)
        return np.minimum(self._sums(self.X_, self._points(points), True, not inclusive), 1.0)

    def evaluate_on_grid(self, *axes):
        """``F`` on the rectilinear grid ``axes[0] x ... x axes[d-1]``, shape (len(a0), ..., len(ad-1))."""
        from .._kernels.ecdf import ecdf_on_grid

        check_is_fitted(self)
        d = self.n_features_in_
        if len(axes) != d:
            raise ValueError(f"pass one axis per dimension ({d}); got {len(axes)}.")
        ax = []
        for k, a in enumerate(axes):
            a = as_float_array(a, f"axes[{k}]", ndim=1)
            if a.size == 0 or np.any(np.diff(a) <= 0):
                raise ValueError(f"axes[{k}] must be non-empty and strictly increasing.")
            ax.append(a)
        sizes = np.array([a.size for a in ax], dtype=np.int64)
        F = ecdf_on_grid(self.X_, self.weights_[:, None], np.concatenate(ax), sizes)[:, 0]
        return np.minimum(F, 1.0).reshape(tuple(sizes))

    def _check_1d(self, what):
        check_is_fitted(self)
        if self.n_features_in_ != 1:
            raise ValueError(f"{what} is defined for one-dimensional data; this ECDF has d = {self.n_features_in_}.")

    def quantile(self, q):
        """Generalised inverse ``inf{x : F(x) >= q}`` for levels ``q`` in (0, 1) (1-D only)."""
        self._check_1d("quantile")
        levels = check_levels(q, "q")
        x, F = self._steps()
        # tolerate rounding in the cumulative sums
        idx = np.searchsorted(F, levels - 1e-12, side="left")
        return x[np.minimum(idx, x.size - 1)]

    def _steps(self):
        x = self.X_[:, 0]
        order = np.argsort(x, kind="stable")
        xs = x[order]
        cum = np.cumsum(self.weights_[order])
        last = np.r_[xs[1:] != xs[:-1], True]
        return xs[last], cum[last]

    def confidence_band(self, confidence_level=0.95):
        """Dvoretzky-Kiefer-Wolfowitz band around F (1-D): ``(x, lower, upper)`` at the jumps.

        ``eps = sqrt(log(2 / alpha) / (2 n))`` with Massart's (1990) constant; with weights,
        ``n`` is Kish's effective sample size (an approximation).
        """
        self._check_1d("confidence_band")
        cl = check_confidence_level(confidence_level)
        if np.ndim(cl) != 0:
            raise ValueError("confidence_level must be a single number for confidence_band.")
        eps = np.sqrt(np.log(2.0 / (1.0 - cl)) / (2.0 * effective_n(self.weights_)))
        x, F = self._steps()
        return x, np.clip(F - eps, 0.0, 1.0), np.clip(F + eps, 0.0, 1.0)
